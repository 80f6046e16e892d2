/*
 * tests/unit/test_fields.c: SNILS, region codes, dates, UTF-8 and texts,
 * phones, e-mail, UUIDs, enumerations and name folding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "protocol/fields.h"
#include "protocol/limits.h"

#define S(x)	(x), strlen(x)

static void
test_snils(void **state)
{
	char	 out[12], printed[15];

	(void)state;
	assert_int_equal(fields_snils_normalize(S("112-233-445 95"), out), 0);
	assert_string_equal(out, "11223344595");
	assert_true(fields_snils_valid(S("11223344595")));
	fields_snils_format("11223344595", printed);
	assert_string_equal(printed, "112-233-445 95");
	/* A wrong check number, a wrong length, letters. */
	assert_false(fields_snils_valid(S("11223344596")));
	assert_int_equal(fields_snils_normalize(S("112-233-445 96"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112-233-445 9"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112-233-445 955"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112-233-44a 95"), out), -1);
	assert_false(fields_snils_valid(S("1122334459")));
	/* Weighted sums of 100 and 101 give 00: 9*9 + 2*8 + 3 = 100 and
	 * 9*9 + 2*8 + 4 = 101. */
	assert_true(fields_snils_valid(S("92000000300")));
	assert_true(fields_snils_valid(S("92000000400")));
	assert_false(fields_snils_valid(S("92000000401")));
	/* Below 100 the check is the sum: 9*9 + 2*8 + 1 = 98. */
	assert_true(fields_snils_valid(S("92000000198")));
	/* Sum above 101: 999-999-999 -> 9*45 = 405, 405 % 101 = 1 -> 01. */
	assert_true(fields_snils_valid(S("99999999901")));
	assert_false(fields_snils_valid(S("99999999905")));
	/* Numbers up to 001-001-998 carry no check number. */
	assert_true(fields_snils_valid(S("00100199877")));
}

static void
test_regions(void **state)
{
	static const char *const some[] = { "RU-SMO", "RU-KLU", "RU-SA",
	    "RU-MOW", "RU-SPE", "RU-CHE", "RU-YAN", "RU-FED", "RU-SEV",
	    "RU-CR", NULL };
	int	 i;

	(void)state;
	for (i = 0; some[i] != NULL; i++)
		assert_true(fields_region_valid(S(some[i])));
	assert_false(fields_region_valid(S("RU-XXX")));
	assert_false(fields_region_valid(S("ru-smo")));
	assert_false(fields_region_valid(S("RU-SMOX")));
	assert_false(fields_region_valid(S("")));
	assert_false(fields_region_valid("RU-SMO", 5));	/* "RU-SM" */
	assert_string_equal(fields_region_name("RU-SMO"),
	    "Смоленская область");
	assert_string_equal(fields_region_district("RU-SMO"), "CFD");
	assert_string_equal(fields_region_district("RU-BU"), "FEFD");
	assert_string_equal(fields_region_district("RU-FED"), "FED");
	assert_null(fields_region_name("RU-XXX"));
}

static void
test_dates(void **state)
{
	int	 y, m, d;

	(void)state;
	assert_int_equal(fields_date_parse(S("2024-02-29"), &y, &m, &d), 0);
	assert_int_equal(y * 10000 + m * 100 + d, 20240229);
	assert_int_equal(fields_date_parse(S("2023-02-29"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("1900-02-29"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2000-02-29"), &y, &m, &d), 0);
	assert_int_equal(fields_date_parse(S("2024-13-01"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-04-31"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-1-01"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("1899-12-31"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-01-01x"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse("2024-01-01", 9, &y, &m, &d), -1);
	assert_int_equal(fields_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(fields_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(fields_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(fields_date_days(S("2024-02-01")) -
	    fields_date_days(S("2024-01-01")), 31);
	assert_int_equal(fields_age("2005-04-12", "2024-04-11"), 18);
	assert_int_equal(fields_age("2005-04-12", "2024-04-12"), 19);
	assert_int_equal(fields_age("2005-04-12", "2004-01-01"), -1);
}

static void
test_utf8_and_text(void **state)
{
	char	 big[LIMIT_NAME + 2];

	(void)state;
	assert_true(fields_utf8_valid(S("Иванова Ёлка №1 😀")));
	assert_false(fields_utf8_valid(S("\xc0\xaf")));		/* overlong */
	assert_false(fields_utf8_valid(S("\xe0\x80\xaf")));	/* overlong */
	assert_false(fields_utf8_valid(S("\xed\xa0\x80")));	/* surrogate */
	assert_false(fields_utf8_valid(S("\xf4\x90\x80\x80")));	/* > 10FFFF */
	assert_false(fields_utf8_valid(S("\xd0")));		/* truncated */
	assert_false(fields_utf8_valid(S("\xff")));
	assert_true(fields_text_valid(S("Анна"), LIMIT_NAME, false));
	assert_false(fields_text_valid(S(""), LIMIT_NAME, false));
	assert_false(fields_text_valid(S("   "), LIMIT_NAME, false));
	assert_false(fields_text_valid(S("a\nb"), LIMIT_NAME, false));
	assert_true(fields_text_valid(S("a\nb\tc"), LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("a\rb"), LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("a\x7f"), LIMIT_TEXT, true));
	assert_false(fields_text_valid("a\0b", 3, LIMIT_TEXT, true));
	memset(big, 'a', sizeof(big));
	assert_true(fields_text_valid(big, LIMIT_NAME, LIMIT_NAME, false));
	assert_false(fields_text_valid(big, LIMIT_NAME + 1, LIMIT_NAME,
	    false));
}

static void
test_formats(void **state)
{
	(void)state;
	assert_true(fields_phone_valid(S("+7 (481) 200-00-00")));
	assert_false(fields_phone_valid(S("7+481")));
	assert_false(fields_phone_valid(S("1234")));
	assert_false(fields_phone_valid(S("call me")));
	assert_true(fields_email_valid(S("anna@example.ru")));
	assert_false(fields_email_valid(S("anna@example")));
	assert_false(fields_email_valid(S("@example.ru")));
	assert_false(fields_email_valid(S("a@b@example.ru")));
	assert_false(fields_email_valid(S("a b@example.ru")));
	assert_true(fields_uuid_valid(
	    S("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")));
	assert_false(fields_uuid_valid(
	    S("5B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d04e5f-4a6b-8c7d-9e0f1a2b3c4d")));
	assert_true(fields_hex_valid(S("00ff"), 4));
	assert_false(fields_hex_valid(S("00FF"), 4));
	assert_false(fields_hex_valid(S("00f"), 4));
}

static void
test_enums(void **state)
{
	const struct fields_enum *const lists[] = { fields_sex,
	    fields_event_types, fields_housing, fields_education,
	    fields_employment, fields_family, fields_consent_scopes };
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		assert_non_null(lists[i][0].code);
		assert_ptr_equal(fields_enum_find(lists[i],
		    S(lists[i][0].code)), &lists[i][0]);
		assert_non_null(lists[i][0].ru);
	}
	assert_non_null(fields_enum_find(fields_event_types, S("crisis")));
	assert_null(fields_enum_find(fields_event_types, S("crisi")));
	assert_null(fields_enum_find(fields_event_types, S("crisiss")));
	assert_non_null(fields_enum_find(fields_housing, S("social_rent")));
	assert_non_null(fields_enum_find(fields_employment,
	    S("parental_leave")));
}

static void
test_name_fold(void **state)
{
	char	 a[64], b[64], tiny[4];

	(void)state;
	assert_int_equal(fields_name_fold(S("Ёлкина"), a, sizeof(a)), 0);
	assert_int_equal(fields_name_fold(S("елкина"), b, sizeof(b)), 0);
	assert_string_equal(a, b);
	assert_int_equal(fields_name_fold(S("Иванова-Петрова"), a, sizeof(a)),
	    0);
	assert_int_equal(fields_name_fold(S("иванова петрова"), b, sizeof(b)),
	    0);
	assert_string_equal(a, b);
	assert_string_equal(a, "ивановапетрова");
	/* "Аннa" ends in a Latin a that looks Cyrillic. */
	assert_int_equal(fields_name_fold(S("Аннa"), a, sizeof(a)), 0);
	assert_string_equal(a, "анна");
	assert_int_equal(fields_name_fold(S("Иванова"), tiny, sizeof(tiny)),
	    -1);
	assert_int_equal(fields_name_fold(S("\xff"), a, sizeof(a)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snils),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_utf8_and_text),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_name_fold),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
