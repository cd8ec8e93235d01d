// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the fscache core.
 *
 * While no cache can be bound, the core must refuse caching the way the 6.1 API defines it: volumes and
 * cookies come back NULL (the netfs then runs uncached), backends cannot register a cache, and the I/O
 * entry points send the netfs to the server.
 */
#include <kunit/test.h>

#include "internal.h"

static void fscache_test_volume_refused(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, __fscache_acquire_volume("kunit-volume", NULL, NULL, 0));
	KUNIT_EXPECT_NULL(test, __fscache_acquire_volume("kunit-volume", "mycache", "c", 1));
}

static void fscache_test_cache_refused(struct kunit *test)
{
	struct fscache_cache *cache = fscache_acquire_cache("kunit");

	KUNIT_ASSERT_TRUE(test, IS_ERR(cache));
	KUNIT_EXPECT_EQ(test, PTR_ERR(cache), -EOPNOTSUPP);
}

static void fscache_test_io_refused(struct kunit *test)
{
	struct netfs_cache_resources cres = {};

	KUNIT_EXPECT_EQ(test, __fscache_begin_read_operation(&cres, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, __fscache_begin_write_operation(&cres, NULL), -ENOBUFS);
	KUNIT_EXPECT_NULL(test, cres.ops);
}

struct fscache_test_term {
	int calls;
	ssize_t result;
};

static void fscache_test_term_func(void *priv, ssize_t transferred_or_error, bool was_async)
{
	struct fscache_test_term *term = priv;

	term->calls++;
	term->result = transferred_or_error;
}

/* A write the cache cannot take still completes, once, with -ENOBUFS. */
static void fscache_test_write_completes(struct kunit *test)
{
	struct fscache_test_term term = {};

	__fscache_write_to_cache(NULL, NULL, 0, 0, 0, fscache_test_term_func, &term, false);
	KUNIT_EXPECT_EQ(test, term.calls, 1);
	KUNIT_EXPECT_EQ(test, term.result, -ENOBUFS);
}

static struct kunit_case fscache_skeleton_cases[] = {
	KUNIT_CASE(fscache_test_volume_refused),
	KUNIT_CASE(fscache_test_cache_refused),
	KUNIT_CASE(fscache_test_io_refused),
	KUNIT_CASE(fscache_test_write_completes),
	{}
};

static struct kunit_suite fscache_skeleton_suite = {
	.name = "fscache_skeleton",
	.test_cases = fscache_skeleton_cases,
};
kunit_test_suite(fscache_skeleton_suite);

MODULE_DESCRIPTION("KUnit tests of the fscache core");
MODULE_LICENSE("GPL");
