// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: culling -- deleting objects so that a cache stays within its data capacity.
 *
 * A pass walks the cache's tree, keeps the oldest candidates (by their backing file's latest of
 * atime, mtime and ctime: lookup touches atime), skips objects that are open, and buries the
 * oldest until usage is down to the target.  Passes run from the cache's cull work, queued when
 * usage crosses the high watermark, when the capacity is lowered, or asked for over netlink.
 *
 * This is the interim policy, an LRU over the tree with no state of its own: the S3-FIFO policy in
 * cull/policy.c with state kept on disk replaces it (see Documentation/filesystems/caching/
 * cachefiles-cull.rst).
 */
#include "../internal.h"

#include <linux/namei.h>
#include <linux/sort.h>
#include <linux/slab.h>
#include <linux/sched/cputime.h>

/* Candidates one pass keeps; a pass that frees too little is followed by another. */
#define CACHEFILES_CULL_BATCH		512
/* Passes one cull runs at most before giving up on reaching its target. */
#define CACHEFILES_CULL_MAX_PASSES	64

struct cachefiles_cull_cand {
	s64		age;		/* ns; smaller is older */
	struct dentry	*dir;		/* the fan-out directory, a reference */
	struct inode	*inode;		/* to check the name still is this file (not a reference) */
	char		name[CACHEFILES_NAME_MAX + 2];
};

struct cachefiles_cull_pass {
	struct dir_context		ctx;
	struct cachefiles_cache		*cache;
	struct cachefiles_cull_cand	*cands;		/* a max-heap by age while collecting */
	unsigned int			nr;
	char				(*names)[NAME_MAX + 1];	/* names read from one directory */
	unsigned int			nr_names;
};

static bool cachefiles_cull_actor(struct dir_context *ctx, const char *name, int len, loff_t pos,
				  u64 ino, unsigned int type)
{
	struct cachefiles_cull_pass *cp = container_of(ctx, struct cachefiles_cull_pass, ctx);

	if (len == 0 || name[0] == '.' || len > NAME_MAX)
		return true;
	if (cp->nr_names >= CACHEFILES_REAP_BATCH)
		return false;
	memcpy(cp->names[cp->nr_names], name, len);
	cp->names[cp->nr_names][len] = '\0';
	cp->nr_names++;
	return true;
}

static void cachefiles_cull_heap_down(struct cachefiles_cull_cand *c, unsigned int n, unsigned int i)
{
	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && c[l].age > c[m].age)
			m = l;
		if (r < n && c[r].age > c[m].age)
			m = r;
		if (m == i)
			return;
		swap(c[i], c[m]);
		i = m;
	}
}

static void cachefiles_cull_heap_up(struct cachefiles_cull_cand *c, unsigned int i)
{
	while (i > 0 && c[(i - 1) / 2].age < c[i].age) {
		swap(c[i], c[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

/* An object file open right now is not a candidate. */
static bool cachefiles_cull_in_use(struct cachefiles_cache *cache, struct inode *inode)
{
	struct cachefiles_object *object;
	bool busy = false;

	spin_lock(&cache->lock);
	list_for_each_entry(object, &cache->objects, cache_link) {
		if (object->file && file_inode(object->file) == inode) {
			busy = true;
			break;
		}
	}
	spin_unlock(&cache->lock);
	return busy;
}

static void cachefiles_cull_offer(struct cachefiles_cull_pass *cp, struct dentry *dir,
				  struct dentry *child, const char *name)
{
	struct inode *inode = d_inode(child);
	struct cachefiles_cull_cand *c;
	s64 age;

	age = max3(timespec64_to_ns(&inode->i_atime), timespec64_to_ns(&inode->i_mtime),
		   timespec64_to_ns(&inode->i_ctime));
	if (cp->nr == CACHEFILES_CULL_BATCH) {
		if (age >= cp->cands[0].age)
			return;
		dput(cp->cands[0].dir);
		c = &cp->cands[0];
	} else {
		c = &cp->cands[cp->nr++];
	}
	c->age = age;
	c->dir = dget(dir);
	c->inode = inode;
	strscpy(c->name, name, sizeof(c->name));
	if (c == &cp->cands[0] && cp->nr == CACHEFILES_CULL_BATCH)
		cachefiles_cull_heap_down(cp->cands, cp->nr, 0);
	else
		cachefiles_cull_heap_up(cp->cands, cp->nr - 1);
}

/* Gather candidates below @dir: V<volume>/@<xx>/<object>. */
static int cachefiles_cull_scan(struct cachefiles_cull_pass *cp, struct dentry *dir, int depth)
{
	struct cachefiles_cache *cache = cp->cache;
	struct path path = { .mnt = cache->root.mnt, .dentry = dir };
	char want = depth == 0 ? CACHEFILES_VOLUME_PREFIX :
		    depth == 1 ? CACHEFILES_FANOUT_PREFIX : 0;
	char (*names)[NAME_MAX + 1];
	struct dentry *child;
	struct file *file;
	unsigned int i, nr;
	int ret;

	names = kvmalloc_array(CACHEFILES_REAP_BATCH, sizeof(*names), GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	file = dentry_open(&path, O_RDONLY | O_DIRECTORY, cache->cred);
	if (IS_ERR(file)) {
		kvfree(names);
		return PTR_ERR(file);
	}
	do {
		cp->names = names;
		cp->nr_names = 0;
		ret = iterate_dir(file, &cp->ctx);
		nr = cp->nr_names;
		for (i = 0; ret == 0 && i < nr; i++) {
			if (want && names[i][0] != want)
				continue;
			if (depth == 2 && strstr(names[i], CACHEFILES_MAP_SUFFIX))
				continue;
			child = lookup_positive_unlocked(names[i], dir, strlen(names[i]));
			if (IS_ERR(child))
				continue;
			if (depth < 2 && d_is_dir(child))
				ret = cachefiles_cull_scan(cp, child, depth + 1);
			else if (depth == 2 && d_is_reg(child))
				cachefiles_cull_offer(cp, dir, child, names[i]);
			dput(child);
			cond_resched();
		}
	} while (ret == 0 && nr);
	fput(file);
	kvfree(names);
	return ret;
}

static int cachefiles_cull_cmp(const void *a, const void *b)
{
	const struct cachefiles_cull_cand *x = a, *y = b;

	return x->age < y->age ? -1 : x->age > y->age;
}

/* Bury one candidate if it is still that file and not open; returns the bytes freed. */
static u64 cachefiles_cull_one(struct cachefiles_cache *cache, struct cachefiles_cull_cand *c)
{
	struct dentry *victim;
	u64 bytes;

	victim = lookup_positive_unlocked(c->name, c->dir, strlen(c->name));
	if (IS_ERR(victim))
		return 0;
	if (d_inode(victim) != c->inode || cachefiles_cull_in_use(cache, c->inode)) {
		dput(victim);
		return 0;
	}
	bytes = ((u64)READ_ONCE(c->inode->i_blocks) << SECTOR_SHIFT) + CACHEFILES_OBJECT_OVERHEAD;
	dput(victim);
	if (cachefiles_bury(cache, c->dir, c->name, c->inode) < 0)
		return 0;
	atomic64_sub(bytes, &cache->usage);
	atomic64_dec(&cache->nr_objects);
	cachefiles_stat(cache, FSCACHE_A_STAT_CULLS, 1);
	cachefiles_stat(cache, FSCACHE_A_STAT_CULL_BYTES, bytes);
	fscache_count_culled();
	return bytes;
}

/**
 * cachefiles_cull_to - Delete the oldest objects until usage is at most @target
 * @cache: The cache
 * @target: Bytes
 *
 * Context: process context; the cache is not withdrawn meanwhile (its cull work, or a netlink
 * command holding cachefiles_caches_mutex).
 * Return: 0 when usage reached the target, -EBUSY if what is left is in use, or -errno.
 */
int cachefiles_cull_to(struct cachefiles_cache *cache, u64 target)
{
	struct cachefiles_cull_pass cp = { .ctx.actor = cachefiles_cull_actor, .cache = cache };
	u64 cpu0 = current->se.sum_exec_runtime;
	const struct cred *saved;
	unsigned int i, pass;
	u64 freed;
	int ret = 0;

	if ((u64)atomic64_read(&cache->usage) <= target)
		return 0;
	cp.cands = kvmalloc_array(CACHEFILES_CULL_BATCH, sizeof(*cp.cands), GFP_KERNEL);
	if (!cp.cands)
		return -ENOMEM;
	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0)
		goto out_free;
	cachefiles_nl_notify(cache, FSCACHE_EVENT_CULL_STARTED, 0);
	for (pass = 0; pass < CACHEFILES_CULL_MAX_PASSES; pass++) {
		cp.nr = 0;
		ret = cachefiles_cull_scan(&cp, cache->root.dentry, 0);
		sort(cp.cands, cp.nr, sizeof(*cp.cands), cachefiles_cull_cmp, NULL);
		freed = 0;
		for (i = 0; i < cp.nr; i++) {
			if (ret == 0 && (u64)atomic64_read(&cache->usage) > target)
				freed += cachefiles_cull_one(cache, &cp.cands[i]);
			dput(cp.cands[i].dir);
		}
		if (ret < 0 || (u64)atomic64_read(&cache->usage) <= target)
			break;
		if (!freed) {
			ret = -EBUSY;	/* everything left is in use */
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	cachefiles_end_change(cache, saved);
	cachefiles_stat(cache, FSCACHE_A_STAT_CULL_CPU_NS, current->se.sum_exec_runtime - cpu0);
	cachefiles_nl_notify(cache, FSCACHE_EVENT_CULL_FINISHED, ret);
out_free:
	kvfree(cp.cands);
	return ret;
}

/**
 * cachefiles_cull_object - Delete one object by its name
 * @cache: The cache
 * @volume_dir: The volume's directory name (V...)
 * @name: The object's file name
 *
 * Context: process context, cachefiles_caches_mutex held.
 * Return: 0, -ENOENT if there is no such object, -EBUSY if it is open, or -errno.
 */
int cachefiles_cull_object(struct cachefiles_cache *cache, const char *volume_dir, const char *name)
{
	struct dentry *vdir, *fdir, *victim;
	const struct cred *saved;
	char fan[4];
	int i, ret;

	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0)
		return ret;
	vdir = lookup_positive_unlocked(volume_dir, cache->root.dentry, strlen(volume_dir));
	if (IS_ERR(vdir)) {
		ret = PTR_ERR(vdir) == -ENOENT ? -ENOENT : PTR_ERR(vdir);
		goto out;
	}
	ret = -ENOENT;
	for (i = 0; i < CACHEFILES_FANOUT && ret == -ENOENT; i++) {
		struct cachefiles_cull_cand c = {};

		snprintf(fan, sizeof(fan), "%c%02x", CACHEFILES_FANOUT_PREFIX, i);
		fdir = lookup_positive_unlocked(fan, vdir, strlen(fan));
		if (IS_ERR(fdir))
			continue;
		victim = lookup_positive_unlocked(name, fdir, strlen(name));
		if (!IS_ERR(victim)) {
			c.dir = fdir;
			c.inode = d_inode(victim);
			strscpy(c.name, name, sizeof(c.name));
			dput(victim);
			ret = cachefiles_cull_in_use(cache, c.inode) ? -EBUSY :
			      cachefiles_cull_one(cache, &c) ? 0 : -ENOENT;
		}
		dput(fdir);
	}
	dput(vdir);
out:
	cachefiles_end_change(cache, saved);
	return ret;
}

/* The cache's cull work: down to the low watermark of the capacity. */
static void cachefiles_cull_work(struct work_struct *work)
{
	struct cachefiles_cache *cache = container_of(work, struct cachefiles_cache, cull_work);
	u64 capacity = READ_ONCE(cache->capacity);
	u64 low = div_u64(capacity, 100) * READ_ONCE(cache->low_wmark);

	if (!capacity || READ_ONCE(cache->withdrawing)) {
		clear_bit(0, &cache->cull_pending);
		return;
	}
	if ((u64)atomic64_read(&cache->usage) > div_u64(capacity, 100) * READ_ONCE(cache->high_wmark))
		cachefiles_nl_notify(cache, FSCACHE_EVENT_HIGH_WMARK, 0);
	cachefiles_cull_to(cache, low);
	if ((u64)atomic64_read(&cache->usage) <= low)
		cachefiles_nl_notify(cache, FSCACHE_EVENT_LOW_WMARK, 0);
	clear_bit(0, &cache->cull_pending);
}

/**
 * cachefiles_cull_check - Start culling if usage is above the high watermark
 * @cache: The cache
 *
 * Context: any.
 */
void cachefiles_cull_check(struct cachefiles_cache *cache)
{
	u64 capacity = READ_ONCE(cache->capacity);

	if (!capacity || (u64)atomic64_read(&cache->usage) <=
	    div_u64(capacity, 100) * READ_ONCE(cache->high_wmark))
		return;
	if (test_and_set_bit(0, &cache->cull_pending))
		return;
	queue_work(cachefiles_wq, &cache->cull_work);
}

void cachefiles_cull_init(struct cachefiles_cache *cache)
{
	INIT_WORK(&cache->cull_work, cachefiles_cull_work);
}
