/*
 * node/store_account.c: accounts, throttle, sessions, session_glass,
 * dossier_centres.  See store_account.h.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_account.h"
#include "node/store_run.h"
#include "protocol/log.h"

static const char SQL_GET[] =
    "SELECT login, name, role, centre, enabled, locked, must_change,"
    " totp IS NOT NULL, created FROM accounts WHERE login = ?1";
static const char SQL_EACH[] =
    "SELECT login, name, role, centre, enabled, locked, must_change,"
    " totp IS NOT NULL, created FROM accounts ORDER BY login";
static const char SQL_COUNT[] = "SELECT count(*) FROM accounts";
static const char SQL_OTHER_ADMIN[] =
    "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'admin'"
    " AND enabled = 1 AND login <> ?1)";
static const char SQL_ADD[] =
    "INSERT INTO accounts (login, name, role, centre, phash, totp,"
    " enabled, locked, must_change, created, changed)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, ?9)"
    " ON CONFLICT (login) DO NOTHING";
static const char SQL_UPDATE[] =
    "UPDATE accounts SET name = ?2, role = ?3, centre = ?4, enabled = ?5,"
    " locked = ?6 WHERE login = ?1";
static const char SQL_SET_PHASH[] =
    "UPDATE accounts SET phash = ?2, must_change = ?3 WHERE login = ?1";
static const char SQL_SET_TOTP[] =
    "UPDATE accounts SET totp = ?2 WHERE login = ?1";
static const char SQL_LOCK[] =
    "UPDATE accounts SET locked = 1 WHERE login = ?1";
static const char SQL_SECRETS[] =
    "SELECT phash, totp FROM accounts WHERE login = ?1";
static const char SQL_THR_GET[] =
    "SELECT failures, window, last FROM throttle WHERE key = ?1";
static const char SQL_THR_PUT[] =
    "INSERT INTO throttle (key, failures, window, last)"
    " VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,"
    " window = excluded.window, last = excluded.last";
static const char SQL_THR_DEL[] = "DELETE FROM throttle WHERE key = ?1";
static const char SQL_SES_PUT[] =
    "INSERT INTO sessions (hash, login, csrf, created, last_seen)"
    " VALUES (?1, ?2, ?3, ?4, ?4)";
static const char SQL_SES_GET[] =
    "SELECT login, csrf, created, last_seen FROM sessions WHERE hash = ?1";
static const char SQL_SES_TOUCH[] =
    "UPDATE sessions SET last_seen = ?2 WHERE hash = ?1";
static const char SQL_SES_DEL[] = "DELETE FROM sessions WHERE hash = ?1";
static const char SQL_SES_SWEEP[] =
    "DELETE FROM sessions WHERE last_seen <= ?1 OR created <= ?2";
static const char SQL_THR_SWEEP[] = "DELETE FROM throttle WHERE window < ?1";
static const char SQL_SES_DEL_LOGIN[] =
    "DELETE FROM sessions WHERE login = ?1";
static const char SQL_GLASS_PUT[] =
    "INSERT INTO session_glass (session, dossier, reason, at)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";
static const char SQL_GLASS_HAS[] =
    "SELECT EXISTS (SELECT 1 FROM session_glass WHERE session = ?1"
    " AND dossier = ?2)";
static const char SQL_CENTRE_GET[] =
    "SELECT centre FROM dossier_centres WHERE dossier = ?1";
static const char SQL_CENTRE_PUT[] =
    "INSERT INTO dossier_centres (dossier, centre, at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (dossier) DO UPDATE SET centre = excluded.centre,"
    " at = excluded.at";
static const char SQL_CUSTODIAN[] =
    "SELECT custodian FROM persons WHERE dossier = ?1";
static const char SQL_PERSON_IDS[] =
    "SELECT dossier FROM persons ORDER BY dossier";

#define WHAT	"accounts"

static int
bind_failed(struct store *st, sqlite3_stmt *s)
{
	return (store_bind_failed(st, s, WHAT));
}

static sqlite3_stmt *
with_text(struct store *st, const char *sql, const char *a, const char *b)
{
	return (store_bound(st, sql, WHAT, a, b));
}

/* Run sql binding text a as ?1 (and b as ?2 unless NULL).  0 / -1. */
static int
run_text(struct store *st, const char *sql, const char *a, const char *b)
{
	return (store_run_text(st, sql, WHAT, a, b));
}

/* The same with the session hash h as ?1. */
static sqlite3_stmt *
with_hash(struct store *st, const char *sql,
    const uint8_t h[STORE_SESSION_HASH])
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql)) == NULL)
		return (NULL);
	if (sqlite3_bind_blob(s, 1, h, STORE_SESSION_HASH, SQLITE_STATIC) !=
	    SQLITE_OK) {
		(void)bind_failed(st, s);
		return (NULL);
	}
	return (s);
}

/* The single integer of a one-row statement s (stepped and reset), or
 * -1. */
static int64_t
one_int(struct store *st, sqlite3_stmt *s)
{
	int64_t	 v = -1;

	if (s == NULL)
		return (-1);
	if (store_step(st, s) == STORE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (v);
}

static void
copy_col(sqlite3_stmt *s, int col, char *out, size_t outsz)
{
	const char	*v = (const char *)sqlite3_column_text(s, col);

	snprintf(out, outsz, "%s", v != NULL ? v : "");
}

/* A row of SQL_GET or SQL_EACH into *a.  0, or -1 for an unknown role. */
static int
row_account(sqlite3_stmt *s, struct account *a)
{
	const char	*role = (const char *)sqlite3_column_text(s, 2);

	memset(a, 0, sizeof(*a));
	copy_col(s, 0, a->login, sizeof(a->login));
	copy_col(s, 1, a->name, sizeof(a->name));
	copy_col(s, 3, a->centre, sizeof(a->centre));
	if (role == NULL || access_role_parse(role, &a->role) == -1) {
		log_warnx("account %s: unknown role", a->login);
		return (-1);
	}
	a->enabled = sqlite3_column_int(s, 4) != 0;
	a->locked = sqlite3_column_int(s, 5) != 0;
	a->must_change = sqlite3_column_int(s, 6) != 0;
	a->has_totp = sqlite3_column_int(s, 7) != 0;
	a->created = sqlite3_column_int64(s, 8);
	return (0);
}

int
store_account_get(struct store *st, const char *login, struct account *a)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = with_text(st, SQL_GET, login, NULL)) == NULL)
		return (-1);
	/* store_step says why it failed (an I/O error is no damage). */
	if ((r = store_step(st, s)) == STORE_ROW)
		rc = row_account(s, a);
	else if (r == STORE_DONE)
		rc = 1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int64_t
store_account_count(struct store *st)
{
	return (store_count(st, SQL_COUNT));
}

int
store_account_other_admin(struct store *st, const char *login)
{
	int64_t	 v;

	v = one_int(st, with_text(st, SQL_OTHER_ADMIN, login, NULL));
	return (v == -1 ? -1 : v > 0);
}

int
store_account_each(struct store *st,
    int (*fn)(const struct account *, void *), void *arg)
{
	sqlite3_stmt	*s;
	struct account	 a;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_EACH)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if (row_account(s, &a) == -1) {
			rc = -1;
			break;
		}
		if ((rc = fn(&a, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}

int
store_account_insert(struct store *st, const struct account *a,
    const char *phash, const uint8_t *totp, size_t totplen, int64_t now)
{
	sqlite3_stmt	*s;
	int		 k;

	if ((s = store_stmt(st, SQL_ADD)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, a->login, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, a->name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, access_role_name(a->role), -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, a->centre, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 5, phash, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (totp != NULL ? sqlite3_bind_blob(s, 6, totp, (int)totplen,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 6)) != SQLITE_OK ||
	    sqlite3_bind_int(s, 7, a->enabled) != SQLITE_OK ||
	    sqlite3_bind_int(s, 8, a->must_change) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 9, now) != SQLITE_OK)
		return (bind_failed(st, s));
	if ((k = store_run(st, s)) == -1)
		return (-1);
	return (k == 1 ? 0 : 1);
}

int
store_account_update(struct store *st, const struct account *a)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_UPDATE)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, a->login, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, a->name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, access_role_name(a->role), -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, a->centre, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int(s, 5, a->enabled) != SQLITE_OK ||
	    sqlite3_bind_int(s, 6, a->locked) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_account_set_phash(struct store *st, const char *login,
    const char *phash, bool must_change)
{
	sqlite3_stmt	*s;

	if ((s = with_text(st, SQL_SET_PHASH, login, phash)) == NULL)
		return (-1);
	if (sqlite3_bind_int(s, 3, must_change) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_account_set_totp(struct store *st, const char *login,
    const uint8_t *secret, size_t len)
{
	sqlite3_stmt	*s;

	if ((s = with_text(st, SQL_SET_TOTP, login, NULL)) == NULL)
		return (-1);
	if ((secret != NULL ? sqlite3_bind_blob(s, 2, secret, (int)len,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 2)) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_account_lock(struct store *st, const char *login)
{
	return (run_text(st, SQL_LOCK, login, NULL));
}

int
store_account_secrets(struct store *st, const char *login, char *h,
    size_t hsz, uint8_t *totp, size_t totpsz, size_t *totplen)
{
	sqlite3_stmt	*s;
	const char	*v;
	const void	*b;
	int		 r, n, rc = -1;

	*totplen = 0;
	h[0] = '\0';
	if ((s = with_text(st, SQL_SECRETS, login, NULL)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (r == STORE_ROW) {
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    strlen(v) < hsz)
			memcpy(h, v, strlen(v) + 1);
		b = sqlite3_column_blob(s, 1);
		n = sqlite3_column_bytes(s, 1);
		if (b != NULL && n > 0 && (size_t)n <= totpsz) {
			memcpy(totp, b, (size_t)n);
			*totplen = (size_t)n;
		}
		rc = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_throttle_get(struct store *st, const char *key, struct throttle *t)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	memset(t, 0, sizeof(*t));
	if ((s = with_text(st, SQL_THR_GET, key, NULL)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		t->failures = sqlite3_column_int64(s, 0);
		t->window = sqlite3_column_int64(s, 1);
		t->last = sqlite3_column_int64(s, 2);
		rc = 0;
	} else if (r == STORE_DONE)
		rc = 1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_throttle_put(struct store *st, const char *key,
    const struct throttle *t)
{
	sqlite3_stmt	*s;

	if ((s = with_text(st, SQL_THR_PUT, key, NULL)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 2, t->failures) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, t->window) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, t->last) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_throttle_delete(struct store *st, const char *key)
{
	return (run_text(st, SQL_THR_DEL, key, NULL));
}

int
store_session_insert(struct store *st, const uint8_t h[STORE_SESSION_HASH],
    const char *login, const char *csrf, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = with_hash(st, SQL_SES_PUT, h)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, now) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_session_get(struct store *st, const uint8_t h[STORE_SESSION_HASH],
    struct session *out)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = with_hash(st, SQL_SES_GET, h)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (r == STORE_ROW) {
		memset(out, 0, sizeof(*out));
		copy_col(s, 0, out->login, sizeof(out->login));
		copy_col(s, 1, out->csrf, sizeof(out->csrf));
		out->created = sqlite3_column_int64(s, 2);
		out->last_seen = sqlite3_column_int64(s, 3);
		rc = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_session_touch(struct store *st, const uint8_t h[STORE_SESSION_HASH],
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = with_hash(st, SQL_SES_TOUCH, h)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 2, now) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_session_delete(struct store *st, const uint8_t h[STORE_SESSION_HASH])
{
	sqlite3_stmt	*s;

	if ((s = with_hash(st, SQL_SES_DEL, h)) == NULL)
		return (-1);
	return (store_run_done(st, s));
}

int
store_session_delete_login(struct store *st, const char *login)
{
	return (run_text(st, SQL_SES_DEL_LOGIN, login, NULL));
}

int
store_sessions_sweep(struct store *st, int64_t seen_before,
    int64_t made_before, int64_t throttle_before)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_SES_SWEEP)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, seen_before) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, made_before) != SQLITE_OK)
		return (bind_failed(st, s));
	if (store_run_done(st, s) == -1)
		return (-1);
	if ((s = store_stmt(st, SQL_THR_SWEEP)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, throttle_before) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_session_glass_insert(struct store *st,
    const uint8_t h[STORE_SESSION_HASH], const char *dossier,
    const char *reason, int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = with_hash(st, SQL_GLASS_PUT, h)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 2, dossier, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, now) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_session_glass_has(struct store *st,
    const uint8_t h[STORE_SESSION_HASH], const char *dossier)
{
	sqlite3_stmt	*s;
	int64_t		 v;

	if ((s = with_hash(st, SQL_GLASS_HAS, h)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 2, dossier, -1, SQLITE_STATIC) != SQLITE_OK)
		return (bind_failed(st, s));
	v = one_int(st, s);
	return (v == -1 ? -1 : v > 0);
}

/* The text of the first column of the one row sql (?1 = key) returns
 * into out: 0, 1 when it returns none, -1. */
static int
one_text(struct store *st, const char *sql, const char *key, char *out,
    size_t outsz)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = with_text(st, sql, key, NULL)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW) {
		copy_col(s, 0, out, outsz);
		rc = 0;
	} else if (r == STORE_DONE)
		rc = 1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_centre_get(struct store *st, const char *dossier, char *out,
    size_t outsz)
{
	return (one_text(st, SQL_CENTRE_GET, dossier, out, outsz));
}

int
store_centre_put(struct store *st, const char *dossier, const char *centre,
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = with_text(st, SQL_CENTRE_PUT, dossier, centre)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 3, now) != SQLITE_OK)
		return (bind_failed(st, s));
	return (store_run_done(st, s));
}

int
store_person_custodian(struct store *st, const char *dossier, char *out,
    size_t outsz)
{
	return (one_text(st, SQL_CUSTODIAN, dossier, out, outsz));
}

int
store_person_ids(struct store *st, int (*fn)(const char *, void *),
    void *arg)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_PERSON_IDS)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW)
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    (rc = fn(v, arg)) != 0)
			break;
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}
