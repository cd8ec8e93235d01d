// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: "monitor", one line per event of the "events" multicast group: text, or with -j
 * one JSON object per line.  Each line is flushed as it is written, so a pipe sees it at once.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fscachectl.h"

static volatile sig_atomic_t fsc_monitor_stop;

static void monitor_help(void)
{
	printf("Usage: fscachectl monitor\n"
	       "Prints each event (cache bound, withdrawn, I/O error, low space, culling, limit\n"
	       "and watermark changes) as it happens, until interrupted.\n");
}

static void on_signal(int sig)
{
	(void)sig;
	fsc_monitor_stop = 1;
}

/* fsc_event_print - one event; @now_ns is when it was received (CLOCK_REALTIME). */
void fsc_event_print(const struct nlattr **tb, uint64_t now_ns)
{
	char unknown[32];

	fsc_json_open_obj(NULL);
	fsc_print_time("time", "%s", now_ns);
	if (tb[FSCACHE_A_EVENT_TYPE]) {
		unsigned int type = mnl_attr_get_u8(tb[FSCACHE_A_EVENT_TYPE]);
		const char *name = fsc_event_name(type);

		snprintf(unknown, sizeof(unknown), "unknown_%u", type);
		fsc_print_str("event", " %s", name ? name : unknown);
	}
	if (tb[FSCACHE_A_CACHE_TAG])
		fsc_print_str("tag", "  cache %s", mnl_attr_get_str(tb[FSCACHE_A_CACHE_TAG]));
	if (tb[FSCACHE_A_CACHE_CAPACITY]) {
		uint64_t cap = mnl_attr_get_u64(tb[FSCACHE_A_CACHE_CAPACITY]);

		if (cap) {
			fsc_print_size("capacity", "  capacity %s", cap);
		} else {
			fsc_print_u64("capacity", NULL, 0);
			fsc_human("  capacity unlimited");
		}
	}
	if (tb[FSCACHE_A_CACHE_USAGE])
		fsc_print_size("usage", "  usage %s", mnl_attr_get_u64(tb[FSCACHE_A_CACHE_USAGE]));
	if (tb[FSCACHE_A_CACHE_FS_FREE])
		fsc_print_size("fs_free", "  fs-free %s",
			       mnl_attr_get_u64(tb[FSCACHE_A_CACHE_FS_FREE]));
	if (tb[FSCACHE_A_CACHE_HIGH_WMARK])
		fsc_print_u64("high_wmark", "  high %llu%%",
			      mnl_attr_get_u8(tb[FSCACHE_A_CACHE_HIGH_WMARK]));
	if (tb[FSCACHE_A_CACHE_LOW_WMARK])
		fsc_print_u64("low_wmark", "  low %llu%%",
			      mnl_attr_get_u8(tb[FSCACHE_A_CACHE_LOW_WMARK]));
	if (tb[FSCACHE_A_EVENT_ERRNO]) {
		int32_t err = (int32_t)mnl_attr_get_u32(tb[FSCACHE_A_EVENT_ERRNO]);

		fsc_print_s64("errno", NULL, err);
		fsc_human("  error %s", strerror(abs(err)));
	}
	fsc_human("\n");
	fsc_json_close_obj();
	fflush(fsc_out.f ? fsc_out.f : stdout);
}

int fsc_event_print_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[FSCACHE_A_MAX + 1];
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct timespec ts;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) || genl->cmd != FSCACHE_CMD_EVENT ||
	    fsc_parse_attrs(nlh, tb))
		return MNL_CB_OK;
	clock_gettime(CLOCK_REALTIME, &ts);
	fsc_event_print(tb, (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
	return MNL_CB_OK;
}

int fsc_cmd_monitor(struct fsc_args *a)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *arg = fsc_arg_next(a);
	sigset_t sigs, orig;
	struct pollfd pfd;
	struct fsc_nl nl;
	int ret;

	if (fsc_kw(arg, "help")) {
		monitor_help();
		return FSC_EXIT_OK;
	}
	if (arg)
		return fsc_usage_error(a->object, "unexpected '%s'", arg);
	if (fsc_nl_open(&nl))
		return FSC_EXIT_KERNEL;
	ret = fsc_nl_subscribe(&nl);
	if (ret) {
		fprintf(stderr, "%s: cannot join the \"%s\" group: %s\n", fsc_progname,
			FSCACHE_GENL_MCGRP_EVENTS, strerror(-ret));
		fsc_nl_close(&nl);
		return FSC_EXIT_KERNEL;
	}
	/*
	 * The signals stay blocked except inside ppoll(), so one that comes between the check of
	 * the flag and the wait is not lost.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = FSC_EXIT_OK;
	pfd.fd = mnl_socket_get_fd(nl.sock);
	pfd.events = POLLIN;
	while (!fsc_monitor_stop) {
		ssize_t n;

		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", fsc_progname, strerror(errno));
			ret = FSC_EXIT_KERNEL;
			break;
		}
		n = mnl_socket_recvfrom(nl.sock, nl.rbuf, FSC_RECV_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "%s: events were lost (receive buffer full)\n",
					fsc_progname);
				continue;
			}
			fprintf(stderr, "%s: %s\n", fsc_progname, strerror(errno));
			ret = FSC_EXIT_KERNEL;
			break;
		}
		mnl_cb_run(nl.rbuf, n, 0, 0, fsc_event_print_msg, NULL);
	}
	fsc_nl_close(&nl);
	return ret;
}
