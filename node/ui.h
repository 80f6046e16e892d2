/*
 * node/ui.h: the listener of the web pages and their JSON API
 * (docs/api.md), beside the peers' listener in 'opora serve'.
 *
 * opora.conf's listen_ui names its address (empty: no listener).  It
 * speaks HTTPS only, with the node's own certificate (tls.crt, tls.key)
 * or, when both are set, ui_cert and ui_key: a certificate the region's
 * browsers trust.  HTTP itself is Debian's libmicrohttpd, in one thread
 * of its own with its own database connection, so requests are answered
 * one at a time and never wait for, or hold up, the peers' listener or
 * the pullers.  It bounds what a browser may hold: UI_CONN_MAX
 * connections in all and UI_CONN_PER_ADDR from one address, UI_TIMEOUT_S
 * without progress, UI_CONN_MEMORY bytes of headers per connection and
 * UIJSON_BODY_MAX bytes of body (413 beyond).  Every answer carries the
 * security headers of docs/api.md; what is answered under /api/ is
 * node/uiapi.h.  Every other path is one of the web pages' compiled-in
 * files (node/webfiles.h; "/" is index.html) or UI_CHARTJS_URL, for GET
 * and HEAD only (405 otherwise, 404 for any other name; docs/ui.md).
 */
#ifndef OPORA_UI_H
#define OPORA_UI_H

struct node;
struct ui;

#define UI_CONN_MAX		256	/* connections at once */
#define UI_CONN_PER_ADDR	64	/* from one client address (a NAT) */
#define UI_TIMEOUT_S		30	/* seconds without progress */
#define UI_CONN_MEMORY		(32 * 1024)	/* headers, per connection */
#define UI_PEM_MAX		(64 * 1024)	/* a certificate chain */
/* Chart.js 3 as Debian's libjs-chart.js installs it (200 KB minified). */
#define UI_CHARTJS_PATH		"/usr/share/javascript/chart.js/chart.min.js"
#define UI_CHARTJS_URL		"/vendor/chart.js"
#define UI_CHARTJS_MAX		(2 * 1024 * 1024)

/*
 * ui_start(n, dir): start the listener of n's listen_ui (n is borrowed for
 * the call; the listener opens dir with a connection of its own).  NULL
 * without a word when listen_ui is empty; NULL, logged, when it cannot
 * start (*failed set to 1).  ui_stop(u) stops it and frees it (NULL: no
 * op), after the request being answered.
 */
struct ui *ui_start(const struct node *n, const char *dir, int *failed);
void	 ui_stop(struct ui *u);

#endif /* OPORA_UI_H */
