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
/* log_errorx: what made a command fail (cli_err), at priority error. */
void	log_errorx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_ssl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/*
 * The journal's form.  On a terminal a message is one line "opora: text".
 * When standard error is the systemd journal (JOURNAL_STREAM names it:
 * any command), or 'opora serve' calls log_daemon() and standard error is
 * not a terminal (the journal, a file, a pipe to a collector), each event
 * is one line of key=value fields with an sd-daemon priority prefix:
 *	<6>level=info msg="serving RU-SMO on 127.0.0.1:8443 (...)"
 *	<4>level=warning msg="cannot listen on ..." err="Address in use"
 * <3> error (a fatal one: the program exits), <4> warning, <6> info, <7>
 * debug; values quoted, with a backslash before a backslash or a double
 * quote, and every control character written \xNN, so that no line can
 * be split, forged or drive a terminal (docs/admin.md, "Where messages
 * go").  log_journal_form() says which form is in use.
 */
void	log_daemon(void);
/*
 * log_info_kv(kv, fmt, ...), log_warnx_kv(kv, fmt, ...): as log_info and
 * log_warnx, for the events a collector counts and filters (an answer
 * to a peer, a pull's outcome, a refused change): kv is { key, value,
 * key, value, ..., NULL }, borrowed for the call.  In the journal's form
 * each pair follows msg (and err) as key="value", escaped as msg is:
 *	<6>level=info msg="..." peer="RU-KLU" status="200" ms="7"
 * A key is a lowercase ASCII word (a-z, 0-9, _), never msg, err or
 * level; any other is left out, and so are the last fields of a line
 * that would be longer than 4 KiB.  On a terminal and in syslog the
 * message alone: its text says the same.
 */
void	log_info_kv(const char *const *kv, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warnx_kv(const char *const *kv, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
bool	log_journal_form(void);
/* log_thread_name(name): name the calling thread (its first 15 bytes), as
 * top -H, ps -L, perf and gdb show it: "opora-sign", "opora-verify"... */
void	log_thread_name(const char *name);
/* log_quiet(q): suppress info messages (warnings still print). */
void	log_quiet(bool q);

/* log_oom_note(): memory ran out somewhere in this process (SQLite,
 * OpenSSL, malloc); log_oom_noted(): whether it did, so that a command
 * that failed says "out of memory" rather than blaming its input or its
 * configuration.  log_ssl notes it when OpenSSL's queue says so. */
void	log_oom_note(void);
bool	log_oom_noted(void);

#endif /* OPORA_LOG_H */
