#include <fcntl.h>
#include <stdlib.h>

#include "io/phb.h"
#include "io/tce.h"
#include "io/virtio.h"
#include "io/virtio_rng.h"
#include "tests/fuzz/guest.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdrv.h"

/* The guest's console output: nowhere, not libFuzzer's stdout. */
static int null_fd = -1;

void fuzz_vm_start(struct fuzz_vm *f)
{
	struct machine *m = unit_machine(2);

	if (null_fd < 0)
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		abort();
	m->papr.con.out_fd = null_fd;

	m->io.phb.iommu = true;
	if (virtio_rng_create(&m->io) || phb_dma_start(&m->io.phb) ||
	    m->io.phb.nfunc != 1)
		abort();
	f->m = m;
	f->d = m->io.phb.func[0]->priv;
	if (!pci_cfg_write(&f->d->pci, 4, 2, 0x6)) /* memory, bus master */
		abort();
}

void fuzz_vm_stop(struct fuzz_vm *f)
{
	free(f->d->priv);
	vdrv_dev_free(f->d);
	unit_machine_free(f->m);
	f->m = NULL;
	f->d = NULL;
}

uint64_t fuzz_value(struct fin *in, const struct fuzz_vm *f, uint8_t hint)
{
	uint64_t v = fin_u64(in);

	(void)f;
	switch (hint & 7) {
	case 0:
	case 1:
	case 2: return v;
	case 3:
	case 4: return v % UNIT_RAM;
	case 5: return (v & 1) ? TCE_LIOBN_DDW : TCE_LIOBN_DEFAULT;
	case 6:
		return (v & 1) ? (uint32_t)PHB_BUID
			       : (uint32_t)(PHB_BUID >> 32);
	default:
		/* bus 0, the device's devfn, a register (bits 11:8 in
		 * 31:28, as RTAS passes them) */
		return (uint64_t)f->m->io.phb.func[0]->devfn << 8 | (v & 0xff) |
		       ((v >> 8) & 0xf) << 28;
	}
}
