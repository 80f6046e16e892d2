/*
 * node/iowatch.c: a pass-through SQLite VFS that records I/O errors
 * (node/iowatch.h).
 *
 * Each file opened through it is a struct wfile followed by the file of the
 * VFS it wraps; every method calls that file's method and, for the calls
 * that move data, notes an I/O error.  The io_methods are given only if
 * the wrapped open succeeded, as SQLite requires (a failed open is not
 * closed).
 *
 * It also writes a WAL in few system calls where SQLite makes two a
 * frame (its 24-byte header, then its page just after it).  The frames
 * SQLite writes one after another are gathered (copied) into a run, and
 * the run is written in one call when a commit frame's page completes it
 * (the frame whose header gives the database's size), when it would pass
 * WAL_RUN_MAX bytes, and before any other call on that file that reads
 * it, syncs it, truncates it, asks its size, writes elsewhere or closes
 * it.  So the file holds, at every call of SQLite's that looks at it,
 * what SQLite wrote before it; and no other connection can read a frame
 * still in a run: a frame counts only once the commit that wrote it is
 * recorded in the WAL's index, which SQLite does after writing the
 * commit frame, and that write is the run's.  A failure to write a run is
 * reported by the call that wrote it out, and then by every write and
 * sync of the file beyond the run's start, until SQLite writes from that
 * start or before it again (node/iowatch.h): frames after a hole are
 * never taken for written, even by a caller that goes on after an error.
 *
 * A run still held when its connection gives up the WAL's write lock
 * holds only frames of a transaction that was rolled back (a commit's
 * last write empties it): pages SQLite spilled from its cache in the
 * middle of a transaction it then undid.  It is dropped there, unwritten:
 * once the lock is free, another connection, of this process or another,
 * may write its own frames at those places, and a late write of the dead
 * ones would overwrite them.  The lock is taken and given up through the
 * database file's shared memory (xShmLock), not the WAL's file, so each
 * held run is listed (under a mutex) with the database's name, and a
 * database file that gives up the write lock drops the run listed under
 * its name: only the holder of that lock writes frames, so there is at
 * most one, and it is its connection's.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "node/iowatch.h"

struct wfile {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* just after this struct */
	bool		 temp;		/* a temporary file, not the node's */
	bool		 wal;		/* a WAL: its frames are gathered */
	bool		 main_db;	/* a database (its shared memory) */
	const char	*name;		/* SQLite's, kept until the close */
	size_t		 dblen;		/* a WAL's: its database's name's */
	struct wfile	*next_held;	/* in the list of held runs */
	bool		 listed;
	/* The run: frames of a WAL written one after another by SQLite, not
	 * yet by this file, WAL_RUN_MAX bytes at most (sqlite3_malloc). */
	unsigned char	*run;
	int		 runlen;
	sqlite3_int64	 run_off;
	bool		 page_due;	/* the run ends with a frame's header */
	bool		 commit_due;	/* ... a commit frame's */
	/* A run that could not be written: its start, and the error (0: no
	 * hole). */
	sqlite3_int64	 hole_off;
	int		 hole_rc;
};

/* The size of a WAL frame's header (SQLite's WAL_FRAME_HDRSIZE, part of
 * its file format); its bytes 4-7 are, in a commit frame, the database's
 * size in pages after the commit, and 0 in any other frame. */
#define WAL_FRAME_HDR	24

/*
 * The most a run holds.  Under 128 KiB: SQLite's unix VFS writes at most
 * 0x1ffff bytes a call (os_unix.c, seekAndWriteFd masks the count), so a
 * write of 128 KiB or more would be cut (node/store.c says the same of
 * statement journals).  29 frames of 4 KiB pages.
 */
#define WAL_RUN_MAX	(120 * 1024)
_Static_assert(WAL_RUN_MAX < 128 * 1024,
    "SQLite's unix VFS cannot write 128 KiB in one call");

/* The files SQLite makes in its temporary directory. */
#define TEMP_FILES	(SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | \
			    SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TRANSIENT_DB)

/* SQLite's index of the WAL's write lock among the locks of its shared
 * memory (wal.c, WAL_WRITE_LOCK): part of its locking protocol. */
#define WAL_WRITE_LOCK	0

static sqlite3_vfs	 watch_vfs;
/* The WAL files that hold a run. */
static pthread_mutex_t	 held_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct wfile	*held;
static sqlite3_vfs	*real_vfs;
static int		 failed, full, full_temp;
/* Whether this thread's last write found a temporary file full, rather
 * than a file of the node's (a statement fails in the thread that ran
 * it). */
static _Thread_local bool last_full_temp;

bool
iowatch_failed(void)
{
	return (__atomic_load_n(&failed, __ATOMIC_RELAXED) != 0);
}

bool
iowatch_full(void)
{
	return (__atomic_load_n(&full, __ATOMIC_RELAXED) != 0);
}

bool
iowatch_full_temp(void)
{
	return (__atomic_load_n(&full_temp, __ATOMIC_RELAXED) != 0);
}

bool
iowatch_take_full_temp(void)
{
	bool	 was = last_full_temp;

	last_full_temp = false;
	return (was);
}

/* Note rc if it is an I/O error or a full disk, and pass it on. */
static int
note(int rc)
{
	if (rc == SQLITE_FULL) {
		__atomic_store_n(&full, 1, __ATOMIC_RELAXED);
		last_full_temp = false;
	}
	if ((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_SHORT_READ &&
	    rc != SQLITE_IOERR_NOMEM && rc != SQLITE_IOERR_DELETE_NOENT)
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
	return (rc);
}

#define REAL(f)	(((struct wfile *)(f))->real)

/* As note, for a call on file f: a temporary file found full is noted
 * apart. */
static int
note_file(sqlite3_file *f, int rc)
{
	if (rc == SQLITE_FULL && ((struct wfile *)f)->temp) {
		__atomic_store_n(&full_temp, 1, __ATOMIC_RELAXED);
		last_full_temp = true;
		return (rc);
	}
	return (note(rc));
}

/* List w, whose run has just begun; or take it off the list (its run
 * written or dropped). */
static void
held_list(struct wfile *w, bool on)
{
	struct wfile	**pp;

	pthread_mutex_lock(&held_mutex);
	if (on && !w->listed) {
		w->next_held = held;
		held = w;
	} else if (!on && w->listed) {
		for (pp = &held; *pp != w; pp = &(*pp)->next_held)
			continue;
		*pp = w->next_held;
	}
	w->listed = on;
	pthread_mutex_unlock(&held_mutex);
}

/* Drop, unwritten, the run held for the database named db (its
 * connection gives up the WAL's write lock: the run's frames are those of
 * a transaction rolled back). */
static void
held_drop(const char *db)
{
	struct wfile	**pp, *w;
	size_t		 len = strlen(db);

	pthread_mutex_lock(&held_mutex);
	for (pp = &held; (w = *pp) != NULL; )
		if (w->dblen == len && strncmp(w->name, db, len) == 0) {
			*pp = w->next_held;
			w->listed = false;
			w->runlen = 0;
			w->page_due = w->commit_due = false;
		} else
			pp = &w->next_held;
	pthread_mutex_unlock(&held_mutex);
}

/* Write the run f holds, if any.  SQLITE_OK or the write's error
 * (noted); a run not written leaves a hole at its start. */
static int
flush(sqlite3_file *f)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc;

	if (w->runlen == 0)
		return (SQLITE_OK);
	rc = note_file(f, REAL(f)->pMethods->xWrite(REAL(f), w->run,
	    w->runlen, w->run_off));
	if (rc != SQLITE_OK && (w->hole_rc == 0 || w->run_off < w->hole_off)) {
		w->hole_off = w->run_off;
		w->hole_rc = rc;
	}
	w->runlen = 0;
	w->page_due = w->commit_due = false;
	held_list(w, false);
	return (rc);
}

/* Write f's run before a call; if that fails, the call fails so. */
#define FLUSH(f)	do {						\
	int frc_ = flush(f);						\
	if (frc_ != SQLITE_OK)						\
		return (frc_);						\
} while (0)

static int
w_close(sqlite3_file *f)
{
	struct wfile	*w = (struct wfile *)f;
	int		 rc, frc;

	frc = flush(f);
	held_list(w, false);
	sqlite3_free(w->run);
	w->run = NULL;
	rc = REAL(f)->pMethods->xClose(REAL(f));
	return (frc != SQLITE_OK ? frc : rc);
}

static int
w_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	FLUSH(f);
	return (note(REAL(f)->pMethods->xRead(REAL(f), p, n, off)));
}

/* Whether the frame header h is a commit frame's (its database size, bytes
 * 4-7, not 0). */
static bool
commit_frame(const unsigned char *h)
{
	return ((h[4] | h[5] | h[6] | h[7]) != 0);
}

/* Whether a write of n bytes at off goes on w's run (which holds
 * something): right after it, a page after a header or a header after a
 * page, with room. */
static bool
continues_run(const struct wfile *w, int n, sqlite3_int64 off)
{
	if (off != w->run_off + w->runlen || n > WAL_RUN_MAX - w->runlen)
		return (false);
	return (w->page_due ? n != WAL_FRAME_HDR : n == WAL_FRAME_HDR);
}

static int
w_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct wfile	*w = (struct wfile *)f;
	const unsigned char *h = p;
	unsigned char	 hdr[WAL_FRAME_HDR];

	/* After a run that could not be written, nothing beyond its start
	 * is taken until SQLite writes from there or before it again. */
	if (w->hole_rc != 0) {
		if (off > w->hole_off)
			return (w->hole_rc);
		w->hole_rc = 0;
	}
	/* A page with no room after its header: the run is written
	 * without the header, which begins the next. */
	if (w->runlen > WAL_FRAME_HDR && w->page_due && n != WAL_FRAME_HDR &&
	    off == w->run_off + w->runlen && n <= WAL_RUN_MAX - WAL_FRAME_HDR &&
	    !continues_run(w, n, off)) {
		w->runlen -= WAL_FRAME_HDR;
		w->page_due = w->commit_due = false;
		memcpy(hdr, w->run + w->runlen, WAL_FRAME_HDR);
		FLUSH(f);
		memcpy(w->run, hdr, WAL_FRAME_HDR);
		w->run_off = off - WAL_FRAME_HDR;
		w->runlen = WAL_FRAME_HDR;
		held_list(w, true);
		w->page_due = true;
		w->commit_due = commit_frame(hdr);
	}
	if (w->runlen > 0 && !continues_run(w, n, off))
		FLUSH(f);
	if (w->runlen == 0) {
		/* Only a frame's header begins a run. */
		if (!w->wal || n != WAL_FRAME_HDR)
			return (note_file(f, REAL(f)->pMethods->xWrite(REAL(f),
			    p, n, off)));
		if (w->run == NULL &&
		    (w->run = sqlite3_malloc(WAL_RUN_MAX)) == NULL)
			return (note_file(f, REAL(f)->pMethods->xWrite(REAL(f),
			    p, n, off)));
		w->run_off = off;
		held_list(w, true);
	}
	memcpy(w->run + w->runlen, p, (size_t)n);
	w->runlen += n;
	if (n == WAL_FRAME_HDR) {
		w->page_due = true;
		w->commit_due = commit_frame(h);
		return (SQLITE_OK);
	}
	w->page_due = false;
	/* A commit frame whole: written now, before SQLite records the
	 * commit in the WAL's index, where other connections find it. */
	return (w->commit_due ? flush(f) : SQLITE_OK);
}

static int
w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct wfile	*w = (struct wfile *)f;

	FLUSH(f);
	if (w->hole_rc != 0 && size <= w->hole_off)
		w->hole_rc = 0;
	return (note_file(f, REAL(f)->pMethods->xTruncate(REAL(f), size)));
}

static int
w_sync(sqlite3_file *f, int flags)
{
	struct wfile	*w = (struct wfile *)f;

	FLUSH(f);
	if (w->hole_rc != 0)
		return (w->hole_rc);
	return (note(REAL(f)->pMethods->xSync(REAL(f), flags)));
}

static int
w_size(sqlite3_file *f, sqlite3_int64 *size)
{
	FLUSH(f);
	return (note(REAL(f)->pMethods->xFileSize(REAL(f), size)));
}

/*
 * The locks and the file controls do not write a run first: SQLite makes
 * no lock call on a WAL (its locks are the database's shared memory),
 * and on a WAL only file controls that neither read nor write it (hints,
 * questions), whose errors it ignores, so a run's failure there would be
 * lost.  The run stays for the next call that does.
 */
static int
w_lock(sqlite3_file *f, int lock)
{
	return (REAL(f)->pMethods->xLock(REAL(f), lock));
}

static int
w_unlock(sqlite3_file *f, int lock)
{
	return (REAL(f)->pMethods->xUnlock(REAL(f), lock));
}

static int
w_reserved(sqlite3_file *f, int *out)
{
	return (REAL(f)->pMethods->xCheckReservedLock(REAL(f), out));
}

static int
w_control(sqlite3_file *f, int op, void *arg)
{
	return (REAL(f)->pMethods->xFileControl(REAL(f), op, arg));
}

static int
w_sector(sqlite3_file *f)
{
	return (REAL(f)->pMethods->xSectorSize(REAL(f)));
}

static int
w_device(sqlite3_file *f)
{
	return (REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)));
}

/* The shared-memory and mapping calls are made on a database file, never
 * on its WAL, so no run is held there: nothing to write first. */
static int
w_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return (note(REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend,
	    pp)));
}

static int
w_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	struct wfile	*w = (struct wfile *)f;

	/* The write lock given up: a run still held is a rolled-back
	 * transaction's, dropped before another writer can begin. */
	if (flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE) &&
	    offset <= WAL_WRITE_LOCK && offset + n > WAL_WRITE_LOCK &&
	    w->main_db && w->name != NULL)
		held_drop(w->name);
	return (REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags));
}

static void
w_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
w_shm_unmap(sqlite3_file *f, int del)
{
	return (REAL(f)->pMethods->xShmUnmap(REAL(f), del));
}

static int
w_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return (note(REAL(f)->pMethods->xFetch(REAL(f), off, n, pp)));
}

static int
w_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return (REAL(f)->pMethods->xUnfetch(REAL(f), off, p));
}

/* The wrapped file's methods, at the version it has (1 to 3). */
static const sqlite3_io_methods methods[3] = {
	{ 1, w_close, w_read, w_write, w_truncate, w_sync, w_size, w_lock,
	  w_unlock, w_reserved, w_control, w_sector, w_device,
	  NULL, NULL, NULL, NULL, NULL, NULL },
	{ 2, w_close, w_read, w_write, w_truncate, w_sync, w_size, w_lock,
	  w_unlock, w_reserved, w_control, w_sector, w_device,
	  w_shm_map, w_shm_lock, w_shm_barrier, w_shm_unmap, NULL, NULL },
	{ 3, w_close, w_read, w_write, w_truncate, w_sync, w_size, w_lock,
	  w_unlock, w_reserved, w_control, w_sector, w_device,
	  w_shm_map, w_shm_lock, w_shm_barrier, w_shm_unmap, w_fetch,
	  w_unfetch },
};

static int
w_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct wfile	*w = (struct wfile *)f;
	size_t		 len;
	int		 rc, v;

	(void)vfs;
	w->base.pMethods = NULL;
	w->real = (sqlite3_file *)(w + 1);
	w->temp = (flags & TEMP_FILES) != 0;
	w->wal = (flags & SQLITE_OPEN_WAL) != 0;
	w->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	w->name = name;
	w->dblen = 0;
	w->next_held = NULL;
	w->listed = false;
	w->run = NULL;
	w->runlen = 0;
	w->run_off = 0;
	w->page_due = w->commit_due = false;
	w->hole_off = 0;
	w->hole_rc = 0;
	/* A WAL's name is its database's and "-wal" (SQLite's pager);
	 * one named otherwise gathers nothing. */
	len = name != NULL ? strlen(name) : 0;
	if (w->wal && (len <= 4 || strcmp(name + len - 4, "-wal") != 0))
		w->wal = false;
	if (w->wal)
		w->dblen = len - 4;
	rc = note(real_vfs->xOpen(real_vfs, name, w->real, flags, outflags));
	if (rc != SQLITE_OK || w->real->pMethods == NULL)
		return (rc);
	v = w->real->pMethods->iVersion;
	w->base.pMethods = &methods[(v < 1 ? 1 : v > 3 ? 3 : v) - 1];
	return (rc);
}

static int
w_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return (note(real_vfs->xDelete(real_vfs, name, sync)));
}

static int
w_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return (real_vfs->xAccess(real_vfs, name, flags, out));
}

static int
w_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return (real_vfs->xFullPathname(real_vfs, name, n, out));
}

static void *
w_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return (real_vfs->xDlOpen(real_vfs, name));
}

static void
w_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void
(*w_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return (real_vfs->xDlSym(real_vfs, h, sym));
}

static void
w_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int
w_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return (real_vfs->xRandomness(real_vfs, n, out));
}

static int
w_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return (real_vfs->xSleep(real_vfs, us));
}

static int
w_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return (real_vfs->xCurrentTime(real_vfs, out));
}

static int
w_lasterror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	return (real_vfs->xGetLastError != NULL ?
	    real_vfs->xGetLastError(real_vfs, n, msg) : 0);
}

static int
w_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return (real_vfs->xCurrentTimeInt64(real_vfs, out));
}

int
iowatch_install(void)
{
	if (real_vfs != NULL)
		return (0);
	if ((real_vfs = sqlite3_vfs_find(NULL)) == NULL)
		return (-1);
	memset(&watch_vfs, 0, sizeof(watch_vfs));
	/* Version 2: the system-call overrides of version 3 are the
	 * wrapped VFS's own business. */
	watch_vfs.iVersion = 2;
	watch_vfs.szOsFile = (int)sizeof(struct wfile) + real_vfs->szOsFile;
	watch_vfs.mxPathname = real_vfs->mxPathname;
	watch_vfs.zName = "opora-iowatch";
	watch_vfs.xOpen = w_open;
	watch_vfs.xDelete = w_delete;
	watch_vfs.xAccess = w_access;
	watch_vfs.xFullPathname = w_fullpath;
	watch_vfs.xDlOpen = w_dlopen;
	watch_vfs.xDlError = w_dlerror;
	watch_vfs.xDlSym = w_dlsym;
	watch_vfs.xDlClose = w_dlclose;
	watch_vfs.xRandomness = w_random;
	watch_vfs.xSleep = w_sleep;
	watch_vfs.xCurrentTime = w_time;
	watch_vfs.xGetLastError = w_lasterror;
	watch_vfs.xCurrentTimeInt64 = real_vfs->iVersion >= 2 &&
	    real_vfs->xCurrentTimeInt64 != NULL ? w_time64 : NULL;
	if (sqlite3_vfs_register(&watch_vfs, 1) != SQLITE_OK) {
		real_vfs = NULL;
		return (-1);
	}
	return (0);
}
