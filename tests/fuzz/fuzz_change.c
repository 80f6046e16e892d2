/*
 * tests/fuzz/fuzz_change.c: fuzz the parsers that read bytes from other
 * nodes: jcs_parse, change_decode and snapshot_decode (seeds: a version 2
 * snapshot, and a version 1 one that is refused).
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/change/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/change.h"
#include "protocol/jcs.h"
#include "protocol/snapshot.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct change	*c = NULL;
	struct snapshot	 s;
	const char	*why;
	char		 reason[256];
	cJSON		*v;
	uint8_t		*copy;

	/* An exact-size copy, so reading past size is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	if ((v = jcs_parse((const char *)copy, size, &why)) != NULL)
		cJSON_Delete(v);
	if (change_decode(copy, size, &c, reason, sizeof(reason)) == 0) {
		/* What decodes must name its own id. */
		char	 id[CHANGE_ID_HEX + 1];

		change_id(copy, size, id);
		if (strcmp(id, c->id) != 0)
			abort();
		change_free(c);
	}
	if (snapshot_decode(copy, size, &s, reason, sizeof(reason)) == 0) {
		/* What decodes is canonical: encoding it gives it back. */
		struct buf	 b;

		buf_init(&b, SNAPSHOT_MAX_BYTES);
		if (snapshot_encode(&s, &b, reason, sizeof(reason)) == -1 ||
		    b.len != size || memcmp(b.data, copy, size) != 0)
			abort();
		buf_free(&b);
		snapshot_free(&s);
	}
	free(copy);
	return (0);
}
