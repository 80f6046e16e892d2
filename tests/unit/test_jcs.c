/*
 * tests/unit/test_jcs.c: the canonical form of RFC 8785 as opora uses it.
 *
 * jcs_write: key order by UTF-16 code units, the exact set of escapes,
 * integers only, duplicate keys, nesting depth and the element limit.
 * jcs_parse: canonical bytes are accepted and every other spelling of the
 * same value is refused.  jcs_parse is always fed exact-size heap copies
 * without a NUL, so AddressSanitizer catches any read past the length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/jcs.h"
#include "protocol/limits.h"

/* jcs_write v into a fresh buffer; the text, or NULL with *why set. */
static char *
write_max(const cJSON *v, size_t max_elements, const char **why)
{
	struct buf	 b;
	char		*s;

	*why = NULL;
	buf_init(&b, 1 << 20);
	if (jcs_write(&b, v, max_elements, why) == -1) {
		if (*why == NULL)
			fail_msg("jcs_write failed without a reason");
		buf_free(&b);
		return (NULL);
	}
	s = buf_take(&b, NULL);
	assert_non_null(s);
	return (s);
}

static char *
write_tree(const cJSON *v, const char **why)
{
	return (write_max(v, LIMIT_JSON_ELEMENTS, why));
}

/* jcs_write v, which must succeed and give exactly want; frees v. */
static void
expect_tree(cJSON *v, const char *want)
{
	const char	*why;
	char		*s;

	assert_non_null(v);
	s = write_tree(v, &why);
	if (s == NULL)
		fail_msg("refused (%s), wanted %s", why, want);
	assert_string_equal(s, want);
	free(s);
	cJSON_Delete(v);
}

/* jcs_write v, which must be refused; frees v. */
static void
refuse_tree(cJSON *v)
{
	const char	*why;
	char		*s;

	assert_non_null(v);
	s = write_tree(v, &why);
	if (s != NULL)
		fail_msg("wrote %s, wanted a refusal", s);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
	cJSON_Delete(v);
}

/* Parse n bytes through an exact-size copy without a NUL. */
static cJSON *
parse_n(const char *text, size_t n, const char **why)
{
	char	*copy = malloc(n ? n : 1);
	cJSON	*v;

	assert_non_null(copy);
	memcpy(copy, text, n);
	*why = NULL;
	v = jcs_parse(copy, n, why);
	free(copy);
	if (v == NULL) {
		assert_non_null(*why);
		assert_true(strlen(*why) > 0);
	}
	return (v);
}

static void
accepts(const char *text)
{
	const char	*why;
	cJSON		*v = parse_n(text, strlen(text), &why);

	if (v == NULL)
		fail_msg("refused %s: %s", text, why);
	cJSON_Delete(v);
}

static void
refuses_n(const char *text, size_t n)
{
	const char	*why;
	cJSON		*v = parse_n(text, n, &why);

	if (v != NULL) {
		cJSON_Delete(v);
		fail_msg("accepted %.*s", (int)n, text);
	}
}

static void
refuses(const char *text)
{
	refuses_n(text, strlen(text));
}

/* An object with one key, value 1. */
static cJSON *
obj1(const char *key)
{
	cJSON	*o = cJSON_CreateObject();

	assert_non_null(o);
	assert_non_null(cJSON_AddNumberToObject(o, key, 1));
	return (o);
}

/* A string value, as a one-element array: ["s"]. */
static cJSON *
arr_str(const char *s)
{
	cJSON	*a = cJSON_CreateArray(), *v = cJSON_CreateString(s);

	assert_non_null(a);
	assert_non_null(v);
	cJSON_AddItemToArray(a, v);
	return (a);
}

static cJSON *
arr_num(double d)
{
	cJSON	*a = cJSON_CreateArray(), *v = cJSON_CreateNumber(d);

	assert_non_null(a);
	assert_non_null(v);
	cJSON_AddItemToArray(a, v);
	return (a);
}

/* depth nested containers (arrays or objects with key "k"), innermost
 * holding inner (may be NULL: empty). */
static cJSON *
nest(int depth, int objects, cJSON *inner)
{
	cJSON	*v = inner, *c;
	int	 i;

	for (i = 0; i < depth; i++) {
		c = objects ? cJSON_CreateObject() : cJSON_CreateArray();
		assert_non_null(c);
		if (v != NULL) {
			if (objects)
				cJSON_AddItemToObject(c, "k", v);
			else
				cJSON_AddItemToArray(c, v);
		}
		v = c;
	}
	return (v);
}

/* The text of depth nested arrays around inner ("" for empty). */
static char *
nest_text(int depth, const char *inner)
{
	size_t	 n = (size_t)depth * 2 + strlen(inner) + 1;
	char	*s = malloc(n);
	int	 i;

	assert_non_null(s);
	for (i = 0; i < depth; i++)
		s[i] = '[';
	strcpy(s + depth, inner);
	for (i = 0; i < depth; i++)
		strcat(s, "]");
	return (s);
}

static void
test_write_basic(void **state)
{
	cJSON	*o, *a;

	(void)state;
	expect_tree(cJSON_CreateNull(), "null");
	expect_tree(cJSON_CreateTrue(), "true");
	expect_tree(cJSON_CreateFalse(), "false");
	expect_tree(cJSON_CreateString(""), "\"\"");
	expect_tree(cJSON_CreateArray(), "[]");
	/* Arrays keep their order; objects are sorted, at every level. */
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "b", 1);
	a = cJSON_AddArrayToObject(o, "a");
	cJSON_AddItemToArray(a, cJSON_CreateString("z"));
	cJSON_AddItemToArray(a, cJSON_CreateTrue());
	cJSON_AddItemToArray(a, cJSON_CreateString("a"));
	cJSON_AddItemToArray(a, obj1("y"));
	cJSON_AddItemToObject(cJSON_GetArrayItem(a, 3), "x",
	    cJSON_CreateNull());
	cJSON_AddNumberToObject(o, "ab", 2);
	cJSON_AddNumberToObject(o, "", 3);
	cJSON_AddNumberToObject(o, "B", 4);
	expect_tree(o, "{\"\":3,\"B\":4,\"a\":[\"z\",true,\"a\",{\"x\":null,"
	    "\"y\":1}],\"ab\":2,\"b\":1}");
	/* Parsed JSON with white space comes out without it. */
	expect_tree(cJSON_Parse(" { \"b\" : 1 ,\n\t\"a\" : [ true , false ,"
	    " null ] } "), "{\"a\":[true,false,null],\"b\":1}");
}

/* jcs_write appends to what the buffer holds. */
static void
test_write_appends(void **state)
{
	struct buf	 b;
	cJSON		*v = obj1("a");
	const char	*why = NULL;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "x="), 0);
	assert_int_equal(jcs_write(&b, v, LIMIT_JSON_ELEMENTS, &why), 0);
	assert_int_equal(jcs_write(&b, v, LIMIT_JSON_ELEMENTS, NULL), 0);
	assert_string_equal(b.data, "x={\"a\":1}{\"a\":1}");
	/* A buffer too small: refused, and the buffer says so. */
	buf_free(&b);
	buf_init(&b, 6);
	why = NULL;
	assert_int_equal(jcs_write(&b, v, LIMIT_JSON_ELEMENTS, &why), -1);
	assert_non_null(why);
	assert_true(buf_failed(&b));
	buf_free(&b);
	/* Exactly large enough. */
	buf_init(&b, 7);
	assert_int_equal(jcs_write(&b, v, LIMIT_JSON_ELEMENTS, NULL), 0);
	assert_string_equal(b.data, "{\"a\":1}");
	buf_free(&b);
	cJSON_Delete(v);
}

/* RFC 8785 section 3.2.3: keys sort by UTF-16 code units. */
static void
test_write_key_order(void **state)
{
	cJSON	*o;

	(void)state;
	/* U+1F600 is D83D DE00 in UTF-16, below U+E000, although its code
	 * point is above: code-point (or UTF-8 byte) order would differ. */
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "\xee\x80\x80", 1);	/* U+E000 */
	cJSON_AddNumberToObject(o, "\xf0\x9f\x98\x80", 2);	/* U+1F600 */
	cJSON_AddNumberToObject(o, "a", 3);
	cJSON_AddNumberToObject(o, "\xef\xbf\xbf", 4);	/* U+FFFF */
	cJSON_AddNumberToObject(o, "\xed\x9f\xbf", 5);	/* U+D7FF */
	cJSON_AddNumberToObject(o, "\xf0\x90\x80\x80", 6);	/* U+10000 */
	cJSON_AddNumberToObject(o, "\xf4\x8f\xbf\xbf", 7);	/* U+10FFFF */
	expect_tree(o, "{\"a\":3,\"\xed\x9f\xbf\":5,\"\xf0\x90\x80\x80\":6,"
	    "\"\xf0\x9f\x98\x80\":2,\"\xf4\x8f\xbf\xbf\":7,"
	    "\"\xee\x80\x80\":1,\"\xef\xbf\xbf\":4}");
	/* The same through parsed escapes. */
	expect_tree(cJSON_Parse("{\"\\ue000\":1,\"\\ud83d\\ude00\":2,"
	    "\"a\":3}"),
	    "{\"a\":3,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}");
	/* The example of RFC 8785 section 3.2.3. */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "\xe2\x82\xac", "Euro Sign");
	cJSON_AddStringToObject(o, "\r", "Carriage Return");
	cJSON_AddStringToObject(o, "\xef\xac\xb3",
	    "Hebrew Letter Dalet With Dagesh");
	cJSON_AddStringToObject(o, "1", "One");
	cJSON_AddStringToObject(o, "\xf0\x9f\x98\x80",
	    "Emoji: Grinning Face");
	cJSON_AddStringToObject(o, "\xc2\x80", "Control");
	cJSON_AddStringToObject(o, "\xc3\xb6",
	    "Latin Small Letter O With Diaeresis");
	cJSON_AddStringToObject(o, "</script>", "Browser Challenge");
	expect_tree(o, "{\"\\r\":\"Carriage Return\",\"1\":\"One\","
	    "\"</script>\":\"Browser Challenge\","
	    "\"\xc2\x80\":\"Control\","
	    "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
	    "\"\xe2\x82\xac\":\"Euro Sign\","
	    "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
	    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	/* A prefix sorts first; Cyrillic after Latin. */
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "ab", 1);
	cJSON_AddNumberToObject(o, "\xd0\xb0", 2);		/* а */
	cJSON_AddNumberToObject(o, "a", 3);
	cJSON_AddNumberToObject(o, "\xd0\x90", 4);		/* А */
	expect_tree(o, "{\"a\":3,\"ab\":1,\"\xd0\x90\":4,\"\xd0\xb0\":2}");
}

static void
test_write_escapes(void **state)
{
	char	 in[2], want[16];
	int	 c;

	(void)state;
	/* The short escapes, exactly. */
	expect_tree(arr_str("\"\\\b\f\n\r\t"),
	    "[\"\\\"\\\\\\b\\f\\n\\r\\t\"]");
	/* Every other control character: \u00xx with lowercase hex. */
	for (c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		switch (c) {
		case '\b':
			strcpy(want, "[\"\\b\"]");
			break;
		case '\f':
			strcpy(want, "[\"\\f\"]");
			break;
		case '\n':
			strcpy(want, "[\"\\n\"]");
			break;
		case '\r':
			strcpy(want, "[\"\\r\"]");
			break;
		case '\t':
			strcpy(want, "[\"\\t\"]");
			break;
		default:
			snprintf(want, sizeof(want), "[\"\\u%04x\"]", c);
		}
		expect_tree(arr_str(in), want);
	}
	expect_tree(arr_str("\x1f\x1b\x0b"), "[\"\\u001f\\u001b\\u000b\"]");
	/* Left literal: '/', DEL, U+2028, U+2029, non-ASCII, U+FFFF. */
	expect_tree(arr_str("a/b\x7f\xe2\x80\xa8\xe2\x80\xa9"),
	    "[\"a/b\x7f\xe2\x80\xa8\xe2\x80\xa9\"]");
	expect_tree(arr_str("Петрова \xf0\x9f\x98\x80 \xef\xbf\xbf"),
	    "[\"Петрова \xf0\x9f\x98\x80 \xef\xbf\xbf\"]");
	/* Keys are escaped the same way. */
	expect_tree(obj1("k\"\n\x01/"), "{\"k\\\"\\n\\u0001/\":1}");
	/* From parsed escapes, including the needless ones. */
	expect_tree(cJSON_Parse("[\"\\u0041\\/\\u00e9\\u2028\\u007f\\u001F\"]"),
	    "[\"A/\xc3\xa9\xe2\x80\xa8\x7f\\u001f\"]");
}

static void
test_write_numbers(void **state)
{
	cJSON	*a;

	(void)state;
	expect_tree(arr_num(0), "[0]");
	expect_tree(arr_num(-0.0), "[0]");		/* -0 is written 0 */
	expect_tree(arr_num(-1), "[-1]");
	expect_tree(arr_num(1e15), "[1000000000000000]");
	expect_tree(arr_num(9007199254740991.0), "[9007199254740991]");
	expect_tree(arr_num(-9007199254740991.0), "[-9007199254740991]");
	expect_tree(cJSON_Parse("[9007199254740991,-9007199254740991,0,-0,"
	    "1E2,10.0]"), "[9007199254740991,-9007199254740991,0,0,100,10]");
	refuse_tree(arr_num(1.5));
	refuse_tree(arr_num(-0.5));
	refuse_tree(arr_num(0.1));
	refuse_tree(arr_num(9007199254740992.0));	/* 2^53 */
	refuse_tree(arr_num(-9007199254740992.0));
	refuse_tree(cJSON_Parse("[9007199254740993]"));	/* 2^53 + 1 */
	refuse_tree(arr_num(1e300));
	refuse_tree(arr_num(INFINITY));
	refuse_tree(arr_num(NAN));
	/* One bad number anywhere refuses the whole. */
	a = cJSON_CreateObject();
	cJSON_AddNumberToObject(a, "a", 1);
	cJSON_AddItemToObject(a, "b", arr_num(2.5));
	refuse_tree(a);
}

static void
test_write_refusals(void **state)
{
	cJSON	*o;

	(void)state;
	/* Duplicate keys, at the top and nested, adjacent or not. */
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "a", 1);
	cJSON_AddNumberToObject(o, "a", 1);
	refuse_tree(o);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "x", 1);
	cJSON_AddNumberToObject(o, "m", 2);
	cJSON_AddNumberToObject(o, "x", 3);
	refuse_tree(o);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "n", cJSON_Parse("{\"b\":1,\"b\":2}"));
	refuse_tree(o);
	refuse_tree(cJSON_Parse("{\"a\":1,\"a\":2}"));
	/* Not UTF-8: values and keys, overlong, surrogate, beyond U+10FFFF,
	 * truncated. */
	refuse_tree(arr_str("\xff"));
	refuse_tree(arr_str("\xc0\x80"));
	refuse_tree(arr_str("\xe0\x80\xaf"));
	refuse_tree(arr_str("\xed\xa0\x80"));
	refuse_tree(arr_str("\xf4\x90\x80\x80"));
	refuse_tree(arr_str("\xf5\x80\x80\x80"));
	refuse_tree(arr_str("abc\xd0"));
	refuse_tree(arr_str("\x80"));
	refuse_tree(obj1("\xc3"));
	refuse_tree(obj1("\xed\xbf\xbf"));
}

static void
test_write_depth(void **state)
{
	(void)state;
	/* The top value is at depth 1; values at LIMIT_JSON_DEPTH are fine,
	 * one level more is refused, for arrays and objects alike. */
	expect_tree(nest(LIMIT_JSON_DEPTH, 0, NULL),
	    "[[[[[[[[]]]]]]]]");
	expect_tree(nest(LIMIT_JSON_DEPTH - 1, 0, cJSON_CreateNumber(1)),
	    "[[[[[[[1]]]]]]]");
	refuse_tree(nest(LIMIT_JSON_DEPTH + 1, 0, NULL));
	refuse_tree(nest(LIMIT_JSON_DEPTH, 0, cJSON_CreateNumber(1)));
	expect_tree(nest(LIMIT_JSON_DEPTH - 1, 1, cJSON_CreateNull()),
	    "{\"k\":{\"k\":{\"k\":{\"k\":{\"k\":{\"k\":{\"k\":null}}}}}}}");
	refuse_tree(nest(LIMIT_JSON_DEPTH + 1, 1, NULL));
	refuse_tree(nest(LIMIT_JSON_DEPTH, 1, cJSON_CreateString("s")));
	refuse_tree(nest(40, 0, NULL));
}

static void
test_write_elements(void **state)
{
	cJSON		*a, *o;
	const char	*why;
	char		*s;
	int		 i;

	(void)state;
	/* [1,2,3,4] is five values: the array and four numbers. */
	a = cJSON_Parse("[1,2,3,4]");
	s = write_max(a, 5, &why);
	assert_non_null(s);
	assert_string_equal(s, "[1,2,3,4]");
	free(s);
	assert_null(write_max(a, 4, &why));
	assert_non_null(why);
	cJSON_Delete(a);
	/* Members count as values too: {"a":1,"b":[2]} is four. */
	o = cJSON_Parse("{\"a\":1,\"b\":[2]}");
	s = write_max(o, 4, &why);
	assert_non_null(s);
	free(s);
	assert_null(write_max(o, 3, &why));
	assert_null(write_max(o, 1, &why));
	s = write_max(o, SIZE_MAX, &why);
	assert_non_null(s);
	free(s);
	cJSON_Delete(o);
	/* LIMIT_JSON_ELEMENTS exactly, then one more. */
	a = cJSON_CreateArray();
	for (i = 0; i < LIMIT_JSON_ELEMENTS - 1; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(i % 10));
	s = write_tree(a, &why);
	assert_non_null(s);
	free(s);
	cJSON_AddItemToArray(a, cJSON_CreateNumber(0));
	assert_null(write_tree(a, &why));
	assert_non_null(why);
	s = write_max(a, SIZE_MAX, &why);	/* a node's own document */
	assert_non_null(s);
	free(s);
	cJSON_Delete(a);
	/* The same for the members of one object. */
	o = cJSON_CreateObject();
	for (i = 0; i < LIMIT_JSON_ELEMENTS; i++) {
		char	 k[16];

		snprintf(k, sizeof(k), "k%05d", i);
		cJSON_AddNullToObject(o, k);
	}
	assert_null(write_tree(o, &why));
	cJSON_Delete(o);
}

/* Whatever jcs_write produces, jcs_parse accepts, and the tree is equal. */
static void
test_parse_roundtrip(void **state)
{
	static const char *const docs[] = {
		"{\"a\":[1,\"x\"],\"b\":{\"c\":null}}",
		"{\"\\r\":1,\"1\":2,\"</script>\":3,\"\xc2\x80\":4,"
		    "\"\xc3\xb6\":5,\"\xe2\x82\xac\":6,\"\xf0\x9f\x98\x80\":7,"
		    "\"\xef\xac\xb3\":8}",
		"{\"a\":3,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":1}",
		"[\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\x7f\xe2\x80\xa8\"]",
		"[9007199254740991,-9007199254740991,0,-1,true,false,null]",
		"\"\xd0\x90\"", "\"\"", "[]", "0", "-7", "null", "true",
		"[[[[[[[[]]]]]]]]",
	};
	size_t		 i;
	const char	*why, *text;
	cJSON		*v;
	char		*s;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		v = parse_n(docs[i], strlen(docs[i]), &why);
		if (v == NULL)
			fail_msg("refused %s: %s", docs[i], why);
		s = write_tree(v, &why);
		assert_non_null(s);
		assert_string_equal(s, docs[i]);
		free(s);
		cJSON_Delete(v);
	}
	/* The tree holds the values. */
	text = "{\"a\":[1,\"x\\n\"],\"b\":-9007199254740991}";
	v = parse_n(text, strlen(text), &why);
	assert_non_null(v);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "a"),
	    1)->valuestring, "x\n");
	{
		int64_t	 n;

		assert_int_equal(jcs_int(cJSON_GetObjectItem(v, "b"), &n), 0);
		assert_true(n == -9007199254740991LL);
	}
	cJSON_Delete(v);
}

static void
test_parse_refusals(void **state)
{
	(void)state;
	/* Empty. */
	refuses_n("", 0);
	refuses_n("{}", 0);
	/* White space anywhere. */
	refuses("{\"a\": 1}");
	refuses("{\"a\" :1}");
	refuses("[1, 2]");
	refuses(" {\"a\":1}");
	refuses("{\"a\":1} ");
	refuses("{\"a\":1}\n");
	refuses("\t0");
	/* Trailing bytes. */
	refuses("{\"a\":1}x");
	refuses("{\"a\":1}{}");
	refuses("[1]]");
	refuses_n("{\"a\":1}\0", 8);
	/* Key order and duplicates. */
	refuses("{\"b\":1,\"a\":2}");
	refuses("{\"a\":1,\"a\":1}");
	refuses("{\"a\":1,\"a\":2}");
	refuses("{\"x\":{\"b\":1,\"a\":2}}");
	/* Sorted by code point, not by UTF-16 code units. */
	refuses("{\"\xee\x80\x80\":1,\"\xf0\x9f\x98\x80\":2}");
	/* Number forms. */
	refuses("[1.0]");
	refuses("[1e2]");
	refuses("[1E2]");
	refuses("[1.5]");
	refuses("[-0]");
	refuses("[01]");
	refuses("[00]");
	refuses("[+1]");
	refuses("[9007199254740992]");
	refuses("[9007199254740993]");
	refuses("[-9007199254740993]");
	refuses("[100000000000000000000]");
	/* Escapes that are not the minimal ones. */
	refuses("[\"\\/\"]");
	refuses("[\"\\u0041\"]");
	refuses("[\"\\u001F\"]");
	refuses("[\"\\u00e9\"]");
	refuses("[\"\\u2028\"]");
	refuses("[\"\\u007f\"]");
	refuses("[\"\\ud83d\\ude00\"]");
	refuses("[\"\\u0008\"]");			/* is \b */
	refuses("[\"\\u000a\"]");			/* is \n */
	refuses("[\"\x01\"]");				/* raw control */
	refuses("[\"a\\u0000b\"]");			/* NUL */
	/* Not UTF-8. */
	refuses("[\"\xc0\x80\"]");			/* overlong NUL */
	refuses("[\"\xc1\xbf\"]");
	refuses("[\"\xe0\x80\xaf\"]");			/* overlong '/' */
	refuses("[\"\xed\xa0\x80\"]");			/* surrogate */
	refuses("[\"\xed\xbf\xbf\"]");
	refuses("[\"\xf5\x80\x80\x80\"]");		/* beyond U+10FFFF */
	refuses("[\"\xf4\x90\x80\x80\"]");
	refuses("[\"\xff\"]");
	refuses("[\"\x80\"]");
	refuses("[\"\xd0\"]");				/* truncated */
	refuses("{\"\xc0\x80\":1}");			/* in a key */
	/* Not JSON at all, or not quite. */
	refuses("{\"a\":1");
	refuses("[\"abc]");
	refuses("nul");
	refuses("tru");
	refuses("{a:1}");
	refuses("['a']");
	refuses("[1,]");
	refuses("[\"\\x41\"]");
	refuses("\xef\xbb\xbf[]");			/* BOM */
}

/* "[0,0,...,0]" with n zeros (n > 0). */
static char *
zeros_text(size_t n)
{
	char	*t = malloc(n * 2 + 2);
	size_t	 i;

	assert_non_null(t);
	t[0] = '[';
	for (i = 0; i < n; i++) {
		t[1 + 2 * i] = '0';
		t[2 + 2 * i] = ',';
	}
	t[2 * n] = ']';
	t[2 * n + 1] = '\0';
	return (t);
}

static void
test_parse_depth_elements(void **state)
{
	char	*s;

	(void)state;
	s = nest_text(LIMIT_JSON_DEPTH, "");
	accepts(s);
	free(s);
	s = nest_text(LIMIT_JSON_DEPTH - 1, "1");
	accepts(s);
	free(s);
	s = nest_text(LIMIT_JSON_DEPTH + 1, "");
	refuses(s);
	free(s);
	s = nest_text(LIMIT_JSON_DEPTH, "1");
	refuses(s);
	free(s);
	s = nest_text(500, "");
	refuses(s);
	free(s);
	/* LIMIT_JSON_ELEMENTS values parse (an array and n - 1 zeros); one
	 * more does not. */
	s = zeros_text(LIMIT_JSON_ELEMENTS - 1);
	accepts(s);
	free(s);
	s = zeros_text(LIMIT_JSON_ELEMENTS);
	refuses(s);
	free(s);
}

/* jcs_parse reads len bytes and no more. */
static void
test_parse_bounds(void **state)
{
	static const char *const docs[] = {
		"{\"a\":[1,\"x\",true,false,null,-12,{\"b\":\"\\u001f\\n\"}],"
		    "\"c\":\"\xd0\x90\xf0\x9f\x98\x80\"}",
		"\"\\u0001\"", "null", "true", "false", "-9007199254740991",
		"[\"\xe2\x80\xa8\"]",
	};
	const char	*why;
	size_t		 i, n, k;
	cJSON		*v;

	(void)state;
	/* Every proper prefix is refused; every read stays within it. */
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		n = strlen(docs[i]);
		for (k = 0; k < n; k++) {
			/* "-9007…" has canonical prefixes. */
			if (docs[i][0] == '-' && k >= 2)
				continue;
			refuses_n(docs[i], k);
		}
		accepts(docs[i]);
	}
	/* What lies beyond len is not looked at. */
	v = parse_n("{\"a\":1}garbage", 7, &why);
	assert_non_null(v);
	cJSON_Delete(v);
	v = parse_n("[12]", 3, &why);			/* "[12" */
	assert_null(v);
	v = parse_n("12]", 2, &why);			/* "12" */
	assert_non_null(v);
	cJSON_Delete(v);
	v = parse_n("\"ab\"", 3, &why);
	assert_null(v);
}

/*
 * jcs_parse against its definition, jcs_parse_reference, over random
 * documents (canonical, written by jcs_write, and not, written by cJSON)
 * and their mutations: the same answer, the same reason, equal trees.
 */
static uint64_t	 rnd_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return ((uint32_t)(rnd_state >> 11) % n);
}

/* A short string of the characters that test a reader of strings. */
static void
rnd_text(char *s, size_t max)
{
	static const char *const parts[] = {
		"a", "b", "z", "A", "0", "k", " ", "/", "\x7f", "\"", "\\",
		"\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "\x0b",
		"\xc2\x80", "\xc3\xb6", "\xd0\x90", "\xe2\x82\xac", "\xe2\x80\xa8",
		"\xee\x80\x80", "\xef\xac\xb3", "\xef\xbf\xbf", "\xf0\x9f\x98\x80",
		"\xf4\x8f\xbf\xbf", "u", "\\u",
	};
	size_t	 n = 0, k = rnd(6), i;

	s[0] = '\0';
	for (i = 0; i < k; i++) {
		const char	*p = parts[rnd(sizeof(parts) / sizeof(parts[0]))];

		if (n + strlen(p) + 1 > max)
			break;
		memcpy(s + n, p, strlen(p) + 1);
		n += strlen(p);
	}
}

static cJSON *
rnd_tree(int depth)
{
	static const double nums[] = {
		0, 1, -1, 7, -42, 9007199254740991.0, -9007199254740991.0,
		9007199254740992.0, 1.5, 2147483647.0, 2147483648.0,
		-2147483648.0, -2147483649.0, 100000, 1e20,
	};
	char	 text[40];
	cJSON	*v;
	int	 i, n;

	switch (depth > 9 ? rnd(5) : rnd(8)) {
	case 0:
		return (cJSON_CreateNull());
	case 1:
		return (cJSON_CreateBool(rnd(2)));
	case 2:
		return (cJSON_CreateNumber(nums[rnd(sizeof(nums) /
		    sizeof(nums[0]))]));
	case 3:
	case 4:
		rnd_text(text, sizeof(text));
		return (cJSON_CreateString(text));
	case 5:
		v = cJSON_CreateArray();
		for (i = 0, n = (int)rnd(4); i < n; i++)
			cJSON_AddItemToArray(v, rnd_tree(depth + 1));
		return (v);
	default:
		v = cJSON_CreateObject();
		for (i = 0, n = (int)rnd(5); i < n; i++) {
			rnd_text(text, sizeof(text));
			cJSON_AddItemToObject(v, text, rnd_tree(depth + 1));
		}
		return (v);
	}
}

/* A chain of n arrays and objects around a random value, so that depths
 * near the limit (LIMIT_JSON_DEPTH, 8) are asked for often. */
static cJSON *
rnd_deep(int n)
{
	cJSON	*v, *in;

	if (n == 0)
		return (rnd_tree(LIMIT_JSON_DEPTH + 1));
	in = rnd_deep(n - 1);
	if (rnd(2) == 0) {
		v = cJSON_CreateArray();
		cJSON_AddItemToArray(v, in);
	} else {
		v = cJSON_CreateObject();
		cJSON_AddItemToObject(v, "d", in);
	}
	return (v);
}

/* a and b hold the same values, linked the same way, as cJSON reads. */
static void
same_tree(const cJSON *a, const cJSON *b)
{
	const cJSON	*x, *y;

	assert_int_equal(a->type & 0xff, b->type & 0xff);
	assert_int_equal(a->valueint, b->valueint);
	assert_true(a->valuedouble == b->valuedouble);
	assert_true((a->valuestring == NULL) == (b->valuestring == NULL));
	if (a->valuestring != NULL)
		assert_string_equal(a->valuestring, b->valuestring);
	assert_true((a->string == NULL) == (b->string == NULL));
	if (a->string != NULL)
		assert_string_equal(a->string, b->string);
	assert_true((a->child == NULL) == (b->child == NULL));
	for (x = a->child, y = b->child; x != NULL || y != NULL;
	    x = x->next, y = y->next) {
		assert_true(x != NULL && y != NULL);
		same_tree(x, y);
		/* The first's prev is the last; the others', the one before. */
		assert_true((x->prev == NULL) == (y->prev == NULL));
		assert_true((x->next == NULL) == (y->next == NULL));
		if (x != a->child)
			assert_ptr_equal(x->prev->next, x);
	}
	if (a->child != NULL && a->child->prev != NULL)
		assert_null(a->child->prev->next);
	if (b->child != NULL && b->child->prev != NULL)
		assert_null(b->child->prev->next);
}

/* One document through both readers, as an exact-size heap copy. */
static int
agree(const char *text, size_t n, size_t max_elements)
{
	const char	*w1 = NULL, *w2 = NULL;
	cJSON		*a, *b;
	char		*copy = malloc(n ? n : 1);
	int		 ok;

	assert_non_null(copy);
	memcpy(copy, text, n);
	a = jcs_parse_limit(copy, n, 1 << 20, max_elements, &w1);
	b = jcs_parse_reference(copy, n, 1 << 20, max_elements, &w2);
	if ((a == NULL) != (b == NULL))
		fail_msg("the readers disagree on %zu bytes: %s / %s", n,
		    a == NULL ? w1 : "accepted", b == NULL ? w2 : "accepted");
	if (a != NULL) {
		same_tree(a, b);
		/* An ordinary copy of the one allocation. */
		cJSON	*d = cJSON_Duplicate(a, 1);

		assert_non_null(d);
		same_tree(d, b);
		cJSON_Delete(d);
	} else
		assert_string_equal(w1, w2);
	ok = a != NULL;
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(copy);
	return (ok);
}

static void
test_parse_agrees(void **state)
{
	static const char mut[] = "\"\\ 0-19}]{[,:eu.\x80\xc3\xed\xf4\xbf";
	const char	*why;
	char		*s, *m;
	size_t		 n, k, j, accepted = 0, mutants = 0, maxe;
	cJSON		*v;
	int		 i, r;

	(void)state;
	for (i = 0; i < 4000; i++) {
		v = rnd(8) == 0 ? rnd_deep(6 + (int)rnd(4)) : rnd_tree(1);
		maxe = rnd(4) == 0 ? rnd(12) : LIMIT_JSON_ELEMENTS;
		if ((s = write_max(v, SIZE_MAX, &why)) == NULL)
			s = cJSON_PrintUnformatted(v);
		if (rnd(8) == 0) {		/* formatted: white space */
			free(s);
			s = cJSON_Print(v);
		}
		cJSON_Delete(v);
		assert_non_null(s);
		n = strlen(s);
		accepted += (size_t)agree(s, n, maxe);
		/* Mutants: a byte changed, inserted or removed; cut short. */
		m = malloc(n + 2);
		assert_non_null(m);
		for (k = 0; k < 6; k++) {
			memcpy(m, s, n + 1);
			j = n > 0 ? rnd((uint32_t)n) : 0;
			switch (r = (int)rnd(4)) {
			case 0:
				if (n > 0)
					m[j] = mut[rnd(sizeof(mut) - 1)];
				break;
			case 1:
				memmove(m + j + 1, m + j, n - j + 1);
				m[j] = mut[rnd(sizeof(mut) - 1)];
				break;
			case 2:
				if (n > 0)
					memmove(m + j, m + j + 1, n - j);
				break;
			default:
				break;
			}
			mutants += (size_t)agree(m, r == 1 ? n + 1 : r == 2 &&
			    n > 0 ? n - 1 : r == 3 ? j : n, maxe);
		}
		free(m);
		free(s);
	}
	print_message("%zu of 4000 documents, %zu of 24000 mutants accepted\n", accepted, mutants);
	/* Both kinds of answer were asked for. */
	assert_true(accepted > 1000);
	assert_true(mutants > 100);
}

/*
 * A strict UTF-8 validator written from RFC 3629's table of well-formed
 * sequences, apart from the writer's: the reference for
 * test_write_string_agrees.
 */
static bool
ref_utf8(const unsigned char *s, size_t n)
{
	size_t	 i = 0, k, len;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char c = s[i];

		lo = 0x80;
		hi = 0xbf;
		if (c <= 0x7f) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;
			if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;
			if (c == 0xf4)
				hi = 0x8f;
		} else
			return (false);
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return (false);
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return (false);
		i += len;
	}
	return (true);
}

/*
 * jcs_write_string against the reference: random strings of bytes, well-
 * formed sequences and broken ones (truncated, overlong, surrogates,
 * beyond U+10FFFF, lone continuations), escapes and controls.  Exactly
 * the valid UTF-8 strings are written, and what is written reads back
 * (jcs_parse) to the same string.
 */
static void
test_write_string_agrees(void **state)
{
	static const char *const parts[] = {
		"a", "Z", " ", "~", "\x7f", "\"", "\\", "\n", "\x01", "\x1f",
		"\xd0\x98", "\xd1\x8f", "\xc2\x80", "\xdf\xbf", "\xe2\x82\xac",
		"\xe0\xa0\x80", "\xed\x9f\xbf", "\xef\xbf\xbf",
		"\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xf0\x9f\x98\x80",
		"\xc0\x80", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80",
		"\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
		"\xff", "\x80", "\xbf", "\xd0", "\xe2\x82", "\xf0\x9f\x98",
	};
	char		 s[64];
	struct buf	 b;
	const char	*why;
	cJSON		*v;
	int		 i, k, n, ok = 0;

	(void)state;
	rnd_state = 0x5eed0fa11u;
	for (i = 0; i < 20000; i++) {
		s[0] = '\0';
		n = (int)rnd(8);
		for (k = 0; k < n; k++) {
			const char *p = parts[rnd(sizeof(parts) /
			    sizeof(parts[0]))];

			if (strlen(s) + strlen(p) >= sizeof(s))
				break;
			strcat(s, p);
		}
		buf_init(&b, 1024);
		if (jcs_write_string(&b, s, &why) == 0) {
			assert_true(ref_utf8((const unsigned char *)s,
			    strlen(s)));
			v = jcs_parse(b.data, b.len, &why);
			assert_non_null(v);
			assert_true(cJSON_IsString(v));
			assert_string_equal(v->valuestring, s);
			cJSON_Delete(v);
			ok++;
		} else {
			assert_false(ref_utf8((const unsigned char *)s,
			    strlen(s)));
			assert_string_equal(why, "a string is not valid UTF-8");
		}
		buf_free(&b);
	}
	/* Both kinds were tried, many times. */
	assert_true(ok > 2000 && ok < 18000);
}

static void
test_jcs_int(void **state)
{
	cJSON	*v;
	int64_t	 n;

	(void)state;
	v = cJSON_CreateNumber(42);
	n = 0;
	assert_int_equal(jcs_int(v, &n), 0);
	assert_true(n == 42);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(-9007199254740991.0);
	assert_int_equal(jcs_int(v, &n), 0);
	assert_true(n == -JCS_INT_MAX);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(-0.0);
	assert_int_equal(jcs_int(v, &n), 0);
	assert_true(n == 0);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(1.5);
	assert_int_equal(jcs_int(v, &n), -1);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(9007199254740992.0);
	assert_int_equal(jcs_int(v, &n), -1);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(NAN);
	assert_int_equal(jcs_int(v, &n), -1);
	cJSON_Delete(v);
	v = cJSON_CreateString("1");
	assert_int_equal(jcs_int(v, &n), -1);
	cJSON_Delete(v);
	v = cJSON_CreateTrue();
	assert_int_equal(jcs_int(v, &n), -1);
	cJSON_Delete(v);
	assert_int_equal(jcs_int(NULL, &n), -1);
}

/*
 * An empty object: write_object() calls qsort(NULL, 0, ...), which is
 * undefined behaviour (qsort's base is declared nonnull); UBSan stops
 * here with -fno-sanitize-recover.  Only a sanitizer build shows it.  A
 * peer reaches it through change_decode with, e.g., "parents":{}.
 */
static void
test_bug_empty_object(void **state)
{
	(void)state;
	expect_tree(cJSON_CreateObject(), "{}");
	accepts("{}");
	accepts("{\"a\":{}}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_basic),
		cmocka_unit_test(test_write_appends),
		cmocka_unit_test(test_write_key_order),
		cmocka_unit_test(test_write_escapes),
		cmocka_unit_test(test_write_numbers),
		cmocka_unit_test(test_write_refusals),
		cmocka_unit_test(test_write_depth),
		cmocka_unit_test(test_write_elements),
		cmocka_unit_test(test_parse_roundtrip),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_parse_depth_elements),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_parse_agrees),
		cmocka_unit_test(test_write_string_agrees),
		cmocka_unit_test(test_jcs_int),
		cmocka_unit_test(test_bug_empty_object),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
