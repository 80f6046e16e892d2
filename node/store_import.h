/*
 * node/store_import.h: the import_lines table -- what each imported line
 * made (node/cmd_import.c, docs/import.md), by the line's key.
 *
 * Every function returns -1 on a database error, logged once; what is
 * passed in is borrowed for the call.
 */
#ifndef OPORA_STORE_IMPORT_H
#define OPORA_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/change.h"

struct store;

/*
 * store_import_get(st, key, keylen, cid, uuid): 1 with the change and the
 * dossier a line with this key (keylen bytes) made, 0 if none did, -1
 * (also for a damaged record).
 */
int	 store_import_get(struct store *st, const uint8_t *key, size_t keylen,
	    char cid[CHANGE_ID_HEX + 1], char uuid[37]);

/*
 * store_import_put(st, key, keylen, cid, uuid, at): the line with this key
 * made change cid of dossier uuid, at (seconds); the caller holds the
 * transaction that made it.  0 / -1.
 */
int	 store_import_put(struct store *st, const uint8_t *key, size_t keylen,
	    const char *cid, const char *uuid, int64_t at);

/*
 * store_import_nomem(st): whether the last failure of SQLite on st (a
 * commit, say) was for want of memory: the import then decides nothing
 * about its lines and says "out of memory".
 */
bool	 store_import_nomem(struct store *st);

#endif /* OPORA_STORE_IMPORT_H */
