/*
 * node/store_dup.h: possible duplicates -- pairs of persons of the views
 * with the same SNILS, or the same surname, name and birth date
 * (name_key), not linked and not dismissed -- and the dismissed table, a
 * supervisor's statement that two dossiers are two people (kept on this
 * node only: docs/admin.md "Possible duplicates").  What to suggest and
 * who may dismiss is node/cmd_conflicts.c's; the SQL is here.
 *
 * Every function returns -1 on a database error, logged once.  A walk
 * that calls back returns -1 when it did not reach the end: never a
 * shorter list.  A callback's non-zero value stops the walk and is
 * returned.  Strings passed in are borrowed for the call; those handed to
 * a callback are valid during the call only ("" when damaged).
 */
#ifndef OPORA_STORE_DUP_H
#define OPORA_STORE_DUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* store_dup_pairs(st, fn, arg): fn(a, b, same_snils, same_name, arg) for
 * each possible pair (a sorts before b), by a and b.  Pairs linked
 * through a third dossier are the caller's to leave out. */
typedef int (*store_dup_pair_fn)(const char *, const char *, bool, bool,
		    void *);
int	 store_dup_pairs(struct store *st, store_dup_pair_fn fn, void *arg);

/* store_dup_dismiss(st, a, b, login, reason, at): a and b (a sorting
 * before b) are two people, said by login at (seconds) for reason;
 * replaces an earlier statement on the pair.  0 / -1. */
int	 store_dup_dismiss(struct store *st, const char *a, const char *b,
	    const char *login, const char *reason, int64_t at);

/* store_dup_undismiss(st, a, b): withdraw the statement that a and b (a
 * sorting before b) are two people.  1 withdrawn, 0 there was none, -1. */
int	 store_dup_undismiss(struct store *st, const char *a, const char *b);

/* store_dup_dismissed(st, fn, arg): fn(a, b, login, reason, at, arg)
 * for each pair dismissed, by time and pair. */
typedef int (*store_dup_dismissed_fn)(const char *, const char *,
	    const char *, const char *, int64_t, void *);
int	 store_dup_dismissed(struct store *st, store_dup_dismissed_fn fn,
	    void *arg);

#endif /* OPORA_STORE_DUP_H */
