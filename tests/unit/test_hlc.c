/*
 * tests/unit/test_hlc.c: the hybrid logical clock and the total order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "conflict/hlc.h"

static void
test_tick_is_monotonic(void **state)
{
	struct hlc	 h = { 0 };
	uint64_t	 a, b, c, d;

	(void)state;
	a = hlc_tick(&h, 1000);
	assert_int_equal(a, hlc_pack(1000, 0));
	b = hlc_tick(&h, 1000);			/* same millisecond */
	assert_int_equal(b, hlc_pack(1000, 1));
	c = hlc_tick(&h, 900);			/* the wall clock went back */
	assert_true(c > b);
	assert_int_equal(hlc_ms(c), 1000);
	d = hlc_tick(&h, 2000);
	assert_int_equal(d, hlc_pack(2000, 0));
	/* The counter carries into the milliseconds, still increasing. */
	h.last = hlc_pack(3000, 0xffff);
	assert_int_equal(hlc_tick(&h, 3000), hlc_pack(3001, 0));
}

static void
test_observe_bounds_drift(void **state)
{
	struct hlc	 h = { hlc_pack(1000, 0) };

	(void)state;
	/* Five minutes ahead is accepted, a millisecond more is not. */
	assert_int_equal(hlc_observe(&h, hlc_pack(1000 + 300000, 5), 1000,
	    300000), 0);
	assert_int_equal(h.last, hlc_pack(301000, 5));
	assert_int_equal(hlc_observe(&h, hlc_pack(1000 + 300001, 0), 1000,
	    300000), -1);
	assert_int_equal(h.last, hlc_pack(301000, 5));
	/* An older remote value leaves the clock alone. */
	assert_int_equal(hlc_observe(&h, hlc_pack(10, 0), 1000, 300000), 0);
	assert_int_equal(h.last, hlc_pack(301000, 5));
	/* And a tick after observing is above what was observed. */
	assert_true(hlc_tick(&h, 1000) > hlc_pack(301000, 5));
}

static void
test_format_parse(void **state)
{
	char		 s[17];
	uint64_t	 v;

	(void)state;
	hlc_format(0x0194f7c6a8000001ULL, s);
	assert_string_equal(s, "0194f7c6a8000001");
	assert_int_equal(hlc_parse(s, 16, &v), 0);
	assert_int_equal(v, 0x0194f7c6a8000001ULL);
	hlc_format(0, s);
	assert_string_equal(s, "0000000000000000");
	hlc_format(UINT64_MAX, s);
	assert_string_equal(s, "ffffffffffffffff");
	assert_int_equal(hlc_parse("0194F7C6A8000001", 16, &v), -1);
	assert_int_equal(hlc_parse("0194f7c6a800000", 15, &v), -1);
	assert_int_equal(hlc_parse("0194f7c6a80000011", 17, &v), -1);
	assert_int_equal(hlc_parse("0194f7c6a800000g", 16, &v), -1);
	/* String order is numeric order. */
	{
		char	 a[17], b[17];

		hlc_format(hlc_pack(999, 65535), a);
		hlc_format(hlc_pack(1000, 0), b);
		assert_true(strcmp(a, b) < 0);
	}
}

static void
test_total_order(void **state)
{
	(void)state;
	assert_true(hlc_order(1, "bb", "x", 2, "aa", "x") < 0);
	assert_true(hlc_order(2, "aa", "x", 2, "bb", "a") < 0);
	assert_true(hlc_order(2, "aa", "b", 2, "aa", "a") > 0);
	assert_int_equal(hlc_order(2, "aa", "a", 2, "aa", "a"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tick_is_monotonic),
		cmocka_unit_test(test_observe_bounds_drift),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_total_order),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
