/*
 * tests/unit/test_store.c: every reader of the store says "error" when a
 * step of its statements fails, never a shorter answer.  Each reader runs
 * with its first step failing, then its second, and so on, until it runs to
 * the end without reaching the failing step (store_test_fail_step); every
 * run that met the failure must return the reader's error value.  And
 * store_step tells a transient or local failure from a final one, and a
 * statement journal larger than the limit store_configure sets works.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "conflict/history.h"
#include "node/card.h"
#include "node/store.h"
#include "node/store_feed.h"
#include "node/store_import.h"
#include "node/store_peer.h"
#include "node/store_refusal.h"
#include "node/store_later.h"
#include "node/store_offer.h"
#include "protocol/log.h"

#define DOSSIER	"5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define ID(c)	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" c
#define KEY	"0123456789abcdef"
/* No reader here takes more steps than this. */
#define MAX_STEPS	64

/* Three changes of one dossier, two heads, a key, a peer with two pins,
 * a meta value. */
static const char FILL[] =
    "INSERT INTO meta (k, v) VALUES ('region', 'RU-SMO');"
    "INSERT INTO keys (key_id, region, pub, added) VALUES ('" KEY "',"
    " 'RU-KLU', zeroblob(32), 0);"
    "INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig,"
    " received) VALUES ('" ID("1") "', '" DOSSIER "', '0000000000000001',"
    " '" KEY "', 'RU-KLU', x'7b7d', zeroblob(64), 0),"
    " ('" ID("2") "', '" DOSSIER "', '0000000000000002', '" KEY "',"
    " 'RU-KLU', x'7b7d', zeroblob(64), 0),"
    " ('" ID("3") "', '" DOSSIER "', '0000000000000003', '" KEY "',"
    " 'RU-KLU', x'7b7d', zeroblob(64), 0);"
    "INSERT INTO heads (dossier, id) VALUES ('" DOSSIER "', '" ID("2") "'),"
    " ('" DOSSIER "', '" ID("3") "');"
    "INSERT INTO peers (region, url, key_id, pin, card, added, pin_next)"
    " VALUES ('RU-KLU', 'https://127.0.0.1:1', '" KEY "', 'sha256//A',"
    " x'00', 0, 'sha256//B'),"
    " ('RU-SA', 'https://127.0.0.1:3', '" KEY "', 'sha256//C', x'00', 0,"
    " NULL);"
    "INSERT INTO researchers (name, pin, added) VALUES ('ivanova',"
    " 'sha256//R', 0);"
    "INSERT INTO snapshots (id, region, year, hlc, bytes, sig, received)"
    " VALUES ('s1', 'RU-SMO', 2025, '01', x'7b7d', zeroblob(64), 0),"
    " ('s2', 'RU-SMO', 2026, '02', x'7b7d', zeroblob(64), 0),"
    " ('s3', 'RU-KLU', 2026, '03', x'7b7d', zeroblob(64), 0);";

static struct store *
fresh(void)
{
	struct store	*st;

	assert_non_null(st = store_open(":memory:", true));
	assert_int_equal(store_exec(st, FILL), 0);
	return (st);
}

/* A reader under test: its result, and what it returns on error. */
typedef int (*reader_fn)(struct store *);

/*
 * Run fn with its k-th step failing with code, for k = 1, 2, ... until a
 * run does not reach the k-th step; every run that reached it returns
 * -1.  The last run, undisturbed, must succeed.  Returns how many steps
 * the reader took.
 */
static long
each_step_fails(struct store *st, reader_fn fn, int code)
{
	long	 k;
	int	 r;

	for (k = 1; k <= MAX_STEPS; k++) {
		store_test_fail_step(st, k, code);
		r = fn(st);
		if (store_test_fail_step(st, 0, 0) != 0) {
			/* Not reached: the reader ran to its end. */
			assert_int_not_equal(r, -1);
			return (k - 1);
		}
		if (r != -1)
			fail_msg("a reader answered %d with its step %ld "
			    "failing (code %d)", r, k, code);
		assert_int_equal(store_step_error(st), code);
	}
	fail_msg("a reader took more than %d steps", MAX_STEPS);
	return (0);
}

static int
r_meta(struct store *st)
{
	char	 v[16];

	return (store_meta_get(st, "region", v, sizeof(v)) == 0 &&
	    strcmp(v, "RU-SMO") == 0 ? 0 : -1);
}

static int
r_meta_set(struct store *st)
{
	return (store_meta_set(st, "k", "v"));
}

static int
r_meta_raise(struct store *st)
{
	return (store_meta_raise(st, "hlc", "0000000000000009"));
}

static int
r_key(struct store *st)
{
	char		 region[16];
	uint8_t		 pub[SIG_PUB_LEN];
	bool		 revoked;

	return (store_key_get(st, KEY, region, pub, &revoked));
}

static int
r_change_has(struct store *st)
{
	return (store_change_has(st, ID("2")));
}

static int
r_has_dossier(struct store *st)
{
	return (store_has_dossier(st, DOSSIER));
}

static int
r_heads(struct store *st)
{
	char	(*h)[CHANGE_ID_HEX + 1] = NULL;
	size_t	 n = 99;
	int	 r;

	r = store_heads(st, DOSSIER, &h, &n);
	if (r == -1) {
		/* Nothing half-read is handed out. */
		assert_null(h);
		assert_int_equal(n, 0);
	} else
		assert_int_equal(n, 2);
	free(h);
	return (r);
}

static int
count_row(const struct store_row *row, void *arg)
{
	(void)row;
	(*(int *)arg)++;
	return (0);
}

static int
r_each_dossier(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_each_change(st, DOSSIER, count_row, &n)) == 0)
		assert_int_equal(n, 3);
	return (r);
}

static int
r_each_all(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_each_change(st, NULL, count_row, &n)) == 0)
		assert_int_equal(n, 3);
	return (r);
}

static int
r_change_bytes(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_change_bytes(st, ID("3"), count_row, &n)) == 0)
		assert_int_equal(n, 1);
	return (r);
}

static int
r_count(struct store *st)
{
	static const char sql[] = "SELECT count(*) FROM changes";
	int64_t		 n = store_count(st, sql);

	if (n != -1)
		assert_int_equal(n, 3);
	return (n == -1 ? -1 : 0);
}

static int
r_rotations(struct store *st)
{
	struct card_rotation	 rot[4];
	size_t			 n;

	return (store_rotations(st, "RU-SMO", rot, 4, &n));
}

static int
r_revocations(struct store *st)
{
	struct card_revoked	 rev[4];
	size_t			 n;

	return (store_revocations(st, "RU-KLU", rev, 4, &n));
}

static int
r_peer_pins(struct store *st)
{
	char	 pins[STORE_PINS_LEN];
	int	 r;

	if ((r = store_peer_pins(st, "RU-KLU", pins, sizeof(pins))) == 0)
		assert_string_equal(pins, "sha256//A;sha256//B");
	return (r);
}

static int
r_region_by_pin(struct store *st)
{
	char	 region[16];
	int	 r;

	if ((r = store_region_by_pin(st, "sha256//B", region)) == 0)
		assert_string_equal(region, "RU-KLU");
	return (r);
}

static int
r_key_limit(struct store *st)
{
	return (store_key_limit(st, KEY, 5));
}

static int
r_keys_trust(struct store *st)
{
	return (store_keys_trust(st, "RU-KLU", NULL, true));
}

static int
r_peer_get(struct store *st)
{
	struct store_peer	 p;
	int			 r;

	if ((r = store_peer_get(st, "RU-KLU", &p)) == 0) {
		assert_string_equal(p.url, "https://127.0.0.1:1");
		assert_string_equal(p.epoch, "");
	}
	return (r);
}

static int
r_peer_exists(struct store *st)
{
	return (store_peer_exists(st, "RU-KLU"));
}

static int
r_peer_key(struct store *st)
{
	char	 kid[SIG_KEYID_LEN + 1];
	int	 r;

	if ((r = store_peer_key(st, "RU-KLU", kid)) == 0)
		assert_string_equal(kid, KEY);
	return (r);
}

static int
r_peer_regions(struct store *st)
{
	char	(*v)[STORE_PEER_REGION] = NULL;
	size_t	 n = 99;
	int	 r;

	if ((r = store_peer_regions(st, &v, &n)) == -1) {
		assert_null(v);
		assert_int_equal(n, 0);
	} else {
		assert_int_equal(n, 2);
		assert_string_equal(v[1], "RU-SA");
	}
	free(v);
	return (r);
}

static int
r_peer_cursor(struct store *st)
{
	int64_t	 c;

	return (store_peer_cursor(st, "RU-KLU", &c));
}

static int
r_peer_snapshot_cursor(struct store *st)
{
	int64_t	 c;

	return (store_peer_snapshot_cursor(st, "RU-KLU", &c));
}

static int
count_peer(const struct store_peer_row *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
	return (0);
}

static int
r_peer_each(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_peer_each(st, count_peer, &n)) == 0)
		assert_int_equal(n, 2);
	return (r);
}

static int
r_peer_notes(struct store *st)
{
	if (store_peer_cursor_set(st, "RU-KLU", 7, 1, "") == -1 ||
	    store_peer_error(st, "RU-KLU", "down", 2) == -1 ||
	    store_peer_backoff(st, "RU-KLU", "idle", 3) == -1 ||
	    store_peer_backoff_clear(st, "RU-KLU") == -1 ||
	    store_peer_behind(st, "RU-KLU", 4) == -1 ||
	    store_peer_epoch_set(st, "RU-KLU", "") == -1 ||
	    store_peer_snapshot_cursor_set(st, "RU-KLU", 5, 6) == -1)
		return (-1);
	return (0);
}

static int
r_peer_put_del(struct store *st)
{
	if (store_peer_put(st, "RU-TVE", "https://127.0.0.1:2", KEY, "p",
	    NULL, "{}", 2) == -1 || store_peer_del(st, "RU-TVE") != 0)
		return (-1);
	return (0);
}

static int
r_key_region(struct store *st)
{
	char	 region[16];
	int	 r;

	if ((r = store_key_region(st, KEY, region)) == 0)
		assert_string_equal(region, "RU-KLU");
	return (r);
}

static int
r_key_revoked_since(struct store *st)
{
	uint64_t	 since;

	return (store_key_revoked_since(st, KEY, &since));
}

static int
count_key(const struct store_key_row *k, void *arg)
{
	(void)k;
	(*(int *)arg)++;
	return (0);
}

static int
r_key_each(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_key_each(st, count_key, &n)) == 0)
		assert_int_equal(n, 1);
	return (r);
}

static int
count_by_key(const char *id, const char *dossier, const char *hlc,
    void *arg)
{
	(void)id;
	(void)dossier;
	(void)hlc;
	(*(int *)arg)++;
	return (0);
}

static int
r_changes_by_key(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_changes_by_key(st, KEY, 2, count_by_key, &n)) == 0)
		assert_int_equal(n, 2);
	return (r);
}

static int
count_refusal(const struct store_refusal_row *rf, void *arg)
{
	(void)rf;
	(*(int *)arg)++;
	return (0);
}

static int
count_dropped(const char *peer, int64_t dropped, void *arg)
{
	(void)peer;
	(void)dropped;
	(*(int *)arg)++;
	return (0);
}

/* Refuse a change twice, evict it, read what is left; undone after. */
static int
r_refusals(struct store *st)
{
	struct store_refusal	 rf = { ID("9"), NULL, "RU-KLU", "bad", "",
				    1, "{}", 2, NULL };
	int64_t			 kept, rows;
	int			 n = 0, d = 0, r = -1;

	if (store_begin(st) == -1)
		return (-1);
	if (store_refusal_again(st, "RU-KLU", ID("9"), "bad", "", 1) != 0 ||
	    store_refusal_put(st, &rf) == -1 ||
	    store_refusal_again(st, "RU-KLU", ID("9"), "bad", "", 2) != 1 ||
	    store_refusal_totals(st, "RU-KLU", &kept, &rows) == -1 ||
	    store_refusal_each(st, count_refusal, &n) != 0 ||
	    store_refusal_evict(st, "RU-KLU") != 1 ||
	    store_refusal_dropped_each(st, count_dropped, &d) != 0 ||
	    store_refusal_forget(st, ID("9")) == -1)
		goto out;
	assert_int_equal(kept, 2);
	assert_int_equal(rows, 1);
	assert_int_equal(n, 1);
	assert_int_equal(d, 1);
	r = 0;
out:
	store_rollback(st);
	return (r);
}

static int
count_lost(const struct store_lost_row *row, void *arg)
{
	int64_t	*n = arg;

	*n += row->waiting;
	return (0);
}

/* Keep a change for later, find it due, bump it, take it; one its own
 * region signed is of a lost dossier until acknowledged; undone. */
static int
r_later(struct store *st)
{
	char	 ids[4][37], login[32];
	size_t	 n;
	int64_t	 lost, dossiers, acked, at, nlost = 0;
	int	 r = -1;

	if (store_begin(st) == -1)
		return (-1);
	if (store_later_any(st) != 0 ||
	    store_later_put(st, "RU-KLU", ID("8"), DOSSIER, "clock", false,
	    5, 1) == -1 ||
	    store_later_split(st, &lost, &dossiers, &acked) == -1 ||
	    lost != 0 || dossiers != 0 || acked != 0 ||
	    store_later_lost_each(st, count_lost, &nlost) == -1 || nlost != 0 ||
	    store_later_put(st, "RU-KLU", ID("8"), DOSSIER, "parents", true,
	    5, 1) == -1 ||
	    store_later_split(st, &lost, &dossiers, &acked) == -1 ||
	    lost != 1 || dossiers != 1 || acked != 0 ||
	    store_later_lost_each(st, count_lost, &nlost) == -1 || nlost != 1 ||
	    store_lost_acked(st, DOSSIER, login, sizeof(login), &at) != 0 ||
	    store_lost_ack(st, DOSSIER, "admin", 7) != 1 ||
	    store_lost_ack(st, DOSSIER, "other", 8) != 0 ||
	    store_lost_acked(st, DOSSIER, login, sizeof(login), &at) != 1 ||
	    strcmp(login, "admin") != 0 || at != 7 ||
	    store_later_split(st, &lost, &dossiers, &acked) == -1 ||
	    lost != 0 || dossiers != 0 || acked != 1 ||
	    store_lost_unack(st, DOSSIER) != 1 ||
	    store_lost_unack(st, DOSSIER) != 0 ||
	    store_later_any(st) != 1 || store_later_count(st, "RU-KLU") != 1 ||
	    store_later_total(st) != 1 ||
	    store_later_due(st, "RU-KLU", 9, ids, 4, &n) == -1 || n != 1 ||
	    store_later_bump(st, "RU-KLU", ids[0], 20) == -1 ||
	    store_later_due(st, "RU-KLU", 9, ids, 4, &n) == -1 || n != 0 ||
	    store_later_done(st, ID("8")) == -1)
		goto out;
	r = 0;
out:
	store_rollback(st);
	return (r);
}

static int
corrupt_row(const struct store_row *row, void *arg)
{
	(void)arg;
	assert_int_equal(row->seq, 2);
	return (0);
}

static int
r_change_at(struct store *st)
{
	return (store_change_at(st, 2, corrupt_row, NULL));
}

static int
r_counts(struct store *st)
{
	struct store_counts	 c;
	int			 r;

	if ((r = store_counts(st, "RU-SMO", 0, &c)) == 0)
		assert_int_equal(c.changes, 3);
	return (r);
}

static int
r_feed_head(struct store *st)
{
	int64_t	 h = store_feed_head(st);

	if (h != -1)
		assert_int_equal(h, 3);
	return (h == -1 ? -1 : 0);
}

static int
r_change_parent(struct store *st)
{
	char		 dossier[37];
	uint64_t	 hlc;
	int64_t		 seq;
	int		 r;

	if ((r = store_change_parent(st, ID("2"), &seq, dossier, &hlc)) ==
	    0) {
		assert_int_equal(seq, 2);
		assert_string_equal(dossier, DOSSIER);
		assert_int_equal(hlc, 2);
	}
	return (r);
}

static int
count_id(const char *id, void *arg)
{
	(void)id;
	(*(int *)arg)++;
	return (0);
}

static int
r_change_ids(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_change_ids(st, DOSSIER, count_id, &n)) == 0)
		assert_int_equal(n, 3);
	return (r);
}

/* A round recorded; undone after. */
static int
r_round(struct store *st)
{
	int	 r = -1;

	if (store_begin(st) == -1)
		return (-1);
	if (store_round_put(st, "RU-KLU", 1, true, 2, 0, 0, 0, NULL) != 0 ||
	    store_round_put(st, "RU-XX", 1, false, 2, 0, 0, 0, "x") != 1)
		goto out;
	r = 0;
out:
	store_rollback(st);
	return (r);
}

/* A line's record written, then read back; undone after. */
static int
r_import(struct store *st)
{
	static const uint8_t	 key[32] = { 7 };
	char			 cid[CHANGE_ID_HEX + 1], uuid[37];
	int			 r = -1;

	if (store_begin(st) == -1)
		return (-1);
	if (store_import_get(st, key, key, sizeof(key), true, cid, uuid) !=
	    0 || store_import_put(st, key, key, sizeof(key), ID("1"), DOSSIER,
	    1) == -1 || store_import_get(st, key, key, sizeof(key), false,
	    cid, uuid) != 1 || store_import_legacy(st) != 0)
		goto out;
	assert_string_equal(uuid, DOSSIER);
	r = 0;
out:
	store_rollback(st);
	return (r);
}

static int
r_researcher(struct store *st)
{
	char	 name[64];
	int	 r;

	if ((r = store_researcher_by_pin(st, "sha256//R", name,
	    sizeof(name))) == 0)
		assert_string_equal(name, "ivanova");
	return (r);
}

static int
r_data_version(struct store *st)
{
	return (store_data_version(st) == -1 ? -1 : 0);
}

static int
count_snapshot(const struct store_snapshot_row *row, void *arg)
{
	assert_non_null(row->sig);
	(*(int *)arg)++;
	return (0);
}

static int
r_snapshots(struct store *st)
{
	int	 n = 0, r;

	if ((r = store_snapshot_each(st, "RU-SMO", 0, 20, count_snapshot,
	    &n)) == 0)
		assert_int_equal(n, 2);
	return (r);
}

static int
count_prefix(const char *id, const char *dossier, void *arg)
{
	(void)id;
	(void)dossier;
	(*(int *)arg)++;
	return (0);
}

static int
count_conflict(const char *const *col, void *arg)
{
	(void)col;
	(*(int *)arg)++;
	return (0);
}

static int
count_person(const char *const *col, int64_t events, void *arg)
{
	assert_string_equal(col[STORE_PERSON_DOSSIER], DOSSIER);
	assert_int_equal(events, 0);
	(*(int *)arg)++;
	return (0);
}

/* Prefix lookups, persons and conflicts, on a person and a conflict made here;
 * undone after. */
static int
r_views(struct store *st)
{
	int	 n = 0, m = 0, p = 0, r = -1;

	if (store_begin(st) == -1)
		return (-1);
	if (store_exec(st, "INSERT INTO persons (dossier, origin, custodian,"
	    " created, updated, nchanges, last_hlc, last_key, last_id) VALUES"
	    " ('" DOSSIER "', 'RU-SMO', 'RU-SMO', '', '', 1, '', '', '');"
	    "INSERT INTO conflicts (id, dossier, pos, field, state) VALUES"
	    " ('abcd/0', '" DOSSIER "', 0, 'surname', 'open')") == -1)
		goto out;
	if (store_prefix_each(st, STORE_PREFIX_DOSSIER, "5b1f", count_prefix,
	    &n) != 0 || store_prefix_each(st, STORE_PREFIX_CONFLICT, "abcd",
	    count_prefix, &n) != 0 || store_prefix_each(st,
	    STORE_PREFIX_TRANSFER, "abcd", count_prefix, &n) != 0 ||
	    store_conflict_each(st, false, count_conflict, &m) != 0 ||
	    store_conflict_get(st, "abcd/0", count_conflict, &m) != 0 ||
	    store_conflict_get(st, "dcba/0", count_conflict, &m) != 1 ||
	    store_person_each(st, true, NULL, NULL, NULL, count_person,
	    &p) != 0 || store_person_each(st, false, NULL, NULL, "2000-01-01",
	    count_person, &p) != 0)
		goto out;
	assert_int_equal(n, 2);
	assert_int_equal(m, 2);
	assert_int_equal(p, 1);
	r = 0;
out:
	store_rollback(st);
	return (r);
}

static int
page_person(const char *const *col, int64_t events, void *arg)
{
	char	*seen = arg;
	size_t	 len = strlen(seen);

	(void)events;
	seen[len] = col[STORE_PERSON_SURNAME][0];
	seen[len + 1] = '\0';
	return (len + 1 == 2);
}

/* Pages of persons (store_person_find with after, store_person_count), in
 * the order of persons_order; undone after. */
static int
r_person_pages(struct store *st)
{
	struct store_person_query q = { NULL, NULL, NULL, NULL, NULL };
	char		 seen[8] = "";
	int64_t		 n = -1;
	int		 r = -1, k;

	if (store_begin(st) == -1)
		return (-1);
	if (store_exec(st, "INSERT INTO persons (dossier, surname, name,"
	    " birth_date, surname_fold, origin, custodian, created, updated,"
	    " nchanges, last_hlc, last_key, last_id) VALUES"
	    " ('d3', 'C', 'x', '2000-01-01', 'c', 'RU-SMO', 'RU-SMO', '', '',"
	    "  1, '', '', ''),"
	    " ('d1', 'A', 'x', '2000-01-01', 'a', 'RU-SMO', 'RU-SMO', '', '',"
	    "  1, '', '', ''),"
	    " ('d4', 'D', 'x', '2000-01-01', 'c', 'RU-SMO', 'RU-SMO', '', '',"
	    "  1, '', '', ''),"
	    " ('d2', 'B', 'x', '2000-01-01', 'b', 'RU-SMO', 'RU-SMO', '', '',"
	    "  1, '', '', '')") == -1)
		goto out;
	/* The first page of two stops the walk (1); the next begins after
	 * its last; a count of what follows a page; a search pages too. */
	if ((k = store_person_find(st, &q, page_person, seen)) != 1)
		goto out;
	assert_string_equal(seen, "AB");
	q.after = "d2";
	seen[0] = '\0';
	if (store_person_find(st, &q, page_person, seen) != 1 ||
	    store_person_count(st, &q, &n) == -1)
		goto out;
	assert_string_equal(seen, "CD");
	assert_int_equal(n, 2);
	q.surname = "c";
	q.after = "d3";
	seen[0] = '\0';
	if (store_person_find(st, &q, page_person, seen) != 0 ||
	    store_person_count(st, &q, &n) == -1 ||
	    (k = store_person_known(st, "d3")) == -1 ||
	    store_person_known(st, "d9") != 0)
		goto out;
	assert_string_equal(seen, "D");
	assert_int_equal(n, 1);
	assert_int_equal(k, 1);
	r = 0;
out:
	store_rollback(st);
	return (r);
}

/* What a walk of pages collects: every dossier, in order. */
struct walk {
	char	(*ids)[8];
	size_t	 n, cap, page;
};

static int
walk_person(const char *const *col, int64_t events, void *arg)
{
	struct walk	*w = arg;

	(void)events;
	assert_true(w->n < w->cap);
	snprintf(w->ids[w->n++], sizeof(w->ids[0]), "%s", col[0]);
	return (++w->page == 20);
}

/* The dossiers a search must find, in persons_order's order, by a plain
 * scan of the table (no index) and a sort. */
static size_t
walk_expected(struct store *st, const char *where, char (*ids)[8],
    size_t cap)
{
	sqlite3_stmt	*s;
	char		 sql[256];
	size_t		 n = 0;

	snprintf(sql, sizeof(sql), "SELECT dossier FROM persons NOT INDEXED"
	    " WHERE %s ORDER BY surname_fold, name, birth_date, dossier",
	    where);
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL),
	    SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(n < cap);
		snprintf(ids[n++], sizeof(ids[0]), "%s",
		    (const char *)sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	return (n);
}

/*
 * A search whose lead matches many persons walks persons_order instead of
 * sorting every match (store_person_find): page after page, 20 at a time,
 * it finds exactly the persons a scan and a sort find, in that order, for
 * leads broad and narrow, alone and with another criterion; and the count
 * after each page (store_person_count) is what is left.
 */
static void
test_person_walk(void **state)
{
	static const char *const names[] = { "anna", "anna", "anna",
	    "angelina", "maria" };
	static const char *const births[] = { "2004-01-02", "2004-01-02",
	    "2005-03-04" };
	static const struct {
		struct store_person_query q;
		const char	*where;
	} cases[] = {
		{ { NULL, NULL, "anna", NULL, NULL }, "name_fold = 'anna'" },
		{ { NULL, NULL, "an", NULL, NULL }, "name_fold LIKE 'an%'" },
		{ { NULL, NULL, "ang", NULL, NULL }, "name_fold = 'angelina'" },
		{ { NULL, NULL, NULL, "2004-01-02", NULL },
		    "birth_date = '2004-01-02'" },
		{ { NULL, "iv", NULL, NULL, NULL }, "surname_fold LIKE 'iv%'" },
		{ { NULL, NULL, "anna", "2005-03-04", NULL },
		    "name_fold = 'anna' AND birth_date = '2005-03-04'" },
		{ { NULL, "ivanova1", "anna", NULL, NULL },
		    "name_fold = 'anna' AND surname_fold LIKE 'ivanova1%'" },
	};
	struct store	*st = fresh();
	struct walk	 w;
	char		 sql[512], (*want)[8];
	size_t		 c, i, nwant;
	int64_t		 left;
	int		 r;

	(void)state;
	srand(15);
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < 2400; i++) {
		const char *name = names[rand() % 5];

		snprintf(sql, sizeof(sql), "INSERT INTO persons (dossier,"
		    " surname, name, birth_date, surname_fold, name_fold,"
		    " origin, custodian, created, updated, nchanges, last_hlc,"
		    " last_key, last_id) VALUES ('p%04zu', 'Iv', '%s', '%s',"
		    " '%s%d', '%s', 'RU-SMO', 'RU-SMO', '', '', 1, '', '', '')",
		    i, name, births[rand() % 3], rand() % 4 ? "ivanova" :
		    "petrova", rand() % 300, name);
		assert_int_equal(store_exec(st, sql), 0);
	}
	assert_int_equal(store_commit(st), 0);
	assert_non_null(w.ids = calloc(2400, sizeof(*w.ids)));
	assert_non_null(want = calloc(2400, sizeof(*want)));
	w.cap = 2400;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct store_person_query q = cases[c].q;

		nwant = walk_expected(st, cases[c].where, want, 2400);
		assert_true(nwant > 20);
		w.n = 0;
		do {
			w.page = 0;
			r = store_person_find(st, &q, walk_person, &w);
			assert_true(r == 0 || r == 1);
			if (w.n > 0) {
				struct store_person_query next = q;

				next.after = w.ids[w.n - 1];
				assert_int_equal(store_person_count(st, &next,
				    &left), 0);
				assert_int_equal(left, (int64_t)(nwant - w.n));
			}
			q.after = w.n > 0 ? w.ids[w.n - 1] : NULL;
		} while (r == 1);
		assert_int_equal(w.n, nwant);
		for (i = 0; i < nwant; i++)
			assert_string_equal(w.ids[i], want[i]);
		/* After a person not stored, nothing follows. */
		q.after = "nobody";
		assert_int_equal(store_person_count(st, &q, &left), 0);
		assert_int_equal(left, 0);
	}
	free(w.ids);
	free(want);
	store_close(st);
}

/* Change 1 of FILL offered DOSSIER to RU-SMO, held as a summary; more rows
 * may follow. */
#define OFFERED_1 \
    "INSERT INTO offer_summaries (offer, dossier, change, \"from\", \"to\"," \
    " hlc, state, decided, received) VALUES ('" ID("1") "/0', '" DOSSIER \
    "', '" ID("1") "', 'RU-KLU', 'RU-SMO', '0000000000000001', 'offered'," \
    " NULL, 0)"

static int
count_offer(const char *const v[13], void *arg)
{
	(void)v;
	++*(int *)arg;
	return (0);
}

static void
accepted_offer(const char *dossier, const char *from, const char *when,
    bool acked, void *arg)
{
	(void)from;
	(void)when;
	assert_false(acked);
	snprintf(arg, 37, "%s", dossier);
}

/* Offers held as summaries (node/store_offer.h): two to RU-SMO, the
 * newer accepted and waiting for its history. */
static int
r_offers(struct store *st)
{
	struct store_offer_row row;
	struct history	 h;
	char		 id[80], dossier[37] = "", hlc[17];
	int		 n = 0, r = -1;

	history_init(&h);
	if (store_begin(st) == -1)
		return (-1);
	if (store_exec(st, OFFERED_1 ","
	    " ('" ID("2") "/0', '" DOSSIER "', '" ID("2") "', 'RU-KLU',"
	    " 'RU-SMO', '0000000000000002', 'accepted', '0000000000000003', 0)")
	    == -1)
		goto out;
	if (store_offer_each(st, "RU-SMO", count_offer, &n) == -1 ||
	    store_offer_each_accepted(st, "RU-SMO", accepted_offer,
	    dossier) == -1 || store_offer_get(st, ID("2") "/0", &row) != 1 ||
	    store_offer_find(st, ID("1"), id, dossier) != 1 ||
	    store_offer_held(st, DOSSIER) != 1 ||
	    store_offer_accepted(st, DOSSIER) != 1 ||
	    store_offer_past_gap(st, DOSSIER, "ffffffffffffffff",
	    "[\"" ID("3") "\"]") == -1 ||
	    store_offer_first_hlc(st, DOSSIER, hlc) != 1 ||
	    store_offer_history(st, DOSSIER, &h) == -1 ||
	    store_offer_reorder(st, &h, NULL, NULL) == -1 ||
	    store_offer_change_order(st, ID("3"), id, id + 20) != 1)
		goto out;
	assert_int_equal(n, 2);
	assert_string_equal(dossier, DOSSIER);
	assert_string_equal(row.state, "accepted");
	r = 0;
out:
	history_free(&h);
	store_rollback(st);
	return (r);
}

/* What a walk of store_feed.h saw: how many changes, whole (bytes and
 * signature read) or not, with their author's region or not. */
struct feed_seen {
	int	 n;
	bool	 whole, region;
};

/* The changes of FILL come in feed order, 1, 2, 3. */
static int
feed_row(const struct store_feed_change *c, void *arg)
{
	struct feed_seen	*f = arg;

	assert_int_equal(c->seq, ++f->n);
	assert_string_equal(c->dossier, DOSSIER);
	assert_non_null(c->id);
	if (f->whole) {
		assert_non_null(c->bytes);
		assert_int_equal(c->len, 2);
		assert_int_equal(c->siglen, SIG_LEN);
	} else {
		assert_null(c->bytes);
		assert_int_equal(c->len, 0);
	}
	if (f->region)
		assert_string_equal(c->region, "RU-KLU");
	else
		assert_null(c->region);
	return (0);
}

static int
feed_window_row(const char *d, void *arg)
{
	assert_string_equal(d, DOSSIER);
	++*(int *)arg;
	return (0);
}

/* The feed's reads (node/store_feed.h), with an offer summary from
 * RU-KLU and the dossier forgotten for RU-SMO, so that both regions are
 * entitled to it. */
static int
r_feed_walks(struct store *st)
{
	struct feed_seen page = { 0, false, true }, hist = { 0, true, true };
	struct feed_seen all = { 0, true, false }, off = { 0, true, false };
	struct feed_seen one = { 1, true, true };
	char		 pair[2][37], shared[2][37];
	size_t		 ns = 9;
	int		 win = 0, r = -1;

	if (store_begin(st) == -1)
		return (-1);
	if (store_exec(st, OFFERED_1 ";"
	    "INSERT INTO forgotten_to (dossier, region) VALUES ('" DOSSIER "',"
	    " 'RU-SMO')") == -1)
		goto out;
	if (store_feed_page_each(st, 0, feed_row, &page) != 0 ||
	    store_feed_history_each(st, DOSSIER, 3, feed_row, &hist) != 0 ||
	    store_feed_history_count(st, DOSSIER, 3) != 2 ||
	    store_feed_dossier_each(st, DOSSIER, feed_row, &all) != 0 ||
	    store_feed_offered_each(st, "RU-SMO", DOSSIER, feed_row,
	    &off) != 0 ||
	    store_feed_change(st, 2, feed_row, &one) != 0 ||
	    store_feed_change(st, 9, feed_row, &one) != 1 ||
	    store_feed_window_each(st, 1, 3, feed_window_row, &win) != 0 ||
	    store_feed_grants(st, "RU-SMO", ID("1")) != 0 ||
	    store_feed_link_pair(st, ID("1"), pair) != 0 ||
	    store_feed_shared(st, "RU-SMO", "RU-KLU", "", 2, shared,
	    &ns) != 0 ||
	    store_feed_may_hold(st, "RU-SMO", DOSSIER) != 1 ||
	    store_feed_may_hold(st, "RU-KLU", DOSSIER) != 0)
		goto out;
	assert_int_equal(page.n, 3);
	assert_int_equal(hist.n, 2);
	assert_int_equal(all.n, 3);
	assert_int_equal(off.n, 0);
	assert_int_equal(one.n, 2);
	assert_int_equal(win, 2);
	assert_int_equal(ns, 1);
	assert_string_equal(shared[0], DOSSIER);
	r = 0;
out:
	store_rollback(st);
	return (r);
}

static const reader_fn readers[] = {
	r_views, r_person_pages,
	r_researcher, r_data_version, r_snapshots,
	r_import,
	r_feed_head, r_change_parent, r_change_ids, r_round,
	r_later, r_change_at, r_counts,
	r_refusals,
	r_key_region, r_key_revoked_since, r_key_each, r_changes_by_key,
	r_peer_get, r_peer_exists, r_peer_key, r_peer_regions, r_peer_cursor,
	r_peer_snapshot_cursor, r_peer_each, r_peer_notes, r_peer_put_del,
	r_meta, r_meta_set, r_meta_raise, r_key, r_change_has,
	r_has_dossier, r_heads, r_each_dossier, r_each_all, r_change_bytes,
	r_count, r_rotations, r_revocations, r_peer_pins, r_region_by_pin,
	r_key_limit, r_keys_trust, r_offers, r_feed_walks,
};

static void
test_every_reader_fails_whole(void **state)
{
	static const int codes[] = { SQLITE_BUSY, SQLITE_IOERR_READ,
	    SQLITE_NOMEM, SQLITE_CORRUPT };
	struct store	*st;
	size_t		 i, c;
	long		 steps;

	(void)state;
	st = fresh();
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		for (c = 0; c < sizeof(codes) / sizeof(codes[0]); c++) {
			steps = each_step_fails(st, readers[i], codes[c]);
			/* Every reader steps at least once. */
			if (steps < 1)
				fail_msg("reader %zu never stepped", i);
		}
	store_close(st);
}

/*
 * SQLite may roll a transaction back on its own (out of memory, a full
 * disk, an I/O error).  What the caller writes next must not land outside
 * any transaction: every statement fails until the caller ends the
 * transaction, COMMIT fails, ROLLBACK ends it, and the store works again
 * (sim seed 8377: a pull that failed for want of memory kept changes).
 */
static void
test_txn_rolled_back(void **state)
{
	struct store	*st;
	sqlite3_stmt	*s;

	(void)state;
	st = fresh();
	assert_int_equal(store_begin(st), 0);
	assert_non_null(s = store_stmt(st, "INSERT INTO meta (k, v) VALUES"
	    " (?1, 'x')"));
	sqlite3_bind_text(s, 1, "a", -1, SQLITE_STATIC);
	assert_int_equal(store_step(st, s), STORE_DONE);
	sqlite3_reset(s);
	/* As SQLite does after an out-of-memory error in a write. */
	assert_int_equal(sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, "b", -1, SQLITE_STATIC);
	assert_int_equal(store_step(st, s), STORE_BUSY);
	sqlite3_reset(s);
	assert_int_equal(store_step_error(st), SQLITE_ABORT_ROLLBACK);
	assert_int_equal(store_exec(st, "INSERT INTO meta (k, v) VALUES"
	    " ('c', 'x')"), -1);
	assert_int_equal(store_commit(st), -1);
	store_rollback(st);
	assert_int_equal(store_count(st, "SELECT count(*) FROM meta WHERE k"
	    " IN ('a', 'b', 'c')"), 0);
	/* Ended: the store writes again. */
	assert_int_equal(store_begin(st), 0);
	sqlite3_bind_text(s, 1, "d", -1, SQLITE_STATIC);
	assert_int_equal(store_step(st, s), STORE_DONE);
	sqlite3_reset(s);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_count(st, "SELECT count(*) FROM meta WHERE k"
	    " = 'd'"), 1);
	store_close(st);
}

/* Remove the directory of a test database (opora.db, its -wal and
 * -shm), once the store is closed. */
static void
rm_store_dir(const char *dir)
{
	static const char *const files[] = { "opora.db", "opora.db-wal",
	    "opora.db-shm" };
	char	 path[64];
	size_t	 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(void)unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* A take, as node/feed.c's: a transaction of its own, one row. */
static int
take(struct store *st, const char *k, bool ok)
{
	char	 sql[128];

	if (store_begin(st) == -1)
		return (-1);
	snprintf(sql, sizeof(sql), "INSERT INTO meta (k, v) VALUES ('%s', "
	    "'x')", k);
	if (store_exec(st, sql) == -1 || !ok) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st));
}

/* Whether meta has k: 1, 0, or -1.  (store_stmt keeps a statement by
 * its text's address: a static text, and k bound.) */
static int
has(struct store *st, const char *k)
{
	static const char sql[] = "SELECT count(*) FROM meta WHERE k = ?1";
	sqlite3_stmt	*s;
	int		 n = -1;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return (n);
}

/*
 * Held transactions (store_hold): the takes in one are committed by
 * store_release, and not before (another connection does not see them).
 * A take that rolls back when the hold has earlier takes loses them all,
 * and nothing can be committed after it -- not even a take that would
 * save a cursor past what was lost -- until store_release says so.  A
 * take that rolls back first in a hold loses only itself, as without one.
 * A hold that SQLite rolled back on its own is lost the same way.
 */
static void
test_hold(void **state)
{
	char		 dir[] = "/tmp/test_store.XXXXXX", path[64];
	struct store	*st, *other;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/opora.db", dir);
	assert_non_null(st = store_open(path, true));
	assert_non_null(other = store_open(path, false));

	/* Two takes, held, then committed at once. */
	assert_int_equal(store_hold(st), 0);
	assert_true(store_held(st));
	assert_int_equal(take(st, "a", true), 0);
	assert_int_equal(take(st, "b", true), 0);
	assert_int_equal(has(st, "b"), 1);
	assert_int_equal(has(other, "a"), 0);
	assert_int_equal(store_release(st), 0);
	assert_false(store_held(st));
	assert_int_equal(has(other, "a") + has(other, "b"), 2);
	assert_int_equal(store_release(st), 0);	/* nothing held */

	/* A take fails after another: both go, and the next take waits
	 * for the release to say so. */
	assert_int_equal(store_hold(st), 0);
	assert_int_equal(take(st, "c", true), 0);
	assert_int_equal(take(st, "d", false), -1);
	assert_true(store_held(st));
	assert_int_equal(take(st, "e", true), -1);
	assert_int_equal(store_hold(st), 0);	/* still lost */
	assert_int_equal(store_release(st), -1);
	assert_false(store_held(st));
	assert_int_equal(has(st, "c") + has(st, "d") + has(st, "e"), 0);
	assert_int_equal(take(st, "e", true), 0);
	assert_int_equal(has(other, "e"), 1);

	/* The first take of a hold fails: only it goes. */
	assert_int_equal(store_hold(st), 0);
	assert_int_equal(take(st, "f", false), -1);
	assert_false(store_held(st));
	assert_int_equal(take(st, "g", true), 0);
	assert_int_equal(store_release(st), 0);
	assert_int_equal(has(other, "g"), 1);
	assert_int_equal(has(other, "f"), 0);

	/* SQLite rolls the held transaction back on its own (as after an
	 * out-of-memory error in a write). */
	assert_int_equal(store_hold(st), 0);
	assert_int_equal(take(st, "h", true), 0);
	assert_int_equal(sqlite3_exec(store_db(st), "ROLLBACK", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(take(st, "i", true), -1);
	assert_int_equal(store_release(st), -1);
	assert_int_equal(take(st, "i", true), 0);
	assert_int_equal(has(other, "h") + has(other, "i"), 1);

	/* Other writers wait for a hold (BEGIN IMMEDIATE): the lock is
	 * taken when it starts. */
	assert_int_equal(store_hold(st), 0);
	assert_int_equal(store_exec(other, "PRAGMA busy_timeout = 0"), 0);
	assert_int_equal(store_exec(other, "BEGIN IMMEDIATE"), -1);
	assert_int_equal(store_release(st), 0);
	assert_int_equal(store_exec(other, "BEGIN IMMEDIATE"), 0);
	store_rollback(other);

	store_close(other);
	store_close(st);
	rm_store_dir(dir);
}

/*
 * A statement journal larger than STORE_STMTJRNL_SPILL goes to a file, and
 * a statement that fails after it is undone from that file.  With a limit
 * of 128 KiB or more, the first statement failed with SQLITE_FULL
 * (store_configure).
 */
static void
test_stmt_journal_spills(void **state)
{
	char		 dir[] = "/tmp/test_store.XXXXXX", path[64];
	struct store	*st;
	sqlite3		*db;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/opora.db", dir);
	assert_non_null(st = store_open(path, true));
	db = store_db(st);
	/* Some 400 pages of rows and of their unique index. */
	assert_int_equal(store_exec(st, "CREATE TABLE big (k INTEGER PRIMARY"
	    " KEY, v TEXT UNIQUE);"
	    "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n"
	    " WHERE k < 4000) INSERT INTO big SELECT k, printf('%0200d', k)"
	    " FROM n"), 0);
	assert_int_equal(store_begin(st), 0);
	/* Every page: a journal of some 1.6 MB. */
	assert_int_equal(sqlite3_exec(db, "UPDATE big SET v = v || 'x'", NULL,
	    NULL, NULL), SQLITE_OK);
	/* Every page again, then the last row takes the first one's value:
	 * the statement is undone from its journal. */
	assert_int_equal(sqlite3_exec(db, "UPDATE big SET v = CASE WHEN k ="
	    " 4000 THEN (SELECT v FROM big WHERE k = 1) ELSE v || 'y' END",
	    NULL, NULL, NULL), SQLITE_CONSTRAINT_UNIQUE);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_count(st, "SELECT count(*) FROM big WHERE v ="
	    " printf('%0200dx', k)"), 4000);
	store_close(st);
	rm_store_dir(dir);
}

/* Transient or local failures are STORE_BUSY; damage and the rest are
 * STORE_ERR; rows and the end come through. */
static void
test_step_kinds(void **state)
{
	static const struct {
		int			code;
		enum store_step		want;
	} kinds[] = {
		{ SQLITE_BUSY, STORE_BUSY },
		{ SQLITE_BUSY_SNAPSHOT, STORE_BUSY },
		{ SQLITE_LOCKED, STORE_BUSY },
		{ SQLITE_NOMEM, STORE_BUSY },
		{ SQLITE_IOERR, STORE_BUSY },
		{ SQLITE_IOERR_WRITE, STORE_BUSY },
		{ SQLITE_FULL, STORE_BUSY },
		{ SQLITE_CORRUPT, STORE_ERR },
		{ SQLITE_CORRUPT_INDEX, STORE_ERR },
		{ SQLITE_NOTADB, STORE_ERR },
		{ SQLITE_CONSTRAINT_UNIQUE, STORE_ERR },
		{ SQLITE_MISUSE, STORE_ERR },
		{ SQLITE_ERROR, STORE_ERR },
	};
	static const char sql[] = "SELECT 1 UNION ALL SELECT 2";
	struct store	*st;
	sqlite3_stmt	*s;
	size_t		 i;

	(void)state;
	st = fresh();
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		assert_non_null(s = store_stmt(st, sql));
		store_test_fail_step(st, 2, kinds[i].code);
		assert_int_equal(store_step(st, s), STORE_ROW);
		assert_int_equal(store_step(st, s), kinds[i].want);
		assert_int_equal(store_step_error(st), kinds[i].code);
	}
	assert_non_null(s = store_stmt(st, sql));
	assert_int_equal(store_step(st, s), STORE_ROW);
	assert_int_equal(store_step(st, s), STORE_ROW);
	assert_int_equal(store_step(st, s), STORE_DONE);
	sqlite3_reset(s);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_reader_fails_whole),
		cmocka_unit_test(test_step_kinds),
		cmocka_unit_test(test_txn_rolled_back),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_stmt_journal_spills),
		cmocka_unit_test(test_person_walk),
	};

	/* As cli_main: the statement journals' limit. */
	if (store_configure() != 0)
		return (1);

	/* The injected failures are logged; keep the output short. */
	log_init("test_store", 1, false);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
