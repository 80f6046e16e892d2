/*
 * tests/bench/bench_decode.c: what reading a change costs, the step every
 * pulled, imported, verified or shown change takes before anything else.
 *
 *   bench_decode FILE...
 *
 * Each FILE holds one change's bytes (make bench gives it the valid
 * vectors, tests/fuzz/corpus/change/vector-*; those that do not decode
 * are skipped).  For SECONDS each (BENCH_SECONDS, default 2), in turn
 * over the files, it times: jcs_parse_reference (cJSON's parse, jcs_write
 * and the comparison: how opora checked canonical bytes until 2026-12-03),
 * jcs_parse (the one-pass reader) and change_decode (jcs_parse and every
 * member's check).  Prints one line of key=value figures, microseconds a
 * change, with the changes' mean size:
 *   reference_us=N parse_us=N decode_us=N changes=N mean_bytes=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocol/change.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"

#define MAXFILES	256

static char	*docs[MAXFILES];
static size_t	 lens[MAXFILES];
static size_t	 ndocs;
static double	 seconds = 2;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

enum what { REFERENCE, PARSE, DECODE };

/* Microseconds a change for what, over the files in turn. */
static double
run(enum what w)
{
	struct change	*c;
	const char	*why;
	char		 reason[256];
	cJSON		*v;
	double		 t0 = now(), t = t0;
	unsigned long	 n = 0;
	size_t		 i;
	int		 ok;

	do {
		i = n % ndocs;
		switch (w) {
		case REFERENCE:
			v = jcs_parse_reference(docs[i], lens[i],
			    LIMIT_CHANGE_BYTES * 16, LIMIT_JSON_ELEMENTS, &why);
			ok = v != NULL;
			cJSON_Delete(v);
			break;
		case PARSE:
			v = jcs_parse(docs[i], lens[i], &why);
			ok = v != NULL;
			cJSON_Delete(v);
			break;
		default:
			ok = change_decode(docs[i], lens[i], &c, reason,
			    sizeof(reason)) == 0;
			change_free(c);
			break;
		}
		if (!ok) {
			fprintf(stderr, "bench_decode: a change that decoded "
			    "once did not\n");
			exit(1);
		}
		n++;
	} while ((n % 256 != 0) || (t = now()) - t0 < seconds);
	return ((t - t0) / (double)n * 1e6);
}

int
main(int argc, char *argv[])
{
	struct change	*c;
	char		 why[256];
	const char	*s;
	size_t		 total = 0;
	FILE		*f;
	int		 i;

	if ((s = getenv("BENCH_SECONDS")) != NULL && (seconds = atof(s)) <= 0)
		seconds = 2;
	for (i = 1; i < argc && ndocs < MAXFILES; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return (1);
		}
		if ((docs[ndocs] = malloc(LIMIT_CHANGE_BYTES)) == NULL)
			return (1);
		lens[ndocs] = fread(docs[ndocs], 1, LIMIT_CHANGE_BYTES, f);
		fclose(f);
		if (change_decode(docs[ndocs], lens[ndocs], &c, why,
		    sizeof(why)) != 0) {
			free(docs[ndocs]);
			continue;
		}
		change_free(c);
		total += lens[ndocs++];
	}
	if (ndocs == 0) {
		fprintf(stderr, "usage: bench_decode FILE... (files of "
		    "changes' bytes, at least one valid)\n");
		return (2);
	}
	printf("reference_us=%.2f parse_us=%.2f decode_us=%.2f changes=%zu "
	    "mean_bytes=%zu\n", run(REFERENCE), run(PARSE), run(DECODE),
	    ndocs, total / ndocs);
	return (0);
}
