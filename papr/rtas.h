/* RTAS: calls by token through KVMPPC_H_RTAS, and the in-memory stub. */
#ifndef PVMM_RTAS_H
#define PVMM_RTAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTAS_MAX_ARGS	16	/* per direction; more is a malformed call */
#define RTAS_ERROR_LOG_MAX 2048	/* rtas-error-log-max: log buffer size */

/* Status in rets[0]. */
#define RTAS_OK			0
#define RTAS_HW_ERROR		(-1)
#define RTAS_BUSY		(-2)
#define RTAS_PARAM_ERROR	(-3)

/* One call, as read from the guest's big-endian buffer. */
struct rtas_args {
	uint32_t token;
	uint32_t nargs;
	uint32_t nret;
	uint32_t args[RTAS_MAX_ARGS];
	uint32_t rets[RTAS_MAX_ARGS];
};

struct papr;
struct vcpu;

/* A handler may assume a->nargs and a->nret are what its table entry says;
 * it fills a->rets[0 .. nret). */
typedef void rtas_fn(struct papr *papr, struct vcpu *v, struct rtas_args *a);

struct rtas_call {
	const char *name;	/* property name under /rtas */
	rtas_fn *fn;		/* NULL: handled inside KVM (XICS) */
	uint8_t nargs;
	uint8_t nret;
};

/* What RTAS is for the guest, saved with it: where its stub is (set by
 * main, rtas_install, before the vCPUs run) and the guest's clock offset
 * (atomic: set-time-of-day on any vCPU). */
struct rtas {
	uint64_t base;		/* guest-physical address of the stub */
	uint64_t size;		/* bytes reserved for RTAS */
	_Atomic int64_t rtc_offset;	/* guest clock - host UTC, seconds */
};

/* What the calls counted (--report; not guest state): atomics, updated by
 * the vCPU threads. */
struct rtas_stats {
	_Atomic uint64_t calls;	/* calls handled by pvmm */
	_Atomic uint64_t errors;	/* malformed calls refused */
};

/* ibm,os-term: the guest's message, kept for main to print once the
 * guest has stopped.  Guest data: at most OS_TERM_MSG_MAX bytes are read,
 * and anything but printable ASCII is escaped (\xNN), so it is one line. */
#define OS_TERM_MSG_MAX		256
#define OS_TERM_TEXT_MAX	(4 * OS_TERM_MSG_MAX + sizeof("..."))

struct os_term {
	_Atomic bool called;	/* the first call fills the rest */
	uint32_t addr;		/* where the guest said the message is */
	char text[OS_TERM_TEXT_MAX];	/* escaped; "" if none */
};

extern const struct rtas_call rtas_calls[];
extern const size_t rtas_ncalls;

/* Token of call @name, or 0 if pvmm has no such call. */
uint32_t rtas_token(const char *name);
/* The status for a host-side -errno (the backend's answer): the one
 * place RTAS calls translate errors. */
int32_t rtas_errno(int err);

/* The calls the hypervisor answers itself (no handler here), for
 * vm_config: up to @max into @out; how many there are. */
struct vm_rtas_token;
size_t rtas_in_kernel(struct vm_rtas_token *out, size_t max);

/* Write the entry stub at @base (the guest enters RTAS there): 0, or
 * -EINVAL if it does not fit in guest RAM. */
int rtas_install(struct papr *papr, uint64_t base, uint64_t size);

/* Parse an RTAS buffer from guest RAM at @gpa; 0 or -EINVAL if it is not
 * a well-formed buffer inside RAM. */
int rtas_read_args(const struct papr *papr, uint64_t gpa,
		   struct rtas_args *a);

/* Handlers, one per call. */
rtas_fn rtas_power_off, rtas_system_reboot, rtas_os_term;
rtas_fn rtas_get_time_of_day, rtas_set_time_of_day;
rtas_fn rtas_start_cpu, rtas_stop_self, rtas_query_cpu_stopped_state;
rtas_fn rtas_display_character;
rtas_fn rtas_nvram_fetch, rtas_nvram_store;
rtas_fn rtas_get_system_parameter, rtas_set_system_parameter;
rtas_fn rtas_nmi_register, rtas_nmi_interlock;
rtas_fn rtas_check_exception, rtas_event_scan, rtas_get_sensor_state;
rtas_fn rtas_read_pci_config, rtas_write_pci_config;
rtas_fn rtas_ibm_read_pci_config, rtas_ibm_write_pci_config;
rtas_fn rtas_change_msi, rtas_query_interrupt_source_number;
rtas_fn rtas_query_pe_dma_window, rtas_create_pe_dma_window;
rtas_fn rtas_remove_pe_dma_window, rtas_reset_pe_dma_window;

#endif
