// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the cachefiles content map, one bit per granule of a cache object.
 *
 * Every operation works a word of the bitmap at a time over the granules it is given, so its
 * cost follows the range, not the object: a 1 TiB object has 4 Mi granules.  Two invariants keep
 * the code short: the bits at and past the granule count of ->size are always clear (so growing
 * needs no clearing and the encoding has no stray bits), and ->nr_set is adjusted by every
 * change, counting only the range changed.
 *
 * The bitmap is allocated in whole longs.  Growth at least doubles the allocation (up to the
 * largest map), so that an object that grows a granule at a time is not copied a granule at a
 * time; a shrink to under a quarter of the allocation gives the memory back.
 */
#include <linux/bitmap.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <asm/unaligned.h>

#include "content_map.h"

#define MAP_BITMAP_BYTES(granules)	DIV_ROUND_UP(granules, BITS_PER_BYTE)
#define MAP_SHRINK_FACTOR		4	/* Reallocate once using under 1/4 of the bitmap */

static_assert(CACHEFILES_MAP_MAX_GRANULES % BITS_PER_LONG == 0);
static_assert(CACHEFILES_GRANULE_SIZE == 1UL << CACHEFILES_GRANULE_SHIFT);

/*
 * The standard CRC-32C (initial value and final xor all ones): "123456789" gives 0xe3069283.
 * __crc32c_le() rather than <linux/crc32c.h>'s crc32c(): the same values, but built into vmlinux
 * (CONFIG_CRC32), whereas crc32c() needs libcrc32c, which our debug kernel does not build.
 */
static u32 map_crc(const void *p, size_t len)
{
	return ~__crc32c_le(~0U, p, len);
}

/* Bits to allocate for @granules: whole longs, never none, so that ->bits is always valid. */
static unsigned long map_alloc_bits(unsigned long granules)
{
	return max_t(unsigned long, round_up(granules, BITS_PER_LONG), BITS_PER_LONG);
}

static unsigned long *map_alloc(unsigned long nr_bits, gfp_t gfp)
{
	return kvcalloc(BITS_TO_LONGS(nr_bits), sizeof(unsigned long), gfp);
}

/* How many of the granules [first, last) are present; one word at a time. */
static unsigned long map_count(const unsigned long *bits, unsigned long first, unsigned long last)
{
	unsigned long i = BIT_WORD(first), end = BIT_WORD(last);
	unsigned long n;

	if (first >= last)
		return 0;
	if (i == BIT_WORD(last - 1))
		return hweight_long(bits[i] & BITMAP_FIRST_WORD_MASK(first) &
				    BITMAP_LAST_WORD_MASK(last));
	n = hweight_long(bits[i] & BITMAP_FIRST_WORD_MASK(first));
	for (i++; i < end; i++)
		n += hweight_long(bits[i]);
	if (last % BITS_PER_LONG)
		n += hweight_long(bits[end] & BITMAP_LAST_WORD_MASK(last));
	return n;
}

/* Mark the granules [first, last) absent, keeping ->nr_set and ->dirty. */
static void map_clear_granules(struct cachefiles_map *map, unsigned long first, unsigned long last)
{
	unsigned long present = map_count(map->bits, first, last);

	if (!present)
		return;
	bitmap_clear(map->bits, first, last - first);
	map->nr_set -= present;
	map->dirty = true;
}

/* Replace the bitmap by one of @nr_bits bits holding the same first @nr_bits bits. */
static int map_realloc(struct cachefiles_map *map, unsigned long nr_bits, gfp_t gfp)
{
	unsigned long *bits = map_alloc(nr_bits, gfp);

	if (!bits)
		return -ENOMEM;
	memcpy(bits, map->bits,
	       BITS_TO_LONGS(min(nr_bits, map->nr_bits)) * sizeof(unsigned long));
	kvfree(map->bits);
	map->bits = bits;
	map->nr_bits = nr_bits;
	return 0;
}

int cachefiles_map_init(struct cachefiles_map *map, loff_t size, gfp_t gfp)
{
	unsigned long nr_bits;
	unsigned long *bits;

	if (size < 0)
		return -EINVAL;
	if (size > CACHEFILES_MAP_MAX_OBJECT_SIZE)
		return -EFBIG;

	nr_bits = map_alloc_bits(cachefiles_map_nr_granules(size));
	bits = map_alloc(nr_bits, gfp);
	if (!bits)
		return -ENOMEM;

	map->bits = bits;
	map->nr_bits = nr_bits;
	map->size = size;
	map->nr_set = 0;
	map->dirty = false;
	return 0;
}

void cachefiles_map_free(struct cachefiles_map *map)
{
	kvfree(map->bits);
	map->bits = NULL;
	map->nr_bits = 0;
	map->size = 0;
	map->nr_set = 0;
	map->dirty = false;
}

int cachefiles_map_resize(struct cachefiles_map *map, loff_t new_size, gfp_t gfp)
{
	unsigned long old_granules = cachefiles_map_nr_granules(map->size);
	unsigned long new_granules, want;
	int ret;

	if (new_size < 0)
		return -EINVAL;
	if (new_size > CACHEFILES_MAP_MAX_OBJECT_SIZE)
		return -EFBIG;
	if (new_size == map->size)
		return 0;

	new_granules = cachefiles_map_nr_granules(new_size);
	if (new_size > map->size) {
		/* Allocate first: a failure must leave the map as it was. */
		if (new_granules > map->nr_bits) {
			want = max_t(unsigned long, map_alloc_bits(new_granules),
				     min_t(unsigned long, map->nr_bits * 2,
					   CACHEFILES_MAP_MAX_GRANULES));
			ret = map_realloc(map, want, gfp);
			if (ret)
				return ret;
		}
		/* The old EOF granule was only written up to the old EOF. */
		if (map->size & (CACHEFILES_GRANULE_SIZE - 1))
			map_clear_granules(map, old_granules - 1, old_granules);
	} else {
		map_clear_granules(map, new_granules, old_granules);
		/* Giving memory back is optional: on failure keep the large bitmap. */
		want = map_alloc_bits(new_granules);
		if (want <= map->nr_bits / MAP_SHRINK_FACTOR)
			map_realloc(map, want, gfp | __GFP_NOWARN);
	}
	map->size = new_size;
	map->dirty = true;
	return 0;
}

/**
 * cachefiles_map_resize_begin - Allocate what a resize will need, before taking the owner's lock
 * @map: The map
 * @new_size: The size it will describe
 * @rs: Where to keep the allocation until cachefiles_map_resize_end()
 * @gfp: Allocation flags (the owner's spinlock is not held: GFP_KERNEL)
 *
 * For owners whose lock is a spinlock: the owner serialises resizes otherwise (so @map's size and
 * allocation do not change until the commit), allocates here, commits under its lock with
 * cachefiles_map_resize_commit(), which never allocates or frees, and frees after unlocking with
 * cachefiles_map_resize_end().
 *
 * Return: 0, -EINVAL, -EFBIG as cachefiles_map_resize(), or -ENOMEM.
 */
int cachefiles_map_resize_begin(const struct cachefiles_map *map, loff_t new_size,
				struct cachefiles_map_resize *rs, gfp_t gfp)
{
	unsigned long new_granules;

	rs->bits = NULL;
	rs->nr_bits = 0;
	rs->old = NULL;
	if (new_size < 0)
		return -EINVAL;
	if (new_size > CACHEFILES_MAP_MAX_OBJECT_SIZE)
		return -EFBIG;
	new_granules = cachefiles_map_nr_granules(new_size);
	if (new_size > map->size && new_granules > map->nr_bits) {
		rs->nr_bits = max_t(unsigned long, map_alloc_bits(new_granules),
				    min_t(unsigned long, map->nr_bits * 2,
					  CACHEFILES_MAP_MAX_GRANULES));
		rs->bits = map_alloc(rs->nr_bits, gfp);
		if (!rs->bits)
			return -ENOMEM;
	}
	return 0;
}

/**
 * cachefiles_map_resize_commit - Resize a map with what cachefiles_map_resize_begin() allocated
 * @map: The map, under its owner's lock
 * @new_size: The size given to cachefiles_map_resize_begin()
 * @rs: Its allocation
 *
 * Same rules as cachefiles_map_resize(); never allocates, never fails.
 */
void cachefiles_map_resize_commit(struct cachefiles_map *map, loff_t new_size,
				  struct cachefiles_map_resize *rs)
{
	unsigned long old_granules = cachefiles_map_nr_granules(map->size);
	unsigned long new_granules = cachefiles_map_nr_granules(new_size);

	if (new_size == map->size)
		return;
	if (new_size > map->size) {
		if (rs->bits) {
			memcpy(rs->bits, map->bits, BITS_TO_LONGS(map->nr_bits) * sizeof(unsigned long));
			rs->old = map->bits;
			map->bits = rs->bits;
			map->nr_bits = rs->nr_bits;
			rs->bits = NULL;
		}
		if (map->size & (CACHEFILES_GRANULE_SIZE - 1))
			map_clear_granules(map, old_granules - 1, old_granules);
	} else {
		map_clear_granules(map, new_granules, old_granules);
	}
	map->size = new_size;
	map->dirty = true;
}

/**
 * cachefiles_map_resize_end - Free what a resize left over
 * @rs: The resize, committed or not
 */
void cachefiles_map_resize_end(struct cachefiles_map_resize *rs)
{
	kvfree(rs->bits);
	kvfree(rs->old);
	rs->bits = NULL;
	rs->old = NULL;
}

/**
 * cachefiles_map_copy - Copy a map's state into another of the same size
 * @dst: A map made by cachefiles_map_init() for @src's size
 * @src: The map, under its owner's lock
 *
 * For taking a snapshot to encode outside the owner's lock.  Never allocates.
 */
void cachefiles_map_copy(struct cachefiles_map *dst, const struct cachefiles_map *src)
{
	unsigned long granules = cachefiles_map_nr_granules(src->size);

	if (WARN_ON_ONCE(dst->size != src->size || dst->nr_bits < granules))
		return;
	bitmap_copy(dst->bits, src->bits, granules);
	dst->nr_set = src->nr_set;
	dst->dirty = src->dirty;
}

int cachefiles_map_set(struct cachefiles_map *map, loff_t start, loff_t len)
{
	unsigned long first, last, present;
	loff_t end;

	if (start < 0 || len < 0)
		return -EINVAL;
	if (check_add_overflow(start, len, &end) || end > map->size)
		return -ERANGE;

	/* Round the start up and the end down to granules; a range to EOF takes the last one. */
	first = cachefiles_map_nr_granules(start);
	if (end == map->size)
		last = cachefiles_map_nr_granules(end);
	else
		last = end >> CACHEFILES_GRANULE_SHIFT;
	if (first >= last)
		return 0;

	present = map_count(map->bits, first, last);
	if (present == last - first)
		return 0;
	bitmap_set(map->bits, first, last - first);
	map->nr_set += last - first - present;
	map->dirty = true;
	return 0;
}

void cachefiles_map_clear(struct cachefiles_map *map, loff_t start, loff_t len)
{
	loff_t end;

	if (start < 0 || len <= 0 || start >= map->size)
		return;
	if (check_add_overflow(start, len, &end) || end > map->size)
		end = map->size;
	map_clear_granules(map, start >> CACHEFILES_GRANULE_SHIFT, cachefiles_map_nr_granules(end));
}

bool cachefiles_map_test(const struct cachefiles_map *map, loff_t start, loff_t len)
{
	unsigned long first, last;
	loff_t end;

	if (start < 0 || len < 0)
		return false;
	if (start >= map->size || len == 0)
		return true;
	if (check_add_overflow(start, len, &end) || end > map->size)
		end = map->size;

	first = start >> CACHEFILES_GRANULE_SHIFT;
	last = cachefiles_map_nr_granules(end);
	return find_next_zero_bit(map->bits, last, first) >= last;
}

/* From @pos, the bytes up to granule @next or EOF, whichever comes first. */
static loff_t map_run_to(const struct cachefiles_map *map, loff_t pos, unsigned long next)
{
	loff_t end = (loff_t)next << CACHEFILES_GRANULE_SHIFT;

	return min(end, map->size) - pos;
}

loff_t cachefiles_map_present_run(const struct cachefiles_map *map, loff_t pos)
{
	unsigned long granule, granules = cachefiles_map_nr_granules(map->size);

	if (pos < 0 || pos >= map->size)
		return 0;
	granule = pos >> CACHEFILES_GRANULE_SHIFT;
	if (!test_bit(granule, map->bits))
		return 0;
	return map_run_to(map, pos, find_next_zero_bit(map->bits, granules, granule));
}

loff_t cachefiles_map_absent_run(const struct cachefiles_map *map, loff_t pos)
{
	unsigned long granule, granules = cachefiles_map_nr_granules(map->size);

	if (pos < 0 || pos >= map->size)
		return 0;
	granule = pos >> CACHEFILES_GRANULE_SHIFT;
	if (test_bit(granule, map->bits))
		return 0;
	return map_run_to(map, pos, find_next_bit(map->bits, granules, granule));
}

size_t cachefiles_map_encoded_size(const struct cachefiles_map *map)
{
	return CACHEFILES_MAP_HEADER_SIZE +
		MAP_BITMAP_BYTES(cachefiles_map_nr_granules(map->size));
}

/* Bitmap words to little-endian bytes, @nbytes of them; whole words at a time but the last. */
static void map_store_bits(u8 *dst, const unsigned long *bits, size_t nbytes)
{
	size_t i, words = nbytes / sizeof(unsigned long);
	unsigned int k;

	for (i = 0; i < words; i++, dst += sizeof(unsigned long)) {
		if (BITS_PER_LONG == 64)
			put_unaligned_le64(bits[i], dst);
		else
			put_unaligned_le32(bits[i], dst);
	}
	for (k = 0; k < nbytes % sizeof(unsigned long); k++)
		dst[k] = bits[words] >> (k * BITS_PER_BYTE);
}

/* The reverse of map_store_bits(), into a zeroed bitmap. */
static void map_load_bits(unsigned long *bits, const u8 *src, size_t nbytes)
{
	size_t i, words = nbytes / sizeof(unsigned long);
	unsigned int k;

	for (i = 0; i < words; i++, src += sizeof(unsigned long)) {
		if (BITS_PER_LONG == 64)
			bits[i] = get_unaligned_le64(src);
		else
			bits[i] = get_unaligned_le32(src);
	}
	for (k = 0; k < nbytes % sizeof(unsigned long); k++)
		bits[words] |= (unsigned long)src[k] << (k * BITS_PER_BYTE);
}

ssize_t cachefiles_map_encode(const struct cachefiles_map *map, void *buf, size_t len)
{
	unsigned long granules = cachefiles_map_nr_granules(map->size);
	size_t nbytes = MAP_BITMAP_BYTES(granules);
	struct cachefiles_map_header hdr = {
		.magic		= cpu_to_le32(CACHEFILES_MAP_MAGIC),
		.version	= cpu_to_le16(CACHEFILES_MAP_VERSION),
		.granule_shift	= CACHEFILES_GRANULE_SHIFT,
		.object_size	= cpu_to_le64(map->size),
		.nr_granules	= cpu_to_le64(granules),
	};
	u8 *bitmap = (u8 *)buf + sizeof(hdr);

	if (len < sizeof(hdr) + nbytes)
		return -ENOSPC;

	map_store_bits(bitmap, map->bits, nbytes);
	hdr.bitmap_crc = cpu_to_le32(map_crc(bitmap, nbytes));
	hdr.header_crc = cpu_to_le32(map_crc(&hdr, offsetof(typeof(hdr), header_crc)));
	/* @buf need not be aligned: the header goes out as bytes. */
	memcpy(buf, &hdr, sizeof(hdr));
	return sizeof(hdr) + nbytes;
}

/* Everything cachefiles_map_decode() checks before it allocates; 0 or -EFSCORRUPTED. */
static int map_check(const struct cachefiles_map_header *hdr, const u8 *bitmap, size_t len,
		     loff_t expected_size)
{
	u64 size = le64_to_cpu(hdr->object_size);
	u64 granules = le64_to_cpu(hdr->nr_granules);
	size_t nbytes, need;

	/* Magic and version first: another version may lay out even the rest of its header anew. */
	if (le32_to_cpu(hdr->magic) != CACHEFILES_MAP_MAGIC ||
	    le16_to_cpu(hdr->version) != CACHEFILES_MAP_VERSION)
		return -EFSCORRUPTED;
	if (le32_to_cpu(hdr->header_crc) != map_crc(hdr, offsetof(typeof(*hdr), header_crc)))
		return -EFSCORRUPTED;
	if (hdr->granule_shift != CACHEFILES_GRANULE_SHIFT || hdr->reserved)
		return -EFSCORRUPTED;
	if (size > CACHEFILES_MAP_MAX_OBJECT_SIZE || expected_size < 0 ||
	    size != (u64)expected_size)
		return -EFSCORRUPTED;
	/* Size is bounded now, so the granule count and the bitmap length are too. */
	if (granules != cachefiles_map_nr_granules(size))
		return -EFSCORRUPTED;
	nbytes = MAP_BITMAP_BYTES(granules);
	if (check_add_overflow(sizeof(*hdr), nbytes, &need) || len < need)
		return -EFSCORRUPTED;
	if (le32_to_cpu(hdr->bitmap_crc) != map_crc(bitmap, nbytes))
		return -EFSCORRUPTED;
	if (granules % BITS_PER_BYTE && bitmap[nbytes - 1] >> (granules % BITS_PER_BYTE))
		return -EFSCORRUPTED;
	return 0;
}

int cachefiles_map_decode(struct cachefiles_map *map, const void *buf, size_t len,
			  loff_t expected_size, gfp_t gfp)
{
	struct cachefiles_map_header hdr;
	const u8 *bitmap = (const u8 *)buf + sizeof(hdr);
	unsigned long granules, nr_bits;
	unsigned long *bits;
	int ret;

	if (len < sizeof(hdr))
		return -EFSCORRUPTED;
	memcpy(&hdr, buf, sizeof(hdr));
	ret = map_check(&hdr, bitmap, len, expected_size);
	if (ret)
		return ret;

	granules = le64_to_cpu(hdr.nr_granules);
	nr_bits = map_alloc_bits(granules);
	bits = map_alloc(nr_bits, gfp);
	if (!bits)
		return -ENOMEM;
	map_load_bits(bits, bitmap, MAP_BITMAP_BYTES(granules));

	map->bits = bits;
	map->nr_bits = nr_bits;
	map->size = expected_size;
	map->nr_set = bitmap_weight(bits, granules);
	map->dirty = false;
	return 0;
}
