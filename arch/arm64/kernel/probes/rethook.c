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

#include <linux/kprobes.h>
#include <linux/rethook.h>

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

/* Called by arch_rethook_trampoline; returns where to return to. */
unsigned long arch_rethook_trampoline_callback(struct pt_regs *regs)
{
	return rethook_trampoline_handler(regs, regs->regs[29]);
}

NOKPROBE_SYMBOL(arch_rethook_trampoline_callback);
