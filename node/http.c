/*
 * node/http.c: the HTTP layer of the server.  See http.h.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "node/http.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/esc.h"
#include "protocol/log.h"
#include "protocol/wire.h"
#include "protocol/num.h"
#include "protocol/tls.h"

#define QUERY_KEY_MAX	32	/* the longest query key http_query_only checks */

struct http_server {
	struct node			*n;
	struct event_base		*base;
	const struct http_handlers	*h;
	SSL_CTX				*ctx;
	struct evconnlistener		*lis;
	struct event			*tick;
	struct http_conn		*conns;	/* every open connection */
	int				 nconn;	/* all of them */
	int				 nanon;	/* of which strangers' */
	int				 maxconn;
	int64_t				 data_version;
	unsigned			 refused;	/* since last logged */
	uint64_t			 refused_logged_ms;
	struct event			*resume;	/* accepting again */
	unsigned			 starved;	/* pauses not yet logged */
	uint64_t			 starved_logged_ms;
};

struct http_conn {
	struct http_server	*srv;
	struct bufferevent	*bev;
	SSL			*ssl;
	struct event		*deadline;
	struct http_conn	*next, *prev;
	char			 peer[16];	/* region of the pinned client */
	char			 researcher[64];	/* or a researcher's name */
	char			 pin[TLS_PIN_LEN + 1];	/* its certificate's */
	char			 addr[INET6_ADDRSTRLEN];
	char			 path[ESC_SHORT];	/* escaped, for the log */
	char			 method[24];		/* escaped, for the log */
	uint64_t		 start_ms;
	bool			 anon;		/* charged to the strangers */
	bool			 handshaken;
	bool			 requested;	/* its head was read */
	bool			 parked;	/* a long poll */
	int			 protocol;	/* its answer's version; 0: ours */
	uint64_t		 park_until_ms;
	bool			 closing;
	void			*data;
	void			(*data_free)(void *);
};

static int	conn_idx = -1;		/* SSL ex_data slot for the conn */

static void	conn_free(struct http_conn *);


/*
 * Pure parsers.
 */

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return (ch - '0');
	if (ch >= 'a' && ch <= 'f')
		return (ch - 'a' + 10);
	if (ch >= 'A' && ch <= 'F')
		return (ch - 'A' + 10);
	return (-1);
}

int
http_pct_decode(const char *in, size_t len, char *out, size_t outsz)
{
	size_t	 i, n = 0;
	int	 hi, lo;
	char	 ch;

	if (outsz == 0)
		return (-1);
	for (i = 0; i < len; i++) {
		if (n + 1 >= outsz)
			return (-1);
		ch = in[i];
		if (ch == '%') {
			if (len - i < 3 || (hi = hexval(in[i + 1])) == -1 ||
			    (lo = hexval(in[i + 2])) == -1)
				return (-1);
			ch = (char)(hi * 16 + lo);
			i += 2;
		} else if (ch == '+')
			ch = ' ';
		if ((unsigned char)ch < 0x20 || (unsigned char)ch == 0x7f)
			return (-1);
		out[n++] = ch;
	}
	out[n] = '\0';
	return ((int)n);
}

/*
 * Walk the pairs of a query: *p is the cursor, end the query's end.  On 0,
 * [*k, *klen) is the key and [*v, *vlen) the raw value, and *p moves past
 * the pair.  1 at the end; -1 for a pair without '=' or an empty key.
 */
static int
query_next(const char **p, const char *end, const char **k, size_t *klen,
    const char **v, size_t *vlen)
{
	const char	*amp, *eq;

	if (*p >= end)
		return (1);
	if ((amp = memchr(*p, '&', (size_t)(end - *p))) == NULL)
		amp = end;
	if ((eq = memchr(*p, '=', (size_t)(amp - *p))) == NULL || eq == *p)
		return (-1);
	*k = *p;
	*klen = (size_t)(eq - *p);
	*v = eq + 1;
	*vlen = (size_t)(amp - eq - 1);
	*p = amp < end ? amp + 1 : end;
	if (amp + 1 == end)	/* a trailing '&' */
		return (-1);
	return (0);
}

int
http_query_get(const char *q, size_t qlen, const char *key, char *out,
    size_t outsz)
{
	const char	*p = q, *end, *k, *v;
	size_t		 klen, vlen, keylen = strlen(key);
	int		 r, found = 0;

	if (q == NULL)
		return (1);
	end = q + qlen;
	while ((r = query_next(&p, end, &k, &klen, &v, &vlen)) == 0) {
		if (klen != keylen || memcmp(k, key, klen) != 0)
			continue;
		if (found++ || http_pct_decode(v, vlen, out, outsz) == -1)
			return (-1);
	}
	if (r == -1)
		return (-1);
	return (found ? 0 : 1);
}

int
http_query_num(const char *q, size_t qlen, const char *key, int64_t min,
    int64_t max, int64_t *out)
{
	char	 v[24];
	int	 r;

	if ((r = http_query_get(q, qlen, key, v, sizeof(v))) != 0)
		return (r);
	return (num_parse_str(v, min, max, out) == 0 ? 0 : -1);
}

int
http_query_only(const char *q, size_t qlen, const char *const *keys)
{
	const char	*p = q, *end, *k, *v;
	const char	*const *kk;
	char		 dec[QUERY_KEY_MAX];
	size_t		 klen, vlen;
	int		 r;

	if (q == NULL)
		return (0);
	end = q + qlen;
	while ((r = query_next(&p, end, &k, &klen, &v, &vlen)) == 0) {
		if (http_pct_decode(k, klen, dec, sizeof(dec)) == -1)
			return (-1);
		for (kk = keys; *kk != NULL; kk++)
			if (strcmp(*kk, dec) == 0)
				break;
		if (*kk == NULL)
			return (-1);
		/* A key given twice is refused by http_query_get; a key
		 * written with escapes ("s%69nce") is not looked up there. */
		if (klen != strlen(dec))
			return (-1);
	}
	return (r == -1 ? -1 : 0);
}

/* The request target: printable ASCII only (RFC 3986); no control byte,
 * space, DEL or byte over 0x7f ever reaches a handler or a log line. */
static bool
target_ok(const char *t, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return (false);
	return (len > 0 && t[0] == '/');
}

/* Case-insensitive comparison of a header name with a known one. */
static bool
field_is(const char *f, size_t flen, const char *name)
{
	return (flen == strlen(name) && strncasecmp(f, name, flen) == 0);
}

/*
 * Is s[0..len) a token (RFC 9110, 5.6.2), as a field name must be?  A
 * space before the colon ("Opora-Protocol : 2") or a folded line would
 * otherwise make a field this server does not see, where another reads
 * it (RFC 9112, 5.1: answered 400).
 */
static bool
token(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("!#$%&'*+-.^_`|~", s[i]) != NULL) || s[i] == '\0')
			return (false);
	return (true);
}

int
http_parse_head(const char *head, size_t len, struct http_request *rq)
{
	const char	*end = head + len, *eol, *sp1, *sp2, *h, *colon, *v;
	size_t		 vlen;

	memset(rq, 0, sizeof(*rq));
	if (len > LIMIT_REQUEST_HEAD)
		return (431);
	/* The request line: METHOD SP TARGET SP VERSION CRLF. */
	if ((eol = memchr(head, '\r', len)) == NULL || eol + 1 >= end ||
	    eol[1] != '\n')
		return (400);
	if ((sp1 = memchr(head, ' ', (size_t)(eol - head))) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1))) == NULL)
		return (400);
	if (!((size_t)(eol - sp2 - 1) == 8 && (memcmp(sp2 + 1, "HTTP/1.1",
	    8) == 0 || memcmp(sp2 + 1, "HTTP/1.0", 8) == 0)))
		return (400);
	if (!((size_t)(sp1 - head) == 3 && memcmp(head, "GET", 3) == 0))
		return (405);
	rq->target = sp1 + 1;
	rq->target_len = (size_t)(sp2 - sp1 - 1);
	if (rq->target_len > LIMIT_URL)
		return (414);
	if (!target_ok(rq->target, rq->target_len))
		return (400);
	rq->path = rq->target;
	if ((v = memchr(rq->target, '?', rq->target_len)) != NULL) {
		rq->path_len = (size_t)(v - rq->target);
		rq->query = v + 1;
		rq->query_len = rq->target_len - rq->path_len - 1;
	} else
		rq->path_len = rq->target_len;
	/* Header fields, up to the empty line; only bodies matter here. */
	for (h = eol + 2; ; h = eol + 2) {
		if (h + 2 > end)
			return (400);
		if (h[0] == '\r' && h[1] == '\n')
			return (h + 2 == end ? 0 : 400);
		if ((eol = memchr(h, '\r', (size_t)(end - h))) == NULL ||
		    eol + 1 >= end || eol[1] != '\n')
			return (400);
		if ((colon = memchr(h, ':', (size_t)(eol - h))) == NULL ||
		    colon == h || !token(h, (size_t)(colon - h)))
			return (400);
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		vlen = (size_t)(eol - v);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (field_is(h, (size_t)(colon - h), WIRE_PROTOCOL_HEADER)) {
			if (rq->protocol != 0)
				return (400);
			rq->protocol = wire_protocol_parse(v, vlen);
		}
		if (field_is(h, (size_t)(colon - h), WIRE_OWN_HEADER) &&
		    vlen == strlen(WIRE_OWN_HELD) && memcmp(v, WIRE_OWN_HELD,
		    vlen) == 0)
			rq->own_held = true;
		if (field_is(h, (size_t)(colon - h), "Transfer-Encoding"))
			return (413);
		if (field_is(h, (size_t)(colon - h), "Content-Length") &&
		    !(vlen == 1 && v[0] == '0'))
			return (413);
	}
}

/*
 * The server.
 */

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void
set_deadline_ms(struct http_conn *c, uint64_t ms)
{
	struct timeval	 tv = { (time_t)(ms / 1000),
			    (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(c->deadline, &tv);
}

/* What remains of LIMIT_REQUEST_SECONDS since accept (at least 1 ms). */
static uint64_t
head_left_ms(const struct http_conn *c)
{
	uint64_t	 end = c->start_ms + LIMIT_REQUEST_SECONDS * 1000ULL;
	uint64_t	 now = now_ms();

	return (end > now ? end - now : 1);
}

static const char *
who(const struct http_conn *c)
{
	return (c->peer[0] ? c->peer : c->researcher[0] ? c->researcher :
	    "-");
}

/* One answer, as one event with its fields (protocol/log.h): the client's
 * address, who it is ("-": no certificate a peer or researcher holds), the
 * path, the status, the bytes of the body and the milliseconds since the
 * request began. */
static void
access_log(const struct http_conn *c, int status, size_t len)
{
	char		 st[12], by[24], ms[24];
	const char	*path = c->path[0] ? c->path : "?";
	const char	*method = c->method[0] ? c->method : "?";
	const char	*const kv[] = { "addr", c->addr, "peer", who(c),
	    "method", method, "path", path, "status", st, "bytes", by,
	    "ms", ms, NULL };
	unsigned long long took = now_ms() - c->start_ms;

	snprintf(st, sizeof(st), "%d", status);
	snprintf(by, sizeof(by), "%zu", len);
	snprintf(ms, sizeof(ms), "%llu", took);
	log_info_kv(kv, "%s %s %s %s %d %zu bytes %llu ms", c->addr, who(c),
	    method, path, status, len, took);
}

/*
 * The party holding a pin now, from the database: 1 and its name in
 * peer or researcher; 0 when nobody; -1 on a database error.
 */
static int
pin_party(struct http_server *srv, const char *pin, char *peer,
    size_t peersz, char *researcher, size_t researchersz)
{
	char		 region[16];
	int		 found = 0, rc;

	peer[0] = researcher[0] = '\0';
	/* A peer's current TLS key, or the next one its card announces. */
	if ((rc = store_region_by_pin(srv->n->st, pin, region)) == -1)
		return (-1);
	if (rc == 0 && strlen(region) < peersz) {
		memcpy(peer, region, strlen(region) + 1);
		found = 1;
	}
	/* The federal node also answers the researchers it registered. */
	if (found || strcmp(srv->n->cfg.region, "RU-FED") != 0)
		return (found);
	if ((rc = store_researcher_by_pin(srv->n->st, pin, researcher,
	    researchersz)) == -1)
		return (-1);
	return (rc == 0 ? 1 : 0);
}

/*
 * The client's certificate is accepted when its public key is a peer's
 * pin (or a researcher's); chains and authorities play no part.  Runs
 * during the handshake; a client without a certificate never comes here.
 */
static int
verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL			*ssl;
	struct http_conn	*c;
	X509			*crt;
	char			 pin[TLS_PIN_LEN + 1];

	(void)ok;
	if (X509_STORE_CTX_get_error_depth(x) != 0)
		return (1);
	ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (c = SSL_get_ex_data(ssl, conn_idx)) == NULL ||
	    (crt = X509_STORE_CTX_get_current_cert(x)) == NULL ||
	    tls_pin_x509(crt, pin) == -1)
		return (0);
	if (pin_party(c->srv, pin, c->peer, sizeof(c->peer), c->researcher,
	    sizeof(c->researcher)) != 1) {
		log_warnx("%s: refused a client certificate that no peer's "
		    "card pins (%s)", c->addr, pin);
		return (0);
	}
	memcpy(c->pin, pin, sizeof(c->pin));
	return (1);
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
	case 429: return ("Too Many Requests");
	case 431: return ("Request Header Fields Too Large");
	case 500: return ("Internal Server Error");
	case 503: return ("Service Unavailable");
	default: return ("Error");
	}
}

/* evbuffer_add_reference's cleanup: a body handed over, now sent. */
static void
free_sent(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)data);
}

static void
respond_full(struct http_conn *c, int status, const char *type,
    const char *body, size_t len, int retry_after, char *owned)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		 retry[48] = "";

	if (c->closing) {
		free(owned);
		return;
	}
	if (retry_after > 0)
		snprintf(retry, sizeof(retry), "Retry-After: %d\r\n",
		    retry_after);
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n" WIRE_PROTOCOL_HEADER ": %d\r\n"
	    "%s\r\n", status, status_text(status), type, len, c->protocol > 0 ?
	    c->protocol : WIRE_PROTOCOL_MAX, retry);
	/* A body handed over is sent from where it is, and freed by
	 * libevent once sent (or when the connection goes). */
	if (owned == NULL || evbuffer_add_reference(out, owned, len,
	    free_sent, NULL) == -1) {
		evbuffer_add(out, body, len);
		free(owned);
	}
	metrics_http_answer(status);
	access_log(c, status, len);
	c->closing = true;
	c->parked = false;
	set_deadline_ms(c, LIMIT_RESPONSE_SECONDS * 1000ULL);
	bufferevent_enable(c->bev, EV_WRITE);
}

void
http_respond(struct http_conn *c, int status, const char *type,
    const char *body, size_t len)
{
	respond_full(c, status, type, body, len, 0, NULL);
}

void
http_respond_take(struct http_conn *c, int status, const char *type,
    char *body, size_t len)
{
	respond_full(c, status, type, body, len, 0, body);
}

void
http_respond_json(struct http_conn *c, int status, const cJSON *v)
{
	char	*s;

	if ((s = cJSON_PrintUnformatted(v)) == NULL) {
		http_error(c, 500, "internal", "the answer could not be "
		    "written");
		return;
	}
	http_respond(c, status, "application/json", s, strlen(s));
	cJSON_free(s);
}

/* An error body, built by cJSON; code and msg are the server's own. */
static void
error_full(struct http_conn *c, int status, const char *code,
    const char *msg, int retry_after)
{
	static const char fallback[] = "{\"error\":{\"code\":\"internal\","
	    "\"message\":\"out of memory\"}}";
	cJSON	*v, *e;
	char	*s = NULL;

	if ((v = cJSON_CreateObject()) != NULL &&
	    (e = cJSON_AddObjectToObject(v, "error")) != NULL &&
	    cJSON_AddStringToObject(e, "code", code) != NULL &&
	    cJSON_AddStringToObject(e, "message", msg) != NULL)
		s = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	if (s == NULL)
		respond_full(c, 500, "application/json", fallback,
		    sizeof(fallback) - 1, 0, NULL);
	else
		respond_full(c, status, "application/json", s, strlen(s),
		    retry_after, NULL);
	cJSON_free(s);
}

void
http_error(struct http_conn *c, int status, const char *code,
    const char *msg)
{
	error_full(c, status, code, msg, 0);
}

struct node *
http_conn_node(const struct http_conn *c)
{
	return (c->srv->n);
}

const char *
http_conn_peer(const struct http_conn *c)
{
	return (c->peer);
}

const char *
http_conn_researcher(const struct http_conn *c)
{
	return (c->researcher);
}

void
http_conn_set_data(struct http_conn *c, void *p, void (*fr)(void *))
{
	if (c->data_free != NULL)
		c->data_free(c->data);
	c->data = p;
	c->data_free = fr;
}

void *
http_conn_data(const struct http_conn *c)
{
	return (c->data);
}

/* Connections of c's party (itself included), and of those parked. */
static void
party_count(const struct http_conn *c, int *nconn, int *nparked)
{
	const struct http_conn	*o;

	*nconn = *nparked = 0;
	for (o = c->srv->conns; o != NULL; o = o->next) {
		if (o->anon || strcmp(o->peer, c->peer) != 0 ||
		    strcmp(o->researcher, c->researcher) != 0)
			continue;
		(*nconn)++;
		if (o->parked)
			(*nparked)++;
	}
}

int
http_park(struct http_conn *c, int seconds)
{
	int	 nconn, nparked;

	if (!c->parked) {
		party_count(c, &nconn, &nparked);
		if (nparked >= HTTP_PARTY_LONG_POLLS) {
			error_full(c, 429, "too_many_requests", "this peer "
			    "already holds its long polls; retry after a "
			    "second", HTTP_RETRY_SECONDS);
			return (-1);
		}
	}
	c->parked = true;
	c->park_until_ms = now_ms() + (uint64_t)seconds * 1000;
	set_deadline_ms(c, ((uint64_t)seconds + LIMIT_RESPONSE_SECONDS) *
	    1000);
	/* Keep reading, to notice at once a client that goes away. */
	bufferevent_enable(c->bev, EV_READ);
	return (0);
}

bool
http_parked(const struct http_conn *c)
{
	return (c->parked);
}

/* A request in a replication protocol version this node does not speak
 * (proto; -1: not a version number): a JSON error for the client, and a
 * line in this node's log. */
static void
refuse_protocol(struct http_conn *c, int proto)
{
	char	 msg[256], v[16];

	if (proto > 0)
		snprintf(v, sizeof(v), "%d", proto);
	else
		snprintf(v, sizeof(v), "unknown");
	snprintf(msg, sizeof(msg), "this node speaks replication protocol "
	    "version %d to %d; the request was in version %s: upgrade the "
	    "older of the two nodes (opora --version shows the versions)",
	    WIRE_PROTOCOL_MIN, WIRE_PROTOCOL_MAX, v);
	log_warnx("%s %s: refused a request in replication protocol version "
	    "%s (this node speaks %d to %d): upgrade the older of the two "
	    "nodes", c->addr, who(c), v, WIRE_PROTOCOL_MIN,
	    WIRE_PROTOCOL_MAX);
	http_error(c, 400, "protocol_version", msg);
}

/* Read the request head, which must come whole within the head deadline
 * (counted from accept: a trickling client is cut off all the same). */
static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct http_conn	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 end;
	struct http_request	 rq;
	size_t			 len, ll, ml, tl;
	char			*head, *eol, *sp, *sp2, *q;
	int			 st;

	if (c->closing || c->requested) {
		/* One request per connection: what follows is dropped. */
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0) {
		if (evbuffer_get_length(in) > LIMIT_REQUEST_HEAD)
			http_error(c, 431, "header_too_large", "the request "
			    "head is larger than 8 KiB");
		return;
	}
	len = (size_t)end.pos + 4;
	if (len > LIMIT_REQUEST_HEAD) {
		http_error(c, 431, "header_too_large", "the request head "
		    "is larger than 8 KiB");
		return;
	}
	if ((head = malloc(len)) == NULL) {
		conn_free(c);
		return;
	}
	evbuffer_remove(in, head, len);
	c->requested = true;
	/*
	 * For the log line, escaped: the method and the path, or for a head
	 * that does not parse the request line's first two words as they
	 * came (a method cut to 16 bytes, a target to the log's room).
	 */
	ll = (eol = memchr(head, '\r', len)) != NULL ? (size_t)(eol - head) :
	    len;
	sp = memchr(head, ' ', ll);
	ml = sp != NULL ? (size_t)(sp - head) : ll;
	esc_text(head, ml < 16 ? ml : 16, c->method, sizeof(c->method));
	if ((st = http_parse_head(head, len, &rq)) == 0)
		esc_text(rq.path, rq.path_len, c->path, sizeof(c->path));
	else if (sp != NULL) {
		tl = ll - (size_t)(sp + 1 - head);
		if ((sp2 = memchr(sp + 1, ' ', tl)) != NULL)
			tl = (size_t)(sp2 - (sp + 1));
		/* The path, without the query, as for a parsed head. */
		if ((q = memchr(sp + 1, '?', tl)) != NULL)
			tl = (size_t)(q - (sp + 1));
		esc_text(sp + 1, tl, c->path, sizeof(c->path));
	}
	switch (st) {
	case 0:
		/* A version this node does not speak: refused, saying which
		 * it speaks (docs/protocol.md, "Versions of the replication
		 * protocol").  None said: version 1, an older node's. */
		if (rq.protocol != 0 && (rq.protocol < WIRE_PROTOCOL_MIN ||
		    rq.protocol > WIRE_PROTOCOL_MAX)) {
			refuse_protocol(c, rq.protocol);
			break;
		}
		c->protocol = rq.protocol != 0 ? rq.protocol :
		    WIRE_PROTOCOL_MIN;
		c->srv->h->request(c, &rq);
		break;
	case 405:
		http_error(c, 405, "method_not_allowed", "this API answers "
		    "GET only");
		break;
	case 413:
		http_error(c, 413, "payload_too_large", "this API takes no "
		    "request bodies");
		break;
	case 414:
		http_error(c, 414, "uri_too_long", "the request target is "
		    "too long");
		break;
	case 431:
		http_error(c, 431, "header_too_large", "the request head "
		    "is larger than 8 KiB");
		break;
	default:
		http_error(c, 400, "bad_request", "malformed HTTP request");
		break;
	}
	free(head);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct http_conn	*c = arg;

	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) ==
	    0)
		conn_free(c);
}

/* The handshake is done: charge the connection to its party. */
static void
handshaken(struct http_conn *c)
{
	int	 nconn, nparked;

	c->handshaken = true;
	if (c->peer[0] == '\0' && c->researcher[0] == '\0') {
		/* No certificate: a stranger's still, for /v1/health. */
		set_deadline_ms(c, head_left_ms(c));
		return;
	}
	c->anon = false;
	c->srv->nanon--;
	metrics_conn_handshaken(c->peer[0] != '\0' ? METRICS_CONN_PEER :
	    METRICS_CONN_RESEARCHER);
	party_count(c, &nconn, &nparked);
	set_deadline_ms(c, head_left_ms(c));
	if (nconn > HTTP_PARTY_CONNECTIONS)
		error_full(c, 429, "too_many_requests", "this peer already "
		    "holds its connections; retry after a second",
		    HTTP_RETRY_SECONDS);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct http_conn	*c = arg;
	unsigned long		 e;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		handshaken(c);
		return;
	}
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
	struct http_conn	*c = arg;

	(void)fd;
	(void)what;
	if (c->parked) {
		c->park_until_ms = 0;
		c->srv->h->resume(c, true);
		if (!c->closing) {
			/* The handler must answer an expired wait. */
			http_error(c, 500, "internal", "the long poll was "
			    "not answered");
		}
		return;
	}
	if (!c->handshaken)
		log_debug("%s: cut off: no TLS handshake within %d s",
		    c->addr, HTTP_HANDSHAKE_SECONDS);
	else
		log_info("%s %s: cut off: too slow", c->addr, who(c));
	c->ssl = NULL;	/* nothing more is said to it */
	conn_free(c);
}

static void
conn_free(struct http_conn *c)
{
	struct http_server	*srv = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconn--;
	if (c->anon)
		srv->nanon--;
	if (c->data_free != NULL)
		c->data_free(c->data);
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->bev != NULL) {
		/* Say goodbye properly: a TLS close_notify before closing. */
		if (c->ssl != NULL && c->handshaken) {
			SSL_set_shutdown(c->ssl, SSL_RECEIVED_SHUTDOWN);
			SSL_shutdown(c->ssl);
		}
		bufferevent_free(c->bev);
	}
	free(c);
}

/*
 * May a stranger's connection from addr be taken now?  When its budget
 * (all strangers', or its address's) is full, a slot is freed when one of
 * two rules finds a victim among the strangers that have not sent a whole
 * request:
 *  - fair share: when addr holds fewer slots than the address holding the
 *    most, less one, the oldest of that address's goes, whatever its age
 *    (so a few addresses cannot keep every slot, however fast they
 *    reconnect);
 *  - grace: otherwise the oldest that has held a slot for
 *    HTTP_ANON_GRACE_MS (of addr's own when addr is at its cap): a client
 *    that means well is through its handshake and request in milliseconds,
 *    so slots held longer are idle sockets, stalled handshakes or
 *    trickled heads.
 */
static bool
anon_room(struct http_server *srv, const char *addr)
{
	struct http_conn	*o, *anon[HTTP_ANON_CONNECTIONS + 1];
	struct http_conn	*victim = NULL, *most = NULL;
	uint64_t		 now = now_ms();
	int			 i, j, k, n = 0, m = 0, na = 0;

	for (o = srv->conns; o != NULL && na <= HTTP_ANON_CONNECTIONS;
	    o = o->next)
		if (o->anon)
			anon[na++] = o;
	for (i = 0; i < na; i++) {
		for (j = k = 0; j < na; j++)
			if (strcmp(anon[i]->addr, anon[j]->addr) == 0)
				k++;
		if (k > m) {
			m = k;
			most = anon[i];
		}
		if (strcmp(anon[i]->addr, addr) == 0)
			n++;
	}
	if (na < HTTP_ANON_CONNECTIONS && n < HTTP_ANON_PER_ADDRESS)
		return (true);
	for (i = 0; i < na; i++) {
		o = anon[i];
		if (o->requested || o->closing)
			continue;
		if (n < HTTP_ANON_PER_ADDRESS && most != NULL && m > n + 1) {
			if (strcmp(o->addr, most->addr) != 0)
				continue;
		} else if (now - o->start_ms < HTTP_ANON_GRACE_MS ||
		    (n >= HTTP_ANON_PER_ADDRESS && strcmp(o->addr, addr) != 0))
			continue;
		if (victim == NULL || o->start_ms < victim->start_ms)
			victim = o;
	}
	if (victim == NULL)
		return (false);
	log_debug("%s: dropped for a newcomer from %s", victim->addr, addr);
	victim->ssl = NULL;	/* nothing more is said to it */
	conn_free(victim);
	return (true);
}

/* The pause after running out of descriptors is over: accept again. */
static void
resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_server	*srv = arg;

	(void)fd;
	(void)what;
	if (srv->lis != NULL && evconnlistener_enable(srv->lis) == -1)
		log_warnx("cannot accept connections again");
}

/*
 * accept() failed.  Out of descriptors or memory, the connection waits in
 * the backlog and would wake the listener again at once, for ever (and
 * libevent would log each time): stop listening for a moment, and say so
 * once per interval.  Other errors (a connection reset before it was
 * accepted) concern one client only.
 */
static void
accept_error_cb(struct evconnlistener *lis, void *arg)
{
	struct http_server	*srv = arg;
	struct timeval		 tv = { HTTP_ACCEPT_PAUSE_MS / 1000,
				    (HTTP_ACCEPT_PAUSE_MS % 1000) * 1000 };
	int			 err = EVUTIL_SOCKET_ERROR();
	uint64_t		 now;

	if (err != EMFILE && err != ENFILE && err != ENOBUFS &&
	    err != ENOMEM) {
		log_debug("accept: %s", strerror(err));
		return;
	}
	if (evconnlistener_disable(lis) == -1 || srv->resume == NULL ||
	    evtimer_add(srv->resume, &tv) == -1)
		log_warnx("accept: cannot pause listening");
	srv->starved++;
	now = now_ms();
	if (srv->starved_logged_ms == 0 ||
	    now - srv->starved_logged_ms >= HTTP_ACCEPT_LOG_MS) {
		log_warnx("accept: %s: not accepting connections for %d ms "
		    "(paused %u times since last said; raise LimitNOFILE or "
		    "'ulimit -n', and see how many connections are open)",
		    strerror(err), HTTP_ACCEPT_PAUSE_MS, srv->starved);
		srv->starved = 0;
		srv->starved_logged_ms = now;
	}
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct http_server	*srv = arg;
	struct http_conn	*c;
	char			 ip[INET6_ADDRSTRLEN];

	(void)lis;
	(void)salen;
	if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr,
		    ip, sizeof(ip));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, ip,
		    sizeof(ip));
	/* Over a budget: closed at once, not left in the backlog. */
	if (srv->nconn >= srv->maxconn || !anon_room(srv, ip)) {
		srv->refused++;
		metrics_conn_refused();
		evutil_closesocket(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->srv = srv;
	memcpy(c->addr, ip, sizeof(c->addr));
	c->start_ms = now_ms();
	if ((c->ssl = SSL_new(srv->ctx)) == NULL ||
	    SSL_set_ex_data(c->ssl, conn_idx, c) != 1) {
		log_warnx("%s: cannot set up a connection", ip);
		SSL_free(c->ssl);
		evutil_closesocket(fd);
		free(c);
		return;
	}
	/*
	 * bufferevent_openssl_socket_new takes the SSL object whatever
	 * happens: with BEV_OPT_CLOSE_ON_FREE, libevent 2.1.12 frees it on
	 * its own error paths (bufferevent_openssl.c, both err: labels), so
	 * it must not be freed here again.  The socket it leaves open (its
	 * BIO is made with BIO_NOCLOSE), so that one is ours to close.
	 */
	if ((c->bev = bufferevent_openssl_socket_new(srv->base, fd, c->ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS)) == NULL) {
		log_warnx("%s: cannot set up a connection", ip);
		evutil_closesocket(fd);
		free(c);
		return;
	}
	if ((c->deadline = evtimer_new(srv->base, deadline_cb, c)) == NULL) {
		log_warnx("%s: cannot set up a connection", ip);
		bufferevent_free(c->bev);	/* the SSL and the socket */
		free(c);
		return;
	}
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconn++;
	c->anon = true;
	srv->nanon++;
	metrics_conn_accepted();
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, LIMIT_REQUEST_HEAD + 1);
	set_deadline_ms(c, HTTP_HANDSHAKE_SECONDS * 1000ULL);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/*
 * Removal is immediate: when another process changed the database, every
 * authenticated connection's pin is looked up again, and one whose party
 * is gone (or now another) is closed, whatever it was doing.
 */
static void
recheck(struct http_server *srv)
{
	struct http_conn	*c, *next;
	char			 peer[16], researcher[64];
	int64_t			 v;
	int			 r;

	/* -1 (an error, logged) differs from any version: all rechecked. */
	v = store_data_version(srv->n->st);
	if (v == srv->data_version)
		return;
	srv->data_version = v;
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (c->anon)
			continue;
		r = pin_party(srv, c->pin, peer, sizeof(peer), researcher,
		    sizeof(researcher));
		if (r == -1)
			continue;	/* transient: looked at next time */
		if (r == 1 && strcmp(peer, c->peer) == 0 &&
		    strcmp(researcher, c->researcher) == 0)
			continue;
		log_info("%s %s: connection closed: no longer a %s of this "
		    "node", c->addr, who(c), c->peer[0] ? "peer" :
		    "researcher");
		conn_free(c);
	}
}

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_server	*srv = arg;
	struct http_conn	*c, *next;
	uint64_t		 now = now_ms();
	bool			 news;

	(void)fd;
	(void)what;
	recheck(srv);
	news = srv->h->news(srv->n);
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (c->parked && (news || c->park_until_ms <= now))
			srv->h->resume(c, c->park_until_ms <= now);
	}
	if (srv->refused > 0 && now - srv->refused_logged_ms >= 10000) {
		log_warnx("refused %u connections over the budgets (%d "
		    "open, %d of them unauthenticated)", srv->refused,
		    srv->nconn, srv->nanon);
		srv->refused = 0;
		srv->refused_logged_ms = now;
	}
}

/* Parse "ADDR:PORT" or "[V6]:PORT" into a socket address. */
static int
listen_addr(const char *s, struct sockaddr_storage *ss, int *len)
{
	char		 host[128];
	const char	*colon = strrchr(s, ':');
	int64_t		 port;
	size_t		 hl;

	if (colon == NULL || num_parse_str(colon + 1, 1, 65535, &port) == -1)
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

/* HTTP_CONNECTIONS, or fewer to fit the descriptors this process has. */
static int
max_connections(void)
{
	struct rlimit	 rl;
	rlim_t		 room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (HTTP_CONNECTIONS);
	/* Take what the hard limit allows, as servers do. */
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < HTTP_CONNECTIONS +
	    HTTP_FD_RESERVE) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)(HTTP_CONNECTIONS +
		    HTTP_FD_RESERVE) ? rl.rlim_max : (rlim_t)(HTTP_CONNECTIONS +
		    HTTP_FD_RESERVE);
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= (rlim_t)(HTTP_CONNECTIONS + HTTP_FD_RESERVE))
		return (HTTP_CONNECTIONS);
	room = rl.rlim_cur > (rlim_t)(HTTP_FD_RESERVE + HTTP_ANON_CONNECTIONS) ?
	    rl.rlim_cur - HTTP_FD_RESERVE : HTTP_ANON_CONNECTIONS;
	log_warnx("only %llu file descriptors: at most %llu connections "
	    "(raise LimitNOFILE to %d)", (unsigned long long)rl.rlim_cur,
	    (unsigned long long)room, HTTP_CONNECTIONS + HTTP_FD_RESERVE);
	return ((int)room);
}

struct http_server *
http_server_new(struct node *n, struct event_base *base,
    const struct http_handlers *h)
{
	struct http_server	*srv;
	struct sockaddr_storage	 ss;
	struct timeval		 tick = { 0, HTTP_TICK_MS * 1000 };
	int			 sslen;

	if (conn_idx == -1)
		conn_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (listen_addr(n->cfg.listen, &ss, &sslen) == -1) {
		log_warnx("listen = %s: not ADDRESS:PORT with a numeric "
		    "address", n->cfg.listen);
		return (NULL);
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		log_warn("server");
		return (NULL);
	}
	srv->n = n;
	srv->base = base;
	srv->h = h;
	srv->data_version = -1;
	srv->maxconn = max_connections();
	if ((srv->ctx = ctx_new(n)) == NULL)
		goto fail;
	srv->lis = evconnlistener_new_bind(base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&ss, sslen);
	if (srv->lis == NULL) {
		log_warn("listen on %s", n->cfg.listen);
		goto fail;
	}
	evconnlistener_set_error_cb(srv->lis, accept_error_cb);
	if ((srv->resume = evtimer_new(base, resume_cb, srv)) == NULL)
		goto fail;
	if ((srv->tick = event_new(base, -1, EV_PERSIST, tick_cb, srv)) ==
	    NULL || event_add(srv->tick, &tick) == -1)
		goto fail;
	recheck(srv);
	return (srv);
fail:
	http_server_free(srv);
	return (NULL);
}

void
http_server_open(const struct http_server *srv, int open[METRICS_CONNS])
{
	const struct http_conn	*c;

	for (c = srv->conns; c != NULL; c = c->next)
		open[c->anon ? METRICS_CONN_STRANGER : c->peer[0] != '\0' ?
		    METRICS_CONN_PEER : METRICS_CONN_RESEARCHER]++;
}

void
http_server_stop(struct http_server *srv)
{
	if (srv != NULL && srv->lis != NULL) {
		evconnlistener_free(srv->lis);
		srv->lis = NULL;
	}
}

void
http_server_free(struct http_server *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL)
		conn_free(srv->conns);
	http_server_stop(srv);
	if (srv->resume != NULL)
		event_free(srv->resume);
	if (srv->tick != NULL)
		event_free(srv->tick);
	SSL_CTX_free(srv->ctx);
	free(srv);
}
