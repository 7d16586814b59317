/* The live-migration stream's records: framing, bounds, checksums and
 * the small payloads' decoders (format in migrate/mstream.h). */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/be.h"
#include "migrate/hpt_stream.h"
#include "migrate/mstream.h"
#include "migrate/snapshot.h"

static const char *const names[MIG_TYPES] = {
	[MIG_HELLO] = "HELLO", [MIG_RAM] = "RAM",     [MIG_ZERO] = "ZERO",
	[MIG_HPT] = "HPT",     [MIG_PASS] = "PASS",   [MIG_STATE] = "STATE",
	[MIG_DONE] = "DONE",   [MIG_ABORT] = "ABORT", [MIG_REPLY] = "REPLY",
};

const char *mig_type_name(uint32_t type)
{
	return type && type < MIG_TYPES ? names[type] : "unknown";
}

void mig_greeting_put(uint8_t buf[MIG_GREETING])
{
	memcpy(buf, MIG_MAGIC, 8);
	be32_store(buf + 8, MIG_VERSION);
	be32_store(buf + 12, 0);
}

int mig_greeting_check(const uint8_t buf[MIG_GREETING], char *why, size_t wlen)
{
	if (memcmp(buf, MIG_MAGIC, 8))
		return snap_fail(-EPROTO, why, wlen,
				 "not a pvmm migration stream");
	if (be32_load(buf + 8) != MIG_VERSION || be32_load(buf + 12))
		return snap_fail(-EPROTO, why, wlen,
				 "migration stream version %u, this pvmm "
				 "speaks version %u",
				 be32_load(buf + 8), MIG_VERSION);
	return 0;
}

uint64_t mig_max_len(uint32_t type, unsigned hpt_order)
{
	switch (type) {
	case MIG_HELLO: return 4096;
	case MIG_RAM: return 8 + MIG_RAM_CHUNK;
	case MIG_ZERO: return 16;
	case MIG_HPT:
		/* A pass is at most every entry in chunks of one (24 bytes
		 * per 16), plus the header and end marker; none for radix. */
		return hpt_order ? (3ull << hpt_order) / 2 + 64 : 0;
	case MIG_PASS: return 8;
	case MIG_STATE: return MIG_MAX_STATE;
	case MIG_ABORT:
	case MIG_REPLY: return 4 + MIG_MAX_TEXT;
	default: return 0;
	}
}

static uint32_t rec_crc(const uint8_t *h, const void *payload, uint64_t len)
{
	return snap_crc32(snap_crc32(0, h, 16), payload, len);
}

void mig_hdr_put(uint8_t h[MIG_HEADER], uint32_t type, uint32_t arg,
		 const void *payload, uint64_t len)
{
	be32_store(h, type);
	be32_store(h + 4, arg);
	be64_store(h + 8, len);
	be32_store(h + 16, rec_crc(h, payload, len));
	be32_store(h + 20, 0);
}

int mig_hdr_parse(const uint8_t h[MIG_HEADER], unsigned hpt_order,
		  struct mig_hdr *out, char *why, size_t wlen)
{
	out->type = be32_load(h);
	out->arg = be32_load(h + 4);
	out->len = be64_load(h + 8);
	out->crc = be32_load(h + 16);
	if (!out->type || out->type >= MIG_TYPES)
		return snap_fail(-EPROTO, why, wlen, "unknown record type %u",
				 out->type);
	if (be32_load(h + 20))
		return snap_fail(-EPROTO, why, wlen,
				 "%s record: reserved word not zero",
				 mig_type_name(out->type));
	if (out->len > mig_max_len(out->type, hpt_order) ||
	    (out->type == MIG_HPT && !out->len))
		return snap_fail(
			-EPROTO, why, wlen, "%s record of %llu bytes: too long",
			mig_type_name(out->type), (unsigned long long)out->len);
	if ((out->type == MIG_RAM || out->type == MIG_ZERO ||
	     out->type == MIG_HPT || out->type == MIG_PASS) &&
	    out->arg >= MIG_MAX_PASSES)
		return snap_fail(-EPROTO, why, wlen, "%s record of pass %u",
				 mig_type_name(out->type), out->arg);
	return 0;
}

int mig_payload_check(const uint8_t h[MIG_HEADER], const void *payload,
		      uint64_t len, char *why, size_t wlen)
{
	if (rec_crc(h, payload, len) != be32_load(h + 16))
		return snap_fail(-EPROTO, why, wlen,
				 "%s record: checksum mismatch",
				 mig_type_name(be32_load(h)));
	return 0;
}

/* [gpa, gpa + n) inside RAM, n > 0. */
static int in_ram(uint64_t gpa, uint64_t n, uint64_t ram_size, char *why,
		  size_t wlen)
{
	if (!n || gpa > ram_size || n > ram_size - gpa)
		return snap_fail(-EPROTO, why, wlen,
				 "RAM range %#llx+%#llx outside the guest's "
				 "%llu MiB",
				 (unsigned long long)gpa, (unsigned long long)n,
				 (unsigned long long)(ram_size >> 20));
	return 0;
}

int mig_ram_decode(const uint8_t *p, uint64_t len, uint64_t ram_size,
		   uint64_t *gpa, const uint8_t **data, uint64_t *n, char *why,
		   size_t wlen)
{
	if (len < 8)
		return snap_fail(-EPROTO, why, wlen, "RAM record too short");
	*gpa = be64_load(p);
	*data = p + 8;
	*n = len - 8;
	return in_ram(*gpa, *n, ram_size, why, wlen);
}

int mig_zero_decode(const uint8_t *p, uint64_t len, uint64_t ram_size,
		    uint64_t *gpa, uint64_t *n, char *why, size_t wlen)
{
	if (len != 16)
		return snap_fail(-EPROTO, why, wlen,
				 "ZERO record of %llu bytes",
				 (unsigned long long)len);
	*gpa = be64_load(p);
	*n = be64_load(p + 8);
	return in_ram(*gpa, *n, ram_size, why, wlen);
}

int mig_pass_decode(const uint8_t *p, uint64_t len, uint64_t *bytes, char *why,
		    size_t wlen)
{
	if (len != 8)
		return snap_fail(-EPROTO, why, wlen,
				 "PASS record of %llu bytes",
				 (unsigned long long)len);
	*bytes = be64_load(p);
	return 0;
}

int mig_reply_decode(const uint8_t *p, uint64_t len, int *err, char *text,
		     size_t tlen, char *why, size_t wlen)
{
	uint32_t e;
	uint64_t n;

	if (len < 4 || len > 4 + MIG_MAX_TEXT)
		return snap_fail(-EPROTO, why, wlen, "answer of %llu bytes",
				 (unsigned long long)len);
	e = be32_load(p);
	if (e > 4095)
		return snap_fail(-EPROTO, why, wlen, "answer with error %u", e);
	n = len - 4;
	for (uint64_t i = 0; i < n; i++)
		if (p[4 + i] < 0x20 || p[4 + i] > 0x7e)
			return snap_fail(-EPROTO, why, wlen,
					 "answer text not printable");
	if (tlen) {
		size_t k = n < tlen - 1 ? (size_t)n : tlen - 1;

		memcpy(text, p + 4, k);
		text[k] = '\0';
	}
	*err = (int)e;
	return 0;
}

size_t mig_reply_put(uint8_t *buf, int err, const char *text)
{
	size_t n = 0;

	be32_store(buf, (uint32_t)(err < 0 ? -err : err));
	/* Only printable bytes: the reader refuses anything else. */
	for (; text && text[n] && n < MIG_MAX_TEXT; n++)
		buf[4 + n] = text[n] >= 0x20 && text[n] <= 0x7e
				     ? (uint8_t)text[n]
				     : '?';
	return 4 + n;
}

/* --- on a file descriptor ------------------------------------------------ */

static int write_all(int fd, const void *buf, uint64_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len > (1u << 30) ? (1u << 30) : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (uint64_t)n;
	}
	return 0;
}

int mig_send(int fd, uint32_t type, uint32_t arg, const void *payload,
	     uint64_t len)
{
	uint8_t h[MIG_HEADER];
	int err;

	mig_hdr_put(h, type, arg, payload, len);
	err = write_all(fd, h, sizeof(h));
	return err ? err : write_all(fd, payload, len);
}

/* Read exactly @len bytes; -ECONNRESET at end of stream. */
static int read_all(int fd, void *buf, uint64_t len, int timeout_ms)
{
	uint8_t *p = buf;

	while (len) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;
		int r = poll(&pfd, 1, timeout_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return -ETIMEDOUT;
		n = read(fd, p, len > (1u << 30) ? (1u << 30) : len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -ECONNRESET;
		p += n;
		len -= (uint64_t)n;
	}
	return 0;
}

int mig_write_raw(int fd, const void *buf, uint64_t len)
{
	return write_all(fd, buf, len);
}

int mig_read_raw(int fd, void *buf, uint64_t len, int timeout_ms)
{
	return read_all(fd, buf, len, timeout_ms);
}

int mig_recv(int fd, unsigned hpt_order, int timeout_ms, struct mig_hdr *h,
	     uint8_t **payload, char *why, size_t wlen)
{
	uint8_t raw[MIG_HEADER];
	uint8_t *p = NULL;
	int err;

	*payload = NULL;
	err = read_all(fd, raw, sizeof(raw), timeout_ms);
	if (err)
		return err;
	err = mig_hdr_parse(raw, hpt_order, h, why, wlen);
	if (err)
		return err;
	if (h->len && !(p = malloc((size_t)h->len)))
		return -ENOMEM;
	err = read_all(fd, p, h->len, timeout_ms);
	if (!err)
		err = mig_payload_check(raw, p, h->len, why, wlen);
	if (err) {
		free(p);
		return err;
	}
	*payload = p;
	return 0;
}
