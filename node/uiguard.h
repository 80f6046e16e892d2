/*
 * node/uiguard.h: who holds the web pages' listener (ui.h) and who must
 * give up a slot: a table of its connections and the rules that keep a
 * stranger from locking the curators out.  libc only: the listener
 * (node/ui.c) keeps one table under its lock, fills it from
 * libmicrohttpd's callbacks and shuts down the sockets these rules name.
 *
 * A connection is waiting from accept, and again from the end of each
 * answer, until it has sent a whole request (head and body); it is then
 * busy until its answer is sent.  The connection whose request the
 * listener is answering is never cut; any other may be:
 *  - late, while UIGUARD_PRESSURE connections or more are open (fewer
 *    leave room enough, and a server slowed by its own load must not
 *    cut its own users): busy with an answer not all taken by the
 *    client within UIGUARD_ANSWER_MS (a reader too slow, or one that
 *    asks for more and more and reads a trickle), or waiting for
 *    UIGUARD_REQUEST_MS, counted from accept or from
 *    its last answer until the request's first line is in, then again
 *    from that line until the whole request is (not per read, so a
 *    client that trickles a byte a second is cut all the same; an idle
 *    keep-alive connection too, and a browser that sends its next
 *    request on it just then still has the time to send it whole);
 *  - taken: the table is full and a newcomer needs its slot, by the
 *    rules of uiguard_admit (by the age of the connection, busy or
 *    not: a stranger that keeps every connection busy, asking again and
 *    again, holds no slot for good).
 * A connection cut stays in the table, marked, until the listener has
 * closed it (uiguard_remove): its socket is shut down once only.
 *
 * The listener answers one request at a time in one thread; while it
 * computes an answer (a login's password hash, a search) it reads no
 * other connection, so that time is the server's, not the clients':
 * the time a connection has waited leaves out what the listener spent
 * answering (uiguard_serving) since, or a queue of logins would have
 * the requests behind them cut.
 */
#ifndef OPORA_UIGUARD_H
#define OPORA_UIGUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "node/ui.h"

/* Cut connections may take this many slots more while they close. */
#define UIGUARD_SPARE		64
#define UIGUARD_SLOTS		(UI_CONN_MAX + UIGUARD_SPARE)
#define UIGUARD_REQUEST_MS	10000	/* from accept to a whole request */
#define UIGUARD_ANSWER_MS	30000	/* an answer taken by its client */
#define UIGUARD_GRACE_MS	1000	/* a newcomer may take an older slot */
#define UIGUARD_PRESSURE	(UI_CONN_MAX / 2)	/* late ones are cut */
#define UIGUARD_ADDR		64	/* a numeric address, NUL included */

struct uiguard_conn {
	char		 addr[UIGUARD_ADDR];
	uint64_t	 accepted_ms;
	uint64_t	 since_ms;	/* accepted, its last answer sent, or
					   its request whole (busy) */
	uint64_t	 served_at;	/* the listener's serving time then */
	int		 fd;
	bool		 used;
	bool		 busy;		/* a whole request in hand */
	bool		 cut;		/* shut down, not yet closed */
};

struct uiguard {
	struct uiguard_conn	 slot[UIGUARD_SLOTS];
	uint64_t		 served_ms;	/* spent answering, in all */
	uint64_t		 serving_since;	/* answering since (0: not) */
	int			 handling;	/* the slot answered, + 1 */
	/* Since the last report (ui.c logs them every 10 s at most). */
	unsigned		 late;		/* cut: no whole request */
	unsigned		 taken;		/* cut: a newcomer took the slot */
	unsigned		 refused;	/* newcomers closed at once */
};

enum uiguard_verdict {
	UIGUARD_ROOM,		/* accept: there is room */
	UIGUARD_TAKE,		/* accept, and cut *victim for it */
	UIGUARD_REFUSE		/* close the newcomer at once */
};

/*
 * uiguard_admit(g, addr, now, &victim): may a newcomer from addr be
 * accepted now?  Within the budgets (UI_CONN_MAX connections that are
 * not cut, UI_CONN_PER_ADDR of them from one address) there is room.
 * Otherwise a connection other than the one being answered gives up its
 * slot (*victim, its index), the oldest (by accept) of:
 *  - when addr is at its own cap: addr's own that have lived
 *    UIGUARD_GRACE_MS;
 *  - fair share: when addr holds fewer connections than the address
 *    holding the most, less one, such an address's, whatever their age
 *    (so a few addresses cannot keep every slot, however fast they
 *    reconnect);
 *  - grace: otherwise any that has lived UIGUARD_GRACE_MS (a browser is
 *    through its handshake and request in milliseconds, so that many
 *    addresses holding one connection each, however busy, churn).
 * When none may go, the newcomer is refused.  *victim is -1 unless
 * UIGUARD_TAKE.  Pure: the caller cuts the victim (uiguard_cut).
 */
enum uiguard_verdict uiguard_admit(const struct uiguard *g,
	    const char *addr, uint64_t now_ms, int *victim);
/* uiguard_add(g, addr, fd, now): a new connection, waiting; its index,
 * or -1 when every slot is taken (the caller closes it). */
int	 uiguard_add(struct uiguard *g, const char *addr, int fd,
	    uint64_t now_ms);
/* uiguard_busy(g, i, busy, now): slot i has a whole request in hand
 * (busy), or its answer was sent (waiting again from now). */
void	 uiguard_busy(struct uiguard *g, int i, bool busy, uint64_t now_ms);
/* uiguard_serving(g, i, on, now): the listener starts (on) or ends
 * answering slot i's request. */
void	 uiguard_serving(struct uiguard *g, int i, bool on, uint64_t now_ms);
/* uiguard_waited(g, i, now): how long slot i has waited for its request,
 * the listener's time answering others left out. */
uint64_t uiguard_waited(const struct uiguard *g, int i, uint64_t now_ms);
/* uiguard_begun(g, i, now): slot i's request has sent its first line;
 * the rest is counted from now. */
void	 uiguard_begun(struct uiguard *g, int i, uint64_t now_ms);
/* uiguard_cut(g, i): mark slot i cut; its fd, for the caller to shut
 * down, or -1 when it was cut already or is free. */
int	 uiguard_cut(struct uiguard *g, int i);
/* uiguard_late(g, now, from): the first late slot at or after index
 * from (not cut: waiting UIGUARD_REQUEST_MS, or busy UIGUARD_ANSWER_MS
 * and not being answered), or -1; always -1 while fewer than
 * UIGUARD_PRESSURE connections are live. */
int	 uiguard_late(const struct uiguard *g, uint64_t now_ms, int from);
/* uiguard_remove(g, i): slot i was closed; it is free again. */
void	 uiguard_remove(struct uiguard *g, int i);
/* uiguard_open(g): connections in the table, cut ones included. */
int	 uiguard_open(const struct uiguard *g);

#endif /* OPORA_UIGUARD_H */
