// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the culler's victim-selection policy.
 *
 * Hand-made traces check each rule on a few objects of one unit (4 KiB) each, where the expected
 * victim can be worked out by hand; every case also checks the policy's own bookkeeping (the
 * queues walked link by link against their counts and byte totals) with cpt_check().  A random
 * sequence of every call is checked against a plain model of what is tracked and pinned.  The
 * replay runs the seeded synthetic trace of trace_gen.c through the policy and through an LRU
 * reference at 1, 5 and 10 % of the trace's footprint and asserts our byte miss ratio is at most
 * 0.9 times LRU's.
 *
 * Every policy a case makes is in its struct cpt_ctx and destroyed by .exit, so a failed assertion
 * leaks nothing.
 */
#include <kunit/test.h>
#include <linux/math64.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <asm/byteorder.h>

#include "policy.h"
#include "trace_gen.h"

#define U			CACHEFILES_CULL_UNIT_SIZE
#define CPT_POLICIES		2
#define CPT_SEED		0xc0111ULL
#define CPT_FILLER_FP		0xf111e000ULL
#define CPT_FUZZ_SLOTS		64
#define CPT_FUZZ_OPS		20000
#define CPT_FUZZ_MAX_UNITS	40
#define CPT_SCAN_HOT		50
#define CPT_SCAN_COLD		1000
#define CPT_COLD_OBJECTS	100	/* cpt_ghost_cold_start: a full small FIFO, main empty */
#define CPT_COLD_AGED		20	/* ... and victims after the one that comes back */
#define CPT_TARGET_NUM		9	/* ours <= 9/10 of LRU's byte miss ratio */
#define CPT_TARGET_DEN		10

struct cpt_ctx {
	struct cachefiles_cull_policy	p[CPT_POLICIES];
	bool				live[CPT_POLICIES];
	struct cachefiles_cull_trace	trace;
	bool				trace_live;
};

static int cpt_init(struct kunit *test)
{
	struct cpt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void cpt_exit(struct kunit *test)
{
	struct cpt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < CPT_POLICIES; i++)
		if (ctx->live[i])
			cachefiles_cull_policy_destroy(&ctx->p[i]);
	if (ctx->trace_live)
		cachefiles_cull_trace_destroy(&ctx->trace);
}

/* Policy @i of the case, made with @capacity_units and @slots (and @params, NULL: defaults). */
static struct cachefiles_cull_policy *cpt_policy(struct kunit *test, int i, u64 capacity_units,
						  u32 slots,
						  const struct cachefiles_cull_params *params)
{
	struct cpt_ctx *ctx = test->priv;

	KUNIT_ASSERT_FALSE(test, ctx->live[i]);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_init(&ctx->p[i], capacity_units * U, slots,
							  params), 0);
	ctx->live[i] = true;
	return &ctx->p[i];
}

/* Walk one queue: links consistent both ways, entries in that queue and unpinned, totals right. */
static void cpt_check_queue(struct kunit *test, const struct cachefiles_cull_policy *p,
			    const struct cachefiles_cull_queue *q, u8 id, u32 *count)
{
	u32 prev = CACHEFILES_CULL_NIL, slot, n = 0;
	u64 units = 0;

	for (slot = q->tail; slot != CACHEFILES_CULL_NIL; slot = p->entries[slot].next) {
		const struct cachefiles_cull_entry *e;

		KUNIT_ASSERT_LT(test, slot, p->max_objects);
		KUNIT_ASSERT_LE(test, n, q->count);
		e = &p->entries[slot];
		KUNIT_EXPECT_EQ(test, e->queue, id);
		KUNIT_EXPECT_EQ(test, e->pins, 0);
		KUNIT_EXPECT_EQ(test, e->prev, prev);
		KUNIT_EXPECT_LE(test, e->freq, p->params.freq_max);
		units += e->units;
		prev = slot;
		n++;
	}
	KUNIT_EXPECT_EQ(test, q->head, prev);
	KUNIT_EXPECT_EQ(test, n, q->count);
	KUNIT_EXPECT_EQ(test, units, q->units);
	*count += n;
}

static void cpt_check(struct kunit *test, const struct cachefiles_cull_policy *p)
{
	u32 slot, queued = 0, tracked = 0;
	u64 pinned = 0;

	cpt_check_queue(test, p, &p->small, CACHEFILES_CULL_Q_SMALL, &queued);
	cpt_check_queue(test, p, &p->main, CACHEFILES_CULL_Q_MAIN, &queued);
	for (slot = 0; slot < p->max_objects; slot++) {
		const struct cachefiles_cull_entry *e = &p->entries[slot];

		if (e->queue == CACHEFILES_CULL_Q_FREE)
			continue;
		tracked++;
		KUNIT_EXPECT_NE(test, e->fp, 0);
		if (e->pins) {
			pinned += e->units;
			queued++;
		}
	}
	KUNIT_EXPECT_EQ(test, queued, tracked);
	KUNIT_EXPECT_EQ(test, tracked, p->nr_tracked);
	KUNIT_EXPECT_EQ(test, pinned, p->pinned_units);
}

static void cpt_insert(struct kunit *test, struct cachefiles_cull_policy *p, u32 slot, u64 fp,
		       u64 bytes)
{
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_insert(p, slot, fp, bytes), 0);
}

/* Evict one victim, which must exist; return its slot. */
static u32 cpt_evict(struct kunit *test, struct cachefiles_cull_policy *p)
{
	u64 bytes = U64_MAX;
	u32 slot = U32_MAX;

	KUNIT_ASSERT_TRUE(test, cachefiles_cull_policy_evict(p, &slot, &bytes));
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_tracked(p, slot));
	KUNIT_EXPECT_EQ(test, bytes % U, 0);
	return slot;
}

static u8 cpt_queue_of(const struct cachefiles_cull_policy *p, u32 slot)
{
	return p->entries[slot].queue;
}

/*
 * One pass over many cold objects does not cost the hot set anything: the hot objects, accessed
 * while in the small FIFO, move to main; the cold ones never leave the small FIFO but as victims.
 */
static void cpt_scan_resistance(struct kunit *test)
{
	struct cachefiles_cull_policy *p;
	u32 i, slot;

	p = cpt_policy(test, 0, 2 * CPT_SCAN_HOT, CPT_SCAN_HOT + CPT_SCAN_COLD, NULL);
	for (i = 0; i < CPT_SCAN_HOT; i++)
		cpt_insert(test, p, i, i, U);
	for (i = 0; i < CPT_SCAN_HOT; i++)
		cachefiles_cull_policy_access(p, i);

	for (i = 0; i < CPT_SCAN_COLD; i++) {
		cpt_insert(test, p, CPT_SCAN_HOT + i, CPT_SCAN_HOT + i, U);
		while (cachefiles_cull_policy_bytes(p) > p->capacity_units * U) {
			slot = cpt_evict(test, p);
			KUNIT_ASSERT_GE_MSG(test, slot, CPT_SCAN_HOT, "hot object %u culled", slot);
		}
	}
	for (i = 0; i < CPT_SCAN_HOT; i++) {
		KUNIT_EXPECT_TRUE(test, cachefiles_cull_policy_tracked(p, i));
		KUNIT_EXPECT_EQ(test, cpt_queue_of(p, i), CACHEFILES_CULL_Q_MAIN);
	}
	KUNIT_EXPECT_EQ(test, p->nr_promotions, CPT_SCAN_HOT);
	KUNIT_EXPECT_EQ(test, p->nr_evictions, CPT_SCAN_COLD - CPT_SCAN_HOT);
	cpt_check(test, p);
}

/* An object accessed while in the small FIFO moves to main when it reaches the tail. */
static void cpt_small_promotion(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 10, 8, NULL);

	KUNIT_ASSERT_EQ(test, p->small_target, 1);
	cpt_insert(test, p, 0, 100, U);
	cpt_insert(test, p, 1, 101, U);
	cachefiles_cull_policy_access(p, 0);
	KUNIT_EXPECT_EQ(test, p->entries[0].freq, 1);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 0), CACHEFILES_CULL_Q_SMALL);

	/* 0 is the tail, accessed: it moves; 1 is then the tail, never accessed: the victim. */
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 1);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 0), CACHEFILES_CULL_Q_MAIN);
	KUNIT_EXPECT_EQ(test, p->entries[0].freq, 0);
	KUNIT_EXPECT_EQ(test, p->nr_promotions, 1);
	KUNIT_EXPECT_EQ(test, p->small.count, 0);
	KUNIT_EXPECT_EQ(test, p->main.count, 1);
	cpt_check(test, p);
}

/* With promote_min 2, one access is not enough. */
static void cpt_promote_min(struct kunit *test)
{
	struct cachefiles_cull_params params;
	struct cachefiles_cull_policy *p;

	cachefiles_cull_params_default(&params);
	params.promote_min = 2;
	p = cpt_policy(test, 0, 10, 8, &params);
	cpt_insert(test, p, 0, 100, U);
	cpt_insert(test, p, 1, 101, U);
	cachefiles_cull_policy_access(p, 0);
	cachefiles_cull_policy_access(p, 1);
	cachefiles_cull_policy_access(p, 1);
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 0);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 1), CACHEFILES_CULL_Q_SMALL);
	KUNIT_EXPECT_EQ(test, p->nr_promotions, 0);
	/* 1 (two accesses) moves to main with its counter reset, and is then main's only victim. */
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 1);
	KUNIT_EXPECT_EQ(test, p->nr_promotions, 1);
	KUNIT_EXPECT_EQ(test, p->nr_reinsertions, 0);
	cpt_check(test, p);
}

/*
 * Put @slot in main through an empty small FIFO: insert, access, and evict a filler behind it (with
 * a fingerprint of its own, so that it is no ghost hit).
 */
static void cpt_to_main(struct kunit *test, struct cachefiles_cull_policy *p, u32 slot, u32 filler)
{
	KUNIT_ASSERT_EQ(test, p->small.count, 0);
	cpt_insert(test, p, slot, slot, U);
	cachefiles_cull_policy_access(p, slot);
	cpt_insert(test, p, filler, CPT_FILLER_FP + p->nr_evictions, U);
	KUNIT_ASSERT_EQ(test, cpt_evict(test, p), filler);
	KUNIT_ASSERT_EQ(test, cpt_queue_of(p, slot), CACHEFILES_CULL_Q_MAIN);
}

/* Main's tail goes back to the head while its counter is non-zero, one less each time. */
static void cpt_main_reinsertion(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 10, 8, NULL);

	cpt_to_main(test, p, 0, 5);
	cpt_to_main(test, p, 1, 5);
	cachefiles_cull_policy_access(p, 0);
	cachefiles_cull_policy_access(p, 0);
	KUNIT_EXPECT_EQ(test, p->main.tail, 0);
	KUNIT_EXPECT_EQ(test, p->entries[0].freq, 2);

	/* 0 (counter 2) goes to the head with 1; 1 (counter 0) is the victim. */
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 1);
	KUNIT_EXPECT_EQ(test, p->entries[0].freq, 1);
	KUNIT_EXPECT_EQ(test, p->nr_reinsertions, 1);
	/* 0 goes round once more with 0, then is the victim. */
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 0);
	KUNIT_EXPECT_EQ(test, p->nr_reinsertions, 2);
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_evict(p, &(u32){ 0 }, &(u64){ 0 }));
	cpt_check(test, p);
}

/* The counter saturates at freq_max: five accesses buy three reinsertions, not five. */
static void cpt_counter_saturates(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 10, 8, NULL);
	int i;

	cpt_to_main(test, p, 0, 5);
	for (i = 0; i < 5; i++)
		cachefiles_cull_policy_access(p, 0);
	KUNIT_EXPECT_EQ(test, p->entries[0].freq, 3);
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 0);
	KUNIT_EXPECT_EQ(test, p->nr_reinsertions, 3);
}

/* A victim of the small FIFO inserted again goes straight to main, once. */
static void cpt_ghost_hit(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 10, 8, NULL);

	cpt_insert(test, p, 0, 0xabc, U);
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 0);

	cpt_insert(test, p, 1, 0xdef, U);	/* never culled: a miss */
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 1), CACHEFILES_CULL_Q_SMALL);
	cpt_insert(test, p, 2, 0xabc, U);	/* the victim, in another slot */
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 2), CACHEFILES_CULL_Q_MAIN);
	KUNIT_EXPECT_EQ(test, p->entries[2].freq, 0);
	KUNIT_EXPECT_EQ(test, p->nr_ghost_hits, 1);

	/* The hit was consumed; a removal is not the policy's choice and is not remembered. */
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_remove(p, 2), 0);
	cpt_insert(test, p, 2, 0xabc, U);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 2), CACHEFILES_CULL_Q_SMALL);
	KUNIT_EXPECT_EQ(test, p->nr_ghost_hits, 1);
	cpt_check(test, p);
}

/*
 * Ghost entries expire with the window (a share of main's object count), not only when the table
 * drops them: with main empty and many victims since, the old victim is a plain miss; with no
 * window it is still a hit.
 */
static void cpt_ghost_window(struct kunit *test)
{
	struct cachefiles_cull_params params;
	struct cachefiles_cull_policy *p[2];
	int i, k;

	cachefiles_cull_params_default(&params);
	p[0] = cpt_policy(test, 0, 10, 8, &params);
	params.ghost_window = 0;
	p[1] = cpt_policy(test, 1, 10, 8, &params);
	for (k = 0; k < 2; k++) {
		cpt_insert(test, p[k], 0, 0x5eed, U);
		KUNIT_ASSERT_EQ(test, cpt_evict(test, p[k]), 0);
		for (i = 0; i < 100; i++) {
			cpt_insert(test, p[k], 1, 0x1000 + i, U);
			KUNIT_ASSERT_EQ(test, cpt_evict(test, p[k]), 1);
		}
		cpt_insert(test, p[k], 0, 0x5eed, U);
	}
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p[0], 0), CACHEFILES_CULL_Q_SMALL);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p[1], 0), CACHEFILES_CULL_Q_MAIN);
}

/*
 * A cache filling from cold has an empty main FIFO: the ghost window then follows the small FIFO's
 * count, so that an object culled from small and asked for again soon still reaches main.
 */
static void cpt_ghost_cold_start(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, CPT_COLD_OBJECTS, 2 * CPT_COLD_OBJECTS,
						       NULL);
	int i;

	cpt_insert(test, p, 0, 0x5eed, U);
	for (i = 1; i < CPT_COLD_OBJECTS; i++)
		cpt_insert(test, p, i, 0x1000 + i, U);
	/* It goes first, then enough others that its age is a whole epoch (16 recordings). */
	KUNIT_ASSERT_EQ(test, cpt_evict(test, p), 0);
	for (i = 1; i <= CPT_COLD_AGED; i++)
		KUNIT_ASSERT_EQ(test, cpt_evict(test, p), i);
	KUNIT_ASSERT_EQ(test, p->main.count, 0);
	cpt_insert(test, p, 0, 0x5eed, U);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 0), CACHEFILES_CULL_Q_MAIN);
	KUNIT_EXPECT_EQ(test, p->nr_ghost_hits, 1);
	cpt_check(test, p);
}

/* Pinned objects are never victims; with everything pinned there is none; pins nest. */
static void cpt_pinned(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 10, 8, NULL);
	u32 slot;
	u64 bytes;
	int i;

	cpt_to_main(test, p, 4, 7);
	for (i = 0; i < 4; i++)
		cpt_insert(test, p, i, i, (i + 1) * U);
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_pin(p, i), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_pin(p, 2), 0);	/* twice */
	KUNIT_EXPECT_EQ(test, p->pinned_units, 11);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 11 * U);
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_evict(p, &slot, &bytes));
	cpt_check(test, p);

	/* Accesses while pinned count. */
	cachefiles_cull_policy_access(p, 1);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 2), 0);
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_evict(p, &slot, &bytes));
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 2), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 1), 0);
	/* 2 went back first, so it is the small FIFO's tail: the victim. */
	KUNIT_EXPECT_TRUE(test, cachefiles_cull_policy_evict(p, &slot, &bytes));
	KUNIT_EXPECT_EQ(test, slot, 2);
	KUNIT_EXPECT_EQ(test, bytes, 3 * U);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 1), CACHEFILES_CULL_Q_SMALL);
	/* 1, accessed while pinned, moves to main, and is main's only unpinned object. */
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 1);
	KUNIT_EXPECT_EQ(test, p->nr_promotions, 2);
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_evict(p, &slot, &bytes));
	/* A pinned object in main goes back to main. */
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 4), 0);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 4), CACHEFILES_CULL_Q_MAIN);
	KUNIT_EXPECT_EQ(test, cpt_evict(test, p), 4);

	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 5), -ENOENT);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 0), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_unpin(p, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_pin(p, 99), -ENOENT);
	cpt_check(test, p);
}

/* Byte totals follow every resize and removal exactly, in whole units, pinned or not. */
static void cpt_resize_remove(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 100, 8, NULL);

	cpt_insert(test, p, 0, 0, 0);		/* 0 units */
	cpt_insert(test, p, 1, 1, 1);		/* 1 */
	cpt_insert(test, p, 2, 2, U);		/* 1 */
	cpt_insert(test, p, 3, 3, U + 1);	/* 2 */
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 4 * U);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_resize(p, 0, 10 * U), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 14 * U);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_pin(p, 3), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_resize(p, 3, 5 * U - 1), 0);	/* 5 */
	KUNIT_EXPECT_EQ(test, p->pinned_units, 5);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 17 * U);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_resize(p, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 16 * U);
	cpt_check(test, p);

	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_remove(p, 3), 0);		/* pinned */
	KUNIT_EXPECT_EQ(test, p->pinned_units, 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 11 * U);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_remove(p, 0), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 1 * U);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_remove(p, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_resize(p, 0, U), -ENOENT);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_resize(p, 2, CACHEFILES_CULL_MAX_BYTES + 1),
			-EFBIG);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_resize(p, 2, CACHEFILES_CULL_MAX_BYTES), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), CACHEFILES_CULL_MAX_BYTES);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_remove(p, 2), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_remove(p, 1), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 0);
	KUNIT_EXPECT_EQ(test, p->nr_tracked, 0);
	KUNIT_EXPECT_EQ(test, p->nr_evictions, 0);
	cpt_check(test, p);
}

/* Calls with bad arguments fail with an error and change nothing. */
static void cpt_bad_arguments(struct kunit *test)
{
	struct cachefiles_cull_params params;
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 100, 8, NULL);
	struct cachefiles_cull_policy q;

	cpt_insert(test, p, 0, 0, U);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_insert(p, 0, 1, U), -EEXIST);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_insert(p, 8, 1, U), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_insert(p, U32_MAX, 1, U), -ERANGE);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_insert(p, 1, 1, U64_MAX), -EFBIG);
	cachefiles_cull_policy_access(p, 7);	/* untracked: ignored */
	cachefiles_cull_policy_access(p, U32_MAX);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), U);
	KUNIT_EXPECT_EQ(test, p->nr_tracked, 1);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_grow(p, CACHEFILES_CULL_MAX_OBJECTS + 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, p->max_objects, 8);
	cpt_check(test, p);

	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_init(&q, U, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_init(&q, U, CACHEFILES_CULL_MAX_OBJECTS + 1,
							  NULL), -EINVAL);
	cachefiles_cull_params_default(&params);
	params.freq_max = 4;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_init(&q, U, 8, &params), -EINVAL);
	cachefiles_cull_params_default(&params);
	params.promote_min = 0;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_init(&q, U, 8, &params), -EINVAL);
	cachefiles_cull_params_default(&params);
	params.small_permille = 1000;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_init(&q, U, 8, &params), -EINVAL);
	cachefiles_cull_params_default(&params);
	params.ghost_percent = 301;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_init(&q, U, 8, &params), -EINVAL);
}

/* Evict until the policy is within @units; the victims must be @expect[0..@n - 1], in order. */
static void cpt_cull_to(struct kunit *test, struct cachefiles_cull_policy *p, u64 units,
			const u32 *expect, u32 n)
{
	u32 i;

	for (i = 0; cachefiles_cull_policy_bytes(p) > units * U; i++) {
		KUNIT_ASSERT_LT(test, i, n);
		KUNIT_EXPECT_EQ(test, cpt_evict(test, p), expect[i]);
	}
	KUNIT_EXPECT_EQ(test, i, n);
}

/*
 * Lowering the capacity: the small FIFO's target follows, and the caller culls until under it.
 * Down to 60 %, the never-accessed half goes, oldest first, and the accessed half moves to main;
 * down to 10 %, the small FIFO empties, then main gives its oldest.
 */
static void cpt_capacity_lowered(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 100, 100, NULL);
	u32 expect[50], i;

	KUNIT_EXPECT_EQ(test, p->small_target, 10);
	for (i = 0; i < 100; i++)
		cpt_insert(test, p, i, i, U);
	for (i = 0; i < 100; i += 2)
		cachefiles_cull_policy_access(p, i);

	cachefiles_cull_policy_set_capacity(p, 60 * U);
	KUNIT_EXPECT_EQ(test, p->small_target, 6);
	for (i = 0; i < 40; i++)
		expect[i] = 2 * i + 1;			/* 1, 3, ... 79 */
	cpt_cull_to(test, p, 60, expect, 40);
	KUNIT_EXPECT_EQ(test, p->main.count, 40);	/* 0, 2, ... 78 */
	KUNIT_EXPECT_EQ(test, p->small.count, 20);	/* 80 ... 99 */

	cachefiles_cull_policy_set_capacity(p, 10 * U);
	KUNIT_EXPECT_EQ(test, p->small_target, 1);
	for (i = 0; i < 10; i++)
		expect[i] = 81 + 2 * i;			/* 81, 83, ... 99 */
	for (i = 0; i < 40; i++)
		expect[10 + i] = 2 * i;			/* 0, 2, ... 78 */
	cpt_cull_to(test, p, 10, expect, 50);
	for (i = 80; i < 100; i += 2)
		KUNIT_EXPECT_TRUE(test, cachefiles_cull_policy_tracked(p, i));
	KUNIT_EXPECT_EQ(test, p->nr_tracked, 10);
	cpt_check(test, p);
}

/* Growing keeps every entry, the queues' order and the ghost table. */
static void cpt_grow(struct kunit *test)
{
	struct cachefiles_cull_params params;
	struct cachefiles_cull_policy *p;
	u32 i;

	cachefiles_cull_params_default(&params);
	params.ghost_window = 0;	/* the victims are older than main's window */
	p = cpt_policy(test, 0, 100, 16, &params);
	for (i = 0; i < 16; i++)
		cpt_insert(test, p, i, 1000 + i, (i + 1) * U);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, cpt_evict(test, p), i);	/* to the ghost table */
	cachefiles_cull_policy_access(p, 9);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_pin(p, 10), 0);

	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_grow(p, 100000), 0);
	KUNIT_EXPECT_EQ(test, p->max_objects, 100000);
	KUNIT_EXPECT_GT(test, p->ghost_buckets, 256);
	KUNIT_EXPECT_EQ(test, p->entries[9].freq, 1);
	KUNIT_EXPECT_EQ(test, p->entries[10].pins, 1);
	KUNIT_EXPECT_EQ(test, p->small.tail, 4);
	cpt_check(test, p);
	for (i = 0; i < 4; i++) {
		cpt_insert(test, p, 99990 + i, 1000 + i, U);
		KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 99990 + i), CACHEFILES_CULL_Q_MAIN);
	}
	cpt_insert(test, p, 99999, 1, U);
	KUNIT_EXPECT_EQ(test, cpt_queue_of(p, 99999), CACHEFILES_CULL_Q_SMALL);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_grow(p, 50), 0);	/* no shrinking */
	KUNIT_EXPECT_EQ(test, p->max_objects, 100000);
	cpt_check(test, p);
}

/* Records: the little-endian layout, a whole-policy round trip, and corrupt records refused. */
static void cpt_save_load(struct kunit *test)
{
	struct cachefiles_cull_record rec, *recs;
	struct cachefiles_cull_policy *p, *q;
	u32 i, a, b;
	int n;

	p = cpt_policy(test, 0, 20, 32, NULL);
	q = cpt_policy(test, 1, 20, 32, NULL);
	for (i = 0; i < 12; i++) {
		cpt_insert(test, p, i, 0x100 + i, (i % 3 + 1) * U);
		if (i % 3 == 0)
			cachefiles_cull_policy_access(p, i);
	}
	for (i = 0; i < 3; i++)
		cpt_evict(test, p);	/* some move to main */
	cachefiles_cull_policy_access(p, 3);
	cachefiles_cull_policy_access(p, 3);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_pin(p, 7), 0);
	KUNIT_ASSERT_GT(test, p->main.count, 0);
	KUNIT_ASSERT_GT(test, p->small.count, 0);

	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_save_entry(p, 3, &rec), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rec.slot), 3);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rec.units), 1);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(rec.fp), p->entries[3].fp);
	KUNIT_EXPECT_EQ(test, rec.queue, CACHEFILES_CULL_Q_MAIN);
	KUNIT_EXPECT_EQ(test, rec.freq, 2);
	KUNIT_EXPECT_EQ(test, ((u8 *)&rec)[0], 3);	/* little-endian on every host */
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_save_entry(p, 31, &rec), -ENOENT);

	recs = kunit_kcalloc(test, 32, sizeof(*recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, recs);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_save(p, recs, p->nr_tracked - 1), -ENOSPC);
	n = cachefiles_cull_policy_save(p, recs, 32);
	KUNIT_ASSERT_EQ(test, n, p->nr_tracked);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_load_entry(q, &recs[i]), 0);
	cpt_check(test, q);

	/* The pinned one comes back unpinned, at the head of its queue, as an unpin puts it. */
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_unpin(p, 7), 0);
	KUNIT_EXPECT_EQ(test, q->nr_tracked, p->nr_tracked);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(q), cachefiles_cull_policy_bytes(p));
	for (i = 0; i < 32; i++) {
		KUNIT_EXPECT_EQ(test, q->entries[i].queue, p->entries[i].queue);
		KUNIT_EXPECT_EQ(test, q->entries[i].freq, p->entries[i].freq);
		KUNIT_EXPECT_EQ(test, q->entries[i].units, p->entries[i].units);
		KUNIT_EXPECT_EQ(test, q->entries[i].fp, p->entries[i].fp);
	}
	/* Same state, same victims, to the last. */
	while (cachefiles_cull_policy_evict(p, &a, &(u64){ 0 })) {
		KUNIT_ASSERT_TRUE(test, cachefiles_cull_policy_evict(q, &b, &(u64){ 0 }));
		KUNIT_EXPECT_EQ(test, a, b);
	}
	KUNIT_EXPECT_EQ(test, q->nr_tracked, 0);

	/* A record for a tracked slot replaces it (a log replayed in order); not a pinned one. */
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_load_entry(q, &recs[0]), 0);
	rec = recs[0];
	rec.queue = CACHEFILES_CULL_Q_MAIN;
	rec.units = cpu_to_le32(7);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), 0);
	KUNIT_EXPECT_EQ(test, q->nr_tracked, 1);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(q), 7 * U);
	KUNIT_EXPECT_EQ(test, q->main.count, 1);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_pin(q, le32_to_cpu(rec.slot)), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -EBUSY);

	rec = recs[1];
	rec.queue = CACHEFILES_CULL_Q_FREE;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -EFSCORRUPTED);
	rec.queue = 3;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -EFSCORRUPTED);
	rec = recs[1];
	rec.freq = 4;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -EFSCORRUPTED);
	rec = recs[1];
	rec.reserved = cpu_to_le16(1);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -EFSCORRUPTED);
	rec = recs[1];
	rec.fp = 0;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -EFSCORRUPTED);
	rec = recs[1];
	rec.slot = cpu_to_le32(32);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_load_entry(q, &rec), -ERANGE);
	KUNIT_EXPECT_EQ(test, q->nr_tracked, 1);
	cpt_check(test, q);
}

/*
 * Random calls against a model of what is tracked, its size and its pins: totals always match,
 * victims are always tracked and unpinned, evict fails exactly when everything is pinned, and the
 * queues stay well formed.
 */
static void cpt_fuzz(struct kunit *test)
{
	struct cachefiles_cull_policy *p = cpt_policy(test, 0, 300, CPT_FUZZ_SLOTS, NULL);
	u32 units[CPT_FUZZ_SLOTS] = {}, pins[CPT_FUZZ_SLOTS] = {};
	bool tracked[CPT_FUZZ_SLOTS] = {};
	struct rnd_state rnd;
	u64 total = 0;
	int i;

	prandom_seed_state(&rnd, CPT_SEED);
	for (i = 0; i < CPT_FUZZ_OPS; i++) {
		u32 slot = prandom_u32_state(&rnd) % CPT_FUZZ_SLOTS;
		u32 n = prandom_u32_state(&rnd) % (CPT_FUZZ_MAX_UNITS + 1);
		u32 unpinned = 0, s, victim;
		u64 bytes;
		int ret;

		switch (prandom_u32_state(&rnd) % 8) {
		case 0:
		case 1:
			ret = cachefiles_cull_policy_insert(p, slot, slot % 7, n * U);
			KUNIT_ASSERT_EQ(test, ret, tracked[slot] ? -EEXIST : 0);
			if (!tracked[slot]) {
				tracked[slot] = true;
				units[slot] = n;
				total += n;
			}
			break;
		case 2:
			cachefiles_cull_policy_access(p, slot);
			break;
		case 3:
			ret = cachefiles_cull_policy_resize(p, slot, n * U);
			KUNIT_ASSERT_EQ(test, ret, tracked[slot] ? 0 : -ENOENT);
			if (tracked[slot]) {
				total = total - units[slot] + n;
				units[slot] = n;
			}
			break;
		case 4:
			ret = cachefiles_cull_policy_pin(p, slot);
			KUNIT_ASSERT_EQ(test, ret, tracked[slot] ? 0 : -ENOENT);
			pins[slot] += tracked[slot];
			break;
		case 5:
			ret = cachefiles_cull_policy_unpin(p, slot);
			KUNIT_ASSERT_EQ(test, ret, !tracked[slot] ? -ENOENT :
						   !pins[slot] ? -EINVAL : 0);
			if (pins[slot])
				pins[slot]--;
			break;
		case 6:
			ret = cachefiles_cull_policy_remove(p, slot);
			KUNIT_ASSERT_EQ(test, ret, tracked[slot] ? 0 : -ENOENT);
			if (tracked[slot]) {
				tracked[slot] = false;
				total -= units[slot];
				pins[slot] = 0;
			}
			break;
		case 7:
			for (s = 0; s < CPT_FUZZ_SLOTS; s++)
				unpinned += tracked[s] && !pins[s];
			if (!cachefiles_cull_policy_evict(p, &victim, &bytes)) {
				KUNIT_ASSERT_EQ(test, unpinned, 0);
				break;
			}
			KUNIT_ASSERT_LT(test, victim, CPT_FUZZ_SLOTS);
			KUNIT_ASSERT_TRUE(test, tracked[victim]);
			KUNIT_ASSERT_EQ(test, pins[victim], 0);
			KUNIT_ASSERT_EQ(test, bytes, (u64)units[victim] * U);
			tracked[victim] = false;
			total -= units[victim];
			break;
		}
		KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_bytes(p), total * U);
		if (i % 1000 == 0)
			cpt_check(test, p);
	}
	cpt_check(test, p);
}

/* The generator: deterministic, within its bounds, scans of new objects seen once. */
static void cpt_trace_gen(struct kunit *test)
{
	struct cpt_ctx *ctx = test->priv;
	struct cachefiles_cull_trace_params params;
	struct cachefiles_cull_trace_req req, again;
	struct cachefiles_cull_trace *t = &ctx->trace;
	struct cachefiles_cull_trace copy;
	u32 reads = 0, scanned = 0, rank0 = 0, last = 10000;
	u64 footprint;

	cachefiles_cull_trace_default(&params);
	params.nr_reads = 20000;
	params.scan_every = 5000;
	params.scan_objects = 500;
	KUNIT_ASSERT_EQ(test, cachefiles_cull_trace_init(t, &params), 0);
	ctx->trace_live = true;
	KUNIT_EXPECT_EQ(test, t->nr_scans, 3);
	KUNIT_EXPECT_EQ(test, t->nr_ids, params.nr_objects + 3 * 500);

	copy = *t;	/* a second cursor over the same table */
	while (cachefiles_cull_trace_next(t, &req)) {
		KUNIT_ASSERT_TRUE(test, cachefiles_cull_trace_next(&copy, &again));
		KUNIT_ASSERT_EQ(test, req.id, again.id);
		KUNIT_ASSERT_EQ(test, req.bytes, again.bytes);
		KUNIT_ASSERT_LT(test, req.id, t->nr_ids);
		KUNIT_ASSERT_GE(test, req.size, CACHEFILES_CULL_TRACE_MIN_SIZE);
		KUNIT_ASSERT_LE(test, req.size, CACHEFILES_CULL_TRACE_MAX_SIZE);
		KUNIT_ASSERT_EQ(test, req.size, cachefiles_cull_trace_size(t, req.id));
		KUNIT_ASSERT_LE(test, req.bytes, req.size);
		KUNIT_ASSERT_TRUE(test, req.bytes == req.size ||
					req.bytes % CACHEFILES_CULL_TRACE_GRANULE == 0);
		if (req.scan) {
			KUNIT_ASSERT_GE(test, req.id, params.nr_objects);
			KUNIT_ASSERT_TRUE(test, last == 10000 || req.id == last + 1);
			KUNIT_ASSERT_EQ(test, req.bytes, req.size);
			last = req.id;
			scanned++;
		} else {
			KUNIT_ASSERT_LT(test, req.id, params.nr_objects);
			rank0 += req.id == 0;
			reads++;
		}
	}
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_trace_next(&copy, &again));
	KUNIT_EXPECT_EQ(test, reads, params.nr_reads);
	KUNIT_EXPECT_EQ(test, scanned, 3 * 500);
	/* Zipf 0.8 over 20000 ranks gives rank 1 about 3 % of the reads. */
	KUNIT_EXPECT_GT(test, rank0, reads / 50);
	KUNIT_EXPECT_LT(test, rank0, reads / 20);

	cachefiles_cull_trace_rewind(t);
	KUNIT_ASSERT_TRUE(test, cachefiles_cull_trace_next(t, &req));
	cachefiles_cull_trace_rewind(&copy);
	KUNIT_ASSERT_TRUE(test, cachefiles_cull_trace_next(&copy, &again));
	KUNIT_EXPECT_EQ(test, req.id, again.id);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_trace_footprint(t, &footprint), 0);
	KUNIT_EXPECT_GT(test, footprint, (u64)scanned * CACHEFILES_CULL_TRACE_MIN_SIZE);

	params.zipf_alpha = CACHEFILES_CULL_TRACE_MAX_ALPHA + 1;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_trace_init(&copy, &params), -EINVAL);
}

static const u32 cpt_replay_permille[] = { 10, 50, 100 };

static void cpt_replay_desc(const u32 *permille, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "cache %u.%u%% of the footprint", *permille / 10,
		 *permille % 10);
}

KUNIT_ARRAY_PARAM(cpt_replay, cpt_replay_permille, cpt_replay_desc);

/* Byte miss ratio in hundredths of a percent, for printing. */
static u32 cpt_bmr(const struct cachefiles_cull_replay *r)
{
	return div64_u64(r->miss_bytes * 10000, r->req_bytes);
}

/* The seeded trace at 1, 5 and 10 % of its footprint: ours <= 0.9 x LRU's byte miss ratio. */
static void cpt_replay(struct kunit *test)
{
	const u32 *permille = test->param_value;
	struct cpt_ctx *ctx = test->priv;
	struct cachefiles_cull_trace_params params;
	struct cachefiles_cull_replay lru, ours;
	u64 footprint, capacity;

	cachefiles_cull_trace_default(&params);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_trace_init(&ctx->trace, &params), 0);
	ctx->trace_live = true;
	KUNIT_ASSERT_EQ(test, cachefiles_cull_trace_footprint(&ctx->trace, &footprint), 0);
	capacity = div_u64(footprint * *permille, 1000);

	KUNIT_ASSERT_EQ(test, cachefiles_cull_replay_lru(&ctx->trace, capacity, &lru), 0);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_replay_policy(&ctx->trace, NULL, capacity, &ours), 0);
	kunit_info(test, "cache %llu of %llu bytes: byte miss ratio LRU %u.%02u%%, ours %u.%02u%%\n",
		   capacity, footprint, cpt_bmr(&lru) / 100, cpt_bmr(&lru) % 100,
		   cpt_bmr(&ours) / 100, cpt_bmr(&ours) % 100);

	KUNIT_ASSERT_EQ(test, ours.req_bytes, lru.req_bytes);
	KUNIT_ASSERT_EQ(test, ours.nr_reads, lru.nr_reads);
	KUNIT_ASSERT_GT(test, lru.nr_evictions, 0);
	KUNIT_ASSERT_GT(test, ours.nr_evictions, 0);
	KUNIT_EXPECT_LE(test, ours.miss_bytes * CPT_TARGET_DEN, lru.miss_bytes * CPT_TARGET_NUM);
}

static struct kunit_case cpt_cases[] = {
	KUNIT_CASE(cpt_scan_resistance),
	KUNIT_CASE(cpt_small_promotion),
	KUNIT_CASE(cpt_promote_min),
	KUNIT_CASE(cpt_main_reinsertion),
	KUNIT_CASE(cpt_counter_saturates),
	KUNIT_CASE(cpt_ghost_hit),
	KUNIT_CASE(cpt_ghost_window),
	KUNIT_CASE(cpt_ghost_cold_start),
	KUNIT_CASE(cpt_pinned),
	KUNIT_CASE(cpt_resize_remove),
	KUNIT_CASE(cpt_bad_arguments),
	KUNIT_CASE(cpt_capacity_lowered),
	KUNIT_CASE(cpt_grow),
	KUNIT_CASE(cpt_save_load),
	KUNIT_CASE(cpt_fuzz),
	KUNIT_CASE(cpt_trace_gen),
	KUNIT_CASE_PARAM(cpt_replay, cpt_replay_gen_params),
	{}
};

static struct kunit_suite cpt_suite = {
	.name = "cachefiles_cull_policy",
	.init = cpt_init,
	.exit = cpt_exit,
	.test_cases = cpt_cases,
};

kunit_test_suite(cpt_suite);
