/*
 * tests/unit/test_plural.c: Russian plural forms (conflict/plural.h): the
 * examples a reader checks by ear, and properties over 0..1000 that a
 * wrong rule breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "conflict/plural.h"

static const char *
events(uint64_t n)
{
	return (plural_ru_pick(n, "событие", "события", "событий"));
}

static void
test_examples(void **state)
{
	(void)state;
	assert_string_equal(events(0), "событий");
	assert_string_equal(events(1), "событие");
	assert_string_equal(events(2), "события");
	assert_string_equal(events(4), "события");
	assert_string_equal(events(5), "событий");
	assert_string_equal(events(11), "событий");
	assert_string_equal(events(12), "событий");
	assert_string_equal(events(14), "событий");
	assert_string_equal(events(21), "событие");
	assert_string_equal(events(22), "события");
	assert_string_equal(events(25), "событий");
	assert_string_equal(events(100), "событий");
	assert_string_equal(events(101), "событие");
	assert_string_equal(events(111), "событий");
	assert_string_equal(events(112), "событий");
	assert_string_equal(events(1001), "событие");
	assert_string_equal(events(UINT64_MAX), "событий");	/* ...615 */
}

/*
 * Properties over 0..1000: the form depends only on the last two digits;
 * 11..19 always take "many"; otherwise the last digit decides, 1 "one",
 * 2..4 "few", the rest "many"; every n gets exactly one of the three
 * words; and each form occurs with the counts a reader expects.
 */
static void
test_properties(void **state)
{
	enum plural_form f, want;
	uint64_t	 n;
	unsigned	 count[3] = { 0, 0, 0 };

	(void)state;
	for (n = 0; n <= 1000; n++) {
		f = plural_ru(n);
		assert_true(f == PLURAL_ONE || f == PLURAL_FEW ||
		    f == PLURAL_MANY);
		count[f]++;
		assert_int_equal(f, plural_ru(n % 100));
		assert_int_equal(f, plural_ru(n + 100));
		assert_int_equal(f, plural_ru(n + 1000000));
		if (n % 100 >= 10 && n % 100 <= 19)
			want = PLURAL_MANY;
		else if (n % 10 == 1)
			want = PLURAL_ONE;
		else if (n % 10 >= 2 && n % 10 <= 4)
			want = PLURAL_FEW;
		else
			want = PLURAL_MANY;
		assert_int_equal(f, want);
		assert_ptr_equal(plural_ru_pick(n, "a", "b", "c"),
		    f == PLURAL_ONE ? "a" : f == PLURAL_FEW ? "b" : "c");
	}
	/* Per hundred: 9 "one" (1, 21, ..., 91), 27 "few", the rest many;
	 * 1000 adds one "many". */
	assert_int_equal(count[PLURAL_ONE], 90);
	assert_int_equal(count[PLURAL_FEW], 270);
	assert_int_equal(count[PLURAL_MANY], 1001 - 90 - 270);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_properties),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
