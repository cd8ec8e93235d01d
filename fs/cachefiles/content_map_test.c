// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the cachefiles content map.
 *
 * Expected states are spelt out granule by granule ("0110..." strings, checked by
 * cmt_expect_map()) or computed by a reference model that follows the documented rules one granule
 * at a time, with none of the map's word tricks (cachefiles_map_test_model()).  Every map and
 * buffer a case makes is tracked in its struct cmt_ctx and released by .exit, so a failed
 * assertion leaks nothing.
 *
 * Decoder rejections are checked two ways: as corruption would occur (the CRCs then catch it), and
 * with the CRCs recomputed after the damage, so that the check meant for that field is the one
 * that fires.  The CRC fix-up is itself proven by cases that damage nothing, or change a field to
 * another valid value, and expect the decode to succeed.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <linux/limits.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "content_map.h"

#define G			((loff_t)CACHEFILES_GRANULE_SIZE)
#define CMT_MAPS		4
#define CMT_BUFS		4
#define CMT_SEED		0x5eed1e55ULL
#define CMT_POISON		0x5a		/* Fills a map that a failed call must not touch */
#define CMT_SMALL_SIZE		(10 * G - 3)	/* Ten granules, the last one short */
#define CMT_TIB			(1LL << 40)
#define CMT_MAX			((loff_t)CACHEFILES_MAP_MAX_OBJECT_SIZE)
#define CMT_MODEL_GRANULES	320		/* Largest object of the model test, in granules */
#define CMT_MODEL_OPS		4000
#define CMT_FUZZ_ROUNDS		3000
#define CMT_HDR			CACHEFILES_MAP_HEADER_SIZE
#define CMT_HDR_CRC_OFF		offsetof(struct cachefiles_map_header, header_crc)

struct cmt_ctx {
	struct cachefiles_map	maps[CMT_MAPS];
	bool			live[CMT_MAPS];	/* maps[i] holds a bitmap to free */
	void			*bufs[CMT_BUFS];	/* kvmalloc'd */
};

static int cmt_init(struct kunit *test)
{
	struct cmt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void cmt_exit(struct kunit *test)
{
	struct cmt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < CMT_MAPS; i++)
		if (ctx->live[i])
			cachefiles_map_free(&ctx->maps[i]);
	for (i = 0; i < CMT_BUFS; i++)
		kvfree(ctx->bufs[i]);
}

/* A free map slot, poisoned, so that a case can tell whether a failed call touched it. */
static struct cachefiles_map *cmt_slot(struct kunit *test)
{
	struct cmt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < CMT_MAPS; i++) {
		if (!ctx->live[i]) {
			memset(&ctx->maps[i], CMT_POISON, sizeof(ctx->maps[i]));
			return &ctx->maps[i];
		}
	}
	KUNIT_FAIL(test, "out of map slots");
	return NULL;
}

/* Record that @map, a slot, now holds a bitmap that .exit must free. */
static void cmt_adopt(struct kunit *test, struct cachefiles_map *map)
{
	struct cmt_ctx *ctx = test->priv;

	ctx->live[map - ctx->maps] = true;
}

static bool cmt_poisoned(const struct cachefiles_map *map)
{
	return !memchr_inv(map, CMT_POISON, sizeof(*map));
}

static struct cachefiles_map *cmt_new_map(struct kunit *test, loff_t size)
{
	struct cachefiles_map *map = cmt_slot(test);

	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_ASSERT_EQ(test, cachefiles_map_init(map, size, GFP_KERNEL), 0);
	cmt_adopt(test, map);
	return map;
}

static void cmt_free_map(struct kunit *test, struct cachefiles_map *map)
{
	struct cmt_ctx *ctx = test->priv;

	cachefiles_map_free(map);
	ctx->live[map - ctx->maps] = false;
}

static void *cmt_buf(struct kunit *test, size_t len)
{
	struct cmt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < CMT_BUFS; i++) {
		if (!ctx->bufs[i]) {
			ctx->bufs[i] = kvzalloc(len, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, ctx->bufs[i]);
			return ctx->bufs[i];
		}
	}
	KUNIT_FAIL(test, "out of buffers");
	return NULL;
}

/* Decode into a fresh slot; on failure, check that the slot was not touched. */
static int cmt_decode(struct kunit *test, const void *buf, size_t len, loff_t expected,
		      struct cachefiles_map **out)
{
	struct cachefiles_map *map = cmt_slot(test);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, map);
	ret = cachefiles_map_decode(map, buf, len, expected, GFP_KERNEL);
	if (ret) {
		KUNIT_EXPECT_TRUE_MSG(test, cmt_poisoned(map), "failed decode changed the map");
		return ret;
	}
	cmt_adopt(test, map);
	if (out)
		*out = map;
	return 0;
}

/* An encoding of @map in a tracked buffer of exactly its size. */
static u8 *cmt_encode(struct kunit *test, const struct cachefiles_map *map, size_t *len)
{
	size_t need = cachefiles_map_encoded_size(map);
	u8 *buf = cmt_buf(test, need);

	KUNIT_ASSERT_EQ(test, cachefiles_map_encode(map, buf, need), (ssize_t)need);
	*len = need;
	return buf;
}

/* The invariants every map keeps, whatever happened to it. */
static void cmt_check_invariants(struct kunit *test, const struct cachefiles_map *map)
{
	unsigned long granules = cachefiles_map_nr_granules(map->size);

	KUNIT_ASSERT_NOT_NULL(test, map->bits);
	KUNIT_EXPECT_GE(test, map->nr_bits, granules);
	KUNIT_EXPECT_EQ(test, map->nr_bits % BITS_PER_LONG, 0UL);
	KUNIT_EXPECT_EQ(test, map->nr_set, (unsigned long)bitmap_weight(map->bits, granules));
	KUNIT_EXPECT_EQ_MSG(test, find_next_bit(map->bits, map->nr_bits, granules), map->nr_bits,
			    "bit set past the last granule");
}

/* Check @map granule by granule against @expect, one '0' or '1' per granule, and its invariants. */
#define cmt_expect_map(test, map, expect) __cmt_expect_map(test, map, expect, __LINE__)
static void __cmt_expect_map(struct kunit *test, const struct cachefiles_map *map,
			     const char *expect, int line)
{
	unsigned long g, granules = cachefiles_map_nr_granules(map->size);
	unsigned long ones = 0;

	KUNIT_EXPECT_EQ_MSG(test, strlen(expect), (size_t)granules, "line %d: granule count", line);
	for (g = 0; g < granules && expect[g]; g++) {
		ones += expect[g] == '1';
		KUNIT_EXPECT_EQ_MSG(test, test_bit(g, map->bits), expect[g] == '1',
				    "line %d: granule %lu, expected %s", line, g, expect);
	}
	KUNIT_EXPECT_EQ_MSG(test, map->nr_set, ones, "line %d: nr_set", line);
	cmt_check_invariants(test, map);
}

/* Mark granule @g present, with a set of exactly that granule (to EOF for the last one). */
static void cmt_set_granule(struct kunit *test, struct cachefiles_map *map, unsigned long g)
{
	loff_t start = (loff_t)g << CACHEFILES_GRANULE_SHIFT;

	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, start, min(G, map->size - start)), 0);
}

/* The standard CRC-32C, as the format documentation specifies it. */
static u32 cmt_crc(const void *p, size_t len)
{
	return ~__crc32c_le(~0U, p, len);
}

static void cmt_fix_crcs(u8 *buf, size_t len, bool bitmap, bool header)
{
	if (bitmap)
		put_unaligned_le32(cmt_crc(buf + CMT_HDR, len - CMT_HDR), buf + 24);
	if (header)
		put_unaligned_le32(cmt_crc(buf, CMT_HDR_CRC_OFF), buf + CMT_HDR_CRC_OFF);
}

/* The small map most decoder cases damage: CMT_SMALL_SIZE, granules 0, 3 and 9 (the last). */
static struct cachefiles_map *cmt_small_map(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, CMT_SMALL_SIZE);

	cmt_set_granule(test, map, 0);
	cmt_set_granule(test, map, 3);
	cmt_set_granule(test, map, 9);
	cmt_expect_map(test, map, "1001000001");
	return map;
}

/* ---- Setting up ---------------------------------------------------------------------------- */

static void cachefiles_map_test_init(struct kunit *test)
{
	static const struct { loff_t size; unsigned long granules; } ok[] = {
		{ 0, 0 }, { 1, 1 }, { G - 1, 1 }, { G, 1 }, { G + 1, 2 },
		{ 64 * G, 64 }, { 64 * G + 1, 65 },
		{ CMT_MAX, CACHEFILES_MAP_MAX_GRANULES },
	};
	struct cachefiles_map *map;
	int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		map = cmt_new_map(test, ok[i].size);
		KUNIT_EXPECT_EQ(test, cachefiles_map_nr_granules(ok[i].size), ok[i].granules);
		KUNIT_EXPECT_EQ(test, map->size, ok[i].size);
		KUNIT_EXPECT_EQ(test, map->nr_set, 0UL);
		KUNIT_EXPECT_FALSE(test, map->dirty);
		KUNIT_EXPECT_EQ(test, find_first_bit(map->bits, map->nr_bits), map->nr_bits);
		KUNIT_EXPECT_TRUE(test, ok[i].size == 0 ||
				  !cachefiles_map_test(map, ok[i].size - 1, 1));
		cmt_check_invariants(test, map);
		cmt_free_map(test, map);
		KUNIT_EXPECT_NULL(test, map->bits);
		cachefiles_map_free(map);	/* A second free is harmless */
	}

	map = cmt_slot(test);
	KUNIT_ASSERT_NOT_NULL(test, map);
	KUNIT_EXPECT_EQ(test, cachefiles_map_init(map, -1, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_map_init(map, LLONG_MIN, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_map_init(map, CMT_MAX + 1, GFP_KERNEL), -EFBIG);
	KUNIT_EXPECT_EQ(test, cachefiles_map_init(map, LLONG_MAX, GFP_KERNEL), -EFBIG);
	/* An 8 MiB bitmap is past kmalloc's limit, and GFP_NOWAIT forbids the vmalloc fallback. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_init(map, CMT_MAX, GFP_NOWAIT | __GFP_NOWARN),
			-ENOMEM);
	KUNIT_EXPECT_TRUE(test, cmt_poisoned(map));
}

/* ---- Set, clear, test ------------------------------------------------------------------------ */

static void cachefiles_map_test_set_aligned(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 8 * G);

	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, G), 0);
	cmt_expect_map(test, map, "10000000");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 2 * G, 3 * G), 0);
	cmt_expect_map(test, map, "10111000");
	/* Overlapping what is present counts only the new granules. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G, 4 * G), 0);
	cmt_expect_map(test, map, "11111000");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 7 * G, G), 0);
	cmt_expect_map(test, map, "11111001");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, 8 * G), 0);
	cmt_expect_map(test, map, "11111111");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 3 * G, 0), 0);
	cmt_expect_map(test, map, "11111111");
}

static void cachefiles_map_test_set_unaligned(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 10 * G);

	/* A granule's worth that straddles two granules covers neither. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 100, G), 0);
	cmt_expect_map(test, map, "0000000000");
	KUNIT_EXPECT_FALSE(test, map->dirty);
	/* One byte either side of granule 1: only granule 1. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G - 1, G + 2), 0);
	cmt_expect_map(test, map, "0100000000");
	/* Start rounds up, end rounds down. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 3 * G + 1, 3 * G - 2), 0);
	cmt_expect_map(test, map, "0100100000");
	/* One byte short of a granule at either end. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 6 * G + 1, G - 1), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 7 * G, G - 1), 0);
	cmt_expect_map(test, map, "0100100000");
	/* Two halves in two calls do not make a whole. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 8 * G, G / 2), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 8 * G + G / 2, G / 2), 0);
	cmt_expect_map(test, map, "0100100000");
	/* A long unaligned range over present granules. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G / 2, 9 * G), 0);
	cmt_expect_map(test, map, "0111111110");
}

static void cachefiles_map_test_set_eof(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 3 * G + 5);

	/* Ending a byte short of EOF does not take the last granule. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 2 * G, G + 4), 0);
	cmt_expect_map(test, map, "0010");
	/* The last granule from its start to EOF. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 3 * G, 5), 0);
	cmt_expect_map(test, map, "0011");
	cachefiles_map_clear(map, 3 * G, 1);
	cmt_expect_map(test, map, "0010");
	/* Reaching EOF from inside the last granule is not its start. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 3 * G + 1, 4), 0);
	cmt_expect_map(test, map, "0010");
	/* A range from an unaligned start up to EOF. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G - 7, 2 * G + 12), 0);
	cmt_expect_map(test, map, "0111");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, 3 * G + 5), 0);
	cmt_expect_map(test, map, "1111");

	/* An object smaller than one granule. */
	map = cmt_new_map(test, 5);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, 4), 0);
	cmt_expect_map(test, map, "0");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 1, 4), 0);
	cmt_expect_map(test, map, "0");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, 5), 0);
	cmt_expect_map(test, map, "1");
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 0, 5));

	/* An aligned size has no short granule: the last one needs all of itself. */
	map = cmt_new_map(test, 2 * G);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G + 1, G - 1), 0);
	cmt_expect_map(test, map, "00");
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G, G), 0);
	cmt_expect_map(test, map, "01");
}

static void cachefiles_map_test_set_errors(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 4 * G);

	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, 4 * G + 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 4 * G, 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 4 * G + 1, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 1, LLONG_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, LLONG_MAX, LLONG_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, -1, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, LLONG_MIN, G), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, G, LLONG_MIN), -EINVAL);
	cmt_expect_map(test, map, "0000");
	KUNIT_EXPECT_FALSE(test, map->dirty);
	/* Empty at EOF is fine; so is the whole object. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 4 * G, 0), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, 0, 4 * G), 0);
	cmt_expect_map(test, map, "1111");
}

static void cachefiles_map_test_clear(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 10 * G + 7);

	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, map->size), 0);
	cmt_expect_map(test, map, "11111111111");
	map->dirty = false;

	/* One byte clears its whole granule. */
	cachefiles_map_clear(map, G + 1, 1);
	cmt_expect_map(test, map, "10111111111");
	KUNIT_EXPECT_TRUE(test, map->dirty);
	/* Two bytes over a boundary clear both granules. */
	cachefiles_map_clear(map, 3 * G - 1, 2);
	cmt_expect_map(test, map, "10001111111");
	/* Exactly one granule clears only it. */
	cachefiles_map_clear(map, 5 * G, G);
	cmt_expect_map(test, map, "10001011111");
	/* Past EOF is clamped. */
	cachefiles_map_clear(map, 10 * G + 3, 100);
	cmt_expect_map(test, map, "10001011110");
	/* Nothing: negative, empty, at or past EOF. */
	map->dirty = false;
	cachefiles_map_clear(map, -1, 5 * G);
	cachefiles_map_clear(map, 0, 0);
	cachefiles_map_clear(map, 0, -G);
	cachefiles_map_clear(map, map->size, G);
	cachefiles_map_clear(map, LLONG_MAX, LLONG_MAX);
	cmt_expect_map(test, map, "10001011110");
	/* Clearing what is absent changes nothing. */
	cachefiles_map_clear(map, G, 3 * G);
	cmt_expect_map(test, map, "10001011110");
	KUNIT_EXPECT_FALSE(test, map->dirty);
	/* A length that overflows clears to EOF. */
	cachefiles_map_clear(map, 8 * G + 5, LLONG_MAX);
	cmt_expect_map(test, map, "10001011000");
	cachefiles_map_clear(map, 0, map->size);
	cmt_expect_map(test, map, "00000000000");
}

static void cachefiles_map_test_test(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 6 * G + 1000);

	cmt_set_granule(test, map, 0);
	cmt_set_granule(test, map, 1);
	cmt_set_granule(test, map, 3);
	cmt_set_granule(test, map, 6);
	cmt_expect_map(test, map, "1101001");

	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 0, 2 * G));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 0, 2 * G + 1));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, G - 1, 2));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 2 * G - 1, 1));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 2 * G - 1, 2));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 2 * G, 1));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 3 * G - 1, 1));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 3 * G, G));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 3 * G + 5, 10));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 3 * G + 5, G));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 5 * G + G / 2, G));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 0, map->size));
	/* The short last granule, and ranges past EOF clamped to it. */
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 6 * G, 1000));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 6 * G + 500, 1LL << 40));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 6 * G + 999, LLONG_MAX));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 5 * G, LLONG_MAX));
	/* Empty ranges and ranges wholly past EOF are vacuously present; bad arguments are not. */
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 2 * G, 0));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, map->size, G));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, LLONG_MAX, LLONG_MAX));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, -1, 2));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 0, -1));

	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, map->size), 0);
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 0, map->size));
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 1, LLONG_MAX));
}

static void cachefiles_map_test_runs(struct kunit *test)
{
	loff_t size = 8 * G + 100;
	struct cachefiles_map *map = cmt_new_map(test, size);

	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 0), size);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 0), 0);
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, G, 3 * G), 0);
	cmt_set_granule(test, map, 6);
	cmt_set_granule(test, map, 8);
	cmt_expect_map(test, map, "011100101");

	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 0), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 0), G);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 100), G - 100);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, G - 1), 1);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, G), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, G), 3 * G);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, G + 5), 3 * G - 5);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 4 * G - 1), 1);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 4 * G), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 4 * G), 2 * G);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 6 * G + 1), G - 1);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 7 * G), G);
	/* Runs stop at EOF, inside the last granule. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 8 * G), 100);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, size - 1), 1);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, size), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, size), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, LLONG_MAX), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, -1), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, -1), 0);

	cachefiles_map_clear(map, 8 * G, 1);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 7 * G + 3), G + 97);
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, size), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 7), size - 7);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 7), 0);
}

/* ---- Resize ---------------------------------------------------------------------------------- */

static void cachefiles_map_test_resize_grow(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 3 * G + 10);

	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, map->size), 0);
	cachefiles_map_clear(map, 2 * G, 1);
	cmt_expect_map(test, map, "1101");
	/* The old EOF granule was written only up to the old EOF. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 5 * G, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->size, 5 * G);
	cmt_expect_map(test, map, "11000");
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, 3 * G, 10));

	/* From an aligned size every granule stays. */
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, map->size), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 7 * G + 1, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "11111000");

	/* Growing inside the same granule still clears it. */
	map = cmt_new_map(test, 100);
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, 100), 0);
	cmt_expect_map(test, map, "1");
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 200, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "0");
	/* Up to exactly a granule, then past it. */
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, 200), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, G, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "0");
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, G), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, G + 1, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "10");

	/* From empty. */
	map = cmt_new_map(test, 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 3 * G, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "000");
}

static void cachefiles_map_test_resize_shrink(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 10 * G);

	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, map->size), 0);
	/* The granule holding the new EOF keeps its valid head. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 5 * G + 1, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "111111");
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 0, map->size));
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 0), 5 * G + 1);
	/* Growing back: the dropped granules stay absent, the short one is cleared. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 10 * G, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "1111100000");
	/* To an aligned size, to a byte, to nothing. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 3 * G, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "111");
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 1, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "1");
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, 0, 1));
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 0, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "");
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 0), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, 2 * G, GFP_KERNEL), 0);
	cmt_expect_map(test, map, "00");
}

static void cachefiles_map_test_resize_errors(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 5 * G + 3);
	unsigned long *bits;

	cmt_set_granule(test, map, 1);
	cmt_set_granule(test, map, 5);
	map->dirty = false;
	bits = map->bits;

	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, -1, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, CMT_MAX + 1, GFP_KERNEL), -EFBIG);
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, LLONG_MAX, GFP_KERNEL), -EFBIG);
	/* See cachefiles_map_test_init(): this allocation cannot succeed. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, CMT_MAX, GFP_NOWAIT | __GFP_NOWARN),
			-ENOMEM);
	/* Not even the old EOF granule may be cleared by a failed grow. */
	KUNIT_EXPECT_PTR_EQ(test, map->bits, bits);
	KUNIT_EXPECT_EQ(test, map->nr_bits, (unsigned long)BITS_PER_LONG);
	KUNIT_EXPECT_EQ(test, map->size, 5 * G + 3);
	KUNIT_EXPECT_FALSE(test, map->dirty);
	cmt_expect_map(test, map, "010001");
	/* The same size is no change. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, map->size, GFP_KERNEL), 0);
	KUNIT_EXPECT_FALSE(test, map->dirty);
	cmt_expect_map(test, map, "010001");

	/* And the largest object is allowed when memory is. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_resize(map, CMT_MAX, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->nr_bits, (unsigned long)CACHEFILES_MAP_MAX_GRANULES);
	KUNIT_EXPECT_EQ(test, map->nr_set, 1UL);
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, G, G));
	KUNIT_EXPECT_EQ(test, cachefiles_map_set(map, CMT_MAX - G, G), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, CMT_MAX - 1), 1);
	cmt_check_invariants(test, map);
}

/* An object growing a granule at a time reallocates its bitmap a logarithmic number of times. */
static void cachefiles_map_test_resize_realloc(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 0);
	unsigned long g, prev_bits = map->nr_bits, reallocs = 0;
	const unsigned long n = 2000;

	for (g = 1; g <= n; g++) {
		KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, g * G, GFP_KERNEL), 0);
		if (g % 3 == 0)
			KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, (g - 1) * G, G), 0);
		if (map->nr_bits != prev_bits)
			reallocs++;
		prev_bits = map->nr_bits;
	}
	/* 64 bits, then doubling to 2048: 5 reallocations. */
	KUNIT_EXPECT_EQ(test, reallocs, 5UL);
	KUNIT_EXPECT_EQ(test, map->nr_bits, 2048UL);
	KUNIT_EXPECT_EQ(test, map->nr_set, n / 3);
	for (g = 0; g < n; g++)
		KUNIT_ASSERT_EQ_MSG(test, test_bit(g, map->bits), g % 3 == 2, "granule %lu", g);
	cmt_check_invariants(test, map);

	/* Shrinking far gives memory back and keeps what is left. */
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, 100 * G, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->nr_bits, 128UL);
	KUNIT_EXPECT_EQ(test, map->nr_set, 33UL);
	for (g = 0; g < 100; g++)
		KUNIT_ASSERT_EQ_MSG(test, test_bit(g, map->bits), g % 3 == 2, "granule %lu", g);
	cmt_check_invariants(test, map);
	/* A shrink to a quarter or more of the bitmap does not reallocate. */
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, 40 * G, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->nr_bits, 128UL);
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, 0, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->nr_bits, 128UL);
	cmt_check_invariants(test, map);
	/* From the largest bitmap down to nothing is one reallocation. */
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, CMT_MAX, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->nr_bits, (unsigned long)CACHEFILES_MAP_MAX_GRANULES);
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, 0, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, map->nr_bits, (unsigned long)BITS_PER_LONG);
	cmt_check_invariants(test, map);
}

static void cachefiles_map_test_dirty(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 4 * G);
	struct cachefiles_map *copy;
	size_t len;
	u8 *buf;

	KUNIT_EXPECT_FALSE(test, map->dirty);
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 1, G), 0);	/* Marks nothing */
	KUNIT_EXPECT_FALSE(test, map->dirty);
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, G), 0);
	KUNIT_EXPECT_TRUE(test, map->dirty);
	map->dirty = false;
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, G), 0);	/* Already present */
	KUNIT_EXPECT_FALSE(test, map->dirty);
	cachefiles_map_clear(map, 2 * G, G);				/* Already absent */
	KUNIT_EXPECT_FALSE(test, map->dirty);
	cachefiles_map_clear(map, 0, 1);
	KUNIT_EXPECT_TRUE(test, map->dirty);
	map->dirty = false;
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, 4 * G, GFP_KERNEL), 0);
	KUNIT_EXPECT_FALSE(test, map->dirty);
	/* The size is part of the encoding: changing it dirties even an empty map. */
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, 4 * G + 1, GFP_KERNEL), 0);
	KUNIT_EXPECT_TRUE(test, map->dirty);
	buf = cmt_encode(test, map, &len);
	KUNIT_EXPECT_TRUE(test, map->dirty);
	KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, len, map->size, &copy), 0);
	KUNIT_EXPECT_FALSE(test, copy->dirty);
}

/* ---- A reference model, one granule at a time ------------------------------------------------ */

struct cmt_model {
	loff_t	size;
	bool	present[CMT_MODEL_GRANULES];
};

static unsigned long cmt_model_granules(const struct cmt_model *m)
{
	return DIV_ROUND_UP(m->size, G);
}

/* The byte range of granule @g, clipped to EOF. */
static void cmt_model_span(const struct cmt_model *m, unsigned long g, loff_t *gs, loff_t *ge)
{
	*gs = g * G;
	*ge = min(*gs + G, m->size);
}

static int cmt_model_set(struct cmt_model *m, loff_t start, loff_t len)
{
	unsigned long g;
	loff_t gs, ge;

	if (start < 0 || len < 0)
		return -EINVAL;
	if (start + len > m->size)
		return -ERANGE;
	for (g = 0; g < cmt_model_granules(m); g++) {
		cmt_model_span(m, g, &gs, &ge);
		if (start <= gs && ge <= start + len)
			m->present[g] = true;
	}
	return 0;
}

static void cmt_model_clear(struct cmt_model *m, loff_t start, loff_t len)
{
	unsigned long g;
	loff_t gs, ge;

	if (start < 0 || len <= 0)
		return;
	for (g = 0; g < cmt_model_granules(m); g++) {
		cmt_model_span(m, g, &gs, &ge);
		if (max(gs, start) < min(ge, start + len))
			m->present[g] = false;
	}
}

static bool cmt_model_test(const struct cmt_model *m, loff_t start, loff_t len)
{
	unsigned long g;
	loff_t gs, ge;

	if (start < 0 || len < 0)
		return false;
	for (g = 0; g < cmt_model_granules(m); g++) {
		cmt_model_span(m, g, &gs, &ge);
		/* Whether the range and the granule share a byte. */
		if (max(gs, start) < min(ge, start + len) && !m->present[g])
			return false;
	}
	return true;
}

static loff_t cmt_model_run(const struct cmt_model *m, loff_t pos, bool present)
{
	unsigned long g;

	if (pos < 0 || pos >= m->size || m->present[pos / G] != present)
		return 0;
	for (g = pos / G; g < cmt_model_granules(m) && m->present[g] == present; g++)
		;
	return min(g * G, m->size) - pos;
}

static void cmt_model_resize(struct cmt_model *m, loff_t new_size)
{
	unsigned long g;

	if (new_size > m->size && m->size % G)
		m->present[m->size / G] = false;
	for (g = DIV_ROUND_UP(new_size, G); g < CMT_MODEL_GRANULES; g++)
		m->present[g] = false;
	m->size = new_size;
}

/* A position near something interesting: a granule boundary, EOF, or anywhere. */
static loff_t cmt_pick_pos(struct rnd_state *rnd, loff_t limit)
{
	loff_t g = prandom_u32_state(rnd) % (CMT_MODEL_GRANULES + 2);
	static const loff_t nudge[] = { 0, 0, 1, -1, 2, -2 };
	u32 r = prandom_u32_state(rnd);

	switch (r % 4) {
	case 0:
		return limit + nudge[(r >> 8) % ARRAY_SIZE(nudge)];
	case 1:
		return prandom_u32_state(rnd) % (limit + 1);
	default:
		return g * G + nudge[(r >> 8) % ARRAY_SIZE(nudge)];
	}
}

/* Thousands of random operations, on the map and on the model, compared after each. */
static void cachefiles_map_test_model(struct kunit *test)
{
	struct cmt_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct cachefiles_map *map;
	struct rnd_state rnd;
	unsigned long g;
	int i, op, ret;
	loff_t a, b;

	KUNIT_ASSERT_NOT_NULL(test, m);
	prandom_seed_state(&rnd, CMT_SEED);
	m->size = 7 * G + 11;
	map = cmt_new_map(test, m->size);

	for (i = 0; i < CMT_MODEL_OPS; i++) {
		op = prandom_u32_state(&rnd) % 10;
		a = cmt_pick_pos(&rnd, m->size);
		b = cmt_pick_pos(&rnd, m->size);
		if (a > b)
			swap(a, b);
		switch (op) {
		case 0 ... 2:
			ret = cachefiles_map_set(map, a, b - a);
			KUNIT_ASSERT_EQ_MSG(test, ret, cmt_model_set(m, a, b - a),
					    "op %d: set %lld+%lld size %lld", i, a, b - a, m->size);
			break;
		case 3 ... 4:
			cachefiles_map_clear(map, a, b - a);
			cmt_model_clear(m, a, b - a);
			break;
		case 5:
			/* Within the model's bound; shrinking half as often as growing. */
			if (b > CMT_MODEL_GRANULES * G || b < 0)
				b = prandom_u32_state(&rnd) % (CMT_MODEL_GRANULES * G);
			KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, b, GFP_KERNEL), 0);
			cmt_model_resize(m, b);
			break;
		default:
			KUNIT_ASSERT_EQ_MSG(test, cachefiles_map_test(map, a, b - a),
					    cmt_model_test(m, a, b - a),
					    "op %d: test %lld+%lld size %lld", i, a, b - a,
					    m->size);
			KUNIT_ASSERT_EQ_MSG(test, cachefiles_map_present_run(map, a),
					    cmt_model_run(m, a, true),
					    "op %d: present_run %lld", i, a);
			KUNIT_ASSERT_EQ_MSG(test, cachefiles_map_absent_run(map, a),
					    cmt_model_run(m, a, false),
					    "op %d: absent_run %lld", i, a);
			break;
		}
		KUNIT_ASSERT_EQ(test, map->size, m->size);
		for (g = 0; g < cmt_model_granules(m); g++)
			KUNIT_ASSERT_EQ_MSG(test, test_bit(g, map->bits), m->present[g],
					    "op %d (%d): granule %lu", i, op, g);
		cmt_check_invariants(test, map);
		if (test->status == KUNIT_FAILURE)
			return;
	}
}

/* ---- Encoding -------------------------------------------------------------------------------- */

/* The exact bytes of the small map, worked out by hand from the format documentation. */
static const u8 cmt_golden[] = {
	0x43, 0x46, 0x6d, 0x70,				/* magic "CFmp" */
	0x01, 0x00,					/* version 1 */
	0x12,						/* granule shift 18 */
	0x00,						/* reserved */
	0xfd, 0xff, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00,	/* object size 10 * 256 KiB - 3 */
	0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 10 granules */
	0xea, 0x5c, 0xec, 0x9e,				/* CRC-32C of the bitmap */
	0xa4, 0x87, 0x72, 0x18,				/* CRC-32C of bytes 0-27 */
	0x09, 0x02,					/* granules 0, 3 and 9 */
};

static void cachefiles_map_test_golden(struct kunit *test)
{
	struct cachefiles_map *map = cmt_small_map(test);
	size_t len;
	u8 *buf;

	KUNIT_EXPECT_EQ(test, cmt_crc("123456789", 9), 0xe3069283U);
	KUNIT_ASSERT_EQ(test, cachefiles_map_encoded_size(map), sizeof(cmt_golden));
	buf = cmt_encode(test, map, &len);
	KUNIT_EXPECT_EQ(test, memcmp(buf, cmt_golden, sizeof(cmt_golden)), 0);
	KUNIT_ASSERT_EQ(test, cmt_decode(test, cmt_golden, sizeof(cmt_golden), CMT_SMALL_SIZE,
					 &map), 0);
	cmt_expect_map(test, map, "1001000001");
	KUNIT_EXPECT_EQ(test, map->size, CMT_SMALL_SIZE);

	/* An empty object is a header and no bitmap. */
	map = cmt_new_map(test, 0);
	KUNIT_EXPECT_EQ(test, cachefiles_map_encoded_size(map), (size_t)CMT_HDR);
}

static void cachefiles_map_test_encode_nospc(struct kunit *test)
{
	struct cachefiles_map *map = cmt_small_map(test);
	size_t need = cachefiles_map_encoded_size(map), len;
	u8 *buf = cmt_buf(test, need + 8);

	for (len = 0; len < need; len++) {
		memset(buf, 0xee, need + 8);
		KUNIT_EXPECT_EQ(test, cachefiles_map_encode(map, buf, len), (ssize_t)-ENOSPC);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(buf, 0xee, need + 8), "wrote with len %zu",
				      len);
	}
	/* Room to spare: writes the encoding only. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_encode(map, buf, need + 8), (ssize_t)need);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf + need, 0xee, 8));
	/* An unaligned buffer is fine. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_encode(map, buf + 1, need), (ssize_t)need);
	KUNIT_EXPECT_EQ(test, memcmp(buf + 1, cmt_golden, need), 0);
}

struct cmt_size_case {
	const char	*name;
	loff_t		size;
};

static const struct cmt_size_case cmt_sizes[] = {
	{ "size_0", 0 },
	{ "size_1", 1 },
	{ "size_granule_minus_1", G - 1 },
	{ "size_granule", G },
	{ "size_granule_plus_1", G + 1 },
	{ "size_7_granules_plus_12345", 7 * G + 12345 },
	{ "size_one_long_of_granules", BITS_PER_LONG * G },
	{ "size_one_long_of_granules_plus_1", BITS_PER_LONG * G + 1 },
	{ "size_1001_granules_minus_17", 1001 * G - 17 },
	{ "size_1gib_plus_3", (1LL << 30) + 3 },
	{ "size_1tib", CMT_TIB },
	{ "size_1tib_minus_1", CMT_TIB - 1 },
	{ "size_16tib_largest", CMT_MAX },
};

static void cmt_size_desc(const struct cmt_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(cmt_sizes, cmt_sizes, cmt_size_desc);

/* Sets a pattern of runs and single granules over the whole object, the last one included. */
static void cmt_fill_pattern(struct kunit *test, struct cachefiles_map *map)
{
	unsigned long granules = cachefiles_map_nr_granules(map->size);
	unsigned long g, stride = max(1UL, granules / 4096);

	for (g = 0; g < granules; g += stride)
		if ((g * 2654435761UL >> 7) & 1)
			cmt_set_granule(test, map, g);
	if (granules > 8)
		KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 2 * G, 5 * G), 0);
	if (granules)
		cmt_set_granule(test, map, granules - 1);
}

static void cachefiles_map_test_roundtrip(struct kunit *test)
{
	const struct cmt_size_case *c = test->param_value;
	unsigned long granules = cachefiles_map_nr_granules(c->size);
	struct cachefiles_map *map = cmt_new_map(test, c->size), *copy;
	size_t len;
	u8 *buf;

	cmt_fill_pattern(test, map);
	KUNIT_EXPECT_EQ(test, granules == 0, map->nr_set == 0);
	buf = cmt_encode(test, map, &len);
	KUNIT_EXPECT_EQ(test, len, CMT_HDR + DIV_ROUND_UP(granules, 8));
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf + 8), (u64)c->size);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(buf + 16), (u64)granules);

	KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, len, c->size, &copy), 0);
	KUNIT_EXPECT_EQ(test, copy->size, c->size);
	KUNIT_EXPECT_EQ(test, copy->nr_set, map->nr_set);
	KUNIT_EXPECT_FALSE(test, copy->dirty);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(copy->bits, map->bits, granules));
	cmt_check_invariants(test, copy);
	/* Granule by granule, through the public calls. */
	if (granules)
		KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(copy, c->size - 1), 1);
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(copy, 0),
			cachefiles_map_present_run(map, 0));
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(copy, 0),
			cachefiles_map_absent_run(map, 0));
}

/* A 1 TiB object: its map outgrows an xattr, and stays exact through encode and decode. */
static void cachefiles_map_test_large(struct kunit *test)
{
	const unsigned long granules = CMT_TIB >> CACHEFILES_GRANULE_SHIFT;
	const unsigned long step = 65537;	/* Crosses word boundaries at every offset */
	struct cachefiles_map *map = cmt_new_map(test, 4 * G), *copy;
	unsigned long g, n = 0;
	size_t len;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, 0, 4 * G), 0);
	KUNIT_ASSERT_LT(test, cachefiles_map_encoded_size(map), (size_t)XATTR_SIZE_MAX);
	KUNIT_ASSERT_EQ(test, cachefiles_map_resize(map, CMT_TIB, GFP_KERNEL), 0);
	KUNIT_EXPECT_GT(test, cachefiles_map_encoded_size(map), (size_t)XATTR_SIZE_MAX);
	KUNIT_EXPECT_EQ(test, cachefiles_map_encoded_size(map), CMT_HDR + granules / 8);
	KUNIT_EXPECT_EQ(test, map->nr_set, 4UL);

	for (g = 4; g < granules; g += step, n++)
		cmt_set_granule(test, map, g);
	cmt_set_granule(test, map, granules - 1);
	KUNIT_ASSERT_EQ(test, cachefiles_map_set(map, CMT_TIB / 2 - G, 3 * G), 0);
	/* The first four, the last, three in the middle and the sparse ones (none overlap). */
	KUNIT_EXPECT_EQ(test, map->nr_set, 8 + n);
	KUNIT_EXPECT_EQ(test, map->nr_set, (unsigned long)bitmap_weight(map->bits, granules));

	/* Runs and tests across the gaps. */
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, 0), 5 * G);
	KUNIT_EXPECT_EQ(test, cachefiles_map_absent_run(map, 5 * G), (step - 1) * G);
	KUNIT_EXPECT_TRUE(test, cachefiles_map_test(map, CMT_TIB / 2 - G, 3 * G));
	KUNIT_EXPECT_FALSE(test, cachefiles_map_test(map, CMT_TIB / 2 - G, 4 * G));
	KUNIT_EXPECT_EQ(test, cachefiles_map_present_run(map, CMT_TIB - 1), 1);

	buf = cmt_encode(test, map, &len);
	KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, len, CMT_TIB, &copy), 0);
	KUNIT_EXPECT_EQ(test, copy->nr_set, map->nr_set);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(copy->bits, map->bits, granules));
	cmt_check_invariants(test, copy);
	for (g = 4; g < granules; g += step)
		KUNIT_EXPECT_TRUE(test, cachefiles_map_test(copy, (loff_t)g * G, G));

	/* One bit flipped in the middle of 512 KiB of bitmap is caught. */
	buf[CMT_HDR + granules / 16] ^= 0x10;
	KUNIT_EXPECT_EQ(test, cmt_decode(test, buf, len, CMT_TIB, NULL), -EFSCORRUPTED);
}

/* ---- Decoding damaged input ------------------------------------------------------------------ */

/* Every prefix of valid encodings is rejected. */
static void cachefiles_map_test_decode_truncated(struct kunit *test)
{
	static const loff_t sizes[] = { CMT_SMALL_SIZE, 0, 100 * G + 1 };
	struct cachefiles_map *map, *copy;
	size_t len, cut;
	int i;
	u8 *buf;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		map = cmt_new_map(test, sizes[i]);
		cmt_fill_pattern(test, map);
		buf = cmt_encode(test, map, &len);
		for (cut = 0; cut < len; cut++)
			KUNIT_EXPECT_EQ_MSG(test, cmt_decode(test, buf, cut, sizes[i], NULL),
					    -EFSCORRUPTED, "size %lld, %zu of %zu bytes", sizes[i],
					    cut, len);
		KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, len, sizes[i], &copy), 0);
		cmt_free_map(test, copy);
		cmt_free_map(test, map);
	}
}

/* Bytes after the encoding (a tail region rounded up to blocks, say) are ignored. */
static void cachefiles_map_test_decode_trailing(struct kunit *test)
{
	struct cachefiles_map *map = cmt_small_map(test);
	size_t need = cachefiles_map_encoded_size(map);
	u8 *buf = cmt_buf(test, need + 100);

	memset(buf, 0xff, need + 100);
	KUNIT_ASSERT_EQ(test, cachefiles_map_encode(map, buf, need + 100), (ssize_t)need);
	KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, need + 100, CMT_SMALL_SIZE, &map), 0);
	cmt_expect_map(test, map, "1001000001");
}

enum cmt_fix {
	CMT_FIX_NONE,		/* As damage on disk would be: the CRCs no longer match */
	CMT_FIX_HEADER,		/* Header CRC recomputed, bitmap CRC as it was */
	CMT_FIX_BOTH,		/* Both CRCs recomputed: only the field's own check can object */
};

struct cmt_damage {
	const char	*name;
	unsigned int	offset;		/* In the small map's encoding, cmt_golden */
	unsigned int	width;		/* Bytes written there: 1, 2, 4 or 8, little-endian */
	u64		value;
	enum cmt_fix	fix;
	loff_t		expected_size;
	int		result;
};

#define S	CMT_SMALL_SIZE
#define BAD	-EFSCORRUPTED
static const struct cmt_damage cmt_damages[] = {
	/* Controls: the fix-up alone, and another valid value, decode. */
	{ "no_change_crcs_recomputed",		0, 1, 0x43, CMT_FIX_BOTH, S, 0 },
	{ "size_within_last_granule",		8, 8, S + 2, CMT_FIX_BOTH, S + 2, 0 },
	{ "bitmap_granule_4_exists",		CMT_HDR, 1, 0x19, CMT_FIX_BOTH, S, 0 },
	/* Each field, as found (a CRC catches it) and with the CRCs fixed (its own check must). */
	{ "magic",				0, 4, 0x706d4644, CMT_FIX_NONE, S, BAD },
	{ "magic_crcs_fixed",			0, 4, 0x706d4644, CMT_FIX_BOTH, S, BAD },
	{ "magic_0_crcs_fixed",			0, 4, 0, CMT_FIX_BOTH, S, BAD },
	{ "version_2",				4, 2, 2, CMT_FIX_NONE, S, BAD },
	{ "version_2_crcs_fixed",		4, 2, 2, CMT_FIX_BOTH, S, BAD },
	{ "version_0_crcs_fixed",		4, 2, 0, CMT_FIX_BOTH, S, BAD },
	{ "version_0x101_crcs_fixed",		4, 2, 0x101, CMT_FIX_BOTH, S, BAD },
	{ "version_0xffff_crcs_fixed",		4, 2, 0xffff, CMT_FIX_BOTH, S, BAD },
	{ "granule_shift_17",			6, 1, 17, CMT_FIX_NONE, S, BAD },
	{ "granule_shift_17_crcs_fixed",	6, 1, 17, CMT_FIX_BOTH, S, BAD },
	{ "granule_shift_19_crcs_fixed",	6, 1, 19, CMT_FIX_BOTH, S, BAD },
	{ "granule_shift_0_crcs_fixed",		6, 1, 0, CMT_FIX_BOTH, S, BAD },
	{ "reserved_1_crcs_fixed",		7, 1, 1, CMT_FIX_BOTH, S, BAD },
	{ "reserved_0x80_crcs_fixed",		7, 1, 0x80, CMT_FIX_BOTH, S, BAD },
	{ "size_plus_1",			8, 8, S + 1, CMT_FIX_NONE, S, BAD },
	{ "size_plus_1_crcs_fixed",		8, 8, S + 1, CMT_FIX_BOTH, S, BAD },
	{ "size_0_crcs_fixed",			8, 8, 0, CMT_FIX_BOTH, S, BAD },
	{ "size_2e63_crcs_fixed",		8, 8, 1ULL << 63, CMT_FIX_BOTH, S, BAD },
	{ "size_granule_more_as_expected",	8, 8, S + G, CMT_FIX_BOTH, S + G, BAD },
	{ "size_past_largest_as_expected",	8, 8, CMT_MAX + G, CMT_FIX_BOTH, CMT_MAX + G, BAD },
	{ "size_minus_1_as_expected",		8, 8, ~0ULL, CMT_FIX_BOTH, -1, BAD },
	{ "granules_11",			16, 8, 11, CMT_FIX_NONE, S, BAD },
	{ "granules_11_crcs_fixed",		16, 8, 11, CMT_FIX_BOTH, S, BAD },
	{ "granules_9_crcs_fixed",		16, 8, 9, CMT_FIX_BOTH, S, BAD },
	{ "granules_0_crcs_fixed",		16, 8, 0, CMT_FIX_BOTH, S, BAD },
	{ "granules_2e61_crcs_fixed",		16, 8, 1ULL << 61, CMT_FIX_BOTH, S, BAD },
	{ "granules_2e64_minus_1_crcs_fixed",	16, 8, ~0ULL, CMT_FIX_BOTH, S, BAD },
	{ "bitmap_crc",				24, 4, 0x9eec5ceb, CMT_FIX_NONE, S, BAD },
	{ "bitmap_crc_header_crc_fixed",	24, 4, 0x9eec5ceb, CMT_FIX_HEADER, S, BAD },
	{ "header_crc",				28, 4, 0x187287a5, CMT_FIX_NONE, S, BAD },
	{ "header_crc_0",			28, 4, 0, CMT_FIX_NONE, S, BAD },
	/* The bitmap: flipped bits; bits of granules that do not exist, with the CRCs fixed. */
	{ "bitmap_flip",			CMT_HDR, 1, 0x0b, CMT_FIX_NONE, S, BAD },
	{ "bitmap_flip_header_crc_fixed",	CMT_HDR, 1, 0x0b, CMT_FIX_HEADER, S, BAD },
	{ "bitmap_granule_10_crcs_fixed",	CMT_HDR + 1, 1, 0x06, CMT_FIX_BOTH, S, BAD },
	{ "bitmap_granule_15_crcs_fixed",	CMT_HDR + 1, 1, 0x82, CMT_FIX_BOTH, S, BAD },
	/* The right map, but the object has another size. */
	{ "expected_size_minus_1",		0, 1, 0x43, CMT_FIX_NONE, S - 1, BAD },
	{ "expected_size_plus_1",		0, 1, 0x43, CMT_FIX_NONE, S + 1, BAD },
	{ "expected_size_0",			0, 1, 0x43, CMT_FIX_NONE, 0, BAD },
	{ "expected_size_negative",		0, 1, 0x43, CMT_FIX_NONE, LLONG_MIN, BAD },
};
#undef S
#undef BAD

static void cmt_damage_desc(const struct cmt_damage *d, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", d->name);
}

KUNIT_ARRAY_PARAM(cmt_damages, cmt_damages, cmt_damage_desc);

static void cachefiles_map_test_decode_damaged(struct kunit *test)
{
	const struct cmt_damage *d = test->param_value;
	struct cachefiles_map *map;
	size_t len = sizeof(cmt_golden);
	u8 *buf = cmt_buf(test, len);
	unsigned int i;

	memcpy(buf, cmt_golden, len);
	for (i = 0; i < d->width; i++)
		buf[d->offset + i] = d->value >> (8 * i);
	if (d->fix != CMT_FIX_NONE)
		cmt_fix_crcs(buf, len, d->fix == CMT_FIX_BOTH, true);
	KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, len, d->expected_size, &map), d->result);
	if (!d->result) {
		KUNIT_EXPECT_EQ(test, map->size, d->expected_size);
		cmt_check_invariants(test, map);
	}
}

/*
 * A well-formed encoding of an object just past the largest: consistent granule count, a bitmap of
 * the full 8 MiB + 1 byte, valid CRCs.  Only the size limit can refuse it; the same construction
 * at the largest size decodes, proving the construction.
 */
/* Write a header for @size, with a bitmap of granule 0 alone, and CRCs that match. */
static void cmt_build(u8 *buf, size_t len, loff_t size)
{
	unsigned long granules = cachefiles_map_nr_granules(size);

	memset(buf, 0, len);
	memcpy(buf, cmt_golden, CMT_HDR);
	put_unaligned_le64(size, buf + 8);
	put_unaligned_le64(granules, buf + 16);
	buf[CMT_HDR] = 0x01;
	cmt_fix_crcs(buf, CMT_HDR + DIV_ROUND_UP(granules, 8), true, true);
}

static void cachefiles_map_test_decode_too_large(struct kunit *test)
{
	size_t len = CMT_HDR + DIV_ROUND_UP(CACHEFILES_MAP_MAX_GRANULES + 1, 8);
	struct cachefiles_map *map;
	u8 *buf = cmt_buf(test, len);

	cmt_build(buf, len, CMT_MAX);
	KUNIT_ASSERT_EQ(test, cmt_decode(test, buf, len, CMT_MAX, &map), 0);
	KUNIT_EXPECT_EQ(test, map->nr_set, 1UL);
	KUNIT_EXPECT_EQ(test, map->size, CMT_MAX);
	cmt_free_map(test, map);

	cmt_build(buf, len, CMT_MAX + 1);
	KUNIT_EXPECT_EQ(test, cmt_decode(test, buf, len, CMT_MAX + 1, NULL), -EFSCORRUPTED);
}

/* Every single bit flipped anywhere in the encoding is caught (a CRC, the magic or the version). */
static void cachefiles_map_test_decode_bitflips(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 100 * G + 1);
	size_t len, byte;
	unsigned int bit;
	u8 *buf;

	cmt_fill_pattern(test, map);
	buf = cmt_encode(test, map, &len);
	for (byte = 0; byte < len; byte++) {
		for (bit = 0; bit < 8; bit++) {
			buf[byte] ^= 1 << bit;
			KUNIT_EXPECT_EQ_MSG(test, cmt_decode(test, buf, len, map->size, NULL),
					    -EFSCORRUPTED, "byte %zu bit %u", byte, bit);
			buf[byte] ^= 1 << bit;
		}
	}
	KUNIT_EXPECT_EQ(test, cmt_decode(test, buf, len, map->size, NULL), 0);
}

/*
 * Random damage, most of it with the CRCs recomputed so that it reaches the checks behind them.
 * Whatever the bytes, decoding either fails cleanly or yields a consistent map of the expected
 * size.
 */
static void cachefiles_map_test_decode_fuzz(struct kunit *test)
{
	struct cachefiles_map *map = cmt_new_map(test, 20 * G + 5), *copy;
	unsigned int round, n, accepted = 0, rejected = 0;
	struct rnd_state rnd;
	size_t len, cut;
	u8 *orig, *buf;
	int ret;

	prandom_seed_state(&rnd, CMT_SEED + 1);
	cmt_fill_pattern(test, map);
	orig = cmt_encode(test, map, &len);
	buf = cmt_buf(test, len);

	for (round = 0; round < CMT_FUZZ_ROUNDS; round++) {
		memcpy(buf, orig, len);
		for (n = 1 + prandom_u32_state(&rnd) % 3; n; n--)
			buf[prandom_u32_state(&rnd) % len] = prandom_u32_state(&rnd);
		if (prandom_u32_state(&rnd) % 4)
			cmt_fix_crcs(buf, len, true, true);
		cut = prandom_u32_state(&rnd) % 8 ? len : prandom_u32_state(&rnd) % (len + 1);

		ret = cmt_decode(test, buf, cut, map->size, &copy);
		if (ret) {
			KUNIT_ASSERT_EQ(test, ret, -EFSCORRUPTED);
			rejected++;
			continue;
		}
		accepted++;
		KUNIT_EXPECT_EQ(test, copy->size, map->size);
		cmt_check_invariants(test, copy);
		cmt_free_map(test, copy);
		if (test->status == KUNIT_FAILURE)
			return;
	}
	/* Both outcomes must have been exercised for the case to mean anything. */
	KUNIT_EXPECT_GT(test, accepted, 0U);
	KUNIT_EXPECT_GT(test, rejected, 0U);
}

static struct kunit_case cachefiles_map_test_cases[] = {
	KUNIT_CASE(cachefiles_map_test_init),
	KUNIT_CASE(cachefiles_map_test_set_aligned),
	KUNIT_CASE(cachefiles_map_test_set_unaligned),
	KUNIT_CASE(cachefiles_map_test_set_eof),
	KUNIT_CASE(cachefiles_map_test_set_errors),
	KUNIT_CASE(cachefiles_map_test_clear),
	KUNIT_CASE(cachefiles_map_test_test),
	KUNIT_CASE(cachefiles_map_test_runs),
	KUNIT_CASE(cachefiles_map_test_resize_grow),
	KUNIT_CASE(cachefiles_map_test_resize_shrink),
	KUNIT_CASE(cachefiles_map_test_resize_errors),
	KUNIT_CASE(cachefiles_map_test_resize_realloc),
	KUNIT_CASE(cachefiles_map_test_dirty),
	KUNIT_CASE(cachefiles_map_test_model),
	KUNIT_CASE(cachefiles_map_test_golden),
	KUNIT_CASE(cachefiles_map_test_encode_nospc),
	KUNIT_CASE_PARAM(cachefiles_map_test_roundtrip, cmt_sizes_gen_params),
	KUNIT_CASE(cachefiles_map_test_large),
	KUNIT_CASE(cachefiles_map_test_decode_truncated),
	KUNIT_CASE(cachefiles_map_test_decode_trailing),
	KUNIT_CASE_PARAM(cachefiles_map_test_decode_damaged, cmt_damages_gen_params),
	KUNIT_CASE(cachefiles_map_test_decode_too_large),
	KUNIT_CASE(cachefiles_map_test_decode_bitflips),
	KUNIT_CASE(cachefiles_map_test_decode_fuzz),
	{}
};

static struct kunit_suite cachefiles_map_test_suite = {
	.name		= "cachefiles_content_map",
	.init		= cmt_init,
	.exit		= cmt_exit,
	.test_cases	= cachefiles_map_test_cases,
};

kunit_test_suite(cachefiles_map_test_suite);
