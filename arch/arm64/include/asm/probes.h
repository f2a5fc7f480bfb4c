/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A64 instruction classification shared by kprobes and uprobes.
 *
 * One ordered table (arch/arm64/kernel/probes/decode.c) says, for every
 * A64 encoding, whether a probe on it may run the instruction out of line
 * (XOL), must simulate it, or must refuse it, and why.
 */
#ifndef __ASM_PROBES_H
#define __ASM_PROBES_H

#include <linux/types.h>

struct pt_regs;

/* What a probe does with the instruction it replaces. */
enum probe_insn_action {
	PROBE_INSN_REJECT = 0,	/* cannot be probed */
	PROBE_INSN_SIMULATE,	/* emulated in the breakpoint handler */
	PROBE_INSN_XOL,		/* executed out of line in a slot */
};

/* Who asks: the table can differ for kernel and user probes. */
#define PROBE_FOR_KERNEL	0x1
#define PROBE_FOR_USER		0x2
#define PROBE_FOR_ALL		(PROBE_FOR_KERNEL | PROBE_FOR_USER)

/*
 * A simulation handler.  Called with regs->pc at the probed instruction;
 * it applies the instruction's effect to @regs and leaves regs->pc at the
 * next instruction to execute.
 */
typedef void (probe_sim_fn)(u32 insn, struct pt_regs *regs);

/* One row of the decode table: the first row with (insn & mask) == value wins. */
struct probe_insn_class {
	u32 mask;
	u32 value;
	u8 action;		/* enum probe_insn_action */
	u8 users;		/* PROBE_FOR_* this row applies to */
	u8 flags;		/* PROBE_CLS_* */
	probe_sim_fn *sim;	/* for PROBE_INSN_SIMULATE */
	const char *name;	/* instruction class, in Arm ARM terms */
	const char *why;	/* why this action (always set for REJECT) */
};

/* The instruction opens an exclusive window (LDXR family). */
#define PROBE_CLS_EXCL_LOAD	0x1
/* The instruction closes an exclusive window (STXR family). */
#define PROBE_CLS_EXCL_STORE	0x2
/*
 * A kprobe runs the instruction out of line only as a step, never from a
 * boosted slot or a jump-optimized probe's detour: it accesses user memory
 * with EL0 permissions (LDTR/STTR), so its fault may sleep, and a task that
 * sleeps there is quiescent for RCU and RCU Tasks while its PC is still in
 * the slot or detour.  A stepped instruction's fault restarts at the probed
 * address instead.
 */
#define PROBE_CLS_STEP_ONLY	0x4

/* The result of decoding one instruction. */
struct probe_insn_decode {
	enum probe_insn_action action;
	probe_sim_fn *sim;
	const struct probe_insn_class *cls;
};

enum probe_insn_action arm64_probe_decode(u32 insn, unsigned int users,
					  struct probe_insn_decode *d);
const struct probe_insn_class *arm64_probe_class(u32 insn, unsigned int users);
bool arm64_probe_in_excl_window(int (*read)(void *ctx, unsigned long addr, u32 *insn),
				void *ctx, unsigned long addr, unsigned int n,
				unsigned int users);

/* How far back a probe looks for the LDXR of an exclusive window. */
#define PROBE_EXCL_WINDOW_SCAN	32
/*
 * Every row flagged PROBE_CLS_EXCL_LOAD or PROBE_CLS_EXCL_STORE matches
 * only words of this group (load/store exclusive: bits 29:23 = 0010000),
 * so the window search decodes no other word.  The host tests check it.
 */
#define PROBE_EXCL_GROUP_MASK	0x3f800000
#define PROBE_EXCL_GROUP_VALUE	0x08000000

extern const struct probe_insn_class arm64_probe_insn_table[];
extern const unsigned int arm64_probe_insn_table_size;

/* Simulation handlers (arch/arm64/kernel/probes/simulate.c). */
probe_sim_fn sim_b_imm;
probe_sim_fn sim_b_cond;
probe_sim_fn sim_cb;
probe_sim_fn sim_tb;
probe_sim_fn sim_b_reg;
probe_sim_fn sim_adr;
probe_sim_fn sim_ldr_lit;
probe_sim_fn sim_ldr_lit_fp;
probe_sim_fn sim_nop;
probe_sim_fn sim_mrs_pstate;
probe_sim_fn sim_logic_sreg;
probe_sim_fn sim_addsub_imm;
probe_sim_fn sim_movw;

#endif /* __ASM_PROBES_H */
