/*
 * node/store_refusal.h: the rejected table -- changes refused on receipt,
 * once per peer and change, with a count and when last seen -- and its
 * per-peer totals (rejected_peers, kept by triggers).  The caps on rows
 * and kept bytes are node/receive.c's policy; the SQL is here.
 *
 * Every function returns -1 on a database error, logged once.  Strings
 * and bytes passed in are borrowed for the call; rows handed to a
 * callback are valid during the call only.
 */
#ifndef OPORA_STORE_REFUSAL_H
#define OPORA_STORE_REFUSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* A refusal to record.  dossier NULL: not known; bytes NULL: not kept;
 * sig NULL: not kept (SIG_LEN bytes otherwise).  Times in ms. */
struct store_refusal {
	const char	*id, *dossier, *peer, *reason, *via;
	int64_t		 at;
	const void	*bytes;
	size_t		 len;
	const uint8_t	*sig;
};

/* store_refusal_again(st, peer, id, reason, via, at): the change peer
 * sent was refused again: count it, now its last time and reason.  1 when
 * it was on record, 0 when it was not (nothing done), -1. */
int	 store_refusal_again(struct store *st, const char *peer,
	    const char *id, const char *reason, const char *via, int64_t at);
/* store_refusal_totals(st, peer, kept, rows): the bytes kept for peer's
 * refusals and their rows (0 and 0 when none).  0 / -1. */
int	 store_refusal_totals(struct store *st, const char *peer,
	    int64_t *kept, int64_t *rows);
/* store_refusal_put(st, r): record a new refusal.  0 / -1. */
int	 store_refusal_put(struct store *st, const struct store_refusal *r);
/* store_refusal_evict(st, peer): drop peer's least recently seen
 * refusal, counting it as dropped.  1 when one went, 0 when peer had
 * none, -1. */
int	 store_refusal_evict(struct store *st, const char *peer);
/* store_refusal_forget(st, id): every record of change id goes (it was
 * taken after all).  0 / -1. */
int	 store_refusal_forget(struct store *st, const char *id);
/* store_refusal_any(st): 1 when any refusal is recorded, 0 when none,
 * -1. */
int	 store_refusal_any(struct store *st);

/* A recorded refusal, as 'opora rejected list' shows it.  Texts may be
 * NULL (damage); via is "" when none. */
struct store_refusal_row {
	const char	*id, *dossier, *peer, *reason, *via;
	int64_t		 at, last_at, count;
	bool		 kept;		/* its bytes were kept */
};
typedef int (*store_refusal_fn)(const struct store_refusal_row *, void *);
/* store_refusal_each(st, fn, arg): fn for each refusal, least recently
 * seen first.  fn's non-zero value stops and is returned; 0 when all were
 * seen; -1 on a database error (fn may have seen some). */
int	 store_refusal_each(struct store *st, store_refusal_fn fn, void *arg);
/* store_refusal_dropped_each(st, fn, arg): fn(peer, dropped, arg) for
 * each peer with records dropped for the cap, by peer.  As above. */
typedef int (*store_refusal_dropped_fn)(const char *, int64_t, void *);
int	 store_refusal_dropped_each(struct store *st,
	    store_refusal_dropped_fn fn, void *arg);

#endif /* OPORA_STORE_REFUSAL_H */
