/*
 * tests/sim/sim.c: a deterministic simulator of regions exchanging changes.
 *
 * Three real nodes (node/, SQLite, Ed25519) in temporary directories, no
 * network and no processes: delivery is feed_build on one node and
 * feed_apply on another.  Each seed drives random operations (register,
 * record, correct, consent, offer, accept, decline, cancel, late notes)
 * while random links are cut, responses are delivered late, twice, or from
 * an old cursor; then every link heals and is pulled until nothing moves.
 * It then checks that:
 *   - every node holding a dossier prints the same digest;
 *   - a node holds a dossier only if it is, or was, entitled to it;
 *   - every event written anywhere is in every holder's view;
 *   - no change made by a node was refused by another.
 * A failing seed is printed; SIM_SEED=N replays that seed alone, SIM_SEEDS=N
 * runs N seeds (2,000 by default).  Prints "[  PASSED  ] N test(s)." like
 * cmocka, for tests/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/wire.h"

#define NNODES		3
#define MAXDOSSIERS	8
#define MAXEVENTS	256

static const char *const regions[NNODES] = { "RU-SMO", "RU-KLU", "RU-SA" };

struct sim {
	char		 base[64];
	struct node	*n[NNODES];
	char		 dir[NNODES][256];
	int64_t		 cursor[NNODES][NNODES];	/* [to][from] */
	bool		 cut[NNODES][NNODES];
	char		 dossiers[MAXDOSSIERS][37];
	int		 ndossiers;
	char		 events[MAXEVENTS][80];		/* text of each event */
	int		 event_dossier[MAXEVENTS];	/* ... and its dossier */
	int		 nevents;
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
	    s->base);
	exit(1);
}

static const char *const wipe =
    "DELETE FROM parents; DELETE FROM heads; DELETE FROM episodes;"
    "DELETE FROM events; DELETE FROM assessments; DELETE FROM consents;"
    "DELETE FROM transfers; DELETE FROM conflicts; DELETE FROM links;"
    "DELETE FROM persons; DELETE FROM changes;"
    "DELETE FROM rejected; UPDATE peers SET cursor = 0;"
    "DELETE FROM meta WHERE k = 'hlc';";

static void
setup(struct sim *s)
{
	char		 tmpl[] = "/tmp/opora-sim.XXXXXX";
	char		*base;
	int		 i, j;
	uint8_t		 pub[NNODES][SIG_PUB_LEN];

	if ((base = mkdtemp(tmpl)) == NULL)
		exit(1);
	snprintf(s->base, sizeof(s->base), "%s", base);
	for (i = 0; i < NNODES; i++) {
		snprintf(s->dir[i], sizeof(s->dir[i]), "%s/%d", base, i);
		if (node_init(s->dir[i], regions[i], NULL, NULL) == -1 ||
		    (s->n[i] = node_open(s->dir[i], "sim")) == NULL)
			exit(1);
		memcpy(pub[i], s->n[i]->pub, SIG_PUB_LEN);
		/* Durability is not under test here; speed is welcome. */
		if (store_exec(s->n[i]->st, "PRAGMA synchronous = OFF") == -1)
			exit(1);
	}
	/* Every node knows every key, and has a peers row per other node
	 * (feed_apply saves cursors there). */
	for (i = 0; i < NNODES; i++)
		for (j = 0; j < NNODES; j++) {
			char	 kid[SIG_KEYID_LEN + 1];
			sqlite3_stmt *st;

			if (i == j)
				continue;
			sig_key_id(pub[j], kid);
			store_key_put(s->n[i]->st, kid, regions[j], pub[j]);
			st = store_stmt(s->n[i]->st, "INSERT INTO peers "
			    "(region, url, key_id, pin, card, added) VALUES "
			    "(?, 'https://sim', ?, 'x', 'x', 0)");
			sqlite3_bind_text(st, 1, regions[j], -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, kid, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(st) != SQLITE_DONE)
				exit(1);
			sqlite3_reset(st);
		}
}

/* Close the nodes and remove their directories. */
static void
teardown(struct sim *s)
{
	static const char *const files[] = { "opora.conf", "opora.db",
	    "opora.db-wal", "opora.db-shm", "signing.key", "tls.key",
	    "tls.crt", NULL };
	char	 p[512];
	int	 i, f;

	for (i = 0; i < NNODES; i++) {
		node_close(s->n[i]);
		for (f = 0; files[f] != NULL; f++) {
			snprintf(p, sizeof(p), "%s/%s", s->dir[i], files[f]);
			(void)unlink(p);
		}
		(void)rmdir(s->dir[i]);
	}
	(void)rmdir(s->base);
}

static void
reset(struct sim *s, int seed)
{
	int	 i;

	for (i = 0; i < NNODES; i++) {
		if (store_exec(s->n[i]->st, wipe) == -1)
			exit(1);
		s->n[i]->hlc.last = 0;
	}
	memset(s->cursor, 0, sizeof(s->cursor));
	memset(s->cut, 0, sizeof(s->cut));
	s->ndossiers = s->nevents = 0;
	s->seed = seed;
	s->rng = (unsigned long)seed * 2654435761UL + 1;
}

/* Make one change at node i; 0 if made, 1 if the node refused (fine: the
 * simulator picks operations blindly), exits on an error. */
static int
author(struct sim *s, int i, const char *id, struct op *ops, size_t nops)
{
	struct dossier	*d = NULL;
	char		 cid[CHANGE_ID_HEX + 1], why[512];
	int		 r, rc = 1;

	if (store_begin(s->n[i]->st) == -1)
		die(s, "begin");
	r = view_load(s->n[i]->st, id, &d);
	if (r == 1 && ops[0].kind == OP_PERSON_CREATE)
		d = dossier_new(id);
	if (d != NULL && node_author(s->n[i], d, ops, nops, cid, why,
	    sizeof(why)) == 0)
		rc = 0;
	dossier_free(d);
	if (rc == 0) {
		if (store_commit(s->n[i]->st) == -1)
			die(s, "commit");
	} else
		store_rollback(s->n[i]->st);
	return (rc);
}

static struct op
op_of(enum op_kind k)
{
	struct op	 o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.field = -1;
	return (o);
}

/* A transfer entry of dossier d at node i in the given state, or NULL. */
static const char *
transfer_at(struct sim *s, int i, const char *d, const char *state,
    const char *to, char out[80])
{
	sqlite3_stmt	*st;
	const char	*v = NULL;

	st = store_stmt(s->n[i]->st, "SELECT id FROM transfers WHERE "
	    "dossier = ? AND state = ? AND (? IS NULL OR \"to\" = ?)");
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

static void
random_op(struct sim *s)
{
	int		 i = (int)rnd(s, NNODES), k, x, j;
	struct op	 o;
	char		 id[37], text[64], ref[80];
	const char	*d;

	k = (int)rnd(s, 10);
	if (s->ndossiers == 0 || (k == 0 && s->ndossiers < 4 &&
	    rnd(s, 2) == 0)) {
		o = op_of(OP_PERSON_CREATE);
		o.person[PF_SURNAME] = "Иванова";
		o.person[PF_NAME] = "Анна";
		o.person[PF_BIRTH_DATE] = "2005-04-12";
		o.person[PF_SEX] = "F";
		if (node_new_uuid(id) == -1)
			die(s, "uuid");
		if (author(s, i, id, &o, 1) == 0)
			memcpy(s->dossiers[s->ndossiers++], id, 37);
		return;
	}
	x = (int)rnd(s, (unsigned)s->ndossiers);
	d = s->dossiers[x];
	/* Mostly, the region that believes it is the custodian acts. */
	if (rnd(s, 4) != 0) {
		for (j = 0; j < NNODES; j++) {
			struct dossier	*v = NULL;
			bool		 mine;

			if (view_load(s->n[j]->st, d, &v) != 0)
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
	case 1:
	case 2:
	case 3:		/* an event, by the custodian or a late note */
		if (s->nevents == MAXEVENTS)
			return;
		snprintf(text, sizeof(text), "s%d-e%d", s->seed, s->nevents);
		o = op_of(OP_EVENT_ADD);
		o.arg[OA_DATE] = k == 3 ? "2020-01-01" : "2024-01-01";
		o.arg[OA_TYPE] = "contact";
		o.arg[OA_TEXT] = text;
		if (author(s, i, d, &o, 1) == 0) {
			s->event_dossier[s->nevents] = x;
			memcpy(s->events[s->nevents++], text, sizeof(text));
		}
		return;
	case 4:		/* a card field, concurrently from anywhere */
		o = op_of(OP_PERSON_SET);
		o.field = PF_PHONE;
		snprintf(text, sizeof(text), "+7 900 %03u 00 %02d",
		    rnd(s, 1000), i);
		o.arg[OA_VALUE] = text;
		(void)author(s, i, d, &o, 1);
		return;
	case 5:
		o = op_of(OP_CONSENT_ADD);
		o.arg[OA_SCOPE] = "transfer";
		o.arg[OA_DATE] = "2024-01-01";
		o.arg[OA_DOCUMENT] = "№ 1";
		(void)author(s, i, d, &o, 1);
		return;
	case 6:
		o = op_of(OP_TRANSFER_OFFER);
		o.arg[OA_TO] = regions[(i + 1 + rnd(s, NNODES - 1)) % NNODES];
		o.arg[OA_REASON] = "Переезд";
		(void)author(s, i, d, &o, 1);
		return;
	case 7:
	case 8:		/* the destination decides; the origin may cancel */
		for (j = 0; j < NNODES; j++) {
			int	 n = (i + j) % NNODES;

			if (transfer_at(s, n, d, "offered", regions[n],
			    ref) != NULL) {
				o = op_of(rnd(s, 4) ? OP_TRANSFER_ACCEPT :
				    OP_TRANSFER_DECLINE);
				o.arg[OA_REF] = ref;
				o.arg[OA_REASON] = "Нет";
				(void)author(s, n, d, &o, 1);
				return;
			}
		}
		if (transfer_at(s, i, d, "offered", NULL, ref) != NULL) {
			o = op_of(OP_TRANSFER_CANCEL);
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
	struct wire_feed f;
	struct feed_stats st;
	struct buf	 body;
	char		 why[256];
	int64_t		 since = s->cursor[b][a], next;
	uint64_t	 moved;

	if (chaos && rnd(s, 8) == 0)
		since = since > 3 ? since - 3 : 0;
	buf_init(&body, LIMIT_FEED_BYTES);
	if (feed_build(s->n[a], regions[b], since, chaos ? 1 + (int)rnd(s, 6) :
	    LIMIT_FEED_MAX, &body, &next) == -1 ||
	    wire_feed_parse(body.data, body.len, &f, why, sizeof(why)) == -1)
		die(s, "feed");
	memset(&st, 0, sizeof(st));
	if (feed_apply(s->n[b], regions[a], &f, true, &st, why,
	    sizeof(why)) == -1)
		die(s, why);
	if (st.rejected + st.missing > 0) {
		if (getenv("SIM_VERBOSE") != NULL) {
			sqlite3_stmt *q = store_stmt(s->n[b]->st, "SELECT "
			    "dossier, reason, CAST(bytes AS TEXT) FROM rejected");
			while (sqlite3_step(q) == SQLITE_ROW)
				fprintf(stderr, "rejected %s: %s\n%s\n",
				    sqlite3_column_text(q, 0),
				    sqlite3_column_text(q, 1),
				    sqlite3_column_text(q, 2));
			sqlite3_reset(q);
		}
		snprintf(why, sizeof(why), "%s refused %llu change(s) from %s",
		    regions[b], (unsigned long long)(st.rejected + st.missing),
		    regions[a]);
		die(s, why);
	}
	if (getenv("SIM_TRACE") != NULL)
		fprintf(stderr, "%s<-%s since %lld: %zu changes, next %lld, "
		    "%llu applied%s\n", regions[b], regions[a],
		    (long long)since, f.n, (long long)f.next,
		    (unsigned long long)st.applied, chaos ? " (chaos)" : "");
	if (f.next > s->cursor[b][a])
		s->cursor[b][a] = f.next;
	/* Like the real puller, a response with more to come is followed at
	 * once by another: count it as movement. */
	moved = st.applied + (f.more ? 1 : 0);
	wire_feed_free(&f);
	buf_free(&body);
	return (moved);
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

/*
 * After quiescence: the holder with the most changes (the custodian) is
 * the reference.  Every region entitled by it holds the same state; any
 * other holder was entitled once, and knows how each offer made to it
 * ended; every event written is there.
 */
static void
check(struct sim *s)
{
	struct dossier	*d[NNODES], *ref;
	char		 dg[NNODES][65], msg[256];
	int		 i, e, x, best;
	size_t		 r;

	for (x = 0; x < s->ndossiers; x++) {
		best = -1;
		for (i = 0; i < NNODES; i++) {
			if (view_load(s->n[i]->st, s->dossiers[x], &d[i]) != 0)
				d[i] = NULL;
			else if (view_digest(d[i], dg[i]) == -1)
				die(s, "digest");
			if (d[i] != NULL && (best == -1 ||
			    d[i]->nchanges > d[best]->nchanges))
				best = i;
		}
		if (best == -1)
			die(s, "a dossier vanished");
		ref = d[best];
		for (i = 0; i < NNODES; i++) {
			if (dossier_entitled(ref, regions[i])) {
				if (d[i] == NULL ||
				    strcmp(dg[i], dg[best]) != 0) {
					dump(ref);
					dump(d[i]);
					snprintf(msg, sizeof(msg), "%s is entitled "
					    "to %.8s but %s", regions[i],
					    s->dossiers[x], d[i] == NULL ?
					    "does not hold it" : "its digest "
					    "differs");
					die(s, msg);
				}
				continue;
			}
			if (d[i] == NULL)
				continue;
			/* Any other holder took part once: it registered
			 * the person, or an offer was made by or to it (a
			 * void offer's destination may hold a stale copy). */
			{
				bool	 ever = strcmp(ref->origin,
				    regions[i]) == 0;

				for (r = 0; r < ref->t[DT_TRANSFER].n; r++) {
					char **c = ref->t[DT_TRANSFER].v[r].col;

					if (strcmp(c[TR_TO], regions[i]) == 0 ||
					    strcmp(c[TR_FROM], regions[i]) == 0)
						ever = true;
				}
				if (!ever) {
					snprintf(msg, sizeof(msg), "%s holds "
					    "%.8s without ever being entitled",
					    regions[i], s->dossiers[x]);
					die(s, msg);
				}
			}
			/* A destination learns how its offer ended, unless the
			 * offer turned out void (its maker lost a race). */
			for (r = 0; r < d[i]->t[DT_TRANSFER].n; r++) {
				char		**c = d[i]->t[DT_TRANSFER].v[r].col;
				const char	*st;

				if (strcmp(c[TR_TO], regions[i]) != 0)
					continue;
				st = transfer_state(ref, c[COL_ID]);
				if (st == NULL || strcmp(st, "void") == 0 ||
				    strcmp(c[TR_STATE], "void") == 0)
					continue;
				if (strcmp(st, c[TR_STATE]) != 0) {
					dump(ref);
					dump(d[i]);
					snprintf(msg, sizeof(msg), "%s sees its "
					    "offer of %.8s as %s, not %s",
					    regions[i], s->dossiers[x],
					    c[TR_STATE], st);
					die(s, msg);
				}
			}
		}
		for (e = 0; e < s->nevents; e++)
			if (s->event_dossier[e] == x &&
			    !has_event(ref, s->events[e])) {
				snprintf(msg, sizeof(msg), "event %s lost",
				    s->events[e]);
				die(s, msg);
			}
		for (i = 0; i < NNODES; i++)
			dossier_free(d[i]);
	}
}

static void
run_seed(struct sim *s, int seed)
{
	int	 step, a, b, round;
	uint64_t moved;

	reset(s, seed);
	for (step = 0; step < 90; step++) {
		if (rnd(s, 2) == 0) {
			random_op(s);
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
	/* Heal, and pull everything everywhere until nothing moves. */
	for (round = 0; round < 50; round++) {
		moved = 0;
		for (b = 0; b < NNODES; b++)
			for (a = 0; a < NNODES; a++)
				if (a != b)
					moved += deliver(s, a, b, false);
		if (moved == 0)
			break;
	}
	if (round == 50)
		die(s, "no quiescence after 50 rounds");
	check(s);
	if (getenv("SIM_VERBOSE") != NULL) {
		long long	 c = 0, acc = 0, dec = 0, can = 0, off = 0;
		int		 j;

		for (j = 0; j < NNODES; j++) {
			c += store_count(s->n[j]->st,
			    "SELECT count(*) FROM changes");
			acc += store_count(s->n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE state = 'accepted'");
			dec += store_count(s->n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE state = 'declined'");
			can += store_count(s->n[j]->st, "SELECT count(*) FROM "
			    "transfers WHERE state = 'cancelled'");
			off += store_count(s->n[j]->st, "SELECT count(*) FROM "
			    "transfers");
		}
		fprintf(stderr, "seed %d: %d dossiers, %d events; over all "
		    "nodes %lld changes, %lld transfer rows (%lld accepted, "
		    "%lld declined, %lld cancelled)\n", seed, s->ndossiers,
		    s->nevents, c, off, acc, dec, can);
	}
}

int
main(void)
{
	struct sim	 s;
	const char	*one = getenv("SIM_SEED"), *many = getenv("SIM_SEEDS");
	int		 first = 1, n = 2000, seed;

	memset(&s, 0, sizeof(s));
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
	teardown(&s);
	printf("[  PASSED  ] %d test(s).\n", n);
	return (0);
}
