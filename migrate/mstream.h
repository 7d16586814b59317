/* The live-migration stream between two pvmm processes (a unix socket
 * or an inherited fd).  Big-endian throughout.  The source opens with
 *
 *   "PVMMMIGR"  u32 version  u32 0
 *
 * then both sides send records:
 *
 *   u32 type  u32 arg  u64 payload length  u32 crc32(first 16 bytes,
 *   payload)  u32 0
 *   payload
 *
 * Source to destination, in this order:
 *   HELLO    the machine's configuration: a snapshot header and end
 *            section (migrate/snapshot.h), nothing else; the
 *            destination answers REPLY (arg HELLO) before anything else
 *            is sent, refusing another machine
 *   RAM      arg = pass; u64 guest-physical address, then the bytes
 *   ZERO     arg = pass; u64 address, u64 length: that range is zero
 *   HPT      arg = pass; one pass of the HTAB fd as an HPT stream
 *            (migrate/hpt_stream.h): the whole table first, then only
 *            what changed since the pass before
 *   PASS     arg = pass; u64 bytes of RAM and HPT the pass sent
 *   STATE    everything else, as a snapshot stream without RAM or HPT
 *            sections (the sections of migrate/state.c)
 *   DONE     no payload: the destination checks STATE against itself,
 *            loads it, and answers REPLY (arg DONE) when it runs
 *   ABORT    u32 errno, text: the source gives up (the destination
 *            then exits without running anything)
 * Destination to source:
 *   REPLY    arg = the type answered; u32 errno (0: yes), text
 *
 * Every record is checked whole (type, length bound, checksum, payload
 * decoded against the machine) before any of it is used. */
#ifndef PVMM_MSTREAM_H
#define PVMM_MSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIG_MAGIC      "PVMMMIGR"
#define MIG_VERSION    1
#define MIG_GREETING   16
#define MIG_HEADER     24
#define MIG_RAM_CHUNK  (1u << 20) /* most RAM bytes in one record */
#define MIG_MAX_STATE  (16u << 20)
#define MIG_MAX_TEXT   200
#define MIG_MAX_PASSES 64

enum mig_type {
	MIG_HELLO = 1,
	MIG_RAM = 2,
	MIG_ZERO = 3,
	MIG_HPT = 4,
	MIG_PASS = 5,
	MIG_STATE = 6,
	MIG_DONE = 7,
	MIG_ABORT = 8,
	MIG_REPLY = 9,
	MIG_TYPES,
};

struct mig_hdr {
	uint32_t type, arg;
	uint64_t len;
	uint32_t crc;
};

/* Greeting: write into @buf; check one (0, or -EPROTO with @why). */
void mig_greeting_put(uint8_t buf[MIG_GREETING]);
int mig_greeting_check(const uint8_t buf[MIG_GREETING], char *why, size_t wlen);

/* The longest payload a record of @type may have on a stream for a
 * machine whose HPT is 2^@hpt_order bytes (0: radix). */
uint64_t mig_max_len(uint32_t type, unsigned hpt_order);

/* Encode a record header for @payload. */
void mig_hdr_put(uint8_t h[MIG_HEADER], uint32_t type, uint32_t arg,
		 const void *payload, uint64_t len);
/* Decode and check a header: known type, reserved word zero, length
 * within mig_max_len.  0, or -EPROTO with one line in @why. */
int mig_hdr_parse(const uint8_t h[MIG_HEADER], unsigned hpt_order,
		  struct mig_hdr *out, char *why, size_t wlen);
/* Does @payload match the header's checksum?  0 or -EPROTO. */
int mig_payload_check(const uint8_t h[MIG_HEADER], const void *payload,
		      uint64_t len, char *why, size_t wlen);

/* Payload decoders: each checks everything against the machine (RAM of
 * @ram_size bytes) and fails with -EPROTO and one line. */
int mig_ram_decode(const uint8_t *p, uint64_t len, uint64_t ram_size,
		   uint64_t *gpa, const uint8_t **data, uint64_t *n, char *why,
		   size_t wlen);
int mig_zero_decode(const uint8_t *p, uint64_t len, uint64_t ram_size,
		    uint64_t *gpa, uint64_t *n, char *why, size_t wlen);
int mig_pass_decode(const uint8_t *p, uint64_t len, uint64_t *bytes, char *why,
		    size_t wlen);
/* REPLY and ABORT: an errno (0..4095) and a text of printable ASCII
 * (copied NUL-terminated into @text of @tlen). */
int mig_reply_decode(const uint8_t *p, uint64_t len, int *err, char *text,
		     size_t tlen, char *why, size_t wlen);
/* Encode a REPLY/ABORT payload into @buf (4 + MIG_MAX_TEXT): its length. */
size_t mig_reply_put(uint8_t *buf, int err, const char *text);

/* --- on a file descriptor ------------------------------------------------ */

/* Raw bytes (the greeting): all of them, 0 or -errno; reading, as
 * mig_recv says. */
int mig_write_raw(int fd, const void *buf, uint64_t len);
int mig_read_raw(int fd, void *buf, uint64_t len, int timeout_ms);

/* Write a whole record: 0 or -errno (-EPIPE when the peer
 * went away). */
int mig_send(int fd, uint32_t type, uint32_t arg, const void *payload,
	     uint64_t len);
/* Read one record: header checked, payload (malloc'd, *@payload, the
 * caller frees; NULL for none) read whole and its checksum checked.
 * 0; -EPROTO with @why for a bad record; -ECONNRESET when the peer
 * closed; -errno.  @timeout_ms < 0: wait for ever; on timeout -ETIMEDOUT. */
int mig_recv(int fd, unsigned hpt_order, int timeout_ms, struct mig_hdr *h,
	     uint8_t **payload, char *why, size_t wlen);

const char *mig_type_name(uint32_t type);

#endif
