/*
 * node/metrics.c: the figures for monitoring, the serving process's
 * counters, and the Prometheus endpoint.  See metrics.h.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "node/ckpt.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_later.h"
#include "node/store_metrics.h"
#include "node/store_peer.h"
#include "node/store_refusal.h"
#include "protocol/buf.h"
#include "protocol/change.h"
#include "protocol/esc.h"
#include "protocol/log.h"
#include "protocol/num.h"

static const char *const reason_names[METRICS_REASONS] = {
	"signature", "key", "form", "rules", "parents", "erased", "other"
};

const char *
metrics_reason_name(enum metrics_reason r)
{
	return (r < METRICS_REASONS ? reason_names[r] : "other");
}

/*
 * The texts are node/verifier.c's and node/receive.c's own (English,
 * never a peer's words at their start), so a few fixed markers sort them;
 * what no marker names was refused by the rules of conflict/rules.c
 * (authority, custody, references), the largest family.
 */
enum metrics_reason
metrics_reason_of(const char *why)
{
	if (why == NULL || why[0] == '\0')
		return (METRICS_REASON_OTHER);
	if (strstr(why, "signature") != NULL)
		return (METRICS_REASON_SIGNATURE);
	if (strncmp(why, "signed by key", 13) == 0 ||
	    strncmp(why, "claims region", 13) == 0)
		return (METRICS_REASON_KEY);
	if (strncmp(why, "malformed", 9) == 0)
		return (METRICS_REASON_FORM);
	if (strncmp(why, "its parent", 10) == 0 ||
	    strncmp(why, "its clock is not after its parent", 33) == 0)
		return (METRICS_REASON_PARENTS);
	if (strstr(why, "was erased") != NULL)
		return (METRICS_REASON_ERASED);
	return (METRICS_REASON_AUTHORITY);
}

/*
 * The process's counters, under one lock: they are touched once per
 * answer, connection or pull, never in a loop.
 */
struct peer_count {
	char		 region[STORE_PEER_REGION];
	uint64_t	 applied, refused, served, failed;
};

static pthread_mutex_t	 mx = PTHREAD_MUTEX_INITIALIZER;
static uint64_t		 conn_accepted, conn_refused;
static uint64_t		 conn_kind[METRICS_CONNS];
/* HTTP answers by status 100..599; anything else is counted as 0.  The
 * peers' listener's, and the web pages' (node/ui.h). */
static uint64_t		 answers[600], ui_answers[600];
static uint64_t		 ui_logins[METRICS_LOGINS];
static uint64_t		 ui_cuts[METRICS_UI_CUTS];
static struct peer_count peer_counts[METRICS_PEERS + 1];
static size_t		 npeer_counts;

/* The counts of region, added if new (the last slot, "other", when the
 * table is full).  Called with mx held. */
static struct peer_count *
peer_count(const char *region)
{
	size_t	 i;

	for (i = 0; i < npeer_counts; i++)
		if (strcmp(peer_counts[i].region, region) == 0)
			return (&peer_counts[i]);
	if (npeer_counts < METRICS_PEERS) {
		snprintf(peer_counts[npeer_counts].region,
		    sizeof(peer_counts[0].region), "%s", region);
		return (&peer_counts[npeer_counts++]);
	}
	snprintf(peer_counts[METRICS_PEERS].region,
	    sizeof(peer_counts[0].region), "other");
	return (&peer_counts[METRICS_PEERS]);
}

void
metrics_conn_accepted(void)
{
	pthread_mutex_lock(&mx);
	conn_accepted++;
	pthread_mutex_unlock(&mx);
}

void
metrics_conn_refused(void)
{
	pthread_mutex_lock(&mx);
	conn_refused++;
	pthread_mutex_unlock(&mx);
}

void
metrics_conn_handshaken(enum metrics_conn kind)
{
	if (kind >= METRICS_CONNS || kind == METRICS_CONN_STRANGER)
		return;
	pthread_mutex_lock(&mx);
	conn_kind[kind]++;
	pthread_mutex_unlock(&mx);
}

void
metrics_http_answer(int status)
{
	pthread_mutex_lock(&mx);
	answers[status >= 100 && status < 600 ? status : 0]++;
	pthread_mutex_unlock(&mx);
}

void
metrics_ui_answer(int status)
{
	pthread_mutex_lock(&mx);
	ui_answers[status >= 100 && status < 600 ? status : 0]++;
	pthread_mutex_unlock(&mx);
}

void
metrics_ui_login(enum metrics_login result)
{
	if (result >= METRICS_LOGINS)
		return;
	pthread_mutex_lock(&mx);
	ui_logins[result]++;
	pthread_mutex_unlock(&mx);
}

void
metrics_ui_cut(enum metrics_ui_cut reason)
{
	if (reason >= METRICS_UI_CUTS)
		return;
	pthread_mutex_lock(&mx);
	ui_cuts[reason]++;
	pthread_mutex_unlock(&mx);
}

void
metrics_pulled(const char *region, uint64_t applied, uint64_t refused)
{
	struct peer_count	*p;

	pthread_mutex_lock(&mx);
	p = peer_count(region);
	p->applied += applied;
	p->refused += refused;
	pthread_mutex_unlock(&mx);
}

void
metrics_pull_failed(const char *region)
{
	pthread_mutex_lock(&mx);
	peer_count(region)->failed++;
	pthread_mutex_unlock(&mx);
}

void
metrics_served(const char *region, uint64_t n)
{
	if (region == NULL || region[0] == '\0')
		return;
	pthread_mutex_lock(&mx);
	peer_count(region)->served += n;
	pthread_mutex_unlock(&mx);
}

/* What gather collects of each peer; and of each refusal. */
struct gather {
	struct metrics_figures	*f;
	int64_t			 now;
	size_t			 cap;
};

static int
gather_peer(const struct store_peer_row *pr, void *arg)
{
	struct gather		*g = arg;
	struct metrics_figures	*f = g->f;
	struct metrics_peer	*p, *np;

	if (f->npeers == g->cap) {
		g->cap = g->cap == 0 ? 16 : g->cap * 2;
		if ((np = reallocarray(f->peers, g->cap, sizeof(*np))) ==
		    NULL)
			return (-1);
		f->peers = np;
	}
	p = &f->peers[f->npeers++];
	memset(p, 0, sizeof(*p));
	snprintf(p->region, sizeof(p->region), "%s", pr->region != NULL ?
	    pr->region : "?");
	p->last_ok_ms = pr->last_ok;
	p->last_error_ms = pr->last_error != NULL ? pr->last_error_at : 0;
	p->behind = pr->behind;
	p->waiting = pr->waiting;
	p->failing = pr->last_error != NULL && pr->last_error_at >= pr->last_ok;
	p->backing_off = pr->backoff_until > g->now;
	p->has_round = pr->has_round;
	p->round_ok = pr->round_ok;
	p->round_at_ms = pr->round_at;
	p->round_unresolved = pr->round_unresolved;
	return (0);
}

static int
gather_refusal(const struct store_refusal_row *r, void *arg)
{
	struct gather	*g = arg;

	g->f->refused[metrics_reason_of(r->reason)] += r->count > 0 ?
	    r->count : 1;
	return (0);
}

/* The bytes of file name in n's directory, or 0 when it is not there. */
static int64_t
file_bytes(struct node *n, const char *name)
{
	struct stat	 sb;
	char		 p[PATH_MAX];

	if (node_path(n, name, p, sizeof(p)) == -1 || stat(p, &sb) == -1)
		return (0);
	return ((int64_t)sb.st_size);
}

static int
corrupt_row(const struct store_row *row, void *arg)
{
	struct metrics_figures	*f = arg;
	char			 hash[CHANGE_ID_HEX + 1];

	change_id(row->bytes, row->bytes == NULL ? 0 : row->len, hash);
	if (strcmp(row->id, hash) == 0)
		return (0);
	f->corrupt_seq = row->seq;
	esc_str(row->id, f->corrupt_id, sizeof(f->corrupt_id));
	return (2);
}

/* The change the server last found corrupted (meta corrupt_seq), if its
 * bytes still do not match its id.  0 / -1. */
static int
corrupt_change(struct node *n, struct metrics_figures *f)
{
	char		 v[24];
	int64_t		 seq;
	int		 r;

	if ((r = store_meta_get(n->st, "corrupt_seq", v, sizeof(v))) != 0)
		return (r == 1 ? 0 : -1);
	if (num_parse_str(v, 1, INT64_MAX, &seq) == -1)
		return (0);
	return (store_change_at(n->st, seq, corrupt_row, f) == -1 ? -1 : 0);
}

int
metrics_gather(struct node *n, int64_t now, struct metrics_figures *f)
{
	struct gather	 g = { f, now, 0 };
	char		 v[24];
	size_t		 i;
	long long	 wait;

	memset(f, 0, sizeof(*f));
	if (store_counts(n->st, n->cfg.region, now - 86400000LL, &f->cnt)
	    == -1)
		f->readerr = true;
	if (store_peer_each(n->st, gather_peer, &g) != 0)
		f->readerr = true;
	if (store_refusal_each(n->st, gather_refusal, &g) != 0) {
		f->readerr = true;
		for (i = 0; i < METRICS_REASONS; i++)
			f->refused[i] = -1;
	}
	if ((f->audit_entries = store_metrics_audit_entries(n->st)) < 0)
		f->readerr = true;
	f->wal_bytes = file_bytes(n, "opora.db-wal");
	f->db_bytes = file_bytes(n, "opora.db") + f->wal_bytes;
	/* A figure that could not be read is -1 and left out, never shown
	 * as a reassuring 0 (never published, nothing lost or corrupt). */
	switch (store_meta_get(n->st, "stats_published", v, sizeof(v))) {
	case 0:
		if (num_parse_str(v, 0, INT64_MAX, &f->stats_published_ms) ==
		    -1)
			f->stats_published_ms = 0;
		break;
	case 1:
		f->stats_published_ms = 0;
		break;
	default:
		f->stats_published_ms = -1;
		f->readerr = true;
	}
	if (store_later_split(n->st, &f->lost_changes, &f->lost_dossiers,
	    &f->later_acked) == -1) {
		f->lost_changes = f->lost_dossiers = f->later_acked = -1;
		f->readerr = true;
	}
	/* Two anti-entropy periods would have fetched a history the
	 * offering node held (docs/protocol.md, "An offer whose history
	 * was lost"). */
	wait = (n->cfg.anti_entropy_interval > 0 ?
	    2LL * n->cfg.anti_entropy_interval : 7200) * 1000;
	if (offer_overdue(n, (uint64_t)(now > wait ? now - wait : 0),
	    &f->overdue) == -1) {
		f->overdue.count = -1;
		f->readerr = true;
	}
	if (corrupt_change(n, f) == -1) {
		f->corrupt_seq = -1;
		f->readerr = true;
	}
	return (f->readerr ? -1 : 0);
}

void
metrics_figures_free(struct metrics_figures *f)
{
	if (f == NULL)
		return;
	free(f->peers);
	f->peers = NULL;
	f->npeers = 0;
}

int
metrics_json(const struct metrics_figures *f, cJSON *j)
{
	cJSON	*r;
	size_t	 i;

	if ((r = cJSON_AddObjectToObject(j, "refused_by_reason")) == NULL)
		return (-1);
	for (i = 0; i < METRICS_REASONS; i++)
		if (cJSON_AddNumberToObject(r, reason_names[i],
		    (double)f->refused[i]) == NULL)
			return (-1);
	if (cJSON_AddNumberToObject(j, "audit_entries",
	    (double)f->audit_entries) == NULL ||
	    cJSON_AddNumberToObject(j, "database_bytes",
	    (double)f->db_bytes) == NULL ||
	    cJSON_AddNumberToObject(j, "wal_bytes",
	    (double)f->wal_bytes) == NULL)
		return (-1);
	return (0);
}

/*
 * The exposition format 0.0.4: "# HELP name text" (backslash and newline
 * escaped), "# TYPE name type", then "name{label="value"} number" lines,
 * a label value with backslash, double quote and newline escaped.
 */
static void
family(struct buf *out, const char *name, const char *type, const char *help)
{
	const char	*p;

	buf_addf(out, "# HELP %s ", name);
	for (p = help; *p != '\0'; p++)
		if (*p == '\\')
			buf_adds(out, "\\\\");
		else if (*p == '\n')
			buf_adds(out, "\\n");
		else
			buf_addc(out, *p);
	buf_addf(out, "\n# TYPE %s %s\n", name, type);
}

static void
label_value(struct buf *out, const char *v)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if (*p == '\\')
			buf_adds(out, "\\\\");
		else if (*p == '"')
			buf_adds(out, "\\\"");
		else if (*p == '\n')
			buf_adds(out, "\\n");
		else
			buf_addc(out, *p);
}

/* name{label="value"} x, or name x when label is NULL. */
static void
sample(struct buf *out, const char *name, const char *label,
    const char *value, long long x)
{
	buf_adds(out, name);
	if (label != NULL) {
		buf_addf(out, "{%s=\"", label);
		label_value(out, value);
		buf_adds(out, "\"}");
	}
	buf_addf(out, " %lld\n", x);
}

/* A time in ms as seconds since the epoch, as Prometheus has times. */
static void
sample_time(struct buf *out, const char *name, const char *label,
    const char *value, long long ms)
{
	buf_adds(out, name);
	if (label != NULL) {
		buf_addf(out, "{%s=\"", label);
		label_value(out, value);
		buf_adds(out, "\"}");
	}
	buf_addf(out, " %lld.%03lld\n", ms / 1000, ms % 1000);
}

/* A gauge of one value, left out when it could not be read. */
static void
gauge(struct buf *out, const char *name, const char *help, long long x)
{
	if (x < 0)
		return;
	family(out, name, "gauge", help);
	sample(out, name, NULL, NULL, x);
}

static void
db_figures(struct buf *out, const struct metrics_figures *f, bool fed)
{
	size_t	 i;

	family(out, "opora_database_read_ok", "gauge", "1 when every figure "
	    "below could be read from the database, 0 when some could not "
	    "(run 'opora verify').");
	sample(out, "opora_database_read_ok", NULL, NULL, f->readerr ? 0 : 1);
	gauge(out, "opora_log_changes", "Changes in this node's log.",
	    f->cnt.changes);
	gauge(out, "opora_log_dossiers", "Dossiers this node holds.",
	    f->cnt.dossiers);
	gauge(out, "opora_custodian_of_dossiers", "Dossiers in this "
	    "region's custody.", f->cnt.custodian_of);
	gauge(out, "opora_database_bytes", "Bytes of the database and its "
	    "write-ahead log on disk.", f->db_bytes);
	/* The help text's figure is the store's (admin.md's too: t0125). */
	_Static_assert(STORE_CHECKPOINT_BYTES == 160 * 1024 * 1024,
	    "opora_wal_bytes's help text says 160 MiB");
	gauge(out, "opora_wal_bytes", "Bytes of the write-ahead log "
	    "(opora.db-wal) alone: it is copied into the database at 160 MiB, "
	    "so much more means those copies fail or a long read holds them "
	    "back.", f->wal_bytes);
	if (f->cnt.last_received >= 0) {
		family(out, "opora_last_change_timestamp_seconds", "gauge",
		    "When the newest change was stored here (0: none).");
		sample_time(out, "opora_last_change_timestamp_seconds", NULL,
		    NULL, f->cnt.last_received);
	}
	if (f->refused[0] >= 0) {
		family(out, "opora_refused_changes", "gauge", "Changes "
		    "refused on receipt and on record ('opora rejected "
		    "list'), each counted as often as it came, by reason.");
		for (i = 0; i < METRICS_REASONS; i++)
			sample(out, "opora_refused_changes", "reason",
			    reason_names[i], f->refused[i]);
	}
	gauge(out, "opora_refused_changes_last_day", "Refused changes last "
	    "seen in the last 24 hours.", f->cnt.rejected_recent);
	gauge(out, "opora_later_changes", "Changes from peers waiting to "
	    "be taken (a clock ahead, a key or parents not here yet).",
	    f->cnt.later);
	gauge(out, "opora_lost_dossiers", "Dossiers whose history this node "
	    "lost when its log went back (a restore, a lost WAL), not "
	    "acknowledged ('opora lost').", f->lost_dossiers);
	gauge(out, "opora_accepted_offers_without_history", "Offers "
	    "accepted here whose history has not come within two "
	    "anti-entropy periods, not acknowledged ('opora lost').",
	    f->overdue.count);
	if (f->corrupt_seq >= 0) {
		family(out, "opora_corrupt_change", "gauge", "1 when the server "
		    "found a stored change whose bytes do not match its id "
		    "(restore from a backup; 'opora verify').");
		sample(out, "opora_corrupt_change", NULL, NULL,
		    f->corrupt_seq > 0);
	}
	gauge(out, "opora_open_conflicts", "Conflicts waiting for a "
	    "person to confirm or reverse them.", f->cnt.open_conflicts);
	if (f->audit_entries >= 0) {
		family(out, "opora_audit_entries_total", "counter", "Entries "
		    "of the audit log (append-only; its rate is its "
		    "growth).");
		sample(out, "opora_audit_entries_total", NULL, NULL,
		    f->audit_entries);
	}
	if (fed)
		gauge(out, "opora_stats_snapshot_regions", "Regions whose "
		    "statistics snapshots the federal node holds.",
		    f->cnt.snapshot_regions);
	else if (f->stats_published_ms >= 0) {
		family(out, "opora_stats_published_timestamp_seconds",
		    "gauge", "When this node last published its statistics "
		    "snapshot (0: never).");
		sample_time(out, "opora_stats_published_timestamp_seconds",
		    NULL, NULL, f->stats_published_ms);
	}
	gauge(out, "opora_peers", "Peers of this node.", f->cnt.peers);
}

static void
peer_figures(struct buf *out, const struct metrics_figures *f)
{
	size_t	 i;

	if (f->npeers == 0)
		return;
	family(out, "opora_peer_last_pull_success_timestamp_seconds",
	    "gauge", "When the last pull from the peer succeeded (0: "
	    "never).");
	for (i = 0; i < f->npeers; i++)
		sample_time(out, "opora_peer_last_pull_success_timestamp_"
		    "seconds", "peer", f->peers[i].region,
		    f->peers[i].last_ok_ms);
	family(out, "opora_peer_behind_changes", "gauge", "The pull lag: "
	    "changes the peer said it still holds for this node at the "
	    "last pull.");
	for (i = 0; i < f->npeers; i++)
		sample(out, "opora_peer_behind_changes", "peer",
		    f->peers[i].region, f->peers[i].behind);
	family(out, "opora_peer_waiting_changes", "gauge", "The peer's "
	    "changes waiting to be taken.");
	for (i = 0; i < f->npeers; i++)
		sample(out, "opora_peer_waiting_changes", "peer",
		    f->peers[i].region, f->peers[i].waiting);
	family(out, "opora_peer_up", "gauge", "1 when the last pull from the "
	    "peer succeeded, 0 when it failed or none has yet.");
	for (i = 0; i < f->npeers; i++)
		sample(out, "opora_peer_up", "peer", f->peers[i].region,
		    !f->peers[i].failing && f->peers[i].last_ok_ms > 0);
	family(out, "opora_peer_backing_off", "gauge", "1 while the peer is "
	    "not asked, after answers that brought nothing.");
	for (i = 0; i < f->npeers; i++)
		sample(out, "opora_peer_backing_off", "peer",
		    f->peers[i].region, f->peers[i].backing_off);
	/* Anti-entropy: a peer with no round yet has no sample. */
	for (i = 0; i < f->npeers && !f->peers[i].has_round; i++)
		;
	if (i == f->npeers)
		return;
	family(out, "opora_peer_anti_entropy_ok", "gauge", "1 when the last "
	    "anti-entropy round with the peer ended, 0 when it failed.");
	for (i = 0; i < f->npeers; i++)
		if (f->peers[i].has_round)
			sample(out, "opora_peer_anti_entropy_ok", "peer",
			    f->peers[i].region, f->peers[i].round_ok);
	family(out, "opora_peer_anti_entropy_timestamp_seconds", "gauge",
	    "When the last anti-entropy round with the peer ran.");
	for (i = 0; i < f->npeers; i++)
		if (f->peers[i].has_round)
			sample_time(out, "opora_peer_anti_entropy_timestamp_"
			    "seconds", "peer", f->peers[i].region,
			    f->peers[i].round_at_ms);
	family(out, "opora_peer_anti_entropy_unresolved_dossiers", "gauge",
	    "Shared dossiers that still differed after the last round's "
	    "repair.");
	for (i = 0; i < f->npeers; i++)
		if (f->peers[i].has_round)
			sample(out, "opora_peer_anti_entropy_unresolved_"
			    "dossiers", "peer", f->peers[i].region,
			    f->peers[i].round_unresolved);
}

/* The samples of a family counted by HTTP status, those not 0. */
static void
by_status(struct buf *out, const char *name, const uint64_t *v)
{
	char	 s[12];
	int	 k;

	for (k = 100; k < 600; k++) {
		if (v[k] == 0)
			continue;
		snprintf(s, sizeof(s), "%d", k);
		sample(out, name, "status", s, (long long)v[k]);
	}
}

/* The counters, copied under the lock, then written. */
static void
process_figures(struct buf *out, metrics_open_fn open_fn, void *arg)
{
	static const char *const kinds[METRICS_CONNS] = {
		"peer", "researcher", "stranger"
	};
	struct peer_count	 pc[METRICS_PEERS + 1];
	static const char *const logins[METRICS_LOGINS] = {
		"ok", "wrong", "locked", "throttled"
	};
	uint64_t		 acc, ref, ans[600], kind[METRICS_CONNS];
	static const char *const cuts[METRICS_UI_CUTS] = {
		"late", "taken", "refused"
	};
	uint64_t		 uans[600], ulog[METRICS_LOGINS];
	uint64_t		 ucut[METRICS_UI_CUTS];
	size_t			 np, i;
	int			 open[METRICS_CONNS] = { 0 };
	int			 k;

	pthread_mutex_lock(&mx);
	acc = conn_accepted;
	ref = conn_refused;
	memcpy(kind, conn_kind, sizeof(kind));
	memcpy(ans, answers, sizeof(ans));
	memcpy(uans, ui_answers, sizeof(uans));
	memcpy(ulog, ui_logins, sizeof(ulog));
	memcpy(ucut, ui_cuts, sizeof(ucut));
	np = npeer_counts;
	memcpy(pc, peer_counts, sizeof(pc));
	if (peer_counts[METRICS_PEERS].region[0] != '\0')
		pc[np++] = peer_counts[METRICS_PEERS];
	pthread_mutex_unlock(&mx);
	/* A connection is a stranger's until its handshake shows a pinned
	 * certificate, and stays one without. */
	kind[METRICS_CONN_STRANGER] = acc - kind[METRICS_CONN_PEER] -
	    kind[METRICS_CONN_RESEARCHER];
	family(out, "opora_connections_total", "counter", "Connections the "
	    "peers' listener accepted, by who held them.");
	for (k = 0; k < METRICS_CONNS; k++)
		sample(out, "opora_connections_total", "kind", kinds[k],
		    (long long)kind[k]);
	family(out, "opora_connections_refused_total", "counter",
	    "Connections closed at once, over a budget (too many open).");
	sample(out, "opora_connections_refused_total", NULL, NULL,
	    (long long)ref);
	family(out, "opora_checkpoint_failures_total", "counter", "Copies "
	    "of the write-ahead log into the database (checkpoints) that "
	    "failed in this process: a full or failing disk. What they could "
	    "not copy stays in the log, safe, and the next one tries again.");
	sample(out, "opora_checkpoint_failures_total", NULL, NULL,
	    (long long)ckpt_failures());
	if (open_fn != NULL) {
		open_fn(open, arg);
		family(out, "opora_connections_open", "gauge", "Connections "
		    "open now on the peers' listener, by who holds them.");
		for (k = 0; k < METRICS_CONNS; k++)
			sample(out, "opora_connections_open", "kind",
			    kinds[k], open[k]);
	}
	family(out, "opora_http_answers_total", "counter", "Answers of the "
	    "peers' listener, by HTTP status.");
	by_status(out, "opora_http_answers_total", ans);
	family(out, "opora_ui_answers_total", "counter", "Answers of the "
	    "web pages' listener (listen_ui), by HTTP status.");
	by_status(out, "opora_ui_answers_total", uans);
	family(out, "opora_ui_logins_total", "counter", "Logins to the web "
	    "pages, by result: ok, wrong (login, password or code, or the "
	    "account disabled or locked), locked (wrong, and it locked the "
	    "account), throttled (asked to wait).");
	for (k = 0; k < METRICS_LOGINS; k++)
		sample(out, "opora_ui_logins_total", "result", logins[k],
		    (long long)ulog[k]);
	family(out, "opora_ui_connections_cut_total", "counter",
	    "Connections of the web pages' listener cut or refused: late "
	    "(no whole request within 10 s, the slots more than half "
	    "held), taken (a newcomer took the "
	    "slot, all being held), refused (a newcomer closed at once).");
	for (k = 0; k < METRICS_UI_CUTS; k++)
		sample(out, "opora_ui_connections_cut_total", "reason",
		    cuts[k], (long long)ucut[k]);
	if (np == 0)
		return;
	family(out, "opora_peer_changes_in_total", "counter", "Changes "
	    "pulled from the peer and applied since 'opora serve' started.");
	for (i = 0; i < np; i++)
		sample(out, "opora_peer_changes_in_total", "peer",
		    pc[i].region, (long long)pc[i].applied);
	family(out, "opora_peer_changes_refused_total", "counter", "Changes "
	    "pulled from the peer and refused (or not entitled) since "
	    "'opora serve' started.");
	for (i = 0; i < np; i++)
		sample(out, "opora_peer_changes_refused_total", "peer",
		    pc[i].region, (long long)pc[i].refused);
	family(out, "opora_peer_changes_out_total", "counter", "Changes "
	    "served to the peer in feed answers since 'opora serve' "
	    "started.");
	for (i = 0; i < np; i++)
		sample(out, "opora_peer_changes_out_total", "peer",
		    pc[i].region, (long long)pc[i].served);
	family(out, "opora_peer_pull_failures_total", "counter", "Pulls "
	    "from the peer that failed since 'opora serve' started.");
	for (i = 0; i < np; i++)
		sample(out, "opora_peer_pull_failures_total", "peer",
		    pc[i].region, (long long)pc[i].failed);
}

int
metrics_text(struct node *n, int64_t now, metrics_open_fn open_fn,
    void *arg, struct buf *out)
{
	struct metrics_figures	 f;

	(void)metrics_gather(n, now, &f);
	db_figures(out, &f, strcmp(n->cfg.region, "RU-FED") == 0);
	peer_figures(out, &f);
	metrics_figures_free(&f);
	process_figures(out, open_fn, arg);
	return (buf_failed(out) ? -1 : 0);
}

int
metrics_listen_check(const char *addr, char *why, size_t whysz)
{
	struct sockaddr_storage	 ss;
	int			 len = sizeof(ss);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	char			 e[ESC_SHORT];

	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &len)
	    != 0 || strrchr(addr, ':') == NULL || (ss.ss_family == AF_INET &&
	    sin->sin_port == 0) || (ss.ss_family == AF_INET6 &&
	    sin6->sin6_port == 0)) {
		snprintf(why, whysz, "listen_metrics: \"%s\" is not "
		    "ADDRESS:PORT (127.0.0.1:9464 or [::1]:9464)",
		    esc_str(addr, e, sizeof(e)));
		return (-1);
	}
	if ((ss.ss_family == AF_INET && (ntohl(sin->sin_addr.s_addr) >> 24)
	    == 127) || (ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr)))
		return (0);
	snprintf(why, whysz, "listen_metrics: \"%s\" is not a loopback "
	    "address: the figures name peers and count their changes, and "
	    "the endpoint has no TLS and no login, so only this machine may "
	    "reach it (127.0.0.1:PORT or [::1]:PORT; a Prometheus elsewhere "
	    "scrapes through a tunnel or a local agent)",
	    esc_str(addr, e, sizeof(e)));
	return (-1);
}

/* The endpoint: one request per connection, answered and closed. */
struct metrics_server {
	struct node		*n;
	struct event_base	*base;
	struct evconnlistener	*lis;
	metrics_open_fn		 open_fn;
	void			*arg;
	struct mconn		*conns;	/* every open connection */
	int			 nconn;
};

struct mconn {
	struct metrics_server	*ms;
	struct bufferevent	*bev;
	struct event		*deadline;	/* the whole exchange's */
	struct mconn		*next, *prev;
	bool			 answered;
};

static void
mconn_free(struct mconn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->ms->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->ms->nconn--;
	if (c->deadline != NULL)
		event_free(c->deadline);
	bufferevent_free(c->bev);
	free(c);
}

/* The exchange's time is up, however it went (a client that sends or
 * reads a byte now and then would outlive any idle timeout). */
static void
mconn_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	mconn_free(arg);
}

static void
mconn_answer(struct mconn *c, int status, const char *type,
    const char *body, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);

	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n\r\n", status, status == 200 ? "OK" :
	    status == 404 ? "Not Found" : status == 405 ?
	    "Method Not Allowed" : status == 431 ?
	    "Request Header Fields Too Large" : status == 400 ?
	    "Bad Request" : "Internal Server Error", type, len);
	evbuffer_add(out, body, len);
	c->answered = true;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_enable(c->bev, EV_WRITE);
}

static void
mconn_read(struct bufferevent *bev, void *arg)
{
	static const char	 notfound[] = "only /metrics is here\n";
	static const char	 getonly[] = "GET only\n";
	static const char	 bad[] = "malformed request\n";
	struct mconn		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 end;
	struct buf		 b;
	char			 line[64];
	size_t			 n;

	if (c->answered) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0) {
		if (evbuffer_get_length(in) > METRICS_REQUEST_HEAD)
			mconn_answer(c, 431, "text/plain", bad,
			    sizeof(bad) - 1);
		return;
	}
	n = evbuffer_copyout(in, line, sizeof(line) - 1);
	line[n] = '\0';
	evbuffer_drain(in, evbuffer_get_length(in));
	if (strncmp(line, "GET ", 4) != 0) {
		mconn_answer(c, strchr(line, ' ') != NULL ? 405 : 400,
		    "text/plain", getonly, sizeof(getonly) - 1);
		return;
	}
	if (strncmp(line + 4, "/metrics ", 9) != 0 &&
	    strncmp(line + 4, "/metrics?", 9) != 0) {
		mconn_answer(c, 404, "text/plain", notfound,
		    sizeof(notfound) - 1);
		return;
	}
	buf_init(&b, METRICS_BODY_MAX);
	if (metrics_text(c->ms->n, (int64_t)node_now_ms(), c->ms->open_fn,
	    c->ms->arg, &b) == -1 || b.data == NULL) {
		log_warnx("metrics: the answer could not be made (%s)",
		    buf_error(&b) == BUF_TOO_LARGE ? "too large" :
		    "out of memory");
		mconn_answer(c, 500, "text/plain", "\n", 1);
	} else
		mconn_answer(c, 200, "text/plain; version=0.0.4; "
		    "charset=utf-8", b.data, b.len);
	buf_free(&b);
}

static void
mconn_write(struct bufferevent *bev, void *arg)
{
	struct mconn	*c = arg;

	if (c->answered && evbuffer_get_length(bufferevent_get_output(bev))
	    == 0)
		mconn_free(c);
}

static void
mconn_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	mconn_free(arg);
}

static void
maccept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct metrics_server	*ms = arg;
	struct mconn		*c;
	struct timeval		 tv = { METRICS_TIMEOUT_SECONDS, 0 };

	(void)lis;
	(void)sa;
	(void)salen;
	if (ms->nconn >= METRICS_CONNECTIONS ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	if ((c->bev = bufferevent_socket_new(ms->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	c->ms = ms;
	c->next = ms->conns;
	if (ms->conns != NULL)
		ms->conns->prev = c;
	ms->conns = c;
	ms->nconn++;
	bufferevent_setcb(c->bev, mconn_read, mconn_write, mconn_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, METRICS_REQUEST_HEAD + 1);
	/* A whole exchange within the timeout, from the accept: a slow
	 * client is cut off, so that a few cannot hold every place. */
	if ((c->deadline = evtimer_new(ms->base, mconn_deadline, c)) == NULL ||
	    evtimer_add(c->deadline, &tv) == -1) {
		mconn_free(c);
		return;
	}
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ);
}

int
metrics_server_start(struct node *n, struct event_base *base,
    metrics_open_fn open_fn, void *arg, struct metrics_server **out)
{
	struct metrics_server	*ms;
	struct sockaddr_storage	 ss;
	int			 len = sizeof(ss);
	char			 why[256];

	*out = NULL;
	if (n->cfg.listen_metrics[0] == '\0')
		return (0);
	/* The configuration was checked; checked again all the same. */
	if (metrics_listen_check(n->cfg.listen_metrics, why, sizeof(why)) ==
	    -1) {
		log_warnx("%s", why);
		return (-1);
	}
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(n->cfg.listen_metrics,
	    (struct sockaddr *)&ss, &len) != 0 ||
	    (ms = calloc(1, sizeof(*ms))) == NULL)
		return (-1);
	ms->n = n;
	ms->base = base;
	ms->open_fn = open_fn;
	ms->arg = arg;
	if ((ms->lis = evconnlistener_new_bind(base, maccept, ms,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    16, (struct sockaddr *)&ss, len)) == NULL) {
		log_warn("metrics: cannot listen on %s",
		    n->cfg.listen_metrics);
		free(ms);
		return (-1);
	}
	log_info("metrics on http://%s/metrics", n->cfg.listen_metrics);
	*out = ms;
	return (0);
}

void
metrics_server_free(struct metrics_server *ms)
{
	if (ms == NULL)
		return;
	evconnlistener_free(ms->lis);
	while (ms->conns != NULL)
		mconn_free(ms->conns);
	free(ms);
}
