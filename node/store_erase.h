/*
 * node/store_erase.h: the tables of erasure and forgetting (node/erase.h,
 * docs/protocol.md "Erasure") -- forgotten (the dossiers erased or
 * forgotten, with the change that did it) and forgotten_to (the regions
 * still served their tombstone or what this node wrote) -- and the
 * deletions and readings of the log and the views that erasing a dossier
 * needs.  Which dossier goes, what stays and why are node/erase.c's; the
 * SQL is here.
 *
 * Every function returns -1 on a database error, logged once; a walk
 * that cannot be read to its end is -1, never a shorter answer.  Strings
 * passed in are borrowed for the call.  Writers run in the caller's
 * transaction.
 */
#ifndef OPORA_STORE_ERASE_H
#define OPORA_STORE_ERASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

#define STORE_FORGOTTEN_ID	65	/* a change id and its NUL */

/* store_forgotten_get(st, dossier, erased, id): 1 when dossier is
 * forgotten, with *erased true for kind "erased" (false: "declined") and
 * the change that did it in id (if not NULL; "" when none); 0 when it is
 * not; -1. */
int	 store_forgotten_get(struct store *st, const char *dossier,
	    bool *erased, char id[STORE_FORGOTTEN_ID]);
/* store_forgotten_put(st, dossier, erased, id, at): record dossier as
 * erased (or declined) by change id at at (seconds), replacing an
 * earlier record.  0 / -1. */
int	 store_forgotten_put(struct store *st, const char *dossier,
	    bool erased, const char *id, int64_t at);
/* store_forgotten_unforget(st, dossier): drop a "declined" record of
 * dossier, and its forgotten_to rows unless it stays forgotten.  0 / -1. */
int	 store_forgotten_unforget(struct store *st, const char *dossier);
/* store_forgotten_to_entitled(st, dossier, region): the regions entitled
 * to dossier now (by the views: its custodian, the giver of an accepted
 * transfer, the receiver of an open offer, over the dossiers linked to
 * it) and region join forgotten_to.  0 / -1. */
int	 store_forgotten_to_entitled(struct store *st, const char *dossier,
	    const char *region);
/* store_forgotten_to_offerers(st, dossier, region): the regions whose
 * offers of dossier to region ended join forgotten_to, when region wrote
 * a change of dossier.  0 / -1. */
int	 store_forgotten_to_offerers(struct store *st, const char *dossier,
	    const char *region);

/*
 * store_erase_changes(st, dossier, keep, region): delete dossier's
 * changes (with their parents) but those whose ids are in keep (a JSON
 * array of ids) or, keep NULL, those region made; its heads become the
 * changes kept; and delete every record naming it (refused, waiting,
 * import keys, centre, break-the-glass grants).  The views are the
 * caller's (view_clear).  0 / -1.
 */
int	 store_erase_changes(struct store *st, const char *dossier,
	    const char *keep, const char *region);

/* store_erase_entitled(st, dossier, region): 1 when region may hold
 * dossier by anything but an offer that ended (custody, an accepted
 * transfer it gave, an open offer to it, over the linked dossiers), 0
 * if not, -1. */
int	 store_erase_entitled(struct store *st, const char *dossier,
	    const char *region);
/* store_erase_last_ended(st, dossier, region, last): the change that
 * ended the newest offer of dossier to region (declined or cancelled)
 * into last ("" when none).  0 / -1. */
int	 store_erase_last_ended(struct store *st, const char *dossier,
	    const char *region, char last[STORE_FORGOTTEN_ID]);
/* store_erase_due(st, region, cut, out, max): the dossiers in region's
 * custody with support episodes, none open, the last closed before cut
 * (YYYY-MM-DD), by id, max at most, into out.  How many, or -1. */
int	 store_erase_due(struct store *st, const char *region,
	    const char *cut, char (*out)[37], int max);

#endif /* OPORA_STORE_ERASE_H */
