/* pvmm machine configuration, fixed at compile time.
 *
 * The command line chooses what a guest runs and which of these devices it
 * gets; this file chooses what the binary can give at all. */
#ifndef PVMM_CONFIG_H
#define PVMM_CONFIG_H

/* vCPUs and memory. */
#define CONFIG_MAX_CPUS		32
#define CONFIG_DEFAULT_CPUS	1
#define CONFIG_DEFAULT_MEM	(512ULL << 20)
#define CONFIG_MIN_MEM		(64ULL << 20)
#define CONFIG_MAX_MEM		(1ULL << 40)
#define CONFIG_MEM_ALIGN	(64ULL << 10)	/* largest base page size */
/* Where guest RAM starts in pvmm's address space: a multiple of every
 * host's PMD size (2 MiB radix, 16 MiB hash with 64K pages), so
 * transparent huge pages can back it from its first byte. */
#define CONFIG_RAM_HOST_ALIGN	(16ULL << 20)
/* The memory block size the device tree gives (ibm,lrdr-capacity), as
 * QEMU's pseries (SPAPR_MEMORY_BLOCK_SIZE). */
#define CONFIG_MEM_BLOCK	(256u << 20)

/* Guest-physical layout, counted down from the top of RAM. */
#define CONFIG_RTAS_SIZE	(64ULL << 10)
#define CONFIG_FDT_MAX		(64ULL << 10)
#define CONFIG_CMDLINE_MAX	4096

/* Console: hvterm vty unit addresses.  The second vty is the control
 * channel a guest uses to hand pvmm its exit status ("exit N\n"). */
#define CONFIG_VTY_CONSOLE	0x71000000u
#define CONFIG_VTY_CONTROL	0x71000001u
/* The NVRAM's unit address on the VIO bus, after the vtys. */
#define CONFIG_VIO_NVRAM	0x71000002u

/* Devices: which kinds are built in (1) or left out (0).  The Makefile
 * builds only the device files of the kinds set here (io/device.h: each
 * is a module the core finds), so a kind left out has no option, no code
 * and no test in the binary; a guest with none still boots.  A value
 * given to make (make CONFIG_VIRTIO_NET=0) overrides this for that build.
 * How many of each a guest may get (--disk, --net are repeatable): */
#ifndef CONFIG_VIRTIO_BLK
#define CONFIG_VIRTIO_BLK	1	/* --disk: io/virtio_blk.c */
#endif
#ifndef CONFIG_VIRTIO_NET
#define CONFIG_VIRTIO_NET	1	/* --net: io/virtio_net.c */
#endif
#ifndef CONFIG_VIRTIO_RNG
#define CONFIG_VIRTIO_RNG	1	/* --rng: io/virtio_rng.c */
#endif
#ifndef CONFIG_VIRTIO_VSOCK
#define CONFIG_VIRTIO_VSOCK	1	/* --vsock: io/virtio_vsock.c, vsock_*.c */
#endif
#define CONFIG_MAX_DISKS	8
#define CONFIG_MAX_NETS		4

/* NVRAM: the size QEMU's pseries gives by default (spapr-nvram, 64 KiB);
 * a --nvram file must be exactly this long. */
#define CONFIG_NVRAM_SIZE	(64u << 10)

/* Stack of each thread pvmm starts (vCPUs, the event loop), sized to
 * need instead of musl's 128 KiB default: the deepest frames on those
 * threads (gcc -fstack-usage, -Os, 2026-12-05) are under 5 KiB each and
 * a whole call chain under 16 KiB; 64 KiB leaves four times that. */
#define CONFIG_THREAD_STACK	(64u << 10)

/* RTAS tokens are handed out from here, in the order of the RTAS table. */
#define CONFIG_RTAS_TOKEN_BASE	0x2000u

/* Machine identity written into the device tree. */
#define CONFIG_MODEL		"IBM pSeries (emulated by pvmm)"
#define CONFIG_COMPATIBLE	"qemu,pseries"

#endif
