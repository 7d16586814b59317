#include <errno.h>
#include <string.h>

#include "migrate/vcpu_state.h"
#include "cpu/be.h"
#include "cpu/vm.h"
#include "migrate/snapshot.h"

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

/* --- the vCPU section ---------------------------------------------------- */

int vcpu_save(struct vm *vm, struct vcpu *v, struct vcpu_saved *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->state = (uint32_t)atomic_load(&v->state);
	s->ran = v->ran;
	err = hv_vcpu_get_cpu(vm, v, &s->cpu);
	if (!err)
		err = hv_vcpu_get_papr(vm, v, &s->papr);
	return err;
}

/* The general registers in the section's order. */
#define CPU_WORDS(X)                                                        \
	X(pc) X(msr) X(cr) X(ctr) X(lr) X(xer) X(srr0) X(srr1) X(sdr1)

void vcpu_saved_encode(const struct vcpu_saved *s, struct snap_out *o)
{
	const struct vcpu_cpu *c = &s->cpu;
	uint8_t papr[VCPU_PAPR_RECORD_SIZE];

	snap_put_u32(o, s->state);
	snap_put_u32(o, s->ran);
	for (int i = 0; i < 32; i++)
		snap_put_u64(o, c->gpr[i]);
#define PUT(f) snap_put_u64(o, c->f);
	CPU_WORDS(PUT)
#undef PUT
	for (int i = 0; i < 8; i++)
		snap_put_u64(o, c->sprg[i]);
	snap_put_u32(o, c->nslb);
	for (uint32_t i = 0; i < c->nslb && i < HV_SLB_MAX; i++) {
		snap_put_u64(o, c->slb[i].esid);
		snap_put_u64(o, c->slb[i].vsid);
	}
	snap_put_u32(o, c->nreg);
	for (uint32_t i = 0; i < c->nreg && i < HV_VCPU_MAX_REGS; i++) {
		snap_put_u64(o, c->reg[i].id);
		snap_put_u32(o, c->reg[i].len);
		snap_put_bytes(o, c->reg[i].val, c->reg[i].len);
	}
	vcpu_papr_encode(&s->papr, papr);
	snap_put_bytes(o, papr, sizeof(papr));
}

static bool reg_ok(const struct vcpu_cpu *c, uint32_t n)
{
	const struct hv_reg *r = &c->reg[n];

	if ((r->len != 4 && r->len != 8 && r->len != 16) ||
	    !hv_reg_known(r->id, r->len))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (c->reg[i].id == r->id)
			return false;
	return true;
}

int vcpu_saved_decode(const struct snap_sec *sec, struct vcpu_saved *s)
{
	struct snap_in in = snap_in_of(sec);
	struct vcpu_cpu *c = &s->cpu;
	uint8_t papr[VCPU_PAPR_RECORD_SIZE];
	uint32_t ran;

	memset(s, 0, sizeof(*s));
	s->state = snap_get_u32(&in);
	ran = snap_get_u32(&in);
	if (s->state > VCPU_RUNNING || ran > 1)
		return -EINVAL;
	s->ran = ran;
	for (int i = 0; i < 32; i++)
		c->gpr[i] = snap_get_u64(&in);
#define GET(f) c->f = snap_get_u64(&in);
	CPU_WORDS(GET)
#undef GET
	for (int i = 0; i < 8; i++)
		c->sprg[i] = snap_get_u64(&in);
	c->nslb = snap_get_u32(&in);
	if (c->nslb > HV_SLB_MAX)
		return -EINVAL;
	for (uint32_t i = 0; i < c->nslb; i++) {
		c->slb[i].esid = snap_get_u64(&in);
		c->slb[i].vsid = snap_get_u64(&in);
	}
	c->nreg = snap_get_u32(&in);
	if (c->nreg > HV_VCPU_MAX_REGS)
		return -EINVAL;
	for (uint32_t i = 0; i < c->nreg && !in.bad; i++) {
		c->reg[i].id = snap_get_u64(&in);
		c->reg[i].len = snap_get_u32(&in);
		if (!reg_ok(c, i))
			return -EINVAL;
		snap_get_bytes(&in, c->reg[i].val, c->reg[i].len);
	}
	snap_get_bytes(&in, papr, sizeof(papr));
	if (!snap_in_done(&in))
		return -EINVAL;
	return vcpu_papr_decode(&s->papr, papr, sizeof(papr));
}

/* The processor state first (LPCR, compatibility mode), then the PAPR
 * registrations, the timebase offset and the decrementer. */
int vcpu_load(struct vm *vm, struct vcpu *v, const struct vcpu_saved *s)
{
	int err = hv_vcpu_set_cpu(vm, v, &s->cpu);

	if (!err)
		err = hv_vcpu_set_papr(vm, v, &s->papr);
	if (!err) {
		v->ran = s->ran;
		atomic_store(&v->state, (int)s->state);
	}
	return err;
}
