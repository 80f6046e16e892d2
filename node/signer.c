/*
 * node/signer.c: signing on other cores during bulk writes.  See signer.h.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "node/signer.h"
#include "node/store.h"
#include "protocol/change.h"
#include "protocol/log.h"
#include "protocol/sig.h"

#define SIGNER_MAX_THREADS	16
#define SIGNER_WAKE		16	/* jobs queued before a sleeper is woken */

struct sjob {
	int64_t		 seq;
	uint8_t		*bytes;
	size_t		 len;
	uint8_t		 sig[SIG_LEN];
	bool		 done, failed;
};

struct signer {
	const struct sig_key	*key;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* a job was queued, or stop */
	pthread_cond_t		 idle;		/* a job was finished */
	struct sjob		*jobs;
	size_t			 njobs, cap, next;	/* next: first unclaimed */
	size_t			 ndone;
	int			 nwaiting;	/* threads waiting for work */
	bool			 draining;	/* signer_drain waits on idle */
	bool			 stop;
	int			 nthreads;
	pthread_t		 th[SIGNER_MAX_THREADS];
};

static void *
signer_run(void *arg)
{
	struct signer	*sg = arg;
	struct sjob	 job;
	size_t		 i;
	int		 r;

	log_thread_name("opora-sign");
	pthread_mutex_lock(&sg->mu);
	for (;;) {
		while (!sg->stop && sg->next == sg->njobs) {
			sg->nwaiting++;
			pthread_cond_wait(&sg->work, &sg->mu);
			sg->nwaiting--;
		}
		if (sg->stop)
			break;
		i = sg->next++;
		job = sg->jobs[i];	/* the array may move while we sign */
		pthread_mutex_unlock(&sg->mu);
		r = sig_sign(sg->key, CHANGE_PREFIX, job.bytes, job.len,
		    job.sig);
		/* The bytes are not needed once signed: a batch holds only
		 * the signatures, whatever its size. */
		free(job.bytes);
		pthread_mutex_lock(&sg->mu);
		sg->jobs[i].bytes = NULL;
		memcpy(sg->jobs[i].sig, job.sig, SIG_LEN);
		sg->jobs[i].failed = r == -1;
		sg->jobs[i].done = true;
		sg->ndone++;
		if (sg->draining && sg->ndone == sg->njobs)
			pthread_cond_broadcast(&sg->idle);
	}
	pthread_mutex_unlock(&sg->mu);
	return (NULL);
}

struct signer *
signer_new(const struct sig_key *k, int nthreads)
{
	struct signer	*sg;

	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > SIGNER_MAX_THREADS)
		nthreads = SIGNER_MAX_THREADS;
	if ((sg = calloc(1, sizeof(*sg))) == NULL) {
		log_warn("signer");
		return (NULL);
	}
	sg->key = k;
	pthread_mutex_init(&sg->mu, NULL);
	pthread_cond_init(&sg->work, NULL);
	pthread_cond_init(&sg->idle, NULL);
	for (sg->nthreads = 0; sg->nthreads < nthreads; sg->nthreads++)
		if (pthread_create(&sg->th[sg->nthreads], NULL, signer_run,
		    sg) != 0)
			break;
	if (sg->nthreads == 0) {
		log_warnx("signer: cannot start a thread");
		signer_free(sg);
		return (NULL);
	}
	return (sg);
}

int
signer_submit(struct signer *sg, int64_t seq, const void *bytes, size_t len)
{
	struct sjob	*nj;
	uint8_t		*copy;
	size_t		 ncap;

	if ((copy = malloc(len + 1)) == NULL)
		return (-1);
	memcpy(copy, bytes, len);
	pthread_mutex_lock(&sg->mu);
	if (sg->njobs == sg->cap) {
		ncap = sg->cap ? sg->cap * 2 : 256;
		if ((nj = reallocarray(sg->jobs, ncap, sizeof(*nj))) == NULL) {
			pthread_mutex_unlock(&sg->mu);
			free(copy);
			return (-1);
		}
		sg->jobs = nj;
		sg->cap = ncap;
	}
	memset(&sg->jobs[sg->njobs], 0, sizeof(sg->jobs[0]));
	sg->jobs[sg->njobs].seq = seq;
	sg->jobs[sg->njobs].bytes = copy;
	sg->jobs[sg->njobs].len = len;
	sg->njobs++;
	/* Waking a thread costs a system call on each side: a sleeping
	 * thread is woken once SIGNER_WAKE jobs wait (or by the drain). */
	if (sg->nwaiting > 0 && sg->njobs - sg->next >= SIGNER_WAKE)
		pthread_cond_signal(&sg->work);
	pthread_mutex_unlock(&sg->mu);
	return (0);
}

int
signer_drain(struct signer *sg, struct store *st)
{
	size_t		 i;
	int		 rc = 0;

	pthread_mutex_lock(&sg->mu);
	if (sg->next < sg->njobs)
		pthread_cond_broadcast(&sg->work);
	sg->draining = true;
	while (sg->ndone < sg->njobs)
		pthread_cond_wait(&sg->idle, &sg->mu);
	sg->draining = false;
	for (i = 0; i < sg->njobs; i++) {
		struct sjob *j = &sg->jobs[i];

		if (rc == 0 && (j->failed ||
		    store_change_sig_set(st, j->seq, j->sig) == -1)) {
			log_warnx("cannot record the signature of change #%lld",
			    (long long)j->seq);
			rc = -1;
		}
		free(j->bytes);
	}
	sg->njobs = sg->next = sg->ndone = 0;
	pthread_mutex_unlock(&sg->mu);
	return (rc);
}

void
signer_free(struct signer *sg)
{
	int	 i;

	if (sg == NULL)
		return;
	pthread_mutex_lock(&sg->mu);
	sg->stop = true;
	pthread_cond_broadcast(&sg->work);
	pthread_mutex_unlock(&sg->mu);
	for (i = 0; i < sg->nthreads; i++)
		pthread_join(sg->th[i], NULL);
	for (i = 0; (size_t)i < sg->njobs; i++)
		free(sg->jobs[i].bytes);
	free(sg->jobs);
	pthread_cond_destroy(&sg->idle);
	pthread_cond_destroy(&sg->work);
	pthread_mutex_destroy(&sg->mu);
	free(sg);
}
