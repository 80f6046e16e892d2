/*
 * tests/unit/test_rules.c: the authority rules (conflict/rules.h), tested
 * by their properties over random linear histories of one dossier made by
 * three regions (plus the federal node), each change kept only when the
 * rules accept it, and by the cases a second implementation asked about.
 *
 * Properties, checked at every step of every history:
 *   - the federal node may write nothing;
 *   - whatever a region other than the custodian may do is only what the
 *     protocol lets it: decide an offer made to it (accept, decline), cancel
 *     its own offer, add a late note dated within its custody; never offer,
 *     link, or anything else -- so no one but the custodian widens who
 *     receives the dossier;
 *   - rules_reads is sound: the fold of only the changes that hold the
 *     kinds it names gives the same verdict as the whole state;
 *   - a verdict does not depend on anything but its arguments (asked twice,
 *     the same answer and the same reason).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conflict/dossier.h"
#include "conflict/rules.h"

#define NREG	4		/* three regions and the federal node */
#define MAXC	60
#define ROUNDS	400

static const char *const regions[NREG] = { "RU-SMO", "RU-KLU", "RU-SA",
    "RU-FED" };
static const char *const keys[NREG] = { "00000000000000a1",
    "00000000000000b2", "00000000000000c3", "00000000000000d4" };
static const char DOSSIER[] = "4b0e7b8e-9d4e-8c55-8f7d-0c1b2a3d4e5f";

struct hc {
	char		 id[65];
	char		 parent[1][65];
	struct op	 op;
	char		 ref[80], other[37];
	struct change_meta m;
};

struct hist {
	struct hc	 c[MAXC];
	int		 n;
	uint64_t	 rng;
};

static unsigned
rnd(uint64_t *s, unsigned n)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return ((unsigned)(*s % n));
}

/* A random entry of table t of d, or NULL. */
static const char *
pick(struct hist *h, const struct dossier *d, enum dossier_table t)
{
	if (d->t[t].n == 0)
		return (NULL);
	return (d->t[t].v[rnd(&h->rng, (unsigned)d->t[t].n)].col[COL_ID]);
}

/* A random operation (of any kind but person.create) on state d. */
static void
random_op(struct hist *h, const struct dossier *d, struct hc *c)
{
	struct op	*o = &c->op;
	const char	*ref;
	static const enum op_kind kinds[] = { OP_PERSON_SET, OP_EPISODE_OPEN,
	    OP_EPISODE_CLOSE, OP_EVENT_ADD, OP_EVENT_RETRACT, OP_CONSENT_ADD,
	    OP_CONSENT_WITHDRAW, OP_TRANSFER_OFFER, OP_TRANSFER_ACCEPT,
	    OP_TRANSFER_DECLINE, OP_TRANSFER_CANCEL, OP_PERSON_LINK,
	    OP_PERSON_UNLINK };
	/* The corrections of issue 14, one time in ten, so that the
	 * histories still reach the other regions' decisions as often. */
	static const enum op_kind more[] = { OP_ASSESSMENT_ADD,
	    OP_EPISODE_AMEND, OP_ASSESSMENT_AMEND, OP_CONSENT_AMEND };
	enum dossier_table t = DT_COUNT;

	memset(o, 0, sizeof(*o));
	o->field = -1;
	if (rnd(&h->rng, 10) == 0)
		o->kind = more[rnd(&h->rng, sizeof(more) / sizeof(more[0]))];
	else
		o->kind = kinds[rnd(&h->rng, sizeof(kinds) /
		    sizeof(kinds[0]))];
	switch (o->kind) {
	case OP_PERSON_SET:
		o->field = PF_PHONE;
		o->arg[OA_FIELD] = "phone";
		o->arg[OA_VALUE] = rnd(&h->rng, 2) ? "+7 900 000 00 00" : "";
		break;
	case OP_EPISODE_OPEN:
		o->arg[OA_CENTRE] = "Центр";
		o->arg[OA_CURATOR] = "Петрова";
		o->arg[OA_DATE] = "2024-01-01";
		break;
	case OP_EPISODE_CLOSE:
		t = DT_EPISODE;
		o->arg[OA_DATE] = rnd(&h->rng, 4) ? "2024-06-01" : "2023-01-01";
		break;
	case OP_EVENT_ADD:
		o->arg[OA_DATE] = rnd(&h->rng, 2) ? "2024-01-02" : "2026-01-01";
		o->arg[OA_TYPE] = "contact";
		o->arg[OA_TEXT] = "Встреча";
		break;
	case OP_EVENT_RETRACT:
		t = DT_EVENT;
		o->arg[OA_REASON] = "ошибка";
		break;
	case OP_CONSENT_ADD:
		o->arg[OA_SCOPE] = "transfer";
		o->arg[OA_DATE] = "2024-01-01";
		o->arg[OA_DOCUMENT] = "№ 1";
		break;
	case OP_CONSENT_WITHDRAW:
		t = DT_CONSENT;
		o->arg[OA_DATE] = "2024-02-01";
		break;
	case OP_ASSESSMENT_ADD:
		o->arg[OA_DATE] = "2024-03-01";
		o->arg[OA_HOUSING] = "own";
		break;
	/* Corrections: an opening date moved past the closing is refused,
	 * so the episode's reads must hold what closings and amendments
	 * wrote. */
	case OP_EPISODE_AMEND:
		t = DT_EPISODE;
		if (rnd(&h->rng, 2))
			o->arg[OA_DATE] = rnd(&h->rng, 2) ? "2024-07-01" :
			    "2023-06-01";
		else
			o->arg[OA_CURATOR] = "Сидорова";
		break;
	case OP_ASSESSMENT_AMEND:
		t = DT_ASSESSMENT;
		o->arg[OA_HOUSING] = "dormitory";
		break;
	case OP_CONSENT_AMEND:
		t = DT_CONSENT;
		o->arg[OA_DOCUMENT] = "№ 2";
		break;
	case OP_TRANSFER_OFFER:
		o->arg[OA_TO] = regions[rnd(&h->rng, NREG)];
		o->arg[OA_REASON] = "Переезд";
		break;
	case OP_TRANSFER_ACCEPT:
	case OP_TRANSFER_DECLINE:
	case OP_TRANSFER_CANCEL:
		t = DT_TRANSFER;
		o->arg[OA_REASON] = "нет";
		break;
	case OP_PERSON_LINK:
		snprintf(c->other, sizeof(c->other),
		    "00000000-0000-8000-8000-00000000000%u",
		    rnd(&h->rng, 3));
		o->arg[OA_OTHER] = c->other;
		o->arg[OA_REASON] = "тот же";
		break;
	case OP_PERSON_UNLINK:
		t = DT_LINK;
		o->arg[OA_REASON] = "разные";
		break;
	default:
		break;
	}
	if (t != DT_COUNT) {
		ref = pick(h, d, t);
		snprintf(c->ref, sizeof(c->ref), "%s", ref != NULL ? ref :
		    "0000000000000000000000000000000000000000000000000000000000"
		    "000000/0");
		o->arg[OA_REF] = c->ref;
	}
}

static void
meta_of(struct hist *h, int i, int author)
{
	struct hc	*c = &h->c[i];

	snprintf(c->id, sizeof(c->id), "%064x", (unsigned)i + 1);
	c->m.id = c->id;
	c->m.hlc = 0x0194f7c6a8000000ULL + (uint64_t)i * 0x10000;
	c->m.key = keys[author];
	c->m.region = regions[author];
	c->m.user = "u";
	if (i > 0) {
		memcpy(c->parent[0], h->c[i - 1].id, 65);
		c->m.parents = (const char (*)[65])c->parent;
		c->m.nparents = 1;
	}
}

/* The fold of the changes whose kind is in mask (all when mask is 0). */
static struct dossier *
fold(struct hist *h, uint32_t mask)
{
	struct dossier	*d = dossier_new(DOSSIER);
	int		 i;

	assert_non_null(d);
	for (i = 0; i < h->n; i++)
		if (mask == 0 || (mask & DOSSIER_KIND(h->c[i].op.kind)) != 0)
			assert_int_equal(dossier_apply(d, &h->c[i].m,
			    &h->c[i].op, 1), 0);
	return (d);
}

/* What a non-custodian that rules_check let through may be doing. */
static void
assert_allowed_to_others(const struct dossier *d, const char *region,
    const struct op *o)
{
	const struct dossier_row	*r;
	char				 end[11];

	switch (o->kind) {
	case OP_TRANSFER_ACCEPT:
	case OP_TRANSFER_DECLINE:
		r = dossier_find(d, DT_TRANSFER, o->arg[OA_REF]);
		assert_non_null(r);
		assert_string_equal(r->col[TR_TO], region);
		assert_string_equal(r->col[TR_STATE], "offered");
		break;
	case OP_TRANSFER_CANCEL:
		r = dossier_find(d, DT_TRANSFER, o->arg[OA_REF]);
		assert_non_null(r);
		assert_string_equal(r->col[TR_FROM], region);
		break;
	case OP_EVENT_ADD:
		assert_int_equal(dossier_custody_end(d, region, end), 0);
		assert_true(strcmp(o->arg[OA_DATE], end) <= 0);
		break;
	default:
		fail_msg("%s, not the custodian (%s), made op kind %d",
		    region, d->custodian, o->kind);
	}
}

static void
test_properties(void **state)
{
	struct hist	*h;
	struct dossier	*d, *part;
	struct hc	 cand;
	char		 why[256], why2[256], why3[256];
	int		 round, step, a, v, v2, v3;
	int		 by_others = 0, handovers = 0, partial = 0;
	uint32_t	 mask;

	(void)state;
	assert_non_null(h = calloc(1, sizeof(*h)));
	for (round = 0; round < ROUNDS; round++) {
		memset(h, 0, sizeof(*h));
		h->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(round + 1);
		/* The root, by Smolensk. */
		memset(&h->c[0].op, 0, sizeof(h->c[0].op));
		h->c[0].op.kind = OP_PERSON_CREATE;
		h->c[0].op.field = -1;
		h->c[0].op.person[PF_SURNAME] = "Иванова";
		h->c[0].op.person[PF_NAME] = "Анна";
		h->c[0].op.person[PF_BIRTH_DATE] = "2005-04-12";
		h->c[0].op.person[PF_SEX] = "F";
		meta_of(h, 0, 0);
		h->n = 1;
		d = fold(h, 0);
		for (step = 1; step < MAXC; step++) {
			a = (int)rnd(&h->rng, NREG);
			memset(&cand, 0, sizeof(cand));
			random_op(h, d, &cand);
			/* Often, the destination of a pending offer decides
			 * it, so that custody moves and former custodians
			 * act. */
			if (dossier_pending_offer(d) != NULL &&
			    rnd(&h->rng, 3) == 0) {
				const struct dossier_row *p =
				    dossier_pending_offer(d);

				for (a = 0; a < NREG - 1; a++)
					if (strcmp(regions[a], p->col[TR_TO]) ==
					    0)
						break;
				cand.op.kind = rnd(&h->rng, 4) ?
				    OP_TRANSFER_ACCEPT : OP_TRANSFER_DECLINE;
				cand.op.field = -1;
				memset(cand.op.arg, 0, sizeof(cand.op.arg));
				snprintf(cand.ref, sizeof(cand.ref), "%s",
				    p->col[COL_ID]);
				cand.op.arg[OA_REF] = cand.ref;
				cand.op.arg[OA_REASON] = "нет";
			}
			v = rules_check(d, regions[a], &cand.op, 1, why,
			    sizeof(why));
			/* The same answer when asked again. */
			v2 = rules_check(d, regions[a], &cand.op, 1, why2,
			    sizeof(why2));
			assert_int_equal(v, v2);
			if (v == -1)
				assert_string_equal(why, why2);
			if (a == NREG - 1)
				assert_int_equal(v, -1);
			if (v == 0 && strcmp(d->custodian, regions[a]) != 0) {
				assert_allowed_to_others(d, regions[a],
				    &cand.op);
				by_others++;
				handovers += cand.op.kind ==
				    OP_TRANSFER_ACCEPT;
			}
			/* The fold of just what the rules read answers
			 * the same. */
			mask = rules_reads(&cand.op, 1);
			if (mask != 0) {
				part = fold(h, mask);
				v3 = rules_check(part, regions[a], &cand.op, 1,
				    why3, sizeof(why3));
				if (v3 != v)
					fail_msg("round %d step %d: kind %d "
					    "by %s: whole %d (%s), part %d "
					    "(%s)", round, step, cand.op.kind,
					    regions[a], v, v == 0 ? "" : why,
					    v3, v3 == 0 ? "" : why3);
				dossier_free(part);
				partial++;
			}
			if (v != 0)
				continue;
			/* Keep it: the next change follows it. */
			h->c[h->n] = cand;
			if (cand.op.arg[OA_REF] != NULL)
				h->c[h->n].op.arg[OA_REF] = h->c[h->n].ref;
			if (cand.op.arg[OA_OTHER] != NULL)
				h->c[h->n].op.arg[OA_OTHER] = h->c[h->n].other;
			meta_of(h, h->n, a);
			assert_int_equal(dossier_apply(d, &h->c[h->n].m,
			    &h->c[h->n].op, 1), 0);
			h->n++;
		}
		dossier_free(d);
	}
	free(h);
	/* The histories went where the rules matter. */
	/* (The seeds are fixed: 93, 50 and 23,600 when this was written;
	 * 52, 36 and 23,600 once the corrections of issue 14 took one
	 * draw in ten.) */
	print_message("by_others %d handovers %d\n", by_others, handovers);
	assert_true(by_others > ROUNDS / 8);
	assert_true(handovers > ROUNDS / 16);
	assert_true(partial > ROUNDS * 10);
}

/* Operations of one change are judged on the state before the change;
 * what an earlier one settled cannot be acted on again. */
static void
test_within_one_change(void **state)
{
	struct hist	*h;
	struct dossier	*d;
	struct op	 ops[2];
	char		 why[256], consent[80];

	(void)state;
	assert_non_null(h = calloc(1, sizeof(*h)));
	h->c[0].op.kind = OP_PERSON_CREATE;
	h->c[0].op.field = -1;
	h->c[0].op.person[PF_SURNAME] = "Иванова";
	h->c[0].op.person[PF_NAME] = "Анна";
	h->c[0].op.person[PF_BIRTH_DATE] = "2005-04-12";
	h->c[0].op.person[PF_SEX] = "F";
	meta_of(h, 0, 0);
	h->n = 1;
	d = fold(h, 0);
	memset(ops, 0, sizeof(ops));
	ops[0].kind = OP_CONSENT_ADD;
	ops[0].field = -1;
	ops[0].arg[OA_SCOPE] = "transfer";
	ops[0].arg[OA_DATE] = "2024-01-01";
	ops[0].arg[OA_DOCUMENT] = "№ 1";
	ops[1].kind = OP_TRANSFER_OFFER;
	ops[1].field = -1;
	ops[1].arg[OA_TO] = "RU-KLU";
	ops[1].arg[OA_REASON] = "Переезд";
	/* A consent added in the same change does not count yet. */
	assert_int_equal(rules_check(d, "RU-SMO", ops, 2, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "consent of scope transfer"));
	/* Recorded in a change of its own, it does. */
	h->c[1].op = ops[0];
	meta_of(h, 1, 0);
	h->n = 2;
	dossier_free(d);
	d = fold(h, 0);
	assert_int_equal(rules_check(d, "RU-SMO", &ops[1], 1, why,
	    sizeof(why)), 0);
	/* Withdrawn earlier in the same change: the offer is refused. */
	snprintf(consent, sizeof(consent), "%s/0", h->c[1].id);
	ops[0].kind = OP_CONSENT_WITHDRAW;
	ops[0].arg[OA_REF] = consent;
	ops[0].arg[OA_DATE] = "2024-02-01";
	assert_int_equal(rules_check(d, "RU-SMO", ops, 2, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "consent of scope transfer"));
	/* Two offers in one change: the second is refused. */
	ops[0] = ops[1];
	assert_int_equal(rules_check(d, "RU-SMO", ops, 2, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "already offered"));
	/* Nobody else, and never the federal node. */
	assert_int_equal(rules_check(d, "RU-KLU", &ops[1], 1, why,
	    sizeof(why)), -1);
	assert_int_equal(rules_check(d, "RU-FED", &ops[1], 1, why,
	    sizeof(why)), -1);
	/* A root's author is custodian for the root's later operations. */
	dossier_free(d);
	d = dossier_new(DOSSIER);
	ops[0] = h->c[0].op;
	ops[1] = h->c[1].op;
	assert_int_equal(rules_check(d, "RU-KLU", ops, 2, why, sizeof(why)),
	    0);
	/* ... but a change without person.create starts no dossier. */
	assert_int_equal(rules_check(d, "RU-KLU", &ops[1], 1, why,
	    sizeof(why)), -1);
	dossier_free(d);
	free(h);
}

/*
 * An offer's summary (what the destination sees before it accepts) must
 * say what the dossier holds before the offer: surname, name, patronymic,
 * birth year and the events not retracted; an offer without a summary
 * (made before protocol 2.1) still passes.  A fold of only the kinds
 * rules_reads names judges it the same.
 */
static void
test_offer_summary(void **state)
{
	struct hist	*h;
	struct dossier	*d, *part;
	struct op	 o;
	char		 why[256];

	(void)state;
	assert_non_null(h = calloc(1, sizeof(*h)));
	h->c[0].op.kind = OP_PERSON_CREATE;
	h->c[0].op.field = -1;
	h->c[0].op.person[PF_SURNAME] = "Иванова";
	h->c[0].op.person[PF_NAME] = "Анна";
	h->c[0].op.person[PF_BIRTH_DATE] = "2005-04-12";
	h->c[0].op.person[PF_SEX] = "F";
	meta_of(h, 0, 0);
	h->c[1].op.kind = OP_CONSENT_ADD;
	h->c[1].op.field = -1;
	h->c[1].op.arg[OA_SCOPE] = "transfer";
	h->c[1].op.arg[OA_DATE] = "2024-01-01";
	h->c[1].op.arg[OA_DOCUMENT] = "№ 1";
	meta_of(h, 1, 0);
	h->c[2].op.kind = OP_EVENT_ADD;
	h->c[2].op.field = -1;
	h->c[2].op.arg[OA_DATE] = "2024-01-02";
	h->c[2].op.arg[OA_TYPE] = "contact";
	h->c[2].op.arg[OA_TEXT] = "Встреча";
	meta_of(h, 2, 0);
	h->c[3].op.kind = OP_PERSON_SET;
	h->c[3].op.field = PF_SURNAME;
	h->c[3].op.arg[OA_FIELD] = "surname";
	h->c[3].op.arg[OA_VALUE] = "Петрова";
	meta_of(h, 3, 0);
	h->n = 4;
	d = fold(h, 0);
	memset(&o, 0, sizeof(o));
	o.kind = OP_TRANSFER_OFFER;
	o.field = -1;
	o.arg[OA_TO] = "RU-KLU";
	o.arg[OA_REASON] = "Переезд";
	assert_int_equal(rules_check(d, "RU-SMO", &o, 1, why, sizeof(why)), 0);
	o.arg[OA_SURNAME] = "Петрова";
	o.arg[OA_NAME] = "Анна";
	o.arg[OA_BIRTH_YEAR] = "2005";
	o.arg[OA_ENTRIES] = "1";
	o.arg[OA_CENTRE] = "Центр";
	assert_int_equal(rules_check(d, "RU-SMO", &o, 1, why, sizeof(why)), 0);
	part = fold(h, rules_reads(&o, 1));
	assert_int_equal(rules_check(part, "RU-SMO", &o, 1, why, sizeof(why)),
	    0);
	dossier_free(part);
	/* The surname before the set, a patronymic the card lacks, another
	 * year, another count: each refuses the offer. */
	o.arg[OA_SURNAME] = "Иванова";
	assert_int_equal(rules_check(d, "RU-SMO", &o, 1, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "summary"));
	o.arg[OA_SURNAME] = "Петрова";
	o.arg[OA_PATRONYMIC] = "Сергеевна";
	assert_int_equal(rules_check(d, "RU-SMO", &o, 1, why, sizeof(why)),
	    -1);
	o.arg[OA_PATRONYMIC] = NULL;
	o.arg[OA_BIRTH_YEAR] = "2004";
	assert_int_equal(rules_check(d, "RU-SMO", &o, 1, why, sizeof(why)),
	    -1);
	o.arg[OA_BIRTH_YEAR] = "2005";
	o.arg[OA_ENTRIES] = "0";
	assert_int_equal(rules_check(d, "RU-SMO", &o, 1, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "entries"));
	dossier_free(d);
	free(h);
}

/*
 * An erasure: only the custodian writes it; the fold names the tombstone
 * and skips the operations of any change after it; nothing, not even
 * another erasure, is allowed after it; and a fold of only the custody
 * kinds (rules_reads) sees it too.
 */
static void
test_erase(void **state)
{
	struct hist		*h;
	struct dossier		*d, *part;
	struct op		 erase, note;
	char			 why[256];
	uint64_t		 n;

	(void)state;
	assert_non_null(h = calloc(1, sizeof(*h)));
	h->c[0].op.kind = OP_PERSON_CREATE;
	h->c[0].op.field = -1;
	h->c[0].op.person[PF_SURNAME] = "Иванова";
	h->c[0].op.person[PF_NAME] = "Анна";
	h->c[0].op.person[PF_BIRTH_DATE] = "2005-04-12";
	h->c[0].op.person[PF_SEX] = "F";
	meta_of(h, 0, 0);
	memset(&note, 0, sizeof(note));
	note.kind = OP_EVENT_ADD;
	note.field = -1;
	note.arg[OA_DATE] = "2024-01-02";
	note.arg[OA_TYPE] = "contact";
	note.arg[OA_TEXT] = "Встреча";
	h->c[1].op = note;
	meta_of(h, 1, 0);
	h->n = 2;
	d = fold(h, 0);
	assert_int_equal(d->t[DT_EVENT].n, 1);
	memset(&erase, 0, sizeof(erase));
	erase.kind = OP_PERSON_ERASE;
	erase.field = -1;
	erase.arg[OA_REASON] = "152-ФЗ, ст. 21";
	/* Not another region, not the federal node; the custodian may. */
	assert_int_equal(rules_check(d, "RU-KLU", &erase, 1, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "custody of RU-SMO"));
	assert_int_equal(rules_check(d, "RU-FED", &erase, 1, why,
	    sizeof(why)), -1);
	assert_int_equal(rules_check(d, "RU-SMO", &erase, 1, why,
	    sizeof(why)), 0);
	h->c[2].op = erase;
	meta_of(h, 2, 0);
	h->n = 3;
	dossier_free(d);
	d = fold(h, 0);
	assert_string_equal(d->erased, h->c[2].id);
	/* After it, nothing: not a note, not a second erasure. */
	assert_int_equal(rules_check(d, "RU-SMO", &note, 1, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "erased"));
	assert_int_equal(rules_check(d, "RU-SMO", &erase, 1, why,
	    sizeof(why)), -1);
	/* A fold over an unchecked log skips what follows the tombstone. */
	h->c[3].op = note;
	meta_of(h, 3, 0);
	h->n = 4;
	n = d->nchanges;
	assert_int_equal(dossier_apply(d, &h->c[3].m, &h->c[3].op, 1), 0);
	assert_int_equal(d->nchanges, n + 1);
	assert_int_equal(d->t[DT_EVENT].n, 1);
	assert_int_equal(d->nheads, 1);
	assert_string_equal(d->heads[0], h->c[3].id);
	/* The custody kinds alone carry the erasure. */
	assert_true((rules_reads(&note, 1) & DOSSIER_KIND(OP_PERSON_ERASE))
	    != 0);
	part = fold(h, rules_reads(&note, 1));
	assert_string_equal(part->erased, h->c[2].id);
	assert_int_equal(rules_check(part, "RU-SMO", &note, 1, why,
	    sizeof(why)), -1);
	dossier_free(part);
	dossier_free(d);
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_within_one_change),
		cmocka_unit_test(test_erase),
		cmocka_unit_test(test_offer_summary),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
