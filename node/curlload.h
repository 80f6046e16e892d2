/*
 * node/curlload.h: libcurl, loaded with dlopen when a command first
 * pulls (node/curlload.c says why).  The program calls libcurl through
 * <curl/curl.h> as usual; the commands that pull ('serve', 'sync') call
 * curl_global_init first, before any thread, and that call loads it.
 */
#ifndef OPORA_CURLLOAD_H
#define OPORA_CURLLOAD_H

/* curlload(): open libcurl.so.4 and find the functions opora calls.  0,
 * or -1 (logged: not installed, or too old).  Not thread-safe: called
 * by curl_global_init, before any thread. */
int	 curlload(void);

#endif /* OPORA_CURLLOAD_H */
