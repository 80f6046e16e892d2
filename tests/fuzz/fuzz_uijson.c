/*
 * tests/fuzz/fuzz_uijson.c: fuzz the reading of the JSON bodies browsers
 * send to the web pages' API (node/uijson.h), and the reading of every
 * member an endpoint takes from one.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/uijson/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/uijson.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "login", "password", "code",
	    "new_password", "reason", "entry", "surname", "birth-date",
	    "text", "" };
	const char	*s;
	cJSON		*o;
	char		*copy;
	size_t		 i;

	/* An exact-size copy, so reading past size is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	if (uijson_parse(copy, size, &o) == 0) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (uijson_str(o, keys[i], UIJSON_STRING_MAX, &s) ==
			    0 && strlen(s) > UIJSON_STRING_MAX)
				abort();
		(void)uijson_bool(o, "force");
		cJSON_Delete(o);
	}
	free(copy);
	return (0);
}
