/*
 * node/uijson.h: the JSON bodies browsers send to the API of the web
 * pages (docs/api.md), read before anything else looks at them.
 *
 * libmicrohttpd reads the HTTP request itself; what it hands over as a
 * body is up to UIJSON_BODY_MAX bytes of anything.  uijson_parse accepts
 * only a JSON object of strings, booleans and numbers, one level deep (no
 * arrays or nested objects: no endpoint takes one), at most
 * UIJSON_MEMBERS_MAX members, each string strict UTF-8 without a NUL
 * (not even an escaped one) of at most UIJSON_STRING_MAX bytes.  Nothing
 * here touches the node; tests/fuzz/fuzz_uijson.c runs it on any bytes.
 */
#ifndef OPORA_UIJSON_H
#define OPORA_UIJSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define UIJSON_BODY_MAX		16384	/* an event's text is 8000 bytes */
#define UIJSON_MEMBERS_MAX	32	/* the largest form has 12 fields */
#define UIJSON_STRING_MAX	8192	/* LIMIT_TEXT and some */

/*
 * uijson_parse(p, len, out): the object p[0..len) holds (p need not end
 * in a NUL; an empty body is an empty object) into *out, a new tree for
 * the caller to cJSON_Delete.  0, or -1 when the body is not such an
 * object (*out NULL).
 */
int	 uijson_parse(const char *p, size_t len, cJSON **out);

/*
 * uijson_str(o, key, max, out): the string member key of o (borrowed
 * from o) in *out.  0 when present, 1 when absent or null (*out NULL), -1
 * when it is not a string or longer than max bytes.
 */
int	 uijson_str(const cJSON *o, const char *key, size_t max,
	    const char **out);

/* uijson_bool(o, key): whether member key of o is true. */
int	 uijson_bool(const cJSON *o, const char *key);

#endif /* OPORA_UIJSON_H */
