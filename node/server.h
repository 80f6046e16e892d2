/*
 * node/server.h: 'opora serve'.
 *
 * One event loop runs the HTTPS server of the GET-only API of
 * docs/protocol.md (node/http.h: connections, TLS, limits; node/api.h:
 * what is answered) and the statistics publisher; the pullers of every
 * peer run in threads of their own (node/sync.h), with their own database
 * connections and their own outgoing connections, so they never wait for
 * one of the server's slots.
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
