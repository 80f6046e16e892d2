/*
 * node/offer.c: offers held as summaries.  See offer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conflict/dossier.h"
#include "conflict/hlc.h"
#include "node/account.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/buf.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/sig.h"

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
    " WHERE id = ?1 AND region <> ?2)";
static const char SQL_DEL_CHANGE[] =
    "DELETE FROM changes WHERE id = ?1 AND region <> ?2";
/* The heads: the changes of the dossier that no change of it names. */
static const char SQL_DEL_HEADS[] = "DELETE FROM heads WHERE dossier = ?1";
static const char SQL_HEADS[] =
    "INSERT INTO heads (dossier, id) SELECT c.dossier, c.id FROM changes c"
    " WHERE c.dossier = ?1 AND NOT EXISTS (SELECT 1 FROM parents p"
    "  JOIN changes k ON k.seq = p.child WHERE k.dossier = ?1"
    "  AND p.parent = c.id)";
static const char SQL_CHANGE_ORDER[] =
    "SELECT hlc, key_id FROM changes WHERE id = ?1";
/*
 * The changes of a dossier, in the total order (docs/protocol.md section
 * 3: parents first).  The offer and what this node wrote about it came
 * before their history; the history's changes after the offer came after
 * it.  Settling appends them all again in this order (new feed numbers),
 * so that every change is stored after its parents (verify checks it,
 * and a feed lists parents first).
 */
static const char SQL_EARLY[] =
    "SELECT seq FROM changes WHERE dossier = ?1 ORDER BY hlc, key_id, id";
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
/* A change of the dossier whose parent is not here: its history has not
 * all come yet. */
#define OTHER_OFFERS \
    " SELECT change FROM offer_summaries WHERE dossier = ?1" \
    " AND state <> 'accepted' UNION SELECT decided_by FROM offer_summaries" \
    " WHERE dossier = ?1 AND state <> 'accepted' AND decided_by IS NOT NULL"
static const char SQL_GAP[] =
    "SELECT 1 FROM parents p JOIN changes c ON c.seq = p.child"
    " WHERE c.dossier = ?1 AND c.id NOT IN (" OTHER_OFFERS ")"
    " AND NOT EXISTS (SELECT 1 FROM changes k WHERE k.id = p.parent) LIMIT 1";
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
    " c.seq AND NOT EXISTS (SELECT 1 FROM changes k WHERE k.id = p.parent))";
static const char SQL_DEL_ORPHAN_PARENTS[] =
    "DELETE FROM parents WHERE child IN (SELECT seq FROM changes"
    " WHERE id = ?1)";
static const char SQL_DEL_ORPHAN[] = "DELETE FROM changes WHERE id = ?1";
static const char SQL_DEL_ORPHAN_ROW[] =
    "DELETE FROM offer_summaries WHERE change = ?1 OR decided_by = ?1";
/* Whether an ancestor of the changes named in ?1 (a JSON array of ids) is
 * not here. */
static const char SQL_PAST_GAP[] =
    "WITH RECURSIVE anc(id) AS (SELECT value FROM json_each(?1)"
    " UNION SELECT p.parent FROM anc JOIN changes ch ON ch.id = anc.id"
    " JOIN parents p ON p.child = ch.seq)"
    " SELECT 1 FROM anc WHERE NOT EXISTS (SELECT 1 FROM changes k"
    " WHERE k.id = anc.id) LIMIT 1";
static const char SQL_LIST[] =
    "SELECT offer, dossier, \"from\", \"to\", reason, state, hlc, surname,"
    " name, patronymic, birth_year, centre, entries FROM offer_summaries"
    " WHERE \"to\" = ?1 ORDER BY hlc DESC";
/* Accepted here, the history not come: the summary is dropped when it
 * does (offer_settle). */
static const char SQL_WAITING[] =
    "SELECT dossier, \"from\", COALESCE(decided, hlc) FROM offer_summaries"
    " WHERE \"to\" = ?1 AND state = 'accepted' ORDER BY 3";
static const char SQL_FIND[] =
    "SELECT offer, dossier FROM offer_summaries"
    " WHERE substr(offer, 1, length(?1)) = ?1 LIMIT 2";

struct row {
	char	 dossier[37], change[CHANGE_ID_HEX + 1];
	char	 from[16], to[16], state[16], decided_by[CHANGE_ID_HEX + 1];
	char	 hlc[17];
};

static void
col(sqlite3_stmt *s, int i, char *out, size_t outsz)
{
	const char	*v = (const char *)sqlite3_column_text(s, i);

	snprintf(out, outsz, "%s", v != NULL ? v : "");
}

/* The summary of offer ref: 1 and *r, 0 when there is none, -1. */
static int
row_get(struct store *st, const char *ref, struct row *r)
{
	sqlite3_stmt	*s;
	int		 k;

	if ((s = store_stmt(st, SQL_GET)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
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

/* Run sql with up to four text parameters (NULL: unbound).  0 / -1. */
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

static int
heads_again(struct store *st, const char *dossier)
{
	return (run(st, SQL_DEL_HEADS, dossier, NULL, NULL, NULL) == -1 ||
	    run(st, SQL_HEADS, dossier, NULL, NULL, NULL) == -1 ? -1 : 0);
}

/*
 * The offer ref ended (state, by change by at clock hlc): its bytes and
 * its summary's personal fields go; the ids stay, and whatever this node
 * wrote.
 */
static int
end(struct node *n, const char *ref, const struct row *r, const char *state,
    const char *by, const char *hlc)
{
	struct store	*st = n->st;
	int		 k;

	if (run(st, SQL_MARK, ref, state, by, hlc) == -1 ||
	    run(st, SQL_CLEAR, ref, NULL, NULL, NULL) == -1 ||
	    run(st, SQL_DEL_PARENTS, r->change, n->cfg.region, NULL,
	    NULL) == -1 ||
	    run(st, SQL_DEL_CHANGE, r->change, n->cfg.region, NULL,
	    NULL) == -1 || heads_again(st, r->dossier) == -1 ||
	    (k = run(st, SQL_LIVE, r->dossier, NULL, NULL, NULL)) == -1)
		return (-1);
	if (k == 0 && (run(st, SQL_FORGET, r->dossier, by, NULL, NULL) == -1 ||
	    run(st, SQL_FORGET_TO, r->dossier, r->from, NULL, NULL) == -1))
		return (-1);
	store_want_wipe(st);
	log_info("offer %.16s of dossier %s to %s %s: its summary and the "
	    "offer's bytes are deleted", ref, r->dossier, r->to, state);
	return (0);
}

/* Whether change id (held here) comes before change c in the total
 * order: 1, 0, or -1. */
static int
held_before(struct store *st, const char *id, const struct change *c)
{
	sqlite3_stmt	*s;
	char		 hlc[17], key[17];
	uint64_t	 h;
	int		 k;

	if ((s = store_stmt(st, SQL_CHANGE_ORDER)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	k = store_step(st, s);
	if (k == STORE_ROW) {
		col(s, 0, hlc, sizeof(hlc));
		col(s, 1, key, sizeof(key));
	}
	sqlite3_reset(s);
	if (k != STORE_ROW || hlc_parse(hlc, strlen(hlc), &h) == -1)
		return (-1);
	return (hlc_order(h, key, id, c->hlc, c->key, c->id) < 0);
}

static int
take_offer(struct node *n, const struct change *c, const void *bytes,
    size_t len, const uint8_t *sig)
{
	const struct op	*o = &c->ops[0];
	sqlite3_stmt	*s;
	struct row	 r;
	char		 ref[CHANGE_ID_HEX + 8], hlc[17];
	int		 k;

	snprintf(ref, sizeof(ref), "%s/0", c->id);
	hlc_format(c->hlc, hlc);
	/* Known already: pending here (and held), or ended (its bytes
	 * deleted on purpose: relayed late, it is not taken again). */
	if ((k = row_get(n->st, ref, &r)) != 0)
		return (k == 1 ? OFFER_HELD : -1);
	if ((s = store_stmt(n->st, SQL_PUT)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, c->dossier, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, c->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, o->arg[OA_TO], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, o->arg[OA_REASON], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, o->arg[OA_SURNAME], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, o->arg[OA_NAME], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, o->arg[OA_PATRONYMIC], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, o->arg[OA_BIRTH_YEAR], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, o->arg[OA_CENTRE], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, o->arg[OA_ENTRIES], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, hlc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 14, c->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 15, (sqlite3_int64)node_now_ms());
	k = store_step(n->st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (k != STORE_DONE) {
		log_warnx("offer summaries: %s",
		    sqlite3_errmsg(store_db(n->st)));
		return (-1);
	}
	/* Offered again after an offer that ended: it is not forgotten. */
	if (run(n->st, SQL_UNFORGET, c->dossier, NULL, NULL, NULL) == -1 ||
	    store_change_put(n->st, c, bytes, len, sig, NULL) == -1)
		return (-1);
	log_info("dossier %s offered by %s: its summary is kept; the history "
	    "comes once this region accepts", c->dossier, c->region);
	return (OFFER_TAKEN);
}

int
offer_receive(struct node *n, const struct change *c, const void *bytes,
    size_t len, const uint8_t *sig, char *why, size_t whysz)
{
	const struct op	*o;
	struct row	 r;
	char		 hlc[17];
	int		 k;

	if (c->nops != 1)
		return (OFFER_NOT);
	o = &c->ops[0];
	if (o->kind != OP_TRANSFER_OFFER && o->kind != OP_TRANSFER_CANCEL &&
	    o->kind != OP_TRANSFER_ACCEPT && o->kind != OP_TRANSFER_DECLINE)
		return (OFFER_NOT);
	/* A node that holds the dossier judges it on its history. */
	if ((k = store_has_dossier(n->st, c->dossier)) != 0)
		return (k == 1 ? OFFER_NOT : -1);
	if (o->kind == OP_TRANSFER_OFFER) {
		if (strcmp(o->arg[OA_TO], n->cfg.region) != 0 ||
		    strcmp(c->region, n->cfg.region) == 0)
			return (OFFER_NOT);
		return (take_offer(n, c, bytes, len, sig));
	}
	if ((k = row_get(n->st, o->arg[OA_REF], &r)) != 1)
		return (k == 0 ? OFFER_NOT : -1);
	if (strcmp(r.dossier, c->dossier) != 0)
		return (OFFER_NOT);
	if (o->kind != OP_TRANSFER_CANCEL) {
		if (strcmp(c->region, r.to) != 0) {
			snprintf(why, whysz, "only %s, to which the case is "
			    "offered, may accept or decline it", r.to);
			return (OFFER_REFUSED);
		}
		/* This region's own decision, which it lost (a restore)
		 * and a peer relays back: taken again. */
		if (strcmp(r.state, "offered") != 0)
			return (OFFER_HELD);
		hlc_format(c->hlc, hlc);
		if (store_change_put(n->st, c, bytes, len, sig, NULL) == -1)
			return (-1);
		if (o->kind == OP_TRANSFER_ACCEPT)
			return (run(n->st, SQL_MARK, o->arg[OA_REF], "accepted",
			    c->id, hlc) == -1 ? -1 : OFFER_TAKEN);
		return (end(n, o->arg[OA_REF], &r, "declined", c->id, hlc) ==
		    -1 ? -1 : OFFER_TAKEN);
	}
	if (strcmp(c->region, r.from) != 0) {
		snprintf(why, whysz, "only %s, which made the offer, may "
		    "cancel it", r.from);
		return (OFFER_REFUSED);
	}
	hlc_format(c->hlc, hlc);
	if (strcmp(r.state, "offered") == 0)
		return (end(n, o->arg[OA_REF], &r, "cancelled", c->id, hlc) ==
		    -1 ? -1 : OFFER_TAKEN);
	/* This node decided: the cancel wins if it comes first in the total
	 * order (docs/protocol.md section 6).  An accept that wins makes the
	 * offering node send the whole history with it. */
	if (strcmp(r.state, "accepted") == 0 ||
	    strcmp(r.state, "declined") == 0) {
		if ((k = held_before(n->st, r.decided_by, c)) == -1)
			return (-1);
		if (k == 1)
			return (OFFER_HELD);
		if (strcmp(r.state, "declined") == 0)
			return (run(n->st, SQL_MARK, o->arg[OA_REF], "cancelled",
			    c->id, hlc) == -1 ? -1 : OFFER_TAKEN);
		return (end(n, o->arg[OA_REF], &r, "cancelled", c->id, hlc) ==
		    -1 ? -1 : OFFER_TAKEN);
	}
	return (OFFER_HELD);
}

int
offer_decide(struct node *n, const char *ref, enum op_kind kind,
    const char *reason, char cid[CHANGE_ID_HEX + 1], char dossier[37],
    char *why, size_t whysz)
{
	struct change	 hdr, *c = NULL;
	struct op	 op;
	struct row	 r;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 hlc[17];
	uint64_t	 stored, oh, now = node_now_ms();
	uint64_t	 drift = (uint64_t)n->cfg.max_clock_drift * 1000;
	int64_t		 seq;
	int		 k, rc = -1;

	memset(&hdr, 0, sizeof(hdr));
	buf_init(&b, LIMIT_CHANGE_BYTES);
	snprintf(why, whysz, "database error");
	if ((k = row_get(n->st, ref, &r)) != 1 ||
	    (k = store_has_dossier(n->st, r.dossier)) != 0) {
		rc = k == -1 ? -1 : 1;	/* not held as a summary */
		goto out;
	}
	if (strcmp(r.to, n->cfg.region) != 0) {
		snprintf(why, whysz, "only %s, to which the case is offered, "
		    "may accept or decline it", r.to);
		rc = -2;
		goto out;
	}
	if (strcmp(r.state, "offered") != 0) {
		snprintf(why, whysz, "transfer offer %s is no longer pending "
		    "(%s)", ref, r.state);
		rc = -2;
		goto out;
	}
	/* An accept of an earlier offer of the dossier may have won its race
	 * and made this one void: decide once its history has come. */
	if ((k = run(n->st, SQL_ACCEPTED, r.dossier, NULL, NULL, NULL)) != 0) {
		if (k == 1)
			snprintf(why, whysz, "this region accepted an earlier "
			    "offer of the dossier whose history has not come "
			    "yet; decide this one once it has (opora sync)");
		rc = k == 1 ? -2 : -1;
		goto out;
	}
	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.field = -1;
	op.arg[OA_REF] = ref;
	op.arg[OA_REASON] = kind == OP_TRANSFER_DECLINE ? reason : NULL;
	/* After the offer, and after every clock this node issued. */
	if (hlc_parse(r.hlc, strlen(r.hlc), &oh) == 0 && oh > n->hlc.last)
		n->hlc.last = oh;
	if (store_meta_get(n->st, "hlc", hlc, sizeof(hlc)) == 0 &&
	    hlc_parse(hlc, strlen(hlc), &stored) == 0 && stored > n->hlc.last)
		n->hlc.last = stored;
	if (hlc_ms(n->hlc.last) > now + drift) {
		snprintf(why, whysz, "this node's clock is behind the latest "
		    "time it has recorded by more than max_clock_drift: "
		    "nothing is written while it is (set the system clock "
		    "right, NTP)");
		rc = -2;
		goto out;
	}
	hdr.hlc = hlc_tick(&n->hlc, now);
	memcpy(hdr.dossier, r.dossier, sizeof(hdr.dossier));
	memcpy(hdr.key, n->key_id, sizeof(hdr.key));
	memcpy(hdr.region, n->cfg.region, sizeof(hdr.region));
	hdr.user = n->user;
	/*
	 * Its one parent is the offer.  The offer's causal past is the state
	 * its author judged it on, so the offer is pending in it on every
	 * node and the decision valid; naming this node's own earlier
	 * decisions too (an accept of an earlier offer, which may have won
	 * a race and made that offer's successor void) would let another
	 * node's fold of the past differ from what this node could check.
	 */
	if ((hdr.parents = calloc(1, sizeof(*hdr.parents))) == NULL)
		goto out;
	memcpy(hdr.parents[0], r.change, sizeof(hdr.parents[0]));
	hdr.nparents = 1;
	if ((k = change_encode(&b, &hdr, &op, 1, &c, why, whysz)) != 0) {
		rc = k == CHANGE_NOMEM ? -1 : -2;
		goto out;
	}
	snprintf(why, whysz, "cannot store the change");
	if (n->signer != NULL) {
		if (store_change_put(n->st, c, b.data, b.len, NULL, &seq) != 0 ||
		    signer_submit(n->signer, seq, b.data, b.len) == -1)
			goto out;
	} else if (sig_sign(n->key, CHANGE_PREFIX, b.data, b.len, sig) == -1 ||
	    store_change_put(n->st, c, b.data, b.len, sig, NULL) != 0)
		goto out;
	hlc_format(n->hlc.last, hlc);
	if (store_meta_raise(n->st, "hlc", hlc) == -1)
		goto out;
	hlc_format(c->hlc, hlc);
	if (kind == OP_TRANSFER_ACCEPT) {
		if (run(n->st, SQL_MARK, ref, "accepted", c->id, hlc) == -1)
			goto out;
	} else if (end(n, ref, &r, "declined", c->id, hlc) == -1)
		goto out;
	memcpy(cid, c->id, CHANGE_ID_HEX + 1);
	memcpy(dossier, r.dossier, 37);
	rc = 0;
out:
	change_free(c);
	free(hdr.parents);
	buf_free(&b);
	return (rc);
}

int
offer_fill(struct node *n, const struct dossier *d, struct op *op,
    const char *centre, struct offer_buf *b)
{
	size_t	 r, live = 0;
	int	 k;

	if (d->person[PF_SURNAME] == NULL || d->person[PF_NAME] == NULL ||
	    d->person[PF_BIRTH_DATE] == NULL) {
		log_warnx("dossier %s: no card to summarise for the offer",
		    d->id);
		return (-1);
	}
	for (r = 0; r < d->t[DT_EVENT].n; r++) {
		const char *v = d->t[DT_EVENT].v[r].col[EV_RETRACTED];

		if (v == NULL || strcmp(v, "1") != 0)
			live++;
	}
	snprintf(b->entries, sizeof(b->entries), "%zu", live);
	snprintf(b->year, sizeof(b->year), "%.4s", d->person[PF_BIRTH_DATE]);
	if ((k = account_dossier_centre(n->st, d->id, b->centre,
	    sizeof(b->centre))) == -1)
		return (-1);
	if (k == 1)
		snprintf(b->centre, sizeof(b->centre), "%s", centre != NULL &&
		    centre[0] != '\0' ? centre : n->cfg.region);
	op->arg[OA_SURNAME] = d->person[PF_SURNAME];
	op->arg[OA_NAME] = d->person[PF_NAME];
	op->arg[OA_PATRONYMIC] = d->person[PF_PATRONYMIC] != NULL &&
	    d->person[PF_PATRONYMIC][0] != '\0' ? d->person[PF_PATRONYMIC] :
	    NULL;
	op->arg[OA_BIRTH_YEAR] = b->year;
	op->arg[OA_ENTRIES] = b->entries;
	op->arg[OA_CENTRE] = b->centre;
	return (0);
}

int
offer_past_gap(struct store *st, const struct change *c)
{
	struct buf	 b;
	size_t		 i;
	int		 k;

	buf_init(&b, (CHANGE_ID_HEX + 3) * (c->nparents + 1) + 2);
	buf_adds(&b, "[");
	for (i = 0; i < c->nparents; i++)
		buf_addf(&b, "%s\"%s\"", i > 0 ? "," : "", c->parents[i]);
	buf_adds(&b, "]");
	k = buf_failed(&b) ? -1 : run(st, SQL_PAST_GAP, b.data, NULL, NULL,
	    NULL);
	buf_free(&b);
	return (k);
}

int
offer_held(struct store *st, const char *dossier)
{
	return (run(st, SQL_HELD, dossier, NULL, NULL, NULL));
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

/* Append the changes of dossier to the log again, in the total order
 * (SQL_EARLY).  0 / -1. */
static int
move_early(struct store *st, const char *dossier)
{
	sqlite3_stmt	*s;
	int64_t		*seqs = NULL, *nv, fresh;
	size_t		 n = 0, cap = 0, i;
	int		 k, rc = -1;

	if ((s = store_stmt(st, SQL_EARLY)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((k = store_step(st, s)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(seqs, cap, sizeof(*seqs))) ==
			    NULL)
				break;
			seqs = nv;
		}
		seqs[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (k != STORE_DONE)
		goto out;
	for (i = 0; i < n; i++) {
		if (run_seq(st, SQL_MOVE_AWAY, seqs[i], 0) == -1 ||
		    run_seq(st, SQL_MOVE_COPY, seqs[i], 0) == -1)
			goto out;
		fresh = sqlite3_last_insert_rowid(store_db(st));
		if (run_seq(st, SQL_MOVE_PARENTS, seqs[i], fresh) == -1 ||
		    run_seq(st, SQL_MOVE_DEL_PARENTS, seqs[i], 0) == -1 ||
		    run_seq(st, SQL_MOVE_DEL, seqs[i], 0) == -1)
			goto out;
	}
	rc = 0;
out:
	free(seqs);
	return (rc);
}

/* Drop the changes SQL_ORPHANS lists; how many, or -1.  (A decision on a
 * dropped offer lacks its parent then: the caller calls again.) */
static int
drop_orphans(struct store *st, const char *dossier)
{
	sqlite3_stmt	*s;
	char		(*ids)[CHANGE_ID_HEX + 1] = NULL, (*nv)[CHANGE_ID_HEX + 1];
	size_t		 n = 0, cap = 0, i;
	int		 k, rc = -1;

	if ((s = store_stmt(st, SQL_ORPHANS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((k = store_step(st, s)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = reallocarray(ids, cap, sizeof(*ids))) == NULL)
				break;
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
offer_settle(struct node *n, const char *dossier, bool force)
{
	struct dossier	*d = NULL;
	char		 why[256];
	int		 k, accepted;

	if ((k = offer_held(n->st, dossier)) != 1)
		return (k);
	if ((k = store_has_dossier(n->st, dossier)) != 1)
		return (k == 0 ? 0 : -1);
	if (run(n->st, SQL_ACCEPT_SEEN, dossier, n->cfg.region, NULL,
	    NULL) == -1 || (accepted = run(n->st, SQL_ACCEPTED, dossier, NULL,
	    NULL, NULL)) == -1)
		return (-1);
	/* Folded once the whole history is here (it may come in more than
	 * one response): every change's parents stored before it.  Until
	 * then, an accepted offer's history is held, unfolded. */
	if ((k = run(n->st, SQL_GAP, dossier, NULL, NULL, NULL)) != 0)
		return (k == 1 ? (accepted ? 3 : 0) : -1);
	if (!accepted && !force)
		return (2);
	while ((k = drop_orphans(n->st, dossier)) > 0)
		;
	if (k == -1 || move_early(n->st, dossier) == -1)
		return (-1);
	if (view_fold(n->st, dossier, &d, why, sizeof(why)) != 0) {
		log_warnx("dossier %s: %s", dossier, why);
		return (-1);
	}
	if (view_clear(n->st, dossier) == -1 || view_save(n->st, d) == -1 ||
	    heads_again(n->st, dossier) == -1 ||
	    (k = erase_kind(n->st, dossier, NULL)) == -1 ||
	    ((accepted || k == ERASE_NONE) && run(n->st, SQL_DROP, dossier,
	    NULL, NULL, NULL) == -1)) {
		dossier_free(d);
		return (-1);
	}
	dossier_free(d);
	log_info("dossier %s: its history came with the accept", dossier);
	return (1);
}

int
offer_json(struct node *n, cJSON *arr)
{
	static const char *const keys[] = { "id", "dossier", "from", "to",
	    "reason", "state", "hlc", "surname", "name", "patronymic",
	    "birth_year", "centre", "entries" };
	sqlite3_stmt	*s;
	cJSON		*o;
	const char	*v;
	char		 when[16];
	uint64_t	 h;
	time_t		 ts;
	struct tm	 tm;
	int		 i, r;

	if ((s = store_stmt(n->st, SQL_LIST)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, n->cfg.region, -1, SQLITE_STATIC);
	while ((r = store_step(n->st, s)) == STORE_ROW) {
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddItemToArray(arr, o);
		for (i = 0; i < 13; i++)
			if ((v = (const char *)sqlite3_column_text(s, i)) !=
			    NULL)
				cJSON_AddStringToObject(o, keys[i], v);
		when[0] = '\0';
		v = (const char *)sqlite3_column_text(s, 6);
		if (v != NULL && hlc_parse(v, strlen(v), &h) == 0) {
			ts = (time_t)(hlc_ms(h) / 1000);
			gmtime_r(&ts, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d", &tm);
		}
		cJSON_AddStringToObject(o, "date", when);
		/* As for the transfers of dossiers held here: the events not
		 * retracted, here as the offer counts them. */
		v = (const char *)sqlite3_column_text(s, 12);
		cJSON_AddNumberToObject(o, "events", v != NULL ?
		    strtod(v, NULL) : 0);
		cJSON_AddBoolToObject(o, "summary", 1);
	}
	sqlite3_reset(s);
	if (r != STORE_DONE) {
		log_warnx("offer summaries: %s",
		    sqlite3_errmsg(store_db(n->st)));
		return (-1);
	}
	return (0);
}

int
offer_find(struct store *st, const char *prefix, char id[80],
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
	if (r != STORE_DONE)
		return (-1);
	return (found == 1);
}

int
offer_overdue(struct node *n, uint64_t before_ms, struct offer_overdue *o)
{
	sqlite3_stmt	*s;
	const char	*v;
	uint64_t	 h;
	int		 r;

	memset(o, 0, sizeof(*o));
	if ((s = store_stmt(n->st, SQL_WAITING)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, n->cfg.region, -1, SQLITE_STATIC);
	while ((r = store_step(n->st, s)) == STORE_ROW) {
		v = (const char *)sqlite3_column_text(s, 2);
		/* A clock that does not read is no excuse to hide it. */
		if (v != NULL && hlc_parse(v, strlen(v), &h) == 0 &&
		    hlc_ms(h) >= before_ms)
			continue;
		if (o->count++ == 0) {
			col(s, 0, o->dossier, sizeof(o->dossier));
			col(s, 1, o->from, sizeof(o->from));
			o->accepted_ms = v != NULL &&
			    hlc_parse(v, strlen(v), &h) == 0 ? hlc_ms(h) : 0;
		}
	}
	sqlite3_reset(s);
	return (r == STORE_DONE ? 0 : -1);
}
