// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: module setup, the shared workqueue and the ABI's tracepoints.
 */
#define CREATE_TRACE_POINTS
#include "internal.h"

#include <linux/module.h>

MODULE_DESCRIPTION("FS Cache Manager (fscache-iter)");
MODULE_LICENSE("GPL");

/*
 * The 6.1 backend ABI lets backends emit these three events through the inline helpers of
 * fscache-cache.h, so their tracepoint symbols are exported.
 */
EXPORT_TRACEPOINT_SYMBOL(fscache_access_cache);
EXPORT_TRACEPOINT_SYMBOL(fscache_access_volume);
EXPORT_TRACEPOINT_SYMBOL(fscache_access);

/*
 * Work shared by the core and its backends: cookie procedures queued from atomic context, volume
 * releases, the LRU scan.  Backends queue on it through the exported pointer.
 */
struct workqueue_struct *fscache_wq;
EXPORT_SYMBOL(fscache_wq);

static int __init fscache_init(void)
{
	int ret;

	fscache_wq = alloc_workqueue("fscache", WQ_UNBOUND | WQ_FREEZABLE, 0);
	if (!fscache_wq)
		return -ENOMEM;

	ret = fscache_cookie_init();
	if (ret)
		goto err_destroy_wq;
	ret = fscache_dispatch_init();
	if (ret)
		goto err_cookie;
	ret = fscache_proc_init();
	if (ret)
		goto err_dispatch;
	return 0;

err_dispatch:
	fscache_dispatch_exit();
err_cookie:
	fscache_cookie_exit();
err_destroy_wq:
	destroy_workqueue(fscache_wq);
	return ret;
}
fs_initcall(fscache_init);

/*
 * Unload needs every netfs and backend module gone, so no cookie or volume is left, only their
 * teardown possibly still queued: the dispatcher threads finish what they hold, then destroying the
 * workqueue is drained (work items may queue more on it), and only then the cookie cache goes.
 */
static void __exit fscache_exit(void)
{
	fscache_proc_exit();
	fscache_dispatch_exit();
	fscache_cookie_exit();
	destroy_workqueue(fscache_wq);
}
module_exit(fscache_exit);
