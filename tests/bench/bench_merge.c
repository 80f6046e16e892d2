/*
 * tests/bench/bench_merge.c: what conflicts cost (issue 5).
 *
 * Three real nodes (tests/sim/net.h) hand dossiers round: Smolensk,
 * Kaluga, Sakha, Smolensk...  In each handover the custodian offers the
 * case, the destination accepts, and both set the phone number.  With
 * "conflicts" the old custodian sets it after offering, not knowing of the
 * accept: the two edits are concurrent and every handover leaves a
 * conflict.  With "plain" it sets it before offering: the same changes,
 * one after another, and no conflict.  Between handovers the custodian
 * records events.
 *
 *   bench_merge MODE DOSSIERS CHANGES
 *
 * makes DOSSIERS dossiers of about CHANGES changes each, with CHANGES / 10
 * phone edits (half of them concurrent in "conflicts" mode), then:
 *   - takes the first dossier whole into a fresh node, as a node does
 *     when a dossier arrives (verify every signature, apply, fold again
 *     where a change sorts before others), and times it;
 *   - folds it from its changes 20 times and times one fold;
 * and prints one line of figures and the directory of the node that holds
 * everything, for tests/bench/bench_merge.sh to time 'opora rebuild' there
 * (it removes the directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/sig.h"
#include "protocol/wire.h"
#include "tests/sim/net.h"

static const char *const regions[3] = { "RU-SMO", "RU-KLU", "RU-SA" };

struct bench {
	struct net	 net;
	int64_t		 cursor[3][3];		/* [to][from] */
	uint64_t	 rng;
	int		 nchanges;
};

static void
die(const char *what)
{
	fprintf(stderr, "bench_merge: %s\n", what);
	exit(1);
}

static unsigned
rnd(void *arg, unsigned n)
{
	struct bench	*b = arg;

	b->rng = b->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((unsigned)(b->rng >> 33) % n);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Node i makes one change; it must not be refused. */
static void
make(struct bench *b, int i, const char *d, struct op *o, char *cid)
{
	b->net.clock += 1 + rnd(b, 5);
	if (net_author(&b->net, i, d, o, 1, cid) != 0)
		die("a change was refused");
	b->nchanges++;
}

/* Node to takes everything from node from. */
static void
pull(struct bench *b, int from, int to)
{
	struct net_pull	 p;
	char		 why[256];

	do {
		if (net_pull(&b->net, from, to, b->cursor[to][from],
		    LIMIT_FEED_MAX, &p, why, sizeof(why)) == -1)
			die(why);
		if (p.rejected + p.missing > 0)
			die("a change was refused on receipt");
		b->cursor[to][from] = p.next;
	} while (p.more);
}

static void
sync_all(struct bench *b)
{
	int	 x, y;

	for (x = 0; x < 3; x++)
		for (y = 0; y < 3; y++)
			if (x != y)
				pull(b, x, y);
}

static void
set_phone(struct bench *b, int i, const char *d, int round)
{
	struct op	 o = net_op(OP_PERSON_SET);
	char		 v[40];

	snprintf(v, sizeof(v), "+7 900 %03d %02d %02d", round % 1000,
	    i, round % 100);
	o.field = PF_PHONE;
	o.arg[OA_VALUE] = v;
	make(b, i, d, &o, NULL);
}

/* The dossiers ids[0..nd), of about n changes each, handed round the three
 * regions together, one handover at a time. */
static void
dossiers(struct bench *b, char (*ids)[37], int nd, int n, bool conflicts)
{
	struct op	 o;
	char		 (*cid)[CHANGE_ID_HEX + 1], ref[80], text[80];
	int		 handovers = n / 20, per, c, r, round, e, x;

	if ((cid = calloc((size_t)nd, sizeof(*cid))) == NULL)
		die("out of memory");
	for (x = 0; x < nd; x++) {
		o = net_op(OP_PERSON_CREATE);
		o.person[PF_SURNAME] = "Иванова";
		o.person[PF_NAME] = "Анна";
		o.person[PF_BIRTH_DATE] = "2005-04-12";
		o.person[PF_SEX] = "F";
		make(b, 0, ids[x], &o, NULL);
		memcpy(ids[x], b->net.created, sizeof(b->net.created));
		o = net_op(OP_CONSENT_ADD);
		o.arg[OA_SCOPE] = "transfer";
		o.arg[OA_DATE] = "2024-01-01";
		o.arg[OA_DOCUMENT] = "Заявление № 1";
		make(b, 0, ids[x], &o, NULL);
	}
	/* Four changes a handover; the rest are events. */
	per = (n - 2 - 4 * handovers) / (handovers > 0 ? handovers : 1);
	for (round = 0; round < handovers; round++) {
		c = round % 3;
		r = (c + 1) % 3;
		for (x = 0; x < nd; x++) {
			for (e = 0; e < per; e++) {
				o = net_op(OP_EVENT_ADD);
				o.arg[OA_DATE] = "2024-02-01";
				o.arg[OA_TYPE] = "contact";
				snprintf(text, sizeof(text), "Встреча с "
				    "куратором, запись %d", b->nchanges);
				o.arg[OA_TEXT] = text;
				make(b, c, ids[x], &o, NULL);
			}
			if (!conflicts)
				set_phone(b, c, ids[x], round);
			o = net_op(OP_TRANSFER_OFFER);
			o.arg[OA_TO] = regions[r];
			o.arg[OA_REASON] = "Переезд";
			make(b, c, ids[x], &o, cid[x]);
		}
		pull(b, c, r);
		for (x = 0; x < nd; x++) {
			snprintf(ref, sizeof(ref), "%s/0", cid[x]);
			o = net_op(OP_TRANSFER_ACCEPT);
			o.arg[OA_REF] = ref;
			make(b, r, ids[x], &o, NULL);
		}
		/* Not knowing of the accepts: edits concurrent with them. */
		for (x = 0; conflicts && x < nd; x++)
			set_phone(b, c, ids[x], round);
		/* The history comes with the accept once the custodian has
		 * pulled it (docs/protocol.md, "Offers before they are
		 * accepted"), and with it the old custodian's edit: the new
		 * custodian's edit follows it. */
		sync_all(b);
		sync_all(b);
		for (x = 0; x < nd; x++)
			set_phone(b, r, ids[x], round);
		sync_all(b);
	}
	free(cid);
}

/* A fresh node of region RU-SMO that knows the three keys. */
static struct node *
fresh_node(struct bench *b, char *dir, size_t dirsz)
{
	struct node	*n;
	char		 kid[SIG_KEYID_LEN + 1];
	int		 i;

	snprintf(dir, dirsz, "%s/fresh", b->net.base);
	if (node_init(dir, "RU-SMO", NULL, NULL) == -1 ||
	    (n = node_open(dir, "bench")) == NULL)
		die("fresh node");
	for (i = 0; i < 3; i++) {
		sig_key_id(b->net.n[i]->pub, kid);
		if (store_key_put(n->st, kid, regions[i], b->net.n[i]->pub) ==
		    -1)
			die("keys");
	}
	return (n);
}

int
main(int argc, char **argv)
{
	static struct bench b;
	struct wire_feed f;
	struct feed_stats st;
	struct node	*fresh;
	struct dossier	*d;
	struct buf	 body;
	char		 first[37], (*ids)[37], dir[300], why[256];
	double		 t0, apply_s, fold_s;
	bool		 conflicts;
	int		 ndossiers, per, i, k;
	int64_t		 nconf;

	if (argc != 4 || (strcmp(argv[1], "conflicts") != 0 &&
	    strcmp(argv[1], "plain") != 0)) {
		fprintf(stderr, "usage: bench_merge conflicts|plain DOSSIERS "
		    "CHANGES\n");
		return (64);
	}
	conflicts = strcmp(argv[1], "conflicts") == 0;
	ndossiers = atoi(argv[2]);
	per = atoi(argv[3]);
	if (ndossiers < 1 || per < 40)
		die("at least 1 dossier of 40 changes");
	log_init("bench_merge", 0, false);
	log_quiet(true);
	b.rng = 42;
	if (net_setup(&b.net, 3, regions) == -1)
		die("setup");
	if ((ids = calloc((size_t)ndossiers, sizeof(*ids))) == NULL)
		die("out of memory");
	for (i = 0; i < ndossiers; i++)
		net_uuid(rnd, &b, ids[i]);
	dossiers(&b, ids, ndossiers, per, conflicts);
	/* The ids the first changes made (a dossier's id is derived from
	 * its creator: docs/protocol.md, "Versions"). */
	memcpy(first, ids[0], sizeof(first));
	free(ids);
	nconf = store_count(b.net.n[0]->st, "SELECT count(*) FROM conflicts");

	/* The first dossier, whole, into a fresh node. */
	fresh = fresh_node(&b, dir, sizeof(dir));
	buf_init(&body, LIMIT_FEED_BYTES * 4);
	if (feed_dossier(b.net.n[0], "RU-SMO", first, &body) != 0 ||
	    wire_feed_parse(body.data, body.len, &f, why, sizeof(why)) == -1)
		die("dossier feed");
	memset(&st, 0, sizeof(st));
	t0 = now_s();
	if (feed_apply(fresh, "RU-KLU", &f, false, &st, why,
	    sizeof(why)) == -1 || st.rejected + st.missing > 0)
		die("apply");
	apply_s = now_s() - t0;
	wire_feed_free(&f);
	buf_free(&body);
	t0 = now_s();
	for (k = 0; k < 20; k++) {
		if (view_fold(fresh->st, first, &d, why, sizeof(why)) != 0)
			die(why);
		dossier_free(d);
	}
	fold_s = (now_s() - t0) / 20;
	printf("%s changes=%d dossier_changes=%llu conflicts=%lld "
	    "apply_s=%.3f fold_ms=%.2f node=%s\n", argv[1], b.nchanges,
	    (unsigned long long)st.applied, (long long)nconf, apply_s,
	    fold_s * 1000, b.net.dir[0]);
	node_close(fresh);
	for (i = 0; i < 3; i++)
		node_close(b.net.n[i]);
	return (0);
}
