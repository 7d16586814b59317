/* The device tree, parsed back with libfdt property by property. */
#include <libfdt.h>
#include <stdio.h>

#include "io/phb.h"
#include "cpu/be.h"
#include "papr/fdt.h"
#include "papr/rtas.h"
#include "tests/unit/unit.h"

static uint8_t blob[64 << 10];

static const struct mmu_info mi = {
	.slb_size = 32, .nseg = 1,
	.seg = { { 12, 0, 1, { { 12, 0 } } } },
	.nap = 2, .radix_ap = { 0x0000000c, 0xa0000010 },
};

static const uint8_t seed[FDT_RNG_SEED] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba,
	0x98, 0x76, 0x54, 0x32, 0x10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x5a,
};

static struct fdt_params params(bool radix)
{
	return (struct fdt_params){
		.pvr = 0x004e1200, .arch_compat = 0x0f000005, .dec_bits = 56,
		.dcache_size = 32768, .icache_size = 65536, .rng_seed = seed,
		.timebase_hz = 512000000,
		.clock_hz = 1000000000, .radix = radix, .xics = true,
		.hpt_order = radix ? 0 : 22, .mmu = &mi,
		.cmdline = "console=hvc0 quiet",
		.initrd_start = 0x1000000, .initrd_end = 0x1200000,
		.reserve = { { 0, 0x400000 }, { 0x3fe0000, 0x20000 } },
		.nreserve = 2,
	};
}

static const void *prop(int node, const char *name, int *len)
{
	const void *p = fdt_getprop(blob, node, name, len);

	if (!p)
		fail_msg("missing property %s", name);
	return p;
}

static uint32_t u32(int node, const char *name)
{
	int len;
	const fdt32_t *p = prop(node, name, &len);

	assert_int_equal(len, 4);
	return fdt32_to_cpu(*p);
}

/* Strings in a string-list property. */
static int nstrings(const char *list, int len)
{
	int n = 0;

	for (int i = 0; i < len; i++)
		n += list[i] == '\0';
	return n;
}

static int node(const char *path)
{
	int n = fdt_path_offset(blob, path);

	if (n < 0)
		fail_msg("missing node %s", path);
	return n;
}

static struct machine *build(bool radix, int ncpus)
{
	struct machine *m = unit_machine(ncpus);
	struct fdt_params p = params(radix);

	assert_int_equal(rtas_install(&m->papr, UNIT_RAM - 0x10000, 0x10000), 0);
	assert_int_equal(fdt_build(&m->papr, &p, blob, sizeof(blob)), 0);
	assert_int_equal(fdt_check_header(blob), 0);
	return m;
}

static void root_chosen_memory(void **state)
{
	struct machine *m = build(true, 2);
	int root = node("/"), chosen = node("/chosen"), len;
	const uint8_t *vec5;
	const uint8_t *reg;
	uint64_t a, s;

	(void)state;
	assert_string_equal(prop(root, "device_type", NULL), "chrp");
	assert_string_equal(prop(root, "compatible", NULL), "qemu,pseries");
	assert_int_equal(u32(root, "#address-cells"), 2);
	assert_int_equal(u32(root, "#size-cells"), 2);
	assert_string_equal(prop(chosen, "bootargs", NULL),
			    "console=hvc0 quiet");
	/* Properties are only 4-byte aligned in the blob. */
	assert_int_equal(be64_load(prop(chosen, "linux,initrd-start", NULL)),
			 0x1000000);
	assert_int_equal(be64_load(prop(chosen, "linux,initrd-end", NULL)),
			 0x1200000);
	assert_string_equal(prop(chosen, "linux,stdout-path", NULL),
			    "/vdevice/vty@71000000");
	vec5 = prop(chosen, "ibm,architecture-vec-5", &len);
	assert_true(len > 26);
	assert_int_equal(vec5[24] & 0xc0, 0x40);	/* radix */
	assert_int_equal(vec5[26] & 0x40, 0x40);	/* GTSE */
	/* form 1 affinity */
	assert_int_equal(vec5[5], 0x80);
	reg = prop(chosen, "rng-seed", &len);
	assert_int_equal(len, FDT_RNG_SEED);
	assert_memory_equal(reg, seed, sizeof(seed));
	reg = prop(node("/memory@0"), "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(be64_load(reg + 8), UNIT_RAM);
	/* One NUMA domain: 4 levels, all 0. */
	reg = prop(node("/memory@0"), "ibm,associativity", &len);
	assert_int_equal(len, 20);
	assert_int_equal(be32_load(reg), 4);
	for (int i = 1; i < 5; i++)
		assert_int_equal(be32_load(reg + 4 * i), 0);
	assert_int_equal(fdt_num_mem_rsv(blob), 2);
	assert_int_equal(fdt_get_mem_rsv(blob, 1, &a, &s), 0);
	assert_int_equal(a, 0x3fe0000);
	assert_int_equal(s, 0x20000);
	assert_int_equal(fdt_boot_cpuid_phys(blob), 0);
	unit_machine_free(m);
}

static void cpus(void **state)
{
	struct machine *m = build(true, 2);
	int len;
	const uint8_t *pa;
	const fdt32_t *ap, *assoc;

	(void)state;
	for (int id = 0; id < 2; id++) {
		char path[64];
		int cpu;

		snprintf(path, sizeof(path), "/cpus/PowerPC,POWER9@%d", id);
		cpu = node(path);
		assert_string_equal(prop(cpu, "device_type", NULL), "cpu");
		assert_int_equal(u32(cpu, "reg"), id);
		assert_int_equal(u32(cpu, "ibm,ppc-interrupt-server#s"), id);
		assert_int_equal(u32(cpu, "timebase-frequency"), 512000000);
		/* The architected level, not the raw PVR. */
		assert_int_equal(u32(cpu, "cpu-version"), 0x0f000005);
		assert_int_equal(u32(cpu, "ibm,dec-bits"), 56);
		assert_int_equal(u32(cpu, "d-cache-size"), 32768);
		assert_int_equal(u32(cpu, "i-cache-size"), 65536);
		assert_int_equal(u32(cpu, "d-cache-line-size"), 128);
		assert_int_equal(u32(cpu, "ibm,chip-id"), 0);
		prop(cpu, "64-bit", &len);
		assert_int_equal(len, 0);
		assoc = prop(cpu, "ibm,associativity", &len);
		assert_int_equal(len, 24);
		assert_int_equal(fdt32_to_cpu(assoc[0]), 5);
		for (int c = 1; c < 5; c++)
			assert_int_equal(fdt32_to_cpu(assoc[c]), 0);
		assert_int_equal(fdt32_to_cpu(assoc[5]), id);
		assert_int_equal(u32(cpu, "ibm,vmx"), 2);
		assert_int_equal(u32(cpu, "ibm,slb-size"), 32);
		pa = prop(cpu, "ibm,pa-features", &len);
		assert_true(len > 42);
		assert_int_equal(pa[42] & 0x80, 0x80);	/* radix */
		ap = prop(cpu, "ibm,processor-radix-AP-encodings", &len);
		assert_int_equal(len, 8);
		assert_int_equal(fdt32_to_cpu(ap[1]), 0xa0000010);
		assert_null(fdt_getprop(blob, cpu, "ibm,pft-size", NULL));
	}
	assert_int_equal(u32(node("/cpus"), "#address-cells"), 1);
	unit_machine_free(m);
}

static void hash_guest(void **state)
{
	struct machine *m = build(false, 1);
	int cpu = node("/cpus/PowerPC,POWER9@0"), len;
	const uint8_t *pa = prop(cpu, "ibm,pa-features", &len);
	const fdt32_t *pft = prop(cpu, "ibm,pft-size", &len);
	const uint8_t *vec5;
	const char *tas;

	(void)state;
	assert_int_equal(pa[42] & 0x80, 0);		/* radix hidden */
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(pft[1]), 22);
	vec5 = prop(node("/chosen"), "ibm,architecture-vec-5", &len);
	assert_true(len > 26);
	assert_int_equal(vec5[24] & 0xc0, 0);		/* hash */
	assert_int_equal(vec5[26] & 0x40, 0);		/* no GTSE */
	tas = prop(node("/rtas"), "ibm,hypertas-functions", &len);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-hpt-resize"),
			 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-term"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-pft"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-bulk"), 1);
	assert_int_equal(nstrings(tas, len), 11);
	prop(cpu, "ibm,segment-page-sizes", &len);
	assert_int_equal(len, 20);
	unit_machine_free(m);
}

/* What the backend could not give is left out, not made up: no level
 * (cpu-version is the PVR), no large decrementer, no cache sizes, no
 * seed. */
static void cpu_optional_left_out(void **state)
{
	struct machine *m = unit_machine(1);
	struct fdt_params p = params(true);
	int cpu;

	(void)state;
	p.arch_compat = p.dec_bits = p.dcache_size = p.icache_size = 0;
	p.rng_seed = NULL;
	assert_int_equal(fdt_build(&m->papr, &p, blob, sizeof(blob)), 0);
	cpu = node("/cpus/PowerPC,POWER9@0");
	assert_int_equal(u32(cpu, "cpu-version"), 0x004e1200);
	assert_null(fdt_getprop(blob, cpu, "ibm,dec-bits", NULL));
	assert_null(fdt_getprop(blob, cpu, "d-cache-size", NULL));
	assert_null(fdt_getprop(blob, cpu, "i-cache-size", NULL));
	assert_null(fdt_getprop(blob, node("/chosen"), "rng-seed", NULL));
	unit_machine_free(m);
}

/* NUMA and partition limits in /rtas, as Linux's numa.c and QEMU read
 * them: primary domain at index 4, one domain, RAM and cores. */
static void rtas_numa_lrdr(void **state)
{
	struct machine *m = unit_machine(4);
	struct fdt_params p = params(true);
	const fdt32_t *v;
	uint64_t ram;
	int rtas, len;

	(void)state;
	m->vm.threads_per_core = 2;
	assert_int_equal(fdt_build(&m->papr, &p, blob, sizeof(blob)), 0);
	rtas = node("/rtas");
	v = prop(rtas, "ibm,associativity-reference-points", &len);
	assert_int_equal(len, 12);
	assert_int_equal(fdt32_to_cpu(v[0]), 4);
	assert_int_equal(fdt32_to_cpu(v[1]), 4);
	assert_int_equal(fdt32_to_cpu(v[2]), 2);
	v = prop(rtas, "ibm,max-associativity-domains", &len);
	assert_int_equal(len, 20);
	assert_int_equal(fdt32_to_cpu(v[0]), 4);
	assert_int_equal(fdt32_to_cpu(v[4]), 1);
	v = prop(rtas, "ibm,lrdr-capacity", &len);
	assert_int_equal(len, 20);
	ram = (uint64_t)fdt32_to_cpu(v[0]) << 32 | fdt32_to_cpu(v[1]);
	assert_int_equal(ram, UNIT_RAM);
	assert_int_equal(fdt32_to_cpu(v[2]), 0);
	assert_int_equal(fdt32_to_cpu(v[3]), 256u << 20);
	/* cores, not threads */
	assert_int_equal(fdt32_to_cpu(v[4]), 2);
	/* A core's node carries its first thread's number. */
	v = prop(node("/cpus/PowerPC,POWER9@2"), "ibm,associativity", &len);
	assert_int_equal(fdt32_to_cpu(v[5]), 2);
	unit_machine_free(m);
}

static void smt_cores(void **state)
{
	struct machine *m = unit_machine(4);
	struct fdt_params p = params(true);
	const fdt32_t *srv;
	int len;

	(void)state;
	m->vm.threads_per_core = 2;
	assert_int_equal(fdt_build(&m->papr, &p, blob, sizeof(blob)), 0);
	srv = prop(node("/cpus/PowerPC,POWER9@2"), "ibm,ppc-interrupt-server#s",
		   &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(srv[0]), 2);
	assert_int_equal(fdt32_to_cpu(srv[1]), 3);
	assert_true(fdt_path_offset(blob, "/cpus/PowerPC,POWER9@1") < 0);
	unit_machine_free(m);
}

static void rtas_vdevice_xics(void **state)
{
	struct machine *m = build(true, 2);
	int rtas = node("/rtas"), len, nv;
	const char *tas;
	const fdt32_t *range;

	(void)state;
	for (size_t i = 0; i < rtas_ncalls; i++)
		assert_int_equal(u32(rtas, rtas_calls[i].name),
				 rtas_token(rtas_calls[i].name));
	assert_int_equal(u32(rtas, "linux,rtas-base"), UNIT_RAM - 0x10000);
	assert_int_equal(u32(rtas, "linux,rtas-entry"), UNIT_RAM - 0x10000);
	assert_int_equal(u32(rtas, "rtas-size"), 0x10000);
	tas = prop(rtas, "ibm,hypertas-functions", &len);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-term"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-set-mode"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-splpar"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-tce"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-multi-tce"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-sprg0"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-copy"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-interrupt"), 1);
	/* Groups with calls nobody implements are not announced. */
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-join"), 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-vphn"), 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-dabr"), 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-debug"), 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-watchdog"), 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-vio"), 0);
	/* Radix: no HPT calls. */
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-hpt-resize"),
			 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-pft"), 0);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-bulk"), 0);
	assert_int_equal(nstrings(tas, len), 8);
	for (int i = 0; i < 2; i++) {
		const char *path = i ? "/vdevice/vty@71000001" :
				       "/vdevice/vty@71000000";
		int vty = node(path);

		const fdt32_t *vi;
		int vlen;

		assert_string_equal(prop(vty, "compatible", NULL), "hvterm1");
		assert_int_equal(u32(vty, "reg"), 0x71000000 + i);
		vi = prop(vty, "interrupts", &vlen);	/* no polling */
		assert_int_equal(vlen, 8);
		assert_int_equal(fdt32_to_cpu(vi[0]), 0x1002 + i);
		assert_int_equal(fdt32_to_cpu(vi[1]), 0);	/* edge */
	}
	/* NVRAM as QEMU's spapr-nvram: a VIO device Linux finds by type
	 * and sizes by #bytes; one node only. */
	nv = node("/vdevice/nvram@71000002");
	assert_string_equal(prop(nv, "device_type", NULL), "nvram");
	assert_string_equal(prop(nv, "compatible", NULL), "qemu,spapr-nvram");
	assert_int_equal(u32(nv, "reg"), 0x71000002);
	assert_int_equal(u32(nv, "#bytes"), NVRAM_SIZE);
	assert_int_equal(fdt_node_offset_by_prop_value(blob, nv, "device_type",
						       "nvram", 6),
			 -FDT_ERR_NOTFOUND);
	assert_true(fdt_path_offset(blob, "/nvram") < 0);
	range = prop(node("/interrupt-controller"),
		     "ibm,interrupt-server-ranges", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(range[1]), 2);
	assert_string_equal(prop(node("/interrupt-controller"), "compatible",
				 NULL), "IBM,ppc-xicp");
	unit_machine_free(m);
}

/* What Linux's RAS code looks up: the EPOW source under /event-sources
 * (an interrupt controller, so it is the parent), the calls it makes and
 * the properties rtasd and panic() read. */
static void event_sources(void **state)
{
	struct machine *m = build(true, 1);
	int es = node("/event-sources"), rtas = node("/rtas"), len;
	int epow = node("/event-sources/epow-events");
	const fdt32_t *intr;

	(void)state;
	assert_non_null(prop(es, "interrupt-controller", NULL));
	assert_int_equal(u32(es, "#interrupt-cells"), 2);
	intr = prop(epow, "interrupts", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(intr[0]), 0x1000);
	assert_int_equal(fdt32_to_cpu(intr[1]), 0);	/* edge */
	assert_null(fdt_getprop(blob, epow, "interrupt-parent", NULL));
	intr = prop(es, "interrupt-ranges", &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_to_cpu(intr[0]), 0x1000);
	assert_int_equal(fdt32_to_cpu(intr[1]), 1);
	assert_int_equal(u32(rtas, "check-exception"),
			 rtas_token("check-exception"));
	assert_int_equal(u32(rtas, "event-scan"), rtas_token("event-scan"));
	assert_int_equal(u32(rtas, "get-sensor-state"),
			 rtas_token("get-sensor-state"));
	assert_int_equal(u32(rtas, "rtas-event-scan-rate"), 1);
	assert_int_equal(u32(rtas, "rtas-error-log-max"), 2048);
	assert_non_null(prop(rtas, "ibm,extended-os-term", &len));
	assert_int_equal(len, 0);
	unit_machine_free(m);
}

/* The PCI host bridge and one function as pseries Linux reads them
 * (pci_process_bridge_OF_ranges, of_create_pci_dev, of_irq_parse_pci,
 * the RTAS MSI code). */
#define PHB_PATH	"/pci@800000020000000"

static struct pci_func func;

static struct machine *build_pci(void)
{
	struct machine *m = unit_machine(1);
	struct fdt_params p = params(true);

	pci_func_init(&func, "virtio-blk", 0x1af4, 0x1042, 1, 0x018000,
		      0x1af4, 0x0002);
	assert_int_equal(pci_add_bar64(&func, 0, 0x4000), 0);
	assert_int_equal(pci_add_msix(&func, 3, 0, 0x2000, 0x3000), 0);
	assert_int_equal(phb_add(&m->io.phb, &func), 0);
	assert_int_equal(rtas_install(&m->papr, UNIT_RAM - 0x10000, 0x10000), 0);
	assert_int_equal(fdt_build(&m->papr, &p, blob, sizeof(blob)), 0);
	assert_int_equal(fdt_check_header(blob), 0);
	return m;
}

static void cells(int node, const char *name, const uint32_t *want, int n)
{
	int len;
	const fdt32_t *c = prop(node, name, &len);

	assert_int_equal(len, 4 * n);
	for (int i = 0; i < n; i++)
		if (fdt32_to_cpu(c[i]) != want[i])
			fail_msg("%s[%d] = %#x, want %#x", name, i,
				 fdt32_to_cpu(c[i]), want[i]);
}

/* XIVE exploitation mode: the controller node as Linux's
 * xive_spapr_init reads it, option vector 5 saying XIVE, the reserved
 * priorities, no XICS and none of its RTAS calls; the event sources and
 * the bridge's interrupt map point at the XIVE instead. */
static void xive_tree(void **state)
{
	struct machine *m = unit_machine(4);
	struct fdt_params p = params(true);
	int len, ic, phb;
	const uint8_t *vec5;
	const uint8_t *regp;
	uint64_t reg[4];

	(void)state;
	p.xics = false;
	p.xive = true;
	pci_func_init(&func, "virtio-blk", 0x1af4, 0x1042, 1, 0x018000,
		      0x1af4, 0x0002);
	assert_int_equal(phb_add(&m->io.phb, &func), 0);
	assert_int_equal(rtas_install(&m->papr, UNIT_RAM - 0x10000, 0x10000), 0);
	assert_int_equal(fdt_build(&m->papr, &p, blob, sizeof(blob)), 0);

	ic = node("/interrupt-controller@6030203180000");
	assert_string_equal(prop(ic, "compatible", NULL), "ibm,power-ivpe");
	assert_string_equal(prop(ic, "device_type", NULL), "power-ivpe");
	regp = prop(ic, "reg", &len);
	assert_int_equal(len, 32);
	for (int i = 0; i < 4; i++)
		reg[i] = be64_load(regp + 8 * i);
	/* Entry 1 (the one Linux maps) is the OS page; entry 0 the user's. */
	assert_int_equal(reg[2], XIVE_TIMA_BASE + 2 * 0x10000);
	assert_int_equal(reg[3], 0x10000);
	assert_int_equal(reg[0], XIVE_TIMA_BASE + 3 * 0x10000);
	cells(ic, "ibm,xive-lisn-ranges", (uint32_t[]){ 0, 4 }, 2);
	cells(ic, "ibm,xive-eq-sizes", (uint32_t[]){ 16 }, 1);
	assert_non_null(prop(ic, "interrupt-controller", &len));
	assert_int_equal(u32(ic, "#interrupt-cells"), 2);
	assert_int_equal(fdt_get_phandle(blob, ic), 0x1000);
	/* Priorities 7.. are the hypervisor's: the guest keeps 0-6. */
	cells(0, "ibm,plat-res-int-priorities", (uint32_t[]){ 7, 0xf9 }, 2);
	vec5 = prop(node("/chosen"), "ibm,architecture-vec-5", &len);
	assert_true(len > 23);
	assert_int_equal(vec5[23], 0x40);
	assert_int_equal(fdt_node_offset_by_compatible(blob, -1, "IBM,ppc-xicp"),
			 -FDT_ERR_NOTFOUND);
	assert_null(fdt_getprop(blob, node("/rtas"), "ibm,set-xive", NULL));
	assert_null(fdt_getprop(blob, node("/rtas"), "ibm,int-on", NULL));
	assert_int_not_equal(u32(node("/rtas"), "ibm,change-msi"), 0);
	assert_int_equal(fdt32_to_cpu(((const fdt32_t *)prop(
			 node("/event-sources/epow-events"), "interrupts",
			 &len))[0]), IRQ_EPOW);
	phb = node(PHB_PATH);
	cells(phb, "interrupt-map", (uint32_t[]){ 0, 0, 0, 1, 0x1000,
						  func.lsi, 1 }, 7);
	unit_machine_free(m);

	/* The XICS tree says XICS in option vector 5 and has no XIVE. */
	m = build(true, 2);
	vec5 = prop(node("/chosen"), "ibm,architecture-vec-5", &len);
	assert_int_equal(vec5[23], 0);
	assert_int_equal(fdt_node_offset_by_compatible(blob, -1,
						       "ibm,power-ivpe"),
			 -FDT_ERR_NOTFOUND);
	assert_null(fdt_getprop(blob, 0, "ibm,plat-res-int-priorities", NULL));
	assert_int_not_equal(u32(node("/rtas"), "ibm,set-xive"), 0);
	unit_machine_free(m);
}

static void pci_bridge(void **state)
{
	struct machine *m = build_pci();
	int phb = node(PHB_PATH), len;
	uint32_t xics = fdt_get_phandle(blob, node("/interrupt-controller"));
	static const char *const calls[] = {
		"ibm,read-pci-config", "ibm,write-pci-config",
		"read-pci-config", "write-pci-config", "ibm,change-msi",
		"ibm,query-interrupt-source-number",
	};

	(void)state;
	assert_int_equal(xics, 0x1000);
	assert_string_equal(prop(phb, "device_type", NULL), "pci");
	assert_string_equal(prop(phb, "compatible", NULL), "IBM,Logical_PHB");
	cells(phb, "reg", (uint32_t[]){ 0x08000000, 0x20000000, 0, 0 }, 4);
	assert_int_equal(u32(phb, "#address-cells"), 3);
	assert_int_equal(u32(phb, "#size-cells"), 2);
	assert_int_equal(u32(phb, "#interrupt-cells"), 1);
	/* 64-bit memory, PCI address = CPU address. */
	cells(phb, "ranges", (uint32_t[]){ 0x03000000, 0x1000, 0, 0x1000, 0,
					   1, 0 }, 7);
	cells(phb, "bus-range", (uint32_t[]){ 0, 0 }, 2);
	assert_non_null(prop(phb, "used-by-rtas", &len));
	assert_int_equal(len, 0);
	assert_int_equal(u32(phb, "ibm,pci-config-space-type"), 0);
	assert_true(u32(phb, "ibm,pe-total-#msi") >= 3);
	cells(phb, "interrupt-map-mask", (uint32_t[]){ 0xf800, 0, 0, 7 }, 4);
	cells(phb, "interrupt-map", (uint32_t[]){ 0, 0, 0, 1, xics,
						  func.lsi, 1 }, 7);
	assert_int_equal(func.lsi, IRQ_LSI_BASE);
	/* Linux keeps the BARs where the tree puts them. */
	assert_int_equal(u32(node("/chosen"), "linux,pci-probe-only"), 1);
	/* The RTAS calls it uses. */
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_not_equal(rtas_token(calls[i]), 0);
		assert_int_equal(u32(node("/rtas"), calls[i]),
				 rtas_token(calls[i]));
	}
	unit_machine_free(m);
}

/* The PE's DMA windows as Linux's pseries/iommu.c finds them: the
 * default window on the bridge (pci_dma_find oopses without one in
 * 6.1.192), the dynamic-window calls, and the TCE hcall groups. */
static void pci_dma_windows(void **state)
{
	struct machine *m = build_pci();
	int phb = node(PHB_PATH), len;
	const char *tas = prop(node("/rtas"), "ibm,hypertas-functions", &len);
	static const char *const calls[] = {
		"ibm,query-pe-dma-window", "ibm,create-pe-dma-window",
		"ibm,remove-pe-dma-window", "ibm,reset-pe-dma-window",
	};

	(void)state;
	assert_int_equal(u32(phb, "ibm,#dma-address-cells"), 2);
	assert_int_equal(u32(phb, "ibm,#dma-size-cells"), 2);
	/* LIOBN 0x80000000, bus address 0, 1 GiB: QEMU's pseries. */
	cells(phb, "ibm,dma-window",
	      (uint32_t[]){ 0x80000000, 0, 0, 0, 0x40000000 }, 5);
	cells(phb, "ibm,ddw-applicable",
	      (uint32_t[]){ rtas_token(calls[0]), rtas_token(calls[1]),
			    rtas_token(calls[2]) }, 3);
	cells(phb, "ibm,ddw-extensions",
	      (uint32_t[]){ 2, rtas_token(calls[3]), 1 }, 3);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_not_equal(rtas_token(calls[i]), 0);
		assert_int_equal(u32(node("/rtas"), calls[i]),
				 rtas_token(calls[i]));
	}
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-tce"), 1);
	assert_int_equal(fdt_stringlist_contains(tas, len, "hcall-multi-tce"),
			 1);
	unit_machine_free(m);
}

static void pci_function(void **state)
{
	struct machine *m = build_pci();
	int fn = node(PHB_PATH "/virtio-blk@0");
	uint64_t bar = func.bar[0].addr;

	(void)state;
	assert_true(bar >= 0x100000000000ull && bar % 0x4000 == 0);
	assert_string_equal(prop(fn, "name", NULL), "virtio-blk");
	assert_null(fdt_getprop(blob, fn, "device_type", NULL));
	/* Config space first, then BAR 0 (64-bit memory, at 0x10). */
	cells(fn, "reg", (uint32_t[]){ 0, 0, 0, 0, 0,
				       0x03000010, 0, 0, 0, 0x4000 }, 10);
	/* Where it is: the n bit says it is not to be moved. */
	cells(fn, "assigned-addresses",
	      (uint32_t[]){ 0x83000010, (uint32_t)(bar >> 32), (uint32_t)bar,
			    0, 0x4000 }, 5);
	assert_int_equal(u32(fn, "vendor-id"), 0x1af4);
	assert_int_equal(u32(fn, "device-id"), 0x1042);
	assert_int_equal(u32(fn, "revision-id"), 1);
	assert_int_equal(u32(fn, "class-code"), 0x018000);
	assert_int_equal(u32(fn, "subsystem-vendor-id"), 0x1af4);
	assert_int_equal(u32(fn, "subsystem-id"), 2);
	assert_int_equal(u32(fn, "interrupts"), 1);		/* INTA */
	assert_int_equal(u32(fn, "ibm,req#msi-x"), 3);
	assert_null(fdt_getprop(blob, fn, "ibm,req#msi", NULL));
	unit_machine_free(m);
}

/* No function, no bridge, nothing said about PCI. */
static void pci_none(void **state)
{
	struct machine *m = build(true, 1);

	(void)state;
	assert_true(fdt_path_offset(blob, PHB_PATH) < 0);
	assert_null(fdt_getprop(blob, node("/chosen"), "linux,pci-probe-only",
				NULL));
	/* The tree was packed after reopening. */
	assert_true(fdt_totalsize(blob) < sizeof(blob) / 2);
	unit_machine_free(m);
}

static void too_small(void **state)
{
	struct machine *m = unit_machine(2);
	struct fdt_params p = params(true);

	(void)state;
	assert_true(fdt_build(&m->papr, &p, blob, 512) < 0);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_chosen_memory),
		cmocka_unit_test(cpus),
		cmocka_unit_test(hash_guest),
		cmocka_unit_test(cpu_optional_left_out),
		cmocka_unit_test(rtas_numa_lrdr),
		cmocka_unit_test(smt_cores),
		cmocka_unit_test(rtas_vdevice_xics),
		cmocka_unit_test(event_sources),
		cmocka_unit_test(pci_bridge),
		cmocka_unit_test(xive_tree),
		cmocka_unit_test(pci_dma_windows),
		cmocka_unit_test(pci_function),
		cmocka_unit_test(pci_none),
		cmocka_unit_test(too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
