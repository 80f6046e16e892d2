/*
 * node/store_audit.c: the audit log's tables.  See store_audit.h.
 */
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_audit.h"
#include "node/store_run.h"
#include "protocol/sig.h"

static const char SQL_LAST[] =
    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
static const char SQL_LAST_CP[] =
    "SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";
static const char SQL_PUT[] =
    "INSERT INTO audit (seq, at, login, role, os_user, addr, action,"
    " dossiers, reason, detail, prev, hash)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_CP_PUT[] =
    "INSERT INTO audit_checkpoints (seq, hash, at, key_id, sig)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_ALL[] =
    "SELECT seq, at, login, role, os_user, addr, action, dossiers, reason,"
    " detail, prev, hash FROM audit ORDER BY seq";
static const char SQL_FIND[] =
    "SELECT seq, at, login, role, os_user, addr, action, dossiers, reason,"
    " detail FROM audit WHERE (?1 IS NULL OR instr(' ' || dossiers || ' ',"
    " ' ' || ?1 || ' ') > 0) AND (?2 IS NULL OR login = ?2)"
    " AND (?3 IS NULL OR at >= ?3) ORDER BY seq";
static const char SQL_CP_ALL[] =
    "SELECT seq, hash, at, key_id, sig FROM audit_checkpoints ORDER BY seq";
static const char SQL_ENTRY_HASH[] = "SELECT hash FROM audit WHERE seq = ?1";
static const char SQL_SYNC_FULL[] = "PRAGMA synchronous = FULL";
static const char SQL_SYNC_NORMAL[] = "PRAGMA synchronous = NORMAL";

static int
bind_failed(struct store *st, sqlite3_stmt *s)
{
	return (store_bind_failed(st, s, "audit"));
}

int
store_audit_last(struct store *st, struct store_audit_last *last)
{
	sqlite3_stmt	*s;
	int		 r;

	memset(last, 0, sizeof(*last));
	if ((s = store_stmt(st, SQL_LAST)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		last->seq = sqlite3_column_int64(s, 0);
		if (sqlite3_column_bytes(s, 1) == STORE_AUDIT_HASH)
			memcpy(last->hash, sqlite3_column_blob(s, 1),
			    STORE_AUDIT_HASH);
	}
	sqlite3_reset(s);
	if (r != STORE_ROW && r != STORE_DONE)
		return (-1);
	if ((s = store_stmt(st, SQL_LAST_CP)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		last->cp_seq = sqlite3_column_int64(s, 0);
		last->cp_at = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return (r == STORE_ROW || r == STORE_DONE ? 0 : -1);
}

int
store_audit_append_row(struct store *st, int64_t seq, int64_t at,
    const char *const col[STORE_AUDIT_NCOLS],
    const uint8_t prev[STORE_AUDIT_HASH], const uint8_t hash[STORE_AUDIT_HASH])
{
	sqlite3_stmt	*s;
	int		 i;

	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, at) != SQLITE_OK)
		return (bind_failed(st, s));
	for (i = 0; i < STORE_AUDIT_NCOLS; i++)
		if (sqlite3_bind_text(s, 3 + i, col[i], -1, SQLITE_STATIC) !=
		    SQLITE_OK)
			return (bind_failed(st, s));
	if (sqlite3_bind_blob(s, 11, prev, STORE_AUDIT_HASH, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_blob(s, 12, hash, STORE_AUDIT_HASH,
	    SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_audit_checkpoint_put(struct store *st, int64_t seq,
    const uint8_t hash[STORE_AUDIT_HASH], int64_t at, const char *key_id,
    const uint8_t *sig)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_CP_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, hash, STORE_AUDIT_HASH, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 3, at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, key_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, sig, SIG_LEN, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

/* Walk s, an entry per row (with the hashes when hashes), calling fn;
 * reset it.  As store_audit_rows returns. */
static int
walk(struct store *st, sqlite3_stmt *s, bool hashes, store_audit_fn fn,
    void *arg)
{
	struct store_audit_row	 row;
	int			 r, i, rc = 0;

	memset(&row, 0, sizeof(row));
	while ((r = store_step(st, s)) == STORE_ROW) {
		row.seq = sqlite3_column_int64(s, 0);
		row.at = sqlite3_column_int64(s, 1);
		for (i = 0; i < STORE_AUDIT_NCOLS; i++)
			row.col[i] = (const char *)sqlite3_column_text(s,
			    2 + i);
		if (hashes) {
			row.prev = sqlite3_column_blob(s, 10);
			row.prevlen = (size_t)sqlite3_column_bytes(s, 10);
			row.hash = sqlite3_column_blob(s, 11);
			row.hashlen = (size_t)sqlite3_column_bytes(s, 11);
		}
		if ((rc = fn(&row, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_audit_rows(struct store *st, store_audit_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_ALL)) == NULL)
		return (-1);
	return (walk(st, s, true, fn, arg));
}

int
store_audit_find(struct store *st, const char *dossier, const char *login,
    int64_t since, store_audit_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_FIND)) == NULL)
		return (-1);
	if ((dossier != NULL && sqlite3_bind_text(s, 1, dossier, -1,
	    SQLITE_STATIC) != SQLITE_OK) || (login != NULL &&
	    sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    (since >= 0 && sqlite3_bind_int64(s, 3, since) != SQLITE_OK))
		return (bind_failed(st, s));
	return (walk(st, s, false, fn, arg));
}

int
store_audit_hash_at(struct store *st, int64_t seq,
    uint8_t out[STORE_AUDIT_HASH])
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = store_stmt(st, SQL_ENTRY_HASH)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_ROW &&
	    sqlite3_column_bytes(s, 0) == STORE_AUDIT_HASH) {
		memcpy(out, sqlite3_column_blob(s, 0), STORE_AUDIT_HASH);
		rc = 0;
	} else if (r == STORE_ROW || r == STORE_DONE)
		rc = 1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_audit_checkpoints(struct store *st, store_audit_cp_fn fn, void *arg)
{
	sqlite3_stmt			*s;
	struct store_audit_cp_row	 row;
	int				 r, rc = 0;

	if ((s = store_stmt(st, SQL_CP_ALL)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		row.seq = sqlite3_column_int64(s, 0);
		row.hash = sqlite3_column_blob(s, 1);
		row.hashlen = (size_t)sqlite3_column_bytes(s, 1);
		row.at = sqlite3_column_int64(s, 2);
		row.key_id = (const char *)sqlite3_column_text(s, 3);
		row.sig = sqlite3_column_blob(s, 4);
		row.siglen = (size_t)sqlite3_column_bytes(s, 4);
		if ((rc = fn(&row, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}

bool
store_audit_only_reads(struct store *st)
{
	return (sqlite3_total_changes64(store_db(st)) == 0);
}

int
store_audit_sync(struct store *st, bool full)
{
	return (store_exec(st, full ? SQL_SYNC_FULL : SQL_SYNC_NORMAL));
}

void
store_audit_keep_wal(struct store *st)
{
	(void)sqlite3_db_config(store_db(st), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
	    1, NULL);
}

int
store_audit_ids(struct store *st, sqlite3_stmt *s, const int *cols,
    int ncols, int (*fn)(const char *, void *), void *arg)
{
	const char	*v;
	int		 r = STORE_DONE, c, rc = 0;

	while (rc == 0 && (r = store_step(st, s)) == STORE_ROW)
		for (c = 0; rc == 0 && c < ncols; c++)
			if ((v = (const char *)sqlite3_column_text(s,
			    cols[c])) != NULL)
				rc = fn(v, arg);
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}
