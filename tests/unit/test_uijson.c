/*
 * tests/unit/test_uijson.c: what the browsers' API accepts as a body
 * (node/uijson.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node/uijson.h"

static int
parses(const char *s)
{
	cJSON	*o;
	int	 r;

	r = uijson_parse(s, strlen(s), &o);
	if (r == 0)
		assert_non_null(o);
	else
		assert_null(o);
	cJSON_Delete(o);
	return (r == 0);
}

static void
test_accepts(void **state)
{
	(void)state;
	assert_true(parses(""));
	assert_true(parses("{}"));
	assert_true(parses(" {\"login\":\"petrova\",\"force\":true} \r\n"));
	assert_true(parses("{\"text\":\"Встреча\",\"n\":null,\"x\":1}"));
	/* An escaped backslash before u0000 is text, not a NUL. */
	assert_true(parses("{\"a\":\"\\\\u0000\"}"));
}

static void
test_refuses(void **state)
{
	char	*big;
	size_t	 n;

	(void)state;
	assert_false(parses("[]"));
	assert_false(parses("\"text\""));
	assert_false(parses("{\"a\":[1]}"));
	assert_false(parses("{\"a\":{\"b\":1}}"));
	assert_false(parses("{\"a\":\"b\\u0000c\"}"));
	assert_false(parses("{\"a\":\"\\\\\\u0000\"}"));
	assert_false(parses("{} {}"));
	assert_false(parses("{\"a\":\"b\"} x"));
	assert_false(parses("{\"a\":\"\xc0\xaf\"}"));
	assert_false(parses("{\"a\":"));
	assert_false(uijson_parse("{}\0", 3, &(cJSON *){ NULL }) == 0);
	/* More members than any form has. */
	big = malloc(UIJSON_BODY_MAX * 2);
	assert_non_null(big);
	n = (size_t)snprintf(big, UIJSON_BODY_MAX, "{");
	for (int i = 0; i <= UIJSON_MEMBERS_MAX; i++)
		n += (size_t)snprintf(big + n, UIJSON_BODY_MAX - n,
		    "%s\"k%d\":1", i ? "," : "", i);
	snprintf(big + n, UIJSON_BODY_MAX - n, "}");
	assert_false(parses(big));
	/* Larger than a body may be. */
	memset(big, ' ', UIJSON_BODY_MAX + 1);
	big[0] = '{';
	big[UIJSON_BODY_MAX] = '}';
	big[UIJSON_BODY_MAX + 1] = '\0';
	assert_false(parses(big));
	big[UIJSON_BODY_MAX - 1] = '}';
	big[UIJSON_BODY_MAX] = '\0';
	assert_true(parses(big));
	free(big);
}

static void
test_members(void **state)
{
	const char	*s;
	cJSON		*o;
	const char	*body = "{\"a\":\"xyz\",\"b\":1,\"c\":true}";

	(void)state;
	assert_int_equal(uijson_parse(body, strlen(body), &o), 0);
	assert_int_equal(uijson_str(o, "a", 3, &s), 0);
	assert_string_equal(s, "xyz");
	assert_int_equal(uijson_str(o, "a", 2, &s), -1);
	assert_int_equal(uijson_str(o, "b", 10, &s), -1);
	assert_int_equal(uijson_str(o, "z", 10, &s), 1);
	assert_null(s);
	assert_true(uijson_bool(o, "c"));
	assert_false(uijson_bool(o, "a"));
	assert_false(uijson_bool(o, "z"));
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_refuses),
		cmocka_unit_test(test_members),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
