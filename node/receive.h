/*
 * node/receive.h: taking in changes made elsewhere.
 *
 * Every change a node receives, from a peer's feed or a file, passes
 * verifier_check (hash, form, known key, signature) and then
 * receive_change: not yet stored; its parents stored, in its dossier, with
 * earlier clocks; one first change per dossier; a clock at most
 * max_clock_drift seconds (opora.conf; default 300) ahead of ours; and the authority rules of
 * conflict/rules.h judged on the state of the change's causal past (its
 * ancestors), never on what arrived since.  A sound change is appended to
 * the log and folded into the views (the dossier is folded again from the
 * log when the change sorts before ones already applied).  A refused one is
 * recorded in the table rejected with its reason and the peer it came from.
 *
 * The record of refusals is bounded, whatever a peer sends: one row per
 * peer and change id (the same refused change again adds to the row's
 * count and moves its last_at, and takes the latest reason); a row keeps
 * the refused bytes and signature only while the peer's kept bytes stay
 * within RECEIVE_REJECTED_BYTES (beyond, the row keeps the id, dossier,
 * reason and counts); a peer has at most RECEIVE_REJECTED_ROWS rows, the
 * least recently seen going first, counted in rejected_peers.dropped.  The
 * same change refused from two peers has a row for each: each record says
 * honestly where it came from, and each peer is charged its own bytes.
 *
 * A receiver caches the states of the dossiers it touches; use one per
 * transaction and free it before committing or rolling back.
 */
#ifndef OPORA_RECEIVE_H
#define OPORA_RECEIVE_H

#include <stddef.h>

#include "node/verifier.h"


/* Refused bytes (changes and signatures) kept per peer: a few hundred
 * refused changes of the largest size, enough to study an incident. */
#define RECEIVE_REJECTED_BYTES	(16 * 1024 * 1024)
/* Records of refusals per peer: a bad batch or two, several times over. */
#define RECEIVE_REJECTED_ROWS	4096

struct node;
struct receiver;

/*
 * Only RECV_REJECTED is a verdict on the change (its bytes and its causal
 * past, the same on every node).  RECV_LATER and RECV_MISSING depend on
 * what this node knows or its clock, and RECV_FAILED on this node's
 * memory or database: none of them records the change as refused.
 */
enum recv_status {
	RECV_APPLIED,		/* stored and applied */
	RECV_DUPLICATE,		/* already held: nothing done */
	RECV_REJECTED,		/* refused and recorded */
	RECV_MISSING,		/* a parent is not here yet: nothing done */
	RECV_LATER,		/* not now: its clock is beyond this node's by
				   more than max_clock_drift, or its key is
				   unknown here (the card may come later);
				   nothing done, nothing recorded; why says
				   which */
	RECV_FAILED,		/* out of memory or database error, why says
				   which: roll back, try again later */
	RECV_OFFERED		/* an offer to this region, or its end, taken
				   without the dossier's history
				   (node/offer.h): stored, no view */
};

struct receiver	*receiver_new(struct node *n);
/* receiver_via(r, via): how the changes arrive, for the records of
 * refusals: "pull" (the default) or "file" (opora receive); via is a
 * static string. */
void		 receiver_via(struct receiver *r, const char *via);
/* receiver_forget(r, id): drop the cached state of dossier id, which the
 * caller erased or forgot (node/erase.h). */
void		 receiver_forget(struct receiver *r, const char *id);
/* receiver_state(r, id): the state of dossier id as its views hold it
 * after the changes taken (cached, or read from the views), borrowed
 * until the next call on r; NULL if there is none or it cannot be read.
 * The caller may change it only if it writes the views to match, or
 * forgets it (receiver_forget). */
struct dossier	*receiver_state(struct receiver *r, const char *id);
/* receiver_save(r): write the person rows the changes taken owe: each
 * change taken writes its dossier's views but for the person row's count
 * of changes and last change, which its cached state writes once
 * (view_save_rows).  Call it after taking a response's changes, before
 * anything else reads or writes the views.  0 / -1. */
int		 receiver_save(struct receiver *r);
/* receiver_flush(r): receiver_save, and store the node's clock if what
 * was received moved it; call before committing.  0 / -1.
 * receiver_free(r) writes nothing: a receiver not flushed is for a
 * transaction rolled back. */
int		 receiver_flush(struct receiver *r);
void		 receiver_free(struct receiver *r);

/*
 * receive_change(r, it, peer, why, whysz): take in one checked item (a
 * problem found by the verifier makes it rejected, unless the verifier
 * marked it transient -- RECV_FAILED -- or unknown_key -- RECV_LATER).
 * peer names where it came from, for the record.  The caller holds a
 * transaction.
 */
enum recv_status receive_change(struct receiver *r, struct vitem *it,
		    const char *peer, char *why, size_t whysz);

/*
 * receive_offer(r, it, why, whysz): take in a checked item that is an offer
 * to this region, alone, as a summary (node/offer.h), whatever came with it:
 * for a response whose history of the dossier is refused (this region may
 * not hold it yet), the offer still stands.  RECV_OFFERED, RECV_DUPLICATE,
 * RECV_FAILED, or RECV_MISSING when it is no such offer (nothing done).
 */
enum recv_status receive_offer(struct receiver *r, struct vitem *it,
		    char *why, size_t whysz);

/* receive_reject(r, it, peer, why): record a refused change (bounded, see
 * above) by it->id when set (a malformed feed item), else by the hash of
 * it->bytes.  The caller holds a transaction.  0 / -1 (logged). */
int		 receive_reject(struct receiver *r, const struct vitem *it,
		    const char *peer, const char *why);

#endif /* OPORA_RECEIVE_H */
