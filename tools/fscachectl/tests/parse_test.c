// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl unit tests: sizes, percentages, floors, hex keys, keywords, tags, and the argument
 * parsing of "cache bind" and the list filters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fscachectl.h"
#include "tap.h"

#define GIB	(1ULL << 30)

struct size_case {
	const char *in;
	int ret;
	uint64_t want;
};

static const struct size_case size_cases[] = {
	{ "0", 0, 0 },
	{ "4096", 0, 4096 },
	{ "100b", 0, 100 },
	{ "100B", 0, 100 },
	{ "1k", 0, 1024 },
	{ "1K", 0, 1024 },
	{ "1KiB", 0, 1024 },
	{ "1kib", 0, 1024 },
	{ "1KIB", 0, 1024 },
	{ "3m", 0, 3ULL << 20 },
	{ "3MiB", 0, 3ULL << 20 },
	{ "20G", 0, 20 * GIB },
	{ "20g", 0, 20 * GIB },
	{ "20GiB", 0, 20 * GIB },
	{ "2T", 0, 2ULL << 40 },
	{ "2TiB", 0, 2ULL << 40 },
	{ "1P", 0, 1ULL << 50 },
	{ "1PiB", 0, 1ULL << 50 },
	{ "1E", 0, 1ULL << 60 },
	{ "1EiB", 0, 1ULL << 60 },
	/* fractions, rounded down to bytes */
	{ "1.5G", 0, 3 * GIB / 2 },
	{ "1.5GiB", 0, 3 * GIB / 2 },
	{ "0.5K", 0, 512 },
	{ "0.1K", 0, 102 },		/* 102.4 */
	{ "1.001K", 0, 1025 },		/* 1025.024 */
	{ "1.9999999999999999999999K", 0, 2047 },
	{ "1.5", 0, 1 },
	{ "0.25T", 0, 1ULL << 38 },
	{ "15.5E", 0, 31ULL << 59 },
	/* the edge of 64 bits */
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "99999999999999999999999", -ERANGE, 0 },
	{ "16E", -ERANGE, 0 },
	{ "15.99999999999999999999E", 0, UINT64_MAX },
	{ "16384P", -ERANGE, 0 },
	{ "17179869184G", -ERANGE, 0 },
	{ "17179869183.99999G", 0, UINT64_MAX - GIB + 1 + 1073731086ULL },
	/* junk */
	{ "", -EINVAL, 0 },
	{ "G", -EINVAL, 0 },
	{ "1X", -EINVAL, 0 },
	{ "1 G", -EINVAL, 0 },
	{ " 1G", -EINVAL, 0 },
	{ "1G ", -EINVAL, 0 },
	{ "1.G", -EINVAL, 0 },
	{ ".5G", -EINVAL, 0 },
	{ "1..5G", -EINVAL, 0 },
	{ "1.5.5G", -EINVAL, 0 },
	{ "0x10", -EINVAL, 0 },
	{ "1e3", -EINVAL, 0 },
	{ "1GB", -EINVAL, 0 },
	{ "1KB", -EINVAL, 0 },
	{ "1iB", -EINVAL, 0 },
	{ "1g2", -EINVAL, 0 },
	{ "1Gi", -EINVAL, 0 },
	/* signs */
	{ "-1", -EINVAL, 0 },
	{ "-1G", -EINVAL, 0 },
	{ "-0", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
};

static void test_sizes(void)
{
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(size_cases); i++) {
		const struct size_case *c = &size_cases[i];
		uint64_t v = 0xdeadbeef;
		int ret = fsc_parse_size(c->in, &v);

		if (c->ret) {
			tap_ok(ret == c->ret && v == 0xdeadbeef, "size '%s' is rejected with %s",
			       c->in, c->ret == -ERANGE ? "ERANGE" : "EINVAL");
			continue;
		}
		if (!tap_ok(ret == 0 && v == c->want, "size '%s' = %llu", c->in,
			    (unsigned long long)c->want))
			tap_diag("ret %d, got %llu", ret, (unsigned long long)v);
	}
}

struct pct_case {
	const char *in;
	unsigned int min, max;
	int ret;
	unsigned int want;
};

static const struct pct_case pct_cases[] = {
	{ "0", 0, 100, 0, 0 },
	{ "0%", 0, 50, 0, 0 },
	{ "50%", 0, 50, 0, 50 },
	{ "95", 1, 100, 0, 95 },
	{ "100%", 1, 100, 0, 100 },
	{ "101", 1, 100, -ERANGE, 0 },
	{ "51%", 0, 50, -ERANGE, 0 },
	{ "0", 1, 100, -ERANGE, 0 },
	{ "99999999999", 1, 100, -ERANGE, 0 },
	{ "5.5", 0, 100, -EINVAL, 0 },
	{ "%", 0, 100, -EINVAL, 0 },
	{ "", 0, 100, -EINVAL, 0 },
	{ "-5", 0, 100, -EINVAL, 0 },
	{ "10%%", 0, 100, -EINVAL, 0 },
	{ " 5", 0, 100, -EINVAL, 0 },
	{ "5 %", 0, 100, -EINVAL, 0 },
	{ "ten", 0, 100, -EINVAL, 0 },
};

static void test_pcts(void)
{
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(pct_cases); i++) {
		const struct pct_case *c = &pct_cases[i];
		uint8_t v = 0xee;
		int ret = fsc_parse_pct(c->in, c->min, c->max, &v);

		if (c->ret)
			tap_ok(ret == c->ret && v == 0xee, "percentage '%s' in %u..%u is rejected",
			       c->in, c->min, c->max);
		else
			tap_ok(ret == 0 && v == c->want, "percentage '%s' in %u..%u = %u", c->in,
			       c->min, c->max, c->want);
	}
}

static void test_floor(void)
{
	struct fsc_limits lim = {};

	tap_ok(!fsc_parse_floor("10%", &lim) && lim.floor_kind == FSC_FLOOR_PCT &&
	       lim.floor_pct == 10, "floor '10%%' is a percentage");
	memset(&lim, 0, sizeof(lim));
	tap_ok(!fsc_parse_floor("2G", &lim) && lim.floor_kind == FSC_FLOOR_BYTES &&
	       lim.floor_bytes == 2 * GIB, "floor '2G' is bytes");
	memset(&lim, 0, sizeof(lim));
	tap_ok(fsc_parse_floor("51%", &lim) == -ERANGE && lim.floor_kind == FSC_FLOOR_NONE,
	       "floor '51%%' is above the 50%% maximum");
	tap_ok(fsc_parse_floor("x%", &lim) == -EINVAL && lim.floor_kind == FSC_FLOOR_NONE,
	       "floor 'x%%' is junk");
	tap_ok(fsc_parse_floor("-1G", &lim) == -EINVAL && lim.floor_kind == FSC_FLOOR_NONE,
	       "floor '-1G' is rejected");
}

static void test_hex(void)
{
	static const uint8_t want[] = { 0x00, 0xff, 0x10, 0xab };
	uint8_t buf[8];
	size_t len = 0;

	tap_ok(!fsc_parse_hex("00ff10ab", buf, sizeof(buf), &len) && len == 4 &&
	       !memcmp(buf, want, 4), "hex '00ff10ab' parses to 4 bytes");
	tap_ok(!fsc_parse_hex("00FF10AB", buf, sizeof(buf), &len) && len == 4 &&
	       !memcmp(buf, want, 4), "hex digits in upper case are accepted");
	tap_ok(fsc_parse_hex("abc", buf, sizeof(buf), &len) == -EINVAL, "odd hex length rejected");
	tap_ok(fsc_parse_hex("zz", buf, sizeof(buf), &len) == -EINVAL, "non-hex digits rejected");
	tap_ok(fsc_parse_hex("", buf, sizeof(buf), &len) == -EINVAL, "empty key rejected");
	tap_ok(fsc_parse_hex("0x10", buf, sizeof(buf), &len) == -EINVAL, "0x prefix rejected");
	tap_ok(fsc_parse_hex("000102030405060708", buf, sizeof(buf), &len) == -E2BIG,
	       "a key longer than the buffer is rejected with E2BIG");
}

static void test_keywords(void)
{
	static const char *const kws[] = { "tag", "capacity", "floor" };

	tap_ok(fsc_kw("capacity", "capacity"), "keyword matches itself");
	tap_ok(!fsc_kw("cap", "capacity"), "keyword abbreviation does not match");
	tap_ok(!fsc_kw("Capacity", "capacity"), "keyword match is case-sensitive");
	tap_ok(!fsc_kw("capacityx", "capacity"), "keyword with trailing junk does not match");
	tap_ok(!fsc_kw(NULL, "capacity"), "no argument matches no keyword");
	tap_is_int(fsc_kw_index("floor", kws, 3), 2, "keyword index of 'floor'");
	tap_is_int(fsc_kw_index("flo", kws, 3), -1, "keyword index of an abbreviation is -1");
}

static void test_tags(void)
{
	char tag[FSCACHE_TAG_MAX_LEN + 2];

	memset(tag, 'x', sizeof(tag));
	tag[FSCACHE_TAG_MAX_LEN] = '\0';
	tap_is_int(fsc_check_tag(tag), 0, "a tag of %d characters is accepted", FSCACHE_TAG_MAX_LEN);
	tag[FSCACHE_TAG_MAX_LEN] = 'x';
	tag[FSCACHE_TAG_MAX_LEN + 1] = '\0';
	tap_is_int(fsc_check_tag(tag), -ENAMETOOLONG, "a tag of %d characters is rejected",
		   FSCACHE_TAG_MAX_LEN + 1);
	tap_is_int(fsc_check_tag(""), -EINVAL, "an empty tag is rejected");
}

/* Parse @argv as "cache bind" arguments; the usage error, if any, goes to *@err. */
static int bind_parse(char **argv, struct fsc_bind_req *r, char **err)
{
	struct tap_capture cap;
	struct fsc_args a;
	int ret;

	tap_args(&a, "cache", argv);
	tap_capture_err(&cap);
	ret = fsc_cache_bind_parse(&a, r);
	*err = tap_capture_end(&cap);
	return ret;
}

static void test_bind_args(void)
{
	char *full[] = { "/var/cache/fscache", "tag", "t1", "capacity", "1.5G", "floor", "5%",
			 "high", "90", "low", "80", "owned", NULL };
	char *rel[] = { "rel/dir", NULL };
	char *conf[] = { "--config", "/etc/x.conf", "/srv/c", "capacity", "1G", NULL };
	char *conf_nodir[] = { "--config", "/etc/x.conf", "tag", "z", NULL };
	char *bad_kw[] = { "/c", "capacty", "1G", NULL };
	char *no_val[] = { "/c", "capacity", NULL };
	char *bad_size[] = { "/c", "capacity", "-5G", NULL };
	char *big_size[] = { "/c", "capacity", "16E", NULL };
	char *bad_high[] = { "/c", "high", "0", NULL };
	char *low_high[] = { "/c", "high", "80", "low", "80", NULL };
	char *floor_bytes[] = { "/c", "floor", "512M", NULL };
	char *kw_first[] = { "tag", "x", NULL };
	char *none[] = { NULL };
	struct fsc_bind_req r;
	char cwd[PATH_MAX], want[PATH_MAX + 16];
	char *err;
	int ret;

	ret = bind_parse(full, &r, &err);
	tap_ok(ret == 0 && !strcmp(r.dir, "/var/cache/fscache") && !strcmp(r.tag, "t1") &&
	       r.lim.has_capacity && r.lim.capacity == 3 * GIB / 2 &&
	       r.lim.floor_kind == FSC_FLOOR_PCT && r.lim.floor_pct == 5 && r.lim.has_high &&
	       r.lim.high == 90 && r.lim.has_low && r.lim.low == 80 && r.owned && !r.config,
	       "bind: every keyword is parsed into the request");
	tap_is_str(err, "", "bind: a good command line prints nothing");
	free(err);

	ret = bind_parse(rel, &r, &err);
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	snprintf(want, sizeof(want), "%s/rel/dir", cwd);
	tap_ok(ret == 0 && !strcmp(r.dir, want), "bind: a relative directory is made absolute");
	free(err);

	ret = bind_parse(conf, &r, &err);
	tap_ok(ret == 0 && r.config && !strcmp(r.config, "/etc/x.conf") &&
	       !strcmp(r.dir, "/srv/c") && r.lim.has_capacity && r.lim.capacity == GIB,
	       "bind --config FILE DIR takes the file, the directory and further keywords");
	free(err);

	ret = bind_parse(conf_nodir, &r, &err);
	tap_ok(ret == 0 && r.config && !r.dir[0] && !strcmp(r.tag, "z"),
	       "bind --config FILE without DIR leaves the directory to the file");
	free(err);

	ret = bind_parse(bad_kw, &r, &err);
	tap_is_int(ret, FSC_EXIT_USAGE, "bind: an unknown keyword is a usage error");
	tap_is_str(err, "fscachectl: unknown keyword 'capacty' (see 'fscachectl cache help')\n",
		   "bind: the usage error is one line pointing at help");
	free(err);

	ret = bind_parse(no_val, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "'capacity' needs a value"),
	       "bind: a keyword without its value is a usage error");
	free(err);

	ret = bind_parse(bad_size, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "capacity '-5G': a size cannot be negative"),
	       "bind: a negative capacity is a usage error");
	free(err);

	ret = bind_parse(big_size, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "capacity '16E' is too large"),
	       "bind: a capacity past 64 bits is a usage error");
	free(err);

	ret = bind_parse(bad_high, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "outside 1..100%"),
	       "bind: high 0 is outside the range");
	free(err);

	ret = bind_parse(low_high, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "must be below high"),
	       "bind: low equal to high is a usage error");
	free(err);

	ret = bind_parse(floor_bytes, &r, &err);
	tap_ok(ret == 0 && r.lim.floor_kind == FSC_FLOOR_BYTES && r.lim.floor_bytes == 512 << 20,
	       "bind: floor SIZE is bytes");
	free(err);

	ret = bind_parse(kw_first, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "needs a directory"),
	       "bind: a keyword where the directory goes is a usage error");
	free(err);

	ret = bind_parse(none, &r, &err);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "needs a directory"),
	       "bind: no arguments is a usage error");
	free(err);
}

static void test_filters(void)
{
	char *both[] = { "volume", "afs,example.com", "cache", "c1", NULL };
	char *vol_not_allowed[] = { "volume", "v", NULL };
	char *long_tag[] = { "cache", "0123456789012345678901234567890123456789012345678901234567890123",
			     NULL };
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	const char *volume = NULL;
	struct tap_capture cap;
	struct fsc_args a;
	char *err;
	int ret;

	tap_args(&a, "cookie", both);
	ret = fsc_parse_filters(&a, tag, &volume);
	tap_ok(ret == 0 && !strcmp(tag, "c1") && volume && !strcmp(volume, "afs,example.com"),
	       "filters: cache and volume in any order");

	tap_args(&a, "volume", vol_not_allowed);
	tap_capture_err(&cap);
	ret = fsc_parse_filters(&a, tag, NULL);
	err = tap_capture_end(&cap);
	tap_ok(ret == FSC_EXIT_USAGE && strstr(err, "see 'fscachectl volume help'"),
	       "filters: volume is refused where it does not apply");
	free(err);

	tap_args(&a, "handle", long_tag);
	tap_capture_err(&cap);
	ret = fsc_parse_filters(&a, tag, NULL);
	err = tap_capture_end(&cap);
	tap_is_int(ret, FSC_EXIT_USAGE, "filters: a 64-character tag is refused");
	free(err);
}

static void test_unbind_args(void)
{
	static const struct {
		const char *argv[4];
		int ret;
		bool force;
		const char *what;
	} cases[] = {
		{ { "t1" }, 0, false, "unbind TAG" },
		{ { "tag", "t1" }, 0, false, "unbind tag TAG" },
		{ { "t1", "force" }, 0, true, "unbind TAG force" },
		{ { "tag", "t1", "force" }, 0, true, "unbind tag TAG force" },
		{ { "t1", "forced" }, FSC_EXIT_USAGE, false, "unbind TAG forced is a usage error" },
		{ { "t1", "force", "x" }, FSC_EXIT_USAGE, false, "a word after force is a usage error" },
		{ { "tag" }, FSC_EXIT_USAGE, false, "unbind tag without the tag is a usage error" },
		{ { NULL }, FSC_EXIT_USAGE, false, "unbind alone is a usage error" },
	};
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	struct tap_capture cap;
	struct fsc_args a;
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(cases); i++) {
		char *argv[4];
		bool force = !cases[i].force;
		char *err;
		int ret;

		memcpy(argv, cases[i].argv, sizeof(argv));
		tap_args(&a, "cache", argv);
		tap_capture_err(&cap);
		ret = fsc_cache_unbind_parse(&a, tag, &force);
		err = tap_capture_end(&cap);
		if (cases[i].ret)
			tap_ok(ret == cases[i].ret && *err, "%s", cases[i].what);
		else
			tap_ok(ret == 0 && !strcmp(tag, "t1") && force == cases[i].force && !*err,
			       "%s", cases[i].what);
		free(err);
	}
}

void test_parse(void)
{
	test_sizes();
	test_pcts();
	test_floor();
	test_hex();
	test_keywords();
	test_tags();
	test_bind_args();
	test_unbind_args();
	test_filters();
}
