/* The snapshot container: header, checksummed sections, RAM placement
 * (format in snapshot.h).  Checks first, indexes second; it applies
 * nothing itself. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/be.h"
#include "hpt/mmu.h"
#include "migrate/snapshot.h"

#define MAGIC_LEN 8
/* magic, version, header length, config (fixed part), devices, crc */
#define CFG_FIXED     (8 + 6 * 4)
#define HDR_FIXED     (MAGIC_LEN + 4 + 4)
#define HDR_LEN(ndev) (HDR_FIXED + CFG_FIXED + (ndev)*4 + 4)
#define RAM_PAYLOAD   16

uint32_t snap_crc32(uint32_t crc, const void *p, uint64_t len)
{
	uLong c = crc;
	const uint8_t *b = p;

	/* zlib takes uInt lengths: feed it in pieces. */
	while (len) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;

		c = crc32(c, b, n);
		b += n;
		len -= n;
	}
	return (uint32_t)c;
}

int snap_fail(int err, char *why, size_t wlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, wlen, fmt, ap);
	va_end(ap);
	return err;
}

bool snap_all_zero(const void *p, uint64_t n)
{
	/* may_alias: RAM is read as words whatever the guest stored. */
	typedef uint64_t __attribute__((may_alias)) word_t;
	const uint8_t *b = p;
	const word_t *w;

	for (; n && ((uintptr_t)b & 7); n--, b++)
		if (*b)
			return false;
	/* Four words a test: one branch per 32 bytes. */
	for (w = (const word_t *)(const void *)b; n >= 32; n -= 32, w += 4)
		if (w[0] | w[1] | w[2] | w[3])
			return false;
	for (b = (const uint8_t *)w; n; n--, b++)
		if (*b)
			return false;
	return true;
}

static uint32_t crc_of(const void *p, uint64_t len)
{
	return snap_crc32(0, p, len);
}

/* A section's checksum covers its type, instance and length too: a
 * flipped instance must not make another valid file. */
static uint32_t sec_crc(const uint8_t *h, const void *payload, uint64_t len)
{
	return snap_crc32(snap_crc32(0, h, 16), payload, len);
}

/* --- payload cursors ----------------------------------------------------- */

static uint8_t *out_room(struct snap_out *o, size_t n)
{
	uint8_t *p;

	if (o->overflow || n > o->cap - o->len) {
		o->overflow = true;
		return NULL;
	}
	p = o->p + o->len;
	o->len += n;
	return p;
}

void snap_put_u8(struct snap_out *o, uint8_t v)
{
	uint8_t *p = out_room(o, 1);

	if (p)
		*p = v;
}

void snap_put_u16(struct snap_out *o, uint16_t v)
{
	uint8_t *p = out_room(o, 2);

	if (p)
		be16_store(p, v);
}

void snap_put_u32(struct snap_out *o, uint32_t v)
{
	uint8_t *p = out_room(o, 4);

	if (p)
		be32_store(p, v);
}

void snap_put_u64(struct snap_out *o, uint64_t v)
{
	uint8_t *p = out_room(o, 8);

	if (p)
		be64_store(p, v);
}

void snap_put_bytes(struct snap_out *o, const void *b, size_t n)
{
	uint8_t *p = out_room(o, n);

	if (p && n)
		memcpy(p, b, n);
}

static const uint8_t *in_take(struct snap_in *in, size_t n)
{
	const uint8_t *p;

	if (in->bad || n > in->len - in->off) {
		in->bad = true;
		return NULL;
	}
	p = in->p + in->off;
	in->off += n;
	return p;
}

uint8_t snap_get_u8(struct snap_in *in)
{
	const uint8_t *p = in_take(in, 1);

	return p ? *p : 0;
}

uint16_t snap_get_u16(struct snap_in *in)
{
	const uint8_t *p = in_take(in, 2);

	return p ? be16_load(p) : 0;
}

uint32_t snap_get_u32(struct snap_in *in)
{
	const uint8_t *p = in_take(in, 4);

	return p ? be32_load(p) : 0;
}

uint64_t snap_get_u64(struct snap_in *in)
{
	const uint8_t *p = in_take(in, 8);

	return p ? be64_load(p) : 0;
}

void snap_get_bytes(struct snap_in *in, void *b, size_t n)
{
	const uint8_t *p = in_take(in, n);

	if (p && n)
		memcpy(b, p, n);
	else if (n)
		memset(b, 0, n);
}

/* --- writing ------------------------------------------------------------- */

void snap_writer_init(struct snap_writer *w, int fd)
{
	w->fd = fd;
	w->pos = 0;
	w->err = 0;
}

static int put_all(struct snap_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (!w->err && len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
		w->pos += (uint64_t)n;
	}
	return w->err;
}

static void config_put(struct snap_out *o, const struct snap_config *c)
{
	snap_put_u64(o, c->ram_size);
	snap_put_u32(o, c->mmu_mode);
	snap_put_u32(o, c->hpt_order);
	snap_put_u32(o, c->ncpus);
	snap_put_u32(o, c->threads);
	snap_put_u32(o, c->flags);
	snap_put_u32(o, c->ndev);
	for (uint32_t i = 0; i < c->ndev && i < SNAP_MAX_DEVICES; i++) {
		snap_put_u16(o, c->dev[i].device_id);
		snap_put_u16(o, c->dev[i].nqueues);
	}
}

int snap_write_header(struct snap_writer *w, const struct snap_config *cfg)
{
	uint8_t buf[HDR_LEN(SNAP_MAX_DEVICES)];
	struct snap_out o = {buf, sizeof(buf), 0, false};

	if (cfg->ndev > SNAP_MAX_DEVICES)
		return w->err = -EINVAL;
	snap_put_bytes(&o, SNAP_MAGIC, MAGIC_LEN);
	snap_put_u32(&o, SNAP_VERSION);
	snap_put_u32(&o, HDR_LEN(cfg->ndev));
	config_put(&o, cfg);
	snap_put_u32(&o, crc_of(buf, o.len));
	return put_all(w, buf, o.len);
}

int snap_write_section(struct snap_writer *w, uint32_t type, uint32_t instance,
		       const void *payload, size_t len)
{
	uint8_t h[SNAP_SECTION_HEADER];

	be32_store(h, type);
	be32_store(h + 4, instance);
	be64_store(h + 8, len);
	be32_store(h + 16, sec_crc(h, payload, len));
	be32_store(h + 20, 0);
	put_all(w, h, sizeof(h));
	return put_all(w, payload, len);
}

int snap_write_end(struct snap_writer *w)
{
	return snap_write_section(w, SNAP_SEC_END, 0, NULL, 0);
}

/* The chunk of RAM at @at: SNAP_RAM_ALIGN bytes, or what is left. */
static uint64_t chunk(uint64_t len, uint64_t at)
{
	return len - at < SNAP_RAM_ALIGN ? len - at : SNAP_RAM_ALIGN;
}

/* RAM written chunk by chunk, all-zero chunks skipped: they stay holes
 * in the (fresh) file, which read and map as zeros.  A guest's RAM is
 * mostly pages it never touched. */
static void put_ram(struct snap_writer *w, const uint8_t *b, uint64_t len)
{
	uint64_t off = 0;

	while (!w->err && off < len) {
		uint64_t run = off;

		while (run < len && !snap_all_zero(b + run, chunk(len, run)))
			run += SNAP_RAM_ALIGN;
		if (run > len)
			run = len;
		put_all(w, b + off, (size_t)(run - off));
		off = run;
		while (off < len && snap_all_zero(b + off, chunk(len, off)))
			off += SNAP_RAM_ALIGN;
		if (off > len)
			off = len;
		if (!w->err &&
		    lseek(w->fd, (off_t)(w->pos + off - run), SEEK_SET) < 0)
			w->err = -errno;
		w->pos += off - run;
	}
}

int snap_write_ram_end(struct snap_writer *w, const void *ram, uint64_t ram_len)
{
	uint8_t p[RAM_PAYLOAD];
	/* Where RAM starts: after this section and the end section. */
	uint64_t at = w->pos + 2 * SNAP_SECTION_HEADER + RAM_PAYLOAD;

	at = (at + SNAP_RAM_ALIGN - 1) & ~(uint64_t)(SNAP_RAM_ALIGN - 1);
	be64_store(p, at);
	be64_store(p + 8, ram_len);
	snap_write_section(w, SNAP_SEC_RAM, 0, p, sizeof(p));
	snap_write_end(w);
	if (w->err)
		return w->err;
	if (lseek(w->fd, (off_t)at, SEEK_SET) < 0)
		return w->err = -errno;
	w->pos = at;
	put_ram(w, ram, ram_len);
	/* The file as long as RAM says, trailing holes included. */
	if (!w->err && ftruncate(w->fd, (off_t)w->pos) < 0)
		w->err = -errno;
	return w->err;
}

/* --- reading ------------------------------------------------------------- */

static int parse_header(const uint8_t *buf, size_t len, struct snap_file *f,
			char *why, size_t wlen, size_t *hlen)
{
	struct snap_in in = {buf, len, 0, false};
	struct snap_config *c = &f->cfg;
	uint8_t magic[MAGIC_LEN];
	uint32_t version, crc;

	snap_get_bytes(&in, magic, MAGIC_LEN);
	if (in.bad || memcmp(magic, SNAP_MAGIC, MAGIC_LEN))
		return snap_fail(-EINVAL, why, wlen,
				 "not a pvmm snapshot (no %s magic)",
				 SNAP_MAGIC);
	version = snap_get_u32(&in);
	if (version < SNAP_VERSION_MIN || version > SNAP_VERSION)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot version %u, this pvmm reads "
				 "versions %u to %u",
				 version, SNAP_VERSION_MIN, SNAP_VERSION);
	*hlen = snap_get_u32(&in);
	c->ram_size = snap_get_u64(&in);
	c->mmu_mode = snap_get_u32(&in);
	c->hpt_order = snap_get_u32(&in);
	c->ncpus = snap_get_u32(&in);
	c->threads = snap_get_u32(&in);
	c->flags = snap_get_u32(&in);
	c->ndev = snap_get_u32(&in);
	if (in.bad)
		return snap_fail(-EINVAL, why, wlen, "truncated header");
	if (c->ndev > SNAP_MAX_DEVICES || *hlen != HDR_LEN(c->ndev))
		return snap_fail(-EINVAL, why, wlen,
				 "bad header length %zu (%u devices)", *hlen,
				 c->ndev);
	if (*hlen > len)
		return snap_fail(-EINVAL, why, wlen, "truncated header");
	for (uint32_t i = 0; i < c->ndev; i++) {
		c->dev[i].device_id = snap_get_u16(&in);
		c->dev[i].nqueues = snap_get_u16(&in);
	}
	crc = snap_get_u32(&in);
	if (crc != crc_of(buf, *hlen - 4))
		return snap_fail(-EINVAL, why, wlen,
				 "header checksum mismatch");
	if (c->flags & ~SNAP_CFG_KNOWN ||
	    (version < 2 && (c->flags & SNAP_CFG_XIVE)))
		return snap_fail(-EINVAL, why, wlen,
				 "unknown configuration flags %#x", c->flags);
	if (!c->ncpus || c->ncpus > CONFIG_MAX_CPUS || !c->threads ||
	    c->ncpus % c->threads)
		return snap_fail(-EINVAL, why, wlen,
				 "bad vCPU layout (%u vCPUs, %u threads "
				 "per core)",
				 c->ncpus, c->threads);
	return 0;
}

static bool known_type(uint32_t t)
{
	return t >= SNAP_SEC_MACHINE && t < SNAP_SEC_KINDS;
}

/* The RAM section: where the bytes are, and that the file holds them. */
static int check_ram(const struct snap_sec *s, size_t len, uint64_t end,
		     struct snap_file *f, char *why, size_t wlen)
{
	uint64_t at, size;

	if (s->len != RAM_PAYLOAD)
		return snap_fail(-EINVAL, why, wlen,
				 "RAM section of %llu bytes",
				 (unsigned long long)s->len);
	at = be64_load(s->payload);
	size = be64_load(s->payload + 8);
	if (size != f->cfg.ram_size)
		return snap_fail(-EINVAL, why, wlen,
				 "RAM section of %llu bytes in a machine "
				 "of %llu",
				 (unsigned long long)size,
				 (unsigned long long)f->cfg.ram_size);
	if (at % SNAP_RAM_ALIGN || at < end)
		return snap_fail(-EINVAL, why, wlen,
				 "RAM at a bad offset %#llx",
				 (unsigned long long)at);
	if (at > len || size > len - at)
		return snap_fail(-EINVAL, why, wlen,
				 "truncated: guest RAM needs %llu bytes "
				 "from %#llx, the file has %zu",
				 (unsigned long long)size,
				 (unsigned long long)at, len);
	f->ram_offset = at;
	return 0;
}

int snap_parse(const uint8_t *buf, size_t len, bool ram_required,
	       struct snap_file *f, char *why, size_t wlen)
{
	const struct snap_sec *ram = NULL;
	size_t off = 0;
	int err;

	memset(f, 0, sizeof(*f));
	err = parse_header(buf, len, f, why, wlen, &off);
	if (err)
		return err;
	for (;;) {
		struct snap_sec s;
		uint32_t crc;

		if (len - off < SNAP_SECTION_HEADER)
			return snap_fail(-EINVAL, why, wlen,
					 "truncated: no end section");
		s.type = be32_load(buf + off);
		s.instance = be32_load(buf + off + 4);
		s.len = be64_load(buf + off + 8);
		crc = be32_load(buf + off + 16);
		if (be32_load(buf + off + 20))
			return snap_fail(-EINVAL, why, wlen,
					 "section at %#zx: reserved word "
					 "not 0",
					 off);
		off += SNAP_SECTION_HEADER;
		if (s.type == SNAP_SEC_END) {
			if (s.len || s.instance ||
			    crc != sec_crc(buf + off - SNAP_SECTION_HEADER, "",
					   0))
				return snap_fail(-EINVAL, why, wlen,
						 "bad end section");
			break;
		}
		if (!known_type(s.type))
			return snap_fail(-EINVAL, why, wlen,
					 "unknown section type %u at %#zx",
					 s.type, off - SNAP_SECTION_HEADER);
		if (s.len > SNAP_MAX_PAYLOAD || s.len > len - off)
			return snap_fail(-EINVAL, why, wlen,
					 "truncated: section %u of %llu "
					 "bytes at %#zx",
					 s.type, (unsigned long long)s.len,
					 off);
		s.payload = buf + off;
		if (crc !=
		    sec_crc(buf + off - SNAP_SECTION_HEADER, s.payload, s.len))
			return snap_fail(-EINVAL, why, wlen,
					 "section %u (instance %u): "
					 "checksum mismatch",
					 s.type, s.instance);
		if (snap_find(f, s.type, s.instance))
			return snap_fail(-EINVAL, why, wlen,
					 "section %u (instance %u) twice",
					 s.type, s.instance);
		if (f->nsec == SNAP_MAX_SECTIONS)
			return snap_fail(-EINVAL, why, wlen,
					 "more than %d sections",
					 SNAP_MAX_SECTIONS);
		f->sec[f->nsec++] = s;
		off += (size_t)s.len;
	}
	f->end = off;
	ram = snap_find(f, SNAP_SEC_RAM, 0);
	if (ram)
		return check_ram(ram, len, f->end, f, why, wlen);
	if (ram_required)
		return snap_fail(-EINVAL, why, wlen, "no guest RAM in it");
	return 0;
}

/* Exactly @n bytes from @fd, appended to the growing buffer. */
static int read_more(int fd, uint8_t **buf, size_t *len, size_t *cap, size_t n,
		     size_t max)
{
	if (n > max - *len)
		return -E2BIG;
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 4096;
		uint8_t *p;

		while (c < *len + n)
			c = c > max / 2 ? max : 2 * c;
		p = realloc(*buf, c);
		if (!p)
			return -ENOMEM;
		*buf = p;
		*cap = c;
	}
	while (n) {
		ssize_t r = read(fd, *buf + *len, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		*len += (size_t)r;
		n -= (size_t)r;
	}
	return 0;
}

int snap_read_stream(int fd, size_t max, uint8_t **buf, size_t *len, char *why,
		     size_t wlen)
{
	size_t cap = 0, hlen;
	int err;

	*buf = NULL;
	*len = 0;
	err = read_more(fd, buf, len, &cap, HDR_FIXED, max);
	if (!err) {
		hlen = be32_load(*buf + MAGIC_LEN + 4);
		if (hlen < HDR_LEN(0) || hlen > HDR_LEN(SNAP_MAX_DEVICES))
			err = -EINVAL;
		else
			err = read_more(fd, buf, len, &cap, hlen - HDR_FIXED,
					max);
	}
	while (!err) {
		const uint8_t *h;
		uint64_t n;

		err = read_more(fd, buf, len, &cap, SNAP_SECTION_HEADER, max);
		if (err)
			break;
		h = *buf + *len - SNAP_SECTION_HEADER;
		n = be64_load(h + 8);
		if (be32_load(h) == SNAP_SEC_END)
			break;
		if (n > SNAP_MAX_PAYLOAD)
			err = -EINVAL;
		else if (n > max)
			err = -E2BIG;
		else
			err = read_more(fd, buf, len, &cap, (size_t)n, max);
	}
	if (err) {
		snprintf(why, wlen, "%s after %zu bytes",
			 err == -EIO	  ? "stream ended"
			 : err == -EINVAL ? "not a snapshot stream"
			 : err == -E2BIG  ? "stream too long"
					  : strerror(-err),
			 *len);
		free(*buf);
		*buf = NULL;
	}
	return err;
}

const struct snap_sec *snap_find(const struct snap_file *f, uint32_t type,
				 uint32_t instance)
{
	for (uint32_t i = 0; i < f->nsec; i++)
		if (f->sec[i].type == type && f->sec[i].instance == instance)
			return &f->sec[i];
	return NULL;
}

int snap_config_match(const struct snap_config *have,
		      const struct snap_config *want, char *why, size_t wlen)
{
	if (have->ram_size != want->ram_size)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot of a %llu MiB guest, this one "
				 "has %llu MiB",
				 (unsigned long long)(have->ram_size >> 20),
				 (unsigned long long)(want->ram_size >> 20));
	if (have->mmu_mode != want->mmu_mode)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot of a %s guest, this one is %s",
				 mmu_mode_name((enum mmu_mode)have->mmu_mode),
				 mmu_mode_name((enum mmu_mode)want->mmu_mode));
	if (have->hpt_order != want->hpt_order)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot HPT of 2^%u bytes, this "
				 "guest's is 2^%u",
				 have->hpt_order, want->hpt_order);
	if (have->ncpus != want->ncpus || have->threads != want->threads)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot of %u vCPUs (%u per core), "
				 "this guest has %u (%u per core)",
				 have->ncpus, have->threads, want->ncpus,
				 want->threads);
	if ((have->flags ^ want->flags) & SNAP_CFG_XIVE)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot of a guest with the %s interrupt "
				 "controller, this one has %s",
				 have->flags & SNAP_CFG_XIVE ? "XIVE" : "XICS",
				 want->flags & SNAP_CFG_XIVE ? "XIVE" : "XICS");
	if (have->flags != want->flags)
		return snap_fail(
			-EINVAL, why, wlen,
			"snapshot %s --iommu, this guest %s",
			have->flags & SNAP_CFG_IOMMU ? "with" : "without",
			want->flags & SNAP_CFG_IOMMU ? "has it" : "has not");
	if (have->ndev != want->ndev)
		return snap_fail(-EINVAL, why, wlen,
				 "snapshot with %u devices, this guest "
				 "has %u",
				 have->ndev, want->ndev);
	for (uint32_t i = 0; i < have->ndev; i++)
		if (have->dev[i].device_id != want->dev[i].device_id ||
		    have->dev[i].nqueues != want->dev[i].nqueues)
			return snap_fail(-EINVAL, why, wlen,
					 "device %u: snapshot has virtio "
					 "device %u, this guest %u",
					 i, have->dev[i].device_id,
					 want->dev[i].device_id);
	return 0;
}
