// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: volumes, the per-superblock (or per-server) groups of cookies.
 *
 * Skeleton: no cache is ever bound, so no volume is ever created and every call below that takes a
 * volume can only be reached with one the core never handed out.
 */
#include "internal.h"

/**
 * __fscache_acquire_volume - Register a volume as desiring caching services
 * @volume_key: The volume's identifier, a printable string
 * @cache_name: The name of the cache to use, or NULL for the default one
 * @coherency_data: Coherency data to check against what the cache holds, or NULL
 * @coherency_len: The length of @coherency_data
 *
 * Return: the volume, NULL if caching is refused, or an ERR_PTR.
 */
struct fscache_volume *__fscache_acquire_volume(const char *volume_key, const char *cache_name,
						const void *coherency_data, size_t coherency_len)
{
	return NULL;
}
EXPORT_SYMBOL(__fscache_acquire_volume);

/**
 * __fscache_relinquish_volume - Stop caching a volume
 * @volume: The volume
 * @coherency_data: Coherency data to store, or NULL
 * @invalidate: True to discard what the cache holds for the volume
 */
void __fscache_relinquish_volume(struct fscache_volume *volume, const void *coherency_data,
				 bool invalidate)
{
}
EXPORT_SYMBOL(__fscache_relinquish_volume);

/**
 * fscache_try_get_volume - Take a reference on a volume unless it is dying
 * @volume: The volume
 * @where: Why the reference is taken (tracing)
 *
 * Return: @volume, or NULL if its refcount had reached zero.
 */
struct fscache_volume *fscache_try_get_volume(struct fscache_volume *volume,
					      enum fscache_volume_trace where)
{
	return NULL;
}
EXPORT_SYMBOL(fscache_try_get_volume);

/**
 * fscache_put_volume - Drop a reference on a volume
 * @volume: The volume
 * @where: Why the reference is dropped (tracing)
 */
void fscache_put_volume(struct fscache_volume *volume, enum fscache_volume_trace where)
{
}
EXPORT_SYMBOL(fscache_put_volume);

/**
 * fscache_end_volume_access - End an access to a volume's cache
 * @volume: The volume
 * @cookie: The cookie on whose behalf the access was made, if any (tracing)
 * @why: Why the access ends (tracing)
 */
void fscache_end_volume_access(struct fscache_volume *volume, struct fscache_cookie *cookie,
			       enum fscache_access_trace why)
{
}
EXPORT_SYMBOL(fscache_end_volume_access);

/**
 * fscache_withdraw_volume - Wait for a volume's accesses to end during cache withdrawal
 * @volume: The volume
 */
void fscache_withdraw_volume(struct fscache_volume *volume)
{
}
EXPORT_SYMBOL(fscache_withdraw_volume);
