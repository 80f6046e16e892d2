/*
 * node/fedstats.h: answering researchers at the federal node.
 *
 * From the regions' current snapshots (node/stats.c indexes them), a query
 * builds the whole table of one indicator's question for one period: every
 * region, federal district and Russia, by sex (and both), by birth year
 * (and all), with every total; applies disclosure control to it
 * (node/disclose.h) once, the same way whatever is asked, and keeps the
 * result (stats_tables) until a new snapshot changes the inputs; then
 * reads the asked cells out of it.  Migration flows (origin x destination
 * of accepted transfers, by year) go the same way.  Queries may only use
 * the fixed dimensions; each one is logged with who asked.
 *
 * Memory: every result is the caller's, to fedstats_result_free().
 */
#ifndef OPORA_FEDSTATS_H
#define OPORA_FEDSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/buf.h"

struct node;
struct store;

/* What may be asked: an indicator, a period, and which dimensions. */
struct fedstats_query {
	char	 indicator[32];		/* "housing.own"; "flows" for flows */
	char	 period[8];		/* "2025" or "2025-Q1" */
	bool	 region, district;	/* geography (neither: Russia) */
	bool	 sex, birth_year;
};

struct fedstats_row {
	char	 geo[16];		/* region, district or "RU" */
	char	 to[16];		/* flows: the destination */
	char	 sex;			/* 'F', 'M', or 0 for both */
	int	 birth_year;		/* 0: all */
	int64_t	 count;
	char	 status;		/* 'F' published, 'A', 'D' hidden */
};

struct fedstats_result {
	struct fedstats_query	 q;
	struct fedstats_row	*rows;
	size_t			 nrows;
	int			 threshold;
	size_t			 nregions;	/* regions with a snapshot */
};

/*
 * fedstats_parse(indicator, by, period, q, why, whysz): a query from its
 * words: by is a comma-separated list of region, district, sex,
 * birth_year (or NULL/"").  0, or -1 with a reason for a researcher.
 */
int	 fedstats_parse(const char *indicator, const char *by,
	    const char *period, struct fedstats_query *q, char *why,
	    size_t whysz);

/*
 * fedstats_run(n, q, who, out, why, whysz): answer q at the federal node n
 * (its thresholds: stats_threshold, stats_threshold_sensitive)
 * and log it as asked by who (NULL: not logged, for the node's own use).
 * 0 and *out, or -1 with a reason.
 */
int	 fedstats_run(struct node *n, const struct fedstats_query *q,
	    const char *who, struct fedstats_result *out, char *why,
	    size_t whysz);

/*
 * fedstats_flows(n, year, region_level, who, out, why, whysz): the
 * migration matrix of year, between federal districts (or regions), with
 * the same disclosure control.  0 and *out, or -1 with a reason.
 */
int	 fedstats_flows(struct node *n, int year, bool region_level,
	    const char *who, struct fedstats_result *out, char *why,
	    size_t whysz);

/* fedstats_log(st, who, what, cells): record a query (answered with
 * cells cells, or refused: 0) and who asked it. */
void	 fedstats_log(struct store *st, const char *who, const char *what,
	    size_t cells);

/* fedstats_csv(r, out) / fedstats_json(r, out): the result as CSV (UTF-8,
 * a header row, one cell a row, a status column) or JSON.  0 / -1. */
int	 fedstats_csv(const struct fedstats_result *r, struct buf *out);
int	 fedstats_json(const struct fedstats_result *r, struct buf *out);

/*
 * fedstats_warm(n, year): protect every table of year now, so that
 * queries read them ready (after new snapshots arrive).  0 / -1.
 */
int	 fedstats_warm(struct node *n, int year);

void	 fedstats_result_free(struct fedstats_result *r);

#endif /* OPORA_FEDSTATS_H */
