/*
 * node/uiguard.c: the web pages' listener's connection budgets
 * (uiguard.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/uiguard.h"

static bool
live(const struct uiguard_conn *c)
{
	return (c->used && !c->cut);
}

/* Whether slot i may be cut: live, and not the one being answered. */
static bool
takeable(const struct uiguard *g, int i)
{
	return (live(&g->slot[i]) && g->handling != i + 1);
}

/* The listener's time spent answering, in all, by now. */
static uint64_t
served(const struct uiguard *g, uint64_t now_ms)
{
	uint64_t	 t = g->served_ms;

	if (g->serving_since != 0 && now_ms > g->serving_since)
		t += now_ms - g->serving_since;
	return (t);
}

uint64_t
uiguard_waited(const struct uiguard *g, int i, uint64_t now_ms)
{
	const struct uiguard_conn	*c;
	uint64_t			 all, server;

	if (i < 0 || i >= UIGUARD_SLOTS || !g->slot[i].used)
		return (0);
	c = &g->slot[i];
	if (now_ms <= c->since_ms)
		return (0);
	all = now_ms - c->since_ms;
	server = served(g, now_ms) - c->served_at;
	return (all > server ? all - server : 0);
}

void
uiguard_serving(struct uiguard *g, int i, bool on, uint64_t now_ms)
{
	if (on) {
		if (g->serving_since == 0)
			g->serving_since = now_ms != 0 ? now_ms : 1;
		g->handling = i >= 0 && i < UIGUARD_SLOTS ? i + 1 : 0;
		return;
	}
	g->served_ms = served(g, now_ms);
	g->serving_since = 0;
	g->handling = 0;
}

/* Slot c waits from now on. */
static void
wait_from(struct uiguard *g, struct uiguard_conn *c, uint64_t now_ms)
{
	c->since_ms = now_ms;
	c->served_at = served(g, now_ms);
}

/* Live connections from addr. */
static int
held(const struct uiguard *g, const char *addr)
{
	int	 i, n = 0;

	for (i = 0; i < UIGUARD_SLOTS; i++)
		if (live(&g->slot[i]) && strcmp(g->slot[i].addr, addr) == 0)
			n++;
	return (n);
}

/* The oldest connection (by accept; of addr only, unless NULL) that may
 * be cut and has lived min_ms by now; -1 when none. */
static int
oldest(const struct uiguard *g, const char *addr, uint64_t now_ms,
    uint64_t min_ms)
{
	const struct uiguard_conn	*c;
	int				 i, best = -1;

	for (i = 0; i < UIGUARD_SLOTS; i++) {
		c = &g->slot[i];
		if (!takeable(g, i) ||
		    (addr != NULL && strcmp(c->addr, addr) != 0))
			continue;
		if (now_ms < c->accepted_ms ||
		    now_ms - c->accepted_ms < min_ms)
			continue;
		if (best == -1 || c->accepted_ms < g->slot[best].accepted_ms)
			best = i;
	}
	return (best);
}

static int
by_addr(const void *a, const void *b)
{
	const struct uiguard_conn *const *x = a, *const *y = b;

	return (strcmp((*x)->addr, (*y)->addr));
}

/*
 * Fair share: when addr holds fewer connections than the address that
 * holds the most, less one, the oldest connection that may be cut of an
 * address holding that many; -1 otherwise.  The live connections sorted by
 * address, so that a table of many addresses costs n log n, not n².
 */
static int
fair_share(const struct uiguard *g, int mine)
{
	const struct uiguard_conn	*c[UIGUARD_SLOTS], *v = NULL;
	int				 i, j, n = 0, most = 0;

	for (i = 0; i < UIGUARD_SLOTS; i++)
		if (live(&g->slot[i]))
			c[n++] = &g->slot[i];
	qsort(c, (size_t)n, sizeof(c[0]), by_addr);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(c[i]->addr, c[j]->addr) == 0;
		    j++)
			;
		if (j - i > most)
			most = j - i;
	}
	if (mine >= most - 1)
		return (-1);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(c[i]->addr, c[j]->addr) == 0;
		    j++)
			;
		if (j - i != most)
			continue;
		for (; i < j; i++)
			if (takeable(g, (int)(c[i] - g->slot)) && (v == NULL ||
			    c[i]->accepted_ms < v->accepted_ms))
				v = c[i];
	}
	return (v == NULL ? -1 : (int)(v - g->slot));
}

enum uiguard_verdict
uiguard_admit(const struct uiguard *g, const char *addr, uint64_t now_ms,
    int *victim)
{
	int	 i, n = 0, mine, v;

	*victim = -1;
	if (uiguard_open(g) >= UIGUARD_SLOTS)
		return (UIGUARD_REFUSE);	/* cut ones still closing */
	for (i = 0; i < UIGUARD_SLOTS; i++)
		if (live(&g->slot[i]))
			n++;
	mine = held(g, addr);
	if (n < UI_CONN_MAX && mine < UI_CONN_PER_ADDR)
		return (UIGUARD_ROOM);
	if (mine >= UI_CONN_PER_ADDR)
		v = oldest(g, addr, now_ms, UIGUARD_GRACE_MS);
	else if ((v = fair_share(g, mine)) == -1)
		v = oldest(g, NULL, now_ms, UIGUARD_GRACE_MS);
	if (v == -1)
		return (UIGUARD_REFUSE);
	*victim = v;
	return (UIGUARD_TAKE);
}

int
uiguard_add(struct uiguard *g, const char *addr, int fd, uint64_t now_ms)
{
	struct uiguard_conn	*c;
	int			 i;

	for (i = 0; i < UIGUARD_SLOTS; i++) {
		c = &g->slot[i];
		if (c->used)
			continue;
		memset(c, 0, sizeof(*c));
		snprintf(c->addr, sizeof(c->addr), "%s", addr);
		c->fd = fd;
		c->accepted_ms = now_ms;
		wait_from(g, c, now_ms);
		c->used = true;
		return (i);
	}
	return (-1);
}

void
uiguard_busy(struct uiguard *g, int i, bool busy, uint64_t now_ms)
{
	if (i < 0 || i >= UIGUARD_SLOTS || !g->slot[i].used)
		return;
	/* Busy, its answer is counted from now; waiting again, its next
	 * request. */
	g->slot[i].busy = busy;
	wait_from(g, &g->slot[i], now_ms);
}

void
uiguard_begun(struct uiguard *g, int i, uint64_t now_ms)
{
	if (i < 0 || i >= UIGUARD_SLOTS || !g->slot[i].used ||
	    g->slot[i].busy)
		return;
	wait_from(g, &g->slot[i], now_ms);
}

int
uiguard_cut(struct uiguard *g, int i)
{
	if (i < 0 || i >= UIGUARD_SLOTS || !live(&g->slot[i]))
		return (-1);
	g->slot[i].cut = true;
	return (g->slot[i].fd);
}

int
uiguard_late(const struct uiguard *g, uint64_t now_ms, int from)
{
	const struct uiguard_conn	*c;
	int				 i, n;

	for (i = 0, n = 0; i < UIGUARD_SLOTS; i++)
		if (live(&g->slot[i]))
			n++;
	if (n < UIGUARD_PRESSURE)
		return (-1);
	for (i = from < 0 ? 0 : from; i < UIGUARD_SLOTS; i++) {
		c = &g->slot[i];
		if (!takeable(g, i))
			continue;
		if (uiguard_waited(g, i, now_ms) >= (c->busy ?
		    UIGUARD_ANSWER_MS : UIGUARD_REQUEST_MS))
			return (i);
	}
	return (-1);
}

void
uiguard_remove(struct uiguard *g, int i)
{
	if (i < 0 || i >= UIGUARD_SLOTS)
		return;
	memset(&g->slot[i], 0, sizeof(g->slot[i]));
}

int
uiguard_open(const struct uiguard *g)
{
	int	 i, n = 0;

	for (i = 0; i < UIGUARD_SLOTS; i++)
		if (g->slot[i].used)
			n++;
	return (n);
}
