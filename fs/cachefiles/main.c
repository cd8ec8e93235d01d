// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: cachefiles module setup.
 */
#include "internal.h"

#include <linux/module.h>

MODULE_DESCRIPTION("Cache files on a local filesystem (fscache-iter)");
MODULE_LICENSE("GPL");

static int __init cachefiles_init(void)
{
	return 0;
}
module_init(cachefiles_init);

static void __exit cachefiles_exit(void)
{
}
module_exit(cachefiles_exit);
