/*
 * node/store_dup.c: possible duplicates and the dismissed pairs.  See
 * store_dup.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_dup.h"
#include "node/store_run.h"
#include "protocol/log.h"

static const char SQL_DUP_PAIRS[] =
    "SELECT a, b, max(s), max(k) FROM ("
    " SELECT x.dossier AS a, y.dossier AS b, 1 AS s, 0 AS k FROM persons x"
    "  JOIN persons y ON y.snils = x.snils AND y.dossier > x.dossier"
    "  WHERE x.snils IS NOT NULL"
    " UNION ALL SELECT x.dossier, y.dossier, 0, 1 FROM persons x"
    "  JOIN persons y ON y.name_key = x.name_key AND y.dossier > x.dossier"
    "  WHERE x.name_key IS NOT NULL) p"
    " WHERE NOT EXISTS (SELECT 1 FROM links l WHERE l.state = 'linked' AND"
    "  ((l.dossier = p.a AND l.other = p.b) OR (l.dossier = p.b AND"
    "  l.other = p.a)))"
    /* A pair a supervisor said is two people is not suggested again. */
    " AND NOT EXISTS (SELECT 1 FROM dismissed d WHERE d.a = p.a AND"
    "  d.b = p.b)"
    " GROUP BY p.a, p.b ORDER BY p.a, p.b";
static const char SQL_DISMISS[] =
    "INSERT INTO dismissed (a, b, login, reason, at) VALUES (?1, ?2, ?3, ?4,"
    " ?5) ON CONFLICT (a, b) DO UPDATE SET login = excluded.login,"
    " reason = excluded.reason, at = excluded.at";
static const char SQL_UNDISMISS[] =
    "DELETE FROM dismissed WHERE a = ?1 AND b = ?2";
static const char SQL_DISMISSED[] =
    "SELECT a, b, login, reason, at FROM dismissed ORDER BY at, a, b";

static const char *
text(sqlite3_stmt *s, int i)
{
	const char	*v = (const char *)sqlite3_column_text(s, i);

	return (v != NULL ? v : "");
}

int
store_dup_pairs(struct store *st, store_dup_pair_fn fn, void *arg)
{
	sqlite3_stmt	*s = NULL;
	int		 r, rc = 0;

	/* A statement of its own: the callback reads the links (view.c),
	 * and this walk must not hold a cached statement when it stops. */
	if (sqlite3_prepare_v2(store_db(st), SQL_DUP_PAIRS, -1, &s, NULL) !=
	    SQLITE_OK) {
		log_warnx("duplicates: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_finalize(s);
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(text(s, 0), text(s, 1),
		    sqlite3_column_int(s, 2) != 0,
		    sqlite3_column_int(s, 3) != 0, arg)) != 0)
			break;
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_finalize(s);
	return (rc);
}

int
store_dup_dismiss(struct store *st, const char *a, const char *b,
    const char *login, const char *reason, int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_DISMISS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, login, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, at) != SQLITE_OK)
		log_warnx("dismiss a pair: %s", sqlite3_errmsg(store_db(st)));
	else if (store_step(st, s) == STORE_DONE)
		rc = 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_dup_undismiss(struct store *st, const char *a, const char *b)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_UNDISMISS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC) != SQLITE_OK)
		log_warnx("undismiss a pair: %s", sqlite3_errmsg(store_db(st)));
	else if (store_step(st, s) == STORE_DONE)
		rc = sqlite3_changes(store_db(st)) > 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_dup_dismissed(struct store *st, store_dup_dismissed_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_DISMISSED)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(text(s, 0), text(s, 1), text(s, 2), text(s, 3),
		    sqlite3_column_int64(s, 4), arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}
