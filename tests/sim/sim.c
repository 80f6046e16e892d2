/*
 * tests/sim/sim.c: a deterministic simulator of regions exchanging changes.
 *
 * Three real nodes (node/, SQLite, Ed25519) in temporary directories, no
 * network and no processes: delivery is feed_build on one node and
 * feed_apply on another, with the puller's repair of a dossier whose
 * history is missing (feed_dossier) and its handling of feed epochs.  Each
 * seed drives random operations (register, record, edit card fields
 * concurrently, resolve conflicts, consent, offer, accept, decline,
 * cancel, late notes, link and unlink duplicate dossiers) while random
 * links are cut, responses are delivered late, twice, or from an old
 * cursor, and nodes fail (issue 11):
 *   - crash_op: a node is killed at its k-th write to SQLite from now, in
 *     the middle of an operation or a pull (tests/sim/fault.h leaves on
 *     disk exactly what kill -9 at that write leaves), and opened again as
 *     'opora serve' does (node_open, with its feed epoch check); now and
 *     then its -wal file is lost with it.  Every change it had committed
 *     is still there and its feed epoch is the same, unless the -wal was
 *     lost: then it is back at its last checkpoint (checkpoint_op);
 *   - backup_op, restore_op: 'opora backup' of a node, and later 'opora
 *     restore' of it into a new directory that replaces the node: a new
 *     feed epoch, and everything it held at the backup is there;
 *   - after a log went back (went_back): what the node wrote since and no
 *     node holds is lost for good (the documented cost of a restore);
 *     what a peer holds comes back to it, and nothing else is lost;
 *   - transient_op: a pull fails midway (an I/O error on the k-th write or
 *     read, SQLite's k-th allocation, the write lock held by another
 *     process): nothing of it is taken, refused, put aside, nor is the
 *     cursor moved; it is simply pulled again later;
 *   - lose_op: a response is lost (a puller's bug) and the cursor passes
 *     changes never taken in.
 * Then every link heals and is pulled until nothing moves, and every node
 * runs anti-entropy rounds with every other (entropy_all): they take in
 * nothing unless responses were lost, two passes close every gap, and a
 * third finds none.  It then checks that:
 *   - every node entitled to a dossier (by custody, or through a link)
 *     holds it and prints the same digest: the same card, entries,
 *     transfers, links and conflicts;
 *   - a node holds a dossier only if it is, or was, entitled to it;
 *   - every event written anywhere, and not lost with a log that went
 *     back, is in every holder's view;
 *   - no change made by a node was refused by another, for a transient
 *     reason or any other;
 *   - now and then RU-SA turns hostile (hostile()): forged first changes
 *     for dossiers that exist, pushes of dossiers the victim may not hold,
 *     oversized items; none of the forged or oversized is stored, and the
 *     checks above still hold (nothing leaked, everything converged).
 * Everything is a function of the seed: the clock (node_clock), the keys,
 * the dossier ids, the choices and the faults (counted, never timed).  A
 * failing seed is printed and SIM_SEED=N replays it alone, exactly
 * (SIM_TRACE=1 tells each pull and failure); SIM_SEEDS=N runs N seeds
 * (1,500 by default).  Prints "[  PASSED  ] N test(s)." like cmocka, for
 * tests/run.sh.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conflict/hlc.h"
#include "node/cli.h"
#include "node/entropy.h"
#include "node/epoch.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/wire.h"
#include "tests/sim/fault.h"
#include "tests/sim/net.h"

#define NNODES		3
#define MAXDOSSIERS	8
#define MAXEVENTS	256

static const char *const regions[NNODES] = { "RU-SMO", "RU-KLU", "RU-SA" };
#define HOSTILE		2	/* RU-SA, now and then */
#define SIM_BUSY_MS	10000	/* node/store.c's busy timeout */

struct sim {
	struct net	 net;
	int64_t		 cursor[NNODES][NNODES];	/* [to][from] */
	char		 forged[3][CHANGE_ID_HEX + 1];
	unsigned long	 hostile;	/* hostile feeds sent */
	/* Cancels a destination learnt of and their author then lost. */
	unsigned long	 cancels_lost;
	unsigned long	 histories_lost;	/* node/lost.h, restored */
	bool		 cut[NNODES][NNODES];
	char		 dossiers[MAXDOSSIERS][37];
	int		 ndossiers;
	char		 events[MAXEVENTS][80];		/* text of each event */
	int		 event_dossier[MAXEVENTS];	/* ... and its dossier */
	int		 nevents;
	/* Who wrote each dossier's first change and each event, and
	 * whether a log that went back lost it for good. */
	int		 dossier_node[MAXDOSSIERS];
	bool		 dossier_lost[MAXDOSSIERS];
	/* The regions ever offered each dossier (bit i: regions[i]): one
	 * that accepted an offer its maker then lost with a log that went
	 * back holds the dossier though no surviving log names the offer. */
	unsigned	 offered[MAXDOSSIERS];
	int		 event_node[MAXEVENTS];
	bool		 event_lost[MAXEVENTS];
	/* Its author's log went back without it: only others hold it. */
	bool		 dossier_orphan[MAXDOSSIERS], event_orphan[MAXEVENTS];
	int		 tick;		/* the step */
	/* What each node held at its last checkpoint (what its database
	 * file holds, safe from a lost -wal) and in its backup. */
	bool		 safe_d[NNODES][MAXDOSSIERS], safe_e[NNODES][MAXEVENTS];
	bool		 bk_d[NNODES][MAXDOSSIERS], bk_e[NNODES][MAXEVENTS];
	int		 backup_tick[NNODES];	/* -1: none */
	char		 backup[NNODES][300];
	bool		 crashing;	/* a crash is armed */
	int		 gaps;		/* responses lost on purpose */
	unsigned long	 nrestored;	/* restored directories made */
	/* Over the run, for the summary line. */
	unsigned long	 crashes, lost_wal, restores, lost, transients,
			 struck, absorbed, resyncs, repaired, lost_responses,
			 apart;
	unsigned long	 rng;
	int		 seed;
};

static unsigned
rnd(struct sim *s, unsigned n)
{
	s->rng = s->rng * 6364136223846793005UL + 1442695040888963407UL;
	return ((unsigned)(s->rng >> 33) % n);
}

static void
die(struct sim *s, const char *what)
{
	int	 a, b;

	if (getenv("SIM_VERBOSE") != NULL)
		for (b = 0; b < NNODES; b++)
			for (a = 0; a < NNODES; a++)
				if (a != b)
					fprintf(stderr, "cursor of %s at %s: "
					    "%lld\n", regions[b], regions[a],
					    (long long)s->cursor[b][a]);
	fprintf(stderr, "sim: seed %d: %s\n(replay: SIM_SEED=%d %s; the "
	    "nodes are kept in %s)\n", s->seed, what, s->seed, "build/sim",
	    s->net.base);
	exit(1);
}

static const char *const wipe =
    "DELETE FROM parents; DELETE FROM heads; DELETE FROM episodes;"
    "DELETE FROM events; DELETE FROM assessments; DELETE FROM consents;"
    "DELETE FROM transfers; DELETE FROM conflicts; DELETE FROM links;"
    "DELETE FROM persons; DELETE FROM changes;"
    "DELETE FROM rejected; DELETE FROM later;"
    "UPDATE peers SET cursor = 0, epoch = NULL;"
    "DELETE FROM meta WHERE k = 'hlc'; DELETE FROM sqlite_sequence;";

static unsigned
rnd_v(void *s, unsigned n)
{
	return (rnd(s, n));
}

static void
setup(struct sim *s)
{
	if (net_setup(&s->net, NNODES, regions) == -1)
		exit(1);
}

static void
reset(struct sim *s, int seed)
{
	int	 i;

	for (i = 0; i < NNODES; i++) {
		if (store_exec(s->net.n[i]->st, wipe) == -1 ||
		    epoch_restart(s->net.dir[i], s->net.n[i]->st,
		    "a new seed") == -1)
			exit(1);
		s->net.n[i]->hlc.last = 0;
		s->backup_tick[i] = -1;
		if (s->backup[i][0] != '\0')
			net_rmdir(s->backup[i]);
		s->backup[i][0] = '\0';
	}
	memset(s->cursor, 0, sizeof(s->cursor));
	memset(s->cut, 0, sizeof(s->cut));
	s->ndossiers = s->nevents = 0;
	s->tick = s->gaps = 0;
	s->seed = seed;
	s->rng = (unsigned long)seed * 2654435761UL + 1;
	/* 2026-01-01, plus a day per seed: each seed starts afresh. */
	s->net.clock = 1767225600000ULL + (uint64_t)seed * 86400000ULL;
	for (i = 0; i < NNODES; i++)
		if (store_exec(s->net.n[i]->st,
		    "PRAGMA wal_checkpoint(TRUNCATE)") == -1)
			exit(1);
	memset(s->safe_d, 0, sizeof(s->safe_d));
	memset(s->safe_e, 0, sizeof(s->safe_e));
}

/* Make one change at node i; 0 if made, 1 if the node refused (fine: the
 * simulator picks operations blindly), exits on an error. */
static int
author(struct sim *s, int i, const char *id, struct op *ops, size_t nops)
{
	int	 r;

	if ((r = net_author(&s->net, i, id, ops, nops, NULL)) == -1) {
		/* The node "died" under it: not made. */
		if (s->crashing && fault_fired())
			return (2);
		die(s, "author");
	}
	return (r);
}

/* A transfer entry of dossier d at node i in the given state, or NULL. */
static const char *
transfer_at(struct sim *s, int i, const char *d, const char *state,
    const char *to, char out[80])
{
	sqlite3_stmt	*st;
	const char	*v = NULL;

	/* Offers held as summaries too (node/offer.h). */
	st = store_stmt(s->net.n[i]->st, "SELECT id FROM transfers WHERE "
	    "dossier = ?1 AND state = ?2 AND (?3 IS NULL OR \"to\" = ?4)"
	    " UNION ALL SELECT offer FROM offer_summaries WHERE dossier = ?1"
	    " AND state = ?2 AND (?3 IS NULL OR \"to\" = ?4)");
	sqlite3_bind_text(st, 1, d, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	if (to != NULL) {
		sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, 80, "%s", sqlite3_column_text(st, 0));
		v = out;
	}
	sqlite3_reset(st);
	return (v);
}

/* At node i, resolve an open conflict of dossier d, if it has one. */
static void
resolve_op(struct sim *s, int i, const char *d)
{
	struct dossier		*v = NULL;
	struct dossier_row	*r;
	struct op		 o;
	size_t			 k;
	char			 ref[80], value[80];

	if (view_load(s->net.n[i]->st, d, &v) != 0)
		return;
	for (k = 0; k < v->t[DT_CONFLICT].n; k++) {
		r = &v->t[DT_CONFLICT].v[k];
		if (strcmp(r->col[CF_STATE], "open") != 0)
			continue;
		snprintf(ref, sizeof(ref), "%s", r->col[COL_ID]);
		/* Keep the winner, or bring back the lost value. */
		snprintf(value, sizeof(value), "%s", rnd(s, 2) ?
		    (r->col[CF_WINNER_VALUE] ? r->col[CF_WINNER_VALUE] : "") :
		    (r->col[CF_VALUE] ? r->col[CF_VALUE] : ""));
		o = net_op(OP_CONFLICT_RESOLVE);
		o.field = op_field_find(r->col[CF_FIELD]);
		o.arg[OA_REF] = ref;
		o.arg[OA_VALUE] = value;
		dossier_free(v);
		v = NULL;
		(void)author(s, i, d, &o, 1);
		break;
	}
	dossier_free(v);
}

/* At node i, link dossier x to another it holds, or undo a link of x. */
static void
link_op(struct sim *s, int i, int x)
{
	struct dossier		*v = NULL;
	struct dossier_row	*r;
	struct op		 o;
	char			 ref[80];
	int			 y;

	if (view_load(s->net.n[i]->st, s->dossiers[x], &v) != 0)
		return;
	if (v->t[DT_LINK].n > 0 && rnd(s, 3) == 0) {
		r = &v->t[DT_LINK].v[rnd(s, (unsigned)v->t[DT_LINK].n)];
		snprintf(ref, sizeof(ref), "%s", r->col[COL_ID]);
		o = net_op(OP_PERSON_UNLINK);
		o.arg[OA_REF] = ref;
		o.arg[OA_REASON] = "Разные люди";
		dossier_free(v);
		(void)author(s, i, s->dossiers[x], &o, 1);
		return;
	}
	dossier_free(v);
	y = (int)rnd(s, (unsigned)s->ndossiers);
	if (y == x || store_has_dossier(s->net.n[i]->st, s->dossiers[y]) != 1)
		return;
	o = net_op(OP_PERSON_LINK);
	o.arg[OA_OTHER] = s->dossiers[y];
	o.arg[OA_REASON] = "Тот же человек";
	(void)author(s, i, s->dossiers[x], &o, 1);
	/* A link joins only when mutual: mostly link back at once (refused
	 * unless this node is y's custodian), sometimes leave it half made. */
	if (rnd(s, 4) != 0) {
		o.arg[OA_OTHER] = s->dossiers[x];
		(void)author(s, i, s->dossiers[y], &o, 1);
	}
}

static uint64_t	 deliver(struct sim *, int, int, bool);

/*
 * The case of issue 5: the custodian of dossier x (as some node sees it)
 * offers it; the offer reaches the destination, which accepts and sets
 * the phone, while the custodian, not yet knowing, sets it too.
 */
static void
race_op(struct sim *s, int x)
{
	struct dossier	*v;
	struct op	 o;
	const char	*d = s->dossiers[x];
	char		 ref[80], cid[CHANGE_ID_HEX + 1], text[40];
	int		 c, r;

	for (c = 0; c < NNODES; c++) {
		if (view_load(s->net.n[c]->st, d, &v) != 0)
			continue;
		r = strcmp(v->custodian, regions[c]) == 0 &&
		    dossier_pending_offer(v) == NULL;
		dossier_free(v);
		if (r)
			break;
	}
	if (c == NNODES)
		return;
	r = (c + 1 + (int)rnd(s, NNODES - 1)) % NNODES;
	o = net_op(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "transfer";
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_DOCUMENT] = "№ 2";
	if (author(s, c, d, &o, 1) != 0)
		return;
	o = net_op(OP_TRANSFER_OFFER);
	o.arg[OA_TO] = regions[r];
	o.arg[OA_REASON] = "Переезд";
	if (net_author(&s->net, c, d, &o, 1, cid) != 0)
		return;
	s->offered[x] |= 1u << r;
	(void)deliver(s, c, r, false);
	snprintf(ref, sizeof(ref), "%s/0", cid);
	o = net_op(OP_TRANSFER_ACCEPT);
	o.arg[OA_REF] = ref;
	if (author(s, r, d, &o, 1) != 0)
		return;
	s->net.clock += rnd(s, 3);
	o = net_op(OP_PERSON_SET);
	o.field = PF_PHONE;
	snprintf(text, sizeof(text), "+7 900 000 00 %02d", r);
	o.arg[OA_VALUE] = text;
	(void)author(s, r, d, &o, 1);
	snprintf(text, sizeof(text), "+7 900 000 00 %02d", c);
	o.arg[OA_VALUE] = text;
	(void)author(s, c, d, &o, 1);
}

static void
random_op(struct sim *s)
{
	int		 i = (int)rnd(s, NNODES), k, x, j;
	struct op	 o;
	char		 id[37], text[64], ref[80];
	const char	*d;

	k = (int)rnd(s, 12);
	if (s->ndossiers == 0 || (k == 0 && s->ndossiers < 4 &&
	    rnd(s, 2) == 0)) {
		o = net_op(OP_PERSON_CREATE);
		o.person[PF_SURNAME] = "Иванова";
		o.person[PF_NAME] = "Анна";
		o.person[PF_BIRTH_DATE] = "2005-04-12";
		o.person[PF_SEX] = "F";
		net_uuid(rnd_v, s, id);
		if (author(s, i, id, &o, 1) == 0) {
			s->dossier_node[s->ndossiers] = i;
			s->dossier_lost[s->ndossiers] = false;
			s->offered[s->ndossiers] = 0;
			s->dossier_orphan[s->ndossiers] = false;
			memcpy(s->dossiers[s->ndossiers++], s->net.created, 37);
		}
		return;
	}
	x = (int)rnd(s, (unsigned)s->ndossiers);
	d = s->dossiers[x];
	/* Mostly, the region that believes it is the custodian acts. */
	if (rnd(s, 4) != 0) {
		for (j = 0; j < NNODES; j++) {
			struct dossier	*v = NULL;
			bool		 mine;

			if (view_load(s->net.n[j]->st, d, &v) != 0)
				continue;
			mine = strcmp(v->custodian, regions[j]) == 0 ||
			    dossier_pending_offer(v) != NULL;
			dossier_free(v);
			if (mine && rnd(s, 2) == 0) {
				i = j;
				break;
			}
		}
	}
	switch (k) {
	case 0:
	case 10:	/* settle an open conflict */
		resolve_op(s, i, d);
		return;
	case 1:
	case 2:
	case 3:		/* an event, by the custodian or a late note */
		if (s->nevents == MAXEVENTS)
			return;
		snprintf(text, sizeof(text), "s%d-e%d", s->seed, s->nevents);
		o = net_op(OP_EVENT_ADD);
		o.arg[OA_DATE] = k == 3 ? "2020-01-01" : "2024-01-01";
		o.arg[OA_TYPE] = "contact";
		o.arg[OA_TEXT] = text;
		if (author(s, i, d, &o, 1) == 0) {
			s->event_dossier[s->nevents] = x;
			s->event_node[s->nevents] = i;
			s->event_lost[s->nevents] = false;
			s->event_orphan[s->nevents] = false;
			memcpy(s->events[s->nevents++], text, sizeof(text));
		}
		return;
	case 4:		/* a card field, concurrently from anywhere */
		o = net_op(OP_PERSON_SET);
		/* Few fields and few values: edits collide, and sometimes
		 * agree. */
		switch (rnd(s, 3)) {
		case 0:
			o.field = PF_PHONE;
			snprintf(text, sizeof(text), "+7 900 000 00 0%u",
			    rnd(s, 4));
			break;
		case 1:
			o.field = PF_EMAIL;
			snprintf(text, sizeof(text), "a%u@mail.example",
			    rnd(s, 3));
			break;
		default:
			o.field = PF_ADDRESS;
			snprintf(text, sizeof(text), "%s", rnd(s, 4) == 0 ?
			    "" : rnd(s, 2) ? "Калуга" : "Смоленск");
			break;
		}
		o.arg[OA_VALUE] = text;
		(void)author(s, i, d, &o, 1);
		return;
	case 9:		/* link two dossiers, or undo a link */
		link_op(s, i, x);
		return;
	case 11:	/* a handover with edits on both sides */
		if (rnd(s, 3) == 0)
			race_op(s, x);
		return;
	case 5:
		o = net_op(OP_CONSENT_ADD);
		o.arg[OA_SCOPE] = "transfer";
		o.arg[OA_DATE] = "2024-01-01";
		o.arg[OA_DOCUMENT] = "№ 1";
		(void)author(s, i, d, &o, 1);
		return;
	case 6:
		j = (i + 1 + (int)rnd(s, NNODES - 1)) % NNODES;
		o = net_op(OP_TRANSFER_OFFER);
		o.arg[OA_TO] = regions[j];
		o.arg[OA_REASON] = "Переезд";
		if (author(s, i, d, &o, 1) == 0)
			s->offered[x] |= 1u << j;
		return;
	case 7:
	case 8:		/* the destination decides; the origin may cancel */
		for (j = 0; j < NNODES; j++) {
			int	 n = (i + j) % NNODES;

			if (transfer_at(s, n, d, "offered", regions[n],
			    ref) != NULL) {
				o = net_op(rnd(s, 4) ? OP_TRANSFER_ACCEPT :
				    OP_TRANSFER_DECLINE);
				o.arg[OA_REF] = ref;
				o.arg[OA_REASON] = "Нет";
				(void)author(s, n, d, &o, 1);
				return;
			}
		}
		if (transfer_at(s, i, d, "offered", NULL, ref) != NULL) {
			o = net_op(OP_TRANSFER_CANCEL);
			o.arg[OA_REF] = ref;
			(void)author(s, i, d, &o, 1);
		}
		return;
	default:
		return;
	}
}

/* Deliver from node a to node b what b is entitled to; returns how many
 * changes were applied.  Sometimes from an old cursor (duplicates). */
static uint64_t
deliver(struct sim *s, int a, int b, bool chaos)
{
	struct net_pull	 p;
	char		 why[256];
	int64_t		 since = s->cursor[b][a];

	if (chaos && rnd(s, 8) == 0)
		since = since > 3 ? since - 3 : 0;
	if (net_pull(&s->net, a, b, since, chaos ? 1 + (int)rnd(s, 6) :
	    LIMIT_FEED_MAX, &p, why, sizeof(why)) == -1) {
		/* A node died under the pull: what it took before is judged
		 * when it is opened again (crash_op). */
		if (s->crashing && fault_fired())
			return (0);
		die(s, why);
	}
	if (p.resync) {
		/* Its feed went back (a restore, a lost -wal): from 0. */
		s->cursor[b][a] = 0;
		s->resyncs++;
		return (1);
	}
	/* After a lost response (lose_op), a change may come whose parents
	 * this node never saw and may no longer fetch (the offer that
	 * entitled it was cancelled meanwhile): not taken, not refused. */
	if (s->gaps > 0)
		p.missing = 0;
	if (p.rejected + p.missing > 0) {
		if (getenv("SIM_VERBOSE") != NULL) {
			sqlite3_stmt *q = store_stmt(s->net.n[b]->st, "SELECT "
			    "dossier, reason, CAST(bytes AS TEXT) FROM rejected");
			while (sqlite3_step(q) == SQLITE_ROW)
				fprintf(stderr, "rejected %s: %s\n%s\n",
				    sqlite3_column_text(q, 0),
				    sqlite3_column_text(q, 1),
				    sqlite3_column_text(q, 2));
			sqlite3_reset(q);
		}
		snprintf(why, sizeof(why), "%s refused %llu change(s) from %s "
		    "(%llu whose parents never came)", regions[b],
		    (unsigned long long)(p.rejected + p.missing), regions[a],
		    (unsigned long long)p.missing);
		die(s, why);
	}
	if (getenv("SIM_TRACE") != NULL)
		fprintf(stderr, "%s<-%s since %lld: %zu changes, next %lld, "
		    "%llu applied%s\n", regions[b], regions[a],
		    (long long)since, p.items, (long long)p.next,
		    (unsigned long long)p.applied, chaos ? " (chaos)" : "");
	if (p.next > s->cursor[b][a])
		s->cursor[b][a] = p.next;
	/* Like the real puller, a response with more to come is followed at
	 * once by another: count it as movement. */
	return (p.applied + (p.more ? 1 : 0));
}

static bool
has_event(const struct dossier *d, const char *text)
{
	size_t	 r;

	for (r = 0; r < d->t[DT_EVENT].n; r++)
		if (strcmp(d->t[DT_EVENT].v[r].col[EV_TEXT], text) == 0)
			return (true);
	return (false);
}

static const char *
transfer_state(const struct dossier *d, const char *id)
{
	struct dossier_row	*r = dossier_find(d, DT_TRANSFER, id);

	return (r != NULL ? r->col[TR_STATE] : NULL);
}

static void
dump(const struct dossier *d)
{
	cJSON	*j;
	char	*p;

	if (getenv("SIM_VERBOSE") == NULL || d == NULL)
		return;
	j = view_json(d);
	p = cJSON_Print(j);
	fprintf(stderr, "%s\n", p);
	free(p);
	cJSON_Delete(j);
}

/* Whether region took part in dossier d by custody: it registered the
 * person, or an offer was made by or to it. */
static bool
took_part(const struct dossier *d, const char *region)
{
	size_t	 r;

	if (strcmp(d->origin, region) == 0)
		return (true);
	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		char	**c = d->t[DT_TRANSFER].v[r].col;

		if (strcmp(c[TR_TO], region) == 0 ||
		    strcmp(c[TR_FROM], region) == 0)
			return (true);
	}
	return (false);
}

/* Whether dossier a holds a link to b (active only, or ever). */
static bool
links_to(struct sim *s, struct dossier **ref, int a, int b, bool ever)
{
	size_t	 r;

	for (r = 0; r < ref[a]->t[DT_LINK].n; r++) {
		char	**c = ref[a]->t[DT_LINK].v[r].col;

		if (strcmp(c[LN_OTHER], s->dossiers[b]) == 0 &&
		    (ever || strcmp(c[LN_STATE], "linked") == 0))
			return (true);
	}
	return (false);
}

/* Whether dossiers x and y are linked: mutually, each holding a link to the
 * other (active only, or ever). */
static bool
linked(struct sim *s, struct dossier **ref, int x, int y, bool ever)
{
	if (ref[x] == NULL || ref[y] == NULL || x == y)
		return (false);
	return (links_to(s, ref, x, y, ever) && links_to(s, ref, y, x, ever));
}

/* The dossiers joined to x by links one after another (active only, or
 * ever made): in[y] set for each, x included. */
static void
closure(struct sim *s, struct dossier **ref, int x, bool ever,
    bool in[MAXDOSSIERS])
{
	bool	 grew = true;
	int	 y, z;

	memset(in, 0, MAXDOSSIERS * sizeof(bool));
	in[x] = true;
	while (grew) {
		grew = false;
		for (y = 0; y < s->ndossiers; y++)
			for (z = 0; z < s->ndossiers; z++)
				if (in[y] && !in[z] &&
				    linked(s, ref, y, z, ever)) {
					in[z] = true;
					grew = true;
				}
	}
}

/* Entitled to hold d by custody: its custodian or a former one (the
 * destination of a pending offer holds the offer alone: node/offer.h). */
static bool
holds_by_custody(const struct dossier *d, const char *region)
{
	size_t	 r;

	if (strcmp(d->custodian, region) == 0)
		return (true);
	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		char	**c = d->t[DT_TRANSFER].v[r].col;

		if (c[TR_STATE] != NULL && strcmp(c[TR_STATE], "accepted") == 0 &&
		    strcmp(c[TR_FROM], region) == 0)
			return (true);
	}
	return (false);
}

/* Entitled now: by custody to x, or to a dossier linked to it. */
static bool
entitled(struct sim *s, struct dossier **ref, int x, const char *region)
{
	bool	 in[MAXDOSSIERS];
	int	 y;

	closure(s, ref, x, false, in);
	for (y = 0; y < s->ndossiers; y++)
		if (in[y] && ref[y] != NULL && holds_by_custody(ref[y], region))
			return (true);
	return (false);
}

/* The state of offer id as node i holds it as a summary, into out; NULL
 * when it holds none. */
static const char *
summary_state(struct sim *s, int i, const char *id, char out[16])
{
	sqlite3_stmt	*st;
	const char	*v = NULL;

	st = store_stmt(s->net.n[i]->st, "SELECT state FROM offer_summaries"
	    " WHERE offer = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, 16, "%s", sqlite3_column_text(st, 0));
		v = out;
	}
	sqlite3_reset(st);
	return (v);
}

/* Entitled once: it took part in x, or in a dossier ever linked to it. */
static bool
ever_entitled(struct sim *s, struct dossier **ref, int x, const char *region)
{
	bool	 in[MAXDOSSIERS];
	int	 i, y;

	closure(s, ref, x, true, in);
	for (y = 0; y < s->ndossiers; y++) {
		if (!in[y])
			continue;
		if (ref[y] != NULL && took_part(ref[y], region))
			return (true);
		for (i = 0; i < NNODES; i++)
			if ((s->offered[y] & (1u << i)) != 0 &&
			    strcmp(regions[i], region) == 0)
				return (true);
	}
	return (false);
}

/* Whether any node holds change id. */
static bool
held_anywhere(struct sim *s, const char *id)
{
	int	 i;

	for (i = 0; i < NNODES; i++)
		if (store_change_has(s->net.n[i]->st, id) == 1)
			return (true);
	return (false);
}

/* The change that decided offer id as node i holds its summary, into
 * out ("" when none). */
static void
summary_decider(struct sim *s, int i, const char *id, char out[65])
{
	sqlite3_stmt	*st;

	out[0] = '\0';
	st = store_stmt(s->net.n[i]->st, "SELECT decided_by FROM"
	    " offer_summaries WHERE offer = ?");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(out, 65, "%s", sqlite3_column_text(st, 0));
	sqlite3_reset(st);
}

/*
 * A region that does not hold dossier x learns of each offer made to it
 * (not void, not accepted: an accept makes it a holder) as a summary, in
 * the state the reference has it (node/offer.h); and keeps no name of an
 * offer that ended.
 */
static void
summaries_known(struct sim *s, const struct dossier *ref, int x, int i)
{
	sqlite3_stmt	*st;
	char		 msg[256], have[16];
	const char	*h;
	size_t		 r;

	for (r = 0; r < ref->t[DT_TRANSFER].n; r++) {
		char	**c = ref->t[DT_TRANSFER].v[r].col;

		if (strcmp(c[TR_TO], regions[i]) != 0 ||
		    strcmp(c[TR_STATE], "void") == 0 ||
		    strcmp(c[TR_STATE], "accepted") == 0)
			continue;
		h = summary_state(s, i, c[COL_ID], have);
		/* It learnt of a cancel that its author then lost (a log
		 * that went back): the destination keeps no byte of a
		 * cancel (docs/protocol.md, "Offers before they are
		 * accepted"), so nobody holds it any more, and by every
		 * log the offer is still pending, or ended by the
		 * destination's own decline that the cancel had beaten
		 * (seed 7945).  Lost with the restore. */
		if (h != NULL && strcmp(h, "cancelled") == 0 &&
		    strcmp(c[TR_STATE], "cancelled") != 0) {
			char	 by[65];

			summary_decider(s, i, c[COL_ID], by);
			if (by[0] != '\0' && !held_anywhere(s, by)) {
				s->cancels_lost++;
				continue;
			}
		}
		if (h == NULL || strcmp(h, c[TR_STATE]) != 0) {
			dump((struct dossier *)ref);
			snprintf(msg, sizeof(msg), "%s holds offer %.8s of "
			    "%.8s as %s, not %s", regions[i], c[COL_ID],
			    s->dossiers[x], h != NULL ? h : "nothing",
			    c[TR_STATE]);
			die(s, msg);
		}
	}
	st = store_stmt(s->net.n[i]->st, "SELECT count(*) FROM offer_summaries"
	    " WHERE dossier = ? AND state NOT IN ('offered', 'accepted') AND"
	    " (surname IS NOT NULL OR reason IS NOT NULL)");
	sqlite3_bind_text(st, 1, s->dossiers[x], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 0) {
		snprintf(msg, sizeof(msg), "%s keeps the summary of an offer of "
		    "%.8s that ended", regions[i], s->dossiers[x]);
		die(s, msg);
	}
	sqlite3_reset(st);
}

/*
 * Whether node i lost the past of changes of dossier x that it signed
 * itself (they wait in later, own: node/lost.h): its log went back past
 * them, and what descends from them can never be taken there (seed 9993:
 * a restored origin's offer, accepted by its destination, which went on
 * writing).  'opora lost' lists it; nobody holds that past any more.
 */
static bool
lost_here(struct sim *s, int i, int x)
{
	sqlite3_stmt	*q;
	bool		 lost;

	q = store_stmt(s->net.n[i]->st, "SELECT 1 FROM later WHERE dossier = ?"
	    " AND own = 1");
	if (q == NULL)
		die(s, "later");
	sqlite3_bind_text(q, 1, s->dossiers[x], -1, SQLITE_STATIC);
	lost = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_reset(q);
	return (lost);
}

/*
 * After quiescence: the holder with the most changes is the reference.
 * Every region entitled by it (custody and links) holds the same state;
 * any other holder was entitled once, and knows how each offer made to it
 * ended; every event written is there.
 */
static void
check(struct sim *s)
{
	struct dossier	*d[MAXDOSSIERS][NNODES], *ref[MAXDOSSIERS];
	char		 dg[MAXDOSSIERS][NNODES][65], refdg[MAXDOSSIERS][65];
	char		 msg[256];
	int		 i, e, x, best;
	size_t		 r;

	for (x = 0; x < s->ndossiers; x++) {
		best = -1;
		for (i = 0; i < NNODES; i++) {
			if (view_load(s->net.n[i]->st, s->dossiers[x],
			    &d[x][i]) != 0)
				d[x][i] = NULL;
			else if (view_digest(d[x][i], dg[x][i]) == -1)
				die(s, "digest");
			if (d[x][i] != NULL && (best == -1 ||
			    d[x][i]->nchanges > d[x][best]->nchanges))
				best = i;
		}
		if (s->dossier_lost[x] && best != -1)
			die(s, "a dossier lost with a log that went back came "
			    "back");
		if (best == -1 && !s->dossier_lost[x])
			die(s, "a dossier vanished");
		ref[x] = best == -1 ? NULL : d[x][best];
		if (best != -1)
			memcpy(refdg[x], dg[x][best], 65);
	}
	for (x = 0; x < s->ndossiers; x++) {
		if (ref[x] == NULL)
			continue;
		for (i = 0; i < NNODES; i++) {
			if (entitled(s, ref, x, regions[i])) {
				if (d[x][i] != NULL &&
				    strcmp(dg[x][i], refdg[x]) != 0 &&
				    lost_here(s, i, x)) {
					s->histories_lost++;
					continue;
				}
				if (d[x][i] == NULL ||
				    strcmp(dg[x][i], refdg[x]) != 0) {
					dump(ref[x]);
					dump(d[x][i]);
					snprintf(msg, sizeof(msg), "%s is entitled "
					    "to %.8s but %s", regions[i],
					    s->dossiers[x], d[x][i] == NULL ?
					    "does not hold it" : "its digest "
					    "differs");
					die(s, msg);
				}
				continue;
			}
			if (d[x][i] == NULL) {
				summaries_known(s, ref[x], x, i);
				continue;
			}
			if (!ever_entitled(s, ref, x, regions[i])) {
				snprintf(msg, sizeof(msg), "%s holds %.8s "
				    "without ever being entitled",
				    regions[i], s->dossiers[x]);
				die(s, msg);
			}
			/* A destination learns how its offer ended, unless the
			 * offer turned out void (its maker lost a race). */
			for (r = 0; r < d[x][i]->t[DT_TRANSFER].n; r++) {
				char		**c = d[x][i]->t[DT_TRANSFER].v[
				    r].col;
				const char	*st;

				if (strcmp(c[TR_TO], regions[i]) != 0)
					continue;
				st = transfer_state(ref[x], c[COL_ID]);
				if (st == NULL || strcmp(st, "void") == 0 ||
				    strcmp(c[TR_STATE], "void") == 0)
					continue;
				if (strcmp(st, c[TR_STATE]) != 0) {
					dump(ref[x]);
					dump(d[x][i]);
					snprintf(msg, sizeof(msg), "%s sees its "
					    "offer of %.8s as %s, not %s",
					    regions[i], s->dossiers[x],
					    c[TR_STATE], st);
					die(s, msg);
				}
			}
		}
		for (e = 0; e < s->nevents; e++)
			if (s->event_dossier[e] == x && !s->event_lost[e] &&
			    !has_event(ref[x], s->events[e])) {
				snprintf(msg, sizeof(msg), "event %s lost",
				    s->events[e]);
				die(s, msg);
			}
	}
	for (x = 0; x < s->ndossiers; x++)
		for (i = 0; i < NNODES; i++)
			dossier_free(d[x][i]);
}

/* A change's bytes, signed by node h, as one feed item. */
static void
add_signed(struct sim *s, int h, struct buf *doc, const char *bytes,
    size_t len, int *n)
{
	uint8_t	 sig[SIG_LEN];

	if (sig_sign(s->net.n[h]->key, CHANGE_PREFIX, (const uint8_t *)bytes,
	    len, sig) == -1)
		die(s, "sign");
	buf_adds(doc, *n > 0 ? ",{\"bytes\":\"" : "{\"bytes\":\"");
	wire_b64_add(doc, bytes, len);
	buf_addf(doc, "\",\"seq\":%d,\"sig\":\"", ++*n);
	wire_b64_add(doc, sig, SIG_LEN);
	buf_adds(doc, "\"}");
}

static int
push_row(const struct store_row *row, void *arg)
{
	struct sim	*s = ((void **)arg)[0];
	struct buf	*doc = ((void **)arg)[1];
	int		*n = ((void **)arg)[2];

	add_signed(s, HOSTILE, doc, (const char *)row->bytes, row->len, n);
	return (0);
}

/*
 * Now and then RU-SA turns hostile (issue 10): it sends another node, as
 * if it were its feed, first changes it signed for a dossier that exists
 * (version 2 naming an id not derived from them, and version 1), every
 * change it holds of a dossier whether or not the victim is entitled to
 * it, and an item over the size limit.  None of the forged first changes
 * and nothing oversized may be stored; the rest is judged by the final
 * check (a node holds a dossier only if it is, or was, entitled to it).
 */
static void
hostile(struct sim *s)
{
	struct wire_feed f;
	struct feed_stats st;
	struct buf	 doc, big;
	char		 text[1024], why[256], id[CHANGE_ID_HEX + 1];
	const char	*x;
	void		*arg[3];
	int		 v = (int)rnd(s, HOSTILE), n = 0, ver, k;

	if (s->ndossiers == 0)
		return;
	x = s->dossiers[rnd(s, (unsigned)s->ndossiers)];
	buf_init(&doc, LIMIT_FEED_BYTES);
	buf_adds(&doc, "{\"changes\":[");
	for (ver = 1; ver <= 2; ver++) {
		k = snprintf(text, sizeof(text), "{\"dossier\":\"%s\",\"hlc\":"
		    "\"%016llx\",\"key\":\"%s\",\"ops\":[{\"birth_date\":"
		    "\"2000-01-01\",\"name\":\"Мэллори\",\"op\":"
		    "\"person.create\",\"sex\":\"M\",\"surname\":"
		    "\"Подделкин\"}],\"parents\":[],\"region\":\"%s\","
		    "\"user\":\"mallory\",\"v\":%d}", x,
		    (unsigned long long)hlc_pack(s->net.clock, 0),
		    s->net.n[HOSTILE]->key_id, regions[HOSTILE], ver);
		add_signed(s, HOSTILE, &doc, text, (size_t)k, &n);
		change_id(text, (size_t)k, s->forged[ver - 1]);
	}
	/* Everything it holds of one dossier, entitled or not. */
	arg[0] = s;
	arg[1] = &doc;
	arg[2] = &n;
	x = s->dossiers[rnd(s, (unsigned)s->ndossiers)];
	if (store_each_change(s->net.n[HOSTILE]->st, x, push_row, arg) == -1)
		die(s, "read the hostile node's log");
	/* An item over the limit. */
	buf_init(&big, LIMIT_CHANGE_BYTES + 64);
	buf_adds(&big, "{\"a\":\"");
	while (big.len < LIMIT_CHANGE_BYTES && !buf_failed(&big))
		buf_addc(&big, 'x');
	buf_adds(&big, "\"}");
	if (buf_failed(&big))
		die(s, "out of memory");
	add_signed(s, HOSTILE, &doc, (const char *)big.data, big.len, &n);
	change_id(big.data, big.len, s->forged[2]);
	buf_free(&big);
	buf_addf(&doc, "],\"more\":false,\"next\":%d}", n);
	if (buf_failed(&doc) || wire_feed_parse((const char *)doc.data,
	    doc.len, &f, why, sizeof(why)) == -1)
		die(s, "the hostile feed does not parse");
	memset(&st, 0, sizeof(st));
	if (feed_apply(s->net.n[v], regions[HOSTILE], &f, false, &st, why,
	    sizeof(why)) == -1)
		die(s, why);
	for (k = 0; k < 3; k++)
		if (store_change_has(s->net.n[v]->st, s->forged[k]) != 0) {
			memcpy(id, s->forged[k], sizeof(id));
			die(s, k < 2 ? "a forged first change was stored" :
			    "an oversized item was stored");
		}
	wire_feed_free(&f);
	buf_free(&doc);
	s->hostile++;
}

/* A count on node i; exits on an error. */
static int64_t
count(struct sim *s, int i, const char *sql)
{
	int64_t	 n;

	if ((n = store_count(s->net.n[i]->st, sql)) == -1)
		die(s, "count");
	return (n);
}

/* Whether node i's views hold the event with this text. */
static bool
holds_event(struct sim *s, int i, const char *text)
{
	sqlite3_stmt	*q;
	int		 r;

	if ((q = store_stmt(s->net.n[i]->st, "SELECT 1 FROM events WHERE "
	    "text = ?")) == NULL)
		die(s, "read events");
	sqlite3_bind_text(q, 1, text, -1, SQLITE_STATIC);
	r = sqlite3_step(q);
	sqlite3_reset(q);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		die(s, "read events");
	return (r == SQLITE_ROW);
}

/* Node i's cursors as its database holds them (after it was opened
 * again: a restart reads them from there). */
static void
reload_cursors(struct sim *s, int i)
{
	int	 a;

	for (a = 0; a < NNODES; a++)
		if (a != i && (s->cursor[i][a] = net_cursor(&s->net, i,
		    a)) == -1)
			die(s, "read a cursor");
}

/*
 * Node i's log went back to what it held at step safe (a restore, a lost
 * -wal file).  What it wrote before is still there.  What it wrote after
 * and no longer holds is held by the peers it reached, and comes back
 * through them (the final check); if no node holds it now, it is lost for
 * good: it never left i (the expected cost of a restore, docs/admin.md),
 * or the peers that held it went back too.  Nothing is lost whose author
 * still holds it, or lost it only this way.
 */
static void
went_back(struct sim *s, int i, const bool safe_d[MAXDOSSIERS],
    const bool safe_e[MAXEVENTS])
{
	char	 msg[160];
	int	 x, e, j, held;

	for (x = 0; x < s->ndossiers; x++) {
		if (s->dossier_lost[x])
			continue;
		for (held = 0, j = 0; j < NNODES; j++)
			if (store_has_dossier(s->net.n[j]->st,
			    s->dossiers[x]) == 1)
				held |= 1 << j;
		if (safe_d[x] && !(held & (1 << i))) {
			snprintf(msg, sizeof(msg), "%s lost dossier %.8s that "
			    "it held at its backup or checkpoint", regions[i],
			    s->dossiers[x]);
			die(s, msg);
		}
		if (s->dossier_node[x] == i && !(held & (1 << i)))
			s->dossier_orphan[x] = true;
		if (held != 0)
			continue;
		if (!s->dossier_orphan[x])
			die(s, "a dossier its author holds is gone");
		s->dossier_lost[x] = true;
		s->lost++;
	}
	for (e = 0; e < s->nevents; e++) {
		if (s->event_lost[e])
			continue;
		if (s->dossier_lost[s->event_dossier[e]]) {
			s->event_lost[e] = true;
			s->lost++;
			continue;
		}
		for (held = 0, j = 0; j < NNODES; j++)
			if (holds_event(s, j, s->events[e]))
				held |= 1 << j;
		if (safe_e[e] && !(held & (1 << i))) {
			snprintf(msg, sizeof(msg), "%s lost event %s that it "
			    "held at its backup or checkpoint", regions[i],
			    s->events[e]);
			die(s, msg);
		}
		if (s->event_node[e] == i && !(held & (1 << i)))
			s->event_orphan[e] = true;
		if (held != 0)
			continue;
		if (!s->event_orphan[e])
			die(s, "an event its author holds is gone");
		s->event_lost[e] = true;
		s->lost++;
	}
}

/* Which dossiers and events node i holds now, into d and e. */
static void
snapshot(struct sim *s, int i, bool d[MAXDOSSIERS], bool e[MAXEVENTS])
{
	int	 k;

	for (k = 0; k < s->ndossiers; k++)
		d[k] = store_has_dossier(s->net.n[i]->st, s->dossiers[k]) == 1;
	for (k = 0; k < s->nevents; k++)
		e[k] = holds_event(s, i, s->events[k]);
	for (; k < MAXEVENTS; k++)
		e[k] = false;
	for (k = s->ndossiers; k < MAXDOSSIERS; k++)
		d[k] = false;
}

/* Everything node i's database file holds now survives a lost -wal. */
static void
checkpoint_op(struct sim *s, int i)
{
	if (store_exec(s->net.n[i]->st, "PRAGMA wal_checkpoint(TRUNCATE)") ==
	    -1)
		die(s, "checkpoint");
	snapshot(s, i, s->safe_d[i], s->safe_e[i]);
}

/* The changes node i holds up to feed number m: ids and dossiers, a
 * NUL-terminated run of 102-byte records (id, dossier).  The caller frees
 * it. */
static char *
held_ids(struct sim *s, int i, int64_t m, size_t *np)
{
	sqlite3_stmt	*q;
	char		*v = NULL, *nv;
	size_t		 n = 0;

	if ((q = store_stmt(s->net.n[i]->st, "SELECT id, dossier FROM changes"
	    " WHERE seq <= ?")) == NULL)
		die(s, "read the changes");
	sqlite3_bind_int64(q, 1, m);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if ((nv = realloc(v, (n + 1) * 102)) == NULL)
			die(s, "out of memory");
		v = nv;
		snprintf(v + n * 102, 65, "%s", sqlite3_column_text(q, 0));
		snprintf(v + n * 102 + 65, 37, "%s", sqlite3_column_text(q, 1));
		n++;
	}
	sqlite3_reset(q);
	*np = n;
	return (v);
}

/* How many of the changes ids (held_ids) node i no longer holds, beyond
 * those deleted on purpose: of a dossier it forgot or erased, or holds as
 * offers (an ended offer's bytes go, node/offer.h). */
static size_t
lost_ids(struct sim *s, int i, const char *ids, size_t n)
{
	char	 sql[256];
	size_t	 k, lost = 0;

	for (k = 0; k < n; k++) {
		if (store_change_has(s->net.n[i]->st, ids + k * 102) == 1)
			continue;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT"
		    " dossier FROM forgotten UNION SELECT dossier FROM"
		    " offer_summaries) WHERE dossier = '%s'",
		    ids + k * 102 + 65);
		if (count(s, i, sql) == 0)
			lost++;
	}
	return (lost);
}

/*
 * A node is killed (kill -9) at its k-th write from now, in the middle of
 * an operation or a pull, and started again; now and then its -wal file
 * is lost with it (the crash struck a write of the -wal, so the database
 * file is whole).  Every change it had committed before is still there
 * and its feed epoch is the same, unless the -wal was lost: then it went
 * back to its last checkpoint (went_back).
 */
static void
crash_op(struct sim *s)
{
	int64_t		 m[NNODES];
	char		 ep[NNODES][EPOCH_HEX + 1], now[EPOCH_HEX + 1];
	char		 msg[200], where[512];
	char		*ids[NNODES];
	const char	*w;
	bool		 lose;
	size_t		 len, n[NNODES];
	int		 i, a, b;

	for (i = 0; i < NNODES; i++) {
		m[i] = count(s, i, "SELECT coalesce(max(seq), 0) FROM changes");
		ids[i] = held_ids(s, i, m[i], &n[i]);
		if (epoch_get(s->net.n[i]->st, ep[i]) == -1)
			die(s, "read the feed epoch");
	}
	fault_arm(FAULT_CRASH, s->net.base, 1 + (int)rnd(s, 24));
	s->crashing = true;
	if (rnd(s, 2) == 0)
		random_op(s);
	else {
		a = (int)rnd(s, NNODES);
		b = (a + 1 + (int)rnd(s, NNODES - 1)) % NNODES;
		(void)deliver(s, a, b, true);
	}
	s->crashing = false;
	if (!fault_fired()) {
		fault_disarm();
		for (i = 0; i < NNODES; i++)
			free(ids[i]);
		return;
	}
	snprintf(where, sizeof(where), "%s", fault_where());
	for (i = 0; i < NNODES; i++) {
		len = strlen(s->net.dir[i]);
		if (strncmp(where, s->net.dir[i], len) == 0 &&
		    where[len] == '/')
			break;
	}
	if (i == NNODES)
		die(s, "a crash struck outside the nodes");
	/* Dead: nothing of the close reaches the disk. */
	node_close(s->net.n[i]);
	s->net.n[i] = NULL;
	fault_disarm();
	w = strrchr(where, '-');
	lose = w != NULL && strcmp(w, "-wal") == 0 && rnd(s, 3) == 0;
	if (net_reopen(&s->net, i, lose) == -1)
		die(s, "open a crashed node again");
	if (getenv("SIM_TRACE") != NULL)
		fprintf(stderr, "step %d: %s killed at a write of %s%s\n",
		    s->tick, regions[i], where, lose ? ", its -wal lost" : "");
	s->crashes++;
	if (epoch_get(s->net.n[i]->st, now) == -1)
		die(s, "read the feed epoch");
	if (lose) {
		s->lost_wal++;
		went_back(s, i, s->safe_d[i], s->safe_e[i]);
	} else {
		/* Committed deletions stay deleted (the crash may strike the
		 * checkpoint that wipes them, after their commit: seed
		 * 9237). */
		if (lost_ids(s, i, ids[i], n[i]) != 0) {
			snprintf(msg, sizeof(msg), "%s lost changes it had "
			    "committed before it was killed", regions[i]);
			die(s, msg);
		}
		if (strcmp(now, ep[i]) != 0)
			die(s, "a crash that lost nothing began a new epoch");
	}
	for (a = 0; a < NNODES; a++)
		free(ids[a]);
	reload_cursors(s, i);
}

/*
 * With on, another process takes node i's write lock (BEGIN IMMEDIATE on
 * its own connection) and node i stops waiting for locks (busy timeout 0,
 * as if the wait had run out); without, both end.
 */
static void
lock(struct sim *s, int i, bool on)
{
	static sqlite3	*other;
	char		 p[300];

	if (on) {
		snprintf(p, sizeof(p), "%s/opora.db", s->net.dir[i]);
		if (sqlite3_open_v2(p, &other, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK || sqlite3_exec(other, "BEGIN IMMEDIATE", NULL,
		    NULL, NULL) != SQLITE_OK ||
		    sqlite3_busy_timeout(store_db(s->net.n[i]->st), 0) !=
		    SQLITE_OK)
			die(s, "take the write lock");
		return;
	}
	if (sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_close(other) != SQLITE_OK ||
	    sqlite3_busy_timeout(store_db(s->net.n[i]->st), SIM_BUSY_MS) !=
	    SQLITE_OK)
		die(s, "release the write lock");
	other = NULL;
}

/*
 * A pull from a to b fails midway for a transient reason: b's k-th write
 * or read from now fails with an I/O error, SQLite's k-th allocation
 * (anywhere) fails, or another process holds b's write lock (SQLITE_BUSY
 * once the wait runs out).  Nothing of the response is taken: not the
 * cursor, not a change, no refusal, nothing put aside in later; the next
 * pull takes it.  A pull that ends well although the fault struck (SQLite
 * recovered) must not have refused anything either, and the final check
 * finds anything it skipped.
 */
static void
transient_op(struct sim *s)
{
	static const char *const kinds[] = { "", "write", "read", "memory",
	    "the write lock" };
	static const char *const tables[] = { "changes", "rejected", "later" };
	struct net_pull	 p;
	enum fault_kind	 k;
	int64_t		 cur, before[3];
	char		 why[256], sql[64];
	bool		 hit;
	int		 a, b, t, r;

	a = (int)rnd(s, NNODES);
	b = (a + 1 + (int)rnd(s, NNODES - 1)) % NNODES;
	if (s->cut[a][b])
		return;
	cur = net_cursor(&s->net, b, a);
	for (t = 0; t < 3; t++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
		    tables[t]);
		before[t] = count(s, b, sql);
	}
	k = (enum fault_kind)(FAULT_WRITE + (int)rnd(s, 4));
	if (k == FAULT_CRASH)
		/* Not a crash: another process holds the write lock. */
		lock(s, b, true);
	else
		fault_arm(k, s->net.dir[b], 1 + (int)rnd(s, k == FAULT_NOMEM ?
		    600 : 40));
	r = net_pull(&s->net, a, b, s->cursor[b][a], 1 + (int)rnd(s, 6), &p,
	    why, sizeof(why));
	if (k == FAULT_CRASH) {
		lock(s, b, false);
		/* Every pull writes (its cursor, at least). */
		if (r != -1)
			die(s, "a pull went through while another process "
			    "held the write lock");
		hit = true;
	} else
		hit = fault_fired();
	fault_disarm();
	if (getenv("SIM_TRACE") != NULL)
		fprintf(stderr, "step %d: %s<-%s under a %s fault: %s%s\n",
		    s->tick, regions[b], regions[a], kinds[k], hit ? "struck" :
		    "missed", r == -1 ? ", failed" : "");
	s->transients++;
	if (hit)
		s->struck++;
	if (r == -1 && !hit)
		die(s, why);
	for (t = 0; r == -1 && !p.taken && t < 3; t++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
		    tables[t]);
		if (count(s, b, sql) != before[t]) {
			if (getenv("SIM_VERBOSE") != NULL)
				fprintf(stderr, "%s: %lld rows, %lld before; "
				    "pull %d, taken %d, in a transaction %d, "
				    "fault at %s\n", tables[t],
				    (long long)count(s, b, sql),
				    (long long)before[t], r, p.taken,
				    !sqlite3_get_autocommit(store_db(
				    s->net.n[b]->st)), fault_where());
			snprintf(why, sizeof(why), "a pull of %s from %s that "
			    "failed for want of %s changed its table %s",
			    regions[b], regions[a], kinds[k], tables[t]);
			die(s, why);
		}
	}
	if (r == -1 && !p.taken && net_cursor(&s->net, b, a) != cur) {
		snprintf(why, sizeof(why), "a pull of %s from %s that failed "
		    "for want of %s moved the cursor", regions[b], regions[a],
		    kinds[k]);
		die(s, why);
	}
	if (r == 0 && hit)
		s->absorbed++;
	/* As in deliver: after a lost response, a change may come whose
	 * parents can no longer be fetched. */
	if (r == 0 && p.rejected + (s->gaps > 0 ? 0 : p.missing) > 0)
		die(s, "a change was refused in a pull under a transient "
		    "fault");
	if (p.resync)
		s->cursor[b][a] = 0;
	else if (p.taken && p.next > s->cursor[b][a])
		s->cursor[b][a] = p.next;
}

/* Run an opora command in process, its standard output thrown away. */
static int
command(struct sim *s, int i, int argc, char **argv)
{
	int	 saved, null, rc;

	cli.dir = s->net.dir[i];
	cli.user = "sim";
	fflush(stdout);
	if ((saved = dup(1)) == -1 || (null = open("/dev/null",
	    O_WRONLY)) == -1 || dup2(null, 1) == -1)
		die(s, "redirect standard output");
	close(null);
	rc = argv[0][0] == 'b' ? cmd_backup(argc, argv) :
	    cmd_restore(argc, argv);
	fflush(stdout);
	if (dup2(saved, 1) == -1)
		die(s, "redirect standard output");
	close(saved);
	return (rc);
}

/* 'opora backup' of node i, replacing the one it had. */
static void
backup_op(struct sim *s, int i)
{
	char	 name[] = "backup";
	char	*argv[] = { name, s->backup[i], NULL };

	snprintf(s->backup[i], sizeof(s->backup[i]), "%s/backup%d",
	    s->net.base, i);
	net_rmdir(s->backup[i]);
	if (command(s, i, 2, argv) != 0)
		die(s, "opora backup failed");
	s->backup_tick[i] = s->tick;
	snapshot(s, i, s->bk_d[i], s->bk_e[i]);
	if (getenv("SIM_TRACE") != NULL)
		fprintf(stderr, "step %d: %s backed up\n", s->tick, regions[i]);
}

/*
 * Node i is stopped and replaced by 'opora restore' of its backup into a
 * new directory (as docs/admin.md says): its log goes back to the backup,
 * it begins a new feed epoch, its peers pull its whole feed again and it
 * pulls what it lacks from them (went_back says what is lost for good).
 */
static void
restore_op(struct sim *s, int i)
{
	char	 name[] = "restore", dir[200];
	char	*argv[] = { name, s->backup[i], dir, NULL };
	char	 ep[EPOCH_HEX + 1], now[EPOCH_HEX + 1];
	int	 k;

	if (s->backup_tick[i] < 0)
		return;
	snprintf(dir, sizeof(dir), "%s/r%lu", s->net.base, ++s->nrestored);
	if (epoch_get(s->net.n[i]->st, ep) == -1)
		die(s, "read the feed epoch");
	node_close(s->net.n[i]);
	s->net.n[i] = NULL;
	if (command(s, i, 3, argv) != 0)
		die(s, "opora restore failed");
	net_rmdir(s->net.dir[i]);
	snprintf(s->net.dir[i], sizeof(s->net.dir[i]), "%s", dir);
	if (net_reopen(&s->net, i, false) == -1)
		die(s, "open a restored node");
	if (epoch_get(s->net.n[i]->st, now) == -1 || strcmp(now, ep) == 0)
		die(s, "a restored node kept its feed epoch");
	s->restores++;
	if (getenv("SIM_TRACE") != NULL)
		fprintf(stderr, "step %d: %s restored from its backup of step "
		    "%d\n", s->tick, regions[i], s->backup_tick[i]);
	/* What the backup holds is back, even what was lost since. */
	for (k = 0; k < s->ndossiers; k++)
		if (s->bk_d[i][k] && s->dossier_lost[k]) {
			s->dossier_lost[k] = false;
			s->lost--;
		}
	for (k = 0; k < s->nevents; k++)
		if (s->bk_e[i][k] && s->event_lost[k]) {
			s->event_lost[k] = false;
			s->lost--;
		}
	went_back(s, i, s->bk_d[i], s->bk_e[i]);
	/* Its database file holds no more than the backup. */
	memcpy(s->safe_d[i], s->bk_d[i], sizeof(s->safe_d[i]));
	memcpy(s->safe_e[i], s->bk_e[i], sizeof(s->safe_e[i]));
	reload_cursors(s, i);
}

/*
 * A puller's bug (or anything else) loses a response: the cursor of b for
 * a moves past changes b never took in.  Cursors are an optimisation:
 * anti-entropy must find and repair the gap (entropy_all).
 */
static void
lose_op(struct sim *s)
{
	struct net_pull	 p;
	char		 why[256];
	int		 a, b;

	a = (int)rnd(s, NNODES);
	b = (a + 1 + (int)rnd(s, NNODES - 1)) % NNODES;
	s->net.lose = true;
	if (net_pull(&s->net, a, b, s->cursor[b][a], 1 + (int)rnd(s, 6), &p,
	    why, sizeof(why)) == -1)
		die(s, why);
	s->net.lose = false;
	if (p.resync) {
		s->cursor[b][a] = 0;
		return;
	}
	if (p.next > s->cursor[b][a])
		s->cursor[b][a] = p.next;
	if (p.items > 0) {
		s->gaps++;
		s->lost_responses++;
		if (getenv("SIM_TRACE") != NULL)
			fprintf(stderr, "step %d: %s lost %zu changes from "
			    "%s\n", s->tick, regions[b], p.items, regions[a]);
	}
}

/*
 * One anti-entropy round of b with a; with faulty, under a transient fault
 * in b (an I/O error, or SQLite out of memory): a round that fails takes
 * in nothing and refuses nothing, and is simply run again.
 */
static void
round_once(struct sim *s, int a, int b, bool faulty,
    struct entropy_result *r)
{
	int64_t		 rej = 0, took;
	enum fault_kind	 k;
	bool		 struck;
	int		 rc;

	if (faulty) {
		rej = count(s, b, "SELECT count(*) FROM rejected");
		k = (enum fault_kind)(FAULT_WRITE + (int)rnd(s, 3));
		fault_arm(k, s->net.dir[b], 1 + (int)rnd(s, k == FAULT_NOMEM ?
		    600 : 40));
	}
	rc = net_entropy(&s->net, a, b, r);
	if (faulty) {
		struck = fault_fired();
		if (rc == -1 && !struck)
			die(s, r->why);
		fault_disarm();
		s->transients++;
		if (count(s, b, "SELECT count(*) FROM rejected") != rej)
			die(s, "an anti-entropy round under a transient fault "
			    "refused a change");
		/* A round that failed, or repaired less than it could (it
		 * says so, and the next round tries again): run again. */
		if (!struck)
			return;
		s->struck++;
		took = r->applied;
		rc = net_entropy(&s->net, a, b, r);
		r->applied += took;
	}
	if (rc == -1)
		die(s, r->why);
}

/*
 * After healing: anti-entropy rounds of every node with every other, in
 * passes.  Cursors alone must have closed every gap unless a response was
 * lost on purpose (lose_op): then the first pass takes in nothing.  A lost
 * response can hide what entitles a node to a dossier from the very peer
 * it would ask, so that peer lists the dossier to it only once its own
 * round has repaired it: two passes close every gap, and a third takes in
 * nothing (the gap count is 0).  Two nodes may still list a dossier apart
 * after that (counted in apart): a node that was the destination of an
 * offer that turned out void (its maker lost a race) believes it holds
 * the dossier, and the others rightly send it nothing more of it; the
 * final check holds every node to what it may hold.
 */
static void
entropy_all(struct sim *s)
{
	struct entropy_result r;
	char		 msg[300];
	int64_t		 took;
	int		 a, b, pass, apart = 0;

	for (pass = 0; pass < 3; pass++) {
		took = 0;
		apart = 0;
		for (b = 0; b < NNODES; b++)
			for (a = 0; a < NNODES; a++) {
				if (a == b)
					continue;
				round_once(s, a, b, pass == 0 &&
				    rnd(s, 6) == 0, &r);
				if (getenv("SIM_TRACE") != NULL)
					fprintf(stderr, "entropy %d %s<-%s: "
					    "in step %d, %lld shared, %lld "
					    "differ, %lld repaired, %lld "
					    "applied\n", pass, regions[b],
					    regions[a], r.in_step,
					    (long long)r.shared,
					    (long long)r.differed,
					    (long long)r.repaired,
					    (long long)r.applied);
				s->repaired += (unsigned long)r.repaired;
				took += r.applied;
				if (!r.in_step)
					apart++;
				if (r.applied == 0 || (pass < 2 &&
				    s->gaps > 0))
					continue;
				snprintf(msg, sizeof(msg), "anti-entropy: "
				    "%s took in %lld changes of %lld dossiers "
				    "from %s in pass %d: %s", regions[b],
				    (long long)r.applied,
				    (long long)r.repaired, regions[a],
				    pass + 1, pass == 0 ? "the pulls left a "
				    "gap" : "two passes did not close the "
				    "gap");
				die(s, msg);
			}
		if (took == 0)
			break;
	}
	s->apart += (unsigned long)apart;
}

static void
run_seed(struct sim *s, int seed)
{
	int	 step, a, b, round, pass;
	uint64_t moved;

	reset(s, seed);
	for (step = 0; step < 90; step++) {
		s->tick = step + 1;
		/* 0-3 ms a step: concurrent changes often share a clock. */
		s->net.clock += rnd(s, 4);
		/* Now and then a node fails, or goes back. */
		switch (rnd(s, 48)) {
		case 0:
			crash_op(s);
			continue;
		case 1:
		case 2:
			transient_op(s);
			continue;
		case 3:
			checkpoint_op(s, (int)rnd(s, NNODES));
			continue;
		case 4:
			backup_op(s, (int)rnd(s, NNODES));
			continue;
		case 5:
			restore_op(s, (int)rnd(s, NNODES));
			continue;
		case 6:
			lose_op(s);
			continue;
		default:
			break;
		}
		if (rnd(s, 2) == 0) {
			random_op(s);
			if (rnd(s, 16) == 0)
				hostile(s);
			continue;
		}
		a = (int)rnd(s, NNODES);
		b = (int)rnd(s, NNODES);
		if (a == b)
			continue;
		if (rnd(s, 6) == 0)
			s->cut[a][b] = s->cut[b][a] = !s->cut[a][b];
		if (!s->cut[a][b])
			(void)deliver(s, a, b, true);
	}
	/* Heal, and pull everything everywhere until nothing moves; then
	 * let the time of a retry of what waits in later pass (its changes
	 * are fetched again when due, node/feed.h), and again. */
	for (pass = 0; pass < 2; pass++) {
		for (round = 0; round < 50; round++) {
			moved = 0;
			for (b = 0; b < NNODES; b++)
				for (a = 0; a < NNODES; a++)
					if (a != b)
						moved += deliver(s, a, b,
						    false);
			if (moved == 0)
				break;
		}
		if (round == 50)
			die(s, "no quiescence after 50 rounds");
		s->net.clock += FEED_LATER_RETRY_MS + 1;
	}
	entropy_all(s);
	check(s);
	if (getenv("SIM_VERBOSE") != NULL) {
		long long	 c = 0, acc = 0, dec = 0, can = 0, off = 0;
		long long	 cf = 0, open = 0, lk = 0, late = 0;
		int		 j;

		for (j = 0; j < NNODES; j++) {
			c += store_count(s->net.n[j]->st,
			    "SELECT count(*) FROM changes");
			acc += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE state = 'accepted'");
			dec += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE state = 'declined'");
			can += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE state = 'cancelled'");
			off += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "transfers");
			late += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE late IS NOT NULL");
			cf += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "conflicts");
			open += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "conflicts WHERE state = 'open'");
			lk += store_count(s->net.n[j]->st, "SELECT count(*) FROM "
			    "links");
		}
		fprintf(stderr, "seed %d: %d dossiers, %d events; over all "
		    "nodes %lld changes, %lld transfer rows (%lld accepted, "
		    "%lld declined, %lld cancelled, %lld late decisions), "
		    "%lld conflicts (%lld open), %lld links\n", seed,
		    s->ndossiers, s->nevents, c, off, acc, dec, can, late, cf,
		    open, lk);
	}
}

int
main(void)
{
	struct sim	 s;
	const char	*one = getenv("SIM_SEED"), *many = getenv("SIM_SEEDS");
	int		 first = 1, n = 1500, seed;

	memset(&s, 0, sizeof(s));
	/* SQLite as the program runs it (statement journals in memory up
	 * to their limit), then its allocator and files under faults. */
	if (store_configure() == -1 || fault_init() == -1)
		return (1);
	/* The nodes live in memory when it can be had: a kill is simulated
	 * under SQLite (fault.c), not by the disk, and backups and restores
	 * fsync. */
	if (getenv("TMPDIR") == NULL && access("/dev/shm", W_OK | X_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 1);
	log_init("sim", 0, false);
	log_quiet(true);
	if (one != NULL) {
		first = atoi(one);
		n = 1;
	}
	if (many != NULL)
		n = atoi(many);
	setup(&s);
	for (seed = first; seed < first + n; seed++)
		run_seed(&s, seed);
	for (seed = 0; seed < NNODES; seed++)
		if (s.backup[seed][0] != '\0')
			net_rmdir(s.backup[seed]);
	net_teardown(&s.net);
	/* The hostile region did act. */
	if (n >= 100 && s.hostile < (unsigned long)n / 10) {
		fprintf(stderr, "sim: only %lu hostile feeds in %d seeds\n",
		    s.hostile, n);
		return (1);
	}
	fprintf(stderr, "sim: %lu hostile feeds; %lu crashes (%lu with the "
	    "-wal lost), %lu restores, %lu dossiers and events lost with "
	    "them for good; %lu transient faults (%lu struck, %lu absorbed "
	    "by SQLite); %lu resyncs from a new epoch; %lu responses lost, "
	    "%lu dossiers repaired by anti-entropy, %lu rounds that end apart "
	    "(a destination of a void offer); %lu cancels lost by their "
	    "author after the destination learnt of them; %lu histories a "
	    "restored node lost under changes it signed ('opora lost')\n",
	    s.hostile, s.crashes, s.lost_wal, s.restores, s.lost,
	    s.transients, s.struck, s.absorbed, s.resyncs, s.lost_responses,
	    s.repaired, s.apart, s.cancels_lost, s.histories_lost);
	/* ... and so did every failure. */
	if (n >= 100 && (s.crashes == 0 || s.lost_wal == 0 ||
	    s.restores == 0 || s.struck == 0 || s.resyncs == 0 ||
	    s.lost_responses == 0)) {
		fprintf(stderr, "sim: some failures never happened in %d "
		    "seeds\n", n);
		return (1);
	}
	printf("[  PASSED  ] %d test(s).\n", n);
	return (0);
}
