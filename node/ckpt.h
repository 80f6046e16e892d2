/*
 * node/ckpt.h: checkpoint the WAL on another thread during a bulk write.
 *
 * SQLite checkpoints the WAL in the thread of the commit that filled it:
 * an import of a million lines spent a tenth of its writing thread there
 * (docs/performance.md, "Checkpoints aside").  While a ckpt runs, the
 * writer's connection no longer checkpoints by itself: after each commit
 * that leaves the WAL at half of `every` frames or more, a thread
 * with a connection of its own copies the committed frames into the
 * database (a PASSIVE checkpoint, which waits for no one), and the
 * writer goes on meanwhile.  Once the WAL holds `every` frames, the
 * writer waits for that thread and checkpoints what is left itself, so
 * that its next transaction starts the WAL again from the beginning: the
 * -wal file stays near `every` frames, as with SQLite's own
 * checkpoints.
 *
 * Only a speed: a checkpoint that fails (busy, a full disk) leaves the
 * frames in the WAL, which still holds them, and the next one tries
 * again, as SQLite's automatic checkpoint does; an I/O error is noted by
 * node/iowatch.h.
 *
 * Outside a bulk write, ckpt_auto gives a connection SQLite's automatic
 * checkpoint, but counted: every checkpoint of the process that fails for
 * a reason other than another connection's lock (a full or failing disk)
 * is counted, for monitoring (ckpt_failures: node/metrics.h), since SQLite
 * itself says nothing of a failed automatic checkpoint and the WAL then
 * only grows.
 */
#ifndef OPORA_CKPT_H
#define OPORA_CKPT_H

#include <sqlite3.h>

struct ckpt;

/*
 * ckpt_start(db, path, every): checkpoint db (a connection, used by one
 * thread, to the database at path) aside, as above, replacing its
 * automatic checkpoint.  The thread opens its own connection to path when
 * it is first asked for a checkpoint; should that fail (logged), the
 * writer checkpoints by itself at `every` frames.  Returns the ckpt, the
 * caller's to stop; or NULL (out of memory, no thread), logged, with db
 * as it was.
 */
struct ckpt	*ckpt_start(sqlite3 *db, const char *path, int every);

/*
 * ckpt_stop(c): wait for the thread's checkpoint, stop it and free c; the
 * writer's connection then has no automatic checkpoint until the caller
 * gives it one (ckpt_auto).  Called in the writer's
 * thread, outside a statement.  NULL is a no-op.
 */
void		 ckpt_stop(struct ckpt *c);

/* ckpt_runs(c): how many checkpoints the thread has run so far (a
 * figure for tests and benchmarks). */
unsigned long	 ckpt_runs(struct ckpt *c);

/*
 * ckpt_auto(db, every): after each commit of db that leaves `every` frames
 * or more in the WAL, a PASSIVE checkpoint in the committing thread, as
 * PRAGMA wal_autocheckpoint does, its failure counted (ckpt_note).  It
 * takes the WAL hook's slot, as ckpt_start does (and as the pragma would,
 * which must not be used with it).
 */
void		 ckpt_auto(sqlite3 *db, int every);

/* ckpt_note(rc): count rc, a checkpoint's result, if it failed: not
 * SQLITE_OK, and not busy or locked (another connection's turn). */
void		 ckpt_note(int rc);

/* ckpt_failures(): how many checkpoints of this process failed so far,
 * in any thread (a counter from 0 at the start). */
unsigned long	 ckpt_failures(void);

#endif /* OPORA_CKPT_H */
