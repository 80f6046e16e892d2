/*
 * node/node.h: a node: its directory, configuration, keys, clock and store.
 *
 * A node's directory (mode 0700) holds:
 *   opora.conf    configuration (docs/admin.md; mode 0600)
 *   opora.db      the SQLite database, with -wal and -shm beside it (0600)
 *   signing.key   the Ed25519 key that signs changes (mode 0600)
 *   tls.key       the TLS private key (mode 0600)
 *   tls.crt       the self-signed TLS certificate (0644)
 *   feed.head     the feed epoch's witness (node/epoch.h; mode 0600)
 *
 * node_init makes them with these modes whatever the umask.  node_open
 * trusts them as ssh trusts ~/.ssh (pemfile.h): it refuses the node when
 * the directory, one of these files, or a directory above it is a
 * symbolic link (the last component), belongs to another user, or lets
 * group or other write it (read it too, for the 0600 files), and says how
 * to fix it.
 *
 * node_author() is the one way a change is made on this node: it checks the
 * operations against the dossier's history, stamps the clock, names the
 * parents, encodes, signs, appends to the log and updates the views.
 */
#ifndef OPORA_NODE_H
#define OPORA_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "conflict/dossier.h"
#include "conflict/hlc.h"
#include "protocol/change.h"
#include "protocol/limits.h"
#include "protocol/sig.h"

#define NODE_DEFAULT_DIR	"/var/lib/opora"
#define NODE_DEFAULT_LISTEN	"127.0.0.1:8443"
#define NODE_DEFAULT_URL	"https://127.0.0.1:8443"

struct signer;
struct store;

#define NODE_DEFAULT_DRIFT_S	300	/* a peer's clock ahead of ours */
#define NODE_DEFAULT_STATS_H	24	/* serve publishes statistics daily */
#define NODE_DEFAULT_RELEASE_MONTHS 3	/* RU-FED releases quarterly */
#define NODE_DEFAULT_THRESHOLD	5	/* counts 1-4 are hidden */
#define NODE_DEFAULT_THRESHOLD_SENSITIVE 10	/* crisis: 1-9 hidden */
#define NODE_DEFAULT_ANTI_ENTROPY_S 3600	/* seconds between rounds */
#define NODE_MAX_ANTI_ENTROPY_S	86400	/* a day at most */
#define NODE_DEFAULT_SESSION_IDLE_MIN 30	/* browser sessions (ASVS V3) */
#define NODE_DEFAULT_SESSION_MAX_H 12
#define NODE_MAX_SESSION_IDLE_MIN 1440	/* a day */
#define NODE_MAX_SESSION_MAX_H	24	/* SESSION_ABSOLUTE_MAX */

#define NODE_DEFAULT_SESSION_IDLE_MIN 30	/* ASVS V3.3: 30 minutes idle */
#define NODE_DEFAULT_SESSION_MAX_H 12	/* ... and 12 hours in all */
#define NODE_MAX_SESSION_IDLE_MIN 1440	/* a day: beyond, none is idle */
#define NODE_MAX_SESSION_MAX_H	24	/* SESSION_ABSOLUTE_MAX */

/* The bounds opora.conf accepts (docs/admin.md). */
#define NODE_MAX_DRIFT_S	86400	/* a clock a day wrong is broken */
#define NODE_MAX_STATS_H	8760	/* at least once a year */
#define NODE_MIN_THRESHOLD	2	/* 1 would show single persons */
#define NODE_MAX_RETENTION_Y	100	/* longer than any life of a record */
#define NODE_MAX_THRESHOLD	100	/* beyond, regions show nothing */

struct node_config {
	char	 region[16];
	char	 url[256];
	char	 listen[128];
	int	 max_clock_drift;	/* seconds */
	int	 stats_interval;	/* hours between snapshots; 0: off */
	int	 stats_threshold;	/* RU-FED: the smallest count shown */
	int	 stats_threshold_sensitive;	/* ... for sensitive ones */
	int	 stats_release_months;	/* RU-FED: months between releases */
	int	 anti_entropy_interval;	/* seconds between rounds; 0: off */
	char	 listen_ui[128];	/* the browsers' listener; "": off */
	/* The Prometheus endpoint (node/metrics.h), a loopback address
	 * only; "": off. */
	char	 listen_metrics[128];
	char	 ui_cert[256];		/* its certificate; "": tls.crt */
	char	 ui_key[256];		/* its key; "": tls.key */
	/* The web listener's sessions (node/session.h): they end after
	 * session_idle_minutes without use and session_max_hours after the
	 * login, whatever their use; session_check takes them in seconds. */
	int	 session_idle_minutes;
	int	 session_max_hours;
	int	 retention_years;	/* erase after support ended; 0: never */
};

struct node {
	char			*dir;		/* owned */
	struct node_config	 cfg;
	struct store		*st;		/* owned */
	struct sig_key		*key;		/* owned */
	uint8_t			 pub[SIG_PUB_LEN];
	char			 key_id[SIG_KEYID_LEN + 1];
	struct hlc		 hlc;
	char			 user[LIMIT_USER + 1];
	struct signer		*signer;	/* bulk writes; see signer.h */
	bool			 clock_held;	/* node_clock_hold */
	bool			 views_deferred; /* node_author_checked */
};

/*
 * node_init(dir, region, url, listen): create a node in dir, which must not
 * exist or be empty.  url may be NULL for NODE_DEFAULT_URL; listen NULL
 * for the address the url points at (node_listen_for).  The TLS
 * certificate names the url's host (subjectAltName).
 * Returns 0, or -1 after logging why and removing what it had made.
 */
int	 node_init(const char *dir, const char *region, const char *url,
	    const char *listen);

/*
 * node_config_parse(text, len, cfg, line, why, whysz): read the text of an
 * opora.conf, text[0..len) (borrowed; need not end in a NUL, may hold any
 * bytes), into cfg, with the defaults for what it leaves out.  Returns 0,
 * or -1 with the number of the offending line in *line (0 when the whole
 * text is at fault) and a reason for an admin in why (whysz >= 4; bytes of
 * the text escaped).  cfg is written in either case.
 */
int	 node_config_parse(const char *text, size_t len,
	    struct node_config *cfg, int *line, char *why, size_t whysz);

/*
 * node_url_host(url, host, hostsz, port): the host of an https:// url
 * (a name, an IPv4 address, or an IPv6 address without its brackets,
 * at most NODE_HOST_MAX bytes) into host, and its port (443 when the url
 * names none) into *port.  0, or -1 when url is not https://HOST[:PORT]
 * optionally followed by a path.
 */
#define NODE_HOST_MAX	253	/* the longest DNS name */
int	 node_url_host(const char *url, char *host, size_t hostsz,
	    int *port);

/*
 * node_listen_for(host, port, out, outsz): the listen address init
 * chooses for a url of host and port when --listen is not given: that
 * address for an IP address (127.0.0.1 for "localhost"), every IPv4
 * address (0.0.0.0) for a name, which may resolve to any of this
 * machine's.  0, or -1 logged.
 */
int	 node_listen_for(const char *host, int port, char *out,
	    size_t outsz);

/*
 * The settings of opora.conf: node_config_name(i) is the name of the
 * i-th (from 0), NULL past the last; node_config_get(c, key, out, outsz)
 * writes the value of setting key in c as opora.conf spells it into out:
 * 0, or -1 for an unknown key or a value longer than outsz.
 */
const char *node_config_name(size_t i);
int	 node_config_get(const struct node_config *c, const char *key,
	    char *out, size_t outsz);

/*
 * node_config_update(dir, key, value, why, whysz): set key to value in
 * dir/opora.conf.  The node's directory and file must pass node_open's
 * trust checks; value is judged exactly as init and node_open judge it;
 * the region cannot change.  The other lines and comments stay; the new
 * file replaces the old at once (written beside it, mode 0600, synced,
 * renamed).  Returns 0; NODE_CONFIG_REFUSED with a reason in why when
 * the key or value is refused (nothing changed); NODE_CONFIG_BROKEN when
 * the node or its file cannot be read (logged, or in why); NODE_CONFIG_FULL
 * or NODE_CONFIG_IO when the new file cannot be written (the disk full;
 * another error), opora.conf unchanged.  One change at a time: a second
 * waits for the first (a lock on dir).
 */
#define NODE_CONFIG_REFUSED	(-1)
#define NODE_CONFIG_BROKEN	(-2)
#define NODE_CONFIG_FULL	(-3)
#define NODE_CONFIG_IO		(-4)
#define NODE_CONFIG_UNRECORDED	(-5)
/*
 * before(key, value, arg), when not NULL, is called under the lock once
 * the value and the whole new file are judged good, just before the file
 * is written: the CLI records the change in the audit there.  When it
 * returns -1 nothing is written and node_config_update returns
 * NODE_CONFIG_UNRECORDED (before says why itself).
 */
typedef int (*node_config_before)(const char *key, const char *value,
    void *arg);
int	 node_config_update(const char *dir, const char *key,
	    const char *value, node_config_before before, void *arg,
	    char *why, size_t whysz);

/*
 * node_config_pending(key, value): from now on, this process's node_open
 * reads opora.conf as it will read once key is set to value (both
 * borrowed; they must outlive the opens): 'config set' opens the node as
 * it will be, so a line of key's that a hand broke can be mended with it.
 * Nothing is written.
 */
void	 node_config_pending(const char *key, const char *value);
/* node_config_reads(dir): 1 when dir/opora.conf reads as it is, 0 when it
 * does not, -1 when it cannot be read (node_open says why).  Says nothing
 * itself. */
int	 node_config_reads(const char *dir);

/* node_open(dir, user): open the node in dir acting for user (a C string,
 * checked).  NULL, logged with advice, when dir holds no node. */
struct node *node_open(const char *dir, const char *user);
void	 node_close(struct node *n);

/* node_path(n, name, out, outsz): dir/name into out; 0 / -1 if too long. */
int	 node_path(const struct node *n, const char *name, char *out,
	    size_t outsz);

/*
 * node_author(n, d, ops, nops, idout, why, whysz): make, sign and store one
 * change of ops on dossier d (the stored state, or a new dossier_new one,
 * whose id is then replaced by the one derived from its first change,
 * change_dossier_id), and apply it to d and the views.  The caller holds a transaction and
 * borrows d back updated.  With n->signer set, the signature is made on
 * another core and the change stored once it is (node/signer.h): the
 * caller must signer_drain() before it reads the log itself and before
 * committing.  0 with the change id in idout, or -1 with a
 * reason in why (and nothing of the change kept once the caller rolls
 * back).  It refuses to write while this node's wall clock is behind the
 * latest clock it holds (stored, or of the dossier) by more than
 * max_clock_drift, saying what to do (set the clock), and it refuses
 * dates after the local today (node_check_dates).  Returns NODE_NOMEM
 * (-2) rather than -1 when it failed for want of memory (nothing decided:
 * try again), so callers test for success with == 0.
 */
#define NODE_NOMEM	(-2)
int	 node_author(struct node *n, struct dossier *d, const struct op *ops,
	    size_t nops, char idout[CHANGE_ID_HEX + 1], char *why,
	    size_t whysz);

/*
 * node_clock_hold(n): in a write transaction of many changes (an import's
 * batch), read the stored clock now, once, and let node_author keep it in
 * memory instead of reading and raising it for each change: the
 * transaction holds the write lock, so no other process moves it.
 * node_clock_release(n) writes it back and must come before the COMMIT
 * (a rollback takes both back).  0 / -1 (logged).
 */
int	 node_clock_hold(struct node *n);
int	 node_clock_release(struct node *n);

/*
 * node_author_checked(n, d, ops, nops, idout, why, whysz): node_author for
 * ops whose every value change_encode has already accepted (the import's
 * check pass): the change's bytes are not decoded again
 * (change_encode_checked).  The caller read d (or made it) in its own
 * write transaction, and only node_author changed it since: its heads are
 * the stored ones and are not read again (node_author reads them, and
 * refuses a state another process has moved on).  Everything else is
 * node_author's, except that while n->views_deferred is set it does not
 * write d's views (but before erasing a dossier): the caller writes them
 * once, with view_save, before its commit and before it lets d go, so
 * that a dossier of many lines has its person row written once per
 * transaction rather than once per change.
 */
int	 node_author_checked(struct node *n, struct dossier *d,
	    const struct op *ops, size_t nops, char idout[CHANGE_ID_HEX + 1],
	    char *why, size_t whysz);

/* node_new_uuid(out): a random (version 4) UUID. 0 / -1. */
int	 node_new_uuid(char out[37]);

/* node_now_ms(): the wall clock in milliseconds since the epoch, or what
 * node_clock returns when a test has set it (the simulator's clock).
 * For tests only, the environment variable OPORA_TEST_CLOCK_OFFSET (whole
 * seconds, -NODE_CLOCK_OFFSET_MAX..NODE_CLOCK_OFFSET_MAX, read once) is
 * added to the wall clock, so that a test can run a node whose clock is
 * off; a value out of range or not a number is ignored. */
#define NODE_CLOCK_OFFSET_MAX	(10LL * 366 * 86400)
uint64_t node_now_ms(void);
extern uint64_t (*node_clock)(void);

/*
 * node_check_dates(ops, nops, why, whysz): whether the dates of ops (of an
 * event, episode, assessment or consent, and a birth date) are no later
 * than today's local date on this node's clock: a node records nothing as
 * happening tomorrow.  (A receiver allows one day more than the change's
 * clock for time zones east of the author, docs/protocol.md section 4.)
 * 0, or -1 with a reason.
 */
int	 node_check_dates(const struct op *ops, size_t nops, char *why,
	    size_t whysz);

#endif /* OPORA_NODE_H */
