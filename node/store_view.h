/*
 * node/store_view.h: the views' tables -- persons and the entry tables of
 * conflict/dossier.h (episodes, events, assessments, consents, transfers,
 * conflicts, links), each row keyed by its dossier and position -- read
 * and written for node/view.c, which folds the log into them; and the
 * few reads of them (and of the log beside them) other modules make.
 * What a dossier's state is, is node/view.c's and conflict/'s; the SQL
 * is here.
 *
 * Every function returns -1 on a database error, logged once.  A walk
 * that calls back returns -1 when it did not reach the end: never a
 * shorter answer.  A callback's non-zero value stops the walk and is
 * returned.  Strings passed in are borrowed for the call; those handed to
 * a callback are valid during the call only.
 */
#ifndef OPORA_STORE_VIEW_H
#define OPORA_STORE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conflict/dossier.h"

struct store;

/* store_view_load(st, id, out): the stored state of dossier id, as a new
 * dossier for the caller (dossier_free), its heads read from the log.
 * 0 and *out, 1 when the views hold no such dossier, -1 (*out NULL;
 * also for a damaged clock). */
int	 store_view_load(struct store *st, const char *id,
	    struct dossier **out);

/* store_view_person_tail(st, d): write only the person row's count of
 * changes, last change and time of update: 1, or 0 when d has no row yet
 * (write it whole), or -1. */
int	 store_view_person_tail(struct store *st, const struct dossier *d);
/* store_view_person_put(st, d, fold, key, nfold): write d's person row
 * with its folded surname, name key (NULL: none) and folded first name.
 * store_view_row_put(st, d, t, pos): write row pos of d's table t.  The
 * caller holds a transaction.  0 / -1. */
int	 store_view_person_put(struct store *st, const struct dossier *d,
	    const char *fold, const char *key, const char *nfold);
int	 store_view_row_put(struct store *st, const struct dossier *d,
	    enum dossier_table t, size_t pos);

/* store_view_clear(st, id): remove every row of dossier id from the
 * views.  0 / -1. */
int	 store_view_clear(struct store *st, const char *id);

/* store_view_linked(st, id, out, n): the dossiers linked to id as the
 * same person (mutual links, one after another), sorted, in a new array
 * for the caller (free; NULL when none).  0 / -1. */
int	 store_view_linked(struct store *st, const char *id,
	    char (**out)[37], size_t *n);

/* store_view_dups_of(st, except, snils, key, fn, arg): fn(id, same_snils,
 * same_name, arg) for each person (but except, if not NULL) with SNILS
 * snils or name key key (NULL or "": not compared), by dossier, 100 at
 * most. */
typedef int (*store_view_dup_fn)(const char *, bool, bool, void *);
int	 store_view_dups_of(struct store *st, const char *except,
	    const char *snils, const char *key, store_view_dup_fn fn,
	    void *arg);

/* store_view_change_links(st, dossier, fn, arg): fn(id, parent, arg)
 * for each change of dossier and each of its parents (parent "" for a
 * change without any), by change id. */
typedef int (*store_view_link_fn)(const char *, const char *, void *);
int	 store_view_change_links(struct store *st, const char *dossier,
	    store_view_link_fn fn, void *arg);

/* store_view_person_line(st, id, v): dossier id's surname, name, birth
 * date and custodian into v (each "" when none, cut to fit).  0, 1 when
 * there is no such person, -1. */
enum {
	STORE_VIEW_LINE_NCOL = 4
};
int	 store_view_person_line(struct store *st, const char *id,
	    char v[STORE_VIEW_LINE_NCOL][512]);

/* store_view_forgotten_by(st, id, region): the first region (by name)
 * that offered dossier id to this node when the node forgot it
 * (forgotten_to), into region.  0, 1 when none is kept, -1. */
int	 store_view_forgotten_by(struct store *st, const char *id,
	    char region[16]);

/*
 * store_view_transfers(st, which, region, fn, arg): fn(col, events, arg)
 * for each transfer of a person of the views that concerns region --
 * which 0: from or to it, 1: to it, 2: from it -- newest first, with the
 * person's events not retracted.  col holds the texts of the columns of
 * enum store_view_transfer_col (NULL: none; STORE_VIEW_TR_EVENTS is
 * always NULL: the count is events).
 */
enum store_view_transfer_col {
	STORE_VIEW_TR_ID, STORE_VIEW_TR_FROM, STORE_VIEW_TR_TO,
	STORE_VIEW_TR_REASON, STORE_VIEW_TR_STATE, STORE_VIEW_TR_HLC,
	STORE_VIEW_TR_SURNAME, STORE_VIEW_TR_NAME, STORE_VIEW_TR_PATRONYMIC,
	STORE_VIEW_TR_BIRTH, STORE_VIEW_TR_ORIGIN, STORE_VIEW_TR_EVENTS,
	STORE_VIEW_TR_DOSSIER, STORE_VIEW_TR_LATE, STORE_VIEW_TR_NCOL
};
typedef int (*store_view_transfer_fn)(const char *const *, int64_t, void *);
int	 store_view_transfers(struct store *st, int which, const char *region,
	    store_view_transfer_fn fn, void *arg);

/* store_view_out_of_memory(st): whether the last failure of st (a view
 * written, a dossier erased) was SQLite running out of memory: no
 * verdict on the change being taken. */
bool	 store_view_out_of_memory(struct store *st);

#endif /* OPORA_STORE_VIEW_H */
