/*
 * node/cmd_config.c: opora config get|set, so that no admin edits
 * opora.conf by hand.  The values are judged as init judges them
 * (node_config_update, node/node.h).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "node/cli.h"
#include "node/node.h"
#include "protocol/esc.h"
#include "protocol/limits.h"

static const char *
config_usage(void)
{
	return (cli_tr(
	    "usage: opora config get [KEY]\n"
	    "       opora config set KEY VALUE\n"
	    "  get prints the value of setting KEY of opora.conf (every\n"
	    "  setting as 'KEY = VALUE' without KEY, defaults included); set\n"
	    "  changes it, checked as 'opora init' checks it, keeping the\n"
	    "  other lines, comments and the file's mode 0600.  Restart\n"
	    "  'opora serve' for a change to take effect.  Settings: region\n"
	    "  (cannot change), url, listen, max_clock_drift, stats_interval,\n"
	    "  stats_threshold, stats_threshold_sensitive,\n"
	    "  stats_release_months, anti_entropy_interval, listen_ui,\n"
	    "  ui_cert, ui_key, session_idle_minutes, session_max_hours,\n"
	    "  retention_years, listen_metrics (docs/admin.md,\n"
	    "  \"Configuration\").\n"
	    "  An admin's command; every set is recorded in the audit.\n",
	    "использование: opora config get [КЛЮЧ]\n"
	    "               opora config set КЛЮЧ ЗНАЧЕНИЕ\n"
	    "  get выводит значение настройки КЛЮЧ из opora.conf (без КЛЮЧА —\n"
	    "  все настройки в виде 'КЛЮЧ = ЗНАЧЕНИЕ', с умолчаниями); set\n"
	    "  меняет её с той же проверкой, что и 'opora init', сохраняя\n"
	    "  прочие строки, комментарии и режим файла 0600.  Перезапустите\n"
	    "  'opora serve', чтобы изменение вступило в силу.  Настройки:\n"
	    "  region (не меняется), url, listen, max_clock_drift,\n"
	    "  stats_interval, stats_threshold, stats_threshold_sensitive,\n"
	    "  stats_release_months, anti_entropy_interval, listen_ui,\n"
	    "  ui_cert, ui_key, session_idle_minutes, session_max_hours,\n"
	    "  retention_years, listen_metrics (docs/admin.md,\n"
	    "  \"Configuration\").\n"
	    "  Команда администратора; каждое изменение записывается в\n"
	    "  журнал аудита.\n"));
}

static int
config_get(int argc, char **argv)
{
	struct node	*n;
	const char	*k;
	char		 v[512];
	size_t		 i;
	int		 rc = EX_OK;

	if (argc > 2) {
		fputs(config_usage(), stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (argc == 2) {
		if (node_config_get(&n->cfg, argv[1], v, sizeof(v)) == -1) {
			cli_err("config get: %s \"%.40s\" (%s)", cli_tr(
			    "unknown setting", "неизвестная настройка"),
			    argv[1], cli_tr("'opora config get' lists them",
			    "список: 'opora config get'"));
			rc = EX_USAGE;
		} else
			printf("%s\n", v);
	} else
		for (i = 0; (k = node_config_name(i)) != NULL; i++)
			if (node_config_get(&n->cfg, k, v, sizeof(v)) == 0)
				printf("%s = %s\n", k, v);
	node_close(n);
	return (rc);
}

/*
 * The change is recorded in the audit (who set what to what) before the
 * file is written: a change that cannot be recorded is not made.
 */
static int
audit_set(const char *key, const char *value, void *arg)
{
	struct node	*n = arg;
	char		 detail[LIMIT_CONFIG_LINE + 8];

	snprintf(detail, sizeof(detail), "%s = %s", key, value);
	return (cli_audit_change(n, "config set", detail));
}

static int
config_set(int argc, char **argv)
{
	struct node	*n;
	char		 why[2 * LIMIT_CONFIG_LINE], ewhy[4 * LIMIT_CONFIG_LINE];
	int		 r;

	if (argc != 3) {
		fputs(config_usage(), stderr);
		return (EX_USAGE);
	}
	/* The whole node must open as it is, before anything changes; it
	 * stays open for the audit.  When opora.conf does not read (a hand
	 * broke a line), it must open as it will be: a broken line of this
	 * very setting is mended by the change, any other stays the reason. */
	if (node_config_reads(cli.dir) == 0)
		node_config_pending(argv[1], argv[2]);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	why[0] = '\0';
	r = node_config_update(cli.dir, argv[1], argv[2], audit_set, n, why,
	    sizeof(why));
	if (r == NODE_CONFIG_FULL || r == NODE_CONFIG_IO)
		cli_audit_failed(n, "config set", argv[1]);
	node_close(n);
	if (r != 0) {
		if (why[0] != '\0')
			cli_err("config set: %s", cli_reason_made(why, ewhy,
			    sizeof(ewhy)));
		return (r == NODE_CONFIG_REFUSED ? EX_DATAERR : r ==
		    NODE_CONFIG_FULL ? CLI_EX_DISKFULL : r == NODE_CONFIG_IO ?
		    EX_IOERR : r == NODE_CONFIG_UNRECORDED ? EX_SOFTWARE :
		    EX_CONFIG);
	}
	fprintf(stderr, "%s %s; %s\n", argv[1], cli_tr("set",
	    "изменена"), cli_tr("restart 'opora serve' for it to take effect",
	    "перезапустите 'opora serve', чтобы она вступила в силу"));
	if (strcmp(argv[1], "url") == 0)
		fprintf(stderr, "%s\n", cli_tr("give every peer this node's "
		    "new card ('opora id'); the TLS certificate still names "
		    "the old host: 'opora key rotate --tls' makes one for the "
		    "new url (docs/admin.md, \"Keys\")", "передайте всем "
		    "партнёрам новую карточку узла ('opora id'); сертификат "
		    "TLS называет прежний адрес: 'opora key rotate --tls' "
		    "сделает новый (docs/admin.md, \"Keys\")"));
	return (EX_OK);
}

int
cmd_config(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "get", config_get }, { "set", config_set }, { NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, config_usage()));
}
