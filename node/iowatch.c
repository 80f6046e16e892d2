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
 * It also halves the system calls of writing a WAL: SQLite writes each
 * frame as two calls, its 24-byte header and then the page just after it.
 * The header of a WAL file is held (copied) until the next call on that
 * file; when that call writes the page right after it, both go in one
 * write, and any other call writes the header alone first.  So the file
 * holds, at every call of SQLite's, what SQLite wrote before it, and no
 * other connection can read a frame held here: a frame counts only once
 * the commit that wrote it is recorded in the WAL's index, which SQLite
 * does after writing the frame and its page.  A failure to write the
 * header is reported by the call that wrote it (the page's, or the next
 * one).
 */
#include <stdbool.h>
#include <string.h>

#include <sqlite3.h>

#include "node/iowatch.h"

struct wfile {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* just after this struct */
	bool		 temp;		/* a temporary file, not the node's */
	bool		 wal;		/* a WAL: frame headers are held */
	bool		 held;		/* hdr waits to be written at hdr_off */
	sqlite3_int64	 hdr_off;
	unsigned char	 hdr[24];
	unsigned char	*join;		/* a header and a page (sqlite3_malloc) */
	int		 joincap;
};

/* The size of a WAL frame's header (SQLite's WAL_FRAME_HDRSIZE, part of
 * its file format). */
#define WAL_FRAME_HDR	24

/* The files SQLite makes in its temporary directory. */
#define TEMP_FILES	(SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | \
			    SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TRANSIENT_DB)

static sqlite3_vfs	 watch_vfs;
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

/* Write the frame header f holds, if any.  SQLITE_OK or the write's
 * error (noted). */
static int
flush(sqlite3_file *f)
{
	struct wfile	*w = (struct wfile *)f;

	if (!w->held)
		return (SQLITE_OK);
	w->held = false;
	return (note_file(f, REAL(f)->pMethods->xWrite(REAL(f), w->hdr,
	    WAL_FRAME_HDR, w->hdr_off)));
}

/* Flush f's header before a call; if it fails, that call fails so. */
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
	sqlite3_free(w->join);
	w->join = NULL;
	rc = REAL(f)->pMethods->xClose(REAL(f));
	return (frc != SQLITE_OK ? frc : rc);
}

static int
w_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	FLUSH(f);
	return (note(REAL(f)->pMethods->xRead(REAL(f), p, n, off)));
}

/* Room in w->join for n bytes; false if there is none (out of memory). */
static bool
join_room(struct wfile *w, int n)
{
	unsigned char	*p;

	if (n <= w->joincap)
		return (true);
	if ((p = sqlite3_realloc(w->join, n)) == NULL)
		return (false);
	w->join = p;
	w->joincap = n;
	return (true);
}

static int
w_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct wfile	*w = (struct wfile *)f;

	/* A frame's header: held for the page that follows it. */
	if (w->wal && !w->held && n == WAL_FRAME_HDR) {
		memcpy(w->hdr, p, WAL_FRAME_HDR);
		w->hdr_off = off;
		w->held = true;
		return (SQLITE_OK);
	}
	if (w->held && off == w->hdr_off + WAL_FRAME_HDR && n > 0 &&
	    n <= 65536 && join_room(w, WAL_FRAME_HDR + n)) {
		memcpy(w->join, w->hdr, WAL_FRAME_HDR);
		memcpy(w->join + WAL_FRAME_HDR, p, (size_t)n);
		w->held = false;
		return (note_file(f, REAL(f)->pMethods->xWrite(REAL(f),
		    w->join, WAL_FRAME_HDR + n, w->hdr_off)));
	}
	FLUSH(f);
	return (note_file(f, REAL(f)->pMethods->xWrite(REAL(f), p, n, off)));
}

static int
w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	FLUSH(f);
	return (note_file(f, REAL(f)->pMethods->xTruncate(REAL(f), size)));
}

static int
w_sync(sqlite3_file *f, int flags)
{
	FLUSH(f);
	return (note(REAL(f)->pMethods->xSync(REAL(f), flags)));
}

static int
w_size(sqlite3_file *f, sqlite3_int64 *size)
{
	FLUSH(f);
	return (note(REAL(f)->pMethods->xFileSize(REAL(f), size)));
}

static int
w_lock(sqlite3_file *f, int lock)
{
	FLUSH(f);
	return (REAL(f)->pMethods->xLock(REAL(f), lock));
}

static int
w_unlock(sqlite3_file *f, int lock)
{
	FLUSH(f);
	return (REAL(f)->pMethods->xUnlock(REAL(f), lock));
}

static int
w_reserved(sqlite3_file *f, int *out)
{
	FLUSH(f);
	return (REAL(f)->pMethods->xCheckReservedLock(REAL(f), out));
}

static int
w_control(sqlite3_file *f, int op, void *arg)
{
	FLUSH(f);
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
 * on its WAL, so no header is held there: nothing to write first. */
static int
w_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return (note(REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend,
	    pp)));
}

static int
w_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
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
	int		 rc, v;

	(void)vfs;
	w->base.pMethods = NULL;
	w->real = (sqlite3_file *)(w + 1);
	w->temp = (flags & TEMP_FILES) != 0;
	w->wal = (flags & SQLITE_OPEN_WAL) != 0;
	w->held = false;
	w->join = NULL;
	w->joincap = 0;
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
