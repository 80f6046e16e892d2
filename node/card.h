/*
 * node/card.h: node cards, how admins introduce nodes to each other, and
 * how a node announces a new signing key, revoked keys and its next TLS
 * key (docs/protocol.md section 9, "Node cards" and "Keys: rotation and
 * revocation").
 *
 * A card is {"card":{...},"signature":HEX}, canonical (RFC 8785) as a whole:
 * the card object holds the node's current Ed25519 public key (hex), its key
 * id, region, TLS pin ("sha256//" + base64 of the SHA-256 of the
 * certificate's public key) and URL, and v; the signature is the current
 * key's Ed25519 signature over CARD_PREFIX and the card object's canonical
 * bytes.  A card of version 2 may also carry:
 *
 *   rotations     the last rotations of the region's key, oldest first:
 *                 each names the key it replaced (prev_key), the new key,
 *                 when it was made (at) and the clock from which the old
 *                 key's signatures are refused (until); each is signed by
 *                 the OLD key over ROTATE_PREFIX and the canonical bytes of
 *                 {at, key, prev_key, region, until}, so a peer holding any
 *                 key of the chain can tell the card comes from the same
 *                 node.  The last rotation's key is the card's key.
 *   revoked       the region's own revocations: key id and the clock from
 *                 which that key's signatures are refused (since).
 *   tls_pin_next  a second pin: the TLS key the node will switch to.
 *
 * A version 1 card has none of them.  The card proves its holder has the
 * signing key; the trust is in how the admins exchanged it.  Times are HLC
 * values (conflict/hlc.h): a change signed by a key is refused when its own
 * clock is at or after the key's until or since (a verdict on its bytes).
 */
#ifndef OPORA_CARD_H
#define OPORA_CARD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "protocol/sig.h"
#include "protocol/tls.h"

#define CARD_PREFIX	"opora-card-v1\n"
#define ROTATE_PREFIX	"opora-rotate-v1\n"

/*
 * How many rotations and revocations a card carries: with the rest of the
 * card they fit LIMIT_CARD_BYTES (a rotation is ~390 bytes, a revocation
 * ~50).  A peer that missed more rotations than a card carries takes the
 * region's new card after 'opora peer remove', as for a new peer.
 */
#define CARD_MAX_ROTATIONS	4
#define CARD_MAX_REVOKED	8

struct node;

struct card_rotation {
	uint8_t	 prev[SIG_PUB_LEN];	/* the key replaced */
	uint8_t	 pub[SIG_PUB_LEN];	/* the new key */
	uint64_t at;			/* HLC: when the rotation was made */
	uint64_t until;			/* HLC: prev signs nothing from here */
	uint8_t	 sig[SIG_LEN];		/* by prev, see above */
};

struct card_revoked {
	char	 key_id[SIG_KEYID_LEN + 1];
	uint64_t since;			/* HLC: refused from here on */
};

struct card {
	char			 region[16];
	char			 url[256];
	char			 key_id[SIG_KEYID_LEN + 1];
	uint8_t			 pub[SIG_PUB_LEN];
	char			 pin[TLS_PIN_LEN + 1];
	char			 pin_next[TLS_PIN_LEN + 1];	/* or "" */
	struct card_rotation	 rot[CARD_MAX_ROTATIONS];
	size_t			 nrot;
	struct card_revoked	 rev[CARD_MAX_REVOKED];	/* by key id */
	size_t			 nrev;
};

/* card_make(n): this node's signed card as a new cJSON tree (the caller's
 * to cJSON_Delete), with its rotations and revocations from the store and
 * the pin of tls.next.crt if there is one; NULL (logged) on failure. */
cJSON	*card_make(struct node *n);

/*
 * card_build(c, key): the signed card document for c as a new cJSON tree,
 * or NULL.  Borrows both; key must be the private key of c->pub.  c's
 * rotations must already be signed (card_rotation_sign).
 */
cJSON	*card_build(const struct card *c, const struct sig_key *key);

/* card_rotation_sign(old, region, r): sign rotation r (its prev must be
 * old's public key) as region's.  0 / -1 (logged). */
int	 card_rotation_sign(const struct sig_key *old, const char *region,
	    struct card_rotation *r);

/* card_check(p, len, c, why, whysz): parse and check a card: its form
 * (canonical, no unknown member), its key id, its signature, and that its
 * rotations are signed and chained to its key.  0, or -1 with a reason. */
int	 card_check(const char *p, size_t len, struct card *c, char *why,
	    size_t whysz);

/*
 * card_chain_from(c, key_id): where a peer that holds key_id for c's region
 * starts to take c in: c->nrot when key_id is c's own key, i when
 * rotation i replaced key_id (rotations i.. lead from it to c's key), -1
 * when c is not chained to key_id.
 */
int	 card_chain_from(const struct card *c, const char *key_id);

/*
 * card_time_parse(s, out): a time an admin types, as an HLC: YYYY-MM-DD
 * (midnight UTC), YYYY-MM-DDTHH:MM:SSZ, or 16 hex digits (an HLC value).
 * 0 / -1.  card_time_format(v, out): v's wall-clock part as
 * "YYYY-MM-DD HH:MM:SS UTC" in out (32 bytes, the caller's).
 */
int	 card_time_parse(const char *s, uint64_t *out);
void	 card_time_format(uint64_t v, char out[32]);

#endif /* OPORA_CARD_H */
