/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cullsim: the few kernel definitions that fs/cachefiles/cull/policy.c and trace_gen.c use, for a
 * userspace build.  The Makefile makes every <linux/...> and <asm/...> header those files include
 * a one-line file that includes this one.
 */
#ifndef CULLSIM_SHIM_H
#define CULLSIM_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint16_t __le16;
typedef uint32_t __le32;

#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define GFP_KERNEL	0

#ifndef static_assert
#define static_assert(expr, ...)	_Static_assert(expr, #expr)
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define cpu_to_le32(x)	((__le32)(x))
#define le32_to_cpu(x)	((u32)(x))
#else
#define cpu_to_le32(x)	((__le32)__builtin_bswap32(x))
#define le32_to_cpu(x)	((u32)__builtin_bswap32(x))
#endif

#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define DIV_ROUND_UP_ULL(n, d)	DIV_ROUND_UP((unsigned long long)(n), (d))
#define max(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define min(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define clamp_t(t, v, lo, hi)	({ t _v = (v), _lo = (lo), _hi = (hi); _v < _lo ? _lo : _v > _hi ? _hi : _v; })
#define ilog2(n)		(63 - __builtin_clzll((u64)(n)))

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (63 - __builtin_clzl(n));
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline void *kvcalloc(size_t n, size_t size, int gfp)
{
	(void)gfp;
	return calloc(n, size);
}

static inline void *kvmalloc_array(size_t n, size_t size, int gfp)
{
	(void)gfp;
	if (size && n > SIZE_MAX / size)
		return NULL;
	return malloc(n * size);
}

static inline void kvfree(const void *p)
{
	free((void *)p);
}

#endif /* CULLSIM_SHIM_H */
