/*
 * node/fedstats.c: answering researchers at the federal node.  See
 * fedstats.h; the rules are in docs/statistics.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "node/disclose.h"
#include "node/fedstats.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/snapshot.h"

#define MAXVALS		8	/* values of one question */
#define MAXYEARS	128	/* birth years in one table */

/*
 * The whole table of one question: value x geography x sex x birth year.
 * Geography: the regions with a snapshot (0..nr-1), their federal
 * districts (nr..nr+nd-1), then Russia (ng-1).  Sex: F, M, both.  Birth
 * year: each year present, then all.  One dtable per value.
 */
struct cube {
	int		 nv;
	const char	*vals[MAXVALS];
	char		 (*geo)[16];
	int		 ng, nr, nd;
	int		 years[MAXYEARS];
	int		 ny;
	int		 threshold;
	struct dtable	 t[MAXVALS];
};

static size_t
cidx(const struct cube *c, int g, int s, int y)
{
	return (((size_t)g * 3 + (size_t)s) * (size_t)(c->ny + 1) +
	    (size_t)y);
}

static void
cube_free(struct cube *c)
{
	int	 v;

	for (v = 0; v < MAXVALS; v++)
		disclose_free(&c->t[v]);
	free(c->geo);
	memset(c, 0, sizeof(*c));
}

static int
fail(char *why, size_t whysz, const char *what)
{
	snprintf(why, whysz, "%s", what);
	return (-1);
}

int
fedstats_parse(const char *indicator, const char *by, const char *period,
    struct fedstats_query *q, char *why, size_t whysz)
{
	const char	*p, *e;
	size_t		 n;

	memset(q, 0, sizeof(*q));
	if (indicator == NULL || snapshot_indicator_find(indicator) == NULL) {
		snprintf(why, whysz, "unknown indicator \"%.40s\"; see "
		    "docs/statistics.md for the list", indicator ? indicator :
		    "");
		return (-1);
	}
	snprintf(q->indicator, sizeof(q->indicator), "%s", indicator);
	if (period == NULL || strlen(period) >= sizeof(q->period) ||
	    (strlen(period) != 4 && strlen(period) != 7) ||
	    snapshot_year(period) == -1 || (strlen(period) == 7 &&
	    (period[4] != '-' || period[5] != 'Q' || period[6] < '1' ||
	    period[6] > '4'))) {
		snprintf(why, whysz, "the period must be a year (2025) or a "
		    "quarter (2025-Q1)");
		return (-1);
	}
	snprintf(q->period, sizeof(q->period), "%s", period);
	for (p = by != NULL ? by : ""; *p != '\0'; p = *e ? e + 1 : e) {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 6 && strncmp(p, "region", n) == 0)
			q->region = true;
		else if (n == 8 && strncmp(p, "district", n) == 0)
			q->district = true;
		else if (n == 3 && strncmp(p, "sex", n) == 0)
			q->sex = true;
		else if (n == 10 && strncmp(p, "birth_year", n) == 0)
			q->birth_year = true;
		else {
			snprintf(why, whysz, "\"%.*s\" is not a dimension: use "
			    "region, district, sex, birth_year", (int)(n < 40 ?
			    n : 40), p);
			return (-1);
		}
	}
	if (q->region && q->district)
		return (fail(why, whysz, "ask by region or by district, not "
		    "both: regions are listed with their district"));
	return (0);
}

static const char SQL_REGIONS[] =
    "SELECT region, snapshot FROM stats_current WHERE year = ?"
    " ORDER BY region";
static const char SQL_CELLS[] =
    "SELECT c.region, c.indicator, c.sex, c.birth_year, c.count"
    " FROM stats_cells c JOIN stats_current k ON k.snapshot = c.snapshot"
    " WHERE c.period = ?1 AND c.indicator >= ?2 AND c.indicator < ?3";

static int
geo_find(const struct cube *c, const char *g)
{
	int	 i;

	for (i = 0; i < c->ng; i++)
		if (strcmp(c->geo[i], g) == 0)
			return (i);
	return (-1);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(a, b));
}

/* The geography: regions (sorted, given), then their districts, then RU;
 * plus a digest input naming the snapshots. */
static int
geography(struct cube *c, char (*regions)[16], int nr)
{
	char	 d[16][16];
	int	 i, j, nd = 0;

	for (i = 0; i < nr; i++) {
		const char *dist = fields_region_district(regions[i]);

		if (dist == NULL)
			continue;
		for (j = 0; j < nd; j++)
			if (strcmp(d[j], dist) == 0)
				break;
		if (j == nd && nd < 16)
			snprintf(d[nd++], 16, "%s", dist);
	}
	qsort(d, (size_t)nd, sizeof(d[0]), cmp_str);
	if ((c->geo = calloc((size_t)(nr + nd + 1), sizeof(*c->geo))) == NULL)
		return (-1);
	if (nr > 0)	/* regions is NULL when no region sent a snapshot */
		memcpy(c->geo, regions, (size_t)nr * sizeof(*c->geo));
	memcpy(c->geo + nr, d, (size_t)nd * sizeof(*c->geo));
	snprintf(c->geo[nr + nd], 16, "RU");
	c->nr = nr;
	c->nd = nd;
	c->ng = nr + nd + 1;
	return (0);
}

/* Sum the regions' base cells up: sexes, years, districts, Russia. */
static void
totals(struct cube *c, struct dtable *t)
{
	int	 g, s, y, r;

	for (g = 0; g < c->nr; g++) {
		for (y = 0; y < c->ny; y++)
			t->v[cidx(c, g, 2, y)] = t->v[cidx(c, g, 0, y)] +
			    t->v[cidx(c, g, 1, y)];
		for (s = 0; s < 3; s++)
			for (y = 0; y < c->ny; y++)
				t->v[cidx(c, g, s, c->ny)] +=
				    t->v[cidx(c, g, s, y)];
	}
	for (r = 0; r < c->nr; r++) {
		const char *dist = fields_region_district(c->geo[r]);

		g = dist != NULL ? geo_find(c, dist) : -1;
		for (s = 0; g >= 0 && s < 3; s++)
			for (y = 0; y <= c->ny; y++) {
				t->v[cidx(c, g, s, y)] += t->v[cidx(c, r, s, y)];
				t->v[cidx(c, c->ng - 1, s, y)] +=
				    t->v[cidx(c, r, s, y)];
			}
	}
}

/* The lines of one value's table. */
static int
lines(const struct cube *c, struct dtable *t)
{
	size_t	 kids[512];
	int	 g, s, y, r, d, n;

	for (g = 0; g < c->ng; g++)
		for (y = 0; y <= c->ny; y++) {
			kids[0] = cidx(c, g, 0, y);
			kids[1] = cidx(c, g, 1, y);
			if (disclose_line(t, cidx(c, g, 2, y), kids, 2) == -1)
				return (-1);
		}
	for (g = 0; g < c->ng; g++)
		for (s = 0; s < 3; s++) {
			for (y = 0; y < c->ny; y++)
				kids[y] = cidx(c, g, s, y);
			if (disclose_line(t, cidx(c, g, s, c->ny), kids,
			    (size_t)c->ny) == -1)
				return (-1);
		}
	for (s = 0; s < 3; s++)
		for (y = 0; y <= c->ny; y++) {
			for (d = c->nr; d < c->nr + c->nd; d++) {
				for (r = 0, n = 0; r < c->nr && n < 512; r++)
					if (strcmp(fields_region_district(
					    c->geo[r]), c->geo[d]) == 0)
						kids[n++] = cidx(c, r, s, y);
				if (disclose_line(t, cidx(c, d, s, y), kids,
				    (size_t)n) == -1)
					return (-1);
			}
			for (d = 0; d < c->nd; d++)
				kids[d] = cidx(c, c->nr + d, s, y);
			if (disclose_line(t, cidx(c, c->ng - 1, s, y), kids,
			    (size_t)c->nd) == -1)
				return (-1);
		}
	return (0);
}

static const char SQL_TABLE_GET[] = "SELECT body FROM stats_tables WHERE key = ?";
static const char SQL_TABLE_PUT[] =
    "INSERT OR REPLACE INTO stats_tables (key, body) VALUES (?, ?)";

/*
 * The whole table of the question of indicator for period, suppressed:
 * from stats_tables if these snapshots were suppressed before, else
 * computed and kept.
 */
static int
cube_build(struct node *n, const char *indicator, const char *period,
    struct cube *c, char *why, size_t whysz)
{
	struct store	*st = n->st;
	const struct snapshot_indicator *ind = snapshot_indicator_find(
	    indicator), *i;
	sqlite3_stmt	*s;
	char		 (*regions)[16] = NULL, lo[40], hi[40], key[65];
	struct buf	 kb;
	const void	*body;
	size_t		 ncell, at, ncap = 0;
	int		 nr = 0, v, g, y, year = snapshot_year(period), rc = -1;
	int		 nz, only, r;

	memset(c, 0, sizeof(*c));
	buf_init(&kb, 1 << 20);
	/* The question's values. */
	for (i = snapshot_indicators; i->code != NULL && c->nv < MAXVALS; i++)
		if (i == ind || (ind->group != NULL && i->group != NULL &&
		    strcmp(i->group, ind->group) == 0))
			c->vals[c->nv++] = i->code;
	c->threshold = ind->sensitive ? n->cfg.stats_threshold_sensitive :
	    n->cfg.stats_threshold;
	/* The question's codes: "housing." up to "housing/" (the next
	 * character), or the one code. */
	if (ind->group != NULL) {
		snprintf(lo, sizeof(lo), "%s.", ind->group);
		snprintf(hi, sizeof(hi), "%s/", ind->group);
	} else {
		snprintf(lo, sizeof(lo), "%s", ind->code);
		snprintf(hi, sizeof(hi), "%s%c", ind->code, 1);
	}
	/* The regions that published this year, and what they sent. */
	buf_addf(&kb, "%s|%s|%d", ind->group ? ind->group : ind->code, period,
	    c->threshold);
	if ((s = store_stmt(st, SQL_REGIONS)) == NULL)
		goto out;
	sqlite3_bind_int(s, 1, year);
	/* Every loop below must end with SQLITE_DONE: a cube from part of
	 * the snapshots would be kept in stats_tables as if whole. */
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if ((size_t)nr == ncap) {
			void *nv;

			ncap = ncap ? ncap * 2 : 32;
			if ((nv = reallocarray(regions, ncap,
			    sizeof(*regions))) == NULL)
				break;
			regions = nv;
		}
		snprintf(regions[nr++], 16, "%s",
		    (const char *)sqlite3_column_text(s, 0));
		buf_addf(&kb, "|%s", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	if (r == SQLITE_ROW)
		goto oom;
	if (r != SQLITE_DONE)
		goto out;
	if (geography(c, regions, nr) == -1)
		goto oom;
	/* Birth years present. */
	if ((s = store_stmt(st, SQL_CELLS)) == NULL)
		goto out;
	sqlite3_bind_text(s, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hi, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		int by = sqlite3_column_int(s, 3);

		for (y = 0; y < c->ny && c->years[y] != by; y++)
			;
		if (y == c->ny && c->ny < MAXYEARS)
			c->years[c->ny++] = by;
	}
	sqlite3_reset(s);
	if (r != SQLITE_DONE)
		goto out;
	for (y = 1; y < c->ny; y++)		/* insertion sort: few years */
		for (g = y; g > 0 && c->years[g - 1] > c->years[g]; g--) {
			int tmp = c->years[g];

			c->years[g] = c->years[g - 1];
			c->years[g - 1] = tmp;
		}
	ncell = (size_t)c->ng * 3 * (size_t)(c->ny + 1);
	for (v = 0; v < c->nv; v++)
		for (at = 0; at < ncell; at++)
			if (disclose_cell(&c->t[v], 0) == -1)
				goto oom;
	/* The regions' counts. */
	sqlite3_bind_text(s, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hi, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		const char *reg = (const char *)sqlite3_column_text(s, 0);
		const char *code = (const char *)sqlite3_column_text(s, 1);
		const char *sex = (const char *)sqlite3_column_text(s, 2);
		int by = sqlite3_column_int(s, 3);

		for (v = 0; v < c->nv && strcmp(c->vals[v], code) != 0; v++)
			;
		for (y = 0; y < c->ny && c->years[y] != by; y++)
			;
		if (v == c->nv || y == c->ny || reg == NULL || sex == NULL ||
		    (g = geo_find(c, reg)) < 0 || g >= c->nr)
			continue;
		c->t[v].v[cidx(c, g, sex[0] == 'M', y)] +=
		    sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (r != SQLITE_DONE)
		goto out;
	for (v = 0; v < c->nv; v++)
		totals(c, &c->t[v]);
	/* Suppressed before, from the very same snapshots? */
	change_id(kb.data, kb.len, key);
	if ((s = store_stmt(st, SQL_TABLE_GET)) == NULL)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(s)) != SQLITE_ROW && r != SQLITE_DONE) {
		sqlite3_reset(s);
		goto out;
	}
	if (r == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(s, 0) == ncell * (size_t)c->nv &&
	    (body = sqlite3_column_blob(s, 0)) != NULL) {
		for (v = 0; v < c->nv; v++)
			memcpy(c->t[v].status, (const char *)body + ncell *
			    (size_t)v, ncell);
		sqlite3_reset(s);
		rc = 0;
		goto out;
	}
	sqlite3_reset(s);
	/* Not kept: protect it.  The lines matter only here. */
	for (v = 0; v < c->nv; v++)
		if (lines(c, &c->t[v]) == -1)
			goto oom;
	/* Primary: small counts, and zeros that would show a whole group
	 * sharing one value of the question. */
	for (v = 0; v < c->nv; v++)
		disclose_primary(&c->t[v], c->threshold);
	for (at = 0; c->nv > 1 && at < ncell; at++) {
		for (v = 0, nz = 0, only = -1; v < c->nv; v++)
			if (c->t[v].v[at] > 0) {
				nz++;
				only = v;
			}
		for (v = 0; nz == 1 && v < c->nv; v++)
			if (v != only)
				disclose_mark(&c->t[v], at);
	}
	for (v = 0; v < c->nv; v++)
		(void)disclose_secondary(&c->t[v], c->threshold);
	buf_free(&kb);
	buf_init(&kb, ncell * (size_t)c->nv + 1);
	for (v = 0; v < c->nv; v++)
		buf_add(&kb, c->t[v].status, ncell);
	if ((s = store_stmt(st, SQL_TABLE_PUT)) != NULL) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, kb.data, (int)kb.len, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			log_warnx("keep a suppressed table: %s",
			    sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
	}
	rc = 0;
	goto out;
oom:
	snprintf(why, whysz, "out of memory");
out:
	if (rc == -1 && why[0] == '\0')
		snprintf(why, whysz, "cannot read the snapshots: %s",
		    sqlite3_errmsg(store_db(st)));
	free(regions);
	buf_free(&kb);
	return (rc);
}

static int
add_row(struct fedstats_result *out, const char *geo, const char *to,
    char sex, int by, int64_t v, char status)
{
	struct fedstats_row	*nr;

	if ((out->nrows & (out->nrows - 1)) == 0) {
		if ((nr = reallocarray(out->rows, out->nrows ? out->nrows * 2 :
		    1, sizeof(*nr))) == NULL)
			return (-1);
		out->rows = nr;
	}
	nr = &out->rows[out->nrows++];
	memset(nr, 0, sizeof(*nr));
	snprintf(nr->geo, sizeof(nr->geo), "%s", geo);
	if (to != NULL)
		snprintf(nr->to, sizeof(nr->to), "%s", to);
	nr->sex = sex;
	nr->birth_year = by;
	nr->count = v;
	nr->status = status;
	return (0);
}

static const char SQL_LOG[] =
    "INSERT INTO stats_queries (at, who, query, cells) VALUES (?, ?, ?, ?)";

void
fedstats_log(struct store *st, const char *who, const char *what,
    size_t cells)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_LOG)) == NULL)
		return;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)node_now_ms());
	sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)cells);
	if (sqlite3_step(s) != SQLITE_DONE)
		log_warnx("log a statistics query: %s",
		    sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
}

int
fedstats_run(struct node *n, const struct fedstats_query *q,
    const char *who, struct fedstats_result *out, char *why, size_t whysz)
{
	struct store	*st = n->st;
	struct cube	 c;
	char		 what[160];
	int		 v, g, g0, g1, s, s0, s1, y, y0, y1;
	size_t		 at;

	memset(out, 0, sizeof(*out));
	out->q = *q;
	why[0] = '\0';
	if (cube_build(n, q->indicator, q->period, &c, why, whysz) == -1)
		return (-1);
	for (v = 0; v < c.nv && strcmp(c.vals[v], q->indicator) != 0; v++)
		;
	out->threshold = c.threshold;
	out->nregions = (size_t)c.nr;
	g0 = q->region ? 0 : q->district ? c.nr : c.ng - 1;
	g1 = q->region ? c.nr : q->district ? c.nr + c.nd : c.ng;
	s0 = q->sex ? 0 : 2;
	s1 = q->sex ? 2 : 3;
	y0 = q->birth_year ? 0 : c.ny;
	y1 = q->birth_year ? c.ny : c.ny + 1;
	for (g = g0; v < c.nv && g < g1; g++)
		for (s = s0; s < s1; s++)
			for (y = y0; y < y1; y++) {
				at = cidx(&c, g, s, y);
				if (add_row(out, c.geo[g], NULL, s == 0 ? 'F' :
				    s == 1 ? 'M' : 0, y < c.ny ? c.years[y] :
				    0, c.t[v].v[at], c.t[v].status[at]) == -1) {
					cube_free(&c);
					fedstats_result_free(out);
					return (fail(why, whysz,
					    "out of memory"));
				}
			}
	snprintf(what, sizeof(what), "%s period=%s by=%s%s%s%s", q->indicator,
	    q->period, q->region ? "region," : "", q->district ? "district," :
	    "", q->sex ? "sex," : "", q->birth_year ? "birth_year" : "");
	if (who != NULL)
		fedstats_log(st, who, what, out->nrows);
	cube_free(&c);
	return (0);
}

static const char SQL_YEAR_SNAPSHOTS[] =
    "SELECT snapshot FROM stats_current WHERE year = ? ORDER BY region";

/*
 * Protect the flows table t of year, or take the protection kept from the
 * same snapshots: the statuses depend only on them.  0 / -1.
 */
static int
protect_kept(struct store *st, struct dtable *t, int year, int threshold)
{
	sqlite3_stmt	*s;
	struct buf	 kb;
	const void	*body;
	char		 key[65];
	int		 r, rc = -1;

	buf_init(&kb, 1 << 20);
	buf_addf(&kb, "flows|%d|%d", year, threshold);
	if ((s = store_stmt(st, SQL_YEAR_SNAPSHOTS)) == NULL)
		goto out;
	sqlite3_bind_int(s, 1, year);
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		buf_addf(&kb, "|%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	/* A key from part of the snapshots would name another table. */
	if (r != SQLITE_DONE || buf_failed(&kb))
		goto out;
	change_id(kb.data, kb.len, key);
	if ((s = store_stmt(st, SQL_TABLE_GET)) == NULL)
		goto out;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(s)) != SQLITE_ROW && r != SQLITE_DONE) {
		sqlite3_reset(s);
		goto out;
	}
	if (r == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(s, 0) == t->n &&
	    (body = sqlite3_column_blob(s, 0)) != NULL) {
		memcpy(t->status, body, t->n);
		sqlite3_reset(s);
		rc = 0;
		goto out;
	}
	sqlite3_reset(s);
	disclose_primary(t, threshold);
	(void)disclose_secondary(t, threshold);
	if ((s = store_stmt(st, SQL_TABLE_PUT)) != NULL) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, t->status, (int)t->n, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			log_warnx("keep a suppressed table: %s",
			    sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
	}
	rc = 0;
out:
	buf_free(&kb);
	return (rc);
}

static const char SQL_FLOWS[] =
    "SELECT f.region, f.\"to\", f.count FROM stats_flows f"
    " JOIN stats_current k ON k.snapshot = f.snapshot WHERE f.year = ?1"
    " AND k.year = ?1";

int
fedstats_flows(struct node *nd, int year, bool region_level,
    const char *who, struct fedstats_result *out, char *why, size_t whysz)
{
	struct store	*st = nd->st;
	int		 threshold = nd->cfg.stats_threshold;
	struct cube	 c;
	struct dtable	*t;
	sqlite3_stmt	*s;
	char		 (*regions)[16] = NULL, what[64];
	size_t		 kids[512];
	int		 nr = 0, i, j, o, d, k, n, sr, rc = -1;
	size_t		 ng;


	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	snprintf(out->q.indicator, sizeof(out->q.indicator), "flows");
	snprintf(out->q.period, sizeof(out->q.period), "%04d", year % 10000);
	out->q.region = region_level;
	out->q.district = !region_level;
	out->threshold = threshold;
	why[0] = '\0';
	/* Every region named as an origin or a destination. */
	if ((regions = calloc(fields_region_count(), sizeof(*regions))) ==
	    NULL)
		return (fail(why, whysz, "out of memory"));
	if ((s = store_stmt(st, SQL_FLOWS)) == NULL)
		goto out;
	sqlite3_bind_int(s, 1, year);
	while ((sr = sqlite3_step(s)) == SQLITE_ROW)
		for (k = 0; k < 2; k++) {
			const char *r = (const char *)sqlite3_column_text(s,
			    k);

			for (i = 0; i < nr && strcmp(regions[i], r) != 0; i++)
				;
			if (i == nr && (size_t)nr < fields_region_count() &&
			    fields_region_district(r) != NULL)
				snprintf(regions[nr++], 16, "%s", r);
		}
	sqlite3_reset(s);
	if (sr != SQLITE_DONE)
		goto out;
	qsort(regions, (size_t)nr, sizeof(*regions), cmp_str);
	if (geography(&c, regions, nr) == -1)
		goto oom;
	out->nregions = (size_t)nr;
	ng = (size_t)c.ng;
	t = &c.t[0];
	for (i = 0; i < c.ng * c.ng; i++)
		if (disclose_cell(t, 0) == -1)
			goto oom;
	sqlite3_bind_int(s, 1, year);
	while ((sr = sqlite3_step(s)) == SQLITE_ROW) {
		o = geo_find(&c, (const char *)sqlite3_column_text(s, 0));
		d = geo_find(&c, (const char *)sqlite3_column_text(s, 1));
		if (o >= 0 && d >= 0 && o < c.nr && d < c.nr)
			t->v[(size_t)o * ng + (size_t)d] +=
			    sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (sr != SQLITE_DONE)
		goto out;
	/* Totals: origin districts and Russia for each destination region,
	 * then destination districts and Russia for every origin. */
	for (o = 0; o < c.nr; o++)
		for (d = 0; d < c.nr; d++) {
			int og = geo_find(&c, fields_region_district(
			    c.geo[o]));

			t->v[(size_t)og * ng + (size_t)d] +=
			    t->v[(size_t)o * ng + (size_t)d];
			t->v[(ng - 1) * ng + (size_t)d] +=
			    t->v[(size_t)o * ng + (size_t)d];
		}
	for (o = 0; o < c.ng; o++)
		for (d = 0; d < c.nr; d++) {
			int dg = geo_find(&c, fields_region_district(
			    c.geo[d]));

			t->v[(size_t)o * ng + (size_t)dg] +=
			    t->v[(size_t)o * ng + (size_t)d];
			t->v[(size_t)o * ng + ng - 1] +=
			    t->v[(size_t)o * ng + (size_t)d];
		}
	/* Lines, both ways. */
	for (k = 0; k < 2; k++)
		for (j = 0; j < c.ng; j++) {
			for (d = c.nr; d < c.nr + c.nd; d++) {
				for (i = 0, n = 0; i < c.nr && n < 512; i++)
					if (strcmp(fields_region_district(
					    c.geo[i]), c.geo[d]) == 0)
						kids[n++] = k == 0 ? (size_t)i *
						    ng + (size_t)j : (size_t)j *
						    ng + (size_t)i;
				if (disclose_line(t, k == 0 ? (size_t)d * ng +
				    (size_t)j : (size_t)j * ng + (size_t)d,
				    kids, (size_t)n) == -1)
					goto oom;
			}
			for (d = 0; d < c.nd; d++)
				kids[d] = k == 0 ? (size_t)(c.nr + d) * ng +
				    (size_t)j : (size_t)j * ng + (size_t)(c.nr +
				    d);
			if (disclose_line(t, k == 0 ? (ng - 1) * ng +
			    (size_t)j : (size_t)j * ng + ng - 1, kids,
			    (size_t)c.nd) == -1)
				goto oom;
		}
	if (protect_kept(st, t, year, threshold) == -1)
		goto oom;
	for (o = region_level ? 0 : c.nr; o < (region_level ? c.nr : c.nr +
	    c.nd); o++)
		for (d = region_level ? 0 : c.nr; d < (region_level ? c.nr :
		    c.nr + c.nd); d++) {
			size_t at = (size_t)o * ng + (size_t)d;

			if (region_level && o == d)
				continue;
			if (add_row(out, c.geo[o], c.geo[d], 0, 0, t->v[at],
			    t->status[at]) == -1)
				goto oom;
		}
	snprintf(what, sizeof(what), "flows year=%d level=%s", year,
	    region_level ? "region" : "district");
	if (who != NULL)
		fedstats_log(st, who, what, out->nrows);
	rc = 0;
	goto out;
oom:
	snprintf(why, whysz, "out of memory");
out:
	if (rc == -1 && why[0] == '\0')
		snprintf(why, whysz, "cannot read the snapshots");
	if (rc == -1)
		fedstats_result_free(out);
	cube_free(&c);
	free(regions);
	return (rc);
}

int
fedstats_warm(struct node *n, int year)
{
	const struct snapshot_indicator	*i, *j;
	struct fedstats_result		 r;
	struct cube			 c;
	char				 why[256], period[8];
	int				 q;

	for (i = snapshot_indicators; i->code != NULL; i++) {
		/* One table per question: its first value builds it. */
		for (j = snapshot_indicators; j < i; j++)
			if (i->group != NULL && j->group != NULL &&
			    strcmp(i->group, j->group) == 0)
				break;
		if (j < i)
			continue;
		for (q = 0; q < 5; q++) {
			snapshot_period(year, q, period);
			why[0] = '\0';
			if (cube_build(n, i->code, period, &c, why,
			    sizeof(why)) == -1) {
				log_warnx("prepare %s for %s: %s", i->code,
				    period, why);
				return (-1);
			}
			cube_free(&c);
		}
	}
	if (fedstats_flows(n, year, false, NULL, &r, why, sizeof(why)) ==
	    -1)
		return (-1);
	fedstats_result_free(&r);
	return (0);
}

void
fedstats_result_free(struct fedstats_result *r)
{
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
}

int
fedstats_csv(const struct fedstats_result *r, struct buf *out)
{
	const struct fedstats_query	*q = &r->q;
	const struct fedstats_row	*w;
	size_t				 i;
	bool				 flows = strcmp(q->indicator,
					    "flows") == 0;

	if (flows)
		buf_adds(out, "indicator,period,from,to,count,status\n");
	else
		buf_addf(out, "indicator,period%s%s%s,count,status\n",
		    q->region ? ",region" : q->district ? ",district" :
		    ",geography", q->sex ? ",sex" : "", q->birth_year ?
		    ",birth_year" : "");
	for (i = 0; i < r->nrows; i++) {
		w = &r->rows[i];
		buf_addf(out, "%s,%s,%s", q->indicator, q->period, w->geo);
		if (flows)
			buf_addf(out, ",%s", w->to);
		if (q->sex)
			buf_addf(out, ",%c", w->sex);
		if (q->birth_year)
			buf_addf(out, ",%d", w->birth_year);
		if (w->status == 'F')
			buf_addf(out, ",%lld,F\n", (long long)w->count);
		else
			buf_addf(out, ",,%c\n", w->status);
	}
	return (buf_failed(out) ? -1 : 0);
}

int
fedstats_json(const struct fedstats_result *r, struct buf *out)
{
	const struct fedstats_query	*q = &r->q;
	const struct fedstats_row	*w;
	cJSON				*j, *a, *o;
	char				*text, st[2] = { 0, 0 };
	size_t				 i;
	bool				 flows = strcmp(q->indicator,
					    "flows") == 0;

	if ((j = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddStringToObject(j, "indicator", q->indicator);
	cJSON_AddStringToObject(j, "period", q->period);
	cJSON_AddNumberToObject(j, "threshold", r->threshold);
	cJSON_AddNumberToObject(j, "regions", (double)r->nregions);
	a = cJSON_AddArrayToObject(j, "cells");
	for (i = 0; a != NULL && i < r->nrows; i++) {
		w = &r->rows[i];
		o = cJSON_CreateObject();
		cJSON_AddItemToArray(a, o);
		cJSON_AddStringToObject(o, flows ? "from" : q->region ?
		    "region" : q->district ? "district" : "geography", w->geo);
		if (flows)
			cJSON_AddStringToObject(o, "to", w->to);
		if (q->sex) {
			st[0] = w->sex;
			cJSON_AddStringToObject(o, "sex", st);
		}
		if (q->birth_year)
			cJSON_AddNumberToObject(o, "birth_year", w->birth_year);
		if (w->status == 'F')
			cJSON_AddNumberToObject(o, "count", (double)w->count);
		else
			cJSON_AddNullToObject(o, "count");
		st[0] = w->status;
		cJSON_AddStringToObject(o, "status", st);
	}
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (text == NULL)
		return (-1);
	buf_adds(out, text);
	buf_addc(out, '\n');
	free(text);
	return (buf_failed(out) ? -1 : 0);
}
