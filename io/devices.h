/* The devices a guest gets, as the core sees them: whatever device
 * modules (io/device.h) are linked in, opened before the VM exists,
 * created on the PCI host bridge once it does, served by the event
 * loop. */
#ifndef PVMM_DEVICES_H
#define PVMM_DEVICES_H

#include <stdio.h>

struct io;

/* In the order main calls them:
 *
 * 1. devices_open: open what every module was asked for (files, taps),
 *    before anything else, so a bad path fails at once.  0, or -errno
 *    with one line in @err.
 * 2. io_loop_init: make the event loop (it also serves the console and
 *    signals), early, so its set-up overlaps loading the kernel; sized
 *    for the devices asked for.  0 or -errno.
 * 3. devices_create: put the devices on the host bridge (behind its
 *    DMA windows if io->phb.iommu is set), after the VM exists and
 *    before the device tree is built; open the default DMA window.  0
 *    or -errno.
 * 4. io_loop_start / io_loop_stop: run the loop thread, and end it. */
int devices_open(char *err, size_t errlen);
int io_loop_init(struct io *io);
int devices_create(struct io *io);
int io_loop_start(struct io *io);
void io_loop_stop(struct io *io);

/* The "io" section of --report: the loop thread's CPU time and each
 * device's requests. */
void io_report(const struct io *io, FILE *f);

#endif
