// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the culler's victim-selection policy (S3-FIFO, sizes in bytes).
 *
 * Both FIFOs are intrusive doubly linked lists threaded through the slot array by slot number, so
 * an entry costs 20 bytes and every operation but eviction is O(1).  Eviction is amortised O(1):
 * each step that does not yield a victim either moves an entry from the small to the main FIFO
 * (once per insertion) or takes one off an access counter (once per access).
 *
 * The ghost table is an array of buckets of CACHEFILES_CULL_GHOST_WAYS 32-bit ways.  A fingerprint's
 * low bits choose its bucket; a way keeps the fingerprint's upper 24 bits and, in its low byte, the
 * epoch (a count of recordings, coarsened) in which the victim was recorded.  Within a bucket the
 * newest is first, so recording shifts the bucket by one and drops its oldest: each bucket is a
 * small FIFO, and the table approximates a FIFO of the last victims with no links.  A way found
 * counts only while its age is within a window sized from the main FIFO's object count.
 *
 * This file is built in userspace too (tools/cullsim), through a shim that supplies the few kernel
 * helpers used here: keep to those.
 */
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "policy.h"

#define CULL_FOLD_MULT		0x61c8864680b583ebULL	/* 2^64 / golden ratio, odd */
#define CULL_PERMILLE		1000
#define CULL_PERCENT		100
#define CULL_FREQ_LIMIT		3	/* a 2-bit counter */
#define CULL_GHOST_MAX_PERCENT	300	/* 12 bytes per slot: 32 with the 20-byte entry */
#define CULL_GHOST_MAX_WINDOW	400	/* percent of the main FIFO's object count */
#define CULL_PINS_MAX		U16_MAX
#define CULL_GHOST_MIN_BUCKETS	256	/* bucket numbers hold at least the 8 bits tags lack */
#define CULL_GHOST_EPOCH_MASK	0xffU	/* low byte of a ghost way: its epoch */
#define CULL_GHOST_TABLE_EPOCHS	128	/* epochs a table's worth of insertions spans */

/* Default tunables: S3-FIFO's 10 % small FIFO and 2-bit counter; see cachefiles-cull.rst for the tuning. */
#define CULL_DEFAULT_SMALL_PERMILLE	100	/* small FIFO: 10 % of the capacity */
#define CULL_DEFAULT_FREQ_MAX		CULL_FREQ_LIMIT
#define CULL_DEFAULT_PROMOTE_MIN	1	/* one access in the small FIFO earns main */
#define CULL_DEFAULT_GHOST_PERCENT	100	/* ghost ways per slot */
#define CULL_DEFAULT_GHOST_WINDOW	50	/* percent of main's object count */

static_assert(sizeof(struct cachefiles_cull_entry) == 20);
static_assert(sizeof(struct cachefiles_cull_record) == 16);

/**
 * cachefiles_cull_params_default - Fill in the default tunables.
 * @params: The tunables to set.
 */
void cachefiles_cull_params_default(struct cachefiles_cull_params *params)
{
	params->small_permille = CULL_DEFAULT_SMALL_PERMILLE;
	params->freq_max = CULL_DEFAULT_FREQ_MAX;
	params->promote_min = CULL_DEFAULT_PROMOTE_MIN;
	params->ghost_percent = CULL_DEFAULT_GHOST_PERCENT;
	params->ghost_window = CULL_DEFAULT_GHOST_WINDOW;
	params->ghost_main = false;
}

static bool cull_params_valid(const struct cachefiles_cull_params *params)
{
	return params->small_permille >= 1 && params->small_permille < CULL_PERMILLE &&
	       params->freq_max >= 1 && params->freq_max <= CULL_FREQ_LIMIT &&
	       params->promote_min >= 1 && params->promote_min <= params->freq_max &&
	       params->ghost_percent <= CULL_GHOST_MAX_PERCENT &&
	       params->ghost_window <= CULL_GHOST_MAX_WINDOW;
}

/*
 * The 32-bit fingerprint kept in entries.  A ghost way keeps its bits above the epoch byte, which
 * are never all zero, so that an empty way (0) matches nothing.
 */
static u32 cull_fold(u64 fingerprint)
{
	u32 fp = (fingerprint * CULL_FOLD_MULT) >> 32;

	return fp & ~CULL_GHOST_EPOCH_MASK ? fp : fp | (CULL_GHOST_EPOCH_MASK + 1);
}

/*
 * Ghost table buckets for @max_objects slots: a power of two (so that a grow can rehash without
 * the full fingerprints), rounded down, and at least CULL_GHOST_MIN_BUCKETS (so that the bucket
 * number holds the fingerprint bits that a way's tag leaves out).
 */
static u32 cull_ghost_buckets(u32 max_objects, u16 ghost_percent)
{
	u64 buckets = div_u64((u64)max_objects * ghost_percent,
			      CULL_PERCENT * CACHEFILES_CULL_GHOST_WAYS);

	if (!ghost_percent)
		return 0;
	return buckets <= CULL_GHOST_MIN_BUCKETS ? CULL_GHOST_MIN_BUCKETS :
	       rounddown_pow_of_two(buckets);
}

/* Victims' ages are counted in epochs of 2^shift ghost insertions; the table spans 128 epochs. */
static u8 cull_ghost_shift(u32 buckets)
{
	u64 ways = (u64)buckets * CACHEFILES_CULL_GHOST_WAYS;
	u8 shift = 0;

	while ((ways >> shift) > CULL_GHOST_TABLE_EPOCHS)
		shift++;
	return shift;
}

static u32 *cull_ghost_bucket(u32 *ghost, u32 buckets, u32 fp)
{
	return ghost + (fp & (buckets - 1)) * CACHEFILES_CULL_GHOST_WAYS;
}

static u32 cull_ghost_epoch(const struct cachefiles_cull_policy *p)
{
	return (p->ghost_clock >> p->ghost_shift) & CULL_GHOST_EPOCH_MASK;
}

/* Put a way at the front of its bucket, dropping the bucket's oldest. */
static void cull_ghost_push(u32 *ghost, u32 buckets, u32 fp, u32 way)
{
	u32 *b = cull_ghost_bucket(ghost, buckets, fp);

	memmove(b + 1, b, (CACHEFILES_CULL_GHOST_WAYS - 1) * sizeof(*b));
	b[0] = way;
}

static void cull_ghost_add(struct cachefiles_cull_policy *p, u32 fp)
{
	if (!p->ghost_buckets)
		return;
	cull_ghost_push(p->ghost, p->ghost_buckets, fp,
			(fp & ~CULL_GHOST_EPOCH_MASK) | cull_ghost_epoch(p));
	p->ghost_clock++;
}

/*
 * Look @fp up.  A victim counts only while it is among the last (window) victims, the window being
 * a share of the main FIFO's object count; a hit is consumed, so that one victim earns one direct
 * entry into main.  While main holds fewer objects than the small FIFO (a cache filling from cold,
 * where main is still empty), the window is sized from the small FIFO instead: else no victim could
 * ever come back through the ghost, and nothing reused at a distance longer than the small FIFO
 * would reach main.
 */
static bool cull_ghost_take(struct cachefiles_cull_policy *p, u32 fp)
{
	u64 window = div_u64((u64)max(p->main.count, p->small.count) * p->params.ghost_window,
			     CULL_PERCENT);
	u32 *b;
	int i;

	if (!p->ghost_buckets)
		return false;
	b = cull_ghost_bucket(p->ghost, p->ghost_buckets, fp);
	for (i = 0; i < CACHEFILES_CULL_GHOST_WAYS; i++) {
		u32 age;

		if (!b[i] || (b[i] & ~CULL_GHOST_EPOCH_MASK) != (fp & ~CULL_GHOST_EPOCH_MASK))
			continue;
		age = (cull_ghost_epoch(p) - b[i]) & CULL_GHOST_EPOCH_MASK;
		memmove(b + i, b + i + 1, (CACHEFILES_CULL_GHOST_WAYS - 1 - i) * sizeof(*b));
		b[CACHEFILES_CULL_GHOST_WAYS - 1] = 0;
		return !p->params.ghost_window || ((u64)age << p->ghost_shift) <= window;
	}
	return false;
}

/*
 * Move every way of the current table to @new (@buckets, a multiple of the current count) and
 * re-express its age in @new's epochs, dropping those too old to express.  A way's fingerprint is
 * its tag plus the low bits of its old bucket's number; each new bucket draws from one old bucket,
 * oldest first, so buckets stay in age order.
 */
static void cull_ghost_rehash(struct cachefiles_cull_policy *p, u32 *new, u32 buckets)
{
	u8 shift = cull_ghost_shift(buckets);
	u32 now = p->ghost_clock >> shift;
	u32 b;
	int i;

	for (b = 0; b < p->ghost_buckets; b++) {
		const u32 *ob = p->ghost + b * CACHEFILES_CULL_GHOST_WAYS;

		for (i = CACHEFILES_CULL_GHOST_WAYS - 1; i >= 0; i--) {
			u32 fp = (ob[i] & ~CULL_GHOST_EPOCH_MASK) | (b & CULL_GHOST_EPOCH_MASK);
			u64 age = (u64)((cull_ghost_epoch(p) - ob[i]) & CULL_GHOST_EPOCH_MASK)
				  << p->ghost_shift;

			if (!ob[i] || (age >> shift) > CULL_GHOST_EPOCH_MASK)
				continue;
			cull_ghost_push(new, buckets, fp,
					(fp & ~CULL_GHOST_EPOCH_MASK) |
					((now - (u32)(age >> shift)) & CULL_GHOST_EPOCH_MASK));
		}
	}
	p->ghost_shift = shift;
}

static struct cachefiles_cull_queue *cull_queue(struct cachefiles_cull_policy *p, u8 id)
{
	return id == CACHEFILES_CULL_Q_MAIN ? &p->main : &p->small;
}

static void cull_link_head(struct cachefiles_cull_policy *p, u32 slot)
{
	struct cachefiles_cull_entry *e = &p->entries[slot];
	struct cachefiles_cull_queue *q = cull_queue(p, e->queue);

	e->prev = q->head;
	e->next = CACHEFILES_CULL_NIL;
	if (q->head != CACHEFILES_CULL_NIL)
		p->entries[q->head].next = slot;
	else
		q->tail = slot;
	q->head = slot;
	q->count++;
	q->units += e->units;
}

static void cull_unlink(struct cachefiles_cull_policy *p, u32 slot)
{
	struct cachefiles_cull_entry *e = &p->entries[slot];
	struct cachefiles_cull_queue *q = cull_queue(p, e->queue);

	if (e->prev != CACHEFILES_CULL_NIL)
		p->entries[e->prev].next = e->next;
	else
		q->tail = e->next;
	if (e->next != CACHEFILES_CULL_NIL)
		p->entries[e->next].prev = e->prev;
	else
		q->head = e->prev;
	q->count--;
	q->units -= e->units;
}

/* Take a tracked entry out of the accounting: off its queue, or out of the pinned total. */
static void cull_detach(struct cachefiles_cull_policy *p, u32 slot)
{
	struct cachefiles_cull_entry *e = &p->entries[slot];

	if (e->pins)
		p->pinned_units -= e->units;
	else
		cull_unlink(p, slot);
}

static void cull_free(struct cachefiles_cull_policy *p, u32 slot)
{
	memset(&p->entries[slot], 0, sizeof(p->entries[slot]));
	p->nr_tracked--;
}

static void cull_queue_init(struct cachefiles_cull_queue *q)
{
	q->head = CACHEFILES_CULL_NIL;
	q->tail = CACHEFILES_CULL_NIL;
	q->count = 0;
	q->units = 0;
}

static int cull_units(u64 bytes, u32 *units)
{
	if (bytes > CACHEFILES_CULL_MAX_BYTES)
		return -EFBIG;
	*units = DIV_ROUND_UP_ULL(bytes, CACHEFILES_CULL_UNIT_SIZE);
	return 0;
}

/**
 * cachefiles_cull_policy_init - Set up an empty policy.
 * @p: The policy.
 * @capacity_bytes: The cache's capacity, which sizes the small FIFO.
 * @max_objects: Number of slots (1..CACHEFILES_CULL_MAX_OBJECTS); slots are 0..@max_objects - 1.
 * @params: Tunables, or NULL for the defaults.
 *
 * May sleep.  Return: 0, -EINVAL for bad arguments, or -ENOMEM.
 */
int cachefiles_cull_policy_init(struct cachefiles_cull_policy *p, u64 capacity_bytes,
				u32 max_objects, const struct cachefiles_cull_params *params)
{
	memset(p, 0, sizeof(*p));
	if (params)
		p->params = *params;
	else
		cachefiles_cull_params_default(&p->params);
	if (!cull_params_valid(&p->params) || !max_objects ||
	    max_objects > CACHEFILES_CULL_MAX_OBJECTS)
		return -EINVAL;

	p->ghost_buckets = cull_ghost_buckets(max_objects, p->params.ghost_percent);
	p->entries = kvcalloc(max_objects, sizeof(*p->entries), GFP_KERNEL);
	if (p->ghost_buckets)
		p->ghost = kvcalloc((size_t)p->ghost_buckets * CACHEFILES_CULL_GHOST_WAYS,
				    sizeof(*p->ghost), GFP_KERNEL);
	if (!p->entries || (p->ghost_buckets && !p->ghost)) {
		kvfree(p->entries);
		kvfree(p->ghost);
		p->entries = NULL;
		p->ghost = NULL;
		return -ENOMEM;
	}
	p->max_objects = max_objects;
	p->ghost_shift = cull_ghost_shift(p->ghost_buckets);
	cull_queue_init(&p->small);
	cull_queue_init(&p->main);
	cachefiles_cull_policy_set_capacity(p, capacity_bytes);
	return 0;
}

/**
 * cachefiles_cull_policy_grow - Raise the number of slots, keeping every entry and ghost.
 * @p: The policy.
 * @max_objects: The new number of slots; no smaller than the current one is a no-op.
 *
 * May sleep.  On failure the policy is unchanged.  Return: 0, -EINVAL or -ENOMEM.
 */
int cachefiles_cull_policy_grow(struct cachefiles_cull_policy *p, u32 max_objects)
{
	struct cachefiles_cull_entry *entries;
	u32 *ghost = NULL;
	u32 buckets;

	if (max_objects <= p->max_objects)
		return 0;
	if (max_objects > CACHEFILES_CULL_MAX_OBJECTS)
		return -EINVAL;

	buckets = cull_ghost_buckets(max_objects, p->params.ghost_percent);
	entries = kvcalloc(max_objects, sizeof(*entries), GFP_KERNEL);
	if (!entries)
		return -ENOMEM;
	if (buckets != p->ghost_buckets) {
		ghost = kvcalloc((size_t)buckets * CACHEFILES_CULL_GHOST_WAYS, sizeof(*ghost),
				 GFP_KERNEL);
		if (!ghost) {
			kvfree(entries);
			return -ENOMEM;
		}
		cull_ghost_rehash(p, ghost, buckets);
		kvfree(p->ghost);
		p->ghost = ghost;
		p->ghost_buckets = buckets;
	}
	memcpy(entries, p->entries, (size_t)p->max_objects * sizeof(*entries));
	kvfree(p->entries);
	p->entries = entries;
	p->max_objects = max_objects;
	return 0;
}

/**
 * cachefiles_cull_policy_destroy - Free a policy's memory.
 * @p: The policy; it must be initialised again before any other use.
 */
void cachefiles_cull_policy_destroy(struct cachefiles_cull_policy *p)
{
	kvfree(p->entries);
	kvfree(p->ghost);
	memset(p, 0, sizeof(*p));
}

/**
 * cachefiles_cull_policy_insert - Track a new object.
 * @p: The policy.
 * @slot: The caller's number for it, below ->max_objects and not tracked.
 * @fingerprint: A hash of its key, the same each time the same object is inserted.
 * @bytes: Its size in the cache.
 *
 * The object goes to the head of the small FIFO, or of the main FIFO if its fingerprint is in the
 * ghost table (it was culled from the small FIFO recently, so it has been asked for again soon).
 *
 * Return: 0, -ERANGE for a slot past ->max_objects, -EEXIST for a tracked one, -EFBIG.
 */
int cachefiles_cull_policy_insert(struct cachefiles_cull_policy *p, u32 slot, u64 fingerprint,
				  u64 bytes)
{
	struct cachefiles_cull_entry *e;
	u32 units;
	int ret;

	if (slot >= p->max_objects)
		return -ERANGE;
	e = &p->entries[slot];
	if (e->queue != CACHEFILES_CULL_Q_FREE)
		return -EEXIST;
	ret = cull_units(bytes, &units);
	if (ret)
		return ret;

	e->units = units;
	e->fp = cull_fold(fingerprint);
	e->pins = 0;
	e->freq = 0;
	e->queue = CACHEFILES_CULL_Q_SMALL;
	if (cull_ghost_take(p, e->fp)) {
		e->queue = CACHEFILES_CULL_Q_MAIN;
		p->nr_ghost_hits++;
	}
	cull_link_head(p, slot);
	p->nr_tracked++;
	return 0;
}

/**
 * cachefiles_cull_policy_match - Tell whether a tracked slot holds the object of a fingerprint.
 * @p: The policy.
 * @slot: The slot.
 * @fingerprint: The object's fingerprint, as given to _insert().
 *
 * Slot numbers are kept on disk with each object; this catches a slot that was reused for another
 * object while the disk still named the old one (up to a 32-bit fingerprint collision).
 *
 * Return: true if @slot is tracked with @fingerprint's folded value.
 */
bool cachefiles_cull_policy_match(const struct cachefiles_cull_policy *p, u32 slot,
				  u64 fingerprint)
{
	return cachefiles_cull_policy_tracked(p, slot) &&
	       p->entries[slot].fp == cull_fold(fingerprint);
}

/**
 * cachefiles_cull_policy_access - Note a use of an object (a cache hit).
 * @p: The policy.
 * @slot: The object; an untracked slot is ignored.
 *
 * Only the access counter changes, wherever the object is; pinned objects count too.
 */
void cachefiles_cull_policy_access(struct cachefiles_cull_policy *p, u32 slot)
{
	struct cachefiles_cull_entry *e;

	if (!cachefiles_cull_policy_tracked(p, slot))
		return;
	e = &p->entries[slot];
	if (e->freq < p->params.freq_max)
		e->freq++;
}

/**
 * cachefiles_cull_policy_resize - Change the size of a tracked object.
 * @p: The policy.
 * @slot: The object.
 * @bytes: Its new size in the cache.
 *
 * Return: 0, -ENOENT for an untracked slot, -EFBIG.
 */
int cachefiles_cull_policy_resize(struct cachefiles_cull_policy *p, u32 slot, u64 bytes)
{
	struct cachefiles_cull_entry *e;
	u32 units;
	int ret;

	if (!cachefiles_cull_policy_tracked(p, slot))
		return -ENOENT;
	ret = cull_units(bytes, &units);
	if (ret)
		return ret;

	e = &p->entries[slot];
	if (e->pins) {
		p->pinned_units = p->pinned_units - e->units + units;
	} else {
		struct cachefiles_cull_queue *q = cull_queue(p, e->queue);

		q->units = q->units - e->units + units;
	}
	e->units = units;
	return 0;
}

/**
 * cachefiles_cull_policy_pin - Mark an object in use: off the queues until unpinned.
 * @p: The policy.
 * @slot: The object.
 *
 * Pins nest; the object goes back to its queue at the last unpin.
 *
 * Return: 0, -ENOENT for an untracked slot, -EOVERFLOW past U16_MAX pins.
 */
int cachefiles_cull_policy_pin(struct cachefiles_cull_policy *p, u32 slot)
{
	struct cachefiles_cull_entry *e;

	if (!cachefiles_cull_policy_tracked(p, slot))
		return -ENOENT;
	e = &p->entries[slot];
	if (e->pins == CULL_PINS_MAX)
		return -EOVERFLOW;
	if (!e->pins) {
		cull_unlink(p, slot);
		p->pinned_units += e->units;
	}
	e->pins++;
	return 0;
}

/**
 * cachefiles_cull_policy_unpin - Drop a pin; at the last, the object goes back to the head of its
 * queue, as it has just been in use.
 * @p: The policy.
 * @slot: The object.
 *
 * Return: 0, -ENOENT for an untracked slot, -EINVAL for one that is not pinned.
 */
int cachefiles_cull_policy_unpin(struct cachefiles_cull_policy *p, u32 slot)
{
	struct cachefiles_cull_entry *e;

	if (!cachefiles_cull_policy_tracked(p, slot))
		return -ENOENT;
	e = &p->entries[slot];
	if (!e->pins)
		return -EINVAL;
	if (--e->pins)
		return 0;
	p->pinned_units -= e->units;
	cull_link_head(p, slot);
	return 0;
}

/**
 * cachefiles_cull_policy_remove - Stop tracking an object deleted for another reason.
 * @p: The policy.
 * @slot: The object, pinned or not.
 *
 * The object is not remembered in the ghost table: it was not the policy's choice.
 *
 * Return: 0, or -ENOENT for an untracked slot.
 */
int cachefiles_cull_policy_remove(struct cachefiles_cull_policy *p, u32 slot)
{
	if (!cachefiles_cull_policy_tracked(p, slot))
		return -ENOENT;
	cull_detach(p, slot);
	cull_free(p, slot);
	return 0;
}

/**
 * cachefiles_cull_policy_evict - Choose the next object to cull and stop tracking it.
 * @p: The policy.
 * @slot: Set to the victim's slot.
 * @bytes: Set to the bytes it was tracked with (whole units).
 *
 * The small FIFO gives the victim while it is at or over its target (or main is empty); an
 * accessed object at its tail moves to main instead.  Otherwise main gives it: an object with a
 * non-zero counter at its tail goes back to its head with the counter decremented.
 *
 * Return: true with a victim, false if there is none (nothing tracked, or everything pinned).
 */
bool cachefiles_cull_policy_evict(struct cachefiles_cull_policy *p, u32 *slot, u64 *bytes)
{
	struct cachefiles_cull_entry *e;
	u32 victim;

	for (;;) {
		if (p->small.count && (p->small.units >= p->small_target || !p->main.count)) {
			victim = p->small.tail;
			e = &p->entries[victim];
			cull_unlink(p, victim);
			if (e->freq >= p->params.promote_min) {
				e->freq = 0;
				e->queue = CACHEFILES_CULL_Q_MAIN;
				cull_link_head(p, victim);
				p->nr_promotions++;
				continue;
			}
			cull_ghost_add(p, e->fp);
			break;
		}
		if (!p->main.count)
			return false;
		victim = p->main.tail;
		e = &p->entries[victim];
		cull_unlink(p, victim);
		if (e->freq) {
			e->freq--;
			cull_link_head(p, victim);
			p->nr_reinsertions++;
			continue;
		}
		if (p->params.ghost_main)
			cull_ghost_add(p, e->fp);
		break;
	}
	*slot = victim;
	*bytes = (u64)e->units << CACHEFILES_CULL_UNIT_SHIFT;
	cull_free(p, victim);
	p->nr_evictions++;
	return true;
}

/**
 * cachefiles_cull_policy_set_capacity - Change the capacity; the small FIFO's target follows.
 * @p: The policy.
 * @capacity_bytes: The new capacity.
 *
 * Nothing is evicted here: the caller evicts while cachefiles_cull_policy_bytes() is over its mark.
 */
void cachefiles_cull_policy_set_capacity(struct cachefiles_cull_policy *p, u64 capacity_bytes)
{
	p->capacity_units = capacity_bytes >> CACHEFILES_CULL_UNIT_SHIFT;
	p->small_target = div_u64(p->capacity_units * p->params.small_permille, CULL_PERMILLE);
}

/**
 * cachefiles_cull_policy_save_entry - Encode one tracked entry as a record.
 * @p: The policy.
 * @slot: The entry; a pinned one is saved in its home queue.
 * @rec: The record to fill.
 *
 * Return: 0, or -ENOENT for an untracked slot.
 */
int cachefiles_cull_policy_save_entry(const struct cachefiles_cull_policy *p, u32 slot,
				      struct cachefiles_cull_record *rec)
{
	const struct cachefiles_cull_entry *e;

	if (!cachefiles_cull_policy_tracked(p, slot))
		return -ENOENT;
	e = &p->entries[slot];
	rec->slot = cpu_to_le32(slot);
	rec->units = cpu_to_le32(e->units);
	rec->fp = cpu_to_le32(e->fp);
	rec->queue = e->queue;
	rec->freq = e->freq;
	rec->reserved = 0;
	return 0;
}

/**
 * cachefiles_cull_policy_load_entry - Track an entry as a record describes it.
 * @p: The policy.
 * @rec: The record, untrusted: it comes from disk.
 *
 * The entry goes to the head of the record's queue, so loading records oldest first (the order of
 * cachefiles_cull_policy_save()) rebuilds the queues' order.  A record for a tracked slot replaces
 * that entry (a log replayed in order: the last record wins), unless it is pinned.
 *
 * Return: 0, -ERANGE for a slot past ->max_objects (grow, then retry), -EBUSY for a pinned slot,
 * -EFSCORRUPTED for a record no save can produce.
 */
int cachefiles_cull_policy_load_entry(struct cachefiles_cull_policy *p,
				      const struct cachefiles_cull_record *rec)
{
	u32 slot = le32_to_cpu(rec->slot);
	struct cachefiles_cull_entry *e;

	if ((rec->queue != CACHEFILES_CULL_Q_SMALL && rec->queue != CACHEFILES_CULL_Q_MAIN) ||
	    rec->freq > p->params.freq_max || rec->reserved || !rec->fp)
		return -EFSCORRUPTED;
	if (slot >= p->max_objects)
		return -ERANGE;
	e = &p->entries[slot];
	if (e->queue != CACHEFILES_CULL_Q_FREE) {
		if (e->pins)
			return -EBUSY;
		cull_unlink(p, slot);
	} else {
		p->nr_tracked++;
	}
	e->units = le32_to_cpu(rec->units);
	e->fp = le32_to_cpu(rec->fp);
	e->pins = 0;
	e->queue = rec->queue;
	e->freq = rec->freq;
	cull_link_head(p, slot);
	return 0;
}

static u32 cull_save_queue(const struct cachefiles_cull_policy *p,
			   const struct cachefiles_cull_queue *q, struct cachefiles_cull_record *recs)
{
	u32 n = 0, slot;

	for (slot = q->tail; slot != CACHEFILES_CULL_NIL; slot = p->entries[slot].next)
		cachefiles_cull_policy_save_entry(p, slot, &recs[n++]);
	return n;
}

/**
 * cachefiles_cull_policy_save - Encode every tracked entry, in an order that loads back the same.
 * @p: The policy.
 * @recs: Room for @nr records.
 * @nr: Number of records @recs holds; ->nr_tracked are needed.
 *
 * The small FIFO tail to head, the main FIFO tail to head, then the pinned entries (which go back
 * to the head of their queue when unpinned, so they load there too).  The pinned ones are found by
 * a walk of every slot: this is for snapshots, not for a hot path.
 *
 * Return: the number of records written, or -ENOSPC if @nr is too small.
 */
int cachefiles_cull_policy_save(const struct cachefiles_cull_policy *p,
				struct cachefiles_cull_record *recs, u32 nr)
{
	u32 n, slot;

	if (nr < p->nr_tracked)
		return -ENOSPC;
	n = cull_save_queue(p, &p->small, recs);
	n += cull_save_queue(p, &p->main, recs + n);
	for (slot = 0; slot < p->max_objects && n < p->nr_tracked; slot++)
		if (p->entries[slot].pins)
			cachefiles_cull_policy_save_entry(p, slot, &recs[n++]);
	return n;
}
