/*
 * node/cmd_user.c: 'opora user' (accounts), 'opora audit' (the audit log)
 * and 'opora assign' (a dossier's centre).  docs/admin.md tells how.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "node/account.h"
#include "node/audit.h"
#include "node/cli.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/esc.h"
#include "protocol/log.h"

static int64_t
now_s(void)
{
	return ((int64_t)(node_now_ms() / 1000));
}

/* One line of standard input as a password, without its newline. */
static int
read_password(char *out, size_t outsz)
{
	size_t	 len;

	if (fgets(out, (int)outsz, stdin) == NULL) {
		cli_err("%s", cli_tr("no password on standard input",
		    "на стандартном вводе нет пароля"));
		return (-1);
	}
	len = strlen(out);
	if (len > 0 && out[len - 1] == '\n')
		out[--len] = '\0';
	else if (len == outsz - 1) {
		cli_err("%s", cli_tr("the password is too long",
		    "пароль слишком длинный"));
		return (-1);
	}
	if (len > 0 && out[len - 1] == '\r')
		out[--len] = '\0';
	return (0);
}

/* A password for login: from standard input (checked) or made here. */
static int
get_password(bool from_stdin, char *pw, size_t pwsz, bool *made)
{
	char	 why[160];

	*made = !from_stdin;
	if (!from_stdin)
		return (account_new_password(pw, pwsz));
	if (read_password(pw, pwsz) == -1)
		return (-1);
	if (account_password_policy(pw, why, sizeof(why)) == -1) {
		cli_err("%s", why);
		return (-1);
	}
	return (0);
}

static bool
text_ok(const char *s, size_t max, const char *what)
{
	size_t	 i, len = strlen(s);

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	if (len > max || i != len) {
		cli_err("%s %s", what, cli_tr("is too long or holds control "
		    "characters", "слишком длинное или содержит управляющие "
		    "символы"));
		return (false);
	}
	return (true);
}

static const char USER_USAGE[] =
    "usage: opora user add LOGIN --name NAME --role ROLE [--centre CENTRE]\n"
    "                      [--password-stdin] [--totp] [--json]\n"
    "       opora user list [--json]\n"
    "       opora user set LOGIN [--name NAME] [--role ROLE] "
    "[--centre CENTRE]\n"
    "       opora user disable|enable|unlock LOGIN\n"
    "       opora user reset-password LOGIN [--password-stdin] [--json]\n"
    "  ROLE: curator, supervisor, admin, auditor or researcher.  Without\n"
    "  --password-stdin a one-time password is printed.  An admin always\n"
    "  gets a second factor (TOTP); --totp gives one to another role.\n";

struct user_opts {
	const char	*name, *role, *centre;
	bool		 pw_stdin, totp, json;
};

static int
user_args(int argc, char **argv, struct user_opts *o)
{
	static const struct option opts[] = {
		{ "centre", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "name", required_argument, NULL, 'n' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "role", required_argument, NULL, 'r' },
		{ "totp", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:hjn:pr:t", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'c':
			o->centre = optarg;
			break;
		case 'h':
			fputs(USER_USAGE, stdout);
			return (EX_OK);
		case 'j':
			o->json = true;
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'p':
			o->pw_stdin = true;
			break;
		case 'r':
			o->role = optarg;
			break;
		case 't':
			o->totp = true;
			break;
		default:
			fputs(USER_USAGE, stderr);
			return (EX_USAGE);
		}
	}
	return (-1);
}

static int
check_fields(struct account *a, const struct user_opts *o)
{
	if (o->role != NULL && access_role_parse(o->role, &a->role) == -1) {
		cli_err("%s \"%.20s\"", cli_tr("unknown role", "неизвестная "
		    "роль"), o->role);
		return (-1);
	}
	if (o->name != NULL) {
		if (!text_ok(o->name, ACCOUNT_NAME_MAX, "--name"))
			return (-1);
		snprintf(a->name, sizeof(a->name), "%s", o->name);
	}
	if (o->centre != NULL) {
		if (!text_ok(o->centre, ACCOUNT_CENTRE_MAX, "--centre"))
			return (-1);
		snprintf(a->centre, sizeof(a->centre), "%s", o->centre);
	}
	if (a->role == ROLE_CURATOR && a->centre[0] == '\0') {
		cli_err("%s", cli_tr("a curator needs --centre",
		    "куратору нужен --centre"));
		return (-1);
	}
	return (0);
}

static void
print_secret(const struct account *a, const char *pw, bool made,
    const uint8_t *totp, bool json)
{
	char	 uri[256];
	cJSON	*o;

	uri[0] = '\0';
	if (totp != NULL && account_totp_uri(a->login, "opora", totp,
	    ACCOUNT_TOTP_LEN, uri, sizeof(uri)) == -1)
		uri[0] = '\0';
	if (json) {
		if ((o = cJSON_CreateObject()) == NULL)
			return;
		cJSON_AddStringToObject(o, "login", a->login);
		cJSON_AddStringToObject(o, "role", access_role_name(a->role));
		if (made)
			cJSON_AddStringToObject(o, "password", pw);
		if (uri[0] != '\0')
			cJSON_AddStringToObject(o, "totp", uri);
		cli_print_json(o);
		cJSON_Delete(o);
		return;
	}
	printf("%s %s (%s)\n", cli_tr("account", "учётная запись"), a->login,
	    access_role_name(a->role));
	if (made)
		printf("%s %s\n", cli_tr("one-time password (to be changed at "
		    "first login):", "одноразовый пароль (сменить при первом "
		    "входе):"), pw);
	if (uri[0] != '\0')
		printf("%s %s\n", cli_tr("second factor, for an authenticator "
		    "app:", "второй фактор, для приложения-аутентификатора:"),
		    uri);
}

static int
user_add(int argc, char **argv)
{
	struct user_opts o;
	struct account	 a;
	struct node	*n = NULL;
	uint8_t		 totp[ACCOUNT_TOTP_LEN];
	char		 pw[ACCOUNT_PASSWORD_MAX + 2];
	bool		 made, first;
	int		 r, rc;

	if ((rc = user_args(argc, argv, &o)) != -1)
		return (rc);
	if (argc - optind != 1 || o.name == NULL || o.role == NULL) {
		fputs(USER_USAGE, stderr);
		return (EX_USAGE);
	}
	memset(&a, 0, sizeof(a));
	snprintf(a.login, sizeof(a.login), "%s", argv[optind]);
	if (!account_login_valid(argv[optind])) {
		cli_err("%s \"%.40s\" (%s)", cli_tr("not a login:", "это не "
		    "логин:"), argv[optind], cli_tr("a-z, 0-9, '.', '_', '-', "
		    "starting with a letter, at most 32", "a-z, 0-9, '.', "
		    "'_', '-', с буквы, не длиннее 32"));
		return (EX_USAGE);
	}
	if (check_fields(&a, &o) == -1)
		return (EX_USAGE);
	a.enabled = true;
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_SOFTWARE;
	first = !cli.have_acct;
	if (first && a.role != ROLE_ADMIN) {
		cli_err("%s", cli_tr("the first account must be an admin "
		    "(--role admin)", "первая учётная запись должна быть "
		    "администратором (--role admin)"));
		rc = EX_USAGE;
		goto out;
	}
	if (get_password(o.pw_stdin, pw, sizeof(pw), &made) == -1) {
		rc = EX_DATAERR;
		goto out;
	}
	a.must_change = made;
	if ((a.role == ROLE_ADMIN || o.totp) &&
	    RAND_bytes(totp, sizeof(totp)) != 1)
		goto out;
	if (store_begin(n->st) == -1)
		goto out;
	if ((r = account_add(n->st, &a, pw, a.role == ROLE_ADMIN || o.totp ?
	    totp : NULL, sizeof(totp), now_s())) != 0) {
		if (r == 1) {
			cli_err("%s %s", cli_tr("an account already has the "
			    "login", "логин уже занят:"), a.login);
			rc = EX_DATAERR;
		}
		store_rollback(n->st);
		goto out;
	}
	if (first) {	/* the audit names the first admin as its author */
		cli.acct = a;
		cli.have_acct = true;
	}
	if (cli_audit(n, "user add", "", a.login, true) == -1 ||
	    store_commit(n->st) == -1) {
		store_rollback(n->st);
		goto out;
	}
	print_secret(&a, pw, made, a.role == ROLE_ADMIN || o.totp ? totp :
	    NULL, o.json);
	rc = EX_OK;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(totp, sizeof(totp));
	node_close(n);
	return (rc);
}

static int
list_one(const struct account *a, void *arg)
{
	cJSON	*arr = arg, *o;
	char	 name[ESC_SHORT * 2], centre[ESC_SHORT * 2];

	if (arr != NULL) {
		if ((o = cJSON_CreateObject()) == NULL)
			return (-1);
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "login", a->login);
		cJSON_AddStringToObject(o, "name", a->name);
		cJSON_AddStringToObject(o, "role", access_role_name(a->role));
		cJSON_AddStringToObject(o, "centre", a->centre);
		cJSON_AddBoolToObject(o, "enabled", a->enabled);
		cJSON_AddBoolToObject(o, "locked", a->locked);
		cJSON_AddBoolToObject(o, "totp", a->has_totp);
		return (0);
	}
	printf("%-16s %-10s %s%s%s  %s  %s\n", a->login,
	    access_role_name(a->role), a->enabled ? "" : cli_tr("disabled ",
	    "отключена "), a->locked ? cli_tr("locked ", "заблокирована ") :
	    "", a->has_totp ? "totp" : "",
	    esc_str(a->name, name, sizeof(name)),
	    esc_str(a->centre, centre, sizeof(centre)));
	return (0);
}

static int
user_list(int argc, char **argv)
{
	struct user_opts o;
	struct node	*n;
	cJSON		*arr = NULL;
	int		 rc;

	if ((rc = user_args(argc, argv, &o)) != -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (!cli.have_acct) {
		node_close(n);
		return (EX_CONFIG);
	}
	if (o.json && (arr = cJSON_CreateArray()) == NULL)
		rc = EX_OSERR;
	else if (account_each(n->st, list_one, arr) != 0)
		rc = EX_SOFTWARE;
	else {
		if (arr != NULL)
			cli_print_json(arr);
		rc = EX_OK;
	}
	cJSON_Delete(arr);
	node_close(n);
	return (rc);
}

/* user set / disable / enable / unlock / reset-password. */
static int
user_change(int argc, char **argv)
{
	struct user_opts o;
	struct account	 a;
	struct node	*n = NULL;
	const char	*what = argv[0];
	uint8_t		 totp[ACCOUNT_TOTP_LEN];
	char		 pw[ACCOUNT_PASSWORD_MAX + 2];
	bool		 made = false, newtotp = false;
	int		 r, rc;

	pw[0] = '\0';
	if ((rc = user_args(argc, argv, &o)) != -1)
		return (rc);
	if (argc - optind != 1) {
		fputs(USER_USAGE, stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_SOFTWARE;
	if (!cli.have_acct) {
		rc = EX_CONFIG;
		goto out;
	}
	if ((r = account_get(n->st, argv[optind], &a)) != 0) {
		if (r == 1) {
			cli_err("%s \"%.40s\"", cli_tr("no account",
			    "нет учётной записи"), argv[optind]);
			rc = EX_NOINPUT;
		}
		goto out;
	}
	if (strcmp(what, "set") == 0) {
		if (check_fields(&a, &o) == -1) {
			rc = EX_USAGE;
			goto out;
		}
	} else if (strcmp(what, "disable") == 0)
		a.enabled = false;
	else if (strcmp(what, "enable") == 0)
		a.enabled = true;
	else if (strcmp(what, "reset-password") == 0) {
		if (get_password(o.pw_stdin, pw, sizeof(pw), &made) == -1) {
			rc = EX_DATAERR;
			goto out;
		}
	}
	/* An admin account always has a second factor. */
	if (a.role == ROLE_ADMIN && !a.has_totp) {
		if (RAND_bytes(totp, sizeof(totp)) != 1)
			goto out;
		newtotp = true;
	}
	if (a.role != ROLE_ADMIN || !a.enabled) {
		if ((r = account_other_admin(n->st, a.login)) == -1)
			goto out;
		if (r == 0) {
			cli_err("%s", cli_tr("this is the last enabled admin: "
			    "make another admin first", "это последний "
			    "действующий администратор: сначала назначьте "
			    "другого"));
			rc = EX_DATAERR;
			goto out;
		}
	}
	if (store_begin(n->st) == -1)
		goto out;
	if ((strcmp(what, "unlock") == 0 ? account_unlock(n->st, a.login) :
	    account_update(n->st, &a)) == -1 ||
	    (pw[0] != '\0' && account_set_password(n->st, a.login, pw,
	    made) == -1) ||
	    (newtotp && account_set_totp(n->st, a.login, totp,
	    sizeof(totp)) == -1) ||
	    cli_audit(n, strcmp(what, "set") == 0 ? "user set" :
	    strcmp(what, "disable") == 0 ? "user disable" :
	    strcmp(what, "enable") == 0 ? "user enable" :
	    strcmp(what, "unlock") == 0 ? "user unlock" :
	    "user reset-password", "", a.login, true) == -1 ||
	    store_commit(n->st) == -1) {
		store_rollback(n->st);
		goto out;
	}
	if (made || newtotp)
		print_secret(&a, pw, made, newtotp ? totp : NULL, o.json);
	rc = EX_OK;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(totp, sizeof(totp));
	node_close(n);
	return (rc);
}

int
cmd_user(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", user_add },
		{ "disable", user_change },
		{ "enable", user_change },
		{ "list", user_list },
		{ "reset-password", user_change },
		{ "set", user_change },
		{ "unlock", user_change },
		{ NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, USER_USAGE));
}

/* ---- opora audit ---- */

static const char AUDIT_USAGE[] =
    "usage: opora audit list [--dossier ID] [--user LOGIN] [--since DATE] "
    "[--json]\n"
    "       opora audit verify\n"
    "       opora audit export --format csv [--dossier ID] [--user LOGIN] "
    "[--since DATE]\n";

/* "YYYY-MM-DD" into tm (midnight UTC).  0 / -1. */
static int
parse_date(const char *s, struct tm *tm)
{
	int	 i, v[3] = { 0, 0, 0 }, f = 0;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			f++;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v[f] = v[f] * 10 + (s[i] - '0');
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31)
		return (-1);
	tm->tm_year = v[0] - 1900;
	tm->tm_mon = v[1] - 1;
	tm->tm_mday = v[2];
	return (0);
}

static const char *const audit_cols[] = { "seq", "at", "login", "role",
    "os_user", "addr", "action", "dossiers", "reason", "detail" };

/* A CSV field (RFC 4180), with a quote before what a spreadsheet would
 * take for a formula. */
static void
csv_field(const char *v)
{
	const char	*p;

	putchar('"');
	if (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')
		putchar('\'');
	for (p = v; *p != '\0'; p++) {
		if (*p == '"')
			putchar('"');
		putchar(*p);
	}
	putchar('"');
}

/* "YYYY-MM-DDTHH:MM:SSZ" of unix time at, into when. */
static void
audit_when(int64_t at, char when[32])
{
	struct tm	 tm;
	time_t		 t = (time_t)at;

	gmtime_r(&t, &tm);
	strftime(when, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* One audit entry into the array arg. */
static int
audit_obj(int64_t seq, int64_t at, const char *const *col, void *arg)
{
	cJSON		*arr = arg, *o;
	char		 when[32];
	int		 c;

	audit_when(at, when);
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(arr, o);
	cJSON_AddNumberToObject(o, "seq", (double)seq);
	cJSON_AddStringToObject(o, "at", when);
	for (c = 0; c < AUDIT_NCOLS; c++)
		cJSON_AddStringToObject(o, audit_cols[c + 2], col[c]);
	return (0);
}

cJSON *
cli_audit_json(struct node *n, const char *dossier, const char *user,
    int64_t since)
{
	cJSON	*arr;

	if ((arr = cJSON_CreateArray()) == NULL)
		return (NULL);
	if (audit_each(n, dossier, user, since, audit_obj, arr) != 0) {
		cJSON_Delete(arr);
		return (NULL);
	}
	return (arr);
}

/* One audit entry as a CSV record. */
static int
audit_csv(int64_t seq, int64_t at, const char *const *col, void *arg)
{
	char	 when[32];
	int	 c;

	(void)arg;
	audit_when(at, when);
	printf("%lld,%s", (long long)seq, when);
	for (c = 0; c < AUDIT_NCOLS; c++) {
		putchar(',');
		csv_field(col[c]);
	}
	printf("\r\n");
	return (0);
}

/* One audit entry as a line for a person, escaped. */
static int
audit_line(int64_t seq, int64_t at, const char *const *col, void *arg)
{
	char	 when[32], e[AUDIT_NCOLS][ESC_LONG];
	int	 c;

	(void)arg;
	audit_when(at, when);
	for (c = 0; c < AUDIT_NCOLS; c++)
		esc_str(col[c], e[c], sizeof(e[0]));
	printf("%lld  %s  %s (%s, %s@%s)  %s  %s%s%s%s%s\n", (long long)seq,
	    when, e[0], e[1], e[2], e[3], e[4], e[5], e[6][0] ?
	    "  reason: " : "", e[6], e[7][0] ? "  " : "", e[7]);
	return (0);
}

static int
audit_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dossier", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dossier = NULL, *user = NULL, *since = NULL;
	const char	*format = NULL;
	struct node	*n;
	cJSON		*arr = NULL;
	struct tm	 tm;
	bool		 json = false, csv = strcmp(argv[0], "export") == 0;
	int		 ch, c, rc = EX_SOFTWARE;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "d:f:hjs:u:", opts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd':
			dossier = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			fputs(AUDIT_USAGE, stdout);
			return (EX_OK);
		case 'j':
			json = true;
			break;
		case 's':
			since = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		default:
			fputs(AUDIT_USAGE, stderr);
			return (EX_USAGE);
		}
	}
	if (optind != argc || (csv && (format == NULL ||
	    strcmp(format, "csv") != 0)) || (!csv && format != NULL)) {
		fputs(AUDIT_USAGE, stderr);
		return (EX_USAGE);
	}
	memset(&tm, 0, sizeof(tm));
	if (since != NULL && parse_date(since, &tm) == -1) {
		cli_err("%s \"%.20s\"", cli_tr("--since needs a date "
		    "YYYY-MM-DD:", "--since: нужна дата ГГГГ-ММ-ДД:"), since);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (!cli.have_acct || cli_audit(n, csv ? "audit export" :
	    "audit list", dossier != NULL ? dossier : "", user != NULL ?
	    user : "", false) == -1)
		goto out;
	if (json) {
		if ((arr = cli_audit_json(n, dossier, user, since != NULL ?
		    (int64_t)timegm(&tm) : -1)) == NULL)
			goto out;
		cli_print_json(arr);
		rc = EX_OK;
		goto out;
	}
	if (csv) {
		for (c = 0; c < 10; c++)
			printf("%s%s", c ? "," : "", audit_cols[c]);
		printf("\r\n");
	}
	if (audit_each(n, dossier, user, since != NULL ? (int64_t)timegm(&tm) :
	    -1, csv ? audit_csv : audit_line, NULL) != 0)
		goto out;
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	node_close(n);
	return (rc);
}

static int
audit_verify_cmd(int argc, char **argv)
{
	struct node	*n;
	char		 why[256];
	int64_t		 entries, cps;
	int		 r, rc = EX_SOFTWARE;

	if (argc != 1) {
		fputs(AUDIT_USAGE, argc > 1 && strcmp(argv[1], "--help") ==
		    0 ? stdout : stderr);
		return (argc > 1 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (!cli.have_acct)
		goto out;
	if ((r = audit_verify(n, &entries, &cps, why, sizeof(why))) == 0) {
		printf("%s: %lld %s, %lld %s\n", cli_tr("the audit log holds",
		    "журнал аудита цел"), (long long)entries,
		    cli_n((uint64_t)entries, "entry", "entries", "запись",
		    "записи", "записей"), (long long)cps, cli_n((uint64_t)cps,
		    "signed checkpoint", "signed checkpoints", "подписанная "
		    "контрольная точка", "подписанные контрольные точки",
		    "подписанных контрольных точек"));
		rc = EX_OK;
	} else if (r == 1) {
		cli_err("%s: %s", cli_tr("the audit log was tampered with",
		    "журнал аудита изменён"), why);
		rc = EX_DATAERR;
	}
	(void)cli_audit(n, "audit verify", "", rc == EX_OK ? "holds" :
	    "damaged", false);
out:
	node_close(n);
	return (rc);
}

int
cmd_audit(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "export", audit_list },
		{ "list", audit_list },
		{ "verify", audit_verify_cmd },
		{ NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, AUDIT_USAGE));
}

/* ---- opora assign ---- */

int
cmd_assign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "centre", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char usage[] =
	    "usage: opora assign DOSSIER --centre CENTRE\n"
	    "  the centre whose curators follow the dossier (a supervisor's "
	    "decision)\n";
	const char	*centre = NULL;
	struct node	*n;
	char		 id[37];
	int		 ch, rc = EX_SOFTWARE;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			centre = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return (EX_OK);
		default:
			fputs(usage, stderr);
			return (EX_USAGE);
		}
	}
	if (argc - optind != 1 || centre == NULL || centre[0] == '\0' ||
	    !text_ok(centre, ACCOUNT_CENTRE_MAX, "--centre")) {
		fputs(usage, stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (cli_dossier(n, argv[optind], id) == -1) {
		rc = EX_NOINPUT;
		goto out;
	}
	if (store_begin(n->st) == -1)
		goto out;
	if (account_assign(n->st, id, centre, now_s()) == -1 ||
	    cli_audit(n, "assign", id, centre, true) == -1 ||
	    store_commit(n->st) == -1) {
		store_rollback(n->st);
		goto out;
	}
	rc = EX_OK;
out:
	node_close(n);
	return (rc);
}
