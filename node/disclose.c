/*
 * node/disclose.c: statistical disclosure control.  See disclose.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "node/disclose.h"
#include "node/lp.h"

#define EPS	1e-9

enum lp_result	(*disclose_lp)(const double *, const double *,
		    const double *, size_t, size_t, size_t, double *) =
		    lp_min_iter;
size_t		 disclose_lp_iter = LP_MAX_ITER;

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
		/* A zero hides nothing worth trading: last resort. */
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

/*
 * Which lines hold each cell: cell i's lines are lst[off[i]..off[i+1]).
 * A line that names a cell twice is listed twice.
 */
struct incid {
	size_t	*off;
	size_t	*lst;
};

static void
incid_free(struct incid *ix)
{
	free(ix->off);
	free(ix->lst);
	ix->off = ix->lst = NULL;
}

static int
incid_make(const struct dtable *t, struct incid *ix)
{
	size_t	*fill = NULL, i, j, x;
	int	 rc = -1;

	ix->lst = NULL;
	if ((ix->off = calloc(t->n + 2, sizeof(*ix->off))) == NULL ||
	    (fill = calloc(t->n + 1, sizeof(*fill))) == NULL)
		goto out;
	for (i = 0; i < t->nlines; i++)
		for (j = 0; j <= t->lines[i].nkids; j++) {
			x = j < t->lines[i].nkids ? t->lines[i].kids[j] :
			    t->lines[i].parent;
			ix->off[x + 1]++;
		}
	for (i = 0; i < t->n; i++)
		ix->off[i + 1] += ix->off[i];
	if ((ix->lst = calloc(ix->off[t->n] + 1, sizeof(*ix->lst))) == NULL)
		goto out;
	for (i = 0; i < t->nlines; i++)
		for (j = 0; j <= t->lines[i].nkids; j++) {
			x = j < t->lines[i].nkids ? t->lines[i].kids[j] :
			    t->lines[i].parent;
			ix->lst[ix->off[x] + fill[x]++] = i;
		}
	rc = 0;
out:
	free(fill);
	if (rc == -1)
		incid_free(ix);
	return (rc);
}

/* The attacker's program being built: unknowns, and lines as rows. */
struct prog {
	long	*var;		/* per cell: its unknown, or -1 */
	size_t	*dist;		/* per cell: how far from k */
	bool	*done;		/* per cell: taken or passed */
	size_t	*front, nf;	/* reached hidden cells not yet done */
	bool	*lin;		/* per line: a row already */
	size_t	*rows, m;	/* the lines that are rows */
	size_t	 nv;
};

/*
 * Make hidden cell y an unknown, with every line through it a row, if
 * DISCLOSE_LP_ROWS allows; else it stays known (at its true value).  Then
 * the hidden cells of its lines are reached, each at y's distance plus
 * the size of the line: a small line (a sex, a district) binds its cells
 * tightly, a long one loosely, so the unknowns are the cells that bind
 * the audited one most.  true if admitted.
 */
static bool
admit(const struct dtable *t, const struct incid *ix, struct prog *pg,
    size_t y)
{
	size_t	 i, j, z, add = 0, d;

	pg->done[y] = true;
	for (i = ix->off[y]; i < ix->off[y + 1]; i++)
		add += !pg->lin[ix->lst[i]];
	if (pg->m + add > DISCLOSE_LP_ROWS)
		return (false);
	for (i = ix->off[y]; i < ix->off[y + 1]; i++) {
		const struct dline *ln = &t->lines[ix->lst[i]];

		if (!pg->lin[ix->lst[i]]) {
			pg->lin[ix->lst[i]] = true;
			pg->rows[pg->m++] = ix->lst[i];
		}
		d = pg->dist[y] + ln->nkids + 1;
		for (j = 0; j <= ln->nkids; j++) {
			z = j < ln->nkids ? ln->kids[j] : ln->parent;
			if (!hidden(t, z) || pg->done[z] || d >= pg->dist[z])
				continue;
			if (pg->dist[z] == SIZE_MAX)
				pg->front[pg->nf++] = z;
			pg->dist[z] = d;
		}
	}
	pg->var[y] = (long)pg->nv++;
	return (true);
}

/*
 * The attacker: the least and greatest value hidden cell k can take,
 * given every published cell and every line, as two linear programs over
 * the hidden cells joined to k through lines (at most DISCLOSE_LP_VARS of
 * them, the nearest first; see disclose.h).  0 and *lo, *hi (HUGE_VAL
 * when unbounded), or -1 with the reason in *why.
 */
static int
range_of(const struct dtable *t, const struct incid *ix, size_t k,
    double *lo, double *hi, const char **why)
{
	struct prog	 pg;
	double		*a = NULL, *b = NULL, *c = NULL, opt;
	size_t		 i, l, y, best;
	enum lp_result	 r;
	int		 rc = -1;

	memset(&pg, 0, sizeof(pg));
	*why = "out of memory";
	if ((pg.var = calloc(t->n, sizeof(*pg.var))) == NULL ||
	    (pg.dist = calloc(t->n, sizeof(*pg.dist))) == NULL ||
	    (pg.done = calloc(t->n, sizeof(*pg.done))) == NULL ||
	    (pg.front = calloc(t->n, sizeof(*pg.front))) == NULL ||
	    (pg.lin = calloc(t->nlines + 1, sizeof(*pg.lin))) == NULL ||
	    (pg.rows = calloc(t->nlines + 1, sizeof(*pg.rows))) == NULL)
		goto out;
	for (i = 0; i < t->n; i++) {
		pg.var[i] = -1;
		pg.dist[i] = SIZE_MAX;
	}
	pg.dist[k] = 0;
	if (!admit(t, ix, &pg, k)) {
		*why = "a hidden cell lies in more lines than one linear "
		    "program may hold (DISCLOSE_LP_ROWS)";
		goto out;
	}
	/* The nearest reached cell next (the first of equals). */
	while (pg.nv < DISCLOSE_LP_VARS && pg.nf > 0) {
		for (best = 0, i = 1; i < pg.nf; i++)
			if (pg.dist[pg.front[i]] < pg.dist[pg.front[best]])
				best = i;
		y = pg.front[best];
		pg.front[best] = pg.front[--pg.nf];
		(void)admit(t, ix, &pg, y);
	}
	*why = "out of memory";
	if ((a = calloc(pg.m * pg.nv + 1, sizeof(*a))) == NULL ||
	    (b = calloc(pg.m + 1, sizeof(*b))) == NULL ||
	    (c = calloc(pg.nv + 1, sizeof(*c))) == NULL)
		goto out;
	for (i = 0; i < pg.m; i++) {
		const struct dline *ln = &t->lines[pg.rows[i]];

		for (l = 0; l <= ln->nkids; l++) {
			double	 coef = l < ln->nkids ? -1.0 : 1.0;

			y = l < ln->nkids ? ln->kids[l] : ln->parent;
			if (pg.var[y] >= 0)
				a[i * pg.nv + (size_t)pg.var[y]] += coef;
			else
				b[i] -= coef * (double)t->v[y];
		}
	}
	c[0] = 1.0;
	if ((r = disclose_lp(a, b, c, pg.m, pg.nv, disclose_lp_iter,
	    &opt)) != LP_OK) {
		*why = r == LP_FAILED ? "the linear program gave up (its "
		    "iteration bound, or memory)" : "the linear program "
		    "found the table inconsistent";
		goto out;
	}
	*lo = opt;
	c[0] = -1.0;
	if ((r = disclose_lp(a, b, c, pg.m, pg.nv, disclose_lp_iter,
	    &opt)) == LP_UNBOUNDED)
		*hi = HUGE_VAL;
	else if (r == LP_OK)
		*hi = -opt;
	else {
		*why = r == LP_FAILED ? "the linear program gave up (its "
		    "iteration bound, or memory)" : "the linear program "
		    "found the table inconsistent";
		goto out;
	}
	/* The true value satisfies every line: a range without it is a
	 * numerical failure, and proves nothing. */
	if (!isfinite(*lo) || isnan(*hi) ||
	    (double)t->v[k] < *lo - DISCLOSE_TOL ||
	    (double)t->v[k] > *hi + DISCLOSE_TOL) {
		*why = "the linear program's range misses the cell's value";
		goto out;
	}
	rc = 0;
out:
	free(a);
	free(b);
	free(c);
	free(pg.var);
	free(pg.dist);
	free(pg.done);
	free(pg.front);
	free(pg.lin);
	free(pg.rows);
	return (rc);
}

/* Whether line ln holds a hidden cell that shares a line with cell k. */
static bool
joined(const struct dtable *t, const struct dline *ln, size_t k)
{
	const struct dline	*o;
	size_t			 a, b, l, x;
	bool			 ink;

	for (a = 0; a <= ln->nkids; a++) {
		x = a < ln->nkids ? ln->kids[a] : ln->parent;
		if (!hidden(t, x) || x == k)
			continue;
		for (l = 0; l < t->nlines; l++) {
			o = &t->lines[l];
			ink = o->parent == k;
			for (b = 0; !ink && b < o->nkids; b++)
				ink = o->kids[b] == k;
			if (!ink)
				continue;
			if (o->parent == x)
				return (true);
			for (b = 0; b < o->nkids; b++)
				if (o->kids[b] == x)
					return (true);
		}
	}
	return (false);
}

/*
 * The audit: a primary cell that the attacker can pin within less than
 * threshold gets one more partner, in the first line through it that has
 * one to give.  1 if it hid a cell, 0 if every primary cell is safe, -1
 * with the reason in *why when a check could not finish or no partner is
 * left (the caller then hides the whole table).
 */
static int
audit(struct dtable *t, const struct incid *ix, int threshold,
    const char **why)
{
	double	 lo, hi;
	size_t	 k, j, l;
	long	 p;
	bool	 in;

	for (k = 0; k < t->n; k++) {
		if (t->status[k] != 'A' || t->v[k] < 1 || t->v[k] >= threshold)
			continue;
		if (range_of(t, ix, k, &lo, &hi, why) == -1)
			return (-1);
		if (hi - lo >= (double)threshold - DISCLOSE_TOL)
			continue;
		for (l = 0; l < t->nlines; l++) {
			const struct dline *ln = &t->lines[l];

			in = ln->parent == k;
			for (j = 0; !in && j < ln->nkids; j++)
				in = ln->kids[j] == k;
			if (in && (p = partner(t, ln, threshold)) != -1 &&
			    t->v[p] > 0) {
				t->status[p] = 'D';
				return (1);
			}
		}
		/* No line through it has a count to give: widen a line
		 * that holds a hidden cell of another line through it. */
		for (l = 0; l < t->nlines; l++) {
			const struct dline *ln = &t->lines[l];

			if (!joined(t, ln, k) ||
			    (p = partner(t, ln, threshold)) == -1 ||
			    t->v[p] <= 0)
				continue;
			t->status[p] = 'D';
			return (1);
		}
		*why = "a primary cell stays too narrow with no cell left "
		    "to hide beside it";
		return (-1);
	}
	return (0);
}

long
disclose_secondary(struct dtable *t, int threshold)
{
	struct incid	 ix;
	const char	*why = "out of memory";
	size_t		 i, j, k, before = 0, after = 0;
	long		 c, p;
	int		 r;
	bool		 hid;

	t->failed = NULL;
	for (i = 0; i < t->n; i++)
		before += hidden(t, i);
	if (incid_make(t, &ix) == -1)
		goto all;
	for (;;) {
		while (line_pass(t, threshold))
			;
		if ((c = computable(t)) == -1) {
			if ((r = audit(t, &ix, threshold, &why)) == 1)
				continue;
			if (r == -1)
				goto all;
			break;
		}
		if (c == -2) {
			why = "out of memory";
			goto all;
		}
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
		if (!hid) {
			why = "a hidden cell stays computable with no cell "
			    "left to hide beside it";
			goto all;
		}
	}
	incid_free(&ix);
	for (i = 0; i < t->n; i++)
		after += hidden(t, i);
	return ((long)(after - before));
all:
	incid_free(&ix);
	for (i = 0; i < t->n; i++)
		if (!hidden(t, i))
			t->status[i] = 'D';
	t->failed = why;
	return (-1);
}
