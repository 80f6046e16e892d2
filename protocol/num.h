/*
 * protocol/num.h: the one strict parser of numbers from outside (a query
 * string, a config file, a command-line option, a JSON document).
 *
 * num_parse accepts exactly the decimal form: an optional '-' (only when
 * min < 0), then one or more ASCII digits with no leading zero (except
 * "0" itself); no '+', no spaces, no fraction, no exponent, no hex.  The
 * value must lie within [min, max].  Nothing is stored on failure, so a
 * caller's default survives a refusal.
 *
 * num_json accepts a cJSON number holding an integer within [min, max]
 * (JSON documents of peers: cJSON keeps a double, so 1e300 or 1.5 are
 * refused by value, never converted).
 */
#ifndef OPORA_NUM_H
#define OPORA_NUM_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define NUM_JSON_MAX	9007199254740991LL	/* 2^53 - 1: exact in JSON */

/* num_parse(s, len, min, max, out): 0 and *out, or -1. */
int	 num_parse(const char *s, size_t len, int64_t min, int64_t max,
	    int64_t *out);

/* num_parse_str(s, min, max, out): num_parse of a C string. */
int	 num_parse_str(const char *s, int64_t min, int64_t max, int64_t *out);

/* num_json(v, min, max, out): 0 and *out, or -1 (also when v is NULL or
 * not a number).  min and max must lie within +-NUM_JSON_MAX. */
int	 num_json(const cJSON *v, int64_t min, int64_t max, int64_t *out);

#endif /* OPORA_NUM_H */
