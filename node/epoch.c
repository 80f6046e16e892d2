/*
 * node/epoch.c: feed epochs and the witness file.  See epoch.h.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "node/epoch.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/digest.h"
#include "protocol/log.h"

/* "EPOCH HEAD CHECK\n": 32 hex, 16 digits, 8 hex. */
#define HEAD_DIGITS	16
#define CHECK_HEX	8
#define LINE_CHECKED	(EPOCH_HEX + 1 + HEAD_DIGITS)
#define LINE_LEN	(LINE_CHECKED + 1 + CHECK_HEX + 1)


struct witness {
	char	 epoch[EPOCH_HEX + 1];
	int64_t	 head;
};

bool
epoch_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len != EPOCH_HEX)
		return (false);
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (false);
	return (true);
}

int
epoch_get(struct store *st, char out[EPOCH_HEX + 1])
{
	int	 r;

	if ((r = store_meta_get(st, "epoch", out, EPOCH_HEX + 1)) == 0 &&
	    epoch_valid(out, strlen(out)))
		return (0);
	if (r != -1)
		log_warnx("the database holds no valid feed epoch (meta "
		    "\"epoch\"): restore it from a backup with 'opora "
		    "restore'");
	return (-1);
}

/* The check of a witness line: the first CHECK_HEX hex digits of the
 * SHA-256 of its first LINE_CHECKED bytes.  digest_sha256, not EVP: it
 * cannot fail, and it spares every command that opens a node the start of
 * OpenSSL's providers (about a millisecond) when nothing else needs them. */
static void
line_check(const char *line, char out[CHECK_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 md[DIGEST_SHA256_LEN];
	int			 i;

	digest_sha256(line, LINE_CHECKED, md);
	for (i = 0; i < CHECK_HEX / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[CHECK_HEX] = '\0';
}

/* Parse a witness line of len bytes.  0, or -1 when it is damaged.  The
 * head has exactly HEAD_DIGITS digits, zero-padded (so not num_parse's
 * form); 16 digits cannot overflow an int64_t. */
static int
line_parse(const char *line, size_t len, struct witness *w)
{
	char		 check[CHECK_HEX + 1];
	const char	*d = line + EPOCH_HEX + 1;
	int		 i;

	if (len != LINE_LEN || line[EPOCH_HEX] != ' ' ||
	    line[LINE_CHECKED] != ' ' || line[LINE_LEN - 1] != '\n' ||
	    !epoch_valid(line, EPOCH_HEX))
		return (-1);
	line_check(line, check);
	if (memcmp(check, line + LINE_CHECKED + 1, CHECK_HEX) != 0)
		return (-1);
	w->head = 0;
	for (i = 0; i < HEAD_DIGITS; i++) {
		if (d[i] < '0' || d[i] > '9')
			return (-1);
		w->head = w->head * 10 + (d[i] - '0');
	}
	memcpy(w->epoch, line, EPOCH_HEX);
	w->epoch[EPOCH_HEX] = '\0';
	return (0);
}

/* dir/feed.head into out.  0 / -1 (logged). */
static int
witness_path(const char *dir, char *out, size_t outsz)
{
	int	 k = snprintf(out, outsz, "%s/%s", dir, EPOCH_FILE);

	if (k < 0 || (size_t)k >= outsz) {
		log_warnx("path too long: %s/%s", dir, EPOCH_FILE);
		return (-1);
	}
	return (0);
}

/* Read the witness of an open descriptor (locked by the caller): 0, 1 when
 * it is empty, 2 when it is damaged, -1 (logged) on a read error. */
static int
witness_fd_read(int fd, const char *path, struct witness *w)
{
	char	 line[LINE_LEN + 1];
	ssize_t	 k;

	if ((k = pread(fd, line, sizeof(line), 0)) == -1) {
		log_warn("read %s", path);
		return (-1);
	}
	if (k == 0)
		return (1);
	return (line_parse(line, (size_t)k, w) == 0 ? 0 : 2);
}

/* The witness in dir: 0 read, 1 missing, 2 damaged, -1 (logged). */
static int
witness_read(const char *dir, struct witness *w)
{
	char	 path[4096];
	int	 fd, r;

	if (witness_path(dir, path, sizeof(path)) == -1)
		return (-1);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return (1);
		log_warn("open %s", path);
		return (-1);
	}
	if (flock(fd, LOCK_SH) == -1) {
		log_warn("lock %s", path);
		close(fd);
		return (-1);
	}
	r = witness_fd_read(fd, path, w);
	close(fd);
	return (r);
}

/* fsync directory dir, so that a new file in it survives a crash. */
static int
sync_dir(const char *dir)
{
	int	 fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1) {
		log_warn("sync directory %s", dir);
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	return (rc);
}

/*
 * Write the witness (epoch, head) in dir and fsync it.  Unless force is
 * set, a witness of the same epoch whose head is already at least head is
 * left as it is: within an epoch the head only grows.  0 / -1 (logged).
 */
static int
witness_write(const char *dir, const char *epoch, int64_t head, bool force)
{
	struct witness	 cur;
	struct stat	 sb;
	char		 path[4096], line[LINE_LEN + 1];
	char		 check[CHECK_HEX + 1];
	ssize_t		 k;
	int		 fd, rc = -1;

	if (witness_path(dir, path, sizeof(path)) == -1)
		return (-1);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		log_warn("open %s", path);
		return (-1);
	}
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &sb) == -1) {
		log_warn("lock %s", path);
		goto out;
	}
	if (!force && witness_fd_read(fd, path, &cur) == 0 &&
	    strcmp(cur.epoch, epoch) == 0 && cur.head >= head) {
		rc = 0;
		goto out;
	}
	k = snprintf(line, sizeof(line), "%s %0*lld ", epoch, HEAD_DIGITS,
	    (long long)head);
	if (k != LINE_CHECKED + 1) {
		log_warnx("feed witness: cannot write head %lld", (long long)
		    head);
		goto out;
	}
	line_check(line, check);
	memcpy(line + LINE_CHECKED + 1, check, CHECK_HEX);
	line[LINE_LEN - 1] = '\n';
	/* One write of fewer bytes than a sector, in place: a reader sees
	 * the old line or the new one; a torn one fails its check, and the
	 * node then begins a new epoch, which is safe. */
	if (pwrite(fd, line, LINE_LEN, 0) != LINE_LEN ||
	    (sb.st_size > LINE_LEN && ftruncate(fd, LINE_LEN) == -1) ||
	    fsync(fd) == -1) {
		log_warn("write %s", path);
		goto out;
	}
	if (sb.st_size == 0 && sync_dir(dir) == -1)
		goto out;
	rc = 0;
out:
	close(fd);	/* releases the lock */
	return (rc);
}

int
epoch_cover(const char *dir, const char *epoch, int64_t next, int64_t head)
{
	struct witness	 w;

	if (next <= 0)
		return (0);
	/* The common case, a shared lock and one read: already covered. */
	if (witness_read(dir, &w) == 0 && strcmp(w.epoch, epoch) == 0 &&
	    w.head >= next)
		return (0);
	return (witness_write(dir, epoch, head > next ? head : next, false));
}

/* A new random epoch, as hex.  0 / -1 (logged). */
static int
epoch_random(char out[EPOCH_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[EPOCH_HEX / 2];
	size_t			 i;

	if (RAND_bytes(r, sizeof(r)) != 1) {
		log_ssl("new feed epoch");
		return (-1);
	}
	for (i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[EPOCH_HEX] = '\0';
	return (0);
}

/* epoch_restart's body, in the caller's write transaction; logged when
 * say. */
static int
restart_in(const char *dir, struct store *st, const char *why, bool say)
{
	char		 e[EPOCH_HEX + 1], at[24];
	int64_t		 head;

	if (epoch_random(e) == -1 ||
	    (head = store_feed_head(st)) == -1)
		return (-1);
	snprintf(at, sizeof(at), "%llu", (unsigned long long)node_now_ms());
	if (store_meta_set(st, "epoch", e) == -1 ||
	    store_meta_set(st, "epoch_at", at) == -1 ||
	    store_meta_set(st, "epoch_reason", why) == -1 ||
	    store_meta_set(st, "feed_witness", "1") == -1)
		return (-1);
	/*
	 * The witness first, then the commit: if the commit fails, the
	 * witness names an epoch the database does not hold, and the next
	 * open begins yet another one.  Peers pull again either way.
	 */
	if (witness_write(dir, e, head, true) == -1)
		return (-1);
	if (say)
		log_warnx("%s: NEW FEED EPOCH %s: %s; peers will pull this "
		    "node's whole feed again (what they hold is not verified "
		    "again)", dir, e, why);
	return (0);
}

int
epoch_restart(const char *dir, struct store *st, const char *why)
{
	if (store_begin(st) == -1)
		return (-1);
	if (restart_in(dir, st, why, false) == -1 || store_commit(st) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

enum verdict { FINE, FIRST, LOST };

/*
 * What the witness (r as witness_read returned it, w) says of the database
 * (epoch e, newest feed number head, flag: a witness was written before).
 * With LOST, why says what went back.
 */
static enum verdict
judge(int r, const struct witness *w, const char *e, int64_t head, bool flag,
    char *why, size_t whysz)
{
	switch (r) {
	case 0:
		if (strcmp(w->epoch, e) != 0)
			snprintf(why, whysz, "the database's feed epoch is not "
			    "the one feed.head last served (the database was "
			    "replaced or went back)");
		else if (head < w->head)
			snprintf(why, whysz, "the log ends at feed number %lld "
			    "but %lld had been served (its last writes were "
			    "lost, e.g. with the -wal file)", (long long)head,
			    (long long)w->head);
		else
			return (FINE);
		return (LOST);
	case 1:
		if (!flag)
			return (FIRST);
		snprintf(why, whysz, "feed.head is missing (the database was "
		    "restored or moved without it)");
		return (LOST);
	default:
		snprintf(why, whysz, "feed.head is damaged");
		return (LOST);
	}
}

/* Read what judge needs from the database.  0 / -1. */
static int
db_state(struct store *st, char e[EPOCH_HEX + 1], int64_t *head, bool *flag)
{
	char	 v[8];
	int	 r;

	if (epoch_get(st, e) == -1 || (*head = store_feed_head(st)) ==
	    -1 || (r = store_meta_get(st, "feed_witness", v, sizeof(v))) ==
	    -1)
		return (-1);
	*flag = r == 0;
	return (0);
}

int
epoch_check(const char *dir, struct store *st)
{
	struct witness	 w;
	char		 e[EPOCH_HEX + 1], why[256];
	int64_t		 head;
	bool		 flag;
	int		 r;

	/*
	 * The witness before the database: a witness is only ever written
	 * with a head the database had committed, and a database only grows,
	 * so a head read after it is at least its head unless changes were
	 * lost.
	 */
	if ((r = witness_read(dir, &w)) == -1 ||
	    db_state(st, e, &head, &flag) == -1)
		return (-1);
	if (judge(r, &w, e, head, flag, why, sizeof(why)) == FINE)
		return (0);
	/* Again under the write lock: another process may be at it. */
	if (store_begin(st) == -1)
		return (-1);
	if ((r = witness_read(dir, &w)) == -1 ||
	    db_state(st, e, &head, &flag) == -1)
		goto bad;
	switch (judge(r, &w, e, head, flag, why, sizeof(why))) {
	case FINE:
		break;
	case FIRST:
		if (witness_write(dir, e, head, false) == -1 ||
		    store_meta_set(st, "feed_witness", "1") == -1)
			goto bad;
		break;
	case LOST:
		if (restart_in(dir, st, why, true) == -1)
			goto bad;
		break;
	}
	return (store_commit(st));
bad:
	store_rollback(st);
	return (-1);
}
