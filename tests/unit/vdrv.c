/* A virtio driver for unit tests (tests/unit/vdrv.h). */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_ring.h>

#include "io/le.h"
#include "io/loop.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define PCI_CAP_ID_VNDR	0x09
#define RING_BYTES	0x10000

/* --- the device --------------------------------------------------------- */

uint32_t vdrv_cfg(struct vdrv *v, unsigned off, unsigned len)
{
	uint32_t val;

	assert_true(pci_cfg_read(&v->d->pci, off, len, &val));
	return val;
}

/* Walk the capability list: every virtio one in BAR 0, its length as
 * the spec has it. */
static void find_caps(struct vdrv *v)
{
	unsigned p = vdrv_cfg(v, 0x34, 1);

	for (int hops = 0; p && hops < 48; hops++, p = vdrv_cfg(v, p + 1, 1)) {
		unsigned type = vdrv_cfg(v, p + 3, 1);

		if (vdrv_cfg(v, p, 1) != PCI_CAP_ID_VNDR)
			continue;
		assert_true(type >= VIRTIO_PCI_CAP_COMMON_CFG &&
			    type <= VIRTIO_PCI_CAP_DEVICE_CFG);
		assert_int_equal(vdrv_cfg(v, p + 4, 1), 0);	/* BAR 0 */
		assert_int_equal(vdrv_cfg(v, p + 2, 1),
				 type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16);
		v->off[type] = vdrv_cfg(v, p + 8, 4);
		v->len[type] = vdrv_cfg(v, p + 12, 4);
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
			v->mult = vdrv_cfg(v, p + 16, 4);
	}
	assert_true(v->len[VIRTIO_PCI_CAP_COMMON_CFG] != 0);
	assert_true(v->mult != 0);
}

void vdrv_attach(struct vdrv *v, struct machine *m, struct virtio_dev *d)
{
	memset(v, 0, sizeof(*v));
	v->m = m;
	v->d = d;
	v->heap = VDRV_HEAP;
	find_caps(v);
}

void vdrv_start(struct vdrv *v, bool looped, vdrv_create_fn *create, void *arg)
{
	struct machine *m = unit_machine(1);

	if (looped)
		assert_int_equal(loop_init(&m->io.loop, 64), 0);
	assert_int_equal(create(m, arg), 0);
	assert_int_equal(m->io.phb.nfunc, 1);
	vdrv_attach(v, m, m->io.phb.func[0]->priv);
	assert_true(pci_cfg_write(&v->d->pci, 4, 2, 0x6)); /* memory, master */
	v->looped = looped;
	if (looped)
		assert_int_equal(loop_start(m->io.loop), 0);
}

void vdrv_dev_free(struct virtio_dev *d)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		if (d->kick[q].fd >= 0)
			close(d->kick[q].fd);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void vdrv_stop(struct vdrv *v)
{
	loop_free(v->m->io.loop);		/* stops its thread first */
	v->m->io.loop = NULL;
	v->looped = false;
	free(v->d->priv);
	vdrv_dev_free(v->d);
	unit_machine_free(v->m);
	v->d = NULL;
	v->m = NULL;
}

/* --- registers ------------------------------------------------------- */

uint64_t vdrv_rd(struct vdrv *v, uint32_t off, unsigned len)
{
	uint8_t b[8];

	pci_bar_read(&v->d->pci, 0, off, b, len);
	return le_load(b, len);
}

void vdrv_wr(struct vdrv *v, uint32_t off, unsigned len, uint64_t val)
{
	uint8_t b[8];

	le_store(b, len, val);
	pci_bar_write(&v->d->pci, 0, off, b, len);
}

uint64_t vdrv_config(struct vdrv *v, uint32_t off, unsigned len)
{
	assert_true(off + len <= v->len[VIRTIO_PCI_CAP_DEVICE_CFG]);
	return vdrv_rd(v, v->off[VIRTIO_PCI_CAP_DEVICE_CFG] + off, len);
}

uint8_t vdrv_status(struct vdrv *v)
{
	return (uint8_t)VDRV_CRD(v, STATUS, 1);
}

uint64_t vdrv_device_features(struct vdrv *v)
{
	uint64_t f;

	VDRV_CWR(v, DFSELECT, 4, 0);
	f = VDRV_CRD(v, DF, 4);
	VDRV_CWR(v, DFSELECT, 4, 1);
	return f | VDRV_CRD(v, DF, 4) << 32;
}

uint8_t vdrv_negotiate(struct vdrv *v, uint64_t features)
{
	VDRV_CWR(v, STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	VDRV_CWR(v, STATUS, 1,
		 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	VDRV_CWR(v, GFSELECT, 4, 0);
	VDRV_CWR(v, GF, 4, (uint32_t)features);
	VDRV_CWR(v, GFSELECT, 4, 1);
	VDRV_CWR(v, GF, 4, (uint32_t)(features >> 32));
	VDRV_CWR(v, STATUS, 1,
		 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			 VIRTIO_STATUS_FEATURES_OK);
	return vdrv_status(v);
}

void vdrv_queue_addr(struct vdrv *v, uint16_t q, uint64_t desc, uint64_t avail,
		     uint64_t used)
{
	VDRV_CWR(v, Q_SELECT, 2, q);
	VDRV_CWR(v, Q_DESCLO, 4, (uint32_t)desc);
	VDRV_CWR(v, Q_DESCHI, 4, (uint32_t)(desc >> 32));
	VDRV_CWR(v, Q_AVAILLO, 4, (uint32_t)avail);
	VDRV_CWR(v, Q_AVAILHI, 4, (uint32_t)(avail >> 32));
	VDRV_CWR(v, Q_USEDLO, 4, (uint32_t)used);
	VDRV_CWR(v, Q_USEDHI, 4, (uint32_t)(used >> 32));
}

void vdrv_queue_up(struct vdrv *v, uint16_t q)
{
	uint16_t size;

	vdrv_queue_addr(v, q, VDRV_DESC(q), VDRV_AVAIL(q), VDRV_USED(q));
	VDRV_CWR(v, Q_ENABLE, 2, 1);
	assert_int_equal(VDRV_CRD(v, Q_ENABLE, 2), 1);
	size = (uint16_t)VDRV_CRD(v, Q_SIZE, 2);
	v->q[q] = (struct vdrv_queue){ .size = size };
}

void vdrv_up(struct vdrv *v, uint64_t features, unsigned nq)
{
	if (vdrv_status(v))
		VDRV_CWR(v, STATUS, 1, 0);
	assert_true(nq <= VIRTIO_MAX_QUEUES);
	memset(vdrv_ptr(v, VDRV_RING(0), RING_BYTES * nq), 0, RING_BYTES * nq);
	assert_true(vdrv_negotiate(v, features) & VIRTIO_STATUS_FEATURES_OK);
	for (uint16_t q = 0; q < nq; q++) {
		VDRV_CWR(v, Q_SELECT, 2, q);
		if (v->qsize)
			VDRV_CWR(v, Q_SIZE, 2, v->qsize);
		vdrv_queue_up(v, q);
	}
	VDRV_CWR(v, STATUS, 1, vdrv_status(v) | VIRTIO_STATUS_DRIVER_OK);
	assert_true(virtio_running(v->d));
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

bool vdrv_wait(struct vdrv *v, vdrv_ready_fn *ready, const void *arg)
{
	uint64_t end = now_ms() + VDRV_WAIT_MS;

	while (!ready(v, arg)) {
		if (!v->looped || now_ms() >= end)
			return false;
		usleep(200);
	}
	return true;
}

static bool status_has(struct vdrv *v, const void *bits)
{
	uint8_t b = *(const uint8_t *)bits;

	return (vdrv_status(v) & b) == b;
}

bool vdrv_wait_status(struct vdrv *v, uint8_t bits)
{
	return vdrv_wait(v, status_has, &bits);
}

/* A call on the loop thread, and its end. */
struct loop_sync {
	loop_fn *fn;
	void *arg;
	bool done;
};

static void sync_run(void *arg, int res)
{
	struct loop_sync *s = arg;

	if (s->fn)
		s->fn(s->arg, res);
	__atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
}

static bool sync_done(struct vdrv *v, const void *arg)
{
	const struct loop_sync *s = arg;

	(void)v;
	return __atomic_load_n(&s->done, __ATOMIC_ACQUIRE);
}

void vdrv_loop_call(struct vdrv *v, loop_fn *fn, void *arg)
{
	struct loop_sync s = { .fn = fn, .arg = arg };

	assert_true(v->looped);
	assert_int_equal(loop_call(v->m->io.loop, sync_run, &s), 0);
	assert_true(vdrv_wait(v, sync_done, &s));
}

/* --- rings and buffers --------------------------------------------------- */

uint8_t *vdrv_ptr(struct vdrv *v, uint64_t gpa, uint64_t len)
{
	uint8_t *p = gmem_ptr(&v->m->vm.mem, gpa, len);

	assert_non_null(p);
	return p;
}

uint64_t vdrv_alloc(struct vdrv *v, uint64_t len)
{
	uint64_t a;

	assert_true(len <= UNIT_RAM - VDRV_HEAP);
	if (v->heap + len > UNIT_RAM)
		v->heap = VDRV_HEAP;
	a = v->heap;
	v->heap = (a + len + 0xfff) & ~0xfffull;
	return a;
}

void vdrv_desc(struct vdrv *v, uint64_t table, uint16_t i, uint64_t addr,
	       uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = vdrv_ptr(v, table + 16ull * i, 16);

	le64_store(p, addr);
	le32_store(p + 8, len);
	le16_store(p + 12, flags);
	le16_store(p + 14, next);
}

/* A 16-bit ring index, read or published as a driver on another CPU
 * would. */
static uint16_t *ring_idx(struct vdrv *v, uint64_t gpa)
{
	return (uint16_t *)(void *)vdrv_ptr(v, gpa, 2);
}

void vdrv_avail_add(struct vdrv *v, unsigned q, uint16_t head)
{
	uint16_t size = v->q[q].size;
	uint8_t *a = vdrv_ptr(v, VDRV_AVAIL(q), 4 + 2u * size);
	uint16_t idx = le16_load(a + 2), next;

	assert_true(size != 0);
	le16_store(a + 4 + 2 * (idx % size), head);
	le16_store(&next, (uint16_t)(idx + 1));
	__atomic_store_n(ring_idx(v, VDRV_AVAIL(q) + 2), next,
			 __ATOMIC_RELEASE);
}

/* Buffer @s, in guest RAM with its contents. */
static void seg_place(struct vdrv *v, struct vdrv_seg *s)
{
	uint8_t *p;

	if (!s->addr)
		s->addr = vdrv_alloc(v, s->len);
	p = gmem_ptr(&v->m->vm.mem, s->addr, s->len);
	if (!p)
		return;		/* hostile: outside RAM */
	if (s->data)
		memcpy(p, s->data, s->len);
	else
		memset(p, VDRV_POISON, s->len);
}

uint16_t vdrv_post(struct vdrv *v, unsigned q, struct vdrv_seg *s, unsigned n,
		   unsigned flags)
{
	struct vdrv_queue *vq = &v->q[q];
	bool ind = flags & VDRV_INDIRECT;
	unsigned entries = ind ? n : vq->size;	/* of the table used */
	uint64_t table = ind ? vdrv_alloc(v, 16ull * n) : VDRV_DESC(q);
	uint16_t head = vq->next_desc, first = ind ? 0 : head, i = first;

	assert_true(n > 0 && vq->size != 0 && n <= entries);
	for (unsigned k = 0; k < n; k++) {
		bool last = k + 1 == n;
		uint16_t next = last ? first : (uint16_t)((i + 1) % entries);
		uint16_t f = s[k].writable ? VRING_DESC_F_WRITE : 0;

		if (!last || (flags & VDRV_LOOP))
			f |= VRING_DESC_F_NEXT;
		seg_place(v, &s[k]);
		vdrv_desc(v, table, i, s[k].addr, s[k].len, f, next);
		i = next;
	}
	if (ind)
		vdrv_desc(v, VDRV_DESC(q), head, table, 16 * n,
			  VRING_DESC_F_INDIRECT, 0);
	vq->next_desc = (uint16_t)((head + (ind ? 1 : n)) % vq->size);
	vdrv_avail_add(v, q, head);
	return head;
}

void vdrv_run_kicks(struct vdrv *v)
{
	for (unsigned q = 0; q < v->d->ops->nqueues; q++) {
		uint64_t n;

		if (read(v->d->kick[q].fd, &n, sizeof(n)) == sizeof(n) &&
		    virtio_running(v->d))
			v->d->ops->notify(v->d, q);
	}
}

void vdrv_kick(struct vdrv *v, unsigned q)
{
	vdrv_wr(v, v->off[VIRTIO_PCI_CAP_NOTIFY_CFG] + v->mult * q, 2, q);
	if (!v->looped)
		vdrv_run_kicks(v);
}

uint16_t vdrv_used_idx(struct vdrv *v, unsigned q)
{
	uint16_t idx = __atomic_load_n(ring_idx(v, VDRV_USED(q) + 2),
				       __ATOMIC_ACQUIRE);

	return le16_load(&idx);
}

static bool used_ready(struct vdrv *v, const void *q)
{
	unsigned n = *(const unsigned *)q;

	return vdrv_used_idx(v, n) != v->q[n].used_seen;
}

bool vdrv_used(struct vdrv *v, unsigned q, uint16_t *id, uint32_t *len)
{
	struct vdrv_queue *vq = &v->q[q];
	uint8_t *e;

	if (!vdrv_wait(v, used_ready, &q))
		return false;
	e = vdrv_ptr(v, VDRV_USED(q) + 4 + 8u * (vq->used_seen++ % vq->size),
		     8);
	*id = (uint16_t)le32_load(e);
	*len = le32_load(e + 4);
	return true;
}

uint32_t vdrv_call(struct vdrv *v, unsigned q, struct vdrv_seg *s, unsigned n,
		   unsigned flags)
{
	uint16_t head = vdrv_post(v, q, s, n, flags), id;
	uint32_t len;

	vdrv_kick(v, q);
	assert_true(vdrv_used(v, q, &id, &len));
	assert_int_equal(id, head);
	return len;
}
