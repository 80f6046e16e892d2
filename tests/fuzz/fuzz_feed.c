/*
 * tests/fuzz/fuzz_feed.c: fuzz wire_feed_parse, the parser of the feed
 * documents peers serve (and 'opora receive' reads).
 *
 * Properties: a parsed feed holds at most LIMIT_FEED_ITEMS items and
 * numbers within 0..2^53-1 ("head" -1 when absent), an epoch that is empty
 * or 32 lower-case hex digits; a well-formed item has a feed number, a
 * 64-byte signature and at most LIMIT_CHANGE_BYTES bytes; a malformed one
 * keeps at most LIMIT_CHANGE_BYTES bytes (WIRE_KEEP_BAD when oversized or
 * not base64) and, when it has an id, 64 lower-case hex digits.
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/feed/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/limits.h"
#include "protocol/num.h"
#include "protocol/wire.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_item(const struct wire_item *it)
{
	size_t	 k, idlen = strlen(it->id);

	if (it->problem[0] == '\0') {
		if (it->seq < 0 || it->seq > NUM_JSON_MAX || !it->sig_ok ||
		    (it->bytes == NULL && it->len > 0) ||
		    it->len > LIMIT_CHANGE_BYTES)
			abort();
		return;
	}
	if (strlen(it->problem) >= WIRE_PROBLEM || it->len >
	    LIMIT_CHANGE_BYTES || (it->bytes == NULL && it->len > 0))
		abort();
	if (strstr(it->problem, "more than the limit") != NULL &&
	    it->len > WIRE_KEEP_BAD)
		abort();
	if (idlen != 0 && idlen != CHANGE_ID_HEX)
		abort();
	for (k = 0; k < idlen; k++)
		if (!((it->id[k] >= '0' && it->id[k] <= '9') ||
		    (it->id[k] >= 'a' && it->id[k] <= 'f')))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_feed f;
	char		 why[256];
	char		*copy;
	size_t		 i, n;

	/* An exact-size copy, so reading past size is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	if (wire_feed_parse(copy, size, &f, why, sizeof(why)) == 0) {
		if (f.n > LIMIT_FEED_ITEMS || f.next < 0 ||
		    f.next > NUM_JSON_MAX || f.behind < -1 ||
		    f.behind > NUM_JSON_MAX || (f.n > 0 && f.items == NULL) ||
		    f.head < -1 || f.head > NUM_JSON_MAX)
			abort();
		/* No epoch, or exactly 32 lower-case hex digits. */
		n = strlen(f.epoch);
		if (n != 0 && n != WIRE_EPOCH_HEX)
			abort();
		for (i = 0; i < n; i++)
			if (!((f.epoch[i] >= '0' && f.epoch[i] <= '9') ||
			    (f.epoch[i] >= 'a' && f.epoch[i] <= 'f')))
				abort();
		for (i = 0; i < f.n; i++)
			check_item(&f.items[i]);
	} else if (why[0] == '\0')
		abort();
	wire_feed_free(&f);
	free(copy);
	return (0);
}
