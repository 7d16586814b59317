/* The filters pvmm itself carries (build/gen/ppc/seccomp_filters.c,
 * compiled here as data): made for ppc64le, with ppc64le's system call
 * and ioctl numbers, not the build machine's.  Linked alone: the other
 * unit tests carry the native filters. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <linux/seccomp.h>

#include "sandbox.h"
#include "tests/unit/unit.h"

#define AUDIT_ARCH_PPC64LE 0xc0000015u

/* ppc64le's numbers (arch/powerpc/kernel/syscalls/syscall.tbl) and
 * <linux/kvm.h>'s requests as POWER encodes them (_IO: 1 << 29). */
enum {
	PPC_WRITE = 4,
	PPC_OPEN = 5,
	PPC_EXECVE = 11,
	PPC_PTRACE = 26,
	PPC_IOCTL = 54,
	PPC_SOCKET = 326,
	PPC_LLSEEK = 140 /* musl's lseek() on ppc64le: SYS__llseek */
};
#define PPC_KVM_RUN	  0x2000ae80u
#define PPC_KVM_CREATE_VM 0x2000ae01u
#define PPC_KVM_GET_REGS  0x4188ae81u
#define AUDIT_ARCH_PPC	  0x00000014u

/* Whether filter @f compares anything with @k (a jump on equal). */
static bool compares(unsigned f, unsigned k)
{
	const struct sandbox_filter *p = &sandbox_filters[f];

	for (unsigned i = 0; i < p->len; i++)
		if (p->insns[i].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
		    p->insns[i].k == k)
			return true;
	return false;
}

static void made_for_ppc64le(void **state)
{
	(void)state;
	assert_string_equal(sandbox_filter_arch, "ppc64le");
	for (unsigned f = 0; f < SANDBOX_NFILTERS; f++) {
		const struct sock_filter *in = sandbox_filters[f].insns;

		assert_true(sandbox_filters[f].len > 10);
		/* First the architecture, and only ppc64le's. */
		assert_int_equal(in[0].code, BPF_LD | BPF_W | BPF_ABS);
		assert_int_equal(in[0].k, 4); /* seccomp_data.arch */
		assert_int_equal(in[1].code, BPF_JMP | BPF_JEQ | BPF_K);
		assert_int_equal(in[1].k, AUDIT_ARCH_PPC64LE);
	}
}

static void ppc64le_names(void **state)
{
	(void)state;
	assert_string_equal(sandbox_syscall_name(PPC_WRITE), "write");
	assert_string_equal(sandbox_syscall_name(PPC_OPEN), "open");
	assert_string_equal(sandbox_syscall_name(PPC_EXECVE), "execve");
	assert_string_equal(sandbox_syscall_name(PPC_PTRACE), "ptrace");
	assert_string_equal(sandbox_syscall_name(PPC_IOCTL), "ioctl");
	assert_string_equal(sandbox_syscall_name(PPC_SOCKET), "socket");
}

/* ppc64le's numbers where the rules put them: socket for the I/O thread
 * only, open for main only, KVM_RUN's request for vCPUs only, never
 * KVM_CREATE_VM (main's debug variant allows every request, so it names
 * none). */
static void ppc64le_numbers(void **state)
{
	(void)state;
	for (unsigned f = 0; f < SANDBOX_NFILTERS; f++) {
		assert_true(compares(f, PPC_IOCTL));
		assert_true(compares(f, PPC_WRITE));
		/* (not execve's 11: SIGSEGV's too, an argument checked) */
		assert_false(compares(f, PPC_PTRACE));
		assert_false(compares(f, PPC_KVM_CREATE_VM));
	}
	assert_true(compares(THREAD_IO, PPC_SOCKET));
	assert_false(compares(THREAD_VCPU, PPC_SOCKET));
	assert_false(compares(THREAD_MAIN, PPC_SOCKET));
	assert_true(compares(THREAD_MAIN, PPC_OPEN));
	assert_false(compares(THREAD_VCPU, PPC_OPEN));
	assert_false(compares(THREAD_IO, PPC_OPEN));
	assert_true(compares(THREAD_VCPU, PPC_KVM_RUN));
	assert_false(compares(THREAD_IO, PPC_KVM_RUN));
	assert_false(compares(THREAD_MAIN, PPC_KVM_RUN));
	/* The --api worker seeks in a snapshot file and its memfd. */
	assert_true(compares(THREAD_MIG, PPC_LLSEEK));
	assert_false(compares(THREAD_IO, PPC_LLSEEK));
	assert_false(compares(THREAD_MIG, PPC_SOCKET));
	assert_false(compares(THREAD_MIG, PPC_KVM_RUN));
}

/* What filter @f answers a call, and after how many instructions: a
 * classic BPF interpreter for the instructions seccomp filters use (the
 * kernel's checker allows no others in them).  The build machine and
 * ppc64le are both little-endian, so seccomp_data is laid out alike. */
struct verdict {
	uint32_t ret;
	unsigned steps;
};

/* Whether a conditional jump @in is taken with @a in the accumulator. */
static bool taken(const struct sock_filter *in, uint32_t a)
{
	switch (in->code) {
	case BPF_JMP | BPF_JEQ | BPF_K: return a == in->k;
	case BPF_JMP | BPF_JGT | BPF_K: return a > in->k;
	case BPF_JMP | BPF_JGE | BPF_K: return a >= in->k;
	case BPF_JMP | BPF_JSET | BPF_K: return (a & in->k) != 0;
	default: fail_msg("instruction %#x", in->code); return false;
	}
}

static struct verdict run_filter(unsigned f, uint32_t arch, int nr, uint64_t a1)
{
	const struct sandbox_filter *p = &sandbox_filters[f];
	struct seccomp_data d = {.nr = nr, .arch = arch};
	uint32_t a = 0;
	unsigned pc = 0, steps = 0;

	d.args[1] = a1;
	while (pc < p->len) {
		const struct sock_filter *in = &p->insns[pc++];

		steps++;
		if (in->code == (BPF_LD | BPF_W | BPF_ABS)) {
			assert_true(in->k + 4 <= sizeof(d));
			memcpy(&a, (const char *)&d + in->k, 4);
		} else if (in->code == (BPF_ALU | BPF_AND | BPF_K)) {
			a &= in->k;
		} else if (in->code == (BPF_RET | BPF_K)) {
			return (struct verdict){in->k, steps};
		} else if (in->code == (BPF_JMP | BPF_JA)) {
			pc += in->k;
		} else {
			pc += taken(in, a) ? in->jt : in->jf;
		}
	}
	fail_msg("filter %u ran off its end", f);
	return (struct verdict){0, steps};
}

/* Every exit costs the vCPU thread one KVM_RUN: its filter allows that
 * in its first 7 instructions (libseccomp's own order took 52),
 * and still answers everything else as the rules say: another request,
 * another system call, the sign-extended request musl passes, another
 * architecture. */
static void kvm_run_first(void **state)
{
	struct verdict v;

	(void)state;
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_IOCTL, PPC_KVM_RUN);
	assert_int_equal(v.ret, SECCOMP_RET_ALLOW);
	assert_in_range(v.steps, 1, 7);
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_IOCTL,
		       0xffffffff00000000ull | PPC_KVM_RUN);
	assert_int_equal(v.ret, SECCOMP_RET_ALLOW);
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_IOCTL,
		       PPC_KVM_GET_REGS);
	assert_int_equal(v.ret, SECCOMP_RET_ALLOW);
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_IOCTL,
		       PPC_KVM_CREATE_VM);
	assert_int_equal(v.ret, SECCOMP_RET_TRAP);
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_WRITE, 0);
	assert_int_equal(v.ret, SECCOMP_RET_ALLOW);
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_SOCKET, 0);
	assert_int_equal(v.ret, SECCOMP_RET_TRAP);
	/* KVM_RUN's number as another call's argument */
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC64LE, PPC_OPEN, PPC_KVM_RUN);
	assert_int_equal(v.ret, SECCOMP_RET_TRAP);
	v = run_filter(THREAD_VCPU, AUDIT_ARCH_PPC, PPC_IOCTL, PPC_KVM_RUN);
	assert_int_equal(v.ret, SECCOMP_RET_KILL_PROCESS);
	/* No other thread may run a guest, fast or slow. */
	for (unsigned f = 0; f < SANDBOX_NFILTERS; f++) {
		if (f == THREAD_VCPU || f == SANDBOX_MAIN_DEBUG)
			continue;
		v = run_filter(f, AUDIT_ARCH_PPC64LE, PPC_IOCTL, PPC_KVM_RUN);
		assert_int_equal(v.ret, SECCOMP_RET_TRAP);
	}
}

/* What sandbox.c would do with them, without sandbox.c. */
const char *sandbox_syscall_name(long nr)
{
	if (nr < 0 || (unsigned long)nr >= sandbox_nsyscall_names ||
	    !sandbox_syscall_off[nr])
		return NULL;
	return sandbox_syscall_text + sandbox_syscall_off[nr];
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made_for_ppc64le),
		cmocka_unit_test(ppc64le_names),
		cmocka_unit_test(ppc64le_numbers),
		cmocka_unit_test(kvm_run_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
