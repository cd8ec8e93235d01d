// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: names and files in the cache directory.
 *
 *	<dir>/V<volume key>/@<xx>/<object>	an object, in the fan-out directory of its key hash
 *	<dir>/graveyard/			retired objects and volumes, emptied in the background
 *
 * Object names: O<key> when the key is short printable text, X<key in hex> when it is binary, and
 * H<hash> when either would be too long (the whole key is then checked against the object's metadata).
 * Everything here runs with the cache's credentials.
 */
#include "internal.h"

#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/xattr.h>
#include <linux/ctype.h>
#include <linux/jhash.h>

/* Graveyard entries are removed from deepest up; cache trees are at most this deep. */
#define CACHEFILES_REAP_MAX_DEPTH	4

static const struct path *cachefiles_path(struct cachefiles_cache *cache, struct dentry *dentry,
					  struct path *path)
{
	path->mnt = cache->root.mnt;
	path->dentry = dentry;
	return path;
}

/**
 * cachefiles_dir_get - Look up a directory, making it if it is missing
 * @cache: The cache
 * @parent: The directory to look in
 * @name: The name
 *
 * Context: process context, cache credentials.
 * Return: the directory's dentry (a reference), or an ERR_PTR.
 */
struct dentry *cachefiles_dir_get(struct cachefiles_cache *cache, struct dentry *parent,
				  const char *name)
{
	struct inode *dir = d_inode(parent);
	struct dentry *dentry;
	int ret;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_one_len(name, parent, strlen(name));
	if (IS_ERR(dentry))
		goto out;
	if (d_is_negative(dentry)) {
		ret = vfs_mkdir(&init_user_ns, dir, dentry, 0700);
		if (ret < 0) {
			dput(dentry);
			dentry = ERR_PTR(ret);
			goto out;
		}
	}
	if (d_is_negative(dentry) || !d_is_dir(dentry)) {
		dput(dentry);
		dentry = ERR_PTR(-ENOTDIR);
	}
out:
	inode_unlock(dir);
	return dentry;
}

static bool cachefiles_key_printable(const u8 *key, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (!isalnum(key[i]) && !strchr("_-+=,", key[i]))
			return false;
	return len > 0;
}

/**
 * cachefiles_object_name - Work out an object's file name from its cookie's key
 * @object: The object, with its cookie set
 *
 * Return: 0.
 */
/**
 * cachefiles_key_name - The file name of an object key, when it does not need the key's hash
 * @key: The key
 * @len: Its length
 * @name: Where to put the name
 * @size: Room there, at least CACHEFILES_NAME_MAX + 2
 *
 * Return: 0, or -ENAMETOOLONG if the name is a hash (made by cachefiles_object_name() only).
 */
int cachefiles_key_name(const u8 *key, unsigned int len, char *name, size_t size)
{
	if (WARN_ON_ONCE(size < CACHEFILES_NAME_MAX + 2))
		return -EINVAL;
	if (cachefiles_key_printable(key, len) && len <= CACHEFILES_NAME_MAX) {
		name[0] = CACHEFILES_OBJ_PRINTABLE;
		memcpy(name + 1, key, len);
		name[len + 1] = '\0';
	} else if (len * 2 <= CACHEFILES_NAME_MAX) {
		name[0] = CACHEFILES_OBJ_HEX;
		bin2hex(name + 1, key, len);
		name[len * 2 + 1] = '\0';
	} else {
		return -ENAMETOOLONG;
	}
	return 0;
}

int cachefiles_object_name(struct cachefiles_object *object)
{
	struct fscache_cookie *cookie = object->cookie;
	const u8 *key = fscache_get_key(cookie);
	unsigned int len = cookie->key_len;
	char name[CACHEFILES_NAME_MAX + 2];

	object->fanout = cookie->key_hash & (CACHEFILES_FANOUT - 1);
	if (cachefiles_key_name(key, len, name, sizeof(name)) < 0) {
		snprintf(name, sizeof(name), "%c%08x%08x%02x",
			 CACHEFILES_OBJ_HASHED, cookie->key_hash, jhash(key, len, len), len);
	}
	/* Most names are short (9p's: 17 bytes): kept at their length, not the longest's. */
	object->name = kstrdup(name, GFP_KERNEL);
	return object->name ? 0 : -ENOMEM;
}

static struct dentry *cachefiles_fanout_get(struct cachefiles_object *object)
{
	struct cachefiles_volume *volume = object->volume;
	struct dentry *dir = READ_ONCE(volume->fanout[object->fanout]);
	char name[4];

	if (dir)
		return dir;
	mutex_lock(&volume->fanout_lock);
	dir = volume->fanout[object->fanout];
	if (!dir) {
		snprintf(name, sizeof(name), "%c%02x", CACHEFILES_FANOUT_PREFIX, object->fanout);
		dir = cachefiles_dir_get(volume->cache, volume->dentry, name);
		if (!IS_ERR(dir))
			WRITE_ONCE(volume->fanout[object->fanout], dir);
	}
	mutex_unlock(&volume->fanout_lock);
	return dir;
}

/**
 * cachefiles_inode_mark_in_use - Claim an object file for an object (or for the culler)
 * @inode: The file's inode
 *
 * S_KERNEL_FILE marks a file some kernel user holds; we set it on an object file for as long as an
 * object has it open, so the culler and the reconciling walk leave it alone.  Both set and test it
 * with the file's directory locked, so a claim and a cull of the same name exclude each other.
 *
 * Context: the parent directory's inode locked (or @inode has no name yet).
 * Return: true if claimed, false if someone holds it already.
 */
bool cachefiles_inode_mark_in_use(struct inode *inode)
{
	bool claimed = false;

	inode_lock(inode);
	if (!(inode->i_flags & S_KERNEL_FILE)) {
		inode->i_flags |= S_KERNEL_FILE;
		claimed = true;
	}
	inode_unlock(inode);
	return claimed;
}

/**
 * cachefiles_inode_unmark_in_use - Give up the claim of cachefiles_inode_mark_in_use()
 * @inode: The file's inode
 *
 * Context: process context; after the object's last metadata write.
 */
void cachefiles_inode_unmark_in_use(struct inode *inode)
{
	inode_lock(inode);
	inode->i_flags &= ~S_KERNEL_FILE;
	inode_unlock(inode);
}

/**
 * cachefiles_object_file_put - Close an object's backing file and give up its claim
 * @file: A file from cachefiles_file_open() or cachefiles_file_tmpfile()
 */
void cachefiles_object_file_put(struct file *file)
{
	cachefiles_inode_unmark_in_use(file_inode(file));
	fput(file);
}

static struct file *cachefiles_open_dentry(struct cachefiles_cache *cache, struct dentry *dentry)
{
	struct path path;

	return dentry_open(cachefiles_path(cache, dentry, &path),
			   O_RDWR | O_LARGEFILE | O_DIRECT | O_NOATIME, cache->cred);
}

/**
 * cachefiles_file_open - Open an object's backing file, creating it if there is none
 * @object: The object
 * @created: Set to true if the file is new
 *
 * Something else than a regular file at the name is buried first.
 *
 * Context: process context, cache credentials.
 * Return: the open file, or an ERR_PTR.
 */
struct file *cachefiles_file_open(struct cachefiles_object *object, bool *created)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct dentry *dir, *dentry;
	struct file *file;
	int ret;

	*created = false;
	dir = cachefiles_fanout_get(object);
	if (IS_ERR(dir))
		return ERR_CAST(dir);

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	dentry = lookup_one_len(object->name, dir, strlen(object->name));
	if (IS_ERR(dentry)) {
		inode_unlock(d_inode(dir));
		return ERR_CAST(dentry);
	}
	if (d_is_positive(dentry) && !d_is_reg(dentry)) {
		inode_unlock(d_inode(dir));
		ret = cachefiles_bury(cache, dir, object->name, d_inode(dentry));
		dput(dentry);
		if (ret < 0)
			return ERR_PTR(ret);
		return cachefiles_file_open(object, created);
	}
	if (d_is_negative(dentry)) {
		ret = vfs_create(&init_user_ns, d_inode(dir), dentry, S_IFREG | 0600, true);
		if (ret < 0) {
			inode_unlock(d_inode(dir));
			dput(dentry);
			return ERR_PTR(ret);
		}
		*created = true;
	}
	/* Claimed under the directory's lock: the culler cannot bury it from now on. */
	if (!cachefiles_inode_mark_in_use(d_inode(dentry))) {
		inode_unlock(d_inode(dir));
		dput(dentry);
		return ERR_PTR(-EBUSY);
	}
	inode_unlock(d_inode(dir));

	file = cachefiles_open_dentry(cache, dentry);
	if (IS_ERR(file))
		cachefiles_inode_unmark_in_use(d_inode(dentry));
	dput(dentry);
	return file;
}

/**
 * cachefiles_file_tmpfile - Make an unnamed backing file in an object's directory
 * @object: The object
 *
 * Context: process context, cache credentials.
 * Return: the open file, or an ERR_PTR.
 */
struct file *cachefiles_file_tmpfile(struct cachefiles_object *object)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct dentry *dir = cachefiles_fanout_get(object);
	struct path path;
	struct file *file;

	if (IS_ERR(dir))
		return ERR_CAST(dir);
	file = vfs_tmpfile_open(&init_user_ns, cachefiles_path(cache, dir, &path), S_IFREG | 0600,
				O_RDWR | O_LARGEFILE | O_DIRECT | O_NOATIME, cache->cred);
	if (!IS_ERR(file))
		cachefiles_inode_mark_in_use(file_inode(file));	/* nameless: nobody else has it */
	return file;
}

/**
 * cachefiles_file_truncate - Set the size of a file of the cache
 * @file: The file, open for writing
 * @size: The new size
 *
 * vfs_truncate() would take write access to the mount again, nested inside
 * cachefiles_begin_change(): a freeze starting between the two would deadlock.
 *
 * Context: process context, cachefiles_begin_change() done, no lock of the inode held.
 * Return: 0 or -errno.
 */
int cachefiles_file_truncate(struct file *file, loff_t size)
{
	struct iattr attr = {
		.ia_valid	= ATTR_SIZE | ATTR_MTIME | ATTR_CTIME,
		.ia_size	= size,
	};
	struct inode *inode = file_inode(file);
	int ret;

	inode_lock(inode);
	ret = notify_change(&init_user_ns, file->f_path.dentry, &attr, NULL);
	inode_unlock(inode);
	return ret;
}

/**
 * cachefiles_file_link - Give an unnamed backing file the object's name
 * @object: The object
 * @file: A file from cachefiles_file_tmpfile()
 *
 * Whatever had the name goes to the graveyard; whoever has it open keeps it until they close it.
 *
 * Context: process context, cache credentials.
 * Return: 0 or -errno (the object then has no name: the next lookup misses).
 */
int cachefiles_file_link(struct cachefiles_object *object, struct file *file)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct dentry *dir = cachefiles_fanout_get(object);
	struct dentry *dentry;
	int ret;

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	ret = cachefiles_bury(cache, dir, object->name, NULL);
	if (ret < 0 && ret != -ENOENT)
		return ret;

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	dentry = lookup_one_len(object->name, dir, strlen(object->name));
	if (IS_ERR(dentry)) {
		ret = PTR_ERR(dentry);
	} else {
		ret = d_is_negative(dentry) ?
			vfs_link(file->f_path.dentry, &init_user_ns, d_inode(dir), dentry, NULL) :
			-EEXIST;
		dput(dentry);
	}
	inode_unlock(d_inode(dir));
	return ret;
}

/**
 * __cachefiles_bury - Move a name into the graveyard
 * @cache: The cache
 * @dir: The directory holding it
 * @name: The name
 * @expect: If not NULL, only bury the name if it is this inode
 * @unused: Leave it (-EBUSY) if an object holds it (cachefiles_inode_mark_in_use())
 *
 * The background reaper deletes it; files still open stay usable until closed.
 *
 * Context: process context, cache credentials, no directory lock held.
 * Return: 0, -ENOENT if there is no such name (or it is another inode now), -EBUSY, or -errno.
 */
static int __cachefiles_bury(struct cachefiles_cache *cache, struct dentry *dir, const char *name,
			     struct inode *expect, bool unused)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct renamedata rd = {};
	struct dentry *victim, *grave, *trap;
	char gname[40];
	int ret;

	snprintf(gname, sizeof(gname), "%llx.%x", ktime_get_real_ns(), atomic_inc_return(&seq));

	trap = lock_rename(cache->graveyard, dir);
	victim = lookup_one_len(name, dir, strlen(name));
	if (IS_ERR(victim)) {
		ret = PTR_ERR(victim);
		goto out_unlock;
	}
	ret = -ENOENT;
	if (d_is_negative(victim) || (expect && d_inode(victim) != expect))
		goto out_victim;
	ret = -EBUSY;
	if (unused && (READ_ONCE(d_inode(victim)->i_flags) & S_KERNEL_FILE))
		goto out_victim;	/* claimed by an object: see cachefiles_inode_mark_in_use() */
	ret = -EIO;
	if (victim == trap)
		goto out_victim;
	grave = lookup_one_len(gname, cache->graveyard, strlen(gname));
	if (IS_ERR(grave)) {
		ret = PTR_ERR(grave);
		goto out_victim;
	}
	ret = -EEXIST;
	if (d_is_positive(grave) || grave == trap)
		goto out_grave;

	rd.old_mnt_userns = &init_user_ns;
	rd.old_dir = d_inode(dir);
	rd.old_dentry = victim;
	rd.new_mnt_userns = &init_user_ns;
	rd.new_dir = d_inode(cache->graveyard);
	rd.new_dentry = grave;
	ret = vfs_rename(&rd);
out_grave:
	dput(grave);
out_victim:
	dput(victim);
out_unlock:
	unlock_rename(cache->graveyard, dir);
	if (ret == 0)
		queue_work(cachefiles_wq, &cache->reap_work);
	return ret;
}

/* Bury a name whoever holds it (its own object, or nobody). */
int cachefiles_bury(struct cachefiles_cache *cache, struct dentry *dir, const char *name,
		    struct inode *expect)
{
	return __cachefiles_bury(cache, dir, name, expect, false);
}

/**
 * cachefiles_bury_unused - Move an object file into the graveyard unless an object holds it
 * @cache: The cache
 * @dir: The directory holding it
 * @name: The name
 * @expect: As for cachefiles_bury()
 *
 * Context: as for cachefiles_bury().
 * Return: as for cachefiles_bury(), or -EBUSY if the file is open as a cache object.
 */
int cachefiles_bury_unused(struct cachefiles_cache *cache, struct dentry *dir, const char *name,
			   struct inode *expect)
{
	return __cachefiles_bury(cache, dir, name, expect, true);
}

struct cachefiles_reap_ctx {
	struct dir_context	ctx;
	char			(*names)[NAME_MAX + 1];
	unsigned int		nr;
};

static bool cachefiles_reap_actor(struct dir_context *ctx, const char *name, int len, loff_t pos,
				  u64 ino, unsigned int type)
{
	struct cachefiles_reap_ctx *rc = container_of(ctx, struct cachefiles_reap_ctx, ctx);

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (rc->nr >= CACHEFILES_REAP_BATCH)
		return false;
	memcpy(rc->names[rc->nr], name, len);
	rc->names[rc->nr][len] = '\0';
	rc->nr++;
	return true;
}

/* Delete everything below @dir (not @dir itself). */
static int cachefiles_reap_dir(struct cachefiles_cache *cache, struct dentry *dir, int depth,
			       struct cachefiles_reap_ctx *rc)
{
	struct path path;
	struct dentry *child;
	struct file *file;
	unsigned int i;
	bool again;
	int ret;

	if (depth > CACHEFILES_REAP_MAX_DEPTH)
		return -ELOOP;
	do {
		again = false;
		file = dentry_open(cachefiles_path(cache, dir, &path), O_RDONLY | O_DIRECTORY,
				   cache->cred);
		if (IS_ERR(file))
			return PTR_ERR(file);
		rc->nr = 0;
		rc->ctx.pos = 0;
		ret = iterate_dir(file, &rc->ctx);
		fput(file);
		if (ret < 0)
			return ret;

		for (i = 0; i < rc->nr; i++) {
			inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
			child = lookup_one_len(rc->names[i], dir, strlen(rc->names[i]));
			inode_unlock(d_inode(dir));
			if (IS_ERR(child))
				return PTR_ERR(child);
			if (d_is_dir(child)) {
				ret = cachefiles_reap_dir(cache, child, depth + 1, rc);
				/* the batch of names is ours again: restart this directory */
				if (ret == 0) {
					inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
					/* Moved or gone meanwhile: leave it to the next pass. */
					if (d_is_dir(child) && child->d_parent == dir)
						ret = vfs_rmdir(&init_user_ns, d_inode(dir), child);
					inode_unlock(d_inode(dir));
				}
				dput(child);
				if (ret < 0 && ret != -ENOENT)
					return ret;
				again = true;
				break;
			}
			ret = 0;
			inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
			if (d_is_positive(child) && child->d_parent == dir)
				ret = vfs_unlink(&init_user_ns, d_inode(dir), child, NULL);
			inode_unlock(d_inode(dir));
			dput(child);
			if (ret < 0 && ret != -ENOENT)
				return ret;
			cond_resched();
		}
		if (rc->nr)
			again = true;
	} while (again);
	return 0;
}

/**
 * cachefiles_reap - Empty a cache's graveyard (work item)
 * @work: The cache's reap_work
 */
void cachefiles_reap(struct work_struct *work)
{
	struct cachefiles_cache *cache = container_of(work, struct cachefiles_cache, reap_work);
	struct cachefiles_reap_ctx rc = { .ctx.actor = cachefiles_reap_actor };
	const struct cred *saved;
	int ret;

	if (!cache->graveyard)
		return;
	rc.names = kvmalloc_array(CACHEFILES_REAP_BATCH, sizeof(*rc.names), GFP_KERNEL);
	if (!rc.names)
		return;
	ret = cachefiles_begin_change(cache, &saved);
	if (ret == 0) {
		ret = cachefiles_reap_dir(cache, cache->graveyard, 0, &rc);
		cachefiles_end_change(cache, saved);
	}
	kvfree(rc.names);
	if (ret < 0)
		cachefiles_warn(cache, "cannot empty the graveyard: %d", ret);
}

struct cachefiles_scan_ctx {
	struct dir_context		ctx;
	char				(*names)[NAME_MAX + 1];
	unsigned int			nr;
};

struct cachefiles_scan_tally {
	u64				bytes;
	u64				objects;
};

static bool cachefiles_scan_actor(struct dir_context *ctx, const char *name, int len, loff_t pos,
				  u64 ino, unsigned int type)
{
	struct cachefiles_scan_ctx *sc = container_of(ctx, struct cachefiles_scan_ctx, ctx);

	if (len == 0 || name[0] == '.')
		return true;
	if (sc->nr >= CACHEFILES_REAP_BATCH)
		return false;	/* not consumed: the next pass starts here */
	memcpy(sc->names[sc->nr], name, len);
	sc->names[sc->nr][len] = '\0';
	sc->nr++;
	return true;
}

/*
 * Tally the tree under @dir: V<volume>/@<xx>/<object> (and big maps' side files beside objects).
 * Names are gathered a batch at a time and looked at with the directory unlocked.
 */
static int cachefiles_scan_dir(struct cachefiles_cache *cache, struct dentry *dir, int depth,
			       struct cachefiles_scan_tally *t)
{
	struct cachefiles_scan_ctx sc = { .ctx.actor = cachefiles_scan_actor };
	struct path path = { .mnt = cache->root.mnt, .dentry = dir };
	char want = depth == 0 ? CACHEFILES_VOLUME_PREFIX :
		    depth == 1 ? CACHEFILES_FANOUT_PREFIX : 0;
	struct dentry *child;
	struct file *file;
	unsigned int i;
	int ret = 0;

	sc.names = kvmalloc_array(CACHEFILES_REAP_BATCH, sizeof(*sc.names), GFP_KERNEL);
	if (!sc.names)
		return -ENOMEM;
	file = dentry_open(&path, O_RDONLY | O_DIRECTORY, cache->cred);
	if (IS_ERR(file)) {
		kvfree(sc.names);
		return PTR_ERR(file);
	}
	do {
		sc.nr = 0;
		ret = iterate_dir(file, &sc.ctx);
		for (i = 0; ret == 0 && i < sc.nr; i++) {
			const char *name = sc.names[i];

			if (want && name[0] != want)
				continue;
			child = lookup_positive_unlocked(name, dir, strlen(name));
			if (IS_ERR(child))
				continue;
			if (depth < 2 && d_is_dir(child)) {
				ret = cachefiles_scan_dir(cache, child, depth + 1, t);
			} else if (depth == 2 && d_is_reg(child)) {
				u64 bytes = (u64)READ_ONCE(d_inode(child)->i_blocks) << SECTOR_SHIFT;

				t->bytes += bytes;
				if (!strstr(name, CACHEFILES_MAP_SUFFIX)) {
					t->bytes += CACHEFILES_OBJECT_OVERHEAD;
					t->objects++;
					cachefiles_cull_reconcile_file(cache, dir->d_parent, dir, child,
								       bytes + CACHEFILES_OBJECT_OVERHEAD);
				}
			}
			dput(child);
			cond_resched();
		}
		/* Withdrawal cancels the walk. */
		if (ret == 0 && READ_ONCE(cache->state) != CACHEFILES_CACHE_ACTIVE)
			ret = -EINTR;
	} while (ret == 0 && sc.nr);
	fput(file);
	kvfree(sc.names);
	return ret;
}

/**
 * cachefiles_scan - Count what a cache holds and reconcile the culler with it (work item)
 * @work: The cache's scan_work
 *
 * A cleanly unbound cache records its usage and its culling policy; one that was not is bound at
 * once, with its usage unknown and its policy as the log left it, and this walk counts the usage and
 * has the culler insert the objects it missed and forget the ones that are gone.
 */
void cachefiles_scan(struct work_struct *work)
{
	struct cachefiles_cache *cache = container_of(work, struct cachefiles_cache, scan_work);
	struct cachefiles_scan_tally t = {};
	const struct cred *saved;
	int ret;

	ret = cachefiles_begin_change(cache, &saved);
	if (ret < 0) {
		cachefiles_warn(cache, "cannot walk the cache: %d", ret);
		return;
	}
	cachefiles_cull_reconcile_begin(cache);
	ret = cachefiles_scan_dir(cache, cache->root.dentry, 0, &t);
	cachefiles_cull_reconcile_end(cache, ret == 0);
	cachefiles_end_change(cache, saved);
	if (ret < 0) {
		if (ret != -EINTR)
			cachefiles_warn(cache, "cannot count the cache's usage: %d", ret);
		return;
	}
	if (!READ_ONCE(cache->usage_known)) {
		/*
		 * The counters hold what was charged and uncharged since the bind; the walk saw each
		 * file once, some before and some after those changes.  Adding both counts twice a
		 * change the walk also saw (a file that grew before the walk met it) and takes away
		 * a file deleted before the walk reached it, which the walk never counted: the error
		 * is bounded by the changes made during the walk (files made during it are not
		 * missed).  Readers clamp a negative sum (cachefiles_cache_usage()).
		 */
		atomic64_add(t.bytes, &cache->usage);
		atomic64_add(t.objects, &cache->nr_objects);
		WRITE_ONCE(cache->usage_known, true);
	}
	pr_info("%s: counted %llu objects, %llu bytes\n", cache->tag, t.objects, t.bytes);
	cachefiles_cull_recheck(cache);
}
