/*
 * node/libload.c: libcurl and libmicrohttpd, loaded when a command first
 * needs them.
 *
 * libcurl brings some 20 shared libraries with it (Kerberos, LDAP, SSH,
 * RTMP, IDN, compression, GnuTLS: what Debian's build of it can speak),
 * and mapping those and libmicrohttpd's cost every opora command some
 * 10 ms of CPU (half of 'opora --help'), though only 'serve' and 'sync'
 * use them (docs/performance.md, "Starting a command").
 * libmicrohttpd brings GnuTLS and 8 more, for the browsers' listener of
 * 'serve' alone.  So the program is linked with neither: this file
 * defines the functions of theirs that node/sync.c and node/ui.c call,
 * and libload_curl / libload_mhd (libload.h), called by 'serve' and
 * 'sync' before any thread, open them with dlopen and find each
 * function.  The package depends on libcurl4 and libmicrohttpd12
 * (debian/control), as it would if linked.
 *
 * A function called before its library was loaded is a programming
 * error: it aborts.
 */
#define CURL_DISABLE_TYPECHECK	/* the variadic functions are defined here */

#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "node/libload.h"
#include "protocol/log.h"

#define CURL_SONAME	"libcurl.so.4"
#define MHD_SONAME	"libmicrohttpd.so.12"

/* libcurl's functions, and its global state set up once (libload_curl,
 * before any thread). */
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

static struct {
	struct MHD_Daemon *(*start_daemon_va)(unsigned int, uint16_t,
			    MHD_AcceptPolicyCallback, void *,
			    MHD_AccessHandlerCallback, void *, va_list);
	void		 (*stop_daemon)(struct MHD_Daemon *);
	const union MHD_ConnectionInfo *(*get_connection_info)(
			    struct MHD_Connection *,
			    enum MHD_ConnectionInfoType, ...);
	const char	*(*lookup_connection_value)(struct MHD_Connection *,
			    enum MHD_ValueKind, const char *);
	struct MHD_Response *(*create_response_from_buffer)(size_t, void *,
			    enum MHD_ResponseMemoryMode);
	enum MHD_Result	 (*add_response_header)(struct MHD_Response *,
			    const char *, const char *);
	enum MHD_Result	 (*queue_response)(struct MHD_Connection *,
			    unsigned int, struct MHD_Response *);
	void		 (*destroy_response)(struct MHD_Response *);
	int		 loaded;
} mhd;

/* Find name in handle h of library lib into *p; 0, or -1 (logged). */
static int
sym(void *h, const char *lib, const char *name, void *p)
{
	void	*f;

	dlerror();
	if ((f = dlsym(h, name)) == NULL) {
		log_warnx("%s has no %s: %s", lib, name, dlerror());
		return (-1);
	}
	/* POSIX: a function pointer may be stored through a void *. */
	*(void **)p = f;
	return (0);
}

/* Open library lib (of Debian's package pkg); NULL (logged). */
static void *
open_lib(const char *lib, const char *pkg)
{
	void	*h;

	if ((h = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) == NULL)
		log_warnx("cannot load %s (Debian's package %s): %s", lib, pkg,
		    dlerror());
	return (h);
}

int
libload_curl(void)
{
	void	*h;

	if (fn.loaded)
		return (0);
	if ((h = open_lib(CURL_SONAME, "libcurl4")) == NULL)
		return (-1);
	if (sym(h, CURL_SONAME, "curl_global_init", &fn.global_init) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_init", &fn.easy_init) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_setopt", &fn.easy_setopt) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_perform", &fn.easy_perform) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_cleanup", &fn.easy_cleanup) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_reset", &fn.easy_reset) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_getinfo", &fn.easy_getinfo) == -1 ||
	    sym(h, CURL_SONAME, "curl_easy_strerror", &fn.easy_strerror) ==
	    -1 ||
	    sym(h, CURL_SONAME, "curl_slist_append", &fn.slist_append) == -1 ||
	    sym(h, CURL_SONAME, "curl_slist_free_all", &fn.slist_free_all) ==
	    -1 ||
	    fn.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		dlclose(h);
		return (-1);
	}
	/* Kept open for the life of the process. */
	fn.loaded = 1;
	return (0);
}

int
libload_mhd(void)
{
	void	*h;

	if (mhd.loaded)
		return (0);
	if ((h = open_lib(MHD_SONAME, "libmicrohttpd12")) == NULL)
		return (-1);
	if (sym(h, MHD_SONAME, "MHD_start_daemon_va",
	    &mhd.start_daemon_va) == -1 ||
	    sym(h, MHD_SONAME, "MHD_stop_daemon", &mhd.stop_daemon) == -1 ||
	    sym(h, MHD_SONAME, "MHD_get_connection_info",
	    &mhd.get_connection_info) == -1 ||
	    sym(h, MHD_SONAME, "MHD_lookup_connection_value",
	    &mhd.lookup_connection_value) == -1 ||
	    sym(h, MHD_SONAME, "MHD_create_response_from_buffer",
	    &mhd.create_response_from_buffer) == -1 ||
	    sym(h, MHD_SONAME, "MHD_add_response_header",
	    &mhd.add_response_header) == -1 ||
	    sym(h, MHD_SONAME, "MHD_queue_response", &mhd.queue_response) ==
	    -1 ||
	    sym(h, MHD_SONAME, "MHD_destroy_response",
	    &mhd.destroy_response) == -1) {
		dlclose(h);
		return (-1);
	}
	mhd.loaded = 1;
	return (0);
}

static void
need(int loaded, const char *lib)
{
	if (!loaded) {
		log_warnx("%s called before it was loaded", lib);
		abort();
	}
}

CURL *
curl_easy_init(void)
{
	need(fn.loaded, CURL_SONAME);
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

	need(fn.loaded, CURL_SONAME);
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
	need(fn.loaded, CURL_SONAME);
	return (fn.easy_perform(h));
}

void
curl_easy_cleanup(CURL *h)
{
	need(fn.loaded, CURL_SONAME);
	fn.easy_cleanup(h);
}

void
curl_easy_reset(CURL *h)
{
	need(fn.loaded, CURL_SONAME);
	fn.easy_reset(h);
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode
curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list		 ap;
	CURLcode	 r;

	need(fn.loaded, CURL_SONAME);
	va_start(ap, info);
	r = fn.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return (r);
}

const char *
curl_easy_strerror(CURLcode c)
{
	need(fn.loaded, CURL_SONAME);
	return (fn.easy_strerror(c));
}

struct curl_slist *
curl_slist_append(struct curl_slist *l, const char *s)
{
	need(fn.loaded, CURL_SONAME);
	return (fn.slist_append(l, s));
}

void
curl_slist_free_all(struct curl_slist *l)
{
	need(fn.loaded, CURL_SONAME);
	fn.slist_free_all(l);
}

/* libmicrohttpd: the options' list goes on as libmicrohttpd's own
 * MHD_start_daemon passes it, to MHD_start_daemon_va. */
struct MHD_Daemon *
MHD_start_daemon(unsigned int flags, uint16_t port,
    MHD_AcceptPolicyCallback apc, void *apc_cls,
    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon	*d;
	va_list			 ap;

	need(mhd.loaded, MHD_SONAME);
	va_start(ap, dh_cls);
	d = mhd.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return (d);
}

void
MHD_stop_daemon(struct MHD_Daemon *d)
{
	need(mhd.loaded, MHD_SONAME);
	mhd.stop_daemon(d);
}

/* No information type opora asks for takes a further argument. */
const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *c,
    enum MHD_ConnectionInfoType type, ...)
{
	need(mhd.loaded, MHD_SONAME);
	return (mhd.get_connection_info(c, type));
}

const char *
MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind k,
    const char *key)
{
	need(mhd.loaded, MHD_SONAME);
	return (mhd.lookup_connection_value(c, k, key));
}

struct MHD_Response *
MHD_create_response_from_buffer(size_t size, void *buf,
    enum MHD_ResponseMemoryMode mode)
{
	need(mhd.loaded, MHD_SONAME);
	return (mhd.create_response_from_buffer(size, buf, mode));
}

enum MHD_Result
MHD_add_response_header(struct MHD_Response *r, const char *h,
    const char *v)
{
	need(mhd.loaded, MHD_SONAME);
	return (mhd.add_response_header(r, h, v));
}

enum MHD_Result
MHD_queue_response(struct MHD_Connection *c, unsigned int status,
    struct MHD_Response *r)
{
	need(mhd.loaded, MHD_SONAME);
	return (mhd.queue_response(c, status, r));
}

void
MHD_destroy_response(struct MHD_Response *r)
{
	need(mhd.loaded, MHD_SONAME);
	mhd.destroy_response(r);
}
