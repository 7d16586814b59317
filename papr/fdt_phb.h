/* The PAPR PCI host bridge (io/phb.h) in the guest's device tree. */
#ifndef PVMM_FDT_PHB_H
#define PVMM_FDT_PHB_H

struct phb;

/* Add the PHB node and its functions' nodes under the root of @fdt (a
 * tree being built with libfdt's sequential-write API is not assumed:
 * this uses fdt_add_subnode on a finished tree, opened with room).  INTA
 * goes through interrupt-map to the phandle of /interrupt-controller
 * (none without it), and /chosen gets linux,pci-probe-only.  0 or a
 * libfdt error.  Adds nothing when no function exists. */
int fdt_phb(void *fdt, const struct phb *p);

#endif
