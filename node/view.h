/*
 * node/view.h: the materialised views of dossiers, stored in SQLite.
 *
 * The tables persons, episodes, events, assessments and consents hold, for
 * each dossier, the state that conflict/dossier.c folds from its changes.
 * This module loads a dossier's state from them, writes back what a fold
 * changed, folds a dossier again from the log, and computes the canonical
 * document and digest of a state.
 *
 * Every struct dossier returned here is the caller's, to dossier_free().
 */
#ifndef OPORA_VIEW_H
#define OPORA_VIEW_H

#include <cjson/cJSON.h>

#include "conflict/dossier.h"
#include "protocol/limits.h"

struct store;

/* view_load(st, id, out): 0 and the stored state in *out; 1 if no such
 * dossier; -1 on error (logged). */
int	 view_load(struct store *st, const char *id, struct dossier **out);

/* view_save(st, d): write the person row and every dirty entry of d, then
 * mark d clean.  The caller holds a transaction.  0 / -1 (logged). */
int	 view_save(struct store *st, struct dossier *d);

/* view_save_rows(st, d): view_save, except that a person row whose only
 * change is its count of changes and its last change (d->tail_dirty) is
 * left for view_save_tail, which the caller owes before anything reads
 * that row and before its commit: a dossier taken change after change
 * then has that row written once, not once a change. */
int	 view_save_rows(struct store *st, struct dossier *d);

/* view_save_tail(st, d): write what view_save_rows left, if anything
 * (d->tail_owed; a state it did not save owes nothing): the person row's
 * count of changes and last change, into the row as it is.
 * A row that is gone meanwhile (the dossier was forgotten or erased) is
 * not written again.  0 / -1 (logged). */
int	 view_save_tail(struct store *st, struct dossier *d);

/* view_clear(st, id): delete every view row of a dossier.  0 / -1. */
int	 view_clear(struct store *st, const char *id);

/*
 * view_fold(st, id, out, why, whysz): fold the dossier again from its
 * changes in the log, in memory; nothing is written.  0 and *out; 1 if the
 * log holds no change of it; -1 with a reason in why when a stored change
 * no longer decodes (damage) or on error; VIEW_NOMEM (-2) when memory ran
 * out, which says nothing about the log.
 */
#define VIEW_NOMEM	(-2)
int	 view_fold(struct store *st, const char *id, struct dossier **out,
	    char *why, size_t whysz);

/*
 * view_fold_known(st, id, known, arg, out, why, whysz): view_fold, but a
 * stored change that known(cid, bytes, len, arg) returns already decoded
 * is not decoded again (a response's changes, decoded when they were
 * checked).  known returns change cid decoded from exactly those bytes,
 * or NULL; the change stays the caller's.  known NULL: view_fold.
 */
struct change;
typedef const struct change *(*view_known_fn)(const char *cid,
	    const void *bytes, size_t len, void *arg);
int	 view_fold_known(struct store *st, const char *id, view_known_fn known,
	    void *arg, struct dossier **out, char *why, size_t whysz);

/*
 * view_fold_past(st, id, parents, nparents, out, why, whysz): the state of
 * the dossier made of the given changes and all their ancestors only (the
 * causal past of a change with these parents), in memory.  0 and *out, or
 * -1 with a reason.
 */
int	 view_fold_past(struct store *st, const char *id,
	    char (*parents)[65], size_t nparents, struct dossier **out,
	    char *why, size_t whysz);

/*
 * view_name_key(surname, name, birth, out): the key under which possible
 * duplicates of a person are found: surname and name folded (case, е/ё,
 * spaces, hyphens, Latin look-alikes; see fields_name_fold) and the birth
 * date, as "surname|name|YYYY-MM-DD"; "" if any is missing.
 */
#define VIEW_NAME_KEY	(4 * LIMIT_NAME + 16)
void	 view_name_key(const char *surname, const char *name,
	    const char *birth, char out[VIEW_NAME_KEY]);

/*
 * view_linked(st, id, out, n): the dossiers this node holds that are linked
 * to dossier id as the same person, by mutual links (each of two dossiers
 * holding a link to the other, neither undone) one after another; sorted ids in a new array for the caller to
 * free().  0 / -1.
 */
int	 view_linked(struct store *st, const char *id, char (**out)[37],
	    size_t *n);

/* A possible duplicate: another dossier and what it shares. */
struct view_dup {
	char	 id[37];
	bool	 snils;		/* the same SNILS */
	bool	 name;		/* the same folded surname, name, birth date */
};

/*
 * view_duplicates_of(st, except, snils, key, out, n): the dossiers other
 * than except (NULL: none) that have this SNILS (NULL: not compared) or
 * this name key (view_name_key; NULL or "": not compared), leaving out
 * those linked to except.  A new array for the caller to free().  0 / -1.
 */
int	 view_duplicates_of(struct store *st, const char *except,
	    const char *snils, const char *key, struct view_dup **out,
	    size_t *n);

/* view_dup_ids(dups, n): the ids of dups[0..n) separated by one space, as
 * an audit entry names dossiers; a new string for the caller to free(),
 * or NULL when memory runs out. */
char	*view_dup_ids(const struct view_dup *dups, size_t n);

/* view_json(d): the canonical state document of d (docs/data-model.md,
 * "Digest"), a new cJSON tree for the caller, or NULL. */
cJSON	*view_json(const struct dossier *d);

/* view_digest(d, out): SHA-256 over the JCS bytes of view_json(d), hex. */
int	 view_digest(const struct dossier *d, char out[65]);

#endif /* OPORA_VIEW_H */
