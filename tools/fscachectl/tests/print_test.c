// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl unit tests: human formatting (sizes, percentages, times, hex), JSON escaping and
 * numbers, the JSON writer in compact and pretty form, shell quoting, and the name tables.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fscachectl.h"
#include "tap.h"

struct size_fmt_case {
	uint64_t v;
	const char *want;
};

static const struct size_fmt_case size_fmt_cases[] = {
	{ 0, "0 B" },
	{ 1, "1 B" },
	{ 1023, "1023 B" },
	{ 1024, "1 KiB" },
	{ 1025, "1.0 KiB" },
	{ 1536, "1.5 KiB" },
	{ 1048575, "1.0 MiB" },		/* 1023.999 KiB rounds up into the next unit */
	{ 1048576, "1 MiB" },
	{ 3ULL << 29, "1.5 GiB" },
	{ 20ULL << 30, "20 GiB" },
	{ (20ULL << 30) + 1, "20.0 GiB" },
	{ 1073741824ULL * 1023 / 10, "102.3 GiB" },
	{ 5ULL << 40, "5 TiB" },
	{ 1ULL << 60, "1 EiB" },
	{ UINT64_MAX, "16.0 EiB" },
};

static void test_size_fmt(void)
{
	char buf[32];
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(size_fmt_cases); i++)
		tap_is_str(fsc_fmt_size(buf, sizeof(buf), size_fmt_cases[i].v),
			   size_fmt_cases[i].want, "size %llu reads '%s'",
			   (unsigned long long)size_fmt_cases[i].v, size_fmt_cases[i].want);
}

static void test_pct_fmt(void)
{
	char buf[16];

	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), 1, 3), "33.3%", "1 of 3 is 33.3%%");
	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), 2, 3), "66.7%", "2 of 3 rounds to 66.7%%");
	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), 0, 10), "0.0%", "0 of 10 is 0.0%%");
	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), 3ULL << 29, 20ULL << 30), "7.5%",
		   "1.5 GiB of 20 GiB is 7.5%%");
	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), 5, 0), "-", "a percentage of nothing is '-'");
	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), UINT64_MAX, UINT64_MAX), "100.0%",
		   "no overflow at 64 bits");
	tap_is_str(fsc_fmt_pct(buf, sizeof(buf), 3, 2), "150.0%", "usage over capacity shows > 100%%");
}

static void test_time_fmt(void)
{
	char buf[64];

	tap_is_str(fsc_fmt_time(buf, sizeof(buf), 0), "1970-01-01T00:00:00+00:00",
		   "time 0 in UTC");
	tap_is_str(fsc_fmt_time(buf, sizeof(buf), 1700000000123456789ULL),
		   "2023-11-14T22:13:20+00:00", "time in ns is truncated to seconds");
	setenv("TZ", "XYZ-5:30", 1);
	tzset();
	tap_is_str(fsc_fmt_time(buf, sizeof(buf), 1700000000000000000ULL),
		   "2023-11-15T03:43:20+05:30", "local time east of UTC with a half-hour offset");
	setenv("TZ", "XYZ+3", 1);
	tzset();
	tap_is_str(fsc_fmt_time(buf, sizeof(buf), 1700000000000000000ULL),
		   "2023-11-14T19:13:20-03:00", "local time west of UTC");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_hex_fmt(void)
{
	static const uint8_t key[] = { 0x00, 0xab, 0xff, 0x10 };
	char buf[16];

	tap_is_str(fsc_fmt_hex(buf, sizeof(buf), key, sizeof(key)), "00abff10",
		   "hex key in lower case, two digits a byte");
	tap_is_str(fsc_fmt_hex(buf, sizeof(buf), key, 0), "", "empty key is an empty string");
	tap_is_str(fsc_fmt_hex(buf, 5, key, sizeof(key)), "00ab",
		   "hex output is cut at the buffer, never past it");
}

static char *escape(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fsc_json_escape(f, s);
	fclose(f);
	return buf;
}

struct esc_case {
	const char *in, *want, *what;
};

static const struct esc_case esc_cases[] = {
	{ "plain", "\"plain\"", "plain ASCII" },
	{ "", "\"\"", "empty string" },
	{ "a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash" },
	{ "l1\nl2\tx\r\b\f", "\"l1\\nl2\\tx\\r\\b\\f\"", "short escapes" },
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "other control characters" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	  "valid UTF-8 passes through" },
	{ "a\xff" "b", "\"a\\u00ffb\"", "a stray byte is escaped" },
	{ "\xc0\xaf", "\"\\u00c0\\u00af\"", "an overlong sequence is escaped" },
	{ "\xe2\x82", "\"\\u00e2\\u0082\"", "a truncated sequence is escaped" },
	{ "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"", "a surrogate is escaped" },
	{ "/tmp/x/\xe9t\xe9", "\"/tmp/x/\\u00e9t\\u00e9\"", "a Latin-1 path stays valid JSON" },
};

static void test_json_escape(void)
{
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(esc_cases); i++) {
		char *got = escape(esc_cases[i].in);

		tap_is_str(got, esc_cases[i].want, "JSON escape: %s", esc_cases[i].what);
		free(got);
	}
}

static void write_sample(void)
{
	fsc_json_open_obj(NULL);
	fsc_print_str("tag", "tag %s\n", "c\"1");
	fsc_print_u64("max", "max %llu\n", UINT64_MAX);
	fsc_print_s64("errno", "errno %lld\n", -5);
	fsc_print_size("usage", "usage %s\n", 3ULL << 29);
	fsc_print_bool("owned", "owned\n", true);
	fsc_print_bool("quiet", "quiet\n", false);
	fsc_print_time("at", "at %s\n", 1700000000000000000ULL);
	fsc_json_open_obj("nest");
	fsc_json_close_obj();
	fsc_json_open_arr("list");
	fsc_json_elem_str("a");
	fsc_json_elem_str("b");
	fsc_json_close_arr();
	fsc_json_close_obj();
}

static void test_json_writer(void)
{
	struct tap_capture cap;
	char *got;

	tap_capture_out(&cap, true, false);
	write_sample();
	got = tap_capture_end(&cap);
	tap_is_str(got, "{\"tag\":\"c\\\"1\",\"max\":18446744073709551615,\"errno\":-5,"
		   "\"usage\":1610612736,\"owned\":true,\"quiet\":false,"
		   "\"at\":1700000000000000000,\"nest\":{},\"list\":[\"a\",\"b\"]}\n",
		   "JSON: raw integers, u64 max, negative, booleans, nesting, one line");
	free(got);

	tap_capture_out(&cap, true, true);
	write_sample();
	got = tap_capture_end(&cap);
	tap_is_str(got, "{\n  \"tag\": \"c\\\"1\",\n  \"max\": 18446744073709551615,\n"
		   "  \"errno\": -5,\n  \"usage\": 1610612736,\n  \"owned\": true,\n"
		   "  \"quiet\": false,\n  \"at\": 1700000000000000000,\n  \"nest\": {},\n"
		   "  \"list\": [\n    \"a\",\n    \"b\"\n  ]\n}\n",
		   "JSON -p: indented by two, one member a line");
	free(got);

	tap_capture_out(&cap, false, false);
	write_sample();
	got = tap_capture_end(&cap);
	tap_is_str(got, "tag c\"1\nmax 18446744073709551615\nerrno -5\nusage 1.5 GiB\nowned\n"
		   "at 2023-11-14T22:13:20+00:00\n",
		   "human: sizes with units, times in ISO-8601, false flags left out");
	free(got);

	tap_capture_out(&cap, true, false);
	fsc_json_open_arr(NULL);
	fsc_json_close_arr();
	fsc_json_open_obj(NULL);
	fsc_json_close_obj();
	got = tap_capture_end(&cap);
	tap_is_str(got, "[]\n{}\n", "JSON: empty list, and top-level values one per line");
	free(got);
}

static char *quote(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fsc_shell_quote(f, s);
	fclose(f);
	return buf;
}

static void test_shell_quote(void)
{
	static const char *const cases[][2] = {
		{ "/var/cache/fscache", "/var/cache/fscache" },
		{ "a b", "'a b'" },
		{ "it's", "'it'\\''s'" },
		{ "", "''" },
		{ "$HOME", "'$HOME'" },
	};
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(cases); i++) {
		char *got = quote(cases[i][0]);

		tap_is_str(got, cases[i][1], "shell quoting of '%s'", cases[i][0]);
		free(got);
	}
}

static void test_names(void)
{
	unsigned int i, missing = 0;

	tap_is_str(fsc_cache_state_name(FSCACHE_CACHE_NL_WITHDRAWING), "withdrawing",
		   "cache state names");
	tap_ok(!fsc_cache_state_name(FSCACHE_CACHE_NL_FAILED + 1), "unknown cache state has no name");
	tap_is_str(fsc_cookie_state_name(FSCACHE_COOKIE_NL_LRU_DISCARDING), "lru_discarding",
		   "cookie state names are snake_case");
	for (i = FSCACHE_COOKIE_NL_QUIESCENT; i <= FSCACHE_COOKIE_NL_DROPPED; i++)
		missing += !fsc_cookie_state_name(i);
	for (i = 1; i < __FSCACHE_EVENT_CNT; i++)
		missing += !fsc_event_name(i);
	for (i = FSCACHE_A_STAT_PAD + 1; i < __FSCACHE_A_STAT_CNT; i++)
		missing += !fsc_stat_name(i);
	for (i = 1; i < __FSCACHE_A_CNT; i++)
		missing += !fsc_attr_name(i);
	tap_is_int(missing, 0, "every cookie state, event, counter and attribute has a name");
	tap_ok(!fsc_event_name(__FSCACHE_EVENT_CNT) && !fsc_stat_name(__FSCACHE_A_STAT_CNT) &&
	       !fsc_attr_name(__FSCACHE_A_CNT), "values past the UAPI's have no name");
	tap_is_str(fsc_cookie_flag_name(1), "has_object", "cookie flag bit 1 is has_object");
}

void test_print(void)
{
	test_size_fmt();
	test_pct_fmt();
	test_time_fmt();
	test_hex_fmt();
	test_json_escape();
	test_json_writer();
	test_shell_quote();
	test_names();
}
