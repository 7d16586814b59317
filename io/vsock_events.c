/* virtio-vsock: what the host sockets' epoll set reports (io/vsock_conn.h),
 * turned into the protocol's steps: a host program connecting and
 * sending its CONNECT line, a socket that failed or hung up, one that
 * can take the bytes buffered for it again.  Above both the packets
 * (vsock_conn.c) and the sockets (vsock_host.c), which never call back. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/vsock_conn.h"

#define EVENTS 16

static bool would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* --- host connections: accept, "CONNECT <port>\n" ----------------------- */

/* "CONNECT <decimal port>\n", nothing more, nothing less. */
static int parse_connect(const char *s, size_t len, uint32_t *port)
{
	static const char verb[] = "CONNECT ";
	size_t i = sizeof(verb) - 1;
	uint64_t p = 0;

	if (len < i + 2 || memcmp(s, verb, i) || s[len - 1] != '\n')
		return -1;
	for (; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		p = p * 10 + (uint64_t)(s[i] - '0');
		if (p > UINT32_MAX)
			return -1;
	}
	*port = (uint32_t)p;
	return 0;
}

/* A host port no live connection uses (at most VSOCK_MAX_CONNS are). */
static uint32_t port_alloc(struct vsock *v)
{
	for (;;) {
		uint32_t p = v->next_port++;
		bool used = false;

		if (v->next_port < VSOCK_PORT_BASE)
			v->next_port = VSOCK_PORT_BASE;
		for (unsigned i = 0; i < VSOCK_MAX_CONNS && !used; i++)
			used = v->conn[i].state >= VSOCK_CONNECTING &&
			       v->conn[i].port == p;
		if (!used)
			return p;
	}
}

/* Read the CONNECT line, and not a byte past it: what follows is the
 * stream.  A bad or overlong line, or EOF, closes the socket. */
static void read_line(struct vsock *v, struct vsock_conn *c)
{
	char line[VSOCK_LINE_MAX];
	ssize_t n = recv(c->fd, line, sizeof(line), MSG_PEEK | MSG_DONTWAIT);
	const char *nl;
	uint32_t port;

	if (n < 0 && would_block())
		return;
	nl = n > 0 ? memchr(line, '\n', (size_t)n) : NULL;
	if (!nl && n == (ssize_t)sizeof(line))
		n = 0; /* no line ends here */
	if (n > 0 && !nl)
		return; /* the rest is coming */
	if (n <= 0 ||
	    recv(c->fd, line, (size_t)(nl - line + 1), MSG_DONTWAIT) !=
		    nl - line + 1 ||
	    parse_connect(line, (size_t)(nl - line + 1), &port) < 0) {
		vsock_conn_free(v, c);
		return;
	}
	c->guest_port = port;
	c->port = port_alloc(v);
	c->state = VSOCK_CONNECTING;
	c->owe = VSOCK_OWE_REQUEST;
	c->readable = true;
}

/* Host connections that hold a slot; *@oldest, of those still waiting
 * for their line, the one accepted first (NULL if none); *@lines, how
 * many wait. */
static unsigned host_conns(struct vsock *v, struct vsock_conn **oldest,
			   unsigned *lines)
{
	unsigned n = 0;

	*oldest = NULL;
	*lines = 0;
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conn[i];

		if (c->state == VSOCK_FREE || !c->from_host)
			continue;
		n++;
		if (c->state != VSOCK_LINE)
			continue;
		++*lines;
		if (!*oldest || c->accepted < (*oldest)->accepted)
			*oldest = c;
	}
	return n;
}

/* A slot for a host connection just accepted: the oldest one still
 * waiting for its line makes room if VSOCK_MAX_LINES wait (idle peers
 * cannot hold slots for long); none beyond VSOCK_MAX_HOST_CONNS, so the
 * guest's own connections always find one. */
static struct vsock_conn *host_slot(struct vsock *v, int fd)
{
	struct vsock_conn *oldest, *c;
	unsigned lines, n = host_conns(v, &oldest, &lines);

	if (lines >= VSOCK_MAX_LINES) {
		vsock_conn_free(v, oldest);
		n--;
	}
	if (n >= VSOCK_MAX_HOST_CONNS)
		return NULL;
	c = vsock_conn_new(v, fd, VSOCK_LINE);
	if (c) {
		c->from_host = true;
		c->accepted = v->accepts++;
	}
	return c;
}

/* Take every pending host connection; with no slot for it, close it at
 * once (the host sees EOF before any OK). */
static void accept_all(struct vsock *v)
{
	for (;;) {
		int fd = accept4(v->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct vsock_conn *c;

		if (fd < 0) {
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			return;
		}
		c = host_slot(v, fd);
		if (!c)
			close(fd);
		else if (vsock_host_watch(v, c) < 0)
			vsock_conn_free(v, c);
	}
}

static void conn_event(struct vsock *v, struct vsock_conn *c, uint32_t ev)
{
	if (ev & EPOLLERR) {
		vsock_conn_reset(v, c);
		return;
	}
	if (c->state == VSOCK_LINE) {
		read_line(v, c);
		return;
	}
	/* A host connection the guest has not answered, hung up on. */
	if (c->state == VSOCK_CONNECTING && (ev & EPOLLHUP)) {
		vsock_conn_reset(v, c);
		return;
	}
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
		c->readable = true;
	if (!(ev & EPOLLOUT))
		return;
	if (vsock_host_flush(c) < 0)
		vsock_conn_reset(v, c);
	else
		vsock_conn_drained(v, c);
}

static void dispatch(struct vsock *v, const struct epoll_event *e)
{
	uint32_t slot = (uint32_t)e->data.u64;
	uint32_t gen = (uint32_t)(e->data.u64 >> 32);
	struct vsock_conn *c;

	if (slot == VSOCK_LISTEN_TAG) {
		accept_all(v);
		return;
	}
	if (slot >= VSOCK_MAX_CONNS)
		return;
	c = &v->conn[slot];
	if (c->gen == gen && c->fd >= 0)
		conn_event(v, c, e->events);
}

/* Until the ready list is empty: edge-triggered events left unread would
 * never wake the loop again, and handling one can add another (a socket
 * just accepted). */
void vsock_host_events(struct vsock *v)
{
	struct epoll_event ev[EVENTS];
	int n;

	while ((n = epoll_wait(v->epfd, ev, EVENTS, 0)) > 0)
		for (int i = 0; i < n; i++)
			dispatch(v, &ev[i]);
}
