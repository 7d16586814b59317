/* virtio-net driven as a driver would, with a datagram socket pair
 * standing in for the tap: each datagram is what a tap opened with
 * IFF_VNET_HDR gives or takes, a 12-byte virtio-net header and a frame.
 * The event loop thread runs the device, receive path included. */
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/virtio_net.h>

#include "io/virtio_net.h"
#include "io/le.h"
#include "io/virtio.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)		(1ull << (n))
#define FEATURES	(BIT(VIRTIO_F_VERSION_1) | \
			 BIT(VIRTIO_RING_F_INDIRECT_DESC) | \
			 BIT(VIRTIO_RING_F_EVENT_IDX) | \
			 BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS))
#define NET_HDR		12
#define FRAME		60
#define PKT		(NET_HDR + FRAME)
#define RX_ROOM		(NET_HDR + 1514)
#define RX		0
#define TX		1

static struct vdrv drv;
static int tap[2];		/* [0]: the device's, [1]: the host's */
static const uint8_t mac[6] = { 0x02, 0x70, 0x76, 0x6d, 0x00, 0x07 };

static int create(struct machine *m, void *arg)
{
	return virtio_net_create(&m->io, arg);
}

static int setup(void **state)
{
	struct net_spec spec = { .tap = "unit0" };

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0,
				    tap),
			 0);
	spec.fd = tap[0];
	memcpy(spec.mac, mac, sizeof(mac));
	vdrv_start(&drv, true, create, &spec);
	vdrv_up(&drv, FEATURES, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vdrv_stop(&drv);
	close(tap[0]);
	close(tap[1]);
	return 0;
}

/* --- packets ------------------------------------------------------------- */

/* Packet @seed: a header the device passes through (but num_buffers,
 * which the tap leaves as it was and the device fills), then a frame. */
static void pkt_make(uint8_t *p, uint8_t seed)
{
	memset(p, 0, NET_HDR);
	p[2] = seed;		/* hdr_len */
	p[10] = p[11] = 0xee;
	for (int i = NET_HDR; i < PKT; i++)
		p[i] = (uint8_t)(seed + i);
}

/* The next datagram the host got, waiting for it; -1 if none came. */
static ssize_t host_recv(void *buf, size_t len)
{
	struct pollfd p = { .fd = tap[1], .events = POLLIN };

	poll(&p, 1, VDRV_WAIT_MS);
	return recv(tap[1], buf, len, MSG_DONTWAIT);
}

/* Nothing reached the host. */
static void host_got_nothing(void)
{
	uint8_t b[16];

	assert_int_equal(recv(tap[1], b, sizeof(b), MSG_DONTWAIT), -1);
}

static void host_send(uint8_t seed)
{
	uint8_t p[PKT];

	pkt_make(p, seed);
	assert_int_equal(send(tap[1], p, sizeof(p), 0), PKT);
}

/* Send @n buffers covering packet @seed and check what the host got:
 * the frame, after an all-zero header. */
static void tx(uint8_t seed, const uint32_t *len, unsigned n, unsigned flags)
{
	uint8_t p[PKT], got[PKT + 8];
	struct vdrv_seg s[4];
	uint32_t off = 0;

	pkt_make(p, seed);
	assert_true(n <= 4);
	for (unsigned i = 0; i < n; i++) {
		s[i] = (struct vdrv_seg)VDRV_OUT(p + off, len[i]);
		off += len[i];
	}
	assert_int_equal(off, PKT);
	/* Offload fields no feature allows: the tap never sees them (before
	 * the fix they went through). */
	p[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p[1] = VIRTIO_NET_HDR_GSO_TCPV4;
	le16_store(p + 4, 1400);	/* gso_size */
	assert_int_equal(vdrv_call(&drv, TX, s, n, flags), 0);
	assert_int_equal(host_recv(got, sizeof(got)), PKT);
	memset(p, 0, NET_HDR);
	assert_memory_equal(got, p, PKT);
}

/* Post one receive chain of @n writable buffers of @len bytes each. */
static void rx_post(struct vdrv_seg *s, const uint32_t *len, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		s[i] = (struct vdrv_seg)VDRV_IN(NULL, len[i]);
	vdrv_post(&drv, RX, s, n, 0);
	vdrv_kick(&drv, RX);
}

/* The next used receive chain holds packet @seed, num_buffers 1. */
static void rx_expect(const struct vdrv_seg *s, unsigned n, uint8_t seed)
{
	uint8_t want[PKT], got[PKT];
	uint32_t len, off = 0;
	uint16_t id;

	assert_true(vdrv_used(&drv, RX, &id, &len));
	assert_int_equal(len, PKT);
	for (unsigned i = 0; i < n && off < PKT; i++) {
		uint32_t k = s[i].len < PKT - off ? s[i].len : PKT - off;

		memcpy(got + off, vdrv_ptr(&drv, s[i].addr, k), k);
		off += k;
	}
	pkt_make(want, seed);
	le16_store(want + 10, 1);
	assert_memory_equal(got, want, PKT);
}

/* --- tests ---------------------------------------------------------------- */

static void config_space(void **state)
{
	uint64_t f = vdrv_device_features(&drv);

	(void)state;
	assert_int_equal(vdrv_cfg(&drv, 2, 2), 0x1040 + VIRTIO_ID_NET);
	assert_int_equal(VDRV_CRD(&drv, NUMQ, 2), 2);
	assert_true(f & BIT(VIRTIO_NET_F_MAC));
	assert_true(f & BIT(VIRTIO_NET_F_STATUS));
	assert_false(f & (BIT(VIRTIO_NET_F_MRG_RXBUF) |
			  BIT(VIRTIO_NET_F_CSUM) |
			  BIT(VIRTIO_NET_F_GUEST_CSUM) | BIT(VIRTIO_NET_F_MQ) |
			  BIT(VIRTIO_NET_F_CTRL_VQ)));
	assert_int_equal(drv.len[VIRTIO_PCI_CAP_DEVICE_CFG], 10);
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(vdrv_config(&drv, i, 1), mac[i]);
	assert_int_equal(vdrv_config(&drv, 0, 4), le32_load(mac));
	assert_int_equal(vdrv_config(&drv, 6, 2), VIRTIO_NET_S_LINK_UP);
	assert_int_equal(vdrv_config(&drv, 8, 2), 1);
}

static void transmit(void **state)
{
	static const uint32_t one[] = { PKT };
	static const uint32_t two[] = { NET_HDR, FRAME };
	static const uint32_t three[] = { NET_HDR, 20, FRAME - 20 };

	(void)state;
	tx(1, two, 2, 0);
	tx(2, one, 1, 0);
	tx(3, three, 3, VDRV_INDIRECT);
	host_got_nothing();
	assert_true(virtio_running(drv.d));
}

static void receive(void **state)
{
	static const uint32_t one[] = { RX_ROOM };
	static const uint32_t split[] = { NET_HDR, 1514 };
	struct vdrv_seg s[2];

	(void)state;
	rx_post(s, one, 1);
	host_send(7);
	rx_expect(s, 1, 7);
	/* Past the frame: as posted. */
	for (uint32_t i = PKT; i < RX_ROOM; i++)
		assert_int_equal(*vdrv_ptr(&drv, s[0].addr + i, 1),
				 VDRV_POISON);

	rx_post(s, split, 2);
	host_send(8);
	rx_expect(s, 2, 8);
	assert_true(virtio_running(drv.d));
}

static unsigned tap_pending(void)
{
	int n = 0;

	assert_int_equal(ioctl(tap[0], FIONREAD, &n), 0);
	return (unsigned)n;
}

/* Frames that find no receive buffer wait in the tap until the driver
 * posts some and kicks. */
static void receive_waits_for_buffers(void **state)
{
	static const uint32_t one[] = { RX_ROOM };
	struct vdrv_seg a[1], b[1];

	(void)state;
	host_send(21);
	host_send(22);
	vdrv_loop_call(&drv, NULL, NULL);	/* the loop saw them come */
	assert_int_equal(vdrv_used_idx(&drv, RX), 0);
	assert_int_equal(tap_pending(), PKT);
	rx_post(a, one, 1);
	rx_expect(a, 1, 21);
	rx_post(b, one, 1);
	rx_expect(b, 1, 22);
	assert_int_equal(tap_pending(), 0);
}

/* A chain the device cannot serve: DEVICE_NEEDS_RESET, nothing sent or
 * used; after a reset the device works again. */
static void broken(unsigned q, struct vdrv_seg *s, unsigned n)
{
	static const uint32_t two[] = { NET_HDR, FRAME };

	vdrv_post(&drv, q, s, n, 0);
	vdrv_kick(&drv, q);
	assert_true(vdrv_wait_status(&drv, VIRTIO_STATUS_NEEDS_RESET));
	assert_false(virtio_running(drv.d));
	assert_int_equal(vdrv_used_idx(&drv, q), 0);
	host_got_nothing();
	vdrv_up(&drv, FEATURES, 2);
	tx(9, two, 2, 0);
}

static void tx_writable_buffer(void **state)
{
	uint8_t p[PKT];
	struct vdrv_seg s[2] = { VDRV_OUT(p, PKT), VDRV_IN(NULL, 16) };

	(void)state;
	pkt_make(p, 1);
	broken(TX, s, 2);
}

static void tx_shorter_than_header(void **state)
{
	uint8_t p[PKT];
	struct vdrv_seg s[2] = { VDRV_OUT(p, 4), VDRV_OUT(p + 4, 4) };

	(void)state;
	pkt_make(p, 1);
	broken(TX, s, 2);
}

static void rx_readable_buffer(void **state)
{
	struct vdrv_seg s = VDRV_OUT(NULL, RX_ROOM);

	(void)state;
	broken(RX, &s, 1);
}

/* Room enough for a frame, but a device-readable buffer first. */
static void rx_readable_then_writable(void **state)
{
	struct vdrv_seg s[2] = { VDRV_OUT(NULL, 16), VDRV_IN(NULL, RX_ROOM) };

	(void)state;
	broken(RX, s, 2);
}

static void rx_smaller_than_header(void **state)
{
	struct vdrv_seg s[2] = { VDRV_IN(NULL, 4), VDRV_IN(NULL, 4) };

	(void)state;
	host_send(3);
	broken(RX, s, 2);
	/* The frame is still there for a driver that does it right. */
	assert_int_equal(tap_pending(), PKT);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(config_space),
		T(transmit),
		T(receive),
		T(receive_waits_for_buffers),
		T(tx_writable_buffer),
		T(tx_shorter_than_header),
		T(rx_readable_buffer),
		T(rx_readable_then_writable),
		T(rx_smaller_than_header),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
