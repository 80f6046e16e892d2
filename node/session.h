/*
 * node/session.h: sessions of people logged in through a browser (ASVS
 * V3), for the listener of the web pages (docs/admin.md, "Sessions").
 *
 * A session is named by a token of 256 random bits, given to the browser
 * as 64 hexadecimal digits (the cookie __Host-opora); the node keeps only
 * the SHA-256 of the token, so a copy of the database opens no session.
 * A session ends after idle seconds without use, after absolute seconds
 * whatever its use (opora.conf session_idle_minutes, session_max_hours,
 * in minutes and hours), at logout,
 * and whenever its account's password, role or centre changes or the
 * account is disabled (node/account.c deletes the account's sessions).  Each session has a
 * CSRF token of 256 random bits that every state-changing request must
 * carry (session_csrf_ok).
 *
 * Each function runs one statement on st, inside the caller's transaction
 * if it holds one; the caller audits logins and logouts (node/audit.h).
 * Tokens and CSRF tokens are written into the caller's arrays; nothing is
 * allocated.
 */
#ifndef OPORA_SESSION_H
#define OPORA_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "node/account.h"

struct store;

#define SESSION_TOKEN_HEX	64	/* 32 random bytes */
#define SESSION_IDLE_DEFAULT	1800	/* 30 minutes */
#define SESSION_ABSOLUTE_DEFAULT 43200	/* 12 hours */
#define SESSION_IDLE_MIN	60
/* A session whose times are more than this ahead of the clock (seconds)
 * ends: the clock went back by more than a step of NTP's. */
#define SESSION_SKEW		60
#define SESSION_ABSOLUTE_MAX	86400

struct session {
	char	 login[ACCOUNT_LOGIN_MAX + 1];
	char	 csrf[SESSION_TOKEN_HEX + 1];
	int64_t	 created;	/* seconds since the epoch */
	int64_t	 last_seen;
};

/*
 * session_create(st, login, now, token, csrf): open a session for the
 * account login (which must exist) at unix time now; the token for the
 * browser goes into token, its CSRF token into csrf.  0 / -1 (logged).
 */
int	 session_create(struct store *st, const char *login, int64_t now,
	    char token[SESSION_TOKEN_HEX + 1], char csrf[SESSION_TOKEN_HEX + 1]);

/*
 * session_check(st, token, now, idle, absolute, s): whether token (a C
 * string from the browser: anything) names a live session at now; idle
 * and absolute in seconds, from opora.conf: cfg.session_idle_minutes * 60
 * and cfg.session_max_hours * 3600 (node.h).  0 with
 * *s filled and its last use moved to now; 1 when the token is malformed,
 * unknown, or its session expired (then deleted; also when its last use
 * or start is more than SESSION_SKEW seconds after now); -1 on error.
 */
int	 session_check(struct store *st, const char *token, int64_t now,
	    int64_t idle, int64_t absolute, struct session *s);

/* session_csrf_ok(s, presented): whether presented (NULL allowed) is the
 * session's CSRF token, compared in constant time. */
bool	 session_csrf_ok(const struct session *s, const char *presented);

/* session_end(st, token): end the session token names (logout); 0 also
 * when there was none; -1 on error.  session_end_all(st, login): end every
 * session of login.  0 / -1. */
int	 session_end(struct store *st, const char *token);
int	 session_end_all(struct store *st, const char *login);
/* session_sweep(st, now, idle, absolute): delete every session that has
 * ended by now (idle, absolute as for session_check; a session is
 * otherwise deleted only when it is next presented), and the counters of
 * failed logins (account.h) whose hour began two hours ago: what a
 * browser left behind is not kept for ever ('opora serve' runs it
 * hourly).  In its own transaction.
 * 0 / -1. */
int	 session_sweep(struct store *st, int64_t now, int64_t idle,
	    int64_t absolute);

/*
 * Break the glass for the rest of a session: session_glass_grant records
 * that the session token may open dossier, with reason (the caller writes
 * the audit entry in the same transaction); session_glass_has is 1 when it
 * may, 0 when not, -1 on error.  Grants end with their session.
 */
int	 session_glass_grant(struct store *st, const char *token,
	    const char *dossier, const char *reason, int64_t now);
int	 session_glass_has(struct store *st, const char *token,
	    const char *dossier);

#endif /* OPORA_SESSION_H */
