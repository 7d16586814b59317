/* RTAS nvram-fetch / nvram-store: copy between NVRAM and a guest buffer.
 * The guest gives an NVRAM index, a buffer address and a length; all
 * three are checked against NVRAM and RAM before a byte moves. */
#include <stdbool.h>
#include <string.h>

#include "papr/papr.h"
#include "papr/nvram.h"
#include "papr/rtas.h"

/* The guest buffer for a transfer, or NULL if index or buffer is bad. */
static uint8_t *nvram_xfer(struct papr *papr, const struct rtas_args *a,
			   uint32_t *len)
{
	uint32_t index = a->args[0];

	*len = a->args[2];
	if (index > NVRAM_SIZE || *len > NVRAM_SIZE - index)
		return NULL;
	return gmem_ptr(&papr->vm->mem, a->args[1], *len);
}

/* Copy @len bytes between NVRAM[index] and the guest buffer, either way. */
static void nvram_copy(struct papr *papr, struct rtas_args *a, bool store)
{
	uint32_t len;
	uint8_t *buf = nvram_xfer(papr, a, &len), *nv;

	if (!buf) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	nv = papr->nvram.bytes + a->args[0];
	memcpy(store ? nv : buf, store ? buf : nv, len);
	a->rets[0] = RTAS_OK;
	a->rets[1] = len;
}

void rtas_nvram_fetch(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	nvram_copy(papr, a, false);
}

void rtas_nvram_store(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	nvram_copy(papr, a, true);
}
