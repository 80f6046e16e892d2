/*
 * node/store_refusal.c: the rejected table.  See store_refusal.h.
 */
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_refusal.h"
#include "protocol/log.h"
#include "protocol/sig.h"

static const char SQL_AGAIN[] =
    "UPDATE rejected SET count = count + 1, last_at = ?3, reason = ?4,"
    " via = ?5 WHERE peer = ?1 AND id = ?2";
static const char SQL_TOTALS[] =
    "SELECT kept, rows FROM rejected_peers WHERE peer = ?1";
static const char SQL_PUT[] =
    "INSERT INTO rejected (id, dossier, peer, reason, at, last_at, bytes,"
    " sig, via) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8)";
static const char SQL_EVICT[] =
    "DELETE FROM rejected WHERE n = (SELECT n FROM rejected"
    " WHERE peer = ?1 ORDER BY last_at, n LIMIT 1)";
static const char SQL_DROPPED[] =
    "UPDATE rejected_peers SET dropped = dropped + 1 WHERE peer = ?1";
static const char SQL_FORGET[] = "DELETE FROM rejected WHERE id = ?1";
static const char SQL_ANY[] = "SELECT EXISTS (SELECT 1 FROM rejected)";
static const char SQL_EACH[] =
    "SELECT id, dossier, peer, reason, at, coalesce(last_at, at), count,"
    " coalesce(via, ''), bytes IS NOT NULL FROM rejected"
    " ORDER BY coalesce(last_at, at), n";
static const char SQL_DROPPED_EACH[] =
    "SELECT peer, dropped FROM rejected_peers WHERE dropped > 0"
    " ORDER BY peer";

/* Log a failure to bind (a step's failure store_step logs). */
static void
bind_failed(struct store *st)
{
	log_warnx("record a refused change: %s",
	    sqlite3_errmsg(store_db(st)));
}

/* Step s, which returns nothing, and reset it: the rows it changed, or
 * -1. */
static int
run(struct store *st, sqlite3_stmt *s)
{
	int	 r;

	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? sqlite3_changes(store_db(st)) : -1);
}

int
store_refusal_again(struct store *st, const char *peer, const char *id,
    const char *reason, const char *via, int64_t at)
{
	sqlite3_stmt	*s;
	int		 k;

	if ((s = store_stmt(st, SQL_AGAIN)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 5, via, -1, SQLITE_STATIC) != SQLITE_OK) {
		bind_failed(st);
		sqlite3_reset(s);
		return (-1);
	}
	if ((k = run(st, s)) == -1)
		return (-1);
	return (k > 0 ? 1 : 0);
}

int
store_refusal_totals(struct store *st, const char *peer, int64_t *kept,
    int64_t *rows)
{
	sqlite3_stmt	*s;
	int		 r;

	*kept = *rows = 0;
	if ((s = store_stmt(st, SQL_TOTALS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC);
	if ((r = store_step(st, s)) == STORE_ROW) {
		*kept = sqlite3_column_int64(s, 0);
		*rows = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW || r == STORE_DONE ? 0 : -1);
}

int
store_refusal_put(struct store *st, const struct store_refusal *r)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (r->dossier != NULL ? sqlite3_bind_text(s, 2, r->dossier, -1,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 2)) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, r->peer, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, r->reason, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, r->at) != SQLITE_OK ||
	    (r->bytes != NULL ? sqlite3_bind_blob(s, 6, r->bytes, (int)r->len,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 6)) != SQLITE_OK ||
	    (r->sig != NULL ? sqlite3_bind_blob(s, 7, r->sig, SIG_LEN,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 7)) != SQLITE_OK ||
	    sqlite3_bind_text(s, 8, r->via, -1, SQLITE_STATIC) != SQLITE_OK) {
		bind_failed(st);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (run(st, s) == -1 ? -1 : 0);
}

/* Run sql, binding peer as ?1: the rows it changed, or -1. */
static int
with_peer(struct store *st, const char *sql, const char *peer)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK) {
		bind_failed(st);
		sqlite3_reset(s);
		return (-1);
	}
	return (run(st, s));
}

int
store_refusal_evict(struct store *st, const char *peer)
{
	int	 k;

	if ((k = with_peer(st, SQL_EVICT, peer)) <= 0)
		return (k);
	return (with_peer(st, SQL_DROPPED, peer) == -1 ? -1 : 1);
}

int
store_refusal_forget(struct store *st, const char *id)
{
	return (with_peer(st, SQL_FORGET, id) == -1 ? -1 : 0);
}

int
store_refusal_any(struct store *st)
{
	int64_t	 n;

	return ((n = store_count(st, SQL_ANY)) == -1 ? -1 : n > 0);
}

#define TEXT(i)	((const char *)sqlite3_column_text(s, (i)))

int
store_refusal_each(struct store *st, store_refusal_fn fn, void *arg)
{
	sqlite3_stmt			*s;
	struct store_refusal_row	 row;
	int				 r, rc = 0;

	if ((s = store_stmt(st, SQL_EACH)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		row.id = TEXT(0);
		row.dossier = TEXT(1);
		row.peer = TEXT(2);
		row.reason = TEXT(3);
		row.at = sqlite3_column_int64(s, 4);
		row.last_at = sqlite3_column_int64(s, 5);
		row.count = sqlite3_column_int64(s, 6);
		row.via = TEXT(7);
		row.kept = sqlite3_column_int(s, 8) != 0;
		if ((rc = fn(&row, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}

int
store_refusal_dropped_each(struct store *st, store_refusal_dropped_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_DROPPED_EACH)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if (TEXT(0) == NULL)
			continue;
		if ((rc = fn(TEXT(0), sqlite3_column_int64(s, 1), arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}
