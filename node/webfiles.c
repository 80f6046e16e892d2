/*
 * node/webfiles.c: the lookup in the web pages' compiled-in files
 * (webfiles.h).
 */
#include <string.h>

#include "node/webfiles.h"

const struct webfile *
webfiles_find(const char *path)
{
	size_t	 i;

	if (path == NULL)
		return (NULL);
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (i = 0; i < webfiles_count; i++)
		if (strcmp(webfiles_table[i].path, path) == 0)
			return (&webfiles_table[i]);
	return (NULL);
}
