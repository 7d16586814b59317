/* The snapshot format: what a paused machine is, as a file (`snapshot`
 * on the control socket, `--restore`) or a stream (live migration sends
 * the same sections over a socket).
 *
 * Everything is big-endian.  A header first:
 *
 *   "PVMMSNAP"  u32 version  u32 header length (from the start, crc incl.)
 *   the machine's configuration (struct snap_config, snap_config_put)
 *   u32 crc32 of every header byte before it
 *
 * then sections, each
 *
 *   u32 type  u32 instance  u64 payload length  u32 crc32(payload)  u32 0
 *   payload
 *
 * ended by a section of type SNAP_SEC_END (no payload).  In a file, guest
 * RAM follows the end section at the offset its SNAP_SEC_RAM section
 * names, aligned to SNAP_RAM_ALIGN so it can be mapped back (MAP_PRIVATE):
 * its bytes are not checksummed, so a restore never reads them all.
 *
 * Readers check everything before anyone applies anything: snap_parse()
 * checks the header, every section's bounds, type and checksum, and the
 * RAM placement against the file's length; each subsystem's decoder
 * (migrate/state.h) then checks its payload into a plain state struct,
 * and only when all of them succeeded is any of it loaded. */
#ifndef PVMM_SNAPSHOT_H
#define PVMM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SNAP_MAGIC	    "PVMMSNAP"
/* Version 2: the XIVE section and configuration flag.  Version 1 files
 * (XICS guests only) read the same. */
#define SNAP_VERSION	    2
#define SNAP_VERSION_MIN    1
#define SNAP_RAM_ALIGN	    (64u << 10) /* largest host base page */
#define SNAP_SECTION_HEADER 24
#define SNAP_MAX_SECTIONS   256
/* No payload is longer: the largest, a hash guest's HPT stream, is at
 * most its HPT (2^HPT_ORDER_MAX) plus chunk headers; anything longer is
 * a corrupt length, refused before any arithmetic can overflow. */
#define SNAP_MAX_PAYLOAD (1ull << 47)
#define SNAP_MAX_DEVICES 16

enum snap_section {
	SNAP_SEC_MACHINE = 1, /* VM-wide: LPCR choices, MMU, RTC, power */
	SNAP_SEC_VCPU = 2,    /* one per vCPU (instance = index) */
	SNAP_SEC_XICS = 3,    /* ICPs and sources */
	SNAP_SEC_HPT = 4,     /* hash guests: the HPT stream */
	SNAP_SEC_RAM = 5,     /* where guest RAM lies in the file */
	SNAP_SEC_PHB = 6,     /* host bridge: its DMA windows */
	SNAP_SEC_DEVICE = 7,  /* one per PCI function (instance = slot) */
	SNAP_SEC_PAPR = 8,    /* console, event queue, NVRAM */
	SNAP_SEC_XIVE = 9,    /* XIVE guests, instead of XICS (version 2) */
	SNAP_SEC_KINDS,
	SNAP_SEC_END = 0xffffffffu,
};

/* The machine a snapshot belongs to: a restore refuses a snapshot whose
 * configuration is not the one it can build (another RAM size, MMU mode,
 * vCPU layout or set of devices). */
struct snap_device {
	uint16_t device_id; /* virtio device id (VIRTIO_ID_*) */
	uint16_t nqueues;
};

struct snap_config {
	uint64_t ram_size;
	uint32_t mmu_mode;  /* enum mmu_mode: MMU_RADIX or MMU_HASH */
	uint32_t hpt_order; /* hash: log2 HPT bytes; radix: 0 */
	uint32_t ncpus;
	uint32_t threads; /* per core */
	uint32_t flags;	  /* SNAP_CFG_* */
	uint32_t ndev;
	struct snap_device dev[SNAP_MAX_DEVICES];
};

#define SNAP_CFG_IOMMU 0x1u
#define SNAP_CFG_XIVE  0x2u /* XIVE exploitation mode, not XICS (version 2) */
#define SNAP_CFG_KNOWN (SNAP_CFG_IOMMU | SNAP_CFG_XIVE)

/* --- writing ------------------------------------------------------------ */

/* Writes go to a file descriptor (a file or a socket), all or nothing per
 * call; the first failure sticks in err and later calls do nothing, so a
 * writer checks once at the end. */
struct snap_writer {
	int fd;
	uint64_t pos; /* bytes written so far */
	int err;      /* first -errno, or 0 */
};

void snap_writer_init(struct snap_writer *w, int fd);
int snap_write_header(struct snap_writer *w, const struct snap_config *cfg);
int snap_write_section(struct snap_writer *w, uint32_t type, uint32_t instance,
		       const void *payload, size_t len);
/* The RAM section, the end section, and @ram_len bytes of guest RAM at
 * the next SNAP_RAM_ALIGN boundary (a fresh, empty file only: it seeks
 * over all-zero chunks, leaving holes).  For a
 * stream without RAM, snap_write_end(). */
int snap_write_ram_end(struct snap_writer *w, const void *ram,
		       uint64_t ram_len);
int snap_write_end(struct snap_writer *w);

/* --- reading ------------------------------------------------------------ */

struct snap_sec {
	uint32_t type, instance;
	const uint8_t *payload;
	uint64_t len;
};

struct snap_file {
	struct snap_config cfg;
	uint32_t nsec;
	struct snap_sec sec[SNAP_MAX_SECTIONS];
	uint64_t ram_offset; /* 0: no RAM in this file (a stream) */
	uint64_t end;	     /* bytes up to and including the end section */
};

/* Check @buf (a whole file, or a stream's bytes) and index its sections:
 * 0, or -EINVAL with one line in @why (no "pvmm:" prefix) saying what is
 * wrong: magic, version, checksum, truncation, an unknown or repeated
 * section, RAM not where the file can hold it.  @ram_required: a file
 * for --restore must carry RAM. */
int snap_parse(const uint8_t *buf, size_t len, bool ram_required,
	       struct snap_file *f, char *why, size_t wlen);

/* Read one stream (header, sections, end section; no RAM) from @fd, a
 * socket or pipe, into a new buffer (*@buf, *@len; the caller frees it)
 * for snap_parse.  Reads exactly up to the end section, so what follows
 * on @fd stays there.  0, or -errno with one line in @why: -EIO for an
 * early end of file, -EINVAL for lengths no snapshot has, -E2BIG past
 * @max bytes. */
int snap_read_stream(int fd, size_t max, uint8_t **buf, size_t *len, char *why,
		     size_t wlen);

/* The section of @type and @instance, or NULL. */
const struct snap_sec *snap_find(const struct snap_file *f, uint32_t type,
				 uint32_t instance);

/* Is @have a snapshot of the machine @want describes?  0, or -EINVAL
 * with the first difference in @why. */
int snap_config_match(const struct snap_config *have,
		      const struct snap_config *want, char *why, size_t wlen);

/* --- payload encoding: cursors with sticky bounds ----------------------- */

/* A growing payload: puts past @cap set @overflow and write nothing. */
struct snap_out {
	uint8_t *p;
	size_t cap, len;
	bool overflow;
};

void snap_put_u8(struct snap_out *o, uint8_t v);
void snap_put_u16(struct snap_out *o, uint16_t v);
void snap_put_u32(struct snap_out *o, uint32_t v);
void snap_put_u64(struct snap_out *o, uint64_t v);
void snap_put_bytes(struct snap_out *o, const void *b, size_t n);

/* Reading a payload: gets past the end set @bad and read zeros. */
struct snap_in {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static inline struct snap_in snap_in_of(const struct snap_sec *s)
{
	return (struct snap_in){s->payload, (size_t)s->len, 0, false};
}

uint8_t snap_get_u8(struct snap_in *in);
uint16_t snap_get_u16(struct snap_in *in);
uint32_t snap_get_u32(struct snap_in *in);
uint64_t snap_get_u64(struct snap_in *in);
void snap_get_bytes(struct snap_in *in, void *b, size_t n);
/* Was the payload read exactly, nothing short and nothing left over? */
static inline bool snap_in_done(const struct snap_in *in)
{
	return !in->bad && in->off == in->len;
}

/* zlib's crc32 of @len bytes at @p continuing @crc (0 to start), for
 * lengths beyond zlib's uInt. */
uint32_t snap_crc32(uint32_t crc, const void *p, uint64_t len);

/* One line (no "pvmm:" prefix) into @why, then @err: how every reader in
 * migrate/ refuses what it was given. */
__attribute__((format(printf, 4, 5))) int
snap_fail(int err, char *why, size_t wlen, const char *fmt, ...);

/* Whether all @n bytes at @p are zero: the snapshot's holes and the
 * migration's ZERO records.  A word at a time (musl's memcmp compares
 * bytes, which made a 1 GiB snapshot of a mostly empty guest cost
 * 2.45 times QEMU's in the bench). */
bool snap_all_zero(const void *p, uint64_t n);

#endif
