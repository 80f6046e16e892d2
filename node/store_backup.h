/*
 * node/store_backup.h: a copy of a node's database, taken with SQLite's
 * online backup API while other connections go on writing, for 'opora
 * backup' and 'opora restore' (node/cmd_backup.c, docs/admin.md "Backup
 * and restore").  Which files go with it, their modes, the fsyncs and
 * the clean-up on failure are cmd_backup.c's; the SQLite calls are here.
 */
#ifndef OPORA_STORE_BACKUP_H
#define OPORA_STORE_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

struct store;

/* How long a copy waits for a lock another connection holds. */
#define STORE_BACKUP_BUSY_MS	10000
/* Problems of a check told before the copy gives up telling. */
#define STORE_BACKUP_PROBLEMS	10

/* What went wrong, for the person: say(msg, arg) once per problem; msg
 * (borrowed for the call; NULL: out of memory) is SQLite's message or a
 * line of the check, which may hold text from the database: the caller
 * escapes it. */
typedef void (*store_backup_say_fn)(const char *msg, void *arg);

/*
 * store_backup_to(st, path, full, changes, say, arg): copy st's database
 * (main) into path, an empty file the caller made (mode 0600), in one
 * step of the online backup API, that is one read transaction of st
 * (writers go on, in WAL mode), waiting STORE_BACKUP_BUSY_MS at most for
 * a lock; make the copy one file (journal_mode DELETE) and check it with
 * PRAGMA quick_check (full: integrity_check).  0 with the number of
 * changes in the copy in *changes, or -1 after say.  The caller fsyncs
 * path.
 */
int	 store_backup_to(struct store *st, const char *path, bool full,
	    int64_t *changes, store_backup_say_fn say, void *arg);
/* store_backup_file(src, path, full, changes, say, arg): the same from
 * the database file src, opened read-only (never migrated); 1 after say
 * when src cannot be opened. */
int	 store_backup_file(const char *src, const char *path, bool full,
	    int64_t *changes, store_backup_say_fn say, void *arg);

#endif /* OPORA_STORE_BACKUP_H */
