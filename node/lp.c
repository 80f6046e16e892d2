/*
 * node/lp.c: a small dense simplex.  See lp.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "node/lp.h"

#define EPS	LP_EPS

/*
 * A simplex tableau: m constraint rows and the objective row, w columns
 * (the variables, then one artificial variable per row) and the right
 * hand side.  The objective row holds the reduced costs and, in its last
 * column, minus the objective's value.
 */
struct lp {
	double		*t;
	size_t		*basis;
	size_t		 m, n, w;
};

#define T(p, i, j)	((p)->t[(i) * ((p)->w + 1) + (j)])

static void
lp_pivot(struct lp *p, size_t r, size_t c)
{
	double		 f;
	size_t		 i, j;

	f = T(p, r, c);
	for (j = 0; j <= p->w; j++)
		T(p, r, j) /= f;
	for (i = 0; i <= p->m; i++) {
		if (i == r || (f = T(p, i, c)) == 0.0)
			continue;
		for (j = 0; j <= p->w; j++)
			T(p, i, j) -= f * T(p, r, j);
	}
	p->basis[r] = c;
}

/* Minimises over the tableau; only columns below ncols may enter. */
static enum lp_result
lp_run(struct lp *p, size_t ncols, size_t maxit)
{
	double		 q, best = 0.0;
	size_t		 i, j, r, it;

	for (it = 0; it < maxit; it++) {
		/* Bland: the first column of negative reduced cost enters. */
		for (j = 0; j < ncols; j++)
			if (T(p, p->m, j) < -EPS)
				break;
		if (j == ncols)
			return (LP_OK);
		/* The least ratio leaves; of equals, the least variable. */
		r = p->m;
		for (i = 0; i < p->m; i++) {
			if (T(p, i, j) <= EPS)
				continue;
			q = T(p, i, p->w) / T(p, i, j);
			if (r == p->m || q < best - EPS ||
			    (q <= best + EPS && p->basis[i] < p->basis[r])) {
				r = i;
				best = q;
			}
		}
		if (r == p->m)
			return (LP_UNBOUNDED);
		lp_pivot(p, r, j);
	}
	return (LP_FAILED);
}

enum lp_result
lp_min(const double *a, const double *b, const double *c, size_t m,
    size_t n, double *opt)
{
	return (lp_min_iter(a, b, c, m, n, LP_MAX_ITER, opt));
}

/*
 * lp_min_iter(a, b, c, m, n, maxit, opt): the least c.x over x >= 0 with
 * a x = b (a is m rows of n, row-major); the value goes to *opt.
 */
enum lp_result
lp_min_iter(const double *a, const double *b, const double *c, size_t m,
    size_t n, size_t maxit, double *opt)
{
	struct lp	 p;
	enum lp_result	 res;
	double		 s;
	size_t		 i, j, k;

	p.m = m;
	p.n = n;
	p.w = n + m;
	p.t = NULL;
	p.basis = NULL;
	/* (m + 1) * (w + 1) must not wrap around. */
	if (n > SIZE_MAX / 4 || m > SIZE_MAX / 4 ||
	    m + 1 > SIZE_MAX / sizeof(double) / (p.w + 1)) {
		res = LP_FAILED;
		goto out;
	}
	p.t = calloc((m + 1) * (p.w + 1), sizeof(double));
	p.basis = calloc(m + 1, sizeof(size_t));
	if (p.t == NULL || p.basis == NULL) {
		res = LP_FAILED;
		goto out;
	}
	for (i = 0; i < m; i++) {
		s = b[i] < 0.0 ? -1.0 : 1.0;
		for (j = 0; j < n; j++)
			T(&p, i, j) = s * a[i * n + j];
		T(&p, i, n + i) = 1.0;
		T(&p, i, p.w) = s * b[i];
		p.basis[i] = n + i;
	}
	/* Phase one: minimise the sum of the artificial variables. */
	for (j = 0; j <= p.w; j++) {
		s = 0.0;
		for (i = 0; i < m && (j < n || j == p.w); i++)
			s -= T(&p, i, j);
		T(&p, m, j) = s;
	}
	if ((res = lp_run(&p, p.w, maxit)) != LP_OK)
		goto out;
	if (-T(&p, m, p.w) > LP_FEAS_TOL) {
		res = LP_INFEASIBLE;
		goto out;
	}
	/* Artificial variables left at zero leave where they can. */
	for (i = 0; i < m; i++) {
		if (p.basis[i] < n)
			continue;
		for (j = 0; j < n; j++)
			if (fabs(T(&p, i, j)) > EPS)
				break;
		if (j < n)
			lp_pivot(&p, i, j);
	}
	/* Phase two: the real objective, priced out over the basis. */
	for (j = 0; j <= p.w; j++)
		T(&p, m, j) = j < n ? c[j] : 0.0;
	for (i = 0; i < m; i++) {
		k = p.basis[i];
		if (k >= n || (s = T(&p, m, k)) == 0.0)
			continue;
		for (j = 0; j <= p.w; j++)
			T(&p, m, j) -= s * T(&p, i, j);
	}
	if ((res = lp_run(&p, n, maxit)) == LP_OK)
		*opt = -T(&p, m, p.w);
out:
	free(p.t);
	free(p.basis);
	return (res);
}

