/*
 * node/store_backup.c: copies of the database.  See store_backup.h.
 */
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_backup.h"

static const char SQL_QUICK[] = "PRAGMA quick_check";
static const char SQL_FULL[] = "PRAGMA integrity_check";
static const char SQL_ONE_FILE[] = "PRAGMA journal_mode = DELETE";
static const char SQL_CHANGES[] = "SELECT count(*) FROM changes";

/* Run check (a PRAGMA returning "ok" or problems) on db; 0 when it says
 * "ok", else -1 after saying what it says. */
static int
check_db(sqlite3 *db, const char *check, store_backup_say_fn say, void *arg)
{
	sqlite3_stmt	*s = NULL;
	const char	*t;
	int		 r, n = 0, rc = -1;

	if (sqlite3_prepare_v2(db, check, -1, &s, NULL) != SQLITE_OK) {
		say(sqlite3_errmsg(db), arg);
		return (-1);
	}
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		t = (const char *)sqlite3_column_text(s, 0);
		if (n == 0 && t != NULL && strcmp(t, "ok") == 0) {
			rc = 0;
			continue;
		}
		rc = -1;
		if (n++ < STORE_BACKUP_PROBLEMS)
			say(t != NULL ? t : "?", arg);
	}
	if (r != SQLITE_DONE) {
		say(sqlite3_errmsg(db), arg);
		rc = -1;
	}
	sqlite3_finalize(s);
	return (rc);
}

/* The number of changes of db into *changes.  0 / -1 (said). */
static int
count_changes(sqlite3 *db, int64_t *changes, store_backup_say_fn say,
    void *arg)
{
	sqlite3_stmt	*s = NULL;
	int		 rc = -1;

	if (sqlite3_prepare_v2(db, SQL_CHANGES, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		*changes = sqlite3_column_int64(s, 0);
		rc = 0;
	} else
		say(sqlite3_errmsg(db), arg);
	sqlite3_finalize(s);
	return (rc);
}

/*
 * These connections are not struct stores: the copy is opened and closed
 * here, with no statement cache, no migration and no busy handler of its
 * own, so the steps are SQLite's own, checked for the exact code.
 */
static int
copy_db(sqlite3 *src, const char *path, bool full, int64_t *changes,
    store_backup_say_fn say, void *arg)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	int		 r, tries = 0, rc = -1;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(dst, STORE_BACKUP_BUSY_MS) != SQLITE_OK) {
		say(dst != NULL ? sqlite3_errmsg(dst) : NULL, arg);
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		say(sqlite3_errmsg(dst), arg);
		goto out;
	}
	/* -1: every page in one step, so one snapshot of src. */
	while ((r = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    r == SQLITE_LOCKED) {
		if (++tries * 100 > STORE_BACKUP_BUSY_MS)
			break;
		sqlite3_sleep(100);
	}
	if (sqlite3_backup_finish(b) != SQLITE_OK || r != SQLITE_DONE) {
		say(sqlite3_errmsg(dst), arg);
		goto out;
	}
	if (sqlite3_exec(dst, SQL_ONE_FILE, NULL, NULL, NULL) != SQLITE_OK) {
		say(sqlite3_errmsg(dst), arg);
		goto out;
	}
	if (check_db(dst, full ? SQL_FULL : SQL_QUICK, say, arg) == -1 ||
	    count_changes(dst, changes, say, arg) == -1)
		goto out;
	rc = 0;
out:
	if (dst != NULL && sqlite3_close(dst) != SQLITE_OK && rc == 0) {
		say(sqlite3_errmsg(dst), arg);
		rc = -1;
	}
	return (rc);
}

int
store_backup_to(struct store *st, const char *path, bool full,
    int64_t *changes, store_backup_say_fn say, void *arg)
{
	return (copy_db(store_db(st), path, full, changes, say, arg));
}

int
store_backup_file(const char *src, const char *path, bool full,
    int64_t *changes, store_backup_say_fn say, void *arg)
{
	sqlite3	*db = NULL;
	int	 rc;

	if (sqlite3_open_v2(src, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		say(db != NULL ? sqlite3_errmsg(db) : NULL, arg);
		sqlite3_close(db);
		return (1);
	}
	rc = copy_db(db, path, full, changes, say, arg);
	sqlite3_close(db);
	return (rc);
}
