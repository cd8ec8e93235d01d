// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the LRU of unused cookies.
 *
 * A cookie whose last user went keeps its backend object open for fscache.lru_timeout_secs, in case it
 * is used again; then the scan asks for its LRU discard procedure.  The list is in order of disuse, so
 * the scan stops at the first cookie not yet due and rearms itself for it.  Being on the list holds a
 * reference (FSCACHE_COOKIE_ON_LRU).
 */
#include "internal.h"

#include <linux/module.h>

static LIST_HEAD(fscache_cookie_lru);
static DEFINE_SPINLOCK(fscache_cookie_lru_lock);
static void fscache_cookie_lru_scan(struct work_struct *work);
static DECLARE_DELAYED_WORK(fscache_cookie_lru_work, fscache_cookie_lru_scan);

unsigned int fscache_lru_timeout_secs = 10;
module_param_named(lru_timeout_secs, fscache_lru_timeout_secs, uint, 0644);
MODULE_PARM_DESC(lru_timeout_secs, "Seconds an unused cookie keeps its cache object open");

/* Take a cookie off the LRU; the caller holds a reference, so the LRU's is never the last. */
void fscache_cookie_lru_remove(struct fscache_cookie *cookie)
{
	bool was_on;

	spin_lock(&fscache_cookie_lru_lock);
	was_on = test_and_clear_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags);
	if (was_on)
		list_del_init(&cookie->commit_link);
	spin_unlock(&fscache_cookie_lru_lock);

	if (was_on) {
		fscache_stat(&fscache_n_cookies_lru_removed);
		fscache_stat_d(&fscache_n_cookies_lru);
		fscache_put_cookie(cookie, fscache_cookie_put_lru);
	}
}

static void fscache_cookie_lru_scan(struct work_struct *work)
{
	unsigned long timeout = fscache_lru_timeout_secs * HZ, expiry;
	struct fscache_cookie *cookie;

	spin_lock(&fscache_cookie_lru_lock);
	while ((cookie = list_first_entry_or_null(&fscache_cookie_lru, struct fscache_cookie,
						  commit_link))) {
		expiry = cookie->unused_at + timeout;
		if (time_before(jiffies, expiry)) {
			queue_delayed_work(fscache_wq, &fscache_cookie_lru_work, expiry - jiffies);
			break;
		}
		list_del_init(&cookie->commit_link);
		clear_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags);
		spin_unlock(&fscache_cookie_lru_lock);

		fscache_stat(&fscache_n_cookies_lru_expired);
		fscache_stat_d(&fscache_n_cookies_lru);
		trace_fscache_cookie(cookie->debug_id, refcount_read(&cookie->ref),
				     fscache_cookie_see_lru_do_one);
		fscache_cookie_request(cookie, FSCACHE_COOKIE_DO_LRU_DISCARD, true);
		fscache_put_cookie(cookie, fscache_cookie_put_lru);

		cond_resched();
		spin_lock(&fscache_cookie_lru_lock);
	}
	spin_unlock(&fscache_cookie_lru_lock);
}

/**
 * fscache_cookie_lru_add - Keep an unused cookie's object open for a while, in case it is used again
 * @cookie: The cookie, whose lock is held, with an object and no user
 */
void fscache_cookie_lru_add(struct fscache_cookie *cookie)
{
	spin_lock(&fscache_cookie_lru_lock);
	cookie->unused_at = jiffies;
	if (!test_and_set_bit(FSCACHE_COOKIE_ON_LRU, &cookie->flags)) {
		fscache_get_cookie(cookie, fscache_cookie_get_lru);
		fscache_stat(&fscache_n_cookies_lru);
	} else {
		list_del(&cookie->commit_link);
	}
	list_add_tail(&cookie->commit_link, &fscache_cookie_lru);
	spin_unlock(&fscache_cookie_lru_lock);

	queue_delayed_work(fscache_wq, &fscache_cookie_lru_work, fscache_lru_timeout_secs * HZ);
}

/* At unload, before the workqueue is drained: no cookie is left on the list by then. */
void fscache_cookie_lru_exit(void)
{
	cancel_delayed_work_sync(&fscache_cookie_lru_work);
}
