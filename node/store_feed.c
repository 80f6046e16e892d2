/*
 * node/store_feed.c: the feed's look-ups per dossier.  See store_feed.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "node/store.h"
#include "node/store_feed.h"
#include "protocol/log.h"

/* A link counts only when it is mutual (feed.c, docs/protocol.md,
 * "Offers before they are accepted", links). */
static const char SQL_ENTITLED[] =
    "WITH RECURSIVE comp(d) AS (SELECT ?2"
    " UNION SELECT l.other FROM links l JOIN comp ON l.dossier = comp.d"
    "  WHERE l.state = 'linked' AND EXISTS (SELECT 1 FROM links m"
    "  WHERE m.dossier = l.other AND m.other = l.dossier"
    "  AND m.state = 'linked'))"
    " SELECT 1 FROM comp WHERE"
    " EXISTS (SELECT 1 FROM persons p WHERE p.dossier = comp.d"
    "  AND p.custodian = ?1)"
    " OR EXISTS (SELECT 1 FROM forgotten_to f WHERE f.dossier = comp.d"
    "  AND f.region = ?1)"
    " OR EXISTS (SELECT 1 FROM transfers t WHERE t.dossier = comp.d"
    "  AND t.\"from\" = ?1 AND t.state = 'accepted')"
    " OR EXISTS (SELECT 1 FROM offer_summaries o WHERE o.dossier = comp.d"
    "  AND o.\"from\" = ?1)"
    " LIMIT 1";
/* The same for the dossier alone: most have no link, and the walk above
 * costs a temporary table each time. */
static const char SQL_ENTITLED_ALONE[] =
    "SELECT 1 WHERE"
    " EXISTS (SELECT 1 FROM persons p WHERE p.dossier = ?2"
    "  AND p.custodian = ?1)"
    " OR EXISTS (SELECT 1 FROM forgotten_to f WHERE f.dossier = ?2"
    "  AND f.region = ?1)"
    " OR EXISTS (SELECT 1 FROM transfers t WHERE t.dossier = ?2"
    "  AND t.\"from\" = ?1 AND t.state = 'accepted')"
    " OR EXISTS (SELECT 1 FROM offer_summaries o WHERE o.dossier = ?2"
    "  AND o.\"from\" = ?1)";
static const char SQL_LINKED[] =
    "SELECT 1 FROM links WHERE dossier = ?2 AND state = 'linked' LIMIT 1";
static const char SQL_TRANSFERS[] =
    "SELECT t.state, g.seq FROM transfers t LEFT JOIN changes g"
    " ON g.id = substr(t.decided_by, 1, 64)"
    " WHERE t.dossier = ?1 AND t.\"to\" = ?2";
static const char SQL_OFFER_CHANGE[] =
    "SELECT 1 FROM transfers t WHERE t.dossier = ?1 AND t.\"to\" = ?2"
    " AND t.state <> 'void' AND (substr(t.id, 1, 64) = ?3"
    " OR (t.state IN ('cancelled', 'declined')"
    " AND substr(t.decided_by, 1, 64) = ?3)) LIMIT 1";

/* Both ways between ?1 and ?2; a void offer was never in force. */
#define PAIR \
    " ((\"from\" = ?1 AND \"to\" = ?2) OR (\"from\" = ?2 AND \"to\" = ?1))"
static const char SQL_OFFERS[] =
    "SELECT dossier, ref, state, ending FROM ("
    " SELECT dossier, id AS ref, state,"
    "  coalesce(substr(decided_by, 1, 64), '') AS ending FROM transfers"
    "  WHERE" PAIR " AND state IN ('offered', 'accepted', 'declined',"
    "  'cancelled') AND dossier > ?3 AND (?4 = '' OR dossier = ?4)"
    " UNION SELECT dossier, offer, state,"
    "  coalesce(substr(decided_by, 1, 64), '') FROM offer_summaries"
    "  WHERE" PAIR " AND dossier > ?3 AND (?4 = '' OR dossier = ?4))"
    " ORDER BY dossier, ref, state, ending";

int
store_feed_begin(struct store *st)
{
	return (store_exec(st, "BEGIN DEFERRED"));
}

void
store_feed_end(struct store *st)
{
	/* Ended whatever happened: a transaction SQLite rolled back on its
	 * own is ended by store_rollback too (node/store.h). */
	if (sqlite3_get_autocommit(store_db(st)) != 0 ||
	    store_exec(st, "COMMIT") == -1)
		store_rollback(st);
}

/* One row or none of sql with region ?1 and dossier ?2: 1, 0, or -1. */
static int
one(struct store *st, const char *sql, const char *region,
    const char *dossier)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, dossier, -1, SQLITE_STATIC);
	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1);
}

int
store_feed_entitled(struct store *st, const char *region,
    const char *dossier)
{
	int	 k;

	if ((k = one(st, SQL_ENTITLED_ALONE, region, dossier)) != 0 ||
	    (k = one(st, SQL_LINKED, region, dossier)) != 1)
		return (k);
	return (one(st, SQL_ENTITLED, region, dossier));
}

int
store_feed_transfers(struct store *st, const char *region,
    const char *dossier, int64_t since, bool *offered, int64_t *holdback)
{
	sqlite3_stmt	*s;
	const char	*state;
	int64_t		 g;
	int		 r;

	*offered = false;
	*holdback = 0;
	if ((s = store_stmt(st, SQL_TRANSFERS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((state = (const char *)sqlite3_column_text(s, 0)) == NULL)
			continue;
		if (strcmp(state, "void") != 0)
			*offered = true;
		if (strcmp(state, "accepted") != 0 ||
		    sqlite3_column_type(s, 1) == SQLITE_NULL)
			continue;
		g = sqlite3_column_int64(s, 1);
		if (g > since && g > *holdback)
			*holdback = g;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? 0 : -1);
}

int
store_feed_offer_change(struct store *st, const char *region,
    const char *dossier, const char *id)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_OFFER_CHANGE)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1);
}

int
store_feed_offers(struct store *st, const char *a, const char *b,
    const char *after, const char *only, store_offer_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*v[4];
	int		 r, i, k = 0;

	if ((s = store_stmt(st, SQL_OFFERS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, after, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, only, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < 4; i++)
			if ((v[i] = (const char *)sqlite3_column_text(s, i)) ==
			    NULL)
				v[i] = "";
		if ((k = fn(v[0], v[1], v[2], v[3], arg)) != 0)
			break;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (k != 0)
		return (k);
	return (r == STORE_DONE ? 0 : -1);
}
