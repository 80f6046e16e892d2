/*
 * tests/sim/net.c: a few real nodes in one process.  See net.h.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/entropy.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/limits.h"
#include "protocol/sig.h"
#include "protocol/wire.h"
#include "tests/sim/net.h"

static struct net *the_net;

static uint64_t
net_clock(void)
{
	return (the_net->clock);
}

/* Replace node i's random signing key by one derived from i, and record
 * it as node_init recorded the random one (before the node is opened:
 * node_open refuses a signing.key its database does not hold). */
static int
fixed_key(struct net *net, int i, const char *region)
{
	struct sig_key	*k;
	struct store	*st;
	uint8_t		 seed[32], pub[SIG_PUB_LEN];
	char		 p[300], kid[SIG_KEYID_LEN + 1];
	int		 rc;

	memset(seed, 0x5a + i, sizeof(seed));
	snprintf(p, sizeof(p), "%s/signing.key", net->dir[i]);
	if ((k = sig_key_from_seed(seed)) == NULL || unlink(p) == -1) {
		sig_key_free(k);
		return (-1);
	}
	sig_key_public(k, pub);
	sig_key_id(pub, kid);
	rc = sig_key_save(k, p);
	sig_key_free(k);
	snprintf(p, sizeof(p), "%s/opora.db", net->dir[i]);
	if (rc == -1 || (st = store_open(p, false)) == NULL)
		return (-1);
	if (store_key_put(st, kid, region, pub) == -1 ||
	    store_meta_set(st, "key_id", kid) == -1)
		rc = -1;
	store_close(st);
	return (rc);
}

static const char SQL_PEER[] =
    "INSERT INTO peers (region, url, key_id, pin, card, added)"
    " VALUES (?, 'https://sim', ?, 'x', 'x', 0)";

int
net_setup(struct net *net, int nnodes, const char *const *regions)
{
	char		 tmpl[64], kid[SIG_KEYID_LEN + 1];
	const char	*tmp = getenv("TMPDIR");
	char		*base;
	sqlite3_stmt	*st;
	int		 i, j, r;

	memset(net, 0, sizeof(*net));
	net->nnodes = nnodes;
	net->regions = regions;
	the_net = net;
	node_clock = net_clock;
	net->clock = 1767225600000ULL;		/* 2026-01-01 */
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	if (snprintf(tmpl, sizeof(tmpl), "%s/opora-sim.XXXXXX", tmp) >=
	    (int)sizeof(tmpl) || nnodes > NET_MAX ||
	    (base = mkdtemp(tmpl)) == NULL) {
		fprintf(stderr, "net: cannot make a directory in %s\n", tmp);
		return (-1);
	}
	snprintf(net->base, sizeof(net->base), "%s", base);
	for (i = 0; i < nnodes; i++) {
		snprintf(net->dir[i], sizeof(net->dir[i]), "%s/%d", base, i);
		if (node_init(net->dir[i], regions[i], NULL, NULL) == -1 ||
		    fixed_key(net, i, regions[i]) == -1 ||
		    (net->n[i] = node_open(net->dir[i], "sim")) == NULL) {
			fprintf(stderr, "net: cannot make node %d\n", i);
			return (-1);
		}
		sig_key_id(net->n[i]->pub, kid);
		/* Durability is not under test here; speed is welcome. */
		if (store_key_put(net->n[i]->st, kid, regions[i],
		    net->n[i]->pub) == -1 || store_meta_set(net->n[i]->st,
		    "key_id", kid) == -1 || store_exec(net->n[i]->st,
		    "PRAGMA synchronous = OFF") == -1)
			return (-1);
	}
	for (i = 0; i < nnodes; i++)
		for (j = 0; j < nnodes; j++) {
			if (i == j)
				continue;
			sig_key_id(net->n[j]->pub, kid);
			if (store_key_put(net->n[i]->st, kid, regions[j],
			    net->n[j]->pub) == -1 ||
			    (st = store_stmt(net->n[i]->st, SQL_PEER)) == NULL)
				return (-1);
			sqlite3_bind_text(st, 1, regions[j], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, kid, -1, SQLITE_TRANSIENT);
			r = sqlite3_step(st);
			sqlite3_reset(st);
			if (r != SQLITE_DONE)
				return (-1);
		}
	return (0);
}

void
net_rmdir(const char *dir)
{
	struct dirent	*e;
	DIR		*d;
	char		 p[512];

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			(void)unlink(p);
		}
		closedir(d);
	}
	(void)rmdir(dir);
}

void
net_teardown(struct net *net)
{
	int	 i;

	for (i = 0; i < net->nnodes; i++) {
		node_close(net->n[i]);
		net->n[i] = NULL;
		net_rmdir(net->dir[i]);
	}
	(void)rmdir(net->base);
	node_clock = NULL;
}

int
net_reopen(struct net *net, int i, bool lose_wal)
{
	char	 p[512];

	node_close(net->n[i]);
	net->n[i] = NULL;
	if (lose_wal) {
		snprintf(p, sizeof(p), "%s/opora.db-wal", net->dir[i]);
		(void)unlink(p);
		snprintf(p, sizeof(p), "%s/opora.db-shm", net->dir[i]);
		(void)unlink(p);
	}
	if ((net->n[i] = node_open(net->dir[i], "sim")) == NULL ||
	    store_exec(net->n[i]->st, "PRAGMA synchronous = OFF") == -1) {
		fprintf(stderr, "net: cannot open node %d again\n", i);
		return (-1);
	}
	return (0);
}

static const char SQL_CURSOR[] = "SELECT cursor FROM peers WHERE region = ?";

int64_t
net_cursor(struct net *net, int b, int a)
{
	sqlite3_stmt	*q;
	int64_t		 c = -1;

	if ((q = store_stmt(net->n[b]->st, SQL_CURSOR)) == NULL)
		return (-1);
	sqlite3_bind_text(q, 1, net->regions[a], -1, SQLITE_STATIC);
	if (sqlite3_step(q) == SQLITE_ROW)
		c = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return (c);
}

/* The answering side of a round: node a for region asker. */
struct answerer {
	struct net	*net;
	int		 a, asker;
};

static int
answer(void *arg, const char *path, struct buf *body, char *why,
    size_t whysz)
{
	struct answerer	*p = arg;
	struct node	*n = p->net->n[p->a];
	const char	*asker = p->net->regions[p->asker], *q;
	char		 after[37] = "", id[37];
	int		 r = -1;

	if (strcmp(path, "/v1/summary") == 0)
		r = entropy_summary(n, asker, body);
	else if (strncmp(path, "/v1/summary/dossiers?limit=", 27) == 0) {
		if ((q = strstr(path, "&after=")) != NULL)
			snprintf(after, sizeof(after), "%s", q + 7);
		r = entropy_page(n, asker, after, (int)strtol(path + 27, NULL,
		    10), body);
	} else if (strncmp(path, "/v1/summary/offers?limit=", 25) == 0) {
		if ((q = strstr(path, "&after=")) != NULL)
			snprintf(after, sizeof(after), "%s", q + 7);
		r = entropy_offers_page(n, asker, after, (int)strtol(path + 25,
		    NULL, 10), body);
	} else if (strncmp(path, "/v1/dossiers/", 13) == 0 &&
	    strlen(path) == 13 + 36 + 8) {
		memcpy(id, path + 13, 36);
		id[36] = '\0';
		r = feed_dossier(n, asker, id, body) == 0 ? 0 : -1;
	}
	if (r == -1)
		snprintf(why, whysz, "the peer answered an error");
	return (r);
}

int
net_entropy(struct net *net, int a, int b, struct entropy_result *r)
{
	struct answerer	 p = { net, a, b };

	return (entropy_round(net->n[b], net->regions[a], answer, &p, r));
}

int
net_author(struct net *net, int i, const char *id, const struct op *ops,
    size_t nops, char *cid)
{
	struct dossier	*d = NULL;
	char		 made[CHANGE_ID_HEX + 1], why[512];
	int		 r, rc = 1;

	if (store_begin(net->n[i]->st) == -1)
		return (-1);
	/* An offer held as a summary is decided without the history, as
	 * cli_write does (node/offer.h). */
	if (nops == 1 && (ops[0].kind == OP_TRANSFER_ACCEPT ||
	    ops[0].kind == OP_TRANSFER_DECLINE)) {
		char	 did[37];

		r = offer_decide(net->n[i], ops[0].arg[OA_REF], ops[0].kind,
		    ops[0].arg[OA_REASON], made, did, why, sizeof(why));
		if (r == 0) {
			if (store_commit(net->n[i]->st) == -1)
				return (-1);
			memcpy(net->created, did, sizeof(net->created));
			if (cid != NULL)
				memcpy(cid, made, sizeof(made));
			return (0);
		}
		if (r != 1) {
			store_rollback(net->n[i]->st);
			return (r == -2 ? 1 : -1);
		}
	}
	r = view_load(net->n[i]->st, id, &d);
	if (r == 1 && ops[0].kind == OP_PERSON_CREATE)
		d = dossier_new(id);
	if (d != NULL && node_author(net->n[i], d, ops, nops, made, why,
	    sizeof(why)) == 0) {
		rc = 0;
		memcpy(net->created, d->id, sizeof(net->created));
	}
	dossier_free(d);
	if (rc == 0) {
		if (store_commit(net->n[i]->st) == -1)
			return (-1);
		if (cid != NULL)
			memcpy(cid, made, sizeof(made));
	} else
		store_rollback(net->n[i]->st);
	return (rc);
}

/* Whether changes of dossier id wait in the table later (not refused: to
 * be fetched again, docs/protocol.md section 7). */
static bool
waits(struct store *st, const char *id)
{
	sqlite3_stmt	*q;
	bool		 w;

	if ((q = store_stmt(st, "SELECT 1 FROM later WHERE dossier = ?")) ==
	    NULL)
		return (false);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	w = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	return (w);
}

/* Fetch whole from a the dossiers b listed; how many b now holds (or
 * keeps waiting). */
static size_t
repair(struct net *net, int a, int b, const struct feed_stats *st,
    uint64_t *applied, char *why, size_t whysz, int *err)
{
	struct wire_feed f;
	struct feed_stats rs;
	struct buf	 body;
	size_t		 k, fixed = 0;
	int		 r;

	for (k = 0; k < st->ntorepair && *err == 0; k++) {
		buf_init(&body, LIMIT_FEED_BYTES);
		if ((r = feed_dossier(net->n[a], net->regions[b],
		    st->torepair[k], &body)) == 0 &&
		    wire_feed_parse(body.data, body.len, &f, why,
		    whysz) == 0) {
			memset(&rs, 0, sizeof(rs));
			if (feed_apply(net->n[b], net->regions[a], &f, false,
			    &rs, why, whysz) == -1 || rs.rejected +
			    rs.missing > 0)
				*err = -1;
			/* What a repair takes in is movement too (sim seed
			 * 2625: a change waiting in later, taken when due,
			 * was never pulled on by its other entitled peer). */
			*applied += rs.applied;
			wire_feed_free(&f);
		} else if (r != 1)
			*err = -1;
		buf_free(&body);
		/* Held now; or refused because this node's records, newer
		 * than the peer's, say it may not hold it (an offer the peer
		 * does not yet know was cancelled): not a loss. */
		if (store_has_dossier(net->n[b]->st, st->torepair[k]) == 1 ||
		    (r == 0 && rs.unentitled > 0) || waits(net->n[b]->st,
		    st->torepair[k]))
			fixed++;
	}
	return (fixed);
}

static const char SQL_EPOCH_GET[] =
    "SELECT coalesce(epoch, '') FROM peers WHERE region = ?1";
static const char SQL_EPOCH_SET[] =
    "UPDATE peers SET epoch = ?2 WHERE region = ?1";
static const char SQL_RESYNC[] =
    "UPDATE peers SET cursor = 0, epoch = ?2 WHERE region = ?1";

/*
 * As the puller does (node/sync.c, pull and went_back): when the feed of a
 * went back behind since -- its epoch is not the one b's cursor counts in,
 * or its head or next is below since -- set b's cursor for a to 0 in the
 * feed's epoch and return 1; else record the feed's epoch if new, 0.
 * -1 with a reason when b's database fails.
 */
static int
epoch_step(struct net *net, int a, int b, int64_t since,
    const struct wire_feed *f, char *why, size_t whysz)
{
	struct store	*st = net->n[b]->st;
	sqlite3_stmt	*q;
	char		 cur[WIRE_EPOCH_HEX + 1] = "";
	bool		 back;
	int		 r;

	if ((q = store_stmt(st, SQL_EPOCH_GET)) == NULL)
		goto fail;
	sqlite3_bind_text(q, 1, net->regions[a], -1, SQLITE_STATIC);
	if ((r = sqlite3_step(q)) == SQLITE_ROW)
		snprintf(cur, sizeof(cur), "%s", (const char *)
		    sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	if (r != SQLITE_ROW)
		goto fail;
	back = since > 0 && ((f->epoch[0] != '\0' && cur[0] != '\0' &&
	    strcmp(f->epoch, cur) != 0) || (f->head >= 0 && f->head < since) ||
	    f->next < since);
	if (!back && strcmp(f->epoch, cur) == 0)
		return (0);
	if ((q = store_stmt(st, back ? SQL_RESYNC : SQL_EPOCH_SET)) == NULL)
		goto fail;
	sqlite3_bind_text(q, 1, net->regions[a], -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, f->epoch, -1, SQLITE_STATIC);
	r = sqlite3_step(q);
	sqlite3_reset(q);
	if (r != SQLITE_DONE)
		goto fail;
	return (back ? 1 : 0);
fail:
	snprintf(why, whysz, "%s cannot read or record its cursor for %s",
	    net->regions[b], net->regions[a]);
	return (-1);
}

/* Whether region was once custodian of d by a's records: its origin, or
 * the maker of an offer (only a custodian offers): entitled for ever. */
static bool
custodian_once(const struct dossier *d, const char *region)
{
	size_t	 r;

	if (strcmp(d->origin, region) == 0)
		return (true);
	for (r = 0; r < d->t[DT_TRANSFER].n; r++)
		if (strcmp(d->t[DT_TRANSFER].v[r].col[TR_FROM], region) == 0)
			return (true);
	return (false);
}

/*
 * Whether every change of f is of a dossier both a and b were custodians
 * of, by a's records: then both stay entitled to it for ever, and
 * anti-entropy between them covers it for ever.  Losing other changes is
 * not a gap anti-entropy closes: it compares only dossiers both regions
 * are entitled to now, so the end of an offer sent to its destination
 * (seed 322), or what a destination wrote while its offer was pending and
 * that lost a race (seed 1202), is not compared once the offer ended.
 */
static bool
in_scope(struct net *net, int a, int b, const struct wire_feed *f)
{
	struct change	*c;
	struct dossier	*d;
	char		 why[256];
	size_t		 i;
	bool		 in = true;

	for (i = 0; i < f->n && in; i++) {
		if (f->items[i].bytes == NULL || change_decode(f->items[i].bytes,
		    f->items[i].len, &c, why, sizeof(why)) != 0)
			return (false);
		if (view_load(net->n[a]->st, c->dossier, &d) != 0)
			in = false;
		else {
			in = custodian_once(d, net->regions[a]) &&
			    custodian_once(d, net->regions[b]);
			dossier_free(d);
		}
		change_free(c);
	}
	return (in);
}

/* The lost response of a puller's bug (net->lose): only the cursor. */
static int
lose(struct net *net, int a, int b, int64_t next, char *why, size_t whysz)
{
	sqlite3_stmt	*q;
	int		 r;

	net->lose = false;
	if ((q = store_stmt(net->n[b]->st, "UPDATE peers SET cursor = ?2 "
	    "WHERE region = ?1")) == NULL)
		return (-1);
	sqlite3_bind_text(q, 1, net->regions[a], -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, next);
	r = sqlite3_step(q);
	sqlite3_reset(q);
	if (r == SQLITE_DONE)
		return (0);
	snprintf(why, whysz, "cannot move the cursor");
	return (-1);
}

int
net_pull(struct net *net, int a, int b, int64_t since, int limit,
    struct net_pull *out, char *why, size_t whysz)
{
	struct wire_feed f;
	struct feed_stats st;
	struct buf	 body;
	int64_t		 next;
	int		 err = 0, r;

	memset(out, 0, sizeof(*out));
	buf_init(&body, LIMIT_FEED_BYTES);
	if (feed_build(net->n[a], net->regions[b], since, limit, 0, &body,
	    &next, NULL) == -1 || wire_feed_parse(body.data, body.len, &f, why,
	    whysz) == -1) {
		snprintf(why, whysz, "feed of %s for %s", net->regions[a],
		    net->regions[b]);
		buf_free(&body);
		return (-1);
	}
	if (net->lose && !in_scope(net, a, b, &f))
		net->lose = false;
	if ((r = epoch_step(net, a, b, since, &f, why, whysz)) != 0 ||
	    net->lose) {
		if (r == 0 && lose(net, a, b, f.next, why, whysz) == -1)
			r = -1;
		out->resync = r == 1;
		out->taken = r == 0;
		out->next = r == 0 ? f.next : 0;
		out->items = r == 0 ? f.n : 0;
		wire_feed_free(&f);
		buf_free(&body);
		return (r == -1 ? -1 : 0);
	}
	memset(&st, 0, sizeof(st));
	st.repair = true;
	if (feed_apply(net->n[b], net->regions[a], &f, true, &st, why,
	    whysz) == -1)
		err = -1;
	else
		out->taken = true;
	/* Like the puller (node/sync.c): a dossier whose history is
	 * missing is fetched whole, and its waiting changes come with it;
	 * so is one whose changes in later are due again. */
	if (err == 0 && st.ntorepair > 0 &&
	    repair(net, a, b, &st, &st.applied, why, whysz, &err) ==
	    st.ntorepair)
		st.missing = 0;
	out->applied = st.applied;
	out->duplicate = st.duplicate;
	out->rejected = st.rejected;
	out->missing = st.missing;
	out->unentitled = st.unentitled;
	out->next = f.next;
	out->more = f.more;
	out->items = f.n;
	wire_feed_free(&f);
	buf_free(&body);
	return (err);
}

struct op
net_op(enum op_kind kind)
{
	struct op	 o;

	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.field = -1;
	return (o);
}

void
net_uuid(unsigned (*rnd)(void *, unsigned), void *arg, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned	 b[16];
	int		 i, j;

	for (i = 0; i < 16; i++)
		b[i] = rnd(arg, 256);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0, j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[b[i] >> 4];
		out[j++] = hex[b[i] & 15];
	}
	out[j] = '\0';
}

/* Node b takes node a's feed from its cursor until nothing more comes. */
static int
pull_all(struct net *net, int a, int b)
{
	struct net_pull	 p;
	char		 why[256];
	int64_t		 since = net_cursor(net, b, a);

	do {
		if (since < 0 || net_pull(net, a, b, since, LIMIT_FEED_MAX, &p,
		    why, sizeof(why)) == -1)
			return (-1);
		since = p.next;
	} while (p.more);
	return (0);
}

/* Node i writes op o to dossier d a second after the last write. */
static int
share_write(struct net *net, int i, const char *d, struct op *o, char *cid)
{
	net->clock += 1000;
	return (net_author(net, i, d, o, 1, cid) == 0 ? 0 : -1);
}

int
net_share(struct net *net, int a, int b, const char *d)
{
	struct op	 o;
	char		 cid[CHANGE_ID_HEX + 1], ref[CHANGE_ID_HEX + 8];

	o = net_op(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "transfer";
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_DOCUMENT] = "share";
	if (share_write(net, a, d, &o, NULL) == -1)
		return (-1);
	o = net_op(OP_TRANSFER_OFFER);
	o.arg[OA_TO] = net->n[b]->cfg.region;
	o.arg[OA_REASON] = "share";
	if (share_write(net, a, d, &o, cid) == -1 || pull_all(net, a, b) == -1)
		return (-1);
	snprintf(ref, sizeof(ref), "%s/0", cid);
	o = net_op(OP_TRANSFER_ACCEPT);
	o.arg[OA_REF] = ref;
	if (share_write(net, b, d, &o, NULL) == -1 ||
	    pull_all(net, b, a) == -1 || pull_all(net, a, b) == -1)
		return (-1);
	o = net_op(OP_TRANSFER_OFFER);
	o.arg[OA_TO] = net->n[a]->cfg.region;
	o.arg[OA_REASON] = "back";
	if (share_write(net, b, d, &o, cid) == -1 || pull_all(net, b, a) == -1)
		return (-1);
	snprintf(ref, sizeof(ref), "%s/0", cid);
	o = net_op(OP_TRANSFER_ACCEPT);
	o.arg[OA_REF] = ref;
	if (share_write(net, a, d, &o, NULL) == -1 ||
	    pull_all(net, a, b) == -1)
		return (-1);
	return (0);
}
