// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: cache objects -- lookup, coherency, invalidation, resize and withdrawal.
 *
 * An object lives from ->lookup_cookie() to ->withdraw_cookie(), with its backing file open all that
 * time (the LRU in fscache decides how long an unused cookie keeps it).  Lookup checks the metadata
 * against the cookie and starts afresh on any mismatch; invalidation swaps in an O_TMPFILE so I/O
 * already running finishes on the old file; withdrawal writes the metadata back (or deletes the object
 * if the netfs retired it, or if it could not be kept coherent).
 *
 * Usage accounting: every object file on disk is counted in cache->usage (its blocks plus
 * CACHEFILES_OBJECT_OVERHEAD).  An object found at lookup is already counted; a new one is added; one
 * deleted is taken away.  object->charged is what this object contributes now.
 *
 * Culling: from lookup to withdrawal an object is pinned in its cache's culling policy, under the
 * slot its metadata records (cull/state.c), so it is never culled while fscache uses it.
 */
#include "internal.h"

#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/xattr.h>

static void cachefiles_object_checkpoint(struct work_struct *work)
{
	struct cachefiles_object *object =
		container_of(to_delayed_work(work), struct cachefiles_object, checkpoint_work);
	struct cachefiles_cache *cache = object->volume->cache;
	const struct cred *saved;

	clear_bit(CACHEFILES_OBJECT_CHECKPOINT_QUEUED, &object->flags);
	if (cachefiles_begin_change(cache, &saved) < 0)
		return;
	mutex_lock(&object->meta_mutex);
	if (object->disk_state != CACHEFILES_DISK_UNSAFE || object->map.dirty)
		cachefiles_meta_store(object, CACHEFILES_DISK_OPEN);
	cachefiles_cache_charge(object);
	mutex_unlock(&object->meta_mutex);
	cachefiles_end_change(cache, saved);
}

static struct cachefiles_object *cachefiles_object_alloc(struct fscache_cookie *cookie,
							 struct cachefiles_volume *volume)
{
	struct cachefiles_object *object;

	object = kmem_cache_zalloc(cachefiles_object_jar, GFP_KERNEL);
	if (!object)
		return NULL;
	object->cookie = cookie;
	object->volume = volume;
	object->debug_id = cookie->debug_id;
	spin_lock_init(&object->lock);
	mutex_init(&object->meta_mutex);
	INIT_LIST_HEAD(&object->cache_link);
	INIT_DELAYED_WORK(&object->checkpoint_work, cachefiles_object_checkpoint);
	object->slot = CACHEFILES_CULL_NIL;
	if (cachefiles_object_name(object) < 0) {
		kmem_cache_free(cachefiles_object_jar, object);
		return NULL;
	}
	return object;
}

static void cachefiles_object_free(struct cachefiles_object *object)
{
	cachefiles_map_free(&object->map);
	kfree(object->name);
	kmem_cache_free(cachefiles_object_jar, object);
}

/* Open the backing file; keep its content if its metadata matches the cookie, else start afresh. */
static struct file *cachefiles_object_open(struct cachefiles_object *object, bool *fresh)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct file *file;
	bool created;
	int ret, tries = 0;

again:
	file = cachefiles_file_open(object, &created);
	if (IS_ERR(file) || created) {
		*fresh = true;
		return file;
	}
	ret = cachefiles_meta_load(object, file);
	if (ret == 0) {
		*fresh = false;
		trace_cachefiles_iter_lookup(object->debug_id, cachefiles_trace_lookup_hit, 0);
		return file;
	}
	trace_cachefiles_iter_lookup(object->debug_id, cachefiles_trace_lookup_discarded, ret);
	if (ret == -ENOMEM) {
		cachefiles_object_file_put(file);
		return ERR_PTR(ret);
	}
	if (ret == -ESTALE)
		cachefiles_stat(cache, FSCACHE_A_STAT_STALE, 1);
	/* Out of date, damaged or never finished: bury it and make a new one. */
	ret = cachefiles_bury(cache, object->volume->fanout[object->fanout], object->name,
			      file_inode(file));
	if (ret == 0) {
		atomic64_sub(cachefiles_file_bytes(file), &cache->usage);
		atomic64_dec(&cache->nr_objects);
	}
	cachefiles_object_file_put(file);
	cachefiles_meta_remove_sidecar(object);
	if ((ret < 0 && ret != -ENOENT) || ++tries > 1)
		return ERR_PTR(ret < 0 ? ret : -ESTALE);
	goto again;
}

/*
 * Drop the file a lookup has just made and cannot keep (never charged, no metadata): bury it and
 * forget its slot, or, if the backing filesystem takes no change now, leave it to be culled.
 */
static void cachefiles_object_discard_new(struct cachefiles_object *object, struct file *file)
{
	struct cachefiles_cache *cache = object->volume->cache;
	const struct cred *saved;
	bool changing, buried = false;

	changing = cachefiles_begin_change(cache, &saved) == 0;
	if (changing)
		buried = cachefiles_bury(cache, object->volume->fanout[object->fanout],
					 object->name, file_inode(file)) == 0;
	cachefiles_cull_untrack(object, buried, changing);
	if (changing)
		cachefiles_end_change(cache, saved);
	cachefiles_object_file_put(file);
}

/**
 * cachefiles_object_lookup - Find or create a cookie's object (->lookup_cookie)
 * @cookie: The cookie, inside a lookup access
 *
 * Context: process context (a dispatcher thread or the netfs's caller).
 * Return: true if the cookie now has an object; on false fscache calls ->withdraw_cookie(), which
 * finds no object.
 */
bool cachefiles_object_lookup(struct fscache_cookie *cookie)
{
	struct cachefiles_volume *volume = cookie->volume->cache_priv;
	struct cachefiles_object *object;
	struct cachefiles_cache *cache;
	const struct cred *saved;
	struct file *file;
	bool fresh, gone;
	int ret, tries = 0;

	if (!volume)
		return false;
	cache = volume->cache;
	object = cachefiles_object_alloc(cookie, volume);
	if (!object)
		return false;

relookup:
	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0)
		goto fail;
	object->slot = CACHEFILES_CULL_NIL;
	file = cachefiles_object_open(object, &fresh);
	if (!IS_ERR(file)) {
		/* Found: counted when it was made.  Pin it in the culler, which counts an access. */
		object->charged = fresh ? 0 : cachefiles_file_bytes(file);
		object->file = file;
		ret = cachefiles_cull_track(object);
		if (ret == -EAGAIN) {
			object->file = NULL;
			object->charged = 0;
			cachefiles_object_file_put(file);
			file = ERR_PTR(-ESTALE);
			/* Forget what the metadata said: the next open reads it again. */
			cachefiles_map_free(&object->map);
			object->disk_state = 0;
			clear_bit(CACHEFILES_OBJECT_SIDECAR, &object->flags);
			clear_bit(CACHEFILES_OBJECT_DIRTY, &object->flags);
		}
	}
	cachefiles_end_change(cache, saved);
	/* Culled, or being culled, between its open and its pin: look again. */
	if (ret == -EAGAIN && ++tries <= CACHEFILES_LOOKUP_RETRIES) {
		cachefiles_cull_wait_victims(cache);
		goto relookup;
	}
	if (IS_ERR(file)) {
		trace_cachefiles_iter_lookup(object->debug_id, cachefiles_trace_lookup_failed,
					     PTR_ERR(file));
		cachefiles_warn(cache, "lookup of %s failed: %ld", object->name, PTR_ERR(file));
		goto fail;
	}
	if (fresh) {
		ret = cachefiles_map_init(&object->map, cookie->object_size, GFP_KERNEL);
		if (ret < 0) {
			/* A file we cannot describe must not survive. */
			cachefiles_object_discard_new(object, file);
			goto fail;
		}
		cachefiles_stat(cache, FSCACHE_A_STAT_CREATES, 1);
		trace_cachefiles_iter_lookup(object->debug_id, cachefiles_trace_lookup_created, 0);
	}
	cachefiles_stat(cache, FSCACHE_A_STAT_LOOKUPS, 1);

	object->opened_at = ktime_get_real_ns();
	object->last_io = jiffies;

	/*
	 * A cache being withdrawn takes no new objects: over a stock core a lookup may still be running
	 * when withdrawal has asked for every listed object to go.
	 */
	spin_lock(&cache->lock);
	gone = cache->withdrawing;
	if (!gone)
		list_add_tail(&object->cache_link, &cache->objects);
	spin_unlock(&cache->lock);
	if (gone) {
		if (fresh) {
			cachefiles_object_discard_new(object, file);
		} else {
			cachefiles_cull_untrack(object, false, false);
			cachefiles_object_file_put(file);
		}
		goto fail;
	}
	cachefiles_nl_changed();
	if (fresh) {
		atomic64_inc(&cache->nr_objects);
		cachefiles_cache_charge(object);
	}
	fscache_count_object(cache->fscache);
	cookie->cache_priv = object;
	if (fresh)
		fscache_cookie_lookup_negative(cookie);
	return true;

fail:
	cachefiles_object_free(object);
	return false;
}

/**
 * cachefiles_object_queue_checkpoint - Have an object's map written within a few seconds
 * @object: The object, whose map has changed
 *
 * Context: any.
 */
void cachefiles_object_queue_checkpoint(struct cachefiles_object *object)
{
	if (test_and_set_bit(CACHEFILES_OBJECT_CHECKPOINT_QUEUED, &object->flags))
		return;
	queue_delayed_work(cachefiles_wq, &object->checkpoint_work, CACHEFILES_CHECKPOINT_DELAY);
}

/**
 * cachefiles_object_withdraw - Detach an object from its cookie and close it (->withdraw_cookie)
 * @cookie: The cookie, with no access left
 *
 * Context: process context.
 */
void cachefiles_object_withdraw(struct fscache_cookie *cookie)
{
	struct cachefiles_object *object = cookie->cache_priv;
	struct cachefiles_cache *cache;
	const struct cred *saved;
	bool delete, changing, deleted = false;
	int ret = 0;

	if (!object)
		return;		/* the lookup failed */
	cache = object->volume->cache;
	cancel_delayed_work_sync(&object->checkpoint_work);

	/*
	 * An invalidation still pending means the cookie's coherency data is already the new one:
	 * committing it over the old content would serve stale data, so the object goes.
	 */
	delete = test_bit(FSCACHE_COOKIE_RETIRED, &cookie->flags) ||
		 test_bit(FSCACHE_COOKIE_DO_INVALIDATE, &cookie->flags) ||
		 test_bit(CACHEFILES_OBJECT_CULL, &object->flags);
	changing = cachefiles_begin_change(cache, &saved) == 0;
	mutex_lock(&object->meta_mutex);
	if (!changing) {
		/* Frozen for good or read-only: the disk keeps its last checkpoint. */
		ret = -EROFS;
	} else if (delete) {
		ret = cachefiles_bury(cache, object->volume->fanout[object->fanout], object->name,
				      file_inode(object->file));
		deleted = ret == 0 || ret == -ENOENT;
		if (!deleted) {
			/* It stays, counted and cullable; its content must not be used again. */
			cachefiles_warn(cache, "cannot delete %s: %d", object->name, ret);
			vfs_removexattr(&init_user_ns, object->file->f_path.dentry,
					CACHEFILES_XATTR_META);
		} else if (test_bit(CACHEFILES_OBJECT_SIDECAR, &object->flags)) {
			cachefiles_meta_remove_sidecar(object);
		}
	} else if (object->disk_state != CACHEFILES_DISK_CLEAN || object->map.dirty ||
		   test_bit(CACHEFILES_OBJECT_DIRTY, &object->flags) ||
		   test_bit(FSCACHE_COOKIE_NEEDS_UPDATE, &cookie->flags)) {
		ret = cachefiles_meta_store(object, CACHEFILES_DISK_CLEAN);
		if (ret < 0)
			cachefiles_warn(cache, "cannot write the metadata of %s: %d", object->name, ret);
	}
	cachefiles_cache_charge(object);
	mutex_unlock(&object->meta_mutex);
	cachefiles_cull_untrack(object, deleted, changing);
	if (changing)
		cachefiles_end_change(cache, saved);
	trace_cachefiles_iter_withdraw(object->debug_id, delete ? cachefiles_trace_withdraw_delete :
				       cachefiles_trace_withdraw_commit, ret);

	spin_lock(&cache->lock);
	list_del_init(&object->cache_link);
	spin_unlock(&cache->lock);
	cachefiles_nl_changed();

	if (deleted) {
		cachefiles_cache_uncharge(object);
		atomic64_dec(&cache->nr_objects);
	}
	cookie->cache_priv = NULL;
	cachefiles_object_file_put(object->file);
	cachefiles_object_free(object);
	fscache_uncount_object(cache->fscache);
}

/**
 * cachefiles_object_invalidate - Replace an object's content with nothing (->invalidate_cookie)
 * @cookie: The cookie, in INVALIDATING, with the new aux data and size already set
 *
 * The new content is an O_TMPFILE: I/O still running on the old file completes there and is
 * forgotten; the name is then moved over to the new file.
 *
 * Context: process context.
 * Return: true on success (I/O resumes), false if caching must stop for this cookie (the object is
 * then deleted at withdrawal: its old content must not outlive the netfs's new coherency data).
 */
bool cachefiles_object_invalidate(struct fscache_cookie *cookie)
{
	struct cachefiles_object *object = cookie->cache_priv;
	struct cachefiles_cache *cache = object->volume->cache;
	struct cachefiles_map map, old_map;
	struct file *file, *old;
	const struct cred *saved;
	bool kept;
	int ret;

	ret = cachefiles_map_init(&map, cookie->object_size, GFP_KERNEL);
	if (ret < 0)
		goto fail;
	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0) {
		cachefiles_map_free(&map);
		goto fail;
	}
	file = cachefiles_file_tmpfile(object);
	if (IS_ERR(file)) {
		cachefiles_end_change(cache, saved);
		cachefiles_map_free(&map);
		ret = PTR_ERR(file);
		goto fail;
	}

	mutex_lock(&object->meta_mutex);
	spin_lock_irq(&object->lock);
	old = object->file;
	old_map = object->map;
	object->file = file;
	object->map = map;
	spin_unlock_irq(&object->lock);
	object->disk_state = 0;

	ret = cachefiles_file_link(object, file);
	kept = false;
	if (ret < 0) {
		/*
		 * The new file has no name and goes when it is closed: drop the object then.  If
		 * the old file kept the name, it stays counted, without metadata, so that the next
		 * lookup of the name discards it and takes it out of the usage.
		 */
		cachefiles_warn(cache, "cannot link the new content of %s: %d", object->name, ret);
		set_bit(CACHEFILES_OBJECT_CULL, &object->flags);
		kept = READ_ONCE(old->f_path.dentry->d_parent) ==
		       READ_ONCE(object->volume->fanout[object->fanout]);
		if (kept)
			vfs_removexattr(&init_user_ns, old->f_path.dentry, CACHEFILES_XATTR_META);
	}
	if (test_and_clear_bit(CACHEFILES_OBJECT_SIDECAR, &object->flags))
		cachefiles_meta_remove_sidecar(object);

	/* The old file's blocks leave the cache with it. */
	if (kept) {
		spin_lock_irq(&object->lock);
		object->charged = 0;
		spin_unlock_irq(&object->lock);
	} else {
		cachefiles_cache_uncharge(object);
	}
	cachefiles_cache_charge(object);
	mutex_unlock(&object->meta_mutex);
	cachefiles_end_change(cache, saved);
	cachefiles_object_file_put(old);
	cachefiles_map_free(&old_map);
	cachefiles_stat(cache, FSCACHE_A_STAT_INVALIDATIONS, 1);
	trace_cachefiles_iter_invalidate(object->debug_id, cookie->object_size, ret);
	fscache_resume_after_invalidation(cookie);
	return true;

fail:
	set_bit(CACHEFILES_OBJECT_CULL, &object->flags);
	trace_cachefiles_iter_invalidate(object->debug_id, cookie->object_size, ret);
	cachefiles_warn(cache, "cannot invalidate %s: %d", object->name, ret);
	return false;
}

/**
 * cachefiles_object_set_size - Change the size an object's map describes
 * @object: The object
 * @new_size: The new size
 *
 * Growing makes the granule that held the old end of file absent (its bytes past the old end were
 * never written); if the disk map claims that granule, the disk is told first that the object is
 * changing.  Shrinking drops the granules past the new size, after the same warning.
 *
 * Context: process context, cachefiles_begin_change() done, object->meta_mutex held.
 * Return: 0 or -errno; on error the map still never claims bytes that may be wrong.
 */
int cachefiles_object_set_size(struct cachefiles_object *object, loff_t new_size)
{
	struct cachefiles_map_resize rs;
	loff_t old_size = object->map.size;
	int ret;

	lockdep_assert_held(&object->meta_mutex);
	if (new_size == old_size)
		return 0;
	ret = cachefiles_map_resize_begin(&object->map, new_size, &rs, GFP_KERNEL);
	if (ret < 0)
		return ret;
	if (new_size < old_size ||
	    (old_size & (CACHEFILES_GRANULE_SIZE - 1) && object->map.nr_set))
		ret = cachefiles_meta_mark_unsafe(object);
	spin_lock_irq(&object->lock);
	if (ret == 0)
		cachefiles_map_resize_commit(&object->map, new_size, &rs);
	else
		/* Could not warn the disk: at least stop trusting what may change. */
		cachefiles_map_clear(&object->map, min(old_size, new_size),
				     abs(old_size - new_size) + CACHEFILES_GRANULE_SIZE);
	spin_unlock_irq(&object->lock);
	cachefiles_map_resize_end(&rs);
	trace_cachefiles_iter_map(object->debug_id, cachefiles_trace_map_resize, new_size, 0,
				  object->map.nr_set);
	return ret;
}

/**
 * cachefiles_object_resize - Change an object's size (->resize_cookie)
 * @cres: The operation (begun with FSCACHE_WANT_PARAMS)
 * @new_size: The netfs file's new size
 *
 * Shrinking cuts the backing file and drops the granules past the new size; data the disk map claims
 * is being removed, so the object is marked unsafe on disk first.
 *
 * Context: process context.
 */
void cachefiles_object_resize(struct netfs_cache_resources *cres, loff_t new_size)
{
	struct cachefiles_object *object = cachefiles_cres_object(cres);
	struct file *file = cachefiles_cres_file(cres);
	struct cachefiles_cache *cache;
	const struct cred *saved;
	int ret;

	if (!object || !file || file != READ_ONCE(object->file))
		return;
	cache = object->volume->cache;
	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0)
		goto failed;
	mutex_lock(&object->meta_mutex);
	ret = cachefiles_object_set_size(object, new_size);
	if (ret == 0 && i_size_read(file_inode(file)) > new_size)
		ret = cachefiles_file_truncate(file, new_size);
	cachefiles_cache_charge(object);
	mutex_unlock(&object->meta_mutex);
	cachefiles_end_change(cache, saved);
	if (ret == 0) {
		cachefiles_object_queue_checkpoint(object);
		return;
	}
failed:
	/* The object cannot follow the netfs: drop it when it is withdrawn. */
	set_bit(CACHEFILES_OBJECT_CULL, &object->flags);
	spin_lock_irq(&object->lock);
	cachefiles_map_clear(&object->map, 0, object->map.size);
	spin_unlock_irq(&object->lock);
	cachefiles_warn(cache, "cannot resize %s: %d", object->name, ret);
	if (ret == -EIO)
		cachefiles_cache_io_error(cache, ret);
}

/**
 * cachefiles_object_prepare_to_write - The netfs is about to modify the file (->prepare_to_write)
 * @cookie: The cookie
 *
 * Local writes will rewrite cached data: the disk must not vouch for it until the next checkpoint.
 *
 * Context: process context.
 */
void cachefiles_object_prepare_to_write(struct fscache_cookie *cookie)
{
	struct cachefiles_object *object = cookie->cache_priv;
	struct cachefiles_cache *cache;
	const struct cred *saved;

	if (!object)
		return;
	cache = object->volume->cache;
	set_bit(CACHEFILES_OBJECT_DIRTY, &object->flags);
	if (cachefiles_begin_change(cache, &saved) < 0)
		return;
	mutex_lock(&object->meta_mutex);
	cachefiles_meta_mark_unsafe(object);
	mutex_unlock(&object->meta_mutex);
	cachefiles_end_change(cache, saved);
}

/**
 * cachefiles_objects_withdraw - Ask fscache to withdraw every object of a cache
 * @cache: The cache, no longer live and refusing new objects
 */
void cachefiles_objects_withdraw(struct cachefiles_cache *cache)
{
	struct cachefiles_object *object;
	struct fscache_cookie *cookie;

	for (;;) {
		spin_lock(&cache->lock);
		cookie = NULL;
		list_for_each_entry(object, &cache->objects, cache_link) {
			/* Ask once; fscache_wait_for_objects() waits for the rest. */
			if (test_and_set_bit(CACHEFILES_OBJECT_WITHDRAW_ASKED, &object->flags))
				continue;
			cookie = fscache_get_cookie(object->cookie, fscache_cookie_get_attach_object);
			break;
		}
		spin_unlock(&cache->lock);
		if (!cookie)
			break;
		fscache_withdraw_cookie(cookie);
		fscache_put_cookie(cookie, fscache_cookie_put_object);
		cond_resched();
	}
}
