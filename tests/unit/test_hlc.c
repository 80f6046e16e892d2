/*
 * tests/unit/test_hlc.c: the hybrid logical clock and the total order of
 * changes (conflict/hlc.h): ticks that keep increasing whatever the wall
 * clock does, the counter carrying into the milliseconds, the drift bound
 * on observed values, the wire form, and the tie-breaks of the order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "conflict/hlc.h"

/* 2024-02-29T12:00:00Z in milliseconds: a realistic wall time. */
#define NOW	UINT64_C(1709208000000)
#define DRIFT	UINT64_C(300000)	/* five minutes */

static void
test_pack(void **state)
{
	uint64_t	 v;

	(void)state;
	v = hlc_pack(NOW, 7);
	assert_int_equal(hlc_ms(v), NOW);
	assert_int_equal(v & 0xffff, 7);
	assert_int_equal(hlc_pack(1, 0), UINT64_C(0x10000));
	assert_int_equal(hlc_pack(0, 0xffff), UINT64_C(0xffff));
	/* Bits beyond the fields are discarded, not spilled over. */
	assert_int_equal(hlc_pack(0, 0x10001), 1);
	assert_int_equal(hlc_pack(HLC_MS_MAX + 2, 0), hlc_pack(1, 0));
	assert_int_equal(hlc_pack(HLC_MS_MAX, 0xffff), UINT64_MAX);
	assert_int_equal(hlc_ms(UINT64_MAX), HLC_MS_MAX);
	/* Packing what hlc_ms and the counter give back is the identity. */
	v = UINT64_C(0x0194f7c6a8000004);
	assert_int_equal(hlc_pack(hlc_ms(v), (unsigned)(v & 0xffff)), v);
	/* Later milliseconds beat any counter. */
	assert_true(hlc_pack(NOW + 1, 0) > hlc_pack(NOW, 0xffff));
}

static void
test_tick(void **state)
{
	struct hlc	 h = { 0 };
	uint64_t	 a, b, c, d, prev;
	int		 i;

	(void)state;
	a = hlc_tick(&h, NOW);
	assert_int_equal(a, hlc_pack(NOW, 0));
	assert_int_equal(h.last, a);
	b = hlc_tick(&h, NOW);			/* the same millisecond */
	assert_int_equal(b, hlc_pack(NOW, 1));
	/* The wall clock goes back an hour: the clock keeps increasing. */
	c = hlc_tick(&h, NOW - 3600000);
	assert_int_equal(c, hlc_pack(NOW, 2));
	assert_int_equal(h.last, c);
	/* The wall clock moves on: the counter starts again at 0. */
	d = hlc_tick(&h, NOW + 1);
	assert_int_equal(d, hlc_pack(NOW + 1, 0));
	/* A wall clock stuck at 0 still gives increasing values. */
	prev = h.last;
	for (i = 0; i < 1000; i++) {
		a = hlc_tick(&h, 0);
		assert_true(a > prev);
		assert_int_equal(a, prev + 1);
		prev = a;
	}
	/* From zero, the first tick at time 0 is 1, never 0. */
	h.last = 0;
	assert_int_equal(hlc_tick(&h, 0), 1);
}

static void
test_tick_carry(void **state)
{
	struct hlc	 h;
	uint64_t	 v;

	(void)state;
	/* A full counter carries into the milliseconds. */
	h.last = hlc_pack(NOW, 0xfffe);
	assert_int_equal(hlc_tick(&h, NOW), hlc_pack(NOW, 0xffff));
	v = hlc_tick(&h, NOW);
	assert_int_equal(v, hlc_pack(NOW + 1, 0));
	assert_int_equal(hlc_ms(v), NOW + 1);
	/* Then the wall clock catching up to that millisecond is not
	 * enough to reset the counter; passing it is. */
	assert_int_equal(hlc_tick(&h, NOW + 1), hlc_pack(NOW + 1, 1));
	assert_int_equal(hlc_tick(&h, NOW + 2), hlc_pack(NOW + 2, 0));
}

static void
test_tick_limits(void **state)
{
	struct hlc	 h = { 0 };
	uint64_t	 v;

	(void)state;
	/* A time beyond 48 bits counts as the greatest, not wrapped. */
	v = hlc_tick(&h, HLC_MS_MAX + 5);
	assert_int_equal(v, hlc_pack(HLC_MS_MAX, 0));
	v = hlc_tick(&h, UINT64_MAX);
	assert_int_equal(v, hlc_pack(HLC_MS_MAX, 1));
	/* The last value there is; after it, 0 and h untouched. */
	h.last = UINT64_MAX - 1;
	assert_int_equal(hlc_tick(&h, NOW), UINT64_MAX);
	assert_int_equal(hlc_tick(&h, NOW), 0);
	assert_int_equal(h.last, UINT64_MAX);
	assert_int_equal(hlc_tick(&h, UINT64_MAX), 0);
	assert_int_equal(h.last, UINT64_MAX);
}

static void
test_observe(void **state)
{
	struct hlc	 h = { 0 };
	uint64_t	 v;

	(void)state;
	h.last = hlc_pack(NOW, 3);
	/* Exactly max_drift_ms ahead is accepted, with any counter. */
	assert_int_equal(hlc_observe(&h, hlc_pack(NOW + DRIFT, 0xffff), NOW,
	    DRIFT), 0);
	assert_int_equal(h.last, hlc_pack(NOW + DRIFT, 0xffff));
	/* A millisecond more is refused, and h is left alone. */
	assert_int_equal(hlc_observe(&h, hlc_pack(NOW + DRIFT + 1, 0), NOW,
	    DRIFT), -1);
	assert_int_equal(h.last, hlc_pack(NOW + DRIFT, 0xffff));
	assert_int_equal(hlc_observe(&h, UINT64_MAX, NOW, DRIFT), -1);
	assert_int_equal(h.last, hlc_pack(NOW + DRIFT, 0xffff));
	/* An older value, or an equal one, leaves the clock where it is. */
	assert_int_equal(hlc_observe(&h, hlc_pack(10, 0), NOW, DRIFT), 0);
	assert_int_equal(hlc_observe(&h, h.last, NOW, DRIFT), 0);
	assert_int_equal(h.last, hlc_pack(NOW + DRIFT, 0xffff));
	/* A tick after observing comes after what was observed, even with
	 * the wall clock behind it. */
	v = hlc_tick(&h, NOW);
	assert_int_equal(v, hlc_pack(NOW + DRIFT + 1, 0));

	/* Within the drift, a newer value moves the clock. */
	h.last = hlc_pack(NOW, 0);
	assert_int_equal(hlc_observe(&h, hlc_pack(NOW + 1000, 5), NOW, DRIFT),
	    0);
	assert_int_equal(h.last, hlc_pack(NOW + 1000, 5));
	assert_int_equal(hlc_tick(&h, NOW), hlc_pack(NOW + 1000, 6));
	/* No drift allowed: the same millisecond is still fine. */
	h.last = 0;
	assert_int_equal(hlc_observe(&h, hlc_pack(NOW, 9), NOW, 0), 0);
	assert_int_equal(hlc_observe(&h, hlc_pack(NOW + 1, 0), NOW, 0), -1);
	assert_int_equal(h.last, hlc_pack(NOW, 9));
	/* A huge bound must not overflow into refusing everything. */
	h.last = 0;
	assert_int_equal(hlc_observe(&h, UINT64_MAX, NOW, UINT64_MAX), 0);
	assert_int_equal(h.last, UINT64_MAX);
	h.last = 0;
	assert_int_equal(hlc_observe(&h, hlc_pack(NOW, 0), UINT64_MAX - 1,
	    10), 0);
	assert_int_equal(h.last, hlc_pack(NOW, 0));
}

static void
test_format_parse(void **state)
{
	static const uint64_t	 values[] = { 0, 1, 0xf, 0x10, 0xffff,
	    0x10000, UINT64_C(0x0194f7c6a8000004), UINT64_C(0x8000000000000000),
	    UINT64_C(0xfedcba9876543210), UINT64_MAX };
	char			 s[17], t[17];
	uint64_t		 v;
	size_t			 i;

	(void)state;
	hlc_format(0, s);
	assert_string_equal(s, "0000000000000000");
	hlc_format(UINT64_MAX, s);
	assert_string_equal(s, "ffffffffffffffff");
	hlc_format(hlc_pack(NOW, 4), s);
	assert_string_equal(s, "018df4bc56000004");
	hlc_format(UINT64_C(0x0123456789abcdef), s);
	assert_string_equal(s, "0123456789abcdef");
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		hlc_format(values[i], s);
		assert_int_equal(strlen(s), 16);
		v = 1;
		assert_int_equal(hlc_parse(s, 16, &v), 0);
		assert_int_equal(v, values[i]);
		/* String order is numeric order. */
		if (i > 0) {
			hlc_format(values[i - 1], t);
			assert_true(strcmp(t, s) < 0);
		}
	}
	/* Only len bytes are read. */
	assert_int_equal(hlc_parse("0123456789abcdefXYZ", 16, &v), 0);
	assert_int_equal(v, UINT64_C(0x0123456789abcdef));
	/* Refused: uppercase, short, long, non-hex; *out is left alone. */
	v = 42;
	assert_int_equal(hlc_parse("0123456789ABCDEF", 16, &v), -1);
	assert_int_equal(hlc_parse("0123456789abcdeF", 16, &v), -1);
	assert_int_equal(hlc_parse("0123456789abcde", 15, &v), -1);
	assert_int_equal(hlc_parse("0123456789abcdef0", 17, &v), -1);
	assert_int_equal(hlc_parse("", 0, &v), -1);
	assert_int_equal(hlc_parse(NULL, 0, &v), -1);
	assert_int_equal(hlc_parse("0123456789abcdeg", 16, &v), -1);
	assert_int_equal(hlc_parse(" 123456789abcdef", 16, &v), -1);
	assert_int_equal(hlc_parse("0x23456789abcdef", 16, &v), -1);
	assert_int_equal(hlc_parse("-123456789abcdef", 16, &v), -1);
	assert_int_equal(hlc_parse("0123456789abcde\0", 16, &v), -1);
	assert_int_equal(v, 42);
}

static void
test_order(void **state)
{
	uint64_t	 lo = hlc_pack(NOW, 0), hi = hlc_pack(NOW, 1);

	(void)state;
	/* The clock decides first, whatever the key and id. */
	assert_int_equal(hlc_order(lo, "b", "b", hi, "a", "a"), -1);
	assert_int_equal(hlc_order(hi, "a", "a", lo, "b", "b"), 1);
	assert_int_equal(hlc_order(hlc_pack(NOW, 0xffff), "z", "z",
	    hlc_pack(NOW + 1, 0), "a", "a"), -1);
	/* Then the author's key id, bytewise. */
	assert_int_equal(hlc_order(lo, "aa", "z", lo, "ab", "a"), -1);
	assert_int_equal(hlc_order(lo, "ab", "a", lo, "aa", "z"), 1);
	assert_int_equal(hlc_order(lo, "a", "z", lo, "aa", "a"), -1);
	/* Bytewise means unsigned: a byte above 0x7f sorts last. */
	assert_int_equal(hlc_order(lo, "\xc3", "a", lo, "z", "a"), 1);
	/* Then the change id. */
	assert_int_equal(hlc_order(lo, "k", "id1", lo, "k", "id2"), -1);
	assert_int_equal(hlc_order(lo, "k", "id2", lo, "k", "id1"), 1);
	assert_int_equal(hlc_order(lo, "k", "id", lo, "k", "id1"), -1);
	/* Equal in everything. */
	assert_int_equal(hlc_order(lo, "k", "id", lo, "k", "id"), 0);
	/* The extremes of the clock compare without overflow. */
	assert_int_equal(hlc_order(0, "k", "i", UINT64_MAX, "k", "i"), -1);
	assert_int_equal(hlc_order(UINT64_MAX, "k", "i", 0, "k", "i"), 1);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_tick),
		cmocka_unit_test(test_tick_carry),
		cmocka_unit_test(test_tick_limits),
		cmocka_unit_test(test_observe),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_order),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
