/*
 * tests/unit/test_store_ui.c: every reader of node/store_ui.h (the web
 * pages' own SQL) says "error" when a step of its statement fails, never a
 * shorter answer: each runs with its first step failing, then its second,
 * and so on, until it runs to the end without reaching the failing step
 * (store_test_fail_step).  Undisturbed, each reads what the rows hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "node/store.h"
#include "node/store_ui.h"
#include "protocol/log.h"

#define A	"11111111-1111-4111-8111-111111111111"
#define B	"22222222-2222-4222-8222-222222222222"
#define C	"33333333-3333-4333-8333-333333333333"
#define MAX_STEPS	32

#define PERSON(id, surname, fold) \
    "INSERT INTO persons (dossier, surname, name, birth_date, snils," \
    " origin, custodian, created, updated, nchanges, last_hlc, last_key," \
    " last_id, surname_fold) VALUES ('" id "', '" surname "', 'Анна'," \
    " '2005-04-12', '11223344595', 'RU-SMO', 'RU-SMO', '01', '01', 1," \
    " '01', 'k', 'x', '" fold "');"

/* Three persons, two of them in a centre's caseload, linked, and the
 * other pair dismissed; two audit entries with a reason; two admins. */
static const char FILL[] =
    PERSON(A, "Иванова", "иванова")
    PERSON(B, "Иванова", "иванова")
    PERSON(C, "Иволгина", "иволгина")
    "INSERT INTO dossier_centres (dossier, centre, at) VALUES"
    " ('" A "', 'Ц', 0), ('" B "', 'Ц', 0);"
    "INSERT INTO links (id, dossier, pos, other, reason, state, region,"
    " user, hlc) VALUES ('l1', '" A "', 0, '" B "', 'одна', 'linked',"
    " 'RU-SMO', 'chief', '01'), ('l2', '" B "', 0, '" A "', 'одна',"
    " 'linked', 'RU-SMO', 'chief', '02');"
    "INSERT INTO dismissed (a, b, login, reason, at) VALUES"
    " ('" A "', '" C "', 'chief', 'разные', 1), ('" B "', '" C "', 'chief',"
    " 'разные', 2);"
    "INSERT INTO audit (seq, at, login, role, os_user, addr, action,"
    " dossiers, reason, detail, prev, hash) VALUES"
    " (1, 10, 'p', 'curator', '', 'a', 'break-the-glass', '" A "', 'r',"
    " '', x'00', x'00'), (2, 20, 'p', 'curator', 'u', 'cli', 'show', '" B
    "', 'r', '', x'00', x'00');"
    "INSERT INTO accounts (login, name, role, centre, phash, enabled,"
    " locked, must_change, created, changed) VALUES ('boss', 'B', 'admin',"
    " '', 'x', 1, 0, 0, 0, 0), ('boss2', 'B', 'admin', '', 'x', 1, 0, 0, 0,"
    " 0);";

static int	 nrows;

static int
count_row(const struct store_ui_row *row, void *arg)
{
	(void)arg;
	if (row->col[0] == NULL)
		return (-1);
	nrows++;
	return (0);
}

static int
count_pair(const struct store_ui_pair *p, void *arg)
{
	(void)arg;
	if (p->dossier == NULL || p->other == NULL)
		return (-1);
	nrows++;
	return (0);
}

static int
count_person(const char *const *col, void *arg)
{
	(void)arg;
	nrows += strcmp(col[0], "Иванова") == 0;
	return (0);
}

typedef int (*reader_fn)(struct store *);

/* A reader's answer: -1 when the store said "error", 0 when it read what
 * the rows hold (want of them), -2 for anything else (a shorter
 * answer). */
static int
judge(int r, int want)
{
	if (r == -1)
		return (-1);
	return (r == 0 && nrows == want ? 0 : -2);
}

static int
r_search(struct store *st)
{
	struct store_ui_search	 q = { NULL, "ив", "ив\xf5", NULL };

	nrows = 0;
	return (judge(store_ui_search(st, &q, count_row, NULL), 3));
}

static int
r_caseload(struct store *st)
{
	nrows = 0;
	return (judge(store_ui_caseload(st, "Ц", "RU-SMO", count_row, NULL),
	    2));
}

static int
r_glass(struct store *st)
{
	nrows = 0;
	return (judge(store_ui_glass(st, 0, 10, count_row, NULL), 2));
}

static int
r_dismissed(struct store *st)
{
	nrows = 0;
	return (judge(store_ui_dismissed_each(st, count_pair, NULL), 2));
}

static int
r_linked(struct store *st)
{
	nrows = 0;
	return (judge(store_ui_linked_each(st, count_pair, NULL), 1));
}

static int
r_person(struct store *st)
{
	nrows = 0;
	return (judge(store_ui_person(st, A, count_person, NULL), 1));
}

static int
r_entry(struct store *st)
{
	char	 d[37];

	int	 r = store_ui_entry_dossier(st, STORE_UI_CONFLICT, "none", d);

	return (r == -1 ? -1 : r == 1 ? 0 : -2);
}

static int
r_counts(struct store *st)
{
	struct store_ui_counts	 k;
	int			 r;

	if ((r = store_ui_counts(st, "RU-SMO", &k)) != 0)
		return (r);
	return (k.dossiers == 3 && k.custody == 3 ? 0 : -2);
}

static int
r_other_admin(struct store *st)
{
	int	 r = store_ui_other_admin(st, "boss");

	return (r == -1 ? -1 : r == 1 ? 0 : -2);
}

/* fn with its k-th step failing, k = 1, 2, ..., until a run does not
 * reach it; each run that did must answer -1. */
static void
each_step_fails(struct store *st, reader_fn fn)
{
	long	 k;
	int	 r;

	for (k = 1; k <= MAX_STEPS; k++) {
		store_test_fail_step(st, k, SQLITE_IOERR);
		r = fn(st);
		if (store_test_fail_step(st, 0, 0) != 0) {
			assert_int_equal(r, 0);
			return;
		}
		if (r != -1)
			fail_msg("a reader answered %d with its step %ld "
			    "failing", r, k);
	}
	fail_msg("a reader took more than %d steps", MAX_STEPS);
}

static void
test_every_reader_fails_whole(void **state)
{
	static const reader_fn readers[] = {
		r_search, r_caseload, r_glass, r_dismissed, r_linked,
		r_person, r_entry, r_counts, r_other_admin
	};
	struct store	*st;
	size_t		 i;

	(void)state;
	assert_non_null(st = store_open(":memory:", true));
	assert_int_equal(store_exec(st, FILL), 0);
	for (i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		assert_int_equal(readers[i](st), 0);
		each_step_fails(st, readers[i]);
	}
	store_close(st);
}

/* A callback that stops early is an answer, not an error. */
static int
stop_first(const struct store_ui_pair *p, void *arg)
{
	(void)p;
	(void)arg;
	nrows++;
	return (1);
}

static void
test_stop(void **state)
{
	struct store	*st;

	(void)state;
	assert_non_null(st = store_open(":memory:", true));
	assert_int_equal(store_exec(st, FILL), 0);
	nrows = 0;
	assert_int_equal(store_ui_dismissed_each(st, stop_first, NULL), 1);
	assert_int_equal(nrows, 1);
	/* The statement was reset: the next listing starts again. */
	nrows = 0;
	assert_int_equal(store_ui_dismissed_each(st, count_pair, NULL), 0);
	assert_int_equal(nrows, 2);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_reader_fails_whole),
		cmocka_unit_test(test_stop),
	};

	log_init("test_store_ui", 1, false);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
