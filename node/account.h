/*
 * node/account.h: the people who use this node -- accounts, passwords,
 * second factors, throttling of failed logins (docs/admin.md, "Accounts").
 *
 * Accounts are this region's own: they live in the node's database and
 * are never replicated.  A password is kept only as an Argon2id hash in
 * its encoded form ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), which
 * carries its own parameters, so they can be raised later without
 * invalidating older hashes.  An admin's account always has a TOTP secret
 * (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits); others may have one.
 *
 * Failed logins are counted per account name (known or not, so that the
 * answer tells nothing about which names exist) and per client address:
 * from the third failure on, each further attempt waits a delay that
 * doubles (1 s, 2 s, 4 s, ... at most ACCOUNT_DELAY_MAX), at most
 * ACCOUNT_FAILS_HOUR failures count per hour and key (then the key waits
 * for the hour to end), and an account with ACCOUNT_LOCK_FAILS failures in
 * an hour is locked until an admin unlocks it ('opora user unlock').
 * Every answer a person reads for a wrong name, password or code is the
 * same: "wrong login or password".
 *
 * Functions taking a struct store * run their SQL on it; those that write
 * expect the caller to hold a transaction (store_begin), so that the audit
 * entry recording the change (node/audit.h) commits with it.
 */
#ifndef OPORA_ACCOUNT_H
#define OPORA_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conflict/access.h"

struct store;

#define ACCOUNT_LOGIN_MAX	32	/* [a-z0-9._-], starting with a letter */
#define ACCOUNT_NAME_MAX	200	/* a full name in bytes of UTF-8 */
#define ACCOUNT_CENTRE_MAX	200	/* a centre's name, bytes */
#define ACCOUNT_PASSWORD_MIN	12	/* characters (ASVS 2.1.1) */
#define ACCOUNT_PASSWORD_MAX	128	/* bytes; longer is refused */
#define ACCOUNT_HASH_MAX	128	/* the encoded Argon2id hash */
#define ACCOUNT_ARGON2_M	19456	/* KiB: 19 MiB (OWASP's minimum) */
#define ACCOUNT_ARGON2_T	2	/* passes */
#define ACCOUNT_ARGON2_P	1	/* lanes */
#define ACCOUNT_SALT_LEN	16
#define ACCOUNT_HASH_LEN	32
#define ACCOUNT_TOTP_LEN	20	/* bytes of secret (RFC 4226's 160) */
#define ACCOUNT_TOTP_STEP	30	/* seconds */
#define ACCOUNT_TOTP_DIGITS	6
#define ACCOUNT_TOTP_WINDOW	1	/* steps either side: clocks differ */
#define ACCOUNT_NEW_PASSWORD	20	/* characters of a generated one */
#define ACCOUNT_FAILS_FREE	2	/* failures before any delay */
#define ACCOUNT_DELAY_MAX	300	/* seconds between attempts, at most */
#define ACCOUNT_FAILS_HOUR	100	/* failures counted in one hour */
#define ACCOUNT_WINDOW_S	3600
#define ACCOUNT_LOCK_FAILS	20	/* failures in an hour lock an account */

struct account {
	char		 login[ACCOUNT_LOGIN_MAX + 1];
	char		 name[ACCOUNT_NAME_MAX + 1];
	enum access_role role;
	char		 centre[ACCOUNT_CENTRE_MAX + 1];
	bool		 enabled;
	bool		 locked;	/* by failed logins; an admin unlocks */
	bool		 must_change;	/* a one-time password was given */
	bool		 has_totp;
	int64_t		 created;	/* seconds since the epoch */
};

/* account_login_valid(login): whether login is a well-formed name. */
bool	 account_login_valid(const char *login);

/*
 * account_password_policy(pw, why, whysz): 0 if pw may be a password (at
 * least ACCOUNT_PASSWORD_MIN characters, at most ACCOUNT_PASSWORD_MAX
 * bytes of UTF-8, not on the list of common passwords, compared with ASCII
 * letters folded), or -1 with a reason for the person choosing it.
 */
int	 account_password_policy(const char *pw, char *why, size_t whysz);

/* account_password_common(pw): whether pw is on the common list. */
bool	 account_password_common(const char *pw);

/*
 * account_hash(pw, out, outsz): the encoded Argon2id hash of pw with a
 * fresh random salt and the parameters above.  0 / -1 (logged).
 * account_hash_check(encoded, pw): 0 if pw matches, 1 if not, -1 if the
 * encoded hash is unreadable or memory ran out (logged).
 */
int	 account_hash(const char *pw, char *out, size_t outsz);
int	 account_hash_check(const char *encoded, const char *pw);

/* account_new_password(out, outsz): a random password of
 * ACCOUNT_NEW_PASSWORD characters from an alphabet without look-alikes
 * (outsz > ACCOUNT_NEW_PASSWORD).  0 / -1. */
int	 account_new_password(char *out, size_t outsz);

/*
 * TOTP (RFC 6238).  account_totp_code(secret, len, t, digits, out) writes
 * the code for unix time t (digits 6 to 8, out at least digits + 1);
 * account_totp_check(secret, len, t, code) is 0 when code is the code of
 * t or of ACCOUNT_TOTP_WINDOW steps either side, -1 otherwise;
 * account_totp_uri(login, secret, len, out, outsz) the otpauth:// URI an
 * authenticator app reads (base32 secret).  0 / -1.
 */
int	 account_totp_code(const uint8_t *secret, size_t len, int64_t t,
	    unsigned digits, char *out);
int	 account_totp_check(const uint8_t *secret, size_t len, int64_t t,
	    const char *code);
int	 account_totp_uri(const char *login, const char *issuer,
	    const uint8_t *secret, size_t len, char *out, size_t outsz);

/* The counters of failed logins for one key (an account name or a client
 * address): pure, so that tests drive them with their own clock. */
struct throttle {
	int64_t	 failures;	/* in the window */
	int64_t	 window;	/* start of the hour counted, seconds */
	int64_t	 last;		/* the last failure, seconds */
};
/* throttle_wait(t, now): seconds to wait before the next attempt may be
 * judged (0: now); while the hour's failures are spent, until the hour
 * ends. */
int64_t	 throttle_wait(const struct throttle *t, int64_t now);
/* throttle_fail(t, now): count a failure at now (a new hour starts the
 * count again). */
void	 throttle_fail(struct throttle *t, int64_t now);

/* Accounts in the store.  account_get: 0 with *a, 1 when there is no such
 * account, -1 on error.  account_count: how many accounts, or -1. */
int	 account_get(struct store *st, const char *login, struct account *a);
int64_t	 account_count(struct store *st);

/*
 * account_add(st, a, pw, totp, totplen, now): create account a (login,
 * name, role, centre read; the flags as given) with password pw (checked
 * by the caller with account_password_policy) and a TOTP secret (NULL:
 * none).  0, 1 when the login is taken, -1 on error.
 */
int	 account_add(struct store *st, const struct account *a,
	    const char *pw, const uint8_t *totp, size_t totplen, int64_t now);
/* account_update(st, a): store a's name, role, centre, enabled and locked
 * flags.  Disabling the account, or giving it another role or centre,
 * ends its sessions (its person logs in again, with a second factor when
 * the account is now an admin's).  0 / -1. */
int	 account_update(struct store *st, const struct account *a);
/* account_set_password(st, login, pw, must_change): replace the password
 * (and end every session of the account).  0 / -1.  account_set_hash:
 * the same with the password's hash made beforehand (account_hash), so
 * that a caller makes it before its write transaction. */
int	 account_set_password(struct store *st, const char *login,
	    const char *pw, bool must_change);
int	 account_set_hash(struct store *st, const char *login, const char *h,
	    bool must_change);
/* account_set_totp(st, login, secret, len): replace (NULL: remove) the
 * second factor.  0 / -1. */
int	 account_set_totp(struct store *st, const char *login,
	    const uint8_t *secret, size_t len);
/* account_other_admin(st, login): 1 when an enabled admin other than
 * login remains, 0 when none does, -1 on error. */
int	 account_other_admin(struct store *st, const char *login);
/* account_each(st, fn, arg): call fn for every account by login; stops
 * when fn returns non-zero and returns that; -1 on error. */
int	 account_each(struct store *st,
	    int (*fn)(const struct account *, void *), void *arg);

/*
 * account_login(st, login, pw, code, addr, now, chk, a, wait): judge a
 * login attempt from client address addr (a C string; "cli" for the
 * terminal) at unix time now.  Returns
 *   ACCOUNT_OK      the account in *a (enabled, not locked, password and,
 *                   when it has one, its TOTP code right);
 *   ACCOUNT_WRONG   anything wrong with the name, password, code, or the
 *                   account disabled or locked: one answer for all;
 *   ACCOUNT_WAIT    too many failures: *wait seconds before trying again;
 *   ACCOUNT_LOCKED  this attempt locked the account (it is also WRONG for
 *                   the person; the caller audits a lockout);
 *   -1              a database or memory error (nothing counted).
 * Failures are counted in the caller's transaction.
 *
 * The password's hash (Argon2id: tens of milliseconds by design, and the
 * more under attack) is best checked before that transaction, which would
 * otherwise hold every other writer of the node (pullers, the CLI) that
 * long: account_login_check(st, login, pw, addr, now, chk, wait), with
 * no transaction open, returns ACCOUNT_WAIT (*wait seconds) when the
 * throttle already says so (no hash is checked), 0 with the check in
 * *chk, or -1; account_login then takes chk's verdict when the account's
 * hash and the password are still those checked, and checks again
 * otherwise (the password changed in between).  chk NULL: account_login
 * checks itself.  chk holds the password: the caller wipes it
 * (OPENSSL_cleanse) when done.
 */
#define ACCOUNT_OK	0
#define ACCOUNT_WRONG	1
#define ACCOUNT_WAIT	2
#define ACCOUNT_LOCKED	3
struct account_check {
	char	 pw[ACCOUNT_PASSWORD_MAX + 1];	/* the password checked */
	char	 hash[ACCOUNT_HASH_MAX];	/* the hash checked, or "" */
	int	 known;		/* 0: the account exists; 1: it does not */
	int	 match;		/* 0: pw matched hash; 1: it did not */
	bool	 done;
};
int	 account_login_check(struct store *st, const char *login,
	    const char *pw, const char *addr, int64_t now,
	    struct account_check *chk, int64_t *wait);
int	 account_login(struct store *st, const char *login, const char *pw,
	    const char *code, const char *addr, int64_t now,
	    const struct account_check *chk, struct account *a,
	    int64_t *wait);

/* account_unlock(st, login): lift a lockout and forget the account's
 * failures.  0 / -1. */
int	 account_unlock(struct store *st, const char *login);

/* A dossier's centre (a local assignment, never replicated): 0 with the
 * centre in out, 1 when unassigned, -1.  account_assign sets it. */
int	 account_dossier_centre(struct store *st, const char *dossier,
	    char *out, size_t outsz);
int	 account_assign(struct store *st, const char *dossier,
	    const char *centre, int64_t now);

#endif /* OPORA_ACCOUNT_H */
