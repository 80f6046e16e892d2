/*
 * node/cmd_backup.c: backup (a copy of a node that restores, taken while
 * it runs) and restore (a node directory made from such a copy, checked,
 * in a new feed epoch).  docs/admin.md, "Backup and restore".
 *
 * A backup is a directory (mode 0700) of files (mode 0600): opora.db, a
 * consistent copy of the database made with SQLite's online backup API
 * (one read transaction: 'opora serve' and other commands go on writing),
 * in rollback-journal mode so that it is one file; and the node's
 * configuration, signing key and TLS identity, with the next TLS identity
 * and a new signing key when a rotation is under way.  Everything is
 * fsynced before 'backup' says it is done.
 *
 * 'restore' checks a backup as a node is checked (pemfile.h: nobody else
 * could have put a file in it), copies it into a staging directory beside
 * the new one, checks the database (PRAGMA integrity_check, then 'opora
 * verify' on the new node), begins a new feed epoch (node/epoch.h: the
 * restored log lacks what the node wrote after the backup, so the feed
 * numbers it hands out from now on would repeat numbers its peers have
 * passed), and renames the staging directory to the new one last.  What
 * fails leaves nothing behind; what is killed leaves no node.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/cli.h"
#include "node/epoch.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_backup.h"
#include "protocol/esc.h"
#include "protocol/log.h"
#include "protocol/pemfile.h"

/* Configuration and key files are small; a bigger one is not ours. */
#define BACKUP_FILE_MAX		(1024 * 1024)

/* The files besides the database: required ones first. */
static const char *const required[] = {
	"opora.conf", "signing.key", "tls.key", "tls.crt", NULL
};
static const char *const optional[] = {
	"tls.next.key", "tls.next.crt", "signing.key.new", NULL
};
/* Everything either command may make in a directory, for the clean-up. */
static const char *const made_files[] = {
	"opora.db", "opora.db-wal", "opora.db-shm", "opora.db-journal",
	"opora.conf", "signing.key", "tls.key", "tls.crt", "tls.next.key",
	"tls.next.crt", "signing.key.new", EPOCH_FILE, NULL
};

static int
join(char *out, size_t outsz, const char *dir, const char *name)
{
	int	 k = snprintf(out, outsz, "%s/%s", dir, name);

	if (k < 0 || (size_t)k >= outsz) {
		cli_err("%s", cli_tr("path too long", "слишком длинный путь"));
		return (-1);
	}
	return (0);
}

/* The modes a file of a node or a backup must not have (docs/admin.md,
 * "Permissions: what opora trusts"): the certificates may be read by
 * anyone, nothing else. */
static mode_t
forbid_of(const char *name)
{
	size_t	 n = strlen(name);

	return (n >= 4 && strcmp(name + n - 4, ".crt") == 0 ?
	    PEMFILE_NO_WRITE : PEMFILE_PRIVATE);
}

/* Whether the directory open at fd holds nothing.  -1 on error. */
static int
dir_empty(int fd)
{
	struct dirent	*de;
	DIR		*d;
	int		 dfd, empty = 1;

	if ((dfd = dup(fd)) == -1)
		return (-1);
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return (empty);
}

/*
 * Make directory dir (0700), or take it if it exists, is a real directory
 * (not a symbolic link) of the user running opora and is empty (then set
 * 0700 on it, never on what a link points to); either way no other user
 * may change a directory above it (pemfile_check_parents), so that nobody
 * can put another directory in its place while the copy is made.  *made
 * tells whether it was created.  0, or an exit code after telling why.
 */
static int
fresh_dir(const char *dir, bool *made)
{
	char		 e[ESC_LONG];
	int		 fd, empty;

	*made = false;
	esc_str(dir, e, sizeof(e));
	if (mkdir(dir, 0700) == 0)
		*made = true;
	else if (errno != EEXIST) {
		cli_err("%s %s: %s", cli_tr("cannot create", "не удалось "
		    "создать"), e, strerror(errno));
		return (EX_CANTCREAT);
	}
	/* Not the owner's: refused (judged, told); a link: refused. */
	if ((fd = pemfile_open_trusted(dir, 1, 0, "directory")) < 0) {
		if (*made)
			(void)rmdir(dir);
		*made = false;
		if (fd == -2)
			cli_err("%s: %s", e, strerror(ENOENT));
		return (EX_CANTCREAT);
	}
	if (!*made && (empty = dir_empty(fd)) != 1) {
		if (empty == -1)
			cli_err("%s: %s", e, strerror(errno));
		else
			cli_err("%s %s", e, cli_tr("is not empty: nothing was "
			    "written (choose a new or empty directory)",
			    "не пуст: ничего не записано (выберите новый или "
			    "пустой каталог)"));
		close(fd);
		return (EX_CANTCREAT);
	}
	if (fchmod(fd, 0700) == -1) {
		cli_err("chmod %s: %s", e, strerror(errno));
		close(fd);
		if (*made)
			(void)rmdir(dir);
		*made = false;
		return (EX_CANTCREAT);
	}
	close(fd);
	if (pemfile_check_parents(dir) == -1) {
		if (*made)
			(void)rmdir(dir);
		*made = false;
		return (EX_CANTCREAT);
	}
	return (0);
}

/* Remove what backup or restore made in dir, and dir if it made it. */
static void
clean_dir(const char *dir, bool made)
{
	char	 p[4096];
	int	 i;

	for (i = 0; made_files[i] != NULL; i++)
		if (join(p, sizeof(p), dir, made_files[i]) == 0)
			(void)unlink(p);
	if (made)
		(void)rmdir(dir);
}

/* fsync a file or directory by path.  0 / -1 (told). */
static int
sync_path(const char *path, bool dir)
{
	char	 e[ESC_LONG];
	int	 fd, rc = 0;

	if ((fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) |
	    O_CLOEXEC)) == -1 || fsync(fd) == -1) {
		cli_err("sync %s: %s", esc_str(path, e, sizeof(e)),
		    strerror(errno));
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	return (rc);
}

/*
 * Copy file name from directory from into directory to, mode 0600,
 * fsynced.  0; 1 when it is absent and missing_ok; else -1 (told).
 */
static int
copy_file(const char *from, const char *to, const char *name,
    bool missing_ok)
{
	char		 src[4096], dst[4096], e[ESC_LONG], *buf = NULL;
	struct stat	 sb;
	ssize_t		 k;
	size_t		 off;
	int		 in = -1, out = -1, rc = -1;

	if (join(src, sizeof(src), from, name) == -1 ||
	    join(dst, sizeof(dst), to, name) == -1)
		return (-1);
	/* Never a link, a FIFO (it would hang the copy), another user's
	 * file or one others may write (judged and told). */
	if ((in = pemfile_open_trusted(src, 0, forbid_of(name), "file")) <
	    0) {
		if (in == -2 && missing_ok)
			return (1);
		if (in == -2)
			cli_err("%s: %s", esc_str(src, e, sizeof(e)),
			    strerror(ENOENT));
		return (-1);
	}
	if (fstat(in, &sb) == -1) {
		cli_err("%s: %s", esc_str(src, e, sizeof(e)), strerror(errno));
		goto out;
	}
	if (sb.st_size > BACKUP_FILE_MAX) {
		cli_err("%s: %s", esc_str(src, e, sizeof(e)), cli_tr("larger "
		    "than 1 MiB: not a file of a node", "больше 1 МиБ: не "
		    "файл узла"));
		goto out;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		cli_err("%s", cli_tr("out of memory", "недостаточно памяти"));
		goto out;
	}
	for (off = 0; off < (size_t)sb.st_size; off += (size_t)k)
		if ((k = read(in, buf + off, (size_t)sb.st_size - off)) <= 0) {
			cli_err("read %s: %s", esc_str(src, e, sizeof(e)),
			    k == 0 ? cli_tr("file shrank",
			    "файл уменьшился") : strerror(errno));
			goto out;
		}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 || fchmod(out, 0600) == -1) {
		cli_err("create %s: %s", esc_str(dst, e, sizeof(e)),
		    strerror(errno));
		goto out;
	}
	for (off = 0; off < (size_t)sb.st_size; off += (size_t)k)
		if ((k = write(out, buf + off, (size_t)sb.st_size - off)) <=
		    0) {
			cli_err("write %s: %s", esc_str(dst, e, sizeof(e)),
			    strerror(errno));
			goto out;
		}
	if (fsync(out) == -1) {
		cli_err("sync %s: %s", esc_str(dst, e, sizeof(e)),
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (buf != NULL)
		OPENSSL_cleanse(buf, (size_t)sb.st_size);
	free(buf);
	if (in != -1)
		close(in);
	if (out != -1 && close(out) == -1 && rc == 0) {
		cli_err("close %s: %s", esc_str(dst, e, sizeof(e)),
		    strerror(errno));
		rc = -1;
	}
	return (rc);
}

/* store_backup_say_fn: tell the person what the copy of the database
 * at path arg found (escaped). */
static void
say_db(const char *msg, void *arg)
{
	char	 e[ESC_LONG];

	cli_err("%s: %s", (const char *)arg, msg != NULL ? esc_str(msg, e,
	    sizeof(e)) : cli_tr("out of memory", "не хватает памяти"));
}

/*
 * Copy the database of st, or when st is NULL the database file src,
 * into the new file path (mode 0600) with the online backup API
 * (store_backup.h), checked (full: integrity_check, else quick_check),
 * and fsync it.  *changes is the number of changes in the copy.  0, 1
 * when src cannot be opened, -1 (told).
 */
static int
copy_db(struct store *st, const char *src, const char *path, bool full,
    int64_t *changes)
{
	char	 e[ESC_LONG], es[ESC_LONG];
	int	 fd, rc;

	esc_str(path, e, sizeof(e));
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		cli_err("create %s: %s", e, strerror(errno));
		return (-1);
	}
	close(fd);
	if (st != NULL)
		rc = store_backup_to(st, path, full, changes, say_db, e);
	else {
		esc_str(src, es, sizeof(es));
		rc = store_backup_file(src, path, full, changes, say_db, es);
	}
	if (rc == 0)
		rc = sync_path(path, false);
	return (rc);
}

/* Copy the required files, and the optional ones that are present.
 * 0 / -1 (told). */
static int
copy_files(const char *from, const char *to)
{
	int	 i;

	for (i = 0; required[i] != NULL; i++)
		if (copy_file(from, to, required[i], false) != 0)
			return (-1);
	for (i = 0; optional[i] != NULL; i++)
		if (copy_file(from, to, optional[i], true) == -1)
			return (-1);
	return (0);
}

/* --help, or the wrong number of arguments: an exit code; else -1. */
static int
args(int argc, char **argv, int want, const char *usage)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("%s\n", usage);
		return (EX_OK);
	}
	if (argc != want + 1 || argv[1][0] == '-') {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	return (-1);
}

/* audit_all(n, action, path): an audit entry of action naming every
 * dossier of n, path (escaped) its detail.  0, or -1 (told). */
static int
audit_all(struct node *n, const char *action, const char *path)
{
	char	 e[ESC_LONG];

	return (cli_audit_all(n, action, esc_str(path, e, sizeof(e))));
}

int
cmd_backup(int argc, char **argv)
{
	const char	*usage = cli_tr(
	    "usage: opora backup DEST\n"
	    "  copies the node, also while 'opora serve' runs, into the new "
	    "(or empty)\n  directory DEST: the database (SQLite's online "
	    "backup), opora.conf, the\n  signing key and the TLS key and "
	    "certificate; mode 0700, files 0600.\n  It holds every name and "
	    "the signing key: keep it as safe as the node.\n  'opora restore "
	    "DEST DIR' makes a node from it.",
	    "использование: opora backup КАТАЛОГ\n"
	    "  копирует узел, в том числе во время работы 'opora serve', в "
	    "новый\n  (или пустой) КАТАЛОГ: базу данных (онлайн-копия SQLite), "
	    "opora.conf,\n  ключ подписи, ключ и сертификат TLS; права 0700, "
	    "файлы 0600.\n  В копии все имена и ключ подписи: храните её так "
	    "же надёжно, как узел.\n  'opora restore КАТАЛОГ НОВЫЙ' делает из "
	    "неё узел.");
	struct node	*n;
	char		 p[4096], e[ESC_LONG], epoch[EPOCH_HEX + 1];
	const char	*dest;
	int64_t		 changes = 0;
	mode_t		 old;
	bool		 made = false;
	int		 rc;

	if ((rc = args(argc, argv, 1, usage)) != -1)
		return (rc);
	dest = argv[1];
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	old = umask(077);
	if ((rc = fresh_dir(dest, &made)) != 0)
		goto out;
	/* Every dossier leaves in the copy: audited first, and in it. */
	if (audit_all(n, "backup", dest) == -1) {
		rc = EX_SOFTWARE;
		clean_dir(dest, made);
		goto out;
	}
	rc = EX_IOERR;
	if (join(p, sizeof(p), dest, "opora.db") == -1 ||
	    copy_db(n->st, NULL, p, false, &changes) != 0 || copy_files(n->dir, dest) == -1 || sync_path(dest, true) ==
	    -1) {
		cli_err("%s", cli_tr("backup FAILED: nothing was kept",
		    "копия НЕ СДЕЛАНА: ничего не сохранено"));
		clean_dir(dest, made);
		goto out;
	}
	if (epoch_get(n->st, epoch) == -1)
		epoch[0] = '\0';
	printf("%s %s %s %s: %lld %s%s\n", cli_tr("backed up",
	    "сохранён узел"), n->cfg.region, cli_tr("to", "в"),
	    esc_str(dest, e, sizeof(e)), (long long)changes,
	    cli_n((uint64_t)changes, "change", "changes", "изменение",
	    "изменения", "изменений"), cli_tr(", opora.conf, signing.key, "
	    "tls.key, tls.crt (keep it as safe as the node: it holds every "
	    "name and the signing key)", ", opora.conf, signing.key, "
	    "tls.key, tls.crt (храните так же надёжно, как узел: в копии "
	    "все имена и ключ подписи)"));
	rc = EX_OK;
out:
	umask(old);
	node_close(n);
	return (rc);
}

/*
 * One file of a backup, name in the directory from (open at fd), checked
 * as a node's file is (pemfile.h: a regular file, not a link nor a FIFO,
 * the user's, with a node's modes; another user could have put anything
 * in it) and, besides the database, at most BACKUP_FILE_MAX bytes.
 * Absent: refused when needed.  0, or an exit code after telling why.
 */
static int
backup_file_trusted(int fd, const char *from, const char *es,
    const char *name, bool needed)
{
	char		 p[4096];
	struct stat	 sb;
	int		 r;

	if (join(p, sizeof(p), from, name) == -1)
		return (EX_USAGE);
	if ((r = pemfile_stat_trusted(fd, name, p, forbid_of(name),
	    "backup file")) == -1)
		return (EX_CONFIG);
	if (r == -2) {
		if (!needed)
			return (0);
		cli_err("%s %s: %s %s", es, cli_tr("is not a backup made by "
		    "'opora backup'", "не копия, сделанная 'opora backup'"),
		    cli_tr("missing", "нет файла"), name);
		return (EX_NOINPUT);
	}
	if (strcmp(name, "opora.db") != 0 && fstatat(fd, name, &sb,
	    AT_SYMLINK_NOFOLLOW) == 0 && sb.st_size > BACKUP_FILE_MAX) {
		cli_err("%s/%s: %s", es, name, cli_tr("larger than 1 MiB: "
		    "not a file of a node (the backup is damaged)", "больше "
		    "1 МиБ: не файл узла (копия повреждена)"));
		return (EX_DATAERR);
	}
	return (0);
}

/* The backup from: its directory as a node's (a real directory of the
 * user, which nobody else may write, nor change a directory above it)
 * and every file (backup_file_trusted).  0, or an exit code (told). */
static int
backup_trusted(const char *from, const char *es)
{
	int	 fd, i, rc = EX_CONFIG;

	if ((fd = pemfile_open_trusted(from, 1, PEMFILE_NO_WRITE,
	    "backup directory")) == -2) {
		cli_err("%s: %s", es, cli_tr("no such backup directory",
		    "нет такого каталога копии"));
		return (EX_NOINPUT);
	}
	if (fd == -1 || pemfile_check_parents(from) == -1)
		goto out;
	if ((rc = backup_file_trusted(fd, from, es, "opora.db", true)) != 0)
		goto out;
	for (i = 0; required[i] != NULL; i++)
		if ((rc = backup_file_trusted(fd, from, es, required[i],
		    true)) != 0)
			goto out;
	for (i = 0; optional[i] != NULL; i++)
		if ((rc = backup_file_trusted(fd, from, es, optional[i],
		    false)) != 0)
			goto out;
out:
	if (fd >= 0)
		close(fd);
	return (rc);
}

/*
 * Where a restore may end: dir must not exist, or be an empty real
 * directory of the user (the finished node then takes its place).  0, or
 * an exit code after telling why.
 */
static int
target_free(const char *dir, const char *e)
{
	struct stat	 sb;
	int		 fd, empty;

	if (lstat(dir, &sb) == -1) {
		if (errno == ENOENT)
			return (0);
		cli_err("%s: %s", e, strerror(errno));
		return (EX_CANTCREAT);
	}
	if ((fd = pemfile_open_trusted(dir, 1, 0, "directory")) < 0)
		return (EX_CANTCREAT);
	empty = dir_empty(fd);
	close(fd);
	if (empty != 1) {
		cli_err("%s %s", e, cli_tr("is not empty: nothing was written "
		    "(choose a new or empty directory)", "не пуст: ничего не "
		    "записано (выберите новый или пустой каталог)"));
		return (EX_CANTCREAT);
	}
	return (0);
}

/* The directory dir is in ("." for a name without a slash), in out. */
static int
parent_of(const char *dir, char *out, size_t outsz)
{
	char	*slash;

	if (snprintf(out, outsz, "%s", dir) >= (int)outsz)
		return (-1);
	if ((slash = strrchr(out, '/')) == NULL)
		snprintf(out, outsz, ".");
	else if (slash == out)
		out[1] = '\0';
	else
		*slash = '\0';
	return (0);
}

int
cmd_restore(int argc, char **argv)
{
	const char	*usage = cli_tr(
	    "usage: opora restore SRC DIR\n"
	    "  makes a node in the new (or empty) directory DIR from the "
	    "backup SRC\n  ('opora backup'), checks its database "
	    "(integrity_check and 'opora verify')\n  and begins a new feed epoch, so that its peers "
	    "pull its whole feed again.\n  Stop the node the backup came from "
	    "first: one region runs one node.",
	    "использование: opora restore КОПИЯ КАТАЛОГ\n"
	    "  делает узел в новом (или пустом) КАТАЛОГЕ из КОПИИ ('opora "
	    "backup'),\n  проверяет базу (integrity_check и 'opora verify') "
	    "и начинает новую эпоху\n  ленты, чтобы партнёры забрали всю ленту "
	    "заново.\n  Сначала остановите узел, с которого сделана копия: "
	    "у региона один узел.");
	static char	 verify_name[] = "verify";
	char		*vargv[] = { verify_name, NULL };
	struct node	*n = NULL;
	struct store	*st = NULL;
	char		 p[4096], q[4096], e[ESC_LONG], es[ESC_LONG];
	char		 dir[4096], work[4096 + 16], parent[4096];
	char		 epoch[EPOCH_HEX + 1];
	const char	*from, *saved;
	size_t		 len;
	int64_t		 changes = 0;
	mode_t		 old;
	bool		 made = false;
	int		 k, rc;

	if ((rc = args(argc, argv, 2, usage)) != -1)
		return (rc);
	from = argv[1];
	/* DIR without its trailing slashes: the staging directory is
	 * made beside it, DIR.restore-XXXXXX. */
	len = strlen(argv[2]);
	while (len > 1 && argv[2][len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof(dir) - 16) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	memcpy(dir, argv[2], len);
	dir[len] = '\0';
	esc_str(from, es, sizeof(es));
	esc_str(dir, e, sizeof(e));
	if ((rc = backup_trusted(from, es)) != 0 ||
	    (rc = target_free(dir, e)) != 0)
		return (rc);
	/*
	 * The node is made, checked and verified in a directory of its own
	 * beside DIR, and takes DIR's name (rename(2)) only once it
	 * verified: killed at any moment before, DIR is not there (or still
	 * empty) rather than a node that looks whole and was never checked.
	 */
	old = umask(077);
	snprintf(work, sizeof(work), "%s.restore-XXXXXX", dir);
	if (mkdtemp(work) == NULL) {
		cli_err("%s %s: %s", cli_tr("cannot create", "не удалось "
		    "создать"), e, strerror(errno));
		rc = EX_CANTCREAT;
		goto out;
	}
	made = true;
	if (pemfile_check_parents(work) == -1) {
		rc = EX_CANTCREAT;
		goto fail;
	}
	rc = EX_IOERR;
	if (join(p, sizeof(p), from, "opora.db") == -1 ||
	    join(q, sizeof(q), work, "opora.db") == -1)
		goto fail;
	if ((k = copy_db(NULL, p, q, true, &changes)) == 1) {
		rc = EX_NOINPUT;
		goto fail;
	}
	if (k == -1) {
		cli_err("%s", cli_tr("the backup's database is damaged or "
		    "cannot be read: restore from another (older) backup",
		    "база в копии повреждена или не читается: восстановите "
		    "из другой (более ранней) копии"));
		rc = EX_DATAERR;
		goto fail;
	}
	if (copy_files(from, work) == -1)
		goto fail;
	/* A backup of a later release: this opora cannot open it, as it
	 * could not open that release's node (78, as for any command). */
	if (store_newer(q)) {
		cli_err("%s", cli_tr("the backup was made by a newer opora "
		    "(its database's schema is newer than this program's): "
		    "upgrade opora, then restore it",
		    "копия сделана более новой версией opora (схема её базы "
		    "новее, чем знает эта программа): обновите opora и "
		    "восстановите копию"));
		rc = EX_CONFIG;
		goto fail;
	}
	/* Migrated to this opora's schema, then a new feed epoch: the log
	 * went back to the backup's, and peers passed its later numbers. */
	if ((st = store_open(q, false)) == NULL ||
	    epoch_restart(work, st, "restored from a backup") == -1 ||
	    epoch_get(st, epoch) == -1) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	store_close(st);
	st = NULL;
	if (sync_path(work, true) == -1)
		goto fail;
	/* The whole check of 'opora verify', on the new node. */
	saved = cli.dir;
	cli.dir = work;
	rc = cmd_verify(1, vargv);
	/* Every dossier came back: audited in the restored node's log,
	 * as the account acting there. */
	if (rc == EX_OK) {
		if ((n = cli_open()) == NULL ||
		    audit_all(n, "restore", from) == -1)
			rc = EX_SOFTWARE;
		node_close(n);
		n = NULL;
	}
	cli.dir = saved;
	if (rc != EX_OK) {
		cli_err("%s", cli_tr("the restored node does not verify: "
		    "nothing was kept; restore from another (older) backup",
		    "восстановленный узел не прошёл проверку: ничего не "
		    "сохранено; восстановите из другой (более ранней) копии"));
		/* The staging directory is this command's own: a node that
		 * does not open there (78: its opora.conf and database name
		 * two regions, its signing key is another node's) came so
		 * from the backup, as a damaged one (65). */
		rc = rc == EX_DATAERR || rc == EX_CONFIG ? EX_DATAERR :
		    EX_SOFTWARE;
		goto fail;
	}
	/* Verified: it becomes DIR (an empty DIR is replaced), for good
	 * once the directory above is synced. */
	if (rename(work, dir) == -1) {
		cli_err("%s %s: %s", cli_tr("cannot create", "не удалось "
		    "создать"), e, strerror(errno));
		rc = EX_CANTCREAT;
		goto fail;
	}
	made = false;
	if (parent_of(dir, parent, sizeof(parent)) == -1 ||
	    sync_path(parent, true) == -1) {
		rc = EX_IOERR;
		goto out;
	}
	log_warnx("%s: NEW FEED EPOCH %s: restored from a backup; peers will "
	    "pull this node's whole feed again (what they hold is not "
	    "verified again)", dir, epoch);
	printf("%s %s: %lld %s, %s %s; %s\n", cli_tr("restored into",
	    "восстановлен узел в"), e, (long long)changes,
	    cli_n((uint64_t)changes, "change", "changes", "изменение",
	    "изменения", "изменений"), cli_tr("new feed epoch",
	    "новая эпоха ленты"), epoch,
	    cli_tr("check url and listen in its opora.conf, then start "
	    "'opora serve': its peers pull its whole feed again, and it "
	    "pulls what they wrote since the backup",
	    "проверьте url и listen в его opora.conf и запустите 'opora "
	    "serve': партнёры заберут всю его ленту заново, а он заберёт "
	    "написанное ими после копии"));
	rc = EX_OK;
	goto out;
fail:
	store_close(st);
	st = NULL;
	clean_dir(work, made);
out:
	umask(old);
	return (rc);
}
