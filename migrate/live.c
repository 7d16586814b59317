/* Live migration: the source's passes and the destination's checks
 * (design in migrate/live.h, stream in migrate/mstream.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cpu/be.h"
#include "cpu/hv.h"
#include "cpu/vm.h"
#include "hpt/mmu.h"
#include "migrate/hpt_stream.h"
#include "migrate/live.h"
#include "migrate/snapshot.h"

static __attribute__((format(printf, 3, 4))) int
mig_fail(struct mig_report *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

/* What a snapshot writer put into a memory file, as a buffer. */
static int slurp(int fd, uint8_t **buf, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	size_t got = 0;

	if (end < 0)
		return -errno;
	if (!(*buf = malloc(end ? (size_t)end : 1)))
		return -ENOMEM;
	while (got < (size_t)end) {
		ssize_t n =
			pread(fd, *buf + got, (size_t)end - got, (off_t)got);

		if (n <= 0) {
			free(*buf);
			return n < 0 ? -errno : -EIO;
		}
		got += (size_t)n;
	}
	*len = got;
	return 0;
}

/* --- source -------------------------------------------------------------- */

struct src {
	const struct snap_parts *p;
	const struct mig_params *prm;
	int fd;
	struct mig_report *r;
	uint64_t *dirty; /* pages still to send, one bit each */
	uint64_t *fresh; /* what the dirty log just handed out */
	uint64_t *ulog;	 /* what pvmm handed out (gmem's log, 4 KiB) */
	size_t words;
	uint64_t page, npages;
	uint8_t *buf; /* one RAM record being built */
	int htab;     /* hash guests: the HTAB read fd, else -1 */
	uint8_t *hpt; /* one HPT pass being built */
	size_t hpt_cap, hpt_len;
	bool refused; /* the last answer was the destination's refusal */
};

static int send_rec(struct src *s, uint32_t type, uint32_t arg,
		    const void *payload, uint64_t len)
{
	int err = mig_send(s->fd, type, arg, payload, len);

	if (!err)
		s->r->bytes += MIG_HEADER + len;
	return err;
}

/* The destination's answer to @type: 0 if it said yes, else -errno with
 * why in the report. */
static int answer(struct src *s, uint32_t type, int timeout_ms)
{
	struct mig_hdr h;
	uint8_t *pl = NULL;
	char text[MIG_MAX_TEXT + 1], why[160];
	int err, e = 0;

	s->refused = false;
	err = mig_recv(s->fd, 0, timeout_ms, &h, &pl, why, sizeof(why));
	if (err == -EPROTO)
		return mig_fail(s->r, err, "destination: %s", why);
	if (err == -ETIMEDOUT)
		return mig_fail(s->r, err,
				"destination did not answer %s in %d ms",
				mig_type_name(type), timeout_ms);
	if (err)
		return mig_fail(s->r, err, "destination went away: %s",
				strerror(-err));
	if (h.type != MIG_REPLY)
		err = mig_fail(s->r, -EPROTO,
			       "destination sent %s, not an answer",
			       mig_type_name(h.type));
	else if (mig_reply_decode(pl, h.len, &e, text, sizeof(text), why,
				  sizeof(why)))
		err = mig_fail(s->r, -EPROTO, "destination: %s", why);
	else if (e) {
		err = mig_fail(s->r, -e, "destination refused %s: %s",
			       mig_type_name(h.arg), text);
		s->refused = true;
	}
	free(pl);
	return err;
}

/* Sending failed: the destination may have said why before it left. */
static int send_failed(struct src *s, int err, const char *what)
{
	if (answer(s, 0, 200) && s->refused)
		return s->r->err;
	return mig_fail(s->r, err, "cannot send %s: %s", what, strerror(-err));
}

/* A snapshot-format buffer: the configuration alone (@state false) or
 * the live state (every section but RAM and HPT). */
static int encode(struct src *s, bool state, uint8_t **buf, size_t *len)
{
	char why[160] = "";
	int mfd = s->prm->scratch_fd, err;

	if (mfd < 0)
		mfd = memfd_create("pvmm-migrate", MFD_CLOEXEC);
	else if (ftruncate(mfd, 0) < 0 || lseek(mfd, 0, SEEK_SET) < 0)
		return mig_fail(s->r, -errno, "memfd: %s", strerror(errno));
	if (mfd < 0)
		return mig_fail(s->r, -errno, "memfd: %s", strerror(errno));
	if (state) {
		err = snapshot_write_live(s->p, mfd, why, sizeof(why));
	} else {
		struct snap_config cfg;
		struct snap_writer w;

		snap_config_of(s->p, &cfg);
		snap_writer_init(&w, mfd);
		snap_write_header(&w, &cfg);
		err = snap_write_end(&w);
	}
	if (!err)
		err = slurp(mfd, buf, len);
	if (mfd != s->prm->scratch_fd)
		close(mfd);
	if (err)
		return mig_fail(s->r, err, "cannot save the %s: %s",
				state ? "machine" : "configuration",
				why[0] ? why : strerror(-err));
	return 0;
}

static int hello(struct src *s)
{
	uint8_t g[MIG_GREETING], *buf = NULL;
	size_t len = 0;
	int err = encode(s, false, &buf, &len);

	if (err)
		return err;
	mig_greeting_put(g);
	err = mig_write_raw(s->fd, g, sizeof(g));
	if (!err) {
		s->r->bytes += sizeof(g);
		err = send_rec(s, MIG_HELLO, 0, buf, len);
	}
	free(buf);
	if (err)
		return send_failed(s, err, "the configuration");
	return answer(s, MIG_HELLO, s->prm->reply_ms);
}

static bool test_bit(const uint64_t *b, uint64_t i)
{
	return b[i / 64] >> (i % 64) & 1;
}

/* Send pages [first, first + n) as one RAM record (@zero: one ZERO). */
static int send_run(struct src *s, uint32_t pass, uint64_t first, uint64_t n,
		    bool zero, uint64_t *bytes)
{
	uint64_t gpa = first * s->page, len = n * s->page;
	int err;

	if (!n)
		return 0;
	if (zero) {
		uint8_t z[16];

		be64_store(z, gpa);
		be64_store(z + 8, len);
		err = send_rec(s, MIG_ZERO, pass, z, sizeof(z));
		*bytes += MIG_HEADER + sizeof(z);
	} else {
		be64_store(s->buf, gpa);
		/* A copy: the checksum must cover the bytes sent, and the
		 * guest may be writing the page (it is dirty again then,
		 * and goes in the next pass). */
		memcpy(s->buf + 8, s->p->vm->mem.host + gpa, len);
		err = send_rec(s, MIG_RAM, pass, s->buf, 8 + len);
		*bytes += MIG_HEADER + 8 + len;
	}
	return err ? send_failed(s, err, "guest RAM") : 0;
}

/* One pass over RAM: every page (@all, zero pages skipped: the
 * destination's RAM starts zero) or the pages in s->dirty. */
static int send_pages(struct src *s, uint32_t pass, bool all, uint64_t *bytes)
{
	const uint8_t *ram = s->p->vm->mem.host;
	uint64_t per = MIG_RAM_CHUNK / s->page;
	uint64_t run = 0, n = 0;
	bool zrun = false;
	int err = 0;

	for (uint64_t pg = 0; !err && pg < s->npages; pg++) {
		bool want = all || test_bit(s->dirty, pg);
		bool z = want && snap_all_zero(ram + pg * s->page, s->page);

		if (!want || (all && z)) {
			err = send_run(s, pass, run, n, zrun, bytes);
			n = 0;
			continue;
		}
		if (n && (z != zrun || n == per)) {
			err = send_run(s, pass, run, n, zrun, bytes);
			n = 0;
		}
		if (!n) {
			run = pg;
			zrun = z;
		}
		n++;
	}
	if (!err)
		err = send_run(s, pass, run, n, zrun, bytes);
	memset(s->dirty, 0, s->words * 8);
	return err;
}

static int hpt_chunk(void *ctx, uint32_t index, uint16_t n_valid,
		     uint16_t n_invalid, const uint8_t *hptes)
{
	struct src *s = ctx;
	/* Leave room for the end marker. */
	size_t n = hpt_stream_put_chunk(s->hpt + s->hpt_len,
					s->hpt_cap - s->hpt_len - 8, index,
					n_valid, n_invalid, hptes);

	if (!n)
		return -EOVERFLOW;
	s->hpt_len += n;
	return 0;
}

/* One pass of the HTAB fd: the whole HPT the first time, then only the
 * entries that changed since. */
static int hpt_pass(struct src *s, uint32_t pass, uint64_t *bytes)
{
	struct mig_report *r = s->r;
	int err;

	if (s->htab < 0)
		return 0;
	s->hpt_len =
		hpt_stream_put_header(s->hpt, s->hpt_cap, s->p->mmu->hpt_order);
	err = hv_htab_read(s->htab, hpt_chunk, s);
	if (err)
		return mig_fail(r, err, "cannot read the HPT: %s",
				strerror(-err));
	s->hpt_len += hpt_stream_put_end(s->hpt + s->hpt_len,
					 s->hpt_cap - s->hpt_len);
	err = send_rec(s, MIG_HPT, pass, s->hpt, s->hpt_len);
	if (err)
		return send_failed(s, err, "the HPT");
	r->hpt_bytes[r->hpt_passes++] = s->hpt_len;
	*bytes += MIG_HEADER + s->hpt_len;
	return 0;
}

/* What the dirty log marked since the last call, added to s->dirty; the
 * bytes now to send. */
static int collect(struct src *s, uint64_t *left)
{
	uint64_t page = 0, n = 0;
	int err = hv_dirty_get(s->p->vm, s->fresh, s->words, &page);

	if (err)
		return mig_fail(s->r, err, "cannot read the dirty log: %s",
				strerror(-err));
	if (page != s->page)
		return mig_fail(s->r, -EIO,
				"the dirty log's page size changed");
	for (size_t i = 0; i < s->words; i++) {
		s->dirty[i] |= s->fresh[i];
		n += (uint64_t)__builtin_popcountll(s->dirty[i]);
	}
	*left = n * s->page;
	return 0;
}

/* A pass: RAM, then the HPT, then its mark. */
static int pass(struct src *s, uint32_t i, bool all)
{
	uint64_t bytes = 0;
	uint8_t b[8];
	int err = send_pages(s, i, all, &bytes);

	if (!err)
		err = hpt_pass(s, i, &bytes);
	if (err)
		return err;
	s->r->pass_bytes[i] = bytes;
	s->r->passes = i + 1;
	be64_store(b, bytes);
	err = send_rec(s, MIG_PASS, i, b, sizeof(b));
	return err ? send_failed(s, err, "a pass mark") : 0;
}

/* Paused: the devices finish what they started (a request in flight
 * would write guest RAM after its pages went). */
static int drain(struct src *s)
{
	struct timespec ms = {0, 1000000};

	for (int t = 0; snapshot_inflight(s->p); t++) {
		if (t >= s->prm->drain_ms)
			return mig_fail(s->r, -EBUSY,
					"devices still had %u requests in "
					"flight after %d ms",
					snapshot_inflight(s->p),
					s->prm->drain_ms);
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* Every page pvmm's devices were handed since the passes began: they
 * may have written it, which KVM's log does not see.  Paused and
 * drained, nothing is writing any more. */
static void add_device_pages(struct src *s)
{
	for (size_t w = 0; w < s->words; w++) {
		uint64_t bits = __atomic_load_n(&s->ulog[w], __ATOMIC_RELAXED);

		while (bits) {
			uint64_t pg = ((uint64_t)w * 64 +
				       (uint64_t)__builtin_ctzll(bits)) *
				      GMEM_LOG_PAGE / s->page;

			s->dirty[pg / 64] |= 1ull << (pg % 64);
			bits &= bits - 1;
		}
	}
}

static int stop_and_copy(struct src *s, uint32_t last)
{
	uint8_t *state = NULL;
	size_t len = 0;
	uint64_t left;
	char why[160] = "";
	int err = drain(s);

	/* The XIVE's queue pages count as dirty from here: after it, the
	 * last look at the log. */
	if (!err && (err = snapshot_freeze(s->p, why, sizeof(why))) < 0)
		mig_fail(s->r, err, "%s", why);
	if (!err)
		err = collect(s, &left);
	if (!err)
		add_device_pages(s);
	if (!err)
		err = pass(s, last, false);
	if (!err)
		err = encode(s, true, &state, &len);
	if (!err && (err = send_rec(s, MIG_STATE, 0, state, len)) < 0)
		err = send_failed(s, err, "the machine's state");
	free(state);
	if (!err && (err = send_rec(s, MIG_DONE, 0, NULL, 0)) < 0)
		err = send_failed(s, err, "the end");
	return err ? err : answer(s, MIG_DONE, s->prm->reply_ms);
}

static int precopy(struct src *s, bool *paused, uint64_t *t_stop)
{
	uint64_t left = 0;
	uint32_t i;
	int err = hv_dirty_log(s->p->vm, true);

	if (err)
		return mig_fail(s->r, err, "cannot start the dirty log: %s",
				strerror(-err));
	/* Learn the log's page size, and start it empty. */
	err = hv_dirty_get(s->p->vm, s->fresh, s->words, &s->page);
	gmem_log_start(&s->p->vm->mem, s->ulog);
	if (err || !s->page || s->page > MIG_RAM_CHUNK ||
	    (s->page & (s->page - 1)) || s->p->vm->mem.size % s->page)
		return mig_fail(s->r, err ? err : -EIO,
				"cannot read the dirty log: %s",
				err ? strerror(-err) : "odd page size");
	s->npages = s->p->vm->mem.size / s->page;
	if (s->p->mmu->mode == MMU_HASH) {
		s->htab = hv_htab_open(s->p->vm, false);
		if (s->htab < 0)
			return mig_fail(s->r, s->htab,
					"cannot open the HPT: %s",
					strerror(-s->htab));
	}
	err = pass(s, 0, true);
	for (i = 1; !err; i++) {
		err = collect(s, &left);
		if (err || left <= s->prm->stop_bytes ||
		    i >= s->prm->max_passes)
			break;
		err = pass(s, i, false);
	}
	if (err)
		return err;
	*t_stop = vm_now_ns();
	err = vm_pause(s->p->vm);
	if (err && err != -EALREADY)
		return mig_fail(s->r, err, "cannot pause the guest: %s",
				strerror(-err));
	*paused = !err;
	return stop_and_copy(s, i);
}

/* gmem's log outlives each migration: a device thread may still be
 * marking it just after the log was turned off, so it is never freed,
 * only cleared for the next migration (of the same RAM). */
static uint64_t *ulog_get(size_t words)
{
	static uint64_t *keep;
	static size_t kept;

	if (keep && kept == words) {
		for (size_t i = 0; i < words; i++)
			__atomic_store_n(&keep[i], 0, __ATOMIC_RELAXED);
		return keep;
	}
	if (keep)
		return NULL;
	keep = calloc(words, 8);
	kept = keep ? words : 0;
	return keep;
}

static int src_alloc(struct src *s)
{
	unsigned order = s->p->mmu->mode == MMU_HASH ? s->p->mmu->hpt_order : 0;

	/* Bits for the smallest page a host may log (4 KiB). */
	s->words = (size_t)((s->p->vm->mem.size / 4096 + 63) / 64);
	s->dirty = calloc(s->words, 8);
	s->fresh = calloc(s->words, 8);
	s->ulog = ulog_get(s->words);
	s->buf = malloc(8 + MIG_RAM_CHUNK);
	s->hpt_cap = (size_t)mig_max_len(MIG_HPT, order);
	s->hpt = order ? malloc(s->hpt_cap) : NULL;
	if (!s->dirty || !s->fresh || !s->ulog || !s->buf || (order && !s->hpt))
		return mig_fail(s->r, -ENOMEM, "out of memory");
	return 0;
}

int mig_source(const struct snap_parts *p, int fd, const struct mig_params *prm,
	       struct mig_report *r)
{
	struct src s = {.p = p, .prm = prm, .fd = fd, .r = r, .htab = -1};
	uint64_t t0 = vm_now_ns(), t_stop = 0;
	bool paused = false;
	int err;

	memset(r, 0, sizeof(*r));
	if (!prm->max_passes || prm->max_passes >= MIG_MAX_PASSES)
		err = mig_fail(r, -EINVAL, "pass limit %u out of 1..%u",
			       prm->max_passes, MIG_MAX_PASSES - 1);
	else if (!(err = src_alloc(&s)) && !(err = hello(&s)))
		err = precopy(&s, &paused, &t_stop);
	gmem_log_start(&p->vm->mem, NULL);
	hv_dirty_log(p->vm, false);
	if (s.htab >= 0)
		close(s.htab);
	free(s.dirty);
	free(s.fresh);
	free(s.buf);
	free(s.hpt);
	if (err) {
		uint8_t a[4 + MIG_MAX_TEXT];

		/* Tell the destination, if it still listens, to give up. */
		mig_send(fd, MIG_ABORT, 0, a, mig_reply_put(a, err, r->why));
		if (paused)
			vm_resume(p->vm);
	}
	r->total_ns = vm_now_ns() - t0;
	if (t_stop)
		r->downtime_ns = vm_now_ns() - t_stop;
	r->err = err;
	return err;
}

/* --- destination --------------------------------------------------------- */

struct dst {
	const struct snap_parts *p;
	int fd;
	struct mig_report *r;
	unsigned order;		/* hash: the HPT's, else 0 */
	int htab;		/* the HTAB write fd, once opened */
	uint8_t *state;		/* the STATE payload, checked */
	struct snap_file *file; /* ... indexed */
	struct snap_state *checked;
	uint32_t type; /* the record being handled */
};

static int htab_apply(void *ctx, uint32_t index, uint16_t n_valid,
		      uint16_t n_invalid, const uint8_t *hptes)
{
	return hv_htab_write(*(int *)ctx, index, n_valid, n_invalid, hptes);
}

/* Is the source's machine this one? */
static int dst_match(struct dst *d, const struct snap_config *have)
{
	struct snap_config want;
	char why[200];
	int err;

	snap_config_of(d->p, &want);
	if ((err = snap_config_match(have, &want, why, sizeof(why))))
		return mig_fail(d->r, err, "another machine: %s", why);
	return 0;
}

static int dst_hpt(struct dst *d, const uint8_t *pl, uint64_t len)
{
	uint32_t order = 0;
	int err;

	if (!d->order)
		return mig_fail(d->r, -EPROTO, "an HPT for a radix guest");
	err = hpt_stream_load(pl, (size_t)len, &order, hpt_stream_check_only,
			      NULL);
	if (err)
		return mig_fail(d->r, -EPROTO, "HPT pass: %s",
				hpt_stream_strerror(err));
	if (order != d->order)
		return mig_fail(d->r, -EPROTO,
				"HPT pass of 2^%u bytes, not 2^%u", order,
				d->order);
	if (d->htab < 0 && (d->htab = hv_htab_open(d->p->vm, true)) < 0)
		return mig_fail(d->r, d->htab, "cannot open the HPT: %s",
				strerror(-d->htab));
	err = hpt_stream_load(pl, (size_t)len, &order, htab_apply, &d->htab);
	if (err)
		return mig_fail(d->r, err < 0 ? err : -EIO,
				"cannot load the HPT: %s", strerror(-err));
	d->r->hpt_bytes[d->r->hpt_passes < MIG_MAX_PASSES - 1
				? d->r->hpt_passes++
				: MIG_MAX_PASSES - 1] = len;
	return 0;
}

static int dst_state(struct dst *d, uint8_t *pl, uint64_t len)
{
	char why[200];

	if (d->state)
		return mig_fail(d->r, -EPROTO, "a second STATE record");
	if (snap_parse(pl, (size_t)len, false, d->file, why, sizeof(why)) ||
	    snapshot_check_live(d->p, d->file, &d->checked, why, sizeof(why)))
		return mig_fail(d->r, -EPROTO, "machine state: %s", why);
	d->state = pl;
	return 0;
}

/* One record, checked, then used.  1: DONE, everything loaded. */
static int dst_record(struct dst *d, const struct mig_hdr *h, uint8_t *pl)
{
	struct gmem *g = &d->p->vm->mem;
	uint64_t gpa, n;
	const uint8_t *data;
	char why[200], text[MIG_MAX_TEXT + 1];
	int err = 0, e = 0;

	d->type = h->type;
	switch (h->type) {
	case MIG_RAM:
		err = mig_ram_decode(pl, h->len, g->size, &gpa, &data, &n, why,
				     sizeof(why));
		if (!err)
			memcpy(gmem_ptr(g, gpa, n), data, n);
		break;
	case MIG_ZERO:
		err = mig_zero_decode(pl, h->len, g->size, &gpa, &n, why,
				      sizeof(why));
		if (!err)
			memset(gmem_ptr(g, gpa, n), 0, n);
		break;
	case MIG_HPT: return dst_hpt(d, pl, h->len);
	case MIG_PASS:
		if ((err = mig_pass_decode(pl, h->len, &n, why, sizeof(why))))
			break;
		d->r->passes = h->arg + 1;
		d->r->pass_bytes[h->arg] = n;
		return 0;
	case MIG_STATE: return dst_state(d, pl, h->len);
	case MIG_DONE:
		if (!d->checked)
			return mig_fail(d->r, -EPROTO, "DONE before the state");
		err = snapshot_apply(d->p, d->checked, why, sizeof(why));
		return err ? mig_fail(d->r, err, "cannot load the machine: %s",
				      why)
			   : 1;
	case MIG_ABORT:
		if (mig_reply_decode(pl, h->len, &e, text, sizeof(text), why,
				     sizeof(why)))
			return mig_fail(d->r, -EPROTO, "ABORT: %s", why);
		return mig_fail(d->r, -ECANCELED, "the source gave up: %s",
				text);
	default:
		return mig_fail(d->r, -EPROTO, "unexpected %s record",
				mig_type_name(h->type));
	}
	return err ? mig_fail(d->r, err, "%s", why) : 0;
}

static void reply(int fd, uint32_t type, int err, const char *text)
{
	uint8_t a[4 + MIG_MAX_TEXT];

	mig_send(fd, MIG_REPLY, type, a, mig_reply_put(a, err, text));
}

/* Destination RAM starts zero: the first pass skips zero pages.  Fresh
 * anonymous memory is; anything written before (the kernel main loaded)
 * goes. */
static void zero_ram(struct gmem *g)
{
	if (madvise(g->host, g->size, MADV_DONTNEED) < 0)
		memset(g->host, 0, g->size);
}

/* A source that sends nothing for this long has gone. */
#define DST_WAIT_MS 60000

static int dst_run(struct dst *d)
{
	uint8_t *pl = NULL;
	struct mig_hdr h;
	char why[200];
	int err;

	for (;;) {
		err = mig_recv(d->fd, d->order, DST_WAIT_MS, &h, &pl, why,
			       sizeof(why));
		if (err)
			return mig_fail(d->r, err, "%s",
					err == -EPROTO ? why
					: err == -ECONNRESET
						? "the source went away"
						: strerror(-err));
		d->r->bytes += MIG_HEADER + h.len;
		if (h.type == MIG_HELLO)
			err = mig_fail(d->r, -EPROTO, "a second HELLO");
		else
			err = dst_record(d, &h, pl);
		if (pl != d->state)
			free(pl);
		pl = NULL;
		if (err)
			return err;
	}
}

/* The greeting and HELLO: the source's configuration. */
static int hello_read(int fd, struct snap_config *cfg, struct mig_report *r)
{
	uint8_t g[MIG_GREETING], *pl = NULL;
	struct snap_file *f = malloc(sizeof(*f));
	struct mig_hdr h;
	char why[200];
	int err = f ? mig_read_raw(fd, g, sizeof(g), DST_WAIT_MS) : -ENOMEM;

	if (!err && !(err = mig_greeting_check(g, why, sizeof(why)))) {
		r->bytes += sizeof(g);
		err = mig_recv(fd, 0, DST_WAIT_MS, &h, &pl, why, sizeof(why));
	} else if (err != -EPROTO) {
		snprintf(why, sizeof(why), "greeting: %s", strerror(-err));
	}
	if (!err) {
		r->bytes += MIG_HEADER + h.len;
		if (h.type != MIG_HELLO)
			err = mig_fail(r, -EPROTO, "%s before HELLO",
				       mig_type_name(h.type));
		else if (snap_parse(pl, (size_t)h.len, false, f, why,
				    sizeof(why)) ||
			 f->nsec)
			err = mig_fail(r, -EPROTO, "configuration: %s",
				       f->nsec ? "with sections" : why);
		else
			*cfg = f->cfg;
	} else {
		mig_fail(r, err, "%s",
			 err == -ECONNRESET ? "the source went away" : why);
	}
	free(pl);
	free(f);
	return err;
}

int mig_dest_hello(int fd, struct snap_config *cfg, struct mig_report *r)
{
	uint64_t t0 = vm_now_ns();
	int err;

	memset(r, 0, sizeof(*r));
	memset(cfg, 0, sizeof(*cfg));
	err = hello_read(fd, cfg, r);
	if (err && r->err != -ECONNRESET)
		reply(fd, MIG_HELLO, err, r->why);
	r->total_ns = vm_now_ns() - t0;
	r->err = err;
	return err;
}

int mig_dest(const struct snap_parts *p, int fd, const struct snap_config *cfg,
	     struct mig_report *r)
{
	struct dst d = {.p = p, .fd = fd, .r = r, .htab = -1};
	uint64_t t0 = vm_now_ns() - r->total_ns;
	int err;

	d.order = p->mmu->mode == MMU_HASH ? p->mmu->hpt_order : 0;
	d.file = malloc(sizeof(*d.file));
	err = d.file ? dst_match(&d, cfg)
		     : mig_fail(r, -ENOMEM, "out of memory");
	reply(fd, MIG_HELLO, err, err ? r->why : "ok");
	if (!err) {
		/* Check-then-use starts from a RAM the source's pass 0
		 * assumes: zero where it sends nothing. */
		zero_ram(&p->vm->mem);
		d.type = MIG_HELLO;
		err = dst_run(&d);
	}
	if (err == 1)
		err = 0;
	else if (d.type > MIG_HELLO && r->err != -ECANCELED &&
		 r->err != -ECONNRESET)
		reply(fd, d.type, err, r->why);
	if (d.htab >= 0)
		close(d.htab);
	snapshot_state_free(d.checked);
	free(d.state);
	free(d.file);
	r->total_ns = vm_now_ns() - t0;
	r->err = err;
	return err;
}

int mig_dest_running(int fd)
{
	uint8_t a[4 + MIG_MAX_TEXT];

	return mig_send(fd, MIG_REPLY, MIG_DONE, a,
			mig_reply_put(a, 0, "running"));
}
