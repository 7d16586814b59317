/* The sandbox's rules (rules.h).  Only what a thread does after its set-up:
 * opening the kernel, the disks, the tap, the KVM VM and its vCPUs all
 * happen before (main.c), so no thread may open a file for reading,
 * create a process or thread, exec, map executable memory or reach the
 * network; only the vCPU threads may run a vCPU.  A row is the whole
 * reason a call is there: add one only with the code that needs it. */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "rules.h"

#define ARG(i, m, v)                                              \
	{                                                         \
		.on = true, .idx = (i), .mask = (m), .value = (v) \
	}
#define NOT_EXEC ARG(2, PROT_EXEC, 0)

/* A call allowed whatever its arguments; with one argument checked; an
 * ioctl request. */
#define SYS(f, name, why)                  \
	{                                  \
		(f), #name, NULL, {0}, why \
	}
#define SYS_IF(f, name, arg, why)          \
	{                                  \
		(f), #name, NULL, arg, why \
	}
#define IOCTL(f, req, why)                   \
	{                                    \
		(f), "ioctl", #req, {0}, why \
	}

const struct sandbox_rule sandbox_rules[] = {
	/* Every thread: messages, memory, locks, signals, leaving. */
	SYS(R_ALL, write, "stderr lines, console output, eventfds, --events"),
	SYS(R_ALL, writev, "stdio (stderr)"),
	SYS(R_ALL, futex, "mutexes, conditions, pthread_join"),
	SYS_IF(R_ALL, mmap, NOT_EXEC, "malloc; never executable"),
	SYS(R_ALL, munmap, "free, thread stacks after join"),
	SYS(R_ALL, mremap, "realloc"),
	SYS(R_ALL, madvise, "malloc returning memory"),
	SYS(R_ALL, brk, "malloc"),
	SYS(R_ALL, close, "fds done with (stats, sockets, eventfds, at exit)"),
	SYS(R_ALL, clock_gettime,
	    "report times, rate limits, RTC (when not in the vDSO)"),
	SYS(R_ALL, clock_nanosleep, "waits"),
	SYS(R_ALL, rt_sigprocmask, "libc around signals and exits"),
	SYS(R_ALL, rt_sigreturn, "the end of a signal handler (vCPU kick)"),
	SYS(R_ALL, restart_syscall, "a call interrupted by a signal"),
	SYS(R_ALL, tkill, "pthread_kill: kicking a vCPU out of KVM_RUN"),
	SYS(R_ALL, tgkill, "the same, other libcs"),
	SYS(R_ALL, sched_yield, "lock back-off"),
	SYS(R_ALL, gettid, "libc"),
	SYS(R_ALL, exit, "a thread ends"),
	SYS(R_ALL, exit_group, "pvmm ends"),
	/* tty.c's handler of a fatal signal puts the default action back and
	 * raises it again (and abort() does the same): for those signals
	 * only. */
	SYS_IF(R_ALL, rt_sigaction, ARG(0, ~0UL, SIGSEGV), "fatal signal"),
	SYS_IF(R_ALL, rt_sigaction, ARG(0, ~0UL, SIGBUS), "fatal signal"),
	SYS_IF(R_ALL, rt_sigaction, ARG(0, ~0UL, SIGABRT), "fatal signal"),
	SYS_IF(R_ALL, rt_sigaction, ARG(0, ~0UL, SIGFPE), "fatal signal"),
	SYS_IF(R_ALL, rt_sigaction, ARG(0, ~0UL, SIGILL), "fatal signal"),
	SYS_IF(R_ALL, rt_sigaction, ARG(0, ~0UL, SIGQUIT), "fatal signal"),
	IOCTL(R_ALL, TCSETSF,
	      "the terminal restored (exit, fatal signal, sandbox report)"),
	/* vCPU threads: running the guest and its exits (hcalls, RTAS,
	 * MMIO). */
	IOCTL(R_VCPU, KVM_RUN, "the guest runs"),
	IOCTL(R_VCPU, KVM_GET_REGS, "RTAS start-cpu, system reset"),
	IOCTL(R_VCPU, KVM_SET_REGS, "RTAS start-cpu, system reset"),
	IOCTL(R_VCPU, KVM_GET_SREGS, "vCPU state"),
	IOCTL(R_VCPU, KVM_GET_ONE_REG,
	      "H_SET_MODE, LPCR, VPA state, the report"),
	IOCTL(R_VCPU, KVM_SET_ONE_REG, "H_SET_MODE, LPCR, start-cpu"),
	IOCTL(R_VCPU | R_IO, KVM_IRQ_LINE_STATUS,
	      "vty, EPOW and INTx interrupts"),
	IOCTL(R_VCPU | R_IO, KVM_IRQFD, "an MSI's irqfd, made on first use"),
	IOCTL(R_VCPU | R_IO, KVM_IOEVENTFD,
	      "queue notify addresses (driver ok, reset)"),
	IOCTL(R_VCPU, KVM_CHECK_EXTENSION,
	      "RTAS ibm,create-pe-dma-window: a TCE table in KVM?"),
	IOCTL(R_VCPU, KVM_CREATE_SPAPR_TCE_64, "RTAS ibm,create-pe-dma-window"),
	IOCTL(R_VCPU, KVM_PPC_CONFIGURE_V3_MMU,
	      "H_REGISTER_PROC_TBL: the radix guest's process table"),
	IOCTL(R_VCPU, KVM_PPC_RESIZE_HPT_PREPARE, "H_RESIZE_HPT_PREPARE"),
	IOCTL(R_VCPU, KVM_PPC_RESIZE_HPT_COMMIT, "H_RESIZE_HPT_COMMIT"),
	IOCTL(R_VCPU, KVM_GET_STATS_FD,
	      "KVM's counters for the report, as the vCPU stops"),
	IOCTL(R_VCPU, KVM_SET_DEVICE_ATTR,
	      "H_INT_* hcalls: XIVE source and queue routing, sync, reset"),
	SYS(R_VCPU | R_IO, eventfd2, "an MSI's irqfd, made on first use"),
	SYS(R_VCPU | R_IO, read, "eventfds, KVM stats; I/O: signalfd, stdin"),
	SYS(R_VCPU | R_IO, pread64, "NVRAM file, KVM stats, thread schedstat"),
	SYS(R_VCPU, pwrite64, "RTAS nvram-store into the --nvram file"),
	SYS(R_VCPU, fdatasync, "RTAS nvram-store reaches the file's disk"),
	SYS(R_VCPU | R_IO, getrandom, "H_RANDOM; virtio-rng"),
	/* The I/O thread: the event loop and what it serves. */
	SYS(R_IO, io_uring_enter, "the event loop"),
	SYS(R_IO, readv, "tap frames, vsock streams"),
	SYS(R_IO, recvfrom, "vsock host sockets (recv)"),
	SYS(R_IO, sendto, "vsock host sockets (send); --api answers"),
	SYS(R_IO, sendmsg, "vsock host sockets"),
	SYS(R_IO, recvmsg, "vsock host sockets"),
	SYS(R_IO, shutdown, "vsock half-close"),
	SYS(R_IO, accept4,
	    "a host program connects to the vsock socket or --api's"),
	SYS_IF(R_IO, socket, ARG(0, ~0UL, AF_UNIX),
	       "a guest connects to CID 2, --api migrate uds=: a unix socket"),
	SYS(R_IO, connect,
	    "... to the host listener PATH_PORT; --api migrate uds=PATH"),
	SYS(R_IO, getsockopt, "that connection's outcome"),
	SYS(R_IO, epoll_wait, "vsock host sockets"),
	SYS(R_IO, epoll_pwait, "vsock host sockets (musl's epoll_wait)"),
	SYS(R_IO, epoll_ctl, "vsock host sockets"),
	SYS(R_IO, fcntl, "non-blocking sockets; --api migrate fd=N (dup)"),
	/* The --api worker (api.c): snapshot files and a live migration's
	 * source side, with the guest paused or running; it serves no guest
	 * request itself.  Files only for writing, beside their final name. */
	SYS_IF(R_MIG, open, ARG(1, O_ACCMODE, O_WRONLY),
	       "snapshot: FILE.part (O_WRONLY | O_CREAT | O_TRUNC)"),
	SYS_IF(R_MIG, openat, ARG(2, O_ACCMODE, O_WRONLY),
	       "snapshot: FILE.part (O_WRONLY | O_CREAT | O_TRUNC)"),
	SYS_IF(R_MIG, fcntl, ARG(1, ~0UL, F_SETFD),
	       "musl's open(O_CLOEXEC) sets FD_CLOEXEC again with F_SETFD"),
	SYS(R_MIG, ftruncate, "snapshot: the file's length (RAM's holes)"),
	SYS(R_MIG, rename, "snapshot: FILE.part to FILE once whole"),
	SYS(R_MIG, renameat, "the same, other libcs"),
	SYS(R_MIG, renameat2, "the same, other libcs"),
	SYS(R_MIG, unlink, "snapshot: FILE.part after a failed write"),
	SYS(R_MIG, unlinkat, "the same, other libcs"),
	SYS(R_MIG, lseek, "snapshot: RAM's holes; the memfd's length"),
	SYS(R_MIG, _llseek,
	    "musl's lseek on ppc64le (its headers define SYS__llseek)"),
	SYS(R_MIG, pread64,
	    "migration: HELLO and STATE read back from the memfd (made by "
	    "api_start) they are written into"),
	SYS(R_MIG, read, "the destination's answers; the HTAB fd"),
	SYS(R_MIG, poll, "waiting for the destination's answer"),
	SYS(R_MIG, ppoll, "the same, other libcs"),
	IOCTL(R_MIG, KVM_GET_REGS, "a paused vCPU's registers"),
	IOCTL(R_MIG, KVM_GET_SREGS, "a paused vCPU's SLB, SDR1, PVR"),
	IOCTL(R_MIG, KVM_GET_ONE_REG, "a paused vCPU's SPRs, VPA, TB offset"),
	IOCTL(R_MIG, KVM_GET_DEVICE_ATTR, "the XICS sources' state"),
	IOCTL(R_MIG, KVM_SET_DEVICE_ATTR,
	      "XIVE: the sources' PQ set to 10 and the queues synced before "
	      "they are read (the freeze)"),
	IOCTL(R_MIG, KVM_PPC_GET_HTAB_FD, "a hash guest's HPT, read"),
	IOCTL(R_MIG, KVM_SET_USER_MEMORY_REGION,
	      "migration: the RAM slot's dirty log on and off"),
	IOCTL(R_MIG, KVM_GET_DIRTY_LOG, "migration: the pages written"),
	/* The main thread once the guest runs: it waits for the vCPUs, then
	 * writes the report and --nvram's last state, restores the terminal
	 * and exits.  Files only for writing: the report. */
	SYS_IF(R_MAIN, open, ARG(1, O_ACCMODE, O_WRONLY),
	       "--report (fopen \"w\")"),
	SYS_IF(R_MAIN, openat, ARG(2, O_ACCMODE, O_WRONLY),
	       "--report (fopen \"w\")"),
	SYS(R_MAIN, fsync, "--nvram at the end"),
	SYS(R_MAIN, fdatasync, "--nvram at the end"),
	SYS(R_MAIN, flock, "--nvram unlocked"),
	SYS(R_MAIN, unlink, "--api: the socket removed at the end"),
	SYS(R_MAIN, unlinkat, "the same, other libcs"),
	SYS(R_MAIN, lseek, "--report: /proc/self/status, smaps rewound"),
	SYS(R_MAIN, _llseek, "the same: musl's lseek on powerpc64"),
	SYS(R_MAIN, readv, "--report: /proc/self/status, smaps read again"),
	SYS(R_MAIN, read, "--report: the same, through glibc's stdio"),
	IOCTL(R_MAIN, TCGETS, "the terminal, as stdio sees it"),
	IOCTL(R_MAIN, TIOCGWINSZ, "stdio's first write to a terminal"),
	/* --debug-dump-hpt: at the end, read the HPT through KVM's HTAB fd
	 * and write it to files.  A test aid only. */
	SYS(R_DEBUG, ioctl, "any KVM request"),
	SYS(R_DEBUG, pread64, "the HTAB fd"),
	SYS(R_DEBUG, fstat, "stdio"),
	SYS(R_DEBUG, newfstatat, "stdio"),
};

const size_t sandbox_nrules = sizeof(sandbox_rules) / sizeof(sandbox_rules[0]);

const char *const sandbox_ioctl_names[] = {
	"TCSETSF",
	"TCGETS",
	"TIOCGWINSZ",
	"KVM_RUN",
	"KVM_GET_REGS",
	"KVM_SET_REGS",
	"KVM_GET_SREGS",
	"KVM_GET_ONE_REG",
	"KVM_SET_ONE_REG",
	"KVM_IRQ_LINE_STATUS",
	"KVM_IRQFD",
	"KVM_IOEVENTFD",
	"KVM_CHECK_EXTENSION",
	"KVM_CREATE_SPAPR_TCE_64",
	"KVM_PPC_CONFIGURE_V3_MMU",
	"KVM_PPC_RESIZE_HPT_PREPARE",
	"KVM_PPC_RESIZE_HPT_COMMIT",
	"KVM_GET_STATS_FD",
	"KVM_SET_DEVICE_ATTR",
	"KVM_CREATE_VM",
	"KVM_GET_DEVICE_ATTR",
	"KVM_GET_DIRTY_LOG",
	"KVM_SET_USER_MEMORY_REGION",
	"KVM_PPC_GET_HTAB_FD",
};

const size_t sandbox_nioctl_names =
	sizeof(sandbox_ioctl_names) / sizeof(sandbox_ioctl_names[0]);
