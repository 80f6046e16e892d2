/*
 * tests/unit/test_access.c: the access table of conflict/access.c against
 * the one written in docs/privacy.md: every role x action x scope, read
 * from the document, must give the documented answer; and every cell must
 * be documented.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/access.h"

static int
action_parse(const char *s, enum access_action *a)
{
	int	 i;

	for (i = 0; i < ACT_COUNT; i++)
		if (strcmp(s, access_action_name((enum access_action)i)) == 0) {
			*a = (enum access_action)i;
			return (0);
		}
	return (-1);
}

static int
answer_parse(const char *s, enum access_answer *a)
{
	if (strcmp(s, "allow") == 0)
		*a = ACCESS_ALLOW;
	else if (strcmp(s, "deny") == 0)
		*a = ACCESS_DENY;
	else if (strcmp(s, "with reason") == 0)
		*a = ACCESS_REASON;
	else
		return (-1);
	return (0);
}

/* Split "| a | b | c |" into trimmed cells; returns their number. */
static int
cells(char *line, char *out[8])
{
	char	*p = line, *bar, *e;
	int	 n = 0;

	if (*p != '|')
		return (0);
	p++;
	while (n < 8 && (bar = strchr(p, '|')) != NULL) {
		*bar = '\0';
		while (*p == ' ')
			p++;
		e = bar;
		while (e > p && e[-1] == ' ')
			*--e = '\0';
		out[n++] = p;
		p = bar + 1;
	}
	return (n);
}

static void
test_table_matches_docs(void **state)
{
	const char	*path = getenv("OPORA_PRIVACY_MD");
	FILE		*f;
	char		 line[512], *c[8];
	bool		 seen[ROLE_COUNT][ACT_COUNT];
	bool		 in_table = false;
	enum access_role r;
	enum access_action a = ACT_READ;
	enum access_answer want = ACCESS_DENY;
	int		 s, i, j, rows = 0;

	(void)state;
	memset(seen, 0, sizeof(seen));
	f = fopen(path != NULL ? path : "docs/privacy.md", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "access-table") != NULL) {
			in_table = true;
			continue;
		}
		if (!in_table)
			continue;
		if (line[0] != '|') {
			if (rows > 0)
				break;
			continue;
		}
		if (cells(line, c) != 6 || access_role_parse(c[0], &r) == -1)
			continue;	/* the header and its rule */
		assert_int_equal(action_parse(c[1], &a), 0);
		assert_false(seen[r][a]);
		seen[r][a] = true;
		for (s = 0; s < SCOPE_COUNT; s++) {
			assert_int_equal(answer_parse(c[2 + s], &want), 0);
			if (access_decide(r, a, (enum access_scope)s) != want)
				fail_msg("%s %s %s: the code and "
				    "docs/privacy.md disagree", c[0], c[1],
				    access_scope_name((enum access_scope)s));
		}
		rows++;
	}
	fclose(f);
	for (i = 0; i < ROLE_COUNT; i++)
		for (j = 0; j < ACT_COUNT; j++)
			if (!seen[i][j])
				fail_msg("%s %s is not in docs/privacy.md",
				    access_role_name((enum access_role)i),
				    access_action_name((enum access_action)j));
	assert_int_equal(rows, ROLE_COUNT * ACT_COUNT);
}

/* What must hold whatever the table says. */
static void
test_invariants(void **state)
{
	int	 s;

	(void)state;
	for (s = 0; s < SCOPE_COUNT; s++) {
		/* Who handles accounts and the audit sees no dossier. */
		assert_int_equal(access_decide(ROLE_ADMIN, ACT_READ,
		    (enum access_scope)s), ACCESS_DENY);
		assert_int_equal(access_decide(ROLE_AUDITOR, ACT_READ,
		    (enum access_scope)s), ACCESS_DENY);
		assert_int_equal(access_decide(ROLE_RESEARCHER, ACT_READ,
		    (enum access_scope)s), ACCESS_DENY);
		/* Nobody but an auditor reads the audit. */
		assert_int_equal(access_decide(ROLE_ADMIN, ACT_AUDIT,
		    (enum access_scope)s), ACCESS_DENY);
	}
	/* A curator never opens another centre's dossier silently. */
	assert_int_equal(access_decide(ROLE_CURATOR, ACT_READ,
	    SCOPE_OTHER_CENTRE), ACCESS_DENY);
	assert_int_equal(access_decide(ROLE_CURATOR, ACT_READ, SCOPE_GLASS),
	    ACCESS_REASON);
	/* Out of range is denied. */
	assert_int_equal(access_decide(ROLE_COUNT, ACT_READ, SCOPE_OWN),
	    ACCESS_DENY);
	assert_int_equal(access_decide(ROLE_SUPERVISOR, ACT_COUNT, SCOPE_OWN),
	    ACCESS_DENY);
	assert_int_equal(access_decide(ROLE_SUPERVISOR, ACT_READ,
	    SCOPE_COUNT), ACCESS_DENY);
	assert_int_equal(access_decide((enum access_role)-1, ACT_READ,
	    SCOPE_OWN), ACCESS_DENY);
	assert_null(access_role_name(ROLE_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_docs),
		cmocka_unit_test(test_invariants),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
