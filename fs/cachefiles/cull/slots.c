// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the culler's slots -- giving objects slots, pinning them while they are in use, and
 * reconciling the policy with the tree after a crash.
 *
 * Every object file has a slot, a small number recorded in its metadata (meta.c) and naming its
 * entry in the policy (cull/policy.c, 20 bytes) and its record in cull-slots.map (512 bytes on disk,
 * where the object lives), so no name is kept in memory.  Slot numbers are reused; the allocator
 * keeps the slot array at least 15/16 full before it grows it by a quarter.  A slot on disk is only
 * a hint: it is trusted once the policy tracks it with the object's fingerprint, and the culler
 * deletes a slot's file only if that file's metadata records the slot.
 */
#include "../internal.h"

#include <linux/bitmap.h>
#include <linux/siphash.h>
#include <linux/slab.h>

/* The slot array grows by a quarter once this share of it (numerator / 16) is in use. */
#define CACHEFILES_CULL_FULL_16THS	15
#define CACHEFILES_CULL_GROW_SHIFT	2
/* Slots a walk handles between reschedules when it removes what it did not see. */
#define CACHEFILES_CULL_SWEEP_BATCH	4096

/* Key of the fingerprints the policy's ghost table remembers victims by; any fixed value does. */
static const siphash_key_t cachefiles_cull_fp_key = {
	{ 0x6373656c69666863ULL, 0x6c6c75632d736f69ULL }
};

/**
 * cachefiles_cull_fingerprint - The 64-bit fingerprint of an object
 * @volume: The name of its volume's directory
 * @key: Its cookie's key
 * @key_len: The key's length
 *
 * The same from a cookie at lookup and from a file's metadata in the reconciling walk.
 */
u64 cachefiles_cull_fingerprint(const char *volume, const u8 *key, unsigned int key_len)
{
	siphash_key_t k = cachefiles_cull_fp_key;

	k.key[1] ^= siphash(volume, strlen(volume), &cachefiles_cull_fp_key);
	return siphash(key, key_len, &k);
}

static bool cachefiles_cull_is_victim(struct cachefiles_culler *c, u32 slot)
{
	unsigned int i;

	for (i = 0; i < c->nr_victims; i++)
		if (c->victims[i] == slot)
			return true;
	return false;
}

/**
 * cachefiles_cull_grow - Grow the slot array, and the walk's bitmap of seen slots with it
 * @c: The culler
 * @want: Slots wanted at least (the array grows by a quarter at least)
 *
 * Context: culler->lock held; may sleep.
 * Return: 0, -ENOSPC at CACHEFILES_CULL_MAX_OBJECTS, or -ENOMEM.
 */
int cachefiles_cull_grow(struct cachefiles_culler *c, u32 want)
{
	struct cachefiles_cull_policy *p = &c->policy;
	unsigned long *seen;
	int ret;

	lockdep_assert_held(&c->lock);
	want = min_t(u64, max_t(u64, want, (u64)p->max_objects + (p->max_objects >>
						CACHEFILES_CULL_GROW_SHIFT)),
		     CACHEFILES_CULL_MAX_OBJECTS);
	if (want <= p->max_objects)
		return -ENOSPC;
	if (c->seen) {
		seen = bitmap_zalloc(want, GFP_KERNEL);
		if (!seen)
			return -ENOMEM;
		bitmap_copy(seen, c->seen, p->max_objects);
	}
	ret = cachefiles_cull_policy_grow(p, want);
	if (c->seen) {
		if (ret < 0) {
			bitmap_free(seen);
			return ret;
		}
		bitmap_free(c->seen);
		c->seen = seen;
	}
	return ret;
}

/* Find a free slot.  Context: c->lock held. */
static int cachefiles_cull_slot_alloc(struct cachefiles_culler *c, u32 *slot)
{
	struct cachefiles_cull_policy *p = &c->policy;
	u32 n, s;
	int ret;

	lockdep_assert_held(&c->lock);
	if (p->nr_tracked + c->nr_victims >= p->max_objects / 16 * CACHEFILES_CULL_FULL_16THS) {
		ret = cachefiles_cull_grow(c, 0);
		if (ret < 0 && ret != -ENOSPC)
			return ret;
	}
	for (n = 0; n < p->max_objects; n++) {
		s = c->alloc_hint;
		c->alloc_hint = s + 1 < p->max_objects ? s + 1 : 0;
		if (!cachefiles_cull_policy_tracked(p, s) && !cachefiles_cull_is_victim(c, s)) {
			*slot = s;
			return 0;
		}
	}
	return -ENOSPC;
}

static const char *cachefiles_object_volume_name(struct cachefiles_object *object)
{
	return object->volume->dentry->d_name.name;
}

/* An object's file was buried by the culler between its lookup's open and its pin. */
static bool cachefiles_cull_buried(struct cachefiles_object *object)
{
	struct dentry *dentry = object->file->f_path.dentry;

	return d_unhashed(dentry) ||
	       READ_ONCE(dentry->d_parent) != READ_ONCE(object->volume->fanout[object->fanout]);
}

/**
 * cachefiles_cull_track - Pin an object being looked up, giving it a slot if it needs one
 * @object: The object, with its file open and object->slot as its metadata says (or
 *	CACHEFILES_CULL_NIL: new, or written before slots)
 *
 * An object that still has its slot counts an access and is pinned; one whose slot the policy no
 * longer tracks is inserted again with it; one without a usable slot (none, or a slot now held by
 * another object) gets a new one and is marked dirty so that its metadata records it.  A lookup
 * counts as an access; the pin keeps the object from being culled until it is withdrawn.
 *
 * Context: process context, cache credentials and write access.
 * Return: 0; -EAGAIN if the culler is deleting the file or has deleted it meanwhile (end the change,
 * cachefiles_cull_wait_victims(), open it again); -ENOMEM or -ENOSPC (the object is then not tracked:
 * it works, but is never culled while this cache is bound).
 */
int cachefiles_cull_track(struct cachefiles_object *object)
{
	struct fscache_cookie *cookie = object->cookie;
	struct cachefiles_cache *cache = object->volume->cache;
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_policy *p = &c->policy;
	const char *volume = cachefiles_object_volume_name(object);
	u32 slot = object->slot;
	bool fresh_slot = false;
	u64 fp;
	int ret;

	fp = cachefiles_cull_fingerprint(volume, fscache_get_key(cookie), cookie->key_len);
	mutex_lock(&c->lock);
	if (slot != CACHEFILES_CULL_NIL && cachefiles_cull_is_victim(c, slot)) {
		/* Being deleted right now: the lookup waits for the batch and starts over. */
		mutex_unlock(&c->lock);
		return -EAGAIN;
	}
	if (slot != CACHEFILES_CULL_NIL && cachefiles_cull_policy_match(p, slot, fp)) {
		cachefiles_cull_policy_access(p, slot);
	} else if (slot != CACHEFILES_CULL_NIL && slot < p->max_objects &&
		   !cachefiles_cull_policy_tracked(p, slot)) {
		ret = cachefiles_cull_policy_insert(p, slot, fp, object->charged);
		if (ret < 0)
			goto fail;
		fresh_slot = true;
	} else {
		ret = cachefiles_cull_slot_alloc(c, &slot);
		if (ret == 0)
			ret = cachefiles_cull_policy_insert(p, slot, fp, object->charged);
		if (ret < 0)
			goto fail;
		object->slot = slot;
		set_bit(CACHEFILES_OBJECT_DIRTY, &object->flags);	/* record the slot */
		fresh_slot = true;
	}
	cachefiles_cull_policy_pin(p, slot);
	if (c->seen)
		__set_bit(slot, c->seen);
	if (cachefiles_cull_buried(object)) {
		cachefiles_cull_policy_remove(p, slot);
		cachefiles_cull_log_tombstone_append(cache, slot);
		mutex_unlock(&c->lock);
		object->slot = CACHEFILES_CULL_NIL;
		return -EAGAIN;
	}
	cachefiles_cull_log_append(cache, slot);
	mutex_unlock(&c->lock);
	trace_cachefiles_iter_cull(cache->tag, fresh_slot ? cachefiles_trace_cull_insert :
				   cachefiles_trace_cull_access, slot, object->charged, 0);
	if (fresh_slot)
		cachefiles_cull_slot_write(cache, slot, object->fanout, volume, object->name);
	return 0;

fail:
	mutex_unlock(&c->lock);
	object->slot = CACHEFILES_CULL_NIL;
	trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_untracked, slot,
				   object->charged, ret);
	return ret;
}

/**
 * cachefiles_cull_wait_victims - Wait until the batch of victims being deleted, if any, is done
 * @cache: The cache
 *
 * Context: process context, outside cachefiles_begin_change() (the culler needs write access to
 * finish, and a freeze waiting between us would stop it).
 */
void cachefiles_cull_wait_victims(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;
	u64 gen = READ_ONCE(c->victims_gen);

	wait_event(c->space_wait, !READ_ONCE(c->nr_victims) || READ_ONCE(c->victims_gen) != gen);
}

/**
 * cachefiles_cull_untrack - Unpin an object being withdrawn, or forget it if it was deleted
 * @object: The object
 * @deleted: Its file was deleted (retired, culled, or could not be kept)
 * @log: Record the change in the policy log (the caller has cache credentials and write access)
 *
 * An unpinned object goes to the head of its queue with its final size: it has just been in use.
 *
 * Context: process context.
 */
void cachefiles_cull_untrack(struct cachefiles_object *object, bool deleted, bool log)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_policy *p = &c->policy;
	u32 slot = object->slot;
	int ret, reuses;

	if (slot == CACHEFILES_CULL_NIL)
		return;
	mutex_lock(&c->lock);
	if (deleted) {
		cachefiles_cull_policy_remove(p, slot);
		if (log)
			cachefiles_cull_log_tombstone_append(cache, slot);
	} else {
		/* Reads resumed after a pause while it was in use were accesses too. */
		reuses = min_t(int, atomic_read(&object->reuses), p->params.freq_max);
		while (reuses-- > 0)
			cachefiles_cull_policy_access(p, slot);
		/* Unpinned whatever the resize says: a pinned entry could never be culled. */
		ret = cachefiles_cull_policy_resize(p, slot, object->charged);
		if (cachefiles_cull_policy_unpin(p, slot) == 0 && ret == 0 && log)
			cachefiles_cull_log_append(cache, slot);
		/* A walk running may have passed its file while it was claimed. */
		if (c->seen && cachefiles_cull_policy_tracked(p, slot))
			__set_bit(slot, c->seen);
	}
	mutex_unlock(&c->lock);
	trace_cachefiles_iter_cull(cache->tag, deleted ? cachefiles_trace_cull_remove :
				   cachefiles_trace_cull_unpin, slot, object->charged, 0);
	cachefiles_cull_recheck(cache);	/* what was pinned may be culled now */
}

/* ---- Reconciliation: the background walk of the tree ---------------------------------------- */

/**
 * cachefiles_cull_reconcile_begin - A walk of the tree starts
 * @cache: The cache
 *
 * Context: process context.
 */
void cachefiles_cull_reconcile_begin(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	mutex_lock(&c->lock);
	c->seen = bitmap_zalloc(c->policy.max_objects, GFP_KERNEL);
	mutex_unlock(&c->lock);
	trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_scan_begin, 0,
				   c->policy.nr_tracked, c->seen ? 0 : -ENOMEM);
}

/**
 * cachefiles_cull_reconcile_file - Make sure the policy knows an object file the walk found
 * @cache: The cache
 * @vdir: The volume directory
 * @fdir: The fan-out directory
 * @dentry: The object file
 * @bytes: What it occupies
 *
 * A file whose metadata names a slot the policy tracks with its fingerprint is known; one naming a
 * free slot takes it; any other gets a new slot, written into its metadata.  The slot's record is
 * rewritten if it does not name this file.  Files without metadata yet (being made, or left by a
 * crash) are left to their next lookup.
 *
 * Context: process context, cache credentials and write access.
 */
void cachefiles_cull_reconcile_file(struct cachefiles_cache *cache, struct dentry *vdir,
				    struct dentry *fdir, struct dentry *dentry, u64 bytes)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_policy *p = &c->policy;
	struct cachefiles_cull_slot_name *sn;
	const char *volume = vdir->d_name.name, *name = dentry->d_name.name;
	bool renumber = false, write = true;
	unsigned int fanout;
	u8 key[U8_MAX], key_len;
	u32 slot, was;
	u64 fp;
	int ret;

	if (sscanf(fdir->d_name.name, "@%02x", &fanout) != 1 || fanout >= CACHEFILES_FANOUT)
		return;
	/* An object holds it: its lookup has tracked it, or is about to. */
	if (READ_ONCE(d_inode(dentry)->i_flags) & S_KERNEL_FILE)
		return;
	ret = cachefiles_meta_peek(dentry, &was, key, &key_len);
	if (ret < 0)
		return;
	slot = was;
	fp = cachefiles_cull_fingerprint(volume, key, key_len);

	mutex_lock(&c->lock);
	if (slot != CACHEFILES_CULL_NIL && cachefiles_cull_is_victim(c, slot)) {
		ret = -EBUSY;		/* being culled right now */
	} else if (slot != CACHEFILES_CULL_NIL && cachefiles_cull_policy_match(p, slot, fp)) {
		write = false;
	} else if (slot != CACHEFILES_CULL_NIL && slot < p->max_objects &&
		   !cachefiles_cull_policy_tracked(p, slot)) {
		ret = cachefiles_cull_policy_insert(p, slot, fp, bytes);
	} else {
		ret = cachefiles_cull_slot_alloc(c, &slot);
		if (ret == 0)
			ret = cachefiles_cull_policy_insert(p, slot, fp, bytes);
		renumber = true;
	}
	if (ret == 0) {
		if (c->seen)
			__set_bit(slot, c->seen);
		if (write)
			cachefiles_cull_log_append(cache, slot);
	}
	mutex_unlock(&c->lock);
	if (ret < 0)
		return;
	trace_cachefiles_iter_cull(cache->tag, write ? cachefiles_trace_cull_reconcile :
				   cachefiles_trace_cull_known, slot, bytes, 0);
	if (renumber && cachefiles_meta_set_slot(fdir, dentry, was, slot) < 0) {
		/* Opened meanwhile (its lookup gives it a slot) or changed: give this one back. */
		mutex_lock(&c->lock);
		if (cachefiles_cull_policy_match(p, slot, fp) && !p->entries[slot].pins) {
			cachefiles_cull_policy_remove(p, slot);
			cachefiles_cull_log_tombstone_append(cache, slot);
		}
		mutex_unlock(&c->lock);
		return;
	}

	/* A record lost in a crash, or naming an older holder of the slot, is written again. */
	sn = kmalloc(sizeof(*sn), GFP_KERNEL);
	if (!sn)
		return;
	if (write || cachefiles_cull_slot_read(cache, slot, sn) < 0 || sn->fanout != fanout ||
	    strcmp(sn->volume, volume) || strcmp(sn->name, name))
		cachefiles_cull_slot_write(cache, slot, fanout, volume, name);
	kfree(sn);
}

/**
 * cachefiles_cull_reconcile_end - A walk of the tree ended
 * @cache: The cache
 * @done: It went through the whole tree
 *
 * After a whole walk, slots that are neither seen nor pinned have no file any more: forget them.
 *
 * Context: process context, cache credentials and write access if @done.
 */
void cachefiles_cull_reconcile_end(struct cachefiles_cache *cache, bool done)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_policy *p = &c->policy;
	u32 slot, removed = 0;

	mutex_lock(&c->lock);
	if (done && c->seen) {
		for (slot = 0; slot < p->max_objects; slot++) {
			if (!(slot % CACHEFILES_CULL_SWEEP_BATCH))
				cond_resched();
			if (test_bit(slot, c->seen) || !cachefiles_cull_policy_tracked(p, slot) ||
			    p->entries[slot].pins)
				continue;
			cachefiles_cull_policy_remove(p, slot);
			cachefiles_cull_log_tombstone_append(cache, slot);
			removed++;
		}
		c->complete = true;
	}
	bitmap_free(c->seen);
	c->seen = NULL;
	mutex_unlock(&c->lock);
	trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_scan_end, removed,
				   p->nr_tracked, done ? 0 : -EINTR);
}

