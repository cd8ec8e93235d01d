// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: "volume show [cache TAG]", a dump of the volumes the netfs have acquired.
 */
#include "fscachectl.h"

static void volume_help(void)
{
	printf("Usage: fscachectl volume show [cache TAG]\n"
	       "Lists volumes: debug id, key, the cache it uses, references and cookies.\n");
}

/* fsc_volume_print - one volume of a VOLUME_GET reply. */
void fsc_volume_print(const struct nlattr **tb)
{
	fsc_json_open_obj(NULL);
	if (tb[FSCACHE_A_VOLUME_ID])
		fsc_print_u64("id", "volume %llu", mnl_attr_get_u32(tb[FSCACHE_A_VOLUME_ID]));
	if (tb[FSCACHE_A_VOLUME_KEY])
		fsc_print_str("key", "  key %s", mnl_attr_get_str(tb[FSCACHE_A_VOLUME_KEY]));
	if (tb[FSCACHE_A_CACHE_TAG])
		fsc_print_str("cache", "  cache %s", mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]));
	else
		fsc_human("  cache -");
	if (tb[FSCACHE_A_VOLUME_REFS])
		fsc_print_u64("refs", "  refs %llu", mnl_attr_get_u32(tb[FSCACHE_A_VOLUME_REFS]));
	if (tb[FSCACHE_A_VOLUME_COOKIES])
		fsc_print_u64("cookies", "  cookies %llu",
			      mnl_attr_get_u32(tb[FSCACHE_A_VOLUME_COOKIES]));
	fsc_human("\n");
	fsc_json_close_obj();
}

static int volume_print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int *count = data;

	if (!fsc_parse_attrs(nlh, tb)) {
		fsc_volume_print(tb);
		(*count)++;
	}
	return MNL_CB_OK;
}

int fsc_cmd_volume(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	const char *cmd = fsc_arg_next(a);
	unsigned int count;
	int ret;

	if (fsc_kw(cmd, "help")) {
		volume_help();
		return FSC_EXIT_OK;
	}
	if (cmd && !fsc_kw(cmd, "show"))
		return fsc_usage_error(a->object, "unknown command '%s'", cmd);
	ret = fsc_parse_filters(a, tag, NULL);
	if (ret)
		return ret;
	return fsc_list(FSCACHE_CMD_VOLUME_GET, NLM_F_DUMP, tag, NULL, volume_print_msg, &count);
}
