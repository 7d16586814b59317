/* Interrupt source numbers of the XICS, portable.
 *
 * Sources start at 0x1000 as on every pseries platform (lower numbers are
 * IPIs and reserved).  Each kind of source has a fixed range, so a number
 * says what it is (the KVM backend creates the whole table, masked, when
 * the VM is built, LSIs level-sensitive and the rest edge/MSI-style), and
 * numbers stay the same from run to run for snapshot and migration:
 *
 *   0x1000 .. 0x100f  platform sources (edge): EPOW, hot-plug, the vtys
 *   0x1010 .. 0x104f  LSIs (level): PCI INTx of the virtio host bridge
 *   0x1050 .. 0x13ff  MSIs (edge): virtio-pci MSI-X vectors
 *
 * Devices raise a source through the seam (cpu/hv.h): hv_irq_raise() for
 * edge sources, hv_irq_set_level() for LSIs, both from any thread.  A
 * device whose notifications come from an fd rather than from pvmm's own
 * threads (vhost, ioeventfd-driven queues) will use hv_irqfd() on an edge
 * source instead: irq_alloc() hands out the number, nothing else changes.
 * In the device tree an edge source is <irq 0>, an LSI <irq 1> (the XICS
 * binding: bit 0 of the second cell means level). */
#ifndef PVMM_IRQ_H
#define PVMM_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_BASE		0x1000
#define IRQ_COUNT		0x400		/* sources pvmm creates */

#define IRQ_EVENT_BASE		IRQ_BASE
#define IRQ_EVENT_COUNT		0x10
#define IRQ_LSI_BASE		(IRQ_EVENT_BASE + IRQ_EVENT_COUNT)
#define IRQ_LSI_COUNT		0x40
#define IRQ_MSI_BASE		(IRQ_LSI_BASE + IRQ_LSI_COUNT)
#define IRQ_MSI_COUNT		(IRQ_BASE + IRQ_COUNT - IRQ_MSI_BASE)

/* Event sources with fixed numbers (the guest finds them under
 * /event-sources); irq_alloc() hands out the rest of the range. */
#define IRQ_EPOW		(IRQ_EVENT_BASE + 0)	/* power-off request */
#define IRQ_HOTPLUG		(IRQ_EVENT_BASE + 1)	/* reserved */
/* The vtys' interrupts: with one, Linux's hvc driver reads input when
 * told instead of polling H_GET_TERM_CHAR on a timer (an idle guest's
 * main reason to leave KVM).  Only the console vty ever raises its. */
#define IRQ_VTY_CONSOLE		(IRQ_EVENT_BASE + 2)
#define IRQ_VTY_CONTROL		(IRQ_EVENT_BASE + 3)
#define IRQ_EVENT_FIXED		4

enum irq_kind {
	IRQ_KIND_EVENT,
	IRQ_KIND_LSI,
	IRQ_KIND_MSI,
	IRQ_KINDS,
};

/* Sources handed out so far, per kind (part of the machine's state):
 * the PCI host bridge's (io/phb.h), changed only by main while it
 * creates the devices. */
struct irq_map {
	uint32_t used[IRQ_KINDS];
};

/* @n consecutive sources of @kind; the first, or 0 if its range cannot
 * hold them.  Sources are never given back: devices are created once. */
uint32_t irq_alloc(struct irq_map *map, enum irq_kind kind, uint32_t n);

/* Is @irq one of pvmm's sources, and of which kind? */
bool irq_valid(uint32_t irq);
enum irq_kind irq_kind_of(uint32_t irq);

/* Level-sensitive (LSI) rather than edge (MSI-style)? */
static inline bool irq_is_lsi(uint32_t irq)
{
	return irq_valid(irq) && irq_kind_of(irq) == IRQ_KIND_LSI;
}

/* The interrupt controller the guest gets, decided before it starts
 * (--irqchip): XICS (KVM emulates it on XIVE hardware) or XIVE
 * exploitation mode (KVM_DEV_TYPE_XIVE: the guest routes, masks and
 * acknowledges interrupts itself through the ESB pages and the thread
 * management area, without exits).  Sources keep their numbers in both,
 * and devices raise them through the same calls (cpu/hv.h). */
enum irqchip {
	IRQCHIP_AUTO, /* XIVE where the host's KVM offers it, else XICS */
	IRQCHIP_XIVE,
	IRQCHIP_XICS,
};

/* "auto", "xive", "xics" <-> enum irqchip; parse: 0 or -EINVAL. */
const char *irqchip_name(enum irqchip c);
int irqchip_parse(const char *s, enum irqchip *c);

/* What @want becomes on a host whose KVM offers the in-kernel XICS
 * (@host_xics) and XIVE exploitation mode (@host_xive): 0 and *@out
 * (never AUTO), or -ENODEV with *@why saying what the host lacks. */
int irqchip_choose(enum irqchip want, bool host_xics, bool host_xive,
		   enum irqchip *out, const char **why);

/* XIVE mode: the guest-physical places of the controller's pages (those
 * of QEMU's pseries, far above RAM and the host bridge's windows).
 * Each source has two 64 KiB ESB pages (trigger, then EOI/management),
 * source n's at XIVE_ESB_BASE + n * XIVE_ESB_STRIDE; the thread
 * management area has four 64 KiB pages (hardware, hypervisor, OS,
 * user), of which the guest gets the OS one (and the user one in the
 * tree, unmapped: Linux does not use it). */
#define XIVE_ESB_BASE		0x0006010000000000ULL
#define XIVE_ESB_SHIFT		16	/* one ESB page */
#define XIVE_ESB_STRIDE		(2ULL << XIVE_ESB_SHIFT)
#define XIVE_END_BASE		0x0006020000000000ULL	/* not mapped */
#define XIVE_TIMA_BASE		0x0006030203180000ULL
#define XIVE_TIMA_PAGE		(1ULL << 16)
#define XIVE_TIMA_OS		2	/* page index of the OS ring */
#define XIVE_TIMA_USER		3
/* Priorities the guest may use: 0..6; 7 is KVM's escalation priority
 * (the tree reserves it). */
#define XIVE_PRIO_MAX		6
#define XIVE_PRIO_MASKED	0xff

/* XIVE mode: LISNs 0 .. @nipis-1 are the vCPUs' IPIs (the guest takes
 * one per CPU from the tree's ibm,xive-lisn-ranges), then pvmm's
 * sources above.  Is @lisn one of them? */
static inline bool irq_xive_valid(uint32_t lisn, uint32_t nipis)
{
	return lisn < nipis || irq_valid(lisn);
}

/* Second cell of an "interrupts" specifier for @irq. */
static inline uint32_t irq_dt_sense(uint32_t irq)
{
	return irq_is_lsi(irq) ? 1 : 0;
}

#endif
