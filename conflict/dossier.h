/*
 * conflict/dossier.h: the state of one dossier, folded from its changes.
 *
 * The materialised view of a dossier is a deterministic function of the set
 * of its changes: sort them in the total order of conflict/hlc.h (HLC, then
 * the author's key id, then the change id) and apply each change's
 * operations in turn with dossier_apply().  Person-card fields are
 * last-writer-wins in that order; episodes, events, assessments, consents,
 * transfers and links are grow-only lists, amended, closed, retracted or
 * withdrawn in place by later operations that name them.  Two writes to one
 * field that did not see each other (neither change is an ancestor of the
 * other through parents) and hold different values leave a conflict entry
 * (DT_CONFLICT) naming the losing write; docs/protocol.md §6 gives the
 * rules exactly.  Telling whether two writes saw each other needs the
 * causal graph, which a dossier folded from its first change builds as it
 * goes.  Nothing here does I/O.
 *
 * An entry created by operation i of change C is named "C/i", C being the
 * change's id in hex: names are unforgeable and never collide.
 *
 * Memory: a dossier owns every string it holds (copies of the operations'
 * values), its heads, its causal graph and its pending writes.  Free it with
 * dossier_free(); dossier_free(NULL) does nothing.
 */
#ifndef OPORA_DOSSIER_H
#define OPORA_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conflict/op.h"

#define DOSSIER_REGION_LEN	15	/* "RU-XXX" and room to spare */
#define DOSSIER_MAXCOL		16

/* The lists of a dossier; their columns are in dossier_tables[]. */
enum dossier_table {
	DT_EPISODE,
	DT_EVENT,
	DT_ASSESSMENT,
	DT_CONSENT,
	DT_TRANSFER,
	DT_CONFLICT,
	DT_LINK,
	DT_COUNT
};

/* Column positions that the merge rules and the views refer to by name. */
enum { COL_ID = 0 };
enum { EP_CENTRE = 1, EP_CURATOR, EP_OPENED, EP_CLOSED, EP_CLOSE_REASON,
       EP_REGION, EP_USER, EP_HLC, EP_NCOL };
enum { EV_DATE = 1, EV_TYPE, EV_TEXT, EV_AMENDED, EV_RETRACTED,
       EV_RETRACT_REASON, EV_LATE, EV_REGION, EV_USER, EV_HLC, EV_NCOL };
enum { AS_DATE = 1, AS_HOUSING, AS_EDUCATION, AS_EMPLOYMENT, AS_FAMILY,
       AS_REGION, AS_USER, AS_HLC, AS_NCOL };
enum { CO_SCOPE = 1, CO_DATE, CO_DOCUMENT, CO_WITHDRAWN, CO_REGION, CO_USER,
       CO_HLC, CO_NCOL };
/* TR_LATE, TR_LATE_BY: a decision that came after the offer was settled
 * (an accept that lost to a cancel): what it tried, and its change. */
enum { TR_FROM = 1, TR_TO, TR_REASON, TR_STATE, TR_DECIDED, TR_DECIDED_BY,
       TR_DECLINE_REASON, TR_LATE, TR_LATE_BY, TR_REGION, TR_USER, TR_HLC,
       TR_NCOL };
/* A conflict: the losing write (its value, author and time), the write
 * that beats it now, and how it was closed. */
enum { CF_FIELD = 1, CF_VALUE, CF_WINNER, CF_WINNER_VALUE, CF_WINNER_REGION,
       CF_WINNER_USER, CF_WINNER_HLC, CF_STATE, CF_CLOSED_BY, CF_CLOSED,
       CF_REGION, CF_USER, CF_HLC, CF_NCOL };
enum { LN_OTHER = 1, LN_REASON, LN_STATE, LN_UNLINKED, LN_UNLINKED_BY,
       LN_UNLINK_REASON, LN_REGION, LN_USER, LN_HLC, LN_NCOL };

struct dossier_table_def {
	const char	*name;			/* SQL table and JSON key */
	int		 ncol;
	const char	*cols[DOSSIER_MAXCOL];	/* column 0 is "id" */
};
extern const struct dossier_table_def dossier_tables[DT_COUNT];

struct dossier_row {
	char		*col[DOSSIER_MAXCOL];	/* owned; NULL: empty */
	bool		 dirty;			/* changed since last stored */
};

struct dossier_rows {
	struct dossier_row	*v;
	size_t			 n, cap;
};

/* Who wrote a change, and where it stands in the total order. */
struct dossier_stamp {
	uint64_t	 hlc;
	char		 key[17];		/* author's key id */
	char		 id[65];		/* change id, hex */
};

struct change_meta {
	const char	*id;			/* change id, 64 hex */
	uint64_t	 hlc;
	const char	*key;			/* author key id, 16 hex */
	const char	*region;		/* author region */
	const char	*user;			/* author user */
	const char	(*parents)[65];		/* sorted; the heads it saw */
	size_t		 nparents;
};

/*
 * The causal graph of the changes applied, used to tell whether two writes
 * to one field were concurrent.  It is complete when the dossier was folded
 * from its first change; a state loaded from the views has none (partial),
 * and a change that needs it makes dossier_apply() ask for a fold.
 */
struct dossier_dag;

/* A write to a person field that may still conflict (see dossier.c). */
struct dossier_write {
	char		 ref[72];		/* "<change id>/<op>" */
	size_t		 node;			/* in the causal graph */
	char		*value;			/* owned; NULL: cleared */
	char		*region, *user;		/* owned */
	uint64_t	 hlc;
};

struct dossier_writes {
	struct dossier_write	*v;
	size_t			 n, cap;
};

struct dossier {
	char			 id[37];
	char			*person[PF_COUNT];	/* owned; NULL: empty */
	char			 origin[DOSSIER_REGION_LEN + 1];
	char			 custodian[DOSSIER_REGION_LEN + 1];
	char			 created[17];	/* HLC of person.create */
	char			 updated[17];	/* HLC of the last change */
	/* The id of the change that erased the dossier (person.erase), or
	 * "": after it, the operations of later changes are skipped. */
	char			 erased[65];
	uint64_t		 nchanges;
	struct dossier_stamp	 last;		/* greatest change applied */
	bool			 person_dirty;	/* the person row changed */
	bool			 tail_dirty;	/* only nchanges, last and
						   updated changed */
	bool			 tail_owed;	/* ... and written by none
						   but view_save_tail
						   (node/view.h) */
	struct dossier_rows	 t[DT_COUNT];
	char			(*heads)[65];	/* sorted; owned */
	size_t			 nheads;
	struct dossier_dag	*dag;		/* NULL: partial */
	/* Per field: the latest write and the open losers (DAG only). */
	struct dossier_writes	 w[PF_COUNT];
};

/* dossier_new(id): an empty dossier named id (a C string), or NULL.  Its
 * causal graph is complete: fold every change into it from the first. */
struct dossier	*dossier_new(const char *id);

/*
 * dossier_loaded(d, heads, nheads): mark d as a state read back from the
 * views rather than folded: drop its causal graph and set its heads (the
 * ids of its changes that no other change names as parent; copied).
 * 0 / -1 on out of memory.
 */
int		 dossier_loaded(struct dossier *d, const char (*heads)[65],
		    size_t nheads);
void		 dossier_free(struct dossier *d);

/* dossier_stamp_cmp(a, b): the total order of changes; <0, 0, >0. */
int		 dossier_stamp_cmp(const struct dossier_stamp *a,
		    const struct dossier_stamp *b);

/*
 * dossier_apply(d, m, ops, nops): apply one change's operations.  Borrows
 * m and ops.  The change must come after every change already applied in
 * the total order; if it does not, nothing is applied and 1 is returned, so
 * that the caller folds the dossier again from scratch.  1 is returned too
 * when the change writes a person field without having seen every change
 * applied (a concurrent write) and d has no causal graph (it was loaded
 * from the views): only a fold can tell what it was concurrent with.  Returns 0 when
 * applied, -1 when out of memory (d is then unusable and must be freed).
 * Operations that name an entry the dossier does not hold are skipped: the
 * receiver's validation refuses such changes, so only a fold over a log
 * that was never validated can meet them, and skipping keeps the fold
 * total and deterministic.
 */
int		 dossier_apply(struct dossier *d, const struct change_meta *m,
		    const struct op *ops, size_t nops);

/* dossier_find(d, t, id): the row of table t named id, or NULL. */
struct dossier_row *dossier_find(const struct dossier *d,
		    enum dossier_table t, const char *id);

/* dossier_set_row(d, t, cols): append a row holding copies of cols
 * (ncol entries, NULL allowed), for loading stored views.  0 / -1. */
int		 dossier_add_row(struct dossier *d, enum dossier_table t,
		    const char *const *cols);

/* dossier_set(slot, value): replace an owned string with a copy of value
 * (NULL or "" empties it).  0 / -1 on out of memory. */
int		 dossier_set(char **slot, const char *value);

/*
 * Custody.  The custodian is the region of person.create until a
 * transfer.accept moves it to the offer's destination.  A region is
 * entitled to the dossier when it is the custodian, a former custodian, or
 * the destination of a pending offer.
 */
bool		 dossier_entitled(const struct dossier *d, const char *region);

/* dossier_pending_offer(d): the row of the pending transfer offer, or
 * NULL.  At most one offer is pending at a time. */
struct dossier_row *dossier_pending_offer(const struct dossier *d);

/* dossier_custody_end(d, region, out): the day (YYYY-MM-DD) a former
 * custodian's last custody ended, or -1 if region never handed it over. */
int		 dossier_custody_end(const struct dossier *d, const char *region,
		    char out[11]);

/*
 * dossier_past(d, parents, nparents, kinds, out, n): the changes in the
 * causal past of a change with these parents (the parents included) that
 * hold an operation of one of the kinds (a mask of DOSSIER_KIND bits), in
 * the order they were applied, which is the total order.  *out is a new
 * array of *n ids borrowed from d (valid until d next changes), for the
 * caller to free().  0; 1 when d has no causal graph or a parent is not in
 * it; -1 on out of memory.  Folding just those changes gives every part of
 * the past state that those kinds of operations make.
 */
#define DOSSIER_KIND(k)	((uint32_t)1 << (k))
int		 dossier_past(struct dossier *d, const char (*parents)[65],
		    size_t nparents, uint32_t kinds, const char ***out,
		    size_t *n);

/* dossier_linked(d, other): the active link row of d naming dossier other,
 * or NULL. */
struct dossier_row *dossier_linked(const struct dossier *d, const char *other);

/* dossier_mark_clean(d): clear every dirty mark, after storing. */
void		 dossier_mark_clean(struct dossier *d);

#endif /* OPORA_DOSSIER_H */
