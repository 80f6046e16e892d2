/*
 * node/store_feed.h: the feed's SQL (node/feed.c): the log read after a
 * cursor, a change read whole, a dossier's history, the look-ups made per
 * dossier while it serves a peer, so that a response costs what it
 * serves, not what the log or the region's entitlement holds (issue 15),
 * and the entitlement a receiver checks by its own records.  What is
 * served, and in what order, is feed.c's; the SQL is here.
 *
 * Every function returns -1 on a database error, logged once.  A walk
 * that calls back returns -1 when it did not reach the end: never a
 * shorter answer.  A callback's non-zero value stops the walk and is
 * returned.  A callback may use st, but not start the walk it is called
 * from again (that statement is still stepping).  Strings passed in are
 * borrowed for the call.
 */
#ifndef OPORA_STORE_FEED_H
#define OPORA_STORE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * store_feed_begin(st) / store_feed_end(st): one read transaction (BEGIN
 * DEFERRED ... COMMIT) around a response, so that the changes, the head
 * and the entitlements it reads are one state of the database.  0 / -1
 * (logged); store_feed_end never fails the response (a read transaction
 * has nothing to lose).
 */
int	 store_feed_begin(struct store *st);
void	 store_feed_end(struct store *st);

/*
 * store_feed_entitled(st, region, dossier): whether region is entitled to
 * dossier by this node's records (docs/protocol.md, "Entitlement"): the
 * custodian, a former custodian, a region an erased dossier is still
 * served to, or the offering region of an offer held here as a summary,
 * of dossier or of a dossier joined to it by mutual links.  Walks the
 * dossier's link component, never the region's whole entitlement.
 * 1, 0, or -1 on error.
 */
int	 store_feed_entitled(struct store *st, const char *region,
	    const char *dossier);

/*
 * What the feed needs to know of a dossier's transfers to a region:
 * offered, whether there is one that is not void (its offer change, and
 * the change that cancelled or declined it, are served on their own);
 * holdback, the highest feed number above since of a change that
 * accepted one (the changes before it go whole with it), or 0.
 * store_feed_transfers(st, region, dossier, since, &offered, &holdback):
 * 0 / -1.
 */
int	 store_feed_transfers(struct store *st, const char *region,
	    const char *dossier, int64_t since, bool *offered,
	    int64_t *holdback);

/*
 * store_feed_offer_change(st, region, dossier, id): whether change id of
 * dossier is an offer of it to region that is not void, or the change
 * that cancelled or declined such an offer.  1, 0, or -1.
 */
int	 store_feed_offer_change(struct store *st, const char *region,
	    const char *dossier, const char *id);

/*
 * The offers between regions a and b that this node has a record of
 * (docs/protocol.md, "Anti-entropy", offers): every transfer of a
 * dossier from one to the other that is not void (table transfers, where
 * the node holds the dossier's history), and every offer held here as a
 * summary (table offer_summaries), of dossiers with ids above after (of
 * dossier only, unless it is ""), in the order of dossier and offer.  For each, fn(dossier, offer, state,
 * ending, arg): offer is the transfer id ("<change id>/<n>"), state
 * "offered", "accepted", "declined" or "cancelled", ending the id of the
 * change that decided or cancelled it ("" while offered).  fn returns 0
 * to go on, else store_feed_offers stops and returns that.  0 / -1.
 */
typedef int	(*store_offer_fn)(const char *dossier, const char *offer,
		    const char *state, const char *ending, void *arg);
int	 store_feed_offers(struct store *st, const char *a, const char *b,
	    const char *after, const char *only, store_offer_fn fn,
	    void *arg);

/*
 * A change of the log as the feed reads it.  Every pointer is SQLite's,
 * valid during the callback only; a text is NULL, and bytes or sig NULL
 * or short, only where the database is damaged (the caller checks).
 * region is its author's region, NULL where the walk does not read it;
 * bytes and sig are NULL (len, siglen 0) where it reads neither.
 */
struct store_feed_change {
	int64_t		 seq;		/* its feed number */
	const char	*id, *dossier, *region;
	const void	*bytes, *sig;
	size_t		 len, siglen;
};
typedef int	(*store_feed_change_fn)(const struct store_feed_change *c,
		    void *arg);

/*
 * store_feed_page_each(st, since, fn, arg): fn for every change after
 * feed number since, in feed order, without its bytes and signature
 * (region is read); feed.c reads again whole those it serves
 * (store_feed_change).  fn may use st meanwhile.  0 when all were seen,
 * fn's non-zero value, or -1.
 */
int	 store_feed_page_each(struct store *st, int64_t since,
	    store_feed_change_fn fn, void *arg);

/*
 * store_feed_change(st, seq, fn, arg): fn for change seq, read whole
 * (region is read).  fn's value (0 or -1), 1 when there is no change seq
 * (nothing called), or -1.
 */
int	 store_feed_change(struct store *st, int64_t seq,
	    store_feed_change_fn fn, void *arg);

/*
 * store_feed_grants(st, region, id): whether change id is the accept that
 * made region the custodian of its dossier (a transfer to region decided
 * by id, in state accepted).  id NULL matches nothing.  1, 0, or -1.
 */
int	 store_feed_grants(struct store *st, const char *region,
	    const char *id);

/*
 * store_feed_history_count(st, dossier, before): how many changes of
 * dossier have feed numbers below before, or -1.
 * store_feed_history_each(st, dossier, before, fn, arg): fn for each of
 * them, read whole (region is read), in feed order.  0 when all were
 * seen, fn's non-zero value, or -1.
 */
int64_t	 store_feed_history_count(struct store *st, const char *dossier,
	    int64_t before);
int	 store_feed_history_each(struct store *st, const char *dossier,
	    int64_t before, store_feed_change_fn fn, void *arg);

/*
 * store_feed_dossier_each(st, dossier, fn, arg): fn for every change of
 * dossier, read whole (region not read), in feed order.
 * store_feed_offered_each(st, region, dossier, fn, arg): the same for the
 * changes of dossier a region only offered it is served: the offer to
 * region of a transfer that is not void, and the change that cancelled or
 * declined it.  0 when all were seen, fn's non-zero value, or -1.
 */
int	 store_feed_dossier_each(struct store *st, const char *dossier,
	    store_feed_change_fn fn, void *arg);
int	 store_feed_offered_each(struct store *st, const char *region,
	    const char *dossier, store_feed_change_fn fn, void *arg);

/*
 * store_feed_link_pair(st, id, pair): when change id holds a link that is
 * linked and mutual, and this node holds the dossier it joins to: the
 * dossier the link is in, into pair[0], and the one it joins, into
 * pair[1] (copies).  1 with pair set, 0 when there is no such link, -1.
 */
int	 store_feed_link_pair(struct store *st, const char *id,
	    char pair[2][37]);

/*
 * store_feed_window_each(st, after, upto, fn, arg): fn(dossier, arg) for
 * the dossier of every change with a feed number above after and up to
 * upto; dossier is SQLite's (NULL if damaged), valid during the call.
 * 0 when all were seen, fn's non-zero value, or -1.
 */
typedef int	(*store_feed_dossier_fn)(const char *dossier, void *arg);
int	 store_feed_window_each(struct store *st, int64_t after,
	    int64_t upto, store_feed_dossier_fn fn, void *arg);

/*
 * store_feed_shared(st, a, b, after, limit, v, np): the dossiers that
 * regions a and b are both entitled to by this node's records
 * (docs/protocol.md, "Entitlement"), with ids above after, in id order,
 * at most limit (>= 1): copied into v (room for limit ids, the caller's),
 * their number in *np.  A value that is not a dossier id is skipped.
 * 0 / -1.
 */
int	 store_feed_shared(struct store *st, const char *a, const char *b,
	    const char *after, int limit, char (*v)[37], size_t *np);

/*
 * store_feed_may_hold(st, region, dossier): whether this node, of region,
 * may hold dossier by its own fold (docs/protocol.md, "Entitlement",
 * "What a receiver holds"): region is the custodian or a former custodian
 * of the dossier or of one joined to it by mutual links; or forgotten_to
 * names region for the dossier (it forgot it before protocol 2.1); or the
 * dossier was forgotten after an offer of it ended (node/erase.h, kind
 * "declined").  An offer entitles it to the offer alone (node/offer.h):
 * the history of a dossier offered here comes with this region's accept,
 * and is refused before.  Walks the dossier's link component, not the
 * region's entitlement.  1, 0, or -1.
 */
int	 store_feed_may_hold(struct store *st, const char *region,
	    const char *dossier);

#endif /* OPORA_STORE_FEED_H */
