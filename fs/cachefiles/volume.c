// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: volumes, one directory each in the cache.
 *
 * A volume's directory is named from its key and carries the volume's coherency data in an xattr; when
 * that differs from what the netfs gives now (the server's volume was replaced, say), everything under
 * it is stale: the directory goes to the graveyard and an empty one takes its place.
 */
#include "internal.h"

#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/xattr.h>

/**
 * cachefiles_volume_dirname_of - The directory name of a volume key
 * @key: The key's bytes
 * @len: Its length
 *
 * V<key>, bytes outside [!-~], '/' and '%' as %XX.
 *
 * Return: the name (kfree() it), NULL on -ENOMEM, or ERR_PTR(-ENAMETOOLONG).
 */
char *cachefiles_volume_dirname_of(const u8 *key, unsigned int len)
{
	unsigned int i;
	char *name, *p;

	name = kmalloc(1 + len * 3 + 1, GFP_KERNEL);
	if (!name)
		return NULL;
	p = name;
	*p++ = CACHEFILES_VOLUME_PREFIX;
	for (i = 0; i < len; i++) {
		if (key[i] > ' ' && key[i] <= '~' && key[i] != '/' && key[i] != '%')
			*p++ = key[i];
		else
			p += sprintf(p, "%%%02x", key[i]);
	}
	*p = '\0';
	if (p - name > NAME_MAX) {
		kfree(name);
		return ERR_PTR(-ENAMETOOLONG);
	}
	return name;
}

/* Volume keys are kept length-prefixed by fscache. */
static char *cachefiles_volume_dirname(const struct fscache_volume *vcookie)
{
	const u8 *key = vcookie->key;

	return cachefiles_volume_dirname_of(key + 1, key[0]);
}

/* Check the directory's coherency data against the volume's; write it if there is none. */
static int cachefiles_volume_check(struct cachefiles_volume *volume)
{
	struct fscache_volume *vcookie = volume->vcookie;
	size_t len = vcookie->coherency_len;
	ssize_t got;
	u8 *buf;
	int ret = 0;

	buf = kmalloc(len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	got = vfs_getxattr(&init_user_ns, volume->dentry, CACHEFILES_XATTR_VOLUME, buf, len + 1);
	if (got == -ENODATA) {
		ret = vfs_setxattr(&init_user_ns, volume->dentry, CACHEFILES_XATTR_VOLUME,
				   vcookie->coherency, len, 0);
	} else if (got == -ERANGE) {
		ret = -ESTALE;		/* longer than what the netfs gives now */
	} else if (got < 0) {
		ret = got;
	} else if (got != len || memcmp(buf, vcookie->coherency, len) != 0) {
		ret = -ESTALE;
	}
	kfree(buf);
	return ret;
}

static struct dentry *cachefiles_volume_dir(struct cachefiles_cache *cache,
					    struct cachefiles_volume *volume, const char *name)
{
	struct dentry *dentry;
	int ret;

	dentry = cachefiles_dir_get(cache, cache->root.dentry, name);
	if (IS_ERR(dentry))
		return dentry;
	volume->dentry = dentry;
	ret = cachefiles_volume_check(volume);
	if (ret != -ESTALE) {
		volume->dentry = NULL;
		if (ret < 0) {
			dput(dentry);
			return ERR_PTR(ret);
		}
		return dentry;
	}

	pr_info("%s: volume %s is out of date: discarding it\n", cache->tag, name);
	volume->dentry = NULL;
	ret = cachefiles_bury(cache, cache->root.dentry, name, d_inode(dentry));
	dput(dentry);
	if (ret < 0)
		return ERR_PTR(ret);
	dentry = cachefiles_dir_get(cache, cache->root.dentry, name);
	if (IS_ERR(dentry))
		return dentry;
	volume->dentry = dentry;
	ret = cachefiles_volume_check(volume);
	volume->dentry = NULL;
	if (ret < 0) {
		dput(dentry);
		return ERR_PTR(ret);
	}
	return dentry;
}

/**
 * cachefiles_volume_acquire - Set up a volume in the cache (->acquire_volume)
 * @vcookie: The volume
 *
 * On failure the volume stays without cache_priv and its cookies run uncached.
 *
 * Context: process context, inside an access to the cache.
 */
void cachefiles_volume_acquire(struct fscache_volume *vcookie)
{
	struct cachefiles_cache *cache = vcookie->cache->cache_priv;
	struct cachefiles_volume *volume;
	const struct cred *saved;
	struct dentry *dentry;
	char *name;

	volume = kzalloc(sizeof(*volume), GFP_KERNEL);
	if (!volume)
		return;
	volume->cache = cache;
	volume->vcookie = vcookie;
	mutex_init(&volume->fanout_lock);

	name = cachefiles_volume_dirname(vcookie);
	if (IS_ERR_OR_NULL(name))
		goto err;
	if (cachefiles_begin_change(cache, &saved) < 0)
		goto err_name;
	dentry = cachefiles_volume_dir(cache, volume, name);
	cachefiles_end_change(cache, saved);
	if (IS_ERR(dentry)) {
		cachefiles_warn(cache, "cannot set up volume %s: %ld", name, PTR_ERR(dentry));
		goto err_name;
	}
	kfree(name);
	volume->dentry = dentry;

	spin_lock(&cache->lock);
	list_add_tail(&volume->link, &cache->volumes);
	spin_unlock(&cache->lock);
	/* The cache pin: no wake-up at zero accesses while we have it; fscache_withdraw_volume() drops it. */
	trace_fscache_access_volume(vcookie->debug_id, 0, refcount_read(&vcookie->ref),
				    atomic_inc_return(&vcookie->n_accesses), fscache_access_cache_pin);
	vcookie->cache_priv = volume;
	return;

err_name:
	kfree(name);
err:
	kfree(volume);
}

static void cachefiles_volume_destroy(struct cachefiles_volume *volume)
{
	int i;

	for (i = 0; i < CACHEFILES_FANOUT; i++)
		dput(volume->fanout[i]);
	dput(volume->dentry);
	kfree(volume);
}

/**
 * cachefiles_volume_free - Release a relinquished volume (->free_volume)
 * @vcookie: The volume
 *
 * Context: process context, inside an access to the volume.
 */
void cachefiles_volume_free(struct fscache_volume *vcookie)
{
	struct cachefiles_volume *volume = READ_ONCE(vcookie->cache_priv);
	struct cachefiles_cache *cache;
	bool mine;

	if (!volume)
		return;		/* cache withdrawal had it */
	cache = volume->cache;
	spin_lock(&cache->lock);
	mine = !list_empty(&volume->link);
	list_del_init(&volume->link);
	spin_unlock(&cache->lock);
	if (!mine)
		return;		/* cache withdrawal has it */
	vcookie->cache_priv = NULL;
	cachefiles_volume_destroy(volume);
}

/**
 * cachefiles_volumes_withdraw - Hand every volume of a withdrawn cache back to fscache
 * @cache: The cache, with no objects left
 */
void cachefiles_volumes_withdraw(struct cachefiles_cache *cache)
{
	struct cachefiles_volume *volume;
	struct fscache_volume *vcookie;

	for (;;) {
		vcookie = NULL;
		spin_lock(&cache->lock);
		volume = list_first_entry_or_null(&cache->volumes, struct cachefiles_volume, link);
		if (volume) {
			/*
			 * Hold the volume so that it cannot be freed under us.  If it is already on
			 * its way out, ->free_volume() is about to take it off the list: wait for that.
			 */
			vcookie = fscache_try_get_volume(volume->vcookie, fscache_volume_get_withdraw);
			if (vcookie)
				list_del_init(&volume->link);
		}
		spin_unlock(&cache->lock);
		if (!volume)
			break;
		if (!vcookie) {
			schedule_timeout_uninterruptible(1);
			continue;
		}
		fscache_withdraw_volume(vcookie);
		WRITE_ONCE(vcookie->cache_priv, NULL);
		cachefiles_volume_destroy(volume);
		fscache_put_volume(vcookie, fscache_volume_put_withdraw);
	}
}
