/* A PCI function: configuration space with write masks, fixed 64-bit
 * BARs that answer the size probe, the capability list, INTx and MSI-X
 * with pseries semantics (io/pci.h says how each behaves). */
#include <errno.h>
#include <string.h>

#include "cpu/hv.h"
#include "io/le.h"
#include "io/pci.h"

/* Type-0 header. */
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_REVISION		0x08
#define CFG_CLASS		0x09	/* prog-if, subclass, class */
#define CFG_CACHE_LINE		0x0c
#define CFG_LATENCY		0x0d
#define CFG_BAR0		0x10
#define CFG_BAR_END		(CFG_BAR0 + 4 * PCI_BARS)
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_CAP_PTR		0x34
#define CFG_INT_LINE		0x3c
#define CFG_INT_PIN		0x3d
#define CFG_CAP_START		0x40

#define CMD_MEMORY		0x0002
#define CMD_MASTER		0x0004
#define CMD_PARITY		0x0040
#define CMD_SERR		0x0100
#define CMD_INTX_DISABLE	0x0400
#define CMD_WRITABLE		(CMD_MEMORY | CMD_MASTER | CMD_PARITY | \
				 CMD_SERR | CMD_INTX_DISABLE)

#define STATUS_INTX		0x0008
#define STATUS_CAP_LIST		0x0010
#define STATUS_ERRORS		0xf900	/* parity, aborts, SERR: RW1C */

#define BAR_MEM64		0x4	/* memory, 64-bit, not prefetchable */
#define BAR_FLAG_BITS		0xfu
#define BAR_MIN_SIZE		4096u

#define CAP_ID_MSIX		0x11
#define MSIX_CAP_CTRL		2	/* message control, in the capability */
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000
#define MSIX_ENTRY_SIZE		16u
#define MSIX_ENTRY_MASKED	1u
#define MSIX_PBA_SIZE		8u	/* PCI_MSIX_MAX pending bits */

/* Capability walks stop after this many hops whatever the links say. */
#define CAP_MAX			48

static uint16_t cfg16(const struct pci_func *f, unsigned off)
{
	return le16_load(f->cfg + off);
}

static void set16(uint8_t *space, unsigned off, uint16_t v)
{
	le16_store(space + off, v);
}

void pci_func_init(struct pci_func *f, const char *name, uint16_t vendor,
		   uint16_t device, uint8_t revision, uint32_t class_code,
		   uint16_t subsys_vendor, uint16_t subsys_id)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	f->name = name;
	f->cap_end = CFG_CAP_START;
	set16(f->cfg, 0, vendor);
	set16(f->cfg, 2, device);
	f->cfg[CFG_REVISION] = revision;
	f->cfg[CFG_CLASS] = (uint8_t)class_code;
	f->cfg[CFG_CLASS + 1] = (uint8_t)(class_code >> 8);
	f->cfg[CFG_CLASS + 2] = (uint8_t)(class_code >> 16);
	set16(f->cfg, CFG_SUBSYS_VENDOR, subsys_vendor);
	set16(f->cfg, CFG_SUBSYS_ID, subsys_id);
	f->cfg[CFG_INT_PIN] = 1;	/* INTA */
	set16(f->wmask, CFG_COMMAND, CMD_WRITABLE);
	set16(f->w1cmask, CFG_STATUS, STATUS_ERRORS);
	f->wmask[CFG_CACHE_LINE] = 0xff;
	f->wmask[CFG_LATENCY] = 0xff;
	f->wmask[CFG_INT_LINE] = 0xff;
}

/* --- BARs ----------------------------------------------------------- */

/* Every implemented BAR is the low half of a 64-bit pair; the slot after
 * it is the high half. */
static const struct pci_bar *bar_of_high_half(const struct pci_func *f,
					      int slot)
{
	return slot > 0 && f->bar[slot - 1].size ? &f->bar[slot - 1] : NULL;
}

/* What BAR register @slot reads: the address, or the size mask after a
 * probe. */
static uint32_t bar_image(const struct pci_func *f, int slot, bool probe)
{
	const struct pci_bar *b = &f->bar[slot];
	uint64_t v;

	if (b->size) {
		v = probe ? ~(b->size - 1) : b->addr;
		return ((uint32_t)v & ~BAR_FLAG_BITS) | BAR_MEM64;
	}
	b = bar_of_high_half(f, slot);
	if (!b)
		return 0;
	v = probe ? ~(b->size - 1) : b->addr;
	return (uint32_t)(v >> 32);
}

static void bar_store(struct pci_func *f, int slot, bool probe)
{
	le32_store(f->cfg + CFG_BAR0 + 4 * slot, bar_image(f, slot, probe));
}

int pci_add_bar64(struct pci_func *f, int bar, uint64_t size)
{
	if (bar < 0 || bar >= PCI_BARS - 1 || size < BAR_MIN_SIZE ||
	    (size & (size - 1)) || f->bar[bar].size || f->bar[bar + 1].size ||
	    bar_of_high_half(f, bar))
		return -EINVAL;
	f->bar[bar].size = size;
	f->bar[bar].addr = 0;
	bar_store(f, bar, false);
	bar_store(f, bar + 1, false);
	return 0;
}

int pci_place_bar(struct pci_func *f, int bar, uint64_t addr)
{
	if (bar < 0 || bar >= PCI_BARS || !f->bar[bar].size ||
	    (addr & (f->bar[bar].size - 1)))
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	f->bar[bar].addr = addr;
	bar_store(f, bar, false);
	bar_store(f, bar + 1, false);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

/* A write to a BAR register: only a dword of all ones (the probe) does
 * anything visible. */
static void bar_reg_write(struct pci_func *f, unsigned off, unsigned len,
			  uint32_t val)
{
	unsigned dword = off & ~3u;
	uint8_t v[4];

	memcpy(v, f->cfg + dword, 4);
	le_store(v + (off - dword), len, val);
	bar_store(f, (int)(dword - CFG_BAR0) / 4,
		  le32_load(v) == 0xffffffffu);
}

/* --- capabilities ----------------------------------------------------- */

static void cap_link(struct pci_func *f, unsigned off)
{
	unsigned p = f->cfg[CFG_CAP_PTR];

	if (!p) {
		f->cfg[CFG_CAP_PTR] = (uint8_t)off;
		set16(f->cfg, CFG_STATUS,
		      cfg16(f, CFG_STATUS) | STATUS_CAP_LIST);
		return;
	}
	for (int hops = 0; f->cfg[p + 1] && hops < CAP_MAX; hops++)
		p = f->cfg[p + 1];
	f->cfg[p + 1] = (uint8_t)off;
}

unsigned pci_add_cap(struct pci_func *f, uint8_t id, const void *body,
		     unsigned len)
{
	unsigned off = f->cap_end, end;

	if (!off || len > PCI_CFG_SIZE || off + 2 + len > PCI_CFG_SIZE)
		return 0;
	end = (off + 2 + len + 3) & ~3u;
	pthread_mutex_lock(&f->lock);
	f->cfg[off] = id;
	f->cfg[off + 1] = 0;
	if (body && len)
		memcpy(f->cfg + off + 2, body, len);
	cap_link(f, off);
	f->cap_end = end < PCI_CFG_SIZE ? (uint8_t)end : 0;
	pthread_mutex_unlock(&f->lock);
	return off;
}

/* --- MSI-X state, f->lock held ---------------------------------------- */

static uint16_t msix_ctrl(const struct pci_func *f)
{
	return cfg16(f, f->msix.cap + MSIX_CAP_CTRL);
}

static bool msix_on(const struct pci_func *f)
{
	return f->msix.nvec && (msix_ctrl(f) & MSIX_CTRL_ENABLE);
}

static bool msix_masked(const struct pci_func *f, unsigned vec)
{
	return (msix_ctrl(f) & MSIX_CTRL_MASKALL) ||
	       (f->msix.table[vec].ctrl & MSIX_ENTRY_MASKED);
}

/* The source entry @vec names, if it is one of this function's granted
 * ones and the address is the bridge's MSI address; else 0. */
static uint32_t msix_target(const struct pci_func *f, unsigned vec)
{
	const struct pci_msix_entry *e = &f->msix.table[vec];
	uint64_t addr = (uint64_t)e->addr_hi << 32 | e->addr_lo;

	if (addr != PCI_MSI_ADDR || e->data < f->msix.irq_base ||
	    e->data - f->msix.irq_base >= f->msix.granted)
		return 0;
	return e->data;
}

static bool msix_fire(struct pci_func *f, unsigned vec)
{
	uint32_t src;

	if (!msix_on(f))
		return false;
	src = msix_masked(f, vec) ? 0 : msix_target(f, vec);
	if (!src) {
		f->msix.pending |= 1ull << vec;
		return false;
	}
	f->msix.pending &= ~(1ull << vec);
	return hv_irq_raise(f->vm, src) == 0;
}

/* Deliver every pending vector that can fire now. */
static void msix_flush(struct pci_func *f)
{
	if (!msix_on(f))
		return;
	for (unsigned vec = 0; vec < f->msix.nvec && f->msix.pending; vec++)
		if ((f->msix.pending & (1ull << vec)) &&
		    !msix_masked(f, vec) && msix_target(f, vec))
			msix_fire(f, vec);
}

/* --- INTx, f->lock held ----------------------------------------------- */

static void intx_update(struct pci_func *f)
{
	uint16_t status = cfg16(f, CFG_STATUS) & ~STATUS_INTX;
	bool line = f->intx_level && !msix_on(f) &&
		    !(cfg16(f, CFG_COMMAND) & CMD_INTX_DISABLE);

	set16(f->cfg, CFG_STATUS, status | (f->intx_level ? STATUS_INTX : 0));
	if (!f->lsi || line == f->intx_line)
		return;
	f->intx_line = line;
	hv_irq_set_level(f->vm, f->lsi, line);
}

/* --- config space ----------------------------------------------------- */

static bool cfg_access_ok(unsigned off, unsigned len)
{
	return (len == 1 || len == 2 || len == 4) && off % len == 0 &&
	       off < PCI_CFG_SIZE;
}

bool pci_cfg_read(struct pci_func *f, unsigned off, unsigned len,
		  uint32_t *val)
{
	if (!cfg_access_ok(off, len)) {
		*val = 0xffffffffu;
		return false;
	}
	pthread_mutex_lock(&f->lock);
	*val = (uint32_t)le_load(f->cfg + off, len);
	pthread_mutex_unlock(&f->lock);
	return true;
}

/* Writable bits take @b; write-one-to-clear bits clear where @b has
 * ones; the rest stay. */
static void cfg_write_byte(struct pci_func *f, unsigned off, uint8_t b)
{
	uint8_t w = f->wmask[off], clear = b & f->w1cmask[off];

	f->cfg[off] = (uint8_t)((f->cfg[off] & ~w & ~clear) | (b & w));
}

bool pci_cfg_write(struct pci_func *f, unsigned off, unsigned len,
		   uint32_t val)
{
	if (!cfg_access_ok(off, len))
		return false;
	pthread_mutex_lock(&f->lock);
	if (off >= CFG_BAR0 && off < CFG_BAR_END)
		bar_reg_write(f, off, len, val);
	else
		for (unsigned i = 0; i < len; i++)
			cfg_write_byte(f, off + i, (uint8_t)(val >> 8 * i));
	/* Command and MSI-X control decide where interrupts go. */
	intx_update(f);
	msix_flush(f);
	pthread_mutex_unlock(&f->lock);
	return true;
}

bool pci_mem_enabled(struct pci_func *f)
{
	bool on;

	pthread_mutex_lock(&f->lock);
	on = cfg16(f, CFG_COMMAND) & CMD_MEMORY;
	pthread_mutex_unlock(&f->lock);
	return on;
}

/* --- MSI-X capability, table and PBA ----------------------------------- */

static bool region_ok(uint64_t bar_size, uint32_t off, uint32_t size)
{
	return off % 8 == 0 && off <= bar_size && size <= bar_size - off;
}

static bool overlaps(uint64_t off, unsigned len, uint64_t start,
		     uint64_t size)
{
	return off < start + size && start < off + len;
}

int pci_add_msix(struct pci_func *f, uint16_t nvec, int bar,
		 uint32_t table_off, uint32_t pba_off)
{
	uint8_t body[10];
	uint32_t tsize = nvec * MSIX_ENTRY_SIZE;
	unsigned cap;

	if (f->msix.nvec || !nvec || nvec > PCI_MSIX_MAX || bar < 0 ||
	    bar >= PCI_BARS || !f->bar[bar].size ||
	    !region_ok(f->bar[bar].size, table_off, tsize) ||
	    !region_ok(f->bar[bar].size, pba_off, MSIX_PBA_SIZE) ||
	    overlaps(table_off, tsize, pba_off, MSIX_PBA_SIZE))
		return -EINVAL;
	le16_store(body, (uint16_t)(nvec - 1));
	le32_store(body + 2, table_off | (uint32_t)bar);
	le32_store(body + 6, pba_off | (uint32_t)bar);
	cap = pci_add_cap(f, CAP_ID_MSIX, body, sizeof(body));
	if (!cap)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	set16(f->wmask, cap + MSIX_CAP_CTRL,
	      MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	f->msix.nvec = nvec;
	f->msix.cap = (uint8_t)cap;
	f->msix.bar = (uint8_t)bar;
	f->msix.table_off = table_off;
	f->msix.pba_off = pba_off;
	for (unsigned i = 0; i < nvec; i++)
		f->msix.table[i].ctrl = MSIX_ENTRY_MASKED;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static uint32_t entry_get(const struct pci_msix_entry *e, unsigned word)
{
	const uint32_t v[4] = { e->addr_lo, e->addr_hi, e->data, e->ctrl };

	return v[word & 3];
}

/* Only the mask bit of vector control is writable. */
static void entry_set(struct pci_msix_entry *e, unsigned word, uint32_t v)
{
	uint32_t *w[4] = { &e->addr_lo, &e->addr_hi, &e->data, &e->ctrl };

	*w[word & 3] = (word & 3) == 3 ? v & MSIX_ENTRY_MASKED : v;
}

/* Table and PBA take aligned 4- and 8-byte accesses, wholly inside. */
static bool msix_access_ok(uint64_t rel, unsigned len, uint64_t size)
{
	return (len == 4 || len == 8) && rel % len == 0 && rel < size &&
	       len <= size - rel;
}

static void msix_table_read(struct pci_func *f, uint64_t rel, void *data,
			    unsigned len)
{
	const struct pci_msix_entry *e = &f->msix.table[rel / MSIX_ENTRY_SIZE];
	unsigned word = (unsigned)(rel % MSIX_ENTRY_SIZE) / 4;

	for (unsigned i = 0; i < len / 4; i++)
		le32_store((uint8_t *)data + 4 * i, entry_get(e, word + i));
}

static void msix_table_write(struct pci_func *f, uint64_t rel,
			     const void *data, unsigned len)
{
	struct pci_msix_entry *e = &f->msix.table[rel / MSIX_ENTRY_SIZE];
	unsigned word = (unsigned)(rel % MSIX_ENTRY_SIZE) / 4;

	for (unsigned i = 0; i < len / 4; i++)
		entry_set(e, word + i,
			  le32_load((const uint8_t *)data + 4 * i));
	msix_flush(f);
}

enum msix_region { MSIX_NONE, MSIX_TABLE, MSIX_PBA };

/* Does a BAR access touch the MSI-X table or PBA (then it is handled
 * here, or ignored if malformed) or is it the device's?  Table and PBA
 * placement is fixed once set up, so no lock is needed. */
static enum msix_region msix_region(const struct pci_func *f, int bar,
				    uint64_t off, unsigned len)
{
	const struct pci_msix *x = &f->msix;

	if (!x->nvec || bar != x->bar)
		return MSIX_NONE;
	if (overlaps(off, len, x->table_off, x->nvec * MSIX_ENTRY_SIZE))
		return MSIX_TABLE;
	if (overlaps(off, len, x->pba_off, MSIX_PBA_SIZE))
		return MSIX_PBA;
	return MSIX_NONE;
}

static void msix_read(struct pci_func *f, enum msix_region r, uint64_t off,
		      void *data, unsigned len)
{
	const struct pci_msix *x = &f->msix;

	memset(data, 0xff, len);
	pthread_mutex_lock(&f->lock);
	if (r == MSIX_TABLE && msix_access_ok(off - x->table_off, len,
					      x->nvec * MSIX_ENTRY_SIZE))
		msix_table_read(f, off - x->table_off, data, len);
	else if (r == MSIX_PBA &&
		 msix_access_ok(off - x->pba_off, len, MSIX_PBA_SIZE))
		le_store(data, len, x->pending >> 8 * (off - x->pba_off));
	pthread_mutex_unlock(&f->lock);
}

/* The PBA is read-only. */
static void msix_write(struct pci_func *f, enum msix_region r,
		       uint64_t off, const void *data, unsigned len)
{
	const struct pci_msix *x = &f->msix;

	pthread_mutex_lock(&f->lock);
	if (r == MSIX_TABLE && msix_access_ok(off - x->table_off, len,
					      x->nvec * MSIX_ENTRY_SIZE))
		msix_table_write(f, off - x->table_off, data, len);
	pthread_mutex_unlock(&f->lock);
}

static bool bar_access_ok(const struct pci_func *f, int bar, uint64_t off,
			  unsigned len)
{
	return bar >= 0 && bar < PCI_BARS && f->bar[bar].size && len >= 1 &&
	       len <= 8 && off < f->bar[bar].size &&
	       len <= f->bar[bar].size - off;
}

void pci_bar_read(struct pci_func *f, int bar, uint64_t off, void *data,
		  unsigned len)
{
	enum msix_region r;

	if (!bar_access_ok(f, bar, off, len)) {
		if (len <= 8)
			memset(data, 0xff, len);
		return;
	}
	r = msix_region(f, bar, off, len);
	if (r != MSIX_NONE)
		msix_read(f, r, off, data, len);
	else if (f->ops && f->ops->bar_read)
		f->ops->bar_read(f, bar, off, data, len);
	else
		memset(data, 0xff, len);
}

void pci_bar_write(struct pci_func *f, int bar, uint64_t off,
		   const void *data, unsigned len)
{
	enum msix_region r;

	if (!bar_access_ok(f, bar, off, len))
		return;
	r = msix_region(f, bar, off, len);
	if (r != MSIX_NONE)
		msix_write(f, r, off, data, len);
	else if (f->ops && f->ops->bar_write)
		f->ops->bar_write(f, bar, off, data, len);
}

/* A granted entry names its source at the bridge's MSI address; the
 * others are emptied.  Mask bits are the guest's and stay. */
static void entry_fill(struct pci_msix_entry *e, uint64_t addr, uint32_t src)
{
	e->addr_lo = (uint32_t)addr;
	e->addr_hi = (uint32_t)(addr >> 32);
	e->data = src;
}

int pci_msix_grant(struct pci_func *f, unsigned n)
{
	struct pci_msix *x = &f->msix;

	if (n > x->nvec || (n && !x->irq_base))
		return -1;
	pthread_mutex_lock(&f->lock);
	for (unsigned i = 0; i < x->nvec; i++)
		if (i < n)
			entry_fill(&x->table[i], PCI_MSI_ADDR, x->irq_base + i);
		else
			entry_fill(&x->table[i], 0, 0);
	x->granted = (uint16_t)n;
	x->pending = 0;
	pthread_mutex_unlock(&f->lock);
	return (int)n;
}

uint32_t pci_msix_source(struct pci_func *f, unsigned vec)
{
	uint32_t src;

	pthread_mutex_lock(&f->lock);
	src = vec < f->msix.granted ? f->msix.irq_base + vec : 0;
	pthread_mutex_unlock(&f->lock);
	return src;
}

bool pci_msix_enabled(struct pci_func *f)
{
	bool on;

	pthread_mutex_lock(&f->lock);
	on = msix_on(f);
	pthread_mutex_unlock(&f->lock);
	return on;
}

bool pci_msix_notify(struct pci_func *f, unsigned vec)
{
	bool raised;

	if (vec >= f->msix.nvec)
		return false;
	pthread_mutex_lock(&f->lock);
	raised = msix_fire(f, vec);
	pthread_mutex_unlock(&f->lock);
	return raised;
}

void pci_set_intx(struct pci_func *f, bool level)
{
	pthread_mutex_lock(&f->lock);
	f->intx_level = level;
	intx_update(f);
	pthread_mutex_unlock(&f->lock);
}

/* --- snapshot state ------------------------------------------------------ */

void pci_get_state(struct pci_func *f, struct pci_state *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_lock(&f->lock);
	memcpy(s->cfg, f->cfg, sizeof(s->cfg));
	s->nvec = f->msix.nvec;
	s->granted = f->msix.granted;
	memcpy(s->table, f->msix.table, sizeof(s->table));
	s->pending = f->msix.pending;
	s->intx_level = f->intx_level;
	s->intx_line = f->intx_line;
	pthread_mutex_unlock(&f->lock);
}

int pci_state_check(struct pci_func *f, const struct pci_state *s)
{
	int err = 0;

	pthread_mutex_lock(&f->lock);
	if (s->nvec != f->msix.nvec || s->granted > s->nvec ||
	    (s->nvec < 64 && s->pending >> s->nvec))
		err = -EINVAL;
	for (unsigned i = 0; !err && i < PCI_CFG_SIZE; i++) {
		uint8_t fixed = (uint8_t)~(f->wmask[i] | f->w1cmask[i]);

		if ((s->cfg[i] ^ f->cfg[i]) & fixed)
			err = -EINVAL;
	}
	pthread_mutex_unlock(&f->lock);
	return err;
}

void pci_set_state(struct pci_func *f, const struct pci_state *s)
{
	pthread_mutex_lock(&f->lock);
	memcpy(f->cfg, s->cfg, sizeof(f->cfg));
	f->msix.granted = s->granted;
	memcpy(f->msix.table, s->table, sizeof(f->msix.table));
	f->msix.pending = s->pending;
	f->intx_level = s->intx_level;
	f->intx_line = s->intx_line;
	pthread_mutex_unlock(&f->lock);
}
