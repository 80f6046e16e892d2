/*
 * protocol/digest.c: SHA-256 without a look-up per call (see digest.h).
 *
 * digest_sha256 uses OpenSSL's low-level SHA-256 (deprecated since 3.0,
 * still there in every 3.x): it neither looks the digest up nor allocates,
 * so it cannot fail, where SHA256() and EVP_Digest allocate a context on
 * every call and, when memory runs out, return without writing the hash.
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA256_Init and friends */

#include <pthread.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "protocol/digest.h"
#include "protocol/log.h"

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static EVP_MD		*sha256;

const EVP_MD *
digest_sha256_md(void)
{
	EVP_MD	*md;

	if ((md = __atomic_load_n(&sha256, __ATOMIC_ACQUIRE)) != NULL)
		return (md);
	/* Fetched once; a failure (out of memory) is tried again at the
	 * next call, and this one uses the look-up of every call. */
	pthread_mutex_lock(&mu);
	if (sha256 == NULL && (md = EVP_MD_fetch(NULL, "SHA256",
	    NULL)) != NULL)
		__atomic_store_n(&sha256, md, __ATOMIC_RELEASE);
	md = sha256;
	pthread_mutex_unlock(&mu);
	return (md != NULL ? md : EVP_sha256());
}

/* SHA256_Init, _Update and _Final return 1 whatever they are given. */
void
digest_sha256_init(struct digest_sha256_ctx *d)
{
	(void)SHA256_Init(&d->c);
}

void
digest_sha256_update(struct digest_sha256_ctx *d, const void *p, size_t len)
{
	(void)SHA256_Update(&d->c, p, len);
}

void
digest_sha256_final(struct digest_sha256_ctx *d,
    uint8_t out[DIGEST_SHA256_LEN])
{
	(void)SHA256_Final(out, &d->c);
}

void
digest_sha256(const void *p, size_t len, uint8_t out[DIGEST_SHA256_LEN])
{
	struct digest_sha256_ctx	 d;

	digest_sha256_init(&d);
	digest_sha256_update(&d, p, len);
	digest_sha256_final(&d, out);
}
