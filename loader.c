/* ELF and flat-image loader.  The file is untrusted input: every offset,
 * size and address is checked before a byte is copied. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "loader.h"

static const char *const load_errors[] = {
	[-LOAD_E_NOT_ELF] = "not an ELF file",
	[-LOAD_E_CLASS] = "not a 64-bit ELF file",
	[-LOAD_E_MACHINE] = "not a PowerPC64 executable",
	[-LOAD_E_ENDIAN] = "unknown ELF byte order",
	[-LOAD_E_TYPE] = "not an executable ELF file",
	[-LOAD_E_TRUNCATED] = "truncated ELF file",
	[-LOAD_E_RANGE] = "a segment lies outside guest RAM",
	[-LOAD_E_NO_LOAD] = "no loadable segment",
	[-LOAD_E_ENTRY] = "entry point outside the loaded image",
	[-LOAD_E_TOO_BIG] = "image larger than guest RAM",
	[-LOAD_E_GZIP] = "corrupt or truncated gzip data",
	[-LOAD_E_NOMEM] = "out of memory decompressing the kernel",
};

const char *load_strerror(int err)
{
	if (err >= 0 || -err >= (int)(sizeof(load_errors) /
				      sizeof(load_errors[0])))
		return "unknown loader error";
	return load_errors[-err];
}

/* ELF fields in the file's byte order. */
struct elf_reader {
	const uint8_t *buf;
	size_t len;
	bool le;
};

static uint64_t rd(const struct elf_reader *r, size_t off, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		int shift = r->le ? 8 * i : 8 * (bytes - 1 - i);

		v |= (uint64_t)r->buf[off + i] << shift;
	}
	return v;
}

static int elf_check_header(struct elf_reader *r)
{
	if (r->len < EI_NIDENT || memcmp(r->buf, ELFMAG, SELFMAG) != 0)
		return LOAD_E_NOT_ELF;
	if (r->buf[EI_CLASS] != ELFCLASS64)
		return LOAD_E_CLASS;
	if (r->buf[EI_DATA] != ELFDATA2LSB && r->buf[EI_DATA] != ELFDATA2MSB)
		return LOAD_E_ENDIAN;
	r->le = r->buf[EI_DATA] == ELFDATA2LSB;
	if (r->len < sizeof(Elf64_Ehdr))
		return LOAD_E_TRUNCATED;
	if (rd(r, offsetof(Elf64_Ehdr, e_machine), 2) != EM_PPC64)
		return LOAD_E_MACHINE;
	if (rd(r, offsetof(Elf64_Ehdr, e_type), 2) != ET_EXEC)
		return LOAD_E_TYPE;
	return LOAD_OK;
}

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void elf_phdr(const struct elf_reader *r, size_t off, struct phdr *p)
{
	p->type = (uint32_t)rd(r, off + offsetof(Elf64_Phdr, p_type), 4);
	p->offset = rd(r, off + offsetof(Elf64_Phdr, p_offset), 8);
	p->vaddr = rd(r, off + offsetof(Elf64_Phdr, p_vaddr), 8);
	p->paddr = rd(r, off + offsetof(Elf64_Phdr, p_paddr), 8);
	p->filesz = rd(r, off + offsetof(Elf64_Phdr, p_filesz), 8);
	p->memsz = rd(r, off + offsetof(Elf64_Phdr, p_memsz), 8);
}

static int elf_load_segment(const struct gmem *g, const struct elf_reader *r,
			    const struct phdr *p, uint64_t limit)
{
	uint8_t *dst;

	if (p->filesz > p->memsz || p->offset > r->len ||
	    p->filesz > r->len - p->offset)
		return LOAD_E_TRUNCATED;
	if (p->paddr > limit || p->memsz > limit - p->paddr)
		return LOAD_E_RANGE;
	dst = gmem_ptr(g, p->paddr, p->memsz);
	if (!dst)
		return LOAD_E_RANGE;
	memcpy(dst, r->buf + p->offset, p->filesz);
	memset(dst + p->filesz, 0, p->memsz - p->filesz);
	return LOAD_OK;
}

/* The entry may be given as a virtual address (vmlinux links at
 * 0xc000000000000000): find the segment holding it. */
static bool elf_entry_phys(const struct phdr *p, uint64_t entry, uint64_t *pa)
{
	if (entry >= p->vaddr && entry - p->vaddr < p->memsz) {
		*pa = p->paddr + (entry - p->vaddr);
		return true;
	}
	if (entry >= p->paddr && entry - p->paddr < p->memsz) {
		*pa = entry;
		return true;
	}
	return false;
}

static uint64_t place(uint64_t paddr, uint64_t base)
{
	return base == LOAD_AT_PADDR ? paddr
				     : base + (paddr & (LOAD_FW_WINDOW - 1));
}

static int load_elf_at(const struct gmem *g, const void *buf, size_t len,
		       uint64_t limit, uint64_t base, struct image *img)
{
	struct elf_reader r = { .buf = buf, .len = len };
	uint64_t phoff, entry;
	unsigned phnum, phentsize;
	bool have_entry = false;
	int err = elf_check_header(&r);

	if (err)
		return err;
	phoff = rd(&r, offsetof(Elf64_Ehdr, e_phoff), 8);
	phnum = (unsigned)rd(&r, offsetof(Elf64_Ehdr, e_phnum), 2);
	phentsize = (unsigned)rd(&r, offsetof(Elf64_Ehdr, e_phentsize), 2);
	entry = rd(&r, offsetof(Elf64_Ehdr, e_entry), 8);
	if (phentsize < sizeof(Elf64_Phdr) || phoff > len ||
	    (uint64_t)phnum * phentsize > len - phoff)
		return LOAD_E_TRUNCATED;

	img->lo = UINT64_MAX;
	img->hi = 0;
	img->little_endian = r.le;
	for (unsigned i = 0; i < phnum; i++) {
		struct phdr p;

		elf_phdr(&r, phoff + (uint64_t)i * phentsize, &p);
		if (p.type != PT_LOAD || p.memsz == 0)
			continue;
		if (!have_entry && elf_entry_phys(&p, entry, &img->entry)) {
			have_entry = true;
			img->entry = place(img->entry, base);
		}
		p.paddr = place(p.paddr, base);
		err = elf_load_segment(g, &r, &p, limit);
		if (err)
			return err;
		if (p.paddr < img->lo)
			img->lo = p.paddr;
		if (p.paddr + p.memsz > img->hi)
			img->hi = p.paddr + p.memsz;
	}
	if (img->hi == 0)
		return LOAD_E_NO_LOAD;
	return have_entry ? LOAD_OK : LOAD_E_ENTRY;
}

int load_elf(const struct gmem *g, const void *buf, size_t len, uint64_t limit,
	     struct image *img)
{
	return load_elf_at(g, buf, len, limit, LOAD_AT_PADDR, img);
}

int load_raw(const struct gmem *g, const void *buf, size_t len,
	     uint64_t limit, struct image *img)
{
	if (len > limit || gmem_write(g, 0, buf, len) < 0)
		return LOAD_E_TOO_BIG;
	img->entry = 0;
	img->lo = 0;
	img->hi = len;
	img->little_endian = true;
	return LOAD_OK;
}

static bool is_gzip(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

/* Inflate a gzip stream into a new buffer of at most @max bytes. */
static int gunzip(const void *buf, size_t len, size_t max, uint8_t **out,
		  size_t *out_len)
{
	z_stream z = { .next_in = (Bytef *)buf, .avail_in = (uInt)len };
	size_t cap = len * 4 < max ? len * 4 : max;
	uint8_t *dst = NULL;
	int zr = Z_OK;

	if (len > UINT32_MAX || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return LOAD_E_GZIP;
	while (zr == Z_OK) {
		uint8_t *grown = realloc(dst, cap);

		if (!grown) {
			zr = Z_MEM_ERROR;
			break;
		}
		dst = grown;
		z.next_out = dst + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr == Z_OK && z.avail_out == 0) {
			if (cap == max) {
				zr = Z_BUF_ERROR;
				break;
			}
			cap = cap * 2 < max ? cap * 2 : max;
		} else if (zr == Z_OK || zr == Z_BUF_ERROR) {
			zr = Z_DATA_ERROR;	/* input ended early */
		}
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	if (zr != Z_STREAM_END) {
		free(dst);
		if (zr == Z_MEM_ERROR)
			return LOAD_E_NOMEM;
		return zr == Z_BUF_ERROR ? LOAD_E_TOO_BIG : LOAD_E_GZIP;
	}
	*out = dst;
	return LOAD_OK;
}

int load_kernel(const struct gmem *g, const void *buf, size_t len,
		uint64_t limit, bool raw, struct image *img)
{
	return load_kernel_at(g, buf, len, limit, raw, LOAD_AT_PADDR, img);
}

int load_kernel_at(const struct gmem *g, const void *buf, size_t len,
		   uint64_t limit, bool raw, uint64_t base, struct image *img)
{
	uint8_t *elf;
	size_t elf_len;
	int err;

	if (raw)
		return load_raw(g, buf, len, limit, img);
	if (!is_gzip(buf, len))
		return load_elf_at(g, buf, len, limit, base, img);
	/* An ELF never needs more file bytes than the RAM it loads into,
	 * plus its headers: bound the decompression by that. */
	err = gunzip(buf, len, (size_t)limit + (1 << 20), &elf, &elf_len);
	if (err)
		return err;
	err = load_elf_at(g, elf, elf_len, limit, base, img);
	free(elf);
	return err;
}
