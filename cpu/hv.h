/* The seam between portable PAPR logic and the hypervisor backend.
 *
 * papr/, hpt/ and io/ ask for changes to vCPU or VM state only through these
 * calls.  cpu/kvm*.c implements them on POWER; unit tests link a fake that
 * records what was asked.  All return 0 or -errno. */
#ifndef PVMM_HV_H
#define PVMM_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct vcpu;

/* Make every vCPU leave KVM_RUN soon (after machine_request_stop). */
void hv_kick_all(struct machine *m);

/* m->lpcr_ile / m->lpcr_ail changed (H_SET_MODE): apply them to every
 * vCPU before it next runs guest code. */
int hv_sync_lpcr(struct machine *m);

/* H_REGISTER_PROC_TBL: KVM_PPC_CONFIGURE_V3_MMU. */
int hv_configure_mmu(struct machine *m, uint64_t flags, uint64_t proc_tbl);

/* H_SET_SPRG0: the calling vCPU's SPRG0. */
int hv_set_sprg0(struct machine *m, struct vcpu *v, uint64_t val);

/* H_SIGNAL_SYS_RESET: deliver a system reset interrupt to @v before it
 * next runs guest code. */
int hv_system_reset(struct machine *m, struct vcpu *v);

/* The vCPU's PAPR state held inside the hypervisor (VPA registrations,
 * decrementer, timebase offset): read it out, or load it into a vCPU that
 * is not running. */
struct vcpu_papr;
int hv_vcpu_get_papr(struct machine *m, struct vcpu *v, struct vcpu_papr *s);
int hv_vcpu_set_papr(struct machine *m, struct vcpu *v,
		     const struct vcpu_papr *s);

/* Interrupt sources (papr/irq.h), created masked with the VM; the guest
 * routes and unmasks them.  Both calls are safe from any thread and give
 * -EINVAL for a number that is not one of pvmm's sources of that kind.
 * hv_irq_raise: one edge on an edge (MSI-style) source; raises before the
 * guest's EOI coalesce (at most one more interrupt follows).
 * hv_irq_set_level: assert (1) or deassert (0) an LSI. */
int hv_irq_raise(struct machine *m, uint32_t irq);
int hv_irq_set_level(struct machine *m, uint32_t irq, int level);

/* An eventfd wired to interrupt source @irq (KVM irqfd): each write of a
 * count raises the source once, from any thread, without a vCPU exit.
 * For edge sources whose notifications come from another fd (vhost,
 * ioeventfd-driven virtio queues); LSIs would need a resample fd, which
 * is not wired.  Returns the fd, or -errno. */
int hv_irqfd(struct machine *m, uint32_t irq);

/* A KVM ioeventfd: a guest store of @len bytes (any value) at @gpa
 * signals eventfd @fd without the vCPU leaving the guest.  0 or -errno;
 * without one the store arrives as an MMIO exit instead. */
int hv_ioeventfd(struct machine *m, uint64_t gpa, unsigned len, int fd);

/* HPT resize: prepare (asynchronous; > 0 is ms still to wait) or commit
 * a table of 2^@shift bytes.  KVM's answer, or -errno. */
long hv_resize_hpt(struct machine *m, bool commit, unsigned shift);

/* The guest's HPT as an HPT stream (hpt/stream.h) in a new buffer the
 * caller frees; load such a stream (checked in full first). */
int hv_htab_save(struct machine *m, uint8_t **stream, size_t *len);
int hv_htab_load(struct machine *m, const uint8_t *stream, size_t len);

/* A TCE table held by the hypervisor for DMA window @liobn: @n entries
 * for 2^@shift-byte pages from bus address @bus (KVM_CREATE_SPAPR_TCE_64),
 * so the guest's TCE hcalls on it are answered without leaving the
 * kernel.  Returns the table's fd with its entries (host-endian u64s)
 * mapped read-write at *@tces, or -errno when the hypervisor cannot hold
 * it (pvmm then keeps the table itself). */
int hv_tce_create(struct machine *m, uint32_t liobn, unsigned shift,
		  uint64_t bus, uint64_t n, uint64_t **tces);
/* Unmap and release such a table; the hypervisor forgets its LIOBN. */
void hv_tce_destroy(struct machine *m, int fd, uint64_t *tces, uint64_t n);

/* RTAS start-cpu: enter a stopped vCPU at @pc with r3 = @r3. */
int hv_start_cpu(struct machine *m, struct vcpu *v, uint64_t pc, uint64_t r3);

#endif
