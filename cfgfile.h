/* --config FILE and --print-config: pvmm's command line as a JSON
 * object, one key per long option (README, "Configuration file").
 *
 * The file is read with cJSON and turned into the options it stands
 * for ("--mem=2G"), each with the key path it came from, so main parses
 * the file's options and the command line's with one parser and names
 * the key in any refusal.  Nothing here prints; errors are one line in
 * the caller's buffer. */
#ifndef PVMM_CFGFILE_H
#define PVMM_CFGFILE_H

#include <stddef.h>
#include <stdio.h>

/* What JSON value a key takes. */
enum cfg_kind {
	CFG_FLAG,   /* true or false: --name, or nothing */
	CFG_STRING, /* a string: --name=STRING */
	CFG_NUMBER, /* an integer: --name=DIGITS */
	CFG_LIST,   /* an array of strings: --name=S once per element */
};

struct cfg_key {
	const char *name; /* the long option, without "--" */
	enum cfg_kind kind;
};

/* One option the file stands for. */
struct cfg_arg {
	char *arg;  /* "--name=value" or "--name" */
	char *path; /* the key path it came from: "disk[1]" */
	size_t key; /* its index in the caller's key table */
};

struct cfg_args {
	struct cfg_arg *v;
	size_t n;
};

/* Read @path, check every key against @keys (@nkeys) and its type, and
 * fill @out with the options, in the file's key order.  A null value is
 * the same as no key (what --print-config writes for an unset string).  0, or -errno
 * with one line in @err ("FILE: PATH: why") and @out empty. */
int cfgfile_load(const char *path, const struct cfg_key *keys, size_t nkeys,
		 struct cfg_args *out, char *err, size_t errlen);
void cfg_args_free(struct cfg_args *a);

/* The effective configuration, built key by key as options are taken
 * (the last value of a key wins, a list grows), then printed as a JSON
 * object that cfgfile_load reads back to the same options. */
struct cfg_out;
struct cfg_out *cfg_out_new(void);
/* @value: for CFG_FLAG NULL is false, anything else true; for
 * CFG_NUMBER a decimal string the caller has checked; NULL for a string
 * is null (not set), for a list it makes the list exist, empty.  0 or
 * -ENOMEM. */
int cfg_out_set(struct cfg_out *o, const struct cfg_key *key,
		const char *value);
int cfg_out_print(const struct cfg_out *o, FILE *f);
void cfg_out_free(struct cfg_out *o);

#endif
