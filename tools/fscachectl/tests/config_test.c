// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl unit tests: cachefilesd.conf import -- what each directive becomes, the notes it
 * prints, errors, command-line precedence, and the equivalent "cache bind" line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../fscachectl.h"
#include "tap.h"

struct import_result {
	int ret;
	struct fsc_bind_req r;
	char *notes;
	char *err;
	char *line;
};

static void import_stream(FILE *in, const char *name, struct fsc_bind_req *start,
			  struct import_result *res)
{
	char *notes = NULL, *line = NULL;
	size_t nlen = 0, llen = 0;
	FILE *nf = open_memstream(&notes, &nlen);
	FILE *lf = open_memstream(&line, &llen);
	struct tap_capture cap;

	memset(res, 0, sizeof(*res));
	if (start)
		res->r = *start;
	tap_capture_err(&cap);
	res->ret = fsc_config_import(in, name, &res->r, nf);
	res->err = tap_capture_end(&cap);
	fclose(nf);
	res->notes = notes;
	if (!res->ret)
		fsc_bind_line(lf, &res->r);
	fclose(lf);
	res->line = line;
}

static void import_text(const char *text, struct fsc_bind_req *start, struct import_result *res)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");

	import_stream(in, "test.conf", start, res);
	fclose(in);
}

static void result_free(struct import_result *res)
{
	free(res->notes);
	free(res->err);
	free(res->line);
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void test_debian_default(const char *path)
{
	struct import_result res;
	FILE *in = fopen(path, "r");

	if (!tap_ok(in != NULL, "Debian's default %s can be read", path)) {
		tap_diag("install the cachefilesd package (scripts/deps.sh does)");
		return;
	}
	import_stream(in, path, NULL, &res);
	fclose(in);
	tap_is_int(res.ret, 0, "Debian's default config imports");
	tap_is_str(res.line, "fscachectl cache bind /var/cache/fscache tag mycache floor 3%\n",
		   "Debian's default config: directory, tag and a 3%% floor from bstop/fstop");
	tap_is_int(count_lines(res.notes), 8, "Debian's default config: one note per directive");
	tap_ok(res.notes && strstr(res.notes, ":17: bstop 3% -> floor 3% (the larger of bstop and "
				   "fstop"), "note: bstop became the floor");
	tap_ok(res.notes && strstr(res.notes, ":15: brun 10% -> ignored: no data-capacity "
				   "equivalent") &&
	       strstr(res.notes, "capacity stays unlimited unless given on the command line"),
	       "note: brun has no capacity equivalent");
	tap_ok(res.notes && strstr(res.notes, ":14: tag mycache -> tag mycache"),
	       "note: the tag is kept");
	tap_ok(!res.r.lim.has_capacity && !res.r.owned, "no capacity is invented from brun/bcull");
	if (res.notes && count_lines(res.notes) != 8)
		tap_diag("%s", res.notes);
	result_free(&res);
}

static void test_samples(void)
{
	struct fsc_bind_req cli;
	struct import_result res;

	import_text("dir /srv/cache\nbstop 5%\nfstop 8%\n", NULL, &res);
	tap_is_str(res.line, "fscachectl cache bind /srv/cache floor 8%\n",
		   "floor is the larger of bstop and fstop");
	tap_ok(res.notes && strstr(res.notes, "test.conf:2: bstop 5% -> ignored: fstop 8% is larger "
				   "and sets the floor") &&
	       strstr(res.notes, "test.conf:3: fstop 8% -> floor 8%"),
	       "notes say which of bstop and fstop set the floor");
	result_free(&res);

	import_text("# a comment\n\n   \ndir /srv/my cache\t\n  tag   t2  \nbstop 70%\n"
		    "frun 20%\nfcull 15%\nsecctx system_u:system_r:cachefiles_kernel_t:s0\n"
		    "culltable 12\nnocull\ndebug 1\n", NULL, &res);
	tap_is_int(res.ret, 0, "a config using every directive imports");
	tap_is_str(res.line, "fscachectl cache bind '/srv/my cache' tag t2 floor 50%\n",
		   "spaces in the directory are quoted; a floor above 50%% is capped");
	tap_is_int(count_lines(res.notes), 9, "comments and blank lines get no note");
	tap_ok(res.notes && strstr(res.notes, "bstop 70% -> floor 50% (the larger of bstop and fstop,"
				   " capped at the kernel's maximum of 50%)"),
	       "note: the floor was capped");
	tap_ok(res.notes && strstr(res.notes, ":9: secctx system_u:system_r:cachefiles_kernel_t:s0 -> "
				   "ignored") && strstr(res.notes, ":10: culltable 12 -> ignored") &&
	       strstr(res.notes, ":11: nocull -> ignored") &&
	       strstr(res.notes, ":12: debug 1 -> ignored") &&
	       strstr(res.notes, ":7: frun 20% -> ignored") &&
	       strstr(res.notes, ":8: fcull 15% -> ignored"),
	       "notes: secctx, culltable, nocull, debug, frun, fcull are ignored, with their lines");
	result_free(&res);

	import_text("tag first\ntag second\ndir /a\n", NULL, &res);
	tap_ok(res.ret == 0 && !strcmp(res.r.tag, "second") &&
	       strstr(res.notes, ":1: tag first -> ignored: a later 'tag' line replaces it"),
	       "a repeated directive: the last one wins, and the earlier is noted");
	result_free(&res);

	import_text("bstop 4%\n", NULL, &res);
	tap_ok(res.ret == 0 && !res.r.dir[0] && res.r.lim.floor_pct == 4,
	       "a config without dir imports (the caller insists on a directory)");
	result_free(&res);

	memset(&cli, 0, sizeof(cli));
	strcpy(cli.dir, "/cli");
	strcpy(cli.tag, "clitag");
	cli.lim.floor_kind = FSC_FLOOR_BYTES;
	cli.lim.floor_bytes = 1ULL << 30;
	cli.lim.has_capacity = true;
	cli.lim.capacity = 20ULL << 30;
	import_text("dir /conf\ntag conftag\nbstop 3%\nbrun 10%\n", &cli, &res);
	tap_is_str(res.line, "fscachectl cache bind /cli tag clitag capacity 20G floor 1G\n",
		   "the command line wins over the file");
	tap_ok(res.notes && strstr(res.notes, "dir /conf -> ignored: the command line gives the "
				   "directory /cli") &&
	       strstr(res.notes, "tag conftag -> ignored: the command line gives tag clitag") &&
	       strstr(res.notes, "bstop 3% -> ignored: the command line gives the floor") &&
	       strstr(res.notes, "capacity comes from the command line"),
	       "notes say the command line overrode the file");
	result_free(&res);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *err, *what;
	} cases[] = {
		{ "dir /a\nbogus 1\n", "test.conf:2: unknown directive 'bogus'", "unknown directive" },
		{ "dir\n", "test.conf:1: 'dir' needs a value", "dir without a value" },
		{ "dir relative/path\n", "test.conf:1: dir 'relative/path' is not an absolute path",
		  "relative dir" },
		{ "bstop x%\n", "test.conf:1: 'bstop x%': not a percentage", "junk percentage" },
		{ "bcull 101%\n", "test.conf:1: 'bcull 101%': not a percentage",
		  "percentage above 100" },
		{ "tag 0123456789012345678901234567890123456789012345678901234567890123\n",
		  "is longer than 63 characters", "tag too long" },
	};
	struct import_result res;
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(cases); i++) {
		import_text(cases[i].text, NULL, &res);
		tap_ok(res.ret == -EINVAL && res.err && strstr(res.err, cases[i].err),
		       "config error: %s", cases[i].what);
		if (res.err && !strstr(res.err, cases[i].err))
			tap_diag("stderr: %s", res.err);
		result_free(&res);
	}
}

static void test_bind_line(void)
{
	struct fsc_bind_req r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&r, 0, sizeof(r));
	strcpy(r.dir, "/c");
	r.lim.has_capacity = true;
	r.lim.capacity = (3ULL << 29) + 0;
	r.lim.floor_kind = FSC_FLOOR_BYTES;
	r.lim.floor_bytes = 4097;
	r.lim.has_high = true;
	r.lim.high = 90;
	r.lim.has_low = true;
	r.lim.low = 80;
	r.owned = true;
	fsc_bind_line(f, &r);
	fclose(f);
	tap_is_str(buf, "fscachectl cache bind /c capacity 1536M floor 4097 high 90 low 80 owned\n",
		   "bind line: exact sizes with the largest exact suffix, every keyword");
	free(buf);
}

void test_config(const char *debian_conf)
{
	test_debian_default(debian_conf);
	test_samples();
	test_errors();
	test_bind_line();
}
