// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: "stats [cache TAG]", the core's counters and, with a tag, one cache's.
 */
#include "fscachectl.h"

static void stats_help(void)
{
	printf("Usage: fscachectl stats [show] [cache TAG]\n"
	       "Prints the core's counters and, with a tag, that cache's counters.\n");
}

static void hit_ratio_print(const struct nlattr *nest)
{
	const struct nlattr *tb[FSCACHE_A_STAT_MAX + 1];
	uint64_t hits, reads;
	char pct[16];

	fsc_parse_stats(nest, tb);
	if (!tb[FSCACHE_A_STAT_HITS] || !tb[FSCACHE_A_STAT_PARTIAL_HITS] ||
	    !tb[FSCACHE_A_STAT_MISSES])
		return;
	hits = mnl_attr_get_u64(tb[FSCACHE_A_STAT_HITS]);
	reads = hits + mnl_attr_get_u64(tb[FSCACHE_A_STAT_PARTIAL_HITS]) +
		mnl_attr_get_u64(tb[FSCACHE_A_STAT_MISSES]);
	if (reads)
		fsc_human("    hit ratio %s of %llu reads\n", fsc_fmt_pct(pct, sizeof(pct), hits, reads),
			  (unsigned long long)reads);
}

/* fsc_stats_reply_print - a STATS_GET reply. */
void fsc_stats_reply_print(const struct nlattr **tb)
{
	fsc_json_open_obj(NULL);
	if (tb[FSCACHE_A_STATS]) {
		fsc_human("core\n");
		fsc_stats_print("core", tb[FSCACHE_A_STATS]);
	}
	if (tb[FSCACHE_A_CACHE_TAG] && tb[FSCACHE_A_CACHE_STATS]) {
		fsc_json_open_obj("cache");
		fsc_print_str("tag", "cache %s\n", mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]));
		fsc_stats_print("stats", tb[FSCACHE_A_CACHE_STATS]);
		hit_ratio_print(tb[FSCACHE_A_CACHE_STATS]);
		fsc_json_close_obj();
	}
	fsc_json_close_obj();
}

static int stats_print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];

	(void)data;
	if (!fsc_parse_attrs(nlh, tb))
		fsc_stats_reply_print(tb);
	return MNL_CB_OK;
}

int fsc_cmd_stats(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	char buf[FSC_SEND_BUF_SIZE];
	const char *cmd = fsc_arg_peek(a);
	struct fsc_nl nl;
	int ret;

	if (fsc_kw(cmd, "help")) {
		stats_help();
		return FSC_EXIT_OK;
	}
	if (fsc_kw(cmd, "show"))
		fsc_arg_next(a);
	ret = fsc_parse_filters(a, tag, NULL);
	if (ret)
		return ret;
	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;
	ret = fsc_nl_request(&nl, fsc_filter_msg(buf, nl.family, FSCACHE_CMD_STATS_GET, 0, tag, NULL),
			     stats_print_msg, NULL);
	fsc_nl_close(&nl);
	return ret ? fsc_nl_error(ret) : FSC_EXIT_OK;
}
