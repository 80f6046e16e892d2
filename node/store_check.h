/*
 * node/store_check.h: what 'opora verify' and 'opora rebuild' read and
 * write of the database beyond the log and the views' own functions: the
 * dossiers of the log, the shape of a dossier's history, the leftovers of
 * erased and forgotten dossiers, SQLite's own check of the file, and the
 * views' tables themselves.
 *
 * Every function returns -1 on a database error, logged once (store_step);
 * a callback's non-zero value stops the walk and is returned.  Strings
 * passed to a callback are valid during the call only.
 */
#ifndef OPORA_STORE_CHECK_H
#define OPORA_STORE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/change.h"

struct store;

/* A walk's callback: the texts of a row's columns ("" for NULL), valid
 * during the call. */
typedef int (*store_text_fn)(const char *const *, void *);

/*
 * store_dossier_each(st, fn, arg): fn({id}, arg) for every dossier of the
 * log that is not erased or forgotten, nor held as an offer only
 * (node/offer.h), in id order.  Its statement is its
 * own (not the cache), so fn may load and save views.  0 when all were
 * seen.
 */
int	 store_dossier_each(struct store *st, store_text_fn fn, void *arg);

/*
 * store_dossier_ids(st, dossier, parents, v, n): the ids of dossier's
 * changes (parents false), or the distinct ids its changes name as
 * parents (parents true), sorted, into *v (the caller's to free; NULL
 * when there are none) and *n.  0 / -1.
 */
int	 store_dossier_ids(struct store *st, const char *dossier,
	    int parents, char (**v)[CHANGE_ID_HEX + 1], size_t *n);

/* store_dossier_roots(st, dossier): how many of its changes name no
 * parent, or -1. */
int64_t	 store_dossier_roots(struct store *st, const char *dossier);

/*
 * store_forgotten_bad_each(st, fn, arg): fn({dossier, what}, arg) for each
 * leftover of an erased or forgotten dossier that node/erase.h says must
 * not be there (its views; a change other than its tombstone; a missing
 * tombstone; another region's change of a dossier forgotten on decline;
 * heads that are not the changes kept), what saying which in English.
 */
int	 store_forgotten_bad_each(struct store *st, store_text_fn fn,
	    void *arg);

/*
 * store_twice_each(st, fn, arg): fn({id, times}, arg) for each change id
 * the log holds more than once.  No index keeps an id once (schema 12):
 * a trigger drops an insert of an id already stored, and this checks.
 */
int	 store_twice_each(struct store *st, store_text_fn fn, void *arg);

/* store_orphan_views_each(st, fn, arg): fn({dossier}, arg) for each
 * dossier of the views that is not in the log. */
int	 store_orphan_views_each(struct store *st, store_text_fn fn,
	    void *arg);

/*
 * store_integrity_each(st, max, fn, arg): SQLite's own check of the file
 * (every page, every index against its table), listing at most max
 * problems: fn({text}, arg) for each ("ok" is not passed).  0 when the check
 * ran to its end, -1 when it could not (the file may be damaged there:
 * store_errmsg says what SQLite said).
 */
int	 store_integrity_each(struct store *st, int max, store_text_fn fn,
	    void *arg);

/*
 * store_schema_each(st, fn, arg): compare the database's schema (its
 * tables, triggers and views, each with its SQL; not the indexes, which
 * change only speed) with the one
 * this opora makes (every migration run on an empty database in memory):
 * fn({text}, arg) for each object that is not one it makes (a trigger
 * planted in a backup), is missing (a dropped trigger) or differs.  0,
 * or -1 when the comparison could not be made.
 */
int	 store_schema_each(struct store *st, store_text_fn fn, void *arg);

/* store_errmsg(st): SQLite's text for the last failure on st (static). */
const char *store_errmsg(struct store *st);

/*
 * store_views_clear(st): empty the views' tables (children before
 * persons), in the caller's transaction.  0 / -1 (missing or damaged).
 */
int	 store_views_clear(struct store *st);

/*
 * store_views_recreate(st): in one transaction, drop the views' tables
 * and make them again, empty, with the schema the migrations give a new
 * node.  The log is not touched.  0; 1 when a table could not even be
 * dropped (damaged: SQLite walks its pages to free them): its entries
 * were then taken out of the schema, and the caller must close and open
 * the store again and call store_views_make; -1.
 *
 * store_views_make(st): write the file anew without the orphaned pages
 * (VACUUM), then make the views' tables.  0 / -1.
 */
int	 store_views_recreate(struct store *st);
int	 store_views_make(struct store *st);

#endif /* OPORA_STORE_CHECK_H */
