/*
 * protocol/pemfile.c: a node's private files.  See pemfile.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "protocol/log.h"
#include "protocol/pemfile.h"

int
pemfile_write(const char *path, int mode, EVP_PKEY *key, X509 *crt)
{
	FILE	*f = NULL;
	int	 fd, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode)) == -1) {
		log_warn("create %s", path);
		return (-1);
	}
	/* The umask may have taken bits away; never more than asked. */
	if (fchmod(fd, (mode_t)mode) == -1) {
		log_warn("chmod %s", path);
		close(fd);
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		log_warn("create %s", path);
		close(fd);
		goto out;
	}
	if ((key != NULL && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
	    NULL) != 1) || (crt != NULL && PEM_write_X509(f, crt) != 1)) {
		log_ssl("write %s", path);
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		log_warn("write %s", path);
		goto out;
	}
	rc = 0;
out:
	if (f != NULL && fclose(f) != 0 && rc == 0) {
		log_warn("close %s", path);
		rc = -1;
	}
	if (rc == -1)
		unlink(path);
	return (rc);
}

/* The name of user uid into out ("uid N" when it has none). */
static const char *
user_name(uid_t uid, char *out, size_t outsz)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 &&
	    res != NULL && strlen(pw.pw_name) < outsz)
		memcpy(out, pw.pw_name, strlen(pw.pw_name) + 1);
	else
		snprintf(out, outsz, "uid %lu", (unsigned long)uid);
	return (out);
}

/* Whether sb (of path) is what we may trust; logs why not.  0 / -1. */
static int
judge(const struct stat *sb, const char *path, int dir, mode_t forbid,
    const char *what)
{
	char	 owner[64], me[64];

	if (S_ISLNK(sb->st_mode)) {
		log_warnx("%s %s is a symbolic link: opora opens only the real "
		    "%s (%s)", what, path, dir ? "directory" : "file", dir ?
		    "point --dir or OPORA_DIR at it" :
		    "move the file itself there, mode 0600");
		return (-1);
	}
	if (dir ? !S_ISDIR(sb->st_mode) : !S_ISREG(sb->st_mode)) {
		log_warnx("%s %s is not a %s", what, path, dir ? "directory" :
		    "regular file");
		return (-1);
	}
	if (sb->st_uid != geteuid()) {
		log_warnx("%s %s belongs to %s, not to %s who runs opora: "
		    "its owner could replace it; if it is yours, fix with: "
		    "chown %s %s", what, path,
		    user_name(sb->st_uid, owner, sizeof(owner)),
		    user_name(geteuid(), me, sizeof(me)), me, path);
		return (-1);
	}
	if ((sb->st_mode & forbid) != 0) {
		log_warnx("%s %s has mode %04o: %s; fix with: chmod %s %s",
		    what, path, (unsigned)(sb->st_mode & 07777),
		    forbid == PEMFILE_NO_WRITE ? "group or other may write it" :
		    "group or other may read or write it",
		    forbid == PEMFILE_NO_WRITE ? "go-w" : dir ? "700" : "600",
		    path);
		return (-1);
	}
	return (0);
}

int
pemfile_open_trusted(const char *path, int dir, mode_t forbid,
    const char *what)
{
	struct stat	 sb;
	int		 fd;

	/* O_NONBLOCK: a FIFO put in a key's place must not hang us. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY | (dir ? O_DIRECTORY : 0))) == -1) {
		if (errno == ENOENT)
			return (-2);
		/* O_DIRECTORY on a link to a directory says ENOTDIR. */
		if ((errno == ELOOP || errno == ENOTDIR) &&
		    lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
			(void)judge(&sb, path, dir, forbid, what);
		else
			log_warn("%s %s", what, path);
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		log_warn("%s %s", what, path);
		close(fd);
		return (-1);
	}
	if (judge(&sb, path, dir, forbid, what) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
}

int
pemfile_stat_trusted(int dirfd, const char *name, const char *path,
    mode_t forbid, const char *what)
{
	struct stat	 sb;

	if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return (-2);
		log_warn("%s %s", what, path);
		return (-1);
	}
	return (judge(&sb, path, 0, forbid, what));
}

FILE *
pemfile_open_private(const char *path, const char *what)
{
	FILE	*f;
	int	 fd;

	if ((fd = pemfile_open_trusted(path, 0, PEMFILE_PRIVATE, what)) < 0) {
		if (fd == -2)
			log_warnx("%s %s: no such file", what, path);
		return (NULL);
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		log_warn("%s %s", what, path);
		close(fd);
	}
	return (f);
}

/* Whether directory p (resolved) may be changed only by root or us. */
static int
parent_trusted(const char *p)
{
	struct stat	 sb;
	char		 owner[64];

	if (stat(p, &sb) == -1) {
		log_warn("directory %s", p);
		return (-1);
	}
	if (sb.st_uid != 0 && sb.st_uid != geteuid()) {
		log_warnx("directory %s, above the node, belongs to %s: its "
		    "owner could put another node in its place; move the node "
		    "under a directory of root's or yours, or fix with: chown "
		    "root %s", p, user_name(sb.st_uid, owner, sizeof(owner)),
		    p);
		return (-1);
	}
	if ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0) {
		log_warnx("directory %s, above the node, has mode %04o: group "
		    "or other could put another node in its place; fix with: "
		    "chmod go-w %s (or chmod +t %s)", p,
		    (unsigned)(sb.st_mode & 07777), p, p);
		return (-1);
	}
	return (0);
}

int
pemfile_check_parents(const char *path)
{
	char	 parent[PATH_MAX], real[PATH_MAX], *slash;
	size_t	 n = strlen(path);

	/* The directory path names, without trailing slashes. */
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof(parent)) {
		log_warnx("path too long: %.60s...", path);
		return (-1);
	}
	memcpy(parent, path, n);
	parent[n] = '\0';
	if ((slash = strrchr(parent, '/')) == NULL)
		memcpy(parent, ".", 2);
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (realpath(parent, real) == NULL) {
		log_warn("directory %s", parent);
		return (-1);
	}
	/* real is absolute and has no "." or ".." nor a trailing slash. */
	for (;;) {
		if (parent_trusted(real) == -1)
			return (-1);
		if ((slash = strrchr(real, '/')) == NULL || strcmp(real, "/") ==
		    0)
			break;
		if (slash == real)
			real[1] = '\0';
		else
			*slash = '\0';
	}
	return (0);
}
