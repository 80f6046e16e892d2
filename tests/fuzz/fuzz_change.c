/*
 * tests/fuzz/fuzz_change.c: fuzz the parsers that read bytes from other
 * nodes: jcs_parse, change_decode and snapshot_decode.
 *
 * Built with clang -fsanitize=fuzzer ('make fuzz') it is a libFuzzer
 * target.  Built without (FUZZ_REPLAY, as 'make check' does) it replays the
 * files named on the command line, so every input that once crashed, kept
 * in tests/fuzz/corpus/, is run on every check.
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

#ifdef FUZZ_REPLAY
int
main(int argc, char **argv)
{
	FILE	*f;
	uint8_t	*buf;
	long	 n;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return (1);
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL ||
		    fread(buf, 1, (size_t)n, f) != (size_t)n) {
			fclose(f);
			return (1);
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	printf("[  PASSED  ] %d test(s).\n", argc - 1);
	return (0);
}
#endif
