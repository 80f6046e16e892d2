/*
 * tests/unit/test_buf.c: the bounded byte buffer of protocol/buf.h: appends
 * of every kind, the exact maximum and what a failed append leaves behind,
 * NUL termination, buf_take handing memory over, and size arithmetic that
 * would overflow.
 *
 * Tests of behaviour that protocol/buf.c gets wrong at the time of writing
 * were found by these tests and are fixed; their tests now run always.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/buf.h"

/* The buffer holds exactly the n bytes at want, followed by a NUL. */
static void
assert_holds(const struct buf *b, const char *want, size_t n)
{
	assert_false(buf_failed(b));
	assert_int_equal(b->len, n);
	assert_non_null(b->data);
	assert_memory_equal(b->data, want, n);
	assert_int_equal(b->data[n], '\0');
	assert_true(b->cap > b->len);
}

/* The buffer failed: empty, marked, and still a valid C string if it
 * ever had memory. */
static void
assert_failed_empty(const struct buf *b)
{
	assert_true(buf_failed(b));
	assert_int_equal(b->len, 0);
	if (b->data != NULL)
		assert_int_equal(b->data[0], '\0');
}

static void
test_init_empty(void **state)
{
	struct buf	 b;

	(void)state;
	memset(&b, 0xa5, sizeof(b));
	buf_init(&b, 10);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 10);
	assert_false(buf_failed(&b));
	buf_free(&b);
	buf_free(&b);			/* twice is harmless */
	assert_null(b.data);
}

/* buf_extend: room written in place, the NUL kept, the limits as buf_add. */
static void
test_extend(void **state)
{
	struct buf	 b;
	char		*p;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "ab"), 0);
	p = buf_extend(&b, 3);
	assert_non_null(p);
	assert_ptr_equal(p, b.data + 2);
	assert_int_equal(p[3], '\0');
	memcpy(p, "cde", 4);		/* the NUL too may be written */
	assert_holds(&b, "abcde", 5);
	assert_non_null(buf_extend(&b, 0));
	assert_holds(&b, "abcde", 5);
	p = buf_extend(&b, 3);		/* exactly the maximum */
	assert_non_null(p);
	memcpy(p, "fgh", 3);
	assert_holds(&b, "abcdefgh", 8);
	assert_null(buf_extend(&b, 1));	/* past it: failed, emptied */
	assert_true(buf_failed(&b));
	assert_int_equal(buf_error(&b), BUF_TOO_LARGE);
	assert_int_equal(b.len, 0);
	assert_null(buf_extend(&b, 0));	/* a failed buffer refuses */
	buf_reset(&b);
	assert_null(buf_extend(&b, SIZE_MAX));
	buf_free(&b);
}

static void
test_appends(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_add(&b, "abc", 3), 0);
	assert_holds(&b, "abc", 3);
	assert_int_equal(buf_adds(&b, "de"), 0);
	assert_holds(&b, "abcde", 5);
	assert_int_equal(buf_addc(&b, 'f'), 0);
	assert_holds(&b, "abcdef", 6);
	/* Nothing appended: still fine, still terminated. */
	assert_int_equal(buf_add(&b, "zzz", 0), 0);
	assert_int_equal(buf_adds(&b, ""), 0);
	assert_holds(&b, "abcdef", 6);
	/* Bytes, not strings: a NUL inside counts. */
	assert_int_equal(buf_add(&b, "g\0h", 3), 0);
	assert_holds(&b, "abcdefg\0h", 9);
	assert_int_equal(buf_addc(&b, '\0'), 0);
	assert_holds(&b, "abcdefg\0h\0", 10);
	/* UTF-8 is bytes as well. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "Смоленск"), 0);
	assert_holds(&b, "Смоленск", strlen("Смоленск"));
	assert_int_equal(b.len, 16);
	buf_free(&b);
}

/* Growth keeps everything appended so far, terminated after each step. */
static void
test_growth(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b, 100000);
	for (i = 0; i < 100000; i++) {
		assert_int_equal(buf_addc(&b, (char)('a' + i % 26)), 0);
		assert_int_equal(b.len, i + 1);
		assert_int_equal(b.data[b.len], '\0');
	}
	for (i = 0; i < 100000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			fail_msg("byte %zu is %c", i, b.data[i]);
	assert_false(buf_failed(&b));
	assert_true(b.cap >= b.len + 1);
	assert_true(b.cap <= b.max + 1);	/* never beyond max and NUL */
	buf_free(&b);
}

static void
test_max_exact(void **state)
{
	struct buf	 b;

	(void)state;
	/* max bytes fit, in one piece... */
	buf_init(&b, 8);
	assert_int_equal(buf_add(&b, "12345678", 8), 0);
	assert_holds(&b, "12345678", 8);
	/* ...and one more does not: emptied, marked failed. */
	assert_int_equal(buf_addc(&b, '9'), -1);
	assert_failed_empty(&b);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	/* A failed buffer refuses everything, even what would fit. */
	assert_int_equal(buf_addc(&b, 'x'), -1);
	assert_int_equal(buf_add(&b, "x", 1), -1);
	assert_int_equal(buf_adds(&b, "x"), -1);
	assert_int_equal(buf_addf(&b, "%d", 1), -1);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)"x", 1), -1);
	assert_int_equal(buf_add(&b, "", 0), -1);
	assert_failed_empty(&b);
	/* buf_reset clears the mark and the buffer takes bytes again. */
	buf_reset(&b);
	assert_false(buf_failed(&b));
	assert_int_equal(buf_adds(&b, "ok"), 0);
	assert_holds(&b, "ok", 2);
	buf_free(&b);

	/* Reaching max in several pieces is the same. */
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "123"), 0);
	assert_int_equal(buf_adds(&b, "4567"), 0);
	assert_int_equal(buf_addc(&b, '8'), 0);
	assert_holds(&b, "12345678", 8);
	assert_int_equal(buf_add(&b, "", 0), 0);	/* zero more fits */
	assert_int_equal(buf_adds(&b, "9"), -1);
	assert_failed_empty(&b);
	buf_free(&b);

	/* A piece that overshoots by one from the middle. */
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "1234"), 0);
	assert_int_equal(buf_adds(&b, "56789"), -1);
	assert_failed_empty(&b);
	buf_free(&b);

	/* max 0: only nothing fits. */
	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_false(buf_failed(&b));
	assert_int_equal(buf_addc(&b, 'a'), -1);
	assert_true(buf_failed(&b));
	assert_int_equal(b.len, 0);
	buf_free(&b);

	/* A large maximum, crossed exactly. */
	{
		char	*big = malloc(70000);

		assert_non_null(big);
		memset(big, 'q', 70000);
		buf_init(&b, 70000);
		assert_int_equal(buf_add(&b, big, 69999), 0);
		assert_int_equal(buf_addc(&b, 'q'), 0);
		assert_holds(&b, big, 70000);
		assert_int_equal(buf_addc(&b, 'q'), -1);
		assert_failed_empty(&b);
		buf_free(&b);
		free(big);
	}
}

static void
test_addf(void **state)
{
	struct buf	 b;
	char		 want[300];

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), 0);
	assert_holds(&b, "42-x", 4);
	assert_int_equal(buf_addf(&b, "[%5zu|%-3s|%03x|%c]", (size_t)7, "ab",
	    0xa, 'z'), 0);
	assert_holds(&b, "42-x[    7|ab |00a|z]", 21);
	assert_int_equal(buf_addf(&b, "%s", ""), 0);	/* empty result */
	assert_int_equal(b.len, 21);
	assert_int_equal(buf_addf(&b, "%lld", (long long)INT64_MIN), 0);
	assert_string_equal(b.data,
	    "42-x[    7|ab |00a|z]-9223372036854775808");
	buf_reset(&b);
	/* Longer than any first allocation: the text is whole. */
	memset(want, '0', 299);
	want[298] = '7';
	want[299] = '\0';
	assert_int_equal(buf_addf(&b, "%0299d", 7), 0);
	assert_holds(&b, want, 299);
	buf_free(&b);

	/* The boundary through buf_addf: exactly max, then one over. */
	buf_init(&b, 6);
	assert_int_equal(buf_addf(&b, "%s=%d", "ab", 123), 0);
	assert_holds(&b, "ab=123", 6);
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "%s=%d", "ab", 1234), -1);
	assert_failed_empty(&b);
	buf_free(&b);
}

static void
test_addhex(void **state)
{
	struct buf	 b;
	unsigned char	 all[256];
	char		 want[513];
	size_t		 i;

	(void)state;
	for (i = 0; i < 256; i++) {
		all[i] = (unsigned char)i;
		snprintf(want + 2 * i, 3, "%02x", (unsigned)i);
	}
	buf_init(&b, 512);
	assert_int_equal(buf_addhex(&b, all, 256), 0);
	assert_holds(&b, want, 512);		/* two lowercase a byte */
	buf_reset(&b);
	assert_int_equal(buf_addhex(&b, all, 0), 0);
	assert_int_equal(b.len, 0);
	assert_false(buf_failed(&b));
	assert_int_equal(buf_adds(&b, "k="), 0);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)"\x01\xab", 2),
	    0);
	assert_holds(&b, "k=01ab", 6);
	buf_free(&b);

	/* Two digits a byte count against the maximum. */
	buf_init(&b, 4);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)"\xde\xad", 2),
	    0);
	assert_holds(&b, "dead", 4);
	buf_reset(&b);
	assert_int_equal(buf_addhex(&b,
	    (const unsigned char *)"\xde\xad\xbe", 3), -1);
	assert_failed_empty(&b);
	buf_reset(&b);
	assert_int_equal(buf_addc(&b, 'x'), 0);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)"\xde\xad", 2),
	    -1);
	assert_failed_empty(&b);
	buf_free(&b);
}

static void
test_take(void **state)
{
	struct buf	 b;
	char		*p, *q;
	size_t		 len;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "hello"), 0);
	len = 999;
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_string_equal(p, "hello");
	/* The buffer is left empty, not failed, with its maximum. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 100);
	assert_false(buf_failed(&b));
	/* Reusable, and what was taken is the caller's alone. */
	assert_int_equal(buf_adds(&b, "again"), 0);
	assert_holds(&b, "again", 5);
	assert_true(b.data != p);
	assert_string_equal(p, "hello");
	q = buf_take(&b, NULL);			/* lenp may be NULL */
	assert_string_equal(q, "again");
	assert_string_equal(p, "hello");
	free(p);
	free(q);

	/* Never appended: an allocated "". */
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	assert_null(b.data);

	/* Appended then reset: also "" (the kept memory is handed over). */
	assert_int_equal(buf_adds(&b, "gone"), 0);
	buf_reset(&b);
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);

	/* Binary contents come with their length. */
	assert_int_equal(buf_add(&b, "a\0b", 3), 0);
	p = buf_take(&b, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "a\0b\0", 4);
	free(p);
	buf_free(&b);
}

static void
test_take_failed(void **state)
{
	struct buf	 b;
	char		*p;
	size_t		 len = 77;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(buf_adds(&b, "de"), -1);
	assert_null(buf_take(&b, &len));
	assert_int_equal(len, 77);		/* nothing to report */
	/* Left empty and reusable. */
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_adds(&b, "wxyz"), 0);
	assert_false(buf_failed(&b));
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	assert_string_equal(p, "wxyz");
	free(p);
	/* Failed before anything was ever allocated. */
	assert_int_equal(buf_adds(&b, "12345"), -1);
	assert_null(buf_take(&b, NULL));
	assert_int_equal(buf_adds(&b, "1"), 0);
	p = buf_take(&b, NULL);
	assert_string_equal(p, "1");
	free(p);
	buf_free(&b);
}

static void
test_reset_free(void **state)
{
	struct buf	 b;
	char		*mem;
	size_t		 cap;

	(void)state;
	buf_init(&b, 1000);
	assert_int_equal(buf_adds(&b, "some text that is kept"), 0);
	mem = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_true(b.data == mem);		/* memory kept */
	assert_int_equal(b.cap, cap);
	assert_int_equal(buf_adds(&b, "new"), 0);
	assert_holds(&b, "new", 3);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* Reuse after buf_free and buf_init with another maximum. */
	buf_init(&b, 2);
	assert_int_equal(buf_adds(&b, "ab"), 0);
	assert_int_equal(buf_adds(&b, "c"), -1);
	buf_free(&b);
	assert_false(buf_failed(&b));
}

/* Sizes near SIZE_MAX must be refused by the arithmetic, never wrap. */
static void
test_overflow(void **state)
{
	struct buf	 b;
	static const char one[1] = { 'a' };

	(void)state;
	/* n alone beyond everything; p is never read past one byte. */
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "keep"), 0);
	assert_int_equal(buf_add(&b, one, SIZE_MAX), -1);
	assert_failed_empty(&b);
	buf_reset(&b);
	assert_int_equal(buf_add(&b, one, SIZE_MAX - 3), -1);
	assert_failed_empty(&b);
	buf_free(&b);

	/*
	 * A maximum so large that only the arithmetic stands between len + n
	 * and a wrap-around: with len 10, n = SIZE_MAX - 9 makes len + n wrap
	 * to 0, and n = SIZE_MAX - 10 makes len + n + 1 (the NUL) wrap.
	 */
	buf_init(&b, SIZE_MAX - 1);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_add(&b, one, SIZE_MAX - 9), -1);
	assert_failed_empty(&b);
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_add(&b, one, SIZE_MAX - 10), -1);
	assert_failed_empty(&b);
	buf_reset(&b);
	/* And ordinary appends still work with such a maximum. */
	assert_int_equal(buf_adds(&b, "fine"), 0);
	assert_holds(&b, "fine", 4);
	buf_free(&b);

	/* buf_addhex: n * 2 just within size_t, but far beyond max. */
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "keep"), 0);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)one,
	    SIZE_MAX / 2), -1);
	assert_failed_empty(&b);
	buf_free(&b);
}

/*
 * buf_addhex with n > SIZE_MAX / 2 (n * 2 overflows) returns -1 but
 * neither empties the buffer nor marks it failed, so a caller that appends
 * many pieces and checks buf_failed() once misses the error.
 */
static void
test_bug_addhex_overflow_not_failed(void **state)
{
	struct buf	 b;
	static const unsigned char one[1] = { 1 };

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_adds(&b, "keep"), 0);
	assert_int_equal(buf_addhex(&b, one, SIZE_MAX / 2 + 1), -1);
	assert_failed_empty(&b);
	buf_free(&b);
}

/*
 * buf_init(b, SIZE_MAX): buf_reserve caps the capacity at max + 1, which
 * wraps to 0, so realloc(NULL, 0) is asked for no memory and the first
 * append writes past it (heap-buffer-overflow under ASan).
 */
static void
test_bug_max_size_max(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, SIZE_MAX);
	assert_int_equal(buf_adds(&b, "hello"), 0);
	assert_holds(&b, "hello", 5);
	buf_free(&b);
}

/* A failed buffer says why: too large (a verdict on what was added) or out
 * of memory (a condition of this process); the first reason stays until a
 * reset. */
static void
test_error(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 4);
	assert_int_equal(buf_error(&b), BUF_OK);
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(buf_error(&b), BUF_OK);
	assert_int_equal(buf_addc(&b, 'e'), -1);
	assert_int_equal(buf_error(&b), BUF_TOO_LARGE);
	assert_int_equal(buf_addc(&b, 'e'), -1);
	assert_int_equal(buf_error(&b), BUF_TOO_LARGE);
	buf_reset(&b);
	assert_int_equal(buf_error(&b), BUF_OK);
	assert_int_equal(buf_addhex(&b, (const unsigned char *)"abc", 3), -1);
	assert_int_equal(buf_error(&b), BUF_TOO_LARGE);
	buf_free(&b);
	assert_int_equal(buf_error(&b), BUF_OK);
#if !defined(__SANITIZE_ADDRESS__)
	/* An allocation no machine can make fails as out of memory. */
	buf_init(&b, SIZE_MAX);
	assert_int_equal(buf_adds(&b, "x"), 0);
	assert_int_equal(buf_add(&b, "y", SIZE_MAX / 2), -1);
	assert_int_equal(buf_error(&b), BUF_NOMEM);
	assert_null(buf_take(&b, NULL));
	assert_int_equal(buf_error(&b), BUF_OK);
	buf_free(&b);
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_extend),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_max_exact),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_addhex),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_failed),
		cmocka_unit_test(test_reset_free),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_bug_addhex_overflow_not_failed),
		cmocka_unit_test(test_bug_max_size_max),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
