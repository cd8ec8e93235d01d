// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: /proc/fs/cachefiles, the bound caches and their counters for admins' scripts.
 *
 * One line per cache: tag, state, usage, capacity and objects, then "name=value" counters in the
 * order of enum fscache_a_stat, and the culler's figures (tracked objects, slots, rescans).  The same numbers are in the netlink family's CACHE_GET replies.
 */
#include "internal.h"

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static const char *const cachefiles_stat_names[CACHEFILES_NR_STATS] = {
	[FSCACHE_A_STAT_LOOKUPS - CACHEFILES_STAT_FIRST]	= "lookups",
	[FSCACHE_A_STAT_HITS - CACHEFILES_STAT_FIRST]		= "hits",
	[FSCACHE_A_STAT_PARTIAL_HITS - CACHEFILES_STAT_FIRST]	= "partial",
	[FSCACHE_A_STAT_MISSES - CACHEFILES_STAT_FIRST]		= "misses",
	[FSCACHE_A_STAT_READ_BYTES - CACHEFILES_STAT_FIRST]	= "rd_bytes",
	[FSCACHE_A_STAT_WRITE_BYTES - CACHEFILES_STAT_FIRST]	= "wr_bytes",
	[FSCACHE_A_STAT_WRITES_SKIPPED - CACHEFILES_STAT_FIRST]	= "wr_skipped",
	[FSCACHE_A_STAT_IO_ERRORS - CACHEFILES_STAT_FIRST]	= "io_errors",
	[FSCACHE_A_STAT_CREATES - CACHEFILES_STAT_FIRST]	= "creates",
	[FSCACHE_A_STAT_CULLS - CACHEFILES_STAT_FIRST]		= "culls",
	[FSCACHE_A_STAT_CULL_BYTES - CACHEFILES_STAT_FIRST]	= "cull_bytes",
	[FSCACHE_A_STAT_CULL_CPU_NS - CACHEFILES_STAT_FIRST]	= "cull_cpu_ns",
	[FSCACHE_A_STAT_STALE - CACHEFILES_STAT_FIRST]		= "stale",
	[FSCACHE_A_STAT_CORRUPT - CACHEFILES_STAT_FIRST]	= "corrupt",
	[FSCACHE_A_STAT_INVALIDATIONS - CACHEFILES_STAT_FIRST]	= "invalidations",
};

static const char *const cachefiles_state_names[] = {
	[CACHEFILES_CACHE_ACTIVE]	= "active",
	[CACHEFILES_CACHE_WITHDRAWING]	= "withdrawing",
	[CACHEFILES_CACHE_FAILED]	= "failed",
};

static int cachefiles_proc_show(struct seq_file *m, void *v)
{
	struct cachefiles_cache *cache;
	int i;

	mutex_lock(&cachefiles_caches_mutex);
	list_for_each_entry(cache, &cachefiles_caches, link) {
		seq_printf(m, "%s %s usage=%llu capacity=%llu objects=%llu dir=%s\n ", cache->tag,
			   cachefiles_state_names[cache->state], cachefiles_cache_usage(cache),
			   cache->capacity, cachefiles_cache_objects(cache), cache->dirname);
		for (i = 0; i < CACHEFILES_NR_STATS; i++)
			if (cachefiles_stat_names[i])
				seq_printf(m, " %s=%lld", cachefiles_stat_names[i],
					   atomic64_read(&cache->stats[i]));
		/* The culler: objects it tracks, its slots, walks of the tree since bind. */
		seq_printf(m, " tracked=%u slots=%u rescans=%u\n",
			   READ_ONCE(cache->cull.policy.nr_tracked),
			   READ_ONCE(cache->cull.policy.max_objects), READ_ONCE(cache->cull.rescans));
	}
	mutex_unlock(&cachefiles_caches_mutex);
	return 0;
}

int __init cachefiles_proc_init(void)
{
	if (!proc_create_single("fs/cachefiles", 0444, NULL, cachefiles_proc_show))
		return -ENOMEM;
	return 0;
}

void cachefiles_proc_exit(void)
{
	remove_proc_entry("fs/cachefiles", NULL);
}
