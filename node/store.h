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

#define STORE_SCHEMA_VERSION	7

struct card_revoked;
struct card_rotation;
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

/*
 * store_want_wipe(st): after the next successful store_commit, checkpoint
 * the WAL in TRUNCATE mode (store_wipe_wal), so that what the transaction
 * deleted (an erased dossier) stays in no -wal frame.  The database runs
 * with secure_delete on, so deleted cells and free pages hold zeros.
 * store_wipe_wal(st): that checkpoint now; 0, or -1 logged (busy: the
 * frames stay until the next checkpoint).
 */
void		 store_want_wipe(struct store *st);
int		 store_wipe_wal(struct store *st);

/* store_exec(st, sql): run statements without parameters.  0 / -1. */
int		 store_exec(struct store *st, const char *sql);

/* Meta values (the node's region, its clock, ...): 0 with a copy of the
 * value in out (NUL-terminated), 1 when absent, -1 on error or if too long. */
int		 store_meta_get(struct store *st, const char *k, char *out,
		    size_t outsz);
int		 store_meta_set(struct store *st, const char *k, const char *v);
/* store_meta_raise(st, k, v): set meta k to v unless it holds a value that
 * sorts after v (as text), in one statement, so that a value whose text
 * order is its order -- the clock, "hlc", 16 hex digits -- never moves
 * backwards, whichever process writes last.  0 / -1. */
int		 store_meta_raise(struct store *st, const char *k,
		    const char *v);

/* Signing keys of nodes: store_key_put records (or keeps) a key;
 * store_key_get returns 0 with its region and public key, 1 if unknown,
 * -1 on error; *revoked (if not NULL) tells whether the key was revoked
 * (from any time) or its region removed as a peer. */
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

/*
 * Keys' validity (docs/protocol.md section 9, "Keys: rotation and
 * revocation").  A key signs validly the changes whose clock is before its
 * until (the end of a rotation's overlap) and before its revoked_since;
 * each only ever moves earlier.  A key whose region was removed as a peer
 * is not trusted for anything received from then on.  All HLC values.
 *
 * store_key_limit(st, key_id, until): the key's until becomes at most
 *	until.  0 / -1.
 * store_key_revoke(st, region, key_id, since): the key's revoked_since
 *	becomes at most since.  0, 1 when region has no such key, -1.
 * store_keys_trust(st, region, key_id, trusted): mark key_id of region
 *	(NULL: every key of region) trusted or not.  0 / -1.
 */
int		 store_key_limit(struct store *st, const char *key_id,
		    uint64_t until);
int		 store_key_revoke(struct store *st, const char *region,
		    const char *key_id, uint64_t since);
int		 store_keys_trust(struct store *st, const char *region,
		    const char *key_id, bool trusted);

/*
 * This node's own announcements, for its card.  store_rotation_put records
 * a signed rotation of region's key (borrows r).  store_rotations copies
 * the last max rotations of region, oldest first, into rot and their
 * number into *n; store_revocations the first max revoked keys of region
 * by key id.  0 / -1.
 */
int		 store_rotation_put(struct store *st, const char *region,
		    const struct card_rotation *r);
int		 store_rotations(struct store *st, const char *region,
		    struct card_rotation *rot, size_t max, size_t *n);
int		 store_revocations(struct store *st, const char *region,
		    struct card_revoked *rev, size_t max, size_t *n);

/*
 * TLS pins of peers.  store_peer_pins writes the pins of region's card in
 * libcurl's CURLOPT_PINNEDPUBLICKEY form, "sha256//A" or, while the peer
 * announces its next TLS key, "sha256//A;sha256//B", into out (outsz
 * bytes, STORE_PINS_LEN is enough): 0, 1 when region is no peer, -1.
 * store_region_by_pin writes into region (16 bytes) the peer whose card
 * pins pin, as its current or its next TLS key: 0, 1 when none, -1.
 */
#define STORE_PINS_LEN	128
int		 store_peer_pins(struct store *st, const char *region,
		    char *out, size_t outsz);
int		 store_region_by_pin(struct store *st, const char *pin,
		    char region[16]);

#endif /* OPORA_STORE_H */
