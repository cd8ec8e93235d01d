// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: cookies, the core's handle on one netfs file's cache object.
 *
 * Skeleton: no volume exists, so no cookie is ever created; the netfs API wrappers in
 * <linux/fscache.h> do not call in with a NULL cookie, and the backend calls below can only be reached
 * with a cookie the core never handed out.
 */
#include "internal.h"

/**
 * __fscache_acquire_cookie - Acquire a cookie for a netfs file
 * @volume: The volume the file belongs to
 * @advice: FSCACHE_ADV_* flags
 * @index_key: The file's key within the volume
 * @index_key_len: The length of @index_key
 * @aux_data: Coherency data for the file, or NULL
 * @aux_data_len: The length of @aux_data
 * @object_size: The file's current size
 *
 * Return: the cookie, or NULL if caching is refused.
 */
struct fscache_cookie *__fscache_acquire_cookie(struct fscache_volume *volume, u8 advice,
						const void *index_key, size_t index_key_len,
						const void *aux_data, size_t aux_data_len,
						loff_t object_size)
{
	return NULL;
}
EXPORT_SYMBOL(__fscache_acquire_cookie);

/**
 * __fscache_use_cookie - Start using a cookie (the netfs file was opened)
 * @cookie: The cookie
 * @will_modify: True if the file may be written to
 */
void __fscache_use_cookie(struct fscache_cookie *cookie, bool will_modify)
{
}
EXPORT_SYMBOL(__fscache_use_cookie);

/**
 * __fscache_unuse_cookie - Stop using a cookie (the netfs file was closed)
 * @cookie: The cookie
 * @aux_data: Updated coherency data, or NULL
 * @object_size: Updated file size, or NULL
 */
void __fscache_unuse_cookie(struct fscache_cookie *cookie, const void *aux_data,
			    const loff_t *object_size)
{
}
EXPORT_SYMBOL(__fscache_unuse_cookie);

/**
 * __fscache_relinquish_cookie - Release a cookie the netfs has finished with
 * @cookie: The cookie
 * @retire: True to discard the cached object too
 */
void __fscache_relinquish_cookie(struct fscache_cookie *cookie, bool retire)
{
}
EXPORT_SYMBOL(__fscache_relinquish_cookie);

/**
 * __fscache_resize_cookie - Note a change in the netfs file's size
 * @cookie: The cookie
 * @new_size: The new size
 */
void __fscache_resize_cookie(struct fscache_cookie *cookie, loff_t new_size)
{
}
EXPORT_SYMBOL(__fscache_resize_cookie);

/**
 * __fscache_invalidate - Discard what the cache holds for a file
 * @cookie: The cookie
 * @aux_data: The new coherency data, or NULL
 * @new_size: The new size of the file
 * @flags: FSCACHE_INVAL_* flags
 */
void __fscache_invalidate(struct fscache_cookie *cookie, const void *aux_data, loff_t new_size,
			  unsigned int flags)
{
}
EXPORT_SYMBOL(__fscache_invalidate);

/**
 * fscache_get_cookie - Take a reference on a cookie
 * @cookie: The cookie
 * @where: Why (tracing)
 *
 * Return: @cookie.
 */
struct fscache_cookie *fscache_get_cookie(struct fscache_cookie *cookie,
					  enum fscache_cookie_trace where)
{
	return cookie;
}
EXPORT_SYMBOL(fscache_get_cookie);

/**
 * fscache_put_cookie - Drop a reference on a cookie
 * @cookie: The cookie
 * @where: Why (tracing)
 */
void fscache_put_cookie(struct fscache_cookie *cookie, enum fscache_cookie_trace where)
{
}
EXPORT_SYMBOL(fscache_put_cookie);

/**
 * fscache_end_cookie_access - End an access to a cookie's cache object
 * @cookie: The cookie
 * @why: Why (tracing)
 */
void fscache_end_cookie_access(struct fscache_cookie *cookie, enum fscache_access_trace why)
{
}
EXPORT_SYMBOL(fscache_end_cookie_access);

/**
 * fscache_cookie_lookup_negative - The backend found no object: reads will find nothing
 * @cookie: The cookie
 */
void fscache_cookie_lookup_negative(struct fscache_cookie *cookie)
{
}
EXPORT_SYMBOL(fscache_cookie_lookup_negative);

/**
 * fscache_resume_after_invalidation - The backend finished invalidating an object
 * @cookie: The cookie
 */
void fscache_resume_after_invalidation(struct fscache_cookie *cookie)
{
}
EXPORT_SYMBOL(fscache_resume_after_invalidation);

/**
 * fscache_caching_failed - The backend cannot cache this object any more
 * @cookie: The cookie
 */
void fscache_caching_failed(struct fscache_cookie *cookie)
{
}
EXPORT_SYMBOL(fscache_caching_failed);

/**
 * fscache_withdraw_cookie - Detach a cookie from a cache being withdrawn
 * @cookie: The cookie
 */
void fscache_withdraw_cookie(struct fscache_cookie *cookie)
{
}
EXPORT_SYMBOL(fscache_withdraw_cookie);
