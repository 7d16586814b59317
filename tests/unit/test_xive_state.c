/* Unit tests: XIVE state for snapshots and migration (migrate/
 * xive_state.c) on the fake backend.  A guest routes sources and sets
 * queues through the H_INT_* hcalls; what is saved is that routing plus
 * what only the hypervisor knows; it survives the section's encoding
 * and loads into a fresh machine (backend and pvmm's tables).  Then a
 * state with each field out of range, as a corrupt or hostile file or
 * stream would carry it, is refused with a line naming it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine.h"
#include "migrate/snapshot.h"
#include "migrate/xive_state.h"
#include "papr/hcall.h"
#include "tests/unit/fake_hv.h"
#include "tests/unit/unit.h"

#define SRC_SET_EISN  (1ULL << 1)
#define SRC_MASK      (1ULL << 0)
#define ALWAYS_NOTIFY (1ULL << 0)
#define Q0	      0x100000ULL /* vCPU 0's queue page */
#define Q1	      0x110000ULL /* vCPU 1's */
#define MSI	      0x1050u	  /* one of pvmm's sources */

/* Entry of a LISN in struct xive_state's table. */
static uint32_t at(uint32_t lisn)
{
	return lisn < IRQ_BASE ? lisn : CONFIG_MAX_CPUS + lisn - IRQ_BASE;
}

static int64_t call(struct machine *m, uint64_t nr, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3, uint64_t a4, uint64_t *out)
{
	uint64_t args[HCALL_NARGS] = {a0, a1, a2, a3, a4};
	int64_t rc = hcall_dispatch(&m->papr, &m->vm.cpu[0], nr, args);

	if (out)
		memcpy(out, args, sizeof(args));
	return rc;
}

static struct machine *xive_machine(void)
{
	struct machine *m = unit_machine(2);

	m->vm.irqchip = IRQCHIP_XIVE;
	return m;
}

/* What a Linux guest does: a queue of priority 6 per vCPU, each IPI to
 * its vCPU, an MSI to vCPU 1, another MSI routed and then masked. */
static void guest_setup(struct machine *m)
{
	assert_int_equal(call(m, H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 0, 6,
			      Q0, 16, NULL),
			 H_SUCCESS);
	assert_int_equal(call(m, H_INT_SET_QUEUE_CONFIG, ALWAYS_NOTIFY, 1, 6,
			      Q1, 16, NULL),
			 H_SUCCESS);
	assert_int_equal(call(m, H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, 0, 0, 6,
			      0, NULL),
			 H_SUCCESS);
	assert_int_equal(call(m, H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, 1, 1, 6,
			      1, NULL),
			 H_SUCCESS);
	assert_int_equal(call(m, H_INT_SET_SOURCE_CONFIG, SRC_SET_EISN, MSI, 1,
			      6, MSI, NULL),
			 H_SUCCESS);
	assert_int_equal(call(m, H_INT_SET_SOURCE_CONFIG,
			      SRC_SET_EISN | SRC_MASK, MSI + 1, 1, 6, 77, NULL),
			 H_SUCCESS);
	/* What the hypervisor's XIVE says about them. */
	fake_hv.xive.src[at(0)].pq = 0x0;
	fake_hv.xive.src[at(1)].pq = HV_XIVE_PQ_FIRED;
	fake_hv.xive.src[at(MSI)].pq = 0x2;
	fake_hv.xive.src[at(MSI + 1)].pq = HV_XIVE_PQ_OFF;
	fake_hv.xive.eq[0][6] = (struct xive_eq_state){0, 0, 1, 17};
	fake_hv.xive.eq[1][6] = (struct xive_eq_state){0, 0, 0, 16383};
	fake_hv.xive.eq[1][5] = (struct xive_eq_state){0, 0, 1, 9}; /* none */
	fake_hv.xive.vp[0][0] = 0x00ff000000000000ull;
	fake_hv.xive.vp[1][0] = 0x0006400000000000ull;
}

static void saved(struct machine *m, struct xive_state *s)
{
	guest_setup(m);
	assert_int_equal(xive_save(&m->vm, &m->papr.xive, s), 0);
	assert_int_equal(fake_hv.xive_gets, 1);
}

static void save_encode_load(void **state)
{
	struct machine *m = xive_machine(), *m2;
	struct xive_state *s = calloc(1, sizeof(*s)),
			  *d = calloc(1, sizeof(*d));
	struct snap_out o = {malloc(65536), 65536, 0, false};
	struct snap_sec sec;
	char why[120] = "";
	uint64_t out[HCALL_NARGS];

	(void)state;
	assert_non_null(s);
	assert_non_null(d);
	saved(m, s);
	/* The guest's routing, the hypervisor's PQ, positions and contexts. */
	assert_int_equal(s->src[at(MSI)].server, 1);
	assert_int_equal(s->src[at(MSI)].prio, 6);
	assert_int_equal(s->src[at(MSI)].eisn, MSI);
	assert_int_equal(s->src[at(MSI)].pq, 0x2);
	assert_int_equal(s->src[at(MSI + 1)].prio, XIVE_PRIO_MASKED);
	assert_int_equal(s->src[at(MSI + 1)].eisn, 77);
	assert_int_equal(s->src[at(1)].pq, HV_XIVE_PQ_FIRED);
	assert_int_equal(s->src[at(5)].prio, XIVE_PRIO_MASKED); /* no vCPU */
	assert_int_equal(s->eq[0][6].qaddr, Q0);
	assert_int_equal(s->eq[0][6].qshift, 16);
	assert_int_equal(s->eq[0][6].index, 17);
	assert_int_equal(s->eq[1][6].index, 16383);
	assert_int_equal(s->eq[1][5].index, 0); /* no queue: not asked */
	assert_int_equal(s->vp[1][0], 0x0006400000000000ull);
	assert_int_equal(xive_state_check(&m->vm, s, why, sizeof(why)), 0);

	xive_state_encode(s, 2, &o);
	assert_false(o.overflow);
	sec = (struct snap_sec){SNAP_SEC_XIVE, 0, o.p, o.len};
	assert_int_equal(xive_state_decode(&sec, 2, d), 0);
	assert_memory_equal(s, d, sizeof(*s));
	/* Sized for its vCPUs: one byte short or over, or another count. */
	sec.len = o.len - 1;
	assert_int_equal(xive_state_decode(&sec, 2, d), -EINVAL);
	sec.len = o.len;
	assert_int_equal(xive_state_decode(&sec, 1, d), -EINVAL);
	assert_int_equal(xive_state_decode(&sec, 3, d), -EINVAL);
	assert_int_equal(xive_state_decode(&sec, 2, d), 0);

	m2 = xive_machine();
	assert_int_equal(xive_state_check(&m2->vm, d, why, sizeof(why)), 0);
	assert_int_equal(xive_load(&m2->vm, &m2->papr.xive, d), 0);
	assert_int_equal(fake_hv.xive_sets, 1);
	assert_memory_equal(&fake_hv.xive, s, sizeof(*s));
	/* pvmm's own tables: the GET hcalls answer as before. */
	assert_memory_equal(m2->papr.xive.src, m->papr.xive.src,
			    sizeof(m->papr.xive.src));
	assert_memory_equal(m2->papr.xive.queue, m->papr.xive.queue,
			    sizeof(m->papr.xive.queue));
	assert_int_equal(
		call(m2, H_INT_GET_SOURCE_CONFIG, 0, MSI, 0, 0, 0, out),
		H_SUCCESS);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 6);
	assert_int_equal(out[2], MSI);
	assert_int_equal(call(m2, H_INT_GET_QUEUE_CONFIG, 0, 1, 6, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[1], Q1);
	assert_int_equal(out[2], 16);

	/* The backend refusing: its error, pvmm's tables untouched. */
	unit_machine_free(m2);
	m2 = xive_machine();
	fake_hv.state_ret = -EIO;
	assert_int_equal(xive_load(&m2->vm, &m2->papr.xive, d), -EIO);
	assert_int_equal(m2->papr.xive.src[at(MSI)].prio, XIVE_PRIO_MASKED);
	assert_int_equal(m2->papr.xive.queue[1][6].qshift, 0);
	free(o.p);
	free(s);
	free(d);
	unit_machine_free(m);
	unit_machine_free(m2);
}

/* One hostile change to a good state, and what the refusal names. */
struct bad {
	const char *what;
	void (*apply)(struct xive_state *s);
	const char *says;
};

static void prio_7(struct xive_state *s)
{
	s->src[at(MSI)].prio = 7;
}
static void prio_254(struct xive_state *s)
{
	s->src[at(MSI)].prio = 254;
}
static void server_99(struct xive_state *s)
{
	s->src[at(MSI)].server = 99;
}
static void masked_server(struct xive_state *s)
{
	s->src[at(MSI + 1)].server = 0x80000000u;
}
static void eisn_big(struct xive_state *s)
{
	s->src[at(MSI)].eisn = 0x80000000u;
}
static void pq_big(struct xive_state *s)
{
	s->src[at(MSI)].pq = 0x8;
}
static void pq_fired_off(struct xive_state *s)
{
	s->src[at(MSI)].pq = HV_XIVE_PQ_FIRED | HV_XIVE_PQ_OFF;
}
static void no_queue(struct xive_state *s)
{
	s->src[at(MSI)].prio = 5;
}
static void ipi_absent(struct xive_state *s)
{
	s->src[at(2)].prio = 6;
}
static void ipi_absent_pq(struct xive_state *s)
{
	s->src[at(31)].pq = 1;
}
static void qshift_12(struct xive_state *s)
{
	s->eq[0][6].qshift = 12;
}
static void qshift_64(struct xive_state *s)
{
	s->eq[0][6].qshift = 64;
}
static void qaddr_past(struct xive_state *s)
{
	s->eq[0][6].qaddr = UNIT_RAM;
}
static void qaddr_wrap(struct xive_state *s)
{
	s->eq[0][6].qaddr = 0xffffffffffff0000ull;
}
static void qaddr_odd(struct xive_state *s)
{
	s->eq[1][6].qaddr = Q1 + 8;
}
static void toggle_2(struct xive_state *s)
{
	s->eq[0][6].toggle = 2;
}
static void index_big(struct xive_state *s)
{
	s->eq[1][6].index = 16384;
}
static void none_index(struct xive_state *s)
{
	s->eq[1][3].index = 5;
}
static void none_addr(struct xive_state *s)
{
	s->eq[0][0].qaddr = Q0;
}
static void vp_unused(struct xive_state *s)
{
	s->vp[1][1] = 1;
}

static const struct bad bads[] = {
	{"priority 7 (reserved)", prio_7, "priority 7"},
	{"priority 254", prio_254, "priority 254"},
	{"target no vCPU", server_99, "target 99 is no vCPU"},
	{"masked, target no vCPU", masked_server, "is no vCPU"},
	{"EISN past 31 bits", eisn_big, "EISN"},
	{"PQ past 2 bits", pq_big, "PQ state 0x8"},
	{"fired while off", pq_fired_off, "PQ state 0x5"},
	{"routed to no queue", no_queue, "has no queue"},
	{"IPI of no vCPU routed", ipi_absent, "IPI 0x2"},
	{"IPI of no vCPU with PQ", ipi_absent_pq, "IPI 0x1f"},
	{"queue of 4 KiB", qshift_12, "size 2^12"},
	{"queue of 2^64", qshift_64, "size 2^64"},
	{"queue past RAM", qaddr_past, "not in guest RAM"},
	{"queue wrapping", qaddr_wrap, "not in guest RAM"},
	{"queue unaligned", qaddr_odd, "not in guest RAM"},
	{"toggle 2", toggle_2, "toggle 2"},
	{"index past the queue", index_big, "index 16384"},
	{"no queue, an index", none_index, "no size"},
	{"no queue, an address", none_addr, "no size"},
	{"thread context's unused half", vp_unused, "thread context"},
};

static void hostile(void **state)
{
	struct machine *m = xive_machine();
	struct xive_state *good = calloc(1, sizeof(*good));
	struct xive_state *s = malloc(sizeof(*s));
	char why[120];

	(void)state;
	assert_non_null(good);
	assert_non_null(s);
	saved(m, good);
	assert_int_equal(xive_state_check(&m->vm, good, why, sizeof(why)), 0);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		*s = *good;
		bads[i].apply(s);
		why[0] = '\0';
		if (xive_state_check(&m->vm, s, why, sizeof(why)) != -EINVAL ||
		    !strstr(why, bads[i].says))
			fail_msg("%s: not refused as \"%s\" (said \"%s\")",
				 bads[i].what, bads[i].says, why);
	}
	/* Nothing was loaded by any check. */
	assert_int_equal(fake_hv.xive_sets, 0);
	free(good);
	free(s);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(save_encode_load),
		cmocka_unit_test(hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
