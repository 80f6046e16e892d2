/*
 * conflict/rules.c: who may do what.  See rules.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conflict/rules.h"

/* What one rule sees: the state of the causal past, the author, the
 * change's operations and which one is judged. */
struct rctx {
	const struct dossier	*d;
	const char		*region;
	const struct op		*ops;
	size_t			 i;
	bool			 custodian;	/* the author, at d */
	char			*why;
	size_t			 whysz;
};

#define K(k)	DOSSIER_KIND(k)
/* Custody: who registered the person, every transfer, and an erasure. */
#define CUSTODY	(K(OP_PERSON_CREATE) | K(OP_TRANSFER_OFFER) | \
	K(OP_TRANSFER_ACCEPT) | K(OP_TRANSFER_DECLINE) | K(OP_TRANSFER_CANCEL) | \
	K(OP_PERSON_ERASE))
#define READS_ALL	UINT32_MAX	/* the whole state */

static int	 refuse(const struct rctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
refuse(const struct rctx *x, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(x->why, x->whysz, fmt, ap);
	va_end(ap);
	return (-1);
}

/* Whether an earlier operation of the change did kind to entry ref. */
static bool
done_before(const struct rctx *x, enum op_kind kind, const char *ref)
{
	size_t	 j;

	for (j = 0; j < x->i; j++)
		if (x->ops[j].kind == kind && x->ops[j].arg[OA_REF] != NULL &&
		    strcmp(x->ops[j].arg[OA_REF], ref) == 0)
			return (true);
	return (false);
}

/* Whether an earlier operation of the change names entry ref at all. */
static bool
named_before(const struct rctx *x, const char *ref)
{
	size_t	 j;

	for (j = 0; j < x->i; j++)
		if (x->ops[j].arg[OA_REF] != NULL &&
		    strcmp(x->ops[j].arg[OA_REF], ref) == 0)
			return (true);
	return (false);
}

static int
check_create(const struct rctx *x)
{
	if (x->d->nchanges != 0 || x->i != 0)
		return (refuse(x, "the dossier exists"));
	return (0);
}

static int
check_episode_close(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_EPISODE, ref);

	if (r == NULL)
		return (refuse(x, "no support episode %s in this dossier",
		    ref));
	if (r->col[EP_CLOSED] != NULL ||
	    done_before(x, OP_EPISODE_CLOSE, ref))
		return (refuse(x, "support episode %s is already closed",
		    ref));
	if (strcmp(x->ops[x->i].arg[OA_DATE], r->col[EP_OPENED]) < 0)
		return (refuse(x, "the episode cannot close (%s) before it "
		    "opened (%s)", x->ops[x->i].arg[OA_DATE],
		    r->col[EP_OPENED]));
	return (0);
}

/* A former custodian adds late notes about its own custody, dated no
 * later than the day it ended; the custodian adds any event. */
static int
check_event_add(const struct rctx *x)
{
	char	 end[11];

	if (x->custodian)
		return (0);
	if (dossier_custody_end(x->d, x->region, end) == 0) {
		if (strcmp(x->ops[x->i].arg[OA_DATE], end) <= 0)
			return (0);
		return (refuse(x, "a former custodian may only add notes "
		    "dated up to the handover (%s)", end));
	}
	return (refuse(x, "this dossier is in the custody of %s; only its "
	    "custodian may change it", x->d->custodian));
}

static int
check_event_change(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_EVENT, ref);

	if (r == NULL)
		return (refuse(x, "no event %s in this dossier", ref));
	if (strcmp(r->col[EV_RETRACTED], "1") == 0 ||
	    done_before(x, OP_EVENT_RETRACT, ref))
		return (refuse(x, "event %s was retracted; it can no longer "
		    "change", ref));
	return (0);
}

static int
check_consent_withdraw(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_CONSENT, ref);

	if (r == NULL)
		return (refuse(x, "no consent %s in this dossier", ref));
	if (r->col[CO_WITHDRAWN] != NULL ||
	    done_before(x, OP_CONSENT_WITHDRAW, ref))
		return (refuse(x, "consent %s is already withdrawn", ref));
	return (0);
}

/*
 * episode.amend: the episode exists, and after the correction it does not
 * close before it opens (a closing earlier in the same change counts).
 */
static int
check_episode_amend(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const char			*date = x->ops[x->i].arg[OA_DATE];
	const struct dossier_row	*r = dossier_find(x->d, DT_EPISODE, ref);
	size_t				 j;

	if (r == NULL)
		return (refuse(x, "no support episode %s in this dossier",
		    ref));
	if (date == NULL)
		return (0);
	if (r->col[EP_CLOSED] != NULL && strcmp(date, r->col[EP_CLOSED]) > 0)
		return (refuse(x, "the episode cannot open (%s) after it "
		    "closed (%s)", date, r->col[EP_CLOSED]));
	for (j = 0; j < x->i; j++)
		if (x->ops[j].kind == OP_EPISODE_CLOSE &&
		    strcmp(x->ops[j].arg[OA_REF], ref) == 0 &&
		    strcmp(date, x->ops[j].arg[OA_DATE]) > 0)
			return (refuse(x, "the episode cannot open (%s) after "
			    "it closed (%s)", date, x->ops[j].arg[OA_DATE]));
	return (0);
}

static int
check_assessment_amend(const struct rctx *x)
{
	const char	*ref = x->ops[x->i].arg[OA_REF];

	if (dossier_find(x->d, DT_ASSESSMENT, ref) == NULL)
		return (refuse(x, "no assessment %s in this dossier", ref));
	return (0);
}

/* consent.amend: a consent not withdrawn (a withdrawn one is history). */
static int
check_consent_amend(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_CONSENT, ref);

	if (r == NULL)
		return (refuse(x, "no consent %s in this dossier", ref));
	if (r->col[CO_WITHDRAWN] != NULL ||
	    done_before(x, OP_CONSENT_WITHDRAW, ref))
		return (refuse(x, "consent %s is already withdrawn", ref));
	return (0);
}

/* An unwithdrawn consent of scope in the causal past that no earlier
 * operation of the change withdrew. */
static bool
has_consent(const struct rctx *x, const char *scope)
{
	size_t	 r;

	for (r = 0; r < x->d->t[DT_CONSENT].n; r++) {
		const struct dossier_row *row = &x->d->t[DT_CONSENT].v[r];

		if (row->col[CO_SCOPE] != NULL &&
		    strcmp(row->col[CO_SCOPE], scope) == 0 &&
		    row->col[CO_WITHDRAWN] == NULL &&
		    !done_before(x, OP_CONSENT_WITHDRAW, row->col[COL_ID]))
			return (true);
	}
	return (false);
}

/* Whether a summary's value a equals the card's value b (NULL: none). */
static bool
same(const char *a, const char *b)
{
	return (a == NULL ? b == NULL || b[0] == '\0' :
	    b != NULL && strcmp(a, b) == 0);
}

/*
 * An offer's summary (docs/protocol.md section 4) is what the destination
 * sees until it accepts, signed by the offering node but not checkable
 * there without the history: so every node that holds the history checks
 * it against the card and the events before the offer, and a summary
 * that says otherwise refuses the offer.  The centre is a local
 * assignment that no other node knows; it is not checked.
 */
static int
check_summary(const struct rctx *x)
{
	const struct op	*o = &x->ops[x->i];
	const char	*bd = x->d->person[PF_BIRTH_DATE];
	char		 n[24];
	size_t		 r, live = 0;

	if (o->arg[OA_SURNAME] == NULL)
		return (0);	/* an offer made before protocol 2.1 */
	for (r = 0; r < x->d->t[DT_EVENT].n; r++) {
		const char *v = x->d->t[DT_EVENT].v[r].col[EV_RETRACTED];

		if (v == NULL || strcmp(v, "1") != 0)
			live++;
	}
	snprintf(n, sizeof(n), "%zu", live);
	if (!same(o->arg[OA_SURNAME], x->d->person[PF_SURNAME]) ||
	    !same(o->arg[OA_NAME], x->d->person[PF_NAME]) ||
	    !same(o->arg[OA_PATRONYMIC], x->d->person[PF_PATRONYMIC]) ||
	    bd == NULL || strncmp(o->arg[OA_BIRTH_YEAR], bd, 4) != 0)
		return (refuse(x, "the offer's summary does not match the "
		    "person card before it (surname, name, patronymic, birth "
		    "year)"));
	if (strcmp(o->arg[OA_ENTRIES], n) != 0)
		return (refuse(x, "the offer's summary counts %s entries; the "
		    "dossier holds %s events before it", o->arg[OA_ENTRIES],
		    n));
	return (0);
}

static int
check_offer(const struct rctx *x)
{
	const struct dossier_row	*p = dossier_pending_offer(x->d);
	const char			*to = x->ops[x->i].arg[OA_TO];
	size_t				 j;

	if (strcmp(to, x->region) == 0 || strcmp(to, RULES_FEDERAL) == 0)
		return (refuse(x, "a case can be offered to another region "
		    "only, and never to the federal node"));
	for (j = 0; j < x->i; j++)
		if (x->ops[j].kind == OP_TRANSFER_OFFER)
			break;
	if (p != NULL || j < x->i)
		return (refuse(x, "the case is already offered to %s; cancel "
		    "that offer first", p != NULL ? p->col[TR_TO] : to));
	if (!has_consent(x, "transfer"))
		return (refuse(x, "there is no recorded, unwithdrawn consent "
		    "of scope transfer: record it with 'consent add --scope "
		    "transfer' first"));
	return (check_summary(x));
}

/* accept, decline, cancel: only the offer's destination accepts or
 * declines, only its author cancels, and only while it is pending. */
static int
check_decision(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_TRANSFER,
					    ref);

	if (r == NULL)
		return (refuse(x, "no transfer offer %s in this dossier", ref));
	if (strcmp(r->col[TR_STATE], "offered") != 0 || named_before(x, ref))
		return (refuse(x, "transfer offer %s is no longer pending (%s)",
		    ref, r->col[TR_STATE]));
	if (x->ops[x->i].kind == OP_TRANSFER_CANCEL) {
		if (strcmp(r->col[TR_FROM], x->region) != 0)
			return (refuse(x, "only %s, which made the offer, may "
			    "cancel it", r->col[TR_FROM]));
	} else if (strcmp(r->col[TR_TO], x->region) != 0)
		return (refuse(x, "only %s, to which the case is offered, may "
		    "accept or decline it", r->col[TR_TO]));
	return (0);
}

static int
check_resolve(const struct rctx *x)
{
	const struct op			*o = &x->ops[x->i];
	const char			*ref = o->arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_CONFLICT,
					    ref);

	if (r == NULL)
		return (refuse(x, "no conflict %s in this dossier", ref));
	if (strcmp(r->col[CF_STATE], "open") != 0)
		return (refuse(x, "conflict %s is already closed (%s)", ref,
		    r->col[CF_STATE]));
	if (strcmp(r->col[CF_FIELD], op_field_name(o->field)) != 0)
		return (refuse(x, "conflict %s is about %s, not %s", ref,
		    r->col[CF_FIELD], op_field_name(o->field)));
	return (0);
}

/* One half of a link (docs/protocol.md, "Links"): the other half is its
 * own dossier's custodian's to write. */
static int
check_link(const struct rctx *x)
{
	const char	*other = x->ops[x->i].arg[OA_OTHER];

	if (strcmp(other, x->d->id) == 0)
		return (refuse(x, "a dossier cannot be linked to itself"));
	if (dossier_linked(x->d, other) != NULL)
		return (refuse(x, "this dossier is already linked to %s",
		    other));
	return (0);
}

static int
check_unlink(const struct rctx *x)
{
	const char			*ref = x->ops[x->i].arg[OA_REF];
	const struct dossier_row	*r = dossier_find(x->d, DT_LINK, ref);

	if (r == NULL)
		return (refuse(x, "no link %s in this dossier", ref));
	if (strcmp(r->col[LN_STATE], "linked") != 0 ||
	    done_before(x, OP_PERSON_UNLINK, ref))
		return (refuse(x, "link %s is already undone", ref));
	return (0);
}

/*
 * The table.  others: a region that is not the custodian may make it (its
 * check decides who exactly).  reads: what the check reads besides
 * custody.  check: NULL when the custodian may always make it.
 */
static const struct rule {
	bool		 others;
	uint32_t	 reads;
	int		(*check)(const struct rctx *);
} rules[OP_KIND_COUNT] = {
	[OP_PERSON_CREATE] = { false, 0, check_create },
	[OP_PERSON_SET] = { false, 0, NULL },
	[OP_EPISODE_OPEN] = { false, 0, NULL },
	/* An amended opening date is what a closing is checked against. */
	[OP_EPISODE_CLOSE] = { false, K(OP_EPISODE_OPEN) |
	    K(OP_EPISODE_CLOSE) | K(OP_EPISODE_AMEND), check_episode_close },
	[OP_EVENT_ADD] = { true, 0, check_event_add },
	[OP_EVENT_AMEND] = { false, K(OP_EVENT_ADD) | K(OP_EVENT_AMEND) |
	    K(OP_EVENT_RETRACT), check_event_change },
	[OP_EVENT_RETRACT] = { false, K(OP_EVENT_ADD) | K(OP_EVENT_AMEND) |
	    K(OP_EVENT_RETRACT), check_event_change },
	[OP_ASSESSMENT_ADD] = { false, 0, NULL },
	[OP_CONSENT_ADD] = { false, 0, NULL },
	[OP_CONSENT_WITHDRAW] = { false, K(OP_CONSENT_ADD) |
	    K(OP_CONSENT_WITHDRAW), check_consent_withdraw },
	[OP_TRANSFER_OFFER] = { false, K(OP_CONSENT_ADD) |
	    K(OP_CONSENT_WITHDRAW) | K(OP_PERSON_CREATE) | K(OP_PERSON_SET) |
	    K(OP_CONFLICT_RESOLVE) | K(OP_EVENT_ADD) | K(OP_EVENT_RETRACT),
	    check_offer },
	[OP_TRANSFER_ACCEPT] = { true, 0, check_decision },
	[OP_TRANSFER_DECLINE] = { true, 0, check_decision },
	[OP_TRANSFER_CANCEL] = { true, 0, check_decision },
	[OP_CONFLICT_RESOLVE] = { false, READS_ALL, check_resolve },
	[OP_PERSON_LINK] = { false, K(OP_PERSON_LINK) | K(OP_PERSON_UNLINK),
	    check_link },
	[OP_PERSON_UNLINK] = { false, K(OP_PERSON_LINK) |
	    K(OP_PERSON_UNLINK), check_unlink },
	/* Only the custodian erases (a supervisor, with a legal ground). */
	[OP_PERSON_ERASE] = { false, 0, NULL },
	/* Corrections are the custodian's, as event.amend is. */
	[OP_EPISODE_AMEND] = { false, K(OP_EPISODE_OPEN) |
	    K(OP_EPISODE_CLOSE) | K(OP_EPISODE_AMEND), check_episode_amend },
	[OP_ASSESSMENT_AMEND] = { false, K(OP_ASSESSMENT_ADD),
	    check_assessment_amend },
	[OP_CONSENT_AMEND] = { false, K(OP_CONSENT_ADD) |
	    K(OP_CONSENT_WITHDRAW), check_consent_amend },
};

uint32_t
rules_reads(const struct op *ops, size_t nops)
{
	uint32_t	 m = CUSTODY;
	size_t		 i;

	for (i = 0; i < nops; i++) {
		if (ops[i].kind <= OP_NONE || ops[i].kind >= OP_KIND_COUNT ||
		    rules[ops[i].kind].reads == READS_ALL)
			return (0);
		m |= rules[ops[i].kind].reads;
	}
	return (m);
}

int
rules_check(const struct dossier *d, const char *region,
    const struct op *ops, size_t nops, char *why, size_t whysz)
{
	struct rctx		 x;
	const struct rule	*r;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.region = region;
	x.ops = ops;
	x.why = why;
	x.whysz = whysz;
	if (strcmp(region, RULES_FEDERAL) == 0)
		return (refuse(&x, "the federal node keeps statistics only "
		    "and may not write into dossiers"));
	if (d->nchanges == 0 && (nops == 0 ||
	    ops[0].kind != OP_PERSON_CREATE))
		return (refuse(&x, "no such dossier"));
	if (d->erased[0] != '\0')
		return (refuse(&x, "the dossier was erased (change %.16s); "
		    "nothing more is written to it", d->erased));
	/* The author of a root is custodian for the root's later ops. */
	x.custodian = d->nchanges == 0 || strcmp(d->custodian, region) == 0;
	for (x.i = 0; x.i < nops; x.i++) {
		if (ops[x.i].kind <= OP_NONE || ops[x.i].kind >= OP_KIND_COUNT)
			return (refuse(&x, "ops[%zu]: unknown operation", x.i));
		r = &rules[ops[x.i].kind];
		if (!x.custodian && !r->others)
			return (refuse(&x, "this dossier is in the custody of "
			    "%s; only its custodian may change it",
			    d->custodian));
		if (r->check != NULL && r->check(&x) == -1)
			return (-1);
	}
	return (0);
}
