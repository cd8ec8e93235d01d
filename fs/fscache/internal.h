/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: internal definitions of the fscache core.
 *
 * The core sits between network filesystems, which see include/linux/fscache.h, and cache backends,
 * which see include/linux/fscache-cache.h.  Both headers are the 6.1 ABI and are used unchanged.
 *
 * Status: skeleton.  No cache can be bound yet, so every volume and cookie acquisition returns NULL,
 * which the 6.1 API defines as "caching refused": network filesystems then work uncached.
 *
 * Lock order (outermost first): fscache_addremove_sem.
 */
#ifndef _FS_FSCACHE_INTERNAL_H
#define _FS_FSCACHE_INTERNAL_H

#undef pr_fmt
#define pr_fmt(fmt) "fscache: " fmt

#include <linux/fscache-cache.h>
#include <linux/netfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <trace/events/fscache.h>

/* io.c */
void fscache_folios_end_caching(struct address_space *mapping, loff_t start, size_t len);

/* proc.c */
#ifdef CONFIG_PROC_FS
int __init fscache_proc_init(void);
void fscache_proc_exit(void);
#else
static inline int fscache_proc_init(void) { return 0; }
static inline void fscache_proc_exit(void) { }
#endif

/* stats.c */
#ifdef CONFIG_FSCACHE_STATS
int fscache_stats_show(struct seq_file *m, void *v);
#endif

#endif /* _FS_FSCACHE_INTERNAL_H */
