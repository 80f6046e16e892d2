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
#define SIGNER_WINDOW		256	/* changes signed ahead of the store */
#define SIGNER_CLAIM		32	/* jobs a thread takes at once, at most */

struct sjob {
	struct change	 hdr;		/* the header only; parents owned */
	uint8_t		*bytes;
	size_t		 len;
	uint8_t		 sig[SIG_LEN];
	bool		 done, failed;
};

/*
 * jobs[0..njobs) are the batch's changes in the order handed over;
 * [0..stored) are in the log (their bytes freed), next is the first no
 * thread has claimed.  A signing thread reads its job's bytes and writes
 * its sig, done and failed under mu; only the writer's thread adds jobs
 * (moving the array) and stores them, so it reads a job marked done
 * without the lock.
 */
struct signer {
	const struct sig_key	*key;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* a job was queued, or stop */
	pthread_cond_t		 signed_;	/* the job waited for was signed */
	struct sjob		*jobs;
	size_t			 njobs, cap, next, stored;
	size_t			 want;		/* the writer waits for jobs[0..want) */
	bool			 waiting;
	bool			 broken;	/* a change was not stored */
	int			 nwaiting;	/* threads waiting for work */
	int			 nwoken;	/* of them, signalled already */
	bool			 stop;
	int			 nthreads;
	pthread_t		 th[SIGNER_MAX_THREADS];
};

/* True when every job below sg->want is signed. */
static bool
signed_to_want(const struct signer *sg)
{
	size_t	 i;

	for (i = sg->stored; i < sg->want; i++)
		if (!sg->jobs[i].done)
			return (false);
	return (true);
}

/*
 * sign_run(sg, first, n): sign jobs[first..+n), claimed by the caller,
 * with mu released meanwhile, and mark them done (mu held on entry and
 * on return).  The array may move while a thread signs (the writer adds
 * jobs); the bytes do not.
 */
static void
sign_run(struct signer *sg, size_t first, size_t n)
{
	const uint8_t	*bytes[SIGNER_CLAIM];
	uint8_t		 sig[SIGNER_CLAIM][SIG_LEN];
	size_t		 len[SIGNER_CLAIM], k;
	int		 r[SIGNER_CLAIM];

	for (k = 0; k < n; k++) {
		bytes[k] = sg->jobs[first + k].bytes;
		len[k] = sg->jobs[first + k].len;
	}
	pthread_mutex_unlock(&sg->mu);
	for (k = 0; k < n; k++)
		r[k] = sig_sign(sg->key, CHANGE_PREFIX, bytes[k], len[k],
		    sig[k]);
	pthread_mutex_lock(&sg->mu);
	for (k = 0; k < n; k++) {
		memcpy(sg->jobs[first + k].sig, sig[k], SIG_LEN);
		sg->jobs[first + k].failed = r[k] == -1;
		sg->jobs[first + k].done = true;
	}
}

static void *
signer_run(void *arg)
{
	struct signer	*sg = arg;
	size_t		 first, n;

	log_thread_name("opora-sign");
	pthread_mutex_lock(&sg->mu);
	for (;;) {
		while (!sg->stop && sg->next == sg->njobs) {
			sg->nwaiting++;
			pthread_cond_wait(&sg->work, &sg->mu);
			sg->nwaiting--;
			if (sg->nwoken > 0)
				sg->nwoken--;
		}
		if (sg->stop)
			break;
		/* A run of jobs, a share of what waits: one lock to take
		 * them and one to hand them back, not two a job. */
		first = sg->next;
		n = (sg->njobs - first) / (size_t)sg->nthreads;
		n = n < 1 ? 1 : n > SIGNER_CLAIM ? SIGNER_CLAIM : n;
		sg->next += n;
		sign_run(sg, first, n);
		if (sg->waiting && first < sg->want && signed_to_want(sg))
			pthread_cond_signal(&sg->signed_);
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
	pthread_cond_init(&sg->signed_, NULL);
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

static void
job_free(struct sjob *j)
{
	free(j->bytes);
	free(j->hdr.parents);
	j->bytes = NULL;
	j->hdr.parents = NULL;
}

int
signer_submit(struct signer *sg, const struct change *c, const void *bytes,
    size_t len)
{
	struct sjob	 job, *nj;
	size_t		 ncap;

	memset(&job, 0, sizeof(job));
	memcpy(job.hdr.id, c->id, sizeof(job.hdr.id));
	memcpy(job.hdr.dossier, c->dossier, sizeof(job.hdr.dossier));
	job.hdr.hlc = c->hlc;
	memcpy(job.hdr.key, c->key, sizeof(job.hdr.key));
	memcpy(job.hdr.region, c->region, sizeof(job.hdr.region));
	job.hdr.v = c->v;
	job.hdr.nparents = c->nparents;
	if ((job.bytes = malloc(len + 1)) == NULL || (c->nparents > 0 &&
	    (job.hdr.parents = calloc(c->nparents,
	    sizeof(*job.hdr.parents))) == NULL)) {
		job_free(&job);
		return (-1);
	}
	memcpy(job.bytes, bytes, len);
	job.len = len;
	if (c->nparents > 0)
		memcpy(job.hdr.parents, c->parents, c->nparents *
		    sizeof(*c->parents));
	pthread_mutex_lock(&sg->mu);
	if (sg->njobs == sg->cap) {
		ncap = sg->cap ? sg->cap * 2 : 256;
		if ((nj = reallocarray(sg->jobs, ncap, sizeof(*nj))) == NULL) {
			pthread_mutex_unlock(&sg->mu);
			job_free(&job);
			return (-1);
		}
		sg->jobs = nj;
		sg->cap = ncap;
	}
	sg->jobs[sg->njobs++] = job;
	/* Waking a thread costs a system call on each side: a sleeping
	 * thread is woken once SIGNER_WAKE jobs wait (or by a wait). */
	if (sg->nwaiting > sg->nwoken && sg->njobs - sg->next >= SIGNER_WAKE) {
		/* Once for each sleeper: until it runs, the next jobs need
		 * no other call. */
		sg->nwoken++;
		pthread_cond_signal(&sg->work);
	}
	pthread_mutex_unlock(&sg->mu);
	return (0);
}

/*
 * Wait until jobs[stored..want) are signed, waking the threads first.
 * Meanwhile the writer signs too: it takes what no thread has claimed
 * yet, a few jobs at a time (SIGNER_SELF), so that the batch's last
 * signatures are made on two cores, and a writer held up by the window
 * works instead of waiting (docs/performance.md, thirteenth part).
 */
#define SIGNER_SELF	4

static void
wait_signed(struct signer *sg, size_t want)
{
	size_t	 first, n;

	pthread_mutex_lock(&sg->mu);
	sg->want = want;
	if (!signed_to_want(sg)) {
		if (sg->next < sg->njobs)
			pthread_cond_broadcast(&sg->work);
		while (sg->next < want) {
			first = sg->next;
			n = want - first < SIGNER_SELF ? want - first :
			    SIGNER_SELF;
			sg->next += n;
			sign_run(sg, first, n);
		}
		sg->waiting = true;
		while (!signed_to_want(sg))
			pthread_cond_wait(&sg->signed_, &sg->mu);
		sg->waiting = false;
	}
	pthread_mutex_unlock(&sg->mu);
}

/* Store jobs[stored..upto), every one signed.  0 / -1 (logged). */
static int
store_signed(struct signer *sg, struct store *st, size_t upto)
{
	struct sjob	*j;

	/* Once one change is missing, nothing after it may be stored, and
	 * the transaction must not commit: every call fails until the
	 * drain that ends it. */
	if (sg->broken)
		return (-1);
	for (; sg->stored < upto; sg->stored++) {
		j = &sg->jobs[sg->stored];
		if (j->failed || store_change_put(st, &j->hdr, j->bytes,
		    j->len, j->sig) != 0) {
			log_warnx("cannot store change %s with its signature",
			    j->hdr.id);
			sg->broken = true;
			return (-1);
		}
		job_free(j);
	}
	return (0);
}

int
signer_store(struct signer *sg, struct store *st)
{
	size_t	 upto;

	if (sg->njobs - sg->stored > SIGNER_WINDOW)
		wait_signed(sg, sg->njobs - SIGNER_WINDOW / 2);
	pthread_mutex_lock(&sg->mu);
	for (upto = sg->stored; upto < sg->njobs && sg->jobs[upto].done;
	    upto++)
		;
	pthread_mutex_unlock(&sg->mu);
	return (store_signed(sg, st, upto));
}

int
signer_drain(struct signer *sg, struct store *st)
{
	int	 rc;

	wait_signed(sg, sg->njobs);
	rc = store_signed(sg, st, sg->njobs);
	/* Every job is signed, so no thread holds one: the array starts
	 * again (what a failure left unstored goes with it). */
	pthread_mutex_lock(&sg->mu);
	while (sg->stored < sg->njobs)
		job_free(&sg->jobs[sg->stored++]);
	sg->njobs = sg->next = sg->stored = sg->want = 0;
	sg->broken = false;
	pthread_mutex_unlock(&sg->mu);
	return (rc);
}

void
signer_free(struct signer *sg)
{
	size_t	 i;
	int	 t;

	if (sg == NULL)
		return;
	pthread_mutex_lock(&sg->mu);
	sg->stop = true;
	pthread_cond_broadcast(&sg->work);
	pthread_mutex_unlock(&sg->mu);
	for (t = 0; t < sg->nthreads; t++)
		pthread_join(sg->th[t], NULL);
	for (i = sg->stored; i < sg->njobs; i++)
		job_free(&sg->jobs[i]);
	free(sg->jobs);
	pthread_cond_destroy(&sg->signed_);
	pthread_cond_destroy(&sg->work);
	pthread_mutex_destroy(&sg->mu);
	free(sg);
}
