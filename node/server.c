/*
 * node/server.c: 'opora serve': the HTTPS server (node/http.c, answering
 * with node/api.c) on one event loop, the pullers (node/sync.c), and the
 * chores -- publishing statistics, the federal releases, retention -- in
 * a thread of their own with its own connection to the database, so that
 * a long one (a large node's first snapshots of several years) never
 * keeps the loop from answering.  See server.h.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "node/api.h"
#include "node/http.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/server.h"
#include "node/session.h"
#include "node/erase.h"
#include "node/ui.h"
#include "node/fedstats.h"
#include "node/stats.h"
#include "node/store_stats.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "node/sync.h"
#include "protocol/log.h"
#include "protocol/num.h"

#define CHORES_TICK_MS	1000	/* how often the chores look due */

struct server {
	struct node		*n;
	struct event_base	*base;
	struct http_server	*http;
	struct metrics_server	*metrics;	/* NULL: listen_metrics off */
	struct event		*sigterm, *sigint;
};

/* The chores' thread: its own node (connection), when each is due next,
 * and the flag that stops it, under mu. */
struct chores {
	struct node		*n;		/* owned, used by th only */
	pthread_t		 th;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 stop;
	uint64_t		 next_stats;	/* when to publish statistics */
	uint64_t		 next_release;	/* when to look again */
	uint64_t		 next_retention;	/* when to erase again */
	uint64_t		 next_sweep;	/* when to sweep sessions */
};

/* Whether serve is stopping: a chore stops between its steps. */
static bool
stopping(struct chores *c)
{
	bool	 s;

	pthread_mutex_lock(&c->mu);
	s = c->stop;
	pthread_mutex_unlock(&c->mu);
	return (s);
}

/* Retention runs when serve starts and then once a day; the sweep of
 * the web pages' ended sessions once an hour (a stranger with many
 * addresses leaves counters of failed logins at every attempt). */
#define RETENTION_EVERY_MS	(24ULL * 3600 * 1000)
#define SWEEP_EVERY_MS		(3600ULL * 1000)

/* Delete the web pages' ended sessions and old counters of failed
 * logins, whatever retention_years says (node/session.h). */
static void
sweep(struct chores *srv, uint64_t now)
{
	srv->next_sweep = now + SWEEP_EVERY_MS;
	if (session_sweep(srv->n->st, (int64_t)(now / 1000),
	    (int64_t)srv->n->cfg.session_idle_minutes * 60,
	    (int64_t)srv->n->cfg.session_max_hours * 3600) == -1)
		log_warnx("web pages: the ended sessions could not be "
		    "deleted; tried again in an hour");
}

/* Erase the dossiers whose retention_years ran out (node/erase.h). */
static void
retain(struct chores *srv, uint64_t now)
{
	int	 count;

	srv->next_retention = now + RETENTION_EVERY_MS;
	if (srv->n->cfg.retention_years == 0)
		return;
	if (erase_retention(srv->n, &count) == -1)
		log_warnx("retention: %d dossier%s erased, then a failure; "
		    "tried again tomorrow", count, count == 1 ? "" : "s");
	else if (count > 0)
		log_info("retention: %d dossier%s whose support ended more "
		    "than %d years ago erased", count, count == 1 ? "" : "s",
		    srv->n->cfg.retention_years);
}

/* How often the federal node looks whether a release is due, and how long
 * it waits after a release that failed. */
#define RELEASE_LOOK_MS	60000

/*
 * The federal node releases statistics on the first day of each block of
 * stats_release_months months (fedstats_release_due), once.
 */
static void
release_stats(struct chores *srv, uint64_t now)
{
	struct node	*n = srv->n;
	char		 why[256];
	int64_t		 num;

	srv->next_release = now + RELEASE_LOOK_MS;
	if (!fedstats_release_due(n, now))
		return;
	if (fedstats_release(n, &num, why, sizeof(why)) == -1)
		log_warnx("statistics release not made: %s; tried again in "
		    "a minute", why);
	else
		log_info("statistics release %lld made", (long long)num);
}

/* Publish this node's snapshot of year y, and say so. */
static void
publish_year(struct node *n, int y)
{
	char	 id[65], why[256];

	if (stats_publish(n, y, id, why, sizeof(why)) == -1)
		log_warnx("statistics for %d not published: %s", y, why);
	else if (store_peer_exists(n->st, "RU-FED") == 1)
		log_info("published the statistics snapshot for %d (%.16s) "
		    "for the federal node", y, id);
	else
		log_info("made the statistics snapshot for %d (%.16s); no "
		    "federal node is a peer yet, so it stays here until one "
		    "is added ('opora peer add fed.card')", y, id);
}

/*
 * A regional node publishes its statistics snapshot every stats_interval
 * hours (opora.conf): the current year's, and in the first quarter the
 * last year's too, whose figures still change with late records.  On a
 * node of more than STATS_DASH_LIVE_MAX persons, the other years the
 * supervisors' dashboard shows (STATS_DASH_YEARS) are published once,
 * when none of theirs is stored yet: its dashboard answers from
 * snapshots only (GET /api/dashboard).
 */
static void
publish_stats(struct chores *srv, uint64_t now)
{
	struct node	*n = srv->n;
	time_t		 t = time(NULL);
	struct tm	 tm;
	int		 y, year;

	srv->next_stats = now + (uint64_t)n->cfg.stats_interval * 3600000ULL;
	gmtime_r(&t, &tm);
	year = tm.tm_year + 1900;
	for (y = tm.tm_mon < 3 ? 1 : 0; y >= 0 && !stopping(srv); y--)
		publish_year(n, year - y);
	/* A small node's dashboard counts such a year on the request. */
	if (store_stats_persons(n->st) <= STATS_DASH_LIVE_MAX)
		return;
	for (y = STATS_DASH_YEARS - 1; y >= (tm.tm_mon < 3 ? 2 : 1) &&
	    !stopping(srv); y--)
		if (stats_held(n->st, n->cfg.region, year - y) == 0)
			publish_year(n, year - y);
}

/* When statistics are due first: stats_interval after the last time. */
static uint64_t
stats_due(struct node *n)
{
	char	 v[24];
	int64_t	 last;

	if (n->cfg.stats_interval == 0 || strcmp(n->cfg.region, "RU-FED") == 0)
		return (0);
	/* Never published, or a value that is not a time: due now. */
	if (store_meta_get(n->st, "stats_published", v, sizeof(v)) != 0 ||
	    num_parse_str(v, 0, INT64_MAX / 2, &last) == -1)
		return (node_now_ms());
	return ((uint64_t)last + (uint64_t)n->cfg.stats_interval *
	    3600000ULL);
}

/* What is due, once; wall-clock time: the due times are kept across
 * restarts. */
static void
chores_once(struct chores *c)
{
	if (c->next_stats != 0 && node_now_ms() >= c->next_stats)
		publish_stats(c, node_now_ms());
	if (!stopping(c) && c->next_release <= node_now_ms())
		release_stats(c, node_now_ms());
	if (!stopping(c) && c->next_retention <= node_now_ms())
		retain(c, node_now_ms());
	if (!stopping(c) && c->next_sweep <= node_now_ms())
		sweep(c, node_now_ms());
}

static void *
chores_run(void *arg)
{
	struct chores	*c = arg;
	struct timespec	 ts;

	log_thread_name("opora-chores");
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		pthread_mutex_unlock(&c->mu);
		chores_once(c);
		pthread_mutex_lock(&c->mu);
		if (c->stop)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += CHORES_TICK_MS / 1000;
		while (!c->stop && pthread_cond_timedwait(&c->cv, &c->mu,
		    &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&c->mu);
	return (NULL);
}

/* Start the chores with a connection of their own to the node in dir;
 * NULL (logged) when it cannot be opened or the thread not started. */
static struct chores *
chores_start(const char *dir, const char *user)
{
	struct chores	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("out of memory");
		return (NULL);
	}
	if ((c->n = node_open(dir, user)) == NULL) {
		free(c);
		return (NULL);
	}
	c->next_stats = stats_due(c->n);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->th, NULL, chores_run, c) != 0) {
		log_warnx("cannot start the statistics and retention thread");
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		node_close(c->n);
		free(c);
		return (NULL);
	}
	return (c);
}

/* Stop the chores (a chore under way finishes its step first) and free
 * them; NULL does nothing. */
static void
chores_stop(struct chores *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	node_close(c->n);
	free(c);
}

/* The endpoint asks what is open now. */
static void
open_conns(int open[METRICS_CONNS], void *arg)
{
	struct server	*srv = arg;

	http_server_open(srv->http, open);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server	*srv = arg;

	(void)what;
	log_info("signal %d: shutting down", (int)sig);
	http_server_stop(srv->http);
	event_base_loopexit(srv->base, NULL);
}

int
server_run(struct node *n, const char *dir)
{
	struct server		 srv;
	struct chores		*chores = NULL;
	struct sync		*sync = NULL;
	struct ui		*ui = NULL;
	int			 rc = -1, ui_failed;

	memset(&srv, 0, sizeof(srv));
	srv.n = n;
	/* A daemon's lines go to the journal (or a file): its form. */
	log_daemon();
	signal(SIGPIPE, SIG_IGN);
	if ((srv.base = event_base_new()) == NULL ||
	    (srv.http = http_server_new(n, srv.base, &api_handlers)) == NULL)
		goto out;
	if ((srv.sigterm = evsignal_new(srv.base, SIGTERM, signal_cb,
	    &srv)) == NULL || (srv.sigint = evsignal_new(srv.base, SIGINT,
	    signal_cb, &srv)) == NULL ||
	    event_add(srv.sigterm, NULL) == -1 ||
	    event_add(srv.sigint, NULL) == -1)
		goto out;
	/* The Prometheus endpoint (listen_metrics), on this loop. */
	if (metrics_server_start(n, srv.base, open_conns, &srv,
	    &srv.metrics) == -1)
		goto out;
	/* The browsers' listener (listen_ui), in a thread of its own. */
	if ((ui = ui_start(n, dir, &ui_failed)) == NULL && ui_failed)
		goto out;
	if ((sync = sync_start(dir, n->user)) == NULL)
		goto out;
	if ((chores = chores_start(dir, n->user)) == NULL)
		goto out;
	log_info("serving %s on %s (%s)", n->cfg.region, n->cfg.listen,
	    n->cfg.url);
	event_base_dispatch(srv.base);
	rc = 0;
out:
	chores_stop(chores);
	ui_stop(ui);
	sync_stop(sync);
	metrics_server_free(srv.metrics);
	http_server_free(srv.http);
	if (srv.sigterm != NULL)
		event_free(srv.sigterm);
	if (srv.sigint != NULL)
		event_free(srv.sigint);
	if (srv.base != NULL)
		event_base_free(srv.base);
	return (rc);
}
