/*
 * node/curlload.c: libcurl, loaded when a command first pulls.
 *
 * libcurl brings 19 shared libraries of its own with it (Kerberos,
 * LDAP, SSH, RTMP, IDN, compression: what Debian's build of it can
 * speak), and mapping them cost every opora command some 4-7 ms of CPU
 * (a third of 'opora --help'), though only 'serve' and 'sync' pull
 * (docs/performance.md, "Starting a command").
 * So the program is not linked with libcurl: this file defines the
 * libcurl functions node/sync.c calls, and the first call (always
 * curl_global_init, before any thread: curlload.h) opens libcurl.so.4
 * with dlopen and finds each function in it.  The package depends on
 * libcurl4 (debian/control), as it would if linked.
 *
 * A function called before curl_global_init succeeded is a programming
 * error: it aborts.
 */
#define CURL_DISABLE_TYPECHECK	/* the variadic functions are defined here */

#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "node/curlload.h"
#include "protocol/log.h"

#define CURLLOAD_SONAME	"libcurl.so.4"

static struct {
	CURLcode	 (*global_init)(long);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	void		 (*easy_cleanup)(CURL *);
	void		 (*easy_reset)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *,
			    const char *);
	void		 (*slist_free_all)(struct curl_slist *);
	int		 loaded;
} fn;

/* Find name in handle h into *p; 0, or -1 (logged). */
static int
sym(void *h, const char *name, void *p)
{
	void	*f;

	dlerror();
	if ((f = dlsym(h, name)) == NULL) {
		log_warnx("%s has no %s: %s", CURLLOAD_SONAME, name,
		    dlerror());
		return (-1);
	}
	/* POSIX: a function pointer may be stored through a void *. */
	*(void **)p = f;
	return (0);
}

int
curlload(void)
{
	void	*h;

	if (fn.loaded)
		return (0);
	if ((h = dlopen(CURLLOAD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_warnx("cannot load %s (Debian's package libcurl4): %s",
		    CURLLOAD_SONAME, dlerror());
		return (-1);
	}
	if (sym(h, "curl_global_init", &fn.global_init) == -1 ||
	    sym(h, "curl_easy_init", &fn.easy_init) == -1 ||
	    sym(h, "curl_easy_setopt", &fn.easy_setopt) == -1 ||
	    sym(h, "curl_easy_perform", &fn.easy_perform) == -1 ||
	    sym(h, "curl_easy_cleanup", &fn.easy_cleanup) == -1 ||
	    sym(h, "curl_easy_reset", &fn.easy_reset) == -1 ||
	    sym(h, "curl_easy_getinfo", &fn.easy_getinfo) == -1 ||
	    sym(h, "curl_easy_strerror", &fn.easy_strerror) == -1 ||
	    sym(h, "curl_slist_append", &fn.slist_append) == -1 ||
	    sym(h, "curl_slist_free_all", &fn.slist_free_all) == -1) {
		dlclose(h);
		return (-1);
	}
	/* Kept open for the life of the process. */
	fn.loaded = 1;
	return (0);
}

static void
need(void)
{
	if (!fn.loaded) {
		log_warnx("libcurl called before curl_global_init");
		abort();
	}
}

CURLcode
curl_global_init(long flags)
{
	if (curlload() == -1)
		return (CURLE_FAILED_INIT);
	return (fn.global_init(flags));
}

CURL *
curl_easy_init(void)
{
	need();
	return (fn.easy_init());
}

/*
 * The third argument's type follows from the option's number, as in
 * libcurl's own curl_easy_setopt: a long, an object pointer, a function
 * pointer, a curl_off_t, or a blob pointer.
 */
CURLcode
curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	va_list		 ap;
	CURLcode	 r;

	need();
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		r = fn.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		r = fn.easy_setopt(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		r = fn.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
	else if (opt < CURLOPTTYPE_BLOB)
		r = fn.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else
		r = fn.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return (r);
}

CURLcode
curl_easy_perform(CURL *h)
{
	need();
	return (fn.easy_perform(h));
}

void
curl_easy_cleanup(CURL *h)
{
	need();
	fn.easy_cleanup(h);
}

void
curl_easy_reset(CURL *h)
{
	need();
	fn.easy_reset(h);
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode
curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list		 ap;
	CURLcode	 r;

	need();
	va_start(ap, info);
	r = fn.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return (r);
}

const char *
curl_easy_strerror(CURLcode c)
{
	need();
	return (fn.easy_strerror(c));
}

struct curl_slist *
curl_slist_append(struct curl_slist *l, const char *s)
{
	need();
	return (fn.slist_append(l, s));
}

void
curl_slist_free_all(struct curl_slist *l)
{
	need();
	fn.slist_free_all(l);
}
