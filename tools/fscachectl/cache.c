// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: "cache" commands -- bind (optionally owned, optionally from a cachefilesd.conf),
 * set, show, unbind, cull -- and the short forms "bind" and "limit".
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "fscachectl.h"

/* The tag the kernel gives a cache bound without one. */
#define FSC_DEFAULT_TAG		"CacheFiles"
/* Counters per line in the human form. */
#define FSC_STATS_PER_LINE	3

static void cache_help(void)
{
	printf("Usage: fscachectl cache bind DIR [tag TAG] [capacity SIZE] [floor SIZE|PCT%%]\n"
	       "                             [high PCT] [low PCT] [owned]\n"
	       "       fscachectl cache bind --config FILE [DIR] [tag TAG] [capacity SIZE] ...\n"
	       "       fscachectl cache set tag TAG [capacity SIZE] [floor SIZE|PCT%%] [high PCT]"
	       " [low PCT]\n"
	       "       fscachectl cache show [tag TAG]\n"
	       "       fscachectl cache unbind [tag] TAG [force]\n"
	       "       fscachectl cache cull tag TAG [target SIZE]\n"
	       "       fscachectl cache cull tag TAG volume KEY cookie HEXKEY\n"
	       "       fscachectl bind DIR [tag TAG] [capacity SIZE] ...   (cache bind)\n"
	       "       fscachectl limit TAG SIZE                           (cache set ... capacity)\n"
	       "\n"
	       "SIZE := bytes, or a number (fractions allowed) with K, M, G, T, P or E, binary:\n"
	       "        1G = 1GiB = 1073741824 bytes; capacity 0 means no limit\n"
	       "PCT  := whole percent; floor 0..50%% of the backing filesystem, high and low 1..100\n"
	       "owned:  stay attached; the cache is unbound when this process exits\n"
	       "force:  unbind even while files use the cache (refused otherwise)\n"
	       "cull without a target culls down to the low watermark of the capacity\n");
}

static int tag_arg(struct fsc_args *a, char *tag, const char *val)
{
	int ret = fsc_check_tag(val);

	if (ret == -ENAMETOOLONG)
		return fsc_usage_error(a->object, "tag '%s' is longer than %d characters", val,
				       FSCACHE_TAG_MAX_LEN);
	if (ret)
		return fsc_usage_error(a->object, "empty tag");
	strcpy(tag, val);
	return 0;
}

/* Make a relative directory absolute (the kernel wants an absolute path). */
static int set_dir(struct fsc_args *a, char *dir, const char *val)
{
	char cwd[PATH_MAX];

	if (!*val)
		return fsc_usage_error(a->object, "empty directory");
	if (val[0] == '/' || !realpath(val, dir)) {
		if (val[0] == '/') {
			if (strlen(val) >= PATH_MAX)
				return fsc_usage_error(a->object, "directory name too long");
			strcpy(dir, val);
		} else if (!getcwd(cwd, sizeof(cwd)) ||
			   snprintf(dir, PATH_MAX, "%s/%s", cwd, val) >= PATH_MAX) {
			return fsc_usage_error(a->object, "directory name too long");
		}
	}
	return 0;
}

static bool is_bind_keyword(const char *arg)
{
	static const char *const kws[] = { "tag", "capacity", "floor", "high", "low", "owned" };

	return fsc_kw_index(arg, kws, FSC_ARRAY_SIZE(kws)) >= 0;
}

/*
 * fsc_cache_bind_parse - "DIR [tag T] [capacity SIZE] ..." or "--config FILE [DIR] ...".  With
 * --config, @r->config names the file; the caller merges it (command-line values win).
 */
int fsc_cache_bind_parse(struct fsc_args *a, struct fsc_bind_req *r)
{
	const char *arg;
	bool used;
	int ret;

	memset(r, 0, sizeof(*r));
	arg = fsc_arg_next(a);
	if (!arg)
		return fsc_usage_error(a->object, "bind needs a directory");
	if (fsc_kw(arg, "--config")) {
		r->config = fsc_arg_value(a, "--config");
		if (!r->config)
			return FSC_EXIT_USAGE;
		arg = fsc_arg_peek(a);
		if (arg && !is_bind_keyword(arg)) {
			ret = set_dir(a, r->dir, fsc_arg_next(a));
			if (ret)
				return ret;
		}
	} else {
		if (is_bind_keyword(arg))
			return fsc_usage_error(a->object, "bind needs a directory before '%s'", arg);
		ret = set_dir(a, r->dir, arg);
		if (ret)
			return ret;
	}

	while ((arg = fsc_arg_next(a))) {
		if (fsc_kw(arg, "tag")) {
			const char *val = fsc_arg_value(a, arg);

			if (!val)
				return FSC_EXIT_USAGE;
			ret = tag_arg(a, r->tag, val);
			if (ret)
				return ret;
			continue;
		}
		if (fsc_kw(arg, "owned")) {
			r->owned = true;
			continue;
		}
		ret = fsc_limits_parse_one(a, arg, &r->lim, &used);
		if (ret)
			return ret;
		if (!used)
			return fsc_usage_error(a->object, "unknown keyword '%s'", arg);
	}
	return fsc_limits_check(&r->lim, a->object);
}

void fsc_limits_put(struct nlmsghdr *nlh, const struct fsc_limits *lim)
{
	if (lim->has_capacity)
		mnl_attr_put_u64(nlh, FSCACHE_A_CACHE_CAPACITY, lim->capacity);
	if (lim->floor_kind == FSC_FLOOR_BYTES)
		mnl_attr_put_u64(nlh, FSCACHE_A_CACHE_FLOOR_BYTES, lim->floor_bytes);
	else if (lim->floor_kind == FSC_FLOOR_PCT)
		mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_FLOOR_PCT, lim->floor_pct);
	if (lim->has_high)
		mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_HIGH_WMARK, lim->high);
	if (lim->has_low)
		mnl_attr_put_u8(nlh, FSCACHE_A_CACHE_LOW_WMARK, lim->low);
}

struct nlmsghdr *fsc_cache_bind_msg(void *buf, uint16_t family, const struct fsc_bind_req *r)
{
	struct nlmsghdr *nlh = fsc_msg_start(buf, family, FSCACHE_CMD_CACHE_BIND, 0);

	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_DIR, r->dir);
	if (r->tag[0])
		mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, r->tag);
	fsc_limits_put(nlh, &r->lim);
	if (r->owned)
		mnl_attr_put(nlh, FSCACHE_A_CACHE_OWNED, 0, NULL);
	return nlh;
}

static uint64_t attr_u64(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

/* fsc_stats_print - a nest of counters: a JSON object under @key, or name-value lines. */
void fsc_stats_print(const char *key, const struct nlattr *nest)
{
	const struct nlattr *tb[FSCACHE_A_STAT_MAX + 1];
	unsigned int i, n = 0;

	fsc_parse_stats(nest, tb);
	fsc_json_open_obj(key);
	for (i = 0; i <= FSCACHE_A_STAT_MAX; i++) {
		const char *name = fsc_stat_name(i);

		if (!tb[i] || !name)
			continue;
		if (n % FSC_STATS_PER_LINE == 0)
			fsc_human("%s    ", n ? "\n" : "");
		else
			fsc_human("  ");
		fsc_print_u64(name, NULL, mnl_attr_get_u64(tb[i]));
		fsc_human("%-14s %10llu", name, (unsigned long long)mnl_attr_get_u64(tb[i]));
		n++;
	}
	if (n)
		fsc_human("\n");
	fsc_json_close_obj();
}

/* fsc_cache_print - one cache of a CACHE_GET reply. */
void fsc_cache_print(const struct nlattr **tb)
{
	uint64_t cap = attr_u64(tb[FSCACHE_A_CACHE_CAPACITY]);
	uint64_t usage = attr_u64(tb[FSCACHE_A_CACHE_USAGE]);
	char a[32], b[32];

	fsc_json_open_obj(NULL);
	fsc_print_str("tag", "cache %s", tb[FSCACHE_A_CACHE_TAG] ?
		      mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]) : "?");
	if (tb[FSCACHE_A_CACHE_STATE]) {
		unsigned int st = mnl_attr_get_u8(tb[FSCACHE_A_CACHE_STATE]);
		const char *name = fsc_cache_state_name(st);

		snprintf(a, sizeof(a), "unknown_%u", st);
		fsc_print_str("state", "  %s", name ? name : a);
	}
	fsc_print_bool("owned", "  owned", tb[FSCACHE_A_CACHE_OWNED]);
	fsc_human("\n");
	if (tb[FSCACHE_A_CACHE_DIR])
		fsc_print_str("dir", "    dir %s\n", mnl_attr_get_str(tb[FSCACHE_A_CACHE_DIR]));

	fsc_human("    usage");
	if (tb[FSCACHE_A_CACHE_USAGE]) {
		fsc_print_size("usage", " %s", usage);
		if (cap)
			fsc_human(" of %s (%s)", fsc_fmt_size(a, sizeof(a), cap),
				  fsc_fmt_pct(b, sizeof(b), usage, cap));
	}
	if (tb[FSCACHE_A_CACHE_IN_USE])
		fsc_print_size("in_use", "  in-use %s",
			       mnl_attr_get_u64(tb[FSCACHE_A_CACHE_IN_USE]));
	if (tb[FSCACHE_A_CACHE_OBJECTS])
		fsc_print_u64("objects", "  objects %llu",
			      mnl_attr_get_u64(tb[FSCACHE_A_CACHE_OBJECTS]));
	fsc_human("\n    limits");
	if (tb[FSCACHE_A_CACHE_CAPACITY]) {
		fsc_print_u64("capacity", NULL, cap);
		if (cap)
			fsc_human("  capacity %s", fsc_fmt_size(a, sizeof(a), cap));
		else
			fsc_human("  capacity unlimited");
	}
	if (tb[FSCACHE_A_CACHE_HIGH_WMARK])
		fsc_print_u64("high_wmark", "  high %llu%%",
			      mnl_attr_get_u8(tb[FSCACHE_A_CACHE_HIGH_WMARK]));
	if (tb[FSCACHE_A_CACHE_LOW_WMARK])
		fsc_print_u64("low_wmark", "  low %llu%%",
			      mnl_attr_get_u8(tb[FSCACHE_A_CACHE_LOW_WMARK]));
	/* A floor set as a percentage comes with what it is in bytes today. */
	if (tb[FSCACHE_A_CACHE_FLOOR_PCT])
		fsc_print_u64("floor_pct", "  floor %llu%%",
			      mnl_attr_get_u8(tb[FSCACHE_A_CACHE_FLOOR_PCT]));
	if (tb[FSCACHE_A_CACHE_FLOOR_BYTES])
		fsc_print_size("floor_bytes", tb[FSCACHE_A_CACHE_FLOOR_PCT] ? " (%s)" : "  floor %s",
			       mnl_attr_get_u64(tb[FSCACHE_A_CACHE_FLOOR_BYTES]));
	fsc_human("\n    backing-fs");
	if (tb[FSCACHE_A_CACHE_FS_SIZE])
		fsc_print_size("fs_size", "  size %s", attr_u64(tb[FSCACHE_A_CACHE_FS_SIZE]));
	if (tb[FSCACHE_A_CACHE_FS_FREE]) {
		fsc_print_size("fs_free", "  free %s", attr_u64(tb[FSCACHE_A_CACHE_FS_FREE]));
		if (tb[FSCACHE_A_CACHE_FS_SIZE])
			fsc_human(" (%s)", fsc_fmt_pct(a, sizeof(a),
						       attr_u64(tb[FSCACHE_A_CACHE_FS_FREE]),
						       attr_u64(tb[FSCACHE_A_CACHE_FS_SIZE])));
	}
	fsc_human("\n");
	if (tb[FSCACHE_A_CACHE_BOUND_AT])
		fsc_print_time("bound_at", "    bound %s\n",
			       mnl_attr_get_u64(tb[FSCACHE_A_CACHE_BOUND_AT]));
	if (tb[FSCACHE_A_CACHE_STATS])
		fsc_stats_print("stats", tb[FSCACHE_A_CACHE_STATS]);
	fsc_json_close_obj();
}

/* Reply callback of CACHE_GET: print the cache; @data counts them. */
int fsc_cache_print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	unsigned int *count = data;

	if (fsc_parse_attrs(nlh, tb))
		return MNL_CB_OK;
	if (count && (*count)++)
		fsc_human("\n");
	fsc_cache_print(tb);
	return MNL_CB_OK;
}

struct fsc_owned {
	const char *tag;
	int exit;
	bool done;
};

static int owned_event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	struct fsc_owned *o = data;
	unsigned int type;

	if (fsc_parse_attrs(nlh, tb) || !tb[FSCACHE_A_EVENT_TYPE] || !tb[FSCACHE_A_CACHE_TAG] ||
	    strcmp(mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]), o->tag))
		return MNL_CB_OK;
	type = mnl_attr_get_u8(tb[FSCACHE_A_EVENT_TYPE]);
	if (type == FSCACHE_EVENT_CACHE_WITHDRAWN) {
		fprintf(stderr, "%s: cache %s was unbound\n", fsc_progname, o->tag);
		o->done = true;
	} else if (type == FSCACHE_EVENT_IO_ERROR) {
		fprintf(stderr, "%s: cache %s was withdrawn after an I/O error", fsc_progname, o->tag);
		if (tb[FSCACHE_A_EVENT_ERRNO])
			fprintf(stderr, ": %s",
				strerror(abs((int32_t)mnl_attr_get_u32(tb[FSCACHE_A_EVENT_ERRNO]))));
		fputc('\n', stderr);
		o->exit = FSC_EXIT_KERNEL;
		o->done = true;
	}
	return o->done ? MNL_CB_STOP : MNL_CB_OK;
}

/*
 * An owned cache lives as long as the socket that bound it: wait for SIGINT, SIGTERM or SIGHUP
 * (then exit, closing the socket, which unbinds), or for an event saying the cache went away.
 * The signals were blocked before the bind so none is lost in between.
 */
static int owned_wait(struct fsc_nl *nl, const sigset_t *sigs, const struct fsc_bind_req *r)
{
	struct fsc_owned o = { .tag = r->tag[0] ? r->tag : FSC_DEFAULT_TAG };
	bool events = !fsc_nl_subscribe(nl);
	struct signalfd_siginfo si;
	int sfd;

	sfd = signalfd(-1, sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "%s: signalfd: %s\n", fsc_progname, strerror(errno));
		return FSC_EXIT_KERNEL;
	}
	fprintf(stderr, "%s: cache %s bound on %s; it stays bound until this process exits (pid %d;"
		" Ctrl-C or SIGTERM unbinds it)\n", fsc_progname, o.tag, r->dir, (int)getpid());
	while (!o.done) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = mnl_socket_get_fd(nl->sock), .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, events ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents) {
			if (read(sfd, &si, sizeof(si)) == sizeof(si))
				fprintf(stderr, "%s: %s: unbinding cache %s\n", fsc_progname,
					strsignal(si.ssi_signo), o.tag);
			break;
		}
		if (!pfd[1].revents)
			continue;
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, FSC_RECV_BUF_SIZE);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			break;
		}
		mnl_cb_run(nl->rbuf, n, 0, 0, owned_event_cb, &o);
	}
	close(sfd);
	return o.exit;
}

static int merge_config(struct fsc_args *a, struct fsc_bind_req *r)
{
	FILE *in = fopen(r->config, "r");
	int ret;

	if (!in) {
		fprintf(stderr, "%s: %s: %s\n", fsc_progname, r->config, strerror(errno));
		return FSC_EXIT_USAGE;
	}
	ret = fsc_config_import(in, r->config, r, stderr);
	fclose(in);
	if (ret)
		return FSC_EXIT_USAGE;
	if (!r->dir[0])
		return fsc_usage_error(a->object, "%s names no directory and none was given",
				       r->config);
	return 0;
}

static int cache_bind(struct fsc_args *a)
{
	char buf[FSC_SEND_BUF_SIZE];
	struct fsc_bind_req r;
	struct fsc_nl nl;
	sigset_t sigs;
	int ret;

	ret = fsc_cache_bind_parse(a, &r);
	if (!ret && r.config)
		ret = merge_config(a, &r);
	if (ret)
		return ret;
	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (r.owned)
		sigprocmask(SIG_BLOCK, &sigs, NULL);
	ret = fsc_nl_request(&nl, fsc_cache_bind_msg(buf, nl.family, &r), NULL, NULL);
	if (ret)
		ret = fsc_nl_error(ret);
	else if (r.owned)
		ret = owned_wait(&nl, &sigs, &r);
	fsc_nl_close(&nl);
	return ret;
}

static int cache_set(struct fsc_args *a, const char *tag, const struct fsc_limits *given)
{
	char buf[FSC_SEND_BUF_SIZE];
	struct fsc_limits lim = {};
	char tagbuf[FSCACHE_TAG_MAX_LEN + 1] = "";
	struct nlmsghdr *nlh;
	const char *arg;
	struct fsc_nl nl;
	bool used;
	int ret;

	if (given) {
		lim = *given;
		ret = tag_arg(a, tagbuf, tag);
		if (ret)
			return ret;
	}
	while (!given && (arg = fsc_arg_next(a))) {
		if (fsc_kw(arg, "tag")) {
			const char *val = fsc_arg_value(a, arg);

			if (!val)
				return FSC_EXIT_USAGE;
			ret = tag_arg(a, tagbuf, val);
			if (ret)
				return ret;
			continue;
		}
		ret = fsc_limits_parse_one(a, arg, &lim, &used);
		if (ret)
			return ret;
		if (!used)
			return fsc_usage_error(a->object, "unknown keyword '%s'", arg);
	}
	if (!tagbuf[0])
		return fsc_usage_error(a->object, "set needs 'tag TAG'");
	if (!lim.has_capacity && lim.floor_kind == FSC_FLOOR_NONE && !lim.has_high && !lim.has_low)
		return fsc_usage_error(a->object, "nothing to set");
	ret = fsc_limits_check(&lim, a->object);
	if (ret)
		return ret;

	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;
	nlh = fsc_msg_start(buf, nl.family, FSCACHE_CMD_CACHE_SET, 0);
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, tagbuf);
	fsc_limits_put(nlh, &lim);
	ret = fsc_nl_request(&nl, nlh, NULL, NULL);
	fsc_nl_close(&nl);
	return ret ? fsc_nl_error(ret) : FSC_EXIT_OK;
}

static int cache_show(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1] = "";
	unsigned int count = 0;
	const char *arg;
	int ret;

	while ((arg = fsc_arg_next(a))) {
		if (!fsc_kw(arg, "tag"))
			return fsc_usage_error(a->object, "unknown keyword '%s'", arg);
		arg = fsc_arg_value(a, "tag");
		if (!arg)
			return FSC_EXIT_USAGE;
		ret = tag_arg(a, tag, arg);
		if (ret)
			return ret;
	}
	/* One cache is a doit, all of them a dump; both print as a list. */
	ret = fsc_list(FSCACHE_CMD_CACHE_GET, tag[0] ? 0 : NLM_F_DUMP, tag, NULL,
		       fsc_cache_print_msg, &count);
	if (!ret && !count)
		fsc_human("no cache is bound\n");
	return ret;
}

/* fsc_cache_unbind_parse - "[tag] TAG [force]". */
int fsc_cache_unbind_parse(struct fsc_args *a, char *tag, bool *force)
{
	const char *arg = fsc_arg_next(a);
	int ret;

	*force = false;
	if (fsc_kw(arg, "tag"))
		arg = fsc_arg_next(a);
	if (!arg)
		return fsc_usage_error(a->object, "unbind needs a tag");
	ret = tag_arg(a, tag, arg);
	if (ret)
		return ret;
	arg = fsc_arg_next(a);
	if (fsc_kw(arg, "force")) {
		*force = true;
		arg = fsc_arg_next(a);
	}
	if (arg)
		return fsc_usage_error(a->object, "unexpected '%s'", arg);
	return 0;
}

/*
 * fsc_cache_unbind_msg - CACHE_UNBIND of @tag; with @force even while files use the cache (the
 * kernel refuses with EBUSY otherwise).
 */
struct nlmsghdr *fsc_cache_unbind_msg(void *buf, uint16_t family, const char *tag, bool force)
{
	struct nlmsghdr *nlh = fsc_msg_start(buf, family, FSCACHE_CMD_CACHE_UNBIND, 0);

	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, tag);
	if (force)
		mnl_attr_put(nlh, FSCACHE_A_CACHE_FORCE, 0, NULL);
	return nlh;
}

static int cache_unbind(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	char buf[FSC_SEND_BUF_SIZE];
	struct fsc_nl nl;
	bool force;
	int ret;

	ret = fsc_cache_unbind_parse(a, tag, &force);
	if (ret)
		return ret;
	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;
	ret = fsc_nl_request(&nl, fsc_cache_unbind_msg(buf, nl.family, tag, force), NULL, NULL);
	fsc_nl_close(&nl);
	return ret ? fsc_nl_error(ret) : FSC_EXIT_OK;
}

struct fsc_cull_default {
	bool found;
	uint64_t capacity;
	uint8_t low;
};

static int cull_default_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	struct fsc_cull_default *d = data;

	if (fsc_parse_attrs(nlh, tb) || !tb[FSCACHE_A_CACHE_CAPACITY] ||
	    !tb[FSCACHE_A_CACHE_LOW_WMARK])
		return MNL_CB_OK;
	d->found = true;
	d->capacity = mnl_attr_get_u64(tb[FSCACHE_A_CACHE_CAPACITY]);
	d->low = mnl_attr_get_u8(tb[FSCACHE_A_CACHE_LOW_WMARK]);
	return MNL_CB_OK;
}

static int cache_cull(struct fsc_args *a)
{
	char tag[FSCACHE_TAG_MAX_LEN + 1] = "";
	const char *volume = NULL, *cookie = NULL;
	uint8_t key[FSC_KEY_MAX];
	char buf[FSC_SEND_BUF_SIZE];
	bool has_target = false;
	uint64_t target = 0;
	struct nlmsghdr *nlh;
	size_t keylen = 0;
	const char *arg;
	struct fsc_nl nl;
	int ret;

	while ((arg = fsc_arg_next(a))) {
		const char *val;

		if (!fsc_kw(arg, "tag") && !fsc_kw(arg, "target") && !fsc_kw(arg, "volume") &&
		    !fsc_kw(arg, "cookie"))
			return fsc_usage_error(a->object, "unknown keyword '%s'", arg);
		val = fsc_arg_value(a, arg);
		if (!val)
			return FSC_EXIT_USAGE;
		if (fsc_kw(arg, "tag")) {
			ret = tag_arg(a, tag, val);
			if (ret)
				return ret;
		} else if (fsc_kw(arg, "target")) {
			ret = fsc_parse_size(val, &target);
			if (ret)
				return fsc_size_error(a->object, arg, val, ret);
			has_target = true;
		} else if (fsc_kw(arg, "volume")) {
			volume = val;
		} else {
			ret = fsc_parse_hex(val, key, sizeof(key), &keylen);
			if (ret)
				return fsc_usage_error(a->object, "invalid cookie key '%s' (%s)", val,
						       ret == -E2BIG ? "too long" : "hex digits");
			cookie = val;
		}
	}
	if (!tag[0])
		return fsc_usage_error(a->object, "cull needs 'tag TAG'");
	if (!volume != !cookie)
		return fsc_usage_error(a->object, "'volume' and 'cookie' go together");
	if (volume && has_target)
		return fsc_usage_error(a->object, "give either a target or one object");

	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;
	if (!volume && !has_target) {
		struct fsc_cull_default d = {};

		nlh = fsc_msg_start(buf, nl.family, FSCACHE_CMD_CACHE_GET, 0);
		mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, tag);
		ret = fsc_nl_request(&nl, nlh, cull_default_cb, &d);
		if (ret) {
			fsc_nl_close(&nl);
			return fsc_nl_error(ret);
		}
		if (!d.found || !d.capacity) {
			fsc_nl_close(&nl);
			return fsc_usage_error(a->object, "cache %s has no capacity; give 'target SIZE'",
					       tag);
		}
		target = (uint64_t)((fsc_u128)d.capacity * d.low / 100);
		has_target = true;
	}
	nlh = fsc_msg_start(buf, nl.family, FSCACHE_CMD_CACHE_CULL, 0);
	mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, tag);
	if (has_target) {
		mnl_attr_put_u64(nlh, FSCACHE_A_CULL_TARGET, target);
	} else {
		mnl_attr_put_strz(nlh, FSCACHE_A_VOLUME_KEY, volume);
		mnl_attr_put(nlh, FSCACHE_A_COOKIE_KEY, keylen, key);
	}
	ret = fsc_nl_request(&nl, nlh, NULL, NULL);
	fsc_nl_close(&nl);
	return ret ? fsc_nl_error(ret) : FSC_EXIT_OK;
}

int fsc_cmd_cache(struct fsc_args *a)
{
	const char *cmd = fsc_arg_next(a);

	if (!cmd || fsc_kw(cmd, "show"))
		return cache_show(a);
	if (fsc_kw(cmd, "help")) {
		cache_help();
		return FSC_EXIT_OK;
	}
	if (fsc_kw(cmd, "bind"))
		return cache_bind(a);
	if (fsc_kw(cmd, "set"))
		return cache_set(a, NULL, NULL);
	if (fsc_kw(cmd, "unbind"))
		return cache_unbind(a);
	if (fsc_kw(cmd, "cull"))
		return cache_cull(a);
	return fsc_usage_error(a->object, "unknown command '%s'", cmd);
}

/* "fscachectl bind DIR ..." is "fscachectl cache bind DIR ...". */
int fsc_cmd_bind(struct fsc_args *a)
{
	if (fsc_kw(fsc_arg_peek(a), "help")) {
		cache_help();
		return FSC_EXIT_OK;
	}
	return cache_bind(a);
}

/* "fscachectl limit TAG SIZE" is "fscachectl cache set tag TAG capacity SIZE". */
int fsc_cmd_limit(struct fsc_args *a)
{
	struct fsc_limits lim = {};
	const char *tag, *size;
	int ret;

	if (fsc_kw(fsc_arg_peek(a), "help")) {
		cache_help();
		return FSC_EXIT_OK;
	}
	tag = fsc_arg_next(a);
	size = fsc_arg_next(a);
	if (!tag || !size)
		return fsc_usage_error(a->object, "limit needs a tag and a size");
	if (fsc_arg_peek(a))
		return fsc_usage_error(a->object, "unexpected '%s'", fsc_arg_peek(a));
	ret = fsc_parse_size(size, &lim.capacity);
	if (ret)
		return fsc_size_error(a->object, "capacity", size, ret);
	lim.has_capacity = true;
	return cache_set(a, tag, &lim);
}
