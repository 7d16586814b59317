/* hcall dispatch: from an opcode to its handler in one table look-up. */
#include <errno.h>
#include <stddef.h>

#include "papr/papr.h"
#include "papr/hcall.h"

struct hcall_entry {
	const char *name;
	hcall_fn *fn;
};

#define HCALL(nr, fn) [(nr) < HCALL_PAPR_END ? (nr) / 4 : \
		       HCALL_PAPR_END / 4 + ((nr) - HCALL_PRIV_BASE) / 4] = \
		       { #nr, fn }

static const struct hcall_entry hcall_table[HCALL_SLOTS] = {
	HCALL(H_GET_TCE, h_get_tce),
	HCALL(H_PUT_TCE, h_put_tce),
	HCALL(H_SET_SPRG0, h_set_sprg0),
	HCALL(H_PAGE_INIT, h_page_init),
	HCALL(H_LOGICAL_CI_LOAD, h_logical_ci_load),
	HCALL(H_LOGICAL_CI_STORE, h_logical_ci_store),
	HCALL(H_GET_TERM_CHAR, h_get_term_char),
	HCALL(H_PUT_TERM_CHAR, h_put_term_char),
	HCALL(H_STUFF_TCE, h_stuff_tce),
	HCALL(H_PUT_TCE_INDIRECT, h_put_tce_indirect),
	HCALL(H_GET_CPU_CHARACTERISTICS, h_get_cpu_characteristics),
	HCALL(H_RANDOM, h_random),
	HCALL(H_SET_MODE, h_set_mode),
	HCALL(H_RESIZE_HPT_PREPARE, h_resize_hpt_prepare),
	HCALL(H_RESIZE_HPT_COMMIT, h_resize_hpt_commit),
	HCALL(H_REGISTER_PROC_TBL, h_register_proc_tbl),
	HCALL(H_SIGNAL_SYS_RESET, h_signal_sys_reset),
	HCALL(KVMPPC_H_RTAS, h_rtas),
};

int hcall_slot(uint64_t nr)
{
	if (nr & 3)
		return -1;
	if (nr < HCALL_PAPR_END)
		return (int)(nr / 4);
	if (nr >= HCALL_PRIV_BASE && nr < HCALL_PRIV_END)
		return (int)(HCALL_PAPR_END / 4 + (nr - HCALL_PRIV_BASE) / 4);
	return -1;
}

uint64_t hcall_slot_nr(int slot)
{
	if (slot < HCALL_PAPR_END / 4)
		return (uint64_t)slot * 4;
	return HCALL_PRIV_BASE + (uint64_t)(slot - HCALL_PAPR_END / 4) * 4;
}

const char *hcall_name(uint64_t nr)
{
	int slot = hcall_slot(nr);

	return slot < 0 ? NULL : hcall_table[slot].name;
}

int64_t hcall_errno(int err)
{
	switch (err) {
	case 0:
		return H_SUCCESS;
	case -EINVAL:
		return H_PARAMETER;
	case -ENODEV:
		return H_NOT_AVAILABLE;
	default:
		return H_HARDWARE;
	}
}

int64_t hcall_dispatch(struct papr *papr, struct vcpu *v, uint64_t nr,
		       uint64_t *args)
{
	int slot = hcall_slot(nr);
	int64_t rc;

	if (slot < 0) {
		atomic_fetch_add(&papr->hstats.out_of_range, 1);
		atomic_fetch_add(&papr->hstats.unimplemented, 1);
		atomic_fetch_add(&papr->hstats.errors, 1);
		return H_FUNCTION;
	}
	atomic_fetch_add(&papr->hstats.calls[slot], 1);
	if (!hcall_table[slot].fn) {
		atomic_fetch_add(&papr->hstats.unimplemented, 1);
		atomic_fetch_add(&papr->hstats.errors, 1);
		return H_FUNCTION;
	}
	rc = hcall_table[slot].fn(papr, v, args);
	if (rc < 0)	/* refused: what a hostile guest's calls get */
		atomic_fetch_add(&papr->hstats.errors, 1);
	return rc;
}
