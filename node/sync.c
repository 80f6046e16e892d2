/*
 * node/sync.c: pulling peers' feeds.  See sync.h.
 */
#include <sys/socket.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <cjson/cJSON.h>

#include "node/entropy.h"
#include "node/epoch.h"
#include "node/fedstats.h"
#include "node/feed.h"
#include "node/memlimit.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "node/metrics.h"
#include "node/sync.h"
#include "node/verifier.h"
#include "protocol/esc.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/sig.h"
#include "protocol/snapshot.h"
#include "protocol/tls.h"
#include "protocol/wire.h"

#define SYNC_MAX_PEERS	128
#define SYNC_WAIT	25	/* seconds a long poll may wait */
#define SYNC_LIMIT	LIMIT_FEED_MAX	/* changes asked for at once */
#define SYNC_BACKOFF_MAX 60	/* seconds between tries to reach a peer */
/* Seconds before asking again a peer whose responses bring nothing: all
 * refused, or empty while saying more is to come (a broken or hostile
 * peer must not be asked hundreds of times a second). */
#define SYNC_IDLE_BACKOFF_MAX 600
#define SYNC_MANAGER_MS	200	/* how often new and removed peers are seen */
#define SYNC_THREAD_SAY_MS 60000	/* a puller that cannot start: said so */
/* A backlog's responses are committed a few at a time (store_hold): at
 * most this many, held at most this long (other writers wait for it). */
#define SYNC_HOLD_RESPONSES 4
#define SYNC_HOLD_MS	1000


/* One slot of the pullers' table; only the manager thread (and
 * sync_stop, after it) uses and reuses slots.  stop and finished are
 * shared with the puller's threads: atomic. */
#define SYNC_PULLER_FDS	4	/* transfers of one puller at once */

struct puller {
	struct sync	*s;
	char		 region[16];
	pthread_t	 th;
	bool		 started;	/* the slot holds a thread to join */
	bool		 stop;		/* the peer was removed */
	bool		 finished;	/* the thread has returned */
	bool		 failed;	/* ... at once: it could not open the
					   node (out of memory) */
	/* The sockets its transfers hold (the puller's and its prefetch's),
	 * -1 when free; under the sync's mu.  A removal shuts them down, so
	 * a transfer waiting on the peer ends at once rather than at curl's
	 * next progress call (about once a second). */
	int		 fds[SYNC_PULLER_FDS];
};

/* What cuts a transfer or a wait short: the whole sync stopping, or the
 * one puller's peer removed (either may be NULL); and the TLS identity
 * its transfers present (borrowed; NULL only for a nap). */
struct stopper {
	struct sync	*s;
	struct puller	*p;
	const struct tls_identity *id;
};

struct sync {
	char		*dir;
	char		*user;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 stop;
	pthread_t	 manager;
	bool		 manager_started;
	/* tls.crt and tls.key, read once when the sync starts: every
	 * puller's connections present them (tls_identity_use). */
	struct tls_identity id;
	struct puller	 pullers[SYNC_MAX_PEERS];	/* the manager's */
	uint64_t	 thread_said_ms;	/* a puller could not start */
};

static int
peer_get(struct node *n, const char *region, struct store_peer *p)
{
	return (store_peer_get(n->st, region, p) == 0 ? 0 : -1);
}

/* Record text (escaped: it may quote the peer) as the peer's last error;
 * a failure is logged by the store. */
static void
peer_error(struct node *n, const char *region, const char *text)
{
	char	 etext[ESC_LONG];

	(void)store_peer_error(n->st, region, esc_str(text, etext,
	    sizeof(etext)), (int64_t)node_now_ms());
	metrics_pull_failed(region);
}

/* The peer is not asked again for ms milliseconds, for reason. */
static void
peer_backoff(struct node *n, const char *region, const char *reason,
    int64_t ms)
{
	char	 ereason[ESC_LONG];

	(void)store_peer_backoff(n->st, region, esc_str(reason, ereason,
	    sizeof(ereason)), (int64_t)node_now_ms() + ms);
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;

	if (buf_add(b, p, size * nmemb) == -1)
		return (0);	/* libcurl aborts; get() says why */
	return (size * nmemb);
}

static bool
stopping(const struct stopper *stp)
{
	return (stp != NULL && ((stp->s != NULL &&
	    __atomic_load_n(&stp->s->stop, __ATOMIC_RELAXED)) ||
	    (stp->p != NULL && __atomic_load_n(&stp->p->stop,
	    __ATOMIC_RELAXED))));
}

/* libcurl calls it at least once a second during a transfer, also while
 * nothing moves: a removed peer's long poll ends within a second. */
static int
progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return (stopping(arg));
}

/* curl opens a socket for a puller's transfer: note it, so that a removal
 * can shut it down (stop_removed). */
static curl_socket_t
open_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	const struct stopper	*stp = arg;
	curl_socket_t		 fd;
	int			 i;

	(void)purpose;
	if ((fd = socket(a->family, a->socktype, a->protocol)) == -1 ||
	    stp->p == NULL)
		return (fd);
	pthread_mutex_lock(&stp->s->mu);
	for (i = 0; i < SYNC_PULLER_FDS; i++)
		if (stp->p->fds[i] == -1) {
			stp->p->fds[i] = fd;
			break;
		}
	pthread_mutex_unlock(&stp->s->mu);
	return (fd);
}

static int
close_cb(void *arg, curl_socket_t fd)
{
	const struct stopper	*stp = arg;
	int			 i;

	if (stp->p != NULL) {
		pthread_mutex_lock(&stp->s->mu);
		for (i = 0; i < SYNC_PULLER_FDS; i++)
			if (stp->p->fds[i] == fd)
				stp->p->fds[i] = -1;
		pthread_mutex_unlock(&stp->s->mu);
	}
	return (close(fd));
}

#define PROTO_STR_(x)	#x
#define PROTO_STR(x)	PROTO_STR_(x)

/* curl made the TLS context of a connection: it presents this node's
 * identity, read once (struct sync).  Nothing is decoded here, so a
 * failure is a shortage of memory, and said so (get). */
static CURLcode
ssl_ctx_cb(CURL *h, void *ssl_ctx, void *arg)
{
	(void)h;
	return (tls_identity_use(arg, ssl_ctx) == 0 ? CURLE_OK :
	    CURLE_OUT_OF_MEMORY);
}

/* Set up a handle to reach a peer as this node; 0 / -1. */
static int
handle_setup(CURL *h, struct node *n, const struct store_peer *p,
    const struct stopper *stp, struct buf *body, int wait)
{
	char		 pins[STORE_PINS_LEN];	/* "A" or "A;B": both pinned */

	if (stp == NULL || stp->id == NULL ||
	    store_peer_pins(n->st, p->region, pins, sizeof(pins)) != 0)
		return (-1);
	curl_easy_reset(h);
	if (curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, (void *)stp->id) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, pins) != CURLE_OK ||
	    /* Identity is the pin, not a certificate authority. */
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)
	    (CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3)) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)(wait + 60)) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)LIMIT_FEED_BYTES) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_XFERINFODATA, stp) != CURLE_OK ||
	    (stp != NULL && stp->s != NULL && (curl_easy_setopt(h,
	    CURLOPT_OPENSOCKETFUNCTION, open_cb) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, stp) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, close_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, stp) != CURLE_OK)))
		return (-1);
	return (0);
}

/* What an answer's WIRE_PROTOCOL_HEADER field said. */
struct answer_proto {
	int	 proto;		/* 0 while none seen, -1 not a version */
	char	 said[33];	/* its value (raw, cut), for the reason */
};

/*
 * The version the last answer says it is in.  curl hands over the header
 * fields of every answer, an interim one (1xx) included, each after its
 * status line: a status line starts over, so that only the final
 * answer's field counts, and the field twice in it is not a version.
 */
static size_t
header_cb(char *p, size_t size, size_t nmemb, void *arg)
{
	struct answer_proto	*ap = arg;
	size_t			 len = size * nmemb;
	size_t			 k = sizeof(WIRE_PROTOCOL_HEADER) - 1;
	const char		*v, *e;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		ap->proto = 0;
		ap->said[0] = '\0';
		return (len);
	}
	if (len > k && strncasecmp(p, WIRE_PROTOCOL_HEADER, k) == 0 &&
	    p[k] == ':') {
		for (v = p + k + 1; v < p + len && (*v == ' ' || *v == '\t');
		    v++)
			;
		for (e = p + len; e > v && (e[-1] == '\r' || e[-1] == '\n' ||
		    e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		ap->proto = ap->proto != 0 ? -1 : wire_protocol_parse(v,
		    (size_t)(e - v));
		/* Raw, as every reason: escaped where it is shown. */
		k = (size_t)(e - v) < sizeof(ap->said) - 1 ? (size_t)(e - v) :
		    sizeof(ap->said) - 1;
		memcpy(ap->said, v, k);
		ap->said[k] = '\0';
	}
	return (len);
}

/*
 * An answer's body is a protocol_version error (the peer does not speak
 * this node's version): its message (the peer's words, not escaped) into
 * msg, and true.
 */
static bool
protocol_refused(const struct buf *body, char *msg, size_t msgsz)
{
	cJSON		*v, *e, *code, *m;
	bool		 r = false;

	if (body->data == NULL || (v = cJSON_ParseWithLength(body->data,
	    body->len)) == NULL)
		return (false);
	if ((e = cJSON_GetObjectItemCaseSensitive(v, "error")) != NULL &&
	    (code = cJSON_GetObjectItemCaseSensitive(e, "code")) != NULL &&
	    cJSON_IsString(code) && strcmp(code->valuestring,
	    "protocol_version") == 0) {
		m = cJSON_GetObjectItemCaseSensitive(e, "message");
		/* Raw: every reason is escaped where it is shown. */
		snprintf(msg, msgsz, "%s", cJSON_IsString(m) ?
		    m->valuestring : "");
		r = true;
	}
	cJSON_Delete(v);
	return (r);
}

/*
 * Whether this node holds every change its region wrote, for the feed of
 * peer (docs/protocol.md, "Endpoints", Opora-Own): its log never went back
 * in this epoch (no meta "epoch_reason": the epoch began with the
 * database, not with a restore or a lost -wal), or since it did, a pull of
 * peer's feed without the header has caught up (meta "own_held:REGION"
 * names this epoch): the peer had sent back what this node wrote after
 * its backup.  Any doubt (an error) says no.
 */
static bool
own_held(struct store *st, const char *peer)
{
	char	 why[1024], k[64], v[EPOCH_HEX + 1], e[EPOCH_HEX + 1];

	if (store_meta_get(st, "epoch_reason", why, sizeof(why)) == 1)
		return (true);
	snprintf(k, sizeof(k), "own_held:%s", peer);
	return (epoch_get(st, e) == 0 && store_meta_get(st, k, v,
	    sizeof(v)) == 0 && strcmp(v, e) == 0);
}

/* After a pull of peer's feed caught up: own_held from now on. */
static void
own_caught_up(struct store *st, const char *peer)
{
	char	 k[64], e[EPOCH_HEX + 1];

	if (own_held(st, peer) || epoch_get(st, e) == -1)
		return;
	snprintf(k, sizeof(k), "own_held:%s", peer);
	(void)store_meta_set(st, k, e);
}

/* GET url from a peer into body; 0 on HTTP 200, -1 with a reason. */
static int
get(CURL *h, struct node *n, const struct stopper *stp,
    const struct store_peer *p,
    const char *url, int wait, struct buf *body, char *why, size_t whysz)
{
	char		 err[CURL_ERROR_SIZE], msg[ESC_LONG];
	struct curl_slist *hdr = NULL, *own;
	long		 status = 0;
	struct answer_proto	 ap = { 0, "" };
	int		 proto, rc = -1;
	CURLcode	 cc;

	/* Each request says which version of the protocol it is in; a
	 * feed request, whether this node holds what its region wrote. */
	if ((hdr = curl_slist_append(NULL, WIRE_PROTOCOL_HEADER ": "
	    PROTO_STR(WIRE_PROTOCOL_MAX))) != NULL &&
	    strstr(url, "/v1/feed?") != NULL && own_held(n->st, p->region) &&
	    (own = curl_slist_append(hdr, WIRE_OWN_HEADER ": "
	    WIRE_OWN_HELD)) == NULL) {
		snprintf(why, whysz, "cannot set up the request");
		goto out;
	}
	if (hdr == NULL ||
	    handle_setup(h, n, p, stp, body, wait) == -1 ||
	    curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ap) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err) != CURLE_OK) {
		snprintf(why, whysz, "cannot set up the request");
		goto out;
	}
	err[0] = '\0';
	if ((cc = curl_easy_perform(h)) != CURLE_OK) {
		/* The body's buffer says why it refused the answer. */
		if (buf_error(body) == BUF_NOMEM || cc == CURLE_OUT_OF_MEMORY)
			snprintf(why, whysz, "out of memory");
		else if (buf_error(body) == BUF_TOO_LARGE)
			snprintf(why, whysz, "the peer's answer is larger than "
			    "%zu bytes", body->max);
		else if (strstr(err, "malloc failure") != NULL)
			/* OpenSSL could not allocate, in the handshake. */
			snprintf(why, whysz, "out of memory (%s)", err);
		else
			snprintf(why, whysz, "%s", err[0] ? err :
			    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	proto = ap.proto;
	/* The peer does not speak this node's version, or answers in one
	 * this node does not speak: nothing of it is taken, and the pull is
	 * tried again after a backoff (docs/protocol.md, "Versions of the
	 * replication protocol"). */
	if (status == 400 && protocol_refused(body, msg, sizeof(msg))) {
		snprintf(why, whysz, "it does not speak this node's "
		    "replication protocol (version %d to %d): it said \"%s\"; "
		    "upgrade the older of the two nodes", WIRE_PROTOCOL_MIN,
		    WIRE_PROTOCOL_MAX, msg);
		goto out;
	}
	if (proto != 0 && (proto < WIRE_PROTOCOL_MIN ||
	    proto > WIRE_PROTOCOL_MAX)) {
		if (proto > 0)
			snprintf(msg, sizeof(msg), "version %d", proto);
		else
			snprintf(msg, sizeof(msg), "\"%s\", not a version "
			    "number", ap.said);
		snprintf(why, whysz, "it answers in replication protocol %s, "
		    "which this node does not speak (it speaks version %d to "
		    "%d): upgrade the older of the two nodes", msg,
		    WIRE_PROTOCOL_MIN, WIRE_PROTOCOL_MAX);
		goto out;
	}
	if (status != 200) {
		snprintf(why, whysz, "the peer answered HTTP %ld", status);
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(hdr);
	return (rc);
}

/*
 * Changes whose parents never came: fetch their dossiers whole from the
 * peer and apply them; what still cannot be applied is recorded refused.
 * Each is taken in with the cursor (unchanged: cursor) so that nothing is
 * applied once the peer is removed.  Returns how many were applied.
 */
static uint64_t
repair(CURL *h, struct node *n, const struct stopper *stp,
    const struct store_peer *p, const struct feed_stats *st, int64_t cursor)
{
	uint64_t	 applied = 0;
	struct feed_stats rs;
	struct wire_feed f;
	struct buf	 body;
	char		 url[512], why[256];
	size_t		 i;

	for (i = 0; i < st->ntorepair && !stopping(stp); i++) {
		memset(&f, 0, sizeof(f));
		memset(&rs, 0, sizeof(rs));
		buf_init(&body, LIMIT_FEED_BYTES);
		snprintf(url, sizeof(url), "%s/v1/dossiers/%s/changes", p->url,
		    st->torepair[i]);
		if (get(h, n, stp, p, url, 0, &body, why, sizeof(why)) == -1 ||
		    wire_feed_parse(body.data, body.len, &f, why,
		    sizeof(why)) == -1 || (f.next = cursor, feed_apply(n,
		    p->region, &f, true, &rs, why, sizeof(why))) == -1)
			log_warnx("repair dossier %s from %s: %s",
			    st->torepair[i], p->region, why);
		else {
			log_info("repaired dossier %s from %s: %llu applied",
			    st->torepair[i], p->region,
			    (unsigned long long)rs.applied);
			applied += rs.applied;
		}
		wire_feed_free(&f);
		buf_free(&body);
	}
	return (applied);
}

static bool	 nap(struct sync *, struct puller *, int);


/* Take in one snapshot of a response; 1 stored (its year in *year), 0
 * held already, -1 refused, -2 not stored for a local reason (a database
 * error, out of memory: no verdict on the snapshot). */
static int
take_snapshot(struct node *n, const char *region, const cJSON *it, int *year)
{
	const cJSON	*b = cJSON_GetObjectItemCaseSensitive(it, "bytes");
	const cJSON	*g = cJSON_GetObjectItemCaseSensitive(it, "sig");
	uint8_t		*bytes, sig[SIG_LEN];
	size_t		 len, slen;
	char		 why[256];
	int		 r = -1;

	if (!cJSON_IsString(b) || !cJSON_IsString(g))
		return (-1);
	if ((bytes = malloc(SNAPSHOT_MAX_BYTES)) == NULL)
		return (-2);
	if (wire_b64_decode(b->valuestring, strlen(b->valuestring), bytes,
	    SNAPSHOT_MAX_BYTES, &len) == 0 &&
	    wire_b64_decode(g->valuestring, strlen(g->valuestring), sig,
	    SIG_LEN, &slen) == 0 && slen == SIG_LEN) {
		if ((r = stats_store(n->st, bytes, len, sig, region, year, why,
		    sizeof(why))) == -1)
			log_warnx("refused a snapshot from %s: %s", region,
			    why);
		else if (r == -2)
			log_warnx("a snapshot from %s: %s; the pull stops here "
			    "and is tried again", region, why);
		else if (r == 0)
			log_info("from %s: a statistics snapshot", region);
	} else
		log_warnx("refused a snapshot from %s: not base64", region);
	free(bytes);
	return (r < 0 ? r : r == 0 ? 1 : 0);
}

/*
 * The federal node's pull: the peer's statistics snapshots after our
 * cursor (a federal node is entitled to no dossier, so there is no feed
 * to pull).  With nothing new, a puller waits before asking again.
 */
static int
pull_snapshots(CURL *h, struct node *n, const struct stopper *stp,
    const struct store_peer *p, int wait, bool *more, struct feed_stats *st,
    char *why, size_t whysz)
{
	struct buf	 body;
	cJSON		*j = NULL;
	const cJSON	*a, *it;
	char		 url[512];
	int64_t		 cursor = 0, next;
	int		 rc = -1, years[8], nyears = 0, year = 0, k;

	memset(st, 0, sizeof(*st));
	if (store_peer_snapshot_cursor(n->st, p->region, &cursor) == -1) {
		snprintf(why, whysz, "cannot read the snapshot cursor");
		return (-1);
	}
	buf_init(&body, (size_t)SNAPSHOT_MAX_BYTES * 30);
	if (snprintf(url, sizeof(url), "%s/v1/snapshots?since=%lld", p->url,
	    (long long)cursor) >= (int)sizeof(url)) {
		snprintf(why, whysz, "the peer's URL is too long");
		goto out;
	}
	if (get(h, n, stp, p, url, 0, &body, why, whysz) == -1)
		goto out;
	if ((j = cJSON_ParseWithLength(body.data, body.len)) == NULL ||
	    !cJSON_IsArray(a = cJSON_GetObjectItemCaseSensitive(j,
	    "snapshots")) || num_json(cJSON_GetObjectItemCaseSensitive(j,
	    "next"), 0, NUM_JSON_MAX, &next) == -1) {
		snprintf(why, whysz, "the peer's snapshots are not a valid "
		    "answer");
		goto out;
	}
	if (next < cursor) {
		snprintf(why, whysz, "the peer's snapshots went back (%lld < "
		    "%lld)", (long long)next, (long long)cursor);
		goto out;
	}
	if (store_begin(n->st) == -1) {
		snprintf(why, whysz, "cannot open a transaction");
		goto out;
	}
	/* Only a verdict on a snapshot's bytes lets the cursor pass it: a
	 * database error stops the pull before the cursor moves. */
	cJSON_ArrayForEach(it, a) {
		switch (take_snapshot(n, p->region, it, &year)) {
		case 1:
			st->applied++;
			for (k = 0; k < nyears && years[k] != year; k++)
				;
			if (k == nyears && nyears < 8)
				years[nyears++] = year;
			break;
		case 0:
			st->duplicate++;
			break;
		case -1:
			st->rejected++;
			break;
		default:
			store_rollback(n->st);
			memset(st, 0, sizeof(*st));
			snprintf(why, whysz, "a snapshot could not be stored "
			    "here (a database error or out of memory); tried "
			    "again later");
			goto out;
		}
	}
	if (store_peer_snapshot_cursor_set(n->st, p->region, next,
	    (int64_t)node_now_ms()) == -1 || store_commit(n->st) == -1) {
		store_rollback(n->st);
		snprintf(why, whysz, "cannot store the snapshots");
		goto out;
	}
	*more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "more"));
	/* New figures reach researchers with the next release only
	 * (node/fedstats.h). */
	if (nyears > 0)
		log_info("from %s: snapshots of %d year(s), for the next "
		    "statistics release", p->region, nyears);
	if (!*more && cJSON_GetArraySize(a) == 0 && stp != NULL &&
	    stp->s != NULL && wait > 0)
		(void)nap(stp->s, stp->p, wait * 1000);
	rc = 0;
out:
	cJSON_Delete(j);
	buf_free(&body);
	return (rc);
}

/*
 * The next response of a peer that has more, fetched and checked (hashes,
 * signatures, order) in a thread of its own, with its own connection to the
 * peer and to the database, while the puller takes in the current one.
 */
/*
 * What a response the prefetch made holds once the puller has taken it
 * in: freed by the next prefetch thread, not by the puller.  Its thousands
 * of small allocations came from the prefetch's malloc arena, and the
 * puller freeing them locked that arena while the prefetch allocated the
 * next response from it: at a million changes the puller waited 1.3 s on
 * that lock (docs/performance.md, "Where the writing thread waits").
 */
struct leftovers {
	bool		 set;
	struct feed_batch *b;
	struct wire_feed f;
	struct buf	 body;
};

struct pipeline {
	CURL		*h;		/* owned */
	struct node	*rn;		/* owned: read only here */
	bool		 running;
	pthread_t	 th;
	const struct stopper *stp;	/* borrowed from the puller */
	struct store_peer p;		/* cursor: the "since" asked */
	struct buf	 body;
	struct wire_feed f;
	struct feed_batch *b;
	int		 rc;
	char		 why[512];
	pthread_mutex_t	 lmu;		/* guards left */
	struct leftovers left;		/* owned */
	bool		 hand_back;	/* the puller leaves them here */
	/* The responses taken into the transaction held (store_hold), and
	 * since when it is held. */
	int		 held;
	uint64_t	 held_ms;
	/* After a held transaction was lost, the next responses are taken
	 * each in a transaction of its own: the one that was refused in
	 * part (node/feed.h) is taken again without what was refused. */
	int		 nohold;
	/* The prefetch thread has finished (guarded by dmu, signalled on
	 * dcv), so that the puller can wait for it a while only. */
	pthread_mutex_t	 dmu;
	pthread_cond_t	 dcv;
	bool		 done;
};

static void
leftovers_free(struct leftovers *l)
{
	if (!l->set)
		return;
	feed_batch_free(l->b);
	wire_feed_free(&l->f);
	buf_free(&l->body);
	memset(l, 0, sizeof(*l));
}

/* The puller is done with a response the prefetch made: its parts go to
 * pl (b, *f and *body are pl's now), for the next prefetch thread. */
static void
pipeline_leave(struct pipeline *pl, struct feed_batch *b, struct wire_feed *f,
    struct buf *body)
{
	struct leftovers	 old;

	pthread_mutex_lock(&pl->lmu);
	old = pl->left;
	pl->left.set = true;
	pl->left.b = b;
	pl->left.f = *f;
	pl->left.body = *body;
	pthread_mutex_unlock(&pl->lmu);
	/* Left before and taken by no prefetch since: freed here. */
	leftovers_free(&old);
}

/* Free what the puller left, in the calling thread. */
static void
pipeline_sweep(struct pipeline *pl)
{
	struct leftovers	 l;

	pthread_mutex_lock(&pl->lmu);
	l = pl->left;
	memset(&pl->left, 0, sizeof(pl->left));
	pthread_mutex_unlock(&pl->lmu);
	leftovers_free(&l);
}

static void
prefetch_fetch(struct pipeline *pl)
{
	char		 url[512];

	pl->rc = -1;
	if (snprintf(url, sizeof(url), "%s/v1/feed?since=%lld&limit=%d&"
	    "wait=0", pl->p.url, (long long)pl->p.cursor, SYNC_LIMIT) >=
	    (int)sizeof(url))
		return;
	if (get(pl->h, pl->rn, pl->stp, &pl->p, url, 0, &pl->body, pl->why,
	    sizeof(pl->why)) == -1 ||
	    wire_feed_parse(pl->body.data, pl->body.len, &pl->f, pl->why,
	    sizeof(pl->why)) == -1 ||
	    feed_check(pl->rn->st, &pl->f, &pl->b, pl->why,
	    sizeof(pl->why)) == -1)
		return;
	pl->rc = 0;
}

static void *
prefetch_run(void *arg)
{
	struct pipeline	*pl = arg;

	log_thread_name("opora-prefetch");
	verifier_yield_thread();
	pipeline_sweep(pl);
	prefetch_fetch(pl);
	pthread_mutex_lock(&pl->dmu);
	pl->done = true;
	pthread_cond_broadcast(&pl->dcv);
	pthread_mutex_unlock(&pl->dmu);
	return (NULL);
}

/* Whether the prefetch thread is running and finishes within ms. */
static bool
prefetch_ready(struct pipeline *pl, int ms)
{
	struct timespec	 ts;
	bool		 done;

	if (!pl->running)
		return (false);
	/* dcv waits by the monotonic clock (pipeline_init): a clock set
	 * back or forward does not stretch the wait. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&pl->dmu);
	while (!pl->done && pthread_cond_timedwait(&pl->dcv, &pl->dmu,
	    &ts) == 0)
		;
	done = pl->done;
	pthread_mutex_unlock(&pl->dmu);
	return (done);
}

/* Wait for the prefetch; 0 if it holds a checked response. */
static int
prefetch_join(struct pipeline *pl)
{
	if (!pl->running)
		return (-1);
	pthread_join(pl->th, NULL);
	pl->running = false;
	return (pl->rc);
}

/* Drop what the prefetch holds. */
static void
prefetch_clear(struct pipeline *pl)
{
	(void)prefetch_join(pl);
	feed_batch_free(pl->b);
	pl->b = NULL;
	wire_feed_free(&pl->f);
	memset(&pl->f, 0, sizeof(pl->f));
	buf_free(&pl->body);
}

static void
prefetch_start(struct pipeline *pl, const struct stopper *stp,
    const struct store_peer *p, int64_t since)
{
	prefetch_clear(pl);
	pl->stp = stp;
	pl->p = *p;
	pl->p.cursor = since;
	buf_init(&pl->body, LIMIT_FEED_BYTES);
	pl->done = false;
	if (pthread_create(&pl->th, NULL, prefetch_run, pl) == 0)
		pl->running = true;
	else
		buf_free(&pl->body);
}

static int
pipeline_init(struct pipeline *pl, struct node *n)
{
	pthread_condattr_t ca;

	memset(pl, 0, sizeof(*pl));
	if ((pl->h = curl_easy_init()) == NULL ||
	    (pl->rn = node_open(n->dir, n->user)) == NULL) {
		if (pl->h != NULL)
			curl_easy_cleanup(pl->h);
		pl->h = NULL;
		return (-1);
	}
	pthread_mutex_init(&pl->lmu, NULL);
	pthread_mutex_init(&pl->dmu, NULL);
	if (pthread_condattr_init(&ca) != 0) {
		curl_easy_cleanup(pl->h);
		node_close(pl->rn);
		pthread_mutex_destroy(&pl->lmu);
		pthread_mutex_destroy(&pl->dmu);
		memset(pl, 0, sizeof(*pl));
		return (-1);
	}
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pl->dcv, &ca);
	pthread_condattr_destroy(&ca);
	/* Under a memory limit a response is freed as soon as it is taken:
	 * held one response longer, it may be what does not fit
	 * (tests/cli/t0097). */
	pl->hand_back = !memlimit_set();
	return (0);
}

static void
pipeline_free(struct pipeline *pl)
{
	prefetch_clear(pl);
	pipeline_sweep(pl);
	pthread_mutex_destroy(&pl->lmu);
	pthread_mutex_destroy(&pl->dmu);
	pthread_cond_destroy(&pl->dcv);
	if (pl->h != NULL)
		curl_easy_cleanup(pl->h);
	node_close(pl->rn);
	memset(pl, 0, sizeof(*pl));
}

/* The milliseconds the held transaction may still be held
 * (SYNC_HOLD_MS from its start), 0 when none. */
static int
hold_left(const struct pipeline *pl)
{
	uint64_t	 now = node_now_ms();

	return (now >= pl->held_ms + SYNC_HOLD_MS ? 0 :
	    (int)(pl->held_ms + SYNC_HOLD_MS - now));
}

/*
 * pipeline_release(pl, n, region): commit the responses the puller took
 * into the held transaction (store_hold), if any.  0, or -1 when they
 * could not be: everything held went back with the cursor, and is asked
 * for again (said in the log).  pl may be NULL.
 */
static int
pipeline_release(struct pipeline *pl, struct node *n, const char *region)
{
	int	 held = pl != NULL ? pl->held : 0;

	if (pl != NULL)
		pl->held = 0;
	if (store_release(n->st) == 0)
		return (0);
	if (pl != NULL)
		pl->nohold = SYNC_HOLD_RESPONSES;
	log_warnx("pull from %s: %d responses taken in since the last commit "
	    "were rolled back (a change refused in part of a response, or a "
	    "database error); nothing of them is kept, and they are asked "
	    "for again, each in a transaction of its own", region, held);
	return (-1);
}

/*
 * Whether a peer's feed went back behind cursor p->cursor: its epoch is not
 * the one the cursor counts in, or its newest feed number (or the next
 * cursor it hands out) is below the cursor.  1 with why, or 0.  A response
 * without an epoch (an older opora) is judged by its numbers alone.
 */
static int
went_back(const struct store_peer *p, const struct wire_feed *f, char *why,
    size_t whysz)
{
	if (f->epoch[0] != '\0' && p->epoch[0] != '\0' &&
	    strcmp(f->epoch, p->epoch) != 0)
		snprintf(why, whysz, "its feed epoch changed (it was restored "
		    "from a backup or lost its latest writes)");
	else if (f->head >= 0 && f->head < p->cursor)
		snprintf(why, whysz, "its newest feed number %lld is below "
		    "our cursor %lld", (long long)f->head,
		    (long long)p->cursor);
	else if (f->next < p->cursor)
		snprintf(why, whysz, "its feed went back (next %lld, our "
		    "cursor %lld)", (long long)f->next, (long long)p->cursor);
	else
		return (0);
	return (1);
}

/* Start p's cursor again from 0 in epoch (may be ""), recording why for
 * 'opora status'.  0 / -1. */
static int
resync(struct node *n, struct store_peer *p, const char *epoch,
    const char *why)
{
	if (store_peer_resync(n->st, p->region, epoch,
	    (int64_t)node_now_ms(), why) == -1)
		return (-1);
	log_warnx("pull from %s: %s: pulling its whole feed again from the "
	    "start (changes already here are not verified again)", p->region,
	    why);
	p->cursor = 0;
	snprintf(p->epoch, sizeof(p->epoch), "%s", epoch);
	return (0);
}

/* A pull's outcome, as one event with its fields (protocol/log.h). */
static void
pull_log(const char *region, const struct feed_stats *st)
{
	char		 a[24], r[24], d[24];
	const char	*const kv[] = { "peer", region, "applied", a,
	    "refused", r, "already_here", d, NULL };

	snprintf(a, sizeof(a), "%llu", (unsigned long long)st->applied);
	snprintf(r, sizeof(r), "%llu", (unsigned long long)(st->rejected +
	    st->missing + st->unentitled));
	snprintf(d, sizeof(d), "%llu", (unsigned long long)st->duplicate);
	log_info_kv(kv, "from %s: %s applied, %s refused, %s already here",
	    region, a, r, d);
}

/*
 * One pull from a peer: GET its feed after our cursor, apply it.  Returns
 * 0 with *more set when the peer has more and st filled (the changes
 * applied by a repair counted in st->applied), -1 with a reason.
 */
static int
pull(CURL *h, struct node *n, const struct stopper *stp, const char *region,
    int wait, bool *more, struct feed_stats *st, char *why, size_t whysz,
    struct pipeline *pl)
{
	struct store_peer p;
	struct wire_feed f;
	struct feed_batch *b = NULL;
	struct buf	 body;
	char		 url[512], back[160];
	bool		 resynced = false, ahead = false;
	int		 rc = -1;

	memset(&f, 0, sizeof(f));
	*more = false;
	buf_init(&body, LIMIT_FEED_BYTES);
	if (peer_get(n, region, &p) == -1) {
		snprintf(why, whysz, "no such peer");
		goto out;
	}
	if (strcmp(n->cfg.region, "RU-FED") == 0) {
		rc = pull_snapshots(h, n, stp, &p, wait, more, st, why, whysz);
		goto out;
	}
again:
	/* Nothing is held while the peer keeps the puller waiting (other
	 * writers would wait for the network): the next response is
	 * waited for only until the hold's time is up, and what is held
	 * is committed before a response is fetched here. */
	if (pl != NULL && store_held(n->st) && !prefetch_ready(pl,
	    hold_left(pl)) && pipeline_release(pl, n, region) == -1) {
		snprintf(why, whysz, "the responses taken in could not be "
		    "committed; they are asked for again");
		goto out;
	}
	/* The response fetched ahead, if it starts where we are. */
	if (pl != NULL && prefetch_join(pl) == 0 &&
	    strcmp(pl->p.region, region) == 0 && pl->p.cursor == p.cursor) {
		f = pl->f;
		b = pl->b;
		feed_batch_move(b, &f);
		buf_free(&body);
		body = pl->body;
		memset(&pl->f, 0, sizeof(pl->f));
		memset(&pl->body, 0, sizeof(pl->body));
		pl->b = NULL;
		ahead = true;
	} else {
		if (pl != NULL)
			prefetch_clear(pl);
		/* Fetched here: nothing held while the peer answers. */
		if (pl != NULL && store_held(n->st) && pipeline_release(pl, n,
		    region) == -1) {
			snprintf(why, whysz, "the responses taken in could "
			    "not be committed; they are asked for again");
			goto out;
		}
		if (snprintf(url, sizeof(url), "%s/v1/feed?since=%lld&"
		    "limit=%d&wait=%d", p.url, (long long)p.cursor, SYNC_LIMIT,
		    wait) >= (int)sizeof(url)) {
			snprintf(why, whysz, "the peer's URL is too long");
			goto out;
		}
		if (get(h, n, stp, &p, url, wait, &body, why, whysz) == -1 ||
		    wire_feed_parse(body.data, body.len, &f, why, whysz) ==
		    -1 || feed_check(n->st, &f, &b, why, whysz) == -1)
			goto out;
	}
	/*
	 * A peer whose log went back (a restore, a lost -wal file) numbers
	 * new changes from below our cursor: ask again from its first change
	 * (once per pull: a feed that goes back again at once is an error).
	 */
	if (p.cursor > 0 && went_back(&p, &f, back, sizeof(back))) {
		if (resynced) {
			snprintf(why, whysz, "the peer's feed went back again "
			    "at once: %s", back);
			goto out;
		}
		if (pl != NULL)
			prefetch_clear(pl);
		feed_batch_free(b);
		b = NULL;
		ahead = false;
		if (resync(n, &p, f.epoch, back) == -1) {
			snprintf(why, whysz, "cannot record the peer's new "
			    "feed epoch");
			goto out;
		}
		wire_feed_free(&f);
		buf_free(&body);
		buf_init(&body, LIMIT_FEED_BYTES);
		resynced = true;
		goto again;
	}
	if (f.epoch[0] != '\0' && strcmp(f.epoch, p.epoch) != 0) {
		/* The first epoch seen, or (cursor 0) nothing to redo. */
		if (store_peer_epoch_set(n->st, p.region, f.epoch) == -1) {
			snprintf(why, whysz, "cannot record the peer's feed "
			    "epoch");
			goto out;
		}
		memcpy(p.epoch, f.epoch, sizeof(p.epoch));
	}
	/* More to come: fetch and check it while this one goes in. */
	if (pl != NULL && pl->h != NULL && f.more)
		prefetch_start(pl, stp, &p, f.next);
	memset(st, 0, sizeof(*st));
	st->repair = true;
	/* A backlog: a larger page cache while it lasts (node/store.h),
	 * and its responses committed a few at a time. */
	store_cache_bulk(n->st, f.more);
	if (pl != NULL && pl->nohold > 0)
		pl->nohold--;
	else if (pl != NULL && f.more && !memlimit_set() &&
	    !store_held(n->st) && store_hold(n->st) == 0) {
		pl->held = 0;
		pl->held_ms = node_now_ms();
	}
	if (feed_take(n, region, b, true, st, why, whysz) == -1) {
		if (pl != NULL)
			prefetch_clear(pl);
		goto out;
	}
	if (pl != NULL && store_held(n->st))
		pl->held++;
	if (st->ntorepair > 0) {
		/* A repair asks the peer: nothing held meanwhile. */
		if (pl != NULL && store_held(n->st) && pipeline_release(pl, n,
		    region) == -1) {
			snprintf(why, whysz, "the responses taken in could "
			    "not be committed; they are asked for again");
			goto out;
		}
		st->applied += repair(h, n, stp, &p, st, f.next);
	}
	*more = f.more;
	if (!f.more)
		own_caught_up(n->st, region);
	(void)store_peer_behind(n->st, region, f.more ? f.behind : 0);
	metrics_pulled(region, st->applied, st->rejected + st->missing +
	    st->unentitled);
	if (st->applied + st->rejected + st->unentitled > 0)
		pull_log(region, st);
	rc = 0;
out:
	/* What is held is committed once the backlog ends, on a failure
	 * (what came before it is good), or when enough is held. */
	if (pl != NULL && store_held(n->st) && (rc == -1 || !*more ||
	    pl->held >= SYNC_HOLD_RESPONSES ||
	    node_now_ms() >= pl->held_ms + SYNC_HOLD_MS) &&
	    pipeline_release(pl, n, region) == -1 && rc == 0) {
		snprintf(why, whysz, "the responses taken in could not be "
		    "committed; they are asked for again");
		rc = -1;
	}
	if (ahead && pl->hand_back)
		pipeline_leave(pl, b, &f, &body);
	else {
		feed_batch_free(b);
		wire_feed_free(&f);
		buf_free(&body);
	}
	return (rc);
}

/*
 * Whether a response brought nothing: something refused and nothing
 * applied, empty while saying more is to come, or (quick) empty and at
 * once although asked to wait (a node holds a long poll until it has
 * something or the wait is over).  Such a peer is asked again only after a
 * backoff; *reason says why, for 'opora status'.
 */
static bool
idle_page(const struct feed_stats *st, bool more, bool quick, char *reason,
    size_t reasonsz)
{
	uint64_t	 refused = st->rejected + st->missing + st->unentitled;

	if (st->applied == 0 && refused > 0) {
		snprintf(reason, reasonsz, "nothing applied from its last "
		    "response: %llu changes refused", (unsigned long long)
		    refused);
		return (true);
	}
	if (more && st->applied + st->duplicate + refused == 0 &&
	    st->later > 0) {
		snprintf(reason, reasonsz, "nothing applied from its last "
		    "response: %llu changes wait to be taken",
		    (unsigned long long)st->later);
		return (true);
	}
	if (more && st->applied + st->duplicate + refused == 0) {
		snprintf(reason, reasonsz, "its last response was empty but "
		    "said more was to come");
		return (true);
	}
	if (quick && !more && st->applied + st->duplicate + refused == 0) {
		snprintf(reason, reasonsz, "it answered a long poll at once "
		    "with nothing");
		return (true);
	}
	return (false);
}

int
sync_once(struct node *n, FILE *report)
{
	struct feed_stats st, total;
	struct pipeline	 pl, *plp = NULL;
	struct tls_identity id;
	struct stopper	 stp = { NULL, NULL, &id };
	CURL		*h;
	char		 crt[4096], key[4096];
	char		(*regions)[STORE_PEER_REGION];
	char		 why[512], ewhy[ESC_LONG], reason[128], waits[48];
	size_t		 nregions;
	bool		 more, idle;
	int		 np, i, rc = 0, rounds;

	if (node_path(n, "tls.crt", crt, sizeof(crt)) == -1 ||
	    node_path(n, "tls.key", key, sizeof(key)) == -1 ||
	    tls_identity_load(key, crt, &id) == -1)
		return (-1);
	/* Not a partial list of peers. */
	if (store_peer_regions(n->st, &regions, &nregions) == -1) {
		tls_identity_free(&id);
		return (-1);
	}
	np = nregions < SYNC_MAX_PEERS ? (int)nregions : SYNC_MAX_PEERS;
	/* Without a second connection, pull one response at a time. */
	if (pipeline_init(&pl, n) == 0)
		plp = &pl;
	if ((h = curl_easy_init()) == NULL) {
		if (plp != NULL)
			pipeline_free(plp);
		free(regions);
		tls_identity_free(&id);
		return (-1);
	}
	for (i = 0; i < np; i++) {
		memset(&total, 0, sizeof(total));
		rounds = 0;
		idle = false;
		do {
			if (pull(h, n, &stp, regions[i], 0, &more, &st, why,
			    sizeof(why), plp) == -1) {
				peer_error(n, regions[i], why);
				fprintf(report, "%s: %s\n", regions[i],
				    esc_str(why, ewhy, sizeof(ewhy)));
				rc = -1;
				break;
			}
			total.applied += st.applied;
			total.duplicate += st.duplicate;
			total.rejected += st.rejected + st.missing +
			    st.unentitled;
			total.later += st.later;
			/* A peer whose pages bring nothing is not asked
			 * again in this round. */
			idle = more && idle_page(&st, more, false, reason,
			    sizeof(reason));
		} while (more && !idle && ++rounds < 100000);
		/* Stopped with more to come: what is held goes in now. */
		if (rc == 0 && pipeline_release(plp, n, regions[i]) == -1) {
			fprintf(report, "%s: the last responses taken in "
			    "could not be committed; they are asked for "
			    "again\n", regions[i]);
			rc = -1;
			continue;
		}
		if (!more || idle) {
			/* Changes put off (a clock ahead, an unknown key)
			 * are said: the peer is not in step while they
			 * wait. */
			if (total.later > 0)
				snprintf(waits, sizeof(waits), ", %llu wait to "
				    "be taken", (unsigned long long)
				    total.later);
			else
				waits[0] = '\0';
			fprintf(report, "%s: %llu applied, %llu already here, "
			    "%llu refused%s%s%s\n", regions[i],
			    (unsigned long long)total.applied,
			    (unsigned long long)total.duplicate,
			    (unsigned long long)total.rejected, waits,
			    idle ? "; stopped: " : "", idle ? reason : "");
		}
	}
	if (plp != NULL)
		pipeline_free(plp);
	curl_easy_cleanup(h);
	free(regions);
	tls_identity_free(&id);
	return (rc);
}

/* Sleep up to ms, waking early when asked to stop (the whole sync, or
 * puller p if not NULL); true if stopping. */
static bool
nap(struct sync *s, struct puller *p, int ms)
{
	struct timespec	 ts;
	struct stopper	 stp = { s, p, NULL };
	bool		 stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (!stopping(&stp) &&
	    pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0)
		;
	stop = stopping(&stp);
	pthread_mutex_unlock(&s->mu);
	return (stop);
}

/* What an anti-entropy round needs to reach the peer (entropy_get_fn). */
struct ae_peer {
	CURL			*h;
	struct node		*n;
	const struct stopper	*stp;
	struct store_peer	 p;
};

static int
ae_get(void *arg, const char *path, struct buf *body, char *why,
    size_t whysz)
{
	struct ae_peer	*a = arg;
	char		 url[512];

	if (snprintf(url, sizeof(url), "%s%s", a->p.url, path) >=
	    (int)sizeof(url)) {
		snprintf(why, whysz, "the peer's URL is too long");
		return (-1);
	}
	return (get(a->h, a->n, a->stp, &a->p, url, 0, body, why, whysz));
}

/* One anti-entropy round with a peer (node/entropy.h); the federal node
 * holds no dossiers.  0, or -1 if the round failed. */
static int
anti_entropy(CURL *h, struct node *n, const struct stopper *stp,
    const char *region)
{
	struct ae_peer		 a = { h, n, stp, { "", "", "", 0, "" } };
	struct entropy_result	 r;

	if (strcmp(n->cfg.region, "RU-FED") == 0)
		return (0);
	if (peer_get(n, region, &a.p) == -1)
		return (-1);
	return (entropy_round(n, region, ae_get, &a, &r));
}


static void *
puller_run(void *arg)
{
	struct puller	*p = arg;
	struct sync	*s = p->s;
	struct stopper	 stp = { s, p, &s->id };
	struct feed_stats st;
	struct pipeline	 pl, *plp = NULL;
	struct node	*n;
	CURL		*h = NULL;
	char		 why[512], reason[128];
	uint64_t	 t0, ae_next = 0;	/* next anti-entropy round */
	bool		 more, polled = true, caught_up = false;
	int		 backoff = 1, idle = 0, wait, next_s;

	log_thread_name("opora-pull");
	if ((n = node_open(s->dir, s->user)) == NULL ||
	    (h = curl_easy_init()) == NULL) {
		/* Said by the manager when it reaps this thread, as when no
		 * thread could be made (start_new). */
		node_close(n);
		p->failed = true;
		__atomic_store_n(&p->finished, true, __ATOMIC_RELEASE);
		return (NULL);
	}
	if (pipeline_init(&pl, n) == 0)
		plp = &pl;
	/* A backoff left by an earlier run is over. */
	(void)store_peer_backoff_clear(n->st, p->region);
	while (!stopping(&stp)) {
		/* Anti-entropy every interval, the first once the feed has
		 * caught up (a new peer's changes come by the feed); a failed
		 * round is tried again within a minute; a long poll ends in
		 * time for it. */
		wait = SYNC_WAIT;
		if (n->cfg.anti_entropy_interval > 0) {
			if (caught_up && node_now_ms() >= ae_next) {
				next_s = n->cfg.anti_entropy_interval;
				if (anti_entropy(h, n, &stp, p->region) == -1 &&
				    next_s > SYNC_BACKOFF_MAX)
					next_s = SYNC_BACKOFF_MAX;
				ae_next = node_now_ms() + (uint64_t)next_s *
				    1000;
			}
			/* Due (the first, once caught up): no long poll.
			 * Else at least 2 s: a long poll answered within a
			 * second counts as idle. */
			if (ae_next <= node_now_ms())
				wait = 0;
			else if (ae_next < node_now_ms() + SYNC_WAIT * 1000) {
				wait = (int)((ae_next - node_now_ms()) / 1000);
				if (wait < 2)
					wait = 2;
			}
		}
		t0 = node_now_ms();
		caught_up = false;
		if (pull(h, n, &stp, p->region, wait, &more, &st, why,
		    sizeof(why), plp) == 0) {
			caught_up = !more;
			backoff = 1;
			/* Asked with a long poll unless the last had more. */
			if (!idle_page(&st, more, polled && wait > 0 &&
			    node_now_ms() < t0 + 1000, reason,
			    sizeof(reason))) {
				polled = !more;
				if (idle > 0)
					(void)store_peer_backoff_clear(n->st,
					    p->region);
				idle = 0;
				continue;
			}
			/* 1 s, doubling up to SYNC_IDLE_BACKOFF_MAX. */
			idle = idle == 0 ? 1 : idle * 2 > SYNC_IDLE_BACKOFF_MAX ?
			    SYNC_IDLE_BACKOFF_MAX : idle * 2;
			polled = !more;
			log_warnx("pull from %s: %s (next try in %d s)",
			    p->region, reason, idle);
			(void)pipeline_release(plp, n, p->region);
			peer_backoff(n, p->region, reason, (int64_t)idle * 1000);
			if (nap(s, p, idle * 1000))
				break;
			continue;
		}
		if (stopping(&stp))
			break;
		/* Its puller ends with the peer (peer remove). */
		if (store_peer_exists(n->st, p->region) == 0)
			break;
		log_warnx("pull from %s: %s (next try in %d s)", p->region,
		    why, backoff);
		peer_error(n, p->region, why);
		if (nap(s, p, backoff * 1000))
			break;
		backoff = backoff * 2 > SYNC_BACKOFF_MAX ? SYNC_BACKOFF_MAX :
		    backoff * 2;
	}
	(void)pipeline_release(plp, n, p->region);
	if (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED))
		log_info("stopped pulling from %s: it is no longer a peer",
		    p->region);
	if (plp != NULL)
		pipeline_free(plp);
	curl_easy_cleanup(h);
	node_close(n);
	__atomic_store_n(&p->finished, true, __ATOMIC_RELEASE);
	return (NULL);
}

/* Join the pullers that have returned, freeing their slots.  One that
 * could not start is said (once a minute, as start_new says a thread that
 * could not be made) and recorded as its peer's error; the next round
 * starts it again. */
static void
reap(struct sync *s, struct node *n)
{
	struct puller	*p;
	char		 e[256];
	int		 i;

	for (i = 0; i < SYNC_MAX_PEERS; i++) {
		p = &s->pullers[i];
		if (!p->started || !__atomic_load_n(&p->finished,
		    __ATOMIC_ACQUIRE))
			continue;
		pthread_join(p->th, NULL);
		if (p->failed && node_now_ms() - s->thread_said_ms >=
		    SYNC_THREAD_SAY_MS) {
			snprintf(e, sizeof(e), "cannot start pulling: no "
			    "memory to open the node's configuration and "
			    "database: the service's limit on memory "
			    "(ulimit -v) is too low; tried again every %d ms",
			    SYNC_MANAGER_MS);
			log_warnx("%s: %s", p->region, e);
			peer_error(n, p->region, e);
			s->thread_said_ms = node_now_ms();
		}
		memset(p, 0, sizeof(*p));
	}
}

/* Tell the pullers of removed peers to stop (they end within a second:
 * a transfer in flight is aborted, a wait cut short). */
static void
stop_removed(struct sync *s, struct node *n)
{
	struct puller	*p;
	int		 i, k;

	for (i = 0; i < SYNC_MAX_PEERS; i++) {
		p = &s->pullers[i];
		if (!p->started || __atomic_load_n(&p->stop, __ATOMIC_RELAXED) ||
		    store_peer_exists(n->st, p->region) != 0)
			continue;
		pthread_mutex_lock(&s->mu);
		__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
		/* A transfer in flight ends now: its socket is shut down
		 * (closed by curl, under this lock, in close_cb). */
		for (k = 0; k < SYNC_PULLER_FDS; k++)
			if (p->fds[k] != -1)
				shutdown(p->fds[k], SHUT_RDWR);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
}

/* Start pullers for peers that have none yet. */
static void
start_new(struct sync *s, struct node *n)
{
	struct puller	*p;
	char		(*regions)[STORE_PEER_REGION];
	const char	*r;
	size_t		 j, nregions;
	int		 i, k, free_slot;
	bool		 say, said = false;

	/* On an error (logged), the next round starts what is missing. */
	if (store_peer_regions(n->st, &regions, &nregions) == -1)
		return;
	say = node_now_ms() - s->thread_said_ms >= SYNC_THREAD_SAY_MS;
	for (j = 0; j < nregions; j++) {
		r = regions[j];
		free_slot = -1;
		for (i = 0; i < SYNC_MAX_PEERS; i++) {
			if (!s->pullers[i].started) {
				if (free_slot == -1)
					free_slot = i;
			} else if (strcmp(s->pullers[i].region, r) == 0)
				break;
		}
		/* One puller per region; a stopping one is reaped first. */
		if (i < SYNC_MAX_PEERS || free_slot == -1)
			continue;
		p = &s->pullers[free_slot];
		memset(p, 0, sizeof(*p));
		for (k = 0; k < SYNC_PULLER_FDS; k++)
			p->fds[k] = -1;
		p->s = s;
		snprintf(p->region, sizeof(p->region), "%s", r);
		if ((k = pthread_create(&p->th, NULL, puller_run, p)) == 0) {
			p->started = true;
			log_info("pulling from %s", p->region);
			continue;
		}
		/* Not silently: tried again at the next round, said (and
		 * recorded as the peer's error, for status) once a minute. */
		if (say) {
			char	 e[256];

			said = true;
			snprintf(e, sizeof(e), "cannot start pulling: no "
			    "thread (%s): the service's limit on memory "
			    "(ulimit -v) or threads is too low; tried again "
			    "every %d ms", strerror(k), SYNC_MANAGER_MS);
			log_warnx("%s: %s", p->region, e);
			peer_error(n, p->region, e);
		}
	}
	if (said)
		s->thread_said_ms = node_now_ms();
	free(regions);
}

static void *
manager_run(void *arg)
{
	struct sync	*s = arg;
	struct node	*n;

	log_thread_name("opora-sync");
	if ((n = node_open(s->dir, s->user)) == NULL)
		return (NULL);
	do {
		reap(s, n);
		stop_removed(s, n);
		start_new(s, n);
	} while (!nap(s, NULL, SYNC_MANAGER_MS));
	node_close(n);
	return (NULL);
}

struct sync *
sync_start(const char *dir, const char *user)
{
	struct sync	*s;
	char		 crt[4096], key[4096];

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->dir = strdup(dir)) == NULL ||
	    (s->user = strdup(user)) == NULL) {
		log_warn("sync");
		if (s != NULL)
			free(s->dir);
		free(s);
		return (NULL);
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (snprintf(crt, sizeof(crt), "%s/tls.crt", dir) >= (int)sizeof(crt) ||
	    snprintf(key, sizeof(key), "%s/tls.key", dir) >= (int)sizeof(key)) {
		log_warnx("sync: the node directory's name is too long");
		sync_stop(s);
		return (NULL);
	}
	if (tls_identity_load(key, crt, &s->id) == -1) {
		sync_stop(s);
		return (NULL);
	}
	if (pthread_create(&s->manager, NULL, manager_run, s) != 0) {
		log_warnx("sync: cannot start a thread");
		sync_stop(s);
		return (NULL);
	}
	s->manager_started = true;
	return (s);
}

void
sync_stop(struct sync *s)
{
	int	 i;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	__atomic_store_n(&s->stop, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->manager_started)
		pthread_join(s->manager, NULL);
	/* The manager is gone: the slots are this thread's now. */
	for (i = 0; i < SYNC_MAX_PEERS; i++)
		if (s->pullers[i].started)
			pthread_join(s->pullers[i].th, NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	tls_identity_free(&s->id);
	free(s->dir);
	free(s->user);
	free(s);
}
