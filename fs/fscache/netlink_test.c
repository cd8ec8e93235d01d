// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the fscache core's netlink introspection (netlink.c).
 *
 * The dumps are driven the way netlink_dump() drives them, without a socket: a netlink_callback whose
 * cb->data is a genl_dumpit_info naming a fake, never registered, family and the filter attributes,
 * and a fresh skb for every call.  Each skb's tailroom is cut to the size the case asks for, so that a
 * dump is split into as many parts as the case wants.  Replies are parsed with a strict policy per
 * command, so an attribute the contract does not list for a reply, or one of the wrong size, fails the
 * case.
 *
 * The cases make volumes and cookies of their own, with keys no other suite uses, in no cache (a volume
 * may name a cache record that no backend binds).  .exit relinquishes what a case left and waits until
 * it is gone, so that whatever runs next starts from the same counts.  Those waits poll with a bound,
 * as failure detection only: the core announces a volume's last put to nobody.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/fscache-nl-core.h>
#include <linux/fscache_nl.h>
#include <linux/mm.h>
#include <net/genetlink.h>

#include "internal.h"

#define NT_FAMILY_ID		0x7e57		/* Any message type: the fake family is not registered */
#define NT_PORTID		4242
#define NT_SEQ			77
#define NT_TIMEOUT		(10 * HZ)	/* Failure detection: nothing legitimate takes this long */
#define NT_POLL_MS		2
#define NT_REPORT_MAX		5		/* Bad replies reported one by one, per dump */
#define NT_MAX_VOLUMES		8
#define NT_REPLY_MIN		96		/* The smallest cookie reply: 4-byte key, no tag, no pad */
#define NT_ONE_REPLY		150		/* Tailroom that takes one cookie reply, never two */
#define NT_ONE_VOLUME		100		/* Likewise for volumes with keys of 15 to 20 chars */
#define NT_TOO_SMALL		40		/* Tailroom no reply fits in */
#define NT_TAG_A		"kunit-nl-tag-a"
#define NT_TAG_B		"kunit-nl-tag-b"

/* Per case. */
struct nt_ctx {
	struct fscache_volume	*volumes[NT_MAX_VOLUMES];	/* Relinquished by nt_exit() */
	struct fscache_cookie	**cookies;			/* Likewise; NULL once relinquished */
	unsigned int		n_cookies;
	unsigned int		max_cookies;
	unsigned int		n_users[4];			/* Uses nt_exit() undoes, by cookie slot */
};

/* Called for each well-formed reply of a dump. */
typedef void (*nt_visit_t)(struct kunit *test, void *arg, struct nlattr **tb);

/* One dump, as netlink_dump() would run it. */
struct nt_dump {
	struct kunit		*test;
	int			(*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	u8			cmd;
	unsigned int		tailroom;	/* Of each part's skb */
	struct netlink_callback	cb;
	struct genl_dumpit_info	info;
	struct nlattr		*attrs[FSCACHE_A_MAX + 1];
	struct nlmsghdr		req_nlh;
	nt_visit_t		visit;
	void			*arg;
	unsigned int		parts;		/* Calls made */
	unsigned int		replies;
	unsigned int		max_per_part;
	unsigned int		intr;		/* Replies flagged NLM_F_DUMP_INTR */
	unsigned int		first_intr;	/* Index of the first of them */
	unsigned int		bad;		/* Malformed replies */
	bool			done;		/* A call returned 0 */
	bool			done_intr;	/* The NLMSG_DONE would be flagged NLM_F_DUMP_INTR */
};

static const struct genl_family nt_family = {
	.name		= "kunit-fscache",
	.version	= FSCACHE_GENL_VERSION,
	.maxattr	= FSCACHE_A_MAX,
	.id		= NT_FAMILY_ID,
};

/* What a cookie reply may carry; strict parsing rejects anything else. */
static const struct nla_policy nt_cookie_policy[FSCACHE_A_MAX + 1] = {
	[FSCACHE_A_PAD]			= { .type = NLA_BINARY },
	[FSCACHE_A_COOKIE_ID]		= { .type = NLA_U32 },
	[FSCACHE_A_VOLUME_ID]		= { .type = NLA_U32 },
	[FSCACHE_A_COOKIE_KEY]		= { .type = NLA_BINARY, .len = FSCACHE_COOKIE_KEY_MAX },
	[FSCACHE_A_COOKIE_STATE]	= { .type = NLA_U8 },
	[FSCACHE_A_COOKIE_REFS]		= { .type = NLA_U32 },
	[FSCACHE_A_COOKIE_USERS]	= { .type = NLA_U32 },
	[FSCACHE_A_COOKIE_ACCESSES]	= { .type = NLA_U32 },
	[FSCACHE_A_COOKIE_SIZE]		= { .type = NLA_U64 },
	[FSCACHE_A_COOKIE_FLAGS]	= { .type = NLA_U32 },
	[FSCACHE_A_CACHE_TAG]		= { .type = NLA_NUL_STRING, .len = FSCACHE_TAG_MAX_LEN },
};

static const int nt_cookie_required[] = {
	FSCACHE_A_COOKIE_ID, FSCACHE_A_VOLUME_ID, FSCACHE_A_COOKIE_KEY, FSCACHE_A_COOKIE_STATE,
	FSCACHE_A_COOKIE_REFS, FSCACHE_A_COOKIE_USERS, FSCACHE_A_COOKIE_ACCESSES,
	FSCACHE_A_COOKIE_SIZE, FSCACHE_A_COOKIE_FLAGS,
};

/* What a volume reply may carry. */
static const struct nla_policy nt_volume_policy[FSCACHE_A_MAX + 1] = {
	[FSCACHE_A_VOLUME_ID]		= { .type = NLA_U32 },
	[FSCACHE_A_VOLUME_KEY]		= { .type = NLA_NUL_STRING, .len = FSCACHE_VOLUME_KEY_MAX },
	[FSCACHE_A_VOLUME_REFS]		= { .type = NLA_U32 },
	[FSCACHE_A_VOLUME_COOKIES]	= { .type = NLA_U32 },
	[FSCACHE_A_CACHE_TAG]		= { .type = NLA_NUL_STRING, .len = FSCACHE_TAG_MAX_LEN },
};

static const int nt_volume_required[] = {
	FSCACHE_A_VOLUME_ID, FSCACHE_A_VOLUME_KEY, FSCACHE_A_VOLUME_REFS, FSCACHE_A_VOLUME_COOKIES,
};

/* What the core's stats nest may carry: its counters, and only those. */
static const struct nla_policy nt_stats_policy[FSCACHE_A_STAT_MAX + 1] = {
	[FSCACHE_A_STAT_PAD]		= { .type = NLA_BINARY },
	[FSCACHE_A_STAT_COOKIES]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_VOLUMES]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_ACQUIRES]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_RELINQUISHES]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_INVALIDATES]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_RESIZES]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_LRU_EXPIRED]	= { .type = NLA_U64 },
	[FSCACHE_A_STAT_READS]		= { .type = NLA_U64 },
	[FSCACHE_A_STAT_WRITES]		= { .type = NLA_U64 },
};

/* Wait, polling, for @cond; bounded by NT_TIMEOUT.  Only for what the core signals to nobody. */
#define nt_wait_for(cond)							\
({										\
	unsigned long __deadline = jiffies + NT_TIMEOUT;			\
	bool __done;								\
										\
	while (!(__done = (cond)) && time_before(jiffies, __deadline))		\
		msleep(NT_POLL_MS);						\
	__done;									\
})

/* Count a malformed reply; report the first few. */
#define nt_bad(d, fmt, ...)							\
do {										\
	if ((d)->bad++ < NT_REPORT_MAX)						\
		KUNIT_FAIL((d)->test, "reply %u: " fmt, (d)->replies, ##__VA_ARGS__);	\
} while (0)

/*
 * Volumes and cookies of the cases.
 */
static struct fscache_volume *nt_volume(struct kunit *test, const char *key, const char *cache_name)
{
	struct nt_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	unsigned int i;

	for (i = 0; i < NT_MAX_VOLUMES && ctx->volumes[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, NT_MAX_VOLUMES);
	volume = __fscache_acquire_volume(key, cache_name, NULL, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(volume), "volume %s: %ld", key, PTR_ERR(volume));
	ctx->volumes[i] = volume;
	return volume;
}

static bool nt_volume_listed(const char *key)
{
	struct fscache_volume *volume;
	bool found = false;

	mutex_lock(&fscache_volumes_lock);
	list_for_each_entry(volume, &fscache_volumes, proc_link)
		if (strcmp(volume->key + 1, key) == 0)
			found = true;
	mutex_unlock(&fscache_volumes_lock);
	return found;
}

/* Relinquish a volume with no cookie left and wait until it is unlisted. */
static void nt_volume_drop(struct kunit *test, struct fscache_volume *volume)
{
	struct nt_ctx *ctx = test->priv;
	char key[FSCACHE_VOLUME_KEY_MAX + 1];
	unsigned int i;

	for (i = 0; i < NT_MAX_VOLUMES; i++)
		if (ctx->volumes[i] == volume)
			ctx->volumes[i] = NULL;
	strscpy(key, volume->key + 1, sizeof(key));

	/* Our own reference tells when the cookies' are gone; the volume is freed after our put. */
	if (!fscache_try_get_volume(volume, fscache_volume_get_hash_collision)) {
		KUNIT_FAIL(test, "volume %s already freed", key);
		return;
	}
	__fscache_relinquish_volume(volume, NULL, false);
	KUNIT_EXPECT_TRUE_MSG(test, nt_wait_for(refcount_read(&volume->ref) == 1),
			      "volume %s still has %d refs", key, refcount_read(&volume->ref));
	fscache_put_volume(volume, fscache_volume_put_hash_collision);
	flush_workqueue(fscache_wq);
	KUNIT_EXPECT_FALSE_MSG(test, nt_volume_listed(key), "volume %s still listed", key);
}

static void nt_cookies_reserve(struct kunit *test, unsigned int n)
{
	struct nt_ctx *ctx = test->priv;

	KUNIT_ASSERT_NULL(test, ctx->cookies);
	ctx->cookies = kvcalloc(max(n, 1U), sizeof(*ctx->cookies), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->cookies);
	ctx->max_cookies = n;
}

static u64 nt_size_of(u32 n)
{
	return (u64)n * 512 + 3;
}

/* Acquire cookie number @n of a case, keyed by @n (little-endian, 4 bytes). */
static struct fscache_cookie *nt_cookie(struct kunit *test, struct fscache_volume *volume, u32 n)
{
	struct nt_ctx *ctx = test->priv;
	struct fscache_cookie *cookie;
	__le32 key = cpu_to_le32(n);

	KUNIT_ASSERT_LT(test, ctx->n_cookies, ctx->max_cookies);
	cookie = __fscache_acquire_cookie(volume, 0, &key, sizeof(key), NULL, 0, nt_size_of(n));
	KUNIT_ASSERT_NOT_NULL_MSG(test, cookie, "cookie %u", n);
	ctx->cookies[ctx->n_cookies++] = cookie;
	return cookie;
}

/* Relinquish a cookie of the case and wait until it is unhashed. */
static void nt_cookie_drop(struct kunit *test, unsigned int slot)
{
	struct nt_ctx *ctx = test->priv;
	struct fscache_cookie *cookie = ctx->cookies[slot];

	ctx->cookies[slot] = NULL;
	fscache_get_cookie(cookie, fscache_cookie_get_hash_collision);	/* To watch it */
	__fscache_relinquish_cookie(cookie, false);
	KUNIT_EXPECT_TRUE_MSG(test, nt_wait_for(!test_bit(FSCACHE_COOKIE_IS_HASHED, &cookie->flags)),
			      "relinquished cookie still hashed");
	fscache_put_cookie(cookie, fscache_cookie_put_hash_collision);
}

/*
 * The fake netlink side.
 */
static struct nlattr *nt_attr_string(struct kunit *test, int type, const char *s)
{
	size_t len = strlen(s) + 1;
	struct nlattr *nla;

	nla = kunit_kzalloc(test, nla_total_size(len), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nla);
	nla->nla_len = nla_attr_size(len);
	nla->nla_type = type;
	memcpy(nla_data(nla), s, len);
	return nla;
}

/*
 * Set a dump up.  The request skb is only read for its control block (NETLINK_CB().portid), so a
 * zeroed struct stands in for it.
 */
static void nt_dump_init(struct kunit *test, struct nt_dump *d, u8 cmd, unsigned int tailroom,
			 const char *tag, const char *volume_key, nt_visit_t visit, void *arg)
{
	struct sk_buff *req;

	memset(d, 0, sizeof(*d));
	d->test = test;
	d->cmd = cmd;
	d->dumpit = cmd == FSCACHE_CMD_COOKIE_GET ? fscache_nl_core_ops.dump_cookies :
						   fscache_nl_core_ops.dump_volumes;
	d->tailroom = tailroom;
	d->visit = visit;
	d->arg = arg;
	if (tag)
		d->attrs[FSCACHE_A_CACHE_TAG] = nt_attr_string(test, FSCACHE_A_CACHE_TAG, tag);
	if (volume_key)
		d->attrs[FSCACHE_A_VOLUME_KEY] = nt_attr_string(test, FSCACHE_A_VOLUME_KEY,
								volume_key);
	d->info.family = &nt_family;
	d->info.attrs = d->attrs;

	req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	NETLINK_CB(req).portid = NT_PORTID;
	d->req_nlh.nlmsg_seq = NT_SEQ;
	d->cb.skb = req;
	d->cb.nlh = &d->req_nlh;
	d->cb.data = &d->info;
}

static void nt_check_reply(struct nt_dump *d, const struct nlmsghdr *nlh)
{
	bool cookies = d->cmd == FSCACHE_CMD_COOKIE_GET;
	const int *required = cookies ? nt_cookie_required : nt_volume_required;
	unsigned int n_required = cookies ? ARRAY_SIZE(nt_cookie_required) :
					    ARRAY_SIZE(nt_volume_required);
	const struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int i;
	int err;

	if (nlh->nlmsg_type != NT_FAMILY_ID || !(nlh->nlmsg_flags & NLM_F_MULTI) ||
	    nlh->nlmsg_pid != NT_PORTID || nlh->nlmsg_seq != NT_SEQ) {
		nt_bad(d, "header type %u flags %#x pid %u seq %u", nlh->nlmsg_type,
		       nlh->nlmsg_flags, nlh->nlmsg_pid, nlh->nlmsg_seq);
		return;
	}
	if (g->cmd != d->cmd || g->version != FSCACHE_GENL_VERSION) {
		nt_bad(d, "cmd %u version %u", g->cmd, g->version);
		return;
	}
	err = nlmsg_parse(nlh, GENL_HDRLEN, tb, FSCACHE_A_MAX,
			  cookies ? nt_cookie_policy : nt_volume_policy, NULL);
	if (err) {
		nt_bad(d, "attributes do not parse strictly: %d", err);
		return;
	}
	for (i = 0; i < n_required; i++) {
		if (!tb[required[i]]) {
			nt_bad(d, "attribute %d missing", required[i]);
			return;
		}
	}
	if ((nlh->nlmsg_flags & NLM_F_DUMP_INTR) && d->intr++ == 0)
		d->first_intr = d->replies;
	if (d->visit)
		d->visit(d->test, d->arg, tb);
}

/* Make one call of the dump into an skb of the dump's tailroom.  Return: what the call returned. */
static int nt_dump_part(struct nt_dump *d)
{
	struct kunit *test = d->test;
	struct sk_buff *skb;
	struct nlmsghdr *nlh;
	unsigned int n = 0;
	int ret, rem;

	skb = alloc_skb(d->tailroom, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, skb_tailroom(skb) - d->tailroom);

	ret = d->dumpit(skb, &d->cb);
	d->parts++;
	if (ret < 0) {
		KUNIT_EXPECT_EQ_MSG(test, skb->len, 0, "a failed call left %u bytes", skb->len);
		kfree_skb(skb);
		return ret;
	}
	if (ret > 0)
		KUNIT_EXPECT_EQ(test, ret, (int)skb->len);

	nlmsg_for_each_msg(nlh, (struct nlmsghdr *)skb->data, skb->len, rem) {
		nt_check_reply(d, nlh);
		d->replies++;
		n++;
	}
	KUNIT_EXPECT_EQ_MSG(test, rem, 0, "trailing bytes after the replies");
	if (ret > 0)
		KUNIT_EXPECT_GT_MSG(test, n, 0U, "a call asked for more without sending anything");
	d->max_per_part = max(d->max_per_part, n);
	d->done = ret == 0;
	kfree_skb(skb);
	return ret;
}

/* Run a dump to its end; each call must send something until the last. */
static void nt_dump_finish(struct nt_dump *d, unsigned int max_parts)
{
	struct kunit *test = d->test;
	struct nlmsghdr done = {};
	int ret;

	while (!d->done) {
		KUNIT_ASSERT_LE_MSG(test, d->parts, max_parts, "the dump does not end");
		ret = nt_dump_part(d);
		KUNIT_ASSERT_GE_MSG(test, ret, 0, "call %u failed", d->parts);
	}
	/* netlink_dump_done() checks the NLMSG_DONE it appends as each reply was checked. */
	nl_dump_check_consistent(&d->cb, &done);
	d->done_intr = done.nlmsg_flags & NLM_F_DUMP_INTR;

	/* Once done, a dump stays done. */
	KUNIT_EXPECT_EQ(test, nt_dump_part(d), 0);
}

static u32 nt_get_key(const struct nlattr *nla, bool *ok)
{
	__le32 key;

	*ok = nla_len(nla) == sizeof(key);
	if (!*ok)
		return 0;
	memcpy(&key, nla_data(nla), sizeof(key));
	return le32_to_cpu(key);
}

/*
 * Every cookie exactly once, over many parts.
 */
struct nt_once_param {
	const char	*desc;
	unsigned int	count;
	unsigned int	tailroom;
	bool		filtered;	/* By the volume's key */
	unsigned int	others;		/* Cookies of another volume, sharing buckets with ours */
};

static const struct nt_once_param nt_once_params[] = {
	{ "100000 cookies, 512-byte parts, by volume", 100000, 512, true, 0 },
	{ "20000 cookies, one reply per part", 20000, NT_ONE_REPLY, false, 0 },
	{ "20000 cookies among 20000 others, one reply per part, by volume",
	  20000, NT_ONE_REPLY, true, 20000 },
	{ "3000 cookies, NLMSG_GOODSIZE parts", 3000, NLMSG_GOODSIZE, false, 0 },
	{ "one cookie, by volume", 1, NT_ONE_REPLY, true, 0 },
	{ "no cookie, by volume", 0, NT_ONE_REPLY, true, 0 },
};

static void nt_once_desc(const struct nt_once_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(nt_once, nt_once_params, nt_once_desc);

struct nt_once {
	struct nt_dump		*d;
	struct fscache_volume	*volume;
	struct fscache_cookie	**cookies;
	unsigned int		count;
	u8			*seen;
	unsigned int		foreign;
};

static void nt_once_visit(struct kunit *test, void *arg, struct nlattr **tb)
{
	struct nt_once *o = arg;
	struct fscache_cookie *cookie;
	bool ok;
	u32 n;

	if (nla_get_u32(tb[FSCACHE_A_VOLUME_ID]) != o->volume->debug_id) {
		o->foreign++;
		return;
	}
	n = nt_get_key(tb[FSCACHE_A_COOKIE_KEY], &ok);
	if (!ok || n >= o->count) {
		nt_bad(o->d, "key of %d bytes, %u", nla_len(tb[FSCACHE_A_COOKIE_KEY]), n);
		return;
	}
	cookie = o->cookies[n];
	if (nla_get_u32(tb[FSCACHE_A_COOKIE_ID]) != cookie->debug_id ||
	    nla_get_u64(tb[FSCACHE_A_COOKIE_SIZE]) != nt_size_of(n) ||
	    nla_get_u8(tb[FSCACHE_A_COOKIE_STATE]) != FSCACHE_COOKIE_NL_QUIESCENT ||
	    nla_get_u32(tb[FSCACHE_A_COOKIE_FLAGS]) != 0 ||
	    nla_get_u32(tb[FSCACHE_A_COOKIE_REFS]) != 1 ||
	    nla_get_u32(tb[FSCACHE_A_COOKIE_USERS]) != 0 ||
	    nla_get_u32(tb[FSCACHE_A_COOKIE_ACCESSES]) != 0 || tb[FSCACHE_A_CACHE_TAG])
		nt_bad(o->d, "cookie %u (id %x) has wrong attributes", n, cookie->debug_id);
	if (o->seen[n] < U8_MAX)
		o->seen[n]++;
}

static void fscache_nl_test_cookies_once(struct kunit *test)
{
	const struct nt_once_param *p = test->param_value;
	struct nt_ctx *ctx = test->priv;
	unsigned int i, missing = 0, twice = 0;
	struct nt_once o = { .count = p->count };
	struct fscache_volume *other;
	struct nt_dump d;
	char vkey[32];

	snprintf(vkey, sizeof(vkey), "kunit-nl-once-%u", p->count);
	o.volume = nt_volume(test, vkey, NULL);
	nt_cookies_reserve(test, p->count + p->others);
	for (i = 0; i < p->count; i++)
		nt_cookie(test, o.volume, i);
	o.cookies = ctx->cookies;
	if (p->others) {
		/* Two cookies to a bucket on average: ours often follow one filtered out. */
		other = nt_volume(test, "kunit-nl-once-others", NULL);
		for (i = 0; i < p->others; i++)
			nt_cookie(test, other, i);
	}
	o.seen = kunit_kzalloc(test, max(p->count, 1U), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o.seen);

	nt_dump_init(test, &d, FSCACHE_CMD_COOKIE_GET, p->tailroom, NULL,
		     p->filtered ? vkey : NULL, nt_once_visit, &o);
	o.d = &d;
	nt_dump_finish(&d, p->count + p->others + 2);

	for (i = 0; i < p->count; i++) {
		if (o.seen[i] == 0 && missing++ < NT_REPORT_MAX)
			KUNIT_FAIL(test, "cookie %u was not sent", i);
		if (o.seen[i] > 1 && twice++ < NT_REPORT_MAX)
			KUNIT_FAIL(test, "cookie %u was sent %u times", i, o.seen[i]);
	}
	KUNIT_EXPECT_EQ(test, missing, 0U);
	KUNIT_EXPECT_EQ(test, twice, 0U);
	KUNIT_EXPECT_EQ(test, d.bad, 0U);
	KUNIT_EXPECT_EQ(test, d.intr, 0U);
	KUNIT_EXPECT_FALSE(test, d.done_intr);
	if (p->filtered)
		KUNIT_EXPECT_EQ(test, o.foreign, 0U);
	/* The dump was resumed as often as the tailroom demands. */
	if (p->tailroom == NT_ONE_REPLY)
		KUNIT_EXPECT_LE(test, d.max_per_part, 1U);
	KUNIT_EXPECT_GE(test, d.parts, DIV_ROUND_UP(p->count, p->tailroom / NT_REPLY_MIN));
	kunit_info(test, "%u replies in %u parts", d.replies, d.parts);
}

/*
 * Filters.
 */
#define NT_VKEY_A	"kunit-nl-filter-a"
#define NT_VKEY_B	"kunit-nl-filter-b"
#define NT_VKEY_C	"kunit-nl-filter-c"

struct nt_filter_param {
	const char	*desc;
	const char	*tag;		/* CACHE_TAG filter, or NULL */
	const char	*vkey;		/* VOLUME_KEY filter, or NULL */
	unsigned int	want[3];	/* Cookies expected of volumes A, B, C */
};

static const struct nt_filter_param nt_filter_params[] = {
	{ "none",			NULL,			NULL,		{ 3, 2, 4 } },
	{ "tag a",			NT_TAG_A,		NULL,		{ 3, 0, 0 } },
	{ "tag b",			NT_TAG_B,		NULL,		{ 0, 2, 0 } },
	{ "volume c",			NULL,			NT_VKEY_C,	{ 0, 0, 4 } },
	{ "tag a, volume a",		NT_TAG_A,		NT_VKEY_A,	{ 3, 0, 0 } },
	{ "tag a, volume b",		NT_TAG_A,		NT_VKEY_B,	{ 0, 0, 0 } },
	{ "tag a, volume c",		NT_TAG_A,		NT_VKEY_C,	{ 0, 0, 0 } },
	{ "unknown tag",		"kunit-nl-no-tag",	NULL,		{ 0, 0, 0 } },
	{ "tag prefix",			"kunit-nl-tag",		NULL,		{ 0, 0, 0 } },
	{ "unknown volume",		NULL,			"kunit-nl-none", { 0, 0, 0 } },
	{ "volume prefix",		NULL,			"kunit-nl-filter", { 0, 0, 0 } },
};

static void nt_filter_desc(const struct nt_filter_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(nt_filter, nt_filter_params, nt_filter_desc);

struct nt_filter {
	struct nt_dump		*d;
	struct fscache_volume	*volumes[3];
	const char		*tags[3];
	unsigned int		n_cookies[3];
	unsigned int		got[3];		/* Replies of each volume */
	unsigned int		foreign;
};

static int nt_filter_volume(struct nt_filter *f, struct nlattr **tb)
{
	u32 id = nla_get_u32(tb[FSCACHE_A_VOLUME_ID]);
	int i;

	for (i = 0; i < 3; i++)
		if (f->volumes[i]->debug_id == id)
			return i;
	f->foreign++;
	return -1;
}

/* A reply's CACHE_TAG is there if and only if its volume has one, and names it. */
static void nt_filter_check_tag(struct nt_filter *f, int i, struct nlattr **tb)
{
	const struct nlattr *tag = tb[FSCACHE_A_CACHE_TAG];

	if (!f->tags[i] != !tag || (tag && nla_strcmp(tag, f->tags[i])))
		nt_bad(f->d, "volume %c: wrong CACHE_TAG", 'a' + i);
}

static void nt_filter_cookie_visit(struct kunit *test, void *arg, struct nlattr **tb)
{
	struct nt_filter *f = arg;
	int i = nt_filter_volume(f, tb);

	if (i < 0)
		return;
	f->got[i]++;
	nt_filter_check_tag(f, i, tb);
}

static void nt_filter_volume_visit(struct kunit *test, void *arg, struct nlattr **tb)
{
	struct nt_filter *f = arg;
	int i = nt_filter_volume(f, tb);

	if (i < 0)
		return;
	f->got[i]++;
	nt_filter_check_tag(f, i, tb);
	if (nla_strcmp(tb[FSCACHE_A_VOLUME_KEY], f->volumes[i]->key + 1) ||
	    nla_get_u32(tb[FSCACHE_A_VOLUME_COOKIES]) != f->n_cookies[i] ||
	    nla_get_u32(tb[FSCACHE_A_VOLUME_REFS]) != 1 + f->n_cookies[i])
		nt_bad(f->d, "volume %c: wrong attributes", 'a' + i);
}

static void fscache_nl_test_filters(struct kunit *test)
{
	static const char *const keys[3] = { NT_VKEY_A, NT_VKEY_B, NT_VKEY_C };
	static const char *const tags[3] = { NT_TAG_A, NT_TAG_B, NULL };
	static const unsigned int counts[3] = { 3, 2, 4 };
	const struct nt_filter_param *p = test->param_value;
	bool only_ours = p->tag || p->vkey;
	struct nt_filter f = {};
	struct nt_dump d;
	unsigned int i, j, n = 0;

	nt_cookies_reserve(test, 3 + 2 + 4);
	for (i = 0; i < 3; i++) {
		f.volumes[i] = nt_volume(test, keys[i], tags[i]);
		f.tags[i] = tags[i];
		f.n_cookies[i] = counts[i];
		for (j = 0; j < counts[i]; j++)
			nt_cookie(test, f.volumes[i], n++);
	}

	/* Cookies, one reply per part, so that filtered-out cookies sit between resumptions. */
	nt_dump_init(test, &d, FSCACHE_CMD_COOKIE_GET, NT_ONE_REPLY, p->tag, p->vkey,
		     nt_filter_cookie_visit, &f);
	f.d = &d;
	nt_dump_finish(&d, 1000);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, f.got[i], p->want[i], "cookies of volume %c", 'a' + i);
	if (only_ours)
		KUNIT_EXPECT_EQ(test, f.foreign, 0U);
	KUNIT_EXPECT_EQ(test, d.bad, 0U);

	/* Volumes: those with a cookie expected, once each. */
	memset(f.got, 0, sizeof(f.got));
	f.foreign = 0;
	nt_dump_init(test, &d, FSCACHE_CMD_VOLUME_GET, NT_ONE_REPLY, p->tag, p->vkey,
		     nt_filter_volume_visit, &f);
	f.d = &d;
	nt_dump_finish(&d, 1000);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, f.got[i], p->want[i] ? 1U : 0U, "volume %c", 'a' + i);
	if (only_ours)
		KUNIT_EXPECT_EQ(test, f.foreign, 0U);
	KUNIT_EXPECT_EQ(test, d.bad, 0U);
}

/*
 * NLM_F_DUMP_INTR when the set walked changes between two parts, and only then.
 */
#define NT_INTR_VOLUMES		4
#define NT_INTR_COOKIES		6	/* Per volume */

enum nt_change {
	NT_NOTHING,
	NT_ADD_COOKIE,
	NT_DROP_COOKIE,
	NT_ADD_VOLUME,
	NT_DROP_VOLUME,
};

/* Where the flag is expected. */
enum nt_flagged {
	NT_NOWHERE,
	NT_ON_REPLY,		/* On the first reply after the change */
	NT_ON_DONE,		/* On the NLMSG_DONE: no reply followed the change */
};

struct nt_intr_param {
	const char	*desc;
	u8		cmd;
	unsigned int	parts;		/* Calls before the change */
	enum nt_change	change;
	enum nt_flagged	flagged;
};

/*
 * The fixture lists an empty volume first, then NT_INTR_VOLUMES with cookies; volume dumps send one
 * reply per part.  Relinquishing the empty volume, already sent, makes the position cursor skip the
 * next volume: in the middle of the dump a later reply is flagged, at the end only the NLMSG_DONE.
 */
static const struct nt_intr_param nt_intr_params[] = {
	{ "cookies, nothing changes", FSCACHE_CMD_COOKIE_GET, 2, NT_NOTHING, NT_NOWHERE },
	{ "cookies, one is acquired", FSCACHE_CMD_COOKIE_GET, 2, NT_ADD_COOKIE, NT_ON_REPLY },
	{ "cookies, one is relinquished", FSCACHE_CMD_COOKIE_GET, 2, NT_DROP_COOKIE, NT_ON_REPLY },
	{ "cookies, a volume is acquired", FSCACHE_CMD_COOKIE_GET, 2, NT_ADD_VOLUME, NT_NOWHERE },
	{ "volumes, nothing changes", FSCACHE_CMD_VOLUME_GET, 2, NT_NOTHING, NT_NOWHERE },
	{ "volumes, one is acquired", FSCACHE_CMD_VOLUME_GET, 2, NT_ADD_VOLUME, NT_ON_REPLY },
	{ "volumes, a sent one is relinquished", FSCACHE_CMD_VOLUME_GET, 2, NT_DROP_VOLUME,
	  NT_ON_REPLY },
	{ "volumes, a sent one is relinquished at the end", FSCACHE_CMD_VOLUME_GET,
	  NT_INTR_VOLUMES, NT_DROP_VOLUME, NT_ON_DONE },
	{ "volumes, a cookie is acquired", FSCACHE_CMD_VOLUME_GET, 2, NT_ADD_COOKIE, NT_NOWHERE },
};

static void nt_intr_desc(const struct nt_intr_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(nt_intr, nt_intr_params, nt_intr_desc);

static void fscache_nl_test_dump_intr(struct kunit *test)
{
	const struct nt_intr_param *p = test->param_value;
	struct fscache_volume *volumes[NT_INTR_VOLUMES], *empty;
	unsigned int i, j, n = 0, before;
	struct nt_dump d;
	char key[32];

	nt_cookies_reserve(test, NT_INTR_VOLUMES * NT_INTR_COOKIES + 1);
	empty = nt_volume(test, "kunit-nl-intr-empty", NULL);
	for (i = 0; i < NT_INTR_VOLUMES; i++) {
		snprintf(key, sizeof(key), "kunit-nl-intr-%u", i);
		volumes[i] = nt_volume(test, key, NULL);
		for (j = 0; j < NT_INTR_COOKIES; j++)
			nt_cookie(test, volumes[i], n++);
	}

	nt_dump_init(test, &d, p->cmd,
		     p->cmd == FSCACHE_CMD_COOKIE_GET ? NT_ONE_REPLY : NT_ONE_VOLUME,
		     NULL, NULL, NULL, NULL);
	for (i = 0; i < p->parts; i++)
		KUNIT_ASSERT_GT(test, nt_dump_part(&d), 0);
	KUNIT_EXPECT_EQ(test, d.max_per_part, 1U);
	KUNIT_EXPECT_EQ(test, d.intr, 0U);
	before = d.replies;

	switch (p->change) {
	case NT_NOTHING:
		break;
	case NT_ADD_COOKIE:
		nt_cookie(test, volumes[0], n++);
		break;
	case NT_DROP_COOKIE:
		nt_cookie_drop(test, 0);
		break;
	case NT_ADD_VOLUME:
		nt_volume(test, "kunit-nl-intr-new", NULL);
		break;
	case NT_DROP_VOLUME:
		nt_volume_drop(test, empty);
		break;
	}

	nt_dump_finish(&d, 1000);
	KUNIT_EXPECT_EQ(test, d.bad, 0U);
	/* Flagged once: the first message after the change; netlink's prev_seq then follows. */
	KUNIT_EXPECT_EQ(test, d.intr, p->flagged == NT_ON_REPLY ? 1U : 0U);
	if (p->flagged == NT_ON_REPLY)
		KUNIT_EXPECT_EQ(test, d.first_intr, before);
	KUNIT_EXPECT_EQ(test, d.done_intr, p->flagged == NT_ON_DONE);
}

/*
 * A reply too big for an empty skb is an error, and loses nothing.
 */
struct nt_small_param {
	const char	*desc;
	u8		cmd;
};

static const struct nt_small_param nt_small_params[] = {
	{ "cookies", FSCACHE_CMD_COOKIE_GET },
	{ "volumes", FSCACHE_CMD_VOLUME_GET },
};

static void nt_small_desc(const struct nt_small_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(nt_small, nt_small_params, nt_small_desc);

static void nt_small_visit(struct kunit *test, void *arg, struct nlattr **tb)
{
	(*(unsigned int *)arg)++;
}

static void fscache_nl_test_too_small(struct kunit *test)
{
	const struct nt_small_param *p = test->param_value;
	struct fscache_volume *volume;
	unsigned int got = 0;
	struct nt_dump d;

	volume = nt_volume(test, "kunit-nl-small", NULL);
	nt_cookies_reserve(test, 1);
	nt_cookie(test, volume, 7);

	nt_dump_init(test, &d, p->cmd, NT_TOO_SMALL, NULL, "kunit-nl-small", nt_small_visit, &got);
	KUNIT_EXPECT_EQ(test, nt_dump_part(&d), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, nt_dump_part(&d), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, got, 0U);

	/* The same cursor, given room, still sends the object. */
	d.tailroom = NLMSG_GOODSIZE;
	nt_dump_finish(&d, 10);
	KUNIT_EXPECT_EQ(test, got, 1U);
	KUNIT_EXPECT_EQ(test, d.bad, 0U);
}

/*
 * Every attribute of a cookie reply, from a cookie that is neither plain nor unused.
 */
static void nt_fields_visit(struct kunit *test, void *arg, struct nlattr **tb)
{
	struct fscache_cookie *cookie = arg;

	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[FSCACHE_A_COOKIE_ID]), cookie->debug_id);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[FSCACHE_A_VOLUME_ID]), cookie->volume->debug_id);
	KUNIT_EXPECT_EQ(test, nla_len(tb[FSCACHE_A_COOKIE_KEY]), (int)cookie->key_len);
	KUNIT_EXPECT_EQ(test, memcmp(nla_data(tb[FSCACHE_A_COOKIE_KEY]), fscache_get_key(cookie),
				     cookie->key_len), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[FSCACHE_A_COOKIE_STATE]), FSCACHE_COOKIE_NL_QUIESCENT);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[FSCACHE_A_COOKIE_REFS]), 1U);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[FSCACHE_A_COOKIE_USERS]), 2U);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[FSCACHE_A_COOKIE_ACCESSES]), 0U);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[FSCACHE_A_COOKIE_SIZE]), 0x123456789ULL);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[FSCACHE_A_COOKIE_FLAGS]), FSCACHE_COOKIE_NL_F_NO_DATA);
	KUNIT_ASSERT_NOT_NULL(test, tb[FSCACHE_A_CACHE_TAG]);
	KUNIT_EXPECT_EQ(test, nla_strcmp(tb[FSCACHE_A_CACHE_TAG], NT_TAG_A), 0);
}

static void fscache_nl_test_cookie_fields(struct kunit *test)
{
	struct nt_ctx *ctx = test->priv;
	struct fscache_volume *volume;
	struct fscache_cookie *cookie;
	u8 key[FSCACHE_COOKIE_KEY_MAX];
	struct nt_dump d;
	unsigned int i;

	/* The longest key, stored out of line, with NULs in it: sent as it is, all of it. */
	for (i = 0; i < sizeof(key); i++)
		key[i] = i * 7;
	volume = nt_volume(test, "kunit-nl-fields", NT_TAG_A);
	nt_cookies_reserve(test, 1);
	cookie = __fscache_acquire_cookie(volume, 0, key, sizeof(key), NULL, 0, 1);
	KUNIT_ASSERT_NOT_NULL(test, cookie);
	ctx->cookies[ctx->n_cookies++] = cookie;

	/* Two users; no cache is live, so no lookup: the cookie stays QUIESCENT. */
	__fscache_use_cookie(cookie, false);
	ctx->n_users[0]++;
	__fscache_use_cookie(cookie, false);
	ctx->n_users[0]++;
	__fscache_invalidate(cookie, NULL, 1, 0);
	__fscache_resize_cookie(cookie, 0x123456789LL);

	nt_dump_init(test, &d, FSCACHE_CMD_COOKIE_GET, NLMSG_GOODSIZE, NULL, "kunit-nl-fields",
		     nt_fields_visit, cookie);
	nt_dump_finish(&d, 10);
	KUNIT_EXPECT_EQ(test, d.replies, 1U);
	KUNIT_EXPECT_EQ(test, d.bad, 0U);
}

/*
 * Cookie states and flags as netlink shows them.
 */
struct nt_state_param {
	const char			*desc;
	enum fscache_cookie_state	state;
	u8				nl;
};

static const struct nt_state_param nt_state_params[] = {
	{ "QUIESCENT",		FSCACHE_COOKIE_STATE_QUIESCENT,	FSCACHE_COOKIE_NL_QUIESCENT },
	{ "LOOKING_UP",		FSCACHE_COOKIE_STATE_LOOKING_UP, FSCACHE_COOKIE_NL_LOOKING_UP },
	{ "CREATING",		FSCACHE_COOKIE_STATE_CREATING,	FSCACHE_COOKIE_NL_CREATING },
	{ "ACTIVE",		FSCACHE_COOKIE_STATE_ACTIVE,	FSCACHE_COOKIE_NL_ACTIVE },
	{ "INVALIDATING",	FSCACHE_COOKIE_STATE_INVALIDATING, FSCACHE_COOKIE_NL_INVALIDATING },
	{ "FAILED",		FSCACHE_COOKIE_STATE_FAILED,	FSCACHE_COOKIE_NL_FAILED },
	{ "LRU_DISCARDING",	FSCACHE_COOKIE_STATE_LRU_DISCARDING, FSCACHE_COOKIE_NL_LRU_DISCARDING },
	{ "WITHDRAWING",	FSCACHE_COOKIE_STATE_WITHDRAWING, FSCACHE_COOKIE_NL_WITHDRAWING },
	{ "RELINQUISHING",	FSCACHE_COOKIE_STATE_RELINQUISHING, FSCACHE_COOKIE_NL_RELINQUISHING },
	{ "DROPPED",		FSCACHE_COOKIE_STATE_DROPPED,	FSCACHE_COOKIE_NL_DROPPED },
};

static void nt_state_desc(const struct nt_state_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(nt_state, nt_state_params, nt_state_desc);

static void fscache_nl_test_cookie_state(struct kunit *test)
{
	const struct nt_state_param *p = test->param_value;
	unsigned long seen = 0;
	unsigned int s;

	KUNIT_EXPECT_EQ(test, fscache_nl_cookie_state(p->state), p->nl);

	/* And the map as a whole is one to one. */
	for (s = 0; s < FSCACHE_COOKIE_STATE__NR; s++) {
		u8 nl = fscache_nl_cookie_state(s);

		KUNIT_EXPECT_LT(test, nl, (u8)FSCACHE_COOKIE_STATE__NR);
		KUNIT_EXPECT_FALSE_MSG(test, seen & BIT(nl), "state %u maps onto a taken value", s);
		seen |= BIT(nl);
	}
}

struct nt_flags_param {
	const char	*desc;
	unsigned long	flags;
	u32		nl;
};

static const struct nt_flags_param nt_flags_params[] = {
	{ "none", 0, 0 },
	{ "on the LRU", BIT(FSCACHE_COOKIE_ON_LRU), FSCACHE_COOKIE_NL_F_ON_LRU },
	{ "caching", BIT(FSCACHE_COOKIE_IS_CACHING), FSCACHE_COOKIE_NL_F_HAS_OBJECT },
	{ "no data", BIT(FSCACHE_COOKIE_NO_DATA_TO_READ), FSCACHE_COOKIE_NL_F_NO_DATA },
	{ "retired", BIT(FSCACHE_COOKIE_RETIRED), FSCACHE_COOKIE_NL_F_RETIRED },
	{ "internal bits only",
	  BIT(FSCACHE_COOKIE_RELINQUISHED) | BIT(FSCACHE_COOKIE_HAS_BEEN_CACHED) |
	  BIT(FSCACHE_COOKIE_IS_HASHED) | BIT(FSCACHE_COOKIE_RUNNING) | BIT(FSCACHE_COOKIE_DO_LOOKUP) |
	  BIT(FSCACHE_COOKIE_LOOKUP_FAILED), 0 },
	{ "all, among internal bits",
	  BIT(FSCACHE_COOKIE_ON_LRU) | BIT(FSCACHE_COOKIE_IS_CACHING) |
	  BIT(FSCACHE_COOKIE_NO_DATA_TO_READ) | BIT(FSCACHE_COOKIE_RETIRED) |
	  BIT(FSCACHE_COOKIE_RELINQUISHED) | BIT(FSCACHE_COOKIE_RUNNING),
	  FSCACHE_COOKIE_NL_F_ON_LRU | FSCACHE_COOKIE_NL_F_HAS_OBJECT | FSCACHE_COOKIE_NL_F_NO_DATA |
	  FSCACHE_COOKIE_NL_F_RETIRED },
};

static void nt_flags_desc(const struct nt_flags_param *p, char *desc)
{
	strscpy(desc, p->desc, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(nt_flags, nt_flags_params, nt_flags_desc);

static void fscache_nl_test_cookie_flags(struct kunit *test)
{
	const struct nt_flags_param *p = test->param_value;

	KUNIT_EXPECT_EQ(test, fscache_nl_cookie_flags(p->flags), p->nl);
}

/*
 * The stats nest.
 */
static void nt_stats_read(struct kunit *test, u64 *vals)
{
	struct nlattr *tb[FSCACHE_A_STAT_MAX + 1], *nest;
	struct sk_buff *skb;
	unsigned int attr;

	skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_EQ(test, fscache_nl_core_ops.fill_stats(skb), 0);

	/* One attribute, the nest, and nothing after it. */
	nest = (struct nlattr *)skb->data;
	KUNIT_EXPECT_TRUE(test, skb->len >= NLA_HDRLEN && nla_ok(nest, skb->len));
	KUNIT_EXPECT_EQ(test, nla_type(nest), FSCACHE_A_STATS);
	KUNIT_EXPECT_EQ(test, (unsigned int)nla_total_size(nla_len(nest)), skb->len);
	memset(tb, 0, sizeof(tb));
	KUNIT_EXPECT_EQ(test, nla_parse_nested(tb, FSCACHE_A_STAT_MAX, nest, nt_stats_policy, NULL),
			0);
	for (attr = FSCACHE_A_STAT_COOKIES; attr <= FSCACHE_A_STAT_WRITES; attr++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, tb[attr], "counter %u missing", attr);
		vals[attr] = tb[attr] ? nla_get_u64(tb[attr]) : 0;
	}
	kfree_skb(skb);
}

static void fscache_nl_test_stats(struct kunit *test)
{
	u64 before[__FSCACHE_A_STAT_CNT], after[__FSCACHE_A_STAT_CNT];
	struct fscache_volume *volume;
	struct fscache_cookie *a;
	struct sk_buff *skb;

	nt_stats_read(test, before);
	KUNIT_EXPECT_EQ(test, before[FSCACHE_A_STAT_COOKIES], (u64)atomic_read(&fscache_n_cookies));
	KUNIT_EXPECT_EQ(test, before[FSCACHE_A_STAT_VOLUMES], (u64)atomic_read(&fscache_n_volumes));
	KUNIT_EXPECT_EQ(test, before[FSCACHE_A_STAT_ACQUIRES], (u64)atomic_read(&fscache_n_acquires));
	KUNIT_EXPECT_EQ(test, before[FSCACHE_A_STAT_LRU_EXPIRED],
			(u64)atomic_read(&fscache_n_cookies_lru_expired));
	KUNIT_EXPECT_EQ(test, before[FSCACHE_A_STAT_READS], (u64)atomic_read(&fscache_n_read));
	KUNIT_EXPECT_EQ(test, before[FSCACHE_A_STAT_WRITES], (u64)atomic_read(&fscache_n_write));

	volume = nt_volume(test, "kunit-nl-stats", NULL);
	nt_cookies_reserve(test, 2);
	a = nt_cookie(test, volume, 1);
	nt_cookie(test, volume, 2);
	__fscache_invalidate(a, NULL, 10, 0);
	__fscache_resize_cookie(a, 20);
	fscache_count_read();
	fscache_count_read();
	fscache_count_write();

	nt_stats_read(test, after);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_COOKIES] - before[FSCACHE_A_STAT_COOKIES], 2ULL);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_VOLUMES] - before[FSCACHE_A_STAT_VOLUMES], 1ULL);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_ACQUIRES] - before[FSCACHE_A_STAT_ACQUIRES], 2ULL);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_RELINQUISHES],
			before[FSCACHE_A_STAT_RELINQUISHES]);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_INVALIDATES] - before[FSCACHE_A_STAT_INVALIDATES],
			1ULL);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_RESIZES] - before[FSCACHE_A_STAT_RESIZES], 1ULL);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_LRU_EXPIRED], before[FSCACHE_A_STAT_LRU_EXPIRED]);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_READS] - before[FSCACHE_A_STAT_READS], 2ULL);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_WRITES] - before[FSCACHE_A_STAT_WRITES], 1ULL);

	nt_cookie_drop(test, 0);
	nt_stats_read(test, after);
	KUNIT_EXPECT_EQ(test, after[FSCACHE_A_STAT_RELINQUISHES] - before[FSCACHE_A_STAT_RELINQUISHES],
			1ULL);

	/* No room: an error, and the skb as it was. */
	skb = alloc_skb(NT_TOO_SMALL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, skb_tailroom(skb) - NT_TOO_SMALL);
	KUNIT_EXPECT_EQ(test, fscache_nl_core_ops.fill_stats(skb), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, skb->len, 0U);
	kfree_skb(skb);
}

/*
 * The suite's fixture.
 */
static int nt_init(struct kunit *test)
{
	struct nt_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void nt_exit(struct kunit *test)
{
	struct nt_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ctx->n_cookies; i++) {
		struct fscache_cookie *cookie = ctx->cookies[i];

		if (!cookie)
			continue;
		while (i < ARRAY_SIZE(ctx->n_users) && ctx->n_users[i]) {
			__fscache_unuse_cookie(cookie, NULL, NULL);
			ctx->n_users[i]--;
		}
		__fscache_relinquish_cookie(cookie, false);
		cond_resched();
	}
	kvfree(ctx->cookies);
	for (i = 0; i < NT_MAX_VOLUMES; i++)
		if (ctx->volumes[i])
			nt_volume_drop(test, ctx->volumes[i]);
}

static struct kunit_case fscache_nl_test_cases[] = {
	KUNIT_CASE_PARAM(fscache_nl_test_cookies_once, nt_once_gen_params),
	KUNIT_CASE_PARAM(fscache_nl_test_filters, nt_filter_gen_params),
	KUNIT_CASE_PARAM(fscache_nl_test_dump_intr, nt_intr_gen_params),
	KUNIT_CASE_PARAM(fscache_nl_test_too_small, nt_small_gen_params),
	KUNIT_CASE(fscache_nl_test_cookie_fields),
	KUNIT_CASE_PARAM(fscache_nl_test_cookie_state, nt_state_gen_params),
	KUNIT_CASE_PARAM(fscache_nl_test_cookie_flags, nt_flags_gen_params),
	KUNIT_CASE(fscache_nl_test_stats),
	{}
};

static struct kunit_suite fscache_nl_test_suite = {
	.name		= "fscache_netlink",
	.init		= nt_init,
	.exit		= nt_exit,
	.test_cases	= fscache_nl_test_cases,
};
kunit_test_suite(fscache_nl_test_suite);

MODULE_DESCRIPTION("KUnit tests of the fscache core's netlink introspection");
MODULE_LICENSE("GPL");
