/*
 * protocol/sig.c: Ed25519 keys and signatures.  OpenSSL EVP reads, writes
 * and makes keys; libsodium signs and verifies first, being faster, and
 * OpenSSL decides what libsodium refuses.  See sig.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sodium.h>

#include "protocol/digest.h"
#include "protocol/log.h"
#include "protocol/pemfile.h"
#include "protocol/sig.h"

struct sig_key {
	EVP_PKEY	*pkey;		/* NULL when libsodium signs and the
					   key was read without OpenSSL */
	uint8_t		 pub[SIG_PUB_LEN];
	uint8_t		 sk[crypto_sign_SECRETKEYBYTES];	/* libsodium's
						   form: seed and public key */
	bool		 sodium;	/* libsodium signs, from sk */
};

struct sig_pub {
	EVP_PKEY	*pkey;
	uint8_t		 raw[SIG_PUB_LEN];
	bool		 sodium;	/* libsodium is ready to verify first */
};

/*
 * The key in libsodium's form too, which signs in about 60% of OpenSSL's
 * time.  Ed25519 signatures are deterministic (RFC 8032), so both give the
 * same bytes; test_sig checks it.  Without libsodium, OpenSSL signs.
 */
static void
sig_key_sodium(struct sig_key *k)
{
	uint8_t		 seed[32], pk[crypto_sign_PUBLICKEYBYTES];
	size_t		 slen = sizeof(seed);

	if (sodium_init() < 0 ||
	    EVP_PKEY_get_raw_private_key(k->pkey, seed, &slen) != 1 ||
	    slen != sizeof(seed) ||
	    crypto_sign_seed_keypair(pk, k->sk, seed) != 0 ||
	    memcmp(pk, k->pub, sizeof(pk)) != 0) {
		ERR_clear_error();
		sodium_memzero(k->sk, sizeof(k->sk));
	} else
		k->sodium = true;
	sodium_memzero(seed, sizeof(seed));
}

static struct sig_key *
sig_key_wrap(EVP_PKEY *pkey)
{
	struct sig_key	*k;
	size_t		 len = SIG_PUB_LEN;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return (NULL);
	}
	k->pkey = pkey;
	if (EVP_PKEY_get_raw_public_key(pkey, k->pub, &len) != 1 ||
	    len != SIG_PUB_LEN) {
		log_ssl("Ed25519 public key");
		sig_key_free(k);
		return (NULL);
	}
	sig_key_sodium(k);
	return (k);
}

struct sig_key *
sig_key_generate(void)
{
	EVP_PKEY	*pkey;

	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
		log_ssl("generate Ed25519 key");
		return (NULL);
	}
	return (sig_key_wrap(pkey));
}

struct sig_key *
sig_key_from_seed(const uint8_t seed[32])
{
	EVP_PKEY	*pkey;

	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	if (pkey == NULL) {
		log_ssl("Ed25519 key from seed");
		return (NULL);
	}
	return (sig_key_wrap(pkey));
}

/*
 * The PEM file OpenSSL writes for an Ed25519 key (RFC 8410, section 7):
 * a PKCS#8 structure of 48 bytes, the last 32 of them the seed, in one
 * line of base64.  Every key opora saves has this form.
 */
static const char	 pem_begin[] = "-----BEGIN PRIVATE KEY-----\n";
static const char	 pem_end[] = "\n-----END PRIVATE KEY-----\n";
static const uint8_t	 pkcs8_ed25519[16] = {
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
};
#define PEM_B64_LEN	64
#define PEM_FILE_LEN	(sizeof(pem_begin) - 1 + PEM_B64_LEN + \
			 sizeof(pem_end) - 1)

/*
 * sig_key_plain(text, len): the key in text when text is exactly that
 * file, read with libsodium alone; NULL when it is not (the caller then
 * reads it with OpenSSL's decoders, which understand every other form)
 * or when libsodium cannot start.  Reading the plain form this way spares
 * each command that loads the key the start of OpenSSL's decoders, about
 * 1.5 ms (docs/performance.md); test_sig checks that both readers give
 * the same key from every file this one accepts.
 */
static struct sig_key *
sig_key_plain(const char *text, size_t len)
{
	struct sig_key	*k;
	uint8_t		 der[sizeof(pkcs8_ed25519) + 32];
	size_t		 dlen = 0;
	const char	*b64 = text + sizeof(pem_begin) - 1;
	int		 ok;

	if (len != PEM_FILE_LEN ||
	    memcmp(text, pem_begin, sizeof(pem_begin) - 1) != 0 ||
	    memcmp(b64 + PEM_B64_LEN, pem_end, sizeof(pem_end) - 1) != 0 ||
	    sodium_init() < 0)
		return (NULL);
	ok = sodium_base642bin(der, sizeof(der), b64, PEM_B64_LEN, NULL,
	    &dlen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    dlen == sizeof(der) &&
	    memcmp(der, pkcs8_ed25519, sizeof(pkcs8_ed25519)) == 0;
	if (ok && (k = calloc(1, sizeof(*k))) != NULL) {
		if (crypto_sign_seed_keypair(k->pub, k->sk,
		    der + sizeof(pkcs8_ed25519)) == 0)
			k->sodium = true;
		else {
			sig_key_free(k);
			k = NULL;
		}
	} else
		k = NULL;
	sodium_memzero(der, sizeof(der));
	return (k);
}

struct sig_key *
sig_key_load(const char *path)
{
	FILE		*f;
	EVP_PKEY	*pkey;
	struct sig_key	*k;
	char		 text[PEM_FILE_LEN + 1];
	size_t		 n;

	if ((f = pemfile_open_private(path, "signing key")) == NULL)
		return (NULL);
	n = fread(text, 1, sizeof(text), f);
	k = sig_key_plain(text, n);
	sodium_memzero(text, sizeof(text));
	if (k != NULL) {
		fclose(f);
		return (k);
	}
	rewind(f);
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL) {
		log_ssl("signing key %s is not a PEM private key", path);
		return (NULL);
	}
	if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
		log_warnx("signing key %s is not an Ed25519 key", path);
		EVP_PKEY_free(pkey);
		return (NULL);
	}
	return (sig_key_wrap(pkey));
}

int
sig_key_save(const struct sig_key *k, const char *path)
{
	EVP_PKEY	*pkey = k->pkey;
	int		 rc;

	if (pkey == NULL && (pkey = EVP_PKEY_new_raw_private_key(
	    EVP_PKEY_ED25519, NULL, k->sk, 32)) == NULL) {
		log_ssl("signing key %s", path);
		return (-1);
	}
	rc = pemfile_write(path, 0600, pkey, NULL);
	if (pkey != k->pkey)
		EVP_PKEY_free(pkey);
	return (rc);
}

void
sig_key_free(struct sig_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);		/* OpenSSL wipes the secret */
	sodium_memzero(k->sk, sizeof(k->sk));
	free(k);
}

void
sig_key_public(const struct sig_key *k, uint8_t pub[SIG_PUB_LEN])
{
	memcpy(pub, k->pub, SIG_PUB_LEN);
}

void
sig_key_id(const uint8_t pub[SIG_PUB_LEN], char out[SIG_KEYID_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 md[SHA256_DIGEST_LENGTH];
	int			 i;

	digest_sha256(pub, SIG_PUB_LEN, md);
	for (i = 0; i < SIG_KEYID_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[SIG_KEYID_LEN] = '\0';
}

/* Concatenate prefix and message: Ed25519 signs one whole message. */
static uint8_t *
sig_message(const char *prefix, const void *msg, size_t mlen, size_t *lenp)
{
	size_t	 plen = strlen(prefix);
	uint8_t	*m;

	if (mlen > SIZE_MAX - plen - 1 || (m = malloc(plen + mlen + 1)) == NULL)
		return (NULL);
	memcpy(m, prefix, plen);
	if (mlen > 0)
		memcpy(m + plen, msg, mlen);
	*lenp = plen + mlen;
	return (m);
}

int
sig_sign(const struct sig_key *k, const char *prefix, const void *msg,
    size_t mlen, uint8_t sig[SIG_LEN])
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		*m;
	size_t		 len, slen = SIG_LEN;
	int		 rc = -1;

	if ((m = sig_message(prefix, msg, mlen, &len)) == NULL) {
		log_warnx("sign: out of memory");
		return (-1);
	}
	if (k->sodium) {
		rc = crypto_sign_detached(sig, NULL, m, len, k->sk) == 0 ? 0 :
		    -1;
		if (rc == -1)
			log_warnx("Ed25519 sign: libsodium failed");
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, m, len) != 1 || slen != SIG_LEN) {
		log_ssl("Ed25519 sign");
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(m);
	return (rc);
}

int
sig_sign_identity_r(const uint8_t seed[32], const char *prefix,
    const void *msg, size_t mlen, uint8_t sig[SIG_LEN])
{
	crypto_hash_sha512_state hs;
	uint8_t		 h[64], a[64], k[64], pk[crypto_sign_PUBLICKEYBYTES],
			 sk[crypto_sign_SECRETKEYBYTES];

	if (sodium_init() < 0 || crypto_sign_seed_keypair(pk, sk, seed) != 0)
		return (-1);
	/* a: the clamped first half of SHA-512(seed), reduced mod L. */
	crypto_hash_sha512(h, seed, 32);
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	memset(a, 0, sizeof(a));
	memcpy(a, h, 32);
	crypto_core_ed25519_scalar_reduce(a, a);
	memset(sig, 0, SIG_LEN);
	sig[0] = 1;
	crypto_hash_sha512_init(&hs);
	crypto_hash_sha512_update(&hs, sig, 32);
	crypto_hash_sha512_update(&hs, pk, sizeof(pk));
	crypto_hash_sha512_update(&hs, (const uint8_t *)prefix,
	    strlen(prefix));
	crypto_hash_sha512_update(&hs, msg, mlen);
	crypto_hash_sha512_final(&hs, k);
	crypto_core_ed25519_scalar_reduce(k, k);
	crypto_core_ed25519_scalar_mul(sig + 32, k, a);
	sodium_memzero(h, sizeof(h));
	sodium_memzero(a, sizeof(a));
	sodium_memzero(sk, sizeof(sk));
	return (0);
}

bool
sig_pub_sound(const uint8_t pub[SIG_PUB_LEN])
{
	return (sodium_init() >= 0 &&
	    crypto_core_ed25519_is_valid_point(pub) == 1);
}

struct sig_pub *
sig_pub_new(const uint8_t pub[SIG_PUB_LEN])
{
	struct sig_pub	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (NULL);
	memcpy(p->raw, pub, SIG_PUB_LEN);
	/* sodium_init is safe to call from several threads and again; when
	 * it fails, OpenSSL alone verifies. */
	p->sodium = sodium_init() >= 0;
	p->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    SIG_PUB_LEN);
	if (p->pkey == NULL) {
		ERR_clear_error();
		free(p);
		return (NULL);
	}
	return (p);
}

void
sig_pub_free(struct sig_pub *p)
{
	if (p == NULL)
		return;
	EVP_PKEY_free(p->pkey);
	free(p);
}

/* Whether OpenSSL's error queue (emptied) says memory ran out. */
static bool
ssl_nomem(void)
{
	unsigned long	 e;
	bool		 nomem = false;

	while ((e = ERR_get_error()) != 0)
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			nomem = true;
	return (nomem);
}

int
sig_check(const struct sig_pub *p, const char *prefix, const void *msg,
    size_t mlen, const uint8_t sig[SIG_LEN])
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		*m;
	size_t		 len;
	int		 rc = SIG_CANNOT_CHECK;

	ERR_clear_error();
	if ((m = sig_message(prefix, msg, mlen, &len)) == NULL)
		return (SIG_CANNOT_CHECK);
	/*
	 * libsodium verifies in about half OpenSSL's time, and what it accepts
	 * OpenSSL accepts: both test the same cofactorless equation (S < L,
	 * and the encoding of [S]B - [k]A equal to R's bytes), and libsodium
	 * also refuses a non-canonical or small-order key or R.  So its "valid"
	 * is final, and its "invalid" is put to OpenSSL, whose verdict the
	 * protocol follows (docs/protocol.md, section 1).  test_sig checks both
	 * directions, with a signature only OpenSSL accepts.
	 */
	if (p->sodium && crypto_sign_verify_detached(sig, m, len, p->raw) == 0) {
		rc = 0;
		goto out;
	}
	/* Setting up with a key that was accepted can fail only for want
	 * of resources. */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, p->pkey) != 1)
		goto out;
	if (EVP_DigestVerify(ctx, sig, SIG_LEN, m, len) == 1)
		rc = 0;
	else
		rc = ssl_nomem() ? SIG_CANNOT_CHECK : -1;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	free(m);
	return (rc);
}

int
sig_verify(const struct sig_pub *p, const char *prefix, const void *msg,
    size_t mlen, const uint8_t sig[SIG_LEN])
{
	return (sig_check(p, prefix, msg, mlen, sig) == 0 ? 0 : -1);
}

int
sig_hex_decode(const char *s, size_t len, uint8_t *out, size_t outlen)
{
	size_t	 i;
	int	 hi, lo;

	if (len != outlen * 2)
		return (-1);
	for (i = 0; i < outlen; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
#define HEXVAL(c) ((c) >= '0' && (c) <= '9' ? (c) - '0' : \
    (c) >= 'a' && (c) <= 'f' ? (c) - 'a' + 10 : \
    (c) >= 'A' && (c) <= 'F' ? (c) - 'A' + 10 : -1)
		hi = HEXVAL(hi);
		lo = HEXVAL(lo);
#undef HEXVAL
		if (hi < 0 || lo < 0)
			return (-1);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (0);
}
