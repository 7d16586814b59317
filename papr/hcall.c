/* hcall dispatch: from an opcode to its handler in two table look-ups. */
#include <errno.h>
#include <stddef.h>

#include "cpu/hot.h"
#include "papr/hcall.h"
#include "papr/papr.h"

/* The hcalls pvmm answers, one line each: the guest ABI's one table.
 * It makes both tables below, so they cannot disagree. */
#define HCALLS(X)                                               \
	X(H_GET_TCE, h_get_tce)                                 \
	X(H_PUT_TCE, h_put_tce)                                 \
	X(H_SET_SPRG0, h_set_sprg0)                             \
	X(H_PAGE_INIT, h_page_init)                             \
	X(H_LOGICAL_CI_LOAD, h_logical_ci_load)                 \
	X(H_LOGICAL_CI_STORE, h_logical_ci_store)               \
	X(H_GET_TERM_CHAR, h_get_term_char)                     \
	X(H_PUT_TERM_CHAR, h_put_term_char)                     \
	X(H_STUFF_TCE, h_stuff_tce)                             \
	X(H_PUT_TCE_INDIRECT, h_put_tce_indirect)               \
	X(H_GET_CPU_CHARACTERISTICS, h_get_cpu_characteristics) \
	X(H_RANDOM, h_random)                                   \
	X(H_SET_MODE, h_set_mode)                               \
	X(H_RESIZE_HPT_PREPARE, h_resize_hpt_prepare)           \
	X(H_RESIZE_HPT_COMMIT, h_resize_hpt_commit)             \
	X(H_REGISTER_PROC_TBL, h_register_proc_tbl)             \
	X(H_SIGNAL_SYS_RESET, h_signal_sys_reset)               \
	X(H_INT_GET_SOURCE_INFO, h_int_get_source_info)         \
	X(H_INT_SET_SOURCE_CONFIG, h_int_set_source_config)     \
	X(H_INT_GET_SOURCE_CONFIG, h_int_get_source_config)     \
	X(H_INT_GET_QUEUE_INFO, h_int_get_queue_info)           \
	X(H_INT_SET_QUEUE_CONFIG, h_int_set_queue_config)       \
	X(H_INT_GET_QUEUE_CONFIG, h_int_get_queue_config)       \
	X(H_INT_ESB, h_int_esb)                                 \
	X(H_INT_SYNC, h_int_sync)                               \
	X(H_INT_RESET, h_int_reset)                             \
	X(KVMPPC_H_RTAS, h_rtas)

/* Dense: entry 0 is "not implemented", then one per line of HCALLS. */
#define HCALL_ID(nr, fn) HCALL_ID_##fn,
enum { HCALL_NONE, HCALLS(HCALL_ID) HCALL_COUNT };

struct hcall_entry {
	const char *name;
	hcall_fn *fn;
};

#define HCALL_ENTRY(nr, fn) [HCALL_ID_##fn] = {#nr, fn},
static const struct hcall_entry hcall_table[HCALL_COUNT] = {
	HCALLS(HCALL_ENTRY)};

/* The stats slot of each opcode (hcall_slot()) to its entry above, a
 * byte each: most of the PAPR range is calls KVM-HV keeps or nobody
 * makes, and a pointer pair per slot cost 4.5 KiB of mostly zeroes. */
#define HCALL_SLOT_OF(nr)      \
	((nr) < HCALL_PAPR_END \
		 ? (nr) / 4    \
		 : HCALL_PAPR_END / 4 + ((nr)-HCALL_PRIV_BASE) / 4)
#define HCALL_INDEX(nr, fn) [HCALL_SLOT_OF(nr)] = HCALL_ID_##fn,
static const uint8_t hcall_index[HCALL_SLOTS] = {HCALLS(HCALL_INDEX)};

_Static_assert(HCALL_COUNT <= 256, "hcall_index holds a byte per slot");

PVMM_HOT int hcall_slot(uint64_t nr)
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

	return slot < 0 ? NULL : hcall_table[hcall_index[slot]].name;
}

int64_t hcall_errno(int err)
{
	switch (err) {
	case 0: return H_SUCCESS;
	case -EINVAL: return H_PARAMETER;
	case -ENODEV: return H_NOT_AVAILABLE;
	default: return H_HARDWARE;
	}
}

PVMM_HOT int64_t hcall_dispatch(struct papr *papr, struct vcpu *v, uint64_t nr,
				uint64_t *args)
{
	int slot = hcall_slot(nr);
	const struct hcall_entry *e;
	int64_t rc;

	if (slot < 0) {
		atomic_fetch_add(&papr->hstats.out_of_range, 1);
		atomic_fetch_add(&papr->hstats.unimplemented, 1);
		atomic_fetch_add(&papr->hstats.errors, 1);
		return H_FUNCTION;
	}
	atomic_fetch_add(&papr->hstats.calls[slot], 1);
	e = &hcall_table[hcall_index[slot]];
	if (!e->fn) {
		atomic_fetch_add(&papr->hstats.unimplemented, 1);
		atomic_fetch_add(&papr->hstats.errors, 1);
		return H_FUNCTION;
	}
	rc = e->fn(papr, v, args);
	if (rc < 0) /* refused: what a hostile guest's calls get */
		atomic_fetch_add(&papr->hstats.errors, 1);
	return rc;
}
