/*
 * node/store_offer.c: the offer_summaries table and the log writes of
 * settling an offered dossier.  See store_offer.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "conflict/history.h"
#include "node/store.h"
#include "node/store_offer.h"
#include "protocol/log.h"

static const char SQL_PUT[] =
    "INSERT OR IGNORE INTO offer_summaries (offer, dossier, change, \"from\","
    " \"to\", reason, surname, name, patronymic, birth_year, centre, entries,"
    " hlc, user, state, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    " ?9, ?10, ?11, ?12, ?13, ?14, 'offered', ?15)";
static const char SQL_GET[] =
    "SELECT dossier, change, \"from\", \"to\", state, decided_by, hlc"
    " FROM offer_summaries WHERE offer = ?1";
static const char SQL_HELD[] =
    "SELECT 1 FROM offer_summaries WHERE dossier = ?1 LIMIT 1";
/* An accept of an offer held here that this node wrote and that came back
 * by the normal path with the history (it lost it, a restore): the row
 * learns it.  Bytes are canonical, so the operation reads exactly so. */
static const char SQL_ACCEPT_SEEN[] =
    "UPDATE offer_summaries SET state = 'accepted', decided_by = (SELECT"
    " c.id FROM changes c WHERE c.dossier = ?1 AND c.region = ?2 AND"
    " instr(CAST(c.bytes AS TEXT), '{\"offer\":\"' || offer ||"
    " '\",\"op\":\"transfer.accept\"}') > 0 LIMIT 1)"
    " WHERE dossier = ?1 AND state = 'offered' AND EXISTS (SELECT 1"
    " FROM changes c WHERE c.dossier = ?1 AND c.region = ?2 AND"
    " instr(CAST(c.bytes AS TEXT), '{\"offer\":\"' || offer ||"
    " '\",\"op\":\"transfer.accept\"}') > 0)";
static const char SQL_ACCEPTED[] =
    "SELECT 1 FROM offer_summaries WHERE dossier = ?1 AND state = 'accepted'"
    " LIMIT 1";
static const char SQL_MARK[] =
    "UPDATE offer_summaries SET state = ?2, decided_by = ?3, decided = ?4"
    " WHERE offer = ?1";
/* What stays of an offer that ended: ids, regions, states, clocks. */
static const char SQL_CLEAR[] =
    "UPDATE offer_summaries SET reason = NULL, surname = NULL, name = NULL,"
    " patronymic = NULL, birth_year = NULL, centre = NULL, entries = NULL,"
    " user = NULL WHERE offer = ?1";
/* Once no offer of the dossier is pending or accepted here, the node has
 * forgotten it as erase.h says (kind 'declined'): a change of it relayed
 * late is history forgotten on purpose, and what this node wrote is served
 * to the offering region. */
static const char SQL_LIVE[] =
    "SELECT 1 FROM offer_summaries WHERE dossier = ?1"
    " AND state IN ('offered', 'accepted') LIMIT 1";
static const char SQL_FORGET[] =
    "INSERT OR REPLACE INTO forgotten (dossier, kind, id, at)"
    " VALUES (?1, 'declined', ?2, CAST(strftime('%s', 'now') AS INTEGER))";
static const char SQL_FORGET_TO[] =
    "INSERT OR IGNORE INTO forgotten_to (dossier, region)"
    " SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM changes WHERE dossier = ?1)";
static const char SQL_UNFORGET[] =
    "DELETE FROM forgotten WHERE dossier = ?1 AND kind = 'declined'";
static const char SQL_DROP[] = "DELETE FROM offer_summaries WHERE dossier = ?1";
/* The offer's own bytes go when it ends; what this node wrote stays. */
static const char SQL_DEL_PARENTS[] =
    "DELETE FROM parents WHERE child IN (SELECT seq FROM changes"
    " WHERE " STORE_ID_IS("id", "?1") " AND region <> ?2)";
static const char SQL_DEL_CHANGE[] =
    "DELETE FROM changes WHERE " STORE_ID_IS("id", "?1")
    " AND region <> ?2";
/* The heads: the changes of the dossier that no change of it names (a
 * difference of two sets, each read once: parents has no index by
 * parent, and a NOT EXISTS per change read the dossier again for each). */
static const char SQL_DEL_HEADS[] = "DELETE FROM heads WHERE dossier = ?1";
static const char SQL_PUT_HEAD[] = "INSERT INTO heads (dossier, id) VALUES (?1, ?2)";
static const char SQL_HEADS[] =
    "INSERT INTO heads (dossier, id) SELECT ?1, id FROM"
    " (SELECT c.id FROM changes c WHERE c.dossier = ?1"
    "  EXCEPT SELECT p.parent FROM changes k JOIN parents p"
    "  ON p.child = k.seq WHERE k.dossier = ?1)";
static const char SQL_CHANGE_ORDER[] =
    "SELECT hlc, key_id FROM changes WHERE " STORE_ID_IS("id", "?1");
/*
 * The changes of a dossier, in the total order (docs/protocol.md section
 * 3: parents first).  The offer and what this node wrote about it came
 * before their history; the history's changes after the offer came after
 * it.  Settling appends them all again in this order (new feed numbers),
 * so that every change is stored after its parents (verify checks it,
 * and a feed lists parents first).
 */
/* The dossier's changes in the total order, each with its parents (one
 * row a parent; none for a first change). */
static const char SQL_EARLY[] =
    "SELECT c.seq, c.id, p.parent FROM changes c LEFT JOIN parents p"
    " ON p.child = c.seq WHERE c.dossier = ?1 ORDER BY c.hlc, c.key_id,"
    " c.id";
static const char SQL_MOVE_AWAY[] =
    "UPDATE changes SET id = id || '~' WHERE seq = ?1";
static const char SQL_MOVE_COPY[] =
    "INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig,"
    " received) SELECT substr(id, 1, 64), dossier, hlc, key_id, region,"
    " bytes, sig, received FROM changes WHERE seq = ?1";
static const char SQL_MOVE_PARENTS[] =
    "INSERT INTO parents (child, parent) SELECT ?2, parent FROM parents"
    " WHERE child = ?1";
static const char SQL_MOVE_DEL_PARENTS[] = "DELETE FROM parents WHERE child = ?1";
static const char SQL_MOVE_DEL[] = "DELETE FROM changes WHERE seq = ?1";
/* The offers of the dossier other than accepted ones, and this node's
 * decisions on them: a parent missing from their past is no gap in the
 * history (store_offer_history marks them). */
#define OTHER_OFFERS \
    " SELECT change FROM offer_summaries WHERE dossier = ?1" \
    " AND state <> 'accepted' UNION SELECT decided_by FROM offer_summaries" \
    " WHERE dossier = ?1 AND state <> 'accepted' AND decided_by IS NOT NULL"
static const char SQL_OTHERS[] = OTHER_OFFERS;
/*
 * Offers other than the accepted one (and this node's decisions on them)
 * that still lack parents when the history has come: their history is
 * not in the custodian's (its author lost it, a log that went back), so
 * they are dropped with their summaries; if they are part of the history
 * after all, they come again with it.
 */
static const char SQL_ORPHANS[] =
    "SELECT c.id FROM changes c WHERE c.dossier = ?1 AND c.id IN ("
    OTHER_OFFERS ") AND EXISTS (SELECT 1 FROM parents p WHERE p.child ="
    " c.seq AND NOT EXISTS (SELECT 1 FROM changes k WHERE "
    STORE_ID_IS("k.id", "p.parent") "))";
static const char SQL_DEL_ORPHAN_PARENTS[] =
    "DELETE FROM parents WHERE child IN (SELECT seq FROM changes"
    " WHERE " STORE_ID_IS("id", "?1") ")";
static const char SQL_DEL_ORPHAN[] =
    "DELETE FROM changes WHERE " STORE_ID_IS("id", "?1");
static const char SQL_DEL_ORPHAN_ROW[] =
    "DELETE FROM offer_summaries WHERE change = ?1 OR decided_by = ?1";
/* Whether an ancestor of the changes named in ?1 (a JSON array of ids) is
 * not here. */
/* A change of the dossier older than the clock ?2 (16 hex digits: their
 * order is the text's) stored without a parent.  Every stored change is
 * after its parents (node/receive.c), so only such a change can leave a
 * gap in the past of a change with that clock. */
static const char SQL_ORPHAN_BEFORE[] =
    "SELECT 1 FROM changes ch JOIN parents p ON p.child = ch.seq"
    " WHERE ch.dossier = ?1 AND ch.hlc < ?2 AND NOT EXISTS (SELECT 1"
    " FROM changes k WHERE " STORE_ID_IS("k.id", "p.parent") ") LIMIT 1";
/* The earliest clock of a change of the dossier stored without a parent
 * (store_offer_orphan_hlc). */
static const char SQL_ORPHAN_MIN[] =
    "SELECT min(ch.hlc) FROM changes ch JOIN parents p ON p.child = ch.seq"
    " WHERE ch.dossier = ?1 AND NOT EXISTS (SELECT 1 FROM changes k"
    " WHERE " STORE_ID_IS("k.id", "p.parent") ")";
/* The earliest clock of an offer of the dossier held here as a summary:
 * a change with an earlier clock cannot have it in its past. */
static const char SQL_FIRST_OFFER[] =
    "SELECT min(hlc) FROM offer_summaries WHERE dossier = ?1";
static const char SQL_PAST_GAP[] =
    "WITH RECURSIVE anc(id) AS (SELECT value FROM json_each(?1)"
    " UNION SELECT p.parent FROM anc JOIN changes ch ON "
    STORE_ID_IS("ch.id", "anc.id") " JOIN parents p ON p.child = ch.seq)"
    " SELECT 1 FROM anc WHERE NOT EXISTS (SELECT 1 FROM changes k"
    " WHERE " STORE_ID_IS("k.id", "anc.id") ") LIMIT 1";
static const char SQL_LIST[] =
    "SELECT offer, dossier, \"from\", \"to\", reason, state, hlc, surname,"
    " name, patronymic, birth_year, centre, entries FROM offer_summaries"
    " WHERE \"to\" = ?1 ORDER BY hlc DESC";
/* Accepted here, the history not come: the summary is dropped when it
 * does (offer_settle). */
static const char SQL_WAITING[] =
    "SELECT dossier, \"from\", COALESCE(decided, hlc), EXISTS (SELECT 1"
    " FROM lost_ack a WHERE a.dossier = offer_summaries.dossier)"
    " FROM offer_summaries WHERE \"to\" = ?1 AND state = 'accepted'"
    " ORDER BY 3";
static const char SQL_FIND[] =
    "SELECT offer, dossier FROM offer_summaries"
    " WHERE substr(offer, 1, length(?1)) = ?1 LIMIT 2";


static void
col(sqlite3_stmt *s, int i, char *out, size_t outsz)
{
	const char	*v = (const char *)sqlite3_column_text(s, i);

	snprintf(out, outsz, "%s", v != NULL ? v : "");
}

/* Run sql with up to four text parameters (NULL: unbound): 1 when it
 * gave a row, 0 when it ran, -1 (logged). */
static int
run(struct store *st, const char *sql, const char *a, const char *b,
    const char *c, const char *d)
{
	sqlite3_stmt	*s;
	const char	*v[4] = { a, b, c, d };
	int		 i, k;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	for (i = 0; i < 4; i++)
		if (v[i] != NULL)
			sqlite3_bind_text(s, i + 1, v[i], -1, SQLITE_STATIC);
	k = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (k != STORE_DONE && k != STORE_ROW) {
		log_warnx("offer summaries: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (k == STORE_ROW ? 1 : 0);
}

/* Run sql with integer parameters a and b.  0 / -1 (logged). */
static int
run_seq(struct store *st, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt	*s;
	int		 k;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	k = store_step(st, s);
	sqlite3_reset(s);
	if (k != STORE_DONE) {
		log_warnx("offer summaries: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

int
store_offer_get(struct store *st, const char *offer,
    struct store_offer_row *r)
{
	sqlite3_stmt	*s;
	int		 k;

	if ((s = store_stmt(st, SQL_GET)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, offer, -1, SQLITE_STATIC);
	k = store_step(st, s);
	if (k == STORE_ROW) {
		col(s, 0, r->dossier, sizeof(r->dossier));
		col(s, 1, r->change, sizeof(r->change));
		col(s, 2, r->from, sizeof(r->from));
		col(s, 3, r->to, sizeof(r->to));
		col(s, 4, r->state, sizeof(r->state));
		col(s, 5, r->decided_by, sizeof(r->decided_by));
		col(s, 6, r->hlc, sizeof(r->hlc));
	}
	sqlite3_reset(s);
	return (k == STORE_ROW ? 1 : k == STORE_DONE ? 0 : -1);
}

int
store_offer_put(struct store *st, const char *const v[SO_NCOLS],
    int64_t received_ms)
{
	sqlite3_stmt	*s;
	int		 i, k;

	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	for (i = 0; i < SO_NCOLS; i++)
		if (v[i] != NULL)
			sqlite3_bind_text(s, i + 1, v[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, SO_NCOLS + 1, (sqlite3_int64)received_ms);
	k = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (k != STORE_DONE) {
		log_warnx("offer summaries: %s", sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

int
store_offer_mark(struct store *st, const char *offer, const char *state,
    const char *by, const char *hlc)
{
	return (run(st, SQL_MARK, offer, state, by, hlc) == -1 ? -1 : 0);
}

int
store_offer_clear(struct store *st, const char *offer)
{
	return (run(st, SQL_CLEAR, offer, NULL, NULL, NULL) == -1 ? -1 : 0);
}

int
store_offer_held(struct store *st, const char *dossier)
{
	return (run(st, SQL_HELD, dossier, NULL, NULL, NULL));
}

int
store_offer_accepted(struct store *st, const char *dossier)
{
	return (run(st, SQL_ACCEPTED, dossier, NULL, NULL, NULL));
}

int
store_offer_live(struct store *st, const char *dossier)
{
	return (run(st, SQL_LIVE, dossier, NULL, NULL, NULL));
}

int
store_offer_accept_seen(struct store *st, const char *dossier,
    const char *region)
{
	return (run(st, SQL_ACCEPT_SEEN, dossier, region, NULL, NULL) == -1 ?
	    -1 : 0);
}

int
store_offer_drop(struct store *st, const char *dossier)
{
	return (run(st, SQL_DROP, dossier, NULL, NULL, NULL) == -1 ? -1 : 0);
}

int
store_offer_forget(struct store *st, const char *dossier, const char *by,
    const char *from)
{
	return (run(st, SQL_FORGET, dossier, by, NULL, NULL) == -1 ||
	    run(st, SQL_FORGET_TO, dossier, from, NULL, NULL) == -1 ? -1 : 0);
}

int
store_offer_unforget(struct store *st, const char *dossier)
{
	return (run(st, SQL_UNFORGET, dossier, NULL, NULL, NULL) == -1 ?
	    -1 : 0);
}

int
store_offer_delete_change(struct store *st, const char *id,
    const char *keep_region)
{
	return (run(st, SQL_DEL_PARENTS, id, keep_region, NULL, NULL) == -1 ||
	    run(st, SQL_DEL_CHANGE, id, keep_region, NULL, NULL) == -1 ?
	    -1 : 0);
}

int
store_offer_heads_again(struct store *st, const char *dossier)
{
	return (run(st, SQL_DEL_HEADS, dossier, NULL, NULL, NULL) == -1 ||
	    run(st, SQL_HEADS, dossier, NULL, NULL, NULL) == -1 ? -1 : 0);
}

int
store_offer_change_order(struct store *st, const char *id, char hlc[17],
    char key[17])
{
	sqlite3_stmt	*s;
	int		 k;

	if ((s = store_stmt(st, SQL_CHANGE_ORDER)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	k = store_step(st, s);
	if (k == STORE_ROW) {
		col(s, 0, hlc, 17);
		col(s, 1, key, 17);
	}
	sqlite3_reset(s);
	return (k == STORE_ROW ? 1 : k == STORE_DONE ? 0 : -1);
}

int
store_offer_past_gap(struct store *st, const char *dossier, const char *hlc,
    const char *ids)
{
	int	 k;

	/* Nothing before the clock lacks a parent: no gap, without walking
	 * the past (the history of an accepted offer comes before it). */
	if ((k = run(st, SQL_ORPHAN_BEFORE, dossier, hlc, NULL, NULL)) != 1)
		return (k);
	return (run(st, SQL_PAST_GAP, ids, NULL, NULL, NULL));
}

int
store_offer_drop_orphans(struct store *st, const char *dossier)
{
	sqlite3_stmt	*s;
	char		(*ids)[65] = NULL, (*nv)[65];
	size_t		 n = 0, cap = 0, i;
	int		 k, rc = -1;

	if ((s = store_stmt(st, SQL_ORPHANS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((k = store_step(st, s)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = reallocarray(ids, cap, sizeof(*ids))) ==
			    NULL) {
				log_oom_note();
				k = STORE_ERR;
				break;
			}
			ids = nv;
		}
		col(s, 0, ids[n++], sizeof(*ids));
	}
	sqlite3_reset(s);
	if (k != STORE_DONE)
		goto out;
	for (i = 0; i < n; i++)
		if (run(st, SQL_DEL_ORPHAN_PARENTS, ids[i], NULL, NULL,
		    NULL) == -1 || run(st, SQL_DEL_ORPHAN, ids[i], NULL, NULL,
		    NULL) == -1 || run(st, SQL_DEL_ORPHAN_ROW, ids[i], NULL,
		    NULL, NULL) == -1)
			goto out;
	rc = (int)n;
out:
	free(ids);
	return (rc);
}

int
store_offer_history(struct store *st, const char *dossier, struct history *h)
{
	sqlite3_stmt	*s;
	const char	*id, *parent;
	long		 i;
	int		 k;

	history_init(h);
	if ((s = store_stmt(st, SQL_EARLY)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((k = store_step(st, s)) == STORE_ROW) {
		id = (const char *)sqlite3_column_text(s, 1);
		parent = (const char *)sqlite3_column_text(s, 2);
		if (id == NULL || strlen(id) != 64 || (parent != NULL &&
		    strlen(parent) != 64)) {
			log_warnx("dossier %s: a change id or parent in the "
			    "log is not 64 characters", dossier);
			k = STORE_ERR;
			break;
		}
		/* One row a parent: a change's rows are together. */
		if ((h->n == 0 || strcmp(h->v[h->n - 1].id, id) != 0) &&
		    history_add(h, sqlite3_column_int64(s, 0), id) == -1) {
			log_oom_note();
			k = STORE_ERR;
			break;
		}
		if (parent != NULL && history_add_parent(h, parent) == -1) {
			log_oom_note();
			k = STORE_ERR;
			break;
		}
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (k != STORE_DONE)
		goto fail;
	if (history_seal(h) == -1) {
		log_oom_note();
		goto fail;
	}
	if ((s = store_stmt(st, SQL_OTHERS)) == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((k = store_step(st, s)) == STORE_ROW)
		if ((id = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    (i = history_find(h, id)) != -1)
			h->v[i].other = true;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (k == STORE_DONE)
		return (0);
fail:
	history_free(h);
	return (-1);
}

int
store_offer_reorder(struct store *st, struct history *h,
    char (**moved)[65], size_t *nmoved)
{
	int64_t		 fresh;
	size_t		 i, nm;

	if (moved != NULL) {
		*moved = NULL;
		*nmoved = 0;
	}
	/*
	 * Only what is stored before one of its parents moves (an offer
	 * held as a summary, and this node's decision on it, stored before
	 * the history came), and what descends from a change that moves:
	 * appended again in the total order, each comes after its parents,
	 * and the rest, already after theirs, keeps its place.
	 */
	if ((nm = history_moves(h)) == 0)
		return (0);
	if (moved != NULL) {
		if ((*moved = reallocarray(NULL, nm, sizeof(**moved))) ==
		    NULL) {
			log_oom_note();
			return (-1);
		}
		for (i = 0; i < h->n; i++)
			if (h->v[i].moves)
				memcpy((*moved)[(*nmoved)++], h->v[i].id, 65);
	}
	for (i = 0; i < h->n; i++) {
		if (!h->v[i].moves)
			continue;
		if (run_seq(st, SQL_MOVE_AWAY, h->v[i].seq, 0) == -1 ||
		    run_seq(st, SQL_MOVE_COPY, h->v[i].seq, 0) == -1)
			return (-1);
		fresh = sqlite3_last_insert_rowid(store_db(st));
		if (run_seq(st, SQL_MOVE_PARENTS, h->v[i].seq, fresh) == -1 ||
		    run_seq(st, SQL_MOVE_DEL_PARENTS, h->v[i].seq, 0) == -1 ||
		    run_seq(st, SQL_MOVE_DEL, h->v[i].seq, 0) == -1)
			return (-1);
		h->v[i].seq = fresh;
	}
	return (0);
}

int
store_offer_heads_of(struct store *st, const char *dossier,
    struct history *h)
{
	size_t	 i;

	history_heads(h);
	if (run(st, SQL_DEL_HEADS, dossier, NULL, NULL, NULL) == -1)
		return (-1);
	for (i = 0; i < h->n; i++)
		if (h->v[i].head && run(st, SQL_PUT_HEAD, dossier,
		    h->v[i].id, NULL, NULL) == -1)
			return (-1);
	return (0);
}

int
store_offer_each(struct store *st, const char *to,
    int (*fn)(const char *const v[13], void *), void *arg)
{
	sqlite3_stmt	*s;
	const char	*v[13];
	int		 i, r;

	if ((s = store_stmt(st, SQL_LIST)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < 13; i++)
			v[i] = (const char *)sqlite3_column_text(s, i);
		if (fn(v, arg) == -1) {
			r = STORE_ERR;
			break;
		}
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? 0 : -1);
}

int
store_offer_each_accepted(struct store *st, const char *to,
    void (*fn)(const char *, const char *, const char *, bool, void *),
    void *arg)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_WAITING)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW)
		fn((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    sqlite3_column_int(s, 3) != 0, arg);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_DONE ? 0 : -1);
}

int
store_offer_find(struct store *st, const char *prefix, char id[80],
    char dossier[37])
{
	sqlite3_stmt	*s;
	int		 r, found = 0;

	if ((s = store_stmt(st, SQL_FIND)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		col(s, 0, id, 80);
		col(s, 1, dossier, 37);
		found++;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != STORE_DONE)
		return (-1);
	return (found == 1);
}

/* The clock sql (a min() of dossier ?1) finds: as store_offer_first_hlc. */
static int
min_hlc(struct store *st, const char *sql, const char *dossier, char hlc[17])
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 k, rc = -1;

	hlc[0] = '\0';
	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	if ((k = store_step(st, s)) == STORE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v != NULL && strlen(v) == 16) {
			memcpy(hlc, v, 17);
			rc = 1;
		} else
			rc = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (k == STORE_ROW ? rc : -1);
}

int
store_offer_first_hlc(struct store *st, const char *dossier, char hlc[17])
{
	return (min_hlc(st, SQL_FIRST_OFFER, dossier, hlc));
}

int
store_offer_orphan_hlc(struct store *st, const char *dossier, char hlc[17])
{
	return (min_hlc(st, SQL_ORPHAN_MIN, dossier, hlc));
}
