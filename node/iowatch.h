/*
 * node/iowatch.h: notice I/O errors on the node's database files.
 *
 * SQLite reports a failed read or write of a file (EIO from the disk or
 * its controller) as SQLITE_IOERR from whichever statement met it, and
 * says nothing in its log for most of them; a command then cannot tell an
 * I/O error from damaged data or a wrong configuration.  iowatch installs,
 * as SQLite's default, a VFS that passes every call to the one it
 * replaces and records whether a read, a write, a sync, a truncation, a
 * size query or a shared-memory mapping of any file failed with an I/O
 * error (not a short read: SQLite handles it), and apart whether one
 * found the disk full (SQLITE_FULL: a write failing with ENOSPC, which
 * SQLite does not log either), a file of the node's or a temporary one.  The record is process-wide
 * and never cleared, so that a command that failed can say why (node/cli.c)
 * and verify gives no verdict on what it could not read.
 *
 * It also writes a WAL in few system calls where SQLite makes two a frame
 * (the frame's 24-byte header, then its page): the frames SQLite writes
 * one after another are gathered, up to 120 KiB, and written in one call
 * when a commit frame is whole, and before any call that reads, syncs,
 * truncates or sizes that file, writes it elsewhere or closes it
 * (node/iowatch.c says why no reader can miss a frame so held).  A
 * gathered run that could not be written is reported by that call, and
 * then by every write past its start and every sync of that file, until
 * SQLite writes from its start again: no frame after a hole is taken.
 */
#ifndef OPORA_IOWATCH_H
#define OPORA_IOWATCH_H

#include <stdbool.h>

/*
 * iowatch_install(): register the watching VFS as SQLite's default.  Call
 * once, after sqlite3_config and before any database is opened.  0, or -1
 * if SQLite has no default VFS or refused to register it (then nothing is
 * watched).
 */
int	 iowatch_install(void);

/* iowatch_failed(): whether an I/O error was met so far, in any thread;
 * iowatch_full(): whether a full disk was, writing a file of the node's
 * (the database, its WAL); iowatch_full_temp(): writing one of SQLite's
 * temporary files (a statement journal past its limit: node/store.h),
 * which live in another directory ($SQLITE_TMPDIR, $TMPDIR, /var/tmp). */
bool	 iowatch_failed(void);
bool	 iowatch_full(void);
bool	 iowatch_full_temp(void);

/* iowatch_take_full_temp(): whether the last write of the calling thread
 * that found no room was to a temporary file (what a statement that just
 * failed with SQLITE_FULL in this thread met), and forget it: a later
 * SQLITE_FULL with no write of a temporary file between is not blamed on
 * it. */
bool	 iowatch_take_full_temp(void);

#endif /* OPORA_IOWATCH_H */
