/*
 * node/erase.h: erasure and forgetting -- what a node deletes of a
 * dossier, and what it keeps to refuse the dossier's changes afterwards
 * (docs/protocol.md, "Erasure"; docs/privacy.md).
 *
 * A dossier is **erased** when this node takes its tombstone (a change of
 * one person.erase operation, made by its custodian): every other change
 * of it (bytes, signature, parents), every view row, every refused or
 * waiting record of it, its import keys, its centre and break-the-glass
 * grants are deleted; the tombstone stays, its dossier is listed in table
 * forgotten (kind "erased"), and forgotten_to keeps the regions that were
 * entitled to the dossier, to which the feed goes on serving the tombstone.
 * Every later change of the dossier is refused for good.
 *
 * A dossier is **forgotten** by the destination of an offer that ended (it
 * declined it, or the offer was cancelled, or its accept lost to a
 * cancel) when nothing else entitles this node to it: the same deletion,
 * except for the changes this node's region wrote itself (its decline; a
 * late accept and what it wrote believing it had won), which its offering
 * region still has to pull, or they would be lost; forgotten_to names
 * those regions.  Kind "declined".  A new offer to this
 * node brings the history again, and ends the forgetting.
 *
 * Every function here runs inside the caller's transaction, and asks the
 * store to checkpoint the WAL after the commit (store_want_wipe), so that
 * no deleted byte stays in the -wal file.  Strings are borrowed.
 */
#ifndef OPORA_ERASE_H
#define OPORA_ERASE_H

#include <stdint.h>

struct node;
struct store;

#define ERASE_NONE	0
#define ERASE_ERASED	1
#define ERASE_DECLINED	2

/*
 * erase_kind(st, dossier, id): ERASE_NONE, ERASE_ERASED (id: the
 * tombstone) or ERASE_DECLINED (id: the change that ended the offer); id
 * may be NULL.  -1 on a database error (logged).
 */
int	 erase_kind(struct store *st, const char *dossier, char id[65]);

/*
 * erase_dossier(n, dossier, tomb): delete everything of dossier but its
 * tombstone tomb (stored already), and record it as erased, with the
 * regions entitled to it now (read from the views, before they go) and
 * this node's own.  0 / -1 (logged).
 */
int	 erase_dossier(struct node *n, const char *dossier, const char *tomb);

/*
 * erase_forget_ended(n, dossier): if this node's region holds dossier only
 * because an offer to it ended (called when it declines, and when a
 * forgotten dossier's change was taken again), forget it as
 * above and return 1; if something entitles it again (a new offer), drop
 * an earlier forgetting and return 0; 0 when there is nothing to do; -1 on
 * a database error.
 */
int	 erase_forget_ended(struct node *n, const char *dossier);

/*
 * erase_due(n, years, today, out, max): the dossiers this node is the
 * custodian of whose support ended more than years ago on the day today
 * ("YYYY-MM-DD"): at least one support episode, none open, the last
 * closed before today less years.  Up to max ids into out.  Returns how
 * many, or -1.
 */
int	 erase_due(struct node *n, int years, const char *today,
	    char (*out)[37], int max);

/*
 * erase_retention(n, count): erase, each in a transaction of its own,
 * every dossier erase_due finds for retention_years (opora.conf) and
 * today's local date: a tombstone with the ground "retention", signed as
 * user "opora-retention" and written to the audit.  Nothing when
 * retention_years is 0.  0 with how many in *count; -1 when one failed
 * (logged; *count says how many went before).  Opens transactions: the
 * caller holds none.
 */
#define ERASE_RETENTION_BATCH	256
int	 erase_retention(struct node *n, int *count);

#endif /* OPORA_ERASE_H */
