/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: the core's own tracepoints, for what 6.1's fscache events do not show: where a cookie's
 * procedures ran (dispatcher hand-off, the caller, the workqueue) and how lookups ended.  Reference
 * counts, accesses, acquisition, relinquishment, invalidation and resizing use 6.1's public events in
 * <trace/events/fscache.h>.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM fscache_iter

#if !defined(_TRACE_FSCACHE_ITER_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_FSCACHE_ITER_H

#include <linux/tracepoint.h>

#ifndef __FSCACHE_ITER_DECLARE_TRACE_ENUMS_ONCE_ONLY
#define __FSCACHE_ITER_DECLARE_TRACE_ENUMS_ONCE_ONLY

/* Where a cookie's procedures were sent to run. */
enum fscache_dispatch_how {
	fscache_dispatch_to_thread,	/* An idle dispatcher thread took them */
	fscache_dispatch_in_caller,	/* The caller ran them */
	fscache_dispatch_to_wq,	/* Queued on fscache_wq: the caller could not sleep */
};

/* How a lookup procedure ended. */
enum fscache_lookup_result {
	fscache_lookup_ok,		/* The backend attached an object */
	fscache_lookup_failed,		/* The backend failed; retried at the next use */
	fscache_lookup_abandoned,	/* No cache could serve the cookie any more */
};

#endif

#define fscache_dispatch_hows					\
	EM(fscache_dispatch_to_thread,	"THREAD")		\
	EM(fscache_dispatch_in_caller,	"CALLER")		\
	E_(fscache_dispatch_to_wq,	"QUEUED")

#define fscache_lookup_results					\
	EM(fscache_lookup_ok,		"OK       ")		\
	EM(fscache_lookup_failed,	"FAILED   ")		\
	E_(fscache_lookup_abandoned,	"ABANDONED")

/* Export the enums to userspace, then redefine the macros for __print_symbolic. */
#undef EM
#undef E_
#define EM(a, b) TRACE_DEFINE_ENUM(a);
#define E_(a, b) TRACE_DEFINE_ENUM(a);

fscache_dispatch_hows;
fscache_lookup_results;

#undef EM
#undef E_
#define EM(a, b)	{ a, b },
#define E_(a, b)	{ a, b }

TRACE_EVENT(fscache_dispatch,
	    TP_PROTO(unsigned int cookie_debug_id, unsigned long flags, enum fscache_dispatch_how how),
	    TP_ARGS(cookie_debug_id, flags, how),

	    TP_STRUCT__entry(
		    __field(unsigned int,		cookie)
		    __field(unsigned long,		flags)
		    __field(enum fscache_dispatch_how,	how)
			     ),

	    TP_fast_assign(
		    __entry->cookie	= cookie_debug_id;
		    __entry->flags	= flags;
		    __entry->how	= how;
			   ),

	    TP_printk("c=%08x %s fl=%lx",
		      __entry->cookie,
		      __print_symbolic(__entry->how, fscache_dispatch_hows),
		      __entry->flags)
	    );

TRACE_EVENT(fscache_lookup,
	    TP_PROTO(unsigned int cookie_debug_id, unsigned int volume_debug_id,
		     enum fscache_lookup_result result),
	    TP_ARGS(cookie_debug_id, volume_debug_id, result),

	    TP_STRUCT__entry(
		    __field(unsigned int,			cookie)
		    __field(unsigned int,			volume)
		    __field(enum fscache_lookup_result,		result)
			     ),

	    TP_fast_assign(
		    __entry->cookie	= cookie_debug_id;
		    __entry->volume	= volume_debug_id;
		    __entry->result	= result;
			   ),

	    TP_printk("c=%08x V=%08x %s",
		      __entry->cookie, __entry->volume,
		      __print_symbolic(__entry->result, fscache_lookup_results))
	    );

#endif /* _TRACE_FSCACHE_ITER_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
