/* A little-endian ELF linked at 0 whose entry is big-endian code (the
 * bytes of fw_entry.S, assembled big-endian): what QEMU's pseries loads
 * at 0x400000 and its firmware enters big-endian. */
	.section .text, "ax"
	.globl	_start
_start:
	.incbin	FW_ENTRY_BIN
