/* Start-up, RTAS, exit and the test checks. */
#include <libfdt.h>
#include <stdarg.h>

#include "guest.h"

void put_term(unsigned long vty, const char *buf, unsigned len);
void vprintf_console(const char *fmt, va_list ap);
void guest_start(const void *fdt, unsigned long of_ci);
void unexpected_interrupt(unsigned long vec, unsigned long srr0,
			  unsigned long srr1);

extern char __bss_start[], __bss_end[];

const void *guest_fdt;
static unsigned passed, failed;

#define RTAS_WORDS	32

/* Under QEMU's firmware there is no device tree in r3: the client
 * interface answers instead. */
void guest_start(const void *fdt, unsigned long of_ci)
{
	for (char *p = __bss_start; p < __bss_end; p++)
		*p = 0;
	of_entry = of_ci;
	guest_fdt = of_ci ? NULL : fdt;
	guest_exit(main());
}

/* Up to @len bytes of a property of the node at @path; its length, or -1
 * if there is no such node or property. */
static int fw_getprop(const char *path, const char *name, void *buf, int len)
{
	const void *p;
	int node, n;

	if (!guest_fdt) {
		long ph = of_finddevice(path);

		if (ph == -1 || ph == 0)
			return -1;
		return (int)of_getprop(ph, name, buf, (unsigned)len);
	}
	node = fdt_path_offset(guest_fdt, path);
	p = node < 0 ? NULL : fdt_getprop(guest_fdt, node, name, &n);
	if (!p)
		return -1;
	memcpy(buf, p, (size_t)(n < len ? n : len));
	return n;
}

uint64_t guest_ram_size(void)
{
	fdt64_t reg[2];

	return fw_getprop("/memory@0", "reg", reg, sizeof(reg)) >= 16 ?
		       fdt64_to_cpu(reg[1]) : 0;
}

uint32_t rtas_token(const char *name)
{
	fdt32_t tok;

	return fw_getprop("/rtas", name, &tok, sizeof(tok)) == 4 ?
		       fdt32_to_cpu(tok) : 0;
}

uint64_t guest_timebase_hz(void)
{
	const fdt32_t *p = NULL;
	fdt32_t hz;
	long cpu;
	int node;

	if (guest_fdt) {
		node = fdt_node_offset_by_prop_value(guest_fdt, -1,
						     "device_type", "cpu", 4);
		if (node >= 0)
			p = fdt_getprop(guest_fdt, node, "timebase-frequency",
					NULL);
		return p ? fdt32_to_cpu(*p) : 0;
	}
	cpu = of_finddevice("/cpus");
	cpu = cpu == -1 ? -1 : of_child(cpu);
	if (cpu == -1 || cpu == 0 ||
	    of_getprop(cpu, "timebase-frequency", &hz, sizeof(hz)) != 4)
		return 0;
	return fdt32_to_cpu(hz);
}

long rtas_raw(uint64_t buf_addr)
{
	return HCALL(NULL, KVMPPC_H_RTAS, buf_addr, 0, 0, 0);
}

int rtas_call_token(uint32_t token, int nargs, int nret,
		    const uint32_t *args, uint32_t *rets)
{
	/* On the caller's stack: each CPU has its own (real mode, so the
	 * address is guest-physical). */
	uint32_t b[RTAS_WORDS] __attribute__((aligned(16)));
	long rc;

	if (nargs < 0 || nret < 0 || nargs + nret + 3 > RTAS_WORDS)
		return -3;
	b[0] = __builtin_bswap32(token);
	b[1] = __builtin_bswap32((uint32_t)nargs);
	b[2] = __builtin_bswap32((uint32_t)nret);
	for (int i = 0; i < nargs; i++)
		b[3 + i] = __builtin_bswap32(args[i]);
	rc = rtas_raw((uint64_t)(uintptr_t)b);
	if (rc != H_SUCCESS)
		return (int)rc;
	for (int i = 0; i < nret; i++)
		rets[i] = __builtin_bswap32(b[3 + nargs + i]);
	return nret ? (int)rets[0] : 0;
}

int rtas_call(const char *name, int nargs, int nret, const uint32_t *args,
	      uint32_t *rets)
{
	uint32_t token = rtas_token(name);

	return token ? rtas_call_token(token, nargs, nret, args, rets) : -3;
}

void guest_exit(int status)
{
	char line[16] = "exit ";
	unsigned n = 5;
	uint32_t args[2] = { 0xffffffff, 0xffffffff }, ret;

	if (status >= 100)
		line[n++] = (char)('0' + status / 100);
	if (status >= 10)
		line[n++] = (char)('0' + status / 10 % 10);
	line[n++] = (char)('0' + status % 10);
	line[n++] = '\n';
	put_term(VTY_CONTROL, line, n);
	rtas_call("power-off", 2, 1, args, &ret);
	printf("guest: power-off returned %u\n", ret);
	for (;;)
		;
}

void unexpected_interrupt(unsigned long vec, unsigned long srr0,
			  unsigned long srr1)
{
	printf("guest: unexpected interrupt 0x%lx at srr0=0x%lx srr1=0x%lx\n",
	       vec, srr0, srr1);
	guest_exit(99);
}

void check(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf(cond ? "ok - " : "not ok - ");
	va_start(ap, fmt);
	vprintf_console(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		passed++;
	else
		failed++;
}

void test_finish(void)
{
	printf("%u passed, %u failed\n", passed, failed);
	guest_exit(failed ? 1 : 0);
}

/* Guests without secondaries still link. */
__attribute__((weak)) void secondary_main(void)
{
	for (;;)
		;
}
