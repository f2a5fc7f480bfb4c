/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Jump-optimized kprobes: the detour template, the code every detour
 * calls, and the pool the detours live in (see opt.c).
 */

#include <linux/linkage.h>
#include <asm/asm-offsets.h>
#include <asm/assembler.h>
#include <asm/kprobes.h>
#include <asm/page.h>

#include "trampoline.h"

/*
 * A detour, copied for each optimized probe from this template, which is
 * never run where it is.  The probe's B leaves every register and PSTATE
 * as they were at the probed instruction.  The words marked "written" are
 * filled in by opt.c (OPT_W_* there), the two literals at the end are the
 * optimized_kprobe and the probed address, as one u64 each.
 */
	.pushsection .rodata, "a"
	.balign	8
SYM_DATA_START(arm64_optprobe_template)
	sub	sp, sp, #PT_REGS_SIZE		// 0: a pt_regs where an exception puts it
	stp	x0, x1, [sp, #S_X0]		// 1
	stp	x29, x30, [sp, #S_FP]		// 2
	adr	x0, .Lliterals			// 3
	ldp	x0, x1, [x0]			// 4: x0 = op, x1 = probed address
	brk	#0x100				// 5: written: BL arm64_optprobe_common
	ldr	x30, [sp, #S_LR]		// 6: back here with x0-x29 and NZCV restored
	add	sp, sp, #PT_REGS_SIZE		// 7
	.rept	4
	brk	#0x100				// 8-11: written: the probed instruction,
	.endr					//	 relocated, and the branch back
	.quad	0				// 12-13: written: a literal it may use
	brk	#0x100				// 14
	brk	#0x100				// 15
.Lliterals:
	.quad	0				// 16-17: written: op
	.quad	0				// 18-19: written: the probed address
SYM_DATA_END_LABEL(arm64_optprobe_template, SYM_L_GLOBAL, arm64_optprobe_template_end)
	.popsection

/*
 * Called by a detour with x0 = the optimized_kprobe, x1 = the probed
 * address, sp at a pt_regs in which x0, x1, x29 and x30 are saved already;
 * x30 is the detour's return address.  Completes the pt_regs (the rest of
 * PSTATE is read by the callback), and a frame record {fp, probed address}
 * through which the unwinder sees the probed function, as for an exception.
 *
 * The callback returns 0 when the handlers changed nothing that needs more
 * than NZCV and the general-purpose registers restored: x0-x29 come back,
 * and the detour restores x30 and sp, runs the instruction and branches
 * back.  Otherwise it has set pc and pstate (with the interrupt masks that
 * hold until the ERET) and the way out is an exception return, which
 * restores all of PSTATE.
 */
SYM_CODE_START(arm64_optprobe_common)
	pt_regs_x2_x27	stp
	str	x28, [sp, #S_X28]
	add	x2, sp, #PT_REGS_SIZE
	stp	x2, x1, [sp, #S_SP]		// sp at the probe, pc = the probed address
	mrs	x2, nzcv
	mrs	x3, daif
	orr	x2, x2, x3
	str	x2, [sp, #S_PSTATE]
	stp	x29, x1, [sp, #S_STACKFRAME]
	add	x29, sp, #S_STACKFRAME

	mov	x19, x30			// callee-saved: the detour's return
	mov	x1, sp
	bl	arm64_optprobe_callback
	mov	x30, x19
	cbnz	w0, .Leret

	ldr	x0, [sp, #S_PSTATE]
	msr	nzcv, x0
	pt_regs_restore_x0_x29
	ret

.Leret:	/* all of DAIF is masked until the ERET: ELR and SPSR hold */
	ldr	x0, [sp, #S_PC]
	ldr	x1, [sp, #S_PSTATE]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	pt_regs_restore_x0_x29
	ldr	x30, [sp, #S_LR]
	add	sp, sp, #PT_REGS_SIZE
	eret
	sb
SYM_CODE_END(arm64_optprobe_common)
NOKPROBE(arm64_optprobe_common)

/*
 * The detours: part of the kernel image, so that every B between them and
 * the kernel's text is in range whatever KASLR does.  Pages of it are
 * handed to the core's slot cache by alloc_optinsn_page(); unused words
 * are UDF #0.
 */
	.pushsection .text, "ax"
	.balign	PAGE_SIZE
SYM_CODE_START(arm64_optprobe_pool)
	.fill	ARM64_OPTPROBE_POOL_SIZE / 4, 4, 0
SYM_CODE_END(arm64_optprobe_pool)
	.popsection
