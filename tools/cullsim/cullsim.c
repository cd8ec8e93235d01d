// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cullsim: replay the culler's synthetic trace through the culling policy (fs/cachefiles/cull/,
 * built unchanged in userspace) and through an LRU reference, and print both byte miss ratios at
 * chosen cache sizes.  For exploring the policy's tunables and the trace's shape; the KUnit suite
 * cachefiles_cull_policy runs the default trace at 1, 5 and 10 %.
 */
#include <getopt.h>
#include <stdio.h>

#include "policy.h"
#include "trace_gen.h"

#define MAX_SIZES	16
#define MAX_SEEDS	1000
#define TARGET_RATIO	0.9	/* what the KUnit replay asserts: ours <= 0.9 x LRU's */

static struct cachefiles_cull_trace_params tp;
static struct cachefiles_cull_params pp;
static double sizes[MAX_SIZES] = { 1, 5, 10 };
static int nr_sizes = 3;
static u64 nr_seeds = 1;
static bool check, ghost_main;

/* A numeric option: where it goes, how wide that is, and its largest value. */
struct num_opt {
	const char	*name;
	const char	*help;
	void		*val;
	int		width;		/* bytes */
	u64		max;
};

#define NUM(n, field, m, h)	{ n, h, &(field), sizeof(field), m }

static struct num_opt num_opts[] = {
	NUM("small", pp.small_permille, 999, "small FIFO target, thousandths of capacity"),
	NUM("freq-max", pp.freq_max, 3, "access counter ceiling"),
	NUM("promote", pp.promote_min, 3, "accesses in the small FIFO to move to main"),
	NUM("ghost", pp.ghost_percent, 300, "ghost table ways per slot, percent"),
	NUM("window", pp.ghost_window, 400, "ghost window, percent of main's objects (0: table)"),
	NUM("seed", tp.seed, UINT64_MAX, "trace seed"),
	NUM("seeds", nr_seeds, MAX_SEEDS, "run seeds seed..seed+N-1 and summarise"),
	NUM("objects", tp.nr_objects, UINT32_MAX, "catalogue objects"),
	NUM("alpha", tp.zipf_alpha, 200, "Zipf exponent, hundredths"),
	NUM("median", tp.size_median, UINT32_MAX, "median object size, bytes"),
	NUM("sigma", tp.size_sigma, UINT32_MAX, "sd of log2(size), 256ths"),
	NUM("reads", tp.nr_reads, UINT32_MAX, "catalogue reads"),
	NUM("scan-every", tp.scan_every, UINT32_MAX, "catalogue reads between scans (0: none)"),
	NUM("scan-objects", tp.scan_objects, UINT32_MAX, "objects per scan"),
	NUM("partial", tp.partial_percent, 100, "reads that stop early, percent"),
};

#define NR_NUM_OPTS	(sizeof(num_opts) / sizeof(num_opts[0]))

enum { OPT_CHECK = 256, OPT_GHOST_MAIN, OPT_NUM };

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: cullsim [OPTIONS]\n"
		"  -c, --sizes P,P,...      cache sizes, percent of the trace's footprint\n"
		"      --check              exit 1 unless ours <= %.1f x LRU at every size and seed\n"
		"      --ghost-main         record main's victims in the ghost table too\n",
		TARGET_RATIO);
	for (i = 0; i < NR_NUM_OPTS; i++)
		fprintf(f, "      --%-12s N      %s\n", num_opts[i].name, num_opts[i].help);
	fprintf(f, "Defaults are the KUnit replay's: see the first lines printed.\n");
}

static int parse_num(const struct num_opt *o, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > o->max) {
		fprintf(stderr, "cullsim: --%s: bad number '%s' (0..%llu)\n", o->name, s,
			(unsigned long long)o->max);
		return -1;
	}
	switch (o->width) {
	case 1:
		*(u8 *)o->val = v;
		break;
	case 2:
		*(u16 *)o->val = v;
		break;
	case 4:
		*(u32 *)o->val = v;
		break;
	default:
		*(u64 *)o->val = v;
		break;
	}
	return 0;
}

static int parse_sizes(char *s)
{
	char *tok, *end;

	nr_sizes = 0;
	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		double v = strtod(tok, &end);

		if (end == tok || *end || !(v > 0 && v <= 100) || nr_sizes == MAX_SIZES) {
			fprintf(stderr, "cullsim: bad size list (up to %d percentages)\n", MAX_SIZES);
			return -1;
		}
		sizes[nr_sizes++] = v;
	}
	return nr_sizes ? 0 : -1;
}

static int parse_args(int argc, char **argv)
{
	struct option opts[NR_NUM_OPTS + 5] = {
		{ "sizes", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "ghost-main", no_argument, NULL, OPT_GHOST_MAIN },
		{ "help", no_argument, NULL, 'h' },
	};
	unsigned int i;
	int opt, idx;

	for (i = 0; i < NR_NUM_OPTS; i++)
		opts[4 + i] = (struct option){ num_opts[i].name, required_argument, NULL, OPT_NUM };
	while ((opt = getopt_long(argc, argv, "c:h", opts, &idx)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_sizes(optarg))
				return -1;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_GHOST_MAIN:
			ghost_main = true;
			break;
		case OPT_NUM:
			if (parse_num(&num_opts[idx - 4], optarg))
				return -1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !nr_seeds) {
		usage(stderr);
		return -1;
	}
	pp.ghost_main = ghost_main;
	return 0;
}

static double ratio(const struct cachefiles_cull_replay *r)
{
	return r->req_bytes ? (double)r->miss_bytes / r->req_bytes : 0;
}

/* Replay one seed at every size; add each size's ours/LRU ratio to @sum and @worst. */
static int run_seed(double *sum, double *worst)
{
	struct cachefiles_cull_trace t;
	u64 footprint;
	int i, ret;

	ret = cachefiles_cull_trace_init(&t, &tp);
	if (!ret)
		ret = cachefiles_cull_trace_footprint(&t, &footprint);
	if (ret) {
		fprintf(stderr, "cullsim: trace: %s\n", strerror(-ret));
		return ret;
	}
	printf("trace: seed %#llx, %u objects (alpha %u.%02u, median %u B, sigma %u/256), %u reads,"
	       " %u scans of %u, %u%% partial; %u ids, footprint %.1f MiB\n",
	       (unsigned long long)tp.seed, tp.nr_objects, tp.zipf_alpha / 100,
	       tp.zipf_alpha % 100, tp.size_median, tp.size_sigma, tp.nr_reads, t.nr_scans,
	       tp.scan_objects, tp.partial_percent, t.nr_ids, footprint / 1048576.0);
	printf("%6s %12s %9s %9s %7s %10s %10s %10s %8s\n", "size%", "capacity", "LRU", "ours",
	       "ratio", "ghost-hit", "promote", "reinsert", "slots");
	for (i = 0; i < nr_sizes; i++) {
		u64 cap = footprint * sizes[i] / 100;
		struct cachefiles_cull_replay lru, ours;
		double rl, ro, rel;

		ret = cachefiles_cull_replay_lru(&t, cap, &lru);
		if (!ret)
			ret = cachefiles_cull_replay_policy(&t, &pp, cap, &ours);
		if (ret) {
			fprintf(stderr, "cullsim: replay: %s\n", strerror(-ret));
			break;
		}
		rl = ratio(&lru);
		ro = ratio(&ours);
		rel = rl ? ro / rl : 0;
		sum[i] += rel;
		if (rel > worst[i])
			worst[i] = rel;
		printf("%6.2f %12llu %9.4f %9.4f %7.3f %10llu %10llu %10llu %8u\n", sizes[i],
		       (unsigned long long)cap, rl, ro, rel,
		       (unsigned long long)ours.nr_ghost_hits,
		       (unsigned long long)ours.nr_promotions,
		       (unsigned long long)ours.nr_reinsertions, ours.max_slots);
	}
	cachefiles_cull_trace_destroy(&t);
	return ret;
}

int main(int argc, char **argv)
{
	double sum[MAX_SIZES] = { 0 }, worst[MAX_SIZES] = { 0 };
	bool ok = true;
	u64 first, k;
	int i;

	cachefiles_cull_trace_default(&tp);
	cachefiles_cull_params_default(&pp);
	if (parse_args(argc, argv))
		return 1;
	printf("policy: small %u/1000, freq_max %u, promote %u, ghost %u%% window %u%%%s\n",
	       pp.small_permille, pp.freq_max, pp.promote_min, pp.ghost_percent, pp.ghost_window,
	       pp.ghost_main ? ", ghost-main" : "");
	for (k = 0, first = tp.seed; k < nr_seeds; k++) {
		tp.seed = first + k;
		if (run_seed(sum, worst))
			return 1;
	}
	if (nr_seeds > 1) {
		printf("ours/LRU over %llu seeds:\n%6s %7s %7s\n", (unsigned long long)nr_seeds,
		       "size%", "mean", "worst");
		for (i = 0; i < nr_sizes; i++)
			printf("%6.2f %7.3f %7.3f\n", sizes[i], sum[i] / nr_seeds, worst[i]);
	}
	for (i = 0; i < nr_sizes; i++)
		if (worst[i] > TARGET_RATIO)
			ok = false;
	return check && !ok ? 1 : 0;
}
