/*
 * node/server.c: the HTTPS server.  See server.h.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "node/fedstats.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/server.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/sync.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/snapshot.h"
#include "protocol/log.h"
#include "protocol/tls.h"
#include "protocol/wire.h"

#define TICK_MS		100	/* how often long polls look for news */

struct conn;

struct server {
	struct node		*n;
	struct event_base	*base;
	SSL_CTX			*ctx;
	struct evconnlistener	*lis;
	struct event		*sigterm, *sigint, *tick;
	struct conn		*conns;		/* every open connection */
	int			 nconn;
	int64_t			 head;		/* newest feed number seen */
	uint64_t		 next_stats;	/* when to publish statistics */
};

struct conn {
	struct server		*srv;
	struct bufferevent	*bev;
	SSL			*ssl;
	struct event		*deadline;
	struct conn		*next, *prev;
	char			 peer[16];	/* region of the pinned client */
	char			 researcher[64];	/* or a researcher's name */
	char			 addr[INET6_ADDRSTRLEN + 8];
	char			 path[64];	/* for the log line */
	uint64_t		 start_ms;
	/* A feed request, kept while it long-polls. */
	bool			 waiting;
	uint64_t		 wait_until_ms;
	int64_t			 since;
	int			 limit;
	bool			 closing;
};

static int	conn_idx = -1;		/* SSL ex_data slot for the conn */

static void	conn_free(struct conn *);
static void	respond(struct conn *, int, const char *, size_t);
static void	respond_type(struct conn *, int, const char *, const char *,
		    size_t);
static void	respond_error(struct conn *, int, const char *, const char *);

static const char *
status_text(int status)
{
	switch (status) {
	case 200: return ("OK");
	case 400: return ("Bad Request");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 413: return ("Payload Too Large");
	case 414: return ("URI Too Long");
	case 431: return ("Request Header Fields Too Large");
	case 500: return ("Internal Server Error");
	case 503: return ("Service Unavailable");
	default: return ("Error");
	}
}

static const char SQL_RESEARCHER_BY_PIN[] =
    "SELECT name FROM researchers WHERE pin = ? AND revoked = 0";

/*
 * The client's certificate is accepted when its public key is a peer's
 * pin; chains and authorities play no part.  Runs during the handshake.
 */
static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL		*ssl;
	struct conn	*c;
	sqlite3_stmt	*s;
	X509		*crt;
	char		 pin[TLS_PIN_LEN + 1];
	const char	*region;
	int		 found = 0;

	(void)ok;
	if (X509_STORE_CTX_get_error_depth(x) != 0)
		return (1);
	ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (c = SSL_get_ex_data(ssl, conn_idx)) == NULL ||
	    (crt = X509_STORE_CTX_get_current_cert(x)) == NULL ||
	    tls_pin_x509(crt, pin) == -1)
		return (0);
	/* A peer's current TLS key, or the next one its card announces. */
	found = store_region_by_pin(c->srv->n->st, pin, c->peer) == 0;
	/* The federal node also answers the researchers it registered. */
	if (!found && strcmp(c->srv->n->cfg.region, "RU-FED") == 0 &&
	    (s = store_stmt(c->srv->n->st, SQL_RESEARCHER_BY_PIN)) != NULL) {
		sqlite3_bind_text(s, 1, pin, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW &&
		    (region = (const char *)sqlite3_column_text(s, 0)) !=
		    NULL && strlen(region) < sizeof(c->researcher)) {
			memcpy(c->researcher, region, strlen(region) + 1);
			found = 1;
		}
		sqlite3_reset(s);
	}
	if (!found)
		log_warnx("%s: refused a client certificate that no peer's "
		    "card pins (%s)", c->addr, pin);
	return (found);
}

static SSL_CTX *
ctx_new(struct node *n)
{
	SSL_CTX	*ctx;
	char	 crt[4096], key[4096];

	if (node_path(n, "tls.crt", crt, sizeof(crt)) == -1 ||
	    node_path(n, "tls.key", key, sizeof(key)) == -1)
		return (NULL);
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_use_certificate_file(ctx, crt, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		log_ssl("TLS set-up with %s", crt);
		SSL_CTX_free(ctx);
		return (NULL);
	}
	/* Ask for a certificate; one that is not a peer's fails the
	 * handshake.  None at all is allowed for /v1/health alone. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return (ctx);
}

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void
set_deadline(struct conn *c, int seconds)
{
	struct timeval	 tv = { seconds, 0 };

	evtimer_add(c->deadline, &tv);
}

/* Parse a decimal in [min, max]: all of s[0..len), no sign, no spaces. */
static int
parse_num(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	long long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 18)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

static void
serve_feed(struct conn *c)
{
	struct buf	 b;
	int64_t		 next;

	buf_init(&b, LIMIT_FEED_BYTES);
	if (feed_build(c->srv->n, c->peer, c->since, c->limit, &b,
	    &next) == -1) {
		buf_free(&b);
		respond_error(c, 500, "internal", "the feed could not be read");
		return;
	}
	/* Nothing new: wait for it, if the peer asked to. */
	if (next == c->since && c->wait_until_ms > now_ms()) {
		c->waiting = true;
		buf_free(&b);
		return;
	}
	c->waiting = false;
	respond(c, 200, b.data, b.len);
	buf_free(&b);
}

/* The value of key in query string q (after '?'), percent-decoded into
 * out; 0, 1 if absent, -1 if malformed or too long. */
static int
query_get(const char *q, const char *key, char *out, size_t outsz)
{
	const char	*p, *amp, *eq, *v;
	size_t		 klen = strlen(key), n = 0;
	int		 hi, lo;

	for (p = q; p != NULL && *p != '\0'; p = amp != NULL ? amp + 1 :
	    NULL) {
		amp = strchr(p, '&');
		if ((eq = strchr(p, '=')) == NULL || (amp != NULL && eq > amp))
			return (-1);
		if ((size_t)(eq - p) != klen || strncmp(p, key, klen) != 0)
			continue;
		for (v = eq + 1; *v != '\0' && *v != '&'; v++) {
			if (n + 1 >= outsz)
				return (-1);
			if (*v == '%' && v[1] != '\0' && v[2] != '\0') {
				hi = v[1] >= 'a' ? v[1] - 'a' + 10 : v[1] >=
				    'A' ? v[1] - 'A' + 10 : v[1] - '0';
				lo = v[2] >= 'a' ? v[2] - 'a' + 10 : v[2] >=
				    'A' ? v[2] - 'A' + 10 : v[2] - '0';
				if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
					return (-1);
				out[n++] = (char)(hi * 16 + lo);
				v += 2;
			} else if (*v == '%')
				return (-1);
			else
				out[n++] = *v == '+' ? ' ' : *v;
		}
		out[n] = '\0';
		return (0);
	}
	return (1);
}

/*
 * GET /v1/stats/query?indicator=&period=&by=&format= and
 * GET /v1/stats/flows?period=&level=&format=: the federal node answers the
 * researchers it registered, with disclosure control (node/fedstats.c).
 */
static void
serve_stats(struct conn *c, const char *what, size_t wlen, const char *q)
{
	struct fedstats_query	 fq;
	struct fedstats_result	 r;
	struct buf		 b;
	char			 ind[40], by[64], period[16], fmt[8];
	char			 level[16], why[256], who[96];
	bool			 flows = wlen == 5 && strncmp(what, "flows",
				    5) == 0;
	int			 k;

	if (strcmp(c->srv->n->cfg.region, "RU-FED") != 0) {
		respond_error(c, 404, "not_found", "statistics are answered "
		    "by the federal node only");
		return;
	}
	if (c->researcher[0] == '\0') {
		respond_error(c, 403, "forbidden", "the statistics API answers "
		    "researchers registered on this node ('opora researcher "
		    "add'); present your certificate");
		return;
	}
	if (!flows && !(wlen == 5 && strncmp(what, "query", 5) == 0)) {
		respond_error(c, 404, "not_found", "no such resource: use "
		    "/v1/stats/query or /v1/stats/flows");
		return;
	}
	q = q != NULL ? q + 1 : "";
	if ((k = query_get(q, "format", fmt, sizeof(fmt))) == 1)
		snprintf(fmt, sizeof(fmt), "json");
	if (k == -1 || (strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0) ||
	    query_get(q, "period", period, sizeof(period)) != 0 ||
	    (!flows && query_get(q, "indicator", ind, sizeof(ind)) != 0) ||
	    (k = query_get(q, "by", by, sizeof(by))) == -1 ||
	    (flows && (k = query_get(q, "level", level, sizeof(level))) ==
	    -1)) {
		respond_error(c, 400, "bad_request", flows ? "flows takes "
		    "period (a year), level (district or region) and format "
		    "(json or csv)" : "query takes indicator, period, by "
		    "(region, district, sex, birth_year, comma-separated) and "
		    "format (json or csv)");
		return;
	}
	if (!flows && query_get(q, "by", by, sizeof(by)) == 1)
		by[0] = '\0';
	if (flows && k == 1)
		snprintf(level, sizeof(level), "district");
	snprintf(who, sizeof(who), "researcher:%s", c->researcher);
	if (flows) {
		if (strlen(period) != 4 || snapshot_year(period) == -1 ||
		    (strcmp(level, "district") != 0 &&
		    strcmp(level, "region") != 0)) {
			respond_error(c, 400, "bad_request", "flows takes "
			    "period (a year, such as 2025) and level (district "
			    "or region)");
			return;
		}
		k = fedstats_flows(c->srv->n, snapshot_year(period),
		    strcmp(level, "region") == 0, who, &r, why, sizeof(why));
	} else {
		if (fedstats_parse(ind, by, period, &fq, why,
		    sizeof(why)) == -1) {
			char	 note[300];

			snprintf(note, sizeof(note), "refused: %.250s", why);
			fedstats_log(c->srv->n->st, who, note, 0);
			respond_error(c, 400, "bad_request", why);
			return;
		}
		k = fedstats_run(c->srv->n, &fq, who, &r, why,
		    sizeof(why));
	}
	if (k == -1) {
		respond_error(c, 500, "internal", why);
		return;
	}
	buf_init(&b, (size_t)64 << 20);
	if ((strcmp(fmt, "csv") == 0 ? fedstats_csv(&r, &b) :
	    fedstats_json(&r, &b)) == -1)
		respond_error(c, 500, "internal", "the answer could not be "
		    "written");
	else
		respond_type(c, 200, strcmp(fmt, "csv") == 0 ?
		    "text/csv; charset=utf-8" : "application/json", b.data,
		    b.len);
	buf_free(&b);
	fedstats_result_free(&r);
}

static const char SQL_SNAPSHOTS_AFTER[] =
    "SELECT seq, bytes, sig FROM snapshots WHERE seq > ? AND region = ?"
    " ORDER BY seq LIMIT 20";

/*
 * GET /v1/snapshots?since=N: this region's statistics snapshots after
 * number N, for the federal node only (docs/protocol.md §11).
 */
static void
serve_snapshots(struct conn *c, const char *q)
{
	sqlite3_stmt	*s;
	struct buf	 b;
	char		 v[24];
	long long	 since = 0, last;
	bool		 first = true;
	int		 n = 0, r;

	if (strcmp(c->peer, "RU-FED") != 0) {
		respond_error(c, 403, "forbidden", "a region's statistics "
		    "snapshots go to the federal node (RU-FED) only");
		return;
	}
	if (q != NULL && (r = query_get(q + 1, "since", v, sizeof(v))) != 1 &&
	    (r == -1 || parse_num(v, strlen(v), 0, JCS_INT_MAX, &since) ==
	    -1)) {
		respond_error(c, 400, "bad_request", "the query takes since "
		    "(a snapshot number)");
		return;
	}
	if ((s = store_stmt(c->srv->n->st, SQL_SNAPSHOTS_AFTER)) == NULL) {
		respond_error(c, 500, "internal", "the snapshots could not be "
		    "read");
		return;
	}
	last = since;
	buf_init(&b, (size_t)SNAPSHOT_MAX_BYTES * 30);
	buf_adds(&b, "{\"snapshots\":[");
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_text(s, 2, c->srv->n->cfg.region, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 2) ==
	    SIG_LEN) {
		last = sqlite3_column_int64(s, 0);
		buf_adds(&b, first ? "{\"bytes\":\"" : ",{\"bytes\":\"");
		first = false;
		wire_b64_add(&b, sqlite3_column_blob(s, 1),
		    (size_t)sqlite3_column_bytes(s, 1));
		buf_addf(&b, "\",\"seq\":%lld,\"sig\":\"", last);
		wire_b64_add(&b, sqlite3_column_blob(s, 2), SIG_LEN);
		buf_adds(&b, "\"}");
		if (++n == 20 || b.len > LIMIT_FEED_BYTES / 2)
			break;
	}
	sqlite3_reset(s);
	buf_addf(&b, "],\"more\":%s,\"next\":%lld}", n == 20 ||
	    b.len > LIMIT_FEED_BYTES / 2 ? "true" : "false", last);
	if (buf_failed(&b))
		respond_error(c, 500, "internal", "the snapshots could not be "
		    "read");
	else
		respond(c, 200, b.data, b.len);
	buf_free(&b);
}

/* Route one parsed request target. */
static void
route(struct conn *c, const char *target)
{
	const char	*q = strchr(target, '?'), *p, *amp, *eq;
	size_t		 plen = q != NULL ? (size_t)(q - target) : strlen(target);
	long long	 since = 0, limit = LIMIT_FEED_DEFAULT, wait = 0, v;
	struct buf	 b;
	char		 id[37];
	int		 r;

	snprintf(c->path, sizeof(c->path), "%.*s", (int)(plen < 60 ? plen :
	    60), target);
	if (plen == 10 && strncmp(target, "/v1/health", 10) == 0) {
		buf_init(&b, 512);
		buf_addf(&b, "{\"feed\":%lld,\"region\":\"%s\",\"status\":"
		    "\"ok\"}", (long long)feed_head(c->srv->n),
		    c->srv->n->cfg.region);
		respond(c, 200, b.data, b.len);
		buf_free(&b);
		return;
	}
	if (plen > 10 && strncmp(target, "/v1/stats/", 10) == 0) {
		serve_stats(c, target + 10, plen - 10, q);
		return;
	}
	if (c->peer[0] == '\0') {
		respond_error(c, 403, "forbidden", "this node answers only "
		    "its peers; present the certificate your card pins");
		return;
	}
	if (plen == 13 && strncmp(target, "/v1/snapshots", 13) == 0) {
		serve_snapshots(c, q);
		return;
	}
	if (plen == 8 && strncmp(target, "/v1/feed", 8) == 0) {
		for (p = q != NULL ? q + 1 : NULL; p != NULL && *p != '\0';
		    p = amp != NULL ? amp + 1 : NULL) {
			amp = strchr(p, '&');
			eq = memchr(p, '=', amp != NULL ? (size_t)(amp - p) :
			    strlen(p));
			if (eq == NULL)
				goto badquery;
			r = -1;
			if ((size_t)(eq - p) == 5 && strncmp(p, "since", 5) ==
			    0)
				r = parse_num(eq + 1, amp != NULL ?
				    (size_t)(amp - eq - 1) : strlen(eq + 1),
				    0, JCS_INT_MAX, &since);
			else if ((size_t)(eq - p) == 5 && strncmp(p, "limit",
			    5) == 0)
				r = parse_num(eq + 1, amp != NULL ?
				    (size_t)(amp - eq - 1) : strlen(eq + 1),
				    1, LIMIT_FEED_MAX, &limit);
			else if ((size_t)(eq - p) == 4 && strncmp(p, "wait",
			    4) == 0)
				r = parse_num(eq + 1, amp != NULL ?
				    (size_t)(amp - eq - 1) : strlen(eq + 1),
				    0, LIMIT_FEED_WAIT, &wait);
			if (r == -1)
				goto badquery;
		}
		c->since = since;
		c->limit = (int)limit;
		c->wait_until_ms = now_ms() + (uint64_t)wait * 1000;
		set_deadline(c, (int)wait + LIMIT_RESPONSE_SECONDS);
		serve_feed(c);
		return;
	}
	/* /v1/dossiers/<uuid>/changes */
	if (plen == 13 + 36 + 8 && strncmp(target, "/v1/dossiers/", 13) == 0 &&
	    strncmp(target + 13 + 36, "/changes", 8) == 0 &&
	    fields_uuid_valid(target + 13, 36)) {
		memcpy(id, target + 13, 36);
		id[36] = '\0';
		buf_init(&b, LIMIT_FEED_BYTES);
		r = feed_dossier(c->srv->n, c->peer, id, &b);
		if (r == 0)
			respond(c, 200, b.data, b.len);
		else if (r == 1)
			respond_error(c, 404, "not_found", "no such dossier "
			    "for this peer");
		else
			respond_error(c, 500, "internal", "the dossier could "
			    "not be read");
		buf_free(&b);
		return;
	}
	(void)v;
	respond_error(c, 404, "not_found", "no such resource");
	return;
badquery:
	respond_error(c, 400, "bad_request", "the query takes since "
	    "(a feed number), limit (1-5000) and wait (0-60 seconds)");
}

/* Parse the request head (NUL-terminated, ends with CRLF CRLF). */
static void
handle(struct conn *c, char *head)
{
	char	*line, *sp1, *sp2, *h, *eol, *colon;
	size_t	 tlen;

	line = head;
	if ((eol = strstr(line, "\r\n")) == NULL)
		goto bad;
	*eol = '\0';
	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		goto bad;
	*sp1 = *sp2 = '\0';
	if (strcmp(sp2 + 1, "HTTP/1.1") != 0 && strcmp(sp2 + 1,
	    "HTTP/1.0") != 0)
		goto bad;
	tlen = strlen(sp1 + 1);
	snprintf(c->path, sizeof(c->path), "?");
	if (strcmp(line, "GET") != 0) {
		respond_error(c, 405, "method_not_allowed", "this API "
		    "answers GET only");
		return;
	}
	if (tlen > LIMIT_URL) {
		respond_error(c, 414, "uri_too_long", "the request target is "
		    "too long");
		return;
	}
	if (sp1[1] != '/')
		goto bad;
	for (h = eol + 2; *h != '\0' && strncmp(h, "\r\n", 2) != 0;
	    h = eol + 2) {
		if ((eol = strstr(h, "\r\n")) == NULL)
			goto bad;
		*eol = '\0';
		if ((colon = strchr(h, ':')) == NULL || colon == h)
			goto bad;
		*colon = '\0';
		if (strcasecmp(h, "Transfer-Encoding") == 0)
			goto body;
		if (strcasecmp(h, "Content-Length") == 0) {
			for (colon++; *colon == ' '; colon++)
				;
			if (strcmp(colon, "0") != 0)
				goto body;
		}
	}
	route(c, sp1 + 1);
	return;
body:
	respond_error(c, 413, "payload_too_large", "this API takes no "
	    "request bodies");
	return;
bad:
	respond_error(c, 400, "bad_request", "malformed HTTP request");
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 end;
	size_t			 len;
	char			*head;

	if (c->closing || c->waiting)
		return;
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0) {
		if (evbuffer_get_length(in) > LIMIT_REQUEST_HEAD)
			respond_error(c, 431, "header_too_large", "the request "
			    "head is larger than 8 KiB");
		return;
	}
	len = (size_t)end.pos + 4;
	if (len > LIMIT_REQUEST_HEAD) {
		respond_error(c, 431, "header_too_large", "the request head "
		    "is larger than 8 KiB");
		return;
	}
	if ((head = malloc(len + 1)) == NULL) {
		conn_free(c);
		return;
	}
	evbuffer_remove(in, head, len);
	head[len] = '\0';
	bufferevent_disable(bev, EV_READ);
	handle(c, head);
	free(head);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) ==
	    0)
		conn_free(c);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;
	unsigned long	 e;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_ERROR) {
		while ((e = bufferevent_get_openssl_error(c->bev)) != 0)
			log_debug("%s: TLS: %s", c->addr,
			    ERR_reason_error_string(e));
	}
	c->ssl = NULL;	/* no close_notify on a broken connection */
	conn_free(c);
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->waiting) {
		c->wait_until_ms = 0;
		serve_feed(c);
		return;
	}
	log_info("%s %s: cut off: too slow", c->addr, c->peer[0] ? c->peer :
	    "-");
	conn_free(c);
}

static void
respond(struct conn *c, int status, const char *body, size_t len)
{
	respond_type(c, status, "application/json", body, len);
}

static void
respond_type(struct conn *c, int status, const char *type, const char *body,
    size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n\r\n", status, status_text(status),
	    type, len);
	evbuffer_add(out, body, len);
	log_info("%s %s GET %s %d %zu bytes %llu ms", c->addr,
	    c->peer[0] ? c->peer : c->researcher[0] ? c->researcher : "-",
	    c->path, status, len,
	    (unsigned long long)(now_ms() - c->start_ms));
	c->closing = true;
	c->waiting = false;
	bufferevent_disable(c->bev, EV_READ);
	set_deadline(c, LIMIT_RESPONSE_SECONDS);
	bufferevent_enable(c->bev, EV_WRITE);
}

/* Error bodies never echo what the client sent. */
static void
respond_error(struct conn *c, int status, const char *code, const char *msg)
{
	char	 body[512];
	int	 n;

	n = snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\","
	    "\"message\":\"%s\"}}", code, msg);
	respond(c, status, body, n > 0 && (size_t)n < sizeof(body) ?
	    (size_t)n : 0);
}

static void
conn_free(struct conn *c)
{
	struct server	*srv = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconn--;
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->bev != NULL) {
		/* Say goodbye properly: a TLS close_notify before closing. */
		if (c->ssl != NULL) {
			SSL_set_shutdown(c->ssl, SSL_RECEIVED_SHUTDOWN);
			SSL_shutdown(c->ssl);
		}
		bufferevent_free(c->bev);
	}
	free(c);
	if (srv->nconn == LIMIT_CONNECTIONS - 1 && srv->lis != NULL)
		evconnlistener_enable(srv->lis);
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server	*srv = arg;
	struct conn	*c;
	char		 ip[INET6_ADDRSTRLEN];

	(void)salen;
	if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr,
		    ip, sizeof(ip));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, ip,
		    sizeof(ip));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->srv = srv;
	snprintf(c->addr, sizeof(c->addr), "%s", ip);
	c->start_ms = now_ms();
	if ((c->ssl = SSL_new(srv->ctx)) == NULL ||
	    SSL_set_ex_data(c->ssl, conn_idx, c) != 1 ||
	    (c->bev = bufferevent_openssl_socket_new(srv->base, fd, c->ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS)) == NULL ||
	    (c->deadline = evtimer_new(srv->base, deadline_cb, c)) == NULL) {
		log_warnx("%s: cannot set up a connection", ip);
		if (c->bev == NULL) {
			SSL_free(c->ssl);
			evutil_closesocket(fd);
		} else
			bufferevent_free(c->bev);
		free(c);
		return;
	}
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	/* At the cap, stop accepting until a connection closes. */
	if (++srv->nconn >= LIMIT_CONNECTIONS) {
		log_warnx("%d connections open: not accepting more for now",
		    srv->nconn);
		evconnlistener_disable(lis);
	}
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, LIMIT_REQUEST_HEAD + 1);
	set_deadline(c, LIMIT_REQUEST_SECONDS);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/*
 * A regional node publishes its statistics snapshot every stats_interval
 * hours (opora.conf): the current year's, and in the first quarter the
 * last year's too, whose figures still change with late records.
 */
static void
publish_stats(struct server *srv, uint64_t now)
{
	struct node	*n = srv->n;
	time_t		 t = time(NULL);
	struct tm	 tm;
	char		 id[65], why[256];
	int		 y;

	srv->next_stats = now + (uint64_t)n->cfg.stats_interval * 3600000ULL;
	gmtime_r(&t, &tm);
	for (y = tm.tm_mon < 3 ? 1 : 0; y >= 0; y--) {
		if (stats_publish(n, tm.tm_year + 1900 - y, id, why,
		    sizeof(why)) == -1)
			log_warnx("statistics for %d not published: %s",
			    tm.tm_year + 1900 - y, why);
		else
			log_info("published the statistics snapshot for %d "
			    "(%.16s) for the federal node",
			    tm.tm_year + 1900 - y, id);
	}
}

/* When statistics are due first: stats_interval after the last time. */
static uint64_t
stats_due(struct node *n)
{
	char	 v[24];

	if (n->cfg.stats_interval == 0 || strcmp(n->cfg.region, "RU-FED") == 0)
		return (0);
	if (store_meta_get(n->st, "stats_published", v, sizeof(v)) != 0)
		return (node_now_ms());
	return (strtoull(v, NULL, 10) + (uint64_t)n->cfg.stats_interval *
	    3600000ULL);
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	struct conn	*c, *next;
	int64_t		 head;
	uint64_t	 now = now_ms();

	(void)fd;
	(void)what;
	head = feed_head(srv->n);
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (c->waiting && (head != srv->head ||
		    c->wait_until_ms <= now))
			serve_feed(c);
	}
	srv->head = head;
	/* Wall-clock time: the due time is kept across restarts. */
	if (srv->next_stats != 0 && node_now_ms() >= srv->next_stats)
		publish_stats(srv, node_now_ms());
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server	*srv = arg;

	(void)what;
	log_info("signal %d: shutting down", (int)sig);
	if (srv->lis != NULL) {
		evconnlistener_free(srv->lis);
		srv->lis = NULL;
	}
	event_base_loopexit(srv->base, NULL);
}

/* Parse "ADDR:PORT" or "[V6]:PORT" into a socket address. */
static int
listen_addr(const char *s, struct sockaddr_storage *ss, int *len)
{
	char		 host[128];
	const char	*colon = strrchr(s, ':');
	long long	 port;
	size_t		 hl;

	if (colon == NULL || parse_num(colon + 1, strlen(colon + 1), 1,
	    65535, &port) == -1)
		return (-1);
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && colon[-1] == ']') {
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return (-1);
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr)
	    == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return (0);
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) ==
	    1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return (0);
	}
	return (-1);
}

int
server_run(struct node *n, const char *dir)
{
	struct server		 srv;
	struct sockaddr_storage	 ss;
	struct timeval		 tick = { 0, TICK_MS * 1000 };
	struct sync		*sync = NULL;
	int			 sslen, rc = -1;

	memset(&srv, 0, sizeof(srv));
	srv.n = n;
	signal(SIGPIPE, SIG_IGN);
	if (conn_idx == -1)
		conn_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (listen_addr(n->cfg.listen, &ss, &sslen) == -1) {
		log_warnx("listen = %s: not ADDRESS:PORT with a numeric "
		    "address", n->cfg.listen);
		return (-1);
	}
	if ((srv.ctx = ctx_new(n)) == NULL ||
	    (srv.base = event_base_new()) == NULL)
		goto out;
	srv.lis = evconnlistener_new_bind(srv.base, accept_cb, &srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&ss, sslen);
	if (srv.lis == NULL) {
		log_warn("listen on %s", n->cfg.listen);
		goto out;
	}
	if ((srv.sigterm = evsignal_new(srv.base, SIGTERM, signal_cb,
	    &srv)) == NULL || (srv.sigint = evsignal_new(srv.base, SIGINT,
	    signal_cb, &srv)) == NULL || (srv.tick = event_new(srv.base, -1,
	    EV_PERSIST, tick_cb, &srv)) == NULL ||
	    event_add(srv.sigterm, NULL) == -1 ||
	    event_add(srv.sigint, NULL) == -1 ||
	    event_add(srv.tick, &tick) == -1)
		goto out;
	srv.head = feed_head(n);
	srv.next_stats = stats_due(n);
	if ((sync = sync_start(dir, n->user)) == NULL)
		goto out;
	log_info("serving %s on %s (%s)", n->cfg.region, n->cfg.listen,
	    n->cfg.url);
	event_base_dispatch(srv.base);
	rc = 0;
out:
	sync_stop(sync);
	while (srv.conns != NULL)
		conn_free(srv.conns);
	if (srv.lis != NULL)
		evconnlistener_free(srv.lis);
	if (srv.tick != NULL)
		event_free(srv.tick);
	if (srv.sigterm != NULL)
		event_free(srv.sigterm);
	if (srv.sigint != NULL)
		event_free(srv.sigint);
	if (srv.base != NULL)
		event_base_free(srv.base);
	SSL_CTX_free(srv.ctx);
	return (rc);
}
