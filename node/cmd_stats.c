/*
 * node/cmd_stats.c: statistics without names.  On a regional node:
 * stats publish.  On the federal node: stats query, flows, coverage,
 * snapshots, and researcher add|list|remove.  docs/statistics.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/cli.h"
#include "node/fedstats.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/store_stats.h"
#include "protocol/esc.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/tls.h"

static const char *
stats_usage(void)
{
	return (cli_tr(
	    "usage: opora stats publish [--year YEAR]\n"
	    "       opora stats release\n"
	    "       opora stats releases [--json]\n"
	    "       opora stats query --indicator CODE --period PERIOD "
	    "[--by DIMS]\n"
	    "                         [--release N] [--format csv|json]\n"
	    "       opora stats flows --period YEAR [--level district|region] "
	    "[--release N]\n"
	    "                         [--format csv|json]\n"
	    "       opora stats coverage --period PERIOD [--release N] "
	    "[--format csv|json]\n"
	    "       opora stats snapshots [--json]\n"
	    "  publish (a regional node) counts the persons of this region who "
	    "consented\n  to statistics, per indicator, sex, birth-year band, "
	    "year and quarter, with\n  their record keys' sums, signs the "
	    "counts and keeps them for the federal\n  node (serve does it "
	    "every day). The others run on the federal node:\n  release "
	    "freezes what researchers see (serve does it every\n  "
	    "stats_release_months); releases lists them and what each held "
	    "back, and\n  why. query gives one indicator (such as housing.own) "
	    "for a year (2025) or\n  quarter (2025-Q1), by any of region, "
	    "district, sex, birth_band, from the\n  latest release: every "
	    "count is perturbed by its cell key, and counts below\n  the "
	    "threshold are hidden (status C). flows gives the moves between "
	    "federal\n  districts (or regions); coverage the persons counted "
	    "and registered.\n",
	    "использование: opora stats publish [--year ГОД]\n"
	    "       opora stats release\n"
	    "       opora stats releases [--json]\n"
	    "       opora stats query --indicator КОД --period ПЕРИОД "
	    "[--by ПРИЗНАКИ]\n"
	    "                         [--release N] [--format csv|json]\n"
	    "       opora stats flows --period ГОД [--level district|region] "
	    "[--release N]\n"
	    "                         [--format csv|json]\n"
	    "       opora stats coverage --period ПЕРИОД [--release N] "
	    "[--format csv|json]\n"
	    "       opora stats snapshots [--json]\n"
	    "  publish (региональный узел) считает выпускников региона, "
	    "давших согласие\n  на статистику, по показателям, полу, группе "
	    "годов рождения, году и кварталу,\n  с суммами их ключей записей, "
	    "подписывает итоги и хранит их для\n  федерального узла (serve "
	    "делает это ежедневно). Остальные команды — на\n  федеральном "
	    "узле: release фиксирует то, что видят исследователи (serve —\n  "
	    "каждые stats_release_months месяцев); releases перечисляет "
	    "выпуски и что\n  в них задержано и почему. query выдаёт показатель "
	    "(например housing.own)\n  за год (2025) или квартал (2025-Q1) в "
	    "разрезе region, district, sex,\n  birth_band из последнего "
	    "выпуска: каждое значение искажено шумом по ключу\n  ячейки, "
	    "значения ниже порога скрыты (статус C). flows — переезды между\n  "
	    "федеральными округами (или регионами); coverage — учтённые и "
	    "состоящие\n  на учёте.\n"));
}

static int
this_year(void)
{
	time_t		 t = time(NULL);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900);
}

static int
publish(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "year", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct node	*n;
	char		 id[65], why[256];
	int		 ch, year = this_year(), rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'y' && strlen(optarg) == 4 &&
		    (year = snapshot_year(optarg)) != -1)
			continue;
		if (ch == 'y') {
			cli_err("stats publish: --year %s: %s", optarg,
			    cli_tr("not a year", "это не год"));
			return (EX_USAGE);
		}
		fputs(stats_usage(), ch == 'h' ? stdout : stderr);
		return (ch == 'h' ? EX_OK : EX_USAGE);
	}
	if (optind != argc) {
		fputs(stats_usage(), stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (stats_publish(n, year, id, why, sizeof(why)) == -1) {
		cli_err("stats publish: %s", why);
		rc = EX_DATAERR;
	} else {
		printf("%s\n", id);
		rc = EX_OK;
	}
	node_close(n);
	return (rc);
}

/* Who asked, for the federal node's log of queries. */
static void
who_cli(char out[96])
{
	snprintf(out, 96, "cli:%s", cli.user != NULL ? cli.user : "?");
}

static int
print_result(const struct fedstats_result *r, bool json)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b, (size_t)64 << 20);
	rc = json ? fedstats_json(r, &b) : fedstats_csv(r, &b);
	if (rc == 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	return (rc == 0 ? EX_OK : EX_SOFTWARE);
}

static int
format_of(const char *s, bool *json)
{
	if (strcmp(s, "csv") == 0)
		*json = false;
	else if (strcmp(s, "json") == 0)
		*json = true;
	else {
		cli_err("--format: %s", cli_tr("csv or json", "csv или json"));
		return (-1);
	}
	return (0);
}

/* After a listing's rows stopped on a database error: what is shown is
 * not the whole answer, and the exit code says so. */
static void
read_failed(void)
{
	cli_err("%s", cli_tr("the database could not be read to the end, "
	    "so nothing is listed ('opora verify' checks the file)",
	    "базу данных не удалось прочитать до конца, поэтому список не "
	    "выведен ('opora verify' проверит файл)"));
}

/* The federal node, or NULL after saying why not. */
static struct node *
open_federal(const char *what)
{
	struct node	*n;

	if ((n = cli_open()) == NULL)
		return (NULL);
	if (strcmp(n->cfg.region, "RU-FED") != 0) {
		cli_err("stats %s: %s", what, cli_tr("only the federal node "
		    "(RU-FED) holds the regions' snapshots",
		    "только федеральный узел (RU-FED) хранит итоги регионов"));
		node_close(n);
		return (NULL);
	}
	return (n);
}

/*
 * Log a refused request on the federal node: what was typed (escaped) and
 * the exit code.  Nothing is logged on another node, which holds no
 * statistics.
 */
static void
log_refused(int argc, char **argv, int code)
{
	struct node	*n;
	struct buf	 what;
	char		 who[96], esc[ESC_LONG];
	int		 i;

	if ((n = cli_open()) == NULL)
		return;
	if (strcmp(n->cfg.region, "RU-FED") == 0) {
		who_cli(who);
		/* At most ESC_LONG bytes: a long line is cut, never lost. */
		buf_init(&what, ESC_LONG);
		buf_adds(&what, "refused: stats");
		for (i = 0; i < argc && !buf_failed(&what); i++) {
			esc_str(argv[i], esc, sizeof(esc));
			buf_addf(&what, " %s", esc);
		}
		fedstats_log(n->st, who, buf_failed(&what) ? "refused: stats "
		    "(a command line too long to record)" : what.data, 0, code);
		buf_free(&what);
	}
	node_close(n);
}

static int
query(int argc, char **argv, bool flows, bool cov)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "indicator", required_argument, NULL, 'i' },
		{ "level", required_argument, NULL, 'l' },
		{ "period", required_argument, NULL, 'p' },
		{ "release", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct fedstats_query	 q;
	struct fedstats_result	 r;
	struct node		*n;
	const char		*ind = NULL, *by = NULL, *period = NULL;
	const char		*level = "district", *name = flows ? "flows" :
				    cov ? "coverage" : "query";
	char			 why[256], who[96];
	bool			 json = false;
	int64_t			 release = 0;
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			by = optarg;
			break;
		case 'f':
			if (format_of(optarg, &json) == -1)
				goto usage;
			break;
		case 'i':
			ind = optarg;
			break;
		case 'l':
			level = optarg;
			break;
		case 'p':
			period = optarg;
			break;
		case 'r':
			if (num_parse_str(optarg, 1, INT64_MAX / 2, &release) ==
			    -1) {
				cli_err("stats %s: --release: %s", name,
				    cli_tr("a release number (opora stats "
				    "releases)", "номер выпуска (opora stats "
				    "releases)"));
				goto usage;
			}
			break;
		default:
			fputs(stats_usage(), ch == 'h' ? stdout : stderr);
			if (ch == 'h')
				return (EX_OK);
			goto usage;
		}
	}
	if (optind != argc || period == NULL || (!flows && !cov &&
	    ind == NULL) || (flows && strcmp(level, "district") != 0 &&
	    strcmp(level, "region") != 0) || (cov && (ind != NULL ||
	    by != NULL))) {
		cli_err("stats %s: %s", name, flows ?
		    cli_tr("give --period YEAR (and --level district or region)",
		    "укажите --period ГОД (и --level district или region)") :
		    cov ? cli_tr("give --period", "укажите --period") :
		    cli_tr("give --indicator and --period",
		    "укажите --indicator и --period"));
		goto usage;
	}
	if (!flows && fedstats_parse(cov ? "counted" : ind, cov ? NULL : by,
	    period, &q, why, sizeof(why)) == -1) {
		cli_err("stats %s: %s", name, why);
		goto usage;
	}
	if (flows && (strlen(period) != 4 || snapshot_year(period) == -1)) {
		cli_err("stats flows: --period: %s", cli_tr("a year, such as "
		    "2025", "год, например 2025"));
		goto usage;
	}
	q.release = release;
	if ((n = open_federal(name)) == NULL)
		return (EX_CONFIG);
	who_cli(who);
	rc = flows ? fedstats_flows(n, snapshot_year(period), strcmp(level,
	    "region") == 0, release, who, &r, why, sizeof(why)) : cov ?
	    fedstats_coverage(n, period, release, who, &r, why, sizeof(why)) :
	    fedstats_run(n, &q, who, &r, why, sizeof(why));
	if (rc != 0) {
		cli_err("stats %s: %s", name, rc == FEDSTATS_NONE ? cli_tr(
		    "no such release: make one with 'opora stats release' "
		    "('opora stats releases' lists them)", "такого выпуска "
		    "нет: создайте его командой 'opora stats release' "
		    "(список: 'opora stats releases')") : why);
		node_close(n);
		return (rc == FEDSTATS_NONE ? EX_NOINPUT : EX_SOFTWARE);
	}
	rc = print_result(&r, json);
	fedstats_result_free(&r);
	node_close(n);
	return (rc);
usage:
	log_refused(argc, argv, EX_USAGE);
	return (EX_USAGE);
}

static int
coverage(int argc, char **argv)
{
	return (query(argc, argv, false, true));
}

/* stats release: make a release now (the federal node). */
static int
release(int argc, char **argv)
{
	struct node	*n;
	char		 why[256];
	int64_t		 num;
	int		 rc = EX_OK;

	if (argc != 1) {
		fputs(stats_usage(), argc == 2 && strcmp(argv[1], "--help") ==
		    0 ? stdout : stderr);
		return (argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if ((n = open_federal("release")) == NULL)
		return (EX_CONFIG);
	if (fedstats_release(n, &num, why, sizeof(why)) == -1) {
		cli_err("stats release: %s", why);
		rc = EX_SOFTWARE;
	} else
		printf("%lld\n", (long long)num);
	node_close(n);
	return (rc);
}

/* stats releases: every release, with what it held back and why. */
static int
releases(int argc, char **argv)
{
	struct node	*n;
	struct buf	 b;
	int		 rc = EX_OK;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--json") != 0)) {
		fputs(stats_usage(), stderr);
		return (EX_USAGE);
	}
	if ((n = open_federal("releases")) == NULL)
		return (EX_CONFIG);
	buf_init(&b, (size_t)64 << 20);
	if (fedstats_releases_json(n, true, &b) == -1) {
		read_failed();
		rc = EX_SOFTWARE;
	} else
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	node_close(n);
	return (rc);
}

/* A listing being made: printed only once read whole, so that a read
 * that fails shows nothing rather than part. */
struct listing {
	cJSON		*arr;		/* --json */
	struct buf	 text;		/* otherwise */
};

/* Print the listing, or say why not: an exit code. */
static int
listing_end(struct listing *l, int r)
{
	int	 rc = EX_OK;

	if (r != 0 || buf_failed(&l->text)) {
		read_failed();
		rc = EX_SOFTWARE;
	} else if (l->arr != NULL)
		cli_print_json(l->arr);
	else if (l->text.len > 0)
		fwrite(l->text.data, 1, l->text.len, stdout);
	cJSON_Delete(l->arr);
	buf_free(&l->text);
	return (rc);
}

static int
snapshot_one(const struct store_stats_snapshot *s, void *arg)
{
	struct listing	*l = arg;
	cJSON		*o;
	char		 when[40];
	uint64_t	 h;
	time_t		 t;
	struct tm	 tm;

	when[0] = '\0';
	if (s->hlc != NULL && hlc_parse(s->hlc, strlen(s->hlc), &h) == 0) {
		t = (time_t)(hlc_ms(h) / 1000);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	}
	if (l->arr == NULL) {
		buf_addf(&l->text, "%s  %d  %s  %.16s  %lld bytes%s\n",
		    s->region != NULL ? s->region : "", s->year, when,
		    s->id != NULL ? s->id : "", (long long)s->len,
		    s->current ? cli_tr("  (current)", "  (действующий)") :
		    "");
		return (buf_failed(&l->text) ? -1 : 0);
	}
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(l->arr, o);
	if (cJSON_AddStringToObject(o, "region", s->region != NULL ?
	    s->region : "") == NULL ||
	    cJSON_AddNumberToObject(o, "year", s->year) == NULL ||
	    cJSON_AddStringToObject(o, "hlc", s->hlc != NULL ? s->hlc : "") ==
	    NULL ||
	    cJSON_AddStringToObject(o, "id", s->id != NULL ? s->id : "") ==
	    NULL ||
	    cJSON_AddBoolToObject(o, "current", s->current) == NULL)
		return (-1);
	return (0);
}

static int
snapshots(int argc, char **argv)
{
	struct listing	 l;
	struct node	*n;
	int		 rc;
	bool		 json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !json)) {
		fputs(stats_usage(), stderr);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	memset(&l, 0, sizeof(l));
	buf_init(&l.text, (size_t)64 << 20);
	if (json && (l.arr = cJSON_CreateArray()) == NULL)
		rc = listing_end(&l, -1);
	else
		rc = listing_end(&l, store_stats_snapshots(n->st,
		    snapshot_one, &l));
	node_close(n);
	return (rc);
}

static int
query_cmd(int argc, char **argv)
{
	return (query(argc, argv, false, false));
}

static int
flows_cmd(int argc, char **argv)
{
	return (query(argc, argv, true, false));
}

int
cmd_stats(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "coverage", coverage }, { "flows", flows_cmd },
		{ "publish", publish }, { "query", query_cmd },
		{ "release", release }, { "releases", releases },
		{ "snapshots", snapshots }, { NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, stats_usage()));
}

/* --- researchers ------------------------------------------------------ */

static const char *
researcher_usage(void)
{
	return (cli_tr(
	    "usage: opora researcher add NAME [--out DIR]\n"
	    "       opora researcher list [--json]\n"
	    "       opora researcher remove NAME\n"
	    "  On the federal node: add makes a TLS key and certificate for a "
	    "researcher\n  (DIR/NAME.key, DIR/NAME.crt; give them to the "
	    "researcher, privately), and\n  lets that certificate use the "
	    "statistics API (GET /v1/stats/...); remove\n  takes that "
	    "away.\n",
	    "использование: opora researcher add ИМЯ [--out КАТАЛОГ]\n"
	    "       opora researcher list [--json]\n"
	    "       opora researcher remove ИМЯ\n"
	    "  На федеральном узле: add создаёт ключ и сертификат TLS "
	    "исследователя\n  (КАТАЛОГ/ИМЯ.key, КАТАЛОГ/ИМЯ.crt; передайте их "
	    "исследователю лично) и\n  открывает этому сертификату API "
	    "статистики (GET /v1/stats/...); remove\n  закрывает доступ.\n"));
}

static bool
name_valid(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 48)
		return (false);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return (false);
	return (s[0] != '.' && s[0] != '-');
}

static int
researcher_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct node	*n;
	const char	*out = ".";
	char		 key[4096], crt[4096], cn[96], pin[TLS_PIN_LEN + 1];
	char		 host[NODE_HOST_MAX + 1];
	int		 ch, port, r, rc = EX_SOFTWARE;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'o')
			out = optarg;
		else {
			fputs(researcher_usage(), ch == 'h' ? stdout : stderr);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (argc - optind != 1 || !name_valid(argv[optind])) {
		cli_err("researcher add: %s", cli_tr("give one NAME of Latin "
		    "letters, digits, '.', '-', '_' (at most 48)", "укажите "
		    "одно ИМЯ из латинских букв, цифр, '.', '-', '_' (не "
		    "длиннее 48)"));
		return (EX_USAGE);
	}
	if ((n = open_federal("researcher add")) == NULL)
		return (EX_CONFIG);
	snprintf(key, sizeof(key), "%s/%s.key", out, argv[optind]);
	snprintf(crt, sizeof(crt), "%s/%s.crt", out, argv[optind]);
	snprintf(cn, sizeof(cn), "opora researcher %s", argv[optind]);
	if (access(key, F_OK) == 0 || access(crt, F_OK) == 0) {
		cli_err("%s: %s", key, cli_tr("exists; choose another --out",
		    "уже существует; укажите другой --out"));
		rc = EX_CANTCREAT;
		goto out;
	}
	if (cli_audit_change(n, "researcher add", argv[optind]) == -1) {
		rc = EX_SOFTWARE;
		goto out;
	}
	/* It names the federal node's host, the one server it is for. */
	if (node_url_host(n->cfg.url, host, sizeof(host), &port) == -1)
		host[0] = '\0';
	if (tls_identity_create(key, crt, cn, host[0] != '\0' ? host : NULL,
	    825) == -1 ||
	    tls_pin_file(crt, pin) == -1) {
		cli_err("%s: %s", crt, cli_tr("cannot write the certificate",
		    "не удаётся записать сертификат"));
		cli_audit_failed(n, "researcher add", argv[optind]);
		rc = EX_CANTCREAT;
		goto out;
	}
	if ((r = store_stats_researcher_put(n->st, argv[optind], pin,
	    (int64_t)node_now_ms())) != 0) {
		if (r == 1)
			cli_err("researcher add: %s %s", argv[optind], cli_tr(
			    "is already registered", "уже зарегистрирован"));
		else
			cli_err("researcher add: %s", cli_tr("the database "
			    "could not be written; the node's log says why",
			    "не удалось записать в базу данных; причина — в "
			    "журнале узла"));
		(void)unlink(key);
		(void)unlink(crt);
		cli_audit_failed(n, "researcher add", argv[optind]);
		rc = r == 1 ? EX_DATAERR : EX_SOFTWARE;
		goto out;
	}
	printf("%s\n%s\n", key, crt);
	rc = EX_OK;
out:
	node_close(n);
	return (rc);
}

static int
researcher_one(const char *name, const char *pin, int64_t added,
    bool removed, void *arg)
{
	struct listing	*l = arg;
	cJSON		*o;

	(void)added;
	if (l->arr == NULL) {
		buf_addf(&l->text, "%s  %s%s\n", name, pin, removed ?
		    cli_tr("  (removed)", "  (удалён)") : "");
		return (buf_failed(&l->text) ? -1 : 0);
	}
	if ((o = cJSON_CreateObject()) == NULL)
		return (-1);
	cJSON_AddItemToArray(l->arr, o);
	if (cJSON_AddStringToObject(o, "name", name) == NULL ||
	    cJSON_AddStringToObject(o, "pin", pin) == NULL ||
	    cJSON_AddBoolToObject(o, "removed", removed) == NULL)
		return (-1);
	return (0);
}

static int
researcher_list(int argc, char **argv)
{
	struct listing	 l;
	struct node	*n;
	int		 rc;
	bool		 json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !json)) {
		fputs(researcher_usage(), stderr);
		return (EX_USAGE);
	}
	if ((n = open_federal("researcher list")) == NULL)
		return (EX_CONFIG);
	memset(&l, 0, sizeof(l));
	buf_init(&l.text, (size_t)64 << 20);
	if (json && (l.arr = cJSON_CreateArray()) == NULL)
		rc = listing_end(&l, -1);
	else
		rc = listing_end(&l, store_stats_researcher_each(n->st,
		    researcher_one, &l));
	node_close(n);
	return (rc);
}

static int
researcher_remove(int argc, char **argv)
{
	struct node	*n;
	int		 rc;

	if (argc != 2) {
		fputs(researcher_usage(), stderr);
		return (EX_USAGE);
	}
	if ((n = open_federal("researcher remove")) == NULL)
		return (EX_CONFIG);
	switch (cli_audit_change(n, "researcher remove", argv[1]) == -1 ? 2 :
	    store_stats_researcher_remove(n->st, argv[1])) {
	case 2:
		rc = EX_SOFTWARE;	/* cli_audit_change said why */
		break;
	case 0:
		rc = EX_OK;
		break;
	case 1:
		cli_err("researcher remove: %s %s", cli_tr("no researcher",
		    "нет исследователя"), argv[1]);
		cli_audit_failed(n, "researcher remove", argv[1]);
		rc = EX_NOINPUT;
		break;
	default:
		cli_err("researcher remove: %s", cli_tr("the database could "
		    "not be written; the node's log says why", "не удалось "
		    "записать в базу данных; причина — в журнале узла"));
		cli_audit_failed(n, "researcher remove", argv[1]);
		rc = EX_SOFTWARE;
	}
	node_close(n);
	return (rc);
}

int
cmd_researcher(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "add", researcher_add }, { "list", researcher_list },
		{ "remove", researcher_remove }, { NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, researcher_usage()));
}
