/*
 * node/store_later.c: the later table.  See store_later.h.
 */
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_later.h"
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
    "INSERT INTO later (peer, id, dossier, reason, not_before, at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (peer, id) DO UPDATE"
    " SET reason = excluded.reason, not_before = excluded.not_before";
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
    const char *dossier, const char *reason, int64_t not_before, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, dossier, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, not_before) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 6, now) != SQLITE_OK)
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
