/*
 * protocol/limits.h: every bound that opora enforces, with its reason.
 *
 * A node refuses input beyond these limits before allocating for it.  They
 * are part of the wire protocol (docs/protocol.md, "Limits"): a compatible
 * node must accept everything within them and may refuse anything beyond.
 */
#ifndef OPORA_LIMITS_H
#define OPORA_LIMITS_H

/* One change: a dossier of ~2,000 changes must fit in a transfer. */
#define LIMIT_CHANGE_BYTES	(64 * 1024)	/* signed bytes of one change */
#define LIMIT_OPS_PER_CHANGE	64		/* operations in one change */
#define LIMIT_PARENTS		16		/* parents of one change */
#define LIMIT_JSON_DEPTH	8		/* nesting of any document */
#define LIMIT_JSON_ELEMENTS	4096		/* values in one document */

/* Texts, in bytes of UTF-8 (a Cyrillic letter takes two). */
#define LIMIT_USER		64		/* a login name */
#define LIMIT_NAME		100		/* surname, name, patronymic */
#define LIMIT_SHORT_TEXT	300		/* institution, address, centre, curator, document */
#define LIMIT_REASON		1000		/* retraction, closing, decline reasons */
#define LIMIT_TEXT		8000		/* the text of an event: a long note */
#define LIMIT_PHONE		32
#define LIMIT_EMAIL		254		/* RFC 5321 path limit */

/* The import file: one operation per line. */
#define LIMIT_IMPORT_LINE	(64 * 1024)
/* Changes per SQLite transaction of an import: an eighth of the file, at
 * least LIMIT_IMPORT_BATCH_MIN and at most LIMIT_IMPORT_BATCH, so that a
 * stopped import loses little and a large one writes each page of the
 * indexes keyed by hash once per many changes (docs/performance.md). */
#define LIMIT_IMPORT_BATCH	10000
#define LIMIT_IMPORT_BATCH_MIN	1000
#define LIMIT_IMPORT_LABEL	64		/* a dossier label in the file */

/* The feed (docs/protocol.md, "Replication"). */
#define LIMIT_FEED_DEFAULT	500		/* changes per response by default */
#define LIMIT_FEED_MAX		5000		/* the most a peer may ask for */
#define LIMIT_FEED_ITEMS	12000		/* changes in one response, with
						 * a whole dossier's history */
#define LIMIT_FEED_BYTES	(32 * 1024 * 1024)	/* one response */
#define LIMIT_FEED_WAIT		60		/* seconds of long poll */
#define LIMIT_CARD_BYTES	4096		/* a node card */

/* The HTTPS server (node/server.c). */
#define LIMIT_CONNECTIONS	64		/* open connections at once */
#define LIMIT_REQUEST_HEAD	8192		/* request line and headers */
#define LIMIT_REQUEST_SECONDS	10		/* to send a whole request */
#define LIMIT_RESPONSE_SECONDS	60		/* to take a whole response */
#define LIMIT_URL		2048		/* request target */

/* The config file. */
#define LIMIT_CONFIG_BYTES	(64 * 1024)
#define LIMIT_CONFIG_LINE	1024

#endif /* OPORA_LIMITS_H */
