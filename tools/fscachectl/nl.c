// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: the netlink side.  Resolves the "fscache" family through nlctrl, sends requests,
 * runs their replies through libmnl's callback loop, and keeps what the kernel said about an
 * error (the extended ack: message, offending attribute, missing attribute) for the one line
 * printed on failure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fscachectl.h"

struct fsc_ext fsc_last_ext;

/* The wire type of every attribute of enum fscache_a a reply may carry. */
static const enum mnl_attr_data_type fsc_attr_types[FSCACHE_A_MAX + 1] = {
	[FSCACHE_A_CACHE_TAG]		= MNL_TYPE_NUL_STRING,
	[FSCACHE_A_CACHE_DIR]		= MNL_TYPE_NUL_STRING,
	[FSCACHE_A_CACHE_CAPACITY]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_FLOOR_BYTES]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_FLOOR_PCT]	= MNL_TYPE_U8,
	[FSCACHE_A_CACHE_HIGH_WMARK]	= MNL_TYPE_U8,
	[FSCACHE_A_CACHE_LOW_WMARK]	= MNL_TYPE_U8,
	[FSCACHE_A_CACHE_OWNED]		= MNL_TYPE_FLAG,
	[FSCACHE_A_CACHE_STATE]		= MNL_TYPE_U8,
	[FSCACHE_A_CACHE_USAGE]		= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_IN_USE]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_OBJECTS]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_FS_SIZE]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_FS_FREE]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_BOUND_AT]	= MNL_TYPE_U64,
	[FSCACHE_A_CACHE_STATS]		= MNL_TYPE_NESTED,
	[FSCACHE_A_CULL_TARGET]		= MNL_TYPE_U64,
	[FSCACHE_A_VOLUME_ID]		= MNL_TYPE_U32,
	[FSCACHE_A_VOLUME_KEY]		= MNL_TYPE_NUL_STRING,
	[FSCACHE_A_VOLUME_REFS]		= MNL_TYPE_U32,
	[FSCACHE_A_VOLUME_COOKIES]	= MNL_TYPE_U32,
	[FSCACHE_A_COOKIE_ID]		= MNL_TYPE_U32,
	[FSCACHE_A_COOKIE_KEY]		= MNL_TYPE_BINARY,
	[FSCACHE_A_COOKIE_STATE]	= MNL_TYPE_U8,
	[FSCACHE_A_COOKIE_REFS]		= MNL_TYPE_U32,
	[FSCACHE_A_COOKIE_USERS]	= MNL_TYPE_U32,
	[FSCACHE_A_COOKIE_ACCESSES]	= MNL_TYPE_U32,
	[FSCACHE_A_COOKIE_SIZE]		= MNL_TYPE_U64,
	[FSCACHE_A_COOKIE_FLAGS]	= MNL_TYPE_U32,
	[FSCACHE_A_HANDLE_PATH]		= MNL_TYPE_NUL_STRING,
	[FSCACHE_A_HANDLE_SIZE]		= MNL_TYPE_U64,
	[FSCACHE_A_HANDLE_SINCE]	= MNL_TYPE_U64,
	[FSCACHE_A_STATS]		= MNL_TYPE_NESTED,
	[FSCACHE_A_EVENT_TYPE]		= MNL_TYPE_U8,
	[FSCACHE_A_EVENT_ERRNO]		= MNL_TYPE_U32,
	[FSCACHE_A_CACHE_FORCE]		= MNL_TYPE_FLAG,
};

/*
 * fsc_msg_start - begin a request of command @cmd to @family in @buf (FSC_SEND_BUF_SIZE bytes).
 * The sequence number and the ACK flag are set when it is sent.
 */
struct nlmsghdr *fsc_msg_start(void *buf, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = FSCACHE_GENL_VERSION;
	return nlh;
}

/*
 * Attributes of a newer kernel are skipped, and so is one of a known type with the wrong size:
 * a reply is shown as far as it can be understood rather than refused.
 */
static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > FSCACHE_A_MAX || fsc_attr_types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, fsc_attr_types[type]) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* fsc_parse_attrs - index the attributes of a reply; @tb has FSCACHE_A_MAX + 1 entries. */
int fsc_parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	memset(tb, 0, sizeof(*tb) * (FSCACHE_A_MAX + 1));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EBADMSG;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, tb);
	return 0;
}

static int stat_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type > FSCACHE_A_STAT_MAX || type == FSCACHE_A_STAT_UNSPEC || type == FSCACHE_A_STAT_PAD)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* fsc_parse_stats - index a nest of counters; @tb has FSCACHE_A_STAT_MAX + 1 entries. */
int fsc_parse_stats(const struct nlattr *nest, const struct nlattr **tb)
{
	memset(tb, 0, sizeof(*tb) * (FSCACHE_A_STAT_MAX + 1));
	mnl_attr_parse_nested(nest, stat_cb, tb);
	return 0;
}

static int ext_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= NLMSGERR_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* The type of the attribute at byte @offs of our request @req, or -1. */
static int req_attr_at(const struct nlmsghdr *req, uint32_t offs)
{
	const struct nlattr *attr;

	if (!req || offs < NLMSG_HDRLEN + GENL_HDRLEN || offs + sizeof(*attr) > req->nlmsg_len)
		return -1;
	attr = (const struct nlattr *)((const char *)req + offs);
	return attr->nla_type & NLA_TYPE_MASK;
}

/*
 * fsc_ext_parse - the error of an NLMSG_ERROR or NLMSG_DONE message (0 or -errno), and in @ext
 * what the extended ack adds.  @req is the request it answers, to name the attribute an
 * NLMSGERR_ATTR_OFFS points at (replies are capped, so the kernel does not echo it).
 */
int fsc_ext_parse(const struct nlmsghdr *nlh, const struct nlmsghdr *req, struct fsc_ext *ext)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	size_t off;
	int error;

	memset(ext, 0, sizeof(*ext));
	ext->attr = -1;
	ext->miss_attr = -1;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

		if (len < sizeof(*err))
			return -EBADMSG;
		error = err->error;
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err->msg.nlmsg_len > NLMSG_HDRLEN)
			off += NLMSG_ALIGN(err->msg.nlmsg_len - NLMSG_HDRLEN);
	} else {
		if (len < sizeof(int))
			return 0;
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(int));
		off = sizeof(int);
	}
	if (error > 0)
		error = -error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len)
		return error;

	mnl_attr_parse(nlh, off, ext_cb, tb);
	if (tb[NLMSGERR_ATTR_MSG] && !mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING))
		snprintf(ext->msg, sizeof(ext->msg), "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] && !mnl_attr_validate(tb[NLMSGERR_ATTR_OFFS], MNL_TYPE_U32))
		ext->attr = req_attr_at(req, mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    !mnl_attr_validate(tb[NLMSGERR_ATTR_MISS_TYPE], MNL_TYPE_U32))
		ext->miss_attr = mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	return error;
}

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= CTRL_ATTR_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* fsc_family_parse - take the family id, version and events group from a CTRL_CMD_NEWFAMILY. */
int fsc_family_parse(const struct nlmsghdr *nlh, struct fsc_nl *nl)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	const struct nlattr *grp;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb, tb);
	if (!tb[CTRL_ATTR_FAMILY_ID] || mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16))
		return -EBADMSG;
	nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION] && !mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32))
		nl->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *gtb[CTRL_ATTR_MAX + 1] = {};

		mnl_attr_parse_nested(grp, ctrl_attr_cb, gtb);
		if (!gtb[CTRL_ATTR_MCAST_GRP_NAME] || !gtb[CTRL_ATTR_MCAST_GRP_ID] ||
		    mnl_attr_validate(gtb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) ||
		    mnl_attr_validate(gtb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32))
			continue;
		if (!strcmp(mnl_attr_get_str(gtb[CTRL_ATTR_MCAST_GRP_NAME]),
			    FSCACHE_GENL_MCGRP_EVENTS))
			nl->events_group = mnl_attr_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return fsc_family_parse(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

struct fsc_run {
	struct fsc_nl *nl;
	fsc_msg_cb cb;
	void *data;
	int err;
};

static int run_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fsc_run *run = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		run->nl->dump_intr = true;
	if (!run->cb)
		return MNL_CB_OK;
	if (run->cb(nlh, run->data) == MNL_CB_ERROR) {
		run->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int run_end_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fsc_run *run = data;

	run->err = fsc_ext_parse(nlh, run->nl->req, &fsc_last_ext);
	if (run->err) {
		errno = -run->err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/*
 * fsc_nl_request - send @nlh and pass each reply to @cb until the ack (a doit) or NLMSG_DONE (a
 * dump).  Returns 0 or -errno; on a kernel error fsc_last_ext holds the extended ack.
 */
int fsc_nl_request(struct fsc_nl *nl, struct nlmsghdr *nlh, fsc_msg_cb cb, void *data)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR]	= run_end_cb,
		[NLMSG_DONE]	= run_end_cb,
	};
	struct fsc_run run = { .nl = nl, .cb = cb, .data = data };
	ssize_t n;
	int ret;

	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	nl->req = nlh;
	nl->dump_intr = false;
	memset(&fsc_last_ext, 0, sizeof(fsc_last_ext));
	fsc_last_ext.attr = -1;
	fsc_last_ext.miss_attr = -1;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, FSC_RECV_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		ret = mnl_cb_run2(nl->rbuf, n, nlh->nlmsg_seq, nl->portid, run_data_cb, &run,
				  ctl, FSC_ARRAY_SIZE(ctl));
		if (ret == MNL_CB_ERROR)
			return run.err ? run.err : -errno;
		if (ret == MNL_CB_STOP)
			break;
	}
	if (fsc_last_ext.msg[0])
		fprintf(stderr, "%s: note: %s\n", fsc_progname, fsc_last_ext.msg);
	return 0;
}

/*
 * fsc_nl_list - run a request (a dump, or a doit answering with one message) whose @cb prints
 * each reply, as one JSON array or as lines; @count is the callbacks' data and counts records.
 * The output is held back until the dump is complete; a dump the kernel marks as interrupted by
 * a change of the set is run again, up to FSC_DUMP_ATTEMPTS times, then shown with a warning.
 */
int fsc_nl_list(struct fsc_nl *nl, struct nlmsghdr *nlh, fsc_msg_cb cb, unsigned int *count)
{
	FILE *real = fsc_out.f ? fsc_out.f : stdout;
	int attempt, ret = 0;

	for (attempt = 1; attempt <= FSC_DUMP_ATTEMPTS; attempt++) {
		char *mem = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&mem, &len);

		if (!m)
			return -errno;
		fsc_out.f = m;
		fsc_out.depth = 0;
		*count = 0;
		fsc_json_open_arr(NULL);
		ret = fsc_nl_request(nl, nlh, cb, count);
		fsc_json_close_arr();
		fclose(m);
		fsc_out.f = real;
		if (!ret && (!nl->dump_intr || attempt == FSC_DUMP_ATTEMPTS)) {
			fwrite(mem, 1, len, real);
			fflush(real);
		}
		free(mem);
		if (ret || !nl->dump_intr)
			return ret;
	}
	fprintf(stderr, "%s: warning: the list kept changing while it was read; it may be "
		"inconsistent\n", fsc_progname);
	return 0;
}

/* fsc_nl_error - say what went wrong in one line; returns the exit code of a kernel error. */
int fsc_nl_error(int err)
{
	const struct fsc_ext *ext = &fsc_last_ext;
	const char *name;

	fprintf(stderr, "%s: %s", fsc_progname, strerror(-err));
	if (ext->msg[0])
		fprintf(stderr, ": %s", ext->msg);
	else if (err == -EPERM)
		fprintf(stderr, ": this command needs CAP_SYS_ADMIN");
	if (ext->attr >= 0) {
		name = fsc_attr_name(ext->attr);
		if (name)
			fprintf(stderr, " (attribute %s)", name);
		else
			fprintf(stderr, " (attribute %d)", ext->attr);
	}
	if (ext->miss_attr >= 0) {
		name = fsc_attr_name(ext->miss_attr);
		if (name)
			fprintf(stderr, " (missing %s)", name);
		else
			fprintf(stderr, " (missing attribute %d)", ext->miss_attr);
	}
	fputc('\n', stderr);
	return FSC_EXIT_KERNEL;
}

/*
 * fsc_nl_open - open a socket and resolve the family.  Asking nlctrl for a missing family makes
 * the kernel try to load its module (cachefiles declares the alias).  Prints what went wrong and
 * returns -errno on failure.
 */
int fsc_nl_open(struct fsc_nl *nl)
{
	char buf[FSC_SEND_BUF_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->rbuf = malloc(FSC_RECV_BUF_SIZE);
	if (!nl->rbuf) {
		fprintf(stderr, "%s: out of memory\n", fsc_progname);
		return -ENOMEM;
	}
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		fprintf(stderr, "%s: cannot open a generic netlink socket: %s\n", fsc_progname,
			strerror(errno));
		fsc_nl_close(nl);
		return ret;
	}
	/* Both are best effort: without them errors are still reported, just more tersely. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 0;

	nlh = fsc_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FSCACHE_GENL_NAME);
	ret = fsc_nl_request(nl, nlh, family_cb, nl);
	nl->req = NULL;
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: the kernel has no \"%s\" netlink family: is the cachefiles module "
			"of fscache-iter loaded? (modprobe cachefiles)\n", fsc_progname,
			FSCACHE_GENL_NAME);
	} else if (ret) {
		fsc_nl_error(ret);
	} else if (!nl->family) {
		fprintf(stderr, "%s: nlctrl gave no id for the \"%s\" family\n", fsc_progname,
			FSCACHE_GENL_NAME);
		ret = -EBADMSG;
	}
	if (ret) {
		fsc_nl_close(nl);
		return ret;
	}
	if (nl->version != FSCACHE_GENL_VERSION)
		fprintf(stderr, "%s: note: the kernel speaks version %u of the family, this tool "
			"version %u\n", fsc_progname, nl->version, FSCACHE_GENL_VERSION);
	return 0;
}

void fsc_nl_close(struct fsc_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
	free(nl->rbuf);
	nl->rbuf = NULL;
}

/* fsc_nl_subscribe - join the events group on @nl's socket. */
int fsc_nl_subscribe(struct fsc_nl *nl)
{
	unsigned int group = nl->events_group;

	if (!group)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

/*
 * fsc_filter_msg - a listing request: @cmd with the CACHE_TAG and VOLUME_KEY filters that are
 * given (non-empty), as a dump if @flags has NLM_F_DUMP.
 */
struct nlmsghdr *fsc_filter_msg(void *buf, uint16_t family, uint8_t cmd, uint16_t flags,
				const char *tag, const char *volume)
{
	struct nlmsghdr *nlh = fsc_msg_start(buf, family, cmd, flags);

	if (tag && *tag)
		mnl_attr_put_strz(nlh, FSCACHE_A_CACHE_TAG, tag);
	if (volume)
		mnl_attr_put_strz(nlh, FSCACHE_A_VOLUME_KEY, volume);
	return nlh;
}

/*
 * fsc_list - the whole of a listing command once its arguments are parsed: open, request,
 * print each reply through @cb, close.  Returns the exit code.  *@count is the number printed.
 */
int fsc_list(uint8_t cmd, uint16_t flags, const char *tag, const char *volume, fsc_msg_cb cb,
	     unsigned int *count)
{
	char buf[FSC_SEND_BUF_SIZE];
	struct fsc_nl nl;
	int ret;

	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;
	ret = fsc_nl_list(&nl, fsc_filter_msg(buf, nl.family, cmd, flags, tag, volume), cb, count);
	fsc_nl_close(&nl);
	return ret ? fsc_nl_error(ret) : FSC_EXIT_OK;
}
