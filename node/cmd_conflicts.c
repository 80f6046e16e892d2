/*
 * node/cmd_conflicts.c: what the merge rules could not decide alone:
 * conflicts list|show|resolve, and duplicate persons: duplicates, link,
 * unlink.  docs/conflicts.md explains both to a supervisor.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/audit.h"
#include "node/cli.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_dup.h"
#include "node/store_view.h"
#include "node/view.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/limits.h"
#include "protocol/log.h"

static const char *
opt(const char *s)
{
	return (s != NULL ? s : "");
}

/* "2026-11-26 10:04 UTC" for an HLC in hex. */
static void
when(const char *hlc, char out[32])
{
	uint64_t	 v;
	time_t		 t;
	struct tm	 tm;

	if (hlc == NULL || hlc_parse(hlc, strlen(hlc), &v) == -1) {
		snprintf(out, 32, "?");
		return;
	}
	t = (time_t)(hlc_ms(v) / 1000);
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

/* "a1b2c3d4e5/0": the first ten digits of an entry id and its number. */
static void
short_ref(const char *id, char out[24])
{
	const char	*slash = strchr(opt(id), '/');

	snprintf(out, 24, "%.10s%s", opt(id), slash != NULL ? slash : "");
}

/* Parse "[--json] [--all]" and nargs positional arguments. */
static int
list_args(int argc, char **argv, int nargs, bool *json, bool *all,
    const char *usage)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	optind = 0;
	*json = false;
	if (all != NULL)
		*all = false;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'j')
			*json = true;
		else if (ch == 'a' && all != NULL)
			*all = true;
		else {
			fputs(usage, ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (argc - optind != nargs) {
		fputs(usage, stderr);
		return (EX_USAGE);
	}
	return (-1);
}

/* --- conflicts ------------------------------------------------------ */

static const char *
conflicts_usage(void)
{
	return (cli_tr(
	    "usage: opora conflicts list [--all] [--json]\n"
	    "       opora conflicts show CONFLICT [--json]\n"
	    "       opora conflicts resolve CONFLICT --keep-winner | --keep VALUE\n"
	    "  When two regions change the same field of a person card at the "
	    "same time,\n  the later change is kept and the other is recorded "
	    "as a conflict, with both\n  values, who wrote them and when. list "
	    "shows the open ones (--all: every\n  one), show one of them; "
	    "resolve settles it by writing the value to keep,\n  a change that "
	    "reaches every region holding the dossier.\n",
	    "использование: opora conflicts list [--all] [--json]\n"
	    "       opora conflicts show КОНФЛИКТ [--json]\n"
	    "       opora conflicts resolve КОНФЛИКТ --keep-winner | --keep "
	    "ЗНАЧЕНИЕ\n"
	    "  Когда два региона одновременно меняют одно поле карточки, "
	    "остаётся более\n  позднее изменение, а другое записывается как "
	    "конфликт: оба значения, кто\n  и когда их внёс. list показывает "
	    "открытые конфликты (--all: все), show —\n  один; resolve решает "
	    "конфликт, записывая нужное значение; это изменение\n  доходит до "
	    "всех регионов, у которых есть дело.\n"));
}

static const char *const q_names[STORE_CONFLICT_NCOL] = {
	"id", "dossier", NULL, NULL, "field", "value", "region", "user",
	"hlc", "winner", "winner_value", "winner_region", "winner_user",
	"winner_hlc", "state", "closed_by", "closed"
};

/* Resolve a conflict named by its id, a prefix, or its short form. */
static int
find_conflict(struct node *n, const char *arg, char id[80], char dossier[37])
{
	static const struct cli_words w = {
		"not a conflict id:", "это не номер конфликта:",
		"more than one conflict begins with",
		"несколько конфликтов начинаются с",
		"no conflict", "нет конфликта"
	};

	return (cli_find_row(n, STORE_PREFIX_CONFLICT, arg, &w, id, dossier));
}

static const char *
state_text(const char *st)
{
	if (st == NULL)
		return ("?");
	if (strcmp(st, "open") == 0)
		return (cli_tr("open", "открыт"));
	if (strcmp(st, "resolved") == 0)
		return (cli_tr("resolved", "решён"));
	if (strcmp(st, "overwritten") == 0)
		return (cli_tr("closed: a later edit set the field again",
		    "закрыт: поле изменено позже"));
	if (strcmp(st, "agreed") == 0)
		return (cli_tr("closed: the values became the same",
		    "закрыт: значения совпали"));
	return (st);
}

static cJSON *
conflict_json(const char *const *c)
{
	cJSON	*o;
	int	 i;

	if ((o = cJSON_CreateObject()) == NULL)
		return (NULL);
	for (i = 0; i < STORE_CONFLICT_NCOL; i++)
		if (q_names[i] != NULL && c[i] != NULL)
			cJSON_AddStringToObject(o, q_names[i], c[i]);
	return (o);
}

static void
conflict_line(const char *const *c)
{
	char	 sid[24], a[32], b[32];

	short_ref(c[STORE_CONFLICT_ID], sid);
	when(c[STORE_CONFLICT_WINNER_HLC], a);
	when(c[STORE_CONFLICT_HLC], b);
	printf("%s  %s %s (%.8s)  %s\n", sid, opt(c[STORE_CONFLICT_SURNAME]),
	    opt(c[STORE_CONFLICT_NAME]), opt(c[STORE_CONFLICT_DOSSIER]), opt(c[STORE_CONFLICT_FIELD]));
	printf("    %s \"%s\"  %s %s, %s\n", cli_tr("kept", "оставлено"),
	    opt(c[STORE_CONFLICT_WINNER_VALUE]), opt(c[STORE_CONFLICT_WINNER_REGION]),
	    opt(c[STORE_CONFLICT_WINNER_USER]), a);
	printf("    %s \"%s\"  %s %s, %s\n", cli_tr("lost", "не вошло"),
	    opt(c[STORE_CONFLICT_VALUE]), opt(c[STORE_CONFLICT_REGION]), opt(c[STORE_CONFLICT_USER]),
	    b);
	if (strcmp(opt(c[STORE_CONFLICT_STATE]), "open") != 0) {
		when(c[STORE_CONFLICT_CLOSED], a);
		printf("    %s, %s (%s %.10s)\n", state_text(c[STORE_CONFLICT_STATE]),
		    a, cli_tr("change", "изменение"), opt(c[STORE_CONFLICT_CLOSED_BY]));
	}
}

/* What conflicts_list and conflicts_show print a conflict into. */
struct conflict_out {
	cJSON		*arr;		/* with --json */
	const char	*id;		/* show: the id as named */
	int		 count;
};

/* The dossiers of the conflicts listed, space-separated, each once after
 * itself (conflicts of one dossier come together or not: the audit entry
 * may name one twice). */
struct conflict_ids {
	char		*ids;
	size_t		 len, cap;
};

static int
conflict_id(const char *const *c, void *arg)
{
	struct conflict_ids *ci = arg;
	const char	*d = c[STORE_CONFLICT_DOSSIER];
	size_t		 dl;
	char		*p;

	if (d == NULL || (dl = strlen(d)) == 0 || dl > 64)
		return (0);
	if (ci->len >= dl && memcmp(ci->ids + ci->len - dl, d, dl) == 0)
		return (0);
	if (ci->len + dl + 2 > ci->cap) {
		ci->cap = ci->cap ? ci->cap * 2 : 1024;
		if ((p = realloc(ci->ids, ci->cap)) == NULL)
			return (-1);
		ci->ids = p;
	}
	if (ci->len > 0)
		ci->ids[ci->len++] = ' ';
	memcpy(ci->ids + ci->len, d, dl + 1);
	ci->len += dl;
	return (0);
}

/* One conflict into out's JSON array, or printed. */
static int
conflict_out(const char *const *c, void *arg)
{
	struct conflict_out	*out = arg;
	cJSON			*o;

	out->count++;
	if (out->arr != NULL) {
		if ((o = conflict_json(c)) == NULL)
			return (-1);
		cJSON_AddItemToArray(out->arr, o);
		return (0);
	}
	conflict_line(c);
	if (out->id != NULL)
		printf("    %s %s\n    %s %s\n", cli_tr("state:",
		    "состояние:"), state_text(c[STORE_CONFLICT_STATE]),
		    cli_tr("id:", "номер:"), out->id);
	return (0);
}

cJSON *
cli_conflicts_json(struct node *n, bool all)
{
	struct conflict_out out = { NULL, NULL, 0 };

	if ((out.arr = cJSON_CreateArray()) == NULL)
		return (NULL);
	if (store_conflict_each(n->st, all, conflict_out, &out) != 0) {
		cJSON_Delete(out.arr);
		return (NULL);
	}
	return (out.arr);
}

int
cli_conflict_op(const struct dossier *d, const char *id, const char *keep,
    struct op *op, char norm[16])
{
	struct dossier_row	*r;

	if ((r = dossier_find(d, DT_CONFLICT, id)) == NULL)
		return (-1);
	if (strcmp(opt(r->col[CF_STATE]), "open") != 0)
		return (1);
	memset(op, 0, sizeof(*op));
	op->kind = OP_CONFLICT_RESOLVE;
	op->field = op_field_find(opt(r->col[CF_FIELD]));
	op->arg[OA_REF] = r->col[COL_ID];
	op->arg[OA_VALUE] = keep == NULL ? opt(r->col[CF_WINNER_VALUE]) :
	    cli_field_value(op->field, keep, norm, 16);
	return (0);
}

static int
conflicts_list(int argc, char **argv)
{
	struct node	*n;
	struct conflict_out out = { NULL, NULL, 0 };
	bool		 json, all;
	struct conflict_ids ids = { NULL, 0, 0 };
	int		 rc, count;

	if ((rc = list_args(argc, argv, 0, &json, &all, conflicts_usage())) !=
	    -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_SOFTWARE;
	if (json && (out.arr = cJSON_CreateArray()) == NULL)
		goto out;
	/* Names: the dossiers listed are audited before they are shown. */
	if (store_conflict_each(n->st, all, conflict_id, &ids) != 0) {
		free(ids.ids);
		goto out;
	}
	rc = cli_audit(n, "conflicts list", ids.ids != NULL ? ids.ids : "",
	    all ? "all" : "open", false);
	free(ids.ids);
	if (rc == -1) {
		rc = EX_SOFTWARE;
		cli_err("%s", cli_tr("the listing cannot be recorded in the "
		    "audit, so it is refused", "список нельзя записать в журнал "
		    "аудита, поэтому в нём отказано"));
		goto out;
	}
	rc = EX_SOFTWARE;
	if (store_conflict_each(n->st, all, conflict_out, &out) != 0)
		goto out;
	count = out.count;
	if (json)
		cli_print_json(out.arr);
	else if (count == 0)
		printf("%s\n", all ? cli_tr("no conflicts on this node",
		    "конфликтов нет") : cli_tr("no open conflicts",
		    "открытых конфликтов нет"));
	else if (!all)
		printf("%s\n", cli_tr("settle one with: opora conflicts "
		    "resolve CONFLICT --keep-winner | --keep VALUE",
		    "решение: opora conflicts resolve КОНФЛИКТ --keep-winner "
		    "| --keep ЗНАЧЕНИЕ"));
	rc = EX_OK;
out:
	cJSON_Delete(out.arr);
	node_close(n);
	return (rc);
}

static int
conflicts_show(int argc, char **argv)
{
	struct node	*n;
	struct conflict_out out = { NULL, NULL, 0 };
	char		 id[80], dossier[37];
	bool		 json;
	int		 rc;

	if ((rc = list_args(argc, argv, 1, &json, NULL, conflicts_usage())) !=
	    -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (find_conflict(n, argv[optind], id, dossier) == -1) {
		node_close(n);
		return (EX_NOINPUT);
	}
	rc = EX_SOFTWARE;
	out.id = id;
	if (json && (out.arr = cJSON_CreateArray()) == NULL)
		goto out;
	if (store_conflict_get(n->st, id, conflict_out, &out) != 0)
		goto out;
	/* One object, not a list of one. */
	if (json)
		cli_print_json(cJSON_GetArrayItem(out.arr, 0));
	rc = EX_OK;
out:
	cJSON_Delete(out.arr);
	node_close(n);
	return (rc);
}

static int
conflicts_resolve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "keep", required_argument, NULL, 'k' },
		{ "keep-winner", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct node		*n;
	struct dossier		*d = NULL;
	struct dossier_row	*r;
	struct op		 op;
	const char		*keep = NULL;
	char			 id[80], dossier[37], norm[16];
	bool			 winner = false;
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'k')
			keep = optarg;
		else if (ch == 'w')
			winner = true;
		else {
			fputs(conflicts_usage(), ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (argc - optind != 1 || (keep == NULL) == !winner) {
		cli_err("conflicts resolve: %s", cli_tr("name the conflict and "
		    "either --keep-winner or --keep VALUE",
		    "укажите конфликт и либо --keep-winner, либо --keep "
		    "ЗНАЧЕНИЕ"));
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_NOINPUT;
	if (find_conflict(n, argv[optind], id, dossier) == -1)
		goto out;
	rc = EX_SOFTWARE;
	if (view_load(n->st, dossier, &d) != 0 ||
	    (ch = cli_conflict_op(d, id, winner ? NULL : keep, &op, norm)) ==
	    -1)
		goto out;
	if (ch == 1) {
		r = dossier_find(d, DT_CONFLICT, id);
		cli_err("%s %s: %s", cli_tr("conflict", "конфликт"), argv[optind],
		    state_text(r->col[CF_STATE]));
		rc = EX_DATAERR;
		goto out;
	}
	rc = cli_author(n, dossier, &op, 1, -1, "conflicts resolve");
out:
	dossier_free(d);
	node_close(n);
	return (rc);
}

int
cmd_conflicts(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "list", conflicts_list }, { "resolve", conflicts_resolve },
		{ "show", conflicts_show }, { NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, conflicts_usage()));
}

/* --- duplicates, link, unlink --------------------------------------- */

static const char *
link_usage(void)
{
	return (cli_tr(
	    "usage: opora duplicates [--json]\n"
	    "       opora duplicates dismiss DOSSIER OTHER --reason TEXT\n"
	    "       opora duplicates dismissed [--json]\n"
	    "       opora duplicates undismiss DOSSIER OTHER\n"
	    "       opora link DOSSIER OTHER --reason TEXT\n"
	    "       opora unlink DOSSIER OTHER --reason TEXT\n"
	    "  duplicates lists dossiers on this node that may describe one "
	    "person: the\n  same SNILS, or the same surname, name and birth "
	    "date (letter case, е/ё,\n  spaces, hyphens and Latin look-alike "
	    "letters ignored). link records that\n  two dossiers are the same "
	    "person: show then gives one timeline, and a\n  region entitled to "
	    "either receives both. unlink undoes it. dismiss records that two "
	    "dossiers\n  are not the same person (a supervisor's statement, "
	    "kept on this node):\n  duplicates no longer suggests them; "
	    "dismissed lists those statements;\n  undismiss withdraws one "
	    "made by mistake.\n",
	    "использование: opora duplicates [--json]\n"
	    "       opora duplicates dismiss ДЕЛО ДРУГОЕ --reason ТЕКСТ\n"
	    "       opora duplicates dismissed [--json]\n"
	    "       opora duplicates undismiss ДЕЛО ДРУГОЕ\n"
	    "       opora link ДЕЛО ДРУГОЕ --reason ТЕКСТ\n"
	    "       opora unlink ДЕЛО ДРУГОЕ --reason ТЕКСТ\n"
	    "  duplicates показывает дела, которые могут относиться к одному "
	    "человеку:\n  тот же СНИЛС или те же фамилия, имя и дата рождения "
	    "(без учёта регистра,\n  е/ё, пробелов, дефисов и похожих "
	    "латинских букв). link отмечает, что два\n  дела — один человек: "
	    "show показывает общую хронологию, и регион, имеющий\n  право на "
	    "одно из дел, получает оба. unlink отменяет связь. dismiss "
	    "отмечает, что\n  два дела — разные люди (заявление "
	    "руководителя, хранится на этом узле):\n  duplicates их больше "
	    "не предлагает; dismissed показывает такие отметки;\n  "
	    "undismiss отменяет ошибочную.\n"));
}

/* Print dossier id's line: 0, or -1 on a database error. */
static int
person_line(struct node *n, const char *id)
{
	char	 v[STORE_VIEW_LINE_NCOL][512];
	int	 r;

	if ((r = store_view_person_line(n->st, id, v)) == 0)
		printf("  %s  %s %s, %s %s, %s %s\n", id, opt(v[0]),
		    opt(v[1]), cli_tr("born", "дата рождения"), opt(v[2]),
		    cli_tr("custodian", "ответственный"), opt(v[3]));
	return (r == -1 ? -1 : 0);
}

/* Whether dossiers a and b are linked, directly or through others: 1,
 * 0, or -1 when the links could not be read. */
static int
linked_to(struct node *n, const char *a, const char *b)
{
	char	(*ids)[37];
	size_t	 k, nids;
	int	 found = 0;

	if (view_linked(n->st, a, &ids, &nids) == -1)
		return (-1);
	for (k = 0; k < nids && !found; k++)
		found = strcmp(ids[k], b) == 0;
	free(ids);
	return (found);
}

static int	 link_args(int, char **, const char **);

/*
 * Record (reason not NULL) or withdraw (NULL) the statement that a and b
 * are two people, with the audit entry e, in one transaction: as
 * cli_dismiss and cli_undismiss answer (3: nothing to withdraw).
 */
static int
dismiss_write(struct node *n, const char *a, const char *b,
    const char *reason, const char *by, struct audit_entry *e, char pair[80])
{
	int	 i, r;

	if (strcmp(a, b) == 0)
		return (2);
	i = strcmp(a, b) < 0;
	snprintf(pair, 80, "%s %s", i ? a : b, i ? b : a);
	if (store_begin(n->st) == -1)
		return (-1);
	r = reason != NULL ? store_dup_dismiss(n->st, i ? a : b, i ? b : a,
	    by, reason, (int64_t)time(NULL)) : store_dup_undismiss(n->st,
	    i ? a : b, i ? b : a);
	if (r == -1)
		goto rollback;
	if (reason == NULL && r == 0) {
		store_rollback(n->st);
		return (3);
	}
	/* The audit holds the ids, not the reason: free text may name
	 * people (docs/privacy.md). */
	e->dossiers = pair;
	if (audit_append(n, e) == -1) {
		store_rollback(n->st);
		return (-2);
	}
	if (store_commit(n->st) == -1)
		goto rollback;
	return (0);
rollback:
	store_rollback(n->st);
	return (-1);
}

int
cli_dismiss(struct node *n, const char *a, const char *b,
    const char *reason, const char *by, struct audit_entry *e, char pair[80])
{
	if (reason == NULL || reason[0] == '\0' ||
	    strlen(reason) > LIMIT_REASON ||
	    !fields_utf8_valid(reason, strlen(reason)))
		return (1);
	return (dismiss_write(n, a, b, reason, by, e, pair));
}

int
cli_undismiss(struct node *n, const char *a, const char *b,
    struct audit_entry *e, char pair[80])
{
	return (dismiss_write(n, a, b, NULL, NULL, e, pair));
}

/*
 * duplicates dismiss DOSSIER OTHER --reason TEXT: the two are not the same
 * person.  Kept on this node only (docs/admin.md "Possible duplicates"):
 * a change concerns one dossier, and the two may be entitled to different
 * regions, so a replicated statement would tell a region of a dossier it
 * may not know of; each region's supervisors judge what their own node
 * suggests.  Written with its audit entry in one transaction.
 */
static int
duplicates_dismiss(int argc, char **argv)
{
	struct audit_entry	 e;
	struct node		*n;
	const char		*reason;
	char			 id[2][37], pair[80];
	int			 i, rc;

	if ((rc = link_args(argc, argv, &reason)) != -1)
		return (rc);
	if (reason[0] == '\0' || strlen(reason) > LIMIT_REASON ||
	    !fields_utf8_valid(reason, strlen(reason))) {
		cli_err("%s: --reason: %s", argv[0], cli_tr("empty, longer "
		    "than the limit or not UTF-8", "пусто, длиннее предела или "
		    "не UTF-8"));
		return (EX_DATAERR);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_NOINPUT;
	for (i = 0; i < 2; i++)
		if (cli_dossier(n, argv[optind + i], id[i]) == -1)
			goto out;
	cli_audit_entry(&e, "duplicates dismiss", "", "");
	switch (cli_dismiss(n, id[0], id[1], reason, n->user, &e, pair)) {
	case 0:
		printf("%s\n", pair);
		rc = EX_OK;
		break;
	case 2:
		cli_err("%s", cli_tr("both names are the same dossier",
		    "оба номера указывают на одно дело"));
		rc = EX_USAGE;
		break;
	case -2:
		cli_err("%s", cli_tr("the statement cannot be recorded in the "
		    "audit, so nothing was written", "отметку нельзя внести в "
		    "журнал аудита, поэтому ничего не записано"));
		rc = EX_SOFTWARE;
		break;
	default:
		rc = EX_SOFTWARE;
	}
out:
	node_close(n);
	return (rc);
}

/*
 * duplicates undismiss DOSSIER OTHER: withdraw a statement that the two
 * are not the same person (made by mistake): duplicates suggests them
 * again.  Audited with the pair; no reason is asked, as the audit keeps
 * no free text (docs/privacy.md) and the node keeps no withdrawn
 * statement.
 */
static int
duplicates_undismiss(int argc, char **argv)
{
	struct audit_entry	 e;
	struct node		*n;
	char			 id[2][37], pair[80];
	int			 i, rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(link_usage(), stdout);
		return (EX_OK);
	}
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		cli_err("%s: %s", argv[0], cli_tr("name two dossiers",
		    "укажите два дела"));
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_NOINPUT;
	for (i = 0; i < 2; i++)
		if (cli_dossier(n, argv[1 + i], id[i]) == -1)
			goto out;
	cli_audit_entry(&e, "duplicates undismiss", "", "");
	switch (cli_undismiss(n, id[0], id[1], &e, pair)) {
	case 0:
		printf("%s\n", pair);
		rc = EX_OK;
		break;
	case 2:
		cli_err("%s", cli_tr("both names are the same dossier",
		    "оба номера указывают на одно дело"));
		rc = EX_USAGE;
		break;
	case 3:
		cli_err("%s", cli_tr("these two were not marked as different "
		    "people", "эти два дела не были отмечены как разные люди"));
		rc = EX_NOINPUT;
		break;
	case -2:
		cli_err("%s", cli_tr("the withdrawal cannot be recorded in the "
		    "audit, so nothing was written", "отмену нельзя внести в "
		    "журнал аудита, поэтому ничего не записано"));
		rc = EX_SOFTWARE;
		break;
	default:
		rc = EX_SOFTWARE;
	}
out:
	node_close(n);
	return (rc);
}

/* The dismissed pairs, read whole before the audit and the listing. */
struct dismissed {
	cJSON		*arr;
	char		*ids;		/* for the audit */
	size_t		 len, cap;
};

/* Add id to the audit's list, unless it repeats the one before. */
static int
dismissed_id(struct dismissed *d, const char *id)
{
	char	*v;

	if (strlen(id) != 36 || (d->len >= 36 &&
	    memcmp(d->ids + d->len - 36, id, 36) == 0))
		return (0);
	if (d->len + 38 > d->cap) {
		d->cap = d->cap ? d->cap * 2 : 38 * 16;
		if ((v = realloc(d->ids, d->cap)) == NULL)
			return (-1);
		d->ids = v;
	}
	if (d->len > 0)
		d->ids[d->len++] = ' ';
	memcpy(d->ids + d->len, id, 36);
	d->len += 36;
	d->ids[d->len] = '\0';
	return (0);
}

static int
dismissed_one(const char *a, const char *b, const char *by,
    const char *reason, int64_t at, void *arg)
{
	struct dismissed	*d = arg;
	cJSON			*o;

	if (dismissed_id(d, a) == -1 || dismissed_id(d, b) == -1 ||
	    (o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(d->arr, o);
	if (cJSON_AddStringToObject(o, "dossier", a) == NULL ||
	    cJSON_AddStringToObject(o, "other", b) == NULL ||
	    cJSON_AddStringToObject(o, "by", by) == NULL ||
	    cJSON_AddStringToObject(o, "reason", reason) == NULL ||
	    cJSON_AddNumberToObject(o, "at", (double)at) == NULL)
		return (-1);
	return (0);
}

/* duplicates dismissed [--json]: the pairs said to be two people. */
static int
duplicates_dismissed(int argc, char **argv)
{
	struct dismissed	 d;
	struct node		*n;
	const cJSON		*o;
	char			 e[ESC_LONG], day[11];
	time_t			 t;
	struct tm		 tm;
	bool			 json;
	int			 rc;

	if ((rc = list_args(argc, argv, 0, &json, NULL, link_usage())) != -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	memset(&d, 0, sizeof(d));
	rc = EX_SOFTWARE;
	/* Fail closed: a list read in part is neither audited nor shown. */
	if ((d.arr = cJSON_CreateArray()) == NULL ||
	    store_dup_dismissed(n->st, dismissed_one, &d) != 0) {
		cli_err("%s", cli_tr("the database could not be read to the "
		    "end ('opora verify' checks the file)", "базу данных не "
		    "удалось прочитать до конца ('opora verify' проверит "
		    "файл)"));
		goto out;
	}
	if (cli_audit(n, "duplicates dismissed", d.ids != NULL ? d.ids : "",
	    "", false) == -1) {
		cli_err("%s", cli_tr("the listing cannot be recorded in the "
		    "audit, so it is refused", "список нельзя записать в "
		    "журнал аудита, поэтому в нём отказано"));
		goto out;
	}
	rc = EX_OK;
	if (json) {
		cli_print_json(d.arr);
		goto out;
	}
	cJSON_ArrayForEach(o, d.arr) {
		t = (time_t)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(o, "at"));
		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		printf("%s %s  %s %s, %s: %s\n",
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
		    "dossier")),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
		    "other")), day,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
		    "by")), cli_tr("not the same person", "разные люди"),
		    esc_str(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(o, "reason")), e,
		    sizeof(e)));
	}
out:
	cJSON_Delete(d.arr);
	free(d.ids);
	node_close(n);
	return (rc);
}

/* The possible pairs being listed. */
struct pairs {
	struct node	*n;
	cJSON		*arr;
	char		*ids;		/* for the audit */
	size_t		 len;
};

static int
pair_one(const char *a, const char *b, bool snils, bool name, void *arg)
{
	struct pairs	*p = arg;
	cJSON		*o;
	char		*v;
	int		 k;

	/* Linked through a third dossier: not a candidate. */
	if ((k = linked_to(p->n, a, b)) != 0)
		return (k == 1 ? 0 : -1);
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(p->arr, o);
	if (cJSON_AddStringToObject(o, "dossier", a) == NULL ||
	    cJSON_AddStringToObject(o, "other", b) == NULL ||
	    cJSON_AddBoolToObject(o, "same_snils", snils) == NULL ||
	    cJSON_AddBoolToObject(o, "same_name", name) == NULL)
		return (-1);
	/* Both ids, for the audit. */
	if ((v = realloc(p->ids, p->len + 2 * 37 + 1)) == NULL)
		return (-1);
	p->ids = v;
	p->len += (size_t)snprintf(p->ids + p->len, 2 * 37 + 1, "%s%s %s",
	    p->len > 0 ? " " : "", a, b);
	return (0);
}

cJSON *
cli_duplicates_json(struct node *n, char **ids)
{
	struct pairs	 p;

	memset(&p, 0, sizeof(p));
	p.n = n;
	*ids = NULL;
	if ((p.arr = cJSON_CreateArray()) == NULL ||
	    store_dup_pairs(n->st, pair_one, &p) != 0 ||
	    (p.ids == NULL && (p.ids = strdup("")) == NULL)) {
		/* Fail closed: never a list of part of the pairs. */
		cJSON_Delete(p.arr);
		free(p.ids);
		return (NULL);
	}
	*ids = p.ids;
	return (p.arr);
}

int
cmd_duplicates(int argc, char **argv)
{
	struct node	*n;
	const cJSON	*o;
	cJSON		*arr = NULL;
	char		*ids = NULL;
	bool		 json, snils, name;
	int		 rc;

	if (argc >= 2 && strcmp(argv[1], "dismiss") == 0)
		return (duplicates_dismiss(argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "dismissed") == 0)
		return (duplicates_dismissed(argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "undismiss") == 0)
		return (duplicates_undismiss(argc - 1, argv + 1));
	if ((rc = list_args(argc, argv, 0, &json, NULL, link_usage())) != -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_SOFTWARE;
	if ((arr = cli_duplicates_json(n, &ids)) == NULL) {
		cli_err("%s", cli_tr("the possible duplicates could not be "
		    "read; the node's log says why", "возможные повторы "
		    "прочитать не удалось; причина — в журнале узла"));
		goto out;
	}
	/* Every pair, audited before names are shown. */
	if (cli_audit(n, "duplicates", ids, "", false) == -1) {
		cli_err("%s", cli_tr("the listing cannot be recorded in the "
		    "audit, so it is refused", "список нельзя записать в "
		    "журнал аудита, поэтому в нём отказано"));
		goto out;
	}
	if (json) {
		cli_print_json(arr);
		rc = EX_OK;
		goto out;
	}
	cJSON_ArrayForEach(o, arr) {
		snils = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
		    "same_snils"));
		name = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
		    "same_name"));
		printf("%s:\n", snils ? name ? cli_tr("the same SNILS, name "
		    "and birth date", "тот же СНИЛС, имя и дата рождения") :
		    cli_tr("the same SNILS", "тот же СНИЛС") : cli_tr("the "
		    "same surname, name and birth date", "те же фамилия, имя "
		    "и дата рождения"));
		if (person_line(n, cJSON_GetObjectItemCaseSensitive(o,
		    "dossier")->valuestring) == -1 || person_line(n,
		    cJSON_GetObjectItemCaseSensitive(o,
		    "other")->valuestring) == -1) {
			cli_err("%s", cli_tr("the database could not be read "
			    "to the end: the list above is incomplete ('opora "
			    "verify' checks the file)", "базу данных не "
			    "удалось прочитать до конца: список выше неполон "
			    "('opora verify' проверит файл)"));
			goto out;
		}
	}
	if (cJSON_GetArraySize(arr) == 0)
		printf("%s\n", cli_tr("no possible duplicates",
		    "возможных повторов нет"));
	else
		printf("%s\n", cli_tr("if two are the same person: opora link "
		    "DOSSIER OTHER --reason TEXT; if not: opora duplicates "
		    "dismiss DOSSIER OTHER --reason TEXT", "если это один "
		    "человек: opora link ДЕЛО ДРУГОЕ --reason ТЕКСТ; если нет: "
		    "opora duplicates dismiss ДЕЛО ДРУГОЕ --reason ТЕКСТ"));
	rc = EX_OK;
out:
	free(ids);
	cJSON_Delete(arr);
	node_close(n);
	return (rc);
}

/* link and unlink: "DOSSIER OTHER --reason TEXT". */
static int
link_args(int argc, char **argv, const char **reason)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	optind = 0;
	*reason = NULL;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'r')
			*reason = optarg;
		else {
			fputs(link_usage(), ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (argc - optind != 2 || *reason == NULL) {
		cli_err("%s: %s", argv[0], cli_tr("name two dossiers and give "
		    "--reason", "укажите два дела и --reason"));
		return (EX_USAGE);
	}
	return (-1);
}

/* Load the two dossiers named on the command line. */
/* The region that offered a forgotten dossier to this node ("?" when no
 * decision of this node is kept for it).  0 / -1. */
static int
offered_by(struct node *n, const char *id, char *out, size_t outsz)
{
	char	 region[16];
	int	 r;

	if ((r = store_view_forgotten_by(n->st, id, region)) == -1)
		return (-1);
	snprintf(out, outsz, "%s", r == 0 ? region : "?");
	return (0);
}

static int
load_pair(struct node *n, char **names, struct dossier *d[2])
{
	char	 id[2][37];
	int	 i;

	bool	 forgot[2] = { false, false };

	for (i = 0; i < 2; i++) {
		/* A dossier this node forgot when the offer to it ended
		 * (node/erase.h) is named by its full id: a link may name a
		 * dossier the node does not hold (docs/protocol.md, §7). */
		if (strlen(names[i]) == 36 && erase_kind(n->st, names[i],
		    NULL) == ERASE_DECLINED) {
			memcpy(id[i], names[i], 37);
			forgot[i] = true;
			continue;
		}
		if (cli_dossier(n, names[i], id[i]) == -1)
			return (EX_NOINPUT);
	}
	if (strcmp(id[0], id[1]) == 0) {
		cli_err("%s", cli_tr("both names are the same dossier",
		    "оба номера указывают на одно дело"));
		return (EX_USAGE);
	}
	for (i = 0; i < 2; i++) {
		if (forgot[i]) {
			/* Its custodian, as far as this node knows: the
			 * region that offered it. */
			if ((d[i] = dossier_new(id[i])) == NULL ||
			    offered_by(n, id[i], d[i]->custodian,
			    sizeof(d[i]->custodian)) == -1)
				return (EX_SOFTWARE);
			continue;
		}
		if (view_load(n->st, id[i], &d[i]) != 0)
			return (EX_SOFTWARE);
	}
	return (EX_OK);
}

/*
 * link and unlink: parse "DOSSIER OTHER --reason TEXT", open the node, load
 * both dossiers, and hand them to fn, which writes the change.
 */
static int
pair_run(int argc, char **argv, int (*fn)(struct node *, struct dossier *[2],
    const char *))
{
	struct node	*n;
	struct dossier	*d[2] = { NULL, NULL };
	const char	*reason;
	int		 rc;

	if ((rc = link_args(argc, argv, &reason)) != -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if ((rc = load_pair(n, argv + optind, d)) == EX_OK)
		rc = fn(n, d, reason);
	dossier_free(d[0]);
	dossier_free(d[1]);
	node_close(n);
	return (rc);
}

/*
 * A link joins two dossiers only when it is mutual: each holds a link to
 * the other, written by its own custodian (docs/protocol.md, "Links").
 * This node writes the halves it may: both when it is the custodian of
 * both, else the one in its own dossier, and says who must link back.
 */
int
cli_link_plan(const struct node *n, struct dossier *const d[2],
    bool write[2])
{
	bool	 mine[2], has[2];
	int	 i;

	for (i = 0; i < 2; i++) {
		mine[i] = strcmp(d[i]->custodian, n->cfg.region) == 0;
		has[i] = dossier_linked(d[i], d[1 - i]->id) != NULL;
		write[i] = mine[i] && !has[i];
	}
	if (has[0] && has[1])
		return (1);
	if (write[0] || write[1])
		return (0);
	return (mine[0] || mine[1] ? 2 : 3);
}

static int
link_two(struct node *n, struct dossier *d[2], const char *reason)
{
	struct op	 op;
	bool		 write[2];
	int		 i, rc = EX_OK, wrote = 0;

	switch (cli_link_plan(n, d, write)) {
	case 0:
		break;
	case 1:
		cli_err("%s", cli_tr("these dossiers are already linked",
		    "эти дела уже связаны"));
		return (EX_DATAERR);
	case 2:
		cli_err("%s", cli_tr("this region has already linked "
		    "its dossier; the link takes effect when the "
		    "custodian of the other links it back",
		    "этот регион уже связал своё дело; связь "
		    "вступит в силу, когда ответственный регион "
		    "другого дела свяжет его в ответ"));
		return (EX_DATAERR);
	default:
		cli_err("%s (%s, %s)", cli_tr("only the custodian of "
		    "one of the dossiers may link them", "связать "
		    "дела может только ответственный регион одного "
		    "из них"), d[0]->custodian, d[1]->custodian);
		return (EX_NOPERM);
	}
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_LINK;
	op.field = -1;
	op.arg[OA_REASON] = reason;
	for (i = 0; i < 2 && rc == EX_OK; i++) {
		if (!write[i])
			continue;
		op.arg[OA_OTHER] = d[1 - i]->id;
		if ((rc = cli_author(n, d[i]->id, &op, 1, 0, "link")) ==
		    EX_OK)
			wrote |= 1 << i;
	}
	for (i = 0; i < 2 && rc == EX_OK; i++)
		if (dossier_linked(d[i], d[1 - i]->id) == NULL &&
		    !(wrote & 1 << i))
			fprintf(stderr, "%s %s\n", cli_tr("The link takes "
			    "effect (one timeline, shared entitlement) when "
			    "the custodian of the other dossier links it back:",
			    "Связь вступит в силу (общая история, доступ), "
			    "когда ответственный регион другого дела свяжет "
			    "его в ответ:"), d[i]->custodian);
	return (rc);
}

/* Undo the halves of a link this node is custodian of; undoing either
 * half ends the link. */
static int
unlink_two(struct node *n, struct dossier *d[2], const char *reason)
{
	struct dossier_row	*r[2];
	struct op		 op;
	int			 i, rc = EX_OK, any = 0;

	for (i = 0; i < 2; i++)
		r[i] = dossier_linked(d[i], d[1 - i]->id);
	if (r[0] == NULL && r[1] == NULL) {
		cli_err("%s", cli_tr("these dossiers are not linked",
		    "эти дела не связаны"));
		return (EX_DATAERR);
	}
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_UNLINK;
	op.field = -1;
	op.arg[OA_REASON] = reason;
	for (i = 0; i < 2 && rc == EX_OK; i++) {
		if (r[i] == NULL ||
		    strcmp(d[i]->custodian, n->cfg.region) != 0)
			continue;
		op.arg[OA_REF] = r[i]->col[COL_ID];
		rc = cli_author(n, d[i]->id, &op, 1, -1, "unlink");
		any = 1;
	}
	if (!any) {
		cli_err("%s (%s, %s)", cli_tr("only the custodian of one of the "
		    "dossiers may unlink them", "разорвать связь может только "
		    "ответственный регион одного из дел"), d[0]->custodian,
		    d[1]->custodian);
		return (EX_NOPERM);
	}
	return (rc);
}

int
cmd_link(int argc, char **argv)
{
	return (pair_run(argc, argv, link_two));
}

int
cmd_unlink(int argc, char **argv)
{
	return (pair_run(argc, argv, unlink_two));
}
