/* The guest the RTAS and hcall fuzz targets talk to: a unit-test machine
 * (fake hypervisor, real anonymous RAM) with 2 vCPUs and one virtio-rng
 * on the PCI host bridge behind the IOMMU, its default DMA window open,
 * so PCI config, MSI, the TCE hcalls and the DDW calls all have a
 * device to act on. */
#ifndef FUZZ_GUEST_H
#define FUZZ_GUEST_H

#include <stdint.h>

#include "machine.h"
#include "tests/fuzz/fuzz.h"

struct fuzz_vm {
	struct machine *m;
	struct virtio_dev *d;
};

/* A fresh one; aborts if it cannot be made. */
void fuzz_vm_start(struct fuzz_vm *f);
void fuzz_vm_stop(struct fuzz_vm *f);

/* A guest-supplied value: raw, or (as the input's @hint bit says) folded
 * into RAM or picked from the values the machine answers to (LIOBNs,
 * the bridge's BUID halves, the device's config address), so the fuzzer
 * reaches past the first checks quickly. */
uint64_t fuzz_value(struct fin *in, const struct fuzz_vm *f, uint8_t hint);

#endif
