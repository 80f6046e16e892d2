/*
 * node/store_later.c: the later table.  See store_later.h.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_later.h"
#include "node/store_run.h"
#include "protocol/log.h"

static const char SQL_ANY[] = "SELECT EXISTS (SELECT 1 FROM later)";
static const char SQL_COUNT[] = "SELECT count(*) FROM later WHERE peer = ?1";
static const char SQL_TOTAL[] = "SELECT count(*) FROM later";
static const char SQL_DUE[] =
    "SELECT DISTINCT dossier FROM later WHERE peer = ?1 AND not_before <= ?2"
    " LIMIT ?3";
static const char SQL_BUMP[] =
    "UPDATE later SET not_before = ?3 WHERE peer = ?1 AND dossier = ?2";
static const char SQL_PUT[] =
    "INSERT INTO later (peer, id, dossier, reason, not_before, at, own)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (peer, id) DO UPDATE"
    " SET reason = excluded.reason, not_before = excluded.not_before,"
    " own = excluded.own";
/* The dossiers with a change this node's region signed among those that
 * wait (the past of a change it signed was here once). */
#define LOST_DOSSIERS "(SELECT dossier FROM later WHERE own = 1)"
static const char SQL_LOST[] =
    "SELECT l.dossier, count(*), min(l.at), group_concat(DISTINCT l.peer),"
    " a.login, a.at FROM later l LEFT JOIN lost_ack a"
    " ON a.dossier = l.dossier WHERE l.dossier IN " LOST_DOSSIERS
    " GROUP BY l.dossier ORDER BY min(l.at), l.dossier";
static const char SQL_SPLIT[] =
    "SELECT coalesce(sum(a.dossier IS NULL AND l.dossier IN " LOST_DOSSIERS
    "), 0), count(DISTINCT CASE WHEN a.dossier IS NULL AND l.dossier IN "
    LOST_DOSSIERS " THEN l.dossier END), coalesce(sum(a.dossier IS NOT"
    " NULL), 0) FROM later l LEFT JOIN lost_ack a ON a.dossier = l.dossier";
static const char SQL_ACK[] =
    "INSERT INTO lost_ack (dossier, login, at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (dossier) DO NOTHING";
static const char SQL_UNACK[] = "DELETE FROM lost_ack WHERE dossier = ?1";
static const char SQL_PURGE[] =
    "DELETE FROM lost_ack WHERE dossier NOT IN " LOST_DOSSIERS
    " AND dossier NOT IN (SELECT dossier FROM offer_summaries"
    " WHERE state = 'accepted')";
static const char SQL_ACKED[] =
    "SELECT login, at FROM lost_ack WHERE dossier = ?1";
static const char SQL_DONE[] = "DELETE FROM later WHERE id = ?1";

/* Step s, which returns nothing, and reset it.  0 / -1. */
static int
run(struct store *st, sqlite3_stmt *s)
{
	int	 r;

	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? 0 : -1);
}

/* Log a failure to bind (a step's failure store_step logs). */
static int
bind_failed(struct store *st, sqlite3_stmt *s)
{
	log_warnx("keep a change for later: %s",
	    sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (-1);
}

int
store_later_any(struct store *st)
{
	int64_t	 k;

	if ((k = store_count(st, SQL_ANY)) == -1)
		return (-1);
	return (k > 0 ? 1 : 0);
}

int64_t
store_later_total(struct store *st)
{
	return (store_count(st, SQL_TOTAL));
}

int64_t
store_later_count(struct store *st, const char *peer)
{
	sqlite3_stmt	*s;
	int64_t		 c = -1;

	if ((s = store_stmt(st, SQL_COUNT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	if (store_step(st, s) == STORE_ROW)
		c = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (c);
}

int
store_later_put(struct store *st, const char *peer, const char *id,
    const char *dossier, const char *reason, bool own, int64_t not_before,
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, dossier, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, not_before) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 6, now) != SQLITE_OK ||
	    sqlite3_bind_int(s, 7, own) != SQLITE_OK)
		return (bind_failed(st, s));
	return (run(st, s));
}

int
store_later_done(struct store *st, const char *id)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_DONE)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	return (run(st, s));
}

int
store_later_due(struct store *st, const char *peer, int64_t now,
    char (*ids)[37], size_t max, size_t *n)
{
	sqlite3_stmt	*s;
	const char	*d;
	int		 r = STORE_DONE;

	*n = 0;
	if ((s = store_stmt(st, SQL_DUE)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, now) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, (sqlite3_int64)max) != SQLITE_OK)
		return (bind_failed(st, s));
	while (*n < max && (r = store_step(st, s)) == STORE_ROW)
		if ((d = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    strlen(d) == 36)
			memcpy(ids[(*n)++], d, 37);
	/* LIMIT max: the max-th row is the last one. */
	if (*n == max)
		r = STORE_DONE;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != STORE_DONE) {
		*n = 0;
		return (-1);
	}
	return (0);
}

int
store_later_bump(struct store *st, const char *peer, const char *dossier,
    int64_t not_before)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_BUMP)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, dossier, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, not_before) != SQLITE_OK)
		return (bind_failed(st, s));
	return (run(st, s));
}

int
store_later_lost_each(struct store *st,
    int (*fn)(const struct store_lost_row *, void *), void *arg)
{
	struct store_lost_row	 row;
	sqlite3_stmt		*s;
	int			 r;

	if ((s = store_stmt(st, SQL_LOST)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		row.dossier = (const char *)sqlite3_column_text(s, 0);
		row.waiting = sqlite3_column_int64(s, 1);
		row.since_ms = sqlite3_column_int64(s, 2);
		row.peers = (const char *)sqlite3_column_text(s, 3);
		row.acked_by = (const char *)sqlite3_column_text(s, 4);
		row.acked_at = sqlite3_column_int64(s, 5);
		if (row.dossier == NULL || fn(&row, arg) == -1) {
			r = STORE_ERR;
			break;
		}
	}
	sqlite3_reset(s);
	return (r == STORE_DONE ? 0 : -1);
}

int
store_later_split(struct store *st, int64_t *lost, int64_t *dossiers,
    int64_t *acked)
{
	sqlite3_stmt	*s;
	int		 r;

	*lost = *dossiers = *acked = -1;
	if ((s = store_stmt(st, SQL_SPLIT)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		*lost = sqlite3_column_int64(s, 0);
		*dossiers = sqlite3_column_int64(s, 1);
		*acked = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	return (r == STORE_ROW ? 0 : -1);
}

int
store_lost_ack(struct store *st, const char *dossier, const char *login,
    int64_t at)
{
	sqlite3_stmt	*s;

	if ((s = store_bound(st, SQL_ACK, "lost_ack", dossier, login)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 3, at) != SQLITE_OK)
		return (store_bind_failed(st, s, "lost_ack"));
	return (store_run(st, s));
}

int
store_lost_unack(struct store *st, const char *dossier)
{
	sqlite3_stmt	*s;

	if ((s = store_bound(st, SQL_UNACK, "lost_ack", dossier, NULL)) ==
	    NULL)
		return (-1);
	return (store_run(st, s));
}

int
store_lost_acked(struct store *st, const char *dossier, char *login,
    size_t loginsz, int64_t *at)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 r;

	if ((s = store_bound(st, SQL_ACKED, "lost_ack", dossier, NULL)) ==
	    NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		snprintf(login, loginsz, "%s", v != NULL ? v : "");
		*at = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1);
}

int
store_lost_purge(struct store *st)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_PURGE)) == NULL)
		return (-1);
	return (store_run(st, s));
}
