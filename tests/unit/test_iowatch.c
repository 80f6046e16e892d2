/*
 * tests/unit/test_iowatch.c: node/iowatch.c, the VFS every database of the
 * node is opened through.  Under it, a counting VFS notes each write that
 * reaches a WAL file.  A transaction of many pages is written to its WAL
 * in a few writes, each under 128 KiB, not two a frame; what is on the
 * disk is whole: a copy of the database and its WAL, taken while the
 * writer still holds them and opened with SQLite's own VFS, has every
 * row, for commits with and without a sync; and a write to the WAL that
 * fails at any point of a transaction larger than the cache (its pages
 * spilled to the WAL, read back, changed again) leaves a database that is
 * whole, whatever the caller does after the error, and a WAL that takes
 * the next transaction.
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

/* Every row of the database at path is whole (its bytes its number), and
 * the database passes its integrity check; the number of rows. */
static int
rows_each_whole(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	const unsigned char *b;
	int		 k = 0, i, len, n;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    "unix"), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT n, b FROM t", -1, &s,
	    NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n = sqlite3_column_int(s, 0);
		b = sqlite3_column_blob(s, 1);
		len = sqlite3_column_bytes(s, 1);
		assert_int_equal(len, 3000);
		for (i = 0; i < len; i++)
			assert_int_equal(b[i], n & 0xff);
		k++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (k);
}

/* The database at path, read with SQLite's own VFS, is whole and has n
 * rows. */
static void
rows_whole(const char *path, int n)
{
	assert_int_equal(rows_each_whole(path), n);
}

/* The frames of a transaction go in few writes, none of 128 KiB (which
 * SQLite's unix VFS would cut). */
static void
test_frames_gathered(void **state)
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
	wal_write_max = 0;
	commit_rows(f->db, 0);
	frames = (long)((size_of(wal) - before) / FRAME);
	assert_true(frames >= ROWS);
	/* 29 frames a write, and the WAL's own header. */
	assert_true(wal_writes >= frames / 29);
	assert_true(wal_writes <= frames / 29 + 3);
	assert_true(wal_write_max >= 29 * FRAME);
	assert_true(wal_write_max < 128 * 1024);
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

/* Insert row i of about a page, and write row i / 2 again with the same
 * bytes (a page written before, perhaps spilled); SQLITE_DONE, or the
 * first step's error, and in *inserted whether row i was inserted. */
static int
insert_change(sqlite3 *db, int i, int *inserted)
{
	sqlite3_stmt	*s;
	unsigned char	 b[3000];
	int		 rc;

	memset(b, i & 0xff, sizeof(b));
	if (sqlite3_prepare_v2(db, "INSERT INTO t (n, b) VALUES (?, ?)", -1,
	    &s, NULL) != SQLITE_OK)
		return (SQLITE_ERROR);
	sqlite3_bind_int(s, 1, i);
	sqlite3_bind_blob(s, 2, b, (int)sizeof(b), SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	*inserted = rc == SQLITE_DONE;
	if (rc != SQLITE_DONE)
		return (rc);
	memset(b, (i / 2) & 0xff, sizeof(b));
	if (sqlite3_prepare_v2(db, "UPDATE t SET b = ? WHERE n = ?", -1, &s,
	    NULL) != SQLITE_OK)
		return (SQLITE_ERROR);
	sqlite3_bind_blob(s, 1, b, (int)sizeof(b), SQLITE_STATIC);
	sqlite3_bind_int(s, 2, i / 2);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return (rc);
}

/* Delete every row past the first ROWS. */
static void
cut_back(sqlite3 *db)
{
	sqlite3_stmt	*s;

	assert_int_equal(sqlite3_prepare_v2(db, "DELETE FROM t WHERE n >= ?",
	    -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int(s, 1, ROWS);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

/*
 * The WAL full at its n-th write from the start of a transaction of 200
 * rows in a cache of 8 pages (so its pages are spilled to the WAL, read
 * back and changed), for every n the transaction makes; each failure is
 * reported to the caller.  The caller goes
 * on after an error, as a careless one would, and commits: SQLite undoes
 * the statement that met a full disk, or the whole transaction, and what
 * follows may commit.  Whatever committed is whole: the database passes
 * its integrity check and has exactly the rows whose insert SQLite
 * reported done and that a commit then kept, each with its own bytes;
 * and it takes a transaction after it.
 */
static void
test_wal_full_anywhere(void **state)
{
	struct fixture	*f = *state;
	int		 n, total, i, in, pending, kept, failed, open_before;
	int		 done = 0;

	assert_int_equal(sqlite3_exec(f->db, "PRAGMA cache_size = 8; "
	    "PRAGMA synchronous = NORMAL", NULL, NULL, NULL), SQLITE_OK);
	commit_rows(f->db, 0);
	/* How many WAL writes the transaction makes. */
	wal_writes = 0;
	assert_int_equal(sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	for (i = ROWS; i < ROWS + 200; i++)
		assert_int_equal(insert_change(f->db, i, &in), SQLITE_DONE);
	assert_int_equal(sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	total = wal_writes;
	assert_true(total > 3);
	for (n = 1; !done && n <= 4 * total; n++) {
		testvfs_fail_wal = n;
		failed = pending = kept = 0;
		(void)sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL);
		for (i = ROWS; i < ROWS + 200; i++) {
			open_before = !sqlite3_get_autocommit(f->db);
			if (insert_change(f->db, i, &in) != SQLITE_DONE)
				failed = 1;
			if (!sqlite3_get_autocommit(f->db))
				pending += in;
			else if (open_before)
				pending = 0;	/* SQLite undid it all */
			else
				kept += in;	/* a transaction of its own */
		}
		if (sqlite3_get_autocommit(f->db))
			;
		else if (sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) ==
		    SQLITE_OK)
			kept += pending;
		else {
			failed = 1;
			(void)sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
		}
		/* A write that failed is reported to the caller; past the
		 * transaction's last write nothing fails. */
		done = testvfs_fail_wal > 0;
		assert_int_equal(failed, !done);
		if (done)
			assert_int_equal(kept, 200);
		testvfs_fail_wal = 0;
		assert_int_equal(rows_each_whole(f->path), ROWS + kept);
		/* Back to the first rows, then a transaction taken whole. */
		cut_back(f->db);
		assert_int_equal(insert_change(f->db, 1000, &in), SQLITE_DONE);
		assert_int_equal(rows_each_whole(f->path), ROWS + 1);
		cut_back(f->db);
	}
	assert_true(done);
	assert_true(n > total);
}

/*
 * A transaction larger than the cache, its pages spilled to the WAL, is
 * rolled back by one connection; another then commits rows, whose frames
 * land where the spilled ones were; the first reads again (its WAL file's
 * calls).  What the second committed is whole: the first never writes
 * the frames of its rolled-back transaction over them.
 */
static void
test_rollback_then_other(void **state)
{
	struct fixture	*f = *state;
	sqlite3		*other;
	sqlite3_stmt	*s;
	int		 i, in, round;

	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->db, "PRAGMA cache_size = 8",
	    NULL, NULL, NULL), SQLITE_OK);
	commit_rows(f->db, 0);
	for (round = 0; round < 3; round++) {
		/* Back to ROWS rows, the WAL checkpointed and started
		 * again from its beginning at the next write. */
		cut_back(f->db);
		assert_int_equal(sqlite3_wal_checkpoint_v2(f->db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(f->db, "BEGIN", NULL, NULL,
		    NULL), SQLITE_OK);
		for (i = ROWS; i < ROWS + 100; i++)
			assert_int_equal(insert_change(f->db, i, &in),
			    SQLITE_DONE);
		assert_int_equal(sqlite3_exec(f->db, "ROLLBACK", NULL, NULL,
		    NULL), SQLITE_OK);
		commit_rows(other, 2000 + round * ROWS);
		/* The first connection reads: its WAL's calls again. */
		assert_int_equal(sqlite3_prepare_v2(f->db, "SELECT count(*) "
		    "FROM t", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 2 * ROWS);
		sqlite3_finalize(s);
		assert_int_equal(rows_each_whole(f->path), 2 * ROWS);
	}
	sqlite3_close(other);
}

/* A WAL frame's header for page pg: a commit frame if size > 0. */
static void
frame_header(unsigned char h[24], unsigned pg, unsigned size)
{
	memset(h, 0, 24);
	h[0] = (unsigned char)(pg >> 24);
	h[1] = (unsigned char)(pg >> 16);
	h[2] = (unsigned char)(pg >> 8);
	h[3] = (unsigned char)pg;
	h[4] = (unsigned char)(size >> 24);
	h[5] = (unsigned char)(size >> 16);
	h[6] = (unsigned char)(size >> 8);
	h[7] = (unsigned char)size;
}

/*
 * The calls on a WAL file, made directly: frames are held until a commit
 * frame's page or a sync; a run that could not be written fails every
 * later write past its start and every sync, until the frames are written
 * again from that start, and then all is as written.
 */
static void
test_run_calls(void **state)
{
	struct fixture	*f = *state;
	sqlite3_vfs	*vfs = sqlite3_vfs_find(NULL);
	sqlite3_file	*w;
	char		 name[128];
	unsigned char	 h[24], page[PAGE], back[FRAME];
	const sqlite3_int64 at = 32;	/* the first frame, after the WAL's header */
	int		 outflags, before;

	FILE		*db;

	/* A WAL of a database of its own (its file must exist); SQLite's
	 * names of a WAL end in two NULs. */
	memset(name, 0, sizeof(name));
	snprintf(name, sizeof(name) - 2, "%s/x.db", f->dir);
	assert_non_null(db = fopen(name, "w"));
	fclose(db);
	strcat(name, "-wal");
	assert_non_null(w = calloc(1, (size_t)vfs->szOsFile));
	assert_int_equal(vfs->xOpen(vfs, name, w, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL, &outflags), SQLITE_OK);
	memset(page, 7, sizeof(page));

	/* A frame that is not a commit's: held. */
	before = wal_writes;
	frame_header(h, 1, 0);
	assert_int_equal(w->pMethods->xWrite(w, h, 24, at), SQLITE_OK);
	assert_int_equal(w->pMethods->xWrite(w, page, PAGE, at + 24),
	    SQLITE_OK);
	assert_int_equal(wal_writes, before);
	/* Its run cannot be written: the sync says so, and then every
	 * write past the run's start and every sync. */
	testvfs_fail_wal = 1;
	assert_int_equal(w->pMethods->xSync(w, SQLITE_SYNC_NORMAL),
	    SQLITE_FULL);
	assert_int_equal(testvfs_fail_wal, 0);
	frame_header(h, 2, 2);
	assert_int_equal(w->pMethods->xWrite(w, h, 24, at + FRAME),
	    SQLITE_FULL);
	assert_int_equal(w->pMethods->xWrite(w, page, PAGE, at + FRAME + 24),
	    SQLITE_FULL);
	assert_int_equal(w->pMethods->xSync(w, SQLITE_SYNC_NORMAL),
	    SQLITE_FULL);
	/* Written again from the start: taken, and a commit frame goes to
	 * the file with its page, before any other call. */
	frame_header(h, 1, 0);
	assert_int_equal(w->pMethods->xWrite(w, h, 24, at), SQLITE_OK);
	assert_int_equal(w->pMethods->xWrite(w, page, PAGE, at + 24),
	    SQLITE_OK);
	frame_header(h, 2, 2);
	before = wal_writes;
	assert_int_equal(w->pMethods->xWrite(w, h, 24, at + FRAME),
	    SQLITE_OK);
	assert_int_equal(wal_writes, before);
	assert_int_equal(w->pMethods->xWrite(w, page, PAGE, at + FRAME + 24),
	    SQLITE_OK);
	assert_int_equal(wal_writes, before + 1);
	assert_int_equal(wal_write_max >= 2 * FRAME, 1);
	assert_int_equal(w->pMethods->xSync(w, SQLITE_SYNC_NORMAL),
	    SQLITE_OK);
	assert_int_equal(w->pMethods->xRead(w, back, FRAME, at + FRAME),
	    SQLITE_OK);
	assert_memory_equal(back, h, 24);
	assert_memory_equal(back + 24, page, PAGE);
	assert_int_equal(w->pMethods->xClose(w), SQLITE_OK);
	free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frames_gathered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wal_full_anywhere, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_run_calls, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback_then_other,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_whole, setup,
		    teardown),
	};

	install();
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
