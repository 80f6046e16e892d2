/*
 * node/memlimit.h: whether this process runs under a limit of address
 * space or of data (ulimit -v, -d; LimitAS=, LimitDATA= in a unit).
 *
 * Such a limit counts memory reserved, not used, so the program reserves
 * less under it: one malloc arena for every thread (node/main.c), the
 * import's check pass on one core (node/cmd_import.c), the small page
 * cache while a backlog comes in (node/store.c).  A cgroup's memory
 * limit (MemoryMax=) counts pages used and is not one of these.
 */
#ifndef OPORA_MEMLIMIT_H
#define OPORA_MEMLIMIT_H

#include <stdbool.h>

/* memlimit_set(): true if either limit is set (not infinite). */
bool	 memlimit_set(void);

#endif /* OPORA_MEMLIMIT_H */
