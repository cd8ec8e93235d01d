/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: internal definitions of the fscache core.
 *
 * The core sits between network filesystems, which see include/linux/fscache.h, and cache backends,
 * which see include/linux/fscache-cache.h.  Both headers are the 6.1 ABI and are used unchanged, so the
 * three objects below are laid out by them; their rules are written here instead.
 *
 * struct fscache_cache: one per cache name, created by whichever of a backend or a volume names it first.
 *	cache_link	on fscache_caches, under fscache_addremove_sem
 *	ref		one per volume attached, one for the backend between acquire and relinquish
 *	state		written under fscache_addremove_sem held for writing, read with
 *			smp_load_acquire() (fscache_cache_state_read())
 *	ops, cache_priv	set by fscache_add_cache(), cleared by fscache_relinquish_cache(), both under
 *			fscache_addremove_sem for writing; read only inside a cache access
 *	n_accesses	accesses in progress (fscache_cache_begin_access()); withdrawal waits for zero
 *	n_volumes	volumes attached to the cache
 *	object_count	the backend's objects (fscache_count_object()), waited on at withdrawal
 *
 * struct fscache_volume: one per acquired volume key.
 *	proc_link	on fscache_volumes, under fscache_volumes_lock; a volume stays listed (and so
 *			collides with a new acquisition of its key) until it is freed; listing and
 *			unlisting bump fscache_volumes_gen, under the same lock
 *	ref		the netfs's (acquire to relinquish), one per cookie, one per queued work
 *	cache		the cache the volume uses: set once, under fscache_volumes_lock, at acquisition
 *			for a named cache or at the first lookup otherwise; never changes afterwards
 *	cache_priv	the backend's, between ->acquire_volume() and withdrawal or ->free_volume()
 *	n_accesses	accesses in progress; the backend holds one "cache pin" while it has the volume
 *			set up, dropped by fscache_withdraw_volume()
 *	flags		FSCACHE_VOLUME_*; FSCACHE_VOLUME_CREATING serialises ->acquire_volume()
 *
 * struct fscache_cookie: one per netfs file that asked for caching.
 *	hash_link	in fscache_cookie_hash, under the bucket's bit lock; a relinquished cookie stays
 *			hashed until its teardown ends, and a new cookie with its key waits for that
 *			before its lookup (never at acquisition); hashing and unhashing bump
 *			fscache_cookies_gen, under the bucket's lock; a hashed cookie is not freed, so
 *			who holds the bucket's lock may read it without a reference
 *	proc_link	on fscache_cookies, under fscache_cookies_lock
 *	commit_link	on fscache_cookie_lru while unused with an object, under fscache_cookie_lru_lock;
 *			added and removed by use and unuse with ->lock held too
 *	ref		the netfs's (acquire to relinquish), the LRU's, the dispatcher's while a
 *			procedure is pending or running, and the backend's
 *	n_active	uses (open files, pinned writeback); the LRU only takes unused cookies
 *	n_accesses	cache accesses in progress (I/O, lookup); procedures that detach the backend's
 *			object wait for zero with the state already refusing new accesses
 *	state		FSCACHE_COOKIE_STATE_*: written with fscache_cookie_set_state() under ->lock,
 *			read with fscache_cookie_state(); only the cookie's procedure runner moves it
 *			away from LOOKING_UP, CREATING, INVALIDATING, WITHDRAWING and LRU_DISCARDING
 *	flags		FSCACHE_COOKIE_* bits; FSCACHE_COOKIE_DO_* and the core-private bits below are
 *			requests to the cookie's procedure runner
 *	aux, object_size	under ->lock, written back by the backend lazily
 *
 * Lock order (outermost first):
 *	fscache_addremove_sem > fscache_volumes_lock > cookie->lock > fscache_cookie_lru_lock,
 *	cookie hash bucket bit locks, fscache_cookies_lock, fscache_dispatch_lock
 * Nothing sleeps under a spinlock or bit lock; procedures run with no spinlock held.
 */
#ifndef _FS_FSCACHE_INTERNAL_H
#define _FS_FSCACHE_INTERNAL_H

#undef pr_fmt
#define pr_fmt(fmt) "fscache: " fmt

#include <linux/fscache-cache.h>
#include <linux/netfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <trace/events/fscache.h>
#include <trace/events/fscache_iter.h>

/*
 * Core-private cookie flag bits, above the 6.1 ones (which end at bit 15).  The backend never sees them.
 */
#define FSCACHE_COOKIE_RUNNING		16	/* A procedure runner owns the cookie */
#define FSCACHE_COOKIE_DO_LOOKUP	17	/* Look the object up in the cache */
#define FSCACHE_COOKIE_ON_LRU		18	/* On fscache_cookie_lru (holds a ref) */
#define FSCACHE_COOKIE_LOOKUP_FAILED	19	/* The last lookup failed: retry at the next use only */

/* The requests a cookie's procedure runner serves, highest priority first. */
#define FSCACHE_COOKIE_DO_MASK						\
	(BIT(FSCACHE_COOKIE_DO_RELINQUISH) | BIT(FSCACHE_COOKIE_DO_WITHDRAW) |	\
	 BIT(FSCACHE_COOKIE_DO_LRU_DISCARD) | BIT(FSCACHE_COOKIE_DO_LOOKUP) |		\
	 BIT(FSCACHE_COOKIE_DO_INVALIDATE) | BIT(FSCACHE_COOKIE_DO_PREP_TO_WRITE))

/* Core-private volume flag bits, above the 6.1 ones (which end at bit 4). */
#define FSCACHE_VOLUME_CREATED		8	/* ->acquire_volume() done for the current binding */
#define FSCACHE_VOLUME_WITHDRAWN	9	/* The cache withdrew the volume; set up again on rebind */

/* Sizes and limits of the 6.1 API. */
#define FSCACHE_VOLUME_KEY_MAX		254	/* volume->key[0] holds the length */
#define FSCACHE_COOKIE_KEY_MAX		255	/* cookie->key_len is a u8 */
#define FSCACHE_COOKIE_AUX_MAX		255	/* cookie->aux_len is a u8 */

/* cache.c */
extern struct list_head fscache_caches;
extern atomic_t fscache_n_active_caches;
struct fscache_cache *fscache_cache_lookup(const char *name, bool create);
struct fscache_cache *fscache_cache_get_default(void);
void fscache_cache_put(struct fscache_cache *cache, enum fscache_cache_trace where);
bool fscache_cache_begin_access(struct fscache_cache *cache, enum fscache_access_trace why);
void fscache_cache_end_access(struct fscache_cache *cache, enum fscache_access_trace why);

static inline enum fscache_cache_state fscache_cache_state_read(const struct fscache_cache *cache)
{
	return smp_load_acquire(&cache->state);
}

static inline bool fscache_cache_is_live(const struct fscache_cache *cache)
{
	return cache && fscache_cache_state_read(cache) == FSCACHE_CACHE_IS_ACTIVE;
}

/* cookie.c */
#define FSCACHE_COOKIE_HASH_BITS	15
extern struct kmem_cache *fscache_cookie_jar;
extern struct hlist_bl_head fscache_cookie_hash[1 << FSCACHE_COOKIE_HASH_BITS];
extern atomic_t fscache_cookies_gen;
extern struct list_head fscache_cookies;
extern rwlock_t fscache_cookies_lock;
int fscache_cookie_init(void);
void fscache_cookie_exit(void);
void fscache_cookie_set_state(struct fscache_cookie *cookie, enum fscache_cookie_state state);
bool fscache_cookie_begin_access(struct fscache_cookie *cookie, enum fscache_access_trace why);
void fscache_cookie_do_procedures(struct fscache_cookie *cookie);
void fscache_cookie_run(struct fscache_cookie *cookie);
void fscache_cookie_request(struct fscache_cookie *cookie, unsigned int do_bit, bool may_run_here);
void fscache_cookie_kick(struct fscache_cookie *cookie, bool may_run_here);
bool fscache_cookie_want_lookup(struct fscache_cookie *cookie);

/* lru.c */
extern unsigned int fscache_lru_timeout_secs;
void fscache_cookie_lru_add(struct fscache_cookie *cookie);
void fscache_cookie_lru_remove(struct fscache_cookie *cookie);
void fscache_cookie_lru_exit(void);

/* dispatch.c */
#define FSCACHE_DISPATCH_THREADS_MAX	64
extern unsigned int fscache_dispatch_threads;
int fscache_dispatch_init(void);
void fscache_dispatch_exit(void);
bool fscache_dispatch_handoff(struct fscache_cookie *cookie);

/* io.c */
void fscache_folios_end_caching(struct address_space *mapping, loff_t start, size_t len);
int fscache_begin_operation(struct netfs_cache_resources *cres, struct fscache_cookie *cookie,
			    enum fscache_want_state want, enum fscache_access_trace why);

/* netlink.c */
u8 fscache_nl_cookie_state(enum fscache_cookie_state state);
u32 fscache_nl_cookie_flags(unsigned long flags);

/* proc.c */
#ifdef CONFIG_PROC_FS
int __init fscache_proc_init(void);
void fscache_proc_exit(void);
#else
static inline int fscache_proc_init(void) { return 0; }
static inline void fscache_proc_exit(void) { }
#endif

/* stats.c */
#ifdef CONFIG_FSCACHE_STATS
extern atomic_t fscache_n_volumes, fscache_n_volumes_collision, fscache_n_volumes_nomem;
extern atomic_t fscache_n_cookies, fscache_n_acquires, fscache_n_acquires_ok, fscache_n_acquires_oom;
extern atomic_t fscache_n_cookies_lru, fscache_n_cookies_lru_expired, fscache_n_cookies_lru_removed;
extern atomic_t fscache_n_cookies_lru_dropped, fscache_n_invalidates, fscache_n_resizes;
extern atomic_t fscache_n_resizes_null, fscache_n_relinquishes, fscache_n_relinquishes_retire;
extern atomic_t fscache_n_relinquishes_dropped, fscache_n_lookups, fscache_n_lookups_failed;
extern atomic_t fscache_n_dispatch_handoff, fscache_n_dispatch_inline, fscache_n_dispatch_queued;
int fscache_stats_show(struct seq_file *m, void *v);
bool __init fscache_proc_create_stats(void);
int fscache_stats_core_read(u64 *vals);
#define fscache_stat(stat) atomic_inc(stat)
#define fscache_stat_d(stat) atomic_dec(stat)
#else
#define fscache_stat(stat) do {} while (0)
#define fscache_stat_d(stat) do {} while (0)
static inline bool fscache_proc_create_stats(void) { return true; }
static inline int fscache_stats_core_read(u64 *vals) { return -EOPNOTSUPP; }
#endif

/* volume.c */
u32 fscache_hash(u32 seed, const void *data, size_t len);
extern struct list_head fscache_volumes;
extern struct mutex fscache_volumes_lock;
extern atomic_t fscache_volumes_gen;
struct fscache_volume *fscache_volume_get(struct fscache_volume *volume,
					  enum fscache_volume_trace where);
bool fscache_volume_begin_access(struct fscache_volume *volume, struct fscache_cookie *cookie,
				 enum fscache_access_trace why);
struct fscache_cache *fscache_volume_attach(struct fscache_volume *volume);
bool fscache_volume_set_up(struct fscache_volume *volume);

#endif /* _FS_FSCACHE_INTERNAL_H */
