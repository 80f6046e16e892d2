/*
 * node/store_peer.h: the peers table -- nodes this one pulls from and
 * serves, each with its card, its TLS pins, the puller's cursors, and what
 * went wrong last.  Every statement on the table is here (the pins too:
 * store_peer_pins and store_region_by_pin in store.h).
 *
 * Every function returns -1 on a database error, logged once; a reader
 * never answers with part of what it read.  Strings passed in are
 * borrowed for the call; strings handed out are copied into the caller's
 * buffers, or (store_peer_each) valid during the callback only.
 */
#ifndef OPORA_STORE_PEER_H
#define OPORA_STORE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/sig.h"
#include "protocol/wire.h"

struct store;

/* Bounds of what a peer's row holds, as the card allows (node/card.h). */
#define STORE_PEER_REGION	16
#define STORE_PEER_URL		256
#define STORE_PEER_PIN		64

/* What a puller needs of a peer. */
struct store_peer {
	char	 region[STORE_PEER_REGION];
	char	 url[STORE_PEER_URL];
	char	 pin[STORE_PEER_PIN];
	int64_t	 cursor;
	/* The epoch the cursor counts in; "" when not known yet. */
	char	 epoch[WIRE_EPOCH_HEX + 1];
};

/* store_peer_get(st, region, p): fill p.  0, 1 when region is no peer
 * (p untouched), -1.  Values too long for p are cut at its bounds. */
int	 store_peer_get(struct store *st, const char *region,
	    struct store_peer *p);
/* store_peer_exists(st, region): 1, 0, or -1. */
int	 store_peer_exists(struct store *st, const char *region);
/* store_peer_key(st, region, kid): the key id this node holds for the
 * peer.  0, 1 when region is no peer, -1 (also for a damaged id). */
int	 store_peer_key(struct store *st, const char *region,
	    char kid[SIG_KEYID_LEN + 1]);
/* store_peer_regions(st, out, n): every peer's region, sorted, in a new
 * array the caller frees (NULL when there is none).  0 / -1. */
int	 store_peer_regions(struct store *st, char (**out)[STORE_PEER_REGION],
	    size_t *n);

/*
 * store_peer_put(st, region, url, key_id, pin, pin_next, card, cardlen):
 * add the peer, or replace its address, key, pins and card (its cursors
 * and history stay).  pin_next NULL or "": none announced.  The caller
 * holds a transaction.  0 / -1.
 */
int	 store_peer_put(struct store *st, const char *region, const char *url,
	    const char *key_id, const char *pin, const char *pin_next,
	    const void *card, size_t cardlen);
/* store_peer_del(st, region): 0, 1 when region is no peer, -1. */
int	 store_peer_del(struct store *st, const char *region);

/* The puller's records.  All 0 / -1; a region that is no peer (removed
 * meanwhile) changes nothing and is not an error.  Times in ms. */
/* store_peer_cursor(st, region, cursor): 0, 1 when no such peer, -1. */
int	 store_peer_cursor(struct store *st, const char *region,
	    int64_t *cursor);
/* The feed was read up to cursor, counted in epoch ("": the peer sends
 * none): keep it, success now, no error.  0; 1 when nothing changed (no
 * such peer, or its epoch is no longer epoch); -1. */
int	 store_peer_cursor_set(struct store *st, const char *region,
	    int64_t cursor, int64_t now, const char *epoch);
/* The peer's feed went back: its cursor starts again from 0 in epoch
 * ("": not known). */
int	 store_peer_resync(struct store *st, const char *region,
	    const char *epoch, int64_t now, const char *reason);
/* The first epoch seen of the peer: the cursor already counts in it. */
int	 store_peer_epoch_set(struct store *st, const char *region,
	    const char *epoch);
/* store_peer_snapshot_cursor(st, region, c): 0, 1 no such peer, -1. */
int	 store_peer_snapshot_cursor(struct store *st, const char *region,
	    int64_t *c);
int	 store_peer_snapshot_cursor_set(struct store *st, const char *region,
	    int64_t c, int64_t now);
/* The last error (text already escaped by the caller), when. */
int	 store_peer_error(struct store *st, const char *region,
	    const char *text, int64_t now);
/* Not asked again before until, and why; store_peer_backoff_clear ends
 * a backoff (0 also when there was none). */
int	 store_peer_backoff(struct store *st, const char *region,
	    const char *reason, int64_t until);
int	 store_peer_backoff_clear(struct store *st, const char *region);
/* How many changes the peer said this node is behind. */
int	 store_peer_behind(struct store *st, const char *region,
	    int64_t behind);

/* A peer as 'opora peer list' and 'opora status' show it.  NULL text:
 * none recorded; a number that was never recorded is 0, and has_* says
 * whether it was. */
struct store_peer_row {
	const char	*region, *url, *key_id, *pin, *pin_next;
	const char	*last_error, *backoff_reason, *resync_reason;
	int64_t		 cursor, last_ok, last_error_at, behind;
	bool		 has_last_ok, has_behind;
	int64_t		 backoff_until, resync_at;
	/* Records of refused changes dropped for the cap of rows. */
	int64_t		 rejected_dropped;
	/* Its changes waiting in the table later (node/feed.c), but for
	 * those of histories acknowledged lost (node/lost.h). */
	int64_t		 waiting;
	/* The last anti-entropy round (node/entropy.h), if any. */
	bool		 has_round;
	int64_t		 round_at, round_shared, round_differed,
			 round_applied, round_unresolved;
	bool		 round_ok;
	const char	*round_error;
};
typedef int (*store_peer_fn)(const struct store_peer_row *, void *);
/*
 * store_peer_each(st, fn, arg): call fn for each peer, by region.  Stops
 * when fn returns non-zero and returns that; 0 when every peer was seen;
 * -1 on a database error (fn may have been called for some peers: a
 * caller that prints must print only once this returned 0).
 */
int	 store_peer_each(struct store *st, store_peer_fn fn, void *arg);

#endif /* OPORA_STORE_PEER_H */
