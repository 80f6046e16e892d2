/*
 * tests/unit/test_change.c: encoding and checking changes: every
 * operation round-trips, and each rule refuses with a reason that names
 * the member at fault.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/hlc.h"
#include "protocol/change.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"

#define HLC	0x0194f7c6a8000000ULL		/* 2025-02-12 */
static char	 parent[1][CHANGE_ID_HEX + 1];

static void
hdr_init(struct change *h, int nparents)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->dossier, "5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", 37);
	h->hlc = HLC;
	memcpy(h->key, "0123456789abcdef", 17);
	memcpy(h->region, "RU-SMO", 7);
	h->user = "petrova";
	memset(parent[0], 'a', CHANGE_ID_HEX);
	parent[0][CHANGE_ID_HEX] = '\0';
	h->parents = parent;
	h->nparents = (size_t)nparents;
}

static struct op
op_of(enum op_kind k)
{
	struct op	 o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.field = -1;
	return (o);
}

static struct op
create(void)
{
	struct op	 o = op_of(OP_PERSON_CREATE);

	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = "2005-04-12";
	o.person[PF_SEX] = "F";
	o.person[PF_SNILS] = "11223344595";
	return (o);
}

/* Encode ops on a header with nparents; NULL if accepted, else the reason
 * (static buffer). */
static const char *
try_ops(const struct op *ops, size_t n, int nparents)
{
	static char	 why[256];
	struct change	 h, *c = NULL;
	struct buf	 b;
	int		 r;

	hdr_init(&h, nparents);
	buf_init(&b, LIMIT_CHANGE_BYTES);
	r = change_encode(&b, &h, ops, n, &c, why, sizeof(why));
	if (r == 0) {
		/* Accepted bytes are canonical and hash to the id. */
		char	 id[CHANGE_ID_HEX + 1];
		const char *w;
		cJSON	*t = jcs_parse(b.data, b.len, &w);

		assert_non_null(t);
		cJSON_Delete(t);
		change_id(b.data, b.len, id);
		assert_string_equal(id, c->id);
		assert_int_equal(c->nops, n);
	}
	change_free(c);
	buf_free(&b);
	return (r == 0 ? NULL : why);
}

static void
refused(const struct op *ops, size_t n, int nparents, const char *needle)
{
	const char	*why = try_ops(ops, n, nparents);

	if (why == NULL)
		fail_msg("accepted, but should be refused for \"%s\"", needle);
	if (strstr(why, needle) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", why, needle);
}

static void
test_every_operation(void **state)
{
	static const char ref[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/0";
	struct op	 o;

	(void)state;
	o = create();
	assert_null(try_ops(&o, 1, 0));
	o = op_of(OP_PERSON_SET);
	o.field = PF_PHONE;
	o.arg[OA_VALUE] = "+7 900 000 00 00";
	assert_null(try_ops(&o, 1, 1));
	o.field = PF_EMAIL;
	o.arg[OA_VALUE] = "";			/* clears an optional field */
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_EPISODE_OPEN);
	o.arg[OA_CENTRE] = "Центр";
	o.arg[OA_CURATOR] = "Петрова";
	o.arg[OA_DATE] = "2024-01-01";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_EPISODE_CLOSE);
	o.arg[OA_REF] = ref;
	o.arg[OA_DATE] = "2024-02-01";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_EVENT_ADD);
	o.arg[OA_DATE] = "2025-02-13";		/* one day of grace */
	o.arg[OA_TYPE] = "crisis";
	o.arg[OA_TEXT] = "Строка\nвторая";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_EVENT_AMEND);
	o.arg[OA_REF] = ref;
	o.arg[OA_TEXT] = "исправлено";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_EVENT_RETRACT);
	o.arg[OA_REF] = ref;
	o.arg[OA_REASON] = "ошибка";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2024-06-30";
	o.arg[OA_FAMILY] = "parent";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "statistics";
	o.arg[OA_DATE] = "2024-06-30";
	o.arg[OA_DOCUMENT] = "№ 1";
	assert_null(try_ops(&o, 1, 1));
	o = op_of(OP_CONSENT_WITHDRAW);
	o.arg[OA_REF] = ref;
	o.arg[OA_DATE] = "2024-07-30";
	assert_null(try_ops(&o, 1, 1));
}

static void
test_refusals(void **state)
{
	struct op	 o, many[LIMIT_OPS_PER_CHANGE + 1];
	char		 big[LIMIT_TEXT + 2];
	int		 i;

	(void)state;
	o = create();
	o.person[PF_SURNAME] = NULL;
	refused(&o, 1, 0, "needs \"surname\"");
	o = create();
	o.person[PF_BIRTH_DATE] = "2024-02-30";
	refused(&o, 1, 0, "birth_date: \"2024-02-30\" is not a real date");
	o.person[PF_BIRTH_DATE] = "2025-02-13";	/* after the change's day */
	refused(&o, 1, 0, "birth_date: 2025-02-13 is in the future");
	o = create();
	o.person[PF_SNILS] = "11223344596";
	refused(&o, 1, 0, "snils: not a valid SNILS");
	o = create();
	o.person[PF_NAME] = "Ан\x01на";
	refused(&o, 1, 0, "name: empty, too long");
	o = create();
	refused(&o, 1, 1, "person.create may only open a dossier");
	o = op_of(OP_EVENT_ADD);
	o.arg[OA_DATE] = "2025-02-14";		/* two days ahead */
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_TEXT] = "t";
	refused(&o, 1, 1, "date: 2025-02-14 is in the future");
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_TYPE] = "holiday";
	refused(&o, 1, 1, "type: \"holiday\" is not one of the allowed");
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_TEXT] = "";
	refused(&o, 1, 1, "text: empty");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	o.arg[OA_TEXT] = big;
	refused(&o, 1, 1, "text: empty, too long");
	refused(&o, 1, 0, "");			/* and no parents */
	o.arg[OA_TEXT] = "t";
	refused(&o, 1, 0, "must begin with person.create");
	o = op_of(OP_PERSON_SET);
	o.field = PF_SURNAME;
	o.arg[OA_VALUE] = "";
	refused(&o, 1, 1, "surname cannot be cleared");
	o = op_of(OP_EVENT_AMEND);
	o.arg[OA_REF] = "aaaa/0";
	o.arg[OA_TEXT] = "t";
	refused(&o, 1, 1, "event: not an entry id");
	o.arg[OA_REF] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/0";
	o.arg[OA_TEXT] = NULL;
	refused(&o, 1, 1, "changes nothing");
	o = op_of(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2024-01-01";
	refused(&o, 1, 1, "assesses nothing");
	for (i = 0; i <= LIMIT_OPS_PER_CHANGE; i++) {
		many[i] = op_of(OP_EVENT_ADD);
		many[i].arg[OA_DATE] = "2024-01-01";
		many[i].arg[OA_TYPE] = "contact";
		many[i].arg[OA_TEXT] = "t";
	}
	assert_null(try_ops(many, LIMIT_OPS_PER_CHANGE, 1));
	refused(many, LIMIT_OPS_PER_CHANGE + 1, 1, "must hold 1 to 64");
}

static void
decode_refuses(const char *text, const char *needle)
{
	struct change	*c = NULL;
	char		 why[256];

	assert_int_equal(change_decode(text, strlen(text), &c, why,
	    sizeof(why)), -1);
	assert_null(c);
	if (strstr(why, needle) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", why, needle);
}

static void
test_decode_members(void **state)
{
	const char	*head = "{\"dossier\":\"5b1f2c3d-4e5f-4a6b-8c7d-"
	    "9e0f1a2b3c4d\",\"hlc\":\"0194f7c6a8000000\",\"key\":"
	    "\"0123456789abcdef\",\"ops\":[{\"date\":\"2024-01-01\",\"op\":"
	    "\"event.add\",\"text\":\"t\",\"type\":\"contact\"}],\"parents\":";
	char		 text[1024], *big;
	size_t		 n = LIMIT_CHANGE_BYTES + 1;

	(void)state;
	snprintf(text, sizeof(text), "%s[\"%064d\"],\"region\":\"RU-SMO\","
	    "\"user\":\"u\",\"v\":2}", head, 0);
	decode_refuses(text, "version 1");
	snprintf(text, sizeof(text), "%s[\"%064d\"],\"region\":\"RU-SMO\","
	    "\"user\":\"u\",\"v\":1,\"w\":1}", head, 0);
	decode_refuses(text, "unknown member \"w\"");
	snprintf(text, sizeof(text), "%s[\"%064d\",\"%064d\"],\"region\":"
	    "\"RU-SMO\",\"user\":\"u\",\"v\":1}", head, 1, 0);
	decode_refuses(text, "not sorted");
	snprintf(text, sizeof(text), "%s[\"%064d\"],\"region\":\"RU-SMO\","
	    "\"v\":1}", head, 0);
	decode_refuses(text, "missing member \"user\"");
	snprintf(text, sizeof(text), "%s[\"%064d\"],\"region\":\"RU-ZZZ\","
	    "\"user\":\"u\",\"v\":1}", head, 0);
	decode_refuses(text, "region");
	big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	{
		struct change	*c = NULL;
		char		 why[128];

		assert_int_equal(change_decode(big, n, &c, why, sizeof(why)),
		    -1);
		assert_non_null(strstr(why, "larger than"));
	}
	free(big);
	change_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_operation),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_decode_members),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
