/*
 * protocol/wire.h: the documents nodes exchange besides changes: base64,
 * and the feed (docs/protocol.md, "Replication").
 *
 * A feed response is a JSON object
 *   {"changes":[{"bytes":B64,"seq":N,"sig":B64},...],"more":BOOL,"next":N,
 *    "behind":N,"epoch":HEX,"head":N}
 * ("behind", how many changes remain after next, is optional; so are
 * "epoch", the 32 lower-case hex digits naming the epoch the feed numbers
 * count in, and "head", the server's newest feed number: docs/protocol.md,
 * "Feed epochs")
 * where bytes are a change's exact signed bytes and sig its signature, both
 * in standard base64 with padding.  The envelope is not signed and need not
 * be canonical; every change in it is checked on its own, and a malformed
 * item is refused alone (docs/protocol.md, "A feed document").
 */
#ifndef OPORA_WIRE_H
#define OPORA_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/buf.h"
#include "protocol/change.h"
#include "protocol/sig.h"

#define WIRE_PROBLEM	160	/* what is wrong with a feed item */
#define WIRE_KEEP_BAD	1024	/* bytes of a malformed item kept for the
				 * record: enough to see what it was */

/* wire_b64_add(out, p, n): append the base64 of n bytes.  0 / -1. */
int	 wire_b64_add(struct buf *out, const void *p, size_t n);

/* wire_b64_decode(s, len, out, outmax, outlen): decode padded base64 into
 * out (at most outmax bytes).  0 / -1 on bad input or if it does not fit. */
int	 wire_b64_decode(const char *s, size_t len, uint8_t *out,
	    size_t outmax, size_t *outlen);

struct wire_item {
	int64_t		 seq;		/* -1 when it was not a feed number */
	uint8_t		*bytes;		/* owned by the feed; NULL allowed
					 * when problem is set */
	size_t		 len;
	uint8_t		 sig[SIG_LEN];
	bool		 sig_ok;	/* sig holds a 64-byte signature */
	/*
	 * Empty for a well-formed item.  Otherwise what is wrong with it
	 * (for the record of refused changes), and:
	 * - id: the change id (hex SHA-256) of its decoded bytes when
	 *   "bytes" is base64, whatever its size; else the hex SHA-256 of
	 *   the item as cJSON prints it unformatted;
	 * - bytes: the decoded bytes when they are base64 of at most
	 *   LIMIT_CHANGE_BYTES; the first WIRE_KEEP_BAD of them when they
	 *   are longer; the first WIRE_KEEP_BAD bytes of the string as sent
	 *   when it is not base64; nothing when there is no string.
	 */
	char		 problem[WIRE_PROBLEM];
	char		 id[CHANGE_ID_HEX + 1];
};

#define WIRE_EPOCH_HEX	32

/*
 * The replication protocol's versions (docs/protocol.md, "Versions of the
 * replication protocol"): the endpoints, their documents and their
 * rules.  A node speaks every version from WIRE_PROTOCOL_MIN to
 * WIRE_PROTOCOL_MAX; it sends WIRE_PROTOCOL_HEADER with the version of
 * each request and each answer, takes a request or an answer without
 * the header as version 1 (nodes before it was sent), and refuses one in
 * a version it does not speak.  Versions are 1 to WIRE_PROTOCOL_LIMIT.
 */
#define WIRE_PROTOCOL_MIN	1
#define WIRE_PROTOCOL_MAX	1
#define WIRE_PROTOCOL_LIMIT	999
#define WIRE_PROTOCOL_HEADER	"Opora-Protocol"
/* A feed request whose puller holds every change its region wrote
 * ("Opora-Own: held"): the server leaves them out (docs/protocol.md,
 * "Endpoints"). */
#define WIRE_OWN_HEADER		"Opora-Own"
#define WIRE_OWN_HELD		"held"

/* wire_protocol_parse(v, len): the version a header's value names (a plain
 * decimal from 1 to WIRE_PROTOCOL_LIMIT), or -1. */
int	 wire_protocol_parse(const char *v, size_t len);

struct wire_feed {
	struct wire_item	*items;
	size_t			 n;
	int64_t			 next;
	bool			 more;
	int64_t			 behind;	/* changes still to come; -1 */
	/* The epoch the numbers count in, "" when not sent. */
	char			 epoch[WIRE_EPOCH_HEX + 1];
	int64_t			 head;	/* newest number; -1 */
	/* Set when parsing failed because memory ran out: a failure of
	 * this node, not a verdict on the response. */
	bool			 nomem;
};

/*
 * wire_feed_parse(p, len, f, why, whysz): parse a feed response within the
 * limits of protocol/limits.h.  p is borrowed (need not be NUL-terminated).
 * Each change stands alone: an item that is malformed (not an object, a
 * "seq" that is not a whole number in 0..2^53-1, "bytes" that are not
 * base64 of at most LIMIT_CHANGE_BYTES bytes, a "sig" that is not base64
 * of 64 bytes) is kept in f->items with its problem set, for the caller
 * to refuse and record, and the rest is parsed on.  Only a response that
 * is not a feed fails: larger than LIMIT_FEED_BYTES, not a JSON object, no
 * "changes" array, more than LIMIT_FEED_ITEMS items, "more" not a boolean,
 * "next" (or "behind" or "head", when present) not a whole number in
 * 0..2^53-1, "epoch" (when present) not 32 lower-case hex digits.
 * Returns 0, or -1 with a reason in why; when memory ran out the reason
 * is "out of memory" and f->nomem is set (try again later: nothing is
 * wrong with the response).  Free with wire_feed_free (also after a
 * failure).
 */
int	 wire_feed_parse(const char *p, size_t len, struct wire_feed *f,
	    char *why, size_t whysz);
/* wire_feed_free(f): release the items of f and zero it; f not NULL. */
void	 wire_feed_free(struct wire_feed *f);

#endif /* OPORA_WIRE_H */
