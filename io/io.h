/* The I/O side of the machine: the event loop and the PCI host bridge with
 * the devices on it, over the VM (guest memory, interrupts, ioeventfds).
 *
 * Threads: main builds it (io_loop_init, devices_create) before the vCPUs run;
 * then the event loop thread serves the devices, and vCPU threads reach
 * them through MMIO (phb_mmio).  What covers a device's state is said in
 * io/virtio.h and io/pci.h. */
#ifndef PVMM_IO_H
#define PVMM_IO_H

#include <stdint.h>

#include "cpu/vm.h"
#include "io/phb.h"

struct loop;

struct io {
	struct vm *vm;
	struct loop *loop; /* NULL until io_loop_init() */
	struct phb phb;
	uint64_t setup_ns; /* event loop and devices set-up time */
};

static inline void io_init(struct io *io, struct vm *vm)
{
	io->vm = vm;
	io->loop = 0;
	io->setup_ns = 0;
	phb_init(&io->phb, vm);
}

#endif
