/*
 * tests/unit/test_num.c: the strict number parser and the escape helper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "protocol/esc.h"
#include "protocol/num.h"

static void
test_parse(void **state)
{
	int64_t	 v = 7;

	(void)state;
	assert_int_equal(num_parse_str("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_str("5000", 1, 5000, &v), 0);
	assert_int_equal(v, 5000);
	assert_int_equal(num_parse_str("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(num_parse_str("9223372036854775807", 0, INT64_MAX,
	    &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(num_parse_str("-9223372036854775808", INT64_MIN, 0,
	    &v), 0);
	assert_true(v == INT64_MIN);
	v = 7;
	/* Everything that is not the plain decimal form, or out of range. */
	assert_int_equal(num_parse_str("", 0, 10, &v), -1);
	assert_int_equal(num_parse_str("5001", 1, 5000, &v), -1);
	assert_int_equal(num_parse_str("0", 1, 5000, &v), -1);
	assert_int_equal(num_parse_str("-1", 0, 10, &v), -1);
	assert_int_equal(num_parse_str("-0", -10, 10, &v), -1);
	assert_int_equal(num_parse_str("+1", 0, 10, &v), -1);
	assert_int_equal(num_parse_str("01", 0, 10, &v), -1);
	assert_int_equal(num_parse_str(" 1", 0, 10, &v), -1);
	assert_int_equal(num_parse_str("1 ", 0, 10, &v), -1);
	assert_int_equal(num_parse_str("1e3", 0, 10000, &v), -1);
	assert_int_equal(num_parse_str("0x10", 0, 100, &v), -1);
	assert_int_equal(num_parse_str("1.0", 0, 10, &v), -1);
	assert_int_equal(num_parse_str("-", -10, 10, &v), -1);
	assert_int_equal(num_parse_str("9223372036854775808", 0, INT64_MAX,
	    &v), -1);
	assert_int_equal(num_parse_str("99999999999999999999999", 0,
	    INT64_MAX, &v), -1);
	assert_int_equal(num_parse("12", 1, 0, 100, &v), 0);
	assert_int_equal(v, 1);
	v = 7;
	assert_int_equal(num_parse("1\0", 2, 0, 100, &v), -1);
	assert_int_equal(v, 7);
}

static void
test_json(void **state)
{
	cJSON	*a = cJSON_Parse("[1e300,-1,1.5,42,9007199254740992,\"3\"]");
	int64_t	 v = 7;

	(void)state;
	assert_non_null(a);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 0), 0, NUM_JSON_MAX,
	    &v), -1);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 1), 0, NUM_JSON_MAX,
	    &v), -1);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 2), 0, NUM_JSON_MAX,
	    &v), -1);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 4), 0, INT64_MAX,
	    &v), -1);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 5), 0, 10, &v), -1);
	assert_int_equal(num_json(NULL, 0, 10, &v), -1);
	assert_int_equal(v, 7);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 3), 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(num_json(cJSON_GetArrayItem(a, 3), 0, 41, &v), -1);
	cJSON_Delete(a);
}

static void
test_esc(void **state)
{
	char	 out[64], small[8];

	(void)state;
	assert_string_equal(esc_str("plain text", out, sizeof(out)),
	    "plain text");
	assert_string_equal(esc_str("Петрова", out, sizeof(out)),
	    "Петрова");
	assert_string_equal(esc_str("a\nb\x1b[2J\\", out, sizeof(out)),
	    "a\\x0ab\\x1b[2J\\\\");
	/* Invalid and overlong UTF-8, C1 controls, DEL. */
	assert_string_equal(esc_str("\xc0\xaf\xff\xc2\x85\x7f", out,
	    sizeof(out)), "\\xc0\\xaf\\xff\\xc2\\x85\\x7f");
	assert_string_equal(esc_text("a\0b", 3, out, sizeof(out)),
	    "a\\x00b");
	/* What reorders or breaks a line on a screen. */
	assert_string_equal(esc_str("a\xe2\x80\xae" "b\xe2\x80\xa8" "c"
	    "\xe2\x81\xa6" "d\xe2\x80\x8f" "e\xd8\x9c", out, sizeof(out)),
	    "a\\xe2\\x80\\xae" "b\\xe2\\x80\\xa8" "c\\xe2\\x81\\xa6"
	    "d\\xe2\\x80\\x8f" "e\\xd8\\x9c");
	/* Arabic letters beside U+061C stay text. */
	assert_string_equal(esc_str("\xd8\x9b\xd8\xa7", out, sizeof(out)),
	    "\xd8\x9b\xd8\xa7");
	/* Neighbours that are text stay: an en dash, a non-breaking space. */
	assert_string_equal(esc_str("1\xe2\x80\x93" "2\xc2\xa0", out,
	    sizeof(out)), "1\xe2\x80\x93" "2\xc2\xa0");
	/* esc_controls: the same, but a backslash stays one. */
	assert_string_equal(esc_controls("x\\x1b \x1b[2J\n\xc2\x9b", out,
	    sizeof(out)), "x\\x1b \\x1b[2J\\x0a\\xc2\\x9b");
	assert_string_equal(esc_controls(NULL, out, sizeof(out)), "");
	assert_string_equal(esc_str(NULL, out, sizeof(out)), "");
	/* Cut with "...", never inside an escape or a character. */
	assert_string_equal(esc_str("abcdefghij", small, sizeof(small)),
	    "abcd...");
	assert_string_equal(esc_str("abcdefg", small, sizeof(small)),
	    "abcdefg");
	assert_string_equal(esc_str("\n\n\n", small, sizeof(small)),
	    "\\x0a...");
	assert_string_equal(esc_str("жжжж", small, sizeof(small)),
	    "жж...");
}

/* esc_lines over in cut into pieces at each of cuts (ascending); the
 * output, NUL-terminated, in out. */
static void
lines_cut(const char *in, const size_t *cuts, size_t ncuts, char *out)
{
	char	 buf[256];
	size_t	 len = strlen(in), from = 0, held = 0, o = 0, used, i, end;

	for (i = 0; i <= ncuts; i++) {
		end = i < ncuts ? cuts[i] : len;
		/* What was left last time comes first. */
		memmove(buf, in + from - held, held + end - from);
		o += esc_lines(buf, held + end - from, i == ncuts, out + o,
		    &used);
		held = held + end - from - used;
		from = end;
	}
	assert_int_equal(held, 0);
	out[o] = '\0';
}

static void
test_esc_lines(void **state)
{
	const char	*in = "Заметка\tок\n\x1b[2J\xc2\x9b" "31m \xe2\x80\xae"
			    "abc\\x1b \xe2\x80\x93 \xf0\x9f\x98\x80 \xc0\xaf\n";
	const char	*want = "Заметка\tок\n\\x1b[2J\\xc2\\x9b" "31m "
			    "\\xe2\\x80\\xae" "abc\\x1b \xe2\x80\x93 "
			    "\xf0\x9f\x98\x80 \\xc0\\xaf\n";
	char		 whole[1024], cut[1024];
	size_t		 len = strlen(in), a, b, cuts[2], used;

	(void)state;
	lines_cut(in, NULL, 0, whole);
	assert_string_equal(whole, want);
	/* Property: however the stream is cut into writes, what reaches
	 * the terminal is the same. */
	for (a = 0; a <= len; a++)
		for (b = a; b <= len; b++) {
			cuts[0] = a;
			cuts[1] = b;
			lines_cut(in, cuts, 2, cut);
			assert_string_equal(cut, want);
		}
	/* A sequence cut at the end is held back, unless it is the end. */
	assert_int_equal(esc_lines("a\xd0", 2, 0, cut, &used), 1);
	assert_int_equal(used, 1);
	assert_int_equal(esc_lines("a\xd0", 2, 1, cut, &used), 5);
	assert_int_equal(used, 2);
	assert_memory_equal(cut, "a\\xd0", 5);
	/* A byte that cannot start a character is not held. */
	assert_int_equal(esc_lines("\x9b", 1, 0, cut, &used), 4);
	assert_int_equal(used, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_esc),
		cmocka_unit_test(test_esc_lines),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
