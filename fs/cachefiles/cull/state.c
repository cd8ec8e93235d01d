// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the culler's state on disk -- the policy log and the slot table.
 *
 * cull-log.map holds the policy: compacted at a clean unbind (or when its tail grows long), and between
 * compactions every change is appended as a 16-byte record, unsynced.  Binding after a clean unbind
 * loads it and walks nothing.  After an unclean stop, binding loads the log with its tail at once and
 * the background walk (namei.c, cachefiles_scan()) reconciles: objects the policy does not know are
 * inserted, slots whose object is gone are removed.  Whatever is on disk, a slot is only trusted
 * after the object file's own metadata confirms it.
 */
#include "../internal.h"

#include <linux/bitmap.h>
#include <linux/namei.h>
#include <linux/slab.h>

/* Slots a new cache starts with. */
#define CACHEFILES_CULL_MIN_SLOTS	1024
/* Records read per kernel_read() when loading the log (64 KiB). */
#define CACHEFILES_CULL_LOAD_BATCH	4096
/* Compact the log when its tail has this many records and more than twice the tracked objects. */
#define CACHEFILES_CULL_COMPACT_MIN	65536

/*
 * Append the records held in memory to the log.  Context: culler->lock held, cache credentials and
 * write access.
 */
static void cachefiles_cull_log_flush(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;
	size_t len = c->nr_pending * sizeof(*c->pending);
	loff_t pos = c->log_end;
	ssize_t ret;

	lockdep_assert_held(&c->lock);
	if (!c->nr_pending)
		return;
	c->nr_pending = 0;
	if (!c->log)
		return;
	ret = __kernel_write(c->log, c->pending, len, &pos);
	if (ret == len)
		c->log_end = pos;
	else
		trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_log_error,
					   le32_to_cpu(c->pending[0].slot), 0, ret < 0 ? ret : -EIO);
}

/*
 * Records are gathered in memory and appended CACHEFILES_CULL_PENDING at a time, or when the thread
 * next looks (cachefiles_cull_state_flush()), before a compaction and at unbind: one write of the
 * log per lookup would cost a journal update each (its size changes).  A crash loses the records
 * held, as it loses any unsynced tail; the walk that follows an unclean stop reconciles.
 */
static void cachefiles_cull_log_write(struct cachefiles_cache *cache,
				      const struct cachefiles_cull_record *rec)
{
	struct cachefiles_culler *c = &cache->cull;

	lockdep_assert_held(&c->lock);
	if (!c->log)
		return;
	c->pending[c->nr_pending++] = *rec;
	c->log_tail++;
	if (c->nr_pending == CACHEFILES_CULL_PENDING)
		cachefiles_cull_log_flush(cache);
}

/**
 * cachefiles_cull_state_flush - Append the policy records held in memory to the log
 * @cache: The cache
 *
 * Context: process context, cache credentials and write access.
 */
void cachefiles_cull_state_flush(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	mutex_lock(&c->lock);
	cachefiles_cull_log_flush(cache);
	mutex_unlock(&c->lock);
}

/**
 * cachefiles_cull_log_append - Append a slot's current entry to the policy log
 * @cache: The cache
 * @slot: A tracked slot
 *
 * Context: culler->lock held, cache credentials and write access.
 */
void cachefiles_cull_log_append(struct cachefiles_cache *cache, u32 slot)
{
	struct cachefiles_cull_record rec;

	if (cachefiles_cull_policy_save_entry(&cache->cull.policy, slot, &rec) == 0)
		cachefiles_cull_log_write(cache, &rec);
}

/**
 * cachefiles_cull_log_tombstone_append - Append to the policy log that a slot was freed
 * @cache: The cache
 * @slot: The slot
 *
 * Context: culler->lock held, cache credentials and write access.
 */
void cachefiles_cull_log_tombstone_append(struct cachefiles_cache *cache, u32 slot)
{
	struct cachefiles_cull_record rec;

	cachefiles_cull_log_tombstone(&rec, slot);
	cachefiles_cull_log_write(cache, &rec);
}

/**
 * cachefiles_cull_slot_write - Record where a slot's object lives
 * @cache: The cache
 * @slot: The slot, held by the caller (tracked or a victim)
 * @fanout: The object's fan-out directory
 * @volume: Its volume directory's name
 * @name: Its file name
 *
 * Not synced: a record lost in a crash is written again by the reconciling walk.
 *
 * Context: process context, cache credentials and write access.
 * Return: 0 or -errno.
 */
int cachefiles_cull_slot_write(struct cachefiles_cache *cache, u32 slot, u8 fanout,
			       const char *volume, const char *name)
{
	struct cachefiles_cull_slot_disk *d;
	loff_t pos = (loff_t)slot * CACHEFILES_CULL_SLOT_SIZE;
	ssize_t done;
	int ret;

	d = kmalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	ret = cachefiles_cull_slot_encode(d, slot, fanout, volume, name);
	if (ret == 0) {
		done = __kernel_write(cache->cull.slots, d, sizeof(*d), &pos);
		ret = done == sizeof(*d) ? 0 : done < 0 ? done : -EIO;
	}
	kfree(d);
	return ret;
}

/**
 * cachefiles_cull_slot_read - Read where a slot's object lives
 * @cache: The cache
 * @slot: The slot
 * @out: Filled in from the record
 *
 * Context: process context, cache credentials.
 * Return: 0, -ENOENT for a slot never recorded, -EFSCORRUPTED, or -errno.
 */
int cachefiles_cull_slot_read(struct cachefiles_cache *cache, u32 slot,
			      struct cachefiles_cull_slot_name *out)
{
	struct cachefiles_cull_slot_disk *d;
	loff_t pos = (loff_t)slot * CACHEFILES_CULL_SLOT_SIZE;
	ssize_t got;
	int ret;

	d = kmalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	got = kernel_read(cache->cull.slots, d, sizeof(*d), &pos);
	if (got == sizeof(*d))
		ret = cachefiles_cull_slot_decode(d, slot, out);
	else
		ret = got < 0 ? got : -ENOENT;	/* past the end: never written */
	kfree(d);
	return ret;
}

/*
 * Open (making it if need be, or anew if @fresh) a file of the cache directory for reading and writing.
 * Done the way object files are made (namei.c), not through file_open_root(): that would take the
 * freeze protection the caller's cachefiles_begin_change() already holds.
 */
static struct file *cachefiles_cull_open(struct cachefiles_cache *cache, const char *name,
					 bool fresh)
{
	struct dentry *root = cache->root.dentry, *dentry;
	struct path path = { .mnt = cache->root.mnt };
	struct file *file;
	int ret = 0;

	inode_lock_nested(d_inode(root), I_MUTEX_PARENT);
	dentry = lookup_one_len(name, root, strlen(name));
	if (!IS_ERR(dentry) && fresh && d_is_positive(dentry)) {
		ret = vfs_unlink(&init_user_ns, d_inode(root), dentry, NULL);
		dput(dentry);
		dentry = ret ? ERR_PTR(ret) : lookup_one_len(name, root, strlen(name));
	}
	if (IS_ERR(dentry)) {
		inode_unlock(d_inode(root));
		return ERR_CAST(dentry);
	}
	if (d_is_negative(dentry))
		ret = vfs_create(&init_user_ns, d_inode(root), dentry, S_IFREG | 0600, true);
	else if (!d_is_reg(dentry))
		ret = -EEXIST;
	inode_unlock(d_inode(root));
	if (ret) {
		dput(dentry);
		return ERR_PTR(ret);
	}
	path.dentry = dentry;
	file = dentry_open(&path, O_RDWR | O_LARGEFILE | O_NOATIME, cache->cred);
	dput(dentry);
	return file;
}

static int cachefiles_cull_log_rename(struct cachefiles_cache *cache);

/*
 * Write a whole log (@nr records, as cachefiles_cull_policy_save() gives them, @max_slots the array's
 * size then) as cull-log.map.new and sync it and the slot table.  Return: the file, its size in
 * *@end, or an ERR_PTR.  Context: cache credentials and write access; no lock needed.
 */
static struct file *cachefiles_cull_log_write_new(struct cachefiles_cache *cache,
						  const struct cachefiles_cull_record *recs, u32 nr,
						  u32 max_slots, u8 flags, loff_t *end)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_log_info info = {
		.flags		= flags,
		.max_slots	= max_slots,
		.nr_records	= nr,
		.records_crc	= cachefiles_cull_log_crc(~0U, recs, (size_t)nr * sizeof(*recs)),
	};
	struct cachefiles_cull_log_header hdr;
	struct file *file;
	loff_t pos = 0;
	ssize_t done;
	int ret;

	cachefiles_cull_log_header_encode(&hdr, &info);
	file = cachefiles_cull_open(cache, CACHEFILES_CULL_LOG_NEW, true);
	if (IS_ERR(file))
		return file;
	done = __kernel_write(file, &hdr, sizeof(hdr), &pos);
	if (done == sizeof(hdr) && nr)
		done = __kernel_write(file, recs, (size_t)nr * sizeof(*recs), &pos);
	ret = done < 0 ? done : pos != sizeof(hdr) + (loff_t)nr * sizeof(*recs) ? -EIO : 0;
	if (ret == 0)
		ret = vfs_fsync(file, 0);
	if (ret == 0 && c->slots)
		ret = vfs_fsync(c->slots, 0);
	if (ret < 0) {
		fput(file);
		return ERR_PTR(ret);
	}
	*end = pos;
	return file;
}

/*
 * Rename cull-log.map.new over cull-log.map and append to it from then on; @tail records already
 * follow its compacted part.  Context: culler->lock held (or the cache not yet shared).
 */
static int cachefiles_cull_log_install(struct cachefiles_cache *cache, struct file *file,
				       loff_t end, u32 tail)
{
	struct cachefiles_culler *c = &cache->cull;
	int ret;

	ret = cachefiles_cull_log_rename(cache);
	if (ret < 0) {
		fput(file);
		return ret;
	}
	if (c->log)
		fput(c->log);
	c->log = file;
	c->log_end = end;
	c->log_tail = tail;
	return 0;
}

/*
 * Replace the log with a whole one.  A crash leaves the old log or the new one, whole.  Context:
 * culler->lock held (or the cache not yet shared), cache credentials and write access.
 */
static int cachefiles_cull_log_replace(struct cachefiles_cache *cache,
				       const struct cachefiles_cull_record *recs, u32 nr, u8 flags)
{
	struct file *file;
	loff_t end;

	file = cachefiles_cull_log_write_new(cache, recs, nr, cache->cull.policy.max_objects, flags,
					     &end);
	if (IS_ERR(file))
		return PTR_ERR(file);
	return cachefiles_cull_log_install(cache, file, end, 0);
}

/*
 * Copy the records appended to the old log since @from to the end of @file, a new log ending at
 * *@end.  Context: culler->lock held.  Return: how many, or -errno.
 */
static int cachefiles_cull_log_copy_tail(struct cachefiles_cache *cache, loff_t from,
					 struct file *file, loff_t *end)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_record *recs;
	size_t len = c->log_end - from, total = len, chunk;
	ssize_t got;
	int ret = 0;

	lockdep_assert_held(&c->lock);
	recs = kvmalloc_array(CACHEFILES_CULL_LOAD_BATCH, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	while (len) {
		chunk = min_t(size_t, len, CACHEFILES_CULL_LOAD_BATCH * sizeof(*recs));
		got = kernel_read(c->log, recs, chunk, &from);
		if (got == chunk)
			got = __kernel_write(file, recs, chunk, end);
		if (got != chunk) {
			ret = got < 0 ? got : -EIO;
			break;
		}
		len -= chunk;
	}
	kvfree(recs);
	return ret < 0 ? ret : total / sizeof(*recs);
}

/*
 * Load cull-log.map into a fresh policy: the compacted section (any damage: -EFSCORRUPTED), then the tail
 * up to the first record that does not decode.  Sets ->log_end where the next record goes.
 */
static int cachefiles_cull_log_load(struct cachefiles_cache *cache, u64 capacity, u8 *flags)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_policy *p = &c->policy;
	struct cachefiles_cull_log_header hdr;
	struct cachefiles_cull_log_info info;
	struct cachefiles_cull_record *recs;
	loff_t size = i_size_read(file_inode(c->log)), pos = 0;
	u32 crc = ~0U, done = 0, tail = 0, n, i;
	ssize_t got;
	int ret;

	got = kernel_read(c->log, &hdr, sizeof(hdr), &pos);
	if (got != sizeof(hdr))
		return got < 0 ? got : -ENODATA;
	ret = cachefiles_cull_log_header_decode(&hdr, size, &info);
	if (ret < 0)
		return ret;
	/*
	 * Every slot in use has its record in cull-slots.map, and the array is never more than a
	 * quarter larger than the slots handed out: a header asking for much more is damaged, and
	 * must not make us allocate for it.
	 */
	if (info.max_slots > 2 * (i_size_read(file_inode(c->slots)) / CACHEFILES_CULL_SLOT_SIZE) +
			     CACHEFILES_CULL_MIN_SLOTS)
		return -EFSCORRUPTED;
	ret = cachefiles_cull_policy_init(p, capacity, max_t(u32, info.max_slots,
							     CACHEFILES_CULL_MIN_SLOTS), NULL);
	if (ret < 0)
		return ret;
	recs = kvmalloc_array(CACHEFILES_CULL_LOAD_BATCH, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;

	while (done < info.nr_records) {
		n = min_t(u32, info.nr_records - done, CACHEFILES_CULL_LOAD_BATCH);
		got = kernel_read(c->log, recs, n * sizeof(*recs), &pos);
		if (got != n * sizeof(*recs)) {
			ret = got < 0 ? got : -EFSCORRUPTED;
			goto out;
		}
		crc = cachefiles_cull_log_crc(crc, recs, got);
		ret = cachefiles_cull_log_load_compacted(p, recs, n);
		if (ret < 0)
			goto out;
		done += n;
		cond_resched();
	}
	if (crc != info.records_crc) {
		ret = -EFSCORRUPTED;
		goto out;
	}

	/* The tail: records appended while bound, in order; stop at a torn one. */
	for (;;) {
		got = kernel_read(c->log, recs, CACHEFILES_CULL_LOAD_BATCH * sizeof(*recs), &pos);
		if (got < 0) {
			ret = got;
			goto out;
		}
		n = got / sizeof(*recs);
		for (i = 0; i < n; i++) {
			/* A slot far past the array is damage, not growth: stop there. */
			if (le32_to_cpu(recs[i].slot) >= 2 * p->max_objects + CACHEFILES_CULL_MIN_SLOTS)
				break;
			ret = cachefiles_cull_log_apply(p, &recs[i]);
			if (ret == -ERANGE) {
				mutex_lock(&c->lock);
				ret = cachefiles_cull_grow(c, le32_to_cpu(recs[i].slot) + 1);
				mutex_unlock(&c->lock);
				if (ret == 0)
					ret = cachefiles_cull_log_apply(p, &recs[i]);
			}
			if (ret < 0)
				break;
			tail++;
		}
		if (i < n || got < CACHEFILES_CULL_LOAD_BATCH * sizeof(*recs))
			break;
		cond_resched();
	}
	/* Appends go after the last good record; the caller rewrites a log with anything after it. */
	c->log_end = sizeof(hdr) + ((loff_t)info.nr_records + tail) * sizeof(*recs);
	c->log_tail = tail;
	ret = 0;
	*flags = info.flags;
	trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_loaded, info.nr_records, tail,
				   0);
out:
	kvfree(recs);
	return ret;
}

/**
 * cachefiles_cull_state_load - Open the culler's files and load the policy
 * @cache: The cache, being bound
 * @usage_clean: The usage record says the cache was unbound cleanly
 *
 * A log that is missing or damaged leaves the policy empty and incomplete; so does an unclean stop,
 * with whatever the log held.  ->complete says whether a walk of the tree must reconcile it.
 *
 * Context: process context, cache credentials and write access, at bind.
 * Return: 0, or -errno if the files cannot be opened or memory is short.
 */
int cachefiles_cull_state_load(struct cachefiles_cache *cache, bool usage_clean)
{
	struct cachefiles_culler *c = &cache->cull;
	u64 capacity = cache->capacity;
	u8 flags = 0;
	int ret;

	c->slots = cachefiles_cull_open(cache, CACHEFILES_CULL_SLOTS, false);
	if (IS_ERR(c->slots)) {
		ret = PTR_ERR(c->slots);
		c->slots = NULL;
		return ret;
	}
	c->log = cachefiles_cull_open(cache, CACHEFILES_CULL_LOG, false);
	if (IS_ERR(c->log)) {
		ret = PTR_ERR(c->log);
		c->log = NULL;
		goto err_slots;
	}

	ret = cachefiles_cull_log_load(cache, capacity, &flags);
	if (ret == -ENOMEM)
		goto err_policy;
	if (ret < 0) {
		if (ret == -EFSCORRUPTED)
			cachefiles_warn(cache, "the culling log is damaged: rebuilding it");
		trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_loaded, 0, 0, ret);
		cachefiles_cull_policy_destroy(&c->policy);
		ret = cachefiles_cull_policy_init(&c->policy, capacity, CACHEFILES_CULL_MIN_SLOTS,
						  NULL);
		if (ret < 0)
			goto err_log;
		ret = cachefiles_cull_log_replace(cache, NULL, 0, 0);
		if (ret < 0)
			goto err_policy;
		flags = 0;
	} else if (c->log_end < i_size_read(file_inode(c->log))) {
		/* A torn tail: rewrite the log, so that what follows the last good record is gone. */
		ret = cachefiles_cull_state_compact(cache);
		if (ret < 0)
			goto err_policy;
	}
	c->complete = usage_clean && (flags & CACHEFILES_CULL_LOG_COMPLETE);
	return 0;

err_policy:
	cachefiles_cull_policy_destroy(&c->policy);
err_log:
	fput(c->log);
	c->log = NULL;
err_slots:
	fput(c->slots);
	c->slots = NULL;
	return ret;
}

/* Give cull-log.map.new the name cull-log.map. */
static int cachefiles_cull_log_rename(struct cachefiles_cache *cache)
{
	struct dentry *root = cache->root.dentry, *from, *to;
	struct renamedata rd = {};
	int ret;

	lock_rename(root, root);
	from = lookup_one_len(CACHEFILES_CULL_LOG_NEW, root, strlen(CACHEFILES_CULL_LOG_NEW));
	if (IS_ERR(from)) {
		ret = PTR_ERR(from);
		goto out;
	}
	to = lookup_one_len(CACHEFILES_CULL_LOG, root, strlen(CACHEFILES_CULL_LOG));
	if (IS_ERR(to)) {
		ret = PTR_ERR(to);
		goto out_from;
	}
	ret = -ENOENT;
	if (d_is_positive(from)) {
		rd.old_mnt_userns = &init_user_ns;
		rd.old_dir = d_inode(root);
		rd.old_dentry = from;
		rd.new_mnt_userns = &init_user_ns;
		rd.new_dir = d_inode(root);
		rd.new_dentry = to;
		ret = vfs_rename(&rd);
	}
	dput(to);
out_from:
	dput(from);
out:
	unlock_rename(root, root);
	return ret;
}

/**
 * cachefiles_cull_state_compact - Write the whole policy as a new log and replace the old one
 * @cache: The cache
 *
 * The policy is copied under culler->lock; the new log is written and synced beside the old one
 * without it, so lookups and culls go on meanwhile, appending to the old log; under the lock again,
 * what they appended is copied after the new log's compacted part and the new log is renamed over
 * the old.  A crash leaves the old log or the new one, whole.
 *
 * Context: process context, cache credentials and write access.
 * Return: 0, -EBUSY if a compaction is running already, or -errno (the old log is kept).
 */
int cachefiles_cull_state_compact(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;
	struct cachefiles_cull_policy *p = &c->policy;
	struct cachefiles_cull_record *recs = NULL;
	struct file *file;
	loff_t from, end;
	u32 max_slots;
	u8 flags = 0;
	int nr = 0, tail, ret;

	mutex_lock(&c->lock);
	if (c->compacting) {
		mutex_unlock(&c->lock);
		return -EBUSY;
	}
	cachefiles_cull_log_flush(cache);
	recs = kvmalloc_array(max_t(u32, p->nr_tracked, 1), sizeof(*recs), GFP_KERNEL);
	nr = recs ? cachefiles_cull_policy_save(p, recs, p->nr_tracked) : -ENOMEM;
	flags = c->complete && !c->seen ? CACHEFILES_CULL_LOG_COMPLETE : 0;
	max_slots = p->max_objects;
	from = c->log_end;
	c->compacting = nr >= 0;
	mutex_unlock(&c->lock);
	if (nr < 0) {
		ret = nr;
		goto out;
	}

	file = cachefiles_cull_log_write_new(cache, recs, nr, max_slots, flags, &end);

	mutex_lock(&c->lock);
	c->compacting = false;
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
	} else {
		/* A walk that started meanwhile makes the log incomplete again. */
		ret = -EAGAIN;
		if (!c->seen || !(flags & CACHEFILES_CULL_LOG_COMPLETE)) {
			cachefiles_cull_log_flush(cache);
			ret = tail = cachefiles_cull_log_copy_tail(cache, from, file, &end);
		}
		if (ret >= 0)
			ret = cachefiles_cull_log_install(cache, file, end, tail);
		else
			fput(file);
	}
	mutex_unlock(&c->lock);
out:
	kvfree(recs);
	trace_cachefiles_iter_cull(cache->tag, cachefiles_trace_cull_saved, nr, flags, ret);
	return ret;
}

/**
 * cachefiles_cull_state_want_compact - Tell whether the log's tail is worth compacting
 * @cache: The cache
 */
bool cachefiles_cull_state_want_compact(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	return READ_ONCE(c->log_tail) >= CACHEFILES_CULL_COMPACT_MIN &&
	       READ_ONCE(c->log_tail) / 2 > READ_ONCE(c->policy.nr_tracked);
}

/**
 * cachefiles_cull_state_save - Compact the log at a clean unbind
 * @cache: The cache, with every object withdrawn
 *
 * Context: process context, at withdrawal.
 */
void cachefiles_cull_state_save(struct cachefiles_cache *cache)
{
	const struct cred *saved;
	int ret;

	if (!cache->cull.log || cachefiles_begin_change(cache, &saved) < 0)
		return;
	ret = cachefiles_cull_state_compact(cache);
	if (ret < 0)
		cachefiles_cull_state_flush(cache);	/* the old log, with all its tail */
	cachefiles_end_change(cache, saved);
	if (ret < 0)
		cachefiles_warn(cache, "cannot save the culling state: %d", ret);
}

/**
 * cachefiles_cull_state_close - Close the culler's files and free the policy
 * @cache: The cache, being freed
 */
void cachefiles_cull_state_close(struct cachefiles_cache *cache)
{
	struct cachefiles_culler *c = &cache->cull;

	if (c->log)
		fput(c->log);
	if (c->slots)
		fput(c->slots);
	c->log = NULL;
	c->slots = NULL;
	bitmap_free(c->seen);
	c->seen = NULL;
	cachefiles_cull_policy_destroy(&c->policy);
}
