/*
 * tests/unit/test_view.c: a dossier's state is a function of its set of
 * changes.  A history with concurrent branches from two regions is
 * delivered in hundreds of shuffled (causal) orders: stored in a database
 * in that order and folded, or applied as it arrives with a full refold
 * when a change comes out of order, it always gives one digest, and the
 * views stored by view_save load back to the same document.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/hlc.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/limits.h"
#include "protocol/sig.h"

#define NCHANGES	40
#define NORDERS		300

static const char DOSSIER[] = "5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

struct hist {
	struct change	*c[NCHANGES];	/* decoded */
	char		*bytes[NCHANGES];
	size_t		 len[NCHANGES];
	int		 par[NCHANGES][2];	/* parent indices, -1: none */
	int		 n;
};

static unsigned long	rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return ((unsigned)(rng >> 33) % n);
}

/* Make change i with the given parents and one operation. */
static void
make(struct hist *h, int i, int p0, int p1, uint64_t hlc, const char *key,
    const char *region, struct op *op)
{
	struct change	 hdr;
	struct buf	 b;
	char		 parents[2][CHANGE_ID_HEX + 1], why[256];
	int		 np = 0;

	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.dossier, DOSSIER, sizeof(DOSSIER));
	hdr.hlc = hlc;
	memcpy(hdr.key, key, 17);
	memcpy(hdr.region, region, strlen(region) + 1);
	hdr.user = "u";
	hdr.v = 1;	/* a fixed dossier id: version 1 (see test_change) */
	if (p0 >= 0)
		memcpy(parents[np++], h->c[p0]->id, CHANGE_ID_HEX + 1);
	if (p1 >= 0 && p1 != p0)
		memcpy(parents[np++], h->c[p1]->id, CHANGE_ID_HEX + 1);
	if (np == 2 && strcmp(parents[0], parents[1]) > 0) {
		char t[CHANGE_ID_HEX + 1];
		memcpy(t, parents[0], sizeof(t));
		memcpy(parents[0], parents[1], sizeof(t));
		memcpy(parents[1], t, sizeof(t));
	}
	hdr.parents = parents;
	hdr.nparents = (size_t)np;
	buf_init(&b, LIMIT_CHANGE_BYTES);
	if (change_encode(&b, &hdr, op, 1, &h->c[i], why, sizeof(why)) == -1)
		fail_msg("encode change %d: %s", i, why);
	h->bytes[i] = buf_take(&b, &h->len[i]);
	h->par[i][0] = p0;
	h->par[i][1] = p1;
	h->n = i + 1;
}

/*
 * A history: a root by RU-SMO, then changes by RU-SMO and RU-KLU on two
 * branches that merge now and then, with concurrent writes to the same
 * card field, events amended and retracted across branches.
 */
static void
history(struct hist *h)
{
	static const char *const keys[2] = { "aaaaaaaaaaaaaaaa",
	    "bbbbbbbbbbbbbbbb" };
	static const char *const regions[2] = { "RU-SMO", "RU-KLU" };
	struct op	 op;
	char		 text[64], ref[80];
	uint64_t	 base = hlc_pack(1739323779072ULL, 0);
	int		 i, tip[2] = { 0, 0 }, last_event = -1, a;

	memset(h, 0, sizeof(*h));
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_CREATE;
	op.field = -1;
	op.person[PF_SURNAME] = "Иванова";
	op.person[PF_NAME] = "Анна";
	op.person[PF_BIRTH_DATE] = "2005-04-12";
	op.person[PF_SEX] = "F";
	make(h, 0, -1, -1, base, keys[0], regions[0], &op);
	for (i = 1; i < NCHANGES; i++) {
		a = i % 2;
		memset(&op, 0, sizeof(op));
		op.field = -1;
		switch (i % 5) {
		case 0:
			op.kind = OP_PERSON_SET;
			op.field = PF_PHONE;	/* both branches write it */
			snprintf(text, sizeof(text), "+7 900 000 00 %02d", i);
			op.arg[OA_VALUE] = text;
			break;
		case 3:
			if (last_event >= 0 && (i / 5) % 2 == 0) {
				op.kind = OP_EVENT_AMEND;
				snprintf(ref, sizeof(ref), "%s/0",
				    h->c[last_event]->id);
				op.arg[OA_REF] = ref;
				op.arg[OA_TEXT] = "исправлено";
				break;
			}
			/* FALLTHROUGH */
		default:
			op.kind = OP_EVENT_ADD;
			op.arg[OA_DATE] = "2024-02-01";
			op.arg[OA_TYPE] = "contact";
			snprintf(text, sizeof(text), "Событие %d", i);
			op.arg[OA_TEXT] = text;
		}
		/* Equal clocks on both branches test the key tie-break. */
		if (i % 7 == 0)
			make(h, i, tip[0], tip[1], base + (uint64_t)i * 3,
			    keys[a], regions[a], &op);
		else
			make(h, i, tip[a], -1, base + (uint64_t)(i / 2) * 3 + 1,
			    keys[a], regions[a], &op);
		/* A merge joins both branches. */
		if (i % 7 == 0)
			tip[0] = tip[1] = i;
		else
			tip[a] = i;
		if (op.kind == OP_EVENT_ADD && (i / 5) % 2 == 0)
			last_event = i;
	}
}

static void
hist_free(struct hist *h)
{
	int	 i;

	for (i = 0; i < h->n; i++) {
		change_free(h->c[i]);
		free(h->bytes[i]);
	}
}

/* A random order in which every change comes after its parents. */
static void
causal_order(const struct hist *h, int *order)
{
	int	 done[NCHANGES] = { 0 }, ready[NCHANGES], nready, k, i, j;

	for (k = 0; k < h->n; k++) {
		nready = 0;
		for (i = 0; i < h->n; i++) {
			if (done[i])
				continue;
			for (j = 0; j < 2; j++)
				if (h->par[i][j] >= 0 && !done[h->par[i][j]])
					break;
			if (j == 2)
				ready[nready++] = i;
		}
		assert_true(nready > 0);
		order[k] = ready[rnd((unsigned)nready)];
		done[order[k]] = 1;
	}
}

/* Apply as a receiver does: incrementally, refolding from everything
 * received so far when a change arrives out of the total order. */
static struct dossier *
receive(const struct hist *h, const int *order)
{
	struct dossier	*d = dossier_new(DOSSIER);
	int		 k, j, r, idx[NCHANGES];

	for (k = 0; k < h->n; k++) {
		const struct change *c = h->c[order[k]];

		r = dossier_apply(d, &c->meta, c->ops, c->nops);
		assert_int_not_equal(r, -1);
		if (r == 0)
			continue;
		/* Refold: sort what has arrived, apply from scratch. */
		dossier_free(d);
		d = dossier_new(DOSSIER);
		for (j = 0; j <= k; j++)
			idx[j] = order[j];
		for (j = 1; j <= k; j++) {
			int x = idx[j], m = j;
			while (m > 0 && hlc_order(h->c[idx[m - 1]]->hlc,
			    h->c[idx[m - 1]]->key, h->c[idx[m - 1]]->id,
			    h->c[x]->hlc, h->c[x]->key, h->c[x]->id) > 0) {
				idx[m] = idx[m - 1];
				m--;
			}
			idx[m] = x;
		}
		for (j = 0; j <= k; j++)
			assert_int_equal(dossier_apply(d, &h->c[idx[j]]->meta,
			    h->c[idx[j]]->ops, h->c[idx[j]]->nops), 0);
	}
	return (d);
}

static void
test_shuffled_orders_one_digest(void **state)
{
	struct hist	 h;
	struct dossier	*d;
	char		 first[65] = "", dg[65];
	int		 order[NCHANGES], n;

	(void)state;
	history(&h);
	for (n = 0; n < NORDERS; n++) {
		causal_order(&h, order);
		d = receive(&h, order);
		assert_int_equal(d->nchanges, NCHANGES);
		assert_int_equal(view_digest(d, dg), 0);
		if (n == 0)
			memcpy(first, dg, sizeof(dg));
		else
			assert_string_equal(first, dg);
		dossier_free(d);
	}
	hist_free(&h);
}

/* Stored in shuffled order and folded from the database; saved views load
 * back to the same document. */
static void
test_store_fold_and_reload(void **state)
{
	struct hist	 h;
	struct store	*st;
	struct dossier	*d, *loaded;
	char		 dg[65], dg2[65], first[65] = "", why[256];
	uint8_t		 sig[SIG_LEN] = { 0 };
	int		 order[NCHANGES], n, k;

	(void)state;
	history(&h);
	for (n = 0; n < 20; n++) {
		st = store_open(":memory:", true);
		assert_non_null(st);
		causal_order(&h, order);
		assert_int_equal(store_begin(st), 0);
		for (k = 0; k < h.n; k++)
			assert_int_equal(store_change_put(st, h.c[order[k]],
			    h.bytes[order[k]], h.len[order[k]], sig), 0);
		/* Storing a change twice does nothing. */
		assert_int_equal(store_change_put(st, h.c[0], h.bytes[0],
		    h.len[0], sig), 1);
		assert_int_equal(view_fold(st, DOSSIER, &d, why, sizeof(why)),
		    0);
		assert_int_equal(view_save(st, d), 0);
		assert_int_equal(store_commit(st), 0);
		assert_int_equal(view_load(st, DOSSIER, &loaded), 0);
		assert_int_equal(view_digest(d, dg), 0);
		assert_int_equal(view_digest(loaded, dg2), 0);
		assert_string_equal(dg, dg2);
		if (n == 0)
			memcpy(first, dg, sizeof(dg));
		assert_string_equal(first, dg);
		dossier_free(d);
		dossier_free(loaded);
		store_close(st);
	}
	hist_free(&h);
}

/* view_fold_known: the changes a caller holds decoded (every other one
 * here) fold to the same state as those decoded from the log; one that is
 * not the change of the row it is asked for is refused, not folded. */
struct known_arg {
	struct hist	*h;
	bool		 wrong;		/* answer with another change */
	int		 asked, given;
};

static const struct change *
known_some(const char *cid, const void *bytes, size_t len, void *arg)
{
	struct known_arg	*ka = arg;
	int			 k;

	ka->asked++;
	for (k = 0; k < ka->h->n; k++) {
		if (strcmp(ka->h->c[k]->id, cid) != 0)
			continue;
		assert_int_equal(len, ka->h->len[k]);
		assert_memory_equal(bytes, ka->h->bytes[k], len);
		if (ka->wrong) {
			ka->given++;
			return (ka->h->c[(k + 1) % ka->h->n]);
		}
		if (k % 2 == 1)
			return (NULL);
		ka->given++;
		return (ka->h->c[k]);
	}
	return (NULL);
}

static void
test_fold_known(void **state)
{
	struct hist		 h;
	struct known_arg	 ka;
	struct store		*st;
	struct dossier		*d, *dk;
	char			 dg[65], dgk[65], why[256];
	uint8_t			 sig[SIG_LEN] = { 0 };
	int			 order[NCHANGES], k;

	(void)state;
	history(&h);
	assert_non_null(st = store_open(":memory:", true));
	causal_order(&h, order);
	assert_int_equal(store_begin(st), 0);
	for (k = 0; k < h.n; k++)
		assert_int_equal(store_change_put(st, h.c[order[k]],
		    h.bytes[order[k]], h.len[order[k]], sig), 0);
	assert_int_equal(view_fold(st, DOSSIER, &d, why, sizeof(why)), 0);
	memset(&ka, 0, sizeof(ka));
	ka.h = &h;
	assert_int_equal(view_fold_known(st, DOSSIER, known_some, &ka, &dk,
	    why, sizeof(why)), 0);
	assert_int_equal(ka.asked, h.n);
	assert_true(ka.given > 0 && ka.given < h.n);
	assert_int_equal(view_digest(d, dg), 0);
	assert_int_equal(view_digest(dk, dgk), 0);
	assert_string_equal(dg, dgk);
	dossier_free(dk);
	/* Another change than the row's: refused, nothing folded. */
	memset(&ka, 0, sizeof(ka));
	ka.h = &h;
	ka.wrong = true;
	dk = NULL;
	assert_int_equal(view_fold_known(st, DOSSIER, known_some, &ka, &dk,
	    why, sizeof(why)), -1);
	assert_null(dk);
	assert_non_null(strstr(why, "hash to"));
	dossier_free(d);
	store_rollback(st);
	store_close(st);
	hist_free(&h);
}

/* Last writer wins per field, in the total order: the phone is the value
 * of the greatest person.set of it, and losing writes stay in the log. */
static void
test_last_writer_wins(void **state)
{
	struct hist	 h;
	struct dossier	*d;
	int		 order[NCHANGES], i, best = -1;

	(void)state;
	history(&h);
	causal_order(&h, order);
	d = receive(&h, order);
	for (i = 0; i < h.n; i++)
		if (h.c[i]->ops[0].kind == OP_PERSON_SET && (best == -1 ||
		    hlc_order(h.c[i]->hlc, h.c[i]->key, h.c[i]->id,
		    h.c[best]->hlc, h.c[best]->key, h.c[best]->id) > 0))
			best = i;
	assert_true(best >= 0);
	assert_string_equal(d->person[PF_PHONE],
	    h.c[best]->ops[0].arg[OA_VALUE]);
	dossier_free(d);
	hist_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shuffled_orders_one_digest),
		cmocka_unit_test(test_store_fold_and_reload),
		cmocka_unit_test(test_fold_known),
		cmocka_unit_test(test_last_writer_wins),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
