/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * fscache-iter: the "fscache" generic netlink family.
 *
 * The control plane of the local cache for network filesystems: binding a directory as a cache,
 * changing its limits, listing caches, volumes, cookies and open I/O handles, reading counters,
 * culling on request, and a multicast group of events.  It replaces the /dev/cachefiles text
 * protocol; no daemon is involved.
 *
 * Every message carries attributes of the one flat space enum fscache_a; each command accepts only
 * the attributes listed for it in Documentation/netlink/fscache.rst (and the YAML spec beside it)
 * and rejects any other.  Sizes are in bytes, times in nanoseconds, percentages in whole percent.
 */
#ifndef _UAPI_LINUX_FSCACHE_NL_H
#define _UAPI_LINUX_FSCACHE_NL_H

#define FSCACHE_GENL_NAME		"fscache"
#define FSCACHE_GENL_VERSION		1
#define FSCACHE_GENL_MCGRP_EVENTS	"events"

/* Longest cache tag, without the terminating NUL. */
#define FSCACHE_TAG_MAX_LEN		63

enum fscache_cmd {
	FSCACHE_CMD_UNSPEC,
	FSCACHE_CMD_CACHE_BIND,		/* bind a directory as a cache (admin) */
	FSCACHE_CMD_CACHE_UNBIND,	/* withdraw and unbind a cache (admin) */
	FSCACHE_CMD_CACHE_SET,		/* change a bound cache's limits (admin) */
	FSCACHE_CMD_CACHE_GET,		/* one cache by tag, or dump all */
	FSCACHE_CMD_CACHE_CULL,		/* cull to a target usage, or one object (admin) */
	FSCACHE_CMD_VOLUME_GET,		/* dump volumes, optionally of one cache */
	FSCACHE_CMD_COOKIE_GET,		/* dump cookies, optionally of one cache or volume */
	FSCACHE_CMD_HANDLE_GET,		/* dump open I/O handles (backing files in use) */
	FSCACHE_CMD_STATS_GET,		/* core counters, and each cache's */
	FSCACHE_CMD_EVENT,		/* notification on FSCACHE_GENL_MCGRP_EVENTS */

	__FSCACHE_CMD_CNT,
	FSCACHE_CMD_MAX = (__FSCACHE_CMD_CNT - 1)
};

enum fscache_a {
	FSCACHE_A_UNSPEC,
	FSCACHE_A_PAD,

	/* Caches */
	FSCACHE_A_CACHE_TAG,		/* string, 1..FSCACHE_TAG_MAX_LEN chars */
	FSCACHE_A_CACHE_DIR,		/* string, absolute path of the cache directory */
	FSCACHE_A_CACHE_CAPACITY,	/* u64, bytes of data the cache may hold; 0 = no limit */
	FSCACHE_A_CACHE_FLOOR_BYTES,	/* u64, free space kept on the backing filesystem */
	FSCACHE_A_CACHE_FLOOR_PCT,	/* u8, same as a percentage of the backing fs (0..50) */
	FSCACHE_A_CACHE_HIGH_WMARK,	/* u8, % of capacity at which culling starts */
	FSCACHE_A_CACHE_LOW_WMARK,	/* u8, % of capacity culling brings usage down to */
	FSCACHE_A_CACHE_OWNED,		/* flag: unbind when the binding socket closes */
	FSCACHE_A_CACHE_STATE,		/* u8, enum fscache_cache_nl_state */
	FSCACHE_A_CACHE_USAGE,		/* u64, bytes the cache occupies */
	FSCACHE_A_CACHE_IN_USE,		/* u64, bytes of objects in use (cannot be culled) */
	FSCACHE_A_CACHE_OBJECTS,	/* u64, objects stored */
	FSCACHE_A_CACHE_FS_SIZE,	/* u64, size of the backing filesystem */
	FSCACHE_A_CACHE_FS_FREE,	/* u64, free space on the backing filesystem */
	FSCACHE_A_CACHE_BOUND_AT,	/* u64, CLOCK_REALTIME ns at bind */
	FSCACHE_A_CACHE_STATS,		/* nest of enum fscache_a_stat */

	/* Culling on request */
	FSCACHE_A_CULL_TARGET,		/* u64, cull until usage is at most this */

	/* Volumes */
	FSCACHE_A_VOLUME_ID,		/* u32, debug id */
	FSCACHE_A_VOLUME_KEY,		/* string, the volume key */
	FSCACHE_A_VOLUME_REFS,		/* u32 */
	FSCACHE_A_VOLUME_COOKIES,	/* u32, cookies attached */

	/* Cookies */
	FSCACHE_A_COOKIE_ID,		/* u32, debug id */
	FSCACHE_A_COOKIE_KEY,		/* binary, the index key */
	FSCACHE_A_COOKIE_STATE,		/* u8, enum fscache_cookie_nl_state */
	FSCACHE_A_COOKIE_REFS,		/* u32 */
	FSCACHE_A_COOKIE_USERS,		/* u32, users (files open) */
	FSCACHE_A_COOKIE_ACCESSES,	/* u32, accesses in flight */
	FSCACHE_A_COOKIE_SIZE,		/* u64, object size the netfs gave */
	FSCACHE_A_COOKIE_FLAGS,		/* u32, FSCACHE_COOKIE_NL_F_* */

	/* Open I/O handles */
	FSCACHE_A_HANDLE_PATH,		/* string, backing file relative to the cache directory */
	FSCACHE_A_HANDLE_SIZE,		/* u64, backing file size */
	FSCACHE_A_HANDLE_SINCE,		/* u64, CLOCK_REALTIME ns at open */

	/* Counters */
	FSCACHE_A_STATS,		/* nest of enum fscache_a_stat: the core's counters */

	/* Events */
	FSCACHE_A_EVENT_TYPE,		/* u8, enum fscache_event */
	FSCACHE_A_EVENT_ERRNO,		/* s32, for FSCACHE_EVENT_IO_ERROR */

	FSCACHE_A_CACHE_FORCE,		/* flag: unbind even while files use the cache */

	__FSCACHE_A_CNT,
	FSCACHE_A_MAX = (__FSCACHE_A_CNT - 1)
};

/* Counters, each a u64 inside FSCACHE_A_STATS or FSCACHE_A_CACHE_STATS. */
enum fscache_a_stat {
	FSCACHE_A_STAT_UNSPEC,
	FSCACHE_A_STAT_PAD,

	/* the core (FSCACHE_A_STATS) */
	FSCACHE_A_STAT_COOKIES,		/* cookies that exist */
	FSCACHE_A_STAT_VOLUMES,		/* volumes that exist */
	FSCACHE_A_STAT_ACQUIRES,	/* cookie acquisitions */
	FSCACHE_A_STAT_RELINQUISHES,	/* cookie relinquishments */
	FSCACHE_A_STAT_INVALIDATES,	/* cookie invalidations */
	FSCACHE_A_STAT_RESIZES,		/* cookie resizes */
	FSCACHE_A_STAT_LRU_EXPIRED,	/* backing objects closed by the LRU */
	FSCACHE_A_STAT_READS,		/* read operations sent to a cache */
	FSCACHE_A_STAT_WRITES,		/* write operations sent to a cache */

	/* each cache (FSCACHE_A_CACHE_STATS) */
	FSCACHE_A_STAT_LOOKUPS,		/* object lookups */
	FSCACHE_A_STAT_HITS,		/* reads fully served from the cache */
	FSCACHE_A_STAT_PARTIAL_HITS,	/* reads of which part was cached */
	FSCACHE_A_STAT_MISSES,		/* reads of which nothing was cached */
	FSCACHE_A_STAT_READ_BYTES,	/* bytes read from the cache */
	FSCACHE_A_STAT_WRITE_BYTES,	/* bytes written to the cache */
	FSCACHE_A_STAT_WRITES_SKIPPED,	/* writes not cached for want of space */
	FSCACHE_A_STAT_IO_ERRORS,	/* backing filesystem I/O errors */
	FSCACHE_A_STAT_CREATES,		/* objects created */
	FSCACHE_A_STAT_CULLS,		/* objects culled */
	FSCACHE_A_STAT_CULL_BYTES,	/* bytes culled */
	FSCACHE_A_STAT_CULL_CPU_NS,	/* CPU time the culler spent */
	FSCACHE_A_STAT_STALE,		/* objects discarded as out of date at lookup */
	FSCACHE_A_STAT_CORRUPT,		/* objects discarded for corrupt metadata */
	FSCACHE_A_STAT_INVALIDATIONS,	/* objects whose content was replaced */

	__FSCACHE_A_STAT_CNT,
	FSCACHE_A_STAT_MAX = (__FSCACHE_A_STAT_CNT - 1)
};

enum fscache_cache_nl_state {
	FSCACHE_CACHE_NL_ACTIVE,	/* bound and caching */
	FSCACHE_CACHE_NL_WITHDRAWING,	/* unbind or error withdrawal in progress */
	FSCACHE_CACHE_NL_FAILED,	/* withdrawn after an I/O error, waiting for unbind */
};

/* The cookie states of the 6.1 core, in its order. */
enum fscache_cookie_nl_state {
	FSCACHE_COOKIE_NL_QUIESCENT,
	FSCACHE_COOKIE_NL_LOOKING_UP,
	FSCACHE_COOKIE_NL_CREATING,
	FSCACHE_COOKIE_NL_ACTIVE,
	FSCACHE_COOKIE_NL_INVALIDATING,
	FSCACHE_COOKIE_NL_FAILED,
	FSCACHE_COOKIE_NL_LRU_DISCARDING,
	FSCACHE_COOKIE_NL_WITHDRAWING,
	FSCACHE_COOKIE_NL_RELINQUISHING,
	FSCACHE_COOKIE_NL_DROPPED,
};

#define FSCACHE_COOKIE_NL_F_ON_LRU	(1U << 0)	/* unused, backing file kept open */
#define FSCACHE_COOKIE_NL_F_HAS_OBJECT	(1U << 1)	/* a cache object is attached */
#define FSCACHE_COOKIE_NL_F_NO_DATA	(1U << 2)	/* the cache holds no data for it yet */
#define FSCACHE_COOKIE_NL_F_RETIRED	(1U << 3)	/* to be deleted when released */

enum fscache_event {
	FSCACHE_EVENT_UNSPEC,
	FSCACHE_EVENT_CACHE_BOUND,	/* a cache was bound */
	FSCACHE_EVENT_CACHE_WITHDRAWN,	/* a cache was withdrawn and unbound */
	FSCACHE_EVENT_IO_ERROR,		/* a backing I/O error withdrew a cache */
	FSCACHE_EVENT_SPACE_LOW,	/* backing fs free space fell below the floor */
	FSCACHE_EVENT_CULL_STARTED,	/* the culler started a pass */
	FSCACHE_EVENT_CULL_FINISHED,	/* the culler finished a pass */
	FSCACHE_EVENT_LIMIT_CHANGED,	/* capacity, watermarks or floor changed */
	FSCACHE_EVENT_HIGH_WMARK,	/* usage rose above the high watermark */
	FSCACHE_EVENT_LOW_WMARK,	/* usage fell below the low watermark */

	__FSCACHE_EVENT_CNT,
	FSCACHE_EVENT_MAX = (__FSCACHE_EVENT_CNT - 1)
};

#endif /* _UAPI_LINUX_FSCACHE_NL_H */
