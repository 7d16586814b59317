/* Live migration (migrate/live.c) between two unit-test machines over a
 * socketpair, on the fake backend: a "guest" that writes while the
 * passes run (the fake dirty log's hook), a destination that refuses
 * another machine, one that goes away mid-way, and hostile streams. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu/be.h"
#include <cjson/cJSON.h>

#include "migrate/live.h"
#include "report.h"
#include "tests/unit/unit.h"

#define PAGE (64u << 10)

static struct machine *src_m, *dst_m;

static struct snap_parts parts_of(struct machine *m)
{
	return (struct snap_parts){&m->vm, &m->mmu, &m->io.phb, &m->papr};
}

/* Both machines; fake state for the source's vCPUs. */
static void two(int dst_cpus, uint64_t dst_ram)
{
	src_m = unit_machine(2);
	dst_m = unit_machine(dst_cpus);
	if (dst_ram != UNIT_RAM) {
		gmem_free(&dst_m->vm.mem);
		assert_int_equal(gmem_alloc(&dst_m->vm.mem, dst_ram), 0);
	}
	src_m->mmu.mode = dst_m->mmu.mode = MMU_RADIX;
	src_m->mmu.pate1 = 0x8000000000abc005ull;
	src_m->mmu.cfg_flags = MMU_CFG_RADIX | MMU_CFG_GTSE;
	for (int i = 0; i < 2; i++) {
		fake_hv.cpu[i].pc = 0xc000000000002000ull + (uint64_t)i;
		fake_hv.cpu[i].gpr[1] = 0x77;
	}
	src_m->papr.nvram.bytes[7] = 0x42;
	signal(SIGPIPE, SIG_IGN);
}

static void done(void)
{
	unit_machine_free(src_m);
	unit_machine_free(dst_m);
	fake_hv.dirty_hook = NULL;
}

struct dst_run {
	int fd;
	int err;
	int close_after; /* > 0: read this many bytes, then go away */
	struct mig_report r;
};

static void *dst_thread(void *arg)
{
	struct dst_run *d = arg;
	struct snap_parts p = parts_of(dst_m);

	if (d->close_after) {
		uint8_t buf[4096];
		int got = 0;

		while (got < d->close_after) {
			ssize_t n = read(d->fd, buf, sizeof(buf));

			if (n <= 0)
				break;
			got += (int)n;
			/* Past the greeting and HELLO: say yes, as a real
			 * destination would, then vanish later. */
			if (got - (int)n < 100 && got >= 100)
				mig_send(d->fd, MIG_REPLY, MIG_HELLO,
					 (const uint8_t[]){0, 0, 0, 0}, 4);
		}
		close(d->fd);
		return NULL;
	}
	struct snap_config cfg;

	d->err = mig_dest_hello(d->fd, &cfg, &d->r);
	if (!d->err)
		d->err = mig_dest(&p, d->fd, &cfg, &d->r);
	if (!d->err)
		d->err = mig_dest_running(d->fd);
	close(d->fd);
	return NULL;
}

/* The "guest": each read of the dirty log finds pages it wrote. */
static int writes_left;

static void guest_writes(int call)
{
	uint8_t *ram = src_m->vm.mem.host;

	/* Its last writes, just before the pause took effect. */
	if (fake_hv.paused) {
		ram[500ull * PAGE + 9] = 0x99;
		fake_hv.dirty[500 / 64] |= 1ull << (500 % 64);
		return;
	}
	if (writes_left <= 0)
		return;
	writes_left--;
	for (unsigned pg = 3; pg < 3 + 4 * (unsigned)call && pg < 1024;
	     pg += 4) {
		memset(ram + (uint64_t)pg * PAGE, call, 100);
		fake_hv.dirty[pg / 64] |= 1ull << (pg % 64);
	}
	/* A device fills a buffer (through gmem, not in KVM's log). */
	memset(gmem_ptr(&src_m->vm.mem, 600ull * PAGE + 4096, 100), call, 100);
	/* A page that becomes zero again must arrive as zero. */
	memset(ram + 1000ull * PAGE, 0, PAGE);
	fake_hv.dirty[1000 / 64] |= 1ull << (1000 % 64);
}

static int run(struct mig_params *prm, struct dst_run *d, struct mig_report *r)
{
	struct snap_parts p = parts_of(src_m);
	pthread_t t;
	int sv[2], err;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	d->fd = sv[1];
	assert_int_equal(pthread_create(&t, NULL, dst_thread, d), 0);
	err = mig_source(&p, sv[0], prm, r);
	close(sv[0]);
	pthread_join(t, NULL);
	return err;
}

/* A number's value, 0 for none (as jansson's json_integer_value gave). */
static double num(const cJSON *v)
{
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* --report gives the migration, as valid JSON, passes and bytes as the
 * migration counted them; a failure's reason with its quotes dropped. */
static void report_has(struct machine *m, struct mig_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cJSON *o, *mig;

	assert_non_null(f);
	m->migration = r;
	report_print(m, f, 0);
	fclose(f);
	o = cJSON_Parse(text);
	assert_non_null(o);
	mig = cJSON_GetObjectItemCaseSensitive(o, "migration");
	assert_non_null(mig);
	assert_int_equal(num(cJSON_GetObjectItemCaseSensitive(mig, "passes")),
			 r->passes);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
				 mig, "pass_bytes")),
			 r->passes);
	assert_int_equal(
		num(cJSON_GetArrayItem(
			cJSON_GetObjectItemCaseSensitive(mig, "pass_bytes"),
			1)),
		r->pass_bytes[1]);
	assert_int_equal(
		num(cJSON_GetObjectItemCaseSensitive(mig, "downtime_ns")),
		r->downtime_ns);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(mig, "ok")) ==
		    !r->err);
	cJSON_Delete(o);
	free(text);
	m->migration = NULL;
}

static void migrate_radix(void **state)
{
	struct mig_params prm = MIG_DEFAULT_PARAMS;
	static uint8_t junk[64 << 10];
	struct dst_run d = {0};
	struct mig_report r;
	uint8_t *ram;

	(void)state;
	two(2, UNIT_RAM);
	ram = src_m->vm.mem.host;
	for (unsigned pg = 0; pg < 1024; pg += 7)
		memset(ram + (uint64_t)pg * PAGE + 5, (int)pg | 1, 300);
	/* Stale bytes on the destination must go. */
	memset(dst_m->vm.mem.host + 2ull * PAGE, 0xee, PAGE);
	prm.stop_bytes = 2 * PAGE;
	writes_left = 3;
	fake_hv.dirty_hook = guest_writes;
	/* The caller's memory file (the --api worker's), holding junk
	 * longer than HELLO: emptied before each use, and left open. */
	prm.scratch_fd = memfd_create("test-live", MFD_CLOEXEC);
	assert_true(prm.scratch_fd >= 0);
	memset(junk, 0xa5, sizeof(junk));
	assert_int_equal(write(prm.scratch_fd, junk, sizeof(junk)),
			 (ssize_t)sizeof(junk));

	assert_int_equal(run(&prm, &d, &r), 0);
	assert_int_equal(d.err, 0);
	assert_int_equal(r.err, 0);
	assert_true(fcntl(prm.scratch_fd, F_GETFD) >= 0);
	close(prm.scratch_fd);
	assert_memory_equal(src_m->vm.mem.host, dst_m->vm.mem.host, UNIT_RAM);
	/* Pass 0, two more while it wrote, then the paused one. */
	assert_int_equal(r.passes, 4);
	assert_true(r.pass_bytes[0] > 146 * 300);
	assert_true(r.pass_bytes[1] > 0 && r.pass_bytes[3] > 0);
	assert_int_equal(r.hpt_passes, 0);
	assert_int_equal(d.r.passes, 4);
	assert_int_equal(d.r.pass_bytes[2], r.pass_bytes[2]);
	assert_true(r.downtime_ns <= r.total_ns);
	assert_true(fake_hv.paused); /* the source stays paused */
	assert_false(fake_hv.dirty_on);
	/* The destination loaded the state: process table, NVRAM. */
	assert_int_equal(fake_hv.mmu_proc_tbl, 0x8000000000abc005ull);
	assert_int_equal(dst_m->papr.nvram.bytes[7], 0x42);
	assert_int_equal(dst_m->mmu.pate1, 0x8000000000abc005ull);
	report_has(src_m, &r);
	done();
}

/* The "guest" of a hash machine: it also changes HPT entries (an
 * mmap/munmap loop: some become valid, some invalid). */
static void hpt_churn(int call)
{
	guest_writes(call);
	if (fake_hv.paused || call > 4)
		return;
	for (unsigned i = 0; i < 10; i++) {
		unsigned e = 100 + (unsigned)call * 37 + i;

		memset(fake_hv.hpt + e * 16, call, 16);
		fake_hv.hpt_changed[e] = 1;
	}
	memset(fake_hv.hpt + 5 * 16, 0, 16); /* unmapped again */
	fake_hv.hpt_changed[5] = 1;
}

static void migrate_hash(void **state)
{
	struct mig_params prm = MIG_DEFAULT_PARAMS;
	struct dst_run d = {0};
	struct mig_report r;
	size_t bytes = (size_t)FAKE_HPT_ENTRIES * 16;

	(void)state;
	two(2, UNIT_RAM);
	src_m->mmu.mode = dst_m->mmu.mode = MMU_HASH;
	src_m->mmu.hpt_order = dst_m->mmu.hpt_order = FAKE_HPT_ORDER;
	src_m->mmu.pate1 = 0;
	src_m->mmu.cfg_flags = 0;
	fake_hv.htab_fake = true;
	fake_hv.hpt = calloc(1, bytes);
	fake_hv.hpt_in = malloc(bytes);
	fake_hv.hpt_changed = calloc(1, FAKE_HPT_ENTRIES);
	/* Stale entries in the destination's table must go. */
	memset(fake_hv.hpt_in, 0x5a, bytes);
	for (unsigned e = 0; e < FAKE_HPT_ENTRIES; e += 3)
		memset(fake_hv.hpt + e * 16, 0x11, 16);
	prm.stop_bytes = 2 * PAGE;
	writes_left = 3;
	fake_hv.dirty_hook = hpt_churn;

	assert_int_equal(run(&prm, &d, &r), 0);
	assert_int_equal(d.err, 0);
	assert_memory_equal(src_m->vm.mem.host, dst_m->vm.mem.host, UNIT_RAM);
	assert_memory_equal(fake_hv.hpt, fake_hv.hpt_in, bytes);
	/* One HPT pass per RAM pass: the whole table, then only changes. */
	assert_int_equal(r.passes, 4);
	assert_int_equal(r.hpt_passes, 4);
	assert_int_equal(d.r.hpt_passes, 4);
	assert_true(r.hpt_bytes[0] > (FAKE_HPT_ENTRIES / 3) * 16);
	assert_true(r.hpt_bytes[1] > 0 && r.hpt_bytes[1] < 1024);
	assert_true(r.hpt_bytes[0] > 50 * r.hpt_bytes[2]);
	free(fake_hv.hpt);
	free(fake_hv.hpt_in);
	free(fake_hv.hpt_changed);
	done();
}

/* A guest that dirties more than the threshold every time: the pass
 * limit ends the pre-copy. */
static void pass_limit(void **state)
{
	struct mig_params prm = MIG_DEFAULT_PARAMS;
	struct dst_run d = {0};
	struct mig_report r;

	(void)state;
	two(2, UNIT_RAM);
	prm.max_passes = 3;
	prm.stop_bytes = 0;
	writes_left = 100;
	fake_hv.dirty_hook = guest_writes;
	assert_int_equal(run(&prm, &d, &r), 0);
	assert_int_equal(r.passes, 4);
	assert_memory_equal(src_m->vm.mem.host, dst_m->vm.mem.host, UNIT_RAM);
	done();
}

/* Another machine: refused at HELLO, before any RAM; the source goes on
 * as before (never paused, no dirty log left on). */
static void refused_config(void **state)
{
	struct mig_params prm = MIG_DEFAULT_PARAMS;
	struct dst_run d = {0};
	struct mig_report r;

	(void)state;
	two(1, UNIT_RAM);
	memset(src_m->vm.mem.host, 0x11, PAGE);
	assert_int_equal(run(&prm, &d, &r), -EINVAL);
	assert_non_null(strstr(r.why, "refused HELLO"));

	assert_non_null(strstr(r.why, "vCPUs"));
	assert_int_equal(fake_hv.pause_calls, 0);
	assert_int_equal(fake_hv.dirty_get_calls, 0);
	assert_false(fake_hv.dirty_on);
	assert_int_equal(r.passes, 0);
	assert_int_equal(dst_m->vm.mem.host[0], 0);
	assert_int_not_equal(d.err, 0);
	assert_non_null(strstr(d.r.why, "another machine"));
	snprintf(r.why, sizeof(r.why), "a \"quoted\" \\ reason");
	report_has(src_m, &r);
	done();

	two(2, 32ull << 20);
	assert_int_equal(run(&prm, &d, &r), -EINVAL);
	assert_non_null(strstr(r.why, "MiB"));
	done();
}

/* A XIVE guest: frozen (its queue pages dirty) before the last read of
 * the dirty log, its XIVE loaded into the destination's; a destination
 * that would give it XICS is refused at HELLO. */
static void migrate_xive(void **state)
{
	struct mig_params prm = MIG_DEFAULT_PARAMS;
	struct dst_run d = {0};
	struct mig_report r;
	uint32_t msi = CONFIG_MAX_CPUS + 0x50;

	(void)state;
	two(2, UNIT_RAM);
	src_m->vm.irqchip = dst_m->vm.irqchip = IRQCHIP_XIVE;
	src_m->papr.xive.queue[1][6] = (struct xive_queue){0x100000, 16};
	src_m->papr.xive.src[msi] = (struct xive_source){1, 0x1050, 6};
	fake_hv.xive.src[msi].pq = 0x2;
	fake_hv.xive.eq[1][6].index = 33;
	writes_left = 2;
	fake_hv.dirty_hook = guest_writes;
	assert_int_equal(run(&prm, &d, &r), 0);
	assert_int_equal(d.err, 0);
	assert_int_equal(fake_hv.xive_freezes, 1);
	assert_true(fake_hv.paused);
	assert_true(fake_hv.xive_freeze_dirty_gets > 0);
	assert_true(fake_hv.xive_freeze_dirty_gets < fake_hv.dirty_get_calls);
	assert_int_equal(fake_hv.xive_sets, 1);
	assert_memory_equal(&dst_m->papr.xive.src, &src_m->papr.xive.src,
			    sizeof(src_m->papr.xive.src));
	assert_int_equal(dst_m->papr.xive.queue[1][6].qpage, 0x100000);
	assert_int_equal(fake_hv.xive.eq[1][6].index, 33);
	assert_memory_equal(src_m->vm.mem.host, dst_m->vm.mem.host, UNIT_RAM);
	done();

	two(2, UNIT_RAM);
	src_m->vm.irqchip = IRQCHIP_XIVE;
	assert_int_equal(run(&prm, &d, &r), -EINVAL);
	assert_non_null(strstr(r.why, "refused HELLO"));
	assert_non_null(strstr(r.why, "XIVE interrupt controller, this one "
				      "has XICS"));
	assert_int_equal(fake_hv.xive_freezes, 0);
	assert_int_equal(fake_hv.pause_calls, 0);
	done();
}

/* The destination vanishes mid-way: the source says why and runs on. */
static void dest_gone(void **state)
{
	struct mig_params prm = MIG_DEFAULT_PARAMS;
	struct dst_run d = {.close_after = 300000};
	struct mig_report r;
	uint8_t *ram;

	(void)state;
	two(2, UNIT_RAM);
	ram = src_m->vm.mem.host;
	for (unsigned pg = 0; pg < 1024; pg++)
		ram[(uint64_t)pg * PAGE] = 1;
	assert_true(run(&prm, &d, &r) < 0);
	assert_true(r.why[0] != '\0');
	assert_false(fake_hv.paused);
	assert_false(fake_hv.dirty_on);
	done();

	/* Gone after the passes, while the source waits for DONE's answer:
	 * paused then, resumed after. */
	two(2, UNIT_RAM);
	d = (struct dst_run){.close_after = 0};
	/* A destination that cannot load the state it checked. */
	fake_hv.mmu_ret = -EIO;
	assert_true(run(&prm, &d, &r) < 0);
	assert_non_null(strstr(r.why, "refused DONE"));
	assert_int_equal(fake_hv.pause_calls, 1);
	assert_int_equal(fake_hv.resume_calls, 1);
	assert_false(fake_hv.paused);
	done();
}

/* --- a hostile source: raw records into mig_dest ------------------------- */

static void put_rec(uint8_t *buf, size_t *at, uint32_t type, uint32_t arg,
		    const void *pl, uint64_t len)
{
	mig_hdr_put(buf + *at, type, arg, pl, len);
	if (len)
		memcpy(buf + *at + MIG_HEADER, pl, len);
	*at += MIG_HEADER + len;
}

/* Greeting and a HELLO that matches dst_m. */
static size_t prefix(uint8_t *buf)
{
	struct snap_parts p = parts_of(dst_m);
	struct snap_config cfg;
	struct snap_writer w;
	uint8_t h[4096];
	size_t at = MIG_GREETING;
	FILE *f = tmpfile();
	long n;

	mig_greeting_put(buf);
	snap_config_of(&p, &cfg);
	snap_writer_init(&w, fileno(f));
	snap_write_header(&w, &cfg);
	assert_int_equal(snap_write_end(&w), 0);
	n = (long)w.pos;
	assert_int_equal(pread(fileno(f), h, (size_t)n, 0), n);
	fclose(f);
	put_rec(buf, &at, MIG_HELLO, 0, h, (uint64_t)n);
	return at;
}

/* Feed @len bytes to mig_dest; its answer. */
static int feed(const uint8_t *buf, size_t len, struct mig_report *r)
{
	struct snap_parts p = parts_of(dst_m);
	struct snap_config cfg;
	int sv[2], err;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], buf, len), (ssize_t)len);
	shutdown(sv[0], SHUT_WR);
	err = mig_dest_hello(sv[1], &cfg, r);
	if (!err)
		err = mig_dest(&p, sv[1], &cfg, r);
	close(sv[0]);
	close(sv[1]);
	return err;
}

static void hostile(void **state)
{
	uint8_t *buf = calloc(1, 1 << 20), pl[64];
	struct mig_report r;
	size_t at, base;

	(void)state;
	two(2, UNIT_RAM);
	base = prefix(buf);

	/* Nothing but a good HELLO: the source went away. */
	assert_int_equal(feed(buf, base, &r), -ECONNRESET);
	assert_non_null(strstr(r.why, "went away"));

	/* RAM past the end of the guest's. */
	at = base;
	be64_store(pl, UNIT_RAM - 8);
	memset(pl + 8, 1, 16);
	put_rec(buf, &at, MIG_RAM, 0, pl, 24);
	assert_int_equal(feed(buf, at, &r), -EPROTO);
	assert_non_null(strstr(r.why, "outside"));

	/* A flipped bit in a payload. */
	at = base;
	be64_store(pl, 0);
	put_rec(buf, &at, MIG_RAM, 0, pl, 24);
	buf[at - 1] ^= 1;
	assert_int_equal(feed(buf, at, &r), -EPROTO);
	assert_non_null(strstr(r.why, "checksum"));
	assert_int_equal(dst_m->vm.mem.host[8], 0);

	/* A ZERO that wraps around. */
	at = base;
	be64_store(pl, 0x10000);
	be64_store(pl + 8, ~0ull - 0x8000);
	put_rec(buf, &at, MIG_ZERO, 0, pl, 16);
	assert_int_equal(feed(buf, at, &r), -EPROTO);

	/* An HPT for a radix guest. */
	at = base;
	put_rec(buf, &at, MIG_HPT, 0, pl, 8);
	assert_int_equal(feed(buf, at, &r), -EPROTO);

	/* DONE before any state; STATE that is not a snapshot. */
	at = base;
	put_rec(buf, &at, MIG_DONE, 0, NULL, 0);
	assert_int_equal(feed(buf, at, &r), -EPROTO);
	assert_non_null(strstr(r.why, "before the state"));
	at = base;
	put_rec(buf, &at, MIG_STATE, 0, pl, 40);
	assert_int_equal(feed(buf, at, &r), -EPROTO);
	assert_non_null(strstr(r.why, "machine state"));

	/* Records before HELLO; a second HELLO; another version. */
	at = MIG_GREETING;
	put_rec(buf, &at, MIG_DONE, 0, NULL, 0);
	assert_int_equal(feed(buf, at, &r), -EPROTO);
	assert_non_null(strstr(r.why, "before HELLO"));
	prefix(buf);
	at = base;
	memcpy(buf + at, buf + MIG_GREETING, base - MIG_GREETING);
	at += base - MIG_GREETING;
	assert_int_equal(feed(buf, at, &r), -EPROTO);
	assert_non_null(strstr(r.why, "second HELLO"));
	be32_store(buf + 8, 2);
	assert_int_equal(feed(buf, base, &r), -EPROTO);
	assert_non_null(strstr(r.why, "version"));
	prefix(buf);

	/* The source gives up. */
	at = base;
	put_rec(buf, &at, MIG_ABORT, 0, pl, mig_reply_put(pl, EIO, "x"));
	assert_int_equal(feed(buf, at, &r), -ECANCELED);

	/* Nothing of the vCPUs' state was ever loaded. */
	assert_int_equal(fake_hv.mmu_calls, 0);
	free(buf);
	done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrate_radix),
		cmocka_unit_test(pass_limit),
		cmocka_unit_test(refused_config),
		cmocka_unit_test(migrate_xive),
		cmocka_unit_test(dest_gone),
		cmocka_unit_test(hostile),
		cmocka_unit_test(migrate_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
