// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: culling -- deleting objects so that a cache stays within its data capacity.
 *
 * Each cache has a kernel thread that sleeps until usage crosses the high watermark (or the capacity
 * is lowered, or an object that blocked culling is released) and then culls down to the low
 * watermark.  A pass takes victims from the S3-FIFO policy (cull/policy.c) in batches of
 * CACHEFILES_CULL_VICTIM_BATCH under culler->lock, then, with no lock held, finds each victim's file
 * through the slot table, checks that the file's metadata still names that slot and that it is not
 * open, and buries it.  Objects in use are pinned in the policy and never chosen.  A netlink cull
 * runs the same pass in the caller.  Writers that find the cache full wait a short while for the
 * thread, then skip the write.  The state that survives unbinds is in cull/state.c; the design is in
 * Documentation/filesystems/caching/cachefiles-cull.rst.
 */
#include "../internal.h"

#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/sched/clock.h>
#include <linux/sched/cputime.h>

/* How long the thread sleeps between looks at a cache it was not woken for. */
#define CACHEFILES_CULL_IDLE_PERIOD	(10 * HZ)
/* Idle objects a pass asks fscache to withdraw early, at most. */
#define CACHEFILES_CULL_RELEASE_BATCH	64
/* How long a write into a full cache waits for the culler before it is skipped. */
#define CACHEFILES_CULL_SPACE_WAIT	(HZ / 10)

/* Per pass: one slot record and the key of the metadata read to check a victim. */
struct cachefiles_cull_pass {
	struct cachefiles_cull_slot_name	sn;
	u8					key[U8_MAX];
};

static u64 cachefiles_cull_mark(struct cachefiles_cache *cache, u8 pct)
{
	return div_u64(READ_ONCE(cache->capacity), 100) * pct;
}

/*
 * Nothing is culled while the usage is unknown (after an unclean stop, until the walk has counted
 * it): what has been charged meanwhile is only a part of the truth.
 */
static bool cachefiles_cull_over_high(struct cachefiles_cache *cache)
{
	return READ_ONCE(cache->capacity) && READ_ONCE(cache->usage_known) &&
	       cachefiles_cache_usage(cache) >
	       cachefiles_cull_mark(cache, READ_ONCE(cache->high_wmark));
}

/* Should a pass stop early: the thread is being stopped, or the netlink caller killed. */
static bool cachefiles_cull_interrupted(struct cachefiles_cache *cache)
{
	if (current == cache->cull.thread)
		return kthread_should_stop();
	return fatal_signal_pending(current);
}

/*
 * Bury an object file and its map's side file, and take them out of the counts.  A file an object
 * holds open is left alone (-EBUSY).  Context: cache credentials and write access.  Return: the
 * bytes freed, or -errno.
 */
static s64 cachefiles_cull_bury(struct cachefiles_cache *cache, struct dentry *fdir,
				const char *name, struct dentry *victim)
{
	struct inode *inode = d_inode(victim);
	char sidecar[NAME_MAX + 1];
	u64 bytes;
	int ret;

	bytes = ((u64)READ_ONCE(inode->i_blocks) << SECTOR_SHIFT) + CACHEFILES_OBJECT_OVERHEAD;
	ret = cachefiles_bury_unused(cache, fdir, name, inode);
	if (ret < 0)
		return ret;
	if (snprintf(sidecar, sizeof(sidecar), "%s%s", name, CACHEFILES_MAP_SUFFIX) <
	    sizeof(sidecar))
		cachefiles_bury(cache, fdir, sidecar, NULL);
	atomic64_sub(bytes, &cache->usage);
	atomic64_dec(&cache->nr_objects);
	cachefiles_stat(cache, FSCACHE_A_STAT_CULLS, 1);
	cachefiles_stat(cache, FSCACHE_A_STAT_CULL_BYTES, bytes);
	fscache_count_culled();
	return bytes;
}

/* Look up V<volume>/@xx/<name>: the object file, and its fan-out directory in *@fdir. */
static struct dentry *cachefiles_cull_lookup(struct cachefiles_cache *cache, const char *volume,
					     u8 fanout, const char *name, struct dentry **fdir)
{
	struct dentry *vdir, *dir, *victim;
	char fan[4];

	vdir = lookup_positive_unlocked(volume, cache->root.dentry, strlen(volume));
	if (IS_ERR(vdir))
		return vdir;
	snprintf(fan, sizeof(fan), "%c%02x", CACHEFILES_FANOUT_PREFIX, fanout);
	dir = lookup_positive_unlocked(fan, vdir, strlen(fan));
	dput(vdir);
	if (IS_ERR(dir))
		return dir;
	victim = lookup_positive_unlocked(name, dir, strlen(name));
	if (IS_ERR(victim) || !d_is_reg(victim)) {
		if (!IS_ERR(victim))
			dput(victim);
		dput(dir);
		return ERR_PTR(-ENOENT);
	}
	*fdir = dir;
	return victim;
}

/*
 * A victim's file could not be deleted (in use, or an error): the policy tracks it again, or it
 * would stay on disk, and in the usage, with nothing left to cull it.
 */
static void cachefiles_cull_keep(struct cachefiles_cache *cache, u32 slot, const char *volume,
				 const u8 *key, u8 key_len, u64 bytes)
{
	struct cachefiles_culler *c = &cache->cull;
	u64 fp = cachefiles_cull_fingerprint(volume, key, key_len);

	mutex_lock(&c->lock);
	if (!cachefiles_cull_policy_tracked(&c->policy, slot) &&
	    cachefiles_cull_policy_insert(&c->policy, slot, fp, bytes) == 0 && c->seen)
		__set_bit(slot, c->seen);	/* a walk running must not forget it */
	mutex_unlock(&c->lock);
}

/*
 * Delete the object of a victim slot: the slot table says where it is, and its metadata must still
 * name the slot (a file without metadata, or with damaged metadata, is rubbish and goes too).
 * Context: cache credentials and write access, the slot on culler->victims.
 */
static s64 cachefiles_cull_victim(struct cachefiles_cache *cache, struct cachefiles_cull_pass *cp,
				  u32 slot)
{
	struct dentry *fdir, *victim;
	u8 key_len;
	u32 on_disk;
	s64 ret;

	ret = cachefiles_cull_slot_read(cache, slot, &cp->sn);
	if (ret < 0)
		return ret;
	victim = cachefiles_cull_lookup(cache, cp->sn.volume, cp->sn.fanout, cp->sn.name, &fdir);
	if (IS_ERR(victim))
		return PTR_ERR(victim);
	ret = cachefiles_meta_peek(victim, &on_disk, cp->key, &key_len);
	if (ret == 0 && on_disk != slot) {
		ret = -ESTALE;		/* the record names an older holder of the slot */
	} else if (ret == 0) {
		ret = cachefiles_cull_bury(cache, fdir, cp->sn.name, victim);
		if (ret < 0)
			cachefiles_cull_keep(cache, slot, cp->sn.volume, cp->key, key_len,
					     ((u64)READ_ONCE(d_inode(victim)->i_blocks) <<
					      SECTOR_SHIFT) + CACHEFILES_OBJECT_OVERHEAD);
	} else if (ret == -ENODATA || ret == -EFSCORRUPTED) {
		ret = cachefiles_cull_bury(cache, fdir, cp->sn.name, victim);
	}
	dput(victim);
	dput(fdir);
	return ret;
}

/*
 * The victims of a batch are dealt with: their slots may be used again, except those the policy
 * tracks again (cachefiles_cull_keep()).  Return: how many it tracks again.
 */
static unsigned int cachefiles_cull_victims_done(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;
	unsigned int i, kept = 0;
	u32 slot;

	mutex_lock(&c->lock);
	for (i = 0; i < c->nr_victims; i++) {
		slot = c->victims[i];
		if (cachefiles_cull_policy_tracked(&c->policy, slot)) {
			cachefiles_cull_log_append(cache, slot);
			kept++;
		} else {
			cachefiles_cull_log_tombstone_append(cache, slot);
		}
	}
	WRITE_ONCE(c->nr_victims, 0);
	WRITE_ONCE(c->victims_gen, c->victims_gen + 1);
	mutex_unlock(&c->lock);
	wake_up_all(&c->space_wait);
	return kept;
}

/*
 * An object stays pinned from its lookup until fscache withdraws it, which fscache does only some
 * seconds after the netfs last used the cookie (its LRU).  A stream faster than the capacity per LRU
 * period pins most of the cache: the policy could then only evict the few objects left unpinned,
 * whatever their worth (a hot file released a moment ago), and at worst nothing, skipping every
 * write.  So a pass first asks fscache to withdraw, early, objects that nobody uses (the cookie's
 * n_active is 0) and that saw no I/O for @idle jiffies, the longest looked up first, up to @want
 * bytes and a batch: withdrawn, they are unpinned with the accesses they had, the policy places
 * them, and a later use looks them up again.  Objects in use are never touched.  Return: how many
 * were asked.
 */
static unsigned int cachefiles_cull_release_idle(struct cachefiles_cache *cache, u64 want,
						 unsigned long idle)
{
	struct fscache_cookie *cookies[CACHEFILES_CULL_RELEASE_BATCH];
	struct cachefiles_object *object;
	unsigned long now = jiffies;
	unsigned int i, n = 0;
	u64 bytes = 0;

	spin_lock(&cache->lock);
	list_for_each_entry(object, &cache->objects, cache_link) {
		if (n == ARRAY_SIZE(cookies) || bytes >= want)
			break;
		/*
		 * Only an active cookie: a request landing on one already being discarded or looked
		 * up would stay pending (Debian's core keeps it) and withdraw its next object.
		 */
		if (fscache_cookie_state(object->cookie) != FSCACHE_COOKIE_STATE_ACTIVE ||
		    atomic_read(&object->cookie->n_active) > 0 ||
		    time_before(now, READ_ONCE(object->last_io) + idle) ||
		    test_and_set_bit(CACHEFILES_OBJECT_WITHDRAW_ASKED, &object->flags))
			continue;
		cookies[n++] = fscache_get_cookie(object->cookie, fscache_cookie_get_attach_object);
		bytes += object->charged;
	}
	spin_unlock(&cache->lock);
	for (i = 0; i < n; i++) {
		fscache_withdraw_cookie(cookies[i]);
		fscache_put_cookie(cookies[i], fscache_cookie_put_object);
	}
	return n;
}

/* Take up to a batch of victims, enough to bring usage to @target.  Return: how many. */
static unsigned int cachefiles_cull_pick(struct cachefiles_cache *cache, u64 target)
{
	struct cachefiles_culler *c = &cache->cull;
	u64 usage = cachefiles_cache_usage(cache), picked = 0, bytes;
	u32 slot;

	mutex_lock(&c->lock);
	cachefiles_cull_policy_set_capacity(&c->policy, READ_ONCE(cache->capacity));
	while (c->nr_victims < CACHEFILES_CULL_VICTIM_BATCH && usage > target + picked &&
	       cachefiles_cull_policy_evict(&c->policy, &slot, &bytes)) {
		c->victims[c->nr_victims++] = slot;
		picked += bytes;
	}
	mutex_unlock(&c->lock);
	return c->nr_victims;
}

/**
 * cachefiles_cull_to - Cull until usage is at most @target
 * @cache: The cache
 * @target: Bytes
 *
 * Context: process context; the cache is not withdrawn meanwhile (its thread, which withdrawal
 * stops first, or a netlink command holding cachefiles_caches_mutex).
 * Return: 0 when usage reached the target, -EBUSY if what is left is in use (or unknown to the
 * policy until the reconciling walk has found it), -EAGAIN while the usage is being counted,
 * -EINTR, or -errno.
 */
/*
 * CPU time the current task has run, to the nanosecond.  se.sum_exec_runtime is brought up to date
 * only at a tick or a context switch, so a cull shorter than a tick would read as no time at all: add
 * what ran since the last update (task_sched_runtime() does this, but is not exported).  The scheduler
 * updates a running task at every tick, so that part is never more than one tick; the clamp keeps the
 * estimate bounded where the task clock runs behind local_clock() (IRQ time accounting).
 */
static u64 cachefiles_cull_runtime(void)
{
	u64 rt, now, start;

	preempt_disable();
	rt = current->se.sum_exec_runtime;
	start = current->se.exec_start;
	now = local_clock();
	preempt_enable();
	if (now > start)
		rt += min_t(u64, now - start, TICK_NSEC);
	return rt;
}

int cachefiles_cull_to(struct cachefiles_cache *cache, u64 target)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_pass *cp;
	const struct cred *saved;
	unsigned int i, nr;
	u64 cpu0;
	s64 freed;
	int ret;

	if (!READ_ONCE(cache->usage_known))
		return -EAGAIN;		/* culling to a guess could empty the cache */
	if (cachefiles_cache_usage(cache) <= target)
		return 0;
	cp = kmalloc(sizeof(*cp), GFP_KERNEL);
	if (!cp)
		return -ENOMEM;
	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0)
		goto out_free;
	mutex_lock(&c->run_mutex);
	cpu0 = cachefiles_cull_runtime();
	cachefiles_nl_notify(cache, FSCACHE_EVENT_CULL_STARTED, 0);
	cachefiles_cull_release_idle(cache, U64_MAX, CACHEFILES_REUSE_PAUSE);
	while (cachefiles_cache_usage(cache) > target) {
		if (cachefiles_cull_interrupted(cache)) {
			ret = -EINTR;
			break;
		}
		nr = cachefiles_cull_pick(cache, target);
		if (!nr) {
			/* Everything left is pinned; their release wakes the thread again. */
			cachefiles_cull_release_idle(cache, cachefiles_cache_usage(cache) - target, 0);
			ret = -EBUSY;
			break;
		}
		for (i = 0; i < nr; i++) {
			u32 slot = c->victims[i];

			freed = cachefiles_cull_victim(cache, cp, slot);
			trace_cachefiles_iter_cull(cache->tag, freed >= 0 ?
						   cachefiles_trace_cull_victim :
						   cachefiles_trace_cull_victim_gone,
						   slot, freed >= 0 ? freed : 0,
						   freed >= 0 ? 0 : freed);
		}
		/*
		 * Victims that stay (cachefiles_cull_keep()) come back: stop if all did.  One whose
		 * file was gone already is progress: the policy forgot it.
		 */
		if (cachefiles_cull_victims_done(cache) == nr) {
			ret = -EBUSY;
			break;
		}
		cond_resched();
	}
	cachefiles_stat(cache, FSCACHE_A_STAT_CULL_CPU_NS,
			max(cachefiles_cull_runtime(), cpu0) - cpu0);
	mutex_unlock(&c->run_mutex);
	cachefiles_end_change(cache, saved);
	cachefiles_nl_notify(cache, FSCACHE_EVENT_CULL_FINISHED, ret);
	wake_up_all(&c->space_wait);
out_free:
	kfree(cp);
	return ret;
}

/**
 * cachefiles_cull_object - Delete one object by its name
 * @cache: The cache
 * @volume_dir: The volume's directory name (V...)
 * @name: The object's file name
 *
 * Context: process context, cachefiles_caches_mutex held.
 * Return: 0, -ENOENT if there is no such object, -EBUSY if it is open, or -errno.
 */
int cachefiles_cull_object(struct cachefiles_cache *cache, const char *volume_dir, const char *name)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_pass *cp;
	struct dentry *fdir, *victim = ERR_PTR(-ENOENT);
	const struct cred *saved;
	u32 slot = CACHEFILES_CULL_NIL;
	u64 fp = 0, bytes = 0;
	u8 key_len;
	s64 freed;
	int i, ret;

	cp = kmalloc(sizeof(*cp), GFP_KERNEL);
	if (!cp)
		return -ENOMEM;
	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0)
		goto out_free;
	for (i = 0; i < CACHEFILES_FANOUT && IS_ERR(victim); i++)
		victim = cachefiles_cull_lookup(cache, volume_dir, i, name, &fdir);
	if (IS_ERR(victim)) {
		ret = PTR_ERR(victim) == -ENOENT ? -ENOENT : PTR_ERR(victim);
		goto out;
	}

	mutex_lock(&c->run_mutex);
	if (cachefiles_meta_peek(victim, &slot, cp->key, &key_len) < 0)
		slot = CACHEFILES_CULL_NIL;
	else
		fp = cachefiles_cull_fingerprint(volume_dir, cp->key, key_len);
	mutex_lock(&c->lock);
	/* The policy's entry is this object's only if it carries its fingerprint. */
	if (slot < c->policy.max_objects && cachefiles_cull_policy_match(&c->policy, slot, fp)) {
		if (c->policy.entries[slot].pins) {
			ret = -EBUSY;
		} else {
			bytes = (u64)c->policy.entries[slot].units << CACHEFILES_CULL_UNIT_SHIFT;
			cachefiles_cull_policy_remove(&c->policy, slot);
			c->victims[c->nr_victims++] = slot;
		}
	}
	mutex_unlock(&c->lock);
	if (ret == 0) {
		freed = cachefiles_cull_bury(cache, fdir, name, victim);
		ret = freed < 0 ? freed : 0;
		if (ret < 0 && c->nr_victims)
			cachefiles_cull_keep(cache, slot, volume_dir, cp->key, key_len, bytes);
		trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_victim, slot,
					   freed >= 0 ? freed : 0, ret);
	}
	cachefiles_cull_victims_done(cache);
	mutex_unlock(&c->run_mutex);
	dput(victim);
	dput(fdir);
out:
	cachefiles_end_change(cache, saved);
out_free:
	kfree(cp);
	return ret;
}

static int cachefiles_cull_thread(void *data)
{
	struct cachefiles_cache *cache = data;
	struct cachefiles_culler *c = &cache->cull;
	const struct cred *saved;
	u64 capacity, low, room;

	set_freezable();
	while (!kthread_should_stop()) {
		wait_event_freezable_timeout(c->wait, kthread_should_stop() ||
					     test_bit(CACHEFILES_CULL_KICK, &c->flags),
					     CACHEFILES_CULL_IDLE_PERIOD);
		if (kthread_should_stop())
			break;
		clear_bit(CACHEFILES_CULL_KICK, &c->flags);
		capacity = READ_ONCE(cache->capacity);
		low = cachefiles_cull_mark(cache, READ_ONCE(cache->low_wmark));
		room = xchg(&c->room, 0);
		if (cachefiles_cull_over_high(cache)) {
			cachefiles_nl_notify(cache, FSCACHE_EVENT_HIGH_WMARK, 0);
			if (cachefiles_cull_to(cache, low) == -EBUSY)
				set_bit(CACHEFILES_CULL_STUCK, &c->flags);
			else
				clear_bit(CACHEFILES_CULL_STUCK, &c->flags);
			if (cachefiles_cache_usage(cache) <= low)
				cachefiles_nl_notify(cache, FSCACHE_EVENT_LOW_WMARK, 0);
		} else if (room && capacity > room &&
			   cachefiles_cache_usage(cache) + room > capacity) {
			/* Under the high watermark, but a writer waits: make its room. */
			cachefiles_cull_to(cache, min(low, capacity - room));
		}
		if ((READ_ONCE(c->nr_pending) || cachefiles_cull_state_want_compact(cache)) &&
		    cachefiles_begin_change(cache, &saved) == 0) {
			if (cachefiles_cull_state_want_compact(cache))
				cachefiles_cull_state_compact(cache);
			else
				cachefiles_cull_state_flush(cache);
			cachefiles_end_change(cache, saved);
		}
		cond_resched();
	}
	return 0;
}

/**
 * cachefiles_cull_check - Wake the culler if usage is above the high watermark
 * @cache: The cache
 *
 * Context: any.
 */
void cachefiles_cull_check(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	if (test_bit(CACHEFILES_CULL_STUCK, &c->flags) || !cachefiles_cull_over_high(cache))
		return;
	if (!test_and_set_bit(CACHEFILES_CULL_KICK, &c->flags))
		wake_up(&c->wait);
}

/**
 * cachefiles_cull_recheck - Something that kept the culler from its target may have changed
 * @cache: The cache
 *
 * After a pass that found everything left in use, the culler is not woken by every write (a wake-up
 * storm of futile passes) until an object is released, the capacity changes or the walk ends, or
 * CACHEFILES_CULL_IDLE_PERIOD has passed.
 *
 * Context: any.
 */
void cachefiles_cull_recheck(struct cachefiles_cache *cache)
{
	clear_bit(CACHEFILES_CULL_STUCK, &cache->cull.flags);
	cachefiles_cull_check(cache);
}

/**
 * cachefiles_cull_wait_for_space - Give the culler a short while to make room for a write
 * @cache: The cache, full
 * @bytes: What the write needs
 *
 * Context: process context, nothing held that culling needs.
 * Return: true if the room is there now.
 */
bool cachefiles_cull_wait_for_space(struct cachefiles_cache *cache, u64 bytes)
{
	struct cachefiles_culler *c = &cache->cull;
	u64 room = READ_ONCE(c->room);

	if (test_bit(CACHEFILES_CULL_STUCK, &c->flags))
		return false;	/* what is left is in use: waiting would not help */
	while (room < bytes) {
		u64 was = cmpxchg(&c->room, room, bytes);

		if (was == room)
			break;
		room = was;
	}
	if (!test_and_set_bit(CACHEFILES_CULL_KICK, &c->flags))
		wake_up(&c->wait);
	return wait_event_timeout(c->space_wait,
				  cachefiles_cache_usage(cache) + bytes <=
				  READ_ONCE(cache->capacity),
				  CACHEFILES_CULL_SPACE_WAIT) > 0;
}

/**
 * cachefiles_cull_init - Set up a new cache's culler (nothing runs yet)
 * @cache: The cache
 */
void cachefiles_cull_init(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	init_waitqueue_head(&c->wait);
	init_waitqueue_head(&c->space_wait);
	mutex_init(&c->run_mutex);
	mutex_init(&c->lock);
}

/**
 * cachefiles_cull_start - Load the culling state and start the thread
 * @cache: The cache, being bound
 *
 * Context: process context, cache credentials and write access.
 * Return: 0 or -errno.
 */
int cachefiles_cull_start(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;
	struct task_struct *thread;

	thread = kthread_create(cachefiles_cull_thread, cache, "cachefiles_cull/%s", cache->tag);
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	c->thread = thread;
	wake_up_process(thread);
	return 0;
}

/**
 * cachefiles_cull_stop - Stop the thread
 * @cache: The cache, being withdrawn: no new object will be looked up
 *
 * A pass in progress stops after its batch.  Writers waiting for room are woken and skip.
 *
 * Context: process context.
 */
void cachefiles_cull_stop(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	if (c->thread) {
		kthread_stop(c->thread);
		c->thread = NULL;
	}
	wake_up_all(&c->space_wait);
}
