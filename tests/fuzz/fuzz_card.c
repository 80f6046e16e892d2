/*
 * tests/fuzz/fuzz_card.c: fuzz the reader of node cards, card_check
 * (node/card.c), which an admin feeds with a file from another region.
 *
 * Properties: an accepted card holds a region code, an https:// URL, a
 * TLS pin of the form sha256//BASE64 and a key id that is the id of its
 * public key, all NUL-terminated within their fields; the same bytes give
 * the same card; a refusal says why in printable text.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/card/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/card.h"
#include "protocol/fields.h"

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
	struct card	 c, c2;
	char		*copy, why[256], kid[SIG_KEYID_LEN + 1];
	int		 r;

	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	memset(&c, 0, sizeof(c));
	memset(&c2, 0, sizeof(c2));
	r = card_check(copy, size, &c, why, sizeof(why));
	if (r == 0) {
		sig_key_id(c.pub, kid);
		if (card_check(copy, size, &c2, why, sizeof(why)) != 0 ||
		    memcmp(&c, &c2, sizeof(c)) != 0 ||
		    !clean(c.region, sizeof(c.region)) ||
		    !fields_region_valid(c.region, strlen(c.region)) ||
		    !clean(c.url, sizeof(c.url)) ||
		    strncmp(c.url, "https://", 8) != 0 ||
		    !clean(c.pin, sizeof(c.pin)) ||
		    strncmp(c.pin, "sha256//", 8) != 0 ||
		    strlen(c.pin) != TLS_PIN_LEN ||
		    !clean(c.key_id, sizeof(c.key_id)) ||
		    strcmp(c.key_id, kid) != 0)
			abort();
	} else if (r != -1 || !clean(why, sizeof(why)))
		abort();
	free(copy);
	return (0);
}
