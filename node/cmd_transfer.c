/*
 * node/cmd_transfer.c: handing a case to another region: transfer offer,
 * accept, decline, cancel, list.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/cli.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/store.h"
#include "node/store_view.h"
#include "node/view.h"
#include "protocol/fields.h"
#include "protocol/log.h"

static void
transfer_usage(FILE *f)
{
	fprintf(f, "%s", cli_tr(
	    "usage: opora transfer offer DOSSIER --to REGION --reason TEXT\n"
	    "       opora transfer accept TRANSFER...\n"
	    "       opora transfer decline TRANSFER... --reason TEXT\n"
	    "       opora transfer cancel TRANSFER...\n"
	    "       opora transfer list [--incoming|--outgoing] [--json]\n"
	    "  offer hands a case to another region (the custodian only, with a "
	    "recorded\n  consent of scope transfer) and prints the transfer id; "
	    "the destination\n  accepts or declines it; the offering region may "
	    "cancel it until then.\n  Several transfers may be named: each is "
	    "decided on its own, in order.\n",
	    "использование: opora transfer offer ДЕЛО --to РЕГИОН --reason "
	    "ТЕКСТ\n"
	    "       opora transfer accept ПЕРЕДАЧА...\n"
	    "       opora transfer decline ПЕРЕДАЧА... --reason ТЕКСТ\n"
	    "       opora transfer cancel ПЕРЕДАЧА...\n"
	    "       opora transfer list [--incoming|--outgoing] [--json]\n"
	    "  offer передаёт дело другому региону (только ответственный "
	    "регион, при\n  согласии на передачу) и выводит номер передачи; "
	    "регион-получатель\n  принимает или отклоняет её; до этого "
	    "передачу можно отменить.\n  Можно назвать несколько передач: "
	    "каждая решается отдельно, по порядку.\n"));
}

/* Resolve a transfer id (or prefix) to its full id and dossier. */
static int
find_transfer(struct node *n, const char *arg, char id[80], char dossier[37])
{
	static const struct cli_words w = {
		"not a transfer id:", "это не номер передачи:",
		"more than one transfer begins with",
		"несколько передач начинаются с",
		"no transfer", "нет передачи"
	};

	const char	*slash = strchr(arg, '/');
	char		 prefix[72];
	size_t		 plen = slash != NULL ? (size_t)(slash - arg) :
			    strlen(arg);
	int		 k;

	/* An offer held here as a summary (node/offer.h). */
	if (plen >= 4 && plen <= 64 && strlen(arg) <= 70) {
		memcpy(prefix, arg, plen);
		prefix[plen] = '\0';
		if ((k = offer_find(n->st, prefix, id, dossier)) == -1)
			return (-1);
		if (k == 1)
			return (cli_access_dossier(n, dossier));
	}
	return (cli_find_row(n, STORE_PREFIX_TRANSFER, arg, &w, id, dossier));
}

static int
decide(int argc, char **argv, enum op_kind kind)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct node	*n;
	struct op	 op;
	const char	*reason = NULL;
	char		 id[80], dossier[37];
	int		 ch, rc, first;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else {
			transfer_usage(ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (argc - optind < 1 || (kind == OP_TRANSFER_DECLINE &&
	    reason == NULL)) {
		transfer_usage(stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	/*
	 * Each transfer named is decided on its own, in its own change and
	 * transaction, in the order given: one that cannot be (an unknown
	 * id, a refusal) is reported and the rest still are, as rm(1) does
	 * with its files.  The exit status is the first failure's.
	 */
	first = EX_OK;
	for (; optind < argc; optind++) {
		if (find_transfer(n, argv[optind], id, dossier) == -1)
			rc = EX_NOINPUT;
		else {
			memset(&op, 0, sizeof(op));
			op.kind = kind;
			op.field = -1;
			op.arg[OA_REF] = id;
			op.arg[OA_REASON] = reason;
			rc = cli_author(n, dossier, &op, 1, -1, argv[0]);
		}
		if (rc != EX_OK && first == EX_OK)
			first = rc;
		/* The node's database failed: the next would fail too. */
		if (rc == EX_IOERR || rc == EX_SOFTWARE || rc == EX_OSERR)
			break;
	}
	node_close(n);
	return (first);
}

static int
offer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "reason", required_argument, NULL, 'r' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct node	*n;
	struct op	 op;
	const char	*reason = NULL, *to = NULL;
	char		 dossier[37];
	int		 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'r')
			reason = optarg;
		else if (ch == 't')
			to = optarg;
		else {
			transfer_usage(ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (argc - optind != 1 || to == NULL || reason == NULL) {
		transfer_usage(stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (cli_dossier(n, argv[optind], dossier) == -1) {
		node_close(n);
		return (EX_NOINPUT);
	}
	memset(&op, 0, sizeof(op));
	op.kind = OP_TRANSFER_OFFER;
	op.field = -1;
	op.arg[OA_TO] = to;
	op.arg[OA_REASON] = reason;
	rc = cli_author(n, dossier, &op, 1, 0, "transfer offer");
	node_close(n);
	return (rc);
}

/* The list being made, and today for the persons' ages. */
struct tlist {
	cJSON		*arr;
	char		 today[11];
};

static int
transfer_one(const char *const *c, int64_t events, void *arg)
{
	static const char *const keys[] = { "id", "from", "to", "reason",
	    "state", "hlc", "surname", "name", "patronymic", "birth_date",
	    "origin" };
	struct tlist	*l = arg;
	cJSON		*o;
	char		 when[32];
	struct tm	 tm;
	uint64_t	 h;
	int		 i;

	when[0] = '\0';
	if (c[STORE_VIEW_TR_HLC] != NULL && hlc_parse(c[STORE_VIEW_TR_HLC],
	    strlen(c[STORE_VIEW_TR_HLC]), &h) == 0) {
		time_t ts = (time_t)(hlc_ms(h) / 1000);

		gmtime_r(&ts, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d", &tm);
	}
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(l->arr, o);
	for (i = 0; i <= STORE_VIEW_TR_ORIGIN; i++)
		if (c[i] != NULL)
			cJSON_AddStringToObject(o, keys[i], c[i]);
	cJSON_AddStringToObject(o, "dossier", c[STORE_VIEW_TR_DOSSIER]);
	if (c[STORE_VIEW_TR_LATE] != NULL)
		cJSON_AddStringToObject(o, "late", c[STORE_VIEW_TR_LATE]);
	cJSON_AddStringToObject(o, "date", when);
	cJSON_AddNumberToObject(o, "age", c[STORE_VIEW_TR_BIRTH] != NULL ?
	    fields_age(c[STORE_VIEW_TR_BIRTH], l->today) : -1);
	cJSON_AddNumberToObject(o, "events", (double)events);
	return (0);
}

cJSON *
cli_transfers_json(struct node *n, int which)
{
	struct tlist	 l;
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(l.today, sizeof(l.today), "%Y-%m-%d", &tm);
	/* Fail closed: never a list of part of the transfers. */
	if ((l.arr = cJSON_CreateArray()) == NULL ||
	    store_view_transfers(n->st, which, n->cfg.region, transfer_one,
	    &l) != 0) {
		cJSON_Delete(l.arr);
		return (NULL);
	}
	/* Offers held as summaries, apart from the transfers of dossiers
	 * held here (node/offer.h): incoming only. */
	if (which != 2 && offer_json(n, l.arr) == -1) {
		cJSON_Delete(l.arr);
		return (NULL);
	}
	return (l.arr);
}

/* A member of a transfer's object, "" when absent. */
static const char *
member(const cJSON *o, const char *k)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, k);

	return (cJSON_IsString(m) ? m->valuestring : "");
}

/* An offer held as a summary: what the destination knows before it
 * accepts (no history; node/offer.h). */
static void
print_summary(const cJSON *o)
{
	const char	*state = member(o, "state");

	printf("%.12s  %s  %s → %s  %s (%s)\n", member(o, "id"),
	    member(o, "date"), member(o, "from"), member(o, "to"), state,
	    strcmp(state, "offered") == 0 ? cli_tr("offer only: the history "
	    "comes after accepting", "только предложение: история придёт "
	    "после принятия") : strcmp(state, "accepted") == 0 ?
	    cli_tr("the history comes once the offering region has taken "
	    "the accept", "история придёт, когда передающий регион получит "
	    "принятие") : cli_tr("offer ended: only its ids are kept",
	    "предложение завершено: хранятся только номера"));
	if (member(o, "surname")[0] != '\0')
		printf("    %s %s %s, %s %s, %s: %s, %s %s\n",
		    member(o, "surname"), member(o, "name"),
		    member(o, "patronymic"), cli_tr("born", "год рождения"),
		    member(o, "birth_year"), cli_tr("centre", "центр"),
		    member(o, "centre"), member(o, "entries"),
		    cli_tr("events", "событий"));
	if (member(o, "reason")[0] != '\0')
		printf("    %s: %s\n", cli_tr("reason", "причина"),
		    member(o, "reason"));
}

static int
list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "incoming", no_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "outgoing", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct node	*n;
	cJSON		*arr = NULL, *o;
	bool		 json = false;
	int		 ch, which = 0, rc = EX_SOFTWARE;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "hijo", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			which = 1;
			break;
		case 'o':
			which = 2;
			break;
		case 'j':
			json = true;
			break;
		default:
			transfer_usage(ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (optind != argc) {
		transfer_usage(stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if ((arr = cli_transfers_json(n, which)) == NULL)
		goto out;
	/* Names and birth dates: audited before they are shown. */
	if (cli_audit_json_list(n, "transfer list", arr, which == 1 ?
	    "incoming" : which == 2 ? "outgoing" : "all") == -1)
		goto out;
	if (json)
		cli_print_json(arr);
	else if (cJSON_GetArraySize(arr) == 0)
		fprintf(stderr, "%s\n", cli_tr("no transfers", "передач нет"));
	else
		cJSON_ArrayForEach(o, arr) {
			if (cJSON_IsTrue(cJSON_GetObjectItem(o, "summary"))) {
				print_summary(o);
				continue;
			}
			printf("%.12s  %s  %s → %s  %s\n    %s %s %s, %d %s, "
			    "%s %s, %lld %s\n    %s: %s\n", member(o, "id"),
			    member(o, "date"), member(o, "from"),
			    member(o, "to"), member(o, "state"),
			    member(o, "surname"), member(o, "name"),
			    member(o, "patronymic"), (int)cJSON_GetNumberValue(
			    cJSON_GetObjectItem(o, "age")), cli_tr("years",
			    "лет"), cli_tr("registered in",
			    "зарегистрирован(а) в"), member(o, "origin"),
			    (long long)cJSON_GetNumberValue(
			    cJSON_GetObjectItem(o, "events")), cli_tr("events",
			    "событий"), cli_tr("reason", "причина"),
			    member(o, "reason"));
			if (cJSON_GetObjectItem(o, "late") != NULL)
				printf("    %s: %s\n", cli_tr("came too late and "
				    "did not count", "пришло слишком поздно и не "
				    "учтено"), member(o, "late"));
		}
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	node_close(n);
	return (rc);
}

int
cmd_transfer(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		transfer_usage(argc < 2 ? stderr : stdout);
		return (argc < 2 ? EX_USAGE : EX_OK);
	}
	if (strcmp(argv[1], "offer") == 0)
		return (offer(argc - 1, argv + 1));
	if (strcmp(argv[1], "accept") == 0)
		return (decide(argc - 1, argv + 1, OP_TRANSFER_ACCEPT));
	if (strcmp(argv[1], "decline") == 0)
		return (decide(argc - 1, argv + 1, OP_TRANSFER_DECLINE));
	if (strcmp(argv[1], "cancel") == 0)
		return (decide(argc - 1, argv + 1, OP_TRANSFER_CANCEL));
	if (strcmp(argv[1], "list") == 0)
		return (list(argc - 1, argv + 1));
	cli_err("transfer: %s \"%.40s\"", cli_tr("unknown action",
	    "неизвестное действие"), argv[1]);
	transfer_usage(stderr);
	return (EX_USAGE);
}
