/*
 * node/disclose.h: statistical disclosure control for published tables.
 *
 * A table is a set of cells holding counts of persons, and lines: each
 * line says that one cell (a total: a district, Russia, both sexes, all
 * birth years) is the sum of others.  Before anything leaves the federal
 * node:
 *   - primary suppression: a count from 1 to threshold - 1 is hidden
 *     (status 'A'); so is a zero when the caller says it would show that a
 *     whole group shares one value (disclose_mark);
 *   - secondary suppression (disclose_secondary): more cells are hidden
 *     (status 'D') until no line holds exactly one hidden cell, and no
 *     hidden cell can be computed from the published ones through any
 *     combination of lines (a rank test over the lines); partners are
 *     chosen so that the hidden values in a line can trade at least a
 *     threshold's worth.
 * Status codes are SDMX's CL_CONF_STATUS: 'F' free, 'A' primary, 'D'
 * secondary.  Nothing here does I/O.
 *
 * Memory: a table owns its arrays; disclose_free() releases them.
 */
#ifndef OPORA_DISCLOSE_H
#define OPORA_DISCLOSE_H

#include <stddef.h>
#include <stdint.h>

struct dline {
	size_t		 parent;	/* the total */
	size_t		*kids;		/* owned */
	size_t		 nkids;
};

struct dtable {
	int64_t		*v;		/* counts */
	char		*status;	/* 'F', 'A' or 'D' */
	size_t		 n, cap;
	struct dline	*lines;
	size_t		 nlines, lcap;
};

/* disclose_cell(t, v): add a cell of count v; its index, or -1. */
long	 disclose_cell(struct dtable *t, int64_t v);

/* disclose_line(t, parent, kids, nkids): add a line parent = sum(kids)
 * (kids copied).  0 / -1. */
int	 disclose_line(struct dtable *t, size_t parent, const size_t *kids,
	    size_t nkids);

/* disclose_primary(t, threshold): hide counts 1..threshold-1 ('A'). */
void	 disclose_primary(struct dtable *t, int threshold);

/* disclose_mark(t, i): hide cell i as primary ('A'), whatever its count. */
void	 disclose_mark(struct dtable *t, size_t i);

/*
 * disclose_secondary(t, threshold): hide more cells ('D') as above.
 * Deterministic: the same table gives the same pattern.  Returns how many
 * cells it hid, or -1 on out of memory (then every cell is hidden, so that
 * nothing unsafe is published).
 */
long	 disclose_secondary(struct dtable *t, int threshold);

/* disclose_free(t): release t's arrays. */
void	 disclose_free(struct dtable *t);

#endif /* OPORA_DISCLOSE_H */
