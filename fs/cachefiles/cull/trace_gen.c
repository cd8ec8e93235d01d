// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fscache-iter: the culling policy's synthetic trace, and its replay through the policy and an
 * LRU reference.
 *
 * Randomness is xorshift64* for streams and the splitmix64 finaliser for seeding and for per-object
 * values, so that an object's size is a pure function of (seed, id): no table is kept for it.
 * Powers and logarithms are fixed point (16 fractional bits) on integers, as the kernel has no
 * floating point: a Zipf weight is 2^(40 - alpha * log2(rank)), a size is
 * 2^(log2(median) + sigma * z) with z a normal deviate made as a sum of twelve uniforms.
 *
 * Both replays model what the cache does: a read misses the bytes the cache does not hold, which
 * are then written to it (a new object, or a larger one); the object is in use (pinned) for the
 * read; the cache then culls while it is over capacity.  Sizes are counted in the policy's 4 KiB
 * units on both sides, so the two caches hold the same bytes.
 *
 * This file is built in userspace too (tools/cullsim), through a shim: keep to the helpers used.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "trace_gen.h"

#define TG_Q			16		/* fixed point: 16 fractional bits */
#define TG_MANT_SHIFT		30		/* mantissas in [1, 2) as Q30 */
#define TG_WEIGHT_LOG2		40		/* the rank-1 object weighs 2^40 */
#define TG_NORMAL_TERMS		12		/* uniforms summed for one normal deviate */
#define TG_UNIFORM_SHIFT	(64 - TG_Q)	/* a random u64 to a Q16 uniform in [0, 1) */
#define TG_SIGMA_SHIFT		8		/* size_sigma is in 1/256ths */
#define TG_PERCENT		100
#define TG_SALT_SIZE		0x73697a65ULL	/* "size": keys per-object sizes */
#define TG_SALT_FP		0x66707270ULL	/* "fprp": keys fingerprints */
#define TG_FIRST_SLOTS		1024		/* replay slots before the first grow */
#define TG_NIL			U32_MAX

/* 2^(2^-(k + 1)) in Q30, k = 0..15: the factors of 2^f for the bits of a Q16 fraction f. */
static const u32 tg_exp2_frac[TG_Q] = {
	1518500250, 1276901417, 1170923762, 1121280436, 1097253708, 1085434106, 1079572136,
	1076653033, 1075196443, 1074468888, 1074105294, 1073923544, 1073832680, 1073787251,
	1073764537, 1073753181,
};

static u64 tg_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 tg_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u32 tg_rand32(u64 *state)
{
	return tg_rand(state) >> 32;
}

/* log2(@x) in Q16, for @x >= 1: the integer part from the top bit, the fraction by squaring. */
static s64 tg_log2(u64 x)
{
	int top = fls64(x) - 1;
	s64 r = (s64)top << TG_Q;
	u64 m;
	int bit;

	m = top >= TG_MANT_SHIFT ? x >> (top - TG_MANT_SHIFT) : x << (TG_MANT_SHIFT - top);
	for (bit = TG_Q - 1; bit >= 0; bit--) {
		m = (m * m) >> TG_MANT_SHIFT;
		if (m >= 2ULL << TG_MANT_SHIFT) {
			m >>= 1;
			r += 1LL << bit;
		}
	}
	return r;
}

/* 2^(@e / 2^16), rounded down, for 0 <= @e < 64 << 16. */
static u64 tg_exp2(s64 e)
{
	u32 top = e >> TG_Q;
	u64 m = 1ULL << TG_MANT_SHIFT;
	int k;

	for (k = 0; k < TG_Q; k++)
		if (e & (1LL << (TG_Q - 1 - k)))
			m = (m * tg_exp2_frac[k]) >> TG_MANT_SHIFT;
	return top >= TG_MANT_SHIFT ? m << (top - TG_MANT_SHIFT) : m >> (TG_MANT_SHIFT - top);
}

/**
 * cachefiles_cull_trace_default - The trace of the KUnit replay.
 * @params: Filled in.
 *
 * 20000 objects averaging about 1 MiB, read 400000 times, with Zipf 0.8 popularity; a scan of
 * 3000 new objects every 40000 reads; a quarter of the reads stop early.
 */
void cachefiles_cull_trace_default(struct cachefiles_cull_trace_params *params)
{
	params->seed = 0x5eedc0ffee;
	params->nr_objects = 20000;
	params->zipf_alpha = 80;
	params->size_median = 128 << 10;
	params->size_sigma = 3 << TG_SIGMA_SHIFT;
	params->nr_reads = 400000;
	params->scan_every = 40000;
	params->scan_objects = 3000;
	params->partial_percent = 25;
}

/**
 * cachefiles_cull_trace_init - Build a trace's popularity table and set its cursor to the start.
 * @t: The trace.
 * @params: What it looks like.
 *
 * May sleep.  Return: 0, -EINVAL for parameters out of range, -ENOMEM.
 */
int cachefiles_cull_trace_init(struct cachefiles_cull_trace *t,
			       const struct cachefiles_cull_trace_params *params)
{
	u64 sum = 0, ids;
	u32 i;

	memset(t, 0, sizeof(*t));
	if (!params->nr_objects || params->nr_objects > CACHEFILES_CULL_TRACE_MAX_OBJECTS ||
	    params->zipf_alpha > CACHEFILES_CULL_TRACE_MAX_ALPHA ||
	    params->size_median < CACHEFILES_CULL_TRACE_MIN_SIZE ||
	    params->size_median > CACHEFILES_CULL_TRACE_MAX_SIZE ||
	    params->partial_percent > TG_PERCENT)
		return -EINVAL;
	t->params = *params;
	if (params->scan_every && params->nr_reads)
		t->nr_scans = (params->nr_reads - 1) / params->scan_every;
	ids = params->nr_objects + (u64)t->nr_scans * params->scan_objects;
	if (ids >= TG_NIL)
		return -EINVAL;
	t->nr_ids = ids;

	t->cdf = kvmalloc_array(params->nr_objects, sizeof(*t->cdf), GFP_KERNEL);
	if (!t->cdf)
		return -ENOMEM;
	/* Ranks up to 2^20 and alpha up to 2 keep every weight at or above 2^0. */
	for (i = 0; i < params->nr_objects; i++) {
		s64 e = ((s64)TG_WEIGHT_LOG2 << TG_Q) -
			tg_log2(i + 1) * params->zipf_alpha / TG_PERCENT;

		sum += tg_exp2(e);
		t->cdf[i] = sum;
	}
	t->total_weight = sum;
	cachefiles_cull_trace_rewind(t);
	return 0;
}

/**
 * cachefiles_cull_trace_destroy - Free a trace.
 * @t: The trace.
 */
void cachefiles_cull_trace_destroy(struct cachefiles_cull_trace *t)
{
	kvfree(t->cdf);
	t->cdf = NULL;
}

/**
 * cachefiles_cull_trace_rewind - Set a trace's cursor back to the start.
 * @t: The trace.
 */
void cachefiles_cull_trace_rewind(struct cachefiles_cull_trace *t)
{
	t->rng = tg_mix(t->params.seed) | 1;
	t->reads = 0;
	t->scans = 0;
	t->scan_left = 0;
}

/**
 * cachefiles_cull_trace_size - The size of one object of a trace.
 * @t: The trace.
 * @id: The object.
 *
 * Return: its size in bytes, CACHEFILES_CULL_TRACE_MIN_SIZE..CACHEFILES_CULL_TRACE_MAX_SIZE.
 */
u32 cachefiles_cull_trace_size(const struct cachefiles_cull_trace *t, u32 id)
{
	u64 state = tg_mix(t->params.seed ^ tg_mix(id + TG_SALT_SIZE)) | 1;
	s64 z = -((s64)(TG_NORMAL_TERMS / 2) << TG_Q);
	s64 e;
	int i;

	for (i = 0; i < TG_NORMAL_TERMS; i++)
		z += tg_rand(&state) >> TG_UNIFORM_SHIFT;
	e = tg_log2(t->params.size_median) + z * t->params.size_sigma / (1 << TG_SIGMA_SHIFT);
	e = clamp_t(s64, e, (s64)ilog2(CACHEFILES_CULL_TRACE_MIN_SIZE) << TG_Q,
		    (s64)ilog2(CACHEFILES_CULL_TRACE_MAX_SIZE) << TG_Q);
	return clamp_t(u64, tg_exp2(e), CACHEFILES_CULL_TRACE_MIN_SIZE,
		       CACHEFILES_CULL_TRACE_MAX_SIZE);
}

/* A catalogue rank drawn with Zipf weights: uniform below the total weight, then a search. */
static u32 tg_zipf(struct cachefiles_cull_trace *t)
{
	int bits = fls64(t->total_weight);
	u32 lo = 0, hi = t->params.nr_objects - 1;
	u64 u;

	do {
		u = tg_rand(&t->rng) >> (64 - bits);
	} while (u >= t->total_weight);
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (t->cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/**
 * cachefiles_cull_trace_next - The next read of a trace.
 * @t: The trace.
 * @req: Filled in.
 *
 * Scan k (k = 1..->nr_scans) comes before catalogue read k * scan_every.
 *
 * Return: false at the end of the trace.
 */
bool cachefiles_cull_trace_next(struct cachefiles_cull_trace *t,
				struct cachefiles_cull_trace_req *req)
{
	const struct cachefiles_cull_trace_params *tp = &t->params;
	u32 granules;

	if (!t->scan_left && t->scans < t->nr_scans &&
	    t->reads >= (u64)(t->scans + 1) * tp->scan_every) {
		t->scans++;
		t->scan_left = tp->scan_objects;
	}
	if (t->scan_left) {
		req->id = tp->nr_objects + t->scans * tp->scan_objects - t->scan_left;
		req->size = cachefiles_cull_trace_size(t, req->id);
		req->bytes = req->size;
		req->scan = true;
		t->scan_left--;
		return true;
	}
	if (t->reads >= tp->nr_reads)
		return false;
	t->reads++;
	req->id = tg_zipf(t);
	req->size = cachefiles_cull_trace_size(t, req->id);
	req->bytes = req->size;
	req->scan = false;
	granules = DIV_ROUND_UP(req->size, CACHEFILES_CULL_TRACE_GRANULE);
	if (tg_rand32(&t->rng) % TG_PERCENT < tp->partial_percent && granules > 1)
		req->bytes = (1 + tg_rand32(&t->rng) % (granules - 1)) *
			     CACHEFILES_CULL_TRACE_GRANULE;
	return true;
}

/**
 * cachefiles_cull_trace_footprint - The bytes a cache would need to hold the whole trace.
 * @t: The trace; its cursor is rewound.
 * @bytes: Set to the sum over objects of the most bytes read of each.
 *
 * May sleep.  Return: 0 or -ENOMEM.
 */
int cachefiles_cull_trace_footprint(struct cachefiles_cull_trace *t, u64 *bytes)
{
	struct cachefiles_cull_trace_req req;
	u32 *most;
	u64 sum = 0;
	u32 id;

	most = kvcalloc(t->nr_ids, sizeof(*most), GFP_KERNEL);
	if (!most)
		return -ENOMEM;
	cachefiles_cull_trace_rewind(t);
	while (cachefiles_cull_trace_next(t, &req))
		most[req.id] = max(most[req.id], req.bytes);
	for (id = 0; id < t->nr_ids; id++)
		sum += most[id];
	kvfree(most);
	cachefiles_cull_trace_rewind(t);
	*bytes = sum;
	return 0;
}

static u64 tg_units(u64 bytes)
{
	return DIV_ROUND_UP_ULL(bytes, CACHEFILES_CULL_UNIT_SIZE);
}

/* The S3-FIFO replay's slot allocator: slot <-> id maps and a stack of free slots. */
struct tg_slots {
	u32	*id_of;		/* [max] */
	u32	*free;		/* [max] */
	u32	nr_free;
	u32	max;
};

static int tg_slots_grow(struct tg_slots *s, struct cachefiles_cull_policy *p, u32 max)
{
	u32 *id_of, *free;
	u32 slot;
	int ret;

	ret = cachefiles_cull_policy_grow(p, max);
	if (ret)
		return ret;
	id_of = kvmalloc_array(max, sizeof(*id_of), GFP_KERNEL);
	free = kvmalloc_array(max, sizeof(*free), GFP_KERNEL);
	if (!id_of || !free) {
		kvfree(id_of);
		kvfree(free);
		return -ENOMEM;
	}
	if (s->max)
		memcpy(id_of, s->id_of, s->max * sizeof(*id_of));
	memcpy(free, s->free, s->nr_free * sizeof(*free));
	kvfree(s->id_of);
	kvfree(s->free);
	s->id_of = id_of;
	s->free = free;
	/* Lowest slots on top, so that slots are used from 0 up. */
	for (slot = max; slot > s->max; slot--)
		s->free[s->nr_free++] = slot - 1;
	s->max = max;
	return 0;
}

struct tg_replay {
	struct cachefiles_cull_policy	p;
	struct tg_slots			slots;
	u32				*slot_of;	/* [nr_ids]: TG_NIL if not cached */
	u32				*cached;	/* [nr_ids]: bytes cached, from offset 0 */
	u64				capacity;
	struct cachefiles_cull_replay	*res;
};

static void tg_replay_cull(struct tg_replay *r)
{
	u64 bytes;
	u32 slot;

	while (cachefiles_cull_policy_bytes(&r->p) > r->capacity &&
	       cachefiles_cull_policy_evict(&r->p, &slot, &bytes)) {
		u32 id = r->slots.id_of[slot];

		r->slot_of[id] = TG_NIL;
		r->cached[id] = 0;
		r->slots.free[r->slots.nr_free++] = slot;
		r->res->nr_evictions++;
	}
}

static int tg_replay_read(struct tg_replay *r, const struct cachefiles_cull_trace_req *req,
			  u64 fingerprint)
{
	u32 slot = r->slot_of[req->id];
	int ret;

	if (slot != TG_NIL) {
		u32 have = r->cached[req->id];

		cachefiles_cull_policy_access(&r->p, slot);
		ret = cachefiles_cull_policy_pin(&r->p, slot);
		if (ret)
			return ret;
		if (req->bytes > have) {
			r->res->miss_bytes += req->bytes - have;
			ret = cachefiles_cull_policy_resize(&r->p, slot, req->bytes);
			if (ret)
				return ret;
			r->cached[req->id] = req->bytes;
		}
	} else {
		r->res->miss_bytes += req->bytes;
		if (tg_units(req->bytes) > tg_units(r->capacity))
			return 0;	/* never admitted: it cannot fit */
		if (!r->slots.nr_free) {
			ret = tg_slots_grow(&r->slots, &r->p, r->slots.max * 2);
			if (ret)
				return ret;
		}
		slot = r->slots.free[--r->slots.nr_free];
		ret = cachefiles_cull_policy_insert(&r->p, slot, fingerprint, req->bytes);
		if (!ret)
			ret = cachefiles_cull_policy_pin(&r->p, slot);
		if (ret)
			return ret;
		r->slots.id_of[slot] = req->id;
		r->slot_of[req->id] = slot;
		r->cached[req->id] = req->bytes;
	}
	tg_replay_cull(r);
	ret = cachefiles_cull_policy_unpin(&r->p, slot);
	tg_replay_cull(r);	/* if the object alone was over capacity */
	return ret;
}

/**
 * cachefiles_cull_replay_policy - Replay a trace through the culling policy.
 * @t: The trace; its cursor is rewound.
 * @params: The policy's tunables, or NULL for the defaults.
 * @capacity: The cache's capacity in bytes.
 * @res: Filled in.
 *
 * May sleep.  Return: 0, -ENOMEM, or an error of the policy (a bug).
 */
int cachefiles_cull_replay_policy(struct cachefiles_cull_trace *t,
				  const struct cachefiles_cull_params *params, u64 capacity,
				  struct cachefiles_cull_replay *res)
{
	struct cachefiles_cull_trace_req req;
	struct tg_replay r = { .capacity = capacity, .res = res };
	u64 fp_key = tg_mix(t->params.seed ^ TG_SALT_FP);
	int ret;

	memset(res, 0, sizeof(*res));
	res->capacity = capacity;
	ret = cachefiles_cull_policy_init(&r.p, capacity, TG_FIRST_SLOTS, params);
	if (ret)
		return ret;
	r.slot_of = kvmalloc_array(t->nr_ids, sizeof(*r.slot_of), GFP_KERNEL);
	r.cached = kvcalloc(t->nr_ids, sizeof(*r.cached), GFP_KERNEL);
	ret = -ENOMEM;
	if (!r.slot_of || !r.cached)
		goto out;
	memset(r.slot_of, 0xff, t->nr_ids * sizeof(*r.slot_of));
	ret = tg_slots_grow(&r.slots, &r.p, TG_FIRST_SLOTS);
	if (ret)
		goto out;

	cachefiles_cull_trace_rewind(t);
	while (cachefiles_cull_trace_next(t, &req)) {
		res->nr_reads++;
		res->req_bytes += req.bytes;
		ret = tg_replay_read(&r, &req, tg_mix(fp_key ^ req.id));
		if (ret)
			break;
	}
	res->max_slots = r.slots.max;
	res->nr_ghost_hits = r.p.nr_ghost_hits;
	res->nr_promotions = r.p.nr_promotions;
	res->nr_reinsertions = r.p.nr_reinsertions;
out:
	kvfree(r.slots.id_of);
	kvfree(r.slots.free);
	kvfree(r.slot_of);
	kvfree(r.cached);
	cachefiles_cull_policy_destroy(&r.p);
	return ret;
}

/* The LRU reference: one list through the objects' ids, most recent at the head. */
struct tg_lru {
	u32	*prev;		/* [nr_ids]: towards the tail; TG_NIL at the tail */
	u32	*next;		/* [nr_ids]: towards the head */
	u32	*cached;	/* [nr_ids]: bytes cached; 0: not cached */
	bool	*in;		/* [nr_ids]: on the list */
	u32	head;
	u32	tail;
	u64	units;
};

static void tg_lru_unlink(struct tg_lru *l, u32 id)
{
	if (l->prev[id] != TG_NIL)
		l->next[l->prev[id]] = l->next[id];
	else
		l->tail = l->next[id];
	if (l->next[id] != TG_NIL)
		l->prev[l->next[id]] = l->prev[id];
	else
		l->head = l->prev[id];
	l->in[id] = false;
	l->units -= tg_units(l->cached[id]);
}

static void tg_lru_push(struct tg_lru *l, u32 id)
{
	l->prev[id] = l->head;
	l->next[id] = TG_NIL;
	if (l->head != TG_NIL)
		l->next[l->head] = id;
	else
		l->tail = id;
	l->head = id;
	l->in[id] = true;
	l->units += tg_units(l->cached[id]);
}

/**
 * cachefiles_cull_replay_lru - Replay a trace through an LRU cache of the same capacity.
 * @t: The trace; its cursor is rewound.
 * @capacity: The cache's capacity in bytes.
 * @res: Filled in.
 *
 * May sleep.  Return: 0 or -ENOMEM.
 */
int cachefiles_cull_replay_lru(struct cachefiles_cull_trace *t, u64 capacity,
			       struct cachefiles_cull_replay *res)
{
	struct cachefiles_cull_trace_req req;
	u64 cap_units = tg_units(capacity);
	struct tg_lru l = { .head = TG_NIL, .tail = TG_NIL };
	int ret = -ENOMEM;

	memset(res, 0, sizeof(*res));
	res->capacity = capacity;
	l.prev = kvmalloc_array(t->nr_ids, sizeof(*l.prev), GFP_KERNEL);
	l.next = kvmalloc_array(t->nr_ids, sizeof(*l.next), GFP_KERNEL);
	l.cached = kvcalloc(t->nr_ids, sizeof(*l.cached), GFP_KERNEL);
	l.in = kvcalloc(t->nr_ids, sizeof(*l.in), GFP_KERNEL);
	if (!l.prev || !l.next || !l.cached || !l.in)
		goto out;

	cachefiles_cull_trace_rewind(t);
	while (cachefiles_cull_trace_next(t, &req)) {
		u32 id = req.id;

		res->nr_reads++;
		res->req_bytes += req.bytes;
		if (l.in[id]) {
			tg_lru_unlink(&l, id);
		} else if (tg_units(req.bytes) > cap_units) {
			res->miss_bytes += req.bytes;
			continue;
		}
		if (req.bytes > l.cached[id]) {
			res->miss_bytes += req.bytes - l.cached[id];
			l.cached[id] = req.bytes;
		}
		tg_lru_push(&l, id);
		/* The object being read is at the head: it goes last. */
		while (l.units > cap_units) {
			u32 victim = l.tail;

			tg_lru_unlink(&l, victim);
			l.cached[victim] = 0;
			res->nr_evictions++;
		}
	}
	ret = 0;
out:
	kvfree(l.prev);
	kvfree(l.next);
	kvfree(l.cached);
	kvfree(l.in);
	return ret;
}
