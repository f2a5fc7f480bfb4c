/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Assembler macros of the trampolines that build a struct pt_regs on the
 * stack: the rethook's and, with jump-optimized kprobes, the detours'.
 */
#ifndef __ARM64_KERNEL_PROBES_TRAMPOLINE_H
#define __ARM64_KERNEL_PROBES_TRAMPOLINE_H

#ifndef __ASSEMBLY__
#error "assembler macros only"
#endif

#include <asm/asm-offsets.h>

/* x2-x27 to (\op stp) or from (\op ldp) the pt_regs at sp */
	.macro	pt_regs_x2_x27, op
	\op	x2, x3, [sp, #S_X2]
	\op	x4, x5, [sp, #S_X4]
	\op	x6, x7, [sp, #S_X6]
	\op	x8, x9, [sp, #S_X8]
	\op	x10, x11, [sp, #S_X10]
	\op	x12, x13, [sp, #S_X12]
	\op	x14, x15, [sp, #S_X14]
	\op	x16, x17, [sp, #S_X16]
	\op	x18, x19, [sp, #S_X18]
	\op	x20, x21, [sp, #S_X20]
	\op	x22, x23, [sp, #S_X22]
	\op	x24, x25, [sp, #S_X24]
	\op	x26, x27, [sp, #S_X26]
	.endm

/* x0-x29 from the pt_regs at sp */
	.macro	pt_regs_restore_x0_x29
	pt_regs_x2_x27	ldp
	ldp	x0, x1, [sp, #S_X0]
	ldp	x28, x29, [sp, #S_X28]
	.endm

#endif /* __ARM64_KERNEL_PROBES_TRAMPOLINE_H */
