/*
 * tests/unit/test_import.c: the key of an import line (import_line_key),
 * by which a run of the import run again recognises what it made: the
 * same meaning gives the same key, whatever the layout; any edit, another
 * dossier or another occurrence gives another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "node/import.h"

/* key(line, dkey, nth, out): parse line and take its key; asserts both. */
static void
key(const char *line, const uint8_t *dkey, uint32_t nth,
    uint8_t out[IMPORT_KEY_LEN])
{
	struct import_line	 il;
	char			 why[256];

	assert_int_equal(import_line_parse(line, strlen(line), &il, why,
	    sizeof(why)), 0);
	import_line_key(&il, dkey, nth, out);
	import_line_free(&il);
}

static int
same(const char *a, const char *b)
{
	uint8_t	 ka[IMPORT_KEY_LEN], kb[IMPORT_KEY_LEN];

	key(a, NULL, 0, ka);
	key(b, NULL, 0, kb);
	return (memcmp(ka, kb, sizeof(ka)) == 0);
}

static const char person[] =
    "{\"dossier\":\"A17\",\"op\":\"person.create\",\"surname\":\"Иванова\","
    "\"name\":\"Анна\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\","
    "\"snils\":\"11223344595\"}";

/* The amend operations (issue 14) name the entry they change, and the
 * key tells the entry apart. */
static void
test_amend(void **state)
{
	static const struct {
		const char		*line;
		const char		*ref;
		enum dossier_table	 t;
	} ok[] = {
		{ "{\"dossier\":\"A\",\"op\":\"episode.amend\","
		    "\"episode\":\"ep\",\"curator\":\"К\"}", "ep", DT_EPISODE },
		{ "{\"dossier\":\"A\",\"op\":\"assessment.amend\","
		    "\"assessment\":\"a1\",\"housing\":\"own\"}", "a1",
		    DT_ASSESSMENT },
		{ "{\"dossier\":\"A\",\"op\":\"consent.amend\","
		    "\"consent\":\"c\",\"document\":\"Д\"}", "c", DT_CONSENT },
	};
	static const char	 noref[] = "{\"dossier\":\"A\",\"op\":"
	    "\"assessment.amend\",\"housing\":\"own\"}";
	static const char	 withid[] = "{\"dossier\":\"A\",\"op\":"
	    "\"consent.amend\",\"id\":\"x\",\"consent\":\"c\","
	    "\"date\":\"2024-01-01\"}";
	struct import_line	 il;
	char			 why[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(import_line_parse(ok[i].line,
		    strlen(ok[i].line), &il, why, sizeof(why)), 0);
		assert_string_equal(il.ref, ok[i].ref);
		assert_int_equal(import_names_table(il.op.kind), ok[i].t);
		assert_false(import_ends_entry(il.op.kind));
		import_line_free(&il);
	}
	/* Without the label of the entry: refused. */
	assert_int_equal(import_line_parse(noref, strlen(noref), &il, why,
	    sizeof(why)), -1);
	import_line_free(&il);
	/* An "id" is for the lines that add. */
	assert_int_equal(import_line_parse(withid, strlen(withid), &il, why,
	    sizeof(why)), -1);
	import_line_free(&il);
	assert_true(import_ends_entry(OP_CONSENT_WITHDRAW));
	assert_false(same("{\"dossier\":\"A\",\"op\":\"assessment.amend\","
	    "\"assessment\":\"a1\",\"housing\":\"own\"}",
	    "{\"dossier\":\"A\",\"op\":\"assessment.amend\","
	    "\"assessment\":\"a2\",\"housing\":\"own\"}"));
}

static void
test_layout(void **state)
{
	(void)state;
	/* Member order, blanks, escapes, the printed form of a SNILS. */
	assert_true(same(person, " { \"snils\" : \"112-233-445 95\", "
	    "\"sex\":\"F\", \"birth_date\":\"2005-04-12\", \"name\":\"Анна\","
	    " \"surname\":\"\\u0418ванова\", \"op\":\"person.create\", "
	    "\"dossier\":\"A17\" } "));
	assert_true(same("{\"dossier\":\"A\",\"op\":\"event.amend\","
	    "\"event\":\"e1\",\"text\":\"x\"}", "{\"text\":\"x\","
	    "\"event\":\"e1\",\"op\":\"event.amend\",\"dossier\":\"A\"}"));
}

static void
test_edits(void **state)
{
	(void)state;
	/* Any value, the label, the entry label, a member more. */
	assert_false(same(person, "{\"dossier\":\"A17\",\"op\":"
	    "\"person.create\",\"surname\":\"Иванова\",\"name\":\"Анна\","
	    "\"birth_date\":\"2005-04-13\",\"sex\":\"F\",\"snils\":"
	    "\"11223344595\"}"));
	assert_false(same(person, "{\"dossier\":\"A18\",\"op\":"
	    "\"person.create\",\"surname\":\"Иванова\",\"name\":\"Анна\","
	    "\"birth_date\":\"2005-04-12\",\"sex\":\"F\",\"snils\":"
	    "\"11223344595\"}"));
	assert_false(same(person, "{\"dossier\":\"A17\",\"op\":"
	    "\"person.create\",\"surname\":\"Иванова\",\"name\":\"Анна\","
	    "\"birth_date\":\"2005-04-12\",\"sex\":\"F\",\"snils\":"
	    "\"11223344595\",\"phone\":\"+79000000000\"}"));
	assert_false(same("{\"dossier\":\"A\",\"op\":\"event.add\",\"id\":"
	    "\"e1\",\"date\":\"2024-02-01\",\"type\":\"housing\",\"text\":"
	    "\"x\"}", "{\"dossier\":\"A\",\"op\":\"event.add\",\"id\":\"e2\","
	    "\"date\":\"2024-02-01\",\"type\":\"housing\",\"text\":\"x\"}"));
	/* The same values under other members are another line. */
	assert_false(same("{\"dossier\":\"A\",\"op\":\"event.add\",\"date\":"
	    "\"2024-02-01\",\"type\":\"housing\",\"text\":\"housing\"}",
	    "{\"dossier\":\"A\",\"op\":\"event.add\",\"date\":\"2024-02-01\","
	    "\"type\":\"housing\",\"text\":\"2024-02-01\"}"));
	/* Parts cannot slide into each other. */
	assert_false(same("{\"dossier\":\"ab\",\"op\":\"event.amend\","
	    "\"event\":\"c\",\"text\":\"x\"}", "{\"dossier\":\"a\",\"op\":"
	    "\"event.amend\",\"event\":\"bc\",\"text\":\"x\"}"));
}

static void
test_dossier_nth(void **state)
{
	static const char ev[] = "{\"dossier\":\"A17\",\"op\":\"event.add\","
	    "\"date\":\"2024-02-01\",\"type\":\"housing\",\"text\":\"x\"}";
	uint8_t	 d1[IMPORT_KEY_LEN], d2[IMPORT_KEY_LEN];
	uint8_t	 a[IMPORT_KEY_LEN], b[IMPORT_KEY_LEN], c[IMPORT_KEY_LEN];

	(void)state;
	key(person, NULL, 0, d1);
	memcpy(d2, d1, sizeof(d2));
	d2[31] ^= 1;
	key(ev, d1, 0, a);
	key(ev, d1, 0, b);
	assert_memory_equal(a, b, sizeof(a));
	/* The dossier the line belongs to (its person.create line). */
	key(ev, d2, 0, c);
	assert_memory_not_equal(a, c, sizeof(a));
	/* The second identical line of a dossier is another line. */
	key(ev, d1, 1, c);
	assert_memory_not_equal(a, c, sizeof(a));
	key(ev, d1, 2, b);
	assert_memory_not_equal(b, c, sizeof(b));
	/* No dossier key is the same as zeros. */
	memset(d2, 0, sizeof(d2));
	key(ev, NULL, 0, b);
	key(ev, d2, 0, c);
	assert_memory_equal(b, c, sizeof(b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amend),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_dossier_nth),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
