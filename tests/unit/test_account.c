/*
 * tests/unit/test_account.c: accounts and sessions (node/account.h,
 * node/session.h): the Argon2id parameters stored with each hash, the
 * password policy, TOTP against RFC 6238's test vectors, throttling and
 * lockout with an injected clock, session expiry (idle and absolute),
 * logout, a password change ending sessions, CSRF refusal, and the audit
 * chain refusing to be edited.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/account.h"
#include "node/audit.h"
#include "node/node.h"
#include "node/session.h"
#include "node/store.h"

#define T0	INT64_C(1767225600)	/* 2026-01-01T00:00:00Z */

static void
test_hash_parameters(void **state)
{
	char	 h[ACCOUNT_HASH_MAX], h2[ACCOUNT_HASH_MAX];

	(void)state;
	assert_int_equal(account_hash("correct horse battery", h, sizeof(h)),
	    0);
	/* The parameters travel with the hash: m = 19 MiB, t = 2, p = 1. */
	assert_non_null(strstr(h, "$argon2id$v=19$m=19456,t=2,p=1$"));
	assert_int_equal(account_hash_check(h, "correct horse battery"), 0);
	assert_int_equal(account_hash_check(h, "correct horse batterz"), 1);
	/* A fresh salt each time. */
	assert_int_equal(account_hash("correct horse battery", h2,
	    sizeof(h2)), 0);
	assert_string_not_equal(h, h2);
	/* A hash with other (older, smaller) parameters still checks. */
	assert_int_equal(account_hash_check("$argon2id$v=19$m=8,t=1,p=1$"
	    "c29tZXNhbHQ$", "x"), -1);
	assert_int_equal(account_hash_check("$2y$10$notargon", "x"), -1);
}

static void
test_policy(void **state)
{
	char	 why[160], pw[ACCOUNT_NEW_PASSWORD + 1];

	(void)state;
	assert_int_equal(account_password_policy("short", why, sizeof(why)),
	    -1);
	assert_int_equal(account_password_policy("elevenchars", why,
	    sizeof(why)), -1);
	assert_int_equal(account_password_policy("twelve chars", why,
	    sizeof(why)), 0);
	/* Twelve characters of Cyrillic are 24 bytes: characters count. */
	assert_int_equal(account_password_policy("ёжикитуманыы", why,
	    sizeof(why)), 0);
	assert_int_equal(account_password_policy("ёжикитуман", why,
	    sizeof(why)), -1);
	/* The common list, with ASCII letters folded. */
	assert_true(account_password_common("password1234"));
	assert_true(account_password_common("PassWord1234"));
	assert_true(account_password_common("qwerty123456"));
	assert_int_equal(account_password_policy("Password2024", why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "common"));
	assert_int_equal(account_password_policy("tab\there pass", why,
	    sizeof(why)), -1);
	/* Nor a C1 control, a character that reorders the line (what is
	 * typed is not what is shown: U+202E, U+061C, U+2066), or bytes
	 * that are not UTF-8; a backslash is only a character. */
	assert_int_equal(account_password_policy("c1 \xc2\x9b control", why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "control"));
	assert_int_equal(account_password_policy("ltr \xe2\x80\xae override",
	    why, sizeof(why)), -1);
	assert_int_equal(account_password_policy("arabic \xd8\x9c mark",
	    why, sizeof(why)), -1);
	assert_int_equal(account_password_policy("isolate \xe2\x81\xa6 x",
	    why, sizeof(why)), -1);
	assert_int_equal(account_password_policy("not utf-8 \xff\xfe", why,
	    sizeof(why)), -1);
	assert_int_equal(account_password_policy("back\\slash pass", why,
	    sizeof(why)), 0);
	assert_int_equal(account_new_password(pw, sizeof(pw)), 0);
	assert_int_equal(strlen(pw), ACCOUNT_NEW_PASSWORD);
	assert_int_equal(account_password_policy(pw, why, sizeof(why)), 0);
}

/* RFC 6238, appendix B: the SHA-1 rows (secret "1234...890", 8 digits). */
/*
 * Every word of data/common-passwords.txt is found in the list compiled
 * in (one string and offsets: the Makefile's escapes of quotes,
 * backslashes and question marks, and the byte order of its sort, are
 * right), whatever the case of its ASCII letters; and a word with a byte
 * more or less is not, unless it is a word of the file too.
 */
static void
test_common_list(void **state)
{
	FILE	*f = fopen("data/common-passwords.txt", "r");
	char	 line[512], up[512], more[520];
	size_t	 len, i, n = 0, longer = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		len = strcspn(line, "\n");
		line[len] = '\0';
		if (len == 0 || len > ACCOUNT_PASSWORD_MAX)
			continue;
		for (i = 0; i <= len; i++)
			if (line[i] >= 'A' && line[i] <= 'Z')
				break;
		if (i <= len)
			continue;	/* never asked in this case */
		if (!account_password_common(line))
			fail_msg("line %zu of the list is not found", n + 1);
		for (i = 0; i <= len; i++)
			up[i] = (char)(line[i] >= 'a' && line[i] <= 'z' ?
			    line[i] - 'a' + 'A' : line[i]);
		assert_true(account_password_common(up));
		snprintf(more, sizeof(more), "%s\x7f", line);
		if (len < ACCOUNT_PASSWORD_MAX && account_password_common(more))
			longer++;
		n++;
	}
	fclose(f);
	assert_true(n > 20000);
	/* No word of the file ends with DEL. */
	assert_int_equal(longer, 0);
	assert_false(account_password_common(""));
	assert_false(account_password_common("0"));
	assert_false(account_password_common("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"));
}

static void
test_totp_vectors(void **state)
{
	static const struct { int64_t t; const char *code; } v[] = {
		{ 59, "94287082" }, { 1111111109, "07081804" },
		{ 1111111111, "14050471" }, { 1234567890, "89005924" },
		{ 2000000000, "69279037" }, { INT64_C(20000000000), "65353130" },
	};
	const uint8_t	*k = (const uint8_t *)"12345678901234567890";
	char		 out[9], six[7];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(account_totp_code(k, 20, v[i].t, 8, out), 0);
		assert_string_equal(out, v[i].code);
	}
	/* Six digits are the last six; one step either side is accepted,
	 * two are not. */
	assert_int_equal(account_totp_code(k, 20, 1111111109, 6, six), 0);
	assert_string_equal(six, "081804");
	assert_int_equal(account_totp_check(k, 20, 1111111109, six), 0);
	assert_int_equal(account_totp_check(k, 20, 1111111109 + 30, six), 0);
	assert_int_equal(account_totp_check(k, 20, 1111111109 + 90, six), -1);
	assert_int_equal(account_totp_check(k, 20, 1111111109, "08180"), -1);
	assert_int_equal(account_totp_check(k, 20, 1111111109, "08180x"), -1);
}

static void
test_throttle(void **state)
{
	struct throttle	 t = { 0, INT64_MIN / 2, 0 };
	int64_t		 now = T0, w, prev = 0;
	int		 i;

	(void)state;
	assert_int_equal(throttle_wait(&t, now), 0);
	/* Two failures are free; then the delay doubles up to its cap. */
	throttle_fail(&t, now);
	throttle_fail(&t, now);
	assert_int_equal(throttle_wait(&t, now), 0);
	throttle_fail(&t, now);
	assert_int_equal(throttle_wait(&t, now), 1);
	throttle_fail(&t, now);
	assert_int_equal(throttle_wait(&t, now), 2);
	for (i = 0; i < 10; i++) {
		now += throttle_wait(&t, now);
		throttle_fail(&t, now);
		w = throttle_wait(&t, now);
		assert_true(w >= prev);
		assert_true(w <= ACCOUNT_DELAY_MAX);
		prev = w;
	}
	assert_int_equal(prev, ACCOUNT_DELAY_MAX);
	/* At most ACCOUNT_FAILS_HOUR in an hour, then wait for the hour. */
	t.failures = ACCOUNT_FAILS_HOUR;
	t.window = T0;
	t.last = T0 + 10;
	assert_int_equal(throttle_wait(&t, T0 + 100), ACCOUNT_WINDOW_S - 100);
	assert_int_equal(throttle_wait(&t, T0 + ACCOUNT_WINDOW_S), 0);
	throttle_fail(&t, T0 + ACCOUNT_WINDOW_S);
	assert_int_equal(t.failures, 1);
}

static char	 dir[64];
static struct node *nd;

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/opora-acct.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	rmdir(dir);
	if (node_init(dir, "RU-SMO", NULL, NULL) == -1 ||
	    (nd = node_open(dir, "test")) == NULL)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	node_close(nd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

static void
add(const char *login, enum access_role role, const uint8_t *totp)
{
	struct account	 a;

	memset(&a, 0, sizeof(a));
	snprintf(a.login, sizeof(a.login), "%s", login);
	snprintf(a.name, sizeof(a.name), "Петрова Елена");
	snprintf(a.centre, sizeof(a.centre), "Смоленский центр");
	a.role = role;
	a.enabled = true;
	assert_int_equal(account_add(nd->st, &a, "correct horse battery",
	    totp, totp != NULL ? 20 : 0, T0), 0);
}

static void
test_login(void **state)
{
	const uint8_t	*k = (const uint8_t *)"12345678901234567890";
	struct account	 a;
	int64_t		 wait, now = T0;
	char		 code[7];
	int		 i, r;

	(void)state;
	add("petrova", ROLE_CURATOR, NULL);
	add("boss", ROLE_ADMIN, k);
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.0.1", now, NULL, &a, &wait),
	    ACCOUNT_OK);
	assert_string_equal(a.login, "petrova");
	/* Wrong password, unknown login: one answer. */
	assert_int_equal(account_login(nd->st, "petrova", "wrong password!",
	    NULL, "10.0.0.1", now, NULL, &a, &wait), ACCOUNT_WRONG);
	assert_int_equal(account_login(nd->st, "nobody", "wrong password!",
	    NULL, "10.0.0.2", now, NULL, &a, &wait), ACCOUNT_WRONG);
	/* An admin needs the code. */
	assert_int_equal(account_login(nd->st, "boss",
	    "correct horse battery", NULL, "10.0.0.3", now, NULL, &a, &wait),
	    ACCOUNT_WRONG);
	assert_int_equal(account_totp_code(k, 20, now, 6, code), 0);
	assert_int_equal(account_login(nd->st, "boss",
	    "correct horse battery", code, "10.0.0.3", now, NULL, &a, &wait),
	    ACCOUNT_OK);
	/* A code opens one login (RFC 6238, 5.2): seen over a shoulder and
	 * typed again within its 90 seconds, it is refused; and so is the
	 * code of the step before; the next step's opens. */
	assert_int_equal(account_login(nd->st, "boss",
	    "correct horse battery", code, "10.0.0.4", now + 20, NULL, &a,
	    &wait), ACCOUNT_WRONG);
	assert_int_equal(account_totp_code(k, 20, now - 30, 6, code), 0);
	assert_int_equal(account_login(nd->st, "boss",
	    "correct horse battery", code, "10.0.0.4", now, NULL, &a, &wait),
	    ACCOUNT_WRONG);
	assert_int_equal(account_totp_code(k, 20, now + 30, 6, code), 0);
	assert_int_equal(account_login(nd->st, "boss",
	    "correct horse battery", code, "10.0.0.5", now + 30, NULL, &a,
	    &wait), ACCOUNT_OK);
	/* Growing delay per account, whatever the address. */
	for (i = 0; i < 3; i++)
		(void)account_login(nd->st, "petrova", "wrong password!",
		    NULL, "10.0.1.1", now, NULL, &a, &wait);
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.9.9", now, NULL, &a, &wait),
	    ACCOUNT_WAIT);
	assert_true(wait > 0);
	/* Keep failing, waiting each delay out: the ACCOUNT_LOCK_FAILS-th
	 * failure within the hour locks the account; the right password no
	 * longer opens it, even after the hour, until an admin unlocks it. */
	for (i = 0, r = 0; i < 200 && r != ACCOUNT_LOCKED; i++) {
		now += 1;
		r = account_login(nd->st, "petrova", "wrong password!", NULL,
		    "10.0.2.1", now, NULL, &a, &wait);
		if (r == ACCOUNT_WAIT)
			now += wait;
	}
	assert_int_equal(r, ACCOUNT_LOCKED);
	assert_true(now - T0 < ACCOUNT_WINDOW_S);
	now += ACCOUNT_WINDOW_S;
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.3.1", now, NULL, &a, &wait),
	    ACCOUNT_WRONG);
	assert_int_equal(account_unlock(nd->st, "petrova"), 0);
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.3.1", now, NULL, &a, &wait),
	    ACCOUNT_OK);
}

/*
 * The hash checked before the login's transaction (account_login_check):
 * its verdict is taken while the account's hash is the one it checked,
 * and checked again when the password changed in between; a throttled
 * attempt checks no hash at all.
 */
static void
test_login_checked_before(void **state)
{
	struct account_check	 chk;
	struct account		 a;
	int64_t			 wait;
	int			 i;

	(void)state;
	add("petrova", ROLE_CURATOR, NULL);
	assert_int_equal(account_login_check(nd->st, "petrova",
	    "correct horse battery", "10.0.0.1", T0, &chk, &wait), 0);
	assert_true(chk.done);
	assert_int_equal(chk.known, 0);
	assert_int_equal(chk.match, 0);
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.0.1", T0, &chk, &a, &wait),
	    ACCOUNT_OK);
	/* A check of a wrong password stays wrong; a check of another
	 * password than the login's counts for nothing either way. */
	assert_int_equal(account_login_check(nd->st, "petrova",
	    "wrong password!", "10.0.0.1", T0, &chk, &wait), 0);
	assert_int_equal(chk.match, 1);
	assert_int_equal(account_login(nd->st, "petrova", "wrong password!",
	    NULL, "10.0.0.1", T0, &chk, &a, &wait), ACCOUNT_WRONG);
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.0.1", T0, &chk, &a, &wait),
	    ACCOUNT_OK);
	assert_int_equal(account_login_check(nd->st, "petrova",
	    "correct horse battery", "10.0.0.1", T0, &chk, &wait), 0);
	assert_int_equal(account_login(nd->st, "petrova", "wrong password!",
	    NULL, "10.0.0.1", T0, &chk, &a, &wait), ACCOUNT_WRONG);
	/* The password changes between the check and the login: the old
	 * one's match no longer counts, the new one's mismatch neither. */
	assert_int_equal(account_login_check(nd->st, "petrova",
	    "correct horse battery", "10.0.0.1", T0, &chk, &wait), 0);
	assert_int_equal(chk.match, 0);
	assert_int_equal(account_set_password(nd->st, "petrova",
	    "a new horse, a new battery", false), 0);
	assert_int_equal(account_login(nd->st, "petrova",
	    "correct horse battery", NULL, "10.0.0.1", T0, &chk, &a, &wait),
	    ACCOUNT_WRONG);
	/* (The three failures so far would make the next attempt wait.) */
	assert_int_equal(account_unlock(nd->st, "petrova"), 0);
	assert_int_equal(account_login_check(nd->st, "petrova",
	    "the third horse here", "10.0.0.3", T0, &chk, &wait), 0);
	assert_int_equal(chk.match, 1);
	assert_int_equal(account_set_password(nd->st, "petrova",
	    "the third horse here", false), 0);
	assert_int_equal(account_login(nd->st, "petrova",
	    "the third horse here", NULL, "10.0.0.3", T0, &chk, &a, &wait),
	    ACCOUNT_OK);
	/* No such account: known 1, never a match. */
	assert_int_equal(account_login_check(nd->st, "nobody",
	    "the third horse here", "10.0.0.2", T0, &chk, &wait), 0);
	assert_int_equal(chk.known, 1);
	assert_int_equal(chk.match, 1);
	/* Throttled: the check says wait, as the login would. */
	for (i = 0; i < 3; i++)
		(void)account_login(nd->st, "petrova", "wrong password!",
		    NULL, "10.0.1.1", T0, NULL, &a, &wait);
	assert_int_equal(account_login_check(nd->st, "petrova",
	    "the third horse here", "10.0.9.9", T0, &chk, &wait),
	    ACCOUNT_WAIT);
	assert_true(wait > 0);
	assert_false(chk.done);
}

static void
test_lockout_per_address(void **state)
{
	struct account	 a;
	int64_t		 wait;
	int		 i;

	(void)state;
	add("ivanov", ROLE_SUPERVISOR, NULL);
	/* One address trying many names: the address waits too. */
	for (i = 0; i < 3; i++) {
		char	 login[32];

		snprintf(login, sizeof(login), "guess%d", i);
		(void)account_login(nd->st, login, "wrong password!", NULL,
		    "192.0.2.7", T0, NULL, &a, &wait);
	}
	assert_int_equal(account_login(nd->st, "ivanov",
	    "correct horse battery", NULL, "192.0.2.7", T0, NULL, &a, &wait),
	    ACCOUNT_WAIT);
	assert_int_equal(account_login(nd->st, "ivanov",
	    "correct horse battery", NULL, "192.0.2.8", T0, NULL, &a, &wait),
	    ACCOUNT_OK);
}

/* The timeouts come from opora.conf (session_idle_minutes,
 * session_max_hours), in minutes and hours; session_check takes them in
 * seconds. */
static void
test_session_config(void **state)
{
	static const char conf[] = "region = RU-SMO\n"
	    "session_idle_minutes = 5\nsession_max_hours = 2\n";
	struct node_config c;
	struct session	 s;
	char		 tok[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
	char		 why[256];
	int64_t		 idle, max;
	int		 line;

	(void)state;
	assert_int_equal(node_config_parse("region = RU-SMO\n", 16, &c,
	    &line, why, sizeof(why)), 0);
	assert_int_equal(c.session_idle_minutes * 60, SESSION_IDLE_DEFAULT);
	assert_int_equal(c.session_max_hours * 3600,
	    SESSION_ABSOLUTE_DEFAULT);
	assert_int_equal(node_config_parse(conf, sizeof(conf) - 1, &c, &line,
	    why, sizeof(why)), 0);
	idle = (int64_t)c.session_idle_minutes * 60;
	max = (int64_t)c.session_max_hours * 3600;
	add("sidorova", ROLE_CURATOR, NULL);
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok, csrf),
	    0);
	assert_int_equal(session_check(nd->st, tok, T0 + 299, idle, max, &s),
	    0);
	assert_int_equal(session_check(nd->st, tok, T0 + 299 + 300, idle,
	    max, &s), 1);
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok, csrf),
	    0);
	for (line = 1; line < 2 * 60 / 4; line++)
		assert_int_equal(session_check(nd->st, tok, T0 + line * 240,
		    idle, max, &s), 0);
	assert_int_equal(session_check(nd->st, tok, T0 + 7200, idle, max,
	    &s), 1);
	/* Out of bounds: refused with the setting named. */
	assert_int_equal(node_config_parse("region = RU-SMO\n"
	    "session_idle_minutes = 0\n", 41, &c, &line, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "session_idle_minutes"));
	assert_int_equal(node_config_parse("region = RU-SMO\n"
	    "session_max_hours = 25\n", 39, &c, &line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "session_max_hours"));
}

/* The daily sweep: ended sessions go, live ones stay; counters of failed
 * logins go two hours after their window began. */
static void
test_session_sweep(void **state)
{
	struct session	 s;
	struct account	 a;
	char		 t1[SESSION_TOKEN_HEX + 1], t2[SESSION_TOKEN_HEX + 1];
	char		 t3[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
	int64_t		 wait, now = T0 + SESSION_ABSOLUTE_DEFAULT;

	(void)state;
	add("sidorova", ROLE_CURATOR, NULL);
	/* Idle too long; too old though used; live. */
	assert_int_equal(session_create(nd->st, "sidorova", now - 7200, t1,
	    csrf), 0);
	assert_int_equal(session_create(nd->st, "sidorova",
	    now - SESSION_ABSOLUTE_DEFAULT, t2, csrf), 0);
	{
		char	 sql[160];

		snprintf(sql, sizeof(sql), "UPDATE sessions SET last_seen ="
		    " %lld WHERE created = %lld", (long long)(now - 10),
		    (long long)(now - SESSION_ABSOLUTE_DEFAULT));
		assert_int_equal(store_exec(nd->st, sql), 0);
	}
	assert_int_equal(session_create(nd->st, "sidorova", now - 60, t3,
	    csrf), 0);
	(void)account_login(nd->st, "sidorova", "wrong password!", NULL,
	    "10.9.0.1", now - 3 * ACCOUNT_WINDOW_S, NULL, &a, &wait);
	(void)account_login(nd->st, "sidorova", "wrong password!", NULL,
	    "10.9.0.2", now - 60, NULL, &a, &wait);
	assert_int_equal(store_count(nd->st, "SELECT count(*) FROM sessions"),
	    3);
	assert_int_equal(store_count(nd->st, "SELECT count(*) FROM throttle"
	    " WHERE key LIKE 'address:%'"), 2);
	assert_int_equal(session_sweep(nd->st, now, SESSION_IDLE_DEFAULT,
	    SESSION_ABSOLUTE_DEFAULT), 0);
	assert_int_equal(store_count(nd->st, "SELECT count(*) FROM sessions"),
	    1);
	assert_int_equal(session_check(nd->st, t3, now, SESSION_IDLE_DEFAULT,
	    SESSION_ABSOLUTE_DEFAULT, &s), 0);
	assert_int_equal(store_count(nd->st, "SELECT count(*) FROM throttle"
	    " WHERE key = 'address:10.9.0.2'"), 1);
	assert_int_equal(store_count(nd->st, "SELECT count(*) FROM throttle"
	    " WHERE key = 'address:10.9.0.1'"), 0);
}

static void
test_sessions(void **state)
{
	struct session	 s;
	char		 tok[SESSION_TOKEN_HEX + 1], csrf[SESSION_TOKEN_HEX + 1];
	char		 tok2[SESSION_TOKEN_HEX + 1];
	int64_t		 n;

	(void)state;
	add("sidorova", ROLE_CURATOR, NULL);
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok, csrf),
	    0);
	assert_int_equal(strlen(tok), 64);
	/* Only the hash is stored. */
	n = store_count(nd->st, "SELECT count(*) FROM sessions WHERE"
	    " instr(hex(hash), upper(substr(csrf, 1, 0))) > 0");
	assert_true(n >= 1);
	assert_int_equal(session_check(nd->st, tok, T0 + 60,
	    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 0);
	assert_string_equal(s.login, "sidorova");
	assert_true(session_csrf_ok(&s, csrf));
	assert_false(session_csrf_ok(&s, NULL));
	assert_false(session_csrf_ok(&s, tok));
	/* Used every 29 minutes it lives, but never beyond 12 hours. */
	for (n = T0 + 60; n < T0 + SESSION_ABSOLUTE_DEFAULT - 1800;
	    n += 1740)
		assert_int_equal(session_check(nd->st, tok, n,
		    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 0);
	assert_int_equal(session_check(nd->st, tok, T0 +
	    SESSION_ABSOLUTE_DEFAULT, SESSION_IDLE_DEFAULT,
	    SESSION_ABSOLUTE_DEFAULT, &s), 1);
	/* Idle for 30 minutes: gone. */
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok, csrf),
	    0);
	assert_int_equal(session_check(nd->st, tok, T0 + 1800,
	    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 1);
	/* Made while the clock ran a day fast, used when it is right
	 * again: it ends (it would have lived a day past both limits).  A
	 * step back of NTP's size counts as no time passed. */
	assert_int_equal(session_create(nd->st, "sidorova", T0 + 86400, tok,
	    csrf), 0);
	assert_int_equal(session_check(nd->st, tok, T0 + 60,
	    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 1);
	assert_int_equal(session_check(nd->st, tok, T0 + 86400,
	    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 1);
	assert_int_equal(session_create(nd->st, "sidorova", T0 + 30, tok,
	    csrf), 0);
	assert_int_equal(session_check(nd->st, tok, T0,
	    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 0);
	assert_int_equal(session_check(nd->st, tok, T0 + 30 + 1799,
	    SESSION_IDLE_DEFAULT, SESSION_ABSOLUTE_DEFAULT, &s), 0);
	/* Logout; malformed tokens. */
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok, csrf),
	    0);
	assert_int_equal(session_end(nd->st, tok), 0);
	assert_int_equal(session_check(nd->st, tok, T0 + 1, 1800, 43200, &s),
	    1);
	assert_int_equal(session_check(nd->st, "", T0, 1800, 43200, &s), 1);
	assert_int_equal(session_check(nd->st, "../../etc", T0, 1800, 43200,
	    &s), 1);
	/* A password change ends every session of the account. */
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok, csrf),
	    0);
	assert_int_equal(session_create(nd->st, "sidorova", T0, tok2, csrf),
	    0);
	assert_int_equal(session_glass_grant(nd->st, tok, "d-1", "why", T0),
	    0);
	assert_int_equal(session_glass_has(nd->st, tok, "d-1"), 1);
	assert_int_equal(session_glass_has(nd->st, tok2, "d-1"), 0);
	assert_int_equal(account_set_password(nd->st, "sidorova",
	    "another good password", false), 0);
	assert_int_equal(session_check(nd->st, tok, T0 + 1, 1800, 43200, &s),
	    1);
	assert_int_equal(session_check(nd->st, tok2, T0 + 1, 1800, 43200,
	    &s), 1);
}

static void
test_audit_chain(void **state)
{
	struct audit_entry	 e = { "petrova", "curator", "opora", "cli",
				    "read", "d-1", "", "own-centre" };
	char			 why[256];
	int64_t			 ne, nc;
	int			 i;

	(void)state;
	for (i = 0; i < AUDIT_CHECKPOINT_EVERY + 5; i++)
		assert_int_equal(audit_record(nd, &e), 0);
	assert_int_equal(audit_verify(nd, &ne, &nc, why, sizeof(why)), 0);
	assert_true(ne >= AUDIT_CHECKPOINT_EVERY + 5);
	assert_true(nc >= 2);
	/* The triggers refuse an edit; bypassing them is found. */
	assert_int_equal(store_exec(nd->st, "UPDATE audit SET reason = 'x'"
	    " WHERE seq = 3"), -1);
	assert_int_equal(store_exec(nd->st, "DROP TRIGGER audit_no_update;"
	    "UPDATE audit SET reason = 'x' WHERE seq = 3"), 0);
	assert_int_equal(audit_verify(nd, &ne, &nc, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "entry 3"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_parameters),
		cmocka_unit_test(test_common_list),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_totp_vectors),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test_setup_teardown(test_session_sweep, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_login_checked_before,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout_per_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_config, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
