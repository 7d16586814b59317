/* libFuzzer target: the vsock host protocol (io/vsock_events.c,
 * vsock_conn.c, vsock_host.c): host programs that connect to the unix
 * socket and send their "CONNECT <port>\n" line (or anything else) and
 * then stream bytes, interleaved with packets from the guest (any header,
 * any payload) and the device taking packets for the guest.  The input
 * is a sequence of such steps, over real sockets, on a fresh struct
 * vsock each time. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "io/vsock_conn.h"
#include "tests/fuzz/fuzz.h"

#define CID	3
#define CLIENTS 4  /* host programs at once */
#define STEPS	64 /* per input */
#define DRAIN	16 /* packets taken for the guest per step */
#define PAYLOAD 64 /* bytes a step sends at most */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/pvmm-fuzz-vsock.XXXXXX";
static char uds[108];

static void remove_dir(void)
{
	rmdir(dir);
}

static void make_uds(void)
{
	if (!mkdtemp(dir))
		abort();
	snprintf(uds, sizeof(uds), "%s/s", dir);
	atexit(remove_dir);
}

static int dial(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		abort();
	memcpy(sa.sun_path, uds, strlen(uds) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd); /* backlog full: the host would retry */
		return -1;
	}
	return fd;
}

static void guest_packet(struct fin *in, struct vsock *v)
{
	uint8_t raw[VSOCK_HDR_SIZE], payload[PAYLOAD], how = fin_u8(in);
	struct iovec iov = {payload, fin_u8(in) % (PAYLOAD + 1)};
	struct vsock_hdr h;

	fin_take(in, raw, sizeof(raw));
	fin_take(in, payload, iov.iov_len);
	vsock_hdr_load(&h, raw);
	/* Mostly from the guest to the host, so the checks past the
	 * addresses are reached; sometimes anything. */
	if (!(how & 1))
		h.src_cid = CID;
	if (!(how & 2))
		h.dst_cid = VSOCK_HOST_CID;
	if (!(how & 4))
		h.len = (uint32_t)iov.iov_len;
	if (!(how & 8))
		h.type = 1; /* VIRTIO_VSOCK_TYPE_STREAM */
	if (!(how & 16))
		h.op = h.op % 8;
	vsock_from_guest(v, &h, &iov, 1, iov.iov_len);
}

static void drain(struct vsock *v)
{
	static uint8_t buf[VSOCK_MAX_PAYLOAD];
	struct iovec iov = {buf, sizeof(buf)};
	struct vsock_hdr h;

	for (int i = 0; i < DRAIN && vsock_pending(v); i++)
		if (vsock_emit(v, &h, &iov, 1, sizeof(buf)) > sizeof(buf))
			abort();
}

static void step(struct fin *in, struct vsock *v, int *cl)
{
	uint8_t op = fin_u8(in), k = fin_u8(in) % CLIENTS;
	uint8_t buf[PAYLOAD];
	size_t n;

	switch (op % 7) {
	case 0:
		if (cl[k] < 0)
			cl[k] = dial();
		break;
	case 1: /* the host program writes (its line, or anything) */
		n = fin_u8(in) % (PAYLOAD + 1);
		fin_take(in, buf, n);
		if (cl[k] >= 0)
			(void)send(cl[k], buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		break;
	case 2: guest_packet(in, v); break;
	case 3: vsock_host_events(v); break;
	case 4: drain(v); break;
	case 5: /* the host program reads what came, or hangs up */
		if (cl[k] >= 0 && (op & 8)) {
			close(cl[k]);
			cl[k] = -1;
		} else if (cl[k] >= 0) {
			while (recv(cl[k], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		}
		break;
	default:
		vsock_reset(v); /* the driver reset the device */
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vsock v;
	struct fin in = {data, size};
	int cl[CLIENTS] = {-1, -1, -1, -1};

	if (!*uds)
		make_uds();
	if (vsock_init(&v, CID, uds))
		abort();
	for (int i = 0; i < STEPS && fin_left(&in); i++)
		step(&in, &v, cl);
	vsock_host_events(&v);
	drain(&v);
	for (int k = 0; k < CLIENTS; k++)
		if (cl[k] >= 0)
			close(cl[k]);
	vsock_destroy(&v);
	return 0;
}
