/*
 * tests/bench/bench_entropy.c: what anti-entropy costs (issue 11).
 *
 * Four real nodes (tests/sim/net.h), RU-SMO, RU-KLU, RU-SA and RU-TUL,
 * share every dossier: Smolensk registers it and hands it to Kaluga, which
 * hands it to Sakha, which hands it to Tula (each offer accepted: a
 * destination holds the history once it accepts); all four are entitled.
 *
 *   bench_entropy DOSSIERS CHANGES DIFFER
 *
 * makes DOSSIERS dossiers of CHANGES changes each (mostly events), brings
 * the four in step, then measures with the very code of a puller's round
 * (entropy_round; the peer's side answered in process by the server's
 * functions, as node/api.c does over HTTPS):
 *   - an in-step round between each of the 12 ordered pairs: requests,
 *     bytes of the answers, CPU of the asking and of the answering node;
 *   - a round that finds DIFFER dossiers apart: Smolensk adds a note to
 *     each, which Kaluga alone never pulled; Kaluga's round against
 *     Smolensk finds and repairs them.
 * Prints one line of figures (key=value) for tests/bench/bench_entropy.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/entropy.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/wire.h"
#include "tests/sim/net.h"

static const char *const regions[4] = { "RU-SMO", "RU-KLU", "RU-SA",
    "RU-TUL" };

struct bench {
	struct net	 net;
	int64_t		 cursor[4][4];		/* [to][from] */
	int		 nchanges;
};

/* The answering side of a round, in process. */
struct peer {
	struct bench	*b;
	int		 a, asker;	/* a answers asker */
	double		 cpu;		/* CPU seconds spent answering */
};

static void
die(const char *what)
{
	fprintf(stderr, "bench_entropy: %s\n", what);
	exit(1);
}

static double
cpu_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
make(struct bench *b, int i, const char *d, struct op *o, char *cid)
{
	b->net.clock += 3;
	if (net_author(&b->net, i, d, o, 1, cid) != 0)
		die("a change was refused");
	b->nchanges++;
}

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

	for (x = 0; x < 4; x++)
		for (y = 0; y < 4; y++)
			if (x != y)
				pull(b, x, y);
}

/* Node c hands every dossier to node r (offer, pulled, accepted). */
static void
hand(struct bench *b, char (*ids)[37], int nd, int c, int r, bool accept)
{
	struct op	 o;
	char		 cid[CHANGE_ID_HEX + 1], ref[80];
	int		 x;

	for (x = 0; x < nd; x++) {
		o = net_op(OP_TRANSFER_OFFER);
		o.arg[OA_TO] = regions[r];
		o.arg[OA_REASON] = "Переезд";
		make(b, c, ids[x], &o, cid);
		if (!accept)
			continue;
		pull(b, c, r);
		snprintf(ref, sizeof(ref), "%s/0", cid);
		o = net_op(OP_TRANSFER_ACCEPT);
		o.arg[OA_REF] = ref;
		make(b, r, ids[x], &o, NULL);
	}
	sync_all(b);
	/* The history comes with the accept once its custodian has pulled
	 * the accept (docs/protocol.md, "Offers before they are accepted"):
	 * a second round brings it. */
	if (accept)
		sync_all(b);
}

static void
dossiers(struct bench *b, char (*ids)[37], int nd, int per)
{
	struct op	 o;
	char		 text[80];
	int		 x, e;

	for (x = 0; x < nd; x++) {
		o = net_op(OP_PERSON_CREATE);
		o.person[PF_SURNAME] = "Иванова";
		o.person[PF_NAME] = "Анна";
		o.person[PF_BIRTH_DATE] = "2005-04-12";
		o.person[PF_SEX] = "F";
		make(b, 0, "00000000-0000-4000-8000-000000000000", &o, NULL);
		memcpy(ids[x], b->net.created, sizeof(b->net.created));
		o = net_op(OP_CONSENT_ADD);
		o.arg[OA_SCOPE] = "transfer";
		o.arg[OA_DATE] = "2024-01-01";
		o.arg[OA_DOCUMENT] = "Заявление № 1";
		make(b, 0, ids[x], &o, NULL);
		/* Six changes go to the handovers. */
		for (e = 0; e < per - 8; e++) {
			o = net_op(OP_EVENT_ADD);
			o.arg[OA_DATE] = "2024-02-01";
			o.arg[OA_TYPE] = "contact";
			snprintf(text, sizeof(text), "Встреча с куратором, "
			    "запись %d", b->nchanges);
			o.arg[OA_TEXT] = text;
			make(b, 0, ids[x], &o, NULL);
		}
	}
	hand(b, ids, nd, 0, 1, true);
	hand(b, ids, nd, 1, 2, true);
	/* Accepted too: a destination holds the history only once it has
	 * accepted (docs/protocol.md, "Offers before they are accepted"). */
	hand(b, ids, nd, 2, 3, true);
}

static int
answer(void *arg, const char *path, struct buf *body, char *why,
    size_t whysz)
{
	struct peer	*p = arg;
	struct node	*n = p->b->net.n[p->a];
	const char	*asker = regions[p->asker], *q;
	char		 after[37] = "", id[37];
	double		 t0 = cpu_s();
	long		 limit;
	int		 r = -1;

	if (strcmp(path, "/v1/summary") == 0)
		r = entropy_summary(n, asker, body);
	else if (strncmp(path, "/v1/summary/dossiers?limit=", 27) == 0) {
		limit = strtol(path + 27, NULL, 10);
		if ((q = strstr(path, "&after=")) != NULL)
			snprintf(after, sizeof(after), "%s", q + 7);
		r = entropy_page(n, asker, after, (int)limit, body);
	} else if (strncmp(path, "/v1/dossiers/", 13) == 0 &&
	    strlen(path) == 13 + 36 + 8) {
		memcpy(id, path + 13, 36);
		id[36] = '\0';
		r = feed_dossier(n, asker, id, body) == 0 ? 0 : -1;
	}
	p->cpu += cpu_s() - t0;
	if (r == -1)
		snprintf(why, whysz, "the peer answered HTTP 500");
	return (r);
}

int
main(int argc, char **argv)
{
	static struct bench b;
	struct entropy_result r;
	struct peer	 p;
	struct op	 o;
	char		(*ids)[37];
	double		 c0, w0, ask_cpu = 0, ans_cpu = 0, wall = 0;
	uint64_t	 bytes = 0, requests = 0;
	int		 nd, per, ndiff, x, y, rounds = 0;

	if (argc != 4 || (nd = atoi(argv[1])) < 1 ||
	    (per = atoi(argv[2])) < 9 || (ndiff = atoi(argv[3])) < 0 ||
	    ndiff > nd) {
		fprintf(stderr, "usage: bench_entropy DOSSIERS CHANGES "
		    "DIFFER\n");
		return (64);
	}
	log_init("bench_entropy", 0, false);
	log_quiet(true);
	if (net_setup(&b.net, 4, regions) == -1)
		die("setup");
	if ((ids = calloc((size_t)nd, sizeof(*ids))) == NULL)
		die("out of memory");
	w0 = now_s();
	dossiers(&b, ids, nd, per);
	fprintf(stderr, "bench_entropy: %d changes in %d dossiers, in step "
	    "on 4 nodes in %.0f s\n", b.nchanges, nd, now_s() - w0);

	/* In step: every ordered pair. */
	for (x = 0; x < 4; x++)
		for (y = 0; y < 4; y++) {
			if (x == y)
				continue;
			p = (struct peer){ &b, x, y, 0 };
			c0 = cpu_s();
			w0 = now_s();
			if (entropy_round(b.net.n[y], regions[x], answer, &p,
			    &r) == -1 || !r.in_step || r.shared != nd)
				die("an in-step round did not find them in "
				    "step");
			wall += now_s() - w0;
			ask_cpu += cpu_s() - c0 - p.cpu;
			ans_cpu += p.cpu;
			bytes += r.bytes;
			requests += r.requests;
			rounds++;
		}
	printf("changes=%d dossiers=%d rounds=%d in_step_requests=%.1f "
	    "in_step_bytes=%.0f in_step_ask_ms=%.1f in_step_answer_ms=%.1f "
	    "in_step_wall_ms=%.1f", b.nchanges, nd, rounds,
	    (double)requests / rounds, (double)bytes / rounds,
	    1000 * ask_cpu / rounds, 1000 * ans_cpu / rounds,
	    1000 * wall / rounds);

	/* DIFFER dossiers apart: a note in each that Kaluga never pulled. */
	for (x = 0; x < ndiff; x++) {
		o = net_op(OP_EVENT_ADD);
		o.arg[OA_DATE] = "2024-03-01";
		o.arg[OA_TYPE] = "contact";
		o.arg[OA_TEXT] = "Запись, которой нет в Калуге";
		make(&b, 2, ids[x * (nd / (ndiff > 0 ? ndiff : 1))], &o, NULL);
	}
	pull(&b, 2, 0);
	pull(&b, 2, 3);
	p = (struct peer){ &b, 0, 1, 0 };
	c0 = cpu_s();
	w0 = now_s();
	if (entropy_round(b.net.n[1], regions[0], answer, &p, &r) == -1 ||
	    r.differed != ndiff || r.applied != ndiff || r.unresolved != 0)
		die("the round did not repair the differing dossiers");
	printf(" differ=%d differ_requests=%llu differ_bytes=%llu "
	    "differ_ask_ms=%.1f differ_answer_ms=%.1f differ_wall_ms=%.1f\n",
	    ndiff, (unsigned long long)r.requests,
	    (unsigned long long)r.bytes, 1000 * (cpu_s() - c0 - p.cpu),
	    1000 * p.cpu, 1000 * (now_s() - w0));
	free(ids);
	net_teardown(&b.net);
	return (0);
}
