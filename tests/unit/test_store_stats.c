/*
 * tests/unit/test_store_stats.c: a read that fails in the middle of the
 * statistics, a release, a researcher's query, a dossier's view or the
 * duplicates listing is an error, never a shorter answer: nothing
 * partial is computed, stored, published or answered (issue 11).
 *
 * Two real nodes (tests/sim/net.h): Smolensk, with a few graduates who
 * consented to statistics, and the federal node.  Each reader under test
 * runs with its k-th step failing (store_test_fail_step), for k = 1, 2,
 * ... until a run ends without reaching the k-th step; every run that
 * reached it must fail and leave nothing behind, and the undisturbed run
 * must succeed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "node/cli.h"
#include "node/fedstats.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/store_dup.h"
#include "node/store_stats.h"
#include "node/view.h"
#include "protocol/buf.h"
#include "protocol/change.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/snapshot.h"
#include "tests/sim/net.h"

#define MAX_STEPS	5000
#define SMO		0
#define FED		1

static const char *const regions[3] = { "RU-SMO", "RU-FED", "RU-KLU" };
static const int codes[2] = { SQLITE_IOERR, SQLITE_CORRUPT };

static struct net	 net;
static char		 ids[8][37];
static int		 nids;

/* 2 January 2025, 10:00 UTC. */
#define JAN2	(1735689600000ULL + 86400000ULL + 36000000ULL)

static void
make(int p, struct op *o)
{
	net.clock += 1000;
	assert_int_equal(net_author(&net, SMO, ids[p], o, 1, NULL), 0);
}

/* A graduate of Smolensk who consented to statistics. */
static void
graduate(const char *sex, const char *birth)
{
	struct op	 o = net_op(OP_PERSON_CREATE);
	int		 p = nids++;

	snprintf(ids[p], sizeof(ids[p]),
	    "00000000-0000-4000-8000-0000000000%02d", p);
	o.person[PF_SURNAME] = "Петрова";
	o.person[PF_NAME] = "Мария";
	o.person[PF_BIRTH_DATE] = birth;
	o.person[PF_SEX] = sex;
	make(p, &o);
	memcpy(ids[p], net.created, sizeof(ids[p]));
	o = net_op(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "statistics";
	o.arg[OA_DATE] = "2025-01-01";
	o.arg[OA_DOCUMENT] = "Согласие";
	make(p, &o);
	o = net_op(OP_EVENT_ADD);
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_DATE] = "2025-01-02";
	o.arg[OA_TEXT] = "Запись";
	make(p, &o);
}

static int64_t
count(int node, const char *sql)
{
	int64_t	 n = store_count(net.n[node]->st, sql);

	assert_true(n >= 0);
	return (n);
}

/*
 * Run fn with its k-th step on st failing with code, for k = 1, 2, ...;
 * after each run, with the fault disarmed, after(r, fired) checks what
 * the run left.  Every run that reached its k-th step must return -1,
 * the last one (which did not) 0.  Returns how many steps fn took.
 */
static long
each_step_fails(struct store *st, int (*fn)(void), void (*after)(int, bool),
    int code)
{
	long	 k;
	int	 r;
	bool	 fired;

	for (k = 1; k <= MAX_STEPS; k++) {
		store_test_fail_step(st, k, code);
		r = fn();
		fired = store_test_fail_step(st, 0, 0) == 0;
		if (after != NULL)
			after(r, fired);
		if (!fired) {
			assert_int_equal(r, 0);
			return (k - 1);
		}
		if (r != -1)
			fail_msg("answered %d with its step %ld failing (code "
			    "%d)", r, k, code);
	}
	fail_msg("took more than %d steps", MAX_STEPS);
	return (0);
}

/* --- Smolensk: computing and publishing a snapshot ------------------- */

static struct snapshot	 computed;

static int
r_compute(void)
{
	char	 why[256];

	return (stats_compute(net.n[SMO]->st, "RU-SMO", 2025, &computed, why,
	    sizeof(why)));
}

static void
a_compute(int r, bool fired)
{
	(void)fired;
	if (r == 0)
		assert_true(computed.ncells > 0);
	else {
		/* Not the persons read so far: nothing. */
		assert_int_equal(computed.ncells, 0);
		assert_null(computed.cells);
		assert_int_equal(computed.nflows, 0);
	}
	snapshot_free(&computed);
}

static void
test_compute(void **state)
{
	size_t	 c;

	(void)state;
	for (c = 0; c < 2; c++)
		assert_true(each_step_fails(net.n[SMO]->st, r_compute,
		    a_compute, codes[c]) > 8);
}

static int64_t	 published;

static int
r_publish(void)
{
	char	 id[65], why[256];

	return (stats_publish(net.n[SMO], 2025, id, why, sizeof(why)));
}

static void
a_publish(int r, bool fired)
{
	int64_t	 n = count(SMO, "SELECT count(*) FROM snapshots");

	(void)fired;
	assert_int_equal(n, published + (r == 0));
	published = n;
}

static void
test_publish(void **state)
{
	(void)state;
	published = count(SMO, "SELECT count(*) FROM snapshots");
	assert_true(each_step_fails(net.n[SMO]->st, r_publish, a_publish,
	    SQLITE_IOERR) > 8);
}

/* --- Smolensk: the dashboard's snapshot of a year ------------------- */

static int	 dash_seen;

static int
dash_one(const void *b, size_t len, int64_t received, void *arg)
{
	struct snapshot	 s;
	char		 why[256];

	(void)arg;
	assert_true(received > 0);
	assert_int_equal(snapshot_decode(b, len, &s, why, sizeof(why)), 0);
	assert_string_equal(s.region, "RU-SMO");
	assert_int_equal(s.year, 2025);
	assert_true(s.ncells > 0);
	snapshot_free(&s);
	dash_seen++;
	return (0);
}

static int
r_latest(void)
{
	return (store_stats_latest(net.n[SMO]->st, "RU-SMO", 2025, dash_one,
	    NULL));
}

/* The newest snapshot of a year is read whole or the read fails: a
 * failed step is never "none" (which the dashboard would compute). */
static void
test_latest(void **state)
{
	struct store	*st = net.n[SMO]->st;

	(void)state;
	assert_true(count(SMO, "SELECT count(*) FROM snapshots WHERE "
	    "year = 2025") > 0);
	assert_int_equal(stats_held(st, "RU-SMO", 2025), 1);
	assert_int_equal(stats_held(st, "RU-SMO", 2019), 0);
	assert_int_equal(stats_held(st, "RU-KLU", 2025), 0);
	dash_seen = 0;
	assert_int_equal(r_latest(), 0);
	assert_int_equal(dash_seen, 1);
	assert_true(each_step_fails(st, r_latest, NULL, SQLITE_IOERR) >= 1);
	assert_int_equal(store_stats_persons(st), nids);
}

/* --- the federal node: taking a snapshot in ------------------------- */

struct latest {
	uint8_t		*bytes;
	size_t		 len;
	uint8_t		 sig[SIG_LEN];
};
static struct latest	 latest;

static int
latest_one(const struct store_snapshot_row *r, void *arg)
{
	struct latest	*l = arg;

	free(l->bytes);
	assert_non_null(l->bytes = malloc(r->len));
	memcpy(l->bytes, r->bytes, r->len);
	l->len = r->len;
	assert_non_null(r->sig);
	memcpy(l->sig, r->sig, SIG_LEN);
	return (0);
}

/* Smolensk's newest snapshot, into latest. */
static void
take_latest(void)
{
	assert_int_equal(store_snapshot_each(net.n[SMO]->st, "RU-SMO", 0,
	    1000, latest_one, &latest), 0);
	assert_non_null(latest.bytes);
}

static int
r_store(void)
{
	struct store	*st = net.n[FED]->st;
	char		 why[256];
	int		 year, k;

	if (store_begin(st) == -1)
		return (-1);
	k = stats_store(st, latest.bytes, latest.len, latest.sig, "RU-SMO",
	    &year, why, sizeof(why));
	if (k != 0 || store_commit(st) == -1) {
		store_rollback(st);
		/* A verdict on the bytes would be wrong: the read failed. */
		return (k == -1 ? 99 : -1);
	}
	return (0);
}

static int64_t	 stored;

static void
a_store(int r, bool fired)
{
	(void)fired;
	assert_int_equal(count(FED, "SELECT count(*) FROM snapshots"),
	    stored + (r == 0));
	/* Nor half of its index. */
	if (r != 0)
		assert_int_equal(count(FED, "SELECT count(*) FROM stats_cells"),
		    0);
}

static void
test_store(void **state)
{
	(void)state;
	take_latest();
	stored = count(FED, "SELECT count(*) FROM snapshots");
	assert_int_equal(stored, 0);
	assert_true(each_step_fails(net.n[FED]->st, r_store, a_store,
	    SQLITE_IOERR) > 3);
	assert_true(count(FED, "SELECT count(*) FROM stats_cells") > 0);
	assert_int_equal(count(FED, "SELECT count(*) FROM stats_current"), 1);
}

/* --- releases ---------------------------------------------------------- */

static int64_t	 releases;

static int
r_release(void)
{
	int64_t	 num = 0;
	char	 why[256];

	return (fedstats_release(net.n[FED], &num, why, sizeof(why)));
}

static void
a_release(int r, bool fired)
{
	(void)fired;
	/* Nothing of a release that failed is kept: no release, no group. */
	assert_int_equal(count(FED, "SELECT count(*) FROM stats_releases"),
	    releases + (r == 0));
	assert_int_equal(count(FED, "SELECT count(*) FROM stats_release_groups"
	    " WHERE release > (SELECT coalesce(max(n), 0) FROM "
	    "stats_releases)"), 0);
	releases += r == 0;
}

static void
test_release(void **state)
{
	(void)state;
	releases = count(FED, "SELECT count(*) FROM stats_releases");
	assert_int_equal(releases, 0);
	assert_true(each_step_fails(net.n[FED]->st, r_release, a_release,
	    SQLITE_IOERR) > 10);
	assert_int_equal(releases, 1);
}

/* --- answers ----------------------------------------------------------- */

static struct fedstats_result	 res;

static void
a_answer(int r, bool fired)
{
	(void)fired;
	if (r == 0)
		assert_true(res.nrows > 0);
	else {
		assert_null(res.rows);
		assert_int_equal(res.nrows, 0);
	}
	fedstats_result_free(&res);
}

static int
r_run(void)
{
	struct fedstats_query	 q;
	char			 why[256];

	assert_int_equal(fedstats_parse("contact.3m", "region,sex,birth_band",
	    "2025", &q, why, sizeof(why)), 0);
	return (fedstats_run(net.n[FED], &q, NULL, &res, why, sizeof(why)));
}

static int
r_coverage(void)
{
	char	 why[256];

	return (fedstats_coverage(net.n[FED], "2025-Q1", 0, NULL, &res, why,
	    sizeof(why)));
}

static int
r_flows(void)
{
	char	 why[256];

	return (fedstats_flows(net.n[FED], 2025, false, 0, NULL, &res, why,
	    sizeof(why)));
}

static struct buf	 out;

static int
r_releases_json(void)
{
	buf_free(&out);
	buf_init(&out, 1 << 20);
	return (fedstats_releases_json(net.n[FED], true, &out));
}

static void
a_releases_json(int r, bool fired)
{
	(void)fired;
	if (r == 0)
		assert_non_null(strstr(out.data, "\"releases\":[{"));
	else
		assert_int_equal(out.len, 0);
}

static void
test_answers(void **state)
{
	size_t	 c;

	(void)state;
	for (c = 0; c < 2; c++) {
		assert_true(each_step_fails(net.n[FED]->st, r_run, a_answer,
		    codes[c]) > 2);
		assert_true(each_step_fails(net.n[FED]->st, r_coverage,
		    a_answer, codes[c]) > 2);
		assert_true(each_step_fails(net.n[FED]->st, r_flows, a_answer,
		    codes[c]) > 2);
		assert_true(each_step_fails(net.n[FED]->st, r_releases_json,
		    a_releases_json, codes[c]) > 1);
	}
	buf_free(&out);
}

/* A second snapshot, then a release that weighs it against the first
 * (the release-difference rule reads both snapshots' groups). */
static void
test_second_release(void **state)
{
	char	 id[65], why[256];

	(void)state;
	graduate("F", "2005-08-08");
	graduate("M", "2004-09-09");
	net.clock += 60000;
	assert_int_equal(stats_publish(net.n[SMO], 2025, id, why,
	    sizeof(why)), 0);
	take_latest();
	assert_int_equal(r_store(), 0);
	assert_int_equal(count(FED, "SELECT count(*) FROM snapshots"), 2);
	releases = 1;
	assert_true(each_step_fails(net.n[FED]->st, r_release, a_release,
	    SQLITE_CORRUPT) > 20);
	assert_int_equal(releases, 2);
}

static int
r_due(void)
{
	/* A year on: a release is due, unless the node cannot tell. */
	return (fedstats_release_due(net.n[FED], net.clock +
	    366ULL * 86400000ULL) ? 0 : -1);
}

static void
test_release_due(void **state)
{
	(void)state;
	net.n[FED]->cfg.stats_release_months = 1;
	assert_int_equal(each_step_fails(net.n[FED]->st, r_due, NULL,
	    SQLITE_IOERR), 2);
}

/* --- views and listings ------------------------------------------------ */

static int
r_view(void)
{
	struct dossier	*d = (struct dossier *)&d;
	int		 r;

	r = view_load(net.n[SMO]->st, ids[0], &d);
	if (r != 0)
		assert_null(d);
	dossier_free(d);
	return (r);
}

static int
r_duplicates(void)
{
	cJSON	*arr;
	char	*pairs = (char *)&pairs;

	if ((arr = cli_duplicates_json(net.n[SMO], &pairs)) == NULL) {
		assert_null(pairs);
		return (-1);
	}
	/* P1 and P2 share a name and a birth date. */
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	assert_non_null(strstr(pairs, ids[0]));
	cJSON_Delete(arr);
	free(pairs);
	return (0);
}

static int
r_transfers(void)
{
	cJSON	*arr;

	if ((arr = cli_transfers_json(net.n[SMO], 0)) == NULL)
		return (-1);
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	cJSON_Delete(arr);
	return (0);
}

static int
r_dups_of(void)
{
	struct view_dup	*v = (struct view_dup *)&v;
	char		 key[VIEW_NAME_KEY];
	size_t		 n = 99;

	view_name_key("Петрова", "Мария", "2005-03-03", key);
	if (view_duplicates_of(net.n[SMO]->st, ids[0], NULL, key, &v, &n) !=
	    0) {
		assert_null(v);
		assert_int_equal(n, 0);
		return (-1);
	}
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, ids[1]);
	free(v);
	return (0);
}

static int
count_row(void *arg)
{
	(*(int *)arg)++;
	return (0);
}

static int
snapshot_row(const struct store_stats_snapshot *s, void *arg)
{
	(void)s;
	return (count_row(arg));
}

static int
r_snapshots(void)
{
	int	 n = 0;

	if (store_stats_snapshots(net.n[SMO]->st, snapshot_row, &n) != 0)
		return (-1);
	assert_int_equal(n, published);
	return (0);
}

static int
researcher_row(const char *name, const char *pin, int64_t added,
    bool removed, void *arg)
{
	(void)name;
	(void)pin;
	(void)added;
	(void)removed;
	return (count_row(arg));
}

static int
r_researchers(void)
{
	int	 n = 0;

	if (store_stats_researcher_each(net.n[FED]->st, researcher_row,
	    &n) != 0)
		return (-1);
	assert_int_equal(n, 3);
	return (0);
}

static int
dismissed_row(const char *a, const char *b, const char *by,
    const char *reason, int64_t at, void *arg)
{
	(void)a;
	(void)b;
	(void)by;
	(void)reason;
	(void)at;
	return (count_row(arg));
}

static int
r_dismissed(void)
{
	int	 n = 0;

	if (store_dup_dismissed(net.n[SMO]->st, dismissed_row, &n) != 0)
		return (-1);
	assert_int_equal(n, 2);
	return (0);
}

static void
test_views(void **state)
{
	size_t	 c;

	(void)state;
	for (c = 0; c < 2; c++) {
		assert_true(each_step_fails(net.n[SMO]->st, r_view, NULL,
		    codes[c]) > 3);
		assert_true(each_step_fails(net.n[SMO]->st, r_duplicates,
		    NULL, codes[c]) > 1);
		assert_true(each_step_fails(net.n[SMO]->st, r_transfers,
		    NULL, codes[c]) > 1);
		assert_true(each_step_fails(net.n[SMO]->st, r_dups_of,
		    NULL, codes[c]) > 1);
	}
}

/* The listings the CLI prints: a walk that fails is -1, never fewer. */
static void
test_listings(void **state)
{
	struct store	*fed = net.n[FED]->st, *smo = net.n[SMO]->st;

	(void)state;
	published = count(SMO, "SELECT count(*) FROM snapshots");
	assert_true(published > 1);
	assert_int_equal(each_step_fails(smo, r_snapshots, NULL,
	    SQLITE_IOERR), published + 1);
	assert_int_equal(store_stats_researcher_put(fed, "alice", "pin-a", 1),
	    0);
	assert_int_equal(store_stats_researcher_put(fed, "bob", "pin-b", 2),
	    0);
	assert_int_equal(store_stats_researcher_put(fed, "carol", "pin-c", 3),
	    0);
	/* A name taken is told apart from a failure. */
	assert_int_equal(store_stats_researcher_put(fed, "bob", "pin-x", 4),
	    1);
	store_test_fail_step(fed, 1, SQLITE_IOERR);
	assert_int_equal(store_stats_researcher_put(fed, "dave", "pin-d", 5),
	    -1);
	assert_int_equal(store_stats_researcher_remove(fed, "carol"), 0);
	assert_int_equal(store_stats_researcher_remove(fed, "carol"), 1);
	assert_int_equal(each_step_fails(fed, r_researchers, NULL,
	    SQLITE_CORRUPT), 4);
	/* A pair is stored in order. */
	assert_int_equal(store_dup_dismiss(smo, strcmp(ids[0], ids[1]) < 0 ?
	    ids[0] : ids[1], strcmp(ids[0], ids[1]) < 0 ? ids[1] : ids[0],
	    "boss", "Разные люди", 100), 0);
	assert_int_equal(store_dup_dismiss(smo, strcmp(ids[2], ids[3]) < 0 ?
	    ids[2] : ids[3], strcmp(ids[2], ids[3]) < 0 ? ids[3] : ids[2],
	    "boss", "Разные люди", 101), 0);
	assert_int_equal(each_step_fails(smo, r_dismissed, NULL,
	    SQLITE_IOERR), 3);
}

static int
setup(void **state)
{
	(void)state;
	log_init("test_store_stats", 0, false);
	log_quiet(true);
	assert_int_equal(net_setup(&net, 3, regions), 0);
	net.clock = JAN2;
	graduate("F", "2005-03-03");
	graduate("F", "2005-03-03");
	graduate("M", "2004-04-04");
	graduate("F", "2006-06-06");
	/* P4 is offered to Kaluga. */
	{
		struct op	 o = net_op(OP_CONSENT_ADD);

		o.arg[OA_SCOPE] = "transfer";
		o.arg[OA_DATE] = "2025-01-02";
		o.arg[OA_DOCUMENT] = "Согласие";
		make(3, &o);
		o = net_op(OP_TRANSFER_OFFER);
		o.arg[OA_TO] = "RU-KLU";
		o.arg[OA_REASON] = "Переезд";
		make(3, &o);
	}
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	free(latest.bytes);
	net_teardown(&net);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute),
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_latest),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_second_release),
		cmocka_unit_test(test_release_due),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_listings),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
