// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: statistics.  The counters backends bump through fscache-cache.h's inline helpers are
 * part of the 6.1 ABI and exported; /proc/fs/fscache/stats keeps 6.1's "Name: key=value" lines, in
 * 6.1's order, and adds ours after them.
 */
#include "internal.h"

#include <linux/fscache_nl.h>
#include <linux/proc_fs.h>

/* The counters whose names and types the 6.1 ABI fixes: backends bump them directly. */
#define FSCACHE_ABI_COUNTER(name) atomic_t name; EXPORT_SYMBOL(name)

FSCACHE_ABI_COUNTER(fscache_n_updates);
FSCACHE_ABI_COUNTER(fscache_n_read);
FSCACHE_ABI_COUNTER(fscache_n_write);
FSCACHE_ABI_COUNTER(fscache_n_no_write_space);
FSCACHE_ABI_COUNTER(fscache_n_no_create_space);
FSCACHE_ABI_COUNTER(fscache_n_culled);

atomic_t fscache_n_volumes, fscache_n_volumes_collision, fscache_n_volumes_nomem;
atomic_t fscache_n_cookies, fscache_n_acquires, fscache_n_acquires_ok, fscache_n_acquires_oom;
atomic_t fscache_n_cookies_lru, fscache_n_cookies_lru_expired, fscache_n_cookies_lru_removed;
atomic_t fscache_n_cookies_lru_dropped, fscache_n_invalidates, fscache_n_resizes;
atomic_t fscache_n_resizes_null, fscache_n_relinquishes, fscache_n_relinquishes_retire;
atomic_t fscache_n_relinquishes_dropped, fscache_n_lookups, fscache_n_lookups_failed;
atomic_t fscache_n_dispatch_handoff, fscache_n_dispatch_inline, fscache_n_dispatch_queued;

int fscache_stats_show(struct seq_file *m, void *v)
{
	seq_puts(m, "FS-Cache statistics\n");
	seq_printf(m, "Cookies: n=%d v=%d vcol=%u voom=%u\n",
		   atomic_read(&fscache_n_cookies), atomic_read(&fscache_n_volumes),
		   atomic_read(&fscache_n_volumes_collision), atomic_read(&fscache_n_volumes_nomem));
	seq_printf(m, "Acquire: n=%u ok=%u oom=%u\n",
		   atomic_read(&fscache_n_acquires), atomic_read(&fscache_n_acquires_ok),
		   atomic_read(&fscache_n_acquires_oom));
	seq_printf(m, "LRU    : n=%u exp=%u rmv=%u drp=%u at=%u\n",
		   atomic_read(&fscache_n_cookies_lru), atomic_read(&fscache_n_cookies_lru_expired),
		   atomic_read(&fscache_n_cookies_lru_removed),
		   atomic_read(&fscache_n_cookies_lru_dropped), fscache_lru_timeout_secs);
	seq_printf(m, "Invals : n=%u\n", atomic_read(&fscache_n_invalidates));
	seq_printf(m, "Updates: n=%u rsz=%u rsn=%u\n",
		   atomic_read(&fscache_n_updates), atomic_read(&fscache_n_resizes),
		   atomic_read(&fscache_n_resizes_null));
	seq_printf(m, "Relinqs: n=%u rtr=%u drop=%u\n",
		   atomic_read(&fscache_n_relinquishes), atomic_read(&fscache_n_relinquishes_retire),
		   atomic_read(&fscache_n_relinquishes_dropped));
	seq_printf(m, "NoSpace: nwr=%u ncr=%u cull=%u\n",
		   atomic_read(&fscache_n_no_write_space), atomic_read(&fscache_n_no_create_space),
		   atomic_read(&fscache_n_culled));
	seq_printf(m, "IO     : rd=%u wr=%u\n",
		   atomic_read(&fscache_n_read), atomic_read(&fscache_n_write));
	seq_printf(m, "Lookups: n=%u fail=%u\n",
		   atomic_read(&fscache_n_lookups), atomic_read(&fscache_n_lookups_failed));
	seq_printf(m, "Dispatch: threads=%u handoff=%u inline=%u queued=%u\n",
		   fscache_dispatch_threads, atomic_read(&fscache_n_dispatch_handoff),
		   atomic_read(&fscache_n_dispatch_inline), atomic_read(&fscache_n_dispatch_queued));
	netfs_stats_show(m);
	return 0;
}

/**
 * fscache_stats_core_read - Read the core's counters that netlink reports
 * @vals: Room for __FSCACHE_A_STAT_CNT values, indexed by enum fscache_a_stat
 *
 * Fills in FSCACHE_A_STAT_COOKIES to FSCACHE_A_STAT_WRITES and leaves the other slots alone.  Each
 * counter is read once, without a lock: the set is not a snapshot of one instant.
 *
 * Return: 0.
 */
int fscache_stats_core_read(u64 *vals)
{
	vals[FSCACHE_A_STAT_COOKIES] = (unsigned int)atomic_read(&fscache_n_cookies);
	vals[FSCACHE_A_STAT_VOLUMES] = (unsigned int)atomic_read(&fscache_n_volumes);
	vals[FSCACHE_A_STAT_ACQUIRES] = (unsigned int)atomic_read(&fscache_n_acquires);
	vals[FSCACHE_A_STAT_RELINQUISHES] = (unsigned int)atomic_read(&fscache_n_relinquishes);
	vals[FSCACHE_A_STAT_INVALIDATES] = (unsigned int)atomic_read(&fscache_n_invalidates);
	vals[FSCACHE_A_STAT_RESIZES] = (unsigned int)atomic_read(&fscache_n_resizes);
	vals[FSCACHE_A_STAT_LRU_EXPIRED] = (unsigned int)atomic_read(&fscache_n_cookies_lru_expired);
	vals[FSCACHE_A_STAT_READS] = (unsigned int)atomic_read(&fscache_n_read);
	vals[FSCACHE_A_STAT_WRITES] = (unsigned int)atomic_read(&fscache_n_write);
	return 0;
}

bool __init fscache_proc_create_stats(void)
{
	return proc_create_single("fs/fscache/stats", 0444, NULL, fscache_stats_show);
}
