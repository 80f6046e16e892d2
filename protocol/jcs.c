/*
 * protocol/jcs.c: canonical JSON (RFC 8785) writing and checking.  See jcs.h.
 */
#include <limits.h>
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
 * cp_cmp(cx, cy): <0, 0 or >0 as code point cx sorts before, with or
 * after cy by their UTF-16 code units.  Code points above U+FFFF become
 * surrogate pairs, which sort below U+E000..U+FFFF: equal first units
 * imply equal planes, and then comparing code points is exact.
 */
static int
cp_cmp(long cx, long cy)
{
	unsigned	 ux, uy;

	ux = cx > 0xffff ? 0xd800 + (unsigned)((cx - 0x10000) >> 10) :
	    (unsigned)cx;
	uy = cy > 0xffff ? 0xd800 + (unsigned)((cy - 0x10000) >> 10) :
	    (unsigned)cy;
	if (ux != uy)
		return (ux < uy ? -1 : 1);
	return (cx < cy ? -1 : cx > cy);
}

/*
 * Compare two keys by UTF-16 code units, as RFC 8785 section 3.2.3 orders
 * them.  Keys are valid UTF-8 (checked before sorting); see cp_cmp.
 */
static int
key_cmp(const char *a, const char *b)
{
	const unsigned char	*x = (const unsigned char *)a;
	const unsigned char	*y = (const unsigned char *)b;
	size_t			 i = 0, j = 0, lx = strlen(a), ly = strlen(b);
	long			 cx, cy;
	int			 c;

	while (i < lx && j < ly) {
		cx = utf8_next(x, lx, &i);
		cy = utf8_next(y, ly, &j);
		if (cx < 0 || cy < 0)
			return (strcmp(a, b));
		if ((c = cp_cmp(cx, cy)) != 0)
			return (c);
	}
	return (i < lx ? 1 : j < ly ? -1 : 0);
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

/*
 * write_string(st, s): s, a C string, as a canonical JSON string, in one
 * pass: runs of bytes that need no escape (printable ASCII other than '"'
 * and '\\', and whole UTF-8 sequences, each checked as utf8_next checks
 * it) are appended at once; a string that is not valid UTF-8 fails, with
 * part of it written (the caller truncates).
 */
static int
write_string(struct jcs_state *st, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	struct buf		*out = st->out;
	const unsigned char	*p = (const unsigned char *)s, *run;
	size_t			 i;

	buf_addc(out, '"');
	for (;;) {
		for (run = p;;) {
			if (*p >= 0x20 && *p < 0x80 && *p != '"' &&
			    *p != '\\')
				p++;
			/* Two bytes, U+0080..U+07FF (Cyrillic): the common
			 * case, without a call. */
			else if (*p >= 0xc2 && *p <= 0xdf &&
			    (p[1] & 0xc0) == 0x80)
				p += 2;
			else if (*p >= 0x80) {
				i = 0;
				if (utf8_next(p, strnlen((const char *)p, 4),
				    &i) < 0) {
					st->why = "a string is not valid UTF-8";
					return (-1);
				}
				p += i;
			} else
				break;
		}
		if (p > run)
			buf_add(out, run, (size_t)(p - run));
		switch (*p) {
		case '\0':
			return (buf_addc(out, '"'));
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
		default:	/* another control character */
			buf_add(out, "\\u00", 4);
			buf_addc(out, hex[*p >> 4]);
			buf_addc(out, hex[*p & 0xf]);
		}
		p++;
	}
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

/*
 * The reader of canonical bytes.  The bytes jcs_write makes are a strict
 * subset of JSON, so they can be checked in one pass, byte by byte,
 * without a tree: a value is "false", "true", "null", an integer written
 * as jcs_write writes it, a string, an array or an object; a string holds
 * printable ASCII other than '"' and '\', whole UTF-8 sequences (strict,
 * as utf8_next), and only the escapes write_string makes; an object's keys
 * rise strictly in key_cmp's order; nothing else, not a byte of white
 * space, anywhere.  The first pass (scan_*) checks all of it and counts
 * the values and the bytes their strings need; the second (build_*) reads
 * the same bytes again, trusting them, into one allocation.
 */
struct jcs_reader {
	const unsigned char	*p;		/* the next byte */
	const unsigned char	*end;
	size_t			 values;	/* counted by the scan */
	size_t			 max_values;
	size_t			 strbytes;	/* strings and keys, with NULs */
	cJSON			*items;		/* the build's: values in order */
	size_t			 nitems;
	char			*strs;		/* the build's: next string */
};

/* The value of a lowercase hex digit the scan has accepted. */
static int
lhex(unsigned char c)
{
	return (c <= '9' ? c - '0' : c - 'a' + 10);
}

/*
 * The code point of one character of a string the scan has accepted,
 * at s[*i] (an escape or a UTF-8 sequence); advances *i.
 */
static long
enc_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned char	 c;

	if (s[*i] != '\\')
		return (utf8_next(s, len, i));
	c = s[*i + 1];
	*i += 2;
	switch (c) {
	case 'b':
		return ('\b');
	case 'f':
		return ('\f');
	case 'n':
		return ('\n');
	case 'r':
		return ('\r');
	case 't':
		return ('\t');
	case 'u':	/* \u00XX, XX lowercase hex below 0x20 */
		*i += 4;
		return (lhex(s[*i - 2]) << 4 | lhex(s[*i - 1]));
	default:	/* '"' or '\\' */
		return (c);
	}
}

/* key_cmp for two keys as they are written (accepted by scan_string). */
static int
enc_key_cmp(const unsigned char *a, size_t la, const unsigned char *b,
    size_t lb)
{
	size_t		 i = 0, j = 0;
	int		 c;

	while (i < la && j < lb) {
		if (a[i] == b[j] && a[i] < 0x80 && a[i] != '\\') {
			i++;
			j++;
			continue;
		}
		if ((c = cp_cmp(enc_next(a, la, &i), enc_next(b, lb, &j))) != 0)
			return (c);
	}
	return (i < la ? 1 : j < lb ? -1 : 0);
}

/*
 * scan_string(r): at the opening '"', check one string and step past its
 * closing '"'; counts the bytes it decodes to, with a NUL.  0 or -1.
 */
static int
scan_string(struct jcs_reader *r)
{
	const unsigned char	*p = r->p + 1, *end = r->end;
	size_t			 n = 0, i;
	unsigned		 v;

	for (;;) {
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' &&
		    *p != '\\') {
			p++;
			n++;
		}
		if (p == end)
			return (-1);
		if (*p == '"')
			break;
		if (*p == '\\') {
			if (end - p < 2)
				return (-1);
			switch (p[1]) {
			case '"': case '\\': case 'b': case 'f': case 'n':
			case 'r': case 't':
				p += 2;
				break;
			case 'u':
				/* Only a control without a short escape,
				 * in lowercase hex; never \u0000. */
				if (end - p < 6 || p[2] != '0' ||
				    p[3] != '0' || (p[4] != '0' &&
				    p[4] != '1') || !((p[5] >= '0' &&
				    p[5] <= '9') || (p[5] >= 'a' &&
				    p[5] <= 'f')))
					return (-1);
				v = (unsigned)(lhex(p[4]) << 4 | lhex(p[5]));
				if (v == 0 || v == '\b' || v == '\f' ||
				    v == '\n' || v == '\r' || v == '\t')
					return (-1);
				p += 6;
				break;
			default:
				return (-1);
			}
			n++;
			continue;
		}
		if (*p < 0x20)
			return (-1);
		i = 0;
		if (utf8_next(p, (size_t)(end - p), &i) < 0)
			return (-1);
		p += i;
		n += i;
	}
	r->p = p + 1;
	r->strbytes += n + 1;
	return (0);
}

/* scan_int(r): an integer as jcs_write writes it; 0 or -1. */
static int
scan_int(struct jcs_reader *r)
{
	const unsigned char	*p = r->p;
	uint64_t		 n = 0;
	int			 digits = 0;

	if (*p == '-')
		p++;
	if (p == r->end || *p < '0' || *p > '9')
		return (-1);
	if (*p == '0') {
		/* "0" alone: not "-0", not "01". */
		if (p != r->p || (p + 1 < r->end && p[1] >= '0' &&
		    p[1] <= '9'))
			return (-1);
		r->p = p + 1;
		return (0);
	}
	while (p < r->end && *p >= '0' && *p <= '9') {
		if (++digits > 16)
			return (-1);
		n = n * 10 + (uint64_t)(*p++ - '0');
	}
	if (n > (uint64_t)JCS_INT_MAX)
		return (-1);
	r->p = p;
	return (0);
}

static int
scan_word(struct jcs_reader *r, const char *w, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return (-1);
	r->p += n;
	return (0);
}

static int
scan_value(struct jcs_reader *r, int depth)
{
	const unsigned char	*key = NULL, *k;
	size_t			 keylen = 0;
	unsigned char		 close;

	/* As write_value counts and bounds them. */
	if (depth > LIMIT_JSON_DEPTH || ++r->values > r->max_values ||
	    r->p == r->end)
		return (-1);
	switch (*r->p) {
	case 'f':
		return (scan_word(r, "false", 5));
	case 't':
		return (scan_word(r, "true", 4));
	case 'n':
		return (scan_word(r, "null", 4));
	case '"':
		return (scan_string(r));
	case '[':
	case '{':
		/* Values, or members ("key":value, keys rising strictly:
		 * sorted, none twice), between commas. */
		close = *r->p == '[' ? ']' : '}';
		if (++r->p < r->end && *r->p == close) {
			r->p++;
			return (0);
		}
		for (;;) {
			if (close == '}') {
				if (r->p == r->end || *r->p != '"')
					return (-1);
				k = r->p;
				if (scan_string(r) == -1)
					return (-1);
				if (key != NULL && enc_key_cmp(key + 1, keylen,
				    k + 1, (size_t)(r->p - k) - 2) >= 0)
					return (-1);
				key = k;
				keylen = (size_t)(r->p - k) - 2;
				if (r->p == r->end || *r->p++ != ':')
					return (-1);
			}
			if (scan_value(r, depth + 1) == -1 || r->p == r->end)
				return (-1);
			if (*r->p++ == close)
				return (0);
			if (r->p[-1] != ',')
				return (-1);
		}
	default:
		return (scan_int(r));
	}
}

/* build_string(r): the string at r->p, decoded into r->strs. */
static char *
build_string(struct jcs_reader *r)
{
	const unsigned char	*p = r->p + 1;
	char			*s = r->strs, *o = s;
	size_t			 i;

	for (;;) {
		const unsigned char	*run = p;

		while (*p != '"' && *p != '\\')
			p++;
		memcpy(o, run, (size_t)(p - run));
		o += p - run;
		if (*p == '"')
			break;
		i = (size_t)(p - r->p);
		*o++ = (char)enc_next(r->p, (size_t)(r->end - r->p), &i);
		p = r->p + i;
	}
	*o++ = '\0';
	r->strs = o;
	r->p = p + 1;
	return (s);
}

/* build_value(r): the value at r->p as the next item; links its members. */
static cJSON *
build_value(struct jcs_reader *r)
{
	cJSON		*v = &r->items[r->nitems++], *c, *last = NULL;
	const unsigned char	*p;
	uint64_t	 n;
	bool		 neg, obj;
	double		 d;

	memset(v, 0, sizeof(*v));
	switch (*r->p) {
	case 'f':
		v->type = cJSON_False;
		r->p += 5;
		return (v);
	case 't':
		v->type = cJSON_True;
		v->valueint = 1;
		r->p += 4;
		return (v);
	case 'n':
		v->type = cJSON_NULL;
		r->p += 4;
		return (v);
	case '"':
		v->type = cJSON_String;
		v->valuestring = build_string(r);
		return (v);
	case '[':
	case '{':
		obj = *r->p == '{';
		v->type = obj ? cJSON_Object : cJSON_Array;
		if (*++r->p == (obj ? '}' : ']')) {
			r->p++;
			return (v);
		}
		for (;;) {
			char	*key = obj ? build_string(r) : NULL;

			if (obj)
				r->p++;		/* ':' */
			c = build_value(r);
			c->string = key;
			/* As cJSON links them: the first's prev is the
			 * last, so that appending costs no walk. */
			if (last == NULL)
				v->child = c;
			else {
				last->next = c;
				c->prev = last;
			}
			last = c;
			if (*r->p++ != ',')
				break;
		}
		v->child->prev = last;
		return (v);
	default:
		p = r->p;
		if ((neg = *p == '-'))
			p++;
		for (n = 0; p < r->end && *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (uint64_t)(*p - '0');
		r->p = p;
		d = neg ? -(double)n : (double)n;
		/* valueint as cJSON sets it. */
		v->type = cJSON_Number;
		v->valuedouble = d;
		v->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ?
		    INT_MIN : (int)d;
		return (v);
	}
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
	struct jcs_reader	 r;
	cJSON			*v, *root;
	size_t			 size;

	if (len == 0 || len > max_bytes) {
		*why = "not JSON: empty or too large";
		return (NULL);
	}
	memset(&r, 0, sizeof(r));
	r.p = (const unsigned char *)p;
	r.end = r.p + len;
	r.max_values = max_elements;
	if (scan_value(&r, 1) == -1 || r.p != r.end) {
		/* Refused.  The reader of any JSON says why, in the words
		 * it has always used; should it accept what the scan
		 * refused, the bytes are refused all the same. */
		if ((v = jcs_parse_reference(p, len, max_bytes,
		    max_elements, why)) != NULL) {
			cJSON_Delete(v);
			*why = "not canonical JSON (RFC 8785)";
		}
		return (NULL);
	}
	/* One allocation: the values in order, then their strings. */
	size = r.values * sizeof(cJSON) + r.strbytes;
	jcs_oom = false;
	if ((root = jcs_malloc(size)) == NULL) {
		*why = jcs_nomem;
		return (NULL);
	}
	r.items = root;
	r.strs = (char *)(root + r.values);
	r.p = (const unsigned char *)p;
	(void)build_value(&r);
	/* cJSON_Delete(root) then frees the root alone: all of it. */
	root->type |= cJSON_IsReference;
	return (root);
}

cJSON *
jcs_parse_reference(const char *p, size_t len, size_t max_bytes,
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
