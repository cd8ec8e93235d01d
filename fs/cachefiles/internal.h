/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: internal definitions of the cachefiles backend.
 *
 * A cache is a directory of a local filesystem, bound over the "fscache" netlink family and owned by
 * the kernel until it is unbound.  Each fscache volume is a directory in it, each cookie's object a
 * file in a fan-out directory of its volume; data moves by asynchronous direct I/O and which 256 KiB
 * granules hold data is recorded in the object's content map (content_map.c), stored with the object's
 * metadata (meta.c).  Layout and on-disk format: Documentation/filesystems/caching/cachefiles-iter*.rst.
 *
 * struct cachefiles_cache: one per bound directory.
 *	link		on cachefiles_caches, under cachefiles_caches_mutex (netlink commands run under it)
 *	volumes, objects	under ->lock
 *	capacity, floor_bytes, high_wmark, low_wmark	written under cachefiles_caches_mutex, read with
 *			READ_ONCE() by the data path
 *	state		CACHEFILES_CACHE_*, written under cachefiles_caches_mutex or by the I/O error
 *			path with cmpxchg; the data path stops at fscache's own state first
 *	usage, nr_objects, stats	atomics
 *	cull		the culler: see struct cachefiles_culler
 *	The cache is freed by its withdrawal (unbind, socket close for an owned cache, I/O error, module
 *	exit), which runs with cachefiles_caches_mutex held and after fscache has waited for every access.
 *
 * struct cachefiles_volume: one per fscache volume set up in a cache.
 *	link		on cache->volumes, under cache->lock; whoever unlinks it frees it (free_volume or
 *			cache withdrawal), and the two never overlap (fscache_withdraw_volume() waits for
 *			the access free_volume runs under)
 *	fanout[]	set once under ->fanout_lock, then read locklessly (READ_ONCE)
 *
 * struct cachefiles_object: one per looked-up cookie, from ->lookup_cookie() to ->withdraw_cookie().
 *	cookie->cache_priv points at it for that time.  Data I/O runs inside a cookie access, so withdrawal
 *	(which fscache runs with no access left) never overlaps I/O; the checkpoint work is cancelled there.
 *	file		the open backing file; replaced under ->lock by invalidation (I/O in flight keeps its
 *			own reference through cres->cache_priv2)
 *	map, size	under ->lock (a spinlock: I/O completions update the map in interrupt context)
 *	disk_state	the state recorded on disk, under ->meta_mutex
 *	meta_mutex	serialises metadata writes: checkpoints, invalidation, resize, the final commit
 *	cache_link	on cache->objects, under cache->lock
 *
 * struct cachefiles_culler: the culling thread and policy state of one cache (cull/).
 *	thread		set at bind, stopped (kthread_stop) by withdrawal before the objects go
 *	run_mutex	one culling pass at a time (the thread's, a netlink cull); held across I/O
 *	lock		the policy, victims[], alloc_hint, seen, the two state files' contents and the
 *			log's append position; held across the 16-byte log appends and a log
 *			compaction's write, never across other I/O; never taken in interrupt context
 *	victims		slots chosen and being deleted: off the policy, not to be reused or re-tracked
 *			until the deletion is done (waiters sleep on ->space_wait)
 *	log, slots	the open state files; set at bind, put at withdrawal after the objects
 *	rescans		set at bind
 *	complete	set at bind, then by the walk under ->lock
 *
 * Lock order (outermost first):
 *	cachefiles_caches_mutex > culler->run_mutex > object->meta_mutex, culler->lock (never nested) >
 *	backing filesystem locks > cache->lock, object->lock
 */
#ifndef _FS_CACHEFILES_INTERNAL_H
#define _FS_CACHEFILES_INTERNAL_H

#undef pr_fmt
#define pr_fmt(fmt) "cachefiles: " fmt

#include <linux/fscache-cache.h>
#include <linux/netfs.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/workqueue.h>
#include <linux/ratelimit.h>
#include <uapi/linux/fscache_nl.h>
#include <trace/events/fscache.h>
#include <trace/events/cachefiles_iter.h>

#include "content_map.h"
#include "cull/log.h"

struct netlink_ext_ack;

/* Fan-out directories per volume, named by the low byte of the cookie's key hash. */
#define CACHEFILES_FANOUT		256
/* Longest object file name we make; longer keys are hashed, the whole key kept in the metadata. */
#define CACHEFILES_NAME_MAX		200
/* Lookups that found their file culled under them start over at most this often. */
#define CACHEFILES_LOOKUP_RETRIES	3
/* How long an object being filled may go without a checkpoint of its content map. */
#define CACHEFILES_CHECKPOINT_DELAY	(5 * HZ)
/* How long a statfs() of the backing filesystem is trusted by the space check. */
#define CACHEFILES_STATFS_TTL		(HZ / 2)
/* Directory entries read per pass when walking the cache's tree. */
#define CACHEFILES_REAP_BATCH		64
/* Encoded maps up to this size live in the metadata xattr; bigger ones in a side file. */
#define CACHEFILES_MAP_INLINE_MAX	2048
/* Every object costs an inode, a directory entry and its metadata besides its data blocks. */
#define CACHEFILES_OBJECT_OVERHEAD	4096
/* Default limits (percent of capacity) */
#define CACHEFILES_DEFAULT_HIGH_WMARK	95
#define CACHEFILES_DEFAULT_LOW_WMARK	90
#define CACHEFILES_DEFAULT_TAG		"CacheFiles"

/* Names in the cache directory */
#define CACHEFILES_GRAVEYARD		"graveyard"
#define CACHEFILES_VOLUME_PREFIX	'V'	/* V<volume key> */
#define CACHEFILES_FANOUT_PREFIX	'@'	/* @<2 hex digits> */
#define CACHEFILES_OBJ_PRINTABLE	'O'	/* O<key as text> */
#define CACHEFILES_OBJ_HEX		'X'	/* X<key in hex> */
#define CACHEFILES_OBJ_HASHED		'H'	/* H<hash of a long key> */
#define CACHEFILES_MAP_SUFFIX		".map"	/* side file of a big content map */
/*
 * The culler's state (cull/log.h).  Every regular file of ours that is not an object ends in
 * CACHEFILES_MAP_SUFFIX (or that and ".new"), so tools walking a cache can tell objects apart.
 */
#define CACHEFILES_CULL_LOG		"cull-log.map"		/* the culling policy */
#define CACHEFILES_CULL_LOG_NEW		"cull-log.map.new"	/* ... being compacted */
#define CACHEFILES_CULL_SLOTS		"cull-slots.map"	/* where each slot's object is */

/* Extended attributes (trusted.*: only an admin reads them) */
#define CACHEFILES_XATTR_META		"trusted.fscache.meta"
#define CACHEFILES_XATTR_VOLUME		"trusted.fscache.volume"
#define CACHEFILES_XATTR_USAGE		"trusted.fscache.usage"

enum cachefiles_cache_state {
	CACHEFILES_CACHE_ACTIVE,
	CACHEFILES_CACHE_WITHDRAWING,
	CACHEFILES_CACHE_FAILED,
};

/* The per-cache counters, indexed by enum fscache_a_stat. */
#define CACHEFILES_STAT_FIRST		FSCACHE_A_STAT_LOOKUPS
#define CACHEFILES_STAT_LAST		FSCACHE_A_STAT_MAX
#define CACHEFILES_NR_STATS		(CACHEFILES_STAT_LAST - CACHEFILES_STAT_FIRST + 1)

/* I/O on an object after this long without any counts as another access for the culling policy. */
#define CACHEFILES_REUSE_PAUSE		HZ

/* Policy log records held in memory before they are appended (4 KiB). */
#define CACHEFILES_CULL_PENDING		256

/* Victims one culling batch takes from the policy before deleting them. */
#define CACHEFILES_CULL_VICTIM_BATCH	16

struct cachefiles_culler {
	struct task_struct		*thread;
	wait_queue_head_t		wait;		/* the thread sleeps here */
	wait_queue_head_t		space_wait;	/* writers waiting for room, lookups for victims */
	unsigned long			flags;
#define CACHEFILES_CULL_KICK		0	/* look at usage now */
#define CACHEFILES_CULL_STUCK		1	/* the last pass found all that is left in use */
	u64				room;		/* most bytes a waiting writer needs (xchg) */
	struct mutex			run_mutex;
	struct mutex			lock;
	struct cachefiles_cull_policy	policy;
	u32				victims[CACHEFILES_CULL_VICTIM_BATCH];
	unsigned int			nr_victims;
	u64				victims_gen;	/* batches of victims finished */
	u32				alloc_hint;	/* next slot to try */
	unsigned long			*seen;		/* slots the reconciling walk met, or NULL */
	struct file			*log;		/* cull-log.map, appended to */
	struct file			*slots;		/* cull-slots.map */
	loff_t				log_end;	/* where the next record goes */
	u32				log_tail;	/* records appended since compaction */
	unsigned int			nr_pending;	/* records in @pending */
	struct cachefiles_cull_record	pending[CACHEFILES_CULL_PENDING];	/* not yet appended */
	bool				compacting;	/* a new log is being written */
	u32				rescans;	/* walks of the tree since bind (set at bind) */
	bool				complete;	/* the policy knows every object on disk */
};

struct cachefiles_cache {
	struct list_head		link;
	refcount_t			ref;		/* the list's, and a queued error work's */
	struct fscache_cache		*fscache;
	char				tag[FSCACHE_TAG_MAX_LEN + 1];
	char				*dirname;	/* as bound, for reports */
	struct path			root;		/* the cache directory */
	struct dentry			*graveyard;
	const struct cred		*cred;		/* backing fs access is done with these */
	unsigned int			bsize;		/* backing fs block size */
	u32				owner_portid;	/* nonzero: unbind when this socket closes */
	bool				withdrawing;	/* under ->lock: no new objects */
	u64				bound_at;	/* CLOCK_REALTIME ns */
	enum cachefiles_cache_state	state;

	u64				capacity;	/* bytes of data; 0 = unlimited */
	u64				floor_bytes;	/* free space kept on the backing fs */
	u8				floor_pct;	/* ... or as a percentage (used if set) */
	u8				high_wmark;
	u8				low_wmark;

	spinlock_t			lock;
	struct list_head		volumes;
	struct list_head		objects;

	atomic64_t			usage;		/* bytes of backing files (blocks) */
	atomic64_t			nr_objects;
	atomic64_t			stats[CACHEFILES_NR_STATS];

	spinlock_t			statfs_lock;
	unsigned long			statfs_at;	/* jiffies */
	u64				fs_size, fs_free;
	bool				space_low;	/* floor crossed: reported once */

	struct work_struct		reap_work;	/* empties the graveyard */
	struct work_struct		scan_work;	/* recounts usage after an unclean stop */
	struct cachefiles_culler	cull;
	bool				usage_known;	/* usage counted, not estimated */
	struct work_struct		error_work;	/* withdraws after an I/O error */
	struct ratelimit_state		ratelimit;
};

struct cachefiles_volume {
	struct list_head		link;
	struct cachefiles_cache		*cache;
	struct fscache_volume		*vcookie;
	struct dentry			*dentry;	/* V<key> */
	struct mutex			fanout_lock;
	struct dentry			*fanout[CACHEFILES_FANOUT];
};

enum cachefiles_disk_state {
	CACHEFILES_DISK_CLEAN	= 1,	/* closed cleanly: metadata and map exact */
	CACHEFILES_DISK_OPEN	= 2,	/* in use: the map is a checkpoint, data it marks is durable */
	CACHEFILES_DISK_UNSAFE	= 3,	/* in use, and data the map marks may be changing: discard */
};

struct cachefiles_object {
	struct fscache_cookie		*cookie;
	struct cachefiles_volume	*volume;
	unsigned int			debug_id;
	u8				fanout;
	char				*name;		/* the backing file's; kmalloc'd */
	u32				slot;		/* the culler's, or CACHEFILES_CULL_NIL */

	spinlock_t			lock;
	struct file			*file;
	struct cachefiles_map		map;
	unsigned long			flags;
#define CACHEFILES_OBJECT_CHECKPOINT_QUEUED	0
#define CACHEFILES_OBJECT_DIRTY			1	/* metadata differs from the disk's */
#define CACHEFILES_OBJECT_SIDECAR		2	/* the disk map is in a side file */
#define CACHEFILES_OBJECT_CULL			3	/* delete the object at withdrawal */
#define CACHEFILES_OBJECT_WITHDRAW_ASKED	4	/* cache withdrawal asked fscache for it */

	struct mutex			meta_mutex;
	enum cachefiles_disk_state	disk_state;
	u64				charged;	/* bytes counted in cache->usage */

	struct list_head		cache_link;
	u64				opened_at;	/* CLOCK_REALTIME ns */
	unsigned long			last_io;	/* jiffies: the last operation began */
	atomic_t			reuses;		/* operations after a pause (see io.c) */
	struct delayed_work		checkpoint_work;
};

extern struct mutex cachefiles_caches_mutex;
extern struct list_head cachefiles_caches;
extern struct workqueue_struct *cachefiles_wq;
extern struct kmem_cache *cachefiles_object_jar;
extern const struct fscache_cache_ops cachefiles_cache_ops;
extern const struct netfs_cache_ops cachefiles_netfs_ops;

/*
 * Changes to the backing filesystem: freeze protection, then the cache's credentials.  Taken outside
 * object->meta_mutex and inode locks (lock order: sb_writers > meta_mutex).
 */
static inline int cachefiles_begin_change(struct cachefiles_cache *cache, const struct cred **saved)
{
	int ret = mnt_want_write(cache->root.mnt);

	if (ret)
		return ret;
	*saved = override_creds(cache->cred);
	return 0;
}

static inline void cachefiles_end_change(struct cachefiles_cache *cache, const struct cred *saved)
{
	revert_creds(saved);
	mnt_drop_write(cache->root.mnt);
}

/*
 * The bytes a cache occupies.  While it is not known (after an unclean stop, until the walk has
 * counted it), cache->usage holds only the changes since the bind, which may be negative.
 */
static inline u64 cachefiles_cache_usage(struct cachefiles_cache *cache)
{
	s64 usage = atomic64_read(&cache->usage);

	return usage > 0 ? usage : 0;
}

/* The object files a cache holds; like the usage, a sum of changes until it is counted. */
static inline u64 cachefiles_cache_objects(struct cachefiles_cache *cache)
{
	s64 objects = atomic64_read(&cache->nr_objects);

	return objects > 0 ? objects : 0;
}

/* Log about a cache, ratelimited per cache. */
#define cachefiles_warn(cache, fmt, ...)					\
	do {									\
		if (__ratelimit(&(cache)->ratelimit))				\
			pr_warn("%s: " fmt "\n", (cache)->tag, ##__VA_ARGS__);	\
	} while (0)

static inline void cachefiles_stat(struct cachefiles_cache *cache, enum fscache_a_stat stat, s64 n)
{
	atomic64_add(n, &cache->stats[stat - CACHEFILES_STAT_FIRST]);
}

/* What a backing file occupies, as counted in cache->usage. */
static inline u64 cachefiles_file_bytes(struct file *file)
{
	return ((u64)READ_ONCE(file_inode(file)->i_blocks) << SECTOR_SHIFT) +
	       CACHEFILES_OBJECT_OVERHEAD;
}

static inline struct cachefiles_object *cachefiles_cres_object(struct netfs_cache_resources *cres)
{
	return fscache_cres_cookie(cres)->cache_priv;
}

static inline struct file *cachefiles_cres_file(struct netfs_cache_resources *cres)
{
	return cres->cache_priv2;
}

/* cache.c */
struct cachefiles_bind_params {
	const char	*dir;
	const char	*tag;
	u64		capacity;
	u64		floor_bytes;
	u8		floor_pct;
	u8		high_wmark;
	u8		low_wmark;
	u32		owner_portid;
};
int cachefiles_cache_bind(const struct cachefiles_bind_params *params, struct netlink_ext_ack *extack);
void cachefiles_cache_withdraw(struct cachefiles_cache *cache);
struct cachefiles_cache *cachefiles_cache_find(const char *tag);
void cachefiles_cache_io_error(struct cachefiles_cache *cache, int error);
bool cachefiles_cache_has_space(struct cachefiles_cache *cache, u64 bytes);
void cachefiles_cache_statfs(struct cachefiles_cache *cache, bool fresh);
void cachefiles_cache_charge(struct cachefiles_object *object);
void cachefiles_cache_uncharge(struct cachefiles_object *object);
void cachefiles_cache_put(struct cachefiles_cache *cache);
void cachefiles_cache_exit(void);

/* cull/cull.c */
void cachefiles_cull_init(struct cachefiles_cache *cache);
int cachefiles_cull_start(struct cachefiles_cache *cache);
void cachefiles_cull_stop(struct cachefiles_cache *cache);
void cachefiles_cull_check(struct cachefiles_cache *cache);
void cachefiles_cull_recheck(struct cachefiles_cache *cache);
void cachefiles_cull_state_flush(struct cachefiles_cache *cache);
bool cachefiles_cull_wait_for_space(struct cachefiles_cache *cache, u64 bytes);
int cachefiles_cull_to(struct cachefiles_cache *cache, u64 target);
int cachefiles_cull_object(struct cachefiles_cache *cache, const char *volume_dir, const char *name);

/* cull/slots.c */
u64 cachefiles_cull_fingerprint(const char *volume, const u8 *key, unsigned int key_len);
int cachefiles_cull_grow(struct cachefiles_culler *c, u32 want);
int cachefiles_cull_track(struct cachefiles_object *object);
void cachefiles_cull_wait_victims(struct cachefiles_cache *cache);
void cachefiles_cull_untrack(struct cachefiles_object *object, bool deleted, bool log);
void cachefiles_cull_reconcile_begin(struct cachefiles_cache *cache);
void cachefiles_cull_reconcile_file(struct cachefiles_cache *cache, struct dentry *vdir,
				    struct dentry *fdir, struct dentry *file, u64 bytes);
void cachefiles_cull_reconcile_end(struct cachefiles_cache *cache, bool done);

/* cull/state.c */
int cachefiles_cull_state_load(struct cachefiles_cache *cache, bool usage_clean);
void cachefiles_cull_state_save(struct cachefiles_cache *cache);
void cachefiles_cull_state_close(struct cachefiles_cache *cache);
int cachefiles_cull_state_compact(struct cachefiles_cache *cache);
bool cachefiles_cull_state_want_compact(struct cachefiles_cache *cache);
void cachefiles_cull_log_append(struct cachefiles_cache *cache, u32 slot);
void cachefiles_cull_log_tombstone_append(struct cachefiles_cache *cache, u32 slot);
int cachefiles_cull_slot_read(struct cachefiles_cache *cache, u32 slot,
			      struct cachefiles_cull_slot_name *out);
int cachefiles_cull_slot_write(struct cachefiles_cache *cache, u32 slot, u8 fanout,
			       const char *volume, const char *name);

/* volume.c */
char *cachefiles_volume_dirname_of(const u8 *key, unsigned int len);
void cachefiles_volume_acquire(struct fscache_volume *vcookie);
void cachefiles_volume_free(struct fscache_volume *vcookie);
void cachefiles_volumes_withdraw(struct cachefiles_cache *cache);

/* namei.c */
struct dentry *cachefiles_dir_get(struct cachefiles_cache *cache, struct dentry *parent,
				  const char *name);
int cachefiles_object_name(struct cachefiles_object *object);
int cachefiles_key_name(const u8 *key, unsigned int len, char *name, size_t size);
struct file *cachefiles_file_open(struct cachefiles_object *object, bool *created);
struct file *cachefiles_file_tmpfile(struct cachefiles_object *object);
int cachefiles_file_link(struct cachefiles_object *object, struct file *file);
int cachefiles_file_truncate(struct file *file, loff_t size);
int cachefiles_bury(struct cachefiles_cache *cache, struct dentry *dir, const char *name,
		    struct inode *expect);
int cachefiles_bury_unused(struct cachefiles_cache *cache, struct dentry *dir, const char *name,
			   struct inode *expect);
bool cachefiles_inode_mark_in_use(struct inode *inode);
void cachefiles_inode_unmark_in_use(struct inode *inode);
void cachefiles_object_file_put(struct file *file);
void cachefiles_reap(struct work_struct *work);
void cachefiles_scan(struct work_struct *work);

/* meta.c */
int cachefiles_meta_load(struct cachefiles_object *object, struct file *file);
int cachefiles_meta_store(struct cachefiles_object *object, enum cachefiles_disk_state state);
int cachefiles_meta_mark_unsafe(struct cachefiles_object *object);
int cachefiles_meta_peek(struct dentry *dentry, u32 *slot, u8 *key, u8 *key_len);
int cachefiles_meta_set_slot(struct dentry *dir, struct dentry *dentry, u32 old, u32 slot);
void cachefiles_meta_remove_sidecar(struct cachefiles_object *object);

/* object.c */
bool cachefiles_object_lookup(struct fscache_cookie *cookie);
void cachefiles_object_withdraw(struct fscache_cookie *cookie);
bool cachefiles_object_invalidate(struct fscache_cookie *cookie);
void cachefiles_object_resize(struct netfs_cache_resources *cres, loff_t new_size);
void cachefiles_object_prepare_to_write(struct fscache_cookie *cookie);
int cachefiles_object_set_size(struct cachefiles_object *object, loff_t new_size);
void cachefiles_object_queue_checkpoint(struct cachefiles_object *object);
void cachefiles_objects_withdraw(struct cachefiles_cache *cache);

/* io.c */
bool cachefiles_begin_operation(struct netfs_cache_resources *cres, enum fscache_want_state want);
void cachefiles_io_drain(void);

/* netlink.c */
extern atomic_t cachefiles_nl_generation;
extern atomic_t cachefiles_owned_caches;	/* bound with FSCACHE_A_CACHE_OWNED */
/* Bump the generation dumps check, when caches or objects come or go. */
static inline void cachefiles_nl_changed(void)
{
	atomic_inc(&cachefiles_nl_generation);
}
int cachefiles_nl_init(void);
void cachefiles_nl_exit(void);
void cachefiles_nl_notify(struct cachefiles_cache *cache, enum fscache_event event, int error);

/* proc.c */
int cachefiles_proc_init(void);
void cachefiles_proc_exit(void);

#endif /* _FS_CACHEFILES_INTERNAL_H */
