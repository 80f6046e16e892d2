/*
 * tests/unit/test_stats.c: the indicators of docs/statistics.md, each on
 * dossiers built by hand, and the snapshot format.
 *
 * Two real nodes (tests/sim/net.h), Smolensk and Kaluga, on a clock set to
 * days of 2025.  Smolensk registers five graduates:
 *   P1 F 2005: statistics consent; an open support episode; a contact on
 *      7 January and on 1 November; assessed on 8 January (own home,
 *      employed) and on 1 May (social tenancy);
 *   P2 M 2004: statistics consent; an episode opened and closed in
 *      January; a crisis on 8 January;
 *   P3 F 2005: no statistics consent;
 *   P4 F 2006: a statistics consent withdrawn on 9 January;
 *   P5 F 2005: statistics consent; handed to Kaluga, accepted on
 *      1 February.
 * Then each indicator is read from Smolensk's (and Kaluga's) snapshot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conflict/cellkey.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/snapshot.h"
#include "tests/sim/net.h"

static const char *const regions[2] = { "RU-SMO", "RU-KLU" };

static struct net	 net;
static struct snapshot	 smo, klu;
static char		 ids[5][37];

#define DAY(m, d)	(1735689600000ULL + (uint64_t)(((m) == 1 ? 0 : \
	(m) == 2 ? 31 : (m) == 5 ? 120 : (m) == 11 ? 304 : 0) + (d) - 1) * \
	86400000ULL + 36000000ULL)

static void
make(int node, int p, struct op *o, char *cid)
{
	net.clock += 1000;
	assert_int_equal(net_author(&net, node, ids[p], o, 1, cid), 0);
}

static void
person(int p, const char *sex, const char *birth)
{
	struct op	 o = net_op(OP_PERSON_CREATE);

	snprintf(ids[p], sizeof(ids[p]), "0000000%d-0000-4000-8000-00000000000%d",
	    p, p);
	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = birth;
	o.person[PF_SEX] = sex;
	make(0, p, &o, NULL);
	memcpy(ids[p], net.created, sizeof(ids[p]));
}

static void
consent(int p, const char *scope, const char *date)
{
	struct op	 o = net_op(OP_CONSENT_ADD);

	o.arg[OA_SCOPE] = scope;
	o.arg[OA_DATE] = date;
	o.arg[OA_DOCUMENT] = "Согласие";
	make(0, p, &o, NULL);
}

static void
event(int p, const char *type, const char *date)
{
	struct op	 o = net_op(OP_EVENT_ADD);

	o.arg[OA_TYPE] = type;
	o.arg[OA_DATE] = date;
	o.arg[OA_TEXT] = "Запись";
	make(0, p, &o, NULL);
}

static void
pull(int from, int to)
{
	struct net_pull	 r;
	char		 why[256];

	assert_int_equal(net_pull(&net, from, to, 0, LIMIT_FEED_MAX, &r, why,
	    sizeof(why)), 0);
	assert_int_equal(r.rejected + r.missing, 0);
}

static int
setup(void **state)
{
	struct op	 o;
	char		 cid[CHANGE_ID_HEX + 1], ref[80], why[256];

	(void)state;
	log_init("test_stats", 0, false);
	log_quiet(true);
	assert_int_equal(net_setup(&net, 2, regions), 0);
	net.clock = DAY(1, 5);
	person(0, "F", "2005-03-03");
	person(1, "M", "2004-04-04");
	person(2, "F", "2005-05-05");
	person(3, "F", "2006-06-06");
	person(4, "F", "2005-07-07");
	consent(0, "statistics", "2025-01-05");
	consent(1, "statistics", "2025-01-05");
	consent(3, "statistics", "2025-01-05");
	consent(4, "statistics", "2025-01-05");
	consent(4, "transfer", "2025-01-05");
	net.clock = DAY(1, 9);
	o = net_op(OP_EPISODE_OPEN);
	o.arg[OA_CENTRE] = "Центр";
	o.arg[OA_CURATOR] = "Петрова";
	o.arg[OA_DATE] = "2025-01-06";
	make(0, 0, &o, NULL);
	make(0, 1, &o, cid);
	snprintf(ref, sizeof(ref), "%s/0", cid);
	o = net_op(OP_EPISODE_CLOSE);
	o.arg[OA_REF] = ref;
	o.arg[OA_DATE] = "2025-01-09";
	make(0, 1, &o, NULL);
	event(0, "contact", "2025-01-07");
	event(1, "crisis", "2025-01-08");
	o = net_op(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2025-01-08";
	o.arg[OA_HOUSING] = "own";
	o.arg[OA_EMPLOYMENT] = "employed";
	make(0, 0, &o, NULL);
	/* P4 withdraws; the consent is the fourth change of its dossier. */
	{
		struct dossier	*d;
		size_t		 k;

		assert_int_equal(view_load(net.n[0]->st, ids[3], &d), 0);
		for (k = 0; k < d->t[DT_CONSENT].n; k++)
			snprintf(ref, sizeof(ref), "%s",
			    d->t[DT_CONSENT].v[k].col[COL_ID]);
		dossier_free(d);
	}
	o = net_op(OP_CONSENT_WITHDRAW);
	o.arg[OA_REF] = ref;
	o.arg[OA_DATE] = "2025-01-09";
	make(0, 3, &o, NULL);
	/* P5 goes to Kaluga. */
	o = net_op(OP_TRANSFER_OFFER);
	o.arg[OA_TO] = "RU-KLU";
	o.arg[OA_REASON] = "Переезд";
	make(0, 4, &o, cid);
	pull(0, 1);
	net.clock = DAY(2, 1);
	snprintf(ref, sizeof(ref), "%s/0", cid);
	o = net_op(OP_TRANSFER_ACCEPT);
	o.arg[OA_REF] = ref;
	make(1, 4, &o, NULL);
	pull(1, 0);
	pull(0, 1);	/* the history comes with the accept (issue 13) */
	net.clock = DAY(5, 1);
	o = net_op(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2025-05-01";
	o.arg[OA_HOUSING] = "social_rent";
	make(0, 0, &o, NULL);
	net.clock = DAY(11, 1);
	event(0, "contact", "2025-11-01");
	assert_int_equal(stats_compute(net.n[0]->st, "RU-SMO", 2025, &smo,
	    why, sizeof(why)), 0);
	assert_int_equal(stats_compute(net.n[1]->st, "RU-KLU", 2025, &klu,
	    why, sizeof(why)), 0);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	snapshot_free(&smo);
	snapshot_free(&klu);
	net_teardown(&net);
	return (0);
}

/* The cell of a birth year's band, or NULL when absent. */
static const struct snapshot_cell *
cell_at(const struct snapshot *s, const char *ind, char sex, int by,
    const char *period)
{
	size_t	 i;

	for (i = 0; i < s->ncells; i++)
		if (strcmp(s->cells[i].indicator, ind) == 0 &&
		    s->cells[i].sex == sex &&
		    s->cells[i].band == cellkey_band(by) &&
		    strcmp(s->cells[i].period, period) == 0)
			return (&s->cells[i]);
	return (NULL);
}

/* The count of a cell, 0 when absent. */
static int64_t
cell(const struct snapshot *s, const char *ind, char sex, int by,
    const char *period)
{
	const struct snapshot_cell *c = cell_at(s, ind, sex, by, period);

	return (c != NULL ? c->count : 0);
}

static uint32_t
keysum(const struct snapshot *s, const char *ind, char sex, int by,
    const char *period)
{
	const struct snapshot_cell *c = cell_at(s, ind, sex, by, period);

	assert_non_null(c);
	return (c->keysum);
}

static void
test_coverage_and_consent(void **state)
{
	static const char *const per[5] = { "2025", "2025-Q1", "2025-Q2",
	    "2025-Q3", "2025-Q4" };
	int	 i;

	(void)state;
	/* Registered at each period's end: P1-P4 (P5 is Kaluga's from
	 * February): women of 2005-2009 P1, P3, P4, men of 2000-2004 P2;
	 * counted: P1 and P2 (P3 never consented, P4 withdrew). */
	for (i = 0; i < 5; i++) {
		assert_int_equal(cell(&smo, "registered", 'F', 2005, per[i]),
		    3);
		assert_int_equal(cell(&smo, "registered", 'M', 2004, per[i]),
		    1);
		assert_int_equal(cell(&smo, "counted", 'F', 2005, per[i]), 1);
		assert_int_equal(cell(&smo, "counted", 'M', 2004, per[i]), 1);
	}
	assert_int_equal(cell(&klu, "registered", 'F', 2005, "2025"), 1);
	assert_int_equal(cell(&klu, "counted", 'F', 2005, "2025"), 1);
	/* Nobody without a consent appears in any cell: of the women of
	 * 2005-2009 in support, only P1. */
	assert_int_equal(cell(&smo, "support", 'F', 2006, "2025"), 1);
}

static void
test_support(void **state)
{
	(void)state;
	assert_int_equal(cell(&smo, "support", 'F', 2005, "2025"), 1);
	assert_int_equal(cell(&smo, "support", 'F', 2005, "2025-Q1"), 1);
	/* P2's episode closed on 9 January. */
	assert_int_equal(cell(&smo, "support", 'M', 2004, "2025-Q1"), 0);
}

static void
test_contact(void **state)
{
	(void)state;
	/* The three months that end with the period. */
	assert_int_equal(cell(&smo, "contact.3m", 'F', 2005, "2025-Q1"), 1);
	assert_int_equal(cell(&smo, "contact.3m", 'F', 2005, "2025-Q2"), 0);
	assert_int_equal(cell(&smo, "contact.3m", 'F', 2005, "2025-Q4"), 1);
	assert_int_equal(cell(&smo, "contact.3m", 'F', 2005, "2025"), 1);
}

static void
test_assessments(void **state)
{
	(void)state;
	/* The latest answer to each question by the period's end. */
	assert_int_equal(cell(&smo, "housing.own", 'F', 2005, "2025-Q1"), 1);
	assert_int_equal(cell(&smo, "housing.own", 'F', 2005, "2025-Q2"), 0);
	assert_int_equal(cell(&smo, "housing.social_rent", 'F', 2005,
	    "2025-Q2"), 1);
	assert_int_equal(cell(&smo, "housing.social_rent", 'F', 2005, "2025"),
	    1);
	/* A later assessment that does not answer a question keeps the
	 * earlier answer. */
	assert_int_equal(cell(&smo, "employment.employed", 'F', 2005, "2025"),
	    1);
	assert_int_equal(cell(&smo, "family.single", 'F', 2005, "2025"), 0);
}

static void
test_crisis(void **state)
{
	(void)state;
	assert_int_equal(cell(&smo, "crisis", 'M', 2004, "2025-Q1"), 1);
	assert_int_equal(cell(&smo, "crisis", 'M', 2004, "2025"), 1);
	assert_int_equal(cell(&smo, "crisis", 'M', 2004, "2025-Q2"), 0);
	assert_int_equal(snapshot_indicator_find("crisis")->sensitive, 1);
	assert_int_equal(snapshot_indicator_find("support")->sensitive, 0);
	assert_int_equal(net.n[0]->cfg.stats_threshold, 5);
	assert_int_equal(net.n[0]->cfg.stats_threshold_sensitive, 10);
}

static void
test_transfers_and_flows(void **state)
{
	(void)state;
	assert_int_equal(cell(&smo, "transfer.out", 'F', 2005, "2025-Q1"), 1);
	assert_int_equal(cell(&smo, "transfer.out", 'F', 2005, "2025"), 1);
	assert_int_equal(cell(&klu, "transfer.in", 'F', 2005, "2025"), 1);
	assert_int_equal(cell(&klu, "transfer.in", 'F', 2005, "2025-Q2"), 0);
	assert_int_equal(smo.nflows, 1);
	assert_string_equal(smo.flows[0].to, "RU-KLU");
	assert_int_equal(smo.flows[0].count, 1);
	assert_int_equal(klu.nflows, 0);
	/* Kaluga counts P5's housing? No assessment: nothing. */
	assert_int_equal(cell(&klu, "support", 'F', 2005, "2025"), 0);
}

/*
 * Record keys: a cell of one person has that person's key as its key
 * sum, the same in every cell she is in and in every region that holds
 * her (P5 in Smolensk's transfer.out and Kaluga's transfer.in); the flow
 * carries the same key; two persons' keys add up.
 */
static void
test_record_keys(void **state)
{
	uint32_t	 p1, p5;

	(void)state;
	p1 = keysum(&smo, "support", 'F', 2005, "2025");
	assert_int_equal(keysum(&smo, "contact.3m", 'F', 2005, "2025"), p1);
	assert_int_equal(keysum(&smo, "housing.social_rent", 'F', 2005,
	    "2025"), p1);
	p5 = keysum(&smo, "transfer.out", 'F', 2005, "2025");
	assert_int_not_equal(p5, p1);
	assert_int_equal(keysum(&klu, "transfer.in", 'F', 2005, "2025"), p5);
	assert_int_equal(smo.flows[0].keysum, p5);
	/* Smolensk counts P1 alone among its women; Kaluga P5. */
	assert_int_equal(keysum(&smo, "counted", 'F', 2005, "2025-Q1"), p1);
	assert_int_equal(keysum(&klu, "counted", 'F', 2005, "2025"), p5);
	/* The keys of a recomputation are the same. */
	{
		struct snapshot	 again;
		char		 why[256];

		assert_int_equal(stats_compute(net.n[0]->st, "RU-SMO", 2025,
		    &again, why, sizeof(why)), 0);
		assert_int_equal(keysum(&again, "support", 'F', 2005, "2025"),
		    p1);
		snapshot_free(&again);
	}
}

static void
test_format(void **state)
{
	struct snapshot	 s = smo, d;
	struct buf	 b;
	char		 why[256], *p;

	(void)state;
	s.hlc = 0x0194f7c6a8000000ULL;
	memcpy(s.key, "0123456789abcdef", 17);
	buf_init(&b, SNAPSHOT_MAX_BYTES);
	assert_int_equal(snapshot_encode(&s, &b, why, sizeof(why)), 0);
	assert_int_equal(snapshot_decode(b.data, b.len, &d, why, sizeof(why)),
	    0);
	assert_int_equal(d.ncells, smo.ncells);
	assert_int_equal(d.year, 2025);
	assert_string_equal(d.region, "RU-SMO");
	snapshot_free(&d);
	/* No name, SNILS, date of birth or dossier id can be in it. */
	assert_null(strstr(b.data, "Иванова"));
	assert_null(strstr(b.data, ids[0]));
	assert_null(strstr(b.data, "2005-03-03"));
	/* Refusals name the member at fault. */
	p = strstr(b.data, "\"support\"");
	if (p != NULL) {
		memcpy(p, "\"suppor_\"", 9);
		assert_int_equal(snapshot_decode(b.data, b.len, &d, why,
		    sizeof(why)), -1);
		assert_non_null(strstr(why, "not an indicator"));
		memcpy(p, "\"support\"", 9);
	}
	p = strstr(b.data, "\"kind\":\"stats.snapshot\"");
	assert_non_null(p);
	p[9] = 'x';
	assert_int_equal(snapshot_decode(b.data, b.len, &d, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "kind"));
	p[9] = 's';
	/* A version 1 snapshot is refused, saying what to do. */
	p = strstr(b.data, "\"v\":2");
	assert_non_null(p);
	p[4] = '1';
	assert_int_equal(snapshot_decode(b.data, b.len, &d, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "upgrade the region's node"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coverage_and_consent),
		cmocka_unit_test(test_support),
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_assessments),
		cmocka_unit_test(test_crisis),
		cmocka_unit_test(test_transfers_and_flows),
		cmocka_unit_test(test_record_keys),
		cmocka_unit_test(test_format),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
