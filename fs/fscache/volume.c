// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: volumes, the per-superblock (or per-server) groups of cookies.
 *
 * A volume is set up in a cache lazily, by the first cookie lookup that needs it, so a volume acquired
 * before any cache was bound starts caching as soon as one is: there is no enablement step.  A volume
 * that named no cache uses the first cache that is live at that moment and keeps it.
 *
 * Teardown: the netfs relinquishes its reference; the cookies hold theirs until their own teardown
 * ends; the last put queues the release, which lets the backend free its part, unlists the volume (a
 * new acquisition of the same key waits until then) and frees it.
 */
#include "internal.h"

LIST_HEAD(fscache_volumes);
DEFINE_MUTEX(fscache_volumes_lock);

/* Bumped each time a volume is unlisted; colliding acquisitions wait for it to move. */
static atomic_t fscache_volumes_unlisted;
/* Bumped each time a volume is listed or unlisted: a netlink dump of the list watches it. */
atomic_t fscache_volumes_gen = ATOMIC_INIT(1);
static atomic_t fscache_volume_debug_id;

/* FNV-1a: the same on every architecture and endianness, as the backend API asks of key hashes. */
#define FSCACHE_FNV_OFFSET	0x811c9dc5U
#define FSCACHE_FNV_PRIME	0x01000193U

u32 fscache_hash(u32 seed, const void *data, size_t len)
{
	const u8 *p = data;
	u32 h = seed ^ FSCACHE_FNV_OFFSET;

	while (len--)
		h = (h ^ *p++) * FSCACHE_FNV_PRIME;
	return h;
}

/*
 * Every change of a volume's refcount goes through here, traced with the count it leaves.
 * Return: false if @delta > 0 and the count was already zero (nothing taken).
 */
static bool fscache_volume_ref_adjust(struct fscache_volume *volume, int delta,
				      enum fscache_volume_trace where, bool *zero)
{
	unsigned int debug_id = volume->debug_id;
	int before;

	if (delta > 0) {
		if (!__refcount_inc_not_zero(&volume->ref, &before))
			return false;
	} else {
		*zero = __refcount_dec_and_test(&volume->ref, &before);
	}
	trace_fscache_volume(debug_id, before + delta, where);
	return true;
}

/* The caller already holds a reference, so this cannot fail. */
struct fscache_volume *fscache_volume_get(struct fscache_volume *volume,
					  enum fscache_volume_trace where)
{
	WARN_ON_ONCE(!fscache_volume_ref_adjust(volume, 1, where, NULL));
	return volume;
}

/**
 * fscache_try_get_volume - Take a reference on a volume unless it is being freed
 * @volume: The volume
 * @where: Why (tracing)
 *
 * Return: @volume, or NULL if its last reference has gone.
 */
struct fscache_volume *fscache_try_get_volume(struct fscache_volume *volume,
					      enum fscache_volume_trace where)
{
	return fscache_volume_ref_adjust(volume, 1, where, NULL) ? volume : NULL;
}
EXPORT_SYMBOL(fscache_try_get_volume);

/**
 * fscache_put_volume - Drop a reference on a volume
 * @volume: The volume
 * @where: Why (tracing)
 *
 * The last reference queues the volume's release; any context.
 */
void fscache_put_volume(struct fscache_volume *volume, enum fscache_volume_trace where)
{
	bool zero;

	if (volume && fscache_volume_ref_adjust(volume, -1, where, &zero) && zero)
		queue_work(fscache_wq, &volume->work);
}
EXPORT_SYMBOL(fscache_put_volume);

/**
 * fscache_volume_begin_access - Pin a volume's cache state for an operation
 * @volume: The volume
 * @cookie: The cookie the access is for, or NULL (tracing)
 * @why: Why (tracing)
 *
 * Return: true if the volume's cache is live and the volume has not been withdrawn from it.
 */
bool fscache_volume_begin_access(struct fscache_volume *volume, struct fscache_cookie *cookie,
				 enum fscache_access_trace why)
{
	int n;

	if (!fscache_cache_is_live(volume->cache))
		return false;
	n = atomic_inc_return(&volume->n_accesses);
	trace_fscache_access_volume(volume->debug_id, cookie ? cookie->debug_id : 0,
				    refcount_read(&volume->ref), n, why);
	if (!fscache_cache_is_live(volume->cache) ||
	    test_bit(FSCACHE_VOLUME_WITHDRAWN, &volume->flags)) {
		fscache_end_volume_access(volume, cookie, fscache_access_unlive);
		return false;
	}
	return true;
}

/**
 * fscache_end_volume_access - End an access to a volume
 * @volume: The volume
 * @cookie: The cookie the access was for, or NULL (tracing)
 * @why: Why (tracing)
 */
void fscache_end_volume_access(struct fscache_volume *volume, struct fscache_cookie *cookie,
			       enum fscache_access_trace why)
{
	unsigned int debug_id = volume->debug_id;
	int ref = refcount_read(&volume->ref), n;

	n = atomic_dec_return(&volume->n_accesses);
	trace_fscache_access_volume(debug_id, cookie ? cookie->debug_id : 0, ref, n, why);
	if (n == 0)
		wake_up_var(&volume->n_accesses);
}
EXPORT_SYMBOL(fscache_end_volume_access);

/**
 * fscache_volume_attach - Get the cache a volume uses, choosing one if it named none
 * @volume: The volume
 *
 * Return: the volume's cache (live or not), or NULL if it named none and no cache is live.
 */
struct fscache_cache *fscache_volume_attach(struct fscache_volume *volume)
{
	struct fscache_cache *cache = smp_load_acquire(&volume->cache);

	if (cache)
		return cache;

	cache = fscache_cache_get_default();
	if (!cache)
		return NULL;

	mutex_lock(&fscache_volumes_lock);
	if (!volume->cache) {
		atomic_inc(&cache->n_volumes);
		smp_store_release(&volume->cache, cache);
		cache = NULL;
	}
	mutex_unlock(&fscache_volumes_lock);

	if (cache)
		fscache_cache_put(cache, fscache_cache_put_volume);
	return volume->cache;
}

/**
 * fscache_volume_set_up - Have the backend set the volume up in its cache, once per binding
 * @volume: The volume; the caller holds an access on its cache
 *
 * Return: true if the backend has the volume set up.
 */
bool fscache_volume_set_up(struct fscache_volume *volume)
{
	struct fscache_cache *cache = volume->cache;

	if (test_bit(FSCACHE_VOLUME_CREATED, &volume->flags))
		return true;

	might_sleep();
	wait_on_bit_lock(&volume->flags, FSCACHE_VOLUME_CREATING, TASK_UNINTERRUPTIBLE);
	if (!test_bit(FSCACHE_VOLUME_CREATED, &volume->flags)) {
		clear_bit(FSCACHE_VOLUME_WITHDRAWN, &volume->flags);
		if (cache->ops->acquire_volume)
			cache->ops->acquire_volume(volume);
		/* A backend with per-volume state that failed to set it up left cache_priv NULL. */
		if (!cache->ops->acquire_volume || volume->cache_priv)
			set_bit(FSCACHE_VOLUME_CREATED, &volume->flags);
	}
	clear_and_wake_up_bit(FSCACHE_VOLUME_CREATING, &volume->flags);
	return test_bit(FSCACHE_VOLUME_CREATED, &volume->flags);
}

/**
 * fscache_withdraw_volume - Withdraw a volume from its cache
 * @volume: The volume
 *
 * Called by the backend during cache withdrawal, after its objects are gone: drops the backend's pin
 * and waits for the accesses in progress.  The volume is set up again if its cache is bound again.
 */
void fscache_withdraw_volume(struct fscache_volume *volume)
{
	set_bit(FSCACHE_VOLUME_WITHDRAWN, &volume->flags);
	clear_bit(FSCACHE_VOLUME_CREATED, &volume->flags);
	smp_mb__after_atomic();
	fscache_end_volume_access(volume, NULL, fscache_access_cache_unpin);
	wait_var_event(&volume->n_accesses, atomic_read(&volume->n_accesses) == 0);
}
EXPORT_SYMBOL(fscache_withdraw_volume);

static bool fscache_volume_same_key(const struct fscache_volume *a, const struct fscache_volume *b)
{
	return a->key_hash == b->key_hash && a->key[0] == b->key[0] &&
	       memcmp(a->key + 1, b->key + 1, a->key[0]) == 0;
}

static void fscache_volume_release(struct work_struct *work)
{
	struct fscache_volume *volume = container_of(work, struct fscache_volume, work);
	struct fscache_cache *cache = volume->cache;

	/*
	 * Let the backend free its part.  Our access keeps the backend's withdrawal of the volume, and so
	 * its cache teardown, from running underneath.
	 */
	if (volume->cache_priv) {
		atomic_inc(&volume->n_accesses);
		trace_fscache_access_volume(volume->debug_id, 0, 0, atomic_read(&volume->n_accesses),
					    fscache_access_relinquish_volume);
		if (volume->cache_priv && cache->ops && cache->ops->free_volume)
			cache->ops->free_volume(volume);
		fscache_end_volume_access(volume, NULL, fscache_access_relinquish_volume_end);
	}

	mutex_lock(&fscache_volumes_lock);
	list_del(&volume->proc_link);
	atomic_inc(&fscache_volumes_gen);
	mutex_unlock(&fscache_volumes_lock);
	atomic_inc(&fscache_volumes_unlisted);
	wake_up_var(&fscache_volumes_unlisted);

	trace_fscache_volume(volume->debug_id, 0, fscache_volume_free);
	if (cache) {
		atomic_dec(&cache->n_volumes);
		fscache_cache_put(cache, fscache_cache_put_volume);
	}
	fscache_stat_d(&fscache_n_volumes);
	kfree(volume->key);
	kfree(volume);
}

static struct fscache_volume *fscache_volume_alloc(const char *volume_key, const char *cache_name,
						   const void *coherency_data, size_t coherency_len)
{
	size_t klen = strlen(volume_key), hlen;
	struct fscache_volume *volume;

	volume = kzalloc(struct_size(volume, coherency, coherency_len), GFP_KERNEL);
	if (!volume)
		return NULL;

	/* Length byte, the key, a NUL, zero padding to a multiple of four (the backend API's format). */
	hlen = round_up(1 + klen + 1, sizeof(u32));
	volume->key = kzalloc(hlen, GFP_KERNEL);
	if (!volume->key) {
		kfree(volume);
		return NULL;
	}
	volume->key[0] = klen;
	memcpy(volume->key + 1, volume_key, klen);
	volume->key_hash = fscache_hash(0, volume->key, hlen);

	if (cache_name) {
		volume->cache = fscache_cache_lookup(cache_name, true);
		if (IS_ERR(volume->cache)) {
			kfree(volume->key);
			kfree(volume);
			return NULL;
		}
		atomic_inc(&volume->cache->n_volumes);
	}

	refcount_set(&volume->ref, 1);
	INIT_LIST_HEAD(&volume->proc_link);
	INIT_WORK(&volume->work, fscache_volume_release);
	spin_lock_init(&volume->lock);
	volume->debug_id = atomic_inc_return(&fscache_volume_debug_id);
	volume->coherency_len = coherency_len;
	if (coherency_data)
		memcpy(volume->coherency, coherency_data, coherency_len);
	return volume;
}

static void fscache_volume_free_unlisted(struct fscache_volume *volume)
{
	if (volume->cache) {
		atomic_dec(&volume->cache->n_volumes);
		fscache_cache_put(volume->cache, fscache_cache_put_alloc_volume);
	}
	kfree(volume->key);
	kfree(volume);
}

/**
 * __fscache_acquire_volume - Register a volume as desiring caching services
 * @volume_key: The volume's identifier: printable, no '/', at most 254 characters
 * @cache_name: The name of the cache to use, or NULL for the first one live
 * @coherency_data: Coherency data to check against what the cache holds, or NULL
 * @coherency_len: The length of @coherency_data
 *
 * If a volume with the same key is being relinquished, waits until it is gone.
 *
 * Return: the volume; NULL if caching is refused (bad key, no memory); ERR_PTR(-EBUSY) if the key is
 * in use by a live volume.
 */
struct fscache_volume *__fscache_acquire_volume(const char *volume_key, const char *cache_name,
						const void *coherency_data, size_t coherency_len)
{
	struct fscache_volume *volume, *old;
	int unlisted;

	if (!volume_key || !*volume_key || strlen(volume_key) > FSCACHE_VOLUME_KEY_MAX ||
	    strchr(volume_key, '/') || coherency_len > U8_MAX) {
		pr_warn_ratelimited("volume key \"%.*s\" refused: caching disabled for it\n",
				    FSCACHE_VOLUME_KEY_MAX, volume_key ?: "");
		return NULL;
	}

	volume = fscache_volume_alloc(volume_key, cache_name, coherency_data, coherency_len);
	if (!volume) {
		fscache_stat(&fscache_n_volumes_nomem);
		return NULL;
	}

	for (;;) {
		mutex_lock(&fscache_volumes_lock);
		unlisted = atomic_read(&fscache_volumes_unlisted);
		list_for_each_entry(old, &fscache_volumes, proc_link)
			if (fscache_volume_same_key(old, volume))
				break;
		if (list_entry_is_head(old, &fscache_volumes, proc_link))
			break;

		if (!test_bit(FSCACHE_VOLUME_RELINQUISHED, &old->flags)) {
			mutex_unlock(&fscache_volumes_lock);
			fscache_stat(&fscache_n_volumes_collision);
			trace_fscache_volume(old->debug_id, refcount_read(&old->ref),
					     fscache_volume_collision);
			fscache_volume_free_unlisted(volume);
			return ERR_PTR(-EBUSY);
		}

		/* The old volume is going away: wait for it to be unlisted, then look again. */
		set_bit(FSCACHE_VOLUME_COLLIDED_WITH, &old->flags);
		trace_fscache_volume(old->debug_id, refcount_read(&old->ref),
				     fscache_volume_see_hash_wake);
		mutex_unlock(&fscache_volumes_lock);
		wait_var_event(&fscache_volumes_unlisted,
			       atomic_read(&fscache_volumes_unlisted) != unlisted);
	}
	list_add_tail(&volume->proc_link, &fscache_volumes);
	atomic_inc(&fscache_volumes_gen);
	mutex_unlock(&fscache_volumes_lock);

	fscache_stat(&fscache_n_volumes);
	trace_fscache_volume(volume->debug_id, 1, fscache_volume_new_acquire);
	return volume;
}
EXPORT_SYMBOL(__fscache_acquire_volume);

/**
 * __fscache_relinquish_volume - Stop caching a volume
 * @volume: The volume; all its cookies have been relinquished
 * @coherency_data: Coherency data to store, or NULL
 * @invalidate: True to discard what the cache holds for the volume
 */
void __fscache_relinquish_volume(struct fscache_volume *volume, const void *coherency_data,
				 bool invalidate)
{
	if (WARN_ON_ONCE(test_and_set_bit(FSCACHE_VOLUME_RELINQUISHED, &volume->flags)))
		return;

	if (invalidate)
		set_bit(FSCACHE_VOLUME_INVALIDATE, &volume->flags);
	else if (coherency_data)
		memcpy(volume->coherency, coherency_data, volume->coherency_len);

	fscache_put_volume(volume, fscache_volume_put_relinquish);
}
EXPORT_SYMBOL(__fscache_relinquish_volume);
