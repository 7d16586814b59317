/* The seccomp sandbox (sandbox.h).  Each thread enters its own filter
 * once set up, through the cpu/thread.h hook: the event loop after its
 * ring exists, each vCPU before it first enters the guest, the main
 * thread once every vCPU thread exists and before any of them runs (the
 * backend holds them back until then, cpu/kvm/vm.c vm_run).  A filter
 * stays with the thread; threads made afterwards would inherit it, which
 * is why main takes its own last. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "sandbox.h"
#include "tty.h"

static struct sandbox_options sb = {.off = true, .violate = -1};

/* The filter this thread runs under, for the SIGSYS report. */
static _Thread_local int sb_kind = -1;

static const char *const kind_names[THREAD_KINDS] = {
	[THREAD_MAIN] = "main",
	[THREAD_VCPU] = "vCPU",
	[THREAD_IO] = "I/O",
	[THREAD_MIG] = "API worker",
};

const char *sandbox_syscall_name(long nr)
{
	if (nr < 0 || (unsigned long)nr >= sandbox_nsyscall_names ||
	    !sandbox_syscall_off[nr])
		return NULL;
	return sandbox_syscall_text + sandbox_syscall_off[nr];
}

/* Appending to a bounded line, without stdio (signal handler). */
struct line {
	char *buf;
	size_t len, n;
};

static void put_str(struct line *l, const char *s)
{
	for (; *s; s++) {
		if (l->n + 1 < l->len)
			l->buf[l->n] = *s;
		l->n++;
	}
}

static void put_hex(struct line *l, unsigned v)
{
	char d[11] = "0x";

	for (int i = 0; i < 8; i++)
		d[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xf];
	d[10] = '\0';
	put_str(l, d);
}

static void put_num(struct line *l, long v)
{
	char d[24];
	int i = (int)sizeof(d) - 1;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	d[i] = '\0';
	do
		d[--i] = (char)('0' + u % 10);
	while ((u /= 10) && i > 1);
	if (v < 0)
		d[--i] = '-';
	put_str(l, d + i);
}

size_t sandbox_report(char *buf, size_t len, enum thread_kind kind, long nr,
		      unsigned long arg1)
{
	struct line l = {buf, len, 0};
	const char *name = sandbox_syscall_name(nr);

	put_str(&l, "pvmm: sandbox: the ");
	put_str(&l,
		(unsigned)kind < THREAD_KINDS ? kind_names[kind] : "unknown");
	put_str(&l, " thread made system call ");
	put_str(&l, name ? name : "?");
	put_str(&l, " (");
	put_num(&l, nr);
	put_str(&l, ")");
	if (name && !strcmp(name, "ioctl")) {
		put_str(&l, " with request ");
		put_hex(&l, (unsigned)arg1);
	}
	put_str(&l, ", which its seccomp filter forbids; stopping (exit ");
	put_num(&l, PVMM_EXIT_SANDBOX);
	put_str(&l, ")\n");
	if (len == 0)
		return 0;
	if (l.n >= len) { /* truncated: keep the line a line */
		l.n = len - 1;
		if (l.n > 0)
			buf[l.n - 1] = '\n';
	}
	buf[l.n] = '\0';
	return l.n;
}

/* The trapped call's second argument (an ioctl's request), from the
 * registers it was made with. */
static unsigned long trapped_arg1(const void *uc)
{
	const ucontext_t *u = uc;

#if defined(__powerpc64__)
	return u->uc_mcontext.gp_regs[4];
#elif defined(__x86_64__)
	return (unsigned long)u->uc_mcontext.gregs[REG_RSI];
#else
	(void)u;
	return 0;
#endif
}

/* Only calls every filter allows: the tty's ioctl, write, exit_group. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char line[240];
	size_t n;

	(void)sig;
	tty_restore_now();
	n = sandbox_report(line, sizeof(line), (enum thread_kind)sb_kind,
			   si->si_syscall, trapped_arg1(uc));
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to say it */
	}
	/* The system call itself: a libc's or sanitizer's _exit may want
	 * more than the filter allows. */
	syscall(SYS_exit_group, PVMM_EXIT_SANDBOX);
}

int sandbox_setup(const struct sandbox_options *o)
{
	struct sigaction sa = {.sa_sigaction = on_sigsys,
			       .sa_flags = SA_SIGINFO};

	sb = *o;
	if (sb.off)
		return 0;
	/* A kernel without seccomp says so here, not in a thread later. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
		return -errno;
	/* Nothing else may run on that thread while it reports. */
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	thread_ready_hook(sandbox_enter);
	return 0;
}

/* --debug-seccomp-violation: what a taken-over thread might try first,
 * harmless if it were allowed: a network socket. */
static void violate(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
}

int sandbox_enter(enum thread_kind kind)
{
	const struct sandbox_filter *f;
	struct sock_fprog prog;

	if (sb.off)
		return 0;
	if ((unsigned)kind >= THREAD_KINDS)
		return -EINVAL;
	f = &sandbox_filters[kind == THREAD_MAIN && sb.debug_main
				     ? SANDBOX_MAIN_DEBUG
				     : (int)kind];
	prog = (struct sock_fprog){.len = f->len,
				   .filter = (struct sock_filter *)f->insns};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	sb_kind = (int)kind;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return -errno;
	if ((int)kind == sb.violate)
		violate();
	return 0;
}
