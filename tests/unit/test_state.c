/* vCPU PAPR state records, KVM's binary stats parser, VPA reading. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <unistd.h>

#include "cpu/kvm/stats.h"
#include "migrate/vcpu_state.h"
#include "cpu/be.h"
#include "papr/vpa.h"
#include "tests/unit/unit.h"

static void papr_record(void **state)
{
	struct vcpu_papr a = { 0x1000, 0x2000, 0x300, 0x4000, 0x500,
			       0x123456789abcdef0ULL, 0xfffffffffffff000ULL };
	struct vcpu_papr b = { 0 };
	uint8_t buf[VCPU_PAPR_RECORD_SIZE];

	(void)state;
	assert_int_equal(vcpu_papr_encode(&a, buf), VCPU_PAPR_RECORD_SIZE);
	assert_int_equal(be64_load(buf), 0x1000);		/* vpa first */
	assert_int_equal(be64_load(buf + 40), 0x123456789abcdef0ULL);
	assert_int_equal(vcpu_papr_decode(&b, buf, sizeof(buf)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(vcpu_papr_decode(&b, buf, sizeof(buf) - 1), -EINVAL);
}

/* A stats file as KVM lays it out: header, descriptors, data. */
struct stats_file {
	struct kvm_stats_header h;
	struct {
		struct kvm_stats_desc d;
		char name[48];
	} desc[3];
	uint64_t data[4];
};

static int write_stats(const struct stats_file *s)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(s, sizeof(*s), 1, f), 1);
	fflush(f);
	return dup(fileno(f));
}

static void kvm_stats(void **state)
{
	struct stats_file s = {
		.h = { .name_size = 48, .num_desc = 3,
		       .desc_offset = offsetof(struct stats_file, desc),
		       .data_offset = offsetof(struct stats_file, data) },
		.desc = {
			{ { KVM_STATS_TYPE_CUMULATIVE, 0, 1, 0, 0 }, "halt_wakeup" },
			{ { KVM_STATS_TYPE_LOG_HIST, 0, 2, 8, 0 }, "hist" },
			{ { KVM_STATS_TYPE_INSTANT, 0, 1, 24, 0 }, "blocking" },
		},
		.data = { 321, 1, 2, 7 },
	};
	struct kvm_stats out;
	int fd = write_stats(&s);

	(void)state;
	assert_int_equal(kvm_stats_read(fd, &out), 0);
	assert_int_equal(out.n, 2);		/* the histogram is skipped */
	assert_string_equal(out.stat[0].name, "halt_wakeup");
	assert_int_equal(out.stat[0].value, 321);
	assert_string_equal(out.stat[1].name, "blocking");
	assert_int_equal(out.stat[1].value, 7);
	close(fd);
	s.desc[2].d.offset = 4096;		/* data past the file */
	fd = write_stats(&s);
	assert_true(kvm_stats_read(fd, &out) < 0);
	close(fd);
	s.h.name_size = 0;
	fd = write_stats(&s);
	assert_true(kvm_stats_read(fd, &out) < 0);
	close(fd);
}

static void vpa(void **state)
{
	struct machine *m = unit_machine(1);
	uint8_t *v = gmem_ptr(&m->vm.mem, 0x10000, 1024);

	(void)state;
	be16_store(v + VPA_SIZE_OFF, 640);
	be32_store(v + VPA_DISPATCH_OFF, 4242);
	assert_int_equal(vpa_dispatch_count(&m->vm.mem, 0x10000), 4242);
	assert_int_equal(vpa_dispatch_count(&m->vm.mem, 0), -1);
	assert_int_equal(vpa_dispatch_count(&m->vm.mem, 0x10040), -1);
	assert_int_equal(vpa_dispatch_count(&m->vm.mem, UNIT_RAM - 128), -1);
	assert_int_equal(vpa_dispatch_count(&m->vm.mem, UINT64_MAX & ~0x7fULL),
			 -1);
	be16_store(v + VPA_SIZE_OFF, 100);	/* the guest shrank it */
	assert_int_equal(vpa_dispatch_count(&m->vm.mem, 0x10000), -1);
	unit_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(papr_record),
		cmocka_unit_test(kvm_stats),
		cmocka_unit_test(vpa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
