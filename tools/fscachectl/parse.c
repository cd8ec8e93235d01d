// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: the argument cursor and usage errors; parsing of command-line values -- sizes,
 * percentages, hex keys, keywords -- and of the limit keywords of "cache bind" and "cache set".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "fscachectl.h"

const char *fsc_progname = "fscachectl";

const char *fsc_arg_peek(const struct fsc_args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

const char *fsc_arg_next(struct fsc_args *a)
{
	const char *arg = fsc_arg_peek(a);

	if (arg) {
		a->argc--;
		a->argv++;
	}
	return arg;
}

/* The value after @keyword, or NULL after a usage error saying it is missing. */
const char *fsc_arg_value(struct fsc_args *a, const char *keyword)
{
	const char *val = fsc_arg_next(a);

	if (!val)
		fsc_usage_error(a->object, "'%s' needs a value", keyword);
	return val;
}

/* fsc_usage_error - one line on stderr pointing at the help; returns the usage exit code. */
int fsc_usage_error(const char *object, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", fsc_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (object)
		fprintf(stderr, " (see '%s %s help')\n", fsc_progname, object);
	else
		fprintf(stderr, " (see '%s help')\n", fsc_progname);
	return FSC_EXIT_USAGE;
}

/* Decimal digits of a fraction that are kept; 10^19 still fits in a u64. */
#define FSC_FRAC_DIGITS_MAX	19

struct fsc_suffix {
	const char *name;
	unsigned int shift;
};

/* Binary multiples only: "G" and "GiB" mean the same.  Matched without regard to case. */
static const struct fsc_suffix fsc_suffixes[] = {
	{ "", 0 },	{ "b", 0 },
	{ "k", 10 },	{ "kib", 10 },
	{ "m", 20 },	{ "mib", 20 },
	{ "g", 30 },	{ "gib", 30 },
	{ "t", 40 },	{ "tib", 40 },
	{ "p", 50 },	{ "pib", 50 },
	{ "e", 60 },	{ "eib", 60 },
};

static int suffix_shift(const char *s)
{
	size_t i;

	for (i = 0; i < FSC_ARRAY_SIZE(fsc_suffixes); i++)
		if (!strcasecmp(s, fsc_suffixes[i].name))
			return fsc_suffixes[i].shift;
	return -1;
}

/*
 * fsc_parse_size - parse a size: "4096", "20G", "1.5GiB", "512k".
 *
 * A fraction is allowed before the suffix and the result is rounded down to whole bytes.  Signs,
 * spaces, hex and exponents are not accepted.  Returns 0, -EINVAL for anything malformed, or
 * -ERANGE if the value does not fit in 64 bits.
 */
int fsc_parse_size(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, scale = 1, v, add;
	unsigned int nfrac = 0;
	const char *p = s;
	int shift;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int d = *p - '0';

		if (whole > (UINT64_MAX - d) / 10)
			return -ERANGE;
		whole = whole * 10 + d;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (nfrac == FSC_FRAC_DIGITS_MAX)
				continue;	/* below a byte at any suffix: rounded away */
			frac = frac * 10 + (*p - '0');
			scale *= 10;
			nfrac++;
		}
	}
	shift = suffix_shift(p);
	if (shift < 0)
		return -EINVAL;
	if (whole > (UINT64_MAX >> shift))
		return -ERANGE;
	v = whole << shift;
	add = (uint64_t)(((fsc_u128)frac << shift) / scale);
	if (v > UINT64_MAX - add)
		return -ERANGE;
	*out = v + add;
	return 0;
}

/*
 * fsc_parse_pct - parse a whole percentage "90" or "90%" within [min, max].
 * Returns 0, -EINVAL if malformed, -ERANGE if outside the bounds.
 */
int fsc_parse_pct(const char *s, unsigned int min, unsigned int max, uint8_t *out)
{
	unsigned int v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > 1000)
			return -ERANGE;
	}
	if (*p == '%')
		p++;
	if (*p)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* fsc_parse_floor - "SIZE" (bytes kept free) or "PCT%" (of the backing filesystem, 0..50). */
int fsc_parse_floor(const char *s, struct fsc_limits *lim)
{
	size_t len = strlen(s);
	int ret;

	if (len && s[len - 1] == '%') {
		ret = fsc_parse_pct(s, 0, 50, &lim->floor_pct);
		if (!ret)
			lim->floor_kind = FSC_FLOOR_PCT;
		return ret;
	}
	ret = fsc_parse_size(s, &lim->floor_bytes);
	if (!ret)
		lim->floor_kind = FSC_FLOOR_BYTES;
	return ret;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * fsc_parse_hex - parse a cookie key given as hex digits (an even number, either case) into
 * @buf of @size bytes.  Returns 0, -EINVAL if malformed or empty, -E2BIG if too long.
 */
int fsc_parse_hex(const char *s, uint8_t *buf, size_t size, size_t *len)
{
	size_t n = strlen(s), i;

	if (!n || n % 2)
		return -EINVAL;
	if (n / 2 > size)
		return -E2BIG;
	for (i = 0; i < n / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		buf[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

/* Keywords match exactly: no abbreviations, so a script means the same thing next release. */
bool fsc_kw(const char *arg, const char *keyword)
{
	return arg && !strcmp(arg, keyword);
}

int fsc_kw_index(const char *arg, const char *const *keywords, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fsc_kw(arg, keywords[i]))
			return i;
	return -1;
}

/* A tag is 1..FSCACHE_TAG_MAX_LEN characters; the kernel judges the characters. */
int fsc_check_tag(const char *tag)
{
	size_t len = strlen(tag);

	if (!len)
		return -EINVAL;
	if (len > FSCACHE_TAG_MAX_LEN)
		return -ENAMETOOLONG;
	return 0;
}

/* fsc_size_error - the usage error for a size @val of @kw that fsc_parse_size() refused. */
int fsc_size_error(const char *object, const char *kw, const char *val, int err)
{
	if (val[0] == '-')
		return fsc_usage_error(object, "%s '%s': a size cannot be negative", kw, val);
	if (err == -ERANGE)
		return fsc_usage_error(object, "%s '%s' is too large", kw, val);
	return fsc_usage_error(object, "invalid %s '%s' (bytes, or a number with K, M, G, T, P, E)",
			       kw, val);
}

static int pct_error(const char *object, const char *kw, const char *val, int err,
		     unsigned int min, unsigned int max)
{
	if (err == -ERANGE)
		return fsc_usage_error(object, "%s '%s' is outside %u..%u%%", kw, val, min, max);
	return fsc_usage_error(object, "invalid %s '%s' (a whole percentage)", kw, val);
}

/*
 * fsc_limits_parse_one - if @kw is one of capacity/floor/high/low, take its value from @a into
 * @lim and set *@used.  Returns 0 or an exit code after printing a usage error.
 */
int fsc_limits_parse_one(struct fsc_args *a, const char *kw, struct fsc_limits *lim, bool *used)
{
	const char *val;
	int ret;

	*used = false;
	if (!fsc_kw(kw, "capacity") && !fsc_kw(kw, "floor") && !fsc_kw(kw, "high") &&
	    !fsc_kw(kw, "low"))
		return 0;
	*used = true;
	val = fsc_arg_value(a, kw);
	if (!val)
		return FSC_EXIT_USAGE;

	if (fsc_kw(kw, "capacity")) {
		ret = fsc_parse_size(val, &lim->capacity);
		if (ret)
			return fsc_size_error(a->object, kw, val, ret);
		lim->has_capacity = true;
	} else if (fsc_kw(kw, "floor")) {
		ret = fsc_parse_floor(val, lim);
		if (ret == -ERANGE && strchr(val, '%'))
			return pct_error(a->object, kw, val, ret, 0, 50);
		if (ret)
			return fsc_size_error(a->object, kw, val, ret);
	} else if (fsc_kw(kw, "high")) {
		ret = fsc_parse_pct(val, 1, 100, &lim->high);
		if (ret)
			return pct_error(a->object, kw, val, ret, 1, 100);
		lim->has_high = true;
	} else {
		ret = fsc_parse_pct(val, 1, 100, &lim->low);
		if (ret)
			return pct_error(a->object, kw, val, ret, 1, 100);
		lim->has_low = true;
	}
	return 0;
}

/* Checks across limits that need no knowledge of the cache's current settings. */
int fsc_limits_check(const struct fsc_limits *lim, const char *object)
{
	if (lim->has_high && lim->has_low && lim->low >= lim->high)
		return fsc_usage_error(object, "low watermark %u%% must be below high watermark %u%%",
				       lim->low, lim->high);
	return 0;
}

/*
 * fsc_parse_filters - "[cache TAG]" and, if @volume is not NULL, "[volume KEY]", in any order:
 * the filters of the list commands.  Returns 0 or an exit code after a usage error.
 */
int fsc_parse_filters(struct fsc_args *a, char *tag, const char **volume)
{
	const char *arg, *val;

	tag[0] = '\0';
	while ((arg = fsc_arg_next(a))) {
		if (!fsc_kw(arg, "cache") && !(volume && fsc_kw(arg, "volume")))
			return fsc_usage_error(a->object, "unknown keyword '%s'", arg);
		val = fsc_arg_value(a, arg);
		if (!val)
			return FSC_EXIT_USAGE;
		if (fsc_kw(arg, "volume")) {
			*volume = val;
			continue;
		}
		if (fsc_check_tag(val))
			return fsc_usage_error(a->object, "invalid tag '%s'", val);
		strcpy(tag, val);
	}
	return 0;
}
