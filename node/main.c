/*
 * node/main.c: the opora program.  Everything is in node/cli.c.
 */
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "node/cli.h"
#include "node/memlimit.h"

/*
 * Under an address-space limit (ulimit -v, or a data limit, as an admin
 * may set on the service), one malloc arena for every thread.  glibc
 * gives a thread that meets contention an arena of its own, reserving 64
 * MiB of address space for each; where the limit leaves no room for
 * another reservation, an arena that cannot grow falls back to one mmap
 * and munmap per allocation, and 'opora verify' of 3,600 changes took 84
 * s instead of 1 (tests/cli/t0075).  Without such a limit the arenas
 * stay: one arena made import 25% slower (docs/performance.md, "Memory
 * limits").  A cgroup's memory limit counts pages used, not reserved,
 * and needs nothing here.
 */
static void
malloc_tune(void)
{
#ifdef M_ARENA_MAX
	if (memlimit_set())
		(void)mallopt(M_ARENA_MAX, 1);
#endif
}

int
main(int argc, char **argv)
{
	malloc_tune();
	return (cli_main(argc, argv));
}
