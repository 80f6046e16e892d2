/*
 * protocol/digest.h: SHA-256 without OpenSSL 3's look-up on every call.
 *
 * OpenSSL 3 finds the implementation of a digest named by EVP_sha256() or
 * used by SHA256() again on every call, under a lock shared by every
 * thread, and allocates a context each time: a fifth of the cost of
 * hashing a change, contention between the verifier threads, and, when
 * memory runs out, a hash left unwritten.  digest_sha256 and struct
 * digest_sha256_ctx do neither, and spare a command that hashes nothing
 * else the start of OpenSSL's providers, about a millisecond;
 * digest_sha256_md fetches the digest once for EVP_DigestInit_ex.
 *
 * Nothing these functions return needs freeing: the fetched digest lives
 * as long as the process.
 */
#ifndef OPORA_DIGEST_H
#define OPORA_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#define DIGEST_SHA256_LEN	32

/* digest_sha256_md(): SHA-256 for EVP_DigestInit_ex, fetched at the first
 * call that can (EVP_sha256(), looked up per call, until then).  Thread-
 * safe; never NULL. */
const EVP_MD	*digest_sha256_md(void);

/* digest_sha256(p, len, out): out = SHA-256 of p[0..len).  It allocates
 * nothing and cannot fail. */
void		 digest_sha256(const void *p, size_t len,
		    uint8_t out[DIGEST_SHA256_LEN]);

/* A SHA-256 computed piece by piece, on the caller's stack: init, any
 * number of updates, final.  None of them allocates or can fail. */
struct digest_sha256_ctx {
	SHA256_CTX	 c;
};
void		 digest_sha256_init(struct digest_sha256_ctx *d);
void		 digest_sha256_update(struct digest_sha256_ctx *d,
		    const void *p, size_t len);
void		 digest_sha256_final(struct digest_sha256_ctx *d,
		    uint8_t out[DIGEST_SHA256_LEN]);

#endif /* OPORA_DIGEST_H */
