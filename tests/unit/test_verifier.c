/*
 * tests/unit/test_verifier.c: the verifier's pool of workers.  Several
 * threads check batches at once (one puller per peer does), batches of
 * every size, with sound, altered and wrongly signed changes among them:
 * each item's verdict is the one it gets checked alone, whichever worker
 * checked it and whatever else was being checked.  A checking thread
 * yields its core: its own nice value goes up, the others' stay.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/node.h"
#include "node/store.h"
#include "node/verifier.h"
#include "node/view.h"
#include "protocol/log.h"

#define NCHANGES	300
#define NTHREADS	4
#define ROUNDS		40

static char	 base[] = "/tmp/opora-verifier.XXXXXX";

struct grab {
	struct vitem	*items;
	size_t		 n;
};

static int
grab(const struct store_row *row, void *arg)
{
	struct grab	*g = arg;
	struct vitem	*it = &g->items[g->n++];

	it->bytes = malloc(row->len);
	assert_non_null(it->bytes);
	memcpy(it->bytes, row->bytes, row->len);
	it->len = row->len;
	memcpy(it->sig, row->sig, SIG_LEN);
	it->siglen_ok = true;
	return (g->n == NCHANGES ? 1 : 0);
}

/* The items, every seventh altered and every eleventh wrongly signed. */
static struct vitem	 items[NCHANGES];
static char		 expect[NCHANGES][256];
static bool		 decoded[NCHANGES];
static struct verifier	*ver;

struct worker {
	int	 index;
	int	 failures;
};

static void *
run(void *arg)
{
	struct worker	*w = arg;
	struct vitem	*mine;
	size_t		 i, n, off;
	int		 round;

	mine = calloc(NCHANGES, sizeof(*mine));
	for (round = 0; round < ROUNDS; round++) {
		/* Batches of 1 .. NCHANGES, from a different offset each. */
		n = 1 + (size_t)((round * 37 + w->index * 101) % NCHANGES);
		off = (size_t)((round * 13 + w->index * 7) % NCHANGES);
		if (off + n > NCHANGES)
			n = NCHANGES - off;
		for (i = 0; i < n; i++) {
			mine[i] = items[off + i];
			mine[i].problem[0] = '\0';
			mine[i].c = NULL;
		}
		verifier_check(ver, mine, n);
		for (i = 0; i < n; i++) {
			if (strcmp(mine[i].problem, expect[off + i]) != 0 ||
			    (mine[i].c != NULL) != decoded[off + i])
				w->failures++;
			change_free(mine[i].c);
		}
	}
	free(mine);
	return (NULL);
}

static void
test_pool_concurrent(void **state)
{
	struct node	*a;
	struct dossier	*d;
	struct op	 o;
	struct grab	 g = { items, 0 };
	struct worker	 w[NTHREADS];
	pthread_t	 th[NTHREADS];
	char		 dir[300], id[37], cid[65], why[256];
	int		 i, bad = 0, sound = 0;

	(void)state;
	assert_non_null(mkdtemp(base));
	snprintf(dir, sizeof(dir), "%s/a", base);
	log_quiet(true);
	assert_int_equal(node_init(dir, "RU-SMO", NULL, NULL), 0);
	assert_non_null(a = node_open(dir, "t"));
	memset(&o, 0, sizeof(o));
	o.kind = OP_PERSON_CREATE;
	o.field = -1;
	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = "2005-04-12";
	o.person[PF_SEX] = "F";
	assert_int_equal(store_begin(a->st), 0);
	for (i = 0; i < NCHANGES; i++) {
		assert_int_equal(node_new_uuid(id), 0);
		d = dossier_new(id);
		assert_int_equal(node_author(a, d, &o, 1, cid, why,
		    sizeof(why)), 0);
		dossier_free(d);
	}
	assert_int_equal(store_commit(a->st), 0);
	assert_int_equal(store_each_change(a->st, NULL, grab, &g), 1);
	assert_int_equal(g.n, NCHANGES);
	for (i = 0; i < NCHANGES; i++) {
		if (i % 7 == 3)
			items[i].bytes[items[i].len / 2] ^= 1;
		else if (i % 11 == 5)
			items[i].sig[0] ^= 1;
	}
	assert_non_null(ver = verifier_new(a->st));
	/* Alone, one at a time: the verdicts to expect. */
	for (i = 0; i < NCHANGES; i++) {
		verifier_check(ver, &items[i], 1);
		memcpy(expect[i], items[i].problem, sizeof(expect[i]));
		decoded[i] = items[i].c != NULL;
		if (expect[i][0] == '\0')
			sound++;
		else
			bad++;
		change_free(items[i].c);
		items[i].c = NULL;
	}
	assert_true(sound > 0 && bad > 0);
	for (i = 0; i < NTHREADS; i++) {
		w[i].index = i;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, run, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	verifier_free(ver);
	for (i = 0; i < NCHANGES; i++)
		free(items[i].bytes);
	node_close(a);
}

static int
thread_nice(void)
{
	int	 v;

	errno = 0;
	v = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	assert_false(v == -1 && errno != 0);
	return (v);
}

struct yielded {
	int	 before, after;
};

static void *
yield_run(void *arg)
{
	struct yielded	*y = arg;

	y->before = thread_nice();
	verifier_yield_thread();
	y->after = thread_nice();
	return (NULL);
}

/* Linux: the nice value is the thread's; the caller's is untouched. */
static void
test_yield_thread(void **state)
{
	struct yielded	 y;
	pthread_t	 th;
	int		 mine;

	(void)state;
	mine = thread_nice();
	assert_int_equal(pthread_create(&th, NULL, yield_run, &y), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(y.after, y.before + 5 > 19 ? 19 : y.before + 5);
	assert_int_equal(thread_nice(), mine);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_concurrent),
		cmocka_unit_test(test_yield_thread),
	};
	int	 rc;
	char	 cmd[400];

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	(void)system(cmd);
	return (rc);
}
