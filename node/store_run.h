/*
 * node/store_run.h: small helpers for the store_*.c files that run one
 * statement at a time (store_account.c, store_audit.c, store_erase.c,
 * store_feed.c, ...): bind texts, step once, reset, end a walk.
 * Statements come from store_stmt (the store owns them); every step goes
 * through store_step, which logs a failure once.  Not for callers outside
 * node/store*.c.
 */
#ifndef OPORA_STORE_RUN_H
#define OPORA_STORE_RUN_H

#include <sqlite3.h>

struct store;

/* store_bind_failed(st, s, what): log that binding a value of s failed
 * (with what: the table), reset s and clear its bindings.  -1. */
int		 store_bind_failed(struct store *st, sqlite3_stmt *s,
		    const char *what);
/* store_run(st, s): step s, which returns no row, once; reset it and
 * clear its bindings.  The rows it changed, or -1. */
int		 store_run(struct store *st, sqlite3_stmt *s);
/* store_run_done(st, s): store_run, 0 / -1. */
int		 store_run_done(struct store *st, sqlite3_stmt *s);
/* store_bound(st, sql, what, a, b): sql's statement with text a bound as
 * ?1 and, unless NULL, b as ?2 (both borrowed until the statement is
 * reset); NULL (logged) on failure. */
sqlite3_stmt	*store_bound(struct store *st, const char *sql,
		    const char *what, const char *a, const char *b);
/* store_run_text(st, sql, what, a, b): store_bound, then store_run.
 * 0 / -1. */
int		 store_run_text(struct store *st, const char *sql,
		    const char *what, const char *a, const char *b);
/* store_walk_end(s, r, rc): the end of a walk over the rows of s: reset
 * s and clear its bindings.  rc (the callback's value), or -1 when rc is
 * 0 and r (the last step) is not STORE_DONE: never a shorter answer. */
int		 store_walk_end(sqlite3_stmt *s, int r, int rc);

#endif /* OPORA_STORE_RUN_H */
