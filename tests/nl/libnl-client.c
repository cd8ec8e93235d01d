// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-client: a client of the "fscache" generic netlink family written against libnl-genl-3, as
 * integrations in the manner of NetworkManager use it, independent of fscachectl (which uses libmnl).
 *
 *   libnl-client DIR TAG CAPACITY
 *
 * It resolves the family and its "events" group with genl_ctrl_resolve() and genl_ctrl_resolve_grp(),
 * joins the group on a socket of its own, binds DIR as cache TAG, lists the caches (a dump), waits for
 * the CACHE_BOUND event, checks that a second bind is refused with EEXIST and the kernel's message,
 * unbinds, waits for CACHE_WITHDRAWN, lists again, and checks that a second unbind gets ENOENT.
 *
 * Each step prints one line, "step key=value ...", for the test to check; the exit status is 0 if
 * every step went as expected, 1 if one did not, 2 if the client could not start.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fscache_nl.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK			11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK			10
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK			270
#endif

/* How long to wait for an event, in milliseconds. */
#define CLIENT_EVENT_TIMEOUT_MS		30000
/* Longest extended-ack message kept. */
#define CLIENT_MSG_MAX			256

/* What the last request's error callback saw. */
struct client_err {
	int error;			/* 0, or a negative errno */
	char msg[CLIENT_MSG_MAX];	/* NLMSGERR_ATTR_MSG, if any */
};

/* What the listing callback saw. */
struct client_list {
	const char *tag;
	unsigned int caches;		/* caches listed */
	unsigned int found;		/* of them with our tag */
	char dir[4096];
	uint64_t capacity;
	unsigned int state;
};

/* What the event callback saw last. */
struct client_event {
	const char *tag;
	int type;			/* of the last event for our tag; -1 if none */
	uint64_t capacity;
};

static struct nla_policy client_policy[FSCACHE_A_MAX + 1] = {
	[FSCACHE_A_CACHE_TAG]		= { .type = NLA_STRING },
	[FSCACHE_A_CACHE_DIR]		= { .type = NLA_STRING },
	[FSCACHE_A_CACHE_CAPACITY]	= { .type = NLA_U64 },
	[FSCACHE_A_CACHE_STATE]		= { .type = NLA_U8 },
	[FSCACHE_A_EVENT_TYPE]		= { .type = NLA_U8 },
};

static const char *event_name(int type)
{
	switch (type) {
	case FSCACHE_EVENT_CACHE_BOUND:
		return "cache_bound";
	case FSCACHE_EVENT_CACHE_WITHDRAWN:
		return "cache_withdrawn";
	case FSCACHE_EVENT_LIMIT_CHANGED:
		return "limit_changed";
	case -1:
		return "none";
	default:
		return "other";
	}
}

/* NLMSG_ERROR: keep the errno and the extended ack's message. */
static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct client_err *ce = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e);
	int len;

	(void)nla;
	ce->error = e->error;
	ce->msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off), len,
				  NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(ce->msg, sizeof(ce->msg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct client_err *ce = arg;

	(void)msg;
	ce->error = 0;
	return NL_STOP;
}

static int list_cb(struct nl_msg *msg, void *arg)
{
	struct client_list *l = arg;
	struct nlattr *tb[FSCACHE_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, FSCACHE_A_MAX, client_policy) < 0)
		return NL_SKIP;
	l->caches++;
	if (!tb[FSCACHE_A_CACHE_TAG] || strcmp(nla_get_string(tb[FSCACHE_A_CACHE_TAG]), l->tag))
		return NL_OK;
	l->found++;
	if (tb[FSCACHE_A_CACHE_DIR])
		snprintf(l->dir, sizeof(l->dir), "%s", nla_get_string(tb[FSCACHE_A_CACHE_DIR]));
	if (tb[FSCACHE_A_CACHE_CAPACITY])
		l->capacity = nla_get_u64(tb[FSCACHE_A_CACHE_CAPACITY]);
	if (tb[FSCACHE_A_CACHE_STATE])
		l->state = nla_get_u8(tb[FSCACHE_A_CACHE_STATE]);
	return NL_OK;
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct client_event *ev = arg;
	struct nlattr *tb[FSCACHE_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (gh->cmd != FSCACHE_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, FSCACHE_A_MAX, client_policy) < 0)
		return NL_SKIP;
	if (!tb[FSCACHE_A_EVENT_TYPE] || !tb[FSCACHE_A_CACHE_TAG] ||
	    strcmp(nla_get_string(tb[FSCACHE_A_CACHE_TAG]), ev->tag))
		return NL_OK;
	ev->type = nla_get_u8(tb[FSCACHE_A_EVENT_TYPE]);
	ev->capacity = tb[FSCACHE_A_CACHE_CAPACITY] ? nla_get_u64(tb[FSCACHE_A_CACHE_CAPACITY]) : 0;
	return NL_OK;
}

/* Send @msg (freed here) and wait for its ack or error; returns 0 or a negative errno. */
static int request(struct nl_sock *sk, struct nl_msg *msg, struct client_err *ce)
{
	int ret;

	ce->error = -EIO;
	ce->msg[0] = '\0';
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	ret = nl_recvmsgs_default(sk);
	if (ret < 0 && ce->error == 0)
		return -EIO;
	return ce->error;
}

static struct nl_msg *new_msg(int family, int flags, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
				FSCACHE_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int bind_cache(struct nl_sock *sk, int family, const char *dir, const char *tag,
		      uint64_t capacity, struct client_err *ce)
{
	struct nl_msg *msg = new_msg(family, 0, FSCACHE_CMD_CACHE_BIND);

	if (!msg || nla_put_string(msg, FSCACHE_A_CACHE_DIR, dir) < 0 ||
	    nla_put_string(msg, FSCACHE_A_CACHE_TAG, tag) < 0 ||
	    nla_put_u64(msg, FSCACHE_A_CACHE_CAPACITY, capacity) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return request(sk, msg, ce);
}

static int unbind_cache(struct nl_sock *sk, int family, const char *tag, struct client_err *ce)
{
	struct nl_msg *msg = new_msg(family, 0, FSCACHE_CMD_CACHE_UNBIND);

	if (!msg || nla_put_string(msg, FSCACHE_A_CACHE_TAG, tag) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return request(sk, msg, ce);
}

/* Dump the caches into @l; returns 0 or a negative errno. */
static int list_caches(struct nl_sock *sk, int family, struct client_list *l, struct client_err *ce)
{
	struct nl_msg *msg = new_msg(family, NLM_F_DUMP, FSCACHE_CMD_CACHE_GET);
	int ret;

	l->caches = 0;
	l->found = 0;
	l->dir[0] = '\0';
	if (!msg)
		return -ENOMEM;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, list_cb, l);
	ce->error = 0;
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	ret = nl_recvmsgs_default(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	if (ce->error)
		return ce->error;
	return ret < 0 ? -EIO : 0;
}

/* Read events until one of type @want for our tag, or the timeout. */
static bool wait_event(struct nl_sock *esk, struct client_event *ev, int want)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(esk), .events = POLLIN };

	ev->type = -1;
	while (ev->type != want) {
		if (poll(&pfd, 1, CLIENT_EVENT_TIMEOUT_MS) <= 0)
			return false;
		if (nl_recvmsgs_default(esk) < 0)
			return false;
	}
	return true;
}

static struct nl_sock *open_sock(struct client_err *ce)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk)
		return NULL;
	if (genl_connect(sk) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	/* The kernel's reason for a refusal comes in the extended ack. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (ce) {
		nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, err_cb, ce);
		nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, ce);
	}
	return sk;
}

int main(int argc, char **argv)
{
	struct client_err ce = {};
	struct client_list l = {};
	struct client_event ev = {};
	struct nl_sock *sk, *esk;
	const char *dir, *tag;
	uint64_t capacity;
	int family, group, ret;
	bool ok = true;

	if (argc != 4) {
		fprintf(stderr, "usage: %s DIR TAG CAPACITY\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	tag = argv[2];
	capacity = strtoull(argv[3], NULL, 0);
	l.tag = tag;
	ev.tag = tag;

	sk = open_sock(&ce);
	esk = open_sock(NULL);
	if (!sk || !esk) {
		fprintf(stderr, "libnl-client: cannot open generic netlink sockets\n");
		return 2;
	}
	family = genl_ctrl_resolve(sk, FSCACHE_GENL_NAME);
	group = genl_ctrl_resolve_grp(sk, FSCACHE_GENL_NAME, FSCACHE_GENL_MCGRP_EVENTS);
	printf("resolve family=%s group=%s\n", family > 0 ? "ok" : nl_geterror(family),
	       group > 0 ? "ok" : nl_geterror(group));
	if (family <= 0 || group <= 0)
		return 2;

	/* Events come unasked: no sequence numbers to check on that socket. */
	nl_socket_disable_seq_check(esk);
	nl_socket_modify_cb(esk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &ev);
	ret = nl_socket_add_membership(esk, group);
	printf("subscribe ret=%d\n", ret);
	ok &= ret == 0;

	ret = bind_cache(sk, family, dir, tag, capacity, &ce);
	printf("bind ret=%d\n", ret);
	ok &= ret == 0;

	ret = list_caches(sk, family, &l, &ce);
	printf("list ret=%d found=%u dir=%s capacity=%" PRIu64 " state=%u\n", ret, l.found, l.dir,
	       l.capacity, l.state);
	ok &= ret == 0 && l.found == 1 && !strcmp(l.dir, dir) && l.capacity == capacity &&
	      l.state == FSCACHE_CACHE_NL_ACTIVE;

	ok &= wait_event(esk, &ev, FSCACHE_EVENT_CACHE_BOUND);
	printf("event %s capacity=%" PRIu64 "\n", event_name(ev.type), ev.capacity);
	ok &= ev.capacity == capacity;

	ret = bind_cache(sk, family, dir, tag, capacity, &ce);
	printf("bind-again ret=%d msg=%s\n", ret, ce.msg);
	ok &= ret == -EEXIST && ce.msg[0];

	ret = unbind_cache(sk, family, tag, &ce);
	printf("unbind ret=%d\n", ret);
	ok &= ret == 0;

	ok &= wait_event(esk, &ev, FSCACHE_EVENT_CACHE_WITHDRAWN);
	printf("event %s\n", event_name(ev.type));

	ret = list_caches(sk, family, &l, &ce);
	printf("list-after ret=%d found=%u\n", ret, l.found);
	ok &= ret == 0 && l.found == 0;

	ret = unbind_cache(sk, family, tag, &ce);
	printf("unbind-again ret=%d msg=%s\n", ret, ce.msg);
	ok &= ret == -ENOENT && ce.msg[0];

	nl_socket_free(esk);
	nl_socket_free(sk);
	return ok ? 0 : 1;
}
