/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixtures of the arm64 kprobes KUnit tests, in kprobes_kunit_asm.S.
 * A kpt_site_* word holds the address of the instruction a test probes.
 */
#ifndef __ARM64_KPROBES_KUNIT_H
#define __ARM64_KPROBES_KUNIT_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>

#ifdef CONFIG_OPTPROBES
#include "opt.h"
#else
struct kprobe;
static inline void arm64_optprobes_wait_for_test(void) { }
static inline bool arm64_optprobe_near_for_test(unsigned long addr) { return false; }
static inline int arm64_optprobe_retarget_for_test(struct kprobe *p, u32 insn, u32 *site)
{
	return -EOPNOTSUPP;
}

static inline unsigned long arm64_optprobe_count_for_test(unsigned long start, unsigned long end,
							  unsigned long *probeable)
{
	*probeable = 0;
	return 0;
}
#endif

/* u64 kpt_fp_lit_<sz><n>(u64 *hi): LDR <sz><n> (literal) into a V<n> full of ones */
u64 kpt_fp_lit_s0(u64 *hi);
u64 kpt_fp_lit_s1(u64 *hi);
u64 kpt_fp_lit_s7(u64 *hi);
u64 kpt_fp_lit_s8(u64 *hi);
u64 kpt_fp_lit_s16(u64 *hi);
u64 kpt_fp_lit_s31(u64 *hi);
u64 kpt_fp_lit_d0(u64 *hi);
u64 kpt_fp_lit_d1(u64 *hi);
u64 kpt_fp_lit_d7(u64 *hi);
u64 kpt_fp_lit_d8(u64 *hi);
u64 kpt_fp_lit_d16(u64 *hi);
u64 kpt_fp_lit_d31(u64 *hi);
u64 kpt_fp_lit_q0(u64 *hi);
u64 kpt_fp_lit_q1(u64 *hi);
u64 kpt_fp_lit_q7(u64 *hi);
u64 kpt_fp_lit_q8(u64 *hi);
u64 kpt_fp_lit_q16(u64 *hi);
u64 kpt_fp_lit_q31(u64 *hi);

extern const unsigned long kpt_site_fp_lit_s0;
extern const unsigned long kpt_site_fp_lit_s1;
extern const unsigned long kpt_site_fp_lit_s7;
extern const unsigned long kpt_site_fp_lit_s8;
extern const unsigned long kpt_site_fp_lit_s16;
extern const unsigned long kpt_site_fp_lit_s31;
extern const unsigned long kpt_site_fp_lit_d0;
extern const unsigned long kpt_site_fp_lit_d1;
extern const unsigned long kpt_site_fp_lit_d7;
extern const unsigned long kpt_site_fp_lit_d8;
extern const unsigned long kpt_site_fp_lit_d16;
extern const unsigned long kpt_site_fp_lit_d31;
extern const unsigned long kpt_site_fp_lit_q0;
extern const unsigned long kpt_site_fp_lit_q1;
extern const unsigned long kpt_site_fp_lit_q7;
extern const unsigned long kpt_site_fp_lit_q8;
extern const unsigned long kpt_site_fp_lit_q16;
extern const unsigned long kpt_site_fp_lit_q31;

u64 kpt_mrs_daif(void);
u64 kpt_mrs_nzcv(u64 a, u64 b);
u64 kpt_mrs_sp_el0(void);
u64 kpt_atomics(u64 *p);
u64 kpt_xol_add(u64 a, u64 b);
u64 kpt_nested_target(u64 a);
u64 kpt_cmodx_target(u64 a);
u64 kpt_load(const u64 *p);
u64 kpt_pan_clear(void);
u64 kpt_calls(u64 a);
u64 kpt_user_load(const u64 __user *p);

extern const unsigned long kpt_site_mrs_daif;
extern const unsigned long kpt_site_mrs_nzcv;
extern const unsigned long kpt_site_mrs_sp_el0;
extern const unsigned long kpt_site_ldar;
extern const unsigned long kpt_site_after_ldar;
extern const unsigned long kpt_site_stlr;
extern const unsigned long kpt_site_ldxr;
extern const unsigned long kpt_site_in_window;
extern const unsigned long kpt_site_stxr;
extern const unsigned long kpt_site_after_stxr;
extern const unsigned long kpt_site_ldadd;
extern const unsigned long kpt_site_cas;
extern const unsigned long kpt_site_after_cas;
extern const unsigned long kpt_site_xol_add;
extern const unsigned long kpt_site_nested;
extern const unsigned long kpt_site_cmodx;
extern const unsigned long kpt_site_cmodx_nop;
extern const unsigned long kpt_site_load;
extern const unsigned long kpt_site_pan_clear;
extern const unsigned long kpt_site_user_load;
extern const unsigned long kpt_site_msr_daifset;
extern const unsigned long kpt_site_msr_reg;
extern const unsigned long kpt_site_svc;
extern const unsigned long kpt_site_brk;
extern const unsigned long kpt_site_eret;
extern const unsigned long kpt_site_retaa;
extern const unsigned long kpt_site_wfi;
extern const unsigned long kpt_site_mrs_esr;
extern const unsigned long kpt_site_cpyfp;
extern const unsigned long kpt_site_ldxp;

/* The differential tests (insn_kunit.c) */
#define KPT_SLED	4096
extern const unsigned long kpt_diff_x27, kpt_diff_x28;
extern u32 kpt_diff_code[8192];

#endif /* __ARM64_KPROBES_KUNIT_H */
