/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions for the arm64 uprobe selftest (harness/guest/tests/uprobes.sh).
 * A label us_NAME marks an instruction the test probes; each such
 * instruction runs exactly once per call of its function.  ur_NAME marks
 * one that a uprobe must refuse.
 */
	.arch	armv8.5-a+lse+sve
	.text

	.macro	func, name
	.globl	\name
	.type	\name, %function
	.balign	16
\name:
	.endm

/* u64 f_branch(u64 x): with x = 7, the taken/not-taken paths below */
	func	f_branch
	us_bti_c:	hint	#34			// site bti_c
	us_cmp_imm:	cmp	x0, #5			// site cmp_imm
	us_b_cond:	b.ne	1f			// site b_cond
	mov	x0, #0
1:us_cbz:	cbz	x0, 2f			// site cbz
	us_tbz:	tbz	x0, #0, 2f		// site tbz
	us_add_imm:	add	x0, x0, #1		// site add_imm
2:us_ret_branch:	ret				// site ret_branch
	.size	f_branch, . - f_branch

/* u64 f_literal(void): literal loads of every size and kind */
	func	f_literal
	us_ldr_lit_w:	ldr	w1, 1f			// site ldr_lit_w
	us_ldr_lit_x:	ldr	x2, 2f			// site ldr_lit_x
	us_ldrsw_lit:	ldrsw	x3, 3f			// site ldrsw_lit
	us_ldr_lit_s:	ldr	s0, 1f			// site ldr_lit_s
	us_ldr_lit_d:	ldr	d1, 2f			// site ldr_lit_d
	us_ldr_lit_q:	ldr	q2, 4f			// site ldr_lit_q
	us_prfm_lit:	prfm	pldl1keep, 2f		// site prfm_lit
	fmov	w4, s0
	fmov	x5, d1
	mov	x6, v2.d[1]
	fmov	x7, d2
	add	x0, x1, x2
	add	x0, x0, x3
	add	x0, x0, x4
	eor	x0, x0, x5
	eor	x0, x0, x6
	add	x0, x0, x7
	ret
	.balign	16
1:	.word	0x12345678, 0
2:	.quad	0x1122334455667788
3:	.word	0x87654321, 0
4:	.quad	0x0102030405060708, 0x0a0b0c0d0e0f1011
	.size	f_literal, . - f_literal

/* u64 f_leaf(u64 x): x + 3 */
	func	f_leaf
	us_leaf_add:	add	x0, x0, #3		// site leaf_add
	ret
	.size	f_leaf, . - f_leaf

/* u64 f_calls(u64 x): PAC prologue, BL, ADR + BLR, ADRP + ADD + BR-through */
	func	f_calls
	us_paciasp:	paciasp				// site paciasp
	us_stp_pre:	stp	x29, x30, [sp, #-32]!	// site stp_pre
	us_mov_sp:	mov	x29, sp			// site mov_sp
	us_str_sp:	str	x19, [sp, #16]		// site str_sp
	us_bl:	bl	f_leaf			// site bl
	us_adr:	adr	x1, f_leaf		// site adr
	us_blr:	blr	x1			// site blr
	us_adrp:	adrp	x2, f_leaf		// site adrp
	add	x2, x2, :lo12:f_leaf
	mov	x19, x0
	mov	x0, x19
	blr	x2
	us_ldr_sp:	ldr	x19, [sp, #16]		// site ldr_sp
	us_ldp_post:	ldp	x29, x30, [sp], #32	// site ldp_post
	us_autiasp:	autiasp				// site autiasp
	us_ret_calls:	ret				// site ret_calls
	.size	f_calls, . - f_calls

/* u64 f_sys(u64 x, u64 tp): flags, thread pointer (== tp?), wide moves, logical ops */
	func	f_sys
	mov	x6, x1
	cmp	x0, #100
us_mrs_nzcv:	mrs	x1, nzcv		// site mrs_nzcv
us_mrs_tpidr_el0:	mrs	x2, tpidr_el0		// site mrs_tpidr_el0
	cmp	x2, x6
	cset	x2, eq
us_movz:	movz	x3, #0x1234, lsl #16	// site movz
us_movk:	movk	x3, #0x5678		// site movk
us_orr_reg:	orr	x4, x3, x1		// site orr_reg
us_eor_shift:	eor	x0, x4, x2, lsl #3	// site eor_shift
	ret
	.size	f_sys, . - f_sys

/* u64 f_memory(u64 *p): loads, stores, pairs, an LSE atomic, an exclusive loop */
	func	f_memory
	us_ldr_reg:	ldr	x1, [x0]		// site ldr_reg
	us_str_reg:	str	x1, [x0, #8]		// site str_reg
	us_ldp:	ldp	x2, x3, [x0]		// site ldp
	mov	x4, #5
	add	x6, x0, #16
	us_ldadd:	ldadd	x4, x5, [x6]		// site ldadd
	us_ldar:	ldar	x7, [x6]		// site ldar
	us_after_ldar:	add	x7, x7, #1		// site after_ldar
	us_stlr:	stlr	x7, [x6]		// site stlr
1:ur_ldxr:	ldxr	x8, [x6]		// refused ldxr
	ur_in_window:	add	x8, x8, #2		// refused in_window (livelock)
	ur_stxr:	stxr	w9, x8, [x6]		// refused stxr
	cbnz	w9, 1b
	us_ldr_after_window:	ldr	x8, [x6]		// site ldr_after_window
	add	x0, x2, x3
	add	x0, x0, x8
	ret
	.size	f_memory, . - f_memory

/* u64 f_fault(u64 *p): a stepped load; with p = NULL it faults (SIGSEGV) */
	func	f_fault
	nop
	us_ldr_fault:	ldr	x0, [x0, #8]		// site ldr_fault
	ret
	.size	f_fault, . - f_fault

/*
 * u64 f_sve(u8 *buf): Z2 all ones, then LDR Q2 (literal), which zeroes Z2
 * above bit 127; stores Z2 (VL bytes) to buf and returns VL in bytes.
 * Called only when the CPU has SVE.  (uprobes refuse SVE instructions:
 * the function starts with another one for its entry and return probes.)
 */
	func	f_sve
	mov	x1, x0			// not SVE: the function's uprobes go here
	dup	z2.b, #-1
	us_ldr_lit_q_sve:	ldr	q2, 1f		// site ldr_lit_q_sve
	str	z2, [x1]
	rdvl	x0, #1
	ret
	.balign	16
1:	.quad	0x0102030405060708, 0x0a0b0c0d0e0f1011
	.size	f_sve, . - f_sve
