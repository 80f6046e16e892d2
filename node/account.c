/*
 * node/account.c: accounts, passwords, TOTP and throttling (account.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <liboath/oath.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "node/account.h"
#include "node/store.h"
#include "protocol/log.h"

/* The list of data/common-passwords.txt, sorted in byte order, compiled
 * in by the Makefile (build/gen/common_passwords.c). */
extern const char *const account_common_list[];
extern const size_t account_common_count;

bool
account_login_valid(const char *login)
{
	size_t	 i, len = strlen(login);

	if (len == 0 || len > ACCOUNT_LOGIN_MAX || !(login[0] >= 'a' &&
	    login[0] <= 'z'))
		return (false);
	for (i = 0; i < len; i++)
		if (!((login[i] >= 'a' && login[i] <= 'z') ||
		    (login[i] >= '0' && login[i] <= '9') || login[i] == '.' ||
		    login[i] == '_' || login[i] == '-'))
			return (false);
	return (true);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

bool
account_password_common(const char *pw)
{
	char		 low[ACCOUNT_PASSWORD_MAX + 1];
	const char	*key = low;
	size_t		 i, len = strlen(pw);

	if (len > ACCOUNT_PASSWORD_MAX)
		return (false);
	for (i = 0; i <= len; i++)
		low[i] = (char)((pw[i] >= 'A' && pw[i] <= 'Z') ?
		    pw[i] - 'A' + 'a' : pw[i]);
	return (bsearch(&key, account_common_list, account_common_count,
	    sizeof(account_common_list[0]), cmp_str) != NULL);
}

int
account_password_policy(const char *pw, char *why, size_t whysz)
{
	size_t	 i, len = strlen(pw), chars = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (len > ACCOUNT_PASSWORD_MAX) {
		snprintf(why, whysz, "a password is at most %d bytes",
		    ACCOUNT_PASSWORD_MAX);
		return (-1);
	}
	if (chars < ACCOUNT_PASSWORD_MIN) {
		snprintf(why, whysz, "a password has at least %d characters",
		    ACCOUNT_PASSWORD_MIN);
		return (-1);
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			snprintf(why, whysz, "a password holds no control "
			    "characters");
			return (-1);
		}
	if (account_password_common(pw)) {
		snprintf(why, whysz, "this password is on the list of common "
		    "passwords; choose another");
		return (-1);
	}
	return (0);
}

int
account_hash(const char *pw, char *out, size_t outsz)
{
	uint8_t	 salt[ACCOUNT_SALT_LEN];
	int	 r;

	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		log_warnx("password hash: no random salt");
		return (-1);
	}
	r = argon2id_hash_encoded(ACCOUNT_ARGON2_T, ACCOUNT_ARGON2_M,
	    ACCOUNT_ARGON2_P, pw, strlen(pw), salt, sizeof(salt),
	    ACCOUNT_HASH_LEN, out, outsz);
	if (r != ARGON2_OK) {
		log_warnx("password hash: %s", argon2_error_message(r));
		return (-1);
	}
	return (0);
}

int
account_hash_check(const char *encoded, const char *pw)
{
	int	 r;

	if (strncmp(encoded, "$argon2id$", 10) != 0) {
		log_warnx("password check: not an Argon2id hash");
		return (-1);
	}
	r = argon2id_verify(encoded, pw, strlen(pw));
	if (r == ARGON2_OK)
		return (0);
	if (r == ARGON2_VERIFY_MISMATCH)
		return (1);
	log_warnx("password check: %s", argon2_error_message(r));
	return (-1);
}

int
account_new_password(char *out, size_t outsz)
{
	/* 54 symbols without 0/O, 1/l/I: 20 of them carry 115 bits. */
	static const char alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	uint8_t	 r[ACCOUNT_NEW_PASSWORD];
	size_t	 i, n = sizeof(alphabet) - 1;

	if (outsz <= ACCOUNT_NEW_PASSWORD || RAND_bytes(r, sizeof(r)) != 1)
		return (-1);
	/* 256 % 57 leaves a bias under 2%: 20 characters keep >110 bits. */
	for (i = 0; i < ACCOUNT_NEW_PASSWORD; i++)
		out[i] = alphabet[r[i] % n];
	out[ACCOUNT_NEW_PASSWORD] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return (0);
}

static int
oath_ready(void)
{
	static int	 done;

	if (!done) {
		if (oath_init() != OATH_OK) {
			log_warnx("liboath does not initialise");
			return (-1);
		}
		done = 1;
	}
	return (0);
}

int
account_totp_code(const uint8_t *secret, size_t len, int64_t t,
    unsigned digits, char *out)
{
	if (oath_ready() == -1 || digits < 6 || digits > 8 || t < 0)
		return (-1);
	if (oath_totp_generate((const char *)secret, len, (time_t)t,
	    ACCOUNT_TOTP_STEP, 0, digits, out) != OATH_OK)
		return (-1);
	return (0);
}

int
account_totp_check(const uint8_t *secret, size_t len, int64_t t,
    const char *code)
{
	size_t	 i, n = strlen(code);

	if (oath_ready() == -1 || n != ACCOUNT_TOTP_DIGITS || t < 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return (-1);
	if (oath_totp_validate((const char *)secret, len, (time_t)t,
	    ACCOUNT_TOTP_STEP, 0, ACCOUNT_TOTP_WINDOW, code) < 0)
		return (-1);
	return (0);
}

int
account_totp_uri(const char *login, const char *issuer, const uint8_t *secret,
    size_t len, char *out, size_t outsz)
{
	char	*b32 = NULL;
	size_t	 b32len = 0;
	int	 n, rc = -1;

	if (oath_ready() == -1 || oath_base32_encode((const char *)secret,
	    len, &b32, &b32len) != OATH_OK)
		return (-1);
	n = snprintf(out, outsz, "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&algorithm=SHA1&digits=%d&period=%d", issuer, login, b32, issuer,
	    ACCOUNT_TOTP_DIGITS, ACCOUNT_TOTP_STEP);
	if (n > 0 && (size_t)n < outsz)
		rc = 0;
	free(b32);
	return (rc);
}

int64_t
throttle_wait(const struct throttle *t, int64_t now)
{
	int64_t	 delay, until;

	if (now - t->window >= ACCOUNT_WINDOW_S)
		return (0);	/* a new hour */
	if (t->failures >= ACCOUNT_FAILS_HOUR)
		return (t->window + ACCOUNT_WINDOW_S - now);
	if (t->failures <= ACCOUNT_FAILS_FREE)
		return (0);
	delay = t->failures - ACCOUNT_FAILS_FREE - 1 >= 9 ? ACCOUNT_DELAY_MAX :
	    (int64_t)1 << (t->failures - ACCOUNT_FAILS_FREE - 1);
	if (delay > ACCOUNT_DELAY_MAX)
		delay = ACCOUNT_DELAY_MAX;
	until = t->last + delay;
	return (until > now ? until - now : 0);
}

void
throttle_fail(struct throttle *t, int64_t now)
{
	if (now - t->window >= ACCOUNT_WINDOW_S) {
		t->window = now;
		t->failures = 0;
	}
	if (t->failures < ACCOUNT_FAILS_HOUR)
		t->failures++;
	t->last = now;
}

/* ---- the store ---- */

static const char SQL_GET[] =
    "SELECT login, name, role, centre, enabled, locked, must_change,"
    " totp IS NOT NULL, created FROM accounts WHERE login = ?";
static const char SQL_EACH[] =
    "SELECT login, name, role, centre, enabled, locked, must_change,"
    " totp IS NOT NULL, created FROM accounts ORDER BY login";
static const char SQL_COUNT[] = "SELECT count(*) FROM accounts";
static const char SQL_ADD[] =
    "INSERT INTO accounts (login, name, role, centre, phash, totp,"
    " enabled, locked, must_change, created, changed)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?9, ?9)"
    " ON CONFLICT (login) DO NOTHING";
static const char SQL_UPDATE[] =
    "UPDATE accounts SET name = ?2, role = ?3, centre = ?4, enabled = ?5,"
    " locked = ?6 WHERE login = ?1";
static const char SQL_SET_PASSWORD[] =
    "UPDATE accounts SET phash = ?2, must_change = ?3 WHERE login = ?1";
static const char SQL_SET_TOTP[] =
    "UPDATE accounts SET totp = ?2 WHERE login = ?1";
static const char SQL_END_SESSIONS[] = "DELETE FROM sessions WHERE login = ?";
static const char SQL_SECRETS[] =
    "SELECT phash, totp FROM accounts WHERE login = ?";
static const char SQL_LOCK[] = "UPDATE accounts SET locked = 1 WHERE login = ?";
static const char SQL_THR_GET[] =
    "SELECT failures, window, last FROM throttle WHERE key = ?";
static const char SQL_THR_PUT[] =
    "INSERT INTO throttle (key, failures, window, last) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,"
    " window = excluded.window, last = excluded.last";
static const char SQL_THR_DEL[] = "DELETE FROM throttle WHERE key = ?";
static const char SQL_CENTRE_GET[] =
    "SELECT centre FROM dossier_centres WHERE dossier = ?";
static const char SQL_CENTRE_PUT[] =
    "INSERT INTO dossier_centres (dossier, centre, at) VALUES (?, ?, ?)"
    " ON CONFLICT (dossier) DO UPDATE SET centre = excluded.centre,"
    " at = excluded.at";

static void
copy_col(sqlite3_stmt *s, int col, char *out, size_t outsz)
{
	const char	*v = (const char *)sqlite3_column_text(s, col);

	snprintf(out, outsz, "%s", v != NULL ? v : "");
}

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
account_get(struct store *st, const char *login, struct account *a)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = store_stmt(st, SQL_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	/* store_step says why it failed (an I/O error is no damage). */
	if ((r = store_step(st, s)) == STORE_ROW)
		rc = row_account(s, a);
	else if (r == STORE_DONE)
		rc = 1;
out:
	sqlite3_reset(s);
	return (rc);
}

int64_t
account_count(struct store *st)
{
	return (store_count(st, SQL_COUNT));
}

int
account_other_admin(struct store *st, const char *login)
{
	static const char sql[] = "SELECT count(*) FROM accounts WHERE"
	    " role = 'admin' AND enabled = 1 AND login <> ?";
	sqlite3_stmt	*s;
	int		 r = -1;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) == SQLITE_OK &&
	    store_step(st, s) == STORE_ROW)
		r = sqlite3_column_int(s, 0) > 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r);
}

static int
step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	 r = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != SQLITE_DONE) {
		log_warnx("%s: %s", what, sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

int
account_add(struct store *st, const struct account *a, const char *pw,
    const uint8_t *totp, size_t totplen, int64_t now)
{
	sqlite3_stmt	*s;
	char		 h[ACCOUNT_HASH_MAX];
	int		 rc;

	if (account_hash(pw, h, sizeof(h)) == -1)
		return (-1);
	if ((s = store_stmt(st, SQL_ADD)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, a->login, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, a->name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, access_role_name(a->role), -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, a->centre, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 5, h, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (totp != NULL ? sqlite3_bind_blob(s, 6, totp, (int)totplen,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 6)) != SQLITE_OK ||
	    sqlite3_bind_int(s, 7, a->enabled) != SQLITE_OK ||
	    sqlite3_bind_int(s, 8, a->must_change) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 9, now) != SQLITE_OK) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	if (step_done(st, s, "account add") == -1)
		return (-1);
	rc = sqlite3_changes(store_db(st)) == 1 ? 0 : 1;
	OPENSSL_cleanse(h, sizeof(h));
	return (rc);
}

static int
end_sessions(struct store *st, const char *login)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_END_SESSIONS)) == NULL ||
	    sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) != SQLITE_OK)
		return (-1);
	return (step_done(st, s, "end sessions"));
}

int
account_update(struct store *st, const struct account *a)
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
	    sqlite3_bind_int(s, 6, a->locked) != SQLITE_OK) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	if (step_done(st, s, "account update") == -1)
		return (-1);
	if (!a->enabled && end_sessions(st, a->login) == -1)
		return (-1);
	return (0);
}

int
account_set_password(struct store *st, const char *login, const char *pw,
    bool must_change)
{
	sqlite3_stmt	*s;
	char		 h[ACCOUNT_HASH_MAX];
	int		 rc = -1;

	if (account_hash(pw, h, sizeof(h)) == -1)
		return (-1);
	if ((s = store_stmt(st, SQL_SET_PASSWORD)) == NULL)
		goto out;
	if (sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, h, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, must_change) != SQLITE_OK) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		goto out;
	}
	if (step_done(st, s, "account password") == -1 ||
	    end_sessions(st, login) == -1)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(h, sizeof(h));
	return (rc);
}

int
account_set_totp(struct store *st, const char *login, const uint8_t *secret,
    size_t len)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_SET_TOTP)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (secret != NULL ? sqlite3_bind_blob(s, 2, secret, (int)len,
	    SQLITE_STATIC) : sqlite3_bind_null(s, 2)) != SQLITE_OK) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (step_done(st, s, "account totp"));
}

int
account_each(struct store *st, int (*fn)(const struct account *, void *),
    void *arg)
{
	sqlite3_stmt	*s;
	struct account	 a;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_EACH)) == NULL)
		return (-1);
	while ((r = sqlite3_step(s)) == SQLITE_ROW) {
		if (row_account(s, &a) == -1) {
			rc = -1;
			break;
		}
		if ((rc = fn(&a, arg)) != 0)
			break;
	}
	if (rc == 0 && r != SQLITE_DONE) {
		log_warnx("account list: %s", sqlite3_errmsg(store_db(st)));
		rc = -1;
	}
	sqlite3_reset(s);
	return (rc);
}

static int
thr_get(struct store *st, const char *key, struct throttle *t)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	memset(t, 0, sizeof(*t));
	if ((s = store_stmt(st, SQL_THR_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((r = sqlite3_step(s)) == SQLITE_ROW) {
		t->failures = sqlite3_column_int64(s, 0);
		t->window = sqlite3_column_int64(s, 1);
		t->last = sqlite3_column_int64(s, 2);
		rc = 0;
	} else if (r == SQLITE_DONE) {
		t->window = INT64_MIN / 2;	/* no failure yet */
		rc = 0;
	}
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

static int
thr_put(struct store *st, const char *key, const struct throttle *t)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_THR_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, t->failures) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, t->window) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, t->last) != SQLITE_OK) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (step_done(st, s, "throttle"));
}

static int
thr_del(struct store *st, const char *key)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_THR_DEL)) == NULL ||
	    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC) != SQLITE_OK)
		return (-1);
	return (step_done(st, s, "throttle"));
}

/* The secrets of login: 0 with the hash in h and the TOTP secret in totp
 * (*totplen 0: none), 1 when there is no such account, -1. */
static int
secrets(struct store *st, const char *login, char *h, size_t hsz,
    uint8_t *totp, size_t *totplen)
{
	sqlite3_stmt	*s;
	const void	*b;
	int		 r, n, rc = -1;

	*totplen = 0;
	if ((s = store_stmt(st, SQL_SECRETS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((r = sqlite3_step(s)) == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (r != SQLITE_ROW)
		goto out;
	copy_col(s, 0, h, hsz);
	b = sqlite3_column_blob(s, 1);
	n = sqlite3_column_bytes(s, 1);
	if (b != NULL && n > 0 && n <= ACCOUNT_TOTP_LEN * 2) {
		memcpy(totp, b, (size_t)n);
		*totplen = (size_t)n;
	}
	rc = 0;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
account_login(struct store *st, const char *login, const char *pw,
    const char *code, const char *addr, int64_t now, struct account *a,
    int64_t *wait)
{
	/* A valid hash of a random password, checked for a name that does
	 * not exist, so that the answer takes as long either way. */
	static char	 dummy[ACCOUNT_HASH_MAX];
	struct throttle	 ta, tn;
	char		 kacct[8 + ACCOUNT_LOGIN_MAX + 1], kaddr[8 + 64];
	char		 h[ACCOUNT_HASH_MAX];
	uint8_t		 totp[ACCOUNT_TOTP_LEN * 2];
	size_t		 totplen = 0;
	int64_t		 w1, w2;
	int		 known, r, good = 0, rc = -1;
	bool		 was_locked;

	*wait = 0;
	snprintf(kacct, sizeof(kacct), "account:%.*s", ACCOUNT_LOGIN_MAX,
	    login);
	snprintf(kaddr, sizeof(kaddr), "address:%.60s", addr);
	if (thr_get(st, kacct, &ta) == -1 || thr_get(st, kaddr, &tn) == -1)
		return (-1);
	w1 = throttle_wait(&ta, now);
	w2 = throttle_wait(&tn, now);
	if (w1 > 0 || w2 > 0) {
		*wait = w1 > w2 ? w1 : w2;
		return (ACCOUNT_WAIT);
	}
	if (strlen(pw) > ACCOUNT_PASSWORD_MAX || !account_login_valid(login))
		known = 1;
	else if ((known = secrets(st, login, h, sizeof(h), totp,
	    &totplen)) == -1)
		return (-1);
	if (known == 1) {
		if (dummy[0] == '\0' && account_hash("not a password at all",
		    dummy, sizeof(dummy)) == -1)
			return (-1);
		(void)account_hash_check(dummy, pw);
	} else {
		if ((r = account_hash_check(h, pw)) == -1 ||
		    account_get(st, login, a) != 0)
			goto out;
		good = r == 0 && a->enabled &&
		    !a->locked && (totplen == 0 || (code != NULL &&
		    account_totp_check(totp, totplen, now, code) == 0));
	}
	if (good) {
		if (thr_del(st, kacct) == -1)
			goto out;
		rc = ACCOUNT_OK;
		goto out;
	}
	throttle_fail(&ta, now);
	throttle_fail(&tn, now);
	if (thr_put(st, kacct, &ta) == -1 || thr_put(st, kaddr, &tn) == -1)
		goto out;
	rc = ACCOUNT_WRONG;
	was_locked = known == 0 && a->locked;
	if (known == 0 && !was_locked && ta.failures >= ACCOUNT_LOCK_FAILS) {
		sqlite3_stmt	*s;

		if ((s = store_stmt(st, SQL_LOCK)) == NULL ||
		    sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) !=
		    SQLITE_OK || step_done(st, s, "account lock") == -1) {
			rc = -1;
			goto out;
		}
		a->locked = true;
		rc = ACCOUNT_LOCKED;
	}
out:
	OPENSSL_cleanse(h, sizeof(h));
	OPENSSL_cleanse(totp, sizeof(totp));
	return (rc);
}

int
account_unlock(struct store *st, const char *login)
{
	struct account	 a;
	char		 key[8 + ACCOUNT_LOGIN_MAX + 1];

	if (account_get(st, login, &a) != 0)
		return (-1);
	a.locked = false;
	snprintf(key, sizeof(key), "account:%s", login);
	if (account_update(st, &a) == -1 || thr_del(st, key) == -1)
		return (-1);
	return (0);
}

int
account_dossier_centre(struct store *st, const char *dossier, char *out,
    size_t outsz)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	if ((s = store_stmt(st, SQL_CENTRE_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((r = sqlite3_step(s)) == SQLITE_ROW) {
		copy_col(s, 0, out, outsz);
		rc = 0;
	} else if (r == SQLITE_DONE)
		rc = 1;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
account_assign(struct store *st, const char *dossier, const char *centre,
    int64_t now)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_CENTRE_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, centre, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, now) != SQLITE_OK) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (step_done(st, s, "assign"));
}
