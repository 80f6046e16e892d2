/*
 * node/offer.h: what the destination of a transfer offer holds before it
 * accepts (docs/protocol.md section 9, "Offers before they are accepted";
 * docs/privacy.md).
 *
 * Until it accepts, a destination receives the offer change alone: one
 * transfer.offer operation whose summary (surname, name, patronymic,
 * birth year, sending centre, number of entries, reason) is all a
 * supervisor needs to decide.  Its parents -- the dossier's history -- are
 * not sent, so the destination stores the offer's bytes in its log without
 * them and keeps the summary in the table offer_summaries, never in the
 * views of dossiers (persons, events, ...).  Its accept or decline names
 * the offer as its parent.  The history comes once the offering node has
 * taken the accept: its feed then sends the whole dossier (the accept is a
 * grant), and offer_settle folds it.  A decline, or a cancel that reaches
 * it, ends the offer: the offer's bytes and the summary's personal fields
 * are deleted; the ids stay (what anti-entropy compares), and so does what
 * this node wrote (its decline, or an accept that lost to a cancel), which
 * the offering region still pulls from it.
 *
 * Every function runs inside the caller's transaction.  Strings are
 * borrowed.
 */
#ifndef OPORA_OFFER_H
#define OPORA_OFFER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "conflict/op.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/limits.h"

struct node;
struct store;

#define OFFER_NOT	0	/* not an offer held as a summary */
#define OFFER_TAKEN	1	/* taken (stored, or it ended an offer) */
#define OFFER_HELD	2	/* nothing to do: taken as already held */
#define OFFER_REFUSED	3	/* refused for good: why says why */

/*
 * offer_receive(n, c, bytes, len, sig, why, whysz): a change c (checked:
 * form, key, signature; bytes[0..len) and sig its own) whose parents this
 * node does not hold.  When this node holds no root of c's dossier and c
 * is, alone in its change:
 *  - a transfer.offer to this node's region by another: it is stored
 *    without its parents and its summary recorded (OFFER_TAKEN);
 *  - a transfer.cancel of an offer recorded here: by the offering region,
 *    it ends the offer (OFFER_TAKEN; OFFER_HELD when the offer had
 *    already ended, or this node's accept came first in the total order:
 *    the history will bring it); by anyone else, OFFER_REFUSED;
 *  - a transfer.accept or decline of an offer recorded here not written
 *    by this region: OFFER_REFUSED.
 * Otherwise OFFER_NOT.  -1 on a database error.
 */
int	 offer_receive(struct node *n, const struct change *c,
	    const void *bytes, size_t len, const uint8_t *sig, char *why,
	    size_t whysz);

/*
 * offer_decide(n, ref, kind, reason, cid, dossier, why, whysz): accept or
 * decline (kind; reason for a decline) the offer ref ("<change id>/<n>")
 * held here as a summary: sign and store the change (its one parent: the
 * offer), mark the offer, and on a
 * decline forget it as above.  0 with the change id in cid and the
 * dossier in dossier; 1 when ref is no offer held as a summary (the
 * caller decides it as usual); -2 refused (why: no longer pending); -1 on
 * error (why).
 */
int	 offer_decide(struct node *n, const char *ref, enum op_kind kind,
	    const char *reason, char cid[CHANGE_ID_HEX + 1], char dossier[37],
	    char *why, size_t whysz);

/*
 * offer_settle(n, dossier, force): after a response was taken in that gave
 * this node changes of dossier.  When offers of it are held here as
 * summaries and its whole history has come (its root, and every change's
 * parents): if this node accepted one, or force is set (the caller found
 * this node entitled to the dossier otherwise, through a link say), the
 * dossier is folded again from the log (its views, its heads, its changes
 * appended again in the total order) and the summaries go (unless the
 * dossier is forgotten: erase.h then deletes the history again): 1.
 * Without an accept, and not forced: 2 (the history came to a destination
 * that has not accepted: the caller refuses it unless something else
 * entitles this node).  3 when this node accepted and the history has not
 * all come yet: it is held, unfolded, until it has.  0 when there is
 * nothing to do (yet).  -1 on error.  The fold takes the changes known
 * returns already decoded (view_fold_known; known may be NULL).
 *
 * have, if not NULL, is the dossier's state as its views hold it (the
 * receiver's, which the caller forgets after a 1).  When it holds every
 * change of the log but those the history's coming put in order again
 * (the offer and the decision on it, stored before the history), and
 * those all come after it in the total order, they are applied to it
 * and only what they changed is written: the fold of the whole log, and
 * the rewriting of every view row, are what a pull of accepted histories
 * spent most on (docs/performance.md).  Otherwise the dossier is folded.
 */
struct dossier;
int	 offer_settle(struct node *n, const char *dossier, bool force,
	    view_known_fn known, void *arg, struct dossier *have);

/*
 * offer_fill(n, d, op, centre, b): fill the summary of the transfer.offer
 * op (docs/protocol.md section 4) from d, the state it is judged on (the
 * card, the events not retracted; rules.c checks them again), and the
 * sending centre: the dossier's (a local assignment), else centre (the
 * acting account's; NULL or "" for none), else this node's region.  The
 * strings point into d and b, which must outlive op.  0 / -1 (logged).
 */
struct offer_buf {
	char	 centre[LIMIT_SHORT_TEXT + 1];
	char	 year[5];
	char	 entries[24];
};
struct dossier;
int	 offer_fill(struct node *n, const struct dossier *d, struct op *op,
	    const char *centre, struct offer_buf *b);

/* offer_past_gap(st, c): 1 if an ancestor of change c (by its parents,
 * through the log) is not here, 0 if its whole past is, -1 on error.  For
 * dossiers held as offers, whose past may lack what was never sent. */
int	 offer_past_gap(struct store *st, const struct change *c);

/* offer_held(st, dossier): 1 if this node holds summaries of dossier
 * (of any state), 0 if not, -1 on error. */
int	 offer_held(struct store *st, const char *dossier);

/*
 * offer_json(n, arr): append to arr one object per offer held here as a
 * summary, newest first: id, dossier, from, to, reason, state, date, hlc,
 * surname, name, patronymic, birth_year, centre, entries ("summary":
 * true).  0 / -1 (logged).
 */
int	 offer_json(struct node *n, cJSON *arr);

/* offer_find(st, prefix, id, dossier): the offer held as a summary whose
 * entry id starts with prefix (at least 4 characters): 1 with its id and
 * dossier, 0 when none or more than one, -1 on error. */
int	 offer_find(struct store *st, const char *prefix, char id[80],
	    char dossier[37]);

/*
 * offer_overdue(n, before_ms, o): the offers this region accepted before
 * before_ms (by the accept's clock) whose history has not come: into *o,
 * how many, and the oldest's dossier, offering region and time.  Their
 * offering node may have lost the history (restored from a backup older
 * than the offer: docs/protocol.md, "An offer whose history was lost").
 * 0 / -1 (logged).
 */
struct offer_overdue {
	long long	 count;
	char		 dossier[37], from[16];
	uint64_t	 accepted_ms;
};
int	 offer_overdue(struct node *n, uint64_t before_ms,
	    struct offer_overdue *o);

#endif /* OPORA_OFFER_H */
