/*
 * node/verifier.h: checking changes' hashes, form and signatures on every
 * core.
 *
 * A verifier holds the public keys of the known nodes, each with the span
 * of clocks in which it signs validly, and checks
 * batches of changes in parallel: each item's bytes must hash to its
 * claimed id (when one is given), decode as a valid change, name a known
 * key of its own region, and carry that key's signature.  Used by
 * 'opora verify' over the whole log and by sync over every pulled batch.
 * Checks that need the database (parents, authority) are the caller's.
 *
 * Only some problems are verdicts on the bytes, the same on every node
 * (altered, malformed, a key of another region, revoked or replaced, a
 * signature that does not verify).  An unknown key is not (its card may
 * come later: unknown_key), nor is running out of memory while checking
 * (transient): a caller never records such a change as refused.
 */
#ifndef OPORA_VERIFIER_H
#define OPORA_VERIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/change.h"
#include "protocol/sig.h"

struct store;
struct verifier;

/* One change to check.  The caller fills the first part; the verifier
 * fills problem (empty when sound) and c (the decoded change, the
 * caller's to change_free, NULL when it did not decode). */
struct vitem {
	int64_t		 seq;			/* the caller's, e.g. feed # */
	char		 id[CHANGE_ID_HEX + 1];	/* claimed id, or "" */
	uint8_t		*bytes;			/* the caller's */
	size_t		 len;
	uint8_t		 sig[SIG_LEN];
	bool		 siglen_ok;		/* the signature had 64 bytes */
	char		 problem[256];
	bool		 unknown_key;		/* the problem is an unknown key */
	bool		 transient;		/* the problem is this node's
						   (out of memory), not a
						   verdict on the change */
	bool		 held;			/* already stored: not checked */
	struct change	*c;
};

/*
 * verifier_new(st): a verifier with st's node keys and one thread per
 * core, for changes being received: a change is refused when its key is
 * unknown, of another region, of a region removed as a peer ('opora peer
 * remove'), or when the change's own clock is at or after the key's end
 * of validity: the end of its rotation's overlap (until) or the time it
 * was revoked from (revoked_since).  That last verdict is on the bytes and
 * the same on every node that holds the same keys.  NULL (logged) on
 * failure.
 *
 * verifier_new_held(st): the same for changes already held ('opora
 * verify'): the keys of removed regions still count, for their changes
 * were checked when they came; the ends of validity still apply.
 */
struct verifier	*verifier_new(struct store *st);
struct verifier	*verifier_new_held(struct store *st);
void		 verifier_free(struct verifier *v);

/* verifier_check(v, items, n): check n items on every core. */
void		 verifier_check(struct verifier *v, struct vitem *items,
		    size_t n);

/*
 * verifier_yield_thread(): the calling thread yields its core to the
 * others of the process: its nice value goes up by 5 (Linux, where each
 * thread has its own; elsewhere nothing).  The pool's workers call it, and
 * so does a puller's fetch-ahead thread: checking uses every core, but
 * never takes one from the thread that stores what was checked (the
 * pull's bound, docs/performance.md) or that answers requests.
 */
void		 verifier_yield_thread(void);

/* verifier_threads(v): how many threads check. */
int		 verifier_threads(const struct verifier *v);

#endif /* OPORA_VERIFIER_H */
