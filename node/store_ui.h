/*
 * node/store_ui.h: the SQL the web pages' API (node/uiapi.c) reads and
 * that no other module answers: a person's card beside a possible
 * duplicate, the pairs said to be two people, the linked pairs, the
 * dossier of a transfer or conflict entry, and the node's counts for its
 * health page.
 *
 * Every function steps its statements with store_step and checks that a
 * loop over rows ended on STORE_DONE: a read that fails is an error (-1,
 * logged by store_step), never a shorter answer.  Texts handed to a
 * callback are borrowed for the call only (they belong to the statement).
 */
#ifndef OPORA_STORE_UI_H
#define OPORA_STORE_UI_H

#include <stdint.h>

struct store;

/* The columns of a person's card that store_ui_person hands over, in
 * this order; their names are those of docs/api.md. */
#define STORE_UI_PERSON_COLS	9
extern const char *const store_ui_person_cols[STORE_UI_PERSON_COLS];

/*
 * store_ui_person(st, id, fn, arg): fn(col, arg) with the card of dossier
 * id (col[i] NULL when the field is empty), once, when there is one.
 * Returns what fn returned, 1 when there is no such person (fn not
 * called), -1 on a database error.
 */
typedef int (*store_ui_person_fn)(const char *const *, void *);
int	 store_ui_person(struct store *st, const char *id,
	    store_ui_person_fn fn, void *arg);

/* A pair of dossiers: said to be two people, or linked as one. */
struct store_ui_pair {
	const char	*dossier, *other;	/* a < b for dismissed */
	const char	*by;			/* login, or region/user */
	const char	*reason;		/* free text: may be NULL */
	int64_t		 at;			/* unix seconds, or 0 */
	const char	*hlc;			/* links: the change's HLC */
	int		 halves;		/* links: 1 waits, 2 in force */
};
typedef int (*store_ui_pair_fn)(const struct store_ui_pair *, void *);

/*
 * store_ui_dismissed_each(st, fn, arg): fn for each pair a supervisor
 * said is two people ('opora duplicates dismissed'), oldest first.
 * store_ui_linked_each(st, fn, arg): fn for each pair with a half of
 * 'opora link' not undone (halves 2: both regions linked, the link holds;
 * 1: it waits for the other's custodian), by the pair's ids.  Both stop at
 * the first fn that does not return 0 and return that value; 0 when all
 * went, -1 on a database error.
 */
int	 store_ui_dismissed_each(struct store *st, store_ui_pair_fn fn,
	    void *arg);
int	 store_ui_linked_each(struct store *st, store_ui_pair_fn fn,
	    void *arg);

/* Which entries store_ui_entry_dossier looks in. */
enum store_ui_entry {
	STORE_UI_TRANSFER,	/* transfers and offer summaries */
	STORE_UI_CONFLICT	/* conflicts */
};

/*
 * store_ui_entry_dossier(st, what, id, dossier): the dossier of the entry
 * id (exact) into dossier.  0, 1 (no such entry), -1.
 */
int	 store_ui_entry_dossier(struct store *st, enum store_ui_entry what,
	    const char *id, char dossier[37]);

/* The counts of the health page (GET /api/status). */
struct store_ui_counts {
	int64_t	 dossiers;	/* persons held */
	int64_t	 custody;	/* of which region is the custodian */
	int64_t	 conflicts_open;
};

/* store_ui_counts(st, region, out): 0 / -1. */
int	 store_ui_counts(struct store *st, const char *region,
	    struct store_ui_counts *out);

/*
 * The listings below hand each row to fn as a struct store_ui_row: every
 * column as text (NULL for SQL NULL) and as an integer.  fn returns 0 for
 * the next row, 1 to stop there, -1 for an error.  Each returns 0 when
 * every row went, what fn returned when it was not 0, or -1 on a
 * database error (logged by store_step).
 */
#define STORE_UI_COLS_MAX	13
struct store_ui_row {
	const char	*col[STORE_UI_COLS_MAX];
	int64_t		 num[STORE_UI_COLS_MAX];
};
typedef int (*store_ui_row_fn)(const struct store_ui_row *, void *);

/*
 * store_ui_search(st, q, fn, arg): the persons whose SNILS is q->snils,
 * whose folded surname is in [q->lo, q->hi), whose birth date is
 * q->birth (each NULL when not asked), by folded surname, name, birth
 * date: dossier, surname, name, patronymic, birth_date, custodian.  The
 * most selective term given leads (docs/performance.md).
 */
struct store_ui_search {
	const char	*snils, *lo, *hi, *birth;
};
int	 store_ui_search(struct store *st, const struct store_ui_search *q,
	    store_ui_row_fn fn, void *arg);

/*
 * store_ui_caseload(st, centre, region, fn, arg): the dossiers of region's
 * custody assigned to centre, by folded surname: dossier, surname, name,
 * patronymic, birth_date, centre, the opening of the open episode, the
 * date of the last event not retracted, open conflicts, late notes.
 */
int	 store_ui_caseload(struct store *st, const char *centre,
	    const char *region, store_ui_row_fn fn, void *arg);

/*
 * store_ui_glass(st, since, max, fn, arg): the audit's entries of a reason
 * given to open another centre's dossier ('break-the-glass', or any with
 * a reason), at unix time since or later, newest first, at most max:
 * seq, at, login, role, addr, os_user, action, dossier, reason, and the
 * dossier's surname, name, patronymic, birth_date when held.
 */
int	 store_ui_glass(struct store *st, int64_t since, int max,
	    store_ui_row_fn fn, void *arg);

/* store_ui_other_admin(st, login): whether an enabled admin other than
 * login remains: 1, 0, or -1. */
int	 store_ui_other_admin(struct store *st, const char *login);

#endif /* OPORA_STORE_UI_H */
