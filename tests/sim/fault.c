/*
 * tests/sim/fault.c: faults injected under SQLite.  See fault.h.
 *
 * The VFS is the usual shim: each file SQLite opens is our struct ffile
 * followed by the real ("unix") file, and every method passes through to
 * the real one except where a fault strikes.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "tests/sim/fault.h"

struct ffile {
	sqlite3_file	 base;
	const char	*name;		/* SQLite's, valid until xClose */
	sqlite3_file	*real;		/* right after this struct */
};

static sqlite3_vfs		*orig;
static sqlite3_vfs		 shim;
static sqlite3_mem_methods	 omem;

static enum fault_kind	 kind;
static char		 prefix[512];	/* "dir/" */
static int		 countdown;
static bool		 fired;
static char		 dead[512];	/* a crash: the dead files' "dir/" */
static char		 where[512];	/* the file it struck */

#define REAL(f)	(((struct ffile *)(f))->real)

static bool
under(const char *name, const char *pre)
{
	return (name != NULL && pre[0] != '\0' &&
	    strncmp(name, pre, strlen(pre)) == 0);
}

/* Whether operation k (on a file named name, NULL for memory) is the one
 * the armed fault strikes. */
static bool
strike(enum fault_kind k, const char *name)
{
	if (kind != k || fired || (k != FAULT_NOMEM && !under(name, prefix)))
		return (false);
	if (--countdown > 0)
		return (false);
	fired = true;
	snprintf(where, sizeof(where), "%s", name != NULL ? name : "");
	return (true);
}

/* A crash struck at a file: everything in its directory is dead. */
static void
die_at(const char *name)
{
	const char	*slash = strrchr(name, '/');
	size_t		 len = slash != NULL ? (size_t)(slash - name) + 1 : 0;

	if (len >= sizeof(dead))
		len = 0;
	memcpy(dead, name, len);
	dead[len] = '\0';
}

static bool
is_dead(const char *name)
{
	return (kind == FAULT_CRASH && fired && under(name, dead));
}

static int
f_close(sqlite3_file *f)
{
	return (REAL(f)->pMethods->xClose(REAL(f)));
}

static int
f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	if (strike(FAULT_READ, ((struct ffile *)f)->name))
		return (SQLITE_IOERR_READ);
	return (REAL(f)->pMethods->xRead(REAL(f), p, n, off));
}

static int
f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	const char	*name = ((struct ffile *)f)->name;

	if (strike(FAULT_WRITE, name))
		return (SQLITE_IOERR_WRITE);
	if (strike(FAULT_CRASH, name))
		die_at(name);
	if (is_dead(name))
		return (SQLITE_IOERR_WRITE);
	return (REAL(f)->pMethods->xWrite(REAL(f), p, n, off));
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (is_dead(((struct ffile *)f)->name))
		return (SQLITE_IOERR_TRUNCATE);
	return (REAL(f)->pMethods->xTruncate(REAL(f), size));
}

static int
f_sync(sqlite3_file *f, int flags)
{
	if (is_dead(((struct ffile *)f)->name))
		return (SQLITE_IOERR_FSYNC);
	return (REAL(f)->pMethods->xSync(REAL(f), flags));
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return (REAL(f)->pMethods->xFileSize(REAL(f), size));
}

static int
f_lock(sqlite3_file *f, int l)
{
	return (REAL(f)->pMethods->xLock(REAL(f), l));
}

static int
f_unlock(sqlite3_file *f, int l)
{
	return (REAL(f)->pMethods->xUnlock(REAL(f), l));
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return (REAL(f)->pMethods->xCheckReservedLock(REAL(f), out));
}

static int
f_control(sqlite3_file *f, int op, void *arg)
{
	return (REAL(f)->pMethods->xFileControl(REAL(f), op, arg));
}

static int
f_sector(sqlite3_file *f)
{
	return (REAL(f)->pMethods->xSectorSize(REAL(f)));
}

static int
f_device(sqlite3_file *f)
{
	return (REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)));
}

static int
f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
	return (REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp));
}

static int
f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return (REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags));
}

static void
f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
f_shm_unmap(sqlite3_file *f, int del)
{
	return (REAL(f)->pMethods->xShmUnmap(REAL(f), del));
}

static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	return (REAL(f)->pMethods->xFetch(REAL(f), off, n, pp));
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return (REAL(f)->pMethods->xUnfetch(REAL(f), off, p));
}

static const sqlite3_io_methods methods = {
	3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock,
	f_unlock, f_reserved, f_control, f_sector, f_device, f_shm_map,
	f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch
};

static int
v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct ffile	*ff = (struct ffile *)f;
	int		 rc;

	(void)vfs;
	ff->name = name;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = orig->xOpen(orig, name, ff->real, flags, out);
	ff->base.pMethods = ff->real->pMethods != NULL ? &methods : NULL;
	return (rc);
}

static int
v_delete(sqlite3_vfs *vfs, const char *name, int dirsync)
{
	(void)vfs;
	if (is_dead(name))
		return (SQLITE_IOERR_DELETE);
	return (orig->xDelete(orig, name, dirsync));
}

static void *
m_malloc(int n)
{
	if (strike(FAULT_NOMEM, NULL))
		return (NULL);
	return (omem.xMalloc(n));
}

static void *
m_realloc(void *p, int n)
{
	if (strike(FAULT_NOMEM, NULL))
		return (NULL);
	return (omem.xRealloc(p, n));
}

int
fault_init(void)
{
	static sqlite3_mem_methods mem;

	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &omem) != SQLITE_OK) {
		fprintf(stderr, "fault: SQLite's allocator\n");
		return (-1);
	}
	mem = omem;
	mem.xMalloc = m_malloc;
	mem.xRealloc = m_realloc;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK ||
	    (orig = sqlite3_vfs_find(NULL)) == NULL) {
		fprintf(stderr, "fault: SQLite is already in use\n");
		return (-1);
	}
	shim = *orig;
	shim.zName = "fault";
	shim.szOsFile = (int)sizeof(struct ffile) + orig->szOsFile;
	shim.pNext = NULL;
	shim.xOpen = v_open;
	shim.xDelete = v_delete;
	if (sqlite3_vfs_register(&shim, 1) != SQLITE_OK) {
		fprintf(stderr, "fault: cannot register the VFS\n");
		return (-1);
	}
	return (0);
}

void
fault_arm(enum fault_kind k, const char *pre, int n)
{
	fault_disarm();
	if (pre != NULL && k != FAULT_NOMEM)
		snprintf(prefix, sizeof(prefix), "%s/", pre);
	countdown = n < 1 ? 1 : n;
	kind = k;
}

const char *
fault_where(void)
{
	return (where);
}

bool
fault_fired(void)
{
	return (fired);
}

void
fault_disarm(void)
{
	kind = FAULT_NONE;
	fired = false;
	prefix[0] = dead[0] = where[0] = '\0';
	countdown = 0;
}
