/*
 * protocol/wire.c: base64 and feed documents.  See wire.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "protocol/change.h"
#include "protocol/limits.h"
#include "protocol/wire.h"

int
wire_b64_add(struct buf *out, const void *p, size_t n)
{
	size_t	 need;
	char	*tmp;
	int	 w, rc = -1;

	if (n > (size_t)INT32_MAX / 2)
		return (-1);
	need = 4 * ((n + 2) / 3);
	if ((tmp = malloc(need + 1)) == NULL)
		return (-1);
	w = EVP_EncodeBlock((unsigned char *)tmp, p, (int)n);
	if (w >= 0 && (size_t)w == need)
		rc = buf_add(out, tmp, need);
	free(tmp);
	return (rc);
}

int
wire_b64_decode(const char *s, size_t len, uint8_t *out, size_t outmax,
    size_t *outlen)
{
	size_t	 pad = 0, i, n;
	uint8_t	*tmp;
	int	 w;

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
		pad++;
	if (len > 1 && s[len - 2] == '=') {
		if (pad == 0)
			return (-1);	/* "x=y" is not padding */
		pad++;
	}
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

void
wire_feed_free(struct wire_feed *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		free(f->items[i].bytes);
	free(f->items);
	memset(f, 0, sizeof(*f));
}

static int
get_int(const cJSON *o, const char *k, int64_t *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);
	double		 d;

	if (!cJSON_IsNumber(v))
		return (-1);
	d = v->valuedouble;
	if (d < 0 || d > 9007199254740991.0 || d != (double)(int64_t)d)
		return (-1);
	*out = (int64_t)d;
	return (0);
}

int
wire_feed_parse(const char *p, size_t len, struct wire_feed *f, char *why,
    size_t whysz)
{
	const cJSON	*arr, *e, *b, *s, *more;
	cJSON		*t = NULL;
	size_t		 n, blen, slen;
	int		 rc = -1;

	memset(f, 0, sizeof(*f));
	if (len > LIMIT_FEED_BYTES) {
		snprintf(why, whysz, "feed response larger than %d bytes",
		    LIMIT_FEED_BYTES);
		return (-1);
	}
	if ((t = cJSON_ParseWithLength(p, len)) == NULL ||
	    !cJSON_IsObject(t)) {
		snprintf(why, whysz, "feed response is not a JSON object");
		goto out;
	}
	arr = cJSON_GetObjectItemCaseSensitive(t, "changes");
	more = cJSON_GetObjectItemCaseSensitive(t, "more");
	if (!cJSON_IsArray(arr) || !cJSON_IsBool(more) ||
	    get_int(t, "next", &f->next) == -1) {
		snprintf(why, whysz, "feed response lacks changes, more or "
		    "next");
		goto out;
	}
	f->more = cJSON_IsTrue(more);
	if (get_int(t, "behind", &f->behind) == -1)
		f->behind = -1;
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > LIMIT_FEED_ITEMS) {
		snprintf(why, whysz, "feed response holds more than %d "
		    "changes", LIMIT_FEED_ITEMS);
		goto out;
	}
	if (n > 0 && (f->items = calloc(n, sizeof(*f->items))) == NULL) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	cJSON_ArrayForEach(e, arr) {
		struct wire_item *it = &f->items[f->n];

		b = cJSON_GetObjectItemCaseSensitive(e, "bytes");
		s = cJSON_GetObjectItemCaseSensitive(e, "sig");
		if (!cJSON_IsString(b) || !cJSON_IsString(s) ||
		    get_int(e, "seq", &it->seq) == -1) {
			snprintf(why, whysz, "changes[%zu]: needs bytes, seq "
			    "and sig", f->n);
			goto out;
		}
		blen = strlen(b->valuestring);
		if ((it->bytes = malloc(blen / 4 * 3 + 1)) == NULL ||
		    wire_b64_decode(b->valuestring, blen, it->bytes,
		    LIMIT_CHANGE_BYTES, &it->len) == -1) {
			free(it->bytes);
			it->bytes = NULL;
			snprintf(why, whysz, "changes[%zu].bytes: not base64 "
			    "of at most %d bytes", f->n, LIMIT_CHANGE_BYTES);
			goto out;
		}
		f->n++;
		if (wire_b64_decode(s->valuestring, strlen(s->valuestring),
		    it->sig, SIG_LEN, &slen) == -1 || slen != SIG_LEN) {
			snprintf(why, whysz, "changes[%zu].sig: not base64 of "
			    "64 bytes", f->n - 1);
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(t);
	return (rc);
}
