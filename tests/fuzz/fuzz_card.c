/*
 * tests/fuzz/fuzz_card.c: fuzz card_check (node/card.h), the parser of the
 * cards admins exchange (and of every rotation and revocation in them),
 * and card_time_parse, which reads the times admins type.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/card/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/card.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct card	 c;
	char		 why[256], kid[SIG_KEYID_LEN + 1], t[32];
	char		*copy;
	uint64_t	 v;
	size_t		 i;

	/* An exact-size copy, so reading past size is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	if (card_check(copy, size, &c, why, sizeof(why)) == 0) {
		/* What checks names its own key, and its chain leads there. */
		sig_key_id(c.pub, kid);
		if (strcmp(kid, c.key_id) != 0 ||
		    c.nrot > CARD_MAX_ROTATIONS || c.nrev > CARD_MAX_REVOKED ||
		    card_chain_from(&c, c.key_id) != (int)c.nrot ||
		    (c.nrot > 0 && memcmp(c.rot[c.nrot - 1].pub, c.pub,
		    SIG_PUB_LEN) != 0) ||
		    strlen(c.pin) != TLS_PIN_LEN)
			abort();
		for (i = 0; i + 1 < c.nrot; i++)
			if (memcmp(c.rot[i].pub, c.rot[i + 1].prev,
			    SIG_PUB_LEN) != 0 || c.rot[i].at >= c.rot[i + 1].at)
				abort();
	} else if (why[0] == '\0')
		abort();	/* a refusal always says why */
	free(copy);
	/* Times: a short C string. */
	if (size < 64) {
		char	 s[64];

		memcpy(s, data, size);
		s[size] = '\0';
		if (card_time_parse(s, &v) == 0)
			card_time_format(v, t);
	}
	return (0);
}
