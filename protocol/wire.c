/*
 * protocol/wire.c: base64 and feed documents.  See wire.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "protocol/change.h"
#include "protocol/digest.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/num.h"
#include "protocol/wire.h"

int
wire_b64_add(struct buf *out, const void *p, size_t n)
{
	size_t	 need;
	char	*dst;

	if (n > (size_t)INT32_MAX / 2)
		return (-1);
	need = 4 * ((n + 2) / 3);
	/* Encoded in place: EVP_EncodeBlock writes need bytes and a NUL,
	 * where the buffer keeps its own. */
	if ((dst = buf_extend(out, need)) == NULL)
		return (-1);
	if ((size_t)EVP_EncodeBlock((unsigned char *)dst, p, (int)n) != need) {
		out->len -= need;
		out->data[out->len] = '\0';
		return (-1);
	}
	return (0);
}

/* Whether s is padded standard base64; its padding count in *pad. */
static int
b64_valid(const char *s, size_t len, size_t *pad)
{
	size_t	 i;

	*pad = 0;
	if (len % 4 != 0 || len > (size_t)INT32_MAX)
		return (-1);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/' ||
		    (c == '=' && i >= len - 2)))
			return (-1);
	}
	if (len > 0 && s[len - 1] == '=')
		(*pad)++;
	if (len > 1 && s[len - 2] == '=') {
		if (*pad == 0)
			return (-1);	/* "x=y" is not padding */
		(*pad)++;
	}
	return (0);
}

int
wire_b64_decode(const char *s, size_t len, uint8_t *out, size_t outmax,
    size_t *outlen)
{
	size_t	 pad, n;
	uint8_t	*tmp;
	int	 w;

	if (b64_valid(s, len, &pad) == -1)
		return (-1);
	n = len / 4 * 3 - pad;
	if (n > outmax || (tmp = malloc(len / 4 * 3 + 1)) == NULL)
		return (-1);
	w = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (w < 0 || (size_t)w != len / 4 * 3) {
		free(tmp);
		return (-1);
	}
	if (n > 0)
		memcpy(out, tmp, n);
	free(tmp);
	*outlen = n;
	return (0);
}

/* Characters of base64 decoded at once when hashing an oversized item. */
#define B64_PIECE	4096

/*
 * Hash valid base64 s (len a multiple of 4, pad its padding) piece by
 * piece into hex, keeping its first keepmax decoded bytes in keep (*keeplen
 * of them); no buffer of the decoded size is ever allocated.  0 / -1.
 */
static int
b64_digest(const char *s, size_t len, size_t pad, uint8_t *keep,
    size_t keepmax, size_t *keeplen, char hex[CHANGE_ID_HEX + 1])
{
	static const char	 digits[] = "0123456789abcdef";
	struct digest_sha256_ctx md;
	uint8_t			 piece[B64_PIECE / 4 * 3], h[DIGEST_SHA256_LEN];
	size_t			 off, n, got, i;
	int			 w;

	*keeplen = 0;
	digest_sha256_init(&md);
	for (off = 0; off < len; off += n) {
		n = len - off < B64_PIECE ? len - off : B64_PIECE;
		w = EVP_DecodeBlock(piece, (const unsigned char *)s + off,
		    (int)n);
		if (w < 0 || (size_t)w != n / 4 * 3)
			return (-1);
		got = (size_t)w - (off + n == len ? pad : 0);
		if (*keeplen < keepmax) {
			size_t k = keepmax - *keeplen < got ?
			    keepmax - *keeplen : got;

			memcpy(keep + *keeplen, piece, k);
			*keeplen += k;
		}
		digest_sha256_update(&md, piece, got);
	}
	digest_sha256_final(&md, h);
	for (i = 0; i < sizeof(h); i++) {
		hex[2 * i] = digits[h[i] >> 4];
		hex[2 * i + 1] = digits[h[i] & 15];
	}
	hex[2 * sizeof(h)] = '\0';
	return (0);
}

void
wire_feed_free(struct wire_feed *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		free(f->items[i].bytes);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

/* Set an item's problem, unless it has one already. */
static void
item_problem(struct wire_item *it, const char *what)
{
	if (it->problem[0] == '\0')
		snprintf(it->problem, sizeof(it->problem), "%s", what);
}

/* Keep what a malformed item's record needs when its bytes are not usable
 * base64: the first WIRE_KEEP_BAD bytes of the string, and the hash of the
 * item as printed.  0, or -1 when out of memory (then the record would
 * lack what identifies it: no verdict is given on such an item). */
static int
item_keep_raw(struct wire_item *it, const cJSON *e, const char *str,
    size_t slen)
{
	char	*text;

	if (str != NULL) {
		it->len = slen < WIRE_KEEP_BAD ? slen : WIRE_KEEP_BAD;
		if ((it->bytes = malloc(it->len + 1)) == NULL) {
			it->len = 0;
			return (-1);
		}
		memcpy(it->bytes, str, it->len);
	}
	if ((text = cJSON_PrintUnformatted(e)) == NULL)
		return (-1);
	change_id(text, strlen(text), it->id);
	cJSON_free(text);
	return (0);
}

/* The "bytes" of an item: decoded, or kept for the record.  0, or -1 when
 * out of memory (a failure of this node, not a verdict on the item). */
static int
item_bytes(struct wire_item *it, const cJSON *e, const cJSON *b)
{
	const char	*str;
	size_t		 slen, pad, total;
	char		 msg[WIRE_PROBLEM];

	if (!cJSON_IsString(b)) {
		item_problem(it, "it has no \"bytes\" string");
		return (item_keep_raw(it, e, NULL, 0));
	}
	str = b->valuestring;
	slen = strlen(str);
	if (b64_valid(str, slen, &pad) == -1) {
		item_problem(it, "its \"bytes\" are not base64");
		return (item_keep_raw(it, e, str, slen));
	}
	total = slen / 4 * 3 - pad;
	if (total <= LIMIT_CHANGE_BYTES) {
		if ((it->bytes = malloc(total + 1)) == NULL ||
		    wire_b64_decode(str, slen, it->bytes, total, &it->len) ==
		    -1)
			return (-1);
		return (0);
	}
	snprintf(msg, sizeof(msg), "a change of %zu bytes, more than the "
	    "limit of %d", total, LIMIT_CHANGE_BYTES);
	item_problem(it, msg);
	if ((it->bytes = malloc(WIRE_KEEP_BAD)) == NULL ||
	    b64_digest(str, slen, pad, it->bytes, WIRE_KEEP_BAD, &it->len,
	    it->id) == -1)
		return (-1);
	return (0);
}

/* Parse one item of "changes"; a malformed one is kept with its problem.
 * 0, or -1 when out of memory. */
static int
item_parse(struct wire_item *it, const cJSON *e)
{
	const cJSON	*s;
	size_t		 slen;

	it->seq = -1;
	if (!cJSON_IsObject(e)) {
		item_problem(it, "it is not a JSON object");
		return (item_keep_raw(it, e, NULL, 0));
	}
	if (item_bytes(it, e, cJSON_GetObjectItemCaseSensitive(e, "bytes")) ==
	    -1)
		return (-1);
	if (num_json(cJSON_GetObjectItemCaseSensitive(e, "seq"), 0,
	    NUM_JSON_MAX, &it->seq) == -1) {
		it->seq = -1;
		item_problem(it, "its \"seq\" is not a whole number from 0 "
		    "to 2^53-1");
	}
	s = cJSON_GetObjectItemCaseSensitive(e, "sig");
	if (cJSON_IsString(s) && wire_b64_decode(s->valuestring,
	    strlen(s->valuestring), it->sig, SIG_LEN, &slen) == 0 &&
	    slen == SIG_LEN)
		it->sig_ok = true;
	else
		item_problem(it, "its \"sig\" is not base64 of 64 bytes");
	/* Its record is found again by the change id. */
	if (it->problem[0] != '\0' && it->id[0] == '\0' && it->bytes != NULL)
		change_id(it->bytes, it->len, it->id);
	return (0);
}

/* Whether s (a C string) is WIRE_EPOCH_HEX lower-case hex digits. */
static bool
epoch_hex(const char *s)
{
	size_t	 i;

	for (i = 0; i < WIRE_EPOCH_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (false);
	return (s[WIRE_EPOCH_HEX] == '\0');
}

int
wire_feed_parse(const char *p, size_t len, struct wire_feed *f, char *why,
    size_t whysz)
{
	const cJSON	*arr, *e, *more, *behind, *head, *epoch;
	cJSON		*t = NULL;
	size_t		 n;
	int		 rc = -1;

	memset(f, 0, sizeof(*f));
	f->behind = -1;
	f->head = -1;
	if (len > LIMIT_FEED_BYTES) {
		snprintf(why, whysz, "feed response larger than %d bytes",
		    LIMIT_FEED_BYTES);
		return (-1);
	}
	/* cJSON says NULL both for text that is not JSON and for memory
	 * running out: its allocator (protocol/jcs.c) tells them apart. */
	jcs_nomem_clear();
	if ((t = cJSON_ParseWithLength(p, len)) == NULL && jcs_nomem_seen())
		goto nomem;
	if (t == NULL || !cJSON_IsObject(t)) {
		snprintf(why, whysz, "feed response is not a JSON object");
		goto out;
	}
	arr = cJSON_GetObjectItemCaseSensitive(t, "changes");
	more = cJSON_GetObjectItemCaseSensitive(t, "more");
	behind = cJSON_GetObjectItemCaseSensitive(t, "behind");
	head = cJSON_GetObjectItemCaseSensitive(t, "head");
	epoch = cJSON_GetObjectItemCaseSensitive(t, "epoch");
	if (!cJSON_IsArray(arr) || !cJSON_IsBool(more)) {
		snprintf(why, whysz, "feed response lacks a \"changes\" array "
		    "or \"more\"");
		goto out;
	}
	if (num_json(cJSON_GetObjectItemCaseSensitive(t, "next"), 0,
	    NUM_JSON_MAX, &f->next) == -1 || (behind != NULL &&
	    num_json(behind, 0, NUM_JSON_MAX, &f->behind) == -1) ||
	    (head != NULL && num_json(head, 0, NUM_JSON_MAX, &f->head) ==
	    -1)) {
		snprintf(why, whysz, "feed response: \"next\", \"behind\" or "
		    "\"head\" is not a whole number from 0 to 2^53-1");
		goto out;
	}
	if (epoch != NULL) {
		if (!cJSON_IsString(epoch) || !epoch_hex(epoch->valuestring)) {
			snprintf(why, whysz, "feed response: \"epoch\" is not "
			    "%d lower-case hex digits", WIRE_EPOCH_HEX);
			goto out;
		}
		memcpy(f->epoch, epoch->valuestring, WIRE_EPOCH_HEX + 1);
	}
	f->more = cJSON_IsTrue(more);
	n = 0;
	cJSON_ArrayForEach(e, arr)
		if (++n > LIMIT_FEED_ITEMS)
			break;
	if (n > LIMIT_FEED_ITEMS) {
		snprintf(why, whysz, "feed response holds more than %d "
		    "changes", LIMIT_FEED_ITEMS);
		goto out;
	}
	if (n > 0 && (f->items = calloc(n, sizeof(*f->items))) == NULL)
		goto nomem;
	cJSON_ArrayForEach(e, arr)
		if (item_parse(&f->items[f->n++], e) == -1)
			goto nomem;
	rc = 0;
	goto out;
nomem:
	f->nomem = true;
	snprintf(why, whysz, "out of memory");
out:
	cJSON_Delete(t);
	return (rc);
}

int
wire_protocol_parse(const char *v, size_t len)
{
	int64_t	 x;

	if (num_parse(v, len, 1, WIRE_PROTOCOL_LIMIT, &x) == -1)
		return (-1);
	return ((int)x);
}
