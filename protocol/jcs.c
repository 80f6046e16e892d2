/*
 * protocol/jcs.c: canonical JSON (RFC 8785) writing and checking.  See jcs.h.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/jcs.h"
#include "protocol/limits.h"

const char	 jcs_nomem[] = "out of memory";

/* Whether a cJSON allocation failed in this thread (see jcs.h). */
static _Thread_local bool jcs_oom;

static void *
jcs_malloc(size_t n)
{
	void	*p;

	if ((p = malloc(n)) == NULL)
		jcs_oom = true;
	return (p);
}

static void
jcs_free(void *p)
{
	free(p);
}

/*
 * Installed before main(), while the program has one thread: cJSON's hooks
 * are global, and changing them while another thread allocates would race.
 */
__attribute__((constructor)) static void
jcs_hooks(void)
{
	cJSON_Hooks	 h = { jcs_malloc, jcs_free };

	cJSON_InitHooks(&h);
}

bool
jcs_why_nomem(const char *why)
{
	return (why == jcs_nomem);
}

void
jcs_nomem_clear(void)
{
	jcs_oom = false;
}

bool
jcs_nomem_seen(void)
{
	return (jcs_oom);
}

struct jcs_state {
	struct buf	*out;
	size_t		 elements;
	size_t		 max;
	const char	*why;
};

/*
 * Decode one UTF-8 code point at s[*i], strictly (no overlongs, no
 * surrogates, nothing above U+10FFFF).  Returns the code point and advances
 * *i, or returns -1.
 */
static long
utf8_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char	 c = s[*i];
	long		 cp;
	size_t		 n, k;

	if (c < 0x80) {
		(*i)++;
		return (c);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		cp = c & 0x07;
	} else
		return (-1);
	if (len - *i <= n)
		return (-1);
	for (k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return (-1);
		cp = (cp << 6) | (s[*i + k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return (-1);
	*i += n + 1;
	return (cp);
}

/*
 * Compare two keys by UTF-16 code units, as RFC 8785 section 3.2.3 orders
 * them.  Keys are valid UTF-8 (checked before sorting).  Code points above
 * U+FFFF become surrogate pairs, which sort below U+E000..U+FFFF.
 */
static int
key_cmp(const char *a, const char *b)
{
	const unsigned char	*x = (const unsigned char *)a;
	const unsigned char	*y = (const unsigned char *)b;
	size_t			 i = 0, j = 0, lx = strlen(a), ly = strlen(b);
	long			 cx, cy;
	unsigned		 ux, uy;

	while (i < lx && j < ly) {
		cx = utf8_next(x, lx, &i);
		cy = utf8_next(y, ly, &j);
		if (cx < 0 || cy < 0)
			return (strcmp(a, b));
		/* First UTF-16 unit of each; equal first units imply equal
		 * planes, and then comparing code points is exact. */
		ux = cx > 0xffff ? 0xd800 + (unsigned)((cx - 0x10000) >> 10) :
		    (unsigned)cx;
		uy = cy > 0xffff ? 0xd800 + (unsigned)((cy - 0x10000) >> 10) :
		    (unsigned)cy;
		if (ux != uy)
			return (ux < uy ? -1 : 1);
		if (cx != cy)
			return (cx < cy ? -1 : 1);
	}
	if (i < lx)
		return (1);
	if (j < ly)
		return (-1);
	return (0);
}

static bool
utf8_ok(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n = strlen(s);

	while (i < n)
		if (utf8_next(u, n, &i) < 0)
			return (false);
	return (true);
}

static int
write_string(struct jcs_state *st, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	struct buf		*out = st->out;
	const unsigned char	*p, *run;

	if (!utf8_ok(s)) {
		st->why = "a string is not valid UTF-8";
		return (-1);
	}
	buf_addc(out, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		/* A run of bytes written as they are, in one append (the
		 * import writes a change's texts here twice a line). */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		if (p > run)
			buf_add(out, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			buf_add(out, "\\\"", 2);
			break;
		case '\\':
			buf_add(out, "\\\\", 2);
			break;
		case '\b':
			buf_add(out, "\\b", 2);
			break;
		case '\f':
			buf_add(out, "\\f", 2);
			break;
		case '\n':
			buf_add(out, "\\n", 2);
			break;
		case '\r':
			buf_add(out, "\\r", 2);
			break;
		case '\t':
			buf_add(out, "\\t", 2);
			break;
		default:
			if (*p < 0x20) {
				buf_add(out, "\\u00", 4);
				buf_addc(out, hex[*p >> 4]);
				buf_addc(out, hex[*p & 0xf]);
			} else
				buf_addc(out, (char)*p);
		}
	}
	return (buf_addc(out, '"'));
}

int
jcs_write_string(struct buf *out, const char *s, const char **why)
{
	struct jcs_state	 st = { out, 0, SIZE_MAX, NULL };

	if (write_string(&st, s) == -1 || buf_failed(out)) {
		if (why != NULL)
			*why = st.why != NULL ? st.why :
			    buf_error(out) == BUF_NOMEM ? jcs_nomem :
			    "too large";
		return (-1);
	}
	return (0);
}

int
jcs_key_cmp(const char *a, const char *b)
{
	return (key_cmp(a, b));
}

int
jcs_int(const cJSON *v, int64_t *out)
{
	double	 d;

	if (!cJSON_IsNumber(v))
		return (-1);
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d > (double)JCS_INT_MAX ||
	    d < -(double)JCS_INT_MAX)
		return (-1);
	*out = (int64_t)d;
	return (0);
}

static int
cmp_items(const void *a, const void *b)
{
	const cJSON	*x = *(const cJSON *const *)a;
	const cJSON	*y = *(const cJSON *const *)b;

	return (key_cmp(x->string, y->string));
}

static int write_value(struct jcs_state *, const cJSON *, int);

static int
write_object(struct jcs_state *st, const cJSON *v, int depth)
{
	const cJSON	**items = NULL, *c;
	size_t		  n = 0, i;
	int		  rc = -1;

	for (c = v->child; c != NULL; c = c->next)
		if (++n > st->max) {
			st->why = "too many values";
			return (-1);
		}
	if (n > 0 && (items = calloc(n, sizeof(*items))) == NULL) {
		st->why = jcs_nomem;
		return (-1);
	}
	for (i = 0, c = v->child; c != NULL; c = c->next, i++) {
		if (c->string == NULL || !utf8_ok(c->string)) {
			st->why = "a key is not valid UTF-8";
			goto out;
		}
		items[i] = c;
	}
	if (n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(items, n, sizeof(*items), cmp_items);
	buf_addc(st->out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0 && key_cmp(items[i - 1]->string,
		    items[i]->string) == 0) {
			st->why = "a key appears twice";
			goto out;
		}
		if (i > 0)
			buf_addc(st->out, ',');
		if (write_string(st, items[i]->string) == -1)
			goto out;
		buf_addc(st->out, ':');
		if (write_value(st, items[i], depth + 1) == -1)
			goto out;
	}
	buf_addc(st->out, '}');
	rc = 0;
out:
	free(items);
	return (rc);
}

static int
write_value(struct jcs_state *st, const cJSON *v, int depth)
{
	const cJSON	*c;
	int64_t		 n;

	if (depth > LIMIT_JSON_DEPTH) {
		st->why = "nested too deeply";
		return (-1);
	}
	if (++st->elements > st->max) {
		st->why = "too many values";
		return (-1);
	}
	switch (v->type & 0xff) {
	case cJSON_False:
		return (buf_add(st->out, "false", 5));
	case cJSON_True:
		return (buf_add(st->out, "true", 4));
	case cJSON_NULL:
		return (buf_add(st->out, "null", 4));
	case cJSON_Number:
		if (jcs_int(v, &n) == -1) {
			st->why = "a number is not an integer within 2^53";
			return (-1);
		}
		return (buf_addf(st->out, "%lld", (long long)n));
	case cJSON_String:
		return (write_string(st, v->valuestring));
	case cJSON_Array:
		buf_addc(st->out, '[');
		for (c = v->child; c != NULL; c = c->next) {
			if (c != v->child)
				buf_addc(st->out, ',');
			if (write_value(st, c, depth + 1) == -1)
				return (-1);
		}
		return (buf_addc(st->out, ']'));
	case cJSON_Object:
		return (write_object(st, v, depth));
	default:
		st->why = "a value of unknown type";
		return (-1);
	}
}

int
jcs_write(struct buf *out, const cJSON *v, size_t max_elements,
    const char **why)
{
	struct jcs_state	 st = { out, 0, max_elements, NULL };

	if (write_value(&st, v, 1) == -1 || buf_failed(out)) {
		if (why != NULL)
			*why = st.why != NULL ? st.why :
			    buf_error(out) == BUF_NOMEM ? jcs_nomem :
			    "too large";
		return (-1);
	}
	return (0);
}

cJSON *
jcs_parse(const char *p, size_t len, const char **why)
{
	return (jcs_parse_limit(p, len, LIMIT_CHANGE_BYTES * 16,
	    LIMIT_JSON_ELEMENTS, why));
}

cJSON *
jcs_parse_limit(const char *p, size_t len, size_t max_bytes,
    size_t max_elements, const char **why)
{
	struct buf	 b;
	cJSON		*v;
	const char	*w = NULL;

	if (len == 0 || len > max_bytes) {
		*why = "not JSON: empty or too large";
		return (NULL);
	}
	jcs_oom = false;
	if ((v = cJSON_ParseWithLength(p, len)) == NULL) {
		*why = jcs_oom ? jcs_nomem : "not JSON";
		return (NULL);
	}
	buf_init(&b, len);
	if (jcs_write(&b, v, max_elements, &w) == -1) {
		/* A too-long rewrite means the input was not minimal. */
		*why = w != NULL && strcmp(w, "too large") != 0 ?
		    w : "not canonical JSON (RFC 8785)";
		goto bad;
	}
	if (b.len != len || memcmp(b.data, p, len) != 0) {
		*why = "not canonical JSON (RFC 8785): white space, key "
		    "order, escapes or number form differ";
		goto bad;
	}
	buf_free(&b);
	return (v);
bad:
	buf_free(&b);
	cJSON_Delete(v);
	return (NULL);
}
