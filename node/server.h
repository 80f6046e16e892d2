/*
 * node/server.h: the HTTPS server of 'opora serve'.
 *
 * A small HTTP/1.1 server for the GET-only API of docs/protocol.md,
 * written on libevent's bufferevent_openssl rather than evhttp, because
 * evhttp in libevent 2.1.12 offers no cap on connections and no lifetime
 * for one, and its connections cannot be freed safely from outside; here
 * every bound is the server's own: at most LIMIT_CONNECTIONS connections,
 * LIMIT_REQUEST_HEAD bytes and LIMIT_REQUEST_SECONDS to send a request
 * (a client trickling one byte a second is cut off), no request bodies, one
 * request per connection, and a TLS close_notify before every close.
 *
 * TLS 1.3 only, mutual: a client certificate must carry the public key a
 * peer's card pinned (refused at the handshake otherwise); a client with no
 * certificate may ask for /v1/health only.
 */
#ifndef OPORA_SERVER_H
#define OPORA_SERVER_H

struct node;

/*
 * server_run(n, dir): serve until SIGTERM or SIGINT, pulling from every
 * peer in threads of its own (node/sync.h) meanwhile.  dir is the node
 * directory (for the pullers' own connections).  Returns 0 after a clean
 * shutdown, -1 (logged) if it cannot start.
 */
int	 server_run(struct node *n, const char *dir);

#endif /* OPORA_SERVER_H */
