/*
 * What every Check unit test program repeats: building a test case from a
 * list of tests, and main() running the suite.
 */
#ifndef TEST_CHECK_SUITE_H
#define TEST_CHECK_SUITE_H

#include <check.h>
#include <stdlib.h>

/**
 * check_add_tcase() - add to @s the test case @name running the NULL-ended
 * @tests, with the checked fixture @setup/@teardown if either is non-NULL.
 * Returns the test case (for timeouts and the like).
 */
static inline TCase *check_add_tcase(Suite *s, const char *name, SFun setup, SFun teardown,
				     const TTest *const *tests)
{
	TCase *tc = tcase_create(name);

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (; *tests; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
	return tc;
}

/* CHECK_TCASE(s, "name", setup, teardown, test_a, test_b, ...) */
#define CHECK_TCASE(s, name, setup, teardown, ...)                                                 \
	check_add_tcase(s, name, setup, teardown, (const TTest *const[]){ __VA_ARGS__, NULL })

/** check_main() - run @s with normal output; the exit status for main(). */
static inline int check_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
