/*
 * conflict/dossier.c: folding changes into a dossier's state.  See dossier.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/dossier.h"
#include "conflict/hlc.h"

const struct dossier_table_def dossier_tables[DT_COUNT] = {
	[DT_EPISODE] = { "episodes", EP_NCOL, { "id", "centre", "curator",
	    "opened", "closed", "close_reason", "region", "user", "hlc" } },
	[DT_EVENT] = { "events", EV_NCOL, { "id", "date", "type", "text",
	    "amended", "retracted", "retract_reason", "late", "region", "user",
	    "hlc" } },
	[DT_ASSESSMENT] = { "assessments", AS_NCOL, { "id", "date", "housing",
	    "education", "employment", "family", "region", "user", "hlc" } },
	[DT_CONSENT] = { "consents", CO_NCOL, { "id", "scope", "date",
	    "document", "withdrawn", "region", "user", "hlc" } },
	[DT_TRANSFER] = { "transfers", TR_NCOL, { "id", "from", "to", "reason",
	    "state", "decided", "decided_by", "decline_reason", "late",
	    "late_by", "region", "user", "hlc" } },
	[DT_CONFLICT] = { "conflicts", CF_NCOL, { "id", "field", "value",
	    "winner", "winner_value", "winner_region", "winner_user",
	    "winner_hlc", "state", "closed_by", "closed", "region", "user",
	    "hlc" } },
	[DT_LINK] = { "links", LN_NCOL, { "id", "other", "reason", "state",
	    "unlinked", "unlinked_by", "unlink_reason", "region", "user",
	    "hlc" } },
};

/*
 * The causal graph.  Nodes are the changes in the order applied (the total
 * order, which extends the causal order: a change's clock is above its
 * parents'), so an ancestor always has a smaller index than its
 * descendants, and a walk back from a change can stop below the index it
 * looks for.  Ids are found through an open-addressing table keyed by the
 * first 64 bits of the id, which is a SHA-256 and so already uniform.
 */
struct dag_node {
	char		 id[65];
	size_t		 par, npar;	/* the parents, in dag->par */
	unsigned	 mark;		/* == dag->epoch: seen by this walk */
	uint32_t	 kinds;		/* 1 << kind of each of its ops */
};

struct dossier_dag {
	struct dag_node	*v;
	size_t		 n, cap;
	size_t		*par;
	size_t		 npar, parcap;
	size_t		*slot;		/* node index + 1; 0: empty */
	size_t		 nslot;		/* a power of two, or 0 */
	size_t		*stack;
	unsigned	 epoch;
};

struct dossier *
dossier_new(const char *id)
{
	struct dossier	*d;

	if (strlen(id) >= sizeof(d->id) || (d = calloc(1, sizeof(*d))) == NULL)
		return (NULL);
	if ((d->dag = calloc(1, sizeof(*d->dag))) == NULL) {
		free(d);
		return (NULL);
	}
	memcpy(d->id, id, strlen(id) + 1);
	return (d);
}

static void
dag_free(struct dossier_dag *g)
{
	if (g == NULL)
		return;
	free(g->v);
	free(g->par);
	free(g->slot);
	free(g->stack);
	free(g);
}

static void
writes_clear(struct dossier_writes *ws)
{
	size_t	 k;

	for (k = 0; k < ws->n; k++) {
		free(ws->v[k].value);
		free(ws->v[k].region);
		free(ws->v[k].user);
	}
	free(ws->v);
	memset(ws, 0, sizeof(*ws));
}

int
dossier_loaded(struct dossier *d, const char (*heads)[65], size_t nheads)
{
	char	(*h)[65] = NULL;
	int	 f;

	if (nheads > 0) {
		if ((h = calloc(nheads, sizeof(*h))) == NULL)
			return (-1);
		memcpy(h, heads, nheads * sizeof(*h));
	}
	free(d->heads);
	d->heads = h;
	d->nheads = nheads;
	dag_free(d->dag);
	d->dag = NULL;
	for (f = 0; f < PF_COUNT; f++)
		writes_clear(&d->w[f]);
	return (0);
}

void
dossier_free(struct dossier *d)
{
	size_t	 i, r;
	int	 t, c;

	if (d == NULL)
		return;
	for (i = 0; i < PF_COUNT; i++)
		free(d->person[i]);
	for (t = 0; t < DT_COUNT; t++) {
		for (r = 0; r < d->t[t].n; r++)
			for (c = 0; c < DOSSIER_MAXCOL; c++)
				free(d->t[t].v[r].col[c]);
		free(d->t[t].v);
	}
	for (i = 0; i < PF_COUNT; i++)
		writes_clear(&d->w[i]);
	free(d->heads);
	dag_free(d->dag);
	free(d);
}

int
dossier_stamp_cmp(const struct dossier_stamp *a, const struct dossier_stamp *b)
{
	return (hlc_order(a->hlc, a->key, a->id, b->hlc, b->key, b->id));
}

int
dossier_set(char **slot, const char *value)
{
	char	*p = NULL;

	if (value != NULL && value[0] != '\0' && (p = strdup(value)) == NULL)
		return (-1);
	free(*slot);
	*slot = p;
	return (0);
}

/* dossier_set when v is given (not NULL); an absent member is kept. */
static int
set_given(char **slot, const char *v)
{
	return (v != NULL ? dossier_set(slot, v) : 0);
}

/* Copy at most n bytes of a C string into a fixed array, NUL-terminated. */
static void
copy_fixed(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = src != NULL ? strlen(src) : 0;

	if (n >= dstsz)
		n = dstsz - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

struct dossier_row *
dossier_find(const struct dossier *d, enum dossier_table t, const char *id)
{
	size_t	 r;

	/* Linear: a dossier holds at most a few thousand entries, and a
	 * lookup happens only for an amendment, a closing or a withdrawal. */
	for (r = 0; r < d->t[t].n; r++)
		if (strcmp(d->t[t].v[r].col[COL_ID], id) == 0)
			return (&d->t[t].v[r]);
	return (NULL);
}

static struct dossier_row *
row_new(struct dossier *d, enum dossier_table t)
{
	struct dossier_rows	*rows = &d->t[t];
	struct dossier_row	*v;
	size_t			 ncap;

	if (rows->n == rows->cap) {
		ncap = rows->cap ? rows->cap * 2 : 8;
		if ((v = reallocarray(rows->v, ncap, sizeof(*v))) == NULL)
			return (NULL);
		rows->v = v;
		rows->cap = ncap;
	}
	v = &rows->v[rows->n++];
	memset(v, 0, sizeof(*v));
	v->dirty = true;
	return (v);
}

int
dossier_add_row(struct dossier *d, enum dossier_table t,
    const char *const *cols)
{
	struct dossier_row	*r;
	int			 c;

	if ((r = row_new(d, t)) == NULL)
		return (-1);
	for (c = 0; c < dossier_tables[t].ncol; c++)
		if (dossier_set(&r->col[c], cols[c]) == -1)
			return (-1);
	r->dirty = false;
	return (0);
}

void
dossier_mark_clean(struct dossier *d)
{
	size_t	 r;
	int	 t;

	d->person_dirty = false;
	d->tail_dirty = false;
	d->tail_owed = false;
	for (t = 0; t < DT_COUNT; t++)
		for (r = 0; r < d->t[t].n; r++)
			d->t[t].v[r].dirty = false;
}

/*
 * A new row for the entry created by operation i of change m: its id is
 * "<change id>/<i>", and it records who wrote it and when.
 */
static struct dossier_row *
entry_new(struct dossier *d, enum dossier_table t, const struct change_meta *m,
    size_t i, int col_region)
{
	struct dossier_row	*r;
	char			 id[80], hlc[17];

	if ((r = row_new(d, t)) == NULL)
		return (NULL);
	snprintf(id, sizeof(id), "%s/%zu", m->id, i);
	hlc_format(m->hlc, hlc);
	if (dossier_set(&r->col[COL_ID], id) == -1 ||
	    dossier_set(&r->col[col_region], m->region) == -1 ||
	    dossier_set(&r->col[col_region + 1], m->user) == -1 ||
	    dossier_set(&r->col[col_region + 2], hlc) == -1)
		return (NULL);
	return (r);
}

static uint64_t
id_hash(const char *id)
{
	uint64_t	 h = 0;
	int		 i;
	char		 c;

	for (i = 0; i < 16 && (c = id[i]) != '\0'; i++)
		h = h << 4 | (uint64_t)(c >= 'a' ? c - 'a' + 10 : c - '0') % 16;
	return (h);
}

/* The index of the node named id, or -1. */
static long
dag_find(const struct dossier_dag *g, const char *id)
{
	size_t	 k, mask;

	if (g->nslot == 0)
		return (-1);
	mask = g->nslot - 1;
	for (k = id_hash(id) & mask; g->slot[k] != 0; k = (k + 1) & mask)
		if (strcmp(g->v[g->slot[k] - 1].id, id) == 0)
			return ((long)(g->slot[k] - 1));
	return (-1);
}

static int
dag_rehash(struct dossier_dag *g)
{
	size_t	 nslot = g->nslot ? g->nslot * 2 : 64, i, k;
	size_t	*slot;

	if ((slot = calloc(nslot, sizeof(*slot))) == NULL)
		return (-1);
	for (i = 0; i < g->n; i++) {
		for (k = id_hash(g->v[i].id) & (nslot - 1); slot[k] != 0;
		    k = (k + 1) & (nslot - 1))
			;
		slot[k] = i + 1;
	}
	free(g->slot);
	g->slot = slot;
	g->nslot = nslot;
	return (0);
}

/* Add change m as a node; its parents not in the graph are left out. */
static int
dag_add(struct dossier_dag *g, const struct change_meta *m, size_t *out)
{
	struct dag_node	*nv;
	size_t		*np, k, need;
	long		 p;

	if (g->n == g->cap) {
		k = g->cap ? g->cap * 2 : 16;
		if ((nv = reallocarray(g->v, k, sizeof(*nv))) == NULL)
			return (-1);
		g->v = nv;
		if ((np = reallocarray(g->stack, k, sizeof(*np))) == NULL)
			return (-1);
		g->stack = np;
		g->cap = k;
	}
	need = g->npar + m->nparents;
	if (need > g->parcap) {
		k = g->parcap ? g->parcap * 2 : 16;
		while (k < need)
			k *= 2;
		if ((np = reallocarray(g->par, k, sizeof(*np))) == NULL)
			return (-1);
		g->par = np;
		g->parcap = k;
	}
	if ((g->n + 1) * 2 > g->nslot && dag_rehash(g) == -1)
		return (-1);
	nv = &g->v[g->n];
	copy_fixed(nv->id, sizeof(nv->id), m->id);
	nv->par = g->npar;
	nv->npar = 0;
	nv->mark = 0;
	nv->kinds = 0;
	for (k = 0; k < m->nparents; k++)
		if ((p = dag_find(g, m->parents[k])) >= 0) {
			g->par[g->npar++] = (size_t)p;
			nv->npar++;
		}
	for (k = id_hash(nv->id) & (g->nslot - 1); g->slot[k] != 0;
	    k = (k + 1) & (g->nslot - 1))
		;
	g->slot[k] = g->n + 1;
	*out = g->n++;
	return (0);
}

/* Whether node x is a proper ancestor of node y. */
static bool
dag_is_ancestor(struct dossier_dag *g, size_t x, size_t y)
{
	size_t	 top = 0, cur, k, p;

	if (x >= y)
		return (false);
	if (++g->epoch == 0) {
		for (k = 0; k < g->n; k++)
			g->v[k].mark = 0;
		g->epoch = 1;
	}
	g->stack[top++] = y;
	while (top > 0) {
		cur = g->stack[--top];
		for (k = 0; k < g->v[cur].npar; k++) {
			p = g->par[g->v[cur].par + k];
			if (p == x)
				return (true);
			if (p < x || g->v[p].mark == g->epoch)
				continue;
			g->v[p].mark = g->epoch;
			g->stack[top++] = p;	/* each node once: fits */
		}
	}
	return (false);
}

/* Whether change m saw every change applied so far: its parents hold all
 * the heads (both lists are sorted). */
static bool
saw_all(const struct dossier *d, const struct change_meta *m)
{
	size_t	 h = 0, p = 0;
	int	 c;

	while (h < d->nheads) {
		if (p == m->nparents)
			return (false);
		if ((c = strcmp(d->heads[h], m->parents[p])) == 0)
			h++;
		else if (c < 0)
			return (false);
		p++;
	}
	return (true);
}

/* The heads after m: m, and the heads m does not name as parents. */
static int
heads_advance(struct dossier *d, const struct change_meta *m)
{
	char	(*h)[65];
	size_t	 i, n = 0, p;
	bool	 placed = false;

	if ((h = calloc(d->nheads + 1, sizeof(*h))) == NULL)
		return (-1);
	for (i = 0; i < d->nheads; i++) {
		for (p = 0; p < m->nparents; p++)
			if (strcmp(d->heads[i], m->parents[p]) == 0)
				break;
		if (p < m->nparents)
			continue;
		if (!placed && strcmp(m->id, d->heads[i]) < 0) {
			copy_fixed(h[n++], 65, m->id);
			placed = true;
		}
		memcpy(h[n++], d->heads[i], 65);
	}
	if (!placed)
		copy_fixed(h[n++], 65, m->id);
	free(d->heads);
	d->heads = h;
	d->nheads = n;
	return (0);
}

static bool
same_value(const char *a, const char *b)
{
	return (strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0);
}

/* What applying one change needs to know besides its operations. */
struct apply_ctx {
	bool	 saw_all;	/* it saw every change applied before it */
	size_t	 node;		/* its node in the causal graph */
};

static int
conflict_close(struct dossier_row *r, const char *state,
    const struct change_meta *m)
{
	char	 hlc[17];

	hlc_format(m->hlc, hlc);
	r->dirty = true;
	if (dossier_set(&r->col[CF_STATE], state) == -1 ||
	    dossier_set(&r->col[CF_CLOSED_BY], m->id) == -1 ||
	    dossier_set(&r->col[CF_CLOSED], hlc) == -1)
		return (-1);
	return (0);
}

static bool
conflict_open(const struct dossier_row *r)
{
	return (r->col[CF_STATE] != NULL &&
	    strcmp(r->col[CF_STATE], "open") == 0);
}

/* Record that write x now loses to write w (m, op i, value). */
static int
conflict_note(struct dossier *d, int f, const struct dossier_write *x,
    const struct change_meta *m, size_t i, const char *value)
{
	struct dossier_row	*r;
	char			 ref[80], hlc[17];

	if ((r = dossier_find(d, DT_CONFLICT, x->ref)) == NULL) {
		if ((r = row_new(d, DT_CONFLICT)) == NULL)
			return (-1);
		hlc_format(x->hlc, hlc);
		if (dossier_set(&r->col[COL_ID], x->ref) == -1 ||
		    dossier_set(&r->col[CF_FIELD], op_field_name(f)) == -1 ||
		    dossier_set(&r->col[CF_VALUE], x->value) == -1 ||
		    dossier_set(&r->col[CF_STATE], "open") == -1 ||
		    dossier_set(&r->col[CF_REGION], x->region) == -1 ||
		    dossier_set(&r->col[CF_USER], x->user) == -1 ||
		    dossier_set(&r->col[CF_HLC], hlc) == -1)
			return (-1);
	}
	snprintf(ref, sizeof(ref), "%s/%zu", m->id, i);
	hlc_format(m->hlc, hlc);
	r->dirty = true;
	if (dossier_set(&r->col[CF_WINNER], ref) == -1 ||
	    dossier_set(&r->col[CF_WINNER_VALUE], value) == -1 ||
	    dossier_set(&r->col[CF_WINNER_REGION], m->region) == -1 ||
	    dossier_set(&r->col[CF_WINNER_USER], m->user) == -1 ||
	    dossier_set(&r->col[CF_WINNER_HLC], hlc) == -1)
		return (-1);
	return (0);
}

/*
 * A write of value to field f by operation i of change m (person.set, or
 * conflict.resolve).  The field takes the value: it is the last write in
 * the total order.  The writes it has seen are settled; an open conflict
 * whose losing write it has seen is closed, "resolved" by a
 * conflict.resolve and "overwritten" by a plain edit.  A write it has not
 * seen (concurrent) that held another value loses to it and is recorded as
 * a conflict, or its conflict now names this write as the winner; one that
 * held the same value agrees and is settled too.
 */
static int
field_write(struct dossier *d, const struct change_meta *m, size_t i, int f,
    const char *value, bool resolve, const struct apply_ctx *ax)
{
	struct dossier_writes	*ws = &d->w[f];
	struct dossier_write	*x, nw;
	struct dossier_row	*r;
	const char		*how = resolve ? "resolved" : "overwritten";
	size_t			 k, keep = 0;
	bool			 seen;

	if (dossier_set(&d->person[f], value) == -1)
		return (-1);
	d->person_dirty = true;
	if (d->dag == NULL) {
		/* A loaded state: only a change that saw everything gets
		 * here (dossier_apply), and it settles every open conflict
		 * of the field. */
		for (k = 0; k < d->t[DT_CONFLICT].n; k++) {
			r = &d->t[DT_CONFLICT].v[k];
			if (conflict_open(r) && r->col[CF_FIELD] != NULL &&
			    strcmp(r->col[CF_FIELD], op_field_name(f)) == 0 &&
			    conflict_close(r, how, m) == -1)
				return (-1);
		}
		return (0);
	}
	for (k = 0; k < ws->n; k++) {
		x = &ws->v[k];
		seen = ax->saw_all || strncmp(x->ref, m->id, 64) == 0 ||
		    dag_is_ancestor(d->dag, x->node, ax->node);
		if (seen || same_value(x->value, value)) {
			if ((r = dossier_find(d, DT_CONFLICT, x->ref)) != NULL &&
			    conflict_open(r) && conflict_close(r, seen ? how :
			    "agreed", m) == -1)
				return (-1);
			free(x->value);
			free(x->region);
			free(x->user);
			continue;
		}
		if (conflict_note(d, f, x, m, i, value) == -1)
			return (-1);
		ws->v[keep++] = *x;
	}
	ws->n = keep;
	memset(&nw, 0, sizeof(nw));
	snprintf(nw.ref, sizeof(nw.ref), "%s/%zu", m->id, i);
	nw.node = ax->node;
	nw.hlc = m->hlc;
	if ((value != NULL && value[0] != '\0' &&
	    (nw.value = strdup(value)) == NULL) ||
	    (nw.region = strdup(m->region)) == NULL ||
	    (nw.user = strdup(m->user)) == NULL)
		goto fail;
	if (ws->n == ws->cap) {
		x = reallocarray(ws->v, ws->cap ? ws->cap * 2 : 2, sizeof(*x));
		if (x == NULL)
			goto fail;
		ws->v = x;
		ws->cap = ws->cap ? ws->cap * 2 : 2;
	}
	ws->v[ws->n++] = nw;
	return (0);
fail:
	free(nw.value);
	free(nw.region);
	free(nw.user);
	return (-1);
}

/* Record or undo that this dossier and another describe one person. */
static int
link_op(struct dossier *d, const struct change_meta *m, const struct op *o,
    size_t i)
{
	struct dossier_row	*r;
	char			 hlc[17];

	if (o->kind == OP_PERSON_LINK) {
		/* One active link per pair: linking again changes nothing. */
		if (dossier_linked(d, o->arg[OA_OTHER]) != NULL)
			return (0);
		if ((r = entry_new(d, DT_LINK, m, i, LN_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[LN_OTHER], o->arg[OA_OTHER]) == -1 ||
		    dossier_set(&r->col[LN_REASON], o->arg[OA_REASON]) == -1 ||
		    dossier_set(&r->col[LN_STATE], "linked") == -1)
			return (-1);
		return (0);
	}
	if ((r = dossier_find(d, DT_LINK, o->arg[OA_REF])) == NULL ||
	    strcmp(r->col[LN_STATE], "linked") != 0)
		return (0);
	hlc_format(m->hlc, hlc);
	r->dirty = true;
	if (dossier_set(&r->col[LN_STATE], "unlinked") == -1 ||
	    dossier_set(&r->col[LN_UNLINKED], hlc) == -1 ||
	    dossier_set(&r->col[LN_UNLINKED_BY], m->id) == -1 ||
	    dossier_set(&r->col[LN_UNLINK_REASON], o->arg[OA_REASON]) == -1)
		return (-1);
	return (0);
}

/*
 * Decide a pending offer.  Only the destination accepts or declines, only
 * the offering region cancels, and only while the offer is pending: when an
 * accept and a cancel race, the first in the total order wins and the other
 * is skipped here, the same way on every node.
 */
static int
decide(struct dossier *d, const struct change_meta *m, const struct op *o)
{
	struct dossier_row	*r;
	char			 hlc[17];
	const char		*state;

	if ((r = dossier_find(d, DT_TRANSFER, o->arg[OA_REF])) == NULL ||
	    r->col[TR_STATE] == NULL)
		return (0);
	if (o->kind == OP_TRANSFER_CANCEL ?
	    strcmp(m->region, r->col[TR_FROM]) != 0 :
	    strcmp(m->region, r->col[TR_TO]) != 0)
		return (0);
	state = o->kind == OP_TRANSFER_ACCEPT ? "accepted" :
	    o->kind == OP_TRANSFER_DECLINE ? "declined" : "cancelled";
	if (strcmp(r->col[TR_STATE], "offered") != 0) {
		/* Too late: it lost the race.  Keep it in view. */
		if (strcmp(r->col[TR_STATE], "void") == 0 ||
		    strcmp(r->col[TR_STATE], state) == 0)
			return (0);
		r->dirty = true;
		if (dossier_set(&r->col[TR_LATE], state) == -1 ||
		    dossier_set(&r->col[TR_LATE_BY], m->id) == -1)
			return (-1);
		return (0);
	}
	hlc_format(m->hlc, hlc);
	r->dirty = true;
	if (dossier_set(&r->col[TR_STATE], state) == -1 ||
	    dossier_set(&r->col[TR_DECIDED], hlc) == -1 ||
	    dossier_set(&r->col[TR_DECIDED_BY], m->id) == -1 ||
	    (o->kind == OP_TRANSFER_DECLINE && dossier_set(
	    &r->col[TR_DECLINE_REASON], o->arg[OA_REASON]) == -1))
		return (-1);
	if (o->kind == OP_TRANSFER_ACCEPT) {
		copy_fixed(d->custodian, sizeof(d->custodian), r->col[TR_TO]);
		d->person_dirty = true;
	}
	return (0);
}

/* Apply operation i of change m.  0, or -1 when out of memory. */
static int
apply_op(struct dossier *d, const struct change_meta *m, const struct op *o,
    size_t i, const struct apply_ctx *ax)
{
	struct dossier_row	*r;
	const char *const	*a = o->arg;
	char			 num[24];
	bool			 void_offer;
	int			 f;

	switch (o->kind) {
	case OP_PERSON_CREATE:
		for (f = 0; f < PF_COUNT; f++)
			if (dossier_set(&d->person[f], o->person[f]) == -1)
				return (-1);
		copy_fixed(d->origin, sizeof(d->origin), m->region);
		copy_fixed(d->custodian, sizeof(d->custodian), m->region);
		hlc_format(m->hlc, d->created);
		d->person_dirty = true;
		return (0);
	case OP_PERSON_SET:
	case OP_CONFLICT_RESOLVE:
		if (o->field < 0 || o->field >= PF_COUNT)
			return (0);
		return (field_write(d, m, i, o->field, a[OA_VALUE],
		    o->kind == OP_CONFLICT_RESOLVE, ax));
	case OP_PERSON_LINK:
	case OP_PERSON_UNLINK:
		return (link_op(d, m, o, i));
	case OP_EPISODE_OPEN:
		if ((r = entry_new(d, DT_EPISODE, m, i, EP_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[EP_CENTRE], a[OA_CENTRE]) == -1 ||
		    dossier_set(&r->col[EP_CURATOR], a[OA_CURATOR]) == -1 ||
		    dossier_set(&r->col[EP_OPENED], a[OA_DATE]) == -1)
			return (-1);
		return (0);
	case OP_EPISODE_CLOSE:
		if ((r = dossier_find(d, DT_EPISODE, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (dossier_set(&r->col[EP_CLOSED], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[EP_CLOSE_REASON], a[OA_REASON]) == -1)
			return (-1);
		return (0);
	case OP_EVENT_ADD:
		if ((r = entry_new(d, DT_EVENT, m, i, EV_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[EV_DATE], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[EV_TYPE], a[OA_TYPE]) == -1 ||
		    dossier_set(&r->col[EV_TEXT], a[OA_TEXT]) == -1 ||
		    dossier_set(&r->col[EV_AMENDED], "0") == -1 ||
		    dossier_set(&r->col[EV_RETRACTED], "0") == -1 ||
		    /* A note by a former custodian is a late note. */
		    dossier_set(&r->col[EV_LATE], strcmp(m->region,
		    d->custodian) == 0 ? "0" : "1") == -1)
			return (-1);
		return (0);
	case OP_EVENT_AMEND:
		if ((r = dossier_find(d, DT_EVENT, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		snprintf(num, sizeof(num), "%ld",
		    strtol(r->col[EV_AMENDED] ? r->col[EV_AMENDED] : "0",
		    NULL, 10) + 1);
		if ((a[OA_DATE] != NULL &&
		    dossier_set(&r->col[EV_DATE], a[OA_DATE]) == -1) ||
		    (a[OA_TYPE] != NULL &&
		    dossier_set(&r->col[EV_TYPE], a[OA_TYPE]) == -1) ||
		    (a[OA_TEXT] != NULL &&
		    dossier_set(&r->col[EV_TEXT], a[OA_TEXT]) == -1) ||
		    dossier_set(&r->col[EV_AMENDED], num) == -1)
			return (-1);
		return (0);
	case OP_EVENT_RETRACT:
		if ((r = dossier_find(d, DT_EVENT, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (dossier_set(&r->col[EV_RETRACTED], "1") == -1 ||
		    dossier_set(&r->col[EV_RETRACT_REASON], a[OA_REASON]) == -1)
			return (-1);
		return (0);
	case OP_ASSESSMENT_ADD:
		if ((r = entry_new(d, DT_ASSESSMENT, m, i, AS_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[AS_DATE], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[AS_HOUSING], a[OA_HOUSING]) == -1 ||
		    dossier_set(&r->col[AS_EDUCATION], a[OA_EDUCATION]) == -1 ||
		    dossier_set(&r->col[AS_EMPLOYMENT],
		    a[OA_EMPLOYMENT]) == -1 ||
		    dossier_set(&r->col[AS_FAMILY], a[OA_FAMILY]) == -1)
			return (-1);
		return (0);
	case OP_CONSENT_ADD:
		if ((r = entry_new(d, DT_CONSENT, m, i, CO_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[CO_SCOPE], a[OA_SCOPE]) == -1 ||
		    dossier_set(&r->col[CO_DATE], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[CO_DOCUMENT], a[OA_DOCUMENT]) == -1)
			return (-1);
		return (0);
	case OP_CONSENT_WITHDRAW:
		if ((r = dossier_find(d, DT_CONSENT, a[OA_REF])) == NULL ||
		    r->col[CO_WITHDRAWN] != NULL)
			return (0);
		r->dirty = true;
		return (dossier_set(&r->col[CO_WITHDRAWN], a[OA_DATE]));
	/*
	 * Corrections replace the members they give and nothing else; the
	 * old values stay in the log (and in 'show', which reads it).  Like
	 * event.amend they apply in the total order, so the last correction
	 * of a member wins on every node.
	 */
	case OP_EPISODE_AMEND:
		if ((r = dossier_find(d, DT_EPISODE, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (set_given(&r->col[EP_CENTRE], a[OA_CENTRE]) == -1 ||
		    set_given(&r->col[EP_CURATOR], a[OA_CURATOR]) == -1 ||
		    set_given(&r->col[EP_OPENED], a[OA_DATE]) == -1)
			return (-1);
		return (0);
	case OP_ASSESSMENT_AMEND:
		if ((r = dossier_find(d, DT_ASSESSMENT, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (set_given(&r->col[AS_DATE], a[OA_DATE]) == -1 ||
		    set_given(&r->col[AS_HOUSING], a[OA_HOUSING]) == -1 ||
		    set_given(&r->col[AS_EDUCATION], a[OA_EDUCATION]) == -1 ||
		    set_given(&r->col[AS_EMPLOYMENT], a[OA_EMPLOYMENT]) == -1 ||
		    set_given(&r->col[AS_FAMILY], a[OA_FAMILY]) == -1)
			return (-1);
		return (0);
	case OP_CONSENT_AMEND:
		if ((r = dossier_find(d, DT_CONSENT, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (set_given(&r->col[CO_DATE], a[OA_DATE]) == -1 ||
		    set_given(&r->col[CO_DOCUMENT], a[OA_DOCUMENT]) == -1)
			return (-1);
		return (0);
	case OP_TRANSFER_OFFER:
		/*
		 * Custody follows the total order: an offer by a region that
		 * is not the custodian at this point (it lost a race: its own
		 * accept came after a cancel), or while another offer is
		 * pending, is void.  It stays in the record, so the loser can
		 * be shown, but moves nothing.
		 */
		void_offer = strcmp(m->region, d->custodian) != 0 ||
		    dossier_pending_offer(d) != NULL;
		if ((r = entry_new(d, DT_TRANSFER, m, i, TR_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[TR_FROM], m->region) == -1 ||
		    dossier_set(&r->col[TR_TO], a[OA_TO]) == -1 ||
		    dossier_set(&r->col[TR_REASON], a[OA_REASON]) == -1 ||
		    dossier_set(&r->col[TR_STATE], void_offer ? "void" :
		    "offered") == -1)
			return (-1);
		return (0);
	case OP_TRANSFER_ACCEPT:
	case OP_TRANSFER_DECLINE:
	case OP_TRANSFER_CANCEL:
		return (decide(d, m, o));
	case OP_PERSON_ERASE:
		/* The node deletes the rest (node/erase.c); the fold only
		 * names the tombstone. */
		copy_fixed(d->erased, sizeof(d->erased), m->id);
		d->person_dirty = true;
		return (0);
	default:
		return (0);
	}
}

int
dossier_past(struct dossier *d, const char (*parents)[65], size_t nparents,
    uint32_t kinds, const char ***out, size_t *n)
{
	struct dossier_dag	*g = d->dag;
	const char		**v;
	size_t			 top = 0, k, p, cur;
	long			 x;

	*out = NULL;
	*n = 0;
	if (g == NULL)
		return (1);
	if (++g->epoch == 0) {
		for (k = 0; k < g->n; k++)
			g->v[k].mark = 0;
		g->epoch = 1;
	}
	for (k = 0; k < nparents; k++) {
		if ((x = dag_find(g, parents[k])) < 0)
			return (1);
		if (g->v[x].mark != g->epoch) {
			g->v[x].mark = g->epoch;
			g->stack[top++] = (size_t)x;
		}
	}
	while (top > 0) {
		cur = g->stack[--top];
		for (k = 0; k < g->v[cur].npar; k++) {
			p = g->par[g->v[cur].par + k];
			if (g->v[p].mark != g->epoch) {
				g->v[p].mark = g->epoch;
				g->stack[top++] = p;
			}
		}
	}
	if ((v = calloc(g->n + 1, sizeof(*v))) == NULL)
		return (-1);
	for (k = 0; k < g->n; k++)
		if (g->v[k].mark == g->epoch && (g->v[k].kinds & kinds) != 0)
			v[(*n)++] = g->v[k].id;
	*out = v;
	return (0);
}

struct dossier_row *
dossier_linked(const struct dossier *d, const char *other)
{
	struct dossier_row	*r;
	size_t			 k;

	for (k = 0; k < d->t[DT_LINK].n; k++) {
		r = &d->t[DT_LINK].v[k];
		if (r->col[LN_OTHER] != NULL && r->col[LN_STATE] != NULL &&
		    strcmp(r->col[LN_OTHER], other) == 0 &&
		    strcmp(r->col[LN_STATE], "linked") == 0)
			return (r);
	}
	return (NULL);
}

struct dossier_row *
dossier_pending_offer(const struct dossier *d)
{
	size_t	 r;

	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		struct dossier_row *row = &d->t[DT_TRANSFER].v[r];

		if (row->col[TR_STATE] != NULL &&
		    strcmp(row->col[TR_STATE], "offered") == 0)
			return (row);
	}
	return (NULL);
}

bool
dossier_entitled(const struct dossier *d, const char *region)
{
	const struct dossier_row	*row;
	size_t				 r;

	if (strcmp(d->custodian, region) == 0)
		return (true);
	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		row = &d->t[DT_TRANSFER].v[r];
		if (row->col[TR_STATE] == NULL)
			continue;
		if (strcmp(row->col[TR_STATE], "accepted") == 0 &&
		    strcmp(row->col[TR_FROM], region) == 0)
			return (true);
		if (strcmp(row->col[TR_STATE], "offered") == 0 &&
		    strcmp(row->col[TR_TO], region) == 0)
			return (true);
	}
	return (false);
}

int
dossier_custody_end(const struct dossier *d, const char *region, char out[11])
{
	const struct dossier_row	*row;
	uint64_t			 best = 0, v;
	size_t				 r;
	int64_t				 days, z, era, doe, yoe, y, doy, mp;
	unsigned			 mo, dd;

	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		row = &d->t[DT_TRANSFER].v[r];
		if (row->col[TR_STATE] == NULL || row->col[TR_DECIDED] == NULL ||
		    strcmp(row->col[TR_STATE], "accepted") != 0 ||
		    strcmp(row->col[TR_FROM], region) != 0 ||
		    hlc_parse(row->col[TR_DECIDED],
		    strlen(row->col[TR_DECIDED]), &v) == -1)
			continue;
		if (v > best)
			best = v;
	}
	if (best == 0)
		return (-1);
	/* The UTC day of the accept (Howard Hinnant's civil_from_days). */
	days = (int64_t)(hlc_ms(best) / 86400000ULL);
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	mo = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (mo <= 2)
		y++;
	if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || dd < 1 || dd > 31)
		return (-1);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + mo / 10);
	out[6] = (char)('0' + mo % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
	return (0);
}

int
dossier_apply(struct dossier *d, const struct change_meta *m,
    const struct op *ops, size_t nops)
{
	struct dossier_stamp	 s;
	struct apply_ctx	 ax;
	size_t			 i;
	bool			 writes = false;

	s.hlc = m->hlc;
	copy_fixed(s.key, sizeof(s.key), m->key);
	copy_fixed(s.id, sizeof(s.id), m->id);
	if (d->nchanges > 0 && dossier_stamp_cmp(&s, &d->last) <= 0)
		return (1);
	ax.saw_all = saw_all(d, m);
	ax.node = 0;
	for (i = 0; i < nops; i++)
		if (ops[i].kind == OP_PERSON_SET ||
		    ops[i].kind == OP_CONFLICT_RESOLVE)
			writes = true;
	if (writes && !ax.saw_all && d->dag == NULL)
		return (1);
	if (d->dag != NULL) {
		if (dag_add(d->dag, m, &ax.node) == -1)
			return (-1);
		for (i = 0; i < nops; i++)
			d->dag->v[ax.node].kinds |= DOSSIER_KIND(ops[i].kind);
	}
	/* After its tombstone a dossier holds nothing more: a receiver
	 * refuses such changes, and a fold over an unchecked log skips
	 * them, so that it stays total. */
	for (i = 0; i < nops && d->erased[0] == '\0'; i++)
		if (apply_op(d, m, &ops[i], i, &ax) == -1)
			return (-1);
	if (heads_advance(d, m) == -1)
		return (-1);
	d->last = s;
	d->nchanges++;
	hlc_format(m->hlc, d->updated);
	d->tail_dirty = true;
	return (0);
}
