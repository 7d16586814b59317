/* H_PUT_TERM_CHAR / H_GET_TERM_CHAR on two vtys.
 *
 * vty 0 (or its unit address) is the guest's console on stdin/stdout.  The
 * control vty is how a guest hands pvmm its exit status: Linux sees it as
 * /dev/hvc1, so `echo exit 3 > /dev/hvc1; poweroff -f` makes pvmm exit 3. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/ratelimit.h"
#include "papr/papr.h"
#include "cpu/be.h"
#include "papr/console.h"
#include "cpu/irq.h"
#include "papr/hcall.h"

#define TERM_CHARS_MAX	16	/* two registers' worth */

void console_init(struct console *c)
{
	c->out_fd = STDOUT_FILENO;
	c->in_fd = STDIN_FILENO;
	pthread_mutex_init(&c->out_lock, NULL);
	pthread_mutex_init(&c->lock, NULL);
	c->ctl_len = 0;
	c->out_bytes = 0;
	c->in_head = c->in_len = 0;
	c->in_escape = false;
	atomic_init(&c->exit_status, -1);
}

static void queue_input(struct console *c, char ch)
{
	if (c->in_len == CONSOLE_IN_MAX)
		return;	/* the guest is not reading: drop, as a UART would */
	c->in_buf[(c->in_head + c->in_len) % CONSOLE_IN_MAX] = ch;
	c->in_len++;
}

bool console_input(struct papr *papr, const char *buf, size_t len)
{
	struct console *c = &papr->con;
	bool go_on = true;
	size_t queued;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < len && go_on; i++) {
		if (!c->in_escape && buf[i] == CONSOLE_ESCAPE) {
			c->in_escape = true;
			continue;
		}
		if (c->in_escape && (buf[i] == 'x' || buf[i] == 'X'))
			go_on = false;
		else
			queue_input(c, buf[i]);
		c->in_escape = false;
	}
	queued = c->in_len;
	pthread_mutex_unlock(&c->lock);
	/* Tell the guest's driver there is input (it reads it all). */
	if (queued)
		hv_irq_raise(papr->vm, IRQ_VTY_CONSOLE);
	return go_on;
}

size_t console_take_input(struct console *c, char *buf, size_t max)
{
	size_t n;

	pthread_mutex_lock(&c->lock);
	for (n = 0; n < max && c->in_len; n++) {
		buf[n] = c->in_buf[c->in_head];
		c->in_head = (c->in_head + 1) % CONSOLE_IN_MAX;
		c->in_len--;
	}
	pthread_mutex_unlock(&c->lock);
	return n;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* output closed: nothing to keep it for */
		buf += n;
		len -= (size_t)n;
	}
}

/* The guest wrote the line: escaped (no terminal escapes reach the
 * host's terminal) and rate-limited (issue 14, finding 5). */
static void print_ignored(const char *line)
{
	static struct ratelimit lines;	/* under the console's lock */
	char esc[4 * CONSOLE_CTL_LINE_MAX + 1];
	uint64_t dropped;

	if (!ratelimit_now(&lines, &dropped))
		return;
	if (dropped)
		fprintf(stderr,
			"pvmm: control vty: %" PRIu64 " lines not shown\n",
			dropped);
	ratelimit_escape(esc, sizeof(esc), line, strlen(line));
	fprintf(stderr, "pvmm: control vty: ignoring \"%s\"\n", esc);
}

static void control_command(struct papr *papr, const char *line)
{
	char *end;
	long status;

	if (strncmp(line, "exit ", 5) == 0) {
		errno = 0;
		status = strtol(line + 5, &end, 10);
		if (!errno && end != line + 5 && *end == '\0' &&
		    status >= 0 && status <= 255) {
			atomic_store(&papr->con.exit_status, (int)status);
			return;
		}
	}
	print_ignored(line);
}

void console_control_write(struct papr *papr, const char *buf, size_t len)
{
	struct console *c = &papr->con;

	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '\r')
			continue;
		if (ch == '\n') {
			c->ctl_line[c->ctl_len] = '\0';
			if (c->ctl_len)
				control_command(papr, c->ctl_line);
			c->ctl_len = 0;
		} else if (c->ctl_len < sizeof(c->ctl_line) - 1) {
			c->ctl_line[c->ctl_len++] = ch;
		}
	}
}

static int vty_of(uint64_t termno)
{
	if (termno == 0 || termno == CONFIG_VTY_CONSOLE)
		return 0;
	if (termno == CONFIG_VTY_CONTROL)
		return 1;
	return -1;
}

/* The bytes arrive packed big-endian in two registers. */
static void unpack_chars(const uint64_t *regs, char *buf)
{
	be64_store(buf, regs[0]);
	be64_store(buf + 8, regs[1]);
}

int64_t h_put_term_char(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t len = args[1];
	char buf[TERM_CHARS_MAX];
	int vty = vty_of(args[0]);

	(void)v;
	if (vty < 0 || len > TERM_CHARS_MAX)
		return H_PARAMETER;
	unpack_chars(&args[2], buf);
	if (vty == 0) {
		if (len)
			vm_mark(papr->vm, PHASE_FIRST_CONSOLE);
		pthread_mutex_lock(&papr->con.out_lock);
		write_all(papr->con.out_fd, buf, len);
		papr->con.out_bytes += len;
		pthread_mutex_unlock(&papr->con.out_lock);
	} else {
		pthread_mutex_lock(&papr->con.lock);
		console_control_write(papr, buf, len);
		pthread_mutex_unlock(&papr->con.lock);
	}
	return H_SUCCESS;
}

int64_t h_get_term_char(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	char buf[TERM_CHARS_MAX] = { 0 };
	size_t n = 0;
	int vty = vty_of(args[0]);

	(void)v;
	if (vty < 0)
		return H_PARAMETER;
	if (vty == 0)
		n = console_take_input(&papr->con, buf, sizeof(buf));
	args[0] = n;
	args[1] = be64_load(buf);
	args[2] = be64_load(buf + 8);
	return H_SUCCESS;
}

/* RTAS display-character: one byte to the console. */
void rtas_display_character(struct papr *papr, struct vcpu *v,
			    struct rtas_args *a)
{
	char ch = (char)a->args[0];

	(void)v;
	pthread_mutex_lock(&papr->con.out_lock);
	write_all(papr->con.out_fd, &ch, 1);
	papr->con.out_bytes++;
	pthread_mutex_unlock(&papr->con.out_lock);
	a->rets[0] = RTAS_OK;
}
