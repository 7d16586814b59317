/* DMA windows: the TCE hcalls and the dynamic-window RTAS calls with
 * hostile arguments, tables held by pvmm or by the (fake) hypervisor,
 * translation, and a virtio device behind the IOMMU that must reset on a
 * DMA its windows do not allow. */
#include <errno.h>

#include <linux/virtio_ring.h>

#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "io/virtio_rng.h"
#include "io/phb.h"
#include "io/tce.h"
#include "io/virtio.h"
#include "cpu/be.h"
#include "papr/hcall.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)	 (1ull << (n))
#define FEATURES (BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM))
#define PAGE	 4096ull
#define DEF	 TCE_LIOBN_DEFAULT
#define DDW	 TCE_LIOBN_DDW
#define LIST	 0x3000000ull /* an H_PUT_TCE_INDIRECT list */
#define RBUF	 0x3100000ull /* RTAS buffer */
#define BUID_HI	 ((uint32_t)(PHB_BUID >> 32))
#define BUID_LO	 ((uint32_t)PHB_BUID)
#define RW	 (TCE_READ | TCE_WRITE)

static struct vdrv drv;
static struct machine *m;

struct opts {
	bool in_kernel; /* the fake hypervisor holds the tables */
};

/* One virtio-rng behind the IOMMU, the default window open. */
static int create(struct machine *mm, void *arg)
{
	const struct opts *o = arg;
	int err;

	mm->io.phb.iommu = true;
	fake_hv.tce_in_kernel = o && o->in_kernel;
	err = virtio_rng_create(&mm->io);
	return err ? err : phb_dma_start(&mm->io.phb);
}

static int setup(void **state)
{
	vdrv_start(&drv, false, create, *state);
	m = drv.m;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vdrv_stop(&drv);
	return 0;
}

static int64_t hcall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		     uint64_t a3, uint64_t *out)
{
	uint64_t args[HCALL_NARGS] = {a0, a1, a2, a3};
	int64_t rc = hcall_dispatch(&m->papr, &m->vm.cpu[0], nr, args);

	if (out)
		*out = args[0];
	return rc;
}

static int64_t put(uint32_t liobn, uint64_t ioba, uint64_t tce)
{
	return hcall(H_PUT_TCE, liobn, ioba, tce, 0, NULL);
}

static uint64_t get(uint32_t liobn, uint64_t ioba)
{
	uint64_t tce = 0;

	assert_int_equal(hcall(H_GET_TCE, liobn, ioba, 0, 0, &tce), H_SUCCESS);
	return tce;
}

/* Map [bus, bus + len) of the default window onto the same guest
 * addresses with @perm. */
static void map_identity(uint64_t bus, uint64_t len, uint64_t perm)
{
	for (uint64_t a = bus; a < bus + len; a += PAGE)
		assert_int_equal(put(DEF, a, a | perm), H_SUCCESS);
}

/* An RTAS call on a fresh buffer: rets[0 .. nret). */
static void rtas(const char *name, uint32_t nargs, uint32_t nret,
		 const uint32_t *args, uint32_t *rets)
{
	assert_int_equal(unit_rtas(m, RBUF, name, nargs, nret, args), H_SUCCESS);
	for (uint32_t i = 0; i < nret; i++)
		rets[i] = unit_rtas_ret(m, RBUF, nargs, i);
}

static int32_t create_ddw(uint32_t shift, uint32_t wshift, uint32_t *r)
{
	uint32_t a[5] = {0, BUID_HI, BUID_LO, shift, wshift};

	rtas("ibm,create-pe-dma-window", 5, 4, a, r);
	return (int32_t)r[0];
}

/* --- hcalls ------------------------------------------------------------ */

static void put_get(void **state)
{
	(void)state;
	assert_int_equal(put(DEF, 0x5000, 0x123000 | TCE_READ), H_SUCCESS);
	assert_int_equal(get(DEF, 0x5000), 0x123000 | TCE_READ);
	/* The last page of the 1 GiB window, and clearing it. */
	assert_int_equal(put(DEF, (1ull << 30) - PAGE, 0x2000 | RW), H_SUCCESS);
	assert_int_equal(get(DEF, (1ull << 30) - PAGE), 0x2000 | RW);
	assert_int_equal(put(DEF, (1ull << 30) - PAGE, 0), H_SUCCESS);
	assert_int_equal(get(DEF, (1ull << 30) - PAGE), 0);
	/* No permission: stored as given, maps nothing (KVM does so). */
	assert_int_equal(put(DEF, 0, 0xfff0000000000ff0ull), H_SUCCESS);
	assert_int_equal(get(DEF, 0), 0xfff0000000000ff0ull);
	/* Every call reached pvmm: the fake holds no table. */
	assert_int_equal(m->papr.hstats.calls[hcall_slot(H_PUT_TCE)], 4);
	assert_false(tce_in_kernel(&m->io.phb.dma, DEF));
}

static void put_hostile(void **state)
{
	(void)state;
	assert_int_equal(put(DEF, 0x1000, 0x7000 | TCE_READ), H_SUCCESS);
	assert_int_equal(put(0x1234, 0x1000, 0x8000 | RW), H_PARAMETER);
	assert_int_equal(put(DDW, 0x1000, 0x8000 | RW), H_PARAMETER);
	assert_int_equal(hcall(H_PUT_TCE, (1ull << 32) | DEF, 0x1000,
			       0x8000 | RW, 0, NULL),
			 H_PARAMETER);
	assert_int_equal(put(DEF, 0x1008, 0x8000 | RW), H_PARAMETER);
	assert_int_equal(put(DEF, 1ull << 30, 0x8000 | RW), H_PARAMETER);
	assert_int_equal(put(DEF, UINT64_MAX & ~0xfffull, 0x8000 | RW),
			 H_PARAMETER);
	/* Address bits below the page, a page outside or past RAM. */
	assert_int_equal(put(DEF, 0x1000, 0x8010 | RW), H_PARAMETER);
	assert_int_equal(put(DEF, 0x1000, UNIT_RAM | TCE_WRITE), H_PARAMETER);
	assert_int_equal(put(DEF, 0x1000, (UINT64_MAX & ~0xfffull) | RW),
			 H_PARAMETER);
	/* Nothing changed. */
	assert_int_equal(get(DEF, 0x1000), 0x7000 | TCE_READ);
	assert_int_equal(put(DEF, 0x1000, (UNIT_RAM - PAGE) | TCE_WRITE),
			 H_SUCCESS);
}

static void get_hostile(void **state)
{
	uint64_t out = 0xabcd;

	(void)state;
	assert_int_equal(hcall(H_GET_TCE, 0x4321, 0, 0, 0, &out), H_PARAMETER);
	assert_int_equal(out, 0x4321); /* r4 untouched */
	assert_int_equal(hcall(H_GET_TCE, DEF, 0x10, 0, 0, NULL), H_PARAMETER);
	assert_int_equal(hcall(H_GET_TCE, DEF, 1ull << 30, 0, 0, NULL),
			 H_PARAMETER);
	assert_int_equal(hcall(H_GET_TCE, DEF, TCE_DDW_BUS, 0, 0, NULL),
			 H_PARAMETER);
}

static void stuff(void **state)
{
	(void)state;
	map_identity(0x10000, 8 * PAGE, RW);
	assert_int_equal(hcall(H_STUFF_TCE, DEF, 0x11000, 0, 6, NULL),
			 H_SUCCESS);
	assert_int_equal(get(DEF, 0x10000), 0x10000 | RW);
	for (uint64_t a = 0x11000; a < 0x17000; a += PAGE)
		assert_int_equal(get(DEF, a), 0);
	assert_int_equal(get(DEF, 0x17000), 0x17000 | RW);
	/* Count 0 does nothing; the whole window at once works. */
	assert_int_equal(hcall(H_STUFF_TCE, DEF, 0x10000, 0, 0, NULL),
			 H_SUCCESS);
	assert_int_equal(get(DEF, 0x10000), 0x10000 | RW);
	assert_int_equal(
		hcall(H_STUFF_TCE, DEF, 0, 0, (1ull << 30) / PAGE, NULL),
		H_SUCCESS);
	assert_int_equal(get(DEF, 0x17000), 0);
}

static void stuff_hostile(void **state)
{
	(void)state;
	map_identity(0x10000, PAGE, RW);
	/* It only clears: permissions are refused, as by KVM. */
	assert_int_equal(
		hcall(H_STUFF_TCE, DEF, 0x10000, 0x20000 | TCE_READ, 1, NULL),
		H_PARAMETER);
	assert_int_equal(hcall(H_STUFF_TCE, 0x99, 0x10000, 0, 1, NULL),
			 H_PARAMETER);
	assert_int_equal(hcall(H_STUFF_TCE, DEF, 0x10001, 0, 1, NULL),
			 H_PARAMETER);
	/* Running past the window, and a count that wraps. */
	assert_int_equal(
		hcall(H_STUFF_TCE, DEF, 0x10000, 0, (1ull << 30) / PAGE, NULL),
		H_PARAMETER);
	assert_int_equal(hcall(H_STUFF_TCE, DEF, 0x10000, 0, UINT64_MAX, NULL),
			 H_PARAMETER);
	assert_int_equal(get(DEF, 0x10000), 0x10000 | RW);
}

static void write_list(const uint64_t *tces, unsigned n)
{
	uint8_t *p = gmem_ptr(&m->vm.mem, LIST, 8ull * n);

	for (unsigned i = 0; i < n; i++)
		be64_store(p + 8 * i, tces[i]);
}

static void indirect(void **state)
{
	uint64_t tces[TCE_LIST_MAX];

	(void)state;
	for (unsigned i = 0; i < TCE_LIST_MAX; i++)
		tces[i] = (0x400000 + PAGE * i) | RW;
	write_list(tces, TCE_LIST_MAX);
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DEF, 0x200000, LIST,
			       TCE_LIST_MAX, NULL),
			 H_SUCCESS);
	for (unsigned i = 0; i < TCE_LIST_MAX; i++)
		assert_int_equal(get(DEF, 0x200000 + PAGE * i), tces[i]);
	assert_int_equal(
		hcall(H_PUT_TCE_INDIRECT, DEF, 0x200000, LIST, 0, NULL),
		H_SUCCESS);
}

static void indirect_hostile(void **state)
{
	uint64_t tces[4] = {0x1000 | RW, 0x2000 | RW, 0x3000 | RW, 0x4000 | RW};

	(void)state;
	write_list(tces, 4);
	assert_int_equal(
		hcall(H_PUT_TCE_INDIRECT, DEF, 0, LIST, TCE_LIST_MAX + 1, NULL),
		H_PARAMETER);
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DEF, 0, LIST + 8, 4, NULL),
			 H_PARAMETER);
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DEF, 0, UNIT_RAM, 4, NULL),
			 H_PARAMETER);
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DEF, 0, UNIT_RAM - PAGE,
			       TCE_LIST_MAX, NULL),
			 H_SUCCESS); /* the list's last page, zeros */
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, 0x77, 0, LIST, 4, NULL),
			 H_PARAMETER);
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DEF, 0x800, LIST, 4, NULL),
			 H_PARAMETER);
	assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DEF, (1ull << 30) - PAGE,
			       LIST, 2, NULL),
			 H_PARAMETER);
	/* One bad TCE in the list: nothing is written. */
	tces[2] = UNIT_RAM | TCE_READ;
	write_list(tces, 4);
	assert_int_equal(
		hcall(H_PUT_TCE_INDIRECT, DEF, 0x100000, LIST, 4, NULL),
		H_PARAMETER);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(get(DEF, 0x100000 + PAGE * i), 0);
}

/* With the hypervisor holding the table, pvmm sees the same entries
 * (here: what the hcalls that came to it wrote) and removing the window
 * gives the table back. */
static void in_kernel(void **state)
{
	uint64_t gpa = 0;
	uint32_t r[4];

	(void)state;
	assert_true(tce_in_kernel(&m->io.phb.dma, DEF));
	assert_int_equal(fake_hv.tce_creates, 1);
	assert_int_equal(fake_hv.tce_liobn, DEF);
	assert_int_equal(fake_hv.tce_shift, 12);
	assert_int_equal(fake_hv.tce_bus, 0);
	assert_int_equal(fake_hv.tce_n, (1ull << 30) / PAGE);
	assert_int_equal(put(DEF, 0x3000, 0x9000 | TCE_READ), H_SUCCESS);
	assert_int_equal(m->io.phb.dma.win[TCE_WIN_DEFAULT].tce[3],
			 0x9000 | TCE_READ);
	assert_int_equal(tce_translate(&m->io.phb.dma, 0x3010, 8, false, &gpa), 8);
	assert_int_equal(gpa, 0x9010);
	/* A DDW goes to the hypervisor too. */
	assert_int_equal(create_ddw(16, 26, r), RTAS_OK);
	assert_int_equal(fake_hv.tce_creates, 2);
	assert_int_equal(fake_hv.tce_liobn, DDW);
	assert_int_equal(fake_hv.tce_shift, 16);
	assert_int_equal(fake_hv.tce_bus, TCE_DDW_BUS);
	assert_int_equal(fake_hv.tce_n, 1u << 10);
	assert_true(tce_in_kernel(&m->io.phb.dma, DDW));
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){DDW}, r);
	assert_int_equal(r[0], RTAS_OK);
	assert_int_equal(fake_hv.tce_destroys, 1);
}

/* Walking a whole table (the report's count, a snapshot) hands a
 * hypervisor table's pages back step by step: reading KVM's 2 MiB DDW
 * table through pvmm's mapping made it pvmm's resident memory. */
static void walk_in_kernel(void **state)
{
	struct tce_window *w = &m->io.phb.dma.win[TCE_WIN_DEFAULT];
	struct tce_state st;
	uint64_t far = w->n - 5;

	(void)state;
	assert_true(w->fd >= 0);
	assert_int_equal(put(DEF, 0x3000, 0x9000 | TCE_READ), H_SUCCESS);
	assert_int_equal(put(DEF, far * PAGE, 0xa000 | RW), H_SUCCESS);
	fake_hv.tce_released = fake_hv.tce_release_max = 0;
	fake_hv.tce_release_bad = false; /* the puts' releases start anywhere */
	assert_int_equal(tce_mapped(w), 2);
	assert_int_equal(fake_hv.tce_released, w->n);
	assert_true(fake_hv.tce_release_max <= HV_TCE_RELEASE_STEP);
	assert_false(fake_hv.tce_release_bad);
	fake_hv.tce_released = 0;
	assert_int_equal(tce_get_state(&m->io.phb.dma, &st), 0);
	assert_int_equal(st.win[TCE_WIN_DEFAULT].nent, 2);
	assert_int_equal(st.win[TCE_WIN_DEFAULT].idx[1], far);
	assert_int_equal(st.win[TCE_WIN_DEFAULT].tce[1], 0xa000 | RW);
	/* counted, then kept: the table walked twice */
	assert_int_equal(fake_hv.tce_released, 2 * w->n);
	tce_state_free(&st);
}

/* Entries pvmm writes into KVM's table (the multi-TCE calls) are handed
 * back too, in steps; a refused call writes and hands back nothing. */
static void write_in_kernel(void **state)
{
	struct tce_window *w = &m->io.phb.dma.win[TCE_WIN_DEFAULT];
	uint64_t l[4] = {0x9000 | TCE_READ, 0xa000 | RW, 0, 0xb000 | RW};

	(void)state;
	assert_true(w->fd >= 0);
	fake_hv.tce_released = fake_hv.tce_release_max = 0;
	assert_int_equal(tce_write(&m->io.phb.dma, DEF, 0x3000, l, 4), 0);
	assert_int_equal(fake_hv.tce_released, 4);
	assert_int_equal(tce_fill(&m->io.phb.dma, DEF, 0, 0, w->n), 0);
	assert_int_equal(fake_hv.tce_released, 4 + w->n);
	assert_true(fake_hv.tce_release_max <= HV_TCE_RELEASE_STEP);
	fake_hv.tce_released = 0;
	assert_int_not_equal(tce_fill(&m->io.phb.dma, DEF, 0, 0, w->n + 1), 0);
	assert_int_equal(fake_hv.tce_released, 0);
}

/* pvmm's own table is its memory anyway: nothing handed back (that would
 * zero it). */
static void walk_own(void **state)
{
	struct tce_window *w = &m->io.phb.dma.win[TCE_WIN_DEFAULT];

	(void)state;
	assert_true(w->fd < 0);
	assert_int_equal(put(DEF, 0x3000, 0x9000 | TCE_READ), H_SUCCESS);
	fake_hv.tce_released = 0;
	assert_int_equal(tce_mapped(w), 1);
	assert_int_equal(fake_hv.tce_released, 0);
}

/* --- dynamic windows ----------------------------------------------------- */

static void ddw_query(void **state)
{
	uint32_t a[3] = {0, BUID_HI, BUID_LO}, r[6];

	(void)state;
	rtas("ibm,query-pe-dma-window", 3, 6, a, r);
	assert_int_equal(r[0], RTAS_OK);
	assert_int_equal(r[1], 1);		 /* windows available */
	assert_int_equal(r[2], 0);		 /* largest block, hi */
	assert_int_equal(r[3], UNIT_RAM / PAGE); /* lo: RAM in 4K */
	assert_int_equal(r[4], 0x3);		 /* 4K and 64K */
	assert_int_equal(r[5], 0);		 /* no migration */
	rtas("ibm,query-pe-dma-window", 3, 5, a, r);
	assert_int_equal(r[0], RTAS_OK);
	assert_int_equal(r[2], UNIT_RAM / PAGE);
	assert_int_equal(r[3], 0x3);
	assert_int_equal(r[4], 0);
	assert_int_equal(m->io.phb.dma.stats.ddw_query, 2);
}

static void ddw_query_hostile(void **state)
{
	uint32_t r[6];

	(void)state;
	/* Another BUID, a slot without a function, register bits, bus 1. */
	rtas("ibm,query-pe-dma-window", 3, 6,
	     (uint32_t[]){0, BUID_HI, BUID_LO + 1}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,query-pe-dma-window", 3, 6,
	     (uint32_t[]){3 << 11, BUID_HI, BUID_LO}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,query-pe-dma-window", 3, 6,
	     (uint32_t[]){0x10, BUID_HI, BUID_LO}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,query-pe-dma-window", 3, 6,
	     (uint32_t[]){1 << 16, BUID_HI, BUID_LO}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	/* Too few outputs or arguments: the table refuses the call. */
	rtas("ibm,query-pe-dma-window", 3, 4, (uint32_t[]){0, BUID_HI, BUID_LO},
	     r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,query-pe-dma-window", 2, 6, (uint32_t[]){0, BUID_HI}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	assert_int_equal(m->io.phb.dma.stats.ddw_query, 0);
}

/* What Linux does with 64 MiB: 64 KiB pages, a 2^26 window, the whole of
 * RAM mapped with H_PUT_TCE_INDIRECT; then the device's DMA goes
 * through it at bus address + gpa. */
static void ddw_create_map(void **state)
{
	uint64_t tces[TCE_LIST_MAX], gpa = 0, n = UNIT_RAM >> 16;
	uint32_t r[4], q[6];

	(void)state;
	assert_int_equal(create_ddw(16, 26, r), RTAS_OK);
	assert_int_equal(r[1], DDW);
	assert_int_equal(((uint64_t)r[2] << 32) | r[3], TCE_DDW_BUS);
	rtas("ibm,query-pe-dma-window", 3, 6, (uint32_t[]){0, BUID_HI, BUID_LO},
	     q);
	assert_int_equal(q[1], 0);
	for (uint64_t i = 0; i < n; i += TCE_LIST_MAX) {
		for (unsigned j = 0; j < TCE_LIST_MAX; j++)
			tces[j] = ((i + j) << 16) | RW;
		write_list(tces, TCE_LIST_MAX);
		assert_int_equal(hcall(H_PUT_TCE_INDIRECT, DDW,
				       TCE_DDW_BUS + (i << 16), LIST,
				       TCE_LIST_MAX, NULL),
				 H_SUCCESS);
	}
	/* One run over all of RAM, crossing every 64K page. */
	assert_int_equal(tce_translate(&m->io.phb.dma, TCE_DDW_BUS + 0x1234,
				       UNIT_RAM - 0x1234, true, &gpa),
			 UNIT_RAM - 0x1234);
	assert_int_equal(gpa, 0x1234);
	/* Past its end: nothing. */
	assert_int_equal(tce_translate(&m->io.phb.dma, TCE_DDW_BUS + UNIT_RAM, 1,
				       false, &gpa),
			 0);
	assert_int_equal(m->io.phb.dma.stats.ddw_create, 1);
}

static void ddw_create_hostile(void **state)
{
	uint32_t r[4];

	(void)state;
	assert_int_equal(create_ddw(13, 26, r), RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(24, 26, r), RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(64, 70, r), RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(0xffffffff, 26, r), RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(16, 15, r), RTAS_PARAM_ERROR);
	/* Larger than the largest block (RAM in 4K pages), or than 2^59. */
	assert_int_equal(create_ddw(12, 27, r), RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(16, 60, r), RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(16, 0xffffffff, r), RTAS_PARAM_ERROR);
	rtas("ibm,create-pe-dma-window", 5, 4,
	     (uint32_t[]){0, BUID_HI, 0, 16, 26}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,create-pe-dma-window", 5, 4,
	     (uint32_t[]){5 << 11, BUID_HI, BUID_LO, 16, 26}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	assert_int_equal(m->io.phb.dma.win[TCE_WIN_DDW].liobn, 0);
	/* The largest allowed, then once more: no window left. */
	assert_int_equal(create_ddw(12, 26, r), RTAS_OK);
	assert_int_equal(create_ddw(16, 26, r), RTAS_HW_ERROR);
	assert_int_equal(m->io.phb.dma.win[TCE_WIN_DDW].shift, 12);
}

static void ddw_remove_reset(void **state)
{
	uint32_t r[4], pe[3] = {0, BUID_HI, BUID_LO};

	(void)state;
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){DDW}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR); /* none yet */
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){0}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){0x80000002}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	assert_int_equal(create_ddw(16, 26, r), RTAS_OK);
	assert_int_equal(put(DDW, TCE_DDW_BUS, 0x10000 | RW), H_SUCCESS);
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){DDW}, r);
	assert_int_equal(r[0], RTAS_OK);
	assert_int_equal(put(DDW, TCE_DDW_BUS, 0x10000 | RW), H_PARAMETER);
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){DDW}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	/* PAPR lets the default window go too; its LIOBN is then unknown
	 * until a reset brings it back, empty. */
	assert_int_equal(put(DEF, 0x1000, 0x1000 | RW), H_SUCCESS);
	rtas("ibm,remove-pe-dma-window", 1, 1, (uint32_t[]){DEF}, r);
	assert_int_equal(r[0], RTAS_OK);
	assert_int_equal(put(DEF, 0x1000, 0x1000 | RW), H_PARAMETER);
	assert_int_equal(create_ddw(16, 26, r), RTAS_OK);
	rtas("ibm,reset-pe-dma-window", 3, 1,
	     (uint32_t[]){0, BUID_HI, BUID_LO + 2}, r);
	assert_int_equal((int32_t)r[0], RTAS_PARAM_ERROR);
	rtas("ibm,reset-pe-dma-window", 3, 1, pe, r);
	assert_int_equal(r[0], RTAS_OK);
	assert_int_equal(get(DEF, 0x1000), 0);
	assert_int_equal(m->io.phb.dma.win[TCE_WIN_DDW].liobn, 0);
	assert_int_equal(put(DDW, TCE_DDW_BUS, 0x10000 | RW), H_PARAMETER);
}

/* --- translation --------------------------------------------------------- */

static void translate(void **state)
{
	struct tce_set *s;
	uint64_t gpa = 0;

	(void)state;
	s = &m->io.phb.dma;
	assert_int_equal(put(DEF, 0x0000, 0x50000 | RW), H_SUCCESS);
	assert_int_equal(put(DEF, 0x1000, 0x51000 | TCE_READ), H_SUCCESS);
	assert_int_equal(put(DEF, 0x2000, 0x90000 | RW), H_SUCCESS);
	/* Hit inside a page. */
	assert_int_equal(tce_translate(s, 0x10, 0x100, true, &gpa), 0x100);
	assert_int_equal(gpa, 0x50010);
	/* Reading crosses into the next page, contiguous in RAM... */
	assert_int_equal(tce_translate(s, 0xf00, 0x200, false, &gpa), 0x200);
	assert_int_equal(gpa, 0x50f00);
	/* ...writing stops where the permission ends... */
	assert_int_equal(tce_translate(s, 0xf00, 0x200, true, &gpa), 0x100);
	/* ...and a read stops where RAM stops being contiguous. */
	assert_int_equal(tce_translate(s, 0x1f00, 0x200, false, &gpa), 0x100);
	assert_int_equal(gpa, 0x51f00);
	assert_int_equal(tce_translate(s, 0x2000, 0x10, false, &gpa), 0x10);
	assert_int_equal(gpa, 0x90000);
	/* Misses: no permission, outside every window. */
	assert_int_equal(tce_translate(s, 0x1000, 4, true, &gpa), 0);
	assert_int_equal(tce_translate(s, 0x3000, 4, false, &gpa), 0);
	assert_int_equal(tce_translate(s, 1ull << 30, 4, false, &gpa), 0);
	assert_int_equal(tce_translate(s, UINT64_MAX, 4, false, &gpa), 0);
	assert_int_equal(s->stats.faults, 4);
	assert_int_equal(s->stats.translated[TCE_WIN_DEFAULT], 5);
	assert_int_equal(s->stats.translated[TCE_WIN_DDW], 0);
}

/* --report: the TCE hcalls that reached pvmm, the DDW calls, and per
 * window what is mapped and what DMA went through it. */
static void report(void **state)
{
	uint32_t r[4];
	uint64_t gpa;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	map_identity(0x10000, 3 * PAGE, RW);
	assert_int_equal(hcall(H_STUFF_TCE, DEF, 0x10000, 0, 1, NULL),
			 H_SUCCESS);
	assert_int_equal(create_ddw(16, 26, r), RTAS_OK);
	assert_int_equal(put(DDW, TCE_DDW_BUS, RW), H_SUCCESS);
	assert_int_equal(tce_translate(&m->io.phb.dma, TCE_DDW_BUS, 8, true, &gpa),
			 8);
	report_print(m, f, 0);
	fclose(f);
	assert_non_null(strstr(text, "\"dma\": {\"iommu\": true, "
				     "\"tce_hcalls\": 5, \"ddw_query\": 0, "
				     "\"ddw_create\": 1, \"ddw_remove\": 0, "
				     "\"ddw_reset\": 0, \"faults\": 0"));
	assert_non_null(strstr(text,
			       "{\"liobn\": \"0x80000000\", \"bus\": "
			       "\"0x0\", \"page_shift\": 12, "
			       "\"entries\": 262144, \"mapped\": 2, "
			       "\"in_kernel\": false, \"translated\": 0}"));
	assert_non_null(strstr(text, "{\"liobn\": \"0x80000001\", \"bus\": "
				     "\"0x800000000000000\", \"page_shift\": "
				     "16, \"entries\": 1024, \"mapped\": 1, "
				     "\"in_kernel\": false, \"translated\": "
				     "1}"));
	/* The device behind the bridge, with its refusal counters. */
	assert_non_null(strstr(text, "\"needs_reset\": 0, \"resets\": 0}"));
	free(text);
}

/* --- a device behind the IOMMU ------------------------------------------- */

static void ring_maps(void)
{
	for (unsigned q = 0; q < 1; q++)
		map_identity(VDRV_RING(q), 0x10000, RW);
}

/* Features: without ACCESS_PLATFORM the device refuses FEATURES_OK. */
static void device_features(void **state)
{
	(void)state;
	assert_true(vdrv_device_features(&drv) & BIT(VIRTIO_F_ACCESS_PLATFORM));
	assert_false(vdrv_negotiate(&drv, BIT(VIRTIO_F_VERSION_1)) &
		     VIRTIO_STATUS_FEATURES_OK);
}

static void device_dma(void **state)
{
	struct vdrv_seg s = VDRV_IN(NULL, 3 * PAGE);

	(void)state;
	ring_maps();
	vdrv_up(&drv, FEATURES, 1);
	assert_true(virtio_running(drv.d));
	/* A buffer the IOMMU maps for writing, across three TCE pages. */
	s.addr = vdrv_alloc(&drv, 3 * PAGE);
	map_identity(s.addr, 3 * PAGE, TCE_WRITE);
	assert_int_equal(vdrv_call(&drv, 0, &s, 1, 0), 3 * PAGE);
	assert_true(virtio_running(drv.d));
}

/* Two bus pages in a row that map to guest pages far apart: the device
 * writes each part where its TCE points, and nothing in between. */
static void device_dma_scattered(void **state)
{
	const uint64_t bus = 0x8000000, a = vdrv_alloc(&drv, PAGE),
		       gap = vdrv_alloc(&drv, PAGE), b = vdrv_alloc(&drv, PAGE);
	struct vdrv_seg s = {
		.len = 2 * PAGE - 0x100, .writable = true, .addr = bus + 0x100};
	bool a_filled = false, b_filled = false;

	(void)state;
	ring_maps();
	vdrv_up(&drv, FEATURES, 1);
	memset(vdrv_ptr(&drv, a, 3 * PAGE), 0, 3 * PAGE);
	assert_int_equal(put(DEF, bus, a | TCE_WRITE), H_SUCCESS);
	assert_int_equal(put(DEF, bus + PAGE, b | TCE_WRITE), H_SUCCESS);
	/* vdrv_post copies its poison to s.addr as if guest-physical:
	 * post the chain by hand instead. */
	vdrv_desc(&drv, VDRV_DESC(0), 0, s.addr, s.len, VRING_DESC_F_WRITE, 0);
	vdrv_avail_add(&drv, 0, 0);
	vdrv_kick(&drv, 0);
	assert_true(virtio_running(drv.d));
	assert_int_equal(vdrv_used_idx(&drv, 0), 1);
	for (unsigned i = 0; i < 0x100; i++)
		assert_int_equal(vdrv_ptr(&drv, a, PAGE)[i], 0);
	for (unsigned i = 0x100; i < PAGE; i++)
		a_filled |= vdrv_ptr(&drv, a, PAGE)[i] != 0;
	for (unsigned i = 0; i < PAGE; i++)
		assert_int_equal(vdrv_ptr(&drv, gap, PAGE)[i], 0);
	for (unsigned i = 0; i < PAGE; i++)
		b_filled |= vdrv_ptr(&drv, b, PAGE)[i] != 0;
	assert_true(a_filled && b_filled);
	assert_int_equal(m->io.phb.dma.stats.faults, 0);
}

static void device_dma_read_only(void **state)
{
	struct vdrv_seg s = VDRV_IN(NULL, 64);

	(void)state;
	ring_maps();
	vdrv_up(&drv, FEATURES, 1);
	/* Mapped, but for the device to read only: it must not write. */
	s.addr = vdrv_alloc(&drv, PAGE);
	map_identity(s.addr, PAGE, TCE_READ);
	vdrv_post(&drv, 0, &s, 1, 0);
	vdrv_kick(&drv, 0);
	assert_true(vdrv_wait_status(&drv, VIRTIO_STATUS_NEEDS_RESET));
	assert_int_equal(vdrv_used_idx(&drv, 0), 0);
	for (unsigned i = 0; i < 64; i++)
		assert_int_equal(vdrv_ptr(&drv, s.addr, 64)[i], VDRV_POISON);
}

static void device_dma_unmapped(void **state)
{
	struct vdrv_seg s = VDRV_IN(NULL, 2 * PAGE);

	(void)state;
	ring_maps();
	vdrv_up(&drv, FEATURES, 1);
	/* The first page is mapped, the second is not. */
	s.addr = vdrv_alloc(&drv, 2 * PAGE);
	map_identity(s.addr, PAGE, RW);
	vdrv_post(&drv, 0, &s, 1, 0);
	vdrv_kick(&drv, 0);
	assert_true(vdrv_wait_status(&drv, VIRTIO_STATUS_NEEDS_RESET));
	assert_int_equal(vdrv_used_idx(&drv, 0), 0);
}

static void device_rings_unmapped(void **state)
{
	(void)state;
	/* Rings nobody mapped: enabling the queue fails the device. */
	assert_true(vdrv_negotiate(&drv, FEATURES) & VIRTIO_STATUS_FEATURES_OK);
	vdrv_queue_addr(&drv, 0, VDRV_DESC(0), VDRV_AVAIL(0), VDRV_USED(0));
	VDRV_CWR(&drv, Q_ENABLE, 2, 1);
	assert_int_equal(VDRV_CRD(&drv, Q_ENABLE, 2), 0);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

int main(void)
{
	static struct opts kernel = {.in_kernel = true};
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(put_get),
		T(put_hostile),
		T(get_hostile),
		T(stuff),
		T(stuff_hostile),
		T(indirect),
		T(indirect_hostile),
		cmocka_unit_test_prestate_setup_teardown(in_kernel, setup,
							 teardown, &kernel),
		cmocka_unit_test_prestate_setup_teardown(walk_in_kernel, setup,
							 teardown, &kernel),
		cmocka_unit_test_prestate_setup_teardown(write_in_kernel, setup,
							 teardown, &kernel),
		T(walk_own),
		T(ddw_query),
		T(ddw_query_hostile),
		T(ddw_create_map),
		T(ddw_create_hostile),
		T(ddw_remove_reset),
		T(translate),
		T(report),
		T(device_features),
		T(device_dma),
		T(device_dma_scattered),
		T(device_dma_read_only),
		T(device_dma_unmapped),
		T(device_rings_unmapped),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
