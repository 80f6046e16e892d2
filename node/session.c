/*
 * node/session.c: sessions (session.h).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "node/session.h"
#include "node/store.h"
#include "protocol/log.h"

static const char SQL_PUT[] =
    "INSERT INTO sessions (hash, login, csrf, created, last_seen)"
    " VALUES (?, ?, ?, ?, ?4)";
static const char SQL_GET[] =
    "SELECT login, csrf, created, last_seen FROM sessions WHERE hash = ?";
static const char SQL_TOUCH[] =
    "UPDATE sessions SET last_seen = ?2 WHERE hash = ?1";
static const char SQL_DEL[] = "DELETE FROM sessions WHERE hash = ?";
static const char SQL_DEL_ALL[] = "DELETE FROM sessions WHERE login = ?";
static const char SQL_GLASS_PUT[] =
    "INSERT INTO session_glass (session, dossier, reason, at)"
    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
static const char SQL_GLASS_HAS[] =
    "SELECT 1 FROM session_glass WHERE session = ? AND dossier = ?";

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

/* The stored name of a token: SHA-256 of its 64 characters.  -1 when the
 * token is not 64 lower-case hex digits. */
static int
token_hash(const char *token, uint8_t h[32])
{
	unsigned int	 len = 0;
	size_t		 i;

	if (token == NULL || strlen(token) != SESSION_TOKEN_HEX)
		return (-1);
	for (i = 0; i < SESSION_TOKEN_HEX; i++)
		if (!((token[i] >= '0' && token[i] <= '9') ||
		    (token[i] >= 'a' && token[i] <= 'f')))
			return (-1);
	if (EVP_Digest(token, SESSION_TOKEN_HEX, h, &len, EVP_sha256(),
	    NULL) != 1 || len != 32)
		return (-1);
	return (0);
}

static int
done(struct store *st, sqlite3_stmt *s, int bound, const char *what)
{
	int	 r = bound ? sqlite3_step(s) : SQLITE_ERROR;

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r != SQLITE_DONE) {
		log_warnx("%s: %s", what, sqlite3_errmsg(store_db(st)));
		return (-1);
	}
	return (0);
}

int
session_create(struct store *st, const char *login, int64_t now,
    char token[SESSION_TOKEN_HEX + 1], char csrf[SESSION_TOKEN_HEX + 1])
{
	sqlite3_stmt	*s;
	uint8_t		 h[32];

	if (random_hex(token) == -1 || random_hex(csrf) == -1 ||
	    token_hash(token, h) == -1)
		return (-1);
	if ((s = store_stmt(st, SQL_PUT)) == NULL)
		return (-1);
	return (done(st, s,
	    sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_TRANSIENT) ==
	    SQLITE_OK &&
	    sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(s, 4, now) == SQLITE_OK, "session create"));
}

int
session_check(struct store *st, const char *token, int64_t now, int64_t idle,
    int64_t absolute, struct session *out)
{
	sqlite3_stmt	*s;
	const char	*v;
	uint8_t		 h[32];
	int		 r, rc = -1;

	if (token_hash(token, h) == -1)
		return (1);
	if ((s = store_stmt(st, SQL_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_TRANSIENT) !=
	    SQLITE_OK)
		goto out;
	if ((r = sqlite3_step(s)) == SQLITE_DONE) {
		rc = 1;
		goto out;
	}
	if (r != SQLITE_ROW) {
		log_warnx("session check: %s", sqlite3_errmsg(store_db(st)));
		goto out;
	}
	memset(out, 0, sizeof(*out));
	v = (const char *)sqlite3_column_text(s, 0);
	snprintf(out->login, sizeof(out->login), "%s", v ? v : "");
	v = (const char *)sqlite3_column_text(s, 1);
	snprintf(out->csrf, sizeof(out->csrf), "%s", v ? v : "");
	out->created = sqlite3_column_int64(s, 2);
	out->last_seen = sqlite3_column_int64(s, 3);
	rc = 0;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != 0)
		return (rc);
	/* A clock that went back counts as no time passed, never as a
	 * session made younger. */
	if (now - out->last_seen >= idle || now - out->created >= absolute) {
		if ((s = store_stmt(st, SQL_DEL)) == NULL ||
		    done(st, s, sqlite3_bind_blob(s, 1, h, sizeof(h),
		    SQLITE_TRANSIENT) == SQLITE_OK, "session end") == -1)
			return (-1);
		return (1);
	}
	if (now > out->last_seen) {
		if ((s = store_stmt(st, SQL_TOUCH)) == NULL ||
		    done(st, s, sqlite3_bind_blob(s, 1, h, sizeof(h),
		    SQLITE_TRANSIENT) == SQLITE_OK &&
		    sqlite3_bind_int64(s, 2, now) == SQLITE_OK,
		    "session touch") == -1)
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
	sqlite3_stmt	*s;
	uint8_t		 h[32];

	if (token_hash(token, h) == -1)
		return (0);
	if ((s = store_stmt(st, SQL_DEL)) == NULL)
		return (-1);
	return (done(st, s, sqlite3_bind_blob(s, 1, h, sizeof(h),
	    SQLITE_TRANSIENT) == SQLITE_OK, "session end"));
}

int
session_end_all(struct store *st, const char *login)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_DEL_ALL)) == NULL)
		return (-1);
	return (done(st, s, sqlite3_bind_text(s, 1, login, -1,
	    SQLITE_STATIC) == SQLITE_OK, "session end"));
}

int
session_glass_grant(struct store *st, const char *token, const char *dossier,
    const char *reason, int64_t now)
{
	sqlite3_stmt	*s;
	uint8_t		 h[32];

	if (token_hash(token, h) == -1 ||
	    (s = store_stmt(st, SQL_GLASS_PUT)) == NULL)
		return (-1);
	return (done(st, s,
	    sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_TRANSIENT) ==
	    SQLITE_OK &&
	    sqlite3_bind_text(s, 2, dossier, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(s, 4, now) == SQLITE_OK, "session glass"));
}

int
session_glass_has(struct store *st, const char *token, const char *dossier)
{
	sqlite3_stmt	*s;
	uint8_t		 h[32];
	int		 r;

	if (token_hash(token, h) == -1)
		return (0);
	if ((s = store_stmt(st, SQL_GLASS_HAS)) == NULL)
		return (-1);
	if (sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_TRANSIENT) !=
	    SQLITE_OK || sqlite3_bind_text(s, 2, dossier, -1,
	    SQLITE_STATIC) != SQLITE_OK)
		r = SQLITE_ERROR;
	else
		r = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1);
}
