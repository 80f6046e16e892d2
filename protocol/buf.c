/*
 * protocol/buf.c: a bounded, growable byte buffer.  See buf.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/buf.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
	b->error = BUF_OK;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = false;
	b->error = BUF_OK;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Fail the buffer for reason e; the first reason is kept. */
static void
buf_fail(struct buf *b, enum buf_error e)
{
	if (!b->failed)
		b->error = e;
	b->failed = true;
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes and the NUL, or fail the buffer. */
static int
buf_reserve(struct buf *b, size_t n)
{
	size_t	 need, ncap;
	char	*p;

	if (b->failed)
		return (-1);
	if (n > b->max || b->len > b->max - n) {
		buf_fail(b, BUF_TOO_LARGE);
		return (-1);
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return (0);
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (b->max < SIZE_MAX && ncap > b->max + 1)
		ncap = b->max + 1;
	if ((p = realloc(b->data, ncap)) == NULL) {
		buf_fail(b, BUF_NOMEM);
		return (-1);
	}
	b->data = p;
	b->cap = ncap;
	return (0);
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return (-1);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return (0);
}

char *
buf_extend(struct buf *b, size_t n)
{
	char	*p;

	if (buf_reserve(b, n) == -1)
		return (NULL);
	p = b->data + b->len;
	b->len += n;
	b->data[b->len] = '\0';
	return (p);
}

int
buf_adds(struct buf *b, const char *s)
{
	return (buf_add(b, s, strlen(s)));
}

int
buf_addc(struct buf *b, char c)
{
	return (buf_add(b, &c, 1));
}

int
buf_addhex(struct buf *b, const unsigned char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	if (n > SIZE_MAX / 2) {
		buf_fail(b, BUF_TOO_LARGE);
		return (-1);
	}
	if (buf_reserve(b, n * 2) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		b->data[b->len++] = hex[p[i] >> 4];
		b->data[b->len++] = hex[p[i] & 0xf];
	}
	b->data[b->len] = '\0';
	return (0);
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b->failed)
		return (-1);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf_fail(b, BUF_TOO_LARGE);	/* vsnprintf: EOVERFLOW */
		return (-1);
	}
	if (buf_reserve(b, (size_t)n) == -1)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return (0);
}

bool
buf_failed(const struct buf *b)
{
	return (b->failed);
}

enum buf_error
buf_error(const struct buf *b)
{
	return (b->failed ? b->error : BUF_OK);
}

char *
buf_take(struct buf *b, size_t *lenp)
{
	char	*p;

	if (b->failed) {
		buf_reset(b);
		return (NULL);
	}
	if (b->data == NULL && (b->data = calloc(1, 1)) == NULL) {
		buf_fail(b, BUF_NOMEM);
		return (NULL);
	}
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return (p);
}
