/*
 * node/store_erase.c: erasure's tables and deletions.  See store_erase.h.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_erase.h"
#include "node/store_run.h"

/* The dossiers joined to ?1 by mutual links, ?1 included (feed.c). */
#define COMP \
    "WITH RECURSIVE comp(d) AS (SELECT ?1" \
    " UNION SELECT l.other FROM links l JOIN comp ON l.dossier = comp.d" \
    "  WHERE l.state = 'linked' AND EXISTS (SELECT 1 FROM links m" \
    "  WHERE m.dossier = l.other AND m.other = l.dossier" \
    "  AND m.state = 'linked')) "

static const char SQL_KIND[] =
    "SELECT kind, id FROM forgotten WHERE dossier = ?1";
/* The regions entitled to the dossier now (docs/protocol.md,
 * "Entitlement"), and this node's (?2): they keep being served its
 * tombstone. */
static const char SQL_ERASED_TO[] =
    COMP "INSERT OR IGNORE INTO forgotten_to (dossier, region)"
    " SELECT ?1, custodian FROM persons WHERE dossier IN comp"
    " UNION SELECT ?1, \"from\" FROM transfers WHERE dossier IN comp"
    "  AND state = 'accepted'"
    " UNION SELECT ?1, \"to\" FROM transfers WHERE dossier IN comp"
    "  AND state = 'offered'"
    " UNION SELECT ?1, ?2";
static const char SQL_FORGET[] =
    "INSERT OR REPLACE INTO forgotten (dossier, kind, id, at)"
    " VALUES (?1, ?2, ?3, ?4)";
/* ?2: a JSON array of the ids of the changes that stay. */
static const char SQL_DEL_PARENTS[] =
    "DELETE FROM parents WHERE child IN (SELECT seq FROM changes"
    " WHERE dossier = ?1 AND id NOT IN (SELECT value FROM json_each(?2)))";
static const char SQL_DEL_CHANGES[] =
    "DELETE FROM changes WHERE dossier = ?1"
    " AND id NOT IN (SELECT value FROM json_each(?2))";
/* What this node (?2) wrote itself stays (its decisions on those offers,
 * and what it wrote believing it had won a race): the offering region
 * must still pull it, or it would be lost.  That region is served it. */
static const char SQL_DEL_PARENTS_OTHERS[] =
    "DELETE FROM parents WHERE child IN (SELECT seq FROM changes"
    " WHERE dossier = ?1 AND region <> ?2)";
static const char SQL_DEL_CHANGES_OTHERS[] =
    "DELETE FROM changes WHERE dossier = ?1 AND region <> ?2";
static const char SQL_DEL_HEADS[] = "DELETE FROM heads WHERE dossier = ?1";
static const char SQL_HEADS[] =
    "INSERT INTO heads (dossier, id) SELECT dossier, id FROM changes"
    " WHERE dossier = ?1";
/* Records that name the dossier and may hold its bytes or a hash of a
 * line of a register about the person. */
static const char *const SQL_DEL_RECORDS[] = {
	"DELETE FROM rejected WHERE dossier = ?1",
	"DELETE FROM later WHERE dossier = ?1",
	"DELETE FROM import_lines WHERE dossier = ?1",
	/* By the dossier's dkeys (schema 13), then the dkeys. */
	"DELETE FROM import_made WHERE dkey IN (SELECT dkey FROM"
	"  import_dossiers WHERE dossier = ?1) AND dossier = ?1",
	"DELETE FROM import_dossiers WHERE dossier = ?1",
	"DELETE FROM dossier_centres WHERE dossier = ?1",
	"DELETE FROM session_glass WHERE dossier = ?1",
};
/* Whether this node's region (?2) may hold dossier ?1 by anything but an
 * offer that ended (store_feed.c, SQL_MAY_HOLD). */
static const char SQL_ENTITLED[] =
    COMP "SELECT EXISTS (SELECT 1 FROM comp WHERE EXISTS (SELECT 1"
    "  FROM persons p WHERE p.dossier = comp.d AND p.custodian = ?2)"
    " OR EXISTS (SELECT 1 FROM transfers t WHERE t.dossier = comp.d"
    "  AND ((t.\"from\" = ?2 AND t.state = 'accepted')"
    "  OR (t.\"to\" = ?2 AND t.state = 'offered'))))";
/* Offers to ?2 that ended, newest last. */
static const char SQL_ENDED[] =
    "SELECT decided_by FROM transfers WHERE dossier = ?1 AND \"to\" = ?2"
    " AND state IN ('cancelled', 'declined') AND decided_by IS NOT NULL"
    " ORDER BY decided";
static const char SQL_KEEP_TO[] =
    "INSERT OR IGNORE INTO forgotten_to (dossier, region)"
    " SELECT DISTINCT ?1, \"from\" FROM transfers WHERE dossier = ?1"
    " AND \"to\" = ?2 AND state IN ('cancelled', 'declined')"
    " AND EXISTS (SELECT 1 FROM changes WHERE dossier = ?1"
    "  AND region = ?2)";
static const char SQL_UNFORGET[] =
    "DELETE FROM forgotten WHERE dossier = ?1 AND kind = 'declined'";
static const char SQL_UNFORGET_TO[] =
    "DELETE FROM forgotten_to WHERE dossier = ?1"
    " AND NOT EXISTS (SELECT 1 FROM forgotten WHERE dossier = ?1)";
/* Support ended before ?2: episodes, none open, the last closed before. */
static const char SQL_DUE[] =
    "SELECT p.dossier FROM persons p WHERE p.custodian = ?1"
    " AND EXISTS (SELECT 1 FROM episodes e WHERE e.dossier = p.dossier)"
    " AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.dossier = p.dossier"
    "  AND e.closed IS NULL)"
    " AND (SELECT max(e.closed) FROM episodes e"
    "  WHERE e.dossier = p.dossier) < ?2"
    " ORDER BY p.dossier LIMIT ?3";

#define WHAT	"erase"

static sqlite3_stmt *
bound(struct store *st, const char *sql, const char *a, const char *b)
{
	return (store_bound(st, sql, WHAT, a, b));
}

/* Run sql (returning no row) binding ?1 = a, and ?2 = b unless NULL.
 * 0 / -1. */
static int
run2(struct store *st, const char *sql, const char *a, const char *b)
{
	return (store_run_text(st, sql, WHAT, a, b));
}

int
store_forgotten_get(struct store *st, const char *dossier, bool *erased,
    char id[STORE_FORGOTTEN_ID])
{
	sqlite3_stmt	*s;
	const char	*k, *v;
	int		 r, rc = -1;

	*erased = false;
	if (id != NULL)
		id[0] = '\0';
	if ((s = bound(st, SQL_KIND, dossier, NULL)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_DONE)
		rc = 0;
	else if (r == STORE_ROW) {
		k = (const char *)sqlite3_column_text(s, 0);
		v = (const char *)sqlite3_column_text(s, 1);
		*erased = k != NULL && strcmp(k, "erased") == 0;
		if (id != NULL)
			snprintf(id, STORE_FORGOTTEN_ID, "%s",
			    v != NULL ? v : "");
		rc = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_forgotten_put(struct store *st, const char *dossier, bool erased,
    const char *id, int64_t at)
{
	sqlite3_stmt	*s;

	if ((s = bound(st, SQL_FORGET, dossier, erased ? "erased" :
	    "declined")) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, at) != SQLITE_OK)
		return (store_bind_failed(st, s, WHAT));
	return (store_run_done(st, s));
}

int
store_forgotten_unforget(struct store *st, const char *dossier)
{
	if (run2(st, SQL_UNFORGET, dossier, NULL) == -1 ||
	    run2(st, SQL_UNFORGET_TO, dossier, NULL) == -1)
		return (-1);
	return (0);
}

int
store_forgotten_to_entitled(struct store *st, const char *dossier,
    const char *region)
{
	return (run2(st, SQL_ERASED_TO, dossier, region));
}

int
store_forgotten_to_offerers(struct store *st, const char *dossier,
    const char *region)
{
	return (run2(st, SQL_KEEP_TO, dossier, region));
}

int
store_erase_changes(struct store *st, const char *dossier, const char *keep,
    const char *region)
{
	size_t	 i;

	if ((keep != NULL ? run2(st, SQL_DEL_PARENTS, dossier, keep) :
	    run2(st, SQL_DEL_PARENTS_OTHERS, dossier, region)) == -1 ||
	    (keep != NULL ? run2(st, SQL_DEL_CHANGES, dossier, keep) :
	    run2(st, SQL_DEL_CHANGES_OTHERS, dossier, region)) == -1 ||
	    run2(st, SQL_DEL_HEADS, dossier, NULL) == -1 ||
	    run2(st, SQL_HEADS, dossier, NULL) == -1)
		return (-1);
	for (i = 0; i < sizeof(SQL_DEL_RECORDS) / sizeof(*SQL_DEL_RECORDS);
	    i++)
		if (run2(st, SQL_DEL_RECORDS[i], dossier, NULL) == -1)
			return (-1);
	return (0);
}

int
store_erase_entitled(struct store *st, const char *dossier,
    const char *region)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = bound(st, SQL_ENTITLED, dossier, region)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW)
		rc = sqlite3_column_int(s, 0) != 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_erase_last_ended(struct store *st, const char *dossier,
    const char *region, char last[STORE_FORGOTTEN_ID])
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 r;

	last[0] = '\0';
	if ((s = bound(st, SQL_ENDED, dossier, region)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL)
			snprintf(last, STORE_FORGOTTEN_ID, "%s", v);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != STORE_DONE) {
		/* The newest may be among the rows not read. */
		last[0] = '\0';
		return (-1);
	}
	return (0);
}

int
store_erase_due(struct store *st, const char *region, const char *cut,
    char (*out)[37], int max)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 r = STORE_DONE, count = 0;

	if ((s = bound(st, SQL_DUE, region, cut)) == NULL)
		return (-1);
	if (sqlite3_bind_int(s, 3, max) != SQLITE_OK)
		return (store_bind_failed(st, s, WHAT));
	while (count < max && (r = store_step(st, s)) == STORE_ROW)
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    strlen(v) == 36)
			memcpy(out[count++], v, 37);
	/* LIMIT max: the max-th row is the last one. */
	if (count == max)
		r = STORE_DONE;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? count : -1);
}
