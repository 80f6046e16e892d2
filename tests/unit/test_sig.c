/*
 * tests/unit/test_sig.c: Ed25519 signatures: RFC 8032's first vector, good
 * and bad signatures, wrong keys, key files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol/sig.h"

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(sig_hex_decode(s, strlen(s), out, n), 0);
}

static void
test_rfc8032_vector_1(void **state)
{
	uint8_t		 seed[32], pub[32], want_pub[32], sig[64], want[64];
	struct sig_key	*k;
	struct sig_pub	*p;

	(void)state;
	unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	    seed, 32);
	unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	    want_pub, 32);
	unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901"
	    "555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a"
	    "100b", want, 64);
	k = sig_key_from_seed(seed);
	assert_non_null(k);
	sig_key_public(k, pub);
	assert_memory_equal(pub, want_pub, 32);
	assert_int_equal(sig_sign(k, "", "", 0, sig), 0);
	assert_memory_equal(sig, want, 64);
	p = sig_pub_new(pub);
	assert_non_null(p);
	assert_int_equal(sig_verify(p, "", "", 0, sig), 0);
	sig_pub_free(p);
	sig_key_free(k);
}

static void
test_good_and_bad(void **state)
{
	struct sig_key	*k = sig_key_generate(), *other = sig_key_generate();
	struct sig_pub	*p, *po;
	uint8_t		 pub[32], opub[32], sig[64];
	char		 msg[] = "{\"v\":1}", id[17];

	(void)state;
	assert_non_null(k);
	assert_non_null(other);
	sig_key_public(k, pub);
	sig_key_public(other, opub);
	p = sig_pub_new(pub);
	po = sig_pub_new(opub);
	assert_int_equal(sig_sign(k, "opora-change-v1\n", msg, strlen(msg),
	    sig), 0);
	assert_int_equal(sig_verify(p, "opora-change-v1\n", msg, strlen(msg),
	    sig), 0);
	/* Another prefix: a change's signature is not a card's. */
	assert_int_equal(sig_verify(p, "opora-card-v1\n", msg, strlen(msg),
	    sig), -1);
	/* The wrong key. */
	assert_int_equal(sig_verify(po, "opora-change-v1\n", msg, strlen(msg),
	    sig), -1);
	/* A flipped byte of the message, a flipped bit of the signature. */
	msg[2] ^= 1;
	assert_int_equal(sig_verify(p, "opora-change-v1\n", msg, strlen(msg),
	    sig), -1);
	msg[2] ^= 1;
	sig[63] ^= 0x40;
	assert_int_equal(sig_verify(p, "opora-change-v1\n", msg, strlen(msg),
	    sig), -1);
	/* The key id: 16 hex digits. */
	sig_key_id(pub, id);
	assert_int_equal(strlen(id), 16);
	assert_int_equal(strspn(id, "0123456789abcdef"), 16);
	sig_pub_free(p);
	sig_pub_free(po);
	sig_key_free(k);
	sig_key_free(other);
	sig_key_free(NULL);
	sig_pub_free(NULL);
}

static void
test_key_files(void **state)
{
	char		 dir[] = "/tmp/opora-sig.XXXXXX", path[64], junk[64];
	struct sig_key	*k, *l;
	struct stat	 sb;
	uint8_t		 a[32], b[32];
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/signing.key", dir);
	snprintf(junk, sizeof(junk), "%s/junk.key", dir);
	k = sig_key_generate();
	assert_int_equal(sig_key_save(k, path), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sig_key_save(k, path), -1);	/* never replaces */
	l = sig_key_load(path);
	assert_non_null(l);
	sig_key_public(k, a);
	sig_key_public(l, b);
	assert_memory_equal(a, b, 32);
	f = fopen(junk, "w");
	fputs("not a key\n", f);
	fclose(f);
	assert_null(sig_key_load(junk));
	assert_null(sig_key_load("/nonexistent/signing.key"));
	/* A key that is not a curve point verifies nothing (OpenSSL may
	 * accept the bytes and refuse at verification). */
	memset(a, 0xff, sizeof(a));
	{
		struct sig_pub	*bad = sig_pub_new(a);
		uint8_t		 s64[64] = { 0 };

		if (bad != NULL)
			assert_int_equal(sig_verify(bad, "", "x", 1, s64), -1);
		sig_pub_free(bad);
	}
	sig_key_free(k);
	sig_key_free(l);
	unlink(path);
	unlink(junk);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vector_1),
		cmocka_unit_test(test_good_and_bad),
		cmocka_unit_test(test_key_files),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
