/*
 * node/store_check.c: the database as 'opora verify' and 'opora rebuild'
 * see it.  See store_check.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_check.h"
#include "protocol/log.h"

/* A dossier held as offers (node/offer.h) is not folded yet: it has no
 * state, or one its history, still coming, will replace. */
static const char SQL_DOSSIERS[] =
    "SELECT DISTINCT dossier FROM changes"
    " WHERE dossier NOT IN (SELECT dossier FROM forgotten)"
    " AND dossier NOT IN (SELECT dossier FROM offer_summaries)"
    " ORDER BY dossier";
static const char SQL_DOSSIER_IDS[] =
    "SELECT id FROM changes WHERE dossier = ? ORDER BY id";
static const char SQL_DOSSIER_PARENTS[] =
    "SELECT DISTINCT p.parent FROM parents p JOIN changes c"
    " ON c.seq = p.child WHERE c.dossier = ? ORDER BY p.parent";
static const char SQL_DOSSIER_ROOTS[] =
    "SELECT count(*) FROM changes c WHERE c.dossier = ?"
    " AND NOT EXISTS (SELECT 1 FROM parents p WHERE p.child = c.seq)";
/* An erased or forgotten dossier keeps no view, and only what erase.h
 * says: the tombstone, or changes this node wrote. */
static const char SQL_FORGOTTEN_BAD[] =
    "SELECT f.dossier, 'its views are still here' FROM forgotten f"
    " WHERE EXISTS (SELECT 1 FROM persons p WHERE p.dossier = f.dossier)"
    " UNION ALL SELECT f.dossier, 'a change other than its tombstone is"
    " still here' FROM forgotten f JOIN changes c ON c.dossier = f.dossier"
    " WHERE f.kind = 'erased' AND c.id <> f.id"
    " UNION ALL SELECT f.dossier, 'its tombstone is missing' FROM forgotten f"
    " WHERE f.kind = 'erased' AND NOT EXISTS (SELECT 1 FROM changes c"
    "  WHERE c.id = f.id AND c.dossier = f.dossier)"
    " UNION ALL SELECT f.dossier, 'a change another region made is still"
    " here' FROM forgotten f JOIN changes c ON c.dossier = f.dossier"
    " WHERE f.kind = 'declined' AND c.region <>"
    "  (SELECT v FROM meta WHERE k = 'region')"
    " UNION ALL SELECT f.dossier, 'its heads are not the changes kept'"
    " FROM forgotten f WHERE (SELECT count(*) FROM heads h"
    "  WHERE h.dossier = f.dossier) <> (SELECT count(*) FROM changes c"
    "  WHERE c.dossier = f.dossier)";
/* Read on the index of the ids' first hex digits, in its order (no
 * sort); only a prefix two changes share is looked at again. */
static const char SQL_TWICE[] =
    "SELECT id, count(*) FROM changes WHERE substr(id, 1, " STORE_IDK ") IN"
    " (SELECT substr(id, 1, " STORE_IDK ") FROM changes"
    "  GROUP BY substr(id, 1, " STORE_IDK ")"
    "  HAVING count(*) > 1) GROUP BY id HAVING count(*) > 1";
static const char SQL_ORPHAN_VIEWS[] =
    "SELECT dossier FROM persons WHERE dossier NOT IN"
    " (SELECT dossier FROM changes)";

/*
 * The views, children before persons (their foreign keys name it): what
 * rebuild empties and fills again from the log.
 */
static const char *const VIEW_TABLES[] = {
	"episodes", "events", "assessments", "consents", "transfers",
	"conflicts", "links", "persons", NULL
};
static const char SQL_VIEWS_CLEAR[] =
    "DELETE FROM episodes; DELETE FROM events;"
    " DELETE FROM assessments; DELETE FROM consents;"
    " DELETE FROM transfers; DELETE FROM conflicts;"
    " DELETE FROM links; DELETE FROM persons";
static const char SQL_VIEWS_FORGET[] =
    "DELETE FROM sqlite_schema WHERE tbl_name IN ('episodes', 'events',"
    " 'assessments', 'consents', 'transfers', 'conflicts', 'links',"
    " 'persons')";
/* The schema of the views (tables first, then their indexes), read from
 * a database that the migrations have just made. */
static const char SQL_VIEW_SCHEMA[] =
    "SELECT sql FROM sqlite_schema WHERE tbl_name IN ('episodes', 'events',"
    " 'assessments', 'consents', 'transfers', 'conflicts', 'links',"
    " 'persons') AND sql IS NOT NULL ORDER BY type = 'index', rowid";

#define WALK_MAX_COLS	2

/* Prepare sql on st's connection, outside the cache: NULL, logged. */
static sqlite3_stmt *
prepare_own(struct store *st, const char *sql)
{
	sqlite3_stmt	*s = NULL;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) !=
	    SQLITE_OK) {
		log_warnx("database: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_finalize(s);
		return (NULL);
	}
	return (s);
}

/*
 * fn(cols, arg) for each row of s, with the texts of its first ncols
 * columns ("" for NULL); a row whose first column is skip (when not NULL)
 * is passed over.  fn's non-zero value stops; -1 when s could not be
 * stepped to its end; s is reset, or finalized when own.
 */
static int
walk(struct store *st, sqlite3_stmt *s, bool own, int ncols,
    const char *skip, store_text_fn fn, void *arg)
{
	const char	*col[WALK_MAX_COLS];
	int		 r, c, rc = 0;

	while ((r = store_step(st, s)) == STORE_ROW) {
		for (c = 0; c < ncols; c++)
			if ((col[c] = (const char *)sqlite3_column_text(s,
			    c)) == NULL)
				col[c] = "";
		if (skip != NULL && strcmp(col[0], skip) == 0)
			continue;
		if ((rc = fn(col, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	if (own)
		sqlite3_finalize(s);
	else
		sqlite3_reset(s);
	return (rc);
}

int
store_dossier_each(struct store *st, store_text_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = prepare_own(st, SQL_DOSSIERS)) == NULL)
		return (-1);
	return (walk(st, s, true, 1, NULL, fn, arg));
}

int
store_dossier_ids(struct store *st, const char *dossier, int parents,
    char (**v)[CHANGE_ID_HEX + 1], size_t *n)
{
	sqlite3_stmt	*s;
	const char	*id;
	void		*nv;
	size_t		 cap = 0;
	int		 r;

	*v = NULL;
	*n = 0;
	if ((s = store_stmt(st, parents ? SQL_DOSSIER_PARENTS :
	    SQL_DOSSIER_IDS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		if (id == NULL || strlen(id) != CHANGE_ID_HEX)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(*v, cap, sizeof(**v))) ==
			    NULL) {
				log_warnx("out of memory");
				r = STORE_ERR;
				break;
			}
			*v = nv;
		}
		memcpy((*v)[(*n)++], id, CHANGE_ID_HEX + 1);
	}
	sqlite3_reset(s);
	if (r != STORE_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return (-1);
	}
	return (0);
}

int64_t
store_dossier_roots(struct store *st, const char *dossier)
{
	sqlite3_stmt	*s;
	int64_t		 roots = -1;

	if ((s = store_stmt(st, SQL_DOSSIER_ROOTS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	if (store_step(st, s) == STORE_ROW)
		roots = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return (roots);
}

int
store_forgotten_bad_each(struct store *st, store_text_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_FORGOTTEN_BAD)) == NULL)
		return (-1);
	return (walk(st, s, false, 2, NULL, fn, arg));
}

int
store_twice_each(struct store *st, store_text_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_TWICE)) == NULL)
		return (-1);
	return (walk(st, s, false, 2, NULL, fn, arg));
}

int
store_orphan_views_each(struct store *st, store_text_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_ORPHAN_VIEWS)) == NULL)
		return (-1);
	return (walk(st, s, false, 1, NULL, fn, arg));
}

int
store_integrity_each(struct store *st, int max, store_text_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	char		 sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA integrity_check(%d)", max);
	if ((s = prepare_own(st, sql)) == NULL)
		return (-1);
	return (walk(st, s, true, 1, "ok", fn, arg));
}

const char *
store_errmsg(struct store *st)
{
	return (sqlite3_errmsg(store_db(st)));
}

int
store_views_clear(struct store *st)
{
	return (store_exec(st, SQL_VIEWS_CLEAR));
}

/* Make the views' tables, with the schema of a new node, in the caller's
 * transaction. */
static int
views_create(struct store *st)
{
	struct store	*fresh;
	sqlite3_stmt	*s = NULL;
	const char	*sql;
	int		 r, rc = -1;

	if ((fresh = store_open(":memory:", true)) == NULL)
		return (-1);
	if ((s = prepare_own(fresh, SQL_VIEW_SCHEMA)) == NULL)
		goto out;
	while ((r = store_step(fresh, s)) == STORE_ROW)
		if ((sql = (const char *)sqlite3_column_text(s, 0)) == NULL ||
		    store_exec(st, sql) == -1)
			goto out;
	if (r == STORE_DONE)
		rc = 0;
out:
	sqlite3_finalize(s);
	store_close(fresh);
	return (rc);
}

int
store_views_recreate(struct store *st)
{
	char	 sql[64];
	int	 i, dropped = 1;

	if (store_exec(st, "BEGIN IMMEDIATE") == -1)
		return (-1);
	for (i = 0; VIEW_TABLES[i] != NULL && dropped; i++) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s",
		    VIEW_TABLES[i]);
		dropped = store_exec(st, sql) == 0;
	}
	if (dropped) {
		if (views_create(st) == 0 && store_exec(st, "COMMIT") == 0)
			return (0);
		(void)store_exec(st, "ROLLBACK");
		return (-1);
	}
	(void)store_exec(st, "ROLLBACK");
	/* The pages cannot be freed: forget the tables. */
	if (store_exec(st, "PRAGMA writable_schema = ON") == -1)
		return (-1);
	if (store_exec(st, "BEGIN IMMEDIATE") == -1 ||
	    store_exec(st, SQL_VIEWS_FORGET) == -1 ||
	    store_exec(st, "COMMIT") == -1) {
		(void)store_exec(st, "ROLLBACK");
		(void)store_exec(st, "PRAGMA writable_schema = OFF");
		return (-1);
	}
	(void)store_exec(st, "PRAGMA writable_schema = OFF");
	return (1);
}

int
store_views_make(struct store *st)
{
	if (store_exec(st, "VACUUM") == -1 ||
	    store_exec(st, "BEGIN IMMEDIATE") == -1)
		return (-1);
	if (views_create(st) == 0 && store_exec(st, "COMMIT") == 0)
		return (0);
	(void)store_exec(st, "ROLLBACK");
	return (-1);
}
