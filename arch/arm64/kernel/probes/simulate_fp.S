/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIMD&FP literal loads for the arm64 probes: the C code of the kernel is
 * built without FP registers, so the register number of the simulated
 * LDR (literal) selects an entry of a table of loads.
 */

#include <linux/linkage.h>
#include <asm/assembler.h>

/*
 * void arm64_probe_load_fp_literal(unsigned int reg, unsigned int size,
 *				    const void *addr)
 *
 * x0 = register number (0-31), x1 = 0 (S), 1 (D) or 2 (Q), x2 = address.
 * Each table entry is 16 bytes: a landing pad for the indirect branch,
 * the load, the return and a filler.
 */
	.macro	load_entry, sz, n
	hint	#36				// BTI j: landing pad for the BR above
	ldr	\sz\n, [x2]
	ret
	nop
	.endm

SYM_FUNC_START(arm64_probe_load_fp_literal)
	cmp	x1, #2
	b.hi	2f
	and	x0, x0, #31
	add	x3, x0, x1, lsl #5		// entry = size * 32 + reg
	adr	x4, 1f
	add	x4, x4, x3, lsl #4
	br	x4
2:	ret

	.align	4
1:
	.irp	sz, s, d, q
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	load_entry \sz, \n
	.endr
	.irp	n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	load_entry \sz, \n
	.endr
	.endr
SYM_FUNC_END(arm64_probe_load_fp_literal)
NOKPROBE(arm64_probe_load_fp_literal)
