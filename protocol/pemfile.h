/*
 * protocol/pemfile.h: a node's private files: writing a private key or a
 * certificate to a new PEM file durably, and opening a file or directory
 * only when nobody but the user running opora can have put it there.
 *
 * pemfile_write creates the file with O_EXCL (an existing file, or a
 * symbolic link, is never replaced), gives it exactly the mode asked for
 * whatever the umask, writes, flushes and fsyncs it; on any failure it is
 * removed, so a half-written key never stays behind.
 *
 * pemfile_open_trusted is the local trust check, as ssh's StrictModes: a
 * file is refused when it is a symbolic link, not a regular file (or not a
 * directory, when one is asked for), owned by another user, or has a mode
 * bit that lets group or other read or write what they must not.  It opens
 * with O_NOFOLLOW and judges the opened descriptor (fstat), so what is
 * checked is what is read.  Each refusal is logged once, naming the file,
 * what is wrong and the command that fixes it.
 */
#ifndef OPORA_PEMFILE_H
#define OPORA_PEMFILE_H

#include <sys/types.h>

#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Modes a node's files must not have (see docs/admin.md). */
#define PEMFILE_PRIVATE	077	/* keys, database, config: 0600 */
#define PEMFILE_NO_WRITE 022	/* the directory, the certificate */

/* pemfile_write(path, mode, key, crt): write key (if not NULL) and crt (if
 * not NULL), both borrowed, to a new file of mode mode.  0, or -1
 * (logged). */
int	pemfile_write(const char *path, int mode, EVP_PKEY *key, X509 *crt);

/*
 * pemfile_open_trusted(path, dir, forbid, what): open path read-only
 * without following a symbolic link in its last component (dir: it must be
 * a directory, else a regular file), and check on the descriptor that the
 * user running opora owns it and that its mode has none of the bits of
 * forbid (PEMFILE_PRIVATE, PEMFILE_NO_WRITE, or 0 to check only the owner
 * and the type).  what names it for an admin ("signing key").  Returns the
 * descriptor (the caller's to close), -2 without a word when path does not
 * exist, or -1 after logging what is wrong and how to fix it.
 */
int	pemfile_open_trusted(const char *path, int dir, mode_t forbid,
	    const char *what);

/*
 * pemfile_stat_trusted(dirfd, name, path, forbid, what): the same check of
 * the file name in the directory open at dirfd (path: how to name it to
 * an admin), without opening it: for SQLite's files, since closing any
 * descriptor of a file drops every POSIX lock this process holds on it,
 * and SQLite may hold some (another thread's connection).  Sound when the
 * directory itself passed pemfile_open_trusted: only its owner can swap
 * its entries.  0, -2 when it does not exist, or -1 (logged).
 */
int	pemfile_stat_trusted(int dirfd, const char *name, const char *path,
	    mode_t forbid, const char *what);

/* pemfile_open_private(path, what): pemfile_open_trusted(path, 0,
 * PEMFILE_PRIVATE, what) as a stream to read (the caller's to fclose), or
 * NULL (logged, a missing file too). */
FILE	*pemfile_open_private(const char *path, const char *what);

/*
 * pemfile_check_parents(path): whether every directory above path (after
 * resolving symbolic links) can be changed only by root or the user
 * running opora: owned by one of them, and not writable by group or other
 * unless sticky (/tmp), so nobody else can move another directory in its
 * place.  0, or -1 after logging which directory and how to fix it.
 */
int	pemfile_check_parents(const char *path);

#endif /* OPORA_PEMFILE_H */
