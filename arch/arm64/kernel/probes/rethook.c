// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 rethook: function-return hooks for kretprobes.
 *
 * At function entry (a kprobe on the first instruction) the return address
 * in x30 is replaced by arch_rethook_trampoline and the real one is kept in
 * the rethook node, together with the caller's frame pointer (x29 at entry,
 * which is x29 again at return).  The trampoline is reached by the
 * function's own RET; it saves the registers in a pt_regs on the stack,
 * runs the handlers and returns to the real address.  No exception is
 * taken on return.
 */

#include <linux/cpufeature.h>
#include <linux/kprobes.h>
#include <linux/rethook.h>

#include <asm/daifflags.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

/* MRS views of single PSTATE fields: the value is in its SPSR position. */
#define SYS_PSTATE_DIT		sys_reg(3, 3, 4, 2, 5)
#define SYS_PSTATE_SSBS		sys_reg(3, 3, 4, 2, 6)
#define SYS_PSTATE_TCO		sys_reg(3, 3, 4, 2, 7)

#define PSR_NZCV_DAIF	(PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT | \
			 PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)

void arch_rethook_prepare(struct rethook_node *rh, struct pt_regs *regs, bool mcount)
{
	rh->ret_addr = regs->regs[30];
	rh->frame = regs->regs[29];
	regs->regs[30] = (unsigned long)arch_rethook_trampoline;
}

NOKPROBE_SYMBOL(arch_rethook_prepare);

void arch_rethook_fixup_return(struct pt_regs *regs, unsigned long correct_ret_addr)
{
	/* After a RET, x30 holds the address returned to. */
	regs->regs[30] = correct_ret_addr;
}

NOKPROBE_SYMBOL(arch_rethook_fixup_return);

/*
 * The trampoline saved x0-x30, SP, NZCV and DAIF.  Make the rest of the
 * pt_regs what an exception taken at the return address would have made
 * it, so that handlers can use the usual helpers (interrupts_enabled(),
 * regs_irqs_disabled(), user_mode(), syscall_get_nr() ...) on it.  The
 * PSTATE fields come from the MRS views of the ones that can be read;
 * UAO is always clear in the kernel (uaccess uses LDTR/STTR), BTYPE is
 * zero at a return, SS and IL are clear outside a debug step.
 */
static void rethook_complete_regs(struct pt_regs *regs)
{
	u64 pstate = regs->pstate & PSR_NZCV_DAIF;

	pstate |= is_kernel_in_hyp_mode() ? PSR_MODE_EL2h : PSR_MODE_EL1h;
	if (system_uses_hw_pan())
		pstate |= read_sysreg_s(SYS_PSTATE_PAN) & PSR_PAN_BIT;
	if (alternative_has_cap_unlikely(ARM64_HAS_DIT))
		pstate |= read_sysreg_s(SYS_PSTATE_DIT) & PSR_DIT_BIT;
	if (alternative_has_cap_unlikely(ARM64_SSBS))
		pstate |= read_sysreg_s(SYS_PSTATE_SSBS) & PSR_SSBS_BIT;
	if (system_supports_mte())
		pstate |= read_sysreg_s(SYS_PSTATE_TCO) & PSR_TCO_BIT;
	regs->pstate = pstate;
	regs->orig_x0 = regs->regs[0];
	regs->syscallno = NO_SYSCALL;
	regs->unused2 = 0;
	regs->sdei_ttbr1 = 0;
	regs->pmr_save = system_uses_irq_prio_masking() ?
			 read_sysreg_s(SYS_ICC_PMR_EL1) : GIC_PRIO_IRQON;
	regs->lockdep_hardirqs = 0;
	regs->exit_rcu = 0;
}

NOKPROBE_SYMBOL(rethook_complete_regs);

/*
 * Called by arch_rethook_trampoline; returns where to return to.
 *
 * The handlers run with DAIF masked, as a kprobe's do in the BRK handler
 * (and as kretprobe handlers did on arm64 when the return took a BRK): the
 * core marks the kretprobe as the running probe while its handler runs, so
 * an interrupt there -- and the softirqs on its way out -- would miss every
 * probe it hit.  local_daif_save() rather than local_irq_save(): with
 * pseudo-NMI the latter masks by priority only, and an NMI would still come.
 * @regs keeps the interrupt state of the function's return.
 */
unsigned long arch_rethook_trampoline_callback(struct pt_regs *regs)
{
	unsigned long flags, ret;

	rethook_complete_regs(regs);
	flags = local_daif_save();
	ret = rethook_trampoline_handler(regs, regs->regs[29]);
	local_daif_restore(flags);
	return ret;
}

NOKPROBE_SYMBOL(arch_rethook_trampoline_callback);
