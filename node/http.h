/*
 * node/http.h: the HTTP layer of 'opora serve': listener, connections,
 * TLS accept, reading and parsing the request head, limits, deadlines,
 * answers and error bodies.  What a request means is node/api.c's.
 *
 * A small HTTP/1.1 server for a GET-only API, written on libevent's
 * bufferevent_openssl rather than evhttp, because evhttp in libevent 2.1.12
 * offers no cap on connections and no lifetime for one, and its connections
 * cannot be freed safely from outside; here every bound is the server's
 * own: no request bodies, one request per connection, and a TLS
 * close_notify before every close.
 *
 * TLS 1.3 only, mutual: a client certificate must carry the public key a
 * peer's card pinned, or (on the federal node) a researcher's; any other
 * certificate is refused at the handshake.  A client with no certificate
 * may ask for /v1/health only.
 *
 * Who holds a connection decides what it is charged to (the limits below):
 *  - from accept until the TLS handshake ends, and for its whole life when
 *    the client showed no certificate, a connection is a stranger's: it
 *    counts against HTTP_ANON_CONNECTIONS (and HTTP_ANON_PER_ADDRESS for
 *    its source address), and must finish its handshake within
 *    HTTP_HANDSHAKE_SECONDS;
 *  - after a handshake with a pinned certificate it is charged to that
 *    party (a peer's region, or a researcher): at most
 *    HTTP_PARTY_CONNECTIONS at once and HTTP_PARTY_LONG_POLLS of them
 *    long-polling;
 *  - HTTP_CONNECTIONS bounds them all (lowered to fit RLIMIT_NOFILE).
 * A new connection over a strangers' budget takes the slot of the oldest
 * stranger that has sent no whole request within HTTP_ANON_GRACE_MS;
 * when there is none, or over HTTP_CONNECTIONS, it is accepted and closed
 * at once, so it never waits in the listen backlog in front of a peer's.
 *
 * A party removed from the database ('opora peer remove', 'opora
 * researcher remove', run by another process) loses its open connections
 * within HTTP_RECHECK_MS: the server notices the database changed (PRAGMA
 * data_version) and checks each connection's pin again.
 *
 * The pure parsers below (request head, query, percent-decoding) take
 * (pointer, length), never need a NUL, and do no I/O: tests/unit/test_http.c
 * and tests/fuzz/fuzz_http.c call them directly.
 */
#ifndef OPORA_HTTP_H
#define OPORA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/limits.h"

/*
 * Limits of the server (docs/protocol.md section 10, docs/security.md).
 */
/* Everything at once: 89 regions x HTTP_PARTY_CONNECTIONS, the strangers'
 * budget, and room for researchers.  Lowered at start to fit the process's
 * descriptor limit (HTTP_FD_RESERVE kept for the database and pullers). */
#define HTTP_CONNECTIONS	1024
/* Out of descriptors (accept: EMFILE, ENFILE, ENOBUFS, ENOMEM), the
 * listener rests this long before accepting again, instead of being
 * woken by the same waiting connection at once; it says so in the log at
 * most once per HTTP_ACCEPT_LOG_MS. */
#define HTTP_ACCEPT_PAUSE_MS	1000
#define HTTP_ACCEPT_LOG_MS	60000
#define HTTP_FD_RESERVE		128
/* Connections not (yet) authenticated: small, because anyone on the
 * network can open them, and a legitimate handshake takes milliseconds. */
#define HTTP_ANON_CONNECTIONS	16
/* Of those, from one source address: one address cannot take them all. */
#define HTTP_ANON_PER_ADDRESS	4
/* A stranger's slot that has held no whole request this long may be
 * given to a newcomer when the budget is full. */
#define HTTP_ANON_GRACE_MS	500
/* From accept to the end of the TLS handshake. */
#define HTTP_HANDSHAKE_SECONDS	5
/* One peer (or researcher): its puller needs 2 (a request and the next
 * one fetched ahead), plus repairs of missing parents and a restart. */
#define HTTP_PARTY_CONNECTIONS	8
/* Long polls parked at once by one party; a third is answered 429 with
 * Retry-After: HTTP_RETRY_SECONDS. */
#define HTTP_PARTY_LONG_POLLS	2
#define HTTP_RETRY_SECONDS	1
/* How often parked long polls look for news and removals are noticed. */
#define HTTP_TICK_MS		100
#define HTTP_RECHECK_MS		HTTP_TICK_MS

struct event_base;
struct node;
struct http_server;
struct http_conn;

/* One parsed request head.  Every pointer points into the head given to
 * http_parse_head, and lives as long as it. */
struct http_request {
	const char	*target;	/* "/v1/feed?since=3" */
	size_t		 target_len;
	const char	*path;		/* "/v1/feed" (== target) */
	size_t		 path_len;
	const char	*query;		/* "since=3", or NULL without '?' */
	size_t		 query_len;
	/* The Opora-Protocol field (protocol/wire.h): 0 when absent, -1
	 * when not a version number, else the version. */
	int		 protocol;
	/* Opora-Own: held (protocol/wire.h): the asker holds every change
	 * its region wrote. */
	bool		 own_held;
};

/*
 * http_parse_head(head, len, rq): parse a request head of len bytes (the
 * request line and header fields, ending in CRLF CRLF; borrowed).  Returns
 * 0 and fills rq, or the HTTP status to answer: 400 (malformed, a
 * target with a byte that is not printable ASCII, or Opora-Protocol twice), 405 (not GET), 413 (a
 * request body is announced), 414 (target over LIMIT_URL), 431 (head over
 * LIMIT_REQUEST_HEAD).
 */
int	 http_parse_head(const char *head, size_t len,
	    struct http_request *rq);

/*
 * http_pct_decode(in, len, out, outsz): percent-decode in[0..len) into out
 * (NUL-terminated).  '%' must be followed by exactly two hex digits; '+'
 * is a space.  Refused (-1): a bad escape, and any decoded byte below 0x20
 * or 0x7f (so %00 and %0A never reach a handler), or no room.  Returns the
 * decoded length.
 */
int	 http_pct_decode(const char *in, size_t len, char *out, size_t outsz);

/*
 * http_query_get(q, qlen, key, out, outsz): the value of key in the query
 * q[0..qlen) ("a=1&b=2"), percent-decoded into out (http_pct_decode).
 * Returns 0, 1 when key is absent, -1 when the query is malformed (a pair
 * without '=', a key given twice) or the value is refused or too long.
 */
int	 http_query_get(const char *q, size_t qlen, const char *key,
	    char *out, size_t outsz);

/*
 * http_query_num(q, qlen, key, min, max, out): a number in [min, max]
 * (protocol/num.h: digits only, no sign, no leading zero).  0 and *out;
 * 1 when absent (*out untouched); -1 when malformed or out of range.
 */
int	 http_query_num(const char *q, size_t qlen, const char *key,
	    int64_t min, int64_t max, int64_t *out);

/*
 * http_query_only(q, qlen, keys): 0 when every pair of the query is
 * KEY=VALUE with KEY one of keys (a NULL-terminated list) and no key
 * repeats; -1 otherwise.  q may be NULL (no query).
 */
int	 http_query_only(const char *q, size_t qlen, const char *const *keys);

/* What node/api.c answers.  Both run on the server's thread. */
struct http_handlers {
	/* A request head arrived and parsed; answer it with http_respond or
	 * http_error, or park it with http_park. */
	void	(*request)(struct http_conn *, const struct http_request *);
	/* Once per tick: true when a parked request may have news. */
	bool	(*news)(struct node *);
	/* A parked request: news came, or its wait ended (expired). */
	void	(*resume)(struct http_conn *, bool expired);
};

/*
 * http_server_new(n, base, h): listen on n->cfg.listen.  n, base and h are
 * borrowed and must outlive the server.  NULL (logged) on failure.
 * http_server_free(srv): close every connection and the listener; NULL is
 * a no-op.  http_server_stop(srv): stop listening (on a signal).
 */
struct http_server	*http_server_new(struct node *n, struct event_base *base,
			    const struct http_handlers *h);
void			 http_server_free(struct http_server *srv);
void			 http_server_stop(struct http_server *srv);
/* http_server_open(srv, open): add the connections open now to open[],
 * by who holds them (enum metrics_conn of node/metrics.h: a peer, a
 * researcher, a stranger). */
void			 http_server_open(const struct http_server *srv,
			    int open[3]);

/* The node a connection serves; the party that holds it: a peer's
 * region or a researcher's name, "" when none (both live as long as c). */
struct node	*http_conn_node(const struct http_conn *c);
const char	*http_conn_peer(const struct http_conn *c);
const char	*http_conn_researcher(const struct http_conn *c);

/*
 * Per-request data of the handlers: http_conn_set_data(c, p, fr) gives p to
 * c, which calls fr(p) when it closes (or when replaced); http_conn_data(c)
 * returns it (NULL if none).
 */
void		 http_conn_set_data(struct http_conn *c, void *p,
		    void (*fr)(void *));
void		*http_conn_data(const struct http_conn *c);

/*
 * http_respond(c, status, type, body, len): answer and close (body copied).
 * http_respond_take(c, status, type, body, len): the same with body, from
 * malloc, handed over: it is sent from where it is and freed once sent (a
 * feed page is megabytes, and copying it cost a fifth of serving it).
 * http_respond_json(c, status, v): the same with cJSON v printed (borrowed).
 * http_error(c, status, code, msg): a JSON error {"error":{"code","message"}};
 * code and msg are the server's own fixed words, never request text.
 * After any of them, c must not be used again by the caller except through
 * the callbacks (it closes once the answer is sent).
 */
void		 http_respond(struct http_conn *c, int status, const char *type,
		    const char *body, size_t len);
void		 http_respond_take(struct http_conn *c, int status,
		    const char *type, char *body, size_t len);
struct cJSON;
void		 http_respond_json(struct http_conn *c, int status,
		    const struct cJSON *v);
void		 http_error(struct http_conn *c, int status, const char *code,
		    const char *msg);

/*
 * http_park(c, seconds): hold c for a long poll of seconds (resume is called
 * on news, and with expired at the end).  Returns 0, or -1 when its party
 * already holds HTTP_PARTY_LONG_POLLS parked: then c has been answered 429.
 */
int		 http_park(struct http_conn *c, int seconds);
bool		 http_parked(const struct http_conn *c);

#endif /* OPORA_HTTP_H */
