/*
 * node/store_feed.h: the look-ups the feed makes per dossier while it
 * serves a peer (node/feed.c), so that a response costs what it serves,
 * not what the log or the region's entitlement holds (issue 15).
 */
#ifndef OPORA_STORE_FEED_H
#define OPORA_STORE_FEED_H

#include <stdbool.h>
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

#endif /* OPORA_STORE_FEED_H */
