/*
 * node/ui.c: the listener of the web pages (ui.h): libmicrohttpd over TLS,
 * its limits, the request bodies, the security headers.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "node/metrics.h"
#include "node/node.h"
#include "node/ui.h"
#include "node/uiapi.h"
#include "node/uiguard.h"
#include "node/uijson.h"
#include "node/webfiles.h"
#include "protocol/log.h"
#include "protocol/pemfile.h"

struct ui {
	struct MHD_Daemon	*d;
	struct uiapi		*api;
	char			*cert;	/* PEM, NUL-terminated */
	char			*key;	/* PEM; wiped when freed */
	size_t			 keylen;
	char			*chartjs;	/* UI_CHARTJS_PATH, or NULL */
	size_t			 chartjslen;
	/* The connections (uiguard.h), shared by libmicrohttpd's thread and
	 * the watchdog under mu; the watchdog stops when stop is set. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 wake;
	pthread_t		 watchdog;
	bool			 watching;
	bool			 stop;
	uint64_t		 reported_ms;
	struct uiguard		 guard;
};

/*
 * GnuTLS's priorities: TLS 1.3, or TLS 1.2 with an ephemeral elliptic-curve
 * key exchange and an AEAD cipher (what every browser of the last ten
 * years speaks); no CBC, no RSA key transport, nothing older.
 */
#define UI_TLS_PRIORITIES						\
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"			\
	"-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:"	\
	"-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA"

/* How often the watchdog looks for late connections, and reports. */
#define WATCH_MS	250
#define REPORT_MS	10000

/* One request as it is read. */
struct ui_req {
	char	*body;		/* at most UIJSON_BODY_MAX bytes */
	size_t	 len;
	bool	 too_large;
};

/* Every answer carries these (docs/api.md, "Headers"). */
static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
	{ "Strict-Transport-Security", "max-age=31536000" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
};

/* The PEM file path, at most UI_PEM_MAX bytes, into a new NUL-terminated
 * buffer (*len bytes): NULL, logged, when it cannot be read or is not
 * private enough (forbid, pemfile.h). */
static char *
pem_read(const char *path, mode_t forbid, const char *what, size_t *len)
{
	char	*p;
	ssize_t	 r = 0;
	int	 fd;

	*len = 0;
	if ((fd = pemfile_open_trusted(path, 0, forbid, what)) < 0) {
		if (fd == -2)
			log_warnx("%s %s: no such file", what, path);
		return (NULL);
	}
	if ((p = malloc(UI_PEM_MAX + 1)) == NULL) {
		log_warn("%s %s", what, path);
		close(fd);
		return (NULL);
	}
	while (*len < UI_PEM_MAX) {
		r = read(fd, p + *len, UI_PEM_MAX - *len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	if (r == -1 || *len == 0 || *len == UI_PEM_MAX) {
		log_warnx("%s %s: cannot be read, empty, or larger than %d "
		    "bytes", what, path, UI_PEM_MAX - 1);
		OPENSSL_cleanse(p, *len);
		free(p);
		return (NULL);
	}
	p[*len] = '\0';
	return (p);
}

static const char *
query_get(void *arg, const char *key)
{
	return (MHD_lookup_connection_value(arg, MHD_GET_ARGUMENT_KIND, key));
}

static uint64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static void
numeric_addr(const struct sockaddr *sa, char *out, size_t outsz)
{
	socklen_t	 len;

	len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	if (getnameinfo(sa, len, out, (socklen_t)outsz, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(out, outsz, "?");
}

static void
client_addr(struct MHD_Connection *c, char *out, size_t outsz)
{
	const union MHD_ConnectionInfo	*ci;

	snprintf(out, outsz, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL)
		numeric_addr(ci->client_addr, out, outsz);
}

static void
add_security_headers(struct MHD_Response *resp)
{
	size_t	 i;

	for (i = 0; i < sizeof(security_headers) /
	    sizeof(security_headers[0]); i++)
		MHD_add_response_header(resp, security_headers[i][0],
		    security_headers[i][1]);
}

static enum MHD_Result
answer(struct MHD_Connection *c, const char *url,
    struct uiapi_answer *ans)
{
	struct MHD_Response	*resp;
	char			 ra[24];
	enum MHD_Result		 r;

	resp = MHD_create_response_from_buffer(ans->body != NULL ?
	    strlen(ans->body) : 0, ans->body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(ans->body);
		return (MHD_NO);
	}
	ans->body = NULL;
	add_security_headers(resp);
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Type",
	    "application/json; charset=utf-8");
	if (ans->cookie[0] != '\0')
		MHD_add_response_header(resp, "Set-Cookie", ans->cookie);
	if (ans->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%ld", ans->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	r = MHD_queue_response(c, ans->status, resp);
	MHD_destroy_response(resp);
	metrics_ui_answer((int)ans->status);
	return (r);
}

/*
 * A path outside /api/: one of the pages' files (webfiles.h) or Chart.js
 * (UI_CHARTJS_PATH, read at start) for GET and HEAD; 405 for any other
 * method, 404 for any other name.  The bodies are static: nothing of the
 * request is echoed.
 */
static enum MHD_Result
answer_file(struct ui *u, struct MHD_Connection *c, const char *url,
    const char *method)
{
	static const char	 nf[] = "Нет такой страницы.\n";
	static const char	 na[] = "Здесь можно только читать (GET).\n";
	const struct webfile	*f = NULL;
	struct MHD_Response	*resp;
	const void		*data = nf;
	const char		*type = "text/plain; charset=utf-8";
	size_t			 len = sizeof(nf) - 1;
	unsigned		 status = 404;
	enum MHD_Result		 r;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		status = 405;
		data = na;
		len = sizeof(na) - 1;
	} else if (strcmp(url, UI_CHARTJS_URL) == 0 && u->chartjs != NULL) {
		status = 200;
		data = u->chartjs;
		len = u->chartjslen;
		type = "text/javascript; charset=utf-8";
	} else if ((f = webfiles_find(url)) != NULL) {
		status = 200;
		data = f->data;
		len = f->len;
		type = f->type;
	}
	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return (MHD_NO);
	add_security_headers(resp);
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	if (status == 405)
		MHD_add_response_header(resp, "Allow", "GET, HEAD");
	r = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	metrics_ui_answer((int)status);
	return (r);
}

/* The slot of c in u's table (uiguard.h), or -1. */
static int
slot_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci == NULL || ci->socket_context == NULL)
		return (-1);
	return ((int)(intptr_t)ci->socket_context - 1);
}

/* Cut slot i (u->mu held): its socket shut down, so that
 * libmicrohttpd's thread closes the connection (and removes it from the
 * table, before its descriptor is closed: never a descriptor reused). */
static void
cut(struct ui *u, int i)
{
	int	 fd;

	if ((fd = uiguard_cut(&u->guard, i)) >= 0)
		(void)shutdown(fd, SHUT_RDWR);
}

/* A newcomer, before its handshake: room, a slot taken, or refused
 * (uiguard_admit). */
static enum MHD_Result
accept_cb(void *cls, const struct sockaddr *sa, socklen_t salen)
{
	struct ui		*u = cls;
	char			 addr[UIGUARD_ADDR];
	enum uiguard_verdict	 v;
	int			 victim;

	(void)salen;
	numeric_addr(sa, addr, sizeof(addr));
	pthread_mutex_lock(&u->mu);
	v = uiguard_admit(&u->guard, addr, mono_ms(), &victim);
	if (v == UIGUARD_TAKE) {
		cut(u, victim);
		u->guard.taken++;
	} else if (v == UIGUARD_REFUSE)
		u->guard.refused++;
	pthread_mutex_unlock(&u->mu);
	if (v != UIGUARD_ROOM)
		metrics_ui_cut(v == UIGUARD_TAKE ? METRICS_UI_TAKEN :
		    METRICS_UI_REFUSED);
	return (v == UIGUARD_REFUSE ? MHD_NO : MHD_YES);
}

/* A connection opened or closed: into the table, or out of it. */
static void
conn_cb(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct ui			*u = cls;
	const union MHD_ConnectionInfo	*ci;
	char				 addr[UIGUARD_ADDR];
	int				 i, fd = -1;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		pthread_mutex_lock(&u->mu);
		uiguard_remove(&u->guard, (int)(intptr_t)*ctx - 1);
		pthread_mutex_unlock(&u->mu);
		*ctx = NULL;
		return;
	}
	if ((ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL)
		fd = ci->connect_fd;
	client_addr(c, addr, sizeof(addr));
	pthread_mutex_lock(&u->mu);
	i = uiguard_add(&u->guard, addr, fd, mono_ms());
	if (i == -1) {
		u->guard.refused++;
		if (fd >= 0)
			(void)shutdown(fd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&u->mu);
	if (i == -1)
		metrics_ui_cut(METRICS_UI_REFUSED);
	*ctx = (void *)(intptr_t)(i + 1);
}

/* A request's first line is in: the rest of it is counted from now
 * (uiguard.h).  NULL: the access handler's first call sees no request
 * yet. */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct ui	*u = cls;

	(void)uri;
	pthread_mutex_lock(&u->mu);
	uiguard_begun(&u->guard, slot_of(c), mono_ms());
	pthread_mutex_unlock(&u->mu);
	return (NULL);
}

/* Every WATCH_MS: connections late with their request are cut; every
 * REPORT_MS at most, one log line of what was cut and refused. */
static void *
watchdog(void *arg)
{
	struct ui	*u = arg;
	struct timespec	 ts;
	uint64_t	 now;
	unsigned	 late, taken, refused;
	int		 i, nopen;

	pthread_mutex_lock(&u->mu);
	while (!u->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += WATCH_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&u->wake, &u->mu, &ts);
		if (u->stop)
			break;
		now = mono_ms();
		for (i = 0; (i = uiguard_late(&u->guard, now, i)) != -1; i++) {
			cut(u, i);
			u->guard.late++;
			metrics_ui_cut(METRICS_UI_LATE);
		}
		if (now - u->reported_ms < REPORT_MS ||
		    u->guard.late + u->guard.taken + u->guard.refused == 0)
			continue;
		late = u->guard.late;
		taken = u->guard.taken;
		refused = u->guard.refused;
		nopen = uiguard_open(&u->guard);
		u->guard.late = u->guard.taken = u->guard.refused = 0;
		u->reported_ms = now;
		pthread_mutex_unlock(&u->mu);
		log_warnx("web pages: cut %u connections (%u sent no whole "
		    "request within %d s, %u gave their slots to newcomers), "
		    "refused %u over the budgets; %d open", late + taken, late,
		    UIGUARD_REQUEST_MS / 1000, taken, refused, nopen);
		pthread_mutex_lock(&u->mu);
	}
	pthread_mutex_unlock(&u->mu);
	return (NULL);
}

/* Whether the request's Content-Length says more than UIJSON_BODY_MAX
 * bytes (or is not a number: libmicrohttpd refuses that itself). */
static bool
announced_too_large(struct MHD_Connection *c)
{
	const char	*cl;
	size_t		 i, n = 0;

	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "Content-Length");
	if (cl == NULL)
		return (false);
	for (i = 0; cl[i] >= '0' && cl[i] <= '9'; i++) {
		n = n * 10 + (size_t)(cl[i] - '0');
		if (n > UIJSON_BODY_MAX)
			return (true);
	}
	return (false);
}

static enum MHD_Result answer_request(struct ui *, struct MHD_Connection *,
	    const char *, const char *, struct ui_req *);

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct ui		*u = cls;
	struct ui_req		*rq = *con_cls;
	enum MHD_Result		 res;
	int			 i;

	(void)version;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return (MHD_NO);
		*con_cls = rq;
		/* A body announced larger than any request takes is
		 * answered now, unread: no "100 Continue" is sent for it,
		 * and the connection closes after the answer. */
		if (!announced_too_large(c))
			return (MHD_YES);
		rq->too_large = true;
	} else if (*upload_size > 0) {
		/* Bounded: what is beyond the limit is read and dropped. */
		if (!rq->too_large && *upload_size <= UIJSON_BODY_MAX -
		    rq->len) {
			if (rq->body == NULL &&
			    (rq->body = malloc(UIJSON_BODY_MAX)) == NULL)
				return (MHD_NO);
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
		} else {
			rq->too_large = true;
			if (rq->body != NULL)
				OPENSSL_cleanse(rq->body, rq->len);
			rq->len = 0;
		}
		*upload_size = 0;
		return (MHD_YES);
	}
	/* The whole request is in hand (or refused unread): the watchdog
	 * leaves it alone until its answer is sent (completed_cb). */
	pthread_mutex_lock(&u->mu);
	i = slot_of(c);
	uiguard_busy(&u->guard, i, true, mono_ms());
	uiguard_serving(&u->guard, i, true, mono_ms());
	pthread_mutex_unlock(&u->mu);
	res = answer_request(u, c, url, method, rq);
	pthread_mutex_lock(&u->mu);
	uiguard_serving(&u->guard, i, false, mono_ms());
	pthread_mutex_unlock(&u->mu);
	return (res);
}

/* The answer to a whole request. */
static enum MHD_Result
answer_request(struct ui *u, struct MHD_Connection *c, const char *url,
    const char *method, struct ui_req *rq)
{
	struct uiapi_req	 r;
	struct uiapi_answer	 ans;
	char			 addr[64], *p;

	if (strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0)
		return (answer_file(u, c, url, method));
	client_addr(c, addr, sizeof(addr));
	memset(&r, 0, sizeof(r));
	memset(&ans, 0, sizeof(ans));
	r.method = method;
	r.path = url;
	r.body = rq->body != NULL ? rq->body : "";
	r.bodylen = rq->len;
	r.too_large = rq->too_large;
	r.token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND,
	    "__Host-opora");
	r.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-CSRF-Token");
	r.origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	r.host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	r.addr = addr;
	r.query = query_get;
	r.qarg = c;
	uiapi_handle(u->api, &r, &ans);
	/* Passwords pass through bodies: none stays in memory. */
	if ((p = rq->body) != NULL)
		OPENSSL_cleanse(p, rq->len);
	return (answer(c, url, &ans));
}

static void
completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct ui	*u = cls;
	struct ui_req	*rq = *con_cls;

	(void)toe;
	/* Waiting again, for its next request (uiguard.h). */
	pthread_mutex_lock(&u->mu);
	uiguard_busy(&u->guard, slot_of(c), false, mono_ms());
	pthread_mutex_unlock(&u->mu);
	if (rq == NULL)
		return;
	if (rq->body != NULL)
		OPENSSL_cleanse(rq->body, UIJSON_BODY_MAX);
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}

/*
 * Chart.js as Debian's libjs-chart.js installs it, read once at start
 * (at most UI_CHARTJS_MAX bytes): without it the pages show their
 * figures as tables only, and the log says so once.
 */
static void
chartjs_read(struct ui *u)
{
	FILE	*fp;
	size_t	 n;

	if ((fp = fopen(UI_CHARTJS_PATH, "re")) == NULL) {
		log_info("web pages: no %s (Debian's libjs-chart.js): the "
		    "pages show no charts", UI_CHARTJS_PATH);
		return;
	}
	if ((u->chartjs = malloc(UI_CHARTJS_MAX)) == NULL) {
		log_warn("web pages: chart.js");
		fclose(fp);
		return;
	}
	n = fread(u->chartjs, 1, UI_CHARTJS_MAX, fp);
	if (ferror(fp) || n == 0 || n == UI_CHARTJS_MAX) {
		log_warnx("web pages: %s cannot be read, or is empty or "
		    "larger than %d bytes: the pages show no charts",
		    UI_CHARTJS_PATH, UI_CHARTJS_MAX - 1);
		free(u->chartjs);
		u->chartjs = NULL;
	} else
		u->chartjslen = n;
	fclose(fp);
}

/* The address of listen_ui ("HOST:PORT", "[V6]:PORT") resolved. */
static struct addrinfo *
resolve(const char *listen)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*colon = strrchr(listen, ':');
	char		 host[128];
	size_t		 n;
	int		 r;

	if (colon == NULL || (n = (size_t)(colon - listen)) >= sizeof(host))
		return (NULL);
	memcpy(host, listen, n);
	host[n] = '\0';
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((r = getaddrinfo(host, colon + 1, &hints, &res)) != 0) {
		/* The log escapes the setting (once). */
		log_warnx("listen_ui %s: %s", listen, gai_strerror(r));
		return (NULL);
	}
	return (res);
}

struct ui *
ui_start(const struct node *n, const char *dir, int *failed)
{
	struct ui		*u;
	struct addrinfo		*ai = NULL;
	pthread_condattr_t	 ca;
	char			 crt[1024], key[1024];
	size_t			 len;
	unsigned int		 flags;

	*failed = 0;
	if (n->cfg.listen_ui[0] == '\0')
		return (NULL);
	*failed = 1;
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		log_warn("listen_ui");
		return (NULL);
	}
	pthread_mutex_init(&u->mu, NULL);
	/* The watchdog's deadlines are on the monotonic clock (a wall clock
	 * set back must not stop it, nor one set forward spin it); so is
	 * its condition's, or every wait would end at once. */
	if (pthread_condattr_init(&ca) != 0) {
		log_warnx("listen_ui: cannot make the watchdog's clock");
		pthread_mutex_destroy(&u->mu);
		free(u);
		return (NULL);
	}
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&u->wake, &ca) != 0) {
		log_warnx("listen_ui: cannot make the watchdog's clock");
		pthread_condattr_destroy(&ca);
		pthread_mutex_destroy(&u->mu);
		free(u);
		return (NULL);
	}
	pthread_condattr_destroy(&ca);
	if ((n->cfg.ui_cert[0] == '\0') != (n->cfg.ui_key[0] == '\0')) {
		log_warnx("listen_ui: set both ui_cert and ui_key, or neither "
		    "(the node's own tls.crt and tls.key)");
		goto fail;
	}
	if (n->cfg.ui_cert[0] != '\0') {
		snprintf(crt, sizeof(crt), "%s", n->cfg.ui_cert);
		snprintf(key, sizeof(key), "%s", n->cfg.ui_key);
	} else if (node_path(n, "tls.crt", crt, sizeof(crt)) == -1 ||
	    node_path(n, "tls.key", key, sizeof(key)) == -1)
		goto fail;
	if ((u->cert = pem_read(crt, PEMFILE_NO_WRITE, "browser certificate",
	    &len)) == NULL || (u->key = pem_read(key, PEMFILE_PRIVATE,
	    "browser TLS key", &u->keylen)) == NULL)
		goto fail;
	chartjs_read(u);
	if ((u->api = uiapi_new(dir, n->user)) == NULL ||
	    (ai = resolve(n->cfg.listen_ui)) == NULL)
		goto fail;
	if (pthread_create(&u->watchdog, NULL, watchdog, u) != 0) {
		log_warnx("listen_ui: cannot start the watchdog thread");
		goto fail;
	}
	u->watching = true;
	flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	u->d = MHD_start_daemon(flags, 0, accept_cb, u, access_cb, u,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_HTTPS_MEM_CERT, u->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, u->key,
	    MHD_OPTION_HTTPS_PRIORITIES, UI_TLS_PRIORITIES,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)UIGUARD_SLOTS,
	    MHD_OPTION_NOTIFY_CONNECTION, conn_cb, u,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, u,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)UI_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)UI_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, u,
	    MHD_OPTION_END);
	if (u->d == NULL) {
		log_warnx("listen_ui %s: cannot listen there (in use, not "
		    "this machine's address, or the certificate and key do "
		    "not match)", n->cfg.listen_ui);
		goto fail;
	}
	freeaddrinfo(ai);
	log_info("serving the web pages on https://%s", n->cfg.listen_ui);
	*failed = 0;
	return (u);
fail:
	if (ai != NULL)
		freeaddrinfo(ai);
	ui_stop(u);
	return (NULL);
}

void
ui_stop(struct ui *u)
{
	if (u == NULL)
		return;
	if (u->d != NULL)
		MHD_stop_daemon(u->d);
	if (u->watching) {
		pthread_mutex_lock(&u->mu);
		u->stop = true;
		pthread_cond_signal(&u->wake);
		pthread_mutex_unlock(&u->mu);
		pthread_join(u->watchdog, NULL);
	}
	pthread_cond_destroy(&u->wake);
	pthread_mutex_destroy(&u->mu);
	uiapi_free(u->api);
	if (u->key != NULL)
		OPENSSL_cleanse(u->key, u->keylen);
	free(u->key);
	free(u->cert);
	free(u->chartjs);
	free(u);
}
