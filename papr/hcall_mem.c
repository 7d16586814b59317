/* Hcalls on guest-physical memory: H_PAGE_INIT and the cache-inhibited
 * logical loads and stores (H_LOGICAL_CI_LOAD / H_LOGICAL_CI_STORE). */
#include <stdbool.h>
#include <string.h>

#include "cpu/gmem.h"
#include "io/phb.h"
#include "papr/papr.h"
#include "cpu/be.h"
#include "papr/hcall.h"
#include "papr/hcall_misc.h"

/* Host pointer to the 4 KiB guest page at @gpa, or NULL if @gpa is not
 * page aligned or the page is not all RAM. */
static uint8_t *ram_page(struct papr *papr, uint64_t gpa)
{
	if (gpa & (H_PAGE_INIT_SIZE - 1))
		return NULL;
	return gmem_ptr(&papr->vm->mem, gpa, H_PAGE_INIT_SIZE);
}

/* H_PAGE_INIT(flags, dest, src): zero dest or copy src to it.  As in
 * QEMU and KVM, copy wins when both are asked for, and src is only looked
 * at for a copy.  The CMO page-state flags are refused: pvmm does not
 * advertise cooperative memory overcommit. */
int64_t h_page_init(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t flags = args[0];
	uint8_t *dst, *src;

	(void)v;
	if (flags & ~H_PAGE_INIT_FLAGS)
		return H_PARAMETER;
	dst = ram_page(papr, args[1]);
	if (!dst)
		return H_PARAMETER;
	if (flags & H_COPY_PAGE) {
		src = ram_page(papr, args[2]);
		if (!src)
			return H_PARAMETER;
		/* Aligned pages are equal or disjoint; memmove covers equal. */
		memmove(dst, src, H_PAGE_INIT_SIZE);
	} else if (flags & H_ZERO_PAGE) {
		memset(dst, 0, H_PAGE_INIT_SIZE);
	}
	/* H_ICACHE_INVALIDATE / H_ICACHE_SYNCHRONIZE need nothing: the
	 * POWER processors KVM-HV runs on keep the instruction cache
	 * coherent with stores, and the return to the guest (hrfid) is
	 * context synchronising, so no stale prefetch survives it. */
	return H_SUCCESS;
}

/* The big-endian value of @size bytes at @b, and the other way. */
static uint64_t be_load_n(const uint8_t *b, unsigned size)
{
	return size == 1 ? b[0] : size == 2 ? be16_load(b) :
	       size == 4 ? be32_load(b) : be64_load(b);
}

static void be_store_n(uint8_t *b, unsigned size, uint64_t val)
{
	if (size == 1)
		b[0] = (uint8_t)val;
	else if (size == 2)
		be16_store(b, (uint16_t)val);
	else if (size == 4)
		be32_store(b, (uint32_t)val);
	else
		be64_store(b, val);
}

/* A logical CI access outside RAM is a device register: it goes to the
 * PCI host bridge the way an MMIO exit does (the guest's firmware-less
 * early code, or xmon, may poke a BAR this way), as the bytes at @addr;
 * *@val is their big-endian value, as for RAM.  H_PARAMETER when no
 * device claims the address (a read then returns nothing). */
static int64_t ci_device_access(struct papr *papr, uint64_t addr,
				unsigned size, uint64_t *val, bool is_write)
{
	uint8_t bytes[8];

	if (is_write)
		be_store_n(bytes, size, *val);
	if (!phb_mmio(papr->phb, addr, bytes, size, is_write))
		return H_PARAMETER;
	if (!is_write)
		*val = be_load_n(bytes, size);
	return H_SUCCESS;
}

/* Size and natural alignment, as a CI load or store instruction would
 * have them; false for anything else. */
static bool ci_valid(uint64_t size, uint64_t addr)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	return (addr & (size - 1)) == 0;
}

/* Single-copy atomic, as the hardware access would be (another vCPU may
 * be writing the same word); byte order through be.h on a local copy.
 * @p is naturally aligned: RAM is page aligned and so is the address. */
static uint64_t ram_load(const void *p, unsigned size)
{
	uint64_t d;
	uint32_t w;
	uint16_t h;

	switch (size) {
	case 1:
		return __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED);
	case 2:
		h = __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
		return be16_load(&h);
	case 4:
		w = __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
		return be32_load(&w);
	default:
		d = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
		return be64_load(&d);
	}
}

static void ram_store(void *p, unsigned size, uint64_t val)
{
	uint64_t d;
	uint32_t w;
	uint16_t h;

	switch (size) {
	case 1:
		__atomic_store_n((uint8_t *)p, (uint8_t)val, __ATOMIC_RELAXED);
		break;
	case 2:
		be16_store(&h, (uint16_t)val);
		__atomic_store_n((uint16_t *)p, h, __ATOMIC_RELAXED);
		break;
	case 4:
		be32_store(&w, (uint32_t)val);
		__atomic_store_n((uint32_t *)p, w, __ATOMIC_RELAXED);
		break;
	default:
		be64_store(&d, val);
		__atomic_store_n((uint64_t *)p, d, __ATOMIC_RELAXED);
		break;
	}
}

/* H_LOGICAL_CI_LOAD(size, addr): r4 = the big-endian value, zero
 * extended. */
int64_t h_logical_ci_load(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t size = args[0], addr = args[1];
	void *p;

	(void)v;
	if (!ci_valid(size, addr))
		return H_PARAMETER;
	p = gmem_ptr(&papr->vm->mem, addr, size);
	if (!p)
		return ci_device_access(papr, addr, (unsigned)size, &args[0],
					false);
	args[0] = ram_load(p, (unsigned)size);
	return H_SUCCESS;
}

/* H_LOGICAL_CI_STORE(size, addr, value): the low @size bytes of value,
 * big-endian, as QEMU and KVM PR do (higher bits are ignored). */
int64_t h_logical_ci_store(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t size = args[0], addr = args[1], val = args[2];
	void *p;

	(void)v;
	if (!ci_valid(size, addr))
		return H_PARAMETER;
	p = gmem_ptr(&papr->vm->mem, addr, size);
	if (!p)
		return ci_device_access(papr, addr, (unsigned)size, &val, true);
	ram_store(p, (unsigned)size, val);
	return H_SUCCESS;
}
