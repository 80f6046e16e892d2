/*
 * node/api.c: routing and the handlers of the server.  See api.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "node/api.h"
#include "node/entropy.h"
#include "node/epoch.h"
#include "node/fedstats.h"
#include "node/feed.h"
#include "node/http.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/snapshot.h"
#include "protocol/wire.h"

#define SNAPSHOTS_PER_PAGE	20	/* snapshots in one /v1/snapshots */

/* A feed request, kept while it long-polls. */
struct feed_req {
	int64_t		 since;
	/* Read up to here with nothing for the peer: a long poll woken by
	 * news reads on from here (what the peer becomes entitled to before
	 * it comes whole with the change that entitles it). */
	int64_t		 from;
	int		 flags;		/* feed_build's */
	int64_t		 limit;
	int64_t		 wait;
};

/* Why nothing is served while a stored change fails its hash check. */
#define CORRUPTED	"a change stored on this node is damaged (it does " \
    "not match its id); nothing is served until its admin restores it"

static int64_t	api_head = -1;	/* the newest feed number seen */

static const char *const FEED_KEYS[] = { "since", "limit", "wait", NULL };
static const char *const SNAPSHOT_KEYS[] = { "since", NULL };
static const char *const SUMMARY_KEYS[] = { "after", "limit", NULL };
static const char *const QUERY_KEYS[] = { "indicator", "period", "by",
    "format", "release", NULL };
static const char *const FLOWS_KEYS[] = { "period", "level", "format",
    "release", NULL };
static const char *const COVERAGE_KEYS[] = { "period", "format", "release",
    NULL };
static const char *const RELEASES_KEYS[] = { NULL };

/* Answer a feed request, or (with news still to come) let it wait. */
static void
serve_feed(struct http_conn *c, bool expired)
{
	struct feed_req	*fr = http_conn_data(c);
	struct buf	 b;
	int64_t		 next;
	int		 served;

	buf_init(&b, LIMIT_FEED_BYTES);
	if (feed_build(http_conn_node(c), http_conn_peer(c), fr->from,
	    (int)fr->limit, fr->flags, &b, &next, &served) == -1) {
		buf_free(&b);
		if (feed_corrupted(http_conn_node(c)))
			http_error(c, 500, "corrupted", CORRUPTED);
		else
			http_error(c, 500, "internal", "the feed could not be "
			    "read");
		return;
	}
	/* Nothing for the peer: wait for it, if it asked to.  (next may be
	 * past since: the log grew with changes that are not for it.) */
	if (served == 0 && fr->wait > 0 && !expired) {
		fr->from = next;
		buf_free(&b);
		if (!http_parked(c))
			(void)http_park(c, (int)fr->wait);
		return;
	}
	/* The page is handed over, not copied (node/http.h). */
	http_respond_take(c, 200, "application/json", b.data, b.len);
	b.data = NULL;
	buf_free(&b);
}

static void
feed(struct http_conn *c, const struct http_request *rq)
{
	struct feed_req	*fr;

	if ((fr = calloc(1, sizeof(*fr))) == NULL) {
		http_error(c, 500, "internal", "out of memory");
		return;
	}
	fr->limit = LIMIT_FEED_DEFAULT;
	http_conn_set_data(c, fr, free);
	if (http_query_only(rq->query, rq->query_len, FEED_KEYS) == -1 ||
	    http_query_num(rq->query, rq->query_len, "since", 0, JCS_INT_MAX,
	    &fr->since) == -1 ||
	    http_query_num(rq->query, rq->query_len, "limit", 1,
	    LIMIT_FEED_MAX, &fr->limit) == -1 ||
	    http_query_num(rq->query, rq->query_len, "wait", 0,
	    LIMIT_FEED_WAIT, &fr->wait) == -1) {
		http_error(c, 400, "bad_request", "the query takes since "
		    "(a feed number), limit (1-5000) and wait (0-60 seconds)");
		return;
	}
	fr->from = fr->since;
	/* The peer holds every change its region wrote: no echo. */
	fr->flags = rq->own_held ? FEED_SKIP_OWN : 0;
	serve_feed(c, false);
}

static void
resume(struct http_conn *c, bool expired)
{
	serve_feed(c, expired);
}

static bool
news(struct node *n)
{
	int64_t	 head = feed_head(n);
	bool	 changed = head != api_head;

	api_head = head;
	return (changed);
}

/* Who sent a statistics request, for the log: the researcher, the peer,
 * or a client this node does not know. */
static void
stats_who(struct http_conn *c, char *out, size_t sz)
{
	if (http_conn_researcher(c)[0] != '\0')
		snprintf(out, sz, "researcher:%s", http_conn_researcher(c));
	else if (http_conn_peer(c)[0] != '\0')
		snprintf(out, sz, "peer:%s", http_conn_peer(c));
	else
		snprintf(out, sz, "unknown client (no registered certificate)");
}

/* Refuse a statistics request with status and msg (the server's own
 * words), and log it with what was asked, escaped. */
static void
stats_refuse(struct http_conn *c, const struct http_request *rq,
    const char *whom, int status, const char *code, const char *msg)
{
	char	 raw[ESC_LONG], esc[ESC_LONG], note[2 * ESC_LONG];
	size_t	 n = rq->path_len < sizeof(raw) - 1 ? rq->path_len :
		    sizeof(raw) - 1;

	memcpy(raw, rq->path, n);
	raw[n] = '\0';
	esc_str(raw, esc, sizeof(esc));
	snprintf(note, sizeof(note), "refused %d: %s", status, esc);
	if (rq->query_len > 0) {
		n = rq->query_len < sizeof(raw) - 1 ? rq->query_len :
		    sizeof(raw) - 1;
		memcpy(raw, rq->query, n);
		raw[n] = '\0';
		esc_str(raw, esc, sizeof(esc));
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
		    "?%s", esc);
	}
	fedstats_log(http_conn_node(c)->st, whom, note, 0, status);
	http_error(c, status, code, msg);
}

/* What is wrong with a refused query, in the server's own words. */
static const char *
stats_refusal(const char *ind, const char *period)
{
	size_t	 pl = strlen(period);

	if (snapshot_indicator_find(ind) == NULL)
		return ("unknown indicator: see docs/statistics.md for the "
		    "list");
	if ((pl != 4 && pl != 7) || snapshot_year(period) == -1 ||
	    (pl == 7 && (period[4] != '-' || period[5] != 'Q' ||
	    period[6] < '1' || period[6] > '4')))
		return ("the period must be a year (2025) or a quarter "
		    "(2025-Q1)");
	return ("by takes dimensions only, and what was asked is not a "
	    "dimension: use region or district (not both), sex, birth_band, "
	    "comma-separated");
}

enum stats_what { SW_QUERY, SW_FLOWS, SW_COVERAGE, SW_RELEASES, SW_NONE };

static enum stats_what
stats_what_of(const char *w, size_t n)
{
	static const char *const names[] = { "query", "flows", "coverage",
	    "releases" };
	int	 i;

	for (i = 0; i < SW_NONE; i++)
		if (n == strlen(names[i]) && memcmp(w, names[i], n) == 0)
			return ((enum stats_what)i);
	return (SW_NONE);
}

/*
 * GET /v1/stats/query?indicator=&period=&by=&format=&release=,
 * GET /v1/stats/flows?period=&level=&format=&release=,
 * GET /v1/stats/coverage?period=&format=&release= and
 * GET /v1/stats/releases: the federal node answers the researchers it
 * registered, from its releases (node/fedstats.h).  Every request to
 * the federal node's statistics, answered or refused, is logged with who
 * sent it.
 */
static void
stats(struct http_conn *c, const struct http_request *rq)
{
	static const char *const *const keys[] = { QUERY_KEYS, FLOWS_KEYS,
	    COVERAGE_KEYS, RELEASES_KEYS };
	struct node		*n = http_conn_node(c);
	struct fedstats_query	 fq;
	struct fedstats_result	 r;
	struct buf		 b;
	const char		*q = rq->query;
	size_t			 ql = rq->query_len;
	enum stats_what		 sw = stats_what_of(rq->path + 10,
				    rq->path_len - 10);
	char			 ind[40] = "", by[64] = "", period[16] = "";
	char			 fmt[8], level[16] = "district", why[256];
	char			 whom[96];
	int64_t			 year, release = 0;
	int			 k, kb;

	if (strcmp(n->cfg.region, "RU-FED") != 0) {
		http_error(c, 404, "not_found", "statistics are answered "
		    "by the federal node only");
		return;
	}
	stats_who(c, whom, sizeof(whom));
	if (http_conn_researcher(c)[0] == '\0') {
		stats_refuse(c, rq, whom, 403, "forbidden", "the statistics "
		    "API answers researchers registered on this node ('opora "
		    "researcher add'); present your certificate");
		return;
	}
	if (sw == SW_NONE) {
		stats_refuse(c, rq, whom, 404, "not_found", "no such "
		    "resource: use /v1/stats/query, /v1/stats/flows, "
		    "/v1/stats/coverage or /v1/stats/releases");
		return;
	}
	if (sw == SW_RELEASES) {
		buf_init(&b, (size_t)16 << 20);
		if (http_query_only(q, ql, RELEASES_KEYS) == -1)
			stats_refuse(c, rq, whom, 400, "bad_request",
			    "releases takes no parameters");
		else if (fedstats_releases_json(n, false, &b) == -1) {
			fedstats_log(n->st, whom, "releases", 0, 500);
			http_error(c, 500, "internal", "the releases could "
			    "not be read");
		} else {
			fedstats_log(n->st, whom, "releases", 0, 200);
			http_respond(c, 200, "application/json", b.data,
			    b.len);
		}
		buf_free(&b);
		return;
	}
	if ((k = http_query_get(q, ql, "format", fmt, sizeof(fmt))) == 1)
		snprintf(fmt, sizeof(fmt), "json");
	kb = 1;
	if (http_query_only(q, ql, keys[sw]) == -1 || k == -1 ||
	    (strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0) ||
	    http_query_get(q, ql, "period", period, sizeof(period)) != 0 ||
	    (sw == SW_QUERY && http_query_get(q, ql, "indicator", ind,
	    sizeof(ind)) != 0) ||
	    (sw == SW_QUERY && (kb = http_query_get(q, ql, "by", by,
	    sizeof(by))) == -1) ||
	    (sw == SW_FLOWS && http_query_get(q, ql, "level", level,
	    sizeof(level)) == -1) ||
	    http_query_num(q, ql, "release", 1, INT64_MAX / 2, &release) ==
	    -1) {
		stats_refuse(c, rq, whom, 400, "bad_request", sw == SW_FLOWS ?
		    "flows takes period (a year), level (district or region), "
		    "release and format (json or csv)" : sw == SW_COVERAGE ?
		    "coverage takes period, release and format (json or csv)" :
		    "query takes indicator, period, by (region, district, "
		    "sex, birth_band, comma-separated), release and format "
		    "(json or csv)");
		return;
	}
	if (kb == 1)
		by[0] = '\0';
	if (sw == SW_FLOWS) {
		if (num_parse_str(period, 1900, 2999, &year) == -1 ||
		    (strcmp(level, "district") != 0 &&
		    strcmp(level, "region") != 0)) {
			stats_refuse(c, rq, whom, 400, "bad_request", "flows "
			    "takes period (a year, such as 2025) and level "
			    "(district or region)");
			return;
		}
		k = fedstats_flows(n, (int)year, strcmp(level, "region") == 0,
		    release, whom, &r, why, sizeof(why));
	} else if (sw == SW_COVERAGE) {
		if (fedstats_parse("counted", NULL, period, &fq, why,
		    sizeof(why)) == -1) {
			stats_refuse(c, rq, whom, 400, "bad_request",
			    stats_refusal("counted", period));
			return;
		}
		k = fedstats_coverage(n, period, release, whom, &r, why,
		    sizeof(why));
	} else {
		if (fedstats_parse(ind, by, period, &fq, why,
		    sizeof(why)) == -1) {
			/* The reason names what was sent: it goes to the
			 * query log, escaped, and never back. */
			stats_refuse(c, rq, whom, 400, "bad_request",
			    stats_refusal(ind, period));
			return;
		}
		fq.release = release;
		k = fedstats_run(n, &fq, whom, &r, why, sizeof(why));
	}
	if (k == FEDSTATS_NONE) {
		http_error(c, 404, "not_found", "no such release: the federal "
		    "node has not released statistics yet, or not that one "
		    "(GET /v1/stats/releases lists them)");
		return;
	}
	if (k == -1) {
		log_warnx("statistics for %s: %s", whom, why);
		http_error(c, 500, "internal", "the statistics could not be "
		    "computed; the node's log says why");
		return;
	}
	buf_init(&b, (size_t)64 << 20);
	if ((strcmp(fmt, "csv") == 0 ? fedstats_csv(&r, &b) :
	    fedstats_json(&r, &b)) == -1)
		http_error(c, 500, "internal", "the answer could not be "
		    "written");
	else
		http_respond(c, 200, strcmp(fmt, "csv") == 0 ?
		    "text/csv; charset=utf-8" : "application/json", b.data,
		    b.len);
	buf_free(&b);
	fedstats_result_free(&r);
}

/* Base64 of len bytes as a new cJSON string; NULL when out of memory. */
static cJSON *
b64_string(const void *p, size_t len)
{
	struct buf	 b;
	cJSON		*v = NULL;

	buf_init(&b, len / 3 * 4 + 8);
	wire_b64_add(&b, p, len);
	if (buf_add(&b, "", 1) == 0 && !buf_failed(&b))
		v = cJSON_CreateString(b.data);
	buf_free(&b);
	return (v);
}

/* A page of snapshots being made. */
struct snap_page {
	cJSON		*a;
	int64_t		 last;
	size_t		 bytes;
	int		 count;
};

/* One snapshot added to the page: 0, 1 when the page is full (or the
 * snapshot is damaged: it ends the page), -1 out of memory. */
static int
snapshot_item(const struct store_snapshot_row *row, void *arg)
{
	struct snap_page *pg = arg;
	cJSON		*o, *v;

	if (row->sig == NULL)
		return (1);
	pg->last = row->seq;
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(pg->a, o);
	if ((v = b64_string(row->bytes, row->len)) == NULL)
		return (-1);
	cJSON_AddItemToObject(o, "bytes", v);
	if (cJSON_AddNumberToObject(o, "seq", (double)row->seq) == NULL ||
	    (v = b64_string(row->sig, SIG_LEN)) == NULL)
		return (-1);
	cJSON_AddItemToObject(o, "sig", v);
	pg->bytes += row->len;
	if (++pg->count == SNAPSHOTS_PER_PAGE ||
	    pg->bytes > LIMIT_FEED_BYTES / 3)
		return (1);
	return (0);
}

/*
 * GET /v1/snapshots?since=N: this region's statistics snapshots after
 * number N, for the federal node only (docs/protocol.md section 11).
 */
static void
snapshots(struct http_conn *c, const struct http_request *rq)
{
	struct node	*n = http_conn_node(c);
	struct snap_page pg = { NULL, 0, 0, 0 };
	cJSON		*v = NULL;
	int64_t		 since = 0, last;
	size_t		 bytes = 0;
	int		 count = 0, rc = -1;

	if (strcmp(http_conn_peer(c), "RU-FED") != 0) {
		http_error(c, 403, "forbidden", "a region's statistics "
		    "snapshots go to the federal node (RU-FED) only");
		return;
	}
	if (http_query_only(rq->query, rq->query_len, SNAPSHOT_KEYS) == -1 ||
	    http_query_num(rq->query, rq->query_len, "since", 0, JCS_INT_MAX,
	    &since) == -1) {
		http_error(c, 400, "bad_request", "the query takes since "
		    "(a snapshot number)");
		return;
	}
	pg.last = since;
	if ((v = cJSON_CreateObject()) == NULL ||
	    (pg.a = cJSON_AddArrayToObject(v, "snapshots")) == NULL)
		goto out;
	if (store_snapshot_each(n->st, n->cfg.region, since,
	    SNAPSHOTS_PER_PAGE, snapshot_item, &pg) == -1)
		goto out;
	last = pg.last;
	count = pg.count;
	bytes = pg.bytes;
	if (cJSON_AddBoolToObject(v, "more", count == SNAPSHOTS_PER_PAGE ||
	    bytes > LIMIT_FEED_BYTES / 3) == NULL ||
	    cJSON_AddNumberToObject(v, "next", (double)last) == NULL)
		goto out;
	rc = 0;
out:
	if (rc == 0)
		http_respond_json(c, 200, v);
	else
		http_error(c, 500, "internal", "the snapshots could not be "
		    "read");
	cJSON_Delete(v);
}

static void
health(struct http_conn *c)
{
	struct node	*n = http_conn_node(c);
	cJSON		*v;
	char		 epoch[EPOCH_HEX + 1];

	if (epoch_get(n->st, epoch) == -1) {
		http_error(c, 500, "internal", "the feed epoch could not be "
		    "read");
		return;
	}
	if ((v = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(v, "epoch", epoch) == NULL ||
	    cJSON_AddNumberToObject(v, "feed", (double)feed_head(n)) == NULL ||
	    cJSON_AddStringToObject(v, "region", n->cfg.region) == NULL ||
	    cJSON_AddStringToObject(v, "status", "ok") == NULL)
		http_error(c, 500, "internal", "out of memory");
	else
		http_respond_json(c, 200, v);
	cJSON_Delete(v);
}

/* GET /v1/dossiers/<uuid>/changes */
static void
dossier(struct http_conn *c, const char *uuid)
{
	struct buf	 b;
	char		 id[37];
	int		 r;

	memcpy(id, uuid, 36);
	id[36] = '\0';
	buf_init(&b, LIMIT_FEED_BYTES);
	r = feed_dossier(http_conn_node(c), http_conn_peer(c), id, &b);
	if (r == 0)
		http_respond(c, 200, "application/json", b.data, b.len);
	else if (r == 1)
		http_error(c, 404, "not_found", "no such dossier for this "
		    "peer");
	else if (feed_corrupted(http_conn_node(c)))
		http_error(c, 500, "corrupted", CORRUPTED);
	else
		http_error(c, 500, "internal", "the dossier could not be "
		    "read");
	buf_free(&b);
}

/*
 * GET /v1/summary, GET /v1/summary/dossiers?after=ID&limit=L and GET
 * /v1/summary/offers?after=ID&limit=L: what this node holds of the
 * dossiers the peer and it are both entitled to, and of the offers between
 * them, for anti-entropy (node/entropy.h, docs/protocol.md section 9).
 * page: 0 the summary, 1 a page of dossiers, 2 a page of offers.
 */
static void
summary(struct http_conn *c, const struct http_request *rq, int page)
{
	struct buf	 b;
	char		 after[37] = "";
	int64_t		 limit = ENTROPY_PAGE_DEFAULT;
	int		 k, r;

	if (!page && rq->query_len > 0) {
		http_error(c, 400, "bad_request", "the summary takes no query; "
		    "its pages are /v1/summary/dossiers?after=ID&limit=N");
		return;
	}
	if (page && (http_query_only(rq->query, rq->query_len,
	    SUMMARY_KEYS) == -1 || (k = http_query_get(rq->query,
	    rq->query_len, "after", after, sizeof(after))) == -1 ||
	    (k == 0 && !fields_uuid_valid(after, strlen(after))) ||
	    http_query_num(rq->query, rq->query_len, "limit", 1,
	    ENTROPY_PAGE_MAX, &limit) == -1)) {
		http_error(c, 400, "bad_request", "the query takes after (a "
		    "dossier id) and limit (1-5000)");
		return;
	}
	buf_init(&b, page ? ENTROPY_PAGE_BYTES : ENTROPY_ROOT_BYTES);
	r = page == 2 ? entropy_offers_page(http_conn_node(c),
	    http_conn_peer(c), after, (int)limit, &b) : page == 1 ?
	    entropy_page(http_conn_node(c), http_conn_peer(c), after,
	    (int)limit, &b) : entropy_summary(http_conn_node(c),
	    http_conn_peer(c), &b);
	if (r == 0)
		http_respond(c, 200, "application/json", b.data, b.len);
	else
		http_error(c, 500, "internal", "the summary could not be "
		    "read");
	buf_free(&b);
}

static bool
path_is(const struct http_request *rq, const char *p)
{
	return (rq->path_len == strlen(p) && memcmp(rq->path, p,
	    rq->path_len) == 0);
}

/* Route one parsed request. */
static void
request(struct http_conn *c, const struct http_request *rq)
{
	const char	*p = rq->path;
	size_t		 plen = rq->path_len;

	if (path_is(rq, "/v1/health")) {
		health(c);
		return;
	}
	if (plen > 10 && memcmp(p, "/v1/stats/", 10) == 0) {
		stats(c, rq);
		return;
	}
	if (http_conn_peer(c)[0] == '\0') {
		http_error(c, 403, "forbidden", "this node answers only "
		    "its peers; present the certificate your card pins");
		return;
	}
	if (path_is(rq, "/v1/snapshots")) {
		snapshots(c, rq);
		return;
	}
	if (path_is(rq, "/v1/feed")) {
		feed(c, rq);
		return;
	}
	if (path_is(rq, "/v1/summary") || path_is(rq,
	    "/v1/summary/dossiers") || path_is(rq, "/v1/summary/offers")) {
		summary(c, rq, plen == 11 ? 0 : path_is(rq,
		    "/v1/summary/offers") ? 2 : 1);
		return;
	}
	if (plen == 13 + 36 + 8 && memcmp(p, "/v1/dossiers/", 13) == 0 &&
	    memcmp(p + 13 + 36, "/changes", 8) == 0 &&
	    fields_uuid_valid(p + 13, 36)) {
		dossier(c, p + 13);
		return;
	}
	http_error(c, 404, "not_found", "no such resource");
}

const struct http_handlers api_handlers = {
	.request = request,
	.news = news,
	.resume = resume,
};
