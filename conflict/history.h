/*
 * conflict/history.h: a dossier's change graph as the log holds it, read
 * once in the total order (docs/protocol.md section 3), and what settling
 * an offered dossier asks of it (node/offer.c): does a change lack a
 * parent, which changes were stored before one of their parents (and must
 * be appended again after them), and which are the heads.  Settling asked
 * these of SQLite in five queries, each reading the dossier again and
 * looking every parent up in the log's index of ids; at a million changes
 * that was a fifth of the pulling thread (docs/performance.md).
 *
 * Pure: libc only, no I/O.  A struct history owns its arrays; ids are
 * copied in.  history_free releases them.
 */
#ifndef OPORA_HISTORY_H
#define OPORA_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct history_change {
	int64_t		 seq;		/* its place in the log */
	char		 id[65];
	size_t		 parent0;	/* its parents: parents[parent0 ..] */
	size_t		 nparents;
	bool		 other;		/* set by the caller (history_gap) */
	bool		 moves;		/* set by history_moves */
	bool		 head;		/* set by history_heads */
};

struct history {
	struct history_change	*v;	/* in the total order */
	size_t			 n, cap;
	char			(*parents)[65];
	size_t			 np, pcap;
	struct history_change	**byid;	/* v by id (history_seal) */
};

void	 history_init(struct history *h);
void	 history_free(struct history *h);

/*
 * history_add(h, seq, id): the next change in the total order (id: 64
 * characters).  history_add_parent(h, id): a parent of the change added
 * last.  0, or -1 when out of memory (h keeps what it had).
 */
int	 history_add(struct history *h, int64_t seq, const char *id);
int	 history_add_parent(struct history *h, const char *id);

/* history_seal(h): index h by id, once every change is added (an add
 * drops the index).  0 / -1 (out of memory). */
int	 history_seal(struct history *h);

/* history_find(h, id): the index in h->v of the change id, or -1. */
long	 history_find(const struct history *h, const char *id);

/*
 * history_gap(h, elsewhere, arg): 1 when a change of h not marked other
 * names a parent that is neither in h nor, by elsewhere(id, arg), stored
 * at all (1: stored, 0: not, -1: could not tell); 0 when none does; -1
 * when elsewhere failed.  elsewhere is asked only about parents outside
 * h, which a dossier whose changes are all checked has none of.
 */
int	 history_gap(const struct history *h,
	    int (*elsewhere)(const char *, void *), void *arg);

/*
 * history_moves(h): mark the changes stored before one of their parents
 * (a smaller seq) or after a parent that moves: appended again in the
 * total order, each comes after its parents, and the rest keep their
 * place.  Parents outside h do not move anything.  Their number.
 */
size_t	 history_moves(struct history *h);

/* history_heads(h): mark the changes of h that no change of h names as a
 * parent.  Their number. */
size_t	 history_heads(struct history *h);

#endif
