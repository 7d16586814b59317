/* The seccomp sandbox (sandbox.h): the rules' table (tools/seccomp/rules.c),
 * the SIGSYS report, and the generated filters themselves, here the
 * native (x86_64) build's, enforced on a child process: what a thread
 * kind may do passes, anything else ends the process with the report and
 * PVMM_EXIT_SANDBOX. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "report.h"
#include "sandbox.h"
#include "tests/unit/unit.h"
#include "tools/seccomp/rules.h"

/* The number of system call @name in the generated table, or -1. */
static long nr_of(const char *name)
{
	for (unsigned i = 0; i < sandbox_nsyscall_names; i++)
		if (sandbox_syscall_name(i) &&
		    !strcmp(sandbox_syscall_name(i), name))
			return i;
	return -1;
}

static void report_line(void **state)
{
	char buf[200], want[200];
	long nr = nr_of("socket");
	size_t n;

	(void)state;
	assert_true(nr >= 0);
	n = sandbox_report(buf, sizeof(buf), THREAD_VCPU, nr, 0);
	snprintf(want, sizeof(want),
		 "pvmm: sandbox: the vCPU thread made "
		 "system call socket (%ld), which its seccomp filter forbids; "
		 "stopping (exit 159)\n",
		 nr);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
	sandbox_report(buf, sizeof(buf), THREAD_IO, nr_of("execve"), 0);
	assert_non_null(
		strstr(buf, "the I/O thread made system call execve ("));
	sandbox_report(buf, sizeof(buf), THREAD_MAIN, nr_of("openat"), 0);
	assert_non_null(strstr(buf, "the main thread made system call openat"));
}

/* An ioctl's request is named, whatever the upper bits: the kernel
 * reads 32. */
static void report_ioctl(void **state)
{
	char buf[200], want[100];

	(void)state;
	sandbox_report(buf, sizeof(buf), THREAD_VCPU, nr_of("ioctl"),
		       0xffffffff8040ae9fUL);
	snprintf(want, sizeof(want),
		 "system call ioctl (%ld) with request "
		 "0x8040ae9f, which",
		 nr_of("ioctl"));
	assert_non_null(strstr(buf, want));
	sandbox_report(buf, sizeof(buf), THREAD_VCPU, nr_of("read"), 0x1234);
	assert_null(strstr(buf, "request"));
}

/* A number with no name, a negative one, a kind out of range. */
static void report_unknown(void **state)
{
	char buf[200];

	(void)state;
	sandbox_report(buf, sizeof(buf), THREAD_VCPU, 99999, 0);
	assert_non_null(strstr(buf, "system call ? (99999),"));
	sandbox_report(buf, sizeof(buf), THREAD_VCPU, -7, 0);
	assert_non_null(strstr(buf, "system call ? (-7),"));
	sandbox_report(buf, sizeof(buf), (enum thread_kind)42, 0, 0);
	assert_non_null(strstr(buf, "the unknown thread"));
	assert_null(sandbox_syscall_name(-1));
	assert_null(sandbox_syscall_name(100000));
	assert_null(sandbox_syscall_name(sandbox_nsyscall_names));
#ifdef __x86_64__
	/* x86_64 numbers nothing between 335 and 423: offset 0, no name */
	assert_null(sandbox_syscall_name(400));
	assert_string_equal(sandbox_syscall_name(424), "pidfd_send_signal");
#endif
	/* the first and the last names of the table */
	assert_string_equal(sandbox_syscall_name(0),
			    sandbox_syscall_text + sandbox_syscall_off[0]);
	assert_non_null(sandbox_syscall_name(sandbox_nsyscall_names - 1));
}

/* Cut to the buffer, still one line; the length it would have had. */
static void report_cut(void **state)
{
	char buf[16], full[200];
	size_t n = sandbox_report(full, sizeof(full), THREAD_IO, 1, 0);

	(void)state;
	assert_true(n > sizeof(buf));
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(sandbox_report(buf, sizeof(buf), THREAD_IO, 1, 0),
			 sizeof(buf) - 1);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
	assert_int_equal(buf[sizeof(buf) - 2], '\n');
	assert_memory_equal(buf, full, sizeof(buf) - 2);
	buf[0] = 'y';
	assert_int_equal(sandbox_report(buf, 0, THREAD_IO, 1, 0), 0);
	assert_int_equal(buf[0], 'y');
	assert_int_equal(sandbox_report(buf, 1, THREAD_IO, 1, 0), 0);
	assert_int_equal(buf[0], '\0');
}

/* The names are this build's architecture's numbers, not another's. */
static void names_are_native(void **state)
{
	(void)state;
	assert_string_equal(sandbox_syscall_name(SYS_write), "write");
	assert_string_equal(sandbox_syscall_name(SYS_ioctl), "ioctl");
	assert_string_equal(sandbox_syscall_name(SYS_socket), "socket");
	assert_string_equal(sandbox_syscall_name(SYS_execve), "execve");
}

static bool in_table(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return true;
	return false;
}

/* Each row is whole and said once; ioctl rows name a known request. */
static void rules_well_formed(void **state)
{
	(void)state;
	assert_true(sandbox_nrules > 20);
	for (size_t i = 0; i < sandbox_nrules; i++) {
		const struct sandbox_rule *r = &sandbox_rules[i];

		assert_true(r->filters != 0);
		assert_true(r->filters < (1u << SANDBOX_NFILTERS));
		assert_non_null(r->syscall);
		assert_true(nr_of(r->syscall) >= 0 ||
			    !strcmp(r->syscall, "newfstatat") ||
			    !strcmp(r->syscall, "epoll_wait") ||
			    !strcmp(r->syscall, "_llseek"));
		assert_non_null(r->why);
		assert_true(strlen(r->why) > 3);
		if (r->ioctl) {
			assert_string_equal(r->syscall, "ioctl");
			assert_true(in_table(sandbox_ioctl_names,
					     sandbox_nioctl_names, r->ioctl));
		}
		for (size_t j = 0; j < i; j++) {
			const struct sandbox_rule *o = &sandbox_rules[j];

			if (strcmp(o->syscall, r->syscall) ||
			    !(o->filters & r->filters))
				continue;
			/* The same call in the same filter twice: only
			 * with different requests or arguments. */
			assert_true(
				(o->ioctl && r->ioctl &&
				 strcmp(o->ioctl, r->ioctl)) ||
				o->arg.on != r->arg.on ||
				(o->arg.on && (o->arg.idx != r->arg.idx ||
					       o->arg.value != r->arg.value)) ||
				(o->ioctl == NULL) != (r->ioctl == NULL));
		}
	}
}

static bool allowed(unsigned filter, const char *syscall, const char *ioctl)
{
	for (size_t i = 0; i < sandbox_nrules; i++) {
		const struct sandbox_rule *r = &sandbox_rules[i];

		if (!(r->filters & (1u << filter)) ||
		    strcmp(r->syscall, syscall))
			continue;
		if (!ioctl || !r->ioctl || !strcmp(r->ioctl, ioctl))
			return true;
	}
	return false;
}

/* What no thread may do once the guest runs, and what only some may. */
static void rules_deny(void **state)
{
	static const char *const never[] = {
		"execve",	 "execveat",
		"fork",		 "vfork",
		"clone",	 "clone3",
		"ptrace",	 "mprotect",
		"pkey_mprotect", "setuid",
		"setgid",	 "mount",
		"bpf",		 "process_vm_writev",
		"kill",		 "rmdir",
		"bind",		 "listen",
		"memfd_create",	 "init_module",
		"reboot",	 "prctl",
		"seccomp",	 "personality",
	};

	(void)state;
	for (unsigned f = 0; f < SANDBOX_NFILTERS; f++)
		for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
			assert_false(allowed(f, never[i], NULL));
	/* Only vCPU threads run a vCPU; nobody makes a VM but the debug
	 * aids' main thread. */
	assert_true(allowed(THREAD_VCPU, "ioctl", "KVM_RUN"));
	assert_false(allowed(THREAD_IO, "ioctl", "KVM_RUN"));
	assert_false(allowed(THREAD_MAIN, "ioctl", "KVM_RUN"));
	for (unsigned f = 0; f < THREAD_KINDS; f++)
		assert_false(allowed(f, "ioctl", "KVM_CREATE_VM"));
	assert_true(allowed(SANDBOX_MAIN_DEBUG, "ioctl", "KVM_CREATE_VM"));
	/* No opening files but the main thread's, for writing. */
	for (unsigned f = THREAD_VCPU; f <= THREAD_IO; f++) {
		assert_false(allowed(f, "open", NULL));
		assert_false(allowed(f, "openat", NULL));
	}
	/* The --api worker: snapshot files and a migration's reads of KVM
	 * state and the dirty log, nothing that runs or serves the guest;
	 * only it and main (the socket, at the end) remove a file. */
	assert_true(allowed(THREAD_MIG, "ioctl", "KVM_GET_DIRTY_LOG"));
	assert_true(allowed(THREAD_MIG, "ioctl", "KVM_GET_ONE_REG"));
	assert_true(allowed(THREAD_MIG, "openat", NULL));
	assert_false(allowed(THREAD_MIG, "ioctl", "KVM_RUN"));
	assert_false(allowed(THREAD_MIG, "ioctl", "KVM_SET_ONE_REG"));
	assert_false(allowed(THREAD_MIG, "socket", NULL));
	assert_false(allowed(THREAD_MIG, "connect", NULL));
	assert_false(allowed(THREAD_MIG, "accept4", NULL));
	for (unsigned f = THREAD_MAIN; f <= THREAD_IO; f++) {
		assert_false(allowed(f, "ioctl", "KVM_GET_DIRTY_LOG"));
		assert_false(allowed(f, "ioctl", "KVM_SET_USER_MEMORY_REGION"));
		assert_false(allowed(f, "rename", NULL));
	}
	assert_false(allowed(THREAD_VCPU, "unlink", NULL));
	assert_false(allowed(THREAD_IO, "unlink", NULL));
	for (size_t i = 0; i < sandbox_nrules; i++) {
		const struct sandbox_rule *r = &sandbox_rules[i];

		if (!strcmp(r->syscall, "openat") &&
		    (r->filters & (R_MAIN_ONLY | R_MIG)))
			assert_true(r->arg.on && r->arg.idx == 2 &&
				    r->arg.mask == O_ACCMODE &&
				    r->arg.value == O_WRONLY);
		if (!strcmp(r->syscall, "socket"))
			assert_true(r->arg.on && r->arg.idx == 0 &&
				    r->arg.value == AF_UNIX &&
				    r->filters == R_IO);
		if (!strcmp(r->syscall, "mmap") && r->filters != R_DEBUG)
			assert_true(r->arg.on && r->arg.idx == 2 &&
				    r->arg.mask == 4 /* PROT_EXEC */ &&
				    r->arg.value == 0);
	}
}

/* --- the filters, enforced on a child ---------------------------------- */

enum probe {
	P_VCPU_ALLOWED,	  /* KVM_RUN (also sign-extended), write, mmap */
	P_VCPU_SOCKET,	  /* forbidden: socket */
	P_VCPU_IOCTL,	  /* forbidden: KVM_CREATE_VM */
	P_VCPU_EXEC_MMAP, /* forbidden: executable memory */
	P_IO_UNIX,	  /* a unix socket: allowed */
	P_IO_INET,	  /* forbidden: socket(AF_INET) */
	P_MAIN_WRITE,	  /* a file for writing: allowed */
	P_MAIN_READ,	  /* forbidden: a file for reading */
	P_MIG_FILE,	  /* a snapshot's file: write, rename, unlink */
	P_MIG_READ,	  /* forbidden: a file for reading */
	P_MIG_SOCKET,	  /* forbidden: socket(AF_UNIX) */
	P_MAIN_REPORT,	  /* /proc/self/status opened before, read twice */
	P_OFF,		  /* --no-seccomp: anything */
	P_VIOLATE,	  /* --debug-seccomp-violation io */
};

static char probe_path[64];

/* The --api worker's snapshot file: FILE.part written, renamed to FILE
 * (kept for the parent to see), a second .part removed. */
static int mig_file(void)
{
	char part[80], dirty_log[16] = {0};
	int fd;

	snprintf(part, sizeof(part), "%s.part", probe_path);
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	/* musl's open() follows O_CLOEXEC with fcntl(F_SETFD) (for kernels
	 * that ignored the flag); glibc's does not, so do it as musl does. */
	if (fd < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return 1;
	if (write(fd, "snap", 4) != 4 || ftruncate(fd, 8192) < 0 ||
	    lseek(fd, 0, SEEK_SET) != 0 || close(fd) < 0)
		return 1;
	if (rename(part, probe_path) < 0)
		return 2;
	fd = open(part, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0 || unlink(part) < 0)
		return 3;
	/* The dirty log's ioctl passes the filter (then EBADF); so does
	 * the XIVE freeze's (a source's PQ, a queue sync). */
	if (ioctl(-1, KVM_GET_DIRTY_LOG, dirty_log) != -1 || errno != EBADF)
		return 4;
	if (ioctl(-1, KVM_SET_DEVICE_ATTR, dirty_log) != -1 || errno != EBADF)
		return 4;
	return 0;
}

/* In the child: enter a filter, do what @p says; 0 if every allowed call
 * did what it should, 1-9 if not; a forbidden call never returns. */
static int probe_child(enum probe p)
{
	struct sandbox_options o = {.violate = -1};
	enum thread_kind kind =
		p >= P_IO_UNIX && p <= P_IO_INET ? THREAD_IO
		: p == P_MAIN_WRITE || p == P_MAIN_READ || p == P_MAIN_REPORT
			? THREAD_MAIN
		: p >= P_MIG_FILE && p <= P_MIG_SOCKET ? THREAD_MIG
						       : THREAD_VCPU;
	void *m;
	int fd;

	o.off = p == P_OFF;
	if (p == P_VIOLATE) {
		o.violate = THREAD_IO;
		kind = THREAD_IO;
	}
	/* --report's /proc/self files are opened before the sandbox. */
	if (p == P_MAIN_REPORT && report_prepare() < 0)
		return 9;
	if (sandbox_setup(&o) < 0 || sandbox_enter(kind) < 0)
		return 9;
	switch (p) {
	case P_VCPU_ALLOWED:
		if (ioctl(-1, KVM_RUN, 0) != -1 || errno != EBADF)
			return 1;
		/* As musl passes an _IOW request: sign-extended. */
		if (syscall(SYS_ioctl, -1, 0xffffffff00000000UL | KVM_RUN, 0) !=
			    -1 ||
		    errno != EBADF)
			return 2;
		if (write(STDERR_FILENO, "vcpu-ok\n", 8) != 8)
			return 3;
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || munmap(m, 4096) < 0)
			return 4;
		return 0;
	case P_VCPU_SOCKET: socket(AF_INET, SOCK_STREAM, 0); return 5;
	case P_VCPU_IOCTL: ioctl(-1, KVM_CREATE_VM, 0); return 5;
	case P_VCPU_EXEC_MMAP:
		mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return 5;
	case P_IO_UNIX:
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		return fd >= 0 && close(fd) == 0 ? 0 : 1;
	case P_IO_INET: socket(AF_INET, SOCK_STREAM, 0); return 5;
	case P_MAIN_WRITE:
		fd = open(probe_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		return fd >= 0 && close(fd) == 0 ? 0 : 1;
	case P_MAIN_READ: open(probe_path, O_RDONLY); return 5;
	case P_MIG_FILE: return mig_file();
	case P_MIG_READ: open(probe_path, O_RDONLY); return 5;
	case P_MIG_SOCKET: socket(AF_UNIX, SOCK_STREAM, 0); return 5;
	case P_MAIN_REPORT:
		/* The report reads its memory figures as pvmm ends, with
		 * the main thread in its filter. */
		return report_status_kib("VmRSS:") > 0 &&
				       report_status_kib("VmHWM:") > 0
			       ? 0
			       : 1;
	case P_OFF:
		fd = socket(AF_INET, SOCK_STREAM, 0);
		return fd >= 0 && close(fd) == 0 ? 0 : 1;
	case P_VIOLATE: return 5; /* the violation came before */
	}
	return 8;
}

/* Run probe @p in a child; its exit status and what it wrote to stderr
 * (into @err). */
static int probe(enum probe p, char *err, size_t len)
{
	int pipefd[2], st;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		/* Not _exit(): the sanitizers' wants more than a filter
		 * allows. */
		syscall(SYS_exit_group, probe_child(p));
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], err + got, len - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st))
		fprintf(stderr, "probe %d: killed by signal %d; stderr: %s\n",
			p, WTERMSIG(st), err);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void filter_vcpu(void **state)
{
	char err[512], want[160];

	(void)state;
	assert_int_equal(probe(P_VCPU_ALLOWED, err, sizeof(err)), 0);
	assert_string_equal(err, "vcpu-ok\n");
	assert_int_equal(probe(P_VCPU_SOCKET, err, sizeof(err)),
			 PVMM_EXIT_SANDBOX);
	snprintf(want, sizeof(want),
		 "the vCPU thread made system call socket "
		 "(%d), which its seccomp filter forbids",
		 SYS_socket);
	assert_non_null(strstr(err, want));
	assert_int_equal(unit_lines(err), 1);
	assert_int_equal(probe(P_VCPU_IOCTL, err, sizeof(err)),
			 PVMM_EXIT_SANDBOX);
	snprintf(want, sizeof(want),
		 "the vCPU thread made system call ioctl "
		 "(%d) with request 0x%08x, which",
		 SYS_ioctl, (unsigned)KVM_CREATE_VM);
	assert_non_null(strstr(err, want));
	assert_int_equal(probe(P_VCPU_EXEC_MMAP, err, sizeof(err)),
			 PVMM_EXIT_SANDBOX);
	assert_non_null(strstr(err, "system call mmap"));
}

static void filter_io(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(probe(P_IO_UNIX, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(probe(P_IO_INET, err, sizeof(err)), PVMM_EXIT_SANDBOX);
	assert_non_null(strstr(err, "the I/O thread made system call socket"));
}

static void filter_main(void **state)
{
	char err[512];

	(void)state;
	snprintf(probe_path, sizeof(probe_path), "%s/pvmm-sb-%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	assert_int_equal(probe(P_MAIN_WRITE, err, sizeof(err)), 0);
	assert_int_equal(access(probe_path, F_OK), 0);
	assert_int_equal(probe(P_MAIN_READ, err, sizeof(err)),
			 PVMM_EXIT_SANDBOX);
	assert_non_null(strstr(err, "the main thread made system call open"));
	unlink(probe_path);
	assert_int_equal(probe(P_MAIN_REPORT, err, sizeof(err)), 0);
}

static void filter_mig(void **state)
{
	char err[512];

	(void)state;
	snprintf(probe_path, sizeof(probe_path), "%s/pvmm-sb-mig-%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	assert_int_equal(probe(P_MIG_FILE, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(access(probe_path, F_OK), 0);
	assert_int_equal(probe(P_MIG_READ, err, sizeof(err)),
			 PVMM_EXIT_SANDBOX);
	assert_non_null(
		strstr(err, "the API worker thread made system call open"));
	assert_int_equal(probe(P_MIG_SOCKET, err, sizeof(err)),
			 PVMM_EXIT_SANDBOX);
	assert_non_null(
		strstr(err, "the API worker thread made system call socket"));
	unlink(probe_path);
}

/* --no-seccomp lets everything through; the debug aid's violation is
 * reported like any other. */
static void filter_off_and_aid(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(probe(P_OFF, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(probe(P_VIOLATE, err, sizeof(err)), PVMM_EXIT_SANDBOX);
	assert_non_null(strstr(err, "the I/O thread made system call socket"));
}

static int seen_kind = -1;

static int record_kind(enum thread_kind kind)
{
	seen_kind = (int)kind;
	return kind == THREAD_IO ? -EPERM : 0;
}

/* The hook threads call once set up: nothing without one. */
static void thread_hook(void **state)
{
	(void)state;
	thread_ready_hook(NULL);
	assert_int_equal(thread_ready(THREAD_VCPU), 0);
	thread_ready_hook(record_kind);
	assert_int_equal(thread_ready(THREAD_VCPU), 0);
	assert_int_equal(seen_kind, THREAD_VCPU);
	assert_int_equal(thread_ready(THREAD_IO), -EPERM);
	assert_int_equal(seen_kind, THREAD_IO);
	thread_ready_hook(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(report_line),
		cmocka_unit_test(report_ioctl),
		cmocka_unit_test(report_unknown),
		cmocka_unit_test(report_cut),
		cmocka_unit_test(names_are_native),
		cmocka_unit_test(rules_well_formed),
		cmocka_unit_test(rules_deny),
		cmocka_unit_test(filter_vcpu),
		cmocka_unit_test(filter_io),
		cmocka_unit_test(filter_main),
		cmocka_unit_test(filter_mig),
		cmocka_unit_test(filter_off_and_aid),
		cmocka_unit_test(thread_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
