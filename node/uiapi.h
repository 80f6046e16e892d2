/*
 * node/uiapi.h: what the web pages' JSON API answers (docs/api.md):
 * logins and sessions, search, dossiers with break-the-glass, the writes
 * of the CLI's record commands, each through the same node functions as
 * the CLI (node/cli.h, account.h, session.h, audit.h, conflict/access.h).
 *
 * node/ui.c hands over each request once its body is read; uiapi_handle
 * decides the answer from one table of endpoints (node/uiapi.c: method,
 * path, the role's action, the audit action of a read, the handler); the
 * SQL the pages need and no other module answers is node/store_ui.h.  A state-changing request (POST) must come from the
 * pages' own origin (Origin: https://HOST as the Host header names it)
 * and, with a session, carry its CSRF token in X-CSRF-Token.  Errors are
 * {"error":{"code":C,"message":M}} with a fixed message: nothing a client
 * sent is echoed.  Every read of personal data and every write is audited
 * with the account, its role and the client's address; a read that cannot
 * be audited is refused.
 */
#ifndef OPORA_UIAPI_H
#define OPORA_UIAPI_H

#include <stdbool.h>
#include <stddef.h>

struct uiapi;

/* One request; every pointer borrowed for the call, NULL when absent. */
struct uiapi_req {
	const char	*method;	/* "GET", "POST", ... */
	const char	*path;		/* "/api/...", without the query */
	const char	*body;		/* body[0..bodylen), any bytes */
	size_t		 bodylen;
	bool		 too_large;	/* the body was cut: answer 413 */
	const char	*token;		/* the __Host-opora cookie */
	const char	*csrf;		/* X-CSRF-Token */
	const char	*origin;	/* Origin */
	const char	*host;		/* Host */
	const char	*addr;		/* the client's address, numeric */
	/* query(qarg, key): the query argument key, NULL when absent. */
	const char	*(*query)(void *, const char *);
	void		*qarg;
};

#define UIAPI_COOKIE_MAX	200
struct uiapi_answer {
	unsigned	 status;
	char		*body;		/* JSON text, malloc'd: the caller's */
	char		 cookie[UIAPI_COOKIE_MAX];	/* Set-Cookie or "" */
	long		 retry_after;	/* seconds (429), or 0 */
};

/* uiapi_new(dir, user): the API's own connection to the node in dir
 * (NULL, logged).  uiapi_free(a) closes it; NULL is a no-op. */
struct uiapi *uiapi_new(const char *dir, const char *user);
void	 uiapi_free(struct uiapi *a);

/* uiapi_handle(a, r, ans): the answer to r into ans (always filled; a
 * 500 when memory runs out). */
void	 uiapi_handle(struct uiapi *a, const struct uiapi_req *r,
	    struct uiapi_answer *ans);

#endif /* OPORA_UIAPI_H */
