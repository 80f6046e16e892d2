/*
 * node/cli.c: global options, the command table and shared helpers.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sqlite3.h>

#include "conflict/plural.h"
#include "node/audit.h"
#include "node/cli.h"
#include "node/erase.h"
#include "node/iowatch.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/store.h"
#include "node/ttyout.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/esc.h"
#include "protocol/limits.h"
#include "protocol/log.h"
#include "protocol/wire.h"

#define OPORA_VERSION	"0.1.0"

/* What 'opora --version' says this program speaks (docs/protocol.md). */
#define OPORA_PROTOCOL	"changes v%d (reads v1 and v%d), node cards v1 " \
	"and v2, replication /v1 version %d (speaks %d to %d; feed epochs), " \
	"statistics snapshots v2"

struct cli_env cli;

struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*en;
	const char	*ru;
};

/* Sorted by name: it drives both dispatch and the usage text. */
static const struct command commands[] = {
	{ "assessment", cmd_assessment, "record an outcome assessment",
	    "записать оценку положения выпускника" },
	{ "assign", cmd_assign, "assign a dossier to a centre",
	    "закрепить дело за центром" },
	{ "audit", cmd_audit, "list, verify or export the audit log",
	    "показать, проверить или выгрузить журнал аудита" },
	{ "backup", cmd_backup, "copy the node while it runs, to restore it",
	    "скопировать работающий узел для восстановления" },
	{ "config", cmd_config, "read or change a setting of opora.conf",
	    "прочитать или изменить настройку opora.conf" },
	{ "conflicts", cmd_conflicts, "list, show or resolve conflicting edits",
	    "показать или решить конфликты одновременных правок" },
	{ "consent", cmd_consent, "record or withdraw a consent",
	    "записать или отозвать согласие" },
	{ "digest", cmd_digest, "print the digest of a dossier's state",
	    "вывести дайджест состояния дела" },
	{ "duplicates", cmd_duplicates, "list dossiers that may be one person",
	    "дела, которые могут относиться к одному человеку" },
	{ "episode", cmd_episode, "open or close a support episode",
	    "открыть или закрыть период сопровождения" },
	{ "event", cmd_event, "add, amend or retract an event",
	    "добавить, исправить или отозвать событие" },
	{ "export", cmd_export, "write the feed for a region to a file",
	    "выгрузить ленту изменений для региона в файл" },
	{ "find", cmd_find, "find persons by SNILS, surname or birth date",
	    "найти человека по СНИЛС, фамилии или дате рождения" },
	{ "id", cmd_id, "print this node's card",
	    "вывести карточку этого узла" },
	{ "import", cmd_import, "import a register from a JSON Lines file",
	    "импортировать реестр из файла JSON Lines" },
	{ "init", cmd_init, "create a node",
	    "создать узел" },
	{ "key", cmd_key, "rotate or revoke this node's keys; list known keys",
	    "сменить или отозвать ключи узла; список известных ключей" },
	{ "link", cmd_link, "record that two dossiers are the same person",
	    "отметить, что два дела — один человек" },
	{ "list", cmd_list, "list the dossiers on this node",
	    "список дел на этом узле" },
	{ "log", cmd_log, "show a dossier's change history",
	    "показать историю изменений дела" },
	{ "lost", cmd_lost, "list or acknowledge histories lost to a restore",
	    "истории, потерянные при восстановлении" },
	{ "peer", cmd_peer, "add, list or remove peer nodes",
	    "добавить, показать или удалить узлы-партнёры" },
	{ "person", cmd_person, "register a graduate or change the card",
	    "зарегистрировать выпускника или изменить карточку" },
	{ "rebuild", cmd_rebuild, "recompute every view from the log",
	    "пересчитать все представления из журнала" },
	{ "receive", cmd_receive, "take in a feed file from another region",
	    "принять файл ленты из другого региона" },
	{ "rejected", cmd_rejected, "list changes refused on receipt",
	    "изменения, отклонённые при приёме" },
	{ "researcher", cmd_researcher, "let a researcher use the statistics "
	    "API (RU-FED)", "открыть исследователю API статистики (RU-FED)" },
	{ "restore", cmd_restore, "make a node from a backup (new feed epoch)",
	    "сделать узел из резервной копии (новая эпоха ленты)" },
	{ "serve", cmd_serve, "serve peers over HTTPS and pull their feeds",
	    "обслуживать партнёров по HTTPS и забирать их ленты" },
	{ "show", cmd_show, "show a dossier's timeline",
	    "показать хронологию дела" },
	{ "stats", cmd_stats, "publish or query statistics without names",
	    "опубликовать или запросить обезличенную статистику" },
	{ "status", cmd_status, "the node's health: log, peers, problems",
	    "состояние узла: журнал, партнёры, проблемы" },
	{ "sync", cmd_sync, "pull from every peer once",
	    "один раз забрать изменения у всех партнёров" },
	{ "transfer", cmd_transfer, "hand a case to another region",
	    "передать дело другому региону" },
	{ "unlink", cmd_unlink, "undo a link between two dossiers",
	    "отменить связь двух дел" },
	{ "user", cmd_user, "add, list, change or disable accounts",
	    "создать, показать, изменить или отключить учётные записи" },
	{ "vectors", cmd_vectors, "print the protocol test vectors",
	    "вывести тестовые векторы протокола" },
	{ "verify", cmd_verify, "check every hash, signature and view",
	    "проверить все хеши, подписи и представления" },
};

const char *
cli_tr(const char *en, const char *ru)
{
	return (cli.ru ? ru : en);
}

const char *
cli_n(uint64_t n, const char *en_one, const char *en_many,
    const char *ru_one, const char *ru_few, const char *ru_many)
{
	if (cli.ru)
		return (plural_ru_pick(n, ru_one, ru_few, ru_many));
	return (n == 1 ? en_one : en_many);
}

void
cli_err(const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[2048], shown[4 * sizeof(msg)];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* In the journal: its form, at priority error (log.h).  On a
	 * terminal, what the message quotes of the command line or of a
	 * file (an argument, a path) cannot drive it: every control is
	 * shown as \xNN (what esc_str escaped already stays as it is). */
	if (log_journal_form())
		log_errorx("%s", msg);
	else
		fprintf(stderr, "opora: %s\n", esc_controls(msg, shown,
		    sizeof(shown)));
}

static bool
locale_is_ru(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && v[0] != '\0')
			return (strncmp(v, "ru", 2) == 0);
	return (false);
}

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "%s", cli_tr(
	    "usage: opora [--dir DIR] [--user LOGIN] [--reason WHY] COMMAND "
	    "[ARGS]\n"
	    "\n"
	    "  --dir DIR     the node's directory (or OPORA_DIR; default "
	    NODE_DEFAULT_DIR ")\n"
	    "  --user LOGIN  your account (or OPORA_USER; default: your "
	    "login name)\n"
	    "  --reason WHY  open another centre's dossier (recorded)\n"
	    "\n"
	    "commands:\n",
	    "использование: opora [--dir КАТАЛОГ] [--user ЛОГИН] "
	    "[--reason ПРИЧИНА] КОМАНДА [АРГУМЕНТЫ]\n"
	    "\n"
	    "  --dir КАТАЛОГ     каталог узла (или OPORA_DIR; по умолчанию "
	    NODE_DEFAULT_DIR ")\n"
	    "  --user ЛОГИН      ваша учётная запись (или OPORA_USER; по "
	    "умолчанию имя входа)\n"
	    "  --reason ПРИЧИНА  открыть дело другого центра (записывается)\n"
	    "\n"
	    "команды:\n"));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name,
		    cli_tr(commands[i].en, commands[i].ru));
	fprintf(f, "%s", cli_tr(
	    "\n'opora COMMAND --help' tells more; man opora(1).\n",
	    "\n'opora КОМАНДА --help' расскажет подробнее; man opora(1).\n"));
}

static const char *
login_name(void)
{
	struct passwd	*pw;
	const char	*s;

	if ((s = getlogin()) != NULL && s[0] != '\0')
		return (s);
	if ((pw = getpwuid(getuid())) != NULL)
		return (pw->pw_name);
	return ("unknown");
}

/* The operating system's user, recorded beside the account. */
static const char *
os_user(void)
{
	struct passwd	*pw;

	if ((pw = getpwuid(getuid())) != NULL)
		return (pw->pw_name);
	return ("unknown");
}

/* Set when SQLite reports a full disk, or another I/O error, from any
 * thread. */
static int	 disk_full, io_error;

static void
sqlite_log(void *arg, int code, const char *msg)
{
	char	 no[16];

	(void)arg;
	/* SQLite says SQLITE_FULL when a write finds no room, and an I/O
	 * error naming the errno, "(28)", when creating or growing a file
	 * (the -wal, the -shm) does not. */
	snprintf(no, sizeof(no), "(%d)", ENOSPC);
	if ((code & 0xff) == SQLITE_FULL || ((code & 0xff) == SQLITE_IOERR &&
	    msg != NULL && strstr(msg, no) != NULL))
		__atomic_store_n(&disk_full, 1, __ATOMIC_RELAXED);
	/* Any other I/O error but memory (and a short read, which SQLite
	 * handles itself). */
	else if ((code & 0xff) == SQLITE_IOERR && code != SQLITE_IOERR_NOMEM &&
	    code != SQLITE_IOERR_SHORT_READ)
		__atomic_store_n(&io_error, 1, __ATOMIC_RELAXED);
}

bool
cli_io_failed(void)
{
	return (__atomic_load_n(&io_error, __ATOMIC_RELAXED) != 0 ||
	    iowatch_failed());
}

/* The directory SQLite makes its temporary files in, chosen as its unix
 * VFS does (os_unix.c, unixTempFileDir). */
static const char *
temp_dir(void)
{
	const char	*dirs[] = { getenv("SQLITE_TMPDIR"), getenv("TMPDIR"),
			    "/var/tmp", "/usr/tmp", "/tmp" };
	struct stat	 sb;
	size_t		 i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (dirs[i] != NULL && stat(dirs[i], &sb) == 0 &&
		    S_ISDIR(sb.st_mode) && access(dirs[i], W_OK | X_OK) == 0)
			return (dirs[i]);
	return (".");
}

/* A failed command: if the disk was full, say that and what to do. */
static int
command_done(int rc)
{
	/*
	 * Done, but a write or sync that SQLite does not report failed: only
	 * a checkpoint's (copying the WAL into the database file, at a
	 * commit, at close, or on a thread of its own: node/ckpt.h), which
	 * leaves what it could not copy in the WAL.  Nothing is lost and the
	 * exit stays 0 (a curator who ran it again would record twice), but
	 * the admin hears of the disk now, not at the next failure.
	 */
	if (rc == EX_OK) {
		if (iowatch_full() || iowatch_failed())
			log_warnx("%s (%s)", cli_tr("done and kept, but the "
			    "database's WAL could not be copied into the "
			    "database file: the disk is full or failed; what "
			    "was written is safe in opora.db-wal beside it; "
			    "free space on the file system of the node's "
			    "directory (or look at the kernel log, dmesg), "
			    "and a later command copies it", "выполнено и "
			    "сохранено, но журнал WAL не удалось перенести в "
			    "файл базы данных: диск заполнен или неисправен; "
			    "записанное сохранено в opora.db-wal рядом с ним; "
			    "освободите место на файловой системе каталога "
			    "узла (или посмотрите журнал ядра, dmesg), и "
			    "следующая команда перенесёт его"), cli.dir);
		return (rc);
	}
	if (!__atomic_load_n(&disk_full, __ATOMIC_RELAXED) && !iowatch_full() &&
	    !iowatch_full_temp()) {
		if (!cli_io_failed() && log_oom_noted() &&
		    rc != EX_OSERR) {
			cli_err("%s", cli_tr("out of memory: nothing half-done "
			    "was kept; run the command again with more memory",
			    "не хватает памяти: ничего не записано наполовину; "
			    "повторите команду, когда памяти будет больше"));
			return (EX_OSERR);
		}
		/* The database was held by another command (or 'serve')
		 * longer than a write waits: nothing is wrong with the
		 * disk, and the command can simply be run again. */
		if (!cli_io_failed() && rc == EX_IOERR && store_busy_noted()) {
			cli_err("%s (%s)", cli_tr("the node's database was busy "
			    "(another opora command, or 'opora serve', held it "
			    "for 10 seconds): nothing was written; run the "
			    "command again", "база данных узла была занята "
			    "(другая команда opora или 'opora serve' держала "
			    "её 10 секунд): ничего не записано; повторите "
			    "команду"), cli.dir);
			return (EX_TEMPFAIL);
		}
		if (!cli_io_failed())
			return (rc);
		cli_err("%s (%s)", cli_tr("an I/O error on the node's database "
		    "(the disk or its controller, not the data): nothing "
		    "half-done was kept, and nothing read is taken as a "
		    "verdict on the data; look at the kernel log (dmesg) and "
		    "run the command again", "ошибка ввода-вывода в базе "
		    "данных узла (диск или его контроллер, а не данные): "
		    "ничего не записано наполовину, и прочитанное не считается "
		    "оценкой данных; посмотрите журнал ядра (dmesg) и "
		    "повторите команду"), cli.dir);
		return (EX_IOERR);
	}
	/* A statement journal past its limit found its directory full, and
	 * the node's own files did not. */
	if (iowatch_full_temp() && !iowatch_full()) {
		cli_err("%s (%s)", cli_tr("the temporary directory is full: "
		    "nothing half-done was kept; free space there and run the "
		    "command again (SQLite's temporary files go to "
		    "$SQLITE_TMPDIR, else $TMPDIR, else /var/tmp)",
		    "временный каталог заполнен: ничего не записано "
		    "наполовину; освободите в нём место и повторите команду "
		    "(временные файлы SQLite создаются в $SQLITE_TMPDIR, иначе "
		    "в $TMPDIR, иначе в /var/tmp)"), temp_dir());
		return (CLI_EX_DISKFULL);
	}
	cli_err("%s (%s)", cli_tr("the disk is full: nothing half-done was "
	    "kept; free space on the file system of the node's directory and "
	    "run the command again", "диск заполнен: ничего не записано "
	    "наполовину; освободите место на файловой системе каталога узла "
	    "и повторите команду"), cli.dir);
	return (CLI_EX_DISKFULL);
}

int
cli_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "reason", required_argument, NULL, 'r' },
		{ "user", required_argument, NULL, 'u' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dir = NULL, *user = NULL;
	size_t		 i;
	int		 ch, verbose = 0;

	cli.ru = locale_is_ru();
	/* Before SQLite is used: its log tells a full disk from other
	 * failures. */
	(void)sqlite3_config(SQLITE_CONFIG_LOG, sqlite_log, NULL);
	/* Its statement journals' limit; no memory statistics. */
	(void)store_configure();
	/* And, for the I/O errors SQLite does not log, its file calls. */
	(void)iowatch_install();
	cli.tty = isatty(STDERR_FILENO);
	log_init("opora", 1, false);
	/* Text from outside is shown on a terminal, never obeyed: a command
	 * that cannot make sure of it does not run (fail closed). */
	if (ttyout_install() == -1) {
		cli_err("%s", cli_tr("out of memory: cannot set up the "
		    "terminal's output safely; nothing was done",
		    "не хватает памяти: вывод на терминал не удаётся "
		    "сделать безопасным; ничего не сделано"));
		return (EX_OSERR);
	}
	while ((ch = getopt_long(argc, argv, "+d:hr:u:vV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return (EX_OK);
		case 'r':
			if (optarg[0] == '\0' || strlen(optarg) > 1000) {
				cli_err("%s", cli_tr("--reason needs a reason "
				    "of at most 1000 bytes", "--reason: "
				    "нужна причина не длиннее 1000 байт"));
				return (EX_USAGE);
			}
			cli.reason = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("opora %s\nprotocol: " OPORA_PROTOCOL "\n",
			    OPORA_VERSION, CHANGE_VERSION, CHANGE_VERSION,
			    WIRE_PROTOCOL_MAX, WIRE_PROTOCOL_MIN,
			    WIRE_PROTOCOL_MAX);
			return (EX_OK);
		default:
			usage(stderr);
			return (EX_USAGE);
		}
	}
	log_init("opora", 1 + verbose, false);
	if (dir == NULL && (dir = getenv("OPORA_DIR")) == NULL)
		dir = NODE_DEFAULT_DIR;
	if (user == NULL && ((user = getenv("OPORA_USER")) == NULL ||
	    user[0] == '\0'))
		user = login_name();
	cli.dir = dir;
	cli.user = user;
	cli.os_user = os_user();
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return (EX_USAGE);
	}
	cli.action = (enum access_action)cli_action(argc, argv,
	    &cli.need_acct);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, argv[0]) == 0) {
			optind = 0;	/* reset GNU getopt for the command */
			return (command_done(commands[i].fn(argc, argv)));
		}
	cli_err("%s \"%.40s\"", cli_tr("unknown command", "неизвестная команда"),
	    argv[0]);
	usage(stderr);
	return (EX_USAGE);
}

void
cli_print_json(const cJSON *j)
{
	char	*s;

	if (j != NULL && (s = cJSON_PrintUnformatted(j)) != NULL) {
		printf("%s\n", s);
		free(s);
	}
}

struct node *
cli_open(void)
{
	struct node	*n;

	if ((n = node_open(cli.dir, cli.user)) == NULL)
		return (NULL);
	if (cli.need_acct && cli_account_bind(n) == -1) {
		node_close(n);
		return (NULL);
	}
	return (n);
}

/* The rows a prefix names: the first one's id and dossier, and how
 * many; with slash, only the ids that end with it ("/3"). */
struct prefix_hits {
	const char	*slash;
	char		*id;		/* 80 bytes */
	char		*dossier;	/* 37 bytes */
	int		 found;
};

static int
prefix_hit(const char *a, const char *b, void *arg)
{
	struct prefix_hits *h = arg;

	if (strlen(a) >= 80 || strlen(b) != 36)
		return (0);
	/* With a "/n", the entry number must match too. */
	if (h->slash != NULL && (strchr(a, '/') == NULL ||
	    strcmp(strchr(a, '/'), h->slash) != 0))
		return (0);
	if (h->found++ == 0) {
		memcpy(h->id, a, strlen(a) + 1);
		memcpy(h->dossier, b, 37);
	}
	return (0);
}

int
cli_dossier(struct node *n, const char *arg, char out[37])
{
	struct prefix_hits h;
	char		 id[80];
	size_t		 len = strlen(arg), i;
	int		 found;

	for (i = 0; i < len; i++)
		if (!((arg[i] >= '0' && arg[i] <= '9') ||
		    (arg[i] >= 'a' && arg[i] <= 'f') || arg[i] == '-'))
			break;
	if (len < 4 || len > 36 || i != len) {
		cli_err("%s \"%.40s\"", cli_tr("not a dossier id:",
		    "это не номер дела:"), arg);
		return (-1);
	}
	h.slash = NULL;
	h.id = id;
	h.dossier = out;
	h.found = 0;
	if (store_prefix_each(n->st, STORE_PREFIX_DOSSIER, arg, prefix_hit,
	    &h) != 0)
		return (-1);
	found = h.found;
	if (found == 0) {
		cli_err("%s %s", cli_tr("no dossier", "нет дела"), arg);
		return (-1);
	}
	if (found > 1) {
		cli_err("%s %s", cli_tr("more than one dossier begins with",
		    "несколько дел начинаются с"), arg);
		return (-1);
	}
	return (cli_access_dossier(n, out));
}

const char *
cli_entry(const struct dossier *d, enum dossier_table t, const char *arg)
{
	const char	*hit = NULL, *id;
	size_t		 len = strlen(arg), r;
	int		 found = 0;

	for (r = 0; r < d->t[t].n; r++) {
		id = d->t[t].v[r].col[COL_ID];
		if (strcmp(id, arg) == 0)
			return (id);
		if (len >= 4 && strncmp(id, arg, len) == 0) {
			hit = id;
			found++;
		}
	}
	if (found == 1)
		return (hit);
	cli_err("%s %s", found > 1 ? cli_tr("more than one entry begins with",
	    "несколько записей начинаются с") : cli_tr("no such entry in "
	    "this dossier:", "в этом деле нет записи"), arg);
	return (NULL);
}

int
cli_find_row(struct node *n, enum store_prefix what, const char *arg,
    const struct cli_words *w, char id[80], char dossier[37])
{
	struct prefix_hits h;
	const char	*slash = strchr(arg, '/');
	char		 prefix[72];
	size_t		 plen = slash != NULL ? (size_t)(slash - arg) :
			    strlen(arg);
	int		 found;

	if (plen < 4 || plen > 64 || strlen(arg) > 70) {
		cli_err("%s \"%.70s\"", cli_tr(w->bad_en, w->bad_ru), arg);
		return (-1);
	}
	memcpy(prefix, arg, plen);
	prefix[plen] = '\0';
	h.slash = slash;
	h.id = id;
	h.dossier = dossier;
	h.found = 0;
	if (store_prefix_each(n->st, what, prefix, prefix_hit, &h) != 0)
		return (-1);
	found = h.found;
	if (found != 1) {
		cli_err("%s %s", found ? cli_tr(w->many_en, w->many_ru) :
		    cli_tr(w->none_en, w->none_ru), arg);
		return (-1);
	}
	return (cli_access_dossier(n, dossier));
}

int
cli_dispatch(int argc, char **argv, const struct cli_sub *subs,
    const char *usage)
{
	const struct cli_sub	*c;

	for (c = subs; argc >= 2 && c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return (c->fn(argc - 1, argv + 1));
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return (EX_OK);
	}
	fputs(usage, stderr);
	return (EX_USAGE);
}

const char *
cli_why(const char *why)
{
	const char	*p;

	if (strncmp(why, "ops[", 4) == 0 && (p = strstr(why, "].")) != NULL)
		return (p + 2);
	if (strncmp(why, "ops[", 4) == 0 && (p = strstr(why, "]: ")) != NULL)
		return (p + 3);
	return (why);
}

int
cli_write(struct node *n, const char *id, const struct op *ops, size_t nops,
    const char *centre, struct audit_entry *e, char dossier[37],
    char cid[CHANGE_ID_HEX + 1], char *why, size_t whysz)
{
	struct dossier	*d = NULL;
	struct offer_buf ob;
	struct op	 offer_op;
	char		 detail[CHANGE_ID_HEX + LIMIT_REASON + 16];
	int		 r, rc = -1;

	if (store_begin(n->st) == -1)
		return (CLI_WRITE_IO);
	/* An offer held here as a summary: decided without the history it
	 * follows, which comes with the accept (node/offer.h). */
	if (nops == 1 && (ops[0].kind == OP_TRANSFER_ACCEPT ||
	    ops[0].kind == OP_TRANSFER_DECLINE)) {
		r = offer_decide(n, ops[0].arg[OA_REF], ops[0].kind,
		    ops[0].arg[OA_REASON], cid, dossier, why, whysz);
		if (r == 0) {
			e->dossiers = dossier;
			e->detail = cid;
			if (audit_append(n, e) == -1) {
				rc = CLI_WRITE_AUDIT;
				goto out;
			}
			rc = store_commit(n->st) == -1 ? CLI_WRITE_IO : 0;
			goto out;
		}
		if (r == -2) {
			rc = CLI_WRITE_REFUSED;
			goto out;
		}
		if (r == -1)
			goto out;
	}
	r = view_load(n->st, id, &d);
	if (r == -1)
		goto out;
	if (r == 1) {
		if (ops[0].kind != OP_PERSON_CREATE) {
			rc = CLI_WRITE_NODOSSIER;
			goto out;
		}
		if ((d = dossier_new(id)) == NULL)
			goto out;
	}
	/* An offer carries the summary its destination sees until it
	 * accepts (node/offer.h). */
	if (nops == 1 && ops[0].kind == OP_TRANSFER_OFFER &&
	    ops[0].arg[OA_SURNAME] == NULL) {
		offer_op = ops[0];
		if (offer_fill(n, d, &offer_op, centre, &ob) == -1)
			goto out;
		ops = &offer_op;
	}
	if ((r = node_author(n, d, ops, nops, cid, why, whysz)) != 0) {
		rc = r == NODE_NOMEM ? NODE_NOMEM : CLI_WRITE_REFUSED;
		goto out;
	}
	/* A new dossier is its author's centre's; the write is audited in
	 * its own transaction. */
	if (ops[0].kind == OP_PERSON_CREATE && centre != NULL &&
	    centre[0] != '\0' && account_assign(n->st, d->id, centre,
	    (int64_t)(node_now_ms() / 1000)) == -1)
		goto out;
	/* An erasure is audited with its legal ground. */
	if (ops[0].kind == OP_PERSON_ERASE)
		snprintf(detail, sizeof(detail), "%s ground: %s", cid,
		    ops[0].arg[OA_REASON]);
	else
		snprintf(detail, sizeof(detail), "%s", cid);
	/* The destination that declines keeps nothing more of the dossier
	 * than its decision (node/erase.h). */
	if (ops[0].kind == OP_TRANSFER_DECLINE &&
	    erase_forget_ended(n, d->id) == -1)
		goto out;
	e->dossiers = d->id;
	e->detail = detail;
	if (audit_append(n, e) == -1) {
		rc = CLI_WRITE_AUDIT;
		goto out;
	}
	if (store_commit(n->st) == -1) {
		rc = CLI_WRITE_IO;
		goto out;
	}
	memcpy(dossier, d->id, 37);
	rc = 0;
out:
	if (rc != 0)
		store_rollback(n->st);
	dossier_free(d);
	return (rc);
}

int
cli_author(struct node *n, const char *id, const struct op *ops, size_t nops,
    int entry, const char *what)
{
	struct audit_entry	 e;
	char			 cid[CHANGE_ID_HEX + 1], why[512], did[37];
	char			 e_why[ESC_LONG];
	int			 r;

	cli_audit_entry(&e, what, "", "");
	r = cli_write(n, id, ops, nops, cli.have_acct ? cli.acct.centre :
	    NULL, &e, did, cid, why, sizeof(why));
	switch (r) {
	case 0:
		break;
	case CLI_WRITE_NODOSSIER:
		cli_err("%s %s", cli_tr("no dossier", "нет дела"), id);
		return (EX_NOINPUT);
	case CLI_WRITE_REFUSED:
	case NODE_NOMEM:
		cli_err("%s: %s", what, r == NODE_NOMEM ? cli_tr("out of "
		    "memory; nothing was written", "не хватает памяти; ничего "
		    "не записано") : cli_reason(why, e_why, sizeof(e_why)));
		return (r == NODE_NOMEM ? EX_OSERR : EX_DATAERR);
	case CLI_WRITE_IO:
		return (EX_IOERR);
	case CLI_WRITE_AUDIT:
		cli_err("%s: %s", what, cli_tr("the write cannot be recorded "
		    "in the audit, so nothing was written", "запись нельзя "
		    "внести в журнал аудита, поэтому ничего не записано"));
		return (EX_SOFTWARE);
	default:
		return (EX_SOFTWARE);
	}
	if (entry == -2)
		printf("%s\n", did);	/* a new dossier's derived id */
	else if (entry == -1)
		printf("%s\n", cid);
	else
		printf("%s/%d\n", cid, entry);
	return (EX_OK);
}

/*
 * The reasons the checks of a change give (conflict/rules.c,
 * protocol/change.c, node/node.c) are English, as the logs and the peers
 * read them; a person reading Russian gets them translated here.  "*"
 * stands for one or more characters, which the Russian repeats in the
 * same order.  A reason not in the table is shown as it is.
 */
static const struct {
	const char	*en, *ru;
} reasons[] = {
	{ "the dossier exists", "дело уже существует" },
	{ "no support episode * in this dossier",
	    "в этом деле нет периода сопровождения *" },
	{ "support episode * is already closed",
	    "период сопровождения * уже закрыт" },
	{ "the episode cannot close (*) before it opened (*)",
	    "период нельзя закрыть (*) раньше, чем он открыт (*)" },
	{ "a former custodian may only add notes dated up to the handover "
	    "(*)", "прежний ответственный регион может добавлять только "
	    "записи с датой не позже передачи (*)" },
	{ "this dossier is in the custody of *; only its custodian may "
	    "change it", "за это дело отвечает *; изменять его может только "
	    "ответственный регион" },
	{ "no event * in this dossier", "в этом деле нет события *" },
	{ "event * was retracted; it can no longer change",
	    "событие * отозвано; изменить его больше нельзя" },
	{ "no consent * in this dossier", "в этом деле нет согласия *" },
	{ "consent * is already withdrawn", "согласие * уже отозвано" },
	{ "a case can be offered to another region only, and never to the "
	    "federal node", "дело можно предложить только другому региону и "
	    "никогда — федеральному узлу" },
	{ "the case is already offered to *; cancel that offer first",
	    "дело уже предложено региону *; сначала отмените то "
	    "предложение" },
	{ "there is no recorded, unwithdrawn consent of scope transfer: "
	    "record it with 'consent add --scope transfer' first",
	    "нет записанного и не отозванного согласия на передачу: "
	    "сначала запишите его командой 'consent add --scope transfer'" },
	{ "no transfer offer * in this dossier",
	    "в этом деле нет предложения о передаче *" },
	{ "transfer offer * is no longer pending (*)",
	    "предложение о передаче * уже не ожидает ответа (*)" },
	{ "only *, which made the offer, may cancel it",
	    "отменить предложение может только сделавший его регион *" },
	{ "only *, to which the case is offered, may accept or decline it",
	    "принять или отклонить предложение может только регион *, "
	    "которому оно сделано" },
	{ "no conflict * in this dossier", "в этом деле нет конфликта *" },
	{ "conflict * is already closed (*)", "конфликт * уже закрыт (*)" },
	{ "conflict * is about *, not *", "конфликт * касается поля *, а не *" },
	{ "a dossier cannot be linked to itself",
	    "дело нельзя связать с самим собой" },
	{ "this dossier is already linked to *",
	    "это дело уже связано с делом *" },
	{ "no link * in this dossier", "в этом деле нет связи *" },
	{ "link * is already undone", "связь * уже отменена" },
	{ "the federal node keeps statistics only and may not write into "
	    "dossiers", "федеральный узел хранит только статистику и не "
	    "может писать в дела" },
	{ "no such dossier", "нет такого дела" },
	{ "the dossier was erased (change *); nothing more is written to it",
	    "дело удалено (изменение *); в него больше ничего не "
	    "записывается" },
	{ "*: \"*\" is not one of the allowed values",
	    "*: «*» — недопустимое значение" },
	{ "*: \"*\" is not a real date (YYYY-MM-DD)",
	    "*: «*» — не существующая дата (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)" },
	{ "*: * is in the future", "*: * — дата в будущем" },
	{ "*: not a valid SNILS (11 digits with a correct check number)",
	    "*: неверный СНИЛС (11 цифр с верным контрольным числом)" },
	{ "*: not a phone number", "*: это не номер телефона" },
	{ "*: not an e-mail address", "*: это не адрес эл. почты" },
	{ "*: not an entry id (<change id>/<number>)",
	    "*: это не номер записи (<изменение>/<номер>)" },
	{ "*: \"*\" is not a region code", "*: «*» — не код региона" },
	{ "*: not a dossier id (a lowercase UUID)",
	    "*: это не номер дела (UUID строчными буквами)" },
	{ "*: \"*\" is not a field of the person card",
	    "*: «*» — нет такого поля карточки" },
	{ "*: * cannot be cleared", "*: поле * нельзя очистить" },
	{ "*: empty, too long, not UTF-8, or holds control characters",
	    "*: пусто, слишком длинно, не UTF-8 или содержит управляющие "
	    "символы" },
	{ "*: empty", "*: пусто" },
	{ "event.amend changes nothing", "исправление ничего не меняет" },
	{ "no assessment * in this dossier", "в этом деле нет оценки *" },
	{ "the episode cannot open (*) after it closed (*)",
	    "период не может открыться (*) позже, чем закрыт (*)" },
	{ "episode.amend changes nothing", "исправление ничего не меняет" },
	{ "assessment.amend changes nothing",
	    "исправление ничего не меняет" },
	{ "consent.amend changes nothing", "исправление ничего не меняет" },
	{ "assessment.add assesses nothing",
	    "в оценке не указано ни одной сферы" },
	{ "the date * is after today (* on this node's clock): record what "
	    "has happened, on the day it happened", "дата * позже сегодняшней "
	    "(* по часам узла): записывайте то, что произошло, датой, когда "
	    "это произошло" },
	{ "out of memory", "не хватает памяти" },
	/* Settings (node/node.c, 'config set'). */
	{ "unknown setting \"*\"", "неизвестная настройка «*»" },
	{ "*: \"*\" is not valid (a whole number from * to *)",
	    "*: «*» — недопустимо (нужно целое число от * до *)" },
	{ "*: \"*\" is not valid", "*: «*» — недопустимое значение" },
	{ "* and * are on the same port of the same address: give each "
	    "listener a port of its own", "* и * на одном порту одного "
	    "адреса: дайте каждому слушателю свой порт" },
	{ "*: a value of more than one line is not valid",
	    "*: значение из нескольких строк недопустимо" },
	{ "region: the region cannot change once changes are signed (it is "
	    "*)", "region: регион нельзя сменить, когда изменения уже "
	    "подписаны (сейчас *)" },
	{ "listen_metrics: \"*\" is not a loopback address: the figures name "
	    "peers and count their changes, and the endpoint has no TLS and "
	    "no login, so only this machine may reach it (127.0.0.1:PORT or "
	    "[::1]:PORT; a Prometheus elsewhere scrapes through a tunnel or a "
	    "local agent)", "listen_metrics: «*» — не адрес обратной петли: "
	    "показатели называют соседей и считают их изменения, а у точки "
	    "нет ни TLS, ни входа, поэтому обращаться к ней может только эта "
	    "машина (127.0.0.1:ПОРТ или [::1]:ПОРТ; Prometheus на другой "
	    "машине собирает через туннель или локального агента)" },
	{ "*:*: * (fix that line first)", "*:*: * (сначала исправьте эту "
	    "строку)" },
	/* Refused on receipt (node/verifier.c, node/receive.c): what
	 * 'opora rejected list' and the admin's page show. */
	{ "the signature does not verify", "подпись не сходится" },
	{ "its bytes hash to *, not to its id: the change was altered",
	    "хеш его байтов *, а не его номер: изменение искажено" },
	{ "malformed: *", "изменение составлено неверно: *" },
	{ "signed by key * (*), which this node does not know",
	    "подписано ключом * (*), которого этот узел не знает" },
	{ "claims region * but key * belongs to *",
	    "называет регион *, но ключ * принадлежит региону *" },
	{ "signed by key * of *, a region this node no longer trusts "
	    "(removed as a peer)", "подписано ключом * региона *, которому "
	    "этот узел больше не доверяет (удалён из соседей)" },
	{ "signed by key * of *, revoked since *; the change's clock is not "
	    "before that", "подписано ключом * региона *, отозванным с *; "
	    "время изменения не раньше этого" },
	{ "signed by key * of *, replaced by a newer key; its overlap ended "
	    "at * and the change's clock is not before that", "подписано "
	    "ключом * региона *, заменённым новым ключом; срок его действия "
	    "истёк *, а время изменения не раньше этого" },
	{ "a second first change for dossier *",
	    "второе первое изменение дела *" },
	{ "its parent * belongs to another dossier",
	    "его предшественник * относится к другому делу" },
	{ "its clock is not after its parent *",
	    "его время не позже времени предшественника *" },
	{ "dossier * was erased; its changes are refused for good",
	    "дело * удалено; его изменения отклоняются навсегда" },
	{ "a version 1 first change: its dossier id is not bound to its "
	    "creator, so it is not taken from peers", "первое изменение "
	    "версии 1: номер дела не привязан к создателю, поэтому от "
	    "соседей оно не принимается" },
};

/* Whether s matches pattern p ("*": one or more characters); the
 * stretches the stars matched go to cap[] (at most ncap). */
static bool
reason_match(const char *p, const char *s, const char **cap, size_t *caplen,
    size_t ncap)
{
	const char	*t;

	for (; *p != '\0'; p++, s++) {
		if (*p == '*') {
			if (ncap == 0)
				return (false);
			/* The shortest stretch that lets the rest match. */
			for (t = s + 1; t <= s + strlen(s); t++)
				if (reason_match(p + 1, t, cap + 1, caplen + 1,
				    ncap - 1)) {
					cap[0] = s;
					caplen[0] = (size_t)(t - s);
					return (true);
				}
			return (false);
		}
		if (*s != *p)
			return (false);
	}
	return (*s == '\0');
}

const char *
cli_reason(const char *why, char *out, size_t outsz)
{
	return (cli_reason_in(why, cli.ru, out, outsz));
}

static const char *reason_tr(const char *why, bool ru, bool made,
    char *out, size_t outsz);

const char *
cli_reason_made(const char *why, char *out, size_t outsz)
{
	return (reason_tr(why, cli.ru, true, out, outsz));
}

const char *
cli_reason_in(const char *why, bool ru, char *out, size_t outsz)
{
	return (reason_tr(why, ru, false, out, outsz));
}

static const char *
reason_tr(const char *why, bool ru, bool made, char *out, size_t outsz)
{
	const char	*cap[4], *w = cli_why(why), *p;
	size_t		 caplen[4], i, k, len = 0;
	char		 tmp[LIMIT_REASON + 512];

	snprintf(tmp, sizeof(tmp), "%s", w);
	for (i = 0; ru && i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		memset(cap, 0, sizeof(cap));
		if (!reason_match(reasons[i].en, w, cap, caplen, 4))
			continue;
		for (p = reasons[i].ru, k = 0; *p != '\0' && len + 1 <
		    sizeof(tmp); p++) {
			if (*p != '*' || k >= 4 || cap[k] == NULL) {
				tmp[len++] = *p;
				continue;
			}
			if (len + caplen[k] >= sizeof(tmp))
				break;
			memcpy(tmp + len, cap[k], caplen[k]);
			len += caplen[k++];
		}
		tmp[len] = '\0';
		break;
	}
	/* The values quoted may be what a person or a peer wrote. */
	return (made ? esc_controls(tmp, out, outsz) : esc_str(tmp, out,
	    outsz));
}
