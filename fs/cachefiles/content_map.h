/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: the cachefiles content map.
 *
 * Which granules of a cache object hold valid data is recorded here, one bit per
 * CACHEFILES_GRANULE_SIZE bytes of the object, and never inferred from the backing filesystem's
 * extents (a filesystem may drop blocks of zeros or bridge gaps between extents).  The map is pure
 * logic: it knows nothing of files or xattrs.  The object code stores what cachefiles_map_encode()
 * produces and hands it back to cachefiles_map_decode(); the byte layout is described in
 * Documentation/filesystems/caching/cachefiles-iter-format.rst ("Content map").
 *
 * Lifetime and locking: a map belongs to one object.  It has no lock of its own: the owner
 * serialises every mutator (cachefiles_map_resize(), _set(), _clear(), clearing ->dirty, _free())
 * against every other call.  The read-only calls (_test(), _present_run(), _absent_run(),
 * _encoded_size(), _encode()) may run concurrently with each other.
 */
#ifndef _FS_CACHEFILES_CONTENT_MAP_H
#define _FS_CACHEFILES_CONTENT_MAP_H

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/types.h>

#ifndef EFSCORRUPTED
#define EFSCORRUPTED	EUCLEAN		/* As the filesystems that return it define it */
#endif

#define CACHEFILES_GRANULE_SHIFT	18
#define CACHEFILES_GRANULE_SIZE		(1UL << CACHEFILES_GRANULE_SHIFT)	/* 256 KiB */
/* largest object whose map we accept: 16 TiB (64 Mi granules, 8 MiB of bitmap) */
#define CACHEFILES_MAP_MAX_OBJECT_SIZE	(1ULL << 44)
#define CACHEFILES_MAP_MAX_GRANULES	(CACHEFILES_MAP_MAX_OBJECT_SIZE >> CACHEFILES_GRANULE_SHIFT)

/* The encoding: a struct cachefiles_map_header, then the bitmap, one bit per granule. */
#define CACHEFILES_MAP_MAGIC		0x706d4643	/* "CFmp" as little-endian bytes */
#define CACHEFILES_MAP_VERSION		1

/**
 * struct cachefiles_map_header - The header of an encoded content map (all little-endian).
 * @magic: CACHEFILES_MAP_MAGIC.
 * @version: CACHEFILES_MAP_VERSION; a reader rejects every other value.
 * @granule_shift: log2 of the granule size, CACHEFILES_GRANULE_SHIFT.
 * @reserved: Zero.
 * @object_size: Size in bytes of the object the map describes.
 * @nr_granules: Number of granules of @object_size (rounded up), thus of bits in the bitmap.
 * @bitmap_crc: CRC-32C of the DIV_ROUND_UP(@nr_granules, 8) bitmap bytes that follow the header.
 * @header_crc: CRC-32C of the header's bytes before this field.
 *
 * Version 1 is 32 bytes, every field naturally aligned.  Bit g of the bitmap (granule g, bytes
 * [g * granule size, (g + 1) * granule size) of the object) is bit (g % 8) of byte (g / 8); the
 * bits of the last byte past @nr_granules are zero.
 */
struct cachefiles_map_header {
	__le32	magic;
	__le16	version;
	u8	granule_shift;
	u8	reserved;
	__le64	object_size;
	__le64	nr_granules;
	__le32	bitmap_crc;
	__le32	header_crc;
};

#define CACHEFILES_MAP_HEADER_SIZE	32
static_assert(sizeof(struct cachefiles_map_header) == CACHEFILES_MAP_HEADER_SIZE);

/**
 * struct cachefiles_map - Which granules of an object hold valid data.
 * @bits: kvmalloc'd bitmap, one bit per granule; never NULL between init and free.  Bits at and
 *	past the granule count of @size are always clear.
 * @nr_bits: Bits allocated, a multiple of BITS_PER_LONG, at least the granule count of @size.
 * @size: Size in bytes of the object the map describes, 0 to CACHEFILES_MAP_MAX_OBJECT_SIZE.
 * @nr_set: Number of granules present (set bits), kept exact by every mutator.
 * @dirty: The map changed (bits or @size) since the owner last cleared it; set by the mutators
 *	when they change something, cleared by the owner once it has stored an encoding.
 *
 * Owned by one object, which serialises the calls (see the top of this file).
 */
struct cachefiles_map {
	unsigned long	*bits;
	unsigned long	nr_bits;
	loff_t		size;
	unsigned long	nr_set;
	bool		dirty;
};

/**
 * cachefiles_map_nr_granules - The number of granules of an object of @size bytes.
 * @size: Object size, 0 to CACHEFILES_MAP_MAX_OBJECT_SIZE.
 *
 * Return: @size divided by CACHEFILES_GRANULE_SIZE, rounded up.
 */
static inline unsigned long cachefiles_map_nr_granules(loff_t size)
{
	return (size + CACHEFILES_GRANULE_SIZE - 1) >> CACHEFILES_GRANULE_SHIFT;
}

/**
 * cachefiles_map_init - Set up an empty map (every granule absent).
 * @map: The map to set up; its previous contents are ignored.
 * @size: Size of the object in bytes.
 * @gfp: Allocation flags for the bitmap (kvmalloc: GFP_KERNEL allows vmalloc for large maps).
 *
 * The map starts clean (->dirty false).
 *
 * Return: 0; -EINVAL if @size is negative; -EFBIG if it is past CACHEFILES_MAP_MAX_OBJECT_SIZE;
 * -ENOMEM.  On error @map is left untouched and must not be freed.
 */
int cachefiles_map_init(struct cachefiles_map *map, loff_t size, gfp_t gfp);

/**
 * cachefiles_map_free - Release the bitmap of a map.
 * @map: A map set up by cachefiles_map_init() or cachefiles_map_decode().
 *
 * @map may be freed again or set up anew afterwards: ->bits is left NULL and the counts zero.
 */
void cachefiles_map_free(struct cachefiles_map *map);

/**
 * cachefiles_map_resize - Change the object size the map describes.
 * @map: The map.
 * @new_size: New size of the object in bytes.
 * @gfp: Allocation flags, should the bitmap need to grow.
 *
 * Growing keeps the bits of the existing granules, except that the granule that held the old end
 * of file is cleared if the old size was not a multiple of the granule size: the bytes past the old
 * EOF in it were never written.  The new granules are absent.
 *
 * Shrinking clears the granules wholly past @new_size; the granule that contains the new EOF
 * keeps its state, as its bytes before the new EOF are still valid.  A shrink frees memory when
 * the bitmap is much larger than needed, if it can.
 *
 * Return: 0; -EINVAL if @new_size is negative; -EFBIG if it is past
 * CACHEFILES_MAP_MAX_OBJECT_SIZE; -ENOMEM.  On error the map is unchanged.
 */
int cachefiles_map_resize(struct cachefiles_map *map, loff_t new_size, gfp_t gfp);

/* A resize in three steps, for owners that guard the map with a spinlock (see content_map.c). */
struct cachefiles_map_resize {
	unsigned long	*bits;		/* allocated by _begin, taken by _commit */
	unsigned long	nr_bits;
	unsigned long	*old;		/* given back by _commit, freed by _end */
};

int cachefiles_map_resize_begin(const struct cachefiles_map *map, loff_t new_size,
				struct cachefiles_map_resize *rs, gfp_t gfp);
void cachefiles_map_resize_commit(struct cachefiles_map *map, loff_t new_size,
				  struct cachefiles_map_resize *rs);
void cachefiles_map_resize_end(struct cachefiles_map_resize *rs);
void cachefiles_map_copy(struct cachefiles_map *dst, const struct cachefiles_map *src);

/**
 * cachefiles_map_set - Mark a range of the object present.
 * @map: The map.
 * @start: First byte of the range.
 * @len: Length of the range in bytes.
 *
 * Only the granules the range covers wholly are marked, with one exception: the last granule of
 * the object counts as wholly covered when the range covers it from its start up to the object's
 * size, since it holds no bytes past EOF.  Partial granules at either end of the range are left
 * as they were.
 *
 * Return: 0 (also when nothing was marked); -EINVAL if @start or @len is negative; -ERANGE if the
 * range ends past the object's size.  On error the map is unchanged.
 */
int cachefiles_map_set(struct cachefiles_map *map, loff_t start, loff_t len);

/**
 * cachefiles_map_clear - Mark every granule a range touches absent.
 * @map: The map.
 * @start: First byte of the range.
 * @len: Length of the range in bytes.
 *
 * The range is clamped to the object's size; a negative @start or @len clears nothing.
 */
void cachefiles_map_clear(struct cachefiles_map *map, loff_t start, loff_t len);

/**
 * cachefiles_map_test - Whether a range of the object is all present.
 * @map: The map.
 * @start: First byte of the range.
 * @len: Length of the range in bytes.
 *
 * The range is first clamped to the object's size, so a range that lies wholly at or past EOF, like
 * an empty one, is vacuously present.
 *
 * Return: true if every byte of the clamped range lies in a present granule; false otherwise, and
 * for a negative @start or @len.
 */
bool cachefiles_map_test(const struct cachefiles_map *map, loff_t start, loff_t len);

/**
 * cachefiles_map_present_run - Length of the present run that starts at a position.
 * @map: The map.
 * @pos: Byte position in the object.
 *
 * Return: the number of bytes from @pos up to the first absent granule or the object's size,
 * whichever comes first; 0 if the granule at @pos is absent, or @pos is negative or at or past
 * EOF.
 */
loff_t cachefiles_map_present_run(const struct cachefiles_map *map, loff_t pos);

/**
 * cachefiles_map_absent_run - Length of the absent run that starts at a position.
 * @map: The map.
 * @pos: Byte position in the object.
 *
 * Return: the number of bytes from @pos up to the first present granule or the object's size,
 * whichever comes first; 0 if the granule at @pos is present, or @pos is negative or at or past
 * EOF.
 */
loff_t cachefiles_map_absent_run(const struct cachefiles_map *map, loff_t pos);

/**
 * cachefiles_map_encoded_size - Bytes the encoding of a map takes.
 * @map: The map.
 *
 * Return: the size of the header plus one bit per granule of the current size, rounded up to bytes.
 */
size_t cachefiles_map_encoded_size(const struct cachefiles_map *map);

/**
 * cachefiles_map_encode - Write the on-disk form of a map.
 * @map: The map.
 * @buf: Where to write it.
 * @len: Room at @buf; at least cachefiles_map_encoded_size().
 *
 * Does not clear ->dirty: the owner does once the encoding is stored.
 *
 * Return: the number of bytes written (cachefiles_map_encoded_size()), or -ENOSPC if @len is too
 * small, in which case nothing is written.
 */
ssize_t cachefiles_map_encode(const struct cachefiles_map *map, void *buf, size_t len);

/**
 * cachefiles_map_decode - Set up a map from its on-disk form.
 * @map: The map to set up; its previous contents are ignored, as for cachefiles_map_init().
 * @buf: The encoding.
 * @len: Bytes at @buf.  Bytes past the end of the encoding (its header says where) are ignored.
 * @expected_size: Size the object has according to its other metadata.
 * @gfp: Allocation flags for the bitmap.
 *
 * Any byte pattern is safe to pass.  The map starts clean (->dirty false).
 *
 * Return: 0; -EFSCORRUPTED if anything is wrong: a buffer shorter than the encoding, a bad
 * magic, an unknown version, another granule shift, a reserved field not zero, a CRC mismatch, an
 * object size other than @expected_size, a granule count that does not match the object size,
 * bits set past the last granule; -ENOMEM.  On error @map is left untouched and must not be
 * freed.  Logging is left to the caller.
 */
int cachefiles_map_decode(struct cachefiles_map *map, const void *buf, size_t len,
			  loff_t expected_size, gfp_t gfp);

#endif /* _FS_CACHEFILES_CONTENT_MAP_H */
