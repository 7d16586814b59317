/* KVM's XIVE exploitation-mode device (KVM_DEV_TYPE_XIVE): one per VM.
 *
 * Unlike the XICS, the guest drives it mostly without exits: it reads
 * its event queues in its own RAM, acknowledges through the thread
 * management area (TIMA) and triggers, EOIs and masks sources through
 * their ESB pages, all pages KVM hands out by mmap of the device fd and
 * that pvmm maps into guest-physical space where the tree and
 * H_INT_GET_SOURCE_INFO say (cpu/irq.h).  Routing and queue set-up come
 * as H_INT_* hcalls (papr/hcall_xive.c), which end here as device
 * attributes.  Raising a source from pvmm is the same KVM_IRQ_LINE /
 * irqfd as with the XICS (xics.c): KVM's kvm_set_irq goes to the XIVE
 * whichever device the VM has (arch/powerpc/kvm/book3s.c). */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/irq.h"
#include "cpu/kvm/kvm.h"

/* ESB management page offsets (Linux asm/xive-regs.h, XIVE_ESB_*). */
#define ESB_LOAD_EOI  0x000
#define ESB_SET_PQ_00 0xc00

/* Memory slots after guest RAM's (slot 0). */
enum { SLOT_TIMA = 1, SLOT_ESB_IPI, SLOT_ESB_SRC };

/* The ESB pages KVM maps: sources 0 .. IRQ_BASE + IRQ_COUNT - 1, two
 * pages each; the numbers between the IPIs and IRQ_BASE exist in the
 * mapping only, never in guest space. */
#define ESB_SOURCES  (IRQ_BASE + IRQ_COUNT)
#define ESB_MAP_LEN  ((size_t)ESB_SOURCES * XIVE_ESB_STRIDE)
#define TIMA_MAP_LEN ((size_t)4 * XIVE_TIMA_PAGE)

static int set_attr(int fd, uint32_t group, uint64_t attr, const void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

static int xive_add_source(struct kvm_vm *k, uint32_t lisn, bool lsi)
{
	uint64_t val = lsi ? KVM_XIVE_LEVEL_SENSITIVE : 0;
	int err = set_attr(k->xive_fd, KVM_DEV_XIVE_GRP_SOURCE, lisn, &val);

	if (err) {
		errno = -err;
		return kvm_fail(k, "XIVE source");
	}
	return 0;
}

/* The IPIs (one per server number) and pvmm's sources, all masked
 * until the guest routes them. */
static int xive_sources(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	int err;

	for (uint32_t lisn = 0; lisn < k->xive_nipis; lisn++)
		if ((err = xive_add_source(k, lisn, false)) < 0)
			return err;
	for (uint32_t irq = IRQ_BASE; irq < IRQ_BASE + IRQ_COUNT; irq++)
		if ((err = xive_add_source(k, irq, irq_is_lsi(irq))) < 0)
			return err;
	return 0;
}

static int xive_slot(struct kvm_vm *k, uint32_t slot, uint64_t gpa,
		     uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return kvm_fail(k, "XIVE pages into guest space");
	return 0;
}

/* The TIMA's OS page and the ESB pages of the IPIs and of pvmm's
 * sources go where cpu/irq.h says; KVM fills them in as they are first
 * touched (VM_PFNMAP).  The TIMA's hardware, hypervisor and user pages
 * stay out of guest space: a guest access there is an MMIO exit that
 * nothing claims. */
static int xive_map(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	uint8_t *esb;
	int err;

	k->tima =
		mmap(NULL, TIMA_MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		     k->xive_fd,
		     (off_t)KVM_XIVE_TIMA_PAGE_OFFSET * (off_t)XIVE_TIMA_PAGE);
	if (k->tima == MAP_FAILED) {
		k->tima = NULL;
		return kvm_fail(k, "mmap of the XIVE TIMA");
	}
	k->esb = mmap(NULL, ESB_MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		      k->xive_fd,
		      (off_t)KVM_XIVE_ESB_PAGE_OFFSET * (off_t)XIVE_TIMA_PAGE);
	if (k->esb == MAP_FAILED) {
		k->esb = NULL;
		return kvm_fail(k, "mmap of the XIVE ESB pages");
	}
	esb = k->esb;
	if ((err = xive_slot(k, SLOT_TIMA,
			     XIVE_TIMA_BASE + XIVE_TIMA_OS * XIVE_TIMA_PAGE,
			     XIVE_TIMA_PAGE,
			     (uint8_t *)k->tima +
				     XIVE_TIMA_OS * XIVE_TIMA_PAGE)) < 0 ||
	    (err = xive_slot(k, SLOT_ESB_IPI, XIVE_ESB_BASE,
			     k->xive_nipis * XIVE_ESB_STRIDE, esb)) < 0)
		return err;
	return xive_slot(
		k, SLOT_ESB_SRC, XIVE_ESB_BASE + IRQ_BASE * XIVE_ESB_STRIDE,
		IRQ_COUNT * XIVE_ESB_STRIDE, esb + IRQ_BASE * XIVE_ESB_STRIDE);
}

int kvm_xive_create(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_create_device dev = {.type = KVM_DEV_TYPE_XIVE};
	int err;

	/* KVM hands out each ESB and TIMA page as one host page: the
	 * guest's 64 KiB pages need 64 KiB host pages (what KVM's XIVE
	 * device is written for). */
	if (getpagesize() != (int)XIVE_TIMA_PAGE) {
		snprintf(k->why, sizeof(k->why),
			 "XIVE exploitation mode needs "
			 "a host kernel with 64 KiB pages (this one has %d)",
			 getpagesize());
		return -ENOTSUP;
	}
	if (ioctl(k->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return kvm_fail(k, "cannot create the in-kernel XIVE "
				   "(KVM_DEV_TYPE_XIVE)");
	k->xive_fd = (int)dev.fd;
	k->xive_nipis = (uint32_t)vm->cpu[vm->ncpus - 1].id + 1;
	if ((err = xive_sources(vm)) < 0)
		return err;
	return xive_map(vm);
}

int kvm_xive_connect(struct vm *vm, struct vcpu *v)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_PPC_IRQ_XIVE,
		.args = {(uint64_t)kvm_of(vm)->xive_fd, (uint64_t)v->id},
	};

	if (ioctl(kvm_vcpu_of(v)->fd, KVM_ENABLE_CAP, &cap) < 0)
		return kvm_fail(kvm_of(vm),
				"a vCPU cannot connect to the XIVE");
	return 0;
}

void kvm_xive_destroy(struct kvm_vm *k)
{
	if (k->esb)
		munmap(k->esb, ESB_MAP_LEN);
	if (k->tima)
		munmap(k->tima, TIMA_MAP_LEN);
	if (k->xive_fd >= 0)
		close(k->xive_fd);
}

/* --- the hv.h seam: what the H_INT_* hcalls ask ------------------------- */

int hv_xive_source_config(struct vm *vm, uint32_t lisn, uint32_t server,
			  uint8_t prio, bool masked, uint32_t eisn)
{
	uint64_t cfg = ((uint64_t)prio << KVM_XIVE_SOURCE_PRIORITY_SHIFT &
			KVM_XIVE_SOURCE_PRIORITY_MASK) |
		       ((uint64_t)server << KVM_XIVE_SOURCE_SERVER_SHIFT &
			KVM_XIVE_SOURCE_SERVER_MASK) |
		       ((uint64_t)masked << KVM_XIVE_SOURCE_MASKED_SHIFT) |
		       ((uint64_t)eisn << KVM_XIVE_SOURCE_EISN_SHIFT &
			KVM_XIVE_SOURCE_EISN_MASK);

	return set_attr(kvm_of(vm)->xive_fd, KVM_DEV_XIVE_GRP_SOURCE_CONFIG,
			lisn, &cfg);
}

int hv_xive_queue_config(struct vm *vm, uint32_t server, uint8_t prio,
			 uint64_t qpage, unsigned qshift)
{
	/* A fresh queue: generation bit 1, index 0 (KVM restores a queue
	 * state only when they differ from that). */
	struct kvm_ppc_xive_eq eq = {
		.flags = qshift ? KVM_XIVE_EQ_ALWAYS_NOTIFY : 0,
		.qshift = qshift,
		.qaddr = qshift ? qpage : 0,
		.qtoggle = 1,
		.qindex = 0,
	};
	uint64_t id = ((uint64_t)prio << KVM_XIVE_EQ_PRIORITY_SHIFT &
		       KVM_XIVE_EQ_PRIORITY_MASK) |
		      ((uint64_t)server << KVM_XIVE_EQ_SERVER_SHIFT &
		       KVM_XIVE_EQ_SERVER_MASK);

	return set_attr(kvm_of(vm)->xive_fd, KVM_DEV_XIVE_GRP_EQ_CONFIG, id,
			&eq);
}

int hv_xive_sync(struct vm *vm, uint32_t lisn)
{
	uint64_t unused = 0;

	return set_attr(kvm_of(vm)->xive_fd, KVM_DEV_XIVE_GRP_SOURCE_SYNC, lisn,
			&unused);
}

int hv_xive_reset(struct vm *vm)
{
	uint64_t unused = 0;

	return set_attr(kvm_of(vm)->xive_fd, KVM_DEV_XIVE_GRP_CTRL,
			KVM_DEV_XIVE_RESET, &unused);
}

/* ESB accesses are big-endian 64-bit MMIO. */
static uint64_t esb_load(volatile uint64_t *p)
{
	return be64toh(*p);
}

int hv_xive_esb(struct vm *vm, uint32_t lisn, uint64_t offset, uint64_t data,
		bool store, uint64_t *out)
{
	struct kvm_vm *k = kvm_of(vm);
	uint8_t *src;
	volatile uint64_t *mgmt;

	if (!k->esb || lisn >= ESB_SOURCES || offset > XIVE_TIMA_PAGE - 8 ||
	    (offset & 7))
		return -EINVAL;
	src = (uint8_t *)k->esb + lisn * XIVE_ESB_STRIDE;
	mgmt = (volatile uint64_t *)(src + (1ULL << XIVE_ESB_SHIFT) + offset);
	*out = 0;
	if (store) {
		*mgmt = htobe64(data);
		return 0;
	}
	/* An LSI's EOI: reset its PQ bits, then send it again if the line
	 * is still up, as KVM's own EOI does not look at the level (QEMU's
	 * spapr XIVE does the same). */
	if (irq_is_lsi(lisn) && offset == ESB_LOAD_EOI) {
		(void)esb_load((volatile uint64_t *)(src +
						     (1ULL << XIVE_ESB_SHIFT) +
						     ESB_SET_PQ_00));
		if (atomic_load(&k->lsi_level[lisn - IRQ_LSI_BASE]))
			*(volatile uint64_t *)src = 0; /* trigger page */
		return 0;
	}
	*out = esb_load(mgmt);
	return 0;
}

/* --- snapshot and migration (hv.h; Linux Documentation/virt/kvm/devices/
 * xive.rst, "Migration") --------------------------------------------- */

/* ESB management loads: set the PQ bits, answering the old ones (Linux
 * asm/xive-regs.h XIVE_ESB_SET_PQ_00 + PQ * 0x100), or only read them. */
#define ESB_GET	       0x800
#define ESB_SET_PQ(pq) (ESB_SET_PQ_00 + ((uint64_t)(pq) << 8))
#define PQ_PENDING     0x2 /* P=1 Q=0: a trigger only sets Q */
#define PQ_QUEUED      0x3

static uint8_t esb_pq(struct kvm_vm *k, uint32_t lisn, uint64_t offset)
{
	uint8_t *mgmt = (uint8_t *)k->esb + lisn * XIVE_ESB_STRIDE +
			(1ULL << XIVE_ESB_SHIFT);

	return esb_load((volatile uint64_t *)(mgmt + offset)) & HV_XIVE_PQ_MASK;
}

static void esb_fire(struct kvm_vm *k, uint32_t lisn)
{
	*(volatile uint64_t *)((uint8_t *)k->esb + lisn * XIVE_ESB_STRIDE) = 0;
}

/* Entry @i of struct xive_state's table is a source of this VM (IPIs
 * exist up to the highest vCPU id only). */
static bool src_exists(const struct kvm_vm *k, uint32_t i)
{
	return i >= CONFIG_MAX_CPUS || i < k->xive_nipis;
}

static uint64_t eq_id(uint32_t server, uint32_t prio)
{
	return ((uint64_t)prio << KVM_XIVE_EQ_PRIORITY_SHIFT &
		KVM_XIVE_EQ_PRIORITY_MASK) |
	       ((uint64_t)server << KVM_XIVE_EQ_SERVER_SHIFT &
		KVM_XIVE_EQ_SERVER_MASK);
}

static int vp_reg(struct vcpu *v, uint64_t vp[2], bool set)
{
	struct kvm_one_reg r = {.id = KVM_REG_PPC_VP_STATE,
				.addr = (uintptr_t)vp};

	return ioctl(kvm_vcpu_of(v)->fd,
		     set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r) < 0
		       ? -errno
		       : 0;
}

/* PQ 10 rather than 01 (QEMU's choice too): a source that fires while
 * frozen turns 11 instead of being lost, and is sent at the thaw. */
int hv_xive_freeze(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	uint64_t unused = 0;

	if (!k->esb)
		return -ENODEV;
	if (atomic_load(&k->xive_frozen))
		return 0;
	for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++)
		if (src_exists(k, i))
			k->xive_pq[i] = esb_pq(k, hv_xive_lisn(i),
					       ESB_SET_PQ(PQ_PENDING));
	atomic_store(&k->xive_frozen, true);
	return set_attr(k->xive_fd, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_EQ_SYNC,
			&unused);
}

void kvm_xive_thaw(struct kvm_vm *k)
{
	if (!k->esb || !atomic_exchange(&k->xive_frozen, false))
		return;
	for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++) {
		uint32_t lisn = hv_xive_lisn(i);
		uint8_t was = k->xive_pq[i], now;

		if (!src_exists(k, i))
			continue;
		now = esb_pq(k, lisn, ESB_SET_PQ(was));
		if (now != PQ_QUEUED)
			continue;
		/* It fired while frozen: a ready source sends it now, a
		 * pending one keeps it in Q; an off one loses it, as the
		 * XIVE would have. */
		if (was == 0)
			esb_fire(k, lisn);
		else if (was == PQ_PENDING)
			(void)esb_pq(k, lisn, ESB_SET_PQ(PQ_QUEUED));
	}
}

int hv_xive_get(struct vm *vm, struct xive_state *s)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = hv_xive_freeze(vm);

	for (uint32_t i = 0; !err && i < HV_XIVE_SOURCES; i++) {
		uint8_t was = k->xive_pq[i];

		s->src[i].pq = 0;
		if (!src_exists(k, i))
			continue;
		s->src[i].pq = was;
		if (!was && esb_pq(k, hv_xive_lisn(i), ESB_GET) == PQ_QUEUED)
			s->src[i].pq |= HV_XIVE_PQ_FIRED;
	}
	for (int c = 0; !err && c < vm->ncpus; c++) {
		for (uint32_t p = 0; !err && p < HV_XIVE_PRIOS; p++) {
			struct xive_eq_state *q = &s->eq[c][p];
			struct kvm_ppc_xive_eq eq;
			struct kvm_device_attr a = {
				.group = KVM_DEV_XIVE_GRP_EQ_CONFIG,
				.attr = eq_id((uint32_t)vm->cpu[c].id, p),
				.addr = (uintptr_t)&eq,
			};

			if (!q->qshift)
				continue;
			memset(&eq, 0, sizeof(eq));
			if (ioctl(k->xive_fd, KVM_GET_DEVICE_ATTR, &a) < 0)
				err = -errno;
			q->toggle = eq.qtoggle;
			q->index = eq.qindex;
		}
		memset(s->vp[c], 0, sizeof(s->vp[c]));
		if (!err)
			err = vp_reg(&vm->cpu[c], s->vp[c], false);
	}
	return err;
}

static int queues_set(struct vm *vm, const struct xive_state *s)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = 0;

	for (int c = 0; !err && c < vm->ncpus; c++)
		for (uint32_t p = 0; !err && p < HV_XIVE_PRIOS; p++) {
			const struct xive_eq_state *q = &s->eq[c][p];
			struct kvm_ppc_xive_eq eq = {
				.flags = KVM_XIVE_EQ_ALWAYS_NOTIFY,
				.qshift = q->qshift,
				.qaddr = q->qaddr,
				.qtoggle = q->toggle,
				.qindex = q->index,
			};

			if (q->qshift)
				err = set_attr(
					k->xive_fd, KVM_DEV_XIVE_GRP_EQ_CONFIG,
					eq_id((uint32_t)vm->cpu[c].id, p), &eq);
		}
	return err;
}

int hv_xive_set(struct vm *vm, const struct xive_state *s)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = k->esb ? queues_set(vm, s) : -ENODEV;

	for (uint32_t i = 0; !err && i < HV_XIVE_SOURCES; i++) {
		const struct xive_src_state *x = &s->src[i];
		bool masked = x->prio == XIVE_PRIO_MASKED;

		if (src_exists(k, i))
			err = hv_xive_source_config(
				vm, hv_xive_lisn(i), x->server,
				masked ? 0 : x->prio, masked, x->eisn);
	}
	for (int c = 0; !err && c < vm->ncpus; c++) {
		uint64_t vp[2] = {s->vp[c][0], s->vp[c][1]};

		err = vp_reg(&vm->cpu[c], vp, true);
	}
	for (uint32_t i = 0; !err && i < HV_XIVE_SOURCES; i++) {
		if (!src_exists(k, i))
			continue;
		(void)esb_pq(k, hv_xive_lisn(i),
			     ESB_SET_PQ(s->src[i].pq & HV_XIVE_PQ_MASK));
		if (s->src[i].pq & HV_XIVE_PQ_FIRED)
			esb_fire(k, hv_xive_lisn(i));
	}
	return err;
}
