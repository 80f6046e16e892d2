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

#define STORE_SCHEMA_VERSION	14

/*
 * STORE_ID_IS(col, val): SQL that is true when the change id in column col
 * (of the table changes) is val, found through the index changes_idk of
 * its first STORE_IDK hex digits (8 since schema 13, 16 in schema 12).
 * Every look-up of a change by its id says it so: "col = val" alone reads
 * the whole table.  The unary + keeps SQLite from putting val in place of
 * col in the substr (its propagation of constants), after which the index
 * no longer matches.  Two ids that share their first 8 digits (about a
 * hundred pairs in a million changes) cost a second row read, no more.
 */
#define STORE_IDK	"8"
#define STORE_ID_IS(col, val) \
	"(substr(" col ", 1, " STORE_IDK ") = substr(" val ", 1, " \
	STORE_IDK ") AND +" col " = " val ")"

struct card_revoked;
struct card_rotation;
struct store;

/*
 * store_configure(): SQLite's process-wide settings for opora's
 * connections: no memory statistics (keeping them takes a mutex shared by
 * every connection at each allocation) and statement journals kept in
 * memory up to STORE_STMTJRNL_SPILL bytes.  Call it once, before SQLite is
 * used (cli_main does); 0, or -1 if SQLite was already initialised and
 * keeps its defaults.
 */
#define STORE_STMTJRNL_SPILL	(120 * 1024)
int		 store_configure(void);

/* store_open(path, create): open (and with create, make) the database at
 * path, migrating its schema.  Returns NULL and logs why on failure. */
struct store	*store_open(const char *path, bool create);
/* store_newer(path): 1 when the database at path has a schema newer than
 * this opora's (a backup made by a later release), 0 when not or when it
 * cannot be read (store_open then says why), read-only, nothing written. */
int		 store_newer(const char *path);
/* store_close(st): finalise every statement and close; NULL is a no-op. */
void		 store_close(struct store *st);

/* The connection and a cached statement (reset, bindings cleared).  Each
 * table's SQL lives behind functions named for it, here and in
 * node/store_peer.h, store_refusal.h, store_later.h, store_offer.h
 * (offers held as summaries), store_account.h (accounts, sessions,
 * throttling, centres), store_audit.h (the audit log), store_erase.h
 * (erasure), store_backup.h (copies of the database), store_stats.h
 * (the statistics, releases, researchers), store_view.h (the views, the
 * transfers' list), store_dup.h (possible duplicates), store_check.h
 * ('opora verify'), store_metrics.h and store_feed.h (the feed's).  The
 * statement belongs to the store; NULL (logged) if sql does not prepare. */
sqlite3		*store_db(struct store *st);
sqlite3_stmt	*store_stmt(struct store *st, const char *sql);

/*
 * store_step(st, s): step a statement of st once.  Every statement of
 * node/ is stepped here, so that what a failure means is decided in one
 * place.  Returns STORE_ROW when a row is ready, STORE_DONE when there is
 * none left (or the statement ran); on failure it logs the error once, with
 * the database's path, and returns
 *   STORE_BUSY when the failure is local or transient -- locked, busy, out
 *	of memory, an I/O error, a full disk: nothing is wrong with the data,
 *	and the same work may succeed later;
 *   STORE_ERR otherwise: the database is damaged (SQLITE_CORRUPT,
 *	SQLITE_NOTADB: the message says so and what to do), a constraint
 *	failed, or the statement is misused.  A broken constraint alone is
 *	not logged: the caller may expect it (store_step_error tells which).
 * A reader that loops on STORE_ROW must check that the loop ended on
 * STORE_DONE: anything else is an error, never a shorter answer.  The
 * caller still resets s.
 */
enum store_step {
	STORE_ROW,
	STORE_DONE,
	STORE_BUSY,
	STORE_ERR
};
enum store_step	 store_step(struct store *st, sqlite3_stmt *s);
/* store_busy_noted(): whether a statement of this process failed because
 * another connection held the database past STORE_BUSY_MS (SQLITE_BUSY
 * or SQLITE_LOCKED): not an I/O error; the command may be run again. */
bool		 store_busy_noted(void);

/* store_step_error(st): SQLite's result code for the last failed step
 * (SQLITE_NOMEM, SQLITE_FULL, ...; extended codes), SQLITE_OK if none. */
int		 store_step_error(const struct store *st);
/*
 * store_test_fail_step(st, n, code): for tests only.  The n-th call of
 * store_step from now (1: the next) does not step and fails as if SQLite
 * had returned code; n = 0 disarms.  Returns how many steps the previous
 * arming still had to go (0: it fired, or there was none).  Never armed
 * outside tests.
 */
long		 store_test_fail_step(struct store *st, long n, int code);

/*
 * Transactions: BEGIN IMMEDIATE, COMMIT, ROLLBACK.  0 / -1 (logged).  If
 * SQLite rolls an open transaction back on its own (it may, on out of
 * memory, a full disk or an I/O error), every later store_step (STORE_BUSY,
 * store_step_error SQLITE_ABORT_ROLLBACK) and store_exec fails and
 * store_commit fails, until store_rollback ends it: nothing the caller
 * writes after the failure lands outside a transaction.  The same holds
 * for a transaction begun with store_exec("BEGIN ...").
 */
int		 store_begin(struct store *st);
int		 store_commit(struct store *st);
void		 store_rollback(struct store *st);

/*
 * Held transactions, for a backlog pulled a response at a time: each
 * commit writes every page its changes touched, and the random pages of
 * the change-id index are most of them (docs/performance.md).
 *
 * store_hold(st): open a transaction (BEGIN IMMEDIATE) unless one is held
 * already; until store_release, store_begin opens a savepoint in it,
 * store_commit releases the savepoint (nothing is written yet) and
 * store_rollback rolls back to it (what the savepoint saw goes, what came
 * before it stays).  Statements outside a savepoint go into the held
 * transaction too.  0 / -1 (logged; nothing is held then).  Not while a
 * transaction or savepoint of the caller's is open.
 *
 * store_release(st): commit what is held: 0, or -1 (logged) when the
 * commit failed and everything held was rolled back.  0 when nothing is
 * held.  Never while a savepoint is open.  A held transaction that SQLite
 * rolled back on its own (a full disk, an I/O error) ends the hold: the
 * next store_begin opens a transaction of its own, and store_release
 * returns -1 once.  store_held(st): whether a transaction is held.
 */
int		 store_hold(struct store *st);
int		 store_release(struct store *st);
bool		 store_held(const struct store *st);

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

/*
 * Checkpoint the WAL every 160 MiB (SQLite's default is 4 MiB): a page
 * written by many commits in a row is copied into the database once.  At
 * a million changes, 5,000 pulled changes dirty a page of the change-id
 * index for nearly each, and a checkpoint every 40 MB copied them after
 * each commit (docs/performance.md).  The -wal file may grow to about
 * this size.
 */
#define STORE_CHECKPOINT_BYTES	(160 * 1024 * 1024)

/*
 * store_cache_bulk(st, on): while on, the connection's page cache is
 * STORE_CACHE_BULK_KIB rather than STORE_CACHE_KIB (node/store.c), for a
 * backlog taken in one response after another: a transaction of 5,000
 * pulled changes dirties a page of the change-id index for nearly each
 * of them, and at a million changes those pages no longer fit the small
 * cache (docs/performance.md).  Off again, the cache gives the pages
 * back.  While on, the WAL is checkpointed by a thread of its own
 * (node/ckpt.h), not in the commits of the caller's thread.  Not under a
 * limit of address space or data (ulimit -v, -d).  Only a speed: a
 * failure is logged and ignored.
 */
void		 store_cache_bulk(struct store *st, bool on);

/* store_cache_import(st): the page cache is STORE_CACHE_IMPORT_KIB, for
 * an import's transactions of up to 10,000 changes, until
 * store_cache_bulk(st, false) or the store closes, with the WAL
 * checkpointed aside as store_cache_bulk's.  Not under a limit, and only
 * a speed, as store_cache_bulk. */
void		 store_cache_import(struct store *st);

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
 * store_change_put(st, c, bytes, len, sig): append a checked change to
 * the log, with its signature sig, and move the dossier's heads.  Borrows
 * everything.  Returns 0, 1 if the change was already stored (nothing
 * done), -1 on error (logged).  The caller holds a transaction.
 */
int		 store_change_put(struct store *st, const struct change *c,
		    const void *bytes, size_t len, const uint8_t sig[SIG_LEN]);

/* store_change_has(st, id): 1 if the change is stored, 0 if not, -1. */
int		 store_change_has(struct store *st, const char *id);

/* store_has_dossier(st, id): 1 if the log holds the first change (the
 * root) of dossier id, 0 if not (an offer held as a summary is not the
 * dossier: node/offer.h), -1 on error. */
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
	/* What the log's row copies out of the signed bytes, for verify to
	 * compare (store_each_change; NULL from store_change_bytes, and
	 * when the column is NULL). */
	const char	*hlc;		/* hlc_format's 16 hex digits */
	const char	*key_id;
	const char	*region;
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

/* store_researcher_by_pin(st, pin, name, namesz): the researcher (of the
 * federal node) whose certificate pin is, not revoked, into name.  0, 1
 * when none (or the name does not fit), -1. */
int		 store_researcher_by_pin(struct store *st, const char *pin,
		    char *name, size_t namesz);
/* store_data_version(st): SQLite's PRAGMA data_version, which changes
 * when another connection committed; -1 on error. */
int64_t		 store_data_version(struct store *st);

/* A statistics snapshot this node stored, as store_snapshot_each hands
 * it over (valid during the call); sig NULL when it is not SIG_LEN
 * bytes. */
struct store_snapshot_row {
	int64_t		 seq;
	const void	*bytes;
	size_t		 len;
	const uint8_t	*sig;
};
typedef int (*store_snapshot_fn)(const struct store_snapshot_row *, void *);
/* store_snapshot_each(st, region, since, max, fn, arg): fn for region's
 * snapshots numbered after since, in order, max at most.  fn's non-zero
 * value stops and is returned; 0 when all were seen; -1 on a database
 * error. */
int		 store_snapshot_each(struct store *st, const char *region,
		    int64_t since, int max, store_snapshot_fn fn, void *arg);

/*
 * store_prefix_each(st, what, prefix, fn, arg): fn(id, dossier, arg) for
 * each row of the views whose id begins with prefix, by id: dossiers (id
 * and dossier both the dossier's id; 2 at most), conflicts or transfers
 * (100 at most).  Rows with a part missing are skipped.  fn's non-zero
 * value stops and is returned; 0 when all were seen; -1 on a database
 * error.
 */
enum store_prefix {
	STORE_PREFIX_DOSSIER,
	STORE_PREFIX_CONFLICT,
	STORE_PREFIX_TRANSFER
};
typedef int (*store_prefix_fn)(const char *, const char *, void *);
int		 store_prefix_each(struct store *st, enum store_prefix what,
		    const char *prefix, store_prefix_fn fn, void *arg);

/*
 * Conflicts (docs/conflicts.md) with the name of their dossier's person,
 * as their columns' texts (NULL: none), indexed by enum store_conflict_col;
 * valid during the callback only.  store_conflict_each: every conflict
 * (all) or the open ones, in clock order; store_conflict_get: conflict id
 * (1 when there is none).  fn's non-zero value stops and is returned; 0
 * when all were seen; -1 on a database error.
 */
enum store_conflict_col {
	STORE_CONFLICT_ID, STORE_CONFLICT_DOSSIER, STORE_CONFLICT_SURNAME,
	STORE_CONFLICT_NAME, STORE_CONFLICT_FIELD, STORE_CONFLICT_VALUE,
	STORE_CONFLICT_REGION, STORE_CONFLICT_USER, STORE_CONFLICT_HLC,
	STORE_CONFLICT_WINNER, STORE_CONFLICT_WINNER_VALUE,
	STORE_CONFLICT_WINNER_REGION, STORE_CONFLICT_WINNER_USER,
	STORE_CONFLICT_WINNER_HLC, STORE_CONFLICT_STATE,
	STORE_CONFLICT_CLOSED_BY, STORE_CONFLICT_CLOSED, STORE_CONFLICT_NCOL
};
typedef int (*store_conflict_fn)(const char *const *, void *);
int		 store_conflict_each(struct store *st, bool all,
		    store_conflict_fn fn, void *arg);
int		 store_conflict_get(struct store *st, const char *id,
		    store_conflict_fn fn, void *arg);

/*
 * store_person_each(st, all, snils, surname_fold, birth, fn, arg): fn for
 * each person of the views -- every one (all), or those matching each of
 * snils, surname_fold (fields_name_fold) and birth that is not NULL --
 * by folded surname, name, birth date; with its dossier, surname, name,
 * patronymic, birth date and custodian (col, NULL: none; valid during the
 * call) and its events not retracted.  fn's non-zero value stops and is
 * returned; 0 when all were seen; -1 on a database error.
 */
enum store_person_col {
	STORE_PERSON_DOSSIER, STORE_PERSON_SURNAME, STORE_PERSON_NAME,
	STORE_PERSON_PATRONYMIC, STORE_PERSON_BIRTH, STORE_PERSON_CUSTODIAN,
	STORE_PERSON_NCOL
};
typedef int (*store_person_fn)(const char *const *, int64_t, void *);
int		 store_person_each(struct store *st, bool all,
		    const char *snils, const char *surname_fold,
		    const char *birth, store_person_fn fn, void *arg);

/*
 * store_person_find(st, q, fn, arg): store_person_each for a search: the
 * persons matching every criterion of q that is not NULL -- snils exactly,
 * surname and name as folded prefixes (fields_name_fold of what was typed:
 * "иван" finds Иванова and Иванченко; the first name alone too), birth
 * exactly -- each walked by an index (the first criterion given, in
 * that order, leads; one that matches a thousand persons or more walks
 * persons_order instead, so a page does not sort them all).  All NULL:
 * every person.  Persons come by folded
 * surname, name, birth date and dossier id (the index persons_order);
 * with after, only those that come after the person of that dossier (a
 * page begins there; none if it is not stored).  fn may stop the walk at
 * the end of a page by returning non-zero.  q's strings are borrowed for
 * the call.
 */
struct store_person_query {
	const char	*snils;		/* 11 digits */
	const char	*surname;	/* folded prefix */
	const char	*name;		/* folded prefix */
	const char	*birth;		/* YYYY-MM-DD */
	const char	*after;		/* a dossier id, or NULL */
};
int		 store_person_find(struct store *st,
		    const struct store_person_query *q, store_person_fn fn,
		    void *arg);

/* store_person_count(st, q, n): how many persons store_person_find(st, q)
 * would walk, into *n (without handing them over: an index counted; for
 * a broad search by one criterion after a page, all its matches less
 * those up to the page).  0 / -1 (logged). */
int		 store_person_count(struct store *st,
		    const struct store_person_query *q, int64_t *n);

/* store_person_known(st, id): 1 if the views hold dossier id's person, 0
 * if not, -1 on a database error (logged). */
int		 store_person_known(struct store *st, const char *id);

/* store_feed_head(st): the newest feed number (0: none), or -1. */
int64_t		 store_feed_head(struct store *st);

/* store_change_parent(st, id, seq, dossier, hlc): where change id stands
 * (for checking a child's parents): its feed number, dossier and clock.
 * 0, 1 when it is not stored, -1 (also for a damaged record). */
int		 store_change_parent(struct store *st, const char *id,
		    int64_t *seq, char dossier[37], uint64_t *hlc);

/* store_change_ids(st, dossier, fn, arg): fn(id, arg) for each change id
 * of dossier, sorted (ids valid during the call).  fn's non-zero value
 * stops and is returned; 0 when all were seen; -1 on a database error. */
typedef int (*store_id_fn)(const char *, void *);
int		 store_change_ids(struct store *st, const char *dossier,
		    store_id_fn fn, void *arg);

/* store_round_put(st, peer, at, ok, shared, differed, applied,
 * unresolved, error): record an anti-entropy round with peer as its last
 * (node/entropy.h; error NULL when ok).  0, 1 when peer is no peer (was
 * removed meanwhile: nothing recorded), -1. */
int		 store_round_put(struct store *st, const char *peer, int64_t at,
		    bool ok, int64_t shared, int64_t differed, int64_t applied,
		    int64_t unresolved, const char *error);

/* store_change_at(st, seq, fn, arg): as store_change_bytes, for the
 * change with feed number seq. */
int		 store_change_at(struct store *st, int64_t seq, store_row_fn fn,
		    void *arg);

/* What 'opora status' counts; each -1 when it could not be read. */
struct store_counts {
	int64_t		 changes, dossiers, custodian_of;
	int64_t		 last_received;		/* ms; 0: none */
	int64_t		 rejected, rejected_recent, later;
	int64_t		 open_conflicts;
	int64_t		 snapshot_regions;	/* the federal node's */
	int64_t		 peers, federal_peers;	/* RU-FED among the peers */
};
/* store_tally_check(st, kept, counted): the number of changes the
 * database keeps (table tallies, which status and the metrics read) and
 * the number counted in the log, for 'opora verify'.  0 / -1. */
int		 store_tally_check(struct store *st, int64_t *kept,
		    int64_t *counted);
/* store_tally_again(st): count the log again into tallies ('opora
 * rebuild').  0 / -1. */
int		 store_tally_again(struct store *st);
/* store_counts(st, region, since, c): fill c; custodian_of counts the
 * dossiers in region's custody, rejected_recent the refusals last seen
 * after since (ms).  0 when every count was read, else -1. */
int		 store_counts(struct store *st, const char *region,
		    int64_t since, struct store_counts *c);

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
 * store_key_region(st, key_id, region): the region of key_id, into region.
 *	0, 1 when the key is unknown, -1 (also for a damaged region).
 * store_key_revoked_since(st, key_id, since): 0 with the time key_id is
 *	held revoked from in *since (0 when the record is damaged: revoked
 *	from the start), 1 when the key is unknown or not revoked, -1.
 */
int		 store_key_region(struct store *st, const char *key_id,
		    char region[16]);
int		 store_key_revoked_since(struct store *st, const char *key_id,
		    uint64_t *since);

/* A key as store_key_each hands it over; pointers valid during the
 * callback only.  until and revoked_since are the texts stored (NULL:
 * none); revoked the old flag (schema < 4: revoked from the start when
 * revoked_since is NULL); pub NULL when it is not SIG_PUB_LEN bytes. */
struct store_key_row {
	const char	*key_id, *region;
	const uint8_t	*pub;
	const char	*until, *revoked_since;
	bool		 revoked, trusted;
};
typedef int (*store_key_fn)(const struct store_key_row *, void *);
/* store_key_each(st, fn, arg): fn for each key, by region, then as
 * added.  fn's non-zero value stops and is returned; 0 when all were
 * seen; -1 on a database error (fn may have seen some keys). */
int		 store_key_each(struct store *st, store_key_fn fn, void *arg);

/* store_changes_by_key(st, key_id, since, fn, arg): fn(id, dossier, hlc,
 * arg) for each change signed by key_id with a clock at or after since,
 * in clock order (texts valid during the call; rows with a part missing
 * skipped).  As store_key_each returns. */
typedef int (*store_change_key_fn)(const char *, const char *,
		    const char *, void *);
int		 store_changes_by_key(struct store *st, const char *key_id,
		    uint64_t since, store_change_key_fn fn, void *arg);

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
