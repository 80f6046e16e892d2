/*
 * node/fedstats.h: releases, and answering researchers, at the federal
 * node.  docs/statistics.md is the researchers' and admins' guide.
 *
 * Releases.  Researchers never see the regions' snapshots as they arrive:
 * they see releases.  fedstats_release() freezes, for every region and
 * year with a current snapshot (node/stats.c indexes them) and every
 * group of sex x birth-year band, which snapshot the group's cells are
 * taken from: the newest one, unless the release-difference rule
 * (conflict/cellkey.h, cellkey_diff) says that what changed since the
 * last release could single a person out -- then the group stays as last
 * released, and the release records why (held).  A release is signed with
 * the node's key over RELEASE_PREFIX and its canonical bytes, and never
 * changes.  'opora serve' makes one every stats_release_months months
 * (fedstats_release_due); 'opora stats release' makes one by hand.
 *
 * Answers.  A query reads one release (the latest unless asked): it sums
 * the released base cells, and their key sums, up to the asked cells
 * (region, federal district, Russia; F, M, both; each band, all), and
 * publishes each cell perturbed by its cell key (cellkey_publish): a
 * value of at least the threshold, or hidden with the one status 'C'.
 * Every category is listed, empty or not.  Every request is logged with
 * who asked and how it ended (fedstats_log).
 *
 * Memory: every result is the caller's, to fedstats_result_free().
 */
#ifndef OPORA_FEDSTATS_H
#define OPORA_FEDSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/buf.h"

#define RELEASE_PREFIX		"opora-release-v1\n"

struct node;
struct store;

/* What may be asked: an indicator, a period, which dimensions, and which
 * release (0: the latest). */
struct fedstats_query {
	char	 indicator[32];		/* "housing.own"; "flows" for flows */
	char	 period[8];		/* "2025" or "2025-Q1" */
	bool	 region, district;	/* geography (neither: Russia) */
	bool	 sex, band;
	int64_t	 release;
};

struct fedstats_row {
	char	 ind[32];		/* the indicator of this row */
	char	 geo[16];		/* region, district or "RU" */
	char	 to[16];		/* flows: the destination */
	char	 sex;			/* 'F', 'M', or 0 for both */
	int	 band;			/* index in cellkey_bands; -1: all */
	int64_t	 count;			/* perturbed; 0 when hidden */
	char	 status;		/* 'F' published, 'C' hidden */
};

struct fedstats_result {
	struct fedstats_query	 q;
	struct fedstats_row	*rows;
	size_t			 nrows;
	int			 threshold;
	size_t			 nregions;	/* regions in the release */
	int64_t			 release;	/* the release answered from */
	char			 (*held)[16];	/* regions of the year with a
						 * group held back; owned */
	size_t			 nheld;
};

/* What the answering functions return besides 0: -1 a failure here
 * (logged), FEDSTATS_NONE no such release (or none yet). */
#define FEDSTATS_NONE	(-2)

/*
 * fedstats_parse(indicator, by, period, q, why, whysz): a query from its
 * words: by is a comma-separated list of region, district, sex,
 * birth_band (or NULL/"").  0, or -1 with a reason for a researcher.
 */
int	 fedstats_parse(const char *indicator, const char *by,
	    const char *period, struct fedstats_query *q, char *why,
	    size_t whysz);

/*
 * fedstats_run(n, q, who, out, why, whysz): answer q from a release of
 * the federal node n (its thresholds: stats_threshold,
 * stats_threshold_sensitive), and log it as asked by who (NULL: not
 * logged, for the node's own use).  0 and *out, FEDSTATS_NONE, or -1,
 * with a reason.
 */
int	 fedstats_run(struct node *n, const struct fedstats_query *q,
	    const char *who, struct fedstats_result *out, char *why,
	    size_t whysz);

/*
 * fedstats_flows(n, year, region_level, release, who, out, why, whysz):
 * the migration matrix of year between federal districts (or regions) of
 * a release, perturbed the same way.  As fedstats_run.
 */
int	 fedstats_flows(struct node *n, int year, bool region_level,
	    int64_t release, const char *who, struct fedstats_result *out,
	    char *why, size_t whysz);

/*
 * fedstats_coverage(n, period, release, who, out, why, whysz): the
 * indicators counted and registered by region, perturbed like any count.
 * As fedstats_run.
 */
int	 fedstats_coverage(struct node *n, const char *period,
	    int64_t release, const char *who, struct fedstats_result *out,
	    char *why, size_t whysz);

/*
 * fedstats_release(n, out, why, whysz): make, sign and store a release
 * now, as above.  0 and its number in *out, or -1 with a reason (nothing
 * stored).
 */
int	 fedstats_release(struct node *n, int64_t *out, char *why,
	    size_t whysz);

/*
 * fedstats_release_due(n, now_ms): true when 'serve' should make a
 * release: stats_release_months is not 0, a region's snapshot is held,
 * and the last release (if any) was made before the first day (UTC) of
 * the current block of stats_release_months months of the year.
 */
bool	 fedstats_release_due(struct node *n, uint64_t now_ms);

/*
 * fedstats_releases_json(n, admin, out): the releases, newest first: for
 * a researcher, each one's number, id, time and which regions' years hold
 * something back; for an admin (admin true), also each held group and
 * why.  0 / -1.
 */
int	 fedstats_releases_json(struct node *n, bool admin, struct buf *out);

/*
 * fedstats_log(st, who, what, cells, status): record a request (answered
 * with cells cells, or refused: 0), who asked it (a C string: researcher,
 * certificate or CLI user), and how it ended (an HTTP status, or 0 for
 * the CLI's answers and its exit code for its refusals).  Never fails the
 * request: a write that fails is logged.
 */
void	 fedstats_log(struct store *st, const char *who, const char *what,
	    size_t cells, int status);

/* fedstats_csv(r, out) / fedstats_json(r, out): the result as CSV (UTF-8,
 * a header row, one cell a row, a status column) or JSON.  0 / -1. */
int	 fedstats_csv(const struct fedstats_result *r, struct buf *out);
int	 fedstats_json(const struct fedstats_result *r, struct buf *out);

/* fedstats_result_free(r): release what r owns (not r); NULL is a no-op. */
void	 fedstats_result_free(struct fedstats_result *r);

#endif /* OPORA_FEDSTATS_H */
