/* hcall dispatch and the console/control vty handlers. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "papr/hcall.h"
#include "report.h"
#include "cpu/irq.h"
#include "cpu/ratelimit.h"
#include "tests/unit/unit.h"

static int64_t call(struct machine *m, uint64_t nr, uint64_t a0, uint64_t a1,
		    uint64_t a2, uint64_t a3, uint64_t *out)
{
	uint64_t args[HCALL_NARGS] = { a0, a1, a2, a3 };
	int64_t rc = hcall_dispatch(&m->papr, &m->vm.cpu[0], nr, args);

	if (out)
		for (int i = 0; i < HCALL_NARGS; i++)
			out[i] = args[i];
	return rc;
}

static void unimplemented(void **state)
{
	struct machine *m = unit_machine(1);
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(call(m, 0x3f0, 0, 0, 0, 0, NULL), H_FUNCTION);
	assert_int_equal(m->papr.hstats.calls[0x3f0 / 4], 1);
	assert_int_equal(call(m, 0x1004, 0, 0, 0, 0, NULL), H_FUNCTION);
	assert_int_equal(call(m, 0x5a, 0, 0, 0, 0, NULL), H_FUNCTION);
	assert_int_equal(call(m, UINT64_MAX & ~3ULL, 0, 0, 0, 0, NULL),
			 H_FUNCTION);
	assert_int_equal(m->papr.hstats.unimplemented, 4);
	assert_int_equal(m->papr.hstats.out_of_range, 3);
	assert_int_equal(m->papr.hstats.errors, 4);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	report_print(m, f, 0);
	fclose(f);
	assert_non_null(strstr(text, "\"hcalls_errors\": 4,\n"));
	free(text);
	assert_null(hcall_name(0x3f0));
	assert_string_equal(hcall_name(H_PUT_TERM_CHAR), "H_PUT_TERM_CHAR");
	assert_string_equal(hcall_name(KVMPPC_H_RTAS), "KVMPPC_H_RTAS");
	for (int slot = 0; slot < HCALL_SLOTS; slot++)
		assert_int_equal(hcall_slot(hcall_slot_nr(slot)), slot);
	unit_machine_free(m);
}

/* Point the console at a pipe; returns the read end. */
static int console_pipe(struct machine *m)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	m->papr.con.out_fd = p[1];
	return p[0];
}

static void put_term_char(void **state)
{
	struct machine *m = unit_machine(1);
	int rd = console_pipe(m);
	char buf[64];

	(void)state;
	/* "Hello, pvmm!\n" packed big-endian in two registers. */
	assert_int_equal(call(m, H_PUT_TERM_CHAR, 0, 13, 0x48656c6c6f2c2070ULL,
			      0x766d6d210a000000ULL, NULL), H_SUCCESS);
	assert_int_equal(read(rd, buf, sizeof(buf)), 13);
	assert_memory_equal(buf, "Hello, pvmm!\n", 13);
	assert_int_equal(call(m, H_PUT_TERM_CHAR, 0x71000000, 16,
			      0x3031323334353637ULL, 0x3839616263646566ULL,
			      NULL), H_SUCCESS);
	assert_int_equal(read(rd, buf, sizeof(buf)), 16);
	assert_memory_equal(buf, "0123456789abcdef", 16);
	assert_int_equal(call(m, H_PUT_TERM_CHAR, 0, 17, 0, 0, NULL),
			 H_PARAMETER);
	assert_int_equal(call(m, H_PUT_TERM_CHAR, 5, 1, 0, 0, NULL),
			 H_PARAMETER);
	assert_int_equal(call(m, H_PUT_TERM_CHAR, 0, 0, 0, 0, NULL),
			 H_SUCCESS);
	assert_int_equal(read(rd, buf, sizeof(buf)), -1);	/* nothing */
	assert_int_equal(m->papr.con.out_bytes, 29);
	/* The report counts the two refused, not the three answered. */
	assert_int_equal(m->papr.hstats.errors, 2);
	close(rd);
	unit_machine_free(m);
}

/* Write @s to the control vty in chunks of @chunk bytes. */
static void control(struct machine *m, const char *s, size_t chunk)
{
	size_t len = strlen(s);

	for (size_t off = 0; off < len; off += chunk) {
		uint8_t b[16] = { 0 };
		size_t n = len - off < chunk ? len - off : chunk;

		memcpy(b, s + off, n);
		assert_int_equal(call(m, H_PUT_TERM_CHAR, 0x71000001, n,
				      __builtin_bswap64(*(uint64_t *)b),
				      __builtin_bswap64(*(uint64_t *)(b + 8)),
				      NULL), H_SUCCESS);
	}
}

static void control_vty(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	control(m, "exit 3\n", 16);
	assert_int_equal(m->papr.con.exit_status, 3);
	control(m, "exit 250\n", 2);		/* split across calls */
	assert_int_equal(m->papr.con.exit_status, 250);
	control(m, "exit 256\nexit -1\nexit 3x\nbogus\nexit\n", 16);
	assert_int_equal(m->papr.con.exit_status, 250);	/* all ignored */
	control(m, "exit 0\r\n", 16);
	assert_int_equal(m->papr.con.exit_status, 0);
	m->vm.power = POWER_OFF;
	assert_int_equal(machine_exit_code(m), 0);
	unit_machine_free(m);
}

/* A bad control line is shown escaped: the guest's terminal escapes do
 * not reach the host's terminal (before the fix they went out raw). */
static void control_line_escaped(void **state)
{
	struct machine *m = unit_machine(1);
	char *err;

	(void)state;
	unit_stderr_begin();
	control(m, "\033]0;pwned\007\\x\n", 16);
	err = unit_stderr_end();
	assert_string_equal(err, "pvmm: control vty: ignoring "
				 "\"\\x1b]0;pwned\\x07\\x5cx\"\n");
	free(err);
	unit_machine_free(m);
}

/* 20,000 bad lines from the guest earn a few lines on stderr, not
 * 20,000 (before the fix, one each). */
static void control_flood_limited(void **state)
{
	struct machine *m = unit_machine(1);
	char *err;

	(void)state;
	unit_stderr_begin();
	for (int i = 0; i < 20000; i++)
		control(m, "bogus\n", 16);
	err = unit_stderr_end();
	assert_true(unit_lines(err) <= RATELIMIT_BURST + 1);
	free(err);
	unit_machine_free(m);
}

/* --- a stalled stdout (issue 14) ---------------------------------------- */

static struct machine *stall_m;
static atomic_bool put_done, input_done;

/* The vCPU: one H_PUT_TERM_CHAR into the full pipe; it blocks there. */
static void *stalled_put(void *arg)
{
	(void)arg;
	call(stall_m, H_PUT_TERM_CHAR, 0, 2, 0x6869000000000000ULL, 0, NULL);
	atomic_store(&put_done, true);
	return NULL;
}

/* The event loop: a byte typed on the terminal. */
static void *typed(void *arg)
{
	(void)arg;
	console_input(&stall_m->papr, "a", 1);
	atomic_store(&input_done, true);
	return NULL;
}

/* A vCPU blocked writing to a stdout nobody reads does not hold up the
 * event loop's console input (before the fix both shared con.lock, so
 * the input waited for the stalled write, and with it signals and the
 * shutdown timer). */
static void stalled_stdout_leaves_input(void **state)
{
	char buf[4096];
	pthread_t put, in;
	bool in_time;
	int rd, flags;

	(void)state;
	stall_m = unit_machine(1);
	rd = console_pipe(stall_m);
	flags = fcntl(stall_m->papr.con.out_fd, F_GETFL);
	fcntl(stall_m->papr.con.out_fd, F_SETFL, flags | O_NONBLOCK);
	while (write(stall_m->papr.con.out_fd, buf, sizeof(buf)) > 0)
		;			/* the pipe is full */
	fcntl(stall_m->papr.con.out_fd, F_SETFL, flags);
	atomic_store(&put_done, false);
	atomic_store(&input_done, false);
	assert_int_equal(pthread_create(&put, NULL, stalled_put, NULL), 0);
	usleep(50000);			/* it is in write() now */
	assert_false(atomic_load(&put_done));
	assert_int_equal(pthread_create(&in, NULL, typed, NULL), 0);
	for (int i = 0; i < 1000 && !atomic_load(&input_done); i++)
		usleep(1000);
	in_time = atomic_load(&input_done);
	/* Unblock the vCPU whatever happened, then judge. */
	while (!atomic_load(&put_done))
		if (read(rd, buf, sizeof(buf)) <= 0)
			usleep(1000);
	pthread_join(put, NULL);
	pthread_join(in, NULL);
	assert_true(in_time);
	assert_int_equal(stall_m->papr.con.in_len, 1);
	close(rd);
	close(stall_m->papr.con.out_fd);
	unit_machine_free(stall_m);
}

static void get_term_char(void **state)
{
	struct machine *m = unit_machine(1);
	uint64_t out[HCALL_NARGS];

	(void)state;
	assert_int_equal(call(m, H_GET_TERM_CHAR, 0, 0, 0, 0, out), H_SUCCESS);
	assert_int_equal(out[0], 0);		/* nothing typed: no wait */
	assert_true(console_input(&m->papr, "hi\001\001x\001x-ignored", 14) == false);
	assert_int_equal(call(m, H_GET_TERM_CHAR, 0x71000000, 0, 0, 0, out),
			 H_SUCCESS);
	assert_int_equal(out[0], 4);		/* "hi", Ctrl-A, "x" */
	assert_int_equal(out[1] >> 32, 0x68690178);
	assert_int_equal(call(m, H_GET_TERM_CHAR, 9, 0, 0, 0, out),
			 H_PARAMETER);
	unit_machine_free(m);
}

/* Typed input raises the console vty's interrupt, so the guest's driver
 * need not poll; nothing queued (only the escape), nothing raised. */
static void input_interrupt(void **state)
{
	struct machine *m = unit_machine(1);

	(void)state;
	fake_hv_reset();
	assert_true(console_input(&m->papr, "\001", 1));
	assert_int_equal(fake_hv_raised(IRQ_VTY_CONSOLE), 0);
	assert_true(console_input(&m->papr, "ab", 2));
	assert_int_equal(fake_hv_raised(IRQ_VTY_CONSOLE), 1);
	assert_int_equal(fake_hv_raised(IRQ_VTY_CONTROL), 0);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unimplemented),
		cmocka_unit_test(put_term_char),
		cmocka_unit_test(control_line_escaped),
		cmocka_unit_test(control_vty),
		cmocka_unit_test(control_flood_limited),
		cmocka_unit_test(stalled_stdout_leaves_input),
		cmocka_unit_test(get_term_char),
		cmocka_unit_test(input_interrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
