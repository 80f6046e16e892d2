/*
 * tests/tools/shortwrite.c: an LD_PRELOAD shim for the fault suite
 * (tests/cli/t0096-fault-io.sh, t0200-migrate-faults.sh) that makes writes
 * short, which strace's inject= cannot do (it can fail a call or change
 * its return value, not write fewer bytes than asked), or kills the
 * program at a chosen write.
 *
 * With SHORTWRITE_AFTER=N in the environment, the calls to pwrite64 (the
 * call SQLite writes its database and WAL with) after the N-th write half
 * of the bytes asked (at least one) and return that count.  SQLite writes
 * the rest with further calls, so these alone lose nothing.  With
 * SHORTWRITE_FULL=1 as well, only the first of them is short and every
 * call after it fails with ENOSPC, as on a file system that runs out of
 * room in the middle of a write.  With SHORTWRITE_PREFIX=P too, that is
 * so only of the calls on files whose path starts with P (the (N+1)-th
 * call is short if it is one of them); the others pass through, and are
 * counted: one file system full, another not (SQLite's temporary
 * directory, the node's).  With SHORTWRITE_KILL=1 instead, the call after
 * the N-th raises SIGKILL before it writes anything: a crash at that very
 * moment, the N writes before it done (in the page cache, as a killed
 * process leaves them).  Without SHORTWRITE_AFTER, or before, the calls
 * pass through.  The count is shared by all threads.
 *
 * With SHORTWRITE_LOG=FILE, each call appends a line to FILE: its number
 * (from 0, the count SHORTWRITE_AFTER counts), the file written (as
 * /proc/self/fd names it), the offset and the bytes asked.  A run with it
 * alone changes nothing and tells how many writes there are to aim at,
 * and where each lands.
 *
 * With SHORTWRITE_NOCOOKIE=1, fopencookie fails as when memory runs out
 * (ENOMEM): the stream node/ttyout.c puts in front of a terminal cannot
 * be made (tests/cli/t0207-tty-escape.sh).
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long	calls;

/* Whether the environment variable name is "1". */
static int
is_on(const char *name)
{
	const char	*s = getenv(name);

	return (s != NULL && strcmp(s, "1") == 0);
}

/* The path of fd as /proc/self/fd names it, in path, or "?". */
static void
fd_path(int fd, char *path, size_t size)
{
	char		 link[64];
	ssize_t		 len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((len = readlink(link, path, size - 1)) <= 0) {
		snprintf(path, size, "?");
		return;
	}
	path[len] = '\0';
}

/* Append call k's line to $SHORTWRITE_LOG; errno is kept. */
static void
log_call(long k, int fd, size_t n, off_t off)
{
	const char	*log = getenv("SHORTWRITE_LOG");
	char		 path[512], line[700];
	int		 lfd, m, saved = errno;

	if (log == NULL || *log == '\0')
		return;
	fd_path(fd, path, sizeof(path));
	m = snprintf(line, sizeof(line), "%ld %s %lld %zu\n", k, path,
	    (long long)off, n);
	if (m > 0 && (size_t)m < sizeof(line) &&
	    (lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) >= 0) {
		/* One write a line, with O_APPEND: whole lines from threads.
		 * A line lost is only a line of the log. */
		if (write(lfd, line, (size_t)m) != m) {
			/* nothing to do */
		}
		close(lfd);
	}
	errno = saved;
}

static ssize_t
short_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);
	const char	*s, *lg;
	char		*end;
	long		 after = -1, k;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite64");
	if (real == NULL) {
		errno = ENOSYS;
		return (-1);
	}
	s = getenv("SHORTWRITE_AFTER");
	lg = getenv("SHORTWRITE_LOG");
	if (s != NULL && *s != '\0') {
		errno = 0;
		after = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0' || after < 0)
			after = -1;
	}
	if (after < 0 && (lg == NULL || *lg == '\0'))
		return (real(fd, buf, n, off));
	k = atomic_fetch_add(&calls, 1);
	log_call(k, fd, n, off);
	if (after < 0 || k < after)
		return (real(fd, buf, n, off));
	if (k == after && is_on("SHORTWRITE_KILL")) {
		(void)raise(SIGKILL);
		/* Not reached: SIGKILL can be neither caught nor ignored. */
		_exit(137);
	}
	if (n < 2)
		return (real(fd, buf, n, off));
	if ((s = getenv("SHORTWRITE_PREFIX")) != NULL && *s != '\0') {
		char	 path[512];
		int	 saved = errno;

		fd_path(fd, path, sizeof(path));
		errno = saved;
		if (strncmp(path, s, strlen(s)) != 0)
			return (real(fd, buf, n, off));
	}
	if (k > after && is_on("SHORTWRITE_FULL")) {
		errno = ENOSPC;
		return (-1);
	}
	return (real(fd, buf, n / 2, off));
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return (short_pwrite(fd, buf, n, off));
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return (short_pwrite(fd, buf, n, off));
}

FILE *
fopencookie(void *cookie, const char *mode, cookie_io_functions_t fns)
{
	static FILE	*(*real)(void *, const char *, cookie_io_functions_t);

	if (is_on("SHORTWRITE_NOCOOKIE")) {
		errno = ENOMEM;
		return (NULL);
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "fopencookie");
	if (real == NULL) {
		errno = ENOSYS;
		return (NULL);
	}
	return (real(cookie, mode, fns));
}
