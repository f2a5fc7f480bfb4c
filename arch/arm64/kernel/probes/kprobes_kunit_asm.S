/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Functions with known instructions for the arm64 kprobes KUnit tests.
 *
 * A probe site is recorded with "site NAME": NAME is a data word (in
 * .rodata) holding the address of the next instruction.  The sites are not
 * text symbols, so that kallsyms still sees one function per SYM_FUNC and
 * the exclusive-window scan looks back to the function's start.
 */

#include <linux/cfi_types.h>
#include <linux/linkage.h>
#include <asm/assembler.h>
#include <asm/sysreg.h>

	.arch_extension lse

	.macro	site, name
.L\name:
	.pushsection .rodata, "a"
	.balign	8
	.globl	\name
\name:	.quad	.L\name
	.popsection
	.endm

/*
 * u64 kpt_fp_lit_<sz><n>(u64 *hi): fill V<n> with ones, LDR <sz><n>
 * (literal), return the low 64 bits of V<n> and store the high 64 in *hi.
 */
	.macro	fp_lit, sz, n
/* called through a pointer (fp_cases): typed for kCFI */
SYM_TYPED_FUNC_START(kpt_fp_lit_\sz\n)
	movi	v\n\().16b, #0xff
	site	kpt_site_fp_lit_\sz\n
	ldr	\sz\n, 1f
	fmov	x1, d\n
	mov	x2, v\n\().d[1]
	str	x2, [x0]
	mov	x0, x1
	ret
	.balign	16
1:	.quad	0x0123456789abcdef, 0xfedcba9876543210
SYM_FUNC_END(kpt_fp_lit_\sz\n)
	.endm

	.irp	sz, s, d, q
	.irp	n, 0, 1, 7, 8, 16, 31
	fp_lit	\sz, \n
	.endr
	.endr

/* u64 kpt_mrs_daif(void) */
SYM_FUNC_START(kpt_mrs_daif)
	site	kpt_site_mrs_daif
	mrs	x0, daif
	ret
SYM_FUNC_END(kpt_mrs_daif)

/* u64 kpt_mrs_nzcv(u64 a, u64 b): NZCV after CMP a, b */
SYM_FUNC_START(kpt_mrs_nzcv)
	cmp	x0, x1
	site	kpt_site_mrs_nzcv
	mrs	x0, nzcv
	ret
SYM_FUNC_END(kpt_mrs_nzcv)

/* u64 kpt_mrs_sp_el0(void): the current task, as arm64 reads it */
SYM_FUNC_START(kpt_mrs_sp_el0)
	site	kpt_site_mrs_sp_el0
	mrs	x0, sp_el0
	ret
SYM_FUNC_END(kpt_mrs_sp_el0)

/*
 * u64 kpt_atomics(u64 *p): *p += 1 (LDAR/STLR), += 2 (LDXR/STXR), += 4
 * (LDADD), then CAS it to 100 if it is 7 + old; returns *p.
 */
SYM_FUNC_START(kpt_atomics)
	site	kpt_site_ldar
	ldar	x1, [x0]
	site	kpt_site_after_ldar
	add	x1, x1, #1
	site	kpt_site_stlr
	stlr	x1, [x0]
	mov	x6, x1
	site	kpt_site_ldxr
1:	ldxr	x2, [x0]
	site	kpt_site_in_window
	add	x2, x2, #2
	site	kpt_site_stxr
	stxr	w3, x2, [x0]
	site	kpt_site_after_stxr
	cbnz	w3, 1b
	mov	x4, #4
	site	kpt_site_ldadd
	ldadd	x4, x5, [x0]
	add	x6, x6, #6
	mov	x7, #100
	site	kpt_site_cas
	cas	x6, x7, [x0]
	site	kpt_site_after_cas
	ldr	x0, [x0]
	ret
SYM_FUNC_END(kpt_atomics)

/* u64 kpt_xol_add(u64 a, u64 b): a + 2 * b, by an instruction run out of line */
SYM_FUNC_START(kpt_xol_add)
	site	kpt_site_xol_add
	add	x0, x0, x1, lsl #1
	ret
SYM_FUNC_END(kpt_xol_add)

/* u64 kpt_nested_target(u64 a): a + 3 */
SYM_FUNC_START(kpt_nested_target)
	site	kpt_site_nested
	add	x0, x0, #3
	ret
SYM_FUNC_END(kpt_nested_target)

/*
 * u64 kpt_cmodx_target(u64 a): a + 3, as kpt_nested_target, with a NOP
 * after the ADD: every change of the NOP's word (NOP <-> BRK <-> B) is
 * made without stop_machine() while other CPUs run it.
 */
SYM_FUNC_START(kpt_cmodx_target)
	site	kpt_site_cmodx
	add	x0, x0, #3
	site	kpt_site_cmodx_nop
	nop
	ret
SYM_FUNC_END(kpt_cmodx_target)

/*
 * u64 kpt_calls(u64 a): a PAC prologue, calls by BL and BLR, untaken
 * CBZ/TBNZ and a literal: ((a + 3) + 3) + 100.  Every instruction up to the
 * RET runs exactly once.
 */
SYM_FUNC_START(kpt_calls)
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	kpt_nested_target
	cbz	x0, 1f
	adr	x1, kpt_nested_target
	blr	x1
	tbnz	x0, #63, 1f
	ldr	x2, 2f
	add	x0, x0, x2
1:	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.balign	8
2:	.quad	100
SYM_FUNC_END(kpt_calls)

/*
 * u64 kpt_pan_clear(void): PSTATE.PAN after an instruction run with PAN
 * clear (as between uaccess_enable_privileged() and a futex atomic); PAN
 * is set again before the return.  Only for a CPU with PAN.
 */
SYM_FUNC_START(kpt_pan_clear)
	SET_PSTATE_PAN(0)
	site	kpt_site_pan_clear
	mov	x1, x0
	mrs_s	x0, SYS_PSTATE_PAN
	SET_PSTATE_PAN(1)
	ret
SYM_FUNC_END(kpt_pan_clear)

/* u64 kpt_load(const u64 *p): *p, by a stepped load */
SYM_FUNC_START(kpt_load)
	site	kpt_site_load
	ldr	x0, [x0]
	ret
SYM_FUNC_END(kpt_load)

/*
 * u64 kpt_user_load(const u64 __user *p): an unprivileged load with no
 * exception-table entry; a fault on a user page is resolved and retried.
 */
SYM_FUNC_START(kpt_user_load)
	site	kpt_site_user_load
	ldtr	x0, [x0]
	ret
SYM_FUNC_END(kpt_user_load)

/* Instructions the probes must refuse.  Never called. */
SYM_FUNC_START(kpt_refused)
	site	kpt_site_msr_daifset
	msr	daifset, #2
	site	kpt_site_msr_reg
	msr	tpidr_el1, x0
	site	kpt_site_svc
	svc	#0
	site	kpt_site_brk
	brk	#0x100
	site	kpt_site_eret
	eret
	site	kpt_site_retaa
	.inst	0xd65f0bff		// retaa
	site	kpt_site_wfi
	wfi
	site	kpt_site_mrs_esr
	mrs	x0, esr_el1
	site	kpt_site_cpyfp
	.inst	0x19010443		// cpyfp [x3]!, [x1]!, x2!
	site	kpt_site_ldxp
	ldxp	x0, x1, [x2]
	ret
SYM_FUNC_END(kpt_refused)

/*
 * Areas of the instruction-level (differential) tests, one per counter
 * register T (x27, x28): a sled of "add T, T, #1" on each side of the
 * tested instruction X, so that a branch landing anywhere in it leaves in
 * T how far from the sled's end it landed.  The BRKs are placeholders that
 * the test replaces with the instruction and branches to its exit code.
 */
#define KPT_SLED	4096

	.macro	diff_area, t
	.balign	16
SYM_CODE_START(kpt_diff_area_x\t)
	.rept	KPT_SLED
	add	x\t, x\t, #1
	.endr
	brk	#0x800			// end of sled A: b exit A
	site	kpt_diff_x\t
	brk	#0x801			// X: the tested instruction
	brk	#0x802			// X + 4: b exit F (fall through)
	.rept	KPT_SLED
	add	x\t, x\t, #1
	.endr
	brk	#0x803			// end of sled B: b exit B
SYM_CODE_END(kpt_diff_area_x\t)
	.endm

	diff_area 27
	diff_area 28

/* Room for the entry and exit code of the differential tests. */
	.balign	16
SYM_CODE_START(kpt_diff_code)
	.rept	8192
	brk	#0x804
	.endr
SYM_CODE_END(kpt_diff_code)
