// SPDX-License-Identifier: GPL-2.0
/*
 * mkcache: fill an unbound cache directory with N synthetic objects and the culler state of a cache
 * cleanly unbound, written from the on-disk format (Documentation/filesystems/caching/
 * cachefiles-iter-format.rst), for the cull-bind suite: binding a cache of 100k objects must not
 * walk it.
 *
 *   mkcache CACHE_DIR VOLUME_DIR N
 *
 * VOLUME_DIR is the name of an existing volume directory of CACHE_DIR (V...); its fan-out
 * directories are made if missing.  Object i is VOLUME_DIR/@(i % 256)/X<key>, its key 8 bytes (0xfc000000 + i, little-
 * endian: no 9p qid of the suite's share comes near), empty, with version 2 metadata naming slot i;
 * cull-slots.map has a record per slot, cull-log.map a compacted section of N small-FIFO entries,
 * flagged complete, and the cache directory a clean usage record.  Existing objects are not
 * removed: the suite empties the volume first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define META_MAGIC	0x49435346u	/* "FSCI" */
#define META_VERSION	2
#define META_CLEAN	1
#define MAP_INLINE	1
#define META_HDR	36
#define KEY_LEN		8
#define OBJ_OVERHEAD	4096u		/* CACHEFILES_OBJECT_OVERHEAD */
#define UNIT		4096u		/* the policy's size unit */
#define SLOT_MAGIC	0x53435346u	/* "FSCS" */
#define SLOT_SIZE	512
#define LOG_MAGIC	0x4c435346u	/* "FSCL" */
#define LOG_VERSION	1
#define LOG_COMPLETE	1
#define LOG_HDR		32
#define REC_SIZE	16
#define Q_SMALL		1
#define USAGE_MAGIC	0x55435346u	/* "FSCU" */
#define USAGE_SIZE	32
#define MAX_OBJECTS	(1u << 24)

static uint32_t crc_table[256];

/* The kernel's __crc32c_le(): reflected Castagnoli polynomial, no final inversion. */
static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

static void die(const char *what)
{
	fprintf(stderr, "mkcache: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_all(int fd, const void *buf, size_t len, off_t pos, const char *what)
{
	if (pwrite(fd, buf, len, pos) != (ssize_t)len)
		die(what);
}

int main(int argc, char **argv)
{
	static uint8_t slot_rec[SLOT_SIZE];
	uint8_t meta[META_HDR + KEY_LEN], key[KEY_LEN], hdr[LOG_HDR], usage[USAGE_SIZE];
	uint64_t total = 0;
	uint32_t n, rcrc = ~0u;
	uint8_t *recs;
	char path[4096], name[2 + 2 * KEY_LEN];
	int dir, fd, slots, log;

	if (argc != 4 || !(n = strtoul(argv[3], NULL, 10)) || n > MAX_OBJECTS) {
		fprintf(stderr, "usage: mkcache CACHE_DIR VOLUME_DIR N (1..%u)\n", MAX_OBJECTS);
		return 2;
	}
	crc_init();
	dir = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (dir < 0)
		die(argv[1]);
	recs = calloc(n, REC_SIZE);
	if (!recs)
		die("memory");
	slots = openat(dir, "cull-slots.map", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (slots < 0)
		die("cull-slots.map");

	for (uint32_t i = 0; i < n; i++) {
		unsigned int fan = i % 256, vlen = strlen(argv[2]), nlen;
		uint64_t k = 0xfc000000ull + i, bytes;
		struct stat st;

		for (int b = 0; b < KEY_LEN; b++) {
			key[b] = k >> (8 * b);
			sprintf(name + 1 + 2 * b, "%02x", key[b]);
		}
		name[0] = 'X';
		nlen = strlen(name);
		/* The backend makes a fan-out directory when it first needs it. */
		snprintf(path, sizeof(path), "%s/@%02x", argv[2], fan);
		if (i < 256 && mkdirat(dir, path, 0700) < 0 && errno != EEXIST)
			die(path);
		snprintf(path, sizeof(path), "%s/@%02x/%s", argv[2], fan, name);
		fd = openat(dir, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			die(path);

		memset(meta, 0, sizeof(meta));
		put32(meta, META_MAGIC);
		meta[4] = META_VERSION;
		meta[5] = META_CLEAN;
		meta[6] = MAP_INLINE;
		meta[7] = KEY_LEN;
		meta[8] = 0;				/* no aux data */
		put64(meta + 12, 0);			/* object size */
		put32(meta + 20, 0);			/* empty map */
		put32(meta + 24, ~0u);			/* crc32c of nothing */
		put32(meta + 32, i);			/* the slot */
		memcpy(meta + META_HDR, key, KEY_LEN);
		put32(meta + 28, crc32c(~0u, meta, sizeof(meta)));
		if (fsetxattr(fd, "trusted.fscache.meta", meta, sizeof(meta), 0) < 0)
			die("fsetxattr");
		if (fstat(fd, &st) < 0)
			die("fstat");
		close(fd);
		bytes = (uint64_t)st.st_blocks * 512 + OBJ_OVERHEAD;
		total += bytes;

		memset(slot_rec, 0, sizeof(slot_rec));
		put32(slot_rec, SLOT_MAGIC);
		put32(slot_rec + 4, i);
		slot_rec[12] = fan;
		slot_rec[13] = vlen;
		slot_rec[14] = nlen;
		memcpy(slot_rec + 16, argv[2], vlen);
		memcpy(slot_rec + 16 + vlen, name, nlen);
		put32(slot_rec + 8, crc32c(~0u, slot_rec, sizeof(slot_rec)));
		write_all(slots, slot_rec, sizeof(slot_rec), (off_t)i * SLOT_SIZE, "cull-slots.map");

		/* The small FIFO, oldest first: slot, units, fingerprint (never 0), queue, counter. */
		put32(recs + (size_t)i * REC_SIZE, i);
		put32(recs + (size_t)i * REC_SIZE + 4, (bytes + UNIT - 1) / UNIT);
		put32(recs + (size_t)i * REC_SIZE + 8, 0x9e3779b9u * (i + 1) | 1);
		recs[(size_t)i * REC_SIZE + 12] = Q_SMALL;
	}
	if (fsync(slots) < 0)
		die("fsync cull-slots.map");
	close(slots);

	rcrc = crc32c(~0u, recs, (size_t)n * REC_SIZE);
	memset(hdr, 0, sizeof(hdr));
	put32(hdr, LOG_MAGIC);
	hdr[4] = LOG_VERSION;
	hdr[5] = LOG_COMPLETE;
	put32(hdr + 8, n);
	put32(hdr + 12, n);
	put32(hdr + 16, rcrc);
	put32(hdr + 28, crc32c(~0u, hdr, sizeof(hdr)));
	log = openat(dir, "cull-log.map", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (log < 0)
		die("cull-log.map");
	write_all(log, hdr, sizeof(hdr), 0, "cull-log.map");
	write_all(log, recs, (size_t)n * REC_SIZE, LOG_HDR, "cull-log.map");
	if (fsync(log) < 0)
		die("fsync cull-log.map");
	close(log);
	free(recs);

	memset(usage, 0, sizeof(usage));
	put32(usage, USAGE_MAGIC);
	usage[4] = 1;
	usage[5] = 1;				/* clean */
	put64(usage + 8, total);
	put64(usage + 16, n);
	put32(usage + 24, crc32c(~0u, usage, sizeof(usage)));
	if (fsetxattr(dir, "trusted.fscache.usage", usage, sizeof(usage), 0) < 0)
		die("fsetxattr usage");
	if (syncfs(dir) < 0)
		die("syncfs");
	printf("%u %llu\n", n, (unsigned long long)total);
	return 0;
}
