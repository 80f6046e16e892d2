/*
 * tests/tools/hostile.c: a scripted hostile peer, for the attack tests
 * (tests/cli/t006x-*.sh).
 *
 *   hostile --cert CRT --key KEY --listen 127.0.0.1:PORT --dir SCRIPTDIR
 *       [--log FILE] [--region REGION] [--feed N] [--seconds S]
 *
 * Speaks the peers' protocol (docs/protocol.md, section 9) over TLS 1.3
 * with a registered identity: it presents CRT/KEY (a real node's tls.crt
 * and tls.key, so that the victim's pin matches), asks for a client
 * certificate and accepts any (the victim is the client), and answers one
 * GET request per connection, one connection at a time:
 *
 *   /v1/health                 {"feed":N,"region":REGION,"status":"ok"}
 *   /v1/feed?since=N...        SCRIPTDIR/feed-N.json, else an empty page
 *                              {"changes":[],"more":false,"next":N} (after
 *                              min(wait, 1) s when the request has wait)
 *   /v1/dossiers/ID/changes    SCRIPTDIR/dossier-ID.json, else a 404 error
 *   /v1/snapshots?since=N      SCRIPTDIR/snapshots-N.json, else an empty
 *                              list
 *
 * Where NAME.json would be sent, a file NAME.http, when present, is sent
 * instead as the whole raw response (status line, headers and body, as
 * written): a script can answer any status with any body.  A feed page
 * whose NAME.delay holds a number of milliseconds is answered that much
 * later (a peer that keeps its client waiting).  A script's feed
 * files are written by hand or by build/forge.
 *
 * Every request line is written, escaped (bytes outside 0x20-0x7e as \xNN),
 * one per line, to FILE (--log), so that a test can count requests.  It
 * exits after S seconds (default 60), and on SIGTERM or SIGINT.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define HOSTILE_HEAD		8192		/* request head we read */
#define HOSTILE_FILE		(64 * 1024 * 1024)	/* a script file:
						 * room for oversized feeds */
#define HOSTILE_IO_SECONDS	5		/* per read or write */
#define HOSTILE_WAIT_MS		1000		/* the most a long poll waits */
#define HOSTILE_SECONDS		60		/* default lifetime */
#define HOSTILE_MAX_SECONDS	3600

static volatile sig_atomic_t	 stopping;

struct hostile {
	SSL_CTX		*ctx;
	const char	*dir;
	const char	*region;
	FILE		*log;
	long long	 feed;
	long long	 deadline;	/* ms, monotonic */
};

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
usage(void)
{
	fprintf(stderr, "usage: hostile --cert CRT --key KEY --listen "
	    "127.0.0.1:PORT --dir SCRIPTDIR\n"
	    "           [--log FILE] [--region REGION] [--feed N] "
	    "[--seconds S]\n");
	exit(64);
}

/* A decimal in [min, max] spelled exactly by s[0..n); 0 or -1. */
static int
decimal(const char *s, size_t n, long long min, long long max,
    long long *out)
{
	long long	 v = 0;
	size_t		 i;

	if (n == 0 || n > 18)
		return (-1);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

/* Allow the victim's certificate, whatever it is: the harness plays a
 * peer that does not care who asks. */
static int
accept_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return (1);
}

static SSL_CTX *
tls_setup(const char *crt, const char *key)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(ctx, crt) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ERR_print_errors_fp(stderr);
		SSL_CTX_free(ctx);
		return (NULL);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	/* Every connection a full handshake, as the node's own server does
	 * (node/http.c): a resumed session would skip the certificate. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return (ctx);
}

static int
listen_on(const char *spec)
{
	struct sockaddr_in	 sin;
	const char		*colon;
	char			 host[64];
	long long		 port;
	int			 fd, one = 1;

	if ((colon = strrchr(spec, ':')) == NULL ||
	    (size_t)(colon - spec) >= sizeof(host) ||
	    decimal(colon + 1, strlen(colon + 1), 1, 65535, &port) == -1)
		return (-1);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		return (-1);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Write the request line, escaped, as one line of the log. */
static void
log_request(struct hostile *h, const char *line, size_t n)
{
	size_t	 i;

	if (h->log == NULL)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c >= 0x20 && c <= 0x7e && c != '\\')
			fputc(c, h->log);
		else
			fprintf(h->log, "\\x%02x", c);
	}
	fputc('\n', h->log);
	fflush(h->log);
}

/* The whole of file path into a new buffer; NULL when it is absent. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p = NULL;
	size_t	 n = 0, r;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if ((p = malloc(HOSTILE_FILE)) == NULL)
		goto out;
	while (n < HOSTILE_FILE && (r = fread(p + n, 1, HOSTILE_FILE - n,
	    f)) > 0)
		n += r;
	if (ferror(f) || n == HOSTILE_FILE) {
		fprintf(stderr, "hostile: %s: unreadable or too large\n",
		    path);
		free(p);
		p = NULL;
		goto out;
	}
	*len = n;
out:
	fclose(f);
	return (p);
}

static int
send_all(SSL *ssl, const char *p, size_t n)
{
	int	 w;

	while (n > 0) {
		w = SSL_write(ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
		if (w <= 0)
			return (-1);
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

static void
answer(SSL *ssl, int status, const char *body, size_t n)
{
	char	 head[256];
	int	 hn;

	hn = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", status, status == 200 ? "OK" :
	    status == 404 ? "Not Found" : "Bad Request", n);
	if (hn < 0 || (size_t)hn >= sizeof(head) ||
	    send_all(ssl, head, (size_t)hn) == -1)
		return;
	(void)send_all(ssl, body, n);
}

/*
 * Send the script's SCRIPTDIR/NAME.http raw, else NAME.json as a 200;
 * 0 when one was sent, -1 when the script has neither.
 */
static int
answer_script(struct hostile *h, SSL *ssl, const char *name)
{
	char	 path[4096], *p;
	size_t	 n;

	if (snprintf(path, sizeof(path), "%s/%s.http", h->dir, name) >=
	    (int)sizeof(path))
		return (-1);
	if ((p = slurp(path, &n)) != NULL) {
		(void)send_all(ssl, p, n);
		free(p);
		return (0);
	}
	if (snprintf(path, sizeof(path), "%s/%s.json", h->dir, name) >=
	    (int)sizeof(path))
		return (-1);
	if ((p = slurp(path, &n)) != NULL) {
		answer(ssl, 200, p, n);
		free(p);
		return (0);
	}
	return (-1);
}

/* The value of key in the query q[0..n) as a decimal, or def. */
static long long
query_num(const char *q, size_t n, const char *key, long long def)
{
	size_t		 i = 0, k = strlen(key), e;
	long long	 v;

	while (i < n) {
		for (e = i; e < n && q[e] != '&'; e++)
			;
		if (e - i > k && memcmp(q + i, key, k) == 0 && q[i + k] == '=' &&
		    decimal(q + i + k + 1, e - i - k - 1, 0,
		    9007199254740991LL, &v) == 0)
			return (v);
		i = e + 1;
	}
	return (def);
}

/* Sleep up to ms, in steps, while not stopping or past the deadline. */
static void
pause_ms(struct hostile *h, long long ms)
{
	long long	 end = now_ms() + ms;
	struct timespec	 ts = { 0, 50 * 1000000L };

	while (!stopping && now_ms() < end && now_ms() < h->deadline)
		nanosleep(&ts, NULL);
}

/* A peer that keeps the victim waiting: SCRIPTDIR/NAME.delay, when
 * present, holds the milliseconds to wait before answering NAME. */
static void
script_delay(struct hostile *h, const char *name)
{
	char		 path[4096], *p;
	size_t		 n;
	long long	 ms;

	if (snprintf(path, sizeof(path), "%s/%s.delay", h->dir, name) >=
	    (int)sizeof(path) || (p = slurp(path, &n)) == NULL)
		return;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	if (decimal(p, n, 0, 600000, &ms) == 0)
		pause_ms(h, ms);
	free(p);
}

static const char NOT_FOUND[] = "{\"error\":{\"code\":\"not_found\","
    "\"message\":\"no such resource\"}}";
static const char BAD_REQUEST[] = "{\"error\":{\"code\":\"bad_request\","
    "\"message\":\"GET only\"}}";

static void
route(struct hostile *h, SSL *ssl, const char *target, size_t n)
{
	const char	*q = memchr(target, '?', n);
	size_t		 plen = q != NULL ? (size_t)(q - target) : n;
	size_t		 qlen = q != NULL ? n - plen - 1 : 0;
	char		 name[128], body[256];
	long long	 since, wait;
	size_t		 i;
	int		 bn;

	if (q != NULL)
		q++;
	if (plen == 10 && memcmp(target, "/v1/health", 10) == 0) {
		bn = snprintf(body, sizeof(body), "{\"feed\":%lld,\"region\":"
		    "\"%s\",\"status\":\"ok\"}", h->feed, h->region);
		answer(ssl, 200, body, (size_t)bn);
		return;
	}
	if (plen == 8 && memcmp(target, "/v1/feed", 8) == 0) {
		since = query_num(q, qlen, "since", 0);
		wait = query_num(q, qlen, "wait", 0);
		snprintf(name, sizeof(name), "feed-%lld", since);
		script_delay(h, name);
		if (answer_script(h, ssl, name) == 0)
			return;
		if (wait > 0)
			pause_ms(h, wait * 1000 < HOSTILE_WAIT_MS ?
			    wait * 1000 : HOSTILE_WAIT_MS);
		bn = snprintf(body, sizeof(body), "{\"changes\":[],\"more\":"
		    "false,\"next\":%lld}", since);
		answer(ssl, 200, body, (size_t)bn);
		return;
	}
	if (plen == 13 && memcmp(target, "/v1/snapshots", 13) == 0) {
		since = query_num(q, qlen, "since", 0);
		snprintf(name, sizeof(name), "snapshots-%lld", since);
		if (answer_script(h, ssl, name) == 0)
			return;
		bn = snprintf(body, sizeof(body), "{\"more\":false,\"next\":"
		    "%lld,\"snapshots\":[]}", since);
		answer(ssl, 200, body, (size_t)bn);
		return;
	}
	/* /v1/dossiers/ID/changes, ID a lowercase UUID: it names a file. */
	if (plen == 13 + 36 + 8 && memcmp(target, "/v1/dossiers/", 13) == 0 &&
	    memcmp(target + 13 + 36, "/changes", 8) == 0) {
		for (i = 13; i < 13 + 36; i++)
			if (!((target[i] >= '0' && target[i] <= '9') ||
			    (target[i] >= 'a' && target[i] <= 'f') ||
			    target[i] == '-'))
				break;
		if (i == 13 + 36) {
			snprintf(name, sizeof(name), "dossier-%.36s",
			    target + 13);
			if (answer_script(h, ssl, name) == 0)
				return;
		}
	}
	answer(ssl, 404, NOT_FOUND, sizeof(NOT_FOUND) - 1);
}

/* Read one request head from ssl and answer it. */
static void
serve_one(struct hostile *h, int fd)
{
	struct timeval	 tv = { HOSTILE_IO_SECONDS, 0 };
	SSL		*ssl = NULL;
	char		 head[HOSTILE_HEAD + 1], *eol, *sp1, *sp2;
	size_t		 n = 0;
	int		 r;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    (ssl = SSL_new(h->ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_accept(ssl) != 1)
		goto out;
	while (n < HOSTILE_HEAD) {
		if ((r = SSL_read(ssl, head + n, (int)(HOSTILE_HEAD - n))) <= 0)
			goto out;
		n += (size_t)r;
		head[n] = '\0';
		if (strstr(head, "\r\n\r\n") != NULL)
			break;
	}
	head[n] = '\0';
	if ((eol = strstr(head, "\r\n")) == NULL)
		goto out;
	log_request(h, head, (size_t)(eol - head));
	*eol = '\0';
	if ((sp1 = strchr(head, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL ||
	    (size_t)(sp1 - head) != 3 || memcmp(head, "GET", 3) != 0) {
		answer(ssl, 400, BAD_REQUEST, sizeof(BAD_REQUEST) - 1);
		goto out;
	}
	route(h, ssl, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	(void)SSL_shutdown(ssl);
out:
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "listen", required_argument, NULL, 'l' },
		{ "dir", required_argument, NULL, 'd' },
		{ "log", required_argument, NULL, 'o' },
		{ "region", required_argument, NULL, 'r' },
		{ "feed", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct hostile		 h;
	struct sigaction	 sa;
	struct pollfd		 pfd;
	const char		*crt = NULL, *key = NULL, *addr = NULL;
	long long		 secs = HOSTILE_SECONDS;
	int			 ch, lfd, fd;

	memset(&h, 0, sizeof(h));
	h.region = "RU-X";
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			crt = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'l':
			addr = optarg;
			break;
		case 'd':
			h.dir = optarg;
			break;
		case 'o':
			if ((h.log = fopen(optarg, "a")) == NULL) {
				perror(optarg);
				return (73);
			}
			break;
		case 'r':
			h.region = optarg;
			break;
		case 'f':
			if (decimal(optarg, strlen(optarg), 0,
			    9007199254740991LL, &h.feed) == -1)
				usage();
			break;
		case 's':
			if (decimal(optarg, strlen(optarg), 1,
			    HOSTILE_MAX_SECONDS, &secs) == -1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || crt == NULL || key == NULL || addr == NULL ||
	    h.dir == NULL)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((h.ctx = tls_setup(crt, key)) == NULL) {
		fprintf(stderr, "hostile: cannot load %s and %s\n", crt, key);
		return (66);
	}
	if ((lfd = listen_on(addr)) == -1) {
		fprintf(stderr, "hostile: cannot listen on %s: %s\n", addr,
		    strerror(errno));
		return (71);
	}
	h.deadline = now_ms() + secs * 1000;
	pfd.fd = lfd;
	pfd.events = POLLIN;
	while (!stopping && now_ms() < h.deadline) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		serve_one(&h, fd);
	}
	close(lfd);
	SSL_CTX_free(h.ctx);
	if (h.log != NULL)
		fclose(h.log);
	return (0);
}
