/*
 * node/lp.h: a small dense linear-programming solver, for disclosure
 * control (once node/disclose.c, replaced by the cell-key method of
 * conflict/cellkey.h; nothing calls this module now).
 *
 * lp_min solves: minimise c.x subject to a x = b and x >= 0, with the
 * two-phase simplex method and Bland's rule (no cycling), on doubles.
 * It suits problems of a few hundred variables and rows; the tableau is
 * (m + 1) x (n + m + 1) doubles.  Nothing here does I/O.
 */
#ifndef OPORA_LP_H
#define OPORA_LP_H

#include <stddef.h>

enum lp_result { LP_OK, LP_INFEASIBLE, LP_UNBOUNDED, LP_FAILED };

/*
 * The pivots lp_min makes per phase before it gives up with LP_FAILED.
 * Bland's rule cannot cycle, so the bound only stops a problem far larger
 * than the solver is meant for (or numerical trouble) from running on;
 * disclosure control treats LP_FAILED as "cannot tell" and hides.
 */
#define LP_MAX_ITER	100000

/* Reduced costs and pivots within LP_EPS of zero count as zero. */
#define LP_EPS		1e-9

/* Phase one ending with artificial variables summing above this: the
 * problem is infeasible. */
#define LP_FEAS_TOL	1e-7

/*
 * lp_min(a, b, c, m, n, opt): a is m rows of n (row-major), b has m
 * entries, c has n; all borrowed.  LP_OK with the least value in *opt;
 * LP_INFEASIBLE; LP_UNBOUNDED; LP_FAILED (out of memory, a tableau larger
 * than memory can index, or no optimum within LP_MAX_ITER pivots).
 */
enum lp_result	 lp_min(const double *a, const double *b, const double *c,
		    size_t m, size_t n, double *opt);

/* lp_min_iter(a, b, c, m, n, maxit, opt): lp_min with at most maxit
 * pivots per phase instead of LP_MAX_ITER (tests force LP_FAILED). */
enum lp_result	 lp_min_iter(const double *a, const double *b,
		    const double *c, size_t m, size_t n, size_t maxit,
		    double *opt);

#endif /* OPORA_LP_H */
