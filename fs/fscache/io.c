// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the I/O API, "read cache to iter" and "write iter to cache" (seed point 3).
 *
 * The netfs marks each folio it hands to the cache with PG_fscache (folio private_2) for as long as the
 * cache write is in flight; the mark is dropped, and its waiters woken, when the write ends, whether the
 * data reached the cache or not.
 */
#include "internal.h"

#include <linux/pagemap.h>
#include <linux/writeback.h>

/**
 * __fscache_begin_read_operation - Attach cache resources for a netfs read
 * @cres: The netfs request's cache resources, filled in on success
 * @cookie: The cookie of the file being read
 *
 * Return: 0 if the cache can serve the request, -ENOBUFS if it cannot (read from the server).
 */
int __fscache_begin_read_operation(struct netfs_cache_resources *cres,
				   struct fscache_cookie *cookie)
{
	return -ENOBUFS;
}
EXPORT_SYMBOL(__fscache_begin_read_operation);

/**
 * __fscache_begin_write_operation - Attach cache resources for a write to the cache
 * @cres: The cache resources, filled in on success
 * @cookie: The cookie of the file being written
 *
 * Return: 0 if the cache will take the data, -ENOBUFS if it will not.
 */
int __fscache_begin_write_operation(struct netfs_cache_resources *cres,
				    struct fscache_cookie *cookie)
{
	return -ENOBUFS;
}
EXPORT_SYMBOL(__fscache_begin_write_operation);

/**
 * fscache_folios_end_caching - Drop the PG_fscache mark from a range of folios
 * @mapping: The netfs file's mapping
 * @start: The first byte of the range
 * @len: The length of the range
 *
 * Every folio of the range must hold the mark, which also holds a reference on the folio; the folios are
 * still in @mapping, so walking it under RCU finds each of them.
 */
void fscache_folios_end_caching(struct address_space *mapping, loff_t start, size_t len)
{
	pgoff_t last = (start + len - 1) >> PAGE_SHIFT;
	XA_STATE(xas, &mapping->i_pages, start >> PAGE_SHIFT);
	struct folio *folio;

	if (!len)
		return;

	rcu_read_lock();
	xas_for_each(&xas, folio, last) {
		if (xas_retry(&xas, folio))
			continue;
		folio_end_fscache(folio);
		if (need_resched()) {
			xas_pause(&xas);
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
}

/**
 * __fscache_clear_page_bits - Drop PG_fscache from folios whose cache write was abandoned
 * @mapping: The netfs file's mapping
 * @start: The first byte of the range
 * @len: The length of the range
 */
void __fscache_clear_page_bits(struct address_space *mapping, loff_t start, size_t len)
{
	fscache_folios_end_caching(mapping, start, len);
}
EXPORT_SYMBOL(__fscache_clear_page_bits);

/**
 * __fscache_write_to_cache - Copy a range of a netfs file's folios into the cache
 * @cookie: The cookie of the file
 * @mapping: The file's mapping, source of the data
 * @start: The first byte of the range
 * @len: The length of the range
 * @i_size: The file's size
 * @term_func: Called when the write ends, or NULL
 * @term_func_priv: The argument for @term_func
 * @caching: True if the folios of the range carry PG_fscache
 *
 * The marks are dropped before @term_func is called.
 */
void __fscache_write_to_cache(struct fscache_cookie *cookie, struct address_space *mapping,
			      loff_t start, size_t len, loff_t i_size,
			      netfs_io_terminated_t term_func, void *term_func_priv, bool caching)
{
	if (caching)
		fscache_folios_end_caching(mapping, start, len);
	if (term_func)
		term_func(term_func_priv, -ENOBUFS, false);
}
EXPORT_SYMBOL(__fscache_write_to_cache);

/**
 * fscache_dirty_folio - Mark a folio dirty and pin the cookie for writeback
 * @mapping: The folio's mapping
 * @folio: The folio being dirtied
 * @cookie: The cookie of the file, or NULL
 *
 * The first dirtying of an inode takes a use of the cookie so that the cache object stays open until
 * writeback has copied the data to the cache; the netfs drops that use again through
 * fscache_unpin_writeback() or fscache_clear_inode_writeback().
 *
 * Return: true if the folio was newly dirtied.
 */
bool fscache_dirty_folio(struct address_space *mapping, struct folio *folio,
			 struct fscache_cookie *cookie)
{
	struct inode *inode = mapping->host;
	bool pin;

	if (!filemap_dirty_folio(mapping, folio))
		return false;
	if (!cookie || (inode->i_state & I_PINNING_FSCACHE_WB))
		return true;

	spin_lock(&inode->i_lock);
	pin = !(inode->i_state & I_PINNING_FSCACHE_WB);
	inode->i_state |= I_PINNING_FSCACHE_WB;
	spin_unlock(&inode->i_lock);

	if (pin)
		__fscache_use_cookie(cookie, true);
	return true;
}
EXPORT_SYMBOL(fscache_dirty_folio);

/**
 * fscache_wait_for_operation - Wait until a cookie's object can take an operation
 * @cres: The cache resources of the operation
 * @want_state: The state the operation needs
 *
 * Return: true if the operation may go ahead.
 */
bool fscache_wait_for_operation(struct netfs_cache_resources *cres,
				enum fscache_want_state want_state)
{
	return false;
}
EXPORT_SYMBOL(fscache_wait_for_operation);
