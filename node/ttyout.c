/*
 * node/ttyout.c: an escaping standard output on terminals.  See ttyout.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/ttyout.h"
#include "protocol/esc.h"

#define TTYOUT_CHUNK	1024

struct ttyout {
	int	 fd;
	size_t	 held;		/* the start of a character cut by a write */
	char	 hold[4];
};

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Escape what is held and in[0..len), holding back a character cut at
 * the end unless final. */
static int
pass(struct ttyout *t, const char *in, size_t len, int final)
{
	char	 buf[TTYOUT_CHUNK + sizeof(t->hold)];
	char	 out[4 * sizeof(buf)];
	size_t	 n, take, used, o;

	do {
		take = len < TTYOUT_CHUNK ? len : TTYOUT_CHUNK;
		memcpy(buf, t->hold, t->held);
		memcpy(buf + t->held, in, take);
		n = t->held + take;
		in += take;
		len -= take;
		o = esc_lines(buf, n, final && len == 0, out, &used);
		/* At most the start of one character stays. */
		t->held = n - used;
		memcpy(t->hold, buf + used, t->held);
		if (write_all(t->fd, out, o) == -1)
			return (-1);
	} while (len > 0);
	return (0);
}

static ssize_t
ttyout_write(void *cookie, const char *buf, size_t size)
{
	if (pass(cookie, buf, size, 0) == -1)
		return (-1);
	return ((ssize_t)size);
}

static int
ttyout_close(void *cookie)
{
	struct ttyout	*t = cookie;
	int		 rc;

	rc = t->held > 0 ? pass(t, "", 0, 1) : 0;
	free(t);
	return (rc);
}

static void
close_stdout(void)
{
	(void)fclose(stdout);
}

int
ttyout_install(void)
{
	static const cookie_io_functions_t	 fns = {
		.write = ttyout_write, .close = ttyout_close
	};
	struct ttyout				*t;
	FILE					*f;

	if (!isatty(STDOUT_FILENO))
		return (0);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return (-1);
	t->fd = STDOUT_FILENO;
	if ((f = fopencookie(t, "w", fns)) == NULL) {
		free(t);
		return (-1);
	}
	/* As a terminal's stdout is: a line at a time. */
	if (setvbuf(f, NULL, _IOLBF, BUFSIZ) != 0 || atexit(close_stdout) != 0) {
		(void)fclose(f);
		return (-1);
	}
	fflush(stdout);
	stdout = f;
	return (0);
}
