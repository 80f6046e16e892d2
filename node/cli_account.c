/*
 * node/cli_account.c: the CLI acting as an account; the access checks and
 * the audit of every command (cli.h, docs/privacy.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "node/audit.h"
#include "node/cli.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_account.h"
#include "node/store_audit.h"
#include "protocol/log.h"

#define NONE	ACT_COUNT	/* acts as no account */

/* What each command does; a family whose subcommands differ lists them
 * before its default (sub NULL).  Sorted by command. */
static const struct {
	const char		*cmd, *sub;
	enum access_action	 action;
} actions[] = {
	{ "assessment", NULL, ACT_WRITE },
	{ "assign", NULL, ACT_DECIDE },
	{ "audit", NULL, ACT_AUDIT },
	{ "backup", NULL, ACT_TRANSPORT },
	{ "config", NULL, ACT_NODE },
	{ "conflicts", NULL, ACT_DECIDE },
	{ "consent", NULL, ACT_WRITE },
	{ "digest", NULL, ACT_READ },
	{ "duplicates", NULL, ACT_DECIDE },
	{ "episode", NULL, ACT_WRITE },
	{ "event", NULL, ACT_WRITE },
	{ "export", NULL, ACT_TRANSPORT },
	{ "find", NULL, ACT_READ },
	{ "id", NULL, NONE },
	{ "import", NULL, ACT_IMPORT },
	{ "init", NULL, NONE },
	{ "key", NULL, ACT_NODE },
	{ "link", NULL, ACT_DECIDE },
	{ "list", NULL, ACT_READ },
	{ "log", NULL, ACT_READ },
	{ "lost", NULL, ACT_NODE },
	{ "peer", NULL, ACT_NODE },
	{ "person", "erase", ACT_DECIDE },	/* a supervisor's */
	{ "person", NULL, ACT_WRITE },
	{ "rebuild", NULL, ACT_NODE },
	{ "receive", NULL, ACT_TRANSPORT },
	{ "rejected", NULL, ACT_NODE },
	{ "researcher", NULL, ACT_NODE },
	{ "restore", NULL, ACT_TRANSPORT },
	{ "serve", NULL, NONE },
	{ "show", NULL, ACT_READ },
	{ "stats", "publish", ACT_NODE },
	{ "stats", NULL, ACT_STATS },
	{ "status", NULL, ACT_NODE },
	{ "sync", NULL, NONE },
	{ "transfer", NULL, ACT_DECIDE },
	{ "unlink", NULL, ACT_DECIDE },
	{ "user", NULL, ACT_ACCOUNTS },
	{ "vectors", NULL, NONE },
	{ "verify", NULL, ACT_NODE },
};

int
cli_action(int argc, char **argv, bool *need)
{
	size_t	 i;
	int	 a;

	*need = false;
	for (a = 1; a < argc; a++)
		if (strcmp(argv[a], "--help") == 0 ||
		    strcmp(argv[a], "-h") == 0)
			return (NONE);
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].cmd, argv[0]) != 0)
			continue;
		if (actions[i].sub != NULL && (argc < 2 ||
		    strcmp(actions[i].sub, argv[1]) != 0))
			continue;
		*need = actions[i].action != NONE;
		return (actions[i].action);
	}
	return (NONE);
}

/* The first account of a node: 'user add' of an admin with no acting
 * account (docs/admin.md, "The first account"). */
static bool
bootstrap_allowed(void)
{
	return (cli.action == ACT_ACCOUNTS && cli.need_acct);
}

int
cli_account_bind(struct node *n)
{
	int64_t	 count;
	int	 r;

	cli.have_acct = false;
	if ((r = account_get(n->st, cli.user, &cli.acct)) == -1)
		return (-1);
	if (r == 1) {
		if ((count = account_count(n->st)) == 0 &&
		    bootstrap_allowed())
			return (0);	/* cmd_user checks the rest */
		if (count == 0)
			cli_err("%s", cli_tr("this node has no account yet: "
			    "create the first admin with 'opora user add "
			    "LOGIN --name NAME --role admin' (docs/admin.md)",
			    "на узле ещё нет учётных записей: создайте "
			    "первого администратора командой 'opora user add "
			    "ЛОГИН --name ИМЯ --role admin' (docs/admin.md)"));
		else
			cli_err("%s \"%.40s\" (%s)", cli_tr("no account",
			    "нет учётной записи"), cli.user, cli_tr("set "
			    "--user or OPORA_USER to your account", "укажите "
			    "свою учётную запись в --user или OPORA_USER"));
		return (-1);
	}
	if (!cli.acct.enabled || cli.acct.locked) {
		cli_err("%s %s", cli_tr(cli.acct.locked ? "the account is "
		    "locked after failed logins; an admin unlocks it:" :
		    "the account is disabled:", cli.acct.locked ? "учётная "
		    "запись заблокирована после неудачных входов; "
		    "разблокирует администратор:" : "учётная запись "
		    "отключена:"), cli.acct.login);
		return (-1);
	}
	if (!access_any(cli.acct.role, cli.action)) {
		cli_err("%s (%s %s, %s %s)", cli_tr("your role may not do this",
		    "вашей роли это не разрешено"), cli_tr("role", "роль"),
		    access_role_name(cli.acct.role), cli_tr("action",
		    "действие"), access_action_name(cli.action));
		(void)cli_audit(n, "refused", "", access_action_name(
		    cli.action), false);
		return (-1);
	}
	cli.have_acct = true;
	snprintf(n->user, sizeof(n->user), "%s", cli.acct.login);
	return (0);
}

/* The scope of dossier id for the acting account (without --reason). */
static int
scope_of(struct node *n, const char *id, enum access_scope *scope)
{
	return (cli_scope(n, &cli.acct, id, scope));
}

int
cli_scope(struct node *n, const struct account *acct, const char *id,
    enum access_scope *scope)
{
	char		 centre[ACCOUNT_CENTRE_MAX + 1], custodian[64];
	int		 r;

	if ((r = store_person_custodian(n->st, id, custodian,
	    sizeof(custodian))) == -1)
		return (-1);
	if (r == 0 && strcmp(custodian, n->cfg.region) != 0) {
		*scope = SCOPE_OTHER_REGION;
		return (0);
	}
	if ((r = account_dossier_centre(n->st, id, centre,
	    sizeof(centre))) == -1)
		return (-1);
	*scope = r == 0 && acct->centre[0] != '\0' &&
	    strcmp(centre, acct->centre) == 0 ? SCOPE_OWN :
	    SCOPE_OTHER_CENTRE;
	return (0);
}

bool
cli_may_read(struct node *n, const char *id)
{
	enum access_scope	 scope;

	if (!cli.have_acct)
		return (!cli.need_acct);
	return (scope_of(n, id, &scope) == 0 &&
	    access_decide(cli.acct.role, ACT_READ, scope) == ACCESS_ALLOW);
}

int
cli_access_dossier(struct node *n, const char *id)
{
	enum access_scope	 scope;
	enum access_answer	 a;

	if (!cli.have_acct)
		return (cli.need_acct ? -1 : 0);
	if (!access_dossier_action(cli.action))
		return (0);
	if (scope_of(n, id, &scope) == -1)
		return (-1);
	if (scope == SCOPE_OTHER_CENTRE && cli.reason != NULL)
		scope = SCOPE_GLASS;
	a = access_decide(cli.acct.role, cli.action, scope);
	if (a == ACCESS_DENY) {
		if (scope == SCOPE_OTHER_CENTRE && access_decide(
		    cli.acct.role, cli.action, SCOPE_GLASS) != ACCESS_DENY)
			cli_err("%s %.36s %s", cli_tr("dossier", "дело"), id,
			    cli_tr("is another centre's: to open it, say why "
			    "with --reason \"...\" before the command (it is "
			    "recorded in the audit and shown to supervisors)",
			    "ведёт другой центр: чтобы открыть его, укажите "
			    "причину: --reason \"...\" перед командой (она "
			    "записывается в журнал аудита и видна "
			    "руководителям)"));
		else
			cli_err("%s %.36s (%s)", cli_tr("your role may not do "
			    "this with dossier", "вашей роли это не разрешено "
			    "для дела"), id, access_scope_name(scope));
		(void)cli_audit(n, "refused", id, access_scope_name(scope),
		    false);
		return (-1);
	}
	cli.scope = scope;
	if (cli.action == ACT_READ && cli_audit(n, "read", id,
	    access_scope_name(scope), false) == -1) {
		cli_err("%s", cli_tr("the read cannot be recorded in the "
		    "audit, so it is refused", "чтение нельзя записать в "
		    "журнал аудита, поэтому в нём отказано"));
		return (-1);
	}
	return (0);
}

void
cli_audit_entry(struct audit_entry *e, const char *action,
    const char *dossiers, const char *detail)
{
	bool	 known;

	memset(e, 0, sizeof(*e));
	/* An account found but refused is still named with its role. */
	known = cli.acct.login[0] != '\0' &&
	    strcmp(cli.acct.login, cli.user) == 0;
	e->login = cli.have_acct || known ? cli.acct.login : cli.user;
	e->role = cli.have_acct || known ? access_role_name(cli.acct.role) :
	    "";
	e->os_user = cli.os_user;
	e->addr = "cli";
	e->action = action;
	e->dossiers = dossiers;
	e->reason = cli.scope == SCOPE_GLASS && cli.reason != NULL ?
	    cli.reason : "";
	e->detail = detail;
}

int
cli_audit(struct node *n, const char *action, const char *dossiers,
    const char *detail, bool in_tx)
{
	struct audit_entry	 e;

	cli_audit_entry(&e, action, dossiers, detail);
	return (in_tx ? audit_append(n, &e) : audit_record(n, &e));
}

int
cli_audit_change(struct node *n, const char *action, const char *detail)
{
	if (cli_audit(n, action, "", detail, false) == 0)
		return (0);
	cli_err("%s: %s", action, cli_tr("the change cannot be recorded in "
	    "the audit, so it is not made", "изменение нельзя записать в "
	    "журнал аудита, поэтому оно не внесено"));
	return (-1);
}

void
cli_audit_failed(struct node *n, const char *action, const char *detail)
{
	char	 a[64];

	snprintf(a, sizeof(a), "%s failed", action);
	(void)cli_audit(n, a, "", detail, false);
}

/* The dossier ids of an audit entry, each once in a row, separated by
 * one space; v grows (the caller frees it). */
struct ids {
	char	*v;
	size_t	 len, cap;
	char	 last[37];
};

/* ids_add(id, arg): add id (a struct ids *arg) unless it is not a
 * dossier id or repeats the id before it.  0 / -1 (out of memory). */
static int
ids_add(const char *id, void *arg)
{
	struct ids	*ids = arg;
	size_t		 n = strlen(id), cap;
	char		*p;

	if (n != 36 || strcmp(id, ids->last) == 0)
		return (0);
	memcpy(ids->last, id, 37);
	if (ids->len + n + 2 > ids->cap) {
		cap = ids->cap ? ids->cap * 2 : 1024;
		while (ids->len + n + 2 > cap)
			cap *= 2;
		if ((p = realloc(ids->v, cap)) == NULL)
			return (-1);
		ids->v = p;
		ids->cap = cap;
	}
	if (ids->len > 0)
		ids->v[ids->len++] = ' ';
	memcpy(ids->v + ids->len, id, n + 1);
	ids->len += n;
	return (0);
}

static int
id_cmp(const void *a, const void *b)
{
	return (memcmp(a, b, 36));
}

char *
cli_json_dossiers(const cJSON *arr)
{
	const cJSON	*o, *d;
	char		(*v)[36] = NULL, *ids;
	size_t		 k, n = 0, len = 0;

	if ((v = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*v))) ==
	    NULL)
		return (NULL);
	cJSON_ArrayForEach(o, arr) {
		d = cJSON_GetObjectItemCaseSensitive(o, "dossier");
		if (cJSON_IsString(d) && strlen(d->valuestring) == 36)
			memcpy(v[n++], d->valuestring, 36);
	}
	qsort(v, n, sizeof(*v), id_cmp);
	if ((ids = malloc(n * 37 + 1)) == NULL) {
		free(v);
		return (NULL);
	}
	for (k = 0; k < n; k++) {
		if (k > 0 && memcmp(v[k], v[k - 1], 36) == 0)
			continue;
		if (len > 0)
			ids[len++] = ' ';
		memcpy(ids + len, v[k], 36);
		len += 36;
	}
	ids[len] = '\0';
	free(v);
	return (ids);
}

int
cli_audit_json_list(struct node *n, const char *action, const cJSON *arr,
    const char *detail)
{
	char	*ids;
	int	 rc = -1;

	if ((ids = cli_json_dossiers(arr)) != NULL) {
		rc = cli_audit(n, action, ids, detail, false);
		free(ids);
	}
	if (rc == -1)
		cli_err("%s", cli_tr("the listing cannot be recorded in the "
		    "audit, so it is refused", "список нельзя записать в "
		    "журнал аудита, поэтому в нём отказано"));
	return (rc);
}

/* Audit ids (a walk's result r: 0 when it ended well) as action, or
 * tell the person the listing is refused.  Frees ids.  0 / -1. */
static int
audit_ids(struct node *n, int r, struct ids *ids, const char *action,
    const char *detail)
{
	int	 rc = -1;

	if (r == 0)
		rc = cli_audit(n, action, ids->v != NULL ? ids->v : "", detail,
		    false);
	free(ids->v);
	if (rc == -1)
		cli_err("%s", cli_tr("the listing cannot be recorded in the "
		    "audit, so it is refused", "список нельзя записать в "
		    "журнал аудита, поэтому в нём отказано"));
	return (rc);
}

int
cli_audit_rows(struct node *n, struct sqlite3_stmt *s, const int *cols,
    int ncols, const char *action, const char *detail)
{
	struct ids	 ids;

	memset(&ids, 0, sizeof(ids));
	return (audit_ids(n, store_audit_ids(n->st, s, cols, ncols, ids_add,
	    &ids), &ids, action, detail));
}

int
cli_audit_all(struct node *n, const char *action, const char *detail)
{
	struct ids	 ids;

	memset(&ids, 0, sizeof(ids));
	return (audit_ids(n, store_person_ids(n->st, ids_add, &ids), &ids,
	    action, detail));
}
