/*
 * node/uiapi.c: the web pages' JSON API (uiapi.h, docs/api.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "conflict/access.h"
#include "conflict/dossier.h"
#include "conflict/hlc.h"
#include "conflict/op.h"
#include "node/account.h"
#include "node/audit.h"
#include "node/card.h"
#include "node/fedstats.h"
#include "node/cli.h"
#include "node/lost.h"
#include "node/metrics.h"
#include "node/node.h"
#include "node/session.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "node/store_refusal.h"
#include "node/store_stats.h"
#include "node/store_ui.h"
#include "node/uiapi.h"
#include "node/uijson.h"
#include "node/view.h"
#include "protocol/buf.h"
#include "protocol/change.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/snapshot.h"

#define UIAPI_SEGMENTS		6	/* /api/dossiers/ID/event/amend */
#define UIAPI_SEGMENT_MAX	64	/* bytes of one path segment */
#define UIAPI_SEARCH_MAX	50	/* dossiers one search answers */
#define UIAPI_REASON_MIN	5	/* bytes: a reason, not "x" */
#define UIAPI_REASON_MAX	500
#define UIAPI_CASELOAD_MAX	1000	/* dossiers one caseload answers */
#define UIAPI_OVERDUE_DEFAULT	30	/* days without a contact */
#define UIAPI_OVERDUE_MAX	3650
#define UIAPI_DUP_MAX		200	/* pairs one duplicates list answers */
#define UIAPI_GLASS_MAX		500	/* entries one glass review answers */

struct uiapi {
	struct node	*n;
	int64_t		 idle, absolute;	/* session ends, seconds */
};

/* One request being answered. */
struct ctx {
	struct uiapi		*api;
	struct node		*n;
	const struct uiapi_req	*r;
	struct uiapi_answer	*ans;
	cJSON			*body;		/* POST: the object sent */
	char			 seg[UIAPI_SEGMENTS][UIAPI_SEGMENT_MAX + 1];
	int			 nseg;		/* after "api" */
	int64_t			 now;
	bool			 have;		/* a live session */
	struct session		 s;
	struct account		 acct;
	/* A read's answer, audited by uiapi_handle as its endpoint says
	 * (with the dossiers it names and a detail) before it is sent. */
	cJSON			*out;
	char			*out_ids;	/* malloc'd, or NULL: "" */
	char			 out_detail[32];	/* "" means "web" */
};

struct uiapi *
uiapi_new(const char *dir, const char *user)
{
	struct uiapi	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_warn("web api");
		return (NULL);
	}
	if ((a->n = node_open(dir, user)) == NULL) {
		free(a);
		return (NULL);
	}
	a->idle = (int64_t)a->n->cfg.session_idle_minutes * 60;
	a->absolute = (int64_t)a->n->cfg.session_max_hours * 3600;
	return (a);
}

void
uiapi_free(struct uiapi *a)
{
	if (a == NULL)
		return;
	node_close(a->n);
	free(a);
}

/* Answers.  Every message is fixed text: nothing the client sent. */

static void
set_json(struct ctx *c, unsigned status, cJSON *j)
{
	c->ans->status = status;
	free(c->ans->body);
	if (j == NULL || (c->ans->body = cJSON_PrintUnformatted(j)) == NULL) {
		c->ans->status = 500;
		c->ans->body = strdup("{\"error\":{\"code\":\"internal\","
		    "\"message\":\"internal error\"}}");
	}
	cJSON_Delete(j);
}

static void
fail(struct ctx *c, unsigned status, const char *code, const char *message)
{
	cJSON	*j, *e;

	if ((j = cJSON_CreateObject()) != NULL &&
	    ((e = cJSON_AddObjectToObject(j, "error")) == NULL ||
	    cJSON_AddStringToObject(e, "code", code) == NULL ||
	    cJSON_AddStringToObject(e, "message", message) == NULL)) {
		cJSON_Delete(j);
		j = NULL;
	}
	set_json(c, status, j);
}

static void
internal(struct ctx *c)
{
	fail(c, 500, "internal", "internal error; the node's log says more");
}

static const char *
nz(const char *s)
{
	return (s != NULL ? s : "");
}

/* Write an audit entry of the session's account (or of login, for the
 * login attempts), in the caller's transaction when in_tx. */
static int
audit(struct ctx *c, const char *login, const char *action,
    const char *dossiers, const char *reason, const char *detail,
    bool in_tx)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.login = c->have ? c->acct.login : nz(login);
	e.role = c->have ? access_role_name(c->acct.role) : "";
	e.os_user = "";
	e.addr = c->r->addr;
	e.action = action;
	e.dossiers = nz(dossiers);
	e.reason = nz(reason);
	e.detail = nz(detail);
	return (in_tx ? audit_append(c->n, &e) : audit_record(c->n, &e));
}

/*
 * why, a reason the CLI would give (cli_why), with each quoted part
 * written "…": the CLI quotes the value it refuses, a value the client
 * sent (up to 20 or 40 bytes, cut where a character may be half), and no
 * answer echoes what was sent (docs/api.md).  Into out; returns out.
 */
static const char *
unquoted(const char *why, char *out, size_t outsz)
{
	static const char	 gap[] = "\"\xe2\x80\xa6\"";	/* "…" */
	size_t			 o = 0;

	for (; *why != '\0' && o + sizeof(gap) < outsz; why++) {
		if (*why != '"') {
			out[o++] = *why;
			continue;
		}
		memcpy(out + o, gap, sizeof(gap) - 1);
		o += sizeof(gap) - 1;
		if ((why = strchr(why + 1, '"')) == NULL)
			break;
	}
	out[o] = '\0';
	return (out);
}

/* The audit entry of a registration answered "this person may already
 * be registered": the nd dossiers of dups the answer names.  0 / -1. */
static int
dup_audit(struct ctx *c, const struct view_dup *dups, size_t nd)
{
	char	*ids;
	int	 rc;

	if ((ids = view_dup_ids(dups, nd)) == NULL)
		return (-1);
	rc = audit(c, NULL, "duplicates shown", ids, "", "person add", false);
	free(ids);
	return (rc);
}

/* The audit entry of a write the session's account makes as action,
 * with detail (borrowed); the caller fills in the dossiers. */
static void
write_entry(struct ctx *c, struct audit_entry *e, const char *action,
    const char *detail)
{
	memset(e, 0, sizeof(*e));
	e->login = c->acct.login;
	e->role = access_role_name(c->acct.role);
	e->os_user = "";
	e->addr = c->r->addr;
	e->action = action;
	e->dossiers = "";
	e->reason = "";
	e->detail = detail;
}

static cJSON *
account_json(const struct account *a)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return (NULL);
	if (cJSON_AddStringToObject(o, "login", a->login) == NULL ||
	    cJSON_AddStringToObject(o, "name", a->name) == NULL ||
	    cJSON_AddStringToObject(o, "role", access_role_name(a->role)) ==
	    NULL || cJSON_AddStringToObject(o, "centre", a->centre) == NULL ||
	    cJSON_AddBoolToObject(o, "must_change_password",
	    a->must_change) == NULL ||
	    cJSON_AddBoolToObject(o, "totp", a->has_totp) == NULL) {
		cJSON_Delete(o);
		return (NULL);
	}
	return (o);
}

static void
set_cookie(struct ctx *c, const char *token)
{
	if (token == NULL)
		snprintf(c->ans->cookie, sizeof(c->ans->cookie),
		    "__Host-opora=; Path=/; Secure; HttpOnly; "
		    "SameSite=Strict; Max-Age=0");
	else
		snprintf(c->ans->cookie, sizeof(c->ans->cookie),
		    "__Host-opora=%s; Path=/; Secure; HttpOnly; "
		    "SameSite=Strict", token);
}

/* {"account":..., "csrf":...}: what login, me and password answer. */
static void
answer_session(struct ctx *c, unsigned status, const struct account *a,
    const char *csrf)
{
	cJSON	*j;

	if ((j = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToObject(j, "account", account_json(a)) ||
	    cJSON_GetObjectItem(j, "account") == NULL ||
	    cJSON_AddStringToObject(j, "csrf", csrf) == NULL ||
	    cJSON_AddNumberToObject(j, "idle_seconds",
	    (double)c->api->idle) == NULL ||
	    cJSON_AddNumberToObject(j, "max_seconds",
	    (double)c->api->absolute) == NULL) {
		cJSON_Delete(j);
		j = NULL;
	}
	set_json(c, status, j);
}

/* A string member of the body: 0 (present), 1 (absent: *out NULL), or
 * -1 after answering 400. */
static int
body_str(struct ctx *c, const char *key, size_t max, const char **out)
{
	int	 r;

	if ((r = uijson_str(c->body, key, max, out)) == -1)
		fail(c, 400, "bad_request", "a field is not text or is too "
		    "long");
	return (r);
}

/* A login or password change the throttle holds back: 429, and when to
 * try again (Retry-After). */
static void
too_many(struct ctx *c, int64_t wait)
{
	c->ans->retry_after = wait > 0 ? (long)wait : 1;
	fail(c, 429, "too_many_attempts", "too many failed logins: wait "
	    "before trying again");
}

/*
 * POST /api/login {login, password, code}
 */
static void
ep_login(struct ctx *c)
{
	struct account_check chk;
	struct account	 a;
	const char	*login, *pw, *code;
	char		 token[SESSION_TOKEN_HEX + 1];
	char		 csrf[SESSION_TOKEN_HEX + 1];
	int64_t		 wait = 0;
	int		 r;

	if (body_str(c, "login", ACCOUNT_LOGIN_MAX, &login) == -1 ||
	    body_str(c, "password", ACCOUNT_PASSWORD_MAX, &pw) == -1 ||
	    body_str(c, "code", 16, &code) == -1)
		return;
	if (login == NULL || pw == NULL) {
		fail(c, 400, "bad_request", "login and password are required");
		return;
	}
	/* The hash is checked before the transaction (account.h). */
	if ((r = account_login_check(c->n->st, login, pw, c->r->addr, c->now,
	    &chk, &wait)) == ACCOUNT_WAIT) {
		metrics_ui_login(METRICS_LOGIN_THROTTLED);
		too_many(c, wait);
		return;
	}
	if (r == -1 || store_begin(c->n->st) == -1) {
		OPENSSL_cleanse(&chk, sizeof(chk));
		internal(c);
		return;
	}
	r = account_login(c->n->st, login, pw, code, c->r->addr, c->now, &chk,
	    &a, &wait);
	OPENSSL_cleanse(&chk, sizeof(chk));
	switch (r) {
	case ACCOUNT_OK:
		c->acct = a;	/* the entry names the role */
		c->have = true;
		if (session_create(c->n->st, a.login, c->now, token, csrf) ==
		    -1 || audit(c, a.login, "login", "", "", "web", true) == -1)
			goto err;
		break;
	case ACCOUNT_WRONG:
	case ACCOUNT_LOCKED:
		/* The name as typed is recorded only when it is a valid
		 * login: an inspector reads the audit in a terminal. */
		if (audit(c, account_login_valid(login) ? login : "?",
		    "login-failed", "", "", "web", true) == -1 ||
		    (r == ACCOUNT_LOCKED && audit(c, login, "lockout", "", "",
		    "web", true) == -1))
			goto err;
		break;
	case ACCOUNT_WAIT:
		break;
	default:
		goto err;
	}
	if (store_commit(c->n->st) == -1)
		goto err;
	metrics_ui_login(r == ACCOUNT_OK ? METRICS_LOGIN_OK :
	    r == ACCOUNT_WAIT ? METRICS_LOGIN_THROTTLED :
	    r == ACCOUNT_LOCKED ? METRICS_LOGIN_LOCKED : METRICS_LOGIN_WRONG);
	if (r == ACCOUNT_WAIT)
		too_many(c, wait);
	else if (r != ACCOUNT_OK)
		fail(c, 401, "wrong_login", "wrong login or password");
	else {
		set_cookie(c, token);
		answer_session(c, 200, &a, csrf);
	}
	OPENSSL_cleanse(token, sizeof(token));
	return;
err:
	store_rollback(c->n->st);
	internal(c);
}

/* POST /api/logout */
static void
ep_logout(struct ctx *c)
{
	if (store_begin(c->n->st) == -1)
		goto err;
	if (session_end(c->n->st, c->r->token) == -1 ||
	    audit(c, NULL, "logout", "", "", "web", true) == -1 ||
	    store_commit(c->n->st) == -1) {
		store_rollback(c->n->st);
		goto err;
	}
	set_cookie(c, NULL);
	set_json(c, 200, cJSON_CreateObject());
	return;
err:
	internal(c);
}

/* GET /api/me */
static void
ep_me(struct ctx *c)
{
	answer_session(c, 200, &c->acct, c->s.csrf);
}

/* POST /api/password {password, new_password, code} */
static void
ep_password(struct ctx *c)
{
	struct account_check chk;
	struct account	 a;
	const char	*pw, *npw, *code;
	char		 nh[ACCOUNT_HASH_MAX];
	char		 why[256], token[SESSION_TOKEN_HEX + 1];
	char		 csrf[SESSION_TOKEN_HEX + 1];
	int64_t		 wait = 0;
	int		 r;

	if (body_str(c, "password", ACCOUNT_PASSWORD_MAX, &pw) == -1 ||
	    body_str(c, "new_password", ACCOUNT_PASSWORD_MAX + 1, &npw) ==
	    -1 || body_str(c, "code", 16, &code) == -1)
		return;
	if (pw == NULL || npw == NULL) {
		fail(c, 400, "bad_request", "password and new_password are "
		    "required");
		return;
	}
	if (account_password_policy(npw, why, sizeof(why)) == -1) {
		fail(c, 400, "weak_password", why);
		return;
	}
	/* Both hashes, the old password's check and the new one's, are
	 * made before the transaction (account.h). */
	if ((r = account_login_check(c->n->st, c->acct.login, pw, c->r->addr,
	    c->now, &chk, &wait)) == ACCOUNT_WAIT) {
		metrics_ui_login(METRICS_LOGIN_THROTTLED);
		too_many(c, wait);
		return;
	}
	if (r == -1 || (chk.match == 0 &&
	    account_hash(npw, nh, sizeof(nh)) == -1) ||
	    store_begin(c->n->st) == -1) {
		OPENSSL_cleanse(&chk, sizeof(chk));
		internal(c);
		return;
	}
	r = account_login(c->n->st, c->acct.login, pw, code, c->r->addr,
	    c->now, &chk, &a, &wait);
	/* The new hash was made only if the old password matched; a match
	 * found only in the transaction (it changed meanwhile) makes it
	 * there. */
	if (r == ACCOUNT_OK && chk.match != 0 &&
	    account_hash(npw, nh, sizeof(nh)) == -1)
		r = -1;
	OPENSSL_cleanse(&chk, sizeof(chk));
	if (r == ACCOUNT_OK) {
		/* Every session of the account ends; this browser gets a
		 * new one. */
		if (account_set_hash(c->n->st, a.login, nh, false) ==
		    -1 || session_create(c->n->st, a.login, c->now, token,
		    csrf) == -1 || audit(c, NULL, "password", "", "", "web",
		    true) == -1)
			goto err;
		a.must_change = false;
	} else if (r == ACCOUNT_WRONG || r == ACCOUNT_LOCKED) {
		if (audit(c, NULL, "login-failed", "", "", "password change",
		    true) == -1 || (r == ACCOUNT_LOCKED && audit(c, NULL,
		    "lockout", "", "", "web", true) == -1))
			goto err;
	} else if (r != ACCOUNT_WAIT)
		goto err;
	if (store_commit(c->n->st) == -1)
		goto err;
	metrics_ui_login(r == ACCOUNT_OK ? METRICS_LOGIN_OK :
	    r == ACCOUNT_WAIT ? METRICS_LOGIN_THROTTLED :
	    r == ACCOUNT_LOCKED ? METRICS_LOGIN_LOCKED : METRICS_LOGIN_WRONG);
	if (r == ACCOUNT_WAIT)
		too_many(c, wait);
	else if (r != ACCOUNT_OK)
		fail(c, 401, "wrong_login", "wrong login or password");
	else {
		set_cookie(c, token);
		answer_session(c, 200, &a, csrf);
	}
	OPENSSL_cleanse(token, sizeof(token));
	OPENSSL_cleanse(nh, sizeof(nh));
	return;
err:
	store_rollback(c->n->st);
	OPENSSL_cleanse(nh, sizeof(nh));
	internal(c);
}

/*
 * The scope of dossier id for the session's account: with a reason given
 * earlier in this session (break the glass), another centre's dossier is
 * SCOPE_GLASS.  0 / -1.
 */
static int
scope(struct ctx *c, const char *id, enum access_scope *sc)
{
	int	 r;

	if (cli_scope(c->n, &c->acct, id, sc) == -1)
		return (-1);
	if (*sc == SCOPE_OTHER_CENTRE) {
		if ((r = session_glass_has(c->n->st, c->r->token, id)) == -1)
			return (-1);
		if (r == 1)
			*sc = SCOPE_GLASS;
	}
	return (0);
}

/*
 * May the account do action on dossier id?  true, or false after
 * answering (403, with "reason_required" when a reason would open it;
 * the refusal audited).
 */
static bool
allowed(struct ctx *c, const char *id, enum access_action action,
    enum access_scope *sc)
{
	if (scope(c, id, sc) == -1) {
		internal(c);
		return (false);
	}
	if (access_decide(c->acct.role, action, *sc) != ACCESS_DENY)
		return (true);
	(void)audit(c, NULL, "refused", id, "", access_scope_name(*sc),
	    false);
	if (*sc == SCOPE_OTHER_CENTRE && access_decide(c->acct.role, action,
	    SCOPE_GLASS) != ACCESS_DENY)
		fail(c, 403, "reason_required", "this dossier is another "
		    "centre's: give a reason to open it (break the glass)");
	else
		fail(c, 403, "forbidden", "your role may not do this");
	return (false);
}

/*
 * May the account's role do action on any dossier at all?  true, or false
 * after answering 403 "forbidden" (the refusal audited).  Asked before
 * the dossier is looked up, so that a role that may read none (an
 * auditor, an admin, a researcher) cannot tell an id that exists (it was
 * 403) from one that does not (404) by guessing ids, which are the
 * region, the key and a clock (docs/protocol.md).
 */
static bool
role_may(struct ctx *c, const char *id, enum access_action action)
{
	if (access_any(c->acct.role, action))
		return (true);
	(void)audit(c, NULL, "refused", id, "", "", false);
	fail(c, 403, "forbidden", "your role may not do this");
	return (false);
}

/* A dossier id from the path: 36 characters of a UUID, or 404. */
static bool
dossier_id(struct ctx *c, const char *s)
{
	if (fields_uuid_valid(s, strlen(s)))
		return (true);
	fail(c, 404, "not_found", "no such dossier");
	return (false);
}

/*
 * A list of dossiers being read (search, caseload): only those the
 * account may read without a reason, at most max; their ids kept for the
 * audit.
 */
struct reading {
	struct ctx	*c;
	cJSON		*arr;
	char		*ids;		/* max * 37 + 1 */
	size_t		 n, max;
	bool		 more;
	const char	*name, *patr;	/* search: folded prefixes, or NULL */
	int64_t		 days;		/* caseload: overdue after */
};

static int
reading_start(struct ctx *c, struct reading *rd, size_t max)
{
	memset(rd, 0, sizeof(*rd));
	rd->c = c;
	rd->max = max;
	if ((rd->arr = cJSON_CreateArray()) == NULL ||
	    (rd->ids = malloc(max * 37 + 1)) == NULL) {
		cJSON_Delete(rd->arr);
		internal(c);
		return (-1);
	}
	rd->ids[0] = '\0';
	return (0);
}

/*
 * The object of dossier id in the list, when the account may read it
 * without a reason: *o, and 0; 0 with *o NULL when it may not; 1 when the
 * list is full (more); -1.
 */
static int
reading_add(struct reading *rd, const char *id, cJSON **o)
{
	enum access_scope	 sc;

	*o = NULL;
	if (id == NULL || strlen(id) != 36)
		return (0);
	/* The same rule as every read, not only the query's. */
	if (cli_scope(rd->c->n, &rd->c->acct, id, &sc) == -1)
		return (-1);
	if (access_decide(rd->c->acct.role, ACT_READ, sc) != ACCESS_ALLOW)
		return (0);
	if (rd->n == rd->max) {
		rd->more = true;
		return (1);
	}
	if ((*o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(rd->arr, *o);
	memcpy(rd->ids + rd->n * 37, id, 36);
	rd->ids[rd->n * 37 + 36] = ' ';
	rd->n++;
	return (0);
}

/* The list read (r: what the store_ui listing returned) as the answer
 * {"dossiers": [...], "more"}, for run to audit and send. */
static void
reading_end(struct ctx *c, struct reading *rd, int r)
{
	rd->ids[rd->n > 0 ? rd->n * 37 - 1 : 0] = '\0';
	c->out_ids = rd->ids;
	if (r == -1 || (c->out = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToObject(c->out, "dossiers", rd->arr)) {
		cJSON_Delete(rd->arr);
		internal(c);
		return;
	}
	if (cJSON_AddBoolToObject(c->out, "more", rd->more) == NULL)
		internal(c);
}

/* Add the first n columns of row to o under keys.  0 / -1. */
static int
row_strings(cJSON *o, const struct store_ui_row *row,
    const char *const *keys, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (keys[i] != NULL && row->col[i] != NULL &&
		    cJSON_AddStringToObject(o, keys[i], row->col[i]) == NULL)
			return (-1);
	return (0);
}

/* Whether the folded form of s begins with the folded prefix. */
static bool
fold_prefix(const char *s, const char *prefix)
{
	char	 f[2 * LIMIT_NAME + 1];

	if (prefix == NULL)
		return (true);
	if (s == NULL || fields_name_fold(s, strlen(s), f, sizeof(f)) == -1)
		return (false);
	return (strncmp(f, prefix, strlen(prefix)) == 0);
}

/* One person the search found (store_ui_search), kept when the names
 * asked begin its own and the account may read it. */
static int
search_one(const struct store_ui_row *row, void *arg)
{
	static const char *const keys[6] = { "dossier", "surname", "name",
	    "patronymic", "birth_date", "custodian" };
	struct reading	*rd = arg;
	cJSON		*o;
	int		 r;

	if (!fold_prefix(row->col[2], rd->name) ||
	    !fold_prefix(row->col[3], rd->patr))
		return (0);
	if ((r = reading_add(rd, row->col[0], &o)) != 0 || o == NULL)
		return (r);
	return (row_strings(o, row, keys, 6));
}

/* A search argument: NULL when absent or empty; -1 after 400. */
static int
query_arg(struct ctx *c, const char *key, const char **out)
{
	const char	*v = c->r->query(c->r->qarg, key);

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return (0);
	if (strlen(v) > LIMIT_NAME || !fields_utf8_valid(v, strlen(v))) {
		fail(c, 400, "bad_request", "a search field is too long or "
		    "not UTF-8");
		return (-1);
	}
	*out = v;
	return (0);
}

/*
 * GET /api/search?surname=&name=&patronymic=&birth_date=&snils=
 * Names match by the start of their folded form (case, ё/е, spaces and
 * hyphens do not matter); the birth date and SNILS exactly.  Only the
 * dossiers the account may read without a reason, at most
 * UIAPI_SEARCH_MAX; their ids are audited before they are answered.
 */
static void
ep_search(struct ctx *c)
{
	struct store_ui_search	 q;
	struct reading		 rd;
	const char		*surname, *name, *patr, *birth, *snils;
	char			 sn[12], fs[2 * LIMIT_NAME + 2];
	char			 hi[2 * LIMIT_NAME + 3];
	char			 fn[2 * LIMIT_NAME + 1], fp[2 * LIMIT_NAME + 1];
	int			 y, m, d;

	if (query_arg(c, "surname", &surname) == -1 ||
	    query_arg(c, "name", &name) == -1 ||
	    query_arg(c, "patronymic", &patr) == -1 ||
	    query_arg(c, "birth_date", &birth) == -1 ||
	    query_arg(c, "snils", &snils) == -1)
		return;
	if (surname == NULL && name == NULL && patr == NULL &&
	    birth == NULL && snils == NULL) {
		fail(c, 400, "bad_request", "give a surname, name, "
		    "patronymic, birth date or SNILS");
		return;
	}
	if ((snils != NULL && fields_snils_normalize(snils, strlen(snils),
	    sn) == -1) || (birth != NULL && fields_date_parse(birth,
	    strlen(birth), &y, &m, &d) == -1)) {
		fail(c, 400, "bad_request", snils != NULL ? "not a valid "
		    "SNILS, or not a date (YYYY-MM-DD)" : "not a date "
		    "(YYYY-MM-DD)");
		return;
	}
	fn[0] = fp[0] = '\0';
	if ((surname != NULL && fields_name_fold(surname, strlen(surname),
	    fs, sizeof(fs) - 1) == -1) || (name != NULL &&
	    fields_name_fold(name, strlen(name), fn, sizeof(fn)) == -1) ||
	    (patr != NULL && fields_name_fold(patr, strlen(patr), fp,
	    sizeof(fp)) == -1)) {
		fail(c, 400, "bad_request", "a name is too long or not UTF-8");
		return;
	}
	/* Every folded surname beginning with fs sorts in [fs, fs\xf5):
	 * no byte of UTF-8 is 0xf5 or above. */
	if (surname != NULL)
		snprintf(hi, sizeof(hi), "%s\xf5", fs);
	memset(&q, 0, sizeof(q));
	q.snils = snils != NULL ? sn : NULL;
	q.lo = surname != NULL ? fs : NULL;
	q.hi = surname != NULL ? hi : NULL;
	q.birth = birth;
	if (reading_start(c, &rd, UIAPI_SEARCH_MAX) == -1)
		return;
	rd.name = name != NULL ? fn : NULL;
	rd.patr = patr != NULL ? fp : NULL;
	/* Audited (by run) before anything is shown; which fields were
	 * searched, not their values (they are personal data too). */
	reading_end(c, &rd, store_ui_search(c->n->st, &q, search_one, &rd));
}

/*
 * My caseload: the dossiers this region holds that are assigned to the
 * account's centre, with what a curator looks at first.  Days are counted
 * from the last contact (store_ui_caseload), or from the opening of the
 * open episode when there is no event yet.
 */
/* Days since 1970-01-01 of a YYYY-MM-DD date, or -1 (H. Hinnant's
 * days_from_civil). */
static int64_t
date_days(const char *s)
{
	int64_t	 y, era, yoe, doy, doe;
	int	 yy, m, d;

	if (s == NULL || fields_date_parse(s, strlen(s), &yy, &m, &d) == -1)
		return (-1);
	y = yy - (m <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* One dossier of the caseload (store_ui_caseload), kept when the account
 * may read it. */
static int
caseload_one(const struct store_ui_row *row, void *arg)
{
	static const char *const keys[6] = { "dossier", "surname", "name",
	    "patronymic", "birth_date", "centre" };
	struct reading	*rd = arg;
	cJSON		*o;
	int64_t		 today = rd->c->now / 86400, from, since;
	int		 r;

	if ((r = reading_add(rd, row->col[0], &o)) != 0 || o == NULL)
		return (r);
	if (row_strings(o, row, keys, 6) == -1 ||
	    (row->col[6] != NULL && cJSON_AddStringToObject(o,
	    "episode_opened", row->col[6]) == NULL) ||
	    (row->col[7] != NULL && cJSON_AddStringToObject(o,
	    "last_contact", row->col[7]) == NULL))
		return (-1);
	from = date_days(row->col[6]);
	if (date_days(row->col[7]) != -1)
		from = date_days(row->col[7]);
	since = from != -1 && today >= from ? today - from : -1;
	if ((since != -1 && cJSON_AddNumberToObject(o, "days_since",
	    (double)since) == NULL) ||
	    cJSON_AddBoolToObject(o, "overdue", since > rd->days) == NULL ||
	    cJSON_AddNumberToObject(o, "conflicts", (double)row->num[8]) ==
	    NULL || cJSON_AddNumberToObject(o, "late_notes",
	    (double)row->num[9]) == NULL)
		return (-1);
	return (0);
}

/* GET /api/caseload?days=N: the account's centre's dossiers (docs/api.md). */
static void
ep_caseload(struct ctx *c)
{
	const char	*days_s = c->r->query(c->r->qarg, "days");
	struct reading	 rd;
	int64_t		 days = UIAPI_OVERDUE_DEFAULT;

	if (c->acct.centre[0] == '\0') {
		fail(c, 403, "forbidden", "your account belongs to no centre");
		return;
	}
	if (days_s != NULL && days_s[0] != '\0' && num_parse_str(days_s, 1,
	    UIAPI_OVERDUE_MAX, &days) == -1) {
		fail(c, 400, "bad_request", "days is a number of days from 1 "
		    "to 3650");
		return;
	}
	if (reading_start(c, &rd, UIAPI_CASELOAD_MAX) == -1)
		return;
	rd.days = days;
	reading_end(c, &rd, store_ui_caseload(c->n->st, c->acct.centre,
	    c->n->cfg.region, caseload_one, &rd));
	if (c->out != NULL && c->ans->status == 0 &&
	    cJSON_AddNumberToObject(c->out, "days", (double)days) == NULL)
		internal(c);
}

/* GET /api/dossiers/ID: the card, entries and linked dossiers. */
static void
ep_show(struct ctx *c, const char *id)
{
	struct dossier		*d = NULL;
	enum access_scope	 sc;
	char			(*ids)[37] = NULL;
	size_t			 nids = 0, k;
	cJSON			*j = NULL, *a;
	int			 r;

	if (!dossier_id(c, id) || !role_may(c, id, ACT_READ))
		return;
	if ((r = view_load(c->n->st, id, &d)) == 1) {
		fail(c, 404, "not_found", "no such dossier");
		return;
	}
	if (r != 0) {
		internal(c);
		return;
	}
	if (!allowed(c, id, ACT_READ, &sc))
		goto out;
	if (view_linked(c->n->st, d->id, &ids, &nids) == -1 ||
	    (j = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToObject(j, "dossier", view_json(d)) ||
	    cJSON_GetObjectItem(j, "dossier") == NULL ||
	    cJSON_AddStringToObject(j, "scope", access_scope_name(sc)) ==
	    NULL || (a = cJSON_AddArrayToObject(j, "linked")) == NULL)
		goto err;
	for (k = 0; k < nids; k++)
		cJSON_AddItemToArray(a, cJSON_CreateString(ids[k]));
	if (audit(c, NULL, "read", id, "", access_scope_name(sc), false) ==
	    -1) {
		fail(c, 500, "audit", "the read cannot be recorded in the "
		    "audit, so it is refused");
		goto out;
	}
	set_json(c, 200, j);
	j = NULL;
	goto out;
err:
	internal(c);
out:
	cJSON_Delete(j);
	free(ids);
	dossier_free(d);
}

/* What ep_history gathers while it walks a dossier's changes. */
struct history {
	cJSON	*arr;
	char	*cur[PF_COUNT];		/* each field's value so far */
};

/* One change of a field into h->arr: create, set or a conflict's
 * resolution, with the value it replaced.  0 / -1. */
static int
history_add(struct history *h, const struct change *c, const char *kind,
    int f, const char *value)
{
	cJSON	*o;
	char	 hlc[17];
	char	*v;

	hlc_format(c->hlc, hlc);
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(h->arr, o);
	if (cJSON_AddStringToObject(o, "field", op_field_name(f)) == NULL ||
	    cJSON_AddStringToObject(o, "kind", kind) == NULL ||
	    (h->cur[f] != NULL && cJSON_AddStringToObject(o, "old",
	    h->cur[f]) == NULL) ||
	    cJSON_AddStringToObject(o, "value", value) == NULL ||
	    cJSON_AddStringToObject(o, "region", c->region) == NULL ||
	    cJSON_AddStringToObject(o, "user", c->user != NULL ? c->user :
	    "") == NULL || cJSON_AddStringToObject(o, "hlc", hlc) == NULL ||
	    cJSON_AddStringToObject(o, "change", c->id) == NULL ||
	    (v = strdup(value)) == NULL)
		return (-1);
	free(h->cur[f]);
	h->cur[f] = v;
	return (0);
}

static int
history_one(const struct store_row *row, void *arg)
{
	struct history	*h = arg;
	struct change	*c = NULL;
	const struct op	*op;
	char		 why[256];
	size_t		 i;
	int		 f, rc = -1;

	if (change_decode(row->bytes, row->len, &c, why, sizeof(why)) != 0) {
		log_warnx("web history: change %.12s cannot be read", row->id);
		return (-1);
	}
	for (i = 0; i < c->nops; i++) {
		op = &c->ops[i];
		if (op->kind == OP_PERSON_CREATE) {
			for (f = 0; f < PF_COUNT; f++)
				if (op->person[f] != NULL && history_add(h, c,
				    "create", f, op->person[f]) == -1)
					goto out;
		} else if ((op->kind == OP_PERSON_SET ||
		    op->kind == OP_CONFLICT_RESOLVE) && op->field >= 0 &&
		    op->field < PF_COUNT && op->arg[OA_VALUE] != NULL &&
		    history_add(h, c, op->kind == OP_PERSON_SET ? "set" :
		    "resolve", op->field, op->arg[OA_VALUE]) == -1)
			goto out;
	}
	rc = 0;
out:
	change_free(c);
	return (rc);
}

/*
 * GET /api/dossiers/ID/history: every change of the card's fields in the
 * log's total order (HLC, key, id), each with the value it replaced, the
 * region and account that wrote it and when.  Read as the dossier is
 * (allowed), audited as a read ("history").
 */
static void
ep_history(struct ctx *c, const char *id)
{
	struct history		 h;
	enum access_scope	 sc;
	cJSON			*j = NULL;
	int			 r, f;

	memset(&h, 0, sizeof(h));
	if (!dossier_id(c, id) || !role_may(c, id, ACT_READ))
		return;
	if ((r = store_has_dossier(c->n->st, id)) != 1) {
		if (r == 0)
			fail(c, 404, "not_found", "no such dossier");
		else
			internal(c);
		return;
	}
	if (!allowed(c, id, ACT_READ, &sc))
		return;
	if ((h.arr = cJSON_CreateArray()) == NULL ||
	    store_each_change(c->n->st, id, history_one, &h) != 0)
		goto err;
	if (audit(c, NULL, "read", id, "", "history", false) == -1) {
		fail(c, 500, "audit", "the read cannot be recorded in the "
		    "audit, so it is refused");
		goto out;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToObject(j, "fields", h.arr)) {
		cJSON_Delete(j);
		goto err;
	}
	h.arr = NULL;
	set_json(c, 200, j);
	goto out;
err:
	internal(c);
out:
	cJSON_Delete(h.arr);
	for (f = 0; f < PF_COUNT; f++)
		free(h.cur[f]);
}

/* POST /api/dossiers/ID/glass {reason}: break the glass for the rest of
 * the session. */
static void
ep_glass(struct ctx *c, const char *id)
{
	enum access_scope	 sc;
	const char		*reason;
	int			 r;

	if (!dossier_id(c, id) || !role_may(c, id, ACT_READ) ||
	    body_str(c, "reason", UIAPI_REASON_MAX, &reason) == -1)
		return;
	if (reason == NULL || !fields_text_valid(reason, strlen(reason),
	    UIAPI_REASON_MAX, false) || strlen(reason) < UIAPI_REASON_MIN) {
		fail(c, 400, "bad_request", "say why you open this dossier "
		    "(5 to 500 bytes of text)");
		return;
	}
	if ((r = store_has_dossier(c->n->st, id)) != 1) {
		if (r == 0)
			fail(c, 404, "not_found", "no such dossier");
		else
			internal(c);
		return;
	}
	if (scope(c, id, &sc) == -1) {
		internal(c);
		return;
	}
	if (sc != SCOPE_OTHER_CENTRE || access_decide(c->acct.role, ACT_READ,
	    SCOPE_GLASS) == ACCESS_DENY) {
		if (sc == SCOPE_OWN || sc == SCOPE_GLASS)
			fail(c, 409, "not_needed", "you may already open this "
			    "dossier");
		else
			fail(c, 403, "forbidden", "your role may not open "
			    "this dossier, even with a reason");
		return;
	}
	if (store_begin(c->n->st) == -1)
		goto err;
	if (session_glass_grant(c->n->st, c->r->token, id, reason, c->now) ==
	    -1 || audit(c, NULL, "break-the-glass", id, reason, "web",
	    true) == -1 || store_commit(c->n->st) == -1) {
		store_rollback(c->n->st);
		goto err;
	}
	set_json(c, 200, cJSON_CreateObject());
	return;
err:
	internal(c);
}

/*
 * POST /api/dossiers/ID/assign {centre}: the centre whose curators follow
 * the dossier ('opora assign'): a supervisor's decision, local to this
 * node, audited in its own transaction.
 */
static void
ep_assign(struct ctx *c, const char *id)
{
	enum access_scope	 sc;
	const char		*centre;
	int			 r;

	if (!dossier_id(c, id) || !role_may(c, id, ACT_DECIDE) ||
	    body_str(c, "centre", ACCOUNT_CENTRE_MAX, &centre) == -1)
		return;
	if (centre == NULL || centre[0] == '\0' ||
	    !fields_text_valid(centre, strlen(centre), ACCOUNT_CENTRE_MAX,
	    false)) {
		fail(c, 400, "invalid", "--centre is required");
		return;
	}
	if ((r = store_has_dossier(c->n->st, id)) != 1) {
		if (r == 0)
			fail(c, 404, "not_found", "no such dossier");
		else
			internal(c);
		return;
	}
	if (!allowed(c, id, ACT_DECIDE, &sc))
		return;
	if (store_begin(c->n->st) == -1)
		goto err;
	if (account_assign(c->n->st, id, centre, c->now) == -1 ||
	    audit(c, NULL, "assign", id, "", centre, true) == -1 ||
	    store_commit(c->n->st) == -1) {
		store_rollback(c->n->st);
		goto err;
	}
	set_json(c, 201, cJSON_CreateObject());
	return;
err:
	internal(c);
}

/* The body's member named as the CLI's flag (cli_record_build). */
static const char *
form_val(void *arg, const char *flag, size_t i)
{
	const cJSON	*m;

	(void)i;
	m = cJSON_GetObjectItemCaseSensitive(arg, flag);
	return (cJSON_IsString(m) ? m->valuestring : NULL);
}

/*
 * POST /api/persons (person add) and POST /api/dossiers/ID/FAMILY/VERB
 * (every other record command): the body's members are the CLI's flags
 * ("birth-date", "text", ...), "entry" the entry an amend, retract, close
 * or withdraw names, "force" registers despite a possible duplicate.
 */
static void
ep_record(struct ctx *c, const char *id, const char *family,
    const char *verb)
{
	struct cli_record	 rec;
	struct audit_entry	 e;
	struct dossier		*d = NULL;
	struct view_dup		*dups = NULL;
	enum access_scope	 sc = SCOPE_OWN;
	const char		*entry;
	const cJSON		*m;
	char			 nid[37], did[37], cid[CHANGE_ID_HEX + 1];
	char			 why[512], shown[512], what[64], key[VIEW_NAME_KEY];
	char			 ent[CHANGE_ID_HEX + 16];
	size_t			 nd = 0, k;
	cJSON			*j, *a;
	int			 r;
	bool			 create = id == NULL;

	rec.family = family;
	rec.verb = verb;
	for (m = c->body->child; m != NULL; m = m->next)
		if (!cJSON_IsString(m) && strcmp(m->string, "force") != 0) {
			fail(c, 400, "bad_request", "every field is text");
			return;
		}
	/* person add is POST /api/persons only. */
	if ((r = cli_record_build(&rec, form_val, c->body, why,
	    sizeof(why))) == 1 || create != (strcmp(family, "person") == 0 &&
	    strcmp(verb, "add") == 0)) {
		fail(c, 404, "not_found", "no such endpoint");
		return;
	}
	if (r != 0) {
		fail(c, 400, "invalid", why);
		return;
	}
	if (body_str(c, "entry", 80, &entry) == -1)
		return;
	if (create) {
		if (access_decide(c->acct.role, ACT_WRITE, SCOPE_OWN) ==
		    ACCESS_DENY) {
			fail(c, 403, "forbidden", "your role may not do this");
			return;
		}
		if (node_new_uuid(nid) == -1)
			goto err;
		id = nid;
	} else {
		if (!dossier_id(c, id) || !role_may(c, id, ACT_WRITE))
			return;
		if ((r = view_load(c->n->st, id, &d)) == 1) {
			fail(c, 404, "not_found", "no such dossier");
			return;
		}
		if (r != 0)
			goto err;
		if (!allowed(c, id, ACT_WRITE, &sc))
			goto out;
	}
	if (rec.ref != DT_COUNT) {
		if (entry == NULL || dossier_find(d, rec.ref, entry) == NULL) {
			fail(c, 404, "no_entry", "no such entry in this "
			    "dossier");
			goto out;
		}
		rec.ops[0].arg[OA_REF] = dossier_find(d, rec.ref,
		    entry)->col[COL_ID];
	}
	if (create && !uijson_bool(c->body, "force")) {
		view_name_key(rec.ops[0].person[PF_SURNAME],
		    rec.ops[0].person[PF_NAME],
		    rec.ops[0].person[PF_BIRTH_DATE], key);
		if (view_duplicates_of(c->n->st, NULL,
		    rec.ops[0].person[PF_SNILS], key, &dups, &nd) == -1)
			goto err;
		if (nd > 0) {
			if ((j = cJSON_CreateObject()) == NULL ||
			    (a = cJSON_AddObjectToObject(j, "error")) ==
			    NULL ||
			    cJSON_AddStringToObject(a, "code", "duplicate") ==
			    NULL || cJSON_AddStringToObject(a, "message",
			    "this person may already be registered; send "
			    "\"force\": true if it is someone else") == NULL ||
			    (a = cJSON_AddArrayToObject(j, "dossiers")) ==
			    NULL) {
				cJSON_Delete(j);
				goto err;
			}
			for (k = 0; k < nd; k++)
				cJSON_AddItemToArray(a,
				    cJSON_CreateString(dups[k].id));
			/* The answer tells the account of dossiers it may
			 * not read (another centre's, found by SNILS or by
			 * name and birth date): on record with their ids,
			 * as a search is, or not given. */
			if (dup_audit(c, dups, nd) == -1) {
				cJSON_Delete(j);
				fail(c, 500, "audit", "the answer cannot be "
				    "recorded in the audit, so it is refused");
				goto out;
			}
			set_json(c, 409, j);
			goto out;
		}
	}
	snprintf(what, sizeof(what), "%s %s", family, verb);
	memset(&e, 0, sizeof(e));
	e.login = c->acct.login;
	e.role = access_role_name(c->acct.role);
	e.os_user = "";
	e.addr = c->r->addr;
	e.action = what;
	e.reason = "";
	snprintf(c->n->user, sizeof(c->n->user), "%s", c->acct.login);
	r = cli_write(c->n, id, rec.ops, rec.nops, c->acct.centre, &e, did,
	    cid, why, sizeof(why));
	if (r == CLI_WRITE_NODOSSIER) {
		fail(c, 404, "not_found", "no such dossier");
		goto out;
	}
	if (r == CLI_WRITE_REFUSED) {
		fail(c, 400, "invalid", unquoted(cli_why(why), shown,
		    sizeof(shown)));
		goto out;
	}
	if (r != 0)
		goto err;
	if (rec.print >= 0)
		snprintf(ent, sizeof(ent), "%s/%d", cid, rec.print);
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "dossier", did) == NULL ||
	    cJSON_AddStringToObject(j, "change", cid) == NULL ||
	    (rec.print >= 0 && cJSON_AddStringToObject(j, "entry", ent) ==
	    NULL)) {
		cJSON_Delete(j);
		goto err;
	}
	set_json(c, 201, j);
	goto out;
err:
	internal(c);
out:
	free(dups);
	dossier_free(d);
}

/*
 * Make the change of op on dossier id as the session's account, who must
 * be allowed action on it (judged, refused and audited by allowed()), and
 * answer 201 {dossier, change}; the write is audited as what in its own
 * transaction (cli_write, as the CLI writes).
 */
static void
write_op(struct ctx *c, const char *id, const struct op *op,
    enum access_action action, const char *what)
{
	struct audit_entry	 e;
	enum access_scope	 sc;
	char			 did[37], cid[CHANGE_ID_HEX + 1], why[512],
				 shown[512];
	cJSON			*j;
	int			 r;

	if (!allowed(c, id, action, &sc))
		return;
	write_entry(c, &e, what, "");
	snprintf(c->n->user, sizeof(c->n->user), "%s", c->acct.login);
	r = cli_write(c->n, id, op, 1, NULL, &e, did, cid, why, sizeof(why));
	if (r == CLI_WRITE_NODOSSIER) {
		fail(c, 404, "not_found", "no such dossier");
		return;
	}
	if (r == CLI_WRITE_REFUSED) {
		fail(c, 409, "refused", unquoted(cli_why(why), shown,
		    sizeof(shown)));
		return;
	}
	if (r != 0) {
		internal(c);
		return;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "dossier", did) == NULL ||
	    cJSON_AddStringToObject(j, "change", cid) == NULL) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, 201, j);
}

/* Answer {key: arr}, audited with the dossiers it names.  Takes arr. */
static void
answer_list(struct ctx *c, const char *key, cJSON *arr)
{
	if (arr == NULL || (c->out_ids = cli_json_dossiers(arr)) == NULL ||
	    (c->out = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToObject(c->out, key, arr)) {
		cJSON_Delete(arr);	/* not in c->out */
		internal(c);
	}
}

/* GET /api/transfers?direction=incoming|outgoing */
static void
ep_transfers(struct ctx *c)
{
	const char	*dir = c->r->query(c->r->qarg, "direction");
	int		 which = 0;

	if (dir != NULL && strcmp(dir, "incoming") == 0)
		which = 1;
	else if (dir != NULL && strcmp(dir, "outgoing") == 0)
		which = 2;
	else if (dir != NULL && dir[0] != '\0') {
		fail(c, 400, "bad_request", "direction is incoming or "
		    "outgoing");
		return;
	}
	answer_list(c, "transfers", cli_transfers_json(c->n, which));
}

/* GET /api/conflicts?all=1 */
static void
ep_conflicts(struct ctx *c)
{
	const char	*all = c->r->query(c->r->qarg, "all");

	answer_list(c, "conflicts", cli_conflicts_json(c->n, all != NULL &&
	    strcmp(all, "1") == 0));
}

/* The dossier of the entry id (exact) of what: 0, 1 after 404, -1
 * after 500. */
static int
entry_dossier(struct ctx *c, enum store_ui_entry what, const char *id,
    char dossier[37])
{
	int	 r;

	if ((r = store_ui_entry_dossier(c->n->st, what, id, dossier)) == 1)
		fail(c, 404, "not_found", "no such entry");
	else if (r == -1)
		internal(c);
	return (r);
}

/* POST /api/dossiers/ID/transfer/offer {to, reason} */
static void
ep_offer(struct ctx *c, const char *id)
{
	struct op	 op;
	const char	*to, *reason;

	if (!dossier_id(c, id) || body_str(c, "to", 16, &to) == -1 ||
	    body_str(c, "reason", UIAPI_REASON_MAX, &reason) == -1)
		return;
	if (to == NULL || reason == NULL) {
		fail(c, 400, "invalid", "to and reason are required");
		return;
	}
	memset(&op, 0, sizeof(op));
	op.kind = OP_TRANSFER_OFFER;
	op.field = -1;
	op.arg[OA_TO] = to;
	op.arg[OA_REASON] = reason;
	write_op(c, id, &op, ACT_DECIDE, "transfer offer");
}

/* POST /api/transfers/ID/accept|decline|cancel {reason} and
 * POST /api/conflicts/ID/resolve {keep} or {keep_winner: true}: ID is
 * the path's segments between the first and the last. */
static void
ep_entry(struct ctx *c, bool transfer)
{
	struct dossier	*d = NULL;
	struct op	 op;
	const char	*verb = c->seg[c->nseg - 1], *reason, *keep;
	char		 id[UIAPI_SEGMENTS * (UIAPI_SEGMENT_MAX + 1)];
	char		 dossier[37], what[40], norm[16];
	size_t		 n = 0;
	int		 i, r;

	for (i = 1; i < c->nseg - 1; i++)
		n += (size_t)snprintf(id + n, sizeof(id) - n, "%s%s",
		    i > 1 ? "/" : "", c->seg[i]);
	memset(&op, 0, sizeof(op));
	op.field = -1;
	if (transfer) {
		if (strcmp(verb, "accept") == 0)
			op.kind = OP_TRANSFER_ACCEPT;
		else if (strcmp(verb, "decline") == 0)
			op.kind = OP_TRANSFER_DECLINE;
		else if (strcmp(verb, "cancel") == 0)
			op.kind = OP_TRANSFER_CANCEL;
		else {
			fail(c, 404, "not_found", "no such endpoint");
			return;
		}
		if (body_str(c, "reason", UIAPI_REASON_MAX, &reason) == -1)
			return;
		if (op.kind == OP_TRANSFER_DECLINE && reason == NULL) {
			fail(c, 400, "invalid", "a reason is required");
			return;
		}
		if (entry_dossier(c, STORE_UI_TRANSFER, id, dossier) != 0)
			return;
		op.arg[OA_REF] = id;
		op.arg[OA_REASON] = reason;
		snprintf(what, sizeof(what), "transfer %s", verb);
		write_op(c, dossier, &op, ACT_DECIDE, what);
		return;
	}
	if (strcmp(verb, "resolve") != 0) {
		fail(c, 404, "not_found", "no such endpoint");
		return;
	}
	if (body_str(c, "keep", LIMIT_TEXT, &keep) == -1)
		return;
	if ((keep == NULL) == !uijson_bool(c->body, "keep_winner")) {
		fail(c, 400, "invalid", "give either keep or keep_winner");
		return;
	}
	if (entry_dossier(c, STORE_UI_CONFLICT, id, dossier) != 0)
		return;
	if ((r = view_load(c->n->st, dossier, &d)) != 0 ||
	    (r = cli_conflict_op(d, id, keep, &op, norm)) == -1)
		internal(c);
	else if (r == 1)
		fail(c, 409, "closed", "the conflict is no longer open");
	else
		write_op(c, dossier, &op, ACT_DECIDE, "conflicts resolve");
	dossier_free(d);
}

/* --- Possible duplicates (supervisors) ------------------------------ */

/* Add the card as store_ui_person hands it to the object arg. */
static int
person_cols(const char *const *col, void *arg)
{
	int	 i;

	for (i = 0; i < STORE_UI_PERSON_COLS; i++)
		if (col[i] != NULL && cJSON_AddStringToObject(arg,
		    store_ui_person_cols[i], col[i]) == NULL)
			return (-1);
	return (0);
}

/* The card of dossier id as {dossier, surname, ...}, added to arr (only
 * the id when the person is not held here).  0 / -1. */
static int
dup_person(struct ctx *c, cJSON *arr, const char *id)
{
	cJSON	*o;

	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(arr, o);
	if (cJSON_AddStringToObject(o, "dossier", id) == NULL)
		return (-1);
	return (store_ui_person(c->n->st, id, person_cols, o) == -1 ? -1 : 0);
}

/* Add both cards of the pair object o (members dossier and other) as
 * its member "people".  0 / -1. */
static int
pair_people(struct ctx *c, cJSON *o)
{
	cJSON	*people;

	if ((people = cJSON_AddArrayToObject(o, "people")) == NULL ||
	    dup_person(c, people, cJSON_GetObjectItemCaseSensitive(o,
	    "dossier")->valuestring) == -1 || dup_person(c, people,
	    cJSON_GetObjectItemCaseSensitive(o, "other")->valuestring) == -1)
		return (-1);
	return (0);
}

/* The ids of the pairs of arr (members dossier and other), space
 * separated, for the audit: malloc'd, or NULL. */
static char *
pair_ids(const cJSON *arr)
{
	const cJSON	*o;
	char		*ids;
	size_t		 len = 0;

	if ((ids = malloc((size_t)cJSON_GetArraySize(arr) * 2 * 37 + 1)) ==
	    NULL)
		return (NULL);
	ids[0] = '\0';
	cJSON_ArrayForEach(o, arr)
		len += (size_t)snprintf(ids + len, 2 * 37 + 1, "%s%s %s",
		    len > 0 ? " " : "", cJSON_GetObjectItemCaseSensitive(o,
		    "dossier")->valuestring,
		    cJSON_GetObjectItemCaseSensitive(o, "other")->valuestring);
	return (ids);
}

/* Answer {"pairs": arr, "more": more}, each pair with both cards,
 * audited with both ids of every pair.  Takes arr. */
static void
answer_pairs(struct ctx *c, cJSON *arr, bool more)
{
	cJSON	*o;

	if ((c->out_ids = pair_ids(arr)) == NULL)
		goto err;
	cJSON_ArrayForEach(o, arr)
		if (pair_people(c, o) == -1)
			goto err;
	if ((c->out = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToObject(c->out, "pairs", arr))
		goto err;
	if (cJSON_AddBoolToObject(c->out, "more", more) == NULL)
		internal(c);
	return;
err:
	cJSON_Delete(arr);
	internal(c);
}

/*
 * GET /api/duplicates (supervisors): the pairs 'opora duplicates' lists
 * (cli_duplicates_json), at most UIAPI_DUP_MAX, each with both cards side
 * by side; audited as 'duplicates' with the ids shown.
 */
static void
ep_duplicates(struct ctx *c)
{
	cJSON	*arr;
	char	*ids = NULL;
	bool	 more;

	if ((arr = cli_duplicates_json(c->n, &ids)) == NULL) {
		internal(c);
		return;
	}
	free(ids);
	more = cJSON_GetArraySize(arr) > UIAPI_DUP_MAX;
	while (cJSON_GetArraySize(arr) > UIAPI_DUP_MAX)
		cJSON_DeleteItemFromArray(arr, UIAPI_DUP_MAX);
	answer_pairs(c, arr, more);
}

/* One pair of store_ui_dismissed_each / store_ui_linked_each into the
 * array arg; 1 (stop) past UIAPI_DUP_MAX. */
static int
pair_one(const struct store_ui_pair *p, void *arg)
{
	cJSON	*o;
	char	 e[ESC_LONG];

	if (cJSON_GetArraySize(arg) == UIAPI_DUP_MAX)
		return (1);
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(arg, o);
	/* The reason is a person's words: escaped as the CLI shows it. */
	if (cJSON_AddStringToObject(o, "dossier", p->dossier) == NULL ||
	    cJSON_AddStringToObject(o, "other", p->other) == NULL ||
	    cJSON_AddStringToObject(o, "by", esc_str(nz(p->by), e,
	    sizeof(e))) == NULL || cJSON_AddStringToObject(o, "reason",
	    esc_str(nz(p->reason), e, sizeof(e))) == NULL ||
	    (p->at > 0 && cJSON_AddNumberToObject(o, "at",
	    (double)p->at) == NULL) ||
	    (p->hlc != NULL && cJSON_AddStringToObject(o, "hlc", p->hlc) ==
	    NULL) || (p->halves > 0 && cJSON_AddBoolToObject(o, "in_force",
	    p->halves > 1) == NULL))
		return (-1);
	return (0);
}

/*
 * GET /api/duplicates/dismissed and GET /api/duplicates/linked
 * (supervisors): the pairs said to be two people ('opora duplicates
 * dismissed'), or linked as one ('opora link', not undone), at most
 * UIAPI_DUP_MAX, each with both cards; audited with the ids shown.
 */
static void
ep_pairs(struct ctx *c, int (*each)(struct store *, store_ui_pair_fn,
    void *))
{
	cJSON	*arr;
	int	 r;

	if ((arr = cJSON_CreateArray()) == NULL ||
	    (r = each(c->n->st, pair_one, arr)) == -1) {
		cJSON_Delete(arr);
		internal(c);
		return;
	}
	answer_pairs(c, arr, r == 1);
}

static void
ep_dismissed(struct ctx *c)
{
	ep_pairs(c, store_ui_dismissed_each);
}

static void
ep_linked(struct ctx *c)
{
	ep_pairs(c, store_ui_linked_each);
}

/*
 * The two dossiers of a pair request {dossier, other, reason}: both ids,
 * held here, and the account may decide on both (refusals audited).
 * reason NULL: the request has none (undismiss).
 * true, or false after answering.
 */
static bool
pair_body(struct ctx *c, const char **a, const char **b,
    const char **reason)
{
	enum access_scope	 sc;
	const char		*id[2];
	int			 i, r;

	if (body_str(c, "dossier", 36, &id[0]) == -1 ||
	    body_str(c, "other", 36, &id[1]) == -1 ||
	    (reason != NULL &&
	    body_str(c, "reason", LIMIT_REASON, reason) == -1))
		return (false);
	for (i = 0; i < 2; i++)
		if (id[i] == NULL || !fields_uuid_valid(id[i],
		    strlen(id[i]))) {
			fail(c, 400, "bad_request", "dossier and other are "
			    "dossier ids");
			return (false);
		}
	if (reason != NULL && (*reason == NULL || (*reason)[0] == '\0')) {
		fail(c, 400, "invalid", "--reason is required");
		return (false);
	}
	if (strcmp(id[0], id[1]) == 0) {
		fail(c, 400, "invalid", "both names are the same dossier");
		return (false);
	}
	for (i = 0; i < 2; i++) {
		if ((r = store_has_dossier(c->n->st, id[i])) != 1) {
			if (r == 0)
				fail(c, 404, "not_found", "no such dossier");
			else
				internal(c);
			return (false);
		}
		if (!allowed(c, id[i], ACT_DECIDE, &sc))
			return (false);
	}
	*a = id[0];
	*b = id[1];
	return (true);
}

/* Answer status with {"pair":[A,B]} from pair, "A B" (cli_dismiss). */
static void
pair_answer(struct ctx *c, int status, char pair[80])
{
	cJSON	*j, *arr;

	pair[36] = '\0';
	if ((j = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(j, "pair")) == NULL ||
	    !cJSON_AddItemToArray(arr, cJSON_CreateString(pair)) ||
	    !cJSON_AddItemToArray(arr, cJSON_CreateString(pair + 37))) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, status, j);
}

/* POST /api/duplicates/dismiss {dossier, other, reason}: not the same
 * person, as 'opora duplicates dismiss' (cli_dismiss). */
static void
ep_dismiss(struct ctx *c)
{
	struct audit_entry	 e;
	const char		*a, *b, *reason;
	char			 pair[80];

	if (!pair_body(c, &a, &b, &reason))
		return;
	write_entry(c, &e, "duplicates dismiss", "web");
	switch (cli_dismiss(c->n, a, b, reason, c->acct.login, &e, pair)) {
	case 0:
		break;
	case 1:
		fail(c, 400, "invalid", "--reason: empty, longer than the "
		    "limit or not UTF-8");
		return;
	case 2:
		fail(c, 400, "invalid", "both names are the same dossier");
		return;
	case -2:
		fail(c, 500, "audit", "the statement cannot be recorded in "
		    "the audit, so nothing was written");
		return;
	default:
		internal(c);
		return;
	}
	pair_answer(c, 201, pair);
}

/* POST /api/duplicates/undismiss {dossier, other}: withdraw a statement
 * that the two are not the same person, as 'opora duplicates undismiss'
 * (cli_undismiss).  200 {pair}, 404 not_dismissed. */
static void
ep_undismiss(struct ctx *c)
{
	struct audit_entry	 e;
	const char		*a, *b;
	char			 pair[80];

	if (!pair_body(c, &a, &b, NULL))
		return;
	write_entry(c, &e, "duplicates undismiss", "web");
	switch (cli_undismiss(c->n, a, b, &e, pair)) {
	case 0:
		break;
	case 2:
		fail(c, 400, "invalid", "both names are the same dossier");
		return;
	case 3:
		fail(c, 404, "not_dismissed", "these two were not marked as "
		    "different people");
		return;
	case -2:
		fail(c, 500, "audit", "the withdrawal cannot be recorded in "
		    "the audit, so nothing was written");
		return;
	default:
		internal(c);
		return;
	}
	pair_answer(c, 200, pair);
}

/*
 * POST /api/duplicates/link {dossier, other, reason}: the same person, as
 * 'opora link': this node writes the halves whose custodian it is
 * (cli_link_plan), each a change audited as 'link' in its transaction.
 */
static void
ep_link(struct ctx *c)
{
	struct dossier		*d[2] = { NULL, NULL };
	struct audit_entry	 e;
	struct op		 op;
	const char		*id[2], *reason;
	char			 did[37], cid[CHANGE_ID_HEX + 1], why[512],
				 shown[512];
	cJSON			*j = NULL, *ch, *wait;
	bool			 write[2];
	int			 i, r;

	if (!pair_body(c, &id[0], &id[1], &reason))
		return;
	for (i = 0; i < 2; i++)
		if (view_load(c->n->st, id[i], &d[i]) != 0)
			goto err;
	switch (cli_link_plan(c->n, d, write)) {
	case 0:
		break;
	case 1:
		fail(c, 409, "refused", "these dossiers are already linked");
		goto out;
	case 2:
		fail(c, 409, "refused", "this region has already linked its "
		    "dossier; the link takes effect when the custodian of the "
		    "other links it back");
		goto out;
	default:
		fail(c, 409, "refused", "only the custodian of one of the "
		    "dossiers may link them");
		goto out;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    (ch = cJSON_AddArrayToObject(j, "changes")) == NULL ||
	    (wait = cJSON_AddArrayToObject(j, "waiting_for")) == NULL)
		goto err;
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_LINK;
	op.field = -1;
	op.arg[OA_REASON] = reason;
	snprintf(c->n->user, sizeof(c->n->user), "%s", c->acct.login);
	for (i = 0; i < 2; i++) {
		if (!write[i]) {
			if (dossier_linked(d[i], d[1 - i]->id) == NULL &&
			    !cJSON_AddItemToArray(wait,
			    cJSON_CreateString(d[i]->custodian)))
				goto err;
			continue;
		}
		write_entry(c, &e, "link", "");
		op.arg[OA_OTHER] = d[1 - i]->id;
		r = cli_write(c->n, d[i]->id, &op, 1, NULL, &e, did, cid, why,
		    sizeof(why));
		if (r == CLI_WRITE_REFUSED) {
			fail(c, 409, "refused", unquoted(cli_why(why), shown,
		    sizeof(shown)));
			goto out;
		}
		if (r != 0 || !cJSON_AddItemToArray(ch,
		    cJSON_CreateString(cid)))
			goto err;
	}
	set_json(c, 201, j);
	j = NULL;
	goto out;
err:
	internal(c);
out:
	cJSON_Delete(j);
	dossier_free(d[0]);
	dossier_free(d[1]);
}

/*
 * POST /api/duplicates/unlink {dossier, other, reason}: the two are not
 * the same person after all, as 'opora unlink': this node undoes the
 * halves of the link whose dossier it is custodian of (undoing either
 * half ends the link), each a change audited as 'unlink' in its
 * transaction.  201 {changes}.
 */
static void
ep_unlink(struct ctx *c)
{
	struct dossier		*d[2] = { NULL, NULL };
	struct dossier_row	*row[2];
	struct audit_entry	 e;
	struct op		 op;
	const char		*id[2], *reason;
	char			 did[37], cid[CHANGE_ID_HEX + 1], why[512],
				 shown[512];
	cJSON			*j = NULL, *ch;
	int			 i, r;

	if (!pair_body(c, &id[0], &id[1], &reason))
		return;
	for (i = 0; i < 2; i++)
		if (view_load(c->n->st, id[i], &d[i]) != 0)
			goto err;
	for (i = 0; i < 2; i++)
		row[i] = dossier_linked(d[i], d[1 - i]->id);
	if (row[0] == NULL && row[1] == NULL) {
		fail(c, 409, "refused", "these dossiers are not linked");
		goto out;
	}
	for (i = 0; i < 2; i++)
		if (row[i] != NULL &&
		    strcmp(d[i]->custodian, c->n->cfg.region) == 0)
			break;
	if (i == 2) {
		fail(c, 409, "refused", "only the custodian of one of the "
		    "dossiers may unlink them");
		goto out;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    (ch = cJSON_AddArrayToObject(j, "changes")) == NULL)
		goto err;
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_UNLINK;
	op.field = -1;
	op.arg[OA_REASON] = reason;
	snprintf(c->n->user, sizeof(c->n->user), "%s", c->acct.login);
	for (i = 0; i < 2; i++) {
		if (row[i] == NULL ||
		    strcmp(d[i]->custodian, c->n->cfg.region) != 0)
			continue;
		write_entry(c, &e, "unlink", "");
		op.arg[OA_REF] = row[i]->col[COL_ID];
		r = cli_write(c->n, d[i]->id, &op, 1, NULL, &e, did, cid, why,
		    sizeof(why));
		if (r == CLI_WRITE_REFUSED) {
			fail(c, 409, "refused", unquoted(cli_why(why), shown,
		    sizeof(shown)));
			goto out;
		}
		if (r != 0 || !cJSON_AddItemToArray(ch,
		    cJSON_CreateString(cid)))
			goto err;
	}
	set_json(c, 201, j);
	j = NULL;
	goto out;
err:
	internal(c);
out:
	cJSON_Delete(j);
	dossier_free(d[0]);
	dossier_free(d[1]);
}

static int
account_one(const struct account *a, void *arg)
{
	cJSON	*o;

	if ((o = account_json(a)) == NULL)
		return (-1);
	cJSON_AddItemToArray(arg, o);
	if (cJSON_AddBoolToObject(o, "enabled", a->enabled) == NULL ||
	    cJSON_AddBoolToObject(o, "locked", a->locked) == NULL)
		return (-1);
	return (0);
}

/* GET /api/accounts (admins): as 'opora user list --json'. */
static void
ep_accounts(struct ctx *c)
{
	cJSON	*arr;

	if ((arr = cJSON_CreateArray()) == NULL ||
	    account_each(c->n->st, account_one, arr) != 0) {
		cJSON_Delete(arr);
		internal(c);
		return;
	}
	answer_list(c, "accounts", arr);
}

/* Whether an enabled admin other than login remains: 1, 0, or -1. */
static int
other_admin(struct ctx *c, const char *login)
{
	return (store_ui_other_admin(c->n->st, login));
}

/* The answer of an account created or reset: its one-time password and,
 * when a second factor was made, the URI for an authenticator app. */
static void
answer_secret(struct ctx *c, unsigned status, const struct account *a,
    const char *pw, const uint8_t *totp)
{
	char	 uri[256];
	cJSON	*j;

	uri[0] = '\0';
	if (totp != NULL && account_totp_uri(a->login, "opora", totp,
	    ACCOUNT_TOTP_LEN, uri, sizeof(uri)) == -1) {
		internal(c);
		return;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "login", a->login) == NULL ||
	    cJSON_AddStringToObject(j, "role", access_role_name(a->role)) ==
	    NULL || (pw != NULL && cJSON_AddStringToObject(j, "password",
	    pw) == NULL) || (uri[0] != '\0' && cJSON_AddStringToObject(j,
	    "totp", uri) == NULL)) {
		cJSON_Delete(j);
		j = NULL;
	}
	set_json(c, status, j);
	OPENSSL_cleanse(uri, sizeof(uri));
}

/*
 * POST /api/accounts {login, name, role, centre} ('opora user add'): a
 * new account with a one-time password (changed at its first login) and,
 * for an admin, a second factor.  Admins only; audited as 'user add'.
 */
static void
ep_account_add(struct ctx *c)
{
	struct account	 a;
	const char	*login, *name, *role, *centre;
	uint8_t		 totp[ACCOUNT_TOTP_LEN];
	char		 pw[ACCOUNT_PASSWORD_MAX + 2];
	int		 r;

	if (body_str(c, "login", 64, &login) == -1 || body_str(c, "name",
	    ACCOUNT_NAME_MAX, &name) == -1 || body_str(c, "role", 32,
	    &role) == -1 || body_str(c, "centre", ACCOUNT_CENTRE_MAX,
	    &centre) == -1)
		return;
	memset(&a, 0, sizeof(a));
	if (login == NULL || !account_login_valid(login)) {
		fail(c, 400, "invalid", "not a login: a-z, 0-9, '.', '_', "
		    "'-', starting with a letter, at most 32");
		return;
	}
	if (role == NULL || access_role_parse(role, &a.role) == -1) {
		fail(c, 400, "invalid", "unknown role");
		return;
	}
	if (name == NULL || name[0] == '\0' || !fields_text_valid(name,
	    strlen(name), ACCOUNT_NAME_MAX, false) || (centre != NULL &&
	    centre[0] != '\0' && !fields_text_valid(centre, strlen(centre),
	    ACCOUNT_CENTRE_MAX, false))) {
		fail(c, 400, "invalid", "--name is required; a name and a "
		    "centre are one line of text");
		return;
	}
	if (a.role == ROLE_CURATOR && (centre == NULL || centre[0] == '\0')) {
		fail(c, 400, "invalid", "a curator needs --centre");
		return;
	}
	snprintf(a.login, sizeof(a.login), "%s", login);
	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.centre, sizeof(a.centre), "%s", centre != NULL ? centre :
	    "");
	a.enabled = true;
	a.must_change = true;
	if (account_new_password(pw, sizeof(pw)) == -1 ||
	    (a.role == ROLE_ADMIN && RAND_bytes(totp, sizeof(totp)) != 1))
		goto err;
	if (store_begin(c->n->st) == -1)
		goto err;
	if ((r = account_add(c->n->st, &a, pw, a.role == ROLE_ADMIN ? totp :
	    NULL, sizeof(totp), c->now)) != 0) {
		store_rollback(c->n->st);
		if (r == 1)
			fail(c, 409, "duplicate", "an account already has the "
			    "login");
		else
			internal(c);
		goto out;
	}
	if (audit(c, NULL, "user add", "", "", a.login, true) == -1 ||
	    store_commit(c->n->st) == -1) {
		store_rollback(c->n->st);
		goto err;
	}
	answer_secret(c, 201, &a, pw, a.role == ROLE_ADMIN ? totp : NULL);
	goto out;
err:
	internal(c);
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(totp, sizeof(totp));
}

/*
 * POST /api/accounts/LOGIN/disable|enable|unlock|reset-password ('opora
 * user ...'): admins only; the last enabled admin is never disabled; a
 * reset answers a new one-time password.  Audited as the CLI's.
 */
static void
ep_account_change(struct ctx *c, const char *login, const char *verb)
{
	struct account	 a;
	char		 pw[ACCOUNT_PASSWORD_MAX + 2], action[UIAPI_SEGMENT_MAX + 8];
	int		 r;
	bool		 reset = strcmp(verb, "reset-password") == 0;

	pw[0] = '\0';
	if (strcmp(verb, "disable") != 0 && strcmp(verb, "enable") != 0 &&
	    strcmp(verb, "unlock") != 0 && !reset) {
		fail(c, 404, "not_found", "no such endpoint");
		return;
	}
	if (!account_login_valid(login) || (r = account_get(c->n->st, login,
	    &a)) == 1) {
		fail(c, 404, "not_found", "no such account");
		return;
	}
	if (r == -1)
		goto err;
	if (strcmp(verb, "disable") == 0) {
		if (a.role == ROLE_ADMIN && (r = other_admin(c, a.login)) !=
		    1) {
			if (r == 0)
				fail(c, 409, "refused", "this is the last "
				    "enabled admin: make another admin first");
			else
				internal(c);
			return;
		}
		a.enabled = false;
	} else if (strcmp(verb, "enable") == 0)
		a.enabled = true;
	if (reset && account_new_password(pw, sizeof(pw)) == -1)
		goto err;
	snprintf(action, sizeof(action), "user %s", verb);
	if (store_begin(c->n->st) == -1)
		goto err;
	if ((strcmp(verb, "unlock") == 0 ? account_unlock(c->n->st,
	    a.login) : account_update(c->n->st, &a)) == -1 ||
	    (reset && account_set_password(c->n->st, a.login, pw, true) ==
	    -1) || audit(c, NULL, action, "", "", a.login, true) == -1 ||
	    store_commit(c->n->st) == -1) {
		store_rollback(c->n->st);
		goto err;
	}
	answer_secret(c, 201, &a, reset ? pw : NULL, NULL);
	OPENSSL_cleanse(pw, sizeof(pw));
	return;
err:
	OPENSSL_cleanse(pw, sizeof(pw));
	internal(c);
}

/* What ep_status gathers of each peer. */
struct status_peers {
	cJSON	*arr;
	int64_t	 refused;	/* refused changes kept, all peers */
	struct node *n;
};

/* The last anti-entropy round with pr, as 'opora status --json' gives
 * it, into the peer's object o.  0 / -1. */
static int
status_round(const struct store_peer_row *pr, cJSON *o)
{
	cJSON	*a;
	char	 e[ESC_LONG];

	if ((a = cJSON_AddObjectToObject(o, "anti_entropy")) == NULL ||
	    cJSON_AddNumberToObject(a, "at_ms", (double)pr->round_at) ==
	    NULL || cJSON_AddBoolToObject(a, "ok", pr->round_ok) == NULL ||
	    cJSON_AddNumberToObject(a, "shared", (double)pr->round_shared) ==
	    NULL || cJSON_AddNumberToObject(a, "differed",
	    (double)pr->round_differed) == NULL ||
	    cJSON_AddNumberToObject(a, "applied",
	    (double)pr->round_applied) == NULL ||
	    cJSON_AddNumberToObject(a, "unresolved",
	    (double)pr->round_unresolved) == NULL ||
	    (!pr->round_ok && cJSON_AddStringToObject(a, "error",
	    /* recorded escaped: not its backslashes again */
	    esc_controls(nz(pr->round_error), e, sizeof(e))) == NULL))
		return (-1);
	return (0);
}

static int
status_peer(const struct store_peer_row *pr, void *arg)
{
	struct status_peers	*sp = arg;
	cJSON			*o;
	char			 e[ESC_LONG];
	int64_t			 kept, rows;
	bool			 failing = pr->last_error != NULL &&
				    pr->last_error_at >= pr->last_ok;

	if (store_refusal_totals(sp->n->st, pr->region, &kept, &rows) == -1)
		return (-1);
	sp->refused += rows;
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(sp->arr, o);
	/* A peer's words are its own: escaped as the CLI does. */
	if (cJSON_AddStringToObject(o, "region", esc_str(pr->region, e,
	    sizeof(e))) == NULL ||
	    cJSON_AddStringToObject(o, "url", pr->url != NULL ?
	    esc_str(pr->url, e, sizeof(e)) : "") == NULL ||
	    cJSON_AddBoolToObject(o, "ok", !failing && pr->last_ok > 0) ==
	    NULL || cJSON_AddNumberToObject(o, "last_ok_ms",
	    (double)pr->last_ok) == NULL ||
	    (failing && (cJSON_AddNumberToObject(o, "failing_since_ms",
	    (double)pr->last_error_at) == NULL ||
	    cJSON_AddStringToObject(o, "error", esc_controls(pr->last_error, e,
	    sizeof(e))) == NULL)) ||
	    cJSON_AddNumberToObject(o, "behind", (double)pr->behind) ==
	    NULL || cJSON_AddNumberToObject(o, "waiting",
	    (double)pr->waiting) == NULL ||
	    cJSON_AddNumberToObject(o, "refused", (double)rows) == NULL)
		return (-1);
	return (pr->has_round ? status_round(pr, o) : 0);
}

/*
 * The statistics part of the health page, as 'opora status' judges it:
 * when the snapshot was last made for the federal node (0: never), every
 * how many hours, and whether it is late (more than twice that, while a
 * federal node is a peer).  Into j's member "stats".  0 / -1.
 */
static int
status_stats(struct ctx *c, cJSON *j)
{
	struct node	*n = c->n;
	cJSON		*o;
	char		 v[24];
	int64_t		 published = 0;
	int		 fedpeer;
	bool		 fed = strcmp(n->cfg.region, "RU-FED") == 0, late;

	if (store_meta_get(n->st, "stats_published", v, sizeof(v)) != 0 ||
	    num_parse_str(v, 0, INT64_MAX, &published) == -1)
		published = 0;
	if ((fedpeer = store_peer_exists(n->st, "RU-FED")) == -1)
		return (-1);
	late = !fed && fedpeer == 1 && n->cfg.stats_interval > 0 &&
	    (published == 0 || c->now * 1000 - published >
	    2LL * n->cfg.stats_interval * 3600000LL);
	if ((o = cJSON_AddObjectToObject(j, "stats")) == NULL ||
	    cJSON_AddBoolToObject(o, "federal", fed) == NULL ||
	    cJSON_AddBoolToObject(o, "federal_peer", fedpeer == 1) == NULL ||
	    cJSON_AddNumberToObject(o, "published_ms", (double)published) ==
	    NULL || cJSON_AddNumberToObject(o, "interval_hours",
	    (double)n->cfg.stats_interval) == NULL ||
	    cJSON_AddBoolToObject(o, "late", late) == NULL)
		return (-1);
	return (0);
}

/*
 * GET /api/status (admins): what the node's health page shows, from the
 * same records as 'opora status': its region, its peers (in step, or
 * failing since when and why, how far behind, changes waiting, refused
 * changes kept, the last anti-entropy round), the dossiers held and in
 * custody, open conflicts, the statistics' publication.  The numbers
 * only: no dossier.  Audited as 'status'.
 */
/*
 * What needs an admin besides the peers and statistics, from the same
 * figures as 'opora status' and the Prometheus endpoint (metrics_gather):
 * histories lost to a log that went back (node/lost.h), accepted offers
 * whose history has not come, changes that wait for other reasons, a
 * corrupted change, refusals of the last day, and whether every figure
 * could be read.  Into j's member "attention".  0 / -1.
 */
static int
status_attention(struct ctx *c, cJSON *j)
{
	struct metrics_figures	 mf;
	const struct offer_overdue *od = &mf.overdue;
	cJSON			*o;
	char			 e[ESC_SHORT];
	int64_t			 other;
	int			 rc = -1;

	(void)metrics_gather(c->n, c->now * 1000, &mf);
	other = mf.cnt.later - (mf.lost_changes > 0 ? mf.lost_changes : 0) -
	    (mf.later_acked > 0 ? mf.later_acked : 0);
	if ((o = cJSON_AddObjectToObject(j, "attention")) == NULL ||
	    cJSON_AddNumberToObject(o, "lost_dossiers",
	    (double)mf.lost_dossiers) == NULL ||
	    cJSON_AddNumberToObject(o, "lost_changes",
	    (double)mf.lost_changes) == NULL ||
	    cJSON_AddNumberToObject(o, "accepted_without_history",
	    (double)od->count) == NULL ||
	    cJSON_AddNumberToObject(o, "waiting", (double)(other > 0 ?
	    other : 0)) == NULL ||
	    cJSON_AddNumberToObject(o, "refused_last_day",
	    (double)mf.cnt.rejected_recent) == NULL ||
	    cJSON_AddBoolToObject(o, "corrupt", mf.corrupt_seq > 0) == NULL ||
	    cJSON_AddBoolToObject(o, "read_ok", !mf.readerr) == NULL)
		goto out;
	/* The oldest accepted offer without history: its offering region
	 * (a peer's word: escaped) and when; no dossier id on the page. */
	if (od->count > 0 && (cJSON_AddStringToObject(o, "accepted_from",
	    esc_str(od->from, e, sizeof(e))) == NULL ||
	    cJSON_AddNumberToObject(o, "accepted_ms",
	    (double)od->accepted_ms) == NULL))
		goto out;
	rc = 0;
out:
	metrics_figures_free(&mf);
	return (rc);
}

static void
ep_status(struct ctx *c)
{
	struct status_peers	 sp;
	struct store_ui_counts	 k;
	cJSON			*j;

	memset(&sp, 0, sizeof(sp));
	sp.n = c->n;
	if ((c->out = j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "region", c->n->cfg.region) == NULL ||
	    (sp.arr = cJSON_AddArrayToObject(j, "peers")) == NULL ||
	    store_peer_each(c->n->st, status_peer, &sp) != 0 ||
	    store_ui_counts(c->n->st, c->n->cfg.region, &k) == -1 ||
	    cJSON_AddNumberToObject(j, "dossiers", (double)k.dossiers) ==
	    NULL || cJSON_AddNumberToObject(j, "custody",
	    (double)k.custody) == NULL || cJSON_AddNumberToObject(j,
	    "conflicts_open", (double)k.conflicts_open) == NULL ||
	    cJSON_AddNumberToObject(j, "refused", (double)sp.refused) ==
	    NULL || cJSON_AddNumberToObject(j, "anti_entropy_interval",
	    (double)c->n->cfg.anti_entropy_interval) == NULL ||
	    status_stats(c, j) == -1 || status_attention(c, j) == -1)
		internal(c);
}

/*
 * GET /api/lost (admins): the histories this node waits for and may never
 * get because a log went back, as 'opora lost --json' (node/lost.h);
 * audited as 'lost list' with the dossiers named.
 */
static void
ep_lost(struct ctx *c)
{
	answer_list(c, "lost", lost_json(c->n));
}

/*
 * POST /api/lost/acknowledge and /api/lost/unacknowledge {dossier}: as
 * 'opora lost acknowledge|unacknowledge DOSSIER' (lost_ack), audited in
 * the same transaction.  200 {dossier, acknowledged, changed}; 400 for
 * a dossier that is not an id, 404 not_lost for one whose history is not
 * missing here.
 */
static void
ep_lost_mark(struct ctx *c, bool ack)
{
	struct audit_entry	 e;
	const char		*d;
	char			 id[37];
	cJSON			*j;
	int			 k;

	if (body_str(c, "dossier", 36, &d) == -1)
		return;
	if (d == NULL || !fields_uuid_valid(d, strlen(d))) {
		fail(c, 400, "bad_request", "dossier is a dossier id");
		return;
	}
	if ((k = lost_find(c->n, d, id)) == -1) {
		internal(c);
		return;
	}
	if (k != 1 || strcmp(id, d) != 0) {
		fail(c, 404, "not_lost", "no lost history of this dossier on "
		    "this node");
		return;
	}
	write_entry(c, &e, ack ? "lost acknowledge" : "lost unacknowledge",
	    "web");
	switch ((k = lost_ack(c->n, id, ack, c->acct.login, &e))) {
	case 0:
	case 1:
		break;
	case -2:
		fail(c, 500, "audit", "it cannot be recorded in the audit, so "
		    "nothing was written");
		return;
	default:
		internal(c);
		return;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "dossier", id) == NULL ||
	    cJSON_AddBoolToObject(j, "acknowledged", ack) == NULL ||
	    cJSON_AddBoolToObject(j, "changed", k == 1) == NULL) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, 200, j);
}

static void
ep_lost_ack(struct ctx *c)
{
	ep_lost_mark(c, true);
}

static void
ep_lost_unack(struct ctx *c)
{
	ep_lost_mark(c, false);
}

/* --- Break-the-glass review (supervisors) --------------------------- */

/* The review being read: its entries and their dossiers' ids. */
struct glass_read {
	cJSON	*arr;
	char	*ids;		/* UIAPI_GLASS_MAX * 37 + 1 */
	size_t	 len;
	int	 n;
};

/* One entry of the review (store_ui_glass). */
static int
glass_one(const struct store_ui_row *row, void *arg)
{
	static const char *const keys[] = {
		NULL, NULL, "login", "role", "addr", "os_user", "action",
		"dossier", "reason", "surname", "name", "patronymic",
		"birth_date"
	};
	struct glass_read	*g = arg;
	const char		*v = row->col[7];
	cJSON			*o;

	if (g->n++ == UIAPI_GLASS_MAX)
		return (1);
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(g->arr, o);
	if (cJSON_AddNumberToObject(o, "seq", (double)row->num[0]) == NULL ||
	    cJSON_AddNumberToObject(o, "at", (double)row->num[1]) == NULL ||
	    row_strings(o, row, keys, 13) == -1)
		return (-1);
	/* One dossier per entry: the id, for the audit. */
	if (v != NULL && strlen(v) == 36 && strstr(g->ids, v) == NULL)
		g->len += (size_t)snprintf(g->ids + g->len, 38, "%s%s",
		    g->len > 0 ? " " : "", v);
	return (0);
}

/*
 * GET /api/glass?since=YYYY-MM-DD (supervisors): who opened another
 * centre's dossier with a reason, when, which dossier and why, at most
 * UIAPI_GLASS_MAX entries (newest first; 'more' says there were others).
 * The review is itself audited ('glass review', with the dossiers).
 */
static void
ep_glass_review(struct ctx *c)
{
	const char		*since = c->r->query(c->r->qarg, "since");
	struct glass_read	 g;
	struct tm		 tm;
	int			 y, m, d;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 70;
	tm.tm_mday = 1;
	if (since != NULL && since[0] != '\0') {
		if (fields_date_parse(since, strlen(since), &y, &m, &d) ==
		    -1) {
			fail(c, 400, "bad_request", "since is a date "
			    "YYYY-MM-DD");
			return;
		}
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
	}
	memset(&g, 0, sizeof(g));
	if ((c->out = cJSON_CreateObject()) == NULL ||
	    (g.arr = cJSON_AddArrayToObject(c->out, "entries")) == NULL ||
	    (c->out_ids = g.ids = malloc(UIAPI_GLASS_MAX * 37 + 1)) == NULL) {
		internal(c);
		return;
	}
	g.ids[0] = '\0';
	if (store_ui_glass(c->n->st, (int64_t)timegm(&tm),
	    UIAPI_GLASS_MAX + 1, glass_one, &g) == -1 ||
	    cJSON_AddBoolToObject(c->out, "more", g.n > UIAPI_GLASS_MAX) ==
	    NULL)
		internal(c);
}

/* --- The region's dashboard (supervisors) --------------------------- */

/* A year's figures for the dashboard: where they come from. */
struct dash_year {
	struct snapshot	 snap;
	int64_t		 made;		/* ms */
	bool		 have;
	char		 why[256];
};

/* store_stats_latest's callback: decode this node's snapshot. */
static int
dash_latest(const void *b, size_t len, int64_t received, void *arg)
{
	struct dash_year	*d = arg;

	if (snapshot_decode(b, len, &d->snap, d->why, sizeof(d->why)) == -1)
		return (-1);
	d->made = received;
	return (0);
}

/*
 * The figures of year y for the dashboard into *d: from the newest
 * snapshot of this node's region for y ("snapshot"); when there is none,
 * computed now if the node holds at most STATS_DASH_LIVE_MAX persons
 * ("computed"), else none ("pending": 'opora serve' publishes it).
 * *persons caches the count (-2: not yet read).  The state, or NULL on
 * an error (logged).
 */
static const char *
dash_year(struct ctx *c, int y, int64_t *persons, struct dash_year *d)
{
	int	 r;

	memset(d, 0, sizeof(*d));
	if ((r = store_stats_latest(c->n->st, c->n->cfg.region, y,
	    dash_latest, d)) == 0) {
		if (strcmp(d->snap.region, c->n->cfg.region) != 0 ||
		    d->snap.year != y) {
			log_warnx("web dashboard: the snapshot of %d is not "
			    "this region's", y);
			return (NULL);
		}
		d->have = true;
		return ("snapshot");
	}
	if (r == -1) {
		log_warnx("web dashboard: the snapshot of %d: %s", y,
		    d->why[0] != '\0' ? d->why : "cannot be read");
		return (NULL);
	}
	if (*persons == -2 && (*persons = store_stats_persons(c->n->st)) ==
	    -1)
		return (NULL);
	if (*persons > STATS_DASH_LIVE_MAX)
		return ("pending");
	snapshot_free(&d->snap);
	memset(&d->snap, 0, sizeof(d->snap));
	if (stats_compute(c->n->st, c->n->cfg.region, y, &d->snap, d->why,
	    sizeof(d->why)) == -1) {
		log_warnx("web dashboard: %s", d->why);
		return (NULL);
	}
	d->have = true;
	d->made = c->now * 1000;
	return ("computed");
}

/*
 * GET /api/dashboard?from=YYYY&to=YYYY (supervisors): the region's own
 * indicators of docs/statistics.md at the end of each quarter of the
 * years asked (at most STATS_DASH_YEARS; default the last
 * STATS_DASH_YEARS up to this one), as of the newest snapshot this node
 * published for each year (stats_publish: the true counts, before any
 * perturbation -- a supervisor reads every dossier of the region anyway),
 * so a change shows with the next publication.  A year without a snapshot
 * is computed on the request only on a small node (dash_year); on a
 * larger one its figures are null and its state "pending".  Summed over
 * sex and birth years.  Audited as 'dashboard'.
 */
static void
ep_dashboard(struct ctx *c)
{
	const char	*from = c->r->query(c->r->qarg, "from");
	const char	*to = c->r->query(c->r->qarg, "to");
	struct dash_year d;
	const char	*state;
	cJSON		*j = NULL, *pa, *ia, *ya, *yo, *arr;
	char		 per[8], made[24];
	int64_t		 y0, y1, persons = -2, *sum = NULL;
	bool		*have = NULL;
	size_t		 ni = 0, np, i, k;
	int		 y, q, t, now;
	time_t		 tt = (time_t)c->now;
	struct tm	 tm;

	gmtime_r(&tt, &tm);
	now = tm.tm_year + 1900;
	y1 = now;
	y0 = now - STATS_DASH_YEARS + 1;
	if ((from != NULL && from[0] != '\0' && num_parse_str(from, 1900,
	    2999, &y0) == -1) || (to != NULL && to[0] != '\0' &&
	    num_parse_str(to, 1900, 2999, &y1) == -1) || y1 < y0 ||
	    y1 - y0 >= STATS_DASH_YEARS) {
		fail(c, 400, "bad_request", "from and to are years, at most "
		    "5 apart");
		return;
	}
	while (snapshot_indicators[ni].code != NULL)
		ni++;
	np = (size_t)(y1 - y0 + 1) * 4;
	if ((sum = calloc(ni * np, sizeof(*sum))) == NULL ||
	    (have = calloc(np, sizeof(*have))) == NULL ||
	    (c->out = j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "region", c->n->cfg.region) == NULL ||
	    (pa = cJSON_AddArrayToObject(j, "periods")) == NULL ||
	    (ya = cJSON_AddArrayToObject(j, "years")) == NULL ||
	    (ia = cJSON_AddObjectToObject(j, "indicators")) == NULL)
		goto err;
	for (y = (int)y0; y <= (int)y1; y++)
		for (q = 1; q <= 4; q++) {
			snapshot_period(y, q, per);
			if (!cJSON_AddItemToArray(pa, cJSON_CreateString(per)))
				goto err;
		}
	for (y = (int)y0; y <= (int)y1; y++) {
		if ((state = dash_year(c, y, &persons, &d)) == NULL) {
			snapshot_free(&d.snap);
			goto err;
		}
		for (k = 0; d.have && k < d.snap.ncells; k++) {
			if (strlen(d.snap.cells[k].period) != 7)
				continue;	/* the year: its Q4 */
			q = d.snap.cells[k].period[6] - '1';
			for (i = 0; i < ni; i++)
				if (strcmp(snapshot_indicators[i].code,
				    d.snap.cells[k].indicator) == 0)
					sum[i * np + (size_t)(y - y0) * 4 +
					    (size_t)q] += d.snap.cells[k].count;
		}
		for (q = 0; q < 4; q++)
			have[(size_t)(y - y0) * 4 + (size_t)q] = d.have;
		snapshot_free(&d.snap);
		tt = (time_t)(d.made / 1000);
		gmtime_r(&tt, &tm);
		strftime(made, sizeof(made), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if ((yo = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(ya, yo) ||
		    cJSON_AddNumberToObject(yo, "year", y) == NULL ||
		    cJSON_AddStringToObject(yo, "state", state) == NULL ||
		    (d.have && (cJSON_AddStringToObject(yo, "made", made) ==
		    NULL || cJSON_AddNumberToObject(yo, "made_ms",
		    (double)d.made) == NULL)))
			goto err;
	}
	for (i = 0; i < ni; i++) {
		if ((arr = cJSON_AddArrayToObject(ia,
		    snapshot_indicators[i].code)) == NULL)
			goto err;
		for (t = 0; t < (int)np; t++)
			if (!cJSON_AddItemToArray(arr, have[t] ?
			    cJSON_CreateNumber((double)sum[i * np +
			    (size_t)t]) : cJSON_CreateNull()))
				goto err;
	}
	snprintf(c->out_detail, sizeof(c->out_detail), "%lld-%lld",
	    (long long)y0, (long long)y1);
	free(sum);
	free(have);
	return;
err:
	free(sum);
	free(have);
	internal(c);
}

/* --- Statistics (researchers, on the federal node) ------------------ */

/*
 * Answer with the JSON text of b (fedstats_json / fedstats_releases_json)
 * and, when csv is not NULL, the CSV of the same answer as its member
 * "csv" (the download the page offers).
 */
static void
stats_answer(struct ctx *c, const struct buf *b, const struct buf *csv)
{
	cJSON	*j;

	if ((j = cJSON_ParseWithLength(b->data, b->len)) == NULL ||
	    !cJSON_IsObject(j) || (csv != NULL &&
	    cJSON_AddStringToObject(j, "csv", csv->data) == NULL)) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, 200, j);
}

/*
 * GET /api/stats/releases, /api/stats/query?indicator=&period=&by=
 * &release=, /api/stats/flows?period=&level=&release= and
 * /api/stats/coverage?period=&release= (an account whose
 * role may ask statistics: researchers, admins), on RU-FED only.  The same
 * functions as /v1/stats (node/fedstats.h): the same releases, the same
 * disclosure control, and every request, answered or refused, in the same
 * query log, as asked by "web:LOGIN"; audited as 'stats ...' too.
 */
static void
ep_stats(struct ctx *c, const char *what)
{
	struct fedstats_query	 fq;
	struct fedstats_result	 res;
	struct buf		 b, csv;
	const char		*ind, *period, *by, *rel, *level;
	char			 who[ACCOUNT_LOGIN_MAX + 8], why[256];
	char			 note[2 * ESC_LONG], esc[ESC_LONG];
	char			 act[UIAPI_SEGMENT_MAX + 8];
	int64_t			 release = 0, year;
	int			 k;
	bool			 flows = strcmp(what, "flows") == 0;
	bool			 cover = strcmp(what, "coverage") == 0;

	if (strcmp(c->n->cfg.region, "RU-FED") != 0) {
		fail(c, 404, "not_found", "statistics are answered by the "
		    "federal node only");
		return;
	}
	snprintf(who, sizeof(who), "web:%s", c->acct.login);
	snprintf(act, sizeof(act), "stats %s", what);
	if (!access_any(c->acct.role, ACT_STATS)) {
		fedstats_log(c->n->st, who, "refused 403: web", 0, 403);
		fail(c, 403, "forbidden", "your role may not do this");
		return;
	}
	if (strcmp(what, "releases") == 0) {
		buf_init(&b, (size_t)16 << 20);
		if (fedstats_releases_json(c->n, false, &b) == -1 ||
		    buf_add(&b, "", 1) == -1 || buf_failed(&b)) {
			fedstats_log(c->n->st, who, "releases", 0, 500);
			internal(c);
		} else if (audit(c, NULL, act, "", "", "web", false) == -1)
			fail(c, 500, "audit", "the read cannot be recorded "
			    "in the audit, so it is refused");
		else {
			fedstats_log(c->n->st, who, "releases", 0, 200);
			b.len--;
			stats_answer(c, &b, NULL);
		}
		buf_free(&b);
		return;
	}
	if (!flows && strcmp(what, "query") != 0 &&
	    strcmp(what, "coverage") != 0) {
		fail(c, 404, "not_found", "no such endpoint");
		return;
	}
	ind = c->r->query(c->r->qarg, "indicator");
	period = c->r->query(c->r->qarg, "period");
	by = c->r->query(c->r->qarg, "by");
	rel = c->r->query(c->r->qarg, "release");
	level = c->r->query(c->r->qarg, "level");
	/* What was asked, escaped, for the query log and the audit. */
	snprintf(note, sizeof(note), "%s %s by %s level %s release %s",
	    flows ? "flows" : cover ? "coverage" : nz(ind), nz(period),
	    nz(by), nz(level),
	    nz(rel));
	esc_str(note, esc, sizeof(esc));
	if ((rel != NULL && rel[0] != '\0' && num_parse_str(rel, 1,
	    INT64_MAX / 2, &release) == -1) || period == NULL ||
	    (flows && (num_parse_str(period, 1900, 2999, &year) == -1 ||
	    (level != NULL && strcmp(level, "district") != 0 &&
	    strcmp(level, "region") != 0))) || (cover &&
	    fedstats_parse("counted", NULL, period, &fq, why,
	    sizeof(why)) == -1) || (!flows && !cover && (ind == NULL ||
	    fedstats_parse(ind, by, period, &fq, why, sizeof(why)) == -1))) {
		snprintf(note, sizeof(note), "refused 400: %s", esc);
		fedstats_log(c->n->st, who, note, 0, 400);
		fail(c, 400, "bad_request", cover ? "coverage takes period "
		    "(2025 or 2025-Q1) and release" : flows ? "flows takes "
		    "period (a year), level (district or region) and release" :
		    "query takes indicator (see docs/statistics.md), period "
		    "(2025 or 2025-Q1), by (region or district, sex, "
		    "birth_band, comma-separated) and release");
		return;
	}
	if (audit(c, NULL, act, "", "", esc, false) == -1) {
		fail(c, 500, "audit", "the read cannot be recorded in the "
		    "audit, so it is refused");
		return;
	}
	memset(&res, 0, sizeof(res));
	if (cover)
		k = fedstats_coverage(c->n, period, release, who, &res, why,
		    sizeof(why));
	else if (flows)
		k = fedstats_flows(c->n, (int)year, level != NULL &&
		    strcmp(level, "region") == 0, release, who, &res, why,
		    sizeof(why));
	else {
		fq.release = release;
		k = fedstats_run(c->n, &fq, who, &res, why, sizeof(why));
	}
	if (k == FEDSTATS_NONE) {
		fail(c, 404, "no_release", "no such release: the federal node "
		    "has not released statistics yet, or not that one");
		return;
	}
	if (k != 0) {
		log_warnx("web statistics for %s: %s", c->acct.login, why);
		internal(c);
		return;
	}
	buf_init(&b, (size_t)64 << 20);
	buf_init(&csv, (size_t)64 << 20);
	if (fedstats_json(&res, &b) == -1 || fedstats_csv(&res, &csv) ==
	    -1 || buf_add(&csv, "", 1) == -1 || buf_failed(&csv))
		internal(c);
	else
		stats_answer(c, &b, &csv);
	buf_free(&b);
	buf_free(&csv);
	fedstats_result_free(&res);
}

/* --- Peers (admins) ------------------------------------------------- */

/* One peer of GET /api/peers: its state as GET /api/status gives it, and
 * the keys 'opora peer list' shows. */
static int
peers_one(const struct store_peer_row *pr, void *arg)
{
	struct status_peers	*sp = arg;
	cJSON			*o;
	char			 e[ESC_LONG];

	if (status_peer(pr, sp) == -1 ||
	    (o = cJSON_GetArrayItem(sp->arr, cJSON_GetArraySize(sp->arr) -
	    1)) == NULL)
		return (-1);
	/* Checked when the card was added; escaped all the same. */
	if (cJSON_AddStringToObject(o, "key_id", esc_str(pr->key_id, e,
	    sizeof(e))) == NULL || cJSON_AddStringToObject(o, "tls_pin",
	    esc_str(pr->pin, e, sizeof(e))) == NULL ||
	    (pr->pin_next != NULL && pr->pin_next[0] != '\0' &&
	    cJSON_AddStringToObject(o, "tls_pin_next", esc_str(pr->pin_next,
	    e, sizeof(e))) == NULL) ||
	    cJSON_AddNumberToObject(o, "cursor", (double)pr->cursor) == NULL)
		return (-1);
	return (0);
}

/* GET /api/peers (admins): 'opora peer list' with each peer's state. */
static void
ep_peers(struct ctx *c)
{
	struct status_peers	 sp;

	memset(&sp, 0, sizeof(sp));
	sp.n = c->n;
	if ((c->out = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(c->out, "region", c->n->cfg.region) ==
	    NULL || (sp.arr = cJSON_AddArrayToObject(c->out, "peers")) ==
	    NULL || store_peer_each(c->n->st, peers_one, &sp) != 0)
		internal(c);
}

/*
 * POST /api/peers {card}: add (or update) a peer from its card, as 'opora
 * peer add' (cli_peer_add: the same checks), audited as 'peer add' with
 * the region in the same transaction.
 */
static void
ep_peer_add(struct ctx *c)
{
	struct audit_entry	 e;
	struct cli_peer		*pa;
	const char		*card;
	char			 why[512], esc[ESC_LONG], kid[SIG_KEYID_LEN + 1];
	char			 t[32];
	cJSON			*j = NULL, *rot, *o;
	size_t			 i;
	int			 r;

	if (body_str(c, "card", LIMIT_CARD_BYTES, &card) == -1)
		return;
	if (card == NULL || card[0] == '\0') {
		fail(c, 400, "invalid", "the card is required (what 'opora id' "
		    "prints on the peer)");
		return;
	}
	if ((pa = calloc(1, sizeof(*pa))) == NULL) {
		internal(c);
		return;
	}
	/* The region is known once the card is read: the audit names it. */
	write_entry(c, &e, "peer add", pa->c.region);
	r = cli_peer_add(c->n, card, strlen(card), &e, pa);
	switch (r) {
	case 0:
		break;
	case CLI_PEER_BADCARD:
		/* The card is outside input: its reason is escaped. */
		snprintf(why, sizeof(why), "the card is refused: %s",
		    esc_str(pa->why, esc, sizeof(esc)));
		fail(c, 400, "invalid", why);
		goto out;
	case CLI_PEER_OWN:
		fail(c, 400, "invalid", "the card is of this node's own "
		    "region");
		goto out;
	case CLI_PEER_CHAIN:
		fail(c, 409, "refused", "the card's key is not announced by "
		    "the key this node holds for the region: if the region "
		    "lost its key, check the new card with its admin, then "
		    "remove the peer and add it");
		goto out;
	case CLI_PEER_REVOKED:
		fail(c, 409, "refused", "the card's rotation was signed by a "
		    "key after the time it is revoked from, so it proves "
		    "nothing: check the card's key id with the region's admin, "
		    "then remove the peer and add it");
		goto out;
	case -2:
		fail(c, 500, "audit", "the change cannot be recorded in the "
		    "audit, so nothing was written");
		goto out;
	default:
		internal(c);
		goto out;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "region", pa->c.region) == NULL ||
	    cJSON_AddStringToObject(j, "url", esc_str(pa->c.url, esc,
	    sizeof(esc))) == NULL ||
	    cJSON_AddStringToObject(j, "key_id", pa->c.key_id) == NULL ||
	    cJSON_AddBoolToObject(j, "existed", pa->existed) == NULL ||
	    (pa->c.pin_next[0] != '\0' && cJSON_AddStringToObject(j,
	    "tls_pin_next", pa->c.pin_next) == NULL) ||
	    (rot = cJSON_AddArrayToObject(j, "replaced_keys")) == NULL)
		goto err;
	for (i = (size_t)pa->from; pa->existed && i < pa->c.nrot; i++) {
		sig_key_id(pa->c.rot[i].prev, kid);
		card_time_format(pa->c.rot[i].until, t);
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(rot, o) ||
		    cJSON_AddStringToObject(o, "key_id", kid) == NULL ||
		    cJSON_AddStringToObject(o, "until", t) == NULL)
			goto err;
	}
	set_json(c, 201, j);
	j = NULL;
	goto out;
err:
	internal(c);
out:
	cJSON_Delete(j);
	free(pa);
}

static void	ep_revoke_key(struct ctx *, const char *);

/* POST /api/peers/REGION/remove {}: as 'opora peer remove REGION'; and
 * POST /api/peers/REGION/revoke-key (ep_revoke_key). */
static void
ep_peer_verb(struct ctx *c)
{
	struct audit_entry	 e;
	const char		*region = c->seg[1], *verb = c->seg[2];
	cJSON			*j;

	if (strcmp(verb, "remove") != 0 && strcmp(verb, "revoke-key") != 0) {
		fail(c, 404, "not_found", "no such endpoint");
		return;
	}
	if (!fields_region_valid(region, strlen(region))) {
		fail(c, 404, "not_found", "no such peer");
		return;
	}
	if (strcmp(verb, "revoke-key") == 0) {
		ep_revoke_key(c, region);
		return;
	}
	write_entry(c, &e, "peer remove", region);
	switch (cli_peer_remove(c->n, region, &e)) {
	case 0:
		break;
	case 1:
		fail(c, 404, "not_found", "no such peer");
		return;
	case -2:
		fail(c, 500, "audit", "the change cannot be recorded in the "
		    "audit, so nothing was written");
		return;
	default:
		internal(c);
		return;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "region", region) == NULL) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, 201, j);
}

/* --- Refused changes and revoked keys (admins) --------------------- */

static void
ms_text(int64_t ms, char out[32])
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "?");
}

/* One refusal of GET /api/rejected into the array arg. */
static int
rejected_one(const struct store_refusal_row *rf, void *arg)
{
	cJSON	*o;
	char	 e[ESC_LONG], first[32], last[32];

	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(arg, o);
	ms_text(rf->at, first);
	ms_text(rf->last_at, last);
	/* Everything here came from a peer: escaped, as the CLI shows it;
	 * the reason also in Russian (the checks' table of the CLI). */
	if (cJSON_AddStringToObject(o, "id", esc_str(nz(rf->id), e,
	    sizeof(e))) == NULL ||
	    (rf->dossier != NULL && cJSON_AddStringToObject(o, "dossier",
	    esc_str(rf->dossier, e, sizeof(e))) == NULL) ||
	    cJSON_AddStringToObject(o, "peer", esc_str(nz(rf->peer), e,
	    sizeof(e))) == NULL ||
	    (rf->via != NULL && rf->via[0] != '\0' &&
	    cJSON_AddStringToObject(o, "via", esc_str(rf->via, e,
	    sizeof(e))) == NULL) ||
	    cJSON_AddStringToObject(o, "reason", cli_reason_in(nz(rf->reason),
	    false, e, sizeof(e))) == NULL ||
	    cJSON_AddStringToObject(o, "reason_ru",
	    cli_reason_in(nz(rf->reason), true, e, sizeof(e))) == NULL ||
	    cJSON_AddStringToObject(o, "at", first) == NULL ||
	    cJSON_AddStringToObject(o, "last", last) == NULL ||
	    cJSON_AddNumberToObject(o, "count", (double)rf->count) == NULL ||
	    cJSON_AddBoolToObject(o, "bytes_kept", rf->kept) == NULL)
		return (-1);
	return (0);
}

/*
 * GET /api/rejected (admins): the changes refused on receipt, as 'opora
 * rejected list --json' (least recently seen first), each reason also in
 * Russian; audited as 'rejected list' with the dossiers named.
 */
static void
ep_rejected(struct ctx *c)
{
	cJSON	*arr;

	if ((arr = cJSON_CreateArray()) == NULL ||
	    store_refusal_each(c->n->st, rejected_one, arr) != 0) {
		cJSON_Delete(arr);
		internal(c);
		return;
	}
	answer_list(c, "rejected", arr);
}

/* Whether s is a key id: 16 lowercase hex digits. */
static bool
key_id_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return (false);
	return (i == SIG_KEYID_LEN);
}

/*
 * POST /api/peers/REGION/revoke-key {key_id, since}: as 'opora peer
 * revoke-key REGION KEYID --since TIME': the changes the peer's key
 * signed from since on (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC) are
 * refused from now on.  Audited as 'peer revoke-key' (detail "REGION
 * KEYID SINCE") in the same transaction.  201 {region, key_id, since}.
 */
static void
ep_revoke_key(struct ctx *c, const char *region)
{
	struct audit_entry	 e;
	const char		*kid, *since_s;
	char			 kregion[16], t[32], det[128];
	uint64_t		 since;
	cJSON			*j;
	int			 r;

	if (body_str(c, "key_id", SIG_KEYID_LEN, &kid) == -1 ||
	    body_str(c, "since", 32, &since_s) == -1)
		return;
	if (kid == NULL || !key_id_ok(kid) || since_s == NULL ||
	    card_time_parse(since_s, &since) == -1) {
		fail(c, 400, "invalid", "key_id is a key id (16 hex digits), "
		    "since a time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
		return;
	}
	if (strcmp(region, c->n->cfg.region) == 0) {
		fail(c, 400, "invalid", "this is this node's own region: use "
		    "'opora key revoke'");
		return;
	}
	if ((r = store_key_region(c->n->st, kid, kregion)) == -1) {
		internal(c);
		return;
	}
	if (r == 1 || strcmp(kregion, region) != 0) {
		fail(c, 404, "not_found", "this peer has no such key");
		return;
	}
	card_time_format(since, t);
	snprintf(det, sizeof(det), "%s %s %s", region, kid, t);
	write_entry(c, &e, "peer revoke-key", det);
	if (store_begin(c->n->st) == -1) {
		internal(c);
		return;
	}
	if ((r = store_key_revoke(c->n->st, region, kid, since)) == 0 &&
	    audit_append(c->n, &e) == -1)
		r = 2;
	if (r != 0 || store_commit(c->n->st) == -1) {
		store_rollback(c->n->st);
		if (r == 1)
			fail(c, 404, "not_found", "this peer has no such key");
		else if (r == 2)
			fail(c, 500, "audit", "the change cannot be recorded "
			    "in the audit, so nothing was written");
		else
			internal(c);
		return;
	}
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(j, "region", region) == NULL ||
	    cJSON_AddStringToObject(j, "key_id", kid) == NULL ||
	    cJSON_AddStringToObject(j, "since", t) == NULL) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, 201, j);
}

/* GET /api/audit?dossier=&user=&since=YYYY-MM-DD (auditors). */
static void
ep_audit(struct ctx *c)
{
	const char	*dossier = c->r->query(c->r->qarg, "dossier");
	const char	*user = c->r->query(c->r->qarg, "user");
	const char	*since = c->r->query(c->r->qarg, "since");
	struct tm	 tm;
	cJSON		*arr, *j;
	int		 y, m, d;

	if (dossier != NULL && dossier[0] == '\0')
		dossier = NULL;
	if (user != NULL && user[0] == '\0')
		user = NULL;
	if (since != NULL && since[0] == '\0')
		since = NULL;
	memset(&tm, 0, sizeof(tm));
	if ((dossier != NULL && !fields_uuid_valid(dossier,
	    strlen(dossier))) || (user != NULL &&
	    !account_login_valid(user)) || (since != NULL &&
	    fields_date_parse(since, strlen(since), &y, &m, &d) == -1)) {
		fail(c, 400, "bad_request", "dossier is an id, user a login, "
		    "since a date YYYY-MM-DD");
		return;
	}
	tm.tm_year = since != NULL ? y - 1900 : 0;
	tm.tm_mon = since != NULL ? m - 1 : 0;
	tm.tm_mday = since != NULL ? d : 1;
	if (audit(c, NULL, "audit list", nz(dossier), "", nz(user), false) ==
	    -1 || (arr = cli_audit_json(c->n, dossier, user, since != NULL ?
	    (int64_t)timegm(&tm) : -1)) == NULL) {
		internal(c);
		return;
	}
	if ((j = cJSON_CreateObject()) == NULL) {
		cJSON_Delete(arr);
		internal(c);
		return;
	}
	cJSON_AddItemToObject(j, "entries", arr);
	set_json(c, 200, j);
}

/* GET /api/audit/verify (auditors): as 'opora audit verify'. */
static void
ep_audit_verify(struct ctx *c)
{
	cJSON	*j;
	char	 why[256];
	int64_t	 entries = 0, cps = 0;
	int	 r;

	why[0] = '\0';
	if ((r = audit_verify(c->n, &entries, &cps, why, sizeof(why))) ==
	    -1) {
		internal(c);
		return;
	}
	(void)audit(c, NULL, "audit verify", "", "", r == 0 ? "holds" :
	    "damaged", false);
	if ((j = cJSON_CreateObject()) == NULL ||
	    cJSON_AddBoolToObject(j, "holds", r == 0) == NULL ||
	    cJSON_AddNumberToObject(j, "entries", (double)entries) == NULL ||
	    cJSON_AddNumberToObject(j, "checkpoints", (double)cps) == NULL ||
	    (r == 1 && cJSON_AddStringToObject(j, "fault", why) == NULL)) {
		cJSON_Delete(j);
		internal(c);
		return;
	}
	set_json(c, 200, j);
}

/* Split r->path "/api/a/b/c" into c->seg; false for anything else. */
static bool
split(struct ctx *c)
{
	const char	*p = c->r->path, *e;
	size_t		 n;

	if (strncmp(p, "/api/", 5) != 0)
		return (false);
	p += 5;
	for (c->nseg = 0; *p != '\0'; c->nseg++) {
		if (c->nseg == UIAPI_SEGMENTS)
			return (false);
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		if ((n = (size_t)(e - p)) == 0 || n > UIAPI_SEGMENT_MAX)
			return (false);
		memcpy(c->seg[c->nseg], p, n);
		c->seg[c->nseg][n] = '\0';
		p = *e == '/' ? e + 1 : e;
		if (*e == '/' && *p == '\0')
			return (false);
	}
	return (c->nseg > 0);
}

/* Whether Origin is https://HOST for the Host the request names. */
static bool
same_origin(const struct uiapi_req *r)
{
	size_t	 n;

	if (r->origin == NULL || r->host == NULL ||
	    strncmp(r->origin, "https://", 8) != 0)
		return (false);
	n = strlen(r->host);
	return (n > 0 && strlen(r->origin) == 8 + n &&
	    memcmp(r->origin + 8, r->host, n) == 0);
}

/* Find the session; false after answering 401 when there is none. */
static bool
session(struct ctx *c)
{
	int	 r;

	if (c->r->token == NULL) {
		fail(c, 401, "no_session", "log in first");
		return (false);
	}
	r = session_check(c->n->st, c->r->token, c->now, c->api->idle,
	    c->api->absolute, &c->s);
	if (r == 0)
		r = account_get(c->n->st, c->s.login, &c->acct);
	if (r == -1) {
		internal(c);
		return (false);
	}
	/* A lockout (failed logins: someone guessing) refuses new logins
	 * only; the sessions open go on, or a stranger who knows a login
	 * could throw its curator out.  Disabling the account ends them. */
	if (r == 1 || !c->acct.enabled) {
		fail(c, 401, "no_session", "the session has ended: log in "
		    "again");
		return (false);
	}
	c->have = true;
	return (true);
}

/* --- The endpoints ------------------------------------------------- */

/* The handlers that take their arguments from the path. */
static void
ep_login_get(struct ctx *c)
{
	fail(c, 405, "method", "use POST");
}

static void
ep_person_add(struct ctx *c)
{
	ep_record(c, NULL, "person", "add");
}

static void
ep_show_1(struct ctx *c)
{
	ep_show(c, c->seg[1]);
}

static void
ep_history_1(struct ctx *c)
{
	ep_history(c, c->seg[1]);
}

static void
ep_glass_1(struct ctx *c)
{
	ep_glass(c, c->seg[1]);
}

static void
ep_offer_1(struct ctx *c)
{
	ep_offer(c, c->seg[1]);
}

static void
ep_assign_1(struct ctx *c)
{
	ep_assign(c, c->seg[1]);
}

static void
ep_record_3(struct ctx *c)
{
	ep_record(c, c->seg[1], c->seg[2], c->seg[3]);
}

static void
ep_stats_1(struct ctx *c)
{
	ep_stats(c, c->seg[1]);
}

static void
ep_transfer_entry(struct ctx *c)
{
	ep_entry(c, true);
}

static void
ep_conflict_entry(struct ctx *c)
{
	ep_entry(c, false);
}

static void
ep_account_verb(struct ctx *c)
{
	ep_account_change(c, c->seg[1], c->seg[2]);
}

#define EP_PUBLIC	0x1	/* answered without a session (login) */
#define EP_FIRST	0x2	/* allowed before a one-time password is
				 * changed */
#define EP_NONE		(-1)	/* no role check before the handler: it
				 * decides on the dossier, or its own way */

/*
 * One endpoint: a request of method whose path after "/api/" matches
 * path ("*" one segment, "**" one or more) goes to fn, once the
 * account's role may do action on some dossier (access_any; else 403
 * with forbidden, or "your role may not do this").  A handler that
 * answers a read by setting c->out has it audited first as audit, with
 * the dossiers in c->out_ids and the detail c->out_detail (or "web"):
 * nothing is shown that the audit does not hold.  The first match wins.
 */
struct endpoint {
	const char	*method;
	const char	*path;
	int		 action;	/* enum access_action, or EP_NONE */
	const char	*forbidden;
	const char	*audit;
	void		(*fn)(struct ctx *);
	int		 flags;
};

static const char READ_DOSSIERS[] = "your role may not read dossiers";

static const struct endpoint endpoints[] = {
	{ "POST", "login", EP_NONE, NULL, NULL, ep_login, EP_PUBLIC },
	{ "GET", "login", EP_NONE, NULL, NULL, ep_login_get, EP_PUBLIC },
	{ "POST", "logout", EP_NONE, NULL, NULL, ep_logout, EP_FIRST },
	{ "GET", "me", EP_NONE, NULL, NULL, ep_me, EP_FIRST },
	{ "POST", "password", EP_NONE, NULL, NULL, ep_password, EP_FIRST },
	/* Curators. */
	{ "GET", "search", ACT_READ, READ_DOSSIERS, "search", ep_search, 0 },
	{ "GET", "caseload", ACT_READ, READ_DOSSIERS, "caseload",
	    ep_caseload, 0 },
	{ "POST", "persons", EP_NONE, NULL, NULL, ep_person_add, 0 },
	{ "GET", "dossiers/*", EP_NONE, NULL, NULL, ep_show_1, 0 },
	{ "GET", "dossiers/*/history", EP_NONE, NULL, NULL, ep_history_1, 0 },
	{ "POST", "dossiers/*/glass", EP_NONE, NULL, NULL, ep_glass_1, 0 },
	{ "POST", "dossiers/*/transfer/offer", EP_NONE, NULL, NULL,
	    ep_offer_1, 0 },
	{ "POST", "dossiers/*/assign", EP_NONE, NULL, NULL, ep_assign_1, 0 },
	{ "POST", "dossiers/*/*/*", EP_NONE, NULL, NULL, ep_record_3, 0 },
	/* Supervisors. */
	{ "GET", "transfers", ACT_DECIDE, NULL, "transfer list",
	    ep_transfers, 0 },
	{ "POST", "transfers/*/**", EP_NONE, NULL, NULL, ep_transfer_entry,
	    0 },
	{ "GET", "conflicts", ACT_DECIDE, NULL, "conflicts list",
	    ep_conflicts, 0 },
	{ "POST", "conflicts/*/**", EP_NONE, NULL, NULL, ep_conflict_entry,
	    0 },
	{ "GET", "duplicates", ACT_DECIDE, NULL, "duplicates", ep_duplicates,
	    0 },
	{ "GET", "duplicates/dismissed", ACT_DECIDE, NULL,
	    "duplicates dismissed", ep_dismissed, 0 },
	{ "GET", "duplicates/linked", ACT_DECIDE, NULL, "links", ep_linked,
	    0 },
	{ "POST", "duplicates/dismiss", ACT_DECIDE, NULL, NULL, ep_dismiss,
	    0 },
	{ "POST", "duplicates/undismiss", ACT_DECIDE, NULL, NULL,
	    ep_undismiss, 0 },
	{ "POST", "duplicates/link", ACT_DECIDE, NULL, NULL, ep_link, 0 },
	{ "POST", "duplicates/unlink", ACT_DECIDE, NULL, NULL, ep_unlink, 0 },
	{ "GET", "glass", ACT_DECIDE, NULL, "glass review", ep_glass_review,
	    0 },
	{ "GET", "dashboard", ACT_DECIDE, NULL, "dashboard", ep_dashboard,
	    0 },
	/* Researchers (the federal node). */
	{ "GET", "stats/*", EP_NONE, NULL, NULL, ep_stats_1, 0 },
	/* Admins. */
	{ "GET", "accounts", ACT_ACCOUNTS, NULL, "user list", ep_accounts,
	    0 },
	{ "POST", "accounts", ACT_ACCOUNTS, NULL, NULL, ep_account_add, 0 },
	{ "POST", "accounts/*/*", ACT_ACCOUNTS, NULL, NULL, ep_account_verb,
	    0 },
	{ "GET", "status", ACT_NODE, NULL, "status", ep_status, 0 },
	{ "GET", "rejected", ACT_NODE, NULL, "rejected list", ep_rejected,
	    0 },
	{ "GET", "lost", ACT_NODE, NULL, "lost list", ep_lost, 0 },
	{ "POST", "lost/acknowledge", ACT_NODE, NULL, NULL, ep_lost_ack, 0 },
	{ "POST", "lost/unacknowledge", ACT_NODE, NULL, NULL, ep_lost_unack,
	    0 },
	{ "GET", "peers", ACT_NODE, NULL, "peer list", ep_peers, 0 },
	{ "POST", "peers", ACT_NODE, NULL, NULL, ep_peer_add, 0 },
	{ "POST", "peers/*/*", ACT_NODE, NULL, NULL, ep_peer_verb, 0 },
	/* Auditors. */
	{ "GET", "audit", ACT_AUDIT, NULL, NULL, ep_audit, 0 },
	{ "GET", "audit/verify", ACT_AUDIT, NULL, NULL, ep_audit_verify, 0 },
};

/* Whether the path's segments c->seg match the pattern p. */
static bool
path_matches(const struct ctx *c, const char *p)
{
	const char	*e;
	size_t		 n;
	int		 i;

	for (i = 0; ; i++) {
		if (*p == '\0')
			return (i == c->nseg);
		if (i == c->nseg)
			return (false);
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 2 && memcmp(p, "**", 2) == 0)
			return (true);	/* one or more: i < c->nseg */
		if (!(n == 1 && *p == '*') && (strlen(c->seg[i]) != n ||
		    memcmp(c->seg[i], p, n) != 0))
			return (false);
		p = *e == '/' ? e + 1 : e;
	}
}

/* The endpoint of the request, or NULL. */
static const struct endpoint *
route(const struct ctx *c, bool post)
{
	size_t	 i;

	for (i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++)
		if (strcmp(endpoints[i].method, post ? "POST" : "GET") == 0 &&
		    path_matches(c, endpoints[i].path))
			return (&endpoints[i]);
	return (NULL);
}

/* Check the role, run the handler, audit and send its read. */
static void
run(struct ctx *c, const struct endpoint *e)
{
	if (e->action != EP_NONE && !access_any(c->acct.role,
	    (enum access_action)e->action)) {
		fail(c, 403, "forbidden", e->forbidden != NULL ?
		    e->forbidden : "your role may not do this");
		return;
	}
	e->fn(c);
	if (c->ans->status != 0 || c->out == NULL)
		return;
	/* Audited before anything is shown: a read of an endpoint that
	 * names no audit action is a bug, answered 500. */
	if (e->audit == NULL) {
		log_warnx("web api: %s /api/%s answers a read with no audit "
		    "action", e->method, e->path);
		internal(c);
		return;
	}
	if (audit(c, NULL, e->audit, nz(c->out_ids), "",
	    c->out_detail[0] != '\0' ? c->out_detail : "web", false) == -1) {
		fail(c, 500, "audit", "the read cannot be recorded in the "
		    "audit, so it is refused");
		return;
	}
	set_json(c, 200, c->out);
	c->out = NULL;
}

void
uiapi_handle(struct uiapi *api, const struct uiapi_req *r,
    struct uiapi_answer *ans)
{
	const struct endpoint	*e;
	struct ctx		 c;
	bool			 post = strcmp(r->method, "POST") == 0;
	bool			 get = strcmp(r->method, "GET") == 0;

	memset(&c, 0, sizeof(c));
	memset(ans, 0, sizeof(*ans));
	c.api = api;
	c.n = api->n;
	c.r = r;
	c.ans = ans;
	c.now = (int64_t)(node_now_ms() / 1000);
	if (!split(&c)) {
		fail(&c, 404, "not_found", "no such endpoint");
		return;
	}
	if (!post && !get) {
		fail(&c, 405, "method", "only GET and POST");
		return;
	}
	if (post) {
		/* A state-changing request: from the pages' own origin,
		 * with a JSON object for a body. */
		if (!same_origin(r)) {
			fail(&c, 403, "origin", "requests that change "
			    "something must come from this node's pages");
			return;
		}
		if (r->too_large) {
			fail(&c, 413, "too_large", "the request is too large");
			return;
		}
		if (uijson_parse(r->body, r->bodylen, &c.body) == -1) {
			fail(&c, 400, "bad_request", "the body is not a JSON "
			    "object of text fields");
			return;
		}
	}
	e = route(&c, post);
	if (e != NULL && (e->flags & EP_PUBLIC)) {
		e->fn(&c);
		goto out;
	}
	if (!session(&c))
		goto out;
	if (post && !session_csrf_ok(&c.s, r->csrf)) {
		fail(&c, 403, "csrf", "the request lacks this session's CSRF "
		    "token (X-CSRF-Token)");
		goto out;
	}
	/* With a one-time password, only me, password and logout. */
	if (c.acct.must_change && (e == NULL || !(e->flags & EP_FIRST))) {
		fail(&c, 403, "password_change_required", "choose a new "
		    "password first (POST /api/password)");
		goto out;
	}
	if (e == NULL) {
		fail(&c, 404, "not_found", "no such endpoint");
		goto out;
	}
	run(&c, e);
out:
	OPENSSL_cleanse(&c.s, sizeof(c.s));
	cJSON_Delete(c.body);
	cJSON_Delete(c.out);
	free(c.out_ids);
}
