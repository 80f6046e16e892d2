/*
 * node/session.c: sessions (session.h).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "node/account.h"
#include "node/session.h"
#include "node/store.h"
#include "node/store_account.h"
#include "protocol/digest.h"
#include "protocol/log.h"

static void
hexify(const uint8_t *b, size_t n, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
random_hex(char out[SESSION_TOKEN_HEX + 1])
{
	uint8_t	 b[SESSION_TOKEN_HEX / 2];

	if (RAND_bytes(b, sizeof(b)) != 1) {
		log_warnx("session: no randomness");
		return (-1);
	}
	hexify(b, sizeof(b), out);
	OPENSSL_cleanse(b, sizeof(b));
	return (0);
}

_Static_assert(DIGEST_SHA256_LEN == STORE_SESSION_HASH, "a session's hash");

/* The stored name of a token: SHA-256 of its 64 characters.  -1 when the
 * token is not 64 lower-case hex digits. */
static int
token_hash(const char *token, uint8_t h[STORE_SESSION_HASH])
{
	size_t		 i;

	if (token == NULL || strlen(token) != SESSION_TOKEN_HEX)
		return (-1);
	for (i = 0; i < SESSION_TOKEN_HEX; i++)
		if (!((token[i] >= '0' && token[i] <= '9') ||
		    (token[i] >= 'a' && token[i] <= 'f')))
			return (-1);
	digest_sha256(token, SESSION_TOKEN_HEX, h);
	return (0);
}

int
session_create(struct store *st, const char *login, int64_t now,
    char token[SESSION_TOKEN_HEX + 1], char csrf[SESSION_TOKEN_HEX + 1])
{
	uint8_t		 h[STORE_SESSION_HASH];

	if (random_hex(token) == -1 || random_hex(csrf) == -1 ||
	    token_hash(token, h) == -1)
		return (-1);
	return (store_session_insert(st, h, login, csrf, now));
}

int
session_check(struct store *st, const char *token, int64_t now, int64_t idle,
    int64_t absolute, struct session *out)
{
	uint8_t		 h[STORE_SESSION_HASH];
	int		 rc;

	if (token_hash(token, h) == -1)
		return (1);
	if ((rc = store_session_get(st, h, out)) != 0)
		return (rc);
	/*
	 * A clock that went back a little (NTP's step) counts as no time
	 * passed, never as a session made younger.  One that went back
	 * more (a session made while the clock ran a day fast): how long
	 * the session has lived can no longer be told, and counted so it
	 * would outlive both limits by that much: it ends.
	 */
	if (now - out->last_seen >= idle || now - out->created >= absolute ||
	    out->last_seen - now > SESSION_SKEW || out->created - now >
	    SESSION_SKEW)
		return (store_session_delete(st, h) == -1 ? -1 : 1);
	if (now > out->last_seen) {
		if (store_session_touch(st, h, now) == -1)
			return (-1);
		out->last_seen = now;
	}
	return (0);
}

bool
session_csrf_ok(const struct session *s, const char *presented)
{
	if (presented == NULL || strlen(presented) != SESSION_TOKEN_HEX ||
	    strlen(s->csrf) != SESSION_TOKEN_HEX)
		return (false);
	return (CRYPTO_memcmp(s->csrf, presented, SESSION_TOKEN_HEX) == 0);
}

int
session_end(struct store *st, const char *token)
{
	uint8_t		 h[STORE_SESSION_HASH];

	if (token_hash(token, h) == -1)
		return (0);
	return (store_session_delete(st, h));
}

int
session_sweep(struct store *st, int64_t now, int64_t idle, int64_t absolute)
{
	if (store_begin(st) == -1)
		return (-1);
	if (store_sessions_sweep(st, now - idle, now - absolute,
	    now - 2 * ACCOUNT_WINDOW_S) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st));
}

int
session_end_all(struct store *st, const char *login)
{
	return (store_session_delete_login(st, login));
}

int
session_glass_grant(struct store *st, const char *token, const char *dossier,
    const char *reason, int64_t now)
{
	uint8_t		 h[STORE_SESSION_HASH];

	if (token_hash(token, h) == -1)
		return (-1);
	return (store_session_glass_insert(st, h, dossier, reason, now));
}

int
session_glass_has(struct store *st, const char *token, const char *dossier)
{
	uint8_t		 h[STORE_SESSION_HASH];

	if (token_hash(token, h) == -1)
		return (0);
	return (store_session_glass_has(st, h, dossier));
}
