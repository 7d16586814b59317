/* The migration stream's records (migrate/mstream.c): every header a
 * hostile peer can send is refused with a line before its payload is
 * read or used, every bit flip of a record is caught, and the small
 * payloads' decoders keep to the guest's RAM. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu/be.h"
#include "migrate/mstream.h"
#include "tests/unit/unit.h"

static void greeting(void **state)
{
	uint8_t g[MIG_GREETING];
	char why[160] = "";

	(void)state;
	mig_greeting_put(g);
	assert_int_equal(mig_greeting_check(g, why, sizeof(why)), 0);
	g[3] ^= 1;
	assert_int_equal(mig_greeting_check(g, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "not a pvmm"));
	mig_greeting_put(g);
	be32_store(g + 8, MIG_VERSION + 1);
	assert_int_equal(mig_greeting_check(g, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "version 2"));
	mig_greeting_put(g);
	g[15] = 1;
	assert_int_equal(mig_greeting_check(g, why, sizeof(why)), -EPROTO);
}

static int parse(uint32_t type, uint32_t arg, uint64_t len, uint32_t rsv,
		 unsigned order, char *why)
{
	uint8_t h[MIG_HEADER];
	struct mig_hdr out;

	be32_store(h, type);
	be32_store(h + 4, arg);
	be64_store(h + 8, len);
	be32_store(h + 16, 0);
	be32_store(h + 20, rsv);
	why[0] = '\0';
	return mig_hdr_parse(h, order, &out, why, 160);
}

static void headers(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(parse(MIG_RAM, 0, 8 + MIG_RAM_CHUNK, 0, 0, why), 0);
	assert_int_equal(parse(0, 0, 0, 0, 0, why), -EPROTO);
	assert_non_null(strstr(why, "unknown record type 0"));
	assert_int_equal(parse(MIG_TYPES, 0, 0, 0, 0, why), -EPROTO);
	assert_int_equal(parse(0xffffffffu, 0, 0, 0, 0, why), -EPROTO);
	assert_int_equal(parse(MIG_DONE, 0, 0, 1, 0, why), -EPROTO);
	assert_non_null(strstr(why, "reserved"));
	/* Every type's length bound, and one past it. */
	for (uint32_t t = 1; t < MIG_TYPES; t++) {
		uint64_t max = mig_max_len(t, 18);

		if (t == MIG_HPT)
			assert_int_equal(parse(t, 0, 0, 0, 18, why), -EPROTO);
		else
			assert_int_equal(parse(t, 0, max, 0, 18, why), 0);
		assert_int_equal(parse(t, 0, max + 1, 0, 18, why), -EPROTO);
		assert_non_null(strstr(why, "too long"));
		assert_int_equal(parse(t, 0, ~0ull, 0, 18, why), -EPROTO);
	}
	/* No HPT at all for a radix guest. */
	assert_int_equal(parse(MIG_HPT, 0, 100, 0, 0, why), -EPROTO);
	assert_int_equal(parse(MIG_HPT, 0, 100, 0, 18, why), 0);
	/* Passes are bounded. */
	assert_int_equal(parse(MIG_PASS, MIG_MAX_PASSES - 1, 8, 0, 0, why), 0);
	assert_int_equal(parse(MIG_PASS, MIG_MAX_PASSES, 8, 0, 0, why),
			 -EPROTO);
	assert_int_equal(parse(MIG_RAM, 0xffffffffu, 16, 0, 0, why), -EPROTO);
}

/* A record through a socket; every single-bit flip of it is refused
 * (header checks or checksum), none read past the record. */
static void bit_flips(void **state)
{
	uint8_t pl[40], rec[MIG_HEADER + sizeof(pl)];
	int sv[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	for (unsigned i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i * 7);
	be64_store(pl, 0x10000);
	mig_hdr_put(rec, MIG_RAM, 3, pl, sizeof(pl));
	memcpy(rec + MIG_HEADER, pl, sizeof(pl));
	for (unsigned bit = 0; bit <= sizeof(rec) * 8; bit++) {
		struct mig_hdr h;
		uint8_t *got = NULL;
		char why[160] = "";
		int err;

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		if (bit < sizeof(rec) * 8)
			rec[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(write(sv[0], rec, sizeof(rec)),
				 (ssize_t)sizeof(rec));
		shutdown(sv[0], SHUT_WR);
		err = mig_recv(sv[1], 0, 1000, &h, &got, why, sizeof(why));
		if (bit == sizeof(rec) * 8) {
			assert_int_equal(err, 0);
			assert_memory_equal(got, pl, sizeof(pl));
			assert_int_equal(h.arg, 3);
		} else {
			/* A longer length waits for bytes that never come. */
			assert_true(err == -EPROTO || err == -ECONNRESET);
			assert_null(got);
			if (err == -EPROTO)
				assert_true(why[0] != '\0');
			rec[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		free(got);
		close(sv[0]);
		close(sv[1]);
	}
}

/* Truncated at every length: the peer went away, nothing handed out. */
static void truncated(void **state)
{
	uint8_t pl[20] = {1, 2, 3}, rec[MIG_HEADER + sizeof(pl)];
	int sv[2];

	(void)state;
	mig_hdr_put(rec, MIG_STATE, 0, pl, sizeof(pl));
	memcpy(rec + MIG_HEADER, pl, sizeof(pl));
	for (size_t n = 0; n < sizeof(rec); n++) {
		struct mig_hdr h;
		uint8_t *got = NULL;
		char why[160];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(write(sv[0], rec, n), (ssize_t)n);
		shutdown(sv[0], SHUT_WR);
		assert_int_equal(
			mig_recv(sv[1], 0, 1000, &h, &got, why, sizeof(why)),
			-ECONNRESET);
		assert_null(got);
		close(sv[0]);
		close(sv[1]);
	}
	/* Nothing at all within the time: a timeout, not a hang. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	{
		struct mig_hdr h;
		uint8_t *got = NULL;
		char why[160];

		assert_int_equal(
			mig_recv(sv[1], 0, 20, &h, &got, why, sizeof(why)),
			-ETIMEDOUT);
	}
	close(sv[0]);
	close(sv[1]);
}

static void payloads(void **state)
{
	uint8_t p[32];
	const uint8_t *data;
	uint64_t gpa, n, ram = 1ull << 20;
	char why[160], text[8];
	int e;

	(void)state;
	be64_store(p, ram - 16);
	assert_int_equal(
		mig_ram_decode(p, 24, ram, &gpa, &data, &n, why, sizeof(why)),
		0);
	assert_int_equal(n, 16);
	assert_ptr_equal(data, p + 8);
	assert_int_equal(
		mig_ram_decode(p, 25, ram, &gpa, &data, &n, why, sizeof(why)),
		-EPROTO);
	assert_int_equal(
		mig_ram_decode(p, 8, ram, &gpa, &data, &n, why, sizeof(why)),
		-EPROTO); /* no bytes */
	assert_int_equal(
		mig_ram_decode(p, 7, ram, &gpa, &data, &n, why, sizeof(why)),
		-EPROTO);
	be64_store(p, ~0ull);
	assert_int_equal(
		mig_ram_decode(p, 24, ram, &gpa, &data, &n, why, sizeof(why)),
		-EPROTO);

	be64_store(p, 0);
	be64_store(p + 8, ram);
	assert_int_equal(
		mig_zero_decode(p, 16, ram, &gpa, &n, why, sizeof(why)), 0);
	be64_store(p, 4096);
	assert_int_equal(
		mig_zero_decode(p, 16, ram, &gpa, &n, why, sizeof(why)),
		-EPROTO);
	be64_store(p + 8, ~0ull - 100);
	assert_int_equal(
		mig_zero_decode(p, 16, ram, &gpa, &n, why, sizeof(why)),
		-EPROTO);
	assert_int_equal(
		mig_zero_decode(p, 15, ram, &gpa, &n, why, sizeof(why)),
		-EPROTO);
	assert_int_equal(mig_pass_decode(p, 9, &n, why, sizeof(why)), -EPROTO);

	n = mig_reply_put(p, -EINVAL, "no\nway");
	assert_int_equal(n, 10);
	assert_int_equal(mig_reply_decode(p, n, &e, text, sizeof(text), why,
					  sizeof(why)),
			 0);
	assert_int_equal(e, EINVAL);
	assert_string_equal(text, "no?way");
	p[5] = 0x80;
	assert_int_equal(mig_reply_decode(p, n, &e, text, sizeof(text), why,
					  sizeof(why)),
			 -EPROTO);
	be32_store(p, 4096);
	assert_int_equal(mig_reply_decode(p, 4, &e, text, sizeof(text), why,
					  sizeof(why)),
			 -EPROTO);
	assert_int_equal(mig_reply_decode(p, 3, &e, text, sizeof(text), why,
					  sizeof(why)),
			 -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(greeting),  cmocka_unit_test(headers),
		cmocka_unit_test(bit_flips), cmocka_unit_test(truncated),
		cmocka_unit_test(payloads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
