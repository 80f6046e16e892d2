/*
 * tests/bench/bench_verify.c: how fast opora's own verification runs
 * (protocol/sig.h, sig_check: libsodium first, OpenSSL for what it
 * refuses), beside OpenSSL's EVP alone, on one core and on every core.
 *
 *   bench_verify [SECONDS]
 *
 * Signs 64 messages of 1,200 bytes (about a change) with a fresh key and
 * verifies them in turn for SECONDS (default 3) per figure.  Prints one
 * line of key=value figures, verifications a second:
 *   sig_check=N evp=N sig_check_all=N threads=T
 * sig_check_all is T threads (one per core) verifying at once, summed.
 * The pull's bench (bench_feed.sh) compares the pull with these, as with
 * 'openssl speed'.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "protocol/sig.h"

#define NMSG	64
#define MLEN	1200
#define PREFIX	"opora-change-v1\n"

static uint8_t		 msgs[NMSG][MLEN];
static uint8_t		 sigs[NMSG][SIG_LEN];
static uint8_t		 pub[SIG_PUB_LEN];
static struct sig_pub	*vp;
static double		 seconds = 3;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* sig_check for the time given: verifications a second. */
static void *
run_check(void *arg)
{
	double		*rate = arg, t0 = now(), t = t0;
	unsigned long	 n = 0;

	do {
		if (sig_check(vp, PREFIX, msgs[n % NMSG], MLEN,
		    sigs[n % NMSG]) != 0) {
			fprintf(stderr, "bench_verify: a sound signature did "
			    "not verify\n");
			exit(1);
		}
		n++;
	} while ((n % 64 != 0) || (t = now()) - t0 < seconds);
	*rate = (double)n / (t - t0);
	return (NULL);
}

/* OpenSSL's EVP alone, as sig.c used it before: a context a call. */
static double
run_evp(void)
{
	EVP_PKEY	*pk;
	uint8_t		 m[sizeof(PREFIX) - 1 + MLEN];
	double		 t0 = now(), t = t0;
	unsigned long	 n = 0;

	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    SIG_PUB_LEN);
	if (pk == NULL)
		exit(1);
	do {
		EVP_MD_CTX	*ctx = EVP_MD_CTX_new();

		memcpy(m, PREFIX, sizeof(PREFIX) - 1);
		memcpy(m + sizeof(PREFIX) - 1, msgs[n % NMSG], MLEN);
		if (ctx == NULL ||
		    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) != 1 ||
		    EVP_DigestVerify(ctx, sigs[n % NMSG], SIG_LEN, m,
		    sizeof(m)) != 1) {
			fprintf(stderr, "bench_verify: OpenSSL did not verify "
			    "a sound signature\n");
			exit(1);
		}
		EVP_MD_CTX_free(ctx);
		n++;
	} while ((n % 64 != 0) || (t = now()) - t0 < seconds);
	EVP_PKEY_free(pk);
	return ((double)n / (t - t0));
}

int
main(int argc, char *argv[])
{
	struct sig_key	*k;
	pthread_t	 th[64];
	double		 one, all = 0, rates[64];
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int		 i, j, nth;

	if (argc > 1 && (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_verify [SECONDS]\n");
		return (2);
	}
	nth = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
	if ((k = sig_key_generate()) == NULL)
		return (1);
	sig_key_public(k, pub);
	for (i = 0; i < NMSG; i++) {
		for (j = 0; j < MLEN; j++)
			msgs[i][j] = (uint8_t)('a' + (i * 7 + j) % 26);
		if (sig_sign(k, PREFIX, msgs[i], MLEN, sigs[i]) != 0)
			return (1);
	}
	if ((vp = sig_pub_new(pub)) == NULL)
		return (1);
	run_check(&one);
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, run_check, &rates[i]) != 0)
			return (1);
	for (i = 0; i < nth; i++) {
		pthread_join(th[i], NULL);
		all += rates[i];
	}
	printf("sig_check=%.0f evp=%.0f sig_check_all=%.0f threads=%d\n", one,
	    run_evp(), all, nth);
	sig_pub_free(vp);
	sig_key_free(k);
	return (0);
}
