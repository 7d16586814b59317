/* The devices a guest gets, as the core sees them: whatever device
 * modules (io/device.h) are linked in, opened before the VM exists,
 * created on the PCI host bridge once it does, served by the event
 * loop. */
#ifndef PVMM_DEVICES_H
#define PVMM_DEVICES_H

#include <stdio.h>

struct io;

/* Open what every module was asked for.  0, or -errno with one line in
 * @err. */
int io_open(char *err, size_t errlen);

/* Start the event loop (it also serves the console and signals): early,
 * so its set-up overlaps loading the kernel.  0 or -errno. */
int io_early(struct io *io);

/* Create the devices on the host bridge (after the VM exists, before the
 * device tree is built); run the loop thread, and stop it.  0 or
 * -errno. */
int io_create(struct io *io);
int io_start(struct io *io);
void io_stop(struct io *io);

/* The "io" section of --report: the loop thread's CPU time and each
 * device's requests. */
void io_report(const struct io *io, FILE *f);

#endif
