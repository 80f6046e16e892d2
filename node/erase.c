/*
 * node/erase.c: erasure and forgetting.  See erase.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "node/audit.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/log.h"

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
	"DELETE FROM dossier_centres WHERE dossier = ?1",
	"DELETE FROM session_glass WHERE dossier = ?1",
};

/* Whether this node's region (?2) may hold dossier ?1 by anything but an
 * offer that ended (feed.c, SQL_MAY_HOLD). */
static const char SQL_ENTITLED[] =
    COMP "SELECT 1 FROM comp WHERE EXISTS (SELECT 1 FROM persons p"
    "  WHERE p.dossier = comp.d AND p.custodian = ?2)"
    " OR EXISTS (SELECT 1 FROM transfers t WHERE t.dossier = comp.d"
    "  AND ((t.\"from\" = ?2 AND t.state = 'accepted')"
    "  OR (t.\"to\" = ?2 AND t.state = 'offered'))) LIMIT 1";
/* Offers to ?2 that ended, newest last. */
static const char SQL_ENDED[] =
    "SELECT decided_by FROM transfers WHERE dossier = ?1 AND \"to\" = ?2"
    " AND state IN ('cancelled', 'declined') AND decided_by IS NOT NULL"
    " ORDER BY decided";
/* What this node (?2) wrote itself stays (its decisions on those offers,
 * and what it wrote believing it had won a race): the offering region
 * must still pull it, or it would be lost.  That region is served it. */
static const char SQL_DEL_PARENTS_OTHERS[] =
    "DELETE FROM parents WHERE child IN (SELECT seq FROM changes"
    " WHERE dossier = ?1 AND region <> ?2)";
static const char SQL_DEL_CHANGES_OTHERS[] =
    "DELETE FROM changes WHERE dossier = ?1 AND region <> ?2";
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

int
erase_kind(struct store *st, const char *dossier, char id[65])
{
	sqlite3_stmt	*s;
	const char	*k, *v;
	int		 r, rc = -1;

	if ((s = store_stmt(st, SQL_KIND)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	if ((r = sqlite3_step(s)) == SQLITE_DONE)
		rc = ERASE_NONE;
	else if (r == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(s, 0);
		v = (const char *)sqlite3_column_text(s, 1);
		rc = k != NULL && strcmp(k, "erased") == 0 ? ERASE_ERASED :
		    ERASE_DECLINED;
		if (id != NULL)
			snprintf(id, 65, "%s", v != NULL ? v : "");
	} else
		log_warnx("read erased dossiers: %s",
		    sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	return (rc);
}

/* Run sql binding ?1 = a, and ?2 = b unless NULL.  0 / -1 (logged). */
static int
run2(struct store *st, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	sqlite3_reset(s);
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		log_warnx("erase: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

static int
forget_row(struct store *st, const char *dossier, const char *kind,
    const char *id)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_FORGET)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)(node_now_ms() / 1000));
	r = sqlite3_step(s);
	sqlite3_reset(s);
	if (r != SQLITE_DONE) {
		log_warnx("erase: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

/*
 * Delete every trace of dossier: views, records, and its changes with
 * their parents, but for the changes named in keep (a JSON array of ids)
 * or, when keep is NULL, those made by this node's region.  The heads
 * become the changes kept.
 */
static int
delete_but(struct node *n, const char *dossier, const char *keep)
{
	struct store	*st = n->st;
	size_t		 i;

	if (view_clear(st, dossier) == -1 ||
	    (keep != NULL ? run2(st, SQL_DEL_PARENTS, dossier, keep) :
	    run2(st, SQL_DEL_PARENTS_OTHERS, dossier, n->cfg.region)) == -1 ||
	    (keep != NULL ? run2(st, SQL_DEL_CHANGES, dossier, keep) :
	    run2(st, SQL_DEL_CHANGES_OTHERS, dossier, n->cfg.region)) == -1 ||
	    run2(st, SQL_DEL_HEADS, dossier, NULL) == -1 ||
	    run2(st, SQL_HEADS, dossier, NULL) == -1)
		return (-1);
	for (i = 0; i < sizeof(SQL_DEL_RECORDS) / sizeof(*SQL_DEL_RECORDS);
	    i++)
		if (run2(st, SQL_DEL_RECORDS[i], dossier, NULL) == -1)
			return (-1);
	store_want_wipe(st);
	return (0);
}

int
erase_dossier(struct node *n, const char *dossier, const char *tomb)
{
	char	 keep[80];

	snprintf(keep, sizeof(keep), "[\"%s\"]", tomb);
	if (run2(n->st, SQL_ERASED_TO, dossier, n->cfg.region) == -1 ||
	    forget_row(n->st, dossier, "erased", tomb) == -1 ||
	    delete_but(n, dossier, keep) == -1)
		return (-1);
	log_info("dossier %s erased (tombstone %.16s): its other changes and "
	    "views are deleted", dossier, tomb);
	return (0);
}

int
erase_forget_ended(struct node *n, const char *dossier)
{
	sqlite3_stmt	*s;
	char		 last[65] = "";
	const char	*v;
	int		 r, k;

	if ((k = erase_kind(n->st, dossier, NULL)) == -1)
		return (-1);
	if (k == ERASE_ERASED)
		return (0);
	if ((s = store_stmt(n->st, SQL_ENTITLED)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, n->cfg.region, -1, SQLITE_STATIC);
	r = sqlite3_step(s);
	sqlite3_reset(s);
	if (r == SQLITE_ROW) {
		/* Offered again: the history came back with the offer. */
		if (k == ERASE_DECLINED && (run2(n->st, SQL_UNFORGET, dossier,
		    NULL) == -1 || run2(n->st, SQL_UNFORGET_TO, dossier,
		    NULL) == -1))
			return (-1);
		return (0);
	}
	if (r != SQLITE_DONE)
		goto db;
	if ((s = store_stmt(n->st, SQL_ENDED)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, n->cfg.region, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL)
			snprintf(last, sizeof(last), "%s", v);
	sqlite3_reset(s);
	if (r != SQLITE_DONE)
		goto db;
	/* Never offered here: not this module's, unless forgotten already
	 * (a change of it relayed late was taken again: it goes again). */
	if (last[0] == '\0' && k != ERASE_DECLINED)
		return (0);
	if (run2(n->st, SQL_KEEP_TO, dossier, n->cfg.region) == -1 ||
	    (last[0] != '\0' && forget_row(n->st, dossier, "declined",
	    last) == -1) || delete_but(n, dossier, NULL) == -1)
		return (-1);
	log_info("dossier %s forgotten: its offer to %s ended; only what "
	    "this node wrote is kept, for the offering region", dossier,
	    n->cfg.region);
	return (1);
db:
	log_warnx("erase: %s", sqlite3_errmsg(store_db(n->st)));
	return (-1);
}

/* Support ended before ?3: episodes, none open, the last closed before. */
static const char SQL_DUE[] =
    "SELECT p.dossier FROM persons p WHERE p.custodian = ?1"
    " AND EXISTS (SELECT 1 FROM episodes e WHERE e.dossier = p.dossier)"
    " AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.dossier = p.dossier"
    "  AND e.closed IS NULL)"
    " AND (SELECT max(e.closed) FROM episodes e"
    "  WHERE e.dossier = p.dossier) < ?2"
    " ORDER BY p.dossier LIMIT ?3";

int
erase_due(struct node *n, int years, const char *today, char (*out)[37],
    int max)
{
	sqlite3_stmt	*s;
	const char	*v;
	char		 cut[24];
	int		 y, r, count = 0;

	/* The same month and day, years earlier (29 February: the 28th). */
	if (strlen(today) != 10 || years < 1)
		return (-1);
	y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 +
	    (today[2] - '0') * 10 + (today[3] - '0') - years;
	if (y < 0)
		return (0);
	snprintf(cut, sizeof(cut), "%04d-%.5s", y, today + 5);
	if (strcmp(cut + 5, "02-29") == 0)
		cut[9] = '8';
	if ((s = store_stmt(n->st, SQL_DUE)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, n->cfg.region, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, cut, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, max);
	while ((r = sqlite3_step(s)) == SQLITE_ROW && count < max)
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    strlen(v) == 36)
			memcpy(out[count++], v, 37);
	sqlite3_reset(s);
	if (r != SQLITE_DONE && r != SQLITE_ROW) {
		log_warnx("retention: %s", sqlite3_errmsg(store_db(n->st)));
		return (-1);
	}
	return (count);
}

/* The account that signs retention erasures: the node itself. */
#define ERASE_RETENTION_USER	"opora-retention"

/* Erase one dossier whose retention ran out: one transaction.  0 / -1. */
static int
retain_one(struct node *n, const char *id)
{
	struct audit_entry	 e;
	struct dossier		*d = NULL;
	struct op		 op;
	char			 cid[CHANGE_ID_HEX + 1], why[512];
	char			 user[sizeof(n->user)], detail[96];
	int			 rc = -1;

	memcpy(user, n->user, sizeof(user));
	snprintf(n->user, sizeof(n->user), "%s", ERASE_RETENTION_USER);
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_ERASE;
	op.field = -1;
	op.arg[OA_REASON] = "retention";
	if (store_begin(n->st) == -1)
		goto out;
	if (view_load(n->st, id, &d) != 0)
		goto rollback;
	if (node_author(n, d, &op, 1, cid, why, sizeof(why)) != 0) {
		log_warnx("retention: dossier %s not erased: %s", id, why);
		goto rollback;
	}
	memset(&e, 0, sizeof(e));
	snprintf(detail, sizeof(detail), "%s ground: retention", cid);
	e.login = ERASE_RETENTION_USER;
	e.role = "";
	e.os_user = "";
	e.addr = "serve";
	e.action = "person erase";
	e.dossiers = id;
	e.detail = detail;
	if (audit_append(n, &e) == -1 || store_commit(n->st) == -1)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	store_rollback(n->st);
out:
	dossier_free(d);
	memcpy(n->user, user, sizeof(user));
	return (rc);
}

int
erase_retention(struct node *n, int *count)
{
	char		 today[16], ids[ERASE_RETENTION_BATCH][37];
	time_t		 t = (time_t)(node_now_ms() / 1000);
	struct tm	 tm;
	int		 k, i, failed = 0;

	*count = 0;
	if (n->cfg.retention_years == 0)
		return (0);
	localtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	/* A batch at a time; a dossier that could not be erased stays due
	 * and ends the run, which the next day tries again. */
	do {
		if ((k = erase_due(n, n->cfg.retention_years, today, ids,
		    ERASE_RETENTION_BATCH)) == -1)
			return (-1);
		for (i = 0; i < k; i++) {
			if (retain_one(n, ids[i]) == -1) {
				failed = 1;
				break;
			}
			(*count)++;
		}
	} while (k == ERASE_RETENTION_BATCH && !failed);
	return (failed ? -1 : 0);
}
