/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: internal definitions of the cachefiles backend.
 *
 * Status: skeleton.  The module loads and registers nothing; binding a directory comes with the
 * backend (backing files, direct I/O, content map) and the netlink control plane.
 */
#ifndef _FS_CACHEFILES_INTERNAL_H
#define _FS_CACHEFILES_INTERNAL_H

#undef pr_fmt
#define pr_fmt(fmt) "cachefiles: " fmt

#include <linux/fscache-cache.h>

#endif /* _FS_CACHEFILES_INTERNAL_H */
