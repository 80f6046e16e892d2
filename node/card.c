/*
 * node/card.c: node cards.  See card.h.
 */
#include <stdio.h>
#include <string.h>

#include "node/card.h"
#include "node/node.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"

cJSON *
card_make(struct node *n)
{
	cJSON		*doc = NULL, *card;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 pin[TLS_PIN_LEN + 1], path[4096], pubhex[65];
	char		 sighex[2 * SIG_LEN + 1];
	size_t		 i;

	buf_init(&b, LIMIT_CARD_BYTES);
	for (i = 0; i < SIG_PUB_LEN; i++)
		snprintf(pubhex + 2 * i, 3, "%02x", n->pub[i]);
	if (node_path(n, "tls.crt", path, sizeof(path)) == -1 ||
	    tls_pin_file(path, pin) == -1)
		goto out;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (card = cJSON_AddObjectToObject(doc, "card")) == NULL ||
	    cJSON_AddStringToObject(card, "key", pubhex) == NULL ||
	    cJSON_AddStringToObject(card, "key_id", n->key_id) == NULL ||
	    cJSON_AddStringToObject(card, "region", n->cfg.region) == NULL ||
	    cJSON_AddStringToObject(card, "tls_pin", pin) == NULL ||
	    cJSON_AddStringToObject(card, "url", n->cfg.url) == NULL ||
	    cJSON_AddNumberToObject(card, "v", 1) == NULL ||
	    jcs_write(&b, card, LIMIT_JSON_ELEMENTS, NULL) == -1 ||
	    sig_sign(n->key, CARD_PREFIX, b.data, b.len, sig) == -1)
		goto bad;
	for (i = 0; i < SIG_LEN; i++)
		snprintf(sighex + 2 * i, 3, "%02x", sig[i]);
	if (cJSON_AddStringToObject(doc, "signature", sighex) == NULL)
		goto bad;
	goto out;
bad:
	cJSON_Delete(doc);
	doc = NULL;
out:
	buf_free(&b);
	return (doc);
}

static const char *
str_member(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return (cJSON_IsString(v) ? v->valuestring : NULL);
}

int
card_check(const char *p, size_t len, struct card *c, char *why,
    size_t whysz)
{
	cJSON		*t = NULL;
	const cJSON	*card;
	struct sig_pub	*pub = NULL;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 kid[SIG_KEYID_LEN + 1];
	const char	*key, *key_id, *region, *pin, *url, *sighex;
	int		 rc = -1;

	memset(c, 0, sizeof(*c));
	buf_init(&b, LIMIT_CARD_BYTES);
	/* A card file may end with a newline; nothing else may follow. */
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len == 0 || len > LIMIT_CARD_BYTES ||
	    (t = cJSON_ParseWithLength(p, len)) == NULL) {
		snprintf(why, whysz, "not a node card (JSON, at most %d bytes)",
		    LIMIT_CARD_BYTES);
		goto out;
	}
	card = cJSON_GetObjectItemCaseSensitive(t, "card");
	sighex = str_member(t, "signature");
	if (!cJSON_IsObject(card) || sighex == NULL ||
	    (key = str_member(card, "key")) == NULL ||
	    (key_id = str_member(card, "key_id")) == NULL ||
	    (region = str_member(card, "region")) == NULL ||
	    (pin = str_member(card, "tls_pin")) == NULL ||
	    (url = str_member(card, "url")) == NULL) {
		snprintf(why, whysz, "the card lacks key, key_id, region, "
		    "tls_pin, url or signature");
		goto out;
	}
	if (sig_hex_decode(key, strlen(key), c->pub, SIG_PUB_LEN) == -1 ||
	    sig_hex_decode(sighex, strlen(sighex), sig, SIG_LEN) == -1) {
		snprintf(why, whysz, "the card's key or signature is not hex "
		    "of the right length");
		goto out;
	}
	sig_key_id(c->pub, kid);
	if (strcmp(kid, key_id) != 0) {
		snprintf(why, whysz, "the card's key id does not match its "
		    "key");
		goto out;
	}
	if (!fields_region_valid(region, strlen(region)) ||
	    strlen(region) >= sizeof(c->region)) {
		snprintf(why, whysz, "the card's region is not a region code");
		goto out;
	}
	if (strlen(pin) != TLS_PIN_LEN || strncmp(pin, "sha256//", 8) != 0) {
		snprintf(why, whysz, "the card's tls_pin is not sha256//BASE64");
		goto out;
	}
	if (strncmp(url, "https://", 8) != 0 || strlen(url) >= sizeof(c->url) ||
	    !fields_text_valid(url, strlen(url), sizeof(c->url) - 1, false)) {
		snprintf(why, whysz, "the card's url is not an https:// address");
		goto out;
	}
	if (jcs_write(&b, card, LIMIT_JSON_ELEMENTS, NULL) == -1 ||
	    (pub = sig_pub_new(c->pub)) == NULL ||
	    sig_verify(pub, CARD_PREFIX, b.data, b.len, sig) == -1) {
		snprintf(why, whysz, "the card's signature does not verify: it "
		    "was changed after it was made, or is not this node's");
		goto out;
	}
	memcpy(c->region, region, strlen(region) + 1);
	memcpy(c->url, url, strlen(url) + 1);
	memcpy(c->key_id, kid, sizeof(kid));
	memcpy(c->pin, pin, TLS_PIN_LEN + 1);
	rc = 0;
out:
	sig_pub_free(pub);
	buf_free(&b);
	cJSON_Delete(t);
	return (rc);
}
