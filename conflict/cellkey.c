/*
 * conflict/cellkey.c: the cell-key method, birth-year bands and the
 * release-difference rule.  See cellkey.h.
 */
#include <stdint.h>
#include <string.h>

#include "conflict/cellkey.h"

const struct cellkey_band cellkey_bands[CELLKEY_NBANDS] = {
	{ 1900, 1989, "1900-1989" },
	{ 1990, 1994, "1990-1994" },
	{ 1995, 1999, "1995-1999" },
	{ 2000, 2004, "2000-2004" },
	{ 2005, 2009, "2005-2009" },
	{ 2010, 2999, "2010-2999" },
};

/*
 * The ptable, in thousandths: row r lists for d = -3..+3 how many
 * thousandths of [0, 1) give noise d.  A cell key k stands for k / 2^32;
 * its position in thousandths is (k * 1000) >> 32, 0..999.
 *
 * Why the ends are so thin.  An attacker who knows the table learns from
 * a published value p only that the count is within the row's reach of p,
 * and from a C only that it is below t + CELLKEY_D.  Such bounds pin a
 * cell exactly only when cells' noises sit at the far ends of their rows
 * at once (a total at -D and a part of it at +D, say): with the ends at
 * +-2 and 1/20 each, that happened on 2 draws of the keys in 10 on a test
 * federation of 60 graduates (docs/statistics.md).  Here the ends are +-3
 * and 1/1000 each, two ends together 1/10^6, while +-2 keeps 49/1000: the
 * variance is 0.81 (was 0.8), the figures as useful as before.  Rows 1
 * and 2 are the last row folded at -n (the noise cannot take a count
 * below zero), keeping each row unbiased; with t >= 5 they never publish
 * (1 + 1 and 2 + 2 are below t).
 */
#define PT_STEPS	1000
static const int ptable[4][2 * CELLKEY_D + 1] = {
	{ 0, 0, 0, 1000, 0, 0, 0 },	/* n = 0 */
	{ 0, 0, 250, 500, 250, 0, 0 },	/* n = 1 */
	{ 0, 50, 200, 500, 200, 50, 0 },	/* n = 2 */
	{ 1, 49, 200, 500, 200, 49, 1 },	/* n >= 3 */
};

int
cellkey_band(int year)
{
	int	 i;

	for (i = 0; i < CELLKEY_NBANDS; i++)
		if (year >= cellkey_bands[i].lo && year <= cellkey_bands[i].hi)
			return (i);
	return (-1);
}

int
cellkey_band_find(const char *name)
{
	int	 i;

	for (i = 0; i < CELLKEY_NBANDS; i++)
		if (strcmp(cellkey_bands[i].name, name) == 0)
			return (i);
	return (-1);
}

int
cellkey_noise(int64_t n, uint32_t key)
{
	const int	*row = ptable[n <= 0 ? 0 : n >= CELLKEY_D ? CELLKEY_D :
	    (int)n];
	unsigned	 at = (unsigned)(((uint64_t)key * PT_STEPS) >> 32);
	unsigned	 cum = 0;
	int		 d;

	for (d = 0; d < 2 * CELLKEY_D + 1; d++) {
		cum += (unsigned)row[d];
		if (at < cum)
			return (d - CELLKEY_D);
	}
	return (0);		/* not reached: each row sums to PT_STEPS */
}

bool
cellkey_publish(int64_t n, uint32_t key, int t, int64_t *out)
{
	int64_t	 p = n + cellkey_noise(n, key);

	*out = 0;
	if (n <= 0 || p < t)
		return (false);
	*out = p;
	return (true);
}

enum cellkey_diff
cellkey_diff(const int64_t *oldc, const uint32_t *oldk, const int64_t *newc,
    const uint32_t *newk, size_t n, int t)
{
	int64_t		 most = 0, d;
	size_t		 i;
	bool		 changed = false;

	for (i = 0; i < n; i++) {
		if (oldc[i] != newc[i] || oldk[i] != newk[i])
			changed = true;
		d = oldc[i] > newc[i] ? oldc[i] - newc[i] : newc[i] - oldc[i];
		if (d > most)
			most = d;
	}
	if (!changed)
		return (CELLKEY_SAME);
	return (most >= t ? CELLKEY_TAKE : CELLKEY_HOLD);
}
