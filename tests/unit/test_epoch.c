/*
 * tests/unit/test_epoch.c: feed epochs and their witness (node/epoch.h).
 * A node's first open writes the witness; a database below its witness, of
 * another epoch, or whose witness is damaged or missing begins a new epoch
 * once; the witness's head only grows within an epoch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/epoch.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/log.h"

static char	 base[] = "/tmp/opora-epoch.XXXXXX";
static int	 serial;

/* A new node directory; its path in dir. */
static void
fresh(char *dir, size_t dirsz)
{
	snprintf(dir, dirsz, "%s/n%d", base, serial++);
	assert_int_equal(node_init(dir, "RU-SMO", NULL, NULL), 0);
}

/* The witness's epoch and head, or -1 when it is missing. */
static int
witness(const char *dir, char epoch[EPOCH_HEX + 1], int64_t *head)
{
	char	 p[512], line[128];
	ssize_t	 k;
	int	 fd, i;

	snprintf(p, sizeof(p), "%s/%s", dir, EPOCH_FILE);
	if ((fd = open(p, O_RDONLY)) == -1)
		return (-1);
	k = read(fd, line, sizeof(line));
	close(fd);
	assert_int_equal(k, 59);
	memcpy(epoch, line, EPOCH_HEX);
	epoch[EPOCH_HEX] = '\0';
	*head = 0;
	for (i = EPOCH_HEX + 1; i < EPOCH_HEX + 17; i++)
		*head = *head * 10 + (line[i] - '0');
	return (0);
}

/* Open, read the epoch and the reason of the last new one, close. */
static void
epoch_of(const char *dir, char e[EPOCH_HEX + 1], char *why, size_t whysz)
{
	struct node	*n = node_open(dir, "t");

	assert_non_null(n);
	assert_int_equal(epoch_get(n->st, e), 0);
	if (store_meta_get(n->st, "epoch_reason", why, whysz) != 0)
		why[0] = '\0';
	node_close(n);
}

static void
test_first_open_writes_witness(void **state)
{
	char	 dir[256], e[EPOCH_HEX + 1], we[EPOCH_HEX + 1], why[256];
	int64_t	 h;

	(void)state;
	fresh(dir, sizeof(dir));
	assert_int_equal(witness(dir, we, &h), -1);
	epoch_of(dir, e, why, sizeof(why));
	assert_int_equal(witness(dir, we, &h), 0);
	assert_string_equal(we, e);
	assert_int_equal(h, 0);
	assert_string_equal(why, "");
	assert_true(epoch_valid(e, strlen(e)));
	/* Nothing went back: the same epoch at every open. */
	epoch_of(dir, we, why, sizeof(why));
	assert_string_equal(we, e);
}

static void
test_log_below_witness(void **state)
{
	char	 dir[256], e[EPOCH_HEX + 1], e2[EPOCH_HEX + 1], why[256];
	char	 we[EPOCH_HEX + 1];
	int64_t	 h;

	(void)state;
	fresh(dir, sizeof(dir));
	epoch_of(dir, e, why, sizeof(why));
	/* Served up to 5, then the log lost them (it holds none). */
	assert_int_equal(epoch_cover(dir, e, 5, 5), 0);
	epoch_of(dir, e2, why, sizeof(why));
	assert_string_not_equal(e, e2);
	assert_non_null(strstr(why, "had been served"));
	assert_int_equal(witness(dir, we, &h), 0);
	assert_string_equal(we, e2);
	assert_int_equal(h, 0);
	/* Once only. */
	epoch_of(dir, e, why, sizeof(why));
	assert_string_equal(e, e2);
}

static void
test_cover_only_grows(void **state)
{
	char	 dir[256], e[EPOCH_HEX + 1], we[EPOCH_HEX + 1], why[256];
	char	 other[EPOCH_HEX + 1];
	int64_t	 h;

	(void)state;
	fresh(dir, sizeof(dir));
	epoch_of(dir, e, why, sizeof(why));
	assert_int_equal(epoch_cover(dir, e, 7, 10), 0);
	assert_int_equal(witness(dir, we, &h), 0);
	assert_int_equal(h, 10);
	assert_int_equal(epoch_cover(dir, e, 3, 3), 0);
	assert_int_equal(witness(dir, we, &h), 0);
	assert_int_equal(h, 10);
	/* Nothing handed out: nothing written. */
	assert_int_equal(epoch_cover(dir, e, 0, 20), 0);
	assert_int_equal(witness(dir, we, &h), 0);
	assert_int_equal(h, 10);
	/* Another epoch's witness is replaced. */
	memset(other, 'a', EPOCH_HEX);
	other[EPOCH_HEX] = '\0';
	assert_int_equal(epoch_cover(dir, other, 2, 2), 0);
	assert_int_equal(witness(dir, we, &h), 0);
	assert_string_equal(we, other);
	assert_int_equal(h, 2);
}

static void
test_other_epoch_damaged_missing(void **state)
{
	char	 dir[256], e[EPOCH_HEX + 1], e2[EPOCH_HEX + 1], why[256];
	char	 other[EPOCH_HEX + 1], p[512];
	FILE	*f;

	(void)state;
	fresh(dir, sizeof(dir));
	epoch_of(dir, e, why, sizeof(why));
	/* A witness of another epoch: the database went back past a new
	 * epoch, or was replaced. */
	memset(other, 'b', EPOCH_HEX);
	other[EPOCH_HEX] = '\0';
	assert_int_equal(epoch_cover(dir, other, 1, 1), 0);
	epoch_of(dir, e2, why, sizeof(why));
	assert_string_not_equal(e, e2);
	assert_non_null(strstr(why, "not the one"));
	/* Damaged: one digit changed, so its check fails. */
	snprintf(p, sizeof(p), "%s/%s", dir, EPOCH_FILE);
	assert_non_null(f = fopen(p, "r+"));
	assert_int_equal(fseek(f, EPOCH_HEX + 16, SEEK_SET), 0);
	assert_int_not_equal(fputc('7', f), EOF);
	assert_int_equal(fclose(f), 0);
	epoch_of(dir, e, why, sizeof(why));
	assert_string_not_equal(e, e2);
	assert_string_equal(why, "feed.head is damaged");
	/* Missing, once a witness was written. */
	assert_int_equal(unlink(p), 0);
	epoch_of(dir, e2, why, sizeof(why));
	assert_string_not_equal(e, e2);
	assert_non_null(strstr(why, "missing"));
}

static void
test_restart(void **state)
{
	struct node	*n;
	char		 dir[256], e[EPOCH_HEX + 1], e2[EPOCH_HEX + 1];
	char		 we[EPOCH_HEX + 1], why[256];
	int64_t		 h;

	(void)state;
	fresh(dir, sizeof(dir));
	epoch_of(dir, e, why, sizeof(why));
	assert_non_null(n = node_open(dir, "t"));
	assert_int_equal(epoch_restart(dir, n->st, "a test"), 0);
	assert_int_equal(epoch_get(n->st, e2), 0);
	node_close(n);
	assert_string_not_equal(e, e2);
	assert_int_equal(witness(dir, we, &h), 0);
	assert_string_equal(we, e2);
	epoch_of(dir, e, why, sizeof(why));
	assert_string_equal(e, e2);
	assert_string_equal(why, "a test");
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(epoch_valid("0123456789abcdef0123456789abcdef", 32));
	assert_false(epoch_valid("0123456789ABCDEF0123456789abcdef", 32));
	assert_false(epoch_valid("0123456789abcdef0123456789abcde", 31));
	assert_false(epoch_valid("0123456789abcdef0123456789abcdeg", 32));
}

static int
setup(void **state)
{
	(void)state;
	log_quiet(true);
	return (mkdtemp(base) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	return (system(cmd) == 0 ? 0 : -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_open_writes_witness),
		cmocka_unit_test(test_log_below_witness),
		cmocka_unit_test(test_cover_only_grows),
		cmocka_unit_test(test_other_epoch_damaged_missing),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_valid),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
