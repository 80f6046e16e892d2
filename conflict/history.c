/*
 * conflict/history.c: a dossier's change graph in memory.  See history.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/history.h"

void
history_init(struct history *h)
{
	memset(h, 0, sizeof(*h));
}

void
history_free(struct history *h)
{
	free(h->v);
	free(h->parents);
	free(h->byid);
	history_init(h);
}

int
history_add(struct history *h, int64_t seq, const char *id)
{
	struct history_change	*nv, *c;
	size_t			 cap;

	if (h->n == h->cap) {
		cap = h->cap ? h->cap * 2 : 64;
		if ((nv = reallocarray(h->v, cap, sizeof(*nv))) == NULL)
			return (-1);
		h->v = nv;
		h->cap = cap;
	}
	free(h->byid);		/* v may have moved: sealed again */
	h->byid = NULL;
	c = &h->v[h->n++];
	memset(c, 0, sizeof(*c));
	c->seq = seq;
	memcpy(c->id, id, 64);
	c->id[64] = '\0';
	c->parent0 = h->np;
	return (0);
}

int
history_add_parent(struct history *h, const char *id)
{
	char	(*nv)[65];
	size_t	 cap;

	if (h->n == 0)
		return (-1);
	if (h->np == h->pcap) {
		cap = h->pcap ? h->pcap * 2 : 64;
		if ((nv = reallocarray(h->parents, cap, sizeof(*nv))) == NULL)
			return (-1);
		h->parents = nv;
		h->pcap = cap;
	}
	memcpy(h->parents[h->np], id, 64);
	h->parents[h->np++][64] = '\0';
	h->v[h->n - 1].nparents++;
	return (0);
}

static int
byid_cmp(const void *a, const void *b)
{
	return (strcmp((*(struct history_change *const *)a)->id,
	    (*(struct history_change *const *)b)->id));
}

int
history_seal(struct history *h)
{
	size_t	 i;

	free(h->byid);
	h->byid = NULL;
	if (h->n == 0)
		return (0);
	if ((h->byid = reallocarray(NULL, h->n, sizeof(*h->byid))) == NULL)
		return (-1);
	for (i = 0; i < h->n; i++)
		h->byid[i] = &h->v[i];
	qsort(h->byid, h->n, sizeof(*h->byid), byid_cmp);
	return (0);
}

long
history_find(const struct history *h, const char *id)
{
	size_t	 lo = 0, hi = h->n, mid;
	int	 c;

	if (h->byid == NULL)
		return (-1);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(id, h->byid[mid]->id)) == 0)
			return ((long)(h->byid[mid] - h->v));
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (-1);
}

int
history_gap(const struct history *h, int (*elsewhere)(const char *, void *),
    void *arg)
{
	const struct history_change	*c;
	size_t				 i, j;
	int				 k;

	for (i = 0; i < h->n; i++) {
		c = &h->v[i];
		if (c->other)
			continue;
		for (j = c->parent0; j < c->parent0 + c->nparents; j++) {
			if (history_find(h, h->parents[j]) != -1)
				continue;
			if ((k = elsewhere(h->parents[j], arg)) != 1)
				return (k == 0 ? 1 : -1);
		}
	}
	return (0);
}

size_t
history_moves(struct history *h)
{
	struct history_change	*c;
	size_t			 i, j, n = 0;
	long			 p;

	/* In the total order, so that a parent (earlier in it) is judged
	 * before its child. */
	for (i = 0; i < h->n; i++) {
		c = &h->v[i];
		c->moves = false;
		for (j = c->parent0; j < c->parent0 + c->nparents; j++)
			if ((p = history_find(h, h->parents[j])) != -1 &&
			    (h->v[p].seq > c->seq || h->v[p].moves)) {
				c->moves = true;
				break;
			}
		n += c->moves;
	}
	return (n);
}

size_t
history_heads(struct history *h)
{
	size_t	 i, n = h->n;
	long	 p;

	for (i = 0; i < h->n; i++)
		h->v[i].head = true;
	for (i = 0; i < h->np; i++)
		if ((p = history_find(h, h->parents[i])) != -1 &&
		    h->v[p].head) {
			h->v[p].head = false;
			n--;
		}
	return (n);
}
