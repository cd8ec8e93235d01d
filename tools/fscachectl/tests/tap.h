/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fscachectl unit tests: a small TAP producer and output capture.
 */
#ifndef FSCACHECTL_TAP_H
#define FSCACHECTL_TAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../fscachectl.h"

__printf(2, 3) bool tap_ok(bool pass, const char *fmt, ...);
__printf(3, 4) bool tap_is_str(const char *got, const char *want, const char *fmt, ...);
__printf(3, 4) bool tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...);
__printf(3, 4) bool tap_is_int(long long got, long long want, const char *fmt, ...);
__printf(1, 2) void tap_diag(const char *fmt, ...);

/* Capture of what fscachectl prints (fsc_out) or says on stderr, as a string to compare. */
struct tap_capture {
	char *buf;
	size_t len;
	FILE *f;
	FILE *saved;
};

void tap_capture_out(struct tap_capture *c, bool json, bool pretty);
void tap_capture_err(struct tap_capture *c);
char *tap_capture_end(struct tap_capture *c);

/* Build an argument cursor over a NULL-terminated list of strings. */
struct fsc_args;
void tap_args(struct fsc_args *a, const char *object, char **argv);

void test_parse(void);
void test_print(void);
void test_config(const char *debian_conf);
void test_msg(void);

#endif
