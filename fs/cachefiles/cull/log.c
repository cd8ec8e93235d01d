// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: encoding and checking the culler's on-disk state (see log.h).
 *
 * The compacted section of cull-log.map is written whole at a clean unbind (and when the tail grows) and
 * is checksummed: any damage there rejects the whole log, and the cache is then reconciled by a walk
 * of its tree.  The tail is appended record by record without a sync, so a crash may leave it short
 * or end it with a torn record: replay stops at the first record that does not decode, and the walk
 * that follows every unclean stop repairs what the tail missed.
 */
#include <linux/build_bug.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "log.h"

static_assert(sizeof(struct cachefiles_cull_log_header) == 32);
static_assert(sizeof(struct cachefiles_cull_slot_disk) == CACHEFILES_CULL_SLOT_SIZE);

/**
 * cachefiles_cull_log_crc - CRC-32C, continued over @buf
 * @crc: The CRC so far; ~0 to start.
 * @buf: Bytes.
 * @len: Their length.
 */
u32 cachefiles_cull_log_crc(u32 crc, const void *buf, size_t len)
{
	return __crc32c_le(crc, buf, len);
}

/**
 * cachefiles_cull_log_header_encode - Fill in a log header
 * @hdr: The header.
 * @info: What it says.
 */
void cachefiles_cull_log_header_encode(struct cachefiles_cull_log_header *hdr,
				       const struct cachefiles_cull_log_info *info)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->magic = cpu_to_le32(CACHEFILES_CULL_LOG_MAGIC);
	hdr->version = CACHEFILES_CULL_LOG_VERSION;
	hdr->flags = info->flags;
	hdr->max_slots = cpu_to_le32(info->max_slots);
	hdr->nr_records = cpu_to_le32(info->nr_records);
	hdr->records_crc = cpu_to_le32(info->records_crc);
	hdr->crc = cpu_to_le32(cachefiles_cull_log_crc(~0U, hdr, sizeof(*hdr)));
}

/**
 * cachefiles_cull_log_header_decode - Check a log header read from disk
 * @hdr: The header's bytes.
 * @file_size: Size of cull-log.map: the compacted section must fit in it.
 * @info: Filled in from a valid header.
 *
 * Return: 0, or -EFSCORRUPTED.
 */
int cachefiles_cull_log_header_decode(const struct cachefiles_cull_log_header *hdr,
				      loff_t file_size, struct cachefiles_cull_log_info *info)
{
	struct cachefiles_cull_log_header tmp = *hdr;
	u32 nr = le32_to_cpu(hdr->nr_records), max = le32_to_cpu(hdr->max_slots);

	tmp.crc = 0;
	if (le32_to_cpu(hdr->magic) != CACHEFILES_CULL_LOG_MAGIC ||
	    hdr->version != CACHEFILES_CULL_LOG_VERSION ||
	    le32_to_cpu(hdr->crc) != cachefiles_cull_log_crc(~0U, &tmp, sizeof(tmp)) ||
	    hdr->flags & ~CACHEFILES_CULL_LOG_FLAGS || hdr->reserved ||
	    hdr->reserved2[0] || hdr->reserved2[1] ||
	    max > CACHEFILES_CULL_MAX_OBJECTS || nr > max ||
	    file_size < (loff_t)sizeof(*hdr) + (loff_t)nr * sizeof(struct cachefiles_cull_record))
		return -EFSCORRUPTED;
	info->flags = hdr->flags;
	info->max_slots = max;
	info->nr_records = nr;
	info->records_crc = le32_to_cpu(hdr->records_crc);
	return 0;
}

/**
 * cachefiles_cull_log_load_compacted - Load a batch of the compacted section
 * @p: The policy, with at least the header's max_slots slots.
 * @recs: The records, in file order (checksummed by the caller).
 * @nr: How many.
 *
 * Stricter than a replay: the compacted section is what cachefiles_cull_policy_save() wrote, so each
 * slot appears once, within the policy, and there are no tombstones.
 *
 * Return: 0, or -EFSCORRUPTED (the policy then holds part of the records: destroy it).
 */
int cachefiles_cull_log_load_compacted(struct cachefiles_cull_policy *p,
				       const struct cachefiles_cull_record *recs, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++) {
		u32 slot = le32_to_cpu(recs[i].slot);

		if (slot >= p->max_objects || cachefiles_cull_policy_tracked(p, slot) ||
		    cachefiles_cull_policy_load_entry(p, &recs[i]) < 0)
			return -EFSCORRUPTED;
	}
	return 0;
}

/**
 * cachefiles_cull_log_tombstone - Make the tail record that says a slot was freed
 * @rec: The record.
 * @slot: The slot.
 */
void cachefiles_cull_log_tombstone(struct cachefiles_cull_record *rec, u32 slot)
{
	memset(rec, 0, sizeof(*rec));
	rec->slot = cpu_to_le32(slot);
	rec->queue = CACHEFILES_CULL_Q_FREE;
	rec->reserved = cpu_to_le16(CACHEFILES_CULL_LOG_TOMBSTONE);
}

static bool cachefiles_cull_log_is_tombstone(const struct cachefiles_cull_record *rec)
{
	return rec->queue == CACHEFILES_CULL_Q_FREE &&
	       le16_to_cpu(rec->reserved) == CACHEFILES_CULL_LOG_TOMBSTONE &&
	       !rec->units && !rec->fp && !rec->freq;
}

/**
 * cachefiles_cull_log_apply - Replay one tail record
 * @p: The policy.
 * @rec: The record, untrusted.
 *
 * A tombstone frees its slot (whether or not it was tracked); any other record is loaded as
 * cachefiles_cull_policy_load_entry() does (the last record of a slot wins).
 *
 * Return: 0, -ERANGE for a slot past the policy (grow, then retry), or -EFSCORRUPTED for a record
 * that is neither (a torn append: replay stops there).
 */
int cachefiles_cull_log_apply(struct cachefiles_cull_policy *p,
			      const struct cachefiles_cull_record *rec)
{
	u32 slot = le32_to_cpu(rec->slot);
	int ret;

	if (cachefiles_cull_log_is_tombstone(rec)) {
		if (slot >= CACHEFILES_CULL_MAX_OBJECTS)
			return -EFSCORRUPTED;
		if (slot < p->max_objects)
			cachefiles_cull_policy_remove(p, slot);
		return 0;
	}
	if (slot >= CACHEFILES_CULL_MAX_OBJECTS)
		return -EFSCORRUPTED;
	ret = cachefiles_cull_policy_load_entry(p, rec);
	return ret == -EBUSY ? -EFSCORRUPTED : ret;	/* nothing is pinned while replaying */
}

static bool cachefiles_cull_name_ok(const char *s, size_t len, size_t max)
{
	return len >= 1 && len <= max && !memchr(s, '/', len) && !memchr(s, '\0', len) &&
	       !(len == 1 && s[0] == '.') && !(len == 2 && s[0] == '.' && s[1] == '.');
}

static u32 cachefiles_cull_slot_crc(const struct cachefiles_cull_slot_disk *d)
{
	struct cachefiles_cull_slot_disk tmp;

	memcpy(&tmp, d, sizeof(tmp));
	tmp.crc = 0;
	return cachefiles_cull_log_crc(~0U, &tmp, sizeof(tmp));
}

/**
 * cachefiles_cull_slot_encode - Make the slot table record of an object
 * @d: The record.
 * @slot: The object's slot.
 * @fanout: Its fan-out directory.
 * @volume: Its volume directory's name.
 * @name: Its file name.
 *
 * Return: 0, or -EINVAL for a name that is not one path component.
 */
int cachefiles_cull_slot_encode(struct cachefiles_cull_slot_disk *d, u32 slot, u8 fanout,
				const char *volume, const char *name)
{
	size_t vlen = strlen(volume), nlen = strlen(name);

	if (!cachefiles_cull_name_ok(volume, vlen, NAME_MAX) ||
	    !cachefiles_cull_name_ok(name, nlen, CACHEFILES_CULL_SLOT_NAME_MAX))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->magic = cpu_to_le32(CACHEFILES_CULL_SLOT_MAGIC);
	d->slot = cpu_to_le32(slot);
	d->fanout = fanout;
	d->vol_len = vlen;
	d->name_len = nlen;
	memcpy(d->names, volume, vlen);
	memcpy(d->names + vlen, name, nlen);
	d->crc = cpu_to_le32(cachefiles_cull_slot_crc(d));
	return 0;
}

/**
 * cachefiles_cull_slot_decode - Check a slot table record read from disk
 * @d: The record's bytes.
 * @slot: The slot it was read for.
 * @out: Filled in from a valid record.
 *
 * Return: 0, -ENOENT for a record never written (all zero magic), or -EFSCORRUPTED.
 */
int cachefiles_cull_slot_decode(const struct cachefiles_cull_slot_disk *d, u32 slot,
				struct cachefiles_cull_slot_name *out)
{
	size_t i;

	if (!d->magic)
		return -ENOENT;
	if (le32_to_cpu(d->magic) != CACHEFILES_CULL_SLOT_MAGIC || le32_to_cpu(d->slot) != slot ||
	    le32_to_cpu(d->crc) != cachefiles_cull_slot_crc(d) || d->reserved ||
	    !cachefiles_cull_name_ok(d->names, d->vol_len, NAME_MAX) ||
	    !cachefiles_cull_name_ok(d->names + d->vol_len, d->name_len,
				     CACHEFILES_CULL_SLOT_NAME_MAX))
		return -EFSCORRUPTED;
	for (i = d->vol_len + d->name_len; i < sizeof(d->names); i++)
		if (d->names[i])
			return -EFSCORRUPTED;
	out->fanout = d->fanout;
	memcpy(out->volume, d->names, d->vol_len);
	out->volume[d->vol_len] = '\0';
	memcpy(out->name, d->names + d->vol_len, d->name_len);
	out->name[d->name_len] = '\0';
	return 0;
}
