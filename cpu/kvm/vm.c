/* VM life cycle on KVM-HV: create the VM, its RAM slot, interrupt
 * controller and vCPUs; run them; tear down. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"
#include "cpu/thread.h"
#include "cpu/be.h"

#define DEFAULT_TIMEBASE_HZ	512000000ULL	/* POWER9 */
#define DEFAULT_CLOCK_HZ	1000000000ULL

/* A be32 property of the host's first cpu node, or @def. */
static uint64_t host_cpu_prop(const char *prop, uint64_t def)
{
	static const char *const paths[] = {
		"/proc/device-tree/cpus/PowerPC,POWER9@0/%s",
		"/proc/device-tree/cpus/PowerPC,POWER10@0/%s",
		"/proc/device-tree/cpus/PowerPC,POWER9@800/%s",
	};
	char path[128];
	uint8_t buf[4];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), paths[i], prop);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n == 4)
			return be32_load(buf);
	}
	return def;
}

static int vcpu_create(struct vm *vm, struct vcpu *v)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = &k->vcpu[v - vm->cpu];
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };

	v->hv = kv;
	kv->vm = vm;
	kv->fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->id);
	if (kv->fd < 0)
		return kvm_fail(k, "KVM_CREATE_VCPU");
	kv->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       kv->fd, 0);
	if (kv->run == MAP_FAILED)
		return kvm_fail(k, "mmap kvm_run");
	/* PAPR mode first: the XICS connection is refused before it. */
	if (ioctl(kv->fd, KVM_ENABLE_CAP, &papr) < 0)
		return kvm_fail(k, "KVM_ENABLE_CAP(PPC_PAPR)");
	if (k->xive_fd >= 0)
		return kvm_xive_connect(vm, v);
	return k->xics_fd >= 0 ? kvm_xics_connect(vm, v) : 0;
}

static int vm_memory(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.host,
	};

	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return kvm_fail(k, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static void smmu_to_mmu_info(const struct kvm_ppc_smmu_info *si,
			     struct mmu_info *mi)
{
	mi->slb_size = si->slb_size;
	for (int i = 0; i < KVM_PPC_PAGE_SIZES_MAX_SZ && i < MMU_MAX_SIZES;
	     i++) {
		const struct kvm_ppc_one_seg_page_size *sps = &si->sps[i];
		struct mmu_seg_size *seg = &mi->seg[mi->nseg];

		if (!sps->page_shift)
			continue;
		seg->shift = sps->page_shift;
		seg->slb_enc = sps->slb_enc;
		seg->nenc = 0;
		for (int j = 0; j < KVM_PPC_PAGE_SIZES_MAX_SZ &&
				j < MMU_MAX_SIZES; j++) {
			if (!sps->enc[j].page_shift)
				continue;
			seg->enc[seg->nenc].shift = sps->enc[j].page_shift;
			seg->enc[seg->nenc].pte_enc = sps->enc[j].pte_enc;
			seg->nenc++;
		}
		mi->nseg++;
	}
}

/* Page sizes from KVM, as it offers them (hpt/ keeps those guest RAM can
 * be backed with). */
static void vm_read_mmu(struct vm *vm, struct mmu_info *mi)
{
	struct kvm_ppc_smmu_info si;
	struct kvm_ppc_rmmu_info ri;
	int vm_fd = kvm_of(vm)->vm_fd;

	memset(mi, 0, sizeof(*mi));
	mi->slb_size = 32;
	memset(&si, 0, sizeof(si));
	if (ioctl(vm_fd, KVM_PPC_GET_SMMU_INFO, &si) == 0)
		smmu_to_mmu_info(&si, mi);
	memset(&ri, 0, sizeof(ri));
	if (ioctl(vm_fd, KVM_PPC_GET_RMMU_INFO, &ri) < 0)
		return;
	for (int i = 0; i < 8 && mi->nap < MMU_MAX_SIZES; i++) {
		uint32_t shift = ri.ap_encodings[i] & 0x3f;

		if (ri.ap_encodings[i] && shift <= 30)
			mi->radix_ap[mi->nap++] = ri.ap_encodings[i];
	}
}

/* SMT: KVM lays vCPUs out in virtual cores of threads_per_core, by id. */
static int vm_smt(struct vm *vm, const struct host *h)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_enable_cap smt = {
		.cap = KVM_CAP_PPC_SMT,
		.args = { (uint64_t)vm->threads_per_core, 0 },
	};
	int possible = ioctl(h->kvm_fd, KVM_CHECK_EXTENSION,
			     KVM_CAP_PPC_SMT_POSSIBLE);

	if (vm->threads_per_core == 1)
		return 0;
	if (possible <= 0 || !(possible & vm->threads_per_core)) {
		snprintf(k->why, sizeof(k->why), "--threads-per-core %d: this "
			 "host's KVM offers SMT modes %#x", vm->threads_per_core,
			 possible > 0 ? possible : 0);
		return -EINVAL;
	}
	if (ioctl(k->vm_fd, KVM_ENABLE_CAP, &smt) < 0)
		return kvm_fail(k, "KVM_ENABLE_CAP(PPC_SMT)");
	return 0;
}

/* Hash guests: allocate the HPT at the size the device tree will give. */
static int vm_hpt(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	uint32_t order = k->cfg.hpt_order;

	if (!order)
		return 0;
	if (ioctl(k->vm_fd, KVM_PPC_ALLOCATE_HTAB, &order) < 0)
		return kvm_fail(k, "KVM_PPC_ALLOCATE_HTAB");
	k->cfg.hpt_order = order;
	return 0;
}

static int one_reg_set32(int fd, uint64_t id, uint32_t val)
{
	struct kvm_one_reg r = {.id = id, .addr = (uintptr_t)&val};

	return ioctl(fd, KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

/* Run every vCPU at its processor's architected level, as QEMU's pseries
 * does after client-architecture negotiation: KVM then sets the PCR to
 * it (kvmppc_set_arch_compat).  All or none: a level KVM refuses leaves
 * the guest at the raw PVR. */
static uint32_t vm_arch_compat(struct vm *vm, uint32_t pvr)
{
	struct kvm_vm *k = kvm_of(vm);
	uint32_t level = pvr_arch_compat(pvr);

	if (!level)
		return 0;
	for (int i = 0; i < vm->ncpus; i++) {
		if (one_reg_set32(k->vcpu[i].fd, KVM_REG_PPC_ARCH_COMPAT,
				  level) == 0)
			continue;
		while (i-- > 0)
			one_reg_set32(k->vcpu[i].fd, KVM_REG_PPC_ARCH_COMPAT,
				      0);
		return 0;
	}
	return level;
}

/* LPCR[LD] on or off for one vCPU; whether it then reads back so. */
static bool vcpu_large_dec(int fd, bool on)
{
	uint64_t lpcr;

	if (kvm_one_reg_get(fd, KVM_REG_PPC_LPCR_64, &lpcr) < 0)
		return false;
	lpcr = on ? lpcr | LPCR_LD : lpcr & ~LPCR_LD;
	if (kvm_one_reg_set(fd, KVM_REG_PPC_LPCR_64, lpcr) < 0 ||
	    kvm_one_reg_get(fd, KVM_REG_PPC_LPCR_64, &lpcr) < 0)
		return false;
	return !!(lpcr & LPCR_LD) == on;
}

/* The large decrementer the host's CPUs have (its ibm,dec-bits), enabled
 * in every vCPU's LPCR (KVM lets userspace set LD on ISA 3.0 hosts);
 * the guest trusts ibm,dec-bits, so it is announced only when every vCPU
 * has LD.  0: the 32-bit decrementer. */
static uint32_t vm_large_dec(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	uint32_t bits = (uint32_t)host_cpu_prop("ibm,dec-bits", 0);

	if (bits <= 32 || bits > 64)
		return 0;
	for (int i = 0; i < vm->ncpus; i++) {
		if (vcpu_large_dec(k->vcpu[i].fd, true))
			continue;
		while (i-- > 0)
			vcpu_large_dec(k->vcpu[i].fd, false);
		return 0;
	}
	return bits;
}

static void vm_read_info(struct vm *vm, struct vm_info *info)
{
	struct kvm_sregs sregs;

	memset(&sregs, 0, sizeof(sregs));
	info->pvr = 0;
	if (ioctl(kvm_of(vm)->vcpu[0].fd, KVM_GET_SREGS, &sregs) == 0)
		info->pvr = sregs.pvr;
	info->timebase_hz = host_cpu_prop("timebase-frequency",
					  DEFAULT_TIMEBASE_HZ);
	kvm_of(vm)->tb_hz = (uint32_t)info->timebase_hz; /* a 32-bit cell */
	info->clock_hz = host_cpu_prop("clock-frequency", DEFAULT_CLOCK_HZ);
	info->hpt_order = kvm_of(vm)->cfg.hpt_order;
	vm_read_mmu(vm, &info->mmu);
	info->arch_compat = vm_arch_compat(vm, info->pvr);
	info->dec_bits = vm_large_dec(vm);
	/* POWER8 to POWER10 all have 32 KiB L1 caches. */
	info->dcache_size = (uint32_t)host_cpu_prop("d-cache-size", 32768);
	info->icache_size = (uint32_t)host_cpu_prop("i-cache-size", 32768);
}

/* What vm_create can refuse before it makes anything. */
static int vm_check(const struct vm *vm, const struct host *h, char *why,
		    size_t len)
{
	if (vm->ncpus > h->max_vcpus && h->max_vcpus > 0) {
		snprintf(why, len, "--cpus %d: this host's KVM allows %d",
			 vm->ncpus, h->max_vcpus);
		return -EINVAL;
	}
	/* main chose the controller from the same capabilities; this
	 * only guards the backend. */
	if (vm->irqchip == IRQCHIP_XIVE && !h->xive) {
		snprintf(why, len, "this host's KVM does not offer XIVE "
			 "exploitation mode (KVM_CAP_PPC_IRQ_XIVE)");
		return -ENODEV;
	}
	if (vm->irqchip != IRQCHIP_XIVE && !h->xics) {
		snprintf(why, len, "this host's KVM has no in-kernel XICS "
			 "interrupt controller (KVM_CAP_IRQ_XICS)");
		return -ENODEV;
	}
	return 0;
}

static int vm_build(struct vm *vm, const struct host *h,
		    const struct vm_config *cfg, struct vm_info *info)
{
	struct kvm_vm *k = kvm_of(vm);
	int run_size;
	int err;

	k->kvm_fd = h->kvm_fd;
	k->xics_fd = -1;
	k->xive_fd = -1;
	k->cfg = *cfg;
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->wake, NULL);
	vm->lpcr_ile = cfg->boot.little_endian;
	k->lpcr_gen = 1;

	run_size = ioctl(h->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return kvm_fail(k, "KVM_GET_VCPU_MMAP_SIZE");
	k->run_size = (size_t)run_size;
	k->vm_fd = ioctl(h->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (k->vm_fd < 0)
		return kvm_fail(k, "KVM_CREATE_VM (is kvm-hv loaded?)");
	if ((err = vm_memory(vm)) < 0 || (err = vm_smt(vm, h)) < 0 ||
	    (err = vm_hpt(vm)) < 0)
		return err;
	err = vm->irqchip == IRQCHIP_XIVE ? kvm_xive_create(vm) :
					    kvm_xics_create(vm);
	if (err < 0)
		return err;
	kvm_tce_enable_hcalls(vm);
	for (int i = 0; i < vm->ncpus; i++)
		if ((err = vcpu_create(vm, &vm->cpu[i])) < 0)
			return err;
	vm_read_info(vm, info);
	return 0;
}

int vm_create(struct vm *vm, const struct host *h,
	      const struct vm_config *cfg, struct vm_info *info, char *why,
	      size_t len)
{
	struct kvm_vm *k;
	int err = vm_check(vm, h, why, len);

	if (err)
		return err;
	k = calloc(1, sizeof(*k) + (size_t)vm->ncpus * sizeof(k->vcpu[0]));
	if (!k) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	vm->hv = k;
	err = vm_build(vm, h, cfg, info);
	if (err)
		snprintf(why, len, "%s", k->why);
	return err;
}

/* Both words cut to the bits KVM knows; a KVM that knows none (a pseries
 * host whose hypervisor did not answer leaves the masks 0) cannot tell. */
int hv_cpu_char(struct vm *vm, uint64_t *character, uint64_t *behaviour)
{
	struct kvm_ppc_cpu_char c;

	memset(&c, 0, sizeof(c));
	if (ioctl(kvm_of(vm)->vm_fd, KVM_PPC_GET_CPU_CHAR, &c) < 0)
		return -errno;
	if (!c.behaviour_mask)
		return -ENODATA;
	*character = c.character & c.character_mask;
	*behaviour = c.behaviour & c.behaviour_mask;
	return 0;
}

static void kick_handler(int sig)
{
	(void)sig;	/* only interrupts KVM_RUN */
}

int vm_run(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	struct sigaction sa = { .sa_handler = kick_handler };
	struct vcpu *boot = &vm->cpu[0];
	pthread_attr_t attr;
	int err = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	/* A restored guest goes on where its loaded registers say. */
	if (!vm->restored) {
		boot->start_pc = k->cfg.boot.pc;
		boot->start_r3 = k->cfg.boot.r3;
		k->vcpu[0].start_pending = true;
		k->vcpu[0].boot_entry = true;
		atomic_store(&boot->state, VCPU_RUNNING);
	}
	/* Every vCPU picks up the LPCR (lpcr_gen starts at 1) before it
	 * first enters: a restored one may be running from the start. */
	for (int i = 0; i < vm->ncpus; i++)
		atomic_store(&k->vcpu[i].attention, true);

	/* The lock holds every vCPU thread back before it first enters the
	 * guest (vcpu_wait_running) until this thread, which made them, is
	 * in its own sandbox: made last, so that they do not inherit it. */
	pthread_mutex_lock(&k->lock);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CONFIG_THREAD_STACK);
	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *kv = &k->vcpu[i];

		errno = pthread_create(&kv->thread, &attr, kvm_vcpu_thread,
				       &vm->cpu[i]);
		if (errno) {
			err = -errno;
			break;
		}
		kv->thread_started = true;
	}
	if (!err)
		err = thread_ready(THREAD_MAIN);
	pthread_mutex_unlock(&k->lock);
	if (err)
		vm_request_stop(vm, POWER_ERROR);
	pthread_attr_destroy(&attr);
	for (int i = 0; i < vm->ncpus; i++)
		if (k->vcpu[i].thread_started)
			pthread_join(k->vcpu[i].thread, NULL);
	return err;
}

void vm_destroy(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	if (!k)
		return;
	for (int i = 0; i < vm->ncpus; i++) {
		if (k->vcpu[i].run && k->vcpu[i].run != MAP_FAILED)
			munmap(k->vcpu[i].run, k->run_size);
		if (k->vcpu[i].fd > 0)
			close(k->vcpu[i].fd);
	}
	if (k->xics_fd >= 0)
		close(k->xics_fd);
	kvm_xive_destroy(k);
	if (k->vm_fd > 0)
		close(k->vm_fd);
	free(k);
	vm->hv = NULL;
}

/* --- the hv.h seam ------------------------------------------------------ */

/* Make a vCPU thread leave (or not enter) KVM_RUN.  immediate_exit covers
 * a thread that is about to enter; the signal one that is inside.  The
 * thread looks at what changed before it enters again. */
static void vcpu_kick(struct kvm_vcpu *kv)
{
	kv->run->immediate_exit = 1;
	pthread_kill(kv->thread, SIGUSR1);
}

void hv_kick_all(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *kv = &k->vcpu[i];

		if (kv->thread_started)
			vcpu_kick(kv);
	}
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
}

int vm_pause(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = 0, started = 0;

	if (!k)
		return -ESHUTDOWN;
	pthread_mutex_lock(&k->lock);
	if (k->pause) {
		pthread_mutex_unlock(&k->lock);
		return -EALREADY;
	}
	k->pause = true;
	for (int i = 0; i < vm->ncpus; i++) {
		/* The running vCPU takes the locked path and sees pause. */
		atomic_store(&k->vcpu[i].attention, true);
		if (!k->vcpu[i].thread_started)
			continue;
		started++;
		if (!k->vcpu[i].parked)
			vcpu_kick(&k->vcpu[i]);
	}
	pthread_cond_broadcast(&k->wake);
	/* A thread not started yet parks before it ever enters. */
	while (k->nparked < started && atomic_load(&vm->power) == POWER_ON)
		pthread_cond_wait(&k->wake, &k->lock);
	if (atomic_load(&vm->power) != POWER_ON) {
		k->pause = false;
		err = -ESHUTDOWN;
	}
	pthread_mutex_unlock(&k->lock);
	return err;
}

int vm_resume(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = 0;

	if (!k)
		return -EALREADY;
	pthread_mutex_lock(&k->lock);
	if (!k->pause)
		err = -EALREADY;
	else if (k->xive_fd >= 0)
		kvm_xive_thaw(k);
	k->pause = false;
	for (int i = 0; i < vm->ncpus; i++)
		atomic_store(&k->vcpu[i].attention, true);
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
	return err;
}

bool vm_paused(const struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	bool p;

	if (!k)
		return false;
	pthread_mutex_lock(&k->lock);
	p = k->pause;
	pthread_mutex_unlock(&k->lock);
	return p;
}

/* LPCR changes are applied by each vCPU's own thread before it next
 * enters the guest: another thread may be inside KVM_RUN. */
int hv_sync_lpcr(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	pthread_mutex_lock(&k->lock);
	k->lpcr_gen++;
	for (int i = 0; i < vm->ncpus; i++)
		atomic_store(&k->vcpu[i].attention, true);
	pthread_mutex_unlock(&k->lock);
	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *kv = &k->vcpu[i];

		if (kv->thread_started && kv->thread != pthread_self() &&
		    atomic_load(&vm->cpu[i].state) == VCPU_RUNNING)
			vcpu_kick(kv);
	}
	return 0;
}

int hv_configure_mmu(struct vm *vm, uint64_t flags, uint64_t proc_tbl)
{
	struct kvm_ppc_mmuv3_cfg cfg = { .flags = flags,
					 .process_table = proc_tbl };

	if (ioctl(kvm_of(vm)->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg) < 0)
		return -errno;
	return 0;
}

int hv_start_cpu(struct vm *vm, struct vcpu *v, uint64_t pc, uint64_t r3)
{
	struct kvm_vm *k = kvm_of(vm);
	int stopped = VCPU_STOPPED;

	pthread_mutex_lock(&k->lock);
	if (!atomic_compare_exchange_strong(&v->state, &stopped,
					    VCPU_RUNNING)) {
		pthread_mutex_unlock(&k->lock);
		return -EBUSY;
	}
	v->start_pc = pc;
	v->start_r3 = r3;
	kvm_vcpu_of(v)->start_pending = true;
	kvm_vcpu_of(v)->boot_entry = false;
	atomic_store(&kvm_vcpu_of(v)->attention, true);
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

int hv_set_sprg0(struct vm *vm, struct vcpu *v, uint64_t val)
{
	struct kvm_regs regs;
	int fd = kvm_vcpu_of(v)->fd;

	(void)vm;
	if (ioctl(fd, KVM_GET_REGS, &regs) < 0)
		return -errno;
	regs.sprg0 = val;
	if (ioctl(fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

int hv_system_reset(struct vm *vm, struct vcpu *v)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = kvm_vcpu_of(v);

	pthread_mutex_lock(&k->lock);
	kv->sreset_pending = true;
	atomic_store(&kv->attention, true);
	pthread_mutex_unlock(&k->lock);
	if (kv->thread_started && kv->thread != pthread_self())
		vcpu_kick(kv);
	return 0;
}

long hv_resize_hpt(struct vm *vm, bool commit, unsigned shift)
{
	struct kvm_ppc_resize_hpt rhpt = { .flags = 0, .shift = shift };
	long r = ioctl(kvm_of(vm)->vm_fd, commit ? KVM_PPC_RESIZE_HPT_COMMIT :
				KVM_PPC_RESIZE_HPT_PREPARE, &rhpt);

	return r < 0 ? -errno : r;
}
