/*
 * node/sync.h: pulling peers' feeds over HTTPS (libcurl).
 *
 * One puller per peer long-polls GET /v1/feed on the peer's URL, with this
 * node's TLS certificate as its client certificate and the peer's pinned
 * public key (CURLOPT_PINNEDPUBLICKEY) as the only identity it accepts,
 * TLS 1.3 only.  Each response is verified (feed_check) and applied in one
 * transaction with the new cursor (feed_take).  While a peer has more, the
 * next response is fetched and verified in a second thread, with its own
 * connections to the peer and to the database, as this one is applied.
 * While a peer is down the puller backs off exponentially, from 1 to 60
 * seconds, and records the error in the peers table for 'opora peer list'.
 * A peer whose responses bring nothing (all refused, empty with more, or
 * an instant empty answer to a long poll) is asked again only after 1 s
 * doubling to 10 minutes, recorded in peers.backoff_until/backoff_reason
 * for 'opora status'.  A removed peer's puller stops within about a
 * second (a transfer in flight is aborted), and the transaction that takes
 * in a response rolls back if the peer is gone.
 * Every anti_entropy_interval seconds (opora.conf), once its feed has
 * caught up, a puller compares with its peer what both hold of every
 * shared dossier and fetches whole those that differ (node/entropy.h); a
 * failed round is tried again within a minute.
 * The federal node pulls statistics snapshots instead (GET /v1/snapshots)
 * and prepares their tables as they arrive (node/fedstats.h).
 */
#ifndef OPORA_SYNC_H
#define OPORA_SYNC_H

#include <stdio.h>

struct node;
struct sync;

/* sync_start(dir, user): pullers for every peer of the node in dir, in
 * threads with connections of their own; peers added later are picked up.
 * The node's TLS identity (tls.crt, tls.key) is read once, here, and every
 * pull presents it until sync_stop.  NULL (logged) on failure, the
 * identity unreadable included. */
struct sync	*sync_start(const char *dir, const char *user);

/* sync_stop(s): stop and join every puller (a long poll is cut short);
 * NULL is a no-op. */
void		 sync_stop(struct sync *s);

/* sync_once(n, report): one pull round from every peer, until each has
 * nothing more, without long polls; a line per peer on report.  The TLS
 * identity is read once, for the round.  0 when every peer answered, -1
 * otherwise (the identity unreadable included, logged). */
int		 sync_once(struct node *n, FILE *report);

#endif /* OPORA_SYNC_H */
