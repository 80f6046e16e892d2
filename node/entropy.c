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
#include "node/metrics.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_feed.h"
#include "node/store_peer.h"
#include "protocol/digest.h"
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
	    EVP_DigestInit_ex(d.ctx, digest_sha256_md(), NULL) != 1)
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
 * Offers (docs/protocol.md, "Anti-entropy"): per dossier, the SHA-256 of
 * one line per offer between the two regions that this node has a record
 * of, in the order of the offer's id: "OFFER STATE ENDING\n" (ENDING "-"
 * while offered).  An offer held as a summary and the transfer in the
 * history hash alike, so the origin and the destination of an offer agree
 * once each holds the other's changes about it.
 */
typedef int	(*odig_emit)(const char *dossier, const char *digest,
		    int64_t count, void *arg);
struct odig {
	EVP_MD_CTX	*ctx;
	char		 cur[37];
	int64_t		 count;
	odig_emit	 emit;
	void		*arg;
};

/* Finish the current dossier's digest and hand it on: 0, 1 to stop, -1. */
static int
odig_flush(struct odig *o)
{
	unsigned char	 md[32];
	char		 d[ENTROPY_DIGEST_HEX + 1];
	int		 k;

	if (o->cur[0] == '\0')
		return (0);
	if (EVP_DigestFinal_ex(o->ctx, md, NULL) != 1)
		return (-1);
	hex32(md, d);
	k = o->emit(o->cur, d, o->count, o->arg);
	o->cur[0] = '\0';
	o->count = 0;
	return (k);
}

static int
odig_row(const char *dossier, const char *offer, const char *state,
    const char *ending, void *arg)
{
	struct odig	*o = arg;
	char		 line[256];
	int		 k, len;

	if (strlen(dossier) != 36)
		return (0);		/* not a dossier id: never compared */
	if (strcmp(dossier, o->cur) != 0) {
		if ((k = odig_flush(o)) != 0)
			return (k);
		if (EVP_DigestInit_ex(o->ctx, digest_sha256_md(), NULL) != 1)
			return (-1);
		memcpy(o->cur, dossier, 37);
	}
	len = snprintf(line, sizeof(line), "%s %s %s\n", offer, state,
	    ending[0] != '\0' ? ending : "-");
	if (len < 0 || (size_t)len >= sizeof(line) ||
	    EVP_DigestUpdate(o->ctx, line, (size_t)len) != 1)
		return (-1);
	o->count++;
	return (0);
}

/* Hand emit the offer digest of every dossier after after (of only, if
 * not ""), in id order.  0 (or emit's 1 that stopped it) / -1. */
static int
offers_each(struct store *st, const char *self, const char *peer,
    const char *after, const char *only, odig_emit emit, void *arg)
{
	struct odig	 o;
	int		 k;

	memset(&o, 0, sizeof(o));
	o.emit = emit;
	o.arg = arg;
	if ((o.ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	k = store_feed_offers(st, self, peer, after, only, odig_row, &o);
	if (k == 0)
		k = odig_flush(&o);
	EVP_MD_CTX_free(o.ctx);
	if (k == -1)
		log_warnx("anti-entropy: cannot read the offers between %s "
		    "and %s", self, peer);
	return (k);
}

/* One dossier's offer digest (of nothing, if none). */
struct oone {
	char		*out;
	int64_t		*count;
};

static int
oone_emit(const char *dossier, const char *digest, int64_t count, void *arg)
{
	struct oone	*p = arg;

	(void)dossier;
	memcpy(p->out, digest, ENTROPY_DIGEST_HEX + 1);
	*p->count = count;
	return (0);
}

static int
offer_digest(struct store *st, const char *self, const char *peer,
    const char *id, char out[ENTROPY_DIGEST_HEX + 1], int64_t *countp)
{
	struct oone	 p = { out, countp };

	/* The digest of nothing, unless the dossier has offers. */
	snprintf(out, ENTROPY_DIGEST_HEX + 1, "%s", ENTROPY_EMPTY);
	*countp = 0;
	return (offers_each(st, self, peer, "", id, oone_emit, &p) == -1 ?
	    -1 : 0);
}

/* The offers' summary: the SHA-256 of id and digest of every dossier. */
struct osum {
	EVP_MD_CTX	*ctx;
	int64_t		 count;
};

static int
osum_emit(const char *dossier, const char *digest, int64_t count, void *arg)
{
	struct osum	*p = arg;

	(void)count;
	if (EVP_DigestUpdate(p->ctx, dossier, 36) != 1 ||
	    EVP_DigestUpdate(p->ctx, digest, ENTROPY_DIGEST_HEX) != 1)
		return (-1);
	p->count++;
	return (0);
}

static int
offers_summary(struct store *st, const char *self, const char *peer,
    int64_t *countp, char out[ENTROPY_DIGEST_HEX + 1])
{
	struct osum	 p = { NULL, 0 };
	unsigned char	 md[32];
	int		 rc = -1;

	if ((p.ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(p.ctx, digest_sha256_md(), NULL) != 1 ||
	    offers_each(st, self, peer, "", "", osum_emit, &p) != 0 ||
	    EVP_DigestFinal_ex(p.ctx, md, NULL) != 1)
		goto out;
	hex32(md, out);
	*countp = p.count;
	rc = 0;
out:
	EVP_MD_CTX_free(p.ctx);
	return (rc);
}

/* A page of offer digests, as entropy_page's. */
struct opage {
	struct buf	*out;
	int		 limit, n;
	bool		 more;
};

static int
opage_emit(const char *dossier, const char *digest, int64_t count, void *arg)
{
	struct opage	*p = arg;

	if (p->n == p->limit) {
		p->more = true;
		return (1);
	}
	buf_addf(p->out, "%s{\"changes\":%lld,\"digest\":\"%s\",\"id\":\"%s\"}",
	    p->n > 0 ? "," : "", (long long)count, digest, dossier);
	p->n++;
	return (0);
}

int
entropy_offers_page(struct node *n, const char *peer, const char *after,
    int limit, struct buf *out)
{
	struct opage	 p = { out, limit, 0, false };

	if (limit < 1 || limit > ENTROPY_PAGE_MAX)
		return (-1);
	buf_adds(out, "{\"dossiers\":[");
	if (offers_each(n->st, n->cfg.region, peer, after, "", opage_emit,
	    &p) == -1)
		return (-1);
	buf_addf(out, "],\"more\":%s}", p.more ? "true" : "false");
	return (buf_failed(out) ? -1 : 0);
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
	    EVP_DigestInit_ex(ctx, digest_sha256_md(), NULL) != 1)
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

	char	 od[ENTROPY_DIGEST_HEX + 1];
	int64_t	 ocount;

	if (summary(n->st, n->cfg.region, peer, &count, d) == -1 ||
	    offers_summary(n->st, n->cfg.region, peer, &ocount, od) == -1)
		return (-1);
	buf_addf(out, "{\"count\":%lld,\"digest\":\"%s\"", (long long)count,
	    d);
	/* Only when there are offers: a node before them sends none, and
	 * none is what it has to offer. */
	if (ocount > 0)
		buf_addf(out, ",\"offers\":%lld,\"offers_digest\":\"%s\"",
		    (long long)ocount, od);
	buf_adds(out, "}");
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

/* Whether v is a digest: 64 lowercase hex digits. */
static bool
is_digest(const cJSON *v)
{
	return (cJSON_IsString(v) && strlen(v->valuestring) ==
	    ENTROPY_DIGEST_HEX && strspn(v->valuestring, "0123456789abcdef") ==
	    ENTROPY_DIGEST_HEX);
}

/* The root of the peer's summary, its offers (0 and the digest of
 * nothing when it names none) in oc and od: 0, or -1 with why. */
static int
parse_root(const struct buf *b, int64_t *count, char d[ENTROPY_DIGEST_HEX + 1],
    int64_t *oc, char od[ENTROPY_DIGEST_HEX + 1], char *why, size_t whysz)
{
	cJSON		*j;
	const cJSON	*v, *ov, *odv;
	int		 rc = -1;

	*oc = 0;
	snprintf(od, ENTROPY_DIGEST_HEX + 1, "%s", ENTROPY_EMPTY);
	if ((j = cJSON_ParseWithLength(b->data, b->len)) != NULL &&
	    num_json(cJSON_GetObjectItemCaseSensitive(j, "count"), 0,
	    ENTROPY_MAX_SHARED, count) == 0 &&
	    is_digest(v = cJSON_GetObjectItemCaseSensitive(j, "digest"))) {
		memcpy(d, v->valuestring, ENTROPY_DIGEST_HEX + 1);
		ov = cJSON_GetObjectItemCaseSensitive(j, "offers");
		odv = cJSON_GetObjectItemCaseSensitive(j, "offers_digest");
		if (ov == NULL && odv == NULL)
			rc = 0;
		else if (num_json(ov, 0, ENTROPY_MAX_SHARED, oc) == 0 &&
		    is_digest(odv)) {
			memcpy(od, odv->valuestring, ENTROPY_DIGEST_HEX + 1);
			rc = 0;
		}
	}
	if (rc == -1)
		snprintf(why, whysz, "the peer's summary is not a valid "
		    "answer");
	cJSON_Delete(j);
	return (rc);
}

/* What a round compares: the shared dossiers, or the offers (mine: this
 * node's digest of one dossier). */
struct kind {
	const char	*page;		/* "/v1/summary/dossiers" */
	int		(*mine)(struct store *, const char *, const char *,
			    const char *, char [ENTROPY_DIGEST_HEX + 1],
			    int64_t *);
};

static int
dossier_mine(struct store *st, const char *self, const char *peer,
    const char *id, char out[ENTROPY_DIGEST_HEX + 1], int64_t *countp)
{
	(void)self;
	(void)peer;
	return (dossier_digest(st, id, out, countp));
}

static const struct kind KIND_DOSSIERS = { "/v1/summary/dossiers",
    dossier_mine };
static const struct kind KIND_OFFERS = { "/v1/summary/offers",
    offer_digest };

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
compare_page(struct node *n, const char *peer, const struct kind *kd,
    const struct buf *b, int limit, char after[37], bool *more,
    struct todo *todo, size_t *ntodo, struct entropy_result *r, char *why,
    size_t whysz)
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
		if (kd->mine(n->st, n->cfg.region, peer, after, mine,
		    &count) == -1) {
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
repair_one(struct node *n, const char *peer, const struct kind *kd,
    entropy_get_fn get, void *arg, const struct todo *t,
    struct entropy_result *r, char *why, size_t whysz)
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
	/* Pulled from the peer all the same: counted with its pulls. */
	metrics_pulled(peer, st.applied, st.rejected + st.missing +
	    st.unentitled);
	r->applied += (int64_t)st.applied;
	if (st.applied > 0)
		r->repaired++;
	if (kd->mine(n->st, n->cfg.region, peer, t->id, mine, &count) == -1) {
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
compare_all(struct node *n, const char *peer, const struct kind *kd,
    entropy_get_fn get, void *arg, struct todo *todo, size_t *ntodo,
    struct entropy_result *r)
{
	struct buf	 body;
	char		 after[37] = "", path[128];
	bool		 more = true;
	int		 rc = 0;

	r->shared = 0;
	while (more && rc == 0) {
		buf_init(&body, ENTROPY_PAGE_BYTES);
		snprintf(path, sizeof(path), "%s?limit=%d%s%s", kd->page,
		    ENTROPY_PAGE_DEFAULT, after[0] ? "&after=" : "", after);
		r->requests++;
		if (get(arg, path, &body, r->why, sizeof(r->why)) == -1 ||
		    (r->bytes += body.len, compare_page(n, peer, kd, &body,
		    ENTROPY_PAGE_DEFAULT, after, &more, todo, ntodo, r, r->why,
		    sizeof(r->why))) == -1)
			rc = -1;
		buf_free(&body);
	}
	return (rc);
}

/*
 * Compare one kind with the peer page by page and fetch whole what
 * differs (at most ENTROPY_MAX_REPAIR dossiers; the rest wait for the next
 * round).  0, or -1 with r->why; r->why also says when the peer is gone.
 */
static int
sweep(struct node *n, const char *peer, const struct kind *kd,
    entropy_get_fn get, void *arg, struct entropy_result *r)
{
	struct todo	*todo;
	char		 why[256];
	size_t		 ntodo = 0, i;
	int		 k, failed = 0, rc = -1;

	if ((todo = calloc(ENTROPY_MAX_REPAIR, sizeof(*todo))) == NULL) {
		snprintf(r->why, sizeof(r->why), "out of memory");
		return (-1);
	}
	if (compare_all(n, peer, kd, get, arg, todo, &ntodo, r) == -1)
		goto out;
	for (i = 0; i < ntodo; i++) {
		if ((k = repair_one(n, peer, kd, get, arg, &todo[i], r, why,
		    sizeof(why))) == 1) {
			snprintf(r->why, sizeof(r->why), "%s", why);
			goto out;
		}
		if (k == -1) {
			failed++;
			r->unresolved++;
			log_warnx("anti-entropy: dossier %s from %s: %s",
			    todo[i].id, peer, why);
		}
	}
	/* Beyond ENTROPY_MAX_REPAIR: for the next round. */
	r->unresolved += r->differed - (int64_t)ntodo;
	if (failed > 0)
		log_warnx("anti-entropy with %s: %d of %zu dossiers could not "
		    "be fetched; the next round tries again", peer, failed,
		    ntodo);
	rc = 0;
out:
	free(todo);
	return (rc);
}

int
entropy_round(struct node *n, const char *peer, entropy_get_fn get,
    void *arg, struct entropy_result *r)
{
	struct entropy_result o;
	struct buf	 body;
	char		 theirs[ENTROPY_DIGEST_HEX + 1], otheirs[ENTROPY_DIGEST_HEX + 1];
	char		 mine[ENTROPY_DIGEST_HEX + 1], omine[ENTROPY_DIGEST_HEX + 1];
	int64_t		 tcount, mcount, otcount, omcount;
	bool		 dsame = false, osame;

	memset(r, 0, sizeof(*r));
	memset(&o, 0, sizeof(o));
	buf_init(&body, ENTROPY_ROOT_BYTES);
	r->requests++;
	if (get(arg, "/v1/summary", &body, r->why, sizeof(r->why)) == -1 ||
	    (r->bytes += body.len, parse_root(&body, &tcount, theirs, &otcount,
	    otheirs, r->why, sizeof(r->why))) == -1)
		goto done;
	if (summary(n->st, n->cfg.region, peer, &mcount, mine) == -1 ||
	    offers_summary(n->st, n->cfg.region, peer, &omcount, omine) ==
	    -1) {
		snprintf(r->why, sizeof(r->why), "cannot read this node's "
		    "summary");
		goto done;
	}
	r->shared = tcount;
	dsame = tcount == mcount && strcmp(theirs, mine) == 0;
	/* Offers the peer has none of: none to fetch from it (a round
	 * repairs the asking node; the peer's own round repairs it). */
	osame = otcount == 0 || (otcount == omcount &&
	    strcmp(otheirs, omine) == 0);
	if (dsame && osame) {
		r->in_step = true;
		r->ok = true;
		goto done;
	}
	if (!dsame && sweep(n, peer, &KIND_DOSSIERS, get, arg, r) == -1)
		goto done;
	if (!osame) {
		if (sweep(n, peer, &KIND_OFFERS, get, arg, &o) == -1) {
			snprintf(r->why, sizeof(r->why), "offers: %.200s", o.why);
			goto done;
		}
		log_info("anti-entropy with %s: offers of %lld of %lld "
		    "dossiers differed; %lld changes applied to %lld of "
		    "them; %lld still differ", peer, (long long)o.differed,
		    (long long)o.shared, (long long)o.applied,
		    (long long)o.repaired, (long long)o.unresolved);
	}
	r->ok = true;
done:
	/* What the offers' part asked and took counts in the round. */
	r->requests += o.requests;
	r->bytes += o.bytes;
	r->applied += o.applied;
	r->repaired += o.repaired;
	r->unresolved += o.unresolved;
	r->at = node_now_ms();
	if (!r->ok)
		log_warnx("anti-entropy with %s: %s", peer, r->why);
	else if (!r->in_step && !dsame)
		log_info("anti-entropy with %s: %lld of %lld shared dossiers "
		    "differed; %lld changes applied to %lld of them; %lld "
		    "still differ", peer, (long long)r->differed,
		    (long long)r->shared, (long long)(r->applied - o.applied),
		    (long long)(r->repaired - o.repaired),
		    (long long)(r->unresolved - o.unresolved));
	record(n, peer, r);
	buf_free(&body);
	return (r->ok ? 0 : -1);
}
