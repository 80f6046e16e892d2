/*
 * node/store.h: the node's SQLite database: the log, the keys, the views.
 *
 * One struct store is one open database connection, used by one thread.
 * The database runs in WAL mode with synchronous=FULL, foreign keys on and a
 * busy timeout, and its schema version lives in PRAGMA user_version; opening
 * an older database migrates it in order, inside one transaction.
 *
 * Statements are prepared once and cached by their SQL text (store_stmt);
 * a caller resets nothing: store_stmt hands out a statement that is already
 * reset and cleared.  Values are always bound, never printed into SQL.
 */
#ifndef OPORA_STORE_H
#define OPORA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "protocol/change.h"
#include "protocol/sig.h"

#define STORE_SCHEMA_VERSION	4

struct store;

/* store_open(path, create): open (and with create, make) the database at
 * path, migrating its schema.  Returns NULL and logs why on failure. */
struct store	*store_open(const char *path, bool create);
/* store_close(st): finalise every statement and close; NULL is a no-op. */
void		 store_close(struct store *st);

/* The connection and a cached statement (reset, bindings cleared), for
 * node/ modules that keep their SQL beside their logic.  The statement
 * belongs to the store; NULL (logged) if sql does not prepare. */
sqlite3		*store_db(struct store *st);
sqlite3_stmt	*store_stmt(struct store *st, const char *sql);

/* Transactions: BEGIN IMMEDIATE, COMMIT, ROLLBACK.  0 / -1 (logged). */
int		 store_begin(struct store *st);
int		 store_commit(struct store *st);
void		 store_rollback(struct store *st);

/* store_exec(st, sql): run statements without parameters.  0 / -1. */
int		 store_exec(struct store *st, const char *sql);

/* Meta values (the node's region, its clock, ...): 0 with a copy of the
 * value in out (NUL-terminated), 1 when absent, -1 on error or if too long. */
int		 store_meta_get(struct store *st, const char *k, char *out,
		    size_t outsz);
int		 store_meta_set(struct store *st, const char *k, const char *v);

/* Signing keys of nodes: store_key_put records (or keeps) a key;
 * store_key_get returns 0 with its region and public key, 1 if unknown,
 * -1 on error. */
int		 store_key_put(struct store *st, const char *key_id,
		    const char *region, const uint8_t pub[SIG_PUB_LEN]);
int		 store_key_get(struct store *st, const char *key_id,
		    char region[16], uint8_t pub[SIG_PUB_LEN], bool *revoked);

/*
 * store_change_put(st, c, bytes, len, sig, seqp): append a checked change
 * to the log and move the dossier's heads.  Borrows everything.  sig NULL
 * stores 64 zero bytes for node/signer.c to fill before the commit.
 * Returns 0 with the feed number in *seqp (if not NULL), 1 if the change
 * was already stored (nothing done), -1 on error (logged).  The caller
 * holds a transaction.
 */
int		 store_change_put(struct store *st, const struct change *c,
		    const void *bytes, size_t len, const uint8_t sig[SIG_LEN],
		    int64_t *seqp);

/* store_change_has(st, id): 1 if the change is stored, 0 if not, -1. */
int		 store_change_has(struct store *st, const char *id);

/* store_has_dossier(st, id): 1 if the log holds a change of dossier id,
 * 0 if not, -1 on error. */
int		 store_has_dossier(struct store *st, const char *id);

/* store_heads(st, dossier, out, n): the dossier's heads, sorted, in a new
 * array the caller frees.  0 / -1. */
int		 store_heads(struct store *st, const char *dossier,
		    char (**out)[CHANGE_ID_HEX + 1], size_t *n);

/* A stored change, as handed to the iterators below; pointers valid
 * during the callback only. */
struct store_row {
	int64_t		 seq;
	const char	*id;
	const char	*dossier;
	const uint8_t	*bytes;
	size_t		 len;
	const uint8_t	*sig;
	size_t		 siglen;
};
typedef int (*store_row_fn)(const struct store_row *, void *);

/* store_each_change(st, dossier, fn, arg): call fn for each change of the
 * dossier in the total order (HLC, key id, id); dossier NULL: every change
 * in feed order.  Stops when fn returns non-zero and returns that; -1 on
 * a database error. */
int		 store_each_change(struct store *st, const char *dossier,
		    store_row_fn fn, void *arg);

/* store_change_bytes(st, id, fn, arg): call fn with the stored change id
 * (its bytes borrowed for the call).  Returns fn's value, 1 if there is no
 * such change, -1 on a database error. */
int		 store_change_bytes(struct store *st, const char *id,
		    store_row_fn fn, void *arg);

/* store_count(st, sql): the single integer a query returns, or -1. */
int64_t		 store_count(struct store *st, const char *sql);

#endif /* OPORA_STORE_H */
