/*
 * node/node.c: a node's directory, configuration and authoring.  See node.h.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "conflict/rules.h"
#include "node/node.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/tls.h"

#define TLS_CERT_DAYS	(10 * 365)

static const char *const node_files[] = {
	"opora.conf", "opora.db", "opora.db-wal", "opora.db-shm",
	"signing.key", "tls.key", "tls.crt", NULL
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

	if (RAND_bytes(r, sizeof(r)) != 1) {
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

/* Whether a listen address is HOST:PORT, [V6]:PORT, with a port 1..65535. */
static int
listen_valid(const char *s)
{
	const char	*colon = strrchr(s, ':');
	long		 port = 0;
	const char	*p;

	if (colon == NULL || colon == s || colon[1] == '\0' ||
	    strlen(colon + 1) > 5)
		return (0);
	for (p = colon + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return (0);
		port = port * 10 + (*p - '0');
	}
	if (s[0] == '[' && colon[-1] != ']')
		return (0);
	return (port >= 1 && port <= 65535);
}

static int
url_valid(const char *s)
{
	size_t	 n = strlen(s);

	return (n > 8 && n < 256 && strncmp(s, "https://", 8) == 0 &&
	    fields_text_valid(s, n, 255, false) && strchr(s, ' ') == NULL);
}

static int
config_write(const char *path, const struct node_config *c)
{
	FILE	*f;
	int	 fd, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0640)) == -1) {
		log_warn("create %s", path);
		return (-1);
	}
	if ((f = fdopen(fd, "w")) == NULL) {
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
	    "stats_threshold_sensitive = %d\n", c->region, c->url, c->listen,
	    NODE_DEFAULT_DRIFT_S, NODE_DEFAULT_STATS_H, NODE_DEFAULT_THRESHOLD,
	    NODE_DEFAULT_THRESHOLD_SENSITIVE);
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

/* A number of seconds from 1 to a day. */
static int
parse_seconds(const char *s, int *out)
{
	long	 v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > 86400)
		return (-1);
	*out = (int)v;
	return (0);
}

static int
config_read(const char *path, struct node_config *c)
{
	FILE	*f;
	char	 line[LIMIT_CONFIG_LINE], *k, *v, *eq;
	int	 lineno = 0, rc = -1;

	memset(c, 0, sizeof(*c));
	c->max_clock_drift = NODE_DEFAULT_DRIFT_S;
	c->stats_interval = NODE_DEFAULT_STATS_H;
	c->stats_threshold = NODE_DEFAULT_THRESHOLD;
	c->stats_threshold_sensitive = NODE_DEFAULT_THRESHOLD_SENSITIVE;
	if ((f = fopen(path, "r")) == NULL) {
		log_warn("configuration %s", path);
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_warnx("%s:%d: line too long", path, lineno);
			goto out;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			log_warnx("%s:%d: expected NAME = VALUE", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (strcmp(k, "region") == 0 && strlen(v) < sizeof(c->region) &&
		    fields_region_valid(v, strlen(v)))
			memcpy(c->region, v, strlen(v) + 1);
		else if (strcmp(k, "url") == 0 && url_valid(v))
			memcpy(c->url, v, strlen(v) + 1);
		else if (strcmp(k, "listen") == 0 && strlen(v) <
		    sizeof(c->listen) && listen_valid(v))
			memcpy(c->listen, v, strlen(v) + 1);
		else if (strcmp(k, "max_clock_drift") == 0 &&
		    parse_seconds(v, &c->max_clock_drift) == 0)
			;
		else if (strcmp(k, "stats_interval") == 0 &&
		    (strcmp(v, "0") == 0 || (parse_seconds(v,
		    &c->stats_interval) == 0 && c->stats_interval <= 8760)))
			c->stats_interval = strcmp(v, "0") == 0 ? 0 :
			    c->stats_interval;
		else if (strcmp(k, "stats_threshold") == 0 &&
		    parse_seconds(v, &c->stats_threshold) == 0 &&
		    c->stats_threshold >= 2 && c->stats_threshold <= 100)
			;
		else if (strcmp(k, "stats_threshold_sensitive") == 0 &&
		    parse_seconds(v, &c->stats_threshold_sensitive) == 0 &&
		    c->stats_threshold_sensitive >= 2 &&
		    c->stats_threshold_sensitive <= 100)
			;
		else if (strcmp(k, "region") == 0 || strcmp(k, "url") == 0 ||
		    strcmp(k, "listen") == 0 ||
		    strcmp(k, "max_clock_drift") == 0 ||
		    strcmp(k, "stats_interval") == 0 ||
		    strcmp(k, "stats_threshold") == 0 ||
		    strcmp(k, "stats_threshold_sensitive") == 0) {
			log_warnx("%s:%d: %s: \"%.60s\" is not valid", path,
			    lineno, k, v);
			goto out;
		} else {
			log_warnx("%s:%d: unknown setting \"%.40s\"", path,
			    lineno, k);
			goto out;
		}
	}
	if (ferror(f)) {
		log_warn("read %s", path);
		goto out;
	}
	if (c->region[0] == '\0') {
		log_warnx("%s: no region", path);
		goto out;
	}
	if (c->url[0] == '\0')
		memcpy(c->url, NODE_DEFAULT_URL, sizeof(NODE_DEFAULT_URL));
	if (c->listen[0] == '\0')
		memcpy(c->listen, NODE_DEFAULT_LISTEN,
		    sizeof(NODE_DEFAULT_LISTEN));
	rc = 0;
out:
	fclose(f);
	return (rc);
}

/* Make dir (mode 0700), or accept it if it exists and is empty. */
static int
make_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 nonempty = 0;

	if (mkdir(dir, 0700) == 0)
		return (0);
	if (errno != EEXIST) {
		log_warn("create directory %s", dir);
		return (-1);
	}
	if ((d = opendir(dir)) == NULL) {
		log_warn("directory %s", dir);
		return (-1);
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			nonempty = 1;
	closedir(d);
	if (nonempty) {
		log_warnx("%s is not empty: a node may already live there; "
		    "nothing was changed (choose an empty directory)", dir);
		return (-1);
	}
	if (chmod(dir, 0700) == -1) {
		log_warn("chmod %s", dir);
		return (-1);
	}
	return (0);
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
	char			 conf[4096];
	mode_t			 old;
	int			 rc = -1, made = 0;

	memset(&c, 0, sizeof(c));
	if (!fields_region_valid(region, strlen(region))) {
		log_warnx("\"%.20s\" is not a region code (ISO 3166-2:RU, "
		    "such as RU-SMO, or RU-FED for the federal node)", region);
		return (-1);
	}
	url = url != NULL ? url : NODE_DEFAULT_URL;
	listen = listen != NULL ? listen : NODE_DEFAULT_LISTEN;
	if (!url_valid(url)) {
		log_warnx("--url \"%.60s\" is not an https:// address", url);
		return (-1);
	}
	if (!listen_valid(listen) || strlen(listen) >= sizeof(c.listen)) {
		log_warnx("--listen \"%.60s\" is not ADDRESS:PORT", listen);
		return (-1);
	}
	memcpy(c.region, region, strlen(region) + 1);
	memcpy(c.url, url, strlen(url) + 1);
	memcpy(c.listen, listen, strlen(listen) + 1);
	if (join(conf, sizeof(conf), dir, "opora.conf") == -1)
		return (-1);

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
		    tls_identity_create(kp, cp, cn, TLS_CERT_DAYS) == -1)
			goto out;
	}
	if (join(p, sizeof(p), dir, "opora.db") == -1 ||
	    (st = store_open(p, true)) == NULL)
		goto out;
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

struct node *
node_open(const char *dir, const char *user)
{
	struct node	*n;
	char		 p[4096], v[64];
	uint64_t	 h;

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
	if (access(p, F_OK) == -1) {
		log_warnx("%s holds no node: create one with 'opora --dir %s "
		    "init --region CODE', or point --dir (or OPORA_DIR) at it",
		    dir, dir);
		goto bad;
	}
	if (config_read(p, &n->cfg) == -1)
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
	if (join(p, sizeof(p), dir, "signing.key") == -1 ||
	    (n->key = sig_key_load(p)) == NULL)
		goto bad;
	sig_key_public(n->key, n->pub);
	sig_key_id(n->pub, n->key_id);
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
node_author(struct node *n, struct dossier *d, const struct op *ops,
    size_t nops, char idout[CHANGE_ID_HEX + 1], char *why, size_t whysz)
{
	struct change	 hdr, *c = NULL;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 hlc[17];
	uint64_t	 stored, now = node_now_ms();
	int64_t		 seq;
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
	if (store_meta_get(n->st, "hlc", hlc, sizeof(hlc)) == 0 &&
	    hlc_parse(hlc, strlen(hlc), &stored) == 0 && stored > n->hlc.last)
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
	if (store_heads(n->st, d->id, &hdr.parents, &hdr.nparents) == -1) {
		snprintf(why, whysz, "cannot read the dossier's history");
		goto nomem_or_out;
	}
	/* The state judged above must be the stored one: a caller that kept
	 * it across transactions may hold one another process has since
	 * moved on.  Refuse before writing anything. */
	if (hdr.nparents != d->nheads || (d->nheads > 0 && memcmp(hdr.parents,
	    d->heads, d->nheads * sizeof(*d->heads)) != 0)) {
		snprintf(why, whysz, "the dossier changed while this command "
		    "ran (another opora process wrote to it); run it again");
		goto out;
	}
	if ((r = change_encode(&b, &hdr, ops, nops, &c, why, whysz)) != 0) {
		if (r == CHANGE_NOMEM)
			rc = NODE_NOMEM;
		goto out;
	}
	if (n->signer != NULL) {
		if (store_change_put(n->st, c, b.data, b.len, NULL, &seq) != 0 ||
		    signer_submit(n->signer, seq, b.data, b.len) == -1) {
			snprintf(why, whysz, "cannot store the change");
			goto nomem_or_out;
		}
	} else if (sig_sign(n->key, CHANGE_PREFIX, b.data, b.len, sig) == -1 ||
	    store_change_put(n->st, c, b.data, b.len, sig, NULL) != 0) {
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
	hlc_format(n->hlc.last, hlc);
	if (view_save(n->st, d) == -1 ||
	    store_meta_raise(n->st, "hlc", hlc) == -1) {
		snprintf(why, whysz, "cannot update the views");
		goto nomem_or_out;
	}
	memcpy(idout, c->id, CHANGE_ID_HEX + 1);
	rc = 0;
	goto out;
nomem_or_out:
	/* SQLite ran out of memory: no verdict on the change either. */
	if (sqlite3_extended_errcode(store_db(n->st)) == SQLITE_NOMEM)
		rc = NODE_NOMEM;
out:
	change_free(c);
	free(hdr.parents);
	buf_free(&b);
	return (rc);
}
