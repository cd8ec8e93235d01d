// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: /proc/fs/fscache.
 */
#include "internal.h"

#include <linux/proc_fs.h>

#define FSCACHE_PROC_DIR "fs/fscache"

int __init fscache_proc_init(void)
{
	if (!proc_mkdir(FSCACHE_PROC_DIR, NULL))
		return -ENOMEM;
#ifdef CONFIG_FSCACHE_STATS
	if (!proc_create_single(FSCACHE_PROC_DIR "/stats", 0444, NULL, fscache_stats_show)) {
		remove_proc_subtree(FSCACHE_PROC_DIR, NULL);
		return -ENOMEM;
	}
#endif
	return 0;
}

void fscache_proc_exit(void)
{
	remove_proc_subtree(FSCACHE_PROC_DIR, NULL);
}
