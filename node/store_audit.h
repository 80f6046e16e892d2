/*
 * node/store_audit.h: the audit and audit_checkpoints tables (the audit
 * log, node/audit.h).  The hash chain, the checkpoints' signatures and
 * what a fault in them means are node/audit.c's; the SQL is here.
 *
 * Every function returns -1 on a database error, logged once: a row that
 * cannot be read ends a walk with -1, never with a shorter log that
 * verifies.  Strings and bytes passed in are borrowed for the call; rows
 * handed to a callback are valid during the call only.
 */
#ifndef OPORA_STORE_AUDIT_H
#define OPORA_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sqlite3_stmt;
struct store;

#define STORE_AUDIT_HASH	32	/* SHA-256 */
#define STORE_AUDIT_NCOLS	8	/* login ... detail (audit.h) */

/* The newest entry and checkpoint, as store_audit_last reads them. */
struct store_audit_last {
	int64_t	 seq;		/* 0: no entry yet */
	uint8_t	 hash[STORE_AUDIT_HASH];	/* zeros: none, or damaged */
	int64_t	 cp_seq, cp_at;	/* 0 and 0: no checkpoint yet */
};
/* store_audit_last(st, last): fill *last.  0 / -1. */
int	 store_audit_last(struct store *st, struct store_audit_last *last);

/* store_audit_append_row(st, seq, at, col, prev, hash): insert entry seq
 * made at at (seconds) with the texts col (login, role, os_user, addr,
 * action, dossiers, reason, detail; none NULL) and its hashes.  0 / -1.
 * store_audit_checkpoint_put(st, seq, hash, at, key_id, sig): insert the
 * checkpoint of entry seq, signed (SIG_LEN bytes) by key_id.  0 / -1.
 * Both in the caller's transaction. */
int	 store_audit_append_row(struct store *st, int64_t seq, int64_t at,
	    const char *const col[STORE_AUDIT_NCOLS],
	    const uint8_t prev[STORE_AUDIT_HASH],
	    const uint8_t hash[STORE_AUDIT_HASH]);
int	 store_audit_checkpoint_put(struct store *st, int64_t seq,
	    const uint8_t hash[STORE_AUDIT_HASH], int64_t at,
	    const char *key_id, const uint8_t *sig);

/* An entry as the walks hand it over.  col: the texts (NULL for none);
 * prev and hash with their lengths as stored (damage shows as a wrong
 * length). */
struct store_audit_row {
	int64_t		 seq, at;
	const char	*col[STORE_AUDIT_NCOLS];
	const uint8_t	*prev, *hash;
	size_t		 prevlen, hashlen;
};
typedef int (*store_audit_fn)(const struct store_audit_row *, void *);
/* store_audit_rows(st, fn, arg): fn for every entry by number.  fn's
 * non-zero value stops and is returned; 0 when all were seen; -1 on a
 * database error (fn may have seen some). */
int	 store_audit_rows(struct store *st, store_audit_fn fn, void *arg);
/* store_audit_find(st, dossier, login, since, fn, arg): as
 * store_audit_rows, for the entries naming dossier (NULL: any) among
 * their dossier ids, of login (NULL: any), made at or after since
 * (seconds; -1: any); prev and hash are not read (NULL). */
int	 store_audit_find(struct store *st, const char *dossier,
	    const char *login, int64_t since, store_audit_fn fn, void *arg);
/* store_audit_hash_at(st, seq, out): 0 with entry seq's hash in out, 1
 * when there is no such entry or its hash is not STORE_AUDIT_HASH bytes,
 * -1. */
int	 store_audit_hash_at(struct store *st, int64_t seq,
	    uint8_t out[STORE_AUDIT_HASH]);

/* A checkpoint as store_audit_checkpoints hands it over (key_id NULL:
 * none; lengths as stored). */
struct store_audit_cp_row {
	int64_t		 seq, at;
	const uint8_t	*hash, *sig;
	size_t		 hashlen, siglen;
	const char	*key_id;
};
typedef int (*store_audit_cp_fn)(const struct store_audit_cp_row *, void *);
/* store_audit_checkpoints(st, fn, arg): fn for every checkpoint by
 * entry number.  As store_audit_rows returns. */
int	 store_audit_checkpoints(struct store *st, store_audit_cp_fn fn,
	    void *arg);

/*
 * The cost of an audited read (node/audit.c, audit_record).
 * store_audit_only_reads(st): whether this connection has written
 * nothing so far.  store_audit_sync(st, full): synchronous FULL, or
 * NORMAL while only audit entries of reads are written.  0 / -1.
 * store_audit_keep_wal(st): leave the WAL as it is when the connection
 * closes (cleared by the next store_begin).
 */
bool	 store_audit_only_reads(struct store *st);
int	 store_audit_sync(struct store *st, bool full);
void	 store_audit_keep_wal(struct store *st);

/*
 * store_audit_ids(st, s, cols, ncols, fn, arg): step s (a statement of
 * st, borrowed) to its end, calling fn(text, arg) for the text of each
 * column cols[0 .. ncols-1] of each row that is not NULL; then reset s,
 * its bindings kept, for the caller to step again (node/cli.h,
 * cli_audit_rows: the dossiers of a listing, audited before it is
 * shown).  fn's non-zero value stops and is returned; 0 when every row
 * was seen; -1 on a database error.
 */
int	 store_audit_ids(struct store *st, struct sqlite3_stmt *s,
	    const int *cols, int ncols, int (*fn)(const char *, void *),
	    void *arg);

#endif /* OPORA_STORE_AUDIT_H */
