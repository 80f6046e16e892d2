/*
 * node/store_stats.c: the statistics tables and the views read in
 * dossier order.  See store_stats.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "conflict/hlc.h"
#include "node/store.h"
#include "node/store_run.h"
#include "node/store_stats.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/snapshot.h"

#define TEXT(s, i)	((const char *)sqlite3_column_text((s), (i)))

static const char *
opt(const char *v)
{
	return (v != NULL ? v : "");
}

/* Reset s and clear its bindings; r passes through. */
static int
done(sqlite3_stmt *s, int r)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r);
}

/* A value could not be bound (a step's failure store_step logs). */
static int
bind_failed(struct store *st, sqlite3_stmt *s)
{
	log_warnx("statistics: %s", sqlite3_errmsg(store_db(st)));
	return (done(s, -1));
}

/* Step s, which returns no row: 0 / -1. */
static int
run(struct store *st, sqlite3_stmt *s)
{
	return (done(s, store_step(st, s) == STORE_DONE ? 0 : -1));
}

/* --- the views, in dossier order ------------------------------------- */

static const char *const SQL_STREAMS[STORE_STATS_COUNT] = {
	"SELECT dossier, sex, birth_date, origin, created FROM persons"
	" ORDER BY dossier",
	"SELECT dossier, opened, closed FROM episodes ORDER BY dossier, pos",
	"SELECT dossier, date, type FROM events WHERE retracted = '0'"
	" ORDER BY dossier, pos",
	"SELECT dossier, date, housing, education, employment, family"
	" FROM assessments ORDER BY dossier, pos",
	"SELECT dossier, date, withdrawn FROM consents"
	" WHERE scope = 'statistics' ORDER BY dossier, pos",
	"SELECT dossier, \"from\", \"to\", decided FROM transfers"
	" WHERE state = 'accepted' ORDER BY dossier, pos",
	/* The root of each dossier: the change without parents, which
	 * made the person (its clock is the person's "created"). */
	"SELECT p.dossier, c.sig FROM persons p JOIN changes c"
	" ON c.dossier = p.dossier AND c.hlc = p.created"
	" WHERE NOT EXISTS (SELECT 1 FROM parents x WHERE x.child = c.seq)"
	" ORDER BY p.dossier",
};

/* A root that does not carry the person's clock (the person was made by
 * a later change): looked up by itself. */
static const char SQL_ROOT[] =
    "SELECT c.sig FROM changes c WHERE c.dossier = ? AND NOT EXISTS"
    " (SELECT 1 FROM parents x WHERE x.child = c.seq)";

/* Walks of their own, not cached statements: they run side by side, and
 * one that stops early must not hold the cache's statement. */
struct store_stats_stream {
	struct store	*st;
	sqlite3_stmt	*s;
};

struct store_stats_stream *
store_stats_stream_open(struct store *st, enum store_stats_stream_kind k)
{
	struct store_stats_stream	*w;

	if ((unsigned)k >= STORE_STATS_COUNT ||
	    (w = calloc(1, sizeof(*w))) == NULL) {
		log_warnx("read the views: out of memory");
		return (NULL);
	}
	w->st = st;
	if (sqlite3_prepare_v2(store_db(st), SQL_STREAMS[k], -1, &w->s,
	    NULL) != SQLITE_OK) {
		log_warnx("read the views: %s", sqlite3_errmsg(store_db(st)));
		store_stats_stream_close(w);
		return (NULL);
	}
	return (w);
}

int
store_stats_stream_next(struct store_stats_stream *w)
{
	switch (store_step(w->st, w->s)) {
	case STORE_ROW:
		return (1);
	case STORE_DONE:
		return (0);
	default:
		return (-1);
	}
}

const char *
store_stats_stream_text(struct store_stats_stream *w, int i)
{
	return (opt(TEXT(w->s, i)));
}

const void *
store_stats_stream_blob(struct store_stats_stream *w, int i, size_t *len)
{
	const void	*v = sqlite3_column_blob(w->s, i);
	int		 n = sqlite3_column_bytes(w->s, i);

	*len = v != NULL && n > 0 ? (size_t)n : 0;
	return (*len > 0 ? v : NULL);
}

void
store_stats_stream_close(struct store_stats_stream *w)
{
	if (w == NULL)
		return;
	sqlite3_finalize(w->s);
	free(w);
}

int
store_stats_root(struct store *st, const char *dossier,
    store_stats_blob_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const void	*v;
	int		 r, n;

	if ((s = store_stmt(st, SQL_ROOT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_DONE)
		return (done(s, 1));
	if (r != STORE_ROW)
		return (done(s, -1));
	v = sqlite3_column_blob(s, 0);
	n = sqlite3_column_bytes(s, 0);
	return (done(s, fn(v, v != NULL && n > 0 ? (size_t)n : 0, arg)));
}

/* --- snapshots ------------------------------------------------------- */

static const char SQL_SNAPSHOT_PUT[] =
    "INSERT INTO snapshots (id, region, year, hlc, bytes, sig, received)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
static const char SQL_CURRENT[] =
    "INSERT INTO stats_current (region, year, snapshot, hlc)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (region, year) DO UPDATE"
    " SET snapshot = ?3, hlc = ?4 WHERE excluded.hlc > stats_current.hlc";
static const char SQL_CELL[] =
    "INSERT INTO stats_cells (snapshot, region, period, indicator, sex,"
    " band, count, keysum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_FLOW[] =
    "INSERT INTO stats_flows (snapshot, region, \"to\", sex, band, year,"
    " count, keysum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SNAPSHOTS[] =
    "SELECT s.region, s.year, s.hlc, s.id, (SELECT count(*) FROM"
    " stats_current k WHERE k.snapshot = s.id), length(s.bytes)"
    " FROM snapshots s ORDER BY s.region, s.year, s.hlc";

int
store_stats_snapshot_put(struct store *st, const struct snapshot *sn,
    const void *bytes, size_t len, const uint8_t sig[SIG_LEN],
    int64_t received)
{
	sqlite3_stmt	*s;
	char		 hlc[17];

	if ((s = store_stmt(st, SQL_SNAPSHOT_PUT)) == NULL)
		return (-1);
	hlc_format(sn->hlc, hlc);
	if (sqlite3_bind_text(s, 1, sn->id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, sn->region, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int(s, 3, sn->year) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, hlc, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, bytes, (int)len, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 6, sig, SIG_LEN, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 7, received) != SQLITE_OK)
		return (bind_failed(st, s));
	if (run(st, s) == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0 ? 0 : 1);
}

int
store_stats_index(struct store *st, const struct snapshot *sn)
{
	sqlite3_stmt	*s;
	char		 hlc[17], sex[2] = { 0, 0 };
	size_t		 i;

	hlc_format(sn->hlc, hlc);
	if ((s = store_stmt(st, SQL_CURRENT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, sn->region, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int(s, 2, sn->year) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, sn->id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, hlc, -1, SQLITE_TRANSIENT) != SQLITE_OK)
		return (bind_failed(st, s));
	if (run(st, s) == -1)
		return (-1);
	for (i = 0; i < sn->ncells; i++) {
		const struct snapshot_cell *c = &sn->cells[i];

		if ((s = store_stmt(st, SQL_CELL)) == NULL)
			return (-1);
		sex[0] = c->sex;
		if (sqlite3_bind_text(s, 1, sn->id, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 2, sn->region, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 3, c->period, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 4, c->indicator, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 5, sex, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK ||
		    sqlite3_bind_int(s, 6, c->band) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 7, c->count) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 8, c->keysum) != SQLITE_OK)
			return (bind_failed(st, s));
		if (run(st, s) == -1)
			return (-1);
	}
	for (i = 0; i < sn->nflows; i++) {
		const struct snapshot_flow *f = &sn->flows[i];

		if ((s = store_stmt(st, SQL_FLOW)) == NULL)
			return (-1);
		sex[0] = f->sex;
		if (sqlite3_bind_text(s, 1, sn->id, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 2, sn->region, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 3, f->to, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 4, sex, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK ||
		    sqlite3_bind_int(s, 5, f->band) != SQLITE_OK ||
		    sqlite3_bind_int(s, 6, f->year) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 7, f->count) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 8, f->keysum) != SQLITE_OK)
			return (bind_failed(st, s));
		if (run(st, s) == -1)
			return (-1);
	}
	return (0);
}

int
store_stats_snapshots(struct store *st, store_stats_snapshot_fn fn,
    void *arg)
{
	struct store_stats_snapshot	 row;
	sqlite3_stmt			*s;
	int				 r, rc = 0;

	if ((s = store_stmt(st, SQL_SNAPSHOTS)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		row.region = TEXT(s, 0);
		row.year = sqlite3_column_int(s, 1);
		row.hlc = TEXT(s, 2);
		row.id = TEXT(s, 3);
		row.current = sqlite3_column_int(s, 4) != 0;
		row.len = sqlite3_column_int64(s, 5);
		if ((rc = fn(&row, arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, rc));
}

static const char SQL_SNAPSHOT_LATEST[] =
    "SELECT bytes, received FROM snapshots WHERE region = ?1 AND year = ?2"
    " ORDER BY hlc DESC LIMIT 1";
static const char SQL_PERSONS_COUNT[] = "SELECT count(*) FROM persons";

int
store_stats_latest(struct store *st, const char *region, int year,
    store_stats_latest_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const void	*b;
	int		 r, rc = 1;

	if ((s = store_stmt(st, SQL_SNAPSHOT_LATEST)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, year) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_ROW) {
		b = sqlite3_column_blob(s, 0);
		rc = fn(b, b != NULL ? (size_t)sqlite3_column_bytes(s, 0) : 0,
		    sqlite3_column_int64(s, 1), arg);
		r = store_step(st, s);		/* LIMIT 1: the end */
	}
	if (r != STORE_DONE)
		rc = -1;
	return (done(s, rc));
}

int64_t
store_stats_persons(struct store *st)
{
	return (store_count(st, SQL_PERSONS_COUNT));
}

/* --- releases -------------------------------------------------------- */

static const char SQL_LATEST[] = "SELECT max(n) FROM stats_releases";
static const char SQL_RELEASE_HAS[] =
    "SELECT 1 FROM stats_releases WHERE n = ?";
static const char SQL_RELEASE_ID[] =
    "SELECT id FROM stats_releases WHERE n = ?";
static const char SQL_RELEASE_PUT[] =
    "INSERT INTO stats_releases (n, id, made, key, bytes, sig)"
    " VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_LAST_MADE[] = "SELECT max(made) FROM stats_releases";
static const char SQL_ANY_CURRENT[] = "SELECT 1 FROM stats_current LIMIT 1";
static const char SQL_RELEASE_REGIONS[] =
    "SELECT region, max(held IS NOT NULL) FROM stats_release_groups"
    " WHERE release = ? AND year = ? GROUP BY region ORDER BY region";
static const char SQL_BASE[] =
    "SELECT g.region, c.sex, c.band, c.count, c.keysum"
    " FROM stats_release_groups g JOIN stats_cells c"
    " ON c.snapshot = g.snapshot AND c.sex = g.sex AND c.band = g.band"
    " WHERE g.release = ?1 AND g.year = ?2 AND c.period = ?3"
    " AND c.indicator = ?4";
static const char SQL_FLOWS[] =
    "SELECT g.region, f.\"to\", f.count, f.keysum"
    " FROM stats_release_groups g JOIN stats_flows f"
    " ON f.snapshot = g.snapshot AND f.sex = g.sex AND f.band = g.band"
    " WHERE g.release = ?1 AND g.year = ?2 AND f.year = ?2";
static const char SQL_GROUP_CELLS[] =
    "SELECT 'c ' || indicator || ' ' || period, count, keysum"
    " FROM stats_cells WHERE snapshot = ?1 AND sex = ?2 AND band = ?3"
    " UNION ALL SELECT 'f ' || \"to\", count, keysum FROM stats_flows"
    " WHERE snapshot = ?1 AND sex = ?2 AND band = ?3";
static const char SQL_PREV_GROUP[] =
    "SELECT snapshot FROM stats_release_groups WHERE release = ?1"
    " AND year = ?2 AND region = ?3 AND sex = ?4 AND band = ?5";
static const char SQL_GROUP_PUT[] =
    "INSERT INTO stats_release_groups (release, region, year, sex, band,"
    " snapshot, held) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_CURRENTS[] =
    "SELECT region, year, snapshot FROM stats_current"
    " ORDER BY year, region";
static const char SQL_RELEASES[] =
    "SELECT n, id, made FROM stats_releases ORDER BY n DESC";
static const char SQL_HELD[] =
    "SELECT region, year, sex, band, held FROM stats_release_groups"
    " WHERE release = ? AND held IS NOT NULL ORDER BY year, region, sex,"
    " band";
static const char SQL_LOG[] =
    "INSERT INTO stats_queries (at, who, query, cells, status)"
    " VALUES (?, ?, ?, ?, ?)";

int
store_stats_release_find(struct store *st, int64_t asked, int64_t *n)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, asked > 0 ? SQL_RELEASE_HAS : SQL_LATEST)) ==
	    NULL)
		return (-1);
	if (asked > 0 && sqlite3_bind_int64(s, 1, asked) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_DONE ||
	    (r == STORE_ROW && sqlite3_column_type(s, 0) == SQLITE_NULL))
		return (done(s, 1));
	if (r != STORE_ROW)
		return (done(s, -1));
	*n = asked > 0 ? asked : sqlite3_column_int64(s, 0);
	return (done(s, 0));
}

int
store_stats_release_id(struct store *st, int64_t n, char id[65])
{
	sqlite3_stmt	*s;
	int		 r;

	id[0] = '\0';
	if ((s = store_stmt(st, SQL_RELEASE_ID)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, n) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_ROW)
		snprintf(id, 65, "%s", opt(TEXT(s, 0)));
	return (done(s, r == STORE_ROW ? 0 : r == STORE_DONE ? 1 : -1));
}

int
store_stats_release_put(struct store *st, int64_t n, const char *id,
    int64_t made, const char *key, const void *bytes, size_t len,
    const uint8_t sig[SIG_LEN])
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_RELEASE_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, n) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, made) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, bytes, (int)len, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 6, sig, SIG_LEN, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	return (run(st, s));
}

int
store_stats_release_last(struct store *st, bool *any, int64_t *made)
{
	sqlite3_stmt	*s;
	int		 r;

	*any = false;
	*made = -1;
	if ((s = store_stmt(st, SQL_ANY_CURRENT)) == NULL)
		return (-1);
	if ((r = done(s, store_step(st, s))) != STORE_ROW && r != STORE_DONE)
		return (-1);
	*any = r == STORE_ROW;
	if ((s = store_stmt(st, SQL_LAST_MADE)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		*made = sqlite3_column_int64(s, 0);
	return (done(s, r == STORE_ROW || r == STORE_DONE ? 0 : -1));
}

int
store_stats_release_regions(struct store *st, int64_t rel, int year,
    store_stats_region_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*reg;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_RELEASE_REGIONS)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, rel) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, year) != SQLITE_OK)
		return (bind_failed(st, s));
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((reg = TEXT(s, 0)) == NULL)
			continue;
		if ((rc = fn(reg, sqlite3_column_int(s, 1) != 0, arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, rc));
}

int
store_stats_release_cells(struct store *st, int64_t rel, int year,
    const char *period, const char *indicator, store_stats_cell_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_BASE)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, rel) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, year) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, period, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, indicator, -1, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(TEXT(s, 0), TEXT(s, 1), sqlite3_column_int(s, 2),
		    sqlite3_column_int64(s, 3),
		    (uint32_t)sqlite3_column_int64(s, 4), arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}

int
store_stats_release_flows(struct store *st, int64_t rel, int year,
    store_stats_flow_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_FLOWS)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, rel) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, year) != SQLITE_OK)
		return (bind_failed(st, s));
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(TEXT(s, 0), TEXT(s, 1),
		    sqlite3_column_int64(s, 2),
		    (uint32_t)sqlite3_column_int64(s, 3), arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}

int
store_stats_group_cells(struct store *st, const char *snapshot,
    const char *sex, int band, store_stats_named_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*name;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_GROUP_CELLS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, snapshot, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, sex, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, band) != SQLITE_OK)
		return (bind_failed(st, s));
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((name = TEXT(s, 0)) == NULL)
			continue;
		if ((rc = fn(name, sqlite3_column_int64(s, 1),
		    (uint32_t)sqlite3_column_int64(s, 2), arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, rc));
}

int
store_stats_group_taken(struct store *st, int64_t rel, int year,
    const char *region, const char *sex, int band, char snapshot[65])
{
	sqlite3_stmt	*s;
	int		 r;

	snapshot[0] = '\0';
	if ((s = store_stmt(st, SQL_PREV_GROUP)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, rel) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, year) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, sex, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 5, band) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_ROW)
		snprintf(snapshot, 65, "%s", opt(TEXT(s, 0)));
	return (done(s, r == STORE_ROW || r == STORE_DONE ? 0 : -1));
}

int
store_stats_group_put(struct store *st, int64_t rel, const char *region,
    int year, const char *sex, int band, const char *snapshot,
    const char *held)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_GROUP_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, rel) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, year) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, sex, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 5, band) != SQLITE_OK ||
	    sqlite3_bind_text(s, 6, snapshot, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    (held != NULL && held[0] != '\0' && sqlite3_bind_text(s, 7, held,
	    -1, SQLITE_STATIC) != SQLITE_OK))
		return (bind_failed(st, s));
	return (run(st, s));
}

int
store_stats_currents(struct store *st, store_stats_current_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_CURRENTS)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(opt(TEXT(s, 0)), sqlite3_column_int(s, 1),
		    opt(TEXT(s, 2)), arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}

int
store_stats_releases(struct store *st, store_stats_release_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_RELEASES)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(sqlite3_column_int64(s, 0), opt(TEXT(s, 1)),
		    sqlite3_column_int64(s, 2), arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}

int
store_stats_held(struct store *st, int64_t rel, store_stats_held_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_HELD)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, rel) != SQLITE_OK)
		return (bind_failed(st, s));
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(opt(TEXT(s, 0)), sqlite3_column_int(s, 1),
		    opt(TEXT(s, 2)), sqlite3_column_int(s, 3), opt(TEXT(s, 4)),
		    arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}

int
store_stats_log(struct store *st, int64_t at, const char *who,
    const char *what, int64_t cells, int status)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_LOG)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, what, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, cells) != SQLITE_OK ||
	    sqlite3_bind_int(s, 5, status) != SQLITE_OK)
		return (bind_failed(st, s));
	return (run(st, s));
}

/* --- researchers ----------------------------------------------------- */

static const char SQL_RESEARCHER_PUT[] =
    "INSERT INTO researchers (name, pin, added) VALUES (?, ?, ?)";
static const char SQL_RESEARCHER_DEL[] =
    "UPDATE researchers SET revoked = 1 WHERE name = ? AND revoked = 0";
static const char SQL_RESEARCHERS[] =
    "SELECT name, pin, added, revoked FROM researchers ORDER BY name";

int
store_stats_researcher_put(struct store *st, const char *name,
    const char *pin, int64_t added)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_RESEARCHER_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, pin, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, added) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((r = store_step(st, s)) == STORE_DONE)
		return (done(s, 0));
	/* The name is the key: a broken constraint is a name taken. */
	if (r == STORE_ERR &&
	    (store_step_error(st) & 0xff) == SQLITE_CONSTRAINT)
		return (done(s, 1));
	return (done(s, -1));
}

int
store_stats_researcher_remove(struct store *st, const char *name)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_RESEARCHER_DEL)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	if (run(st, s) == -1)
		return (-1);
	return (sqlite3_changes(store_db(st)) > 0 ? 0 : 1);
}

int
store_stats_researcher_each(struct store *st, store_stats_researcher_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_RESEARCHERS)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((rc = fn(opt(TEXT(s, 0)), opt(TEXT(s, 1)),
		    sqlite3_column_int64(s, 2), sqlite3_column_int(s, 3) != 0,
		    arg)) != 0)
			break;
	return (store_walk_end(s, r, rc));
}
