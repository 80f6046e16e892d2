/*
 * tests/unit/test_ckpt.c: node/ckpt.c, the WAL checkpointed on another
 * thread.  While a ckpt runs, commit after commit: the thread checkpoints
 * (its count grows, and the database file with it); the -wal file stays
 * near the threshold, where without checkpoints it grows with every
 * commit; every row is there, read by another connection, and the
 * database passes its integrity check; once stopped, the writer's
 * connection no longer calls into the freed ckpt.  ckpt_auto, SQLite's
 * automatic checkpoint counted: while the database file cannot be written
 * (a failing disk, under tests/unit/testvfs.h), commits go on into the WAL
 * and each failed checkpoint is counted; once it can, the next checkpoint
 * copies everything and is not counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "node/ckpt.h"
#include "tests/unit/testvfs.h"

#define PAGE		4096
#define EVERY		200	/* frames */
#define ROWS		40	/* rows of a transaction, a page each */
#define COMMITS		60

struct fixture {
	char	 dir[64];
	char	 path[96];
	char	 wal[100];
	sqlite3	*db;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/opora-ckpt-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	snprintf(f->wal, sizeof(f->wal), "%s-wal", f->path);
	assert_int_equal(sqlite3_open_v2(f->path, &f->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->db, "PRAGMA page_size = 4096;"
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    "PRAGMA wal_autocheckpoint = 0;"
	    "CREATE TABLE t (n INTEGER PRIMARY KEY, b BLOB NOT NULL);",
	    NULL, NULL, NULL), SQLITE_OK);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 p[128];

	sqlite3_close(f->db);
	unlink(f->path);
	unlink(f->wal);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return (0);
}

static long long
file_size(const char *path)
{
	struct stat	 sb;

	return (stat(path, &sb) == 0 ? (long long)sb.st_size : 0);
}

/* One transaction of ROWS rows of a page each, numbered from first. */
static void
commit_rows(sqlite3 *db, int first)
{
	sqlite3_stmt	*s;
	static char	 blob[PAGE - 200];
	int		 i;

	memset(blob, 'x', sizeof(blob));
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	    "INSERT INTO t (n, b) VALUES (?, ?)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < ROWS; i++) {
		sqlite3_bind_int(s, 1, first + i);
		sqlite3_bind_blob(s, 2, blob, sizeof(blob), SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
}

static long long
count_rows(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 n = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1,
	    &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (n);
}

/* With no checkpoint at all, the -wal file grows with every commit: what
 * the next test's bound is measured against. */
static void
test_without_grows(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	for (i = 0; i < COMMITS; i++)
		commit_rows(f->db, i * ROWS);
	assert_true(file_size(f->wal) >
	    (long long)COMMITS * ROWS * PAGE);
}

static void
test_aside(void **state)
{
	struct fixture	*f = *state;
	struct ckpt	*c;
	sqlite3_stmt	*s;
	long long	 most = 0, db0, sz;
	/* The threshold, a transaction written while the thread had not
	 * caught up, and one more that started before the WAL restarted;
	 * a frame is a page and its 24-byte header. */
	long long	 bound = (long long)(EVERY + 3 * (ROWS + 4)) *
			    (PAGE + 24) + 32;
	int		 i;

	db0 = file_size(f->path);
	assert_non_null(c = ckpt_start(f->db, f->path, EVERY));
	for (i = 0; i < COMMITS; i++) {
		commit_rows(f->db, i * ROWS);
		if ((sz = file_size(f->wal)) > most)
			most = sz;
	}
	/* The thread ran, and copied frames into the database. */
	assert_true(ckpt_runs(c) > 0);
	assert_true(file_size(f->path) > db0);
	/* The WAL went back to its beginning: it never held much more than
	 * the threshold, where 60 commits without a checkpoint are 2,400
	 * frames. */
	assert_true(most <= bound);
	ckpt_stop(c);
	assert_int_equal(count_rows(f->path), (long long)COMMITS * ROWS);
	assert_int_equal(sqlite3_prepare_v2(f->db, "PRAGMA integrity_check",
	    -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	/* Stopped: commits go on without calling into the freed ckpt (the
	 * sanitized build would see it), and without checkpoints: the WAL
	 * holds at least the ten transactions after it. */
	for (i = COMMITS; i < COMMITS + 10; i++)
		commit_rows(f->db, i * ROWS);
	assert_true(file_size(f->wal) >= 10LL * ROWS * PAGE);
	assert_int_equal(count_rows(f->path), (long long)(COMMITS + 10) *
	    ROWS);
}

/* Checkpoints that fail are counted, and nothing is lost meanwhile. */
static void
test_auto_counted(void **state)
{
	struct fixture	*f = *state;
	unsigned long	 before, during;
	long long	 db0, wal_failing;
	int		 i;

	ckpt_auto(f->db, EVERY);
	/* The threshold met with a disk that works: no failure. */
	before = ckpt_failures();
	for (i = 0; i < 6; i++)
		commit_rows(f->db, i * ROWS);
	assert_true(ckpt_failures() == before);
	db0 = file_size(f->path);
	assert_true(db0 > (long long)EVERY * PAGE / 2);
	/* The database file fails: every commit past the threshold tries a
	 * checkpoint, which fails and is counted; the commits are kept. */
	testvfs_fail_db = 1;
	for (i = 6; i < 18; i++)
		commit_rows(f->db, i * ROWS);
	testvfs_fail_db = 0;
	during = ckpt_failures();
	assert_true(during >= before + 6);
	wal_failing = file_size(f->wal);
	assert_true(wal_failing > 10LL * ROWS * PAGE);
	assert_int_equal(count_rows(f->path), 18LL * ROWS);
	/* The disk back: the next checkpoint copies it all, uncounted, and
	 * the WAL starts again from its beginning: the -wal file, as long
	 * as the failures made it, no longer grows. */
	for (i = 18; i < 30; i++)
		commit_rows(f->db, i * ROWS);
	assert_true(ckpt_failures() == during);
	assert_true(file_size(f->path) > db0 + 10LL * ROWS * PAGE);
	assert_true(file_size(f->wal) <= wal_failing + (long long)(ROWS + 4) *
	    (PAGE + 24));
	assert_int_equal(count_rows(f->path), 30LL * ROWS);
}

/* A database the thread cannot open (it opens its connection at its
 * first checkpoint): it copies nothing, and the writer checkpoints by
 * itself once the WAL holds EVERY frames, so the WAL stays near EVERY
 * frames all the same and every row is there. */
static void
test_bad_path(void **state)
{
	struct fixture	*f = *state;
	struct ckpt	*c;
	char		 p[128];
	long long	 most = 0, sz;
	long long	 bound = (long long)(EVERY + 3 * (ROWS + 4)) *
			    (PAGE + 24) + 32;
	int		 i;

	snprintf(p, sizeof(p), "%s/none/t.db", f->dir);
	assert_non_null(c = ckpt_start(f->db, p, EVERY));
	for (i = 0; i < COMMITS; i++) {
		commit_rows(f->db, i * ROWS);
		if ((sz = file_size(f->wal)) > most)
			most = sz;
	}
	assert_true(most <= bound);
	ckpt_stop(c);
	assert_int_equal(count_rows(f->path), (long long)COMMITS * ROWS);
	ckpt_stop(NULL);
}

/* Commits that never fill half of EVERY frames: the thread is never
 * asked, so it never opens its connection (a small import pays nothing
 * for it). */
static void
test_small_unasked(void **state)
{
	struct fixture	*f = *state;
	struct ckpt	*c;

	assert_non_null(c = ckpt_start(f->db, f->path, EVERY * 10));
	commit_rows(f->db, 0);
	assert_int_equal(ckpt_runs(c), 0);
	ckpt_stop(c);
	assert_int_equal(count_rows(f->path), ROWS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_without_grows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_small_unasked, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_auto_counted, setup,
		    teardown),
	};

	if (testvfs_register() != 0)
		return (1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
