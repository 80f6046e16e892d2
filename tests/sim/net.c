/*
 * tests/sim/net.c: a few real nodes in one process.  See net.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/feed.h"
#include "node/node.h"
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
 * it as node_init recorded the random one. */
static int
fixed_key(struct net *net, int i)
{
	struct sig_key	*k;
	uint8_t		 seed[32];
	char		 p[300];
	int		 rc;

	memset(seed, 0x5a + i, sizeof(seed));
	snprintf(p, sizeof(p), "%s/signing.key", net->dir[i]);
	if ((k = sig_key_from_seed(seed)) == NULL || unlink(p) == -1) {
		sig_key_free(k);
		return (-1);
	}
	rc = sig_key_save(k, p);
	sig_key_free(k);
	return (rc);
}

static const char *const node_files[] = { "opora.conf", "opora.db",
    "opora.db-wal", "opora.db-shm", "signing.key", "tls.key", "tls.crt",
    "feed.head", NULL };

static const char SQL_PEER[] =
    "INSERT INTO peers (region, url, key_id, pin, card, added)"
    " VALUES (?, 'https://sim', ?, 'x', 'x', 0)";

int
net_setup(struct net *net, int nnodes, const char *const *regions)
{
	char		 tmpl[] = "/tmp/opora-sim.XXXXXX", kid[SIG_KEYID_LEN + 1];
	char		*base;
	sqlite3_stmt	*st;
	int		 i, j, r;

	memset(net, 0, sizeof(*net));
	net->nnodes = nnodes;
	net->regions = regions;
	the_net = net;
	node_clock = net_clock;
	net->clock = 1767225600000ULL;		/* 2026-01-01 */
	if (nnodes > NET_MAX || (base = mkdtemp(tmpl)) == NULL)
		return (-1);
	snprintf(net->base, sizeof(net->base), "%s", base);
	for (i = 0; i < nnodes; i++) {
		snprintf(net->dir[i], sizeof(net->dir[i]), "%s/%d", base, i);
		if (node_init(net->dir[i], regions[i], NULL, NULL) == -1 ||
		    fixed_key(net, i) == -1 ||
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
net_teardown(struct net *net)
{
	char	 p[512];
	int	 i, f;

	for (i = 0; i < net->nnodes; i++) {
		node_close(net->n[i]);
		net->n[i] = NULL;
		for (f = 0; node_files[f] != NULL; f++) {
			snprintf(p, sizeof(p), "%s/%s", net->dir[i],
			    node_files[f]);
			(void)unlink(p);
		}
		(void)rmdir(net->dir[i]);
	}
	(void)rmdir(net->base);
	node_clock = NULL;
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
    char *why, size_t whysz, int *err)
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

int
net_pull(struct net *net, int a, int b, int64_t since, int limit,
    struct net_pull *out, char *why, size_t whysz)
{
	struct wire_feed f;
	struct feed_stats st;
	struct buf	 body;
	int64_t		 next;
	int		 err = 0;

	memset(out, 0, sizeof(*out));
	buf_init(&body, LIMIT_FEED_BYTES);
	if (feed_build(net->n[a], net->regions[b], since, limit, &body,
	    &next) == -1 || wire_feed_parse(body.data, body.len, &f, why,
	    whysz) == -1) {
		snprintf(why, whysz, "feed of %s for %s", net->regions[a],
		    net->regions[b]);
		buf_free(&body);
		return (-1);
	}
	memset(&st, 0, sizeof(st));
	st.repair = true;
	if (feed_apply(net->n[b], net->regions[a], &f, true, &st, why,
	    whysz) == -1)
		err = -1;
	/* Like the puller: a dossier whose history is missing is fetched
	 * whole, and its waiting changes come with it. */
	else if (st.missing > 0 && st.ntorepair > 0 &&
	    repair(net, a, b, &st, why, whysz, &err) == st.ntorepair)
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
