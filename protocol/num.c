/*
 * protocol/num.c: strict numbers.  See num.h.
 */
#include <math.h>
#include <string.h>

#include "protocol/num.h"

int
num_parse(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	uint64_t	 v = 0, lim;
	size_t		 i = 0;
	int		 neg = 0;

	if (s == NULL || min > max)
		return (-1);
	if (len > 0 && s[0] == '-') {
		if (min >= 0)
			return (-1);
		neg = 1;
		i = 1;
	}
	if (i == len || (s[i] == '0' && len - i > 1))
		return (-1);
	/* The magnitude may reach 2^63 for INT64_MIN. */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (lim - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	if (neg && v == 0)
		return (-1);	/* "-0" */
	if (neg) {
		int64_t r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)v;

		if (r < min || r > max)
			return (-1);
		*out = r;
		return (0);
	}
	if (v > (uint64_t)max || (int64_t)v < min)
		return (-1);
	*out = (int64_t)v;
	return (0);
}

int
num_parse_str(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (s == NULL)
		return (-1);
	return (num_parse(s, strlen(s), min, max, out));
}

int
num_json(const cJSON *v, int64_t min, int64_t max, int64_t *out)
{
	double	 d;

	if (v == NULL || !cJSON_IsNumber(v) || min > max)
		return (-1);
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < (double)min ||
	    d > (double)max || d > (double)NUM_JSON_MAX ||
	    d < -(double)NUM_JSON_MAX)
		return (-1);
	*out = (int64_t)d;
	return (0);
}
