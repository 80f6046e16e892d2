/*
 * node/lp.h: a small dense linear-programming solver, for disclosure
 * control (node/disclose.c) and for checking it (tests/unit/test_disclose.c).
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
 * lp_min(a, b, c, m, n, opt): a is m rows of n (row-major), b has m
 * entries, c has n; all borrowed.  LP_OK with the least value in *opt;
 * LP_INFEASIBLE; LP_UNBOUNDED; LP_FAILED (out of memory, or no progress
 * within the iteration bound).
 */
enum lp_result	 lp_min(const double *a, const double *b, const double *c,
		    size_t m, size_t n, double *opt);

#endif /* OPORA_LP_H */
