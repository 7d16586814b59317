/* RTAS PCI calls: config space of the functions behind the host bridge,
 * and MSI-X vectors handed out by ibm,change-msi and looked up with
 * ibm,query-interrupt-source-number.  Every argument is the guest's.
 *
 * A config address is bus << 16 | devfn << 8 | register, bits 31:28
 * holding register bits 11:8 (extended space, which pvmm's conventional
 * functions do not have) and bits 27:24 zero. */
#include <pthread.h>

#include "papr/papr.h"
#include "io/phb.h"
#include "cpu/irq.h"
#include "papr/rtas.h"

#define CFG_ADDR_REG_BITS	0xf00000ffu	/* register, ext. register */
#define CFG_ADDR_RESERVED	0x0f000000u

/* ibm,change-msi functions, and the interrupt types it reports. */
enum {
	MSI_FN_QUERY,		/* how many are assigned */
	MSI_FN_CHANGE,		/* MSI or MSI-X, the platform's choice */
	MSI_FN_RESET,		/* back to the firmware default: none */
	MSI_FN_MSI,
	MSI_FN_MSIX,
	MSI_FN_MSI32,		/* MSI with a 32-bit address */
	MSI_FNS,
};
#define MSI_TYPE_NONE		0
#define MSI_TYPE_MSIX		2

/* ibm,query-interrupt-source-number's type output. */
#define IRQ_TYPE_LEVEL		0
#define IRQ_TYPE_EDGE		1

static uint64_t buid_of(uint32_t hi, uint32_t lo)
{
	return (uint64_t)hi << 32 | lo;
}

static uint32_t all_ones(uint32_t size)
{
	return size < 4 ? (1u << 8 * size) - 1 : 0xffffffffu;
}

/* Check a config access.  RTAS_OK with *f the function (NULL if none is
 * there: reads see all ones, writes vanish, as on a bus), or
 * RTAS_PARAM_ERROR. */
static int cfg_target(struct papr *papr, uint64_t buid, uint32_t addr,
		      uint32_t size, struct pci_func **f, unsigned *reg)
{
	*reg = ((addr >> 20) & 0xf00) | (addr & 0xff);
	if (buid != papr->phb->buid || (addr & CFG_ADDR_RESERVED) ||
	    (size != 1 && size != 2 && size != 4) || *reg >= PCI_CFG_SIZE ||
	    *reg % size)
		return RTAS_PARAM_ERROR;
	*f = phb_lookup(papr->phb, buid, addr);
	return RTAS_OK;
}

static void cfg_read(struct papr *papr, struct rtas_args *a, uint64_t buid,
		     uint32_t addr, uint32_t size)
{
	struct pci_func *f = NULL;
	uint32_t val = 0xffffffffu;
	unsigned reg;
	int rc = cfg_target(papr, buid, addr, size, &f, &reg);

	if (rc == RTAS_OK)
		val = all_ones(size);
	if (f)
		pci_cfg_read(f, reg, size, &val);
	a->rets[0] = (uint32_t)rc;
	a->rets[1] = val;
}

static void cfg_write(struct papr *papr, struct rtas_args *a, uint64_t buid,
		      uint32_t addr, uint32_t size, uint32_t val)
{
	struct pci_func *f = NULL;
	unsigned reg;
	int rc = cfg_target(papr, buid, addr, size, &f, &reg);

	if (f)
		pci_cfg_write(f, reg, size, val);
	a->rets[0] = (uint32_t)rc;
}

/* read-pci-config (addr, size): the one bridge, no BUID. */
void rtas_read_pci_config(struct papr *papr, struct vcpu *v,
			  struct rtas_args *a)
{
	(void)v;
	cfg_read(papr, a, papr->phb->buid, a->args[0], a->args[1]);
}

/* ibm,read-pci-config (addr, buid hi, buid lo, size). */
void rtas_ibm_read_pci_config(struct papr *papr, struct vcpu *v,
			      struct rtas_args *a)
{
	(void)v;
	cfg_read(papr, a, buid_of(a->args[1], a->args[2]), a->args[0],
		 a->args[3]);
}

/* write-pci-config (addr, size, value). */
void rtas_write_pci_config(struct papr *papr, struct vcpu *v,
			   struct rtas_args *a)
{
	(void)v;
	cfg_write(papr, a, papr->phb->buid, a->args[0], a->args[1], a->args[2]);
}

/* ibm,write-pci-config (addr, buid hi, buid lo, size, value). */
void rtas_ibm_write_pci_config(struct papr *papr, struct vcpu *v,
			       struct rtas_args *a)
{
	(void)v;
	cfg_write(papr, a, buid_of(a->args[1], a->args[2]), a->args[0],
		  a->args[3], a->args[4]);
}

/* --- MSI ----------------------------------------------------------------- */

/* The function named by (config address, BUID hi, BUID lo) in args[0..2];
 * the register part must be zero. */
static struct pci_func *msi_func(struct papr *papr, const struct rtas_args *a)
{
	if (a->args[0] & CFG_ADDR_REG_BITS)
		return NULL;
	return phb_lookup(papr->phb, buid_of(a->args[1], a->args[2]),
			  a->args[0]);
}

/* One ibm,change-msi function on @f for @n vectors: an RTAS status, and
 * on success how many vectors are (or would be) assigned and of what
 * type. */
typedef int msi_fn(struct pci_func *f, uint32_t n, uint32_t *count,
		   uint32_t *type);

static int msi_query(struct pci_func *f, uint32_t n, uint32_t *count,
		     uint32_t *type)
{
	(void)n;
	pthread_mutex_lock(&f->lock);
	*count = f->msix.granted;
	pthread_mutex_unlock(&f->lock);
	*type = *count ? MSI_TYPE_MSIX : MSI_TYPE_NONE;
	return RTAS_OK;
}

/* Releasing one kind releases both (Linux disables MSI-X this way). */
static int msi_release(struct pci_func *f, uint32_t n, uint32_t *count,
		       uint32_t *type)
{
	(void)n;
	pci_msix_grant(f, 0);
	*count = 0;
	*type = MSI_TYPE_NONE;
	return RTAS_OK;
}

/* pvmm's functions have no MSI capability: only release is possible.
 * (The old "change" call is the one Linux falls back to for MSI.) */
static int msi_plain(struct pci_func *f, uint32_t n, uint32_t *count,
		     uint32_t *type)
{
	if (n)
		return RTAS_PARAM_ERROR;
	return msi_release(f, n, count, type);
}

/* More than the function has: say how many it has and change nothing;
 * Linux asks again with that number. */
static int msi_msix(struct pci_func *f, uint32_t n, uint32_t *count,
		    uint32_t *type)
{
	int got;

	if (!n)
		return msi_release(f, n, count, type);
	if (!f->msix.nvec)
		return RTAS_PARAM_ERROR;
	*type = MSI_TYPE_MSIX;
	if (n > f->msix.nvec) {
		*count = f->msix.nvec;
		return RTAS_OK;
	}
	got = pci_msix_grant(f, n);
	if (got < 0)
		return RTAS_HW_ERROR;
	*count = (uint32_t)got;
	return RTAS_OK;
}

static msi_fn *const msi_fns[MSI_FNS] = {
	[MSI_FN_QUERY] = msi_query,
	[MSI_FN_CHANGE] = msi_plain,
	[MSI_FN_RESET] = msi_release,
	[MSI_FN_MSI] = msi_plain,
	[MSI_FN_MSIX] = msi_msix,
	[MSI_FN_MSI32] = msi_plain,
};

/* ibm,change-msi (addr, buid hi, buid lo, function, count, seq) ->
 * (status, count, seq, [type]).  Every call completes at once, so the
 * sequence number only moves on. */
void rtas_change_msi(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	struct pci_func *f = msi_func(papr, a);
	uint32_t func = a->args[3], count = 0, type = MSI_TYPE_NONE;
	int rc;

	(void)v;
	if (!f || func >= MSI_FNS) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	rc = msi_fns[func](f, a->args[4], &count, &type);
	a->rets[0] = (uint32_t)rc;
	if (rc != RTAS_OK)
		return;
	a->rets[1] = count;
	a->rets[2] = a->args[5] + 1;
	if (a->nret > 3)
		a->rets[3] = type;
}

/* ibm,query-interrupt-source-number (addr, buid hi, buid lo, vector) ->
 * (status, source, type) for a vector ibm,change-msi granted. */
void rtas_query_interrupt_source_number(struct papr *papr, struct vcpu *v,
					struct rtas_args *a)
{
	struct pci_func *f = msi_func(papr, a);
	uint32_t src = f ? pci_msix_source(f, a->args[3]) : 0;

	(void)v;
	if (!src) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	a->rets[0] = RTAS_OK;
	a->rets[1] = src;
	a->rets[2] = irq_is_lsi(src) ? IRQ_TYPE_LEVEL : IRQ_TYPE_EDGE;
}
