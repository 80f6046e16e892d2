/*
 * node/main.c: the opora program.  Everything is in node/cli.c.
 */
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include "node/cli.h"

int
main(int argc, char **argv)
{
#ifdef M_ARENA_MAX
	/*
	 * One malloc arena for every thread.  glibc gives a thread that
	 * meets contention an arena of its own, reserving 64 MiB of address
	 * space for it; under an address-space limit (ulimit -v, as an admin
	 * may set on the service) an arena that cannot grow falls back to
	 * one mmap and munmap per allocation, and 'opora verify' of 3,600
	 * changes took 84 s instead of 1 (tests/cli/t0075).  The threads
	 * here (signer, verifier pool, pullers) spend their time in
	 * signatures and SQLite, not in malloc: docs/performance.md,
	 * "Memory limits".
	 */
	(void)mallopt(M_ARENA_MAX, 1);
#endif
	return (cli_main(argc, argv));
}
