/*
 * tests/unit/test_wire.c: the feed document's envelope (protocol/wire.h):
 * "epoch" and "head" are optional, and when present an epoch is exactly 32
 * lower-case hex digits and a head a whole number in 0..2^53-1; anything
 * else fails the whole response.  (cJSON ends a string at an escaped NUL,
 * so an epoch followed by "\u0000" reads as the epoch alone: harmless, it
 * is only ever compared with the epoch the same peer sent before.)  And
 * a feed parsed while memory runs out fails as "out of memory", with
 * nomem set, never as "not a JSON object": whatever allocation fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol/buf.h"
#include "protocol/wire.h"

#define EPOCH	"0123456789abcdef0123456789abcdef"

static int
parse(const char *doc, struct wire_feed *f)
{
	char	 why[256];
	int	 r;

	why[0] = '\0';
	r = wire_feed_parse(doc, strlen(doc), f, why, sizeof(why));
	if (r == -1)
		assert_true(why[0] != '\0');
	return (r);
}

static void
test_epoch_and_head(void **state)
{
	struct wire_feed f;

	(void)state;
	assert_int_equal(parse("{\"changes\":[],\"more\":false,\"next\":3,"
	    "\"epoch\":\"" EPOCH "\",\"head\":9}", &f), 0);
	assert_string_equal(f.epoch, EPOCH);
	assert_int_equal(f.head, 9);
	assert_int_equal(f.next, 3);
	wire_feed_free(&f);
	/* An older opora sends neither. */
	assert_int_equal(parse("{\"changes\":[],\"more\":false,\"next\":3}",
	    &f), 0);
	assert_string_equal(f.epoch, "");
	assert_int_equal(f.head, -1);
	wire_feed_free(&f);
}

static void
test_bad_epoch_or_head(void **state)
{
	static const char *const bad[] = {
		"{\"changes\":[],\"more\":false,\"next\":3,\"epoch\":"
		    "\"0123456789ABCDEF0123456789abcdef\"}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"epoch\":"
		    "\"0123456789abcdef0123456789abcde\"}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"epoch\":"
		    "\"" EPOCH "0\"}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"epoch\":7}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"epoch\":null}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"head\":-1}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"head\":1.5}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"head\":\"4\"}",
		"{\"changes\":[],\"more\":false,\"next\":3,\"head\":1e300}",
	};
	struct wire_feed f;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &f) != -1)
			fail_msg("accepted: %s", bad[i]);
		wire_feed_free(&f);
	}
}

/* How a child's parse ended (its exit status). */
#define OOM_PARSED	0	/* parsed whole */
#define OOM_SAID	1	/* failed, saying out of memory */
#define OOM_WRONG	2	/* failed, giving another reason */

/* In a child: limit the address space to its size now plus extra bytes,
 * parse doc, and exit with how that went. */
static void
parse_limited(const struct buf *doc, size_t extra)
{
	struct wire_feed f;
	struct rlimit	 rl;
	char		 why[256];
	FILE		*fp;
	unsigned long	 pages;
	int		 r;

	if ((fp = fopen("/proc/self/statm", "r")) == NULL ||
	    fscanf(fp, "%lu", &pages) != 1)
		_exit(9);
	fclose(fp);
	rl.rlim_cur = rl.rlim_max = pages * (rlim_t)sysconf(_SC_PAGESIZE) +
	    extra;
	if (setrlimit(RLIMIT_AS, &rl) == -1)
		_exit(9);
	r = wire_feed_parse(doc->data, doc->len, &f, why, sizeof(why));
	if (r == 0)
		_exit(OOM_PARSED);
	_exit(f.nomem && strcmp(why, "out of memory") == 0 ? OOM_SAID :
	    OOM_WRONG);
}

/* wire_b64_add appends in place: known vectors, every length to 300 after
 * a prefix read back by wire_b64_decode, and the buffer's limit. */
static void
test_b64_add(void **state)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob",
	    "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v",
	    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	uint8_t		 in[300], back[300];
	struct buf	 b;
	size_t		 i, n, len;

	(void)state;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		buf_init(&b, 64);
		assert_int_equal(wire_b64_add(&b, plain[i], strlen(plain[i])),
		    0);
		assert_int_equal(b.len, strlen(enc[i]));
		assert_memory_equal(b.data, enc[i], b.len + 1);
		buf_free(&b);
	}
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		buf_init(&b, 1024);
		assert_int_equal(buf_adds(&b, "x:"), 0);
		assert_int_equal(wire_b64_add(&b, in, n), 0);
		assert_int_equal(b.len, 2 + 4 * ((n + 2) / 3));
		assert_int_equal(b.data[b.len], '\0');
		assert_int_equal(wire_b64_decode(b.data + 2, b.len - 2, back,
		    sizeof(back), &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(back, in, n);
		buf_free(&b);
	}
	buf_init(&b, 7);
	assert_int_equal(wire_b64_add(&b, "foobar", 6), -1);
	assert_true(buf_failed(&b));
	buf_free(&b);
}

static void
test_out_of_memory(void **state)
{
	struct buf	 doc;
	pid_t		 pid;
	size_t		 extra, i;
	int		 status, said = 0;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();	/* the sanitizer reserves terabytes: no limit applies */
#endif
	/* Items of every kind: changes, malformed ones kept raw (not
	 * objects, bytes that are not base64), and bad signatures. */
	buf_init(&doc, (size_t)1 << 24);
	buf_adds(&doc, "{\"changes\":[");
	for (i = 0; i < 3000; i++)
		buf_addf(&doc, "%s{\"seq\":%zu,\"bytes\":\"e30=\","
		    "\"sig\":\"AAAA\"},[%zu],{\"seq\":1,\"bytes\":\"%%%%\"}",
		    i ? "," : "", i, i);
	buf_adds(&doc, "],\"more\":false,\"next\":1}");
	assert_false(buf_failed(&doc));
	/* From nearly no room, in steps, until the whole feed parses. */
	for (extra = 0; extra < ((size_t)64 << 20); extra += 128 << 10) {
		fflush(NULL);
		if ((pid = fork()) == 0)
			parse_limited(&doc, extra);
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == OOM_PARSED)
			break;
		if (WEXITSTATUS(status) != OOM_SAID)
			fail_msg("with %zu bytes to spare, the parse failed "
			    "for another reason than memory (%d)", extra,
			    WEXITSTATUS(status));
		said++;
	}
	assert_int_equal(WEXITSTATUS(status), OOM_PARSED);
	/* Memory ran out in some runs: the test tested something. */
	assert_true(said > 0);
	buf_free(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_head),
		cmocka_unit_test(test_bad_epoch_or_head),
		cmocka_unit_test(test_b64_add),
		cmocka_unit_test(test_out_of_memory),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
