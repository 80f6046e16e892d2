/*
 * node/receive.c: taking in changes made elsewhere.  See receive.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/hlc.h"
#include "conflict/rules.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/receive.h"
#include "node/store.h"
#include "node/store_offer.h"
#include "node/store_refusal.h"
#include "node/view.h"
#include "protocol/esc.h"
#include "protocol/log.h"

#define RECEIVER_CACHE	64	/* dossier states kept between changes */
#define RECEIVER_DECODED 1024	/* decoded changes kept for folding pasts */

/* A clock read of one dossier, kept while ok ("" when it has none). */
struct dclock {
	bool		 ok;
	char		 dossier[37];
	char		 hlc[17];
};

struct receiver {
	struct node	*n;
	struct dossier	*cache[RECEIVER_CACHE];
	unsigned	 next;		/* the slot to reuse next */
	bool		 clock_moved;	/* the node clock must be stored */
	const char	*via;		/* static: "pull" or "file" */
	/* Changes decoded for folding a concurrent change's past, by the
	 * first bits of their id (a direct-mapped cache). */
	struct change	*decoded[RECEIVER_DECODED];
	/*
	 * Read once per dossier in this transaction (a history comes change
	 * after change of one dossier), and forgotten when an offer is taken
	 * (offers_changed) or a dossier's state is dropped (state_drop: it
	 * was erased or forgotten):
	 *  - orph (past_gap): the earliest clock of a change of the dossier
	 *    stored without a parent;
	 *  - first (before_offers): the earliest clock of an offer of the
	 *    dossier held here as a summary;
	 *  - has_root: dossier root_d's first change is here, while root_ok.
	 */
	struct dclock	 orph, first;
	bool		 root_ok;
	char		 root_d[37];
	/* Dossier kept_d is neither erased nor forgotten here, while kept_ok
	 * (forgotten as first is: an offer taken may end in a decline). */
	bool		 kept_ok;
	char		 kept_d[37];
	/* Whether dossier held_d's offers are held here (held_v), while
	 * held_ok; forgotten as first is. */
	bool		 held_ok;
	int		 held_v;
	char		 held_d[37];
	/* Whether any refusal is recorded (read once per transaction:
	 * only receive_reject adds one, and this transaction holds the
	 * write lock): REFUSALS_UNKNOWN, _NONE or _SOME. */
	int		 refusals;
};

#define REFUSALS_UNKNOWN	0
#define REFUSALS_NONE		1
#define REFUSALS_SOME		2

/* What the receiver read of offers held here may be out of date. */
static void
offers_changed(struct receiver *r)
{
	r->orph.ok = r->first.ok = r->root_ok = r->kept_ok = r->held_ok =
	    false;
}

/* offer_held(dossier), read once per dossier while no offer changes. */
static int
held_get(struct receiver *r, const char *dossier)
{
	int	 k;

	if (r->held_ok && strcmp(r->held_d, dossier) == 0)
		return (r->held_v);
	if ((k = offer_held(r->n->st, dossier)) == -1)
		return (-1);
	snprintf(r->held_d, sizeof(r->held_d), "%s", dossier);
	r->held_v = k;
	r->held_ok = true;
	return (k);
}

/* store_refusal_forget(id), asked only when any refusal is recorded: on
 * most nodes none is, and every change taken asked. */
static int
refusal_forget(struct receiver *r, const char *id)
{
	int	 k;

	if (r->refusals == REFUSALS_UNKNOWN) {
		if ((k = store_refusal_any(r->n->st)) == -1)
			return (-1);
		r->refusals = k ? REFUSALS_SOME : REFUSALS_NONE;
	}
	if (r->refusals == REFUSALS_NONE)
		return (0);
	return (store_refusal_forget(r->n->st, id));
}

/* The clock read (fn: store_offer_orphan_hlc or store_offer_first_hlc) of
 * dossier, from dc when it holds that dossier's: 0 with dc->hlc, -1. */
static int
dclock_get(struct receiver *r, struct dclock *dc,
    int (*fn)(struct store *, const char *, char [17]), const char *dossier)
{
	int	 k;

	if (dc->ok && strcmp(dc->dossier, dossier) == 0)
		return (0);
	if ((k = fn(r->n->st, dossier, dc->hlc)) == -1)
		return (-1);
	if (k == 0)
		dc->hlc[0] = '\0';
	snprintf(dc->dossier, sizeof(dc->dossier), "%s", dossier);
	dc->ok = true;
	return (0);
}

struct receiver *
receiver_new(struct node *n)
{
	struct receiver	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->n = n;
	r->via = "pull";
	return (r);
}

void
receiver_via(struct receiver *r, const char *via)
{
	r->via = via;
}

int
receiver_flush(struct receiver *r)
{
	char	 hlc[17];

	if (receiver_save(r) == -1)
		return (-1);
	if (!r->clock_moved)
		return (0);
	hlc_format(r->n->hlc.last, hlc);
	if (store_meta_raise(r->n->st, "hlc", hlc) == -1)
		return (-1);
	r->clock_moved = false;
	return (0);
}

void
receiver_free(struct receiver *r)
{
	int	 i;

	if (r == NULL)
		return;
	for (i = 0; i < RECEIVER_CACHE; i++)
		dossier_free(r->cache[i]);
	for (i = 0; i < RECEIVER_DECODED; i++)
		change_free(r->decoded[i]);
	free(r);
}

/*
 * A change taken writes its dossier's views at once but for the person
 * row's count of changes and last change (view_save_rows): the state in
 * the cache owes it (tail_dirty) until it leaves the cache (state_let_go)
 * or all are saved (receiver_save), after the changes of a response are
 * taken and before anything else reads the views, and again before the
 * commit.  Within the loop that takes them, the row's count and last
 * change are read only by view_load, for a dossier not in the cache.
 */

/* Let a cached state go, writing what it owes first.  0 / -1. */
static int
state_let_go(struct receiver *r, struct dossier *d)
{
	int	 rc = 0;

	if (d != NULL && view_save_tail(r->n->st, d) == -1)
		rc = -1;
	dossier_free(d);
	return (rc);
}

/* The stored state of a dossier: 0 and *dp (owned by the cache), 1 when
 * the dossier is not here, -1 on error. */
static int
state_get(struct receiver *r, const char *id, struct dossier **dp)
{
	struct dossier	*d;
	int		 i, rc;

	for (i = 0; i < RECEIVER_CACHE; i++)
		if (r->cache[i] != NULL && strcmp(r->cache[i]->id, id) == 0) {
			*dp = r->cache[i];
			return (0);
		}
	if ((rc = view_load(r->n->st, id, &d)) != 0)
		return (rc);
	rc = state_let_go(r, r->cache[r->next]);
	r->cache[r->next] = d;
	r->next = (r->next + 1) % RECEIVER_CACHE;
	*dp = d;
	return (rc);
}

/* The cached state of a dossier, or NULL: nothing is read. */
static const struct dossier *
state_peek(const struct receiver *r, const char *id)
{
	int	 i;

	for (i = 0; i < RECEIVER_CACHE; i++)
		if (r->cache[i] != NULL && strcmp(r->cache[i]->id, id) == 0)
			return (r->cache[i]);
	return (NULL);
}

/* Put a new state in the cache, replacing the dossier's old one (which
 * writes what it owes: the new one may be a fold that is not saved).
 * 0 / -1; d is the cache's either way. */
static int
state_put(struct receiver *r, struct dossier *d)
{
	struct dossier	*old;
	int		 i;

	for (i = 0; i < RECEIVER_CACHE; i++)
		if (r->cache[i] != NULL && strcmp(r->cache[i]->id, d->id) == 0) {
			old = r->cache[i];
			r->cache[i] = d;
			return (state_let_go(r, old));
		}
	old = r->cache[r->next];
	r->cache[r->next] = d;
	r->next = (r->next + 1) % RECEIVER_CACHE;
	return (state_let_go(r, old));
}

int
receiver_save(struct receiver *r)
{
	int	 i;

	for (i = 0; i < RECEIVER_CACHE; i++)
		if (r->cache[i] != NULL &&
		    view_save_tail(r->n->st, r->cache[i]) == -1)
			return (-1);
	return (0);
}

/* Forget a dossier's cached state (it was erased or forgotten), and what
 * it owes: its views are gone, or written again from its log. */
static void
state_drop(struct receiver *r, const char *id)
{
	int	 i;

	for (i = 0; i < RECEIVER_CACHE; i++)
		if (r->cache[i] != NULL && strcmp(r->cache[i]->id, id) == 0) {
			dossier_free(r->cache[i]);
			r->cache[i] = NULL;
		}
	offers_changed(r);
}

/* has_root(r, dossier): store_has_dossier, a "yes" kept for the rest of
 * the transaction (see struct receiver). */
static int
has_root(struct receiver *r, const char *dossier)
{
	int	 k;

	if (r->root_ok && strcmp(r->root_d, dossier) == 0)
		return (1);
	if ((k = store_has_dossier(r->n->st, dossier)) == 1) {
		snprintf(r->root_d, sizeof(r->root_d), "%s", dossier);
		r->root_ok = true;
	}
	return (k);
}

void
receiver_forget(struct receiver *r, const char *id)
{
	state_drop(r, id);
}

struct dossier *
receiver_state(struct receiver *r, const char *id)
{
	struct dossier	*d;

	return (state_get(r, id, &d) == 0 ? d : NULL);
}

/*
 * past_gap(r, c): offer_past_gap, 1 if a part of c's past is not here, 0
 * if all of it is, -1; asked only of a dossier whose offer is held here.
 * Only a change stored without a parent (an offer held as a summary, a
 * decision on it) leaves such a gap, and only in the past of a later
 * change: the earliest clock of such a change, read once per dossier in
 * this transaction, answers for every change before it without walking
 * its past (a history comes oldest first: before, each of its changes
 * read the dossier's whole log again).  Such changes are stored here only
 * by offer_receive, which forgets what was read (receive_change); what
 * this transaction adds that gives one its parent leaves the clock read
 * too low, which asks the walk (offer_past_gap) more often, never less.
 */
static int
past_gap(struct receiver *r, const struct change *c)
{
	char	 hlc[17];

	if (dclock_get(r, &r->orph, store_offer_orphan_hlc, c->dossier) == -1)
		return (-1);
	hlc_format(c->hlc, hlc);
	if (r->orph.hlc[0] == '\0' || strcmp(r->orph.hlc, hlc) >= 0)
		return (0);
	return (offer_past_gap(r->n->st, c));
}

int
receive_reject(struct receiver *r, const struct vitem *it, const char *peer,
    const char *why)
{
	struct store_refusal	 rf;
	char			 id[CHANGE_ID_HEX + 1], ewhy[ESC_LONG];
	const char		*const kv[] = { "peer", peer, "change", id,
	    "reason", why, NULL };
	int64_t			 kept, rows, now = (int64_t)node_now_ms();
	int			 k, rc = 0;
	bool			 keep;

	r->refusals = REFUSALS_SOME;
	if (it->id[0] != '\0')
		snprintf(id, sizeof(id), "%s", it->id);
	else
		change_id(it->bytes, it->len, id);
	if ((k = store_refusal_again(r->n->st, peer, id, why, r->via,
	    now)) == -1)
		return (-1);
	esc_str(why, ewhy, sizeof(ewhy));
	if (k == 1) {
		log_debug("refused change %.16s from %s again: %s", id, peer,
		    ewhy);
		return (0);
	}
	log_warnx_kv(kv, "refused change %.16s from %s: %s", id, peer, ewhy);
	/* Not knowing the totals, the cap cannot be kept. */
	if (store_refusal_totals(r->n->st, peer, &kept, &rows) == -1)
		return (-1);
	/* Bytes only within the peer's cap; the signature only with them;
	 * never of a dossier this node erased or forgot (docs/privacy.md). */
	keep = it->bytes != NULL && it->len <= RECEIVE_REJECTED_BYTES &&
	    kept + (int64_t)it->len + SIG_LEN <= RECEIVE_REJECTED_BYTES;
	if (keep && it->c != NULL && erase_kind(r->n->st, it->c->dossier,
	    NULL) != ERASE_NONE)
		keep = false;
	rf.id = id;
	rf.dossier = it->c != NULL ? it->c->dossier : NULL;
	rf.peer = peer;
	rf.reason = why;
	rf.via = r->via;
	rf.at = now;
	rf.bytes = keep ? it->bytes : NULL;
	rf.len = keep ? it->len : 0;
	rf.sig = keep && it->siglen_ok ? it->sig : NULL;
	if (store_refusal_put(r->n->st, &rf) == -1)
		return (-1);
	/* Over the cap of rows: the least recently seen goes, counted. */
	for (; rc == 0 && rows + 1 > RECEIVE_REJECTED_ROWS; rows--)
		if (store_refusal_evict(r->n->st, peer) == -1)
			rc = -1;
	return (rc);
}


/* Check the parents; 0 sound, 1 one is missing, -1 refused (why), -2 a
 * database error (why). */
static int
check_parents(struct receiver *r, const struct change *c, char *why,
    size_t whysz)
{
	const struct dossier *d;
	char		 dossier[37];
	uint64_t	 ph;
	int64_t		 seq;
	size_t		 i;
	int		 k, rc = 0;

	snprintf(why, whysz, "database error while checking its parents");
	if (c->nparents == 0) {
		if ((k = store_has_dossier(r->n->st, c->dossier)) == 1) {
			snprintf(why, whysz, "a second first change for "
			    "dossier %s", c->dossier);
			return (-1);
		}
		return (k == 0 ? 0 : -2);
	}
	/* A history comes in order: a change's parent is most often the last
	 * change its dossier's state took, which is stored (in this
	 * transaction, or before it) and whose clock the state holds; no
	 * look-up by id then. */
	d = state_peek(r, c->dossier);
	for (i = 0; i < c->nparents && rc == 0; i++) {
		if (d != NULL && d->nchanges > 0 &&
		    strcmp(d->last.id, c->parents[i]) == 0) {
			if (d->last.hlc >= c->hlc) {
				snprintf(why, whysz, "its clock is not after "
				    "its parent %.16s", c->parents[i]);
				rc = -1;
			}
			continue;
		}
		if ((k = store_change_parent(r->n->st, c->parents[i], &seq,
		    dossier, &ph)) == 1) {
			snprintf(why, whysz, "its parent %.16s is not here",
			    c->parents[i]);
			rc = 1;
		} else if (k == -1)
			rc = -2;
		else if (strcmp(dossier, c->dossier) != 0) {
			snprintf(why, whysz, "its parent %.16s belongs to "
			    "another dossier", c->parents[i]);
			rc = -1;
		} else if (ph >= c->hlc) {
			snprintf(why, whysz, "its clock is not after its parent "
			    "%.16s", c->parents[i]);
			rc = -1;
		}
	}
	return (rc);
}

/* Whether the change's parents are exactly the heads of state d (both
 * lists are sorted). */
static bool
parents_are_heads(const struct dossier *d, const struct change *c)
{
	size_t	 i;

	if (d->nheads != c->nparents)
		return (false);
	for (i = 0; i < d->nheads; i++)
		if (strcmp(d->heads[i], c->parents[i]) != 0)
			return (false);
	return (true);
}

static int
decode_row(const struct store_row *row, void *arg)
{
	char	 why[256];

	return (change_decode(row->bytes, row->len, arg, why,
	    sizeof(why)) == 0 ? 0 : -1);
}

/* A stored change, decoded (owned by the cache), or NULL. */
static const struct change *
decoded_get(struct receiver *r, const char *id)
{
	struct change	*c = NULL;
	unsigned	 k = (unsigned)strtoul((char[]){ id[0], id[1], id[2],
			    '\0' }, NULL, 16) % RECEIVER_DECODED;

	if (r->decoded[k] != NULL && strcmp(r->decoded[k]->id, id) == 0)
		return (r->decoded[k]);
	if (store_change_bytes(r->n->st, id, decode_row, &c) != 0)
		return (NULL);
	change_free(r->decoded[k]);
	r->decoded[k] = c;
	return (c);
}

/*
 * Of a dossier held here as offers: 0 when c is older than every offer
 * held (so its past, which comes before it, holds none of them, and the
 * causal graph folded so far has it whole: the history of an accepted
 * offer comes before the offer), 1 when it is not, -1 on error.
 */
static int
before_offers(struct receiver *r, const struct change *c)
{
	char	 hlc[17];

	if (dclock_get(r, &r->first, store_offer_first_hlc, c->dossier) == -1)
		return (-1);
	if (r->first.hlc[0] == '\0')
		return (1);
	hlc_format(c->hlc, hlc);
	return (strcmp(hlc, r->first.hlc) < 0 ? 0 : 1);
}

/*
 * The state the author of c saw, as far as judging c needs it: folded from
 * only the changes of its causal past that hold the kinds of operation the
 * rules read for c's operations (rules_reads), taken from d's causal
 * graph.  0 and *out; 1 when this cannot be done (the caller folds the
 * whole past from the log); -1 on error.
 */
static int
past_of(struct receiver *r, struct dossier *d, const struct change *c,
    struct dossier **out)
{
	const struct change	*p;
	struct dossier		*past;
	const char		**ids;
	uint32_t		 kinds;
	size_t			 n, k;
	int			 rc;

	*out = NULL;
	if ((kinds = rules_reads(c->ops, c->nops)) == 0)
		return (1);
	if ((rc = dossier_past(d, (const char (*)[65])c->parents, c->nparents,
	    kinds, &ids, &n)) != 0)
		return (rc);
	if ((past = dossier_new(c->dossier)) == NULL) {
		free(ids);
		return (-1);
	}
	for (k = 0; k < n; k++)
		if ((p = decoded_get(r, ids[k])) == NULL ||
		    dossier_apply(past, &p->meta, p->ops, p->nops) != 0) {
			dossier_free(past);
			free(ids);
			return (1);
		}
	free(ids);
	*out = past;
	return (0);
}

/* Tell the admin when a dossier that arrived may describe a person this
 * node already has (docs/conflicts.md, "Duplicate persons"). */
static void
report_duplicates(struct store *st, const struct change *c)
{
	const struct op	*o = &c->ops[0];
	struct view_dup	*dups;
	char		 key[VIEW_NAME_KEY];
	size_t		 n, k;

	view_name_key(o->person[PF_SURNAME], o->person[PF_NAME],
	    o->person[PF_BIRTH_DATE], key);
	if (view_duplicates_of(st, c->dossier, o->person[PF_SNILS], key,
	    &dups, &n) == -1)
		return;
	for (k = 0; k < n; k++)
		log_info("dossier %s from %s may be the same person as dossier "
		    "%s (%s); see 'opora duplicates'", c->dossier, c->region,
		    dups[k].id, dups[k].snils ? "the same SNILS" :
		    "the same surname, name and birth date");
	free(dups);
}

/*
 * A change whose parents are not here.  A tombstone may come without the
 * changes it names: its custodian erased them before this node pulled
 * them (an accept and the erasure, say).  It is taken when its author's
 * region is, by what this node holds of the dossier, the custodian or the
 * destination of the pending offer (the one region that could have made
 * it custodian since): 1.  A change of a dossier this node forgot after
 * its offer ended is history it forgot on purpose: 2, taken as already
 * held.  0: wait for the parents as usual; -1 on error.
 */
static int
erase_may_skip(struct receiver *r, const struct change *c)
{
	struct dossier			*d;
	const struct dossier_row	*p;
	int				 k;

	if ((k = erase_kind(r->n->st, c->dossier, NULL)) == -1)
		return (-1);
	/* History this node forgot when the offer to it ended, relayed
	 * late: nothing to do (a new offer brings the whole history again,
	 * parents first, and never comes here). */
	if (k == ERASE_DECLINED)
		return (2);
	if (c->ops[0].kind != OP_PERSON_ERASE)
		return (0);
	if ((k = state_get(r, c->dossier, &d)) != 0)
		return (k == 1 ? 0 : -1);
	if (strcmp(d->custodian, c->region) == 0 ||
	    ((p = dossier_pending_offer(d)) != NULL &&
	    strcmp(p->col[TR_TO], c->region) == 0))
		return (1);
	return (0);
}

enum recv_status
receive_offer(struct receiver *r, struct vitem *it, char *why, size_t whysz)
{
	struct change	*c = it->c;
	uint64_t	 now = node_now_ms();
	uint64_t	 drift = (uint64_t)r->n->cfg.max_clock_drift * 1000;
	int		 k;

	snprintf(why, whysz, "database error");
	if (it->problem[0] != '\0' || c->nops != 1 ||
	    c->ops[0].kind != OP_TRANSFER_OFFER || hlc_ms(c->hlc) > now + drift)
		return (RECV_MISSING);
	if ((k = store_change_has(r->n->st, c->id)) != 0)
		return (k == 1 ? RECV_DUPLICATE : RECV_FAILED);
	if ((k = erase_kind(r->n->st, c->dossier, NULL)) == -1)
		return (RECV_FAILED);
	if (k == ERASE_ERASED)
		return (RECV_MISSING);
	offers_changed(r);
	switch (offer_receive(r->n, c, it->bytes, it->len, it->sig, why,
	    whysz)) {
	case OFFER_TAKEN:
		if (refusal_forget(r, c->id) == -1)
			return (RECV_FAILED);
		if (hlc_observe(&r->n->hlc, c->hlc, now, drift) == 0)
			r->clock_moved = true;
		return (RECV_OFFERED);
	case -1:
		return (RECV_FAILED);
	default:
		return (RECV_MISSING);
	}
}

enum recv_status
receive_change(struct receiver *r, struct vitem *it, const char *peer,
    char *why, size_t whysz)
{
	struct store	*st = r->n->st;
	struct dossier	*d = NULL, *past = NULL, *fresh = NULL;
	struct change	*c = it->c;
	uint64_t	 now = node_now_ms();
	uint64_t	 drift = (uint64_t)r->n->cfg.max_clock_drift * 1000;
	int		 k, held = -1;

	if (it->problem[0] != '\0') {
		snprintf(why, whysz, "%s", it->problem);
		/* Not a verdict: this node ran out of memory checking it, or
		 * does not know its key yet. */
		if (it->transient)
			return (RECV_FAILED);
		if (it->unknown_key)
			return (RECV_LATER);
		goto reject;
	}
	if ((k = store_change_has(st, c->id)) == 1)
		return (RECV_DUPLICATE);
	snprintf(why, whysz, "database error");
	if (k == -1)
		return (RECV_FAILED);
	/*
	 * Beyond the drift bound: the author's clock runs fast, or this
	 * node's runs slow; which one, the bytes cannot tell, so this is not
	 * a verdict.  The change is taken once this node's clock reaches it.
	 */
	if (hlc_ms(c->hlc) > now + drift) {
		snprintf(why, whysz, "its clock is %llu s ahead of this "
		    "node's (more than max_clock_drift, %d s): either its "
		    "author's clock runs fast or this node's clock is slow; "
		    "it is taken once this node's clock reaches it",
		    (unsigned long long)((hlc_ms(c->hlc) - now) / 1000),
		    r->n->cfg.max_clock_drift);
		return (RECV_LATER);
	}
	/* A version 1 first change names a dossier id anyone could have
	 * chosen: a node takes one only from its own log (docs/protocol.md,
	 * "Versions"). */
	if (c->nparents == 0 && c->v < 2) {
		snprintf(why, whysz, "a version 1 first change: its dossier id "
		    "is not bound to its creator, so it is not taken from "
		    "peers");
		goto reject;
	}
	/* An erased dossier takes nothing more, ever: the tombstone is a
	 * signed verdict its custodian made (docs/protocol.md, "Erasure"). */
	if (r->kept_ok && strcmp(r->kept_d, c->dossier) == 0)
		k = ERASE_NONE;
	else if ((k = erase_kind(st, c->dossier, NULL)) == ERASE_NONE) {
		snprintf(r->kept_d, sizeof(r->kept_d), "%s", c->dossier);
		r->kept_ok = true;
	}
	if (k == ERASE_ERASED) {
		snprintf(why, whysz, "dossier %s was erased; its changes are "
		    "refused for good", c->dossier);
		goto reject;
	}
	if (k == -1) {
		snprintf(why, whysz, "database error");
		return (RECV_FAILED);
	}
	k = check_parents(r, c, why, whysz);
	/* A dossier held only as offers (node/offer.h) has no history here:
	 * a change of it is as one whose parents are missing.  Whether its
	 * offers are held is read once: nothing below changes it before the
	 * change is stored (offer_receive, which may, returns at once). */
	if (k == 0 && c->nparents > 0) {
		int root = 1;

		held = held_get(r, c->dossier);
		if (held == 1)
			root = has_root(r, c->dossier);
		/* With the history, a past that lacks what was never sent
		 * (an offer's parents) cannot judge c yet: it waits. */
		if (held == 1 && root == 1) {
			int gap = past_gap(r, c);

			root = gap == 1 ? 0 : gap == -1 ? -1 : 1;
		}
		if (held == -1 || root == -1) {
			snprintf(why, whysz, "database error");
			return (RECV_FAILED);
		}
		if (held == 1 && root == 0)
			k = 1;
	}
	if (k == 1) {
		/* An offer to this region comes without the history it
		 * follows, and so does the cancel that ends it. */
		/* It may store a change without its parents (past_gap), or
		 * an offer (before_offers). */
		offers_changed(r);
		switch (offer_receive(r->n, c, it->bytes, it->len, it->sig, why,
		    whysz)) {
		case OFFER_TAKEN:
			if (refusal_forget(r, c->id) == -1)
				return (RECV_FAILED);
			if (hlc_observe(&r->n->hlc, c->hlc, now, drift) == 0)
				r->clock_moved = true;
			return (RECV_OFFERED);
		case OFFER_HELD:
			return (RECV_DUPLICATE);
		case OFFER_REFUSED:
			goto reject;
		case -1:
			snprintf(why, whysz, "database error");
			return (RECV_FAILED);
		default:
			break;
		}
		switch (erase_may_skip(r, c)) {
		case 1:
			goto erase;
		case 2:
			return (RECV_DUPLICATE);
		case -1:
			return (RECV_FAILED);
		default:
			return (RECV_MISSING);
		}
	}
	if (k == -2)
		return (RECV_FAILED);
	if (k == -1)
		goto reject;
	snprintf(why, whysz, "out of memory or database error while applying "
	    "it");
	/* The state its author saw: ours, when its parents are our heads. */
	if (c->nparents == 0) {
		if ((d = dossier_new(c->dossier)) == NULL ||
		    state_put(r, d) == -1)
			return (RECV_FAILED);
		past = d;
	} else {
		if (state_get(r, c->dossier, &d) != 0 || held == -1)
			return (RECV_FAILED);
		k = held;
		/* A state whose history came to a node that held its offer
		 * as a summary lacks the offer until offer_settle: its heads
		 * say nothing of what it folded. */
		if (k == 0 && parents_are_heads(d, c))
			past = d;
		else {
			/*
			 * Concurrent: its past needs the causal graph, which
			 * a state loaded from the views lacks.  If the log
			 * cannot be folded (a damaged change, which verify
			 * reports), fold just the past the slow way.
			 */
			if (d->dag == NULL && view_fold(st, c->dossier, &fresh,
			    why, whysz) == 0) {
				d = fresh;
				fresh = NULL;
				if (state_put(r, d) == -1)
					return (RECV_FAILED);
			}
			/* The state of a dossier whose history came to a
			 * node that held its offer as a summary lacks that
			 * offer (held already, not applied): its past comes
			 * from the log until offer_settle folds it. */
			k = held;
			if (k == 1 && (k = before_offers(r, c)) == -1)
				return (RECV_FAILED);
			k = k == 0 && d->dag != NULL ? past_of(r, d, c, &past) :
			    1;
			if (k == 1)
				k = view_fold_past(st, c->dossier, c->parents,
				    c->nparents, &past, why, whysz);
			if (k == -1)
				return (RECV_FAILED);
		}
	}
	/*
	 * A change whose parents are here has a past of at least them.  An
	 * empty one is this node's failure to read it (memory, the
	 * database), not a verdict on the change: taken again later.
	 */
	if (c->nparents > 0 && past->nchanges == 0) {
		if (past != d)
			dossier_free(past);
		snprintf(why, whysz, "the state of its dossier could not be "
		    "read (out of memory or a database error)");
		return (RECV_FAILED);
	}
	if (rules_check(past, c->region, c->ops, c->nops, why, whysz) ==
	    -1) {
		if (past != d)
			dossier_free(past);
		goto reject;
	}
	if (past != d)
		dossier_free(past);
	if (c->ops[0].kind == OP_PERSON_ERASE)
		goto erase;
	/* A change taken after a refusal that was not final (not yet
	 * entitled, say): its records of refusal go. */
	if (store_change_put(st, c, it->bytes, it->len, it->sig) != 0 ||
	    refusal_forget(r, c->id) == -1)
		return (RECV_FAILED);
	switch (dossier_apply(d, &c->meta, c->ops, c->nops)) {
	case 0:
		if (view_save_rows(st, d) == -1)
			return (RECV_FAILED);
		break;
	case 1:
		/* It sorts before changes already applied: fold again. */
		if (view_fold(st, c->dossier, &fresh, why, whysz) != 0 ||
		    view_clear(st, c->dossier) == -1 ||
		    view_save(st, fresh) == -1) {
			dossier_free(fresh);
			return (RECV_FAILED);
		}
		if (state_put(r, fresh) == -1)
			return (RECV_FAILED);
		break;
	default:
		return (RECV_FAILED);
	}
	if (c->ops[0].kind == OP_PERSON_CREATE)
		report_duplicates(st, c);
	/* Our next change comes after everything we have seen; the clock is
	 * stored once per batch, by receiver_flush. */
	if (hlc_observe(&r->n->hlc, c->hlc, now, drift) == 0)
		r->clock_moved = true;
	return (RECV_APPLIED);
erase:
	/* The tombstone stays; the rest of the dossier goes now. */
	snprintf(why, whysz, "database error while erasing the dossier");
	state_drop(r, c->dossier);
	if (store_change_put(st, c, it->bytes, it->len, it->sig) != 0 ||
	    refusal_forget(r, c->id) == -1 ||
	    erase_dossier(r->n, c->dossier, c->id) == -1)
		return (RECV_FAILED);
	if (hlc_observe(&r->n->hlc, c->hlc, now, drift) == 0)
		r->clock_moved = true;
	return (RECV_APPLIED);
reject:
	if (receive_reject(r, it, peer, why) == -1) {
		snprintf(why, whysz, "database error while recording a refusal");
		return (RECV_FAILED);
	}
	return (RECV_REJECTED);
}
