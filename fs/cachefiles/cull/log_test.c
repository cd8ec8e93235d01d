// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * KUnit tests of the culler's on-disk state encoding (log.c): the log header, the compacted section
 * and the tail of cull-log.map, and the slot table's records.  A policy saved, encoded and loaded back
 * must give the same victims in the same order; every kind of damage must be -EFSCORRUPTED (or, in
 * the tail, end the replay there).
 *
 * Every policy a case makes is in its struct clt_ctx and destroyed by .exit.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <asm/byteorder.h>

#include "log.h"

#define U		CACHEFILES_CULL_UNIT_SIZE
#define CLT_SLOTS	64
#define CLT_OBJECTS	40
#define CLT_CAPACITY	(100 * U)
#define CLT_PINNED	21	/* accessed, so promoted: still tracked after clt_fill()'s evictions */

struct clt_ctx {
	struct cachefiles_cull_policy	p[2];
	bool				live[2];
	struct cachefiles_cull_record	recs[CLT_SLOTS];
	struct cachefiles_cull_record	recs2[CLT_SLOTS];
};

static int clt_init(struct kunit *test)
{
	struct clt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void clt_exit(struct kunit *test)
{
	struct clt_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(ctx->p); i++)
		if (ctx->live[i])
			cachefiles_cull_policy_destroy(&ctx->p[i]);
}

static struct cachefiles_cull_policy *clt_policy(struct kunit *test, int i)
{
	struct clt_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_init(&ctx->p[i], CLT_CAPACITY, CLT_SLOTS, NULL),
			0);
	ctx->live[i] = true;
	return &ctx->p[i];
}

/* A policy with objects in both queues, some accessed, one pinned. */
static void clt_fill(struct kunit *test, struct cachefiles_cull_policy *p)
{
	u32 slot, victim;
	u64 bytes;
	int i;

	for (i = 0; i < CLT_OBJECTS; i++) {
		slot = (i * 7) % CLT_SLOTS;
		KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_insert(p, slot, 0x1000 + i,
								    (i % 5 + 1) * U), 0);
		if (i % 3 == 0)
			cachefiles_cull_policy_access(p, slot);
	}
	/* Some evictions promote the accessed to main. */
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_TRUE(test, cachefiles_cull_policy_evict(p, &victim, &bytes));
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_pin(p, CLT_PINNED), 0);
}

static int clt_encode(struct cachefiles_cull_policy *p, struct cachefiles_cull_record *recs,
		      struct cachefiles_cull_log_header *hdr)
{
	struct cachefiles_cull_log_info info = { .flags = CACHEFILES_CULL_LOG_COMPLETE };
	int nr = cachefiles_cull_policy_save(p, recs, CLT_SLOTS);

	if (nr < 0)
		return nr;
	info.max_slots = p->max_objects;
	info.nr_records = nr;
	info.records_crc = cachefiles_cull_log_crc(~0U, recs, nr * sizeof(*recs));
	cachefiles_cull_log_header_encode(hdr, &info);
	return nr;
}

static loff_t clt_size(int nr)
{
	return sizeof(struct cachefiles_cull_log_header) + nr * sizeof(struct cachefiles_cull_record);
}

/* Save, encode, decode, load: the loaded policy saves to the same records and evicts alike. */
static void clt_roundtrip(struct kunit *test)
{
	struct clt_ctx *ctx = test->priv;
	struct cachefiles_cull_policy *a = clt_policy(test, 0), *b = clt_policy(test, 1);
	struct cachefiles_cull_log_header hdr;
	struct cachefiles_cull_log_info info;
	u32 sa, sb;
	u64 ba, bb;
	int nr;

	clt_fill(test, a);
	nr = clt_encode(a, ctx->recs, &hdr);
	KUNIT_ASSERT_EQ(test, nr, (int)a->nr_tracked);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_log_header_decode(&hdr, clt_size(nr), &info), 0);
	KUNIT_EXPECT_EQ(test, info.nr_records, (u32)nr);
	KUNIT_EXPECT_EQ(test, info.max_slots, (u32)CLT_SLOTS);
	KUNIT_EXPECT_EQ(test, info.flags, CACHEFILES_CULL_LOG_COMPLETE);
	KUNIT_EXPECT_EQ(test, info.records_crc,
			cachefiles_cull_log_crc(~0U, ctx->recs, nr * sizeof(ctx->recs[0])));
	KUNIT_ASSERT_EQ(test, cachefiles_cull_log_load_compacted(b, ctx->recs, nr), 0);
	KUNIT_EXPECT_EQ(test, b->nr_tracked, a->nr_tracked);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(b), cachefiles_cull_policy_bytes(a));

	/* The pinned entry comes back unpinned at its queue's head, as an unpin would put it. */
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_unpin(a, CLT_PINNED), 0);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_save(b, ctx->recs2, CLT_SLOTS), nr);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_save(a, ctx->recs, CLT_SLOTS), nr);
	KUNIT_EXPECT_EQ(test, memcmp(ctx->recs, ctx->recs2, nr * sizeof(ctx->recs[0])), 0);
	while (cachefiles_cull_policy_evict(a, &sa, &ba)) {
		KUNIT_ASSERT_TRUE(test, cachefiles_cull_policy_evict(b, &sb, &bb));
		KUNIT_EXPECT_EQ(test, sa, sb);
		KUNIT_EXPECT_EQ(test, ba, bb);
	}
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_evict(b, &sb, &bb));
}

/* Every kind of header damage is -EFSCORRUPTED. */
struct clt_hdr_case {
	const char	*desc;
	size_t		offset;		/* byte to change */
	u8		xor;
	bool		fix_crc;	/* recompute the header crc after the change */
	loff_t		size_delta;	/* file shorter than the header says */
};

static const struct clt_hdr_case clt_hdr_cases[] = {
	{ "magic",		0,	0x01,	true,	0 },
	{ "version",		4,	0x02,	true,	0 },
	{ "unknown flag",	5,	0x80,	true,	0 },
	{ "reserved",		6,	0x01,	true,	0 },
	{ "records > slots",	13,	0x01,	true,	0 },
	{ "reserved2",		20,	0x01,	true,	0 },
	{ "crc",		8,	0x01,	false,	0 },
	{ "file too short",	0,	0,	false,	-1 },
};

static void clt_hdr_desc(const struct clt_hdr_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(clt_hdr, clt_hdr_cases, clt_hdr_desc);

static void clt_header_corrupt(struct kunit *test)
{
	const struct clt_hdr_case *c = test->param_value;
	struct clt_ctx *ctx = test->priv;
	struct cachefiles_cull_policy *a = clt_policy(test, 0);
	struct cachefiles_cull_log_header hdr;
	struct cachefiles_cull_log_info info;
	int nr;

	clt_fill(test, a);
	nr = clt_encode(a, ctx->recs, &hdr);
	KUNIT_ASSERT_GT(test, nr, 0);
	((u8 *)&hdr)[c->offset] ^= c->xor;
	if (c->fix_crc) {
		hdr.crc = 0;
		hdr.crc = cpu_to_le32(cachefiles_cull_log_crc(~0U, &hdr, sizeof(hdr)));
	}
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_header_decode(&hdr, clt_size(nr) + c->size_delta,
								&info), -EFSCORRUPTED);
}

/* The compacted section is strict: duplicates, slots past the array, tombstones, bad fields. */
static void clt_compacted_corrupt(struct kunit *test)
{
	struct clt_ctx *ctx = test->priv;
	struct cachefiles_cull_policy *a = clt_policy(test, 0), *b;
	struct cachefiles_cull_log_header hdr;
	int nr, i;

	clt_fill(test, a);
	nr = clt_encode(a, ctx->recs, &hdr);
	KUNIT_ASSERT_GT(test, nr, 3);

	for (i = 0; i < 5; i++) {
		memcpy(ctx->recs2, ctx->recs, nr * sizeof(ctx->recs[0]));
		switch (i) {
		case 0:		/* a slot twice */
			ctx->recs2[2].slot = ctx->recs2[1].slot;
			break;
		case 1:		/* past the array */
			ctx->recs2[1].slot = cpu_to_le32(CLT_SLOTS);
			break;
		case 2:		/* a tombstone */
			cachefiles_cull_log_tombstone(&ctx->recs2[1], 1);
			break;
		case 3:		/* a counter no policy keeps */
			ctx->recs2[1].freq = 9;
			break;
		case 4:		/* zero fingerprint */
			ctx->recs2[1].fp = 0;
			break;
		}
		b = clt_policy(test, 1);
		KUNIT_EXPECT_EQ_MSG(test, cachefiles_cull_log_load_compacted(b, ctx->recs2, nr),
				    -EFSCORRUPTED, "damage %d", i);
		cachefiles_cull_policy_destroy(b);
		ctx->live[1] = false;
	}
	/* The checksum the header keeps no longer matches a changed record. */
	ctx->recs[0].units ^= cpu_to_le32(1);
	KUNIT_EXPECT_NE(test, cachefiles_cull_log_crc(~0U, ctx->recs, nr * sizeof(ctx->recs[0])),
			le32_to_cpu(hdr.records_crc));
}

/* The tail: records replace, tombstones free, and a torn record says so. */
static void clt_tail(struct kunit *test)
{
	struct cachefiles_cull_policy *p = clt_policy(test, 0);
	struct cachefiles_cull_record rec, zero = {};
	u32 slot;
	u64 bytes;

	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_insert(p, 3, 0x33, 2 * U), 0);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_insert(p, 4, 0x44, 3 * U), 0);
	/* An access after the insertion, logged: replaying both leaves the later. */
	cachefiles_cull_policy_access(p, 3);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_save_entry(p, 3, &rec), 0);
	cachefiles_cull_policy_destroy(p);
	p = clt_policy(test, 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &rec), 0);
	KUNIT_EXPECT_EQ(test, p->entries[3].freq, 1);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_policy_bytes(p), 2 * U);

	/* A tombstone frees the slot, and one for a free slot is harmless. */
	cachefiles_cull_log_tombstone(&rec, 3);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &rec), 0);
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_tracked(p, 3));
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &rec), 0);
	KUNIT_EXPECT_FALSE(test, cachefiles_cull_policy_evict(p, &slot, &bytes));

	/* A slot past the array is for the caller to grow; a torn (zeroed) record is damage. */
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_insert(p, 5, 0x55, U), 0);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_policy_save_entry(p, 5, &rec), 0);
	rec.slot = cpu_to_le32(CLT_SLOTS + 1);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &rec), -ERANGE);
	rec.slot = cpu_to_le32(CACHEFILES_CULL_MAX_OBJECTS);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &rec), -EFSCORRUPTED);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &zero), -EFSCORRUPTED);
	cachefiles_cull_log_tombstone(&rec, 5);
	rec.units = cpu_to_le32(1);		/* a tombstone with anything else set */
	KUNIT_EXPECT_EQ(test, cachefiles_cull_log_apply(p, &rec), -EFSCORRUPTED);
	KUNIT_EXPECT_TRUE(test, cachefiles_cull_policy_tracked(p, 5));
}

/* Slot records: round trip, and damage. */
static void clt_slot_record(struct kunit *test)
{
	struct cachefiles_cull_slot_disk *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct cachefiles_cull_slot_name *out = kunit_kzalloc(test, sizeof(*out), GFP_KERNEL);
	char *longname = kunit_kzalloc(test, NAME_MAX + 2, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, longname);

	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_decode(d, 9, out), -ENOENT);	/* never written */
	KUNIT_ASSERT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0xab, "V9p,share", "Ofile-1"), 0);
	KUNIT_ASSERT_EQ(test, cachefiles_cull_slot_decode(d, 9, out), 0);
	KUNIT_EXPECT_EQ(test, out->fanout, 0xab);
	KUNIT_EXPECT_STREQ(test, out->volume, "V9p,share");
	KUNIT_EXPECT_STREQ(test, out->name, "Ofile-1");

	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_decode(d, 10, out), -EFSCORRUPTED);	/* misplaced */
	d->names[2] ^= 1;
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_decode(d, 9, out), -EFSCORRUPTED);	/* crc */

	/* Names that are not one path component, or too long, are refused both ways. */
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0, "V", "a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0, "..", "x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0, "V", ""), -EINVAL);
	memset(longname, 'a', NAME_MAX);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0, longname, "x"), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0, "V", longname), -EINVAL);
	longname[CACHEFILES_CULL_SLOT_NAME_MAX] = '\0';
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_encode(d, 9, 0, longname, longname), 0);
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_decode(d, 9, out), 0);
	KUNIT_EXPECT_STREQ(test, out->name, longname);
	/* A length past the record, with its crc made right, is still refused. */
	d->name_len = CACHEFILES_CULL_SLOT_NAME_MAX + 1;
	d->crc = 0;
	d->crc = cpu_to_le32(cachefiles_cull_log_crc(~0U, d, sizeof(*d)));
	KUNIT_EXPECT_EQ(test, cachefiles_cull_slot_decode(d, 9, out), -EFSCORRUPTED);
}

static struct kunit_case clt_cases[] = {
	KUNIT_CASE(clt_roundtrip),
	KUNIT_CASE_PARAM(clt_header_corrupt, clt_hdr_gen_params),
	KUNIT_CASE(clt_compacted_corrupt),
	KUNIT_CASE(clt_tail),
	KUNIT_CASE(clt_slot_record),
	{}
};

static struct kunit_suite clt_suite = {
	.name		= "cachefiles_cull_log",
	.init		= clt_init,
	.exit		= clt_exit,
	.test_cases	= clt_cases,
};

kunit_test_suite(clt_suite);
