/*
 * tests/fuzz/fuzz_config.c: fuzz the opora.conf reader, node_config_parse.
 *
 * Properties: what it accepts holds a region code, an https:// URL, an
 * ADDRESS:PORT to listen on, a loopback metrics address or none, and
 * every number within its bounds, all
 * NUL-terminated within their fields; the same text gives the same
 * configuration; a refusal says why in one line of printable text (the
 * file's bytes escaped), with a line number within the text.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/config/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/metrics.h"
#include "node/node.h"
#include "protocol/fields.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whether s is NUL-terminated within n bytes and holds no control byte. */
static int
clean(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return (0);
	return (i < n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct node_config	 c, c2;
	char			*copy, why[256], why2[256];
	size_t			 i, lines = 1;
	int			 line, line2, r;

	if ((copy = malloc(size ? size : 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(copy, data, size);
	for (i = 0; i < size; i++)
		lines += copy[i] == '\n';
	memset(why, 'x', sizeof(why));
	r = node_config_parse(copy, size, &c, &line, why, sizeof(why));
	if (node_config_parse(copy, size, &c2, &line2, why2,
	    sizeof(why2)) != r || line != line2)
		abort();
	if (r == 0) {
		if (line != 0 || memcmp(&c, &c2, sizeof(c)) != 0 ||
		    !clean(c.region, sizeof(c.region)) ||
		    !fields_region_valid(c.region, strlen(c.region)) ||
		    !clean(c.url, sizeof(c.url)) ||
		    strncmp(c.url, "https://", 8) != 0 ||
		    strchr(c.url, ' ') != NULL ||
		    !clean(c.listen, sizeof(c.listen)) ||
		    strrchr(c.listen, ':') == NULL ||
		    c.max_clock_drift < 1 ||
		    c.max_clock_drift > NODE_MAX_DRIFT_S ||
		    c.stats_interval < 0 ||
		    c.stats_interval > NODE_MAX_STATS_H ||
		    c.stats_threshold < NODE_MIN_THRESHOLD ||
		    c.stats_threshold > NODE_MAX_THRESHOLD ||
		    c.stats_threshold_sensitive < NODE_MIN_THRESHOLD ||
		    c.stats_threshold_sensitive > NODE_MAX_THRESHOLD ||
		    !clean(c.listen_metrics, sizeof(c.listen_metrics)) ||
		    (c.listen_metrics[0] != '\0' && metrics_listen_check(
		    c.listen_metrics, why, sizeof(why)) != 0))
			abort();
	} else if (r == -1) {
		if (!clean(why, sizeof(why)) || strcmp(why, why2) != 0 ||
		    line < 0 || (size_t)line > lines)
			abort();
	} else
		abort();
	free(copy);
	return (0);
}
