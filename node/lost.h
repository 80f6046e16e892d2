/*
 * node/lost.h: histories this node waits for and may never get, because a
 * log went back (docs/protocol.md, "An offer whose history was lost";
 * docs/admin.md, "After a restore: lost histories").  Two kinds:
 *
 *   LOST_RESTORED  changes this node's own region signed came back from
 *                  peers, but their past is not here: this node held it
 *                  once and lost it with its log (restored from an older
 *                  backup, a lost WAL).  They wait in the later table and
 *                  are fetched again when due, in case a peer holds it.
 *   LOST_ACCEPTED  this region accepted an offer whose history has not
 *                  come: the offering node may have lost it.
 *
 * An admin who has found that no peer holds the history acknowledges the
 * loss ('opora lost acknowledge'); it is then no longer a problem in
 * 'opora status'.  Nothing is deleted or made up: a history that comes
 * after all is taken as usual.  Acknowledgements are local to this node,
 * never replicated, and audited.
 */
#ifndef OPORA_LOST_H
#define OPORA_LOST_H

#include <stdbool.h>
#include <stdint.h>

struct audit_entry;
struct cJSON;
struct node;

enum lost_kind {
	LOST_RESTORED,
	LOST_ACCEPTED,
};

/* One lost history; its strings are valid during the callback only. */
struct lost {
	enum lost_kind	 kind;
	const char	*dossier;
	const char	*from;		/* restored: the peers it waits from,
					   comma-separated; accepted: the
					   offering region */
	uint64_t	 since_ms;	/* first waited for / accepted; 0 when
					   the accept's clock does not read */
	int64_t		 waiting;	/* restored: changes waiting; else 0 */
	const char	*acked_by;	/* NULL: not acknowledged */
	int64_t		 acked_ms;
};

/* lost_each(n, fn, arg): fn(l, arg) for each lost history, restored ones
 * first; fn returns 0 to go on, -1 to stop (the result is then -1).
 * 0 / -1 (a database error, logged). */
int	 lost_each(struct node *n, int (*fn)(const struct lost *, void *),
	    void *arg);

/* lost_json(n): the lost histories as a JSON array of {dossier, kind
 * ("restored" or "accepted"), from, since_ms, waiting (restored),
 * acknowledged, acknowledged_by, acknowledged_ms}, peers' words escaped,
 * for 'opora lost --json' and GET /api/lost; the caller owns it.  NULL on
 * a database error or out of memory. */
struct cJSON	*lost_json(struct node *n);

/* lost_find(n, prefix, out): the lost history whose dossier id begins
 * with prefix, its id into out: 1 found, 0 none, 2 more than one, -1. */
int	 lost_find(struct node *n, const char *prefix, char out[37]);

/*
 * lost_ack(n, dossier, ack, login, e): record (ack) or withdraw (!ack) an
 * admin's acknowledgement that the history of dossier is lost, with the
 * audit entry e (its dossiers set here), in one transaction; stale
 * acknowledgements (of histories that came) go in the same transaction.
 * 1 recorded or withdrawn, 0 nothing to do (already, or none), -2 the
 * audit could not be written (nothing was), -1 a database error.
 */
int	 lost_ack(struct node *n, const char *dossier, bool ack,
	    const char *login, struct audit_entry *e);

#endif /* OPORA_LOST_H */
