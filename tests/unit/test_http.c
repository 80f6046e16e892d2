/*
 * tests/unit/test_http.c: the pure parsers of the server's HTTP layer
 * (node/http.h): the request head, percent-decoding, query values and
 * numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node/http.h"

#define NUL_TARGET	"GET /v1/\0x HTTP/1.1\r\n\r\n"

static int
head(const char *s, struct http_request *rq)
{
	return (http_parse_head(s, strlen(s), rq));
}

static void
test_head_ok(void **state)
{
	struct http_request	 rq;

	(void)state;
	assert_int_equal(head("GET /v1/feed?since=3&wait=5 HTTP/1.1\r\n"
	    "Host: x\r\nContent-Length: 0\r\n\r\n", &rq), 0);
	assert_int_equal(rq.path_len, 8);
	assert_memory_equal(rq.path, "/v1/feed", 8);
	assert_int_equal(rq.query_len, 14);
	assert_memory_equal(rq.query, "since=3&wait=5", 14);
	assert_int_equal(head("GET /v1/health HTTP/1.0\r\n\r\n", &rq), 0);
	assert_null(rq.query);
	assert_int_equal(rq.path_len, 10);
}

static void
test_head_refused(void **state)
{
	struct http_request	 rq;
	char			*big;
	size_t			 n;

	(void)state;
	/* Methods, versions, forms. */
	assert_int_equal(head("POST /v1/feed HTTP/1.1\r\n\r\n", &rq), 405);
	assert_int_equal(head("GET /v1/feed HTTP/2\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET /v1/feed\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET  /v1/feed HTTP/1.1\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET v1/feed HTTP/1.1\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nNoColon\r\n\r\n",
	    &rq), 400);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\n: x\r\n\r\n", &rq),
	    400);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\n", &rq), 400);
	assert_int_equal(head("", &rq), 400);
	/* Bodies. */
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nContent-Length: 5\r\n"
	    "\r\n", &rq), 413);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\ncontent-length:"
	    "00\r\n\r\n", &rq), 413);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n", &rq), 413);
	/* Control bytes, spaces, DEL and non-ASCII in the target. */
	assert_int_equal(head("GET /v1/a\nb HTTP/1.1\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET /v1/a\x1b[2J HTTP/1.1\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET /v1/a\x7f HTTP/1.1\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET /v1/\xd0\x90 HTTP/1.1\r\n\r\n", &rq), 400);
	assert_int_equal(http_parse_head(NUL_TARGET, sizeof(NUL_TARGET) - 1,
	    &rq), 400);
	/* A target over LIMIT_URL, a head over LIMIT_REQUEST_HEAD. */
	n = LIMIT_URL + 64;
	assert_non_null(big = malloc(LIMIT_REQUEST_HEAD + 64));
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', n);
	memcpy(big + 5 + n, " HTTP/1.1\r\n\r\n", 14);
	assert_int_equal(head(big, &rq), 414);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', LIMIT_REQUEST_HEAD);
	memcpy(big + 19 + LIMIT_REQUEST_HEAD - 40, "\r\n\r\n", 5);
	assert_int_equal(head(big, &rq), 0);
	memset(big + 19 + LIMIT_REQUEST_HEAD - 40, 'a', 5);
	memcpy(big + 19 + LIMIT_REQUEST_HEAD, "\r\n\r\n", 5);
	assert_int_equal(head(big, &rq), 431);
	free(big);
}

static void
test_pct(void **state)
{
	char	 out[16];

	(void)state;
	assert_int_equal(http_pct_decode("a%41+b", 6, out, sizeof(out)), 4);
	assert_string_equal(out, "aA b");
	assert_int_equal(http_pct_decode("%d0%90", 6, out, sizeof(out)), 2);
	assert_string_equal(out, "\xd0\x90");
	assert_int_equal(http_pct_decode("", 0, out, sizeof(out)), 0);
	/* Exactly two hex digits after '%'. */
	assert_int_equal(http_pct_decode("%:9", 3, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("%4", 2, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("%", 1, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("%g1", 3, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("% 1", 3, out, sizeof(out)), -1);
	/* No NUL, control byte or DEL comes out. */
	assert_int_equal(http_pct_decode("a%00", 4, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("%0A", 3, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("%1b", 3, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("%7F", 3, out, sizeof(out)), -1);
	/* Room for the NUL. */
	assert_int_equal(http_pct_decode("abcd", 4, out, 4), -1);
	assert_int_equal(http_pct_decode("abc", 3, out, 4), 3);
}

static void
test_query(void **state)
{
	const char	*q = "since=5&limit=10&by=sex%2Cregion";
	char		 out[32];
	int64_t		 v = 77;

	(void)state;
	assert_int_equal(http_query_get(q, strlen(q), "by", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "sex,region");
	assert_int_equal(http_query_get(q, strlen(q), "wait", out,
	    sizeof(out)), 1);
	assert_int_equal(http_query_get(NULL, 0, "wait", out, sizeof(out)), 1);
	/* Only the given length is read: "limit" lies beyond it. */
	assert_int_equal(http_query_get(q, 7, "limit", out, sizeof(out)), 1);
	/* Malformed pairs, repeated keys, long values. */
	assert_int_equal(http_query_get("a&b=1", 5, "b", out, sizeof(out)),
	    -1);
	assert_int_equal(http_query_get("=1", 2, "b", out, sizeof(out)), -1);
	assert_int_equal(http_query_get("b=1&", 4, "b", out, sizeof(out)),
	    -1);
	assert_int_equal(http_query_get("b=1&b=2", 7, "b", out, sizeof(out)),
	    -1);
	assert_int_equal(http_query_get("b=%zz", 5, "b", out, sizeof(out)),
	    -1);
	assert_int_equal(http_query_get("b=123456", 8, "b", out, 4), -1);
	/* Numbers: protocol/num.h, nothing but plain decimals. */
	assert_int_equal(http_query_num(q, strlen(q), "since", 0, 100, &v),
	    0);
	assert_int_equal(v, 5);
	v = 77;
	assert_int_equal(http_query_num("x=1", 3, "since", 0, 100, &v), 1);
	assert_int_equal(v, 77);
	assert_int_equal(http_query_num("since=1e3", 9, "since", 0, 9999,
	    &v), -1);
	assert_int_equal(http_query_num("since=+5", 8, "since", 0, 9, &v),
	    -1);
	assert_int_equal(http_query_num("since=05", 8, "since", 0, 9, &v),
	    -1);
	assert_int_equal(http_query_num("since=-1", 8, "since", 0, 9, &v),
	    -1);
	assert_int_equal(http_query_num("since=", 6, "since", 0, 9, &v), -1);
	assert_int_equal(http_query_num("since=%35", 9, "since", 0, 9, &v),
	    0);
	assert_int_equal(v, 5);
	q = "since=99999999999999999999";
	assert_int_equal(http_query_num(q, strlen(q), "since", 0, INT64_MAX,
	    &v), -1);
	assert_int_equal(http_query_num("limit=5001", 10, "limit", 1, 5000,
	    &v), -1);
	assert_int_equal(v, 5);
}

static void
test_query_only(void **state)
{
	static const char *const keys[] = { "since", "limit", NULL };

	(void)state;
	assert_int_equal(http_query_only(NULL, 0, keys), 0);
	assert_int_equal(http_query_only("since=1&limit=2", 15, keys), 0);
	assert_int_equal(http_query_only("since=1&bogus=2", 15, keys), -1);
	assert_int_equal(http_query_only("s%69nce=1", 9, keys), -1);
	assert_int_equal(http_query_only("since", 5, keys), -1);
	assert_int_equal(http_query_only("since=1&", 8, keys), -1);
	assert_int_equal(http_query_only("", 0, keys), 0);
}

/* The Opora-Protocol field: absent 0, a version, -1 when not one; the
 * field twice is refused. */
static void
test_head_protocol(void **state)
{
	struct http_request	 rq;

	(void)state;
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nHost: x\r\n\r\n",
	    &rq), 0);
	assert_int_equal(rq.protocol, 0);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nOpora-Protocol: 1"
	    "\r\n\r\n", &rq), 0);
	assert_int_equal(rq.protocol, 1);
	assert_int_equal(head("GET / HTTP/1.1\r\nopora-protocol:\t7 \r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, 7);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol: 999\r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, 999);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol: 1000\r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, -1);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol: 01\r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, -1);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol: 0\r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, -1);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol: 1 2\r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, -1);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol:\r\n\r\n",
	    &rq), 0);
	assert_int_equal(rq.protocol, -1);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol: 1\r\n"
	    "Opora-Protocol: 1\r\n\r\n", &rq), 400);
	/* Another field that only begins like it is not it. */
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocols: 5\r\n"
	    "\r\n", &rq), 0);
	assert_int_equal(rq.protocol, 0);
	/* A field name is a token: a space before the colon, or a folded
	 * line, is not taken as no field at all (a version 2 asker read as
	 * version 1) but refused. */
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol : 2\r\n"
	    "\r\n", &rq), 400);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora-Protocol\t: 2\r\n"
	    "\r\n", &rq), 400);
	assert_int_equal(head("GET / HTTP/1.1\r\nHost: x\r\n Opora-Protocol:"
	    " 2\r\n\r\n", &rq), 400);
	assert_int_equal(head("GET / HTTP/1.1\r\nOpora(Protocol): 2\r\n"
	    "\r\n", &rq), 400);
	assert_int_equal(head("GET / HTTP/1.1\r\nX-Odd_name.v2~!: 2\r\n"
	    "\r\n", &rq), 0);
}

/* Opora-Own: held (docs/protocol.md, "No echo"): that value alone, in
 * any case of the field's name; anything else is no claim. */
static void
test_head_own(void **state)
{
	struct http_request	 rq;

	(void)state;
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nHost: x\r\n\r\n",
	    &rq), 0);
	assert_false(rq.own_held);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nOpora-Own: held\r\n"
	    "\r\n", &rq), 0);
	assert_true(rq.own_held);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nopora-own:\theld \r\n"
	    "\r\n", &rq), 0);
	assert_true(rq.own_held);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nOpora-Own: Held\r\n"
	    "\r\n", &rq), 0);
	assert_false(rq.own_held);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nOpora-Own: held, no"
	    "\r\n\r\n", &rq), 0);
	assert_false(rq.own_held);
	assert_int_equal(head("GET /v1/feed HTTP/1.1\r\nOpora-Owner: held"
	    "\r\n\r\n", &rq), 0);
	assert_false(rq.own_held);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_ok),
		cmocka_unit_test(test_head_refused),
		cmocka_unit_test(test_head_protocol),
		cmocka_unit_test(test_head_own),
		cmocka_unit_test(test_pct),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_query_only),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
