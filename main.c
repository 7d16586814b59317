/* pvmm: boot a PAPR guest on KVM-HV.
 *
 *   pvmm --kernel vmlinux [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *        [--cpus N] [--raw]
 *
 * Exit status: the guest's (see --help). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "cfgfile.h"
#include "config.h"
#include "evstream.h"
#include "hostctl.h"
#include "lifecycle.h"
#include "loader.h"
#include "machine.h"
#include "report.h"
#include "sandbox.h"
#include "tty.h"
#include "cpu/vm.h"
#include "io/device.h"
#include "io/devices.h"
#include "io/loop.h"
#include "migrate/hpt_dump.h"
#include "migrate/htab.h"
#include "migrate/live.h"
#include "migrate/state.h"
#include "migrate/vcpu_state.h"
#include "papr/events.h"
#include "papr/fdt.h"
#include "papr/rtas.h"

#include <libfdt.h>

/* Device modules' options (io/device.h) come after the fixed ones. */
enum { OPT_DEVICE_FIRST = 512 };
#define OPTIONS_MAX	64

struct options {
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	const char *report;
	const char *dump_hpt;
	const char *nvram;
	bool iommu;
	const char *rtc_base; /* checked when parsed, applied at start */
	uint64_t mem;
	const char *mem_arg;
	int cpus;
	int threads;
	unsigned shutdown_timeout;
	enum mmu_mode mmu;
	enum irqchip irqchip;
	bool legacy;
	bool raw;
	bool restart_on_reboot;
	const char *events;
	const char *api;     /* --api: the control socket's path */
	const char *restore; /* --restore: the snapshot to start from */
	const char *incoming; /* --incoming: uds=PATH or fd:N */
	uint64_t fw_base; /* --entry firmware: where; else LOAD_AT_PADDR */
	struct cpu_affinity affinity;
	struct mem_backing backing;
	bool no_seccomp;
	int seccomp_violation; /* a thread kind, or -1 */
};

static const char usage[] =
	"usage: pvmm --kernel FILE [options]\n"
	"       pvmm --restore FILE [options]\n"
	"       pvmm --incoming uds=PATH|fd:N [options]\n"
	"  -k, --kernel FILE   ELF vmlinux or test guest (required)\n"
	"  -i, --initrd FILE   initial ramdisk\n"
	"  -c, --cmdline STR   kernel command line\n"
	"  -m, --mem SIZE      guest RAM, e.g. 512M or 2G (default 512M)\n"
	"  -p, --cpus N        vCPUs in all (default 1)\n"
	"  -t, --threads-per-core T\n"
	"                      SMT threads per virtual core: 1, 2, 4 or 8\n"
	"                      (default 1; --cpus must be a multiple)\n"
	"      --mmu auto|radix|hash\n"
	"                      guest MMU mode (default auto: radix if the host\n"
	"                      can, else hash)\n"
	"      --irqchip auto|xive|xics\n"
	"                      interrupt controller (default auto: XIVE\n"
	"                      exploitation mode if the host can, else XICS)\n"
	"      --legacy        the guest cannot run ISA 3.00 radix: hash, and\n"
	"                      no radix in its device tree\n"
	"      --raw           kernel is a flat image loaded and entered at 0\n"
	"      --entry linux|firmware[:ADDR]\n"
	"                      linux (default): load at the ELF's physical\n"
	"                      addresses, enter in its byte order; firmware:\n"
	"                      as QEMU's pseries, load at ADDR (0x400000) plus\n"
	"                      the address modulo 256 MiB, enter big-endian\n"
	"      --on-reboot exit|restart\n"
	"                      a guest reboot ends pvmm (default) or restarts\n"
	"                      the guest from scratch\n"
	"      --shutdown-timeout S\n"
	"                      after SIGTERM/SIGINT/SIGHUP, give the guest S\n"
	"                      seconds to power off (default 30)\n";

/* After the devices this pvmm was built with. */
static const char usage_tail[] =
	"      --nvram FILE    keep the guest's NVRAM in FILE (64 KiB): created\n"
	"                      and formatted if missing or empty, every guest\n"
	"                      write goes straight to it; default: in memory\n"
	"      --iommu         devices DMA through the PCI bridge's TCE tables\n"
	"                      (VIRTIO_F_ACCESS_PLATFORM); default: guest-\n"
	"                      physical addresses\n"
	"      --rtc-base utc|localtime|YYYY-MM-DD[THH:MM:SS]\n"
	"                      where the guest's clock starts (default utc);\n"
	"                      it runs on from there\n"
	"      --report FILE   write a JSON report of the run to FILE\n"
	"      --events PATH|fd:N\n"
	"                      life-cycle events as JSON lines, as they happen\n"
	"      --cpu-affinity CPU,...[,io=CPU]\n"
	"                      pin vCPU i to the i-th CPU, the I/O thread to io\n"
	"      --mem-backing normal|thp|hugetlb[:SIZE]\n"
	"                      guest RAM: base pages (default), transparent\n"
	"                      huge pages, or hugetlbfs pages (reserved)\n"
	"      --no-seccomp    no seccomp sandbox (for debugging pvmm): by\n"
	"                      default each thread may make only the system\n"
	"                      calls it needs once the guest runs\n"
	"      --api PATH      control socket: pause, resume, snapshot, stop,\n"
	"                      info as JSON lines on the unix socket PATH\n"
	"      --restore FILE  start the guest from a snapshot instead of a\n"
	"                      kernel; the other options must describe the\n"
	"                      machine it was taken of (devices by path)\n"
	"      --incoming uds=PATH|fd:N\n"
	"                      receive a live migration (control socket\n"
	"                      `migrate`) on the unix socket PATH or on the\n"
	"                      inherited stream N, then run the guest\n"
	"      --config FILE   options from FILE, a JSON object with one key\n"
	"                      per long option; the command line overrides it\n"
	"      --print-config  print the effective options as such a JSON\n"
	"                      object and exit\n"
	"  -V, --version       version, build configuration, libraries\n"
	"  -h, --help          this text\n"
	"\n"
	"debugging aids (not for users: they may change or go):\n"
	"      --debug-dump-hpt FILE\n"
	"                      hash guests: at the end, write the HPT as a\n"
	"                      migration stream to FILE and decoded to FILE.txt\n"
	"      --debug-seccomp-violation main|vcpu|io|api\n"
	"                      that thread makes a system call its sandbox\n"
	"                      forbids as soon as it is in it\n"
	"\n"
	"console: stdin/stdout; a terminal is put in raw mode, so Ctrl-C goes\n"
	"to the guest.  Ctrl-A x stops pvmm, Ctrl-A Ctrl-A sends Ctrl-A.\n"
	"\n"
	"exit status:\n"
	"  N    the guest powered off after writing \"exit N\" to its\n"
	"       control console (/dev/hvc1 in Linux); 0 if it wrote none\n"
	"  123  the guest crashed or called ibm,os-term\n"
	"  124  the guest asked for a reboot\n"
	"  125  pvmm could not run the guest (the message says why)\n"
	"  128+S stopped by signal S: a second signal, or the guest did not\n"
	"       power off within the shutdown timeout after the first\n"
	"  130  stopped from the terminal with Ctrl-A x\n"
	"  159  the sandbox stopped pvmm: a thread made a system call its\n"
	"       seccomp filter forbids (the line before names it)\n";

/* scripts/build-info.sh writes them at build time (build_info.c). */
extern const char pvmm_version[], pvmm_libraries[];

/* While main takes the options of a --config file: "FILE: KEY PATH",
 * the start of any refusal. */
static const char *fail_where;

static __attribute__((noreturn, format(printf, 1, 2)))
void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("pvmm: ", stderr);
	if (fail_where)
		fprintf(stderr, "%s: ", fail_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	putc('\n', stderr); /* putc: getopt links it, fputc would be more */
	exit(PVMM_EXIT_ERROR);
}

/* A decimal number at the start of @s into *@v; *@end after it.  Only
 * digits: strtoull alone accepts leading blanks and a sign, so " -1"
 * became a huge number.  0, or -1 if @s starts otherwise or overflows. */
static int parse_digits(const char *s, uint64_t *v, char **end)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, end, 10);
	return errno ? -1 : 0;
}

/* A whole decimal number from @lo to @hi, range-checked before anything
 * narrows it (--cpus 4294967297 used to become 1). */
static int parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	char *end;

	if (parse_digits(s, v, &end) < 0 || *end || *v < lo || *v > hi)
		return -1;
	return 0;
}

/* SIZE with an optional K/M/G/T suffix; a bare number means MiB. */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v, shift = 20;

	if (parse_digits(s, &v, &end) < 0)
		fail("--mem %s: not a size", s);
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	case '\0': break;
	default: fail("--mem %s: not a size", s);
	}
	if (*end || v > (UINT64_MAX >> shift))
		fail("--mem %s: not a size", s);
	return v << shift;
}

/* The host's RAM in bytes, 0 if unknown: sysinfo(2) itself, as musl's
 * sysconf(_SC_PHYS_PAGES) does, without linking sysconf's table. */
static uint64_t host_ram(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return 0;
	return (uint64_t)si.totalram * (si.mem_unit ? si.mem_unit : 1);
}

static void check_mem(uint64_t mem, const char *arg)
{
	uint64_t ram = host_ram();

	if (mem < CONFIG_MIN_MEM)
		fail("--mem %s: less than the %llu MiB minimum", arg,
		     CONFIG_MIN_MEM >> 20);
	if (mem > CONFIG_MAX_MEM)
		fail("--mem %s: more than pvmm's %llu GiB maximum", arg,
		     CONFIG_MAX_MEM >> 30);
	if (ram && mem > ram)
		fail("--mem %s: more than this host's %llu MiB of memory", arg,
		     (unsigned long long)ram >> 20);
	if (mem % CONFIG_MEM_ALIGN)
		fail("--mem %s: not a multiple of %llu KiB", arg,
		     CONFIG_MEM_ALIGN >> 10);
}

/* --help: the fixed options, each device module's, the rest. */
static void print_usage(FILE *f)
{
	fputs(usage, f);
	for (size_t i = 0; i < device_module_count(); i++)
		if (device_module_at(i)->option)
			fputs(device_module_at(i)->usage, f);
	fputs(usage_tail, f);
}

/* getopt's table: @fixed, then one entry per device module (its index
 * past OPT_DEVICE_FIRST), then the terminator. */
static void options_table(struct option *all, const struct option *fixed,
			  const struct device_module **mods)
{
	int n = 0, k = 0;

	for (; fixed[n].name; n++)
		all[n] = fixed[n];
	for (size_t i = 0; i < device_module_count() && n < OPTIONS_MAX - 1;
	     i++) {
		const struct device_module *m = device_module_at(i);

		if (!m->option)
			continue;
		mods[k] = m;
		all[n++] = (struct option){ m->option,
			m->has_arg ? required_argument : no_argument, NULL,
			OPT_DEVICE_FIRST + k++ };
	}
	all[n] = (struct option){ 0 };
}

static void parse_device(const struct device_module *m, const char *arg)
{
	char err[256];

	if (m->parse(arg, err, sizeof(err)) < 0)
		fail("%s", err);
}

/* --entry: "linux" (*base = LOAD_AT_PADDR), "firmware" (0x400000, as
 * QEMU's pseries kernel-addr) or "firmware:ADDR". */
static int parse_entry(const char *s, uint64_t *base)
{
	char *end;

	if (!strcmp(s, "linux")) {
		*base = LOAD_AT_PADDR;
		return 0;
	}
	if (!strcmp(s, "firmware")) {
		*base = 0x400000;
		return 0;
	}
	if (strncmp(s, "firmware:", 9) || s[9] < '0' || s[9] > '9')
		return -1;
	errno = 0;
	*base = strtoull(s + 9, &end, 0);
	if (errno || *end || *base % CONFIG_MEM_ALIGN ||
	    *base > CONFIG_MAX_MEM)
		return -1;
	return 0;
}

/* --version: what this binary is and was built with. */
static void print_version(void)
{
	/* One printf with the build line: alone, GCC makes it a puts(),
	 * which nothing else calls (280 bytes of musl). */
#ifdef __powerpc64__
	printf("pvmm %s\nbuild: ppc64le, static (musl), KVM-HV backend\n"
	       "devices:",
	       pvmm_version);
#else
	printf("pvmm %s\nbuild: native test build, no KVM backend\n"
	       "devices:",
	       pvmm_version);
#endif
	for (size_t i = 0; i < device_module_count(); i++)
		if (device_module_at(i)->option)
			printf(" --%s", device_module_at(i)->option);
	printf("\nlimits: %d vCPUs, RAM %llu MiB to %llu GiB, %d disks, "
	       "%d nets, command line %d bytes, NVRAM %u KiB\n",
	       CONFIG_MAX_CPUS, CONFIG_MIN_MEM >> 20, CONFIG_MAX_MEM >> 30,
	       CONFIG_MAX_DISKS, CONFIG_MAX_NETS, CONFIG_CMDLINE_MAX - 1,
	       CONFIG_NVRAM_SIZE >> 10);
	printf("libraries: %s\n", pvmm_libraries);
}

enum { OPT_RAW = 256, OPT_REPORT, OPT_ON_REBOOT, OPT_SHUTDOWN,
       OPT_MMU, OPT_DUMP_HPT, OPT_LEGACY, OPT_NVRAM, OPT_IOMMU, OPT_CONFIG,
       OPT_PRINT_CONFIG, OPT_EVENTS, OPT_AFFINITY, OPT_BACKING, OPT_ENTRY,
       OPT_RTC_BASE, OPT_NO_SECCOMP, OPT_SECCOMP_VIOLATION, OPT_IRQCHIP,
       OPT_API, OPT_RESTORE, OPT_INCOMING };

static const struct option fixed_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'p' },
	{ "threads-per-core", required_argument, NULL, 't' },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "nvram", required_argument, NULL, OPT_NVRAM },
	{ "iommu", no_argument, NULL, OPT_IOMMU },
	{ "rtc-base", required_argument, NULL, OPT_RTC_BASE },
	{ "on-reboot", required_argument, NULL, OPT_ON_REBOOT },
	{ "shutdown-timeout", required_argument, NULL, OPT_SHUTDOWN },
	{ "mmu", required_argument, NULL, OPT_MMU },
	{ "irqchip", required_argument, NULL, OPT_IRQCHIP },
	{ "legacy", no_argument, NULL, OPT_LEGACY },
	{ "debug-dump-hpt", required_argument, NULL, OPT_DUMP_HPT },
	{ "debug-seccomp-violation", required_argument, NULL,
	  OPT_SECCOMP_VIOLATION },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "cpu-affinity", required_argument, NULL, OPT_AFFINITY },
	{ "mem-backing", required_argument, NULL, OPT_BACKING },
	{ "api", required_argument, NULL, OPT_API },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "incoming", required_argument, NULL, OPT_INCOMING },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* Options that are no key of a --config file: they say what to do with
 * the options, not what the guest is. */
static const char *const not_keys[] = { "config", "print-config", "version",
					"help" };
/* Keys whose value is a JSON integer. */
static const char *const number_keys[] = { "cpus", "threads-per-core",
					   "shutdown-timeout" };
/* What --print-config shows for a key nobody set. */
static const struct {
	const char *key, *value;
} defaults[] = {
	{ "mem", "512M" },     { "cpus", "1" },	    { "threads-per-core", "1" },
	{ "mmu", "auto" },     { "on-reboot", "exit" },
	{ "shutdown-timeout", "30" }, { "cmdline", "" },
	{ "mem-backing", "normal" },   { "entry", "linux" },
	{ "rtc-base", "utc" },
	{ "irqchip", "auto" },
};

/* The options, as getopt and the config file see them. */
struct optset {
	struct option longopts[OPTIONS_MAX];
	const struct device_module *mods[OPTIONS_MAX];
	struct cfg_key keys[OPTIONS_MAX];
	int key_of[OPTIONS_MAX]; /* longopts index -> keys index, or -1 */
	size_t nkeys;
	struct cfg_out *out;	 /* the effective options */
	bool given[OPTIONS_MAX]; /* keys the command line sets */
	char mem_where[512];	 /* where --mem came from, if a file */
};

static bool listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

#define LISTED(name, list) listed(name, list, sizeof(list) / sizeof(list[0]))

static void optset_init(struct optset *s)
{
	*s = (struct optset){ .out = cfg_out_new() };
	if (!s->out)
		fail("out of memory");
	options_table(s->longopts, fixed_options, s->mods);
	for (int i = 0; s->longopts[i].name; i++) {
		const struct option *lo = &s->longopts[i];
		struct cfg_key *k = &s->keys[s->nkeys];

		s->key_of[i] = -1;
		if (LISTED(lo->name, not_keys))
			continue;
		k->name = lo->name;
		k->kind = lo->has_arg == no_argument ? CFG_FLAG :
			  lo->val >= OPT_DEVICE_FIRST ? CFG_LIST :
			  LISTED(lo->name, number_keys) ? CFG_NUMBER :
							  CFG_STRING;
		s->key_of[i] = (int)s->nkeys++;
	}
	for (size_t k = 0; k < s->nkeys; k++) {
		const char *v = NULL;

		for (size_t d = 0; d < sizeof(defaults) / sizeof(defaults[0]);
		     d++)
			if (!strcmp(defaults[d].key, s->keys[k].name))
				v = defaults[d].value;
		if (cfg_out_set(s->out, &s->keys[k], v) < 0)
			fail("out of memory");
	}
}

/* The key of what getopt returned: by its long index, or its short
 * letter's long option. */
static int key_of(const struct optset *s, int c, int longindex)
{
	if (longindex >= 0)
		return s->key_of[longindex];
	for (int i = 0; s->longopts[i].name; i++)
		if (s->longopts[i].val == c)
			return s->key_of[i];
	return -1;
}

/* One option, from the command line or the file; its value recorded as
 * the effective one. */
static void take_option(struct optset *s, struct options *o, int c, int key,
			const char *arg)
{
	char err[256];
	uint64_t n;
	int64_t off;

	switch (c) {
	case 'k': o->kernel = arg; break;
	case 'i': o->initrd = arg; break;
	case 'c': o->cmdline = arg; break;
	case 'm':
		o->mem = parse_size(arg);
		o->mem_arg = arg;
		snprintf(s->mem_where, sizeof(s->mem_where), "%s",
			 fail_where ? fail_where : "");
		break;
	case 'p':
		if (parse_uint(arg, 1, CONFIG_MAX_CPUS, &n) < 0)
			fail("--cpus %s: must be 1 to %d", arg,
			     CONFIG_MAX_CPUS);
		o->cpus = (int)n;
		break;
	case 't':
		if (parse_uint(arg, 1, 8, &n) < 0 || (n & (n - 1)))
			fail("--threads-per-core %s: must be 1, 2, 4 "
			     "or 8", arg);
		o->threads = (int)n;
		break;
	case OPT_RAW: o->raw = true; break;
	case OPT_REPORT: o->report = arg; break;
	case OPT_NVRAM: o->nvram = arg; break;
	case OPT_IOMMU: o->iommu = true; break;
	case OPT_RTC_BASE:
		o->rtc_base = arg;
		if (rtc_base_offset(arg, time(NULL), &off) < 0)
			fail("--rtc-base %s: must be utc, localtime, "
			     "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC, "
			     "years 1900 to 9999)",
			     arg);
		break;
	case OPT_DUMP_HPT: o->dump_hpt = arg; break;
	case OPT_LEGACY: o->legacy = true; break;
	case OPT_NO_SECCOMP: o->no_seccomp = true; break;
	case OPT_SECCOMP_VIOLATION:
		if (!strcmp(arg, "main"))
			o->seccomp_violation = THREAD_MAIN;
		else if (!strcmp(arg, "vcpu"))
			o->seccomp_violation = THREAD_VCPU;
		else if (!strcmp(arg, "io"))
			o->seccomp_violation = THREAD_IO;
		else if (!strcmp(arg, "api"))
			o->seccomp_violation = THREAD_MIG;
		else
			fail("--debug-seccomp-violation %s: must be main, "
			     "vcpu, io or api", arg);
		break;
	case OPT_ON_REBOOT:
		if (strcmp(arg, "restart") && strcmp(arg, "exit"))
			fail("--on-reboot %s: must be exit or restart",
			     arg);
		o->restart_on_reboot = !strcmp(arg, "restart");
		break;
	case OPT_MMU:
		if (mmu_mode_parse(arg, &o->mmu) < 0)
			fail("--mmu %s: must be auto, radix or hash",
			     arg);
		break;
	case OPT_IRQCHIP:
		if (irqchip_parse(arg, &o->irqchip) < 0)
			fail("--irqchip %s: must be auto, xive or xics", arg);
		break;
	case OPT_SHUTDOWN:
		if (parse_uint(arg, 0, 3600, &n) < 0)
			fail("--shutdown-timeout %s: must be 0 to 3600 "
			     "seconds", arg);
		o->shutdown_timeout = (unsigned)n;
		break;
	case OPT_EVENTS: o->events = arg; break;
	case OPT_API: o->api = arg; break;
	case OPT_RESTORE: o->restore = arg; break;
	case OPT_INCOMING: o->incoming = arg; break;
	case OPT_ENTRY:
		if (parse_entry(arg, &o->fw_base) < 0)
			fail("--entry %s: must be linux, firmware or "
			     "firmware:ADDR (64 KiB aligned)", arg);
		break;
	case OPT_AFFINITY:
		if (cpu_affinity_parse(arg, &o->affinity, err, sizeof(err)) < 0)
			fail("%s", err);
		break;
	case OPT_BACKING:
		if (mem_backing_parse(arg, &o->backing, err, sizeof(err)) < 0)
			fail("%s", err);
		break;
	case OPT_CONFIG: case OPT_PRINT_CONFIG: case 'V': case 'h':
		return; /* the first pass did them */
	default:
		parse_device(s->mods[c - OPT_DEVICE_FIRST], arg);
	}
	if (key >= 0 && cfg_out_set(s->out, &s->keys[key],
				    s->keys[key].kind == CFG_FLAG ? "" : arg) < 0)
		fail("out of memory");
}

/* The first pass: --help, --version, where the --config file is,
 * whether to print the options, and which keys the command line sets
 * (the file's values for those are not taken). */
static const char *first_pass(struct optset *s, int argc, char **argv,
			      bool *print)
{
	const char *config = NULL;
	int c, li = -1;

	while ((c = getopt_long(argc, argv, "k:i:c:m:p:t:hV", s->longopts,
				&li)) != -1) {
		int key = key_of(s, c, li);

		li = -1;
		if (c == '?' || c == ':') {
			print_usage(stderr);
			exit(PVMM_EXIT_ERROR);
		}
		if (key >= 0)
			s->given[key] = true;
		if (c == 'h') {
			print_usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			print_version();
			exit(0);
		}
		if (c == OPT_CONFIG)
			config = optarg;
		if (c == OPT_PRINT_CONFIG)
			*print = true;
	}
	if (optind < argc)
		fail("unexpected argument \"%s\" (see --help)", argv[optind]);
	return config;
}

/* The file's options, but for the keys the command line sets. */
static void take_config(struct optset *s, struct options *o, const char *path)
{
	static struct cfg_args args; /* o points into it for the whole run */
	static char where[512];
	char err[512];

	if (cfgfile_load(path, s->keys, s->nkeys, &args, err, sizeof(err)) < 0)
		fail("--config %s", err);
	for (size_t i = 0; i < args.n; i++) {
		const struct cfg_arg *a = &args.v[i];
		const char *eq = strchr(a->arg, '=');
		int c = 0;

		if (s->given[a->key])
			continue;
		for (int l = 0; s->longopts[l].name; l++)
			if (s->key_of[l] == (int)a->key)
				c = s->longopts[l].val;
		snprintf(where, sizeof(where), "--config %s: %s", path, a->path);
		fail_where = where;
		take_option(s, o, c, (int)a->key, eq ? eq + 1 : NULL);
	}
	fail_where = NULL;
}

/* --incoming's syntax, before anything is built. */
static void incoming_check(const char *spec)
{
	uint64_t n;

	if (!strncmp(spec, "fd:", 3)) {
		if (parse_uint(spec + 3, 0, INT32_MAX, &n) < 0)
			fail("--incoming %s: give uds=PATH or fd:N", spec);
		return;
	}
	if (strncmp(spec, "uds=", 4) || !spec[4])
		fail("--incoming %s: give uds=PATH or fd:N", spec);
	if (strlen(spec + 4) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		fail("--incoming %s: path too long", spec);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static struct optset s;
	const char *config;
	bool print = false;
	int c, li = -1;

	*o = (struct options){ .mem = CONFIG_DEFAULT_MEM,
			       .cpus = CONFIG_DEFAULT_CPUS, .threads = 1,
			       .cmdline = "", .mem_arg = "512M",
			       .shutdown_timeout = 30,
			       .affinity = { .io = -1 },
			       .seccomp_violation = -1,
			       .fw_base = LOAD_AT_PADDR };
	optset_init(&s);
	config = first_pass(&s, argc, argv, &print);
	if (config)
		take_config(&s, o, config);
	optind = 0; /* getopt starts over (glibc and musl) */
	opterr = 0; /* the first pass said what was wrong */
	while ((c = getopt_long(argc, argv, "k:i:c:m:p:t:hV", s.longopts,
				&li)) != -1) {
		take_option(&s, o, c, key_of(&s, c, li), optarg);
		li = -1;
	}
	if (o->legacy && o->mmu == MMU_RADIX)
		fail("--legacy and --mmu radix: a legacy guest cannot run radix");
	if (o->raw && o->fw_base != LOAD_AT_PADDR)
		fail("--entry firmware: not with --raw (a flat image has no "
		     "addresses to place)");
	if (o->restore && o->restart_on_reboot)
		fail("--on-reboot restart: not with --restore (a restored guest "
		     "has no kernel to boot again)");
	if (o->cpus % o->threads)
		fail("--cpus %d: not a multiple of --threads-per-core %d",
		     o->cpus, o->threads);
	if (strlen(o->cmdline) >= CONFIG_CMDLINE_MAX)
		fail("--cmdline: longer than %d bytes", CONFIG_CMDLINE_MAX - 1);
	fail_where = s.mem_where[0] ? s.mem_where : NULL;
	check_mem(o->mem, o->mem_arg);
	fail_where = NULL;
	if (print) {
		if (cfg_out_print(s.out, stdout) < 0)
			fail("--print-config: %s", strerror(errno));
		exit(0);
	}
	if (o->incoming && o->restore)
		fail("--incoming and --restore: one or the other");
	if (o->incoming)
		incoming_check(o->incoming);
	if (!o->kernel && !o->restore && !o->incoming)
		fail("no --kernel given (see --help)");
}

/* What --cpu-affinity and --mem-backing ask of this host, checked
 * before anything is set up. */
static void check_host(struct options *o)
{
	char err[256];
	cpu_set_t allowed;

	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		fail("cannot read this process's CPU set: %s", strerror(errno));
	if (cpu_affinity_check(&o->affinity, o->cpus, &allowed, err,
			       sizeof(err)) < 0)
		fail("%s", err);
	if (mem_backing_check(&o->backing, o->mem, "/proc/meminfo",
			      "/sys/kernel/mm/hugepages", err, sizeof(err)) < 0)
		fail("%s", err);
}

/* The kernel and initrd files, opened (and read ahead by the kernel)
 * before guest RAM is mapped; read once into guest RAM by load_guest and
 * closed there. */
struct payload {
	struct load_file kernel, initrd;
};

static void open_file(struct load_file *f, const char *path)
{
	int err = load_file_open(f, path);

	if (err == -EINVAL)
		fail("%s: not a regular file", path);
	if (err == -ENODATA)
		fail("%s: empty file", path);
	if (err)
		fail("%s: %s", path, strerror(-err));
}

static void open_payload(struct payload *pl, const struct options *o)
{
	open_file(&pl->kernel, o->kernel);
	pl->initrd.fd = -1;
	pl->initrd.size = 0;
	if (o->initrd)
		open_file(&pl->initrd, o->initrd);
}

/* The guest has its own copy: a file changed while it was read is
 * refused, one changed afterwards no longer matters. */
static void close_loaded(struct load_file *f, const char *path)
{
	int err = load_file_check(f);

	if (err)
		fail("%s: %s", path, load_strerror(err));
	load_file_close(f);
}

/* Guest-physical layout, from the top of RAM down: RTAS, FDT, initrd;
 * the kernel from its link address up. */
struct layout {
	uint64_t rtas, fdt, initrd, initrd_size;
};

static void load_guest(struct machine *m, const struct options *o,
		       struct payload *pl, struct layout *l, struct image *img)
{
	uint64_t len = pl->initrd.size;
	int err;

	l->rtas = m->vm.mem.size - CONFIG_RTAS_SIZE;
	l->fdt = l->rtas - CONFIG_FDT_MAX;
	err = load_kernel_at(&m->vm.mem, &pl->kernel, l->fdt, o->raw,
			     o->fw_base, img);
	if (err == LOAD_E_NOT_ELF)
		fail("%s: not an ELF file (use --raw for a flat image)",
		     o->kernel);
	if (err)
		fail("%s: %s", o->kernel, load_strerror(err));
	close_loaded(&pl->kernel, o->kernel);

	l->initrd = l->fdt;
	l->initrd_size = 0;
	if (!o->initrd)
		return;
	if (len > l->fdt - img->hi)
		fail("%s: initrd too large (%" PRIu64 " bytes, %" PRIu64
		     " free after the kernel)", o->initrd, len,
		     l->fdt - img->hi);
	l->initrd = (l->fdt - len) & ~(CONFIG_MEM_ALIGN - 1);
	if (l->initrd < img->hi)
		fail("%s: initrd too large for guest RAM", o->initrd);
	err = load_file_at(&m->vm.mem, &pl->initrd, l->initrd);
	if (err)
		fail("%s: %s", o->initrd, load_strerror(err));
	close_loaded(&pl->initrd, o->initrd);
	l->initrd_size = len;
}

static void build_fdt(struct machine *m, const struct options *o,
		      const struct layout *l,
		      const struct image *img, const struct vm_info *vi)
{
	uint8_t seed[FDT_RNG_SEED];
	struct fdt_params p = {
		.pvr = vi->pvr,
		.arch_compat = vi->arch_compat,
		.dec_bits = vi->dec_bits,
		.dcache_size = vi->dcache_size,
		.icache_size = vi->icache_size,
		.timebase_hz = vi->timebase_hz,
		.clock_hz = vi->clock_hz,
		.radix = m->mmu.mode == MMU_RADIX,
		.hpt_order = m->mmu.mode == MMU_HASH ? m->mmu.hpt_order : 0,
		.mmu = &vi->mmu,
		.xics = m->vm.irqchip == IRQCHIP_XICS,
		.xive = m->vm.irqchip == IRQCHIP_XIVE,
		.cmdline = o->cmdline,
		.initrd_start = l->initrd,
		.initrd_end = l->initrd + l->initrd_size,
		.reserve = {
			{ img->lo, img->hi - img->lo },
			{ l->fdt, m->vm.mem.size - l->fdt },
		},
		.nreserve = 2,
	};
	int err;

	/* Without blocking: a host whose own pool is not ready yet gives
	 * the guest no seed rather than a late start. */
	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		p.rng_seed = seed;
	if (l->initrd_size)
		p.reserve[p.nreserve++] = (struct fdt_reserve){
			l->initrd, l->initrd_size };
	else
		p.initrd_end = 0;
	err = fdt_build(&m->papr, &p, gmem_ptr(&m->vm.mem, l->fdt, CONFIG_FDT_MAX),
			CONFIG_FDT_MAX);
	if (err)
		fail("device tree: %s", fdt_strerror(err));
}

static void choose_mmu(struct machine *m, const struct options *o,
		       const struct host_caps *h)
{
	enum mmu_mode want = o->legacy ? MMU_HASH : o->mmu;
	const char *why;

	if (mmu_choose(want, h->radix, h->hash, &m->mmu.mode, &why) < 0)
		fail("%s: %s", o->legacy ? "--legacy" : o->mmu == MMU_AUTO ?
		     "--mmu auto" : o->mmu == MMU_RADIX ? "--mmu radix" :
		     "--mmu hash", why);
	m->mmu.hpt_order = hpt_order_for_ram(m->vm.mem.size);
}

/* --irqchip, decided before the VM exists, like the MMU.  A restored or
 * migrating guest (@snap: its configuration, @from: which option) keeps
 * the controller it had when --irqchip is auto; one given that differs
 * is refused by the snapshot's check. */
static void choose_irqchip(struct machine *m, const struct options *o,
			   const struct host_caps *h,
			   const struct snap_config *snap, const char *from)
{
	enum irqchip want = o->irqchip;
	const char *why;

	if (snap && want == IRQCHIP_AUTO) {
		want = snap->flags & SNAP_CFG_XIVE ? IRQCHIP_XIVE
						   : IRQCHIP_XICS;
		if (irqchip_choose(want, h->xics, h->xive, &m->vm.irqchip,
				   &why) < 0)
			fail("%s: a guest with the %s interrupt controller: "
			     "%s",
			     from, want == IRQCHIP_XIVE ? "XIVE" : "XICS", why);
		return;
	}
	if (irqchip_choose(want, h->xics, h->xive, &m->vm.irqchip, &why) < 0)
		fail("--irqchip %s: %s", irqchip_name(o->irqchip), why);
}

/* --debug-dump-hpt: the stream as is, and decoded next to it. */
static void dump_hpt(struct machine *m, const char *path,
		     const struct mmu_info *mi)
{
	char txt[4096];
	uint8_t *stream;
	size_t len;
	FILE *f;
	int err = htab_save(&m->vm, m->mmu.hpt_order, &stream, &len);

	if (err) {
		fprintf(stderr, "pvmm: --debug-dump-hpt: %s\n", strerror(-err));
		return;
	}
	snprintf(txt, sizeof(txt), "%s.txt", path);
	f = fopen(path, "w");
	if (f) {
		fwrite(stream, 1, len, f);
		fclose(f);
	}
	f = fopen(txt, "w");
	if (f) {
		hpt_dump_text(stream, len, mi, f);
		fclose(f);
	}
	if (!f)
		fprintf(stderr, "pvmm: --debug-dump-hpt %s: %s\n", path,
			strerror(errno));
	free(stream);
}

/* --nvram FILE, or a fresh NVRAM in memory.  An image pvmm cannot use
 * is left as it is: the guest's logs in it may be what the user wants. */
static void open_nvram(struct machine *m, const char *path)
{
	size_t bad = 0;
	int err = nvram_open(&m->papr.nvram, path, &bad);

	if (err == -EWOULDBLOCK)
		fail("--nvram %s: in use by another process", path);
	if (err == -EFBIG)
		fail("--nvram %s: not an NVRAM image (must be %u bytes; move "
		     "it away for a fresh one)", path, NVRAM_SIZE);
	if (err == -EILSEQ)
		fail("--nvram %s: corrupt partition table at offset %zu (move "
		     "it away for a fresh NVRAM)", path, bad);
	if (err == -EINVAL)
		fail("--nvram %s: not a regular file", path);
	if (err)
		fail("--nvram %s: %s", path, strerror(-err));
}

/* ibm,os-term's message, once the guest has stopped. */
static void print_os_term(const struct machine *m)
{
	const struct os_term *t = &m->papr.os_term;

	if (!atomic_load(&t->called))
		return;
	if (t->text[0])
		fprintf(stderr, "pvmm: guest called ibm,os-term: %s\n",
			t->text);
	else
		fprintf(stderr, "pvmm: guest called ibm,os-term: (no message "
			"at %#" PRIx32 ")\n", t->addr);
}

/* --restore: the snapshot file, checked whole before anything is built
 * from it; its guest RAM is mapped, not read. */
struct restore {
	int fd;
	const uint8_t *buf;
	size_t len;
	struct snap_file f;
};

static void restore_open(struct restore *r, const char *path, uint64_t mem)
{
	char why[256];
	struct stat st;
	void *p;

	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st) < 0)
		fail("--restore %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		fail("--restore %s: not a snapshot (%s)", path,
		     S_ISREG(st.st_mode) ? "empty file" : "not a regular file");
	r->len = (size_t)st.st_size;
	p = mmap(NULL, r->len, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (p == MAP_FAILED)
		fail("--restore %s: %s", path, strerror(errno));
	r->buf = p;
	if (snap_parse(r->buf, r->len, true, &r->f, why, sizeof(why)) < 0)
		fail("--restore %s: %s", path, why);
	if (r->f.cfg.ram_size != mem)
		fail("--restore %s: snapshot of a %" PRIu64 " MiB guest, this "
		     "one has %" PRIu64 " MiB (--mem)", path,
		     r->f.cfg.ram_size >> 20, mem >> 20);
}

/* Every section checked against the machine built for it, then loaded;
 * the vCPUs have not run. */
static void restore_apply(struct machine *m, struct restore *r,
			  const char *path)
{
	struct snap_parts p = { &m->vm, &m->mmu, &m->io.phb, &m->papr };
	struct snap_state *s;
	char why[256];

	if (snapshot_check(&p, &r->f, &s, why, sizeof(why)) < 0)
		fail("--restore %s: %s", path, why);
	if (snapshot_apply(&p, s, why, sizeof(why)) < 0)
		fail("--restore %s: %s", path, why);
	snapshot_state_free(s);
	m->vm.restored = true;
	munmap((void *)r->buf, r->len);
	close(r->fd);
}

/* --incoming: the stream a live migration comes in on.  uds=PATH: listen
 * on PATH (which must not exist) for the source's one connection; fd:N:
 * an inherited, connected stream. */
static int incoming_open(const char *spec)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t n;
	int lfd, fd;

	/* incoming_check vetted the syntax. */
	if (!strncmp(spec, "fd:", 3)) {
		if (parse_uint(spec + 3, 0, INT32_MAX, &n) < 0 ||
		    fcntl((int)n, F_GETFD) < 0)
			fail("--incoming %s: not an open file descriptor", spec);
		return (int)n;
	}
	memcpy(sa.sun_path, spec + 4, strlen(spec + 4));
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0)
		fail("--incoming %s: %s", spec, strerror(errno));
	do
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		fail("--incoming %s: %s", spec, strerror(errno));
	close(lfd);
	unlink(sa.sun_path);
	return fd;
}

/* Receive the machine; nothing of the guest runs until all of it is
 * checked and loaded.  A failed migration exits 125 with its reason. */
static void incoming_receive(struct machine *m, const char *spec, int fd,
			     const struct snap_config *cfg,
			     struct mig_report *r)
{
	struct snap_parts p = { &m->vm, &m->mmu, &m->io.phb, &m->papr };

	if (mig_dest(&p, fd, cfg, r) < 0)
		fail("--incoming %s: migration failed: %s", spec, r->why);
	m->migration = r;
	m->vm.restored = true;
}

/* The sandbox, before any thread exists: each thread enters its filter
 * once set up (sandbox.c). */
static void setup_sandbox(const struct options *o)
{
	struct sandbox_options s = {
		.off = o->no_seccomp,
		.debug_main = o->dump_hpt,
		.violate = o->seccomp_violation,
	};
	int err = sandbox_setup(&s);

	if (err)
		fail("cannot set up the seccomp sandbox: %s (--no-seccomp runs "
		     "without it)", strerror(-err));
}

int main(int argc, char **argv)
{
	static struct machine m;
	static struct evstream events;
	struct options o;
	struct layout l;
	struct payload pl;
	struct image img;
	struct vm_rtas_token rtas[8];
	struct host_caps caps;
	struct host *h;
	struct vm_info vi;
	static struct restore rs;
	static struct mig_report mig_in;
	struct snap_config in_cfg;
	bool fresh;
	int in_fd = -1;
	char errbuf[256];
	int err, code;

	/* Before anything writes to a pipe a harness may close (--events,
	 * the console): a reader that goes away must not kill the guest. */
	signal(SIGPIPE, SIG_IGN);
	parse_options(argc, argv, &o);
	check_host(&o);
	/* A reboot with --on-reboot restart: each guest runs in a new child
	 * process, so nothing of the old guest survives, and the child's
	 * sandbox need not allow what starting a guest takes. */
	if (o.restart_on_reboot &&
	    (err = lifecycle_supervise_restarts()) < 0)
		fail("--on-reboot restart: cannot start the guest's "
		     "process: %s", strerror(-err));
	setup_sandbox(&o);
	/* Neither a snapshot nor a migration: a boot. */
	fresh = !o.restore && !o.incoming;
	if (fresh)
		open_payload(&pl, &o);
	machine_init(&m, o.cpus, o.threads);
	for (int i = 0; i < o.affinity.nvcpu; i++)
		m.vm.cpu[i].host_cpu = o.affinity.vcpu[i];
	if (o.events) {
		if (evstream_open(&events, &m.vm, o.events, errbuf,
				  sizeof(errbuf)) < 0)
			fail("%s", errbuf);
		m.vm.on_phase = (struct vm_phase_hook){ &events,
							 evstream_phase };
	}
	vm_mark(&m.vm, PHASE_START);
	if (o.restore) {
		restore_open(&rs, o.restore, o.mem);
		err = gmem_map_file(&m.vm.mem, o.mem, rs.fd, rs.f.ram_offset);
		if (err)
			fail("--restore %s: cannot map guest RAM: %s",
			     o.restore, strerror(-err));
	} else {
		err = gmem_alloc_backed(&m.vm.mem, o.mem, o.backing.kind,
					o.backing.huge);
	}
	if (err)
		fail("cannot map %" PRIu64 " MiB of guest RAM%s: %s",
		     o.mem >> 20, o.backing.kind == GMEM_HUGETLB ?
		     " in huge pages" : o.backing.kind == GMEM_THP ?
		     " with transparent huge pages" : "", strerror(-err));
	if (devices_open(errbuf, sizeof(errbuf)) < 0)
		fail("%s", errbuf);
	open_nvram(&m, o.nvram);
	/* The source's connection, while SIGTERM still ends a pvmm that
	 * waits for one (the stream then waits in the socket). */
	if (o.incoming) {
		in_fd = incoming_open(o.incoming);
		if (mig_dest_hello(in_fd, &in_cfg, &mig_in) < 0)
			fail("--incoming %s: migration failed: %s",
			     o.incoming, mig_in.why);
	}
	/* Before any thread: every thread inherits the blocked signals. */
	lifecycle_block_signals();
	if ((err = io_loop_init(&m.io)) < 0)
		fail("cannot start the event loop: %s", strerror(-err));
	if (o.affinity.io >= 0 && (err = loop_pin(m.io.loop, o.affinity.io)) < 0)
		fail("--cpu-affinity: cannot pin the I/O thread to CPU %d: %s",
		     o.affinity.io, strerror(-err));
	memset(&l, 0, sizeof(l));
	memset(&img, 0, sizeof(img));
	if (fresh) {
		load_guest(&m, &o, &pl, &l, &img);
		if (rtas_install(&m.papr, l.rtas, CONFIG_RTAS_SIZE) < 0)
			fail("cannot place RTAS");
	}
	if (host_open(&h, &caps, errbuf, sizeof(errbuf)) < 0)
		fail("%s", errbuf);
	choose_mmu(&m, &o, &caps);
	if (o.restore)
		snprintf(errbuf, sizeof(errbuf), "--restore %s", o.restore);
	else if (o.incoming)
		snprintf(errbuf, sizeof(errbuf), "--incoming %s", o.incoming);
	choose_irqchip(&m, &o, &caps,
		       o.restore    ? &rs.f.cfg
		       : o.incoming ? &in_cfg
				    : NULL,
		       errbuf);
	/* The guest may have resized its HPT (H_RESIZE_HPT_*): the restored
	 * one is allocated at the snapshot's size. */
	if (o.restore && m.mmu.mode == MMU_HASH &&
	    rs.f.cfg.hpt_order >= HPT_ORDER_MIN &&
	    rs.f.cfg.hpt_order <= HPT_ORDER_MAX)
		m.mmu.hpt_order = rs.f.cfg.hpt_order;
	/* Likewise a migrating guest's, at the source's size. */
	if (o.incoming && m.mmu.mode == MMU_HASH &&
	    in_cfg.hpt_order >= HPT_ORDER_MIN &&
	    in_cfg.hpt_order <= HPT_ORDER_MAX)
		m.mmu.hpt_order = in_cfg.hpt_order;
	m.host = caps;

	struct vm_config cfg = {
		/* Firmware hands a client program control big-endian
		 * (PAPR, "Client Program Requirements"); r3 = the device
		 * tree either way, r4 = r5 = 0: no client interface. */
		.boot = { .pc = img.entry, .r3 = l.fdt,
			  .little_endian = img.little_endian &&
					   o.fw_base == LOAD_AT_PADDR },
		.hpt_order = m.mmu.mode == MMU_HASH ? m.mmu.hpt_order : 0,
		.rtas = rtas,
		.nrtas = rtas_in_kernel(rtas, sizeof(rtas) / sizeof(rtas[0])),
		.multi_tce = hcall_multi_tce,
		.nmulti_tce = hcall_nmulti_tce,
	};
	if (cfg.nrtas > sizeof(rtas) / sizeof(rtas[0]))
		fail("more in-kernel RTAS calls than pvmm has room for");
	if (vm_create(&m.vm, h, &cfg, &vi, errbuf, sizeof(errbuf)) < 0)
		fail("%s", errbuf);
	if (vi.hpt_order)
		m.mmu.hpt_order = vi.hpt_order;
	/* A hypervisor that cannot say leaves the conservative answer. */
	papr_cpu_char(&m.papr);
	/* Only page sizes guest RAM (anonymous memory, the host's base
	 * pages) can be backed with. */
	mmu_info_filter(&vi.mmu,
			(uint32_t)__builtin_ctz((unsigned)getpagesize()));
	m.io.phb.iommu = o.iommu;
	if ((err = devices_create(&m.io)) < 0)
		fail("cannot create the devices: %s", strerror(-err));
	if (fresh)
		build_fdt(&m, &o, &l, &img, &vi);
	events_init(&m.papr);
	if (o.restore)
		restore_apply(&m, &rs, o.restore);
	if (o.incoming)
		incoming_receive(&m, o.incoming, in_fd, &in_cfg, &mig_in);
	vm_mark(&m.vm, PHASE_VM_CREATED);
	/* The guest's clock starts at --rtc-base as its first vCPU does. */
	if (o.rtc_base && fresh) {
		int64_t off = 0;

		rtc_base_offset(o.rtc_base, time(NULL), &off);
		atomic_store(&m.papr.rtas.rtc_offset, off);
	}
	if (o.report && (err = report_prepare()) < 0)
		fail("--report: cannot open /proc/self: %s", strerror(-err));
	if (lifecycle_start(&m, o.shutdown_timeout) < 0 ||
	    tty_start(&m) < 0 || io_loop_start(&m.io) < 0)
		fail("cannot start pvmm's threads");
	if (o.api && api_start(&m, o.api, errbuf, sizeof(errbuf)) < 0)
		fail("%s", errbuf);
	/* The source ends once it hears this: if it cannot, the guest
	 * must not run here too. */
	if (in_fd >= 0) {
		if ((err = mig_dest_running(in_fd)) < 0)
			fail("--incoming %s: cannot tell the source: %s",
			     o.incoming, strerror(-err));
		close(in_fd);
	}
	if ((err = vm_run(&m.vm)) < 0) {
		fprintf(stderr, "pvmm: cannot run the vCPUs: %s\n",
			strerror(-err));
		vm_request_stop(&m.vm, POWER_ERROR);
	}
	vm_mark(&m.vm, PHASE_EXIT);
	io_loop_stop(&m.io);
	api_stop();
	tty_stop(&m);
	lifecycle_stop(&m);
	print_os_term(&m);
	if (m.papr.nvram.write_errors)
		fprintf(stderr, "pvmm: --nvram %s: %" PRIu64 " guest writes "
			"did not reach the file\n", o.nvram,
			(uint64_t)m.papr.nvram.write_errors);
	nvram_close(&m.papr.nvram);
	code = machine_exit_code(&m);
	if (m.mmu.mode == MMU_HASH && o.dump_hpt)
		dump_hpt(&m, o.dump_hpt, &vi.mmu);
	if (o.report && (err = report_write(&m, o.report, code)) < 0)
		fprintf(stderr, "pvmm: --report %s: %s\n", o.report,
			strerror(-err));
	if (atomic_load(&events.errors))
		fprintf(stderr, "pvmm: --events %s: %d lines could not be "
			"written\n", o.events, atomic_load(&events.errors));
	evstream_close(&events);
	vm_destroy(&m.vm);
	return code;
}
