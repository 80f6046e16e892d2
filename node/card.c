/*
 * node/card.c: node cards.  See card.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conflict/hlc.h"
#include "node/card.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/log.h"

static void
hex_of(const uint8_t *p, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* The statement a rotation's old key signs: {at,key,prev_key,region,until}
 * as a new object, or NULL. */
static cJSON *
rotation_statement(const struct card_rotation *r, const char *region)
{
	cJSON	*o;
	char	 key[2 * SIG_PUB_LEN + 1], prev[2 * SIG_PUB_LEN + 1];
	char	 at[17], until[17];

	hex_of(r->pub, SIG_PUB_LEN, key);
	hex_of(r->prev, SIG_PUB_LEN, prev);
	hlc_format(r->at, at);
	hlc_format(r->until, until);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "at", at) == NULL ||
	    cJSON_AddStringToObject(o, "key", key) == NULL ||
	    cJSON_AddStringToObject(o, "prev_key", prev) == NULL ||
	    cJSON_AddStringToObject(o, "region", region) == NULL ||
	    cJSON_AddStringToObject(o, "until", until) == NULL) {
		cJSON_Delete(o);
		return (NULL);
	}
	return (o);
}

int
card_rotation_sign(const struct sig_key *old, const char *region,
    struct card_rotation *r)
{
	cJSON		*o;
	struct buf	 b;
	uint8_t		 pub[SIG_PUB_LEN];
	int		 rc = -1;

	sig_key_public(old, pub);
	if (memcmp(pub, r->prev, SIG_PUB_LEN) != 0) {
		log_warnx("a rotation must be signed by the key it replaces");
		return (-1);
	}
	buf_init(&b, LIMIT_CARD_BYTES);
	if ((o = rotation_statement(r, region)) != NULL &&
	    jcs_write(&b, o, LIMIT_JSON_ELEMENTS, NULL) == 0 &&
	    sig_sign(old, ROTATE_PREFIX, b.data, b.len, r->sig) == 0)
		rc = 0;
	cJSON_Delete(o);
	buf_free(&b);
	return (rc);
}

cJSON *
card_build(const struct card *c, const struct sig_key *key)
{
	cJSON		*doc = NULL, *card, *arr, *o;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 pubhex[2 * SIG_PUB_LEN + 1], sighex[2 * SIG_LEN + 1];
	char		 since[17];
	size_t		 i;

	buf_init(&b, LIMIT_CARD_BYTES);
	hex_of(c->pub, SIG_PUB_LEN, pubhex);
	if ((doc = cJSON_CreateObject()) == NULL ||
	    (card = cJSON_AddObjectToObject(doc, "card")) == NULL ||
	    cJSON_AddStringToObject(card, "key", pubhex) == NULL ||
	    cJSON_AddStringToObject(card, "key_id", c->key_id) == NULL ||
	    cJSON_AddStringToObject(card, "region", c->region) == NULL ||
	    cJSON_AddStringToObject(card, "tls_pin", c->pin) == NULL ||
	    cJSON_AddStringToObject(card, "url", c->url) == NULL)
		goto bad;
	if (c->nrev > 0) {
		if ((arr = cJSON_AddArrayToObject(card, "revoked")) == NULL)
			goto bad;
		for (i = 0; i < c->nrev; i++) {
			hlc_format(c->rev[i].since, since);
			if ((o = cJSON_CreateObject()) == NULL ||
			    !cJSON_AddItemToArray(arr, o) ||
			    cJSON_AddStringToObject(o, "key_id",
			    c->rev[i].key_id) == NULL ||
			    cJSON_AddStringToObject(o, "since", since) == NULL)
				goto bad;
		}
	}
	if (c->nrot > 0) {
		if ((arr = cJSON_AddArrayToObject(card, "rotations")) == NULL)
			goto bad;
		for (i = 0; i < c->nrot; i++) {
			hex_of(c->rot[i].sig, SIG_LEN, sighex);
			if ((o = rotation_statement(&c->rot[i],
			    c->region)) == NULL)
				goto bad;
			if (!cJSON_AddItemToArray(arr, o)) {
				cJSON_Delete(o);
				goto bad;
			}
			if (cJSON_AddStringToObject(o, "sig", sighex) == NULL)
				goto bad;
		}
	}
	if (c->pin_next[0] != '\0' &&
	    cJSON_AddStringToObject(card, "tls_pin_next", c->pin_next) == NULL)
		goto bad;
	if (cJSON_AddNumberToObject(card, "v", c->nrot > 0 || c->nrev > 0 ||
	    c->pin_next[0] != '\0' ? 2 : 1) == NULL ||
	    jcs_write(&b, card, LIMIT_JSON_ELEMENTS, NULL) == -1 ||
	    sig_sign(key, CARD_PREFIX, b.data, b.len, sig) == -1)
		goto bad;
	hex_of(sig, SIG_LEN, sighex);
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

cJSON *
card_make(struct node *n)
{
	struct card	 c;
	char		 path[4096];

	memset(&c, 0, sizeof(c));
	memcpy(c.region, n->cfg.region, sizeof(c.region));
	memcpy(c.url, n->cfg.url, sizeof(c.url));
	memcpy(c.key_id, n->key_id, sizeof(c.key_id));
	memcpy(c.pub, n->pub, SIG_PUB_LEN);
	if (node_path(n, "tls.crt", path, sizeof(path)) == -1 ||
	    tls_pin_file(path, c.pin) == -1)
		return (NULL);
	/* The next TLS key, announced before the switch (opora key rotate
	 * --tls), so that peers pin both. */
	if (node_path(n, "tls.next.crt", path, sizeof(path)) == -1 ||
	    (access(path, F_OK) == 0 && tls_pin_file(path, c.pin_next) == -1))
		return (NULL);
	if (store_rotations(n->st, c.region, c.rot, CARD_MAX_ROTATIONS,
	    &c.nrot) == -1 ||
	    store_revocations(n->st, c.region, c.rev, CARD_MAX_REVOKED,
	    &c.nrev) == -1)
		return (NULL);
	if (c.nrot > 0 && memcmp(c.rot[c.nrot - 1].pub, c.pub,
	    SIG_PUB_LEN) != 0) {
		log_warnx("signing.key is not the key the last rotation "
		    "announced: finish 'opora key rotate' (rename "
		    "signing.key.new to signing.key)");
		return (NULL);
	}
	return (card_build(&c, n->key));
}

static const char *
str_member(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return (cJSON_IsString(v) ? v->valuestring : NULL);
}

/* Whether every member of o is one of the names in ok (NULL-ended). */
static int
only_members(const cJSON *o, const char *const *ok)
{
	const cJSON	*m;
	size_t		 i;

	for (m = o->child; m != NULL; m = m->next) {
		for (i = 0; ok[i] != NULL; i++)
			if (m->string != NULL && strcmp(m->string, ok[i]) == 0)
				break;
		if (ok[i] == NULL)
			return (0);
	}
	return (1);
}

static int
hlc_member(const cJSON *o, const char *k, uint64_t *out)
{
	const char	*s = str_member(o, k);

	return (s != NULL && hlc_parse(s, strlen(s), out) == 0 ? 0 : -1);
}

static int
pin_valid(const char *pin)
{
	return (strlen(pin) == TLS_PIN_LEN &&
	    strncmp(pin, "sha256//", 8) == 0 &&
	    fields_text_valid(pin, TLS_PIN_LEN, TLS_PIN_LEN, false));
}

/* Check the rotations of card object card (region already checked) into
 * c, and that they are signed by their old keys and chained. */
static int
check_rotations(const cJSON *arr, struct card *c, char *why, size_t whysz)
{
	static const char *const members[] = { "at", "key", "prev_key",
	    "region", "sig", "until", NULL };
	const cJSON		*e;
	struct card_rotation	*r;
	struct sig_pub		*pub = NULL;
	cJSON			*st = NULL;
	struct buf		 b;
	const char		*key, *prev, *sig, *region;
	int			 n, i, rc = -1;

	buf_init(&b, LIMIT_CARD_BYTES);
	n = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || n < 1 || n > CARD_MAX_ROTATIONS) {
		snprintf(why, whysz, "the card's rotations are not a list of "
		    "1 to %d", CARD_MAX_ROTATIONS);
		goto out;
	}
	for (i = 0; i < n; i++) {
		e = cJSON_GetArrayItem(arr, i);
		r = &c->rot[i];
		if (!cJSON_IsObject(e) || !only_members(e, members) ||
		    (key = str_member(e, "key")) == NULL ||
		    (prev = str_member(e, "prev_key")) == NULL ||
		    (sig = str_member(e, "sig")) == NULL ||
		    (region = str_member(e, "region")) == NULL ||
		    hlc_member(e, "at", &r->at) == -1 ||
		    hlc_member(e, "until", &r->until) == -1 ||
		    sig_hex_decode(key, strlen(key), r->pub, SIG_PUB_LEN) ==
		    -1 ||
		    sig_hex_decode(prev, strlen(prev), r->prev, SIG_PUB_LEN) ==
		    -1 || sig_hex_decode(sig, strlen(sig), r->sig, SIG_LEN) ==
		    -1) {
			snprintf(why, whysz, "rotation %d of the card is not "
			    "{at, key, prev_key, region, sig, until}", i);
			goto out;
		}
		if (!sig_pub_sound(r->pub) || !sig_pub_sound(r->prev)) {
			snprintf(why, whysz, "rotation %d of the card names a "
			    "key that is not a sound Ed25519 key (a point of "
			    "small order, or not canonical)", i);
			goto out;
		}
		if (strcmp(region, c->region) != 0 ||
		    memcmp(r->pub, r->prev, SIG_PUB_LEN) == 0 ||
		    r->until < r->at ||
		    (i > 0 && (r->at <= c->rot[i - 1].at ||
		    memcmp(r->prev, c->rot[i - 1].pub, SIG_PUB_LEN) != 0))) {
			snprintf(why, whysz, "rotation %d of the card is not "
			    "of its region, or does not follow the one "
			    "before it", i);
			goto out;
		}
		buf_reset(&b);
		if ((st = rotation_statement(r, c->region)) == NULL ||
		    jcs_write(&b, st, LIMIT_JSON_ELEMENTS, NULL) == -1 ||
		    (pub = sig_pub_new(r->prev)) == NULL ||
		    sig_verify(pub, ROTATE_PREFIX, b.data, b.len, r->sig) ==
		    -1) {
			snprintf(why, whysz, "rotation %d of the card is not "
			    "signed by the key it replaces", i);
			goto out;
		}
		cJSON_Delete(st);
		st = NULL;
		sig_pub_free(pub);
		pub = NULL;
	}
	c->nrot = (size_t)n;
	if (memcmp(c->rot[n - 1].pub, c->pub, SIG_PUB_LEN) != 0) {
		snprintf(why, whysz, "the card's last rotation does not lead "
		    "to the card's key");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(st);
	sig_pub_free(pub);
	buf_free(&b);
	return (rc);
}

static int
check_revoked(const cJSON *arr, struct card *c, char *why, size_t whysz)
{
	static const char *const members[] = { "key_id", "since", NULL };
	const cJSON	*e;
	const char	*kid;
	size_t		 k;
	int		 n, i;

	n = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || n < 1 || n > CARD_MAX_REVOKED) {
		snprintf(why, whysz, "the card's revoked keys are not a list "
		    "of 1 to %d", CARD_MAX_REVOKED);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		e = cJSON_GetArrayItem(arr, i);
		if (!cJSON_IsObject(e) || !only_members(e, members) ||
		    (kid = str_member(e, "key_id")) == NULL ||
		    hlc_member(e, "since", &c->rev[i].since) == -1 ||
		    strlen(kid) != SIG_KEYID_LEN) {
			snprintf(why, whysz, "revoked key %d of the card is "
			    "not {key_id, since}", i);
			return (-1);
		}
		for (k = 0; k < SIG_KEYID_LEN; k++)
			if (!((kid[k] >= '0' && kid[k] <= '9') ||
			    (kid[k] >= 'a' && kid[k] <= 'f')))
				break;
		if (k != SIG_KEYID_LEN || strcmp(kid, c->key_id) == 0 ||
		    (i > 0 && strcmp(c->rev[i - 1].key_id, kid) >= 0)) {
			snprintf(why, whysz, "revoked key %d of the card is "
			    "not a key id, is the card's own key, or is out "
			    "of order", i);
			return (-1);
		}
		memcpy(c->rev[i].key_id, kid, SIG_KEYID_LEN + 1);
	}
	c->nrev = (size_t)n;
	return (0);
}

int
card_check(const char *p, size_t len, struct card *c, char *why,
    size_t whysz)
{
	static const char *const outer[] = { "card", "signature", NULL };
	static const char *const members[] = { "key", "key_id", "region",
	    "revoked", "rotations", "tls_pin", "tls_pin_next", "url", "v",
	    NULL };
	cJSON		*t = NULL;
	const cJSON	*card, *rot, *rev;
	struct sig_pub	*pub = NULL;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 kid[SIG_KEYID_LEN + 1];
	const char	*key, *key_id, *region, *pin, *next, *url, *sighex;
	const char	*jwhy;
	int64_t		 v;
	int		 rc = -1;

	memset(c, 0, sizeof(*c));
	buf_init(&b, LIMIT_CARD_BYTES);
	/* A card file may end with a newline; nothing else may follow. */
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len == 0 || len > LIMIT_CARD_BYTES ||
	    (t = jcs_parse_limit(p, len, LIMIT_CARD_BYTES,
	    LIMIT_JSON_ELEMENTS, &jwhy)) == NULL) {
		snprintf(why, whysz, "not a node card (canonical JSON, at "
		    "most %d bytes)", LIMIT_CARD_BYTES);
		goto out;
	}
	card = cJSON_GetObjectItemCaseSensitive(t, "card");
	sighex = str_member(t, "signature");
	if (!cJSON_IsObject(t) || !only_members(t, outer) ||
	    !cJSON_IsObject(card) || !only_members(card, members) ||
	    sighex == NULL ||
	    (key = str_member(card, "key")) == NULL ||
	    (key_id = str_member(card, "key_id")) == NULL ||
	    (region = str_member(card, "region")) == NULL ||
	    (pin = str_member(card, "tls_pin")) == NULL ||
	    (url = str_member(card, "url")) == NULL ||
	    jcs_int(cJSON_GetObjectItemCaseSensitive(card, "v"), &v) == -1) {
		snprintf(why, whysz, "the card lacks key, key_id, region, "
		    "tls_pin, url, v or signature, or has other members");
		goto out;
	}
	rot = cJSON_GetObjectItemCaseSensitive(card, "rotations");
	rev = cJSON_GetObjectItemCaseSensitive(card, "revoked");
	next = str_member(card, "tls_pin_next");
	if (cJSON_GetObjectItemCaseSensitive(card, "tls_pin_next") != NULL &&
	    next == NULL)
		next = "";	/* not a string: refused below */
	if (!(v == 1 && rot == NULL && rev == NULL && next == NULL) &&
	    !(v == 2 && (rot != NULL || rev != NULL || next != NULL))) {
		snprintf(why, whysz, "the card's version is not 1 (no "
		    "rotations, revoked, tls_pin_next) or 2 (some of them)");
		goto out;
	}
	if (sig_hex_decode(key, strlen(key), c->pub, SIG_PUB_LEN) == -1 ||
	    sig_hex_decode(sighex, strlen(sighex), sig, SIG_LEN) == -1) {
		snprintf(why, whysz, "the card's key or signature is not hex "
		    "of the right length");
		goto out;
	}
	if (!sig_pub_sound(c->pub)) {
		snprintf(why, whysz, "the card's key is not a sound Ed25519 "
		    "key (a point of small order, or not canonical): anyone "
		    "could sign as it");
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
	if (!pin_valid(pin) || (next != NULL && (!pin_valid(next) ||
	    strcmp(next, pin) == 0))) {
		snprintf(why, whysz, "the card's tls_pin or tls_pin_next is "
		    "not sha256//BASE64, or they are the same");
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
	memcpy(c->key_id, kid, sizeof(kid));
	if ((rot != NULL && check_rotations(rot, c, why, whysz) == -1) ||
	    (rev != NULL && check_revoked(rev, c, why, whysz) == -1))
		goto out;
	memcpy(c->url, url, strlen(url) + 1);
	memcpy(c->pin, pin, TLS_PIN_LEN + 1);
	if (next != NULL)
		memcpy(c->pin_next, next, TLS_PIN_LEN + 1);
	rc = 0;
out:
	if (rc == -1)
		memset(c, 0, sizeof(*c));
	sig_pub_free(pub);
	buf_free(&b);
	cJSON_Delete(t);
	return (rc);
}

int
card_chain_from(const struct card *c, const char *key_id)
{
	char	 kid[SIG_KEYID_LEN + 1];
	size_t	 i;

	if (strcmp(c->key_id, key_id) == 0)
		return ((int)c->nrot);
	for (i = 0; i < c->nrot; i++) {
		sig_key_id(c->rot[i].prev, kid);
		if (strcmp(kid, key_id) == 0)
			return ((int)i);
	}
	return (-1);
}

/* n decimal digits at s into *out; 0 / -1. */
static int
digits(const char *s, int n, int *out)
{
	int	 i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return (0);
}

int
card_time_parse(const char *s, uint64_t *out)
{
	struct tm	 tm;
	time_t		 t;
	size_t		 len = strlen(s);
	int		 y, mo, d, h = 0, mi = 0, sec = 0;

	if (len == 16)
		return (hlc_parse(s, len, out));
	if ((len != 10 && len != 20) || s[4] != '-' || s[7] != '-' ||
	    digits(s, 4, &y) == -1 || digits(s + 5, 2, &mo) == -1 ||
	    digits(s + 8, 2, &d) == -1)
		return (-1);
	if (len == 20 && (s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z' || digits(s + 11, 2, &h) == -1 ||
	    digits(s + 14, 2, &mi) == -1 || digits(s + 17, 2, &sec) == -1))
		return (-1);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 59)
		return (-1);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 31 February into March: refuse it. */
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return (-1);
	*out = hlc_pack((uint64_t)t * 1000, 0);
	return (0);
}

void
card_time_format(uint64_t v, char out[32])
{
	struct tm	 tm;
	time_t		 t = (time_t)(hlc_ms(v) / 1000);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, 32, "%016llx", (unsigned long long)v);
}
