// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: /proc/fs/fscache/{caches,volumes,cookies,stats}, in 6.1's formats.
 */
#include "internal.h"

#include <linux/proc_fs.h>

#define FSCACHE_PROC_DIR "fs/fscache"

/* One letter per state, as 6.1 shows them; flags are shown without the core-private bits. */
static const char fscache_cache_state_letters[NR__FSCACHE_CACHE_STATE] = "-PAEW";
static const char fscache_cookie_state_letters[FSCACHE_COOKIE_STATE__NR] = "-LCAIFUWRD";

static void *fscache_caches_start(struct seq_file *m, loff_t *pos)
	__acquires(&fscache_addremove_sem)
{
	down_read(&fscache_addremove_sem);
	return seq_list_start_head(&fscache_caches, *pos);
}

static void *fscache_caches_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &fscache_caches, pos);
}

static void fscache_caches_stop(struct seq_file *m, void *v)
	__releases(&fscache_addremove_sem)
{
	up_read(&fscache_addremove_sem);
}

static int fscache_caches_show(struct seq_file *m, void *v)
{
	struct fscache_cache *cache;

	if (v == &fscache_caches) {
		seq_puts(m, "CACHE    REF   VOLS  OBJS  ACCES S NAME\n"
			    "======== ===== ===== ===== ===== = ===============\n");
		return 0;
	}
	cache = list_entry(v, struct fscache_cache, cache_link);
	seq_printf(m, "%08x %5d %5d %5d %5d %c %s\n", cache->debug_id, refcount_read(&cache->ref),
		   atomic_read(&cache->n_volumes), atomic_read(&cache->object_count),
		   atomic_read(&cache->n_accesses),
		   fscache_cache_state_letters[fscache_cache_state_read(cache)],
		   cache->name ?: "-");
	return 0;
}

static const struct seq_operations fscache_caches_seq_ops = {
	.start	= fscache_caches_start,
	.next	= fscache_caches_next,
	.stop	= fscache_caches_stop,
	.show	= fscache_caches_show,
};

static void *fscache_volumes_start(struct seq_file *m, loff_t *pos)
	__acquires(&fscache_volumes_lock)
{
	mutex_lock(&fscache_volumes_lock);
	return seq_list_start_head(&fscache_volumes, *pos);
}

static void *fscache_volumes_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &fscache_volumes, pos);
}

static void fscache_volumes_stop(struct seq_file *m, void *v)
	__releases(&fscache_volumes_lock)
{
	mutex_unlock(&fscache_volumes_lock);
}

static int fscache_volumes_show(struct seq_file *m, void *v)
{
	struct fscache_volume *volume;

	if (v == &fscache_volumes) {
		seq_puts(m, "VOLUME   REF   nCOOK ACC FL CACHE           KEY\n"
			    "======== ===== ===== === == =============== ================\n");
		return 0;
	}
	volume = list_entry(v, struct fscache_volume, proc_link);
	seq_printf(m, "%08x %5d %5d %3d %02lx %-15.15s %s\n", volume->debug_id,
		   refcount_read(&volume->ref), atomic_read(&volume->n_cookies),
		   atomic_read(&volume->n_accesses), volume->flags & GENMASK(FSCACHE_VOLUME_CREATING, 0),
		   volume->cache ? volume->cache->name : "-", volume->key + 1);
	return 0;
}

static const struct seq_operations fscache_volumes_seq_ops = {
	.start	= fscache_volumes_start,
	.next	= fscache_volumes_next,
	.stop	= fscache_volumes_stop,
	.show	= fscache_volumes_show,
};

static void *fscache_cookies_start(struct seq_file *m, loff_t *pos)
	__acquires(fscache_cookies_lock)
{
	read_lock(&fscache_cookies_lock);
	return seq_list_start_head(&fscache_cookies, *pos);
}

static void *fscache_cookies_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &fscache_cookies, pos);
}

static void fscache_cookies_stop(struct seq_file *m, void *v)
	__releases(fscache_cookies_lock)
{
	read_unlock(&fscache_cookies_lock);
}

/* %*ph prints at most 64 bytes; keys and aux data run to 255. */
static void fscache_seq_hex(struct seq_file *m, const u8 *p, unsigned int len)
{
	while (len) {
		unsigned int n = min(len, 64U);

		seq_printf(m, "%*phN", n, p);
		p += n;
		len -= n;
	}
}

static int fscache_cookies_show(struct seq_file *m, void *v)
{
	struct fscache_cookie *cookie;

	if (v == &fscache_cookies) {
		seq_puts(m, "COOKIE   VOLUME   REF ACT ACC S FL DEF             \n"
			    "======== ======== === === === = == ================\n");
		return 0;
	}
	cookie = list_entry(v, struct fscache_cookie, proc_link);
	seq_printf(m, "%08x %08x %3d %3d %3d %c %02lx", cookie->debug_id, cookie->volume->debug_id,
		   refcount_read(&cookie->ref), atomic_read(&cookie->n_active),
		   atomic_read(&cookie->n_accesses),
		   fscache_cookie_state_letters[fscache_cookie_state(cookie)],
		   cookie->flags & GENMASK(FSCACHE_COOKIE_DO_INVALIDATE, 0));
	seq_putc(m, ' ');
	fscache_seq_hex(m, fscache_get_key(cookie), cookie->key_len);
	if (cookie->aux_len) {
		seq_puts(m, ", ");
		fscache_seq_hex(m, fscache_get_aux(cookie), cookie->aux_len);
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations fscache_cookies_seq_ops = {
	.start	= fscache_cookies_start,
	.next	= fscache_cookies_next,
	.stop	= fscache_cookies_stop,
	.show	= fscache_cookies_show,
};

int __init fscache_proc_init(void)
{
	if (!proc_mkdir(FSCACHE_PROC_DIR, NULL))
		return -ENOMEM;
	if (!proc_create_seq(FSCACHE_PROC_DIR "/caches", 0444, NULL, &fscache_caches_seq_ops) ||
	    !proc_create_seq(FSCACHE_PROC_DIR "/volumes", 0444, NULL, &fscache_volumes_seq_ops) ||
	    !proc_create_seq(FSCACHE_PROC_DIR "/cookies", 0444, NULL, &fscache_cookies_seq_ops) ||
	    !fscache_proc_create_stats()) {
		remove_proc_subtree(FSCACHE_PROC_DIR, NULL);
		return -ENOMEM;
	}
	return 0;
}

void fscache_proc_exit(void)
{
	remove_proc_subtree(FSCACHE_PROC_DIR, NULL);
}
