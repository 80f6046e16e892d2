/*
 * tests/fuzz/fuzz_import.c: fuzz one line of an import file,
 * import_line_parse (node/import.h).
 *
 * Properties: an accepted line names a dossier label of 1 to
 * LIMIT_IMPORT_LABEL bytes and an operation an import may hold; an "id"
 * only on a line that adds an entry; a line that changes an entry names
 * it, with the key "dossier\x1fref"; a SNILS in its printed form becomes
 * 11 digits; its key (import_line_key) is the same each time and changes
 * with the dossier's key and with nth; every string it points to lies in
 * the parsed tree or the line's own SNILS.  A refused line says why in
 * printable text (the line's bytes escaped).
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/import/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/import.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
clean(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (0);
	return (i < n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_line	 il;
	char			*copy, why[256], key[sizeof(il.key)];
	uint8_t			 k0[IMPORT_KEY_LEN], k1[IMPORT_KEY_LEN];
	size_t			 n;
	int			 r;

	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	r = import_line_parse(copy, size, &il, why, sizeof(why));
	if (r == 0) {
		if (il.tree == NULL || il.dossier == NULL ||
		    (n = strlen(il.dossier)) == 0 || n > LIMIT_IMPORT_LABEL ||
		    il.op.kind == OP_NONE || il.op.kind == OP_PERSON_SET)
			abort();
		if (il.entry != NULL && (import_adds_table(il.op.kind) ==
		    DT_COUNT || il.entry[0] == '\0' ||
		    strlen(il.entry) > LIMIT_IMPORT_LABEL))
			abort();
		if (import_names_table(il.op.kind) != DT_COUNT) {
			if (il.ref == NULL || strlen(il.ref) >
			    LIMIT_IMPORT_LABEL)
				abort();
			memcpy(key, il.dossier, n);
			key[n] = '\x1f';
			memcpy(key + n + 1, il.ref, strlen(il.ref) + 1);
			if (strcmp(key, il.key) != 0)
				abort();
		}
		if (il.op.person[PF_SNILS] == il.snils &&
		    strspn(il.snils, "0123456789") != 11)
			abort();
		/* A line's key depends on its dossier's and on nth. */
		import_line_key(&il, NULL, 0, k0);
		import_line_key(&il, NULL, 0, k1);
		if (memcmp(k0, k1, sizeof(k0)) != 0)
			abort();
		import_line_key(&il, k0, 0, k1);
		if (memcmp(k0, k1, sizeof(k0)) == 0)
			abort();
		import_line_key(&il, NULL, 1, k1);
		if (memcmp(k0, k1, sizeof(k0)) == 0)
			abort();
	} else if (r != -1 || !clean(why, sizeof(why)))
		abort();
	import_line_free(&il);
	if (il.tree != NULL)
		abort();
	free(copy);
	return (0);
}
