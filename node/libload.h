/*
 * node/libload.h: libcurl and libmicrohttpd, loaded with dlopen by the
 * commands that need them (node/libload.c says why).  The program calls
 * them through <curl/curl.h> and <microhttpd.h> as usual.
 */
#ifndef OPORA_LIBLOAD_H
#define OPORA_LIBLOAD_H

/* libload_curl(): open libcurl.so.4, find the functions opora calls and
 * set up libcurl's global state (curl_global_init).  0, or -1 (logged:
 * not installed, or too old).  Before any thread: 'serve' and 'sync'. */
int	 libload_curl(void);

/* libload_mhd(): open libmicrohttpd.so.12 and find the functions the
 * browsers' listener calls.  0, or -1 (logged).  Before any thread:
 * 'serve'. */
int	 libload_mhd(void);

#endif /* OPORA_LIBLOAD_H */
