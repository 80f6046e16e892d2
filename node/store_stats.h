/*
 * node/store_stats.h: the statistics tables -- the snapshots a region
 * publishes and the federal node receives (snapshots), the federal
 * node's index of them (stats_current, stats_cells, stats_flows), its
 * releases (stats_releases, stats_release_groups), the log of requests
 * (stats_queries) and the researchers -- and the views read in dossier
 * order to count a region's persons.  What the figures mean (the
 * indicators, cell keys, the release-difference rule, disclosure
 * control) is node/stats.c's and node/fedstats.c's; the SQL is here.
 *
 * Every function returns -1 on a database error, logged once.  A walk
 * that calls back returns -1 when it did not reach the end (a read that
 * failed): never a shorter answer.  A callback's non-zero value stops
 * the walk and is returned.  Strings and bytes passed in are borrowed for
 * the call; those handed to a callback are valid during the call only.
 */
#ifndef OPORA_STORE_STATS_H
#define OPORA_STORE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/sig.h"
#include "protocol/snapshot.h"

struct store;

/* --- the views, in dossier order (node/stats.c) ---------------------- */

/*
 * The tables stats_compute walks side by side, each sorted by dossier
 * (column 0 is always the dossier's id), and their columns:
 *   PERSONS	 dossier, sex, birth_date, origin, created (an HLC)
 *   EPISODES	 dossier, opened, closed
 *   EVENTS	 dossier, date, type (not retracted)
 *   ASSESSMENTS dossier, date, housing, education, employment, family
 *   CONSENTS	 dossier, date, withdrawn (scope statistics)
 *   TRANSFERS	 dossier, from, to, decided (an HLC; accepted ones)
 *   ROOTS	 dossier, the signature (a blob) of the change without
 *		 parents that carries the person's clock
 */
enum store_stats_stream_kind {
	STORE_STATS_PERSONS, STORE_STATS_EPISODES, STORE_STATS_EVENTS,
	STORE_STATS_ASSESSMENTS, STORE_STATS_CONSENTS,
	STORE_STATS_TRANSFERS, STORE_STATS_ROOTS, STORE_STATS_COUNT
};
struct store_stats_stream;

/* store_stats_stream_open(st, k): a walk over table k, before its
 * first row.  The caller owns it (store_stats_stream_close); NULL
 * (logged) on failure. */
struct store_stats_stream *store_stats_stream_open(struct store *st,
		    enum store_stats_stream_kind k);
/* store_stats_stream_next(s): move to the next row: 1 there is one, 0
 * none left, -1 on a database error (the walk is then over). */
int		 store_stats_stream_next(struct store_stats_stream *s);
/* store_stats_stream_text(s, i): column i of the current row as text, ""
 * when NULL; valid until the next store_stats_stream_next.
 * store_stats_stream_blob: as a blob, its length in *len (NULL, 0:
 * none). */
const char	*store_stats_stream_text(struct store_stats_stream *s, int i);
const void	*store_stats_stream_blob(struct store_stats_stream *s, int i,
		    size_t *len);
/* store_stats_stream_close(s): end the walk; NULL is a no-op. */
void		 store_stats_stream_close(struct store_stats_stream *s);

/* store_stats_root(st, dossier, fn, arg): fn(sig, len, arg) with the
 * signature of the dossier's root change (the one without parents).
 * fn's value, 1 when there is none, -1. */
typedef int (*store_stats_blob_fn)(const void *, size_t, void *);
int		 store_stats_root(struct store *st, const char *dossier,
		    store_stats_blob_fn fn, void *arg);

/* --- snapshots ------------------------------------------------------- */

/* store_stats_snapshot_put(st, s, bytes, len, sig, received): store the
 * snapshot s (its id, region, year and hlc are read) as bytes with its
 * signature, received at (ms).  0 stored, 1 already held, -1. */
int		 store_stats_snapshot_put(struct store *st,
		    const struct snapshot *s, const void *bytes, size_t len,
		    const uint8_t sig[SIG_LEN], int64_t received);

/* store_stats_index(st, s): at the federal node, index stored snapshot s
 * for releases: it becomes its region's current one for its year unless
 * a later one (by hlc) is, and its cells and flows are recorded.  The
 * caller holds a transaction.  0 / -1. */
int		 store_stats_index(struct store *st,
		    const struct snapshot *s);

/* A stored snapshot, as 'opora stats snapshots' lists them. */
struct store_stats_snapshot {
	const char	*region, *hlc, *id;	/* NULL: damaged */
	int		 year;
	bool		 current;
	int64_t		 len;
};
typedef int (*store_stats_snapshot_fn)(const struct store_stats_snapshot *,
		    void *);
/* store_stats_snapshots(st, fn, arg): every stored snapshot, by region,
 * year and clock. */
int		 store_stats_snapshots(struct store *st,
		    store_stats_snapshot_fn fn, void *arg);

/* store_stats_latest(st, region, year, fn, arg): fn(bytes, len,
 * received, arg) with the newest (by clock) stored snapshot of region's
 * year, received at (ms; for this node's own ones, when it was made).
 * fn's value, 1 when there is none, -1. */
typedef int (*store_stats_latest_fn)(const void *, size_t, int64_t,
		    void *);
int		 store_stats_latest(struct store *st, const char *region,
		    int year, store_stats_latest_fn fn, void *arg);

/* store_stats_persons(st): how many persons this node's views hold (the
 * rows stats_compute walks), or -1. */
int64_t		 store_stats_persons(struct store *st);

/* --- releases (node/fedstats.c) -------------------------------------- */

/* store_stats_release_find(st, asked, n): asked > 0: whether release
 * asked exists (then *n = asked); 0: the latest release into *n.  0, 1
 * when there is none, -1. */
int		 store_stats_release_find(struct store *st, int64_t asked,
		    int64_t *n);
/* store_stats_release_id(st, n, id): the id of release n.  0, 1 when
 * there is none, -1. */
int		 store_stats_release_id(struct store *st, int64_t n,
		    char id[65]);
/* store_stats_release_put(st, n, id, made, key, bytes, len, sig): record
 * release n, signed.  0 / -1. */
int		 store_stats_release_put(struct store *st, int64_t n,
		    const char *id, int64_t made, const char *key,
		    const void *bytes, size_t len, const uint8_t sig[SIG_LEN]);
/* store_stats_release_last(st, any, made): whether a current snapshot is
 * indexed (*any), and when the last release was made (*made, ms; -1 when
 * none).  0 / -1. */
int		 store_stats_release_last(struct store *st, bool *any,
		    int64_t *made);

/* store_stats_release_regions(st, rel, year, fn, arg): fn(region, held,
 * arg) for each region of year in release rel, by region; held when a
 * group of it is held back. */
typedef int (*store_stats_region_fn)(const char *, bool, void *);
int		 store_stats_release_regions(struct store *st, int64_t rel,
		    int year, store_stats_region_fn fn, void *arg);

/* store_stats_release_cells(st, rel, year, period, indicator, fn, arg):
 * fn(region, sex, band, count, keysum, arg) for each base cell of
 * indicator and period that release rel takes from the year's
 * snapshots (texts may be NULL: damage). */
typedef int (*store_stats_cell_fn)(const char *, const char *, int,
		    int64_t, uint32_t, void *);
int		 store_stats_release_cells(struct store *st, int64_t rel,
		    int year, const char *period, const char *indicator,
		    store_stats_cell_fn fn, void *arg);

/* store_stats_release_flows(st, rel, year, fn, arg): fn(from, to, count,
 * keysum, arg) for each flow of year release rel takes. */
typedef int (*store_stats_flow_fn)(const char *, const char *, int64_t,
		    uint32_t, void *);
int		 store_stats_release_flows(struct store *st, int64_t rel,
		    int year, store_stats_flow_fn fn, void *arg);

/* store_stats_group_cells(st, snapshot, sex, band, fn, arg): fn(name,
 * count, keysum, arg) for each base cell of group (sex, band) of a
 * snapshot, named "c INDICATOR PERIOD" or "f REGION" (never NULL). */
typedef int (*store_stats_named_fn)(const char *, int64_t, uint32_t,
		    void *);
int		 store_stats_group_cells(struct store *st,
		    const char *snapshot, const char *sex, int band,
		    store_stats_named_fn fn, void *arg);

/* store_stats_group_taken(st, rel, year, region, sex, band, snapshot):
 * the snapshot group (sex, band) of region's year was taken from in
 * release rel, into snapshot ("" when none).  0 / -1. */
int		 store_stats_group_taken(struct store *st, int64_t rel,
		    int year, const char *region, const char *sex, int band,
		    char snapshot[65]);
/* store_stats_group_put(st, rel, region, year, sex, band, snapshot,
 * held): release rel takes group (sex, band) of region's year from
 * snapshot; held (NULL or "": not held) says why it stays as released
 * last.  0 / -1. */
int		 store_stats_group_put(struct store *st, int64_t rel,
		    const char *region, int year, const char *sex, int band,
		    const char *snapshot, const char *held);

/* store_stats_currents(st, fn, arg): fn(region, year, snapshot, arg)
 * for each region's current snapshot of a year, by year and region
 * (texts "" when damaged). */
typedef int (*store_stats_current_fn)(const char *, int, const char *,
		    void *);
int		 store_stats_currents(struct store *st,
		    store_stats_current_fn fn, void *arg);

/* store_stats_releases(st, fn, arg): fn(n, id, made, arg) for each
 * release, newest first (id "" when damaged). */
typedef int (*store_stats_release_fn)(int64_t, const char *, int64_t,
		    void *);
int		 store_stats_releases(struct store *st,
		    store_stats_release_fn fn, void *arg);

/* store_stats_held(st, rel, fn, arg): fn(region, year, sex, band, held,
 * arg) for each group release rel holds back, by year, region, sex and
 * band (texts "" when damaged). */
typedef int (*store_stats_held_fn)(const char *, int, const char *, int,
		    const char *, void *);
int		 store_stats_held(struct store *st, int64_t rel,
		    store_stats_held_fn fn, void *arg);

/* store_stats_log(st, at, who, what, cells, status): record a request
 * in stats_queries.  0 / -1. */
int		 store_stats_log(struct store *st, int64_t at,
		    const char *who, const char *what, int64_t cells,
		    int status);

/* --- researchers (the federal node's) -------------------------------- */

/* store_stats_researcher_put(st, name, pin, added): register a
 * researcher.  0, 1 when name is already registered, -1. */
int		 store_stats_researcher_put(struct store *st,
		    const char *name, const char *pin, int64_t added);
/* store_stats_researcher_remove(st, name): revoke researcher name.  0, 1
 * when there is no such researcher (not revoked), -1. */
int		 store_stats_researcher_remove(struct store *st,
		    const char *name);
/* store_stats_researcher_each(st, fn, arg): fn(name, pin, added,
 * removed, arg) for each researcher, by name (texts "" when damaged). */
typedef int (*store_stats_researcher_fn)(const char *, const char *,
		    int64_t, bool, void *);
int		 store_stats_researcher_each(struct store *st,
		    store_stats_researcher_fn fn, void *arg);

#endif /* OPORA_STORE_STATS_H */
