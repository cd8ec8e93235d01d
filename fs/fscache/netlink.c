// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the core's part of the "fscache" generic netlink family.
 *
 * cachefiles.ko registers the family, so that it works over a stock core too; it takes the table at
 * the end of this file with symbol_get() and calls it for the dumps of volumes and cookies and for the
 * core's counters.
 *
 * A dump is a series of calls, each filling one skb.  Between calls nothing is locked and nothing is
 * pinned: the cursor in cb->ctx holds positions only.  Volumes are walked in list order, resumed by
 * position.  Cookies are walked in hash order, one bucket under its bit lock at a time, resumed by
 * bucket and position in the bucket, so that a call costs what it sends, whatever the number of
 * cookies.  If nothing joins or leaves the set walked, each object is sent exactly once.  If something
 * does, an object may be missed or sent twice, and the generation counter that the change bumped, which
 * each call copies to cb->seq, has genl_dump_check_consistent() flag the next message with
 * NLM_F_DUMP_INTR, so that the reader knows to dump again.
 */
#include "internal.h"

#include <linux/fscache-nl-core.h>
#include <linux/fscache_nl.h>
#include <linux/module.h>
#include <net/genetlink.h>

/* Buckets walked between two chances to reschedule, outside any bucket lock. */
#define FSCACHE_NL_BUCKETS_PER_RESCHED	1024
#define FSCACHE_NL_HASH_SIZE		(1U << FSCACHE_COOKIE_HASH_BITS)

/* Where a volume dump resumes. */
struct fscache_nl_volume_cursor {
	unsigned int	pos;		/* Volumes of fscache_volumes already visited */
	bool		done;		/* The end was reached: further calls send nothing */
};

/* Where a cookie dump resumes. */
struct fscache_nl_cookie_cursor {
	unsigned int	bucket;		/* Bucket of fscache_cookie_hash; FSCACHE_NL_HASH_SIZE at the end */
	unsigned int	pos;		/* Cookies of that bucket already visited */
};

/* The filters of a dump: the request's attributes, or NULL. */
struct fscache_nl_filter {
	const struct nlattr	*cache_tag;
	const struct nlattr	*volume_key;
};

static const u8 fscache_nl_cookie_states[FSCACHE_COOKIE_STATE__NR] = {
	[FSCACHE_COOKIE_STATE_QUIESCENT]	= FSCACHE_COOKIE_NL_QUIESCENT,
	[FSCACHE_COOKIE_STATE_LOOKING_UP]	= FSCACHE_COOKIE_NL_LOOKING_UP,
	[FSCACHE_COOKIE_STATE_CREATING]		= FSCACHE_COOKIE_NL_CREATING,
	[FSCACHE_COOKIE_STATE_ACTIVE]		= FSCACHE_COOKIE_NL_ACTIVE,
	[FSCACHE_COOKIE_STATE_INVALIDATING]	= FSCACHE_COOKIE_NL_INVALIDATING,
	[FSCACHE_COOKIE_STATE_FAILED]		= FSCACHE_COOKIE_NL_FAILED,
	[FSCACHE_COOKIE_STATE_LRU_DISCARDING]	= FSCACHE_COOKIE_NL_LRU_DISCARDING,
	[FSCACHE_COOKIE_STATE_WITHDRAWING]	= FSCACHE_COOKIE_NL_WITHDRAWING,
	[FSCACHE_COOKIE_STATE_RELINQUISHING]	= FSCACHE_COOKIE_NL_RELINQUISHING,
	[FSCACHE_COOKIE_STATE_DROPPED]		= FSCACHE_COOKIE_NL_DROPPED,
};

/**
 * fscache_nl_cookie_state - The netlink value of a cookie state
 * @state: The core's state
 *
 * Return: the enum fscache_cookie_nl_state value.
 */
u8 fscache_nl_cookie_state(enum fscache_cookie_state state)
{
	if (WARN_ON_ONCE((unsigned int)state >= FSCACHE_COOKIE_STATE__NR))
		return FSCACHE_COOKIE_NL_FAILED;
	return fscache_nl_cookie_states[state];
}

/**
 * fscache_nl_cookie_flags - The netlink flags of a cookie
 * @flags: The cookie's flags
 *
 * Return: FSCACHE_COOKIE_NL_F_* bits.
 */
u32 fscache_nl_cookie_flags(unsigned long flags)
{
	u32 nl = 0;

	if (flags & BIT(FSCACHE_COOKIE_ON_LRU))
		nl |= FSCACHE_COOKIE_NL_F_ON_LRU;
	if (flags & BIT(FSCACHE_COOKIE_IS_CACHING))
		nl |= FSCACHE_COOKIE_NL_F_HAS_OBJECT;
	if (flags & BIT(FSCACHE_COOKIE_NO_DATA_TO_READ))
		nl |= FSCACHE_COOKIE_NL_F_NO_DATA;
	if (flags & BIT(FSCACHE_COOKIE_RETIRED))
		nl |= FSCACHE_COOKIE_NL_F_RETIRED;
	return nl;
}

/* netlink takes a cb->seq of 0 for "not tracked", so a generation that wrapped to 0 is sent as 1. */
static unsigned int fscache_nl_gen(const atomic_t *gen)
{
	return (unsigned int)atomic_read(gen) ?: 1;
}

/* A volume's cache, or NULL: set at most once, by fscache_volume_attach() if not at acquisition. */
static const struct fscache_cache *fscache_nl_volume_cache(const struct fscache_volume *volume)
{
	/* Pairs with the store-release there: the cache record is seen complete. */
	return smp_load_acquire(&volume->cache);
}

static void fscache_nl_filter_get(struct netlink_callback *cb, struct fscache_nl_filter *filter)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;

	filter->cache_tag = attrs ? attrs[FSCACHE_A_CACHE_TAG] : NULL;
	filter->volume_key = attrs ? attrs[FSCACHE_A_VOLUME_KEY] : NULL;
}

/* Does a volume pass the filter?  The caller keeps the volume alive. */
static bool fscache_nl_volume_match(const struct fscache_nl_filter *filter,
				    const struct fscache_volume *volume)
{
	const struct fscache_cache *cache = fscache_nl_volume_cache(volume);

	if (filter->cache_tag && (!cache || !cache->name || nla_strcmp(filter->cache_tag, cache->name)))
		return false;
	if (filter->volume_key && nla_strcmp(filter->volume_key, volume->key + 1))
		return false;
	return true;
}

/* Start a reply of a dump; NULL if the skb is full. */
static void *fscache_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   genl_dumpit_info(cb)->family, NLM_F_MULTI, cmd);
}

/* End a reply of a dump, flagging it if the set walked changed since the previous one was sent. */
static void fscache_nl_dump_end(struct sk_buff *skb, struct netlink_callback *cb, void *hdr)
{
	genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
}

/* Put a volume's reply.  Return: 0, or -EMSGSIZE with the skb as it was. */
static int fscache_nl_fill_volume(struct sk_buff *skb, struct netlink_callback *cb,
				  const struct fscache_volume *volume)
{
	const struct fscache_cache *cache = fscache_nl_volume_cache(volume);
	void *hdr;

	hdr = fscache_nl_dump_put(skb, cb, FSCACHE_CMD_VOLUME_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, FSCACHE_A_VOLUME_ID, volume->debug_id) ||
	    nla_put_string(skb, FSCACHE_A_VOLUME_KEY, volume->key + 1) ||
	    (cache && cache->name && nla_put_string(skb, FSCACHE_A_CACHE_TAG, cache->name)) ||
	    nla_put_u32(skb, FSCACHE_A_VOLUME_REFS, refcount_read(&volume->ref)) ||
	    nla_put_u32(skb, FSCACHE_A_VOLUME_COOKIES, atomic_read(&volume->n_cookies))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	fscache_nl_dump_end(skb, cb, hdr);
	return 0;
}

/*
 * Put a cookie's reply.  The caller holds the cookie's bucket lock, which keeps the cookie, and so its
 * volume and the volume's cache, alive; no other lock may be taken here.
 *
 * Return: 0, or -EMSGSIZE with the skb as it was.
 */
static int fscache_nl_fill_cookie(struct sk_buff *skb, struct netlink_callback *cb,
				  struct fscache_cookie *cookie)
{
	const struct fscache_volume *volume = cookie->volume;
	const struct fscache_cache *cache = fscache_nl_volume_cache(volume);
	void *hdr;

	hdr = fscache_nl_dump_put(skb, cb, FSCACHE_CMD_COOKIE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, FSCACHE_A_COOKIE_ID, cookie->debug_id) ||
	    nla_put_u32(skb, FSCACHE_A_VOLUME_ID, volume->debug_id) ||
	    nla_put(skb, FSCACHE_A_COOKIE_KEY, cookie->key_len, fscache_get_key(cookie)) ||
	    nla_put_u8(skb, FSCACHE_A_COOKIE_STATE,
		       fscache_nl_cookie_state(fscache_cookie_state(cookie))) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_REFS, refcount_read(&cookie->ref)) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_USERS, atomic_read(&cookie->n_active)) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_ACCESSES, atomic_read(&cookie->n_accesses)) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_COOKIE_SIZE, READ_ONCE(cookie->object_size),
			      FSCACHE_A_PAD) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_FLAGS,
			fscache_nl_cookie_flags(READ_ONCE(cookie->flags))) ||
	    (cache && cache->name && nla_put_string(skb, FSCACHE_A_CACHE_TAG, cache->name))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	fscache_nl_dump_end(skb, cb, hdr);
	return 0;
}

/*
 * What a dump call returns: the skb's length while there is more to send, or the error if not even
 * one reply fitted into an empty skb; 0 once everything was sent, even with replies in this skb (they
 * go out with the NLMSG_DONE).
 */
static int fscache_nl_dump_ret(struct sk_buff *skb, int err, bool done)
{
	if (done)
		return 0;
	return skb->len ?: err;
}

static int fscache_nl_dump_volumes(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fscache_nl_volume_cursor *cursor = (void *)cb->ctx;
	struct fscache_nl_filter filter;
	struct fscache_volume *volume;
	unsigned int pos = 0;
	int err = 0;

	BUILD_BUG_ON(sizeof(*cursor) > sizeof(cb->ctx));

	if (cursor->done)
		return 0;
	fscache_nl_filter_get(cb, &filter);

	mutex_lock(&fscache_volumes_lock);
	cb->seq = fscache_nl_gen(&fscache_volumes_gen);
	list_for_each_entry(volume, &fscache_volumes, proc_link) {
		if (pos++ < cursor->pos || !fscache_nl_volume_match(&filter, volume))
			continue;
		err = fscache_nl_fill_volume(skb, cb, volume);
		if (err) {
			pos--;
			break;
		}
	}
	mutex_unlock(&fscache_volumes_lock);

	cursor->pos = pos;
	cursor->done = !err;
	return fscache_nl_dump_ret(skb, err, cursor->done);
}

/*
 * Send the cookies of one bucket from position cursor->pos on.  The filter is checked under the lock
 * too: a cookie's volume cannot change, but the volume's cache can be chosen meanwhile.
 *
 * Return: 0 with cursor->pos at the bucket's end, or -EMSGSIZE with it at the cookie that did not fit.
 */
static int fscache_nl_dump_bucket(struct sk_buff *skb, struct netlink_callback *cb,
				  struct fscache_nl_cookie_cursor *cursor,
				  const struct fscache_nl_filter *filter)
{
	struct hlist_bl_head *h = &fscache_cookie_hash[cursor->bucket];
	struct fscache_cookie *cookie;
	struct hlist_bl_node *p;
	unsigned int pos = 0;
	int err = 0;

	hlist_bl_lock(h);
	hlist_bl_for_each_entry(cookie, p, h, hash_link) {
		if (pos < cursor->pos) {
			pos++;
			continue;
		}
		if (fscache_nl_volume_match(filter, cookie->volume)) {
			err = fscache_nl_fill_cookie(skb, cb, cookie);
			if (err)
				break;
		}
		pos++;
	}
	hlist_bl_unlock(h);

	cursor->pos = pos;
	return err;
}

static int fscache_nl_dump_cookies(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fscache_nl_cookie_cursor *cursor = (void *)cb->ctx;
	struct fscache_nl_filter filter;
	int err = 0;

	BUILD_BUG_ON(sizeof(*cursor) > sizeof(cb->ctx));

	fscache_nl_filter_get(cb, &filter);
	cb->seq = fscache_nl_gen(&fscache_cookies_gen);
	for (; cursor->bucket < FSCACHE_NL_HASH_SIZE; cursor->bucket++, cursor->pos = 0) {
		if (cursor->bucket % FSCACHE_NL_BUCKETS_PER_RESCHED == 0)
			cond_resched();
		/* A racing hashing bumps the generation: the next call flags it. */
		if (hlist_bl_empty(&fscache_cookie_hash[cursor->bucket]))
			continue;
		err = fscache_nl_dump_bucket(skb, cb, cursor, &filter);
		if (err)
			break;
	}
	/*
	 * No lock covers the whole walk, so the set may have changed during it: read the generation
	 * again, after the last bucket, for the NLMSG_DONE that follows the last call.  (A next call
	 * reads its own before it sends anything.)
	 */
	cb->seq = fscache_nl_gen(&fscache_cookies_gen);
	return fscache_nl_dump_ret(skb, err, cursor->bucket >= FSCACHE_NL_HASH_SIZE);
}

static int fscache_nl_fill_stats(struct sk_buff *skb)
{
	u64 vals[__FSCACHE_A_STAT_CNT];
	struct nlattr *nest;
	unsigned int attr;
	int ret;

	ret = fscache_stats_core_read(vals);
	if (ret)
		return ret;

	nest = nla_nest_start(skb, FSCACHE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (attr = FSCACHE_A_STAT_COOKIES; attr <= FSCACHE_A_STAT_WRITES; attr++) {
		if (nla_put_u64_64bit(skb, attr, vals[attr], FSCACHE_A_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

const struct fscache_nl_core_ops fscache_nl_core_ops = {
	.dump_volumes	= fscache_nl_dump_volumes,
	.dump_cookies	= fscache_nl_dump_cookies,
	.fill_stats	= fscache_nl_fill_stats,
};
EXPORT_SYMBOL_GPL(fscache_nl_core_ops);
