/*
 * tests/unit/test_history.c: a dossier's change graph in memory
 * (conflict/history.h), as settling an offered dossier uses it: one
 * example a reader can follow (an offer and its accept stored before the
 * history they name), and properties over random graphs that a wrong
 * answer breaks -- the gap against a direct search, the heads against
 * their definition, and the moves by what they are for: appended again in
 * the total order, every change comes after its parents, and nothing
 * moves that need not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conflict/history.h"

#define NGRAPHS	3000
#define MAXN	60

static uint64_t	 rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((uint32_t)(rng >> 16));
}

/* An id: 64 hex digits, made from a number. */
static void
mkid(char id[65], uint32_t a, uint32_t b)
{
	snprintf(id, 65, "%08x%08x%048x", a, b, 0);
}

/* Parents outside the graph that are stored elsewhere, for history_gap. */
struct outside {
	char	 ids[4 * MAXN][65];
	bool	 stored[4 * MAXN];
	size_t	 n;
	size_t	 asked;
	bool	 fail;
};

static int
elsewhere(const char *id, void *arg)
{
	struct outside	*o = arg;
	size_t		 i;

	o->asked++;
	if (o->fail)
		return (-1);
	for (i = 0; i < o->n; i++)
		if (strcmp(o->ids[i], id) == 0)
			return (o->stored[i] ? 1 : 0);
	return (0);
}

static void
add(struct history *h, int64_t seq, const char *id)
{
	assert_int_equal(history_add(h, seq, id), 0);
}

static void
parent(struct history *h, const char *id)
{
	assert_int_equal(history_add_parent(h, id), 0);
}

/*
 * A destination's log: the offer O (seq 1, naming the history's head H3)
 * and its accept X (seq 2) were stored before the history H1 <- H2 <- H3
 * came (seqs 3..5).  O and X move, the history stays; X is the one head.
 */
static void
test_offer_before_history(void **state)
{
	struct history	 h;
	struct outside	 o = { .n = 0 };
	char		 h1[65], h2[65], h3[65], of[65], x[65], gone[65];

	(void)state;
	mkid(h1, 1, 1);
	mkid(h2, 2, 2);
	mkid(h3, 3, 3);
	mkid(of, 4, 4);
	mkid(x, 5, 5);
	mkid(gone, 6, 6);
	history_init(&h);
	add(&h, 3, h1);
	add(&h, 4, h2);
	parent(&h, h1);
	add(&h, 5, h3);
	parent(&h, h2);
	add(&h, 1, of);
	parent(&h, h3);
	add(&h, 2, x);
	parent(&h, of);
	assert_int_equal(history_seal(&h), 0);
	assert_int_equal(history_find(&h, h3), 2);
	assert_int_equal(history_find(&h, gone), -1);
	assert_int_equal(history_gap(&h, elsewhere, &o), 0);
	assert_int_equal(o.asked, 0);
	assert_int_equal(history_moves(&h), 2);
	assert_false(h.v[0].moves);
	assert_false(h.v[2].moves);
	assert_true(h.v[3].moves);
	assert_true(h.v[4].moves);
	assert_int_equal(history_heads(&h), 1);
	assert_true(h.v[4].head);
	assert_false(h.v[3].head);
	history_free(&h);

	/* H2 has not come: H3 lacks its parent, a gap; unless the log holds
	 * it (in another dossier: history_gap's caller asks the log). */
	history_init(&h);
	add(&h, 3, h1);
	add(&h, 5, h3);
	parent(&h, h2);
	add(&h, 1, of);
	parent(&h, h3);
	assert_int_equal(history_seal(&h), 0);
	mkid(o.ids[0], 2, 2);
	o.n = 1;
	assert_int_equal(history_gap(&h, elsewhere, &o), 1);
	o.stored[0] = true;
	assert_int_equal(history_gap(&h, elsewhere, &o), 0);
	o.fail = true;
	assert_int_equal(history_gap(&h, elsewhere, &o), -1);
	history_free(&h);

	/* Another offer (marked other) that lacks its parent is no gap. */
	history_init(&h);
	add(&h, 1, of);
	parent(&h, gone);
	add(&h, 2, h1);
	assert_int_equal(history_seal(&h), 0);
	o.fail = false;
	o.n = 0;
	assert_int_equal(history_gap(&h, elsewhere, &o), 1);
	h.v[0].other = true;
	assert_int_equal(history_gap(&h, elsewhere, &o), 0);
	history_free(&h);

	/* An empty history: nothing to find, no gap, no moves, no heads. */
	history_init(&h);
	assert_int_equal(history_add_parent(&h, h1), -1);
	assert_int_equal(history_seal(&h), 0);
	assert_int_equal(history_find(&h, h1), -1);
	assert_int_equal(history_gap(&h, elsewhere, &o), 0);
	assert_int_equal(history_moves(&h), 0);
	assert_int_equal(history_heads(&h), 0);
	history_free(&h);
}

/* A random graph: n changes in the total order, each naming up to three
 * earlier ones and now and then an id outside it; stored in a random
 * order (seq a permutation); a tenth marked other. */
static void
random_graph(struct history *h, struct outside *o, size_t n)
{
	int64_t	 seq[MAXN], t;
	char	 id[65];
	size_t	 i, j, k, m, np;

	for (i = 0; i < n; i++)
		seq[i] = (int64_t)i + 1;
	/* Mostly in order, as a log is: a few swaps put some changes
	 * before their parents. */
	for (k = rnd() % 4; k > 0; k--) {
		i = rnd() % n;
		j = rnd() % n;
		t = seq[i];
		seq[i] = seq[j];
		seq[j] = t;
	}
	o->n = 0;
	o->asked = 0;
	o->fail = false;
	history_init(h);
	for (i = 0; i < n; i++) {
		mkid(id, rnd(), (uint32_t)i);
		add(h, seq[i], id);
		np = i == 0 ? 0 : rnd() % 4;
		for (k = 0; k < np; k++) {
			j = rnd() % i;
			/* The log names a parent once a change. */
			for (m = h->v[i].parent0; m < h->np; m++)
				if (strcmp(h->parents[m], h->v[j].id) == 0)
					break;
			if (m == h->np)
				parent(h, h->v[j].id);
		}
		if (rnd() % 25 == 0) {
			mkid(o->ids[o->n], rnd(), 0xffff0000u + (uint32_t)i);
			o->stored[o->n] = rnd() % 2 == 0;
			parent(h, o->ids[o->n++]);
		}
	}
	assert_int_equal(history_seal(h), 0);
	for (i = 0; i < n; i++)
		h->v[i].other = rnd() % 10 == 0;
}

static bool
in_outside(const struct outside *o, const char *id, bool *stored)
{
	size_t	 i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->ids[i], id) == 0) {
			*stored = o->stored[i];
			return (true);
		}
	return (false);
}

static void
test_properties(void **state)
{
	struct history	 h;
	struct outside	 o;
	char		 id[65];
	int64_t		 now[MAXN], top;
	size_t		 g, n, i, j, count, outside_refs;
	long		 p;
	bool		 gap, stored = false, named;

	(void)state;
	for (g = 0; g < NGRAPHS; g++) {
		n = 1 + rnd() % MAXN;
		random_graph(&h, &o, n);

		/* find: every id at its place; an id not there is not. */
		for (i = 0; i < n; i++)
			assert_int_equal(history_find(&h, h.v[i].id), (long)i);
		mkid(id, rnd(), 0xfffffff0u);
		assert_int_equal(history_find(&h, id), -1);

		/* gap: a direct search. */
		gap = false;
		outside_refs = 0;
		for (i = 0; i < n; i++)
			for (j = h.v[i].parent0; j < h.v[i].parent0 +
			    h.v[i].nparents; j++) {
				if (history_find(&h, h.parents[j]) != -1)
					continue;
				outside_refs++;
				assert_true(in_outside(&o, h.parents[j],
				    &stored));
				if (!h.v[i].other && !stored)
					gap = true;
			}
		assert_int_equal(history_gap(&h, elsewhere, &o), gap);
		assert_true(o.asked <= outside_refs);

		/* moves: appended again in the total order after the
		 * greatest seq, every change is after its parents in the
		 * graph; and one that stays has parents that stay and come
		 * before it. */
		count = history_moves(&h);
		top = 0;
		for (i = 0; i < n; i++)
			if (h.v[i].seq > top)
				top = h.v[i].seq;
		for (i = 0, j = 0; i < n; i++) {
			now[i] = h.v[i].moves ? top + 1 + (int64_t)i :
			    h.v[i].seq;
			j += h.v[i].moves;
		}
		assert_int_equal(count, j);
		for (i = 0; i < n; i++)
			for (j = h.v[i].parent0; j < h.v[i].parent0 +
			    h.v[i].nparents; j++) {
				if ((p = history_find(&h, h.parents[j])) == -1)
					continue;
				assert_true(now[p] < now[i]);
				if (!h.v[i].moves) {
					assert_false(h.v[p].moves);
					assert_true(h.v[p].seq < h.v[i].seq);
				}
			}

		/* heads: by their definition. */
		count = history_heads(&h);
		for (i = 0, j = 0; i < n; i++) {
			named = false;
			for (p = 0; p < (long)h.np; p++)
				if (strcmp(h.parents[p], h.v[i].id) == 0)
					named = true;
			assert_int_equal(h.v[i].head, !named);
			j += h.v[i].head;
		}
		assert_int_equal(count, j);
		assert_true(count >= 1);	/* the last change, at least */
		history_free(&h);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_before_history),
		cmocka_unit_test(test_properties),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
