/*
 * node/node.c: a node's directory, configuration and authoring.  See node.h.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "conflict/rules.h"
#include "node/epoch.h"
#include "node/erase.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/session.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/store_view.h"
#include "node/view.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/pemfile.h"
#include "protocol/tls.h"

#define TLS_CERT_DAYS	(10 * 365)

static const char *const node_files[] = {
	"opora.conf", "opora.db", "opora.db-wal", "opora.db-shm",
	"signing.key", "tls.key", "tls.crt", "feed.head", NULL
};

uint64_t	(*node_clock)(void);

/* OPORA_TEST_CLOCK_OFFSET in ms, read once (node.h). */
static int64_t		 clock_offset_ms;
static pthread_once_t	 clock_once = PTHREAD_ONCE_INIT;

static void
clock_offset_read(void)
{
	const char	*v = getenv("OPORA_TEST_CLOCK_OFFSET");
	int64_t		 sec;

	if (v != NULL && num_parse_str(v, -NODE_CLOCK_OFFSET_MAX,
	    NODE_CLOCK_OFFSET_MAX, &sec) == 0)
		clock_offset_ms = sec * 1000;
}

uint64_t
node_now_ms(void)
{
	struct timespec	 ts;
	int64_t		 ms;

	if (node_clock != NULL)
		return (node_clock());
	(void)pthread_once(&clock_once, clock_offset_read);
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	    clock_offset_ms;
	return (ms > 0 ? (uint64_t)ms : 0);
}

/* "YYYY-MM-DD HH:MM UTC" of ms since the epoch, into out. */
static void
node_when(uint64_t ms, char out[32])
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, 32, "%llu ms", (unsigned long long)ms);
}

int
node_check_dates(const struct op *ops, size_t nops, char *why, size_t whysz)
{
	const char	*d;
	struct tm	 tm;
	time_t		 t = (time_t)(node_now_ms() / 1000);
	int64_t		 today;
	size_t		 i;
	int		 y, m, dd, k;
	char		 ts[11];

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(why, whysz, "cannot read the local date");
		return (-1);
	}
	today = fields_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
	for (i = 0; i < nops; i++)
		for (k = 0; k < 3; k++) {
			if (k == 0)
				d = ops[i].arg[OA_DATE];
			else if (k == 1)
				d = ops[i].person[PF_BIRTH_DATE];
			else
				d = (ops[i].kind == OP_PERSON_SET ||
				    ops[i].kind == OP_CONFLICT_RESOLVE) &&
				    ops[i].field == PF_BIRTH_DATE ?
				    ops[i].arg[OA_VALUE] : NULL;
			/* A malformed date is change_decode's to explain. */
			if (d == NULL || fields_date_parse(d, strlen(d), &y, &m,
			    &dd) == -1 || fields_days_from_civil(y, m, dd) <=
			    today)
				continue;
			strftime(ts, sizeof(ts), "%Y-%m-%d", &tm);
			snprintf(why, whysz, "the date %s is after today "
			    "(%s on this node's clock): record what has "
			    "happened, on the day it happened", d, ts);
			return (-1);
		}
	return (0);
}

/*
 * Whether this node's wall clock now_ms is behind the latest clock it
 * holds by more than max_clock_drift: then it must not write (its changes
 * would carry a clock ahead of real time, which peers refuse beyond the
 * bound and which wins every conflict).  0, or -1 with advice in why.
 */
static int
node_clock_behind(const struct node *n, uint64_t now_ms, char *why,
    size_t whysz)
{
	uint64_t	 last = hlc_ms(n->hlc.last);
	uint64_t	 drift = (uint64_t)n->cfg.max_clock_drift * 1000;
	char		 a[32], b[32], c[32];

	if (last <= now_ms + drift)
		return (0);
	node_when(now_ms, a);
	node_when(last, b);
	node_when(last - drift, c);
	snprintf(why, whysz, "this node's clock (%s) is behind the latest "
	    "time it has recorded (%s) by %llu s, more than max_clock_drift "
	    "(%d s): nothing is written while it is.  Set the system clock "
	    "right (NTP).  If the clock ran fast and has just been set "
	    "right, writing resumes at %s", a, b,
	    (unsigned long long)((last - now_ms) / 1000),
	    n->cfg.max_clock_drift, c);
	return (-1);
}

int
node_new_uuid(char out[37])
{
	uint8_t	 r[16];
	int	 i, j;
	static const char hex[] = "0123456789abcdef";

	/* The kernel's generator: OpenSSL's would first start its providers
	 * and its DRBG (1.5-2 ms, a twentieth of importing 1,000 lines);
	 * it stays the fallback should getrandom fail. */
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r) &&
	    RAND_bytes(r, sizeof(r)) != 1) {
		log_ssl("random UUID");
		return (-1);
	}
	r[6] = (r[6] & 0x0f) | 0x40;	/* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0, j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[r[i] >> 4];
		out[j++] = hex[r[i] & 0xf];
	}
	out[36] = '\0';
	return (0);
}

static int
join(char *out, size_t outsz, const char *dir, const char *name)
{
	int	 n = snprintf(out, outsz, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= outsz) {
		log_warnx("path too long: %s/%s", dir, name);
		return (-1);
	}
	return (0);
}

int
node_path(const struct node *n, const char *name, char *out, size_t outsz)
{
	return (join(out, outsz, n->dir, name));
}

/*
 * Whether a listen address is IPV4:PORT or [IPV6]:PORT (or IPV6:PORT),
 * with a port 1..65535 and a numeric address, exactly what 'serve' can
 * bind (http.c, listen_addr): a value it would refuse at its start is
 * refused when it is set.  Nothing a log line or a terminal could take
 * for anything else passes.
 */
static int
listen_valid(const char *s)
{
	const char	*colon = strrchr(s, ':');
	char		 host[INET6_ADDRSTRLEN + 1];
	unsigned char	 a[sizeof(struct in6_addr)];
	int64_t		 port;
	size_t		 hl;

	if (colon == NULL || num_parse_str(colon + 1, 1, 65535, &port) == -1)
		return (0);
	hl = (size_t)(colon - s);
	if (hl >= 2 && s[0] == '[' && colon[-1] == ']') {
		s++;
		hl -= 2;
	} else if (strchr(s, '[') != NULL || strchr(s, ']') != NULL)
		return (0);
	if (hl == 0 || hl >= sizeof(host))
		return (0);
	memcpy(host, s, hl);
	host[hl] = '\0';
	return (inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1);
}

/*
 * Would listeners on a and b (listen_valid, or "" for none) take the same
 * port of the same address -- or of any, when one is the unspecified
 * address (0.0.0.0, ::), which takes the port on every address?
 */
static bool
listen_clash(const char *a, const char *b)
{
	const char	*s[2] = { a, b }, *colon;
	unsigned char	 addr[2][sizeof(struct in6_addr)];
	static const unsigned char zero[sizeof(struct in6_addr)];
	char		 host[INET6_ADDRSTRLEN + 1];
	int64_t		 port[2];
	size_t		 hl, len[2];
	int		 i;

	for (i = 0; i < 2; i++) {
		if (s[i][0] == '\0' || (colon = strrchr(s[i], ':')) == NULL ||
		    num_parse_str(colon + 1, 1, 65535, &port[i]) == -1)
			return (false);
		hl = (size_t)(colon - s[i]);
		if (hl >= 2 && s[i][0] == '[' && hl - 2 < sizeof(host)) {
			memcpy(host, s[i] + 1, hl - 2);
			host[hl - 2] = '\0';
		} else if (hl < sizeof(host)) {
			memcpy(host, s[i], hl);
			host[hl] = '\0';
		} else
			return (false);
		memset(addr[i], 0, sizeof(addr[i]));
		if (inet_pton(AF_INET, host, addr[i]) == 1)
			len[i] = 4;
		else if (inet_pton(AF_INET6, host, addr[i]) == 1)
			len[i] = 16;
		else
			return (false);
	}
	if (port[0] != port[1])
		return (false);
	return (memcmp(addr[0], zero, len[0]) == 0 ||
	    memcmp(addr[1], zero, len[1]) == 0 || (len[0] == len[1] &&
	    memcmp(addr[0], addr[1], len[0]) == 0));
}

static int
url_valid(const char *s)
{
	size_t	 n = strlen(s);

	return (n > 8 && n < 256 && strncmp(s, "https://", 8) == 0 &&
	    fields_text_valid(s, n, 255, false) && strchr(s, ' ') == NULL);
}

int
node_url_host(const char *url, char *host, size_t hostsz, int *port)
{
	const char	*h, *e, *p;
	int64_t		 v = 443;
	size_t		 n;

	if (strncmp(url, "https://", 8) != 0)
		return (-1);
	h = url + 8;
	if (*h == '[') {
		/* An IPv6 literal: hex digits, ':' and '.', in brackets. */
		if ((e = strchr(h, ']')) == NULL)
			return (-1);
		for (p = h + 1; p < e; p++)
			if (strchr("0123456789abcdefABCDEF:.", *p) == NULL)
				return (-1);
		h++;
		n = (size_t)(e - h);
		p = e + 1;
	} else {
		for (e = h; (*e >= 'a' && *e <= 'z') || (*e >= 'A' &&
		    *e <= 'Z') || (*e >= '0' && *e <= '9') || *e == '.' ||
		    *e == '-'; e++)
			;
		n = (size_t)(e - h);
		p = e;
	}
	if (n == 0 || n > NODE_HOST_MAX || n >= hostsz)
		return (-1);
	if (*p == ':') {
		p++;
		for (e = p; *e >= '0' && *e <= '9'; e++)
			;
		if (num_parse(p, (size_t)(e - p), 1, 65535, &v) == -1)
			return (-1);
		p = e;
	}
	if (*p != '\0' && *p != '/')
		return (-1);
	memcpy(host, h, n);
	host[n] = '\0';
	*port = (int)v;
	return (0);
}

int
node_listen_for(const char *host, int port, char *out, size_t outsz)
{
	const char	*addr;
	int		 n;
	char		 a[16];

	if (strcmp(host, "localhost") == 0)
		addr = "127.0.0.1";
	else if (inet_pton(AF_INET, host, a) == 1)
		addr = host;
	else if (inet_pton(AF_INET6, host, a) == 1)
		addr = NULL;
	else
		addr = "0.0.0.0";
	if (addr != NULL)
		n = snprintf(out, outsz, "%s:%d", addr, port);
	else
		n = snprintf(out, outsz, "[%s]:%d", host, port);
	if (n < 0 || (size_t)n >= outsz || !listen_valid(out)) {
		log_warnx("no listen address for host %s", host);
		return (-1);
	}
	return (0);
}

static int
config_write(const char *path, const struct node_config *c)
{
	FILE	*f;
	int	 fd, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("create %s", path);
		return (-1);
	}
	if (fchmod(fd, 0600) == -1 || (f = fdopen(fd, "w")) == NULL) {
		close(fd);
		log_warn("create %s", path);
		return (-1);
	}
	fprintf(f, "# opora node configuration (see docs/admin.md).\n"
	    "# The region cannot change once changes are signed.\n"
	    "region = %s\n"
	    "# The address peers use to reach this node.\n"
	    "url = %s\n"
	    "# Where 'opora serve' listens: ADDRESS:PORT, [IPv6]:PORT.\n"
	    "listen = %s\n"
	    "# How far (seconds) a peer's clock may run ahead of ours before\n"
	    "# its changes are refused (1-86400).\n"
	    "max_clock_drift = %d\n"
	    "# Hours between the statistics snapshots 'opora serve' publishes\n"
	    "# for the federal node (1-8760; 0: only 'opora stats publish').\n"
	    "stats_interval = %d\n"
	    "# The federal node hides counts below stats_threshold, and below\n"
	    "# stats_threshold_sensitive for sensitive indicators (2-100).\n"
	    "stats_threshold = %d\n"
	    "stats_threshold_sensitive = %d\n"
	    "# Months between the federal node's statistics releases, made\n"
	    "# on the first day of each block of that many months of the year\n"
	    "# (1-12; 3: quarterly; 0: only 'opora stats release').\n"
	    "stats_release_months = %d\n"
	    "# Seconds between comparisons with each peer of what both hold\n"
	    "# (anti-entropy; 1-86400; 0: off).\n"
	    "anti_entropy_interval = %d\n"
	    "# Years after a person's support ended (every episode closed)\n"
	    "# before 'opora serve' erases the dossier with the ground\n"
	    "# \"retention\" (1-100; 0: never).\n"
	    "retention_years = 0\n", c->region, c->url, c->listen,
	    NODE_DEFAULT_DRIFT_S, NODE_DEFAULT_STATS_H, NODE_DEFAULT_THRESHOLD,
	    NODE_DEFAULT_THRESHOLD_SENSITIVE, NODE_DEFAULT_RELEASE_MONTHS,
	    NODE_DEFAULT_ANTI_ENTROPY_S);
	if (fflush(f) == 0 && fsync(fileno(f)) == 0)
		rc = 0;
	else
		log_warn("write %s", path);
	if (fclose(f) != 0 && rc == 0) {
		log_warn("close %s", path);
		rc = -1;
	}
	return (rc);
}

/* Remove surrounding white space from a line, in place. */
static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return (s);
}

/* The numeric settings, their place in struct node_config and bounds. */
static const struct {
	const char	*name;
	size_t		 off;
	int64_t		 min, max;
} num_settings[] = {
	{ "max_clock_drift", offsetof(struct node_config, max_clock_drift),
	    1, NODE_MAX_DRIFT_S },
	{ "stats_interval", offsetof(struct node_config, stats_interval),
	    0, NODE_MAX_STATS_H },
	{ "stats_threshold", offsetof(struct node_config, stats_threshold),
	    NODE_MIN_THRESHOLD, NODE_MAX_THRESHOLD },
	{ "stats_threshold_sensitive", offsetof(struct node_config,
	    stats_threshold_sensitive), NODE_MIN_THRESHOLD,
	    NODE_MAX_THRESHOLD },
	{ "anti_entropy_interval", offsetof(struct node_config,
	    anti_entropy_interval), 0, NODE_MAX_ANTI_ENTROPY_S },
	{ "stats_release_months", offsetof(struct node_config,
	    stats_release_months), 0, 12 },
	{ "session_idle_minutes", offsetof(struct node_config,
	    session_idle_minutes), SESSION_IDLE_MIN / 60,
	    NODE_MAX_SESSION_IDLE_MIN },
	{ "session_max_hours", offsetof(struct node_config,
	    session_max_hours), 1, NODE_MAX_SESSION_MAX_H },
	{ "retention_years", offsetof(struct node_config, retention_years),
	    0, NODE_MAX_RETENTION_Y },
};

/* An absolute path of printable ASCII without spaces (a certificate's). */
static int
path_valid(const char *s)
{
	const char	*p;

	if (s[0] != '/')
		return (0);
	for (p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			return (0);
	return (1);
}

/* One NAME = VALUE setting into c: 0, or -1 with why. */
static int
config_set(struct node_config *c, const char *k, const char *v, char *why,
    size_t whysz)
{
	char	 ek[ESC_SHORT], ev[ESC_SHORT];
	int64_t	 x;
	size_t	 i = sizeof(num_settings) / sizeof(num_settings[0]);
	size_t	 n = strlen(v);

	if (strcmp(k, "region") == 0) {
		if (n < sizeof(c->region) && fields_region_valid(v, n)) {
			memcpy(c->region, v, n + 1);
			return (0);
		}
	} else if (strcmp(k, "url") == 0) {
		if (n < sizeof(c->url) && url_valid(v)) {
			memcpy(c->url, v, n + 1);
			return (0);
		}
	} else if (strcmp(k, "listen") == 0) {
		if (n < sizeof(c->listen) && listen_valid(v)) {
			memcpy(c->listen, v, n + 1);
			return (0);
		}
	} else if (strcmp(k, "listen_ui") == 0) {
		/* Empty: no browser listener. */
		if (n < sizeof(c->listen_ui) && (n == 0 || listen_valid(v))) {
			memcpy(c->listen_ui, v, n + 1);
			return (0);
		}
	} else if (strcmp(k, "listen_metrics") == 0) {
		/* Empty: no endpoint.  Loopback only, or refused saying why
		 * (node/metrics.h). */
		if (n == 0) {
			c->listen_metrics[0] = '\0';
			return (0);
		}
		if (n < sizeof(c->listen_metrics) && listen_valid(v)) {
			if (metrics_listen_check(v, why, whysz) == -1)
				return (-1);
			memcpy(c->listen_metrics, v, n + 1);
			return (0);
		}
	} else if (strcmp(k, "ui_cert") == 0 || strcmp(k, "ui_key") == 0) {
		if (n < sizeof(c->ui_cert) && (n == 0 || path_valid(v))) {
			memcpy(strcmp(k, "ui_cert") == 0 ? c->ui_cert :
			    c->ui_key, v, n + 1);
			return (0);
		}
	} else {
		for (i = 0; i < sizeof(num_settings) / sizeof(num_settings[0]);
		    i++)
			if (strcmp(k, num_settings[i].name) == 0)
				break;
		if (i == sizeof(num_settings) / sizeof(num_settings[0])) {
			snprintf(why, whysz, "unknown setting \"%s\"",
			    esc_str(k, ek, sizeof(ek)));
			return (-1);
		}
		if (num_parse_str(v, num_settings[i].min, num_settings[i].max,
		    &x) == 0) {
			*(int *)(void *)((char *)c + num_settings[i].off) =
			    (int)x;
			return (0);
		}
	}
	if (i < sizeof(num_settings) / sizeof(num_settings[0]))
		snprintf(why, whysz, "%s: \"%s\" is not valid (a whole "
		    "number from %lld to %lld)", k, esc_str(v, ev, sizeof(ev)),
		    (long long)num_settings[i].min,
		    (long long)num_settings[i].max);
	else
		snprintf(why, whysz, "%s: \"%s\" is not valid", k,
		    esc_str(v, ev, sizeof(ev)));
	return (-1);
}

int
node_config_parse(const char *text, size_t len, struct node_config *c,
    int *line, char *why, size_t whysz)
{
	char		 buf[LIMIT_CONFIG_LINE], *k, *v, *eq;
	const char	*p = text, *end = text + len, *nl, *a, *b;
	size_t		 n;

	memset(c, 0, sizeof(*c));
	c->max_clock_drift = NODE_DEFAULT_DRIFT_S;
	c->stats_interval = NODE_DEFAULT_STATS_H;
	c->stats_threshold = NODE_DEFAULT_THRESHOLD;
	c->stats_threshold_sensitive = NODE_DEFAULT_THRESHOLD_SENSITIVE;
	c->stats_release_months = NODE_DEFAULT_RELEASE_MONTHS;
	c->anti_entropy_interval = NODE_DEFAULT_ANTI_ENTROPY_S;
	c->session_idle_minutes = NODE_DEFAULT_SESSION_IDLE_MIN;
	c->session_max_hours = NODE_DEFAULT_SESSION_MAX_H;
	*line = 0;
	if (len > LIMIT_CONFIG_BYTES) {
		snprintf(why, whysz, "larger than %d bytes",
		    LIMIT_CONFIG_BYTES);
		return (-1);
	}
	while (p < end) {
		(*line)++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n >= sizeof(buf)) {
			snprintf(why, whysz, "line too long");
			return (-1);
		}
		if (memchr(p, '\0', n) != NULL) {
			snprintf(why, whysz, "a NUL byte");
			return (-1);
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		p = nl < end ? nl + 1 : end;
		k = trim(buf);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(why, whysz, "expected NAME = VALUE");
			return (-1);
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (config_set(c, k, v, why, whysz) == -1)
			return (-1);
	}
	*line = 0;
	if (c->region[0] == '\0') {
		snprintf(why, whysz, "no region");
		return (-1);
	}
	if (c->url[0] == '\0')
		memcpy(c->url, NODE_DEFAULT_URL, sizeof(NODE_DEFAULT_URL));
	if (c->listen[0] == '\0')
		memcpy(c->listen, NODE_DEFAULT_LISTEN,
		    sizeof(NODE_DEFAULT_LISTEN));
	/* Each listener needs its port: serve could not start. */
	if (listen_clash(c->listen, c->listen_ui))
		a = "listen", b = "listen_ui";
	else if (listen_clash(c->listen, c->listen_metrics))
		a = "listen", b = "listen_metrics";
	else if (listen_clash(c->listen_ui, c->listen_metrics))
		a = "listen_ui", b = "listen_metrics";
	else
		return (0);
	snprintf(why, whysz, "%s and %s are on the same port of the same "
	    "address: give each listener a port of its own", a, b);
	return (-1);
}

/* What fd holds, at most LIMIT_CONFIG_BYTES + 1 bytes, into *text (the
 * caller's to free) and *len.  0, or -1 with errno set and nothing said. */
static int
read_config_fd(int fd, char **text, size_t *len)
{
	ssize_t	 r;
	int	 saved;

	*len = 0;
	if ((*text = malloc(LIMIT_CONFIG_BYTES + 1)) == NULL)
		return (-1);
	while (*len < LIMIT_CONFIG_BYTES + 1) {
		r = read(fd, *text + *len, LIMIT_CONFIG_BYTES + 1 - *len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			saved = errno;
			free(*text);
			*text = NULL;
			errno = saved;
			return (-1);
		}
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	return (0);
}

/*
 * The text of the configuration file path (which must be private to us),
 * at most LIMIT_CONFIG_BYTES + 1 bytes (one more than the limit, to see a
 * file that exceeds it) into *text (the caller's to free) and *len.
 * 0, or -1 logged.
 */
static int
config_slurp(const char *path, char **text, size_t *len)
{
	int	 fd, rc;

	if ((fd = pemfile_open_trusted(path, 0, PEMFILE_PRIVATE,
	    "configuration")) < 0) {
		if (fd == -2)
			log_warnx("configuration %s: no such file", path);
		*text = NULL;
		*len = 0;
		return (-1);
	}
	if ((rc = read_config_fd(fd, text, len)) == -1)
		log_warn("read %s", path);
	close(fd);
	return (rc);
}

static int	config_splice(const char *, size_t, const char *, const char *,
		    struct buf *);

/* A change 'config set' is about to make (node_config_pending). */
static const char	*pending_key, *pending_value;

void
node_config_pending(const char *key, const char *value)
{
	pending_key = key;
	pending_value = value;
}

int
node_config_reads(const char *dir)
{
	struct node_config	 c;
	char			 path[4096], why[LIMIT_CONFIG_LINE], *text;
	size_t			 len;
	int			 fd, line, rc = -1;

	/* Its trust is node_open's to judge, and to say. */
	if (join(path, sizeof(path), dir, "opora.conf") == -1 ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	if (read_config_fd(fd, &text, &len) == 0) {
		rc = node_config_parse(text, len, &c, &line, why,
		    sizeof(why)) == 0;
		free(text);
	}
	close(fd);
	return (rc);
}

/* Read the configuration file path (which must be private to us), as it
 * will read with the pending change, if any. */
static int
config_read(const char *path, struct node_config *c)
{
	struct buf	 b;
	char		*text = NULL, why[LIMIT_CONFIG_LINE];
	size_t		 len = 0;
	int		 line, rc = -1;

	memset(c, 0, sizeof(*c));
	buf_init(&b, LIMIT_CONFIG_BYTES);
	if (config_slurp(path, &text, &len) == -1)
		return (-1);
	if (pending_key != NULL) {
		if (config_splice(text, len, pending_key, pending_value,
		    &b) == -1) {
			log_warnx("%s: larger than %d bytes with %s set", path,
			    LIMIT_CONFIG_BYTES, pending_key);
			goto out;
		}
		free(text);
		text = b.data;
		len = b.len;
		b.data = NULL;
	}
	if (node_config_parse(text, len, c, &line, why, sizeof(why)) == -1) {
		if (line > 0)
			log_warnx("%s:%d: %s", path, line, why);
		else
			log_warnx("%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	free(text);
	buf_free(&b);
	return (rc);
}

/*
 * Make dir (mode 0700), or take it if it exists, is empty and ours; never
 * through a symbolic link.  The mode is set on the opened directory, so
 * neither the umask nor a swap between the calls changes what we judge.
 */
static int
make_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 fd, nonempty = 0, rc = -1;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("create directory %s", dir);
		return (-1);
	}
	if ((fd = pemfile_open_trusted(dir, 1, 0, "node directory")) < 0) {
		if (fd == -2)
			log_warnx("node directory %s vanished", dir);
		return (-1);
	}
	if (fchmod(fd, 0700) == -1) {
		log_warn("chmod %s", dir);
		close(fd);
		return (-1);
	}
	if ((d = fdopendir(fd)) == NULL) {
		log_warn("directory %s", dir);
		close(fd);
		return (-1);
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			nonempty = 1;
	if (nonempty)
		log_warnx("%s is not empty: a node may already live there; "
		    "nothing was changed (choose an empty directory)", dir);
	else
		rc = 0;
	closedir(d);
	return (rc);
}

static void
remove_node_files(const char *dir)
{
	char	 p[4096];
	int	 i;

	for (i = 0; node_files[i] != NULL; i++)
		if (join(p, sizeof(p), dir, node_files[i]) == 0)
			(void)unlink(p);
}

int
node_init(const char *dir, const char *region, const char *url,
    const char *listen)
{
	struct node_config	 c;
	struct sig_key		*k = NULL;
	struct store		*st = NULL;
	uint8_t			 pub[SIG_PUB_LEN];
	char			 p[4096], kid[SIG_KEYID_LEN + 1], cn[64];
	char			 conf[4096], e[ESC_SHORT];
	char			 host[NODE_HOST_MAX + 1], deflisten[128];
	int			 port;
	mode_t			 old;
	int			 rc = -1, made = 0;

	memset(&c, 0, sizeof(c));
	if (!fields_region_valid(region, strlen(region))) {
		log_warnx("\"%s\" is not a region code (ISO 3166-2:RU, "
		    "such as RU-SMO, or RU-FED for the federal node)",
		    esc_str(region, e, 32));
		return (-1);
	}
	url = url != NULL ? url : NODE_DEFAULT_URL;
	if (!url_valid(url) || node_url_host(url, host, sizeof(host),
	    &port) == -1) {
		log_warnx("--url \"%s\" is not an https:// address "
		    "(https://HOST:PORT)", esc_str(url, e, sizeof(e)));
		return (-1);
	}
	/* Without --listen, listen where the url points (node.h). */
	if (listen == NULL) {
		if (node_listen_for(host, port, deflisten,
		    sizeof(deflisten)) == -1)
			return (-1);
		listen = deflisten;
	}
	if (!listen_valid(listen) || strlen(listen) >= sizeof(c.listen)) {
		log_warnx("--listen \"%s\" is not ADDRESS:PORT",
		    esc_str(listen, e, sizeof(e)));
		return (-1);
	}
	memcpy(c.region, region, strlen(region) + 1);
	memcpy(c.url, url, strlen(url) + 1);
	memcpy(c.listen, listen, strlen(listen) + 1);
	if (join(conf, sizeof(conf), dir, "opora.conf") == -1 ||
	    pemfile_check_parents(dir) == -1)
		return (-1);

	/* Every file below is created 0600 (tls.crt 0644) whatever the
	 * caller's umask; the keys and the configuration set it themselves. */
	old = umask(077);
	if (make_dir(dir) == -1)
		goto out;
	made = 1;
	if ((k = sig_key_generate()) == NULL ||
	    join(p, sizeof(p), dir, "signing.key") == -1 ||
	    sig_key_save(k, p) == -1)
		goto out;
	snprintf(cn, sizeof(cn), "opora %s", region);
	{
		char	 kp[4096], cp[4096];

		if (join(kp, sizeof(kp), dir, "tls.key") == -1 ||
		    join(cp, sizeof(cp), dir, "tls.crt") == -1 ||
		    tls_identity_create(kp, cp, cn, host, TLS_CERT_DAYS) ==
		    -1)
			goto out;
	}
	if (join(p, sizeof(p), dir, "opora.db") == -1 ||
	    (st = store_open(p, true)) == NULL)
		goto out;
	if (chmod(p, 0600) == -1) {
		log_warn("chmod %s", p);
		goto out;
	}
	sig_key_public(k, pub);
	sig_key_id(pub, kid);
	if (store_begin(st) == -1)
		goto out;
	if (store_meta_set(st, "region", region) == -1 ||
	    store_meta_set(st, "key_id", kid) == -1 ||
	    store_key_put(st, kid, region, pub) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		goto out;
	}
	if (config_write(conf, &c) == -1)
		goto out;
	rc = 0;
out:
	store_close(st);
	sig_key_free(k);
	if (rc == -1 && made) {
		remove_node_files(dir);
		(void)rmdir(dir);
	}
	umask(old);
	return (rc);
}

/*
 * The node's files, in the order node_open judges them, and what each
 * must not allow.  Once the directory is ours and nobody else may write
 * it, nobody else can swap a file between this check and its use; the
 * signing key and the configuration are moreover read from the very
 * descriptor that was judged.  SQLite's files are judged without being
 * opened (pemfile_stat_trusted says why).
 */
static const struct {
	const char	*name;
	const char	*what;
	mode_t		 forbid;
	int		 optional;	/* SQLite makes them when needed */
	int		 sqlite;
} node_trust[] = {
	{ "opora.db", "database", PEMFILE_PRIVATE, 0, 1 },
	{ "opora.db-wal", "database log", PEMFILE_PRIVATE, 1, 1 },
	{ "opora.db-shm", "database index", PEMFILE_PRIVATE, 1, 1 },
	{ "tls.key", "TLS key", PEMFILE_PRIVATE, 0, 0 },
	{ "tls.crt", "TLS certificate", PEMFILE_NO_WRITE, 0, 0 },
};

/* Whether dir and its files may be trusted (see pemfile.h). 0 / -1. */
static int
node_trusted(const char *dir)
{
	char	 p[4096];
	size_t	 i;
	int	 dfd, fd, rc = -1;

	if ((dfd = pemfile_open_trusted(dir, 1, PEMFILE_NO_WRITE,
	    "node directory")) < 0) {
		if (dfd == -2)
			log_warnx("%s holds no node: create one with 'opora "
			    "--dir %s init --region CODE', or point --dir (or "
			    "OPORA_DIR) at it", dir, dir);
		return (-1);
	}
	if (pemfile_check_parents(dir) == -1)
		goto out;
	for (i = 0; i < sizeof(node_trust) / sizeof(node_trust[0]); i++) {
		if (join(p, sizeof(p), dir, node_trust[i].name) == -1)
			goto out;
		if (node_trust[i].sqlite)
			fd = pemfile_stat_trusted(dfd, node_trust[i].name, p,
			    node_trust[i].forbid, node_trust[i].what);
		else if ((fd = pemfile_open_trusted(p, 0,
		    node_trust[i].forbid, node_trust[i].what)) >= 0) {
			close(fd);
			fd = 0;
		}
		if (fd == -1)
			goto out;
		if (fd == -2 && !node_trust[i].optional) {
			log_warnx("%s %s is missing", node_trust[i].what, p);
			goto out;
		}
	}
	rc = 0;
out:
	close(dfd);
	return (rc);
}

struct node *
node_open(const char *dir, const char *user)
{
	struct node	*n;
	char		 p[4096], v[64];
	uint8_t		 pub[SIG_PUB_LEN];
	uint64_t	 h;
	int		 r;

	if ((n = calloc(1, sizeof(*n))) == NULL || (n->dir = strdup(dir)) ==
	    NULL) {
		log_warn("open node");
		free(n);
		return (NULL);
	}
	if (user == NULL || !fields_text_valid(user, strlen(user), LIMIT_USER,
	    false)) {
		log_warnx("the user name is empty, too long or not plain text "
		    "(set --user or OPORA_USER)");
		goto bad;
	}
	memcpy(n->user, user, strlen(user) + 1);
	if (join(p, sizeof(p), dir, "opora.conf") == -1)
		goto bad;
	if (access(dir, F_OK) == 0 && access(p, F_OK) == -1 &&
	    errno == ENOENT) {
		log_warnx("%s holds no node: create one with 'opora --dir %s "
		    "init --region CODE', or point --dir (or OPORA_DIR) at it",
		    dir, dir);
		goto bad;
	}
	if (node_trusted(dir) == -1 || config_read(p, &n->cfg) == -1)
		goto bad;
	if (join(p, sizeof(p), dir, "opora.db") == -1 ||
	    (n->st = store_open(p, false)) == NULL)
		goto bad;
	if (store_meta_get(n->st, "region", v, sizeof(v)) != 0 ||
	    strcmp(v, n->cfg.region) != 0) {
		log_warnx("%s: the region in opora.conf (%s) is not the "
		    "region of the database: the region cannot change once "
		    "changes are signed", dir, n->cfg.region);
		goto bad;
	}
	/* A log that went back (a lost -wal file, a database put back by
	 * hand) begins a new feed epoch before anything is served. */
	(void)epoch_check(dir, n->st);
	if (join(p, sizeof(p), dir, "signing.key") == -1 ||
	    (n->key = sig_key_load(p)) == NULL)
		goto bad;
	sig_key_public(n->key, n->pub);
	sig_key_id(n->pub, n->key_id);
	/* signing.key must be one of this region's keys in the database
	 * (the current one, or the one before it while a rotation waits
	 * for its rename): another node's key put there (a backup mixed
	 * up) would sign changes every peer refuses. */
	if ((r = store_key_get(n->st, n->key_id, v, pub, NULL)) == -1)
		goto bad;
	if (r != 0 || strcmp(v, n->cfg.region) != 0 ||
	    memcmp(pub, n->pub, SIG_PUB_LEN) != 0) {
		log_warnx("%s: signing.key (key %s) is not a signing key of "
		    "%s in this node's database: it belongs to another node; "
		    "put back this node's own signing.key (from the same "
		    "backup as opora.db)", dir, n->key_id, n->cfg.region);
		goto bad;
	}
	if (store_meta_get(n->st, "hlc", v, sizeof(v)) == 0 &&
	    hlc_parse(v, strlen(v), &h) == 0)
		n->hlc.last = h;
	return (n);
bad:
	node_close(n);
	return (NULL);
}

void
node_close(struct node *n)
{
	if (n == NULL)
		return;
	signer_free(n->signer);
	store_close(n->st);
	sig_key_free(n->key);
	free(n->dir);
	free(n);
}

int
node_clock_hold(struct node *n)
{
	char		 hlc[17];
	uint64_t	 stored;
	int		 r;

	if ((r = store_meta_get(n->st, "hlc", hlc, sizeof(hlc))) == -1)
		return (-1);
	if (r == 0 && hlc_parse(hlc, strlen(hlc), &stored) == 0 &&
	    stored > n->hlc.last)
		n->hlc.last = stored;
	n->clock_held = true;
	return (0);
}

int
node_clock_release(struct node *n)
{
	char	 hlc[17];

	if (!n->clock_held)
		return (0);
	n->clock_held = false;
	hlc_format(n->hlc.last, hlc);
	return (store_meta_raise(n->st, "hlc", hlc));
}

/* author: node_author, or node_author_checked when checked. */
static int
author(struct node *n, struct dossier *d, const struct op *ops, size_t nops,
    bool checked, char idout[CHANGE_ID_HEX + 1], char *why, size_t whysz)
{
	struct change	 hdr, *c = NULL;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 hlc[17];
	uint64_t	 stored, now = node_now_ms();
	int		 rc = -1, r;

	memset(&hdr, 0, sizeof(hdr));
	buf_init(&b, LIMIT_CHANGE_BYTES);
	if (node_check_dates(ops, nops, why, whysz) == -1 ||
	    rules_check(d, n->cfg.region, ops, nops, why, whysz) == -1)
		goto out;
	/*
	 * A change's clock is above every clock in its causal past, and above
	 * every clock this node issued: another opora process may have written
	 * since this one opened the node, and the caller's transaction holds
	 * the write lock, so the stored clock is current.
	 */
	if (d->nchanges > 0 && d->last.hlc > n->hlc.last)
		n->hlc.last = d->last.hlc;
	if (!n->clock_held && store_meta_get(n->st, "hlc", hlc,
	    sizeof(hlc)) == 0 && hlc_parse(hlc, strlen(hlc), &stored) == 0 &&
	    stored > n->hlc.last)
		n->hlc.last = stored;
	if (node_clock_behind(n, now, why, whysz) == -1)
		goto out;
	hdr.hlc = hlc_tick(&n->hlc, now);
	/* A new dossier's id is derived from its first change (protocol
	 * version 2): whatever id the caller started it with is replaced. */
	if (d->nchanges == 0)
		change_dossier_id(n->cfg.region, n->key_id, hdr.hlc, d->id);
	memcpy(hdr.dossier, d->id, sizeof(hdr.dossier));
	memcpy(hdr.key, n->key_id, sizeof(hdr.key));
	memcpy(hdr.region, n->cfg.region, sizeof(hdr.region));
	hdr.user = n->user;
	/* The import read d in its transaction (node_author_checked): its
	 * heads are the stored ones, and are borrowed. */
	if (checked) {
		hdr.parents = d->heads;
		hdr.nparents = d->nheads;
	} else if ((n->signer != NULL && signer_drain(n->signer, n->st) ==
	    -1) || store_heads(n->st, d->id, &hdr.parents, &hdr.nparents) ==
	    -1) {
		snprintf(why, whysz, "cannot read the dossier's history");
		goto nomem_or_out;
	}
	/* The state judged above must be the stored one: a caller that kept
	 * it across transactions may hold one another process has since
	 * moved on.  Refuse before writing anything. */
	if (!checked && (hdr.nparents != d->nheads || (d->nheads > 0 &&
	    memcmp(hdr.parents, d->heads, d->nheads * sizeof(*d->heads)) !=
	    0))) {
		snprintf(why, whysz, "the dossier changed while this command "
		    "ran (another opora process wrote to it); run it again");
		goto out;
	}
	if ((r = checked ? change_encode_checked(&b, &hdr, ops, nops, &c, why,
	    whysz) : change_encode(&b, &hdr, ops, nops, &c, why, whysz)) != 0) {
		if (r == CHANGE_NOMEM)
			rc = NODE_NOMEM;
		goto out;
	}
	/* With a signer the change is stored once signed, by
	 * signer_store: a state that refuses it has nothing to undo. */
	if (n->signer == NULL && (sig_sign(n->key, CHANGE_PREFIX, b.data,
	    b.len, sig) == -1 || store_change_put(n->st, c, b.data, b.len,
	    sig) != 0)) {
		snprintf(why, whysz, "cannot store the change");
		goto nomem_or_out;
	}
	if ((r = dossier_apply(d, &c->meta, c->ops, c->nops)) != 0) {
		snprintf(why, whysz, r == 1 ? "the change is out of order" :
		    "out of memory");
		if (r != 1)
			rc = NODE_NOMEM;
		goto out;
	}
	if (n->signer != NULL && (signer_submit(n->signer, c, b.data,
	    b.len) == -1 || signer_store(n->signer, n->st) == -1)) {
		snprintf(why, whysz, "cannot store the change");
		goto nomem_or_out;
	}
	hlc_format(n->hlc.last, hlc);
	if (((!checked || !n->views_deferred ||
	    c->ops[0].kind == OP_PERSON_ERASE) && view_save(n->st, d) == -1) ||
	    (!n->clock_held && store_meta_raise(n->st, "hlc", hlc) == -1)) {
		snprintf(why, whysz, "cannot update the views");
		goto nomem_or_out;
	}
	/* A tombstone: everything else of the dossier goes at once (with
	 * a signer, once the tombstone and all before it are stored). */
	if (c->ops[0].kind == OP_PERSON_ERASE && ((n->signer != NULL &&
	    signer_drain(n->signer, n->st) == -1) ||
	    erase_dossier(n, d->id, c->id) == -1)) {
		snprintf(why, whysz, "cannot erase the dossier");
		goto nomem_or_out;
	}
	memcpy(idout, c->id, CHANGE_ID_HEX + 1);
	rc = 0;
	goto out;
nomem_or_out:
	/* SQLite ran out of memory: no verdict on the change either. */
	if (store_view_out_of_memory(n->st))
		rc = NODE_NOMEM;
out:
	change_free(c);
	if (!checked)
		free(hdr.parents);
	buf_free(&b);
	return (rc);
}

int
node_author(struct node *n, struct dossier *d, const struct op *ops,
    size_t nops, char idout[CHANGE_ID_HEX + 1], char *why, size_t whysz)
{
	return (author(n, d, ops, nops, false, idout, why, whysz));
}

int
node_author_checked(struct node *n, struct dossier *d, const struct op *ops,
    size_t nops, char idout[CHANGE_ID_HEX + 1], char *why, size_t whysz)
{
	return (author(n, d, ops, nops, true, idout, why, whysz));
}

/* Every setting of opora.conf, in the order 'opora config get' lists them. */
static const char *const config_names[] = {
	"region", "url", "listen", "max_clock_drift", "stats_interval",
	"stats_threshold", "stats_threshold_sensitive",
	"stats_release_months", "anti_entropy_interval", "listen_ui", "ui_cert",
	"ui_key", "session_idle_minutes", "session_max_hours", "retention_years",
	"listen_metrics", NULL
};

const char *
node_config_name(size_t i)
{
	return (i < sizeof(config_names) / sizeof(config_names[0]) ?
	    config_names[i] : NULL);
}

int
node_config_get(const struct node_config *c, const char *key, char *out,
    size_t outsz)
{
	const char	*v = NULL;
	size_t		 i;
	int		 n;

	if (strcmp(key, "region") == 0)
		v = c->region;
	else if (strcmp(key, "url") == 0)
		v = c->url;
	else if (strcmp(key, "listen") == 0)
		v = c->listen;
	else if (strcmp(key, "listen_ui") == 0)
		v = c->listen_ui;
	else if (strcmp(key, "listen_metrics") == 0)
		v = c->listen_metrics;
	else if (strcmp(key, "ui_cert") == 0)
		v = c->ui_cert;
	else if (strcmp(key, "ui_key") == 0)
		v = c->ui_key;
	if (v != NULL) {
		n = snprintf(out, outsz, "%s", v);
		return (n < 0 || (size_t)n >= outsz ? -1 : 0);
	}
	for (i = 0; i < sizeof(num_settings) / sizeof(num_settings[0]); i++)
		if (strcmp(key, num_settings[i].name) == 0) {
			n = snprintf(out, outsz, "%d", *(const int *)(const
			    void *)((const char *)c + num_settings[i].off));
			return (n < 0 || (size_t)n >= outsz ? -1 : 0);
		}
	return (-1);
}

/*
 * The text of a configuration with every "key = ..." line of text[0..len)
 * replaced by one "key = value" line where the first stood (appended at
 * the end when there was none), comments and other lines kept as they
 * are, into b.  0, or -1 when it does not fit.
 */
static int
config_splice(const char *text, size_t len, const char *key,
    const char *value, struct buf *b)
{
	const char	*p = text, *end = text + len, *nl, *k, *ke;
	size_t		 n, klen = strlen(key);
	int		 done = 0;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		for (k = p; k < nl && (*k == ' ' || *k == '\t'); k++)
			;
		for (ke = k; ke < nl && *ke != '=' && *ke != ' ' &&
		    *ke != '\t'; ke++)
			;
		if (*k != '#' && (size_t)(ke - k) == klen &&
		    memcmp(k, key, klen) == 0 && memchr(ke, '=',
		    (size_t)(nl - ke)) != NULL) {
			if (!done && (buf_add(b, key, klen) == -1 ||
			    buf_add(b, " = ", 3) == -1 || buf_add(b, value,
			    strlen(value)) == -1 || buf_add(b, "\n", 1) == -1))
				return (-1);
			done = 1;
		} else if (buf_add(b, p, n) == -1 || buf_add(b, "\n", 1) == -1)
			return (-1);
		p = nl < end ? nl + 1 : end;
	}
	if (!done && (buf_add(b, key, klen) == -1 || buf_add(b, " = ", 3) ==
	    -1 || buf_add(b, value, strlen(value)) == -1 ||
	    buf_add(b, "\n", 1) == -1))
		return (-1);
	return (0);
}

/* Write text[0..len) to dir/opora.conf at once: a new file (0600) beside
 * it, synced, renamed over it, and the directory synced.  0 / -1 logged,
 * with the failure's errno in *err. */
static int
config_replace(const char *dir, const char *text, size_t len, int *err)
{
	char	 path[4096], tmp[4096];
	ssize_t	 w;
	size_t	 off = 0;
	int	 fd, dfd, rc = -1;

	if (join(path, sizeof(path), dir, "opora.conf") == -1 ||
	    join(tmp, sizeof(tmp), dir, "opora.conf.new") == -1) {
		*err = ENAMETOOLONG;
		return (-1);
	}
	/* A leftover of a write cut short: the caller holds the
	 * directory's lock (node_config_update), so no other writer's. */
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		*err = errno;
		log_warn("create %s", tmp);
		return (-1);
	}
	if (fchmod(fd, 0600) == -1) {
		*err = errno;
		log_warn("chmod %s", tmp);
		goto out;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			*err = errno;
			log_warn("write %s", tmp);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1) {
		*err = errno;
		log_warn("write %s", tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		*err = errno;
		log_warn("rename %s", tmp);
		goto out;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (rc == -1)
		(void)unlink(tmp);
	close(fd);
	return (rc);
}

int
node_config_update(const char *dir, const char *key, const char *value,
    node_config_before before, void *arg, char *why, size_t whysz)
{
	struct node_config	 cur, scratch;
	struct buf		 b;
	char			 path[4096], w[LIMIT_CONFIG_LINE], *text = NULL;
	char			 broke[4096 + LIMIT_CONFIG_LINE + 64];
	bool			 broken;
	size_t			 len;
	int			 dfd = -1, err = 0, line;
	int			 rc = NODE_CONFIG_BROKEN;

	buf_init(&b, LIMIT_CONFIG_BYTES);
	if (node_trusted(dir) == -1 || join(path, sizeof(path), dir,
	    "opora.conf") == -1)
		goto out;
	/*
	 * One change at a time, from the read to the rename: two at once
	 * would each splice into the file as it was (one value lost), and
	 * share the temporary file (one renaming the other's, still empty,
	 * over opora.conf).  The lock is the directory's, whose entry the
	 * rename does not replace; it ends with the process.
	 */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(dfd, LOCK_EX) == -1) {
		log_warn("lock %s", dir);
		goto out;
	}
	if (config_slurp(path, &text, &len) == -1)
		goto out;
	/*
	 * A file that does not read may still be mended by this change:
	 * when the line at fault is one of key's, the new file (checked
	 * below) reads.  Otherwise this is the reason given.
	 */
	if ((broken = node_config_parse(text, len, &cur, &line, w,
	    sizeof(w)) == -1)) {
		if (line > 0)
			snprintf(broke, sizeof(broke), "%s:%d: %s (fix that "
			    "line first)", path, line, w);
		else
			snprintf(broke, sizeof(broke), "%s: %s (fix the file "
			    "first)", path, w);
	}
	/* The value alone, judged as init judges it (config_set). */
	memset(&scratch, 0, sizeof(scratch));
	rc = NODE_CONFIG_REFUSED;
	if (strpbrk(value, "\n\r") != NULL) {
		snprintf(why, whysz, "%s: a value of more than one line is "
		    "not valid", key);
		goto out;
	}
	if (config_set(&scratch, key, value, why, whysz) == -1)
		goto out;
	/* (A broken file's region was checked against the database when
	 * the node opened as it will read: node_config_pending.) */
	if (!broken && strcmp(key, "region") == 0 &&
	    strcmp(value, cur.region) != 0) {
		snprintf(why, whysz, "region: the region cannot change once "
		    "changes are signed (it is %s)", cur.region);
		goto out;
	}
	rc = NODE_CONFIG_BROKEN;
	if (config_splice(text, len, key, value, &b) == -1) {
		snprintf(why, whysz, "%s would be larger than %d bytes", path,
		    LIMIT_CONFIG_BYTES);
		goto out;
	}
	/* The whole new file must read back as the one meant. */
	if (node_config_parse(b.data, b.len, &scratch, &line, w,
	    sizeof(w)) == -1) {
		if (broken)	/* not mended by this change */
			snprintf(why, whysz, "%s", broke);
		else if (line == 0) {
			/* Not a line but the settings together: the
			 * value's fault (two listeners on one port). */
			rc = NODE_CONFIG_REFUSED;
			snprintf(why, whysz, "%s", w);
		} else
			snprintf(why, whysz, "%s: the new file would not "
			    "read: line %d: %s", path, line, w);
		goto out;
	}
	if (before != NULL && before(key, value, arg) == -1) {
		rc = NODE_CONFIG_UNRECORDED;
		goto out;
	}
	if (config_replace(dir, b.data, b.len, &err) == -1) {
		snprintf(why, whysz, "cannot write %s: %s", path,
		    strerror(err));
		rc = err == ENOSPC || err == EDQUOT ? NODE_CONFIG_FULL :
		    NODE_CONFIG_IO;
		goto out;
	}
	rc = 0;
out:
	if (dfd != -1)
		close(dfd);
	free(text);
	buf_free(&b);
	return (rc);
}
