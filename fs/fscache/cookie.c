// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: cookies, the core's handle on one netfs file's cache object.
 *
 * Everything that attaches or detaches the backend's object runs as one procedure, start to end, never
 * as a state machine (seed point 2): lookup, invalidation, LRU discard, withdrawal and relinquishment.
 * Callers do not run them directly; they set a FSCACHE_COOKIE_DO_* request bit and kick the cookie.
 * The kicker that wins FSCACHE_COOKIE_RUNNING owns the cookie's procedures until no request is left:
 * it hands the cookie to an idle dispatcher thread if there is one, runs the procedures itself if it
 * may sleep, or queues the cookie's work item otherwise.  So the procedures of one cookie never run
 * concurrently, a request is never lost (the owner looks again after dropping RUNNING), and a request
 * is served once (test_and_clear_bit).
 *
 * Lookup is lazy: a cookie in use with no object asks for one when it is used and, if a cache was
 * bound since, at its next read.  Hence caching starts for mounts and open files that predate the
 * cache, without any enablement step.
 */
#include "internal.h"

#include <linux/hash.h>
#include <linux/list_bl.h>
#include <linux/module.h>

struct kmem_cache *fscache_cookie_jar;
LIST_HEAD(fscache_cookies);
DEFINE_RWLOCK(fscache_cookies_lock);

struct hlist_bl_head fscache_cookie_hash[1 << FSCACHE_COOKIE_HASH_BITS];
/* Bumped each time a cookie is hashed or unhashed: a netlink dump walking the hash watches it. */
atomic_t fscache_cookies_gen = ATOMIC_INIT(1);
/* Bumped each time a cookie is unhashed; a lookup waiting for its predecessor watches it. */
static atomic_t fscache_cookies_unhashed;
static atomic_t fscache_cookie_debug_id;

static struct hlist_bl_head *fscache_cookie_bucket(u32 key_hash)
{
	return &fscache_cookie_hash[hash_32(key_hash, FSCACHE_COOKIE_HASH_BITS)];
}

/**
 * fscache_cookie_set_state - Move a cookie to a new state and wake its waiters
 * @cookie: The cookie, whose lock is held
 * @state: The new state
 *
 * Paired with fscache_cookie_state(): what was written before is visible to who reads the new state.
 */
void fscache_cookie_set_state(struct fscache_cookie *cookie, enum fscache_cookie_state state)
{
	lockdep_assert_held(&cookie->lock);
	smp_store_release(&cookie->state, state);
	wake_up_var(&cookie->state);
}

static void fscache_cookie_change_state(struct fscache_cookie *cookie, enum fscache_cookie_state state)
{
	spin_lock(&cookie->lock);
	fscache_cookie_set_state(cookie, state);
	spin_unlock(&cookie->lock);
}

/* Every change of a cookie's refcount goes through here, traced with the count it leaves. */
static bool fscache_cookie_ref_adjust(struct fscache_cookie *cookie, int delta,
				      enum fscache_cookie_trace where)
{
	unsigned int debug_id = cookie->debug_id;
	bool zero = false;
	int before;

	if (delta > 0)
		__refcount_inc(&cookie->ref, &before);
	else
		zero = __refcount_dec_and_test(&cookie->ref, &before);
	trace_fscache_cookie(debug_id, before + delta, where);
	return zero;
}

struct fscache_cookie *fscache_get_cookie(struct fscache_cookie *cookie,
					  enum fscache_cookie_trace where)
{
	fscache_cookie_ref_adjust(cookie, 1, where);
	return cookie;
}
EXPORT_SYMBOL(fscache_get_cookie);

/* Free out-of-line key and aux buffers; NULL pointers (a failed allocation) are fine. */
static void fscache_cookie_free_keys(struct fscache_cookie *cookie)
{
	if (cookie->key_len > sizeof(cookie->inline_key))
		kfree(cookie->key);
	if (cookie->aux_len > sizeof(cookie->inline_aux))
		kfree(cookie->aux);
}

static void fscache_cookie_free(struct fscache_cookie *cookie)
{
	fscache_cookie_free_keys(cookie);
	fscache_put_volume(cookie->volume, fscache_volume_put_cookie);
	fscache_stat_d(&fscache_n_cookies);
	kmem_cache_free(fscache_cookie_jar, cookie);
}

/**
 * fscache_put_cookie - Drop a reference on a cookie
 * @cookie: The cookie
 * @where: Why (tracing)
 *
 * Any context: by the last reference the cookie is unhashed and unlisted already.
 */
void fscache_put_cookie(struct fscache_cookie *cookie, enum fscache_cookie_trace where)
{
	if (fscache_cookie_ref_adjust(cookie, -1, where))
		fscache_cookie_free(cookie);
}
EXPORT_SYMBOL(fscache_put_cookie);

/* Could a cache serve this cookie now? */
static bool fscache_cookie_may_cache(const struct fscache_cookie *cookie)
{
	const struct fscache_cache *cache = smp_load_acquire(&cookie->volume->cache);

	if (test_bit(FSCACHE_COOKIE_DISABLED, &cookie->flags))
		return false;
	return cache ? fscache_cache_is_live(cache) : atomic_read(&fscache_n_active_caches) > 0;
}

/**
 * fscache_cookie_begin_access - Pin a cookie's object for an operation
 * @cookie: The cookie
 * @why: Why (tracing)
 *
 * Return: true if the object is usable (ACTIVE or CREATING) and now pinned; procedures that detach the
 * object change the state first, then wait for the pins to go.
 */
bool fscache_cookie_begin_access(struct fscache_cookie *cookie, enum fscache_access_trace why)
{
	enum fscache_cookie_state state;
	int n;

	/* Fully ordered: pairs with the state change then wait in fscache_cookie_detach(). */
	n = atomic_inc_return(&cookie->n_accesses);
	trace_fscache_access(cookie->debug_id, refcount_read(&cookie->ref), n, why);
	state = fscache_cookie_state(cookie);
	if ((state == FSCACHE_COOKIE_STATE_ACTIVE || state == FSCACHE_COOKIE_STATE_CREATING) &&
	    fscache_cookie_may_cache(cookie))
		return true;
	fscache_end_cookie_access(cookie, fscache_access_unlive);
	return false;
}

/**
 * fscache_end_cookie_access - End an access to a cookie's cache object
 * @cookie: The cookie
 * @why: Why (tracing)
 *
 * Any context.  The cookie may be freed as soon as the count drops.
 */
void fscache_end_cookie_access(struct fscache_cookie *cookie, enum fscache_access_trace why)
{
	unsigned int debug_id = cookie->debug_id;
	int ref = refcount_read(&cookie->ref), n;

	n = atomic_dec_return(&cookie->n_accesses);
	trace_fscache_access(debug_id, ref, n, why);
	if (n == 0)
		wake_up_var(&cookie->n_accesses);
}
EXPORT_SYMBOL(fscache_end_cookie_access);

/*
 * The procedure runner.  The caller owns FSCACHE_COOKIE_RUNNING and a reference, both given up here.
 */
void fscache_cookie_run(struct fscache_cookie *cookie)
{
	do {
		fscache_cookie_do_procedures(cookie);
		clear_bit_unlock(FSCACHE_COOKIE_RUNNING, &cookie->flags);
		/* Order the release before looking for requests made meanwhile; pairs with the kick. */
		smp_mb__after_atomic();
	} while ((READ_ONCE(cookie->flags) & FSCACHE_COOKIE_DO_MASK) &&
		 !test_and_set_bit(FSCACHE_COOKIE_RUNNING, &cookie->flags));

	fscache_put_cookie(cookie, fscache_cookie_put_work);
}

static void fscache_cookie_work(struct work_struct *work)
{
	fscache_cookie_run(container_of(work, struct fscache_cookie, work));
}

void fscache_cookie_kick(struct fscache_cookie *cookie, bool may_run_here)
{
	/* Fully ordered after the request bit was set: the current owner, if any, will see it. */
	if (test_and_set_bit(FSCACHE_COOKIE_RUNNING, &cookie->flags))
		return;

	fscache_get_cookie(cookie, fscache_cookie_get_use_work);
	if (fscache_dispatch_handoff(cookie)) {
		fscache_stat(&fscache_n_dispatch_handoff);
	} else if (may_run_here) {
		might_sleep();
		trace_fscache_dispatch(cookie->debug_id, READ_ONCE(cookie->flags), fscache_dispatch_in_caller);
		fscache_stat(&fscache_n_dispatch_inline);
		fscache_cookie_run(cookie);
	} else {
		trace_fscache_dispatch(cookie->debug_id, READ_ONCE(cookie->flags), fscache_dispatch_to_wq);
		fscache_stat(&fscache_n_dispatch_queued);
		queue_work(fscache_wq, &cookie->work);
	}
}

/**
 * fscache_cookie_request - Ask for one of a cookie's procedures to be run
 * @cookie: The cookie
 * @do_bit: The FSCACHE_COOKIE_DO_* bit
 * @may_run_here: The caller may sleep and has no lock a procedure could need
 */
void fscache_cookie_request(struct fscache_cookie *cookie, unsigned int do_bit, bool may_run_here)
{
	set_bit(do_bit, &cookie->flags);
	fscache_cookie_kick(cookie, may_run_here);
}

/**
 * fscache_cookie_want_lookup - Ask for the object of a cookie in use to be looked up
 * @cookie: The cookie, whose lock is held
 *
 * The cookie goes to LOOKING_UP at once, before the lookup runs, so that I/O issued meanwhile waits for
 * the lookup instead of going past a cookie that still looks uncached.  The caller kicks the cookie.
 *
 * Return: true if a lookup was asked for.
 */
bool fscache_cookie_want_lookup(struct fscache_cookie *cookie)
{
	lockdep_assert_held(&cookie->lock);

	if (fscache_cookie_state(cookie) != FSCACHE_COOKIE_STATE_QUIESCENT ||
	    test_bit(FSCACHE_COOKIE_RELINQUISHED, &cookie->flags) || !fscache_cookie_may_cache(cookie))
		return false;
	fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_LOOKING_UP);
	set_bit(FSCACHE_COOKIE_DO_LOOKUP, &cookie->flags);
	return true;
}

/* A lookup that was asked for will not happen: let waiting I/O go to the server. */
static void fscache_cookie_lookup_abandon(struct fscache_cookie *cookie)
{
	spin_lock(&cookie->lock);
	if (fscache_cookie_state(cookie) == FSCACHE_COOKIE_STATE_LOOKING_UP)
		fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_QUIESCENT);
	spin_unlock(&cookie->lock);
}

/*
 * Wait until no older cookie with our key is still hashed: it is being torn down, and the backend must
 * be done with its object before we look ours up.
 */
static void fscache_cookie_wait_for_predecessor(struct fscache_cookie *cookie)
{
	struct hlist_bl_head *h = fscache_cookie_bucket(cookie->key_hash);
	const void *key = fscache_get_key(cookie);
	struct fscache_cookie *other;
	struct hlist_bl_node *p;
	bool found;
	int unhashed;

	for (;;) {
		unhashed = atomic_read(&fscache_cookies_unhashed);
		found = false;
		hlist_bl_lock(h);
		hlist_bl_for_each_entry(other, p, h, hash_link) {
			if (other != cookie && other->volume == cookie->volume &&
			    other->key_hash == cookie->key_hash && other->key_len == cookie->key_len &&
			    memcmp(fscache_get_key(other), key, cookie->key_len) == 0) {
				found = true;
				break;
			}
		}
		hlist_bl_unlock(h);
		if (!found)
			return;
		trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref),
				     fscache_cookie_collision);
		wait_var_event(&fscache_cookies_unhashed,
			       atomic_read(&fscache_cookies_unhashed) != unhashed);
	}
}

/* Lookup procedure: attach the backend's object to a cookie in use, which is LOOKING_UP. */
static void fscache_cookie_lookup(struct fscache_cookie *cookie)
{
	struct fscache_volume *volume = cookie->volume;
	struct fscache_cache *cache;
	bool ok;

	if (fscache_cookie_state(cookie) != FSCACHE_COOKIE_STATE_LOOKING_UP)
		return;
	if (test_bit(FSCACHE_COOKIE_RELINQUISHED, &cookie->flags) ||
	    test_bit(FSCACHE_COOKIE_DISABLED, &cookie->flags) ||
	    atomic_read(&cookie->n_active) == 0)
		goto abandon;

	cache = fscache_volume_attach(volume);
	if (!cache || !fscache_cache_begin_access(cache, fscache_access_lookup_cookie))
		goto abandon;
	if (!fscache_volume_set_up(volume) ||
	    !fscache_volume_begin_access(volume, cookie, fscache_access_lookup_cookie)) {
		fscache_cache_end_access(cache, fscache_access_lookup_cookie_end);
		goto abandon;
	}

	fscache_cookie_wait_for_predecessor(cookie);
	set_bit(FSCACHE_COOKIE_HAS_BEEN_CACHED, &cookie->flags);
	fscache_stat(&fscache_n_lookups);
	ok = cache->ops->lookup_cookie(cookie);

	spin_lock(&cookie->lock);
	if (ok) {
		set_bit(FSCACHE_COOKIE_IS_CACHING, &cookie->flags);
		/* An invalidation that came during the lookup runs before any I/O may start. */
		fscache_cookie_set_state(cookie, test_bit(FSCACHE_COOKIE_DO_INVALIDATE, &cookie->flags) ?
					 FSCACHE_COOKIE_STATE_INVALIDATING :
					 FSCACHE_COOKIE_STATE_ACTIVE);
	} else {
		fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_FAILED);
	}
	spin_unlock(&cookie->lock);

	trace_fscache_lookup(cookie->debug_id, volume->debug_id,
			     ok ? fscache_lookup_ok : fscache_lookup_failed);
	fscache_end_volume_access(volume, cookie, ok ? fscache_access_lookup_cookie_end :
				  fscache_access_lookup_cookie_end_failed);
	if (ok) {
		clear_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags);
		if (test_bit(FSCACHE_COOKIE_LOCAL_WRITE, &cookie->flags))
			cache->ops->prepare_to_write(cookie);
	} else {
		/*
		 * The backend API: a failed lookup is followed by ->withdraw_cookie().  Then the
		 * cookie is uncached again; its next use tries again, as in 6.1, but not its reads.
		 */
		fscache_stat(&fscache_n_lookups_failed);
		trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref),
				     fscache_cookie_failed);
		if (test_and_clear_bit(FSCACHE_COOKIE_HAS_BEEN_CACHED, &cookie->flags))
			cache->ops->withdraw_cookie(cookie);
		set_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags);
		fscache_cookie_change_state(cookie, FSCACHE_COOKIE_STATE_QUIESCENT);
	}
	fscache_cache_end_access(cache, fscache_access_lookup_cookie_end);
	return;

abandon:
	trace_fscache_lookup(cookie->debug_id, volume->debug_id, fscache_lookup_abandoned);
	fscache_cookie_lookup_abandon(cookie);
}

/*
 * Detach procedure, shared by withdrawal, LRU discard and relinquishment: refuse new accesses, wait for
 * the current ones, let the backend drop (or, if retired, delete) its object.
 */
static void fscache_cookie_detach(struct fscache_cookie *cookie,
				  enum fscache_cookie_state transit, enum fscache_cookie_state final)
{
	struct fscache_cache *cache = cookie->volume->cache;

	if (!test_bit(FSCACHE_COOKIE_HAS_BEEN_CACHED, &cookie->flags)) {
		fscache_cookie_change_state(cookie, final);
		return;
	}

	fscache_cookie_change_state(cookie, transit);
	wait_var_event(&cookie->n_accesses, atomic_read(&cookie->n_accesses) == 0);

	down_read(&fscache_addremove_sem);
	if (test_and_clear_bit(FSCACHE_COOKIE_HAS_BEEN_CACHED, &cookie->flags) &&
	    !WARN_ON_ONCE(!cache || !cache->ops))
		cache->ops->withdraw_cookie(cookie);
	up_read(&fscache_addremove_sem);

	clear_bit(FSCACHE_COOKIE_IS_CACHING, &cookie->flags);
	fscache_cookie_change_state(cookie, final);
}

/*
 * Detach an object whose content no longer matches the cookie's coherency data, and have the backend
 * delete it rather than commit the new coherency data over the old content.
 */
static void fscache_cookie_discard_stale(struct fscache_cookie *cookie)
{
	bool retired = test_and_set_bit(FSCACHE_COOKIE_RETIRED, &cookie->flags);

	fscache_cookie_detach(cookie, FSCACHE_COOKIE_STATE_WITHDRAWING,
			      FSCACHE_COOKIE_STATE_QUIESCENT);
	/* No object is left to retire; a retiring relinquishment finds none either. */
	if (!retired)
		clear_bit(FSCACHE_COOKIE_RETIRED, &cookie->flags);
}

/* Invalidation procedure: the backend replaces the object's content; I/O waits meanwhile. */
static void fscache_cookie_invalidate(struct fscache_cookie *cookie)
{
	struct fscache_cache *cache = cookie->volume->cache;

	spin_lock(&cookie->lock);
	if (fscache_cookie_state(cookie) == FSCACHE_COOKIE_STATE_ACTIVE)
		fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_INVALIDATING);
	spin_unlock(&cookie->lock);
	if (fscache_cookie_state(cookie) != FSCACHE_COOKIE_STATE_INVALIDATING)
		return;

	if (!fscache_cache_begin_access(cache, fscache_access_invalidate_cookie)) {
		/* The cache is going or broken: the old content must not outlive it. */
		fscache_cookie_discard_stale(cookie);
		return;
	}
	if (!cache->ops->invalidate_cookie(cookie)) {
		/* The backend API: caching is withdrawn; the next use tries a fresh lookup. */
		fscache_caching_failed(cookie);
		fscache_cookie_discard_stale(cookie);
		set_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags);
	}
	fscache_cache_end_access(cache, fscache_access_invalidate_cookie_end);
}

static void fscache_cookie_prepare_to_write(struct fscache_cookie *cookie)
{
	struct fscache_cache *cache = cookie->volume->cache;

	if (fscache_cookie_state(cookie) != FSCACHE_COOKIE_STATE_ACTIVE ||
	    !fscache_cache_begin_access(cache, fscache_access_io_write))
		return;
	cache->ops->prepare_to_write(cookie);
	fscache_cache_end_access(cache, fscache_access_io_write);
}

/* Relinquishment procedure: the last one a cookie runs. */
static void fscache_cookie_relinquish(struct fscache_cookie *cookie)
{
	struct hlist_bl_head *h = fscache_cookie_bucket(cookie->key_hash);

	trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref),
			     fscache_cookie_see_relinquish);
	fscache_cookie_lru_remove(cookie);
	fscache_cookie_detach(cookie, FSCACHE_COOKIE_STATE_RELINQUISHING,
			      FSCACHE_COOKIE_STATE_DROPPED);

	hlist_bl_lock(h);
	hlist_bl_del_init(&cookie->hash_link);
	atomic_inc(&fscache_cookies_gen);
	hlist_bl_unlock(h);
	clear_bit(FSCACHE_COOKIE_IS_HASHED, &cookie->flags);
	atomic_inc(&fscache_cookies_unhashed);
	wake_up_var(&fscache_cookies_unhashed);

	write_lock(&fscache_cookies_lock);
	list_del_init(&cookie->proc_link);
	write_unlock(&fscache_cookies_lock);
	atomic_dec(&cookie->volume->n_cookies);
}

/**
 * fscache_cookie_do_procedures - Serve a cookie's pending requests, one procedure at a time
 * @cookie: The cookie, whose FSCACHE_COOKIE_RUNNING the caller owns
 */
void fscache_cookie_do_procedures(struct fscache_cookie *cookie)
{
	for (;;) {
		cond_resched();
		if (test_and_clear_bit(FSCACHE_COOKIE_DO_RELINQUISH, &cookie->flags)) {
			fscache_cookie_relinquish(cookie);
		} else if (test_and_clear_bit(FSCACHE_COOKIE_DO_WITHDRAW, &cookie->flags)) {
			trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref),
					     fscache_cookie_see_withdraw);
			/* An invalidation not yet served: the content is out of date, delete it. */
			if (test_and_clear_bit(FSCACHE_COOKIE_DO_INVALIDATE, &cookie->flags))
				fscache_cookie_discard_stale(cookie);
			else
				fscache_cookie_detach(cookie, FSCACHE_COOKIE_STATE_WITHDRAWING,
						      FSCACHE_COOKIE_STATE_QUIESCENT);
			/*
			 * A backend's early release (culling) of a cookie used again meanwhile: look it
			 * up again, as after an LRU discard (a withdrawn cache is not looked up in).
			 */
			spin_lock(&cookie->lock);
			if (atomic_read(&cookie->n_active) > 0 &&
			    !test_bit(FSCACHE_COOKIE_RELINQUISHED, &cookie->flags))
				fscache_cookie_want_lookup(cookie);
			spin_unlock(&cookie->lock);
		} else if (test_and_clear_bit(FSCACHE_COOKIE_DO_LRU_DISCARD, &cookie->flags)) {
			if (atomic_read(&cookie->n_active) > 0 ||
			    test_bit(FSCACHE_COOKIE_RELINQUISHED, &cookie->flags))
				continue;
			trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref),
					     fscache_cookie_see_lru_discard);
			fscache_cookie_detach(cookie, FSCACHE_COOKIE_STATE_LRU_DISCARDING,
					      FSCACHE_COOKIE_STATE_QUIESCENT);
			/* Used again meanwhile: look it up again. */
			spin_lock(&cookie->lock);
			if (atomic_read(&cookie->n_active) > 0)
				fscache_cookie_want_lookup(cookie);
			spin_unlock(&cookie->lock);
		} else if (test_and_clear_bit(FSCACHE_COOKIE_DO_LOOKUP, &cookie->flags)) {
			/* Before invalidation: one asked for meanwhile applies to the new object. */
			fscache_cookie_lookup(cookie);
		} else if (test_and_clear_bit(FSCACHE_COOKIE_DO_INVALIDATE, &cookie->flags)) {
			fscache_cookie_invalidate(cookie);
		} else if (test_and_clear_bit(FSCACHE_COOKIE_DO_PREP_TO_WRITE, &cookie->flags)) {
			fscache_cookie_prepare_to_write(cookie);
		} else {
			return;
		}
	}
}

/**
 * __fscache_acquire_cookie - Acquire a cookie for a netfs file
 * @volume: The volume the file belongs to
 * @advice: FSCACHE_ADV_* flags
 * @index_key: The file's key within the volume
 * @index_key_len: The length of @index_key (1 to 255)
 * @aux_data: Coherency data for the file, or NULL
 * @aux_data_len: The length of @aux_data (at most 255)
 * @object_size: The file's current size
 *
 * Nothing is looked up in the cache until the cookie is used.
 *
 * Return: the cookie, or NULL if caching is refused (bad arguments, no memory, a live duplicate).
 */
struct fscache_cookie *__fscache_acquire_cookie(struct fscache_volume *volume, u8 advice,
						const void *index_key, size_t index_key_len,
						const void *aux_data, size_t aux_data_len,
						loff_t object_size)
{
	struct fscache_cookie *cookie, *other;
	struct hlist_bl_head *h;
	struct hlist_bl_node *p;
	void *key;

	fscache_stat(&fscache_n_acquires);
	if (!index_key || !index_key_len || index_key_len > FSCACHE_COOKIE_KEY_MAX ||
	    aux_data_len > FSCACHE_COOKIE_AUX_MAX || (aux_data_len && !aux_data) ||
	    WARN_ON_ONCE(test_bit(FSCACHE_VOLUME_RELINQUISHED, &volume->flags)))
		return NULL;

	cookie = kmem_cache_zalloc(fscache_cookie_jar, GFP_KERNEL);
	if (!cookie)
		goto nomem;

	/* Keys are stored padded with zeros to a multiple of four (the backend API's format). */
	cookie->key_len = index_key_len;
	if (index_key_len > sizeof(cookie->inline_key)) {
		cookie->key = kzalloc(round_up(index_key_len, sizeof(u32)), GFP_KERNEL);
		if (!cookie->key)
			goto nomem_free;
	}
	key = fscache_get_key(cookie);
	memcpy(key, index_key, index_key_len);

	cookie->aux_len = aux_data_len;
	if (aux_data_len > sizeof(cookie->inline_aux)) {
		cookie->aux = kmalloc(aux_data_len, GFP_KERNEL);
		if (!cookie->aux)
			goto nomem_free;
	}
	if (aux_data_len)
		memcpy(fscache_get_aux(cookie), aux_data, aux_data_len);

	refcount_set(&cookie->ref, 1);
	spin_lock_init(&cookie->lock);
	INIT_LIST_HEAD(&cookie->proc_link);
	INIT_LIST_HEAD(&cookie->commit_link);
	INIT_WORK(&cookie->work, fscache_cookie_work);
	cookie->debug_id = atomic_inc_return(&fscache_cookie_debug_id);
	cookie->advice = advice;
	cookie->object_size = object_size;
	cookie->state = FSCACHE_COOKIE_STATE_QUIESCENT;
	cookie->key_hash = fscache_hash(volume->key_hash, key, round_up(index_key_len, sizeof(u32)));
	cookie->volume = fscache_volume_get(volume, fscache_volume_get_cookie);

	/* A live cookie with the same key is a netfs bug; refuse caching for the newcomer. */
	h = fscache_cookie_bucket(cookie->key_hash);
	hlist_bl_lock(h);
	hlist_bl_for_each_entry(other, p, h, hash_link) {
		if (other->volume == volume && other->key_hash == cookie->key_hash &&
		    other->key_len == cookie->key_len &&
		    memcmp(fscache_get_key(other), key, index_key_len) == 0 &&
		    !test_bit(FSCACHE_COOKIE_RELINQUISHED, &other->flags)) {
			hlist_bl_unlock(h);
			pr_warn_ratelimited("duplicate cookie in volume \"%s\": not caching it\n",
					    volume->key + 1);
			trace_fscache_cookie(other->debug_id, refcount_read(&other->ref),
					     fscache_cookie_collision);
			goto free_collided;
		}
	}
	hlist_bl_add_head(&cookie->hash_link, h);
	atomic_inc(&fscache_cookies_gen);
	set_bit(FSCACHE_COOKIE_IS_HASHED, &cookie->flags);
	hlist_bl_unlock(h);

	atomic_inc(&volume->n_cookies);
	write_lock(&fscache_cookies_lock);
	list_add_tail(&cookie->proc_link, &fscache_cookies);
	write_unlock(&fscache_cookies_lock);

	fscache_stat(&fscache_n_cookies);
	fscache_stat(&fscache_n_acquires_ok);
	trace_fscache_acquire(cookie);
	return cookie;

free_collided:
	fscache_put_volume(volume, fscache_volume_put_hash_collision);
	fscache_cookie_free_keys(cookie);
	kmem_cache_free(fscache_cookie_jar, cookie);
	return NULL;

nomem_free:
	fscache_cookie_free_keys(cookie);
	kmem_cache_free(fscache_cookie_jar, cookie);
nomem:
	fscache_stat(&fscache_n_acquires_oom);
	return NULL;
}
EXPORT_SYMBOL(__fscache_acquire_cookie);

/**
 * __fscache_use_cookie - Start using a cookie (the netfs file was opened)
 * @cookie: The cookie
 * @will_modify: True if the file may be written to
 *
 * Asks for the object to be looked up if a cache could serve it; the lookup runs in a dispatcher
 * thread if one is idle, otherwise here.
 */
void __fscache_use_cookie(struct fscache_cookie *cookie, bool will_modify)
{
	enum fscache_cookie_state state;
	bool kick = false;
	int n;

	spin_lock(&cookie->lock);
	n = atomic_inc_return(&cookie->n_active);
	trace_fscache_active(cookie->debug_id, refcount_read(&cookie->ref), n,
			     atomic_read(&cookie->n_accesses),
			     will_modify ? fscache_active_use_modify : fscache_active_use);

	state = fscache_cookie_state(cookie);
	if (will_modify && !test_and_set_bit(FSCACHE_COOKIE_LOCAL_WRITE, &cookie->flags) &&
	    state == FSCACHE_COOKIE_STATE_ACTIVE) {
		set_bit(FSCACHE_COOKIE_DO_PREP_TO_WRITE, &cookie->flags);
		kick = true;
	}
	/* An LRU discard in progress looks the object up again when it ends. */
	clear_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags);
	if (fscache_cookie_want_lookup(cookie))
		kick = true;
	/* Under ->lock, so that a racing last unuse cannot leave an unused cookie off the LRU. */
	if (n == 1)
		fscache_cookie_lru_remove(cookie);
	spin_unlock(&cookie->lock);

	if (kick)
		fscache_cookie_kick(cookie, true);
}
EXPORT_SYMBOL(__fscache_use_cookie);

/**
 * __fscache_unuse_cookie - Stop using a cookie (the netfs file was closed)
 * @cookie: The cookie
 * @aux_data: Updated coherency data, or NULL
 * @object_size: Updated file size, or NULL
 *
 * The updates are written back lazily, by the backend, when the object is detached.  Any context.
 */
void __fscache_unuse_cookie(struct fscache_cookie *cookie, const void *aux_data,
			    const loff_t *object_size)
{
	enum fscache_cookie_state state;

	if (aux_data || object_size) {
		spin_lock(&cookie->lock);
		fscache_update_aux(cookie, aux_data, object_size);
		set_bit(FSCACHE_COOKIE_NEEDS_UPDATE, &cookie->flags);
		spin_unlock(&cookie->lock);
	}

	if (!atomic_dec_and_lock(&cookie->n_active, &cookie->lock))
		return;
	trace_fscache_active(cookie->debug_id, refcount_read(&cookie->ref), 0,
			     atomic_read(&cookie->n_accesses), fscache_active_unuse);
	state = fscache_cookie_state(cookie);
	if (state == FSCACHE_COOKIE_STATE_ACTIVE || state == FSCACHE_COOKIE_STATE_CREATING ||
	    state == FSCACHE_COOKIE_STATE_LOOKING_UP || state == FSCACHE_COOKIE_STATE_INVALIDATING ||
	    state == FSCACHE_COOKIE_STATE_FAILED)
		fscache_cookie_lru_add(cookie);
	spin_unlock(&cookie->lock);
}
EXPORT_SYMBOL(__fscache_unuse_cookie);

/**
 * __fscache_relinquish_cookie - Release a cookie the netfs has finished with
 * @cookie: The cookie
 * @retire: True to delete the cached object too
 *
 * The teardown runs in a dispatcher thread if one is idle, otherwise here; the cookie stays hashed
 * until it ends, so that a new cookie for the same file waits for it before its own lookup.
 */
void __fscache_relinquish_cookie(struct fscache_cookie *cookie, bool retire)
{
	fscache_stat(&fscache_n_relinquishes);
	if (retire)
		fscache_stat(&fscache_n_relinquishes_retire);
	if (WARN_ON_ONCE(test_and_set_bit(FSCACHE_COOKIE_RELINQUISHED, &cookie->flags)))
		return;
	if (atomic_read(&cookie->n_active) > 0)
		pr_warn_ratelimited("cookie %08x relinquished while in use (%d)\n",
				    cookie->debug_id, atomic_read(&cookie->n_active));
	if (retire)
		set_bit(FSCACHE_COOKIE_RETIRED, &cookie->flags);
	trace_fscache_relinquish(cookie, retire);

	fscache_cookie_request(cookie, FSCACHE_COOKIE_DO_RELINQUISH, true);
	fscache_put_cookie(cookie, fscache_cookie_put_relinquish);
}
EXPORT_SYMBOL(__fscache_relinquish_cookie);

/**
 * __fscache_invalidate - Discard what the cache holds for a file
 * @cookie: The cookie
 * @aux_data: The new coherency data, or NULL
 * @new_size: The new size of the file
 * @flags: FSCACHE_INVAL_* flags; FSCACHE_INVAL_DIO_WRITE also stops caching the file
 *
 * Reads in progress fail with -ESTALE (the invalidation counter moves); new I/O waits until the backend
 * has replaced the object.  Any context.
 */
void __fscache_invalidate(struct fscache_cookie *cookie, const void *aux_data, loff_t new_size,
			  unsigned int flags)
{
	bool kick = false;

	fscache_stat(&fscache_n_invalidates);
	trace_fscache_invalidate(cookie, new_size);
	if (WARN_ON_ONCE(test_bit(FSCACHE_COOKIE_RELINQUISHED, &cookie->flags)))
		return;

	spin_lock(&cookie->lock);
	if (flags & FSCACHE_INVAL_DIO_WRITE)
		set_bit(FSCACHE_COOKIE_DISABLED, &cookie->flags);
	fscache_update_aux(cookie, aux_data, &new_size);
	cookie->inval_counter++;
	set_bit(FSCACHE_COOKIE_NO_DATA_TO_READ, &cookie->flags);
	switch (fscache_cookie_state(cookie)) {
	case FSCACHE_COOKIE_STATE_ACTIVE:
		fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_INVALIDATING);
		fallthrough;
	case FSCACHE_COOKIE_STATE_LOOKING_UP:
	case FSCACHE_COOKIE_STATE_CREATING:
	case FSCACHE_COOKIE_STATE_INVALIDATING:
		set_bit(FSCACHE_COOKIE_DO_INVALIDATE, &cookie->flags);
		kick = true;
		break;
	default:
		/* No object: the backend checks the new coherency data at the next lookup. */
		break;
	}
	spin_unlock(&cookie->lock);

	if (kick)
		fscache_cookie_kick(cookie, false);
}
EXPORT_SYMBOL(__fscache_invalidate);

/**
 * fscache_cookie_lookup_negative - The backend found no object and is creating one
 * @cookie: The cookie being looked up
 *
 * The netfs may go on: there is nothing to read from the cache.
 */
void fscache_cookie_lookup_negative(struct fscache_cookie *cookie)
{
	spin_lock(&cookie->lock);
	set_bit(FSCACHE_COOKIE_NO_DATA_TO_READ, &cookie->flags);
	fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_CREATING);
	spin_unlock(&cookie->lock);
}
EXPORT_SYMBOL(fscache_cookie_lookup_negative);

/**
 * fscache_resume_after_invalidation - The backend has replaced an object's content
 * @cookie: The cookie being invalidated
 */
void fscache_resume_after_invalidation(struct fscache_cookie *cookie)
{
	spin_lock(&cookie->lock);
	if (fscache_cookie_state(cookie) == FSCACHE_COOKIE_STATE_INVALIDATING)
		fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE);
	spin_unlock(&cookie->lock);
}
EXPORT_SYMBOL(fscache_resume_after_invalidation);

/**
 * fscache_caching_failed - The backend cannot cache this object any more
 * @cookie: The cookie
 *
 * New I/O is refused until the object is detached; process context.
 */
void fscache_caching_failed(struct fscache_cookie *cookie)
{
	spin_lock(&cookie->lock);
	switch (fscache_cookie_state(cookie)) {
	case FSCACHE_COOKIE_STATE_RELINQUISHING:
	case FSCACHE_COOKIE_STATE_DROPPED:
		break;
	default:
		fscache_cookie_set_state(cookie, FSCACHE_COOKIE_STATE_FAILED);
	}
	spin_unlock(&cookie->lock);
	trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref), fscache_cookie_failed);
}
EXPORT_SYMBOL(fscache_caching_failed);

/**
 * fscache_withdraw_cookie - Detach a cookie's object at the backend's request
 * @cookie: The cookie
 *
 * Used during cache withdrawal and culling.  Any context: the detach runs elsewhere.
 */
void fscache_withdraw_cookie(struct fscache_cookie *cookie)
{
	fscache_cookie_request(cookie, FSCACHE_COOKIE_DO_WITHDRAW, false);
}
EXPORT_SYMBOL(fscache_withdraw_cookie);

int __init fscache_cookie_init(void)
{
	unsigned int i;

	fscache_cookie_jar = kmem_cache_create("fscache_cookie_jar", sizeof(struct fscache_cookie),
					       0, 0, NULL);
	if (!fscache_cookie_jar)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(fscache_cookie_hash); i++)
		INIT_HLIST_BL_HEAD(&fscache_cookie_hash[i]);
	return 0;
}

/* After the dispatcher has stopped: no cookie is left, only teardown work still queued. */
void fscache_cookie_exit(void)
{
	fscache_cookie_lru_exit();
	drain_workqueue(fscache_wq);
	kmem_cache_destroy(fscache_cookie_jar);
}
