/* hvterm consoles: the guest's console vty and pvmm's control vty. */
#ifndef PVMM_CONSOLE_H
#define PVMM_CONSOLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_CTL_LINE_MAX	64
#define CONSOLE_IN_MAX		4096	/* typed-ahead bytes kept for the guest */

/* Escape sequence on the terminal: Ctrl-A x stops pvmm, Ctrl-A Ctrl-A
 * sends one Ctrl-A to the guest. */
#define CONSOLE_ESCAPE		0x01

/* The vtys.  Written by vCPU threads (H_PUT_TERM_CHAR, display-character,
 * the control line) and the event loop thread (typed input).  out_lock
 * covers the output and out_bytes, lock the control line and the input
 * ring: a stalled stdout holds only the vCPU writing to it, never the
 * event loop feeding input (issue 14).  The fds are set by main before
 * the threads, exit_status is atomic (read by main at the end). */
struct console {
	int out_fd;		/* guest console output (stdout) */
	int in_fd;		/* guest console input (stdin), -1 for none */
	pthread_mutex_t out_lock;	/* one vCPU's bytes at a time */
	pthread_mutex_t lock;		/* control line, input ring */
	char ctl_line[CONSOLE_CTL_LINE_MAX];
	size_t ctl_len;		/* bytes of the control line so far */
	uint64_t out_bytes;	/* console bytes written for the guest */

	/* Input read from in_fd by the event loop, waiting for the guest's
	 * H_GET_TERM_CHAR (a ring of CONSOLE_IN_MAX bytes). */
	char in_buf[CONSOLE_IN_MAX];
	size_t in_head, in_len;
	bool in_escape;		/* the previous byte was CONSOLE_ESCAPE */
	_Atomic int exit_status; /* "exit N" on the control vty; -1: none */
};

struct papr;

void console_init(struct console *c);

/* Feed bytes the guest wrote to the control vty.  Each complete line is one
 * command; "exit N" (0 <= N <= 255) sets pvmm's exit status. */
void console_control_write(struct papr *papr, const char *buf, size_t len);

/* Feed bytes typed on the terminal: handles the escape sequence, queues
 * the rest for the guest.  Returns false once the user asked to stop. */
bool console_input(struct papr *papr, const char *buf, size_t len);

/* Take up to @max queued input bytes for the guest. */
size_t console_take_input(struct console *c, char *buf, size_t max);


#endif
