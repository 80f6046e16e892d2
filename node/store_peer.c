/*
 * node/store_peer.c: the peers table.  See store_peer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_peer.h"
#include "protocol/log.h"

static const char SQL_GET[] =
    "SELECT region, url, pin, cursor, epoch FROM peers WHERE region = ?1";
static const char SQL_EXISTS[] = "SELECT 1 FROM peers WHERE region = ?1";
static const char SQL_KEY[] = "SELECT key_id FROM peers WHERE region = ?1";
static const char SQL_REGIONS[] = "SELECT region FROM peers ORDER BY region";
static const char SQL_PUT[] =
    "INSERT INTO peers (region, url, key_id, pin, pin_next, card, added)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (region) DO UPDATE SET"
    " url = excluded.url, key_id = excluded.key_id, pin = excluded.pin,"
    " pin_next = excluded.pin_next, card = excluded.card";
static const char SQL_DEL[] = "DELETE FROM peers WHERE region = ?1";
static const char SQL_CURSOR[] = "SELECT cursor FROM peers WHERE region = ?1";
/* The cursor moves only in the epoch the response counts in (?4, NULL
 * from a peer that sends none): another puller of the same peer may have
 * begun its new epoch since the response was fetched. */
static const char SQL_CURSOR_SET[] =
    "UPDATE peers SET cursor = ?2, last_ok = ?3, last_error = NULL"
    " WHERE region = ?1 AND (?4 IS NULL OR epoch IS NULL OR epoch = ?4)";
static const char SQL_RESYNC[] =
    "UPDATE peers SET cursor = 0, epoch = ?2, resync_at = ?3,"
    " resync_reason = ?4 WHERE region = ?1";
static const char SQL_EPOCH_SET[] =
    "UPDATE peers SET epoch = ?2 WHERE region = ?1";
static const char SQL_SNAP_CURSOR[] =
    "SELECT snapshot_cursor FROM peers WHERE region = ?1";
static const char SQL_SNAP_CURSOR_SET[] =
    "UPDATE peers SET snapshot_cursor = ?2, last_ok = ?3, last_error = NULL"
    " WHERE region = ?1";
static const char SQL_ERROR[] =
    "UPDATE peers SET last_error = ?2, last_error_at = ?3 WHERE region = ?1";
static const char SQL_BACKOFF[] =
    "UPDATE peers SET backoff_until = ?3, backoff_reason = ?2"
    " WHERE region = ?1";
static const char SQL_BACKOFF_CLEAR[] =
    "UPDATE peers SET backoff_until = NULL, backoff_reason = NULL"
    " WHERE region = ?1 AND backoff_until IS NOT NULL";
static const char SQL_BEHIND[] =
    "UPDATE peers SET behind = ?2 WHERE region = ?1";
static const char SQL_EACH[] =
    "SELECT region, url, key_id, pin, pin_next, cursor, last_ok, last_error,"
    " last_error_at, behind, backoff_until, backoff_reason, resync_at,"
    " resync_reason,"
    " (SELECT dropped FROM rejected_peers r WHERE r.peer = region),"
    " a.at, a.ok, a.shared, a.differed, a.applied, a.unresolved, a.error,"
    " (SELECT count(*) FROM later l WHERE l.peer = region AND l.dossier"
    " NOT IN (SELECT dossier FROM lost_ack))"
    " FROM peers LEFT JOIN anti_entropy a ON a.peer = region"
    " ORDER BY region";

/* Copy column i of s into out (outsz bytes), cut at its bound; "" when
 * NULL. */
static void
column_copy(sqlite3_stmt *s, int i, char *out, size_t outsz)
{
	const char	*v = (const char *)sqlite3_column_text(s, i);

	snprintf(out, outsz, "%s", v != NULL ? v : "");
}

/*
 * Prepare sql and bind region as ?1.  NULL (logged) on failure.  The
 * statement is the store's, reset and cleared.
 */
static sqlite3_stmt *
with_region(struct store *st, const char *sql, const char *region)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql)) == NULL)
		return (NULL);
	if (sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC) != SQLITE_OK) {
		log_warnx("peers: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
		return (NULL);
	}
	return (s);
}

/* Step a statement that returns nothing, then reset it.  0 / -1. */
static int
run(struct store *st, sqlite3_stmt *s)
{
	int	 r;

	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? 0 : -1);
}

int
store_peer_get(struct store *st, const char *region, struct store_peer *p)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = with_region(st, SQL_GET, region)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		column_copy(s, 0, p->region, sizeof(p->region));
		column_copy(s, 1, p->url, sizeof(p->url));
		column_copy(s, 2, p->pin, sizeof(p->pin));
		p->cursor = sqlite3_column_int64(s, 3);
		column_copy(s, 4, p->epoch, sizeof(p->epoch));
	}
	sqlite3_reset(s);
	return (r == STORE_ROW ? 0 : r == STORE_DONE ? 1 : -1);
}

int
store_peer_exists(struct store *st, const char *region)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = with_region(st, SQL_EXISTS, region)) == NULL)
		return (-1);
	r = store_step(st, s);
	sqlite3_reset(s);
	return (r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1);
}

int
store_peer_key(struct store *st, const char *region,
    char kid[SIG_KEYID_LEN + 1])
{
	sqlite3_stmt	*s;
	const char	*k;
	int		 r, rc = -1;

	if ((s = with_region(st, SQL_KEY, region)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (r == STORE_ROW) {
		k = (const char *)sqlite3_column_text(s, 0);
		if (k != NULL && strlen(k) == SIG_KEYID_LEN) {
			memcpy(kid, k, SIG_KEYID_LEN + 1);
			rc = 0;
		} else
			log_warnx("peers: the key id of peer %s is damaged",
			    region);
	}
	sqlite3_reset(s);
	return (rc);
}

int
store_peer_regions(struct store *st, char (**out)[STORE_PEER_REGION],
    size_t *n)
{
	sqlite3_stmt	*s;
	char		(*v)[STORE_PEER_REGION] = NULL, (*nv)[STORE_PEER_REGION];
	size_t		 cnt = 0, cap = 0;
	int		 r, rc = -1;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, SQL_REGIONS)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_TEXT)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				log_warn("peers");
				goto out;
			}
			v = nv;
		}
		column_copy(s, 0, v[cnt++], sizeof(*v));
	}
	if (r != STORE_DONE)
		goto out;
	*out = v;
	*n = cnt;
	v = NULL;
	rc = 0;
out:
	free(v);
	sqlite3_reset(s);
	return (rc);
}

int
store_peer_put(struct store *st, const char *region, const char *url,
    const char *key_id, const char *pin, const char *pin_next,
    const void *card, size_t cardlen)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_PUT, region)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, key_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, pin, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (pin_next != NULL && pin_next[0] != '\0' &&
	    sqlite3_bind_text(s, 5, pin_next, -1, SQLITE_STATIC) !=
	    SQLITE_OK) ||
	    sqlite3_bind_blob(s, 6, card, (int)cardlen, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(s, 7, (sqlite3_int64)time(NULL)) != SQLITE_OK) {
		log_warnx("peer add: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (run(st, s));
}

int
store_peer_del(struct store *st, const char *region)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_DEL, region)) == NULL || run(st, s) == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0 ? 0 : 1);
}

/* The single integer column of a peer's row: 0, 1 no such peer, -1. */
static int
peer_int(struct store *st, const char *sql, const char *region,
    int64_t *v)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = with_region(st, sql, region)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW)
		*v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (r == STORE_ROW ? 0 : r == STORE_DONE ? 1 : -1);
}

int
store_peer_cursor(struct store *st, const char *region, int64_t *cursor)
{
	return (peer_int(st, SQL_CURSOR, region, cursor));
}

int
store_peer_snapshot_cursor(struct store *st, const char *region,
    int64_t *c)
{
	return (peer_int(st, SQL_SNAP_CURSOR, region, c));
}

/* Set a peer's (?2, ?3) to (n, now). */
static int
peer_set2(struct store *st, const char *sql, const char *region, int64_t n,
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, sql, region)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 2, n) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, now) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	return (run(st, s));
}

int
store_peer_cursor_set(struct store *st, const char *region, int64_t cursor,
    int64_t now, const char *epoch)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_CURSOR_SET, region)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 2, cursor) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, now) != SQLITE_OK ||
	    (epoch[0] != '\0' && sqlite3_bind_text(s, 4, epoch, -1,
	    SQLITE_STATIC) != SQLITE_OK)) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	if (run(st, s) == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) == 1 ? 0 : 1);
}

int
store_peer_snapshot_cursor_set(struct store *st, const char *region,
    int64_t c, int64_t now)
{
	return (peer_set2(st, SQL_SNAP_CURSOR_SET, region, c, now));
}

int
store_peer_resync(struct store *st, const char *region, const char *epoch,
    int64_t now, const char *reason)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_RESYNC, region)) == NULL)
		return (-1);
	if ((epoch[0] != '\0' && sqlite3_bind_text(s, 2, epoch, -1,
	    SQLITE_STATIC) != SQLITE_OK) ||
	    sqlite3_bind_int64(s, 3, now) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	return (run(st, s));
}

int
store_peer_epoch_set(struct store *st, const char *region, const char *epoch)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_EPOCH_SET, region)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 2, epoch, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	return (run(st, s));
}

/* Set a peer's (?2, ?3) to (text, n). */
static int
peer_note(struct store *st, const char *sql, const char *region,
    const char *text, int64_t n)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, sql, region)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, n) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	return (run(st, s));
}

int
store_peer_error(struct store *st, const char *region, const char *text,
    int64_t now)
{
	return (peer_note(st, SQL_ERROR, region, text, now));
}

int
store_peer_backoff(struct store *st, const char *region, const char *reason,
    int64_t until)
{
	return (peer_note(st, SQL_BACKOFF, region, reason, until));
}

int
store_peer_backoff_clear(struct store *st, const char *region)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_BACKOFF_CLEAR, region)) == NULL)
		return (-1);
	return (run(st, s));
}

int
store_peer_behind(struct store *st, const char *region, int64_t behind)
{
	sqlite3_stmt	*s;

	if ((s = with_region(st, SQL_BEHIND, region)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 2, behind) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	return (run(st, s));
}

#define TEXT(i)	((const char *)sqlite3_column_text(s, (i)))

int
store_peer_each(struct store *st, store_peer_fn fn, void *arg)
{
	sqlite3_stmt		*s;
	struct store_peer_row	 p;
	int			 r, rc = 0;

	/* Not cached: fn may use the store's cached statements. */
	if (sqlite3_prepare_v2(store_db(st), SQL_EACH, -1, &s, NULL) !=
	    SQLITE_OK) {
		log_warnx("peers: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		memset(&p, 0, sizeof(p));
		p.region = TEXT(0);
		p.url = TEXT(1);
		p.key_id = TEXT(2);
		p.pin = TEXT(3);
		p.pin_next = TEXT(4);
		p.cursor = sqlite3_column_int64(s, 5);
		p.has_last_ok = sqlite3_column_type(s, 6) != SQLITE_NULL;
		p.last_ok = sqlite3_column_int64(s, 6);
		p.last_error = TEXT(7);
		p.last_error_at = sqlite3_column_int64(s, 8);
		p.has_behind = sqlite3_column_type(s, 9) != SQLITE_NULL;
		p.behind = sqlite3_column_int64(s, 9);
		p.backoff_until = sqlite3_column_int64(s, 10);
		p.backoff_reason = TEXT(11);
		p.resync_at = sqlite3_column_int64(s, 12);
		p.resync_reason = TEXT(13);
		p.rejected_dropped = sqlite3_column_int64(s, 14);
		p.has_round = sqlite3_column_type(s, 15) != SQLITE_NULL;
		p.round_at = sqlite3_column_int64(s, 15);
		p.round_ok = sqlite3_column_int(s, 16) != 0;
		p.round_shared = sqlite3_column_int64(s, 17);
		p.round_differed = sqlite3_column_int64(s, 18);
		p.round_applied = sqlite3_column_int64(s, 19);
		p.round_unresolved = sqlite3_column_int64(s, 20);
		p.waiting = sqlite3_column_int64(s, 22);
		p.round_error = TEXT(21);
		if (p.region == NULL)
			continue;
		if ((rc = fn(&p, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_finalize(s);
	return (rc);
}
