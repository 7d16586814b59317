/* The hostile guest of the chaos run (issue #14 item 5): for a set time,
 * every vCPU at once throws random hcalls, random RTAS calls and buffers,
 * random PCI config and BAR accesses, and malformed, re-offered and
 * well-formed virtqueue chains at every virtio device, with resets in the
 * middle and notifies as fast as it can.  pvmm must stay up, answer
 * SIGTERM and keep its memory bounded (tests/e2e/scenarios/chaos-*.scn).
 *
 * Knobs on the command line (--cmdline): chaos.seed=N (default: the
 * timebase at start; printed, so a failing run can be repeated, though
 * the interleaving of the vCPUs is not), chaos.secs=N (default 60),
 * chaos.mmio=1 (radix hosts only: half the BAR accesses as plain loads
 * and stores instead of H_LOGICAL_CI_LOAD/STORE).
 * Then CPU 0 waits for the others, prints what was refused and exits 0.
 *
 * What it never does, because it would end the run legitimately: power-
 * off, system-reboot, ibm,os-term, stop-self (until done), an "exit"
 * line on the control vty, and calls that would make this guest take an
 * interrupt it cannot handle (H_CEDE sets MSR[EE]; data and instruction
 * breakpoints; a system reset to a valid CPU; removing HPT entries, which
 * on a hash host may be the VRMA real mode runs on).  Guest memory it
 * hands out lies in an arena above its own image or outside RAM, so the
 * devices may scribble on the arena only.  Device registers are reached
 * with H_LOGICAL_CI_LOAD/STORE (and directly with chaos.mmio=1 on
 * radix): real mode on a hash guest translates through the VRMA, whose
 * HPTEs map RAM only, and KVM turns a miss there into a storage
 * interrupt for the guest, not an MMIO exit (Linux book3s_hv_rm_mmu.c,
 * kvmppc_hpte_hv_fault; read, not tried here). */
#include <libfdt.h>

#include "guest.h"

#define H_REMOVE	     0x04
#define H_PROTECT	     0x18
#define H_SET_DABR	     0x28
#define H_PAGE_INIT	     0x2c
#define H_LOGICAL_CI_LOAD    0x3c
#define H_LOGICAL_CI_STORE   0x40
#define H_CEDE		     0xe0
#define H_BULK_REMOVE	     0x124
#define H_SET_XDABR	     0x134
#define H_JOIN		     0x298
#define H_RESIZE_HPT_PREPARE 0x36c
#define H_SIGNAL_SYS_RESET   0x380
#define HCALL_LAST	     0x450

#define MAX_CPUS    8
#define MAX_DEVS    8
#define MAX_QUEUES  3
#define ARENA_OFF   (64UL << 20) /* arena starts here... */
#define ARENA_GUARD (2UL << 20)	 /* ...and ends this far below RAM's end */
#define RING_AREA   0x10000UL	 /* per queue: desc, avail, used */
#define RTAS_AREA   0x1c0000UL	 /* arena offset of the RTAS buffers */
#define BUF_AREA    0x200000UL	 /* arena offset of the buffers */
#define FDT_MAX	    0x10000

/* Virtio-pci modern, BAR 0 (io/virtio_pci.c): common config at 0, notify
 * at 0x3000 (4 bytes a queue), MSI-X table at 0x4000. */
#define BAR_SIZE  0x8000UL
#define C_DFSEL	  0x00
#define C_DF	  0x04
#define C_GFSEL	  0x08
#define C_GF	  0x0c
#define C_NUMQ	  0x12
#define C_STATUS  0x14
#define C_QSEL	  0x16
#define C_QSIZE	  0x18
#define C_QMSIX	  0x1a
#define C_QENABLE 0x1c
#define C_QDESC	  0x20
#define C_QAVAIL  0x28
#define C_QUSED	  0x30
#define NOTIFY	  0x3000UL

#define S_ACK	      1
#define S_DRIVER      2
#define S_DRIVER_OK   4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40

#define D_NEXT	   1
#define D_WRITE	   2
#define D_INDIRECT 4

enum kind { K_HCALL, K_RTAS, K_PCICFG, K_BAR, K_VQ, K_SETUP, K_RESET, K_N };
static const char *const kind_name[K_N] = {
	"hcall", "rtas", "pci-config", "bar", "virtq", "setup", "reset",
};

struct dev {
	uint32_t devfn; /* config address bits 15:8 */
	uint32_t id;	/* PCI device ID */
	uint64_t bar;	/* BAR 0 */
	unsigned nq;
	uint16_t qsize[MAX_QUEUES];
	uint16_t avail_idx[MAX_QUEUES];
};

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static uint8_t fdt_copy[FDT_MAX] __attribute__((aligned(8)));
static struct dev devs[MAX_DEVS];
static unsigned ndev, ncpus;
static uint64_t ram, arena, arena_size, deadline;
static uint32_t tok_all[64];
static unsigned ntok;
static uint32_t tok_rcfg, tok_wcfg, tok_ircfg, tok_iwcfg, tok_msi, tok_stop;
static uint32_t tok_ban[5];
static uint64_t ops[MAX_CPUS][K_N], refused[MAX_CPUS][K_N];
static volatile int started, done, go;
static uint64_t seed0;
static char stacks[MAX_CPUS][0x8000] __attribute__((aligned(16)));

extern char secondary_entry[];

/* --- PRNG: xorshift64*, one state per CPU ------------------------------ */

static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

/* An address: mostly in the arena (aligned or not), else straddling the
 * end of RAM, past it, far outside it, or anything. */
static uint64_t addr_arg(uint64_t *s)
{
	switch (below(s, 8)) {
	case 0:
	case 1: return ram - 8 + below(s, 64);
	case 2: return ram + below(s, 1UL << 32);
	case 3: return rnd(s);
	case 4: return (arena + below(s, arena_size)) & ~0xfffUL;
	default: return arena + below(s, arena_size - 0x10000);
	}
}

/* Small numbers, edge values, addresses, anything. */
static uint64_t raw_arg(uint64_t *s)
{
	static const uint64_t edge[] = {
		0,
		1,
		2,
		3,
		4,
		0xff,
		0x100,
		0x1000,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x100000000,
		~0UL,
		1UL << 63,
		0x80000000UL,
		0x80000001UL,
		0x800000020000000UL,
		0x71000000,
		0x71000001,
	};

	switch (below(s, 6)) {
	case 0: return below(s, 16);
	case 1: return edge[below(s, sizeof(edge) / sizeof(edge[0]))];
	case 2:
	case 3: return addr_arg(s);
	case 4: return below(s, 1UL << 32);
	default: return rnd(s);
	}
}

/* An argument as raw_arg, but never an address in this guest's own image
 * (below the arena), where a call that writes guest memory would break
 * the thrower, not pvmm: those move up into the arena. */
static uint64_t arg(uint64_t *s)
{
	uint64_t v = raw_arg(s);

	return v >= 16 && v < ARENA_OFF ? v + ARENA_OFF : v;
}

static uint64_t len_arg(uint64_t *s)
{
	static const uint64_t edge[] = {
		0, 1, 16, 512, 4096, 65536, 1UL << 20, 0x7fffffff, 0xffffffff};

	return below(s, 3) ? below(s, 5000)
			   : edge[below(s, sizeof(edge) / sizeof(edge[0]))];
}

/* --- MMIO through H_LOGICAL_CI, little-endian registers ----------------- */

static uint64_t bswap(uint64_t v, unsigned size)
{
	return size == 1   ? v
	       : size == 2 ? __builtin_bswap16((uint16_t)v)
	       : size == 4 ? __builtin_bswap32((uint32_t)v)
			   : __builtin_bswap64(v);
}

/* With chaos.mmio=1 (radix hosts: real mode reaches the BAR through
 * the partition-scoped table and KVM turns the fault into an MMIO exit)
 * every other access is a plain load or store, so the MMIO exit path
 * and KVM's ioeventfds on the notify addresses get their share.  The
 * device's little-endian value is this guest's own byte order. */
static bool direct_mmio;
static unsigned mmio_tick;

static void direct_store(uint64_t a, unsigned size, uint64_t v)
{
	if (size == 1)
		*(volatile uint8_t *)a = (uint8_t)v;
	else if (size == 2)
		*(volatile uint16_t *)a = (uint16_t)v;
	else if (size == 4)
		*(volatile uint32_t *)a = (uint32_t)v;
	else
		*(volatile uint64_t *)a = v;
	__asm__ volatile("sync" ::: "memory");
}

static uint64_t direct_load(uint64_t a, unsigned size)
{
	__asm__ volatile("sync" ::: "memory");
	if (size == 1)
		return *(volatile uint8_t *)a;
	if (size == 2)
		return *(volatile uint16_t *)a;
	if (size == 4)
		return *(volatile uint32_t *)a;
	return *(volatile uint64_t *)a;
}

static bool go_direct(unsigned size)
{
	return direct_mmio &&
	       (size == 1 || size == 2 || size == 4 || size == 8) &&
	       (mmio_tick++ & 1);
}

static long mmio_w(uint64_t a, unsigned size, uint64_t v)
{
	if (go_direct(size)) {
		direct_store(a, size, v);
		return H_SUCCESS;
	}
	return HCALL(NULL, H_LOGICAL_CI_STORE, size, a, bswap(v, size), 0);
}

static uint64_t mmio_r(uint64_t a, unsigned size)
{
	struct hret r = {{0}};

	if (go_direct(size))
		return direct_load(a, size);
	if (HCALL(&r, H_LOGICAL_CI_LOAD, size, a, 0, 0) != H_SUCCESS)
		return ~0UL;
	return bswap(r.r[0], size);
}

/* --- RTAS: rtas_call_token (the guest library), on this CPU's stack --- */

static void cfg_write(const struct dev *d, unsigned reg, unsigned size,
		      uint32_t v)
{
	uint32_t args[3] = {d->devfn << 8 | reg, size, v}, ret;

	rtas_call_token(tok_wcfg, 3, 1, args, &ret);
}

/* --- the attacks ------------------------------------------------------- */

static bool refused_hcall(long nr, uint64_t a0)
{
	switch (nr) {
	case H_REMOVE:
	case H_PROTECT:
	case H_BULK_REMOVE:
	case H_SET_DABR:
	case H_SET_XDABR:
	case H_CEDE:
	case H_JOIN: return true;
	case H_SET_MODE:
		return a0 == 1 || a0 == 2 || a0 == 5; /* CIABR, DAWRs */
	case KVMPPC_H_RTAS: return true;	      /* done by rtas_attack */
	default: return false;
	}
}

static void hcall_attack(int cpu, uint64_t *s)
{
	uint64_t a[6];
	long nr, rc;

	for (int i = 0; i < 6; i++)
		a[i] = arg(s);
	switch (below(s, 8)) {
	case 0: nr = (long)rnd(s); break;
	case 1: nr = (long)(0xf000 + below(s, 0x1000)); break;
	default: nr = (long)(below(s, HCALL_LAST / 4 + 1) * 4); break;
	}
	if (nr == H_SET_MODE && below(s, 2))
		a[1] = 3 + below(s, 2); /* AIL, interrupt endianness */
	if (nr == H_SIGNAL_SYS_RESET)	/* no CPU of ours */
		a[0] = ncpus + below(s, 1UL << 32);
	if (nr == H_RESIZE_HPT_PREPARE && below(s, 2))
		a[1] = 18 + below(s, 8); /* sizes KVM would allocate */
	if (nr == H_PAGE_INIT && a[1] < ARENA_OFF)
		a[1] = arena; /* not page 0: our vectors */
	if (nr == H_PUT_TERM_CHAR && a[0] == VTY_CONTROL)
		a[0] = VTY_CONSOLE; /* "exit N" there would end us */
	if (nr == H_PUT_TERM_CHAR && a[0] == VTY_CONSOLE)
		a[1] = below(s, 3); /* a few bytes, not a flood */
	if (refused_hcall(nr, a[1]))
		return;
	ops[cpu][K_HCALL]++;
	rc = hcall(NULL, (unsigned long)nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (rc != H_SUCCESS)
		refused[cpu][K_HCALL]++;
}

/* power-off, system-reboot, ibm,os-term and stop-self are not in
 * tok_all; one of their tokens drawn at random is skipped here. */
static bool rtas_token_ok(uint32_t tok)
{
	for (unsigned i = 0; i < sizeof(tok_ban) / sizeof(tok_ban[0]); i++)
		if (tok_ban[i] == tok)
			return false;
	return true;
}

static void rtas_attack(int cpu, uint64_t *s)
{
	uint32_t *b = (uint32_t *)(arena + RTAS_AREA + 0x1000UL * cpu);
	uint64_t buf = (uint64_t)(uintptr_t)b;
	uint32_t nargs;
	uint32_t tok = below(s, 4) ? tok_all[below(s, ntok)] : (uint32_t)rnd(s);
	long rc;

	if (!rtas_token_ok(tok))
		return;
	b[0] = __builtin_bswap32(tok);
	b[1] = __builtin_bswap32(below(s, 4) ? (uint32_t)below(s, 8)
					     : (uint32_t)rnd(s));
	b[2] = __builtin_bswap32(below(s, 4) ? (uint32_t)below(s, 8)
					     : (uint32_t)rnd(s));
	for (int i = 3; i < 24; i++)
		b[i] = __builtin_bswap32((uint32_t)arg(s));
	if (!below(s, 16))
		buf = addr_arg(s); /* the buffer itself anywhere */
	ops[cpu][K_RTAS]++;
	rc = rtas_raw(buf);
	nargs = __builtin_bswap32(b[1]);
	/* Refused: the hcall, or a negative status where we can see it. */
	if (rc != H_SUCCESS || (buf == (uint64_t)(uintptr_t)b && nargs < 16 &&
				(int32_t)__builtin_bswap32(b[3 + nargs]) < 0))
		refused[cpu][K_RTAS]++;
}

static void pcicfg_attack(int cpu, uint64_t *s)
{
	const struct dev *d = &devs[below(s, ndev)];
	uint32_t devfn = below(s, 8) ? d->devfn : (uint32_t)below(s, 256);
	uint32_t reg = below(s, 4) ? (uint32_t)below(s, 256)
				   : (uint32_t)below(s, 0x1000);
	uint32_t addr = (devfn << 8 | (reg & 0xff) | (reg & 0xf00) << 20) ^
			(below(s, 16) ? 0 : (uint32_t)rnd(s));
	uint32_t size = below(s, 8) ? 1u << below(s, 3) : (uint32_t)arg(s);
	uint32_t args[6], rets[3];
	int rc;

	/* Leave memory decoding and bus mastering on mostly. */
	if ((addr & 0xff) == 4 && below(s, 8))
		return;
	ops[cpu][K_PCICFG]++;
	switch (below(s, 4)) {
	case 0:
		args[0] = addr, args[1] = size;
		rc = rtas_call_token(tok_rcfg, 2, 2, args, rets);
		break;
	case 1:
		args[0] = addr, args[1] = size, args[2] = (uint32_t)arg(s);
		rc = rtas_call_token(tok_wcfg, 3, 1, args, rets);
		break;
	case 2:
		args[0] = addr, args[1] = 0x08000000, args[2] = 0x20000000;
		if (!below(s, 8))
			args[1] = (uint32_t)rnd(s);
		args[3] = size;
		rc = rtas_call_token(tok_ircfg, 4, 2, args, rets);
		break;
	default:
		args[0] = addr, args[1] = 0x08000000, args[2] = 0x20000000;
		args[3] = size, args[4] = (uint32_t)arg(s);
		rc = rtas_call_token(tok_iwcfg, 5, 1, args, rets);
		break;
	}
	if (!below(s, 64)) { /* and MSI-X vectors, good and bad */
		args[0] = d->devfn << 8;
		args[1] = 0x08000000, args[2] = 0x20000000;
		args[3] = below(s, 6), args[4] = (uint32_t)below(s, 80);
		args[5] = 0;
		rc |= rtas_call_token(tok_msi, 6, 3, args, rets);
	}
	if (rc != 0)
		refused[cpu][K_PCICFG]++;
}

static void bar_attack(int cpu, uint64_t *s)
{
	const struct dev *d = &devs[below(s, ndev)];
	unsigned size = 1u << below(s, 4);
	uint64_t off = below(s, 4) ? below(s, 0x100) : below(s, 2 * BAR_SIZE);
	uint64_t a = (d->bar + off) & ~(uint64_t)(size - 1);
	long rc;

	if (!below(s, 4))
		off = NOTIFY + below(s, 0x20);
	ops[cpu][K_BAR]++;
	/* Status writes are the reset path: leave those to vq_reset. */
	if (below(s, 2) || (off & ~7UL) == (C_STATUS & ~7UL)) {
		struct hret r;

		if (go_direct(size)) {
			direct_load(a, size);
			rc = H_SUCCESS;
		} else {
			rc = HCALL(&r, H_LOGICAL_CI_LOAD, size, a, 0, 0);
		}
	} else {
		rc = mmio_w(a, size, arg(s));
	}
	if (rc != H_SUCCESS)
		refused[cpu][K_BAR]++;
}

static uint64_t ring_base(unsigned d, unsigned q)
{
	return arena + (d * MAX_QUEUES + q) * RING_AREA;
}

/* Right, or, when @sloppy, each value wrong one time in four. */
static bool bad(uint64_t *s, bool sloppy)
{
	return sloppy && !below(s, 4);
}

static void queue_setup(uint64_t *s, struct dev *d, unsigned di, unsigned q,
			bool sloppy)
{
	uint64_t base = ring_base(di, q);
	uint16_t max;

	mmio_w(d->bar + C_QSEL, 2, q);
	max = (uint16_t)mmio_r(d->bar + C_QSIZE, 2);
	if (max == 0 || max > 256)
		max = 256;
	d->qsize[q] = below(s, 2) ? max : (uint16_t)(1u << below(s, 9));
	if (bad(s, sloppy))
		d->qsize[q] = below(s, 2) ? (uint16_t)rnd(s) : 512;
	mmio_w(d->bar + C_QSIZE, 2, d->qsize[q]);
	mmio_w(d->bar + C_QMSIX, 2, below(s, 2) ? q : (uint16_t)rnd(s));
	mmio_w(d->bar + C_QDESC, 8, bad(s, sloppy) ? addr_arg(s) : base);
	mmio_w(d->bar + C_QAVAIL, 8, bad(s, sloppy) ? arg(s) : base + 0x4000);
	mmio_w(d->bar + C_QUSED, 8, bad(s, sloppy) ? arg(s) : base + 0x8000);
	d->avail_idx[q] = 0;
	mmio_w(d->bar + C_QENABLE, 2, bad(s, sloppy) ? arg(s) : 1);
}

/* The driver's start-up dance: right three times in four, else sloppy
 * (features, queue sizes, ring addresses, enables wrong at random). */
static void dev_setup(int cpu, uint64_t *s, unsigned di)
{
	struct dev *d = &devs[di];
	bool sloppy = !below(s, 4);
	uint32_t f0, f1;
	unsigned n;

	ops[cpu][K_SETUP]++;
	cfg_write(d, 4, 2, 0x6); /* memory space, bus master */
	mmio_w(d->bar + C_STATUS, 1, 0);
	mmio_w(d->bar + C_STATUS, 1, S_ACK);
	mmio_w(d->bar + C_STATUS, 1, S_ACK | S_DRIVER);
	mmio_w(d->bar + C_DFSEL, 4, 0);
	f0 = (uint32_t)mmio_r(d->bar + C_DF, 4);
	mmio_w(d->bar + C_DFSEL, 4, 1);
	f1 = (uint32_t)mmio_r(d->bar + C_DF, 4);
	if (bad(s, sloppy)) {
		f0 = (uint32_t)rnd(s);
		f1 ^= (uint32_t)below(s, 4);
	}
	mmio_w(d->bar + C_GFSEL, 4, 0);
	mmio_w(d->bar + C_GF, 4, f0);
	mmio_w(d->bar + C_GFSEL, 4, 1);
	mmio_w(d->bar + C_GF, 4, f1);
	mmio_w(d->bar + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK);
	n = (unsigned)mmio_r(d->bar + C_NUMQ, 2);
	d->nq = n > MAX_QUEUES ? MAX_QUEUES : n;
	for (unsigned q = 0; q < d->nq; q++)
		queue_setup(s, d, di, q, sloppy);
	if ((mmio_r(d->bar + C_STATUS, 1) & S_FEATURES_OK) == 0)
		refused[cpu][K_SETUP]++;
	mmio_w(d->bar + C_STATUS, 1,
	       S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static void put_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	volatile struct vq_desc *dp =
		(volatile struct vq_desc *)(table + 16UL * i);

	dp->addr = addr;
	dp->len = len;
	dp->flags = flags;
	dp->next = next;
}

struct seg {
	uint32_t len;
	uint16_t flags;
	uint16_t off; /* into its 4 KiB slot: not sector aligned if > 0 */
};

#define VIRTIO_ID_NET	0x1041
#define VIRTIO_ID_BLK	0x1042
#define VIRTIO_ID_RNG	0x1044
#define VIRTIO_ID_VSOCK 0x1053

/* A blk request: header (type, sector), data the way its type moves it,
 * status byte.  Sectors mostly on the 8 MiB disks, some past them. */
static unsigned blk_request(uint64_t *s, uint64_t buf, struct seg *seg)
{
	static const uint32_t type[] = {0, 1, 4, 8, 11, 13, 99};
	uint32_t t = type[below(s, sizeof(type) / sizeof(type[0]))];
	unsigned n = 0;

	*(volatile uint32_t *)buf = t;
	*(volatile uint32_t *)(buf + 4) = 0;
	*(volatile uint64_t *)(buf + 8) =
		below(s, 4) ? below(s, 16400) : rnd(s);
	seg[n++] = (struct seg){.len = 16, .flags = 0};
	if (t == 11 || t == 13) /* discard, write zeroes: segments */
		seg[n++] = (struct seg){.len = 16 * (1 + (uint32_t)below(s, 2)),
					.flags = 0};
	else if (t != 4) /* flush has no data; misaligned: ,direct bounces */
		seg[n++] = (struct seg){
			.len = 512u * (1 + (uint32_t)below(s, 16)),
			.flags = t == 1 ? 0 : D_WRITE,
			.off = below(s, 4) ? 0 : (uint16_t)below(s, 512)};
	seg[n++] = (struct seg){.len = 1, .flags = D_WRITE};
	return n;
}

/* A vsock packet from CID 3 to the host, mostly to the port whose
 * listener the scenario runs. */
static unsigned vsock_packet(uint64_t *s, uint64_t buf, struct seg *seg)
{
	uint32_t len = below(s, 2) ? (uint32_t)below(s, 2048) : 0;

	*(volatile uint64_t *)buf = 3; /* src_cid */
	*(volatile uint64_t *)(buf + 8) = below(s, 8) ? 2 : rnd(s);
	*(volatile uint32_t *)(buf + 16) = 40000 + (uint32_t)below(s, 16);
	*(volatile uint32_t *)(buf + 20) =
		below(s, 2) ? 1234 : (uint32_t)rnd(s);
	*(volatile uint32_t *)(buf + 24) = len;
	*(volatile uint16_t *)(buf + 28) = below(s, 8) ? 1 : (uint16_t)rnd(s);
	*(volatile uint16_t *)(buf + 30) = (uint16_t)(1 + below(s, 7));
	*(volatile uint32_t *)(buf + 32) = (uint32_t)below(s, 4);
	*(volatile uint32_t *)(buf + 36) = (uint32_t)arg(s); /* buf_alloc */
	*(volatile uint32_t *)(buf + 40) = (uint32_t)arg(s); /* fwd_cnt */
	seg[0] = (struct seg){.len = 44, .flags = 0};
	seg[1] = (struct seg){.len = len, .flags = 0};
	return len ? 2 : 1;
}

/* A chain the device can serve, shaped for the device and queue (what
 * the device reads, then what it writes), with random contents. */
static void good_chain(uint64_t *s, const struct dev *d, unsigned q,
		       uint64_t table, unsigned size, unsigned head,
		       uint64_t buf)
{
	struct seg seg[4];
	unsigned i = head, n = 0;

	for (unsigned k = 0; k < 16; k++)
		((volatile uint32_t *)buf)[k] = (uint32_t)rnd(s);
	switch (d->id) {
	case VIRTIO_ID_BLK: n = blk_request(s, buf, seg); break;
	case VIRTIO_ID_NET: /* rx: buffers to fill; tx: header, frame */
		if (q == 0) {
			seg[n++] = (struct seg){.len = 1526, .flags = D_WRITE};
		} else {
			seg[n++] = (struct seg){.len = 12, .flags = 0};
			seg[n++] = (struct seg){.len = 14 +
						       (uint32_t)below(s, 1500),
						.flags = 0};
		}
		break;
	case VIRTIO_ID_VSOCK: /* rx and event: to fill; tx: a packet */
		if (q == 1)
			n = vsock_packet(s, buf, seg);
		else
			seg[n++] = (struct seg){.len = 4096, .flags = D_WRITE};
		break;
	default: /* rng and whatever else: bytes to fill */
		seg[n++] = (struct seg){.len = 1 + (uint32_t)below(s, 4096),
					.flags = D_WRITE};
		break;
	}
	for (unsigned k = 0; k < n; k++) {
		unsigned next = (i + 1) % size;

		put_desc(table, i, buf + 0x1000 * k + seg[k].off, seg[k].len,
			 (uint16_t)(seg[k].flags | (k + 1 < n ? D_NEXT : 0)),
			 (uint16_t)next);
		i = next;
	}
}

static void vq_attack(int cpu, uint64_t *s)
{
	unsigned di = (unsigned)below(s, ndev);
	struct dev *d = &devs[di];
	unsigned q, size, head, n;
	uint64_t base, buf;
	volatile uint16_t *avail;

	if (!d->nq || !below(s, 200)) {
		dev_setup(cpu, s, di);
		return;
	}
	/* A device our last chains broke refuses the next: counted, and
	 * mostly set up again so well-formed requests get served too. */
	if (!below(s, 8) &&
	    (mmio_r(d->bar + C_STATUS, 1) & S_NEEDS_RESET) != 0) {
		refused[cpu][K_VQ]++;
		if (below(s, 4)) {
			ops[cpu][K_RESET]++;
			mmio_w(d->bar + C_STATUS, 1, 0);
			dev_setup(cpu, s, di);
			return;
		}
	}
	q = (unsigned)below(s, d->nq);
	size = d->qsize[q] && d->qsize[q] <= 256 ? d->qsize[q] : 256;
	base = ring_base(di, q);
	buf = (arena + BUF_AREA + below(s, arena_size - BUF_AREA - 0x100000)) &
	      ~0xfffUL;
	avail = (volatile uint16_t *)(base + 0x4000);
	ops[cpu][K_VQ]++;
	head = (unsigned)below(s, size);
	if (below(s, 3)) {
		good_chain(s, d, q, base, size, head, buf);
	} else {
		n = 1 + (unsigned)below(s, 6);
		for (unsigned k = 0; k < n; k++) {
			unsigned i = below(s, 4) ? (head + k) % size
						 : (unsigned)below(s, size);
			uint16_t fl = (uint16_t)below(s, 8);

			put_desc(base, i, below(s, 2) ? buf : addr_arg(s),
				 (uint32_t)len_arg(s), fl,
				 below(s, 8) ? (uint16_t)((i + 1) % size)
					     : (uint16_t)rnd(s));
			if (fl & D_INDIRECT) /* a table of junk */
				for (unsigned j = 0; j < 8; j++)
					put_desc(buf, j, addr_arg(s),
						 (uint32_t)len_arg(s),
						 (uint16_t)below(s, 8),
						 (uint16_t)below(s, 10));
		}
	}
	/* Offer it: once, again (a head still in flight), or with the
	 * index running far ahead. */
	avail[2 + d->avail_idx[q] % size] = (uint16_t)head;
	switch (below(s, 8)) {
	case 0:
		d->avail_idx[q] =
			(uint16_t)(d->avail_idx[q] + below(s, 4 * size));
		break;
	case 1:
		for (unsigned k = 1; k < 4; k++)
			avail[2 + (d->avail_idx[q] + k) % size] =
				(uint16_t)head;
		d->avail_idx[q] = (uint16_t)(d->avail_idx[q] + 4);
		break;
	default: d->avail_idx[q]++; break;
	}
	if (!below(s, 16))
		avail[0] = (uint16_t)rnd(s); /* flags */
	__asm__ volatile("sync" ::: "memory");
	avail[1] = d->avail_idx[q];
	__asm__ volatile("sync" ::: "memory");
	n = 1 + (unsigned)below(s, 4);
	for (unsigned k = 0; k < n; k++)
		if (mmio_w(d->bar + NOTIFY +
				   4 * (below(s, 8) ? q : below(s, 8)),
			   below(s, 4) ? 2 : 4,
			   below(s, 4) ? q : arg(s)) != H_SUCCESS)
			refused[cpu][K_VQ]++;
	if (!below(s, 64)) { /* a reset while requests run */
		ops[cpu][K_RESET]++;
		mmio_w(d->bar + C_STATUS, 1, 0);
		d->nq = 0;
	}
}

static void chaos(int cpu)
{
	uint64_t s = seed0 ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(cpu + 1));
	uint64_t last = guest_tb(), hz = guest_timebase_hz();

	if (!s)
		s = 1;
	while (guest_tb() < deadline) {
		switch (below(&s, 10)) {
		case 0:
		case 1: hcall_attack(cpu, &s); break;
		case 2: rtas_attack(cpu, &s); break;
		case 3: pcicfg_attack(cpu, &s); break;
		case 4: bar_attack(cpu, &s); break;
		default:
			if (ndev)
				vq_attack(cpu, &s);
			break;
		}
		if (cpu == 0 && guest_tb() - last > 10 * hz) {
			uint64_t n = 0;

			last = guest_tb();
			for (unsigned c = 0; c < ncpus; c++)
				for (int k = 0; k < K_N; k++)
					n += ops[c][k];
			printf("chaos: %lu s left, %lu calls\n",
			       (deadline - last) / hz, n);
		}
	}
}

void secondary_main(void)
{
	int cpu = __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	uint32_t ret;

	while (!go)
		;
	chaos(cpu);
	__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
	rtas_call_token(tok_stop, 0, 1, NULL, &ret);
	for (;;)
		;
}

/* --- set-up ------------------------------------------------------------ */

static uint64_t param(const char *name, uint64_t dflt)
{
	int node = fdt_path_offset(guest_fdt, "/chosen");
	const char *p =
		node < 0 ? NULL
			 : fdt_getprop(guest_fdt, node, "bootargs", NULL);
	size_t n = strlen(name);
	uint64_t v = 0;

	for (; p && strlen(p) > n; p++) {
		if (memcmp(p, name, n) != 0 || p[n] != '=')
			continue;
		for (p += n + 1; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		return v;
	}
	return dflt;
}

static bool banned(const char *name)
{
	static const char *const no[] = {"power-off", "system-reboot",
					 "ibm,os-term", "stop-self",
					 "start-cpu"};

	for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (!strcmp(name, no[i]))
			return true;
	return false;
}

static void find_tokens(void)
{
	int node = fdt_path_offset(guest_fdt, "/rtas"), off;

	fdt_for_each_property_offset(off, guest_fdt, node)
	{
		const char *name;
		int len;
		const fdt32_t *v =
			fdt_getprop_by_offset(guest_fdt, off, &name, &len);

		if (len != 4 || banned(name) || ntok >= 63 ||
		    !strcmp(name, "rtas-size") || !strcmp(name, "rtas-version"))
			continue;
		tok_all[ntok++] = fdt32_to_cpu(*v);
	}
	tok_rcfg = rtas_token("read-pci-config");
	tok_wcfg = rtas_token("write-pci-config");
	tok_ircfg = rtas_token("ibm,read-pci-config");
	tok_iwcfg = rtas_token("ibm,write-pci-config");
	tok_msi = rtas_token("ibm,change-msi");
	tok_stop = rtas_token("stop-self");
	tok_ban[0] = rtas_token("power-off");
	tok_ban[1] = rtas_token("system-reboot");
	tok_ban[2] = rtas_token("ibm,os-term");
	tok_ban[3] = tok_stop;
	tok_ban[4] = rtas_token("start-cpu");
}

static void find_devices(void)
{
	int phb = fdt_path_offset(guest_fdt, "/pci@800000020000000"), node;

	fdt_for_each_subnode(node, guest_fdt, phb)
	{
		const fdt32_t *reg = fdt_getprop(guest_fdt, node, "reg", NULL);
		const fdt32_t *as = fdt_getprop(guest_fdt, node,
						"assigned-addresses", NULL);
		const fdt32_t *id =
			fdt_getprop(guest_fdt, node, "device-id", NULL);
		struct dev *d = &devs[ndev];

		if (!reg || !as || !id || ndev >= MAX_DEVS)
			continue;
		d->devfn = fdt32_to_cpu(reg[0]) >> 8 & 0xff;
		d->id = fdt32_to_cpu(*id);
		d->bar = (uint64_t)fdt32_to_cpu(as[1]) << 32 |
			 fdt32_to_cpu(as[2]);
		printf("chaos: device 0x%x at devfn 0x%x, BAR 0x%lx\n", d->id,
		       d->devfn, d->bar);
		ndev++;
	}
}

static unsigned count_cpus(void)
{
	int node = fdt_path_offset(guest_fdt, "/cpus"), cpu;
	unsigned n = 0;

	fdt_for_each_subnode(cpu, guest_fdt, node)
	{
		int len;

		if (fdt_getprop(guest_fdt, cpu, "ibm,ppc-interrupt-server#s",
				&len))
			n += (unsigned)len / 4;
	}
	return n ? n : 1;
}

int main(void)
{
	uint64_t hz = guest_timebase_hz(), secs, t0;

	/* Keep the tree out of the arena's way: RTAS tokens are read from
	 * it at the end (power-off) after the devices scribbled there. */
	if (fdt_move(guest_fdt, fdt_copy, sizeof(fdt_copy)) != 0)
		return 2;
	guest_fdt = fdt_copy;
	ram = guest_ram_size();
	if (ram < ARENA_OFF + ARENA_GUARD + (16UL << 20)) {
		printf("chaos: needs more than %lu MiB of RAM\n",
		       (ARENA_OFF + ARENA_GUARD + (16UL << 20)) >> 20);
		return 2;
	}
	arena = ARENA_OFF;
	arena_size = ram - ARENA_OFF - ARENA_GUARD;
	seed0 = param("chaos.seed", guest_tb());
	secs = param("chaos.secs", 60);
	direct_mmio = param("chaos.mmio", 0) != 0;
	ncpus = count_cpus();
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	find_tokens();
	find_devices();
	printf("chaos: seed=%lu secs=%lu cpus=%u devices=%u rtas-tokens=%u "
	       "mmio=%s\n",
	       seed0, secs, ncpus, ndev, ntok,
	       direct_mmio ? "direct+hcall" : "hcall");
	deadline = guest_tb() + secs * hz;
	for (unsigned c = 1; c < ncpus; c++) {
		uint32_t args[3] = {
			c, (uint32_t)(uintptr_t)secondary_entry,
			(uint32_t)(uintptr_t)(stacks[c] + sizeof(stacks[c]))};
		uint32_t ret;

		if (rtas_call("start-cpu", 3, 1, args, &ret) != 0)
			printf("chaos: start-cpu %u failed\n", c);
	}
	/* Only now, with every CPU started: start-cpu then finds them all
	 * busy (a stopped one would run whatever entry it was given). */
	while (started < (int)ncpus - 1 && guest_tb() < deadline)
		;
	tok_all[ntok++] = tok_ban[4];
	tok_ban[4] = 0;
	__asm__ volatile("sync" ::: "memory");
	go = 1;
	chaos(0);
	t0 = guest_tb();
	while (done < (int)ncpus - 1 && guest_tb() - t0 < 30 * hz)
		;
	for (int k = 0; k < K_N; k++) {
		uint64_t n = 0, r = 0;

		for (unsigned c = 0; c < ncpus; c++)
			n += ops[c][k], r += refused[c][k];
		printf("chaos: %s %lu calls, %lu refused\n", kind_name[k], n,
		       r);
	}
	printf("chaos: done seed=%lu cpus-finished=%d\n", seed0, done + 1);
	return 0;
}
