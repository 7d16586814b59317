/* XIVE exploitation mode as a snapshot carries it (section SNAP_SEC_XIVE):
 * struct xive_state (cpu/hv.h), made of what the guest set through the
 * H_INT_* hcalls and pvmm keeps (papr/xive.h: each source's routing,
 * each queue's page) and what only KVM knows (each source's PQ bits,
 * each queue's toggle and index, each vCPU's thread context). */
#ifndef PVMM_XIVE_STATE_H
#define PVMM_XIVE_STATE_H

#include <stddef.h>

#include "cpu/hv.h"

struct vm;
struct xive;
struct snap_out;
struct snap_sec;

/* The paused machine's XIVE (freezing it, hv_xive_freeze): 0 or the
 * backend's -errno. */
int xive_save(struct vm *vm, struct xive *x, struct xive_state *s);
void xive_state_encode(const struct xive_state *s, int ncpus,
		       struct snap_out *o);
/* Decode a section of @ncpus vCPUs: 0, or -EINVAL if its size is not
 * that. */
int xive_state_decode(const struct snap_sec *sec, int ncpus,
		      struct xive_state *s);
/* Is @s a state @vm can take (its sources, vCPU ids, guest RAM, which
 * must be in place)?  0, or -EINVAL with the first thing wrong in
 * @why. */
int xive_state_check(struct vm *vm, const struct xive_state *s, char *why,
		     size_t wlen);
/* Into a VM whose vCPUs have not run: the backend, then pvmm's tables.
 * 0 or the backend's -errno. */
int xive_load(struct vm *vm, struct xive *x, const struct xive_state *s);

#endif
