/*
 * node/store_import.h: what each imported line made (node/cmd_import.c,
 * docs/import.md), by the line's key: the table import_made, and
 * import_lines, where releases before schema 11 recorded their imports
 * (read, never written).
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

/* The part of a dossier's person.create line's key that leads the key of
 * each of the dossier's lines in import_made, so that they lie together. */
#define STORE_IMPORT_DKEY	8

/*
 * store_import_legacy(st): 1 if import_lines holds lines an earlier
 * release imported (store_import_get must then look there too), 0 if not.
 */
int	 store_import_legacy(struct store *st);

/*
 * store_import_get(st, dkey, key, keylen, legacy, cid, uuid): 1 with the
 * change and the dossier a line with this key (keylen bytes) of the
 * dossier whose person.create line's key begins with dkey made, 0 if none
 * did, -1 (also for a damaged record).  With legacy, a line not found in
 * import_made is looked for in import_lines.
 */
int	 store_import_get(struct store *st,
	    const uint8_t dkey[STORE_IMPORT_DKEY], const uint8_t *key,
	    size_t keylen, bool legacy, char cid[CHANGE_ID_HEX + 1],
	    char uuid[37]);

/*
 * store_import_put(st, dkey, key, keylen, cid, uuid, at): the line with
 * this key made change cid of dossier uuid, at (seconds); the caller
 * holds the transaction that made it.  0 / -1.
 */
int	 store_import_put(struct store *st,
	    const uint8_t dkey[STORE_IMPORT_DKEY], const uint8_t *key,
	    size_t keylen, const char *cid, const char *uuid, int64_t at);

/*
 * store_import_nomem(st): whether the last failure of SQLite on st (a
 * commit, say) was for want of memory: the import then decides nothing
 * about its lines and says "out of memory".
 */
bool	 store_import_nomem(struct store *st);

#endif /* OPORA_STORE_IMPORT_H */
