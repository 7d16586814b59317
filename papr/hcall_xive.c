/* The XIVE exploitation-mode hcalls (PAPR+ "Interrupt Controller
 * hcalls"; Linux arch/powerpc/sysdev/xive/spapr.c is the caller): the
 * guest asks where its sources' ESB pages are, routes sources to a
 * vCPU's queue of a priority, and gives each queue a page of its RAM.
 * Every argument is checked here, in the order PAPR numbers them (the
 * first bad one gets its H_Pn), before the hypervisor's XIVE is asked
 * (cpu/hv.h); the routing is kept in struct xive for the GET calls.
 * In XICS mode the guest has no XIVE: every call is H_FUNCTION. */
#include <errno.h>
#include <string.h>

#include "cpu/hv.h"
#include "cpu/irq.h"
#include "papr/papr.h"

/* Flags, PAPR bit numbering (bit 63 = 1). */
#define SRC_H_INT_ESB	 (1ULL << 3) /* reach the ESB by H_INT_ESB */
#define SRC_LSI		 (1ULL << 2)
#define SRC_SET_EISN	 (1ULL << 1)
#define SRC_MASK	 (1ULL << 0)
#define EQ_ALWAYS_NOTIFY (1ULL << 0)
#define ESB_STORE	 (1ULL << 0)

void xive_reset(struct xive *x)
{
	for (uint32_t i = 0; i < XIVE_LISNS; i++)
		x->src[i] = (struct xive_source){.prio = XIVE_PRIO_MASKED};
	memset(x->queue, 0, sizeof(x->queue));
}

static bool xive_on(const struct papr *papr)
{
	return papr->vm->irqchip == IRQCHIP_XIVE;
}

static uint32_t xive_nipis(const struct papr *papr)
{
	return (uint32_t)papr->vm->cpu[papr->vm->ncpus - 1].id + 1;
}

/* Index of @lisn in struct xive's table, or -1 if it is none of the
 * guest's sources. */
static int lisn_index(const struct papr *papr, uint64_t lisn)
{
	if (lisn > UINT32_MAX ||
	    !irq_xive_valid((uint32_t)lisn, xive_nipis(papr)))
		return -1;
	if (lisn < IRQ_BASE)
		return (int)lisn;
	return CONFIG_MAX_CPUS + (int)(lisn - IRQ_BASE);
}

/* Index of vCPU @target (a server number), or -1. */
static int target_index(struct papr *papr, uint64_t target)
{
	struct vcpu *v = vm_vcpu(papr->vm, target);

	return v ? (int)(v - papr->vm->cpu) : -1;
}

static bool prio_ok(uint64_t prio)
{
	return prio <= XIVE_PRIO_MAX;
}

/* H_INT_GET_SOURCE_INFO(flags, lisn) -> source flags, EOI page, trigger
 * page, ESB page shift.  LSIs are reached through H_INT_ESB, so that an
 * EOI while the line is still up sends the interrupt again (KVM's ESB
 * EOI alone would lose it). */
int64_t h_int_get_source_info(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t lisn = args[1];
	uint64_t page;

	(void)v;
	if (!xive_on(papr))
		return H_FUNCTION;
	if (args[0])
		return H_PARAMETER;
	if (lisn_index(papr, lisn) < 0)
		return H_P2;
	page = XIVE_ESB_BASE + lisn * XIVE_ESB_STRIDE;
	if (irq_is_lsi((uint32_t)lisn)) {
		args[0] = SRC_H_INT_ESB | SRC_LSI;
		args[1] = args[2] = UINT64_MAX;
	} else {
		args[0] = 0;
		args[1] = page + (1ULL << XIVE_ESB_SHIFT);
		args[2] = page;
	}
	args[3] = XIVE_ESB_SHIFT;
	return H_SUCCESS;
}

/* H_INT_SET_SOURCE_CONFIG(flags, lisn, target, priority, eisn).
 * Priority 0xff masks the source and forgets its routing; otherwise it
 * goes to @target's queue of @priority, masked if SRC_MASK, and with a
 * new EISN only if SRC_SET_EISN. */
int64_t h_int_set_source_config(struct papr *papr, struct vcpu *v,
				uint64_t *args)
{
	uint64_t flags = args[0], prio = args[3];
	struct xive_source s = {.prio = XIVE_PRIO_MASKED};
	int i = lisn_index(papr, args[1]), err;
	bool masked;

	(void)v;
	if (!xive_on(papr))
		return H_FUNCTION;
	if (flags & ~(SRC_SET_EISN | SRC_MASK))
		return H_PARAMETER;
	if (i < 0)
		return H_P2;
	if (prio != XIVE_PRIO_MASKED) {
		if (target_index(papr, args[2]) < 0)
			return H_P3;
		if (!prio_ok(prio))
			return H_P4;
		if ((flags & SRC_SET_EISN) && args[4] > INT32_MAX)
			return H_P5; /* KVM keeps 31 bits */
	}
	masked = prio == XIVE_PRIO_MASKED || (flags & SRC_MASK);
	pthread_mutex_lock(&papr->xive.lock);
	if (prio != XIVE_PRIO_MASKED) {
		s.server = (uint32_t)args[2];
		s.prio = (uint8_t)prio;
		s.eisn = flags & SRC_SET_EISN ? (uint32_t)args[4]
					      : papr->xive.src[i].eisn;
	}
	err = hv_xive_source_config(papr->vm, (uint32_t)args[1], s.server,
				    masked ? 0 : s.prio, masked, s.eisn);
	if (!err) {
		if (flags & SRC_MASK)
			s.prio = XIVE_PRIO_MASKED;
		papr->xive.src[i] = s;
	}
	pthread_mutex_unlock(&papr->xive.lock);
	return hcall_errno(err);
}

/* H_INT_GET_SOURCE_CONFIG(flags, lisn) -> target, priority, eisn. */
int64_t h_int_get_source_config(struct papr *papr, struct vcpu *v,
				uint64_t *args)
{
	int i = lisn_index(papr, args[1]);

	(void)v;
	if (!xive_on(papr))
		return H_FUNCTION;
	if (args[0])
		return H_PARAMETER;
	if (i < 0)
		return H_P2;
	pthread_mutex_lock(&papr->xive.lock);
	args[0] = papr->xive.src[i].server;
	args[1] = papr->xive.src[i].prio;
	args[2] = papr->xive.src[i].eisn;
	pthread_mutex_unlock(&papr->xive.lock);
	return H_SUCCESS;
}

/* Target (args[1]) and priority (args[2]) of the queue calls: their
 * vCPU index, or the PAPR error. */
static int64_t queue_args(struct papr *papr, const uint64_t *args, int *t)
{
	if (!xive_on(papr))
		return H_FUNCTION;
	if ((*t = target_index(papr, args[1])) < 0)
		return H_P2;
	if (!prio_ok(args[2]))
		return H_P3;
	return H_SUCCESS;
}

/* H_INT_GET_QUEUE_INFO(flags, target, priority) -> the queue's
 * notification ESB page (not mapped: KVM's queues always notify, as
 * Linux asks), the largest queue size (log2 bytes). */
int64_t h_int_get_queue_info(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	int t;
	int64_t rc = queue_args(papr, args, &t);

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	if (args[0])
		return H_PARAMETER;
	args[0] = XIVE_END_BASE +
		  ((uint64_t)args[1] * (XIVE_PRIO_MAX + 2) + args[2]) *
			  XIVE_ESB_STRIDE;
	args[1] = XIVE_QSHIFT;
	return H_SUCCESS;
}

/* H_INT_SET_QUEUE_CONFIG(flags, target, priority, qpage, qsize): qsize
 * 0 removes the queue; else a 64 KiB page of guest RAM, aligned. */
int64_t h_int_set_queue_config(struct papr *papr, struct vcpu *v,
			       uint64_t *args)
{
	uint64_t flags = args[0], qpage = args[3], qsize = args[4];
	int t, err;
	int64_t rc = queue_args(papr, args, &t);

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	if (flags & ~EQ_ALWAYS_NOTIFY)
		return H_PARAMETER;
	if (qsize) {
		if (qsize != XIVE_QSHIFT)
			return H_P5;
		if ((qpage & ((1ULL << qsize) - 1)) ||
		    !gmem_ptr(&papr->vm->mem, qpage, 1ULL << qsize))
			return H_P4;
		/* Notification through the queue's ESB (no ALWAYS_NOTIFY)
		 * is not offered: KVM always notifies. */
		if (!(flags & EQ_ALWAYS_NOTIFY))
			return H_PARAMETER;
	} else {
		qpage = 0;
	}
	pthread_mutex_lock(&papr->xive.lock);
	err = hv_xive_queue_config(papr->vm, (uint32_t)args[1],
				   (uint8_t)args[2], qpage, (unsigned)qsize);
	if (!err)
		papr->xive.queue[t][args[2]] =
			(struct xive_queue){qpage, (uint8_t)qsize};
	pthread_mutex_unlock(&papr->xive.lock);
	return hcall_errno(err);
}

/* H_INT_GET_QUEUE_CONFIG(flags, target, priority) -> flags, qpage,
 * qsize.  The debug flag (queue toggle and index) is not offered. */
int64_t h_int_get_queue_config(struct papr *papr, struct vcpu *v,
			       uint64_t *args)
{
	int t;
	int64_t rc = queue_args(papr, args, &t);
	struct xive_queue q;

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	if (args[0])
		return H_PARAMETER;
	pthread_mutex_lock(&papr->xive.lock);
	q = papr->xive.queue[t][args[2]];
	pthread_mutex_unlock(&papr->xive.lock);
	args[0] = q.qshift ? EQ_ALWAYS_NOTIFY : 0;
	args[1] = q.qpage;
	args[2] = q.qshift;
	return H_SUCCESS;
}

/* H_INT_ESB(flags, lisn, offset, data) -> what a load read: an access to
 * the source's ESB management page on the guest's behalf. */
int64_t h_int_esb(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t flags = args[0], offset = args[2], out = 0;
	int err;

	(void)v;
	if (!xive_on(papr))
		return H_FUNCTION;
	if (flags & ~ESB_STORE)
		return H_PARAMETER;
	if (lisn_index(papr, args[1]) < 0)
		return H_P2;
	if (offset >= (1ULL << XIVE_ESB_SHIFT) || (offset & 7))
		return H_P3;
	err = hv_xive_esb(papr->vm, (uint32_t)args[1], offset, args[3],
			  flags & ESB_STORE, &out);
	args[0] = flags & ESB_STORE ? 0 : out;
	return hcall_errno(err);
}

/* H_INT_SYNC(flags, lisn). */
int64_t h_int_sync(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	(void)v;
	if (!xive_on(papr))
		return H_FUNCTION;
	if (args[0])
		return H_PARAMETER;
	if (lisn_index(papr, args[1]) < 0)
		return H_P2;
	return hcall_errno(hv_xive_sync(papr->vm, (uint32_t)args[1]));
}

/* H_INT_RESET(flags): every source masked, every queue gone. */
int64_t h_int_reset(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	int err;

	(void)v;
	if (!xive_on(papr))
		return H_FUNCTION;
	if (args[0])
		return H_PARAMETER;
	pthread_mutex_lock(&papr->xive.lock);
	err = hv_xive_reset(papr->vm);
	if (!err)
		xive_reset(&papr->xive);
	pthread_mutex_unlock(&papr->xive.lock);
	return hcall_errno(err);
}
