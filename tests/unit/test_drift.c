/*
 * tests/unit/test_drift.c: a node whose clock runs fast must not win every
 * conflict: a change stamped further ahead than max_clock_drift is not
 * taken now, and not recorded as refused either (the receiver's clock may
 * be the slow one: RECV_LATER); within the bound it is taken in.  And a
 * node whose clock is behind the latest clock it holds does not write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conflict/hlc.h"
#include "node/node.h"
#include "node/receive.h"
#include "node/store.h"
#include "node/verifier.h"
#include "node/view.h"
#include "protocol/log.h"

static char	 base[] = "/tmp/opora-drift.XXXXXX";

/* A wall clock ten minutes fast. */
static uint64_t
fast_clock(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 +
	    10 * 60 * 1000);
}

/* The one change of node a's log, as an item to receive. */
static int
grab(const struct store_row *row, void *arg)
{
	struct vitem	*it = arg;

	it->bytes = malloc(row->len);
	memcpy(it->bytes, row->bytes, row->len);
	it->len = row->len;
	memcpy(it->sig, row->sig, SIG_LEN);
	it->siglen_ok = true;
	return (1);
}

static enum recv_status
deliver(struct node *b, struct vitem *it, char *why, size_t whysz)
{
	struct verifier	*v = verifier_new(b->st);
	struct receiver	*r;
	enum recv_status st;

	assert_non_null(v);
	verifier_check(v, it, 1);
	assert_int_equal(store_begin(b->st), 0);
	r = receiver_new(b);
	st = receive_change(r, it, "RU-SMO", why, whysz);
	assert_int_equal(receiver_flush(r), 0);
	receiver_free(r);
	assert_int_equal(store_commit(b->st), 0);
	verifier_free(v);
	change_free(it->c);
	it->c = NULL;
	return (st);
}

static void
test_fast_clock_refused(void **state)
{
	struct node	*a, *b;
	struct dossier	*d;
	struct op	 o;
	struct vitem	 it;
	char		 da[300], db[300], id[37], cid[65], why[256];

	(void)state;
	assert_non_null(mkdtemp(base));
	snprintf(da, sizeof(da), "%s/a", base);
	snprintf(db, sizeof(db), "%s/b", base);
	log_quiet(true);
	assert_int_equal(node_init(da, "RU-SMO", NULL, NULL), 0);
	assert_int_equal(node_init(db, "RU-KLU", NULL, NULL), 0);
	a = node_open(da, "t");
	b = node_open(db, "t");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(b->cfg.max_clock_drift, NODE_DEFAULT_DRIFT_S);
	assert_int_equal(store_key_put(b->st, a->key_id, "RU-SMO", a->pub), 0);

	/* Node a's clock runs ten minutes fast. */
	node_clock = fast_clock;
	memset(&o, 0, sizeof(o));
	o.kind = OP_PERSON_CREATE;
	o.field = -1;
	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = "2005-04-12";
	o.person[PF_SEX] = "F";
	assert_int_equal(node_new_uuid(id), 0);
	assert_int_equal(store_begin(a->st), 0);
	d = dossier_new(id);
	assert_int_equal(node_author(a, d, &o, 1, cid, why, sizeof(why)), 0);
	assert_int_equal(store_commit(a->st), 0);
	dossier_free(d);
	node_clock = NULL;

	/* Set right, node a does not write while its clock is behind the
	 * clock it holds by more than the bound, and says what to do. */
	assert_int_equal(store_begin(a->st), 0);
	d = dossier_new(id);
	assert_int_equal(node_author(a, d, &o, 1, cid, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "is behind the latest time"));
	assert_non_null(strstr(why, "NTP"));
	store_rollback(a->st);
	dossier_free(d);
	/* Its stored clock never goes back, whoever writes last. */
	assert_int_equal(store_meta_raise(a->st, "hlc", "0000000000000001"),
	    0);
	assert_true(store_count(a->st, "SELECT v > '0000000000000001' FROM "
	    "meta WHERE k = 'hlc'") == 1);
	memset(&it, 0, sizeof(it));
	assert_int_equal(store_each_change(a->st, NULL, grab, &it), 1);

	/* The default bound (5 minutes) does not take it now, blames no
	 * one clock, and records no refusal. */
	assert_int_equal(deliver(b, &it, why, sizeof(why)), RECV_LATER);
	assert_non_null(strstr(why, "ahead of this node's"));
	assert_non_null(strstr(why, "this node's clock is slow"));
	assert_int_equal(store_count(b->st, "SELECT count(*) FROM rejected"),
	    0);
	assert_int_equal(store_count(b->st, "SELECT count(*) FROM changes"),
	    0);
	/* A node configured to allow 15 minutes takes it in. */
	b->cfg.max_clock_drift = 15 * 60;
	assert_int_equal(deliver(b, &it, why, sizeof(why)), RECV_APPLIED);
	assert_int_equal(store_count(b->st, "SELECT count(*) FROM changes"),
	    1);
	/* And its own clock has moved past the change's. */
	assert_true(b->hlc.last >= a->hlc.last);
	free(it.bytes);
	node_close(a);
	node_close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_clock_refused),
	};
	int	 rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* Leave nothing behind in /tmp. */
	{
		char	 cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
		if (system(cmd) != 0)
			rc = rc ? rc : 0;
	}
	return (rc);
}
