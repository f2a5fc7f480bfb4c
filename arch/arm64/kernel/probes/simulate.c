// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simulation of the A64 instructions that a probe does not run out of line.
 *
 * Each handler is called with regs->pc at the probed instruction, applies
 * the instruction's architectural effect to the saved registers, and leaves
 * regs->pc at the next instruction.  Register number 31 is XZR except where
 * the encoding says SP.  SP itself is never written: an exception return to
 * EL1 does not load SP from the saved registers, so the decode table sends
 * instructions that write SP out of line instead.
 */

#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/cpufeature.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include <asm/fpsimd.h>
#include <asm/insn.h>
#include <asm/probes.h>

#include "simulate.h"

static nokprobe_inline u64 xreg(const struct pt_regs *regs, unsigned int n)
{
	return n == 31 ? 0 : regs->regs[n];
}

static nokprobe_inline void set_xreg(struct pt_regs *regs, unsigned int n, u64 val)
{
	if (n != 31)
		regs->regs[n] = val;
}

/* Write a W or X destination: a 32-bit write clears the upper half. */
static nokprobe_inline void set_reg(struct pt_regs *regs, unsigned int n, u64 val, bool sf)
{
	set_xreg(regs, n, sf ? val : (u32)val);
}

static nokprobe_inline u64 xreg_sp(const struct pt_regs *regs, unsigned int n)
{
	return n == 31 ? regs->sp : regs->regs[n];
}

static nokprobe_inline void next_pc(struct pt_regs *regs)
{
	regs->pc += AARCH64_INSN_SIZE;
}

static nokprobe_inline void branch_to(struct pt_regs *regs, s64 offset)
{
	regs->pc += offset;
}

#define RD(insn)	((insn) & 0x1f)
#define RN(insn)	(((insn) >> 5) & 0x1f)
#define RM(insn)	(((insn) >> 16) & 0x1f)
#define SF(insn)	(!!((insn) & BIT(31)))

/* imm19 at [23:5], scaled by 4, as used by B.cond, CBZ and LDR (literal). */
static nokprobe_inline s64 imm19_offset(u32 insn)
{
	return sign_extend64(((insn >> 5) & 0x7ffff) << 2, 20);
}

/* B, BL: imm26 at [25:0]. */
void __kprobes sim_b_imm(u32 insn, struct pt_regs *regs)
{
	s64 offset = sign_extend64((insn & 0x3ffffff) << 2, 27);

	if (insn & BIT(31))
		regs->regs[30] = regs->pc + AARCH64_INSN_SIZE;
	branch_to(regs, offset);
}

static nokprobe_inline bool condition_holds(unsigned int cond, u64 pstate)
{
	/* AArch32 and A64 share the condition encoding; 0b1111 is "always". */
	return aarch32_opcode_cond_checks[cond & 0xf](pstate);
}

/* B.cond and BC.cond (the hint in bit 4 changes nothing architectural). */
void __kprobes sim_b_cond(u32 insn, struct pt_regs *regs)
{
	if (condition_holds(insn & 0xf, regs->pstate))
		branch_to(regs, imm19_offset(insn));
	else
		next_pc(regs);
}

/* CBZ, CBNZ: bit 24 is "not zero". */
void __kprobes sim_cb(u32 insn, struct pt_regs *regs)
{
	u64 val = xreg(regs, RD(insn));
	bool nz = insn & BIT(24);

	if (!SF(insn))
		val = (u32)val;
	if (!!val == nz)
		branch_to(regs, imm19_offset(insn));
	else
		next_pc(regs);
}

/* TBZ, TBNZ: bit number b5:b40, imm14 at [18:5]. */
void __kprobes sim_tb(u32 insn, struct pt_regs *regs)
{
	unsigned int bit = ((insn >> 26) & 0x20) | ((insn >> 19) & 0x1f);
	bool set = (xreg(regs, RD(insn)) >> bit) & 1;
	bool nz = insn & BIT(24);

	if (set == nz)
		branch_to(regs, sign_extend64(((insn >> 5) & 0x3fff) << 2, 15));
	else
		next_pc(regs);
}

/*
 * BR, BLR, RET.  With BTI, an indirect branch sets PSTATE.BTYPE so that the
 * target's landing pad is checked; the simulated branch does the same.
 */
void __kprobes sim_b_reg(u32 insn, struct pt_regs *regs)
{
	unsigned int opc = (insn >> 21) & 0x3;	/* 0: BR, 1: BLR, 2: RET */
	unsigned int rn = RN(insn);
	u64 target = xreg(regs, rn);
	u64 btype = PSR_BTYPE_NONE;

	if (opc == 1)
		regs->regs[30] = regs->pc + AARCH64_INSN_SIZE;
	if (!user_mode(regs) && IS_ENABLED(CONFIG_ARM64_BTI_KERNEL) &&
	    system_supports_bti_kernel()) {
		if (opc == 0)
			btype = (rn == 16 || rn == 17) ? PSR_BTYPE_JC : PSR_BTYPE_J;
		else if (opc == 1)
			btype = PSR_BTYPE_C;
	}
	regs->pstate = (regs->pstate & ~PSR_BTYPE_MASK) | btype;
	regs->pc = target;
}

/* ADR, ADRP: immhi at [23:5], immlo at [30:29]. */
void __kprobes sim_adr(u32 insn, struct pt_regs *regs)
{
	s64 imm = sign_extend64((((insn >> 5) & 0x7ffff) << 2) | ((insn >> 29) & 0x3), 20);
	u64 val;

	if (insn & BIT(31))
		val = (regs->pc & ~0xfffULL) + (imm << 12);
	else
		val = regs->pc + imm;
	set_xreg(regs, RD(insn), val);
	next_pc(regs);
}

/*
 * A user literal the task cannot read: the load faults "in place", with
 * the PC still at the instruction, as it would have without the probe.
 */
static void __kprobes user_literal_fault(struct pt_regs *regs, unsigned long addr)
{
	force_sig_fault(SIGSEGV, SEGV_MAPERR, (void __user *)addr);
}

static nokprobe_inline int read_literal(struct pt_regs *regs, unsigned long addr,
					void *buf, size_t size)
{
	if (!user_mode(regs)) {
		memcpy(buf, (const void *)addr, size);
		return 0;
	}
	if (copy_from_user(buf, (const void __user *)addr, size)) {
		user_literal_fault(regs, addr);
		return -EFAULT;
	}
	return 0;
}

/* LDR Wt/Xt (literal), LDRSW (literal): opc at [31:30]. */
void __kprobes sim_ldr_lit(u32 insn, struct pt_regs *regs)
{
	unsigned long addr = regs->pc + imm19_offset(insn);
	union { u32 w; s32 sw; u64 x; } lit;
	u64 val;

	if (read_literal(regs, addr, &lit, (insn >> 30) == 1 ? 8 : 4))
		return;
	switch (insn >> 30) {
	case 0:
		val = lit.w;
		break;
	case 1:
		val = lit.x;
		break;
	default:
		val = (s64)lit.sw;
		break;
	}
	set_xreg(regs, RD(insn), val);
	next_pc(regs);
}

/*
 * LDR St/Dt/Qt (literal) of a user task: its SIMD&FP state may not be in
 * the registers, so update the saved state the way a signal return does.
 */
static int sim_ldr_lit_fp_user(u32 insn, struct pt_regs *regs, unsigned long addr)
{
	static const unsigned int size[] = { 4, 8, 16 };
	struct user_fpsimd_state st;
	__uint128_t v = 0;

	if (read_literal(regs, addr, &v, size[insn >> 30]))
		return -EFAULT;
	fpsimd_preserve_current_state();
	/*
	 * The saved state is now the only copy: a context switch before the
	 * update below does not save the (stale) registers over it.
	 */
	fpsimd_flush_task_state(current);
	sve_sync_to_fpsimd(current);
	st = current->thread.uw.fpsimd_state;
	st.vregs[RD(insn)] = v;
	/*
	 * A write to Vn zeroes Zn above bit 127 (SVE, and SME streaming
	 * mode); the update below only copies the low 128 bits of each Zn.
	 */
	if (current->thread.fp_type == FP_STATE_SVE) {
		unsigned int vq = sve_vq_from_vl(thread_get_cur_vl(&current->thread));
		char *z = (char *)current->thread.sve_state +
			  SVE_SIG_ZREG_OFFSET(vq, RD(insn)) - SVE_SIG_REGS_OFFSET;

		memset(z + 16, 0, SVE_SIG_ZREG_SIZE(vq) - 16);
	}
	fpsimd_update_current_state(&st);
	return 0;
}

NOKPROBE_SYMBOL(sim_ldr_lit_fp_user);

/*
 * LDR St/Dt/Qt (literal).  The SIMD&FP registers are not part of pt_regs:
 * kernel C code never touches them, so the live registers still hold the
 * probed context's values and the load goes straight to the register.
 */
void __kprobes sim_ldr_lit_fp(u32 insn, struct pt_regs *regs)
{
	unsigned long addr = regs->pc + imm19_offset(insn);

	if (!user_mode(regs))
		arm64_probe_load_fp_literal(RD(insn), insn >> 30, (const void *)addr);
	else if (sim_ldr_lit_fp_user(insn, regs, addr))
		return;
	next_pc(regs);
}

/* NOP, YIELD, PRFM (literal): nothing to do but move on. */
void __kprobes sim_nop(u32 insn, struct pt_regs *regs)
{
	next_pc(regs);
}

/* MRS Xt, NZCV (op2 = 0) and MRS Xt, DAIF (op2 = 1), from the saved PSTATE. */
void __kprobes sim_mrs_pstate(u32 insn, struct pt_regs *regs)
{
	u64 mask = ((insn >> 5) & 0x7) ? (PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)
				       : (PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT);

	set_xreg(regs, RD(insn), regs->pstate & mask);
	next_pc(regs);
}

static nokprobe_inline u64 shift_reg(u64 val, unsigned int type, unsigned int amount, bool sf)
{
	unsigned int width = sf ? 64 : 32;

	if (!sf)
		val = (u32)val;
	if (!amount)
		return val;
	switch (type) {
	case 0:		/* LSL */
		val <<= amount;
		break;
	case 1:		/* LSR */
		val >>= amount;
		break;
	case 2:		/* ASR */
		val = sf ? (u64)((s64)val >> amount) : (u64)(u32)((s32)val >> amount);
		break;
	default:	/* ROR */
		val = (val >> amount) | (val << (width - amount));
		break;
	}
	return sf ? val : (u32)val;
}

/* Logical (shifted register): AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS. */
void __kprobes sim_logic_sreg(u32 insn, struct pt_regs *regs)
{
	bool sf = SF(insn);
	unsigned int opc = (insn >> 29) & 0x3;
	u64 op1, op2, res;

	/* MOV <Xd>, <Xm> (ORR <Xd>, XZR, <Xm>): "mov x9, x30" at every function entry */
	if ((insn & 0xffe0ffe0) == 0xaa0003e0) {
		set_xreg(regs, RD(insn), xreg(regs, RM(insn)));
		next_pc(regs);
		return;
	}
	op1 = xreg(regs, RN(insn));
	op2 = shift_reg(xreg(regs, RM(insn)), (insn >> 22) & 0x3, (insn >> 10) & 0x3f, sf);
	if (insn & BIT(21))		/* N: invert the second operand */
		op2 = ~op2;
	switch (opc) {
	case 0:
	case 3:
		res = op1 & op2;
		break;
	case 1:
		res = op1 | op2;
		break;
	default:
		res = op1 ^ op2;
		break;
	}
	if (!sf)
		res = (u32)res;
	if (opc == 3) {
		u64 flags = 0;

		if (res & (sf ? BIT_ULL(63) : BIT_ULL(31)))
			flags |= PSR_N_BIT;
		if (!res)
			flags |= PSR_Z_BIT;
		regs->pstate &= ~(u64)(PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT);
		regs->pstate |= flags;
	}
	set_xreg(regs, RD(insn), res);
	next_pc(regs);
}

/* ADD/SUB (immediate), not setting flags, Rd != SP (see the decode table). */
void __kprobes sim_addsub_imm(u32 insn, struct pt_regs *regs)
{
	u64 imm = (insn >> 10) & 0xfff;
	u64 op1 = xreg_sp(regs, RN(insn));

	if (insn & BIT(22))
		imm <<= 12;
	set_reg(regs, RD(insn), (insn & BIT(30)) ? op1 - imm : op1 + imm, SF(insn));
	next_pc(regs);
}

/* MOVN, MOVZ, MOVK: opc at [30:29], hw at [22:21], imm16 at [20:5]. */
void __kprobes sim_movw(u32 insn, struct pt_regs *regs)
{
	unsigned int shift = ((insn >> 21) & 0x3) * 16;
	u64 imm = (u64)((insn >> 5) & 0xffff) << shift;
	unsigned int rd = RD(insn);
	u64 val;

	switch ((insn >> 29) & 0x3) {
	case 0:		/* MOVN */
		val = ~imm;
		break;
	case 2:		/* MOVZ */
		val = imm;
		break;
	default:	/* MOVK */
		val = (xreg(regs, rd) & ~(0xffffULL << shift)) | imm;
		break;
	}
	set_reg(regs, rd, val, SF(insn));
	next_pc(regs);
}
