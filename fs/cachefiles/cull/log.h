/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: the culler's on-disk state, as bytes -- the policy log and the slot table.
 *
 * Two files in the cache directory keep the culling policy across unbinds and crashes, so that
 * binding never has to walk the tree (Documentation/filesystems/caching/cachefiles-iter-format.rst):
 *
 *   cull-log.map	a header, the compacted policy (records in the order
 *			cachefiles_cull_policy_save() gives), then records appended while the
 *			cache is bound (a tail, replayed in order)
 *   cull-slots.map	one fixed-size record per slot: where the object of that slot lives, so
 *			that a victim chosen by slot is found without keeping any name in memory
 *
 * This file only encodes and checks those bytes; it does no I/O (cull/state.c does), so KUnit tests
 * it whole.  Everything read is untrusted: damage is -EFSCORRUPTED, never a warning.
 */
#ifndef _FS_CACHEFILES_CULL_LOG_H
#define _FS_CACHEFILES_CULL_LOG_H

#include <linux/types.h>

#include "policy.h"

#define CACHEFILES_CULL_LOG_MAGIC	0x4c435346	/* "FSCL" little-endian */
#define CACHEFILES_CULL_LOG_VERSION	1
/* Header flags */
#define CACHEFILES_CULL_LOG_COMPLETE	0x01	/* the policy knew every object in the cache */
#define CACHEFILES_CULL_LOG_FLAGS	CACHEFILES_CULL_LOG_COMPLETE
/* A tail record with this in ->reserved and queue CACHEFILES_CULL_Q_FREE: the slot was freed. */
#define CACHEFILES_CULL_LOG_TOMBSTONE	0x7e3b

/**
 * struct cachefiles_cull_log_header - Head of cull-log.map (32 bytes, little-endian).
 * @magic: CACHEFILES_CULL_LOG_MAGIC.
 * @version: CACHEFILES_CULL_LOG_VERSION.
 * @flags: CACHEFILES_CULL_LOG_*.
 * @reserved: Zero.
 * @max_slots: Slots the policy had; every compacted record's slot is below it.
 * @nr_records: Records in the compacted section, which follows the header.
 * @records_crc: CRC-32C of the compacted section.
 * @reserved2: Zero.
 * @crc: CRC-32C of the header with this field zero.
 */
struct cachefiles_cull_log_header {
	__le32	magic;
	u8	version;
	u8	flags;
	__le16	reserved;
	__le32	max_slots;
	__le32	nr_records;
	__le32	records_crc;
	__le32	reserved2[2];
	__le32	crc;
};

#define CACHEFILES_CULL_SLOT_MAGIC	0x53435346	/* "FSCS" little-endian */
#define CACHEFILES_CULL_SLOT_SIZE	512		/* bytes per slot in cull-slots.map */
#define CACHEFILES_CULL_SLOT_NAMES	(CACHEFILES_CULL_SLOT_SIZE - 16)
/* Longest object file name a slot record holds (the backend's names are at most 201 bytes). */
#define CACHEFILES_CULL_SLOT_NAME_MAX	(CACHEFILES_CULL_SLOT_NAMES - NAME_MAX)

/**
 * struct cachefiles_cull_slot_disk - One slot of cull-slots.map (512 bytes at slot * 512).
 * @magic: CACHEFILES_CULL_SLOT_MAGIC; zero for a slot never written.
 * @slot: The slot, again (a record read at the wrong place is caught).
 * @crc: CRC-32C of the record with this field zero.
 * @fanout: The fan-out directory's number (@xx).
 * @vol_len: Length of the volume directory's name (V...), 1..NAME_MAX.
 * @name_len: Length of the object's file name, 1..CACHEFILES_CULL_SLOT_NAME_MAX.
 * @reserved: Zero.
 * @names: The volume directory's name, then the object's name, no terminators; then zeroes.
 */
struct cachefiles_cull_slot_disk {
	__le32	magic;
	__le32	slot;
	__le32	crc;
	u8	fanout;
	u8	vol_len;
	u8	name_len;
	u8	reserved;
	char	names[CACHEFILES_CULL_SLOT_NAMES];
};

/* What a slot record says, decoded; the names are NUL-terminated. */
struct cachefiles_cull_slot_name {
	u8	fanout;
	char	volume[NAME_MAX + 1];
	char	name[NAME_MAX + 1];
};

/* What a valid header says. */
struct cachefiles_cull_log_info {
	u8	flags;
	u32	max_slots;
	u32	nr_records;
	u32	records_crc;
};

u32 cachefiles_cull_log_crc(u32 crc, const void *buf, size_t len);
void cachefiles_cull_log_header_encode(struct cachefiles_cull_log_header *hdr,
				       const struct cachefiles_cull_log_info *info);
int cachefiles_cull_log_header_decode(const struct cachefiles_cull_log_header *hdr,
				      loff_t file_size, struct cachefiles_cull_log_info *info);
int cachefiles_cull_log_load_compacted(struct cachefiles_cull_policy *p,
				       const struct cachefiles_cull_record *recs, u32 nr);
void cachefiles_cull_log_tombstone(struct cachefiles_cull_record *rec, u32 slot);
int cachefiles_cull_log_apply(struct cachefiles_cull_policy *p,
			      const struct cachefiles_cull_record *rec);

int cachefiles_cull_slot_encode(struct cachefiles_cull_slot_disk *d, u32 slot, u8 fanout,
				const char *volume, const char *name);
int cachefiles_cull_slot_decode(const struct cachefiles_cull_slot_disk *d, u32 slot,
				struct cachefiles_cull_slot_name *out);

#endif /* _FS_CACHEFILES_CULL_LOG_H */
