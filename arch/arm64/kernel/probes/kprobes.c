// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 kprobes: breakpoints, out-of-line execution and simulation.
 *
 * A probe replaces one instruction with BRK #KPROBES_BRK_IMM.  When it is
 * hit, the pre-handler runs and then the replaced instruction is either
 *
 *  - simulated on the saved registers (branches, PC-relative loads and
 *    address computations, NOP, reads of DAIF/NZCV, simple moves and
 *    arithmetic): one exception per hit;
 *  - run out of line in a slot that branches back by itself ("boosted")
 *    when nothing has to run after it: one exception per hit;
 *  - stepped out of line in a slot that ends with BRK #KPROBES_BRK_SS_IMM,
 *    with IRQs and FIQs masked, when a post-handler must run or the
 *    instruction's fault may sleep (LDTR/STTR): two exceptions per hit.
 *
 * A task may be preempted inside a boosted slot.  Such a slot is freed only
 * after an RCU Tasks grace period (see arch_remove_kprobe()).
 *
 * Which instruction takes which path is decided once, when the probe is
 * prepared, by the decode table in decode.c.  See
 * Documentation/arch/arm64/kprobes.rst for the design.
 */

#define pr_fmt(fmt) "kprobes: " fmt

#include <linux/cacheflush.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/execmem.h>
#include <linux/extable.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include <asm/daifflags.h>
#include <asm/debug-monitors.h>
#include <asm/insn.h>
#include <asm/patching.h>
#include <asm/probes.h>
#include <asm/ptrace.h>
#include <asm/sections.h>
#include <asm/smp.h>

#ifdef CONFIG_OPTPROBES
#include "opt.h"
#endif

DEFINE_PER_CPU(struct kprobe *, current_kprobe);
DEFINE_PER_CPU(struct kprobe_ctlblk, kprobe_ctlblk);

/* Does @slot branch back by itself, rather than end with a step's BRK? */
static __always_inline bool slot_boosts(const kprobe_opcode_t *slot)
{
	return le32_to_cpu(*(const __le32 *)(slot + 1)) != BRK64_OPCODE_KPROBES_SS;
}

/*
 * Slots live in the module area rather than anywhere in vmalloc space, so
 * that the branch back to the kernel image is in direct range: that is what
 * lets a probe finish without a second exception.  They are mapped
 * read-only and executable, and guarded for BTI like any other kernel text.
 */
void *alloc_insn_page(void)
{
	void *page = execmem_alloc(EXECMEM_MODULE_TEXT, PAGE_SIZE);

	if (!page)
		return NULL;
	if (set_memory_rox((unsigned long)page, 1)) {
		execmem_free(page);
		return NULL;
	}
	return page;
}

/* @insn was read at @addr: if it is another kprobe's BRK, what it replaced. */
static u32 look_through_brk(unsigned long addr, u32 insn)
{
	struct kprobe *p;

	if (insn != BRK64_OPCODE_KPROBES)
		return insn;
	p = get_kprobe((void *)addr);
	return p ? p->opcode : insn;
}

/* The original instruction at @addr. */
static int read_orig_insn(unsigned long addr, u32 *insn)
{
	if (aarch64_insn_read((void *)addr, insn))
		return -EFAULT;
	*insn = look_through_brk(addr, *insn);
	return 0;
}

/*
 * The window search reads back within the probed function's own text
 * (kallsyms says where it starts), mapped for as long as the probe is being
 * registered: a plain load, not a nofault copy.  Another kprobe's BRK is
 * not looked through: the decode table refuses every instruction that
 * opens or closes an exclusive window (the host test decode-excl-group
 * checks it), so the instruction under a BRK is never one.
 */
static int read_text_cb(void *ctx, unsigned long addr, u32 *insn)
{
	*insn = le32_to_cpu(READ_ONCE(*(__le32 *)addr));
	return 0;
}

/* Is @addr inside an LDXR..STXR window?  Not looked for before the symbol. */
static bool in_exclusive_window(unsigned long addr)
{
	const __le32 *text = (const __le32 *)addr;
	unsigned long size, offset;
	unsigned int i, n;

	if (!kallsyms_lookup_size_offset(addr, &size, &offset))
		offset = 0;
	n = min_t(unsigned long, PROBE_EXCL_WINDOW_SCAN, offset / AARCH64_INSN_SIZE);
	/* most functions have no load/store-exclusive: decode nothing then */
	for (i = 1; i <= n; i++) {
		u32 insn = le32_to_cpu(READ_ONCE(*(text - i)));

		if ((insn & PROBE_EXCL_GROUP_MASK) == PROBE_EXCL_GROUP_VALUE)
			return arm64_probe_in_excl_window(read_text_cb, NULL, addr, n,
							  PROBE_FOR_KERNEL);
	}
	return false;
}

/*
 * Write a slot that no CPU can be running: it is unused until it is
 * published.  Its two words are one aligned 64-bit store through the
 * text-poke mapping, then a clean and invalidate to PoU of its own lines
 * -- no IPI: a CPU reaches a slot only through the exception return of a
 * BRK handler, which is context synchronizing.
 */
static int write_slot(kprobe_opcode_t *slot, u32 insn, u32 next)
{
	__le32 le[MAX_INSN_SIZE] = { cpu_to_le32(insn), cpu_to_le32(next) };
	u64 val;
	int ret;

	BUILD_BUG_ON(sizeof(le) != sizeof(val));
	/* slots are MAX_INSN_SIZE words, allocated at multiples of that */
	if (WARN_ON_ONCE(!IS_ALIGNED((unsigned long)slot, sizeof(val))))
		return -EINVAL;
	memcpy(&val, le, sizeof(val));	/* the words' byte image, either endianness */
	ret = aarch64_insn_write_literal_u64(slot, val);
	if (ret)
		return ret;
	caches_clean_inval_pou((unsigned long)slot, (unsigned long)(slot + MAX_INSN_SIZE));
	return 0;
}

/*
 * Fill @slot for @p (see asm/kprobes.h for the layout): the instruction,
 * then a branch back to the next one if @boost (nothing has to run after
 * the instruction) and the branch reaches, else the BRK that ends a step.
 */
static int fill_slot(struct kprobe *p, kprobe_opcode_t *slot, bool boost)
{
	unsigned long back = (unsigned long)p->addr + AARCH64_INSN_SIZE;
	unsigned long from = (unsigned long)(slot + 1);
	long offset = (long)(back - from);
	u32 next = BRK64_OPCODE_KPROBES_SS;
	u32 branch;

	/*
	 * A slot out of range of its probe (a module far from the module
	 * area) is only stepped.  Checked here so that the branch generator
	 * does not log an error for every such probe.
	 */
	if (boost && offset >= -SZ_128M && offset < SZ_128M) {
		branch = aarch64_insn_gen_branch_imm(from, back, AARCH64_INSN_BRANCH_NOLINK);
		if (branch != AARCH64_BREAK_FAULT)
			next = branch;
	}
	return write_slot(slot, p->opcode, next);
}

static kprobe_opcode_t *new_slot(struct kprobe *p, bool boost, int *err)
{
	kprobe_opcode_t *slot = get_insn_slot();

	*err = -ENOMEM;
	if (!slot)
		return NULL;
	*err = fill_slot(p, slot, boost);
	if (*err) {
		free_insn_slot(slot, 0);
		return NULL;
	}
	return slot;
}

/*
 * Boost when nothing has to run after the instruction (no post_handler,
 * not simulated), unless its decode class forbids it (PROBE_CLS_STEP_ONLY).
 */
static bool may_boost(const struct kprobe *p, const struct probe_insn_decode *d)
{
	return !p->post_handler && !d->sim && !(d->cls->flags & PROBE_CLS_STEP_ONLY);
}

static int prepare_slot(struct kprobe *p, bool boost)
{
	int ret;

	p->ainsn.xol = new_slot(p, boost, &ret);
	return ret;
}

/*
 * With kCFI (CONFIG_CFI_CLANG), the word right before a function that may
 * be called indirectly is its type hash, which every indirect caller
 * reads and compares: data in the middle of text, that a BRK would turn
 * into a CFI failure.  Which functions have one is the compiler's choice.
 * With BTI, such a function must start with a landing pad for BLR (BTI c,
 * BTI jc, PACIASP, PACIBSP), so a word before anything else is never read
 * as a type; without BTI, the word before any symbol is refused.
 */
static bool kcfi_type_word(unsigned long addr)
{
	unsigned long size, offset, next = addr + AARCH64_INSN_SIZE;
	u32 insn;

	if (!IS_ENABLED(CONFIG_CFI_CLANG) ||
	    !kallsyms_lookup_size_offset(next, &size, &offset) || offset)
		return false;
	if (!IS_ENABLED(CONFIG_ARM64_BTI_KERNEL) || read_orig_insn(next, &insn))
		return true;
	return insn == aarch64_insn_gen_hint(AARCH64_INSN_HINT_BTIC) ||
	       insn == aarch64_insn_gen_hint(AARCH64_INSN_HINT_BTIJC) ||
	       insn == aarch64_insn_gen_hint(AARCH64_INSN_HINT_PACIASP) ||
	       insn == aarch64_insn_gen_hint(AARCH64_INSN_HINT_PACIBSP);
}

int arch_prepare_kprobe(struct kprobe *p)
{
	unsigned long addr = (unsigned long)p->addr;
	struct probe_insn_decode d;
	u32 insn;

	if (!IS_ALIGNED(addr, AARCH64_INSN_SIZE))
		return -EINVAL;
	if (kcfi_type_word(addr)) {
		pr_info_ratelimited("%pS: may be the kCFI type of %pS, not probed\n",
				    p->addr, (void *)(addr + AARCH64_INSN_SIZE));
		return -EINVAL;
	}
	if (read_orig_insn(addr, &insn))
		return -EFAULT;

	p->opcode = insn;
	p->ainsn.xol = NULL;
	p->ainsn.sim = NULL;

	/*
	 * An instruction with an exception-table entry expects its faults to
	 * be fixed up at its own address; out of line, or inside the BRK
	 * handler, the fixup would not be found.
	 */
	if (search_exception_tables(addr)) {
		pr_info_ratelimited("%pS: has an exception-table entry, not probed\n", p->addr);
		return -EINVAL;
	}

	if (arm64_probe_decode(insn, PROBE_FOR_KERNEL, &d) == PROBE_INSN_REJECT) {
		pr_info_ratelimited("%pS: %08x (%s) %s, not probed\n", p->addr, insn,
				    d.cls->name, d.cls->why);
		return -EINVAL;
	}
	if (in_exclusive_window(addr)) {
		pr_info_ratelimited("%pS: inside an LDXR/STXR window, not probed\n", p->addr);
		return -EINVAL;
	}

	/*
	 * A simulated instruction has no slot, even one that would be correct
	 * out of line: a boosted slot saves a few instructions per hit, but
	 * costs a text write to register it and, on a kernel with
	 * PREEMPT_COUNT, an RCU Tasks grace period to free it.
	 */
	if (d.action == PROBE_INSN_SIMULATE) {
		p->ainsn.sim = d.sim;
		return 0;
	}
	return prepare_slot(p, may_boost(p, &d));
}

/*
 * Concurrent modification and execution of an instruction is allowed by
 * the architecture when both the old and the new instruction are one of
 * B, BL, BRK, NOP or ISB (the probes never patch SVC/HVC/SMC); any other
 * change is made with the other CPUs held in stop_machine().
 */
static bool cmodx_safe(u32 insn)
{
	return aarch64_insn_is_b(insn) || aarch64_insn_is_bl(insn) ||
	       aarch64_insn_is_brk(insn) || insn == aarch64_insn_gen_nop() ||
	       aarch64_insn_is_isb(insn);
}

static void patch_insn(void *addr, u32 old, u32 new)
{
	if (cmodx_safe(old) && cmodx_safe(new))
		aarch64_insn_patch_text_nosync(addr, new);
	else
		aarch64_insn_patch_text(&addr, &new, 1);
}

void arch_arm_kprobe(struct kprobe *p)
{
#ifdef CONFIG_OPTPROBES
	/* optimized, and armed again before its unoptimization ran: see opt.c */
	if (arm64_optprobe_armed(p))
		return;
#endif
	patch_insn(p->addr, p->opcode, BRK64_OPCODE_KPROBES);
}

void arch_disarm_kprobe(struct kprobe *p)
{
	patch_insn(p->addr, BRK64_OPCODE_KPROBES, p->opcode);
}

/*
 * A slot that a task may still be in, waiting for the grace periods after
 * which no task is: see release_slot().
 */
struct slot_quarantine {
	struct llist_node node;
	kprobe_opcode_t *slot;
	bool rcu_done;
};

/*
 * A task can be in a boosted slot after the hit that sent it there is
 * over: an interrupt may come between the slot's instruction and its
 * branch back.  With CONFIG_PREEMPT_COUNT (every preemptible kernel, and
 * PREEMPT_NONE ones with lockdep or DEBUG_ATOMIC_SLEEP) that is not the
 * end of the RCU read-side section it would be otherwise: the tick reports
 * a quiescent state when it interrupts code with a zero preempt count, and
 * on a preemptible kernel the task may even be preempted there -- whatever
 * the count was at the hit, the instruction itself may drop it to zero
 * (the store of an inlined preempt_enable() or spin_unlock()).  RCU Tasks
 * waits for such a task: it is quiescent only after a voluntary context
 * switch, in user mode or idle.  Whether a hit entered the slot with IRQs
 * enabled is not known here, so every boosted slot waits for it.
 */
static bool slot_needs_rcu_tasks(const kprobe_opcode_t *slot)
{
	return IS_ENABLED(CONFIG_PREEMPT_COUNT) && slot_boosts(slot);
}

static LLIST_HEAD(slot_quarantine_list);
static atomic_t slots_in_quarantine = ATOMIC_INIT(0);

/*
 * Free every slot quarantined so far after one wait for each grace period
 * any of them needs: unregistering 1,000 probes costs one work item and
 * one RCU Tasks grace period, not 1,000 callbacks and work items that keep
 * another CPU busy (and each stop_machine() of the next registrations
 * waiting for it).  Slots quarantined meanwhile queue the work again.
 */
static void slot_quarantine_free(struct work_struct *work)
{
	struct llist_node *batch = llist_del_all(&slot_quarantine_list);
	struct slot_quarantine *q, *t;
	bool rcu = false, tasks = false;
	int n = 0;

	llist_for_each_entry(q, batch, node) {
		rcu |= !q->rcu_done;
		tasks |= slot_needs_rcu_tasks(q->slot);
	}
	if (rcu)
		synchronize_rcu();
	if (tasks)
		synchronize_rcu_tasks();
	llist_for_each_entry_safe(q, t, batch, node) {
		free_insn_slot(q->slot, 0);
		kfree(q);
		n++;
	}
	atomic_sub(n, &slots_in_quarantine);
}

static DECLARE_WORK(slot_quarantine_work, slot_quarantine_free);

/*
 * Free @slot, which no CPU can enter from the BRK handler any more.  If
 * @rcu_done, an RCU grace period has passed since then (no CPU is still in
 * the handler, where IRQs are masked); else one is waited for first.  @q is
 * preallocated by the caller, or NULL (then the waits are made here).  A
 * slot that needs neither wait is freed by the caller itself.
 */
static void release_slot(kprobe_opcode_t *slot, struct slot_quarantine *q, bool rcu_done)
{
	if (!q) {
		if (!rcu_done)
			synchronize_rcu();
		synchronize_rcu_tasks();
		free_insn_slot(slot, 0);
		return;
	}
	q->slot = slot;
	q->rcu_done = rcu_done;
	atomic_inc(&slots_in_quarantine);
	llist_add(&q->node, &slot_quarantine_list);
	queue_work(system_unbound_wq, &slot_quarantine_work);
}

void arch_remove_kprobe(struct kprobe *p)
{
	kprobe_opcode_t *slot = p->ainsn.xol;

	if (!slot)
		return;
	p->ainsn.xol = NULL;
	/* The core disarmed the probe and waited for an RCU grace period. */
	if (!slot_needs_rcu_tasks(slot))
		free_insn_slot(slot, 0);
	else
		release_slot(slot, kmalloc(sizeof(struct slot_quarantine), GFP_KERNEL), true);
}

/**
 * arch_prepare_kprobe_post_handler() - a probe gains its first post_handler
 * @ap: the aggregate probe, live and possibly armed
 *
 * A boosted slot branches back by itself, so nothing runs after the
 * instruction: give @ap a slot that ends with a step's BRK instead (a
 * simulated instruction has no slot: the simulation runs the
 * post_handler).  A hit reads the slot pointer once and the slot says
 * what it is, so hits during the change use either slot correctly; the
 * old one is released once no hit can still be using it, without waiting
 * here.  A hit that still uses the old slot runs no post_handler: it is
 * one of the hits before the new probe was registered.  Called by the core under kprobe_mutex and
 * text_mutex, before it copies the slot into the new probe.
 *
 * Return: 0, or -ENOMEM (the new probe is then not registered).
 */
int arch_prepare_kprobe_post_handler(struct kprobe *ap)
{
	kprobe_opcode_t *old = ap->ainsn.xol, *slot;
	struct slot_quarantine *q;
	struct kprobe *kp;
	int ret;

	if (!old || !slot_boosts(old))
		return 0;
	q = kmalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	slot = new_slot(ap, false, &ret);
	if (!slot) {
		kfree(q);
		return ret;
	}
	/* the slot's text is written (and cleaned to PoU) before it is seen */
	smp_store_release(&ap->ainsn.xol, slot);
	/* the probes of the aggregate hold copies of ainsn */
	list_for_each_entry(kp, &ap->list, list)
		kp->ainsn.xol = slot;
	release_slot(old, q, false);
	return 0;
}

int __init arch_init_kprobes(void)
{
	return 0;
}

#ifdef CONFIG_KRETPROBES
int arch_trampoline_kprobe(struct kprobe *p)
{
	return 0;
}
#endif

#if IS_ENABLED(CONFIG_ARM64_KPROBES_KUNIT_TEST)
/**
 * arm64_kprobe_retarget_for_test() - make an armed kprobe stand for another insn
 * @p: a registered, armed kprobe whose instruction was run out of line
 * @insn: the instruction it now replaces
 *
 * For the instruction-level tests only: they run thousands of encodings at
 * one probed address, writing each one there for the native run and the
 * kprobe's BRK back for the probed run, without a register/unregister
 * (and its stop_machine() and RCU grace period) per encoding.  The caller
 * makes sure no CPU runs the probed address meanwhile.
 *
 * Return: 0, or -EINVAL if the decode table refuses @insn.
 */
int arm64_kprobe_retarget_for_test(struct kprobe *p, u32 insn)
{
	struct probe_insn_decode d;

	if (!p->ainsn.xol ||
	    arm64_probe_decode(insn, PROBE_FOR_KERNEL, &d) == PROBE_INSN_REJECT)
		return -EINVAL;
	p->opcode = insn;
	p->ainsn.sim = d.sim;
	/* as arch_prepare_kprobe(): a simulated instruction leaves the slot unused */
	return fill_slot(p, p->ainsn.xol, may_boost(p, &d));
}
EXPORT_SYMBOL_IF_KUNIT(arm64_kprobe_retarget_for_test);

/**
 * arm64_kprobes_quarantine_drain_for_test() - free every quarantined slot
 *
 * For the tests only: waits for the RCU Tasks grace period of every slot
 * arch_remove_kprobe() put in quarantine, and for the work that frees it.
 *
 * Return: how many slots were in quarantine before the wait.
 */
int arm64_kprobes_quarantine_drain_for_test(void)
{
	int n = atomic_read(&slots_in_quarantine);

	/* the work may be running with a batch and queued for the next */
	while (atomic_read(&slots_in_quarantine))
		if (!flush_work(&slot_quarantine_work))
			usleep_range(100, 200);	/* not queued yet */
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(arm64_kprobes_quarantine_drain_for_test);

/**
 * arm64_kprobes_at_max_nest_for_test() - call a function with the probe
 *	state nested as deep as it goes
 * @running: the probe that seems to be running
 * @fn: the function
 * @arg: its argument
 *
 * For the tests only: with IRQs masked, this CPU's probe state says that
 * @running handles a hit KPROBE_NEST_MAX levels deep (a hit in the fault
 * path of a step, itself in ...).  A probe that @fn hits finds no room to
 * save that state.  The state of this CPU is restored afterwards.
 *
 * Return: true if @fn left the probe state as it found it, and wrote
 * nothing past the end of its nesting stack.
 */
bool arm64_kprobes_at_max_nest_for_test(struct kprobe *running,
					void (*fn)(void *), void *arg)
{
	struct kprobe_ctlblk *kcb, saved, deep;
	struct kprobe *cur;
	unsigned long flags;
	bool same;
	int i;

	/* pseudo-NMIs too: a hit in one must not see the half-made state */
	flags = local_daif_save();
	kcb = get_kprobe_ctlblk();
	saved = *kcb;
	cur = kprobe_running();
	memset(&deep, 0, sizeof(deep));
	deep.kprobe_status = KPROBE_REENTER;
	deep.nest = KPROBE_NEST_MAX;
	for (i = 0; i < KPROBE_NEST_MAX; i++) {
		deep.prev[i].kp = running;
		deep.prev[i].status = i ? KPROBE_REENTER : KPROBE_HIT_ACTIVE;
		deep.prev[i].saved_daif = PSR_I_BIT;
		deep.prev[i].saved_pmr = i;
	}
	memset(&deep.guard, 0x5a, sizeof(deep.guard));
	*kcb = deep;
	__this_cpu_write(current_kprobe, running);
	fn(arg);
	same = !memcmp(kcb, &deep, sizeof(deep)) && kprobe_running() == running;
	*kcb = saved;
	__this_cpu_write(current_kprobe, cur);
	local_daif_restore(flags);
	return same;
}
EXPORT_SYMBOL_IF_KUNIT(arm64_kprobes_at_max_nest_for_test);
#endif

/* ---- the hit path: everything below runs in the BRK exception ---- */

/*
 * A CPU on its way down runs kernel text after RCU has stopped watching it:
 * its idle task reports it dead to RCU (cpuhp_report_idle_dead()), then calls
 * smp_call_function_single() to tell the CPU that takes it down, cpu_die()
 * and the firmware.  A probe there is hit, but its handlers may not run: they
 * may use RCU (a kretprobe takes its instance from rethook, which reads the
 * handler under RCU and frees with call_rcu()), and RCU ignores this CPU --
 * lockdep says "RCU used illegally from offline CPU".  A CPU that cannot
 * boot does the same in cpu_die_early(), after it left cpu_present_mask.
 * (Coming up, a CPU runs secondary_start_kernel() and
 * rcutree_report_cpu_starting() before RCU watches it: both are blacklisted
 * in arch_populate_kprobe_blacklist().  So would be what those call with
 * CONFIG_DEBUG_VIRTUAL (__phys_addr_symbol()) or pseudo-NMI
 * (init_gic_priority_masking(), if not inlined): not handled.)
 *
 * Where RCU lets go is RCU's own business; the test here is a little wider
 * and uses what the hotplug code publishes: the idle task of a CPU that is
 * going down and has left cpu_online_mask, from when the idle task takes
 * over from the stopper that took the CPU down.  Such a hit runs its
 * instruction only and counts as missed, in the probe's nmissed and in
 * debugfs kprobes/missed_cpu_down, so that it can be told from other misses.
 *
 * What this does not close: the hit still finds its probe as every hit does
 * (get_kprobe(), and the nmissed count walks an aggregate's probes).  Text
 * changes cannot race with it -- arming, disarming and optimizing hold
 * cpus_read_lock(), which the hotplug writer holds while the CPU goes -- but
 * a probe unlinked with RCU and freed after synchronize_rcu() (an aggregate's
 * child, a neighbour in the hash chain) is not waited for on this CPU.  The
 * window is the few instructions from the BRK to the count.
 *
 * The callers test cpu_online() first; this is the rare case.
 */
static DEFINE_PER_CPU(unsigned long, missed_cpu_down);

/*
 * Must a hit on this offline CPU run no handler?  Called from the hit paths,
 * with IRQs masked, on a CPU that is not in cpu_online_mask.  True (and the
 * hit counted in kprobes/missed_cpu_down) if the CPU is going down, or failed
 * to come up, and this is its idle task.
 */
static bool __kprobes offline_miss(void)
{
	int cpu = raw_smp_processor_id();

	if (current->pid || (!cpu_dying(cpu) && cpu_present(cpu)))
		return false;
	__this_cpu_inc(missed_cpu_down);
	return true;
}

#ifdef CONFIG_OPTPROBES
/**
 * arm64_kprobe_offline_miss() - must a hit on this offline CPU run no handler?
 *
 * For the optimized path (opt.c): see offline_miss().
 *
 * Return: true if the handlers must not run.
 */
bool __kprobes arm64_kprobe_offline_miss(void)
{
	return offline_miss();
}
#endif

static int missed_cpu_down_get(void *data, u64 *val)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(missed_cpu_down, cpu));
	*val = sum;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(missed_cpu_down_fops, missed_cpu_down_get, NULL, "%llu\n");

/* in the core's kprobes/ directory (a late_initcall): hence _sync */
static int __init missed_cpu_down_init(void)
{
	struct dentry *dir = debugfs_lookup("kprobes", NULL);

	if (IS_ERR_OR_NULL(dir))
		return 0;
	debugfs_create_file_unsafe("missed_cpu_down", 0444, dir, NULL,
				   &missed_cpu_down_fops);
	dput(dir);
	return 0;
}
late_initcall_sync(missed_cpu_down_init);

/* Save the running probe's state for a nested hit; false if there is no room. */
static bool __kprobes push_kprobe(struct kprobe_ctlblk *kcb)
{
	struct prev_kprobe *prev;

	if (kcb->nest >= KPROBE_NEST_MAX)
		return false;
	prev = &kcb->prev[kcb->nest++];
	prev->kp = kprobe_running();
	prev->status = kcb->kprobe_status;
	prev->saved_daif = kcb->saved_daif;
	prev->saved_pmr = kcb->saved_pmr;
	return true;
}

/* The probe is done: back to the state of the probe it nested in, if any. */
static __always_inline void finish_kprobe(struct kprobe_ctlblk *kcb)
{
	struct prev_kprobe *prev;

	if (!kcb->nest) {
		__this_cpu_write(current_kprobe, NULL);
		return;
	}
	prev = &kcb->prev[--kcb->nest];
	__this_cpu_write(current_kprobe, prev->kp);
	kcb->kprobe_status = prev->status;
	kcb->saved_daif = prev->saved_daif;
	kcb->saved_pmr = prev->saved_pmr;
}

/*
 * Done, in a hit that nested in no other: the nesting stack is empty (it
 * only holds anything while a probe runs, and whatever the handlers hit
 * was popped on the way back), so there is nothing to restore.
 */
static __always_inline void finish_top_kprobe(struct kprobe **cur)
{
	*cur = NULL;
}

static __always_inline void run_post_handler(struct kprobe *p, struct pt_regs *regs,
					     struct kprobe_ctlblk *kcb)
{
	kprobe_post_handler_t post = p->post_handler;

	if (post) {
		kcb->kprobe_status = KPROBE_HIT_SSDONE;
		post(p, regs, 0);
	}
}

/*
 * A step runs with IRQs and FIQs masked in PSTATE.  With pseudo-NMI the
 * kernel's view of "interrupts disabled" is the priority mask saved in
 * pmr_save, not PSTATE.I: mark it masked too (the convention of
 * local_daif_mask()), or code that runs in the step's fault path would
 * take the stepping context for a preemptible one (kprobe_page_fault()
 * would not call us, and the fault handler could sleep in the step).
 */
static __always_inline void mask_for_step(struct pt_regs *regs, struct kprobe_ctlblk *kcb)
{
	u64 pstate = regs->pstate;

	kcb->saved_daif = pstate & (PSR_I_BIT | PSR_F_BIT);
	regs->pstate = pstate | PSR_I_BIT | PSR_F_BIT;
	if (system_uses_irq_prio_masking()) {
		kcb->saved_pmr = regs->pmr_save;
		regs->pmr_save = GIC_PRIO_IRQON | GIC_PRIO_PSR_I_SET;
	}
}

static __always_inline void unmask_after_step(struct pt_regs *regs, struct kprobe_ctlblk *kcb)
{
	regs->pstate = (regs->pstate & ~(u64)(PSR_I_BIT | PSR_F_BIT)) | kcb->saved_daif;
	if (system_uses_irq_prio_masking())
		regs->pmr_save = kcb->saved_pmr;
}

/*
 * Run the replaced instruction of @p, after its pre-handler (if any).
 * @reenter: @p was hit while another probe ran (its handlers do not run,
 * and the other's state is popped when @p is done); else the nesting stack
 * is empty.
 *
 * A boosted slot runs after the probe state is gone, which is why it is
 * only made for a probe without a post_handler (and replaced when one
 * comes, see arch_prepare_kprobe_post_handler()).  On a preemptible kernel
 * the task may be preempted between the slot's two instructions --
 * whatever preempt_count() is now, the instruction itself may drop it to
 * zero -- which is why boosted slots are freed only after an RCU Tasks
 * grace period there (release_slot()).
 */
static __always_inline void run_insn(struct kprobe *p, struct pt_regs *regs,
				     struct kprobe_ctlblk *kcb, struct kprobe **cur,
				     bool reenter)
{
	kprobe_opcode_t *slot = READ_ONCE(p->ainsn.xol);

	/* A boosted slot is the cheapest way out (two instructions). */
	if (slot && slot_boosts(slot)) {
		regs->pc = (unsigned long)slot;
		if (reenter)
			finish_kprobe(kcb);
		else
			finish_top_kprobe(cur);
		return;
	}

	if (p->ainsn.sim) {
		p->ainsn.sim(p->opcode, regs);
		if (reenter) {
			finish_kprobe(kcb);
		} else {
			run_post_handler(p, regs, kcb);
			finish_top_kprobe(cur);
		}
		return;
	}

	/* Step with IRQs and FIQs masked; the step's BRK brings us back. */
	if (!reenter)
		kcb->kprobe_status = KPROBE_HIT_SS;
	mask_for_step(regs, kcb);
	regs->pc = (unsigned long)slot;
}

/*
 * Too deeply nested to save the running probe's state: run the instruction
 * in a way that needs none, without its handlers.  Every out-of-line probe
 * has a boosted slot, unless it has a post_handler, its slot is out of
 * branch range or its instruction is step-only: such a probe cannot run
 * there.
 */
static int __kprobes run_insn_stateless(struct kprobe *p, struct pt_regs *regs)
{
	kprobe_opcode_t *slot = READ_ONCE(p->ainsn.xol);

	if (slot && slot_boosts(slot)) {
		regs->pc = (unsigned long)slot;
		return DBG_HOOK_HANDLED;
	}
	if (p->ainsn.sim) {
		p->ainsn.sim(p->opcode, regs);
		return DBG_HOOK_HANDLED;
	}
	return DBG_HOOK_ERROR;
}

/*
 * A probe hit inside a handler, a step, or the fault path of a step, or on
 * a CPU that is not online (offline_miss()).  Its handlers do
 * not run; its instruction does.  Out of line, so that the
 * common path saves fewer registers.
 */
static noinline int __kprobes kprobe_reenter(struct kprobe *p, struct pt_regs *regs,
					     struct kprobe_ctlblk *kcb)
{
	kprobes_inc_nmissed_count(p);
	if (!push_kprobe(kcb))
		return run_insn_stateless(p, regs);
	__this_cpu_write(current_kprobe, p);
	kcb->kprobe_status = KPROBE_REENTER;
	run_insn(p, regs, kcb, this_cpu_ptr(&current_kprobe), true);
	return DBG_HOOK_HANDLED;
}

/*
 * No probe at the BRK of @regs: it was disarmed and removed after this CPU took the
 * BRK.  Whatever is at the address now runs when we return.  The disarm
 * wrote the instruction before the probe left the hash table; order our
 * read of the text after our (missed) lookup so that we cannot see the old
 * BRK.
 */
static noinline int __kprobes kprobe_vanished(struct pt_regs *regs)
{
	unsigned long addr = instruction_pointer(regs);
	u32 insn;

	/* pairs with the disarm: text written before the probe left the table */
	smp_rmb();
	if (aarch64_insn_read((void *)addr, &insn) || insn != BRK64_OPCODE_KPROBES)
		return DBG_HOOK_HANDLED;
	return DBG_HOOK_ERROR;
}

/**
 * kprobe_hit_handler() - a kprobe's BRK was hit
 * @regs: registers at the BRK
 *
 * Runs the probe's pre-handler, then sends the CPU on to the replaced
 * instruction (see run_insn()).
 *
 * Return: DBG_HOOK_HANDLED, or DBG_HOOK_ERROR if there is no probe here.
 */
int __kprobes kprobe_hit_handler(struct pt_regs *regs)
{
	struct kprobe *p = get_kprobe((void *)instruction_pointer(regs));
	/* IRQs are masked here: this CPU's addresses hold over the calls */
	struct kprobe **cur = this_cpu_ptr(&current_kprobe);
	struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();

	if (unlikely(!p))
		return kprobe_vanished(regs);

	if (unlikely(*cur))
		return kprobe_reenter(p, regs, kcb);
	if (unlikely(!cpu_online(raw_smp_processor_id())) && offline_miss())
		return kprobe_reenter(p, regs, kcb);

	*cur = p;
	kcb->kprobe_status = KPROBE_HIT_ACTIVE;
	if (p->pre_handler && p->pre_handler(p, regs)) {
		/* The handler moved the PC itself: skip the instruction. */
		finish_top_kprobe(cur);
		return DBG_HOOK_HANDLED;
	}
	run_insn(p, regs, kcb, cur, false);
	return DBG_HOOK_HANDLED;
}

/**
 * kprobe_step_handler() - the BRK after a stepped instruction was hit
 * @regs: registers at the BRK, in the running probe's slot
 *
 * Restores the interrupt mask of the probed context, moves the PC to the
 * instruction after the probe and runs the post-handler.
 *
 * Return: DBG_HOOK_HANDLED, or DBG_HOOK_ERROR if no step of ours ends here.
 */
int __kprobes kprobe_step_handler(struct pt_regs *regs)
{
	struct kprobe **cur = this_cpu_ptr(&current_kprobe);
	struct kprobe *p = *cur;
	struct kprobe_ctlblk *kcb;
	kprobe_opcode_t *slot;

	if (unlikely(!p))
		return DBG_HOOK_ERROR;
	slot = READ_ONCE(p->ainsn.xol);
	if (unlikely(!slot || instruction_pointer(regs) != (unsigned long)(slot + 1)))
		return DBG_HOOK_ERROR;

	kcb = get_kprobe_ctlblk();
	unmask_after_step(regs, kcb);
	regs->pc = (unsigned long)p->addr + AARCH64_INSN_SIZE;
	if (unlikely(kcb->kprobe_status == KPROBE_REENTER)) {
		/* a step in a nested hit: no handlers, back to the outer probe */
		finish_kprobe(kcb);
		return DBG_HOOK_HANDLED;
	}
	run_post_handler(p, regs, kcb);
	finish_top_kprobe(cur);
	return DBG_HOOK_HANDLED;
}

/**
 * kprobe_fault_handler() - a fault was taken while a kprobe was running
 * @regs: registers at the fault
 * @fsr: the fault's ESR
 *
 * A fault of the stepped instruction is turned into a fault at the probed
 * address: the probe state is dropped, the interrupt mask of the probed
 * context comes back, and the fault handler goes on as if the instruction
 * had faulted in place.  If the fault is resolved, the instruction is
 * retried there, which hits the probe again.
 *
 * Return: 0, the fault is never consumed here.
 */
int __kprobes kprobe_fault_handler(struct pt_regs *regs, unsigned int fsr)
{
	struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();
	struct kprobe *p = kprobe_running();

	if (!p || !p->ainsn.xol)
		return 0;
	if (kcb->kprobe_status != KPROBE_HIT_SS && kcb->kprobe_status != KPROBE_REENTER)
		return 0;
	if (instruction_pointer(regs) != (unsigned long)READ_ONCE(p->ainsn.xol))
		return 0;

	regs->pc = (unsigned long)p->addr;
	unmask_after_step(regs, kcb);
	finish_kprobe(kcb);
	/* Handle the fault with the interrupt mask it would have had in place. */
	local_daif_inherit(regs);
	return 0;
}

/*
 * Code that runs with the probe machinery in an inconsistent state, that
 * the probe path itself uses, or that runs from another mapping (or with
 * the MMU off) where a BRK or a slot would not be what it expects.
 */
struct text_area {
	const char *start, *end;
};

int __init arch_populate_kprobe_blacklist(void)
{
	static const struct text_area areas[] __initconst = {
		{ __entry_text_start, __entry_text_end },
		{ __irqentry_text_start, __irqentry_text_end },
		{ __hyp_idmap_text_start, __hyp_idmap_text_end },
		{ __hyp_text_start, __hyp_text_end },
		/*
		 * These live in .rodata.text, outside the kernel text that the
		 * core lets a probe go on at all: listed so that a change of
		 * the linker script cannot make them probe-able unnoticed.
		 */
		{ __idmap_text_start, __idmap_text_end },
#ifdef CONFIG_HIBERNATION
		{ __hibernate_exit_text_start, __hibernate_exit_text_end },
#endif
#ifdef CONFIG_KEXEC_CORE
		{ __relocate_new_kernel_start, __relocate_new_kernel_end },
#endif
#ifdef CONFIG_UNMAP_KERNEL_AT_EL0
		{ __entry_tramp_text_start, __entry_tramp_text_end },
#endif
#ifdef CONFIG_OPTPROBES
		/* the detours of optimized probes (opt.c) */
		{ arm64_optprobe_pool, arm64_optprobe_pool + ARM64_OPTPROBE_POOL_SIZE },
#endif
	};
	/*
	 * A CPU coming up runs these before RCU watches that CPU, and a
	 * handler may use RCU (see offline_miss()).
	 */
	static void * const before_rcu[] __initconst = {
		secondary_start_kernel,
		rcutree_report_cpu_starting,
	};
	int i, err, ret = 0;

	for (i = 0; i < ARRAY_SIZE(before_rcu); i++) {
		err = kprobe_add_ksym_blacklist((unsigned long)before_rcu[i]);
		if (err < 0 && !ret)
			ret = err;
	}
	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		unsigned long start = (unsigned long)areas[i].start;
		unsigned long end = (unsigned long)areas[i].end;

		if (start == end)
			continue;
		/* Not kernel text: register_kprobe() refuses it already. */
		if (!core_kernel_text(start) && !core_kernel_text(end - 1))
			continue;
		err = kprobe_add_area_blacklist(start, end);
		if (err && !ret)
			ret = err;
	}
	return ret;
}
