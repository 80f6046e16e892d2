/*
 * conflict/cellkey.h: the pure rules of published statistics: the
 * cell-key method (the perturbation of counts), the fixed birth-year
 * bands, and the rule that holds a release's changes back when they would
 * single a person out.  docs/statistics.md explains them to researchers;
 * nothing here does I/O, and every function is pure.
 *
 * Record keys.  Every person has a record key, a 32-bit number that stands
 * for a value in [0, 1) (key / 2^32), which researchers never see.  The
 * key of a cell is the sum of its persons' record keys mod 2^32: additive,
 * so regions send per-cell key sums and the federal node adds them up for
 * any cell of any table.  The same persons give the same cell key, hence
 * the same noise, in every table and every release.
 *
 * The perturbation table (ptable).  The noise of a cell of count n and
 * cell key k is read from row min(n, 3) at position k:
 *
 *   n = 0:   0 always (a cell of nobody has key 0 and stays 0)
 *   n = 1:   -1 with 1/4, 0 with 1/2, +1 with 1/4     (mean 0, variance 1/2)
 *   n = 2:   -2 with 1/20, -1 with 1/5, 0 with 1/2,
 *            +1 with 1/5, +2 with 1/20                (mean 0, variance 4/5)
 *   n >= 3:  -3 with 1/1000, -2 with 49/1000, -1 with 1/5, 0 with 1/2,
 *            +1 with 1/5, +2 with 49/1000, +3 with 1/1000
 *                                               (mean 0, variance 0.81)
 *
 * The ends (+-3) are rare on purpose: bounds read off the table pin a cell
 * only when several cells sit at their rows' ends at once (cellkey.c).
 *
 * so that the perturbed value is never negative, differs from the count by
 * at most CELLKEY_D, and is unbiased.  A perturbed value below the
 * threshold t is not published at all: every such cell, zeros included,
 * has the one status CELLKEY_HIDDEN, so a published value is always at
 * least t and an empty cell cannot be told from a small one.
 */
#ifndef OPORA_CELLKEY_H
#define OPORA_CELLKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The greatest noise, either way. */
#define CELLKEY_D		3

/* The statuses of a published cell (SDMX CL_CONF_STATUS): free, or
 * confidential -- one status for every protected cell, whatever the
 * reason. */
#define CELLKEY_FREE		'F'
#define CELLKEY_HIDDEN		'C'

/*
 * The birth-year bands, fixed in advance and always all listed: five-year
 * bands from 1990 to 2009 (graduates of 18 to 23 in 2013..2032), and one
 * band on each side for the rest.  A band's name is "LO-HI".
 */
#define CELLKEY_NBANDS		6

struct cellkey_band {
	int		 lo, hi;	/* birth years, both included */
	const char	*name;		/* "2000-2004" */
};

extern const struct cellkey_band cellkey_bands[CELLKEY_NBANDS];

/* cellkey_band(year): the index of year's band (0..CELLKEY_NBANDS-1), or
 * -1 when the year is outside 1900..2999. */
int	 cellkey_band(int year);

/* cellkey_band_find(name): the index of the band named name (a C
 * string, borrowed), or -1. */
int	 cellkey_band_find(const char *name);

/* cellkey_noise(n, key): the noise of a cell of count n >= 0 and cell key
 * key, from the ptable above: -CELLKEY_D..CELLKEY_D, and n + noise >= 0. */
int	 cellkey_noise(int64_t n, uint32_t key);

/*
 * cellkey_publish(n, key, t, out): the published form of a cell of count
 * n and cell key key under threshold t (>= 1): true and *out the
 * perturbed value (>= t) when it is published, false when it is hidden
 * (status CELLKEY_HIDDEN; *out is set to 0).
 */
bool	 cellkey_publish(int64_t n, uint32_t key, int t, int64_t *out);

/*
 * The release-difference rule.  A region's data reaches a release one
 * group (sex x birth-year band) at a time.  For one group, given its base
 * cells as last released (oldc, oldk) and as the region now sends them
 * (newc, newk), n cells each, in the same order (an absent cell is count
 * 0, key 0):
 *   CELLKEY_SAME  nothing changed;
 *   CELLKEY_TAKE  at least t persons changed: the largest change of one
 *                 cell's count is at least t (each person moves a count by
 *                 at most one, so that many persons differ), and the new
 *                 cells may be released;
 *   CELLKEY_HOLD  something changed, but fewer than t persons are proved
 *                 to have changed (one person added, withdrawn or moved,
 *                 or persons swapped with equal counts): releasing it
 *                 would let a researcher difference that person out, so
 *                 the group stays as last released.
 */
enum cellkey_diff {
	CELLKEY_SAME,
	CELLKEY_TAKE,
	CELLKEY_HOLD
};

enum cellkey_diff cellkey_diff(const int64_t *oldc, const uint32_t *oldk,
	    const int64_t *newc, const uint32_t *newk, size_t n, int t);

#endif /* OPORA_CELLKEY_H */
