/*
 * node/store_later.h: the later table -- changes a pull could not take
 * yet, for a reason that is not a verdict on them (docs/protocol.md,
 * section 7), kept by peer and change id with when to fetch them again.
 *
 * Every function returns -1 on a database error, logged once; strings
 * passed in are borrowed for the call.  Times in ms.
 */
#ifndef OPORA_STORE_LATER_H
#define OPORA_STORE_LATER_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* store_later_any(st): 1 when any change waits, 0 when none, -1. */
int	 store_later_any(struct store *st);
/* store_later_count(st, peer): how many changes of peer wait, or -1;
 * store_later_total(st): how many wait from every peer, or -1. */
int64_t	 store_later_count(struct store *st, const char *peer);
int64_t	 store_later_total(struct store *st);
/* store_later_put(st, peer, id, dossier, reason, not_before, now): keep
 * change id of dossier from peer for later, fetched again from
 * not_before; kept already, its reason and time are replaced.  0 / -1. */
int	 store_later_put(struct store *st, const char *peer, const char *id,
	    const char *dossier, const char *reason, int64_t not_before,
	    int64_t now);
/* store_later_done(st, id): change id is stored now; it waits no more,
 * from any peer.  0 / -1. */
int	 store_later_done(struct store *st, const char *id);
/* store_later_due(st, peer, now, ids, max, n): up to max distinct
 * dossiers of peer due by now, into ids, their number in *n.  All of
 * them or -1. */
int	 store_later_due(struct store *st, const char *peer, int64_t now,
	    char (*ids)[37], size_t max, size_t *n);
/* store_later_bump(st, peer, dossier, not_before): the dossier's changes
 * from peer are next due at not_before.  0 / -1. */
int	 store_later_bump(struct store *st, const char *peer,
	    const char *dossier, int64_t not_before);

#endif /* OPORA_STORE_LATER_H */
