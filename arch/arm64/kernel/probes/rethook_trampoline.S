/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The return trampoline of the arm64 rethook (see rethook.c).
 */

#include <linux/linkage.h>
#include <asm/asm-offsets.h>
#include <asm/assembler.h>

#include "trampoline.h"

/*
 * Entered by the RET of a hooked function: x0-x7 hold its results, x19-x29
 * and SP are the caller's again, x30 is the address of this trampoline.
 */
SYM_CODE_START(arch_rethook_trampoline)
	sub	sp, sp, #PT_REGS_SIZE
	stp	x0, x1, [sp, #S_X0]
	pt_regs_x2_x27	stp
	stp	x28, x29, [sp, #S_X28]
	add	x0, sp, #PT_REGS_SIZE
	stp	x30, x0, [sp, #S_LR]		// lr = this trampoline, sp at return
	str	x30, [sp, #S_PC]		// pc until the handler knows better
	mrs	x0, nzcv			// the rest: rethook_complete_regs()
	mrs	x1, daif
	orr	x0, x0, x1
	str	x0, [sp, #S_PSTATE]

	/* A frame record {caller's fp, trampoline}: the unwinder recovers it. */
	stp	x29, x30, [sp, #S_STACKFRAME]
	add	x29, sp, #S_STACKFRAME

	mov	x0, sp
	bl	arch_rethook_trampoline_callback

	ldr	x30, [sp, #S_PC]		// the real return address
	pt_regs_restore_x0_x29
	add	sp, sp, #PT_REGS_SIZE
	ret
SYM_CODE_END(arch_rethook_trampoline)
NOKPROBE(arch_rethook_trampoline)
