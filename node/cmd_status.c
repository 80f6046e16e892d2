/*
 * node/cmd_status.c: opora status, the node's health in one screen for its
 * admin, or one JSON document for monitoring: the log, each peer (failing
 * or not, how far behind), refused changes, open conflicts, possible
 * duplicates, and statistics snapshots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "node/cli.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/num.h"

static const char SQL_PEERS[] =
    "SELECT region, last_ok, last_error, last_error_at, behind,"
    " backoff_until, backoff_reason,"
    " (SELECT dropped FROM rejected_peers r WHERE r.peer = region)"
    " FROM peers ORDER BY region";

/* "2026-11-26 10:04 UTC" for ms since the epoch, or "never". */
static void
when_ms(long long ms, char out[32])
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 32, "%s", cli_tr("never", "никогда"));
		return;
	}
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

static long long
count(struct node *n, const char *sql)
{
	return ((long long)store_count(n->st, sql));
}

int
cmd_status(int argc, char **argv)
{
	struct node	*n;
	sqlite3_stmt	*s;
	cJSON		*j, *peers, *p, *problems;
	char		 w1[32], w2[32], msg[ESC_LONG + ESC_SHORT + 64], v[24];
	char		 eerr[ESC_LONG], ereason[ESC_LONG], er[ESC_SHORT];
	long long	 changes, dossiers, mine, rejected, rejected_day, open;
	long long	 later;
	long long	 last, regions, now;
	int64_t		 published = 0;
	bool		 json = argc == 2 && strcmp(argv[1], "--json") == 0;
	bool		 fed;

	if (argc > 2 || (argc == 2 && !json)) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "%s\n", cli_tr("usage: opora status [--json]\n"
		    "  the node's health: its log, peers, refused changes, "
		    "conflicts, duplicates\n  and statistics; --json for "
		    "monitoring (\"problems\" lists what needs an admin)",
		    "использование: opora status [--json]\n  состояние "
		    "узла: журнал, партнёры, отклонённые изменения, конфликты,"
		    "\n  повторы и статистика; --json для мониторинга "
		    "(\"problems\" — что требует внимания)"));
		return (argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	fed = strcmp(n->cfg.region, "RU-FED") == 0;
	now = (long long)node_now_ms();
	changes = count(n, "SELECT count(*) FROM changes");
	dossiers = count(n, "SELECT count(*) FROM persons");
	last = count(n, "SELECT coalesce(max(received), 0) FROM changes");
	rejected = count(n, "SELECT count(*) FROM rejected");
	later = count(n, "SELECT count(*) FROM later");
	open = count(n, "SELECT count(*) FROM conflicts WHERE state = 'open'");
	regions = count(n, "SELECT count(DISTINCT region) FROM stats_current");
	if ((s = store_stmt(n->st, "SELECT count(*) FROM persons WHERE "
	    "custodian = ?")) == NULL) {
		node_close(n);
		return (EX_SOFTWARE);
	}
	sqlite3_bind_text(s, 1, n->cfg.region, -1, SQLITE_STATIC);
	mine = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if ((s = store_stmt(n->st, "SELECT count(*) FROM rejected WHERE "
	    "coalesce(last_at, at) > ?")) == NULL) {
		node_close(n);
		return (EX_SOFTWARE);
	}
	sqlite3_bind_int64(s, 1, now - 86400000LL);
	rejected_day = sqlite3_step(s) == SQLITE_ROW ?
	    sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (store_meta_get(n->st, "stats_published", v, sizeof(v)) == 0 &&
	    num_parse_str(v, 0, INT64_MAX, &published) == -1)
		published = 0;

	j = cJSON_CreateObject();
	problems = cJSON_CreateArray();
	cJSON_AddStringToObject(j, "region", n->cfg.region);
	cJSON_AddStringToObject(j, "url", n->cfg.url);
	cJSON_AddStringToObject(j, "key_id", n->key_id);
	cJSON_AddNumberToObject(j, "changes", (double)changes);
	cJSON_AddNumberToObject(j, "dossiers", (double)dossiers);
	cJSON_AddNumberToObject(j, "custodian_of", (double)mine);
	cJSON_AddNumberToObject(j, "last_change_ms", (double)last);
	cJSON_AddNumberToObject(j, "rejected", (double)rejected);
	cJSON_AddNumberToObject(j, "rejected_last_day", (double)rejected_day);
	cJSON_AddNumberToObject(j, "later", (double)later);
	cJSON_AddNumberToObject(j, "open_conflicts", (double)open);
	if (fed)
		cJSON_AddNumberToObject(j, "snapshot_regions", (double)regions);
	else
		cJSON_AddNumberToObject(j, "stats_published_ms",
		    (double)published);
	peers = cJSON_AddArrayToObject(j, "peers");
	if (!json) {
		when_ms(last, w1);
		printf("%s %s (%s), %s\n", cli_tr("node", "узел"),
		    n->cfg.region, fields_region_name(n->cfg.region) ?
		    fields_region_name(n->cfg.region) : "", n->cfg.url);
		printf("  %s: %lld %s, %lld %s (%s %lld); %s %s\n",
		    cli_tr("log", "журнал"), changes, cli_tr("changes",
		    "изменений"), dossiers, cli_tr("dossiers", "дел"),
		    cli_tr("custodian of", "ответственный за"), mine,
		    cli_tr("last change", "последнее изменение"), w1);
	}
	if ((s = store_stmt(n->st, SQL_PEERS)) != NULL) {
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *r = (const char *)sqlite3_column_text(s,
			    0);
			const char *err = (const char *)sqlite3_column_text(s,
			    2);
			long long ok = sqlite3_column_int64(s, 1);
			long long at = sqlite3_column_int64(s, 3);
			long long behind = sqlite3_column_int64(s, 4);
			long long until = sqlite3_column_int64(s, 5);
			const char *why = (const char *)sqlite3_column_text(s,
			    6);
			long long dropped = sqlite3_column_int64(s, 7);
			bool failing = err != NULL && at >= ok;
			bool backing = until > now;

			/* Peers' words are escaped for the terminal. */
			esc_str(r ? r : "?", er, sizeof(er));
			esc_str(err, eerr, sizeof(eerr));
			esc_str(why, ereason, sizeof(ereason));
			r = er;
			err = eerr;

			p = cJSON_CreateObject();
			cJSON_AddItemToArray(peers, p);
			cJSON_AddStringToObject(p, "region", r ? r : "");
			cJSON_AddBoolToObject(p, "ok", !failing && ok > 0);
			cJSON_AddNumberToObject(p, "last_ok_ms", (double)ok);
			cJSON_AddNumberToObject(p, "behind", (double)behind);
			if (failing)
				cJSON_AddStringToObject(p, "error", err);
			if (backing) {
				cJSON_AddNumberToObject(p, "backoff_until_ms",
				    (double)until);
				cJSON_AddStringToObject(p, "backoff_reason",
				    ereason);
				snprintf(msg, sizeof(msg), "peer %s: not asked "
				    "again for %lld s: %s", r, (until - now +
				    999) / 1000, ereason);
				cJSON_AddItemToArray(problems,
				    cJSON_CreateString(msg));
			}
			cJSON_AddNumberToObject(p, "rejected_dropped",
			    (double)dropped);
			if (failing || ok == 0) {
				snprintf(msg, sizeof(msg), "peer %s: %s",
				    r ? r : "?", failing ? err :
				    "never reached");
				cJSON_AddItemToArray(problems,
				    cJSON_CreateString(msg));
			}
			if (json)
				continue;
			when_ms(ok, w1);
			when_ms(at, w2);
			if (failing)
				printf("  %s %s: %s (%s), %s %s\n",
				    cli_tr("peer", "партнёр"), r ? r : "?",
				    err, w2, cli_tr("last success",
				    "последний успех"), w1);
			else
				printf("  %s %s: %s %s, %lld %s\n",
				    cli_tr("peer", "партнёр"), r ? r : "?",
				    cli_tr("in step, last pull", "в порядке, "
				    "последний обмен"), w1, behind, cli_tr(
				    "changes behind", "изменений в очереди"));
			if (backing)
				printf("    %s %lld s: %s\n", cli_tr(
				    "backing off: not asked again for",
				    "пауза: не опрашивается ещё"),
				    (until - now + 999) / 1000, ereason);
			if (dropped > 0)
				printf("    %s: %lld\n", cli_tr("refusal "
				    "records dropped for the cap",
				    "записей об отказах удалено сверх предела"),
				    dropped);
		}
		sqlite3_reset(s);
	}
	if (rejected_day > 0) {
		snprintf(msg, sizeof(msg), "%lld changes refused in the last "
		    "day (opora rejected list)", rejected_day);
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	/* Not refused: fetched again when due (docs/protocol.md, 7). */
	if (later > 0) {
		snprintf(msg, sizeof(msg), "%lld changes from peers wait to be "
		    "taken (a clock more than max_clock_drift ahead of this "
		    "node's, a key not known here, or parents not here yet); "
		    "they are fetched again when due: check this node's clock, "
		    "and 'opora rejected list' for unknown keys", later);
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	if (!fed && n->cfg.stats_interval > 0 && (published == 0 ||
	    now - published > 2LL * n->cfg.stats_interval * 3600000LL)) {
		snprintf(msg, sizeof(msg), "statistics not published for "
		    "more than %d hours (is 'opora serve' running?)",
		    2 * n->cfg.stats_interval);
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	cJSON_AddItemToObject(j, "problems", problems);
	if (json)
		cli_print_json(j);
	else {
		printf("  %s: %lld (%lld %s)%s\n", cli_tr("refused changes",
		    "отклонённые изменения"), rejected, rejected_day,
		    cli_tr("in the last day", "за последние сутки"),
		    rejected ? " -> opora rejected list" : "");
		printf("  %s: %lld%s\n", cli_tr("open conflicts",
		    "открытые конфликты"), open, open ?
		    " -> opora conflicts list" : "");
		if (fed)
			printf("  %s: %lld\n", cli_tr("regions with statistics "
			    "snapshots", "регионов с итогами статистики"),
			    regions);
		else {
			when_ms(published, w1);
			printf("  %s: %s\n", cli_tr("statistics last published",
			    "статистика опубликована"), w1);
		}
		if (cJSON_GetArraySize(problems) == 0)
			printf("%s\n", cli_tr("nothing needs attention",
			    "всё в порядке"));
		else {
			printf("%s\n", cli_tr("needs attention:",
			    "требует внимания:"));
			for (p = problems->child; p != NULL; p = p->next)
				printf("  - %s\n", p->valuestring);
		}
	}
	cJSON_Delete(j);
	node_close(n);
	return (EX_OK);
}
