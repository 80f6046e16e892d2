/*
 * tests/unit/test_wire.c: the feed document's envelope (protocol/wire.h):
 * "epoch" and "head" are optional, and when present an epoch is exactly 32
 * lower-case hex digits and a head a whole number in 0..2^53-1; anything
 * else fails the whole response.  (cJSON ends a string at an escaped NUL,
 * so an epoch followed by "\u0000" reads as the epoch alone: harmless, it
 * is only ever compared with the epoch the same peer sent before.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_and_head),
		cmocka_unit_test(test_bad_epoch_or_head),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
