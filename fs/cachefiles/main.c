// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: cachefiles module setup and the backend operations it gives fscache.
 */
#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/cachefiles_iter.h>
#undef CREATE_TRACE_POINTS

#include <linux/module.h>
#include <linux/slab.h>
#include <net/genetlink.h>

MODULE_DESCRIPTION("Cache files on a local filesystem (fscache-iter)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(FSCACHE_GENL_NAME);

struct workqueue_struct *cachefiles_wq;
/* Cache objects, at their size (a kmalloc size class would round them up to 512 bytes). */
struct kmem_cache *cachefiles_object_jar;

const struct fscache_cache_ops cachefiles_cache_ops = {
	.name			= "cachefiles",
	.acquire_volume		= cachefiles_volume_acquire,
	.free_volume		= cachefiles_volume_free,
	.lookup_cookie		= cachefiles_object_lookup,
	.withdraw_cookie	= cachefiles_object_withdraw,
	.invalidate_cookie	= cachefiles_object_invalidate,
	.resize_cookie		= cachefiles_object_resize,
	.begin_operation	= cachefiles_begin_operation,
	.prepare_to_write	= cachefiles_object_prepare_to_write,
};

static int __init cachefiles_init(void)
{
	int ret;

	cachefiles_object_jar = KMEM_CACHE(cachefiles_object, 0);
	if (!cachefiles_object_jar)
		return -ENOMEM;
	cachefiles_wq = alloc_workqueue("cachefiles", WQ_UNBOUND | WQ_FREEZABLE, 0);
	if (!cachefiles_wq) {
		ret = -ENOMEM;
		goto err_jar;
	}
	ret = cachefiles_proc_init();
	if (ret < 0)
		goto err_wq;
	ret = cachefiles_nl_init();
	if (ret < 0)
		goto err_proc;
	return 0;

err_proc:
	cachefiles_proc_exit();
err_wq:
	destroy_workqueue(cachefiles_wq);
err_jar:
	kmem_cache_destroy(cachefiles_object_jar);
	return ret;
}
module_init(cachefiles_init);

static void __exit cachefiles_exit(void)
{
	cachefiles_nl_exit();
	cachefiles_cache_exit();
	cachefiles_io_drain();
	cachefiles_proc_exit();
	destroy_workqueue(cachefiles_wq);
	kmem_cache_destroy(cachefiles_object_jar);
}
module_exit(cachefiles_exit);
