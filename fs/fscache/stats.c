// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: statistics.  The counters backends bump through fscache-cache.h's inline helpers are
 * part of the 6.1 ABI and exported; /proc/fs/fscache/stats keeps 6.1's "Name: key=value" line format.
 */
#include "internal.h"

atomic_t fscache_n_read;
EXPORT_SYMBOL(fscache_n_read);
atomic_t fscache_n_write;
EXPORT_SYMBOL(fscache_n_write);
atomic_t fscache_n_no_write_space;
EXPORT_SYMBOL(fscache_n_no_write_space);
atomic_t fscache_n_no_create_space;
EXPORT_SYMBOL(fscache_n_no_create_space);
atomic_t fscache_n_culled;
EXPORT_SYMBOL(fscache_n_culled);
atomic_t fscache_n_updates;
EXPORT_SYMBOL(fscache_n_updates);

int fscache_stats_show(struct seq_file *m, void *v)
{
	seq_puts(m, "FS-Cache statistics\n");
	seq_printf(m, "Updates: n=%u\n", atomic_read(&fscache_n_updates));
	seq_printf(m, "NoSpace: nwr=%u ncr=%u cull=%u\n",
		   atomic_read(&fscache_n_no_write_space),
		   atomic_read(&fscache_n_no_create_space),
		   atomic_read(&fscache_n_culled));
	seq_printf(m, "IO     : rd=%u wr=%u\n",
		   atomic_read(&fscache_n_read), atomic_read(&fscache_n_write));
	netfs_stats_show(m);
	return 0;
}
