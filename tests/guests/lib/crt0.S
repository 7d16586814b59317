/* Entry, interrupt vectors and the secondary-CPU trampoline of the test
 * guests.  pvmm enters at _start in real mode, little-endian, with
 * r3 = the device tree. */
#define STACK_SIZE	0x10000

	.section .head, "ax"
	.globl _start
_start:
	b	boot

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
	abi_regs
	enable_fp
	lis	%r1, boot_stack@ha
	addi	%r1, %r1, boot_stack@l
	addis	%r1, %r1, STACK_SIZE@ha
	addi	%r1, %r1, STACK_SIZE@l - 64
	li	%r0, 0
	std	%r0, 0(%r1)
	mr	%r3, %r31
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

	.section .bss
	.balign	16
boot_stack:
	.space	STACK_SIZE
exc_stack:
	.space	0x4000
	.globl tls_area
tls_area:
	.space	0x10000
