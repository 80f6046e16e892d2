/*
 * node/fedstats.c: releases, and answering researchers, at the federal
 * node.  See fedstats.h; the rules are in docs/statistics.md.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conflict/cellkey.h"
#include "node/fedstats.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_stats.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/snapshot.h"

#define NSEX		3		/* F, M, both */
#define NBAND		(CELLKEY_NBANDS + 1)	/* each band, then all */
#define MAXDIST		16		/* federal districts */
/* The base cells of one group (sex x band) of one snapshot: indicators x
 * periods, and flows to every region. */
#define GROUP_MAX	512

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
		else if (n == 10 && strncmp(p, "birth_band", n) == 0)
			q->band = true;
		else {
			snprintf(why, whysz, "\"%.*s\" is not a dimension: use "
			    "region, district, sex, birth_band", (int)(n < 40 ?
			    n : 40), p);
			return (-1);
		}
	}
	if (q->region && q->district)
		return (fail(why, whysz, "ask by region or by district, not "
		    "both: regions are listed with their district"));
	return (0);
}

/* --- the log of requests ---------------------------------------------- */

void
fedstats_log(struct store *st, const char *who, const char *what,
    size_t cells, int status)
{
	/* Never fails the request: a write that fails is logged there. */
	(void)store_stats_log(st, (int64_t)node_now_ms(), who, what,
	    (int64_t)cells, status);
}

/* --- geography -------------------------------------------------------- */

/*
 * The table's geography: the regions of the release's year (sorted),
 * their federal districts (sorted), then Russia.  Sums: [geo][sex][band]
 * counts and key sums, flows [geo][geo].
 */
struct cube {
	char		 (*geo)[16];
	int		 ng, nr, nd;
	int64_t		*cnt;
	uint32_t	*key;
	size_t		 ncell;
};

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(a, b));
}

static int
geo_find(const struct cube *c, const char *g)
{
	int	 i;

	for (i = 0; g != NULL && i < c->ng; i++)
		if (strcmp(c->geo[i], g) == 0)
			return (i);
	return (-1);
}

static void
cube_free(struct cube *c)
{
	free(c->geo);
	free(c->cnt);
	free(c->key);
	memset(c, 0, sizeof(*c));
}

/* regions (nr of them, sorted) become the cube's geography, with cells
 * per geography of per cells each. */
static int
cube_new(struct cube *c, char (*regions)[16], int nr, size_t per)
{
	char	 d[MAXDIST][16];
	int	 i, j, nd = 0;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < nr; i++) {
		const char *dist = fields_region_district(regions[i]);

		for (j = 0; dist != NULL && j < nd; j++)
			if (strcmp(d[j], dist) == 0)
				break;
		if (dist != NULL && j == nd && nd < MAXDIST)
			snprintf(d[nd++], 16, "%s", dist);
	}
	qsort(d, (size_t)nd, sizeof(d[0]), cmp_str);
	c->nr = nr;
	c->nd = nd;
	c->ng = nr + nd + 1;
	c->ncell = (size_t)c->ng * per;
	if ((c->geo = calloc((size_t)c->ng, sizeof(*c->geo))) == NULL ||
	    (c->cnt = calloc(c->ncell, sizeof(*c->cnt))) == NULL ||
	    (c->key = calloc(c->ncell, sizeof(*c->key))) == NULL) {
		cube_free(c);
		return (-1);
	}
	if (nr > 0)
		memcpy(c->geo, regions, (size_t)nr * sizeof(*c->geo));
	if (nd > 0)
		memcpy(c->geo + nr, d, (size_t)nd * sizeof(*c->geo));
	snprintf(c->geo[nr + nd], 16, "RU");
	return (0);
}

/* The geographies a region's base cell adds to: itself, its district,
 * Russia.  How many. */
static int
geos_of(const struct cube *c, int r, int out[3])
{
	int	 n = 0, d;

	out[n++] = r;
	if ((d = geo_find(c, fields_region_district(c->geo[r]))) >= 0)
		out[n++] = d;
	out[n++] = c->ng - 1;
	return (n);
}

/* --- which release ---------------------------------------------------- */

/* The release to answer from: asked (must exist) or the latest.  0,
 * FEDSTATS_NONE, or -1. */
static int
which_release(struct store *st, int64_t asked, int64_t *out)
{
	int	 r;

	if ((r = store_stats_release_find(st, asked, out)) == 1)
		return (FEDSTATS_NONE);
	return (r);
}

struct regions_arg {
	char			 (*regions)[16];
	int			*nr;
	size_t			 cap;
	struct fedstats_result	*out;
};

static int
region_one(const char *reg, bool held, void *arg)
{
	struct regions_arg	*a = arg;

	if ((size_t)*a->nr >= a->cap)
		return (1);
	if (fields_region_district(reg) == NULL)
		return (0);
	snprintf(a->regions[(*a->nr)++], 16, "%s", reg);
	if (held)
		snprintf(a->out->held[a->out->nheld++], 16, "%s", reg);
	return (0);
}

/* The regions of year in release rel, and those holding something back
 * (into out->held).  0 and *regions (owned by the caller), or -1. */
static int
release_regions(struct store *st, int64_t rel, int year,
    char (**regions)[16], int *nr, struct fedstats_result *out)
{
	struct regions_arg	 a;
	size_t			 cap = fields_region_count();

	*nr = 0;
	if ((*regions = calloc(cap, sizeof(**regions))) == NULL ||
	    (out->held = calloc(cap, sizeof(*out->held))) == NULL)
		return (-1);
	a.regions = *regions;
	a.nr = nr;
	a.cap = cap;
	a.out = out;
	return (store_stats_release_regions(st, rel, year, region_one, &a) ==
	    -1 ? -1 : 0);
}

/* --- answers ---------------------------------------------------------- */

/*
 * A test hook: OPORA_TEST_NO_NOISE=1 publishes every count of at least t
 * unperturbed, so that tests/cli/t0106 can show the statistics attacker's
 * power against the threshold alone.  Honoured only together with the
 * other test hook, OPORA_TEST_CLOCK_OFFSET (node.h), which no node in
 * service has; read once, and said in the log.
 */
static bool		 no_noise;
static pthread_once_t	 no_noise_once = PTHREAD_ONCE_INIT;

static void
no_noise_read(void)
{
	const char	*v = getenv("OPORA_TEST_NO_NOISE");

	if (v != NULL && strcmp(v, "1") == 0 &&
	    getenv("OPORA_TEST_CLOCK_OFFSET") != NULL) {
		no_noise = true;
		log_warnx("OPORA_TEST_NO_NOISE: statistics are published "
		    "without perturbation (a test hook)");
	}
}

static bool
publish(int64_t n, uint32_t key, int t, int64_t *out)
{
	(void)pthread_once(&no_noise_once, no_noise_read);
	if (!no_noise)
		return (cellkey_publish(n, key, t, out));
	*out = n >= t ? n : 0;
	return (n >= t);
}

static int
add_row(struct fedstats_result *out, const char *ind, const char *geo,
    const char *to, char sex, int band, int64_t n, uint32_t key, int t)
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
	snprintf(nr->ind, sizeof(nr->ind), "%s", ind);
	snprintf(nr->geo, sizeof(nr->geo), "%s", geo);
	if (to != NULL)
		snprintf(nr->to, sizeof(nr->to), "%s", to);
	nr->sex = sex;
	nr->band = band;
	nr->status = publish(n, key, t, &nr->count) ? CELLKEY_FREE :
	    CELLKEY_HIDDEN;
	return (0);
}

static size_t
cat(int s, int b)
{
	return ((size_t)s * NBAND + (size_t)b);
}

/* Add a released base cell to the cube's sums. */
static int
base_one(const char *region, const char *sex, int b, int64_t n,
    uint32_t key, void *arg)
{
	struct cube	*c = arg;
	size_t		 per = NSEX * NBAND, at;
	int		 g, gs[3], ng, k, i, j, sxs[2], bs[2];

	g = geo_find(c, region);
	if (g < 0 || g >= c->nr || sex == NULL || b < 0 ||
	    b >= CELLKEY_NBANDS)
		return (0);
	sxs[0] = sex[0] == 'M';
	sxs[1] = 2;
	bs[0] = b;
	bs[1] = CELLKEY_NBANDS;
	ng = geos_of(c, g, gs);
	for (k = 0; k < ng; k++)
		for (i = 0; i < 2; i++)
			for (j = 0; j < 2; j++) {
				at = (size_t)gs[k] * per + cat(sxs[i], bs[j]);
				c->cnt[at] += n;
				c->key[at] += key;
			}
	return (0);
}

/* Append to out the cells of indicator asked by q, from release rel. */
static int
answer(struct store *st, const struct fedstats_query *q,
    const char *indicator, int64_t rel, int t, struct fedstats_result *out)
{
	struct cube	 c;
	char		 (*regions)[16] = NULL;
	int		 nr = 0, g, sx, b;
	int		 g0, g1, s0, s1, b0, b1, rc = -1;
	size_t		 per = NSEX * NBAND, at;

	memset(&c, 0, sizeof(c));
	free(out->held);
	out->held = NULL;
	out->nheld = 0;
	if (release_regions(st, rel, snapshot_year(q->period), &regions, &nr,
	    out) == -1 || cube_new(&c, regions, nr, per) == -1)
		goto out;
	out->nregions = (size_t)nr;
	/* Fail closed: sums of part of the cells are never published. */
	if (store_stats_release_cells(st, rel, snapshot_year(q->period),
	    q->period, indicator, base_one, &c) == -1)
		goto out;
	g0 = q->region ? 0 : q->district ? c.nr : c.ng - 1;
	g1 = q->region ? c.nr : q->district ? c.nr + c.nd : c.ng;
	s0 = q->sex ? 0 : 2;
	s1 = q->sex ? 2 : 3;
	b0 = q->band ? 0 : CELLKEY_NBANDS;
	b1 = q->band ? CELLKEY_NBANDS : NBAND;
	for (g = g0; g < g1; g++)
		for (sx = s0; sx < s1; sx++)
			for (b = b0; b < b1; b++) {
				at = (size_t)g * per + cat(sx, b);
				if (add_row(out, indicator, c.geo[g], NULL,
				    sx == 0 ? 'F' : sx == 1 ? 'M' : 0,
				    b < CELLKEY_NBANDS ? b : -1, c.cnt[at],
				    c.key[at], t) == -1)
					goto out;
			}
	rc = 0;
out:
	cube_free(&c);
	free(regions);
	return (rc);
}

static void
what_of(const struct fedstats_query *q, char *what, size_t sz)
{
	snprintf(what, sz, "%s period=%s by=%s%s%s%s release=%lld",
	    q->indicator, q->period, q->region ? "region," : "",
	    q->district ? "district," : "", q->sex ? "sex," : "",
	    q->band ? "birth_band" : "", (long long)q->release);
}

/* The end of an answer: log it, or say why there is none. */
static int
finish(struct store *st, const char *who, const char *what, int rc,
    struct fedstats_result *out, char *why, size_t whysz)
{
	if (rc == FEDSTATS_NONE)
		snprintf(why, whysz, "no such release: the federal node has "
		    "not released statistics yet, or not that release "
		    "(GET /v1/stats/releases lists them)");
	else if (rc == -1 && why[0] == '\0')
		snprintf(why, whysz, "the release could not be read; the "
		    "node's log says why");
	if (who != NULL)
		fedstats_log(st, who, what, rc == 0 ? out->nrows : 0,
		    rc == 0 ? 200 : rc == FEDSTATS_NONE ? 404 : 500);
	if (rc != 0)
		fedstats_result_free(out);
	return (rc);
}

int
fedstats_run(struct node *n, const struct fedstats_query *q,
    const char *who, struct fedstats_result *out, char *why, size_t whysz)
{
	const struct snapshot_indicator	*ind;
	char				 what[160];
	int				 rc;

	memset(out, 0, sizeof(*out));
	out->q = *q;
	why[0] = '\0';
	what_of(q, what, sizeof(what));
	if ((ind = snapshot_indicator_find(q->indicator)) == NULL)
		return (finish(n->st, who, what, -1, out, why, whysz));
	out->threshold = ind->sensitive ? n->cfg.stats_threshold_sensitive :
	    n->cfg.stats_threshold;
	if ((rc = which_release(n->st, q->release, &out->release)) == 0)
		rc = answer(n->st, q, q->indicator, out->release,
		    out->threshold, out);
	return (finish(n->st, who, what, rc, out, why, whysz));
}

int
fedstats_coverage(struct node *n, const char *period, int64_t release,
    const char *who, struct fedstats_result *out, char *why, size_t whysz)
{
	struct fedstats_query	 q;
	char			 what[80];
	int			 rc;

	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	snprintf(what, sizeof(what), "coverage period=%.8s release=%lld",
	    period, (long long)release);
	if (fedstats_parse("counted", "region", period, &q, why, whysz) ==
	    -1) {
		if (who != NULL)
			fedstats_log(n->st, who, what, 0, 400);
		return (-1);
	}
	q.release = release;
	snprintf(q.indicator, sizeof(q.indicator), "coverage");
	out->q = q;
	out->threshold = n->cfg.stats_threshold;
	if ((rc = which_release(n->st, release, &out->release)) == 0)
		rc = answer(n->st, &q, "counted", out->release,
		    out->threshold, out);
	if (rc == 0)
		rc = answer(n->st, &q, "registered", out->release,
		    out->threshold, out);
	return (finish(n->st, who, what, rc, out, why, whysz));
}

/* Add a released flow to the cube's sums. */
static int
flow_one(const char *from, const char *to, int64_t n, uint32_t key,
    void *arg)
{
	struct cube	*c = arg;
	size_t		 at;
	int		 o, d, os[3], ds[3], no, nd, i, j;

	o = geo_find(c, from);
	d = geo_find(c, to);
	if (o < 0 || d < 0 || o >= c->nr || d >= c->nr)
		return (0);
	no = geos_of(c, o, os);
	nd = geos_of(c, d, ds);
	for (i = 0; i < no; i++)
		for (j = 0; j < nd; j++) {
			at = (size_t)os[i] * (size_t)c->ng + (size_t)ds[j];
			c->cnt[at] += n;
			c->key[at] += key;
		}
	return (0);
}

int
fedstats_flows(struct node *nd, int year, bool region_level,
    int64_t release, const char *who, struct fedstats_result *out,
    char *why, size_t whysz)
{
	struct store	*st = nd->st;
	struct cube	 c;
	char		 (*regions)[16] = NULL, what[80];
	int		 nr = 0, o, d, lo, hi, rc = -1;
	size_t		 at;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	why[0] = '\0';
	snprintf(out->q.indicator, sizeof(out->q.indicator), "flows");
	snprintf(out->q.period, sizeof(out->q.period), "%04d", year % 10000);
	out->q.region = region_level;
	out->q.district = !region_level;
	out->q.release = release;
	out->threshold = nd->cfg.stats_threshold;
	snprintf(what, sizeof(what), "flows year=%d level=%s release=%lld",
	    year, region_level ? "region" : "district", (long long)release);
	if ((rc = which_release(st, release, &out->release)) != 0)
		goto out;
	rc = -1;
	if (release_regions(st, out->release, year, &regions, &nr, out) ==
	    -1)
		goto out;
	/* Flows to regions outside the release are left out: listing them
	 * would tell a researcher who moved where nobody publishes. */
	if (cube_new(&c, regions, nr, (size_t)nr + MAXDIST + 1) == -1)
		goto out;
	out->nregions = (size_t)nr;
	if (store_stats_release_flows(st, out->release, year, flow_one, &c) ==
	    -1)
		goto out;
	lo = region_level ? 0 : c.nr;
	hi = region_level ? c.nr : c.nr + c.nd;
	for (o = lo; o < hi; o++)
		for (d = lo; d < hi; d++) {
			if (region_level && o == d)
				continue;
			at = (size_t)o * (size_t)c.ng + (size_t)d;
			if (add_row(out, "flows", c.geo[o], c.geo[d], 0, -1,
			    c.cnt[at], c.key[at], out->threshold) == -1)
				goto out;
		}
	rc = 0;
out:
	cube_free(&c);
	free(regions);
	return (finish(st, who, what, rc, out, why, whysz));
}

/* --- releases --------------------------------------------------------- */

/* One base cell of a group, named: "c INDICATOR PERIOD" or "f REGION". */
struct gcell {
	char		 name[48];
	int64_t		 c[2];		/* old, new */
	uint32_t	 k[2];
};

struct group {
	struct gcell	 v[GROUP_MAX];
	size_t		 n;
	bool		 full;		/* more than GROUP_MAX: hold back */
};

struct group_arg {
	struct group	*g;
	int		 w;
};

static int
group_one(const char *name, int64_t count, uint32_t key, void *arg)
{
	struct group_arg	*a = arg;
	struct group		*g = a->g;
	size_t			 i;

	for (i = 0; i < g->n && strcmp(g->v[i].name, name) != 0; i++)
		;
	if (i == g->n) {
		if (g->n == GROUP_MAX) {
			g->full = true;
			return (0);
		}
		memset(&g->v[i], 0, sizeof(g->v[i]));
		snprintf(g->v[i].name, sizeof(g->v[i].name), "%s", name);
		g->n++;
	}
	g->v[i].c[a->w] = count;
	g->v[i].k[a->w] = key;
	return (0);
}

/* Read the group (sex, band) of snapshot id as side w (0 old, 1 new). */
static int
group_read(struct store *st, const char *id, const char *sex, int band,
    int w, struct group *g)
{
	struct group_arg	 a;

	a.g = g;
	a.w = w;
	return (store_stats_group_cells(st, id, sex, band, group_one, &a));
}

/*
 * Decide group (sex, band) of a region's year: from snapshot cur, or
 * (held back) from old, the snapshot of the last release.  0 and *take
 * (the snapshot to take, pointing at cur or old) with held filled when
 * held back, or -1.
 */
static int
group_decide(struct store *st, const char *old, const char *cur,
    const char *sex, int band, int t, const char **take, char *held,
    size_t heldsz)
{
	struct group	*g;
	int64_t		*oc = NULL, *nc = NULL, most = 0;
	uint32_t	*ok = NULL, *nk = NULL;
	size_t		 i;
	int		 rc = -1;
	enum cellkey_diff d;

	held[0] = '\0';
	*take = cur;
	if (old == NULL || strcmp(old, cur) == 0)
		return (0);
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return (-1);
	if (group_read(st, old, sex, band, 0, g) == -1 ||
	    group_read(st, cur, sex, band, 1, g) == -1)
		goto out;
	if ((oc = calloc(g->n + 1, sizeof(*oc))) == NULL ||
	    (nc = calloc(g->n + 1, sizeof(*nc))) == NULL ||
	    (ok = calloc(g->n + 1, sizeof(*ok))) == NULL ||
	    (nk = calloc(g->n + 1, sizeof(*nk))) == NULL)
		goto out;
	for (i = 0; i < g->n; i++) {
		oc[i] = g->v[i].c[0];
		nc[i] = g->v[i].c[1];
		ok[i] = g->v[i].k[0];
		nk[i] = g->v[i].k[1];
		if (llabs(oc[i] - nc[i]) > most)
			most = llabs(oc[i] - nc[i]);
	}
	d = g->full ? CELLKEY_HOLD : cellkey_diff(oc, ok, nc, nk, g->n, t);
	if (d == CELLKEY_HOLD) {
		*take = old;
		snprintf(held, heldsz, "fewer than %d persons proved changed "
		    "since the last release (the largest change of one count "
		    "is %lld): a difference could single a person out", t,
		    (long long)most);
	}
	rc = 0;
out:
	free(oc);
	free(nc);
	free(ok);
	free(nk);
	free(g);
	return (rc);
}

/* The snapshot group (sex, band) of region's year was taken from in
 * release prev: 0 and old (65 bytes) set or emptied, or -1. */
static int
prev_group(struct store *st, int64_t prev, int year, const char *region,
    const char *sex, int band, char old[65])
{
	old[0] = '\0';
	if (prev == 0)
		return (0);
	return (store_stats_group_taken(st, prev, year, region, sex, band,
	    old));
}

/* The groups of one region's year, into the release rel and its body. */
static int
release_region(struct node *n, int64_t rel, int64_t prev,
    const char *region, int year, const char *cur, cJSON *groups)
{
	static const char *const sexes[2] = { "F", "M" };
	const char	*take;
	char		 old[65], held[200], yr[8];
	cJSON		*row;
	int		 sx, b;

	snprintf(yr, sizeof(yr), "%04d", year % 10000);
	for (sx = 0; sx < 2; sx++)
		for (b = 0; b < CELLKEY_NBANDS; b++) {
			if (prev_group(n->st, prev, year, region, sexes[sx], b,
			    old) == -1 || group_decide(n->st, old[0] ? old :
			    NULL, cur, sexes[sx], b, n->cfg.stats_threshold,
			    &take, held, sizeof(held)) == -1 ||
			    store_stats_group_put(n->st, rel, region, year,
			    sexes[sx], b, take, held) == -1)
				return (-1);
			if ((row = cJSON_CreateArray()) == NULL)
				return (-1);
			cJSON_AddItemToArray(groups, row);
			cJSON_AddItemToArray(row, cJSON_CreateString(region));
			cJSON_AddItemToArray(row, cJSON_CreateString(yr));
			cJSON_AddItemToArray(row,
			    cJSON_CreateString(sexes[sx]));
			cJSON_AddItemToArray(row,
			    cJSON_CreateString(cellkey_bands[b].name));
			cJSON_AddItemToArray(row, cJSON_CreateString(take));
			cJSON_AddItemToArray(row, cJSON_CreateString(held));
		}
	return (0);
}

/* The current snapshots, as read before a release writes. */
struct currents {
	char		 (*snap)[2][65];	/* region, snapshot */
	int		*years;
	size_t		 n, cap;
};

static int
current_one(const char *region, int year, const char *snapshot, void *arg)
{
	struct currents	*c = arg;
	void		*p;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		if ((p = reallocarray(c->snap, c->cap, sizeof(*c->snap))) ==
		    NULL)
			return (-1);
		c->snap = p;
		if ((p = reallocarray(c->years, c->cap, sizeof(*c->years))) ==
		    NULL)
			return (-1);
		c->years = p;
	}
	snprintf(c->snap[c->n][0], 65, "%s", region);
	snprintf(c->snap[c->n][1], 65, "%s", snapshot);
	c->years[c->n++] = year;
	return (0);
}

int
fedstats_release(struct node *n, int64_t *out, char *why, size_t whysz)
{
	struct store	*st = n->st;
	struct currents	 cur;
	cJSON		*j = NULL, *groups;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 id[65], previd[65] = "";
	const char	*w = NULL;
	int64_t		 prev = 0, made = (int64_t)node_now_ms();
	int		 r, rc = -1;
	size_t		 i;

	memset(&cur, 0, sizeof(cur));
	why[0] = '\0';
	buf_init(&b, (size_t)16 << 20);
	if (strcmp(n->cfg.region, "RU-FED") != 0) {
		buf_free(&b);
		return (fail(why, whysz, "only the federal node (RU-FED) "
		    "releases statistics"));
	}
	if (store_begin(st) == -1) {
		buf_free(&b);
		return (fail(why, whysz, "cannot open a transaction"));
	}
	if ((r = which_release(st, 0, &prev)) == -1)
		goto out;
	if (r == FEDSTATS_NONE)
		prev = 0;
	if (prev > 0 && store_stats_release_id(st, prev, previd) == -1) {
		snprintf(why, whysz, "cannot read the last release");
		goto out;
	}
	/* The current snapshots, read whole before any write. */
	if (store_stats_currents(st, current_one, &cur) != 0) {
		snprintf(why, whysz, "cannot read the current snapshots");
		goto out;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    (groups = cJSON_AddArrayToObject(j, "groups")) == NULL)
		goto oom;
	for (i = 0; i < cur.n; i++)
		if (release_region(n, prev + 1, prev, cur.snap[i][0],
		    cur.years[i], cur.snap[i][1], groups) == -1) {
			snprintf(why, whysz, "cannot decide the groups of %s "
			    "%d", cur.snap[i][0], cur.years[i]);
			goto out;
		}
	cJSON_AddStringToObject(j, "key", n->key_id);
	cJSON_AddStringToObject(j, "kind", "stats.release");
	cJSON_AddNumberToObject(j, "made", (double)made);
	cJSON_AddNumberToObject(j, "n", (double)(prev + 1));
	cJSON_AddStringToObject(j, "prev", previd);
	cJSON_AddNumberToObject(j, "v", 1);
	if (jcs_write(&b, j, SIZE_MAX, &w) == -1) {
		snprintf(why, whysz, "cannot write the release: %s",
		    w != NULL ? w : "out of memory");
		goto out;
	}
	if (sig_sign(n->key, RELEASE_PREFIX, b.data, b.len, sig) == -1) {
		snprintf(why, whysz, "cannot sign the release");
		goto out;
	}
	change_id(b.data, b.len, id);
	if (store_stats_release_put(st, prev + 1, id, made, n->key_id, b.data,
	    b.len, sig) == -1 || store_commit(st) == -1) {
		snprintf(why, whysz, "cannot store the release (the node's "
		    "log says why)");
		goto out;
	}
	*out = prev + 1;
	rc = 0;
	goto out;
oom:
	snprintf(why, whysz, "out of memory");
out:
	if (rc == -1) {
		store_rollback(st);
		if (why[0] == '\0')
			snprintf(why, whysz, "cannot make the release (the "
			    "node's log says why)");
	}
	cJSON_Delete(j);
	buf_free(&b);
	free(cur.snap);
	free(cur.years);
	return (rc);
}

bool
fedstats_release_due(struct node *n, uint64_t now_ms)
{
	struct tm	 tm;
	time_t		 now = (time_t)(now_ms / 1000), start;
	int64_t		 last = -1;
	bool		 any = false;

	if (strcmp(n->cfg.region, "RU-FED") != 0 ||
	    n->cfg.stats_release_months <= 0)
		return (false);
	/* Fail closed: when it cannot be read, no release now. */
	if (store_stats_release_last(n->st, &any, &last) == -1 || !any)
		return (false);
	if (last < 0)
		return (true);
	/* The first day of the current block of months, UTC. */
	if (gmtime_r(&now, &tm) == NULL)
		return (false);
	tm.tm_mon -= tm.tm_mon % n->cfg.stats_release_months;
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if ((start = timegm(&tm)) == (time_t)-1)
		return (false);
	return (last < (int64_t)start * 1000);
}

/* The releases' list being made. */
struct releases_arg {
	struct store	*st;
	cJSON		*a;		/* the releases */
	cJSON		*ha;		/* the current one's held groups */
	char		 prev[32];	/* the last region and year listed */
	bool		 admin;
};

static int
held_one(const char *reg, int year, const char *sex, int b,
    const char *held, void *arg)
{
	struct releases_arg	*ra = arg;
	cJSON			*row;
	char			 ry[32];

	snprintf(ry, sizeof(ry), "%s %d", reg, year);
	if (!ra->admin && strcmp(ry, ra->prev) == 0)
		return (0);
	snprintf(ra->prev, sizeof(ra->prev), "%s", ry);
	if ((row = cJSON_CreateArray()) == NULL)
		return (-1);
	cJSON_AddItemToArray(ra->ha, row);
	cJSON_AddItemToArray(row, cJSON_CreateString(reg));
	cJSON_AddItemToArray(row, cJSON_CreateNumber(year));
	if (!ra->admin)
		return (0);
	cJSON_AddItemToArray(row, cJSON_CreateString(sex));
	cJSON_AddItemToArray(row, cJSON_CreateString(b >= 0 &&
	    b < CELLKEY_NBANDS ? cellkey_bands[b].name : ""));
	cJSON_AddItemToArray(row, cJSON_CreateString(held));
	return (0);
}

static int
release_one(int64_t rel, const char *id, int64_t made, void *arg)
{
	struct releases_arg	*ra = arg;
	cJSON			*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(ra->a, o);
	cJSON_AddNumberToObject(o, "n", (double)rel);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddNumberToObject(o, "made", (double)made);
	if ((ra->ha = cJSON_AddArrayToObject(o, "held")) == NULL)
		return (-1);
	ra->prev[0] = '\0';
	return (store_stats_held(ra->st, rel, held_one, ra) == 0 ? 0 : -1);
}

int
fedstats_releases_json(struct node *n, bool admin, struct buf *out)
{
	struct releases_arg	 ra;
	cJSON			*j;
	char			*text;

	memset(&ra, 0, sizeof(ra));
	ra.st = n->st;
	ra.admin = admin;
	if ((j = cJSON_CreateObject()) == NULL ||
	    (ra.a = cJSON_AddArrayToObject(j, "releases")) == NULL ||
	    store_stats_releases(n->st, release_one, &ra) != 0) {
		/* Fail closed: never a list of part of the releases. */
		cJSON_Delete(j);
		return (-1);
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

/* --- output ----------------------------------------------------------- */

void
fedstats_result_free(struct fedstats_result *r)
{
	if (r == NULL)
		return;
	free(r->rows);
	free(r->held);
	r->rows = NULL;
	r->held = NULL;
	r->nrows = r->nheld = 0;
}

static const char *
band_name(int b)
{
	return (b >= 0 && b < CELLKEY_NBANDS ? cellkey_bands[b].name : "all");
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
		    ",geography", q->sex ? ",sex" : "", q->band ?
		    ",birth_band" : "");
	for (i = 0; i < r->nrows; i++) {
		w = &r->rows[i];
		buf_addf(out, "%s,%s,%s", w->ind, q->period, w->geo);
		if (flows)
			buf_addf(out, ",%s", w->to);
		if (q->sex)
			buf_addf(out, ",%c", w->sex);
		if (q->band)
			buf_addf(out, ",%s", band_name(w->band));
		if (w->status == CELLKEY_FREE)
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
	cJSON_AddNumberToObject(j, "release", (double)r->release);
	cJSON_AddNumberToObject(j, "threshold", r->threshold);
	cJSON_AddNumberToObject(j, "regions", (double)r->nregions);
	a = cJSON_AddArrayToObject(j, "held");
	for (i = 0; a != NULL && i < r->nheld; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(r->held[i]));
	a = cJSON_AddArrayToObject(j, "cells");
	for (i = 0; a != NULL && i < r->nrows; i++) {
		w = &r->rows[i];
		o = cJSON_CreateObject();
		cJSON_AddItemToArray(a, o);
		if (strcmp(w->ind, q->indicator) != 0)
			cJSON_AddStringToObject(o, "indicator", w->ind);
		cJSON_AddStringToObject(o, flows ? "from" : q->region ?
		    "region" : q->district ? "district" : "geography", w->geo);
		if (flows)
			cJSON_AddStringToObject(o, "to", w->to);
		if (q->sex) {
			st[0] = w->sex;
			cJSON_AddStringToObject(o, "sex", st);
		}
		if (q->band)
			cJSON_AddStringToObject(o, "birth_band",
			    band_name(w->band));
		if (w->status == CELLKEY_FREE)
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
