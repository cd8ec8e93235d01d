/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fscachectl: shared declarations.  One section per source file.
 *
 * The program is split so that everything but the socket itself (argument parsing, message
 * building, reply parsing, output) can be exercised by the unit tests in tests/ without a kernel:
 * commands build their request into a caller's buffer and print replies from a parsed attribute
 * table, and all output goes through print.c to a FILE the tests can replace.
 */
#ifndef FSCACHECTL_H
#define FSCACHECTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/fscache_nl.h>

#ifndef FSCACHECTL_VERSION
#define FSCACHECTL_VERSION "0.1"
#endif

/* Exit codes (documented in fscachectl.8). */
#define FSC_EXIT_OK		0
#define FSC_EXIT_USAGE		1
#define FSC_EXIT_KERNEL		2

/* Receive buffer: large enough for one dump batch of the kernel (it fills up to 32 KiB). */
#define FSC_RECV_BUF_SIZE	32768
/* Request buffer: one path of PATH_MAX plus a handful of small attributes. */
#define FSC_SEND_BUF_SIZE	8192
/* Longest cookie key the CLI accepts (the kernel takes 1..255 bytes). */
#define FSC_KEY_MAX		255
/* Longest extack message kept. */
#define FSC_EXTACK_MAX		256
/* Attempts at a dump that the kernel reports as interrupted by a change (NLM_F_DUMP_INTR). */
#define FSC_DUMP_ATTEMPTS	4

#define FSC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#ifndef __printf
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#endif

/* Wide enough for a u64 times a u64 factor: exact percentages and byte fractions. */
typedef unsigned __int128 fsc_u128;

/* parse.c: the argument cursor */
extern const char *fsc_progname;

/*
 * The arguments after OBJECT COMMAND, consumed left to right.  @object names the object for
 * the usage error's pointer to "fscachectl OBJECT help".
 */
struct fsc_args {
	int argc;
	char **argv;
	const char *object;
};

const char *fsc_arg_next(struct fsc_args *a);
const char *fsc_arg_peek(const struct fsc_args *a);
const char *fsc_arg_value(struct fsc_args *a, const char *keyword);
__printf(2, 3) int fsc_usage_error(const char *object, const char *fmt, ...);

/* parse.c: values */
enum fsc_floor_kind {
	FSC_FLOOR_NONE,
	FSC_FLOOR_BYTES,
	FSC_FLOOR_PCT,
};

/* Limits of a cache as given to "cache bind" or "cache set"; has_* say which were given. */
struct fsc_limits {
	bool has_capacity;
	uint64_t capacity;
	enum fsc_floor_kind floor_kind;
	uint64_t floor_bytes;
	uint8_t floor_pct;
	bool has_high;
	uint8_t high;
	bool has_low;
	uint8_t low;
};

int fsc_parse_size(const char *s, uint64_t *out);
int fsc_parse_pct(const char *s, unsigned int min, unsigned int max, uint8_t *out);
int fsc_parse_floor(const char *s, struct fsc_limits *lim);
int fsc_parse_hex(const char *s, uint8_t *buf, size_t size, size_t *len);
bool fsc_kw(const char *arg, const char *keyword);
int fsc_kw_index(const char *arg, const char *const *keywords, size_t n);
int fsc_check_tag(const char *tag);
int fsc_limits_parse_one(struct fsc_args *a, const char *kw, struct fsc_limits *lim, bool *used);
int fsc_limits_check(const struct fsc_limits *lim, const char *object);
int fsc_size_error(const char *object, const char *kw, const char *val, int err);
int fsc_parse_filters(struct fsc_args *a, char *tag, const char **volume);

/* print.c */
struct fsc_out {
	FILE *f;
	bool json;
	bool pretty;
	int depth;
	bool first[16];
};

extern struct fsc_out fsc_out;

void fsc_out_init(FILE *f, bool json, bool pretty);
void fsc_json_escape(FILE *f, const char *s);
void fsc_json_open_obj(const char *key);
void fsc_json_close_obj(void);
void fsc_json_open_arr(const char *key);
void fsc_json_close_arr(void);
void fsc_json_elem_str(const char *s);
__printf(1, 2) void fsc_human(const char *fmt, ...);
void fsc_print_str(const char *key, const char *hfmt, const char *s);
void fsc_print_u64(const char *key, const char *hfmt, uint64_t v);
void fsc_print_s64(const char *key, const char *hfmt, int64_t v);
void fsc_print_size(const char *key, const char *hfmt, uint64_t v);
void fsc_print_time(const char *key, const char *hfmt, uint64_t ns);
void fsc_print_bool(const char *key, const char *hfmt, bool v);
void fsc_print_hex(const char *key, const char *hfmt, const void *data, size_t len);

char *fsc_fmt_size(char *buf, size_t size, uint64_t v);
char *fsc_fmt_pct(char *buf, size_t size, uint64_t part, uint64_t whole);
char *fsc_fmt_time(char *buf, size_t size, uint64_t ns);
char *fsc_fmt_hex(char *buf, size_t size, const void *data, size_t len);
void fsc_shell_quote(FILE *f, const char *s);

const char *fsc_cache_state_name(unsigned int state);
const char *fsc_cookie_state_name(unsigned int state);
const char *fsc_event_name(unsigned int event);
const char *fsc_stat_name(unsigned int stat);
const char *fsc_attr_name(unsigned int attr);
const char *fsc_cookie_flag_name(unsigned int bit);
#define FSC_COOKIE_FLAG_BITS	4

/* nl.c */
struct fsc_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t version;
	uint32_t events_group;		/* 0: the family has no events group */
	uint32_t portid;
	uint32_t seq;
	const struct nlmsghdr *req;	/* the request in flight, to resolve extack offsets */
	bool dump_intr;			/* a reply carried NLM_F_DUMP_INTR */
	char *rbuf;
};

/* What the kernel said besides the error number (extended ack). */
struct fsc_ext {
	char msg[FSC_EXTACK_MAX];
	int attr;			/* attribute the error points at, or -1 */
	int miss_attr;			/* missing attribute, or -1 */
};

typedef int (*fsc_msg_cb)(const struct nlmsghdr *nlh, void *data);

extern struct fsc_ext fsc_last_ext;

struct nlmsghdr *fsc_msg_start(void *buf, uint16_t family, uint8_t cmd, uint16_t flags);
int fsc_parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb);
int fsc_parse_stats(const struct nlattr *nest, const struct nlattr **tb);
int fsc_ext_parse(const struct nlmsghdr *nlh, const struct nlmsghdr *req, struct fsc_ext *ext);
int fsc_family_parse(const struct nlmsghdr *nlh, struct fsc_nl *nl);
int fsc_nl_open(struct fsc_nl *nl);
void fsc_nl_close(struct fsc_nl *nl);
int fsc_nl_request(struct fsc_nl *nl, struct nlmsghdr *nlh, fsc_msg_cb cb, void *data);
int fsc_nl_list(struct fsc_nl *nl, struct nlmsghdr *nlh, fsc_msg_cb cb, unsigned int *count);
int fsc_nl_error(int err);
struct nlmsghdr *fsc_filter_msg(void *buf, uint16_t family, uint8_t cmd, uint16_t flags,
				const char *tag, const char *volume);
int fsc_list(uint8_t cmd, uint16_t flags, const char *tag, const char *volume, fsc_msg_cb cb,
	     unsigned int *count);
int fsc_nl_subscribe(struct fsc_nl *nl);

/* cache.c */
struct fsc_bind_req {
	char dir[PATH_MAX];
	char tag[FSCACHE_TAG_MAX_LEN + 1];
	struct fsc_limits lim;
	bool owned;
	const char *config;
};

int fsc_cache_bind_parse(struct fsc_args *a, struct fsc_bind_req *r);
struct nlmsghdr *fsc_cache_bind_msg(void *buf, uint16_t family, const struct fsc_bind_req *r);
void fsc_limits_put(struct nlmsghdr *nlh, const struct fsc_limits *lim);
int fsc_cache_unbind_parse(struct fsc_args *a, char *tag, bool *force);
struct nlmsghdr *fsc_cache_unbind_msg(void *buf, uint16_t family, const char *tag, bool force);
void fsc_cache_print(const struct nlattr **tb);
int fsc_cache_print_msg(const struct nlmsghdr *nlh, void *data);
int fsc_cmd_cache(struct fsc_args *a);
int fsc_cmd_bind(struct fsc_args *a);
int fsc_cmd_limit(struct fsc_args *a);
void fsc_stats_print(const char *key, const struct nlattr *nest);

/* volume.c */
void fsc_volume_print(const struct nlattr **tb);
int fsc_cmd_volume(struct fsc_args *a);

/* cookie.c */
void fsc_cookie_print(const struct nlattr **tb);
int fsc_cmd_cookie(struct fsc_args *a);

/* handle.c */
void fsc_handle_print(const struct nlattr **tb);
int fsc_cmd_handle(struct fsc_args *a);

/* stats.c */
void fsc_stats_reply_print(const struct nlattr **tb);
int fsc_cmd_stats(struct fsc_args *a);

/* monitor.c */
void fsc_event_print(const struct nlattr **tb, uint64_t now_ns);
int fsc_event_print_msg(const struct nlmsghdr *nlh, void *data);
int fsc_cmd_monitor(struct fsc_args *a);

/* config.c */
int fsc_config_import(FILE *in, const char *name, struct fsc_bind_req *r, FILE *notes);
void fsc_bind_line(FILE *f, const struct fsc_bind_req *r);
int fsc_cmd_import(struct fsc_args *a);

#endif /* FSCACHECTL_H */
