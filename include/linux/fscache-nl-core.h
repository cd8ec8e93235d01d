/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: what the fscache core lends the "fscache" generic netlink family.
 *
 * The family is registered by cachefiles.ko, which must also work over a stock fscache.ko.  Listing
 * volumes and cookies and reading the core's counters need the core's internals, so our fscache.ko
 * exports this table; cachefiles takes it with symbol_get() and answers EOPNOTSUPP without it.
 */
#ifndef _LINUX_FSCACHE_NL_CORE_H
#define _LINUX_FSCACHE_NL_CORE_H

struct sk_buff;
struct netlink_callback;

/**
 * struct fscache_nl_core_ops - what our fscache core lends the "fscache" netlink family
 * @dump_volumes: dumpit of FSCACHE_CMD_VOLUME_GET; filter attrs are read from
 *	genl_dumpit_info(cb)->attrs, the family from genl_dumpit_info(cb)->family; the cursor lives in cb->ctx
 * @dump_cookies: dumpit of FSCACHE_CMD_COOKIE_GET, likewise
 * @fill_stats: put the FSCACHE_A_STATS nest (core counters) into a reply being built
 */
struct fscache_nl_core_ops {
	int (*dump_volumes)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*dump_cookies)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*fill_stats)(struct sk_buff *skb);
};
extern const struct fscache_nl_core_ops fscache_nl_core_ops;	/* EXPORT_SYMBOL_GPL by fscache.ko */

#endif /* _LINUX_FSCACHE_NL_CORE_H */
