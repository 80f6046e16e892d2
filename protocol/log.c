/*
 * protocol/log.c: logging to standard error or syslog.  See log.h.
 */
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <unistd.h>

#include <openssl/err.h>

#include "protocol/esc.h"
#include "protocol/log.h"

static const char	*log_prog = "opora";
static int		 log_verbose;
static bool		 log_syslog;
static bool		 log_quieted;
static bool		 log_fields;	/* the journal's form (log.h) */

/* Whether JOURNAL_STREAM ("DEVICE:INODE", set by systemd for a unit whose
 * output goes to the journal) names this process's standard error: it may
 * be inherited by a child whose stderr was redirected since. */
static bool
stderr_is_journal(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	struct stat		 sb;
	unsigned long long	 dev = 0, ino = 0;
	const char		*p;
	bool			 colon = false;

	if (js == NULL || *js == '\0' || fstat(STDERR_FILENO, &sb) == -1)
		return (false);
	for (p = js; *p != '\0'; p++) {
		if (*p == ':' && !colon) {
			colon = true;
			continue;
		}
		if (*p < '0' || *p > '9' || (colon ? ino : dev) >
		    (~0ULL - 9) / 10)
			return (false);
		if (colon)
			ino = ino * 10 + (unsigned)(*p - '0');
		else
			dev = dev * 10 + (unsigned)(*p - '0');
	}
	return (colon && dev == (unsigned long long)sb.st_dev &&
	    ino == (unsigned long long)sb.st_ino);
}

void
log_init(const char *progname, int verbose, bool to_syslog)
{
	log_prog = progname;
	log_verbose = verbose;
	log_syslog = to_syslog;
	log_fields = stderr_is_journal();
	if (to_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_daemon(void)
{
	if (!isatty(STDERR_FILENO) || stderr_is_journal())
		log_fields = true;
}

bool
log_journal_form(void)
{
	return (log_fields);
}

void
log_quiet(bool q)
{
	log_quieted = q;
}

/* The sd-daemon priority and the level's name, for LOG_* pri. */
static const char *
level_name(int pri)
{
	switch (pri) {
	case LOG_CRIT:
	case LOG_ERR:
		return ("error");
	case LOG_WARNING:
		return ("warning");
	case LOG_INFO:
		return ("info");
	default:
		return ("debug");
	}
}

/* The length of the piece of esc_str's output at p: an escape (a doubled
 * backslash, or \xNN) or one UTF-8 character (esc_str leaves only whole
 * ones). */
static size_t
piece_len(const char *p)
{
	unsigned char	 c = (unsigned char)*p;
	size_t		 k, i;

	k = c == '\\' ? (p[1] == 'x' ? 4 : 2) : c < 0x80 ? 1 : c >= 0xf0 ?
	    4 : c >= 0xe0 ? 3 : 2;
	for (i = 1; i < k && p[i] != '\0'; i++)
		;
	return (i);
}

/*
 * Append s to line (at *used of LOG_LINE) as the inside of a double-quoted
 * value: a backslash and a double quote are escaped with a backslash,
 * every control character, DEL, C1 control and byte of invalid UTF-8 is
 * written \xNN (protocol/esc.h), so a line can neither be split nor drive
 * a terminal.
 */
#define LOG_LINE	4096
static void
quoted(char *line, size_t *used, const char *s)
{
	char		 e[LOG_LINE];
	const char	*p;
	size_t		 k, w;

	esc_str(s, e, sizeof(e));	/* controls; "\\" for a backslash */
	for (p = e; *p != '\0'; p += k) {
		k = piece_len(p);
		w = k + (*p == '"');
		/*
		 * Whole pieces only: a cut escape would leave a backslash
		 * before the closing quote (and the field unended), a cut
		 * character a byte that is not UTF-8.  Room is kept for
		 * "...", the closing quote and the newline.
		 */
		if (*used + w + 5 >= LOG_LINE) {
			if (*used + 5 < LOG_LINE) {
				memcpy(line + *used, "...", 3);
				*used += 3;
			}
			break;
		}
		if (*p == '"')
			line[(*used)++] = '\\';
		memcpy(line + *used, p, k);
		*used += k;
	}
	line[*used] = '\0';
}

/* A field's key: a lowercase ASCII word (a-z, 0-9, _), as the code gives
 * it; anything else is not written. */
static bool
key_ok(const char *k)
{
	if (k == NULL || *k == '\0')
		return (false);
	for (; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '_'))
			return (false);
	return (true);
}

/* Append ' key="value"' to line, if it fits whole with its quotes. */
static void
field(char *line, size_t *used, const char *key, const char *value)
{
	size_t	 klen = strlen(key);

	if (*used + klen + 5 >= LOG_LINE)
		return;
	line[(*used)++] = ' ';
	memcpy(line + *used, key, klen);
	*used += klen;
	line[(*used)++] = '=';
	line[(*used)++] = '"';
	quoted(line, used, value != NULL ? value : "");
	if (*used + 1 < LOG_LINE)
		line[(*used)++] = '"';
	line[*used] = '\0';
}

static void
log_emit(int pri, const char *err, const char *const *kv, const char *fmt,
    va_list ap)
{
	char	 msg[2048], line[LOG_LINE];
	size_t	 used;
	int	 n;

	vsnprintf(msg, sizeof(msg), fmt, ap);	/* truncation is acceptable */
	if (log_syslog) {
		if (err != NULL)
			syslog(pri, "%s: %s", msg, err);
		else
			syslog(pri, "%s", msg);
		return;
	}
	if (!log_fields) {
		/* What a caller left unescaped still cannot split the line or
		 * drive the terminal (a backslash stays one: what it escaped
		 * is not escaped twice). */
		esc_controls(msg, line, sizeof(line));
		if (err != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_prog, line, err);
		else
			fprintf(stderr, "%s: %s\n", log_prog, line);
		return;
	}
	/* The journal's form: "<P>level=L msg="..." [err="..."] [k="v"...]",
	 * one line, written with one call so that threads' lines do not
	 * mix.  A line longer than LOG_LINE loses its last fields whole. */
	n = snprintf(line, sizeof(line), "<%d>level=%s",
	    pri == LOG_CRIT ? LOG_ERR : pri, level_name(pri));
	used = n > 0 ? (size_t)n : 0;
	field(line, &used, "msg", msg);
	if (err != NULL)
		field(line, &used, "err", err);
	for (; kv != NULL && kv[0] != NULL; kv += 2)
		if (key_ok(kv[0]) && strcmp(kv[0], "msg") != 0 &&
		    strcmp(kv[0], "err") != 0 && strcmp(kv[0], "level") != 0)
			field(line, &used, kv[0], kv[1]);
	/* Room is kept: quoted() stops 3 bytes short, field() 1. */
	if (used >= sizeof(line))
		used = sizeof(line) - 1;
	line[used++] = '\n';
	fwrite(line, 1, used, stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, strerror(saved), NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_errorx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_ERR, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	if (log_quieted)
		return;
	va_start(ap, fmt);
	log_emit(LOG_INFO, NULL, NULL, fmt, ap);
	va_end(ap);
}

void
log_info_kv(const char *const *kv, const char *fmt, ...)
{
	va_list	 ap;

	if (log_quieted)
		return;
	va_start(ap, fmt);
	log_emit(LOG_INFO, NULL, kv, fmt, ap);
	va_end(ap);
}

void
log_warnx_kv(const char *const *kv, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, NULL, kv, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, NULL, NULL, fmt, ap);
	va_end(ap);
}

static int	 oom_noted;

void
log_oom_note(void)
{
	__atomic_store_n(&oom_noted, 1, __ATOMIC_RELAXED);
}

bool
log_oom_noted(void)
{
	return (__atomic_load_n(&oom_noted, __ATOMIC_RELAXED) != 0);
}

void
log_ssl(const char *fmt, ...)
{
	char		 msg[1024], ebuf[256], all[1024];
	unsigned long	 e;
	size_t		 used = 0;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	all[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			log_oom_note();
		ERR_error_string_n(e, ebuf, sizeof(ebuf));
		if (used < sizeof(all)) {
			int n = snprintf(all + used, sizeof(all) - used,
			    "%s%s", used ? "; " : "", ebuf);
			if (n > 0)
				used += (size_t)n;
		}
	}
	if (log_oom_noted())
		log_warnx("%s: out of memory", msg);
	else
		log_warnx("%s: %s", msg, all[0] ? all :
		    "unknown OpenSSL error");
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, strerror(saved), NULL, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, NULL, NULL, fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}

void
log_thread_name(const char *name)
{
#ifdef __linux__
	/* The kernel keeps 15 bytes and a NUL, and cuts a longer name. */
	(void)prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
	(void)name;
#endif
}
