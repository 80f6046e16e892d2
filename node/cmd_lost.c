/*
 * node/cmd_lost.c: opora lost -- histories this node waits for and may
 * never get, because a log went back (node/lost.h; docs/admin.md, "Lost
 * histories").
 *
 *	opora lost [list] [--json]
 *	opora lost acknowledge DOSSIER...
 *	opora lost unacknowledge DOSSIER...
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "node/audit.h"
#include "node/cli.h"
#include "node/lost.h"
#include "node/node.h"
#include "protocol/esc.h"

static int
usage(FILE *f)
{
	fputs(cli_tr(
	    "usage: opora lost [list] [--json]\n"
	    "       opora lost acknowledge DOSSIER...\n"
	    "       opora lost unacknowledge DOSSIER...\n"
	    "  list: histories this node waits for and may never get because "
	    "a log went\n  back: 'restored', changes this node signed came "
	    "back without their past (it\n  was restored from an older backup, "
	    "or lost its WAL); 'accepted', an offer\n  accepted here whose "
	    "history has not come (the offering node may have lost it).\n"
	    "  acknowledge: you found that no peer holds it; 'opora status' no "
	    "longer\n  reports it.  Nothing is deleted: a history that comes "
	    "after all is taken.\n  unacknowledge: report it again.  Both are "
	    "audited.\n",
	    "использование: opora lost [list] [--json]\n"
	    "       opora lost acknowledge ДЕЛО...\n"
	    "       opora lost unacknowledge ДЕЛО...\n"
	    "  list: истории, которых этот узел ждёт и может не дождаться, "
	    "потому что\n  журнал откатился: «restored» — подписанные этим "
	    "узлом изменения вернулись\n  без предыдущей истории (узел "
	    "восстановлен из старой копии или потерял WAL);\n  «accepted» — "
	    "принятое здесь предложение, история которого не пришла\n  "
	    "(передающий узел мог её потерять).\n"
	    "  acknowledge: вы убедились, что ни у одного партнёра её нет; "
	    "'opora status'\n  больше о ней не сообщает.  Ничего не "
	    "удаляется: если история всё же придёт,\n  она будет принята.\n"
	    "  unacknowledge: снова сообщать о ней.  Оба действия "
	    "записываются в журнал\n  аудита.\n"), f);
	return (f == stdout ? EX_OK : EX_USAGE);
}

/* "2026-11-26 10:04 UTC" (ru: "26.11.2026 10:04 UTC"), or "-". */
static void
when(uint64_t ms, char out[32])
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL ||
	    (cli.ru ? strftime(out, 32, "%d.%m.%Y %H:%M UTC", &tm) :
	    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm)) == 0)
		snprintf(out, 32, "-");
}

static const char *
kind_name(enum lost_kind k)
{
	return (k == LOST_RESTORED ? cli_tr("restored: this node signed "
	    "changes whose past it lost", "restored: узел потерял историю "
	    "под своими изменениями") : cli_tr("accepted: the history has "
	    "not come", "accepted: история не пришла"));
}

static int
list_one(const struct lost *l, void *arg)
{
	char	 ed[ESC_SHORT], ef[ESC_LONG], ea[ESC_SHORT], w1[32], w2[32];

	(void)arg;
	/* The peers' region names and the login are not ours: escaped. */
	esc_str(l->dossier, ed, sizeof(ed));
	esc_str(l->from, ef, sizeof(ef));
	esc_str(l->acked_by != NULL ? l->acked_by : "", ea, sizeof(ea));
	when(l->since_ms, w1);
	printf("%s  %s\n", ed, kind_name(l->kind));
	if (l->kind == LOST_RESTORED)
		printf("    %s %s: %lld %s, %s %s\n", cli_tr("from",
		    "от"), ef, (long long)l->waiting, cli_n((uint64_t)l->waiting,
		    "change waits", "changes wait", "изменение ждёт",
		    "изменения ждут", "изменений ждут"), cli_tr("since",
		    "с"), w1);
	else
		printf("    %s %s, %s %s\n", cli_tr("offered by",
		    "предложено"), ef, cli_tr("accepted", "принято"), w1);
	if (l->acked_by != NULL) {
		when((uint64_t)l->acked_ms, w2);
		printf("    %s %s, %s\n", cli_tr("acknowledged lost by",
		    "потерю подтвердил"), ea, w2);
	}
	return (0);
}

static int
lost_list(bool json)
{
	struct node	*n;
	cJSON		*arr = NULL;
	int		 rc = EX_SOFTWARE;

	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (json ? (arr = lost_json(n)) == NULL : lost_each(n, list_one,
	    NULL) == -1) {
		cli_err("%s", cli_tr("the database could not be read whole: "
		    "run 'opora verify'", "базу данных не удалось прочитать "
		    "целиком: выполните 'opora verify'"));
		goto out;
	}
	if (json)
		cli_print_json(arr);
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	node_close(n);
	return (rc);
}

/* acknowledge (ack) or unacknowledge each dossier of argv[1..]; the
 * first failure's exit, the rest still done unless the database fails. */
static int
lost_mark(int argc, char **argv, bool ack)
{
	struct audit_entry	 e;
	struct node		*n;
	char			 id[37], ed[ESC_SHORT];
	int			 i, k, rc = EX_OK, r;

	if (argc < 2)
		return (usage(stderr));
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return (usage(stderr));
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	for (i = 1; i < argc; i++) {
		esc_str(argv[i], ed, sizeof(ed));
		k = strlen(argv[i]) >= 4 && strlen(argv[i]) <= 36 ?
		    lost_find(n, argv[i], id) : 0;
		if (k == -1) {
			rc = EX_SOFTWARE;
			break;
		}
		if (k == 2) {
			cli_err("%s %s", cli_tr("more than one lost history "
			    "begins with", "несколько потерянных историй "
			    "начинаются с"), ed);
			rc = rc != EX_OK ? rc : EX_USAGE;
			continue;
		}
		if (k == 0) {
			cli_err("%s: %s", ed, cli_tr("no lost history of this "
			    "dossier on this node ('opora lost list')",
			    "на этом узле нет потерянной истории этого дела "
			    "('opora lost list')"));
			rc = rc != EX_OK ? rc : EX_NOINPUT;
			continue;
		}
		cli_audit_entry(&e, ack ? "lost acknowledge" :
		    "lost unacknowledge", "", "");
		r = lost_ack(n, id, ack, n->user, &e);
		if (r == -1 || r == -2) {
			if (r == -2)
				cli_err("%s", cli_tr("it cannot be recorded in "
				    "the audit, so nothing was written", "это "
				    "нельзя внести в журнал аудита, поэтому "
				    "ничего не записано"));
			rc = EX_SOFTWARE;
			break;
		}
		if (r == 0)
			printf("%s %s\n", id, ack ? cli_tr("was acknowledged "
			    "already", "уже подтверждено") : cli_tr("was not "
			    "acknowledged", "не было подтверждено"));
		else
			printf("%s %s\n", id, ack ? cli_tr("acknowledged lost",
			    "потеря подтверждена") : cli_tr("reported again",
			    "снова в списке проблем"));
	}
	node_close(n);
	return (rc);
}

int
cmd_lost(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		return (usage(stdout));
	if (argc == 1)
		return (lost_list(false));
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		return (lost_list(true));
	if (strcmp(argv[1], "list") == 0) {
		if (argc == 2)
			return (lost_list(false));
		if (argc == 3 && strcmp(argv[2], "--json") == 0)
			return (lost_list(true));
		return (usage(stderr));
	}
	if (strcmp(argv[1], "acknowledge") == 0)
		return (lost_mark(argc - 1, argv + 1, true));
	if (strcmp(argv[1], "unacknowledge") == 0)
		return (lost_mark(argc - 1, argv + 1, false));
	return (usage(stderr));
}
