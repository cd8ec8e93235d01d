// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: "cookie show [cache TAG] [volume KEY]", a dump of the cookies.  Keys are binary
 * and shown in hex, the form "cache cull ... cookie HEXKEY" takes back.
 */
#include "fscachectl.h"

static void cookie_help(void)
{
	printf("Usage: fscachectl cookie show [cache TAG] [volume KEY]\n"
	       "Lists cookies: debug id, volume id, state, references, users, accesses in flight,\n"
	       "object size, flags, cache and the key in hex.\n");
}

static void cookie_flags_print(uint32_t flags)
{
	unsigned int bit;
	bool any = false;

	fsc_print_u64("flags", NULL, flags);
	fsc_json_open_arr("flag_names");
	fsc_human("  flags ");
	for (bit = 0; bit < 32; bit++) {
		const char *name = fsc_cookie_flag_name(bit);
		char unknown[16];

		if (!(flags & (1U << bit)))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "0x%x", 1U << bit);
			name = unknown;
		}
		fsc_json_elem_str(name);
		fsc_human("%s%s", any ? "," : "", name);
		any = true;
	}
	if (!any)
		fsc_human("-");
	fsc_json_close_arr();
}

/* fsc_cookie_print - one cookie of a COOKIE_GET reply. */
void fsc_cookie_print(const struct nlattr **tb)
{
	char unknown[32];

	fsc_json_open_obj(NULL);
	if (tb[FSCACHE_A_COOKIE_ID])
		fsc_print_u64("id", "cookie %llu", mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_ID]));
	if (tb[FSCACHE_A_VOLUME_ID])
		fsc_print_u64("volume_id", "  volume %llu", mnl_attr_get_u32(tb[FSCACHE_A_VOLUME_ID]));
	if (tb[FSCACHE_A_CACHE_TAG])
		fsc_print_str("cache", "  cache %s", mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]));
	if (tb[FSCACHE_A_COOKIE_STATE]) {
		unsigned int st = mnl_attr_get_u8(tb[FSCACHE_A_COOKIE_STATE]);
		const char *name = fsc_cookie_state_name(st);

		snprintf(unknown, sizeof(unknown), "unknown_%u", st);
		fsc_print_str("state", "  state %s", name ? name : unknown);
	}
	if (tb[FSCACHE_A_COOKIE_REFS])
		fsc_print_u64("refs", "  refs %llu", mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_REFS]));
	if (tb[FSCACHE_A_COOKIE_USERS])
		fsc_print_u64("users", "  users %llu", mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_USERS]));
	if (tb[FSCACHE_A_COOKIE_ACCESSES])
		fsc_print_u64("accesses", "  accesses %llu",
			      mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_ACCESSES]));
	if (tb[FSCACHE_A_COOKIE_SIZE])
		fsc_print_size("size", "  size %s", mnl_attr_get_u64(tb[FSCACHE_A_COOKIE_SIZE]));
	if (tb[FSCACHE_A_COOKIE_FLAGS])
		cookie_flags_print(mnl_attr_get_u32(tb[FSCACHE_A_COOKIE_FLAGS]));
	if (tb[FSCACHE_A_COOKIE_KEY])
		fsc_print_hex("key", "  key %s", mnl_attr_get_payload(tb[FSCACHE_A_COOKIE_KEY]),
			      mnl_attr_get_payload_len(tb[FSCACHE_A_COOKIE_KEY]));
	fsc_human("\n");
	fsc_json_close_obj();
}

static int cookie_print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int *count = data;

	if (!fsc_parse_attrs(nlh, tb)) {
		fsc_cookie_print(tb);
		(*count)++;
	}
	return MNL_CB_OK;
}

int fsc_cmd_cookie(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	const char *cmd = fsc_arg_next(a);
	const char *volume = NULL;
	unsigned int count;
	int ret;

	if (fsc_kw(cmd, "help")) {
		cookie_help();
		return FSC_EXIT_OK;
	}
	if (cmd && !fsc_kw(cmd, "show"))
		return fsc_usage_error(a->object, "unknown command '%s'", cmd);
	ret = fsc_parse_filters(a, tag, &volume);
	if (ret)
		return ret;
	return fsc_list(FSCACHE_CMD_COOKIE_GET, NLM_F_DUMP, tag, volume, cookie_print_msg, &count);
}
