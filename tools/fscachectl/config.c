// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: import of a cachefilesd.conf.
 *
 * cachefilesd limits a cache by free space on the backing filesystem (cull when free blocks or
 * files fall below brun/bcull, stop caching below bstop/fstop); fscache-iter limits it by the
 * data it holds (capacity, with watermarks) and keeps a floor of free space.  So:
 *
 *   dir, tag            the same
 *   bstop, fstop        floor: the larger of the two, as a percentage (at most 50%)
 *   brun, bcull         no equivalent; capacity stays unlimited unless given on the command line
 *   frun, fcull         no equivalent (the kernel does not cull to keep files free)
 *   secctx, culltable,
 *   nocull, debug       no equivalent
 *
 * Every directive gets one line on the notes stream saying what it became or why it was ignored.
 * Values given on the command line win over the file's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fscachectl.h"

/* The most FSCACHE_A_CACHE_FLOOR_PCT accepts. */
#define FSC_FLOOR_PCT_MAX	50

enum conf_kind {
	CONF_DIR,
	CONF_TAG,
	CONF_BRUN,
	CONF_BCULL,
	CONF_BSTOP,
	CONF_FRUN,
	CONF_FCULL,
	CONF_FSTOP,
	CONF_SECCTX,
	CONF_CULLTABLE,
	CONF_NOCULL,
	CONF_DEBUG,
	CONF_NR_KINDS,
};

static const char *const conf_names[CONF_NR_KINDS] = {
	[CONF_DIR]	= "dir",
	[CONF_TAG]	= "tag",
	[CONF_BRUN]	= "brun",
	[CONF_BCULL]	= "bcull",
	[CONF_BSTOP]	= "bstop",
	[CONF_FRUN]	= "frun",
	[CONF_FCULL]	= "fcull",
	[CONF_FSTOP]	= "fstop",
	[CONF_SECCTX]	= "secctx",
	[CONF_CULLTABLE] = "culltable",
	[CONF_NOCULL]	= "nocull",
	[CONF_DEBUG]	= "debug",
};

struct conf_line {
	enum conf_kind kind;
	unsigned int line;
	char *value;		/* NULL for nocull */
	uint8_t pct;		/* the percentage of brun..fstop */
};

struct conf {
	struct conf_line *lines;
	size_t n;
	int last[CONF_NR_KINDS];	/* index in lines of the last of each kind, or -1 */
};

static bool is_pct_kind(enum conf_kind k)
{
	return k >= CONF_BRUN && k <= CONF_FSTOP;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static void conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->lines[i].value);
	free(c->lines);
}

/* Read every directive, checking syntax only. */
static int conf_read(FILE *in, const char *name, struct conf *c)
{
	unsigned int lineno = 0;
	size_t cap = 0, len = 0;
	char *buf = NULL;
	int ret = 0, k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < CONF_NR_KINDS; k++)
		c->last[k] = -1;
	while (getline(&buf, &len, in) >= 0) {
		char *s = trim(buf), *val;
		struct conf_line *l;

		lineno++;
		if (!*s || *s == '#')
			continue;
		val = s + strcspn(s, " \t");
		if (*val)
			*val++ = '\0';
		val = trim(val);
		for (k = 0; k < CONF_NR_KINDS; k++)
			if (!strcmp(s, conf_names[k]))
				break;
		if (k == CONF_NR_KINDS) {
			fprintf(stderr, "%s: %s:%u: unknown directive '%s'\n", fsc_progname, name,
				lineno, s);
			ret = -EINVAL;
			break;
		}
		if (k != CONF_NOCULL && !*val) {
			fprintf(stderr, "%s: %s:%u: '%s' needs a value\n", fsc_progname, name, lineno,
				s);
			ret = -EINVAL;
			break;
		}
		if (c->n == cap) {
			struct conf_line *more;

			cap = cap ? 2 * cap : 16;
			more = realloc(c->lines, cap * sizeof(*more));
			if (!more) {
				ret = -ENOMEM;
				break;
			}
			c->lines = more;
		}
		l = &c->lines[c->n];
		memset(l, 0, sizeof(*l));
		l->kind = k;
		l->line = lineno;
		if (is_pct_kind(k) && fsc_parse_pct(val, 0, 100, &l->pct)) {
			fprintf(stderr, "%s: %s:%u: '%s %s': not a percentage 0..100%%\n",
				fsc_progname, name, lineno, s, val);
			ret = -EINVAL;
			break;
		}
		if (k == CONF_DIR && val[0] != '/') {
			fprintf(stderr, "%s: %s:%u: dir '%s' is not an absolute path\n", fsc_progname,
				name, lineno, val);
			ret = -EINVAL;
			break;
		}
		if (k == CONF_TAG && fsc_check_tag(val)) {
			fprintf(stderr, "%s: %s:%u: tag '%s' is longer than %d characters\n",
				fsc_progname, name, lineno, val, FSCACHE_TAG_MAX_LEN);
			ret = -EINVAL;
			break;
		}
		if (k == CONF_DIR && strlen(val) >= PATH_MAX) {
			fprintf(stderr, "%s: %s:%u: dir is too long\n", fsc_progname, name, lineno);
			ret = -EINVAL;
			break;
		}
		if (*val) {
			l->value = strdup(val);
			if (!l->value) {
				ret = -ENOMEM;
				break;
			}
		}
		c->last[k] = c->n++;
	}
	free(buf);
	if (!ret && ferror(in)) {
		fprintf(stderr, "%s: %s: read error\n", fsc_progname, name);
		ret = -EIO;
	}
	return ret;
}

static __printf(4, 5) void note(FILE *notes, const char *name, const struct conf_line *l, const char *fmt, ...)
{
	va_list ap;

	fprintf(notes, "%s: %s:%u: %s%s%s -> ", fsc_progname, name, l->line, conf_names[l->kind],
		l->value ? " " : "", l->value ? l->value : "");
	va_start(ap, fmt);
	vfprintf(notes, fmt, ap);
	va_end(ap);
	fputc('\n', notes);
}

/*
 * fsc_config_import - read a cachefilesd.conf from @in (called @name in messages) into @r,
 * keeping what @r already has (the command line's), and write one note per directive to @notes.
 * Returns 0, or -errno after printing an error on stderr.
 */
int fsc_config_import(FILE *in, const char *name, struct fsc_bind_req *r, FILE *notes)
{
	bool cli_dir = r->dir[0], cli_tag = r->tag[0];
	bool cli_floor = r->lim.floor_kind != FSC_FLOOR_NONE;
	int bstop = -1, fstop = -1, larger, floor;
	struct conf c;
	size_t i;
	int ret;

	ret = conf_read(in, name, &c);
	if (ret) {
		conf_free(&c);
		return ret;
	}
	if (c.last[CONF_BSTOP] >= 0)
		bstop = c.lines[c.last[CONF_BSTOP]].pct;
	if (c.last[CONF_FSTOP] >= 0)
		fstop = c.lines[c.last[CONF_FSTOP]].pct;
	larger = bstop > fstop ? bstop : fstop;
	floor = larger;
	if (floor > FSC_FLOOR_PCT_MAX)
		floor = FSC_FLOOR_PCT_MAX;

	if (!cli_dir && c.last[CONF_DIR] >= 0)
		strcpy(r->dir, c.lines[c.last[CONF_DIR]].value);
	if (!cli_tag && c.last[CONF_TAG] >= 0)
		strcpy(r->tag, c.lines[c.last[CONF_TAG]].value);
	if (!cli_floor && floor >= 0) {
		r->lim.floor_kind = FSC_FLOOR_PCT;
		r->lim.floor_pct = floor;
	}

	for (i = 0; i < c.n; i++) {
		const struct conf_line *l = &c.lines[i];
		bool last = c.last[l->kind] == (int)i;

		if (!last && (l->kind == CONF_DIR || l->kind == CONF_TAG || is_pct_kind(l->kind))) {
			note(notes, name, l, "ignored: a later '%s' line replaces it",
			     conf_names[l->kind]);
			continue;
		}
		switch (l->kind) {
		case CONF_DIR:
			if (cli_dir)
				note(notes, name, l, "ignored: the command line gives the directory %s",
				     r->dir);
			else
				note(notes, name, l, "cache directory %s", l->value);
			break;
		case CONF_TAG:
			if (cli_tag)
				note(notes, name, l, "ignored: the command line gives tag %s", r->tag);
			else
				note(notes, name, l, "tag %s", l->value);
			break;
		case CONF_BSTOP:
		case CONF_FSTOP:
			if (cli_floor)
				note(notes, name, l, "ignored: the command line gives the floor");
			else if (l->pct < larger)
				note(notes, name, l, "ignored: %s %d%% is larger and sets the floor",
				     l->kind == CONF_BSTOP ? "fstop" : "bstop",
				     l->kind == CONF_BSTOP ? fstop : bstop);
			else if (larger > floor)
				note(notes, name, l, "floor %d%% (the larger of bstop and fstop, capped "
				     "at the kernel's maximum of %d%%)", floor, FSC_FLOOR_PCT_MAX);
			else
				note(notes, name, l, "floor %d%% (the larger of bstop and fstop: free "
				     "space kept on the backing filesystem)", floor);
			break;
		case CONF_BRUN:
		case CONF_BCULL:
			note(notes, name, l, "ignored: no data-capacity equivalent (the kernel culls "
			     "to a capacity, not to free space); capacity %s",
			     r->lim.has_capacity ? "comes from the command line" :
			     "stays unlimited unless given on the command line");
			break;
		case CONF_FRUN:
		case CONF_FCULL:
			note(notes, name, l, "ignored: the kernel does not cull to keep files free; "
			     "only fstop counts, toward the floor");
			break;
		case CONF_SECCTX:
			note(notes, name, l, "ignored: fscache-iter has no security context setting");
			break;
		case CONF_CULLTABLE:
			note(notes, name, l, "ignored: the in-kernel culler needs no cull table");
			break;
		case CONF_NOCULL:
			note(notes, name, l, "ignored: culling runs in the kernel, and only when the "
			     "capacity or the floor is exceeded");
			break;
		case CONF_DEBUG:
			note(notes, name, l, "ignored: use the fscache and cachefiles tracepoints");
			break;
		case CONF_NR_KINDS:
			break;
		}
	}
	conf_free(&c);
	return 0;
}

/* A size as the command line takes it: the largest binary suffix that keeps it exact. */
static void size_arg(FILE *f, uint64_t v)
{
	static const char suffixes[] = "KMGTPE";
	int i = -1;

	while (v && !(v & 1023) && i + 1 < (int)sizeof(suffixes) - 1) {
		v >>= 10;
		i++;
	}
	fprintf(f, "%llu", (unsigned long long)v);
	if (i >= 0)
		fputc(suffixes[i], f);
}

/* fsc_bind_line - the "fscachectl cache bind ..." command line equivalent to @r. */
void fsc_bind_line(FILE *f, const struct fsc_bind_req *r)
{
	fputs("fscachectl cache bind ", f);
	fsc_shell_quote(f, r->dir);
	if (r->tag[0]) {
		fputs(" tag ", f);
		fsc_shell_quote(f, r->tag);
	}
	if (r->lim.has_capacity) {
		fputs(" capacity ", f);
		size_arg(f, r->lim.capacity);
	}
	if (r->lim.floor_kind == FSC_FLOOR_PCT) {
		fprintf(f, " floor %u%%", r->lim.floor_pct);
	} else if (r->lim.floor_kind == FSC_FLOOR_BYTES) {
		fputs(" floor ", f);
		size_arg(f, r->lim.floor_bytes);
	}
	if (r->lim.has_high)
		fprintf(f, " high %u", r->lim.high);
	if (r->lim.has_low)
		fprintf(f, " low %u", r->lim.low);
	if (r->owned)
		fputs(" owned", f);
	fputc('\n', f);
}

int fsc_cmd_import(struct fsc_args *a)
{
	const char *file = fsc_arg_next(a);
	struct fsc_bind_req r;
	FILE *in;
	int ret;

	if (fsc_kw(file, "help")) {
		printf("Usage: fscachectl import FILE\n"
		       "Prints the 'fscachectl cache bind' command equivalent to a cachefilesd.conf,\n"
		       "and on stderr what each directive became.\n");
		return FSC_EXIT_OK;
	}
	if (!file)
		return fsc_usage_error(a->object, "import needs a file");
	if (fsc_arg_peek(a))
		return fsc_usage_error(a->object, "unexpected '%s'", fsc_arg_peek(a));
	in = fopen(file, "r");
	if (!in) {
		fprintf(stderr, "%s: %s: %s\n", fsc_progname, file, strerror(errno));
		return FSC_EXIT_USAGE;
	}
	memset(&r, 0, sizeof(r));
	ret = fsc_config_import(in, file, &r, stderr);
	fclose(in);
	if (ret)
		return FSC_EXIT_USAGE;
	if (!r.dir[0]) {
		fprintf(stderr, "%s: %s names no directory\n", fsc_progname, file);
		return FSC_EXIT_USAGE;
	}
	fsc_bind_line(stdout, &r);
	return FSC_EXIT_OK;
}
