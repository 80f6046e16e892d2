/*
 * node/server.c: 'opora serve': the HTTPS server (node/http.c, answering
 * with node/api.c), the pullers (node/sync.c) and the statistics
 * publisher, on one event loop.  See server.h.
 */
#include <signal.h>
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

#define STATS_TICK_MS	1000	/* how often statistics look due */

struct server {
	struct node		*n;
	struct event_base	*base;
	struct http_server	*http;
	struct metrics_server	*metrics;	/* NULL: listen_metrics off */
	struct event		*sigterm, *sigint, *tick;
	uint64_t		 next_stats;	/* when to publish statistics */
	uint64_t		 next_release;	/* when to look again */
	uint64_t		 next_retention;	/* when to erase again */
};

/* Retention runs when serve starts and then once a day. */
#define RETENTION_EVERY_MS	(24ULL * 3600 * 1000)

/* Erase the dossiers whose retention_years ran out (node/erase.h). */
static void
retain(struct server *srv, uint64_t now)
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
release_stats(struct server *srv, uint64_t now)
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
publish_stats(struct server *srv, uint64_t now)
{
	struct node	*n = srv->n;
	time_t		 t = time(NULL);
	struct tm	 tm;
	int		 y, year;

	srv->next_stats = now + (uint64_t)n->cfg.stats_interval * 3600000ULL;
	gmtime_r(&t, &tm);
	year = tm.tm_year + 1900;
	for (y = tm.tm_mon < 3 ? 1 : 0; y >= 0; y--)
		publish_year(n, year - y);
	/* A small node's dashboard counts such a year on the request. */
	if (store_stats_persons(n->st) <= STATS_DASH_LIVE_MAX)
		return;
	for (y = STATS_DASH_YEARS - 1; y >= (tm.tm_mon < 3 ? 2 : 1); y--)
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

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;

	(void)fd;
	(void)what;
	/* Wall-clock time: the due time is kept across restarts. */
	if (srv->next_stats != 0 && node_now_ms() >= srv->next_stats)
		publish_stats(srv, node_now_ms());
	if (srv->next_release <= node_now_ms())
		release_stats(srv, node_now_ms());
	if (srv->next_retention <= node_now_ms())
		retain(srv, node_now_ms());
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
	struct timeval		 tick = { STATS_TICK_MS / 1000,
				    (STATS_TICK_MS % 1000) * 1000 };
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
	    signal_cb, &srv)) == NULL || (srv.tick = event_new(srv.base, -1,
	    EV_PERSIST, tick_cb, &srv)) == NULL ||
	    event_add(srv.sigterm, NULL) == -1 ||
	    event_add(srv.sigint, NULL) == -1 ||
	    event_add(srv.tick, &tick) == -1)
		goto out;
	srv.next_stats = stats_due(n);
	/* The Prometheus endpoint (listen_metrics), on this loop. */
	if (metrics_server_start(n, srv.base, open_conns, &srv,
	    &srv.metrics) == -1)
		goto out;
	/* The browsers' listener (listen_ui), in a thread of its own. */
	if ((ui = ui_start(n, dir, &ui_failed)) == NULL && ui_failed)
		goto out;
	if ((sync = sync_start(dir, n->user)) == NULL)
		goto out;
	log_info("serving %s on %s (%s)", n->cfg.region, n->cfg.listen,
	    n->cfg.url);
	event_base_dispatch(srv.base);
	rc = 0;
out:
	ui_stop(ui);
	sync_stop(sync);
	metrics_server_free(srv.metrics);
	http_server_free(srv.http);
	if (srv.tick != NULL)
		event_free(srv.tick);
	if (srv.sigterm != NULL)
		event_free(srv.sigterm);
	if (srv.sigint != NULL)
		event_free(srv.sigint);
	if (srv.base != NULL)
		event_base_free(srv.base);
	return (rc);
}
