/*
 * tests/unit/test_log.c: the journal's form of protocol/log.h, attacked
 * with what a peer or a client controls (a path, a reason): every event is
 * one line "<P>level=L msg="..." [err="..."] [k="v"...]" that nothing in a
 * value can split, end early or extend with a field of its own.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "protocol/log.h"

static FILE	*out;	/* where standard error goes while captured */
static int	 saved = -1;	/* standard error itself, for cmocka */

/* Standard error into out, until take(). */
static void
capture(void)
{
	fflush(stderr);
	if (dup2(fileno(out), STDERR_FILENO) == -1)
		fail_msg("dup2");
}

static int
setup(void **state)
{
	(void)state;
	if ((out = tmpfile()) == NULL || (saved = dup(STDERR_FILENO)) == -1)
		return (-1);
	log_init("opora", 0, false);
	capture();
	log_daemon();		/* stderr is a file: the journal's form */
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	return (log_journal_form() ? 0 : -1);
}

/* What was written since capture(), into buf (NUL-ended); standard
 * error is itself again. */
static size_t
take(char *buf, size_t bufsz)
{
	size_t	 n;

	fflush(stderr);
	if (dup2(saved, STDERR_FILENO) == -1)
		fail_msg("dup2");
	rewind(out);
	n = fread(buf, 1, bufsz - 1, out);
	buf[n] = '\0';
	if (ftruncate(fileno(out), 0) == -1)
		fail_msg("ftruncate");
	rewind(out);
	return (n);
}

/*
 * Parse one line as the journal's form: the priority, then key="value"
 * pairs separated by one space, a value's quote and backslash escaped,
 * and nothing after the last pair but the newline.  Returns the number of
 * pairs, -1 if the line is not in that form; the pairs' keys go to keys
 * (space-separated) and the value of key want to val.
 */
static int
parse(const char *line, char *keys, size_t keysz, const char *want,
    char *val, size_t valsz)
{
	const char	*p = line, *k;
	size_t		 kl, vl;
	int		 n = 0;
	char		*v;

	keys[0] = '\0';
	if (val != NULL)
		val[0] = '\0';
	if (p[0] != '<' || p[1] < '3' || p[1] > '7' || p[2] != '>')
		return (-1);
	p += 3;
	for (;;) {
		k = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_')
			p++;
		kl = (size_t)(p - k);
		if (kl == 0 || *p++ != '=')
			return (-1);
		if (strlen(keys) + kl + 2 < keysz) {
			if (keys[0] != '\0')
				strcat(keys, " ");
			strncat(keys, k, kl);
		}
		if (n == 0 && strncmp(k, "level", kl) == 0) {
			/* level=info: the one value not quoted */
			while (*p >= 'a' && *p <= 'z')
				p++;
		} else {
			v = (want != NULL && val != NULL && strlen(want) == kl &&
			    strncmp(k, want, kl) == 0) ? val : NULL;
			vl = 0;
			if (*p++ != '"')
				return (-1);
			for (; *p != '"'; p++) {
				if (*p == '\0' || *p == '\n' ||
				    (unsigned char)*p < 0x20)
					return (-1);
				if (*p == '\\' && *++p == '\0')
					return (-1);
				if (v != NULL && vl + 1 < valsz)
					v[vl++] = *p;
			}
			if (v != NULL)
				v[vl] = '\0';
			p++;
		}
		n++;
		if (*p == '\n')
			return (p[1] == '\0' ? n : -1);
		if (*p++ != ' ')
			return (-1);
	}
}

static void
test_fields(void **state)
{
	char		 buf[8192], keys[256], val[256];
	const char	*const kv[] = { "peer", "RU-KLU", "status", "200",
	    "ms", "7", NULL };

	(void)state;
	capture();
	log_info_kv(kv, "answer %d", 200);
	take(buf, sizeof(buf));
	assert_int_equal(parse(buf, keys, sizeof(keys), "status", val,
	    sizeof(val)), 5);
	assert_string_equal(keys, "level msg peer status ms");
	assert_string_equal(val, "200");
	assert_string_equal(buf, "<6>level=info msg=\"answer 200\" "
	    "peer=\"RU-KLU\" status=\"200\" ms=\"7\"\n");
	/* A warning with fields; log_warnx without any is as before. */
	capture();
	log_warnx_kv(kv, "refused");
	take(buf, sizeof(buf));
	assert_string_equal(buf, "<4>level=warning msg=\"refused\" "
	    "peer=\"RU-KLU\" status=\"200\" ms=\"7\"\n");
	capture();
	log_warnx("plain");
	take(buf, sizeof(buf));
	assert_string_equal(buf, "<4>level=warning msg=\"plain\"\n");
}

/* What a hostile client puts in a value: a quote that would end it and
 * start a field, a newline that would start an event, a terminal's
 * escape, a backslash before the closing quote, bytes that are not
 * UTF-8. */
static void
test_hostile_values(void **state)
{
	static const char *const evil[] = {
		"/v1/x\" status=\"200",
		"/v1/x\n<3>level=error msg=\"forged\"",
		"\x1b]0;owned\x07\x1b[2J",
		"ends in a backslash\\",
		"\\\" peer=\"RU-FED",
		"\xff\xfe\xc3(",
		"",
	};
	char		 buf[8192], keys[256], val[256];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		const char *const kv[] = { "path", evil[i], "status", "404",
		    NULL };

		capture();
		log_info_kv(kv, "GET %s", evil[i]);
		take(buf, sizeof(buf));
		assert_int_equal(parse(buf, keys, sizeof(keys), "status", val,
		    sizeof(val)), 4);
		assert_string_equal(keys, "level msg path status");
		assert_string_equal(val, "404");
	}
	/* A NULL value is an empty one. */
	{
		const char *const kv[] = { "peer", NULL, NULL };

		capture();
		log_info_kv(kv, "x");
		take(buf, sizeof(buf));
		assert_string_equal(buf, "<6>level=info msg=\"x\" peer=\"\"\n");
	}
}

/* Keys are the code's own words: any other, and the names of the fixed
 * fields, are left out rather than written. */
static void
test_bad_keys(void **state)
{
	const char	*const kv[] = { "Peer", "a", "a b", "b", "msg", "c",
	    "err", "d", "level", "e", "", "f", "k=\"x", "g", "ok_1", "h",
	    NULL };
	char		 buf[8192], keys[256];

	(void)state;
	capture();
	log_info_kv(kv, "m");
	take(buf, sizeof(buf));
	assert_int_equal(parse(buf, keys, sizeof(keys), NULL, NULL, 0), 3);
	assert_string_equal(keys, "level msg ok_1");
}

/* A line that would pass 4 KiB loses its last fields whole, and a long
 * message is cut inside its quotes: the line stays in the form. */
static void
test_long_lines(void **state)
{
	char		*big;
	char		 buf[16384], keys[256], val[8192];
	int		 n;

	(void)state;
	if ((big = malloc(6000)) == NULL)
		fail_msg("malloc");
	memset(big, '"', 5999);		/* each escaped: twice as long */
	big[5999] = '\0';
	{
		const char *const kv[] = { "path", big, "status", "200",
		    NULL };

		capture();
		log_info_kv(kv, "short");
		take(buf, sizeof(buf));
		assert_true(strlen(buf) <= 4096);
		n = parse(buf, keys, sizeof(keys), "status", val, sizeof(val));
		/* The path fills the line: status does not fit whole. */
		assert_int_equal(n, 3);
		assert_true(strstr(buf, " status=") == NULL);
		/* A long message: cut, quoted, fields after it dropped. */
		capture();
		log_info_kv(kv, "%s", big + 4000);
		take(buf, sizeof(buf));
		assert_true(strlen(buf) <= 4096);
		assert_true(parse(buf, keys, sizeof(keys), NULL, NULL, 0) >= 2);
	}
	free(big);
}

/*
 * Is the quoted value of key in line made of whole pieces -- an escape
 * (a doubled backslash, a backslash before a quote, a backslash-x and
 * two hex digits) or a whole UTF-8 character -- up to its closing quote,
 * and, when cut, does it end in "..."?
 */
static bool
whole_pieces(const char *line, const char *key, bool cut)
{
	const unsigned char	*p, *start;
	char			 pat[32];
	size_t			 k, i;

	snprintf(pat, sizeof(pat), " %s=\"", key);
	if ((p = (const unsigned char *)strstr(line, pat)) == NULL)
		return (false);
	p += strlen(pat);
	start = p;
	while (*p != '"') {
		if (*p == '\\') {
			if (p[1] == '\\' || p[1] == '"') {
				p += 2;
				continue;
			}
			if (p[1] != 'x' || !isxdigit(p[2]) || !isxdigit(p[3]))
				return (false);
			p += 4;
			continue;
		}
		k = *p < 0x20 ? 0 : *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >=
		    0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
		if (k == 0)
			return (false);
		for (i = 1; i < k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return (false);
		p += k;
	}
	return (!cut || (p - start >= 3 && memcmp(p - 3, "...", 3) == 0));
}

/* A value too long for the line is cut between pieces, never inside an
 * escape (which would leave a backslash before the closing quote, and
 * the field unended) or a character, and says so with "...". */
static void
test_cut_whole(void **state)
{
	static const char	 unit[] = "\\\x1bж\"é";
	char			*big, buf[16384], keys[256];
	size_t			 shift, i, len;

	(void)state;
	if ((big = malloc(8000)) == NULL)
		fail_msg("malloc");
	for (shift = 0; shift < 16; shift++) {
		memset(big, 'a', shift);
		for (len = shift; len + sizeof(unit) < 7000; len +=
		    sizeof(unit) - 1)
			memcpy(big + len, unit, sizeof(unit) - 1);
		big[len] = '\0';
		for (i = 0; i < 2; i++) {
			const char *const kv[] = { "path", big, NULL };

			capture();
			if (i == 0)
				log_info_kv(kv, "short");
			else
				log_info("%s", big + 5000);
			take(buf, sizeof(buf));
			assert_true(strlen(buf) <= 4096);
			assert_true(parse(buf, keys, sizeof(keys), NULL, NULL,
			    0) >= 2);
			/* The message is cut before (at 2 KiB, maybe inside
			 * a character: escaped), the field here. */
			assert_true(whole_pieces(buf, i == 0 ? "path" : "msg",
			    i == 0));
		}
	}
	free(big);
}

/* The terminal's form ("opora: text"): a control a caller left in the
 * message is written \xNN; a backslash stays one. */
static void
test_plain(void **state)
{
	char	 buf[1024];

	(void)state;
	unsetenv("JOURNAL_STREAM");
	log_init("opora", 0, false);
	assert_false(log_journal_form());
	capture();
	log_warnx("a\nforged\x1b[2J \\x1b \xc2\x9b" "b");
	take(buf, sizeof(buf));
	assert_string_equal(buf, "opora: a\\x0aforged\\x1b[2J \\x1b "
	    "\\xc2\\x9b" "b\n");
	/* Back to the journal's form for the other tests. */
	capture();
	log_daemon();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	assert_true(log_journal_form());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_cut_whole),
		cmocka_unit_test(test_plain),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
