/*
 * protocol/buf.h: a bounded, growable byte buffer.
 *
 * A buf has a maximum size fixed when it is made.  Appends check their size
 * arithmetic for overflow and against the maximum; a failed append empties
 * the buffer and marks it failed, so a caller may append many pieces and
 * check once with buf_failed().  The buffer remembers why its first failure
 * happened (buf_error(): too large, or out of memory), as SQLite's StrAccum
 * does, so that no message has to guess: a document too large is a verdict
 * on it, while memory running out is a transient condition of this node.  The contents are always NUL-terminated (the
 * NUL is not counted in len), so text can be passed to C string functions.
 */
#ifndef OPORA_BUF_H
#define OPORA_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Why a buffer failed. */
enum buf_error {
	BUF_OK = 0,
	BUF_TOO_LARGE,		/* the result would exceed the maximum */
	BUF_NOMEM		/* memory ran out */
};

struct buf {
	char		*data;		/* owned; NULL until the first append */
	size_t		 len;
	size_t		 cap;
	size_t		 max;		/* the most bytes it may hold */
	bool		 failed;	/* an append failed; contents dropped */
	enum buf_error	 error;		/* why, when failed */
};

/* buf_init(b, max): an empty buffer that may hold up to max bytes. */
void	buf_init(struct buf *b, size_t max);

/* buf_free(b): release the memory; b may then be reused after buf_init. */
void	buf_free(struct buf *b);

/* buf_reset(b): empty the buffer and clear the failed mark; keeps memory. */
void	buf_reset(struct buf *b);

/*
 * buf_add(b, p, n), buf_adds(b, s), buf_addc(b, c), buf_addf(b, fmt, ...):
 * append bytes, a C string, one byte, or formatted text.  Return 0, or -1
 * (buffer emptied and marked failed) when the result would exceed the
 * maximum or memory runs out.  A failed buffer refuses further appends.
 */
int	buf_add(struct buf *b, const void *p, size_t n);
int	buf_adds(struct buf *b, const char *s);
int	buf_addc(struct buf *b, char c);
int	buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	buf_addhex(struct buf *b, const unsigned char *p, size_t n);

/*
 * buf_extend(b, n): append n bytes for the caller to write, in place: a
 * pointer to them (n writable bytes, then one more for a NUL, which the
 * buffer keeps there: the caller may write it), owned by b and valid
 * until its next append, or NULL as buf_add fails.
 */
char	*buf_extend(struct buf *b, size_t n);

/* buf_failed(b): whether any append failed since the last reset. */
bool	buf_failed(const struct buf *b);

/* buf_error(b): why the first failed append since the last reset failed
 * (BUF_TOO_LARGE or BUF_NOMEM), or BUF_OK if none did. */
enum buf_error buf_error(const struct buf *b);

/*
 * buf_take(b, lenp): hand the contents over to the caller, who frees them
 * with free(); stores the length in *lenp if lenp is not NULL.  Returns NULL
 * if the buffer failed (its error is then cleared with the buffer) or if an
 * empty buffer's "" cannot be allocated (then buf_error() says BUF_NOMEM).  The buffer is left empty and reusable.  An empty,
 * never-appended buffer yields an allocated "".
 */
char	*buf_take(struct buf *b, size_t *lenp);

#endif /* OPORA_BUF_H */
