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
 *   - the audit: for each primary cell, an attacker who knows every
 *     published cell and every line solves two linear programs for the
 *     least and greatest value the cell can take; while that range is
 *     narrower than threshold, one more partner is hidden.
 * Status codes are SDMX's CL_CONF_STATUS: 'F' free, 'A' primary, 'D'
 * secondary.  Nothing here does I/O.
 *
 * Fail closed.  A check that cannot finish never lets a cell out: when
 * memory runs out, the solver fails (LP_FAILED, or "infeasible" or
 * "unbounded" where the table's own values prove otherwise), its range
 * misses the cell's true value, a problem exceeds DISCLOSE_LP_ROWS, or
 * no partner is left to hide, disclose_secondary hides every cell of the
 * table ('D') and says why in t->failed.  A group of hidden cells larger
 * than DISCLOSE_LP_VARS is not skipped: the attacker's program keeps the
 * DISCLOSE_LP_VARS hidden cells nearest the audited one (through lines)
 * as unknowns and takes the farther ones as known -- a stronger attacker
 * than the real one, so the range it finds can only be narrower than the
 * true one, and a range it accepts is safe.
 *
 * Memory: a table owns its arrays; disclose_free() releases them.
 */
#ifndef OPORA_DISCLOSE_H
#define OPORA_DISCLOSE_H

#include <stddef.h>
#include <stdint.h>

#include "node/lp.h"

/*
 * The most hidden cells one attacker's linear program takes as unknowns.
 * The simplex is dense: its tableau is (rows + 1) x (unknowns + rows + 1)
 * doubles, and each primary cell costs two programs; 300 unknowns keep a
 * federal table's audit within seconds.  Beyond it, see "fail closed".
 */
#define DISCLOSE_LP_VARS	300

/* The most lines (rows) one program may hold: 1200 rows and 300 unknowns
 * make a tableau of about 12 MB.  An unknown is admitted only with all its
 * lines; when even the audited cell's lines exceed it, the table is hidden. */
#define DISCLOSE_LP_ROWS	1200

/*
 * Ranges are computed in doubles.  A range counts as wide enough when it
 * is at least threshold - DISCLOSE_TOL: the vertices of these programs
 * are integers (sums of counts), so a range within DISCLOSE_TOL of the
 * threshold is the threshold itself.  The true value of the cell must lie
 * within DISCLOSE_TOL of the range, else the solver is not trusted.
 */
#define DISCLOSE_TOL		1e-6

/* Test hook: the solver the audit calls (lp_min_iter), and the pivots it
 * allows per phase (LP_MAX_ITER).  Tests set them to force each failure. */
extern enum lp_result (*disclose_lp)(const double *, const double *,
	    const double *, size_t, size_t, size_t, double *);
extern size_t	 disclose_lp_iter;

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
	const char	*failed;	/* static: why all was hidden */
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
 * cells it hid, or -1 when a check could not finish (see "fail closed"):
 * then every cell is hidden, so that nothing unsafe is published, and
 * t->failed says why, for the log.
 */
long	 disclose_secondary(struct dtable *t, int threshold);

/* disclose_free(t): release t's arrays. */
void	 disclose_free(struct dtable *t);

#endif /* OPORA_DISCLOSE_H */
