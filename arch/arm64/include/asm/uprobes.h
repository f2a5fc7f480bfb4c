/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 support for uprobes, on the decode table shared with kprobes.
 */
#ifndef __ASM_UPROBES_H
#define __ASM_UPROBES_H

#include <linux/types.h>
#include <asm/debug-monitors.h>
#include <asm/insn.h>
#include <asm/probes.h>

struct pt_regs;

/* Entry points from the EL0 debug exception handlers. */
int arm64_uprobe_brk_handler(struct pt_regs *regs, unsigned long esr);
int arm64_uprobe_step_handler(struct pt_regs *regs, unsigned long esr);

#define MAX_UINSN_BYTES		AARCH64_INSN_SIZE

#define UPROBE_SWBP_INSN	cpu_to_le32(BRK64_OPCODE_UPROBES)
#define UPROBE_SWBP_INSN_SIZE	AARCH64_INSN_SIZE
#define UPROBE_XOL_SLOT_BYTES	AARCH64_INSN_SIZE

typedef __le32 uprobe_opcode_t;

struct arch_uprobe_task {
	bool stepping_before;	/* the task was single-stepped (ptrace) already */
	/* thread.fault_code before the step: signals still report it after */
	unsigned long saved_fault_code;
};

struct arch_uprobe {
	union {
		__le32 insn;
		__le32 ixol;
	};
	probe_sim_fn *sim;	/* simulated instead of stepped */
};

#endif /* __ASM_UPROBES_H */
