/* One thread per vCPU: enter the guest, handle the exits that need
 * userspace, park while the vCPU is stopped. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cpu/hot.h"
#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"
#include "cpu/thread.h"

int kvm_one_reg_get(int vcpu_fd, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu_fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

int kvm_one_reg_set(int vcpu_fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu_fd, KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

int kvm_vcpu_sync_lpcr(struct vm *vm, struct vcpu *v)
{
	struct kvm_vcpu *kv = kvm_vcpu_of(v);
	uint64_t lpcr;
	int err = kvm_one_reg_get(kv->fd, KVM_REG_PPC_LPCR_64, &lpcr);

	if (err)
		return err;
	lpcr &= ~(LPCR_ILE | LPCR_AIL);
	if (vm->lpcr_ile)
		lpcr |= LPCR_ILE;
	lpcr |= (vm->lpcr_ail << LPCR_AIL_SHIFT) & LPCR_AIL;
	return kvm_one_reg_set(kv->fd, KVM_REG_PPC_LPCR_64, lpcr);
}

/* Enter at start_pc with r3 = start_r3 and every other GPR zero: PAPR's
 * start-cpu state, big-endian with only SF and ME set (as QEMU's
 * spapr does).  Only the boot entry of a little-endian image (test
 * guests linked little-endian) starts with LE on; a secondary's first
 * start-cpu is no different from its later ones.
 *
 * After stop-self the vCPU left KVM_RUN with KVM_EXIT_PAPR_HCALL, and
 * KVM completes that hcall on the next KVM_RUN, before it enters:
 * kvm_arch_vcpu_ioctl_run() (arch/powerpc/kvm/powerpc.c) writes
 * run->papr_hcall.ret into r3 and args[0..8] into r4..r12 over whatever
 * KVM_SET_REGS put there.  So the run area is made to say what the entry
 * state says: the completion then writes r3 as asked and zeros. */
static int vcpu_load_start(struct vm *vm, struct vcpu *v, bool boot)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = kvm_vcpu_of(v);
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.pc = v->start_pc;
	regs.gpr[3] = v->start_r3;
	regs.msr = MSR_SF | MSR_ME;
	if (boot && k->cfg.boot.little_endian)
		regs.msr |= MSR_LE;
	if (kv->run->exit_reason == KVM_EXIT_PAPR_HCALL) {
		kv->run->papr_hcall.ret = v->start_r3;
		memset(kv->run->papr_hcall.args, 0,
		       sizeof(kv->run->papr_hcall.args));
	}
	if (ioctl(kv->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

/* A system reset interrupt, taken as the hardware would: SRR0/SRR1 save
 * where the vCPU was, it resumes at the real-mode vector 0x100 with
 * interrupts in the endianness LPCR[ILE] chooses. */
#define SRESET_VECTOR		0x100
#define SRR1_WAKE_RESET		(4ULL << 18)	/* SRR1[42:45] = 0b0100 */
#define SRR1_MSR_KEEP		0x87c0ffffULL	/* MSR bits 0,5:9,16:31 */

static int vcpu_deliver_sreset(struct vm *vm, struct vcpu *v)
{
	struct kvm_regs regs;
	int fd = kvm_vcpu_of(v)->fd;

	if (ioctl(fd, KVM_GET_REGS, &regs) < 0)
		return -errno;
	regs.srr0 = regs.pc;
	regs.srr1 = (regs.msr & (SRR1_MSR_KEEP | MSR_SF)) | SRR1_WAKE_RESET;
	regs.pc = SRESET_VECTOR;
	regs.msr = MSR_SF | MSR_ME | (vm->lpcr_ile ? MSR_LE : 0);
	if (ioctl(fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

/* --- exits -------------------------------------------------------------- */

typedef int exit_fn(struct vm *vm, struct vcpu *v, struct kvm_run *run);

PVMM_HOT static int exit_papr_hcall(struct vm *vm, struct vcpu *v,
				    struct kvm_run *run)
{
	atomic_fetch_add(&vm->stats.exits[EXIT_HCALL], 1);
	run->papr_hcall.ret = (uint64_t)vm->exits_to.hcall(
		vm->exits_to.ctx, v, run->papr_hcall.nr, run->papr_hcall.args);
	return 0;
}

/* MMIO goes to the handler the root gave (the PCI host bridge's BARs);
 * what it does not claim is counted. */
PVMM_HOT static int exit_mmio(struct vm *vm, struct vcpu *v,
			      struct kvm_run *run)
{
	unsigned len = run->mmio.len;

	(void)v;
	atomic_fetch_add(&vm->stats.exits[EXIT_MMIO], 1);
	if (len == 0 || len > sizeof(run->mmio.data))
		return 0;
	if (!vm->exits_to.mmio(vm->exits_to.ctx, run->mmio.phys_addr,
			       run->mmio.data, len, run->mmio.is_write))
		atomic_fetch_add(&vm->stats.exits_unclaimed, 1);
	return 0;
}

static int exit_intr(struct vm *vm, struct vcpu *v, struct kvm_run *run)
{
	atomic_fetch_add(&vm->stats.exits[EXIT_INTERRUPTED], 1);
	(void)v;
	(void)run;
	return 0;
}

static int exit_fatal(struct vm *vm, struct vcpu *v, struct kvm_run *run)
{
	atomic_fetch_add(&vm->stats.exits[EXIT_OTHER], 1);
	fprintf(stderr, "pvmm: vCPU %d: guest stopped with KVM exit %u "
		"(hardware reason %#llx)\n", v->id, run->exit_reason,
		(unsigned long long)run->hw.hardware_exit_reason);
	vm_request_stop(vm, POWER_CRASH);
	return -1;
}

static exit_fn *const exit_handlers[] = {
	[KVM_EXIT_PAPR_HCALL] = exit_papr_hcall,
	[KVM_EXIT_MMIO] = exit_mmio,
	[KVM_EXIT_INTR] = exit_intr,
	[KVM_EXIT_UNKNOWN] = exit_fatal,
	[KVM_EXIT_FAIL_ENTRY] = exit_fatal,
	[KVM_EXIT_SHUTDOWN] = exit_fatal,
	[KVM_EXIT_INTERNAL_ERROR] = exit_fatal,
};

static enum exit_kind exit_kind_of(unsigned reason)
{
	switch (reason) {
	case KVM_EXIT_PAPR_HCALL: return EXIT_HCALL;
	case KVM_EXIT_MMIO: return EXIT_MMIO;
	case KVM_EXIT_INTR: return EXIT_INTERRUPTED;
	default: return EXIT_OTHER;
	}
}

/* The handler's time in timebase ticks: musl has no vDSO clock_gettime
 * on powerpc64 (a syscall each), the timebase is one user-readable SPR. */
static uint64_t ticks_to_ns(const struct kvm_vm *k, uint64_t ticks)
{
	return vm_ticks_to_ns(ticks, k->tb_hz);
}

/* Called as soon as KVM_RUN returns, at timebase @t0: the handler's time
 * is the exit's. */
PVMM_HOT static int vcpu_exit(struct vm *vm, struct vcpu *v,
			      struct kvm_run *run, uint64_t t0)
{
	unsigned r = run->exit_reason;
	exit_fn *fn = r < sizeof(exit_handlers) / sizeof(exit_handlers[0])
			      ? exit_handlers[r]
			      : NULL;
	int rc = (fn ? fn : exit_fatal)(vm, v, run);

	vm_exit_time(vm, exit_kind_of(r),
		     ticks_to_ns(kvm_of(vm),
				 __builtin_ppc_get_timebase() - t0));
	return rc;
}

/* --- the thread --------------------------------------------------------- */

/* KVM's RTAS hcall (KVMPPC_H_RTAS in the kernel's hvcall.h). */
#define KVM_H_RTAS	0xf000

/* KVM answers RTAS calls for its in-kernel XICS itself, and fails KVM_RUN
 * with EFAULT (buffer not readable in full) or EINVAL (16 or more args)
 * before it knows whose call it is.  The hcall exit is filled in all the
 * same: pvmm answers it, as for every other RTAS call (H_PARAMETER for a
 * bad buffer), instead of treating the guest's error as its own. */
static bool guest_fault(const struct kvm_run *run)
{
	return (errno == EFAULT || errno == EINVAL) &&
	       run->exit_reason == KVM_EXIT_PAPR_HCALL &&
	       run->papr_hcall.nr == KVM_H_RTAS;
}

/* KVM completes the exit userspace handled (an hcall's return into r3
 * and r4-r12, an MMIO load into its register) only on the next KVM_RUN;
 * with immediate_exit set, that KVM_RUN does just this and returns EINTR
 * without entering the guest (api.rst, "immediate_exit"). */
static void vcpu_complete_exit(struct kvm_vcpu *kv)
{
	kv->run->immediate_exit = 1;
	ioctl(kv->fd, KVM_RUN, 0);
	kv->run->immediate_exit = 0;
}

static void vcpu_park(struct kvm_vm *k, struct kvm_vcpu *kv, bool on)
{
	if (kv->parked == on)
		return;
	kv->parked = on;
	k->nparked += on ? 1 : -1;
	if (on)
		pthread_cond_broadcast(&k->wake);
}

/* Wait while stopped or paused; false once the machine is stopping.  A
 * vCPU that pauses completes its last exit first, with the lock dropped
 * (vm_pause waits for it to park).  *asked says whether attention was
 * set: the caller then picks up the requests (vcpu_prepare).  A running
 * vCPU with nothing asked passes without the lock: a power-off is seen
 * on this load or the next exit's (vm_request_stop kicks the vCPUs out
 * of KVM_RUN).  attention is cleared before pause and the state are
 * read, and again under the lock before it is dropped: a request made
 * after either sets it again (and kicks) and is seen next time. */
PVMM_HOT static bool vcpu_wait_running(struct vm *vm, struct vcpu *v,
				       bool *asked)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = kvm_vcpu_of(v);
	bool on;

	*asked = atomic_exchange(&kv->attention, false);
	if (!*asked && atomic_load(&vm->power) == POWER_ON &&
	    atomic_load(&v->state) != VCPU_STOPPED)
		return true;
	pthread_mutex_lock(&k->lock);
	while ((on = atomic_load(&vm->power) == POWER_ON)) {
		if (k->pause && !kv->parked &&
		    atomic_load(&v->state) == VCPU_RUNNING && v->ran) {
			pthread_mutex_unlock(&k->lock);
			vcpu_complete_exit(kv);
			pthread_mutex_lock(&k->lock);
		} else if (!k->pause &&
			   atomic_load(&v->state) == VCPU_RUNNING) {
			break;
		}
		vcpu_park(k, kv, true);
		pthread_cond_wait(&k->wake, &k->lock);
	}
	vcpu_park(k, kv, false);
	if (atomic_exchange(&kv->attention, false))
		*asked = true;
	pthread_mutex_unlock(&k->lock);
	return on;
}

/* Everything a vCPU must pick up before entering the guest. */
static int vcpu_prepare(struct vm *vm, struct vcpu *v)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = kvm_vcpu_of(v);
	bool start, boot, sreset;
	unsigned gen;
	int err = 0;

	pthread_mutex_lock(&k->lock);
	start = kv->start_pending;
	kv->start_pending = false;
	boot = kv->boot_entry;
	kv->boot_entry = false;
	sreset = kv->sreset_pending;
	kv->sreset_pending = false;
	gen = k->lpcr_gen;
	pthread_mutex_unlock(&k->lock);

	if (start)
		err = vcpu_load_start(vm, v, boot);
	if (!err && gen != kv->lpcr_gen) {
		err = kvm_vcpu_sync_lpcr(vm, v);
		kv->lpcr_gen = gen;
	}
	if (!err && sreset)
		err = vcpu_deliver_sreset(vm, v);
	return err;
}

/* This thread's time on and waiting for a host CPU, from the scheduler:
 * @fd is its schedstat, opened as the thread started (its sandbox opens
 * no files). */
static void read_schedstat(struct vcpu_stats *st, int fd)
{
	char buf[128], *end, *end2;
	unsigned long long run, wait;
	ssize_t n;

	if (fd < 0)
		return;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* "RUN_NS WAIT_NS SLICES" */
	run = strtoull(buf, &end, 10);
	wait = strtoull(end, &end2, 10);
	if (end != buf && end2 != end) {
		st->run_ns = run;
		st->wait_ns = wait;
	}
}

/* pvmm's own time per exit (vcpu_stats.user_ns), in timebase ticks while
 * the thread runs: one more timebase read per exit, no system call. */
struct user_time {
	uint64_t ret;	/* KVM_RUN's last return; 0: none to count */
	uint64_t ticks; /* summed */
	uint64_t exits;
};

/* Before KVM_RUN: the time since the last return is pvmm's own, unless
 * the vCPU picked up a request meanwhile (@asked: it may have waited,
 * paused or stopped). */
static void user_time_enter(struct user_time *u, bool asked)
{
	if (u->ret && !asked) {
		u->ticks += __builtin_ppc_get_timebase() - u->ret;
		u->exits++;
	}
}

/* Gather what the report says of this vCPU, as it stops. */
static void vcpu_collect_stats(struct vm *vm, struct vcpu *v, uint64_t start_ns,
			       int schedstat_fd, const struct user_time *u)
{
	struct vcpu_stats *st = &v->stats;
	struct vcpu_papr papr;
	int fd = ioctl(kvm_vcpu_of(v)->fd, KVM_GET_STATS_FD, 0);

	if (fd >= 0) {
		kvm_stats_read(fd, &st->kvm);
		close(fd);
	}
	read_schedstat(st, schedstat_fd);
	st->wall_ns = vm_now_ns() - start_ns;
	st->user_ns = ticks_to_ns(kvm_of(vm), u->ticks);
	st->user_exits = u->exits;
	st->vpa_addr = 0;
	if (hv_vcpu_get_papr(vm, v, &papr) == 0)
		st->vpa_addr = papr.vpa_addr;
}

PVMM_HOT void *kvm_vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct kvm_vcpu *kv = kvm_vcpu_of(v);
	struct vm *vm = kv->vm;
	uint64_t start_ns = vm_now_ns();
	struct user_time user = {0};
	char name[16];
	int err, schedstat_fd, ran;
	bool asked;

	/* Named for harnesses and ps: /proc/PID/task/TID/comm. */
	snprintf(name, sizeof(name), "pvmm-vcpu%d", v->id);
	thread_name(name);
	/* Pinned before it ever runs the guest; main checked the CPU is
	 * one the process may use. */
	if (v->host_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(v->host_cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0) {
			fprintf(stderr, "pvmm: vCPU %d: cannot pin it to CPU "
				"%d: %s\n", v->id, v->host_cpu,
				strerror(errno));
			vm_request_stop(vm, POWER_ERROR);
		}
	}
	schedstat_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	/* Set up: from here on only what the vCPU's sandbox allows. */
	if ((err = thread_ready(THREAD_VCPU)) < 0) {
		fprintf(stderr, "pvmm: vCPU %d: cannot enter its sandbox: %s\n",
			v->id, strerror(-err));
		vm_request_stop(vm, POWER_ERROR);
	}
	while (vcpu_wait_running(vm, v, &asked)) {
		/* attention was cleared before the flags are read under the
		 * lock: a request made meanwhile sets it again. */
		err = asked ? vcpu_prepare(vm, v) : 0;
		if (err) {
			fprintf(stderr, "pvmm: vCPU %d: cannot set its "
				"registers: %s\n", v->id, strerror(-err));
			vm_request_stop(vm, POWER_ERROR);
			break;
		}
		vm_mark(vm, PHASE_FIRST_ENTRY);
		v->ran = true;
		/* A KVM_RUN that fails before KVM fills in an exit leaves the
		 * last one in the run area: guest_fault must not take that
		 * old RTAS call for a new one and answer it again (issue 14). */
		kv->run->exit_reason = KVM_EXIT_UNKNOWN;
		user_time_enter(&user, asked);
		ran = ioctl(kv->fd, KVM_RUN, 0);
		user.ret = __builtin_ppc_get_timebase();
		if (ran < 0 && !guest_fault(kv->run)) {
			if (errno == EINTR || errno == EAGAIN) {
				atomic_fetch_add(&vm->stats.exits[EXIT_INTERRUPTED], 1);
				kv->run->immediate_exit = 0;
				continue;
			}
			fprintf(stderr, "pvmm: vCPU %d: KVM_RUN: %s\n", v->id,
				strerror(errno));
			vm_request_stop(vm, POWER_ERROR);
			break;
		}
		if (vcpu_exit(vm, v, kv->run, user.ret) < 0)
			break;
	}
	vcpu_collect_stats(vm, v, start_ns, schedstat_fd, &user);
	return NULL;
}
