/*
 * tests/fuzz/fuzz_jcs.c: jcs_parse, the reader every change, card and
 * snapshot from outside passes, against its definition,
 * jcs_parse_reference (cJSON's parse, jcs_write, a comparison): for any
 * bytes, with the usual limit on values and with a small one, both accept
 * or both refuse with the same reason, and what they accept they read
 * into equal trees.  Any disagreement aborts.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/jcs/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/jcs.h"
#include "protocol/limits.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* a and b hold the same values, keys and links. */
static int
same(const cJSON *a, const cJSON *b)
{
	const cJSON	*x, *y;

	if ((a->type & 0xff) != (b->type & 0xff) ||
	    a->valueint != b->valueint || a->valuedouble != b->valuedouble ||
	    (a->valuestring == NULL) != (b->valuestring == NULL) ||
	    (a->valuestring != NULL && strcmp(a->valuestring,
	    b->valuestring) != 0) || (a->string == NULL) != (b->string ==
	    NULL) || (a->string != NULL && strcmp(a->string, b->string) != 0))
		return (0);
	for (x = a->child, y = b->child; x != NULL && y != NULL;
	    x = x->next, y = y->next)
		if (!same(x, y) || (x->prev == NULL) != (y->prev == NULL))
			return (0);
	return (x == NULL && y == NULL);
}

static void
compare(const char *p, size_t n, size_t max_elements)
{
	const char	*w1 = NULL, *w2 = NULL;
	cJSON		*a, *b;

	a = jcs_parse_limit(p, n, LIMIT_CHANGE_BYTES * 16, max_elements, &w1);
	b = jcs_parse_reference(p, n, LIMIT_CHANGE_BYTES * 16, max_elements,
	    &w2);
	if ((a == NULL) != (b == NULL))
		abort();
	if (a == NULL && !jcs_why_nomem(w1) && !jcs_why_nomem(w2) &&
	    strcmp(w1, w2) != 0)
		abort();
	if (a != NULL && !same(a, b))
		abort();
	cJSON_Delete(a);
	cJSON_Delete(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*copy;

	/* An exact-size copy, so reading past size is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	compare(copy, size, LIMIT_JSON_ELEMENTS);
	compare(copy, size, size % 13);
	free(copy);
	return (0);
}
