/* Device tree for a pseries guest entered without firmware.  No client
 * architecture negotiation happens, so this is the post-negotiation tree
 * a PAPR hypervisor would hand over. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "papr/papr.h"
#include "io/phb.h"
#include "papr/fdt.h"
#include "papr/fdt_phb.h"
#include "cpu/irq.h"
#include "papr/rtas.h"

/* The interrupt controller's, XICS or XIVE: the host bridge's
 * interrupt-map points at it. */
#define XICS_PHANDLE	0x1000

/* ISA 3.0 processor features (2-byte header, then feature bytes). */
#define PA_RADIX_BYTE	42
#define PA_RADIX_BIT	0x80
static const uint8_t pa_features_isa300[] = {
	0x42, 0x00, 0xf6, 0x3f, 0xc7, 0xc0, 0x80, 0xf0, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00,
	0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80,
	0x00, 0x80, 0x00, 0xc0, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80,
	0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
	0x00, 0x00,
};

/* Hypervisor call groups ("function sets", PAPR's hypertas table) that
 * pvmm and KVM-HV together implement, and no group only part of whose
 * calls are there: the guest enables a feature per group it finds
 * (Linux: hypertas_fw_features_table in platforms/pseries/firmware.c).
 *   hcall-term        H_GET_TERM_CHAR, H_PUT_TERM_CHAR (papr/console.c)
 *   hcall-set-mode    H_SET_MODE (papr/hcall_mode.c)
 *   hcall-splpar      H_REGISTER_VPA, H_CEDE, H_CONFER, H_PROD (KVM)
 *   hcall-tce         H_GET_TCE, H_PUT_TCE
 *   hcall-multi-tce   H_PUT_TCE_INDIRECT, H_STUFF_TCE
 *   hcall-sprg0       H_SET_SPRG0 (papr/hcall_cpu.c)
 *   hcall-copy        H_PAGE_INIT (papr/hcall_mem.c)
 * and, by what the machine is:
 *   hcall-interrupt   H_CPPR, H_EOI, H_IPI, H_IPOLL, H_XIRR: the
 *                     in-kernel XICS
 *   hcall-pft, hcall-bulk   hash guests: H_ENTER, H_REMOVE, H_READ,
 *                     H_PROTECT, H_CLEAR_MOD/REF, H_BULK_REMOVE, all in
 *                     KVM's HPT code (with hcall-bulk Linux flushes
 *                     batches of HPTEs in one call)
 *   hcall-hpt-resize  hash guests: H_RESIZE_HPT_PREPARE/COMMIT
 * Not announced, though QEMU announces them: hcall-dabr (H_SET_DABR,
 * H_SET_XDABR; ISA 3.0 guests set the DAWR through H_SET_MODE instead),
 * hcall-debug (of its logical load/store and cache calls pvmm has only
 * H_LOGICAL_CI_LOAD/STORE), hcall-vio, hcall-join, hcall-vphn and
 * hcall-watchdog (none of their calls is implemented). */
static const char hypertas_base[] =
	"hcall-term\0hcall-set-mode\0hcall-splpar\0hcall-tce\0"
	"hcall-multi-tce\0hcall-sprg0\0hcall-copy";

static int prop_u64_pair(void *fdt, const char *name, uint64_t a,
			 uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

static int prop_u32_pair(void *fdt, const char *name, uint32_t a,
			 uint32_t b)
{
	fdt32_t v[2] = { cpu_to_fdt32(a), cpu_to_fdt32(b) };

	return fdt_property(fdt, name, v, sizeof(v));
}

/* A guest that must not use radix does not see the feature at all. */
static int fdt_pa_features(void *fdt, bool radix)
{
	uint8_t pa[sizeof(pa_features_isa300)];

	memcpy(pa, pa_features_isa300, sizeof(pa));
	if (!radix)
		pa[PA_RADIX_BYTE] &= (uint8_t)~PA_RADIX_BIT;
	return fdt_property(fdt, "ibm,pa-features", pa, sizeof(pa));
}

static int fdt_root_props(void *fdt, const struct fdt_params *p)
{
	/* XIVE: priorities 7 and up are the hypervisor's (KVM escalates on
	 * 7), so the guest uses 0-6 (Linux takes the highest it may). */
	if (p->xive)
		TRY(prop_u32_pair(fdt, "ibm,plat-res-int-priorities",
				  XIVE_PRIO_MAX + 1, 0xff - XIVE_PRIO_MAX));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_string(fdt, "device_type", "chrp"));
	TRY(fdt_property_string(fdt, "model", CONFIG_MODEL));
	return fdt_property_string(fdt, "compatible", CONFIG_COMPATIBLE);
}

/* Option vector 5 as negotiated (PAPR client-architecture-support; Linux
 * prom.h OV5_*): byte 5 0x80 form 1 affinity (the NUMA properties are
 * form 1, as QEMU answers), byte 24 the MMU (0x40 radix, 0 hash), byte
 * 26 GTSE.  Hash guests get it too, saying hash. */
#define OV5_FORM1_BYTE 5
#define OV5_FORM1_BIT  0x80

static int fdt_chosen(void *fdt, const struct fdt_params *p)
{
	/* Option vector 5 as negotiated: byte 5 form 1 affinity (above),
	 * byte 23 the interrupt controller (0x40 XIVE exploitation mode, 0
	 * XICS), byte 24 the MMU (0x40 radix, 0 hash), byte 26 GTSE.  Hash
	 * guests get it too, saying hash.  (Linux: OV5_XIVE_EXPLOIT,
	 * xive_spapr_disabled().) */
	uint8_t vec5[32] = { [OV5_FORM1_BYTE] = OV5_FORM1_BIT };

	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", p->cmdline ? p->cmdline : ""));
	if (p->initrd_end) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start",
				     p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	TRY(fdt_property_string(fdt, "linux,stdout-path",
				"/vdevice/vty@71000000"));
	TRY(fdt_property_string(fdt, "stdout-path", "/vdevice/vty@71000000"));
	if (p->xive)
		vec5[23] = 0x40;
	if (p->radix) {
		vec5[24] = 0x40;
		vec5[26] = 0x40;
	}
	TRY(fdt_property(fdt, "ibm,architecture-vec-5", vec5, sizeof(vec5)));
	/* Entropy for the guest's RNG from its first instruction: Linux
	 * credits it at once (early_init_dt_scan_chosen, then erases it
	 * in the tree), so its crng is ready before any driver asks. */
	if (p->rng_seed)
		TRY(fdt_property(fdt, "rng-seed", p->rng_seed, FDT_RNG_SEED));
	return fdt_end_node(fdt);
}

/* NUMA: one domain at every level, as QEMU's pseries describes a machine
 * without NUMA nodes (PAPR "ibm,associativity"; Linux
 * arch/powerpc/mm/numa.c).  The reference points say the primary domain
 * is the 4th cell of an associativity list (Linux: the node id), the
 * secondary the 2nd; the domain counts give one node, so Linux makes
 * node 0 the only possible one.  Memory lists 4 domains; a CPU a 5th,
 * its own server number, as QEMU gives it. */
#define NUMA_LEVELS	4

static int fdt_assoc_memory(void *fdt)
{
	fdt32_t a[NUMA_LEVELS + 1] = { cpu_to_fdt32(NUMA_LEVELS) };

	return fdt_property(fdt, "ibm,associativity", a, sizeof(a));
}

static int fdt_assoc_cpu(void *fdt, int id)
{
	fdt32_t a[NUMA_LEVELS + 2] = { cpu_to_fdt32(NUMA_LEVELS + 1) };

	a[NUMA_LEVELS + 1] = cpu_to_fdt32((uint32_t)id);
	return fdt_property(fdt, "ibm,associativity", a, sizeof(a));
}

static int fdt_memory(void *fdt, const struct papr *papr)
{
	TRY(fdt_begin_node(fdt, "memory@0"));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_u64_pair(fdt, "reg", 0, papr->vm->mem.size));
	TRY(fdt_assoc_memory(fdt));
	return fdt_end_node(fdt);
}

static int fdt_cpu_mmu(void *fdt, const struct mmu_info *mi)
{
	/* 256M and 1T segments; the trailing cells end the list. */
	const fdt32_t seg_sizes[] = {
		cpu_to_fdt32(28), cpu_to_fdt32(40),
		cpu_to_fdt32(0xffffffff), cpu_to_fdt32(0xffffffff),
	};
	uint8_t sps[MMU_MAX_SIZES * (12 + 8 * MMU_MAX_SIZES)];
	fdt32_t ap[MMU_MAX_SIZES];
	size_t len;

	TRY(fdt_property(fdt, "ibm,processor-segment-sizes", seg_sizes,
			 sizeof(seg_sizes)));
	if (!mi)
		return fdt_property_u32(fdt, "ibm,slb-size", 32);
	TRY(fdt_property_u32(fdt, "ibm,slb-size", mi->slb_size));
	len = mmu_segment_page_sizes(mi, sps, sizeof(sps));
	if (len)
		TRY(fdt_property(fdt, "ibm,segment-page-sizes", sps, len));
	for (int i = 0; i < mi->nap; i++)
		ap[i] = cpu_to_fdt32(mi->radix_ap[i]);
	if (mi->nap)
		TRY(fdt_property(fdt, "ibm,processor-radix-AP-encodings", ap,
				 sizeof(ap[0]) * (size_t)mi->nap));
	return 0;
}

/* L1 sizes (the host's): without d-cache-size Linux assumes 64 KiB and
 * sizes its L1D flush on every kernel exit for that (setup_64.c). */
static int fdt_cpu_caches(void *fdt, const struct fdt_params *p)
{
	if (p->dcache_size)
		TRY(fdt_property_u32(fdt, "d-cache-size", p->dcache_size));
	if (p->icache_size)
		TRY(fdt_property_u32(fdt, "i-cache-size", p->icache_size));
	return 0;
}

/* One node per virtual core, listing its threads' server numbers. */
static int fdt_cpu(void *fdt, const struct fdt_params *p,
		   const struct vcpu *threads, int nthreads)
{
	fdt32_t server[CONFIG_MAX_CPUS], gserver[2 * CONFIG_MAX_CPUS];
	int id = threads[0].id;
	char name[32];

	for (int t = 0; t < nthreads; t++) {
		server[t] = cpu_to_fdt32(threads[t].id);
		gserver[2 * t] = gserver[2 * t + 1] = server[t];
	}

	snprintf(name, sizeof(name), "PowerPC,POWER9@%x", id);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "cpu"));
	TRY(fdt_property_u32(fdt, "reg", id));
	/* The architected level when the vCPUs run at one (Linux then
	 * takes its CPU features from the level, not from the raw PVR). */
	TRY(fdt_property_u32(fdt, "cpu-version",
			     p->arch_compat ? p->arch_compat : p->pvr));
	TRY(fdt_property_u32(fdt, "timebase-frequency", p->timebase_hz));
	TRY(fdt_property_u32(fdt, "clock-frequency", p->clock_hz));
	TRY(fdt_property(fdt, "ibm,ppc-interrupt-server#s", server,
			 sizeof(server[0]) * (size_t)nthreads));
	TRY(fdt_property(fdt, "ibm,ppc-interrupt-gserver#s", gserver,
			 sizeof(gserver[0]) * 2 * (size_t)nthreads));
	TRY(fdt_property_u32(fdt, "ibm,vmx", 2));
	TRY(fdt_property_u32(fdt, "ibm,dfp", 1));
	TRY(fdt_property_u32(fdt, "ibm,purr", 1));
	TRY(fdt_property_u32(fdt, "ibm,spurr", 1));
	TRY(fdt_cpu_mmu(fdt, p->mmu));
	TRY(fdt_cpu_caches(fdt, p));
	/* Large decrementer, enabled in LPCR by the backend (Linux
	 * time.c: set_decrementer_max trusts this width). */
	if (p->dec_bits)
		TRY(fdt_property_u32(fdt, "ibm,dec-bits", p->dec_bits));
	TRY(fdt_property_u32(fdt, "ibm,chip-id", 0)); /* one socket */
	TRY(fdt_assoc_cpu(fdt, id));
	TRY(fdt_property(fdt, "64-bit", NULL, 0));
	TRY(fdt_property_u32(fdt, "d-cache-block-size", 128));
	TRY(fdt_property_u32(fdt, "i-cache-block-size", 128));
	TRY(fdt_property_u32(fdt, "d-cache-line-size", 128));
	TRY(fdt_property_u32(fdt, "i-cache-line-size", 128));
	TRY(fdt_pa_features(fdt, p->radix));
	if (p->hpt_order)
		TRY(prop_u32_pair(fdt, "ibm,pft-size", 0, p->hpt_order));
	TRY(fdt_property_string(fdt, "status", "okay"));
	return fdt_end_node(fdt);
}

static int fdt_cpus(void *fdt, const struct papr *papr,
		    const struct fdt_params *p)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (int i = 0; i < papr->vm->ncpus; i += papr->vm->threads_per_core)
		TRY(fdt_cpu(fdt, p, &papr->vm->cpu[i], papr->vm->threads_per_core));
	return fdt_end_node(fdt);
}

static size_t add_group(char *buf, size_t len, const char *group)
{
	size_t n = strlen(group) + 1;

	memcpy(buf + len, group, n);
	return len + n;
}

/* The groups above for this machine. */
static int fdt_hypertas(void *fdt, const struct fdt_params *p)
{
	char buf[sizeof(hypertas_base) + 64];
	size_t len = sizeof(hypertas_base);

	memcpy(buf, hypertas_base, sizeof(hypertas_base));
	if (p->xics)
		len = add_group(buf, len, "hcall-interrupt");
	if (p->hpt_order) {
		len = add_group(buf, len, "hcall-pft");
		len = add_group(buf, len, "hcall-bulk");
		len = add_group(buf, len, "hcall-hpt-resize");
	}
	return fdt_property(fdt, "ibm,hypertas-functions", buf, (int)len);
}

/* In /rtas: the reference points, the domain counts and, in
 * ibm,lrdr-capacity, the partition's limits (PAPR: the highest memory
 * address it can have, the smallest memory block, the most processors):
 * no memory or CPU hotplug, so RAM's size and the cores it has. */
static int fdt_rtas_numa(void *fdt, const struct papr *papr)
{
	const fdt32_t ref[] = {cpu_to_fdt32(4), cpu_to_fdt32(4),
			       cpu_to_fdt32(2)};
	const fdt32_t dom[NUMA_LEVELS + 1] = {
		cpu_to_fdt32(NUMA_LEVELS), 0, 0, 0, cpu_to_fdt32(1),
	};
	uint64_t ram = papr->vm->mem.size;
	const fdt32_t lrdr[] = {
		cpu_to_fdt32((uint32_t)(ram >> 32)),
		cpu_to_fdt32((uint32_t)ram),
		cpu_to_fdt32(0),
		cpu_to_fdt32(CONFIG_MEM_BLOCK),
		cpu_to_fdt32((uint32_t)(papr->vm->ncpus /
					papr->vm->threads_per_core)),
	};

	TRY(fdt_property(fdt, "ibm,associativity-reference-points", ref,
			 sizeof(ref)));
	TRY(fdt_property(fdt, "ibm,max-associativity-domains", dom,
			 sizeof(dom)));
	return fdt_property(fdt, "ibm,lrdr-capacity", lrdr, sizeof(lrdr));
}

static int fdt_rtas(void *fdt, const struct papr *papr,
		    const struct fdt_params *p)
{
	TRY(fdt_begin_node(fdt, "rtas"));
	TRY(fdt_hypertas(fdt, p));
	TRY(fdt_rtas_numa(fdt, papr));
	for (size_t i = 0; i < rtas_ncalls; i++) {
		/* The XICS calls KVM answers exist only with the XICS. */
		if (p->xive && !rtas_calls[i].fn)
			continue;
		TRY(fdt_property_u32(fdt, rtas_calls[i].name,
				     rtas_token(rtas_calls[i].name)));
	}
	TRY(fdt_property_u32(fdt, "rtas-size", papr->rtas.size));
	TRY(fdt_property_u32(fdt, "linux,rtas-base", papr->rtas.base));
	TRY(fdt_property_u32(fdt, "linux,rtas-entry", papr->rtas.base));
	TRY(fdt_property_u32(fdt, "rtas-error-log-max", RTAS_ERROR_LOG_MAX));
	/* Scans per minute; without it Linux starts no rtasd and never
	 * calls event-scan (papr/events.c says why that finds nothing). */
	TRY(fdt_property_u32(fdt, "rtas-event-scan-rate", 1));
	/* Without it a panicking Linux does not call ibm,os-term and sits
	 * in panic() instead of telling us. */
	TRY(fdt_property(fdt, "ibm,extended-os-term", NULL, 0));
	return fdt_end_node(fdt);
}

static int fdt_vty(void *fdt, uint32_t reg, uint32_t irq)
{
	fdt32_t intr[2] = { cpu_to_fdt32(irq), cpu_to_fdt32(irq_dt_sense(irq)) };
	char name[32];

	snprintf(name, sizeof(name), "vty@%x", reg);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "name", "vty"));
	TRY(fdt_property_u32(fdt, "reg", reg));
	TRY(fdt_property_string(fdt, "device_type", "serial"));
	TRY(fdt_property_string(fdt, "compatible", "hvterm1"));
	TRY(fdt_property(fdt, "interrupts", intr, sizeof(intr)));
	return fdt_end_node(fdt);
}

/* As QEMU's spapr-nvram: a VIO device under /vdevice.  Linux finds it by
 * device_type and reads its size from #bytes (pseries/nvram.c). */
static int fdt_nvram(void *fdt)
{
	char name[32];

	snprintf(name, sizeof(name), "nvram@%x", CONFIG_VIO_NVRAM);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "nvram"));
	TRY(fdt_property_string(fdt, "compatible", "qemu,spapr-nvram"));
	TRY(fdt_property_u32(fdt, "reg", CONFIG_VIO_NVRAM));
	TRY(fdt_property_u32(fdt, "#bytes", NVRAM_SIZE));
	return fdt_end_node(fdt);
}

static int fdt_vdevice(void *fdt)
{
	TRY(fdt_begin_node(fdt, "vdevice"));
	TRY(fdt_property_string(fdt, "device_type", "vdevice"));
	TRY(fdt_property_string(fdt, "compatible", "IBM,vdevice"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_vty(fdt, CONFIG_VTY_CONSOLE, IRQ_VTY_CONSOLE));
	TRY(fdt_vty(fdt, CONFIG_VTY_CONTROL, IRQ_VTY_CONTROL));
	TRY(fdt_nvram(fdt));
	return fdt_end_node(fdt);
}

static int fdt_xics(void *fdt, const struct papr *papr)
{
	fdt32_t range[2] = { cpu_to_fdt32(0),
			     cpu_to_fdt32(papr->vm->cpu[papr->vm->ncpus - 1].id + 1) };

	TRY(fdt_begin_node(fdt, "interrupt-controller"));
	TRY(fdt_property_string(fdt, "device_type",
				"PowerPC-External-Interrupt-Presentation"));
	TRY(fdt_property_string(fdt, "compatible", "IBM,ppc-xicp"));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property(fdt, "ibm,interrupt-server-ranges", range,
			 sizeof(range)));
	TRY(fdt_property_u32(fdt, "phandle", XICS_PHANDLE));
	return fdt_end_node(fdt);
}

/* XIVE exploitation mode, as QEMU's pseries describes its spapr XIVE
 * (hw/intc/spapr_xive.c; Linux reads it in sysdev/xive/spapr.c): the
 * thread management area's user and OS pages (Linux maps the second),
 * the one queue size offered, and the IPI numbers, one per server,
 * from 0.  The same two-cell interrupt specifiers as the XICS (bit 0 of
 * the second cell: level), so the rest of the tree does not change. */
static int fdt_xive(void *fdt, const struct papr *papr)
{
	fdt64_t reg[4] = {
		cpu_to_fdt64(XIVE_TIMA_BASE + XIVE_TIMA_USER * XIVE_TIMA_PAGE),
		cpu_to_fdt64(XIVE_TIMA_PAGE),
		cpu_to_fdt64(XIVE_TIMA_BASE + XIVE_TIMA_OS * XIVE_TIMA_PAGE),
		cpu_to_fdt64(XIVE_TIMA_PAGE),
	};
	char name[48];

	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)XIVE_TIMA_BASE);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "power-ivpe"));
	TRY(fdt_property_string(fdt, "compatible", "ibm,power-ivpe"));
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_property_u32(fdt, "ibm,xive-eq-sizes", 16));
	TRY(prop_u32_pair(fdt, "ibm,xive-lisn-ranges", 0,
			  (uint32_t)papr->vm->cpu[papr->vm->ncpus - 1].id + 1));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property_u32(fdt, "phandle", XICS_PHANDLE));
	return fdt_end_node(fdt);
}

/* Event sources: the EPOW interrupt Linux's RAS code requests
 * (/event-sources/epow-events, platforms/pseries/ras.c).  The child has
 * no interrupt-parent, so Linux's lookup stops at /event-sources, the
 * nearest node with #interrupt-cells; the XICS (or XIVE) domain claims any such
 * controller node and maps the source number as the hardware number. */
static int fdt_event_sources(void *fdt)
{
	fdt32_t ranges[2] = { cpu_to_fdt32(IRQ_EPOW), cpu_to_fdt32(1) };
	fdt32_t intr[2] = { cpu_to_fdt32(IRQ_EPOW),
			    cpu_to_fdt32(irq_dt_sense(IRQ_EPOW)) };

	TRY(fdt_begin_node(fdt, "event-sources"));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 2));
	TRY(fdt_property(fdt, "interrupt-ranges", ranges, sizeof(ranges)));
	TRY(fdt_begin_node(fdt, "epow-events"));
	TRY(fdt_property(fdt, "interrupts", intr, sizeof(intr)));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

static int fdt_hypervisor(void *fdt)
{
	TRY(fdt_begin_node(fdt, "hypervisor"));
	TRY(fdt_property_string(fdt, "compatible", "linux,kvm"));
	return fdt_end_node(fdt);
}

int fdt_build(const struct papr *papr, const struct fdt_params *p,
	      void *buf, size_t size)
{
	void *fdt = buf;

	TRY(fdt_create(fdt, (int)size));
	for (int i = 0; i < p->nreserve; i++)
		TRY(fdt_add_reservemap_entry(fdt, p->reserve[i].addr,
					     p->reserve[i].size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_root_props(fdt, p));
	TRY(fdt_chosen(fdt, p));
	TRY(fdt_memory(fdt, papr));
	TRY(fdt_cpus(fdt, papr, p));
	TRY(fdt_rtas(fdt, papr, p));
	TRY(fdt_vdevice(fdt));
	if (p->xive)
		TRY(fdt_xive(fdt, papr));
	else if (p->xics)
		TRY(fdt_xics(fdt, papr));
	if (p->xive || p->xics)
		TRY(fdt_event_sources(fdt));
	TRY(fdt_hypervisor(fdt));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	/* The PCI host bridge adds its nodes to the finished tree (it looks
	 * up the XICS phandle there), then the tree shrinks to fit. */
	TRY(fdt_open_into(fdt, fdt, (int)size));
	TRY(fdt_phb(fdt, papr->phb));
	TRY(fdt_pack(fdt));
	fdt_set_boot_cpuid_phys(fdt, (uint32_t)papr->vm->cpu[0].id);
	return 0;
}
