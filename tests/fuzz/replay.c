/*
 * tests/fuzz/replay.c: the main() of every fuzz target when it is built
 * without libFuzzer, as 'make check' builds it: it runs the target's
 * LLVMFuzzerTestOneInput once on each file named on the command line, so
 * every input kept in tests/fuzz/corpus/NAME/ (the seeds, and each input
 * that once crashed) is replayed under ASan and UBSan on every check.
 *
 * Each input is passed in a buffer of exactly its size, so a read past the
 * end is caught.  Exits 0 after printing cmocka's "[  PASSED  ] N test(s)."
 * line, or 1 when a file cannot be read; a crash is the sanitizer's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char **argv)
{
	FILE	*f;
	uint8_t	*buf;
	long	 n;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return (1);
		}
		if (fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) == -1 ||
		    (buf = malloc(n > 0 ? (size_t)n : 1)) == NULL ||
		    fread(buf, 1, (size_t)n, f) != (size_t)n) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			fclose(f);
			return (1);
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	printf("[  PASSED  ] %d test(s).\n", argc - 1);
	return (0);
}
