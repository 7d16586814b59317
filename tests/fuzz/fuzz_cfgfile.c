/* libFuzzer target: the --config JSON reader (cfgfile.c).  The input is
 * the file.  A refusal must come with one line and no options; what is
 * taken must name a key of the table, with the value's JSON kind, and
 * must come back the same through --print-config's writer and a second
 * read (the round trip README "Configuration file" promises). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgfile.h"

/* One key of each kind, named as main's table names them. */
static const struct cfg_key keys[] = {
	{"kernel", CFG_STRING},
	{"cmdline", CFG_STRING},
	{"mem", CFG_STRING},
	{"cpus", CFG_NUMBER},
	{"shutdown-timeout", CFG_NUMBER},
	{"rng", CFG_FLAG},
	{"iommu", CFG_FLAG},
	{"disk", CFG_LIST},
	{"net", CFG_LIST},
	{"vsock", CFG_LIST},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

/* The file cfgfile_load reads: one per process, rewritten per input. */
static int put_file(const char *p, const uint8_t *data, size_t size)
{
	FILE *f = fopen(p, "w");
	bool ok;

	if (!f)
		return -1;
	ok = fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* What an option stands for: must be "--KEY" or "--KEY=...", of the
 * key it says, with a value exactly when the kind has one. */
static void check_arg(const struct cfg_arg *a)
{
	const struct cfg_key *k;
	size_t n;

	if (a->key >= NKEYS || !a->arg || !a->path)
		abort();
	k = &keys[a->key];
	n = strlen(k->name);
	if (strncmp(a->arg, "--", 2) != 0 || strncmp(a->arg + 2, k->name, n))
		abort();
	if (k->kind == CFG_FLAG ? a->arg[2 + n] != '\0' : a->arg[2 + n] != '=')
		abort();
	if (strncmp(a->path, k->name, n) != 0)
		abort();
}

/* Print @a as --print-config would (each option given in turn). */
static char *print(const struct cfg_args *a, size_t *len)
{
	struct cfg_out *o = cfg_out_new();
	char *buf = NULL;
	FILE *f;

	if (!o)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		const struct cfg_key *k = &keys[a->v[i].key];
		const char *eq = strchr(a->v[i].arg, '=');

		if (cfg_out_set(o, k, k->kind == CFG_FLAG ? "" : eq + 1) < 0)
			abort();
	}
	f = open_memstream(&buf, len);
	if (!f || cfg_out_print(o, f) < 0 || fclose(f) != 0)
		abort();
	cfg_out_free(o);
	return buf;
}

static bool same(const struct cfg_args *a, const struct cfg_args *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].key != b->v[i].key ||
		    strcmp(a->v[i].arg, b->v[i].arg) ||
		    strcmp(a->v[i].path, b->v[i].path))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_args a, b;
	char err[256] = "", err2[256] = "";
	size_t len;
	char *text;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz_cfgfile.%d.json",
			 (int)getpid());
		atexit(remove_file);
	}
	if (put_file(path, data, size) < 0)
		abort();
	if (cfgfile_load(path, keys, NKEYS, &a, err, sizeof(err)) < 0) {
		/* Refused: one line, nothing taken. */
		if (!err[0] || strchr(err, '\n') || a.n || a.v)
			abort();
		return 0;
	}
	for (size_t i = 0; i < a.n; i++)
		check_arg(&a.v[i]);
	/* Written out and read back: the same options, key paths too. */
	text = print(&a, &len);
	if (put_file(path, (const uint8_t *)text, len) < 0)
		abort();
	if (cfgfile_load(path, keys, NKEYS, &b, err2, sizeof(err2)) < 0 ||
	    !same(&a, &b))
		abort();
	free(text);
	cfg_args_free(&a);
	cfg_args_free(&b);
	return 0;
}
