/*
 * tests/bench/walframes.c: where a command's writes to SQLite's WAL go,
 * table by table (tests/bench/bench_walframes.sh, docs/performance.md).
 *
 * An LD_PRELOAD library, for measurement only: it wraps pwrite64 and, for
 * writes to a file whose name ends in "-wal", counts each frame SQLite
 * appends by its page number (node/iowatch.c writes runs of whole frames,
 * each a 24-byte header and its page, in one call), and each page SQLite
 * writes again over a frame of the same transaction (a page spilled from
 * its cache and changed again), by the page number read from that
 * frame's header.  The 24-byte headers SQLite writes again when it
 * recomputes the checksums of a transaction that overwrote a frame are
 * counted apart.  The page size is read from the WAL's header.  At exit it
 * writes "frames PAGE N" and "overwrites PAGE N" lines, and one "rewrites
 * N" line, to the file WALFRAMES_OUT names (a process that wrote no WAL
 * writes nothing).  Single-threaded writers only
 * (SQLite writes a connection's WAL from the thread that commits).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/types.h>

#define HDR	24

struct counts {
	unsigned long	*n;
	size_t		 cap;
};

static struct counts	 frames, overwrites;
static unsigned long	 rewrites;

static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);

static int
is_wal(int fd)
{
	char	 link[64], path[4096];
	ssize_t	 n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) < 4)
		return (0);
	path[n] = '\0';
	return (strcmp(path + n - 4, "-wal") == 0);
}

static uint32_t
be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

static void
count(struct counts *c, uint32_t page)
{
	size_t		 ncap;
	unsigned long	*n;

	if (page >= c->cap) {
		ncap = (size_t)page * 2 + 1024;
		if ((n = realloc(c->n, ncap * sizeof(*n))) == NULL)
			return;
		memset(n + c->cap, 0, (ncap - c->cap) * sizeof(*n));
		c->n = n;
		c->cap = ncap;
	}
	c->n[page]++;
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	const unsigned char *p = buf;
	unsigned char	 h[8];
	size_t		 frame, i;

	if (real_pwrite64 == NULL)
		real_pwrite64 = (ssize_t (*)(int, const void *, size_t,
		    off_t))dlsym(RTLD_NEXT, "pwrite64");
	if (off >= 32 && is_wal(fd) && pread(fd, h, sizeof(h), 0) ==
	    (ssize_t)sizeof(h) && be32(h + 4) != 0) {
		frame = HDR + (pread(fd, h, 4, 8) == 4 ? (size_t)be32(h) : 0);
		if (frame == HDR)
			;		/* no page size: not counted */
		else if (len == HDR)
			rewrites++;	/* a header alone: checksums again */
		else if ((off - 32) % frame == 0 && len % frame == 0)
			for (i = 0; i < len; i += frame)
				count(&frames, be32(p + i));
		else if ((off - 32) % frame == HDR && pread(fd, h, 4,
		    off - HDR) == 4)
			count(&overwrites, be32(h));
	}
	return (real_pwrite64(fd, buf, len, off));
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return (pwrite64(fd, buf, len, off));
}

static void
dump(FILE *f, const char *what, const struct counts *c)
{
	size_t	 i;

	for (i = 0; i < c->cap; i++)
		if (c->n[i] != 0)
			fprintf(f, "%s %zu %lu\n", what, i, c->n[i]);
}

__attribute__((destructor)) static void
walframes_end(void)
{
	const char	*path = getenv("WALFRAMES_OUT");
	FILE		*f;

	/* Nothing written to a WAL: not the process measured (a wrapper
	 * such as /usr/bin/time loads this library too). */
	if (frames.cap == 0 && overwrites.cap == 0 && rewrites == 0)
		return;
	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	dump(f, "frames", &frames);
	dump(f, "overwrites", &overwrites);
	fprintf(f, "rewrites %lu\n", rewrites);
	fclose(f);
}
