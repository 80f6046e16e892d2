/*
 * node/offer.c: offers held as summaries.  See offer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conflict/dossier.h"
#include "conflict/history.h"
#include "conflict/hlc.h"
#include "node/account.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/store_offer.h"
#include "node/view.h"
#include "protocol/buf.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/sig.h"

/*
 * The offer ref ended (state, by change by at clock hlc): its bytes and
 * its summary's personal fields go; the ids stay, and whatever this node
 * wrote.
 */
static int
end(struct node *n, const char *ref, const struct store_offer_row *r, const char *state,
    const char *by, const char *hlc)
{
	struct store	*st = n->st;
	int		 k;

	if (store_offer_mark(st, ref, state, by, hlc) == -1 ||
	    store_offer_clear(st, ref) == -1 ||
	    store_offer_delete_change(st, r->change, n->cfg.region) == -1 ||
	    store_offer_heads_again(st, r->dossier) == -1 ||
	    (k = store_offer_live(st, r->dossier)) == -1)
		return (-1);
	if (k == 0 && store_offer_forget(st, r->dossier, by, r->from) == -1)
		return (-1);
	store_want_wipe(st);
	log_info("offer %.16s of dossier %s to %s %s: its summary and the "
	    "offer's bytes are deleted", ref, r->dossier, r->to, state);
	return (0);
}

/* Whether change id (held here) comes before change c in the total
 * order: 1, 0, or -1. */
static int
held_before(struct store *st, const char *id, const struct change *c)
{
	char		 hlc[17], key[17];
	uint64_t	 h;

	if (store_offer_change_order(st, id, hlc, key) != 1 ||
	    hlc_parse(hlc, strlen(hlc), &h) == -1)
		return (-1);
	return (hlc_order(h, key, id, c->hlc, c->key, c->id) < 0);
}

static int
take_offer(struct node *n, const struct change *c, const void *bytes,
    size_t len, const uint8_t *sig)
{
	const struct op	*o = &c->ops[0];
	const char	*v[SO_NCOLS];
	struct store_offer_row r;
	char		 ref[CHANGE_ID_HEX + 8], hlc[17];
	int		 k;

	snprintf(ref, sizeof(ref), "%s/0", c->id);
	hlc_format(c->hlc, hlc);
	/* Known already: pending here (and held), or ended (its bytes
	 * deleted on purpose: relayed late, it is not taken again). */
	if ((k = store_offer_get(n->st, ref, &r)) != 0)
		return (k == 1 ? OFFER_HELD : -1);
	v[SO_OFFER] = ref;
	v[SO_DOSSIER] = c->dossier;
	v[SO_CHANGE] = c->id;
	v[SO_FROM] = c->region;
	v[SO_TO] = o->arg[OA_TO];
	v[SO_REASON] = o->arg[OA_REASON];
	v[SO_SURNAME] = o->arg[OA_SURNAME];
	v[SO_NAME] = o->arg[OA_NAME];
	v[SO_PATRONYMIC] = o->arg[OA_PATRONYMIC];
	v[SO_BIRTH_YEAR] = o->arg[OA_BIRTH_YEAR];
	v[SO_CENTRE] = o->arg[OA_CENTRE];
	v[SO_ENTRIES] = o->arg[OA_ENTRIES];
	v[SO_HLC] = hlc;
	v[SO_USER] = c->user;
	if (store_offer_put(n->st, v, (int64_t)node_now_ms()) == -1)
		return (-1);
	/* Offered again after an offer that ended: it is not forgotten. */
	if (store_offer_unforget(n->st, c->dossier) == -1 ||
	    store_change_put(n->st, c, bytes, len, sig) == -1)
		return (-1);
	log_info("dossier %s offered by %s: its summary is kept; the history "
	    "comes once this region accepts", c->dossier, c->region);
	return (OFFER_TAKEN);
}

int
offer_receive(struct node *n, const struct change *c, const void *bytes,
    size_t len, const uint8_t *sig, char *why, size_t whysz)
{
	const struct op	*o;
	struct store_offer_row r;
	char		 hlc[17];
	int		 k;

	if (c->nops != 1)
		return (OFFER_NOT);
	o = &c->ops[0];
	if (o->kind != OP_TRANSFER_OFFER && o->kind != OP_TRANSFER_CANCEL &&
	    o->kind != OP_TRANSFER_ACCEPT && o->kind != OP_TRANSFER_DECLINE)
		return (OFFER_NOT);
	/* A node that holds the dossier judges it on its history. */
	if ((k = store_has_dossier(n->st, c->dossier)) != 0)
		return (k == 1 ? OFFER_NOT : -1);
	if (o->kind == OP_TRANSFER_OFFER) {
		if (strcmp(o->arg[OA_TO], n->cfg.region) != 0 ||
		    strcmp(c->region, n->cfg.region) == 0)
			return (OFFER_NOT);
		return (take_offer(n, c, bytes, len, sig));
	}
	if ((k = store_offer_get(n->st, o->arg[OA_REF], &r)) != 1)
		return (k == 0 ? OFFER_NOT : -1);
	if (strcmp(r.dossier, c->dossier) != 0)
		return (OFFER_NOT);
	if (o->kind != OP_TRANSFER_CANCEL) {
		if (strcmp(c->region, r.to) != 0) {
			snprintf(why, whysz, "only %s, to which the case is "
			    "offered, may accept or decline it", r.to);
			return (OFFER_REFUSED);
		}
		/* This region's own decision, which it lost (a restore)
		 * and a peer relays back: taken again. */
		if (strcmp(r.state, "offered") != 0)
			return (OFFER_HELD);
		hlc_format(c->hlc, hlc);
		if (store_change_put(n->st, c, bytes, len, sig) == -1)
			return (-1);
		if (o->kind == OP_TRANSFER_ACCEPT)
			return (store_offer_mark(n->st, o->arg[OA_REF], "accepted", c->id, hlc) == -1 ? -1 : OFFER_TAKEN);
		return (end(n, o->arg[OA_REF], &r, "declined", c->id, hlc) ==
		    -1 ? -1 : OFFER_TAKEN);
	}
	if (strcmp(c->region, r.from) != 0) {
		snprintf(why, whysz, "only %s, which made the offer, may "
		    "cancel it", r.from);
		return (OFFER_REFUSED);
	}
	hlc_format(c->hlc, hlc);
	if (strcmp(r.state, "offered") == 0)
		return (end(n, o->arg[OA_REF], &r, "cancelled", c->id, hlc) ==
		    -1 ? -1 : OFFER_TAKEN);
	/* This node decided: the cancel wins if it comes first in the total
	 * order (docs/protocol.md section 6).  An accept that wins makes the
	 * offering node send the whole history with it. */
	if (strcmp(r.state, "accepted") == 0 ||
	    strcmp(r.state, "declined") == 0) {
		if ((k = held_before(n->st, r.decided_by, c)) == -1)
			return (-1);
		if (k == 1)
			return (OFFER_HELD);
		if (strcmp(r.state, "declined") == 0)
			return (store_offer_mark(n->st, o->arg[OA_REF], "cancelled", c->id, hlc) == -1 ? -1 : OFFER_TAKEN);
		return (end(n, o->arg[OA_REF], &r, "cancelled", c->id, hlc) ==
		    -1 ? -1 : OFFER_TAKEN);
	}
	return (OFFER_HELD);
}

int
offer_decide(struct node *n, const char *ref, enum op_kind kind,
    const char *reason, char cid[CHANGE_ID_HEX + 1], char dossier[37],
    char *why, size_t whysz)
{
	struct change	 hdr, *c = NULL;
	struct op	 op;
	struct store_offer_row r;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 hlc[17];
	uint64_t	 stored, oh, now = node_now_ms();
	uint64_t	 drift = (uint64_t)n->cfg.max_clock_drift * 1000;
	int		 k, rc = -1;

	memset(&hdr, 0, sizeof(hdr));
	buf_init(&b, LIMIT_CHANGE_BYTES);
	snprintf(why, whysz, "database error");
	/* A bulk writer's changes are in the log before it is read. */
	if (n->signer != NULL && signer_drain(n->signer, n->st) == -1)
		goto out;
	if ((k = store_offer_get(n->st, ref, &r)) != 1 ||
	    (k = store_has_dossier(n->st, r.dossier)) != 0) {
		rc = k == -1 ? -1 : 1;	/* not held as a summary */
		goto out;
	}
	if (strcmp(r.to, n->cfg.region) != 0) {
		snprintf(why, whysz, "only %s, to which the case is offered, "
		    "may accept or decline it", r.to);
		rc = -2;
		goto out;
	}
	if (strcmp(r.state, "offered") != 0) {
		snprintf(why, whysz, "transfer offer %s is no longer pending "
		    "(%s)", ref, r.state);
		rc = -2;
		goto out;
	}
	/* An accept of an earlier offer of the dossier may have won its race
	 * and made this one void: decide once its history has come. */
	if ((k = store_offer_accepted(n->st, r.dossier)) != 0) {
		if (k == 1)
			snprintf(why, whysz, "this region accepted an earlier "
			    "offer of the dossier whose history has not come "
			    "yet; decide this one once it has (opora sync)");
		rc = k == 1 ? -2 : -1;
		goto out;
	}
	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.field = -1;
	op.arg[OA_REF] = ref;
	op.arg[OA_REASON] = kind == OP_TRANSFER_DECLINE ? reason : NULL;
	/* After the offer, and after every clock this node issued. */
	if (hlc_parse(r.hlc, strlen(r.hlc), &oh) == 0 && oh > n->hlc.last)
		n->hlc.last = oh;
	if (store_meta_get(n->st, "hlc", hlc, sizeof(hlc)) == 0 &&
	    hlc_parse(hlc, strlen(hlc), &stored) == 0 && stored > n->hlc.last)
		n->hlc.last = stored;
	if (hlc_ms(n->hlc.last) > now + drift) {
		snprintf(why, whysz, "this node's clock is behind the latest "
		    "time it has recorded by more than max_clock_drift: "
		    "nothing is written while it is (set the system clock "
		    "right, NTP)");
		rc = -2;
		goto out;
	}
	hdr.hlc = hlc_tick(&n->hlc, now);
	memcpy(hdr.dossier, r.dossier, sizeof(hdr.dossier));
	memcpy(hdr.key, n->key_id, sizeof(hdr.key));
	memcpy(hdr.region, n->cfg.region, sizeof(hdr.region));
	hdr.user = n->user;
	/*
	 * Its one parent is the offer.  The offer's causal past is the state
	 * its author judged it on, so the offer is pending in it on every
	 * node and the decision valid; naming this node's own earlier
	 * decisions too (an accept of an earlier offer, which may have won
	 * a race and made that offer's successor void) would let another
	 * node's fold of the past differ from what this node could check.
	 */
	if ((hdr.parents = calloc(1, sizeof(*hdr.parents))) == NULL)
		goto out;
	memcpy(hdr.parents[0], r.change, sizeof(hdr.parents[0]));
	hdr.nparents = 1;
	if ((k = change_encode(&b, &hdr, &op, 1, &c, why, whysz)) != 0) {
		rc = k == CHANGE_NOMEM ? -1 : -2;
		goto out;
	}
	snprintf(why, whysz, "cannot store the change");
	if (n->signer != NULL) {
		if (signer_submit(n->signer, c, b.data, b.len) == -1 ||
		    signer_drain(n->signer, n->st) == -1)
			goto out;
	} else if (sig_sign(n->key, CHANGE_PREFIX, b.data, b.len, sig) == -1 ||
	    store_change_put(n->st, c, b.data, b.len, sig) != 0)
		goto out;
	hlc_format(n->hlc.last, hlc);
	if (store_meta_raise(n->st, "hlc", hlc) == -1)
		goto out;
	hlc_format(c->hlc, hlc);
	if (kind == OP_TRANSFER_ACCEPT) {
		if (store_offer_mark(n->st, ref, "accepted", c->id, hlc) == -1)
			goto out;
	} else if (end(n, ref, &r, "declined", c->id, hlc) == -1)
		goto out;
	memcpy(cid, c->id, CHANGE_ID_HEX + 1);
	memcpy(dossier, r.dossier, 37);
	rc = 0;
out:
	change_free(c);
	free(hdr.parents);
	buf_free(&b);
	return (rc);
}

int
offer_fill(struct node *n, const struct dossier *d, struct op *op,
    const char *centre, struct offer_buf *b)
{
	size_t	 r, live = 0;
	int	 k;

	if (d->person[PF_SURNAME] == NULL || d->person[PF_NAME] == NULL ||
	    d->person[PF_BIRTH_DATE] == NULL) {
		log_warnx("dossier %s: no card to summarise for the offer",
		    d->id);
		return (-1);
	}
	for (r = 0; r < d->t[DT_EVENT].n; r++) {
		const char *v = d->t[DT_EVENT].v[r].col[EV_RETRACTED];

		if (v == NULL || strcmp(v, "1") != 0)
			live++;
	}
	snprintf(b->entries, sizeof(b->entries), "%zu", live);
	snprintf(b->year, sizeof(b->year), "%.4s", d->person[PF_BIRTH_DATE]);
	if ((k = account_dossier_centre(n->st, d->id, b->centre,
	    sizeof(b->centre))) == -1)
		return (-1);
	if (k == 1)
		snprintf(b->centre, sizeof(b->centre), "%s", centre != NULL &&
		    centre[0] != '\0' ? centre : n->cfg.region);
	op->arg[OA_SURNAME] = d->person[PF_SURNAME];
	op->arg[OA_NAME] = d->person[PF_NAME];
	op->arg[OA_PATRONYMIC] = d->person[PF_PATRONYMIC] != NULL &&
	    d->person[PF_PATRONYMIC][0] != '\0' ? d->person[PF_PATRONYMIC] :
	    NULL;
	op->arg[OA_BIRTH_YEAR] = b->year;
	op->arg[OA_ENTRIES] = b->entries;
	op->arg[OA_CENTRE] = b->centre;
	return (0);
}

int
offer_past_gap(struct store *st, const struct change *c)
{
	struct buf	 b;
	char		 hlc[17];
	size_t		 i;
	int		 k;

	hlc_format(c->hlc, hlc);
	buf_init(&b, (CHANGE_ID_HEX + 3) * (c->nparents + 1) + 2);
	buf_adds(&b, "[");
	for (i = 0; i < c->nparents; i++)
		buf_addf(&b, "%s\"%s\"", i > 0 ? "," : "", c->parents[i]);
	buf_adds(&b, "]");
	k = buf_failed(&b) ? -1 : store_offer_past_gap(st, c->dossier, hlc,
	    b.data);
	buf_free(&b);
	return (k);
}

int
offer_held(struct store *st, const char *dossier)
{
	return (store_offer_held(st, dossier));
}

/* A change to apply, for settle_onto: decoded here, or found known. */
struct onto {
	view_known_fn		 known;
	void			*arg;
	const struct change	*c;	/* known's, or *own */
	struct change		*own;
};

static int
onto_row(const struct store_row *row, void *arg)
{
	struct onto	*o = arg;
	char		 why[256];

	if (o->known != NULL && (o->c = o->known(row->id, row->bytes,
	    row->len, o->arg)) != NULL)
		return (0);
	if (change_decode(row->bytes, row->len, &o->own, why,
	    sizeof(why)) != 0)
		return (1);
	o->c = o->own;
	return (0);
}

/*
 * settle_onto(n, d, count, moved, nmoved, known, arg): apply to d, the
 * state the views hold, the changes that moved (in the total order), and
 * write what they changed: 0.  count is how many changes the dossier
 * has.  1 when d is not the state of every other change of
 * the log, or a moved change does not come after it: the caller folds
 * (and forgets d, which may have taken some of them).  -1 on a database
 * error or out of memory.
 */
static int
settle_onto(struct node *n, struct dossier *d, size_t count,
    char (*moved)[65], size_t nmoved, view_known_fn known, void *arg)
{
	struct onto		*o;
	struct dossier_stamp	 s, prev = d->last;
	size_t			 i;
	int			 k, rc = 1;

	if (d->nchanges == 0 || count != d->nchanges + nmoved)
		return (1);
	if (nmoved > 0 && (o = calloc(nmoved, sizeof(*o))) == NULL) {
		log_oom_note();
		return (-1);
	}
	if (nmoved == 0)
		o = NULL;
	/* Every one read, and each after d and the one before it, before
	 * any is applied. */
	for (i = 0; i < nmoved; i++) {
		o[i].known = known;
		o[i].arg = arg;
		if ((k = store_change_bytes(n->st, moved[i], onto_row,
		    &o[i])) == -1) {
			rc = -1;
			goto out;
		}
		if (k != 0 || strcmp(o[i].c->dossier, d->id) != 0)
			goto out;
		s.hlc = o[i].c->hlc;
		snprintf(s.key, sizeof(s.key), "%s", o[i].c->key);
		snprintf(s.id, sizeof(s.id), "%s", o[i].c->id);
		if (dossier_stamp_cmp(&s, &prev) <= 0)
			goto out;
		prev = s;
	}
	/* A write that did not see all of d, on a state without its causal
	 * graph, asks for the fold too (1). */
	for (i = 0; i < nmoved; i++)
		if ((k = dossier_apply(d, &o[i].c->meta, o[i].c->ops,
		    o[i].c->nops)) != 0) {
			rc = k;
			goto out;
		}
	rc = view_save(n->st, d) == -1 ? -1 : 0;
out:
	for (i = 0; i < nmoved; i++)
		change_free(o[i].own);
	free(o);
	return (rc);
}

/* history_gap's question about a parent outside the dossier. */
static int
stored(const char *id, void *arg)
{
	return (store_change_has(arg, id));
}

static bool
any_other(const struct history *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].other)
			return (true);
	return (false);
}

int
offer_settle(struct node *n, const char *dossier, bool force,
    view_known_fn known, void *arg, struct dossier *have)
{
	struct history	 h;
	struct dossier	*d = NULL;
	char		 why[256], (*moved)[65] = NULL;
	size_t		 nmoved = 0;
	int		 k, accepted, rc = -1;

	if ((k = offer_held(n->st, dossier)) != 1)
		return (k);
	if ((k = store_has_dossier(n->st, dossier)) != 1)
		return (k == 0 ? 0 : -1);
	if (store_offer_accept_seen(n->st, dossier, n->cfg.region) == -1 ||
	    (accepted = store_offer_accepted(n->st, dossier)) == -1)
		return (-1);
	/* The dossier read once (conflict/history.h) for all that follows.
	 * Folded once the whole history is here (it may come in more than
	 * one response): every change's parents stored before it.  Until
	 * then, an accepted offer's history is held, unfolded. */
	if (store_offer_history(n->st, dossier, &h) == -1)
		return (-1);
	if ((k = history_gap(&h, stored, n->st)) != 0) {
		rc = k == 1 ? (accepted ? 3 : 0) : -1;
		goto out;
	}
	if (!accepted && !force) {
		rc = 2;
		goto out;
	}
	if (any_other(&h)) {
		while ((k = store_offer_drop_orphans(n->st, dossier)) > 0)
			;
		history_free(&h);
		if (k == -1 || store_offer_history(n->st, dossier, &h) == -1)
			goto out;
	}
	if (store_offer_reorder(n->st, &h, &moved, &nmoved) == -1)
		goto out;
	k = have != NULL && strcmp(have->id, dossier) == 0 ?
	    settle_onto(n, have, h.n, moved, nmoved, known, arg) : 1;
	if (k == -1)
		goto out;
	log_debug("dossier %s: settled %s", dossier, k == 0 ? "on the state "
	    "its views hold" : "by a fold of its log");
	if (k == 1) {
		if (view_fold_known(n->st, dossier, known, arg, &d, why,
		    sizeof(why)) != 0) {
			log_warnx("dossier %s: %s", dossier, why);
			goto out;
		}
		if (view_clear(n->st, dossier) == -1 ||
		    view_save(n->st, d) == -1) {
			dossier_free(d);
			goto out;
		}
		dossier_free(d);
	}
	if (store_offer_heads_of(n->st, dossier, &h) == -1 ||
	    (k = erase_kind(n->st, dossier, NULL)) == -1 ||
	    ((accepted || k == ERASE_NONE) && store_offer_drop(n->st,
	    dossier) == -1))
		goto out;
	log_info("dossier %s: its history came with the accept", dossier);
	rc = 1;
out:
	free(moved);
	history_free(&h);
	return (rc);
}

/* One summary into the array of offer_json. */
static int
json_one(const char *const v[13], void *arg)
{
	static const char *const keys[] = { "id", "dossier", "from", "to",
	    "reason", "state", "hlc", "surname", "name", "patronymic",
	    "birth_year", "centre", "entries" };
	cJSON		*o;
	char		 when[16];
	uint64_t	 h;
	time_t		 ts;
	struct tm	 tm;
	int		 i;

	if ((o = cJSON_CreateObject()) == NULL) {
		log_oom_note();
		return (-1);
	}
	cJSON_AddItemToArray(arg, o);
	for (i = 0; i < 13; i++)
		if (v[i] != NULL)
			cJSON_AddStringToObject(o, keys[i], v[i]);
	when[0] = '\0';
	if (v[6] != NULL && hlc_parse(v[6], strlen(v[6]), &h) == 0) {
		ts = (time_t)(hlc_ms(h) / 1000);
		gmtime_r(&ts, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d", &tm);
	}
	cJSON_AddStringToObject(o, "date", when);
	/* As for the transfers of dossiers held here: the events not
	 * retracted, here as the offer counts them. */
	cJSON_AddNumberToObject(o, "events", v[12] != NULL ?
	    strtod(v[12], NULL) : 0);
	cJSON_AddBoolToObject(o, "summary", 1);
	return (0);
}

int
offer_json(struct node *n, cJSON *arr)
{
	if (store_offer_each(n->st, n->cfg.region, json_one, arr) == -1) {
		log_warnx("offer summaries could not be read whole");
		return (-1);
	}
	return (0);
}

int
offer_find(struct store *st, const char *prefix, char id[80],
    char dossier[37])
{
	return (store_offer_find(st, prefix, id, dossier));
}

struct overdue {
	uint64_t		 before_ms;
	struct offer_overdue	*o;
};

static void
overdue_one(const char *dossier, const char *from, const char *when,
    bool acked, void *arg)
{
	struct overdue	*w = arg;
	uint64_t	 h;
	bool		 known = when != NULL &&
			    hlc_parse(when, strlen(when), &h) == 0;

	/* A clock that does not read is no excuse to hide it; an admin
	 * who acknowledged the loss knows already. */
	if (acked || (known && hlc_ms(h) >= w->before_ms))
		return;
	if (w->o->count++ == 0) {
		snprintf(w->o->dossier, sizeof(w->o->dossier), "%s",
		    dossier != NULL ? dossier : "");
		snprintf(w->o->from, sizeof(w->o->from), "%s",
		    from != NULL ? from : "");
		w->o->accepted_ms = known ? hlc_ms(h) : 0;
	}
}

int
offer_overdue(struct node *n, uint64_t before_ms, struct offer_overdue *o)
{
	struct overdue	 w = { before_ms, o };

	memset(o, 0, sizeof(*o));
	return (store_offer_each_accepted(n->st, n->cfg.region, overdue_one,
	    &w));
}
