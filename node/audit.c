/*
 * node/audit.c: the audit log (audit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "node/audit.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_audit.h"
#include "protocol/digest.h"
#include "protocol/log.h"
#include "protocol/sig.h"

#define HASH_LEN	STORE_AUDIT_HASH
_Static_assert(HASH_LEN == DIGEST_SHA256_LEN, "an entry's hash is a SHA-256");
#define SIG_PREFIX	"opora audit checkpoint v1\n"
#define NCOLS		STORE_AUDIT_NCOLS

_Static_assert(AUDIT_NCOLS == STORE_AUDIT_NCOLS, "the audit's columns");

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
 * no two entries encode alike.  It cannot fail. */
static void
entry_hash(const uint8_t prev[HASH_LEN], int64_t seq, int64_t at,
    const char *const col[NCOLS], uint8_t out[HASH_LEN])
{
	struct digest_sha256_ctx ctx;
	uint8_t		 b[8];
	size_t		 i, n;

	digest_sha256_init(&ctx);
	digest_sha256_update(&ctx, prev, HASH_LEN);
	be64(b, (uint64_t)seq);
	digest_sha256_update(&ctx, b, 8);
	be64(b, (uint64_t)at);
	digest_sha256_update(&ctx, b, 8);
	for (i = 0; i < NCOLS; i++) {
		n = col[i] != NULL ? strlen(col[i]) : 0;
		b[0] = (uint8_t)(n >> 24);
		b[1] = (uint8_t)(n >> 16);
		b[2] = (uint8_t)(n >> 8);
		b[3] = (uint8_t)n;
		digest_sha256_update(&ctx, b, 4);
		if (n > 0)
			digest_sha256_update(&ctx, col[i], n);
	}
	digest_sha256_final(&ctx, out);
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
	uint8_t		 msg[8 + HASH_LEN + 8], sig[SIG_LEN];

	cp_message(seq, hash, at, msg);
	if (sig_sign(n->key, SIG_PREFIX, msg, sizeof(msg), sig) == -1)
		return (-1);
	return (store_audit_checkpoint_put(n->st, seq, hash, at, n->key_id,
	    sig));
}

/* One entry, its dossier ids within AUDIT_DOSSIERS_MAX. */
static int
append_one(struct node *n, const struct audit_entry *e)
{
	struct store_audit_last	 last;
	const char		*col[NCOLS] = { e->login, e->role, e->os_user,
				    e->addr, e->action, e->dossiers,
				    e->reason, e->detail };
	uint8_t			 hash[HASH_LEN];
	int64_t			 seq, at = (int64_t)(node_now_ms() / 1000);
	size_t			 i;

	for (i = 0; i < NCOLS; i++) {
		if (col[i] == NULL)
			col[i] = "";
		if (strlen(col[i]) > (i == 5 ? AUDIT_DOSSIERS_MAX :
		    AUDIT_TEXT_MAX)) {
			log_warnx("audit: a column is too long");
			return (-1);
		}
	}
	if (store_audit_last(n->st, &last) == -1)
		return (-1);
	seq = last.seq + 1;
	entry_hash(last.hash, seq, at, col, hash);
	if (store_audit_append_row(n->st, seq, at, col, last.hash, hash) == -1)
		return (-1);
	if (seq - last.cp_seq >= AUDIT_CHECKPOINT_EVERY ||
	    at - last.cp_at >= AUDIT_CHECKPOINT_S)
		return (checkpoint(n, seq, hash, at));
	return (0);
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
	bool		 only_reads;

	/* Whether this connection wrote nothing else so far (see below). */
	only_reads = store_audit_only_reads(n->st);
	if (only_reads && store_audit_sync(n->st, false) == -1)
		return (-1);
	if (store_begin(n->st) == -1)
		goto fail;
	if (audit_append(n, e) == -1 || store_commit(n->st) == -1) {
		store_rollback(n->st);
		goto fail;
	}
	if (only_reads && store_audit_sync(n->st, true) == -1)
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
		store_audit_keep_wal(n->st);
	return (0);
fail:
	if (only_reads)
		(void)store_audit_sync(n->st, true);
	return (-1);
}

/* What verify_entries carries from one entry to the next. */
struct chain {
	uint8_t		 prev[HASH_LEN];
	int64_t		 want;		/* the number the next entry has */
	char		*why;
	size_t		 whysz;
};

/* One entry of the chain: 0 when it follows, 1 with why, -1. */
static int
verify_entry(const struct store_audit_row *row, void *arg)
{
	struct chain	*ch = arg;
	uint8_t		 hash[HASH_LEN];

	if (row->seq != ch->want) {
		snprintf(ch->why, ch->whysz, "entry %lld is missing (found "
		    "%lld): entries were deleted or renumbered",
		    (long long)ch->want, (long long)row->seq);
		return (1);
	}
	if (row->prevlen != HASH_LEN || CRYPTO_memcmp(row->prev, ch->prev,
	    HASH_LEN) != 0) {
		snprintf(ch->why, ch->whysz, "entry %lld does not follow the "
		    "entry before it: entries were deleted, moved or changed",
		    (long long)row->seq);
		return (1);
	}
	entry_hash(ch->prev, row->seq, row->at, row->col, hash);
	if (row->hashlen != HASH_LEN || CRYPTO_memcmp(row->hash, hash,
	    HASH_LEN) != 0) {
		snprintf(ch->why, ch->whysz, "entry %lld was changed after it "
		    "was written", (long long)row->seq);
		return (1);
	}
	memcpy(ch->prev, hash, HASH_LEN);
	ch->want++;
	return (0);
}

static int
verify_entries(struct node *n, int64_t *count, char *why, size_t whysz)
{
	struct chain	 ch;
	int		 rc;

	*count = 0;
	memset(&ch, 0, sizeof(ch));
	ch.want = 1;
	ch.why = why;
	ch.whysz = whysz;
	/* A row that cannot be read is -1: never a shorter chain. */
	if ((rc = store_audit_rows(n->st, verify_entry, &ch)) == 0)
		*count = ch.want - 1;
	return (rc);
}

/* What verify_checkpoint carries from one checkpoint to the next. */
struct cps {
	struct node	*n;
	struct sig_pub	*p;
	int64_t		 last, count;
	char		*why;
	size_t		 whysz;
};

/* One checkpoint: 0 when it holds, 1 with why, -1. */
static int
verify_checkpoint(const struct store_audit_cp_row *row, void *arg)
{
	struct cps	*c = arg;
	char		 region[16];
	uint8_t		 msg[8 + HASH_LEN + 8], h[HASH_LEN], pub[SIG_PUB_LEN];
	bool		 revoked;
	int		 r;

	if (row->seq - c->last > AUDIT_CHECKPOINT_EVERY) {
		snprintf(c->why, c->whysz, "no checkpoint between entries "
		    "%lld and %lld: checkpoints were deleted",
		    (long long)c->last, (long long)row->seq);
		return (1);
	}
	if (row->hashlen != HASH_LEN || row->siglen != SIG_LEN ||
	    row->key_id == NULL)
		r = 1;
	else if ((r = store_audit_hash_at(c->n->st, row->seq, h)) == -1)
		return (-1);
	if (r != 0 || CRYPTO_memcmp(h, row->hash, HASH_LEN) != 0) {
		snprintf(c->why, c->whysz, "the checkpoint of entry %lld "
		    "does not match the log: entries were changed or "
		    "deleted", (long long)row->seq);
		return (1);
	}
	if ((r = store_key_get(c->n->st, row->key_id, region, pub,
	    &revoked)) == -1)
		return (-1);
	if (r != 0 || strcmp(region, c->n->cfg.region) != 0) {
		snprintf(c->why, c->whysz, "the checkpoint of entry %lld "
		    "names a key this node does not hold", (long long)row->seq);
		return (1);
	}
	sig_pub_free(c->p);
	if ((c->p = sig_pub_new(pub)) == NULL)
		return (-1);
	cp_message(row->seq, h, row->at, msg);
	if (sig_verify(c->p, SIG_PREFIX, msg, sizeof(msg), row->sig) != 0) {
		snprintf(c->why, c->whysz, "the signature of the checkpoint "
		    "of entry %lld does not verify", (long long)row->seq);
		return (1);
	}
	c->last = row->seq;
	c->count++;
	return (0);
}

static int
verify_checkpoints(struct node *n, int64_t entries, int64_t *count,
    char *why, size_t whysz)
{
	struct cps	 c;
	int		 rc;

	*count = 0;
	memset(&c, 0, sizeof(c));
	c.n = n;
	c.why = why;
	c.whysz = whysz;
	rc = store_audit_checkpoints(n->st, verify_checkpoint, &c);
	sig_pub_free(c.p);
	if (rc != 0)
		return (rc);
	*count = c.count;
	/* The first entry always makes a checkpoint (none an hour before). */
	if (entries - c.last >= AUDIT_CHECKPOINT_EVERY ||
	    (entries > 0 && c.count == 0)) {
		snprintf(why, whysz, "entries after %lld have no checkpoint: "
		    "checkpoints were deleted", (long long)c.last);
		return (1);
	}
	return (0);
}

/* audit_each's function and its argument, for find_one. */
struct find {
	int	(*fn)(int64_t, int64_t, const char *const *, void *);
	void	*arg;
};

static int
find_one(const struct store_audit_row *row, void *arg)
{
	struct find	*f = arg;
	const char	*col[AUDIT_NCOLS];
	int		 c;

	for (c = 0; c < AUDIT_NCOLS; c++)
		col[c] = row->col[c] != NULL ? row->col[c] : "";
	return (f->fn(row->seq, row->at, col, f->arg));
}

int
audit_each(struct node *n, const char *dossier, const char *login,
    int64_t since, int (*fn)(int64_t, int64_t, const char *const *, void *),
    void *arg)
{
	struct find	 f = { fn, arg };
	int		 rc;

	if ((rc = store_audit_find(n->st, dossier, login, since, find_one,
	    &f)) == -1)
		log_warnx("audit: the entries cannot be read");
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
