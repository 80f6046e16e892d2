/*
 * protocol/sig.h: Ed25519 keys and signatures (OpenSSL 3, EVP, which reads,
 * writes and makes keys; libsodium signs and verifies first, in about
 * half the time, and OpenSSL decides what libsodium refuses).
 *
 * A node signs every change it authors with its Ed25519 key.  What is signed
 * is a domain-separation prefix followed by the message bytes, so that a
 * signature over a change can never be replayed as a signature over another
 * kind of document (a node card, a statistics snapshot).  A key is named by
 * its key id: the first 8 bytes of SHA-256 of the 32-byte public key, as 16
 * lowercase hex digits.
 */
#ifndef OPORA_SIG_H
#define OPORA_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIG_PUB_LEN	32
#define SIG_LEN		64
#define SIG_KEYID_LEN	16		/* hex digits, without the NUL */

struct sig_key;				/* a private key; opaque */
struct sig_pub;				/* a public key ready to verify with */

/* sig_key_generate(): a fresh random key, or NULL (logged). */
struct sig_key	*sig_key_generate(void);

/* sig_key_from_seed(seed): the key whose RFC 8032 secret is seed, for test
 * vectors only.  Returns NULL on failure. */
struct sig_key	*sig_key_from_seed(const uint8_t seed[32]);

/* sig_sign_identity_r(seed, prefix, msg, mlen, sig): for test vectors
 * only: the signature by the key of seed whose R is the identity point
 * (01 00..00, of small order) and S = k * a mod L, k = SHA-512(R || A ||
 * prefix || msg) mod L, a the secret scalar.  It satisfies the equation of
 * docs/protocol.md section 1, so it verifies; libsodium alone refuses it.
 * Returns 0, or -1 when libsodium cannot start. */
int		 sig_sign_identity_r(const uint8_t seed[32], const char *prefix,
		    const void *msg, size_t mlen, uint8_t sig[SIG_LEN]);

/* sig_key_load(path): read a PEM (PKCS#8) Ed25519 private key from a file
 * that passes pemfile_open_private (not a symbolic link, owned by the user
 * running opora, mode 0600 or less).  Returns NULL and logs why when the
 * file is missing, unreadable, untrusted or not such a key.  The form
 * opora writes (48 bytes of PKCS#8 in one line of base64) is read without
 * OpenSSL's decoders, which take longer to start than the rest of a
 * command; any other form is read by them. */
struct sig_key	*sig_key_load(const char *path);

/* sig_key_save(k, path): write k as PEM to a new file of mode 0600; refuses
 * to replace an existing file.  Returns 0, or -1 (logged). */
int		 sig_key_save(const struct sig_key *k, const char *path);

/* sig_key_free(k): wipe and release; NULL is a no-op. */
void		 sig_key_free(struct sig_key *k);

/* sig_key_public(k, pub): the 32 raw bytes of k's public key. */
void		 sig_key_public(const struct sig_key *k, uint8_t pub[SIG_PUB_LEN]);

/* sig_key_id(pub, out): the key id of pub, 16 hex digits and a NUL. */
void		 sig_key_id(const uint8_t pub[SIG_PUB_LEN],
		    char out[SIG_KEYID_LEN + 1]);

/* sig_sign(k, prefix, msg, mlen, sig): sign prefix (a C string) followed
 * by mlen bytes at msg.  Returns 0, or -1 (logged). */
int		 sig_sign(const struct sig_key *k, const char *prefix,
		    const void *msg, size_t mlen, uint8_t sig[SIG_LEN]);

/* sig_pub_sound(pub): whether pub is the canonical encoding of a point of
 * the prime-order subgroup, not of small or mixed order
 * (crypto_core_ed25519_is_valid_point).  Every key made by a signer is.
 * Anyone can sign as a key that is not: for the identity point, R = [s]B
 * with S = s verifies every message (docs/protocol.md, "Node cards").
 * False also when libsodium cannot start: the caller refuses the key. */
bool		 sig_pub_sound(const uint8_t pub[SIG_PUB_LEN]);

/* sig_pub_new(pub): a verifier for the raw public key pub, or NULL when
 * OpenSSL refuses the bytes.  OpenSSL checks the point only when verifying,
 * so 32 bytes that are not an Ed25519 point give a verifier that verifies
 * nothing.  Free with sig_pub_free (NULL is a no-op).  One sig_pub may be
 * used by several threads at once. */
struct sig_pub	*sig_pub_new(const uint8_t pub[SIG_PUB_LEN]);
void		 sig_pub_free(struct sig_pub *p);

/* sig_verify(p, prefix, msg, mlen, sig): 0 if sig is p's signature over
 * prefix followed by msg, -1 otherwise.  Never logs: callers record why. */
int		 sig_verify(const struct sig_pub *p, const char *prefix,
		    const void *msg, size_t mlen, const uint8_t sig[SIG_LEN]);

/* sig_check(p, prefix, msg, mlen, sig): sig_verify telling a verdict from
 * a failure of this process: 0 valid, -1 the signature does not verify (a
 * verdict on the bytes), SIG_CANNOT_CHECK when memory ran out (or OpenSSL
 * could not set up) before an answer, which decides nothing.  The verdict
 * is always OpenSSL's (docs/protocol.md, section 1): what libsodium
 * accepts is accepted, and what it refuses is put to OpenSSL. */
#define SIG_CANNOT_CHECK	(-2)
int		 sig_check(const struct sig_pub *p, const char *prefix,
		    const void *msg, size_t mlen, const uint8_t sig[SIG_LEN]);

/* sig_hex_decode(s, len, out, outlen): decode exactly 2*outlen lowercase or
 * uppercase hex digits; 0 / -1. */
int		 sig_hex_decode(const char *s, size_t len, uint8_t *out,
		    size_t outlen);

#endif /* OPORA_SIG_H */
