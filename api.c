/* The control socket (api.h): requests parsed with cJSON, served on the
 * event loop thread. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <liburing.h>

#include "api.h"
#include "cpu/thread.h"
#include "io/loop.h"
#include "jsontext.h"
#include "lifecycle.h"
#include "machine.h"
#include "migrate/live.h"
#include "migrate/state.h"
#include "report.h"

/* --- parsing ------------------------------------------------------------- */

static const struct {
	const char *name;
	enum api_op op;
} ops[] = {
	{"pause", API_PAUSE},	    {"resume", API_RESUME},
	{"snapshot", API_SNAPSHOT}, {"stop", API_STOP},
	{"info", API_INFO},	    {"migrate", API_MIGRATE},
};

static int refuse(char *why, size_t wlen, const char *msg, const char *arg)
{
	snprintf(why, wlen, msg, arg);
	return -EINVAL;
}

/* Every key but "request" must be one the request takes, and none may
 * come twice (cJSON keeps both). */
static int check_keys(const cJSON *o, enum api_op op, char *why, size_t wlen)
{
	static const char *const known[] = {"request", "path", "fd", "uds"};
	unsigned seen = 0;
	const cJSON *v;

	cJSON_ArrayForEach(v, o)
	{
		const char *key = v->string;
		unsigned i = 0;
		bool ok = !strcmp(key, "request") ||
			  (op == API_SNAPSHOT && !strcmp(key, "path")) ||
			  (op == API_MIGRATE &&
			   (!strcmp(key, "fd") || !strcmp(key, "uds")));

		if (!ok)
			return refuse(why, wlen, "unknown key \"%.64s\"", key);
		while (strcmp(known[i], key))
			i++;
		if (seen & 1u << i)
			return refuse(why, wlen,
				      "not JSON: duplicate key \"%s\"", key);
		seen |= 1u << i;
	}
	return 0;
}

/* A string value of at most @max - 1 bytes, or NULL. */
static const char *string_of(const cJSON *v, size_t max)
{
	if (!cJSON_IsString(v) || !v->valuestring[0] ||
	    strlen(v->valuestring) >= max)
		return NULL;
	return v->valuestring;
}

/* migrate: exactly one of "uds" (a path) and "fd" (a descriptor). */
static int parse_migrate(const cJSON *o, struct api_req *r, char *why,
			 size_t wlen)
{
	const cJSON *uds = cJSON_GetObjectItemCaseSensitive(o, "uds");
	const cJSON *fd = cJSON_GetObjectItemCaseSensitive(o, "fd");
	const char *path;
	int64_t n;

	if (!uds == !fd)
		return refuse(why, wlen,
			      "migrate needs one of \"uds\" and \"fd\"", NULL);
	if (fd) {
		if (!jsontext_int(fd, &n) || n < 0 || n > 65535)
			return refuse(why, wlen,
				      "\"fd\" must be a descriptor number",
				      NULL);
		r->fd = (int)n;
		return 0;
	}
	path = string_of(uds, sizeof(((struct sockaddr_un *)0)->sun_path));
	if (!path)
		return refuse(why, wlen, "bad \"uds\" path", NULL);
	strcpy(r->path, path);
	return 0;
}

static int parse_obj(const cJSON *o, struct api_req *r, char *why, size_t wlen)
{
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(o, "request");
	const cJSON *path;
	const char *name;
	size_t i, n = sizeof(ops) / sizeof(ops[0]);

	if (!cJSON_IsString(req))
		return refuse(why, wlen, "no \"request\" string", NULL);
	name = req->valuestring;
	for (i = 0; i < n && strcmp(ops[i].name, name); i++)
		;
	if (i == n)
		return refuse(why, wlen, "unknown request \"%.64s\"", name);
	r->op = ops[i].op;
	if (check_keys(o, r->op, why, wlen))
		return -EINVAL;
	r->fd = -1;
	if (r->op == API_MIGRATE)
		return parse_migrate(o, r, why, wlen);
	if (r->op != API_SNAPSHOT)
		return 0;
	path = cJSON_GetObjectItemCaseSensitive(o, "path");
	if (!cJSON_IsString(path) || !path->valuestring[0])
		return refuse(why, wlen, "snapshot needs a \"path\" string",
			      NULL);
	if (!string_of(path, sizeof(r->path)))
		return refuse(why, wlen, "bad \"path\"", NULL);
	strcpy(r->path, path->valuestring);
	return 0;
}

int api_parse(const char *line, size_t len, struct api_req *r, char *why,
	      size_t wlen)
{
	const char *what;
	char *text;
	size_t at;
	cJSON *o;
	int err;

	memset(r, 0, sizeof(*r));
	/* A request is one flat object: nesting deeper than 2 is refused
	 * before cJSON, whose recursion would otherwise go 1000 deep on
	 * the loop thread's 64 KiB stack. */
	if (jsontext_check(line, len, 2, &at, &what))
		return refuse(why, wlen, "not JSON: %.100s", what);
	text = malloc(len + 1); /* cJSON wants the NUL after the line */
	if (!text)
		return refuse(why, wlen, "out of memory", NULL);
	memcpy(text, line, len);
	text[len] = '\0';
	o = jsontext_parse(text, len, &at);
	free(text);
	if (!o) {
		snprintf(why, wlen, "not JSON: syntax error at byte %zu",
			 at + 1);
		return -EINVAL;
	}
	err = cJSON_IsObject(o) ? parse_obj(o, r, why, wlen)
				: refuse(why, wlen, "not a JSON object", NULL);
	cJSON_Delete(o);
	return err;
}

/* --- the server ---------------------------------------------------------- */

struct client {
	int fd; /* -1: free */
	unsigned gen;
	size_t len;
	bool skip; /* the line was too long: drop it up to its newline */
	char buf[API_LINE_MAX];
};

/* A snapshot waiting for the devices' requests in flight. */
struct pending {
	bool active;
	int client;
	unsigned gen;
	bool paused_here; /* resume once written */
	int err;	  /* the worker's write_file() */
	char why[256];
	uint64_t t0;
	struct __kernel_timespec tick;
	char path[API_LINE_MAX];
};

/* Process-wide, like the socket itself; loop thread only once started. */
static struct {
	struct machine *m;
	bool on; /* api_start made the socket: zero-initialised, so the
		  * 38 KiB of client buffers stay out of the binary */
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct client c[API_CLIENTS_MAX];
	struct pending snap;
	struct migration {
		bool active; /* the worker runs a migration */
		int client;
		unsigned gen;
		int fd;		     /* the stream to the destination */
		struct mig_report r; /* the worker's until it is done */
		unsigned tries;
	} mig;
	uint64_t requests, errors, snapshots;
} api;

/* The worker: one thread, made by api_start before any thread is in its
 * sandbox, that writes snapshot files and runs a migration's source side
 * under a filter of its own (THREAD_MIG): the loop thread, which serves
 * the guest, may open no file and make no thread. */
static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool made, quit;
	void (*job)(struct machine *m); /* set: to run; busy until done */
	bool busy;
	int scratch; /* mig_params.scratch_fd: its filter makes no memfd */
} wk = {.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
	.scratch = -1};

#define DRAIN_NS (10ull * 1000000000) /* devices get 10 s to quiesce */

static void client_close(struct client *c)
{
	loop_unwatch(api.m->io.loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->gen++;
	c->len = 0;
	c->skip = false;
}

/* One answer line; a client that cannot take it is dropped, as is one
 * whose answer could not be made (out of memory). */
static void answer(struct client *c, struct jsonbuf *b)
{
	size_t n;
	char *s;

	jsonbuf_add(b, "\n"); /* the line goes as one write */
	s = jsonbuf_done(b);
	if (!s) {
		client_close(c);
		return;
	}
	n = strlen(s);
	if (send(c->fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n)
		client_close(c);
	free(s);
}

/* {"ok":@ok,"@key":@val: most answers begin so. */
static void begin(struct jsonbuf *b, bool ok, const char *key, const char *val)
{
	jsonbuf_add(b, "{\"ok\":%s,\"%s\":", ok ? "true" : "false", key);
	jsonbuf_str(b, val);
}

static void answer_state(struct client *c, const char *state)
{
	struct jsonbuf b = {0};

	begin(&b, true, "state", state);
	jsonbuf_add(&b, "}");
	answer(c, &b);
}

static void answer_error(struct client *c, const char *msg)
{
	struct jsonbuf b = {0};

	api.errors++;
	begin(&b, false, "error", msg);
	jsonbuf_add(&b, "}");
	answer(c, &b);
}

static const char *state_name(struct machine *m)
{
	if (atomic_load(&m->vm.power) != POWER_ON)
		return "stopping";
	return vm_paused(&m->vm) ? "paused" : "running";
}

/* The last migration's numbers (README, "Live migration"), as the
 * migrate request's answer and info's "migration". */
static void put_migration(struct jsonbuf *b, const struct mig_report *r)
{
	begin(b, !r->err, "error", r->err ? r->why : "");
	jsonbuf_add(b, ",\"passes\":%u,\"pass_bytes\":[", r->passes);
	for (uint32_t i = 0; i < r->passes && i < MIG_MAX_PASSES; i++)
		jsonbuf_add(b, "%s%" PRIu64, i ? "," : "", r->pass_bytes[i]);
	jsonbuf_add(b, "],\"hpt_passes\":%u,\"hpt_pass_bytes\":[",
		    r->hpt_passes);
	for (uint32_t i = 0; i < r->hpt_passes && i < MIG_MAX_PASSES; i++)
		jsonbuf_add(b, "%s%" PRIu64, i ? "," : "", r->hpt_bytes[i]);
	jsonbuf_add(b,
		    "],\"bytes\":%" PRIu64 ",\"total_ms\":%" PRIu64
		    ",\"downtime_ms\":%" PRIu64 "}",
		    r->bytes, r->total_ns / 1000000, r->downtime_ns / 1000000);
}

static void answer_info(struct client *c, struct machine *m)
{
	static const char *const exit_names[EXIT_KIND_MAX] = {
		"hcall", "mmio", "interrupted", "other"};
	struct jsonbuf b = {0};
	const char *sep = "";

	begin(&b, true, "state", state_name(m));
	jsonbuf_add(&b, ",\"vcpus\":%d,\"mem\":%" PRIu64 ",\"mmu\":\"%s\"",
		    m->vm.ncpus, (uint64_t)m->vm.mem.size,
		    mmu_mode_name(m->mmu.mode));
	jsonbuf_add(&b, ",\"phases_ns\":{");
	for (int p = 0; p < PHASE_MAX; p++) {
		uint64_t ns = atomic_load(&m->vm.stats.phase_ns[p]);

		if (!ns)
			continue;
		jsonbuf_add(&b, "%s\"%s\":%" PRIu64, sep,
			    report_phase_name((enum phase)p), ns);
		sep = ",";
	}
	jsonbuf_add(&b, "},\"exits\":{");
	for (int k = 0; k < EXIT_KIND_MAX; k++)
		jsonbuf_add(&b, "%s\"%s\":%" PRIu64, k ? "," : "",
			    exit_names[k],
			    (uint64_t)atomic_load(&m->vm.stats.exits[k]));
	jsonbuf_add(&b,
		    "},\"api\":{\"requests\":%" PRIu64 ",\"errors\":%" PRIu64
		    ",\"snapshots\":%" PRIu64 "}",
		    api.requests, api.errors, api.snapshots);
	if (api.mig.active) {
		jsonbuf_add(&b, ",\"migration\":{\"state\":\"running\"}");
	} else if (m->migration) {
		jsonbuf_add(&b, ",\"migration\":");
		put_migration(&b, m->migration);
	}
	jsonbuf_add(&b, "}");
	answer(c, &b);
}

static struct client *pending_client(void)
{
	struct client *c = &api.c[api.snap.client];

	return c->fd >= 0 && c->gen == api.snap.gen ? c : NULL;
}

/* Write it beside its final name and rename it there: a snapshot that
 * could not be written whole never takes the name. */
static int write_file(struct machine *m, const char *path, char *why,
		      size_t wlen)
{
	struct snap_parts p = {&m->vm, &m->mmu, &m->io.phb, &m->papr};
	char tmp[API_LINE_MAX + 8];
	int fd, err;

	snprintf(tmp, sizeof(tmp), "%s.part", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		snprintf(why, wlen, "cannot create %.200s: %s", tmp,
			 strerror(-err));
		return err;
	}
	err = snapshot_write(&p, fd, true, why, wlen);
	if (close(fd) < 0 && !err) {
		err = -errno;
		snprintf(why, wlen, "%.200s: %s", tmp, strerror(-err));
	}
	if (!err && rename(tmp, path) < 0) {
		err = -errno;
		snprintf(why, wlen, "cannot rename %.200s: %s", tmp,
			 strerror(-err));
	}
	if (err)
		unlink(tmp);
	return err;
}

static int worker_run(void (*job)(struct machine *m));

/* On the loop thread, once written (or not): resume, answer. */
static void snapshot_done(void *arg, int res)
{
	struct client *c = pending_client();
	struct machine *m = arg;
	uint64_t t1;
	struct jsonbuf b = {0};
	int err = api.snap.err;
	const char *why = api.snap.why;

	(void)res;
	if (api.snap.paused_here)
		vm_resume(&m->vm);
	api.snap.active = false;
	t1 = vm_now_ns();
	if (!err)
		api.snapshots++;
	if (!c)
		return;
	if (err) {
		answer_error(c, why);
		return;
	}
	begin(&b, true, "path", api.snap.path);
	jsonbuf_add(&b, ",\"ms\":%" PRIu64 "}", (t1 - api.snap.t0) / 1000000);
	answer(c, &b);
}

/* On the worker: the file, then back to the loop thread. */
static void snapshot_job(struct machine *m)
{
	api.snap.err = write_file(m, api.snap.path, api.snap.why,
				  sizeof(api.snap.why));
	while (loop_call(m->io.loop, snapshot_done, m) < 0 &&
	       api.mig.tries++ < 1000)
		usleep(1000);
}

static void snapshot_finish(struct machine *m, const char *drain_err)
{
	int err;

	if (!drain_err) {
		api.mig.tries = 0;
		if ((err = worker_run(snapshot_job)) == 0)
			return;
		drain_err = "the snapshot thread is not there";
	}
	api.snap.err = -EBUSY;
	snprintf(api.snap.why, sizeof(api.snap.why), "%s", drain_err);
	snapshot_done(m, 0);
}

static void snapshot_poll(struct machine *m);

static void snapshot_tick(void *arg, int res)
{
	(void)res;
	snapshot_poll(arg);
}

/* Requests still in flight complete on this thread: look again in a
 * millisecond, letting the loop run their completions meanwhile. */
static void snapshot_poll(struct machine *m)
{
	struct snap_parts p = {&m->vm, &m->mmu, &m->io.phb, &m->papr};
	struct io_uring_sqe *sqe;

	if (!snapshot_inflight(&p)) {
		snapshot_finish(m, NULL);
		return;
	}
	if (vm_now_ns() - api.snap.t0 > DRAIN_NS) {
		snapshot_finish(m, "device requests did not complete within "
				   "10 s");
		return;
	}
	sqe = loop_sqe(m->io.loop, snapshot_tick, m);
	if (!sqe) {
		loop_call(m->io.loop, snapshot_tick, m);
		return;
	}
	api.snap.tick = (struct __kernel_timespec){.tv_nsec = 1000000};
	io_uring_prep_timeout(sqe, &api.snap.tick, 0, 0);
}

static void snapshot_start(struct machine *m, struct client *c,
			   const struct api_req *r)
{
	int err = 0;

	api.snap = (struct pending){.active = true,
				    .client = (int)(c - api.c),
				    .gen = c->gen,
				    .t0 = vm_now_ns()};
	snprintf(api.snap.path, sizeof(api.snap.path), "%s", r->path);
	if (!vm_paused(&m->vm)) {
		err = vm_pause(&m->vm);
		api.snap.paused_here = !err;
	}
	if (err) {
		api.snap.active = false;
		answer_error(c, err == -ESHUTDOWN ? "the guest is stopping"
						  : strerror(-err));
		return;
	}
	snapshot_poll(m);
}

/* --- migrate ------------------------------------------------------------- */

/* On the loop thread once the migration thread ended: answer, and end
 * this process if the destination runs the guest now. */
static void migrate_done(void *arg, int res)
{
	struct machine *m = arg;
	struct client *c = &api.c[api.mig.client];
	struct jsonbuf b = {0};

	(void)res;
	close(api.mig.fd);
	api.mig.active = false;
	m->migration = &api.mig.r;
	if (c->fd >= 0 && c->gen == api.mig.gen) {
		put_migration(&b, &api.mig.r);
		if (api.mig.r.err)
			api.errors++;
		answer(c, &b);
	}
	/* The guest runs there now: here it stays paused and ends, with
	 * status 0 (vCPUs leave without entering it again). */
	if (!api.mig.r.err)
		vm_request_kill(&m->vm, 0);
}

static void migrate_job(struct machine *m)
{
	struct snap_parts p = {&m->vm, &m->mmu, &m->io.phb, &m->papr};
	struct mig_params prm = MIG_DEFAULT_PARAMS;

	prm.scratch_fd = wk.scratch;
	mig_source(&p, api.mig.fd, &prm, &api.mig.r);
	/* The loop thread answers; if the loop cannot take the call there
	 * is nobody to answer, and the guest runs on. */
	while (loop_call(m->io.loop, migrate_done, m) < 0 &&
	       api.mig.tries++ < 1000)
		usleep(1000);
}

static void *worker_thread(void *arg)
{
	struct machine *m = arg;
	void (*job)(struct machine * m);
	int err;

	thread_name("pvmm-api");
	err = thread_ready(THREAD_MIG);

	if (err) {
		fprintf(stderr,
			"pvmm: --api: the snapshot and migration "
			"thread cannot enter its sandbox: %s\n",
			strerror(-err));
		vm_request_stop(&m->vm, POWER_ERROR);
	}
	pthread_mutex_lock(&wk.lock);
	if (err)
		wk.made = false;
	while (!err && !wk.quit) {
		if (!wk.job) {
			pthread_cond_wait(&wk.cond, &wk.lock);
			continue;
		}
		job = wk.job;
		wk.job = NULL;
		pthread_mutex_unlock(&wk.lock);
		job(m);
		pthread_mutex_lock(&wk.lock);
		wk.busy = false;
	}
	pthread_mutex_unlock(&wk.lock);
	return NULL;
}

/* Hand @job to the worker: 0, or -EBUSY if it has one, -ESRCH if there
 * is no worker. */
static int worker_run(void (*job)(struct machine *m))
{
	int err = 0;

	pthread_mutex_lock(&wk.lock);
	if (!wk.made || wk.quit)
		err = -ESRCH;
	else if (wk.busy)
		err = -EBUSY;
	if (!err) {
		wk.job = job;
		wk.busy = true;
		pthread_cond_signal(&wk.cond);
	}
	pthread_mutex_unlock(&wk.lock);
	return err;
}

static int connect_uds(const char *path, char *why, size_t wlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* parse_migrate checked the length. */
	memcpy(sa.sun_path, path, strnlen(path, sizeof(sa.sun_path) - 1));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		snprintf(why, wlen, "cannot connect to %.100s: %s", path,
			 strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	return fd;
}

static void migrate_start(struct machine *m, struct client *c,
			  const struct api_req *r)
{
	char why[200];
	int fd;

	if (r->fd >= 0) {
		/* Our own copy: the thread closes it when done. */
		fd = fcntl(r->fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			snprintf(why, sizeof(why), "fd %d: %s", r->fd,
				 strerror(errno));
			answer_error(c, why);
			return;
		}
	} else if ((fd = connect_uds(r->path, why, sizeof(why))) < 0) {
		answer_error(c, why);
		return;
	}
	api.mig = (struct migration){.active = true,
				     .client = (int)(c - api.c),
				     .gen = c->gen,
				     .fd = fd};
	(void)m;
	if (worker_run(migrate_job) < 0) {
		api.mig.active = false;
		close(fd);
		answer_error(c, "cannot start the migration thread");
	}
}

static void serve(struct machine *m, struct client *c, const char *line,
		  size_t len)
{
	struct api_req *r = malloc(sizeof(*r));
	char why[160];
	int err;

	api.requests++;
	if (!r) {
		answer_error(c, "out of memory");
		return;
	}
	if (api_parse(line, len, r, why, sizeof(why)) < 0) {
		answer_error(c, why);
	} else if (api.snap.active) {
		answer_error(c, "busy: a snapshot is being taken");
	} else if (r->op == API_INFO) {
		answer_info(c, m);
	} else if (api.mig.active && r->op != API_INFO) {
		answer_error(c, "busy: a migration is in progress");
	} else if (r->op == API_MIGRATE) {
		migrate_start(m, c, r);
	} else if (r->op == API_SNAPSHOT) {
		snapshot_start(m, c, r);
	} else if (r->op == API_STOP) {
		/* A paused guest must run to power off. */
		lifecycle_request_stop(m);
		vm_resume(&m->vm);
		answer_state(c, state_name(m));
	} else {
		err = r->op == API_PAUSE ? vm_pause(&m->vm) : vm_resume(&m->vm);
		if (err)
			answer_error(c, err == -EALREADY
						? (r->op == API_PAUSE
							   ? "already paused"
							   : "not paused")
					: err == -ESHUTDOWN
						? "the guest is stopping"
						: strerror(-err));
		else
			answer_state(c, state_name(m));
	}
	free(r);
}

/* Every complete line in the buffer, in order; a line longer than the
 * buffer is answered once and dropped up to its newline. */
static void take_lines(struct machine *m, struct client *c)
{
	char *nl;

	while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->len))) {
		size_t n = (size_t)(nl - c->buf);

		if (c->skip)
			c->skip = false;
		else
			serve(m, c, c->buf, n);
		if (c->fd < 0)
			return;
		c->len -= n + 1;
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->fd >= 0 && c->len == sizeof(c->buf)) {
		if (!c->skip)
			answer_error(c, "request longer than 4095 bytes");
		c->skip = true;
		c->len = 0;
	}
}

static void on_client(void *arg, int res)
{
	struct client *c = arg;
	ssize_t n;

	(void)res;
	if (c->fd < 0)
		return;
	n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) { /* gone: a partial line is dropped unserved */
		client_close(c);
		return;
	}
	c->len += (size_t)n;
	take_lines(api.m, c);
}

static void on_accept(void *arg, int res)
{
	int fd;

	(void)arg;
	(void)res;
	while ((fd = accept4(api.fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct client *c = NULL;

		for (int i = 0; i < API_CLIENTS_MAX && !c; i++)
			if (api.c[i].fd < 0)
				c = &api.c[i];
		if (!c) {
			static const char full[] = "{\"ok\":false,\"error\":"
						   "\"too many clients\"}\n";

			if (send(fd, full, sizeof(full) - 1,
				 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				api.errors++;
			close(fd);
			continue;
		}
		c->fd = fd;
		c->len = 0;
		c->skip = false;
		if (loop_watch(api.m->io.loop, fd, on_client, c) < 0)
			client_close(c);
	}
}

int api_start(struct machine *m, const char *path, char *why, size_t wlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int err;

	api.m = m;
	for (int i = 0; i < API_CLIENTS_MAX; i++)
		api.c[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(why, wlen, "--api %s: path too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	api.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (api.fd < 0 ||
	    bind(api.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(api.fd, API_CLIENTS_MAX) < 0) {
		err = -errno;
		snprintf(why, wlen, "--api %s: %s", path, strerror(-err));
		if (api.fd >= 0)
			close(api.fd);
		api.fd = -1;
		return err;
	}
	snprintf(api.path, sizeof(api.path), "%s", path);
	api.on = true;
	wk.quit = false;
	wk.scratch = memfd_create("pvmm-migrate", MFD_CLOEXEC);
	wk.made = wk.scratch >= 0 &&
		  !pthread_create(&wk.thread, NULL, worker_thread, m);
	if (!wk.made) {
		snprintf(why, wlen, "--api %s: cannot make its thread", path);
		return -EAGAIN;
	}
	err = loop_watch(m->io.loop, api.fd, on_accept, NULL);
	if (err < 0)
		snprintf(why, wlen, "--api %s: %s", path, strerror(-err));
	return err;
}

void api_stop(void)
{
	bool idle;

	if (!api.on)
		return;
	/* A worker in the middle of a job is left to exit_group. */
	pthread_mutex_lock(&wk.lock);
	wk.quit = true;
	idle = !wk.busy;
	pthread_cond_signal(&wk.cond);
	pthread_mutex_unlock(&wk.lock);
	if (wk.made && idle) {
		pthread_join(wk.thread, NULL);
		close(wk.scratch);
		wk.scratch = -1;
	}
	wk.made = false;
	for (int i = 0; i < API_CLIENTS_MAX; i++)
		if (api.c[i].fd >= 0)
			close(api.c[i].fd);
	close(api.fd);
	unlink(api.path);
	api.fd = -1;
	api.on = false;
}
