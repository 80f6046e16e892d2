/*
 * tests/unit/test_feed.c: taking in a peer's feed (node/feed.h) between
 * real nodes in one process (tests/sim/net.h), where two pullers of one
 * peer race: 'opora serve' and 'opora sync --once', each checking a
 * response before it takes it in.
 *
 * A response fetched in the peer's old feed epoch and taken in after the
 * other puller began the new one must not move the cursor: its numbers
 * count in the old epoch, and a cursor set from them in the new one passes
 * changes never taken (found by the fault suite's brief, issue 11).  Its
 * changes are sound and are kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/wire.h"
#include "tests/sim/net.h"

static const char *const regions[2] = { "RU-SMO", "RU-KLU" };

struct fixture {
	struct net	 net;
	char		 d[37];		/* shared with RU-KLU */
};

static void
author(struct fixture *f, const char *d, struct op *o)
{
	f->net.clock += 1000;
	assert_int_equal(net_author(&f->net, 0, d, o, 1, NULL), 0);
}

static void
event(struct fixture *f)
{
	struct op	 o = net_op(OP_EVENT_ADD);

	o.arg[OA_DATE] = "2024-02-01";
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_TEXT] = "Встреча";
	author(f, f->d, &o);
}

static int
setup(void **state)
{
	struct fixture	*f;
	struct op	 o;

	log_init("test_feed", 0, false);
	log_quiet(true);
	assert_non_null(f = calloc(1, sizeof(*f)));
	assert_int_equal(net_setup(&f->net, 2, regions), 0);
	o = net_op(OP_PERSON_CREATE);
	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = "2005-04-12";
	o.person[PF_SEX] = "F";
	author(f, "00000000-0000-4000-8000-000000000000", &o);
	memcpy(f->d, f->net.created, 37);
	o = net_op(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "transfer";
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_DOCUMENT] = "Заявление";
	author(f, f->d, &o);
	/* Kaluga follows Smolensk's writes as a former custodian (an
	 * offered node holds the offer alone until it accepts). */
	assert_int_equal(net_share(&f->net, 0, 1, f->d), 0);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	net_teardown(&f->net);
	free(f);
	return (0);
}

/* Smolensk's feed for Kaluga after since, parsed into *wf. */
static void
fetch(struct fixture *f, int64_t since, struct wire_feed *wf,
    struct buf *body)
{
	int64_t		 next;
	char		 why[256];

	buf_init(body, LIMIT_FEED_BYTES);
	assert_int_equal(feed_build(f->net.n[0], "RU-KLU", since,
	    LIMIT_FEED_MAX, 0, body, &next, NULL), 0);
	assert_int_equal(wire_feed_parse(body->data, body->len, wf, why,
	    sizeof(why)), 0);
}

static void
peer_set(struct fixture *f, const char *epoch, int64_t cursor)
{
	sqlite3_stmt	*s;

	assert_non_null(s = store_stmt(f->net.n[1]->st,
	    "UPDATE peers SET epoch = ?2, cursor = ?3 WHERE region = ?1"));
	sqlite3_bind_text(s, 1, "RU-SMO", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, epoch, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, cursor);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_reset(s);
}

static int64_t
cursor_of(struct fixture *f)
{
	return (store_count(f->net.n[1]->st, "SELECT cursor FROM peers "
	    "WHERE region = 'RU-SMO'"));
}

/*
 * Puller B checks a response of the old epoch; meanwhile puller A finds
 * the new epoch and starts the cursor again from 0 (as resync does); then
 * B takes its response in.  Its changes are kept; the cursor stays where
 * A left it, in the new epoch.
 */
static void
test_stale_epoch_keeps_cursor(void **state)
{
	struct fixture		*f = *state;
	struct wire_feed	 wf;
	struct feed_batch	*b = NULL;
	struct feed_stats	 st;
	struct buf		 body;
	char			 why[256];
	const char		*e1 = "11111111111111111111111111111111";
	const char		*e2 = "22222222222222222222222222222222";
	int			 i;

	for (i = 0; i < 5; i++)
		event(f);
	peer_set(f, e1, 0);
	fetch(f, 0, &wf, &body);
	/* The response counts in e1 (as it was when B fetched it). */
	memcpy(wf.epoch, e1, sizeof(wf.epoch));
	assert_true(wf.next >= 8);
	assert_int_equal(feed_check(f->net.n[1]->st, &wf, &b, why,
	    sizeof(why)), 0);
	/* A: a new epoch, pulled again from its first change. */
	peer_set(f, e2, 0);
	memset(&st, 0, sizeof(st));
	st.repair = true;
	assert_int_equal(feed_take(f->net.n[1], "RU-SMO", b, true, &st, why,
	    sizeof(why)), 0);
	assert_int_equal(st.applied, 5);	/* the rest is held */
	assert_int_equal(cursor_of(f), 0);
	assert_int_equal(store_count(f->net.n[1]->st, "SELECT count(*) FROM "
	    "peers WHERE region = 'RU-SMO' AND epoch = "
	    "'22222222222222222222222222222222'"), 1);
	feed_batch_free(b);
	wire_feed_free(&wf);
	buf_free(&body);
}

/* In its own epoch a response moves the cursor, as always. */
static void
test_same_epoch_moves_cursor(void **state)
{
	struct fixture		*f = *state;
	struct wire_feed	 wf;
	struct feed_stats	 st;
	struct buf		 body;
	char			 why[256];
	const char		*e1 = "11111111111111111111111111111111";

	event(f);
	peer_set(f, e1, 0);
	fetch(f, 0, &wf, &body);
	memcpy(wf.epoch, e1, sizeof(wf.epoch));
	memset(&st, 0, sizeof(st));
	st.repair = true;
	assert_int_equal(feed_apply(f->net.n[1], "RU-SMO", &wf, true, &st,
	    why, sizeof(why)), 0);
	assert_int_equal(st.applied, 1);	/* the rest is held */
	assert_int_equal(cursor_of(f), wf.next);
	wire_feed_free(&wf);
	buf_free(&body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stale_epoch_keeps_cursor,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_epoch_moves_cursor,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
