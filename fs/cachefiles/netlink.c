// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the "fscache" generic netlink family.
 *
 * Registered here rather than in fscache.ko so that binding works over a stock fscache core too; the
 * volume and cookie dumps and the core's counters come from our core through struct
 * fscache_nl_core_ops (symbol_get()), and answer EOPNOTSUPP without it.  Every command is strictly
 * validated by its own policy; state-changing ones need CAP_SYS_ADMIN; the family exists only in the
 * initial network namespace.  Messages: Documentation/netlink/fscache.rst.
 */
#include "internal.h"

#include <linux/fscache-nl-core.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

static const struct fscache_nl_core_ops *cachefiles_nl_core;
static bool cachefiles_nl_registered;
atomic_t cachefiles_owned_caches = ATOMIC_INIT(0);
atomic_t cachefiles_nl_generation = ATOMIC_INIT(1);

static struct genl_family cachefiles_nl_family;

enum cachefiles_nl_mcgrp {
	CACHEFILES_NL_MCGRP_EVENTS,
};

static const struct genl_multicast_group cachefiles_nl_mcgrps[] = {
	[CACHEFILES_NL_MCGRP_EVENTS] = { .name = FSCACHE_GENL_MCGRP_EVENTS },
};

/* Policies, one per command. */
#define CACHEFILES_NL_TAG_POLICY	{ .type = NLA_NUL_STRING, .len = FSCACHE_TAG_MAX_LEN }
#define CACHEFILES_NL_PCT_POLICY	NLA_POLICY_RANGE(NLA_U8, 1, 100)
#define CACHEFILES_NL_FLOOR_PCT_MAX	50

static const struct nla_policy cachefiles_nl_bind_policy[] = {
	[FSCACHE_A_CACHE_DIR]		= { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
	[FSCACHE_A_CACHE_CAPACITY]	= { .type = NLA_U64 },
	[FSCACHE_A_CACHE_FLOOR_BYTES]	= { .type = NLA_U64 },
	[FSCACHE_A_CACHE_FLOOR_PCT]	= NLA_POLICY_MAX(NLA_U8, CACHEFILES_NL_FLOOR_PCT_MAX),
	[FSCACHE_A_CACHE_HIGH_WMARK]	= CACHEFILES_NL_PCT_POLICY,
	[FSCACHE_A_CACHE_LOW_WMARK]	= CACHEFILES_NL_PCT_POLICY,
	[FSCACHE_A_CACHE_OWNED]		= { .type = NLA_FLAG },
};

static const struct nla_policy cachefiles_nl_set_policy[] = {
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
	[FSCACHE_A_CACHE_CAPACITY]	= { .type = NLA_U64 },
	[FSCACHE_A_CACHE_FLOOR_BYTES]	= { .type = NLA_U64 },
	[FSCACHE_A_CACHE_FLOOR_PCT]	= NLA_POLICY_MAX(NLA_U8, CACHEFILES_NL_FLOOR_PCT_MAX),
	[FSCACHE_A_CACHE_HIGH_WMARK]	= CACHEFILES_NL_PCT_POLICY,
	[FSCACHE_A_CACHE_LOW_WMARK]	= CACHEFILES_NL_PCT_POLICY,
};

static const struct nla_policy cachefiles_nl_tag_policy[] = {
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
};

static const struct nla_policy cachefiles_nl_unbind_policy[] = {
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
	[FSCACHE_A_CACHE_FORCE]		= { .type = NLA_FLAG },
};

static const struct nla_policy cachefiles_nl_cull_policy[] = {
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
	[FSCACHE_A_CULL_TARGET]		= { .type = NLA_U64 },
	[FSCACHE_A_VOLUME_KEY]		= { .type = NLA_NUL_STRING, .len = U8_MAX },
	[FSCACHE_A_COOKIE_KEY]		= NLA_POLICY_RANGE(NLA_BINARY, 1, U8_MAX),
};

static const struct nla_policy cachefiles_nl_volume_policy[] = {
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
	[FSCACHE_A_VOLUME_KEY]		= { .type = NLA_NUL_STRING, .len = U8_MAX },
};

static const struct nla_policy cachefiles_nl_cookie_policy[] = {
	[FSCACHE_A_CACHE_TAG]		= CACHEFILES_NL_TAG_POLICY,
	[FSCACHE_A_VOLUME_KEY]		= { .type = NLA_NUL_STRING, .len = U8_MAX },
};

/* Dump cursors, in cb->ctx */
struct cachefiles_nl_cursor {
	unsigned int	cache_idx;
	unsigned int	object_idx;
};

static bool cachefiles_nl_admin(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(extack, "changing a cache needs CAP_SYS_ADMIN");
	return false;
}

static struct cachefiles_cache *cachefiles_nl_find(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[FSCACHE_A_CACHE_TAG];
	struct cachefiles_cache *cache;

	if (GENL_REQ_ATTR_CHECK(info, FSCACHE_A_CACHE_TAG))
		return NULL;
	cache = cachefiles_cache_find(nla_data(attr));
	if (!cache)
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no cache is bound with this tag");
	return cache;
}

/* Limits from a BIND or SET request onto @p; checks what the policy cannot. */
static int cachefiles_nl_limits(struct genl_info *info, struct cachefiles_bind_params *p)
{
	struct nlattr **tb = info->attrs;

	if (tb[FSCACHE_A_CACHE_FLOOR_BYTES] && tb[FSCACHE_A_CACHE_FLOOR_PCT]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FSCACHE_A_CACHE_FLOOR_PCT],
				    "give the floor in bytes or as a percentage, not both");
		return -EINVAL;
	}
	if (tb[FSCACHE_A_CACHE_CAPACITY])
		p->capacity = nla_get_u64(tb[FSCACHE_A_CACHE_CAPACITY]);
	if (tb[FSCACHE_A_CACHE_FLOOR_BYTES]) {
		p->floor_bytes = nla_get_u64(tb[FSCACHE_A_CACHE_FLOOR_BYTES]);
		p->floor_pct = 0;
	}
	if (tb[FSCACHE_A_CACHE_FLOOR_PCT]) {
		p->floor_pct = nla_get_u8(tb[FSCACHE_A_CACHE_FLOOR_PCT]);
		p->floor_bytes = 0;
	}
	if (tb[FSCACHE_A_CACHE_HIGH_WMARK])
		p->high_wmark = nla_get_u8(tb[FSCACHE_A_CACHE_HIGH_WMARK]);
	if (tb[FSCACHE_A_CACHE_LOW_WMARK])
		p->low_wmark = nla_get_u8(tb[FSCACHE_A_CACHE_LOW_WMARK]);
	if (p->low_wmark >= p->high_wmark) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FSCACHE_A_CACHE_LOW_WMARK] ?:
				    tb[FSCACHE_A_CACHE_HIGH_WMARK],
				    "the low watermark must be below the high watermark");
		return -EINVAL;
	}
	return 0;
}

/*
 * A tag is a word in the lines of /proc/fs/fscache/caches and /proc/fs/cachefiles, which scripts
 * split on spaces, and in log messages: printable ASCII only, no spaces.
 */
static bool cachefiles_nl_tag_printable(const char *tag)
{
	for (; *tag; tag++)
		if (*tag <= ' ' || *tag > '~')
			return false;
	return true;
}

static int cachefiles_nl_bind(struct sk_buff *skb, struct genl_info *info)
{
	struct cachefiles_bind_params p = {
		.tag		= CACHEFILES_DEFAULT_TAG,
		.high_wmark	= CACHEFILES_DEFAULT_HIGH_WMARK,
		.low_wmark	= CACHEFILES_DEFAULT_LOW_WMARK,
	};
	struct nlattr **tb = info->attrs;
	int ret;

	if (!cachefiles_nl_admin(skb, info->extack))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, FSCACHE_A_CACHE_DIR))
		return -EINVAL;
	p.dir = nla_data(tb[FSCACHE_A_CACHE_DIR]);
	if (p.dir[0] != '/') {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FSCACHE_A_CACHE_DIR],
				    "the cache directory must be an absolute path");
		return -EINVAL;
	}
	if (tb[FSCACHE_A_CACHE_TAG]) {
		p.tag = nla_data(tb[FSCACHE_A_CACHE_TAG]);
		if (!p.tag[0]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[FSCACHE_A_CACHE_TAG],
					    "the tag must not be empty");
			return -EINVAL;
		}
		if (!cachefiles_nl_tag_printable(p.tag)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[FSCACHE_A_CACHE_TAG],
					    "the tag may hold only printable ASCII characters, no spaces");
			return -EINVAL;
		}
	}
	ret = cachefiles_nl_limits(info, &p);
	if (ret < 0)
		return ret;
	if (nla_get_flag(tb[FSCACHE_A_CACHE_OWNED]))
		p.owner_portid = info->snd_portid;

	mutex_lock(&cachefiles_caches_mutex);
	ret = cachefiles_cache_bind(&p, info->extack);
	mutex_unlock(&cachefiles_caches_mutex);
	return ret;
}

/* Files are open on a cache's objects, or I/O is running. */
static bool cachefiles_nl_busy(struct cachefiles_cache *cache)
{
	struct cachefiles_object *object;
	bool busy = false;

	spin_lock(&cache->lock);
	list_for_each_entry(object, &cache->objects, cache_link) {
		if (atomic_read(&object->cookie->n_active) > 0 ||
		    atomic_read(&object->cookie->n_accesses) > 0) {
			busy = true;
			break;
		}
	}
	spin_unlock(&cache->lock);
	return busy;
}

static int cachefiles_nl_unbind(struct sk_buff *skb, struct genl_info *info)
{
	struct cachefiles_cache *cache;
	int ret = -ENOENT;

	if (!cachefiles_nl_admin(skb, info->extack))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, FSCACHE_A_CACHE_TAG))
		return -EINVAL;
	mutex_lock(&cachefiles_caches_mutex);
	cache = cachefiles_nl_find(info);
	if (cache && !nla_get_flag(info->attrs[FSCACHE_A_CACHE_FORCE]) &&
	    cachefiles_nl_busy(cache)) {
		NL_SET_ERR_MSG(info->extack,
			       "files are using the cache: unmount them first, or unbind with force");
		ret = -EBUSY;
	} else if (cache) {
		cachefiles_cache_withdraw(cache);
		ret = 0;
	}
	mutex_unlock(&cachefiles_caches_mutex);
	return ret;
}

static int cachefiles_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct cachefiles_bind_params p;
	struct cachefiles_cache *cache;
	int ret = -ENOENT;

	if (!cachefiles_nl_admin(skb, info->extack))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, FSCACHE_A_CACHE_TAG))
		return -EINVAL;
	mutex_lock(&cachefiles_caches_mutex);
	cache = cachefiles_nl_find(info);
	if (!cache)
		goto out;
	p.capacity = cache->capacity;
	p.floor_bytes = cache->floor_bytes;
	p.floor_pct = cache->floor_pct;
	p.high_wmark = cache->high_wmark;
	p.low_wmark = cache->low_wmark;
	ret = cachefiles_nl_limits(info, &p);
	if (ret < 0)
		goto out;
	WRITE_ONCE(cache->capacity, p.capacity);
	WRITE_ONCE(cache->floor_bytes, p.floor_bytes);
	WRITE_ONCE(cache->floor_pct, p.floor_pct);
	WRITE_ONCE(cache->high_wmark, p.high_wmark);
	WRITE_ONCE(cache->low_wmark, p.low_wmark);
	cachefiles_nl_notify(cache, FSCACHE_EVENT_LIMIT_CHANGED, 0);
	cachefiles_cull_recheck(cache);
out:
	mutex_unlock(&cachefiles_caches_mutex);
	return ret;
}

static u64 cachefiles_nl_in_use(struct cachefiles_cache *cache)
{
	struct cachefiles_object *object;
	u64 bytes = 0;

	spin_lock(&cache->lock);
	list_for_each_entry(object, &cache->objects, cache_link)
		if (atomic_read(&object->cookie->n_active) > 0)
			bytes += object->charged;
	spin_unlock(&cache->lock);
	return bytes;
}

static int cachefiles_nl_put_stats(struct sk_buff *skb, struct cachefiles_cache *cache)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, FSCACHE_A_CACHE_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < CACHEFILES_NR_STATS; i++)
		if (nla_put_u64_64bit(skb, CACHEFILES_STAT_FIRST + i,
				      atomic64_read(&cache->stats[i]), FSCACHE_A_STAT_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int cachefiles_nl_fill_cache(struct sk_buff *skb, struct cachefiles_cache *cache,
				    u32 portid, u32 seq, int flags, struct netlink_callback *cb)
{
	u8 state = cache->state == CACHEFILES_CACHE_FAILED ? FSCACHE_CACHE_NL_FAILED :
		   cache->state == CACHEFILES_CACHE_WITHDRAWING ? FSCACHE_CACHE_NL_WITHDRAWING :
		   FSCACHE_CACHE_NL_ACTIVE;
	u64 fs_size, fs_free;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &cachefiles_nl_family, flags, FSCACHE_CMD_CACHE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	spin_lock(&cache->statfs_lock);
	fs_size = cache->fs_size;
	fs_free = cache->fs_free;
	spin_unlock(&cache->statfs_lock);
	if (nla_put_string(skb, FSCACHE_A_CACHE_TAG, cache->tag) ||
	    nla_put_string(skb, FSCACHE_A_CACHE_DIR, cache->dirname) ||
	    nla_put_u8(skb, FSCACHE_A_CACHE_STATE, state) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_CAPACITY, READ_ONCE(cache->capacity),
			      FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_FLOOR_BYTES,
			      cache->floor_pct ? div_u64(fs_size, 100) * cache->floor_pct :
			      READ_ONCE(cache->floor_bytes), FSCACHE_A_PAD) ||
	    (cache->floor_pct && nla_put_u8(skb, FSCACHE_A_CACHE_FLOOR_PCT, cache->floor_pct)) ||
	    nla_put_u8(skb, FSCACHE_A_CACHE_HIGH_WMARK, READ_ONCE(cache->high_wmark)) ||
	    nla_put_u8(skb, FSCACHE_A_CACHE_LOW_WMARK, READ_ONCE(cache->low_wmark)) ||
	    (cache->owner_portid && nla_put_flag(skb, FSCACHE_A_CACHE_OWNED)) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_USAGE, cachefiles_cache_usage(cache),
			      FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_IN_USE, cachefiles_nl_in_use(cache),
			      FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_OBJECTS, cachefiles_cache_objects(cache),
			      FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_FS_SIZE, fs_size, FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_FS_FREE, fs_free, FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_CACHE_BOUND_AT, cache->bound_at, FSCACHE_A_PAD) ||
	    cachefiles_nl_put_stats(skb, cache))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int cachefiles_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct cachefiles_cache *cache;
	struct sk_buff *msg;
	int ret = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, FSCACHE_A_CACHE_TAG))
		return -EINVAL;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&cachefiles_caches_mutex);
	cache = cachefiles_nl_find(info);
	if (cache) {
		cachefiles_cache_statfs(cache, true);
		ret = cachefiles_nl_fill_cache(msg, cache, info->snd_portid, info->snd_seq, 0,
					       NULL);
	}
	mutex_unlock(&cachefiles_caches_mutex);
	if (ret < 0) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int cachefiles_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cachefiles_nl_cursor *cur = (void *)cb->ctx;
	struct cachefiles_cache *cache;
	unsigned int idx = 0;
	int ret = 0;

	BUILD_BUG_ON(sizeof(*cur) > sizeof(cb->ctx));
	mutex_lock(&cachefiles_caches_mutex);
	cb->seq = atomic_read(&cachefiles_nl_generation);
	list_for_each_entry(cache, &cachefiles_caches, link) {
		if (idx++ < cur->cache_idx)
			continue;
		cachefiles_cache_statfs(cache, false);
		ret = cachefiles_nl_fill_cache(skb, cache, NETLINK_CB(cb->skb).portid,
					       cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (ret < 0)
			break;
		cur->cache_idx++;
	}
	mutex_unlock(&cachefiles_caches_mutex);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret < 0 ? ret : skb->len;
}

/* CACHE_CULL of one object, named by its volume key and cookie key. */
static int cachefiles_nl_cull_object(struct cachefiles_cache *cache, struct genl_info *info)
{
	struct nlattr *vkey = info->attrs[FSCACHE_A_VOLUME_KEY];
	struct nlattr *ckey = info->attrs[FSCACHE_A_COOKIE_KEY];
	char name[CACHEFILES_NAME_MAX + 2];
	char *vdir;
	int ret;

	vdir = cachefiles_volume_dirname_of(nla_data(vkey), strlen(nla_data(vkey)));
	if (IS_ERR_OR_NULL(vdir)) {
		NL_SET_ERR_MSG_ATTR(info->extack, vkey, "volume key too long");
		return vdir ? PTR_ERR(vdir) : -ENOMEM;
	}
	ret = cachefiles_key_name(nla_data(ckey), nla_len(ckey), name, sizeof(name));
	if (ret < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, ckey,
				    "keys this long are culled by size only (cull to a target)");
	} else {
		ret = cachefiles_cull_object(cache, vdir, name);
		if (ret == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no such object in this cache");
		else if (ret == -EBUSY)
			NL_SET_ERR_MSG(info->extack, "the object is in use");
	}
	kfree(vdir);
	return ret;
}

static int cachefiles_nl_cull(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct cachefiles_cache *cache;
	int ret = -ENOENT;

	if (!cachefiles_nl_admin(skb, info->extack))
		return -EPERM;
	if (GENL_REQ_ATTR_CHECK(info, FSCACHE_A_CACHE_TAG))
		return -EINVAL;
	if (!tb[FSCACHE_A_CULL_TARGET] && !(tb[FSCACHE_A_VOLUME_KEY] && tb[FSCACHE_A_COOKIE_KEY])) {
		NL_SET_ERR_MSG(info->extack, "give a target size, or a volume key and a cookie key");
		return -EINVAL;
	}
	if (tb[FSCACHE_A_CULL_TARGET] && (tb[FSCACHE_A_VOLUME_KEY] || tb[FSCACHE_A_COOKIE_KEY])) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[FSCACHE_A_CULL_TARGET],
				    "give a target size or one object, not both");
		return -EINVAL;
	}
	mutex_lock(&cachefiles_caches_mutex);
	cache = cachefiles_nl_find(info);
	if (cache && tb[FSCACHE_A_CULL_TARGET]) {
		ret = cachefiles_cull_to(cache, nla_get_u64(tb[FSCACHE_A_CULL_TARGET]));
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(info->extack, "what is left above the target is in use");
		else if (ret == -EAGAIN)
			NL_SET_ERR_MSG(info->extack,
				       "the cache's usage is still being counted after an unclean stop");
	} else if (cache) {
		ret = cachefiles_nl_cull_object(cache, info);
	}
	mutex_unlock(&cachefiles_caches_mutex);
	return ret;
}

/* Over a stock core there is nothing to list with; 6.1 gives a dump's extack to dumpit, not start. */
static int cachefiles_nl_no_core(struct netlink_callback *cb)
{
	NL_SET_ERR_MSG(cb->extack, "the loaded fscache core does not list volumes or cookies");
	return -EOPNOTSUPP;
}

static int cachefiles_nl_volume_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	if (!cachefiles_nl_core)
		return cachefiles_nl_no_core(cb);
	return cachefiles_nl_core->dump_volumes(skb, cb);
}

static int cachefiles_nl_cookie_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	if (!cachefiles_nl_core)
		return cachefiles_nl_no_core(cb);
	return cachefiles_nl_core->dump_cookies(skb, cb);
}

static int cachefiles_nl_fill_handle(struct sk_buff *skb, struct netlink_callback *cb,
				     struct cachefiles_cache *cache,
				     struct cachefiles_object *object)
{
	struct fscache_cookie *cookie = object->cookie;
	char path[1 + NAME_MAX + 1 + 4 + 1 + CACHEFILES_NAME_MAX + 2];
	struct dentry *vdir = object->volume->dentry;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &cachefiles_nl_family, NLM_F_MULTI, FSCACHE_CMD_HANDLE_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	snprintf(path, sizeof(path), "%pd/%c%02x/%s", vdir, CACHEFILES_FANOUT_PREFIX,
		 object->fanout, object->name);
	if (nla_put_string(skb, FSCACHE_A_CACHE_TAG, cache->tag) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_ID, cookie->debug_id) ||
	    nla_put_string(skb, FSCACHE_A_HANDLE_PATH, path) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_HANDLE_SIZE,
			      i_size_read(file_inode(object->file)), FSCACHE_A_PAD) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_USERS, atomic_read(&cookie->n_active)) ||
	    nla_put_u32(skb, FSCACHE_A_COOKIE_ACCESSES, atomic_read(&cookie->n_accesses)) ||
	    nla_put_u64_64bit(skb, FSCACHE_A_HANDLE_SINCE, object->opened_at, FSCACHE_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int cachefiles_nl_handle_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct nlattr *tag = info->attrs[FSCACHE_A_CACHE_TAG];
	struct cachefiles_nl_cursor *cur = (void *)cb->ctx;
	struct cachefiles_object *object;
	struct cachefiles_cache *cache;
	unsigned int ci = 0, oi;
	int ret = 0;

	mutex_lock(&cachefiles_caches_mutex);
	cb->seq = atomic_read(&cachefiles_nl_generation);
	list_for_each_entry(cache, &cachefiles_caches, link) {
		if (ci++ < cur->cache_idx)
			continue;
		if (tag && strcmp(nla_data(tag), cache->tag) != 0) {
			cur->cache_idx++;
			continue;
		}
		oi = 0;
		spin_lock(&cache->lock);
		list_for_each_entry(object, &cache->objects, cache_link) {
			if (oi++ < cur->object_idx)
				continue;
			ret = cachefiles_nl_fill_handle(skb, cb, cache, object);
			if (ret < 0)
				break;
			cur->object_idx++;
		}
		spin_unlock(&cache->lock);
		if (ret < 0)
			break;
		cur->cache_idx++;
		cur->object_idx = 0;
	}
	mutex_unlock(&cachefiles_caches_mutex);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret < 0 ? ret : skb->len;
}

static int cachefiles_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tag = info->attrs[FSCACHE_A_CACHE_TAG];
	struct cachefiles_cache *cache;
	struct sk_buff *msg;
	void *hdr;
	int ret = 0;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &cachefiles_nl_family, 0, FSCACHE_CMD_STATS_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	if (cachefiles_nl_core) {
		ret = cachefiles_nl_core->fill_stats(msg);
		if (ret < 0)
			goto err;
	}
	if (tag) {
		mutex_lock(&cachefiles_caches_mutex);
		cache = cachefiles_nl_find(info);
		if (!cache)
			ret = -ENOENT;
		else if (nla_put_string(msg, FSCACHE_A_CACHE_TAG, cache->tag) ||
			 cachefiles_nl_put_stats(msg, cache))
			ret = -EMSGSIZE;
		mutex_unlock(&cachefiles_caches_mutex);
		if (ret < 0)
			goto err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_ops cachefiles_nl_ops[] = {
	{
		.cmd		= FSCACHE_CMD_CACHE_BIND,
		.flags		= GENL_ADMIN_PERM,
		.doit		= cachefiles_nl_bind,
		.policy		= cachefiles_nl_bind_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_bind_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_CACHE_UNBIND,
		.flags		= GENL_ADMIN_PERM,
		.doit		= cachefiles_nl_unbind,
		.policy		= cachefiles_nl_unbind_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_unbind_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_CACHE_SET,
		.flags		= GENL_ADMIN_PERM,
		.doit		= cachefiles_nl_set,
		.policy		= cachefiles_nl_set_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_set_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_CACHE_GET,
		.doit		= cachefiles_nl_get_doit,
		.dumpit		= cachefiles_nl_get_dumpit,
		.policy		= cachefiles_nl_tag_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_tag_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_CACHE_CULL,
		.flags		= GENL_ADMIN_PERM,
		.doit		= cachefiles_nl_cull,
		.policy		= cachefiles_nl_cull_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_cull_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_VOLUME_GET,
		.dumpit		= cachefiles_nl_volume_dumpit,
		.policy		= cachefiles_nl_volume_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_volume_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_COOKIE_GET,
		.dumpit		= cachefiles_nl_cookie_dumpit,
		.policy		= cachefiles_nl_cookie_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_cookie_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_HANDLE_GET,
		.dumpit		= cachefiles_nl_handle_dumpit,
		.policy		= cachefiles_nl_tag_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_tag_policy) - 1,
	},
	{
		.cmd		= FSCACHE_CMD_STATS_GET,
		.doit		= cachefiles_nl_stats,
		.policy		= cachefiles_nl_tag_policy,
		.maxattr	= ARRAY_SIZE(cachefiles_nl_tag_policy) - 1,
	},
};

static struct genl_family cachefiles_nl_family __ro_after_init = {
	.name		= FSCACHE_GENL_NAME,
	.version	= FSCACHE_GENL_VERSION,
	.netnsok	= false,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= cachefiles_nl_ops,
	.n_ops		= ARRAY_SIZE(cachefiles_nl_ops),
	.mcgrps		= cachefiles_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(cachefiles_nl_mcgrps),
};

/**
 * cachefiles_nl_notify - Tell the events group about a cache
 * @cache: The cache
 * @event: What happened
 * @error: The error, for FSCACHE_EVENT_IO_ERROR
 *
 * Events carry the cache's tag and numbers, never paths or keys.
 *
 * Context: process context.
 */
void cachefiles_nl_notify(struct cachefiles_cache *cache, enum fscache_event event, int error)
{
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(cachefiles_nl_registered) ||
	    !genl_has_listeners(&cachefiles_nl_family, &init_net, CACHEFILES_NL_MCGRP_EVENTS))
		return;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &cachefiles_nl_family, 0, FSCACHE_CMD_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_u8(msg, FSCACHE_A_EVENT_TYPE, event) ||
	    nla_put_string(msg, FSCACHE_A_CACHE_TAG, cache->tag) ||
	    nla_put_u64_64bit(msg, FSCACHE_A_CACHE_CAPACITY, READ_ONCE(cache->capacity),
			      FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(msg, FSCACHE_A_CACHE_USAGE, cachefiles_cache_usage(cache),
			      FSCACHE_A_PAD) ||
	    nla_put_u64_64bit(msg, FSCACHE_A_CACHE_FS_FREE, cache->fs_free, FSCACHE_A_PAD) ||
	    nla_put_u8(msg, FSCACHE_A_CACHE_HIGH_WMARK, READ_ONCE(cache->high_wmark)) ||
	    nla_put_u8(msg, FSCACHE_A_CACHE_LOW_WMARK, READ_ONCE(cache->low_wmark)) ||
	    (error && nla_put_s32(msg, FSCACHE_A_EVENT_ERRNO, error)))
		goto err;
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&cachefiles_nl_family, msg, 0, CACHEFILES_NL_MCGRP_EVENTS, GFP_KERNEL);
	return;
err:
	nlmsg_free(msg);
}

/* The withdrawal of the caches an owning socket held, run from a work item. */
struct cachefiles_nl_release_work {
	struct work_struct	work;
	u32			portid;
};

static void cachefiles_nl_release_worker(struct work_struct *work)
{
	struct cachefiles_nl_release_work *rw =
		container_of(work, struct cachefiles_nl_release_work, work);
	struct cachefiles_cache *cache, *next;

	mutex_lock(&cachefiles_caches_mutex);
	list_for_each_entry_safe(cache, next, &cachefiles_caches, link)
		if (cache->owner_portid == rw->portid)
			cachefiles_cache_withdraw(cache);
	mutex_unlock(&cachefiles_caches_mutex);
	kfree(rw);
}

/*
 * A cache bound with FSCACHE_A_CACHE_OWNED goes when its binding socket closes.  Every generic netlink
 * socket's close comes through here: without an owned cache, return at once; otherwise hand the
 * withdrawal (which waits for I/O) to a work item rather than hold up the closing task.
 */
static int cachefiles_nl_release(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct cachefiles_nl_release_work *rw;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC || !n->portid ||
	    !net_eq(n->net, &init_net) || !atomic_read(&cachefiles_owned_caches))
		return NOTIFY_DONE;
	rw = kmalloc(sizeof(*rw), GFP_KERNEL);
	if (!rw)
		return NOTIFY_DONE;
	INIT_WORK(&rw->work, cachefiles_nl_release_worker);
	rw->portid = n->portid;
	queue_work(cachefiles_wq, &rw->work);
	return NOTIFY_DONE;
}

static struct notifier_block cachefiles_nl_notifier = {
	.notifier_call	= cachefiles_nl_release,
};

int __init cachefiles_nl_init(void)
{
	int ret;

	cachefiles_nl_core = symbol_get(fscache_nl_core_ops);
	ret = netlink_register_notifier(&cachefiles_nl_notifier);
	if (ret < 0)
		goto err_core;
	ret = genl_register_family(&cachefiles_nl_family);
	if (ret < 0)
		goto err_notifier;
	WRITE_ONCE(cachefiles_nl_registered, true);
	return 0;

err_notifier:
	netlink_unregister_notifier(&cachefiles_nl_notifier);
err_core:
	if (cachefiles_nl_core)
		symbol_put(fscache_nl_core_ops);
	return ret;
}

void cachefiles_nl_exit(void)
{
	WRITE_ONCE(cachefiles_nl_registered, false);
	genl_unregister_family(&cachefiles_nl_family);
	netlink_unregister_notifier(&cachefiles_nl_notifier);
	if (cachefiles_nl_core)
		symbol_put(fscache_nl_core_ops);
}
