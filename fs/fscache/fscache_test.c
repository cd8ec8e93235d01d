// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the fscache core, against a fake cache backend.
 *
 * The fake is a struct fscache_cache_ops table, with the netfs_cache_ops its operations carry, that the
 * cases needing a cache bind to a cache named for the case (ft_cache_name()), so that what one case
 * leaves cannot disturb the next.  Like cachefiles, it keeps a list of its objects and of the volumes
 * it set up (each holding the volume's "cache pin"), and on withdrawal it withdraws the cookies of its
 * objects, waits for them, withdraws its volumes and relinquishes the cache.  Its objects are test
 * memory that outlives them: at the end of every case, .exit tears down what the case left and audits
 * that every object was withdrawn exactly once, that the fake holds nothing, and that no cookie, volume
 * or cache record of the case is left in the core.
 *
 * Cookie keys steer the fake: the lookup of a key starting "block" waits on ft_ctx::release (never in
 * the test's own thread), and that of a key starting "fail" fails until ft_ctx::heal is set.
 *
 * Waiting on other threads is bounded by FT_TIMEOUT, as failure detection only: the ordering itself comes
 * from a completion, a cookie state, a flag or a refcount, never from a sleep.  UML is uniprocessor and
 * not preemptible, so a call that busy-waits stops the whole run: calls that must not block are made
 * under a watchdog timer (struct ft_watchdog) that breaks such a loop and fails the case.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/timer.h>
#include <linux/wait_bit.h>

#include "internal.h"

#define FT_CACHE_PREFIX		"kunit-fake-"
#define FT_TIMEOUT		(10 * HZ)	/* Failure detection: nothing legitimate takes this long */
#define FT_POLL_MS		2		/* Period of ft_wait_for() */
#define FT_WATCHDOG		(1 * HZ)	/* How long a call that must not block may take */
#define FT_LRU_HOLD_SECS	3600		/* Unused cookies stay on the LRU for the whole case */
#define FT_LRU_SHORT_SECS	1		/* ... except in fscache_test_cookie_lru() */
#define FT_MAX_COOKIES		(FSCACHE_DISPATCH_THREADS_MAX + 16)
#define FT_MAX_VOLUMES		8
#define FT_MAX_OPS		4
#define FT_KEY_SIZE		32		/* Room for the keys the cases make up */
#define FT_KEY_BLOCK		"block"
#define FT_KEY_FAIL		"fail"
#define FT_DISPATCHER_COMM	"fscache_d/"

/* One object of the fake backend: from ->lookup_cookie() to the end of the case. */
struct ft_object {
	struct list_head	live_link;	/* On ft_ctx::live until withdrawn, under ft_ctx::lock */
	struct list_head	all_link;	/* On ft_ctx::all, for the audit in ft_exit() */
	struct ft_ctx		*ctx;
	struct fscache_cookie	*cookie;	/* Holds a ref until ->withdraw_cookie() */
	struct fscache_cache	*cache;
	struct task_struct	*lookup_task;	/* Who ran ->lookup_cookie(): compared, never dereferenced */
	unsigned int		lookup_task_flags;
	char			lookup_comm[TASK_COMM_LEN];
	bool			inval_requested; /* FSCACHE_COOKIE_DO_INVALIDATE at the end of the lookup */
	bool			retired;	/* FSCACHE_COOKIE_RETIRED seen by ->withdraw_cookie() */
	int			inval_at_begin_op; /* n_invalidate at the first ->begin_operation(), or -1 */
	atomic_t		n_withdraw;
	atomic_t		n_invalidate;
	atomic_t		n_begin_op;
};

/* A volume the fake set up: from ->acquire_volume() to ->free_volume() or its withdrawal. */
struct ft_volume {
	struct list_head	link;		/* On ft_ctx::volumes, under ft_ctx::lock */
	struct fscache_volume	*volume;
};

struct ft_cookie_slot {
	struct fscache_cookie	*cookie;
	int			uses;		/* __fscache_use_cookie() calls not yet undone */
};

/* A kernel thread running one call for a case, so that the case can watch it block. */
struct ft_helper {
	struct list_head	link;		/* On ft_ctx::helpers */
	struct completion	done;
	struct task_struct	*task;		/* With a task reference */
	struct ft_ctx		*ctx;
	void			(*fn)(struct ft_helper *helper);
	struct fscache_cookie	*cookie;
	const char		*key;
	struct fscache_volume	*volume;
	struct netfs_cache_resources cres;
	int			ret;
};

/* An I/O operation a case began and has not ended, copied: the case's own may be on a dead stack. */
struct ft_op {
	struct netfs_cache_resources	*cres;
	struct netfs_cache_resources	copy;
};

/* Per case; also the fake cache's cache_priv. */
struct ft_ctx {
	struct kunit		*test;
	struct task_struct	*test_task;
	char			cache_name[32];
	struct fscache_cache	*cache;		/* Bound, from ft_cache_add() to its relinquishment */
	spinlock_t		lock;
	struct list_head	live;		/* Objects not yet withdrawn */
	struct list_head	all;		/* Every object of the case */
	struct list_head	volumes;	/* struct ft_volume */
	struct list_head	helpers;
	wait_queue_head_t	wq;		/* Woken when a lookup blocks */
	struct completion	release;	/* Releases the blocked lookups */
	bool			heal;		/* "fail" keys look up fine */
	bool			fail_invalidate; /* ->invalidate_cookie() fails */
	atomic_t		n_objects;
	atomic_t		n_blocked;
	atomic_t		n_errors;	/* Contract violations seen by the fake */
	atomic_t		n_acquire_volume;
	atomic_t		n_free_volume;
	atomic_t		n_withdraw_volume;
	atomic_t		n_lookup;
	atomic_t		n_withdraw;
	atomic_t		n_invalidate;
	atomic_t		n_begin_op;
	atomic_t		n_end_op;
	atomic_t		n_prepare_to_write;
	atomic_t		n_resize;
	int			object_count_at_relinquish;
	struct ft_cookie_slot	cookies[FT_MAX_COOKIES];
	struct fscache_volume	*volumes_held[FT_MAX_VOLUMES];
	struct ft_op		ops_held[FT_MAX_OPS];
	struct task_struct	*dispatchers[FSCACHE_DISPATCH_THREADS_MAX];
	unsigned int		n_dispatchers;
	int			base_cookies;
	int			base_volumes;
	unsigned int		saved_lru_timeout;
};

#define ft_err(ctx, fmt, ...)							\
do {										\
	atomic_inc(&(ctx)->n_errors);						\
	kunit_err((ctx)->test, "fake backend: " fmt "\n", ##__VA_ARGS__);	\
} while (0)

/* Wait, polling, for @cond; bounded by FT_TIMEOUT.  Only for what the core signals to nobody. */
#define ft_wait_for(cond)							\
({										\
	unsigned long __deadline = jiffies + FT_TIMEOUT;			\
	bool __done;								\
										\
	while (!(__done = (cond)) && time_before(jiffies, __deadline))		\
		msleep(FT_POLL_MS);						\
	__done;									\
})

static const char *const ft_state_names[FSCACHE_COOKIE_STATE__NR] = {
	[FSCACHE_COOKIE_STATE_QUIESCENT]	= "QUIESCENT",
	[FSCACHE_COOKIE_STATE_LOOKING_UP]	= "LOOKING_UP",
	[FSCACHE_COOKIE_STATE_CREATING]		= "CREATING",
	[FSCACHE_COOKIE_STATE_ACTIVE]		= "ACTIVE",
	[FSCACHE_COOKIE_STATE_INVALIDATING]	= "INVALIDATING",
	[FSCACHE_COOKIE_STATE_FAILED]		= "FAILED",
	[FSCACHE_COOKIE_STATE_LRU_DISCARDING]	= "LRU_DISCARDING",
	[FSCACHE_COOKIE_STATE_WITHDRAWING]	= "WITHDRAWING",
	[FSCACHE_COOKIE_STATE_RELINQUISHING]	= "RELINQUISHING",
	[FSCACHE_COOKIE_STATE_DROPPED]		= "DROPPED",
};

static const char *ft_state_name(enum fscache_cookie_state state)
{
	return state < FSCACHE_COOKIE_STATE__NR ? ft_state_names[state] : "?";
}

#define FT_EXPECT_STATE(test, cookie, want)					\
	KUNIT_EXPECT_EQ_MSG(test, (int)fscache_cookie_state(cookie), (int)(want),	\
			    "cookie \"%.*s\" is %s, want %s",			\
			    (cookie)->key_len, (char *)fscache_get_key(cookie),	\
			    ft_state_name(fscache_cookie_state(cookie)), ft_state_name(want))

/* Wait for a cookie's state, which the core announces with wake_up_var(). */
static bool ft_wait_state(struct fscache_cookie *cookie, enum fscache_cookie_state state)
{
	return wait_var_event_timeout(&cookie->state, fscache_cookie_state(cookie) == state,
				      FT_TIMEOUT) > 0;
}

static bool ft_key_is(struct fscache_cookie *cookie, const char *prefix)
{
	size_t n = strlen(prefix);

	return cookie->key_len >= n && memcmp(fscache_get_key(cookie), prefix, n) == 0;
}

static struct ft_object *ft_obj(struct fscache_cookie *cookie)
{
	return cookie->cache_priv;
}

/*
 * The fake backend.
 */
static struct ft_ctx *ft_ctx_of(struct fscache_volume *volume)
{
	return volume->cache->cache_priv;
}

static void ft_acquire_volume(struct fscache_volume *volume)
{
	struct ft_ctx *ctx = ft_ctx_of(volume);
	struct ft_volume *fv;

	atomic_inc(&ctx->n_acquire_volume);
	if (volume->cache_priv)
		ft_err(ctx, "volume %s set up twice", (char *)volume->key + 1);
	fv = kzalloc(sizeof(*fv), GFP_KERNEL);
	if (!fv)
		return;
	fv->volume = volume;
	spin_lock(&ctx->lock);
	list_add_tail(&fv->link, &ctx->volumes);
	spin_unlock(&ctx->lock);
	/* The cache pin, dropped by fscache_withdraw_volume(). */
	atomic_inc(&volume->n_accesses);
	volume->cache_priv = fv;
}

static void ft_free_volume(struct fscache_volume *volume)
{
	struct ft_ctx *ctx = ft_ctx_of(volume);
	struct ft_volume *fv = volume->cache_priv;

	atomic_inc(&ctx->n_free_volume);
	spin_lock(&ctx->lock);
	list_del_init(&fv->link);
	spin_unlock(&ctx->lock);
	volume->cache_priv = NULL;
	kfree(fv);
}

/* Does the fake still hold an object for another cookie with this volume key and cookie key? */
static bool ft_holds_same_key(struct ft_ctx *ctx, struct fscache_cookie *cookie)
{
	struct ft_object *obj;
	bool found = false;

	spin_lock(&ctx->lock);
	list_for_each_entry(obj, &ctx->live, live_link) {
		struct fscache_cookie *other = obj->cookie;

		if (other != cookie && other->key_len == cookie->key_len &&
		    memcmp(fscache_get_key(other), fscache_get_key(cookie), cookie->key_len) == 0 &&
		    strcmp((char *)other->volume->key + 1, (char *)cookie->volume->key + 1) == 0) {
			found = true;
			break;
		}
	}
	spin_unlock(&ctx->lock);
	return found;
}

static bool ft_lookup_cookie(struct fscache_cookie *cookie)
{
	struct fscache_cache *cache = cookie->volume->cache;
	struct ft_ctx *ctx = cache->cache_priv;
	struct ft_object *obj;

	atomic_inc(&ctx->n_lookup);
	if (cookie->cache_priv)
		ft_err(ctx, "lookup of cookie %08x, which has an object", cookie->debug_id);
	if (ft_holds_same_key(ctx, cookie))
		ft_err(ctx, "lookup of \"%.*s\" while the object of its predecessor is still held",
		       cookie->key_len, (char *)fscache_get_key(cookie));

	obj = kunit_kzalloc(ctx->test, sizeof(*obj), GFP_KERNEL);
	if (!obj) {
		ft_err(ctx, "no memory for an object");
		return false;
	}
	obj->ctx = ctx;
	obj->cache = cache;
	obj->cookie = fscache_get_cookie(cookie, fscache_cookie_get_attach_object);
	obj->lookup_task = current;
	obj->lookup_task_flags = current->flags;
	obj->inval_at_begin_op = -1;
	get_task_comm(obj->lookup_comm, current);
	spin_lock(&ctx->lock);
	list_add_tail(&obj->live_link, &ctx->live);
	list_add_tail(&obj->all_link, &ctx->all);
	spin_unlock(&ctx->lock);
	cookie->cache_priv = obj;
	fscache_count_object(cache);
	atomic_inc(&ctx->n_objects);

	if (ft_key_is(cookie, FT_KEY_BLOCK)) {
		if (current == ctx->test_task) {
			ft_err(ctx, "a blocking lookup ran in the test's thread: not blocking");
		} else {
			atomic_inc(&ctx->n_blocked);
			wake_up_all(&ctx->wq);
			if (!wait_for_completion_timeout(&ctx->release, FT_TIMEOUT))
				ft_err(ctx, "a blocked lookup was never released");
		}
	}

	obj->inval_requested = test_bit(FSCACHE_COOKIE_DO_INVALIDATE, &cookie->flags);
	return !ft_key_is(cookie, FT_KEY_FAIL) || READ_ONCE(ctx->heal);
}

static void ft_withdraw_cookie(struct fscache_cookie *cookie)
{
	struct ft_object *obj = cookie->cache_priv;
	struct ft_ctx *ctx = ft_ctx_of(cookie->volume);

	atomic_inc(&ctx->n_withdraw);
	if (!obj) {
		ft_err(ctx, "withdrawal of cookie %08x, which has no object", cookie->debug_id);
		return;
	}
	if (atomic_inc_return(&obj->n_withdraw) != 1)
		ft_err(ctx, "object of \"%.*s\" withdrawn twice",
		       cookie->key_len, (char *)fscache_get_key(cookie));
	/* The backend API: called without any cookie access held. */
	if (atomic_read(&cookie->n_accesses))
		ft_err(ctx, "->withdraw_cookie() with %d accesses held",
		       atomic_read(&cookie->n_accesses));
	obj->retired = test_bit(FSCACHE_COOKIE_RETIRED, &cookie->flags);

	spin_lock(&ctx->lock);
	list_del_init(&obj->live_link);
	spin_unlock(&ctx->lock);
	cookie->cache_priv = NULL;
	atomic_dec(&ctx->n_objects);
	fscache_put_cookie(obj->cookie, fscache_cookie_put_object);
	/* Last: the cache may go as soon as its object count drops. */
	fscache_uncount_object(obj->cache);
}

static void ft_resize_cookie(struct netfs_cache_resources *cres, loff_t new_size)
{
	struct ft_object *obj = cres->cache_priv2;

	atomic_inc(&obj->ctx->n_resize);
}

static bool ft_invalidate_cookie(struct fscache_cookie *cookie)
{
	struct ft_object *obj = cookie->cache_priv;
	struct ft_ctx *ctx = ft_ctx_of(cookie->volume);

	atomic_inc(&ctx->n_invalidate);
	if (!obj) {
		ft_err(ctx, "invalidation of cookie %08x, which has no object", cookie->debug_id);
		return false;
	}
	if (fscache_cookie_state(cookie) != FSCACHE_COOKIE_STATE_INVALIDATING)
		ft_err(ctx, "->invalidate_cookie() in state %s",
		       ft_state_name(fscache_cookie_state(cookie)));
	atomic_inc(&obj->n_invalidate);
	if (READ_ONCE(ctx->fail_invalidate))
		return false;
	fscache_resume_after_invalidation(cookie);
	return true;
}

static void ft_end_operation(struct netfs_cache_resources *cres)
{
	struct fscache_cookie *cookie = fscache_cres_cookie(cres);
	struct ft_object *obj = cres->cache_priv2;

	atomic_inc(&obj->ctx->n_end_op);
	cres->ops = NULL;
	cres->cache_priv2 = NULL;
	fscache_end_cookie_access(cookie, fscache_access_io_end);
}

static const struct netfs_cache_ops ft_netfs_cache_ops = {
	.end_operation	= ft_end_operation,
};

static bool ft_begin_operation(struct netfs_cache_resources *cres, enum fscache_want_state want)
{
	struct fscache_cookie *cookie = fscache_cres_cookie(cres);
	struct ft_object *obj = cookie->cache_priv;
	struct ft_ctx *ctx = ft_ctx_of(cookie->volume);

	atomic_inc(&ctx->n_begin_op);
	if (!obj) {
		ft_err(ctx, "I/O on cookie %08x, which has no object", cookie->debug_id);
		return false;
	}
	if (atomic_inc_return(&obj->n_begin_op) == 1)
		obj->inval_at_begin_op = atomic_read(&obj->n_invalidate);
	if (obj->inval_requested && !atomic_read(&obj->n_invalidate))
		ft_err(ctx, "I/O began before the invalidation asked for during the lookup");
	/*
	 * As cachefiles: attach what there is and return; the data paths call
	 * fscache_wait_for_operation(), which calls back here if nothing was attached.
	 */
	cres->ops = &ft_netfs_cache_ops;
	cres->cache_priv2 = obj;
	return true;
}

static void ft_prepare_to_write(struct fscache_cookie *cookie)
{
	atomic_inc(&ft_ctx_of(cookie->volume)->n_prepare_to_write);
}

/* The fake, in the order the core calls it over a cookie's life. */
static const struct fscache_cache_ops ft_cache_ops = {
	.name			= "kunit-fake",
	.lookup_cookie		= ft_lookup_cookie,
	.begin_operation	= ft_begin_operation,
	.prepare_to_write	= ft_prepare_to_write,
	.resize_cookie		= ft_resize_cookie,
	.invalidate_cookie	= ft_invalidate_cookie,
	.withdraw_cookie	= ft_withdraw_cookie,
	.acquire_volume		= ft_acquire_volume,
	.free_volume		= ft_free_volume,
};

static const char *ft_cache_name(struct kunit *test)
{
	return ((struct ft_ctx *)test->priv)->cache_name;
}

/* Bind the fake to the case's cache name. */
static void ft_cache_add(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct fscache_cache *cache;

	cache = fscache_acquire_cache(ctx->cache_name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	KUNIT_ASSERT_EQ(test, fscache_add_cache(cache, &ft_cache_ops, ctx), 0);
	ctx->cache = cache;
}

static void ft_withdraw_objects(struct ft_ctx *ctx)
{
	struct ft_object *obj;

	/* As cachefiles does: the request is only queued, so the list lock may be held. */
	spin_lock(&ctx->lock);
	while ((obj = list_first_entry_or_null(&ctx->live, struct ft_object, live_link))) {
		list_del_init(&obj->live_link);
		fscache_withdraw_cookie(obj->cookie);
	}
	spin_unlock(&ctx->lock);
}

static void ft_withdraw_volumes(struct ft_ctx *ctx)
{
	struct fscache_volume *volume;
	struct ft_volume *fv;

	for (;;) {
		volume = NULL;
		spin_lock(&ctx->lock);
		fv = list_first_entry_or_null(&ctx->volumes, struct ft_volume, link);
		if (fv) {
			list_del_init(&fv->link);
			volume = fscache_try_get_volume(fv->volume, fscache_volume_get_withdraw);
		}
		spin_unlock(&ctx->lock);
		if (!fv)
			break;
		if (!volume)
			continue;	/* Being freed: ->free_volume() frees fv */

		/* Only the cache pin may be left: anything else would hang fscache_withdraw_volume(). */
		if (!ft_wait_for(atomic_read(&volume->n_accesses) == 1)) {
			ft_err(ctx, "volume %s still has %d accesses", (char *)volume->key + 1,
			       atomic_read(&volume->n_accesses));
		} else {
			fscache_withdraw_volume(volume);
			atomic_inc(&ctx->n_withdraw_volume);
			volume->cache_priv = NULL;
			kfree(fv);
		}
		fscache_put_volume(volume, fscache_volume_put_withdraw);
	}
}

/* The fake's cache withdrawal, as the backend API lays it out; any thread. */
static void ft_cache_withdraw(struct ft_ctx *ctx)
{
	struct fscache_cache *cache = ctx->cache;

	fscache_withdraw_cache(cache);
	ft_withdraw_objects(ctx);
	if (!wait_event_timeout(fscache_clearance_waiters, atomic_read(&cache->object_count) == 0,
				FT_TIMEOUT))
		ft_err(ctx, "%d objects never withdrawn", atomic_read(&cache->object_count));
	else
		fscache_wait_for_objects(cache);
	ft_withdraw_volumes(ctx);
	ctx->object_count_at_relinquish = atomic_read(&cache->object_count);
	ctx->cache = NULL;
	fscache_relinquish_cache(cache);
}

/*
 * Helper threads.
 */
static int ft_helper_thread(void *data)
{
	struct ft_helper *helper = data;

	helper->fn(helper);
	complete_all(&helper->done);	/* Stays done for every later wait */
	return 0;
}

static struct ft_helper *ft_helper_start(struct kunit *test, void (*fn)(struct ft_helper *),
					 struct fscache_cookie *cookie, const char *key)
{
	struct ft_ctx *ctx = test->priv;
	struct ft_helper *helper;
	struct task_struct *task;

	/* Not test memory: if it never ends, it is leaked rather than freed under it. */
	helper = kzalloc(sizeof(*helper), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, helper);
	init_completion(&helper->done);
	helper->ctx = ctx;
	helper->fn = fn;
	helper->cookie = cookie;
	helper->key = key;
	task = kthread_create(ft_helper_thread, helper, "ft_helper");
	if (IS_ERR(task)) {
		kfree(helper);
		KUNIT_ASSERT_FAILURE(test, "kthread_create: %ld", PTR_ERR(task));
	}
	helper->task = get_task_struct(task);
	list_add_tail(&helper->link, &ctx->helpers);
	wake_up_process(task);
	return helper;
}

static bool ft_helper_wait(struct ft_helper *helper)
{
	return wait_for_completion_timeout(&helper->done, FT_TIMEOUT) > 0;
}

/* Is the helper asleep, without having finished? */
static bool ft_helper_blocked(struct ft_helper *helper)
{
	return !completion_done(&helper->done) && !task_is_running(helper->task);
}

static void ft_helpers_reap(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct ft_helper *helper, *tmp;

	list_for_each_entry_safe(helper, tmp, &ctx->helpers, link) {
		list_del(&helper->link);
		if (!ft_helper_wait(helper)) {
			KUNIT_FAIL(test, "helper thread %d never ended: leaked", helper->task->pid);
			continue;
		}
		put_task_struct(helper->task);
		kfree(helper);
	}
}

static void ft_do_use(struct ft_helper *helper)
{
	__fscache_use_cookie(helper->cookie, false);
}

static void ft_do_relinquish(struct ft_helper *helper)
{
	__fscache_relinquish_cookie(helper->cookie, false);
}

static void ft_do_acquire_volume(struct ft_helper *helper)
{
	helper->volume = __fscache_acquire_volume(helper->key, NULL, NULL, 0);
}

static void ft_do_begin_read(struct ft_helper *helper)
{
	helper->ret = __fscache_begin_read_operation(&helper->cres, helper->cookie);
}

static void ft_do_withdraw(struct ft_helper *helper)
{
	ft_cache_withdraw(helper->ctx);
}

/*
 * What the netfs side of a case does, tracked so that .exit can undo what a failed case left.
 */
static struct ft_cookie_slot *ft_slot(struct ft_ctx *ctx, struct fscache_cookie *cookie)
{
	int i;

	for (i = 0; i < FT_MAX_COOKIES; i++)
		if (ctx->cookies[i].cookie == cookie)
			return &ctx->cookies[i];
	return NULL;
}

static void ft_track_cookie(struct kunit *test, struct fscache_cookie *cookie)
{
	struct ft_cookie_slot *slot = ft_slot(test->priv, NULL);

	KUNIT_ASSERT_NOT_NULL(test, slot);
	slot->cookie = cookie;
	slot->uses = 0;
}

static struct fscache_cookie *ft_cookie(struct kunit *test, struct fscache_volume *volume,
					const char *key)
{
	struct fscache_cookie *cookie;

	cookie = __fscache_acquire_cookie(volume, 0, key, strlen(key), NULL, 0, 0);
	KUNIT_ASSERT_NOT_NULL_MSG(test, cookie, "cookie \"%s\" refused", key);
	ft_track_cookie(test, cookie);
	return cookie;
}

static void ft_use(struct kunit *test, struct fscache_cookie *cookie)
{
	ft_slot(test->priv, cookie)->uses++;
	__fscache_use_cookie(cookie, false);
}

static void ft_use_for_write(struct kunit *test, struct fscache_cookie *cookie)
{
	ft_slot(test->priv, cookie)->uses++;
	__fscache_use_cookie(cookie, true);
}

/* Use from a helper thread: for lookups that block, wherever they end up running. */
static struct ft_helper *ft_use_async(struct kunit *test, struct fscache_cookie *cookie)
{
	ft_slot(test->priv, cookie)->uses++;
	return ft_helper_start(test, ft_do_use, cookie, NULL);
}

static void ft_unuse(struct kunit *test, struct fscache_cookie *cookie)
{
	ft_slot(test->priv, cookie)->uses--;
	__fscache_unuse_cookie(cookie, NULL, NULL);
}

/* Check that a relinquished cookie, whose last reference but ours has gone, is wholly torn down. */
static void ft_cookie_reap(struct kunit *test, struct fscache_cookie *cookie)
{
	KUNIT_EXPECT_TRUE_MSG(test, ft_wait_for(refcount_read(&cookie->ref) == 1),
			      "relinquished cookie %08x still has %d refs", cookie->debug_id,
			      refcount_read(&cookie->ref));
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_DROPPED);
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_COOKIE_IS_HASHED, &cookie->flags));
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags));
	KUNIT_EXPECT_EQ(test, atomic_read(&cookie->n_accesses), 0);
	KUNIT_EXPECT_NULL(test, cookie->cache_priv);
	fscache_put_cookie(cookie, fscache_cookie_put_hash_collision);
}

/* Relinquish a cookie the case no longer uses and see it freed (by our own last put). */
static void ft_relinquish(struct kunit *test, struct fscache_cookie *cookie, bool retire)
{
	struct ft_cookie_slot *slot = ft_slot(test->priv, cookie);

	KUNIT_EXPECT_EQ(test, slot->uses, 0);
	slot->cookie = NULL;
	fscache_get_cookie(cookie, fscache_cookie_get_hash_collision);	/* (tracing only) */
	__fscache_relinquish_cookie(cookie, retire);
	ft_cookie_reap(test, cookie);
}

static bool ft_volume_listed(const char *key)
{
	struct fscache_volume *volume;
	bool found = false;

	mutex_lock(&fscache_volumes_lock);
	list_for_each_entry(volume, &fscache_volumes, proc_link)
		if (strcmp((char *)volume->key + 1, key) == 0)
			found = true;
	mutex_unlock(&fscache_volumes_lock);
	return found;
}

static int ft_count_volumes(void)
{
	struct fscache_volume *volume;
	int n = 0;

	mutex_lock(&fscache_volumes_lock);
	list_for_each_entry(volume, &fscache_volumes, proc_link)
		n++;
	mutex_unlock(&fscache_volumes_lock);
	return n;
}

static int ft_count_cookies(void)
{
	struct fscache_cookie *cookie;
	int n = 0;

	read_lock(&fscache_cookies_lock);
	list_for_each_entry(cookie, &fscache_cookies, proc_link)
		n++;
	read_unlock(&fscache_cookies_lock);
	return n;
}

static bool ft_cache_listed(const char *name)
{
	struct fscache_cache *cache;
	bool found = false;

	down_read(&fscache_addremove_sem);
	list_for_each_entry(cache, &fscache_caches, cache_link)
		if (cache->name && strcmp(cache->name, name) == 0)
			found = true;
	up_read(&fscache_addremove_sem);
	return found;
}

static void ft_track_volume(struct kunit *test, struct fscache_volume *volume)
{
	struct ft_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < FT_MAX_VOLUMES; i++) {
		if (!ctx->volumes_held[i]) {
			ctx->volumes_held[i] = volume;
			return;
		}
	}
	KUNIT_ASSERT_FAILURE(test, "too many volumes");
}

static struct fscache_volume *ft_volume(struct kunit *test, const char *key, const char *cache_name)
{
	struct fscache_volume *volume = __fscache_acquire_volume(key, cache_name, NULL, 0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, volume, "volume \"%s\" refused", key);
	ft_track_volume(test, volume);
	return volume;
}

/* Relinquish a volume whose cookies are gone and see it freed and unlisted. */
static void ft_volume_relinquish(struct kunit *test, struct fscache_volume *volume)
{
	struct ft_ctx *ctx = test->priv;
	char key[FSCACHE_VOLUME_KEY_MAX + 1];
	int i;

	for (i = 0; i < FT_MAX_VOLUMES; i++)
		if (ctx->volumes_held[i] == volume)
			ctx->volumes_held[i] = NULL;

	strscpy(key, (char *)volume->key + 1, sizeof(key));
	KUNIT_EXPECT_EQ(test, atomic_read(&volume->n_cookies), 0);
	if (!fscache_try_get_volume(volume, fscache_volume_get_hash_collision)) {
		KUNIT_FAIL(test, "volume %s already freed", key);
		return;
	}
	__fscache_relinquish_volume(volume, NULL, false);
	KUNIT_EXPECT_TRUE_MSG(test, ft_wait_for(refcount_read(&volume->ref) == 1),
			      "relinquished volume %s still has %d refs", key,
			      refcount_read(&volume->ref));
	fscache_put_volume(volume, fscache_volume_put_hash_collision);
	flush_workqueue(fscache_wq);
	KUNIT_EXPECT_FALSE_MSG(test, ft_volume_listed(key), "volume %s still listed", key);
}

static int ft_begin_read(struct kunit *test, struct fscache_cookie *cookie,
			 struct netfs_cache_resources *cres)
{
	struct ft_ctx *ctx = test->priv;
	int ret, i;

	ret = __fscache_begin_read_operation(cres, cookie);
	if (ret == 0) {
		for (i = 0; i < FT_MAX_OPS; i++) {
			if (!ctx->ops_held[i].cres) {
				ctx->ops_held[i].cres = cres;
				ctx->ops_held[i].copy = *cres;
				break;
			}
		}
	}
	return ret;
}

static void ft_end_op(struct kunit *test, struct netfs_cache_resources *cres)
{
	struct ft_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < FT_MAX_OPS; i++)
		if (ctx->ops_held[i].cres == cres)
			ctx->ops_held[i].cres = NULL;
	fscache_end_operation(cres);
}

/*
 * The read that finds a cookie in use without an object, while a cache is live, asks for a lookup.
 * The core may send that read to the server (-ENOBUFS) or make it wait for the lookup (0): either way
 * the object is then looked up, once.
 */
static void ft_read_asks_lookup(struct kunit *test, struct fscache_cookie *cookie)
{
	struct netfs_cache_resources cres = {};
	int ret;

	ret = ft_begin_read(test, cookie, &cres);
	KUNIT_EXPECT_TRUE_MSG(test, ret == 0 || ret == -ENOBUFS, "read: %d", ret);
	if (ret == 0)
		ft_end_op(test, &cres);
	KUNIT_EXPECT_TRUE_MSG(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE),
			      "cookie \"%.*s\" not looked up after a read: %s", cookie->key_len,
			      (char *)fscache_get_key(cookie),
			      ft_state_name(fscache_cookie_state(cookie)));
}

/*
 * A watchdog on a call that must not block.  UML is uniprocessor without preemption: a busy-waiting
 * call never lets another thread run, so the timer moves the cookie out of the state it spins on, the
 * one way out that needs no CPU time from anyone else.  The case then fails and puts the state back.
 */
struct ft_watchdog {
	struct timer_list	timer;
	struct fscache_cookie	*cookie;
	enum fscache_cookie_state was;
	bool			fired;
};

static void ft_watchdog_fire(struct timer_list *timer)
{
	struct ft_watchdog *wd = from_timer(wd, timer, timer);

	wd->was = fscache_cookie_state(wd->cookie);
	WRITE_ONCE(wd->fired, true);
	/* As fscache_cookie_set_state(): pairs with the acquire in fscache_cookie_state(). */
	smp_store_release(&wd->cookie->state, FSCACHE_COOKIE_STATE_FAILED);
	wake_up_var(&wd->cookie->state);
}

static void ft_watchdog_arm(struct ft_watchdog *wd, struct fscache_cookie *cookie)
{
	wd->cookie = cookie;
	wd->fired = false;
	timer_setup_on_stack(&wd->timer, ft_watchdog_fire, 0);
	mod_timer(&wd->timer, jiffies + FT_WATCHDOG);
}

/* Return: true if the watchdog had to fire. */
static bool ft_watchdog_disarm(struct ft_watchdog *wd)
{
	struct fscache_cookie *cookie = wd->cookie;

	del_timer_sync(&wd->timer);
	destroy_timer_on_stack(&wd->timer);
	if (!wd->fired)
		return false;
	spin_lock(&cookie->lock);
	if (fscache_cookie_state(cookie) == FSCACHE_COOKIE_STATE_FAILED)
		fscache_cookie_set_state(cookie, wd->was);
	spin_unlock(&cookie->lock);
	return true;
}

/*
 * The dispatcher pool, found by its threads' names.
 */
static void ft_find_dispatchers(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		if (!(p->flags & PF_KTHREAD) ||
		    strncmp(p->comm, FT_DISPATCHER_COMM, strlen(FT_DISPATCHER_COMM)) != 0 ||
		    ctx->n_dispatchers >= ARRAY_SIZE(ctx->dispatchers))
			continue;
		ctx->dispatchers[ctx->n_dispatchers++] = get_task_struct(p);
	}
	rcu_read_unlock();
	KUNIT_ASSERT_EQ(test, ctx->n_dispatchers, fscache_dispatch_threads);
}

static bool ft_is_dispatcher(struct ft_ctx *ctx, struct task_struct *task)
{
	unsigned int i;

	for (i = 0; i < ctx->n_dispatchers; i++)
		if (ctx->dispatchers[i] == task)
			return true;
	return false;
}

/* Idle pool threads sleep interruptibly; a procedure's waits are uninterruptible. */
static bool ft_dispatchers_idle(struct ft_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->n_dispatchers; i++)
		if (!(READ_ONCE(ctx->dispatchers[i]->__state) & TASK_INTERRUPTIBLE))
			return false;
	return true;
}

/* Occupy every pool thread with a blocked lookup.  Return: how many blocked. */
static unsigned int ft_occupy_dispatchers(struct kunit *test, struct fscache_volume *volume,
					  struct fscache_cookie **blocked)
{
	struct ft_ctx *ctx = test->priv;
	char key[FT_KEY_SIZE];
	unsigned int i;

	KUNIT_ASSERT_TRUE_MSG(test, ft_wait_for(ft_dispatchers_idle(ctx)), "pool never idle");
	for (i = 0; i < ctx->n_dispatchers; i++) {
		snprintf(key, sizeof(key), FT_KEY_BLOCK "-pool-%u", i);
		blocked[i] = ft_cookie(test, volume, key);
		ft_use(test, blocked[i]);
		KUNIT_ASSERT_TRUE_MSG(test, wait_event_timeout(ctx->wq,
							       atomic_read(&ctx->n_blocked) > i,
							       FT_TIMEOUT),
				      "lookup %u never reached the fake", i);
		KUNIT_ASSERT_TRUE(test, ft_is_dispatcher(ctx, ft_obj(blocked[i])->lookup_task));
	}
	return i;
}

/*
 * The suite's fixture.
 */
static int ft_init(struct kunit *test)
{
	static atomic_t ft_case_seq;
	struct ft_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->test = test;
	ctx->test_task = current;
	snprintf(ctx->cache_name, sizeof(ctx->cache_name), FT_CACHE_PREFIX "%d",
		 atomic_inc_return(&ft_case_seq));
	spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->live);
	INIT_LIST_HEAD(&ctx->all);
	INIT_LIST_HEAD(&ctx->volumes);
	INIT_LIST_HEAD(&ctx->helpers);
	init_waitqueue_head(&ctx->wq);
	init_completion(&ctx->release);
	ctx->base_cookies = ft_count_cookies();
	ctx->base_volumes = ft_count_volumes();
	/*
	 * An unuse queues the LRU scan for the timeout of that moment unless it is queued already, so
	 * after a case has run with this one the LRU acts no sooner than an hour later: the one case that
	 * needs it sooner runs first.
	 */
	ctx->saved_lru_timeout = fscache_lru_timeout_secs;
	fscache_lru_timeout_secs = FT_LRU_HOLD_SECS;
	test->priv = ctx;
	return 0;
}

static void ft_exit(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct ft_object *obj;
	unsigned int i;

	if (!ctx)
		return;
	complete_all(&ctx->release);
	ft_helpers_reap(test);

	/* Undo what the case left, as a netfs would. */
	for (i = 0; i < FT_MAX_OPS; i++) {
		if (ctx->ops_held[i].cres) {
			fscache_end_operation(&ctx->ops_held[i].copy);
			ctx->ops_held[i].cres = NULL;
		}
	}
	for (i = 0; i < FT_MAX_COOKIES; i++) {
		struct fscache_cookie *cookie = ctx->cookies[i].cookie;

		if (!cookie)
			continue;
		while (ctx->cookies[i].uses > 0)
			ft_unuse(test, cookie);
		ft_relinquish(test, cookie, false);
	}
	for (i = 0; i < FT_MAX_VOLUMES; i++)
		if (ctx->volumes_held[i])
			ft_volume_relinquish(test, ctx->volumes_held[i]);

	/* Relinquishment withdrew every object; the cache goes last, as when cachefiles unbinds. */
	if (ctx->cache) {
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->cache->object_count), 0);
		ft_cache_withdraw(ctx);
	}
	flush_workqueue(fscache_wq);

	/* The audit. */
	KUNIT_EXPECT_EQ(test, ctx->object_count_at_relinquish, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_objects), 0);
	list_for_each_entry(obj, &ctx->all, all_link)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&obj->n_withdraw), 1,
				    "an object looked up by %s was withdrawn %d times",
				    obj->lookup_comm, atomic_read(&obj->n_withdraw));
	KUNIT_EXPECT_TRUE(test, list_empty(&ctx->volumes));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_errors), 0);
	KUNIT_EXPECT_EQ(test, ft_count_cookies(), ctx->base_cookies);
	KUNIT_EXPECT_EQ(test, ft_count_volumes(), ctx->base_volumes);
	KUNIT_EXPECT_FALSE_MSG(test, ft_cache_listed(ctx->cache_name), "cache record left");

	fscache_lru_timeout_secs = ctx->saved_lru_timeout;
	for (i = 0; i < ctx->n_dispatchers; i++)
		put_task_struct(ctx->dispatchers[i]);
}

/*
 * Use, unuse and the LRU.  Runs first: see ft_init().
 */
static void fscache_test_cookie_lru(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	struct ft_object *first, *second;

	fscache_lru_timeout_secs = FT_LRU_SHORT_SECS;
	ft_cache_add(test);
	volume = ft_volume(test, "ft-lru", ft_cache_name(test));
	cookie = ft_cookie(test, volume, "lru");
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_QUIESCENT);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_acquire_volume), 0);

	ft_use(test, cookie);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_acquire_volume), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->cache->object_count), 1);
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_IS_CACHING, &cookie->flags));
	first = ft_obj(cookie);
	KUNIT_ASSERT_NOT_NULL(test, first);
	/* The procedure runner's reference goes after the lookup: the netfs's and the object's stay. */
	KUNIT_EXPECT_TRUE(test, ft_wait_for(refcount_read(&cookie->ref) == 2));

	ft_unuse(test, cookie);
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags));
	KUNIT_EXPECT_EQ(test, refcount_read(&cookie->ref), 3);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_ACTIVE);

	KUNIT_ASSERT_TRUE_MSG(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_QUIESCENT),
			      "not discarded after %us (LRU scan queued by an earlier case?)",
			      FT_LRU_SHORT_SECS);
	KUNIT_EXPECT_EQ(test, atomic_read(&first->n_withdraw), 1);
	KUNIT_EXPECT_FALSE(test, first->retired);
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags));
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_COOKIE_IS_CACHING, &cookie->flags));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_objects), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->cache->object_count), 0);
	KUNIT_EXPECT_TRUE(test, ft_wait_for(refcount_read(&cookie->ref) == 1));

	/* Used again: a new lookup, in the volume already set up. */
	ft_use(test, cookie);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_acquire_volume), 1);
	second = ft_obj(cookie);
	KUNIT_EXPECT_PTR_NE(test, second, first);

	/* Used again before the LRU acts (the scan is idle: this timeout holds): off the LRU, kept. */
	fscache_lru_timeout_secs = FT_LRU_HOLD_SECS;
	ft_unuse(test, cookie);
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags));
	ft_use(test, cookie);
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags));
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&second->n_withdraw), 0);
	ft_unuse(test, cookie);
}

/*
 * Keys and their hashes.
 */
struct ft_hash_case {
	const char	*desc;
	const char	*data;
	u32		hash;
};

/* FNV-1a test vectors: the hash is computed bytewise, so it is the same on every architecture. */
static const struct ft_hash_case ft_hash_cases[] = {
	{ "empty",	"",		0x811c9dc5 },
	{ "a",		"a",		0xe40c292c },
	{ "foobar",	"foobar",	0xbf9cf968 },
	{ "fscache",	"fscache",	0xf8a506dc },
};

static void ft_hash_case_desc(const struct ft_hash_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "fnv1a_%s", p->desc);
}

KUNIT_ARRAY_PARAM(ft_hash, ft_hash_cases, ft_hash_case_desc);

static void fscache_test_hash_known_values(struct kunit *test)
{
	const struct ft_hash_case *p = test->param_value;

	KUNIT_EXPECT_EQ(test, fscache_hash(0, p->data, strlen(p->data)), p->hash);
}

struct ft_vkey_case {
	const char	*desc;
	unsigned int	len;
	int		slash_at;	/* Index of a '/', or -1 */
	bool		ok;
};

static const struct ft_vkey_case ft_vkey_cases[] = {
	{ "plain",		8,			-1,	true },
	{ "longest",		FSCACHE_VOLUME_KEY_MAX,	-1,	true },
	{ "too_long",		FSCACHE_VOLUME_KEY_MAX + 1, -1,	false },
	{ "empty",		0,			-1,	false },
	{ "leading_slash",	8,			0,	false },
	{ "inner_slash",	8,			4,	false },
	{ "trailing_slash",	8,			7,	false },
};

static void ft_vkey_case_desc(const struct ft_vkey_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s_%u_%s", p->desc, p->len,
		 p->ok ? "accepted" : "refused");
}

KUNIT_ARRAY_PARAM(ft_vkey, ft_vkey_cases, ft_vkey_case_desc);

/* Volume keys are printable without '/', 1 to 254 chars, stored as length, key, NUL, zero padding. */
static void fscache_test_volume_keys(struct kunit *test)
{
	const struct ft_vkey_case *p = test->param_value;
	struct fscache_volume *volume;
	unsigned int i, stored;
	char *key;

	key = kunit_kzalloc(test, p->len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, key);
	memset(key, 'v', p->len);
	if (p->slash_at >= 0)
		key[p->slash_at] = '/';

	volume = __fscache_acquire_volume(key, NULL, NULL, 0);
	if (!p->ok) {
		KUNIT_EXPECT_NULL(test, volume);
		return;
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, volume);
	ft_track_volume(test, volume);
	KUNIT_EXPECT_EQ(test, volume->key[0], p->len);
	KUNIT_EXPECT_EQ(test, memcmp(volume->key + 1, key, p->len), 0);
	stored = round_up(1 + p->len + 1, sizeof(u32));
	for (i = 1 + p->len; i < stored; i++)
		KUNIT_EXPECT_EQ_MSG(test, volume->key[i], 0, "byte %u of the stored key", i);
	KUNIT_EXPECT_EQ(test, volume->key_hash, fscache_hash(0, volume->key, stored));
}

/* Different keys coexist; a live key is busy; a freed key can be acquired again, with the same hash. */
static void fscache_test_volume_collide_live(struct kunit *test)
{
	struct fscache_volume *a, *b, *again;
	unsigned int hash;

	a = ft_volume(test, "ft-vol-a", NULL);
	b = ft_volume(test, "ft-vol-b", NULL);
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_TRUE(test, ft_volume_listed("ft-vol-a"));
	KUNIT_EXPECT_TRUE(test, ft_volume_listed("ft-vol-b"));

	KUNIT_EXPECT_PTR_EQ(test, __fscache_acquire_volume("ft-vol-a", NULL, NULL, 0),
			    ERR_PTR(-EBUSY));
	/* The key alone names the volume, whatever cache is asked for. */
	KUNIT_EXPECT_PTR_EQ(test, __fscache_acquire_volume("ft-vol-b", ft_cache_name(test), NULL, 0),
			    ERR_PTR(-EBUSY));
	KUNIT_EXPECT_FALSE(test, ft_cache_listed(ft_cache_name(test)));

	hash = a->key_hash;
	ft_volume_relinquish(test, a);
	again = ft_volume(test, "ft-vol-a", NULL);
	KUNIT_EXPECT_EQ(test, again->key_hash, hash);
}

enum ft_hold { FT_HOLD_REF, FT_HOLD_COOKIE };

struct ft_vcoll_case {
	const char	*desc;
	enum ft_hold	hold;
};

static const struct ft_vcoll_case ft_vcoll_cases[] = {
	{ "held_by_extra_ref",	FT_HOLD_REF },
	{ "held_by_cookie",	FT_HOLD_COOKIE },
};

static void ft_vcoll_case_desc(const struct ft_vcoll_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_vcoll, ft_vcoll_cases, ft_vcoll_case_desc);

/* Acquiring the key of a relinquished volume still referenced waits until the old one is freed. */
static void fscache_test_volume_collide_relinquished(struct kunit *test)
{
	const struct ft_vcoll_case *p = test->param_value;
	struct fscache_cookie *cookie = NULL;
	struct fscache_volume *old;
	struct ft_helper *helper;

	old = __fscache_acquire_volume("ft-vol-coll", NULL, NULL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, old);
	if (p->hold == FT_HOLD_REF) {
		KUNIT_ASSERT_PTR_EQ(test, fscache_try_get_volume(old, fscache_volume_get_hash_collision),
				    old);
	} else {
		cookie = __fscache_acquire_cookie(old, 0, "held", 4, NULL, 0, 0);
		KUNIT_ASSERT_NOT_NULL(test, cookie);
	}
	__fscache_relinquish_volume(old, NULL, false);
	flush_workqueue(fscache_wq);
	KUNIT_EXPECT_TRUE(test, ft_volume_listed("ft-vol-coll"));

	helper = ft_helper_start(test, ft_do_acquire_volume, NULL, "ft-vol-coll");
	KUNIT_EXPECT_TRUE_MSG(test, ft_wait_for(test_bit(FSCACHE_VOLUME_COLLIDED_WITH, &old->flags)),
			      "the second acquisition never saw the first volume");
	KUNIT_EXPECT_TRUE(test, ft_wait_for(ft_helper_blocked(helper)));
	KUNIT_EXPECT_FALSE(test, completion_done(&helper->done));

	if (p->hold == FT_HOLD_REF) {
		fscache_put_volume(old, fscache_volume_put_hash_collision);
	} else {
		fscache_get_cookie(cookie, fscache_cookie_get_hash_collision);
		__fscache_relinquish_cookie(cookie, false);
		ft_cookie_reap(test, cookie);
	}
	KUNIT_ASSERT_TRUE_MSG(test, ft_helper_wait(helper), "acquisition still blocked");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, helper->volume);
	ft_track_volume(test, helper->volume);
	KUNIT_EXPECT_STREQ(test, (char *)helper->volume->key + 1, "ft-vol-coll");
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_VOLUME_RELINQUISHED, &helper->volume->flags));
}

struct ft_ckey_case {
	unsigned int	key_len;
	unsigned int	aux_len;
	bool		ok;
};

static const struct ft_ckey_case ft_ckey_cases[] = {
	{ 1,				0,				true },
	{ 16,				8,				true },	/* Inline */
	{ 17,				9,				true },	/* Out of line */
	{ FSCACHE_COOKIE_KEY_MAX,	FSCACHE_COOKIE_AUX_MAX,		true },
	{ 0,				0,				false },
	{ FSCACHE_COOKIE_KEY_MAX + 1,	0,				false },
	{ 8,				FSCACHE_COOKIE_AUX_MAX + 1,	false },
};

static void ft_ckey_case_desc(const struct ft_ckey_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "key%u_aux%u_%s", p->key_len, p->aux_len,
		 p->ok ? "accepted" : "refused");
}

KUNIT_ARRAY_PARAM(ft_ckey, ft_ckey_cases, ft_ckey_case_desc);

/* Cookie keys and aux data of the lengths the API allows are stored zero-padded; others refused. */
static void fscache_test_cookie_key_lengths(struct kunit *test)
{
	const struct ft_ckey_case *p = test->param_value;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	unsigned int i;
	u8 *key, *aux, *stored;

	key = kunit_kzalloc(test, p->key_len + 1, GFP_KERNEL);
	aux = kunit_kzalloc(test, p->aux_len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, key);
	KUNIT_ASSERT_NOT_NULL(test, aux);
	for (i = 0; i < p->key_len; i++)
		key[i] = 0xa0 + i % 16;
	memset(aux, 0x5a, p->aux_len);

	volume = ft_volume(test, "ft-ckey", NULL);
	cookie = __fscache_acquire_cookie(volume, 0, key, p->key_len, aux, p->aux_len, 0);
	if (!p->ok) {
		KUNIT_EXPECT_NULL(test, cookie);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, cookie);
	ft_track_cookie(test, cookie);
	KUNIT_EXPECT_EQ(test, cookie->key_len, p->key_len);
	KUNIT_EXPECT_EQ(test, cookie->aux_len, p->aux_len);
	stored = fscache_get_key(cookie);
	KUNIT_EXPECT_EQ(test, memcmp(stored, key, p->key_len), 0);
	for (i = p->key_len; i < round_up(p->key_len, sizeof(u32)); i++)
		KUNIT_EXPECT_EQ_MSG(test, stored[i], 0, "key padding byte %u", i);
	KUNIT_EXPECT_EQ(test, memcmp(fscache_get_aux(cookie), aux, p->aux_len), 0);
}

/* A live key is refused in its volume, allowed in another, and hashes the same when acquired again. */
static void fscache_test_cookie_keys(struct kunit *test)
{
	struct fscache_volume *v1, *v2;
	struct fscache_cookie *c1, *c2, *ab2, *ab3;
	u32 hash;

	v1 = ft_volume(test, "ft-ck-1", NULL);
	v2 = ft_volume(test, "ft-ck-2", NULL);
	c1 = ft_cookie(test, v1, "same");
	KUNIT_EXPECT_NULL(test, __fscache_acquire_cookie(v1, 0, "same", 4, NULL, 0, 0));
	c2 = ft_cookie(test, v2, "same");
	KUNIT_EXPECT_PTR_NE(test, c1, c2);

	/* Equality is by length and bytes: the zero padding must not make these two equal. */
	ab2 = __fscache_acquire_cookie(v1, 0, "ab", 2, NULL, 0, 0);
	ab3 = __fscache_acquire_cookie(v1, 0, "ab\0", 3, NULL, 0, 0);
	KUNIT_EXPECT_NOT_NULL(test, ab2);
	KUNIT_EXPECT_NOT_NULL(test, ab3);
	if (ab2)
		ft_track_cookie(test, ab2);
	if (ab3)
		ft_track_cookie(test, ab3);

	/* Stable: the same key in a volume of the same key hashes the same, whatever the objects. */
	hash = c1->key_hash;
	ft_relinquish(test, c1, false);
	c1 = ft_cookie(test, v1, "same");
	KUNIT_EXPECT_EQ(test, c1->key_hash, hash);
	ft_relinquish(test, c1, false);
	ft_relinquish(test, c2, false);
	if (ab2)
		ft_relinquish(test, ab2, false);
	if (ab3)
		ft_relinquish(test, ab3, false);
	ft_volume_relinquish(test, v1);
	v1 = ft_volume(test, "ft-ck-1", NULL);
	c1 = ft_cookie(test, v1, "same");
	KUNIT_EXPECT_EQ(test, c1->key_hash, hash);
}

/* A cookie whose predecessor with the same key is still being torn down waits for it to look up. */
static void fscache_test_cookie_waits_for_predecessor(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct fscache_volume *volume;
	struct fscache_cookie *old, *new;
	struct ft_helper *relinquisher, *user;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-pred", ft_cache_name(test));
	old = ft_cookie(test, volume, "pred");
	ft_use(test, old);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(old, FSCACHE_COOKIE_STATE_ACTIVE));
	/* An operation in progress holds up the old cookie's teardown. */
	KUNIT_ASSERT_EQ(test, ft_begin_read(test, old, &cres), 0);
	ft_unuse(test, old);

	ft_slot(ctx, old)->cookie = NULL;
	fscache_get_cookie(old, fscache_cookie_get_hash_collision);
	relinquisher = ft_helper_start(test, ft_do_relinquish, old, NULL);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(old, FSCACHE_COOKIE_STATE_RELINQUISHING));

	new = ft_cookie(test, volume, "pred");
	KUNIT_EXPECT_EQ(test, new->key_hash, old->key_hash);
	user = ft_use_async(test, new);
	/*
	 * Once its procedure has taken the request, the lookup can only wait for the old cookie.  The
	 * sleep orders nothing: it gives a wrong core the time to call the backend, which would then fail
	 * the checks below (too short a sleep could only make the case pass without proving much).
	 */
	KUNIT_EXPECT_TRUE(test, ft_wait_for(!test_bit(FSCACHE_COOKIE_DO_LOOKUP, &new->flags) &&
					    test_bit(FSCACHE_COOKIE_RUNNING, &new->flags)));
	msleep(FT_POLL_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	KUNIT_EXPECT_NE(test, (int)fscache_cookie_state(new), FSCACHE_COOKIE_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ft_obj(old)->n_withdraw), 0);

	ft_end_op(test, &cres);
	KUNIT_EXPECT_TRUE(test, ft_helper_wait(relinquisher));
	ft_cookie_reap(test, old);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(new, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 2);
	KUNIT_EXPECT_TRUE(test, ft_helper_wait(user));
}

/*
 * Lazy binding: a cookie in use before any cache is bound starts caching at its next read.
 */
struct ft_bind_case {
	const char	*desc;
	bool		names_cache;
};

static const struct ft_bind_case ft_bind_cases[] = {
	{ "volume_names_no_cache",	false },
	{ "volume_names_the_cache",	true },
};

static void ft_bind_case_desc(const struct ft_bind_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_bind, ft_bind_cases, ft_bind_case_desc);

static void fscache_test_bind_after_use(struct kunit *test)
{
	const struct ft_bind_case *p = test->param_value;
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	int begun, ended;

	KUNIT_ASSERT_EQ_MSG(test, atomic_read(&fscache_n_active_caches), 0,
			    "another cache is live: this case needs none");
	volume = ft_volume(test, "ft-bind", p->names_cache ? ft_cache_name(test) : NULL);
	cookie = ft_cookie(test, volume, "bind");
	ft_use(test, cookie);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_QUIESCENT);
	KUNIT_EXPECT_EQ(test, ft_begin_read(test, cookie, &cres), -ENOBUFS);
	KUNIT_EXPECT_NULL(test, cres.ops);

	ft_cache_add(test);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 0);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_QUIESCENT);
	/* The first read after the cache came asks for the lookup. */
	ft_read_asks_lookup(test, cookie);
	KUNIT_ASSERT_EQ(test, (int)fscache_cookie_state(cookie), FSCACHE_COOKIE_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	KUNIT_EXPECT_PTR_EQ(test, volume->cache, ctx->cache);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_acquire_volume), 1);

	begun = atomic_read(&ctx->n_begin_op);
	ended = atomic_read(&ctx->n_end_op);
	KUNIT_ASSERT_EQ(test, ft_begin_read(test, cookie, &cres), 0);
	KUNIT_EXPECT_PTR_EQ(test, cres.ops, &ft_netfs_cache_ops);
	KUNIT_EXPECT_PTR_EQ(test, fscache_cres_cookie(&cres), cookie);
	KUNIT_EXPECT_EQ(test, cres.inval_counter, cookie->inval_counter);
	KUNIT_EXPECT_EQ(test, cres.debug_id, cookie->debug_id);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_begin_op), begun + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&cookie->n_accesses), 1);
	/* What the backend's read path does first. */
	KUNIT_EXPECT_TRUE(test, fscache_wait_for_operation(&cres, FSCACHE_WANT_READ));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_begin_op), begun + 1);
	ft_end_op(test, &cres);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_end_op), ended + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&cookie->n_accesses), 0);
	KUNIT_EXPECT_NULL(test, cres.ops);

	/* Only once: later reads use the object. */
	KUNIT_ASSERT_EQ(test, ft_begin_read(test, cookie, &cres), 0);
	ft_end_op(test, &cres);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_begin_op), begun + 2);
}

/*
 * Local modification: the backend is told once, at lookup or at once if looked up already, and a
 * resize goes through an operation.
 */
static void fscache_test_write_and_resize(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	struct fscache_cookie *early, *late;
	int begun, ended;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-write", ft_cache_name(test));
	early = ft_cookie(test, volume, "write-early");
	late = ft_cookie(test, volume, "write-late");

	/* Opened for writing before the lookup: prepared right after it. */
	ft_use_for_write(test, early);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(early, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_LOCAL_WRITE, &early->flags));
	KUNIT_EXPECT_TRUE(test, ft_wait_for(atomic_read(&ctx->n_prepare_to_write) == 1));

	/* Opened for reading, then for writing: prepared then, once. */
	ft_use(test, late);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(late, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_prepare_to_write), 1);
	ft_use_for_write(test, late);
	KUNIT_EXPECT_TRUE(test, ft_wait_for(atomic_read(&ctx->n_prepare_to_write) == 2));
	ft_use_for_write(test, late);
	ft_use_for_write(test, early);
	KUNIT_EXPECT_TRUE(test, ft_wait_for(refcount_read(&late->ref) == 2 &&
					    refcount_read(&early->ref) == 2));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_prepare_to_write), 2);

	begun = atomic_read(&ctx->n_begin_op);
	ended = atomic_read(&ctx->n_end_op);
	__fscache_resize_cookie(late, 12345);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_resize), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_begin_op), begun + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_end_op), ended + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&late->n_accesses), 0);
}

/*
 * Invalidation.
 */
static void fscache_test_invalidate_active(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	unsigned int counter;
	struct ft_object *obj;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-inval", ft_cache_name(test));
	cookie = ft_cookie(test, volume, "inval");
	ft_use(test, cookie);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	obj = ft_obj(cookie);
	counter = cookie->inval_counter;

	__fscache_invalidate(cookie, NULL, 4096, 0);
	KUNIT_EXPECT_EQ(test, cookie->inval_counter, counter + 1);
	KUNIT_EXPECT_EQ(test, cookie->object_size, 4096);
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_NO_DATA_TO_READ, &cookie->flags));
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_invalidate), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_invalidate), 1);

	KUNIT_ASSERT_EQ(test, ft_begin_read(test, cookie, &cres), 0);
	KUNIT_EXPECT_EQ(test, cres.inval_counter, counter + 1);

	/* A read in progress sees the counter move under it, and the invalidation does not wait. */
	__fscache_invalidate(cookie, NULL, 8192, 0);
	KUNIT_EXPECT_NE(test, cres.inval_counter, cookie->inval_counter);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_invalidate), 2);
	ft_end_op(test, &cres);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_withdraw), 0);
}

/*
 * A failed invalidation leaves the object's old content under the new coherency data: the backend is
 * told to delete the object (withdrawn as retired), not to commit it, and the next use looks up afresh.
 */
static void fscache_test_invalidate_fails(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	struct ft_object *obj;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-inval-fail", ft_cache_name(test));
	cookie = ft_cookie(test, volume, "inval-fail");
	ft_use(test, cookie);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	obj = ft_obj(cookie);

	WRITE_ONCE(ctx->fail_invalidate, true);
	__fscache_invalidate(cookie, NULL, 4096, 0);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_QUIESCENT));
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_invalidate), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_withdraw), 1);
	KUNIT_EXPECT_TRUE(test, obj->retired);
	KUNIT_EXPECT_FALSE(test, test_bit(FSCACHE_COOKIE_RETIRED, &cookie->flags));
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags));
	KUNIT_EXPECT_EQ(test, ft_begin_read(test, cookie, &cres), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);

	WRITE_ONCE(ctx->fail_invalidate, false);
	ft_unuse(test, cookie);
	ft_use(test, cookie);
	KUNIT_EXPECT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 2);
}

/*
 * An invalidation asked for while the cookie is LOOKING_UP is done after the lookup, before any I/O sees
 * the object: whether the lookup was running in the backend or only asked for.
 */
struct ft_inval_case {
	const char	*desc;
	bool		lookup_running;
};

static const struct ft_inval_case ft_inval_cases[] = {
	{ "lookup_running_in_backend",	true },
	{ "lookup_asked_not_started",	false },
};

static void ft_inval_case_desc(const struct ft_inval_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_inval, ft_inval_cases, ft_inval_case_desc);

static void fscache_test_invalidate_during_lookup(struct kunit *test)
{
	const struct ft_inval_case *p = test->param_value;
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct ft_helper *reader = NULL;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	unsigned int counter;
	struct ft_object *obj;

	ft_find_dispatchers(test);
	ft_cache_add(test);
	volume = ft_volume(test, "ft-inval-lookup", ft_cache_name(test));
	cookie = ft_cookie(test, volume, p->lookup_running ? FT_KEY_BLOCK "-inval" : "inval");
	counter = cookie->inval_counter;

	if (p->lookup_running) {
		ft_use_async(test, cookie);
		KUNIT_ASSERT_TRUE(test, wait_event_timeout(ctx->wq, atomic_read(&ctx->n_blocked) == 1,
							   FT_TIMEOUT));
		/* A read waits for the lookup. */
		reader = ft_helper_start(test, ft_do_begin_read, cookie, NULL);
		KUNIT_EXPECT_TRUE(test, ft_wait_for(ft_helper_blocked(reader)));
	} else {
		/*
		 * Handed to an idle pool thread, which on UML cannot run before this thread sleeps: the
		 * lookup is asked for, and the cookie LOOKING_UP, but the lookup has not started.
		 */
		KUNIT_ASSERT_TRUE(test, ft_wait_for(ft_dispatchers_idle(ctx)));
		ft_use(test, cookie);
		if (fscache_cookie_state(cookie) != FSCACHE_COOKIE_STATE_LOOKING_UP ||
		    !test_bit(FSCACHE_COOKIE_DO_LOOKUP, &cookie->flags))
			kunit_skip(test, "the lookup was not pending after use (%s)",
				   ft_state_name(fscache_cookie_state(cookie)));
	}
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_LOOKING_UP);

	__fscache_invalidate(cookie, NULL, 512, 0);
	KUNIT_EXPECT_EQ(test, cookie->inval_counter, counter + 1);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_LOOKING_UP);

	complete_all(&ctx->release);
	if (reader) {
		KUNIT_ASSERT_TRUE(test, ft_helper_wait(reader));
		KUNIT_ASSERT_EQ(test, reader->ret, 0);
		KUNIT_EXPECT_EQ(test, reader->cres.inval_counter, counter + 1);
		fscache_end_operation(&reader->cres);
	} else {
		KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
		KUNIT_ASSERT_EQ(test, ft_begin_read(test, cookie, &cres), 0);
		KUNIT_EXPECT_EQ(test, cres.inval_counter, counter + 1);
		ft_end_op(test, &cres);
	}
	obj = ft_obj(cookie);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ_MSG(test, obj->inval_at_begin_op, 1,
			    "the first I/O saw an object invalidated %d times, want 1",
			    obj->inval_at_begin_op);
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_invalidate), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_ACTIVE);
}

/*
 * Who runs the procedures: an idle pool thread, else the caller if it may sleep, else fscache_wq.
 */
enum ft_runner { FT_RUN_DISPATCHER, FT_RUN_CALLER, FT_RUN_WORKQUEUE };

struct ft_dispatch_case {
	const char	*desc;
	bool		pool_busy;
	bool		by_read;	/* Kicked by a read (may not sleep) rather than a use */
	enum ft_runner	expect;
};

static const struct ft_dispatch_case ft_dispatch_cases[] = {
	{ "idle_pool_use_runs_in_pool",		false,	false,	FT_RUN_DISPATCHER },
	{ "idle_pool_read_runs_in_pool",	false,	true,	FT_RUN_DISPATCHER },
	{ "busy_pool_use_runs_in_caller",	true,	false,	FT_RUN_CALLER },
	{ "busy_pool_read_runs_on_fscache_wq",	true,	true,	FT_RUN_WORKQUEUE },
};

static void ft_dispatch_case_desc(const struct ft_dispatch_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_dispatch, ft_dispatch_cases, ft_dispatch_case_desc);

static void fscache_test_dispatch(struct kunit *test)
{
	const struct ft_dispatch_case *p = test->param_value;
	struct fscache_cookie *blocked[FSCACHE_DISPATCH_THREADS_MAX];
	struct ft_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	struct fscache_cookie *probe;
	unsigned int n_blocked = 0, i;
	struct ft_object *obj;

	ft_find_dispatchers(test);
	volume = ft_volume(test, "ft-dispatch", ft_cache_name(test));
	probe = ft_cookie(test, volume, "probe");
	if (p->by_read)
		ft_use(test, probe);	/* No cache yet: nothing to look up */
	ft_cache_add(test);
	if (p->pool_busy)
		n_blocked = ft_occupy_dispatchers(test, volume, blocked);
	else
		KUNIT_ASSERT_TRUE(test, ft_wait_for(ft_dispatchers_idle(ctx)));
	FT_EXPECT_STATE(test, probe, FSCACHE_COOKIE_STATE_QUIESCENT);

	if (p->by_read) {
		ft_read_asks_lookup(test, probe);
	} else {
		ft_use(test, probe);
		if (p->expect == FT_RUN_CALLER)
			FT_EXPECT_STATE(test, probe, FSCACHE_COOKIE_STATE_ACTIVE);
	}
	KUNIT_ASSERT_TRUE(test, ft_wait_state(probe, FSCACHE_COOKIE_STATE_ACTIVE));
	obj = ft_obj(probe);
	KUNIT_ASSERT_NOT_NULL(test, obj);

	switch (p->expect) {
	case FT_RUN_DISPATCHER:
		KUNIT_EXPECT_PTR_NE(test, obj->lookup_task, ctx->test_task);
		KUNIT_EXPECT_TRUE(test, ft_is_dispatcher(ctx, obj->lookup_task));
		KUNIT_EXPECT_EQ_MSG(test, strncmp(obj->lookup_comm, FT_DISPATCHER_COMM,
						  strlen(FT_DISPATCHER_COMM)), 0,
				    "looked up by %s", obj->lookup_comm);
		break;
	case FT_RUN_CALLER:
		KUNIT_EXPECT_PTR_EQ(test, obj->lookup_task, ctx->test_task);
		break;
	case FT_RUN_WORKQUEUE:
		KUNIT_EXPECT_TRUE_MSG(test, obj->lookup_task_flags & PF_WQ_WORKER,
				      "looked up by %s", obj->lookup_comm);
		break;
	}

	complete_all(&ctx->release);
	for (i = 0; i < n_blocked; i++)
		KUNIT_EXPECT_TRUE(test, ft_wait_state(blocked[i], FSCACHE_COOKIE_STATE_ACTIVE));
}

/*
 * Cache withdrawal.
 */
static void fscache_test_withdraw(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct fscache_volume *va, *vb;
	struct fscache_cookie *quiet, *active, *lru, *failed, *blocked;
	struct ft_object *o_active, *o_lru, *o_blocked;
	struct fscache_cache *cache;
	struct ft_helper *user, *withdrawer;

	ft_cache_add(test);
	cache = ctx->cache;
	va = ft_volume(test, "ft-wd-a", ft_cache_name(test));
	vb = ft_volume(test, "ft-wd-b", NULL);
	quiet = ft_cookie(test, va, "quiescent");
	active = ft_cookie(test, va, "active");
	lru = ft_cookie(test, va, "lru");
	failed = ft_cookie(test, va, FT_KEY_FAIL "-wd");
	blocked = ft_cookie(test, vb, FT_KEY_BLOCK "-wd");

	ft_use(test, active);
	ft_use(test, lru);
	ft_use(test, failed);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(active, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_ASSERT_TRUE(test, ft_wait_state(lru, FSCACHE_COOKIE_STATE_ACTIVE));
	/* A failed lookup leaves the cookie uncached, to be retried at its next use. */
	KUNIT_ASSERT_TRUE(test, ft_wait_state(failed, FSCACHE_COOKIE_STATE_QUIESCENT));
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &failed->flags));
	ft_unuse(test, lru);
	KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_ON_LRU, &lru->flags));
	user = ft_use_async(test, blocked);
	KUNIT_ASSERT_TRUE(test, wait_event_timeout(ctx->wq, atomic_read(&ctx->n_blocked) == 1,
						   FT_TIMEOUT));
	KUNIT_ASSERT_EQ(test, ft_begin_read(test, active, &cres), 0);
	o_active = ft_obj(active);
	o_lru = ft_obj(lru);
	o_blocked = ft_obj(blocked);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_withdraw), 1);	/* The failed lookup's */
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_acquire_volume), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&cache->object_count), 3);

	/* The withdrawal waits for the lookup in progress... */
	withdrawer = ft_helper_start(test, ft_do_withdraw, NULL, NULL);
	KUNIT_ASSERT_TRUE(test, ft_wait_for(fscache_cache_state_read(cache) ==
					    FSCACHE_CACHE_IS_WITHDRAWN));
	KUNIT_EXPECT_TRUE(test, ft_wait_for(ft_helper_blocked(withdrawer)));
	FT_EXPECT_STATE(test, blocked, FSCACHE_COOKIE_STATE_LOOKING_UP);
	FT_EXPECT_STATE(test, active, FSCACHE_COOKIE_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_withdraw), 1);
	complete_all(&ctx->release);
	KUNIT_EXPECT_TRUE(test, ft_helper_wait(user));

	/* ...then for the read in progress, whose object it cannot withdraw before the read ends. */
	KUNIT_ASSERT_TRUE(test, ft_wait_state(active, FSCACHE_COOKIE_STATE_WITHDRAWING));
	KUNIT_EXPECT_TRUE(test, ft_wait_for(ft_helper_blocked(withdrawer)));
	KUNIT_EXPECT_EQ(test, atomic_read(&o_active->n_withdraw), 0);
	ft_end_op(test, &cres);
	KUNIT_ASSERT_TRUE_MSG(test, ft_helper_wait(withdrawer), "withdrawal never ended");

	FT_EXPECT_STATE(test, quiet, FSCACHE_COOKIE_STATE_QUIESCENT);
	FT_EXPECT_STATE(test, active, FSCACHE_COOKIE_STATE_QUIESCENT);
	FT_EXPECT_STATE(test, lru, FSCACHE_COOKIE_STATE_QUIESCENT);
	FT_EXPECT_STATE(test, blocked, FSCACHE_COOKIE_STATE_QUIESCENT);
	KUNIT_EXPECT_EQ(test, atomic_read(&o_active->n_withdraw), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&o_lru->n_withdraw), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&o_blocked->n_withdraw), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_withdraw), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_invalidate), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_objects), 0);
	KUNIT_EXPECT_EQ(test, ctx->object_count_at_relinquish, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_withdraw_volume), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&va->n_accesses), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&vb->n_accesses), 0);
	KUNIT_EXPECT_NULL(test, va->cache_priv);
	KUNIT_EXPECT_NULL(test, vb->cache_priv);
	KUNIT_EXPECT_EQ(test, atomic_read(&active->n_accesses), 0);

	/* Bound again under the same name: the cookies in use look up again at their next read. */
	ft_cache_add(test);
	KUNIT_EXPECT_PTR_EQ(test, ctx->cache, cache);	/* The volumes kept the record */
	ft_read_asks_lookup(test, active);
	ft_read_asks_lookup(test, blocked);
	ft_use(test, lru);
	ft_use(test, quiet);
	KUNIT_EXPECT_TRUE(test, ft_wait_state(lru, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_TRUE(test, ft_wait_state(quiet, FSCACHE_COOKIE_STATE_ACTIVE));
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 8);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_acquire_volume), 4);
	KUNIT_EXPECT_NOT_NULL(test, va->cache_priv);
	KUNIT_EXPECT_NOT_NULL(test, vb->cache_priv);
}

/*
 * A cookie whose caching failed is usable again once its cache has been reset (withdrawn and bound
 * again), as fscache_caching_failed() is documented: "no further I/O operations should take place on
 * it until the cache is reset".
 */
enum ft_failure { FT_FAIL_LOOKUP, FT_FAIL_IO };

struct ft_failed_case {
	const char	*desc;
	enum ft_failure	how;
};

static const struct ft_failed_case ft_failed_cases[] = {
	{ "after_failed_lookup",		FT_FAIL_LOOKUP },
	{ "after_caching_failed_during_io",	FT_FAIL_IO },
};

static void ft_failed_case_desc(const struct ft_failed_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_failed, ft_failed_cases, ft_failed_case_desc);

static void fscache_test_withdraw_failed(struct kunit *test)
{
	const struct ft_failed_case *p = test->param_value;
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-failed", ft_cache_name(test));
	cookie = ft_cookie(test, volume, FT_KEY_FAIL "-reset");
	if (p->how == FT_FAIL_IO)
		WRITE_ONCE(ctx->heal, true);
	ft_use(test, cookie);
	if (p->how == FT_FAIL_IO) {
		KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
		KUNIT_ASSERT_EQ(test, ft_begin_read(test, cookie, &cres), 0);
		fscache_caching_failed(cookie);
		ft_end_op(test, &cres);
	}
	if (p->how == FT_FAIL_IO) {
		KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_FAILED));
	} else {
		/* Uncached again, marked so that reads do not retry the lookup. */
		KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_QUIESCENT));
		KUNIT_EXPECT_TRUE(test, test_bit(FSCACHE_COOKIE_LOOKUP_FAILED, &cookie->flags));
	}
	KUNIT_EXPECT_EQ(test, ft_begin_read(test, cookie, &cres), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);

	ft_cache_withdraw(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_withdraw), 1);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_QUIESCENT);

	WRITE_ONCE(ctx->heal, true);
	ft_cache_add(test);
	if (p->how == FT_FAIL_IO) {
		ft_read_asks_lookup(test, cookie);
	} else {
		/* After a failed lookup, the next use (not a read) tries again. */
		KUNIT_EXPECT_EQ(test, ft_begin_read(test, cookie, &cres), -ENOBUFS);
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
		ft_unuse(test, cookie);
		ft_use(test, cookie);
		KUNIT_EXPECT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 2);
}

/*
 * Relinquishment: the backend deletes the object of a retired cookie.
 */
struct ft_retire_case {
	const char	*desc;
	bool		retire;
	bool		looked_up;
};

static const struct ft_retire_case ft_retire_cases[] = {
	{ "kept",			false,	true },
	{ "retired",			true,	true },
	{ "retired_never_looked_up",	true,	false },
};

static void ft_retire_case_desc(const struct ft_retire_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_retire, ft_retire_cases, ft_retire_case_desc);

static void fscache_test_relinquish_retire(struct kunit *test)
{
	const struct ft_retire_case *p = test->param_value;
	struct ft_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	struct ft_object *obj = NULL;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-retire", ft_cache_name(test));
	cookie = ft_cookie(test, volume, "retire");
	if (p->looked_up) {
		ft_use(test, cookie);
		KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
		obj = ft_obj(cookie);
		ft_unuse(test, cookie);
	}
	ft_relinquish(test, cookie, p->retire);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_withdraw), p->looked_up ? 1 : 0);
	if (obj) {
		KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_withdraw), 1);
		KUNIT_EXPECT_EQ(test, obj->retired, p->retire);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_objects), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->cache->object_count), 0);
}

/* Relinquished while its lookup runs: the relinquisher does not wait, the teardown follows the lookup. */
static void fscache_test_relinquish_during_lookup(struct kunit *test)
{
	struct ft_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	struct ft_helper *user;
	struct ft_object *obj;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-rel-lookup", ft_cache_name(test));
	cookie = ft_cookie(test, volume, FT_KEY_BLOCK "-rel");
	user = ft_use_async(test, cookie);
	KUNIT_ASSERT_TRUE(test, wait_event_timeout(ctx->wq, atomic_read(&ctx->n_blocked) == 1,
						   FT_TIMEOUT));
	obj = ft_obj(cookie);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	ft_unuse(test, cookie);

	ft_slot(ctx, cookie)->cookie = NULL;
	fscache_get_cookie(cookie, fscache_cookie_get_hash_collision);	/* (tracing only) */
	__fscache_relinquish_cookie(cookie, true);
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_LOOKING_UP);
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_withdraw), 0);

	complete_all(&ctx->release);
	KUNIT_EXPECT_TRUE(test, ft_helper_wait(user));
	ft_cookie_reap(test, cookie);
	KUNIT_EXPECT_EQ(test, atomic_read(&obj->n_withdraw), 1);
	KUNIT_EXPECT_TRUE(test, obj->retired);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_lookup), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->cache->object_count), 0);
}

/*
 * A cache that stopped, or a cookie disabled, refuses new I/O at once, without waiting.
 */
enum ft_stop { FT_STOP_IO_ERROR, FT_STOP_WITHDRAWN, FT_STOP_DIO_WRITE };

struct ft_stop_case {
	const char	*desc;
	enum ft_stop	how;
};

static const struct ft_stop_case ft_stop_cases[] = {
	{ "read_after_cache_io_error",		FT_STOP_IO_ERROR },
	{ "read_while_cache_withdrawing",	FT_STOP_WITHDRAWN },
	{ "write_after_dio_disabled_cookie",	FT_STOP_DIO_WRITE },
};

static void ft_stop_case_desc(const struct ft_stop_case *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ft_stop, ft_stop_cases, ft_stop_case_desc);

struct ft_term {
	int	calls;
	ssize_t	result;
};

static void ft_term_func(void *priv, ssize_t transferred_or_error, bool was_async)
{
	struct ft_term *term = priv;

	term->calls++;
	term->result = transferred_or_error;
}

static void fscache_test_stopped_refuses_io(struct kunit *test)
{
	const struct ft_stop_case *p = test->param_value;
	struct ft_ctx *ctx = test->priv;
	struct netfs_cache_resources cres = {};
	struct address_space *mapping;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	struct ft_term term = {};
	struct ft_watchdog wd;
	int ret, begun;

	ft_cache_add(test);
	volume = ft_volume(test, "ft-stop", ft_cache_name(test));
	cookie = ft_cookie(test, volume, "stop");
	ft_use(test, cookie);
	KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));

	switch (p->how) {
	case FT_STOP_IO_ERROR:
		fscache_io_error(ctx->cache);
		KUNIT_EXPECT_EQ(test, (int)fscache_cache_state_read(ctx->cache),
				FSCACHE_CACHE_GOT_IOERROR);
		break;
	case FT_STOP_WITHDRAWN:
		fscache_withdraw_cache(ctx->cache);
		break;
	case FT_STOP_DIO_WRITE:
		__fscache_invalidate(cookie, NULL, 0, FSCACHE_INVAL_DIO_WRITE);
		KUNIT_ASSERT_TRUE(test, ft_wait_state(cookie, FSCACHE_COOKIE_STATE_ACTIVE));
		KUNIT_EXPECT_FALSE(test, fscache_cookie_enabled(cookie));
		break;
	}
	FT_EXPECT_STATE(test, cookie, FSCACHE_COOKIE_STATE_ACTIVE);
	begun = atomic_read(&ctx->n_begin_op);
	/* An empty mapping: the core walks it to drop PG_fscache marks, and finds none. */
	mapping = kunit_kzalloc(test, sizeof(*mapping), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mapping);
	xa_init(&mapping->i_pages);

	/* Nothing from here to the disarm may abort the case: the timer is on this stack. */
	ft_watchdog_arm(&wd, cookie);
	if (p->how == FT_STOP_DIO_WRITE) {
		/* fscache_write_to_cache() does not check the cookie is enabled: the core must. */
		__fscache_write_to_cache(cookie, mapping, 0, PAGE_SIZE, PAGE_SIZE, ft_term_func,
					 &term, true);
		ret = term.calls == 1 ? term.result : -EIO;
	} else {
		ret = ft_begin_read(test, cookie, &cres);
	}
	KUNIT_EXPECT_FALSE_MSG(test, ft_watchdog_disarm(&wd),
			       "the call busy-waited on the ACTIVE cookie: stopped by the watchdog");
	if (p->how == FT_STOP_DIO_WRITE)
		KUNIT_EXPECT_EQ(test, term.calls, 1);
	KUNIT_EXPECT_EQ(test, ret, -ENOBUFS);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->n_begin_op), begun);
	KUNIT_EXPECT_EQ(test, atomic_read(&cookie->n_accesses), 0);
}

static struct kunit_case fscache_test_cases[] = {
	KUNIT_CASE(fscache_test_cookie_lru),		/* First: see ft_init() */
	KUNIT_CASE_PARAM(fscache_test_hash_known_values, ft_hash_gen_params),
	KUNIT_CASE_PARAM(fscache_test_volume_keys, ft_vkey_gen_params),
	KUNIT_CASE(fscache_test_volume_collide_live),
	KUNIT_CASE_PARAM(fscache_test_volume_collide_relinquished, ft_vcoll_gen_params),
	KUNIT_CASE_PARAM(fscache_test_cookie_key_lengths, ft_ckey_gen_params),
	KUNIT_CASE(fscache_test_cookie_keys),
	KUNIT_CASE(fscache_test_cookie_waits_for_predecessor),
	KUNIT_CASE_PARAM(fscache_test_bind_after_use, ft_bind_gen_params),
	KUNIT_CASE(fscache_test_write_and_resize),
	KUNIT_CASE(fscache_test_invalidate_active),
	KUNIT_CASE(fscache_test_invalidate_fails),
	KUNIT_CASE_PARAM(fscache_test_invalidate_during_lookup, ft_inval_gen_params),
	KUNIT_CASE_PARAM(fscache_test_dispatch, ft_dispatch_gen_params),
	KUNIT_CASE(fscache_test_withdraw),
	KUNIT_CASE_PARAM(fscache_test_withdraw_failed, ft_failed_gen_params),
	KUNIT_CASE_PARAM(fscache_test_relinquish_retire, ft_retire_gen_params),
	KUNIT_CASE(fscache_test_relinquish_during_lookup),
	KUNIT_CASE_PARAM(fscache_test_stopped_refuses_io, ft_stop_gen_params),
	{}
};

static struct kunit_suite fscache_test_suite = {
	.name		= "fscache",
	.init		= ft_init,
	.exit		= ft_exit,
	.test_cases	= fscache_test_cases,
};
kunit_test_suite(fscache_test_suite);

MODULE_DESCRIPTION("KUnit tests of the fscache core");
MODULE_LICENSE("GPL");
