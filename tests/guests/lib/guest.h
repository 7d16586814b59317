/* The test-guest library: console, hcalls, RTAS, exit and test checks. */
#ifndef GUEST_H
#define GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* hcall numbers and return codes used by the tests. */
#define H_SUCCESS		0
#define H_HARDWARE		(-1)
#define H_FUNCTION		(-2)
#define H_PARAMETER		(-4)
#define H_P2			(-55)
#define H_P3			(-56)
#define H_P4			(-57)
#define H_UNSUPPORTED_FLAG	(-256)

#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_SET_MODE		0x31c
#define H_REGISTER_PROC_TBL	0x37c
#define KVMPPC_H_RTAS		0xf000

#define VTY_CONSOLE		0x71000000UL
#define VTY_CONTROL		0x71000001UL

struct hret {
	unsigned long r[9];	/* r4..r12 after the call */
};

/* An hcall with six arguments; @out may be NULL. */
long hcall(struct hret *out, unsigned long opcode, unsigned long a0,
	   unsigned long a1, unsigned long a2, unsigned long a3,
	   unsigned long a4, unsigned long a5);
#define HCALL(out, op, a0, a1, a2, a3) hcall(out, op, a0, a1, a2, a3, 0, 0)

/* The device tree pvmm handed over in r3. */
extern const void *guest_fdt;
/* Guest RAM size from /memory@0. */
uint64_t guest_ram_size(void);
/* The first CPU's timebase-frequency (Hz), or 0. */
uint64_t guest_timebase_hz(void);
static inline uint64_t guest_tb(void)
{
	uint64_t t;

	__asm__ volatile("mftb %0" : "=r"(t));
	return t;
}

/* Open Firmware client interface, when QEMU's firmware (SLOF, VOF) booted
 * the guest: of_entry is its entry point (0 under pvmm, whose device tree
 * is guest_fdt instead).  Node handles are -1 when not found. */
extern unsigned long of_entry;
long of_finddevice(const char *path);
long of_child(long node);
long of_getprop(long node, const char *name, void *buf, unsigned len);

void putchar_console(char c);
void puts_console(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* RTAS by name: token from /rtas; returns rets[0] (status), or the hcall
 * error when the call itself was refused. */
int rtas_call(const char *name, int nargs, int nret, const uint32_t *args,
	      uint32_t *rets);
uint32_t rtas_token(const char *name);
/* The same with a token as given (a hostile guest's random ones too). */
int rtas_call_token(uint32_t token, int nargs, int nret,
		    const uint32_t *args, uint32_t *rets);
/* Issue KVMPPC_H_RTAS on a raw buffer address (for bad-buffer tests). */
long rtas_raw(uint64_t buf_addr);

/* Hand pvmm @status on the control vty and power off. */
void guest_exit(int status) __attribute__((noreturn));

/* Tests: each check prints "ok - ..." or "not ok - ...". */
void check(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define CHECK(cond, ...)	check((cond), __VA_ARGS__)
#define CHECK_EQ(a, b, what)                                              \
	do {                                                              \
		long a_ = (long)(a), b_ = (long)(b);                      \
		check(a_ == b_, "%s (got %ld, want %ld)", what, a_, b_);  \
	} while (0)
/* Print "N passed, M failed" and exit 0 if nothing failed, else 1. */
void test_finish(void) __attribute__((noreturn));

int main(void);
/* Secondary CPUs enter here (see secondary_entry in crt0.S). */
void secondary_main(void);

#endif
