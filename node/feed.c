/*
 * node/feed.c: serving and taking in feeds.  See feed.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/hlc.h"
#include "node/epoch.h"
#include "node/erase.h"
#include "node/feed.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/receive.h"
#include "node/store.h"
#include "node/store_check.h"
#include "node/store_feed.h"
#include "node/store_later.h"
#include "node/store_peer.h"
#include "node/verifier.h"
#include "node/view.h"
#include "protocol/esc.h"
#include "protocol/limits.h"
#include "protocol/log.h"

/*
 * What a region is served: the changes of the dossiers it is entitled to
 * (store_feed_entitled), and of a dossier offered to it (whatever became
 * of the offer, unless it turned out void), the offer change alone and the
 * change that cancelled or declined it (store_feed_offer_change): what a
 * supervisor needs to decide, and how the offer ended (docs/protocol.md,
 * "Offers before they are accepted").  The accept that made it the
 * custodian holds back the dossier's earlier changes: they go whole with
 * it (add_grant), parents before children.  feed_build reads the log
 * after the cursor and picks what it serves dossier by dossier
 * (store_feed.h), so that a response costs what it reads of the log, not
 * what the region is entitled to.
 */

int64_t
feed_head(struct node *n)
{
	return (store_feed_head(n->st));
}

/*
 * Set by add_item when a stored change's bytes no longer hash to its id:
 * the feed number of that change, for feed_corrupted to record once the
 * statements reading the log are done.  Per thread: a puller never
 * serves, but nothing here should rely on that.
 */
static _Thread_local int64_t	 corrupt_seq;

/*
 * Append one change to a feed document being built.  Every change is
 * hashed again before it goes out: a byte flipped on this node's disk
 * must not reach a peer, which would refuse the change for good and
 * stay short of it even after this node is restored.  On a mismatch
 * nothing is appended, the change is logged with its id, and -1 makes
 * the whole response fail (the caller sends no part of it).
 */
static int
add_item(struct buf *out, bool *first, const struct store_feed_change *c)
{
	char		 hash[CHANGE_ID_HEX + 1], eid[ESC_SHORT];

	if (c->siglen != SIG_LEN || c->bytes == NULL || c->len == 0) {
		log_warnx("feed #%lld: its stored signature or bytes are "
		    "missing or cut short: the database is damaged "
		    "('opora verify'; restore it from a backup)",
		    (long long)c->seq);
		corrupt_seq = c->seq;
		return (-1);
	}
	change_id(c->bytes, c->len, hash);
	if (c->id == NULL || strcmp(hash, c->id) != 0) {
		esc_str(c->id, eid, sizeof(eid));
		log_warnx("change %s (feed #%lld): its stored bytes do not "
		    "match its id: the database is damaged; not served "
		    "('opora verify'; restore it from a backup)", eid,
		    (long long)c->seq);
		corrupt_seq = c->seq;
		return (-1);
	}
	buf_adds(out, *first ? "{\"bytes\":\"" : ",{\"bytes\":\"");
	*first = false;
	wire_b64_add(out, c->bytes, c->len);
	buf_addf(out, "\",\"seq\":%lld,\"sig\":\"", (long long)c->seq);
	wire_b64_add(out, c->sig, SIG_LEN);
	return (buf_adds(out, "\"}"));
}

int
feed_corrupted(struct node *n)
{
	char	 v[24];
	int64_t	 seq = corrupt_seq;

	if (seq == 0)
		return (0);
	corrupt_seq = 0;
	snprintf(v, sizeof(v), "%lld", (long long)seq);
	/* For 'opora status'; it checks the change again when it reads
	 * this, so a restored change stops being reported. */
	(void)store_meta_set(n->st, "corrupt_seq", v);
	return (1);
}

/* Whether change c was written by skip, a region that holds every change
 * it wrote (NULL: none). */
static bool
own_change(const struct store_feed_change *c, const char *skip)
{
	return (skip != NULL && c->region != NULL &&
	    strcmp(c->region, skip) == 0);
}

/* Where the changes of a walk are appended (add_row). */
struct sink {
	struct buf	*out;
	bool		*first;
	const char	*skip;		/* leave out what it wrote (own_change) */
	int		 n;		/* how many were appended */
	int64_t		 last;		/* the feed number of the last one read */
};

/* store_feed_change_fn: append change c (add_item), unless the sink's
 * skip wrote it.  0 / -1. */
static int
add_row(const struct store_feed_change *c, void *arg)
{
	struct sink	*k = arg;

	k->last = c->seq;
	if (own_change(c, k->skip))
		return (0);
	if (add_item(k->out, k->first, c) == -1)
		return (-1);
	k->n++;
	return (0);
}

/* Append change seq (add_item), read whole.  0 / -1. */
static int
add_one(struct store *st, int64_t seq, struct buf *out, bool *first)
{
	struct sink	 k = { out, first, NULL, 0, 0 };
	int		 r;

	if ((r = store_feed_change(st, seq, add_row, &k)) == 1)
		log_warnx("feed #%lld: gone while it was read",
		    (long long)seq);
	return (r == 0 ? 0 : -1);
}

/* Append a dossier's changes before seq, but those skip wrote; returns
 * how many, or -1. */
static int
add_history(struct store *st, const char *dossier, int64_t seq,
    const char *skip, struct buf *out, bool *first)
{
	struct sink	 k = { out, first, skip, 0, 0 };

	if (store_feed_history_each(st, dossier, seq, add_row, &k) != 0)
		return (-1);
	return (k.n);
}

/* When a region is granted dossier id: the whole history of every dossier
 * linked to it that is held here, for entitlement follows the links.
 * Returns how many changes were added, or -1. */
static int
add_links_of(struct store *st, const char *id, const char *skip,
    struct buf *out, bool *first)
{
	char	(*ids)[37];
	size_t	 n, i;
	int	 k, count = 0;

	if (view_linked(st, id, &ids, &n) == -1)
		return (-1);
	for (i = 0; i < n && count != -1; i++) {
		if ((k = add_history(st, ids[i], INT64_MAX, skip, out,
		    first)) == -1)
			count = -1;
		else
			count += k;
	}
	free(ids);
	return (count);
}

static int	 entitled_one(struct store *, const char *, const char *);

/* After a person.link change that completes a mutual link, to a region
 * entitled to the dossier it is in: the whole history of both dossiers it
 * joins, and of those linked to them, if held here.  (A region that only
 * learns how an offer to it ended is served the link change, not what it
 * joins.)  Returns how many changes were added, or -1. */
static int
add_linked(struct store *st, const char *region, const char *id,
    const char *skip, struct buf *out, bool *first)
{
	char		 pair[2][37];
	int		 r, k, i, count = 0;

	if ((r = store_feed_link_pair(st, id, pair)) != 1)
		return (r);
	if ((k = entitled_one(st, region, pair[0])) == -1)
		return (-1);
	if (k == 0)
		return (0);
	for (i = 0; i < 2; i++) {
		if ((r = add_history(st, pair[i], INT64_MAX, skip, out,
		    first)) == -1 || (k = add_links_of(st, pair[i], skip, out,
		    first)) == -1)
			return (-1);
		count += r + k;
	}
	return (count);
}

/*
 * What feed_build knows of each dossier it met in one response: whether
 * the region is entitled to it, whether it was offered to the region, and
 * the feed number below which its changes are held back for an accept
 * (store_feed.h).  An open-addressing table keyed by dossier id.
 */
struct dent {
	char		 d[37];
	bool		 used, ent, offered;
	int64_t		 holdback;
};
struct dcache {
	struct dent	*v;
	size_t		 n, cap;	/* cap: a power of two, or 0 */
};

static uint64_t
dhash(const char *d)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *d != '\0'; d++)
		h = (h ^ (unsigned char)*d) * 1099511628211ULL;
	return (h);
}

static struct dent *
dslot(struct dent *v, size_t cap, const char *d)
{
	size_t	 i = (size_t)dhash(d) & (cap - 1);

	while (v[i].used && strcmp(v[i].d, d) != 0)
		i = (i + 1) & (cap - 1);
	return (&v[i]);
}

/* Double the table (or make the first); 0 / -1. */
static int
dgrow(struct dcache *c)
{
	struct dent	*nv, *e;
	size_t		 cap = c->cap ? c->cap * 2 : 256, i;

	if ((nv = calloc(cap, sizeof(*nv))) == NULL)
		return (-1);
	for (i = 0; i < c->cap; i++)
		if (c->v[i].used) {
			e = dslot(nv, cap, c->v[i].d);
			*e = c->v[i];
		}
	free(c->v);
	c->v = nv;
	c->cap = cap;
	return (0);
}

/* The dossier's entry, looked up in the database the first time; NULL on
 * an error. */
static struct dent *
dent_of(struct store *st, struct dcache *c, const char *region,
    const char *d, int64_t since)
{
	struct dent	*e;
	int		 k;

	static struct dent	 none;	/* never written */

	if (d == NULL)
		return (NULL);
	if (strlen(d) >= sizeof(e->d))
		return (&none);		/* not a dossier id: never served */
	if (c->cap > 0) {
		e = dslot(c->v, c->cap, d);
		if (e->used)
			return (e);
	}
	if ((c->n + 1) * 2 > c->cap && dgrow(c) == -1)
		return (NULL);
	e = dslot(c->v, c->cap, d);
	if ((k = store_feed_entitled(st, region, d)) == -1 ||
	    store_feed_transfers(st, region, d, since, &e->offered,
	    &e->holdback) == -1)
		return (NULL);
	memcpy(e->d, d, strlen(d) + 1);
	e->ent = k == 1;
	e->used = true;
	c->n++;
	return (e);
}

#define FEED_BEHIND_WINDOW	10000	/* feed numbers read at most */
#define FEED_BEHIND_LOOKUPS	256	/* dossiers looked up at most */

/* What count_behind has counted so far (behind_row). */
struct behind {
	struct store	*st;
	struct dcache	*dc;
	const char	*region;
	int64_t		 next, n;
	int64_t		 rows;		/* changes read */
	size_t		 lookups;	/* dossiers looked up (not cached) */
};

/* store_feed_dossier_fn: count a change of dossier d if the region is
 * entitled to it.  0, 1 once FEED_BEHIND_LOOKUPS dossiers were looked up
 * (count_behind estimates from what it read), or -1. */
static int
behind_row(const char *d, void *arg)
{
	struct behind	*b = arg;
	struct dent	*e;
	size_t		 n = b->dc->n;

	if ((e = dent_of(b->st, b->dc, b->region, d, b->next)) == NULL)
		return (-1);
	b->n += e->ent;
	b->rows++;
	if (b->dc->n > n && ++b->lookups >= FEED_BEHIND_LOOKUPS)
		return (1);
	return (0);
}

/*
 * How many changes the region is entitled to after cursor next: counted
 * in the next FEED_BEHIND_WINDOW feed numbers, or in fewer once they name
 * FEED_BEHIND_LOOKUPS dossiers this response has not looked up (two
 * queries each: a log of many short dossiers, or the accepts of many
 * transfers, made this a cost that grew with the log), and beyond (up to
 * head) estimated at the rate found, so that it costs the same whatever
 * the log holds (docs/protocol.md, "Endpoints").  -1 on error.
 */
static int64_t
count_behind(struct store *st, struct dcache *c, const char *region,
    int64_t next, int64_t head)
{
	struct behind	 b = { st, c, region, next, 0, 0, 0 };
	int64_t		 upto = head, read;
	int		 k;

	if (head - next > FEED_BEHIND_WINDOW)
		upto = next + FEED_BEHIND_WINDOW;
	if ((k = store_feed_window_each(st, next, upto, behind_row, &b)) ==
	    -1)
		return (-1);
	/* What was read: the window, or up to where it stopped (a change a
	 * feed number, but for the gaps an erasure leaves). */
	read = k == 1 ? b.rows : upto - next;
	if (read <= 0 || read >= head - next)
		return (b.n);
	return ((int64_t)((double)b.n * (double)(head - next) /
	    (double)read));
}

/*
 * Whether change c of the log is served to region: a change of a dossier
 * it is entitled to, or an offer to it (or how that ended), unless it is
 * held back to come whole with an accept.  1, 0, or -1.
 */
static int
is_served(struct store *st, struct dcache *dc, const char *region,
    int64_t since, const struct store_feed_change *c)
{
	struct dent	*e;

	if ((e = dent_of(st, dc, region, c->dossier, since)) == NULL)
		return (-1);
	if ((!e->ent && !e->offered) || c->seq < e->holdback)
		return (0);
	if (e->ent)
		return (1);
	return (store_feed_offer_change(st, region, c->dossier, c->id));
}

/* One response being built (build_in, build_row). */
struct build {
	struct node	*n;
	struct dcache	*dc;
	const char	*region;
	const char	*skip;		/* FEED_SKIP_OWN: the region, or NULL */
	int64_t		 since;
	int64_t		 next;		/* the cursor handed out */
	int		 limit;
	int		 count;		/* changes appended */
	struct buf	*out;
	bool		 first;		/* nothing appended yet */
	bool		 more;		/* stopped before the log's end */
};

/*
 * Before change c, when it is the accept that grants its dossier to the
 * region: the dossier's earlier history, whole, and the dossiers linked to
 * it.  0, 1 when the history does not fit in this response (b->more), or
 * -1.
 */
static int
add_grant(struct build *b, const struct store_feed_change *c)
{
	struct store	*st = b->n->st;
	int64_t		 h;
	int		 k;

	if ((k = store_feed_grants(st, b->region, c->id)) != 1)
		return (k);
	if ((h = store_feed_history_count(st, c->dossier, c->seq)) == -1)
		return (-1);
	if (h > 0) {
		/* The history before the grant comes whole in one response:
		 * in this one if it fits, else in the next (alone, whatever
		 * its size). */
		if (b->count > 0 && b->count + h > b->limit) {
			b->more = true;
			return (1);
		}
		if ((k = add_history(st, c->dossier, c->seq, b->skip, b->out,
		    &b->first)) == -1)
			return (-1);
		b->count += k;
	}
	/* The dossiers linked to a granted one, unless the grant has since
	 * ended (a cancelled or declined offer). */
	if ((k = entitled_one(st, b->region, c->dossier)) != 0) {
		if (k == -1 || (k = add_links_of(st, c->dossier, b->skip,
		    b->out, &b->first)) == -1)
			return (-1);
		b->count += k;
	}
	return (0);
}

/*
 * store_feed_change_fn for the log after the cursor: append change c if
 * it is served to the region, with what it grants or joins.  0 to go on,
 * 1 when the response is full (b->more), or -1.
 */
static int
build_row(const struct store_feed_change *c, void *arg)
{
	struct build	*b = arg;
	struct store	*st = b->n->st;
	int		 k;

	if ((k = is_served(st, b->dc, b->region, b->since, c)) != 1)
		return (k);
	if (b->count >= b->limit) {
		b->more = true;
		return (1);
	}
	if ((k = add_grant(b, c)) != 0)
		return (k);
	/* A change the region wrote itself is left out when it holds them
	 * all; what it grants or joins still comes. */
	if (!own_change(c, b->skip)) {
		if (add_one(st, c->seq, b->out, &b->first) == -1)
			return (-1);
		b->count++;
	}
	if ((k = add_linked(st, b->region, c->id, b->skip, b->out,
	    &b->first)) == -1)
		return (-1);
	b->count += k;
	b->next = c->seq;
	if (b->out->len > LIMIT_FEED_BYTES / 2) {
		b->more = true;
		return (1);
	}
	return (0);
}

/* feed_build's body, in its read transaction. */
static int
build_in(struct node *n, struct dcache *dc, const char *region,
    int64_t since, int limit, int flags, struct buf *out, int64_t *nextp,
    int *servedp)
{
	struct build	 b = { n, dc, region, flags & FEED_SKIP_OWN ? region :
			    NULL, since, since, limit, 0, out, true, false };
	int64_t		 h, behind;
	char		 epoch[EPOCH_HEX + 1];
	int		 rc = -1;

	buf_adds(out, "{\"changes\":[");
	if (store_feed_page_each(n->st, since, build_row, &b) == -1)
		goto out;
	/* The epoch the numbers count in, and the newest of them, read in
	 * the same transaction as the changes: head >= next
	 * (docs/protocol.md, "Feed epochs").  A response that read the log
	 * to its end hands out the head as the cursor: nothing up to it is
	 * for this region now, and what it becomes entitled to later comes
	 * whole with the change that entitles it ("Pulling"). */
	if (epoch_get(n->st, epoch) == -1 || (h = feed_head(n)) == -1)
		goto out;
	if (!b.more && h > b.next)
		b.next = h;
	if ((behind = b.more ? count_behind(n->st, dc, region, b.next, h) :
	    0) == -1)
		goto out;
	buf_addf(out, "],\"more\":%s,\"next\":%lld,\"behind\":%lld,"
	    "\"epoch\":\"%s\",\"head\":%lld}", b.more ? "true" : "false",
	    (long long)b.next, (long long)behind, epoch, (long long)h);
	if (buf_failed(out))
		goto out;
	/* No cursor leaves this node that its witness does not cover. */
	if (b.next > since && epoch_cover(n->dir, epoch, b.next, h) == -1)
		goto out;
	*nextp = b.next;
	if (servedp != NULL)
		*servedp = b.count;
	metrics_served(region, (uint64_t)b.count);
	rc = 0;
out:
	if (rc == -1)
		log_warnx("feed for %s: %s", region, store_errmsg(n->st));
	return (rc);
}

int
feed_build(struct node *n, const char *region, int64_t since, int limit,
    int flags, struct buf *out, int64_t *nextp, int *servedp)
{
	struct dcache	 dc = { NULL, 0, 0 };
	int		 rc;

	if (store_feed_begin(n->st) == -1)
		return (-1);
	rc = build_in(n, &dc, region, since, limit, flags, out, nextp,
	    servedp);
	store_feed_end(n->st);
	free(dc.v);
	return (rc);
}

/* Whether region is entitled to dossier id: 1, 0, or -1 on error. */
static int
entitled_one(struct store *st, const char *region, const char *id)
{
	return (store_feed_entitled(st, region, id));
}

int
feed_dossier(struct node *n, const char *region, const char *id,
    struct buf *out)
{
	bool		 first = true, offer;
	struct sink	 k = { out, &first, NULL, 0, 0 };
	int		 r;

	if ((r = entitled_one(n->st, region, id)) == -1)
		return (-1);
	/* Offered, not entitled: the offer and how it ended, alone. */
	offer = r == 0;
	buf_adds(out, "{\"changes\":[");
	if ((offer ? store_feed_offered_each(n->st, region, id, add_row, &k) :
	    store_feed_dossier_each(n->st, id, add_row, &k)) != 0)
		return (-1);
	if (offer && first)
		return (1);
	/* Entitlement follows the person: the receiver needs the halves of
	 * the links that entitle it, which are in the linked dossiers. */
	if (!offer && add_links_of(n->st, id, NULL, out, &first) == -1)
		return (-1);
	buf_addf(out, "],\"more\":false,\"next\":%lld}", (long long)k.last);
	return (!buf_failed(out) ? 0 : -1);
}

int
feed_shared(struct store *st, const char *a, const char *b,
    const char *after, int limit, char (**out)[37], size_t *np)
{
	char	(*v)[37] = NULL;

	*out = NULL;
	*np = 0;
	if (limit < 1 || (v = calloc((size_t)limit, sizeof(*v))) == NULL ||
	    store_feed_shared(st, a, b, after, limit, v, np) == -1) {
		free(v);
		return (-1);
	}
	*out = v;
	return (0);
}

/* Items in the total order of their changes; undecodable ones first. */
static int
item_order(const void *a, const void *b)
{
	const struct change	*x = (*(struct vitem *const *)a)->c;
	const struct change	*y = (*(struct vitem *const *)b)->c;

	if (x == NULL || y == NULL)
		return ((x != NULL) - (y != NULL));
	return (hlc_order(x->hlc, x->key, x->id, y->hlc, y->key, y->id));
}

/* Add a dossier to the repair list once; 0 listed, -1 the list is full. */
static int
want_repair(struct feed_stats *st, const char *dossier)
{
	size_t	 k;

	for (k = 0; k < st->ntorepair; k++)
		if (strcmp(st->torepair[k], dossier) == 0)
			return (0);
	if (k == FEED_MAX_REPAIR)
		return (-1);
	snprintf(st->torepair[k], sizeof(st->torepair[k]), "%s", dossier);
	st->ntorepair++;
	return (0);
}

/*
 * List up to max dossiers of peer in later (node/store_later.h) that are
 * due for fetching again (stats->torepair), and put their next try
 * FEED_LATER_RETRY_MS ahead (a change still not taken then sets its own
 * time again).  0 / -1.
 */
static int
later_due(struct store *st, const char *peer, struct feed_stats *stats,
    size_t max)
{
	char		 ids[FEED_MAX_REPAIR][37];
	int64_t		 now = (int64_t)node_now_ms();
	size_t		 n, i;

	if (store_later_due(st, peer, now, ids, max < FEED_MAX_REPAIR ? max :
	    FEED_MAX_REPAIR, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if (want_repair(stats, ids[i]) == -1)
			break;
		if (store_later_bump(st, peer, ids[i], now +
		    FEED_LATER_RETRY_MS) == -1)
			return (-1);
	}
	return (0);
}

/* A response checked and put in order, ready to take in. */
struct feed_batch {
	struct wire_feed	*f;		/* borrowed */
	struct vitem		*items;
	struct vitem		**ord;
	size_t			 n;
};

void
feed_batch_move(struct feed_batch *b, struct wire_feed *f)
{
	b->f = f;
}

void
feed_batch_free(struct feed_batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; b->items != NULL && i < b->n; i++)
		change_free(b->items[i].c);
	free(b->items);
	free(b->ord);
	free(b);
}

int
feed_check(struct store *st, struct wire_feed *f, struct feed_batch **out,
    char *why, size_t whysz)
{
	struct verifier		*v = NULL;
	struct feed_batch	*b;
	size_t			 i;

	*out = NULL;
	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (v = verifier_new(st)) == NULL ||
	    (f->n > 0 && ((b->items = calloc(f->n, sizeof(*b->items))) ==
	    NULL || (b->ord = calloc(f->n, sizeof(*b->ord))) == NULL))) {
		verifier_free(v);
		feed_batch_free(b);
		snprintf(why, whysz, "out of memory");
		return (-1);
	}
	b->f = f;
	b->n = f->n;
	for (i = 0; i < f->n; i++) {
		b->items[i].seq = f->items[i].seq;
		b->items[i].bytes = f->items[i].bytes;
		b->items[i].len = f->items[i].len;
		memcpy(b->items[i].sig, f->items[i].sig, SIG_LEN);
		b->items[i].siglen_ok = f->items[i].sig_ok;
	}
	/* A change already here (peers forward each other's changes) is
	 * not verified again: hashing it and one look-up cost far less.  A
	 * malformed item is not verified at all (held for the verifier). */
	for (i = 0; i < f->n; i++) {
		char	 id[CHANGE_ID_HEX + 1];

		if (f->items[i].problem[0] != '\0') {
			b->items[i].held = true;
			continue;
		}
		change_id(b->items[i].bytes, b->items[i].len, id);
		b->items[i].held = store_change_has(st, id) == 1;
	}
	verifier_check(v, b->items, f->n);
	verifier_free(v);
	/* Each change stands alone: a malformed item is refused with what
	 * the parser found, and recorded by the id it gave. */
	for (i = 0; i < f->n; i++)
		if (f->items[i].problem[0] != '\0') {
			b->items[i].held = false;
			snprintf(b->items[i].problem,
			    sizeof(b->items[i].problem), "malformed feed "
			    "item: %s", f->items[i].problem);
			memcpy(b->items[i].id, f->items[i].id,
			    sizeof(b->items[i].id));
		}
	/*
	 * Apply in the total order: it puts parents first, and a dossier
	 * folds in place instead of again from the start when a change sorts
	 * before one already applied (a peer's log is in its arrival order,
	 * which differs from the total order wherever regions wrote at once).
	 */
	for (i = 0; i < f->n; i++)
		b->ord[i] = &b->items[i];
	if (f->n > 0)
		qsort(b->ord, f->n, sizeof(*b->ord), item_order);
	*out = b;
	return (0);
}

/* Dossier ids, sorted, for bsearch. */
struct idset {
	char	(*v)[37];
	size_t	 n, cap;
};

static int
id_cmp(const void *a, const void *b)
{
	return (strcmp(a, b));
}

static int
idset_add(struct idset *s, const char *id)
{
	char	(*nv)[37];

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		if ((nv = reallocarray(s->v, cap, sizeof(*s->v))) == NULL)
			return (-1);
		s->v = nv;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], 37, "%s", id);
	return (0);
}

/* Sort and drop repeats. */
static void
idset_seal(struct idset *s)
{
	size_t	 i, o = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), id_cmp);
	for (i = 1; i < s->n; i++)
		if (strcmp(s->v[i], s->v[o]) != 0)
			memcpy(s->v[++o], s->v[i], 37);
	s->n = o + 1;
}

static bool
idset_has(const struct idset *s, const char *id)
{
	return (s->n > 0 && bsearch(id, s->v, s->n, sizeof(*s->v),
	    id_cmp) != NULL);
}

/* Which of the dossiers in touched this node may not hold by its own fold
 * (store_feed_may_hold), into bad; those in held this node may hold (it
 * accepted their offer).  0, or -1 on a database error. */
static int
check_entitled(struct node *n, const struct idset *touched,
    const struct idset *held, struct idset *bad)
{
	size_t		 i;
	int		 r;

	for (i = 0; i < touched->n; i++) {
		if (idset_has(held, touched->v[i]))
			continue;
		if ((r = store_feed_may_hold(n->st, n->cfg.region,
		    touched->v[i])) == -1 || (r == 0 &&
		    idset_add(bad, touched->v[i]) == -1))
			return (-1);
	}
	return (0);
}

/* Record an item refused because this node may not hold its dossier. */
static int
reject_unentitled(struct receiver *r, const struct vitem *it,
    const char *peer, const char *region)
{
	char	 why[256];

	snprintf(why, sizeof(why), "%s is not entitled to dossier %s by this "
	    "node's own records (its custodian did not offer it here, nor "
	    "link it to one this node holds); not stored", region,
	    it->c->dossier);
	return (receive_reject(r, it, peer, why));
}

/* What a response holds that may not be taken now, for take_once. */
struct later_set {
	struct idset	 dossiers;	/* of changes kept for later */
	size_t		 clock;		/* dossiers beyond the clock bound */
	struct idset	 clockd;
	int64_t		 rows;		/* the peer's rows in later */
	bool		 any;		/* later holds rows of any peer */
};

/*
 * Change it cannot be taken now (RECV_LATER or parents that did not come,
 * why says which): from a file, recorded as refused with its reason (the
 * file can be received again); from a pull, kept in later, to be fetched
 * again from not_before.  0, or -1 with a reason in why (the response is
 * then not taken: too many, or a database error).
 */
static int
take_later(struct node *n, struct receiver *r, const char *peer,
    struct feed_stats *stats, struct later_set *ls, const struct vitem *it,
    const char *rwhy, char *why, size_t whysz)
{
	uint64_t	 now = node_now_ms(), nb;
	uint64_t	 drift = (uint64_t)n->cfg.max_clock_drift * 1000;
	bool		 clock = it->problem[0] == '\0' &&
			    hlc_ms(it->c->hlc) > now + drift;
	bool		 own;

	if (stats->file) {
		stats->rejected++;
		if (receive_reject(r, it, peer, rwhy) == -1)
			goto db;
		return (0);
	}
	/* An unknown key is also shown to the admin, who may add a card. */
	if (it->unknown_key && receive_reject(r, it, peer, rwhy) == -1)
		goto db;
	if (clock && !idset_has(&ls->clockd, it->c->dossier)) {
		if (idset_add(&ls->clockd, it->c->dossier) == -1)
			goto nomem;
		idset_seal(&ls->clockd);
		if (++ls->clock > FEED_LATER_CLOCK) {
			snprintf(why, whysz, "changes of more than %d dossiers "
			    "from %s have clocks more than max_clock_drift "
			    "(%d s) ahead of this node's: this node's clock is "
			    "probably slow (check it, or NTP), or their "
			    "authors' clocks run fast; nothing of the response "
			    "was taken, it is asked for again",
			    FEED_LATER_CLOCK, peer, n->cfg.max_clock_drift);
			return (-1);
		}
	}
	if (++ls->rows > FEED_LATER_ROWS) {
		snprintf(why, whysz, "more than %d changes from %s wait to be "
		    "taken later (clocks ahead, unknown keys, parents that "
		    "did not come; 'opora status'); nothing more is taken "
		    "from it until they are", FEED_LATER_ROWS, peer);
		return (-1);
	}
	/* Beyond the clock: due when this node's clock reaches it. */
	nb = clock ? hlc_ms(it->c->hlc) - drift : now + FEED_LATER_RETRY_MS;
	/* Signed by this region, verified: its past was here once. */
	own = it->problem[0] == '\0' && !it->unknown_key &&
	    strcmp(it->c->region, n->cfg.region) == 0;
	if (store_later_put(n->st, peer, it->c->id, it->c->dossier, rwhy,
	    own, (int64_t)nb, (int64_t)node_now_ms()) == -1)
		goto db;
	if (!idset_has(&ls->dossiers, it->c->dossier)) {
		if (idset_add(&ls->dossiers, it->c->dossier) == -1)
			goto nomem;
		idset_seal(&ls->dossiers);
	}
	ls->any = true;
	stats->later++;
	return (0);
nomem:
	snprintf(why, whysz, "out of memory");
	return (-1);
db:
	snprintf(why, whysz, "database error while recording a change from "
	    "%s", peer);
	return (-1);
}

/*
 * The response's changes that passed their checks, decoded then, sorted by
 * id when first asked for: offer_settle folds a history that came in the
 * response without decoding it again (view_fold_known).
 */
struct known {
	const struct feed_batch	*b;
	struct vitem		**v;	/* NULL: not sorted yet */
	size_t			  n;
	bool			  failed;	/* no memory: decode instead */
};

static int
known_cmp(const void *a, const void *b)
{
	const struct vitem *const *x = a, *const *y = b;

	return (strcmp((*x)->c->id, (*y)->c->id));
}

static const struct change *
known_find(const char *cid, const void *bytes, size_t len, void *arg)
{
	struct known	*k = arg;
	struct vitem	*it, **hit, key_item, *key = &key_item;
	struct change	 key_change;
	size_t		 i;

	if (k->v == NULL && !k->failed) {
		if ((k->v = reallocarray(NULL, k->b->n > 0 ? k->b->n : 1,
		    sizeof(*k->v))) == NULL) {
			k->failed = true;
			return (NULL);
		}
		for (i = 0; i < k->b->n; i++) {
			it = &k->b->items[i];
			if (it->c != NULL && it->problem[0] == '\0' &&
			    !it->held)
				k->v[k->n++] = it;
		}
		qsort(k->v, k->n, sizeof(*k->v), known_cmp);
	}
	if (k->v == NULL || strlen(cid) != CHANGE_ID_HEX)
		return (NULL);
	memcpy(key_change.id, cid, CHANGE_ID_HEX + 1);
	key_item.c = &key_change;
	if ((hit = bsearch(&key, k->v, k->n, sizeof(*k->v), known_cmp)) ==
	    NULL)
		return (NULL);
	/* Its own bytes, not only its id. */
	it = *hit;
	if (it->len != len || memcmp(it->bytes, bytes, len) != 0)
		return (NULL);
	return (it->c);
}

/*
 * One attempt at taking in batch b, refusing the changes of the dossiers in
 * refuse.  0 committed; 1 rolled back because the dossiers now in bad
 * (not in refuse) may not be held here; -1 rolled back on error or on a
 * transient condition (why): nothing of the response is taken.
 */
static int
take_once(struct node *n, const char *peer, struct feed_batch *b,
    bool cursor, struct feed_stats *stats, const struct idset *refuse,
    struct idset *bad, char *why, size_t whysz)
{
	struct receiver	*r = NULL;
	struct vitem	*items = b->items, **ord = b->ord;
	struct idset	 touched = { NULL, 0, 0 }, unsettled = { NULL, 0, 0 };
	struct idset	 waiting = { NULL, 0, 0 };
	struct later_set ls;
	struct known	 known = { b, NULL, 0, false };
	bool		*done = NULL, progress;
	char		 rwhy[256];
	size_t		 i;
	int64_t		 k;
	int		 rc = -1;
	bool		 repair = stats->repair, file = stats->file;

	memset(stats, 0, sizeof(*stats));
	memset(&ls, 0, sizeof(ls));
	stats->repair = repair;
	stats->file = file;
	if (b->n > 0 && (done = calloc(b->n, sizeof(*done))) == NULL) {
		snprintf(why, whysz, "out of memory");
		return (-1);
	}
	if (store_begin(n->st) == -1 || (r = receiver_new(n)) == NULL) {
		snprintf(why, whysz, "cannot open a transaction");
		goto rollback;
	}
	if (file)
		receiver_via(r, "file");
	if ((k = store_later_any(n->st)) == -1 || (k > 0 &&
	    (ls.rows = store_later_count(n->st, peer)) == -1))
		goto db_error;
	ls.any = k > 0;
	/* Dossiers waiting in later that are due go with the repairs. */
	if (repair && ls.rows > 0 && later_due(n->st, peer, stats,
	    FEED_MAX_REPAIR / 2) == -1)
		goto db_error;
	/* A change whose parent comes later in the batch waits for it. */
	do {
		progress = false;
		for (i = 0; i < b->n; i++) {
			struct vitem *it = ord[i];

			if (done[it - items])
				continue;
			if (it->held) {
				stats->duplicate++;
				done[it - items] = true;
				continue;
			}
			/* Left for the end: fetched again whole after the
			 * repairs of missing parents, or recorded.  But an
			 * offer to this region stands alone, without the
			 * history refused with it (node/offer.h). */
			if (it->c != NULL && it->problem[0] == '\0' &&
			    idset_has(refuse, it->c->dossier)) {
				switch (receive_offer(r, it, rwhy,
				    sizeof(rwhy))) {
				case RECV_OFFERED:
					stats->applied++;
					break;
				case RECV_DUPLICATE:
					stats->duplicate++;
					break;
				case RECV_FAILED:
					snprintf(why, whysz, "the change at "
					    "#%lld of %s's feed: %s; nothing of "
					    "the response was taken, it is "
					    "asked for again",
					    (long long)it->seq, peer, rwhy);
					goto rollback;
				default:
					continue;
				}
				done[it - items] = true;
				progress = true;
				continue;
			}
			switch (receive_change(r, it, peer, rwhy,
			    sizeof(rwhy))) {
			case RECV_APPLIED:
				stats->applied++;
				if (idset_add(&touched, it->c->dossier) == -1) {
					snprintf(why, whysz, "out of memory");
					goto rollback;
				}
				if (ls.any && store_later_done(n->st, it->c->id) ==
				    -1)
					goto db_error;
				break;
			case RECV_DUPLICATE:
				stats->duplicate++;
				if (ls.any && store_later_done(n->st, it->c->id) ==
				    -1)
					goto db_error;
				break;
			case RECV_REJECTED:
				stats->rejected++;
				break;
			case RECV_OFFERED:
				/* Its own entitlement: an offer to this region
				 * (or its end), checked by node/offer.c. */
				stats->applied++;
				if (ls.any && store_later_done(n->st, it->c->id) ==
				    -1)
					goto db_error;
				break;
			case RECV_MISSING:
				continue;
			case RECV_LATER:
				if (take_later(n, r, peer, stats, &ls, it,
				    rwhy, why, whysz) == -1)
					goto rollback;
				break;
			case RECV_FAILED:
				/* This node's failure, not the change's: the
				 * whole response is asked for again. */
				snprintf(why, whysz, "the change at #%lld of "
				    "%s's feed: %s; nothing of the response "
				    "was taken, it is asked for again",
				    (long long)it->seq, peer, rwhy);
				goto rollback;
			}
			done[it - items] = true;
			progress = true;
		}
	} while (progress);
	/* The person rows the changes taken owe, before anything below reads
	 * the views (settling, entitlement, erasure). */
	if (receiver_save(r) == -1)
		goto db_error;
	/* The receiver judges entitlement by its own fold, whatever the
	 * sender's filter did: a dossier it may not hold is refused whole,
	 * and the batch is taken again without it.  A dossier offered here
	 * whose history came is folded now if this region accepted, and
	 * refused if it did not (node/offer.h). */
	idset_seal(&touched);
	for (i = 0; i < touched.n; i++) {
		if ((k = offer_settle(n, touched.v[i], false, known_find,
		    &known, receiver_state(r, touched.v[i]))) == -1)
			goto db_error;
		if (k == 1)
			receiver_forget(r, touched.v[i]);
		else if ((k == 2 && idset_add(&unsettled, touched.v[i]) ==
		    -1) || (k == 3 && idset_add(&waiting, touched.v[i]) ==
		    -1)) {
			snprintf(why, whysz, "out of memory");
			goto rollback;
		}
	}
	idset_seal(&waiting);
	if (check_entitled(n, &touched, &waiting, bad) == -1)
		goto db_error;
	if (bad->n > 0) {
		idset_seal(bad);
		rc = 1;
		goto rollback;
	}
	/* The history of a dossier offered here and not accepted, which
	 * this node may hold all the same (through a link): folded now. */
	for (i = 0; i < unsettled.n; i++) {
		if (offer_settle(n, unsettled.v[i], true, known_find,
		    &known, receiver_state(r, unsettled.v[i])) == -1)
			goto db_error;
		receiver_forget(r, unsettled.v[i]);
	}
	for (i = 0; i < b->n; i++) {
		if (done[i] || (items[i].c != NULL &&
		    items[i].problem[0] == '\0' &&
		    idset_has(refuse, items[i].c->dossier)))
			continue;
		done[i] = true;
		if (repair && items[i].c != NULL &&
		    want_repair(stats, items[i].c->dossier) == 0) {
			stats->missing++;
			continue;
		}
		/* Parents not here yet are no verdict: from a pull, the
		 * dossier is fetched again later; from a file, recorded.
		 * Each change has its row, also when its dossier has one
		 * already (it waits for the clock, a key, or the parent
		 * that another row holds): a row goes when its own change
		 * comes, from whichever peer (store_later_done), and a
		 * change without a row of its own would be forgotten with
		 * the row it waited behind (sim seed 6945: an accept whose
		 * offer came back through another peer). */
		if (items[i].c != NULL && !file) {
			if (take_later(n, r, peer, stats, &ls, &items[i],
			    "its parents are not here yet", why, whysz) == -1)
				goto rollback;
			continue;
		}
		stats->missing++;
		if (receive_reject(r, &items[i], peer,
		    "its parents never arrived") == -1)
			goto db_error;
	}
	/*
	 * Changes of dossiers this node may not hold.  An honest peer sends
	 * them when its records entitle this node through a link whose other
	 * half this node cannot take yet (that half waits for its parents):
	 * with repair asked for, such a dossier is fetched whole again after
	 * the others.  It is recorded either way: if the peer will not send
	 * it whole, the record is what is left; a change taken later loses
	 * its record (receive_change).
	 */
	for (i = 0; i < b->n; i++) {
		if (done[i])
			continue;
		if (reject_unentitled(r, &items[i], peer, n->cfg.region) == -1)
			goto db_error;
		if (repair && want_repair(stats, items[i].c->dossier) == 0)
			stats->missing++;
		else
			stats->unentitled++;
	}
	/* A forgotten dossier whose first change came again (relayed
	 * late) is forgotten again (node/erase.h). */
	for (i = 0; i < touched.n; i++) {
		if ((k = erase_kind(n->st, touched.v[i], NULL)) == -1 ||
		    (k == ERASE_DECLINED && (k = erase_forget_ended(n,
		    touched.v[i])) == -1))
			goto db_error;
		if (k == 1)
			receiver_forget(r, touched.v[i]);
	}
	if (cursor) {
		if ((k = store_peer_cursor_set(n->st, peer, b->f->next,
		    (int64_t)node_now_ms(), b->f->epoch)) == -1) {
			snprintf(why, whysz, "cannot save the cursor");
			goto rollback;
		}
		/* Removed while this was fetched: nothing of it goes in (the
		 * transaction holds the write lock, so a removal is either
		 * seen here or waits until after the commit).  Still a peer:
		 * its epoch changed meanwhile; the changes, checked like any,
		 * are kept, and the cursor stays in the new epoch. */
		if (k == 1) {
			if ((k = store_peer_exists(n->st, peer)) == -1)
				goto db_error;
			if (k == 0) {
				snprintf(why, whysz, "no peer %s (removed)",
				    peer);
				goto rollback;
			}
			log_info("pull from %s: its feed epoch changed while a "
			    "response was taken in: its changes are kept, the "
			    "cursor stays where the new epoch has it", peer);
		}
	}
	if (receiver_flush(r) == -1) {
		snprintf(why, whysz, "cannot save the views or the clock");
		goto rollback;
	}
	receiver_free(r);
	r = NULL;
	if (store_commit(n->st) == -1) {
		snprintf(why, whysz, "cannot commit");
		goto rollback;
	}
	rc = 0;
	goto out;
db_error:
	snprintf(why, whysz, "database error while applying changes from %s",
	    peer);
rollback:
	receiver_free(r);
	r = NULL;
	store_rollback(n->st);
out:
	receiver_free(r);
	free(touched.v);
	free(unsettled.v);
	free(waiting.v);
	free(known.v);
	free(ls.dossiers.v);
	free(ls.clockd.v);
	free(done);
	return (rc);
}

int
feed_take(struct node *n, const char *peer, struct feed_batch *b,
    bool cursor, struct feed_stats *stats, char *why, size_t whysz)
{
	struct idset	 refuse = { NULL, 0, 0 }, bad = { NULL, 0, 0 };
	size_t		 i;
	int		 rc;

	/*
	 * Each attempt that finds dossiers this node may not hold adds them to
	 * refuse and starts again; refusing one can only end the entitlement
	 * of others (through its links), so this ends after at most as many
	 * attempts as the batch has dossiers.  Honest peers never cause a
	 * second attempt.
	 */
	while ((rc = take_once(n, peer, b, cursor, stats, &refuse, &bad, why,
	    whysz)) == 1) {
		for (i = 0; i < bad.n; i++)
			if (!idset_has(&refuse, bad.v[i]) &&
			    idset_add(&refuse, bad.v[i]) == -1) {
				snprintf(why, whysz, "out of memory");
				rc = -1;
				goto out;
			}
		bad.n = 0;
		idset_seal(&refuse);
	}
out:
	free(refuse.v);
	free(bad.v);
	return (rc);
}

int
feed_apply(struct node *n, const char *peer, struct wire_feed *f,
    bool cursor, struct feed_stats *stats, char *why, size_t whysz)
{
	struct feed_batch	*b;
	int			 rc;

	if (feed_check(n->st, f, &b, why, whysz) == -1)
		return (-1);
	rc = feed_take(n, peer, b, cursor, stats, why, whysz);
	feed_batch_free(b);
	return (rc);
}
