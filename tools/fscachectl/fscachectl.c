// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl: control the fscache-iter local cache over the "fscache" generic netlink family.
 *
 *   fscachectl [-j [-p]] [-V] OBJECT {COMMAND | help} [ARGS]
 *
 * This file holds main(), the global options and the object dispatch; each object's commands live
 * in a file of their own.  Exit status: 0 success, 1 usage error, 2 the
 * kernel (or the netlink socket) refused.
 */
#include <stdlib.h>
#include <string.h>

#include "fscachectl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fscachectl [-j [-p]] [-V] OBJECT {COMMAND | help} [ARGS]\n"
		"       fscachectl bind DIR [tag TAG] [capacity SIZE] ...\n"
		"       fscachectl limit TAG SIZE\n"
		"       fscachectl import FILE\n"
		"\n"
		"OBJECT := { cache | volume | cookie | handle | stats | monitor }\n"
		"  cache    bind, set, show, unbind or cull a cache\n"
		"  volume   show volumes\n"
		"  cookie   show cookies\n"
		"  handle   show open backing files\n"
		"  stats    show counters\n"
		"  monitor  print events as they happen\n"
		"\n"
		"Options:\n"
		"  -j, --json     JSON output (raw integers, snake_case keys)\n"
		"  -p, --pretty   indent the JSON\n"
		"  -V, --version  print the version\n"
		"  -h, --help     this text\n"
		"\n"
		"Exit status: 0 success, 1 usage error, 2 the kernel refused (its reason is printed).\n");
}

static int cmd_help(struct fsc_args *a)
{
	(void)a;
	usage(stdout);
	return FSC_EXIT_OK;
}

struct fsc_object {
	const char *name;
	int (*run)(struct fsc_args *a);
};

static const struct fsc_object fsc_objects[] = {
	{ "cache",	fsc_cmd_cache },
	{ "volume",	fsc_cmd_volume },
	{ "cookie",	fsc_cmd_cookie },
	{ "handle",	fsc_cmd_handle },
	{ "stats",	fsc_cmd_stats },
	{ "monitor",	fsc_cmd_monitor },
	{ "bind",	fsc_cmd_bind },
	{ "limit",	fsc_cmd_limit },
	{ "import",	fsc_cmd_import },
	{ "help",	cmd_help },
};

int main(int argc, char **argv)
{
	bool json = false, pretty = false;
	struct fsc_args a;
	size_t i;
	int n = 1;

	for (; n < argc && argv[n][0] == '-'; n++) {
		const char *opt = argv[n];

		if (!strcmp(opt, "--")) {
			n++;
			break;
		}
		if (!strcmp(opt, "--json"))
			json = true;
		else if (!strcmp(opt, "--pretty"))
			pretty = true;
		else if (!strcmp(opt, "--version"))
			opt = "-V";
		else if (!strcmp(opt, "--help"))
			opt = "-h";
		else if (opt[1] == '-' || !opt[1])
			return fsc_usage_error(NULL, "unknown option '%s'", opt);
		if (opt[1] == '-')
			continue;
		/* Short options may be grouped: -jp. */
		for (opt++; *opt; opt++) {
			switch (*opt) {
			case 'j':
				json = true;
				break;
			case 'p':
				pretty = true;
				break;
			case 'V':
				printf("fscachectl (fscache-iter) %s, netlink family \"%s\" version %u\n",
				       FSCACHECTL_VERSION, FSCACHE_GENL_NAME, FSCACHE_GENL_VERSION);
				return FSC_EXIT_OK;
			case 'h':
				usage(stdout);
				return FSC_EXIT_OK;
			default:
				return fsc_usage_error(NULL, "unknown option '-%c'", *opt);
			}
		}
	}
	if (n >= argc)
		return fsc_usage_error(NULL, "no object given");

	fsc_out_init(stdout, json, pretty);
	a.argc = argc - n - 1;
	a.argv = argv + n + 1;
	a.object = argv[n];
	for (i = 0; i < FSC_ARRAY_SIZE(fsc_objects); i++) {
		if (fsc_kw(argv[n], fsc_objects[i].name)) {
			if (!strcmp(a.object, "bind") || !strcmp(a.object, "limit"))
				a.object = "cache";
			return fsc_objects[i].run(&a);
		}
	}
	return fsc_usage_error(NULL, "unknown object '%s'", argv[n]);
}
