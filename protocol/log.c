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

	esc_str(s, e, sizeof(e));	/* controls; "\\" for a backslash */
	for (p = e; *p != '\0' && *used + 3 < LOG_LINE; p++) {
		if (*p == '"')
			line[(*used)++] = '\\';
		line[(*used)++] = *p;
	}
	line[*used] = '\0';
}

static void
log_emit(int pri, const char *err, const char *fmt, va_list ap)
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
		if (err != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_prog, msg, err);
		else
			fprintf(stderr, "%s: %s\n", log_prog, msg);
		return;
	}
	/* The journal's form: "<P>level=L msg="..." [err="..."]", one line,
	 * written with one call so that threads' lines do not mix. */
	n = snprintf(line, sizeof(line), "<%d>level=%s msg=\"",
	    pri == LOG_CRIT ? LOG_ERR : pri, level_name(pri));
	used = n > 0 ? (size_t)n : 0;
	quoted(line, &used, msg);
	if (err != NULL && used + 8 < sizeof(line)) {
		memcpy(line + used, "\" err=\"", 7);
		used += 7;
		quoted(line, &used, err);
	}
	if (used + 2 < sizeof(line)) {
		line[used++] = '"';
		line[used++] = '\n';
	} else {
		line[sizeof(line) - 3] = '"';
		line[sizeof(line) - 2] = '\n';
		used = sizeof(line) - 1;
	}
	fwrite(line, 1, used, stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
log_errorx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	if (log_quieted)
		return;
	va_start(ap, fmt);
	log_emit(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, NULL, fmt, ap);
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
	log_emit(LOG_CRIT, strerror(saved), fmt, ap);
	va_end(ap);
	exit(EX_SOFTWARE);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_emit(LOG_CRIT, NULL, fmt, ap);
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
