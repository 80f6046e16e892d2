/*
 * node/uijson.c: the JSON bodies of the browsers' API (uijson.h).
 */
#include <stdlib.h>
#include <string.h>

#include "node/uijson.h"
#include "protocol/fields.h"

/* Whether p[0..len) holds the escape of a NUL, "\u0000", which cJSON
 * would turn into a string cut short: counted backslashes, so that
 * "\\u0000" (a backslash, then text) is not taken for one. */
static int
has_nul_escape(const char *p, size_t len)
{
	size_t	 i, run = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\') {
			run++;
			continue;
		}
		if (run % 2 == 1 && p[i] == 'u' && len - i >= 5 &&
		    memcmp(p + i + 1, "0000", 4) == 0)
			return (1);
		run = 0;
	}
	return (0);
}

int
uijson_parse(const char *p, size_t len, cJSON **out)
{
	cJSON		*o = NULL, *m;
	const char	*end = NULL;
	size_t		 n = 0;

	*out = NULL;
	if (len == 0)
		return ((*out = cJSON_CreateObject()) == NULL ? -1 : 0);
	if (len > UIJSON_BODY_MAX || memchr(p, '\0', len) != NULL ||
	    !fields_utf8_valid(p, len) || has_nul_escape(p, len))
		return (-1);
	/* Nothing but white space may follow the object. */
	if ((o = cJSON_ParseWithLengthOpts(p, len, &end, 0)) == NULL ||
	    !cJSON_IsObject(o) || end < p || end > p + len)
		goto fail;
	for (; end < p + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\n' &&
		    *end != '\r')
			goto fail;
	for (m = o->child; m != NULL; m = m->next) {
		if (++n > UIJSON_MEMBERS_MAX || m->string == NULL)
			goto fail;
		if (cJSON_IsString(m)) {
			if (m->valuestring == NULL || strlen(m->valuestring) >
			    UIJSON_STRING_MAX || !fields_utf8_valid(
			    m->valuestring, strlen(m->valuestring)))
				goto fail;
		} else if (!cJSON_IsBool(m) && !cJSON_IsNull(m) &&
		    !cJSON_IsNumber(m))
			goto fail;
		if (!fields_utf8_valid(m->string, strlen(m->string)))
			goto fail;
	}
	*out = o;
	return (0);
fail:
	cJSON_Delete(o);
	return (-1);
}

int
uijson_str(const cJSON *o, const char *key, size_t max, const char **out)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (m == NULL || cJSON_IsNull(m))
		return (1);
	if (!cJSON_IsString(m) || m->valuestring == NULL ||
	    strlen(m->valuestring) > max)
		return (-1);
	*out = m->valuestring;
	return (0);
}

int
uijson_bool(const cJSON *o, const char *key)
{
	return (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key)));
}
