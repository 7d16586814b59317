/* virtio-vsock, host side: the unix sockets (io/vsock_conn.h).
 *
 * Every socket is non-blocking and registered edge-triggered in one epoll
 * set, so the event loop watches a single fd and is woken only by new
 * events: a socket whose data waits for guest credit does not keep waking
 * it.  A connection remembers "maybe readable" until a read finds the
 * socket empty.  Sockets leave the set before they are closed, and each
 * registration carries the slot's generation, so a late event never
 * reaches the slot's next user. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/iov.h"
#include "io/vsock_conn.h"

#define BACKLOG		16
#define CONN_EVENTS	(EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)

static bool again(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* --- sockets ------------------------------------------------------------- */

/* @path fits: vsock_init checked the longest one, "UDS_4294967295". */
static socklen_t addr_of(struct sockaddr_un *sa, const char *path)
{
	size_t len = strnlen(path, sizeof(sa->sun_path) - 1);

	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	memcpy(sa->sun_path, path, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

static int stream_socket(void)
{
	return socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

/* A socket file an earlier run left behind is replaced; one that still
 * answers belongs to a live program (-EADDRINUSE), and anything else at
 * @path is not ours to remove (bind fails). */
static int clear_stale(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len = addr_of(&sa, path);
	struct stat st;
	int fd, live;

	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0;
	fd = stream_socket();
	if (fd < 0)
		return -errno;
	live = connect(fd, (struct sockaddr *)&sa, len) == 0 ||
	       errno == EAGAIN;
	close(fd);
	if (live)
		return -EADDRINUSE;
	unlink(path);
	return 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa;
	socklen_t len = addr_of(&sa, path);
	int fd, err = clear_stale(path);

	if (err < 0)
		return err;
	fd = stream_socket();
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 ||
	    listen(fd, BACKLOG) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Unix sockets connect at once or not at all (no EINPROGRESS). */
int vsock_host_connect(const struct vsock *v, uint32_t port)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockaddr_un sa;
	socklen_t len;
	int fd = stream_socket(), err;

	if (fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s_%" PRIu32, v->uds, port);
	len = addr_of(&sa, path);
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int vsock_host_watch(struct vsock *v, struct vsock_conn *c)
{
	struct epoll_event ev = {
		.events = CONN_EVENTS,
		.data.u64 = (uint64_t)c->gen << 32 | (uint64_t)(c - v->conn),
	};

	return epoll_ctl(v->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0 ? -errno : 0;
}

void vsock_host_close(struct vsock *v, struct vsock_conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(v->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->head = c->used = 0;
	c->readable = false;
}

/* A fresh socket's send buffer is empty: the short line goes at once, or
 * the socket is broken. */
int vsock_host_ok(struct vsock_conn *c)
{
	char line[VSOCK_LINE_MAX];
	int n = snprintf(line, sizeof(line), "OK %" PRIu32 "\n", c->port);

	return send(c->fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n ?
		       0 : -1;
}

/* --- guest data to the host ------------------------------------------- */

/* Bytes to the socket: how many it took (0 when full), -1 if broken. */
static ssize_t send_iov(int fd, struct iovec *iov, unsigned n)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = n };
	ssize_t w = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (w < 0)
		return again() ? 0 : -1;
	return w;
}

/* Append @len bytes at @p to the ring (the caller made room). */
static void ring_copy(struct vsock_conn *c, const uint8_t *p, size_t len)
{
	uint32_t tail = (c->head + c->used) % VSOCK_BUF_ALLOC;
	size_t first = VSOCK_BUF_ALLOC - tail;

	if (first > len)
		first = len;
	memcpy(c->buf + tail, p, first);
	memcpy(c->buf, p + first, len - first);
	c->used += (uint32_t)len;
}

/* Keep what the socket did not take: @len bytes of @iov from @skip. */
static int ring_put(struct vsock_conn *c, const struct iovec *iov,
		    unsigned n, size_t skip, size_t len)
{
	struct iovec part[VSOCK_MAX_IOV];
	unsigned np = iov_slice(iov, n, skip, len, part, VSOCK_MAX_IOV);

	if (!c->buf && !(c->buf = malloc(VSOCK_BUF_ALLOC)))
		return -1;
	for (unsigned i = 0; i < np; i++)
		ring_copy(c, part[i].iov_base, part[i].iov_len);
	return 0;
}

/* The caller checked the bytes fit our credit (c->used + @len at most
 * VSOCK_BUF_ALLOC).  0, or -1 if the host socket is broken. */
int vsock_host_write(struct vsock *v, struct vsock_conn *c,
		     const struct iovec *iov, unsigned niov, size_t len)
{
	struct iovec part[VSOCK_MAX_IOV];
	unsigned n = iov_slice(iov, niov, 0, len, part, VSOCK_MAX_IOV);
	ssize_t w = 0;

	(void)v;
	if (!c->used)
		w = send_iov(c->fd, part, n);	/* straight from guest RAM */
	if (w < 0)
		return -1;
	c->fwd_cnt += (uint32_t)w;
	if ((size_t)w < len)
		return ring_put(c, part, n, (size_t)w, len - (size_t)w);
	return 0;
}

int vsock_host_flush(struct vsock_conn *c)
{
	while (c->used) {
		uint32_t first = VSOCK_BUF_ALLOC - c->head;
		struct iovec iov[2] = {
			{ c->buf + c->head, first < c->used ? first : c->used },
			{ c->buf, first < c->used ? c->used - first : 0 },
		};
		ssize_t w = send_iov(c->fd, iov, iov[1].iov_len ? 2 : 1);

		if (w < 0)
			return -1;
		if (w == 0)
			break;
		c->head = (uint32_t)((c->head + (size_t)w) % VSOCK_BUF_ALLOC);
		c->used -= (uint32_t)w;
		c->fwd_cnt += (uint32_t)w;
	}
	return 0;
}

/* --- the connection table ------------------------------------------------ */

struct vsock_conn *vsock_conn_new(struct vsock *v, int fd,
				  enum vsock_state state)
{
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = &v->conn[i];
		uint32_t gen = c->gen + 1;

		if (c->state != VSOCK_FREE)
			continue;
		*c = (struct vsock_conn){ .state = state, .fd = fd,
					  .gen = gen };
		return c;
	}
	return NULL;
}

void vsock_conn_free(struct vsock *v, struct vsock_conn *c)
{
	uint32_t gen = c->gen;

	vsock_host_close(v, c);
	*c = (struct vsock_conn){ .state = VSOCK_FREE, .fd = -1, .gen = gen };
}

/* --- life ---------------------------------------------------------------- */

int vsock_init(struct vsock *v, uint64_t guest_cid, const char *uds)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET,
				  .data.u64 = VSOCK_LISTEN_TAG };
	int err;

	memset(v, 0, sizeof(*v));
	v->guest_cid = guest_cid;
	v->listen_fd = v->epfd = -1;
	v->next_port = VSOCK_PORT_BASE;
	v->pick = -1;
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++)
		v->conn[i].fd = -1;
	if (!*uds)
		return -EINVAL;
	if (strlen(uds) > VSOCK_UDS_MAX)
		return -ENAMETOOLONG;
	memcpy(v->uds, uds, strlen(uds) + 1);
	v->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (v->epfd < 0)
		return -errno;
	v->listen_fd = listen_on(uds);
	if (v->listen_fd < 0) {
		err = v->listen_fd;
		vsock_destroy(v);
		return err;
	}
	if (epoll_ctl(v->epfd, EPOLL_CTL_ADD, v->listen_fd, &ev) < 0) {
		err = -errno;
		vsock_destroy(v);
		return err;
	}
	return 0;
}

void vsock_destroy(struct vsock *v)
{
	for (unsigned i = 0; i < VSOCK_MAX_CONNS; i++)
		if (v->conn[i].state != VSOCK_FREE)
			vsock_conn_free(v, &v->conn[i]);
	if (v->listen_fd >= 0) {
		close(v->listen_fd);
		unlink(v->uds);
	}
	if (v->epfd >= 0)
		close(v->epfd);
	v->listen_fd = v->epfd = -1;
}
