/*
 * tests/unit/test_store_account.c: the readers of accounts, sessions, the
 * audit log and erasure (node/store_account.h, store_audit.h,
 * store_erase.h, through node/account.h, session.h, audit.h, erase.h and
 * cli_audit_all) say "error" when a step of their statements fails,
 * never a shorter list, "no such account", an expired session, an audit
 * log that verifies because rows were skipped, or fewer dossiers due.
 * Each runs with its first step failing, then its second, and so on
 * until a run no longer reaches the failing step (store_test_fail_step);
 * every run that met the failure must return -1.  And a copy of the
 * database (store_backup.h) holds what it copied, or says why not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "node/account.h"
#include "node/audit.h"
#include "node/cli.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/session.h"
#include "node/store.h"
#include "node/store_account.h"
#include "node/store_backup.h"

#define T0	INT64_C(1767225600)	/* 2026-01-01T00:00:00Z */
#define D(c)	"5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4" c
#define ID(c)	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" c
/* No reader here takes more steps than this. */
#define MAX_STEPS	200
#define PW		"correct horse battery"

static char		 dir[64];
static struct node	*nd;
static char		 tok[SESSION_TOKEN_HEX + 1];

/*
 * Three dossiers in RU-SMO's custody whose support ended in 2010 (due
 * for erasure after 5 years), one more of RU-KLU's that was offered to
 * RU-SMO and declined (to be forgotten), and D("5") erased.
 */
#define PERSON(d, region) \
    "INSERT INTO persons (dossier, origin, custodian, created, updated," \
    " nchanges, last_hlc, last_key, last_id) VALUES ('" d "', '" region \
    "', '" region "', '', '', 1, '', '', '');"
#define EPISODE(d) \
    "INSERT INTO episodes (id, dossier, pos, opened, closed) VALUES ('e', '" \
    d "', 0, '2009-01-01', '2010-01-01');"
static const char FILL[] =
    PERSON(D("1"), "RU-SMO") EPISODE(D("1"))
    PERSON(D("2"), "RU-SMO") EPISODE(D("2"))
    PERSON(D("3"), "RU-SMO") EPISODE(D("3"))
    PERSON(D("4"), "RU-KLU")
    "INSERT INTO transfers (id, dossier, pos, \"from\", \"to\", state,"
    " decided, decided_by) VALUES ('t', '" D("4") "', 0, 'RU-KLU',"
    " 'RU-SMO', 'declined', '01', '" ID("1") "'),"
    " ('t2', '" D("4") "', 1, 'RU-KLU', 'RU-SMO', 'cancelled', '02',"
    " '" ID("2") "');"
    "INSERT INTO forgotten (dossier, kind, id, at) VALUES ('" D("5") "',"
    " 'erased', '" ID("5") "', 0);"
    "INSERT INTO dossier_centres (dossier, centre, at) VALUES ('" D("1")
    "', 'Смоленский центр', 0);";

static void
add(const char *login, enum access_role role)
{
	struct account	 a;

	memset(&a, 0, sizeof(a));
	snprintf(a.login, sizeof(a.login), "%s", login);
	snprintf(a.name, sizeof(a.name), "Петрова Елена");
	snprintf(a.centre, sizeof(a.centre), "Смоленский центр");
	a.role = role;
	a.enabled = true;
	assert_int_equal(account_add(nd->st, &a, PW, NULL, 0, T0), 0);
}

static int
setup(void **state)
{
	struct audit_entry	 e = { "petrova", "curator", "opora", "cli",
				    "read", D("1") " " D("2"), "", "own" };
	char			 csrf[SESSION_TOKEN_HEX + 1];
	int			 i;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/opora-sacct.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	rmdir(dir);
	if (node_init(dir, "RU-SMO", NULL, NULL) == -1 ||
	    (nd = node_open(dir, "test")) == NULL)
		return (-1);
	if (store_exec(nd->st, FILL) == -1)
		return (-1);
	add("admin", ROLE_ADMIN);
	add("ivanov", ROLE_SUPERVISOR);
	add("petrova", ROLE_CURATOR);
	if (session_create(nd->st, "petrova", T0, tok, csrf) == -1 ||
	    session_glass_grant(nd->st, tok, D("2"), "a call", T0) == -1)
		return (-1);
	for (i = 0; i < 5; i++)
		if (audit_record(nd, &e) == -1)
			return (-1);
	return (0);
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	node_close(nd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

/* A reader under test, on nd: what it returns (-1: an error). */
typedef int (*reader_fn)(void);

/*
 * Run fn with its k-th step failing with code, for k = 1, 2, ... until a
 * run does not reach the k-th step; every run that reached it returns
 * -1.  The last run, undisturbed, must succeed, with want.  Returns how
 * many steps the reader took.
 */
static long
each_step_fails(reader_fn fn, int code, int want)
{
	long	 k;
	int	 r;

	for (k = 1; k <= MAX_STEPS; k++) {
		store_test_fail_step(nd->st, k, code);
		r = fn();
		if (store_test_fail_step(nd->st, 0, 0) != 0) {
			/* Not reached: the reader ran to its end. */
			assert_int_equal(r, want);
			return (k - 1);
		}
		if (r != -1)
			fail_msg("a reader answered %d with its step %ld "
			    "failing (code %d)", r, k, code);
		assert_int_equal(store_step_error(nd->st), code);
	}
	fail_msg("a reader took more than %d steps", MAX_STEPS);
	return (0);
}

/* Both a transient and a final failure. */
static void
each_code(reader_fn fn, int want, long min_steps)
{
	assert_true(each_step_fails(fn, SQLITE_IOERR_READ, want) >=
	    min_steps);
	assert_true(each_step_fails(fn, SQLITE_CORRUPT, want) >= min_steps);
}

static int
count_one(const struct account *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
	return (0);
}

/* The list of accounts: all three, or an error. */
static int
r_account_each(void)
{
	int	 n = 0;

	if (account_each(nd->st, count_one, &n) != 0)
		return (-1);
	return (n);
}

static int
r_account_get(void)
{
	struct account	 a;

	return (account_get(nd->st, "petrova", &a));
}

static int
r_account_get_none(void)
{
	struct account	 a;

	return (account_get(nd->st, "nobody", &a));
}

static int
r_other_admin(void)
{
	return (account_other_admin(nd->st, "ivanov"));
}

static int
r_login(void)
{
	struct account	 a;
	int64_t		 wait;

	return (account_login(nd->st, "petrova", PW, NULL, "10.0.0.1", T0,
	    NULL, &a, &wait));
}

static int
r_count(void)
{
	return ((int)account_count(nd->st));
}

static void
test_accounts(void **state)
{
	(void)state;
	each_code(r_account_each, 3, 4);
	/* "No such account" only when there is none. */
	each_code(r_account_get, 0, 1);
	each_code(r_account_get_none, 1, 1);
	each_code(r_other_admin, 1, 1);
	each_code(r_count, 3, 1);
	/* A login whose counters or secrets cannot be read is no "wrong
	 * password" (and counts nothing). */
	each_code(r_login, ACCOUNT_OK, 4);
}

static int
r_session(void)
{
	struct session	 s;

	return (session_check(nd->st, tok, T0 + 60, 1800, 43200, &s));
}

static int
r_session_gone(void)
{
	struct session	 s;
	char		 other[SESSION_TOKEN_HEX + 1];

	memset(other, 'f', SESSION_TOKEN_HEX);
	other[SESSION_TOKEN_HEX] = '\0';
	return (session_check(nd->st, other, T0 + 60, 1800, 43200, &s));
}

static int
r_glass(void)
{
	return (session_glass_has(nd->st, tok, D("2")));
}

static int
r_glass_none(void)
{
	return (session_glass_has(nd->st, tok, D("3")));
}

static int
r_centre(void)
{
	char	 c[ACCOUNT_CENTRE_MAX + 1];

	return (account_dossier_centre(nd->st, D("1"), c, sizeof(c)));
}

static void
test_sessions(void **state)
{
	(void)state;
	/* A session that cannot be read has not expired. */
	each_code(r_session, 0, 1);
	each_code(r_session_gone, 1, 1);
	each_code(r_glass, 1, 1);
	each_code(r_glass_none, 0, 1);
	each_code(r_centre, 0, 1);
}

static int
count_entry(int64_t seq, int64_t at, const char *const *col, void *arg)
{
	(void)seq;
	(void)at;
	(void)col;
	(*(int *)arg)++;
	return (0);
}

/* The entries naming D("2"): all five, or an error. */
static int
r_audit_each(void)
{
	int	 n = 0;

	if (audit_each(nd, D("2"), NULL, -1, count_entry, &n) != 0)
		return (-1);
	return (n);
}

static int
r_audit_verify(void)
{
	char	 why[256];
	int64_t	 ne, nc;
	int	 r;

	if ((r = audit_verify(nd, &ne, &nc, why, sizeof(why))) != 0)
		return (r);
	return ((int)ne);
}

static int
r_audit_record(void)
{
	struct audit_entry	 e = { "admin", "admin", "opora", "cli",
				    "user list", "", "", "" };

	return (audit_record(nd, &e));
}

static int
r_audit_all(void)
{
	return (cli_audit_all(nd, "backup", "/tmp/x"));
}

static void
test_audit(void **state)
{
	(void)state;
	each_code(r_audit_each, 5, 6);
	/* A walk cut short is an error, never a chain that holds: 5
	 * entries (with a checkpoint, whose entry and key are read). */
	each_code(r_audit_verify, 5, 6);
	each_code(r_audit_record, 0, 2);
	/* Every dossier of the node in one entry (a backup), or none. */
	each_code(r_audit_all, 0, 5);
	/* Five, one per code of r_audit_record and of r_audit_all. */
	assert_int_equal(r_audit_verify(), 5 + 2 + 2);
}

static int
r_due(void)
{
	char	 out[8][37];

	return (erase_due(nd, 5, "2026-12-01", out, 8));
}

static int
r_due_cut(void)
{
	char	 out[2][37];

	return (erase_due(nd, 5, "2026-12-01", out, 2));
}

static int
r_kind(void)
{
	char	 id[65];

	return (erase_kind(nd->st, D("5"), id));
}

static int
r_kind_none(void)
{
	return (erase_kind(nd->st, D("1"), NULL));
}

/* Forget D("4"), then undo it: each run starts from the same data. */
static int
r_forget(void)
{
	int	 r;

	if (store_begin(nd->st) == -1)
		return (-2);
	r = erase_forget_ended(nd, D("4"));
	store_rollback(nd->st);
	return (r);
}

static void
test_erase(void **state)
{
	char	 id[65];

	(void)state;
	/* Three due: never two because the third could not be read. */
	each_code(r_due, 3, 4);
	each_code(r_due_cut, 2, 2);
	each_code(r_kind, ERASE_ERASED, 1);
	each_code(r_kind_none, ERASE_NONE, 1);
	each_code(r_forget, 1, 4);
	assert_int_equal(erase_kind(nd->st, D("5"), id), ERASE_ERASED);
	assert_string_equal(id, ID("5"));
	/* The newest ended offer names the forgetting. */
	assert_int_equal(store_begin(nd->st), 0);
	assert_int_equal(erase_forget_ended(nd, D("4")), 1);
	assert_int_equal(erase_kind(nd->st, D("4"), id), ERASE_DECLINED);
	assert_string_equal(id, ID("2"));
	store_rollback(nd->st);
}

static void
say_count(const char *msg, void *arg)
{
	(void)msg;
	(*(int *)arg)++;
}

static void
test_backup(void **state)
{
	char	 p[128], q[128];
	int64_t	 changes = -1;
	int	 said = 0, r;
	FILE	*f;

	(void)state;
	snprintf(p, sizeof(p), "%s/copy.db", dir);
	assert_non_null(f = fopen(p, "w"));
	fclose(f);
	assert_int_equal(store_backup_to(nd->st, p, true, &changes,
	    say_count, &said), 0);
	assert_int_equal(said, 0);
	assert_int_equal(changes, 0);
	/* A copy of the copy holds the same accounts. */
	snprintf(q, sizeof(q), "%s/copy2.db", dir);
	assert_non_null(f = fopen(q, "w"));
	fclose(f);
	assert_int_equal(store_backup_file(p, q, false, &changes, say_count,
	    &said), 0);
	/* What is not a database is said, and no copy. */
	assert_non_null(f = fopen(p, "w"));
	fputs("not a database, whatever its name says\n", f);
	fclose(f);
	unlink(q);
	assert_non_null(f = fopen(q, "w"));
	fclose(f);
	r = store_backup_file(p, q, true, &changes, say_count, &said);
	assert_int_not_equal(r, 0);
	assert_true(said > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accounts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
