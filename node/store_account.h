/*
 * node/store_account.h: the tables of the people who use this node --
 * accounts, throttle (failed logins by account name and by client
 * address), sessions and session_glass (break-the-glass grants), and
 * dossier_centres (a dossier's centre) -- and the two readings of the
 * views that an account's access and audit need (a dossier's custodian,
 * every dossier id).  Password hashing, TOTP, throttling and session
 * expiry are node/account.c's and node/session.c's; the SQL is here.
 *
 * Every function returns -1 on a database error, logged once (a failed
 * read is never "no such row").  Strings and bytes passed in are
 * borrowed for the call; rows handed to a callback are valid during the
 * call only; what is copied out goes into the caller's buffers (nothing
 * is allocated).  Writers run in the caller's transaction, if it holds
 * one.
 */
#ifndef OPORA_STORE_ACCOUNT_H
#define OPORA_STORE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "node/account.h"
#include "node/session.h"

struct store;

/* The stored name of a session: the SHA-256 of its token. */
#define STORE_SESSION_HASH	32

/* ---- accounts ---- */

/* store_account_get(st, login, a): 0 with account login in *a, 1 when
 * there is none, -1 (also for a row whose role is unknown: damage). */
int	 store_account_get(struct store *st, const char *login,
	    struct account *a);
/* store_account_count(st): how many accounts, or -1. */
int64_t	 store_account_count(struct store *st);
/* store_account_other_admin(st, login): 1 when an enabled admin other
 * than login exists, 0 when none does, -1. */
int	 store_account_other_admin(struct store *st, const char *login);
/* store_account_each(st, fn, arg): fn for every account by login.  fn's
 * non-zero value stops and is returned; 0 when all were seen; -1 on a
 * database error or a damaged row (fn may have seen some: the caller
 * shows none). */
int	 store_account_each(struct store *st,
	    int (*fn)(const struct account *, void *), void *arg);
/* store_account_insert(st, a, phash, totp, totplen, now): a new account
 * (a's login, name, role, centre, enabled and must_change) with the
 * encoded password hash phash and TOTP secret totp (NULL: none), created
 * at now.  0, 1 when the login is taken (nothing done), -1. */
int	 store_account_insert(struct store *st, const struct account *a,
	    const char *phash, const uint8_t *totp, size_t totplen,
	    int64_t now);
/* store_account_update(st, a): store a's name, role, centre, enabled
 * and locked flags.  0 / -1. */
int	 store_account_update(struct store *st, const struct account *a);
/* store_account_set_phash(st, login, phash, must_change): replace the
 * password hash.  0 / -1. */
int	 store_account_set_phash(struct store *st, const char *login,
	    const char *phash, bool must_change);
/* store_account_set_totp(st, login, secret, len): replace the TOTP
 * secret (NULL: remove it).  0 / -1. */
int	 store_account_set_totp(struct store *st, const char *login,
	    const uint8_t *secret, size_t len);
/* store_account_lock(st, login): lock the account.  0 / -1. */
int	 store_account_lock(struct store *st, const char *login);
/* store_account_secrets(st, login, h, hsz, totp, totpsz, totplen): the
 * password hash into h (NUL-terminated, "" when it does not fit) and
 * the TOTP secret into totp (*totplen 0: none, or longer than totpsz).
 * 0, 1 when there is no such account, -1.  The caller wipes both. */
int	 store_account_secrets(struct store *st, const char *login, char *h,
	    size_t hsz, uint8_t *totp, size_t totpsz, size_t *totplen);

/* ---- throttle: failed logins by key ---- */

/* store_throttle_get(st, key, t): 0 with key's counters in *t, 1 when
 * key has none (t zeroed), -1. */
int	 store_throttle_get(struct store *st, const char *key,
	    struct throttle *t);
/* store_throttle_put(st, key, t): store key's counters.  0 / -1.
 * store_throttle_delete(st, key): forget them.  0 / -1. */
int	 store_throttle_put(struct store *st, const char *key,
	    const struct throttle *t);
int	 store_throttle_delete(struct store *st, const char *key);

/* ---- sessions, by the hash of their token ---- */

/* store_session_insert(st, hash, login, csrf, now): a session of login
 * made (and last seen) at now.  0 / -1. */
int	 store_session_insert(struct store *st,
	    const uint8_t hash[STORE_SESSION_HASH], const char *login,
	    const char *csrf, int64_t now);
/* store_session_get(st, hash, s): 0 with the session in *s, 1 when
 * there is none, -1. */
int	 store_session_get(struct store *st,
	    const uint8_t hash[STORE_SESSION_HASH], struct session *s);
/* store_session_touch(st, hash, now): its last use is now.  0 / -1. */
int	 store_session_touch(struct store *st,
	    const uint8_t hash[STORE_SESSION_HASH], int64_t now);
/* store_session_delete(st, hash): end the session (0 also when there
 * was none).  store_session_delete_login(st, login): end every session
 * of login.  0 / -1. */
int	 store_session_delete(struct store *st,
	    const uint8_t hash[STORE_SESSION_HASH]);
int	 store_session_delete_login(struct store *st, const char *login);
/* store_sessions_sweep(st, seen_before, made_before, throttle_before):
 * delete the sessions last used at or before seen_before or made at or
 * before made_before (their grants go with them), and the counters of failed
 * logins whose window began before throttle_before.  0 / -1. */
int	 store_sessions_sweep(struct store *st, int64_t seen_before,
	    int64_t made_before, int64_t throttle_before);
/* store_session_glass_insert(st, hash, dossier, reason, now): the
 * session may open dossier (kept if it already may).  0 / -1.
 * store_session_glass_has(st, hash, dossier): 1 when it may, 0 if not,
 * -1. */
int	 store_session_glass_insert(struct store *st,
	    const uint8_t hash[STORE_SESSION_HASH], const char *dossier,
	    const char *reason, int64_t now);
int	 store_session_glass_has(struct store *st,
	    const uint8_t hash[STORE_SESSION_HASH], const char *dossier);

/* ---- dossier_centres, and the views an account's access reads ---- */

/* store_centre_get(st, dossier, out, outsz): 0 with the dossier's
 * centre in out (cut to outsz), 1 when it has none, -1.
 * store_centre_put(st, dossier, centre, now): assign it.  0 / -1. */
int	 store_centre_get(struct store *st, const char *dossier, char *out,
	    size_t outsz);
int	 store_centre_put(struct store *st, const char *dossier,
	    const char *centre, int64_t now);
/* store_person_custodian(st, dossier, out, outsz): 0 with the region in
 * custody of dossier's person in out ("" when the view names none), 1
 * when the views hold no such person, -1. */
int	 store_person_custodian(struct store *st, const char *dossier,
	    char *out, size_t outsz);
/* store_person_ids(st, fn, arg): fn(id, arg) for every person's dossier
 * id, sorted.  fn's non-zero value stops and is returned; 0 when all
 * were seen; -1 on a database error (fn may have seen some). */
int	 store_person_ids(struct store *st, int (*fn)(const char *, void *),
	    void *arg);

#endif /* OPORA_STORE_ACCOUNT_H */
