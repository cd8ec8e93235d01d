// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl unit tests: requests built into a buffer and parsed back with mnl_attr_parse;
 * canned replies (as the kernel lays them out, PAD attributes included) parsed and printed in
 * both forms; extended acks; the nlctrl answer that resolves the family.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../fscachectl.h"
#include "tap.h"

#define FAMILY		0x1234
#define GIB		(1ULL << 30)
#define T0_NS		1700000000000000000ULL	/* 2023-11-14T22:13:20Z */

/* Every 8-byte-aligned buffer the kernel would have; MNL_ALIGN keeps attributes at 4. */
static uint64_t bufmem[FSC_SEND_BUF_SIZE / sizeof(uint64_t)];
static uint64_t reqmem[FSC_SEND_BUF_SIZE / sizeof(uint64_t)];

struct seen {
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int n, dup, unknown;
};

static int seen_cb(const struct nlattr *attr, void *data)
{
	struct seen *s = data;
	uint16_t type = mnl_attr_get_type(attr);

	s->n++;
	if (type > FSCACHE_A_MAX) {
		s->unknown++;
		return MNL_CB_OK;
	}
	if (s->tb[type])
		s->dup++;
	s->tb[type] = attr;
	return MNL_CB_OK;
}

static bool attr_is_u64(const struct nlattr *a, uint64_t v)
{
	return a && !mnl_attr_validate(a, MNL_TYPE_U64) && mnl_attr_get_u64(a) == v;
}

static bool attr_is_u8(const struct nlattr *a, uint8_t v)
{
	return a && !mnl_attr_validate(a, MNL_TYPE_U8) && mnl_attr_get_u8(a) == v;
}

static bool attr_is_str(const struct nlattr *a, const char *v)
{
	return a && !mnl_attr_validate(a, MNL_TYPE_NUL_STRING) && !strcmp(mnl_attr_get_str(a), v);
}

static const struct genlmsghdr *genl_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

static void test_bind_msg(void)
{
	struct fsc_bind_req r;
	struct nlmsghdr *nlh;
	struct seen s = {};

	memset(&r, 0, sizeof(r));
	strcpy(r.dir, "/var/cache/fscache");
	strcpy(r.tag, "t1");
	r.lim.has_capacity = true;
	r.lim.capacity = 20 * GIB;
	r.lim.floor_kind = FSC_FLOOR_PCT;
	r.lim.floor_pct = 5;
	r.lim.has_high = true;
	r.lim.high = 90;
	r.lim.has_low = true;
	r.lim.low = 80;
	r.owned = true;
	nlh = fsc_cache_bind_msg(bufmem, FAMILY, &r);

	tap_ok(nlh->nlmsg_type == FAMILY && (nlh->nlmsg_flags & NLM_F_REQUEST) &&
	       !(nlh->nlmsg_flags & NLM_F_DUMP), "CACHE_BIND: a request to the family, not a dump");
	tap_ok(genl_of(nlh)->cmd == FSCACHE_CMD_CACHE_BIND &&
	       genl_of(nlh)->version == FSCACHE_GENL_VERSION,
	       "CACHE_BIND: genl command and version");
	tap_is_int(mnl_attr_parse(nlh, sizeof(struct genlmsghdr), seen_cb, &s), MNL_CB_OK,
		   "CACHE_BIND: the attributes parse");
	tap_ok(s.n == 7 && !s.dup && !s.unknown, "CACHE_BIND: seven attributes, none repeated");
	tap_ok(attr_is_str(s.tb[FSCACHE_A_CACHE_DIR], "/var/cache/fscache"), "CACHE_BIND: DIR");
	tap_ok(attr_is_str(s.tb[FSCACHE_A_CACHE_TAG], "t1"), "CACHE_BIND: TAG");
	tap_ok(attr_is_u64(s.tb[FSCACHE_A_CACHE_CAPACITY], 20 * GIB), "CACHE_BIND: CAPACITY u64");
	tap_ok(attr_is_u8(s.tb[FSCACHE_A_CACHE_FLOOR_PCT], 5) &&
	       !s.tb[FSCACHE_A_CACHE_FLOOR_BYTES], "CACHE_BIND: FLOOR_PCT u8, no FLOOR_BYTES");
	tap_ok(attr_is_u8(s.tb[FSCACHE_A_CACHE_HIGH_WMARK], 90) &&
	       attr_is_u8(s.tb[FSCACHE_A_CACHE_LOW_WMARK], 80), "CACHE_BIND: watermarks u8");
	tap_ok(s.tb[FSCACHE_A_CACHE_OWNED] &&
	       !mnl_attr_validate(s.tb[FSCACHE_A_CACHE_OWNED], MNL_TYPE_FLAG),
	       "CACHE_BIND: OWNED is a flag");
	tap_ok(mnl_nlmsg_ok(nlh, nlh->nlmsg_len) && nlh->nlmsg_len <= FSC_SEND_BUF_SIZE,
	       "CACHE_BIND: the message is well formed");

	memset(&r, 0, sizeof(r));
	strcpy(r.dir, "/c");
	r.lim.floor_kind = FSC_FLOOR_BYTES;
	r.lim.floor_bytes = 3 * GIB / 2;
	memset(&s, 0, sizeof(s));
	nlh = fsc_cache_bind_msg(bufmem, FAMILY, &r);
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), seen_cb, &s);
	tap_ok(s.n == 2 && attr_is_str(s.tb[FSCACHE_A_CACHE_DIR], "/c") &&
	       attr_is_u64(s.tb[FSCACHE_A_CACHE_FLOOR_BYTES], 3 * GIB / 2) &&
	       !s.tb[FSCACHE_A_CACHE_TAG] && !s.tb[FSCACHE_A_CACHE_OWNED] &&
	       !s.tb[FSCACHE_A_CACHE_CAPACITY],
	       "CACHE_BIND: only what was given (no tag: the kernel's default applies)");
}

static void test_unbind_msg(void)
{
	struct nlmsghdr *nlh;
	struct seen s = {};

	nlh = fsc_cache_unbind_msg(bufmem, FAMILY, "t1", false);
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), seen_cb, &s);
	tap_ok(genl_of(nlh)->cmd == FSCACHE_CMD_CACHE_UNBIND && s.n == 1 &&
	       attr_is_str(s.tb[FSCACHE_A_CACHE_TAG], "t1"), "CACHE_UNBIND: the tag alone");

	memset(&s, 0, sizeof(s));
	nlh = fsc_cache_unbind_msg(bufmem, FAMILY, "t1", true);
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), seen_cb, &s);
	tap_ok(s.n == 2 && attr_is_str(s.tb[FSCACHE_A_CACHE_TAG], "t1") &&
	       s.tb[FSCACHE_A_CACHE_FORCE] &&
	       !mnl_attr_validate(s.tb[FSCACHE_A_CACHE_FORCE], MNL_TYPE_FLAG),
	       "CACHE_UNBIND force: the tag and the FORCE flag");
}

static void test_filter_msg(void)
{
	struct nlmsghdr *nlh;
	struct seen s = {};

	nlh = fsc_filter_msg(bufmem, FAMILY, FSCACHE_CMD_COOKIE_GET, NLM_F_DUMP, "c1", "afs,x");
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), seen_cb, &s);
	tap_ok((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
	       genl_of(nlh)->cmd == FSCACHE_CMD_COOKIE_GET && s.n == 2 &&
	       attr_is_str(s.tb[FSCACHE_A_CACHE_TAG], "c1") &&
	       attr_is_str(s.tb[FSCACHE_A_VOLUME_KEY], "afs,x"),
	       "COOKIE_GET dump with CACHE_TAG and VOLUME_KEY filters");

	memset(&s, 0, sizeof(s));
	nlh = fsc_filter_msg(bufmem, FAMILY, FSCACHE_CMD_VOLUME_GET, NLM_F_DUMP, "", NULL);
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), seen_cb, &s);
	tap_ok(s.n == 0 && nlh->nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN,
	       "VOLUME_GET dump without filters carries no attributes");
}

/* nla_put_u64_64bit(): a zero-length PAD first if the payload would not be 8-byte aligned. */
static void put_u64_padded(struct nlmsghdr *nlh, uint16_t type, uint16_t pad, uint64_t v)
{
	if (((uintptr_t)mnl_nlmsg_get_payload_tail(nlh) + MNL_ATTR_HDRLEN) % 8)
		mnl_attr_put(nlh, pad, 0, NULL);
	mnl_attr_put_u64(nlh, type, v);
}

static struct nlmsghdr *reply_start(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(bufmem);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FSCACHE_GENL_VERSION;
	return nlh;
}

static void put_cache_stats(struct nlmsghdr *nlh, uint16_t type)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	put_u64_padded(nlh, FSCACHE_A_STAT_LOOKUPS, FSCACHE_A_STAT_PAD, 10);
	put_u64_padded(nlh, FSCACHE_A_STAT_HITS, FSCACHE_A_STAT_PAD, 5);
	put_u64_padded(nlh, FSCACHE_A_STAT_PARTIAL_HITS, FSCACHE_A_STAT_PAD, 1);
	put_u64_padded(nlh, FSCACHE_A_STAT_MISSES, FSCACHE_A_STAT_PAD, 4);
	put_u64_padded(nlh, FSCACHE_A_STAT_CULLS, FSCACHE_A_STAT_PAD, 2);
	mnl_attr_put_u64(nlh, FSCACHE_A_STAT_MAX + 7, 99);	/* a newer kernel's counter */
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *canned_cache(void)
{
	struct nlmsghdr *nlh = reply_start(FSCACHE_CMD_CACHE_GET);

	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "CacheFiles");
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_DIR, "/var/cache/fscache");
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_STATE, FSCACHE_CACHE_NL_ACTIVE);
	put_u64_padded(nlh, FSCACHE_A_CACHE_CAPACITY, FSCACHE_A_PAD, 20 * GIB);
	put_u64_padded(nlh, FSCACHE_A_CACHE_FLOOR_BYTES, FSCACHE_A_PAD, GIB);
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_HIGH_WMARK, 95);
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_LOW_WMARK, 90);
	mnl_attr_put(nlh, FSCACHE_A_CACHE_OWNED, 0, NULL);
	put_u64_padded(nlh, FSCACHE_A_CACHE_USAGE, FSCACHE_A_PAD, 3 * GIB / 2);
	put_u64_padded(nlh, FSCACHE_A_CACHE_IN_USE, FSCACHE_A_PAD, 12ULL << 20);
	put_u64_padded(nlh, FSCACHE_A_CACHE_OBJECTS, FSCACHE_A_PAD, 1234);
	put_u64_padded(nlh, FSCACHE_A_CACHE_FS_SIZE, FSCACHE_A_PAD, 100 * GIB);
	put_u64_padded(nlh, FSCACHE_A_CACHE_FS_FREE, FSCACHE_A_PAD, 50 * GIB);
	put_u64_padded(nlh, FSCACHE_A_CACHE_BOUND_AT, FSCACHE_A_PAD, T0_NS);
	put_cache_stats(nlh, FSCACHE_A_CACHE_STATS);
	mnl_attr_put_u32(nlh, FSCACHE_A_MAX + 3, 7);		/* a newer kernel's attribute */
	return nlh;
}

static char *print_reply(fsc_msg_cb cb, const struct nlmsghdr *nlh, bool json,
			 unsigned int *count)
{
	struct tap_capture cap;

	tap_capture_out(&cap, json, false);
	cb(nlh, count);
	return tap_capture_end(&cap);
}

static void test_cache_reply(void)
{
	struct nlmsghdr *nlh = canned_cache();
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int count = 0;
	char *got;

	tap_ok(!fsc_parse_attrs(nlh, tb) && tb[FSCACHE_A_CACHE_CAPACITY] &&
	       mnl_attr_get_u64(tb[FSCACHE_A_CACHE_CAPACITY]) == 20 * GIB &&
	       tb[FSCACHE_A_CACHE_OWNED] && tb[FSCACHE_A_CACHE_STATS],
	       "CACHE_GET reply: the canned message parses, PAD attributes and all");

	got = print_reply(fsc_cache_print_msg, nlh, false, &count);
	tap_is_str(got,
		   "cache CacheFiles  active  owned\n"
		   "    dir /var/cache/fscache\n"
		   "    usage 1.5 GiB of 20 GiB (7.5%)  in-use 12 MiB  objects 1234\n"
		   "    limits  capacity 20 GiB  high 95%  low 90%  floor 1 GiB\n"
		   "    backing-fs  size 100 GiB  free 50 GiB (50.0%)\n"
		   "    bound 2023-11-14T22:13:20+00:00\n"
		   "    lookups                10  hits                    5  partial_hits            1\n"
		   "    misses                  4  culls                   2\n",
		   "CACHE_GET reply, human: units, usage as percent of capacity, state as a word");
	free(got);
	tap_is_int(count, 1, "CACHE_GET reply: one cache counted");

	got = print_reply(fsc_cache_print_msg, nlh, true, &count);
	tap_is_str(got,
		   "{\"tag\":\"CacheFiles\",\"state\":\"active\",\"owned\":true,"
		   "\"dir\":\"/var/cache/fscache\",\"usage\":1610612736,\"in_use\":12582912,"
		   "\"objects\":1234,\"capacity\":21474836480,\"high_wmark\":95,\"low_wmark\":90,"
		   "\"floor_bytes\":1073741824,\"fs_size\":107374182400,\"fs_free\":53687091200,"
		   "\"bound_at\":1700000000000000000,\"stats\":{\"lookups\":10,\"hits\":5,"
		   "\"partial_hits\":1,\"misses\":4,\"culls\":2}}\n",
		   "CACHE_GET reply, JSON: raw integers, unknown attributes and counters skipped");
	free(got);

	/* A second cache in the same listing is set apart by a blank line. */
	count = 1;
	got = print_reply(fsc_cache_print_msg, nlh, false, &count);
	tap_ok(got[0] == '\n' && count == 2, "CACHE_GET reply: caches are separated by a blank line");
	free(got);
}

static void test_cache_reply_odd(void)
{
	struct nlmsghdr *nlh = reply_start(FSCACHE_CMD_CACHE_GET);
	unsigned int count = 0;
	char *got;

	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "c2");
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_STATE, 9);
	mnl_attr_put_u32(nlh, FSCACHE_A_CACHE_CAPACITY, 5);		/* wrong size: skipped */
	put_u64_padded(nlh, FSCACHE_A_CACHE_USAGE, FSCACHE_A_PAD, 4096);
	got = print_reply(fsc_cache_print_msg, nlh, true, &count);
	tap_is_str(got, "{\"tag\":\"c2\",\"state\":\"unknown_9\",\"owned\":false,\"usage\":4096}\n",
		   "CACHE_GET reply: an attribute of the wrong size is skipped, an unknown state "
		   "stays a string, owned is always a boolean");
	free(got);

	nlh = reply_start(FSCACHE_CMD_CACHE_GET);
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "c3");
	put_u64_padded(nlh, FSCACHE_A_CACHE_CAPACITY, FSCACHE_A_PAD, 0);
	put_u64_padded(nlh, FSCACHE_A_CACHE_FLOOR_BYTES, FSCACHE_A_PAD, 5 * GIB);
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_FLOOR_PCT, 5);
	put_u64_padded(nlh, FSCACHE_A_CACHE_USAGE, FSCACHE_A_PAD, 4096);
	count = 0;
	got = print_reply(fsc_cache_print_msg, nlh, false, &count);
	tap_is_str(got, "cache c3\n    usage 4 KiB\n    limits  capacity unlimited  floor 5% (5 GiB)\n"
		   "    backing-fs\n",
		   "CACHE_GET reply, human: capacity 0 reads 'unlimited', no percentage of it; a "
		   "floor percentage shows its bytes");
	free(got);
	got = print_reply(fsc_cache_print_msg, nlh, true, &count);
	tap_is_str(got, "{\"tag\":\"c3\",\"owned\":false,\"usage\":4096,\"capacity\":0,"
		   "\"floor_pct\":5,\"floor_bytes\":5368709120}\n",
		   "CACHE_GET reply, JSON: capacity 0 is a number, floor_pct beside floor_bytes");
	free(got);
}

static int cookie_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];

	(void)data;
	fsc_parse_attrs(nlh, tb);
	fsc_cookie_print(tb);
	return MNL_CB_OK;
}

static int volume_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];

	(void)data;
	fsc_parse_attrs(nlh, tb);
	fsc_volume_print(tb);
	return MNL_CB_OK;
}

static int handle_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];

	(void)data;
	fsc_parse_attrs(nlh, tb);
	fsc_handle_print(tb);
	return MNL_CB_OK;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];

	(void)data;
	fsc_parse_attrs(nlh, tb);
	fsc_stats_reply_print(tb);
	return MNL_CB_OK;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];

	(void)data;
	fsc_parse_attrs(nlh, tb);
	fsc_event_print(tb, T0_NS);
	return MNL_CB_OK;
}

static void test_other_replies(void)
{
	static const uint8_t key[] = { 0xde, 0xad, 0xbe, 0xef };
	struct nlmsghdr *nlh;
	char *got;

	nlh = reply_start(FSCACHE_CMD_COOKIE_GET);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_ID, 42);
	mnl_attr_put_u32(nlh, FSCACHE_A_VOLUME_ID, 3);
	mnl_attr_put(nlh, FSCACHE_A_COOKIE_KEY, sizeof(key), key);
	mnl_attr_put_u8(nlh, FSCACHE_A_COOKIE_STATE, FSCACHE_COOKIE_NL_LOOKING_UP);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_REFS, 2);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_USERS, 1);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_ACCESSES, 0);
	put_u64_padded(nlh, FSCACHE_A_COOKIE_SIZE, FSCACHE_A_PAD, 3ULL << 19);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_FLAGS, FSCACHE_COOKIE_NL_F_ON_LRU |
			 FSCACHE_COOKIE_NL_F_HAS_OBJECT | (1U << 7));
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "CacheFiles");
	got = print_reply(cookie_cb, nlh, false, NULL);
	tap_is_str(got, "cookie 42  volume 3  cache CacheFiles  state looking_up  refs 2  users 1"
		   "  accesses 0  size 1.5 MiB  flags on_lru,has_object,0x80  key deadbeef\n",
		   "COOKIE_GET reply, human: key in hex, flags as words");
	free(got);
	got = print_reply(cookie_cb, nlh, true, NULL);
	tap_is_str(got, "{\"id\":42,\"volume_id\":3,\"cache\":\"CacheFiles\",\"state\":\"looking_up\","
		   "\"refs\":2,\"users\":1,\"accesses\":0,\"size\":1572864,\"flags\":131,"
		   "\"flag_names\":[\"on_lru\",\"has_object\",\"0x80\"],\"key\":\"deadbeef\"}\n",
		   "COOKIE_GET reply, JSON: flags raw and named, key as a hex string");
	free(got);

	nlh = reply_start(FSCACHE_CMD_VOLUME_GET);
	mnl_attr_put_u32(nlh, FSCACHE_A_VOLUME_ID, 4);
	mnl_attr_put_strz(nlh, FSCACHE_A_VOLUME_KEY, "9p,share");
	mnl_attr_put_u32(nlh, FSCACHE_A_VOLUME_REFS, 1);
	mnl_attr_put_u32(nlh, FSCACHE_A_VOLUME_COOKIES, 0);
	got = print_reply(volume_cb, nlh, false, NULL);
	tap_is_str(got, "volume 4  key 9p,share  cache -  refs 1  cookies 0\n",
		   "VOLUME_GET reply, human: a volume attached to no cache");
	free(got);
	got = print_reply(volume_cb, nlh, true, NULL);
	tap_is_str(got, "{\"id\":4,\"key\":\"9p,share\",\"refs\":1,\"cookies\":0}\n",
		   "VOLUME_GET reply, JSON: no cache key when not attached");
	free(got);

	nlh = reply_start(FSCACHE_CMD_HANDLE_GET);
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "CacheFiles");
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_ID, 42);
	mnl_attr_put_strz(nlh, FSCACHE_A_HANDLE_PATH, "cache/I9p,share/@4a/Dfile");
	put_u64_padded(nlh, FSCACHE_A_HANDLE_SIZE, FSCACHE_A_PAD, 1 << 20);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_USERS, 1);
	mnl_attr_put_u32(nlh, FSCACHE_A_COOKIE_ACCESSES, 2);
	put_u64_padded(nlh, FSCACHE_A_HANDLE_SINCE, FSCACHE_A_PAD, T0_NS);
	got = print_reply(handle_cb, nlh, false, NULL);
	tap_is_str(got, "handle  cache CacheFiles  cookie 42  size 1 MiB  users 1  accesses 2"
		   "  since 2023-11-14T22:13:20+00:00  path cache/I9p,share/@4a/Dfile\n",
		   "HANDLE_GET reply, human");
	free(got);
	got = print_reply(handle_cb, nlh, true, NULL);
	tap_is_str(got, "{\"cache\":\"CacheFiles\",\"cookie_id\":42,\"size\":1048576,\"users\":1,"
		   "\"accesses\":2,\"since\":1700000000000000000,"
		   "\"path\":\"cache/I9p,share/@4a/Dfile\"}\n", "HANDLE_GET reply, JSON");
	free(got);

	nlh = reply_start(FSCACHE_CMD_STATS_GET);
	{
		struct nlattr *nest = mnl_attr_nest_start(nlh, FSCACHE_A_STATS);

		put_u64_padded(nlh, FSCACHE_A_STAT_COOKIES, FSCACHE_A_STAT_PAD, 12);
		put_u64_padded(nlh, FSCACHE_A_STAT_VOLUMES, FSCACHE_A_STAT_PAD, 2);
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "CacheFiles");
	put_cache_stats(nlh, FSCACHE_A_CACHE_STATS);
	got = print_reply(stats_cb, nlh, true, NULL);
	tap_is_str(got, "{\"core\":{\"cookies\":12,\"volumes\":2},\"cache\":{\"tag\":\"CacheFiles\","
		   "\"stats\":{\"lookups\":10,\"hits\":5,\"partial_hits\":1,\"misses\":4,"
		   "\"culls\":2}}}\n", "STATS_GET reply, JSON: core and cache counters");
	free(got);
	got = print_reply(stats_cb, nlh, false, NULL);
	tap_is_str(got, "core\n    cookies                12  volumes                 2\n"
		   "cache CacheFiles\n"
		   "    lookups                10  hits                    5  partial_hits            1\n"
		   "    misses                  4  culls                   2\n"
		   "    hit ratio 50.0% of 10 reads\n", "STATS_GET reply, human, with the hit ratio");
	free(got);
}

static void test_events(void)
{
	struct nlmsghdr *nlh;
	char *got;

	nlh = reply_start(FSCACHE_CMD_EVENT);
	mnl_attr_put_u8(nlh, FSCACHE_A_EVENT_TYPE, FSCACHE_EVENT_IO_ERROR);
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "CacheFiles");
	mnl_attr_put_u32(nlh, FSCACHE_A_EVENT_ERRNO, (uint32_t)-EIO);
	got = print_reply(event_cb, nlh, true, NULL);
	tap_is_str(got, "{\"time\":1700000000000000000,\"event\":\"io_error\",\"tag\":\"CacheFiles\","
		   "\"errno\":-5}\n", "event, JSON: one object a line, errno signed");
	free(got);
	got = print_reply(event_cb, nlh, false, NULL);
	tap_is_str(got, "2023-11-14T22:13:20+00:00 io_error  cache CacheFiles"
		   "  error Input/output error\n", "event, human: one line with the time");
	free(got);

	nlh = reply_start(FSCACHE_CMD_EVENT);
	mnl_attr_put_u8(nlh, FSCACHE_A_EVENT_TYPE, FSCACHE_EVENT_LIMIT_CHANGED);
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, "c");
	put_u64_padded(nlh, FSCACHE_A_CACHE_CAPACITY, FSCACHE_A_PAD, 0);
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_HIGH_WMARK, 95);
	mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_LOW_WMARK, 90);
	got = print_reply(event_cb, nlh, false, NULL);
	tap_is_str(got, "2023-11-14T22:13:20+00:00 limit_changed  cache c  capacity unlimited"
		   "  high 95%  low 90%\n", "event, human: capacity 0 is unlimited");
	free(got);
	got = print_reply(event_cb, nlh, true, NULL);
	tap_is_str(got, "{\"time\":1700000000000000000,\"event\":\"limit_changed\",\"tag\":\"c\","
		   "\"capacity\":0,\"high_wmark\":95,\"low_wmark\":90}\n",
		   "event, JSON: capacity stays an integer");
	free(got);

	nlh = reply_start(FSCACHE_CMD_EVENT);
	mnl_attr_put_u8(nlh, FSCACHE_A_EVENT_TYPE, 200);
	got = print_reply(event_cb, nlh, true, NULL);
	tap_is_str(got, "{\"time\":1700000000000000000,\"event\":\"unknown_200\"}\n",
		   "event, JSON: an unknown type is still a string");
	free(got);
}

/* The offset in @req of its attribute @type. */
static uint32_t offset_of(const struct nlmsghdr *req, uint16_t type)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, req, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == type)
			return (const char *)attr - (const char *)req;
	return 0;
}

static struct nlmsghdr *error_msg(const struct nlmsghdr *req, int error, bool capped, bool tlvs)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(bufmem);
	size_t echo = capped ? 0 : req->nlmsg_len - NLMSG_HDRLEN;
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (tlvs ? NLM_F_ACK_TLVS : 0);
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err) + echo);
	err->error = error;
	memcpy(&err->msg, req, capped ? sizeof(*req) : req->nlmsg_len);
	return nlh;
}

static void test_extack(void)
{
	struct fsc_bind_req r = { .dir = "/c" };
	struct tap_capture cap;
	struct nlmsghdr *req, *nlh;
	struct fsc_ext ext;
	uint32_t offs;
	char *got;
	int ret;

	r.lim.has_capacity = true;
	r.lim.capacity = 1;
	req = fsc_cache_bind_msg(reqmem, FAMILY, &r);
	offs = offset_of(req, FSCACHE_A_CACHE_CAPACITY);

	nlh = error_msg(req, -EINVAL, true, true);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Unsupported attribute");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	ret = fsc_ext_parse(nlh, req, &ext);
	tap_ok(ret == -EINVAL && !strcmp(ext.msg, "Unsupported attribute") &&
	       ext.attr == FSCACHE_A_CACHE_CAPACITY && ext.miss_attr == -1,
	       "extack, capped: message, and the offset resolved against our request");

	fsc_last_ext = ext;
	tap_capture_err(&cap);
	ret = fsc_nl_error(-EINVAL);
	got = tap_capture_end(&cap);
	tap_is_str(got, "fscachectl: Invalid argument: Unsupported attribute "
		   "(attribute cache-capacity)\n", "a kernel error is one line: strerror, extack");
	tap_is_int(ret, FSC_EXIT_KERNEL, "a kernel error exits 2");
	free(got);

	nlh = error_msg(req, -EINVAL, false, true);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Missing attribute");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, FSCACHE_A_CACHE_TAG);
	ret = fsc_ext_parse(nlh, req, &ext);
	tap_ok(ret == -EINVAL && !strcmp(ext.msg, "Missing attribute") &&
	       ext.miss_attr == FSCACHE_A_CACHE_TAG && ext.attr == -1,
	       "extack, uncapped (request echoed): TLVs found past the echo");
	fsc_last_ext = ext;
	tap_capture_err(&cap);
	fsc_nl_error(-EINVAL);
	got = tap_capture_end(&cap);
	tap_is_str(got, "fscachectl: Invalid argument: Missing attribute (missing cache-tag)\n",
		   "a missing attribute is named");
	free(got);

	nlh = error_msg(req, -EEXIST, true, false);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "not to be read");
	ret = fsc_ext_parse(nlh, req, &ext);
	tap_ok(ret == -EEXIST && !ext.msg[0], "without NLM_F_ACK_TLVS nothing past the error is read");

	nlh = error_msg(req, 0, true, false);
	tap_ok(fsc_ext_parse(nlh, req, &ext) == 0 && !ext.msg[0], "an ack is error 0");

	nlh = mnl_nlmsg_put_header(bufmem);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	*(int *)mnl_nlmsg_put_extra_header(nlh, sizeof(int)) = -ENOENT;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "No such cache");
	ret = fsc_ext_parse(nlh, req, &ext);
	tap_ok(ret == -ENOENT && !strcmp(ext.msg, "No such cache"),
	       "a dump's NLMSG_DONE carries its error and extack too");

	nlh = mnl_nlmsg_put_header(bufmem);
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 4);
	tap_is_int(fsc_ext_parse(nlh, req, &ext), -EBADMSG, "a truncated error message is EBADMSG");

	nlh = error_msg(req, -EINVAL, true, true);
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, req->nlmsg_len + 100);
	ret = fsc_ext_parse(nlh, req, &ext);
	tap_ok(ret == -EINVAL && ext.attr == -1, "an offset past our request is not followed");

	memset(&fsc_last_ext, 0, sizeof(fsc_last_ext));
	fsc_last_ext.attr = fsc_last_ext.miss_attr = -1;
	tap_capture_err(&cap);
	fsc_nl_error(-EPERM);
	got = tap_capture_end(&cap);
	tap_is_str(got, "fscachectl: Operation not permitted: this command needs CAP_SYS_ADMIN\n",
		   "EPERM without a message says what is needed");
	free(got);
}

static void test_family(void)
{
	struct nlmsghdr *nlh = reply_start(CTRL_CMD_NEWFAMILY);
	struct nlattr *groups, *grp;
	struct fsc_nl nl = {};

	nlh->nlmsg_type = GENL_ID_CTRL;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FSCACHE_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x20);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 5);
	mnl_attr_nest_end(nlh, grp);
	grp = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 7);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, FSCACHE_GENL_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	tap_ok(fsc_family_parse(nlh, &nl) == 0 && nl.family == 0x20 && nl.version == 1 &&
	       nl.events_group == 7, "nlctrl answer: family id, version and the events group");

	nlh = reply_start(CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FSCACHE_GENL_NAME);
	memset(&nl, 0, sizeof(nl));
	tap_is_int(fsc_family_parse(nlh, &nl), -EBADMSG, "nlctrl answer without an id is refused");
}

void test_msg(void)
{
	test_bind_msg();
	test_unbind_msg();
	test_filter_msg();
	test_cache_reply();
	test_cache_reply_odd();
	test_other_replies();
	test_events();
	test_extack();
	test_family();
}
