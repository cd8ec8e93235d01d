/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: the culler's victim-selection policy, S3-FIFO with queues sized in bytes.
 *
 * The policy is a pure data structure: it knows nothing of files, keys or I/O.  The culling
 * thread names each cache object by a slot, a small integer it chooses and maps to a backing file
 * itself, and hands the policy the object's size and a 64-bit fingerprint of its key.  The policy
 * answers one question: which object to delete next.  The design, the memory budget and measured
 * results are in Documentation/filesystems/caching/cachefiles-cull.rst.
 *
 * Queues: new objects enter the small FIFO (a tenth of the capacity in bytes); an object accessed
 * there by the time it reaches the tail moves to the main FIFO, others are evicted and their
 * fingerprints remembered in the ghost table.  An object whose fingerprint is found there (culled
 * recently: within a window sized from the main FIFO's object count) enters the main FIFO directly.  The main FIFO reinserts an accessed object at its head with
 * its access counter decremented, and evicts one whose counter is zero.  Pinned (in-use) objects
 * are off the queues and are never chosen.
 *
 * Locking: none inside.  The caller serialises every call on one policy with one lock of its own.
 * cachefiles_cull_policy_init() and _grow() allocate with GFP_KERNEL, so they must be called where
 * sleeping is allowed (under a mutex, or before the lock is shared); no other call allocates or
 * sleeps, so they may run under a spinlock.
 */
#ifndef _FS_CACHEFILES_CULL_POLICY_H
#define _FS_CACHEFILES_CULL_POLICY_H

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/types.h>

#ifndef EFSCORRUPTED
#define EFSCORRUPTED	EUCLEAN		/* As the filesystems that return it define it */
#endif

#define CACHEFILES_CULL_UNIT_SHIFT	12		/* sizes are kept in 4 KiB units */
#define CACHEFILES_CULL_UNIT_SIZE	(1ULL << CACHEFILES_CULL_UNIT_SHIFT)
/* largest object: U32_MAX units, just under 16 TiB */
#define CACHEFILES_CULL_MAX_BYTES	((u64)U32_MAX << CACHEFILES_CULL_UNIT_SHIFT)
/* most slots one policy tracks: 64 Mi (1.25 GiB of entries, well under kvmalloc's INT_MAX) */
#define CACHEFILES_CULL_MAX_OBJECTS	(1U << 26)
#define CACHEFILES_CULL_NIL		U32_MAX		/* "no slot" in the queue links */

/* Queue of an entry; also its home queue while it is pinned.  Values are part of the record. */
enum cachefiles_cull_queue_id {
	CACHEFILES_CULL_Q_FREE	= 0,	/* slot not tracked */
	CACHEFILES_CULL_Q_SMALL	= 1,
	CACHEFILES_CULL_Q_MAIN	= 2,
};

/**
 * struct cachefiles_cull_params - Tunables of the policy (defaults: cachefiles_cull_params_default).
 * @small_permille: Target of the small FIFO in thousandths of the capacity's bytes (1..999).
 * @freq_max: The access counter saturates at this value (1..3: a 2-bit counter).
 * @promote_min: Accesses an object needs in the small FIFO to move to the main FIFO (1..@freq_max).
 * @ghost_percent: Ghost table ways per slot, in percent (0..300; 0: no ghost table).  The table is
 *	rounded down to a power-of-two number of buckets, and has at least 256 buckets.
 * @ghost_window: A fingerprint found in the ghost table counts only if it is among the last
 *	(@ghost_window % of the main FIFO's object count) victims recorded (0..400; 0: as long as
 *	the table keeps it).  This sizes the ghost to the main FIFO, whatever the slot count.
 * @ghost_main: Record the main FIFO's victims in the ghost table too, not only the small FIFO's.
 */
struct cachefiles_cull_params {
	u16	small_permille;
	u8	freq_max;
	u8	promote_min;
	u16	ghost_percent;
	u16	ghost_window;
	bool	ghost_main;
};

/**
 * struct cachefiles_cull_entry - One slot of the policy (20 bytes).
 * @prev: Next slot towards the tail of the entry's queue, or CACHEFILES_CULL_NIL.
 * @next: Next slot towards the head, or CACHEFILES_CULL_NIL.
 * @units: Size in CACHEFILES_CULL_UNIT_SIZE units, rounded up.
 * @fp: 32-bit fingerprint folded from the caller's 64-bit one (never 0 in a tracked entry).
 * @pins: Pin count; non-zero means off the queues and never a victim.
 * @queue: enum cachefiles_cull_queue_id; while pinned, the queue the entry goes back to.
 * @freq: Access counter, 0..params.freq_max.
 */
struct cachefiles_cull_entry {
	u32	prev;
	u32	next;
	u32	units;
	u32	fp;
	u16	pins;
	u8	queue;
	u8	freq;
};

struct cachefiles_cull_queue {
	u32	head;		/* newest */
	u32	tail;		/* oldest: examined first by eviction */
	u32	count;
	u64	units;
};

/**
 * struct cachefiles_cull_policy - The culling policy of one cache.
 * @entries: The slots, indexed by slot number; kvmalloc'd, @max_objects long.
 * @ghost: Recent victims, in buckets of CACHEFILES_CULL_GHOST_WAYS ways, newest first; a way is a
 *	fingerprint's bits above its low byte, plus an epoch in the low byte; 0 is empty.
 * @ghost_buckets: Number of buckets of @ghost: 0 (no ghost table) or a power of two.
 * @ghost_clock: Fingerprints recorded so far; a way's low byte holds its epoch, (@ghost_clock >>
 *	@ghost_shift) when it was recorded.
 * @ghost_shift: log2 of the recordings per epoch; the table spans 128 epochs of the 256 a byte
 *	counts.
 * @max_objects: Number of slots; raised by cachefiles_cull_policy_grow().
 * @nr_tracked: Slots in use (queued or pinned).
 * @small: The small FIFO.
 * @main: The main FIFO.
 * @pinned_units: Units of the pinned entries.
 * @capacity_units: The cache's capacity in units; sets the small FIFO's target.
 * @small_target: Target of @small in units.
 * @params: The tunables.
 * @nr_ghost_hits: Insertions that went straight to the main FIFO.
 * @nr_promotions: Moves from the small to the main FIFO.
 * @nr_reinsertions: Main FIFO reinsertions.
 * @nr_evictions: Victims returned.
 *
 * Every field is protected by the caller's lock (see the head of this file).
 */
struct cachefiles_cull_policy {
	struct cachefiles_cull_entry	*entries;
	u32				*ghost;
	u32				ghost_buckets;
	u32				ghost_clock;
	u8				ghost_shift;
	u32				max_objects;
	u32				nr_tracked;
	struct cachefiles_cull_queue	small;
	struct cachefiles_cull_queue	main;
	u64				pinned_units;
	u64				capacity_units;
	u64				small_target;
	struct cachefiles_cull_params	params;
	u64				nr_ghost_hits;
	u64				nr_promotions;
	u64				nr_reinsertions;
	u64				nr_evictions;
};

#define CACHEFILES_CULL_GHOST_WAYS	8	/* ways per ghost bucket (32 bytes) */

/**
 * struct cachefiles_cull_record - One entry as persisted (16 bytes, little-endian).
 * @slot: The slot.
 * @units: Size in CACHEFILES_CULL_UNIT_SIZE units.
 * @fp: The entry's 32-bit fingerprint.
 * @queue: CACHEFILES_CULL_Q_SMALL or CACHEFILES_CULL_Q_MAIN.
 * @freq: The access counter.
 * @reserved: Zero.
 */
struct cachefiles_cull_record {
	__le32	slot;
	__le32	units;
	__le32	fp;
	u8	queue;
	u8	freq;
	__le16	reserved;
};

void cachefiles_cull_params_default(struct cachefiles_cull_params *params);
int cachefiles_cull_policy_init(struct cachefiles_cull_policy *p, u64 capacity_bytes,
				u32 max_objects, const struct cachefiles_cull_params *params);
int cachefiles_cull_policy_grow(struct cachefiles_cull_policy *p, u32 max_objects);
void cachefiles_cull_policy_destroy(struct cachefiles_cull_policy *p);

int cachefiles_cull_policy_insert(struct cachefiles_cull_policy *p, u32 slot, u64 fingerprint,
				  u64 bytes);
void cachefiles_cull_policy_access(struct cachefiles_cull_policy *p, u32 slot);
bool cachefiles_cull_policy_match(const struct cachefiles_cull_policy *p, u32 slot,
				  u64 fingerprint);
int cachefiles_cull_policy_resize(struct cachefiles_cull_policy *p, u32 slot, u64 bytes);
int cachefiles_cull_policy_pin(struct cachefiles_cull_policy *p, u32 slot);
int cachefiles_cull_policy_unpin(struct cachefiles_cull_policy *p, u32 slot);
int cachefiles_cull_policy_remove(struct cachefiles_cull_policy *p, u32 slot);
bool cachefiles_cull_policy_evict(struct cachefiles_cull_policy *p, u32 *slot, u64 *bytes);
void cachefiles_cull_policy_set_capacity(struct cachefiles_cull_policy *p, u64 capacity_bytes);

int cachefiles_cull_policy_save_entry(const struct cachefiles_cull_policy *p, u32 slot,
				      struct cachefiles_cull_record *rec);
int cachefiles_cull_policy_load_entry(struct cachefiles_cull_policy *p,
				      const struct cachefiles_cull_record *rec);
int cachefiles_cull_policy_save(const struct cachefiles_cull_policy *p,
				struct cachefiles_cull_record *recs, u32 nr);

/* Bytes tracked: the queued and the pinned entries, in whole units. */
static inline u64 cachefiles_cull_policy_bytes(const struct cachefiles_cull_policy *p)
{
	return (p->small.units + p->main.units + p->pinned_units) << CACHEFILES_CULL_UNIT_SHIFT;
}

static inline bool cachefiles_cull_policy_tracked(const struct cachefiles_cull_policy *p, u32 slot)
{
	return slot < p->max_objects && p->entries[slot].queue != CACHEFILES_CULL_Q_FREE;
}

#endif /* _FS_CACHEFILES_CULL_POLICY_H */
