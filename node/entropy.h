/*
 * node/entropy.h: anti-entropy.  Cursors are an optimisation; this is the
 * guarantee (docs/protocol.md section 9, "Anti-entropy").
 *
 * Two nodes compare what they hold of every dossier both their regions are
 * entitled to (feed_shared), by a digest of the set of the dossier's change
 * ids, and the asking node fetches whole every dossier whose digest
 * differs.  A gap left by any cause (a cursor moved past changes never
 * taken in, a restore, a bug, a change lost from the database) closes
 * within one round.  Each side pulls: a round repairs the asking node only.
 *
 * Digests: a dossier's is SHA-256 of the ids (64 lowercase hex digits each)
 * of every change of it that the node holds, in ascending order, with
 * nothing between them; the summary's is SHA-256 of, for every shared
 * dossier in ascending id order, its id (36 characters) and its digest (64
 * hex digits).  An in-step round is one request: the summary.
 *
 * Offers are compared too, per dossier: the offers between the two
 * regions each node has a record of (a transfer in the history it holds,
 * an offer held as a summary), one line "OFFER STATE ENDING" each, so that
 * a lost offer, accept, decline or cancel is found and fetched whichever
 * side lost it (docs/protocol.md, "Anti-entropy", "Offers").
 *
 * The server's side (entropy_summary, entropy_page) answers GET
 * /v1/summary and GET /v1/summary/dossiers (node/api.c); the asking side
 * (entropy_round) runs in a peer's puller (node/sync.c), every
 * anti_entropy_interval seconds and once at start.
 */
#ifndef OPORA_ENTROPY_H
#define OPORA_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/buf.h"

struct node;

#define ENTROPY_PAGE_DEFAULT	1000	/* dossiers in one summary page */
#define ENTROPY_PAGE_MAX	5000	/* ... at most: ~700 KB */
#define ENTROPY_PAGE_BYTES	(1 << 20)	/* a page's body, at most */
#define ENTROPY_ROOT_BYTES	256	/* the summary's body, at most */
/* Dossiers fetched whole in one round; the rest wait for the next.  A
 * region holds up to ~20,000 dossiers, and a round that finds this many
 * apart costs about as much as pulling them afresh. */
#define ENTROPY_MAX_REPAIR	1000
/* Dossiers a peer may list in one round, whatever it says: 50 x the
 * largest region. */
#define ENTROPY_MAX_SHARED	1000000
#define ENTROPY_DIGEST_HEX	64
/* The digest of nothing: SHA-256 of the empty string. */
#define ENTROPY_EMPTY \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/*
 * entropy_summary(n, peer, out): the body of GET /v1/summary for region
 * peer: {"count":N,"digest":HEX} over the dossiers peer and this node are
 * both entitled to.  Appends to out; 0, or -1 (logged).
 */
int	 entropy_summary(struct node *n, const char *peer, struct buf *out);

/*
 * entropy_page(n, peer, after, limit, out): the body of GET
 * /v1/summary/dossiers?after=ID&limit=L: {"dossiers":[{"changes":N,
 * "digest":HEX,"id":ID},...],"more":BOOL}, the shared dossiers with ids
 * above after ("" for the first page), at most limit (1 to
 * ENTROPY_PAGE_MAX).  Appends to out; 0, or -1 (logged).
 */
int	 entropy_page(struct node *n, const char *peer, const char *after,
	    int limit, struct buf *out);

/*
 * entropy_offers_page(n, peer, after, limit, out): the body of GET
 * /v1/summary/offers?after=ID&limit=L: the same document as a page of
 * dossiers, over the dossiers with offers between peer and this node
 * (docs/protocol.md, "Anti-entropy"), "changes" counting the offers and
 * "digest" their digest.  /v1/summary adds "offers" (how many such
 * dossiers) and "offers_digest" when there is one.  0, or -1.
 */
int	 entropy_offers_page(struct node *n, const char *peer,
	    const char *after, int limit, struct buf *out);

/*
 * How a round reaches the peer: GET path ("/v1/summary", ...) into body
 * (initialised by the caller with its maximum), 0 on HTTP 200, or -1 with
 * a reason in why.  arg is the caller's.
 */
typedef int	(*entropy_get_fn)(void *arg, const char *path,
		    struct buf *body, char *why, size_t whysz);

/* What one round found and did. */
struct entropy_result {
	uint64_t	 at;		/* when it ended, ms since the epoch */
	bool		 ok;		/* false: why says what failed */
	bool		 in_step;	/* the summaries were equal */
	int64_t		 shared;	/* dossiers the peer counts as shared */
	int64_t		 differed;	/* of them, with another digest here */
	int64_t		 repaired;	/* dossiers that gained changes */
	int64_t		 applied;	/* changes applied */
	/* Still different after the repair: the peer lacks changes this
	 * node holds (its own round repairs it), or some were refused. */
	int64_t		 unresolved;
	uint64_t	 requests, bytes;	/* asked and received */
	char		 why[256];
};

/*
 * entropy_round(n, peer, get, arg, r): one round with region peer: compare
 * the summaries; if they differ, page through the peer's digests, fetch
 * whole each dossier whose digest differs here (GET
 * /v1/dossiers/ID/changes, up to ENTROPY_MAX_REPAIR) and take it in with
 * feed_apply (every check of a pull applies; the peer's cursor is kept as
 * it is, and nothing is taken once the peer is removed).  Logs what it
 * repaired, fills *r and records it for 'opora status' (entropy table).
 * 0, or -1 with r->why when the round could not finish.
 */
int	 entropy_round(struct node *n, const char *peer, entropy_get_fn get,
	    void *arg, struct entropy_result *r);

#endif /* OPORA_ENTROPY_H */
