/*
 * tests/unit/test_fields.c: SNILS, region codes, dates, UTF-8 and texts,
 * phones, e-mail, UUIDs and hex, enumerations and name folding
 * (protocol/fields.h).
 *
 * Input is passed with its length and often sits in a longer buffer, so
 * that a function reading past len, or relying on a NUL, fails a test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "protocol/fields.h"
#include "protocol/limits.h"

#define S(x)	(x), strlen(x)

/* The 83 ISO 3166-2:RU codes of the federal subjects. */
static const char *const iso_codes[] = {
	"RU-AD", "RU-AL", "RU-BA", "RU-BU", "RU-CE", "RU-CU", "RU-DA",
	"RU-IN", "RU-KB", "RU-KC", "RU-KK", "RU-KL", "RU-KO", "RU-KR",
	"RU-ME", "RU-MO", "RU-SA", "RU-SE", "RU-TA", "RU-TY", "RU-UD",
	"RU-ALT", "RU-KAM", "RU-KDA", "RU-KHA", "RU-KYA", "RU-PER", "RU-PRI",
	"RU-STA", "RU-ZAB", "RU-AMU", "RU-ARK", "RU-AST", "RU-BEL", "RU-BRY",
	"RU-CHE", "RU-IRK", "RU-IVA", "RU-KGD", "RU-KLU", "RU-KEM", "RU-KIR",
	"RU-KOS", "RU-KGN", "RU-KRS", "RU-LEN", "RU-LIP", "RU-MAG", "RU-MOS",
	"RU-MUR", "RU-NIZ", "RU-NGR", "RU-NVS", "RU-OMS", "RU-ORE", "RU-ORL",
	"RU-PNZ", "RU-PSK", "RU-ROS", "RU-RYA", "RU-SAK", "RU-SAM", "RU-SAR",
	"RU-SMO", "RU-SVE", "RU-TAM", "RU-TOM", "RU-TUL", "RU-TVE", "RU-TYU",
	"RU-ULY", "RU-VLA", "RU-VGG", "RU-VLG", "RU-VOR", "RU-YAR", "RU-MOW",
	"RU-SPE", "RU-YEV", "RU-CHU", "RU-KHM", "RU-NEN", "RU-YAN",
};
#define NISO	(sizeof(iso_codes) / sizeof(iso_codes[0]))

/* The subjects beyond ISO 3166-2:RU, and the federal node. */
static const char *const other_codes[] = {
	"RU-CR", "RU-SEV", "RU-DPR", "RU-LPR", "RU-ZAP", "RU-KHE", "RU-FED",
};
#define NOTHER	(sizeof(other_codes) / sizeof(other_codes[0]))

static void
test_snils_normalize(void **state)
{
	char	 out[12];

	(void)state;
	assert_int_equal(fields_snils_normalize(S("112-233-445 95"), out), 0);
	assert_string_equal(out, "11223344595");
	assert_int_equal(fields_snils_normalize(S("11223344595"), out), 0);
	assert_string_equal(out, "11223344595");
	/* Separators anywhere between digits, runs of them too. */
	assert_int_equal(fields_snils_normalize(S("112 233 445 95"), out), 0);
	assert_int_equal(fields_snils_normalize(S("112-233-44595"), out), 0);
	assert_int_equal(fields_snils_normalize(S("1122 - 3344595"), out), 0);
	assert_string_equal(out, "11223344595");
	/* Only len bytes are read: the input need not end in a NUL. */
	assert_int_equal(fields_snils_normalize("11223344595999", 11, out),
	    0);
	assert_string_equal(out, "11223344595");
	/* A wrong check number, and out then holds no SNILS. */
	assert_int_equal(fields_snils_normalize(S("112-233-445 96"), out), -1);
	assert_string_equal(out, "");
	/* Too few or too many digits. */
	assert_int_equal(fields_snils_normalize(S("112-233-445 9"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112-233-445 955"), out),
	    -1);
	assert_int_equal(fields_snils_normalize(S("1122334459511"), out), -1);
	assert_int_equal(fields_snils_normalize(S(""), out), -1);
	assert_int_equal(fields_snils_normalize(NULL, 0, out), -1);
	/* Letters and other separators. */
	assert_int_equal(fields_snils_normalize(S("112-233-44a 95"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112_233_445_95"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112.233.445 95"), out), -1);
	assert_int_equal(fields_snils_normalize(S("112-233-445\t95"), out),
	    -1);
	/* Fullwidth digits are not digits. */
	assert_int_equal(fields_snils_normalize(
	    S("\xef\xbc\x91" "1223344595"), out), -1);
	/* Separators before the first digit or after the last. */
	assert_int_equal(fields_snils_normalize(S(" 11223344595"), out), -1);
	assert_int_equal(fields_snils_normalize(S("11223344595 "), out), -1);
	assert_int_equal(fields_snils_normalize(S("-112-233-445 95"), out),
	    -1);
	assert_int_equal(fields_snils_normalize(S("112-233-445 95--"), out),
	    -1);
	/* A NUL inside is not a separator. */
	assert_int_equal(fields_snils_normalize("112\0" "23344595", 12, out),
	    -1);
}

static void
test_snils_check(void **state)
{
	char	 printed[15];

	(void)state;
	/* Sum 95: the check is the sum. */
	assert_true(fields_snils_valid(S("11223344595")));
	assert_false(fields_snils_valid(S("11223344596")));
	assert_false(fields_snils_valid(S("11223344559")));
	/* Sums of 100 and 101 give 00: 9*9 + 2*8 + 3 and 9*9 + 2*8 + 4. */
	assert_true(fields_snils_valid(S("92000000300")));
	assert_false(fields_snils_valid(S("92000000399")));
	assert_true(fields_snils_valid(S("92000000400")));
	assert_false(fields_snils_valid(S("92000000401")));
	/* Sums above 101: modulo 101. 405 % 101 = 1 and 165 % 101 = 64. */
	assert_true(fields_snils_valid(S("99999999901")));
	assert_false(fields_snils_valid(S("99999999900")));
	assert_true(fields_snils_valid(S("12345678964")));
	assert_false(fields_snils_valid(S("12345678965")));
	/* 1*9 + 6*7 + 8*6 + 9*5 + 7*4 + 4*3 + 4*2 + 9 = 201, and 201 % 101
	 * = 100, which becomes 00. */
	assert_true(fields_snils_valid(S("10689744900")));
	assert_false(fields_snils_valid(S("10689744999")));
	/* Up to 001-001-998 any check number is accepted; above, not. */
	assert_true(fields_snils_valid(S("00100199800")));
	assert_true(fields_snils_valid(S("00100199899")));
	assert_true(fields_snils_valid(S("00000000000")));
	assert_true(fields_snils_valid(S("00100199965")));
	assert_false(fields_snils_valid(S("00100199900")));
	/* Only the stored form: 11 digits, nothing else. */
	assert_false(fields_snils_valid(S("112-233-445 95")));
	assert_false(fields_snils_valid(S("1122334459")));
	assert_false(fields_snils_valid(S("112233445955")));
	assert_false(fields_snils_valid(S("1122334459a")));
	assert_false(fields_snils_valid(S("")));
	assert_true(fields_snils_valid("11223344595x", 11));

	fields_snils_format("11223344595", printed);
	assert_string_equal(printed, "112-233-445 95");
	fields_snils_format("00100199800", printed);
	assert_string_equal(printed, "001-001-998 00");
}

static bool
in_list(const char *code, const char *const *list, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return (true);
	return (false);
}

static void
test_region_table(void **state)
{
	static const struct {
		const char	*district;
		int		 want;
	} districts[] = {
		{ "CFD", 18 }, { "NWFD", 11 }, { "SFD", 12 }, { "NCFD", 7 },
		{ "VFD", 14 }, { "UFD", 6 }, { "SIBFD", 10 }, { "FEFD", 11 },
		{ "FED", 1 },
	};
	int		 got[sizeof(districts) / sizeof(districts[0])];
	const char	*code, *prev = NULL, *name, *district;
	size_t		 i, k, nd = sizeof(districts) / sizeof(districts[0]);

	(void)state;
	assert_int_equal(NISO, 83);
	assert_int_equal(NOTHER, 7);
	assert_int_equal(fields_region_count(), 90);
	assert_null(fields_region_at(90));
	memset(got, 0, sizeof(got));
	for (i = 0; i < fields_region_count(); i++) {
		code = fields_region_at(i);
		assert_non_null(code);
		/* Strictly sorted, so bsearch finds every one. */
		if (prev != NULL)
			assert_true(strcmp(prev, code) < 0);
		prev = code;
		assert_true(in_list(code, iso_codes, NISO) ||
		    in_list(code, other_codes, NOTHER));
		assert_true(fields_region_valid(code, strlen(code)));
		name = fields_region_name(code);
		assert_non_null(name);
		assert_true(fields_text_valid(name, strlen(name),
		    LIMIT_SHORT_TEXT, false));
		district = fields_region_district(code);
		assert_non_null(district);
		for (k = 0; k < nd; k++)
			if (strcmp(district, districts[k].district) == 0)
				break;
		assert_true(k < nd);
		got[k]++;
	}
	for (k = 0; k < nd; k++)
		assert_int_equal(got[k], districts[k].want);
	/* And every code of both lists is in the table. */
	for (i = 0; i < NISO; i++)
		assert_true(fields_region_valid(S(iso_codes[i])));
	for (i = 0; i < NOTHER; i++)
		assert_true(fields_region_valid(S(other_codes[i])));
}

static void
test_region_lookup(void **state)
{
	(void)state;
	assert_string_equal(fields_region_name("RU-SMO"),
	    "Смоленская область");
	assert_string_equal(fields_region_district("RU-SMO"), "CFD");
	assert_string_equal(fields_region_district("RU-BU"), "FEFD");
	assert_string_equal(fields_region_district("RU-ZAB"), "FEFD");
	assert_string_equal(fields_region_district("RU-SPE"), "NWFD");
	assert_string_equal(fields_region_district("RU-CE"), "NCFD");
	assert_string_equal(fields_region_district("RU-CHE"), "UFD");
	assert_string_equal(fields_region_district("RU-KHE"), "SFD");
	assert_string_equal(fields_region_district("RU-AL"), "SIBFD");
	assert_string_equal(fields_region_district("RU-FED"), "FED");
	assert_string_equal(fields_region_name("RU-AL"), "Республика Алтай");
	assert_string_equal(fields_region_name("RU-ALT"), "Алтайский край");
	assert_string_equal(fields_region_name("RU-SA"),
	    "Республика Саха (Якутия)");
	assert_string_equal(fields_region_name("RU-CU"),
	    "Чувашская Республика — Чувашия");
	assert_string_equal(fields_region_name("RU-SEV"), "Севастополь");
	/* Unknown, lowercase, prefixes and extensions of codes. */
	assert_false(fields_region_valid(S("RU-XXX")));
	assert_false(fields_region_valid(S("ru-smo")));
	assert_false(fields_region_valid(S("RU-Smo")));
	assert_false(fields_region_valid(S("RU-SM")));
	assert_false(fields_region_valid(S("RU-SMOX")));
	assert_false(fields_region_valid(S("RU-")));
	assert_false(fields_region_valid(S("SMO")));
	assert_false(fields_region_valid(S(" RU-SMO")));
	assert_false(fields_region_valid(S("")));
	assert_false(fields_region_valid(NULL, 0));
	/* A NUL after a code is not the end of it. */
	assert_false(fields_region_valid("RU-AD\0", 6));
	/* Only len bytes are read. */
	assert_true(fields_region_valid("RU-SMOLENSK", 6));
	assert_true(fields_region_valid("RU-ADX", 5));
	assert_null(fields_region_name("RU-XXX"));
	assert_null(fields_region_name("ru-smo"));
	assert_null(fields_region_name(""));
	assert_null(fields_region_name(NULL));
	assert_null(fields_region_district("RU-XXX"));
	assert_null(fields_region_district(NULL));
}

static void
test_date_parse(void **state)
{
	int	 y = -7, m = -7, d = -7;

	(void)state;
	assert_int_equal(fields_date_parse(S("2024-02-29"), &y, &m, &d), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	assert_int_equal(fields_date_parse(S("2000-02-29"), &y, &m, &d), 0);
	assert_int_equal(fields_date_parse(S("1900-01-01"), &y, &m, &d), 0);
	assert_int_equal(fields_date_parse(S("2999-12-31"), &y, &m, &d), 0);
	assert_int_equal(fields_date_parse(S("2024-04-30"), NULL, NULL,
	    NULL), 0);
	/* Refused dates leave y, m and d alone. */
	y = m = d = -7;
	assert_int_equal(fields_date_parse(S("2023-02-29"), &y, &m, &d), -1);
	assert_int_equal(y, -7);
	assert_int_equal(m, -7);
	assert_int_equal(d, -7);
	assert_int_equal(fields_date_parse(S("1900-02-29"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-13-01"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-00-10"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-04-31"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-01-00"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-01-32"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-1-01"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-01-1"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("1899-12-31"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("3000-01-01"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-02-29x"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-02-29 "), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024/02/29"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("+024-02-29"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("2024-+2-09"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S("20240229"), &y, &m, &d), -1);
	assert_int_equal(fields_date_parse(S(""), &y, &m, &d), -1);
	assert_int_equal(y, -7);
	/* Only len bytes are read. */
	assert_int_equal(fields_date_parse("2024-02-29T12:00", 10, &y, &m,
	    &d), 0);
	assert_int_equal(d, 29);
}

static void
test_days(void **state)
{
	int	 y, m, d, dim;
	int64_t	 want;
	char	 s[40];	/* room for any int, for -Wformat-truncation */

	(void)state;
	assert_int_equal(fields_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(fields_days_from_civil(1970, 1, 2), 1);
	assert_int_equal(fields_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(fields_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(fields_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(fields_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(fields_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(fields_days_from_civil(2999, 12, 31), 376199);
	assert_int_equal(fields_days_from_civil(0, 3, 1), -719468);
	assert_int_equal(fields_date_days(S("2000-03-01")), 11017);
	assert_int_equal(fields_date_days(S("1900-01-01")), -25567);
	assert_int_equal(fields_date_days(S("2023-02-29")), -1);
	assert_int_equal(fields_date_days(S("2000-03-01Z")), -1);
	/* Every date from 1900 to 2999 is the day after the one before it,
	 * and each string parses and counts to the same day. */
	want = fields_days_from_civil(1900, 1, 1);
	for (y = 1900; y <= 2999; y++)
		for (m = 1; m <= 12; m++) {
			dim = m == 2 ? ((y % 4 == 0 && y % 100 != 0) ||
			    y % 400 == 0 ? 29 : 28) :
			    (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
			for (d = 1; d <= dim; d++, want++) {
				assert_int_equal(fields_days_from_civil(y, m,
				    d), want);
				snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m,
				    d);
				assert_int_equal(fields_date_days(s, 10), want);
			}
			/* And the day after the last is refused. */
			snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, dim + 1);
			assert_int_equal(fields_date_parse(s, 10, NULL, NULL,
			    NULL), -1);
		}
}

static void
test_age(void **state)
{
	(void)state;
	/* The birthday itself, the day before, and the same day. */
	assert_int_equal(fields_age("2005-04-12", "2023-04-12"), 18);
	assert_int_equal(fields_age("2005-04-12", "2023-04-11"), 17);
	assert_int_equal(fields_age("2005-04-12", "2023-03-31"), 17);
	assert_int_equal(fields_age("2005-04-12", "2023-05-01"), 18);
	assert_int_equal(fields_age("2005-04-12", "2005-04-12"), 0);
	assert_int_equal(fields_age("2005-12-31", "2006-12-30"), 0);
	assert_int_equal(fields_age("2005-12-31", "2006-12-31"), 1);
	/* Born on 29 February: of age on 1 March in other years. */
	assert_int_equal(fields_age("2004-02-29", "2022-02-28"), 17);
	assert_int_equal(fields_age("2004-02-29", "2022-03-01"), 18);
	assert_int_equal(fields_age("2004-02-29", "2024-02-29"), 20);
	/* A date before the birth, and invalid dates. */
	assert_int_equal(fields_age("2005-04-12", "2005-04-11"), -1);
	assert_int_equal(fields_age("2005-04-12", "2004-12-31"), -1);
	assert_int_equal(fields_age("2005-02-30", "2023-04-12"), -1);
	assert_int_equal(fields_age("2005-04-12", "2023-4-12"), -1);
	assert_int_equal(fields_age("2005-04-12", "2023-04-12 "), -1);
	assert_int_equal(fields_age(NULL, "2023-04-12"), -1);
	assert_int_equal(fields_age("2005-04-12", NULL), -1);
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(fields_utf8_valid(S("")));
	assert_true(fields_utf8_valid(NULL, 0));
	assert_true(fields_utf8_valid(S("plain ASCII")));
	assert_true(fields_utf8_valid(S("Смоленская область, ёж")));
	assert_true(fields_utf8_valid(S("\xf0\x9f\x98\x80")));	/* U+1F600 */
	assert_true(fields_utf8_valid(S("\xf4\x8f\xbf\xbf")));	/* U+10FFFF */
	assert_true(fields_utf8_valid(S("\xef\xbf\xbf")));	/* U+FFFF */
	assert_true(fields_utf8_valid(S("\xed\x9f\xbf")));	/* U+D7FF */
	assert_true(fields_utf8_valid(S("\xee\x80\x80")));	/* U+E000 */
	assert_true(fields_utf8_valid(S("\xc2\x80")));		/* U+0080 */
	assert_true(fields_utf8_valid(S("\xe0\xa0\x80")));	/* U+0800 */
	assert_true(fields_utf8_valid(S("\xf0\x90\x80\x80")));	/* U+10000 */
	assert_true(fields_utf8_valid("a\0b", 3));
	/* Overlong forms. */
	assert_false(fields_utf8_valid(S("\xc0\xaf")));
	assert_false(fields_utf8_valid(S("\xc1\xbf")));
	assert_false(fields_utf8_valid(S("\xe0\x80\xaf")));
	assert_false(fields_utf8_valid(S("\xe0\x9f\xbf")));
	assert_false(fields_utf8_valid(S("\xf0\x80\x80\xaf")));
	assert_false(fields_utf8_valid(S("\xf0\x8f\xbf\xbf")));
	/* Surrogates. */
	assert_false(fields_utf8_valid(S("\xed\xa0\x80")));
	assert_false(fields_utf8_valid(S("\xed\xbf\xbf")));
	assert_false(fields_utf8_valid(S("\xed\xa0\xbd\xed\xb8\x80")));
	/* Above U+10FFFF, and bytes that never occur. */
	assert_false(fields_utf8_valid(S("\xf4\x90\x80\x80")));
	assert_false(fields_utf8_valid(S("\xf5\x80\x80\x80")));
	assert_false(fields_utf8_valid(S("\xf8\x88\x80\x80\x80")));
	assert_false(fields_utf8_valid(S("\xfe")));
	assert_false(fields_utf8_valid(S("\xff")));
	/* Truncated sequences, at the end and in the middle. */
	assert_false(fields_utf8_valid(S("\xd0")));
	assert_false(fields_utf8_valid(S("ab\xe2\x82")));
	assert_false(fields_utf8_valid(S("\xf0\x9f\x98")));
	assert_false(fields_utf8_valid(S("\xd0" "a")));
	assert_false(fields_utf8_valid(S("\xe2\x82" "a")));
	/* A sequence cut by len, though the bytes go on. */
	assert_false(fields_utf8_valid("\xd0\x90", 1));
	/* Lone continuation bytes. */
	assert_false(fields_utf8_valid(S("\x80")));
	assert_false(fields_utf8_valid(S("a\xbf")));
}

static void
test_text(void **state)
{
	char	 buf[LIMIT_NAME + 2];
	size_t	 i;

	(void)state;
	assert_true(fields_text_valid(S("Иванова"), LIMIT_NAME, false));
	assert_true(fields_text_valid(S(" a "), LIMIT_NAME, false));
	assert_true(fields_text_valid(S("a\nb\tc"), LIMIT_TEXT, true));
	/* Line breaks and tabs only where multiline. */
	assert_false(fields_text_valid(S("a\nb"), LIMIT_NAME, false));
	assert_false(fields_text_valid(S("a\tb"), LIMIT_NAME, false));
	/* Other controls never: CR, NUL, ESC, DEL. */
	assert_false(fields_text_valid(S("a\r\nb"), LIMIT_TEXT, true));
	assert_false(fields_text_valid("a\0b", 3, LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("a\x1b[0m"), LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("a\x01"), LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("a\x1f"), LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("a\x7f"), LIMIT_TEXT, true));
	/* Empty, and only white space. */
	assert_false(fields_text_valid(S(""), LIMIT_NAME, false));
	assert_false(fields_text_valid(NULL, 0, LIMIT_NAME, false));
	assert_false(fields_text_valid(S(" "), LIMIT_NAME, false));
	assert_false(fields_text_valid(S("   "), LIMIT_NAME, false));
	assert_false(fields_text_valid(S(" \n\t\n"), LIMIT_TEXT, true));
	assert_false(fields_text_valid(S("\xc2\xa0"), LIMIT_NAME, false));
	assert_false(fields_text_valid(S("\xe3\x80\x80 "), LIMIT_NAME,
	    false));
	assert_true(fields_text_valid(S(" \n.\n"), LIMIT_TEXT, true));
	/* Invalid UTF-8. */
	assert_false(fields_text_valid(S("abc\xc0\xaf"), LIMIT_NAME, false));
	assert_false(fields_text_valid(S("abc\xd0"), LIMIT_NAME, false));
	/* The length limit in bytes: exactly max is allowed. */
	memset(buf, 'x', sizeof(buf));
	assert_true(fields_text_valid(buf, LIMIT_NAME, LIMIT_NAME, false));
	assert_false(fields_text_valid(buf, LIMIT_NAME + 1, LIMIT_NAME,
	    false));
	/* Fifty Cyrillic letters are 100 bytes, fifty-one are not. */
	for (i = 0; i + 1 < sizeof(buf); i += 2) {
		buf[i] = '\xd0';
		buf[i + 1] = '\xb0';
	}
	assert_true(fields_text_valid(buf, 100, 100, false));
	assert_false(fields_text_valid(buf, 102, 100, false));
	/* A letter cut in half by max is refused, not accepted short. */
	assert_false(fields_text_valid(buf, 101, 101, false));
}

static void
test_phone(void **state)
{
	char	 buf[LIMIT_PHONE + 1];

	(void)state;
	assert_true(fields_phone_valid(S("+7 (912) 345-67-89")));
	assert_true(fields_phone_valid(S("89123456789")));
	assert_true(fields_phone_valid(S("12345")));
	assert_true(fields_phone_valid(S("8 (4812) 38-12-34")));
	assert_false(fields_phone_valid(S("")));
	assert_false(fields_phone_valid(S("1234")));
	assert_false(fields_phone_valid(S("+1234")));	/* 4 digits */
	assert_false(fields_phone_valid(S("12-34-")));	/* 4 digits */
	assert_false(fields_phone_valid(S("(((((")));
	assert_false(fields_phone_valid(S("8+9123456")));
	assert_false(fields_phone_valid(S("++79123456")));
	assert_false(fields_phone_valid(S("8912a456789")));
	assert_false(fields_phone_valid(S("8912.345.67")));
	assert_false(fields_phone_valid(S("89123456789\n")));
	assert_false(fields_phone_valid("8912\0" "345678", 11));
	memset(buf, '1', sizeof(buf));
	assert_true(fields_phone_valid(buf, LIMIT_PHONE));
	assert_false(fields_phone_valid(buf, LIMIT_PHONE + 1));
}

static void
test_email(void **state)
{
	char	 buf[LIMIT_EMAIL + 1];

	(void)state;
	assert_true(fields_email_valid(S("anna@example.ru")));
	assert_true(fields_email_valid(S("a@b.c")));
	assert_true(fields_email_valid(S("anna.petrova+opora@mail.example")));
	assert_true(fields_email_valid(S("анна@пример.рф")));
	assert_false(fields_email_valid(S("")));
	assert_false(fields_email_valid(S("anna")));
	assert_false(fields_email_valid(S("anna@example")));
	assert_false(fields_email_valid(S("@example.ru")));
	assert_false(fields_email_valid(S("anna@")));
	assert_false(fields_email_valid(S("anna@.ru")));
	assert_false(fields_email_valid(S("anna@ru.")));
	assert_false(fields_email_valid(S("a@b@example.ru")));
	assert_false(fields_email_valid(S("an na@example.ru")));
	assert_false(fields_email_valid(S("anna@example.ru ")));
	assert_false(fields_email_valid(S("anna@exa\tmple.ru")));
	assert_false(fields_email_valid(S("anna@example.ru\n")));
	assert_false(fields_email_valid(S("anna@exam\x7fple.ru")));
	assert_false(fields_email_valid(S("anna\xc2\xa0@example.ru")));
	assert_false(fields_email_valid(S("anna@example.ru\xd0")));
	assert_false(fields_email_valid("anna@ex\0mple.ru", 15));
	/* The length limit: exactly LIMIT_EMAIL bytes is allowed. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + LIMIT_EMAIL - 7, "@ex.com", 7);
	assert_true(fields_email_valid(buf, LIMIT_EMAIL));
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + LIMIT_EMAIL + 1 - 7, "@ex.com", 7);
	assert_false(fields_email_valid(buf, LIMIT_EMAIL + 1));
}

static void
test_uuid_hex(void **state)
{
	(void)state;
	assert_true(fields_uuid_valid(
	    S("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")));
	assert_true(fields_uuid_valid(
	    S("00000000-0000-0000-0000-000000000000")));
	assert_false(fields_uuid_valid(
	    S("5B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d0")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d4-e5f-4a6b-8c7d-9e0f1a2b3c4d")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d04e5f04a6b08c7d09e0f1a2b3c4d")));
	assert_false(fields_uuid_valid(
	    S("5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c-d")));
	assert_false(fields_uuid_valid(
	    S("{5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c}")));
	assert_false(fields_uuid_valid(S("")));

	assert_true(fields_hex_valid(S("0123456789abcdef"), 16));
	assert_true(fields_hex_valid(S(""), 0));
	assert_false(fields_hex_valid(S("0123456789ABCDEF"), 16));
	assert_false(fields_hex_valid(S("0123456789abcdeg"), 16));
	assert_false(fields_hex_valid(S("0123456789abcde"), 16));
	assert_false(fields_hex_valid(S("0123456789abcdef0"), 16));
	assert_false(fields_hex_valid(S("0x12"), 4));
	assert_false(fields_hex_valid(S("12 4"), 4));
	assert_false(fields_hex_valid("12\0" "4", 4, 4));
	assert_true(fields_hex_valid("abcdZZ", 4, 4));
}

/* An enumeration list with its expected codes, in order. */
struct enum_case {
	const char			*what;
	const struct fields_enum	*list;
	const char			*codes[12];
};

static void
test_enums(void **state)
{
	static const struct enum_case	 cases[] = {
		{ "sex", fields_sex, { "F", "M", NULL } },
		{ "event types", fields_event_types, { "contact",
		    "consultation", "housing", "education", "employment",
		    "health", "finance", "legal", "crisis", "other",
		    NULL } },
		{ "housing", fields_housing, { "own", "social_rent",
		    "dormitory", "relatives", "temporary", "none", NULL } },
		{ "education", fields_education, { "none", "vocational",
		    "higher", "completed", NULL } },
		{ "employment", fields_employment, { "employed",
		    "unemployed_seeking", "not_seeking", "parental_leave",
		    NULL } },
		{ "family", fields_family, { "single", "partner", "parent",
		    NULL } },
		{ "consent scopes", fields_consent_scopes, { "transfer",
		    "statistics", NULL } },
	};
	const struct fields_enum	*e, *f;
	size_t				 c, i, j;
	char				 buf[64];

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (i = 0; cases[c].codes[i] != NULL; i++) {
			e = &cases[c].list[i];
			assert_non_null(e->code);
			assert_string_equal(e->code, cases[c].codes[i]);
			assert_true(fields_text_valid(S(e->en), LIMIT_NAME,
			    false));
			assert_true(fields_text_valid(S(e->ru), LIMIT_NAME,
			    false));
			/* The Russian label is in Cyrillic. */
			assert_true((unsigned char)e->ru[0] == 0xd0 ||
			    (unsigned char)e->ru[0] == 0xd1);
			assert_ptr_equal(fields_enum_find(cases[c].list,
			    S(e->code)), e);
			/* Found from a buffer with more after the code. */
			snprintf(buf, sizeof(buf), "%sX", e->code);
			assert_ptr_equal(fields_enum_find(cases[c].list, buf,
			    strlen(e->code)), e);
			assert_null(fields_enum_find(cases[c].list, S(buf)));
			/* A prefix is not the code. */
			assert_null(fields_enum_find(cases[c].list, e->code,
			    strlen(e->code) - 1));
			for (j = 0; j < i; j++)
				assert_string_not_equal(cases[c].list[j].code,
				    e->code);
		}
		assert_true(i > 0);
		/* And the list ends where expected. */
		f = &cases[c].list[i];
		assert_null(f->code);
		assert_null(f->en);
		assert_null(f->ru);
		assert_null(fields_enum_find(cases[c].list, S("unknown")));
		assert_null(fields_enum_find(cases[c].list, NULL, 0));
	}
	assert_null(fields_enum_find(fields_sex, S("f")));
	assert_null(fields_enum_find(fields_housing, S("Own")));
	assert_null(fields_enum_find(fields_housing, S("own ")));
	assert_string_equal(fields_enum_find(fields_housing, S("own"))->ru,
	    "собственное жильё");
	assert_string_equal(fields_enum_find(fields_event_types,
	    S("legal"))->ru, "правовая помощь");
}

/* Folds s into a static buffer; fails the test if it cannot. */
static const char *
fold(const char *s)
{
	static char	 out[256];

	assert_int_equal(fields_name_fold(s, strlen(s), out, sizeof(out)), 0);
	return (out);
}

static void
test_name_fold(void **state)
{
	char	 out[16], in[101], big[201];

	(void)state;
	assert_string_equal(fold("Ёлкина"), "елкина");
	assert_string_equal(fold("Ёлкина"), fold("елкина"));
	assert_string_equal(fold("ЁЛКИНА"), "елкина");
	assert_string_equal(fold("Иванова-Петрова"), "ивановапетрова");
	assert_string_equal(fold("Иванова - Петрова"), "ивановапетрова");
	assert_string_equal(fold("ИВАНОВА"), "иванова");
	/* й stays й, not и. */
	assert_string_equal(fold("Йошкина"), "йошкина");
	assert_string_not_equal(fold("Йошкина"), "иошкина");
	assert_string_equal(fold("Зуев"), "зуев");
	/* Latin look-alikes, lowercase and uppercase, become Cyrillic. */
	assert_string_equal(fold("Аннa"), "анна");
	assert_string_equal(fold("AННA"), "анна");
	assert_string_equal(fold("Cokolov"),
	    "\xd1\x81\xd0\xbe\xd0\xba\xd0\xbe" "l" "\xd0\xbe" "v");
	assert_string_equal(fold("ABCEHKMOPTXY"), "авсенкмортху");
	assert_string_equal(fold("abcehkmoptxy"), "авсенкмортху");
	/* Other Latin letters are kept, lowercased. */
	assert_string_equal(fold("Ivanova"), "iv\xd0\xb0n\xd0\xbev\xd0\xb0");
	assert_string_equal(fold("QZ"), "qz");
	/* Apostrophes, dots and typographic forms are dropped. */
	assert_string_equal(fold("Д'Артаньян"), "дартаньян");
	assert_string_equal(fold("Д\xe2\x80\x99" "Артаньян"), "дартаньян");
	assert_string_equal(fold("Т. С."), "тс");
	assert_string_equal(fold("Анна\xc2\xa0Мария"), "аннамария");
	assert_string_equal(fold("Римский\xe2\x80\x94" "Корсаков"),
	    "римскийкорсаков");
	/* Decomposed ё and й fold as the composed letters. */
	assert_string_equal(fold("Е\xcc\x88лкина"), "елкина");
	assert_string_equal(fold("И\xcc\x86" "ошкина"), "йошкина");
	assert_string_equal(fold("Зуи\xcc\x86"), "зуй");
	/* Other characters are kept; national Cyrillic is lowercased. */
	assert_string_equal(fold("Анна2"), "анна2");
	assert_string_equal(fold("ӘЛМӘТ"), "әлмәт");
	assert_string_equal(fold("ҮҢҖӨҺ"), "үңҗөһ");
	assert_string_equal(fold("ІЇЄЎ"), "іїєў");
	assert_string_equal(fold("Ӂ"), "ӂ");
	assert_string_equal(fold("ÖÄÉ"), "öäé");
	assert_string_equal(fold("×"), "×");
	assert_string_equal(fold(""), "");
	assert_string_equal(fold(" - "), "");

	/* The output must fit with its NUL. */
	assert_int_equal(fields_name_fold(S("анна"), out, 9), 0);
	assert_string_equal(out, "анна");
	assert_int_equal(fields_name_fold(S("анна"), out, 8), -1);
	assert_int_equal(fields_name_fold(S("анна"), out, 1), -1);
	assert_int_equal(fields_name_fold(S("анна"), out, 0), -1);
	assert_int_equal(fields_name_fold(S(""), out, 1), 0);
	assert_string_equal(out, "");
	/* Only len bytes are read. */
	assert_int_equal(fields_name_fold("АннаXYZ", 8, out, sizeof(out)),
	    0);
	assert_string_equal(out, "анна");
	/* Invalid UTF-8. */
	assert_int_equal(fields_name_fold(S("Анна\xd0"), out, sizeof(out)),
	    -1);
	assert_int_equal(fields_name_fold(S("\xed\xa0\x80"), out,
	    sizeof(out)), -1);
	/* Latin look-alikes double in size, and 2 * len + 1 is enough. */
	memset(in, 'a', sizeof(in));
	assert_int_equal(fields_name_fold(in, 100, big, sizeof(big)), 0);
	assert_int_equal(strlen(big), 200);
	assert_int_equal(fields_name_fold(in, 100, big, sizeof(big) - 1), -1);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_snils_normalize),
		cmocka_unit_test(test_snils_check),
		cmocka_unit_test(test_region_table),
		cmocka_unit_test(test_region_lookup),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_uuid_hex),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_name_fold),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
