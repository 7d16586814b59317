/* Device modules, in the manner of Solo5's tender modules: each kind of
 * device is one file that declares itself with DEVICE_MODULE (its
 * command-line option and --help lines, how it parses and opens what the
 * option names, how it creates its devices on the host bridge), and
 * owns what it parsed.  The core (io/devices.c) finds the modules linked
 * in and never names one: config.h chooses which device files the
 * Makefile builds, and the modules in the binary are its device menu.
 *
 * All of it runs on main's thread, before the VM runs. */
#ifndef PVMM_DEVICE_H
#define PVMM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct io;

struct device_module {
	/* Its place among the modules: --help, --version, getopt's table
	 * and the PCI slots of its devices follow rank, then option name,
	 * whatever order the linker (or LTO) laid the section in.  The
	 * ranks are README "Devices"' order: disk 10, net 20, rng 30,
	 * vsock 40. */
	unsigned rank;
	const char *option; /* long option, without "--" */
	bool has_arg;	    /* --option ARG, or a bare --option */
	const char *usage;  /* its lines of --help */
	/* One use of the option: 0, or -EINVAL with one line in @err. */
	int (*parse)(const char *arg, char *err, size_t errlen);
	/* How many devices the options asked for. */
	unsigned (*count)(void);
	/* Open what device @i names (file, tap) before the VM exists, so a
	 * bad path fails at once: 0, or -errno with one line in @err.
	 * Optional. */
	int (*open)(unsigned i, char *err, size_t errlen);
	/* Create device @i on the host bridge: 0 or -errno. */
	int (*create)(struct io *io, unsigned i);
};

/* Put @name's module among those the core finds (a linker section). */
#define DEVICE_MODULE(name, ...)                                               \
	static const struct device_module device_module_##name __attribute__(( \
		section("pvmm_devices"), used, aligned(8))) = {__VA_ARGS__}

/* The modules linked in: device_module_at(0 .. count - 1), in rank
 * order.  Entries with no option are place holders, to be skipped. */
size_t device_module_count(void);
const struct device_module *device_module_at(size_t i);

/* For the modules' parsers: split "a,b,c" in place, the next item of *@s
 * or NULL; one message in @err, -EINVAL; the same after freeing @dup
 * (the copy of the option being parsed). */
char *device_next_item(char **s);
int device_error(char *err, size_t errlen, const char *fmt, const char *arg);
int device_refuse(char *err, size_t errlen, const char *fmt, const char *arg,
		  char *dup);

#endif
