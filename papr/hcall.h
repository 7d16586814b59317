/* hcall numbers, return codes and the dispatch table (PAPR names). */
#ifndef PVMM_HCALL_H
#define PVMM_HCALL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes (r3). */
#define H_SUCCESS		0
#define H_BUSY			1
#define H_CLOSED		2
#define H_NOT_AVAILABLE		3
#define H_CONTINUE		18
#define H_LONG_BUSY_ORDER_1_MSEC 9900
#define H_HARDWARE		(-1)
#define H_FUNCTION		(-2)
#define H_PRIVILEGE		(-3)
#define H_PARAMETER		(-4)
#define H_BAD_MODE		(-5)
#define H_PTEG_FULL		(-6)
#define H_NOT_FOUND		(-7)
#define H_RESOURCE		(-16)
#define H_P2			(-55)
#define H_P3			(-56)
#define H_P4			(-57)
#define H_P5			(-58)
#define H_UNSUPPORTED_FLAG	(-256)

/* Opcodes that reach userspace (others stay in KVM-HV).  The TCE calls
 * do when KVM holds no table for their LIOBN or refuses the TCE. */
#define H_GET_TCE		0x1c
#define H_PUT_TCE		0x20
#define H_SET_SPRG0		0x24
#define H_PAGE_INIT		0x2c
#define H_LOGICAL_CI_LOAD	0x3c
#define H_LOGICAL_CI_STORE	0x40
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_STUFF_TCE		0x138
#define H_PUT_TCE_INDIRECT	0x13c
#define H_GET_CPU_CHARACTERISTICS 0x1c8
#define H_RANDOM		0x300
#define H_SET_MODE		0x31c
#define H_RESIZE_HPT_PREPARE	0x36c
#define H_RESIZE_HPT_COMMIT	0x370
#define H_REGISTER_PROC_TBL	0x37c
#define H_SIGNAL_SYS_RESET	0x380
/* XIVE exploitation mode (papr/hcall_xive.c; PAPR+ "Interrupt
 * Controller hcalls", Linux arch/powerpc/include/asm/hvcall.h). */
#define H_INT_GET_SOURCE_INFO	0x3a8
#define H_INT_SET_SOURCE_CONFIG	0x3ac
#define H_INT_GET_SOURCE_CONFIG	0x3b0
#define H_INT_GET_QUEUE_INFO	0x3b4
#define H_INT_SET_QUEUE_CONFIG	0x3b8
#define H_INT_GET_QUEUE_CONFIG	0x3bc
#define H_INT_SET_OS_REPORTING_LINE 0x3c0
#define H_INT_GET_OS_REPORTING_LINE 0x3c4
#define H_INT_ESB		0x3c8
#define H_INT_SYNC		0x3cc
#define H_INT_RESET		0x3d0
#define H_RPT_INVALIDATE	0x448

/* KVM's hypervisor-private range. */
#define KVMPPC_H_RTAS		0xf000

#define HCALL_PAPR_END		0x450	/* one past the last PAPR opcode */
#define HCALL_PRIV_BASE		0xf000
#define HCALL_PRIV_END		0xf010
#define HCALL_SLOTS		(HCALL_PAPR_END / 4 + \
				 (HCALL_PRIV_END - HCALL_PRIV_BASE) / 4)

#define HCALL_NARGS		9	/* r4..r12, in and out */

struct papr;
struct vcpu;

/* A handler reads its arguments from args[] (r4 onwards), writes its
 * outputs back there, and returns the PAPR return code for r3. */
typedef int64_t hcall_fn(struct papr *papr, struct vcpu *v, uint64_t *args);

/* Counted by the vCPU threads as they dispatch (atomics, no lock); read
 * by main for --report after they are joined. */
struct hcall_stats {
	_Atomic uint64_t calls[HCALL_SLOTS];	/* every call, by opcode */
	_Atomic uint64_t unimplemented;		/* answered H_FUNCTION */
	_Atomic uint64_t out_of_range;		/* opcode outside both ranges */
	_Atomic uint64_t errors;		/* answered < 0, H_FUNCTION too */
};

/* The guest's return code for a host-side -errno (the backend's answer,
 * a failed host call): the one place hcalls translate errors. */
int64_t hcall_errno(int err);

/* The return code for the hypervisor's answer to an HPT resize step
 * (> 0: ms still to wait, as an H_LONG_BUSY code). */
int64_t hpt_resize_rc(long kvm_ret);

/* Handle one hcall exit: the return code for r3, outputs in args[]. */
int64_t hcall_dispatch(struct papr *papr, struct vcpu *v, uint64_t nr,
		       uint64_t *args);

/* Slot of @nr in hcall_stats.calls, or -1 outside both ranges. */
int hcall_slot(uint64_t nr);
/* Opcode of stats slot @slot. */
uint64_t hcall_slot_nr(int slot);
/* PAPR name of @nr, or NULL if pvmm does not implement it. */
const char *hcall_name(uint64_t nr);

/* Handlers, one per PAPR call, defined next to the state they touch. */
hcall_fn h_put_term_char, h_get_term_char;
hcall_fn h_set_mode;
hcall_fn h_register_proc_tbl;
hcall_fn h_resize_hpt_prepare, h_resize_hpt_commit;
hcall_fn h_rtas;
hcall_fn h_set_sprg0, h_get_cpu_characteristics, h_signal_sys_reset;
hcall_fn h_page_init, h_logical_ci_load, h_logical_ci_store;
hcall_fn h_random;
hcall_fn h_get_tce, h_put_tce, h_stuff_tce, h_put_tce_indirect;
hcall_fn h_int_get_source_info, h_int_set_source_config,
	h_int_get_source_config, h_int_get_queue_info, h_int_set_queue_config,
	h_int_get_queue_config, h_int_esb, h_int_sync, h_int_reset;

#endif
