/*
 * protocol/log.h: one logging interface for every part of opora.
 *
 * Messages go to standard error, prefixed with the program name, or to
 * syslog once log_init() says so (opora serve).  log_warn appends
 * strerror(errno); log_warnx does not.  log_debug prints only when the
 * verbosity is raised.  fatal/fatalx log and exit(EX_SOFTWARE): for start-up
 * failures and broken invariants only.  log_ssl drains OpenSSL's error queue
 * into one line.
 */
#ifndef OPORA_LOG_H
#define OPORA_LOG_H

#include <stdbool.h>

void	log_init(const char *progname, int verbose, bool to_syslog);
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_ssl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* log_quiet(q): suppress info messages (warnings still print). */
void	log_quiet(bool q);

#endif /* OPORA_LOG_H */
