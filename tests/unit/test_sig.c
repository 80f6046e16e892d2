/*
 * tests/unit/test_sig.c: Ed25519 keys and signatures of protocol/sig.h:
 * RFC 8032's vectors, signatures that must not verify (a flipped byte or
 * bit, the wrong key, another prefix), key ids, key files, hex decoding,
 * and that verifying with libsodium first gives OpenSSL's verdict on every
 * signature, including those libsodium alone would refuse.
 *
 * Tests of behaviour that protocol/sig.c gets wrong at the time of writing
 * were found by these tests and are fixed; their tests now run always.
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

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sodium.h>

#include "protocol/sig.h"

#define PREFIX	"opora-change-v1\n"

/* RFC 8032 section 7.1, TEST 1 and TEST 2. */
#define T1_SECRET \
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define T1_PUBLIC \
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define T1_SIG \
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901" \
	"555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a" \
	"100b"
#define T2_SECRET \
	"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
#define T2_PUBLIC \
	"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
#define T2_SIG \
	"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69" \
	"da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb" \
	"0c00"

static void
unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(sig_hex_decode(s, strlen(s), out, n), 0);
}

/* The key of an RFC 8032 secret, checked against its public key. */
static struct sig_key *
vector_key(const char *secret, const char *public)
{
	uint8_t		 seed[32], pub[SIG_PUB_LEN], want[SIG_PUB_LEN];
	struct sig_key	*k;

	unhex(secret, seed, sizeof(seed));
	unhex(public, want, sizeof(want));
	k = sig_key_from_seed(seed);
	assert_non_null(k);
	sig_key_public(k, pub);
	assert_memory_equal(pub, want, SIG_PUB_LEN);
	return (k);
}

static struct sig_pub *
pub_of(const struct sig_key *k)
{
	uint8_t		 pub[SIG_PUB_LEN];
	struct sig_pub	*p;

	sig_key_public(k, pub);
	p = sig_pub_new(pub);
	assert_non_null(p);
	return (p);
}

static void
test_rfc8032_vector_1(void **state)
{
	uint8_t		 sig[SIG_LEN], want[SIG_LEN];
	struct sig_key	*k;
	struct sig_pub	*p;

	(void)state;
	k = vector_key(T1_SECRET, T1_PUBLIC);
	unhex(T1_SIG, want, sizeof(want));
	/* Prefix "" and an empty message: the bare RFC 8032 signature. */
	memset(sig, 0, sizeof(sig));
	assert_int_equal(sig_sign(k, "", "", 0, sig), 0);
	assert_memory_equal(sig, want, SIG_LEN);
	p = pub_of(k);
	assert_int_equal(sig_verify(p, "", "", 0, sig), 0);
	assert_int_equal(sig_verify(p, "", "", 0, want), 0);
	/* The same signature does not cover any non-empty message. */
	assert_int_equal(sig_verify(p, "", "\0", 1, sig), -1);
	assert_int_equal(sig_verify(p, "x", "", 0, sig), -1);
	sig_pub_free(p);
	sig_key_free(k);
}

static void
test_rfc8032_vector_2(void **state)
{
	uint8_t		 sig[SIG_LEN], want[SIG_LEN];
	struct sig_key	*k;
	struct sig_pub	*p;

	(void)state;
	k = vector_key(T2_SECRET, T2_PUBLIC);
	unhex(T2_SIG, want, sizeof(want));
	/* The message is the one byte 0x72 ("r"): as message, or as
	 * prefix: the prefix is simply signed in front of the message. */
	assert_int_equal(sig_sign(k, "", "r", 1, sig), 0);
	assert_memory_equal(sig, want, SIG_LEN);
	memset(sig, 0, sizeof(sig));
	assert_int_equal(sig_sign(k, "r", "", 0, sig), 0);
	assert_memory_equal(sig, want, SIG_LEN);
	p = pub_of(k);
	assert_int_equal(sig_verify(p, "", "r", 1, want), 0);
	assert_int_equal(sig_verify(p, "r", "", 0, want), 0);
	assert_int_equal(sig_verify(p, "", "s", 1, want), -1);
	sig_pub_free(p);
	sig_key_free(k);
}

/* Signing prefix P and message M is signing the bytes P || M. */
static void
test_prefix_concatenation(void **state)
{
	struct sig_key	*k = sig_key_generate();
	struct sig_pub	*p;
	uint8_t		 a[SIG_LEN], b[SIG_LEN], c[SIG_LEN];

	(void)state;
	assert_non_null(k);
	p = pub_of(k);
	assert_int_equal(sig_sign(k, PREFIX, "{\"v\":1}", 7, a), 0);
	assert_int_equal(sig_sign(k, "", PREFIX "{\"v\":1}",
	    strlen(PREFIX) + 7, b), 0);
	assert_memory_equal(a, b, SIG_LEN);
	assert_int_equal(sig_verify(p, "", PREFIX "{\"v\":1}",
	    strlen(PREFIX) + 7, a), 0);
	/* Deterministic: the same input signs the same. */
	assert_int_equal(sig_sign(k, PREFIX, "{\"v\":1}", 7, c), 0);
	assert_memory_equal(a, c, SIG_LEN);
	sig_pub_free(p);
	sig_key_free(k);
}

static void
test_round_trip_and_forgeries(void **state)
{
	struct sig_key	*k = sig_key_generate();
	struct sig_key	*other = sig_key_generate();
	struct sig_pub	*p, *po;
	uint8_t		 sig[SIG_LEN], osig[SIG_LEN];
	char		 msg[] = "{\"dossier\":\"5b1f2c3d\",\"v\":1}";
	size_t		 mlen = strlen(msg), i;
	int		 bit;

	(void)state;
	assert_non_null(k);
	assert_non_null(other);
	p = pub_of(k);
	po = pub_of(other);
	assert_int_equal(sig_sign(k, PREFIX, msg, mlen, sig), 0);
	assert_int_equal(sig_verify(p, PREFIX, msg, mlen, sig), 0);
	/* Every byte of the message matters. */
	for (i = 0; i < mlen; i++) {
		msg[i] ^= 0x01;
		if (sig_verify(p, PREFIX, msg, mlen, sig) != -1)
			fail_msg("verified with message byte %zu flipped", i);
		msg[i] ^= 0x01;
	}
	assert_int_equal(sig_verify(p, PREFIX, msg, mlen - 1, sig), -1);
	assert_int_equal(sig_verify(p, PREFIX, msg, mlen + 1, sig), -1);
	/* Every bit of the signature matters. */
	for (i = 0; i < SIG_LEN; i++)
		for (bit = 0; bit < 8; bit++) {
			sig[i] ^= (uint8_t)(1 << bit);
			if (sig_verify(p, PREFIX, msg, mlen, sig) != -1)
				fail_msg("verified with bit %d of byte %zu "
				    "flipped", bit, i);
			sig[i] ^= (uint8_t)(1 << bit);
		}
	assert_int_equal(sig_verify(p, PREFIX, msg, mlen, sig), 0);
	/* Another prefix: a change's signature is not a card's. */
	assert_int_equal(sig_verify(p, "opora-card-v1\n", msg, mlen, sig), -1);
	assert_int_equal(sig_verify(p, "", msg, mlen, sig), -1);
	assert_int_equal(sig_verify(p, "opora-change-v1", msg, mlen, sig), -1);
	assert_int_equal(sig_verify(p, "opora-change-v2\n", msg, mlen, sig),
	    -1);
	/* The wrong key, both ways round. */
	assert_int_equal(sig_verify(po, PREFIX, msg, mlen, sig), -1);
	assert_int_equal(sig_sign(other, PREFIX, msg, mlen, osig), 0);
	assert_int_equal(sig_verify(po, PREFIX, msg, mlen, osig), 0);
	assert_int_equal(sig_verify(p, PREFIX, msg, mlen, osig), -1);
	assert_memory_not_equal(sig, osig, SIG_LEN);
	/* All zeros is nobody's signature. */
	memset(osig, 0, sizeof(osig));
	assert_int_equal(sig_verify(p, PREFIX, msg, mlen, osig), -1);
	sig_pub_free(p);
	sig_pub_free(po);
	sig_key_free(k);
	sig_key_free(other);
}

static void
test_long_message(void **state)
{
	struct sig_key	*k = sig_key_generate();
	struct sig_pub	*p;
	uint8_t		 sig[SIG_LEN];
	size_t		 n = 1 << 20;
	char		*m = malloc(n);

	(void)state;
	assert_non_null(k);
	assert_non_null(m);
	memset(m, 'x', n);
	p = pub_of(k);
	assert_int_equal(sig_sign(k, PREFIX, m, n, sig), 0);
	assert_int_equal(sig_verify(p, PREFIX, m, n, sig), 0);
	m[n - 1] = 'y';
	assert_int_equal(sig_verify(p, PREFIX, m, n, sig), -1);
	free(m);
	sig_pub_free(p);
	sig_key_free(k);
}

static void
test_generate_distinct(void **state)
{
	struct sig_key	*a = sig_key_generate(), *b = sig_key_generate();
	uint8_t		 pa[SIG_PUB_LEN], pb[SIG_PUB_LEN];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	sig_key_public(a, pa);
	sig_key_public(b, pb);
	assert_memory_not_equal(pa, pb, SIG_PUB_LEN);
	sig_key_free(a);
	sig_key_free(b);
}

static void
test_key_id(void **state)
{
	uint8_t		 pub[SIG_PUB_LEN], md[SHA256_DIGEST_LENGTH];
	char		 id[SIG_KEYID_LEN + 1], want[SIG_KEYID_LEN + 1];
	struct sig_key	*k;
	int		 i, round;

	(void)state;
	/* Of RFC 8032's first public key (SHA-256 computed elsewhere). */
	unhex(T1_PUBLIC, pub, sizeof(pub));
	memset(id, 'Z', sizeof(id));
	sig_key_id(pub, id);
	assert_string_equal(id, "21fe31dfa154a261");
	unhex(T2_PUBLIC, pub, sizeof(pub));
	sig_key_id(pub, id);
	assert_string_equal(id, "39f713d0a644253f");
	/* Of fresh keys: the first 8 bytes of SHA-256, lowercase hex. */
	for (round = 0; round < 8; round++) {
		k = sig_key_generate();
		assert_non_null(k);
		sig_key_public(k, pub);
		SHA256(pub, sizeof(pub), md);
		for (i = 0; i < 8; i++)
			snprintf(want + 2 * i, 3, "%02x", md[i]);
		sig_key_id(pub, id);
		assert_int_equal(strlen(id), SIG_KEYID_LEN);
		assert_int_equal(strspn(id, "0123456789abcdef"),
		    SIG_KEYID_LEN);
		assert_string_equal(id, want);
		sig_key_free(k);
	}
}

static void
test_hex_decode(void **state)
{
	uint8_t	 out[4];

	(void)state;
	memset(out, 0, sizeof(out));
	assert_int_equal(sig_hex_decode("00ff7fA0", 8, out, 4), 0);
	assert_memory_equal(out, "\x00\xff\x7f\xa0", 4);
	assert_int_equal(sig_hex_decode("DEADbeef", 8, out, 4), 0);
	assert_memory_equal(out, "\xde\xad\xbe\xef", 4);
	/* Exactly 2 * outlen digits. */
	assert_int_equal(sig_hex_decode("deadbee", 7, out, 4), -1);
	assert_int_equal(sig_hex_decode("deadbeef00", 10, out, 4), -1);
	assert_int_equal(sig_hex_decode("deadbeef", 8, out, 3), -1);
	assert_int_equal(sig_hex_decode("deadbeef", 6, out, 3), 0);
	assert_memory_equal(out, "\xde\xad\xbe", 3);
	/* Only hex digits. */
	assert_int_equal(sig_hex_decode("deadbeeg", 8, out, 4), -1);
	assert_int_equal(sig_hex_decode("0x000000", 8, out, 4), -1);
	assert_int_equal(sig_hex_decode(" 0000000", 8, out, 4), -1);
	assert_int_equal(sig_hex_decode("0000000\0", 8, out, 4), -1);
	assert_int_equal(sig_hex_decode("", 0, out, 0), 0);
}

/* A temporary directory and paths inside it. */
struct tmpdir {
	char	 dir[64];
	char	 path[4][128];
};

static void
tmpdir_make(struct tmpdir *t)
{
	char	 dir[sizeof(t->dir)] = "/tmp/opora-sig.XXXXXX";
	int	 i;

	assert_non_null(mkdtemp(dir));
	memcpy(t->dir, dir, sizeof(dir));
	for (i = 0; i < 4; i++)
		snprintf(t->path[i], sizeof(t->path[i]), "%s/f%d", dir, i);
}

static void
tmpdir_remove(struct tmpdir *t)
{
	int	 i;

	for (i = 0; i < 4; i++)
		unlink(t->path[i]);
	assert_int_equal(rmdir(t->dir), 0);
}

static void
write_file(const char *path, const char *text, size_t n)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	/* A key file's own mode, so that a refusal is about its content. */
	assert_int_equal(chmod(path, 0600), 0);
}

/* The whole file at path, NUL-terminated, in a static buffer. */
static const char *
read_file(const char *path, size_t *lenp)
{
	static char	 text[8192];
	FILE		*f = fopen(path, "r");
	size_t		 n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	*lenp = n;
	return (text);
}

static void
test_key_save_load(void **state)
{
	struct tmpdir	 t;
	struct sig_key	*k, *l;
	struct sig_pub	*p;
	struct stat	 sb;
	uint8_t		 a[SIG_PUB_LEN], b[SIG_PUB_LEN], sa[SIG_LEN],
			 sb2[SIG_LEN];
	char		 before[8192];
	const char	*text;
	size_t		 n, m;
	mode_t		 old;

	(void)state;
	tmpdir_make(&t);
	k = sig_key_generate();
	assert_non_null(k);
	/* Mode 0600 even when the umask would allow more. */
	old = umask(0);
	assert_int_equal(sig_key_save(k, t.path[0]), 0);
	umask(old);
	assert_int_equal(stat(t.path[0], &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	text = read_file(t.path[0], &n);
	assert_non_null(strstr(text, "-----BEGIN PRIVATE KEY-----"));
	memcpy(before, text, n + 1);
	/* Never replaces a file, not even with the same key. */
	assert_int_equal(sig_key_save(k, t.path[0]), -1);
	text = read_file(t.path[0], &m);
	assert_int_equal(m, n);
	assert_memory_equal(text, before, n);
	/* Nor any other file, which stays as it was. */
	write_file(t.path[1], "precious\n", 9);
	assert_int_equal(sig_key_save(k, t.path[1]), -1);
	text = read_file(t.path[1], &m);
	assert_string_equal(text, "precious\n");
	/* Loading gives the same key: same public key, same signatures. */
	l = sig_key_load(t.path[0]);
	assert_non_null(l);
	sig_key_public(k, a);
	sig_key_public(l, b);
	assert_memory_equal(a, b, SIG_PUB_LEN);
	assert_int_equal(sig_sign(k, PREFIX, "m", 1, sa), 0);
	assert_int_equal(sig_sign(l, PREFIX, "m", 1, sb2), 0);
	assert_memory_equal(sa, sb2, SIG_LEN);
	p = sig_pub_new(a);
	assert_non_null(p);
	assert_int_equal(sig_verify(p, PREFIX, "m", 1, sb2), 0);
	sig_pub_free(p);
	/* A saved RFC 8032 key loads as that key. */
	sig_key_free(l);
	l = vector_key(T1_SECRET, T1_PUBLIC);
	assert_int_equal(sig_key_save(l, t.path[2]), 0);
	sig_key_free(l);
	l = sig_key_load(t.path[2]);
	assert_non_null(l);
	sig_key_public(l, b);
	unhex(T1_PUBLIC, a, sizeof(a));
	assert_memory_equal(a, b, SIG_PUB_LEN);
	sig_key_free(l);
	/* A directory that does not exist. */
	{
		char	 bad[160];

		snprintf(bad, sizeof(bad), "%s/no/such/dir/key", t.dir);
		assert_int_equal(sig_key_save(k, bad), -1);
	}
	sig_key_free(k);
	tmpdir_remove(&t);
}

/* Write key as a PEM private key file (PKCS#8) with OpenSSL directly. */
static void
write_pem_key(const char *path, EVP_PKEY *key, int private)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	if (private)
		assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0,
		    NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_PUBKEY(f, key), 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
}

static void
test_key_load_refusals(void **state)
{
	struct tmpdir	 t;
	EVP_PKEY	*x, *ec;
	struct sig_key	*k;
	const char	*text;
	char		 half[8192];
	size_t		 n;

	(void)state;
	tmpdir_make(&t);
	/* Missing. */
	assert_null(sig_key_load(t.path[0]));
	assert_null(sig_key_load("/nonexistent/opora/signing.key"));
	/* Empty, garbage, a directory. */
	write_file(t.path[0], "", 0);
	assert_null(sig_key_load(t.path[0]));
	write_file(t.path[0], "not a key\n", strlen("not a key\n"));
	assert_null(sig_key_load(t.path[0]));
	text = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	write_file(t.path[0], text, strlen(text));
	assert_null(sig_key_load(t.path[0]));
	assert_null(sig_key_load(t.dir));
	/* A truncated key file. */
	k = sig_key_generate();
	assert_non_null(k);
	assert_int_equal(sig_key_save(k, t.path[1]), 0);
	sig_key_free(k);
	text = read_file(t.path[1], &n);
	memcpy(half, text, n / 2);
	write_file(t.path[2], half, n / 2);
	assert_null(sig_key_load(t.path[2]));
	/* Keys that are not Ed25519: X25519 (also 32 bytes) and P-256. */
	x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	assert_non_null(x);
	unlink(t.path[0]);
	write_pem_key(t.path[0], x, 1);
	assert_null(sig_key_load(t.path[0]));
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(ec);
	unlink(t.path[0]);
	write_pem_key(t.path[0], ec, 1);
	assert_null(sig_key_load(t.path[0]));
	EVP_PKEY_free(x);
	EVP_PKEY_free(ec);
	/* An Ed25519 public key is not a private key. */
	x = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(x);
	unlink(t.path[0]);
	write_pem_key(t.path[0], x, 0);
	assert_null(sig_key_load(t.path[0]));
	/* Whereas the private key written by OpenSSL itself loads. */
	unlink(t.path[3]);
	write_pem_key(t.path[3], x, 1);
	k = sig_key_load(t.path[3]);
	assert_non_null(k);
	{
		uint8_t	 a[SIG_PUB_LEN], b[SIG_PUB_LEN];
		size_t	 len = sizeof(b);

		sig_key_public(k, a);
		assert_int_equal(EVP_PKEY_get_raw_public_key(x, b, &len), 1);
		assert_memory_equal(a, b, SIG_PUB_LEN);
	}
	sig_key_free(k);
	EVP_PKEY_free(x);
	tmpdir_remove(&t);
}

/* Whether OpenSSL alone reads the file at path as an Ed25519 private key;
 * its public key in pub when it does. */
static int
openssl_reads(const char *path, uint8_t pub[SIG_PUB_LEN])
{
	FILE		*f = fopen(path, "r");
	EVP_PKEY	*x;
	size_t		 len = SIG_PUB_LEN;
	int		 ok;

	assert_non_null(f);
	x = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ok = x != NULL && EVP_PKEY_get_id(x) == EVP_PKEY_ED25519 &&
	    EVP_PKEY_get_raw_public_key(x, pub, &len) == 1 && len == SIG_PUB_LEN;
	EVP_PKEY_free(x);
	return (ok);
}

/*
 * sig_key_load reads the form OpenSSL writes without OpenSSL; what it
 * reads must be what OpenSSL's decoders read, from that form and from
 * every file near it: the same key, or a refusal by both.  Mutants: a
 * byte changed (to one that matters to a PEM or base64 reader), inserted
 * or removed, line ends as CR LF, a line more at the end.
 */
static void
test_key_load_agrees_with_openssl(void **state)
{
	static const char	 alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=-\n\r \t_";
	struct tmpdir	 t;
	struct sig_key	*k, *l;
	EVP_PKEY	*x;
	char		 text[8192], m[8192];
	const char	*saved;
	uint8_t		 seed[32], a[SIG_PUB_LEN], b[SIG_PUB_LEN],
			 sa[SIG_LEN], sb[SIG_LEN];
	size_t		 n, mn, i, at;
	int		 round, kind, accepted = 0, refused = 0;

	(void)state;
	tmpdir_make(&t);
	for (round = 0; round < 400; round++) {
		randombytes_buf(seed, sizeof(seed));
		x = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
		    sizeof(seed));
		assert_non_null(x);
		unlink(t.path[0]);
		write_pem_key(t.path[0], x, 1);
		EVP_PKEY_free(x);
		saved = read_file(t.path[0], &n);
		memcpy(text, saved, n);
		kind = round < 40 ? 0 : (int)randombytes_uniform(6);
		mn = n;
		memcpy(m, text, n);
		at = (size_t)randombytes_uniform((uint32_t)n);
		switch (kind) {
		case 1:		/* a byte changed */
			m[at] = alphabet[randombytes_uniform(
			    sizeof(alphabet) - 1)];
			break;
		case 2:		/* a byte inserted */
			memmove(m + at + 1, m + at, n - at);
			m[at] = alphabet[randombytes_uniform(
			    sizeof(alphabet) - 1)];
			mn = n + 1;
			break;
		case 3:		/* a byte removed */
			memmove(m + at, m + at + 1, n - at - 1);
			mn = n - 1;
			break;
		case 4:		/* CR LF */
			for (i = 0, mn = 0; i < n; i++) {
				if (text[i] == '\n')
					m[mn++] = '\r';
				m[mn++] = text[i];
			}
			break;
		case 5:		/* a line more */
			m[mn++] = '\n';
			break;
		}
		unlink(t.path[1]);
		write_file(t.path[1], m, mn);
		k = sig_key_load(t.path[1]);
		if (!openssl_reads(t.path[1], b)) {
			if (k != NULL)
				fail_msg("round %d (mutant %d): read a key "
				    "OpenSSL refuses", round, kind);
			refused++;
			continue;
		}
		if (k == NULL)
			fail_msg("round %d (mutant %d): refused a key OpenSSL "
			    "reads", round, kind);
		accepted++;
		sig_key_public(k, a);
		assert_memory_equal(a, b, SIG_PUB_LEN);
		if (kind == 0) {
			/* The seed itself, so that the key signs as it. */
			l = sig_key_from_seed(seed);
			assert_non_null(l);
			assert_int_equal(sig_sign(k, PREFIX, "m", 1, sa), 0);
			assert_int_equal(sig_sign(l, PREFIX, "m", 1, sb), 0);
			assert_memory_equal(sa, sb, SIG_LEN);
			sig_key_free(l);
			/* Saved again, it is the same file. */
			unlink(t.path[2]);
			assert_int_equal(sig_key_save(k, t.path[2]), 0);
			saved = read_file(t.path[2], &mn);
			assert_int_equal(mn, n);
			assert_memory_equal(saved, text, n);
		}
		sig_key_free(k);
	}
	/* Both kinds of answer were asked. */
	assert_true(accepted >= 40);
	assert_true(refused > 0);
	tmpdir_remove(&t);
}

static void
test_pub_new(void **state)
{
	uint8_t		 pub[SIG_PUB_LEN], sig[SIG_LEN];
	struct sig_key	*k;
	struct sig_pub	*p, *q;

	(void)state;
	/* From raw bytes: two verifiers of one key agree. */
	k = vector_key(T1_SECRET, T1_PUBLIC);
	unhex(T1_PUBLIC, pub, sizeof(pub));
	p = sig_pub_new(pub);
	q = sig_pub_new(pub);
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal(sig_sign(k, PREFIX, "abc", 3, sig), 0);
	assert_int_equal(sig_verify(p, PREFIX, "abc", 3, sig), 0);
	assert_int_equal(sig_verify(q, PREFIX, "abc", 3, sig), 0);
	sig_pub_free(p);
	sig_pub_free(q);
	/* The verifier does not borrow the bytes it was made from. */
	p = sig_pub_new(pub);
	assert_non_null(p);
	memset(pub, 0, sizeof(pub));
	assert_int_equal(sig_verify(p, PREFIX, "abc", 3, sig), 0);
	sig_pub_free(p);
	/*
	 * Bytes that are not a curve point (y = 2 has no x) verify
	 * nothing, whether or not sig_pub_new refuses them (see the known
	 * bugs below).
	 */
	memset(pub, 0, sizeof(pub));
	pub[0] = 2;
	p = sig_pub_new(pub);
	if (p != NULL) {
		assert_int_equal(sig_verify(p, PREFIX, "abc", 3, sig), -1);
		memset(sig, 0, sizeof(sig));
		assert_int_equal(sig_verify(p, "", "", 0, sig), -1);
	}
	sig_pub_free(p);
	sig_key_free(k);
}

static void
test_free_null(void **state)
{
	(void)state;
	sig_key_free(NULL);
	sig_pub_free(NULL);
}

/*
 * sig.h: sig_pub_new returns "NULL if pub is not a valid Ed25519 point".
 * sig.c hands the bytes to EVP_PKEY_new_raw_public_key, which does not
 * decode the point, so 0200..00 (y = 2, not on the curve) is accepted;
 * only verification fails later.
 */
static void
test_bug_pub_new_accepts_non_point(void **state)
{
	uint8_t		 pub[SIG_PUB_LEN], sig[SIG_LEN];
	struct sig_pub	*p;

	/* OpenSSL checks the point only when verifying (sig.h): a key that
	 * is not a curve point must verify nothing. */
	(void)state;
	memset(pub, 0, sizeof(pub));
	pub[0] = 2;
	memset(sig, 0, sizeof(sig));
	p = sig_pub_new(pub);
	if (p != NULL)
		assert_int_equal(sig_verify(p, "", "x", 1, sig), -1);
	sig_pub_free(p);
}

/* OpenSSL's own verdict on sig over prefix||msg by pub: 1 valid, 0 not. */
static int
openssl_verdict(const uint8_t pub[SIG_PUB_LEN], const char *prefix,
    const void *msg, size_t mlen, const uint8_t sig[SIG_LEN])
{
	EVP_PKEY	*pk;
	EVP_MD_CTX	*ctx;
	uint8_t		 m[512];
	size_t		 plen = strlen(prefix);
	int		 ok;

	assert_true(plen + mlen <= sizeof(m));
	memcpy(m, prefix, plen);
	memcpy(m + plen, msg, mlen);
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    SIG_PUB_LEN);
	assert_non_null(pk);
	ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk), 1);
	ok = EVP_DigestVerify(ctx, sig, SIG_LEN, m, plen + mlen) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return (ok);
}

/* The group order L, little-endian, for a non-canonical S = S + L. */
static const uint8_t ORDER_L[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
	0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10
};

/* s += L over 32 bytes; 0 when it did not overflow 256 bits. */
static int
add_order(uint8_t s[32])
{
	unsigned	 carry = 0, i, t;

	for (i = 0; i < 32; i++) {
		t = s[i] + ORDER_L[i] + carry;
		s[i] = (uint8_t)t;
		carry = t >> 8;
	}
	return ((int)carry);
}

/*
 * Property: sig_check's verdict is OpenSSL's, for signatures that are
 * sound, altered in one bit of R or S, given a non-canonical S (S + L),
 * over an altered message, or by another key.  A failure names the case.
 */
static void
test_verdict_is_openssl(void **state)
{
	struct sig_key	*k, *other;
	struct sig_pub	*p;
	uint8_t		 pub[SIG_PUB_LEN], opub[SIG_PUB_LEN], sig[SIG_LEN],
			 bad[SIG_LEN], msg[200];
	size_t		 mlen;
	int		 round, kind, want, got;

	(void)state;
	other = sig_key_generate();
	assert_non_null(other);
	sig_key_public(other, opub);
	for (round = 0; round < 200; round++) {
		k = sig_key_generate();
		assert_non_null(k);
		sig_key_public(k, pub);
		p = sig_pub_new(pub);
		assert_non_null(p);
		mlen = 1 + (size_t)randombytes_uniform(sizeof(msg) - 1);
		randombytes_buf(msg, mlen);
		assert_int_equal(sig_sign(k, PREFIX, msg, mlen, sig), 0);
		for (kind = 0; kind < 5; kind++) {
			memcpy(bad, sig, SIG_LEN);
			switch (kind) {
			case 1:		/* a bit of R or S */
				bad[randombytes_uniform(SIG_LEN)] ^=
				    (uint8_t)(1 << randombytes_uniform(8));
				break;
			case 2:		/* S + L, the same scalar mod L */
				if (add_order(bad + 32) != 0)
					continue;
				break;
			case 3:		/* a byte of the message */
				msg[randombytes_uniform((uint32_t)mlen)] ^= 0x20;
				break;
			default:
				break;
			}
			if (kind == 4) {
				sig_pub_free(p);
				p = sig_pub_new(opub);
				assert_non_null(p);
			}
			want = openssl_verdict(kind == 4 ? opub : pub, PREFIX,
			    msg, mlen, bad) ? 0 : -1;
			got = sig_check(p, PREFIX, msg, mlen, bad);
			if (got != want)
				fail_msg("round %d, case %d: sig_check says %d, "
				    "OpenSSL %d", round, kind, got, want);
			if (kind == 0)
				assert_int_equal(got, 0);
			if (kind == 3)
				assert_int_equal(sig_sign(k, PREFIX, msg, mlen,
				    sig), 0);
		}
		sig_pub_free(p);
		sig_key_free(k);
	}
	sig_key_free(other);
}

/*
 * A signature whose R is the identity point (01 00..00), made by the key's
 * holder (sig_sign_identity_r: S = k * a, so [S]B - [k]A is the identity
 * and its encoding is R).  OpenSSL accepts it; libsodium refuses R of small
 * order.  The protocol follows OpenSSL (docs/protocol.md, section 1), so
 * sig_check must accept it: the second opinion is asked whenever libsodium
 * says no.
 */
static void
test_identity_r_only_openssl_accepts(void **state)
{
	uint8_t		 seed[32], pub[SIG_PUB_LEN], sig[SIG_LEN], m[64];
	const char	 msg[] = "{\"v\":1}";
	size_t		 plen = strlen(PREFIX), mlen = strlen(msg);
	struct sig_key	*k;
	struct sig_pub	*p;

	(void)state;
	assert_true(sodium_init() >= 0);
	unhex(T1_SECRET, seed, sizeof(seed));
	k = sig_key_from_seed(seed);
	assert_non_null(k);
	sig_key_public(k, pub);
	assert_int_equal(sig_sign_identity_r(seed, PREFIX, msg, mlen, sig), 0);
	assert_int_equal(sig[0], 1);
	memcpy(m, PREFIX, plen);
	memcpy(m + plen, msg, mlen);
	assert_int_equal(openssl_verdict(pub, PREFIX, msg, mlen, sig), 1);
	assert_int_not_equal(crypto_sign_verify_detached(sig, m, plen + mlen,
	    pub), 0);
	p = sig_pub_new(pub);
	assert_non_null(p);
	assert_int_equal(sig_check(p, PREFIX, msg, mlen, sig), 0);
	/* And it is still bound to its message. */
	assert_int_equal(sig_check(p, PREFIX, "{\"v\":2}", mlen, sig), -1);
	sig_pub_free(p);
	sig_key_free(k);
}

/* sig_sign (libsodium) gives OpenSSL's bytes: Ed25519 is deterministic. */
static void
test_sign_is_openssl(void **state)
{
	uint8_t		 seed[32], msg[300], sig[SIG_LEN], want[SIG_LEN],
			 m[sizeof(PREFIX) - 1 + sizeof(msg)];
	size_t		 mlen, slen;
	struct sig_key	*k;
	EVP_PKEY	*pk;
	EVP_MD_CTX	*ctx;
	int		 round;

	(void)state;
	for (round = 0; round < 100; round++) {
		randombytes_buf(seed, sizeof(seed));
		mlen = (size_t)randombytes_uniform(sizeof(msg));
		randombytes_buf(msg, mlen);
		k = sig_key_from_seed(seed);
		assert_non_null(k);
		assert_int_equal(sig_sign(k, PREFIX, msg, mlen, sig), 0);
		memcpy(m, PREFIX, sizeof(PREFIX) - 1);
		memcpy(m + sizeof(PREFIX) - 1, msg, mlen);
		pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
		    sizeof(seed));
		assert_non_null(pk);
		ctx = EVP_MD_CTX_new();
		assert_non_null(ctx);
		slen = sizeof(want);
		assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk),
		    1);
		assert_int_equal(EVP_DigestSign(ctx, want, &slen, m,
		    sizeof(PREFIX) - 1 + mlen), 1);
		if (memcmp(sig, want, SIG_LEN) != 0)
			fail_msg("round %d: sig_sign and OpenSSL differ", round);
		EVP_MD_CTX_free(ctx);
		EVP_PKEY_free(pk);
		sig_key_free(k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vector_1),
		cmocka_unit_test(test_rfc8032_vector_2),
		cmocka_unit_test(test_prefix_concatenation),
		cmocka_unit_test(test_round_trip_and_forgeries),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_generate_distinct),
		cmocka_unit_test(test_key_id),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_key_save_load),
		cmocka_unit_test(test_key_load_refusals),
		cmocka_unit_test(test_key_load_agrees_with_openssl),
		cmocka_unit_test(test_pub_new),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_bug_pub_new_accepts_non_point),
		cmocka_unit_test(test_verdict_is_openssl),
		cmocka_unit_test(test_identity_r_only_openssl_accepts),
		cmocka_unit_test(test_sign_is_openssl),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
