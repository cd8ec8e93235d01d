/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: the cachefiles backend's tracepoints -- lookups, data I/O submission and completion,
 * content map changes, metadata writes, invalidation, withdrawal, and cache binding.  Objects are named
 * by their cookie's debug id (as in <trace/events/fscache.h>), never by key or path.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM cachefiles_iter

#if !defined(_TRACE_CACHEFILES_ITER_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_CACHEFILES_ITER_H

#include <linux/tracepoint.h>

#ifndef __CACHEFILES_ITER_DECLARE_TRACE_ENUMS_ONCE_ONLY
#define __CACHEFILES_ITER_DECLARE_TRACE_ENUMS_ONCE_ONLY

/* How a lookup ended. */
enum cachefiles_lookup_how {
	cachefiles_trace_lookup_hit,		/* An object with matching metadata was opened */
	cachefiles_trace_lookup_created,	/* There was none: a new, empty object */
	cachefiles_trace_lookup_discarded,	/* Out of date, damaged or unfinished: replaced */
	cachefiles_trace_lookup_failed,	/* The backing filesystem failed us */
};

/* Which data I/O. */
enum cachefiles_io_what {
	cachefiles_trace_io_read,
	cachefiles_trace_io_write,
};

/* What changed in a content map. */
enum cachefiles_map_what {
	cachefiles_trace_map_mark,		/* A completed write made granules present */
	cachefiles_trace_map_unmark,		/* An overwrite made granules absent until it completes */
	cachefiles_trace_map_resize,		/* The object changed size */
};

/* Why an object left its cookie. */
enum cachefiles_withdraw_why {
	cachefiles_trace_withdraw_commit,	/* Closed, metadata written back */
	cachefiles_trace_withdraw_delete,	/* Retired by the netfs or culled: deleted */
};

/* What the culler did with a slot, or with its state. */
enum cachefiles_cull_what {
	cachefiles_trace_cull_insert,		/* An object got its slot tracked and pinned */
	cachefiles_trace_cull_access,		/* A lookup of a tracked object: access and pin */
	cachefiles_trace_cull_unpin,		/* A withdrawn object went back to its queue */
	cachefiles_trace_cull_remove,		/* A deleted object's slot was freed */
	cachefiles_trace_cull_untracked,	/* An object could not be tracked */
	cachefiles_trace_cull_victim,		/* The policy's victim was deleted */
	cachefiles_trace_cull_victim_gone,	/* The victim's file was not there (or not its) */
	cachefiles_trace_cull_reconcile,	/* The walk found an object the policy missed */
	cachefiles_trace_cull_known,		/* The walk found an object the policy knew */
	cachefiles_trace_cull_scan_begin,	/* A walk of the tree began (n: slots tracked) */
	cachefiles_trace_cull_scan_end,		/* ... ended (slot: slots removed, n: tracked) */
	cachefiles_trace_cull_loaded,		/* The log was loaded (slot: records, n: tail) */
	cachefiles_trace_cull_saved,		/* The log was compacted (slot: records, n: flags) */
	cachefiles_trace_cull_log_error,	/* An append to the log failed */
};

/* What happened to a cache. */
enum cachefiles_cache_what {
	cachefiles_trace_cache_bound,
	cachefiles_trace_cache_unbound,
	cachefiles_trace_cache_io_error,
};

#endif

#define cachefiles_lookup_hows					\
	EM(cachefiles_trace_lookup_hit,		"HIT      ")	\
	EM(cachefiles_trace_lookup_created,		"CREATED  ")	\
	EM(cachefiles_trace_lookup_discarded,		"DISCARDED")	\
	E_(cachefiles_trace_lookup_failed,		"FAILED   ")

#define cachefiles_io_whats					\
	EM(cachefiles_trace_io_read,			"READ ")	\
	E_(cachefiles_trace_io_write,			"WRITE")

#define cachefiles_map_whats					\
	EM(cachefiles_trace_map_mark,			"MARK  ")	\
	EM(cachefiles_trace_map_unmark,		"UNMARK")	\
	E_(cachefiles_trace_map_resize,		"RESIZE")

#define cachefiles_withdraw_whys				\
	EM(cachefiles_trace_withdraw_commit,		"COMMIT")	\
	E_(cachefiles_trace_withdraw_delete,		"DELETE")

#define cachefiles_cache_whats					\
	EM(cachefiles_trace_cache_bound,		"BOUND   ")	\
	EM(cachefiles_trace_cache_unbound,		"UNBOUND ")	\
	E_(cachefiles_trace_cache_io_error,		"IO-ERROR")

#undef EM
#undef E_
#define cachefiles_cull_whats					\
	EM(cachefiles_trace_cull_insert,		"INSERT    ")	\
	EM(cachefiles_trace_cull_access,		"ACCESS    ")	\
	EM(cachefiles_trace_cull_unpin,		"UNPIN     ")	\
	EM(cachefiles_trace_cull_remove,		"REMOVE    ")	\
	EM(cachefiles_trace_cull_untracked,		"UNTRACKED ")	\
	EM(cachefiles_trace_cull_victim,		"VICTIM    ")	\
	EM(cachefiles_trace_cull_victim_gone,		"GONE      ")	\
	EM(cachefiles_trace_cull_reconcile,		"RECONCILE ")	\
	EM(cachefiles_trace_cull_known,		"KNOWN     ")	\
	EM(cachefiles_trace_cull_scan_begin,		"SCAN-BEGIN")	\
	EM(cachefiles_trace_cull_scan_end,		"SCAN-END  ")	\
	EM(cachefiles_trace_cull_loaded,		"LOADED    ")	\
	EM(cachefiles_trace_cull_saved,		"SAVED     ")	\
	E_(cachefiles_trace_cull_log_error,		"LOG-ERROR ")

#define EM(a, b) TRACE_DEFINE_ENUM(a);
#define E_(a, b) TRACE_DEFINE_ENUM(a);

cachefiles_lookup_hows;
cachefiles_io_whats;
cachefiles_map_whats;
cachefiles_withdraw_whys;
cachefiles_cache_whats;
cachefiles_cull_whats;

#undef EM
#undef E_
#define EM(a, b)	{ a, b },
#define E_(a, b)	{ a, b }

TRACE_EVENT(cachefiles_iter_lookup,
	    TP_PROTO(unsigned int obj, enum cachefiles_lookup_how how, int error),
	    TP_ARGS(obj, how, error),
	    TP_STRUCT__entry(
		    __field(unsigned int,		obj)
		    __field(enum cachefiles_lookup_how,	how)
		    __field(int,			error)
			     ),
	    TP_fast_assign(
		    __entry->obj	= obj;
		    __entry->how	= how;
		    __entry->error	= error;
			   ),
	    TP_printk("o=%08x %s e=%d", __entry->obj,
		      __print_symbolic(__entry->how, cachefiles_lookup_hows), __entry->error)
	    );

DECLARE_EVENT_CLASS(cachefiles_iter_io_class,
	    TP_PROTO(unsigned int obj, enum cachefiles_io_what what, loff_t pos, size_t len,
		     long result),
	    TP_ARGS(obj, what, pos, len, result),
	    TP_STRUCT__entry(
		    __field(unsigned int,		obj)
		    __field(enum cachefiles_io_what,	what)
		    __field(loff_t,			pos)
		    __field(size_t,			len)
		    __field(long,			result)
			     ),
	    TP_fast_assign(
		    __entry->obj	= obj;
		    __entry->what	= what;
		    __entry->pos	= pos;
		    __entry->len	= len;
		    __entry->result	= result;
			   ),
	    TP_printk("o=%08x %s pos=%llx len=%zx r=%ld", __entry->obj,
		      __print_symbolic(__entry->what, cachefiles_io_whats),
		      __entry->pos, __entry->len, __entry->result)
	    );

/* Data I/O handed to the backing filesystem (result: what the submission returned). */
DEFINE_EVENT(cachefiles_iter_io_class, cachefiles_iter_io_submit,
	     TP_PROTO(unsigned int obj, enum cachefiles_io_what what, loff_t pos, size_t len,
		      long result),
	     TP_ARGS(obj, what, pos, len, result));

/* Data I/O completed (result: bytes or -errno). */
DEFINE_EVENT(cachefiles_iter_io_class, cachefiles_iter_io_done,
	     TP_PROTO(unsigned int obj, enum cachefiles_io_what what, loff_t pos, size_t len,
		      long result),
	     TP_ARGS(obj, what, pos, len, result));

TRACE_EVENT(cachefiles_iter_map,
	    TP_PROTO(unsigned int obj, enum cachefiles_map_what what, loff_t pos, loff_t len,
		     unsigned long nr_set),
	    TP_ARGS(obj, what, pos, len, nr_set),
	    TP_STRUCT__entry(
		    __field(unsigned int,		obj)
		    __field(enum cachefiles_map_what,	what)
		    __field(loff_t,			pos)
		    __field(loff_t,			len)
		    __field(unsigned long,		nr_set)
			     ),
	    TP_fast_assign(
		    __entry->obj	= obj;
		    __entry->what	= what;
		    __entry->pos	= pos;
		    __entry->len	= len;
		    __entry->nr_set	= nr_set;
			   ),
	    TP_printk("o=%08x %s pos=%llx len=%llx present=%lu", __entry->obj,
		      __print_symbolic(__entry->what, cachefiles_map_whats),
		      __entry->pos, __entry->len, __entry->nr_set)
	    );

/* Metadata written (state: enum cachefiles_disk_state). */
TRACE_EVENT(cachefiles_iter_meta,
	    TP_PROTO(unsigned int obj, unsigned int state, size_t map_len, int error),
	    TP_ARGS(obj, state, map_len, error),
	    TP_STRUCT__entry(
		    __field(unsigned int,		obj)
		    __field(unsigned int,		state)
		    __field(size_t,			map_len)
		    __field(int,			error)
			     ),
	    TP_fast_assign(
		    __entry->obj	= obj;
		    __entry->state	= state;
		    __entry->map_len	= map_len;
		    __entry->error	= error;
			   ),
	    TP_printk("o=%08x state=%u map=%zu e=%d", __entry->obj, __entry->state,
		      __entry->map_len, __entry->error)
	    );

TRACE_EVENT(cachefiles_iter_invalidate,
	    TP_PROTO(unsigned int obj, loff_t new_size, int error),
	    TP_ARGS(obj, new_size, error),
	    TP_STRUCT__entry(
		    __field(unsigned int,		obj)
		    __field(loff_t,			new_size)
		    __field(int,			error)
			     ),
	    TP_fast_assign(
		    __entry->obj	= obj;
		    __entry->new_size	= new_size;
		    __entry->error	= error;
			   ),
	    TP_printk("o=%08x size=%llx e=%d", __entry->obj, __entry->new_size, __entry->error)
	    );

TRACE_EVENT(cachefiles_iter_withdraw,
	    TP_PROTO(unsigned int obj, enum cachefiles_withdraw_why why, int error),
	    TP_ARGS(obj, why, error),
	    TP_STRUCT__entry(
		    __field(unsigned int,		obj)
		    __field(enum cachefiles_withdraw_why, why)
		    __field(int,			error)
			     ),
	    TP_fast_assign(
		    __entry->obj	= obj;
		    __entry->why	= why;
		    __entry->error	= error;
			   ),
	    TP_printk("o=%08x %s e=%d", __entry->obj,
		      __print_symbolic(__entry->why, cachefiles_withdraw_whys), __entry->error)
	    );

TRACE_EVENT(cachefiles_iter_cache,
	    TP_PROTO(const char *tag, enum cachefiles_cache_what what, int error),
	    TP_ARGS(tag, what, error),
	    TP_STRUCT__entry(
		    __string(tag,			tag)
		    __field(enum cachefiles_cache_what,	what)
		    __field(int,			error)
			     ),
	    TP_fast_assign(
		    __assign_str(tag, tag);
		    __entry->what	= what;
		    __entry->error	= error;
			   ),
	    TP_printk("%s %s e=%d", __get_str(tag),
		      __print_symbolic(__entry->what, cachefiles_cache_whats), __entry->error)
	    );

TRACE_EVENT(cachefiles_iter_cull,
	    TP_PROTO(const char *tag, enum cachefiles_cull_what what, u32 slot, u64 n, int error),
	    TP_ARGS(tag, what, slot, n, error),
	    TP_STRUCT__entry(
		    __string(tag,			tag)
		    __field(enum cachefiles_cull_what,	what)
		    __field(u32,			slot)
		    __field(u64,			n)
		    __field(int,			error)
			     ),
	    TP_fast_assign(
		    __assign_str(tag, tag);
		    __entry->what	= what;
		    __entry->slot	= slot;
		    __entry->n		= n;
		    __entry->error	= error;
			   ),
	    TP_printk("%s %s s=%u n=%llu e=%d", __get_str(tag),
		      __print_symbolic(__entry->what, cachefiles_cull_whats), __entry->slot,
		      __entry->n, __entry->error)
	    );

#endif /* _TRACE_CACHEFILES_ITER_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
