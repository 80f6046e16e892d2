/*
 * tests/tools/shortwrite.c: an LD_PRELOAD shim for the fault suite
 * (tests/cli/t0096-fault-io.sh) that makes writes short, which strace's
 * inject= cannot do (it can fail a call or change its return value, not
 * write fewer bytes than asked).
 *
 * With SHORTWRITE_AFTER=N in the environment, the calls to pwrite64 (the
 * call SQLite writes its database and WAL with) after the N-th write half
 * of the bytes asked (at least one) and return that count.  SQLite writes
 * the rest with further calls, so these alone lose nothing.  With
 * SHORTWRITE_FULL=1 as well, only the first of them is short and every
 * call after it fails with ENOSPC, as on a file system that runs out of
 * room in the middle of a write.  Without SHORTWRITE_AFTER, or before,
 * the calls pass through.  The count is shared by all threads.
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long	calls;

static ssize_t
short_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t	(*real)(int, const void *, size_t, off_t);
	const char	*s;
	char		*end;
	long		 after, k;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite64");
	if (real == NULL) {
		errno = ENOSYS;
		return (-1);
	}
	s = getenv("SHORTWRITE_AFTER");
	if (s == NULL || *s == '\0')
		return (real(fd, buf, n, off));
	errno = 0;
	after = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || after < 0)
		return (real(fd, buf, n, off));
	k = atomic_fetch_add(&calls, 1);
	if (k < after || n < 2)
		return (real(fd, buf, n, off));
	if (k > after && (s = getenv("SHORTWRITE_FULL")) != NULL &&
	    strcmp(s, "1") == 0) {
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
