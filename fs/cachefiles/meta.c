// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: an object's metadata -- coherency data, size, state and content map.
 *
 * One xattr per backing file holds a header, the cookie's key and aux data, and the encoded content
 * map when it is small; a bigger map goes to a side file (<object>.map) replaced by rename and bound to
 * the xattr by its crc.  The map on disk only ever claims data already made durable: a checkpoint
 * encodes the map, then syncs the data, then writes the map.  Anything that could change data the disk
 * map claims (overwriting cached data, shrinking) first marks the object UNSAFE on disk, durably; an
 * UNSAFE object found at lookup is discarded.  Format: Documentation/filesystems/caching/
 * cachefiles-iter-format.rst.
 */
#include "internal.h"

#include <linux/crc32.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/xattr.h>

#define CACHEFILES_META_MAGIC	0x49435346	/* "FSCI" little-endian */
#define CACHEFILES_META_VERSION	2	/* 2 added the culler's slot */
#define CACHEFILES_META_VERSION_NOSLOT	1	/* still read: its objects get a slot at lookup */

enum cachefiles_map_where {
	CACHEFILES_MAP_NONE	= 0,
	CACHEFILES_MAP_INLINE	= 1,
	CACHEFILES_MAP_SIDECAR	= 2,
};

/* The xattr: this header, then key[key_len], aux[aux_len], then the map if inline. */
struct cachefiles_meta_disk {
	__le32	magic;
	u8	version;
	u8	state;		/* enum cachefiles_disk_state */
	u8	map_where;	/* enum cachefiles_map_where */
	u8	key_len;
	u8	aux_len;
	u8	reserved[3];
	__le64	object_size;
	__le32	map_len;	/* bytes of the encoded map */
	__le32	map_crc;	/* crc32c of the encoded map, inline or not */
	__le32	crc;		/* crc32c of all of the xattr, with this field zero */
	__le32	slot;		/* the culler's slot (version 2; version 1: reserved, zero) */
} __packed;

#define CACHEFILES_META_MAX \
	(sizeof(struct cachefiles_meta_disk) + 2 * U8_MAX + CACHEFILES_MAP_INLINE_MAX)

static u32 cachefiles_meta_crc(const void *buf, size_t len)
{
	return __crc32c_le(~0U, buf, len);
}

static void cachefiles_meta_corrupt(struct cachefiles_object *object, const char *why)
{
	struct cachefiles_cache *cache = object->volume->cache;

	cachefiles_stat(cache, FSCACHE_A_STAT_CORRUPT, 1);
	cachefiles_warn(cache, "object %s: corrupt metadata (%s): discarding it", object->name, why);
}

static char *cachefiles_sidecar_name(struct cachefiles_object *object, const char *suffix)
{
	return kasprintf(GFP_KERNEL, "%s%s%s", object->name, CACHEFILES_MAP_SUFFIX, suffix);
}

static struct dentry *cachefiles_object_dir(struct cachefiles_object *object)
{
	return object->volume->fanout[object->fanout];
}

/* Read the side file holding a big map. */
static void *cachefiles_sidecar_read(struct cachefiles_object *object, size_t len)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct dentry *dir = cachefiles_object_dir(object), *dentry;
	struct path path = { .mnt = cache->root.mnt };
	struct file *file;
	loff_t pos = 0;
	ssize_t got;
	char *name;
	void *buf;

	name = cachefiles_sidecar_name(object, "");
	if (!name)
		return ERR_PTR(-ENOMEM);
	dentry = lookup_positive_unlocked(name, dir, strlen(name));
	kfree(name);
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	path.dentry = dentry;
	file = dentry_open(&path, O_RDONLY | O_LARGEFILE | O_NOATIME, cache->cred);
	dput(dentry);
	if (IS_ERR(file))
		return ERR_CAST(file);
	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf) {
		fput(file);
		return ERR_PTR(-ENOMEM);
	}
	got = kernel_read(file, buf, len, &pos);
	fput(file);
	if (got != len) {
		kvfree(buf);
		return ERR_PTR(got < 0 ? got : -ENODATA);
	}
	return buf;
}

/* Write a big map to <name>.map.new, sync it, and rename it over <name>.map. */
static int cachefiles_sidecar_write(struct cachefiles_object *object, const void *buf, size_t len)
{
	struct cachefiles_cache *cache = object->volume->cache;
	struct dentry *dir = cachefiles_object_dir(object), *tmp = NULL, *dst = NULL;
	struct path path = { .mnt = cache->root.mnt };
	struct renamedata rd = {};
	char *tmpname, *name;
	struct file *file;
	loff_t pos = 0;
	ssize_t done;
	int ret;

	name = cachefiles_sidecar_name(object, "");
	tmpname = cachefiles_sidecar_name(object, ".new");
	if (!name || !tmpname) {
		ret = -ENOMEM;
		goto out;
	}

	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	tmp = lookup_one_len(tmpname, dir, strlen(tmpname));
	ret = PTR_ERR_OR_ZERO(tmp);
	if (!ret && d_is_negative(tmp))
		ret = vfs_create(&init_user_ns, d_inode(dir), tmp, S_IFREG | 0600, true);
	inode_unlock(d_inode(dir));
	if (ret) {
		if (IS_ERR(tmp))
			tmp = NULL;
		goto out;
	}

	path.dentry = tmp;
	/* dentry_open() ignores O_TRUNC: a leftover .new is cut to size below. */
	file = dentry_open(&path, O_WRONLY | O_LARGEFILE | O_NOATIME, cache->cred);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out;
	}
	/* __kernel_write(): the caller holds write access already (cachefiles_begin_change()). */
	done = __kernel_write(file, buf, len, &pos);
	ret = done == len ? 0 : done < 0 ? done : -EIO;
	if (ret == 0 && i_size_read(file_inode(file)) > len)
		ret = cachefiles_file_truncate(file, len);
	if (ret == 0)
		ret = vfs_fsync(file, 0);
	fput(file);
	if (ret)
		goto out;

	lock_rename(dir, dir);
	dst = lookup_one_len(name, dir, strlen(name));
	if (IS_ERR(dst)) {
		ret = PTR_ERR(dst);
		dst = NULL;
	} else if (tmp->d_parent != dir || d_is_negative(tmp)) {
		ret = -ENOENT;
	} else {
		rd.old_mnt_userns = &init_user_ns;
		rd.old_dir = d_inode(dir);
		rd.old_dentry = tmp;
		rd.new_mnt_userns = &init_user_ns;
		rd.new_dir = d_inode(dir);
		rd.new_dentry = dst;
		ret = vfs_rename(&rd);
	}
	unlock_rename(dir, dir);
out:
	dput(dst);
	dput(tmp);
	kfree(tmpname);
	kfree(name);
	return ret;
}

/**
 * cachefiles_meta_remove_sidecar - Delete an object's map side file, if any
 * @object: The object
 *
 * Context: process context, cache credentials.
 */
void cachefiles_meta_remove_sidecar(struct cachefiles_object *object)
{
	struct dentry *dir = cachefiles_object_dir(object);
	char *name;

	if (!dir)
		return;
	name = cachefiles_sidecar_name(object, "");
	if (!name)
		return;
	cachefiles_bury(object->volume->cache, dir, name, NULL);
	kfree(name);
}

/**
 * cachefiles_meta_load - Read and check an object's metadata, and load its content map
 * @object: The object; its cookie's key, aux data and size are what the data must match
 * @file: The backing file
 *
 * Context: process context, cache credentials.
 * Return: 0 with object->map loaded; -ENODATA if the file has no metadata; -ESTALE if the object is
 * out of date or was in the middle of a change when the system stopped; -EFSCORRUPTED if the metadata
 * is damaged (logged); or another -errno.  All but 0 mean: discard the object.
 */
int cachefiles_meta_load(struct cachefiles_object *object, struct file *file)
{
	struct fscache_cookie *cookie = object->cookie;
	const struct cachefiles_meta_disk *hdr;
	size_t fixed = sizeof(*hdr), map_len;
	const u8 *p;
	u8 *buf;
	void *map = NULL;
	ssize_t len;
	u32 crc;
	int ret;

	buf = kmalloc(CACHEFILES_META_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = vfs_getxattr(&init_user_ns, file->f_path.dentry, CACHEFILES_XATTR_META, buf,
			   CACHEFILES_META_MAX);
	if (len == -ERANGE || (len > 1 && len < fixed)) {
		cachefiles_meta_corrupt(object, "size");
		ret = -EFSCORRUPTED;
		goto out;
	}
	if (len >= 0 && len < fixed) {
		ret = -ENODATA;		/* nothing written yet */
		goto out;
	}
	if (len < 0) {
		ret = len;
		goto out;
	}

	hdr = (const struct cachefiles_meta_disk *)buf;
	ret = -EFSCORRUPTED;
	if (le32_to_cpu(hdr->magic) != CACHEFILES_META_MAGIC ||
	    (hdr->version != CACHEFILES_META_VERSION &&
	     hdr->version != CACHEFILES_META_VERSION_NOSLOT)) {
		cachefiles_meta_corrupt(object, "magic or version");
		goto out;
	}
	crc = le32_to_cpu(hdr->crc);
	((struct cachefiles_meta_disk *)buf)->crc = 0;
	map_len = le32_to_cpu(hdr->map_len);
	if (fixed + hdr->key_len + hdr->aux_len > len ||
	    cachefiles_meta_crc(buf, len) != crc ||
	    (hdr->map_where == CACHEFILES_MAP_INLINE &&
	     fixed + hdr->key_len + hdr->aux_len + map_len != len) ||
	    hdr->map_where > CACHEFILES_MAP_SIDECAR ||
	    hdr->state < CACHEFILES_DISK_CLEAN || hdr->state > CACHEFILES_DISK_UNSAFE) {
		cachefiles_meta_corrupt(object, "header");
		goto out;
	}

	/* Coherency: the object must be of this key, with this aux data and size, and whole. */
	ret = -ESTALE;
	p = buf + fixed;
	if (hdr->state == CACHEFILES_DISK_UNSAFE || hdr->map_where == CACHEFILES_MAP_NONE ||
	    hdr->key_len != cookie->key_len || memcmp(p, fscache_get_key(cookie), hdr->key_len))
		goto out;
	p += hdr->key_len;
	spin_lock(&cookie->lock);
	if (hdr->aux_len != cookie->aux_len || memcmp(p, fscache_get_aux(cookie), hdr->aux_len) ||
	    le64_to_cpu(hdr->object_size) != cookie->object_size)
		ret = -ESTALE;
	else
		ret = 0;
	spin_unlock(&cookie->lock);
	if (ret < 0)
		goto out;
	p += hdr->aux_len;

	if (hdr->map_where == CACHEFILES_MAP_SIDECAR) {
		if (map_len > CACHEFILES_MAP_MAX_OBJECT_SIZE >> (CACHEFILES_GRANULE_SHIFT + 2)) {
			cachefiles_meta_corrupt(object, "map length");
			ret = -EFSCORRUPTED;
			goto out;
		}
		map = cachefiles_sidecar_read(object, map_len);
		if (IS_ERR(map)) {
			ret = PTR_ERR(map) == -ENOENT || PTR_ERR(map) == -ENODATA ? -ESTALE : PTR_ERR(map);
			map = NULL;
			goto out;
		}
		if (cachefiles_meta_crc(map, map_len) != le32_to_cpu(hdr->map_crc)) {
			ret = -ESTALE;	/* a side file of another generation: torn by a crash */
			goto out;
		}
		p = map;
	}
	ret = cachefiles_map_decode(&object->map, p, map_len, le64_to_cpu(hdr->object_size),
				    GFP_KERNEL);
	if (ret == -EFSCORRUPTED)
		cachefiles_meta_corrupt(object, "content map");
	if (ret == 0) {
		object->disk_state = hdr->state;
		object->slot = hdr->version == CACHEFILES_META_VERSION_NOSLOT ?
			       CACHEFILES_CULL_NIL : le32_to_cpu(hdr->slot);
		if (hdr->map_where == CACHEFILES_MAP_SIDECAR)
			set_bit(CACHEFILES_OBJECT_SIDECAR, &object->flags);
	}
out:
	kvfree(map);
	kfree(buf);
	return ret;
}

/**
 * cachefiles_meta_store - Write an object's metadata
 * @object: The object
 * @state: The state to record: CLEAN at the final commit, OPEN at a checkpoint, UNSAFE before a change
 *	of data the disk map claims
 *
 * For CLEAN and OPEN the map is encoded first and the data synced next, so the map written never
 * claims data that is not durable.  UNSAFE is synced before returning.
 *
 * Context: process context, cache credentials, object->meta_mutex held.
 * Return: 0 or -errno.
 */
int cachefiles_meta_store(struct cachefiles_object *object, enum cachefiles_disk_state state)
{
	struct fscache_cookie *cookie = object->cookie;
	struct file *file = object->file;
	struct cachefiles_meta_disk *hdr;
	size_t fixed = sizeof(*hdr), map_len = 0, len;
	void *map = NULL;
	ssize_t enc;
	u8 *buf, *p;
	u8 where = CACHEFILES_MAP_NONE;
	int ret;

	lockdep_assert_held(&object->meta_mutex);

	if (state != CACHEFILES_DISK_UNSAFE) {
		struct cachefiles_map snap;

		/* The size cannot change under meta_mutex: snapshot the bits, encode unlocked. */
		ret = cachefiles_map_init(&snap, object->map.size, GFP_KERNEL);
		if (ret < 0)
			return ret;
		map_len = cachefiles_map_encoded_size(&snap);
		map = kvmalloc(map_len, GFP_KERNEL);
		if (!map) {
			cachefiles_map_free(&snap);
			return -ENOMEM;
		}
		spin_lock_irq(&object->lock);
		cachefiles_map_copy(&snap, &object->map);
		object->map.dirty = false;
		spin_unlock_irq(&object->lock);
		enc = cachefiles_map_encode(&snap, map, map_len);
		cachefiles_map_free(&snap);
		if (enc < 0) {
			ret = enc;
			goto out_map;
		}
		map_len = enc;
		where = map_len <= CACHEFILES_MAP_INLINE_MAX ? CACHEFILES_MAP_INLINE :
							       CACHEFILES_MAP_SIDECAR;
		/* What the map claims must be durable before the map is. */
		ret = vfs_fsync(file, 1);
		if (ret < 0)
			goto out_map;
		if (where == CACHEFILES_MAP_SIDECAR) {
			ret = cachefiles_sidecar_write(object, map, map_len);
			if (ret < 0)
				goto out_map;
		}
	}

	len = fixed + cookie->key_len + U8_MAX + (where == CACHEFILES_MAP_INLINE ? map_len : 0);
	buf = kzalloc(len, GFP_KERNEL);
	ret = -ENOMEM;
	if (!buf)
		goto out_map;
	hdr = (struct cachefiles_meta_disk *)buf;
	hdr->magic = cpu_to_le32(CACHEFILES_META_MAGIC);
	hdr->version = CACHEFILES_META_VERSION;
	hdr->state = state;
	hdr->map_where = where;
	hdr->key_len = cookie->key_len;
	p = buf + fixed;
	memcpy(p, fscache_get_key(cookie), cookie->key_len);
	p += cookie->key_len;
	spin_lock(&cookie->lock);
	hdr->aux_len = cookie->aux_len;
	memcpy(p, fscache_get_aux(cookie), cookie->aux_len);
	spin_unlock(&cookie->lock);
	p += hdr->aux_len;
	spin_lock_irq(&object->lock);
	hdr->object_size = cpu_to_le64(object->map.size);
	spin_unlock_irq(&object->lock);
	hdr->map_len = cpu_to_le32(map_len);
	hdr->slot = cpu_to_le32(object->slot);
	hdr->map_crc = cpu_to_le32(map ? cachefiles_meta_crc(map, map_len) : 0);
	if (where == CACHEFILES_MAP_INLINE) {
		memcpy(p, map, map_len);
		p += map_len;
	}
	len = p - buf;
	hdr->crc = cpu_to_le32(cachefiles_meta_crc(buf, len));

	ret = vfs_setxattr(&init_user_ns, file->f_path.dentry, CACHEFILES_XATTR_META, buf, len, 0);
	kfree(buf);
	if (ret == 0 && state == CACHEFILES_DISK_UNSAFE)
		ret = vfs_fsync(file, 0);
	trace_cachefiles_iter_meta(object->debug_id, state, map_len, ret);
	if (ret == 0) {
		object->disk_state = state;
		if (where == CACHEFILES_MAP_INLINE &&
		    test_and_clear_bit(CACHEFILES_OBJECT_SIDECAR, &object->flags))
			cachefiles_meta_remove_sidecar(object);
		if (where == CACHEFILES_MAP_SIDECAR)
			set_bit(CACHEFILES_OBJECT_SIDECAR, &object->flags);
	}
out_map:
	kvfree(map);
	if (ret < 0 && state != CACHEFILES_DISK_UNSAFE) {
		spin_lock_irq(&object->lock);
		object->map.dirty = true;
		spin_unlock_irq(&object->lock);
	}
	return ret;
}

/**
 * cachefiles_meta_mark_unsafe - Make sure the disk says the object's data may be changing
 * @object: The object
 *
 * Context: process context, cache credentials, object->meta_mutex held.
 * Return: 0 or -errno (the caller must then not change the data).
 */
int cachefiles_meta_mark_unsafe(struct cachefiles_object *object)
{
	lockdep_assert_held(&object->meta_mutex);
	if (object->disk_state == CACHEFILES_DISK_UNSAFE || object->disk_state == 0)
		return 0;
	return cachefiles_meta_store(object, CACHEFILES_DISK_UNSAFE);
}

/*
 * Read and check the metadata of an object file found by a walk of the tree or chosen by the culler,
 * with no cookie to compare it with.  @buf has room for CACHEFILES_META_MAX bytes.
 */
static ssize_t cachefiles_meta_read_raw(struct dentry *dentry, u8 *buf)
{
	struct cachefiles_meta_disk *hdr = (struct cachefiles_meta_disk *)buf;
	ssize_t len;
	u32 crc;

	len = vfs_getxattr(&init_user_ns, dentry, CACHEFILES_XATTR_META, buf, CACHEFILES_META_MAX);
	if (len < 0)
		return len == -ERANGE ? -EFSCORRUPTED : len;
	if (len < sizeof(*hdr))
		return -ENODATA;
	if (le32_to_cpu(hdr->magic) != CACHEFILES_META_MAGIC ||
	    (hdr->version != CACHEFILES_META_VERSION &&
	     hdr->version != CACHEFILES_META_VERSION_NOSLOT) ||
	    sizeof(*hdr) + hdr->key_len + hdr->aux_len > len)
		return -EFSCORRUPTED;
	crc = le32_to_cpu(hdr->crc);
	hdr->crc = 0;
	if (cachefiles_meta_crc(buf, len) != crc)
		return -EFSCORRUPTED;
	hdr->crc = cpu_to_le32(crc);
	return len;
}

/**
 * cachefiles_meta_peek - Read the slot and key an object file's metadata records
 * @dentry: The object file
 * @slot: Set to its slot, or CACHEFILES_CULL_NIL if it has none (version 1)
 * @key: Room for U8_MAX bytes, set to the cookie's key
 * @key_len: Set to the key's length
 *
 * Context: process context, cache credentials.
 * Return: 0, -ENODATA for a file with no metadata yet, -EFSCORRUPTED, or another -errno.
 */
int cachefiles_meta_peek(struct dentry *dentry, u32 *slot, u8 *key, u8 *key_len)
{
	const struct cachefiles_meta_disk *hdr;
	ssize_t len;
	u8 *buf;

	buf = kmalloc(CACHEFILES_META_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = cachefiles_meta_read_raw(dentry, buf);
	if (len >= 0) {
		hdr = (const struct cachefiles_meta_disk *)buf;
		*slot = hdr->version == CACHEFILES_META_VERSION_NOSLOT ? CACHEFILES_CULL_NIL :
			le32_to_cpu(hdr->slot);
		*key_len = hdr->key_len;
		memcpy(key, buf + sizeof(*hdr), hdr->key_len);
	}
	kfree(buf);
	return len < 0 ? len : 0;
}

/**
 * cachefiles_meta_set_slot - Record a new slot in an object file's metadata
 * @dir: The file's directory
 * @dentry: The object file (the background walk found it)
 * @old: The slot its metadata was seen to record (CACHEFILES_CULL_NIL for none)
 * @slot: The new slot
 *
 * A version 1 record becomes version 2; nothing else changes.  Not synced: a slot lost in a crash
 * is given again by the next walk.  The record is read and rewritten with @dir locked, and only if
 * no object holds the file (cachefiles_inode_mark_in_use() claims it under the same lock): an
 * object's own metadata writes must never be overwritten by this older copy.
 *
 * Context: process context, cache credentials, write access.
 * Return: 0, -EBUSY if an object holds the file or its record no longer names @old, or -errno.
 */
int cachefiles_meta_set_slot(struct dentry *dir, struct dentry *dentry, u32 old, u32 slot)
{
	struct cachefiles_meta_disk *hdr;
	ssize_t len;
	u32 was;
	u8 *buf;
	int ret;

	buf = kmalloc(CACHEFILES_META_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
	ret = -EBUSY;
	if (dentry->d_parent != dir || d_unhashed(dentry) ||
	    (READ_ONCE(d_inode(dentry)->i_flags) & S_KERNEL_FILE))
		goto out;
	len = cachefiles_meta_read_raw(dentry, buf);
	ret = len;
	if (len < 0)
		goto out;
	hdr = (struct cachefiles_meta_disk *)buf;
	was = hdr->version == CACHEFILES_META_VERSION_NOSLOT ? CACHEFILES_CULL_NIL :
	      le32_to_cpu(hdr->slot);
	ret = -EBUSY;
	if (was != old)
		goto out;
	hdr->version = CACHEFILES_META_VERSION;
	hdr->slot = cpu_to_le32(slot);
	hdr->crc = 0;
	hdr->crc = cpu_to_le32(cachefiles_meta_crc(buf, len));
	ret = vfs_setxattr(&init_user_ns, dentry, CACHEFILES_XATTR_META, buf, len, XATTR_REPLACE);
out:
	inode_unlock(d_inode(dir));
	kfree(buf);
	return ret;
}
