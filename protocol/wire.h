/*
 * protocol/wire.h: the documents nodes exchange besides changes: base64,
 * and the feed (docs/protocol.md, "Replication").
 *
 * A feed response is a JSON object
 *   {"changes":[{"bytes":B64,"seq":N,"sig":B64},...],"more":BOOL,"next":N,
 *    "behind":N}
 * ("behind", how many changes remain after next, is optional)
 * where bytes are a change's exact signed bytes and sig its signature, both
 * in standard base64 with padding.  The envelope is not signed and need not
 * be canonical; every change in it is checked on its own.
 */
#ifndef OPORA_WIRE_H
#define OPORA_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/buf.h"
#include "protocol/sig.h"

/* wire_b64_add(out, p, n): append the base64 of n bytes.  0 / -1. */
int	 wire_b64_add(struct buf *out, const void *p, size_t n);

/* wire_b64_decode(s, len, out, outmax, outlen): decode padded base64 into
 * out (at most outmax bytes).  0 / -1 on bad input or if it does not fit. */
int	 wire_b64_decode(const char *s, size_t len, uint8_t *out,
	    size_t outmax, size_t *outlen);

struct wire_item {
	int64_t		 seq;
	uint8_t		*bytes;		/* owned by the feed */
	size_t		 len;
	uint8_t		 sig[SIG_LEN];
};

struct wire_feed {
	struct wire_item	*items;
	size_t			 n;
	int64_t			 next;
	bool			 more;
	int64_t			 behind;	/* changes still to come; -1 */
};

/* wire_feed_parse(p, len, f, why, whysz): parse a feed response within the
 * limits of protocol/limits.h.  0, or -1 with a reason.  Free with
 * wire_feed_free (also after a failure). */
int	 wire_feed_parse(const char *p, size_t len, struct wire_feed *f,
	    char *why, size_t whysz);
void	 wire_feed_free(struct wire_feed *f);

#endif /* OPORA_WIRE_H */
