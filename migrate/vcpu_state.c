#include <errno.h>
#include <string.h>

#include "migrate/vcpu_state.h"
#include "cpu/be.h"
#include "cpu/vm.h"

/* Field order of the record: the struct's, as big-endian doublewords. */
#define VCPU_PAPR_FIELDS(X) \
	X(vpa_addr) X(slb_addr) X(slb_len) X(dtl_addr) X(dtl_len) \
	X(dec_expiry) X(tb_offset)

size_t vcpu_papr_encode(const struct vcpu_papr *s, uint8_t *buf)
{
	size_t off = 0;

#define PUT(f) be64_store(buf + off, s->f); off += 8;
	VCPU_PAPR_FIELDS(PUT)
#undef PUT
	return off;
}

int vcpu_papr_decode(struct vcpu_papr *s, const uint8_t *buf, size_t len)
{
	size_t off = 0;

	if (len < VCPU_PAPR_RECORD_SIZE)
		return -EINVAL;
#define GET(f) s->f = be64_load(buf + off); off += 8;
	VCPU_PAPR_FIELDS(GET)
#undef GET
	return 0;
}

/* Test aid (--debug-check-vcpu-state): the PAPR state of the first vCPU with a
 * VPA, written into the last vCPU that never ran, must read back the
 * same.  What restore will do, inside one VM. */
int vcpu_state_check(struct vm *vm, struct vcpu_papr *seen)
{
	struct vcpu *src = NULL, *dst = NULL;
	struct vcpu_papr back;
	uint8_t a[VCPU_PAPR_RECORD_SIZE], b[VCPU_PAPR_RECORD_SIZE];
	int err;

	for (int i = 0; i < vm->ncpus; i++) {
		struct vcpu_papr s;

		if (!src && hv_vcpu_get_papr(vm, &vm->cpu[i], &s) == 0 &&
		    s.vpa_addr) {
			src = &vm->cpu[i];
			*seen = s;
		}
		if (!vm->cpu[i].ran)
			dst = &vm->cpu[i];
	}
	if (!src || !dst || src == dst)
		return -ENOENT;
	err = hv_vcpu_set_papr(vm, dst, seen);
	if (!err)
		err = hv_vcpu_get_papr(vm, dst, &back);
	if (err)
		return err;
	vcpu_papr_encode(seen, a);
	vcpu_papr_encode(&back, b);
	return memcmp(a, b, sizeof(a)) ? -EILSEQ : 0;
}
