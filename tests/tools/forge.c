/*
 * tests/tools/forge.c: a hostile peer's pen, for the attack tests.
 *
 *   forge SIGNING_KEY < LINES > FEED
 *
 * Reads one change per input line (its exact bytes, without the line
 * feed), signs each with the Ed25519 key in SIGNING_KEY (a node's
 * signing.key) under the change prefix, and writes a feed document of
 * them (docs/protocol.md, "A feed document") for 'opora receive'.  It
 * checks nothing: the bytes may be non-canonical, claim another region,
 * name any dossier -- whatever a hostile region could sign.  A line
 * "!badsig" signs the next line with a flipped bit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/buf.h"
#include "protocol/change.h"
#include "protocol/sig.h"
#include "protocol/wire.h"

#define FORGE_LINE	(256 * 1024)

int
main(int argc, char **argv)
{
	struct sig_key	*k;
	struct buf	 out;
	uint8_t		 sig[SIG_LEN];
	char		*line;
	size_t		 len;
	int		 n = 0, badsig = 0;

	if (argc != 2 || (k = sig_key_load(argv[1])) == NULL) {
		fprintf(stderr, "usage: forge SIGNING_KEY < LINES > FEED\n");
		return (64);
	}
	if ((line = malloc(FORGE_LINE)) == NULL)
		return (71);
	buf_init(&out, 64 * 1024 * 1024);
	buf_adds(&out, "{\"changes\":[");
	while (fgets(line, FORGE_LINE, stdin) != NULL) {
		len = strcspn(line, "\n");
		line[len] = '\0';
		if (strcmp(line, "!badsig") == 0) {
			badsig = 1;
			continue;
		}
		if (sig_sign(k, CHANGE_PREFIX, (uint8_t *)line, len, sig) == -1)
			return (70);
		if (badsig)
			sig[0] ^= 1;
		badsig = 0;
		buf_adds(&out, n > 0 ? ",{\"bytes\":\"" : "{\"bytes\":\"");
		wire_b64_add(&out, line, len);
		buf_addf(&out, "\",\"seq\":%d,\"sig\":\"", n + 1);
		wire_b64_add(&out, sig, SIG_LEN);
		buf_adds(&out, "\"}");
		n++;
	}
	buf_addf(&out, "],\"more\":false,\"next\":%d}\n", n);
	if (buf_failed(&out))
		return (70);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	sig_key_free(k);
	free(line);
	return (0);
}
