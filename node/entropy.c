/*
 * node/entropy.c: anti-entropy.  See entropy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "node/entropy.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/wire.h"

static void
hex32(const unsigned char md[32], char out[ENTROPY_DIGEST_HEX + 1])
{
	static const char	 x[] = "0123456789abcdef";
	int			 i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = x[md[i] >> 4];
		out[2 * i + 1] = x[md[i] & 15];
	}
	out[ENTROPY_DIGEST_HEX] = '\0';
}

/* What dossier_digest hashes the ids into. */
struct digest {
	EVP_MD_CTX	*ctx;
	int64_t		 count;
};

static int
digest_id(const char *id, void *arg)
{
	struct digest	*d = arg;

	if (EVP_DigestUpdate(d->ctx, id, strlen(id)) != 1)
		return (1);
	d->count++;
	return (0);
}

/* The digest of a dossier's change ids, in the order of their ids, and
 * their number.  0 / -1. */
static int
dossier_digest(struct store *st, const char *id,
    char out[ENTROPY_DIGEST_HEX + 1], int64_t *countp)
{
	struct digest	 d = { NULL, 0 };
	unsigned char	 md[32];
	int		 r, rc = -1;

	if ((d.ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(d.ctx, EVP_sha256(), NULL) != 1)
		goto out;
	if ((r = store_change_ids(st, id, digest_id, &d)) != 0) {
		if (r == -1)
			log_warnx("anti-entropy: cannot read dossier %s", id);
		else
			log_warnx("anti-entropy: digest of dossier %s failed",
			    id);
		goto out;
	}
	if (EVP_DigestFinal_ex(d.ctx, md, NULL) != 1)
		goto out;
	hex32(md, out);
	*countp = d.count;
	rc = 0;
out:
	EVP_MD_CTX_free(d.ctx);
	return (rc);
}

/*
 * The summary of the dossiers regions self and peer share by the records
 * of n: their number and the digest over them (entropy.h).  0 / -1.
 */
static int
summary(struct store *st, const char *self, const char *peer,
    int64_t *countp, char out[ENTROPY_DIGEST_HEX + 1])
{
	EVP_MD_CTX	*ctx;
	char		(*ids)[37] = NULL, after[37] = "";
	char		 d[ENTROPY_DIGEST_HEX + 1];
	unsigned char	 md[32];
	size_t		 n, i;
	int64_t		 count = 0, k;
	int		 rc = -1;

	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	do {
		free(ids);
		if (feed_shared(st, self, peer, after, ENTROPY_PAGE_MAX, &ids,
		    &n) == -1)
			goto out;
		for (i = 0; i < n; i++) {
			if (dossier_digest(st, ids[i], d, &k) == -1 ||
			    EVP_DigestUpdate(ctx, ids[i], 36) != 1 ||
			    EVP_DigestUpdate(ctx, d, ENTROPY_DIGEST_HEX) != 1)
				goto out;
			count++;
		}
		if (n > 0)
			memcpy(after, ids[n - 1], sizeof(after));
	} while (n == ENTROPY_PAGE_MAX);
	if (EVP_DigestFinal_ex(ctx, md, NULL) != 1)
		goto out;
	hex32(md, out);
	*countp = count;
	rc = 0;
out:
	free(ids);
	EVP_MD_CTX_free(ctx);
	return (rc);
}

int
entropy_summary(struct node *n, const char *peer, struct buf *out)
{
	char	 d[ENTROPY_DIGEST_HEX + 1];
	int64_t	 count;

	if (summary(n->st, n->cfg.region, peer, &count, d) == -1)
		return (-1);
	buf_addf(out, "{\"count\":%lld,\"digest\":\"%s\"}", (long long)count,
	    d);
	return (buf_failed(out) ? -1 : 0);
}

int
entropy_page(struct node *n, const char *peer, const char *after,
    int limit, struct buf *out)
{
	char	(*ids)[37] = NULL, d[ENTROPY_DIGEST_HEX + 1];
	size_t	 k, i;
	int64_t	 count;
	int	 rc = -1;

	/* One more than asked tells whether more follow. */
	if (limit < 1 || limit > ENTROPY_PAGE_MAX ||
	    feed_shared(n->st, n->cfg.region, peer, after, limit + 1, &ids,
	    &k) == -1)
		return (-1);
	buf_adds(out, "{\"dossiers\":[");
	for (i = 0; i < k && i < (size_t)limit; i++) {
		if (dossier_digest(n->st, ids[i], d, &count) == -1)
			goto out;
		buf_addf(out, "%s{\"changes\":%lld,\"digest\":\"%s\","
		    "\"id\":\"%s\"}", i > 0 ? "," : "", (long long)count, d,
		    ids[i]);
	}
	buf_addf(out, "],\"more\":%s}", k > (size_t)limit ? "true" : "false");
	rc = buf_failed(out) ? -1 : 0;
out:
	free(ids);
	return (rc);
}

/* The root of the peer's summary: 0, or -1 with why. */
static int
parse_root(const struct buf *b, int64_t *count, char d[ENTROPY_DIGEST_HEX + 1],
    char *why, size_t whysz)
{
	cJSON		*j;
	const cJSON	*v;
	int		 rc = -1;

	if ((j = cJSON_ParseWithLength(b->data, b->len)) != NULL &&
	    num_json(cJSON_GetObjectItemCaseSensitive(j, "count"), 0,
	    ENTROPY_MAX_SHARED, count) == 0 &&
	    cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(j,
	    "digest")) && strlen(v->valuestring) == ENTROPY_DIGEST_HEX &&
	    strspn(v->valuestring, "0123456789abcdef") ==
	    ENTROPY_DIGEST_HEX) {
		memcpy(d, v->valuestring, ENTROPY_DIGEST_HEX + 1);
		rc = 0;
	} else
		snprintf(why, whysz, "the peer's summary is not a valid "
		    "answer");
	cJSON_Delete(j);
	return (rc);
}

/* Dossier ids to fetch, with the digest the peer gave. */
struct todo {
	char	 id[37];
	char	 digest[ENTROPY_DIGEST_HEX + 1];
};

/*
 * One page of the peer's digests: compare each with this node's, and list
 * those that differ in todo (up to ENTROPY_MAX_REPAIR).  Moves after to
 * the last id; *more says whether pages follow.  0, or -1 with why.
 */
static int
compare_page(struct node *n, const struct buf *b, int limit, char after[37],
    bool *more, struct todo *todo, size_t *ntodo, struct entropy_result *r,
    char *why, size_t whysz)
{
	cJSON		*j;
	const cJSON	*a, *it, *id, *dg;
	char		 mine[ENTROPY_DIGEST_HEX + 1];
	int64_t		 theirs, count;
	int		 rc = -1;

	if ((j = cJSON_ParseWithLength(b->data, b->len)) == NULL ||
	    !cJSON_IsArray(a = cJSON_GetObjectItemCaseSensitive(j,
	    "dossiers")) || cJSON_GetArraySize(a) > limit ||
	    !cJSON_IsBool(it = cJSON_GetObjectItemCaseSensitive(j, "more"))) {
		snprintf(why, whysz, "the peer's summary page is not a valid "
		    "answer");
		goto out;
	}
	*more = cJSON_IsTrue(it);
	if (*more && cJSON_GetArraySize(a) == 0) {
		snprintf(why, whysz, "the peer's summary page is empty but "
		    "says more follow");
		goto out;
	}
	cJSON_ArrayForEach(it, a) {
		id = cJSON_GetObjectItemCaseSensitive(it, "id");
		dg = cJSON_GetObjectItemCaseSensitive(it, "digest");
		/* Ids strictly ascending: the paging ends. */
		if (!cJSON_IsString(id) || !fields_uuid_valid(id->valuestring,
		    strlen(id->valuestring)) ||
		    strcmp(id->valuestring, after) <= 0 ||
		    !cJSON_IsString(dg) ||
		    strlen(dg->valuestring) != ENTROPY_DIGEST_HEX ||
		    strspn(dg->valuestring, "0123456789abcdef") !=
		    ENTROPY_DIGEST_HEX ||
		    num_json(cJSON_GetObjectItemCaseSensitive(it, "changes"),
		    0, NUM_JSON_MAX, &theirs) == -1) {
			snprintf(why, whysz, "the peer's summary page is not "
			    "a valid answer");
			goto out;
		}
		memcpy(after, id->valuestring, 37);
		if (++r->shared > ENTROPY_MAX_SHARED) {
			snprintf(why, whysz, "the peer lists more than %d "
			    "shared dossiers", ENTROPY_MAX_SHARED);
			goto out;
		}
		if (dossier_digest(n->st, after, mine, &count) == -1) {
			snprintf(why, whysz, "cannot read this node's "
			    "dossier %s", after);
			goto out;
		}
		if (strcmp(mine, dg->valuestring) == 0)
			continue;
		r->differed++;
		if (*ntodo < ENTROPY_MAX_REPAIR) {
			memcpy(todo[*ntodo].id, after, 37);
			memcpy(todo[*ntodo].digest, dg->valuestring,
			    ENTROPY_DIGEST_HEX + 1);
			(*ntodo)++;
		}
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return (rc);
}

/*
 * Fetch dossier t whole from the peer and take it in.  0 (counted in r),
 * 1 when the peer is gone, -1 with why (the round goes on with the next).
 */
static int
repair_one(struct node *n, const char *peer, entropy_get_fn get, void *arg,
    const struct todo *t, struct entropy_result *r, char *why, size_t whysz)
{
	struct wire_feed	 f;
	struct feed_stats	 st;
	struct buf		 body;
	char			 path[64], mine[ENTROPY_DIGEST_HEX + 1];
	int64_t			 cursor, count;
	int			 k, rc = -1;

	memset(&f, 0, sizeof(f));
	memset(&st, 0, sizeof(st));
	buf_init(&body, LIMIT_FEED_BYTES);
	snprintf(path, sizeof(path), "/v1/dossiers/%s/changes", t->id);
	r->requests++;
	if (get(arg, path, &body, why, whysz) == -1)
		goto out;
	r->bytes += body.len;
	if (wire_feed_parse(body.data, body.len, &f, why, whysz) == -1)
		goto out;
	if ((k = store_peer_cursor(n->st, peer, &cursor)) != 0) {
		snprintf(why, whysz, k == 1 ? "no peer %s (removed)" :
		    "cannot read the cursor of %s", peer);
		rc = k;
		goto out;
	}
	/* The cursor stays; storing it checks, in the same transaction,
	 * that the peer still exists. */
	f.next = cursor;
	if (feed_apply(n, peer, &f, true, &st, why, whysz) == -1)
		goto out;
	r->applied += (int64_t)st.applied;
	if (st.applied > 0)
		r->repaired++;
	if (dossier_digest(n->st, t->id, mine, &count) == -1) {
		snprintf(why, whysz, "cannot read dossier %s", t->id);
		goto out;
	}
	if (strcmp(mine, t->digest) != 0)
		r->unresolved++;
	rc = 0;
out:
	wire_feed_free(&f);
	buf_free(&body);
	return (rc);
}

/* Record r as peer's last round, for 'opora status'. */
static void
record(struct node *n, const char *peer, const struct entropy_result *r)
{
	char		 e[ESC_LONG];

	/* A removed peer (1) has no row to refer to: nothing to record;
	 * a failure is logged by the store. */
	(void)store_round_put(n->st, peer, (int64_t)r->at, r->ok, r->shared,
	    r->differed, r->applied, r->unresolved, r->ok ? NULL :
	    esc_str(r->why, e, sizeof(e)));
}

/* Page through the peer's digests, listing the dossiers that differ. */
static int
compare_all(struct node *n, entropy_get_fn get, void *arg, struct todo *todo,
    size_t *ntodo, struct entropy_result *r)
{
	struct buf	 body;
	char		 after[37] = "", path[128];
	bool		 more = true;
	int		 rc = 0;

	r->shared = 0;
	while (more && rc == 0) {
		buf_init(&body, ENTROPY_PAGE_BYTES);
		snprintf(path, sizeof(path),
		    "/v1/summary/dossiers?limit=%d%s%s", ENTROPY_PAGE_DEFAULT,
		    after[0] ? "&after=" : "", after);
		r->requests++;
		if (get(arg, path, &body, r->why, sizeof(r->why)) == -1 ||
		    (r->bytes += body.len, compare_page(n, &body,
		    ENTROPY_PAGE_DEFAULT, after, &more, todo, ntodo, r, r->why,
		    sizeof(r->why))) == -1)
			rc = -1;
		buf_free(&body);
	}
	return (rc);
}

int
entropy_round(struct node *n, const char *peer, entropy_get_fn get,
    void *arg, struct entropy_result *r)
{
	struct todo	*todo = NULL;
	struct buf	 body;
	char		 theirs[ENTROPY_DIGEST_HEX + 1];
	char		 mine[ENTROPY_DIGEST_HEX + 1], why[256], e[ESC_LONG];
	int64_t		 tcount, mcount;
	size_t		 ntodo = 0, i;
	int		 k, failed = 0;

	memset(r, 0, sizeof(*r));
	buf_init(&body, ENTROPY_ROOT_BYTES);
	r->requests++;
	if (get(arg, "/v1/summary", &body, r->why, sizeof(r->why)) == -1 ||
	    (r->bytes += body.len, parse_root(&body, &tcount, theirs, r->why,
	    sizeof(r->why))) == -1)
		goto done;
	if (summary(n->st, n->cfg.region, peer, &mcount, mine) == -1) {
		snprintf(r->why, sizeof(r->why), "cannot read this node's "
		    "summary");
		goto done;
	}
	r->shared = tcount;
	if (tcount == mcount && strcmp(theirs, mine) == 0) {
		r->in_step = true;
		r->ok = true;
		goto done;
	}
	if ((todo = calloc(ENTROPY_MAX_REPAIR, sizeof(*todo))) == NULL) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		goto done;
	}
	if (compare_all(n, get, arg, todo, &ntodo, r) == -1)
		goto done;
	for (i = 0; i < ntodo; i++) {
		if ((k = repair_one(n, peer, get, arg, &todo[i], r, why,
		    sizeof(why))) == 1) {
			snprintf(r->why, sizeof(r->why), "%s", why);
			goto done;
		}
		if (k == -1) {
			failed++;
			r->unresolved++;
			log_warnx("anti-entropy: dossier %s from %s: %s",
			    todo[i].id, peer, esc_str(why, e, sizeof(e)));
		}
	}
	/* Beyond ENTROPY_MAX_REPAIR: for the next round. */
	r->unresolved += r->differed - (int64_t)ntodo;
	r->ok = true;
	if (failed > 0)
		log_warnx("anti-entropy with %s: %d of %zu dossiers could not "
		    "be fetched; the next round tries again", peer, failed,
		    ntodo);
done:
	r->at = node_now_ms();
	if (!r->ok)
		log_warnx("anti-entropy with %s: %s", peer, esc_str(r->why, e,
		    sizeof(e)));
	else if (!r->in_step)
		log_info("anti-entropy with %s: %lld of %lld shared dossiers "
		    "differed; %lld changes applied to %lld of them; %lld "
		    "still differ", peer, (long long)r->differed,
		    (long long)r->shared, (long long)r->applied,
		    (long long)r->repaired, (long long)r->unresolved);
	record(n, peer, r);
	free(todo);
	buf_free(&body);
	return (r->ok ? 0 : -1);
}
