/*
 * tests/sim/net.h: a few real nodes in one process, for the simulator and
 * the merge benchmark.  Each node is a full node (node/, SQLite, Ed25519)
 * in a temporary directory; they exchange changes by calling feed_build
 * on one and feed_apply on another, as the HTTPS puller does, including
 * its repair of a dossier whose history is missing.  Nothing here is
 * random: keys derive from the node's index, and every node reads the
 * clock net.clock (node_clock), which only the caller moves.
 */
#ifndef OPORA_TESTS_NET_H
#define OPORA_TESTS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conflict/op.h"

#define NET_MAX	4

struct node;

struct net {
	int			 nnodes;
	const char *const	*regions;	/* borrowed */
	char			 base[64];	/* the temporary directory */
	char			 dir[NET_MAX][256];
	struct node		*n[NET_MAX];
	uint64_t		 clock;		/* ms since the epoch */
	char			 created[37];	/* the last new dossier */
	/* Set by the caller: the next net_pull takes nothing but moves the
	 * cursor as if it had (a puller's bug, for anti-entropy to find),
	 * if every change of the response is of a dossier both nodes were
	 * custodians of (what anti-entropy covers for ever); cleared by that
	 * pull, which
	 * clears it before taking the response in as usual otherwise. */
	bool			 lose;
};

/* What one pull did. */
struct net_pull {
	uint64_t	 applied, duplicate, rejected, missing, unentitled;
	int64_t		 next;		/* the feed's next cursor */
	bool		 more;
	size_t		 items;
	/* The response was taken in (committed with its cursor); false when
	 * net_pull failed before, and then nothing of it is stored. */
	bool		 taken;
	/* The feed went back behind since (a new epoch, a head or next
	 * below it): nothing was taken, b's cursor for a is now 0 in the
	 * feed's epoch, as the puller does (node/sync.c, went_back). */
	bool		 resync;
};

/*
 * net_setup(net, nnodes, regions): nodes 0..nnodes-1 of the given regions
 * (borrowed), each knowing every other's key and with a peers row for
 * each, writing without fsync, in a new directory under $TMPDIR (/tmp
 * when unset).  Sets node_clock to read net->clock, which
 * the caller sets.  0, or -1 with a message on standard error.
 */
int	 net_setup(struct net *net, int nnodes, const char *const *regions);

/* net_teardown(net): close the nodes and remove their files. */
void	 net_teardown(struct net *net);

/*
 * net_author(net, i, id, ops, nops, cid): node i makes one change to
 * dossier id, in its own transaction.  When ops[0] is person.create it
 * starts a new dossier, whose id is derived from its first change: id is
 * then only a placeholder, and the new id is left in net->created.
 * 0 made (its id in cid, if not NULL), 1 refused by the node's rules, -1
 * on error.
 */
int	 net_author(struct net *net, int i, const char *id,
	    const struct op *ops, size_t nops, char *cid);

/*
 * net_pull(net, a, b, since, limit, out, why, whysz): node b takes node
 * a's feed for b's region after since (at most limit changes), saving its
 * cursor, and fetches whole from a every dossier whose history it lacks.
 * Like the puller, it keeps the epoch of a's feed in b's peers row and
 * starts again from 0 (out->resync) when the feed went back.
 * 0 and *out, or -1 with a reason.
 */
int	 net_pull(struct net *net, int a, int b, int64_t since, int limit,
	    struct net_pull *out, char *why, size_t whysz);

/*
 * net_reopen(net, i, lose_wal): close node i and open it again, as a
 * restart does (node_open: the feed epoch's check, node/epoch.h); with
 * lose_wal, its -wal and -shm files are removed in between, as a crash
 * that lost them.  0, or -1 with a message on standard error.
 */
int	 net_reopen(struct net *net, int i, bool lose_wal);

/* net_cursor(net, b, a): b's cursor for a's feed as b's database holds it,
 * or -1. */
int64_t	 net_cursor(struct net *net, int b, int a);

struct entropy_result;
/*
 * net_entropy(net, a, b, r): one anti-entropy round of node b with node a
 * (entropy_round, a's side answered in process by the server's functions,
 * as node/api.c does over HTTPS).  0 with *r, or -1 with r->why.
 */
int	 net_entropy(struct net *net, int a, int b, struct entropy_result *r);

/* net_rmdir(dir): remove the files in dir (not subdirectories), then dir. */
void	 net_rmdir(const char *dir);

/*
 * net_share(net, a, b, d): make node b a former custodian of node a's
 * dossier d, so that b holds d's history and follows a's writes: a offers
 * it to b, b accepts, b offers it back, a accepts, with the pulls between
 * (since issue 13 an offered node holds the offer alone until it
 * accepts).  Adds a consent, two offers and two accepts to d; moves the
 * clock.  0, or -1.
 */
int	 net_share(struct net *net, int a, int b, const char *d);

/* net_op(kind): an operation of that kind with nothing set. */
struct op net_op(enum op_kind kind);

/* net_uuid(rng, out): a version 4 UUID from a caller's generator. */
void	 net_uuid(unsigned (*rnd)(void *, unsigned), void *arg, char out[37]);

#endif /* OPORA_TESTS_NET_H */
