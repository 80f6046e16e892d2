/*
 * node/api.h: what the server answers (docs/protocol.md section 9):
 * routing and the handlers of /v1/health, /v1/feed, /v1/dossiers/ID/changes,
 * /v1/summary (anti-entropy, with its pages), /v1/snapshots and (on the federal node) /v1/stats/query and
 * /v1/stats/flows.  The HTTP layer (node/http.h) reads, bounds and
 * authenticates the requests; this file decides what each party may see.
 *
 * Every body is built with cJSON or by node/feed.c; no answer echoes the
 * request, and no database error text reaches a client (it is logged, the
 * client gets 500 "internal" with a fixed message).  Every number in a
 * query goes through protocol/num.h (http_query_num).
 */
#ifndef OPORA_API_H
#define OPORA_API_H

#include "node/http.h"

/* The handlers to give http_server_new; they live for the program. */
extern const struct http_handlers	api_handlers;

#endif /* OPORA_API_H */
