/* Entry, interrupt vectors, the secondary-CPU trampoline and the Open
 * Firmware call of the test guests.  pvmm enters at _start in real mode,
 * little-endian, 64-bit, with r3 = the device tree and r5 = 0.  QEMU's
 * firmware (SLOF or VOF) enters at the image's first byte, possibly
 * big-endian and 32-bit, with r5 = its client interface entry and no
 * device tree. */
#define STACK_SIZE	0x10000

/* One instruction word stored big-endian: code that runs before MSR[LE]
 * is set, or when firmware returns to us in big-endian mode. */
	.macro be_insn w
	.byte	((\w) >> 24) & 0xff, ((\w) >> 16) & 0xff, ((\w) >> 8) & 0xff, (\w) & 0xff
	.endm

/* Big-endian, 32- or 64-bit: set MSR[LE] and MSR[SF] and go on at \target
 * (a little-endian label close by).  Uses r10-r12 only. */
	.macro be_to_le64 target
.Lbe\@:
	be_insn	0x429f0005		/* bcl 20,31,$+4 */
	be_insn	0x7d4802a6		/* mflr r10 */
	.byte	0x39, 0x4a		/* addi r10,r10,target-(.Lbe+4) */
	.byte	((\target - .Lbe\@ - 4) >> 8) & 0xff, (\target - .Lbe\@ - 4) & 0xff
	be_insn	0x7d6000a6		/* mfmsr r11 */
	be_insn	0x616b0001		/* ori r11,r11,MSR_LE */
	be_insn	0x39800001		/* li r12,1 */
	be_insn	0x798cf806		/* sldi r12,r12,63 (MSR_SF) */
	be_insn	0x7d6b6378		/* or r11,r11,r12 */
	be_insn	0x7d5a03a6		/* mtsrr0 r10 */
	be_insn	0x7d7b03a6		/* mtsrr1 r11 */
	be_insn	0x4c000024		/* rfid */
	.endm

	.section .head, "ax"
	.globl _start
/* The first word reads as "tdi" little-endian (a no-op) but as "b .+8"
 * big-endian. */
_start:
	tdi	0, 0, 0x48
	b	boot
	be_to_le64 boot

/* Every architected vector up to 0x1000 (and the 0x1100.. ones a guest
 * with AIL=0 can take) reports itself and ends the guest with status 99,
 * so a test that crashes fails loudly instead of hanging. */
	.macro vector addr
	. = \addr
	mtsprg	1, %r1
	li	%r3, \addr
	b	unexpected
	.endm

	vector 0x100
	vector 0x200
	vector 0x300
	vector 0x380
	vector 0x400
	vector 0x480
	vector 0x500
	vector 0x600
	vector 0x700
	vector 0x800
	vector 0x900
	vector 0x980
	vector 0xa00
	vector 0xb00
	vector 0xc00
	vector 0xd00
	vector 0xe00
	vector 0xe20
	vector 0xe40
	vector 0xe60
	vector 0xe80
	vector 0xea0
	vector 0xf00
	vector 0xf20
	vector 0xf40
	vector 0xf60
	vector 0x1500
	vector 0x1700

	. = 0x2000
/* Load r2 with the TOC and r13 with the canary area libfdt expects. */
	.macro abi_regs
	lis	%r2, .TOC.@ha
	addi	%r2, %r2, .TOC.@l
	lis	%r13, tls_area@ha
	addi	%r13, %r13, tls_area@l
	addis	%r13, %r13, 0x1	/* canary lives at r13 - 0x7010 */
	.endm

/* FP, VMX and VSX on: compiled code may use them for copies. */
	.macro enable_fp
	mfmsr	%r11
	ori	%r11, %r11, 0x2000	/* FP */
	oris	%r11, %r11, 0x0280	/* VEC, VSX */
	mtmsrd	%r11
	.endm

boot:
	mr	%r31, %r3
	mr	%r30, %r5
	abi_regs
	enable_fp
	lis	%r1, boot_stack@ha
	addi	%r1, %r1, boot_stack@l
	addis	%r1, %r1, STACK_SIZE@ha
	addi	%r1, %r1, STACK_SIZE@l - 64
	li	%r0, 0
	std	%r0, 0(%r1)
	mr	%r3, %r31
	mr	%r4, %r30
	bl	guest_start
1:	b	1b

unexpected:
	mfsrr0	%r4
	mfsrr1	%r5
	abi_regs
	lis	%r1, exc_stack@ha
	addi	%r1, %r1, exc_stack@l
	addi	%r1, %r1, 0x3f00
	bl	unexpected_interrupt
2:	b	2b

/* Secondary CPUs start big-endian (MSR = SF|ME) at the address given to
 * start-cpu.  The first word reads as "tdi" little-endian (a no-op) but
 * as "b .+8" big-endian, where a big-endian sequence (written as bytes)
 * sets MSR[LE] and returns to the little-endian code that follows. */
	.globl secondary_entry
	.balign 4
secondary_entry:
	tdi	0, 0, 0x48
	b	3f
	.byte	0x42, 0x9f, 0x00, 0x05		/* bcl 20,31,$+4 */
4:	.byte	0x7d, 0x48, 0x02, 0xa6		/* mflr r10 */
	.byte	0x39, 0x4a, (3f - 4b) >> 8, (3f - 4b) & 0xff /* addi r10,r10,3f-4b */
	.byte	0x7d, 0x60, 0x00, 0xa6		/* mfmsr r11 */
	.byte	0x61, 0x6b, 0x00, 0x01		/* ori r11,r11,MSR_LE */
	.byte	0x7d, 0x5a, 0x03, 0xa6		/* mtsrr0 r10 */
	.byte	0x7d, 0x7b, 0x03, 0xa6		/* mtsrr1 r11 */
	.byte	0x4c, 0x00, 0x00, 0x24		/* rfid */
3:	mr	%r31, %r3	/* start-cpu's r3: this CPU's stack top */
	abi_regs
	enable_fp
	addi	%r1, %r31, -64
	li	%r0, 0
	std	%r0, 0(%r1)
	bl	secondary_main
5:	b	5b

/* long of_call_raw(void *args, unsigned long entry): call the firmware's
 * client interface as it expects, big-endian and 32-bit, with r3 = args;
 * it returns with blr to big-endian code that switches back.  r13-r31
 * and r2 are saved here, whatever the firmware does with them. */
	.text
	.globl	of_call_raw
of_call_raw:
	mflr	%r0
	std	%r0, 16(%r1)
	stdu	%r1, -208(%r1)
	std	%r2, 24(%r1)
	std	%r13, 32(%r1)
	std	%r14, 40(%r1)
	std	%r15, 48(%r1)
	std	%r16, 56(%r1)
	std	%r17, 64(%r1)
	std	%r18, 72(%r1)
	std	%r19, 80(%r1)
	std	%r20, 88(%r1)
	std	%r21, 96(%r1)
	std	%r22, 104(%r1)
	std	%r23, 112(%r1)
	std	%r24, 120(%r1)
	std	%r25, 128(%r1)
	std	%r26, 136(%r1)
	std	%r27, 144(%r1)
	std	%r28, 152(%r1)
	std	%r29, 160(%r1)
	std	%r30, 168(%r1)
	std	%r31, 176(%r1)
	mtsrr0	%r4
	mfmsr	%r11
	li	%r12, 1
	andc	%r11, %r11, %r12	/* MSR_LE off */
	rldicl	%r11, %r11, 0, 1	/* MSR_SF off */
	mtsrr1	%r11
	bcl	20, 31, 6f
6:	mflr	%r12
	addi	%r12, %r12, 7f - 6b
	mtlr	%r12
	rfid
7:	be_to_le64 8f
8:	ld	%r2, 24(%r1)
	ld	%r13, 32(%r1)
	ld	%r14, 40(%r1)
	ld	%r15, 48(%r1)
	ld	%r16, 56(%r1)
	ld	%r17, 64(%r1)
	ld	%r18, 72(%r1)
	ld	%r19, 80(%r1)
	ld	%r20, 88(%r1)
	ld	%r21, 96(%r1)
	ld	%r22, 104(%r1)
	ld	%r23, 112(%r1)
	ld	%r24, 120(%r1)
	ld	%r25, 128(%r1)
	ld	%r26, 136(%r1)
	ld	%r27, 144(%r1)
	ld	%r28, 152(%r1)
	ld	%r29, 160(%r1)
	ld	%r30, 168(%r1)
	ld	%r31, 176(%r1)
	extsw	%r3, %r3		/* the firmware's 32-bit status */
	addi	%r1, %r1, 208
	ld	%r0, 16(%r1)
	mtlr	%r0
	blr

	.section .bss
	.balign	16
boot_stack:
	.space	STACK_SIZE
exc_stack:
	.space	0x4000
	.globl tls_area
tls_area:
	.space	0x10000
