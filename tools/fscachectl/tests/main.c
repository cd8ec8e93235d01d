// SPDX-License-Identifier: GPL-2.0
/*
 * fscachectl unit tests: parsing, formatting, cachefilesd.conf import, message building and
 * reply parsing, without a kernel.  TAP on stdout; exit status 1 if anything failed.
 *
 *   fscachectl-test [--debian-conf FILE]    (default /etc/cachefilesd.conf)
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../fscachectl.h"
#include "tap.h"

static unsigned int tap_n, tap_failed;

static bool vtap(bool pass, const char *fmt, va_list ap)
{
	tap_n++;
	printf("%sok %u - ", pass ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!pass)
		tap_failed++;
	return pass;
}

bool tap_ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vtap(pass, fmt, ap);
	va_end(ap);
	return pass;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *line, *nl;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	/* Every line, empty ones too, and a mark where the text lacks its last newline. */
	for (line = msg; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			printf("# %s\\ (no newline at end)\n", line);
			break;
		}
		printf("# %.*s\n", (int)(nl - line), line);
	}
	free(msg);
}

bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	bool pass = got && want && !strcmp(got, want);
	va_list ap;

	va_start(ap, fmt);
	vtap(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_diag("got:\n%s", got ? got : "(null)");
		tap_diag("want:\n%s", want ? want : "(null)");
	}
	return pass;
}

bool tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
	bool pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	vtap(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		tap_diag("got %llu, want %llu", (unsigned long long)got, (unsigned long long)want);
	return pass;
}

bool tap_is_int(long long got, long long want, const char *fmt, ...)
{
	bool pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	vtap(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		tap_diag("got %lld, want %lld", got, want);
	return pass;
}

void tap_capture_out(struct tap_capture *c, bool json, bool pretty)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		abort();
	fsc_out_init(c->f, json, pretty);
}

void tap_capture_err(struct tap_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		abort();
	c->saved = stderr;
	stderr = c->f;
}

/* The captured text; the caller frees it. */
char *tap_capture_end(struct tap_capture *c)
{
	if (c->saved)
		stderr = c->saved;
	else
		fsc_out_init(stdout, false, false);
	fclose(c->f);
	return c->buf;
}

void tap_args(struct fsc_args *a, const char *object, char **argv)
{
	a->argc = 0;
	while (argv[a->argc])
		a->argc++;
	a->argv = argv;
	a->object = object;
}

int main(int argc, char **argv)
{
	const char *debian_conf = "/etc/cachefilesd.conf";

	if (argc == 3 && !strcmp(argv[1], "--debian-conf"))
		debian_conf = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [--debian-conf FILE]\n", argv[0]);
		return 2;
	}
	/* Times are printed in local time: make local time UTC. */
	setenv("TZ", "UTC", 1);
	tzset();

	printf("TAP version 13\n");
	test_parse();
	test_print();
	test_config(debian_conf);
	test_msg();
	printf("1..%u\n", tap_n);
	return tap_failed ? 1 : 0;
}
