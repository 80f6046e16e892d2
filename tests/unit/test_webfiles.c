/*
 * tests/unit/test_webfiles.c: the web pages' compiled-in table
 * (node/webfiles.h): "/" is index.html, every file has a type its name
 * asks for, nothing else is found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "node/webfiles.h"

static void
test_index(void **state)
{
	const struct webfile	*a, *b;

	(void)state;
	a = webfiles_find("/");
	b = webfiles_find("/index.html");
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_string_equal(a->type, "text/html; charset=utf-8");
	assert_true(a->len > 0);
	assert_non_null(strstr((const char *)a->data, "<html lang=\"ru\">"));
	/* The data ends with a NUL past its length (the generator's). */
	assert_int_equal(a->data[a->len], 0);
}

static void
test_types(void **state)
{
	size_t	 i, n;

	(void)state;
	assert_true(webfiles_count >= 8);
	for (i = 0; i < webfiles_count; i++) {
		const struct webfile *f = &webfiles_table[i];

		n = strlen(f->path);
		assert_true(f->path[0] == '/' && strchr(f->path + 1, '/') ==
		    NULL);
		if (n > 3 && strcmp(f->path + n - 3, ".js") == 0)
			assert_string_equal(f->type,
			    "text/javascript; charset=utf-8");
		else if (n > 4 && strcmp(f->path + n - 4, ".css") == 0)
			assert_string_equal(f->type, "text/css; charset=utf-8");
		assert_ptr_equal(webfiles_find(f->path), f);
	}
	assert_non_null(webfiles_find("/app.js"));
}

static void
test_nothing_else(void **state)
{
	static const char *const no[] = { "", "app.js", "/APP.JS",
	    "/app.js/", "//app.js", "/../app.js", "/./app.js",
	    "/node/web/app.js", "/web/app.js", "/index.htm", "/vendor/",
	    "/vendor/chart.js", "/api/me", "/.", "/..", "/app.js ",
	    "/app.jsx" };
	size_t	 i;

	(void)state;
	assert_null(webfiles_find(NULL));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_null(webfiles_find(no[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_nothing_else),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
