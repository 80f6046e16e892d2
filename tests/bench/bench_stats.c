/*
 * tests/bench/bench_stats.c: the federal node's side of issue 6's
 * benchmark.  Makes a federal node holding one signed snapshot for each of
 * the 89 regions (every indicator, both sexes, eight birth years, the year
 * and its quarters, counts drawn at random, some small), then times:
 *   - a query suppressed for the first time (the whole table of the
 *     question is built and protected);
 *   - the same query again (the protected table is kept);
 *   - preparing every table of the year, as the federal node does when
 *     new snapshots arrive (fedstats_warm);
 *   - another query, by region, sex and birth year;
 *   - the migration flows between regions.
 * Prints one line of figures; removes its node.
 *
 *   bench_stats DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node/fedstats.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/snapshot.h"

static uint64_t	 rng = 7;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((unsigned)(rng >> 33) % n);
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

/* A snapshot of region for 2025 with random counts, signed by k. */
static void
one(struct store *st, const char *region, struct sig_key *k, int nth)
{
	static const struct snapshot_indicator *ind;
	struct snapshot	 s;
	struct buf	 b;
	uint8_t		 pub[SIG_PUB_LEN], sig[SIG_LEN];
	char		 why[256];
	size_t		 n = 0, cap = 4096;
	int		 sex, by, q, r;

	memset(&s, 0, sizeof(s));
	snprintf(s.region, sizeof(s.region), "%s", region);
	s.year = 2025;
	s.hlc = 0x0194f7c6a8000000ULL + (uint64_t)nth;
	sig_key_public(k, pub);
	sig_key_id(pub, s.key);
	if ((s.cells = calloc(cap, sizeof(*s.cells))) == NULL)
		die("out of memory");
	for (ind = snapshot_indicators; ind->code != NULL; ind++)
		for (sex = 0; sex < 2; sex++)
			for (by = 2000; by < 2008; by++)
				for (q = 0; q < 5; q++) {
					/* Mostly tens to hundreds; a few small. */
					r = rnd(10) == 0 ? (int)rnd(5) :
					    (int)(5 + rnd(300));
					if (r == 0 || n == cap)
						continue;
					snprintf(s.cells[n].indicator, 32, "%s",
					    ind->code);
					s.cells[n].sex = sex ? 'M' : 'F';
					s.cells[n].birth_year = by;
					snapshot_period(2025, q, s.cells[n].period);
					s.cells[n++].count = r;
				}
	s.ncells = n;
	for (q = 0; q < 5; q++) {
		snapshot_period(2025, q, s.cov[q].period);
		s.cov[q].registered = 20000;
		s.cov[q].counted = 15000 + rnd(5000);
	}
	s.ncov = 5;
	if ((s.flows = calloc(8, sizeof(*s.flows))) == NULL)
		die("out of memory");
	for (q = 0; q < 8; q++) {
		const char *to = fields_region_at((size_t)rnd(
		    (unsigned)fields_region_count()));

		if (strcmp(to, region) == 0 || strcmp(to, "RU-FED") == 0)
			continue;
		for (r = 0; r < (int)s.nflows && strcmp(s.flows[r].to, to);
		    r++)
			;
		if (r < (int)s.nflows)
			continue;
		snprintf(s.flows[s.nflows].to, 16, "%s", to);
		s.flows[s.nflows].year = 2025;
		s.flows[s.nflows++].count = 1 + rnd(40);
	}
	buf_init(&b, SNAPSHOT_MAX_BYTES);
	if (snapshot_encode(&s, &b, why, sizeof(why)) == -1 ||
	    sig_sign(k, SNAPSHOT_PREFIX, b.data, b.len, sig) == -1 ||
	    store_key_put(st, s.key, region, pub) == -1 ||
	    stats_store(st, b.data, b.len, sig, region, NULL, why,
	    sizeof(why)) != 0)
		die(why);
	buf_free(&b);
	snapshot_free(&s);
}

static double
timed(struct node *bn, const char *ind, const char *by, size_t *rows)
{
	struct fedstats_query	 q;
	struct fedstats_result	 r;
	char			 why[256];
	double			 t0;

	if (fedstats_parse(ind, by, "2025", &q, why, sizeof(why)) == -1)
		die(why);
	t0 = now_ms();
	if (fedstats_run(bn, &q, "bench", &r, why, sizeof(why)) == -1)
		die(why);
	t0 = now_ms() - t0;
	*rows = r.nrows;
	fedstats_result_free(&r);
	return (t0);
}

int
main(int argc, char **argv)
{
	struct fedstats_result	 r;
	struct node		*n;
	struct sig_key		*k;
	char			 dir[512], why[256];
	double			 first, again, other, flows, warm, t0;
	size_t			 i, nreg = 0, rows, rows2;

	if (argc != 2)
		die("usage: bench_stats DIR");
	log_init("bench_stats", 0, false);
	log_quiet(true);
	snprintf(dir, sizeof(dir), "%s/fed", argv[1]);
	if (node_init(dir, "RU-FED", NULL, NULL) == -1 ||
	    (n = node_open(dir, "bench")) == NULL)
		die("federal node");
	if (store_begin(n->st) == -1)
		die("begin");
	for (i = 0; i < fields_region_count(); i++) {
		if (strcmp(fields_region_at(i), "RU-FED") == 0 || nreg == 89)
			continue;
		if ((k = sig_key_generate()) == NULL)
			die("key");
		one(n->st, fields_region_at(i), k, (int)i);
		sig_key_free(k);
		nreg++;
	}
	if (store_commit(n->st) == -1)
		die("commit");
	first = timed(n, "housing.own", "region", &rows);
	again = timed(n, "housing.own", "region", &rows);
	t0 = now_ms();
	if (fedstats_warm(n, 2025) == -1)
		die("warm");
	warm = now_ms() - t0;
	other = timed(n, "housing.social_rent", "region,sex,birth_year",
	    &rows2);
	if (fedstats_flows(n, 2025, false, "bench", &r, why,
	    sizeof(why)) == -1)
		die(why);
	fedstats_result_free(&r);
	t0 = now_ms();
	if (fedstats_flows(n, 2025, true, "bench", &r, why,
	    sizeof(why)) == -1)
		die(why);
	flows = now_ms() - t0;
	printf("regions=%zu first_ms=%.1f again_ms=%.1f rows=%zu "
	    "other_ms=%.1f other_rows=%zu flows_ms=%.1f flows_rows=%zu "
	    "warm_ms=%.0f\n", nreg, first, again, rows, other, rows2, flows,
	    r.nrows, warm);
	fedstats_result_free(&r);
	node_close(n);
	return (0);
}
