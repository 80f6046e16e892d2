/*
 * node/ckpt.c: checkpoint the WAL on another thread.  See ckpt.h.
 *
 * The writer's connection gets a WAL hook in place of SQLite's automatic
 * checkpoint (both use the same slot: sqlite3_wal_hook).  SQLite calls it
 * after each commit, with the write lock released, in the writer's
 * thread.  The thread's own connection is used by that thread only.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "node/ckpt.h"
#include "protocol/log.h"

struct ckpt {
	sqlite3		*db;		/* the writer's; borrowed */
	sqlite3		*own;		/* the thread's, opened at its first
					   checkpoint (ckpt_open) */
	char		*path;
	int		 every;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* want or stop was set */
	pthread_cond_t	 idle;		/* the thread's checkpoint ended */
	bool		 want, busy, stop;
	unsigned long	 runs;
};

static unsigned long	 failures;

void
ckpt_note(int rc)
{
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY &&
	    (rc & 0xff) != SQLITE_LOCKED)
		__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

unsigned long
ckpt_failures(void)
{
	return (__atomic_load_n(&failures, __ATOMIC_RELAXED));
}

/*
 * The thread's connection, opened when it is first asked for a checkpoint,
 * not at ckpt_start: opening reads the schema (about a millisecond), which
 * a small import, whose WAL never needs the thread, would pay in its
 * writer's thread for nothing.  Should it fail, the thread copies nothing
 * and the writer checkpoints by itself once the WAL holds `every` frames
 * (ckpt_hook), as without a ckpt.  0 / -1.
 */
static int
ckpt_open(struct ckpt *c)
{
	if (c->own != NULL)
		return (0);
	if (c->path == NULL)
		return (-1);		/* it failed before */
	/* The connection reads the database once, so that it has the WAL
	 * open for the checkpoint. */
	if (sqlite3_open_v2(c->path, &c->own, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->own, "PRAGMA synchronous = FULL;"
	    "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("checkpoint thread: database %s: %s; the writer "
		    "checkpoints by itself", c->path, c->own != NULL ?
		    sqlite3_errmsg(c->own) : "out of memory");
		sqlite3_close(c->own);
		c->own = NULL;
		free(c->path);
		c->path = NULL;
		return (-1);
	}
	return (0);
}

static void *
ckpt_run(void *arg)
{
	struct ckpt	*c = arg;

	log_thread_name("opora-ckpt");
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->stop && !c->want)
			pthread_cond_wait(&c->work, &c->mu);
		if (c->stop)
			break;
		c->want = false;
		c->busy = true;
		pthread_mutex_unlock(&c->mu);
		/* Busy (another checkpoint) or failed: the frames stay in
		 * the WAL for the next one. */
		if (ckpt_open(c) == 0)
			ckpt_note(sqlite3_wal_checkpoint_v2(c->own, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL));
		pthread_mutex_lock(&c->mu);
		c->runs++;
		c->busy = false;
		pthread_cond_broadcast(&c->idle);
	}
	pthread_mutex_unlock(&c->mu);
	return (NULL);
}

/* Wait until the thread has no checkpoint running or asked for. */
static void
ckpt_wait(struct ckpt *c)
{
	pthread_mutex_lock(&c->mu);
	while (c->busy || c->want)
		pthread_cond_wait(&c->idle, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static int
ckpt_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct ckpt	*c = arg;

	if (frames >= c->every) {
		/* What the thread has not copied yet, here, so that the
		 * next transaction starts the WAL from its beginning. */
		ckpt_wait(c);
		ckpt_note(sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL));
	} else if (frames >= c->every / 2) {
		/* From half the threshold on, not a quarter: a page that
		 * commit after commit dirties (the id index's, at a
		 * million changes nearly all of them) is copied by fewer
		 * checkpoints.  The pull of a million wrote 7% less and
		 * took 3% less CPU; an import was the same
		 * (docs/performance.md, twelfth part). */
		pthread_mutex_lock(&c->mu);
		if (!c->busy && !c->want) {
			c->want = true;
			pthread_cond_signal(&c->work);
		}
		pthread_mutex_unlock(&c->mu);
	}
	return (SQLITE_OK);
}

struct ckpt *
ckpt_start(sqlite3 *db, const char *path, int every)
{
	struct ckpt	*c;
	pthread_attr_t	 attr;
	int		 r;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("checkpoint thread");
		return (NULL);
	}
	c->db = db;
	c->every = every > 4 ? every : 4;
	if ((c->path = strdup(path)) == NULL ||
	    pthread_attr_init(&attr) != 0) {
		log_warnx("checkpoint thread: out of memory");
		free(c->path);
		free(c);
		return (NULL);
	}
	(void)pthread_attr_setstacksize(&attr, 512 * 1024);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->work, NULL);
	pthread_cond_init(&c->idle, NULL);
	r = pthread_create(&c->th, &attr, ckpt_run, c);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		log_warnx("checkpoint thread: cannot start it");
		pthread_cond_destroy(&c->idle);
		pthread_cond_destroy(&c->work);
		pthread_mutex_destroy(&c->mu);
		free(c->path);
		free(c);
		return (NULL);
	}
	(void)sqlite3_wal_hook(db, ckpt_hook, c);
	return (c);
}

void
ckpt_stop(struct ckpt *c)
{
	if (c == NULL)
		return;
	(void)sqlite3_wal_hook(c->db, NULL, NULL);
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_signal(&c->work);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	pthread_cond_destroy(&c->idle);
	pthread_cond_destroy(&c->work);
	pthread_mutex_destroy(&c->mu);
	if (sqlite3_close(c->own) != SQLITE_OK)
		log_warnx("checkpoint thread: close: %s",
		    sqlite3_errmsg(c->own));
	free(c->path);
	free(c);
}

unsigned long
ckpt_runs(struct ckpt *c)
{
	unsigned long	 n;

	pthread_mutex_lock(&c->mu);
	n = c->runs;
	pthread_mutex_unlock(&c->mu);
	return (n);
}

/* SQLite's own automatic checkpoint (sqlite3WalDefaultHook), counted. */
static int
auto_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	if (frames >= (int)(intptr_t)arg)
		ckpt_note(sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL));
	return (SQLITE_OK);
}

void
ckpt_auto(sqlite3 *db, int every)
{
	(void)sqlite3_wal_hook(db, auto_hook, (void *)(intptr_t)(every > 1 ?
	    every : 1));
}
