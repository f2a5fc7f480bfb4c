/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 support for kprobes: what the generic kprobes core needs from the
 * architecture, and the entry point of the BRK handler.
 */
#ifndef __ASM_KPROBES_H
#define __ASM_KPROBES_H

#include <asm-generic/kprobes.h>
#include <linux/sizes.h>

/* The kernel image's room for optimized probes' detours (probes/opt.c). */
#define ARM64_OPTPROBE_POOL_SIZE	SZ_128K

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <asm/brk-imm.h>
#include <asm/esr.h>

struct kprobe;
struct pt_regs;

/* Is this BRK one of ours (probe hit, or end of an out-of-line step)? */
static inline bool arm64_kprobes_brk(unsigned long esr)
{
	unsigned long imm = esr_brk_comment(esr);

	return imm == KPROBES_BRK_IMM || imm == KPROBES_BRK_SS_IMM;
}

int kprobe_hit_handler(struct pt_regs *regs);
int kprobe_step_handler(struct pt_regs *regs);

/**
 * kprobe_breakpoint_handler() - handle the BRKs of kprobes
 * @regs: registers at the BRK
 * @esr: the exception syndrome, its comment is KPROBES_BRK_IMM or
 *	 KPROBES_BRK_SS_IMM (see arm64_kprobes_brk())
 *
 * Called for EL1 BRKs only.  The two kinds go to separate functions so
 * that each hit saves no more registers than its own path needs.  Always
 * inlined: an out-of-line copy would be ordinary, probe-able text.
 *
 * Return: DBG_HOOK_HANDLED, or DBG_HOOK_ERROR for a BRK that is not ours.
 */
static __always_inline int kprobe_breakpoint_handler(struct pt_regs *regs,
						     unsigned long esr)
{
	if (esr_brk_comment(esr) == KPROBES_BRK_SS_IMM)
		return kprobe_step_handler(regs);
	return kprobe_hit_handler(regs);
}

#ifdef CONFIG_KPROBES

#include <linux/percpu.h>
#include <asm/probes.h>

#define __ARCH_WANT_KPROBES_INSN_SLOT
/*
 * A slot is two words: the probed instruction, then either a branch back
 * to the next instruction ("boosted": leaving costs no second exception),
 * or the BRK that ends a step, when a post_handler must run or the branch
 * does not reach.  The second word says which.
 */
#define MAX_INSN_SIZE			2

static inline void flush_insn_slot(struct kprobe *p) { }
#define kretprobe_blacklist_size	0

typedef u32 kprobe_opcode_t;

struct arch_specific_insn {
	kprobe_opcode_t *xol;	/* execution slot, NULL when simulated */
	probe_sim_fn *sim;	/* simulation handler, NULL when stepped */
};

/* Probe state saved while a nested hit is handled. */
struct prev_kprobe {
	struct kprobe *kp;
	unsigned int status;
	unsigned long saved_daif;
	unsigned long saved_pmr;
};

/* Nesting depth: a hit in a handler, in a step, in a fault of a step ... */
#define KPROBE_NEST_MAX			4

struct kprobe_ctlblk {
	unsigned int kprobe_status;
	unsigned long saved_daif;	/* the I and F bits the step masked */
	unsigned long saved_pmr;	/* pmr_save before the step (pseudo-NMI) */
	unsigned int nest;
	struct prev_kprobe prev[KPROBE_NEST_MAX];
#if IS_ENABLED(CONFIG_ARM64_KPROBES_KUNIT_TEST)
	/* where a push past prev[] would land: only the test helper sets it */
	struct prev_kprobe guard;
#endif
};

void arch_remove_kprobe(struct kprobe *p);
int kprobe_fault_handler(struct pt_regs *regs, unsigned int fsr);

#ifdef CONFIG_OPTPROBES
/*
 * An optimized probe replaces one instruction, the BRK, with a B to its
 * detour (see arch/arm64/kernel/probes/opt.c).
 */
#define MAX_OPTIMIZED_LENGTH		sizeof(kprobe_opcode_t)
/* a detour, in words: entry, the relocated instruction, two literals */
#define OPT_DETOUR_WORDS		20
#define MAX_OPTINSN_SIZE		OPT_DETOUR_WORDS

struct arch_optimized_insn {
	kprobe_opcode_t *detour;	/* NULL: this probe is not optimized */
	bool published;			/* a B to the detour was ever written */
	bool unsynced;			/* unoptimized with no RCU Tasks wait yet */
};

extern char arm64_optprobe_pool[];
#endif

#if IS_ENABLED(CONFIG_ARM64_KPROBES_KUNIT_TEST)
int arm64_kprobe_retarget_for_test(struct kprobe *p, u32 insn);
int arm64_kprobes_quarantine_drain_for_test(void);
bool arm64_kprobes_at_max_nest_for_test(struct kprobe *running,
					void (*fn)(void *), void *arg);
#ifdef CONFIG_OPTPROBES
void arm64_optprobes_hold_for_test(bool hold);
bool arm64_optprobe_optimized_for_test(struct kprobe *p);
#else
static inline void arm64_optprobes_hold_for_test(bool hold) { }
static inline bool arm64_optprobe_optimized_for_test(struct kprobe *p) { return false; }
#endif
#endif

#endif /* CONFIG_KPROBES */

#ifdef CONFIG_RETHOOK
unsigned long arch_rethook_trampoline_callback(struct pt_regs *regs);
#endif
#endif /* __ASSEMBLY__ */
#endif /* __ASM_KPROBES_H */
