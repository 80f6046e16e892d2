/*
 * node/stats.h: a region's statistics, computed from its materialised
 * views, published as signed snapshots for the federal node, and stored.
 *
 * stats_compute() counts persons, per indicator of docs/statistics.md, at
 * the end of the year and of each quarter; it reads the views in one pass
 * (every table in dossier order) and keeps no person in memory longer than
 * the pass over that person's rows.  Only persons with an unwithdrawn
 * consent of scope "statistics" at the period's end are counted; how many
 * that is beside how many the region registers is the coverage.
 */
#ifndef OPORA_STATS_H
#define OPORA_STATS_H

#include <stddef.h>

#include "protocol/snapshot.h"

struct node;
struct store;

/*
 * The supervisors' dashboard (GET /api/dashboard) shows at most
 * STATS_DASH_YEARS years, by default the last ones up to this one, from
 * the snapshots this node published.  A year without a snapshot is
 * computed on the request only when the node holds at most
 * STATS_DASH_LIVE_MAX persons; on a larger node 'opora serve' publishes
 * each of those years once when it has none (node/server.c).  The bound
 * keeps the request short: stats_compute takes 30 to 75 us a person
 * (docs/performance.md).
 */
#define STATS_DASH_YEARS	5
#define STATS_DASH_LIVE_MAX	2000

/*
 * stats_compute(st, region, year, out, why, whysz): the snapshot of region
 * for year, from the views of st (the region's own node).  Fills *out
 * (everything but hlc and key; free with snapshot_free).  0, or -1 with a
 * reason.
 */
int	 stats_compute(struct store *st, const char *region, int year,
	    struct snapshot *out, char *why, size_t whysz);

/*
 * stats_publish(n, year, id, why, whysz): compute, sign and store this
 * node's snapshot for year, replacing (as the current one) any earlier
 * snapshot of that year, and note when (meta stats_published, which
 * 'serve' schedules by); it reaches the federal node with its next pull.
 * 0 and the snapshot's id in id, or -1 with a reason.
 */
int	 stats_publish(struct node *n, int year, char id[65], char *why,
	    size_t whysz);

/*
 * stats_held(st, region, year): 1 when a snapshot of region's year is
 * stored, 0 when none is, -1 on a database error.
 */
int	 stats_held(struct store *st, const char *region, int year);

/*
 * stats_store(st, bytes, len, sig, peer, why, whysz): take in a snapshot
 * received from peer (a region's node) at the federal node: check it
 * (form, that its key is the known key of its region, that the region is
 * the peer's, the signature) and store it, with its year in *year (if
 * not NULL).  0 stored, 1 already held, -1 refused with a reason (a
 * verdict on the snapshot's bytes), -2 with a reason when it could not be
 * checked or stored here (a database error, out of memory): no verdict,
 * the caller must not move past it.
 */
int	 stats_store(struct store *st, const void *bytes, size_t len,
	    const unsigned char *sig, const char *peer, int *year, char *why,
	    size_t whysz);

#endif /* OPORA_STATS_H */
