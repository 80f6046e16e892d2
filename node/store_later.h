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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* store_later_any(st): 1 when any change waits, 0 when none, -1. */
int	 store_later_any(struct store *st);
/* store_later_count(st, peer): how many changes of peer wait, or -1;
 * store_later_total(st): how many wait from every peer, or -1. */
int64_t	 store_later_count(struct store *st, const char *peer);
int64_t	 store_later_total(struct store *st);
/* store_later_put(st, peer, id, dossier, reason, own, not_before, now):
 * keep change id of dossier from peer for later, fetched again from
 * not_before; own when this node's region signed it (so this node held
 * its past once: node/lost.h); kept already, its reason, own and time are
 * replaced.  0 / -1. */
int	 store_later_put(struct store *st, const char *peer, const char *id,
	    const char *dossier, const char *reason, bool own,
	    int64_t not_before, int64_t now);
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

/*
 * The dossiers whose past this node lost (node/lost.h): those with a
 * waiting change its own region signed.  store_later_lost_each(st, fn,
 * arg) calls fn(row, arg) for each, the longest waiting first: how many of
 * its changes wait, since when (ms), from which peers (comma-separated),
 * and who acknowledged the loss when (acked_by NULL: nobody).  The row's
 * strings are SQLite's, valid during the call.  fn returns 0 to go on,
 * -1 to stop (the result is then -1).  0 / -1.
 */
struct store_lost_row {
	const char	*dossier;
	int64_t		 waiting;
	int64_t		 since_ms;
	const char	*peers;
	const char	*acked_by;
	int64_t		 acked_at;
};
int	 store_later_lost_each(struct store *st,
	    int (*fn)(const struct store_lost_row *, void *), void *arg);
/* store_later_split(st, lost, dossiers, acked): of the waiting changes,
 * how many are of dossiers lost here and not acknowledged, in how many
 * dossiers, and how many are of acknowledged dossiers.  0 / -1. */
int	 store_later_split(struct store *st, int64_t *lost, int64_t *dossiers,
	    int64_t *acked);

/*
 * lost_ack: the dossiers whose lost history an admin acknowledged.
 * store_lost_ack(st, dossier, login, at): record it; 1, or 0 when it was
 * already, or -1.  store_lost_unack(st, dossier): withdraw it; 1, or 0
 * when there was none, or -1.  store_lost_acked(st, dossier, login,
 * loginsz, at): 1 with who and when (ms), 0 when not acknowledged, -1.
 */
int	 store_lost_ack(struct store *st, const char *dossier,
	    const char *login, int64_t at);
int	 store_lost_unack(struct store *st, const char *dossier);
int	 store_lost_acked(struct store *st, const char *dossier, char *login,
	    size_t loginsz, int64_t *at);
/* store_lost_purge(st): forget the acknowledgements of histories no
 * longer missing (they came), so that none hides a later loss.  How many,
 * or -1. */
int	 store_lost_purge(struct store *st);

#endif /* OPORA_STORE_LATER_H */
