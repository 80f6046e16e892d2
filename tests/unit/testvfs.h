/*
 * tests/unit/testvfs.h: a VFS for the unit tests, between SQLite's own
 * unix VFS and whatever is above it.  It passes every call on, counts the
 * writes that reach a WAL file (testvfs_wal_writes), and while
 * testvfs_fail_db is set fails each write to a main database file with
 * SQLITE_IOERR_WRITE, as a failing disk would (a WAL still takes its
 * frames, so commits go on while checkpoints fail).  With testvfs_fail_wal
 * set to N > 0, the N-th write to a WAL file from then on (counted by
 * wal_writes) fails with SQLITE_FULL, as on a full disk, and no other.
 * wal_write_max is the most bytes one write to a WAL asked.  testvfs_register
 * makes it SQLite's default, under the name "test-vfs".  Static functions
 * only: each test that includes it has its own copy.
 */
#ifndef OPORA_TESTVFS_H
#define OPORA_TESTVFS_H

#include <string.h>

#include <sqlite3.h>

static sqlite3_vfs	 count_vfs;
static sqlite3_vfs	*unix_vfs;
static int		 wal_writes;
static int		 testvfs_fail_db;
static int		 testvfs_fail_wal;
static int		 wal_write_max;

struct cfile {
	sqlite3_file	 base;
	sqlite3_file	*real;
	int		 wal, main_db;
};

#define CREAL(f)	(((struct cfile *)(f))->real)

static int
c_close(sqlite3_file *f)
{
	return (CREAL(f)->pMethods->xClose(CREAL(f)));
}

static int
c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return (CREAL(f)->pMethods->xRead(CREAL(f), p, n, off));
}

static int
c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (((struct cfile *)f)->wal) {
		wal_writes++;
		if (n > wal_write_max)
			wal_write_max = n;
		if (testvfs_fail_wal > 0 && --testvfs_fail_wal == 0)
			return (SQLITE_FULL);
	}
	if (((struct cfile *)f)->main_db && testvfs_fail_db)
		return (SQLITE_IOERR_WRITE);
	return (CREAL(f)->pMethods->xWrite(CREAL(f), p, n, off));
}

static int
c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return (CREAL(f)->pMethods->xTruncate(CREAL(f), size));
}

static int
c_sync(sqlite3_file *f, int flags)
{
	return (CREAL(f)->pMethods->xSync(CREAL(f), flags));
}

static int
c_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return (CREAL(f)->pMethods->xFileSize(CREAL(f), size));
}

static int
c_lock(sqlite3_file *f, int lock)
{
	return (CREAL(f)->pMethods->xLock(CREAL(f), lock));
}

static int
c_unlock(sqlite3_file *f, int lock)
{
	return (CREAL(f)->pMethods->xUnlock(CREAL(f), lock));
}

static int
c_reserved(sqlite3_file *f, int *out)
{
	return (CREAL(f)->pMethods->xCheckReservedLock(CREAL(f), out));
}

static int
c_control(sqlite3_file *f, int op, void *arg)
{
	return (CREAL(f)->pMethods->xFileControl(CREAL(f), op, arg));
}

static int
c_sector(sqlite3_file *f)
{
	return (CREAL(f)->pMethods->xSectorSize(CREAL(f)));
}

static int
c_device(sqlite3_file *f)
{
	return (CREAL(f)->pMethods->xDeviceCharacteristics(CREAL(f)));
}

static int
c_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return (CREAL(f)->pMethods->xShmMap(CREAL(f), pg, pgsz, extend, pp));
}

static int
c_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return (CREAL(f)->pMethods->xShmLock(CREAL(f), offset, n, flags));
}

static void
c_shm_barrier(sqlite3_file *f)
{
	CREAL(f)->pMethods->xShmBarrier(CREAL(f));
}

static int
c_shm_unmap(sqlite3_file *f, int del)
{
	return (CREAL(f)->pMethods->xShmUnmap(CREAL(f), del));
}

static const sqlite3_io_methods c_methods = {
	2, c_close, c_read, c_write, c_truncate, c_sync, c_size, c_lock,
	c_unlock, c_reserved, c_control, c_sector, c_device, c_shm_map,
	c_shm_lock, c_shm_barrier, c_shm_unmap, NULL, NULL
};

static int
c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *outflags)
{
	struct cfile	*c = (struct cfile *)f;
	int		 rc;

	(void)vfs;
	c->base.pMethods = NULL;
	c->real = (sqlite3_file *)(c + 1);
	c->wal = (flags & SQLITE_OPEN_WAL) != 0;
	c->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	rc = unix_vfs->xOpen(unix_vfs, name, c->real, flags, outflags);
	if (rc == SQLITE_OK && c->real->pMethods != NULL)
		c->base.pMethods = &c_methods;
	return (rc);
}

static int
c_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return (unix_vfs->xDelete(unix_vfs, name, sync));
}

static int
c_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return (unix_vfs->xAccess(unix_vfs, name, flags, out));
}

static int
c_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return (unix_vfs->xFullPathname(unix_vfs, name, n, out));
}

static int
c_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return (unix_vfs->xRandomness(unix_vfs, n, out));
}

static int
c_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return (unix_vfs->xSleep(unix_vfs, us));
}

static int
c_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return (unix_vfs->xCurrentTime(unix_vfs, out));
}

/* Register the VFS as SQLite's default; 0, or -1 if it cannot be. */
static int
testvfs_register(void)
{
	if ((unix_vfs = sqlite3_vfs_find("unix")) == NULL)
		return (-1);
	memset(&count_vfs, 0, sizeof(count_vfs));
	count_vfs.iVersion = 1;
	count_vfs.szOsFile = (int)sizeof(struct cfile) + unix_vfs->szOsFile;
	count_vfs.mxPathname = unix_vfs->mxPathname;
	count_vfs.zName = "test-vfs";
	count_vfs.xOpen = c_open;
	count_vfs.xDelete = c_delete;
	count_vfs.xAccess = c_access;
	count_vfs.xFullPathname = c_fullpath;
	count_vfs.xRandomness = c_random;
	count_vfs.xSleep = c_sleep;
	count_vfs.xCurrentTime = c_time;
	return (sqlite3_vfs_register(&count_vfs, 1) == SQLITE_OK ? 0 : -1);
}

#endif /* OPORA_TESTVFS_H */
