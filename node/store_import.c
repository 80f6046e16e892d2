/*
 * node/store_import.c: the import_made and import_lines tables.  See
 * store_import.h.
 */
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_import.h"
#include "protocol/log.h"

static const char SQL_LEGACY[] =
    "SELECT EXISTS (SELECT 1 FROM import_lines)";
static const char SQL_GET[] =
    "SELECT change, dossier FROM import_made WHERE dkey = ?2 AND key = ?1";
static const char SQL_GET_LEGACY[] =
    "SELECT change, dossier FROM import_lines WHERE key = ?1";
static const char SQL_PUT[] =
    "INSERT INTO import_made (dkey, key, change, dossier, at)"
    " VALUES (?5, ?1, ?2, ?3, ?4)";

int
store_import_legacy(struct store *st)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_LEGACY)) == NULL)
		return (-1);
	if (store_step(st, s) == STORE_ROW)
		rc = sqlite3_column_int(s, 0) != 0;
	sqlite3_reset(s);
	return (rc);
}

/* The record of the line with this key in import_made (dkey given) or in
 * import_lines (dkey NULL): as store_import_get. */
static int
get(struct store *st, const uint8_t *dkey, const uint8_t *key,
    size_t keylen, char cid[CHANGE_ID_HEX + 1], char uuid[37])
{
	sqlite3_stmt	*s;
	const char	*c, *u;
	int		 r, rc = -1;

	if ((s = store_stmt(st, dkey != NULL ? SQL_GET : SQL_GET_LEGACY)) ==
	    NULL)
		return (-1);
	if (sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC) !=
	    SQLITE_OK || (dkey != NULL && sqlite3_bind_blob(s, 2, dkey,
	    STORE_IMPORT_DKEY, SQLITE_STATIC) != SQLITE_OK)) {
		log_warnx("read %s: %s", dkey != NULL ? "import_made" :
		    "import_lines", sqlite3_errmsg(store_db(st)));
		goto out;
	}
	/* The key is the primary key: one row or none. */
	if ((r = store_step(st, s)) == STORE_DONE) {
		rc = 0;
		goto out;
	}
	if (r != STORE_ROW)
		goto out;
	c = (const char *)sqlite3_column_text(s, 0);
	u = (const char *)sqlite3_column_text(s, 1);
	if (c == NULL || u == NULL || strlen(c) != CHANGE_ID_HEX ||
	    strlen(u) != 36) {
		log_warnx("database: a record of table %s is "
		    "malformed: restore from backup", dkey != NULL ?
		    "import_made" : "import_lines");
		goto out;
	}
	memcpy(cid, c, CHANGE_ID_HEX + 1);
	memcpy(uuid, u, 37);
	rc = 1;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_import_get(struct store *st, const uint8_t dkey[STORE_IMPORT_DKEY],
    const uint8_t *key, size_t keylen, bool legacy,
    char cid[CHANGE_ID_HEX + 1], char uuid[37])
{
	int	 r;

	if ((r = get(st, dkey, key, keylen, cid, uuid)) != 0 || !legacy)
		return (r);
	return (get(st, NULL, key, keylen, cid, uuid));
}

int
store_import_put(struct store *st, const uint8_t dkey[STORE_IMPORT_DKEY],
    const uint8_t *key, size_t keylen, const char *cid, const char *uuid,
    int64_t at)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_blob(s, 1, key, (int)keylen, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_text(s, 2, cid, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_text(s, 3, uuid, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 4, at) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, dkey, STORE_IMPORT_DKEY, SQLITE_STATIC) !=
	    SQLITE_OK)
		log_warnx("write import_made: %s",
		    sqlite3_errmsg(store_db(st)));
	else if (store_step(st, s) == STORE_DONE)
		rc = 0;
	else if ((store_step_error(st) & 0xff) == SQLITE_CONSTRAINT)
		/* store_step leaves a broken constraint to its caller. */
		log_warnx("write import_made: %s",
		    sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

bool
store_import_nomem(struct store *st)
{
	return (sqlite3_extended_errcode(store_db(st)) == SQLITE_NOMEM);
}
