/* ELF and flat-image loader.  The file is untrusted input: every offset,
 * size and address is checked before a byte is read into guest RAM, and
 * every byte is read once, from the file (or its gzip stream) straight
 * to where the guest will find it. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
	[-LOAD_E_PHNUM] = "more than 64 program headers",
	[-LOAD_E_IO] = "read error",
	[-LOAD_E_CHANGED] = "the file changed while pvmm read it",
};

const char *load_strerror(int err)
{
	if (err >= 0 ||
	    -err >= (int)(sizeof(load_errors) / sizeof(load_errors[0])))
		return "unknown loader error";
	return load_errors[-err];
}

int load_file_open(struct load_file *f, const char *path)
{
	int err;

	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	if (fstat(f->fd, &f->st) < 0)
		err = -errno;
	else if (!S_ISREG(f->st.st_mode))
		err = -EINVAL;
	else if (f->st.st_size <= 0)
		err = -ENODATA;
	else
		err = 0;
	if (err) {
		close(f->fd);
		f->fd = -1;
		return err;
	}
	f->size = (uint64_t)f->st.st_size;
	/* Only a hint: the kernel reads ahead while pvmm maps RAM, opens
	 * devices and the event loop; the reads later find the page cache
	 * filled. */
	(void)posix_fadvise(f->fd, 0, 0, POSIX_FADV_WILLNEED);
	return 0;
}

void load_file_close(struct load_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int load_file_check(const struct load_file *f)
{
	struct stat now;

	if (fstat(f->fd, &now) < 0)
		return LOAD_E_IO;
	if (now.st_size != f->st.st_size || now.st_ino != f->st.st_ino ||
	    !same_time(&now.st_mtim, &f->st.st_mtim) ||
	    !same_time(&now.st_ctim, &f->st.st_ctim))
		return LOAD_E_CHANGED;
	return LOAD_OK;
}

/* Read exactly @len bytes at @off of a file of known size into @dst.  A
 * file that ends sooner than it did at open was truncated under us. */
static int pread_all(const struct load_file *f, uint64_t off, void *dst,
		     uint64_t len)
{
	uint8_t *p = dst;

	while (len) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t n = pread(f->fd, p, chunk, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return LOAD_E_IO;
		if (n == 0)
			return LOAD_E_CHANGED;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return LOAD_OK;
}

int load_file_at(const struct gmem *g, const struct load_file *f, uint64_t gpa)
{
	void *dst = gmem_ptr(g, gpa, f->size);

	if (!dst)
		return LOAD_E_TOO_BIG;
	return pread_all(f, 0, dst, f->size);
}

/* --- sources: where the ELF's bytes come from ---------------------------
 * A plain file is read where asked.  A gzip stream only forwards: a read
 * behind the stream's position starts it again (an ELF whose segments
 * come in file order, as every linker writes them, is inflated once). */
struct src {
	/* Exactly @len bytes at @off into @dst, or LOAD_E_*; at the end of
	 * the data, LOAD_E_TRUNCATED. */
	int (*read)(struct src *s, uint64_t off, void *dst, uint64_t len);
	uint64_t size; /* bytes there are (plain) or may be (gzip) */
};

struct file_src {
	struct src s;
	const struct load_file *f;
};

static int file_read(struct src *s, uint64_t off, void *dst, uint64_t len)
{
	struct file_src *fs = (struct file_src *)s;

	if (off > s->size || len > s->size - off)
		return LOAD_E_TRUNCATED;
	return pread_all(fs->f, off, dst, len);
}

#define GZ_IN 32768

struct gz_src {
	struct src s;
	const struct load_file *f;
	z_stream z;
	uint64_t in_off; /* compressed bytes read */
	uint64_t pos;	 /* inflated bytes handed out or skipped */
	bool end;	 /* the stream is complete */
	uint8_t in[GZ_IN];
};

static int gz_rewind(struct gz_src *gs)
{
	if (inflateReset(&gs->z) != Z_OK)
		return LOAD_E_GZIP;
	gs->z.avail_in = 0;
	gs->in_off = 0;
	gs->pos = 0;
	gs->end = false;
	return LOAD_OK;
}

/* Inflate up to @len bytes into @dst: the count, or LOAD_E_*. */
static int64_t gz_inflate(struct gz_src *gs, uint8_t *dst, uint64_t len)
{
	z_stream *z = &gs->z;
	uInt want = len > (1u << 30) ? (1u << 30) : (uInt)len;
	int zr;

	if (gs->end)
		return 0;
	if (z->avail_in == 0) {
		uint64_t left = gs->f->size - gs->in_off;
		size_t chunk = left < GZ_IN ? (size_t)left : GZ_IN;
		int err;

		if (chunk == 0)
			return LOAD_E_GZIP; /* the stream never ended */
		err = pread_all(gs->f, gs->in_off, gs->in, chunk);
		if (err)
			return err;
		gs->in_off += chunk;
		z->next_in = gs->in;
		z->avail_in = (uInt)chunk;
	}
	z->next_out = dst;
	z->avail_out = want;
	zr = inflate(z, Z_NO_FLUSH);
	if (zr == Z_STREAM_END)
		gs->end = true;
	else if (zr == Z_MEM_ERROR)
		return LOAD_E_NOMEM;
	else if (zr != Z_OK && zr != Z_BUF_ERROR)
		return LOAD_E_GZIP;
	gs->pos += want - z->avail_out;
	return want - z->avail_out;
}

static int gz_read(struct src *s, uint64_t off, void *dst, uint64_t len)
{
	struct gz_src *gs = (struct gz_src *)s;
	uint8_t skip[4096];
	uint8_t *p = dst;
	int err;

	if (off > s->size || len > s->size - off)
		return LOAD_E_TOO_BIG;
	if (off < gs->pos && (err = gz_rewind(gs)))
		return err;
	while (gs->pos < off) {
		uint64_t n = off - gs->pos;
		int64_t got = gz_inflate(gs, skip,
					 n < sizeof(skip) ? n : sizeof(skip));

		if (got < 0)
			return (int)got;
		if (got == 0 && gs->end)
			return LOAD_E_TRUNCATED;
	}
	while (len) {
		int64_t got = gz_inflate(gs, p, len);

		if (got < 0)
			return (int)got;
		if (got == 0 && gs->end)
			return LOAD_E_TRUNCATED;
		p += got;
		len -= (uint64_t)got;
	}
	return LOAD_OK;
}

/* --- ELF ------------------------------------------------------------------ */

/* ELF fields in the file's byte order. */
static uint64_t rd(const uint8_t *buf, bool le, size_t off, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++) {
		int shift = le ? 8 * i : 8 * (bytes - 1 - i);

		v |= (uint64_t)buf[off + i] << shift;
	}
	return v;
}

/* The ELF header: @len bytes of it were there to read. */
static int elf_check_header(const uint8_t *eh, size_t len, bool *le)
{
	if (len < EI_NIDENT || memcmp(eh, ELFMAG, SELFMAG) != 0)
		return LOAD_E_NOT_ELF;
	if (eh[EI_CLASS] != ELFCLASS64)
		return LOAD_E_CLASS;
	if (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)
		return LOAD_E_ENDIAN;
	*le = eh[EI_DATA] == ELFDATA2LSB;
	if (len < sizeof(Elf64_Ehdr))
		return LOAD_E_TRUNCATED;
	if (rd(eh, *le, offsetof(Elf64_Ehdr, e_machine), 2) != EM_PPC64)
		return LOAD_E_MACHINE;
	if (rd(eh, *le, offsetof(Elf64_Ehdr, e_type), 2) != ET_EXEC)
		return LOAD_E_TYPE;
	return LOAD_OK;
}

/* As many header bytes as there are, up to the ELF header's size. */
static int read_header(struct src *s, uint8_t *eh, size_t *len)
{
	*len = sizeof(Elf64_Ehdr);
	if (s->size < *len)
		*len = (size_t)s->size;
	while (*len) {
		int err = s->read(s, 0, eh, *len);

		if (err != LOAD_E_TRUNCATED)
			return err;
		/* A stream shorter than a header: find out how short, a
		 * byte less at a time (at most 64 tries). */
		(*len)--;
	}
	return LOAD_OK;
}

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void elf_phdr(const uint8_t *b, bool le, struct phdr *p)
{
	p->type = (uint32_t)rd(b, le, offsetof(Elf64_Phdr, p_type), 4);
	p->offset = rd(b, le, offsetof(Elf64_Phdr, p_offset), 8);
	p->vaddr = rd(b, le, offsetof(Elf64_Phdr, p_vaddr), 8);
	p->paddr = rd(b, le, offsetof(Elf64_Phdr, p_paddr), 8);
	p->filesz = rd(b, le, offsetof(Elf64_Phdr, p_filesz), 8);
	p->memsz = rd(b, le, offsetof(Elf64_Phdr, p_memsz), 8);
}

static int elf_load_segment(const struct gmem *g, struct src *s,
			    const struct phdr *p, uint64_t limit)
{
	uint8_t *dst;
	int err;

	if (p->filesz > p->memsz || p->offset > s->size ||
	    p->filesz > s->size - p->offset)
		return LOAD_E_TRUNCATED;
	if (p->paddr > limit || p->memsz > limit - p->paddr)
		return LOAD_E_RANGE;
	dst = gmem_ptr(g, p->paddr, p->memsz);
	if (!dst)
		return LOAD_E_RANGE;
	/* Nothing to read for a segment of zeros (a gzip stream would
	 * otherwise be inflated up to its offset for nothing). */
	err = p->filesz ? s->read(s, p->offset, dst, p->filesz) : LOAD_OK;
	if (err)
		return err;
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

/* The program header table, read whole before any segment (so a gzip
 * stream is not rewound between them). */
static int read_phdrs(struct src *s, const uint8_t *eh, bool le, uint8_t *tab,
		      unsigned *phnum)
{
	uint64_t phoff = rd(eh, le, offsetof(Elf64_Ehdr, e_phoff), 8);
	unsigned phentsize =
		(unsigned)rd(eh, le, offsetof(Elf64_Ehdr, e_phentsize), 2);
	int err;

	*phnum = (unsigned)rd(eh, le, offsetof(Elf64_Ehdr, e_phnum), 2);
	if (phentsize < sizeof(Elf64_Phdr) || phoff > s->size ||
	    (uint64_t)*phnum * phentsize > s->size - phoff)
		return LOAD_E_TRUNCATED;
	if (*phnum > LOAD_MAX_PHDRS)
		return LOAD_E_PHNUM;
	for (unsigned i = 0; i < *phnum; i++) {
		err = s->read(s, phoff + (uint64_t)i * phentsize,
			      tab + i * sizeof(Elf64_Phdr), sizeof(Elf64_Phdr));
		if (err)
			return err;
	}
	return LOAD_OK;
}

static int load_elf_src(const struct gmem *g, struct src *s, uint64_t limit,
			uint64_t base, struct image *img)
{
	uint8_t eh[sizeof(Elf64_Ehdr)];
	uint8_t tab[LOAD_MAX_PHDRS * sizeof(Elf64_Phdr)];
	uint64_t entry;
	unsigned phnum;
	size_t len;
	bool le = false, have_entry = false;
	int err = read_header(s, eh, &len);

	if (!err)
		err = elf_check_header(eh, len, &le);
	if (!err)
		err = read_phdrs(s, eh, le, tab, &phnum);
	if (err)
		return err;
	entry = rd(eh, le, offsetof(Elf64_Ehdr, e_entry), 8);
	img->lo = UINT64_MAX;
	img->hi = 0;
	img->little_endian = le;
	for (unsigned i = 0; i < phnum; i++) {
		struct phdr p;

		elf_phdr(tab + i * sizeof(Elf64_Phdr), le, &p);
		if (p.type != PT_LOAD || p.memsz == 0)
			continue;
		if (!have_entry && elf_entry_phys(&p, entry, &img->entry)) {
			have_entry = true;
			img->entry = place(img->entry, base);
		}
		p.paddr = place(p.paddr, base);
		err = elf_load_segment(g, s, &p, limit);
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

int load_elf(const struct gmem *g, const struct load_file *f, uint64_t limit,
	     struct image *img)
{
	struct file_src fs = {{file_read, f->size}, f};

	return load_elf_src(g, &fs.s, limit, LOAD_AT_PADDR, img);
}

int load_raw(const struct gmem *g, const struct load_file *f, uint64_t limit,
	     struct image *img)
{
	int err;

	if (f->size > limit)
		return LOAD_E_TOO_BIG;
	err = load_file_at(g, f, 0);
	if (err)
		return err;
	img->entry = 0;
	img->lo = 0;
	img->hi = f->size;
	img->little_endian = true;
	return LOAD_OK;
}

static int is_gzip(const struct load_file *f, bool *gz)
{
	uint8_t magic[2];
	int err;

	*gz = false;
	if (f->size < 2)
		return LOAD_OK;
	err = pread_all(f, 0, magic, 2);
	*gz = !err && magic[0] == 0x1f && magic[1] == 0x8b;
	return err;
}

/* A gzip-compressed ELF, inflated into guest RAM as it is loaded.  An ELF
 * never needs more file bytes than the RAM it loads into, plus its
 * headers: the stream is read no further than that. */
static int load_gzip_elf(const struct gmem *g, const struct load_file *f,
			 uint64_t limit, uint64_t base, struct image *img)
{
	struct gz_src *gs = calloc(1, sizeof(*gs));
	int err;

	if (!gs)
		return LOAD_E_NOMEM;
	gs->s = (struct src){gz_read, limit + (1 << 20)};
	gs->f = f;
	if (inflateInit2(&gs->z, 16 + MAX_WBITS) != Z_OK) {
		free(gs);
		return LOAD_E_NOMEM;
	}
	err = load_elf_src(g, &gs->s, limit, base, img);
	inflateEnd(&gs->z);
	free(gs);
	return err;
}

int load_kernel(const struct gmem *g, const struct load_file *f, uint64_t limit,
		bool raw, struct image *img)
{
	return load_kernel_at(g, f, limit, raw, LOAD_AT_PADDR, img);
}

int load_kernel_at(const struct gmem *g, const struct load_file *f,
		   uint64_t limit, bool raw, uint64_t base, struct image *img)
{
	struct file_src fs = {{file_read, f->size}, f};
	bool gz;
	int err;

	if (raw)
		return load_raw(g, f, limit, img);
	err = is_gzip(f, &gz);
	if (err)
		return err;
	if (gz)
		return load_gzip_elf(g, f, limit, base, img);
	return load_elf_src(g, &fs.s, limit, base, img);
}
