/* seccomp-gen: the sandbox's filters (rules.c) as BPF, for one target
 * architecture, written as a C file pvmm compiles in (sandbox.h).  Runs
 * on the build machine with libseccomp, as Firecracker compiles its
 * filters ahead of time; pvmm links no libseccomp.
 *
 *   seccomp-gen ppc64le|x86_64 IOCTLS OUT.c [OUT.pfc]
 *
 * IOCTLS: "NAME VALUE" lines, the requests' values for the target
 * (ioctls.c through the target's compiler).  OUT.pfc: the filters in
 * libseccomp's readable form, for people. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "rules.h"

static const char *const filter_names[SANDBOX_NFILTERS] = {
	[THREAD_MAIN] = "main",
	[THREAD_VCPU] = "vcpu",
	[THREAD_IO] = "io",
	[THREAD_MIG] = "mig",
	[SANDBOX_MAIN_DEBUG] = "main_debug",
};

static struct {
	char name[64];
	unsigned long value;
} ioctls[64];
static size_t nioctls;

static void die(const char *what, int err)
{
	fprintf(stderr, "seccomp-gen: %s: %s\n", what, strerror(err));
	exit(1);
}

static void read_ioctls(const char *path)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		die(path, errno);

	/* The assembler's .long values: signed, 32 bits. */
	while (nioctls < sizeof(ioctls) / sizeof(ioctls[0]) &&
	       fscanf(f, "%63s %ld", ioctls[nioctls].name, &v) == 2)
		ioctls[nioctls++].value = (uint32_t)v;
	fclose(f);
}

static int ioctl_value(const char *name, unsigned long *v)
{
	for (size_t i = 0; i < nioctls; i++)
		if (!strcmp(ioctls[i].name, name)) {
			*v = ioctls[i].value;
			return 0;
		}
	return -1;
}

static int add_rule(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->syscall);
	struct scmp_arg_cmp cmp;
	unsigned long v;

	if (nr == __NR_SCMP_ERROR) {
		fprintf(stderr, "seccomp-gen: no system call %s\n", r->syscall);
		return -1;
	}
	if (r->ioctl) {
		if (ioctl_value(r->ioctl, &v) < 0) {
			fprintf(stderr,
				"seccomp-gen: no value for ioctl %s "
				"(tools/seccomp/ioctls.c)\n",
				r->ioctl);
			return -1;
		}
		/* The request is an int in libc's ioctl(): musl passes it
		 * sign-extended (0xffffffff8... for the _IOW ones) and the
		 * kernel looks at the low 32 bits only, so compare those.
		 * (SCMP_A1_32 does not: it wants the high half zero.) */
		cmp = SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffUL, v);
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, cmp);
	}
	if (r->arg.on) {
		cmp = SCMP_CMP(r->arg.idx, SCMP_CMP_MASKED_EQ, r->arg.mask,
			       r->arg.value);
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, cmp);
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

static scmp_filter_ctx build(unsigned filter, uint32_t arch)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int err;

	if (!ctx)
		die("seccomp_init", ENOMEM);
	if (arch != seccomp_arch_native()) {
		if ((err = seccomp_arch_add(ctx, arch)) < 0)
			die("seccomp_arch_add", -err);
		if ((err = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0)
			die("seccomp_arch_remove", -err);
	}
	/* A call made through another ABI (32-bit) is no call we allow. */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; i < sandbox_nrules; i++) {
		const struct sandbox_rule *r = &sandbox_rules[i];

		if (!(r->filters & (1u << filter)))
			continue;
		if ((err = add_rule(ctx, r)) < 0) {
			fprintf(stderr,
				"seccomp-gen: rule %zu (%s%s%s) for %s: "
				"%s\n",
				i, r->syscall, r->ioctl ? " " : "",
				r->ioctl ? r->ioctl : "", filter_names[filter],
				strerror(err < 0 ? -err : EINVAL));
			exit(1);
		}
	}
	return ctx;
}

static void write_insn(FILE *out, unsigned short code, unsigned char jt,
		       unsigned char jf, unsigned k)
{
	fprintf(out, "\t{ 0x%04x, %u, %u, 0x%08x },\n", code, jt, jf, k);
}

/* Whether @filter allows ioctl KVM_RUN: the vCPU thread's. */
static bool runs_guest(unsigned filter)
{
	for (size_t i = 0; i < sandbox_nrules; i++)
		if ((sandbox_rules[i].filters & (1u << filter)) &&
		    sandbox_rules[i].ioctl &&
		    !strcmp(sandbox_rules[i].ioctl, "KVM_RUN"))
			return true;
	return false;
}

/* The vCPU thread's one call per exit, ioctl(fd, KVM_RUN), allowed by the
 * first 7 instructions: libseccomp's program (a tree of comparisons)
 * took 52 before it allowed it for ppc64le, on every KVM_RUN (every
 * hcall, MMIO and interrupt exit).
 * Anything else falls through to that program unchanged: the jumps are
 * relative, so it works the same placed after this.  The request is
 * compared as the program compares it, its low 32 bits (add_rule says
 * why), read where a little-endian target keeps them in seccomp_data. */
static unsigned write_fast_path(FILE *out, uint32_t arch)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, "ioctl");
	unsigned long run;

	/* args[1]'s low half comes first only on a little-endian target. */
	if (arch != SCMP_ARCH_PPC64LE && arch != SCMP_ARCH_X86_64) {
		fprintf(stderr, "seccomp-gen: no fast path for this target\n");
		exit(1);
	}
	if (nr < 0 || ioctl_value("KVM_RUN", &run) < 0) {
		fprintf(stderr, "seccomp-gen: no ioctl or KVM_RUN number\n");
		exit(1);
	}
	write_insn(out, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		   offsetof(struct seccomp_data, arch));
	write_insn(out, BPF_JMP | BPF_JEQ | BPF_K, 0, 5, arch);
	write_insn(out, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		   offsetof(struct seccomp_data, nr));
	write_insn(out, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, (unsigned)nr);
	write_insn(out, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		   offsetof(struct seccomp_data, args[1]));
	write_insn(out, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (unsigned)run);
	write_insn(out, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	return 7;
}

/* The exported program, as instructions. */
static void write_program(FILE *out, scmp_filter_ctx ctx, unsigned filter,
			  uint32_t arch)
{
	char tmpl[] = "/tmp/seccomp-gen.XXXXXX";
	int fd = mkstemp(tmpl), err;
	unsigned char insn[8];
	unsigned n = 0;
	FILE *f;

	if (fd < 0)
		die("mkstemp", errno);
	unlink(tmpl);
	if ((err = seccomp_export_bpf(ctx, fd)) < 0)
		die("seccomp_export_bpf", -err);
	f = fdopen(fd, "r");
	if (!f)
		die("fdopen", errno);
	rewind(f);
	fprintf(out, "static const struct sock_filter filter_%s[] = {\n",
		filter_names[filter]);
	if (runs_guest(filter))
		n += write_fast_path(out, arch);
	/* struct sock_filter as the build machine wrote it: code (u16),
	 * jt, jf (u8), k (u32), host order; written out as values. */
	while (fread(insn, 1, sizeof(insn), f) == sizeof(insn)) {
		unsigned short code;
		unsigned k;

		memcpy(&code, insn, 2);
		memcpy(&k, insn + 4, 4);
		write_insn(out, code, insn[2], insn[3], k);
		n++;
	}
	fclose(f);
	if (n == 0 || n > 4096) {
		fprintf(stderr, "seccomp-gen: %s: %u instructions\n",
			filter_names[filter], n);
		exit(1);
	}
	fprintf(out, "};\n\n");
}

int main(int argc, char **argv)
{
	uint32_t arch;
	FILE *out, *pfc = NULL;
	int last = -1;
	unsigned offs[1024], text = 1;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: seccomp-gen ppc64le|x86_64 IOCTLS "
				"OUT.c [OUT.pfc]\n");
		return 2;
	}
	arch = seccomp_arch_resolve_name(argv[1]);
	if (!arch) {
		fprintf(stderr, "seccomp-gen: unknown architecture %s\n",
			argv[1]);
		return 2;
	}
	read_ioctls(argv[2]);
	out = fopen(argv[3], "w");
	if (!out)
		die(argv[3], errno);
	if (argc == 5 && !(pfc = fopen(argv[4], "w")))
		die(argv[4], errno);
	fprintf(out,
		"/* Generated by tools/seccomp/gen.c from "
		"tools/seccomp/rules.c for %s: do not edit. */\n"
		"#include \"sandbox.h\"\n\n",
		argv[1]);
	for (unsigned f = 0; f < SANDBOX_NFILTERS; f++) {
		scmp_filter_ctx ctx = build(f, arch);

		write_program(out, ctx, f, arch);
		if (pfc) {
			fprintf(pfc, "# filter %s\n", filter_names[f]);
			fflush(pfc);
			seccomp_export_pfc(ctx, fileno(pfc));
		}
		seccomp_release(ctx);
	}
	fprintf(out, "const struct sandbox_filter sandbox_filters"
		     "[SANDBOX_NFILTERS] = {\n");
	for (unsigned f = 0; f < SANDBOX_NFILTERS; f++)
		fprintf(out,
			"\t{ filter_%s, sizeof(filter_%s) / "
			"sizeof(filter_%s[0]) },\n",
			filter_names[f], filter_names[f], filter_names[f]);
	fprintf(out, "};\n\n");
	/* Every system call's name on the target, for the SIGSYS report. */
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (name)
			last = nr;
		free(name);
	}
	/* As one string of NUL-ended names (offset 0: the empty one) and
	 * each number's offset in it: offsets, not pointers, are a quarter
	 * the size and need no relocation (issue #16). */
	fprintf(out, "const char sandbox_syscall_text[] =\n\t\"\\0\"");
	for (int nr = 0; nr <= last; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		offs[nr] = name ? text : 0;
		if (name) {
			fprintf(out, "\n\t\"%s\\0\"", name);
			text += strlen(name) + 1;
		}
		free(name);
	}
	if (text > 0xffff) {
		fprintf(stderr, "seccomp-gen: %u bytes of names\n", text);
		return 1;
	}
	fprintf(out, ";\n\nconst unsigned short sandbox_syscall_off[] = {");
	for (int nr = 0; nr <= last; nr++)
		fprintf(out, "%s%u,", nr % 12 ? " " : "\n\t", offs[nr]);
	fprintf(out,
		"\n};\n\nconst unsigned sandbox_nsyscall_names = %d;\n\n"
		"const char sandbox_filter_arch[] = \"%s\";\n",
		last + 1, argv[1]);
	if (fclose(out) != 0)
		die(argv[3], errno);
	if (pfc)
		fclose(pfc);
	return 0;
}
