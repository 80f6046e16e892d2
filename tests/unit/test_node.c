/*
 * tests/unit/test_node.c: the opora.conf reader, node_config_parse
 * (node/node.c): defaults, every setting at and beyond its bounds, the
 * strict number form, and refusals that name the line and escape what
 * they quote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node/node.h"
#include "protocol/limits.h"

/* Parse the C string text; its result, with *c, *line and why set. */
static int
parse(const char *text, struct node_config *c, int *line, char *why,
    size_t whysz)
{
	return (node_config_parse(text, strlen(text), c, line, why, whysz));
}

static void
test_defaults(void **state)
{
	struct node_config	 c;
	char			 why[256];
	int			 line = -1;

	(void)state;
	assert_int_equal(parse("region = RU-SMO\n", &c, &line, why,
	    sizeof(why)), 0);
	assert_int_equal(line, 0);
	assert_string_equal(c.region, "RU-SMO");
	assert_string_equal(c.url, NODE_DEFAULT_URL);
	assert_string_equal(c.listen, NODE_DEFAULT_LISTEN);
	assert_int_equal(c.max_clock_drift, NODE_DEFAULT_DRIFT_S);
	assert_int_equal(c.stats_interval, NODE_DEFAULT_STATS_H);
	assert_int_equal(c.stats_threshold, NODE_DEFAULT_THRESHOLD);
	assert_int_equal(c.stats_threshold_sensitive,
	    NODE_DEFAULT_THRESHOLD_SENSITIVE);
	/* Comments, blank lines, CRLF, spaces around '=', no final newline. */
	assert_int_equal(parse("# x\r\n\r\n\t region\t=\tRU-FED \r\n"
	    "url=https://fed.example:8443\nlisten = [::1]:443\n"
	    "max_clock_drift = 86400\nstats_interval = 0\n"
	    "stats_threshold = 2\nstats_threshold_sensitive = 100", &c, &line,
	    why, sizeof(why)), 0);
	assert_string_equal(c.region, "RU-FED");
	assert_string_equal(c.url, "https://fed.example:8443");
	assert_string_equal(c.listen, "[::1]:443");
	assert_int_equal(c.max_clock_drift, 86400);
	assert_int_equal(c.stats_interval, 0);
	assert_int_equal(c.stats_threshold, 2);
	assert_int_equal(c.stats_threshold_sensitive, 100);
}

/* Every value beyond its bounds or not in the plain decimal form. */
static void
test_bad_values(void **state)
{
	static const struct {
		const char	*line;
		const char	*why;
	} bad[] = {
		{ "max_clock_drift = 0",
		    "max_clock_drift: \"0\" is not valid" },
		{ "max_clock_drift = 86401", "max_clock_drift" },
		{ "max_clock_drift = 0300", "max_clock_drift" },
		{ "max_clock_drift = +300", "max_clock_drift" },
		{ "max_clock_drift = 3e2", "max_clock_drift" },
		{ "max_clock_drift = 300 s", "max_clock_drift" },
		{ "max_clock_drift = 99999999999999999999", "max_clock_drift" },
		{ "max_clock_drift =", "max_clock_drift: \"\" is not valid" },
		{ "stats_interval = -1", "stats_interval" },
		{ "stats_interval = 8761", "stats_interval" },
		{ "stats_threshold = 1", "stats_threshold" },
		{ "stats_threshold = 101", "stats_threshold" },
		{ "stats_threshold_sensitive = 0x10", "stats_threshold_sens" },
		{ "region = RU-XXX", "region: \"RU-XXX\" is not valid" },
		{ "region = ru-smo", "region" },
		{ "url = http://a.example", "url" },
		{ "url = https://a b", "url" },
		{ "listen = 127.0.0.1", "listen" },
		{ "listen = 127.0.0.1:0", "listen" },
		{ "listen = 127.0.0.1:65536", "listen" },
		{ "listen = 127.0.0.1:08443", "listen" },
		{ "listen = [::1:8443", "listen" },
		{ "listen = :8443", "listen" },
		{ "listen = 2.3\x1a.46:5536", "listen: \"2.3\\x1a.46:5536\"" },
		{ "listen = a b:1", "listen" },
		{ "listen = []:8443", "listen" },
		{ "listen = [[::1]]:8443", "listen" },
		{ "listen = localhost:8443", "listen" },
		{ "listen = ::::8443", "listen" },
		{ "listen_metrics = %:9464", "listen_metrics" },
		{ "listen_ui = host.example:8444", "listen_ui" },
		{ "port = 1", "unknown setting \"port\"" },
		{ "region RU-SMO", "expected NAME = VALUE" },
	};
	struct node_config	 c;
	char			 text[256], why[256];
	size_t			 i;
	int			 line;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "region = RU-SMO\n%s\n",
		    bad[i].line);
		line = -1;
		if (parse(text, &c, &line, why, sizeof(why)) != -1)
			fail_msg("accepted \"%s\"", bad[i].line);
		assert_int_equal(line, 2);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("\"%s\": said \"%s\"", bad[i].line, why);
	}
}

/* The text's bytes are escaped in a refusal; NUL bytes, lines too long,
 * a text too large and a missing region are refused. */
static void
test_refusals(void **state)
{
	struct node_config	 c;
	char			 why[256], *big;
	size_t			 i;
	int			 line;

	(void)state;
	assert_int_equal(parse("region = RU-SMO\n\x1b[2J = 1\n", &c, &line,
	    why, sizeof(why)), -1);
	assert_int_equal(line, 2);
	assert_string_equal(why, "unknown setting \"\\x1b[2J\"");
	assert_int_equal(parse("url = https://\x1b]0;x\x07\n", &c, &line,
	    why, sizeof(why)), -1);
	assert_null(strchr(why, '\x1b'));
	assert_null(strchr(why, '\x07'));
	for (i = 0; why[i] != '\0'; i++)
		assert_true((unsigned char)why[i] >= 0x20);
	assert_int_equal(node_config_parse("region = RU-SMO\0x\n", 17, &c,
	    &line, why, sizeof(why)), -1);
	assert_int_equal(line, 1);
	assert_string_equal(why, "a NUL byte");
	assert_int_equal(parse("# only a comment\n", &c, &line, why,
	    sizeof(why)), -1);
	assert_int_equal(line, 0);
	assert_string_equal(why, "no region");
	big = malloc(LIMIT_CONFIG_BYTES + 2);
	assert_non_null(big);
	memset(big, '#', LIMIT_CONFIG_BYTES + 1);
	big[LIMIT_CONFIG_BYTES + 1] = '\0';
	assert_int_equal(node_config_parse(big, LIMIT_CONFIG_BYTES + 1, &c,
	    &line, why, sizeof(why)), -1);
	assert_int_equal(line, 0);
	/* A line of LIMIT_CONFIG_LINE bytes is one too many. */
	memset(big, '#', LIMIT_CONFIG_LINE);
	big[LIMIT_CONFIG_LINE] = '\n';
	assert_int_equal(node_config_parse(big, LIMIT_CONFIG_LINE + 1, &c,
	    &line, why, sizeof(why)), -1);
	assert_int_equal(line, 1);
	assert_string_equal(why, "line too long");
	memcpy(big, "region = RU-SMO\n", 16);
	memset(big + 16, '#', LIMIT_CONFIG_LINE - 1);
	assert_int_equal(node_config_parse(big, 16 + LIMIT_CONFIG_LINE - 1,
	    &c, &line, why, sizeof(why)), 0);
	free(big);
	/* A short why is cut, never overrun. */
	assert_int_equal(parse("region = RU-SMO\nport = 1\n", &c, &line, why,
	    8), -1);
	assert_int_equal(strlen(why), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_refusals),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
