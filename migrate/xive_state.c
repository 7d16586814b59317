/* The XIVE section: saved from a frozen XIVE, checked field by field
 * before anything is loaded (every value comes from a file or a
 * stream), loaded in the order KVM needs (cpu/hv.h hv_xive_set). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu/gmem.h"
#include "cpu/hv.h"
#include "cpu/vm.h"
#include "migrate/snapshot.h"
#include "migrate/xive_state.h"
#include "papr/xive.h"

_Static_assert(HV_XIVE_SOURCES == XIVE_LISNS, "one entry per source");
_Static_assert(HV_XIVE_PRIOS == XIVE_PRIO_MAX + 1, "one queue per priority");

int xive_save(struct vm *vm, struct xive *x, struct xive_state *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&x->lock);
	for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++) {
		s->src[i].server = x->src[i].server;
		s->src[i].eisn = x->src[i].eisn;
		s->src[i].prio = x->src[i].prio;
	}
	for (int c = 0; c < vm->ncpus; c++)
		for (int p = 0; p < HV_XIVE_PRIOS; p++) {
			s->eq[c][p].qaddr = x->queue[c][p].qpage;
			s->eq[c][p].qshift = x->queue[c][p].qshift;
		}
	err = hv_xive_get(vm, s);
	pthread_mutex_unlock(&x->lock);
	return err;
}

void xive_state_encode(const struct xive_state *s, int ncpus,
		       struct snap_out *o)
{
	for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++) {
		snap_put_u32(o, s->src[i].server);
		snap_put_u32(o, s->src[i].eisn);
		snap_put_u8(o, s->src[i].prio);
		snap_put_u8(o, s->src[i].pq);
	}
	for (int c = 0; c < ncpus; c++) {
		for (int p = 0; p < HV_XIVE_PRIOS; p++) {
			const struct xive_eq_state *q = &s->eq[c][p];

			snap_put_u64(o, q->qaddr);
			snap_put_u32(o, q->qshift);
			snap_put_u32(o, q->toggle);
			snap_put_u32(o, q->index);
		}
		snap_put_u64(o, s->vp[c][0]);
		snap_put_u64(o, s->vp[c][1]);
	}
}

int xive_state_decode(const struct snap_sec *sec, int ncpus,
		      struct xive_state *s)
{
	struct snap_in in = snap_in_of(sec);

	memset(s, 0, sizeof(*s));
	if (ncpus < 1 || ncpus > CONFIG_MAX_CPUS)
		return -EINVAL;
	for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++) {
		s->src[i].server = snap_get_u32(&in);
		s->src[i].eisn = snap_get_u32(&in);
		s->src[i].prio = snap_get_u8(&in);
		s->src[i].pq = snap_get_u8(&in);
	}
	for (int c = 0; c < ncpus; c++) {
		for (int p = 0; p < HV_XIVE_PRIOS; p++) {
			struct xive_eq_state *q = &s->eq[c][p];

			q->qaddr = snap_get_u64(&in);
			q->qshift = snap_get_u32(&in);
			q->toggle = snap_get_u32(&in);
			q->index = snap_get_u32(&in);
		}
		s->vp[c][0] = snap_get_u64(&in);
		s->vp[c][1] = snap_get_u64(&in);
	}
	return snap_in_done(&in) ? 0 : -EINVAL;
}

/* vCPU index of server number @server, or -1. */
static int server_index(struct vm *vm, uint32_t server)
{
	struct vcpu *v = vm_vcpu(vm, server);

	return v ? (int)(v - vm->cpu) : -1;
}

/* A queue is none (all zero), or a 64 KiB page of guest RAM, aligned,
 * with a toggle bit and the index of one of its 4-byte entries. */
static int check_queue(struct vm *vm, int c, int p,
		       const struct xive_eq_state *q, char *why, size_t wlen)
{
	if (!q->qshift) {
		if (q->qaddr || q->toggle || q->index)
			return snap_fail(-EINVAL, why, wlen,
					 "vCPU %d queue %d: no size but "
					 "an address or position",
					 c, p);
		return 0;
	}
	if (q->qshift != XIVE_QSHIFT)
		return snap_fail(-EINVAL, why, wlen,
				 "vCPU %d queue %d: size 2^%u", c, p,
				 q->qshift);
	if ((q->qaddr & ((1ull << XIVE_QSHIFT) - 1)) ||
	    !gmem_ptr(&vm->mem, q->qaddr, 1ull << XIVE_QSHIFT))
		return snap_fail(-EINVAL, why, wlen,
				 "vCPU %d queue %d: page %#llx not in "
				 "guest RAM",
				 c, p, (unsigned long long)q->qaddr);
	if (q->toggle > 1 || q->index >= (1u << XIVE_QSHIFT) / 4)
		return snap_fail(-EINVAL, why, wlen,
				 "vCPU %d queue %d: toggle %u index %u "
				 "out of range",
				 c, p, q->toggle, q->index);
	return 0;
}

/* A source is routed to an existing vCPU's existing queue, or masked
 * (keeping the target and number it had); its PQ bits are 2 bits, plus
 * "fired while frozen" only when they were 00. */
static int check_source(struct vm *vm, const struct xive_state *s, uint32_t i,
			uint32_t nipis, char *why, size_t wlen)
{
	const struct xive_src_state *x = &s->src[i];
	uint32_t lisn = hv_xive_lisn(i);
	int t = server_index(vm, x->server);

	if (i < CONFIG_MAX_CPUS && i >= nipis) {
		if (x->server || x->eisn || x->pq ||
		    x->prio != XIVE_PRIO_MASKED)
			return snap_fail(-EINVAL, why, wlen,
					 "IPI %#x of a vCPU this guest "
					 "has not",
					 lisn);
		return 0;
	}
	if (x->pq & ~(HV_XIVE_PQ_MASK | HV_XIVE_PQ_FIRED) ||
	    ((x->pq & HV_XIVE_PQ_FIRED) && (x->pq & HV_XIVE_PQ_MASK)))
		return snap_fail(-EINVAL, why, wlen, "source %#x: PQ state %#x",
				 lisn, x->pq);
	if (x->eisn > INT32_MAX)
		return snap_fail(-EINVAL, why, wlen, "source %#x: EISN %#x",
				 lisn, x->eisn);
	if (x->prio == XIVE_PRIO_MASKED)
		return x->server && t < 0 ? snap_fail(-EINVAL, why, wlen,
						      "source %#x: target %u "
						      "is no vCPU",
						      lisn, x->server)
					  : 0;
	if (x->prio > XIVE_PRIO_MAX)
		return snap_fail(-EINVAL, why, wlen, "source %#x: priority %u",
				 lisn, x->prio);
	if (t < 0)
		return snap_fail(-EINVAL, why, wlen,
				 "source %#x: target %u is no vCPU", lisn,
				 x->server);
	if (!s->eq[t][x->prio].qshift)
		return snap_fail(-EINVAL, why, wlen,
				 "source %#x: routed to vCPU %u priority "
				 "%u, which has no queue",
				 lisn, x->server, x->prio);
	return 0;
}

int xive_state_check(struct vm *vm, const struct xive_state *s, char *why,
		     size_t wlen)
{
	uint32_t nipis = (uint32_t)vm->cpu[vm->ncpus - 1].id + 1;
	int err = 0;

	for (int c = 0; !err && c < vm->ncpus; c++) {
		for (int p = 0; !err && p < HV_XIVE_PRIOS; p++)
			err = check_queue(vm, c, p, &s->eq[c][p], why, wlen);
		/* KVM_REG_PPC_VP_STATE's second half is unused. */
		if (!err && s->vp[c][1])
			err = snap_fail(-EINVAL, why, wlen,
					"vCPU %d: thread context %#llx", c,
					(unsigned long long)s->vp[c][1]);
	}
	for (uint32_t i = 0; !err && i < HV_XIVE_SOURCES; i++)
		err = check_source(vm, s, i, nipis, why, wlen);
	return err;
}

int xive_load(struct vm *vm, struct xive *x, const struct xive_state *s)
{
	int err;

	pthread_mutex_lock(&x->lock);
	err = hv_xive_set(vm, s);
	if (!err) {
		for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++)
			x->src[i] = (struct xive_source){
				.server = s->src[i].server,
				.eisn = s->src[i].eisn,
				.prio = s->src[i].prio,
			};
		for (int c = 0; c < vm->ncpus; c++)
			for (int p = 0; p < HV_XIVE_PRIOS; p++)
				x->queue[c][p] = (struct xive_queue){
					s->eq[c][p].qaddr,
					(uint8_t)s->eq[c][p].qshift,
				};
	}
	pthread_mutex_unlock(&x->lock);
	return err;
}
