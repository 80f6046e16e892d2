/*
 * node/card.h: node cards, how admins introduce nodes to each other.
 *
 * A card is {"card":{...},"signature":HEX}: the card object holds the
 * node's Ed25519 public key (hex), its key id, region, TLS pin
 * ("sha256//" + base64 of the SHA-256 of the certificate's public key) and
 * URL, and v = 1; the signature is the node's Ed25519 signature over
 * CARD_PREFIX and the card object's canonical (RFC 8785) bytes.  The card
 * proves its holder has the signing key; the trust is in how the admins
 * exchanged it.
 */
#ifndef OPORA_CARD_H
#define OPORA_CARD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "protocol/sig.h"
#include "protocol/tls.h"

#define CARD_PREFIX	"opora-card-v1\n"

struct node;

struct card {
	char	 region[16];
	char	 url[256];
	char	 key_id[SIG_KEYID_LEN + 1];
	uint8_t	 pub[SIG_PUB_LEN];
	char	 pin[TLS_PIN_LEN + 1];
};

/* card_make(n): this node's signed card as a new cJSON tree, or NULL. */
cJSON	*card_make(struct node *n);

/* card_check(p, len, c, why, whysz): parse and check a card (its form, its
 * key id, its signature).  0, or -1 with a reason. */
int	 card_check(const char *p, size_t len, struct card *c, char *why,
	    size_t whysz);

#endif /* OPORA_CARD_H */
