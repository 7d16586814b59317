/* The run report: phase times, exits by kind, hcalls by opcode. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "report.h"
#include "io/devices.h"
#include "migrate/live.h"
#include "papr/vpa.h"

static const char *const phase_names[PHASE_MAX] = {
	[PHASE_START] = "start",
	[PHASE_VM_CREATED] = "vm_created",
	[PHASE_FIRST_ENTRY] = "first_guest_entry",
	[PHASE_FIRST_CONSOLE] = "first_console_byte",
	[PHASE_SHUTDOWN_ASKED] = "shutdown_asked",
	[PHASE_STOP] = "stop_requested",
	[PHASE_EXIT] = "exit",
};

const char *report_phase_name(enum phase p)
{
	return p < PHASE_MAX ? phase_names[p] : "unknown";
}

static const char *const exit_names[EXIT_KIND_MAX] = {
	[EXIT_HCALL] = "hcall",
	[EXIT_MMIO] = "mmio",
	[EXIT_INTERRUPTED] = "interrupted",
	[EXIT_OTHER] = "other",
};

static const char *const power_names[] = {
	[POWER_ON] = "running",
	[POWER_OFF] = "power_off",
	[POWER_REBOOT] = "reboot",
	[POWER_CRASH] = "crash",
	[POWER_ERROR] = "error",
	[POWER_KILLED] = "killed",
};

/* Nanoseconds since PHASE_START, or null when the phase never came. */
static void print_phases(const struct machine *m, FILE *f)
{
	uint64_t t0 = atomic_load(&m->vm.stats.phase_ns[PHASE_START]);

	fprintf(f, "  \"phases_ns\": {");
	for (int p = 0; p < PHASE_MAX; p++) {
		uint64_t t = atomic_load(&m->vm.stats.phase_ns[p]);

		fprintf(f, "%s\n    \"%s\": ", p ? "," : "", phase_names[p]);
		if (t)
			fprintf(f, "%" PRIu64, t - t0);
		else
			fprintf(f, "null");
	}
	fprintf(f, "\n  },\n");
}

static void print_exits(const struct machine *m, FILE *f)
{
	uint64_t total = 0;

	fprintf(f, "  \"exits\": {");
	for (int k = 0; k < EXIT_KIND_MAX; k++) {
		uint64_t n = atomic_load(&m->vm.stats.exits[k]);

		total += n;
		fprintf(f, "\"%s\": %" PRIu64 ", ", exit_names[k], n);
	}
	fprintf(f, "\"total\": %" PRIu64 ", \"mmio_unclaimed\": %" PRIu64
		"},\n", total, atomic_load(&m->vm.stats.exits_unclaimed));
	/* Time in pvmm per kind, from KVM_RUN's return to the exit handled
	 * (an interrupted KVM_RUN that returned an error is counted above
	 * and took no handling). */
	fprintf(f, "  \"exit_time_ns\": {");
	for (int k = 0; k < EXIT_KIND_MAX; k++)
		fprintf(f,
			"%s\"%s\": {\"count\": %" PRIu64 ", \"total\": %" PRIu64
			", \"max\": %" PRIu64 "}",
			k ? ", " : "", exit_names[k],
			atomic_load(&m->vm.stats.exits[k]),
			atomic_load(&m->vm.stats.exit_total_ns[k]),
			atomic_load(&m->vm.stats.exit_max_ns[k]));
	fprintf(f, "},\n");
}

static void print_hcalls(const struct machine *m, FILE *f)
{
	const char *sep = "";

	fprintf(f, "  \"hcalls\": [");
	for (int slot = 0; slot < HCALL_SLOTS; slot++) {
		uint64_t n = atomic_load(&m->papr.hstats.calls[slot]);
		uint64_t nr = hcall_slot_nr(slot);
		const char *name = hcall_name(nr);

		if (!n)
			continue;
		fprintf(f, "%s\n    {\"nr\": \"0x%" PRIx64 "\", \"name\": "
			"\"%s\", \"count\": %" PRIu64 "}", sep, nr,
			name ? name : "unimplemented", n);
		sep = ",";
	}
	fprintf(f, "\n  ],\n");
	fprintf(f, "  \"hcalls_unimplemented\": %" PRIu64 ",\n",
		atomic_load(&m->papr.hstats.unimplemented));
	fprintf(f, "  \"hcalls_out_of_range\": %" PRIu64 ",\n",
		atomic_load(&m->papr.hstats.out_of_range));
	fprintf(f, "  \"hcalls_errors\": %" PRIu64 ",\n",
		atomic_load(&m->papr.hstats.errors));
}

/* DMA windows: TCE hcalls that reached pvmm (KVM answers the others when
 * it holds the table), the dynamic-window RTAS calls, device DMA that
 * found no mapping, and the windows left at the end (vCPUs and the I/O
 * loop have stopped: nothing changes them any more). */
static void print_dma(const struct machine *m, FILE *f)
{
	static const uint64_t tce_calls[] = { H_GET_TCE, H_PUT_TCE,
					      H_STUFF_TCE, H_PUT_TCE_INDIRECT };
	const struct tce_set *s = &m->io.phb.dma;
	const char *sep = "";
	uint64_t n = 0;

	for (size_t i = 0; i < sizeof(tce_calls) / sizeof(tce_calls[0]); i++)
		n += atomic_load(&m->papr.hstats.calls[hcall_slot(tce_calls[i])]);
	fprintf(f, "  \"dma\": {\"iommu\": %s, \"tce_hcalls\": %" PRIu64
		", \"ddw_query\": %" PRIu64 ", \"ddw_create\": %" PRIu64
		", \"ddw_remove\": %" PRIu64 ", \"ddw_reset\": %" PRIu64
		", \"faults\": %" PRIu64 ", \"windows\": [",
		m->io.phb.iommu ? "true" : "false", n,
		atomic_load(&s->stats.ddw_query),
		atomic_load(&s->stats.ddw_create),
		atomic_load(&s->stats.ddw_remove),
		atomic_load(&s->stats.ddw_reset), atomic_load(&s->stats.faults));
	for (int i = 0; i < TCE_WINDOWS; i++) {
		const struct tce_window *w = &s->win[i];

		if (!w->liobn)
			continue;
		fprintf(f, "%s{\"liobn\": \"0x%x\", \"bus\": \"0x%" PRIx64
			"\", \"page_shift\": %u, \"entries\": %" PRIu64
			", \"mapped\": %" PRIu64 ", \"in_kernel\": %s, "
			"\"translated\": %" PRIu64 "}", sep, w->liobn, w->bus,
			w->shift, w->n, tce_mapped(w),
			w->fd >= 0 ? "true" : "false",
			atomic_load(&s->stats.translated[i]));
		sep = ", ";
	}
	fprintf(f, "]},\n");
}

/* Per vCPU: where its time went (the thread's schedstat: idle time is
 * wall minus run, as a ceded vCPU sleeps in the kernel), its VPA dispatch
 * count, and KVM's own counters for what it handled in the kernel. */
static void print_vcpu(const struct machine *m, const struct vcpu *v,
		       FILE *f)
{
	const struct vcpu_stats *st = &v->stats;
	int64_t dispatches = vpa_dispatch_count(&m->vm.mem, st->vpa_addr);
	uint64_t idle = st->wall_ns > st->run_ns ? st->wall_ns - st->run_ns
						 : 0;

	fprintf(f, "    {\"id\": %d, \"wall_ns\": %" PRIu64 ", \"run_ns\": "
		"%" PRIu64 ", \"wait_ns\": %" PRIu64 ", \"idle_ns\": %" PRIu64
		", \"idle_source\": \"schedstat\", \"vpa_dispatches\": ",
		v->id, st->wall_ns, st->run_ns, st->wait_ns, idle);
	if (dispatches >= 0)
		fprintf(f, "%" PRId64, dispatches);
	else
		fprintf(f, "null");
	fprintf(f,
		",\n      \"user_ns\": %" PRIu64 ", \"user_exits\": %" PRIu64
		", \"start_cpu\": %u, \"stop_self\": %u, \"state\": \"%s\"",
		st->user_ns, st->user_exits, atomic_load(&v->starts),
		atomic_load(&v->stops),
		atomic_load(&v->state) == VCPU_STOPPED ? "stopped" : "running");
	fprintf(f, ",\n      \"kvm\": {");
	for (int i = 0; i < st->kvm.n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			st->kvm.stat[i].name, st->kvm.stat[i].value);
	fprintf(f, "}}");
}

static void print_vcpus(const struct machine *m, FILE *f)
{
	fprintf(f, "  \"vcpu_stats\": [\n");
	for (int i = 0; i < m->vm.ncpus; i++) {
		print_vcpu(m, &m->vm.cpu[i], f);
		fprintf(f, "%s\n", i + 1 < m->vm.ncpus ? "," : "");
	}
	fprintf(f, "  ],\n");
}

/* /proc/self/status and smaps, opened by report_prepare before the
 * sandbox and read again from the start (fseek: lseek, then readv) when
 * the report is written.  Main thread only. */
static FILE *proc_status, *proc_smaps;

int report_prepare(void)
{
	if (!proc_status && !(proc_status = fopen("/proc/self/status", "r")))
		return -errno;
	if (!proc_smaps && !(proc_smaps = fopen("/proc/self/smaps", "r")))
		return -errno;
	/* A first read now: the C library sets each stream's buffer up on
	 * it (glibc asks fstat for its size, which the sandbox refuses).
	 * fgets, which the report reads with anyway: fgetc would be musl's
	 * only caller of it. */
	char c[2];

	(void)!fgets(c, sizeof(c), proc_status);
	(void)!fgets(c, sizeof(c), proc_smaps);
	return 0;
}

/* The prepared stream, rewound, else the file opened now. */
static FILE *proc_file(FILE *prepared, const char *path)
{
	if (prepared) {
		fseek(prepared, 0, SEEK_SET); /* rewind() but its own 224 bytes */
		return prepared;
	}
	return fopen(path, "r");
}

static void proc_done(FILE *prepared, FILE *f)
{
	if (f != prepared)
		fclose(f);
}

/* The value of the first "@key N kB" line of /proc/self/status, or -1. */
long report_status_kib(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = proc_file(proc_status, "/proc/self/status");

	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen))
			v = strtol(line + klen, NULL, 10);
	proc_done(proc_status, f);
	return v;
}

/* Rss (KiB) of the mapping holding @addr, from /proc/self/smaps, or -1. */
/* "LO-HI " (hex), the range that starts a mapping's lines in smaps. */
static bool maps_range(const char *line, unsigned long *lo, unsigned long *hi)
{
	char *end;

	*lo = strtoul(line, &end, 16);
	if (end == line || *end != '-')
		return false;
	line = end + 1;
	*hi = strtoul(line, &end, 16);
	return end != line && *end == ' ';
}

static long mapping_rss_kib(uintptr_t addr)
{
	char line[256];
	bool in = false;
	long v = -1;
	FILE *f = proc_file(proc_smaps, "/proc/self/smaps");

	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (maps_range(line, &lo, &hi))
			in = lo <= addr && addr < hi;
		else if (in && !strncmp(line, "Rss:", 4))
			v = strtol(line + 4, NULL, 10);
	}
	proc_done(proc_smaps, f);
	return v;
}

/* pvmm's memory as it ends (KiB): all it has resident, the most it ever
 * had, and guest RAM's share; "vmm_rss" is the rest, pvmm's own (issue
 * #16: at most 2 MiB; the e2e scenario vmm-memory samples it through a
 * whole boot). */
static void print_memory(const struct machine *m, FILE *f)
{
	long rss = report_status_kib("VmRSS:"), hwm = report_status_kib("VmHWM:");
	long ram = mapping_rss_kib((uintptr_t)m->vm.mem.host);

	fprintf(f,
		"  \"memory_kib\": {\"rss\": %ld, \"hwm\": %ld, "
		"\"guest_ram_rss\": %ld, \"vmm_rss\": %ld},\n",
		rss, hwm, ram, rss >= 0 && ram >= 0 ? rss - ram : -1);
}

/* The last live migration (out or in): passes, bytes of each, total
 * time and downtime, or why it failed. */
static void print_migration(const struct mig_report *r, FILE *f)
{
	fprintf(f, "  \"migration\": {\"ok\": %s, \"error\": \"",
		r->err ? "false" : "true");
	for (const char *c = r->why; r->err && *c; c++)
		if (*c >= 0x20 && *c != '"' && *c != '\\')
			putc(*c, f);
	fprintf(f, "\", \"passes\": %u, \"pass_bytes\": [", r->passes);
	for (uint32_t i = 0; i < r->passes && i < MIG_MAX_PASSES; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : "", r->pass_bytes[i]);
	fprintf(f, "], \"hpt_passes\": %u, \"hpt_pass_bytes\": [",
		r->hpt_passes);
	for (uint32_t i = 0; i < r->hpt_passes && i < MIG_MAX_PASSES; i++)
		fprintf(f, "%s%" PRIu64, i ? ", " : "", r->hpt_bytes[i]);
	fprintf(f, "], \"bytes\": %" PRIu64 ", \"total_ns\": %" PRIu64
		", \"downtime_ns\": %" PRIu64 "},\n", r->bytes, r->total_ns,
		r->downtime_ns);
}

void report_print(const struct machine *m, FILE *f, int exit_code)
{
	int power = atomic_load(&m->vm.power);

	fprintf(f, "{\n  \"exit_code\": %d,\n", exit_code);
	fprintf(f, "  \"stopped_by\": \"%s\",\n",
		power >= 0 && power <= POWER_KILLED ? power_names[power] : "?");
	fprintf(f, "  \"vcpus\": %d,\n  \"mem_bytes\": %" PRIu64 ",\n",
		m->vm.ncpus, m->vm.mem.size);
	/* Which interrupt controller ran, and whether the host's KVM would
	 * have offered XIVE exploitation mode. */
	fprintf(f, "  \"irqchip\": \"%s\",\n  \"host_xive\": %s,\n",
		irqchip_name(m->vm.irqchip),
		m->host.xive ? "true" : "false");
	print_phases(m, f);
	print_exits(m, f);
	io_report(&m->io, f);
	print_hcalls(m, f);
	print_dma(m, f);
	print_vcpus(m, f);
	print_memory(m, f);
	fprintf(f, "  \"rtas\": {\"calls\": %" PRIu64 ", \"errors\": %" PRIu64
		"},\n", atomic_load(&m->papr.rstats.calls),
		atomic_load(&m->papr.rstats.errors));
	/* H_GET_CPU_CHARACTERISTICS' answer: which mitigations the guest
	 * was asked for, and whether the host's KVM said so.  Bit masks,
	 * as hex strings: bit 0 set is above what JSON readers such as
	 * jansson take as an integer (2^63 - 1). */
	fprintf(f,
		"  \"cpu_char\": {\"character\": \"%#" PRIx64
		"\", \"behaviour\": \"%#" PRIx64 "\", \"from_host\": %s},\n",
		m->papr.cpu_char, m->papr.cpu_behav,
		m->papr.cpu_char_host ? "true" : "false");
	if (m->migration)
		print_migration(m->migration, f);
	fprintf(f, "  \"console_bytes\": %" PRIu64 "\n}\n", m->papr.con.out_bytes);
}

int report_write(const struct machine *m, const char *path, int exit_code)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	report_print(m, f, exit_code);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}
