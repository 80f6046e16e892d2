/*
 * node/metrics.h: the node's figures for monitoring -- one function
 * (metrics_gather) reads what the database says, for 'opora status
 * --json' and for the Prometheus endpoint alike; counters of the serving
 * process (connections, HTTP answers, changes pulled and served per peer)
 * are kept here while 'opora serve' runs; and the endpoint itself, a
 * plain-HTTP listener on a loopback address (listen_metrics in
 * opora.conf) that answers GET /metrics in the Prometheus text
 * exposition format 0.0.4.
 *
 * The listener has no TLS and no login: what it shows (peers' regions,
 * counts of changes, refusals and conflicts) is for this machine's
 * monitoring only, so node_config refuses an address that is not a
 * loopback one (metrics_listen_loopback).  No figure names a person, a
 * dossier or a user.
 *
 * The counters are process-wide and thread-safe: the pullers' threads
 * (node/sync.c) and the server's event loop both count.  Like every
 * Prometheus counter they start at 0 when 'opora serve' starts.
 */
#ifndef OPORA_METRICS_H
#define OPORA_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/offer.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "protocol/esc.h"

struct node;
struct event_base;
struct buf;
struct cJSON;

/* Bounds: a request head to the endpoint, its connections at once, how
 * long one may live, the answer's size, and the peers counted (89
 * regions and the federal node fit; a peer beyond is counted as
 * "other"). */
#define METRICS_REQUEST_HEAD	4096
#define METRICS_CONNECTIONS	8
#define METRICS_TIMEOUT_SECONDS	5
#define METRICS_BODY_MAX	(1024 * 1024)
#define METRICS_PEERS		128

/*
 * Refused changes by reason: a refusal's recorded text (node/receive.c)
 * sorted into a few fixed classes, so that a label's values are bounded
 * and an alert can name one.
 */
enum metrics_reason {
	METRICS_REASON_SIGNATURE,	/* a signature that does not verify */
	METRICS_REASON_KEY,		/* a key unknown, revoked, untrusted */
	METRICS_REASON_FORM,		/* bytes not a well-formed change */
	METRICS_REASON_AUTHORITY,	/* the author may not write this */
	METRICS_REASON_PARENTS,		/* a parent that cannot be right */
	METRICS_REASON_ERASED,		/* a dossier erased here */
	METRICS_REASON_OTHER,
	METRICS_REASONS
};

/* metrics_reason_name(r): the label value of class r ("signature", ...). */
const char	*metrics_reason_name(enum metrics_reason r);
/* metrics_reason_of(why): the class of a refusal's text; NULL: other. */
enum metrics_reason metrics_reason_of(const char *why);

/* A peer as monitoring sees it (store_peer_each's row, summed up). */
struct metrics_peer {
	char		 region[STORE_PEER_REGION];
	int64_t		 last_ok_ms;	/* 0: never */
	int64_t		 last_error_ms;	/* 0: none */
	int64_t		 behind;	/* changes it says this node lacks */
	int64_t		 waiting;	/* its changes waiting in later */
	bool		 failing;	/* its last pull failed */
	bool		 backing_off;
	/* Its last anti-entropy round (has_round false: none yet). */
	bool		 has_round, round_ok;
	int64_t		 round_at_ms, round_unresolved;
};

/*
 * What the database says, read by metrics_gather: the counts of 'opora
 * status' (store_counts), refusals by class (sums of their counts), the
 * audit log's length, the database's bytes on disk, when statistics were
 * last published, and every peer.  readerr: some figure could not be read
 * (it is then -1).
 */
struct metrics_figures {
	struct store_counts	 cnt;
	int64_t			 refused[METRICS_REASONS];
	int64_t			 audit_entries;
	int64_t			 db_bytes;	/* opora.db and its WAL */
	int64_t			 wal_bytes;	/* the WAL alone */
	int64_t			 stats_published_ms;	/* 0: never */
	struct metrics_peer	*peers;		/* owned; npeers of them */
	size_t			 npeers;
	/* Histories lost to a log that went back (node/lost.h), not
	 * acknowledged: the dossiers this node lost and their waiting
	 * changes; the waiting changes of acknowledged ones. */
	int64_t			 lost_dossiers, lost_changes, later_acked;
	/* Accepted offers whose history has not come within two
	 * anti-entropy periods (two hours when it is off), and the oldest
	 * (offer_overdue): count -1 when unread. */
	struct offer_overdue	 overdue;
	/* A change the server found corrupted when serving it: its feed
	 * number (0: none) and escaped id. */
	int64_t			 corrupt_seq;
	char			 corrupt_id[ESC_SHORT];
	bool			 readerr;
};

/*
 * metrics_gather(n, now, f): fill f from n's database; now in ms.  0, or
 * -1 when something could not be read (f->readerr; what was read is
 * there, the rest -1).  Release f with metrics_figures_free.
 */
int	 metrics_gather(struct node *n, int64_t now,
	    struct metrics_figures *f);
/* metrics_figures_free(f): release what f holds; NULL does nothing. */
void	 metrics_figures_free(struct metrics_figures *f);

/*
 * metrics_json(f, j): add the figures of f that 'opora status --json'
 * has no other member for ("refused_by_reason", "audit_entries",
 * "database_bytes", "wal_bytes") to object j.  0 / -1 (out of memory).
 */
int	 metrics_json(const struct metrics_figures *f, struct cJSON *j);

/*
 * A WAL this large means its copies into the database (checkpoints, at
 * STORE_CHECKPOINT_BYTES) fail, or a long read holds them back: twice the
 * size at which it is copied, which a bulk write's last transaction does
 * not reach.  'opora status' says so.
 */
#define METRICS_WAL_LARGE	(2 * (int64_t)STORE_CHECKPOINT_BYTES)

/* The serving process's counters.  The region is borrowed. */
enum metrics_conn {
	METRICS_CONN_PEER,		/* a pinned peer's */
	METRICS_CONN_RESEARCHER,	/* a researcher's (federal node) */
	METRICS_CONN_STRANGER,		/* no certificate (yet) */
	METRICS_CONNS
};
/* A connection was accepted, as a stranger's until its handshake. */
void	 metrics_conn_accepted(void);
/* A connection was closed at once, over a budget (node/http.h). */
void	 metrics_conn_refused(void);
/* Its handshake showed who holds it: counted to kind. */
void	 metrics_conn_handshaken(enum metrics_conn kind);
/* An HTTP answer of the peers' listener with this status. */
void	 metrics_http_answer(int status);
/* An HTTP answer of the web pages' listener with this status. */
void	 metrics_ui_answer(int status);
/* A login to the web pages, by its result. */
enum metrics_login {
	METRICS_LOGIN_OK,
	METRICS_LOGIN_WRONG,		/* login, password or code */
	METRICS_LOGIN_LOCKED,		/* wrong, and it locked the account */
	METRICS_LOGIN_THROTTLED,	/* asked to wait (429) */
	METRICS_LOGINS
};
void	 metrics_ui_login(enum metrics_login result);
/* A connection of the web pages' listener cut or refused (node/uiguard.h):
 * late with its request, its slot taken by a newcomer, or a newcomer
 * refused. */
enum metrics_ui_cut {
	METRICS_UI_LATE,
	METRICS_UI_TAKEN,
	METRICS_UI_REFUSED,
	METRICS_UI_CUTS
};
void	 metrics_ui_cut(enum metrics_ui_cut reason);
/* A pull from region took applied changes and refused refused. */
void	 metrics_pulled(const char *region, uint64_t applied,
	    uint64_t refused);
/* A pull from region failed (the puller's error, logged there). */
void	 metrics_pull_failed(const char *region);
/* A feed answer to region carried n changes. */
void	 metrics_served(const char *region, uint64_t n);
/* Open connections of each kind, as the server counts them now. */
typedef void (*metrics_open_fn)(int open[METRICS_CONNS], void *arg);

/*
 * metrics_text(n, now, open_fn, arg, out): the whole exposition (text
 * format 0.0.4) into out: the database's figures (metrics_gather) and
 * this process's counters; open_fn (NULL: none) says how many
 * connections are open.  0, or -1 when out failed (too large, no
 * memory).  A figure the database could not give is left out, and
 * opora_database_read_ok says 0.
 */
int	 metrics_text(struct node *n, int64_t now, metrics_open_fn open_fn,
	    void *arg, struct buf *out);

/*
 * metrics_listen_check(addr, why, whysz): whether addr (ADDRESS:PORT,
 * [V6]:PORT) is a loopback address the endpoint may listen on: an IPv4
 * 127.0.0.0/8 address or [::1], no names.  0, or -1 with why.
 */
int	 metrics_listen_check(const char *addr, char *why, size_t whysz);

/*
 * metrics_server_start(n, base, open_fn, arg, out): listen where
 * n->cfg.listen_metrics says, answering on base's loop.  *out is NULL
 * when listen_metrics is empty (no endpoint).  0, or -1 (logged) when it
 * cannot listen.  n, open_fn and arg are borrowed until
 * metrics_server_free.
 */
struct metrics_server;
int	 metrics_server_start(struct node *n, struct event_base *base,
	    metrics_open_fn open_fn, void *arg, struct metrics_server **out);
/* metrics_server_free(ms): stop listening, close every connection. */
void	 metrics_server_free(struct metrics_server *ms);

#endif /* OPORA_METRICS_H */
