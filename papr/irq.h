/* Interrupt source numbers of the XICS, handed out at build time.
 *
 * Sources start at 0x1000 as on every pseries platform (lower numbers are
 * IPIs and reserved).  The range is created in the in-kernel XICS when the
 * VM is built, masked, so devices only have to raise their line. */
#ifndef PVMM_IRQ_H
#define PVMM_IRQ_H

#define IRQ_BASE		0x1000
#define IRQ_EPOW		(IRQ_BASE + 0)	/* RTAS event: power-off request */
#define IRQ_HOTPLUG		(IRQ_BASE + 1)	/* reserved for hot-plug events */
#define IRQ_DEVICE_BASE		(IRQ_BASE + 0x10) /* virtio: LSIs and MSIs */
#define IRQ_COUNT		0x400		/* sources pvmm creates */

#endif
