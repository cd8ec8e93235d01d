/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fscache-iter: a seeded synthetic cache trace, and its replay through the culling policy and
 * through an LRU reference, to compare byte miss ratios.
 *
 * The trace is a stream of whole-object reads: a catalogue of objects read with Zipf popularity,
 * with lognormal sizes (heavy-tailed: a few large objects hold most of the bytes) clamped to
 * 4 KiB..256 MiB, each read covering the object's first N granules of 256 KiB (the whole object
 * most of the time); and, periodically, a one-pass scan of objects never seen before or after.
 * Everything is integer arithmetic from one seed, so a trace is the same on every machine, in the
 * kernel (KUnit) and in userspace (tools/cullsim).
 *
 * Locking: none; a trace and a replay belong to one caller.  Used by tests only.
 */
#ifndef _FS_CACHEFILES_CULL_TRACE_GEN_H
#define _FS_CACHEFILES_CULL_TRACE_GEN_H

#include <linux/types.h>

#include "policy.h"

#define CACHEFILES_CULL_TRACE_GRANULE	(256U << 10)	/* read granule, as the cache's */
#define CACHEFILES_CULL_TRACE_MIN_SIZE	(4U << 10)
#define CACHEFILES_CULL_TRACE_MAX_SIZE	(256U << 20)
#define CACHEFILES_CULL_TRACE_MAX_OBJECTS	(1U << 20)	/* catalogue size limit */
#define CACHEFILES_CULL_TRACE_MAX_ALPHA		200		/* Zipf exponent 2.00 */

/**
 * struct cachefiles_cull_trace_params - What a trace looks like.
 * @seed: Seed of everything random.
 * @nr_objects: Catalogue size (1..CACHEFILES_CULL_TRACE_MAX_OBJECTS).
 * @zipf_alpha: Zipf exponent of the catalogue's popularity, in hundredths (0..200).
 * @size_median: Median object size in bytes.
 * @size_sigma: Standard deviation of log2(size), in 1/256ths.
 * @nr_reads: Number of catalogue reads.
 * @scan_every: Catalogue reads between two scans (0: no scans).
 * @scan_objects: Objects per scan.
 * @partial_percent: Share of reads that stop before the object's end, in percent.
 */
struct cachefiles_cull_trace_params {
	u64	seed;
	u32	nr_objects;
	u32	zipf_alpha;
	u32	size_median;
	u32	size_sigma;
	u32	nr_reads;
	u32	scan_every;
	u32	scan_objects;
	u32	partial_percent;
};

/**
 * struct cachefiles_cull_trace - A trace and its read cursor.
 * @params: The trace's parameters.
 * @cdf: Cumulative Zipf weights of the catalogue ranks; object id = rank.
 * @total_weight: The last element of @cdf.
 * @nr_scans: Number of scans.
 * @nr_ids: Catalogue plus scan objects; ids are 0..@nr_ids - 1, scans' after the catalogue's.
 * @rng: Cursor: generator state.
 * @reads: Cursor: catalogue reads emitted.
 * @scans: Cursor: scans started.
 * @scan_left: Cursor: objects left to emit in the current scan.
 */
struct cachefiles_cull_trace {
	struct cachefiles_cull_trace_params	params;
	u64					*cdf;
	u64					total_weight;
	u32					nr_scans;
	u32					nr_ids;
	u64					rng;
	u32					reads;
	u32					scans;
	u32					scan_left;
};

/**
 * struct cachefiles_cull_trace_req - One read of the trace.
 * @id: The object.
 * @size: The object's size in bytes.
 * @bytes: Bytes read, from offset 0: @size, or a whole number of granules below it.
 * @scan: Part of a one-pass scan.
 */
struct cachefiles_cull_trace_req {
	u32	id;
	u32	size;
	u32	bytes;
	bool	scan;
};

/**
 * struct cachefiles_cull_replay - What a replay measured.
 * @capacity: Cache capacity in bytes.
 * @req_bytes: Bytes read.
 * @miss_bytes: Bytes not found in the cache.
 * @nr_reads: Reads replayed.
 * @nr_evictions: Objects culled.
 * @max_slots: Slots the policy needed (policy replay only).
 * @nr_ghost_hits: The policy's counter of that name at the end (policy replay only).
 * @nr_promotions: Likewise.
 * @nr_reinsertions: Likewise.
 */
struct cachefiles_cull_replay {
	u64	capacity;
	u64	req_bytes;
	u64	miss_bytes;
	u64	nr_reads;
	u64	nr_evictions;
	u32	max_slots;
	u64	nr_ghost_hits;
	u64	nr_promotions;
	u64	nr_reinsertions;
};

void cachefiles_cull_trace_default(struct cachefiles_cull_trace_params *params);
int cachefiles_cull_trace_init(struct cachefiles_cull_trace *t,
			       const struct cachefiles_cull_trace_params *params);
void cachefiles_cull_trace_destroy(struct cachefiles_cull_trace *t);
void cachefiles_cull_trace_rewind(struct cachefiles_cull_trace *t);
bool cachefiles_cull_trace_next(struct cachefiles_cull_trace *t,
				struct cachefiles_cull_trace_req *req);
u32 cachefiles_cull_trace_size(const struct cachefiles_cull_trace *t, u32 id);
int cachefiles_cull_trace_footprint(struct cachefiles_cull_trace *t, u64 *bytes);

int cachefiles_cull_replay_policy(struct cachefiles_cull_trace *t,
				  const struct cachefiles_cull_params *params, u64 capacity,
				  struct cachefiles_cull_replay *res);
int cachefiles_cull_replay_lru(struct cachefiles_cull_trace *t, u64 capacity,
			       struct cachefiles_cull_replay *res);

#endif /* _FS_CACHEFILES_CULL_TRACE_GEN_H */
