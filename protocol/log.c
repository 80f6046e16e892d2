/*
 * protocol/log.c: logging to standard error or syslog.  See log.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>

#include <openssl/err.h>

#include "protocol/log.h"

static const char	*log_prog = "opora";
static int		 log_verbose;
static bool		 log_syslog;
static bool		 log_quieted;

void
log_init(const char *progname, int verbose, bool to_syslog)
{
	log_prog = progname;
	log_verbose = verbose;
	log_syslog = to_syslog;
	if (to_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_quiet(bool q)
{
	log_quieted = q;
}

static void
log_emit(int pri, const char *err, const char *fmt, va_list ap)
{
	char	 msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);	/* truncation is acceptable */
	if (log_syslog) {
		if (err != NULL)
			syslog(pri, "%s: %s", msg, err);
		else
			syslog(pri, "%s", msg);
		return;
	}
	if (err != NULL)
		fprintf(stderr, "%s: %s: %s\n", log_prog, msg, err);
	else
		fprintf(stderr, "%s: %s\n", log_prog, msg);
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
		ERR_error_string_n(e, ebuf, sizeof(ebuf));
		if (used < sizeof(all)) {
			int n = snprintf(all + used, sizeof(all) - used,
			    "%s%s", used ? "; " : "", ebuf);
			if (n > 0)
				used += (size_t)n;
		}
	}
	log_warnx("%s: %s", msg, all[0] ? all : "unknown OpenSSL error");
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
