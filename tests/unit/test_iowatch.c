/*
 * tests/unit/test_iowatch.c: node/iowatch.c, the VFS every database of the
 * node is opened through.  Under it, a counting VFS notes each write that
 * reaches a WAL file.  A transaction of many pages is written to its WAL
 * in about one write a frame, not two (the frame's header goes with its
 * page); and what is on the disk is whole: a copy of the database and its
 * WAL, taken while the writer still holds them and opened with SQLite's
 * own VFS, has every row, for commits with and without a sync.
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

#include "node/iowatch.h"
#include "tests/unit/testvfs.h"

#define PAGE		4096
#define ROWS		120	/* rows of a transaction, about a page each */
#define FRAME		(PAGE + 24)

/* Register the counting VFS as the default, then iowatch over it. */
static void
install(void)
{
	assert_int_equal(testvfs_register(), 0);
	assert_int_equal(iowatch_install(), 0);
	assert_string_equal(sqlite3_vfs_find(NULL)->zName, "opora-iowatch");
}

struct fixture {
	char	 dir[64];
	char	 path[96];
	sqlite3	*db;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/opora-iowatch-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->db, "PRAGMA page_size = 4096;"
	    "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
	    "CREATE TABLE t (n INTEGER PRIMARY KEY, b BLOB NOT NULL);",
	    NULL, NULL, NULL), SQLITE_OK);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[128];

	sqlite3_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return (0);
}

/* Commit ROWS rows of about a page each, numbered from first; rows whose
 * bytes are the row's number, repeated. */
static void
commit_rows(sqlite3 *db, int first)
{
	sqlite3_stmt	*s;
	unsigned char	 b[3000];
	int		 i;

	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t (n, b) "
	    "VALUES (?, ?)", -1, &s, NULL), SQLITE_OK);
	for (i = first; i < first + ROWS; i++) {
		memset(b, i & 0xff, sizeof(b));
		sqlite3_bind_int(s, 1, i);
		sqlite3_bind_blob(s, 2, b, (int)sizeof(b), SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
}

static off_t
size_of(const char *path)
{
	struct stat	 sb;

	assert_int_equal(stat(path, &sb), 0);
	return (sb.st_size);
}

/* Every row of 0..n-1 is in the database at path, read with SQLite's own
 * VFS, whole. */
static void
rows_whole(const char *path, int n)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	const unsigned char *b;
	int		 k = 0, i, len;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    "unix"), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT n, b FROM t ORDER BY "
	    "n", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_int_equal(sqlite3_column_int(s, 0), k);
		b = sqlite3_column_blob(s, 1);
		len = sqlite3_column_bytes(s, 1);
		assert_int_equal(len, 3000);
		for (i = 0; i < len; i++)
			assert_int_equal(b[i], k & 0xff);
		k++;
	}
	sqlite3_finalize(s);
	assert_int_equal(k, n);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* A frame's header and its page go in one write. */
static void
test_frame_one_write(void **state)
{
	struct fixture	*f = *state;
	char		 wal[128];
	off_t		 before;
	long		 frames;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_int_equal(sqlite3_exec(f->db, "PRAGMA synchronous = FULL",
	    NULL, NULL, NULL), SQLITE_OK);
	before = size_of(wal);
	wal_writes = 0;
	commit_rows(f->db, 0);
	frames = (long)((size_of(wal) - before) / FRAME);
	assert_true(frames >= ROWS);
	/* A frame or two written apart at most: two writes a frame would
	 * be 2 x frames. */
	assert_true(wal_writes >= frames);
	assert_true(wal_writes <= frames + 4);
}

/* Copy the database and its WAL while f->db holds them, and check the
 * copy with SQLite's own VFS. */
static void
copy_whole(struct fixture *f, int n)
{
	char	 cmd[1024], copy[128];

	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm && cp %s %s && "
	    "cp %s-wal %s-wal", copy, copy, copy, f->path, copy, f->path,
	    copy);
	assert_int_equal(system(cmd), 0);
	rows_whole(copy, n);
}

/* What the WAL holds is whole after each commit, synced or not, and
 * another connection (through iowatch) reads every row. */
static void
test_wal_whole(void **state)
{
	struct fixture	*f = *state;
	sqlite3		*other;
	sqlite3_stmt	*s;

	assert_int_equal(sqlite3_exec(f->db, "PRAGMA synchronous = FULL",
	    NULL, NULL, NULL), SQLITE_OK);
	commit_rows(f->db, 0);
	copy_whole(f, ROWS);
	assert_int_equal(sqlite3_exec(f->db, "PRAGMA synchronous = NORMAL",
	    NULL, NULL, NULL), SQLITE_OK);
	commit_rows(f->db, ROWS);
	copy_whole(f, 2 * ROWS);
	commit_rows(f->db, 2 * ROWS);
	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(other, "SELECT count(*), "
	    "sum(length(b)) FROM t", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 3 * ROWS);
	assert_int_equal(sqlite3_column_int64(s, 1), 3 * ROWS * 3000);
	sqlite3_finalize(s);
	sqlite3_close(other);
	copy_whole(f, 3 * ROWS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frame_one_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_whole, setup,
		    teardown),
	};

	install();
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
