/*
 * tests/unit/test_jcs.c: the canonical form (RFC 8785) and the buffer it is
 * written into.  jcs_parse is fed exact-size heap copies, so AddressSanitizer
 * would catch a read past the given length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "protocol/jcs.h"
#include "protocol/limits.h"

/* Parse text (from an exact-size copy); 1 if accepted as canonical. */
static int
canonical(const char *text)
{
	size_t		 n = strlen(text);
	char		*copy = malloc(n ? n : 1);
	const char	*why = NULL;
	cJSON		*v;

	assert_non_null(copy);
	memcpy(copy, text, n);
	v = jcs_parse(copy, n, &why);
	free(copy);
	if (v == NULL) {
		assert_non_null(why);
		return (0);
	}
	cJSON_Delete(v);
	return (1);
}

/* Write the canonical form of JSON text; returns a new string or NULL. */
static char *
write_of(const char *text)
{
	cJSON		*v = cJSON_Parse(text);
	struct buf	 b;
	char		*s;

	assert_non_null(v);
	buf_init(&b, 4096);
	if (jcs_write(&b, v, LIMIT_JSON_ELEMENTS, NULL) == -1) {
		cJSON_Delete(v);
		buf_free(&b);
		return (NULL);
	}
	cJSON_Delete(v);
	s = buf_take(&b, NULL);
	return (s);
}

static void
expect_write(const char *in, const char *out)
{
	char	*s = write_of(in);

	assert_non_null(s);
	assert_string_equal(s, out);
	free(s);
}

static void
test_write(void **state)
{
	(void)state;
	expect_write("{ \"b\" : 1, \"a\" : [true, false, null] }",
	    "{\"a\":[true,false,null],\"b\":1}");
	/* Escapes exactly as JSON.stringify: short forms, \u00xx, the rest
	 * literal (including '/', DEL and U+2028). */
	expect_write("[\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\\u007f\\u2028\"]",
	    "[\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\x7f\xe2\x80\xa8\"]");
	/* Keys by UTF-16 code units: U+1F600 (D83D DE00) sorts before
	 * U+E000, unlike by code points. */
	expect_write("{\"\\ue000\":1,\"\\ud83d\\ude00\":2,\"a\":3}",
	    "{\"a\":3,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}");
	expect_write("[9007199254740991,-9007199254740991,0,-0]",
	    "[9007199254740991,-9007199254740991,0,0]");
	assert_null(write_of("[1.5]"));
	assert_null(write_of("[9007199254740993]"));
	assert_null(write_of("{\"a\":1,\"a\":2}"));
	assert_null(write_of("[[[[[[[[[1]]]]]]]]]"));	/* depth 9 */
	expect_write("[[[[[[[1]]]]]]]", "[[[[[[[1]]]]]]]");	/* depth 8 */
}

static void
test_parse(void **state)
{
	(void)state;
	assert_true(canonical("{\"a\":[1,\"x\"],\"b\":{\"c\":null}}"));
	assert_true(canonical("\"\xd0\x90\""));
	assert_false(canonical(""));
	assert_false(canonical("{\"a\": 1}"));		/* white space */
	assert_false(canonical(" {\"a\":1}"));
	assert_false(canonical("{\"a\":1}\n"));		/* trailing byte */
	assert_false(canonical("{\"b\":1,\"a\":2}"));	/* unsorted */
	assert_false(canonical("{\"a\":1,\"a\":1}"));	/* duplicate */
	assert_false(canonical("[1.0]"));
	assert_false(canonical("[1e2]"));
	assert_false(canonical("[-0]"));
	assert_false(canonical("[01]"));
	assert_false(canonical("[9007199254740992]"));
	assert_false(canonical("[\"\\/\"]"));		/* needless escape */
	assert_false(canonical("[\"\\u0041\"]"));
	assert_false(canonical("[\"\\u001F\"]"));	/* uppercase hex */
	assert_true(canonical("[\"\\u001f\"]"));
	assert_false(canonical("[\"\xc0\x80\"]"));	/* overlong */
	assert_false(canonical("[\"\xed\xa0\x80\"]"));	/* surrogate */
	assert_false(canonical("[\"\xf5\x80\x80\x80\"]"));
	assert_false(canonical("[\"a\\u0000b\"]"));	/* NUL */
	assert_false(canonical("{\"a\":1"));		/* truncated */
}

static void
test_buf(void **state)
{
	struct buf	 b;
	char		*p;
	size_t		 len;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_add(&b, "12345678", 8), 0);	/* exactly max */
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_addc(&b, '9'), -1);		/* one more */
	assert_true(buf_failed(&b));
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, "a"), -1);	/* stays failed */
	assert_null(buf_take(&b, NULL));
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), 0);
	assert_int_equal(buf_add(&b, "a", SIZE_MAX), -1);	/* overflow */
	buf_reset(&b);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)"\x01\xab", 2),
	    0);
	p = buf_take(&b, &len);
	assert_string_equal(p, "01ab");
	assert_int_equal(len, 4);
	free(p);
	/* Reusable after take; an empty buffer yields "". */
	p = buf_take(&b, &len);
	assert_string_equal(p, "");
	free(p);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_buf),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
