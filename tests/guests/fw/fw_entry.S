/* A payload that expects what PAPR firmware gives a client program
 * (README, "Firmware-style entry"): entered big-endian, with r3 = the
 * device tree.  Big-endian code throughout (assembled -mbig) and
 * position-independent (relative branches, its own address from
 * bcl/mflr), so the same bytes run wherever they are loaded.
 *
 * It checks the device tree's magic through r3, prints
 *   "FW-ENTRY r3=FDT " and the address it runs at (16 hex digits)
 * with H_PUT_TERM_CHAR on vty 0x71000000, and then waits: it has no
 * RTAS caller, so the test ends it with a signal. */
	.machine power9
	.text
	.globl	_start
_start:
	bcl	20, 31, 1f
1:	mflr	%r20
	addi	%r20, %r20, -4		/* r20 = _start as loaded */
	mr	%r21, %r3
	lwz	%r4, 0(%r21)		/* fdt_header.magic, big-endian */
	lis	%r5, 0xd00d
	ori	%r5, %r5, 0xfeed
	cmpw	%r4, %r5
	bne	no_fdt
	addi	%r8, %r20, msg_ok - _start
	bl	put16
	mr	%r9, %r20
	bl	put_hex
	addi	%r8, %r20, msg_nl - _start
	bl	put16
wait:	b	wait
no_fdt:
	addi	%r8, %r20, msg_bad - _start
	bl	put16
	b	wait

/* H_PUT_TERM_CHAR(0x71000000, r5 bytes from r6:r7): r8 = 16 bytes,
 * their length in the byte at 16(r8). */
put16:
	ld	%r6, 0(%r8)
	ld	%r7, 8(%r8)
	lbz	%r5, 16(%r8)
	li	%r3, 0x58
	lis	%r4, 0x7100
	sc	1
	blr

/* r9 as 16 hex digits, packed into r6:r7 as H_PUT_TERM_CHAR wants. */
put_hex:
	li	%r6, 0
	li	%r7, 0
	li	%r10, 16
	mtctr	%r10
2:	rldicl	%r9, %r9, 4, 0		/* next nibble to the bottom */
	andi.	%r12, %r9, 0xf
	cmpwi	%r12, 10
	blt	3f
	addi	%r12, %r12, 'a' - 10 - '0'
3:	addi	%r12, %r12, '0'
	rldicl	%r13, %r7, 8, 56	/* r6:r7 <<= 8, r12 in the low byte */
	sldi	%r6, %r6, 8
	or	%r6, %r6, %r13
	sldi	%r7, %r7, 8
	or	%r7, %r7, %r12
	bdnz	2b
	li	%r5, 16
	li	%r3, 0x58
	lis	%r4, 0x7100
	sc	1
	blr

	.balign	8
msg_ok:	.ascii	"FW-ENTRY r3=FDT "
	.byte	16
	.balign	8
msg_bad: .ascii	"FW-ENTRY NO FDT\n"
	.byte	16
	.balign	8
msg_nl:	.ascii	"\n               "
	.byte	1
