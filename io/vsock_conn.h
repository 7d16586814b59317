/* virtio-vsock streams between guest ports and host unix sockets, in
 * Firecracker's model:
 *   - a host program connects to the unix socket UDS and writes
 *     "CONNECT <port>\n"; once the guest accepts, it reads back
 *     "OK <hostport>\n" and the socket carries the stream;
 *   - a guest connection to CID 2 port P is a connection to the unix
 *     socket "UDS_P", which a host program listens on.
 *
 * Portable and blind to virtqueues: the device model hands in each packet
 * the guest sent (vsock_from_guest) and, one receive buffer at a time,
 * asks for the next packet the guest should get (vsock_pending, then
 * vsock_emit).  Host sockets are non-blocking and sit in one epoll set
 * (epfd, edge-triggered) that the event loop watches; vsock_host_events
 * handles what it reports.  One thread at a time (the device lock).
 *
 * Bounds, whatever the guest or host does: at most VSOCK_MAX_CONNS
 * connections, of which host programs may hold VSOCK_MAX_HOST_CONNS (the
 * rest stay for the guest's own), and of those at most VSOCK_MAX_LINES
 * may be waiting for their CONNECT line: a new one pushes out the oldest
 * (issue 14, finding 4: idle peers held every slot); guest-to-host bytes are buffered only while the host socket
 * is full and never beyond the credit we advertise (VSOCK_BUF_ALLOC a
 * connection: a guest that overruns it is reset); host-to-guest bytes are
 * never buffered here, they wait in the host socket until the guest has
 * credit and a receive buffer; control packets owed to the guest are a
 * few flags a connection plus a short ring of resets for packets that
 * matched nothing (dropped when full). */
#ifndef PVMM_VSOCK_CONN_H
#define PVMM_VSOCK_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <sys/un.h>

#define VSOCK_HOST_CID		2		/* VMADDR_CID_HOST */
#define VSOCK_HDR_SIZE		44		/* struct virtio_vsock_hdr */
#define VSOCK_MAX_CONNS		64
#define VSOCK_MAX_HOST_CONNS	(VSOCK_MAX_CONNS / 2)	/* host-initiated */
#define VSOCK_MAX_LINES		8	/* of those, before CONNECT */
#define VSOCK_BUF_ALLOC		(128u << 10)	/* our receive space, each */
#define VSOCK_CREDIT_LOW	(64u << 10)	/* room the guest must see */
#define VSOCK_MAX_PAYLOAD	(64u << 10)	/* in one packet to the guest */
#define VSOCK_MAX_IOV		128		/* buffers in one packet */
#define VSOCK_RST_RING		16
#define VSOCK_LINE_MAX		32		/* "CONNECT 4294967295\n": 19 */
#define VSOCK_PORT_BASE		(1u << 30)	/* ours, for host connections */
/* Room for "_4294967295" after the path. */
#define VSOCK_UDS_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 12)

/* struct virtio_vsock_hdr in host order. */
struct vsock_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port;
	uint32_t len;
	uint16_t type, op;
	uint32_t flags;
	uint32_t buf_alloc, fwd_cnt;
};

enum vsock_state {
	VSOCK_FREE,
	VSOCK_LINE,		/* host socket accepted, awaiting "CONNECT" */
	VSOCK_CONNECTING,	/* REQUEST owed or sent to the guest */
	VSOCK_OPEN,		/* the stream flows */
	VSOCK_CLOSED,		/* host socket closed, RST owed to the guest */
};

/* Control packets owed to the guest. */
enum {
	VSOCK_OWE_RST = 1 << 0,
	VSOCK_OWE_REQUEST = 1 << 1,
	VSOCK_OWE_RESPONSE = 1 << 2,
	VSOCK_OWE_CREDIT = 1 << 3,	/* CREDIT_UPDATE */
	VSOCK_OWE_CREDIT_REQ = 1 << 4,	/* CREDIT_REQUEST */
	VSOCK_OWE_SHUTDOWN = 1 << 5,
};

struct vsock_conn {
	enum vsock_state state;
	int fd;			/* host socket, -1 when none */
	uint32_t gen;		/* tags epoll events: reuse ignores old ones */
	uint32_t port;		/* host side (CID 2) */
	uint32_t guest_port;
	uint8_t owe;		/* VSOCK_OWE_* */
	uint8_t peer_shut;	/* SHUTDOWN flags the guest sent */
	uint8_t shut_sent;	/* SHUTDOWN flags we owe or sent */
	bool readable;		/* the host socket may have data or EOF */
	bool credit_asked;	/* CREDIT_REQUEST sent, no new credit since */
	bool host_wr_shut;	/* the host saw EOF from the guest */
	bool from_host;		/* a host program connected to UDS */
	uint64_t accepted;	/* when (vsock.accepts), for the oldest */

	/* Guest's receive side, as its last packet said, and ours. */
	uint32_t peer_buf_alloc, peer_fwd_cnt;
	uint32_t tx_cnt;	/* payload bytes sent to the guest */
	uint32_t fwd_cnt;	/* guest bytes handed to the host socket */
	uint32_t fwd_told;	/* fwd_cnt as the guest last heard it */

	/* Guest bytes the host socket has not taken yet (a ring of
	 * VSOCK_BUF_ALLOC bytes, allocated when first needed). */
	uint8_t *buf;
	uint32_t head, used;
};

/* A reset for a packet that matched no connection: the reply swaps the
 * packet's addresses. */
struct vsock_rst {
	uint64_t cid;		/* the packet's destination */
	uint32_t port, guest_port;
};

struct vsock_stats {
	uint64_t from_guest, to_guest;
	uint64_t dropped;	/* spoofed source: no reply */
	uint64_t resets;	/* RSTs sent */
	uint64_t overruns;	/* guest ignored our credit */
};

/* Set up by main; then used by the event loop thread (packets, socket
 * events) and, through the transport, by vCPU threads (reset), always
 * under the owning struct virtio_dev's lock. */
struct vsock {
	uint64_t guest_cid;
	char uds[VSOCK_UDS_MAX + 1];
	int listen_fd, epfd;
	uint32_t next_port;
	unsigned rr;		/* where the next fair scan starts */
	int pick;		/* what vsock_pending chose: slot, or -1 */
	struct vsock_conn conn[VSOCK_MAX_CONNS];
	struct vsock_rst rst[VSOCK_RST_RING];
	unsigned rst_head, rst_n;
	uint64_t accepts;	/* host connections accepted so far */
	struct vsock_stats stats;
};

/* Listen on @uds (a stale socket file there is replaced) and create the
 * epoll set.  0 or -errno (-ENAMETOOLONG: @uds leaves no room for
 * "_<port>"). */
int vsock_init(struct vsock *v, uint64_t guest_cid, const char *uds);

/* Close everything and remove the listening socket's file. */
void vsock_destroy(struct vsock *v);

/* The driver reset the device: every connection ends, nothing is owed. */
void vsock_reset(struct vsock *v);

/* The epoll set is readable: accept host connections, read their
 * CONNECT lines, flush guest data, note readable sockets. */
void vsock_host_events(struct vsock *v);

/* A packet from the guest: header @h and @avail payload bytes in @iov.
 * Every field is checked; a bad packet is answered with RST (or dropped
 * if its source is not the guest). */
void vsock_from_guest(struct vsock *v, const struct vsock_hdr *h,
		      const struct iovec *iov, unsigned niov, size_t avail);

/* Is there a packet for the guest?  If so, vsock_emit must follow with a
 * receive buffer before anything else touches @v. */
bool vsock_pending(struct vsock *v);

/* Write the packet vsock_pending chose: its header into @h, its payload
 * (at most @cap bytes) into @iov.  Payload bytes written. */
size_t vsock_emit(struct vsock *v, struct vsock_hdr *h,
		  const struct iovec *iov, unsigned niov, size_t cap);

/* Wire format (little-endian, VSOCK_HDR_SIZE bytes). */
void vsock_hdr_load(struct vsock_hdr *h, const void *p);
void vsock_hdr_store(const struct vsock_hdr *h, void *p);

/* The files behind this header, each using only those below it:
 * vsock_events.c (socket events into protocol steps) over vsock_conn.c
 * (the packets) over vsock_host.c (the sockets and the connection
 * table).  The epoll tag of the listener is one past the table. */
#define VSOCK_LISTEN_TAG	VSOCK_MAX_CONNS

/* The packets' side (vsock_conn.c). */
void vsock_conn_reset(struct vsock *v, struct vsock_conn *c);
void vsock_conn_drained(struct vsock *v, struct vsock_conn *c);

/* The sockets' side (vsock_host.c).  vsock_host_flush: write what is
 * buffered for the host; -1 if the socket failed. */
struct vsock_conn *vsock_conn_new(struct vsock *v, int fd,
				  enum vsock_state state);
void vsock_conn_free(struct vsock *v, struct vsock_conn *c);
int vsock_host_connect(const struct vsock *v, uint32_t port);
int vsock_host_watch(struct vsock *v, struct vsock_conn *c);
int vsock_host_ok(struct vsock_conn *c);
int vsock_host_write(struct vsock *v, struct vsock_conn *c,
		     const struct iovec *iov, unsigned niov, size_t len);
int vsock_host_flush(struct vsock_conn *c);
void vsock_host_close(struct vsock *v, struct vsock_conn *c);

#endif
