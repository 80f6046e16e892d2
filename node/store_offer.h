/*
 * node/store_offer.h: the offer_summaries table -- offers held as
 * summaries at their destination until it accepts (node/offer.h,
 * docs/protocol.md "Offers before they are accepted") -- and the few
 * writes of the log that settling such a dossier needs (deleting an ended
 * offer's bytes, appending a dossier's changes again in the total order,
 * remaking its heads).
 *
 * Every function returns -1 on a database error, logged once; a reader
 * that lists rows fails whole, never with a shorter list.  Strings passed
 * in are borrowed for the call; strings handed to a callback belong to
 * the store and live until the callback returns.
 */
#ifndef OPORA_STORE_OFFER_H
#define OPORA_STORE_OFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* One summary as stored (a field the offer did not carry is ""). */
struct store_offer_row {
	char	 dossier[37], change[65];
	char	 from[16], to[16], state[16], decided_by[65];
	char	 hlc[17];
};

/* The columns of a new summary; NULL leaves a column empty. */
enum {
	SO_OFFER, SO_DOSSIER, SO_CHANGE, SO_FROM, SO_TO, SO_REASON,
	SO_SURNAME, SO_NAME, SO_PATRONYMIC, SO_BIRTH_YEAR, SO_CENTRE,
	SO_ENTRIES, SO_HLC, SO_USER, SO_NCOLS
};

/* store_offer_get(st, offer, r): 1 and *r, 0 when none, -1. */
int	 store_offer_get(struct store *st, const char *offer,
	    struct store_offer_row *r);
/* store_offer_put(st, v, received_ms): keep a new summary, state
 * "offered" (kept already: nothing changes).  0 / -1. */
int	 store_offer_put(struct store *st, const char *const v[SO_NCOLS],
	    int64_t received_ms);
/* store_offer_mark(st, offer, state, by, hlc): the offer's state, the
 * change that decided it and that change's clock.  0 / -1. */
int	 store_offer_mark(struct store *st, const char *offer,
	    const char *state, const char *by, const char *hlc);
/* store_offer_clear(st, offer): forget the summary's personal fields;
 * ids, regions, states and clocks stay.  0 / -1. */
int	 store_offer_clear(struct store *st, const char *offer);
/* store_offer_held(st, dossier): 1 if a summary of dossier (any state)
 * is kept, 0 if not; store_offer_accepted: 1 if one is accepted;
 * store_offer_live: 1 if one is offered or accepted.  -1 on error. */
int	 store_offer_held(struct store *st, const char *dossier);
int	 store_offer_accepted(struct store *st, const char *dossier);
int	 store_offer_live(struct store *st, const char *dossier);
/* store_offer_accept_seen(st, dossier, region): an accept by region of
 * an offer of dossier kept as "offered", found in the log (this node's
 * own, lost and relayed back): the summary learns it.  0 / -1. */
int	 store_offer_accept_seen(struct store *st, const char *dossier,
	    const char *region);
/* store_offer_drop(st, dossier): every summary of dossier goes.  0 / -1. */
int	 store_offer_drop(struct store *st, const char *dossier);
/* store_offer_forget(st, dossier, by, from): no offer of dossier is live
 * here any more: it is forgotten (node/erase.h, kind "declined", by change
 * by) and what this node wrote of it is owed to region from.  0 / -1.
 * store_offer_unforget(st, dossier): offered again.  0 / -1. */
int	 store_offer_forget(struct store *st, const char *dossier,
	    const char *by, const char *from);
int	 store_offer_unforget(struct store *st, const char *dossier);
/* store_offer_delete_change(st, id, keep_region): the change id and its
 * parent links go from the log, unless keep_region wrote it.  0 / -1. */
int	 store_offer_delete_change(struct store *st, const char *id,
	    const char *keep_region);
/* store_offer_heads_again(st, dossier): remake the dossier's heads from
 * its changes and parent links.  0 / -1. */
int	 store_offer_heads_again(struct store *st, const char *dossier);
/* store_offer_change_order(st, id, hlc, key): the clock and key id of
 * change id: 1, 0 when it is not held, -1. */
int	 store_offer_change_order(struct store *st, const char *id,
	    char hlc[17], char key[17]);
/* store_offer_history(st, dossier, h): the changes of dossier in the
 * total order with their parents, into h (conflict/history.h; sealed;
 * the caller frees it with history_free), the offers of dossier other
 * than accepted ones and this node's decisions on them marked other.
 * 0, or -1 (h is then empty). */
struct history;
int	 store_offer_history(struct store *st, const char *dossier,
	    struct history *h);
/* store_offer_first_hlc(st, dossier, hlc): the earliest clock (16 hex
 * digits) of an offer of dossier held here as a summary: 1, or 0 when
 * there is none, or -1. */
int	 store_offer_first_hlc(struct store *st, const char *dossier,
	    char hlc[17]);
/* store_offer_orphan_hlc(st, dossier, hlc): the earliest clock (16 hex
 * digits) of a change of dossier stored without one of its parents (an
 * offer held as a summary, a decision on it): 1, or 0 when there is none
 * (no change of the dossier can then lack a part of its past), or -1. */
int	 store_offer_orphan_hlc(struct store *st, const char *dossier,
	    char hlc[17]);
/* store_offer_past_gap(st, dossier, hlc, ids): 1 if an ancestor of the
 * changes ids (a JSON array of change ids) of dossier, whose clocks are
 * below hlc (16 hex digits), is not held, 0 if not, -1. */
int	 store_offer_past_gap(struct store *st, const char *dossier,
	    const char *hlc, const char *ids);
/* store_offer_drop_orphans(st, dossier): drop the offers of dossier
 * other than the accepted one (and decisions on them) that still lack a
 * parent, with their summaries: how many, or -1.  A decision on a
 * dropped offer lacks its parent then: call again until 0. */
int	 store_offer_drop_orphans(struct store *st, const char *dossier);
/* store_offer_reorder(st, h, moved, nmoved): append to the log again, in
 * the total order, the changes of h (the dossier's, store_offer_history)
 * stored before one of their parents and those that descend from them,
 * so that each is stored after its parents; the rest keep their place
 * (their new places go into h).  With moved not NULL, the ids of those
 * that moved, in the total order, in *moved (the caller frees it; NULL
 * when none) and their number in *nmoved.  0 / -1. */
int	 store_offer_reorder(struct store *st, struct history *h,
	    char (**moved)[65], size_t *nmoved);
/* store_offer_heads_of(st, dossier, h): make the heads of dossier those
 * of h, its changes (store_offer_history).  0 / -1. */
int	 store_offer_heads_of(struct store *st, const char *dossier,
	    struct history *h);
/*
 * store_offer_each(st, to, fn, arg): fn(v, arg) for every summary of an
 * offer to region to, newest first; v holds offer, dossier, from, to,
 * reason, state, hlc, surname, name, patronymic, birth_year, centre,
 * entries (NULL when empty).  fn returns 0 to go on, -1 to stop (the
 * result is then -1).  0 / -1.
 */
int	 store_offer_each(struct store *st, const char *to,
	    int (*fn)(const char *const v[13], void *), void *arg);
/* store_offer_each_accepted(st, to, fn, arg): fn(dossier, from, when,
 * acked, arg) for every offer to region to accepted here whose history has
 * not come (when: the accept's clock, or the offer's; acked: an admin
 * acknowledged the history lost, node/lost.h), oldest first.  0 / -1. */
int	 store_offer_each_accepted(struct store *st, const char *to,
	    void (*fn)(const char *, const char *, const char *, bool, void *),
	    void *arg);
/* store_offer_find(st, prefix, id, dossier): the summary whose offer id
 * begins with prefix: 1 with its id and dossier, 0 when none or more than
 * one, -1. */
int	 store_offer_find(struct store *st, const char *prefix, char id[80],
	    char dossier[37]);

#endif /* OPORA_STORE_OFFER_H */
