/*
 * node/audit.h: the audit log -- who read or changed what, when, from
 * where and why (docs/admin.md, "The audit log"; docs/privacy.md).
 *
 * The log is one append-only table: each entry carries the SHA-256 of the
 * entry before it and its own, over every column (audit_verify recomputes
 * both).  Every AUDIT_CHECKPOINT_EVERY entries, and at the first entry
 * after AUDIT_CHECKPOINT_S seconds without a checkpoint, a checkpoint
 * signs the last entry's number and hash with the node's key, so that an
 * entry edited, deleted or moved is found even by someone who recomputes
 * the hashes: he would also need the node's signing key.  Triggers refuse
 * UPDATE and DELETE on both tables.
 *
 * audit_append writes inside the caller's transaction, so an entry commits
 * with the write it records or not at all; audit_record makes its own
 * transaction, for reads: a read whose entry cannot be written must not be
 * shown (the caller refuses it).
 */
#ifndef OPORA_AUDIT_H
#define OPORA_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct node;

#define AUDIT_CHECKPOINT_EVERY	100	/* entries between checkpoints */
#define AUDIT_CHECKPOINT_S	3600	/* seconds between checkpoints */
#define AUDIT_TEXT_MAX		4096	/* bytes of one column */
#define AUDIT_DOSSIERS_MAX	65536	/* bytes of the dossier ids column */

/* One entry; every pointer is borrowed for the call (NULL is ""). */
struct audit_entry {
	const char	*login;		/* the account, or "" for the service */
	const char	*role;
	const char	*os_user;	/* who ran the command on this host */
	const char	*addr;		/* client address, "cli" for a terminal */
	const char	*action;	/* "show", "login-failed", ... */
	const char	*dossiers;	/* ids separated by spaces */
	const char	*reason;	/* break the glass: why */
	const char	*detail;	/* what else, for an inspector */
};

/* audit_append(n, e): add e, and a checkpoint when one is due, in the
 * caller's transaction; dossier ids longer than AUDIT_DOSSIERS_MAX are
 * split over as many entries as they need (whole ids each).  0 / -1
 * (logged). */
int	 audit_append(struct node *n, const struct audit_entry *e);

/* audit_record(n, e): audit_append in a transaction of its own.  0 when
 * the entry is committed, -1 otherwise (the caller refuses the read). */
int	 audit_record(struct node *n, const struct audit_entry *e);

/*
 * audit_each(n, dossier, login, since, fn, arg): fn(seq, at, cols, arg)
 * for every entry naming dossier (NULL: any), of login (NULL: any), made
 * at or after unix time since (-1: any), oldest first; cols are the texts
 * of login, role, os_user, addr, action, dossiers, reason and detail, in
 * that order ("" for none), valid during the call.  fn's non-zero value
 * stops the walk and is returned; 0 when all were seen; -1 on a database
 * error (logged).
 */
#define AUDIT_NCOLS	8
int	 audit_each(struct node *n, const char *dossier, const char *login,
	    int64_t since, int (*fn)(int64_t, int64_t, const char *const *,
	    void *), void *arg);

/*
 * audit_verify(n, entries, checkpoints, why, whysz): check the whole log:
 * numbers without gaps from 1, each entry's previous hash and own hash,
 * every checkpoint's entry and signature (by a key this node knows for its
 * own region), no more than AUDIT_CHECKPOINT_EVERY entries without a
 * checkpoint.  0 when it holds (with the counts), 1 with the first fault
 * in why, -1 on a database error.
 */
int	 audit_verify(struct node *n, int64_t *entries, int64_t *checkpoints,
	    char *why, size_t whysz);

#endif /* OPORA_AUDIT_H */
