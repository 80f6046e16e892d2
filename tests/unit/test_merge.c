/*
 * tests/unit/test_merge.c: the merge rules of conflict/dossier.c, as
 * properties over random histories, and the conflict cases of issue 5 by
 * hand.
 *
 * A history is made by three authors (Smolensk, Kaluga, Sakha) who write
 * changes to one dossier while they exchange what they know at random, so
 * that many changes are concurrent: card edits of a few fields with a few
 * values (they collide, and sometimes agree), events, retractions, and
 * resolutions of the conflicts an author sees.  A replica takes changes in
 * any order, as a node does: it holds back a change until its parents
 * came, ignores one it has, applies in place when it can, folds again from
 * everything it holds when dossier_apply() asks, and now and then forgets
 * its causal graph as a state reloaded from the views does.  The
 * properties, each its own test:
 *   - idempotence: taking changes again changes nothing;
 *   - commutativity: any two orders of delivery give the same state;
 *   - associativity: (A then B) then C, and A then (B then C), merged as
 *     batches in any order, give the same state;
 * and every such state equals the fold of the whole set in the total
 * order: the same card, entries and conflicts (compared by digest).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conflict/dossier.h"
#include "conflict/hlc.h"
#include "node/view.h"

#define NAUTH	3
#define MAXC	72
#define ROUNDS	300		/* random histories per property */

static const char *const regions[NAUTH] = { "RU-SMO", "RU-KLU", "RU-SA" };
static const char *const keys[NAUTH] = { "00000000000000a1",
    "00000000000000b2", "00000000000000c3" };
static const char DOSSIER[] = "4b0e7b8e-9d4e-4c55-8f7d-0c1b2a3d4e5f";

struct hchange {
	char		 id[65];
	uint64_t	 hlc;
	int		 author;
	char		 parents[NAUTH * MAXC][65];
	size_t		 nparents;
	struct op	 ops[2];
	size_t		 nops;
	char		 val[2][80];
	char		 ref[2][80];
	struct change_meta m;
};

struct history {
	struct hchange	 c[MAXC];
	int		 n;
	uint64_t	 rng;
};

static unsigned
rnd(uint64_t *s, unsigned n)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return ((unsigned)(*s % n));
}

static const char *
opt(const char *s)
{
	return (s != NULL ? s : "");
}

static void
meta_fix(struct hchange *c)
{
	c->m.id = c->id;
	c->m.hlc = c->hlc;
	c->m.key = keys[c->author];
	c->m.region = regions[c->author];
	c->m.user = "u";
	c->m.parents = (const char (*)[65])c->parents;
	c->m.nparents = c->nparents;
}

static int
cmp_total(const void *a, const void *b)
{
	const struct hchange *x = *(const struct hchange *const *)a;
	const struct hchange *y = *(const struct hchange *const *)b;

	return (hlc_order(x->hlc, keys[x->author], x->id, y->hlc,
	    keys[y->author], y->id));
}

/* The fold of the changes marked in set, in the total order. */
static struct dossier *
fold(struct history *h, const bool *set)
{
	struct hchange	*v[MAXC];
	struct dossier	*d;
	int		 i, n = 0;

	for (i = 0; i < h->n; i++)
		if (set[i])
			v[n++] = &h->c[i];
	qsort(v, (size_t)n, sizeof(v[0]), cmp_total);
	assert_non_null(d = dossier_new(DOSSIER));
	for (i = 0; i < n; i++)
		assert_int_equal(dossier_apply(d, &v[i]->m, v[i]->ops,
		    v[i]->nops), 0);
	return (d);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(a, b));
}

/* Author a writes one change over what it knows. */
static void
write_change(struct history *h, bool known[NAUTH][MAXC], int a, uint64_t now)
{
	struct hchange	*c = &h->c[h->n];
	struct dossier	*st;
	struct dossier_row *r;
	bool		 child[MAXC];
	uint64_t	 top = 0;
	size_t		 k;
	int		 i, j;

	memset(c, 0, sizeof(*c));
	memset(child, 0, sizeof(child));
	c->author = a;
	for (i = 0; i < 64; i++)
		c->id[i] = "0123456789abcdef"[rnd(&h->rng, 16)];
	/* Its parents: the heads of what a knows. */
	for (i = 0; i < h->n; i++)
		for (k = 0; known[a][i] && k < h->c[i].nparents; k++)
			for (j = 0; j < h->n; j++)
				if (strcmp(h->c[j].id, h->c[i].parents[k]) == 0)
					child[j] = true;
	for (i = 0; i < h->n; i++) {
		if (!known[a][i])
			continue;
		if (h->c[i].hlc > top)
			top = h->c[i].hlc;
		if (!child[i])
			memcpy(c->parents[c->nparents++], h->c[i].id, 65);
	}
	qsort(c->parents, c->nparents, sizeof(c->parents[0]), cmp_str);
	c->hlc = now > top ? now : top + 1;
	st = fold(h, known[a]);
	c->nops = 1;
	c->ops[0].field = -1;
	switch (rnd(&h->rng, 13)) {
	case 8:
		c->ops[0].kind = OP_EPISODE_OPEN;
		c->ops[0].arg[OA_CENTRE] = "Центр";
		c->ops[0].arg[OA_CURATOR] = "Петрова";
		c->ops[0].arg[OA_DATE] = "2025-01-01";
		break;
	case 9:
	case 10:
	case 11:
		/* Corrections of the entries of issue 14: concurrent ones of
		 * one entry must fold to the same state in any order. */
		k = rnd(&h->rng, 3);
		{
			static const enum dossier_table tt[3] = { DT_EPISODE,
			    DT_ASSESSMENT, DT_CONSENT };
			static const enum op_kind add[3] = { OP_EPISODE_OPEN,
			    OP_ASSESSMENT_ADD, OP_CONSENT_ADD };
			static const enum op_kind amend[3] = {
			    OP_EPISODE_AMEND, OP_ASSESSMENT_AMEND,
			    OP_CONSENT_AMEND };
			static const char *const days[3] = { "2025-02-01",
			    "2025-03-01", "2025-04-01" };

			if (st->t[tt[k]].n == 0 || rnd(&h->rng, 3) == 0) {
				c->ops[0].kind = add[k];
				c->ops[0].arg[OA_DATE] = "2025-01-01";
				c->ops[0].arg[OA_CENTRE] = "Центр";
				c->ops[0].arg[OA_CURATOR] = "Петрова";
				c->ops[0].arg[OA_HOUSING] = "own";
				c->ops[0].arg[OA_SCOPE] = "transfer";
				c->ops[0].arg[OA_DOCUMENT] = "№ 1";
				if (add[k] == OP_EPISODE_OPEN)
					c->ops[0].arg[OA_HOUSING] = NULL;
				break;
			}
			r = &st->t[tt[k]].v[rnd(&h->rng,
			    (unsigned)st->t[tt[k]].n)];
			c->ops[0].kind = amend[k];
			snprintf(c->ref[0], sizeof(c->ref[0]), "%s",
			    r->col[COL_ID]);
			c->ops[0].arg[OA_REF] = c->ref[0];
			snprintf(c->val[0], sizeof(c->val[0]), "v%u",
			    rnd(&h->rng, 4));
			switch (rnd(&h->rng, 2)) {
			case 0:
				c->ops[0].arg[OA_DATE] = days[rnd(&h->rng,
				    3)];
				break;
			default:
				c->ops[0].arg[k == 0 ? OA_CURATOR : k == 1 ?
				    OA_HOUSING : OA_DOCUMENT] = k == 1 ?
				    (rnd(&h->rng, 2) ? "own" : "social_rent") :
				    c->val[0];
				break;
			}
		}
		break;
	case 0:
	case 1:
	case 2:
		c->ops[0].kind = OP_PERSON_SET;
		c->ops[0].field = rnd(&h->rng, 2) ? PF_PHONE : PF_EMAIL;
		snprintf(c->val[0], sizeof(c->val[0]), "%s%u",
		    c->ops[0].field == PF_PHONE ? "+7 900 000 00 0" : "e",
		    rnd(&h->rng, 3));
		c->ops[0].arg[OA_VALUE] = c->val[0];
		/* Sometimes two edits in one change. */
		if (rnd(&h->rng, 4) == 0) {
			c->ops[1] = c->ops[0];
			char	 tmp[sizeof(c->val[0])];

			memcpy(tmp, c->val[0], sizeof(tmp));
			snprintf(c->val[1], sizeof(c->val[1]), "%.70sx", tmp);
			c->ops[1].arg[OA_VALUE] = c->val[1];
			c->nops = 2;
		}
		break;
	case 3:
	case 4:
		c->ops[0].kind = OP_EVENT_ADD;
		c->ops[0].arg[OA_DATE] = "2025-01-01";
		c->ops[0].arg[OA_TYPE] = "contact";
		snprintf(c->val[0], sizeof(c->val[0]), "e%d", h->n);
		c->ops[0].arg[OA_TEXT] = c->val[0];
		break;
	case 5:
		if (st->t[DT_EVENT].n > 0) {
			r = &st->t[DT_EVENT].v[rnd(&h->rng,
			    (unsigned)st->t[DT_EVENT].n)];
			c->ops[0].kind = OP_EVENT_RETRACT;
			snprintf(c->ref[0], sizeof(c->ref[0]), "%s",
			    r->col[COL_ID]);
			c->ops[0].arg[OA_REF] = c->ref[0];
			c->ops[0].arg[OA_REASON] = "ошибка";
			break;
		}
		/* FALLTHROUGH */
	default:
		for (k = 0; k < st->t[DT_CONFLICT].n; k++) {
			r = &st->t[DT_CONFLICT].v[k];
			if (strcmp(r->col[CF_STATE], "open") != 0)
				continue;
			c->ops[0].kind = OP_CONFLICT_RESOLVE;
			c->ops[0].field = op_field_find(r->col[CF_FIELD]);
			snprintf(c->ref[0], sizeof(c->ref[0]), "%s",
			    r->col[COL_ID]);
			snprintf(c->val[0], sizeof(c->val[0]), "%s",
			    rnd(&h->rng, 2) ? opt(r->col[CF_VALUE]) :
			    opt(r->col[CF_WINNER_VALUE]));
			c->ops[0].arg[OA_REF] = c->ref[0];
			c->ops[0].arg[OA_VALUE] = c->val[0];
			break;
		}
		if (c->ops[0].kind == OP_NONE) {
			c->ops[0].kind = OP_PERSON_SET;
			c->ops[0].field = PF_ADDRESS;
			c->ops[0].arg[OA_VALUE] = rnd(&h->rng, 2) ? "Калуга" :
			    "";
		}
		break;
	}
	dossier_free(st);
	meta_fix(c);
	known[a][h->n++] = true;
}

/* A random history of n changes, from seed. */
static void
make_history(struct history *h, uint64_t seed, int n)
{
	static bool	 known[NAUTH][MAXC];
	struct hchange	*c;
	uint64_t	 now = 1000;
	int		 a, b, i;

	memset(h, 0, sizeof(*h));
	memset(known, 0, sizeof(known));
	h->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	c = &h->c[0];
	memcpy(c->id, "00000000000000000000000000000000"
	    "00000000000000000000000000000001", 65);
	c->hlc = hlc_pack(now, 0);
	c->nops = 1;
	c->ops[0].kind = OP_PERSON_CREATE;
	c->ops[0].field = -1;
	c->ops[0].person[PF_SURNAME] = "Иванова";
	c->ops[0].person[PF_NAME] = "Анна";
	c->ops[0].person[PF_BIRTH_DATE] = "2005-04-12";
	c->ops[0].person[PF_SEX] = "F";
	meta_fix(c);
	h->n = 1;
	for (a = 0; a < NAUTH; a++)
		known[a][0] = true;
	while (h->n < n) {
		now += rnd(&h->rng, 3);
		a = (int)rnd(&h->rng, NAUTH);
		if (rnd(&h->rng, 3) == 0) {
			b = (int)rnd(&h->rng, NAUTH);
			for (i = 0; i < h->n; i++)
				known[a][i] |= known[b][i];
			continue;
		}
		write_change(h, known, a, hlc_pack(now, 0));
	}
}

/* A node's view of the dossier, taking changes in any order. */
struct replica {
	struct history	*h;
	struct dossier	*d;
	bool		 held[MAXC];
	bool		 waiting[MAXC];
	uint64_t	 rng;
};

static bool
parents_held(struct replica *rp, int i)
{
	size_t	 k;
	int	 j;

	for (k = 0; k < rp->h->c[i].nparents; k++) {
		for (j = 0; j < rp->h->n; j++)
			if (strcmp(rp->h->c[j].id, rp->h->c[i].parents[k]) ==
			    0)
				break;
		if (j == rp->h->n || !rp->held[j])
			return (false);
	}
	return (true);
}

static void
take(struct replica *rp, int i)
{
	struct hchange	*c = &rp->h->c[i];
	int		 r;

	rp->held[i] = true;
	rp->waiting[i] = false;
	if (rp->d == NULL)
		assert_non_null(rp->d = dossier_new(DOSSIER));
	r = dossier_apply(rp->d, &c->m, c->ops, c->nops);
	assert_true(r == 0 || r == 1);
	if (r == 1) {
		dossier_free(rp->d);
		rp->d = fold(rp->h, rp->held);
	}
	/* Now and then, a state read back from the views. */
	if (rnd(&rp->rng, 4) == 0)
		assert_int_equal(dossier_loaded(rp->d,
		    (const char (*)[65])rp->d->heads, rp->d->nheads), 0);
}

static void
deliver(struct replica *rp, int i)
{
	bool	 progress = true;
	int	 j;

	if (rp->held[i])
		return;
	rp->waiting[i] = true;
	while (progress) {
		progress = false;
		for (j = 0; j < rp->h->n; j++)
			if (rp->waiting[j] && parents_held(rp, j)) {
				take(rp, j);
				progress = true;
			}
	}
}

static void
replica_init(struct replica *rp, struct history *h, uint64_t seed)
{
	memset(rp, 0, sizeof(*rp));
	rp->h = h;
	rp->rng = seed * 31 + 7;
}

static void
shuffle(int *v, int n, uint64_t *rng)
{
	int	 i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = (int)rnd(rng, (unsigned)i + 1);
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

static void
digest_of(const struct dossier *d, char out[65])
{
	assert_int_equal(view_digest(d, out), 0);
}

/* The digest of the fold of the whole history. */
static void
reference(struct history *h, char out[65])
{
	bool		 all[MAXC];
	struct dossier	*d;

	memset(all, 1, sizeof(all));
	d = fold(h, all);
	digest_of(d, out);
	dossier_free(d);
}

static int	 conflicts_seen;

static void
count_conflicts(struct history *h)
{
	bool		 all[MAXC];
	struct dossier	*d;

	memset(all, 1, sizeof(all));
	d = fold(h, all);
	conflicts_seen += (int)d->t[DT_CONFLICT].n;
	dossier_free(d);
}

static void
test_idempotence(void **state)
{
	static struct history h;
	struct replica	 once, twice;
	char		 a[65], b[65], want[65];
	int		 order[MAXC], round, i, n;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		n = 10 + round % 50;
		make_history(&h, (uint64_t)round + 1, n);
		reference(&h, want);
		for (i = 0; i < n; i++)
			order[i] = i;
		shuffle(order, n, &h.rng);
		replica_init(&once, &h, (uint64_t)round);
		replica_init(&twice, &h, (uint64_t)round + 99);
		for (i = 0; i < n; i++) {
			deliver(&once, order[i]);
			deliver(&twice, order[i]);
			/* Again, and an earlier one again. */
			deliver(&twice, order[i]);
			deliver(&twice, order[rnd(&h.rng, (unsigned)i + 1)]);
		}
		digest_of(once.d, a);
		digest_of(twice.d, b);
		assert_string_equal(a, b);
		assert_string_equal(a, want);
		dossier_free(once.d);
		dossier_free(twice.d);
	}
}

static void
test_commutativity(void **state)
{
	static struct history h;
	struct replica	 x, y;
	char		 a[65], b[65], want[65];
	int		 o1[MAXC], o2[MAXC], round, i, n;

	(void)state;
	conflicts_seen = 0;
	for (round = 0; round < ROUNDS; round++) {
		n = 10 + round % 60;
		make_history(&h, (uint64_t)round + 5000, n);
		count_conflicts(&h);
		reference(&h, want);
		for (i = 0; i < n; i++)
			o1[i] = o2[i] = i;
		shuffle(o1, n, &h.rng);
		shuffle(o2, n, &h.rng);
		replica_init(&x, &h, (uint64_t)round);
		replica_init(&y, &h, (uint64_t)round + 7);
		for (i = 0; i < n; i++) {
			deliver(&x, o1[i]);
			deliver(&y, o2[i]);
		}
		digest_of(x.d, a);
		digest_of(y.d, b);
		assert_string_equal(a, b);
		assert_string_equal(a, want);
		dossier_free(x.d);
		dossier_free(y.d);
		/* And a swap of two neighbours, from one same state. */
		if (n > 3) {
			int k = 1 + (int)rnd(&h.rng, (unsigned)n - 2);

			replica_init(&x, &h, (uint64_t)round + 11);
			replica_init(&y, &h, (uint64_t)round + 13);
			for (i = 0; i < k; i++) {
				deliver(&x, i);
				deliver(&y, i);
			}
			deliver(&x, k);
			deliver(&x, k + 1);
			deliver(&y, k + 1);
			deliver(&y, k);
			for (i = k + 2; i < n; i++) {
				deliver(&x, i);
				deliver(&y, i);
			}
			digest_of(x.d, a);
			digest_of(y.d, b);
			assert_string_equal(a, b);
			dossier_free(x.d);
			dossier_free(y.d);
		}
	}
	/* The histories must actually have collided. */
	assert_true(conflicts_seen > ROUNDS / 2);
}

/* Deliver the changes of batch (set in part) in a random order. */
static void
deliver_batch(struct replica *rp, const int *part, int want, int n)
{
	int	 order[MAXC], i, m = 0;

	for (i = 0; i < n; i++)
		if (part[i] == want)
			order[m++] = i;
	shuffle(order, m, &rp->rng);
	for (i = 0; i < m; i++)
		deliver(rp, order[i]);
}

static void
test_associativity(void **state)
{
	static struct history h;
	struct replica	 left, right;
	char		 a[65], b[65], want[65];
	int		 part[MAXC], ab[MAXC], bc[MAXC], round, i, n;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		n = 10 + round % 60;
		make_history(&h, (uint64_t)round + 9000, n);
		reference(&h, want);
		for (i = 0; i < n; i++) {
			part[i] = (int)rnd(&h.rng, 3);	/* A, B or C */
			ab[i] = part[i] == 2 ? 1 : 0;	/* A+B, then C */
			bc[i] = part[i] == 0 ? 0 : 1;	/* A, then B+C */
		}
		replica_init(&left, &h, (uint64_t)round);
		replica_init(&right, &h, (uint64_t)round + 3);
		deliver_batch(&left, ab, 0, n);
		deliver_batch(&left, ab, 1, n);
		deliver_batch(&right, bc, 0, n);
		deliver_batch(&right, bc, 1, n);
		digest_of(left.d, a);
		digest_of(right.d, b);
		assert_string_equal(a, b);
		assert_string_equal(a, want);
		dossier_free(left.d);
		dossier_free(right.d);
	}
}

/* --- the cases of issue 5, by hand ---------------------------------- */

static struct hchange hc[8];

/* Change i by author a at time t with parents p (indices, -1 ends). */
static struct hchange *
mk(int i, int a, uint64_t t, const int *p)
{
	struct hchange	*c = &hc[i];

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%064x", i + 1);
	c->author = a;
	c->hlc = hlc_pack(t, 0);
	for (; p != NULL && *p >= 0; p++)
		memcpy(c->parents[c->nparents++], hc[*p].id, 65);
	qsort(c->parents, c->nparents, sizeof(c->parents[0]), cmp_str);
	c->nops = 1;
	c->ops[0].field = -1;
	meta_fix(c);
	return (c);
}

static struct hchange *
mk_set(int i, int a, uint64_t t, const int *p, int f, const char *v)
{
	struct hchange	*c = mk(i, a, t, p);

	c->ops[0].kind = OP_PERSON_SET;
	c->ops[0].field = f;
	c->ops[0].arg[OA_VALUE] = v;
	return (c);
}

static struct dossier *
created(void)
{
	struct hchange	*c = mk(0, 0, 1000, NULL);
	struct dossier	*d;

	c->ops[0].kind = OP_PERSON_CREATE;
	c->ops[0].person[PF_SURNAME] = "Иванова";
	c->ops[0].person[PF_NAME] = "Анна";
	c->ops[0].person[PF_BIRTH_DATE] = "2005-04-12";
	c->ops[0].person[PF_SEX] = "F";
	c->ops[0].person[PF_PHONE] = "+7 900 000 00 00";
	assert_non_null(d = dossier_new(DOSSIER));
	assert_int_equal(dossier_apply(d, &c->m, c->ops, 1), 0);
	return (d);
}

static void
apply(struct dossier *d, struct hchange *c)
{
	assert_int_equal(dossier_apply(d, &c->m, c->ops, c->nops), 0);
}

static const int P0[] = { 0, -1 }, P1[] = { 1, -1 }, P2[] = { 2, -1 },
    P12[] = { 1, 2, -1 }, P3[] = { 3, -1 };

static void
test_concurrent_edits_conflict(void **state)
{
	struct dossier		*d = created();
	struct dossier_row	*r;
	char			 want[80];

	(void)state;
	/* Kaluga (1) and Smolensk (0) both set the phone, unaware. */
	apply(d, mk_set(1, 1, 2000, P0, PF_PHONE, "+7 910 111 11 11"));
	apply(d, mk_set(2, 0, 2001, P0, PF_PHONE, "+7 920 222 22 22"));
	assert_string_equal(d->person[PF_PHONE], "+7 920 222 22 22");
	assert_int_equal(d->t[DT_CONFLICT].n, 1);
	r = &d->t[DT_CONFLICT].v[0];
	snprintf(want, sizeof(want), "%s/0", hc[1].id);
	assert_string_equal(r->col[COL_ID], want);
	assert_string_equal(r->col[CF_FIELD], "phone");
	assert_string_equal(r->col[CF_VALUE], "+7 910 111 11 11");
	assert_string_equal(r->col[CF_REGION], "RU-KLU");
	assert_string_equal(r->col[CF_WINNER_VALUE], "+7 920 222 22 22");
	assert_string_equal(r->col[CF_WINNER_REGION], "RU-SMO");
	assert_string_equal(r->col[CF_STATE], "open");
	/* Kaluga resolves, keeping its own number, having seen both. */
	mk(3, 1, 3000, P12);
	hc[3].ops[0].kind = OP_CONFLICT_RESOLVE;
	hc[3].ops[0].field = PF_PHONE;
	hc[3].ops[0].arg[OA_REF] = r->col[COL_ID];
	hc[3].ops[0].arg[OA_VALUE] = "+7 910 111 11 11";
	apply(d, &hc[3]);
	r = &d->t[DT_CONFLICT].v[0];
	assert_string_equal(r->col[CF_STATE], "resolved");
	assert_string_equal(r->col[CF_CLOSED_BY], hc[3].id);
	assert_string_equal(d->person[PF_PHONE], "+7 910 111 11 11");
	assert_int_equal(d->t[DT_CONFLICT].n, 1);
	dossier_free(d);
}

static void
test_sequential_edits_no_conflict(void **state)
{
	struct dossier	*d = created();

	(void)state;
	apply(d, mk_set(1, 1, 2000, P0, PF_PHONE, "+7 910 111 11 11"));
	apply(d, mk_set(2, 0, 2001, P1, PF_PHONE, "+7 920 222 22 22"));
	/* Concurrent, but of different fields. */
	apply(d, mk_set(3, 1, 2002, P1, PF_EMAIL, "a@b.example"));
	assert_int_equal(d->t[DT_CONFLICT].n, 0);
	assert_string_equal(d->person[PF_PHONE], "+7 920 222 22 22");
	assert_string_equal(d->person[PF_EMAIL], "a@b.example");
	dossier_free(d);
}

static void
test_agreeing_edits(void **state)
{
	struct dossier	*d = created();

	(void)state;
	/* The same value from both sides: nothing to decide. */
	apply(d, mk_set(1, 1, 2000, P0, PF_PHONE, "+7 910 111 11 11"));
	apply(d, mk_set(2, 0, 2001, P0, PF_PHONE, "+7 910 111 11 11"));
	assert_int_equal(d->t[DT_CONFLICT].n, 0);
	dossier_free(d);
}

static void
test_overwritten_and_agreed(void **state)
{
	struct dossier	*d = created();

	(void)state;
	apply(d, mk_set(1, 1, 2000, P0, PF_PHONE, "A"));
	apply(d, mk_set(2, 0, 2001, P0, PF_PHONE, "B"));
	assert_int_equal(d->t[DT_CONFLICT].n, 1);
	/* A plain edit by someone who saw both closes it. */
	apply(d, mk_set(3, 2, 2002, P12, PF_PHONE, "C"));
	assert_string_equal(d->t[DT_CONFLICT].v[0].col[CF_STATE],
	    "overwritten");
	dossier_free(d);

	d = created();
	apply(d, mk_set(1, 1, 2000, P0, PF_PHONE, "A"));
	apply(d, mk_set(2, 0, 2001, P0, PF_PHONE, "B"));
	/* Then Smolensk, still unaware of A, comes round to it. */
	apply(d, mk_set(3, 0, 2002, P2, PF_PHONE, "A"));
	assert_string_equal(d->t[DT_CONFLICT].v[0].col[CF_STATE], "agreed");
	assert_string_equal(d->person[PF_PHONE], "A");
	dossier_free(d);
}

static void
test_three_way(void **state)
{
	struct dossier	*d = created();
	char		 want[80];
	size_t		 k;
	int		 open = 0;

	(void)state;
	apply(d, mk_set(1, 0, 2000, P0, PF_PHONE, "A"));
	apply(d, mk_set(2, 1, 2000, P0, PF_PHONE, "B"));
	apply(d, mk_set(3, 2, 2000, P0, PF_PHONE, "C"));
	/* Equal clocks: the key decides; two writes lost, each recorded
	 * against the one write that won. */
	assert_int_equal(d->t[DT_CONFLICT].n, 2);
	snprintf(want, sizeof(want), "%s/0", hc[3].id);
	for (k = 0; k < 2; k++) {
		assert_string_equal(d->t[DT_CONFLICT].v[k].col[CF_WINNER],
		    want);
		open += strcmp(d->t[DT_CONFLICT].v[k].col[CF_STATE], "open") ==
		    0;
	}
	assert_int_equal(open, 2);
	assert_string_equal(d->person[PF_PHONE], "C");
	dossier_free(d);
}

static void
test_loaded_state_asks_for_fold(void **state)
{
	struct dossier	*d = created();

	(void)state;
	apply(d, mk_set(1, 1, 2000, P0, PF_PHONE, "A"));
	assert_int_equal(dossier_loaded(d, (const char (*)[65])d->heads,
	    d->nheads), 0);
	/* Saw everything: applies in place. */
	apply(d, mk_set(2, 1, 2001, P1, PF_EMAIL, "a@b.example"));
	/* Concurrent with 2, an edit: only a fold can tell. */
	mk_set(3, 0, 2002, P1, PF_PHONE, "B");
	assert_int_equal(dossier_apply(d, &hc[3].m, hc[3].ops, 1), 1);
	/* An event concurrent with it needs no graph. */
	mk(4, 0, 2003, P1);
	hc[4].ops[0].kind = OP_EVENT_ADD;
	hc[4].ops[0].arg[OA_DATE] = "2025-01-01";
	hc[4].ops[0].arg[OA_TYPE] = "contact";
	hc[4].ops[0].arg[OA_TEXT] = "x";
	assert_int_equal(dossier_apply(d, &hc[4].m, hc[4].ops, 1), 0);
	(void)P3;
	dossier_free(d);
}

static void
test_accept_racing_cancel(void **state)
{
	struct dossier	*d = created();
	struct dossier_row *r;
	char		 ref[80];

	(void)state;
	mk(1, 0, 2000, P0);
	hc[1].ops[0].kind = OP_TRANSFER_OFFER;
	hc[1].ops[0].arg[OA_TO] = "RU-KLU";
	hc[1].ops[0].arg[OA_REASON] = "Переезд";
	apply(d, &hc[1]);
	snprintf(ref, sizeof(ref), "%s/0", hc[1].id);
	mk(2, 0, 3000, P1);		/* Smolensk cancels */
	hc[2].ops[0].kind = OP_TRANSFER_CANCEL;
	hc[2].ops[0].arg[OA_REF] = ref;
	mk(3, 1, 3001, P1);		/* Kaluga accepts, a moment later */
	hc[3].ops[0].kind = OP_TRANSFER_ACCEPT;
	hc[3].ops[0].arg[OA_REF] = ref;
	apply(d, &hc[2]);
	apply(d, &hc[3]);
	r = dossier_find(d, DT_TRANSFER, ref);
	assert_non_null(r);
	assert_string_equal(r->col[TR_STATE], "cancelled");
	assert_string_equal(r->col[TR_LATE], "accepted");
	assert_string_equal(r->col[TR_LATE_BY], hc[3].id);
	assert_string_equal(d->custodian, "RU-SMO");
	dossier_free(d);
}

static void
test_links(void **state)
{
	struct dossier	*d = created();
	char		 ref[80];

	(void)state;
	mk(1, 0, 2000, P0);
	hc[1].ops[0].kind = OP_PERSON_LINK;
	hc[1].ops[0].arg[OA_OTHER] = "11111111-2222-4333-8444-555555555555";
	hc[1].ops[0].arg[OA_REASON] = "тот же СНИЛС";
	apply(d, &hc[1]);
	assert_non_null(dossier_linked(d,
	    "11111111-2222-4333-8444-555555555555"));
	/* Linking again changes nothing. */
	mk(2, 0, 2001, P1);
	hc[2].ops[0] = hc[1].ops[0];
	apply(d, &hc[2]);
	assert_int_equal(d->t[DT_LINK].n, 1);
	snprintf(ref, sizeof(ref), "%s/0", hc[1].id);
	mk(3, 0, 2002, P2);
	hc[3].ops[0].kind = OP_PERSON_UNLINK;
	hc[3].ops[0].arg[OA_REF] = ref;
	hc[3].ops[0].arg[OA_REASON] = "разные люди";
	apply(d, &hc[3]);
	assert_null(dossier_linked(d, "11111111-2222-4333-8444-555555555555"));
	assert_string_equal(d->t[DT_LINK].v[0].col[LN_STATE], "unlinked");
	assert_string_equal(d->t[DT_LINK].v[0].col[LN_UNLINK_REASON],
	    "разные люди");
	dossier_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idempotence),
		cmocka_unit_test(test_commutativity),
		cmocka_unit_test(test_associativity),
		cmocka_unit_test(test_concurrent_edits_conflict),
		cmocka_unit_test(test_sequential_edits_no_conflict),
		cmocka_unit_test(test_agreeing_edits),
		cmocka_unit_test(test_overwritten_and_agreed),
		cmocka_unit_test(test_three_way),
		cmocka_unit_test(test_loaded_state_asks_for_fold),
		cmocka_unit_test(test_accept_racing_cancel),
		cmocka_unit_test(test_links),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
