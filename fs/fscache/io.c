// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the I/O API, "read cache to iter" and "write iter to cache" (seed point 3).
 *
 * The core only attaches the backend to a netfs_cache_resources; the data moves through the backend's
 * netfs_cache_ops.  The netfs marks each folio it hands to the cache with PG_fscache (folio private_2)
 * while the cache write is in flight (seed point 6); the mark is dropped, and its waiters woken, when
 * the write ends, whether the data reached the cache or not.
 */
#include "internal.h"

#include <linux/bvec.h>
#include <linux/pagemap.h>
#include <linux/uio.h>
#include <linux/writeback.h>

/* States in which the object is being replaced or looked up: I/O waits for them to pass. */
static bool fscache_state_is_transient(enum fscache_cookie_state state)
{
	return state == FSCACHE_COOKIE_STATE_LOOKING_UP ||
	       state == FSCACHE_COOKIE_STATE_INVALIDATING ||
	       state == FSCACHE_COOKIE_STATE_LRU_DISCARDING;
}

/*
 * Wait, holding no access, for @cookie to leave @state.  Return: false on a fatal signal.
 */
static bool fscache_cookie_wait_state(struct fscache_cookie *cookie, enum fscache_cookie_state state)
{
	trace_fscache_access(cookie->debug_id, refcount_read(&cookie->ref),
			     atomic_read(&cookie->n_accesses), fscache_access_io_wait);
	return wait_var_event_killable(&cookie->state, fscache_cookie_state(cookie) != state) == 0;
}

/**
 * fscache_begin_operation - Attach the backend to cache resources for an operation
 * @cres: The resources, filled in
 * @cookie: The cookie, in use
 * @want: What the operation needs of the object
 * @why: Why (tracing)
 *
 * On success the operation holds an access on the cookie, given back by the backend's end_operation.
 * A cookie in use without an object, while a cache is live, asks for a lookup: that is how files opened
 * before a cache was bound start caching.
 *
 * Return: 0, or -ENOBUFS if the cache cannot serve the operation (the netfs goes to the server).
 */
int fscache_begin_operation(struct netfs_cache_resources *cres, struct fscache_cookie *cookie,
			    enum fscache_want_state want, enum fscache_access_trace why)
{
	enum fscache_cookie_state state;

	cres->ops = NULL;
	cres->cache_priv = NULL;
	cres->cache_priv2 = NULL;
	cres->debug_id = cookie->debug_id;
	cres->inval_counter = cookie->inval_counter;

	for (;;) {
		state = fscache_cookie_state(cookie);
		if (fscache_state_is_transient(state) ||
		    (state == FSCACHE_COOKIE_STATE_CREATING && want != FSCACHE_WANT_PARAMS)) {
			if (!fscache_cookie_wait_state(cookie, state))
				return -ENOBUFS;
			continue;
		}
		if (state == FSCACHE_COOKIE_STATE_QUIESCENT) {
			bool wanted = false;

			/*
			 * A file opened before the cache was bound: look it up, and wait.  After a failed
			 * lookup only the next open tries again, not every read.
			 */
			if (atomic_read(&fscache_n_active_caches) > 0 &&
			    atomic_read(&cookie->n_active) > 0 &&
			    !test_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags)) {
				spin_lock(&cookie->lock);
				wanted = fscache_cookie_want_lookup(cookie);
				spin_unlock(&cookie->lock);
			}
			if (!wanted)
				return -ENOBUFS;
			fscache_cookie_kick(cookie, false);
			continue;
		}
		if (state != FSCACHE_COOKIE_STATE_ACTIVE && state != FSCACHE_COOKIE_STATE_CREATING)
			return -ENOBUFS;
		if (fscache_cookie_begin_access(cookie, why))
			break;
		/* Refused: look again only if the state moved, else the cache cannot serve us. */
		if (fscache_cookie_state(cookie) == state)
			return -ENOBUFS;
	}

	cres->cache_priv = cookie;
	cres->inval_counter = cookie->inval_counter;
	if (!cookie->volume->cache->ops->begin_operation(cres, want)) {
		cres->ops = NULL;
		cres->cache_priv = NULL;
		fscache_end_cookie_access(cookie, fscache_access_io_not_live);
		return -ENOBUFS;
	}
	return 0;
}

/**
 * __fscache_begin_read_operation - Attach cache resources for a netfs read
 * @cres: The netfs request's cache resources, filled in on success
 * @cookie: The cookie of the file being read
 *
 * Return: 0 if the cache is attached, -ENOBUFS if the netfs must read from the server.
 */
int __fscache_begin_read_operation(struct netfs_cache_resources *cres,
				   struct fscache_cookie *cookie)
{
	return fscache_begin_operation(cres, cookie, FSCACHE_WANT_PARAMS, fscache_access_io_read);
}
EXPORT_SYMBOL(__fscache_begin_read_operation);

/**
 * __fscache_begin_write_operation - Attach cache resources for a write to the cache
 * @cres: The cache resources, filled in on success
 * @cookie: The cookie of the file being written
 *
 * Return: 0 if the cache is attached, -ENOBUFS if it will not take the data.
 */
int __fscache_begin_write_operation(struct netfs_cache_resources *cres,
				    struct fscache_cookie *cookie)
{
	return fscache_begin_operation(cres, cookie, FSCACHE_WANT_PARAMS, fscache_access_io_write);
}
EXPORT_SYMBOL(__fscache_begin_write_operation);

/**
 * __fscache_resize_cookie - Note a local truncation of the netfs file
 * @cookie: The cookie, in use
 * @new_size: The new size
 *
 * The backend resizes its object synchronously if it has one.
 */
void __fscache_resize_cookie(struct fscache_cookie *cookie, loff_t new_size)
{
	struct netfs_cache_resources cres;

	trace_fscache_resize(cookie, new_size);
	fscache_stat(&fscache_n_resizes);
	if (fscache_begin_operation(&cres, cookie, FSCACHE_WANT_WRITE, fscache_access_io_resize) < 0) {
		fscache_stat(&fscache_n_resizes_null);
		spin_lock(&cookie->lock);
		cookie->object_size = new_size;
		set_bit(FSCACHE_COOKIE_NEEDS_UPDATE, &cookie->flags);
		spin_unlock(&cookie->lock);
		return;
	}
	cookie->volume->cache->ops->resize_cookie(&cres, new_size);
	fscache_end_operation(&cres);
}
EXPORT_SYMBOL(__fscache_resize_cookie);

/**
 * fscache_wait_for_operation - Wait until an operation's object can serve it
 * @cres: The cache resources of the operation, which holds an access
 * @want_state: What the operation needs of the object
 *
 * Called by the backend before data I/O: the object may still be being created or replaced.  An
 * operation begun while the object was being created got no backing resources then; once the object
 * is ready they are attached here, through the backend's begin_operation again.
 *
 * Return: true if the operation may go ahead.
 */
bool fscache_wait_for_operation(struct netfs_cache_resources *cres,
				enum fscache_want_state want_state)
{
	struct fscache_cookie *cookie = fscache_cres_cookie(cres);
	enum fscache_cookie_state state;
	bool usable;

	if (!cookie)
		return false;
	while (fscache_cache_is_live(cookie->volume->cache)) {
		state = fscache_cookie_state(cookie);
		usable = state == FSCACHE_COOKIE_STATE_ACTIVE ||
			 (state == FSCACHE_COOKIE_STATE_CREATING && want_state == FSCACHE_WANT_PARAMS);
		if (usable)
			return cres->cache_priv2 ||
			       cookie->volume->cache->ops->begin_operation(cres, want_state);
		/* Creation, lookup and replacement do not wait for accesses: waiting with one is safe. */
		if (state != FSCACHE_COOKIE_STATE_CREATING && state != FSCACHE_COOKIE_STATE_LOOKING_UP &&
		    state != FSCACHE_COOKIE_STATE_INVALIDATING)
			return false;
		if (!fscache_cookie_wait_state(cookie, state))
			return false;
	}
	return false;
}
EXPORT_SYMBOL(fscache_wait_for_operation);

/**
 * fscache_folios_end_caching - Drop the PG_fscache mark from a range of folios
 * @mapping: The netfs file's mapping
 * @start: The first byte of the range
 * @len: The length of the range
 *
 * Every folio of the range must hold the mark, which also holds a reference on the folio; the folios are
 * still in @mapping, so walking it under RCU finds each of them.  Any context.
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

/* A write of netfs folios into the cache, in flight. */
struct fscache_write_request {
	struct netfs_cache_resources	cres;
	struct address_space		*mapping;
	loff_t				start;		/* The range the netfs marked */
	size_t				len;
	netfs_io_terminated_t		term_func;
	void				*term_func_priv;
};

/* Completion of a cache write; any context. */
static void fscache_write_request_done(void *priv, ssize_t transferred_or_error, bool was_async)
{
	struct fscache_write_request *wreq = priv;

	fscache_folios_end_caching(wreq->mapping, wreq->start, wreq->len);
	if (wreq->term_func)
		wreq->term_func(wreq->term_func_priv, transferred_or_error, was_async);
	fscache_end_operation(&wreq->cres);
	kfree(wreq);
}

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
 * Always asynchronous.  The marks are dropped before @term_func is called.
 */
void __fscache_write_to_cache(struct fscache_cookie *cookie, struct address_space *mapping,
			      loff_t start, size_t len, loff_t i_size,
			      netfs_io_terminated_t term_func, void *term_func_priv, bool caching)
{
	struct fscache_write_request *wreq;
	struct iov_iter iter;
	loff_t wstart = start;
	size_t wlen = len;
	int ret = -ENOBUFS;

	if (!caching || !len)
		goto abandon;

	wreq = kmalloc(sizeof(*wreq), GFP_NOFS);
	if (!wreq) {
		ret = -ENOMEM;
		goto abandon;
	}
	*wreq = (struct fscache_write_request) {
		.term_func	= term_func,
		.term_func_priv	= term_func_priv,
		.mapping	= mapping,
		.start		= start,
		.len		= len,
	};

	ret = fscache_begin_operation(&wreq->cres, cookie, FSCACHE_WANT_WRITE, fscache_access_io_write);
	if (ret < 0)
		goto abandon_free;

	/* The backend may widen the range to its DIO alignment; the marks stay on the netfs's range. */
	ret = wreq->cres.ops->prepare_write(&wreq->cres, &wstart, &wlen, i_size, false);
	if (ret < 0)
		goto abandon_end;

	iov_iter_xarray(&iter, WRITE, &mapping->i_pages, wstart, wlen);
	wreq->cres.ops->write(&wreq->cres, wstart, &iter, fscache_write_request_done, wreq);
	return;

abandon_end:
	fscache_end_operation(&wreq->cres);
abandon_free:
	kfree(wreq);
abandon:
	if (caching)
		fscache_folios_end_caching(mapping, start, len);
	if (term_func)
		term_func(term_func_priv, ret, false);
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
 * fscache_unpin_writeback() or fscache_clear_inode_writeback().  The caller already has the cookie in
 * use, so this only counts; it may be called in atomic context.
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

	if (pin) {
		int n = atomic_inc_return(&cookie->n_active);

		trace_fscache_active(cookie->debug_id, refcount_read(&cookie->ref), n,
				     atomic_read(&cookie->n_accesses), fscache_active_use_modify);
	}
	return true;
}
EXPORT_SYMBOL(fscache_dirty_folio);
