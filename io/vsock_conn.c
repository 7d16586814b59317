/* virtio-vsock connections: the packets the guest sends, the packets it
 * is owed, and credit (io/vsock_conn.h).
 *
 * Credit (virtio 1.2, 5.10.6.3): each side tells the other, in every
 * header, its receive space (buf_alloc) and how many bytes it has taken
 * from it (fwd_cnt).  We send the guest at most
 * peer_buf_alloc - (tx_cnt - peer_fwd_cnt) bytes, and hold at most
 * VSOCK_BUF_ALLOC bytes of its data: a guest that sends more is reset. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/virtio_vsock.h>

#include "io/iov.h"
#include "io/le.h"
#include "io/vsock_conn.h"

#define SHUT_BOTH	(VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND)

/* --- wire format -------------------------------------------------------- */

void vsock_hdr_load(struct vsock_hdr *h, const void *p)
{
	const uint8_t *b = p;

	*h = (struct vsock_hdr){
		.src_cid = le64_load(b),
		.dst_cid = le64_load(b + 8),
		.src_port = le32_load(b + 16),
		.dst_port = le32_load(b + 20),
		.len = le32_load(b + 24),
		.type = le16_load(b + 28),
		.op = le16_load(b + 30),
		.flags = le32_load(b + 32),
		.buf_alloc = le32_load(b + 36),
		.fwd_cnt = le32_load(b + 40),
	};
}

void vsock_hdr_store(const struct vsock_hdr *h, void *p)
{
	uint8_t *b = p;

	le64_store(b, h->src_cid);
	le64_store(b + 8, h->dst_cid);
	le32_store(b + 16, h->src_port);
	le32_store(b + 20, h->dst_port);
	le32_store(b + 24, h->len);
	le16_store(b + 28, h->type);
	le16_store(b + 30, h->op);
	le32_store(b + 32, h->flags);
	le32_store(b + 36, h->buf_alloc);
	le32_store(b + 40, h->fwd_cnt);
}

/* Does the guest know of @c (so that ending it takes a RST)? */
static bool guest_knows(const struct vsock_conn *c)
{
	return c->state == VSOCK_OPEN ||
	       (c->state == VSOCK_CONNECTING &&
		!(c->owe & VSOCK_OWE_REQUEST));
}

/* End @c abruptly: the host sees its socket close, the guest gets RST. */
void vsock_conn_reset(struct vsock *v, struct vsock_conn *c)
{
	if (!guest_knows(c)) {
		vsock_conn_free(v, c);
		return;
	}
	vsock_host_close(v, c);
	c->state = VSOCK_CLOSED;
	c->owe = VSOCK_OWE_RST;
}

/* The connection of guest port @gport and host port @port, or NULL. */
static struct vsock_conn *conn_find(struct vsock *v, uint32_t gport,
				    uint32_t port)
{
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conn[i];

		if (c->state >= VSOCK_CONNECTING && c->port == port &&
		    c->guest_port == gport)
			return c;
	}
	return NULL;
}

static uint32_t peer_credit(const struct vsock_conn *c)
{
	uint32_t in_flight = c->tx_cnt - c->peer_fwd_cnt;

	return in_flight >= c->peer_buf_alloc ? 0 :
						c->peer_buf_alloc - in_flight;
}

/* The host took guest bytes (or the guest stopped sending): tell the
 * guest of its credit before it runs short, and finish a shutdown the
 * guest asked for once its data is through. */
void vsock_conn_drained(struct vsock *v, struct vsock_conn *c)
{
	if (c->fwd_cnt - c->fwd_told > VSOCK_BUF_ALLOC - VSOCK_CREDIT_LOW)
		c->owe |= VSOCK_OWE_CREDIT;
	if (c->used || c->state != VSOCK_OPEN)
		return;
	if ((c->peer_shut & VIRTIO_VSOCK_SHUTDOWN_SEND) && !c->host_wr_shut) {
		shutdown(c->fd, SHUT_WR);
		c->host_wr_shut = true;
	}
	if (c->peer_shut == SHUT_BOTH)
		vsock_conn_reset(v, c);		/* RST acknowledges the close */
}

/* Connections the guest knew of end; host connections still waiting to
 * be announced keep waiting (their REQUEST goes to the next driver). */
void vsock_reset(struct vsock *v)
{
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conn[i];

		if (c->state == VSOCK_CLOSED || guest_knows(c))
			vsock_conn_free(v, c);
	}
	v->rst_n = 0;
	v->pick = -1;
}

/* --- packets from the guest ---------------------------------------------- */

/* Answer packet @h, which matched no connection, with RST; never a RST
 * with a RST (two ends could bounce them forever). */
static void reply_rst(struct vsock *v, const struct vsock_hdr *h)
{
	struct vsock_rst *r;

	if (h->op == VIRTIO_VSOCK_OP_RST || v->rst_n == VSOCK_RST_RING)
		return;
	r = &v->rst[(v->rst_head + v->rst_n++) % VSOCK_RST_RING];
	*r = (struct vsock_rst){ .cid = h->dst_cid, .port = h->dst_port,
				 .guest_port = h->src_port };
}

/* What the guest's header says of its receive side. */
static void space_update(struct vsock_conn *c, const struct vsock_hdr *h)
{
	if (c->peer_buf_alloc != h->buf_alloc ||
	    c->peer_fwd_cnt != h->fwd_cnt)
		c->credit_asked = false;
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
}

struct pkt {
	const struct vsock_hdr *h;
	const struct iovec *iov;
	unsigned niov;
};

typedef void op_fn(struct vsock *v, struct vsock_conn *c,
		   const struct pkt *p);

/* The guest connects to host port dst_port: connect to UDS_<port>. */
static void op_request(struct vsock *v, struct vsock_conn *c,
		       const struct pkt *p)
{
	if (c) {
		vsock_conn_reset(v, c);		/* already connected */
		return;
	}
	c = vsock_conn_new(v, -1, VSOCK_OPEN);
	if (c) {
		c->fd = vsock_host_connect(v, p->h->dst_port);
		if (c->fd < 0 || vsock_host_watch(v, c) < 0) {
			vsock_conn_free(v, c);
			c = NULL;
		}
	}
	if (!c) {
		reply_rst(v, p->h);
		return;
	}
	c->port = p->h->dst_port;
	c->guest_port = p->h->src_port;
	space_update(c, p->h);
	c->owe = VSOCK_OWE_RESPONSE;
}

/* The guest accepted a host connection: the host hears "OK <port>\n". */
static void op_response(struct vsock *v, struct vsock_conn *c,
			const struct pkt *p)
{
	if (c->state != VSOCK_CONNECTING || (c->owe & VSOCK_OWE_REQUEST) ||
	    vsock_host_ok(c) < 0) {
		vsock_conn_reset(v, c);
		return;
	}
	(void)p;
	c->state = VSOCK_OPEN;
	c->readable = true;	/* the host may have written already */
}

static void op_rst(struct vsock *v, struct vsock_conn *c,
		   const struct pkt *p)
{
	(void)p;
	vsock_conn_free(v, c);
}

static void op_shutdown(struct vsock *v, struct vsock_conn *c,
			const struct pkt *p)
{
	if (c->state != VSOCK_OPEN) {
		vsock_conn_reset(v, c);
		return;
	}
	c->peer_shut |= p->h->flags & SHUT_BOTH;
	vsock_conn_drained(v, c);
}

static void op_rw(struct vsock *v, struct vsock_conn *c, const struct pkt *p)
{
	uint32_t len = p->h->len;

	if (c->state != VSOCK_OPEN ||
	    (c->peer_shut & VIRTIO_VSOCK_SHUTDOWN_SEND)) {
		vsock_conn_reset(v, c);
		return;
	}
	if (len > VSOCK_BUF_ALLOC - c->used) {
		v->stats.overruns++;
		vsock_conn_reset(v, c);
		return;
	}
	if (len && vsock_host_write(v, c, p->iov, p->niov, len) < 0) {
		vsock_conn_reset(v, c);
		return;
	}
	vsock_conn_drained(v, c);
}

static void op_credit_update(struct vsock *v, struct vsock_conn *c,
			     const struct pkt *p)
{
	(void)v;
	(void)c;
	(void)p;		/* the header said it all */
}

static void op_credit_request(struct vsock *v, struct vsock_conn *c,
			      const struct pkt *p)
{
	(void)v;
	(void)p;
	c->owe |= VSOCK_OWE_CREDIT;
}

/* By op; a NULL entry is an op the guest may not send. */
static op_fn *const ops[] = {
	[VIRTIO_VSOCK_OP_REQUEST] = op_request,
	[VIRTIO_VSOCK_OP_RESPONSE] = op_response,
	[VIRTIO_VSOCK_OP_RST] = op_rst,
	[VIRTIO_VSOCK_OP_SHUTDOWN] = op_shutdown,
	[VIRTIO_VSOCK_OP_RW] = op_rw,
	[VIRTIO_VSOCK_OP_CREDIT_UPDATE] = op_credit_update,
	[VIRTIO_VSOCK_OP_CREDIT_REQUEST] = op_credit_request,
};

static op_fn *op_of(uint16_t op)
{
	return op < sizeof(ops) / sizeof(ops[0]) ? ops[op] : NULL;
}

/* Is the packet well-formed for a STREAM to the host? */
static bool pkt_valid(const struct vsock_hdr *h, size_t avail)
{
	return h->dst_cid == VSOCK_HOST_CID &&
	       h->type == VIRTIO_VSOCK_TYPE_STREAM && h->len <= avail &&
	       op_of(h->op);
}

void vsock_from_guest(struct vsock *v, const struct vsock_hdr *h,
		      const struct iovec *iov, unsigned niov, size_t avail)
{
	struct iovec data[VSOCK_MAX_IOV];
	struct pkt p = { .h = h, .iov = data };
	struct vsock_conn *c;

	v->stats.from_guest++;
	if (h->src_cid != v->guest_cid) {
		v->stats.dropped++;	/* not from the guest: no reply */
		return;
	}
	c = conn_find(v, h->src_port, h->dst_port);
	if (c && c->state == VSOCK_CLOSED) {
		if (h->op != VIRTIO_VSOCK_OP_REQUEST)
			return;		/* a RST is on its way */
		vsock_conn_free(v, c);	/* the guest moved on: reuse */
		c = NULL;
	}
	if (!pkt_valid(h, avail)) {
		if (c)
			vsock_conn_reset(v, c);
		else
			reply_rst(v, h);
		return;
	}
	if (!c && h->op != VIRTIO_VSOCK_OP_REQUEST) {
		reply_rst(v, h);
		return;
	}
	if (c)
		space_update(c, h);
	p.niov = iov_slice(iov, niov, 0, h->len, data, VSOCK_MAX_IOV);
	op_of(h->op)(v, c, &p);
}

/* --- packets for the guest ----------------------------------------------- */

/* Would @c send the guest data if its socket has some? */
static bool conn_streams(const struct vsock_conn *c)
{
	return c->state == VSOCK_OPEN && c->readable &&
	       !(c->peer_shut & VIRTIO_VSOCK_SHUTDOWN_RCV) &&
	       !(c->shut_sent & VIRTIO_VSOCK_SHUTDOWN_SEND);
}

/* Does the host socket hold data (1), EOF (0), nothing (-1)?  An error
 * resets @c. */
static int host_peek(struct vsock *v, struct vsock_conn *c)
{
	char b;
	ssize_t n = recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		c->readable = false;
		return -1;
	}
	vsock_conn_reset(v, c);
	return 1;	/* the RST is the packet */
}

/* Has @c a packet for the guest?  Data needs credit; without it, the
 * guest is asked once for more. */
static bool conn_ready(struct vsock *v, struct vsock_conn *c)
{
	if (c->owe)
		return true;
	if (!conn_streams(c))
		return false;
	switch (host_peek(v, c)) {
	case 0:		/* EOF: the host sends no more */
		c->shut_sent |= VIRTIO_VSOCK_SHUTDOWN_SEND;
		c->owe |= VSOCK_OWE_SHUTDOWN;
		c->readable = false;
		return true;
	case 1:
		break;
	default:
		return false;
	}
	if (c->owe || peer_credit(c))
		return true;
	if (c->credit_asked)
		return false;
	c->credit_asked = true;
	c->owe |= VSOCK_OWE_CREDIT_REQ;
	return true;
}

bool vsock_pending(struct vsock *v)
{
	if (v->rst_n) {
		v->pick = -1;
		return true;
	}
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++) {
		unsigned k = (v->rr + i) % VSOCK_MAX_CONNS;

		if (v->conn[k].state >= VSOCK_CONNECTING &&
		    conn_ready(v, &v->conn[k])) {
			v->pick = (int)k;
			return true;
		}
	}
	return false;
}

/* The reset for a packet that matched nothing. */
static size_t emit_rst(struct vsock *v, struct vsock_hdr *h)
{
	const struct vsock_rst *r = &v->rst[v->rst_head];

	v->rst_head = (v->rst_head + 1) % VSOCK_RST_RING;
	v->rst_n--;
	h->src_cid = r->cid;
	h->src_port = r->port;
	h->dst_port = r->guest_port;
	h->op = VIRTIO_VSOCK_OP_RST;
	return 0;
}

/* Data from the host socket into the guest's buffer; the packet becomes
 * SHUTDOWN on EOF, RST on error, a plain credit update if there was
 * nothing after all. */
static size_t emit_data(struct vsock *v, struct vsock_conn *c,
			struct vsock_hdr *h, const struct iovec *iov,
			unsigned niov, size_t cap)
{
	struct iovec part[VSOCK_MAX_IOV];
	size_t want = cap;
	unsigned n;
	ssize_t got;

	if (want > peer_credit(c))
		want = peer_credit(c);
	if (want > VSOCK_MAX_PAYLOAD)
		want = VSOCK_MAX_PAYLOAD;
	h->op = VIRTIO_VSOCK_OP_CREDIT_UPDATE;
	if (want == 0)
		return 0;
	n = iov_slice(iov, niov, 0, want, part, VSOCK_MAX_IOV);
	got = readv(c->fd, part, (int)n);
	if (got > 0) {
		h->op = VIRTIO_VSOCK_OP_RW;
		h->len = (uint32_t)got;
		c->tx_cnt += (uint32_t)got;
		return (size_t)got;
	}
	if (got == 0) {
		c->shut_sent |= VIRTIO_VSOCK_SHUTDOWN_SEND;
		h->op = VIRTIO_VSOCK_OP_SHUTDOWN;
		h->flags = c->shut_sent;
	} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
		vsock_conn_free(v, c);
		h->op = VIRTIO_VSOCK_OP_RST;
		v->stats.resets++;
	}
	c->readable = false;
	return 0;
}

/* Owed control packets, in the order they go out. */
static const struct {
	uint8_t owe;
	uint16_t op;
} owed[] = {
	{ VSOCK_OWE_RST, VIRTIO_VSOCK_OP_RST },
	{ VSOCK_OWE_REQUEST, VIRTIO_VSOCK_OP_REQUEST },
	{ VSOCK_OWE_RESPONSE, VIRTIO_VSOCK_OP_RESPONSE },
	{ VSOCK_OWE_CREDIT, VIRTIO_VSOCK_OP_CREDIT_UPDATE },
	{ VSOCK_OWE_CREDIT_REQ, VIRTIO_VSOCK_OP_CREDIT_REQUEST },
	{ VSOCK_OWE_SHUTDOWN, VIRTIO_VSOCK_OP_SHUTDOWN },
};

static size_t emit_conn(struct vsock *v, struct vsock_conn *c,
			struct vsock_hdr *h, const struct iovec *iov,
			unsigned niov, size_t cap)
{
	h->src_port = c->port;
	h->dst_port = c->guest_port;
	h->buf_alloc = VSOCK_BUF_ALLOC;
	h->fwd_cnt = c->fwd_cnt;
	c->fwd_told = c->fwd_cnt;	/* every header carries the credit */
	for (size_t i = 0; i < sizeof(owed) / sizeof(owed[0]); i++) {
		if (!(c->owe & owed[i].owe))
			continue;
		c->owe &= ~(owed[i].owe | VSOCK_OWE_CREDIT);
		h->op = owed[i].op;
		if (h->op == VIRTIO_VSOCK_OP_SHUTDOWN)
			h->flags = c->shut_sent;
		if (h->op == VIRTIO_VSOCK_OP_RST) {
			vsock_conn_free(v, c);
			v->stats.resets++;
		}
		return 0;
	}
	return emit_data(v, c, h, iov, niov, cap);
}

size_t vsock_emit(struct vsock *v, struct vsock_hdr *h,
		  const struct iovec *iov, unsigned niov, size_t cap)
{
	int k = v->pick;

	*h = (struct vsock_hdr){ .src_cid = VSOCK_HOST_CID,
				 .dst_cid = v->guest_cid,
				 .type = VIRTIO_VSOCK_TYPE_STREAM };
	v->stats.to_guest++;
	v->pick = -1;
	if (k < 0) {
		v->stats.resets++;
		return emit_rst(v, h);
	}
	v->rr = ((unsigned)k + 1) % VSOCK_MAX_CONNS;
	return emit_conn(v, &v->conn[k], h, iov, niov, cap);
}
