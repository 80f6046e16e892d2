/*
 * node/disclose.c: statistical disclosure control.  See disclose.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "node/disclose.h"

#define EPS	1e-9

long
disclose_cell(struct dtable *t, int64_t v)
{
	int64_t	*nv;
	char	*ns;
	size_t	 cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if ((nv = reallocarray(t->v, cap, sizeof(*nv))) == NULL)
			return (-1);
		t->v = nv;
		if ((ns = reallocarray(t->status, cap, sizeof(*ns))) == NULL)
			return (-1);
		t->status = ns;
		t->cap = cap;
	}
	t->v[t->n] = v;
	t->status[t->n] = 'F';
	return ((long)t->n++);
}

int
disclose_line(struct dtable *t, size_t parent, const size_t *kids,
    size_t nkids)
{
	struct dline	*nl;
	size_t		 cap;

	if (t->nlines == t->lcap) {
		cap = t->lcap ? t->lcap * 2 : 64;
		if ((nl = reallocarray(t->lines, cap, sizeof(*nl))) == NULL)
			return (-1);
		t->lines = nl;
		t->lcap = cap;
	}
	nl = &t->lines[t->nlines];
	if ((nl->kids = calloc(nkids + 1, sizeof(*nl->kids))) == NULL)
		return (-1);
	memcpy(nl->kids, kids, nkids * sizeof(*kids));
	nl->nkids = nkids;
	nl->parent = parent;
	t->nlines++;
	return (0);
}

void
disclose_free(struct dtable *t)
{
	size_t	 i;

	for (i = 0; i < t->nlines; i++)
		free(t->lines[i].kids);
	free(t->lines);
	free(t->v);
	free(t->status);
	memset(t, 0, sizeof(*t));
}

void
disclose_primary(struct dtable *t, int threshold)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (t->v[i] >= 1 && t->v[i] < threshold)
			t->status[i] = 'A';
}

void
disclose_mark(struct dtable *t, size_t i)
{
	if (i < t->n)
		t->status[i] = 'A';
}

static bool
hidden(const struct dtable *t, size_t i)
{
	return (t->status[i] != 'F');
}

/*
 * The best partner to hide in line l: a published cell whose count is at
 * least threshold (the smallest such, so as to hide little), else the
 * largest one; kids before the total; the lowest index on a tie.  -1 if
 * every cell of the line is hidden.
 */
static long
partner(const struct dtable *t, const struct dline *l, int threshold)
{
	long	 best = -1;
	size_t	 k, c;
	bool	 big, bbig;

	for (k = 0; k <= l->nkids; k++) {
		c = k < l->nkids ? l->kids[k] : l->parent;
		if (hidden(t, c))
			continue;
		if (k == l->nkids && best != -1)
			break;
		if (best == -1) {
			best = (long)c;
			continue;
		}
		big = t->v[c] >= threshold;
		bbig = t->v[best] >= threshold;
		if ((big && !bbig) || (big && bbig && t->v[c] < t->v[best]) ||
		    (!big && !bbig && t->v[c] > t->v[best]))
			best = (long)c;
	}
	return (best);
}

/*
 * One pass of the line rules; true if it hid a cell.  A line with exactly
 * one hidden cell would give it away by subtraction; a line whose total is
 * published and whose hidden parts add up to less than threshold would
 * bound each of them too tightly.
 */
static bool
line_pass(struct dtable *t, int threshold)
{
	const struct dline	*l;
	size_t			 i, k, nh;
	int64_t			 sum;
	long			 p;
	bool			 hid = false;

	for (i = 0; i < t->nlines; i++) {
		l = &t->lines[i];
		nh = hidden(t, l->parent);
		sum = 0;
		for (k = 0; k < l->nkids; k++)
			if (hidden(t, l->kids[k])) {
				nh++;
				sum += t->v[l->kids[k]];
			}
		if (nh == 0)
			continue;
		if (nh == 1 || (!hidden(t, l->parent) && sum < threshold)) {
			if ((p = partner(t, l, threshold)) == -1)
				continue;
			t->status[p] = 'D';
			hid = true;
		}
	}
	return (hid);
}

/*
 * The rank test: a hidden cell is computable from the published ones iff
 * its unit vector lies in the row space of the lines' equations over the
 * hidden cells.  In reduced row echelon form that is: its column is a
 * pivot, and the pivot's row has no other non-zero entry.  Returns the
 * index of one computable hidden cell, -1 if none, -2 on out of memory.
 */
static long
computable(const struct dtable *t)
{
	double	*m = NULL;
	size_t	*col = NULL, *rows = NULL, nh = 0, nr = 0, i, k, r, c, piv;
	long	*pos = NULL, found = -1;
	double	 f;
	bool	 alone;

	if ((pos = calloc(t->n + 1, sizeof(*pos))) == NULL ||
	    (col = calloc(t->n + 1, sizeof(*col))) == NULL ||
	    (rows = calloc(t->nlines + 1, sizeof(*rows))) == NULL) {
		found = -2;
		goto out;
	}
	for (i = 0; i < t->n; i++) {
		pos[i] = -1;
		if (hidden(t, i)) {
			pos[i] = (long)nh;
			col[nh++] = i;
		}
	}
	for (i = 0; i < t->nlines; i++) {
		alone = !hidden(t, t->lines[i].parent);
		for (k = 0; alone && k < t->lines[i].nkids; k++)
			alone = !hidden(t, t->lines[i].kids[k]);
		if (!alone)
			rows[nr++] = i;
	}
	if (nh == 0 || nr == 0)
		goto out;
	if ((m = calloc(nr * nh, sizeof(*m))) == NULL) {
		found = -2;
		goto out;
	}
	for (r = 0; r < nr; r++) {
		const struct dline *l = &t->lines[rows[r]];

		if (pos[l->parent] >= 0)
			m[r * nh + (size_t)pos[l->parent]] += 1;
		for (k = 0; k < l->nkids; k++)
			if (pos[l->kids[k]] >= 0)
				m[r * nh + (size_t)pos[l->kids[k]]] -= 1;
	}
	/* Gauss-Jordan with partial pivoting. */
	for (c = 0, piv = 0; c < nh && piv < nr; c++) {
		size_t best = piv;

		for (r = piv + 1; r < nr; r++)
			if (fabs(m[r * nh + c]) > fabs(m[best * nh + c]))
				best = r;
		if (fabs(m[best * nh + c]) < EPS)
			continue;
		if (best != piv)
			for (k = 0; k < nh; k++) {
				f = m[best * nh + k];
				m[best * nh + k] = m[piv * nh + k];
				m[piv * nh + k] = f;
			}
		f = m[piv * nh + c];
		for (k = 0; k < nh; k++)
			m[piv * nh + k] /= f;
		for (r = 0; r < nr; r++) {
			if (r == piv || fabs(m[r * nh + c]) < EPS)
				continue;
			f = m[r * nh + c];
			for (k = 0; k < nh; k++)
				m[r * nh + k] -= f * m[piv * nh + k];
		}
		piv++;
	}
	/* Rows 0..piv-1 are the reduced rows; a row with one non-zero
	 * entry pins that cell down. */
	for (r = 0; r < piv && found == -1; r++) {
		size_t nz = 0, at = 0;

		for (k = 0; k < nh; k++)
			if (fabs(m[r * nh + k]) > EPS) {
				nz++;
				at = k;
			}
		if (nz == 1)
			found = (long)col[at];
	}
out:
	free(m);
	free(pos);
	free(col);
	free(rows);
	return (found);
}

long
disclose_secondary(struct dtable *t, int threshold)
{
	size_t	 i, j, k, before = 0, after = 0;
	long	 c, p;
	bool	 hid;

	for (i = 0; i < t->n; i++)
		before += hidden(t, i);
	for (;;) {
		while (line_pass(t, threshold))
			;
		if ((c = computable(t)) == -1)
			break;
		if (c == -2)
			goto all;
		/* Hide a partner in a line through the computable cell. */
		hid = false;
		for (j = 0; j < t->nlines && !hid; j++) {
			const struct dline *l = &t->lines[j];
			bool in = l->parent == (size_t)c;

			for (k = 0; !in && k < l->nkids; k++)
				in = l->kids[k] == (size_t)c;
			if (in && (p = partner(t, l, threshold)) != -1) {
				t->status[p] = 'D';
				hid = true;
			}
		}
		if (!hid)
			goto all;	/* not expected: hide all, safely */
	}
	for (i = 0; i < t->n; i++)
		after += hidden(t, i);
	return ((long)(after - before));
all:
	for (i = 0; i < t->n; i++)
		if (!hidden(t, i))
			t->status[i] = 'D';
	return (-1);
}
