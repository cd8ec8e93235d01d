// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: data I/O between netfs folios and backing files.
 *
 * Reads and writes are asynchronous direct I/O through a kiocb straight from and into the netfs's own
 * folios: no page cache of the backing file, no copies, nothing pinned but what the netfs pinned.  The
 * content map says what may be read; reads from the server are shaped to whole granules
 * (CACHEFILES_GRANULE_SIZE) so that what comes back can be written whole, and only whole granules (or
 * the tail up to EOF) are written and marked.
 */
#include "internal.h"

#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/sched/mm.h>

/* One read or write of a backing file in flight. */
struct cachefiles_kiocb {
	struct kiocb			iocb;
	struct cachefiles_object	*object;
	struct file			*file;		/* a reference of our own */
	loff_t				start;
	size_t				len;
	bool				write;
	netfs_io_terminated_t		term_func;
	void				*term_func_priv;
};

/* kiocbs in flight: module exit waits for the last completion to have left our code. */
static atomic_t cachefiles_kiocbs = ATOMIC_INIT(0);

static void cachefiles_kiocb_end(struct cachefiles_kiocb *ki, long ret, bool was_async)
{
	if (ki->term_func)
		ki->term_func(ki->term_func_priv, ret, was_async);
	fput(ki->file);
	kfree(ki);
	if (atomic_dec_and_test(&cachefiles_kiocbs))
		wake_up_var(&cachefiles_kiocbs);
}

/**
 * cachefiles_io_drain - Wait until no I/O completion is running our code
 */
void cachefiles_io_drain(void)
{
	wait_var_event(&cachefiles_kiocbs, atomic_read(&cachefiles_kiocbs) == 0);
}

static bool cachefiles_file_current(struct cachefiles_object *object, struct file *file)
{
	return READ_ONCE(object->file) == file;
}

static void cachefiles_read_complete(struct kiocb *iocb, long ret)
{
	struct cachefiles_kiocb *ki = container_of(iocb, struct cachefiles_kiocb, iocb);
	struct cachefiles_object *object = ki->object;
	struct cachefiles_cache *cache = object->volume->cache;

	trace_cachefiles_iter_io_done(object->debug_id, cachefiles_trace_io_read, ki->start, ki->len, ret);
	if (ret < 0) {
		if (ret == -EIO)
			cachefiles_cache_io_error(cache, ret);
	} else {
		cachefiles_stat(cache, FSCACHE_A_STAT_READ_BYTES, ret);
		/* Invalidated underneath: what was read is stale. */
		if (!cachefiles_file_current(object, ki->file))
			ret = -ESTALE;
	}
	cachefiles_kiocb_end(ki, ret, true);
}

static void cachefiles_write_complete(struct kiocb *iocb, long ret)
{
	struct cachefiles_kiocb *ki = container_of(iocb, struct cachefiles_kiocb, iocb);
	struct cachefiles_object *object = ki->object;
	struct cachefiles_cache *cache = object->volume->cache;
	struct inode *inode = file_inode(ki->file);
	unsigned long flags;
	bool marked = false;

	__sb_writers_acquired(inode->i_sb, SB_FREEZE_WRITE);
	__sb_end_write(inode->i_sb, SB_FREEZE_WRITE);
	trace_cachefiles_iter_io_done(object->debug_id, cachefiles_trace_io_write, ki->start, ki->len, ret);

	if (ret < 0) {
		if (ret == -EIO)
			cachefiles_cache_io_error(cache, ret);
	} else {
		cachefiles_stat(cache, FSCACHE_A_STAT_WRITE_BYTES, ret);
		spin_lock_irqsave(&object->lock, flags);
		if (object->file == ki->file && ki->start < object->map.size) {
			cachefiles_map_set(&object->map, ki->start,
					   min_t(loff_t, ret, object->map.size - ki->start));
			marked = true;
		}
		spin_unlock_irqrestore(&object->lock, flags);
		if (marked) {
			trace_cachefiles_iter_map(object->debug_id, cachefiles_trace_map_mark, ki->start,
						  ret, object->map.nr_set);
			cachefiles_object_queue_checkpoint(object);
			/* Usage follows the blocks now, not at the checkpoint: the culler sees it. */
			cachefiles_cache_charge(object);
		}
	}
	cachefiles_kiocb_end(ki, ret, true);
}

static struct cachefiles_kiocb *cachefiles_kiocb_alloc(struct cachefiles_object *object,
						       struct file *file, loff_t start, size_t len,
						       netfs_io_terminated_t term_func, void *priv)
{
	struct cachefiles_kiocb *ki;

	ki = kzalloc(sizeof(*ki), GFP_KERNEL);
	if (!ki)
		return NULL;
	ki->iocb.ki_filp = file;
	ki->iocb.ki_pos = start;
	ki->iocb.ki_flags = IOCB_DIRECT;
	ki->iocb.ki_ioprio = get_current_ioprio();
	ki->object = object;
	ki->file = get_file(file);
	ki->start = start;
	ki->len = len;
	ki->term_func = term_func;
	ki->term_func_priv = priv;
	atomic_inc(&cachefiles_kiocbs);
	return ki;
}

/* What the submission returned: queued, or done at once (then complete it here). */
static void cachefiles_kiocb_submitted(struct cachefiles_kiocb *ki, ssize_t ret)
{
	if (ret == -EIOCBQUEUED)
		return;
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR || ret == -ERESTARTNOHAND ||
	    ret == -ERESTART_RESTARTBLOCK)
		ret = -EINTR;
	/* Done synchronously: the netfs must be told it was not async. */
	ki->iocb.ki_complete(&ki->iocb, ret);
}

static int cachefiles_read(struct netfs_cache_resources *cres, loff_t start_pos,
			   struct iov_iter *iter, enum netfs_read_from_hole read_hole,
			   netfs_io_terminated_t term_func, void *term_func_priv)
{
	struct cachefiles_object *object;
	struct cachefiles_kiocb *ki;
	size_t len = iov_iter_count(iter);
	unsigned int nofs, debug_id;
	struct file *file;
	ssize_t ret = -ENOBUFS;

	if (!fscache_wait_for_operation(cres, FSCACHE_WANT_READ))
		goto fail;
	object = cachefiles_cres_object(cres);
	file = cachefiles_cres_file(cres);
	if (!object || !file)
		goto fail;

	if (read_hole != NETFS_READ_HOLE_IGNORE) {
		bool present, past_eof;

		spin_lock_irq(&object->lock);
		present = object->file == file &&
			  cachefiles_map_test(&object->map, start_pos, len);
		past_eof = start_pos >= object->map.size;
		spin_unlock_irq(&object->lock);
		if (!present) {
			/* What the map does not hold is on the server, not zeroes: only past EOF is. */
			if (read_hole == NETFS_READ_HOLE_FAIL || !past_eof) {
				ret = -ENODATA;
				goto fail;
			}
			iov_iter_zero(len, iter);
			if (term_func)
				term_func(term_func_priv, len, false);
			return 0;
		}
	}

	ret = -ENOMEM;
	ki = cachefiles_kiocb_alloc(object, file, start_pos, len, term_func, term_func_priv);
	if (!ki)
		goto fail;
	ki->iocb.ki_complete = cachefiles_read_complete;
	fscache_count_read();

	debug_id = object->debug_id;	/* the object may be gone once the I/O is queued */
	nofs = memalloc_nofs_save();
	ret = call_read_iter(file, &ki->iocb, iter);
	memalloc_nofs_restore(nofs);
	trace_cachefiles_iter_io_submit(debug_id, cachefiles_trace_io_read, start_pos, len, ret);
	if (ret >= 0 && ret < len) {
		/* The backing file ends inside the last page of the object: the rest is zeroes. */
		iov_iter_zero(len - ret, iter);
		ret = len;
	}
	cachefiles_kiocb_submitted(ki, ret);
	return 0;

fail:
	if (term_func)
		term_func(term_func_priv, ret, false);
	return ret;
}

static int cachefiles_write(struct netfs_cache_resources *cres, loff_t start_pos,
			    struct iov_iter *iter, netfs_io_terminated_t term_func,
			    void *term_func_priv)
{
	struct cachefiles_object *object;
	struct cachefiles_kiocb *ki;
	size_t len = iov_iter_count(iter);
	loff_t end = start_pos + len, astart, aend, size;
	unsigned int nofs, debug_id;
	struct inode *inode;
	struct file *file;
	ssize_t ret = -ENOBUFS;

	if (!fscache_wait_for_operation(cres, FSCACHE_WANT_WRITE))
		goto fail;
	object = cachefiles_cres_object(cres);
	file = cachefiles_cres_file(cres);
	if (!object || !file || !cachefiles_file_current(object, file))
		goto fail;

	/* Only whole granules, or the tail up to EOF, are worth writing: the map marks nothing else. */
	spin_lock_irq(&object->lock);
	size = object->map.size;
	spin_unlock_irq(&object->lock);
	astart = round_up(start_pos, CACHEFILES_GRANULE_SIZE);
	aend = end >= size ? end : round_down(end, CACHEFILES_GRANULE_SIZE);
	if (astart >= aend || astart >= size)
		goto fail;
	if (astart > start_pos)
		iov_iter_advance(iter, astart - start_pos);
	iov_iter_truncate(iter, aend - astart);
	len = aend - astart;

	ret = -ENOMEM;
	ki = cachefiles_kiocb_alloc(object, file, astart, len, term_func, term_func_priv);
	if (!ki)
		goto fail;
	ki->write = true;
	ki->iocb.ki_flags |= IOCB_WRITE;
	ki->iocb.ki_complete = cachefiles_write_complete;
	fscache_count_write();

	inode = file_inode(file);
	sb_start_write(inode->i_sb);
	__sb_writers_release(inode->i_sb, SB_FREEZE_WRITE);

	debug_id = object->debug_id;	/* the object may be gone once the I/O is queued */
	nofs = memalloc_nofs_save();
	ret = call_write_iter(file, &ki->iocb, iter);
	memalloc_nofs_restore(nofs);
	trace_cachefiles_iter_io_submit(debug_id, cachefiles_trace_io_write, astart, len, ret);
	cachefiles_kiocb_submitted(ki, ret);
	return 0;

fail:
	if (term_func)
		term_func(term_func_priv, ret, false);
	return ret;
}

/*
 * A read of fewer bytes than this that the cache holds whole is not widened to granules.  The page
 * cache's readahead starts a sequential stream with a window of 16 KiB or more, so this catches the
 * random reads only: widening those would read up to 64 times their data from the cache.  Streams are
 * widened even when cached, so that their later windows stay aligned to granules (readahead cannot
 * widen a window over pages it has already allocated, and a download of part of a granule is not
 * cached).
 */
#define CACHEFILES_SMALL_READ		(4 * PAGE_SIZE)

/*
 * Make a readahead cover whole granules, so that what is downloaded can be cached whole; a small read
 * the cache holds is left as it is.
 */
static void cachefiles_expand_readahead(struct netfs_cache_resources *cres, loff_t *_start,
					size_t *_len, loff_t i_size)
{
	struct cachefiles_object *object = cachefiles_cres_object(cres);
	struct file *file = cachefiles_cres_file(cres);
	loff_t start = *_start, end = *_start + *_len;
	loff_t limit = round_up(i_size, PAGE_SIZE);
	bool cached = false;

	if (object && file && *_len < CACHEFILES_SMALL_READ) {
		spin_lock_irq(&object->lock);
		if (object->file == file)
			cached = cachefiles_map_present_run(&object->map, start) >= min(end, i_size) - start;
		spin_unlock_irq(&object->lock);
	}
	if (cached)
		return;

	start = round_down(start, CACHEFILES_GRANULE_SIZE);
	end = max(end, min(round_up(end, CACHEFILES_GRANULE_SIZE), limit));
	*_start = start;
	*_len = end - start;
}

static enum netfs_io_source cachefiles_prepare_read(struct netfs_io_subrequest *subreq,
						    loff_t i_size)
{
	struct netfs_cache_resources *cres = &subreq->rreq->cache_resources;
	struct fscache_cookie *cookie = fscache_cres_cookie(cres);
	struct cachefiles_object *object;
	struct cachefiles_cache *cache;
	loff_t present, absent;
	struct file *file;

	if (subreq->start >= i_size)
		return NETFS_FILL_WITH_ZEROES;
	if (!cookie || !fscache_wait_for_operation(cres, FSCACHE_WANT_READ))
		return NETFS_DOWNLOAD_FROM_SERVER;
	object = cachefiles_cres_object(cres);
	file = cachefiles_cres_file(cres);
	if (!object || !file)
		return NETFS_DOWNLOAD_FROM_SERVER;
	cache = object->volume->cache;

	spin_lock_irq(&object->lock);
	if (object->file != file) {
		present = 0;
		absent = subreq->len;
	} else {
		present = cachefiles_map_present_run(&object->map, subreq->start);
		absent = present ? 0 : cachefiles_map_absent_run(&object->map, subreq->start);
	}
	spin_unlock_irq(&object->lock);

	if (present > 0) {
		if (present < subreq->len) {
			subreq->len = round_up(present, PAGE_SIZE);
			cachefiles_stat(cache, FSCACHE_A_STAT_PARTIAL_HITS, 1);
		} else {
			cachefiles_stat(cache, FSCACHE_A_STAT_HITS, 1);
		}
		return NETFS_READ_FROM_CACHE;
	}

	cachefiles_stat(cache, FSCACHE_A_STAT_MISSES, 1);
	if (absent > 0 && absent < subreq->len)
		subreq->len = absent;
	__set_bit(NETFS_SREQ_COPY_TO_CACHE, &subreq->flags);
	return NETFS_DOWNLOAD_FROM_SERVER;
}

static int cachefiles_prepare_write(struct netfs_cache_resources *cres, loff_t *_start,
				    size_t *_len, loff_t i_size, bool no_space_allocated_yet)
{
	struct cachefiles_object *object;
	struct cachefiles_cache *cache;
	loff_t start = round_down(*_start, PAGE_SIZE), end = round_up(*_start + *_len, PAGE_SIZE);
	bool overwrite, grow;
	int ret;

	/*
	 * Direct I/O needs whole blocks: widen the write to the pages it touches (the netfs holds them
	 * all, and zeroed past EOF); never beyond them, the netfs unmarks by this range.
	 */
	*_start = start;
	*_len = end - start;
	if (!fscache_wait_for_operation(cres, FSCACHE_WANT_WRITE))
		return -ENOBUFS;
	object = cachefiles_cres_object(cres);
	if (!object || !cachefiles_cres_file(cres))
		return -ENOBUFS;
	cache = object->volume->cache;

	spin_lock_irq(&object->lock);
	/*
	 * The netfs merges a download with the cache reads next to it into one write: trim off a run
	 * the map holds at either end (it is whole granules, present already), so that a granule read
	 * from the cache is not made absent by a write that covers only part of it.
	 */
	if (start < object->map.size) {
		loff_t run = cachefiles_map_present_run(&object->map, start);

		/* A run that reaches the map's end may end unaligned (at the old EOF): keep it. */
		if (run > 0 && start + run < object->map.size)
			start = min(start + run, end);
		run = start < object->map.size ? cachefiles_map_absent_run(&object->map, start) : 0;
		if (run > 0 && start + run < min(end, object->map.size))
			end = start + run;
	}
	if (start >= end) {
		spin_unlock_irq(&object->lock);
		return -ENOBUFS;
	}
	*_start = start;
	*_len = end - start;
	grow = i_size > object->map.size;
	overwrite = start < object->map.size &&
		    start + cachefiles_map_absent_run(&object->map, start) <
		    min(end, object->map.size);
	spin_unlock_irq(&object->lock);

	if (grow || overwrite) {
		const struct cred *saved;

		if (cachefiles_begin_change(cache, &saved) < 0)
			return -ENOBUFS;
		mutex_lock(&object->meta_mutex);
		ret = overwrite ? cachefiles_meta_mark_unsafe(object) : 0;
		if (ret == 0 && grow && i_size > object->map.size)
			ret = cachefiles_object_set_size(object, i_size);
		spin_lock_irq(&object->lock);
		/*
		 * New data for granules the map has: they stop being present until this write has
		 * completed (and only if it covers them whole), so neither a read nor a checkpoint
		 * ever takes old, partly new or torn data for current.
		 */
		if (overwrite) {
			cachefiles_map_clear(&object->map, start,
					     min(end, object->map.size) - start);
			trace_cachefiles_iter_map(object->debug_id, cachefiles_trace_map_unmark, start,
						  end - start, object->map.nr_set);
		}
		spin_unlock_irq(&object->lock);
		mutex_unlock(&object->meta_mutex);
		cachefiles_end_change(cache, saved);
		if (ret < 0)
			return -ENOBUFS;
	}

	if (!cachefiles_cache_has_space(cache, round_up(end - start, cache->bsize)))
		return -ENOBUFS;
	return 0;
}

static int cachefiles_query_occupancy(struct netfs_cache_resources *cres, loff_t start, size_t len,
				      size_t granularity, loff_t *_data_start, size_t *_data_len)
{
	struct cachefiles_object *object;
	loff_t pos = start, end = start + len, run;

	*_data_start = -1;
	*_data_len = 0;
	if (!fscache_wait_for_operation(cres, FSCACHE_WANT_READ))
		return -ENOBUFS;
	object = cachefiles_cres_object(cres);
	if (!object)
		return -ENOBUFS;

	spin_lock_irq(&object->lock);
	while (pos < end) {
		run = cachefiles_map_present_run(&object->map, pos);
		if (run > 0) {
			*_data_start = pos;
			*_data_len = min(run, end - pos);
			break;
		}
		run = cachefiles_map_absent_run(&object->map, pos);
		if (run <= 0)
			break;
		pos += run;
	}
	spin_unlock_irq(&object->lock);
	if (*_data_start < 0)
		return -ENODATA;
	if (granularity > 1) {
		loff_t s = round_up(*_data_start, granularity);
		loff_t e = round_down(*_data_start + *_data_len, granularity);

		if (s >= e)
			return -ENODATA;
		*_data_start = s;
		*_data_len = e - s;
	}
	return 0;
}

static void cachefiles_end_operation(struct netfs_cache_resources *cres)
{
	struct file *file = cachefiles_cres_file(cres);

	if (file)
		fput(file);
	cres->cache_priv2 = NULL;
	fscache_end_cookie_access(fscache_cres_cookie(cres), fscache_access_io_end);
}

const struct netfs_cache_ops cachefiles_netfs_ops = {
	.end_operation		= cachefiles_end_operation,
	.read			= cachefiles_read,
	.write			= cachefiles_write,
	.expand_readahead	= cachefiles_expand_readahead,
	.prepare_read		= cachefiles_prepare_read,
	.prepare_write		= cachefiles_prepare_write,
	.query_occupancy	= cachefiles_query_occupancy,
};

/**
 * cachefiles_begin_operation - Attach an operation to its object's backing file (->begin_operation)
 * @cres: The operation's resources, with its cookie set
 * @want: What the operation needs
 *
 * Return: true if the operation can go on: with a backing file, or with none for FSCACHE_WANT_PARAMS
 * while the object is still being made (fscache_wait_for_operation() calls us again later).
 */
bool cachefiles_begin_operation(struct netfs_cache_resources *cres, enum fscache_want_state want)
{
	struct cachefiles_object *object = cachefiles_cres_object(cres);
	unsigned long now = jiffies;

	if (!cres->cache_priv2) {
		cres->ops = &cachefiles_netfs_ops;
		if (object) {
			spin_lock_irq(&object->lock);
			if (object->file)
				cres->cache_priv2 = get_file(object->file);
			spin_unlock_irq(&object->lock);
			/*
			 * The culling policy counts accesses at lookup; a file read again while its
			 * cookie stays in use is seen here, as I/O resuming after a pause.
			 */
			if (time_after(now, xchg(&object->last_io, now) + CACHEFILES_REUSE_PAUSE))
				atomic_inc(&object->reuses);
		}
	}
	return cres->cache_priv2 || want == FSCACHE_WANT_PARAMS;
}
