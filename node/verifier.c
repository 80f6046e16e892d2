/*
 * node/verifier.c: checking changes on every core.  See verifier.h.
 */
#include <sys/resource.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conflict/hlc.h"
#include "node/store.h"
#include "node/verifier.h"
#include "protocol/log.h"

#define VERIFIER_MAX_THREADS	16
#define VERIFIER_NICE		5	/* added to a checking thread's nice */

struct vkey {
	char		 id[SIG_KEYID_LEN + 1];
	char		 region[16];
	struct sig_pub	*pub;
	uint64_t	 until;		/* rotation: refused from here */
	uint64_t	 since;		/* revocation: refused from here */
	bool		 untrusted;	/* its region is no peer any more */
};

struct verifier {
	struct vkey	*keys;
	size_t		 nkeys;
	int		 nthreads;
};

/* An end of a key's validity, as stored: UINT64_MAX when there is none,
 * 0 when it is damaged (a key whose end cannot be read is not valid at
 * all). */
static uint64_t
key_end(const char *t)
{
	uint64_t	 v;

	if (t == NULL)
		return (UINT64_MAX);
	return (hlc_parse(t, strlen(t), &v) == -1 ? 0 : v);
}

/* What verifier_open reads the keys into. */
struct vopen {
	struct verifier	*v;
	bool		 held;
};

/* Take key k in; -1 when out of memory. */
static int
key_take(const struct store_key_row *row, void *arg)
{
	struct vopen	*o = arg;
	struct verifier	*v = o->v;
	struct vkey	*k, *nv;

	if (strlen(row->key_id) != SIG_KEYID_LEN ||
	    strlen(row->region) >= 16 || row->pub == NULL)
		return (0);
	if ((nv = reallocarray(v->keys, v->nkeys + 1, sizeof(*nv))) == NULL)
		return (-1);
	v->keys = nv;
	k = &v->keys[v->nkeys];
	memcpy(k->id, row->key_id, SIG_KEYID_LEN + 1);
	memcpy(k->region, row->region, strlen(row->region) + 1);
	k->until = key_end(row->until);
	/*
	 * revoked = 1 without revoked_since (a database older than schema 4
	 * could hold it, though nothing set it) revokes the key from the
	 * start.
	 */
	k->since = row->revoked_since != NULL ? key_end(row->revoked_since) :
	    row->revoked ? 0 : UINT64_MAX;
	k->untrusted = !o->held && !row->trusted;
	if ((k->pub = sig_pub_new(row->pub)) != NULL)
		v->nkeys++;
	return (0);
}

static struct verifier *
verifier_open(struct store *st, bool held)
{
	struct verifier	*v;
	struct vopen	 o;
	long		 ncpu;

	if ((v = calloc(1, sizeof(*v))) == NULL) {
		log_warn("verifier");
		return (NULL);
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	v->nthreads = ncpu < 1 ? 1 : ncpu > VERIFIER_MAX_THREADS ?
	    VERIFIER_MAX_THREADS : (int)ncpu;
	o.v = v;
	o.held = held;
	if (store_key_each(st, key_take, &o) != 0)
		goto bad;
	return (v);
bad:
	log_warnx("cannot read the node keys");
	verifier_free(v);
	return (NULL);
}

struct verifier *
verifier_new(struct store *st)
{
	return (verifier_open(st, false));
}

struct verifier *
verifier_new_held(struct store *st)
{
	return (verifier_open(st, true));
}

/* "YYYY-MM-DD HH:MM:SS UTC" of an HLC value, into out. */
static void
when(uint64_t v, char out[32])
{
	struct tm	 tm;
	time_t		 t = (time_t)(hlc_ms(v) / 1000);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, 32, "%016llx", (unsigned long long)v);
}

void
verifier_free(struct verifier *v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nkeys; i++)
		sig_pub_free(v->keys[i].pub);
	free(v->keys);
	free(v);
}

int
verifier_threads(const struct verifier *v)
{
	return (v->nthreads);
}

static const struct vkey *
key_find(const struct verifier *v, const char *id)
{
	size_t	 i;

	for (i = 0; i < v->nkeys; i++)
		if (strcmp(v->keys[i].id, id) == 0)
			return (&v->keys[i]);
	return (NULL);
}

static void
check_item(struct vitem *it, const struct verifier *v)
{
	const struct vkey	*k;
	char			 id[CHANGE_ID_HEX + 1], why[200], t[32];
	int			 r;

	it->problem[0] = '\0';
	it->unknown_key = false;
	it->transient = false;
	it->c = NULL;
	if (it->held)
		return;
	if (it->id[0] != '\0') {
		change_id(it->bytes, it->len, id);
		if (strcmp(id, it->id) != 0) {
			snprintf(it->problem, sizeof(it->problem), "its bytes "
			    "hash to %.16s..., not to its id: the change was "
			    "altered", id);
			return;
		}
	}
	if ((r = change_decode(it->bytes, it->len, &it->c, why,
	    sizeof(why))) != 0) {
		if (r == CHANGE_NOMEM) {
			it->transient = true;
			snprintf(it->problem, sizeof(it->problem), "out of "
			    "memory while checking it");
		} else
			snprintf(it->problem, sizeof(it->problem),
			    "malformed: %s", why);
		return;
	}
	if ((k = key_find(v, it->c->key)) == NULL) {
		snprintf(it->problem, sizeof(it->problem), "signed by key %s "
		    "(%s), which this node does not know", it->c->key,
		    it->c->region);
		it->unknown_key = true;
		return;
	}
	if (strcmp(k->region, it->c->region) != 0) {
		snprintf(it->problem, sizeof(it->problem), "claims region %s "
		    "but key %s belongs to %s", it->c->region, k->id,
		    k->region);
		return;
	}
	if (k->untrusted) {
		snprintf(it->problem, sizeof(it->problem), "signed by key %s "
		    "of %s, a region this node no longer trusts (removed as "
		    "a peer)", k->id, k->region);
		return;
	}
	if (it->c->hlc >= k->since) {
		when(k->since, t);
		snprintf(it->problem, sizeof(it->problem), "signed by key %s "
		    "of %s, revoked since %s; the change's clock is not "
		    "before that", k->id, k->region, t);
		return;
	}
	if (it->c->hlc >= k->until) {
		when(k->until, t);
		snprintf(it->problem, sizeof(it->problem), "signed by key %s "
		    "of %s, replaced by a newer key; its overlap ended at %s "
		    "and the change's clock is not before that", k->id,
		    k->region, t);
		return;
	}
	if (!it->siglen_ok)
		r = -1;
	else
		r = sig_check(k->pub, CHANGE_PREFIX, it->bytes, it->len,
		    it->sig);
	if (r == SIG_CANNOT_CHECK) {
		it->transient = true;
		snprintf(it->problem, sizeof(it->problem), "out of memory "
		    "while checking its signature");
	} else if (r != 0)
		snprintf(it->problem, sizeof(it->problem), "the signature "
		    "does not verify");
}

/*
 * The workers: one pool for the whole process, started at the first
 * check and kept (a puller checks a batch of changes every few
 * milliseconds; starting threads for each cost more than some batches'
 * checks).  A check is a job: its items are taken VJOB_CHUNK at a time
 * by the workers and by the thread that asked, which waits until every
 * item is done.  Several threads may check at once (one puller per
 * peer): their jobs queue, and every worker helps the oldest first.
 */
#define VJOB_CHUNK	8

struct vjob {
	const struct verifier	*v;
	struct vitem		*items;
	size_t			 n;
	size_t			 next;		/* the first item not taken */
	size_t			 done;		/* items checked */
	struct vjob		*link;		/* the queue */
	pthread_cond_t		 finished;
};

static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* a job was queued */
	struct vjob	*head, *tail;
	int		 nworkers;	/* started */
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL,
    NULL, 0 };
static pthread_once_t	 pool_once = PTHREAD_ONCE_INIT;

/*
 * Take the next chunk of the queue's first job into *from..*to, taking
 * the job off the queue once its last chunk is taken.  pool.mu is held.
 * The job, or NULL when the queue is empty.
 */
static struct vjob *
pool_take(size_t *from, size_t *to)
{
	struct vjob	*j = pool.head;

	if (j == NULL)
		return (NULL);
	*from = j->next;
	*to = j->n - j->next > VJOB_CHUNK ? j->next + VJOB_CHUNK : j->n;
	j->next = *to;
	if (j->next == j->n) {
		pool.head = j->link;
		if (pool.head == NULL)
			pool.tail = NULL;
	}
	return (j);
}

/* Check items from..to of j, then count them done.  pool.mu is held on
 * entry and on return. */
static void
pool_run(struct vjob *j, size_t from, size_t to)
{
	size_t	 i;

	pthread_mutex_unlock(&pool.mu);
	for (i = from; i < to; i++)
		check_item(&j->items[i], j->v);
	pthread_mutex_lock(&pool.mu);
	j->done += to - from;
	if (j->done == j->n)
		pthread_cond_signal(&j->finished);
}

void
verifier_yield_thread(void)
{
#ifdef __linux__
	/* On Linux the nice value is the thread's own; raising it needs no
	 * privilege, and a failure leaves the thread as it was. */
	pid_t	 tid = (pid_t)syscall(SYS_gettid);
	int	 cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, (id_t)tid);
	if (cur == -1 && errno != 0)
		return;
	(void)setpriority(PRIO_PROCESS, (id_t)tid, cur + VERIFIER_NICE > 19 ?
	    19 : cur + VERIFIER_NICE);
#endif
}

static void *
pool_worker(void *arg)
{
	struct vjob	*j;
	size_t		 from, to;

	(void)arg;
	log_thread_name("opora-verify");
	verifier_yield_thread();
	pthread_mutex_lock(&pool.mu);
	for (;;) {
		while ((j = pool_take(&from, &to)) == NULL)
			pthread_cond_wait(&pool.work, &pool.mu);
		pool_run(j, from, to);
	}
	/* NOTREACHED */
	return (NULL);
}

/* Start one worker per core but one (the thread that asks is the last);
 * those that cannot start are done without. */
static void
pool_start(void)
{
	pthread_attr_t	 attr;
	pthread_t	 th;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int		 i, want;

	want = ncpu < 1 ? 0 : ncpu > VERIFIER_MAX_THREADS ?
	    VERIFIER_MAX_THREADS - 1 : (int)ncpu - 1;
	if (pthread_attr_init(&attr) != 0)
		return;
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < want; i++) {
		if (pthread_create(&th, &attr, pool_worker, NULL) != 0)
			break;
		pool.nworkers++;
	}
	pthread_attr_destroy(&attr);
}

void
verifier_check(struct verifier *v, struct vitem *items, size_t n)
{
	struct vjob	 job;
	struct vjob	*j;
	size_t		 from, to, i;

	if (n == 0)
		return;
	(void)pthread_once(&pool_once, pool_start);
	if (pool.nworkers == 0 || n == 1 ||
	    pthread_cond_init(&job.finished, NULL) != 0) {
		for (i = 0; i < n; i++)
			check_item(&items[i], v);
		return;
	}
	job.v = v;
	job.items = items;
	job.n = n;
	job.next = job.done = 0;
	job.link = NULL;
	pthread_mutex_lock(&pool.mu);
	if (pool.tail != NULL)
		pool.tail->link = &job;
	else
		pool.head = &job;
	pool.tail = &job;
	pthread_cond_broadcast(&pool.work);
	/* Help with whatever is queued, this job included, then wait for
	 * the chunks of this job others took. */
	while (job.next < job.n && (j = pool_take(&from, &to)) != NULL)
		pool_run(j, from, to);
	while (job.done < job.n)
		pthread_cond_wait(&job.finished, &pool.mu);
	pthread_mutex_unlock(&pool.mu);
	pthread_cond_destroy(&job.finished);
}
