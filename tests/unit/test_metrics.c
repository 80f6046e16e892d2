/*
 * tests/unit/test_metrics.c: the endpoint's address check (loopback
 * only) and the classes of refusal reasons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "node/metrics.h"

static void
test_listen(void **state)
{
	char	 why[512];

	(void)state;
	assert_int_equal(metrics_listen_check("127.0.0.1:9464", why,
	    sizeof(why)), 0);
	assert_int_equal(metrics_listen_check("127.5.6.7:1", why,
	    sizeof(why)), 0);
	assert_int_equal(metrics_listen_check("[::1]:9464", why,
	    sizeof(why)), 0);
	assert_int_equal(metrics_listen_check("0.0.0.0:9464", why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "not a loopback"));
	assert_int_equal(metrics_listen_check("[::]:9464", why,
	    sizeof(why)), -1);
	assert_int_equal(metrics_listen_check("128.0.0.1:9464", why,
	    sizeof(why)), -1);
	assert_int_equal(metrics_listen_check("[::ffff:10.0.0.1]:9464", why,
	    sizeof(why)), -1);
	/* Names are not resolved: "localhost" could be anything. */
	assert_int_equal(metrics_listen_check("localhost:9464", why,
	    sizeof(why)), -1);
	assert_int_equal(metrics_listen_check("127.0.0.1", why,
	    sizeof(why)), -1);
	assert_int_equal(metrics_listen_check("127.0.0.1:0", why,
	    sizeof(why)), -1);
	assert_int_equal(metrics_listen_check("127.0.0.1:70000", why,
	    sizeof(why)), -1);
	/* The value is quoted escaped. */
	assert_int_equal(metrics_listen_check("\x1b[2J:1", why,
	    sizeof(why)), -1);
	assert_null(strchr(why, '\x1b'));
}

static void
test_reasons(void **state)
{
	(void)state;
	assert_int_equal(metrics_reason_of("the signature does not verify"),
	    METRICS_REASON_SIGNATURE);
	assert_int_equal(metrics_reason_of("signed by key 0123 (RU-SMO), "
	    "which this node does not know"), METRICS_REASON_KEY);
	assert_int_equal(metrics_reason_of("claims region RU-SMO but key x "
	    "belongs to RU-KLU"), METRICS_REASON_KEY);
	assert_int_equal(metrics_reason_of("malformed: not canonical"),
	    METRICS_REASON_FORM);
	assert_int_equal(metrics_reason_of("its parent 0123 is not here"),
	    METRICS_REASON_PARENTS);
	assert_int_equal(metrics_reason_of("dossier x was erased; its "
	    "changes are not taken"), METRICS_REASON_ERASED);
	assert_int_equal(metrics_reason_of("this dossier is in the custody "
	    "of RU-KLU; only its custodian may"), METRICS_REASON_AUTHORITY);
	assert_int_equal(metrics_reason_of(NULL), METRICS_REASON_OTHER);
	assert_int_equal(metrics_reason_of(""), METRICS_REASON_OTHER);
	assert_string_equal(metrics_reason_name(METRICS_REASON_AUTHORITY),
	    "rules");
	assert_string_equal(metrics_reason_name(METRICS_REASONS), "other");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_reasons),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
