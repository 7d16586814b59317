/* A whole machine saved and restored (migrate/state.c) on the fake
 * backend with a virtio-rng device the test drives: what comes back is
 * what went in, and a snapshot that is foreign or out of range changes
 * nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/tce.h"
#include "io/virtio_rng.h"
#include "migrate/dev_state.h"
#include "migrate/state.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)	 (1ull << (n))
#define FEATURES (BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_RING_F_INDIRECT_DESC))

static struct vdrv drv;

static int create(struct machine *m, void *arg)
{
	(void)arg;
	return virtio_rng_create(&m->io);
}

static struct snap_parts parts_of(struct machine *m)
{
	return (struct snap_parts){&m->vm, &m->mmu, &m->io.phb, &m->papr};
}

/* What the fake backend hands out as the vCPUs' and XICS's state. */
static void fake_state(void)
{
	for (int i = 0; i < 2; i++) {
		struct vcpu_cpu *c = &fake_hv.cpu[i];

		c->pc = 0xc000000000001000ull + (uint64_t)i;
		c->msr = 0x8000000000001033ull;
		c->gpr[3] = 0x1234 + (uint64_t)i;
		c->nslb = 2;
		c->slb[1].esid = 0x8000000008000000ull;
		c->nreg = 3;
		c->reg[0] =
			(struct hv_reg){.id = 0x10, .len = 8, .val = {1, 2, 3}};
		c->reg[1] = (struct hv_reg){.id = 0x11, .len = 4, .val = {9}};
		c->reg[2] = (struct hv_reg){
			.id = 0x12, .len = 16, .val = {[15] = 7}};
	}
	fake_hv.papr.vpa_addr = 0x10000;
	fake_hv.papr.tb_offset = 0xfff0000000000000ull;
	fake_hv.xics.icp[0] = 0xff00000000000000ull;
	fake_hv.xics.src[0x50] = 0x123;
}

/* Snapshot of drv's machine (device up, one buffer served) in a file;
 * its bytes mapped at *@buf. */
static size_t take(uint8_t **buf)
{
	struct snap_parts p = parts_of(drv.m);
	FILE *f = tmpfile();
	char why[160];
	struct stat st;

	assert_non_null(f);
	drv.m->vm.lpcr_ile = 1;
	drv.m->mmu.mode = MMU_RADIX;
	drv.m->mmu.pate1 = 0x8000000000abc005ull;
	drv.m->mmu.cfg_flags = MMU_CFG_RADIX | MMU_CFG_GTSE;
	atomic_store(&drv.m->papr.rtas.rtc_offset, -3600);
	drv.m->papr.nvram.bytes[100] = 0x5a;
	assert_int_equal(snapshot_write(&p, fileno(f), true, why, sizeof(why)),
			 0);
	assert_int_equal(fstat(fileno(f), &st), 0);
	*buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f),
		    0);
	assert_true(*buf != MAP_FAILED);
	fclose(f);
	return (size_t)st.st_size;
}

/* A second machine like the first, fresh: where a restore loads. */
static void fresh(void)
{
	vdrv_start(&drv, false, create, NULL);
	drv.m->mmu.mode = MMU_RADIX;
}

static void round_trip(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	struct virtio_state before, after;
	struct pci_state pb, pa;
	struct snap_state *s;
	struct snap_parts p;
	char why[160] = "";
	uint8_t *buf;
	size_t len;

	(void)state;
	vdrv_start(&drv, false, create, NULL);
	vdrv_up(&drv, FEATURES, 1);
	fake_state();
	len = take(&buf);
	virtio_get_state(drv.d, &before);
	pci_get_state(&drv.d->pci, &pb);
	vdrv_stop(&drv);

	fresh();
	p = parts_of(drv.m);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	assert_int_equal(f->cfg.ndev, 1);
	/* Guest RAM is the file's: the queues' rings are checked in it. */
	memcpy(drv.m->vm.mem.host, buf + f->ram_offset, UNIT_RAM);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), 0);
	assert_int_equal(fake_hv.cpu[0].pc, 0); /* nothing applied yet */
	assert_int_equal(snapshot_apply(&p, s, why, sizeof(why)), 0);
	snapshot_state_free(s);

	assert_int_equal(fake_hv.cpu[0].pc, 0xc000000000001000ull);
	assert_int_equal(fake_hv.cpu[0].gpr[3], 0x1234);
	assert_int_equal(fake_hv.cpu[0].nreg, 3);
	assert_int_equal(fake_hv.cpu[0].reg[2].val[15], 7);
	assert_int_equal(fake_hv.cpu[0].slb[1].esid, 0x8000000008000000ull);
	assert_int_equal(fake_hv.papr.tb_offset, 0xfff0000000000000ull);
	assert_int_equal(fake_hv.xics.src[0x50], 0x123);
	assert_int_equal(fake_hv.xics.icp[0], 0xff00000000000000ull);
	assert_int_equal(fake_hv.mmu_calls, 1);
	assert_int_equal(fake_hv.mmu_proc_tbl, 0x8000000000abc005ull);
	assert_int_equal(drv.m->vm.lpcr_ile, 1);
	assert_int_equal(atomic_load(&drv.m->papr.rtas.rtc_offset), -3600);
	assert_int_equal(drv.m->papr.nvram.bytes[100], 0x5a);
	virtio_get_state(drv.d, &after);
	pci_get_state(&drv.d->pci, &pa);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_memory_equal(&pb, &pa, sizeof(pb));
	assert_true(virtio_running(drv.d));
	vdrv_stop(&drv);
	munmap(buf, len);
	free(f);
}

/* Out-of-range or foreign contents: refused with a line, nothing set. */
static void refused(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	struct snap_state *s = NULL;
	struct snap_parts p;
	char why[160];
	uint8_t *buf;
	size_t len;

	(void)state;
	vdrv_start(&drv, false, create, NULL);
	vdrv_up(&drv, FEATURES, 1);
	fake_state();
	fake_hv.cpu[0].reg[1].id = 0x5000; /* no such register here */
	len = take(&buf);
	vdrv_stop(&drv);

	fresh();
	p = parts_of(drv.m);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	memcpy(drv.m->vm.mem.host, buf + f->ram_offset, UNIT_RAM);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(why, "vCPU 0"));
	assert_int_equal(fake_hv.mmu_calls, 0);
	assert_false(virtio_running(drv.d));
	vdrv_stop(&drv);

	/* A XICS snapshot where the guest would have XIVE. */
	fresh();
	drv.m->vm.irqchip = IRQCHIP_XIVE;
	p = parts_of(drv.m);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(why, "XICS interrupt controller, this one "
				    "has XIVE"));
	assert_int_equal(fake_hv.mmu_calls, 0);
	vdrv_stop(&drv);

	/* Another machine: hash instead of radix. */
	fresh();
	drv.m->mmu.mode = MMU_HASH;
	drv.m->mmu.hpt_order = 18;
	p = parts_of(drv.m);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "hash"));
	vdrv_stop(&drv);
	munmap(buf, len);
	free(f);
}

/* XIVE exploitation mode: the guest's routing and queues and what the
 * hypervisor's XIVE knows, in the XIVE section (no XICS one), loaded
 * into a fresh XIVE machine; one field out of range refuses the whole
 * snapshot before anything is loaded; a XIVE snapshot where the guest
 * would have XICS (--irqchip xics, or a host without XIVE) is refused. */
#define MSI 0x1050u

static void xive_fresh(void)
{
	fresh();
	drv.m->vm.irqchip = IRQCHIP_XIVE;
}

static void xive_guest(void)
{
	struct xive *x = &drv.m->papr.xive;
	uint32_t i = CONFIG_MAX_CPUS + MSI - IRQ_BASE;

	x->queue[0][6] = (struct xive_queue){0x100000, 16};
	x->src[0] = (struct xive_source){0, 0, 6};
	x->src[i] = (struct xive_source){0, 5, 6};
	fake_hv.xive.src[i].pq = 0x2;
	fake_hv.xive.eq[0][6] = (struct xive_eq_state){0, 0, 0, 40};
	fake_hv.xive.vp[0][0] = 0x00ff000000000000ull;
}

static void xive(void **state)
{
	struct snap_file *f = malloc(sizeof(*f));
	struct snap_state *s = NULL;
	struct snap_parts p;
	char why[160] = "";
	uint32_t i = CONFIG_MAX_CPUS + MSI - IRQ_BASE, lsi;
	uint8_t *buf;
	size_t len;

	(void)state;
	xive_fresh();
	vdrv_up(&drv, FEATURES, 1);
	fake_state();
	xive_guest();
	/* Its INTx line up (as if MSI-X were off). */
	assert_true(drv.d->pci.lsi != 0);
	drv.d->pci.intx_level = drv.d->pci.intx_line = true;
	lsi = drv.d->pci.lsi;
	p = parts_of(drv.m);
	/* A migration's freeze is XIVE's only. */
	assert_int_equal(snapshot_freeze(&p, why, sizeof(why)), 0);
	assert_int_equal(fake_hv.xive_freezes, 1);
	len = take(&buf);
	assert_int_equal(fake_hv.xive_gets, 1);
	vdrv_stop(&drv);

	xive_fresh();
	p = parts_of(drv.m);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	assert_int_equal(f->cfg.flags & SNAP_CFG_XIVE, SNAP_CFG_XIVE);
	assert_non_null(snap_find(f, SNAP_SEC_XIVE, 0));
	assert_null(snap_find(f, SNAP_SEC_XICS, 0));
	memcpy(drv.m->vm.mem.host, buf + f->ram_offset, UNIT_RAM);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), 0);
	assert_int_equal(fake_hv.xive_sets, 0);
	assert_int_equal(snapshot_apply(&p, s, why, sizeof(why)), 0);
	snapshot_state_free(s);
	assert_int_equal(fake_hv.xive_sets, 1);
	assert_int_equal(fake_hv.xive.src[i].pq, 0x2);
	assert_int_equal(fake_hv.xive.src[i].eisn, 5);
	assert_int_equal(fake_hv.xive.eq[0][6].qaddr, 0x100000);
	assert_int_equal(fake_hv.xive.eq[0][6].index, 40);
	assert_int_equal(fake_hv.xive.vp[0][0], 0x00ff000000000000ull);
	assert_int_equal(drv.m->papr.xive.src[i].prio, 6);
	assert_int_equal(drv.m->papr.xive.queue[0][6].qpage, 0x100000);
	assert_int_equal(fake_hv.cpu[0].pc, 0xc000000000001000ull);
	/* The line raised again in the hypervisor. */
	assert_int_equal(fake_hv.irq_events, 1);
	assert_int_equal(fake_hv.irq_seen[0], lsi);
	assert_int_equal(fake_hv.irq_level[0], 1);
	vdrv_stop(&drv);

	/* Where the guest would have XICS. */
	fresh();
	p = parts_of(drv.m);
	memcpy(drv.m->vm.mem.host, buf + f->ram_offset, UNIT_RAM);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(why, "XIVE interrupt controller, this one "
				    "has XICS"));
	assert_int_equal(snapshot_freeze(&p, why, sizeof(why)), 0);
	assert_int_equal(fake_hv.xive_freezes, 0);
	vdrv_stop(&drv);
	munmap(buf, len);

	/* A PQ state no XIVE has, checksummed right: nothing loaded. */
	xive_fresh();
	vdrv_up(&drv, FEATURES, 1);
	fake_state();
	xive_guest();
	fake_hv.xive.src[i].pq = 0x9;
	len = take(&buf);
	vdrv_stop(&drv);
	xive_fresh();
	p = parts_of(drv.m);
	assert_int_equal(snap_parse(buf, len, true, f, why, sizeof(why)), 0);
	memcpy(drv.m->vm.mem.host, buf + f->ram_offset, UNIT_RAM);
	assert_int_equal(snapshot_check(&p, f, &s, why, sizeof(why)), -EINVAL);
	assert_null(s);
	assert_string_equal(why, "XIVE section: source 0x1050: PQ state 0x9");
	assert_int_equal(fake_hv.xive_sets, 0);
	assert_int_equal(fake_hv.mmu_calls, 0);
	assert_int_equal(fake_hv.cpu[0].pc, 0);
	assert_false(virtio_running(drv.d));
	vdrv_stop(&drv);
	munmap(buf, len);
	free(f);
}

/* A device state that could not be this device's. */
static void device_checks(void **state)
{
	struct dev_saved *s = malloc(sizeof(*s)), *good = malloc(sizeof(*s));

	(void)state;
	vdrv_start(&drv, false, create, NULL);
	vdrv_up(&drv, FEATURES, 1);
	dev_save(drv.d, good);
	assert_int_equal(dev_check(drv.d, good), 0);

	*s = *good;
	s->vio.vq[0].desc = UNIT_RAM - 8; /* ring past RAM's end */
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	*s = *good;
	s->vio.vq[0].size = 3;
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	*s = *good;
	s->vio.driver_features |= BIT(40); /* never offered */
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	*s = *good;
	s->vio.device_id = VIRTIO_ID_BLOCK;
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	*s = *good;
	s->pci.cfg[0] ^= 1; /* vendor id: read-only */
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	*s = *good;
	s->pci.granted = (uint16_t)(s->pci.nvec + 1);
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	*s = *good;
	s->vio.vq[1].size = 4; /* a queue rng has not */
	assert_int_equal(dev_check(drv.d, s), -EINVAL);
	vdrv_stop(&drv);
	free(s);
	free(good);
}

/* DMA windows: both, with entries, carried to a fresh bridge; shapes
 * and entries the bridge could not have are refused. */
static void dma_windows(void **state)
{
	struct machine *m = unit_machine(1), *m2;
	struct tce_set *a = &m->io.phb.dma, *b;
	struct tce_state st, bad;
	uint64_t tces[3] = {0x10000 | TCE_READ, 0x20000 | TCE_PERMS,
			    0x30000 | TCE_WRITE};
	uint64_t bus, v;
	uint32_t liobn;
	uint64_t idx[2];

	(void)state;
	tce_setup(a, &m->vm);
	assert_int_equal(tce_start(a), 0);
	assert_int_equal(tce_write(a, TCE_LIOBN_DEFAULT, 0x5000, tces, 3), 0);
	assert_int_equal(tce_ddw_create(a, 16, 26, &liobn, &bus), 0);
	assert_int_equal(
		tce_write(a, TCE_LIOBN_DDW, bus + (3 << 16), &tces[1], 1), 0);
	assert_int_equal(tce_get_state(a, &st), 0);
	assert_int_equal(st.win[TCE_WIN_DEFAULT].nent, 3);
	assert_int_equal(st.win[TCE_WIN_DDW].nent, 1);
	assert_int_equal(st.win[TCE_WIN_DDW].idx[0], 3);

	m2 = unit_machine(1);
	b = &m2->io.phb.dma;
	tce_setup(b, &m2->vm);
	assert_int_equal(tce_start(b), 0);
	assert_int_equal(tce_state_check(b, &st), 0);
	assert_int_equal(tce_set_state(b, &st), 0);
	assert_int_equal(tce_read(b, TCE_LIOBN_DEFAULT, 0x6000, &v), 0);
	assert_int_equal(v, tces[1]);
	assert_int_equal(tce_read(b, TCE_LIOBN_DDW, bus + (3 << 16), &v), 0);
	assert_int_equal(v, tces[1]);
	assert_int_equal(b->win[TCE_WIN_DDW].n, 1u << 10);

	bad = st;
	bad.win[TCE_WIN_DDW].shift = 13; /* not a DDW page size */
	assert_int_equal(tce_state_check(b, &bad), -EINVAL);
	bad = st;
	bad.win[TCE_WIN_DDW].n = 1ull << 40; /* more than RAM needs */
	assert_int_equal(tce_state_check(b, &bad), -EINVAL);
	bad = st;
	bad.win[TCE_WIN_DEFAULT].bus = 0x1000;
	assert_int_equal(tce_state_check(b, &bad), -EINVAL);
	bad = st;
	bad.win[TCE_WIN_DEFAULT].tce[0] = UNIT_RAM | TCE_READ; /* past RAM */
	assert_int_equal(tce_state_check(b, &bad), -EINVAL);
	bad.win[TCE_WIN_DEFAULT].tce[0] = tces[0];
	idx[0] = st.win[TCE_WIN_DEFAULT].idx[1];
	idx[1] = st.win[TCE_WIN_DEFAULT].idx[0];
	bad.win[TCE_WIN_DEFAULT].idx = idx; /* out of order */
	bad.win[TCE_WIN_DEFAULT].nent = 2;
	assert_int_equal(tce_state_check(b, &bad), -EINVAL);
	tce_state_free(&st);
	unit_machine_free(m);
	unit_machine_free(m2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),  cmocka_unit_test(refused),
		cmocka_unit_test(xive),	       cmocka_unit_test(device_checks),
		cmocka_unit_test(dma_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
