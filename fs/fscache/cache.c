// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the registry of caches that backends bind.
 *
 * Skeleton: binding is refused, so backends cannot attach and nothing is ever cached.
 */
#include "internal.h"

/*
 * Held for writing while a cache is added or withdrawn and for reading by cookie teardown, so that
 * relinquishment and withdrawal never run at the same time.
 */
DECLARE_RWSEM(fscache_addremove_sem);
EXPORT_SYMBOL(fscache_addremove_sem);

/* Woken when a cache's object count reaches zero (fscache_uncount_object()). */
DECLARE_WAIT_QUEUE_HEAD(fscache_clearance_waiters);
EXPORT_SYMBOL(fscache_clearance_waiters);

/**
 * fscache_acquire_cache - Reserve a cache name for a backend to bind
 * @name: The name of the cache
 *
 * Return: the cache on success or an ERR_PTR; the skeleton has no caches: -EOPNOTSUPP.
 */
struct fscache_cache *fscache_acquire_cache(const char *name)
{
	pr_warn_ratelimited("binding cache '%s' refused: this fscache core cannot cache yet\n", name);
	return ERR_PTR(-EOPNOTSUPP);
}
EXPORT_SYMBOL(fscache_acquire_cache);

/**
 * fscache_relinquish_cache - Release a cache reservation
 * @cache: The cache, as returned by fscache_acquire_cache()
 */
void fscache_relinquish_cache(struct fscache_cache *cache)
{
}
EXPORT_SYMBOL(fscache_relinquish_cache);

/**
 * fscache_add_cache - Make a reserved cache available to volumes
 * @cache: The cache
 * @ops: The backend's operations
 * @cache_priv: The backend's private data
 *
 * Return: 0 or -errno.
 */
int fscache_add_cache(struct fscache_cache *cache, const struct fscache_cache_ops *ops,
		      void *cache_priv)
{
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL(fscache_add_cache);

/**
 * fscache_withdraw_cache - Stop a cache being used
 * @cache: The cache
 */
void fscache_withdraw_cache(struct fscache_cache *cache)
{
}
EXPORT_SYMBOL(fscache_withdraw_cache);

/**
 * fscache_io_error - Note that a cache hit an I/O error
 * @cache: The cache
 */
void fscache_io_error(struct fscache_cache *cache)
{
}
EXPORT_SYMBOL(fscache_io_error);
