/* hvterm consoles: the guest's console vty and pvmm's control vty. */
#ifndef PVMM_CONSOLE_H
#define PVMM_CONSOLE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_CTL_LINE_MAX	64

struct console {
	int out_fd;		/* guest console output (stdout) */
	int in_fd;		/* guest console input (stdin), -1 for none */
	pthread_mutex_t lock;	/* one vCPU's bytes at a time */
	char ctl_line[CONSOLE_CTL_LINE_MAX];
	size_t ctl_len;		/* bytes of the control line so far */
	uint64_t out_bytes;	/* console bytes written for the guest */
};

struct machine;

void console_init(struct console *c);

/* Feed bytes the guest wrote to the control vty.  Each complete line is one
 * command; "exit N" (0 <= N <= 255) sets pvmm's exit status. */
void console_control_write(struct machine *m, const char *buf, size_t len);

#endif
