/* A PCI function's section: the PCI state, then the virtio transport's. */
#include <errno.h>
#include <string.h>

#include "migrate/dev_state.h"
#include "migrate/snapshot.h"

void dev_save(struct virtio_dev *d, struct dev_saved *s)
{
	pci_get_state(&d->pci, &s->pci);
	virtio_get_state(d, &s->vio);
}

static void pci_encode(const struct pci_state *p, struct snap_out *o)
{
	snap_put_bytes(o, p->cfg, sizeof(p->cfg));
	snap_put_u16(o, p->nvec);
	snap_put_u16(o, p->granted);
	for (unsigned i = 0; i < p->nvec && i < PCI_MSIX_MAX; i++) {
		snap_put_u32(o, p->table[i].addr_lo);
		snap_put_u32(o, p->table[i].addr_hi);
		snap_put_u32(o, p->table[i].data);
		snap_put_u32(o, p->table[i].ctrl);
	}
	snap_put_u64(o, p->pending);
	snap_put_u8(o, p->intx_level);
	snap_put_u8(o, p->intx_line);
}

static void virtio_encode(const struct virtio_state *v, struct snap_out *o)
{
	snap_put_u16(o, v->device_id);
	snap_put_u16(o, v->nqueues);
	snap_put_u64(o, v->driver_features);
	snap_put_u32(o, v->device_feature_select);
	snap_put_u32(o, v->driver_feature_select);
	snap_put_u8(o, v->status);
	snap_put_u8(o, v->isr);
	snap_put_u8(o, v->config_generation);
	snap_put_u16(o, v->queue_select);
	snap_put_u16(o, v->config_vector);
	for (unsigned i = 0; i < v->nqueues && i < VIRTIO_MAX_QUEUES; i++) {
		const struct virtq_state *q = &v->vq[i];

		snap_put_u16(o, q->size);
		snap_put_u8(o, q->enabled);
		snap_put_u16(o, q->msix_vector);
		snap_put_u64(o, q->desc);
		snap_put_u64(o, q->avail);
		snap_put_u64(o, q->used);
		snap_put_u16(o, q->last_avail);
		snap_put_u16(o, q->used_idx);
		snap_put_u16(o, q->signalled);
		snap_put_u8(o, q->signalled_valid);
	}
}

void dev_saved_encode(const struct dev_saved *s, struct snap_out *o)
{
	pci_encode(&s->pci, o);
	virtio_encode(&s->vio, o);
}

static bool get_bool(struct snap_in *in, bool *b)
{
	uint8_t v = snap_get_u8(in);

	*b = v;
	return v <= 1;
}

static int pci_decode(struct snap_in *in, struct pci_state *p)
{
	snap_get_bytes(in, p->cfg, sizeof(p->cfg));
	p->nvec = snap_get_u16(in);
	p->granted = snap_get_u16(in);
	if (p->nvec > PCI_MSIX_MAX || p->granted > p->nvec)
		return -EINVAL;
	for (unsigned i = 0; i < p->nvec; i++) {
		p->table[i].addr_lo = snap_get_u32(in);
		p->table[i].addr_hi = snap_get_u32(in);
		p->table[i].data = snap_get_u32(in);
		p->table[i].ctrl = snap_get_u32(in);
	}
	p->pending = snap_get_u64(in);
	if (!get_bool(in, &p->intx_level) || !get_bool(in, &p->intx_line))
		return -EINVAL;
	return 0;
}

static int virtio_decode(struct snap_in *in, struct virtio_state *v)
{
	v->device_id = snap_get_u16(in);
	v->nqueues = snap_get_u16(in);
	if (v->nqueues > VIRTIO_MAX_QUEUES)
		return -EINVAL;
	v->driver_features = snap_get_u64(in);
	v->device_feature_select = snap_get_u32(in);
	v->driver_feature_select = snap_get_u32(in);
	v->status = snap_get_u8(in);
	v->isr = snap_get_u8(in);
	v->config_generation = snap_get_u8(in);
	v->queue_select = snap_get_u16(in);
	v->config_vector = snap_get_u16(in);
	for (unsigned i = 0; i < v->nqueues; i++) {
		struct virtq_state *q = &v->vq[i];

		q->size = snap_get_u16(in);
		if (!get_bool(in, &q->enabled))
			return -EINVAL;
		q->msix_vector = snap_get_u16(in);
		q->desc = snap_get_u64(in);
		q->avail = snap_get_u64(in);
		q->used = snap_get_u64(in);
		q->last_avail = snap_get_u16(in);
		q->used_idx = snap_get_u16(in);
		q->signalled = snap_get_u16(in);
		if (!get_bool(in, &q->signalled_valid))
			return -EINVAL;
	}
	return 0;
}

int dev_saved_decode(const struct snap_sec *sec, struct dev_saved *s)
{
	struct snap_in in = snap_in_of(sec);

	memset(s, 0, sizeof(*s));
	if (pci_decode(&in, &s->pci) || virtio_decode(&in, &s->vio) ||
	    !snap_in_done(&in))
		return -EINVAL;
	return 0;
}

int dev_check(struct virtio_dev *d, const struct dev_saved *s)
{
	int err = pci_state_check(&d->pci, &s->pci);

	return err ? err : virtio_state_check(d, &s->vio);
}

void dev_load(struct virtio_dev *d, const struct dev_saved *s)
{
	pci_set_state(&d->pci, &s->pci);
	virtio_set_state(d, &s->vio);
}
