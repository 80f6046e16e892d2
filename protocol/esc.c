/*
 * protocol/esc.c: escaping text from outside.  See esc.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "protocol/esc.h"

/* The length of the well-formed UTF-8 sequence at p (at most n bytes)
 * that is not a control character, or 0.  The characters that reorder or
 * break a line on a terminal or in a viewer (the bidirectional embeddings,
 * overrides and isolates, the line and paragraph separators) count as
 * controls: a text could otherwise show what it is not. */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
	uint32_t	 cp;
	size_t		 k, i;

	if (p[0] < 0x80)
		return (p[0] >= 0x20 && p[0] != 0x7f ? 1 : 0);
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4, cp = p[0] & 0x07;
	else
		return (0);
	if (k > n)
		return (0);
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	    cp == 0x200f ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return (0);
	return (k);
}

/* The escaped form of the character at p[0] (n bytes left) in tmp;
 * returns its width and stores how many input bytes it took in *k. */
static size_t
piece(const uint8_t *p, size_t n, char tmp[4], size_t *k, bool bs)
{
	static const char	 hex[] = "0123456789abcdef";

	if (p[0] == '\\' && bs) {
		tmp[0] = tmp[1] = '\\';
		*k = 1;
		return (2);
	}
	if ((*k = utf8_len(p, n)) > 0) {
		memcpy(tmp, p, *k);
		return (*k);
	}
	tmp[0] = '\\';
	tmp[1] = 'x';
	tmp[2] = hex[p[0] >> 4];
	tmp[3] = hex[p[0] & 15];
	*k = 1;
	return (4);
}

static char *
escape(const void *in, size_t len, char *out, size_t outsz, bool bs)
{
	const uint8_t	*p = in;
	size_t		 i, o, k, w, total = 0;
	char		 tmp[4];

	if (outsz == 0)
		return (out);
	if (p == NULL)
		len = 0;
	for (i = 0; i < len; i += k)
		total += piece(p + i, len - i, tmp, &k, bs);
	/* Whole if it fits; else whole pieces and room for "...". */
	for (i = 0, o = 0; i < len; i += k, o += w) {
		w = piece(p + i, len - i, tmp, &k, bs);
		if (total >= outsz && o + w + 3 >= outsz) {
			if (o + 3 < outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(out + o, tmp, w);
	}
	out[o] = '\0';
	return (out);
}

char *
esc_text(const void *in, size_t len, char *out, size_t outsz)
{
	return (escape(in, len, out, outsz, true));
}

char *
esc_controls(const char *in, char *out, size_t outsz)
{
	return (escape(in, in != NULL ? strlen(in) : 0, out, outsz, false));
}

char *
esc_str(const char *in, char *out, size_t outsz)
{
	return (esc_text(in, in != NULL ? strlen(in) : 0, out, outsz));
}

/* Is p[0..n) the start of a well-formed sequence longer than n bytes? */
static bool
utf8_cut(const uint8_t *p, size_t n)
{
	size_t	 k, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xf4)
		k = p[0] <= 0xef ? 3 : 4;
	else
		return (false);
	if (n >= k)
		return (false);
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return (false);
	return (true);
}

size_t
esc_lines(const void *in, size_t len, int final, char *out, size_t *used)
{
	const uint8_t	*p = in;
	size_t		 i, o = 0, k, w;
	char		 tmp[4];

	for (i = 0; i < len; i += k, o += w) {
		if (p[i] == '\n' || p[i] == '\t') {
			out[o] = (char)p[i];
			k = w = 1;
			continue;
		}
		if (!final && utf8_cut(p + i, len - i))
			break;
		w = piece(p + i, len - i, tmp, &k, false);
		memcpy(out + o, tmp, w);
	}
	*used = i;
	return (o);
}
