/* long hcall(struct hret *out, unsigned long opcode, a0 .. a5)
 * "sc 1" with r3 = opcode, r4.. = arguments; the return code comes back
 * in r3 and the outputs in r4..r12, copied to out->r[0..8]. */
	.text
	.globl	hcall
hcall:
	std	%r3, -8(%r1)		/* ELFv2 red zone */
	mr	%r3, %r4
	mr	%r4, %r5
	mr	%r5, %r6
	mr	%r6, %r7
	mr	%r7, %r8
	mr	%r8, %r9
	mr	%r9, %r10
	sc	1
	ld	%r11, -8(%r1)
	cmpdi	%r11, 0
	beqlr
	std	%r4, 0(%r11)
	std	%r5, 8(%r11)
	std	%r6, 16(%r11)
	std	%r7, 24(%r11)
	std	%r8, 32(%r11)
	std	%r9, 40(%r11)
	std	%r10, 48(%r11)
	std	%r12, 64(%r11)
	blr
