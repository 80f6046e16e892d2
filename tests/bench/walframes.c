/*
 * tests/bench/walframes.c: where a command's writes to SQLite's WAL go,
 * table by table (tests/bench/bench_walframes.sh, docs/performance.md).
 *
 * An LD_PRELOAD library, for measurement only: it wraps pwrite64 and, for
 * writes to a file whose name ends in "-wal", counts each frame SQLite
 * appends by its page number (the frame's 24-byte header is written, then
 * its page just after it), and each page SQLite writes again over a frame
 * of the same transaction (a page spilled from its cache and changed
 * again), by the page number read from that frame's header.  The
 * 24-byte headers SQLite writes again when it recomputes the checksums of
 * a transaction that overwrote a frame are counted apart.  At exit it
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
static off_t		 hdr_off = -1;
static uint32_t		 hdr_page;
static int		 hdr_fd = -1;

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
	unsigned char	 h[4];

	if (real_pwrite64 == NULL)
		real_pwrite64 = (ssize_t (*)(int, const void *, size_t,
		    off_t))dlsym(RTLD_NEXT, "pwrite64");
	if (len == HDR && is_wal(fd)) {
		if (hdr_off != -1 && hdr_fd == fd)
			rewrites++;	/* a header not followed by its page */
		hdr_off = off;
		hdr_fd = fd;
		hdr_page = be32(buf);
	} else if (len >= 512 && is_wal(fd)) {
		if (fd == hdr_fd && off == hdr_off + HDR)
			count(&frames, hdr_page);
		else if (off >= HDR && pread(fd, h, sizeof(h), off - HDR) ==
		    (ssize_t)sizeof(h))
			count(&overwrites, be32(h));
		hdr_off = -1;
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

	/* A header still waiting for its page at exit was a rewrite. */
	if (hdr_off != -1)
		rewrites++;
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
