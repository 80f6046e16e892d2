/*
 * node/store_run.c: one statement at a time.  See store_run.h.
 */
#include <sqlite3.h>

#include "node/store.h"
#include "node/store_run.h"
#include "protocol/log.h"

int
store_bind_failed(struct store *st, sqlite3_stmt *s, const char *what)
{
	log_warnx("%s: %s", what, sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (-1);
}

int
store_run(struct store *st, sqlite3_stmt *s)
{
	int	 r;

	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? sqlite3_changes(store_db(st)) : -1);
}

int
store_run_done(struct store *st, sqlite3_stmt *s)
{
	return (store_run(st, s) == -1 ? -1 : 0);
}

sqlite3_stmt *
store_bound(struct store *st, const char *sql, const char *what,
    const char *a, const char *b)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql)) == NULL)
		return (NULL);
	if (sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (b != NULL && sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC) !=
	    SQLITE_OK)) {
		(void)store_bind_failed(st, s, what);
		return (NULL);
	}
	return (s);
}

int
store_run_text(struct store *st, const char *sql, const char *what,
    const char *a, const char *b)
{
	sqlite3_stmt	*s;

	if ((s = store_bound(st, sql, what, a, b)) == NULL)
		return (-1);
	return (store_run_done(st, s));
}

int
store_walk_end(sqlite3_stmt *s, int r, int rc)
{
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}
