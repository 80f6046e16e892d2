/*
 * node/audit.c: the audit log (audit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "node/audit.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/log.h"
#include "protocol/sig.h"

#define HASH_LEN	32
#define SIG_PREFIX	"opora audit checkpoint v1\n"
#define NCOLS		8

static const char SQL_LAST[] =
    "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
static const char SQL_LAST_CP[] =
    "SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";
static const char SQL_PUT[] =
    "INSERT INTO audit (seq, at, login, role, os_user, addr, action,"
    " dossiers, reason, detail, prev, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CP_PUT[] =
    "INSERT INTO audit_checkpoints (seq, hash, at, key_id, sig)"
    " VALUES (?, ?, ?, ?, ?)";
static const char SQL_ALL[] =
    "SELECT seq, at, login, role, os_user, addr, action, dossiers, reason,"
    " detail, prev, hash FROM audit ORDER BY seq";
static const char SQL_CP_ALL[] =
    "SELECT seq, hash, at, key_id, sig FROM audit_checkpoints ORDER BY seq";
static const char SQL_ENTRY_HASH[] = "SELECT hash FROM audit WHERE seq = ?";

static void
be64(uint8_t out[8], uint64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* The hash of an entry: SHA-256 of the previous hash, the number, the
 * time and each text column as a 4-byte big-endian length and its bytes:
 * no two entries encode alike. */
static int
entry_hash(const uint8_t prev[HASH_LEN], int64_t seq, int64_t at,
    const char *const col[NCOLS], uint8_t out[HASH_LEN])
{
	EVP_MD_CTX	*ctx;
	uint8_t		 b[8];
	unsigned int	 len = 0;
	size_t		 i, n;
	int		 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, prev, HASH_LEN) == 1;
	be64(b, (uint64_t)seq);
	ok = ok && EVP_DigestUpdate(ctx, b, 8) == 1;
	be64(b, (uint64_t)at);
	ok = ok && EVP_DigestUpdate(ctx, b, 8) == 1;
	for (i = 0; ok && i < NCOLS; i++) {
		n = col[i] != NULL ? strlen(col[i]) : 0;
		b[0] = (uint8_t)(n >> 24);
		b[1] = (uint8_t)(n >> 16);
		b[2] = (uint8_t)(n >> 8);
		b[3] = (uint8_t)n;
		ok = EVP_DigestUpdate(ctx, b, 4) == 1 &&
		    (n == 0 || EVP_DigestUpdate(ctx, col[i], n) == 1);
	}
	ok = ok && EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == HASH_LEN;
	EVP_MD_CTX_free(ctx);
	return (ok ? 0 : -1);
}

static void
cp_message(int64_t seq, const uint8_t hash[HASH_LEN], int64_t at,
    uint8_t msg[8 + HASH_LEN + 8])
{
	be64(msg, (uint64_t)seq);
	memcpy(msg + 8, hash, HASH_LEN);
	be64(msg + 8 + HASH_LEN, (uint64_t)at);
}

static int
checkpoint(struct node *n, int64_t seq, const uint8_t hash[HASH_LEN],
    int64_t at)
{
	sqlite3_stmt	*s;
	uint8_t		 msg[8 + HASH_LEN + 8], sig[SIG_LEN];
	int		 r;

	cp_message(seq, hash, at, msg);
	if (sig_sign(n->key, SIG_PREFIX, msg, sizeof(msg), sig) == -1)
		return (-1);
	if ((s = store_stmt(n->st, SQL_CP_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, hash, HASH_LEN, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(s, 3, at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, n->key_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, sig, SIG_LEN, SQLITE_STATIC) != SQLITE_OK)
		r = SQLITE_ERROR;
	else
		r = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != SQLITE_DONE) {
		log_warnx("audit checkpoint: %s", sqlite3_errmsg(
		    store_db(n->st)));
		return (-1);
	}
	return (0);
}

/* One entry, its dossier ids within AUDIT_DOSSIERS_MAX. */
static int
append_one(struct node *n, const struct audit_entry *e)
{
	sqlite3_stmt	*s;
	const char	*col[NCOLS] = { e->login, e->role, e->os_user,
			    e->addr, e->action, e->dossiers, e->reason,
			    e->detail };
	uint8_t		 prev[HASH_LEN] = { 0 }, hash[HASH_LEN];
	int64_t		 seq = 0, at = (int64_t)(node_now_ms() / 1000);
	int64_t		 cp_seq = 0, cp_at = 0;
	size_t		 i;
	int		 r;

	for (i = 0; i < NCOLS; i++) {
		if (col[i] == NULL)
			col[i] = "";
		if (strlen(col[i]) > (i == 5 ? AUDIT_DOSSIERS_MAX :
		    AUDIT_TEXT_MAX)) {
			log_warnx("audit: a column is too long");
			return (-1);
		}
	}
	if ((s = store_stmt(n->st, SQL_LAST)) == NULL)
		return (-1);
	if ((r = sqlite3_step(s)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		if (sqlite3_column_bytes(s, 1) == HASH_LEN)
			memcpy(prev, sqlite3_column_blob(s, 1), HASH_LEN);
	}
	sqlite3_reset(s);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		goto dberr;
	if ((s = store_stmt(n->st, SQL_LAST_CP)) == NULL)
		return (-1);
	if ((r = sqlite3_step(s)) == SQLITE_ROW) {
		cp_seq = sqlite3_column_int64(s, 0);
		cp_at = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		goto dberr;
	seq++;
	if (entry_hash(prev, seq, at, col, hash) == -1)
		return (-1);
	if ((s = store_stmt(n->st, SQL_PUT)) == NULL)
		return (-1);
	r = sqlite3_bind_int64(s, 1, seq) == SQLITE_OK &&
	    sqlite3_bind_int64(s, 2, at) == SQLITE_OK;
	for (i = 0; r && i < NCOLS; i++)
		r = sqlite3_bind_text(s, 3 + (int)i, col[i], -1,
		    SQLITE_STATIC) == SQLITE_OK;
	r = r && sqlite3_bind_blob(s, 11, prev, HASH_LEN, SQLITE_STATIC) ==
	    SQLITE_OK && sqlite3_bind_blob(s, 12, hash, HASH_LEN,
	    SQLITE_STATIC) == SQLITE_OK;
	r = r ? sqlite3_step(s) : SQLITE_ERROR;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != SQLITE_DONE)
		goto dberr;
	if (seq - cp_seq >= AUDIT_CHECKPOINT_EVERY ||
	    at - cp_at >= AUDIT_CHECKPOINT_S)
		return (checkpoint(n, seq, hash, at));
	return (0);
dberr:
	log_warnx("audit: %s", sqlite3_errmsg(store_db(n->st)));
	return (-1);
}

/*
 * A list longer than one entry holds goes into as many entries as it
 * needs, each naming as many whole ids as fit, all in the caller's
 * transaction.
 */
int
audit_append(struct node *n, const struct audit_entry *e)
{
	struct audit_entry	 part;
	char			*ids = NULL;
	const char		*p, *end;
	size_t			 len;
	int			 rc = -1;

	if (e->dossiers == NULL || strlen(e->dossiers) <= AUDIT_DOSSIERS_MAX)
		return (append_one(n, e));
	if ((ids = malloc(AUDIT_DOSSIERS_MAX + 1)) == NULL)
		return (-1);
	part = *e;
	part.dossiers = ids;
	for (p = e->dossiers; *p != '\0'; ) {
		len = strlen(p);
		if (len > AUDIT_DOSSIERS_MAX) {
			/* Cut at the last space within the bound. */
			for (end = p + AUDIT_DOSSIERS_MAX; end > p &&
			    *end != ' '; end--)
				;
			if (end == p) {
				log_warnx("audit: a dossier id is too long");
				goto out;
			}
			len = (size_t)(end - p);
		}
		memcpy(ids, p, len);
		ids[len] = '\0';
		if (append_one(n, &part) == -1)
			goto out;
		p += len;
		while (*p == ' ')
			p++;
	}
	rc = 0;
out:
	free(ids);
	return (rc);
}

int
audit_record(struct node *n, const struct audit_entry *e)
{
#ifdef OPORA_BENCH_NO_AUDIT
	/* build/bench/opora-noaudit only, which 'make bench' builds to
	 * measure what the audit of a read costs (tests/bench/
	 * bench_audit.sh); never installed: reads are not recorded. */
	(void)n;
	(void)e;
	return (0);
#endif
	sqlite3		*db = store_db(n->st);
	bool		 only_reads;

	/* Whether this connection wrote nothing else so far (see below). */
	only_reads = sqlite3_total_changes64(db) == 0;
	if (only_reads && store_exec(n->st, "PRAGMA synchronous = NORMAL") ==
	    -1)
		return (-1);
	if (store_begin(n->st) == -1)
		goto fail;
	if (audit_append(n, e) == -1 || store_commit(n->st) == -1) {
		store_rollback(n->st);
		goto fail;
	}
	if (only_reads && store_exec(n->st, "PRAGMA synchronous = FULL") == -1)
		return (-1);
	/*
	 * The entry is durable now (synchronous=FULL: the WAL is synced at
	 * the commit).  A connection that has written nothing but audit
	 * entries of reads leaves the WAL as it is when it closes instead of
	 * checkpointing it into the database (several more syncs, which made
	 * an audited 'opora show' half as slow again; docs/performance.md,
	 * "The audit").  A later write clears this (store_begin), so a
	 * command that writes still leaves everything in opora.db.
	 */
	if (only_reads)
		(void)sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
		    1, NULL);
	return (0);
fail:
	if (only_reads)
		(void)store_exec(n->st, "PRAGMA synchronous = FULL");
	return (-1);
}

static int
verify_entries(struct node *n, int64_t *count, char *why, size_t whysz)
{
	sqlite3_stmt	*s;
	const char	*col[NCOLS];
	uint8_t		 prev[HASH_LEN] = { 0 }, hash[HASH_LEN];
	int64_t		 seq, at, want = 1;
	int		 r, i, rc = -1;

	*count = 0;
	if ((s = store_stmt(n->st, SQL_ALL)) == NULL)
		return (-1);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		at = sqlite3_column_int64(s, 1);
		for (i = 0; i < NCOLS; i++)
			col[i] = (const char *)sqlite3_column_text(s, 2 + i);
		if (seq != want) {
			snprintf(why, whysz, "entry %lld is missing (found "
			    "%lld): entries were deleted or renumbered",
			    (long long)want, (long long)seq);
			rc = 1;
			goto out;
		}
		if (sqlite3_column_bytes(s, 10) != HASH_LEN ||
		    CRYPTO_memcmp(sqlite3_column_blob(s, 10), prev,
		    HASH_LEN) != 0) {
			snprintf(why, whysz, "entry %lld does not follow the "
			    "entry before it: entries were deleted, moved or "
			    "changed", (long long)seq);
			rc = 1;
			goto out;
		}
		if (entry_hash(prev, seq, at, col, hash) == -1)
			goto out;
		if (sqlite3_column_bytes(s, 11) != HASH_LEN ||
		    CRYPTO_memcmp(sqlite3_column_blob(s, 11), hash,
		    HASH_LEN) != 0) {
			snprintf(why, whysz, "entry %lld was changed after it "
			    "was written", (long long)seq);
			rc = 1;
			goto out;
		}
		memcpy(prev, hash, HASH_LEN);
		want++;
	}
	if (r != SQLITE_DONE)
		goto out;
	*count = want - 1;
	rc = 0;
out:
	sqlite3_reset(s);
	return (rc);
}

static int
entry_hash_at(struct node *n, int64_t seq, uint8_t out[HASH_LEN])
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = store_stmt(n->st, SQL_ENTRY_HASH)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, seq) == SQLITE_OK) {
		if ((r = sqlite3_step(s)) == SQLITE_ROW &&
		    sqlite3_column_bytes(s, 0) == HASH_LEN) {
			memcpy(out, sqlite3_column_blob(s, 0), HASH_LEN);
			rc = 0;
		} else if (r == SQLITE_ROW || r == SQLITE_DONE)
			rc = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

static int
verify_checkpoints(struct node *n, int64_t entries, int64_t *count,
    char *why, size_t whysz)
{
	sqlite3_stmt	*s;
	struct sig_pub	*p = NULL;
	const char	*kid;
	char		 region[16];
	uint8_t		 msg[8 + HASH_LEN + 8], h[HASH_LEN], pub[SIG_PUB_LEN];
	int64_t		 seq, at, last = 0;
	bool		 revoked;
	int		 r, rc = -1;

	*count = 0;
	if ((s = store_stmt(n->st, SQL_CP_ALL)) == NULL)
		return (-1);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(s, 0);
		at = sqlite3_column_int64(s, 2);
		kid = (const char *)sqlite3_column_text(s, 3);
		if (seq - last > AUDIT_CHECKPOINT_EVERY) {
			snprintf(why, whysz, "no checkpoint between entries "
			    "%lld and %lld: checkpoints were deleted",
			    (long long)last, (long long)seq);
			rc = 1;
			goto out;
		}
		if (sqlite3_column_bytes(s, 1) != HASH_LEN ||
		    sqlite3_column_bytes(s, 4) != SIG_LEN || kid == NULL ||
		    entry_hash_at(n, seq, h) != 0 ||
		    CRYPTO_memcmp(h, sqlite3_column_blob(s, 1), HASH_LEN) !=
		    0) {
			snprintf(why, whysz, "the checkpoint of entry %lld "
			    "does not match the log: entries were changed or "
			    "deleted", (long long)seq);
			rc = 1;
			goto out;
		}
		if (store_key_get(n->st, kid, region, pub, &revoked) != 0 ||
		    strcmp(region, n->cfg.region) != 0) {
			snprintf(why, whysz, "the checkpoint of entry %lld "
			    "names a key this node does not hold",
			    (long long)seq);
			rc = 1;
			goto out;
		}
		sig_pub_free(p);
		if ((p = sig_pub_new(pub)) == NULL)
			goto out;
		cp_message(seq, h, at, msg);
		if (sig_verify(p, SIG_PREFIX, msg, sizeof(msg),
		    sqlite3_column_blob(s, 4)) != 0) {
			snprintf(why, whysz, "the signature of the checkpoint "
			    "of entry %lld does not verify", (long long)seq);
			rc = 1;
			goto out;
		}
		last = seq;
		(*count)++;
	}
	if (r != SQLITE_DONE)
		goto out;
	/* The first entry always makes a checkpoint (none an hour before). */
	if (entries - last >= AUDIT_CHECKPOINT_EVERY ||
	    (entries > 0 && *count == 0)) {
		snprintf(why, whysz, "entries after %lld have no checkpoint: "
		    "checkpoints were deleted", (long long)last);
		rc = 1;
		goto out;
	}
	rc = 0;
out:
	sig_pub_free(p);
	sqlite3_reset(s);
	return (rc);
}

static const char SQL_EACH[] =
    "SELECT seq, at, login, role, os_user, addr, action, dossiers, reason,"
    " detail FROM audit WHERE (?1 IS NULL OR instr(' ' || dossiers || ' ',"
    " ' ' || ?1 || ' ') > 0) AND (?2 IS NULL OR login = ?2)"
    " AND (?3 IS NULL OR at >= ?3) ORDER BY seq";

int
audit_each(struct node *n, const char *dossier, const char *login,
    int64_t since, int (*fn)(int64_t, int64_t, const char *const *, void *),
    void *arg)
{
	sqlite3_stmt	*s;
	const char	*col[AUDIT_NCOLS];
	int		 r = STORE_ERR, c, rc = 0;

	if ((s = store_stmt(n->st, SQL_EACH)) == NULL)
		return (-1);
	if ((dossier != NULL && sqlite3_bind_text(s, 1, dossier, -1,
	    SQLITE_STATIC) != SQLITE_OK) || (login != NULL &&
	    sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    (since >= 0 && sqlite3_bind_int64(s, 3, since) != SQLITE_OK))
		goto out;
	while ((r = store_step(n->st, s)) == STORE_ROW) {
		for (c = 0; c < AUDIT_NCOLS; c++) {
			col[c] = (const char *)sqlite3_column_text(s, c + 2);
			if (col[c] == NULL)
				col[c] = "";
		}
		if ((rc = fn(sqlite3_column_int64(s, 0),
		    sqlite3_column_int64(s, 1), col, arg)) != 0)
			break;
	}
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc == 0 && r != STORE_DONE) {
		log_warnx("audit: the entries cannot be read");
		return (-1);
	}
	return (rc);
}

int
audit_verify(struct node *n, int64_t *entries, int64_t *checkpoints,
    char *why, size_t whysz)
{
	int	 r;

	*checkpoints = 0;
	if ((r = verify_entries(n, entries, why, whysz)) != 0)
		return (r);
	return (verify_checkpoints(n, *entries, checkpoints, why, whysz));
}
