/*
 * tests/unit/test_vectors.c: every vector of tests/vectors/changes.json is
 * checked: a valid one decodes, hashes to its id and verifies; an invalid
 * one fails at least one of those, for the reason it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "protocol/change.h"
#include "protocol/sig.h"

static cJSON *
load_vectors(void)
{
	const char	*path = getenv("OPORA_VECTORS");
	FILE		*f;
	char		*text;
	long		 len;
	cJSON		*v;

	if (path == NULL)
		path = "tests/vectors/changes.json";
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	v = cJSON_Parse(text);
	free(text);
	assert_non_null(v);
	return (v);
}

static uint8_t *
hex(const cJSON *o, const char *k, size_t *len)
{
	const cJSON	*h = cJSON_GetObjectItemCaseSensitive(o, k);
	size_t		 n;
	uint8_t		*p;

	assert_true(cJSON_IsString(h));
	n = strlen(h->valuestring);
	assert_int_equal(n % 2, 0);
	p = malloc(n / 2 + 1);
	assert_non_null(p);
	assert_int_equal(sig_hex_decode(h->valuestring, n, p, n / 2), 0);
	*len = n / 2;
	return (p);
}

static void
test_every_vector(void **state)
{
	cJSON		*all = load_vectors(), *v;
	int		 nvalid = 0, ninvalid = 0;

	(void)state;
	assert_true(cJSON_IsArray(all));
	cJSON_ArrayForEach(v, all) {
		const char	*name = cJSON_GetObjectItemCaseSensitive(v,
				    "name")->valuestring;
		const char	*prefix = cJSON_GetObjectItemCaseSensitive(v,
				    "prefix")->valuestring;
		const char	*idhex = cJSON_GetObjectItemCaseSensitive(v,
				    "id_hex")->valuestring;
		bool		 valid = cJSON_IsTrue(
				    cJSON_GetObjectItemCaseSensitive(v,
				    "valid"));
		uint8_t		*pub, *bytes, *sig;
		size_t		 publen, len, siglen;
		struct change	*c = NULL;
		struct sig_pub	*p;
		char		 id[CHANGE_ID_HEX + 1], why[256];
		int		 decoded, verified;

		assert_string_equal(prefix, CHANGE_PREFIX);
		pub = hex(v, "public_key_hex", &publen);
		bytes = hex(v, "change_hex", &len);
		sig = hex(v, "signature_hex", &siglen);
		assert_int_equal(publen, SIG_PUB_LEN);
		assert_int_equal(siglen, SIG_LEN);
		change_id(bytes, len, id);
		assert_string_equal(id, idhex);	/* the id is the hash */
		p = sig_pub_new(pub);
		assert_non_null(p);
		decoded = change_decode(bytes, len, &c, why, sizeof(why)) == 0;
		verified = sig_verify(p, prefix, bytes, len, sig) == 0;
		if (valid) {
			if (!decoded)
				fail_msg("%s: %s", name, why);
			assert_true(verified);
			assert_string_equal(c->id, idhex);
			nvalid++;
		} else {
			assert_non_null(cJSON_GetObjectItemCaseSensitive(v,
			    "reason"));
			if (decoded && verified)
				fail_msg("invalid vector accepted: %s", name);
			/* Form rules fail on decoding, with the signature
			 * good; signature rules fail only on the signature. */
			if (strstr(cJSON_GetObjectItemCaseSensitive(v,
			    "reason")->valuestring, "signature") != NULL) {
				assert_true(decoded);
				assert_false(verified);
			} else {
				assert_false(decoded);
				assert_true(verified);
			}
			ninvalid++;
		}
		change_free(c);
		sig_pub_free(p);
		free(pub);
		free(bytes);
		free(sig);
	}
	assert_true(nvalid >= 10);
	assert_true(ninvalid >= 15);
	cJSON_Delete(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_vector),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
