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
#include "node/metrics.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/num.h"

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

/*
 * The last anti-entropy round with peer pr: into its JSON object p, a
 * problem when it failed, and a line of text.
 */
static void
anti_entropy(struct node *n, const struct store_peer_row *pr,
    const char *region, cJSON *p, cJSON *problems, bool json)
{
	cJSON		*a;
	char		 w[32], msg[ESC_LONG + 64], err[ESC_LONG];
	long long	 at = pr->round_at;
	bool		 ok = pr->round_ok;
	long long	 shared = pr->round_shared;
	long long	 differed = pr->round_differed;
	long long	 applied = pr->round_applied;
	long long	 unresolved = pr->round_unresolved;

	/* Recorded escaped: only a control that got in anyway is escaped
	 * again, not the backslashes. */
	esc_controls(pr->round_error, err, sizeof(err));
	if (!pr->has_round) {
		if (!json)
			printf("    %s: %s\n", cli_tr("anti-entropy",
			    "сверка"), n->cfg.anti_entropy_interval > 0 ?
			    cli_tr("no round yet", "ещё не было") :
			    cli_tr("off", "выключена"));
		return;
	}
	if ((a = cJSON_AddObjectToObject(p, "anti_entropy")) != NULL) {
		cJSON_AddNumberToObject(a, "at_ms", (double)at);
		cJSON_AddBoolToObject(a, "ok", ok);
		cJSON_AddNumberToObject(a, "shared", (double)shared);
		cJSON_AddNumberToObject(a, "differed", (double)differed);
		cJSON_AddNumberToObject(a, "applied", (double)applied);
		cJSON_AddNumberToObject(a, "unresolved", (double)unresolved);
		if (!ok)
			cJSON_AddStringToObject(a, "error", err);
	}
	if (!ok) {
		snprintf(msg, sizeof(msg), "%s %s: %s: %s", cli_tr("peer",
		    "партнёр"), region, cli_tr("anti-entropy failed",
		    "сверка не удалась"), err);
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	if (json)
		return;
	when_ms(at, w);
	printf("    %s %s: ", cli_tr("anti-entropy, last round",
	    "сверка, последняя"), w);
	if (!ok)
		printf("%s: %s\n", cli_tr("failed", "не удалась"), err);
	else if (differed == 0)
		printf("%s (%lld %s)\n", cli_tr("in step", "совпадает"),
		    shared, cli_n((uint64_t)shared, "shared dossier",
		    "shared dossiers", "общее дело", "общих дела",
		    "общих дел"));
	else {
		/* "из 21 общего дела", "из 5 общих дел": genitive. */
		printf("%lld %s %lld %s; %lld %s", differed, cli_tr("of",
		    "из"), shared, cli_n((uint64_t)shared, "shared dossier "
		    "differed", "shared dossiers differed", "общего дела "
		    "различались", "общих дел различались", "общих дел "
		    "различались"), applied, cli_n((uint64_t)applied,
		    "change applied", "changes applied", "изменение принято",
		    "изменения принято", "изменений принято"));
		if (unresolved > 0)
			printf("; %lld %s", unresolved, cli_tr("still differ "
			    "(the peer lacks changes held here, or some were "
			    "refused)", "всё ещё различаются (у партнёра нет "
			    "изменений, которые есть здесь, или часть "
			    "отклонена)"));
		printf("\n");
	}
}

/* What status shows of the peers. */
struct peer_status {
	struct node	*n;
	cJSON		*peers, *problems;
	long long	 now;
	bool		 json, fed;
};

/* One peer of 'opora status': into the JSON, its problems, and (unless
 * JSON) its lines. */
static int
peer_status(const struct store_peer_row *pr, void *arg)
{
	struct peer_status *ps = arg;
	struct node	*n = ps->n;
	cJSON		*p, *problems = ps->problems;
	char		 w1[32], w2[32], msg[ESC_LONG + ESC_SHORT + 64];
	char		 eerr[ESC_LONG], ereason[ESC_LONG], er[ESC_SHORT];
	long long	 now = ps->now;
	bool		 json = ps->json, fed = ps->fed;

	const char *r = pr->region;
	const char *err = pr->last_error;
	long long ok = pr->last_ok;
	long long at = pr->last_error_at;
	long long behind = pr->behind;
	long long until = pr->backoff_until;
	const char *why = pr->backoff_reason;
	long long dropped = pr->rejected_dropped;
	long long resync_at = pr->resync_at;
	const char *resync_why = pr->resync_reason;
	/* Its changes waiting in later: not "in step". */
	long long waiting = pr->waiting;
	bool failing = err != NULL && at >= ok;
	bool backing = until > now;

	/* Peers' words are escaped for the terminal: the reasons were
	 * escaped when they were recorded (sync.c), so only a control that
	 * got in anyway is escaped here, not their backslashes again. */
	esc_str(r ? r : "?", er, sizeof(er));
	esc_controls(err, eerr, sizeof(eerr));
	esc_controls(why, ereason, sizeof(ereason));
	r = er;
	err = eerr;

	p = cJSON_CreateObject();
	cJSON_AddItemToArray(ps->peers, p);
	cJSON_AddStringToObject(p, "region", r ? r : "");
	cJSON_AddBoolToObject(p, "ok", !failing && ok > 0);
	cJSON_AddNumberToObject(p, "last_ok_ms", (double)ok);
	cJSON_AddNumberToObject(p, "behind", (double)behind);
	cJSON_AddNumberToObject(p, "waiting", (double)waiting);
	if (failing)
		cJSON_AddStringToObject(p, "error", err);
	if (backing) {
		cJSON_AddNumberToObject(p, "backoff_until_ms",
		    (double)until);
		cJSON_AddStringToObject(p, "backoff_reason",
		    ereason);
		snprintf(msg, sizeof(msg), "%s %s: %s %lld %s: %s",
		    cli_tr("peer", "партнёр"), r, cli_tr("not asked "
		    "again for", "не запрашивается ещё"), (until - now +
		    999) / 1000, cli_tr("s", "с"), ereason);
		cJSON_AddItemToArray(problems,
		    cJSON_CreateString(msg));
	}
	cJSON_AddNumberToObject(p, "rejected_dropped",
	    (double)dropped);
	/* The peer's log went back; we pulled it again. */
	if (resync_at > 0) {
		cJSON_AddNumberToObject(p, "resync_ms",
		    (double)resync_at);
		cJSON_AddStringToObject(p, "resync_reason",
		    esc_controls(resync_why, ereason,
		    sizeof(ereason)));
	}
	if (failing || ok == 0) {
		snprintf(msg, sizeof(msg), "%s %s: %s",
		    cli_tr("peer", "партнёр"), r ? r : "?", failing ? err :
		    cli_tr("never reached", "связаться ещё ни разу не "
		    "удалось"));
		cJSON_AddItemToArray(problems,
		    cJSON_CreateString(msg));
	}
	if (json) {
		if (!fed)
			anti_entropy(n, pr, r, p, problems, true);
		return (0);
	}
	when_ms(ok, w1);
	when_ms(at, w2);
	if (failing)
		printf("  %s %s: %s (%s), %s %s\n",
		    cli_tr("peer", "партнёр"), r ? r : "?",
		    err, w2, cli_tr("last success",
		    "последний успех"), w1);
	else if (ok > 0 && waiting > 0)
		printf("  %s %s: %s %s, %lld %s; %lld %s\n",
		    cli_tr("peer", "партнёр"), r ? r : "?",
		    cli_tr("last pull", "последний обмен"), w1,
		    behind, cli_n((uint64_t)behind, "change behind",
		    "changes behind", "изменение в очереди",
		    "изменения в очереди", "изменений в очереди"),
		    waiting, cli_tr(
		    "of its changes wait to be taken (see "
		    "below)", "его изменений ждут приёма (см. "
		    "ниже)"));
	else if (ok == 0)	/* not "in step" */
		printf("  %s %s: %s\n", cli_tr("peer",
		    "партнёр"), r ? r : "?", cli_tr("never "
		    "reached (no pull has succeeded yet)",
		    "ещё не опрошен (ни одного успешного "
		    "обмена)"));
	else
		printf("  %s %s: %s %s, %lld %s\n",
		    cli_tr("peer", "партнёр"), r ? r : "?",
		    cli_tr("in step, last pull", "в порядке, "
		    "последний обмен"), w1, behind, cli_n(
		    (uint64_t)behind, "change behind", "changes behind",
		    "изменение в очереди", "изменения в очереди",
		    "изменений в очереди"));
	if (backing)
		printf("    %s %lld s: %s\n", cli_tr(
		    "backing off: not asked again for",
		    "пауза: не опрашивается ещё"),
		    (until - now + 999) / 1000, ereason);
	if (resync_at > 0) {
		when_ms(resync_at, w1);
		printf("    %s %s: %s\n", cli_tr("pulled again "
		    "from its first change at", "забран "
		    "заново с первого изменения"), w1,
		    esc_str(resync_why, ereason,
		    sizeof(ereason)));
	}
	if (dropped > 0)
		printf("    %s: %lld\n", cli_tr("refusal "
		    "records dropped for the cap",
		    "записей об отказах удалено сверх предела"),
		    dropped);
	if (!fed)
		anti_entropy(n, pr, r, p, problems, false);
	return (0);
}

int
cmd_status(int argc, char **argv)
{
	struct node	*n;
	struct metrics_figures mf;
	struct store_counts cnt;
	cJSON		*j, *peers, *p, *problems;
	char		 w1[32], msg[1024], v[24];
	char		 ereason[ESC_LONG];
	long long	 changes, dossiers, mine, rejected, rejected_day, open;
	long long	 later;
	long long	 last, regions, now, npeers, fedpeer;
	int64_t		 published = 0, epoch_at;
	char		 epoch[40], epoch_why[ESC_LONG];
	bool		 json = argc == 2 && strcmp(argv[1], "--json") == 0;
	struct peer_status ps;
	bool		 fed, readerr = false;
	int		 nproblems;

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
	/* A count that could not be read is -1 (below).  The same figures
	 * as the Prometheus endpoint's (node/metrics.h). */
	(void)metrics_gather(n, now, &mf);
	cnt = mf.cnt;
	changes = cnt.changes;
	dossiers = cnt.dossiers;
	last = cnt.last_received;
	rejected = cnt.rejected;
	later = cnt.later;
	open = cnt.open_conflicts;
	regions = cnt.snapshot_regions;
	mine = cnt.custodian_of;
	rejected_day = cnt.rejected_recent;
	npeers = cnt.peers;
	fedpeer = cnt.federal_peers;
	if (store_meta_get(n->st, "epoch", epoch, sizeof(epoch)) != 0)
		epoch[0] = '\0';
	if (store_meta_get(n->st, "epoch_at", v, sizeof(v)) != 0 ||
	    num_parse_str(v, 0, INT64_MAX, &epoch_at) == -1)
		epoch_at = 0;
	if (store_meta_get(n->st, "epoch_reason", epoch_why,
	    sizeof(epoch_why)) != 0)
		epoch_why[0] = '\0';
	/* A count that could not be read is a problem, not a zero. */
	readerr = changes < 0 || dossiers < 0 || last < 0 || rejected < 0 ||
	    later < 0 || open < 0 || regions < 0 || mine < 0 ||
	    rejected_day < 0 || npeers < 0 || fedpeer < 0;
	/* Read once, by metrics_gather (-1: not read, a problem there). */
	published = mf.stats_published_ms;

	j = cJSON_CreateObject();
	problems = cJSON_CreateArray();
	cJSON_AddStringToObject(j, "region", n->cfg.region);
	cJSON_AddStringToObject(j, "url", n->cfg.url);
	cJSON_AddStringToObject(j, "key_id", n->key_id);
	cJSON_AddStringToObject(j, "epoch", epoch);
	if (epoch_at > 0) {
		cJSON_AddNumberToObject(j, "epoch_since_ms", (double)epoch_at);
		cJSON_AddStringToObject(j, "epoch_reason", esc_str(epoch_why,
		    ereason, sizeof(ereason)));
	}
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
	else if (published >= 0)
		cJSON_AddNumberToObject(j, "stats_published_ms",
		    (double)published);
	/* A figure metrics_gather could not read (the lost histories, the
	 * accepted offers without history, a corrupted change among them)
	 * is a problem, never a zero that hides one. */
	if (metrics_json(&mf, j) == -1 || mf.audit_entries < 0 ||
	    mf.refused[0] < 0 || mf.readerr)
		readerr = true;
	peers = cJSON_AddArrayToObject(j, "peers");
	/* A new node has no peers: not a problem, but not "all is well"
	 * either, so it is said (docs/admin.md, "Monitoring"). */
	cJSON_AddBoolToObject(j, "no_peers", npeers == 0);
	if (!json) {
		when_ms(last, w1);
		printf("%s %s (%s), %s\n", cli_tr("node", "узел"),
		    n->cfg.region, fields_region_name(n->cfg.region) ?
		    fields_region_name(n->cfg.region) : "", n->cfg.url);
		printf("  %s: %lld %s, %lld %s (%s %lld); %s %s\n",
		    cli_tr("log", "журнал"), changes, cli_n((uint64_t)changes,
		    "change", "changes", "изменение", "изменения",
		    "изменений"), dossiers, cli_n((uint64_t)dossiers,
		    "dossier", "dossiers", "дело", "дела", "дел"),
		    cli_tr("custodian of", "ответственный за"), mine,
		    cli_tr("last change", "последнее изменение"), w1);
		printf("  %s %s", cli_tr("feed epoch", "эпоха ленты"), epoch);
		if (epoch_at > 0) {
			when_ms(epoch_at, w1);
			printf(", %s %s: %s", cli_tr("new since", "новая с"),
			    w1, esc_str(epoch_why, ereason, sizeof(ereason)));
		}
		printf("\n");
	}
	ps.n = n;
	ps.peers = peers;
	ps.problems = problems;
	ps.now = now;
	ps.json = json;
	ps.fed = fed;
	if (store_peer_each(n->st, peer_status, &ps) != 0)
		readerr = true;
	if (rejected_day > 0) {
		snprintf(msg, sizeof(msg), "%lld %s (opora rejected list)",
		    rejected_day, cli_n((uint64_t)rejected_day, "change "
		    "refused in the last day", "changes refused in the last "
		    "day", "изменение отклонено за последние сутки",
		    "изменения отклонены за последние сутки", "изменений "
		    "отклонено за последние сутки"));
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	/* Not refused: fetched again when due (docs/protocol.md, 7).  Of
	 * them, those of a past this node lost (node/lost.h) are said
	 * apart, and those an admin acknowledged lost are no problem. */
	if (later > 0) {
		int64_t	 lost = mf.lost_changes, lostd = mf.lost_dossiers;
		int64_t	 acked = mf.later_acked;

		/* Not read (a problem already): left out, not a 0. */
		if (lost < 0 || lostd < 0 || acked < 0)
			lost = lostd = acked = 0;
		else {
			cJSON_AddNumberToObject(j, "later_lost", (double)lost);
			cJSON_AddNumberToObject(j, "later_acknowledged",
			    (double)acked);
		}
		if (later - lost - acked > 0) {
			long long w = later - lost - acked;

			snprintf(msg, sizeof(msg), "%lld %s %s", w,
			    cli_n((uint64_t)w, "change", "changes",
			    "изменение", "изменения", "изменений"),
			    cli_tr("from peers wait to be taken (a clock "
			    "more than max_clock_drift ahead of this node's, "
			    "a key not known here, or parents not here yet); "
			    "they are fetched again when due: check this "
			    "node's clock, and 'opora rejected list' for "
			    "unknown keys", "от партнёров ждут приёма (часы "
			    "автора впереди часов узла больше чем на "
			    "max_clock_drift, ключ здесь неизвестен или "
			    "предыдущие изменения ещё не пришли); их запросят "
			    "снова в свой срок: проверьте часы узла, а "
			    "неизвестные ключи — в 'opora rejected list'"));
			cJSON_AddItemToArray(problems,
			    cJSON_CreateString(msg));
		}
		if (lost > 0) {
			snprintf(msg, sizeof(msg), "%s %lld %s: %lld %s %s",
			    cli_tr("this node lost the history of",
			    "этот узел потерял историю"), (long long)lostd,
			    cli_n((uint64_t)lostd, "dossier", "dossiers",
			    "дела", "дел", "дел"), (long long)lost,
			    cli_n((uint64_t)lost, "change", "changes",
			    "изменение", "изменения", "изменений"),
			    cli_tr("it signed itself came back from peers "
			    "without their past (a restore from an older "
			    "backup, or a lost WAL); they wait in case a peer "
			    "holds it. If none does, the history is lost: "
			    "'opora lost list', then 'opora lost acknowledge' "
			    "(docs/admin.md, \"Lost histories\")",
			    "подписанных им самим, вернулись от партнёров без "
			    "предыдущей истории (восстановление из старой "
			    "копии или потеря WAL); они ждут, вдруг она есть "
			    "у партнёра. Если ни у кого нет, история потеряна: "
			    "'opora lost list', затем 'opora lost "
			    "acknowledge'"));
			cJSON_AddItemToArray(problems,
			    cJSON_CreateString(msg));
		}
	}
	/* Accepted, and the history has not come in two anti-entropy
	 * periods (which would have fetched it had the offering node held
	 * it): it may be lost for good (docs/protocol.md, "An offer whose
	 * history was lost"); metrics_gather finds them. */
	{
		const struct offer_overdue *od = &mf.overdue;

		if (od->count > 0) {
			char	 ed[ESC_SHORT], ef[ESC_SHORT];

			when_ms((long long)od->accepted_ms, w1);
			esc_str(od->dossier, ed, sizeof(ed));
			esc_str(od->from, ef, sizeof(ef));
			snprintf(msg, sizeof(msg), "%s %lld %s %s (%s %s %s "
			    "%s, %s %s): %s", cli_tr("the history of",
			    "история"), od->count, cli_n((uint64_t)od->count,
			    "accepted offer", "accepted offers",
			    "принятого предложения", "принятых предложений",
			    "принятых предложений"), cli_tr("has not come",
			    "не пришла"), cli_tr("the oldest: dossier",
			    "самое давнее: дело"), ed, cli_tr("from", "из"),
			    ef, cli_tr("accepted", "принято"), w1,
			    cli_tr("the offering node may have lost it, e.g. "
			    "restored from a backup older than the offer; ask "
			    "its admin, and if it is lost: 'opora lost "
			    "acknowledge' (docs/admin.md, \"Lost histories\")",
			    "передающий узел мог её потерять, например при "
			    "восстановлении из копии старше предложения; "
			    "обратитесь к его администратору, а если она "
			    "потеряна: 'opora lost acknowledge'"));
			cJSON_AddItemToArray(problems,
			    cJSON_CreateString(msg));
		}
	}
	/* Snapshots are for the federal node: late only when it is a
	 * peer that would fetch them. */
	if (!fed && fedpeer > 0 && n->cfg.stats_interval > 0 &&
	    (published == 0 ||
	    now - published > 2LL * n->cfg.stats_interval * 3600000LL)) {
		snprintf(msg, sizeof(msg), "%s %d %s", cli_tr("statistics "
		    "not published for more than", "статистика не "
		    "публиковалась больше"), 2 * n->cfg.stats_interval,
		    cli_tr("hours (is 'opora serve' running?)", "ч (запущен "
		    "ли 'opora serve'?)"));
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	if (mf.corrupt_seq > 0) {
		snprintf(msg, sizeof(msg), "%s %s (%s%lld): %s", cli_tr(
		    "corrupted change", "повреждённое изменение"),
		    mf.corrupt_id, cli_tr("feed #", "№ в ленте "),
		    (long long)mf.corrupt_seq, cli_tr("its stored bytes do "
		    "not match its id, so nothing is served to peers; restore "
		    "the database from a backup ('opora verify' lists every "
		    "damaged change)", "его байты не совпадают с его номером, "
		    "поэтому партнёрам ничего не отдаётся; восстановите базу "
		    "из резервной копии ('opora verify' перечислит все "
		    "повреждения)"));
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	if (mf.wal_bytes > METRICS_WAL_LARGE) {
		snprintf(msg, sizeof(msg), "%s %lld MiB, %s %d MiB %s", cli_tr(
		    "the write-ahead log (opora.db-wal) is", "журнал "
		    "предзаписи (opora.db-wal) занимает"),
		    (long long)(mf.wal_bytes >> 20), cli_tr("more than twice the",
		    "больше чем вдвое против"), STORE_CHECKPOINT_BYTES >> 20,
		    cli_tr("at which it is copied into the database: the copies "
		    "fail (a full or failing disk: free space, look at dmesg) or "
		    "a long read holds them back (a backup or a query still "
		    "running); nothing written is lost, and the log shrinks once "
		    "a copy succeeds", "при которых он переносится в базу: "
		    "перенос не удаётся (диск заполнен или неисправен: "
		    "освободите место, посмотрите dmesg) или его задерживает "
		    "долгое чтение (резервное копирование или ещё идущий "
		    "запрос); записанное не потеряно, и журнал уменьшится, как "
		    "только перенос удастся"));
		cJSON_AddItemToArray(problems, cJSON_CreateString(msg));
	}
	if (readerr)
		cJSON_AddItemToArray(problems, cJSON_CreateString(cli_tr(
		    "the database could not be read whole: run 'opora verify'",
		    "базу данных не удалось прочитать целиком: выполните "
		    "'opora verify'")));
	nproblems = cJSON_GetArraySize(problems);
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
			printf("  %s: %s%s\n", cli_tr("statistics last "
			    "published", "статистика опубликована"), w1,
			    fedpeer > 0 ? "" : cli_tr(" (no federal node "
			    "among the peers: nobody fetches them)",
			    " (среди партнёров нет федерального узла: их "
			    "никто не забирает)"));
		}
		if (npeers == 0)
			printf("  %s\n", cli_tr("no peers yet: this node "
			    "exchanges nothing until one is added ('opora "
			    "peer add CARD' with the card of a peer's 'opora "
			    "id'; docs/admin.md, \"Two regions\")", "партнёров "
			    "пока нет: узел ничем не обменивается, пока "
			    "партнёр не добавлен ('opora peer add КАРТОЧКА' "
			    "с карточкой 'opora id' партнёра)"));
		if (cJSON_GetArraySize(problems) == 0)
			printf("%s\n", npeers == 0 ? cli_tr("nothing needs "
			    "attention, but there are no peers yet",
			    "всё в порядке, но партнёров пока нет") :
			    cli_tr("nothing needs attention", "всё в порядке"));
		else {
			printf("%s\n", cli_tr("needs attention:",
			    "требует внимания:"));
			for (p = problems->child; p != NULL; p = p->next)
				printf("  - %s\n", p->valuestring);
		}
	}
	cJSON_Delete(j);
	metrics_figures_free(&mf);
	node_close(n);
	/* Monitoring reads the exit code: 1 when something needs an admin. */
	return (nproblems > 0 ? 1 : EX_OK);
}
