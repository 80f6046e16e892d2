/*
 * node/feed.h: the feed: what this node serves to a peer, and taking in
 * what a peer served.
 *
 * feed_build answers GET /v1/feed for a peer region: the changes, in this
 * node's feed order, of every dossier that region is entitled to (it is the
 * custodian, a former custodian, or the destination of a pending offer);
 * when the feed reaches the offer that entitles it to a dossier, the
 * dossier's whole earlier history comes first.  A response that read the
 * log to its end hands out the head as the cursor, so that a peer in step
 * or entitled to nothing costs nothing per long poll; a peer that holds
 * every change its region wrote is not sent them (FEED_SKIP_OWN).
 * feed_apply takes in a
 * parsed feed from a peer in one transaction, with the peer's new cursor
 * saved in that same transaction, so a crash loses nothing and applies
 * nothing twice.
 */
#ifndef OPORA_FEED_H
#define OPORA_FEED_H

#include <stdint.h>

#include "protocol/buf.h"
#include "protocol/wire.h"

struct node;
struct store;

/* feed_build's flags: leave out the changes region wrote (it holds them
 * all: docs/protocol.md, "Endpoints", Opora-Own). */
#define FEED_SKIP_OWN	0x1

/*
 * feed_build(n, region, since, limit, flags, out, nextp, servedp): append the
 * feed response for region after cursor since, with at most limit
 * changes (a dossier's history may go beyond it when it must come whole),
 * to out, all read in one transaction.  Stores the next cursor in *nextp
 * (the head when the response read the log to its end: docs/protocol.md,
 * "Endpoints") and, if servedp is not NULL, how many changes it holds in
 * *servedp.  What it costs grows with what it reads of the log after
 * since, not with the log.  0 / -1.
 */
int	 feed_build(struct node *n, const char *region, int64_t since,
	    int limit, int flags, struct buf *out, int64_t *nextp,
	    int *servedp);

/* feed_head(n): the newest feed number, or -1. */
int64_t	 feed_head(struct node *n);

#define FEED_MAX_REPAIR	16	/* dossiers repaired after one response */

struct feed_stats {
	uint64_t	 applied, duplicate, rejected, missing;
	/* Not taken yet, for a reason that is no verdict on them (a clock
	 * beyond max_clock_drift of ours, an unknown key, parents that did
	 * not come): kept in the table later and fetched again (feed.c). */
	uint64_t	 later;
	/* Changes of dossiers this node is not, by its own records,
	 * entitled to: not stored, recorded, taken if they come again once
	 * it is (an honest peer may send a dossier's history before the
	 * link that entitles this node reaches it). */
	uint64_t	 unentitled;
	/* With repair asked for: the dossiers whose changes waited for
	 * parents that never came, left unrecorded for the caller to fetch
	 * whole (GET /v1/dossiers/ID/changes) and apply again. */
	bool		 repair;
	char		 torepair[FEED_MAX_REPAIR][37];
	size_t		 ntorepair;
	/* Set on entry when the changes come from a file (opora receive),
	 * not a pull: refusals are recorded so (node/receive.h). */
	bool		 file;
};

/* Changes kept in the table later per peer; beyond, a response that adds
 * one is not taken (the pull stops, as for a transient failure). */
#define FEED_LATER_ROWS		4096
/* Dossiers of one response whose changes are beyond the clock bound: more
 * means this node's clock is likely the slow one, so the response is not
 * taken at all (the cursor stays) until the clock is right. */
#define FEED_LATER_CLOCK	8
/* How often a dossier waiting in later is fetched again when nothing says
 * when it can be taken (an unknown key, parents that did not come). */
#define FEED_LATER_RETRY_MS	(10 * 60 * 1000)

/*
 * feed_apply(n, peer, f, cursor, stats, why, whysz): verify every change of
 * f (on every core), take in the sound ones, record the refused ones, and
 * if cursor is true store f->next as peer's cursor, all in one
 * transaction.  If stats->repair is set on entry, changes whose parents
 * never came are not recorded as refused but listed in stats->torepair
 * (up to FEED_MAX_REPAIR dossiers), and so are up to FEED_MAX_REPAIR / 2
 * dossiers of the table later that are due.
 *
 * Only a verdict on a change's bytes and causal past records it as
 * refused (docs/protocol.md, section 7).  Running out of memory or a
 * database error while checking or taking any change stops the whole
 * response: -1, rolled back, the cursor where it was, to be tried again.
 * A change whose clock is beyond max_clock_drift of ours, whose key is
 * unknown here, or (from a pull) whose parents did not come even after
 * repair is kept in the table later and not refused; its dossier is
 * fetched again when due (an unknown key is also recorded for the admin,
 * who may have a card to add).  From a file (stats->file) there is no one
 * to fetch it from again, so such changes are recorded as refused, with
 * their reason, and taken if the file is received again later.
 * 0, or -1 (rolled back) with a reason.
 */
int	 feed_apply(struct node *n, const char *peer, struct wire_feed *f,
	    bool cursor, struct feed_stats *stats, char *why, size_t whysz);

/*
 * The two halves of feed_apply, so that a puller can check the next
 * response (in another thread, with its own connection st to the node's
 * database) while it takes in this one:
 * feed_check(st, f, out, why, whysz): look up which changes are already
 * here (st is only read), verify the others on every core, and put them in
 * the total order; 0 and a batch in *out that borrows f (f must outlive
 * it), or -1 with a reason.
 * feed_take(n, peer, b, cursor, stats, why, whysz): the rest of
 * feed_apply, in one transaction on n.
 * feed_batch_move(b, f): b now borrows f, to which the caller moved the
 * feed b was checked from (the same items).
 * feed_batch_free(b): release b (not its f); NULL is a no-op.
 */
struct feed_batch;
int	 feed_check(struct store *st, struct wire_feed *f,
	    struct feed_batch **out, char *why, size_t whysz);
int	 feed_take(struct node *n, const char *peer, struct feed_batch *b,
	    bool cursor, struct feed_stats *stats, char *why, size_t whysz);
void	 feed_batch_move(struct feed_batch *b, struct wire_feed *f);
void	 feed_batch_free(struct feed_batch *b);

/* feed_dossier(n, region, id, out): GET /v1/dossiers/ID/changes: every
 * change of one dossier region is entitled to, and of the dossiers joined
 * to it by mutual links, as a feed document.
 * 0, 1 if not entitled or not here, -1 on error. */
int	 feed_dossier(struct node *n, const char *region, const char *id,
	    struct buf *out);

/*
 * feed_shared(st, a, b, after, limit, out, np): the dossiers that regions
 * a and b are both entitled to by this node's records (docs/protocol.md,
 * "Entitlement"), with ids above after ("" for the first), in id order,
 * at most limit (>= 1): 0 with a new array in *out (the caller frees it)
 * and their number in *np, or -1 (logged).  Anti-entropy compares these
 * (node/entropy.h).
 */
int	 feed_shared(struct store *st, const char *a, const char *b,
	    const char *after, int limit, char (**out)[37], size_t *np);

/*
 * feed_corrupted(n): call after feed_build or feed_dossier failed.  1 if
 * it failed because a stored change no longer hashes to its id (already
 * logged with its id): the change's feed number is recorded (meta
 * "corrupt_seq") for 'opora status', and the caller answers that the
 * node's database is damaged.  0 if the failure was another one.
 */
int	 feed_corrupted(struct node *n);

#endif /* OPORA_FEED_H */
