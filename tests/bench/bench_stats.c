/*
 * tests/bench/bench_stats.c: the federal node's side of the statistics
 * benchmark (issues 6 and 12).  Makes a federal node holding one signed
 * version 2 snapshot for each of NREGIONS regions, built from NPERSONS
 * synthetic graduates (each with a random record key, a sex, a birth
 * year, and indicators drawn per period), makes a release, and measures:
 *   - the time to make the release, and to answer queries;
 *   - utility: over every indicator of 2025, by region, by region x sex x
 *     band and by district, the share of cells published and the mean
 *     absolute and relative error of the published counts against the
 *     truth (the synthetic tallies);
 *   - the release-difference rule: one person added to one region, and a
 *     second release: how many groups it held back.
 * Prints one line of figures; removes nothing (DIR is the caller's).
 *
 *   bench_stats DIR NREGIONS NPERSONS
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conflict/cellkey.h"
#include "node/fedstats.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/snapshot.h"

#define MAXREG		96
#define NPER		5
#define NIND		32

static uint64_t	 rng = 7;

static uint32_t
rnd32(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((uint32_t)(rng >> 32));
}

static unsigned
rnd(unsigned n)
{
	return (rnd32() % n);
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_stats: %s\n", what);
	exit(1);
}

/* The truth: [region][indicator][sex][band][period]. */
static int64_t	 truth[MAXREG][NIND][2][CELLKEY_NBANDS][NPER];
static uint32_t	 tkey[MAXREG][NIND][2][CELLKEY_NBANDS][NPER];
static const char *regs[MAXREG];
static struct sig_key *keys[MAXREG];
static int	 nind;

static int
ind_of(const char *code)
{
	return ((int)(snapshot_indicator_find(code) - snapshot_indicators));
}

static void
add(int r, const char *code, int sex, int band, int per, uint32_t key)
{
	int	 i = ind_of(code);

	truth[r][i][sex][band][per]++;
	tkey[r][i][sex][band][per] += key;
}

static const char *const housing[] = { "housing.own", "housing.social_rent",
    "housing.dormitory", "housing.relatives", "housing.temporary",
    "housing.none" };
static const char *const education[] = { "education.none",
    "education.vocational", "education.higher", "education.completed" };
static const char *const employment[] = { "employment.employed",
    "employment.unemployed_seeking", "employment.not_seeking",
    "employment.parental_leave" };
static const char *const family[] = { "family.single", "family.partner",
    "family.parent" };

/* One synthetic graduate of region r. */
static void
person(int r, uint32_t key)
{
	int	 sex = (int)rnd(2), by = 1999 + (int)rnd(9), band, q;
	bool	 consent = rnd(100) < 85;

	band = cellkey_band(by);
	for (q = 0; q < NPER; q++) {
		add(r, "registered", sex, band, q, key);
		if (!consent)
			continue;
		add(r, "counted", sex, band, q, key);
		if (rnd(100) < 70)
			add(r, "support", sex, band, q, key);
		if (rnd(100) < 60)
			add(r, "contact.3m", sex, band, q, key);
		if (rnd(100) < 4)
			add(r, "crisis", sex, band, q, key);
		add(r, housing[rnd(6)], sex, band, q, key);
		add(r, education[rnd(4)], sex, band, q, key);
		add(r, employment[rnd(4)], sex, band, q, key);
		add(r, family[rnd(3)], sex, band, q, key);
	}
}

/* Region r's snapshot of 2025 from the truth, signed and stored. */
static void
publish(struct store *st, int r, uint64_t hlc)
{
	struct snapshot	 s;
	struct buf	 b;
	uint8_t		 pub[SIG_PUB_LEN], sig[SIG_LEN];
	char		 why[256];
	int		 i, sx, bd, q;

	memset(&s, 0, sizeof(s));
	snprintf(s.region, sizeof(s.region), "%s", regs[r]);
	s.year = 2025;
	s.hlc = hlc;
	sig_key_public(keys[r], pub);
	sig_key_id(pub, s.key);
	if ((s.cells = calloc((size_t)nind * 2 * CELLKEY_NBANDS * NPER,
	    sizeof(*s.cells))) == NULL)
		die("out of memory");
	for (i = 0; i < nind; i++)
		for (sx = 0; sx < 2; sx++)
			for (bd = 0; bd < CELLKEY_NBANDS; bd++)
				for (q = 0; q < NPER; q++) {
					struct snapshot_cell *c;

					if (truth[r][i][sx][bd][q] == 0)
						continue;
					c = &s.cells[s.ncells++];
					snprintf(c->indicator, 32, "%s",
					    snapshot_indicators[i].code);
					c->sex = sx ? 'M' : 'F';
					c->band = bd;
					snapshot_period(2025, q, c->period);
					c->count = truth[r][i][sx][bd][q];
					c->keysum = tkey[r][i][sx][bd][q];
				}
	buf_init(&b, SNAPSHOT_MAX_BYTES);
	if (snapshot_encode(&s, &b, why, sizeof(why)) == -1 ||
	    sig_sign(keys[r], SNAPSHOT_PREFIX, b.data, b.len, sig) == -1 ||
	    store_key_put(st, s.key, regs[r], pub) == -1 ||
	    stats_store(st, b.data, b.len, sig, regs[r], NULL, why,
	    sizeof(why)) != 0)
		die(why);
	buf_free(&b);
	snapshot_free(&s);
}

/* The true count of a result row of indicator i in 2025. */
static int64_t
true_count(int nreg, int i, const struct fedstats_row *w)
{
	int64_t	 n = 0;
	int	 r, sx, bd;

	for (r = 0; r < nreg; r++) {
		if (strcmp(w->geo, "RU") != 0 && strcmp(w->geo, regs[r]) != 0 &&
		    strcmp(w->geo, fields_region_district(regs[r])) != 0)
			continue;
		for (sx = 0; sx < 2; sx++)
			for (bd = 0; bd < CELLKEY_NBANDS; bd++)
				if ((w->sex == 0 || w->sex == (sx ? 'M' :
				    'F')) && (w->band < 0 || w->band == bd))
					n += truth[r][i][sx][bd][0];
	}
	return (n);
}

struct utility {
	size_t	 cells, published, nonzero, nonzero_published;
	double	 abs, rel;
	size_t	 nrel;
};

static double
query(struct node *n, int nreg, const char *by, struct utility *u)
{
	struct fedstats_query	 q;
	struct fedstats_result	 r;
	char			 why[256];
	double			 t0, t = 0;
	size_t			 k;
	int			 i;
	int64_t			 tc;

	for (i = 0; i < nind; i++) {
		if (fedstats_parse(snapshot_indicators[i].code, by, "2025", &q,
		    why, sizeof(why)) == -1)
			die(why);
		t0 = now_ms();
		if (fedstats_run(n, &q, NULL, &r, why, sizeof(why)) != 0)
			die(why);
		t += now_ms() - t0;
		for (k = 0; k < r.nrows; k++) {
			tc = true_count(nreg, i, &r.rows[k]);
			u->cells++;
			u->nonzero += tc > 0;
			if (r.rows[k].status != 'F')
				continue;
			u->published++;
			u->nonzero_published += tc > 0;
			u->abs += fabs((double)(r.rows[k].count - tc));
			if (tc > 0) {
				u->rel += fabs((double)(r.rows[k].count - tc)) /
				    (double)tc;
				u->nrel++;
			}
		}
		fedstats_result_free(&r);
	}
	return (t / nind);
}

static void
report(const char *name, const struct utility *u, double ms)
{
	printf(" %s_cells=%zu %s_published=%.3f %s_nonzero_published=%.3f "
	    "%s_mae=%.3f %s_mre=%.4f %s_ms=%.1f", name, u->cells, name,
	    (double)u->published / (double)u->cells, name,
	    u->nonzero ? (double)u->nonzero_published / (double)u->nonzero :
	    0.0, name, u->published ? u->abs / (double)u->published : 0.0,
	    name, u->nrel ? u->rel / (double)u->nrel : 0.0, name, ms);
}

int
main(int argc, char **argv)
{
	struct utility	 ur, urs, ud;
	struct node	*n;
	char		 dir[512], why[256], *end;
	double		 t0, trel, tr, trs, td;
	int64_t		 rel;
	long		 nreg, npers, i;
	int		 r;
	sqlite3_stmt	*s;
	int		 held = 0;

	if (argc != 4)
		die("usage: bench_stats DIR NREGIONS NPERSONS");
	nreg = strtol(argv[2], &end, 10);
	if (*end != '\0' || nreg < 1 || nreg > 89)
		die("NREGIONS: 1 to 89");
	npers = strtol(argv[3], &end, 10);
	if (*end != '\0' || npers < 1 || npers > 1000000)
		die("NPERSONS: 1 to 1,000,000");
	log_init("bench_stats", 0, false);
	log_quiet(true);
	for (nind = 0; snapshot_indicators[nind].code != NULL; nind++)
		;
	if (nind > NIND)
		die("more indicators than NIND");
	snprintf(dir, sizeof(dir), "%s/fed", argv[1]);
	if (node_init(dir, "RU-FED", NULL, NULL) == -1 ||
	    (n = node_open(dir, "bench")) == NULL)
		die("federal node");
	for (i = 0, r = 0; (size_t)i < fields_region_count() && r < nreg;
	    i++) {
		if (strcmp(fields_region_at((size_t)i), "RU-FED") == 0)
			continue;
		regs[r] = fields_region_at((size_t)i);
		if ((keys[r++] = sig_key_generate()) == NULL)
			die("key");
	}
	/* Regions of unequal size: each person lands in a region with a
	 * weight from 1 to 10. */
	for (i = 0; i < npers; i++) {
		int w = (int)rnd((unsigned)(nreg * 11 / 2)), k = 0, acc = 0;

		for (r = 0; r < nreg; r++) {
			acc += 1 + r % 10;
			if (acc > w * 2 || r == nreg - 1) {
				k = r;
				break;
			}
		}
		person(k, rnd32());
	}
	if (store_begin(n->st) == -1)
		die("begin");
	for (r = 0; r < nreg; r++)
		publish(n->st, r, 0x0194f7c6a8000000ULL + (uint64_t)r);
	if (store_commit(n->st) == -1)
		die("commit");
	t0 = now_ms();
	if (fedstats_release(n, &rel, why, sizeof(why)) == -1)
		die(why);
	trel = now_ms() - t0;
	memset(&ur, 0, sizeof(ur));
	memset(&urs, 0, sizeof(urs));
	memset(&ud, 0, sizeof(ud));
	tr = query(n, (int)nreg, "region", &ur);
	trs = query(n, (int)nreg, "region,sex,birth_band", &urs);
	td = query(n, (int)nreg, "district", &ud);
	/* One person more in the first region, published again: the next
	 * release holds back the groups that changed. */
	person(0, rnd32());
	if (store_begin(n->st) == -1)
		die("begin");
	publish(n->st, 0, 0x0194f7c6b8000000ULL);
	if (store_commit(n->st) == -1 ||
	    fedstats_release(n, &rel, why, sizeof(why)) == -1)
		die("second release");
	if ((s = store_stmt(n->st, "SELECT count(*) FROM stats_release_groups"
	    " WHERE release = 2 AND held IS NOT NULL")) == NULL ||
	    sqlite3_step(s) != SQLITE_ROW)
		die("read the release");
	held = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	printf("regions=%ld persons=%ld release_ms=%.0f held_after_one=%d",
	    nreg, npers, trel, held);
	report("region", &ur, tr);
	report("region_sex_band", &urs, trs);
	report("district", &ud, td);
	printf("\n");
	for (r = 0; r < nreg; r++)
		sig_key_free(keys[r]);
	node_close(n);
	return (0);
}
