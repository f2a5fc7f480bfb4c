// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 jump-optimized kprobes: a probe hit without an exception.
 *
 * The generic optimizer (kernel/kprobes.c) turns a registered kprobe with
 * no post_handler into an optimized one some jiffies after its BRK was
 * armed.  Here that means: the BRK at the probed address becomes a B to
 * a detour of its own, which
 *
 *  - builds a struct pt_regs on the stack, as an exception entry would,
 *  - calls arm64_optprobe_callback(), which runs the pre-handlers with all
 *    of DAIF masked, as in the BRK handler,
 *  - restores NZCV and the general-purpose registers, and runs the probed
 *    instruction (relocated if it is PC-relative) and a B back.
 *
 * A handler that changes regs->pc, or any PSTATE bit but NZCV, leaves
 * through an exception return that restores all of it instead.
 *
 * Patching: BRK <-> B at the probed address are both in the architecture's
 * list of instructions that may be changed while other CPUs run them
 * (B, BL, BRK, NOP, ...), so no stop_machine().  A detour is written before
 * its B, and every CPU takes a context synchronization event (an IPI)
 * after the detours of a batch are written and before any B to them is.
 *
 * Detours live in a pool inside the kernel image (opt_trampoline.S): in
 * range of every B from and back to the kernel's text, whatever KASLR
 * does; a probe in a module is optimized if its module is in range of it
 * too.  A probe that cannot be optimized stays a BRK probe, silently, as
 * the core wants it.  See Documentation/arch/arm64/kprobes.rst.
 */

#define pr_fmt(fmt) "kprobes: " fmt

#include <linux/bitmap.h>
#include <linux/cacheflush.h>
#include <linux/cpufeature.h>
#include <linux/kprobes.h>
#include <linux/memory.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <kunit/visibility.h>

#include <asm/daifflags.h>
#include <asm/debug-monitors.h>
#include <asm/insn.h>
#include <asm/patching.h>
#include <asm/probes.h>
#include <asm/ptrace.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "opt.h"

/* Words of a detour (the template in opt_trampoline.S). */
#define OPT_W_CALL	5	/* BL arm64_optprobe_common */
#define OPT_W_CODE	8	/* the probed instruction, relocated: 4 words */
#define OPT_CODE_WORDS	4
#define OPT_W_LIT	12	/* a u64 literal the relocated code may load */
#define OPT_W_OP	16	/* u64: the optimized_kprobe */
#define OPT_W_ADDR	18	/* u64: the probed address */

#define OPT_POOL_PAGES	(ARM64_OPTPROBE_POOL_SIZE / PAGE_SIZE)

/* PSTATE fields that MRS reads (not with an encoding in sysreg.h yet) */
#define OPT_SYS_DIT	sys_reg(3, 3, 4, 2, 5)
#define OPT_SYS_SSBS	sys_reg(3, 3, 4, 2, 6)
#define OPT_SYS_TCO	sys_reg(3, 3, 4, 2, 7)

#define OPT_NZCV	(PSR_N_BIT | PSR_Z_BIT | PSR_C_BIT | PSR_V_BIT)

/* ---- the pool: pages for the core's optinsn slot cache ---- */

/* Pages of the pool in use; the slot cache calls us under its mutex. */
static DECLARE_BITMAP(opt_pool_used, OPT_POOL_PAGES);

void *alloc_optinsn_page(void)
{
	unsigned long i = find_first_zero_bit(opt_pool_used, OPT_POOL_PAGES);

	if (i >= OPT_POOL_PAGES)
		return NULL;
	__set_bit(i, opt_pool_used);
	return arm64_optprobe_pool + i * PAGE_SIZE;
}

void free_optinsn_page(void *page)
{
	unsigned long i = ((char *)page - arm64_optprobe_pool) / PAGE_SIZE;

	if (!WARN_ON_ONCE(i >= OPT_POOL_PAGES))
		__clear_bit(i, opt_pool_used);
}

/* ---- building a detour ---- */

static bool in_b_range(unsigned long from, unsigned long to)
{
	long offset = (long)(to - from);

	return offset >= -SZ_128M && offset < SZ_128M && IS_ALIGNED(offset, 4);
}

static u32 gen_b(unsigned long from, unsigned long to, bool link)
{
	if (!in_b_range(from, to))
		return AARCH64_BREAK_FAULT;
	return aarch64_insn_gen_branch_imm(from, to, link ? AARCH64_INSN_BRANCH_LINK :
							    AARCH64_INSN_BRANCH_NOLINK);
}

/* LDR Xt, <literal of the detour> from word @w of the detour */
static u32 gen_ldr_lit(unsigned long detour, unsigned int w, unsigned int rt)
{
	return aarch64_insn_gen_load_literal(detour + w * AARCH64_INSN_SIZE,
					     detour + OPT_W_LIT * AARCH64_INSN_SIZE,
					     rt, true);
}

/*
 * Is @insn where an indirect branch may land with PSTATE.BTYPE != 0?  A B
 * there would take a Branch Target exception (BRK is exempt), and the
 * detour could not give the BTYPE back.
 */
static bool landing_pad(u32 insn)
{
	if (!IS_ENABLED(CONFIG_ARM64_BTI_KERNEL))
		return false;
	return (insn & 0xffffff3f) == 0xd503241f ||	/* BTI {c, j, jc} */
	       insn == aarch64_insn_gen_hint(AARCH64_INSN_HINT_PACIASP) ||
	       insn == aarch64_insn_gen_hint(AARCH64_INSN_HINT_PACIBSP);
}

/*
 * The code that does what @p's instruction does, run from word OPT_W_CODE
 * of @detour with the probed context's registers and PSTATE, followed by
 * the way back (if the instruction does not branch away): into @code,
 * and the literal it loads into @lit.  The instructions that depend on
 * their own address are rewritten so that they write no register the
 * original does not.
 *
 * Return: 0, -EOPNOTSUPP for an instruction this cannot do, or -ERANGE
 * for a branch that does not reach.
 */
static int opt_relocate(struct kprobe *p, unsigned long detour, u32 *code, u64 *lit)
{
	unsigned long addr = (unsigned long)p->addr, back = addr + AARCH64_INSN_SIZE;
	unsigned long at = detour + OPT_W_CODE * AARCH64_INSN_SIZE;
	probe_sim_fn *sim = p->ainsn.sim;
	u32 insn = p->opcode, rt = insn & 0x1f;
	unsigned long target;
	unsigned int n = 0, i;

	for (i = 0; i < OPT_CODE_WORDS; i++)
		code[i] = AARCH64_BREAK_FAULT;
	*lit = 0;
	if (landing_pad(insn))
		return -EOPNOTSUPP;
	/* a task asleep in the fault of an LDTR would be in the detour */
	if (!sim && (arm64_probe_class(insn, PROBE_FOR_KERNEL)->flags & PROBE_CLS_STEP_ONLY))
		return -EOPNOTSUPP;

	if (!sim || sim == sim_addsub_imm || sim == sim_movw || sim == sim_logic_sreg ||
	    sim == sim_mrs_pstate) {
		/* run out of line, or simulated but independent of the PC */
		code[n++] = insn;
	} else if (sim == sim_nop) {
		/* NOP, YIELD, PRFM (literal): nothing to do */
	} else if (sim == sim_adr) {
		/* immhi:immlo, in pages of 4K for ADRP whatever PAGE_SIZE is */
		s64 imm = sign_extend64(((insn >> 3) & 0x1ffffc) | ((insn >> 29) & 3), 20);

		*lit = (insn & BIT(31)) ? (addr & ~(SZ_4K - 1UL)) + (imm << 12) : addr + imm;
		code[n++] = gen_ldr_lit(detour, OPT_W_CODE, rt);
	} else if (sim == sim_ldr_lit) {
		if (rt == 31)
			return -EOPNOTSUPP;	/* a load to XZR: nowhere to put the address */
		*lit = addr + (s64)sign_extend64((insn >> 5) & 0x7ffff, 18) * 4;
		code[n++] = gen_ldr_lit(detour, OPT_W_CODE, rt);
		/* LDR Wt, LDR Xt, LDRSW Xt, [Xt] */
		if ((insn >> 30) == 0)
			code[n++] = 0xb9400000 | (rt << 5) | rt;
		else if ((insn >> 30) == 1)
			code[n++] = 0xf9400000 | (rt << 5) | rt;
		else
			code[n++] = 0xb9800000 | (rt << 5) | rt;
	} else if (sim == sim_b_imm) {
		target = addr + aarch64_get_branch_offset(insn);
		if (aarch64_insn_is_bl(insn)) {
			*lit = back;
			code[n++] = gen_ldr_lit(detour, OPT_W_CODE, AARCH64_INSN_REG_LR);
		}
		code[n] = gen_b(at + n * AARCH64_INSN_SIZE, target, false);
		return code[n] == AARCH64_BREAK_FAULT ? -ERANGE : 0;
	} else if (sim == sim_b_cond || sim == sim_cb || sim == sim_tb) {
		/* taken: to word 2, a B to the target; else word 1, the B back */
		target = addr + aarch64_get_branch_offset(insn);
		code[0] = aarch64_insn_encode_immediate(sim == sim_tb ? AARCH64_INSN_IMM_14 :
							AARCH64_INSN_IMM_19, insn, 2);
		code[1] = gen_b(at + 4, back, false);
		code[2] = gen_b(at + 8, target, false);
		return code[1] == AARCH64_BREAK_FAULT ||
		       code[2] == AARCH64_BREAK_FAULT ? -ERANGE : 0;
	} else if (sim == sim_b_reg && !aarch64_insn_is_blr(insn)) {
		/* BR, RET: the target is in the register */
		code[0] = insn;
		return 0;
	}
	if (n == 0 && sim && sim != sim_nop)
		/*
		 * BLR would have to branch with BR (a different BTYPE at the
		 * target) to leave x30 = the next instruction; a SIMD&FP
		 * literal load would need a general-purpose register.
		 */
		return -EOPNOTSUPP;
	code[n] = gen_b(at + n * AARCH64_INSN_SIZE, back, false);
	return code[n] == AARCH64_BREAK_FAULT ? -ERANGE : 0;
}

/*
 * A detour as it is written: instructions are little-endian, and each
 * literal is a u64 stored as the CPU loads it, whatever the endianness.
 */
struct opt_image {
	__le32 insn[OPT_W_LIT];
	u64 lit;			/* OPT_W_LIT */
	__le32 pad[OPT_W_OP - OPT_W_LIT - 2];
	u64 op;				/* OPT_W_OP */
	u64 addr;			/* OPT_W_ADDR */
};

/* The detour of @op at @detour, in @img. */
static int opt_build(struct optimized_kprobe *op, kprobe_opcode_t *detour,
		     struct opt_image *img)
{
	unsigned long d = (unsigned long)detour;
	u32 code[OPT_CODE_WORDS], call;
	unsigned int i;
	u64 lit;
	int ret;

	BUILD_BUG_ON(sizeof(*img) != OPT_DETOUR_WORDS * AARCH64_INSN_SIZE);
	BUILD_BUG_ON(offsetof(struct opt_image, op) != OPT_W_OP * AARCH64_INSN_SIZE);
	BUILD_BUG_ON(offsetof(struct opt_image, addr) != OPT_W_ADDR * AARCH64_INSN_SIZE);
	if (arm64_optprobe_template_end - arm64_optprobe_template != OPT_DETOUR_WORDS)
		return -EINVAL;
	ret = opt_relocate(&op->kp, d, code, &lit);
	if (ret)
		return ret;
	call = gen_b(d + OPT_W_CALL * AARCH64_INSN_SIZE,
		     (unsigned long)arm64_optprobe_common, true);
	if (call == AARCH64_BREAK_FAULT)
		return -ERANGE;
	memcpy(img, arm64_optprobe_template, sizeof(*img));
	img->insn[OPT_W_CALL] = cpu_to_le32(call);
	for (i = 0; i < OPT_CODE_WORDS; i++)
		img->insn[OPT_W_CODE + i] = cpu_to_le32(code[i]);
	img->lit = lit;
	img->op = (u64)op;
	img->addr = (u64)op->kp.addr;
	return 0;
}

/*
 * Write @op's detour, which no CPU runs: it is reached only by the B that
 * arch_optimize_kprobes() writes after it.  A u64 at a time through the
 * text-poke mapping, then a clean to PoU of its lines.
 */
static int opt_write(struct optimized_kprobe *op)
{
	kprobe_opcode_t *detour = op->optinsn.detour;
	u64 words[OPT_DETOUR_WORDS / 2];
	struct opt_image img;
	unsigned int i;
	int ret;

	ret = opt_build(op, detour, &img);
	BUILD_BUG_ON(sizeof(words) != sizeof(img));
	memcpy(words, &img, sizeof(words));
	for (i = 0; !ret && i < ARRAY_SIZE(words); i++)
		ret = aarch64_insn_write_literal_u64(detour + 2 * i, words[i]);
	if (!ret)
		caches_clean_inval_pou((unsigned long)detour,
				       (unsigned long)(detour + OPT_DETOUR_WORDS));
	return ret;
}

static bool opt_pstate_readable(void);

/* ---- the generic optimizer's hooks ---- */

static bool opt_held;	/* only the tests set it */

#if IS_ENABLED(CONFIG_ARM64_KPROBES_KUNIT_TEST)

/**
 * arm64_optprobes_hold_for_test() - prepare no new probe for optimization
 * @hold: true to hold, false to let go
 *
 * For the tests only: the instruction-level tests rewrite the probed
 * instruction of a registered probe, which a detour would not follow.
 */
void arm64_optprobes_hold_for_test(bool hold)
{
	WRITE_ONCE(opt_held, hold);
}
EXPORT_SYMBOL_IF_KUNIT(arm64_optprobes_hold_for_test);

/**
 * arm64_optprobe_optimized_for_test() - is a probe optimized now?
 * @p: a registered kprobe
 *
 * For the tests only: waits for the optimizer to finish what it has
 * queued, then looks at the probe's aggregate and at its text.
 *
 * Return: true if the probe's address branches to its detour.
 */
bool arm64_optprobe_optimized_for_test(struct kprobe *p)
{
	struct optimized_kprobe *op;
	struct kprobe *ap;
	bool ret = false;
	u32 insn;

	wait_for_kprobe_optimizer();
	preempt_disable();	/* for get_kprobe() */
	ap = get_kprobe(p->addr);
	if (ap && kprobe_optimized(ap) && !aarch64_insn_read(p->addr, &insn)) {
		op = container_of(ap, struct optimized_kprobe, kp);
		ret = insn == gen_b((unsigned long)p->addr,
				    (unsigned long)op->optinsn.detour, false);
	}
	preempt_enable();
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(arm64_optprobe_optimized_for_test);

/**
 * arm64_optprobes_wait_for_test() - wait until the optimizer is idle
 *
 * For the tests only: after it, every probe queued for optimization is a
 * jump, and every unregistered optimized probe is unoptimized and gone
 * (the core would otherwise reuse its aggregate, with the B still in the
 * text, for a probe registered at the same address within a few jiffies).
 */
void arm64_optprobes_wait_for_test(void)
{
	wait_for_kprobe_optimizer();
}
EXPORT_SYMBOL_IF_KUNIT(arm64_optprobes_wait_for_test);

/**
 * arm64_optprobe_near_for_test() - would a probe at @addr be optimized?
 * @addr: an address in kernel or module text
 *
 * For the tests only: whether a detour can read PSTATE on this system
 * (opt_pstate_readable()) and every detour of the pool is in B range of
 * @addr.  The probed instruction, the sysctl and a full pool are not
 * looked at.
 *
 * Return: true if a probe on a plain instruction at @addr gets optimized.
 */
bool arm64_optprobe_near_for_test(unsigned long addr)
{
	unsigned long first = (unsigned long)arm64_optprobe_pool;
	unsigned long last = first + ARM64_OPTPROBE_POOL_SIZE -
			     OPT_DETOUR_WORDS * AARCH64_INSN_SIZE;

	return opt_pstate_readable() && in_b_range(addr, first) && in_b_range(addr, last);
}
EXPORT_SYMBOL_IF_KUNIT(arm64_optprobe_near_for_test);

/**
 * arm64_optprobe_retarget_for_test() - make an optimized probe stand for another insn
 * @p: a registered kprobe, optimized (arm64_optprobe_optimized_for_test())
 * @insn: the instruction it now replaces
 * @site: where to put what a run through the probe must find at its address
 *
 * For the instruction-level tests only, as arm64_kprobe_retarget_for_test()
 * for a BRK probe: the probe at @p's address (the aggregate), its slot and
 * @p take @insn, and if the probe is optimized its detour is rebuilt for
 * @insn.  If no detour can run @insn (a probe on it would not be
 * optimized), the detour is left as it was and the run goes through the
 * BRK handler of the same probe, as it would for a probe on @insn.  The
 * caller makes sure no CPU runs the probed address or the detour meanwhile.
 *
 * Return: 0 and *@site the B to the detour; -EOPNOTSUPP or -ERANGE and
 * *@site the BRK; -EINVAL if the decode table refuses @insn or the probe is
 * not optimized (the probe stands for @insn if the decode table took it).
 */
int arm64_optprobe_retarget_for_test(struct kprobe *p, u32 insn, u32 *site)
{
	struct optimized_kprobe *op;
	struct kprobe *ap;
	int ret;

	*site = BRK64_OPCODE_KPROBES;
	/* the optimizer reads opcode and ainsn, and sets the flags, under it */
	mutex_lock(&text_mutex);
	preempt_disable();	/* for get_kprobe() */
	ap = get_kprobe(p->addr);
	preempt_enable();
	ret = ap ? arm64_kprobe_retarget_for_test(ap, insn) : -EINVAL;
	if (!ret && ap != p) {
		p->opcode = ap->opcode;
		p->ainsn = ap->ainsn;
	}
	op = ap ? container_of(ap, struct optimized_kprobe, kp) : NULL;
	if (!ret && (ap == p || !kprobe_optimized(ap) || IS_ERR_OR_NULL(op->optinsn.detour)))
		ret = -EINVAL;
	/* on a failure (not on -EOPNOTSUPP or -ERANGE) the detour may be half written */
	ret = ret ?: opt_write(op);
	if (!ret)
		*site = gen_b((unsigned long)p->addr, (unsigned long)op->optinsn.detour, false);
	mutex_unlock(&text_mutex);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(arm64_optprobe_retarget_for_test);

/**
 * arm64_optprobe_count_for_test() - count the optimizable words of some text
 * @start: the first word
 * @end: past the last word
 * @probeable: set to how many of them the decode table accepts
 *
 * For the tests only: for every word of [@start, @end) that a kprobe
 * could be registered on as far as its instruction goes, would the probe
 * be optimized, wherever in the pool its detour were (the same checks as
 * arch_prepare_optimized_kprobe())?  Refusals by place (the blacklist,
 * exclusive windows, ftrace sites) are not counted, on either side.
 *
 * Return: how many of the @probeable words a detour could run.
 */
unsigned long arm64_optprobe_count_for_test(unsigned long start, unsigned long end,
					    unsigned long *probeable)
{
	unsigned long first = (unsigned long)arm64_optprobe_pool;
	unsigned long last = first + ARM64_OPTPROBE_POOL_SIZE -
			     OPT_DETOUR_WORDS * AARCH64_INSN_SIZE;
	struct probe_insn_decode d;
	struct kprobe kp = {};
	unsigned long a, n = 0;
	u32 code[OPT_CODE_WORDS];
	bool readable = opt_pstate_readable();
	u64 lit;

	*probeable = 0;
	for (a = start; a + AARCH64_INSN_SIZE <= end; a += AARCH64_INSN_SIZE) {
		u32 insn = le32_to_cpu(*(__le32 *)a);

		if (!(a & (SZ_64K - 1)))
			cond_resched();
		if (arm64_probe_decode(insn, PROBE_FOR_KERNEL, &d) == PROBE_INSN_REJECT)
			continue;
		(*probeable)++;
		kp.addr = (kprobe_opcode_t *)a;
		kp.opcode = insn;
		kp.ainsn.sim = d.action == PROBE_INSN_SIMULATE ? d.sim : NULL;
		if (readable && in_b_range(a, first) && in_b_range(a, last) &&
		    !opt_relocate(&kp, first, code, &lit) && !opt_relocate(&kp, last, code, &lit))
			n++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(arm64_optprobe_count_for_test);
#endif

int arch_prepared_optinsn(struct arch_optimized_insn *optinsn)
{
	return !!optinsn->detour;
}

/* One instruction is replaced: no other probe can be inside it. */
int arch_check_optimized_kprobe(struct optimized_kprobe *op)
{
	return 0;
}

int arch_within_optimized_kprobe(struct optimized_kprobe *op, kprobe_opcode_t *addr)
{
	return op->kp.addr == addr;
}

/* optimizable, but no detour allocated yet */
#define OPT_DETOUR_LATER	ERR_PTR(-EAGAIN)

/* Would a detour anywhere in the pool work for @op? */
static int opt_check(struct optimized_kprobe *op)
{
	kprobe_opcode_t *first = (kprobe_opcode_t *)arm64_optprobe_pool;
	kprobe_opcode_t *last = first + (ARM64_OPTPROBE_POOL_SIZE / AARCH64_INSN_SIZE -
					 OPT_DETOUR_WORDS);
	unsigned long addr = (unsigned long)op->kp.addr;
	u32 code[OPT_CODE_WORDS];
	u64 lit;

	/*
	 * The distances grow monotonically from one end of the pool to the
	 * other.  Only the relocation depends on where the detour is (the
	 * rest of opt_build() does not fail): every probe registered pays
	 * for this check, optimized or not.
	 */
	if (!in_b_range(addr, (unsigned long)first) || !in_b_range(addr, (unsigned long)last))
		return -ERANGE;
	return opt_relocate(&op->kp, (unsigned long)first, code, &lit) ?:
	       opt_relocate(&op->kp, (unsigned long)last, code, &lit);
}

/*
 * Called for a new probe @orig, prepared already (opcode, ainsn), and the
 * aggregate @op that would replace it.  Only checks: the detour is
 * allocated and written when the optimizer runs, so that a probe that is
 * registered and removed before then costs no slot and no text write.
 *
 * A probe with a post_handler is never optimized (the core's rule): it is
 * refused here, so that it stays a plain kprobe and its hits do not go
 * through an aggregate's handler list.
 */
int arch_prepare_optimized_kprobe(struct optimized_kprobe *op, struct kprobe *orig)
{
	int ret;

	op->optinsn.detour = NULL;
	if (IS_ENABLED(CONFIG_ARM64_KPROBES_KUNIT_TEST) && READ_ONCE(opt_held))
		return -EBUSY;
	if (orig->post_handler)
		return -EOPNOTSUPP;
	if (!opt_pstate_readable())
		return -EOPNOTSUPP;
	/* what opt_build() reads of the aggregate: the core copies it later */
	op->kp.opcode = orig->opcode;
	op->kp.ainsn = orig->ainsn;
	ret = opt_check(op);
	if (ret)
		return ret;
	op->optinsn.detour = OPT_DETOUR_LATER;
	return 0;
}

void arch_remove_optimized_kprobe(struct optimized_kprobe *op)
{
	/* a task may be preempted in the detour, before it reads op */
	if (op->optinsn.unsynced) {
		synchronize_rcu_tasks();
		op->optinsn.unsynced = false;
	}
	if (!IS_ERR_OR_NULL(op->optinsn.detour)) {
		/*
		 * A detour that a B ever led to is reused only after one more
		 * RCU grace period (dirty); one that never ran is free at once,
		 * so that registering and removing probes costs no grace period.
		 */
		free_optinsn_slot(op->optinsn.detour, op->optinsn.published);
		op->optinsn.detour = NULL;
	}
}

/*
 * Called by the optimizer under kprobe_mutex, cpus_read_lock() and
 * text_mutex, with every probe of @oplist armed (its BRK in place).
 */
void arch_optimize_kprobes(struct list_head *oplist)
{
	struct optimized_kprobe *op, *tmp;

	list_for_each_entry_safe(op, tmp, oplist, list) {
		if (op->optinsn.detour == OPT_DETOUR_LATER) {
			kprobe_opcode_t *detour = get_optinsn_slot();

			if (!detour) {
				/*
				 * The pool is full: the probe stays a BRK probe,
				 * and is tried again the next time the core
				 * optimizes it (when it is armed again).
				 */
				op->kp.flags &= ~KPROBE_FLAG_OPTIMIZED;
				list_del_init(&op->list);
				continue;
			}
			op->optinsn.detour = detour;
		}
		/* cannot fail but on a bug: the probe then stays a BRK */
		if (WARN_ON_ONCE(opt_write(op))) {
			op->kp.flags &= ~KPROBE_FLAG_OPTIMIZED;
			list_del_init(&op->list);
		}
	}
	/*
	 * Every CPU refetches what it runs after this: none can run a stale
	 * word of a detour (of a probe before, reusing the slot) once it
	 * follows the B.
	 */
	kick_all_cpus_sync();
	list_for_each_entry_safe(op, tmp, oplist, list) {
		unsigned long addr = (unsigned long)op->kp.addr;

		u32 b = gen_b(addr, (unsigned long)op->optinsn.detour, false);

		WARN_ON_ONCE(aarch64_insn_patch_text_nosync(op->kp.addr, b));
		/* the optimizer waited for RCU Tasks since any unoptimization */
		op->optinsn.unsynced = false;
		op->optinsn.published = true;
		list_del_init(&op->list);
	}
}

/**
 * arm64_optprobe_armed() - is @p an optimized probe whose B is in place?
 * @p: a probe that arch_arm_kprobe() is about to arm
 *
 * The core arms an aggregate again when it is enabled soon after it was
 * disabled, while its unoptimization is still queued: __arm_kprobe()
 * calls arch_arm_kprobe() and then optimize_kprobe(), which cancels the
 * queued unoptimization and leaves the probe counted as optimized.  A BRK
 * written over the B would then stay, and the probe would take an
 * exception on every hit until it is disabled again or optimization is
 * switched off and on.  The B is left instead: the detour it leads to
 * was never given up.
 *
 * Return: true if @p is optimized and its address branches to its detour.
 */
bool arm64_optprobe_armed(struct kprobe *p)
{
	struct optimized_kprobe *op;
	u32 insn;

	/* only an optimized_kprobe ever has the flag */
	if (!kprobe_optimized(p))
		return false;
	op = container_of(p, struct optimized_kprobe, kp);
	if (IS_ERR_OR_NULL(op->optinsn.detour) || aarch64_insn_read(p->addr, &insn))
		return false;
	return insn == gen_b((unsigned long)p->addr, (unsigned long)op->optinsn.detour, false);
}

/* Back to the BRK: the probe stays armed.  A CPU in the detour finishes. */
static void opt_unpatch(struct optimized_kprobe *op)
{
	WARN_ON_ONCE(aarch64_insn_patch_text_nosync(op->kp.addr, BRK64_OPCODE_KPROBES));
}

/*
 * The optimizer unoptimizes a batch, then waits for an RCU Tasks grace
 * period before it frees anything or optimizes again: a task preempted in
 * a detour has left it by then.
 */
void arch_unoptimize_kprobes(struct list_head *oplist, struct list_head *done_list)
{
	struct optimized_kprobe *op, *tmp;

	list_for_each_entry_safe(op, tmp, oplist, list) {
		opt_unpatch(op);
		list_move(&op->list, done_list);
	}
}

/*
 * Unoptimized at once (a probe with a post_handler joins, or a disarm that
 * cannot wait): no grace period follows, and the probe may be freed after
 * an RCU grace period only.  arch_remove_optimized_kprobe() waits for it.
 */
void arch_unoptimize_kprobe(struct optimized_kprobe *op)
{
	opt_unpatch(op);
	op->optinsn.unsynced = true;
}

/* ---- a hit ---- */

/*
 * Can a detour read every PSTATE bit that may be set where it is entered?
 * PSTATE.SSBS has an MRS form only with FEAT_SSBS2; a CPU with FEAT_SSBS
 * alone is not optimized on.  UAO, ALLINT and PM are never set by this
 * kernel; BTYPE is zero at any instruction but a landing pad (refused);
 * SS and IL are zero outside an exception's step.
 */
static bool opt_pstate_readable(void)
{
	u64 pfr1 = read_sanitised_ftr_reg(SYS_ID_AA64PFR1_EL1);

	/* with software PAN, a handler would run with user memory mapped */
	if (system_uses_ttbr0_pan())
		return false;
	return !cpus_have_final_cap(ARM64_SSBS) ||
	       cpuid_feature_extract_unsigned_field(pfr1, ID_AA64PFR1_EL1_SSBS_SHIFT) >=
	       ID_AA64PFR1_EL1_SSBS_SSBS2;
}

/* What the detour could not read with MRS NZCV and DAIF. */
static __always_inline u64 opt_pstate_rest(void)
{
	u64 pstate = is_kernel_in_hyp_mode() ? PSR_MODE_EL2h : PSR_MODE_EL1h;

	if (system_uses_hw_pan())
		pstate |= read_sysreg_s(SYS_PSTATE_PAN) & PSR_PAN_BIT;
	if (cpus_have_final_cap(ARM64_SSBS))	/* with FEAT_SSBS2: see opt_pstate_readable() */
		pstate |= read_sysreg_s(OPT_SYS_SSBS) & PSR_SSBS_BIT;
	if (cpus_have_final_cap(ARM64_HAS_DIT))
		pstate |= read_sysreg_s(OPT_SYS_DIT) & PSR_DIT_BIT;
	if (system_supports_mte())
		pstate |= read_sysreg_s(OPT_SYS_TCO) & PSR_TCO_BIT;
	return pstate;
}

/*
 * Before DAIF gets the probed context's value back (an exception return or
 * a write): lockdep first, while interrupts are still masked by PMR too,
 * then the priority mask, synchronized if that unmasks (as kernel_exit).
 */
static __always_inline void opt_unmask_prepare(struct pt_regs *regs)
{
	if (regs->lockdep_hardirqs)
		trace_hardirqs_on();
	if (system_uses_irq_prio_masking()) {
		gic_write_pmr(regs->pmr_save);
		if (regs->pmr_save == GIC_PRIO_IRQON)
			pmr_sync();
	}
}

/**
 * arm64_optprobe_callback() - an optimized probe was hit
 * @op: the probe
 * @regs: the registers at the probed instruction, on the stack
 *
 * Called from arm64_optprobe_common with PSTATE as at the probed
 * instruction.  Runs the pre-handlers with all of DAIF masked (and, with
 * pseudo-NMI, the priority mask saying so), as the BRK handler does.  A
 * hit while another probe runs only counts a miss.
 *
 * Return: 0 to restore NZCV and DAIF and run the instruction in the
 * detour; 1 to leave by an exception return to regs->pc with regs->pstate
 * (DAIF stays masked until then).
 */
asmlinkage int __kprobes arm64_optprobe_callback(struct optimized_kprobe *op,
						 struct pt_regs *regs)
{
	unsigned long addr = (unsigned long)op->kp.addr;
	struct kprobe **cur;
	u64 pstate;

	pstate = regs->pstate | opt_pstate_rest();
	regs->pstate = pstate;
	regs->syscallno = NO_SYSCALL;
	regs->orig_x0 = regs->regs[0];
	if (system_uses_irq_prio_masking())
		regs->pmr_save = read_sysreg_s(SYS_ICC_PMR_EL1);
	/* lockdep's own view, as the BRK path keeps it: it may differ from DAIF */
	regs->lockdep_hardirqs = lockdep_hardirqs_enabled();
	local_daif_mask();
	/* handlers run with PAN set, as after an exception entry */
	if (system_uses_hw_pan() && !(pstate & PSR_PAN_BIT))
		__uaccess_enable_hw_pan();

	cur = this_cpu_ptr(&current_kprobe);
	if (unlikely(*cur) ||
	    (unlikely(!cpu_online(raw_smp_processor_id())) && arm64_kprobe_offline_miss())) {
		kprobes_inc_nmissed_count(&op->kp);
	} else {
		*cur = &op->kp;
		get_kprobe_ctlblk()->kprobe_status = KPROBE_HIT_ACTIVE;
		opt_pre_handler(&op->kp, regs);
		*cur = NULL;
	}

	if (likely(regs->pc == addr && !((regs->pstate ^ pstate) & ~OPT_NZCV))) {
		/* as it was: undo the PAN and local_daif_mask() */
		if (system_uses_hw_pan() && !(pstate & PSR_PAN_BIT))
			__uaccess_disable_hw_pan();
		opt_unmask_prepare(regs);
		write_sysreg(pstate & DAIF_MASK, daif);
		return 0;
	}

	/* the instruction runs in the detour, after all of PSTATE is back */
	if (regs->pc == addr)
		regs->pc = (unsigned long)(op->optinsn.detour + OPT_W_CODE);
	regs->pstate &= ~(u64)(PSR_BTYPE_MASK | DBG_SPSR_SS | PSR_IL_BIT);
	opt_unmask_prepare(regs);
	return 1;
}
