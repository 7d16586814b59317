/* The machine's sections: which part writes which, and the order a
 * restore checks and loads them in. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hv.h"
#include "cpu/vm.h"
#include "hpt/mmu.h"
#include "io/phb.h"
#include "io/virtio.h"
#include "migrate/dev_state.h"
#include "migrate/hpt_stream.h"
#include "migrate/htab.h"
#include "migrate/state.h"
#include "migrate/vcpu_state.h"
#include "migrate/xive_state.h"
#include "papr/papr.h"

/* The VM-wide section: the LPCR choices of H_SET_MODE, the process
 * table the guest registered (radix, or hash with ISA 3.00), the RTC,
 * where RTAS lives. */
struct machine_saved {
	uint64_t lpcr_ile, lpcr_ail;
	uint64_t pate1, cfg_flags;
	int64_t rtc_offset;
	uint64_t rtas_base, rtas_size;
};

/* The PAPR platform's guest-visible state: events not read yet, the
 * control console's exit status, NVRAM. */
struct papr_saved {
	uint32_t nevents, last_id;
	struct rtas_event ev[EVENTS_MAX];
	int32_t exit_status;
	uint8_t nvram[NVRAM_SIZE];
};

struct snap_state {
	struct machine_saved machine;
	struct vcpu_saved vcpu[CONFIG_MAX_CPUS];
	struct xics_state xics; /* the one of the two the guest has */
	struct xive_state xive;
	struct dev_saved dev[PHB_SLOTS];
	struct papr_saved papr;
	struct tce_state tce;
	const uint8_t *hpt; /* the HPT stream, in the file */
	size_t hpt_len;
};

void snap_config_of(const struct snap_parts *p, struct snap_config *c)
{
	memset(c, 0, sizeof(*c));
	c->ram_size = p->vm->mem.size;
	c->mmu_mode = p->mmu->mode;
	c->hpt_order = p->mmu->mode == MMU_HASH ? p->mmu->hpt_order : 0;
	c->ncpus = (uint32_t)p->vm->ncpus;
	c->threads = (uint32_t)p->vm->threads_per_core;
	c->flags = (p->phb->iommu ? SNAP_CFG_IOMMU : 0) |
		   (p->vm->irqchip == IRQCHIP_XIVE ? SNAP_CFG_XIVE : 0);
	for (unsigned i = 0; i < PHB_SLOTS && c->ndev < SNAP_MAX_DEVICES; i++) {
		struct virtio_dev *d = virtio_of(p->phb->func[i]);

		if (!d)
			continue;
		c->dev[c->ndev].device_id = d->ops->device_id;
		c->dev[c->ndev].nqueues = d->ops->nqueues;
		c->ndev++;
	}
}

unsigned snapshot_inflight(const struct snap_parts *p)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PHB_SLOTS; i++) {
		struct virtio_dev *d = virtio_of(p->phb->func[i]);

		if (d)
			n += virtio_inflight(d);
	}
	return n;
}

/* --- saving -------------------------------------------------------------- */

/* The biggest fixed section (a vCPU's, a device's, PAPR's NVRAM) fits. */
#define SECTION_BUF (NVRAM_SIZE + 16384)

static int put(struct snap_writer *w, uint32_t type, uint32_t inst,
	       struct snap_out *o)
{
	if (o->overflow)
		return w->err = -EOVERFLOW;
	snap_write_section(w, type, inst, o->p, o->len);
	o->len = 0;
	return w->err;
}

static void machine_encode(const struct snap_parts *p, struct snap_out *o)
{
	snap_put_u64(o, p->vm->lpcr_ile);
	snap_put_u64(o, p->vm->lpcr_ail);
	snap_put_u64(o, p->mmu->pate1);
	snap_put_u64(o, p->mmu->cfg_flags);
	snap_put_u64(o, (uint64_t)atomic_load(&p->papr->rtas.rtc_offset));
	snap_put_u64(o, p->papr->rtas.base);
	snap_put_u64(o, p->papr->rtas.size);
}

static void papr_encode(struct papr *papr, struct snap_out *o)
{
	struct events *e = &papr->events;

	pthread_mutex_lock(&e->lock);
	snap_put_u32(o, e->count);
	snap_put_u32(o, e->last_id);
	for (unsigned i = 0; i < e->count && i < EVENTS_MAX; i++) {
		snap_put_u8(o, e->q[i].kind);
		snap_put_u32(o, e->q[i].id);
		snap_put_u64(o, (uint64_t)e->q[i].time);
	}
	pthread_mutex_unlock(&e->lock);
	snap_put_u32(o, (uint32_t)atomic_load(&papr->con.exit_status));
	snap_put_bytes(o, papr->nvram.bytes, NVRAM_SIZE);
}

static void xics_encode(const struct xics_state *x, int ncpus,
			struct snap_out *o)
{
	for (int i = 0; i < ncpus; i++)
		snap_put_u64(o, x->icp[i]);
	for (int i = 0; i < HV_XICS_SOURCES; i++)
		snap_put_u64(o, x->src[i]);
}

/* The XIVE (frozen by now, hv_xive_freeze) or the XICS. */
static int write_irqchip(const struct snap_parts *p, struct snap_writer *w,
			 struct snap_out *o, char *why, size_t wlen)
{
	struct xics_state *x = NULL;
	struct xive_state *v = NULL;
	int err;

	if (p->vm->irqchip == IRQCHIP_XIVE) {
		v = malloc(sizeof(*v));
		err = v ? xive_save(p->vm, &p->papr->xive, v) : -ENOMEM;
		if (err)
			snprintf(why, wlen, "cannot read the XIVE: %s",
				 strerror(-err));
		else
			xive_state_encode(v, p->vm->ncpus, o);
	} else {
		x = malloc(sizeof(*x));
		err = x ? hv_xics_get(p->vm, x) : -ENOMEM;
		if (err)
			snprintf(why, wlen, "cannot read the XICS: %s",
				 strerror(-err));
		else
			xics_encode(x, p->vm->ncpus, o);
	}
	if (!err)
		err = put(w, v ? SNAP_SEC_XIVE : SNAP_SEC_XICS, 0, o);
	free(x);
	free(v);
	return err;
}

static int write_vcpus(const struct snap_parts *p, struct snap_writer *w,
		       struct snap_out *o, char *why, size_t wlen)
{
	struct vcpu_saved *s = malloc(sizeof(*s));
	int err = s ? 0 : -ENOMEM;

	for (int i = 0; !err && i < p->vm->ncpus; i++) {
		err = vcpu_save(p->vm, &p->vm->cpu[i], s);
		if (err) {
			snprintf(why, wlen, "cannot read vCPU %d: %s", i,
				 strerror(-err));
			break;
		}
		vcpu_saved_encode(s, o);
		err = put(w, SNAP_SEC_VCPU, (uint32_t)i, o);
	}
	free(s);
	return err ? err : write_irqchip(p, w, o, why, wlen);
}

static int write_hpt(const struct snap_parts *p, struct snap_writer *w,
		     char *why, size_t wlen)
{
	uint8_t *stream = NULL;
	size_t len = 0;
	int err;

	if (p->mmu->mode != MMU_HASH)
		return 0;
	err = htab_save(p->vm, p->mmu->hpt_order, &stream, &len);
	if (err) {
		snprintf(why, wlen, "cannot read the HPT: %s", strerror(-err));
		return err;
	}
	err = snap_write_section(w, SNAP_SEC_HPT, 0, stream, len);
	free(stream);
	return err;
}

/* The DMA windows: each window's shape, then its mapped entries. */
static int write_phb(const struct snap_parts *p, struct snap_writer *w,
		     char *why, size_t wlen)
{
	struct tce_state st;
	struct snap_out o = {NULL, 0, 0, false};
	size_t cap = 8;
	int err = tce_get_state(&p->phb->dma, &st);

	if (err) {
		snprintf(why, wlen, "cannot read the DMA windows: %s",
			 strerror(-err));
		return err;
	}
	for (int i = 0; i < TCE_WINDOWS; i++)
		cap += 36 + 16 * (size_t)st.win[i].nent;
	o.p = malloc(cap);
	o.cap = o.p ? cap : 0;
	for (int i = 0; i < TCE_WINDOWS; i++) {
		const struct tce_win_state *ws = &st.win[i];

		snap_put_u32(&o, ws->liobn);
		snap_put_u32(&o, ws->shift);
		snap_put_u64(&o, ws->bus);
		snap_put_u64(&o, ws->n);
		snap_put_u64(&o, ws->nent);
		for (uint64_t k = 0; k < ws->nent; k++) {
			snap_put_u64(&o, ws->idx[k]);
			snap_put_u64(&o, ws->tce[k]);
		}
	}
	err = o.p ? put(w, SNAP_SEC_PHB, 0, &o) : -ENOMEM;
	free(o.p);
	tce_state_free(&st);
	return err;
}

static int write_devices(const struct snap_parts *p, struct snap_writer *w,
			 struct snap_out *o)
{
	struct dev_saved *s = malloc(sizeof(*s));
	int err = s ? 0 : -ENOMEM;

	for (unsigned i = 0; !err && i < PHB_SLOTS; i++) {
		struct virtio_dev *d = virtio_of(p->phb->func[i]);

		if (!d)
			continue;
		dev_save(d, s);
		dev_saved_encode(s, o);
		err = put(w, SNAP_SEC_DEVICE, i, o);
	}
	free(s);
	return err;
}

int snapshot_freeze(const struct snap_parts *p, char *why, size_t wlen)
{
	int err;

	if (p->vm->irqchip != IRQCHIP_XIVE)
		return 0;
	err = hv_xive_freeze(p->vm);
	if (err)
		snprintf(why, wlen, "cannot freeze the XIVE: %s",
			 strerror(-err));
	return err;
}

/* @ram: guest RAM after the sections (a file); @hpt: the HPT section
 * (a live migration sends the HPT in passes before). */
static int write_state(const struct snap_parts *p, int fd, bool ram, bool hpt,
		       char *why, size_t wlen)
{
	struct snap_config cfg;
	struct snap_writer w;
	struct snap_out o = {malloc(SECTION_BUF), SECTION_BUF, 0, false};
	int err;

	why[0] = '\0';
	if (!o.p)
		return -ENOMEM;
	snap_config_of(p, &cfg);
	snap_writer_init(&w, fd);
	snap_write_header(&w, &cfg);
	machine_encode(p, &o);
	err = put(&w, SNAP_SEC_MACHINE, 0, &o);
	if (!err)
		err = write_vcpus(p, &w, &o, why, wlen);
	if (!err && hpt)
		err = write_hpt(p, &w, why, wlen);
	if (!err)
		err = write_phb(p, &w, why, wlen);
	if (!err)
		err = write_devices(p, &w, &o);
	if (!err) {
		papr_encode(p->papr, &o);
		err = put(&w, SNAP_SEC_PAPR, 0, &o);
	}
	if (!err)
		err = ram ? snap_write_ram_end(&w, p->vm->mem.host,
					       p->vm->mem.size)
			  : snap_write_end(&w);
	free(o.p);
	if (err && !why[0])
		snprintf(why, wlen, "cannot write it: %s", strerror(-err));
	return err;
}

int snapshot_write(const struct snap_parts *p, int fd, bool ram, char *why,
		   size_t wlen)
{
	return write_state(p, fd, ram, true, why, wlen);
}

int snapshot_write_live(const struct snap_parts *p, int fd, char *why,
			size_t wlen)
{
	return write_state(p, fd, false, false, why, wlen);
}

/* --- loading ------------------------------------------------------------- */

static const struct snap_sec *need(const struct snap_file *f, uint32_t type,
				   uint32_t inst, const char *what, char *why,
				   size_t wlen)
{
	const struct snap_sec *s = snap_find(f, type, inst);

	if (!s)
		snap_fail(-EINVAL, why, wlen, "no %s section", what);
	return s;
}

static int machine_decode(const struct snap_sec *sec, struct machine_saved *m)
{
	struct snap_in in = snap_in_of(sec);

	m->lpcr_ile = snap_get_u64(&in);
	m->lpcr_ail = snap_get_u64(&in);
	m->pate1 = snap_get_u64(&in);
	m->cfg_flags = snap_get_u64(&in);
	m->rtc_offset = (int64_t)snap_get_u64(&in);
	m->rtas_base = snap_get_u64(&in);
	m->rtas_size = snap_get_u64(&in);
	if (!snap_in_done(&in) || m->lpcr_ile > 1 || m->lpcr_ail > 3 ||
	    m->cfg_flags & ~(uint64_t)(MMU_CFG_RADIX | MMU_CFG_GTSE))
		return -EINVAL;
	return 0;
}

static int papr_decode(const struct snap_sec *sec, struct papr_saved *s)
{
	struct snap_in in = snap_in_of(sec);

	s->nevents = snap_get_u32(&in);
	s->last_id = snap_get_u32(&in);
	if (s->nevents > EVENTS_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < s->nevents; i++) {
		s->ev[i].kind = snap_get_u8(&in);
		s->ev[i].id = snap_get_u32(&in);
		s->ev[i].time = (int64_t)snap_get_u64(&in);
		if (s->ev[i].kind >= EVENT_KINDS)
			return -EINVAL;
	}
	s->exit_status = (int32_t)snap_get_u32(&in);
	if (s->exit_status < -1 || s->exit_status > 255)
		return -EINVAL;
	snap_get_bytes(&in, s->nvram, NVRAM_SIZE);
	return snap_in_done(&in) ? 0 : -EINVAL;
}

static int phb_decode(const struct snap_sec *sec, struct tce_state *st)
{
	struct snap_in in = snap_in_of(sec);

	for (int i = 0; i < TCE_WINDOWS; i++) {
		struct tce_win_state *ws = &st->win[i];

		ws->liobn = snap_get_u32(&in);
		ws->shift = snap_get_u32(&in);
		ws->bus = snap_get_u64(&in);
		ws->n = snap_get_u64(&in);
		ws->nent = snap_get_u64(&in);
		/* Each entry takes 16 bytes: no more than are there. */
		if (in.bad || ws->nent > (in.len - in.off) / 16)
			return -EINVAL;
		if (!ws->nent)
			continue;
		ws->idx = malloc(ws->nent * sizeof(uint64_t));
		ws->tce = malloc(ws->nent * sizeof(uint64_t));
		if (!ws->idx || !ws->tce)
			return -ENOMEM;
		for (uint64_t k = 0; k < ws->nent; k++) {
			ws->idx[k] = snap_get_u64(&in);
			ws->tce[k] = snap_get_u64(&in);
		}
	}
	return snap_in_done(&in) ? 0 : -EINVAL;
}

static int xics_decode(const struct snap_sec *sec, int ncpus,
		       struct xics_state *x)
{
	struct snap_in in = snap_in_of(sec);

	memset(x, 0, sizeof(*x));
	for (int i = 0; i < ncpus; i++)
		x->icp[i] = snap_get_u64(&in);
	for (int i = 0; i < HV_XICS_SOURCES; i++)
		x->src[i] = snap_get_u64(&in);
	return snap_in_done(&in) ? 0 : -EINVAL;
}

static int check_hpt(const struct snap_parts *p, const struct snap_file *f,
		     bool live, struct snap_state *s, char *why, size_t wlen)
{
	const struct snap_sec *sec = snap_find(f, SNAP_SEC_HPT, 0);
	uint32_t order = 0;
	int err;

	if (live)
		return sec ? snap_fail(-EINVAL, why, wlen,
				       "an HPT in a live state")
			   : 0;
	if (p->mmu->mode != MMU_HASH)
		return sec ? snap_fail(-EINVAL, why, wlen,
				       "an HPT in a radix snapshot")
			   : 0;
	if (!sec)
		return snap_fail(-EINVAL, why, wlen,
				 "no HPT section in a hash snapshot");
	err = hpt_stream_load(sec->payload, (size_t)sec->len, &order,
			      hpt_stream_check_only, NULL);
	if (err)
		return snap_fail(-EINVAL, why, wlen, "HPT stream: %s",
				 hpt_stream_strerror(err));
	if (order != p->mmu->hpt_order)
		return snap_fail(-EINVAL, why, wlen,
				 "HPT stream of 2^%u bytes, the guest's "
				 "is 2^%u",
				 order, p->mmu->hpt_order);
	s->hpt = sec->payload;
	s->hpt_len = (size_t)sec->len;
	return 0;
}

static int check_devices(const struct snap_parts *p, const struct snap_file *f,
			 struct snap_state *s, char *why, size_t wlen)
{
	for (unsigned i = 0; i < PHB_SLOTS; i++) {
		struct virtio_dev *d = virtio_of(p->phb->func[i]);
		const struct snap_sec *sec;

		if (!d) {
			if (snap_find(f, SNAP_SEC_DEVICE, i))
				return snap_fail(-EINVAL, why, wlen,
						 "a device in slot %u, "
						 "where this guest has none",
						 i);
			continue;
		}
		sec = need(f, SNAP_SEC_DEVICE, i, "device", why, wlen);
		if (!sec)
			return -EINVAL;
		if (dev_saved_decode(sec, &s->dev[i]) ||
		    dev_check(d, &s->dev[i]))
			return snap_fail(-EINVAL, why, wlen,
					 "device in slot %u (%s): state "
					 "out of range or not this device's",
					 i, d->pci.name);
	}
	return 0;
}

/* Sections this machine would not write are foreign. */
static int check_extra(const struct snap_parts *p, const struct snap_file *f,
		       char *why, size_t wlen)
{
	for (uint32_t i = 0; i < f->nsec; i++) {
		const struct snap_sec *s = &f->sec[i];
		bool single =
			s->type == SNAP_SEC_MACHINE ||
			s->type == SNAP_SEC_XICS || s->type == SNAP_SEC_HPT ||
			s->type == SNAP_SEC_RAM || s->type == SNAP_SEC_PAPR ||
			s->type == SNAP_SEC_XIVE;

		if ((single && s->instance) ||
		    (s->type == SNAP_SEC_VCPU &&
		     s->instance >= (uint32_t)p->vm->ncpus) ||
		    (s->type == SNAP_SEC_DEVICE && s->instance >= PHB_SLOTS) ||
		    (s->type == SNAP_SEC_PHB && s->instance))
			return snap_fail(-EINVAL, why, wlen,
					 "section %u instance %u is not "
					 "one this machine has",
					 s->type, s->instance);
	}
	return 0;
}

/* The section of the guest's interrupt controller, and not the other's
 * (the configuration flag said which). */
static int check_irqchip(const struct snap_parts *p, const struct snap_file *f,
			 struct snap_state *s, char *why, size_t wlen)
{
	const struct snap_sec *sec;
	char what[120];

	if (p->vm->irqchip != IRQCHIP_XIVE) {
		if (snap_find(f, SNAP_SEC_XIVE, 0))
			return snap_fail(-EINVAL, why, wlen,
					 "a XIVE section for a XICS guest");
		if (!(sec = need(f, SNAP_SEC_XICS, 0, "XICS", why, wlen)))
			return -EINVAL;
		if (xics_decode(sec, p->vm->ncpus, &s->xics))
			return snap_fail(-EINVAL, why, wlen,
					 "XICS section of the wrong size");
		return 0;
	}
	if (snap_find(f, SNAP_SEC_XICS, 0))
		return snap_fail(-EINVAL, why, wlen,
				 "a XICS section for a XIVE guest");
	if (!(sec = need(f, SNAP_SEC_XIVE, 0, "XIVE", why, wlen)))
		return -EINVAL;
	if (xive_state_decode(sec, p->vm->ncpus, &s->xive))
		return snap_fail(-EINVAL, why, wlen,
				 "XIVE section of the wrong size");
	if (xive_state_check(p->vm, &s->xive, what, sizeof(what)))
		return snap_fail(-EINVAL, why, wlen, "XIVE section: %s", what);
	return 0;
}

static int check_all(const struct snap_parts *p, const struct snap_file *f,
		     bool live, struct snap_state *s, char *why, size_t wlen)
{
	struct snap_config want;
	const struct snap_sec *sec;
	int err;

	snap_config_of(p, &want);
	err = snap_config_match(&f->cfg, &want, why, wlen);
	if (!err)
		err = check_extra(p, f, why, wlen);
	if (err)
		return err;
	if (!(sec = need(f, SNAP_SEC_MACHINE, 0, "machine", why, wlen)))
		return -EINVAL;
	if (machine_decode(sec, &s->machine))
		return snap_fail(-EINVAL, why, wlen,
				 "machine section out of range");
	for (int i = 0; i < p->vm->ncpus; i++) {
		if (!(sec = need(f, SNAP_SEC_VCPU, (uint32_t)i, "vCPU", why,
				 wlen)))
			return -EINVAL;
		if (vcpu_saved_decode(sec, &s->vcpu[i]))
			return snap_fail(-EINVAL, why, wlen,
					 "vCPU %d: state out of range or "
					 "registers this host does not have",
					 i);
	}
	if ((err = check_irqchip(p, f, s, why, wlen)) < 0)
		return err;
	if (!(sec = need(f, SNAP_SEC_PAPR, 0, "PAPR", why, wlen)))
		return -EINVAL;
	if (papr_decode(sec, &s->papr))
		return snap_fail(-EINVAL, why, wlen,
				 "PAPR section out of range");
	if (!(sec = need(f, SNAP_SEC_PHB, 0, "PHB", why, wlen)))
		return -EINVAL;
	if (phb_decode(sec, &s->tce) || tce_state_check(&p->phb->dma, &s->tce))
		return snap_fail(-EINVAL, why, wlen,
				 "DMA windows: not ones this bridge can "
				 "have, or entries outside them or RAM");
	err = check_hpt(p, f, live, s, why, wlen);
	return err ? err : check_devices(p, f, s, why, wlen);
}

static int check_state(const struct snap_parts *p, const struct snap_file *f,
		       bool live, struct snap_state **out, char *why,
		       size_t wlen)
{
	struct snap_state *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return snap_fail(-EINVAL, why, wlen, "out of memory");
	err = check_all(p, f, live, s, why, wlen);
	if (err) {
		snapshot_state_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int snapshot_check(const struct snap_parts *p, const struct snap_file *f,
		   struct snap_state **out, char *why, size_t wlen)
{
	return check_state(p, f, false, out, why, wlen);
}

int snapshot_check_live(const struct snap_parts *p, const struct snap_file *f,
			struct snap_state **out, char *why, size_t wlen)
{
	return check_state(p, f, true, out, why, wlen);
}

static void papr_load(struct papr *papr, const struct papr_saved *s)
{
	struct events *e = &papr->events;

	pthread_mutex_lock(&e->lock);
	e->count = s->nevents;
	memcpy(e->q, s->ev, sizeof(e->q));
	e->last_id = s->last_id;
	pthread_mutex_unlock(&e->lock);
	atomic_store(&papr->con.exit_status, s->exit_status);
	memcpy(papr->nvram.bytes, s->nvram, NVRAM_SIZE);
}

/* A load the backend refused: @what and why, -errno. */
static int refused(char *why, size_t wlen, const char *what, int err)
{
	snprintf(why, wlen, "cannot load %s: %s", what, strerror(-err));
	return err;
}

int snapshot_apply(const struct snap_parts *p, const struct snap_state *s,
		   char *why, size_t wlen)
{
	const struct machine_saved *m = &s->machine;
	int err;

	p->vm->lpcr_ile = m->lpcr_ile;
	p->vm->lpcr_ail = m->lpcr_ail;
	p->mmu->pate1 = m->pate1;
	p->mmu->cfg_flags = m->cfg_flags;
	atomic_store(&p->papr->rtas.rtc_offset, m->rtc_offset);
	p->papr->rtas.base = m->rtas_base;
	p->papr->rtas.size = m->rtas_size;
	if (m->pate1 &&
	    (err = hv_configure_mmu(p->vm, m->cfg_flags, m->pate1)) < 0)
		return refused(why, wlen, "the process table", err);
	if (s->hpt && (err = htab_load(p->vm, s->hpt, s->hpt_len)) < 0)
		return refused(why, wlen, "the HPT", err);
	for (int i = 0; i < p->vm->ncpus; i++) {
		err = vcpu_load(p->vm, &p->vm->cpu[i], &s->vcpu[i]);
		if (err < 0) {
			snprintf(why, wlen, "cannot load vCPU %d: %s", i,
				 strerror(-err));
			return err;
		}
	}
	if ((err = tce_set_state(&p->phb->dma, &s->tce)) < 0)
		return refused(why, wlen, "the DMA windows", err);
	if (p->vm->irqchip == IRQCHIP_XIVE) {
		err = xive_load(p->vm, &p->papr->xive, &s->xive);
		if (err < 0)
			return refused(why, wlen, "the XIVE", err);
	} else if ((err = hv_xics_set(p->vm, &s->xics)) < 0) {
		return refused(why, wlen, "the XICS", err);
	}
	for (unsigned i = 0; i < PHB_SLOTS; i++) {
		struct virtio_dev *d = virtio_of(p->phb->func[i]);

		if (!d)
			continue;
		dev_load(d, &s->dev[i]);
		/* The XIVE section has an LSI's PQ bits, not its line (the
		 * XICS one has both): a line that was up is raised again. */
		if (p->vm->irqchip == IRQCHIP_XIVE && s->dev[i].pci.intx_line &&
		    d->pci.lsi &&
		    (err = hv_irq_set_level(p->vm, d->pci.lsi, 1)) < 0)
			return refused(why, wlen, "an INTx line", err);
	}
	papr_load(p->papr, &s->papr);
	return 0;
}

void snapshot_state_free(struct snap_state *s)
{
	if (s)
		tce_state_free(&s->tce);
	free(s);
}
