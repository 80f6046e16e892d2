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

#include "node/account.h"
#include "node/store_account.h"
#include "protocol/esc.h"
#include "protocol/log.h"

/* The list of data/common-passwords.txt, sorted in byte order, compiled
 * in by the Makefile (build/gen/common_passwords.c): the words one after
 * another, each ended by a NUL, and the offset of each. */
extern const char account_common_text[];
extern const unsigned int account_common_at[];
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

/* bsearch's comparison: the key, a string, with a word's offset. */
static int
cmp_word(const void *key, const void *at)
{
	return (strcmp(key, account_common_text + *(const unsigned int *)at));
}

bool
account_password_common(const char *pw)
{
	char		 low[ACCOUNT_PASSWORD_MAX + 1];
	size_t		 i, len = strlen(pw);

	if (len > ACCOUNT_PASSWORD_MAX)
		return (false);
	for (i = 0; i <= len; i++)
		low[i] = (char)((pw[i] >= 'A' && pw[i] <= 'Z') ?
		    pw[i] - 'A' + 'a' : pw[i]);
	return (bsearch(low, account_common_at, account_common_count,
	    sizeof(account_common_at[0]), cmp_word) != NULL);
}

int
account_password_policy(const char *pw, char *why, size_t whysz)
{
	char	 shown[4 * ACCOUNT_PASSWORD_MAX + 8];
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
	/* Nothing a terminal or a page would show other than typed (esc.h:
	 * controls, C1, the characters that reorder a line, bytes that are
	 * not UTF-8): what is typed must be what can be seen. */
	if (strcmp(esc_controls(pw, shown, sizeof(shown)), pw) != 0) {
		snprintf(why, whysz, "a password holds no control characters, "
		    "no characters that change the direction of the text, and "
		    "only UTF-8");
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

/* account_totp_check, and the time step the code is of in *step. */
static int
totp_match(const uint8_t *secret, size_t len, int64_t t, const char *code,
    int64_t *step)
{
	size_t	 i, n = strlen(code);
	int	 pos = 0;

	if (oath_ready() == -1 || n != ACCOUNT_TOTP_DIGITS || t < 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return (-1);
	if (oath_totp_validate2((const char *)secret, len, (time_t)t,
	    ACCOUNT_TOTP_STEP, 0, ACCOUNT_TOTP_WINDOW, &pos, code) < 0)
		return (-1);
	*step = t / ACCOUNT_TOTP_STEP + pos;
	return (0);
}

int
account_totp_check(const uint8_t *secret, size_t len, int64_t t,
    const char *code)
{
	int64_t	 step;

	return (totp_match(secret, len, t, code, &step));
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

/* ---- the store (node/store_account.h holds the SQL) ---- */

int
account_get(struct store *st, const char *login, struct account *a)
{
	return (store_account_get(st, login, a));
}

int64_t
account_count(struct store *st)
{
	return (store_account_count(st));
}

int
account_other_admin(struct store *st, const char *login)
{
	return (store_account_other_admin(st, login));
}

int
account_add(struct store *st, const struct account *a, const char *pw,
    const uint8_t *totp, size_t totplen, int64_t now)
{
	char	 h[ACCOUNT_HASH_MAX];
	int	 rc;

	if (account_hash(pw, h, sizeof(h)) == -1)
		return (-1);
	rc = store_account_insert(st, a, h, totp, totplen, now);
	OPENSSL_cleanse(h, sizeof(h));
	return (rc);
}

int
account_update(struct store *st, const struct account *a)
{
	struct account	 was;
	int		 r;

	/* A session carries what its login proved: one opened by a curator
	 * with a password alone must not go on as an admin's, who logs in
	 * with a second factor too.  A new role (or centre) ends them. */
	if ((r = store_account_get(st, a->login, &was)) == -1)
		return (-1);
	if (store_account_update(st, a) == -1)
		return (-1);
	if ((!a->enabled || (r == 0 && (was.role != a->role ||
	    strcmp(was.centre, a->centre) != 0))) &&
	    store_session_delete_login(st, a->login) == -1)
		return (-1);
	return (0);
}

int
account_set_password(struct store *st, const char *login, const char *pw,
    bool must_change)
{
	char	 h[ACCOUNT_HASH_MAX];
	int	 rc = -1;

	if (account_hash(pw, h, sizeof(h)) == 0)
		rc = account_set_hash(st, login, h, must_change);
	OPENSSL_cleanse(h, sizeof(h));
	return (rc);
}

int
account_set_hash(struct store *st, const char *login, const char *h,
    bool must_change)
{
	if (store_account_set_phash(st, login, h, must_change) == -1 ||
	    store_session_delete_login(st, login) == -1)
		return (-1);
	return (0);
}

int
account_set_totp(struct store *st, const char *login, const uint8_t *secret,
    size_t len)
{
	return (store_account_set_totp(st, login, secret, len));
}

int
account_each(struct store *st, int (*fn)(const struct account *, void *),
    void *arg)
{
	return (store_account_each(st, fn, arg));
}

/* The counters of key: a key without failures has none in its hour. */
static int
thr_get(struct store *st, const char *key, struct throttle *t)
{
	int	 r;

	if ((r = store_throttle_get(st, key, t)) == 1)
		t->window = INT64_MIN / 2;	/* no failure yet */
	return (r == -1 ? -1 : 0);
}

/*
 * A second factor's code opens one login (RFC 6238, section 5.2): the
 * time step of the last code that did is kept (in throttle, under
 * "totp:LOGIN", as last), and a code of that step or an earlier one is
 * refused, as someone who saw it being typed would use it.  1 when the
 * code of step may open this login (and is now spent), 0 when it was
 * used, -1 on error.
 */
static int
totp_spend(struct store *st, const char *login, int64_t step, int64_t now)
{
	struct throttle	 t;
	char		 k[ACCOUNT_LOGIN_MAX + 8];

	snprintf(k, sizeof(k), "totp:%.*s", ACCOUNT_LOGIN_MAX, login);
	if (thr_get(st, k, &t) == -1)
		return (-1);
	if (t.window != INT64_MIN / 2 && step <= t.last)
		return (0);
	t.failures = 0;
	t.window = now;
	t.last = step;
	return (store_throttle_put(st, k, &t) == -1 ? -1 : 1);
}

/* The secrets of login for a password pw: 0 with the hash in h (and the
 * TOTP secret), 1 when there is no such account (or the name or password
 * cannot be one), -1 on error. */
static int
login_secrets(struct store *st, const char *login, const char *pw, char *h,
    size_t hsz, uint8_t *totp, size_t totpsz, size_t *totplen)
{
	h[0] = '\0';
	*totplen = 0;
	if (strlen(pw) > ACCOUNT_PASSWORD_MAX || !account_login_valid(login))
		return (1);
	return (store_account_secrets(st, login, h, hsz, totp, totpsz,
	    totplen));
}

/* Whether pw matches h (0) or not (1), or -1: for an account that does not
 * exist (known 1), a valid hash of a random password is checked all the
 * same, so that the answer takes as long either way. */
static int
login_hash_check(int known, const char *h, const char *pw)
{
	static char	 dummy[ACCOUNT_HASH_MAX];

	if (known == 0)
		return (account_hash_check(h, pw));
	if (dummy[0] == '\0' && account_hash("not a password at all", dummy,
	    sizeof(dummy)) == -1)
		return (-1);
	(void)account_hash_check(dummy, pw);
	return (1);
}

/* The throttle's verdict for login from addr: seconds to wait, 0, -1. */
static int64_t
login_wait(struct store *st, const char *kacct, const char *kaddr,
    int64_t now, struct throttle *ta, struct throttle *tn)
{
	int64_t	 w1, w2;

	if (thr_get(st, kacct, ta) == -1 || thr_get(st, kaddr, tn) == -1)
		return (-1);
	w1 = throttle_wait(ta, now);
	w2 = throttle_wait(tn, now);
	return (w1 > w2 ? w1 : w2);
}

static void
login_keys(const char *login, const char *addr, char *kacct, size_t kacctsz,
    char *kaddr, size_t kaddrsz)
{
	snprintf(kacct, kacctsz, "account:%.*s", ACCOUNT_LOGIN_MAX, login);
	snprintf(kaddr, kaddrsz, "address:%.60s", addr);
}

int
account_login_check(struct store *st, const char *login, const char *pw,
    const char *addr, int64_t now, struct account_check *chk, int64_t *wait)
{
	struct throttle	 ta, tn;
	char		 kacct[8 + ACCOUNT_LOGIN_MAX + 1], kaddr[8 + 64];
	uint8_t		 totp[ACCOUNT_TOTP_LEN * 2];
	size_t		 totplen;
	int		 rc = -1;

	memset(chk, 0, sizeof(*chk));
	login_keys(login, addr, kacct, sizeof(kacct), kaddr, sizeof(kaddr));
	if ((*wait = login_wait(st, kacct, kaddr, now, &ta, &tn)) == -1) {
		*wait = 0;
		return (-1);
	}
	if (*wait > 0)
		return (ACCOUNT_WAIT);
	if (strlen(pw) <= ACCOUNT_PASSWORD_MAX)
		memcpy(chk->pw, pw, strlen(pw) + 1);
	if ((chk->known = login_secrets(st, login, pw, chk->hash,
	    sizeof(chk->hash), totp, sizeof(totp), &totplen)) != -1 &&
	    (chk->match = login_hash_check(chk->known, chk->hash, pw)) != -1) {
		chk->done = true;
		rc = 0;
	}
	OPENSSL_cleanse(totp, sizeof(totp));
	return (rc);
}

int
account_login(struct store *st, const char *login, const char *pw,
    const char *code, const char *addr, int64_t now,
    const struct account_check *chk, struct account *a, int64_t *wait)
{
	struct throttle	 ta, tn;
	char		 kacct[8 + ACCOUNT_LOGIN_MAX + 1], kaddr[8 + 64];
	char		 h[ACCOUNT_HASH_MAX];
	uint8_t		 totp[ACCOUNT_TOTP_LEN * 2];
	size_t		 totplen = 0;
	int64_t		 step = 0;
	int		 known, match, good = 0, rc = -1;
	bool		 was_locked;

	login_keys(login, addr, kacct, sizeof(kacct), kaddr, sizeof(kaddr));
	if ((*wait = login_wait(st, kacct, kaddr, now, &ta, &tn)) == -1) {
		*wait = 0;
		return (-1);
	}
	if (*wait > 0)
		return (ACCOUNT_WAIT);
	if ((known = login_secrets(st, login, pw, h, sizeof(h), totp,
	    sizeof(totp), &totplen)) == -1)
		goto out;
	/* The check made before the transaction holds when the account
	 * and its hash are still those it checked; otherwise (the first
	 * check, or the password changed meanwhile) it is made here. */
	if (chk != NULL && chk->done && chk->known == known &&
	    strcmp(chk->hash, h) == 0 && strcmp(chk->pw, pw) == 0)
		match = chk->match;
	else if ((match = login_hash_check(known, h, pw)) == -1)
		goto out;
	if (known == 0) {
		if (account_get(st, login, a) != 0)
			goto out;
		good = match == 0 && a->enabled &&
		    !a->locked && (totplen == 0 || (code != NULL &&
		    totp_match(totp, totplen, now, code, &step) == 0));
		if (good && totplen > 0 && (good = totp_spend(st, login, step,
		    now)) == -1)
			goto out;
	}
	if (good) {
		if (store_throttle_delete(st, kacct) == -1)
			goto out;
		rc = ACCOUNT_OK;
		goto out;
	}
	throttle_fail(&ta, now);
	throttle_fail(&tn, now);
	if (store_throttle_put(st, kacct, &ta) == -1 ||
	    store_throttle_put(st, kaddr, &tn) == -1)
		goto out;
	rc = ACCOUNT_WRONG;
	was_locked = known == 0 && a->locked;
	if (known == 0 && !was_locked && ta.failures >= ACCOUNT_LOCK_FAILS) {
		if (store_account_lock(st, login) == -1) {
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
	if (account_update(st, &a) == -1 ||
	    store_throttle_delete(st, key) == -1)
		return (-1);
	return (0);
}

int
account_dossier_centre(struct store *st, const char *dossier, char *out,
    size_t outsz)
{
	return (store_centre_get(st, dossier, out, outsz));
}

int
account_assign(struct store *st, const char *dossier, const char *centre,
    int64_t now)
{
	return (store_centre_put(st, dossier, centre, now));
}
