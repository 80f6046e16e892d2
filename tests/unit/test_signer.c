/*
 * tests/unit/test_signer.c: node/signer.c, the import's signing on other
 * cores.  Each change handed over is stored once, whole, with a good
 * signature over its bytes, in the order handed over; the store never
 * runs more than the window behind; a drain leaves nothing unstored; and
 * once one change cannot be stored, nothing after it is, and the drain
 * that ends the transaction fails (so the writer rolls back).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conflict/hlc.h"
#include "node/signer.h"
#include "node/store.h"
#include "protocol/change.h"
#include "protocol/limits.h"
#include "protocol/sig.h"

#define NCHANGES	700	/* well past the window of 256 */
#define WINDOW		256

static const char DOSSIER[] = "5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

struct chain {
	struct change	*c[NCHANGES];
	char		*bytes[NCHANGES];
	size_t		 len[NCHANGES];
};

/* A chain of n event.add changes of one dossier, each the parent of the
 * next, by the key whose id is key. */
static void
chain_make(struct chain *h, int n, const char *key)
{
	struct change	 hdr;
	struct op	 op;
	struct buf	 b;
	char		 text[64], why[256];
	int		 i;

	for (i = 0; i < n; i++) {
		memset(&hdr, 0, sizeof(hdr));
		memcpy(hdr.dossier, DOSSIER, sizeof(DOSSIER));
		hdr.hlc = hlc_pack(1739323779072ULL + (uint64_t)i, 0);
		memcpy(hdr.key, key, 17);
		memcpy(hdr.region, "RU-SMO", 7);
		hdr.user = "u";
		hdr.v = 1;
		if (i > 0) {
			hdr.parents = &h->c[i - 1]->id;
			hdr.nparents = 1;
		}
		memset(&op, 0, sizeof(op));
		op.field = -1;
		if (i == 0) {
			op.kind = OP_PERSON_CREATE;
			op.person[PF_SURNAME] = "Иванова";
			op.person[PF_NAME] = "Анна";
			op.person[PF_BIRTH_DATE] = "2005-04-12";
			op.person[PF_SEX] = "F";
		} else {
			snprintf(text, sizeof(text), "встреча %d", i);
			op.kind = OP_EVENT_ADD;
			op.arg[OA_DATE] = "2024-02-01";
			op.arg[OA_TYPE] = "contact";
			op.arg[OA_TEXT] = text;
		}
		buf_init(&b, LIMIT_CHANGE_BYTES);
		if (change_encode(&b, &hdr, &op, 1, &h->c[i], why,
		    sizeof(why)) != 0)
			fail_msg("encode change %d: %s", i, why);
		h->bytes[i] = buf_take(&b, &h->len[i]);
	}
}

static void
chain_free(struct chain *h, int n)
{
	int	 i;

	for (i = 0; i < n; i++) {
		change_free(h->c[i]);
		free(h->bytes[i]);
	}
}

struct walk {
	const struct chain	*h;
	const struct sig_pub	*pub;
	int			 n;
};

/* Each stored change, in feed order, is the next of the chain, with its
 * bytes and a signature the key's public half accepts. */
static int
walk_one(const struct store_row *row, void *arg)
{
	struct walk	*w = arg;
	int		 i = w->n++;

	if (i >= NCHANGES || strcmp(row->id, w->h->c[i]->id) != 0 ||
	    row->len != w->h->len[i] ||
	    memcmp(row->bytes, w->h->bytes[i], row->len) != 0 ||
	    row->siglen != SIG_LEN ||
	    sig_verify(w->pub, CHANGE_PREFIX, row->bytes, row->len,
	    row->sig) != 0)
		return (1);
	return (0);
}

static int64_t
stored(struct store *st)
{
	return (store_count(st, "SELECT count(*) FROM changes"));
}

/* A chain of n changes, a store in a transaction and a signer of
 * nthreads threads with a new key. */
struct rig {
	struct chain	 h;
	int		 n;
	struct store	*st;
	struct signer	*sg;
	struct sig_key	*k;
	struct sig_pub	*pub;
};

static void
rig_open(struct rig *r, int n, int nthreads)
{
	uint8_t	 raw[SIG_PUB_LEN];
	char	 kid[17];

	memset(r, 0, sizeof(*r));
	assert_non_null(r->k = sig_key_generate());
	sig_key_public(r->k, raw);
	sig_key_id(raw, kid);
	assert_non_null(r->pub = sig_pub_new(raw));
	r->n = n;
	chain_make(&r->h, n, kid);
	assert_non_null(r->st = store_open(":memory:", true));
	assert_int_equal(store_begin(r->st), 0);
	assert_non_null(r->sg = signer_new(r->k, nthreads));
}

static void
rig_close(struct rig *r)
{
	signer_free(r->sg);
	store_close(r->st);
	sig_pub_free(r->pub);
	sig_key_free(r->k);
	chain_free(&r->h, r->n);
}

/* Store change i of the chain directly, signed, as another writer. */
static void
put_direct(struct rig *r, int i)
{
	uint8_t	 sig[SIG_LEN];

	assert_int_equal(sig_sign(r->k, CHANGE_PREFIX, r->h.bytes[i],
	    r->h.len[i], sig), 0);
	assert_int_equal(store_change_put(r->st, r->h.c[i], r->h.bytes[i],
	    r->h.len[i], sig), 0);
}

static void
submit(struct rig *r, int from, int to)
{
	int	 i;

	for (i = from; i < to; i++)
		assert_int_equal(signer_submit(r->sg, r->h.c[i],
		    r->h.bytes[i], r->h.len[i]), 0);
}

/* The log holds the whole chain, in order, each change with its bytes and
 * a signature r's key accepts (walk_one). */
static void
expect_chain(struct rig *r)
{
	struct walk	 w;

	memset(&w, 0, sizeof(w));
	w.h = &r->h;
	w.pub = r->pub;
	assert_int_equal(store_each_change(r->st, NULL, walk_one, &w), 0);
	assert_int_equal(w.n, NCHANGES);
}

static void
test_order_window_drain(void **state)
{
	struct rig	 r;
	char		(*heads)[CHANGE_ID_HEX + 1];
	size_t		 nheads;
	int64_t		 n, most = 0;
	int		 i;

	(void)state;
	rig_open(&r, NCHANGES, 2);
	for (i = 0; i < NCHANGES; i++) {
		submit(&r, i, i + 1);
		assert_int_equal(signer_store(r.sg, r.st), 0);
		n = stored(r.st);
		/* Never ahead of what was handed over, never more than the
		 * window behind it. */
		assert_true(n <= i + 1);
		assert_true(n >= i + 1 - WINDOW);
		if (i + 1 - n > most)
			most = i + 1 - n;
	}
	assert_int_equal(signer_drain(r.sg, r.st), 0);
	assert_int_equal(stored(r.st), NCHANGES);
	/* Nothing is left to store: a second drain does nothing. */
	assert_int_equal(signer_drain(r.sg, r.st), 0);
	assert_int_equal(stored(r.st), NCHANGES);
	assert_int_equal(store_commit(r.st), 0);
	expect_chain(&r);
	/* The heads moved as each change was stored: the last is the one. */
	assert_int_equal(store_heads(r.st, DOSSIER, &heads, &nheads), 0);
	assert_int_equal(nheads, 1);
	assert_string_equal(heads[0], r.h.c[NCHANGES - 1]->id);
	free(heads);
	print_message("at most %lld changes waited for their signature\n",
	    (long long)most);
	rig_close(&r);
}

/*
 * A drain of a whole batch handed over at once: the writer signs beside
 * the thread (wait_signed), both taking runs from the same queue.  Every
 * change is stored once, in the order handed over, with a signature its
 * key accepts, whichever thread made it; and so again with one thread
 * and with four.
 */
static void
test_drain_signs_beside(void **state)
{
	static const int threads[] = { 1, 2, 4 };
	struct rig	 r;
	size_t		 t;

	(void)state;
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		rig_open(&r, NCHANGES, threads[t]);
		submit(&r, 0, NCHANGES);
		assert_int_equal(signer_drain(r.sg, r.st), 0);
		assert_int_equal(stored(r.st), NCHANGES);
		assert_int_equal(store_commit(r.st), 0);
		expect_chain(&r);
		rig_close(&r);
	}
}

static void
test_broken_fails_closed(void **state)
{
	struct rig	 r;

	(void)state;
	rig_open(&r, 6, 1);
	submit(&r, 0, 2);
	assert_int_equal(signer_drain(r.sg, r.st), 0);
	/* Change 2 is already in the log when the signer comes to store
	 * it: the signer's copy is not stored, and neither is any after. */
	put_direct(&r, 2);
	submit(&r, 2, 6);
	assert_int_equal(signer_drain(r.sg, r.st), -1);
	assert_int_equal(stored(r.st), 3);
	/* That drain ended the transaction's queue: the signer works
	 * again (the writer has rolled back or begun anew). */
	submit(&r, 3, 4);
	assert_int_equal(signer_drain(r.sg, r.st), 0);
	assert_int_equal(stored(r.st), 4);
	store_rollback(r.st);
	rig_close(&r);
}

static void
test_store_after_failure(void **state)
{
	struct rig	 r;
	int		 i, k;

	(void)state;
	rig_open(&r, 4, 1);
	put_direct(&r, 0);
	submit(&r, 0, 4);
	/* However often the writer asks, changes 1-3 are never stored once
	 * change 0 failed (signer_store may meet it only when signed). */
	for (i = 0; i < 50; i++) {
		k = signer_store(r.sg, r.st);
		assert_int_equal(stored(r.st), 1);
		if (k == -1)
			break;
	}
	assert_int_equal(signer_drain(r.sg, r.st), -1);
	assert_int_equal(stored(r.st), 1);
	store_rollback(r.st);
	rig_close(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_window_drain),
		cmocka_unit_test(test_drain_signs_beside),
		cmocka_unit_test(test_broken_fails_closed),
		cmocka_unit_test(test_store_after_failure),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
