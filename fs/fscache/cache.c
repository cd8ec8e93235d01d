// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the registry of caches.
 *
 * A cache is known by its name.  The record is made by whichever comes first: a backend reserving the
 * name (fscache_acquire_cache()) or a volume asking for a cache of that name.  A backend moves it from
 * NOT_PRESENT to PREPARING, then ACTIVE (fscache_add_cache()), then WITHDRAWN (fscache_withdraw_cache())
 * and back to NOT_PRESENT (fscache_relinquish_cache()), so the same name can be bound again later and
 * the volumes that named it pick it up without being re-acquired.
 */
#include "internal.h"

LIST_HEAD(fscache_caches);

/*
 * Held for writing while a cache's registration or state changes, and for reading by cookie teardown,
 * so that relinquishment and withdrawal never overlap (seed point 7).
 */
DECLARE_RWSEM(fscache_addremove_sem);
EXPORT_SYMBOL(fscache_addremove_sem);

/* Woken when a cache's object count reaches zero (fscache_uncount_object()). */
DECLARE_WAIT_QUEUE_HEAD(fscache_clearance_waiters);
EXPORT_SYMBOL(fscache_clearance_waiters);

/* Caches in the ACTIVE state, for a cheap "could anything cache this?" test on hot paths. */
atomic_t fscache_n_active_caches;

static atomic_t fscache_cache_debug_id;

static void fscache_cache_set_state(struct fscache_cache *cache, enum fscache_cache_state state)
{
	lockdep_assert_held_write(&fscache_addremove_sem);

	if (cache->state == FSCACHE_CACHE_IS_ACTIVE && state != FSCACHE_CACHE_IS_ACTIVE)
		atomic_dec(&fscache_n_active_caches);
	else if (cache->state != FSCACHE_CACHE_IS_ACTIVE && state == FSCACHE_CACHE_IS_ACTIVE)
		atomic_inc(&fscache_n_active_caches);
	smp_store_release(&cache->state, state);
}

static struct fscache_cache *fscache_cache_find(const char *name)
{
	struct fscache_cache *cache;

	lockdep_assert_held(&fscache_addremove_sem);

	list_for_each_entry(cache, &fscache_caches, cache_link)
		if (cache->name && strcmp(cache->name, name) == 0 && refcount_inc_not_zero(&cache->ref))
			return cache;
	return NULL;
}

/**
 * fscache_cache_lookup - Find the record of a cache by name
 * @name: The cache's name
 * @create: Make the record if there is none
 *
 * Return: the cache with a reference held, NULL if there is none and @create is false, or an ERR_PTR.
 */
struct fscache_cache *fscache_cache_lookup(const char *name, bool create)
{
	struct fscache_cache *cache, *candidate;

	down_read(&fscache_addremove_sem);
	cache = fscache_cache_find(name);
	up_read(&fscache_addremove_sem);
	if (cache || !create)
		return cache;

	candidate = kzalloc(sizeof(*candidate), GFP_KERNEL);
	if (!candidate)
		return ERR_PTR(-ENOMEM);
	candidate->name = kstrdup(name, GFP_KERNEL);
	if (!candidate->name) {
		kfree(candidate);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&candidate->ref, 1);
	INIT_LIST_HEAD(&candidate->cache_link);
	candidate->debug_id = atomic_inc_return(&fscache_cache_debug_id);
	candidate->state = FSCACHE_CACHE_IS_NOT_PRESENT;

	down_write(&fscache_addremove_sem);
	cache = fscache_cache_find(name);
	if (!cache) {
		list_add_tail(&candidate->cache_link, &fscache_caches);
		cache = candidate;
		candidate = NULL;
	}
	up_write(&fscache_addremove_sem);

	if (candidate) {
		trace_fscache_cache(cache->debug_id, refcount_read(&cache->ref), fscache_cache_collision);
		kfree(candidate->name);
		kfree(candidate);
	} else {
		trace_fscache_cache(cache->debug_id, 1, fscache_cache_new_acquire);
	}
	return cache;
}

/**
 * fscache_cache_get_default - Get the first active cache, for volumes that named none
 *
 * Return: the cache with a reference held, or NULL.
 */
struct fscache_cache *fscache_cache_get_default(void)
{
	struct fscache_cache *cache, *found = NULL;

	down_read(&fscache_addremove_sem);
	list_for_each_entry(cache, &fscache_caches, cache_link) {
		if (fscache_cache_is_live(cache) && refcount_inc_not_zero(&cache->ref)) {
			found = cache;
			break;
		}
	}
	up_read(&fscache_addremove_sem);
	if (found)
		trace_fscache_cache(found->debug_id, refcount_read(&found->ref), fscache_cache_get_acquire);
	return found;
}

/**
 * fscache_cache_put - Drop a reference on a cache record
 * @cache: The cache
 * @where: Why (tracing)
 *
 * Must be called in process context: the last reference unlinks the record.
 */
void fscache_cache_put(struct fscache_cache *cache, enum fscache_cache_trace where)
{
	unsigned int debug_id = cache->debug_id;
	bool zero;
	int ref;

	might_sleep();
	zero = __refcount_dec_and_test(&cache->ref, &ref);
	trace_fscache_cache(debug_id, ref - 1, where);
	if (!zero)
		return;

	down_write(&fscache_addremove_sem);
	list_del(&cache->cache_link);
	up_write(&fscache_addremove_sem);
	kfree(cache->name);
	kfree(cache);
}

/**
 * fscache_cache_begin_access - Pin a live cache for an operation
 * @cache: The cache
 * @why: Why (tracing)
 *
 * Return: true if the cache is live and now pinned; fscache_cache_end_access() unpins it.  Withdrawal
 * waits for every pin to go.
 */
bool fscache_cache_begin_access(struct fscache_cache *cache, enum fscache_access_trace why)
{
	int n;

	if (!fscache_cache_is_live(cache))
		return false;

	/* Pairs with the barrier between the state change and the wait in fscache_withdraw_cache(). */
	n = atomic_inc_return(&cache->n_accesses);
	trace_fscache_access_cache(cache->debug_id, refcount_read(&cache->ref), n, why);
	if (!fscache_cache_is_live(cache)) {
		fscache_cache_end_access(cache, fscache_access_unlive);
		return false;
	}
	return true;
}

void fscache_cache_end_access(struct fscache_cache *cache, enum fscache_access_trace why)
{
	unsigned int debug_id = cache->debug_id;
	int ref = refcount_read(&cache->ref), n;

	n = atomic_dec_return(&cache->n_accesses);
	trace_fscache_access_cache(debug_id, ref, n, why);
	if (n == 0)
		wake_up_var(&cache->n_accesses);
}

/**
 * fscache_acquire_cache - Reserve a cache name for a backend to bind
 * @name: The name of the cache
 *
 * Return: the cache in the PREPARING state, ERR_PTR(-EBUSY) if a backend already holds the name, or
 * another ERR_PTR.
 */
struct fscache_cache *fscache_acquire_cache(const char *name)
{
	struct fscache_cache *cache;

	if (!name || !*name)
		return ERR_PTR(-EINVAL);

	cache = fscache_cache_lookup(name, true);
	if (IS_ERR(cache))
		return cache;

	down_write(&fscache_addremove_sem);
	if (cache->state != FSCACHE_CACHE_IS_NOT_PRESENT) {
		up_write(&fscache_addremove_sem);
		fscache_cache_put(cache, fscache_cache_put_cache);
		return ERR_PTR(-EBUSY);
	}
	fscache_cache_set_state(cache, FSCACHE_CACHE_IS_PREPARING);
	up_write(&fscache_addremove_sem);
	return cache;
}
EXPORT_SYMBOL(fscache_acquire_cache);

/**
 * fscache_add_cache - Make a reserved cache available to volumes
 * @cache: The cache, from fscache_acquire_cache()
 * @ops: The backend's operations
 * @cache_priv: The backend's private data
 *
 * Volumes that asked for this cache, or for any cache, start using it at their next lookup: files
 * already open start caching at their next read, without a remount or a reopen.
 *
 * Return: 0, or -EINVAL if the cache was not reserved.
 */
int fscache_add_cache(struct fscache_cache *cache, const struct fscache_cache_ops *ops,
		      void *cache_priv)
{
	if (WARN_ON_ONCE(!cache || !ops))
		return -EINVAL;

	down_write(&fscache_addremove_sem);
	if (WARN_ON_ONCE(cache->state != FSCACHE_CACHE_IS_PREPARING)) {
		up_write(&fscache_addremove_sem);
		return -EINVAL;
	}
	cache->ops = ops;
	cache->cache_priv = cache_priv;
	fscache_cache_set_state(cache, FSCACHE_CACHE_IS_ACTIVE);
	up_write(&fscache_addremove_sem);

	pr_info("cache \"%s\" added (%s)\n", cache->name, ops->name);
	return 0;
}
EXPORT_SYMBOL(fscache_add_cache);

/**
 * fscache_withdraw_cache - Stop new accesses to a cache and wait for the current ones
 * @cache: The cache
 *
 * The backend then withdraws its objects (fscache_withdraw_cookie()), waits for them
 * (fscache_wait_for_objects()), withdraws its volumes (fscache_withdraw_volume()) and finally calls
 * fscache_relinquish_cache().
 */
void fscache_withdraw_cache(struct fscache_cache *cache)
{
	down_write(&fscache_addremove_sem);
	fscache_cache_set_state(cache, FSCACHE_CACHE_IS_WITHDRAWN);
	up_write(&fscache_addremove_sem);

	pr_info("withdrawing cache \"%s\"\n", cache->name);
	/* Order the state change before reading the count; pairs with fscache_cache_begin_access(). */
	smp_mb();
	wait_var_event(&cache->n_accesses, atomic_read(&cache->n_accesses) == 0);
}
EXPORT_SYMBOL(fscache_withdraw_cache);

/**
 * fscache_relinquish_cache - Release a backend's hold on a cache name
 * @cache: The cache, from fscache_acquire_cache()
 *
 * Called after a failed preparation or at the end of withdrawal.  The name can then be bound again.
 */
void fscache_relinquish_cache(struct fscache_cache *cache)
{
	enum fscache_cache_trace where = cache->state == FSCACHE_CACHE_IS_PREPARING ?
		fscache_cache_put_prep_failed : fscache_cache_put_relinquish;

	down_write(&fscache_addremove_sem);
	cache->ops = NULL;
	cache->cache_priv = NULL;
	fscache_cache_set_state(cache, FSCACHE_CACHE_IS_NOT_PRESENT);
	up_write(&fscache_addremove_sem);

	fscache_cache_put(cache, where);
}
EXPORT_SYMBOL(fscache_relinquish_cache);

/**
 * fscache_io_error - Stop new I/O on a cache that hit an I/O error
 * @cache: The cache
 *
 * The backend withdraws the cache separately.  May be called from any context.
 */
void fscache_io_error(struct fscache_cache *cache)
{
	if (cmpxchg(&cache->state, FSCACHE_CACHE_IS_ACTIVE, FSCACHE_CACHE_GOT_IOERROR) ==
	    FSCACHE_CACHE_IS_ACTIVE) {
		atomic_dec(&fscache_n_active_caches);
		pr_err_ratelimited("cache \"%s\" stopped after an I/O error\n", cache->name);
	}
}
EXPORT_SYMBOL(fscache_io_error);
