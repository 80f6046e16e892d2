/*
 * node/store_feed.c: the feed's SQL.  See store_feed.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "node/store.h"
#include "node/store_feed.h"
#include "node/store_run.h"
#include "protocol/log.h"

/* A link counts only when it is mutual (MUTUAL below; docs/protocol.md,
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
    " ON " STORE_ID_IS("g.id", "substr(t.decided_by, 1, 64)")
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

/* The dossiers region r (a parameter, "?1") is entitled to by custody;
 * docs/protocol.md, "Entitlement".  The destination of a pending offer is
 * not: it is served the offer alone (OFFER_OF).  A destination holding an
 * offer as a summary serves what it wrote about it to the offering
 * region (node/offer.h). */
#define CUSTODY_OF(r) \
    "SELECT dossier FROM persons WHERE custodian = " r \
    " UNION SELECT dossier FROM forgotten_to WHERE region = " r \
    " UNION SELECT dossier FROM transfers WHERE \"from\" = " r \
    "  AND state = 'accepted'" \
    " UNION SELECT dossier FROM offer_summaries WHERE \"from\" = " r
/* And those linked to one of them as the same person, through links one
 * after another.  A link counts only when it is mutual: each of the two
 * dossiers holds a link to the other, not undone, and each of those was
 * written by that dossier's custodian (the authority rules), so no region
 * widens who receives a dossier it does not hold in custody. */
#define MUTUAL(l) \
    " EXISTS (SELECT 1 FROM links m WHERE m.dossier = " l ".other" \
    "  AND m.other = " l ".dossier AND m.state = 'linked')"
#define ENTITLED_OF(r) \
    "WITH RECURSIVE ent(d) AS (" CUSTODY_OF(r) \
    " UNION SELECT l.other FROM links l JOIN ent ON l.dossier = ent.d" \
    "  WHERE l.state = 'linked' AND" MUTUAL("l") \
    ") SELECT d AS dossier FROM ent"

/*
 * What a region is only offered a dossier is served of it: the offer
 * change alone and the change that cancelled or declined it, whatever
 * became of the offer, unless it turned out void (docs/protocol.md,
 * "Offers before they are accepted").
 */
#define OFFER_OF(r, c) \
    " EXISTS (SELECT 1 FROM transfers t WHERE t.dossier = " c ".dossier" \
    "  AND t.\"to\" = " r " AND t.state <> 'void'" \
    "  AND (substr(t.id, 1, 64) = " c ".id" \
    "  OR (t.state IN ('cancelled', 'declined')" \
    "  AND substr(t.decided_by, 1, 64) = " c ".id)))"
/* The log after a cursor, in feed order; feed.c picks what a region is
 * served dossier by dossier (store_feed_entitled, store_feed_transfers),
 * so that a response costs what it reads of the log, not what the region
 * is entitled to. */
static const char SQL_FEED[] =
    "SELECT seq, id, dossier, NULL, NULL, region FROM changes"
    " WHERE seq > ?1 ORDER BY seq";
/* The whole of one change the scan above picked (reading every change's
 * bytes in the scan costs more than reading again those it serves). */
static const char SQL_ONE[] =
    "SELECT seq, id, dossier, bytes, sig, region FROM changes"
    " WHERE seq = ?1";
/* The dossiers of the changes in a window of the log, for "behind". */
static const char SQL_WINDOW[] =
    "SELECT dossier FROM changes WHERE seq > ?1 AND seq <= ?2";
/*
 * The change that grants a region a dossier, after which its earlier
 * history goes to that region whole: the accept that made it the
 * custodian (an offer grants the offer alone).  decided_by holds the
 * deciding change's id alone (conflict/dossier.c): looked up by its index,
 * not once per accepted transfer to the region for every change served.
 */
/* By the index on decided_by: without statistics SQLite took the one on
 * ("to", state) and read every transfer accepted by the region, for each
 * change served (the unary + keeps it off those columns). */
static const char SQL_GRANTS[] =
    "SELECT 1 FROM transfers WHERE decided_by = ?2 AND +\"to\" = ?1"
    " AND +state = 'accepted'";
/* A dossier's history before a feed number (sent whole with the accept
 * that grants it; a receiver ignores what it already holds). */
static const char SQL_HISTORY[] =
    "SELECT seq, id, dossier, bytes, sig, region FROM changes"
    " WHERE dossier = ?1 AND seq < ?2 ORDER BY seq";
static const char SQL_HISTORY_COUNT[] =
    "SELECT count(*) FROM changes WHERE dossier = ?1 AND seq < ?2";
/* The dossiers a person.link change joins, when the link is mutual and
 * this node holds the other one: both histories go with the link to a
 * region entitled to either, which the link has just entitled to the
 * other.  (Whichever half of a mutual link comes second completes it; the
 * region may hold neither history yet.) */
static const char SQL_LINK_TARGET[] =
    "SELECT l.dossier, l.other FROM links l WHERE substr(l.id, 1, 64) = ?1"
    " AND l.state = 'linked' AND l.other IN (SELECT dossier FROM persons)"
    " AND" MUTUAL("l");
/* The dossiers both ?1 and ?2 are entitled to, after ?3, in id order. */
static const char SQL_SHARED[] =
    "SELECT dossier FROM (SELECT dossier FROM (" ENTITLED_OF("?1") ")"
    " INTERSECT SELECT dossier FROM (" ENTITLED_OF("?2") "))"
    " WHERE dossier > ?3 ORDER BY dossier LIMIT ?4";
/* What a region only offered dossier ?2 is served of it (OFFER_OF). */
static const char SQL_DOSSIER_OFFER[] =
    "SELECT c.seq, c.id, c.dossier, c.bytes, c.sig FROM changes c"
    " WHERE c.dossier = ?2 AND" OFFER_OF("?1", "c") " ORDER BY c.seq";
static const char SQL_DOSSIER_ALL[] =
    "SELECT seq, id, dossier, bytes, sig FROM changes WHERE dossier = ?1"
    " ORDER BY seq";
/* Whether this node's region ?1 may hold dossier ?2 (store_feed_may_hold):
 * walks the dossier's link component rather than the region's whole
 * entitlement. */
static const char SQL_MAY_HOLD[] =
    "WITH RECURSIVE comp(d) AS (SELECT ?2"
    " UNION SELECT l.other FROM links l JOIN comp ON l.dossier = comp.d"
    "  WHERE l.state = 'linked' AND" MUTUAL("l") ")"
    " SELECT 1 FROM comp WHERE EXISTS (SELECT 1 FROM persons p"
    "  WHERE p.dossier = comp.d AND p.custodian = ?1)"
    " OR EXISTS (SELECT 1 FROM transfers t WHERE t.dossier = comp.d"
    "  AND t.\"from\" = ?1 AND t.state = 'accepted')"
    " UNION ALL SELECT 1 FROM forgotten_to WHERE dossier = ?2 AND region = ?1"
    " UNION ALL SELECT 1 FROM forgotten WHERE dossier = ?2"
    "  AND kind = 'declined'"
    " LIMIT 1";

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
	return (store_walk_end(s, r, k));
}

/* Bind feed number v as parameter i of s; on failure log it, reset s and
 * clear its bindings.  0 / -1. */
static int
bind_seq(struct store *st, sqlite3_stmt *s, int i, int64_t v)
{
	if (sqlite3_bind_int64(s, i, v) != SQLITE_OK)
		return (store_bind_failed(st, s, "feed"));
	return (0);
}

/* Row s of SQL_FEED, SQL_ONE, SQL_HISTORY or SQL_DOSSIER_* (seq, id,
 * dossier, bytes, sig, and region when there is a sixth column) into *c;
 * each blob before its length, as SQLite asks. */
static void
change_row(sqlite3_stmt *s, struct store_feed_change *c)
{
	c->seq = sqlite3_column_int64(s, 0);
	c->id = (const char *)sqlite3_column_text(s, 1);
	c->dossier = (const char *)sqlite3_column_text(s, 2);
	c->bytes = sqlite3_column_blob(s, 3);
	c->len = (size_t)sqlite3_column_bytes(s, 3);
	c->sig = sqlite3_column_blob(s, 4);
	c->siglen = (size_t)sqlite3_column_bytes(s, 4);
	c->region = sqlite3_column_count(s) > 5 ?
	    (const char *)sqlite3_column_text(s, 5) : NULL;
}

/* fn for each row of s, bound, to its end (change_row); then reset s and
 * clear its bindings.  0, fn's non-zero value, or -1. */
static int
change_walk(struct store *st, sqlite3_stmt *s, store_feed_change_fn fn,
    void *arg)
{
	struct store_feed_change	 c;
	int				 r, k = 0;

	while ((r = store_step(st, s)) == STORE_ROW) {
		change_row(s, &c);
		if ((k = fn(&c, arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, k));
}

int
store_feed_page_each(struct store *st, int64_t since,
    store_feed_change_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_FEED)) == NULL ||
	    bind_seq(st, s, 1, since) == -1)
		return (-1);
	return (change_walk(st, s, fn, arg));
}

int
store_feed_change(struct store *st, int64_t seq, store_feed_change_fn fn,
    void *arg)
{
	sqlite3_stmt			*s;
	struct store_feed_change	 c;
	int				 rc;

	if ((s = store_stmt(st, SQL_ONE)) == NULL ||
	    bind_seq(st, s, 1, seq) == -1)
		return (-1);
	switch (store_step(st, s)) {
	case STORE_ROW:
		change_row(s, &c);
		rc = fn(&c, arg);
		break;
	case STORE_DONE:
		rc = 1;
		break;
	default:
		rc = -1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_feed_grants(struct store *st, const char *region, const char *id)
{
	return (one(st, SQL_GRANTS, region, id));
}

int64_t
store_feed_history_count(struct store *st, const char *dossier,
    int64_t before)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if ((s = store_bound(st, SQL_HISTORY_COUNT, "feed history", dossier,
	    NULL)) == NULL || bind_seq(st, s, 2, before) == -1)
		return (-1);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (n);
}

int
store_feed_history_each(struct store *st, const char *dossier,
    int64_t before, store_feed_change_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_bound(st, SQL_HISTORY, "feed history", dossier,
	    NULL)) == NULL || bind_seq(st, s, 2, before) == -1)
		return (-1);
	return (change_walk(st, s, fn, arg));
}

/* change_walk over sql with texts a as ?1 and, unless NULL, b as ?2
 * (store_bound). */
static int
change_walk_texts(struct store *st, const char *sql, const char *a,
    const char *b, store_feed_change_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_bound(st, sql, "feed", a, b)) == NULL)
		return (-1);
	return (change_walk(st, s, fn, arg));
}

int
store_feed_dossier_each(struct store *st, const char *dossier,
    store_feed_change_fn fn, void *arg)
{
	return (change_walk_texts(st, SQL_DOSSIER_ALL, dossier, NULL, fn,
	    arg));
}

int
store_feed_offered_each(struct store *st, const char *region,
    const char *dossier, store_feed_change_fn fn, void *arg)
{
	return (change_walk_texts(st, SQL_DOSSIER_OFFER, region, dossier, fn,
	    arg));
}

int
store_feed_link_pair(struct store *st, const char *id, char pair[2][37])
{
	sqlite3_stmt	*s;
	int		 r, i;

	if ((s = store_bound(st, SQL_LINK_TARGET, "feed link", id, NULL)) ==
	    NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW)
		for (i = 0; i < 2; i++)
			snprintf(pair[i], sizeof(pair[i]), "%s",
			    (const char *)sqlite3_column_text(s, i));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1);
}

int
store_feed_window_each(struct store *st, int64_t after, int64_t upto,
    store_feed_dossier_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	int		 r, k = 0;

	if ((s = store_stmt(st, SQL_WINDOW)) == NULL ||
	    bind_seq(st, s, 1, after) == -1 || bind_seq(st, s, 2, upto) == -1)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((k = fn((const char *)sqlite3_column_text(s, 0), arg)) !=
		    0)
			break;
	return (store_walk_end(s, r, k));
}

int
store_feed_shared(struct store *st, const char *a, const char *b,
    const char *after, int limit, char (*v)[37], size_t *np)
{
	sqlite3_stmt	*s;
	const char	*d;
	size_t		 n = 0;
	int		 r, rc = 0;

	if ((s = store_bound(st, SQL_SHARED, "shared dossiers", a, b)) ==
	    NULL)
		return (-1);
	if (sqlite3_bind_text(s, 3, after, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 4, limit) != SQLITE_OK)
		return (store_bind_failed(st, s, "shared dossiers"));
	while ((r = store_step(st, s)) == STORE_ROW && n < (size_t)limit) {
		d = (const char *)sqlite3_column_text(s, 0);
		if (d == NULL || strlen(d) != 36)
			continue;	/* not a dossier id: never shared */
		memcpy(v[n++], d, 37);
	}
	/* Stopped on a row only when n reached limit: no error (the SQL's
	 * LIMIT allows no row beyond anyway). */
	if (r != STORE_DONE && r != STORE_ROW) {
		log_warnx("shared dossiers of %s and %s: %s", a, b,
		    sqlite3_errmsg(store_db(st)));
		rc = -1;
	} else
		*np = n;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_feed_may_hold(struct store *st, const char *region,
    const char *dossier)
{
	return (one(st, SQL_MAY_HOLD, region, dossier));
}
