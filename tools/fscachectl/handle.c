// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: "handle show [cache TAG]", a dump of the backing files held open for I/O.
 */
#include "fscachectl.h"

static void handle_help(void)
{
	printf("Usage: fscachectl handle show [cache TAG]\n"
	       "Lists open I/O handles: cache, cookie, backing file (relative to the cache\n"
	       "directory), its size, users, accesses in flight and when it was opened.\n");
}

/* fsc_handle_print - one handle of a HANDLE_GET reply. */
void fsc_handle_print(const struct nlattr **tb)
{
	fsc_json_open_obj(NULL);
	fsc_human("handle");
	if (tb[FSCACHE_A_CACHE_TAG])
		fsc_print_str("cache", "  cache %s", mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]));
	if (tb[FSCACHE_A_COOKIE_ID])
		fsc_print_u64("cookie_id", "  cookie %llu",
			      mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_ID]));
	if (tb[FSCACHE_A_HANDLE_SIZE])
		fsc_print_size("size", "  size %s", mnl_attr_get_u64(tb[FSCACHE_A_HANDLE_SIZE]));
	if (tb[FSCACHE_A_COOKIE_USERS])
		fsc_print_u64("users", "  users %llu", mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_USERS]));
	if (tb[FSCACHE_A_COOKIE_ACCESSES])
		fsc_print_u64("accesses", "  accesses %llu",
			      mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_ACCESSES]));
	if (tb[FSCACHE_A_HANDLE_SINCE])
		fsc_print_time("since", "  since %s", mnl_attr_get_u64(tb[FSCACHE_A_HANDLE_SINCE]));
	if (tb[FSCACHE_A_HANDLE_PATH])
		fsc_print_str("path", "  path %s", mnl_attr_get_str(tb[FSCACHE_A_HANDLE_PATH]));
	fsc_human("\n");
	fsc_json_close_obj();
}

static int handle_print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int *count = data;

	if (!fsc_parse_attrs(nlh, tb)) {
		fsc_handle_print(tb);
		(*count)++;
	}
	return MNL_CB_OK;
}

int fsc_cmd_handle(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	const char *cmd = fsc_arg_next(a);
	unsigned int count;
	int ret;

	if (fsc_kw(cmd, "help")) {
		handle_help();
		return FSC_EXIT_OK;
	}
	if (cmd && !fsc_kw(cmd, "show"))
		return fsc_usage_error(a->object, "unknown command '%s'", cmd);
	ret = fsc_parse_filters(a, tag, NULL);
	if (ret)
		return ret;
	return fsc_list(FSCACHE_CMD_HANDLE_GET, NLM_F_DUMP, tag, NULL, handle_print_msg, &count);
}
