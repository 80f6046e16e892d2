/*
 * node/memlimit.c: whether a limit of address space or data is set
 * (node/memlimit.h).
 */
#include <sys/resource.h>

#include "node/memlimit.h"

bool
memlimit_set(void)
{
	struct rlimit	 rl;

	return ((getrlimit(RLIMIT_AS, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) || (getrlimit(RLIMIT_DATA, &rl) ==
	    0 && rl.rlim_cur != RLIM_INFINITY));
}
