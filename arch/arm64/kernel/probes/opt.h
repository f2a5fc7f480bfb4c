/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What opt.c uses of opt_trampoline.S, and the reverse.
 */
#ifndef __ARM64_KERNEL_PROBES_OPT_H
#define __ARM64_KERNEL_PROBES_OPT_H

#include <linux/linkage.h>
#include <linux/types.h>

struct kprobe;
struct optimized_kprobe;
struct pt_regs;

/* the detour template: OPT_DETOUR_WORDS little-endian words */
extern const __le32 arm64_optprobe_template[], arm64_optprobe_template_end[];
/* what a detour calls; not a C function */
void arm64_optprobe_common(void);
/* what arm64_optprobe_common calls */
asmlinkage int arm64_optprobe_callback(struct optimized_kprobe *op, struct pt_regs *regs);

/* a hit whose handlers must not run: see kprobes.c */
bool arm64_kprobe_offline_miss(void);

/* what arch_arm_kprobe() asks */
bool arm64_optprobe_armed(struct kprobe *p);

/* for the tests (kprobes_kunit.h has their stubs without CONFIG_OPTPROBES) */
#if IS_ENABLED(CONFIG_ARM64_KPROBES_KUNIT_TEST)
void arm64_optprobes_wait_for_test(void);
bool arm64_optprobe_near_for_test(unsigned long addr);
int arm64_optprobe_retarget_for_test(struct kprobe *p, u32 insn, u32 *site);
unsigned long arm64_optprobe_count_for_test(unsigned long start, unsigned long end,
					    unsigned long *probeable);
#endif

#endif /* __ARM64_KERNEL_PROBES_OPT_H */
