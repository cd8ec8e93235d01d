// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: binding a directory as a cache, and withdrawing it.
 *
 * A cache is bound by a netlink command and belongs to the kernel from then on: no process has to keep
 * anything open.  Binding checks the backing filesystem up front (writable, extended attributes,
 * O_TMPFILE, direct I/O, free space above the floor) so that a cache that binds can work.  Withdrawal
 * (unbind, close of an owning socket, an I/O error, module unload) hands every object back to fscache,
 * then the volumes, then the cache name.
 */
#include "internal.h"

#include <linux/namei.h>
#include <linux/mount.h>
#include <linux/statfs.h>
#include <linux/xattr.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/crc32.h>
#include <net/netlink.h>

DEFINE_MUTEX(cachefiles_caches_mutex);
LIST_HEAD(cachefiles_caches);

#define CACHEFILES_USAGE_MAGIC		0x55435346	/* "FSCU" little-endian */
#define CACHEFILES_USAGE_VERSION	1

/* The cache directory's record of what it holds (trusted.fscache.usage), little-endian. */
struct cachefiles_usage_disk {
	__le32	magic;
	u8	version;
	u8	clean;		/* written by a clean unbind: the counts are exact */
	u8	reserved[2];
	__le64	usage;		/* bytes, as cache->usage */
	__le64	objects;
	__le32	crc;		/* crc32c of the record with this field zero */
	__le32	reserved2;
} __packed;

static u32 cachefiles_usage_crc(struct cachefiles_usage_disk *rec)
{
	struct cachefiles_usage_disk tmp = *rec;

	tmp.crc = 0;
	return __crc32c_le(~0U, (const unsigned char *)&tmp, sizeof(tmp));
}

/*
 * Bind: take the counts a clean unbind left, then mark them stale on disk until the next clean
 * unbind; without clean counts, the caller has them counted in the background.  Context: cache
 * credentials, write access.  Return: true if the counts were clean.
 */
static bool cachefiles_usage_load(struct cachefiles_cache *cache)
{
	struct cachefiles_usage_disk rec;
	ssize_t len;

	len = vfs_getxattr(&init_user_ns, cache->root.dentry, CACHEFILES_XATTR_USAGE, &rec,
			   sizeof(rec));
	if (len == sizeof(rec) && le32_to_cpu(rec.magic) == CACHEFILES_USAGE_MAGIC &&
	    rec.version == CACHEFILES_USAGE_VERSION && rec.clean &&
	    le32_to_cpu(rec.crc) == cachefiles_usage_crc(&rec)) {
		atomic64_set(&cache->usage, le64_to_cpu(rec.usage));
		atomic64_set(&cache->nr_objects, le64_to_cpu(rec.objects));
		cache->usage_known = true;
		rec.clean = 0;
		rec.crc = cpu_to_le32(cachefiles_usage_crc(&rec));
		vfs_setxattr(&init_user_ns, cache->root.dentry, CACHEFILES_XATTR_USAGE, &rec,
			     sizeof(rec), 0);
		return true;
	}
	vfs_removexattr(&init_user_ns, cache->root.dentry, CACHEFILES_XATTR_USAGE);
	return false;
}

/* Clean unbind: record the counts, if they are known. */
static void cachefiles_usage_store(struct cachefiles_cache *cache)
{
	struct cachefiles_usage_disk rec = {
		.magic		= cpu_to_le32(CACHEFILES_USAGE_MAGIC),
		.version	= CACHEFILES_USAGE_VERSION,
		.clean		= 1,
		.usage		= cpu_to_le64(atomic64_read(&cache->usage)),
		.objects	= cpu_to_le64(cachefiles_cache_objects(cache)),
	};
	const struct cred *saved;

	if (!READ_ONCE(cache->usage_known) || cachefiles_begin_change(cache, &saved) < 0)
		return;
	rec.crc = cpu_to_le32(cachefiles_usage_crc(&rec));
	vfs_setxattr(&init_user_ns, cache->root.dentry, CACHEFILES_XATTR_USAGE, &rec, sizeof(rec), 0);
	cachefiles_end_change(cache, saved);
}

void cachefiles_cache_put(struct cachefiles_cache *cache)
{
	if (!refcount_dec_and_test(&cache->ref))
		return;
	put_cred(cache->cred);
	kfree(cache->dirname);
	kfree(cache);
}

/**
 * cachefiles_cache_find - Find a bound cache by tag
 * @tag: The tag
 *
 * Context: cachefiles_caches_mutex held; the cache stays valid while it is.
 * Return: the cache, or NULL.
 */
struct cachefiles_cache *cachefiles_cache_find(const char *tag)
{
	struct cachefiles_cache *cache;

	lockdep_assert_held(&cachefiles_caches_mutex);
	list_for_each_entry(cache, &cachefiles_caches, link)
		if (strcmp(cache->tag, tag) == 0)
			return cache;
	return NULL;
}

static struct cachefiles_cache *cachefiles_cache_find_path(const struct path *path)
{
	struct cachefiles_cache *cache;

	/*
	 * Compare dentries, not mounts: a bind mount or another mount of the
	 * same filesystem reaches the same directory through a different
	 * vfsmount.  A cache nested inside another, or holding one, would have
	 * one cache's files culled and scanned by the other: refuse it too.
	 */
	list_for_each_entry(cache, &cachefiles_caches, link) {
		if (cache->root.dentry->d_sb != path->dentry->d_sb)
			continue;
		if (is_subdir(path->dentry, cache->root.dentry) ||
		    is_subdir(cache->root.dentry, path->dentry))
			return cache;
	}
	return NULL;
}

/**
 * cachefiles_cache_statfs - Refresh what we know of the backing filesystem's space
 * @cache: The cache
 * @fresh: Ask the filesystem even if the last answer is recent
 *
 * Context: process context (statfs may sleep).
 */
void cachefiles_cache_statfs(struct cachefiles_cache *cache, bool fresh)
{
	struct kstatfs st;

	if (!fresh && time_before(jiffies, READ_ONCE(cache->statfs_at) + CACHEFILES_STATFS_TTL))
		return;
	if (vfs_statfs(&cache->root, &st) < 0)
		return;
	spin_lock(&cache->statfs_lock);
	cache->fs_size = (u64)st.f_blocks * st.f_bsize;
	cache->fs_free = (u64)st.f_bavail * st.f_bsize;
	cache->statfs_at = jiffies;
	spin_unlock(&cache->statfs_lock);
}

static u64 cachefiles_cache_floor(struct cachefiles_cache *cache)
{
	u8 pct = READ_ONCE(cache->floor_pct);

	if (pct)
		return div_u64(cache->fs_size, 100) * pct;
	return READ_ONCE(cache->floor_bytes);
}

/**
 * cachefiles_cache_has_space - Reserve room for a write into the cache
 * @cache: The cache
 * @bytes: What the write will allocate, rounded to backing filesystem blocks
 *
 * A write the cache has no room for is skipped: the netfs's read has already succeeded, only the copy
 * into the cache is lost.  Both the data capacity and the backing filesystem's free-space floor count.
 *
 * Context: process context.
 * Return: true if the write may go ahead; the space is then taken from our view of the free space.
 */
bool cachefiles_cache_has_space(struct cachefiles_cache *cache, u64 bytes)
{
	u64 capacity = READ_ONCE(cache->capacity);
	bool ok, report = false;

	/* Full: give the culler a moment, then skip (the netfs has its data from the server). */
	if (capacity && READ_ONCE(cache->usage_known) &&
	    cachefiles_cache_usage(cache) + bytes > capacity &&
	    !cachefiles_cull_wait_for_space(cache, bytes))
		goto no_space;

	cachefiles_cache_statfs(cache, false);
	spin_lock(&cache->statfs_lock);
	ok = cache->fs_free >= bytes && cache->fs_free - bytes >= cachefiles_cache_floor(cache);
	if (ok) {
		cache->fs_free -= bytes;
		cache->space_low = false;
	} else if (!cache->space_low) {
		cache->space_low = true;
		report = true;
	}
	spin_unlock(&cache->statfs_lock);
	if (report)
		cachefiles_nl_notify(cache, FSCACHE_EVENT_SPACE_LOW, 0);
	if (ok)
		return true;
no_space:
	cachefiles_stat(cache, FSCACHE_A_STAT_WRITES_SKIPPED, 1);
	fscache_count_no_write_space();
	return false;
}

/**
 * cachefiles_cache_charge - Account an object's backing blocks to its cache's usage
 * @object: The object whose backing file changed size
 *
 * Called as writes complete, so that usage follows the data within the writes in flight.
 *
 * Context: any; object->lock must not be held.
 */
void cachefiles_cache_charge(struct cachefiles_object *object)
{
	struct cachefiles_cache *cache = object->volume->cache;
	unsigned long flags;
	u64 now, was;

	spin_lock_irqsave(&object->lock, flags);
	now = cachefiles_file_bytes(object->file);
	was = object->charged;
	object->charged = now;
	spin_unlock_irqrestore(&object->lock, flags);
	atomic64_add(now - was, &cache->usage);
	cachefiles_cull_check(cache);
}

/**
 * cachefiles_cache_uncharge - Take an object's blocks out of its cache's usage
 * @object: The object whose backing file is going (deleted, or replaced by invalidation)
 *
 * Context: any; object->lock must not be held.
 */
void cachefiles_cache_uncharge(struct cachefiles_object *object)
{
	struct cachefiles_cache *cache = object->volume->cache;
	unsigned long flags;
	u64 was;

	spin_lock_irqsave(&object->lock, flags);
	was = object->charged;
	object->charged = 0;
	spin_unlock_irqrestore(&object->lock, flags);
	atomic64_sub(was, &cache->usage);
}

static void cachefiles_cache_error_work(struct work_struct *work)
{
	struct cachefiles_cache *cache = container_of(work, struct cachefiles_cache, error_work);

	mutex_lock(&cachefiles_caches_mutex);
	if (!list_empty(&cache->link)) {
		cachefiles_nl_notify(cache, FSCACHE_EVENT_IO_ERROR, -EIO);
		cachefiles_cache_withdraw(cache);
	}
	mutex_unlock(&cachefiles_caches_mutex);
	cachefiles_cache_put(cache);
}

/**
 * cachefiles_cache_io_error - Stop using a cache whose backing filesystem failed
 * @cache: The cache
 * @error: The error seen
 *
 * New I/O stops at once; the netfs carries on uncached.  The cache is withdrawn from a work item.
 *
 * Context: any.
 */
void cachefiles_cache_io_error(struct cachefiles_cache *cache, int error)
{
	cachefiles_stat(cache, FSCACHE_A_STAT_IO_ERRORS, 1);
	if (cmpxchg(&cache->state, CACHEFILES_CACHE_ACTIVE, CACHEFILES_CACHE_FAILED) !=
	    CACHEFILES_CACHE_ACTIVE)
		return;
	pr_err("%s: backing filesystem I/O error %d: withdrawing the cache\n", cache->tag, error);
	trace_cachefiles_iter_cache(cache->tag, cachefiles_trace_cache_io_error, error);
	fscache_io_error(cache->fscache);
	refcount_inc(&cache->ref);
	if (!queue_work(cachefiles_wq, &cache->error_work))
		cachefiles_cache_put(cache);
}

/* The backing filesystem must give us everything the cache relies on; say what is missing. */
static int cachefiles_cache_check_fs(struct cachefiles_cache *cache, struct netlink_ext_ack *extack)
{
	struct inode *dir = d_inode(cache->root.dentry);
	struct file *probe;
	int ret;

	if (__mnt_is_readonly(cache->root.mnt) || sb_rdonly(dir->i_sb)) {
		NL_SET_ERR_MSG(extack, "cache directory is on a read-only filesystem");
		return -EROFS;
	}
	if (!(dir->i_opflags & IOP_XATTR)) {
		NL_SET_ERR_MSG(extack, "backing filesystem has no extended attributes");
		return -EOPNOTSUPP;
	}
	if (!dir->i_op->tmpfile) {
		NL_SET_ERR_MSG(extack, "backing filesystem does not support O_TMPFILE");
		return -EOPNOTSUPP;
	}

	probe = vfs_tmpfile_open(&init_user_ns, &cache->root, S_IFREG | 0600,
				 O_RDWR | O_LARGEFILE | O_DIRECT, cache->cred);
	if (IS_ERR(probe)) {
		ret = PTR_ERR(probe);
		if (ret == -EINVAL) {
			NL_SET_ERR_MSG(extack, "backing filesystem does not support direct I/O");
			return -EOPNOTSUPP;
		}
		NL_SET_ERR_MSG(extack, "cannot create files in the cache directory");
		return ret;
	}
	ret = vfs_setxattr(&init_user_ns, probe->f_path.dentry, CACHEFILES_XATTR_META, "", 1, 0);
	fput(probe);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "backing filesystem refuses trusted extended attributes");
		return ret == -EPERM ? -EPERM : -EOPNOTSUPP;
	}

	cachefiles_cache_statfs(cache, true);
	if (cache->fs_free < cachefiles_cache_floor(cache)) {
		NL_SET_ERR_MSG(extack, "backing filesystem is already below the free-space floor");
		return -ENOSPC;
	}
	return 0;
}

static int cachefiles_cache_open_dir(struct cachefiles_cache *cache, const char *dir,
				     struct netlink_ext_ack *extack)
{
	int ret;

	ret = kern_path(dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &cache->root);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(extack, "cache directory does not exist");
	else if (ret == -ENOTDIR)
		NL_SET_ERR_MSG(extack, "cache directory path is not a directory");
	else if (ret < 0)
		NL_SET_ERR_MSG(extack, "cannot look up the cache directory");
	return ret;
}

/**
 * cachefiles_cache_bind - Bind a directory as a cache
 * @params: What to bind and its limits (validated by the netlink policy)
 * @extack: Where to say what is wrong
 *
 * Context: process context, cachefiles_caches_mutex held.
 * Return: 0, or -errno with a message in @extack.
 */
int cachefiles_cache_bind(const struct cachefiles_bind_params *params, struct netlink_ext_ack *extack)
{
	struct cachefiles_cache *cache, *other;
	const struct cred *saved;
	struct fscache_cache *fscache;
	struct cred *cred;
	int ret, i;

	lockdep_assert_held(&cachefiles_caches_mutex);

	if (cachefiles_cache_find(params->tag)) {
		NL_SET_ERR_MSG(extack, "a cache with this tag is already bound");
		return -EEXIST;
	}

	cache = kzalloc(sizeof(*cache), GFP_KERNEL);
	if (!cache)
		return -ENOMEM;
	refcount_set(&cache->ref, 1);
	INIT_LIST_HEAD(&cache->link);
	INIT_LIST_HEAD(&cache->volumes);
	INIT_LIST_HEAD(&cache->objects);
	spin_lock_init(&cache->lock);
	spin_lock_init(&cache->statfs_lock);
	INIT_WORK(&cache->reap_work, cachefiles_reap);
	INIT_WORK(&cache->scan_work, cachefiles_scan);
	cachefiles_cull_init(cache);
	INIT_WORK(&cache->error_work, cachefiles_cache_error_work);
	ratelimit_state_init(&cache->ratelimit, 5 * HZ, 10);
	strscpy(cache->tag, params->tag, sizeof(cache->tag));
	cache->capacity = params->capacity;
	cache->floor_bytes = params->floor_bytes;
	cache->floor_pct = params->floor_pct;
	cache->high_wmark = params->high_wmark;
	cache->low_wmark = params->low_wmark;
	cache->owner_portid = params->owner_portid;
	for (i = 0; i < CACHEFILES_NR_STATS; i++)
		atomic64_set(&cache->stats[i], 0);

	cache->dirname = kstrdup(params->dir, GFP_KERNEL);
	cred = prepare_kernel_cred(NULL);
	if (!cache->dirname || !cred) {
		if (cred)
			put_cred(cred);
		ret = -ENOMEM;
		goto err_free;
	}
	cache->cred = cred;

	ret = cachefiles_cache_open_dir(cache, params->dir, extack);
	if (ret < 0)
		goto err_free;
	other = cachefiles_cache_find_path(&cache->root);
	if (other) {
		if (other->root.dentry == cache->root.dentry)
			NL_SET_ERR_MSG(extack, "this directory is already bound as a cache");
		else
			NL_SET_ERR_MSG(extack, "this directory is inside, or holds, a bound cache");
		ret = -EEXIST;
		goto err_path;
	}
	cache->bsize = i_blocksize(d_inode(cache->root.dentry));

	ret = mnt_want_write(cache->root.mnt);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "cache directory is on a read-only filesystem");
		goto err_path;
	}
	saved = override_creds(cache->cred);
	ret = cachefiles_cache_check_fs(cache, extack);
	if (ret == 0) {
		cache->graveyard = cachefiles_dir_get(cache, cache->root.dentry, CACHEFILES_GRAVEYARD);
		if (IS_ERR(cache->graveyard)) {
			ret = PTR_ERR(cache->graveyard);
			cache->graveyard = NULL;
			NL_SET_ERR_MSG(extack, "cannot make the graveyard directory");
		}
	}
	revert_creds(saved);
	mnt_drop_write(cache->root.mnt);
	if (ret < 0)
		goto err_path;

	ret = cachefiles_begin_change(cache, &saved);
	if (ret == 0) {
		ret = cachefiles_cull_state_load(cache, cachefiles_usage_load(cache));
		cachefiles_end_change(cache, saved);
	}
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "cannot load the culler's state in the cache directory");
		goto err_graveyard;
	}
	ret = cachefiles_cull_start(cache);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "cannot start the culling thread");
		goto err_state;
	}

	fscache = fscache_acquire_cache(cache->tag);
	if (IS_ERR(fscache)) {
		ret = PTR_ERR(fscache);
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(extack, "the tag is held by another cache backend");
		else
			NL_SET_ERR_MSG(extack, "fscache refused the cache");
		goto err_thread;
	}
	cache->fscache = fscache;
	cache->bound_at = ktime_get_real_ns();

	ret = fscache_add_cache(fscache, &cachefiles_cache_ops, cache);
	if (ret < 0) {
		NL_SET_ERR_MSG(extack, "fscache refused the cache");
		goto err_relinquish;
	}

	list_add_tail(&cache->link, &cachefiles_caches);
	if (cache->owner_portid)
		atomic_inc(&cachefiles_owned_caches);
	cachefiles_nl_changed();
	queue_work(cachefiles_wq, &cache->reap_work);
	/* Counts unknown, or a policy that may miss objects: walk the tree in the background. */
	if (!cache->usage_known || !cache->cull.complete) {
		cache->cull.rescans++;
		queue_work(cachefiles_wq, &cache->scan_work);
	}
	pr_info("%s: bound %s\n", cache->tag, cache->dirname);
	trace_cachefiles_iter_cache(cache->tag, cachefiles_trace_cache_bound, 0);
	cachefiles_nl_notify(cache, FSCACHE_EVENT_CACHE_BOUND, 0);
	return 0;

err_relinquish:
	fscache_relinquish_cache(fscache);
err_thread:
	cachefiles_cull_stop(cache);
err_state:
	cachefiles_cull_state_close(cache);
err_graveyard:
	dput(cache->graveyard);
err_path:
	path_put(&cache->root);
err_free:
	cachefiles_cache_put(cache);
	return ret;
}

/**
 * cachefiles_cache_withdraw - Withdraw a cache and free it
 * @cache: The cache, on cachefiles_caches
 *
 * Objects first (fscache detaches each from its cookie, which keeps working uncached), then the
 * volumes, then the cache name.  The data stays on disk for the next bind.
 *
 * Context: process context, cachefiles_caches_mutex held.
 */
void cachefiles_cache_withdraw(struct cachefiles_cache *cache)
{
	lockdep_assert_held(&cachefiles_caches_mutex);

	list_del_init(&cache->link);
	if (cache->owner_portid)
		atomic_dec(&cachefiles_owned_caches);
	cachefiles_nl_changed();
	if (cache->state == CACHEFILES_CACHE_ACTIVE)
		WRITE_ONCE(cache->state, CACHEFILES_CACHE_WITHDRAWING);

	cancel_work_sync(&cache->scan_work);
	fscache_withdraw_cache(cache->fscache);
	spin_lock(&cache->lock);
	cache->withdrawing = true;
	spin_unlock(&cache->lock);
	cachefiles_cull_stop(cache);
	cachefiles_objects_withdraw(cache);
	fscache_wait_for_objects(cache->fscache);
	cachefiles_volumes_withdraw(cache);
	fscache_relinquish_cache(cache->fscache);

	flush_work(&cache->reap_work);
	if (cache->state != CACHEFILES_CACHE_FAILED) {
		/* The policy first: a clean usage record vouches for it. */
		cachefiles_cull_state_save(cache);
		cachefiles_usage_store(cache);
	}
	cachefiles_cull_state_close(cache);
	cachefiles_nl_notify(cache, FSCACHE_EVENT_CACHE_WITHDRAWN, 0);
	pr_info("%s: unbound %s\n", cache->tag, cache->dirname);
	trace_cachefiles_iter_cache(cache->tag, cachefiles_trace_cache_unbound, 0);

	dput(cache->graveyard);
	path_put(&cache->root);
	cachefiles_cache_put(cache);
}

/* Module exit: nothing can bind any more. */
void cachefiles_cache_exit(void)
{
	struct cachefiles_cache *cache;

	mutex_lock(&cachefiles_caches_mutex);
	while ((cache = list_first_entry_or_null(&cachefiles_caches, struct cachefiles_cache, link)))
		cachefiles_cache_withdraw(cache);
	mutex_unlock(&cachefiles_caches_mutex);
}
