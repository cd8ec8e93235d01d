// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the dispatcher, a pool of kernel threads that run cookie procedures (seed point 2).
 *
 * A procedure is handed to a pool thread only if one is idle at that moment; otherwise the caller runs
 * it itself (or, if it may not sleep, queues it on fscache_wq).  The pool therefore never holds a
 * backlog: latency is bounded by the procedure itself, and a burst of work spreads over the callers.
 *
 * Each thread parks itself on fscache_dispatch_idle and sleeps; a hand-off takes it off the list and
 * gives it exactly one cookie.  At exit the list is emptied under the lock first, so no hand-off can
 * race with kthread_stop(), and a thread finishes the cookie it was given before it stops.
 */
#include "internal.h"

#include <linux/freezer.h>
#include <linux/kthread.h>
#include <linux/module.h>

struct fscache_dispatcher {
	struct task_struct	*task;
	struct list_head	idle_link;	/* On fscache_dispatch_idle: under fscache_dispatch_lock */
	struct fscache_cookie	*cookie;	/* Handed over: under fscache_dispatch_lock */
	wait_queue_head_t	wait;
};

unsigned int fscache_dispatch_threads;
module_param_named(dispatch_threads, fscache_dispatch_threads, uint, 0444);
MODULE_PARM_DESC(dispatch_threads, "Dispatcher pool size (0: one per online CPU, at most "
		 __stringify(FSCACHE_DISPATCH_THREADS_MAX) ")");

static struct fscache_dispatcher *fscache_dispatchers;
static unsigned int fscache_nr_dispatchers;
static LIST_HEAD(fscache_dispatch_idle);
static DEFINE_SPINLOCK(fscache_dispatch_lock);
static bool fscache_dispatch_stopping;	/* Under fscache_dispatch_lock */

/**
 * fscache_dispatch_handoff - Give a cookie's procedures to an idle pool thread
 * @cookie: The cookie; the caller owns its FSCACHE_COOKIE_RUNNING and a reference, which pass on
 *
 * Any context.
 *
 * Return: true if a thread took it.
 */
bool fscache_dispatch_handoff(struct fscache_cookie *cookie)
{
	struct fscache_dispatcher *d;
	unsigned long flags;

	spin_lock_irqsave(&fscache_dispatch_lock, flags);
	d = list_first_entry_or_null(&fscache_dispatch_idle, struct fscache_dispatcher, idle_link);
	if (d) {
		/* Traced before the hand-over: the thread may free the cookie at once after it. */
		trace_fscache_dispatch(cookie->debug_id, READ_ONCE(cookie->flags),
				       fscache_dispatch_to_thread);
		list_del_init(&d->idle_link);
		d->cookie = cookie;
	}
	spin_unlock_irqrestore(&fscache_dispatch_lock, flags);

	if (d)
		wake_up(&d->wait);
	return d;
}

static struct fscache_cookie *fscache_dispatcher_take(struct fscache_dispatcher *d)
{
	struct fscache_cookie *cookie;

	spin_lock_irq(&fscache_dispatch_lock);
	cookie = d->cookie;
	d->cookie = NULL;
	if (!cookie && list_empty(&d->idle_link) && !fscache_dispatch_stopping)
		list_add(&d->idle_link, &fscache_dispatch_idle);
	spin_unlock_irq(&fscache_dispatch_lock);
	return cookie;
}

static int fscache_dispatcher_fn(void *data)
{
	struct fscache_dispatcher *d = data;
	struct fscache_cookie *cookie;

	set_freezable();
	while (!kthread_should_stop()) {
		cookie = fscache_dispatcher_take(d);
		if (cookie) {
			fscache_cookie_run(cookie);
			cond_resched();
			continue;
		}
		wait_event_freezable(d->wait, READ_ONCE(d->cookie) || kthread_should_stop());
	}

	/* A cookie handed over just before the stop is still ours to run. */
	cookie = fscache_dispatcher_take(d);
	if (cookie)
		fscache_cookie_run(cookie);
	return 0;
}

int __init fscache_dispatch_init(void)
{
	unsigned int i, n = fscache_dispatch_threads;

	if (!n)
		n = num_online_cpus();
	n = min_t(unsigned int, n, FSCACHE_DISPATCH_THREADS_MAX);

	fscache_dispatchers = kcalloc(n, sizeof(*fscache_dispatchers), GFP_KERNEL);
	if (!fscache_dispatchers)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		struct fscache_dispatcher *d = &fscache_dispatchers[i];

		INIT_LIST_HEAD(&d->idle_link);
		init_waitqueue_head(&d->wait);
		d->task = kthread_run(fscache_dispatcher_fn, d, "fscache_d/%u", i);
		if (IS_ERR(d->task)) {
			int ret = PTR_ERR(d->task);

			d->task = NULL;
			fscache_nr_dispatchers = i;
			fscache_dispatch_exit();
			return ret;
		}
	}
	fscache_nr_dispatchers = n;
	fscache_dispatch_threads = n;
	return 0;
}

void fscache_dispatch_exit(void)
{
	unsigned int i;

	spin_lock_irq(&fscache_dispatch_lock);
	fscache_dispatch_stopping = true;
	while (!list_empty(&fscache_dispatch_idle))
		list_del_init(fscache_dispatch_idle.next);
	spin_unlock_irq(&fscache_dispatch_lock);

	for (i = 0; i < fscache_nr_dispatchers; i++)
		kthread_stop(fscache_dispatchers[i].task);
	kfree(fscache_dispatchers);
	fscache_dispatchers = NULL;
	fscache_nr_dispatchers = 0;
}
