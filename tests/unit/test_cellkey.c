/*
 * tests/unit/test_cellkey.c: the pure rules of conflict/cellkey.c, as
 * properties over many random cells: the noise is bounded and never makes
 * a count negative; a published value is never in 1..t-1; the same cell
 * key gives the same noise; the ptable is unbiased with the variance that
 * docs/statistics.md states, and its ends are thin; key sums are additive
 * in any order; every birth year falls in exactly one band; and the
 * release-difference rule holds back one person's change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conflict/cellkey.h"

#define NRAND	200000

static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((uint32_t)(rng >> 16));
}

static void
test_bounded(void **state)
{
	int64_t	 n;
	uint32_t k;
	int	 d, i;

	(void)state;
	for (i = 0; i < NRAND; i++) {
		n = rnd() % 40;
		k = rnd();
		d = cellkey_noise(n, k);
		assert_true(d >= -CELLKEY_D && d <= CELLKEY_D);
		assert_true(n + d >= 0);
		assert_int_equal(d, cellkey_noise(n, k));
	}
	/* A cell of nobody has key 0 and stays 0 whatever its key. */
	for (i = 0; i < 1000; i++)
		assert_int_equal(cellkey_noise(0, rnd()), 0);
}

static void
test_never_small(void **state)
{
	int64_t	 n, p;
	uint32_t k;
	int	 t, i;

	(void)state;
	for (i = 0; i < NRAND; i++) {
		n = rnd() % 30;
		k = rnd();
		t = 2 + (int)(rnd() % 15);
		if (cellkey_publish(n, k, t, &p)) {
			assert_true(p >= t);
			assert_true(p - n >= -CELLKEY_D && p - n <= CELLKEY_D);
		} else
			assert_int_equal(p, 0);
		/* Counts far above the threshold are always published. */
		if (n >= t + CELLKEY_D)
			assert_true(cellkey_publish(n, k, t, &p));
	}
	for (n = 0; n < 3; n++)
		for (i = 0; i < 1000; i++)
			assert_false(cellkey_publish(n, rnd(), 5, &p));
}

/* The key at the start of thousandth s of [0, 1). */
static uint32_t
at_step(int s)
{
	return ((uint32_t)(((uint64_t)s << 32) / 1000 + 1));
}

/* The mean and variance of each row over the whole key space, exactly:
 * the keys at the start of each thousandth step through the rows. */
static void
test_moments(void **state)
{
	int64_t	 n;
	int	 s, d;
	long	 sum, sq;

	(void)state;
	for (n = 0; n < 8; n++) {
		sum = sq = 0;
		for (s = 0; s < 1000; s++) {
			d = cellkey_noise(n, at_step(s));
			sum += d;
			sq += d * d;
		}
		assert_int_equal(sum, 0);
		/* Variance in thousandths: 0, 1/2, 4/5, 0.81. */
		assert_int_equal(sq, n == 0 ? 0 : n == 1 ? 500 : n == 2 ? 800 :
		    810);
	}
}

/*
 * The ends of the rows are thin: an attacker reads bounds off the table,
 * and they pin a cell only when cells sit at their rows' ends at once.  A
 * count of 3 or more reaches -3 and +3 on exactly one key in a thousand
 * each; +-2 is common (49/1000) but is not an end, so a published p leaves
 * the count anywhere in p-3..p+3, and a C anywhere in 0..t+2.
 */
static void
test_thin_ends(void **state)
{
	int64_t	 n, p, lo, hi;
	int	 s, d, t, ends[2 * CELLKEY_D + 1];

	(void)state;
	assert_int_equal(CELLKEY_D, 3);
	for (n = 3; n < 50; n++) {
		memset(ends, 0, sizeof(ends));
		for (s = 0; s < 1000; s++)
			ends[cellkey_noise(n, at_step(s)) + CELLKEY_D]++;
		assert_int_equal(ends[0], 1);
		assert_int_equal(ends[2 * CELLKEY_D], 1);
		assert_int_equal(ends[1], 49);
		assert_int_equal(ends[2 * CELLKEY_D - 1], 49);
	}
	/* What a published value or a C allows, with t = 5: every count
	 * within 3, and 0..t+2, each reached by some key. */
	t = 5;
	for (p = t; p < 40; p++) {
		lo = hi = -1;
		for (n = 0; n < p + 10; n++)
			for (s = 0; s < 1000; s++) {
				d = cellkey_noise(n, at_step(s));
				if (n > 0 && n + d == p) {
					if (lo == -1)
						lo = n;
					hi = n;
					break;
				}
			}
		assert_int_equal(lo, p - CELLKEY_D < 3 ? 3 : p - CELLKEY_D);
		assert_int_equal(hi, p + CELLKEY_D);
	}
	hi = -1;
	for (n = 0; n < 20; n++)
		for (s = 0; s < 1000; s++)
			if (!cellkey_publish(n, at_step(s), t, &p)) {
				hi = n;
				break;
			}
	assert_int_equal(hi, t + CELLKEY_D - 1);
}

/* Key sums are additive: the cell key of a union of disjoint groups is
 * the sum of theirs, in any order, mod 2^32. */
static void
test_additive(void **state)
{
	uint32_t keys[64], a, b, whole;
	int	 i, j, trial;

	(void)state;
	for (trial = 0; trial < 1000; trial++) {
		whole = 0;
		for (i = 0; i < 64; i++) {
			keys[i] = rnd();
			whole += keys[i];
		}
		j = (int)(rnd() % 64);
		a = b = 0;
		for (i = 63; i >= 0; i--) {
			if (i < j)
				a += keys[i];
			else
				b += keys[i];
		}
		assert_true((uint32_t)(b + a) == whole);
		assert_int_equal(cellkey_noise(10, a + b),
		    cellkey_noise(10, whole));
	}
}

static void
test_bands(void **state)
{
	int	 y, b, prev = -1, i;

	(void)state;
	assert_int_equal(cellkey_band(1899), -1);
	assert_int_equal(cellkey_band(3000), -1);
	for (y = 1900; y <= 2999; y++) {
		b = cellkey_band(y);
		assert_true(b >= 0 && b < CELLKEY_NBANDS);
		assert_true(b == prev || b == prev + 1);
		assert_true(y >= cellkey_bands[b].lo && y <= cellkey_bands[b].hi);
		prev = b;
	}
	assert_int_equal(prev, CELLKEY_NBANDS - 1);
	for (i = 0; i < CELLKEY_NBANDS; i++)
		assert_int_equal(cellkey_band_find(cellkey_bands[i].name), i);
	assert_int_equal(cellkey_band_find("2005"), -1);
	assert_int_equal(cellkey_band(2003), cellkey_band_find("2000-2004"));
}

static void
test_diff(void **state)
{
	int64_t	 oc[8], nc[8];
	uint32_t ok[8], nk[8], person = 0x12345678u;
	int	 i, k;

	(void)state;
	for (i = 0; i < 8; i++) {
		oc[i] = nc[i] = 3 + i;
		ok[i] = nk[i] = rnd();
	}
	assert_int_equal(cellkey_diff(oc, ok, nc, nk, 8, 5), CELLKEY_SAME);
	/* One person added (or withdrawn: the other way round) in three
	 * cells: held back. */
	for (i = 0; i < 3; i++) {
		nc[i]++;
		nk[i] += person;
	}
	assert_int_equal(cellkey_diff(oc, ok, nc, nk, 8, 5), CELLKEY_HOLD);
	assert_int_equal(cellkey_diff(nc, nk, oc, ok, 8, 5), CELLKEY_HOLD);
	/* Two persons swapped: the same counts, other keys. */
	memcpy(nc, oc, sizeof(nc));
	nk[0] = ok[0] + 7;
	assert_int_equal(cellkey_diff(oc, ok, nc, nk, 8, 5), CELLKEY_HOLD);
	/* Five persons added to one cell: taken. */
	for (k = 0; k < 5; k++) {
		nc[2]++;
		nk[2] += rnd();
	}
	assert_int_equal(cellkey_diff(oc, ok, nc, nk, 8, 5), CELLKEY_TAKE);
	/* Random changes of at most four persons are never taken. */
	for (k = 0; k < 10000; k++) {
		int np = 1 + (int)(rnd() % 4);

		memcpy(nc, oc, sizeof(nc));
		memcpy(nk, ok, sizeof(nk));
		for (i = 0; i < np; i++) {
			uint32_t key = rnd();
			int cell, sign = rnd() % 2 ? 1 : -1;

			for (cell = 0; cell < 8; cell++)
				if (rnd() % 2) {
					nc[cell] += sign;
					nk[cell] += sign > 0 ? key : -key;
				}
		}
		assert_int_not_equal(cellkey_diff(oc, ok, nc, nk, 8, 5),
		    CELLKEY_TAKE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_never_small),
		cmocka_unit_test(test_moments),
		cmocka_unit_test(test_thin_ends),
		cmocka_unit_test(test_additive),
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_diff),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
