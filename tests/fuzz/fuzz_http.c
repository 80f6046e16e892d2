/*
 * tests/fuzz/fuzz_http.c: fuzz the server's request-head parser and its
 * query decoding (node/http.h): http_parse_head, http_query_only,
 * http_query_get, http_query_num, http_pct_decode.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/http/, with tests/fuzz/replay.c.  Checked properties:
 * a parsed head points inside the input, its target is printable ASCII
 * starting with '/', path and query split it at the first '?'; a decoded
 * value holds no control byte and fits its buffer; a number lies in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const KEYS[] = { "since", "limit", "wait", "by", NULL };

static void
check_value(const char *out, int n, size_t outsz)
{
	int	 i;

	if (n < 0)
		return;
	if ((size_t)n >= outsz || out[n] != '\0')
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 ||
		    (unsigned char)out[i] == 0x7f)
			abort();
}

static void
check_query(const char *q, size_t qlen)
{
	char	 out[64];
	int64_t	 v = -7;
	int	 r;

	(void)http_query_only(q, qlen, KEYS);
	if ((r = http_query_get(q, qlen, "by", out, sizeof(out))) == 0)
		check_value(out, (int)strlen(out), sizeof(out));
	else if (r != 1 && r != -1)
		abort();
	r = http_query_num(q, qlen, "limit", 1, 5000, &v);
	if ((r == 0 && (v < 1 || v > 5000)) || (r != 0 && v != -7))
		abort();
	check_value(out, http_pct_decode(q, qlen, out, sizeof(out)),
	    sizeof(out));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request	 rq;
	const char		*p, *end;
	char			*copy;
	size_t			 i;
	int			 st;

	/* An exact-size copy, so reading past size is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	end = copy + size;
	st = http_parse_head(copy, size, &rq);
	if (st == 0) {
		if (rq.target < copy || rq.target + rq.target_len > end ||
		    rq.target_len == 0 || rq.target_len > LIMIT_URL ||
		    rq.target[0] != '/' || rq.path != rq.target ||
		    rq.path_len > rq.target_len)
			abort();
		for (i = 0; i < rq.target_len; i++)
			if ((unsigned char)rq.target[i] <= 0x20 ||
			    (unsigned char)rq.target[i] >= 0x7f)
				abort();
		p = memchr(rq.target, '?', rq.target_len);
		if ((p == NULL) != (rq.query == NULL) || (p != NULL &&
		    (p != rq.path + rq.path_len || rq.query != p + 1 ||
		    rq.query + rq.query_len != rq.target + rq.target_len)))
			abort();
		if (rq.query != NULL)
			check_query(rq.query, rq.query_len);
	} else if (st != 400 && st != 405 && st != 413 && st != 414 &&
	    st != 431)
		abort();
	/* The whole input as a query, too. */
	check_query(copy, size);
	free(copy);
	return (0);
}
