/*
 * tests/unit/test_uiguard.c: the web pages' listener's connection budgets
 * (node/uiguard.h): the cases an attacker tries (one address at its cap,
 * a few addresses holding every slot, connections that never finish a
 * request), and properties over random runs of connects, requests,
 * answers, cuts and closes that a wrong rule breaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/uiguard.h"

static struct uiguard	 g;

static void
reset(void)
{
	memset(&g, 0, sizeof(g));
}

/* n connections from addr at time t, with descriptors from 100. */
static void
fill(const char *addr, int n, uint64_t t)
{
	int	 i;

	for (i = 0; i < n; i++)
		assert_true(uiguard_add(&g, addr, 100 + i, t) >= 0);
}

/* n connections that are never late (accepted after any time these
 * tests look at): the listener under pressure, so that late ones are
 * cut. */
#define YOUNG	UINT64_C(4000000000)
static void
press(int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		assert_true(uiguard_add(&g, "10.7.7.7", 1000 + i, YOUNG) >= 0);
}

static int
live_from(const char *addr)
{
	int	 i, n = 0;

	for (i = 0; i < UIGUARD_SLOTS; i++)
		if (g.slot[i].used && !g.slot[i].cut &&
		    (addr == NULL || strcmp(g.slot[i].addr, addr) == 0))
			n++;
	return (n);
}

static void
test_room(void **state)
{
	int	 v;

	(void)state;
	reset();
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 0, &v), UIGUARD_ROOM);
	assert_int_equal(v, -1);
	fill("10.0.0.1", UI_CONN_PER_ADDR - 1, 0);
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 0, &v), UIGUARD_ROOM);
	assert_int_equal(uiguard_open(&g), UI_CONN_PER_ADDR - 1);
}

/* One address at its cap: a newcomer of its own takes the oldest of its
 * own that has waited the grace, and nobody else's. */
static void
test_own_cap(void **state)
{
	int	 v, i;

	(void)state;
	reset();
	fill("10.0.0.9", 10, 0);
	for (i = 0; i < UI_CONN_PER_ADDR; i++)
		assert_true(uiguard_add(&g, "10.0.0.1", i, 5000 + (uint64_t)i)
		    >= 0);
	/* Younger than the grace: refused. */
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 5000 + 10, &v),
	    UIGUARD_REFUSE);
	/* Past it: the oldest of its own (not 10.0.0.9's, older still). */
	assert_int_equal(uiguard_admit(&g, "10.0.0.1",
	    5000 + UIGUARD_GRACE_MS + 1, &v), UIGUARD_TAKE);
	assert_string_equal(g.slot[v].addr, "10.0.0.1");
	assert_int_equal(g.slot[v].accepted_ms, 5000);
	/* Busy ones go too, by age (a stranger keeping its connections
	 * busy holds none for good); never the one being answered. */
	for (i = 0; i < UIGUARD_SLOTS; i++)
		if (strcmp(g.slot[i].addr, "10.0.0.1") == 0)
			uiguard_busy(&g, i, true, 9000);
	uiguard_serving(&g, v, true, 9000);
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 60000, &i),
	    UIGUARD_TAKE);
	assert_int_equal(g.slot[i].accepted_ms, 5001);
	uiguard_serving(&g, v, false, 9001);
	/* Another address still has room. */
	assert_int_equal(uiguard_admit(&g, "10.0.0.2", 60000, &v),
	    UIGUARD_ROOM);
}

/* Four addresses hold every slot, all fresh: a newcomer from a fifth
 * takes the oldest slot of one of them, whatever its age; their own
 * reconnects do not get the fair share. */
static void
test_fair_share(void **state)
{
	int	 v, i;

	(void)state;
	reset();
	fill("10.0.0.2", 64, 1000);
	fill("10.0.0.3", 64, 999);
	fill("10.0.0.4", 64, 1000);
	fill("10.0.0.5", 64, 1000);
	assert_int_equal(live_from(NULL), UI_CONN_MAX);
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 1000, &v),
	    UIGUARD_TAKE);
	assert_string_equal(g.slot[v].addr, "10.0.0.3");
	assert_int_equal(uiguard_cut(&g, v), 100);
	assert_int_equal(uiguard_cut(&g, v), -1);	/* once only */
	assert_true(uiguard_add(&g, "10.0.0.1", 7, 1000) >= 0);
	/* 10.0.0.3 (63, the most being 64) gets no fair share, and every
	 * slot is younger than the grace. */
	assert_int_equal(uiguard_admit(&g, "10.0.0.3", 1001, &v),
	    UIGUARD_REFUSE);
	/* The curator's second connection: still fair. */
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 1001, &v),
	    UIGUARD_TAKE);
	assert_string_not_equal(g.slot[v].addr, "10.0.0.1");
	/* Past the grace, the oldest slot of anyone. */
	assert_int_equal(uiguard_admit(&g, "10.0.0.3", 1000 +
	    UIGUARD_GRACE_MS, &v), UIGUARD_TAKE);
	assert_int_equal(g.slot[v].accepted_ms, 999);
	/* Every slot busy, asking again and again: still by age, so that
	 * 256 addresses of one connection each churn and a curator gets
	 * in; the one being answered never goes. */
	for (i = 0; i < UIGUARD_SLOTS; i++)
		uiguard_busy(&g, i, true, 2000);
	uiguard_serving(&g, v, true, 2000);
	assert_int_equal(uiguard_admit(&g, "10.0.0.9", 99000, &i),
	    UIGUARD_TAKE);
	assert_int_not_equal(i, v);
	assert_int_equal(g.slot[i].accepted_ms, 1000);
}

/* Late: waiting UIGUARD_REQUEST_MS since accept or the last answer;
 * busy or cut never. */
static void
test_late(void **state)
{
	int	 a, b, c;

	(void)state;
	reset();
	a = uiguard_add(&g, "10.0.0.1", 3, 0);
	b = uiguard_add(&g, "10.0.0.1", 4, 0);
	c = uiguard_add(&g, "10.0.0.2", 5, 5000);
	/* Room enough: nobody is cut, however long they wait. */
	assert_int_equal(uiguard_late(&g, 10 * UIGUARD_REQUEST_MS, 0), -1);
	press(UIGUARD_PRESSURE - 4);
	assert_int_equal(uiguard_late(&g, 10 * UIGUARD_REQUEST_MS, 0), -1);
	press(1);
	assert_int_equal(uiguard_late(&g, UIGUARD_REQUEST_MS - 1, 0), -1);
	assert_int_equal(uiguard_late(&g, UIGUARD_REQUEST_MS, 0), a);
	assert_int_equal(uiguard_late(&g, UIGUARD_REQUEST_MS, a + 1), b);
	assert_int_equal(uiguard_late(&g, UIGUARD_REQUEST_MS, b + 1), -1);
	uiguard_busy(&g, a, true, 50000);
	assert_int_equal(uiguard_late(&g, 60000, 0), b);
	uiguard_busy(&g, a, false, 55000);	/* answered: waiting again */
	assert_int_equal(uiguard_cut(&g, b), 4);
	press(1);	/* b no longer counts */
	assert_int_equal(uiguard_late(&g, 60000, 0), c);
	assert_int_equal(uiguard_late(&g, 60000, c + 1), -1);
	assert_int_equal(uiguard_late(&g, 55000 + UIGUARD_REQUEST_MS, 0), a);
	/* A request begun: its rest is counted from its first line. */
	uiguard_begun(&g, a, 55000 + UIGUARD_REQUEST_MS - 1);
	assert_int_equal(uiguard_late(&g, 55000 + UIGUARD_REQUEST_MS, 0), c);
	assert_int_equal(uiguard_late(&g, 55000 + 2 * UIGUARD_REQUEST_MS - 1,
	    0), a);
	/* Busy: its answer must be taken within UIGUARD_ANSWER_MS (a slow
	 * reader); the one being answered is never late. */
	uiguard_busy(&g, c, true, 70000);
	assert_int_equal(uiguard_late(&g, 70000 + UIGUARD_ANSWER_MS - 1, c),
	    -1);
	assert_int_equal(uiguard_late(&g, 70000 + UIGUARD_ANSWER_MS, c), c);
	uiguard_serving(&g, c, true, 70000 + UIGUARD_ANSWER_MS);
	assert_int_equal(uiguard_late(&g, 70000 + 9 * UIGUARD_ANSWER_MS, c),
	    -1);
	uiguard_serving(&g, c, false, 70000 + 9 * UIGUARD_ANSWER_MS);
	uiguard_busy(&g, c, false, 70000 + 9 * UIGUARD_ANSWER_MS);
	/* A clock that went back (it is monotonic; still): not late. */
	assert_int_equal(uiguard_late(&g, 0, c), -1);
	uiguard_remove(&g, b);
	assert_int_equal(uiguard_open(&g), UIGUARD_PRESSURE);
	assert_false(g.slot[b].used);
}

/* The listener's time answering others is not a connection's waiting:
 * a queue of slow answers (logins) does not make the requests behind it
 * late. */
static void
test_serving(void **state)
{
	int	 a, b;

	(void)state;
	reset();
	a = uiguard_add(&g, "10.0.0.1", 3, 1);
	uiguard_serving(&g, -1, true, 1000);
	b = uiguard_add(&g, "10.0.0.2", 4, 5000);	/* while serving */
	press(UIGUARD_PRESSURE);
	assert_int_equal(uiguard_waited(&g, a, 6000), 999);
	assert_int_equal(uiguard_waited(&g, b, 6000), 0);
	uiguard_serving(&g, -1, false, 9000);
	assert_int_equal(uiguard_waited(&g, a, 12000), 3999);
	assert_int_equal(uiguard_late(&g, 12000, 0), -1);
	assert_int_equal(uiguard_waited(&g, b, 12000), 3000);
	assert_int_equal(uiguard_late(&g, 9000 + UIGUARD_REQUEST_MS - 999,
	    0), a);
	assert_int_equal(uiguard_late(&g, 9000 + UIGUARD_REQUEST_MS - 999,
	    a + 1), -1);
	assert_int_equal(uiguard_late(&g, 9000 + UIGUARD_REQUEST_MS, a + 1),
	    b);
	/* Another long answer: the clock stops for every one waiting. */
	uiguard_serving(&g, -1, true, 20000);
	assert_int_equal(uiguard_waited(&g, b, 40000), 11000);
	uiguard_serving(&g, -1, false, 40000);
	assert_int_equal(uiguard_waited(&g, b, 40000), 11000);
}

/* Cut connections count until closed: a table full of them refuses. */
static void
test_spare(void **state)
{
	int	 i, v;

	(void)state;
	reset();
	for (i = 0; i < UIGUARD_SLOTS; i++) {
		char	 a[32];

		snprintf(a, sizeof(a), "10.1.%d.%d", i / 200, i % 200);
		assert_int_equal(uiguard_add(&g, a, i, 0), i);
		if (i < UIGUARD_SPARE)
			uiguard_cut(&g, i);
	}
	assert_int_equal(uiguard_add(&g, "10.0.0.1", 1, 0), -1);
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 99999, &v),
	    UIGUARD_REFUSE);
	uiguard_remove(&g, 0);
	/* One slot free, but UI_CONN_MAX live: one that waited goes. */
	assert_int_equal(uiguard_admit(&g, "10.0.0.1", 99999, &v),
	    UIGUARD_TAKE);
	assert_false(g.slot[v].cut);
}

/*
 * Random runs: newcomers from a handful of addresses (weighted, as an
 * attacker's few and a curator's one), requests, answers (one answered
 * at a time), the watchdog and closes, each newcomer doing what
 * uiguard_admit says.  After every step: the budgets hold; a victim was
 * live and not the one being answered; a newcomer holding fewer than
 * the fullest address, less one, takes from the fullest when it can;
 * when a newcomer from an address holding none is refused, nothing of
 * the fullest address could be taken.
 */
static void
test_properties(void **state)
{
	static const char *const addrs[] = { "10.0.0.2", "10.0.0.3",
	    "10.0.0.4", "10.0.0.5", "10.0.0.1", "::1" };
	uint64_t	 now = 1;
	int		 step, i, v, a, k, seed;

	(void)state;
	for (seed = 1; seed <= 6; seed++) {
		reset();
		srand((unsigned)seed);
		for (step = 0; step < 8000; step++) {
			now += (uint64_t)(rand() % 40);
			k = rand() % 10;
			/* Mostly the four attackers; the curator at times. */
			a = rand() % 40 == 0 ? 4 + rand() % 2 : rand() % 4;
			if (k < 6) {
				int	 before = live_from(addrs[a]);
				enum uiguard_verdict r;

				int	 most = 0, j;

				for (j = 0; j < 6; j++)
					if (live_from(addrs[j]) > most)
						most = live_from(addrs[j]);
				r = uiguard_admit(&g, addrs[a], now, &v);
				if (r == UIGUARD_TAKE) {
					assert_true(v >= 0 &&
					    v < UIGUARD_SLOTS);
					assert_true(g.slot[v].used);
					assert_false(g.slot[v].cut);
					assert_int_not_equal(g.handling,
					    v + 1);
					/* Fair share: from the fullest. */
					if (before < most - 1 &&
					    before < UI_CONN_PER_ADDR &&
					    live_from(g.slot[v].addr) !=
					    most) {
						for (j = 0; j < UIGUARD_SLOTS;
						    j++)
							if (g.slot[j].used &&
							    !g.slot[j].cut &&
							    g.handling !=
							    j + 1 &&
							    live_from(g.slot[j]
							    .addr) == most)
								fail_msg("took "
								    "no fair "
								    "share");
					}
					uiguard_cut(&g, v);
				} else
					assert_int_equal(v, -1);
				if (r == UIGUARD_REFUSE && before == 0) {
					/* Fair share had no one to take:
					 * nothing waits at the fullest. */
					for (j = 0; j < UIGUARD_SLOTS &&
					    most > 1; j++)
						if (g.slot[j].used &&
						    !g.slot[j].cut &&
						    g.handling != j + 1 &&
						    live_from(g.slot[j].addr)
						    == most &&
						    uiguard_open(&g) <
						    UIGUARD_SLOTS)
							fail_msg("refused a "
							    "fair share");
				}
				if (r != UIGUARD_REFUSE)
					assert_true(uiguard_add(&g, addrs[a],
					    step, now) >= 0);
			} else if (k == 6) {
				/* A request whole, answered, and sent. */
				i = rand() % UIGUARD_SLOTS;
				if (g.handling != 0) {
					uiguard_serving(&g, g.handling - 1,
					    false, now);
				} else if (g.slot[i].used && !g.slot[i].cut &&
				    !g.slot[i].busy) {
					uiguard_busy(&g, i, true, now);
					uiguard_serving(&g, i, true, now);
				} else if (g.slot[i].busy)
					uiguard_busy(&g, i, false, now);
			} else if (k == 7) {
				for (i = 0; (i = uiguard_late(&g, now, i)) !=
				    -1; i++) {
					assert_int_not_equal(g.handling,
					    i + 1);
					assert_true(now - g.slot[i].since_ms >=
					    (g.slot[i].busy ?
					    UIGUARD_ANSWER_MS :
					    UIGUARD_REQUEST_MS));
					uiguard_cut(&g, i);
				}
			} else {
				/* Closes: every cut one, and one at random. */
				for (i = 0; i < UIGUARD_SLOTS; i++)
					if (g.slot[i].cut && rand() % 2)
						uiguard_remove(&g, i);
				i = rand() % UIGUARD_SLOTS;
				if (k == 9 && g.handling != i + 1)
					uiguard_remove(&g, i);
			}
			assert_true(live_from(NULL) <= UI_CONN_MAX);
			assert_true(uiguard_open(&g) <= UIGUARD_SLOTS);
			for (i = 0; i < 6; i++)
				assert_true(live_from(addrs[i]) <=
				    UI_CONN_PER_ADDR);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_own_cap),
		cmocka_unit_test(test_fair_share),
		cmocka_unit_test(test_late),
		cmocka_unit_test(test_serving),
		cmocka_unit_test(test_spare),
		cmocka_unit_test(test_properties),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
