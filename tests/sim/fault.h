/*
 * tests/sim/fault.h: faults injected under SQLite, for the simulator.
 *
 * fault_init installs, before SQLite is first used, a VFS that wraps the
 * default one ("unix") and becomes the default, and a memory allocator
 * that wraps SQLite's.  Both pass everything through until a fault is
 * armed; then, counting from when it was armed:
 *   - a write fault: the k-th write (xWrite) to a file whose path starts
 *     with a prefix (a node's directory) fails once with SQLITE_IOERR_WRITE;
 *   - a read fault: the same for the k-th read, SQLITE_IOERR_READ;
 *   - a memory fault: SQLite's k-th allocation, on any connection, fails
 *     once (SQLITE_NOMEM);
 *   - a crash: from the k-th write to the prefix's files on, every write,
 *     truncate, sync and delete of them fails with SQLITE_IOERR.  What is
 *     on disk is then exactly what a process killed (kill -9) at that
 *     write leaves: everything before it, nothing after.  The caller
 *     closes the node's connection (nothing of it reaches the disk any
 *     more), calls fault_revive and opens the node again, as a restart.
 * Only one fault is armed at a time; arming replaces the previous one.
 * Everything is counted, never timed, so a seed replays exactly.
 * Not thread-safe beyond SQLite's own use: arm and disarm from one thread.
 */
#ifndef OPORA_TESTS_FAULT_H
#define OPORA_TESTS_FAULT_H

#include <stdbool.h>

enum fault_kind { FAULT_NONE, FAULT_WRITE, FAULT_READ, FAULT_NOMEM,
	FAULT_CRASH };

/* fault_init(): install the shims; call before SQLite is used.  0, or -1
 * with a message on standard error. */
int	 fault_init(void);

/*
 * fault_arm(kind, prefix, k): arm one fault of kind, the k-th (>= 1)
 * operation from now on the files under prefix (borrowed; must stay valid
 * while armed; ignored for FAULT_NOMEM).
 */
void	 fault_arm(enum fault_kind kind, const char *prefix, int k);

/* fault_fired(): whether the armed fault struck (for a crash: whether the
 * process is "dead"). */
bool	 fault_fired(void);

/* fault_where(): the path of the file a write, read or crash fault struck
 * ("" for none or a memory fault); valid until the next fault_arm. */
const char *fault_where(void);

/* fault_disarm(): no fault any more; the crashed files live again. */
void	 fault_disarm(void);

#endif /* OPORA_TESTS_FAULT_H */
