// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: output.  Every command prints through the fsc_print_*() helpers, which write either
 * the human form (a printf format, sizes with units, times in local ISO-8601) or JSON (raw
 * integers under snake_case keys, strings escaped, optionally pretty-printed).  A key is always
 * written with the same JSON type; absent attributes are left out rather than written as null.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fscachectl.h"

#define NSEC_PER_SEC		1000000000ULL
#define FSC_JSON_DEPTH_MAX	15
#define FSC_JSON_INDENT		2
/* Characters a shell takes literally in a word. */
#define FSC_SHELL_SAFE \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:@%+=,-"

struct fsc_out fsc_out;

static FILE *out_file(void)
{
	return fsc_out.f ? fsc_out.f : stdout;
}

void fsc_out_init(FILE *f, bool json, bool pretty)
{
	memset(&fsc_out, 0, sizeof(fsc_out));
	fsc_out.f = f;
	fsc_out.json = json;
	fsc_out.pretty = pretty;
}

static const char *short_escape(unsigned char c)
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	}
	return NULL;
}

/*
 * fsc_json_escape - write @s as a JSON string.  Quotes, backslashes and control characters are
 * escaped; valid UTF-8 passes through; a byte that is not part of valid UTF-8 (paths are bytes)
 * is written as \u00XX so that the document stays valid.
 */
void fsc_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		const char *esc;
		int n = 0, i;

		esc = short_escape(c);
		if (esc) {
			fputs(esc, f);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			p++;
			continue;
		}
		/* Length of a well-formed UTF-8 sequence starting here, 0 if none. */
		if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		/* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
		if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
			n = 0;
		if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			n = 0;
		if (!n) {
			fprintf(f, "\\u%04x", c);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

static void json_indent(FILE *f, int depth)
{
	fprintf(f, "\n%*s", depth * FSC_JSON_INDENT, "");
}

/* Separator and key before a value at the current depth. */
static void json_member(const char *key)
{
	FILE *f = out_file();
	int d = fsc_out.depth;

	if (d > 0) {
		if (!fsc_out.first[d])
			fputc(',', f);
		if (fsc_out.pretty)
			json_indent(f, d);
		fsc_out.first[d] = false;
	}
	if (key && d > 0) {
		fsc_json_escape(f, key);
		fputs(fsc_out.pretty ? ": " : ":", f);
	}
}

static void json_open(const char *key, char c)
{
	if (fsc_out.depth >= FSC_JSON_DEPTH_MAX)
		abort();	/* a programming error: nothing we print nests this deep */
	json_member(key);
	fputc(c, out_file());
	fsc_out.depth++;
	fsc_out.first[fsc_out.depth] = true;
}

static void json_close(char c)
{
	FILE *f = out_file();

	if (fsc_out.pretty && !fsc_out.first[fsc_out.depth])
		json_indent(f, fsc_out.depth - 1);
	fsc_out.depth--;
	fputc(c, f);
	if (!fsc_out.depth) {
		fputc('\n', f);
		fflush(f);
	}
}

void fsc_json_open_obj(const char *key)
{
	if (fsc_out.json)
		json_open(key, '{');
}

void fsc_json_close_obj(void)
{
	if (fsc_out.json)
		json_close('}');
}

void fsc_json_open_arr(const char *key)
{
	if (fsc_out.json)
		json_open(key, '[');
}

void fsc_json_close_arr(void)
{
	if (fsc_out.json)
		json_close(']');
}

/* A string element of the JSON array being written; nothing in the human form. */
void fsc_json_elem_str(const char *s)
{
	if (fsc_out.json) {
		json_member(NULL);
		fsc_json_escape(out_file(), s);
	}
}

/* Text for the human form only. */
void fsc_human(const char *fmt, ...)
{
	va_list ap;

	if (fsc_out.json)
		return;
	va_start(ap, fmt);
	vfprintf(out_file(), fmt, ap);
	va_end(ap);
}

void fsc_print_str(const char *key, const char *hfmt, const char *s)
{
	if (fsc_out.json) {
		if (key) {
			json_member(key);
			fsc_json_escape(out_file(), s);
		}
	} else if (hfmt) {
		fprintf(out_file(), hfmt, s);
	}
}

void fsc_print_u64(const char *key, const char *hfmt, uint64_t v)
{
	if (fsc_out.json) {
		if (key) {
			json_member(key);
			fprintf(out_file(), "%llu", (unsigned long long)v);
		}
	} else if (hfmt) {
		fprintf(out_file(), hfmt, (unsigned long long)v);
	}
}

void fsc_print_s64(const char *key, const char *hfmt, int64_t v)
{
	if (fsc_out.json) {
		if (key) {
			json_member(key);
			fprintf(out_file(), "%lld", (long long)v);
		}
	} else if (hfmt) {
		fprintf(out_file(), hfmt, (long long)v);
	}
}

void fsc_print_size(const char *key, const char *hfmt, uint64_t v)
{
	char buf[32];

	if (fsc_out.json)
		fsc_print_u64(key, NULL, v);
	else if (hfmt)
		fprintf(out_file(), hfmt, fsc_fmt_size(buf, sizeof(buf), v));
}

void fsc_print_time(const char *key, const char *hfmt, uint64_t ns)
{
	char buf[64];

	if (fsc_out.json)
		fsc_print_u64(key, NULL, ns);
	else if (hfmt)
		fprintf(out_file(), hfmt, fsc_fmt_time(buf, sizeof(buf), ns));
}

/* JSON: true or false; human: @hfmt (no conversions) only when true. */
void fsc_print_bool(const char *key, const char *hfmt, bool v)
{
	if (fsc_out.json) {
		if (key) {
			json_member(key);
			fputs(v ? "true" : "false", out_file());
		}
	} else if (hfmt && v) {
		fputs(hfmt, out_file());
	}
}

void fsc_print_hex(const char *key, const char *hfmt, const void *data, size_t len)
{
	size_t size = 2 * len + 1;
	char *buf = malloc(size);

	if (!buf)
		return;
	fsc_fmt_hex(buf, size, data, len);
	fsc_print_str(key, hfmt, buf);
	free(buf);
}

/*
 * fsc_fmt_size - a size for people: "512 B", "20 GiB" when exact, else one decimal ("1.5 GiB",
 * "1.0 KiB" for 1025 bytes), rounded to nearest.
 */
char *fsc_fmt_size(char *buf, size_t size, uint64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int i = 0;
	uint64_t unit = 1, tenths;

	while (i + 1 < FSC_ARRAY_SIZE(units) && v >= (unit << 10)) {
		unit <<= 10;
		i++;
	}
	if (v % unit == 0) {
		snprintf(buf, size, "%llu %s", (unsigned long long)(v / unit), units[i]);
		return buf;
	}
	tenths = (uint64_t)(((fsc_u128)v * 10 + unit / 2) / unit);
	if (tenths >= 10240 && i + 1 < FSC_ARRAY_SIZE(units)) {
		unit <<= 10;
		i++;
		tenths = (uint64_t)(((fsc_u128)v * 10 + unit / 2) / unit);
	}
	snprintf(buf, size, "%llu.%llu %s", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10), units[i]);
	return buf;
}

/* fsc_fmt_pct - @part as a percentage of @whole with one decimal, "-" if @whole is 0. */
char *fsc_fmt_pct(char *buf, size_t size, uint64_t part, uint64_t whole)
{
	uint64_t tenths;

	if (!whole) {
		snprintf(buf, size, "-");
		return buf;
	}
	tenths = (uint64_t)(((fsc_u128)part * 1000 + whole / 2) / whole);
	snprintf(buf, size, "%llu.%llu%%", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10));
	return buf;
}

/* fsc_fmt_time - CLOCK_REALTIME nanoseconds as local ISO-8601, "2024-05-01T12:00:00+02:00". */
char *fsc_fmt_time(char *buf, size_t size, uint64_t ns)
{
	time_t t = ns / NSEC_PER_SEC;
	struct tm tm;
	long off;
	size_t n;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, size, "@%llu", (unsigned long long)(ns / NSEC_PER_SEC));
		return buf;
	}
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	snprintf(buf + n, size - n, "%c%02ld:%02ld", off < 0 ? '-' : '+',
		 labs(off) / 3600, labs(off) / 60 % 60);
	return buf;
}

/* fsc_fmt_hex - @len bytes as lowercase hex; @size must be at least 2 * @len + 1. */
char *fsc_fmt_hex(char *buf, size_t size, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len && 2 * i + 2 < size; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 0xf];
	}
	buf[2 * i] = '\0';
	return buf;
}

/* fsc_shell_quote - write @s so that a POSIX shell reads it back as one word. */
void fsc_shell_quote(FILE *f, const char *s)
{
	const char *p;

	if (*s && strspn(s, FSC_SHELL_SAFE) == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* Names of the UAPI's values, as both forms print them. */

static const char *const cache_states[] = {
	[FSCACHE_CACHE_NL_ACTIVE]	= "active",
	[FSCACHE_CACHE_NL_WITHDRAWING]	= "withdrawing",
	[FSCACHE_CACHE_NL_FAILED]	= "failed",
};

static const char *const cookie_states[] = {
	[FSCACHE_COOKIE_NL_QUIESCENT]		= "quiescent",
	[FSCACHE_COOKIE_NL_LOOKING_UP]		= "looking_up",
	[FSCACHE_COOKIE_NL_INVALIDATING]	= "invalidating",
	[FSCACHE_COOKIE_NL_CREATING]		= "creating",
	[FSCACHE_COOKIE_NL_ACTIVE]		= "active",
	[FSCACHE_COOKIE_NL_FAILED]		= "failed",
	[FSCACHE_COOKIE_NL_LRU_DISCARDING]	= "lru_discarding",
	[FSCACHE_COOKIE_NL_WITHDRAWING]		= "withdrawing",
	[FSCACHE_COOKIE_NL_RELINQUISHING]	= "relinquishing",
	[FSCACHE_COOKIE_NL_DROPPED]		= "dropped",
};

static const char *const events[] = {
	[FSCACHE_EVENT_CACHE_BOUND]	= "cache_bound",
	[FSCACHE_EVENT_CACHE_WITHDRAWN]	= "cache_withdrawn",
	[FSCACHE_EVENT_IO_ERROR]	= "io_error",
	[FSCACHE_EVENT_SPACE_LOW]	= "space_low",
	[FSCACHE_EVENT_CULL_STARTED]	= "cull_started",
	[FSCACHE_EVENT_CULL_FINISHED]	= "cull_finished",
	[FSCACHE_EVENT_LIMIT_CHANGED]	= "limit_changed",
	[FSCACHE_EVENT_HIGH_WMARK]	= "high_wmark",
	[FSCACHE_EVENT_LOW_WMARK]	= "low_wmark",
};

static const char *const stats[] = {
	[FSCACHE_A_STAT_COOKIES]	= "cookies",
	[FSCACHE_A_STAT_VOLUMES]	= "volumes",
	[FSCACHE_A_STAT_ACQUIRES]	= "acquires",
	[FSCACHE_A_STAT_RELINQUISHES]	= "relinquishes",
	[FSCACHE_A_STAT_INVALIDATES]	= "invalidates",
	[FSCACHE_A_STAT_RESIZES]	= "resizes",
	[FSCACHE_A_STAT_LRU_EXPIRED]	= "lru_expired",
	[FSCACHE_A_STAT_READS]		= "reads",
	[FSCACHE_A_STAT_WRITES]		= "writes",
	[FSCACHE_A_STAT_LOOKUPS]	= "lookups",
	[FSCACHE_A_STAT_HITS]		= "hits",
	[FSCACHE_A_STAT_PARTIAL_HITS]	= "partial_hits",
	[FSCACHE_A_STAT_MISSES]		= "misses",
	[FSCACHE_A_STAT_READ_BYTES]	= "read_bytes",
	[FSCACHE_A_STAT_WRITE_BYTES]	= "write_bytes",
	[FSCACHE_A_STAT_WRITES_SKIPPED]	= "writes_skipped",
	[FSCACHE_A_STAT_IO_ERRORS]	= "io_errors",
	[FSCACHE_A_STAT_CREATES]	= "creates",
	[FSCACHE_A_STAT_CULLS]		= "culls",
	[FSCACHE_A_STAT_CULL_BYTES]	= "cull_bytes",
	[FSCACHE_A_STAT_CULL_CPU_NS]	= "cull_cpu_ns",
	[FSCACHE_A_STAT_STALE]		= "stale",
	[FSCACHE_A_STAT_CORRUPT]	= "corrupt",
	[FSCACHE_A_STAT_INVALIDATIONS]	= "invalidations",
};

/* Attribute names as the YAML spec spells them, for error messages. */
static const char *const attrs[] = {
	[FSCACHE_A_PAD]			= "pad",
	[FSCACHE_A_CACHE_TAG]		= "cache-tag",
	[FSCACHE_A_CACHE_DIR]		= "cache-dir",
	[FSCACHE_A_CACHE_CAPACITY]	= "cache-capacity",
	[FSCACHE_A_CACHE_FLOOR_BYTES]	= "cache-floor-bytes",
	[FSCACHE_A_CACHE_FLOOR_PCT]	= "cache-floor-pct",
	[FSCACHE_A_CACHE_HIGH_WMARK]	= "cache-high-wmark",
	[FSCACHE_A_CACHE_LOW_WMARK]	= "cache-low-wmark",
	[FSCACHE_A_CACHE_OWNED]		= "cache-owned",
	[FSCACHE_A_CACHE_STATE]		= "cache-state",
	[FSCACHE_A_CACHE_USAGE]		= "cache-usage",
	[FSCACHE_A_CACHE_IN_USE]	= "cache-in-use",
	[FSCACHE_A_CACHE_OBJECTS]	= "cache-objects",
	[FSCACHE_A_CACHE_FS_SIZE]	= "cache-fs-size",
	[FSCACHE_A_CACHE_FS_FREE]	= "cache-fs-free",
	[FSCACHE_A_CACHE_BOUND_AT]	= "cache-bound-at",
	[FSCACHE_A_CACHE_STATS]		= "cache-stats",
	[FSCACHE_A_CULL_TARGET]		= "cull-target",
	[FSCACHE_A_VOLUME_ID]		= "volume-id",
	[FSCACHE_A_VOLUME_KEY]		= "volume-key",
	[FSCACHE_A_VOLUME_REFS]		= "volume-refs",
	[FSCACHE_A_VOLUME_COOKIES]	= "volume-cookies",
	[FSCACHE_A_COOKIE_ID]		= "cookie-id",
	[FSCACHE_A_COOKIE_KEY]		= "cookie-key",
	[FSCACHE_A_COOKIE_STATE]	= "cookie-state",
	[FSCACHE_A_COOKIE_REFS]		= "cookie-refs",
	[FSCACHE_A_COOKIE_USERS]	= "cookie-users",
	[FSCACHE_A_COOKIE_ACCESSES]	= "cookie-accesses",
	[FSCACHE_A_COOKIE_SIZE]		= "cookie-size",
	[FSCACHE_A_COOKIE_FLAGS]	= "cookie-flags",
	[FSCACHE_A_HANDLE_PATH]		= "handle-path",
	[FSCACHE_A_HANDLE_SIZE]		= "handle-size",
	[FSCACHE_A_HANDLE_SINCE]	= "handle-since",
	[FSCACHE_A_STATS]		= "stats",
	[FSCACHE_A_EVENT_TYPE]		= "event-type",
	[FSCACHE_A_EVENT_ERRNO]		= "event-errno",
	[FSCACHE_A_CACHE_FORCE]		= "cache-force",
};

static const char *const cookie_flags[FSC_COOKIE_FLAG_BITS] = {
	"on_lru", "has_object", "no_data", "retired",
};

static const char *name_of(const char *const *table, size_t n, unsigned int v)
{
	return v < n ? table[v] : NULL;
}

const char *fsc_cache_state_name(unsigned int v)
{
	return name_of(cache_states, FSC_ARRAY_SIZE(cache_states), v);
}

const char *fsc_cookie_state_name(unsigned int v)
{
	return name_of(cookie_states, FSC_ARRAY_SIZE(cookie_states), v);
}

const char *fsc_event_name(unsigned int v)
{
	return name_of(events, FSC_ARRAY_SIZE(events), v);
}

const char *fsc_stat_name(unsigned int v)
{
	return name_of(stats, FSC_ARRAY_SIZE(stats), v);
}

const char *fsc_attr_name(unsigned int v)
{
	return name_of(attrs, FSC_ARRAY_SIZE(attrs), v);
}

const char *fsc_cookie_flag_name(unsigned int v)
{
	return name_of(cookie_flags, FSC_ARRAY_SIZE(cookie_flags), v);
}
