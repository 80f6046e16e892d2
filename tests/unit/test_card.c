/*
 * tests/unit/test_card.c: node cards (node/card.h): a v1 card and a v2 card
 * with rotations, revocations and a next pin check; every tampering is
 * refused (a changed member, an unknown member, a broken or unsigned
 * rotation, a chain that does not lead to the card's key, a non-canonical
 * document); card_chain_from finds where a peer's held key joins the chain;
 * times parse strictly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "conflict/hlc.h"
#include "node/card.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"

#define PIN_A	"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define PIN_B	"sha256//BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="

struct keys {
	struct sig_key	*k[4];
	uint8_t		 pub[4][SIG_PUB_LEN];
	char		 id[4][SIG_KEYID_LEN + 1];
};

static int
setup(void **state)
{
	struct keys	*ks = calloc(1, sizeof(*ks));
	uint8_t		 seed[32];
	int		 i;

	assert_non_null(ks);
	for (i = 0; i < 4; i++) {
		memset(seed, i + 1, sizeof(seed));
		assert_non_null(ks->k[i] = sig_key_from_seed(seed));
		sig_key_public(ks->k[i], ks->pub[i]);
		sig_key_id(ks->pub[i], ks->id[i]);
	}
	*state = ks;
	return (0);
}

static int
teardown(void **state)
{
	struct keys	*ks = *state;
	int		 i;

	for (i = 0; i < 4; i++)
		sig_key_free(ks->k[i]);
	free(ks);
	return (0);
}

/* A card of key index cur, with rotations from key 0 up to cur. */
static void
card_of(struct keys *ks, int cur, struct card *c)
{
	int	 i;

	memset(c, 0, sizeof(*c));
	snprintf(c->region, sizeof(c->region), "RU-SMO");
	snprintf(c->url, sizeof(c->url), "https://127.0.0.1:8443");
	memcpy(c->pub, ks->pub[cur], SIG_PUB_LEN);
	memcpy(c->key_id, ks->id[cur], sizeof(c->key_id));
	snprintf(c->pin, sizeof(c->pin), "%s", PIN_A);
	for (i = 0; i < cur; i++) {
		memcpy(c->rot[i].prev, ks->pub[i], SIG_PUB_LEN);
		memcpy(c->rot[i].pub, ks->pub[i + 1], SIG_PUB_LEN);
		c->rot[i].at = hlc_pack(1000000 + (uint64_t)i * 1000, 0);
		c->rot[i].until = hlc_pack(2000000 + (uint64_t)i * 1000, 0);
		assert_int_equal(card_rotation_sign(ks->k[i], c->region,
		    &c->rot[i]), 0);
	}
	c->nrot = (size_t)cur;
}

/* The canonical text of c signed by key, in a new string. */
static char *
text_of(const struct card *c, struct sig_key *key)
{
	cJSON		*doc;
	struct buf	 b;
	char		*s;

	buf_init(&b, LIMIT_CARD_BYTES);
	assert_non_null(doc = card_build(c, key));
	assert_int_equal(jcs_write(&b, doc, SIZE_MAX, NULL), 0);
	cJSON_Delete(doc);
	assert_non_null(s = strdup(b.data));
	buf_free(&b);
	return (s);
}

static int
check(const char *s, struct card *out, char *why)
{
	return (card_check(s, strlen(s), out, why, 256));
}

/* Replace the first occurrence of from by to in a new string. */
static char *
edit(const char *s, const char *from, const char *to)
{
	const char	*p = strstr(s, from);
	char		*r;
	size_t		 n;

	assert_non_null(p);
	n = strlen(s) - strlen(from) + strlen(to) + 1;
	assert_non_null(r = malloc(n));
	memcpy(r, s, (size_t)(p - s));
	memcpy(r + (p - s), to, strlen(to));
	memcpy(r + (p - s) + strlen(to), p + strlen(from),
	    strlen(p + strlen(from)) + 1);
	return (r);
}

static void
test_v1(void **state)
{
	struct keys	*ks = *state;
	struct card	 c, got;
	char		*s, *bad, why[256];

	card_of(ks, 0, &c);
	s = text_of(&c, ks->k[0]);
	assert_non_null(strstr(s, "\"v\":1"));
	assert_int_equal(check(s, &got, why), 0);
	assert_string_equal(got.key_id, ks->id[0]);
	assert_string_equal(got.pin, PIN_A);
	assert_string_equal(got.pin_next, "");
	assert_int_equal(got.nrot, 0);
	assert_int_equal(card_chain_from(&got, ks->id[0]), 0);
	assert_int_equal(card_chain_from(&got, ks->id[1]), -1);
	/* A card file may end with a newline. */
	assert_non_null(bad = malloc(strlen(s) + 2));
	memcpy(bad, s, strlen(s));
	memcpy(bad + strlen(s), "\n", 2);
	assert_int_equal(check(bad, &got, why), 0);
	free(bad);
	/* Changed, or signed by another key. */
	bad = edit(s, "127.0.0.1", "127.0.0.2");
	assert_int_equal(check(bad, &got, why), -1);
	assert_non_null(strstr(why, "signature does not verify"));
	free(bad);
	/* An unknown member, even if it were signed. */
	bad = edit(s, "\"key\":", "\"extra\":\"x\",\"key\":");
	assert_int_equal(check(bad, &got, why), -1);
	free(bad);
	/* Not canonical: white space. */
	bad = edit(s, "{\"card\":", "{ \"card\":");
	assert_int_equal(check(bad, &got, why), -1);
	assert_non_null(strstr(why, "canonical"));
	free(bad);
	/* v 2 without any v2 member. */
	bad = edit(s, "\"v\":1", "\"v\":2");
	assert_int_equal(check(bad, &got, why), -1);
	free(bad);
	free(s);
	/* Signed by a key that is not the card's. */
	s = text_of(&c, ks->k[1]);
	assert_int_equal(check(s, &got, why), -1);
	free(s);
}

static void
test_rotations(void **state)
{
	struct keys	*ks = *state;
	struct card	 c, got;
	char		*s, why[256];

	card_of(ks, 3, &c);
	snprintf(c.pin_next, sizeof(c.pin_next), "%s", PIN_B);
	c.nrev = 1;
	memcpy(c.rev[0].key_id, ks->id[0], sizeof(c.rev[0].key_id));
	c.rev[0].since = hlc_pack(1500000, 0);
	s = text_of(&c, ks->k[3]);
	assert_non_null(strstr(s, "\"v\":2"));
	assert_int_equal(check(s, &got, why), 0);
	assert_int_equal(got.nrot, 3);
	assert_int_equal(got.nrev, 1);
	assert_string_equal(got.pin_next, PIN_B);
	assert_string_equal(got.rev[0].key_id, ks->id[0]);
	assert_true(got.rev[0].since == hlc_pack(1500000, 0));
	assert_true(got.rot[1].until == hlc_pack(2001000, 0));
	/* Where each held key joins the chain. */
	assert_int_equal(card_chain_from(&got, ks->id[0]), 0);
	assert_int_equal(card_chain_from(&got, ks->id[2]), 2);
	assert_int_equal(card_chain_from(&got, ks->id[3]), 3);
	free(s);
}

static void
test_rotation_forged(void **state)
{
	struct keys	*ks = *state;
	struct card	 c, got;
	char		*s, why[256];

	/* A rotation signed by the new key instead of the old one. */
	card_of(ks, 1, &c);
	memcpy(c.rot[0].prev, ks->pub[1], SIG_PUB_LEN);
	assert_int_equal(card_rotation_sign(ks->k[0], c.region, &c.rot[0]),
	    -1);
	memcpy(c.rot[0].prev, ks->pub[0], SIG_PUB_LEN);
	c.rot[0].until++;		/* signed before: no longer matches */
	s = text_of(&c, ks->k[1]);
	assert_int_equal(check(s, &got, why), -1);
	assert_non_null(strstr(why, "not signed by the key it replaces"));
	free(s);

	/* A chain with a gap: 0->1 then 2->3, card key 3. */
	card_of(ks, 3, &c);
	c.rot[1] = c.rot[2];
	c.nrot = 2;
	s = text_of(&c, ks->k[3]);
	assert_int_equal(check(s, &got, why), -1);
	assert_non_null(strstr(why, "does not follow"));
	free(s);

	/* A chain that does not lead to the card's key. */
	card_of(ks, 2, &c);
	memcpy(c.pub, ks->pub[3], SIG_PUB_LEN);
	memcpy(c.key_id, ks->id[3], sizeof(c.key_id));
	s = text_of(&c, ks->k[3]);
	assert_int_equal(check(s, &got, why), -1);
	assert_non_null(strstr(why, "does not lead"));
	free(s);

	/* A rotation of another region (signed as such). */
	card_of(ks, 1, &c);
	assert_int_equal(card_rotation_sign(ks->k[0], "RU-KLU", &c.rot[0]),
	    0);
	s = text_of(&c, ks->k[1]);
	assert_int_equal(check(s, &got, why), -1);
	free(s);
}

static void
test_revoked_and_pins(void **state)
{
	struct keys	*ks = *state;
	struct card	 c, got;
	char		*s, why[256];

	/* Revocations out of order, or of the card's own key. */
	card_of(ks, 0, &c);
	c.nrev = 2;
	memcpy(c.rev[0].key_id, "ffffffffffffffff", SIG_KEYID_LEN + 1);
	memcpy(c.rev[1].key_id, "0000000000000000", SIG_KEYID_LEN + 1);
	s = text_of(&c, ks->k[0]);
	assert_int_equal(check(s, &got, why), -1);
	free(s);
	c.nrev = 1;
	memcpy(c.rev[0].key_id, ks->id[0], sizeof(c.rev[0].key_id));
	s = text_of(&c, ks->k[0]);
	assert_int_equal(check(s, &got, why), -1);
	free(s);
	/* A next pin equal to the current one, or not a pin. */
	card_of(ks, 0, &c);
	snprintf(c.pin_next, sizeof(c.pin_next), "%s", PIN_A);
	s = text_of(&c, ks->k[0]);
	assert_int_equal(check(s, &got, why), -1);
	free(s);
	snprintf(c.pin_next, sizeof(c.pin_next), "sha256//x");
	s = text_of(&c, ks->k[0]);
	assert_int_equal(check(s, &got, why), -1);
	free(s);
}

static void
test_times(void **state)
{
	uint64_t	 v;
	char		 out[32];

	(void)state;
	assert_int_equal(card_time_parse("2026-12-01", &v), 0);
	assert_true(hlc_ms(v) == UINT64_C(1796083200) * 1000);
	card_time_format(v, out);
	assert_string_equal(out, "2026-12-01 00:00:00 UTC");
	assert_int_equal(card_time_parse("2026-12-01T10:20:30Z", &v), 0);
	card_time_format(v, out);
	assert_string_equal(out, "2026-12-01 10:20:30 UTC");
	assert_int_equal(card_time_parse("01a22e85d5090000", &v), 0);
	assert_true(v == UINT64_C(0x01a22e85d5090000));
	assert_int_equal(card_time_parse("2026-02-31", &v), -1);
	assert_int_equal(card_time_parse("2026-12-01T10:20:30", &v), -1);
	assert_int_equal(card_time_parse("2026-12-1", &v), -1);
	assert_int_equal(card_time_parse("yesterday", &v), -1);
	assert_int_equal(card_time_parse("", &v), -1);
	assert_int_equal(card_time_parse("2026-12-01T24:00:00Z", &v), -1);
}

/*
 * The attack: a card whose key is the identity point (01 00..00).  For it,
 * R = [s]B with S = s verifies every message, so anyone can sign the card,
 * and every change, as its region: OpenSSL's check accepts such a
 * signature.  card_check refuses the key itself, in a card and in a
 * rotation.
 */
static void
test_small_order_key(void **state)
{
	struct keys	*ks = *state;
	struct card	 c, out;
	struct sig_pub	*p;
	uint8_t		 id[SIG_PUB_LEN], s[32], forged[SIG_LEN];
	char		 hexsig[2 * SIG_LEN + 1], why[256], *text, *f, *at;
	const char	 msg[] = "any change at all";
	size_t		 i;

	assert_true(sodium_init() >= 0);
	memset(id, 0, sizeof(id));
	id[0] = 1;
	crypto_core_ed25519_scalar_random(s);
	assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(forged, s), 0);
	memcpy(forged + 32, s, 32);
	/* What anyone could do with such a key. */
	assert_non_null(p = sig_pub_new(id));
	assert_int_equal(sig_verify(p, "opora-change-v1\n", msg, strlen(msg),
	    forged), 0);
	sig_pub_free(p);
	assert_false(sig_pub_sound(id));
	for (i = 0; i < 4; i++)
		assert_true(sig_pub_sound(ks->pub[i]));

	/* A card of that key, "signed" so. */
	card_of(ks, 0, &c);
	memcpy(c.pub, id, SIG_PUB_LEN);
	sig_key_id(id, c.key_id);
	text = text_of(&c, ks->k[0]);
	assert_non_null(at = strstr(text, "\"signature\":\""));
	at += strlen("\"signature\":\"");
	for (i = 0; i < SIG_LEN; i++)
		snprintf(hexsig + 2 * i, 3, "%02x", forged[i]);
	memcpy(at, hexsig, 2 * SIG_LEN);
	assert_int_equal(check(text, &out, why), -1);
	assert_non_null(strstr(why, "not a sound Ed25519 key"));
	free(text);

	/* A rotation to that key, signed by a sound one. */
	card_of(ks, 1, &c);
	memcpy(c.rot[0].pub, id, SIG_PUB_LEN);
	assert_int_equal(card_rotation_sign(ks->k[0], c.region, &c.rot[0]), 0);
	text = text_of(&c, ks->k[1]);
	assert_int_equal(check(text, &out, why), -1);
	f = strstr(why, "rotation 0");
	assert_non_null(f);
	assert_non_null(strstr(why, "not a sound Ed25519 key"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_rotations),
		cmocka_unit_test(test_rotation_forged),
		cmocka_unit_test(test_revoked_and_pins),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_small_order_key),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
