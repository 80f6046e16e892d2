/*
 * node/webfiles.h: the web pages' files (node/web/), compiled into the
 * program at build time (the Makefile writes build/gen/web_files.c from
 * every .html, .css, .js and .svg file of node/web/), so that 'make run',
 * 'make install' and the Debian package need no path of their own.  A
 * browser can only ask for what this fixed table names: there is no
 * directory listing and no path to traverse.
 */
#ifndef OPORA_WEBFILES_H
#define OPORA_WEBFILES_H

#include <stddef.h>

struct webfile {
	const char		*path;	/* "/app.js": "/" and the file's name */
	const char		*type;	/* its Content-Type */
	const unsigned char	*data;	/* static, never freed */
	size_t			 len;
};

/* The generated table, in the order of the Makefile's sorted list. */
extern const struct webfile webfiles_table[];
extern const size_t webfiles_count;

/*
 * webfiles_find(path): the file a browser asks for as path (borrowed; the
 * URL's path without its query), "/" being "/index.html"; NULL for any
 * other name.  The answer is static.
 */
const struct webfile *webfiles_find(const char *path);

#endif /* OPORA_WEBFILES_H */
