#include "migrate/vcpu_state.h"
#include "cpu/be.h"

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
		return -1;
#define GET(f) s->f = be64_load(buf + off); off += 8;
	VCPU_PAPR_FIELDS(GET)
#undef GET
	return 0;
}
