/* RTAS calls that end the guest: power-off, system-reboot, ibm,os-term. */
#include <stdbool.h>
#include <string.h>

#include "papr/papr.h"
#include "papr/rtas.h"

void rtas_power_off(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	vm_request_stop(papr->vm, POWER_OFF);
	a->rets[0] = RTAS_OK;
}

void rtas_system_reboot(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	(void)v;
	vm_request_stop(papr->vm, POWER_REBOOT);
	a->rets[0] = RTAS_OK;
}

/* Escape guest bytes into one printable line: printable ASCII stays,
 * a backslash doubles, everything else becomes \xNN. */
static void os_term_escape(char *out, const uint8_t *in, size_t n, bool cut)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (c == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (cut) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* args[0] is the guest-physical address of a NUL-terminated message;
 * Linux (rtas.c rtas_os_term) passes __pa() of a 2 KiB buffer holding
 * "OS panic: <panic message>".  Read at most OS_TERM_MSG_MAX bytes of it,
 * stopping at the end of RAM. */
void rtas_os_term(struct papr *papr, struct vcpu *v, struct rtas_args *a)
{
	uint8_t msg[OS_TERM_MSG_MAX] = {0};
	size_t n = 0;
	const uint8_t *p;

	(void)v;
	if (!atomic_exchange(&papr->os_term.called, true)) {
		while (n < sizeof(msg) &&
		       (p = gmem_ptr(&papr->vm->mem, (uint64_t)a->args[0] + n, 1)) &&
		       *p)
			msg[n++] = *p;
		papr->os_term.addr = a->args[0];
		os_term_escape(papr->os_term.text, msg, n, n == sizeof(msg));
	}
	/* Stopping here loses nothing Linux saves: its pseries_panic()
	 * dumps the kernel log (to NVRAM's lnx,oops-log) before it calls
	 * ibm,os-term (seen in Debian's 6.1 vmlinux). */
	vm_request_stop(papr->vm, POWER_CRASH);
	a->rets[0] = RTAS_OK;
}
