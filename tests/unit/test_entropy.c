/*
 * tests/unit/test_entropy.c: anti-entropy rounds (node/entropy.h) between
 * real nodes in one process (tests/sim/net.h), the peer's side answered by
 * the server's own functions, or by a hostile peer's words.  In step, a
 * round is one request; a gap closes in one round; a peer that lacks
 * changes is not "repaired" from; a region sees only what it shares; a
 * summary that is not one, or a page that does not end, stops the round
 * with nothing taken; a dossier the peer lists that this node may not hold
 * is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/entropy.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "tests/sim/net.h"

static const char *const regions[3] = { "RU-SMO", "RU-KLU", "RU-SA" };

/* The peer's side: node a answering region asker, unless a canned answer
 * is set for the path (NULL path: every path). */
struct peer {
	struct net	*net;
	int		 a, asker;
	const char	*canned_path;
	const char	*canned;
	int		 requests;
	/* Answer dossier pages as this region would be answered. */
	const char	*as;
};

static int
answer(void *arg, const char *path, struct buf *body, char *why,
    size_t whysz)
{
	struct peer	*p = arg;
	struct node	*n = p->net->n[p->a];
	const char	*asker = p->as ? p->as : regions[p->asker], *q;
	char		 after[37] = "", id[37];
	int		 r = -1;

	p->requests++;
	if (p->canned != NULL && (p->canned_path == NULL ||
	    strncmp(path, p->canned_path, strlen(p->canned_path)) == 0))
		return (buf_adds(body, p->canned));
	if (strcmp(path, "/v1/summary") == 0)
		r = entropy_summary(n, asker, body);
	else if (strncmp(path, "/v1/summary/dossiers?limit=", 27) == 0) {
		if ((q = strstr(path, "&after=")) != NULL)
			snprintf(after, sizeof(after), "%s", q + 7);
		r = entropy_page(n, asker, after, (int)strtol(path + 27, NULL,
		    10), body);
	} else if (strncmp(path, "/v1/dossiers/", 13) == 0) {
		memcpy(id, path + 13, 36);
		id[36] = '\0';
		r = feed_dossier(n, asker, id, body) == 0 ? 0 : -1;
	}
	if (r == -1)
		snprintf(why, whysz, "the peer answered HTTP 404");
	return (r);
}

struct fixture {
	struct net	 net;
	int64_t		 cursor[3][3];
	char		 d1[37], d2[37];	/* d1 offered to KLU */
};

static void
pull(struct fixture *f, int from, int to)
{
	struct net_pull	 p;
	char		 why[256];

	do {
		assert_int_equal(net_pull(&f->net, from, to,
		    f->cursor[to][from], LIMIT_FEED_MAX, &p, why,
		    sizeof(why)), 0);
		f->cursor[to][from] = p.next;
	} while (p.more);
}

static void
author(struct fixture *f, int i, const char *d, struct op *o)
{
	f->net.clock += 1000;
	assert_int_equal(net_author(&f->net, i, d, o, 1, NULL), 0);
}

static void
event(struct fixture *f, int i, const char *d)
{
	struct op	 o = net_op(OP_EVENT_ADD);

	o.arg[OA_DATE] = "2024-02-01";
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_TEXT] = "Встреча";
	author(f, i, d, &o);
}

static int
setup(void **state)
{
	struct fixture	*f;
	struct op	 o;
	char		*ids[2];
	int		 k;

	log_init("test_entropy", 0, false);
	log_quiet(true);
	assert_non_null(f = calloc(1, sizeof(*f)));
	assert_int_equal(net_setup(&f->net, 3, regions), 0);
	ids[0] = f->d1;
	ids[1] = f->d2;
	for (k = 0; k < 2; k++) {
		o = net_op(OP_PERSON_CREATE);
		o.person[PF_SURNAME] = "Иванова";
		o.person[PF_NAME] = "Анна";
		o.person[PF_BIRTH_DATE] = "2005-04-12";
		o.person[PF_SEX] = "F";
		author(f, 0, "00000000-0000-4000-8000-000000000000", &o);
		memcpy(ids[k], f->net.created, 37);
		o = net_op(OP_CONSENT_ADD);
		o.arg[OA_SCOPE] = "transfer";
		o.arg[OA_DATE] = "2024-01-01";
		o.arg[OA_DOCUMENT] = "Заявление";
		author(f, 0, ids[k], &o);
		event(f, 0, ids[k]);
	}
	/* Kaluga holds d1 as a former custodian (an offered node holds the
	 * offer alone until it accepts). */
	assert_int_equal(net_share(&f->net, 0, 1, f->d1), 0);
	pull(f, 0, 1);
	pull(f, 1, 0);
	pull(f, 0, 2);
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

static int64_t
held(struct fixture *f, int i, const char *d)
{
	sqlite3_stmt	*s;
	int64_t		 n;

	assert_non_null(s = store_stmt(f->net.n[i]->st,
	    "SELECT count(*) FROM changes WHERE dossier = ?"));
	sqlite3_bind_text(s, 1, d, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (n);
}

/* In step: one request; Sakha shares nothing with Smolensk. */
static void
test_in_step(void **state)
{
	struct fixture		*f = *state;
	struct peer		 p = { &f->net, 0, 1, NULL, NULL, 0, NULL };
	struct entropy_result	 r;

	assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer, &p,
	    &r), 0);
	assert_true(r.ok);
	assert_true(r.in_step);
	assert_int_equal(r.shared, 1);
	assert_int_equal(p.requests, 1);
	p = (struct peer){ &f->net, 0, 2, NULL, NULL, 0, NULL };
	assert_int_equal(entropy_round(f->net.n[2], "RU-SMO", answer, &p,
	    &r), 0);
	assert_true(r.in_step);
	assert_int_equal(r.shared, 0);
	assert_int_equal(held(f, 2, f->d1), 0);
	/* The round is recorded for 'opora status'. */
	assert_int_equal(store_count(f->net.n[1]->st, "SELECT count(*) FROM "
	    "anti_entropy WHERE peer = 'RU-SMO' AND ok = 1 AND shared = 1"),
	    1);
}

/* A change Kaluga's feed never brought comes in one round. */
static void
test_gap_closes(void **state)
{
	struct fixture		*f = *state;
	struct peer		 p = { &f->net, 0, 1, NULL, NULL, 0, NULL };
	struct entropy_result	 r;
	int64_t			 before = held(f, 1, f->d1);

	event(f, 0, f->d1);
	event(f, 0, f->d1);
	assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer, &p,
	    &r), 0);
	assert_true(r.ok);
	assert_false(r.in_step);
	assert_int_equal(r.differed, 1);
	assert_int_equal(r.repaired, 1);
	assert_int_equal(r.applied, 2);
	assert_int_equal(r.unresolved, 0);
	assert_int_equal(held(f, 1, f->d1), before + 2);
	/* Summary, one page, one dossier. */
	assert_int_equal(p.requests, 3);
	p.requests = 0;
	assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer, &p,
	    &r), 0);
	assert_true(r.in_step);
	assert_int_equal(p.requests, 1);
}

/* A peer that lacks what this node holds: nothing to take, said so. */
static void
test_peer_behind(void **state)
{
	struct fixture		*f = *state;
	struct peer		 p = { &f->net, 1, 0, NULL, NULL, 0, NULL };
	struct entropy_result	 r;

	/* Smolensk asks Kaluga, which lacks Smolensk's newest note. */
	event(f, 0, f->d1);
	assert_int_equal(entropy_round(f->net.n[0], "RU-KLU", answer, &p,
	    &r), 0);
	assert_true(r.ok);
	assert_false(r.in_step);
	assert_int_equal(r.differed, 1);
	assert_int_equal(r.applied, 0);
	assert_int_equal(r.unresolved, 1);
}

/* Answers that are not a summary stop the round; nothing is taken. */
static void
test_hostile_answers(void **state)
{
	static const char *const bad_roots[] = {
		"not json", "{\"count\":1}", "{\"count\":-1,\"digest\":"
		"\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		"7852b855\"}", "{\"count\":1,\"digest\":\"E3B0C44298FC1C149A"
		"FBF4C8996FB92427AE41E4649B934CA495991B7852B855\"}",
	};
	struct fixture		*f = *state;
	struct peer		 p;
	struct entropy_result	 r;
	char			 page[512];
	int64_t			 before;
	size_t			 i;

	event(f, 0, f->d1);
	before = held(f, 1, f->d1);
	for (i = 0; i < sizeof(bad_roots) / sizeof(bad_roots[0]); i++) {
		p = (struct peer){ &f->net, 0, 1, NULL, bad_roots[i], 0, NULL };
		assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer,
		    &p, &r), -1);
		assert_false(r.ok);
		assert_string_equal(r.why, "the peer's summary is not a valid "
		    "answer");
	}
	/* A page that never ends: empty, saying more follow. */
	p = (struct peer){ &f->net, 0, 1, "/v1/summary/", "{\"dossiers\":[],"
	    "\"more\":true}", 0, NULL };
	assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer, &p,
	    &r), -1);
	assert_non_null(strstr(r.why, "empty but says more follow"));
	/* Ids that do not go up: the same one again and again. */
	snprintf(page, sizeof(page), "{\"dossiers\":[{\"changes\":1,"
	    "\"digest\":\"%064d\",\"id\":\"%s\"},{\"changes\":1,\"digest\":"
	    "\"%064d\",\"id\":\"%s\"}],\"more\":true}", 0, f->d1, 0, f->d1);
	p = (struct peer){ &f->net, 0, 1, "/v1/summary/", page, 0, NULL };
	assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer, &p,
	    &r), -1);
	assert_string_equal(r.why, "the peer's summary page is not a valid "
	    "answer");
	assert_int_equal(held(f, 1, f->d1), before);
	assert_int_equal(store_count(f->net.n[1]->st, "SELECT count(*) FROM "
	    "anti_entropy WHERE peer = 'RU-SMO' AND ok = 0 AND error IS NOT "
	    "NULL"), 1);
}

/* A peer that lists, and serves, a dossier Kaluga may not hold: refused
 * by Kaluga's own records, never stored. */
static void
test_unentitled_refused(void **state)
{
	struct fixture		*f = *state;
	struct peer		 p;
	struct entropy_result	 r;

	/* Smolensk answers as if Kaluga were Smolensk: it lists d2. */
	p = (struct peer){ &f->net, 0, 1, NULL, NULL, 0, "RU-SMO" };
	assert_int_equal(entropy_round(f->net.n[1], "RU-SMO", answer, &p,
	    &r), 0);
	assert_int_equal(r.shared, 2);
	assert_int_equal(r.applied, 0);
	assert_true(r.unresolved >= 1);
	assert_int_equal(held(f, 1, f->d2), 0);
	assert_true(store_count(f->net.n[1]->st, "SELECT count(*) FROM "
	    "rejected WHERE reason LIKE '%not entitled%'") > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_closes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peer_behind, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_answers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unentitled_refused,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
