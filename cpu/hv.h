/* The seam between portable code and the hypervisor backend.
 *
 * papr/, io/ and migrate/ ask for changes to vCPU or VM state only through
 * these calls.  cpu/kvm/ implements them on POWER, cpu/nokvm.c refuses
 * them elsewhere, unit tests link a fake (tests/unit/fake_hv.c) that
 * records what was asked.  All return 0 or -errno. */
#ifndef PVMM_HV_H
#define PVMM_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cpu/irq.h"

struct vm;
struct vcpu;

/* Make every vCPU leave KVM_RUN soon (after vm_request_stop). */
void hv_kick_all(struct vm *vm);

/* vm->lpcr_ile / vm->lpcr_ail changed (H_SET_MODE): apply them to every
 * vCPU before it next runs guest code. */
int hv_sync_lpcr(struct vm *vm);

/* H_REGISTER_PROC_TBL: KVM_PPC_CONFIGURE_V3_MMU. */
int hv_configure_mmu(struct vm *vm, uint64_t flags, uint64_t proc_tbl);

/* H_SET_SPRG0: the calling vCPU's SPRG0. */
int hv_set_sprg0(struct vm *vm, struct vcpu *v, uint64_t val);

/* H_SIGNAL_SYS_RESET: deliver a system reset interrupt to @v before it
 * next runs guest code. */
int hv_system_reset(struct vm *vm, struct vcpu *v);

/* Per-vCPU PAPR state that lives inside the hypervisor and must travel
 * with a snapshot or migration (migrate/vcpu_state.h): the VPA, SLB
 * shadow and dispatch trace log registrations, the decrementer deadline
 * and the timebase offset. */
struct vcpu_papr {
	uint64_t vpa_addr;		/* 0: none registered */
	uint64_t slb_addr, slb_len;	/* SLB shadow buffer */
	uint64_t dtl_addr, dtl_len;	/* dispatch trace log */
	uint64_t dec_expiry;		/* timebase value the DEC fires at */
	uint64_t tb_offset;		/* guest timebase - host timebase */
};

/* Read it out of a vCPU, or load it into one that is not running. */
int hv_vcpu_get_papr(struct vm *vm, struct vcpu *v, struct vcpu_papr *s);
int hv_vcpu_set_papr(struct vm *vm, struct vcpu *v,
		     const struct vcpu_papr *s);

/* --- what a snapshot or migration reads out of the hypervisor ----------- */

/* One register as the backend names it (ONE_REG id: KVM_REG_PPC_*),
 * opaque above the backend: a snapshot carries them as they came, and
 * loads them where the backend says it knows them (hv_reg_known). */
#define HV_REG_MAX_LEN		16
#define HV_VCPU_MAX_REGS	192
#define HV_SLB_MAX		64

struct hv_reg {
	uint64_t id;
	uint32_t len;			/* 4, 8 or 16 bytes */
	uint8_t val[HV_REG_MAX_LEN];	/* host-endian, as the backend has it */
};

/* A vCPU's processor state: the general registers, the SLB (hash
 * guests), and every other register the backend exposes (SPRs, FP, VMX,
 * VSX, LPCR, PSSCR, PID, ...).  The PAPR registrations are struct
 * vcpu_papr, loaded after these. */
struct vcpu_cpu {
	uint64_t gpr[32];
	uint64_t pc, msr, cr, ctr, lr, xer, srr0, srr1;
	uint64_t sprg[8];
	uint64_t sdr1;
	uint32_t nslb;
	struct {
		uint64_t esid, vsid;
	} slb[HV_SLB_MAX];
	uint32_t nreg;
	struct hv_reg reg[HV_VCPU_MAX_REGS];
};

/* Read a paused vCPU's processor state, or load it into a vCPU that is
 * not running.  0 or -errno. */
int hv_vcpu_get_cpu(struct vm *vm, struct vcpu *v, struct vcpu_cpu *s);
int hv_vcpu_set_cpu(struct vm *vm, struct vcpu *v, const struct vcpu_cpu *s);
/* Does the backend load register @id of @len bytes?  A snapshot decoder
 * refuses one it does not, before anything is loaded. */
bool hv_reg_known(uint64_t id, uint32_t len);

/* The in-kernel interrupt controller: each vCPU's presentation state
 * (ICP: CPPR, XISR, MFRR, as KVM_REG_PPC_ICP_STATE packs them) and each
 * of pvmm's sources (server, priority, masked, pending..., as the XICS
 * device's source group packs them), indexed from IRQ_BASE. */
#define HV_XICS_SOURCES		0x400	/* IRQ_COUNT (cpu/irq.h) */

struct xics_state {
	uint64_t icp[CONFIG_MAX_CPUS];
	uint64_t src[HV_XICS_SOURCES];
};

int hv_xics_get(struct vm *vm, struct xics_state *s);
int hv_xics_set(struct vm *vm, const struct xics_state *s);

/* Interrupt sources (cpu/irq.h), created masked with the VM; the guest
 * routes and unmasks them.  Both calls are safe from any thread and give
 * -EINVAL for a number that is not one of pvmm's sources of that kind.
 * hv_irq_raise: one edge on an edge (MSI-style) source; raises before the
 * guest's EOI coalesce (at most one more interrupt follows).
 * hv_irq_set_level: assert (1) or deassert (0) an LSI. */
int hv_irq_raise(struct vm *vm, uint32_t irq);
int hv_irq_set_level(struct vm *vm, uint32_t irq, int level);

/* An eventfd wired to interrupt source @irq (KVM irqfd): each write of a
 * count raises the source once, from any thread, without a vCPU exit.
 * For edge sources whose notifications come from another fd (vhost,
 * ioeventfd-driven virtio queues); LSIs would need a resample fd, which
 * is not wired.  Returns the fd, or -errno. */
int hv_irqfd(struct vm *vm, uint32_t irq);

/* A KVM ioeventfd: a guest store of @len bytes (any value) at @gpa
 * signals eventfd @fd without the vCPU leaving the guest.  @len 0: a
 * store of any size at @gpa (KVM_CAP_IOEVENTFD_ANY_LENGTH); KVM then
 * matches it by the faulting address alone, on its fast MMIO bus, and
 * never fetches or decodes the guest's instruction (a KVM without it
 * answers -EINVAL).  0 or -errno; without one the store arrives as an
 * MMIO exit instead. */
int hv_ioeventfd(struct vm *vm, uint64_t gpa, unsigned len, int fd);

/* HPT resize: prepare (asynchronous; > 0 is ms still to wait) or commit
 * a table of 2^@shift bytes.  KVM's answer, or -errno. */
long hv_resize_hpt(struct vm *vm, bool commit, unsigned shift);

/* The guest's hashed page table, as the hypervisor hands it out and takes
 * it in: runs of @n_valid entries (16 bytes each, big-endian, as in the
 * HPT) from entry @index, followed by @n_invalid empty ones.
 * hv_htab_open: a file descriptor on @vm's HPT for reading (@write false:
 * its first pass gives every valid entry, each later one only what
 * changed since) or for writing, or -errno.  hv_htab_read: one pass of a
 * read fd, each run to @fn (a non-zero return of @fn ends it and is
 * returned).  hv_htab_write: one run into a write fd. */
typedef int hv_htab_fn(void *ctx, uint32_t index, uint16_t n_valid,
		       uint16_t n_invalid, const uint8_t *hptes);
int hv_htab_open(struct vm *vm, bool write);
int hv_htab_read(int fd, hv_htab_fn *fn, void *ctx);
int hv_htab_write(int fd, uint32_t index, uint16_t n_valid,
		  uint16_t n_invalid, const uint8_t *hptes);

/* Live migration's dirty log on guest RAM (KVM_MEM_LOG_DIRTY_PAGES on
 * its slot).  hv_dirty_log: turn it on or off; on, every page the guest
 * writes from then on is marked.  hv_dirty_get: the pages marked since
 * the last call (or since it was turned on) into @bitmap, one bit per
 * page of *@page_bytes (the host's base page; bit n of word n / 64 is
 * page n), @words long enough for guest RAM, and clears them.  Only what
 * the guest writes is marked, not what pvmm writes through gmem. */
int hv_dirty_log(struct vm *vm, bool on);
int hv_dirty_get(struct vm *vm, uint64_t *bitmap, size_t words,
		 uint64_t *page_bytes);

/* Test aid (HPT migration check): make @spare a second VM beside @vm, with
 * no RAM and no vCPUs, only an empty HPT of 2^@order bytes; vm_destroy()
 * ends it. */
int hv_vm_spare(struct vm *vm, struct vm *spare, unsigned order);

/* A TCE table held by the hypervisor for DMA window @liobn: @n entries
 * for 2^@shift-byte pages from bus address @bus (KVM_CREATE_SPAPR_TCE_64),
 * so the guest's TCE hcalls on it are answered without leaving the
 * kernel.  Returns the table's fd with its entries (host-endian u64s)
 * mapped read-write at *@tces, or -errno when the hypervisor cannot hold
 * it (pvmm then keeps the table itself). */
int hv_tce_create(struct vm *vm, uint32_t liobn, unsigned shift,
		  uint64_t bus, uint64_t n, uint64_t **tces);
/* Unmap and release such a table; the hypervisor forgets its LIOBN. */
void hv_tce_destroy(struct vm *vm, int fd, uint64_t *tces, uint64_t n);
/* Entries @first..@first+@count of such a table were read through pvmm's
 * mapping: let go of the pages that brought in (they stay the
 * hypervisor's, and a later read maps them again), so a walk over a whole
 * table does not make it pvmm's resident memory.  @first is a multiple of
 * HV_TCE_RELEASE_STEP entries. */
#define HV_TCE_RELEASE_STEP 8192u /* entries: 64 KiB, a page of any host */
void hv_tce_release(uint64_t *tces, uint64_t first, uint64_t count);

/* The host's speculation-mitigation state as the hypervisor reports it
 * (KVM_PPC_GET_CPU_CHAR): H_GET_CPU_CHARACTERISTICS' two words, each cut
 * to the bits the hypervisor knows.  0, or -errno when it cannot tell
 * (nothing written then). */
int hv_cpu_char(struct vm *vm, uint64_t *character, uint64_t *behaviour);

/* RTAS start-cpu: enter a stopped vCPU at @pc with r3 = @r3; -EBUSY if
 * it is not stopped.  The state change and the pending start are one
 * step under the backend's lock, so the vCPU's thread (maybe just back
 * from its stop-self) never sees itself running without its start and
 * goes back into the guest where it stopped (issue 14). */
int hv_start_cpu(struct vm *vm, struct vcpu *v, uint64_t pc, uint64_t r3);

/* XIVE exploitation mode (vm->irqchip == IRQCHIP_XIVE): what the H_INT_*
 * hcalls (papr/hcall_xive.c) ask of the hypervisor's XIVE, after they
 * checked every argument.  LISNs are those of irq_xive_valid(), servers
 * vCPU ids, priorities 0..XIVE_PRIO_MAX.  All 0 or -errno.
 *
 * hv_xive_source_config: route @lisn to @server's queue of @prio with
 * @eisn as the number the guest finds in that queue, or mask it.
 * hv_xive_queue_config: give @server's queue of @prio the guest page at
 * @qpage of 2^@qshift bytes (@qshift 0: no queue any more).
 * hv_xive_sync: every interrupt @lisn sent so far is in its queue.
 * hv_xive_reset: every source masked, every queue gone (H_INT_RESET).
 * hv_xive_esb: one load (@store false: *@out is what it read) or store
 * of @data at @offset in @lisn's ESB management page, for guests told to
 * reach them by hcall (LSIs): an LSI's EOI load also sends the
 * interrupt again while the line is still asserted. */
int hv_xive_source_config(struct vm *vm, uint32_t lisn, uint32_t server,
			  uint8_t prio, bool masked, uint32_t eisn);
int hv_xive_queue_config(struct vm *vm, uint32_t server, uint8_t prio,
			 uint64_t qpage, unsigned qshift);
int hv_xive_sync(struct vm *vm, uint32_t lisn);
int hv_xive_reset(struct vm *vm);
int hv_xive_esb(struct vm *vm, uint32_t lisn, uint64_t offset, uint64_t data,
		bool store, uint64_t *out);

/* XIVE state for a snapshot or a migration (migrate/xive_state.h), in
 * the order Linux's Documentation/virt/kvm/devices/xive.rst gives.
 *
 * Sources are indexed as papr/xive.h's table: the IPIs 0 ..
 * CONFIG_MAX_CPUS - 1 (LISN = index), then pvmm's sources (LISN =
 * IRQ_BASE + index - CONFIG_MAX_CPUS).  Their routing is the one the
 * guest asked for (KVM gives none back); @pq is the ESB's PQ bits
 * (HV_XIVE_PQ_*), the PQ a source had before hv_xive_freeze, plus
 * HV_XIVE_PQ_FIRED if it was ready (00) and fired while frozen.  Queues
 * are each vCPU's (by index) of each priority: where and how big, as the
 * guest set them, and KVM's toggle bit and index of the next entry.  @vp
 * is KVM_REG_PPC_VP_STATE (the thread context's words 0-1; the second
 * half unused). */
#define HV_XIVE_SOURCES	 (CONFIG_MAX_CPUS + HV_XICS_SOURCES)
#define HV_XIVE_PRIOS	 (XIVE_PRIO_MAX + 1)
#define HV_XIVE_PQ_MASK	 0x3
#define HV_XIVE_PQ_OFF	 0x1 /* P=0 Q=1: masked */
#define HV_XIVE_PQ_FIRED 0x4

static inline uint32_t hv_xive_lisn(uint32_t index)
{
	return index < CONFIG_MAX_CPUS ? index
				       : IRQ_BASE + index - CONFIG_MAX_CPUS;
}

struct xive_src_state {
	uint32_t server, eisn;
	uint8_t prio; /* XIVE_PRIO_MASKED: masked */
	uint8_t pq;
};

struct xive_eq_state {
	uint64_t qaddr;
	uint32_t qshift; /* 0: no queue */
	uint32_t toggle, index;
};

struct xive_state {
	struct xive_src_state src[HV_XIVE_SOURCES];
	struct xive_eq_state eq[CONFIG_MAX_CPUS][HV_XIVE_PRIOS];
	uint64_t vp[CONFIG_MAX_CPUS][2];
};

/* hv_xive_freeze: the vCPUs are paused; stop the flow of events (every
 * source's PQ set to 10, so one that fires meanwhile is remembered as
 * 11) and sync every source and queue, which marks the queue pages dirty
 * for a migration's last pass.  Once until vm_resume, which gives every
 * source its PQ back (and fires one that fired meanwhile).
 * hv_xive_get: freezes if not frozen yet, then fills in each source's
 * @pq and each queue's toggle and index (those whose @qshift the caller
 * set: the queues the guest has) and each vCPU's @vp.
 * hv_xive_set: a VM whose vCPUs have not run: queues, then routing,
 * then the vCPUs' thread contexts, then each source's PQ. */
int hv_xive_freeze(struct vm *vm);
int hv_xive_get(struct vm *vm, struct xive_state *s);
int hv_xive_set(struct vm *vm, const struct xive_state *s);

#endif
