/* virtio-vsock driven the way a driver would: rings laid out in guest
 * RAM, receive buffers posted, packets sent on the transmit queue, kicks
 * through the notify region.  The test thread stands in for the event
 * loop: it runs the kicked queues and the host sockets' readiness.  Host
 * programs are this test too, on real unix sockets. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/virtio_pci.h>
#include <linux/virtio_vsock.h>

#include "io/virtio_vsock.h"
#include "io/le.h"
#include "io/loop.h"
#include "tests/unit/fake_sys.h"
#include "io/virtio.h"
#include "io/virtio_vsock.h"
#include "io/vsock_conn.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

#define BIT(n)		(1ull << (n))
#define CID		42
#define QSIZE		64
#define RXBUF		0x200000ull	/* 32 of 8 KiB */
#define RX_DATA		4096
#define RX		0
#define TX		1
#define EVQ		2
#define GPORT		5000		/* the guest's own port */
#define GUEST_BUF	(256u << 10)	/* the guest's receive space */

static struct vdrv drv;
static struct machine *m;
static struct virtio_dev *d;
static char dir[64], uds[128];
static char listeners[4][160];	/* UDS_<port> files to remove */
static unsigned nlisteners;

/* Receive buffers posted and taken back. */
static unsigned rx_next, rx_taken;

/* --- the device, its rings ------------------------------------------------ */

#define CRD(reg, len)		VDRV_CRD(&drv, reg, len)
#define CWR(reg, len, v)	VDRV_CWR(&drv, reg, len, v)

static uint8_t *gpa(uint64_t a, uint64_t len)
{
	return vdrv_ptr(&drv, a, len);
}

/* Reset, negotiate VERSION_1 and STREAM, three queues, DRIVER_OK. */
static void driver_up(void)
{
	rx_next = rx_taken = 0;
	vdrv_up(&drv, BIT(VIRTIO_F_VERSION_1) | BIT(0), 3);
}

static void kick(unsigned q)
{
	vdrv_kick(&drv, q);
}

/* Without a loop thread, say the host sockets are ready as it would. */
static void host_ready(void)
{
	if (!drv.looped)
		assert_true(fake_loop_ready(virtio_vsock_state(d)->epfd));
}

/* --- the driver's packets ---------------------------------------------- */

/* Post @n receive buffers as Linux 6.1 does: header, then 4 KiB. */
static void rx_post(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t buf = RXBUF + (rx_next++ % (QSIZE / 2)) * 0x2000ull;
		struct vdrv_seg s[2] = { VDRV_IN(NULL, VSOCK_HDR_SIZE),
					 VDRV_IN(NULL, RX_DATA) };

		assert_true(rx_next - rx_taken <= QSIZE / 2);
		s[0].addr = buf;
		s[1].addr = buf + 64;
		vdrv_post(&drv, RX, s, 2, 0);
	}
	kick(RX);
}

/* The next packet the device gave the guest; false if none.  Its
 * payload goes to @data (RX_DATA bytes of room). */
static bool rx_get(struct vsock_hdr *h, void *data)
{
	uint16_t id;
	uint32_t len;
	uint64_t buf;

	if (!vdrv_used(&drv, RX, &id, &len))
		return false;
	rx_taken++;
	buf = le64_load(gpa(VDRV_DESC(RX) + 16ull * id, 8));
	assert_true(len >= VSOCK_HDR_SIZE);
	vsock_hdr_load(h, gpa(buf, VSOCK_HDR_SIZE));
	assert_int_equal(len - VSOCK_HDR_SIZE, h->len);
	assert_true(h->len <= RX_DATA);
	if (data)
		memcpy(data, gpa(buf + 64, RX_DATA), h->len);
	return true;
}

/* The next packet must be @op between guest port @gport and host port
 * @port (0: any); its header is returned. */
static struct vsock_hdr expect(uint16_t op, uint32_t port, uint32_t gport,
			       void *data)
{
	struct vsock_hdr h;

	assert_true(rx_get(&h, data));
	assert_int_equal(h.op, op);
	assert_int_equal(h.dst_cid, CID);
	assert_int_equal(h.type, VIRTIO_VSOCK_TYPE_STREAM);
	assert_int_equal(h.dst_port, gport);
	if (port)
		assert_int_equal(h.src_port, port);
	return h;
}

static void expect_nothing(void)
{
	struct vsock_hdr h;

	assert_false(rx_get(&h, NULL));
}

/* A transmit chain of @n buffers; the device must give it back unless
 * it failed. */
static void tx_chain(struct vdrv_seg *s, unsigned n)
{
	uint16_t head = vdrv_post(&drv, TX, s, n, 0), id;
	uint32_t len;

	kick(TX);
	if (virtio_running(d)) {
		assert_true(vdrv_used(&drv, TX, &id, &len));
		assert_int_equal(id, head);
	}
}

static struct vsock_hdr gh(uint16_t op, uint32_t port)
{
	return (struct vsock_hdr){ .src_cid = CID, .dst_cid = 2,
				   .src_port = GPORT, .dst_port = port,
				   .type = VIRTIO_VSOCK_TYPE_STREAM, .op = op,
				   .buf_alloc = GUEST_BUF };
}

/* Send header @h with @len payload bytes (h->len is set to @len). */
static void tx_send(struct vsock_hdr h, const void *data, uint32_t len)
{
	uint8_t raw[VSOCK_HDR_SIZE];
	struct vdrv_seg s[2] = { VDRV_OUT(raw, sizeof(raw)),
				 VDRV_OUT(data, len) };

	h.len = len;
	vsock_hdr_store(&h, raw);
	tx_chain(s, len ? 2 : 1);
}

static void tx_op(uint16_t op, uint32_t port, uint32_t flags)
{
	struct vsock_hdr h = gh(op, port);

	h.flags = flags;
	tx_send(h, NULL, 0);
}

/* --- host programs ------------------------------------------------------ */

static socklen_t un_addr(struct sockaddr_un *sa, const char *path)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	assert_true(strlen(path) < sizeof(sa->sun_path));
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return sizeof(*sa);
}

static int host_listen(uint32_t port)
{
	char path[160];
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(path, sizeof(path), "%s_%u", uds, port);
	assert_true(fd >= 0 && nlisteners < 4);
	memcpy(listeners[nlisteners++], path, sizeof(path));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, un_addr(&sa, path)),
			 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static int host_accept(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);

	assert_true(fd >= 0);
	return fd;
}

/* Connect to UDS and say @line (may be NULL). */
static int host_dial(const char *line)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(
		connect(fd, (struct sockaddr *)&sa, un_addr(&sa, uds)), 0);
	if (line)
		assert_int_equal(send(fd, line, strlen(line), 0),
				 (ssize_t)strlen(line));
	return fd;
}

/* What the host can read now (with the event loop running: within 5 s):
 * bytes, 0 at EOF, -1 if nothing yet. */
static ssize_t host_read(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (drv.looped)
		poll(&p, 1, VDRV_WAIT_MS);
	n = recv(fd, buf, len, MSG_DONTWAIT);

	if (n < 0 && (errno == ECONNRESET || errno == EPIPE))
		return 0;
	return n;
}

static void host_expect(int fd, const char *want)
{
	char buf[256] = { 0 };

	assert_int_equal(host_read(fd, buf, sizeof(buf) - 1),
			 (ssize_t)strlen(want));
	assert_string_equal(buf, want);
}

static void host_expect_eof(int fd)
{
	char buf[64];

	assert_int_equal(host_read(fd, buf, sizeof(buf)), 0);
}

static void host_send(int fd, const void *data, size_t len)
{
	assert_int_equal(send(fd, data, len, MSG_DONTWAIT), (ssize_t)len);
}

static struct vsock *vs(void)
{
	return virtio_vsock_state(d);
}

/* --- set-up -------------------------------------------------------------- */

static int create(struct machine *mach, void *spec)
{
	return virtio_vsock_create(&mach->io, spec);
}

static int device_up(bool with_loop)
{
	struct vsock_spec spec = { .cid = CID, .uds = uds };

	snprintf(dir, sizeof(dir), "/tmp/pvmm-vsock-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(uds, sizeof(uds), "%s/v.sock", dir);
	vdrv_start(&drv, with_loop, create, &spec);
	drv.qsize = QSIZE;
	m = drv.m;
	d = drv.d;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return device_up(false);
}

/* The real thing: an event loop thread serves kicks and host sockets. */
static int setup_loop(void **state)
{
	(void)state;
	return device_up(true);
}

static int teardown(void **state)
{
	(void)state;
	loop_free(m->io.loop);		/* stops its thread first */
	m->io.loop = NULL;
	vsock_destroy(vs());
	vdrv_stop(&drv);
	while (nlisteners)
		unlink(listeners[--nlisteners]);
	assert_int_equal(rmdir(dir), 0);
	return 0;
}

/* --- identity and config ------------------------------------------------- */

static void identity_and_config(void **state)
{
	uint64_t f;

	(void)state;
	assert_int_equal(vdrv_cfg(&drv, 0, 2), 0x1af4);
	assert_int_equal(vdrv_cfg(&drv, 2, 2), 0x1040 + VIRTIO_ID_VSOCK);
	assert_int_equal(CRD(NUMQ, 2), 3);
	f = vdrv_device_features(&drv);
	assert_true(f & BIT(0));		/* STREAM */
	assert_false(f & BIT(VIRTIO_VSOCK_F_SEQPACKET));
	assert_true(f & BIT(VIRTIO_F_VERSION_1));
	assert_int_equal(vdrv_config(&drv, 0, 4), CID);	/* guest_cid, le64 */
	assert_int_equal(vdrv_config(&drv, 4, 4), 0);
	assert_int_equal(vsock_init(&(struct vsock){ 0 }, CID, ""), -EINVAL);
}

static void refuses_long_uds(void **state)
{
	char path[200];
	struct vsock v;

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(vsock_init(&v, CID, path), -ENAMETOOLONG);
}

/* A socket file left by a dead run is replaced; a live one (this
 * device's) is not, nor a file that is no socket. */
static void uds_in_use(void **state)
{
	char stale[160], plain[160];
	struct sockaddr_un sa;
	struct vsock v;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(vsock_init(&v, CID, uds), -EADDRINUSE);
	snprintf(stale, sizeof(stale), "%s/stale", dir);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, un_addr(&sa, stale)),
			 0);
	close(fd);
	assert_int_equal(vsock_init(&v, CID, stale), 0);
	vsock_destroy(&v);
	assert_int_equal(access(stale, F_OK), -1);	/* removed at the end */

	snprintf(plain, sizeof(plain), "%s/plain", dir);
	fd = open(plain, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(vsock_init(&v, CID, plain), -EADDRINUSE);
	assert_int_equal(access(plain, F_OK), 0);
	unlink(plain);
}

/* --- guest-initiated ----------------------------------------------------- */

/* The guest connects to CID 2 port 4321: the device connects to
 * UDS_4321.  Returns the host's end of it. */
static int guest_connects(int lfd)
{
	struct vsock_hdr h;

	tx_op(VIRTIO_VSOCK_OP_REQUEST, 4321, 0);
	h = expect(VIRTIO_VSOCK_OP_RESPONSE, 4321, GPORT, NULL);
	assert_int_equal(h.src_cid, 2);
	assert_int_equal(h.buf_alloc, VSOCK_BUF_ALLOC);
	assert_int_equal(h.fwd_cnt, 0);
	return host_accept(lfd);
}

static void guest_connect_echo(void **state)
{
	int lfd = host_listen(4321), fd;
	char data[RX_DATA];
	struct vsock_hdr h;

	(void)state;
	driver_up();
	rx_post(8);
	fd = guest_connects(lfd);

	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), "hello", 5);
	host_expect(fd, "hello");
	expect_nothing();

	host_send(fd, "world!", 6);
	host_ready();
	h = expect(VIRTIO_VSOCK_OP_RW, 4321, GPORT, data);
	assert_int_equal(h.len, 6);
	assert_memory_equal(data, "world!", 6);
	assert_int_equal(h.fwd_cnt, 5);		/* the host took "hello" */
	expect_nothing();

	/* The guest closes: RST acknowledges, the host sees EOF. */
	tx_op(VIRTIO_VSOCK_OP_SHUTDOWN, 4321, 3);
	expect(VIRTIO_VSOCK_OP_RST, 4321, GPORT, NULL);
	host_expect_eof(fd);
	/* The connection is gone. */
	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), "late", 4);
	expect(VIRTIO_VSOCK_OP_RST, 4321, GPORT, NULL);
	close(fd);
	close(lfd);
}

static void guest_half_close(void **state)
{
	int lfd = host_listen(4321), fd;
	char data[RX_DATA];

	(void)state;
	driver_up();
	rx_post(8);
	fd = guest_connects(lfd);
	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), "req", 3);
	tx_op(VIRTIO_VSOCK_OP_SHUTDOWN, 4321, VIRTIO_VSOCK_SHUTDOWN_SEND);
	host_expect(fd, "req");
	host_expect_eof(fd);		/* SHUT_WR on the host's socket */
	expect_nothing();
	/* The host still answers, then closes. */
	host_send(fd, "resp", 4);
	close(fd);
	host_ready();
	expect(VIRTIO_VSOCK_OP_RW, 4321, GPORT, data);
	assert_memory_equal(data, "resp", 4);
	assert_int_equal(expect(VIRTIO_VSOCK_OP_SHUTDOWN, 4321, GPORT, NULL)
				 .flags,
			 VIRTIO_VSOCK_SHUTDOWN_SEND);
	tx_op(VIRTIO_VSOCK_OP_SHUTDOWN, 4321, 3);
	expect(VIRTIO_VSOCK_OP_RST, 4321, GPORT, NULL);
	close(lfd);
}

static void guest_connect_nobody_listens(void **state)
{
	(void)state;
	driver_up();
	rx_post(4);
	tx_op(VIRTIO_VSOCK_OP_REQUEST, 9, 0);
	assert_int_equal(expect(VIRTIO_VSOCK_OP_RST, 9, GPORT, NULL).src_cid,
			 2);
	expect_nothing();
}

/* --- host-initiated ------------------------------------------------------- */

/* The host dials UDS with "CONNECT <gport>\n": the guest gets REQUEST.
 * The device's port for it is returned. */
static uint32_t host_requests(int *fd, uint32_t gport)
{
	char line[32];
	struct vsock_hdr h;

	snprintf(line, sizeof(line), "CONNECT %u\n", gport);
	*fd = host_dial(line);
	host_ready();
	h = expect(VIRTIO_VSOCK_OP_REQUEST, 0, gport, NULL);
	assert_int_equal(h.src_cid, 2);
	assert_true(h.src_port >= VSOCK_PORT_BASE);
	assert_int_equal(h.buf_alloc, VSOCK_BUF_ALLOC);
	return h.src_port;
}

/* The guest (listening on @gport) accepts host port @port. */
static void guest_accepts(uint32_t port, uint32_t gport)
{
	struct vsock_hdr h = gh(VIRTIO_VSOCK_OP_RESPONSE, port);

	h.src_port = gport;
	tx_send(h, NULL, 0);
}

static void tx_from(uint16_t op, uint32_t port, uint32_t gport,
		    const void *data, uint32_t len, uint32_t flags)
{
	struct vsock_hdr h = gh(op, port);

	h.src_port = gport;
	h.flags = flags;
	tx_send(h, data, len);
}

static void host_connect_echo(void **state)
{
	char data[RX_DATA], ok[32];
	uint32_t port;
	int fd;

	(void)state;
	driver_up();
	rx_post(8);
	port = host_requests(&fd, 1234);
	/* Bytes the host sends early wait for the guest's answer. */
	host_send(fd, "ping", 4);
	host_ready();
	expect_nothing();
	assert_int_equal(host_read(fd, data, sizeof(data)), -1);

	guest_accepts(port, 1234);
	snprintf(ok, sizeof(ok), "OK %u\n", port);
	host_expect(fd, ok);
	expect(VIRTIO_VSOCK_OP_RW, port, 1234, data);
	assert_memory_equal(data, "ping", 4);

	tx_from(VIRTIO_VSOCK_OP_RW, port, 1234, "pong", 4, 0);
	host_expect(fd, "pong");

	/* The host closes: the guest hears SHUTDOWN(SEND), closes too. */
	close(fd);
	host_ready();
	assert_int_equal(expect(VIRTIO_VSOCK_OP_SHUTDOWN, port, 1234, NULL)
				 .flags,
			 VIRTIO_VSOCK_SHUTDOWN_SEND);
	tx_from(VIRTIO_VSOCK_OP_SHUTDOWN, port, 1234, NULL, 0, 3);
	expect(VIRTIO_VSOCK_OP_RST, port, 1234, NULL);
	expect_nothing();
}

static void host_connect_guest_refuses(void **state)
{
	uint32_t port;
	int fd;

	(void)state;
	driver_up();
	rx_post(4);
	port = host_requests(&fd, 77);
	tx_from(VIRTIO_VSOCK_OP_RST, port, 77, NULL, 0, 0);
	host_expect_eof(fd);		/* no "OK" */
	expect_nothing();
	close(fd);
}

/* Before the driver is up, the REQUEST waits; it goes at DRIVER_OK. */
static void host_connect_before_driver(void **state)
{
	int fd = host_dial("CONNECT 5\n");
	struct vsock_hdr h;

	(void)state;
	host_ready();
	driver_up();
	rx_post(2);
	h = expect(VIRTIO_VSOCK_OP_REQUEST, 0, 5, NULL);
	assert_true(h.src_port >= VSOCK_PORT_BASE);
	close(fd);
}

static void host_bad_lines(void **state)
{
	static const char *const bad[] = {
		"HELLO 1\n", "CONNECT 99999999999\n", "CONNECT \n",
		"CONNECT 12a\n", "connect 5\n", "CONNECT -1\n",
		"CONNECT 1234567890123456789012345678901234567890",
	};
	int fd[sizeof(bad) / sizeof(bad[0])], slow;
	char buf[8];

	(void)state;
	driver_up();
	rx_post(4);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		fd[i] = host_dial(bad[i]);
	slow = host_dial("CONNECT 12");
	host_ready();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		host_expect_eof(fd[i]);
		close(fd[i]);
	}
	expect_nothing();
	/* A line in pieces is fine. */
	assert_int_equal(host_read(slow, buf, sizeof(buf)), -1);
	host_send(slow, "34\n", 3);
	host_ready();
	expect(VIRTIO_VSOCK_OP_REQUEST, 0, 1234, NULL);
	/* The host gives up before the guest answers. */
	close(slow);
	host_ready();
	expect(VIRTIO_VSOCK_OP_RST, 0, 1234, NULL);
}

/* --- hostile guests ------------------------------------------------------- */

static void expect_rst_to(uint64_t from_cid, uint32_t port)
{
	struct vsock_hdr h = expect(VIRTIO_VSOCK_OP_RST, port, GPORT, NULL);

	assert_int_equal(h.src_cid, from_cid);
}

static void hostile_headers(void **state)
{
	int lfd = host_listen(4321), fd;
	struct vsock_hdr h;
	char buf[8];

	(void)state;
	driver_up();
	rx_post(16);

	/* Not from the guest's CID: dropped, no reply, no connection. */
	h = gh(VIRTIO_VSOCK_OP_REQUEST, 4321);
	h.src_cid = 7;
	tx_send(h, NULL, 0);
	expect_nothing();
	assert_true(accept4(lfd, NULL, NULL, SOCK_NONBLOCK) < 0);

	/* To a CID other than the host's. */
	h = gh(VIRTIO_VSOCK_OP_REQUEST, 4321);
	h.dst_cid = 5;
	tx_send(h, NULL, 0);
	expect_rst_to(5, 4321);

	/* SEQPACKET, and a type that does not exist. */
	h = gh(VIRTIO_VSOCK_OP_REQUEST, 4321);
	h.type = VIRTIO_VSOCK_TYPE_SEQPACKET;
	tx_send(h, NULL, 0);
	expect_rst_to(2, 4321);
	h.type = 0xbeef;
	tx_send(h, NULL, 0);
	expect_rst_to(2, 4321);

	/* Unknown ops, and INVALID. */
	tx_op(99, 4321, 0);
	expect_rst_to(2, 4321);
	tx_op(VIRTIO_VSOCK_OP_INVALID, 4321, 0);
	expect_rst_to(2, 4321);

	/* Packets for no connection; a RST gets no RST. */
	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), "x", 1);
	expect_rst_to(2, 4321);
	tx_op(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 4321, 0);
	expect_rst_to(2, 4321);
	tx_op(VIRTIO_VSOCK_OP_RESPONSE, 4321, 0);
	expect_rst_to(2, 4321);
	tx_op(VIRTIO_VSOCK_OP_RST, 4321, 0);
	expect_nothing();
	assert_true(accept4(lfd, NULL, NULL, SOCK_NONBLOCK) < 0);

	/* On a live connection: zero-length RW is harmless... */
	fd = guest_connects(lfd);
	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), NULL, 0);
	expect_nothing();
	assert_int_equal(host_read(fd, buf, sizeof(buf)), -1);
	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), "ok", 2);
	host_expect(fd, "ok");
	/* ...a length past the buffer resets it. */
	h = gh(VIRTIO_VSOCK_OP_RW, 4321);
	{
		uint8_t raw[VSOCK_HDR_SIZE];
		struct vdrv_seg s[2] = { VDRV_OUT(raw, sizeof(raw)),
					 VDRV_OUT("0123456789", 10) };

		h.len = 100;
		vsock_hdr_store(&h, raw);
		tx_chain(s, 2);
	}
	expect_rst_to(2, 4321);
	host_expect_eof(fd);
	close(fd);

	/* A second REQUEST on a live connection resets it too. */
	fd = guest_connects(lfd);
	tx_op(VIRTIO_VSOCK_OP_REQUEST, 4321, 0);
	expect_rst_to(2, 4321);
	host_expect_eof(fd);
	close(fd);
	expect_nothing();
	assert_true(virtio_running(d));
	close(lfd);
}

/* Resets owed for unknown packets are bounded when the guest reads
 * nothing. */
static void reset_ring_bounded(void **state)
{
	struct vsock_hdr h;
	int n = 0;

	(void)state;
	driver_up();
	for (int i = 0; i < 3 * VSOCK_RST_RING; i++)
		tx_op(VIRTIO_VSOCK_OP_RW, 9, 0);
	rx_post(QSIZE / 2);
	while (rx_get(&h, NULL)) {
		assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
		n++;
	}
	assert_int_equal(n, VSOCK_RST_RING);
}

static void tx_writable_buffer_fails_device(void **state)
{
	uint8_t raw[VSOCK_HDR_SIZE], in[16];
	struct vsock_hdr h = gh(VIRTIO_VSOCK_OP_REQUEST, 4321);
	struct vdrv_seg s[2] = { VDRV_OUT(raw, sizeof(raw)),
				 VDRV_IN(in, sizeof(in)) };
	int lfd = host_listen(4321), fd;

	(void)state;
	driver_up();
	rx_post(4);
	fd = guest_connects(lfd);
	vsock_hdr_store(&h, raw);
	tx_chain(s, 2);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	host_expect_eof(fd);		/* the reset ended the connection */
	close(fd);

	/* After a reset, the device works again. */
	driver_up();
	rx_post(4);
	fd = guest_connects(lfd);
	close(fd);
	close(lfd);
}

static void short_header_fails_device(void **state)
{
	struct vdrv_seg s = VDRV_OUT("short", 5);

	(void)state;
	driver_up();
	tx_chain(&s, 1);
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void readable_rx_buffer_fails_device(void **state)
{
	(void)state;
	driver_up();
	/* Device-readable. */
	vdrv_desc(&drv, VDRV_DESC(RX), 0, RXBUF, 4096, 0, 0);
	vdrv_avail_add(&drv, RX, 0);
	kick(RX);
	assert_true(virtio_running(d));	/* nothing to send yet */
	tx_op(VIRTIO_VSOCK_OP_REQUEST, 9, 0);	/* now a RST is owed */
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

/* --- credit ----------------------------------------------------------- */

/* The host has 300 bytes; the guest has room for 100 at a time. */
static void credit_to_guest(void **state)
{
	int lfd = host_listen(4321), fd;
	uint8_t out[300], data[RX_DATA];
	struct vsock_hdr h = gh(VIRTIO_VSOCK_OP_REQUEST, 4321);

	(void)state;
	for (int i = 0; i < 300; i++)
		out[i] = (uint8_t)i;
	driver_up();
	rx_post(16);
	h.buf_alloc = 100;
	tx_send(h, NULL, 0);
	expect(VIRTIO_VSOCK_OP_RESPONSE, 4321, GPORT, NULL);
	fd = host_accept(lfd);
	host_send(fd, out, sizeof(out));
	host_ready();
	h = expect(VIRTIO_VSOCK_OP_RW, 4321, GPORT, data);
	assert_int_equal(h.len, 100);
	assert_memory_equal(data, out, 100);
	expect(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 4321, GPORT, NULL);
	host_ready();
	expect_nothing();		/* asked once, waits */

	for (uint32_t done = 100; done < 300; done += 100) {
		h = gh(VIRTIO_VSOCK_OP_CREDIT_UPDATE, 4321);
		h.buf_alloc = 100;
		h.fwd_cnt = done;	/* the guest read it all */
		tx_send(h, NULL, 0);
		h = expect(VIRTIO_VSOCK_OP_RW, 4321, GPORT, data);
		assert_int_equal(h.len, 100);
		assert_memory_equal(data, out + done, 100);
		if (done + 100 < sizeof(out))
			expect(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 4321, GPORT,
			       NULL);
		expect_nothing();
	}
	/* The guest asks for our credit: it gets it. */
	tx_op(VIRTIO_VSOCK_OP_CREDIT_REQUEST, 4321, 0);
	h = expect(VIRTIO_VSOCK_OP_CREDIT_UPDATE, 4321, GPORT, NULL);
	assert_int_equal(h.buf_alloc, VSOCK_BUF_ALLOC);
	close(fd);
	close(lfd);
}

static struct vsock_conn *open_conn(void)
{
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++)
		if (vs()->conn[i].state == VSOCK_OPEN)
			return &vs()->conn[i];
	fail();
	return NULL;
}

/* Shrink the device's send buffer so its own buffering is exercised. */
static void small_sndbuf(void)
{
	int size = 4096;

	assert_int_equal(setsockopt(open_conn()->fd, SOL_SOCKET, SO_SNDBUF,
				    &size, sizeof(size)),
			 0);
}

/* A guest that keeps to the credit it is given moves 1 MiB through a
 * slow host without a reset; order and content are kept. */
#define CHUNK	(60u << 10)
static void credit_from_guest_kept(void **state)
{
	static uint8_t chunk[CHUNK], got[CHUNK];
	int lfd = host_listen(4321), fd;
	uint32_t sent = 0, fwd = 0, received = 0, total = 1u << 20;
	struct vsock_hdr h;

	(void)state;
	driver_up();
	rx_post(16);
	fd = guest_connects(lfd);
	small_sndbuf();
	while (received < total) {
		uint32_t credit = VSOCK_BUF_ALLOC - (sent - fwd);
		uint32_t n = credit < CHUNK ? credit : CHUNK;
		ssize_t r;

		if (n > total - sent)
			n = total - sent;
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = (uint8_t)((sent + i) * 7);
		if (n) {
			tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), chunk, n);
			sent += n;
		}
		r = host_read(fd, got, sizeof(got));
		assert_true(r != 0);
		for (ssize_t i = 0; i < r; i++)
			assert_int_equal(got[i],
					 (uint8_t)((received + i) * 7));
		received += r > 0 ? (uint32_t)r : 0;
		host_ready();		/* EPOLLOUT: the device flushes */
		while (rx_get(&h, NULL)) {
			assert_int_equal(h.op, VIRTIO_VSOCK_OP_CREDIT_UPDATE);
			fwd = h.fwd_cnt;
			rx_post(1);
		}
		if (!n && r < 0)
			fail_msg("stalled: sent %u fwd %u received %u", sent,
				 fwd, received);
	}
	assert_int_equal(vs()->stats.overruns, 0);
	close(fd);
	close(lfd);
}

/* A guest that ignores credit is reset; the device holds no more than
 * it advertised. */
static void credit_from_guest_overrun(void **state)
{
	static uint8_t chunk[CHUNK];
	int lfd = host_listen(4321), fd, i;
	struct vsock_hdr h;

	(void)state;
	driver_up();
	rx_post(16);
	fd = guest_connects(lfd);
	small_sndbuf();
	for (i = 0; i < 64 && !rx_get(&h, NULL); i++) {
		assert_true(open_conn()->used <= VSOCK_BUF_ALLOC);
		tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), chunk, CHUNK);
	}
	assert_true(i < 16);
	if (h.op == VIRTIO_VSOCK_OP_CREDIT_UPDATE)
		assert_true(rx_get(&h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
	assert_int_equal(vs()->stats.overruns, 1);
	close(fd);
	close(lfd);
}

/* --- limits and resets --------------------------------------------------- */

/* The guest's packets until it has no more: how many of each op. */
static void rx_count(int *rsts, int *reqs, int *resps)
{
	struct vsock_hdr h;

	*rsts = *reqs = *resps = 0;
	rx_post(1);
	for (bool got = true; got;) {
		got = false;
		while (rx_get(&h, NULL)) {
			*rsts += h.op == VIRTIO_VSOCK_OP_RST;
			*reqs += h.op == VIRTIO_VSOCK_OP_REQUEST;
			*resps += h.op == VIRTIO_VSOCK_OP_RESPONSE;
			got = true;
		}
		if (got)
			rx_post(1);
	}
}

/* Host programs get VSOCK_MAX_HOST_CONNS slots, the rest see EOF; the
 * guest still connects to the host (issue 14, finding 4: before, host
 * programs could take all VSOCK_MAX_CONNS and the guest got RST). */
static void connections_bounded(void **state)
{
	int fd[VSOCK_MAX_CONNS + 3];
	int lfd = host_listen(4321), rsts, reqs, resps, hfd;
	char line[32];

	(void)state;
	driver_up();
	for (int i = 0; i < VSOCK_MAX_CONNS + 3; i++) {
		snprintf(line, sizeof(line), "CONNECT %d\n", 100 + i);
		fd[i] = host_dial(line);
		host_ready();
	}
	for (int i = 0; i < VSOCK_MAX_CONNS + 3; i++) {
		char buf[8];

		if (i < VSOCK_MAX_HOST_CONNS)
			assert_int_equal(host_read(fd[i], buf, sizeof(buf)),
					 -1);
		else
			host_expect_eof(fd[i]);
	}
	/* Room for a guest connection. */
	tx_op(VIRTIO_VSOCK_OP_REQUEST, 4321, 0);
	rx_count(&rsts, &reqs, &resps);
	assert_int_equal(rsts, 0);
	assert_int_equal(reqs, VSOCK_MAX_HOST_CONNS);
	assert_int_equal(resps, 1);
	hfd = host_accept(lfd);
	for (int i = 0; i < VSOCK_MAX_CONNS + 3; i++)
		close(fd[i]);
	close(hfd);
	close(lfd);
}

/* VSOCK_MAX_CONNS host programs that never send their CONNECT line:
 * only the newest VSOCK_MAX_LINES keep a slot, the others see EOF; the
 * guest connects, and a program that does send its line gets through. */
static void idle_host_peers(void **state)
{
	int fd[VSOCK_MAX_CONNS];
	int lfd = host_listen(4321), rsts, reqs, resps, hfd, late;

	(void)state;
	driver_up();
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		fd[i] = host_dial(NULL);
		host_ready();
	}
	for (int i = 0; i < VSOCK_MAX_CONNS; i++) {
		char buf[8];

		if (i >= VSOCK_MAX_CONNS - VSOCK_MAX_LINES)
			assert_int_equal(host_read(fd[i], buf, sizeof(buf)),
					 -1);
		else
			host_expect_eof(fd[i]);
	}
	tx_op(VIRTIO_VSOCK_OP_REQUEST, 4321, 0);
	late = host_dial("CONNECT 77\n");
	host_ready();
	rx_count(&rsts, &reqs, &resps);
	assert_int_equal(rsts, 0);
	assert_int_equal(resps, 1);
	assert_int_equal(reqs, 1);	/* the one that said its line */
	hfd = host_accept(lfd);
	for (int i = 0; i < VSOCK_MAX_CONNS; i++)
		close(fd[i]);
	close(late);
	close(hfd);
	close(lfd);
}

/* Loaded from a snapshot with the driver running: the driver hears a
 * transport reset on its event queue (its connections' host ends are
 * gone); with no event buffer posted nothing happens, and one too small
 * for the event fails the device. */
static void restored_resets_transport(void **state)
{
	struct vdrv_seg ev = VDRV_IN(NULL, 8), tiny = VDRV_IN(NULL, 2);
	struct virtio_state st;
	uint16_t id, head;
	uint32_t len;

	(void)state;
	driver_up();
	virtio_get_state(d, &st);
	virtio_set_state(d, &st);		/* no event buffer: nothing */
	assert_false(vdrv_used(&drv, EVQ, &id, &len));
	assert_true(virtio_running(d));

	head = vdrv_post(&drv, EVQ, &ev, 1, 0);
	virtio_get_state(d, &st);
	virtio_set_state(d, &st);
	assert_true(vdrv_used(&drv, EVQ, &id, &len));
	assert_int_equal(id, head);
	assert_int_equal(len, 4);
	assert_int_equal(le32_load(vdrv_ptr(&drv, ev.addr, 4)),
			 VIRTIO_VSOCK_EVENT_TRANSPORT_RESET);
	assert_true(virtio_running(d));

	vdrv_post(&drv, EVQ, &tiny, 1, 0);
	virtio_get_state(d, &st);
	unit_stderr_begin();
	virtio_set_state(d, &st);
	free(unit_stderr_end());
	assert_true(vdrv_status(&drv) & VIRTIO_STATUS_NEEDS_RESET);
}

static void driver_reset_closes_all(void **state)
{
	uint32_t port;
	int fd;

	(void)state;
	driver_up();
	rx_post(4);
	port = host_requests(&fd, 1234);
	guest_accepts(port, 1234);
	{
		char ok[32];

		snprintf(ok, sizeof(ok), "OK %u\n", port);
		host_expect(fd, ok);
	}
	CWR(STATUS, 1, 0);
	host_expect_eof(fd);
	close(fd);
	/* The listener survives: a new host connection works. */
	driver_up();
	rx_post(4);
	host_requests(&fd, 1234);
	close(fd);
}

/* Both directions with the event loop thread doing the device's work:
 * kicks through eventfds, host sockets through the epoll set it
 * watches. */
static void through_event_loop(void **state)
{
	int lfd = host_listen(4321), fd;
	char data[RX_DATA], ok[32];
	uint32_t port;

	(void)state;
	driver_up();
	rx_post(16);

	fd = guest_connects(lfd);
	tx_send(gh(VIRTIO_VSOCK_OP_RW, 4321), "hello", 5);
	host_expect(fd, "hello");
	host_send(fd, "world", 5);
	expect(VIRTIO_VSOCK_OP_RW, 4321, GPORT, data);
	assert_memory_equal(data, "world", 5);
	close(fd);
	expect(VIRTIO_VSOCK_OP_SHUTDOWN, 4321, GPORT, NULL);

	port = host_requests(&fd, 1234);
	guest_accepts(port, 1234);
	snprintf(ok, sizeof(ok), "OK %u\n", port);
	host_expect(fd, ok);
	host_send(fd, "ping", 4);
	expect(VIRTIO_VSOCK_OP_RW, port, 1234, data);
	assert_memory_equal(data, "ping", 4);
	tx_from(VIRTIO_VSOCK_OP_RW, port, 1234, "pong", 4, 0);
	host_expect(fd, "pong");
	close(fd);
	close(lfd);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(identity_and_config),
		T(refuses_long_uds),
		T(uds_in_use),
		T(guest_connect_echo),
		T(guest_half_close),
		T(guest_connect_nobody_listens),
		T(host_connect_echo),
		T(host_connect_guest_refuses),
		T(host_connect_before_driver),
		T(host_bad_lines),
		T(hostile_headers),
		T(reset_ring_bounded),
		T(tx_writable_buffer_fails_device),
		T(short_header_fails_device),
		T(readable_rx_buffer_fails_device),
		T(credit_to_guest),
		T(credit_from_guest_kept),
		T(credit_from_guest_overrun),
		T(connections_bounded),
		T(idle_host_peers),
		T(driver_reset_closes_all),
		T(restored_resets_transport),
		cmocka_unit_test_setup_teardown(through_event_loop, setup_loop,
						teardown),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
