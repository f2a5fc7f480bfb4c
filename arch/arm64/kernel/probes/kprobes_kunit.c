// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the arm64 kprobes: what a probe does to the instruction it
 * replaces, where it must refuse to go, and how it recovers from nesting
 * and faults.  The probed instructions are in kprobes_kunit_asm.S.
 */

#include <kunit/test.h>
#include <linux/cpufeature.h>
#include <linux/delay.h>
#include <linux/extable.h>
#include <linux/hw_breakpoint.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/uaccess.h>

#include <asm/debug-monitors.h>
#include <asm/exception.h>
#include <asm/memory.h>
#include <asm/neon.h>
#include <asm/ptrace.h>
#include <asm/sections.h>
#include <asm/sysreg.h>
#include <asm/virt.h>

#include "kprobes_kunit.h"

/* ---- a probe that counts its hits ---- */
struct counted {
	struct kprobe kp;
	int pre, post;
	struct task_struct *task;	/* only count hits of this task */
};

static int counted_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct counted *c = container_of(kp, struct counted, kp);

	if (current == c->task)
		c->pre++;
	return 0;
}

static void counted_post(struct kprobe *kp, struct pt_regs *regs, unsigned long flags)
{
	struct counted *c = container_of(kp, struct counted, kp);

	if (current == c->task)
		c->post++;
}

/* Does the probe run from a boosted slot (see asm/kprobes.h)? */
static bool boosted(const struct kprobe *kp)
{
	const __le32 *slot = (const __le32 *)kp->ainsn.xol;

	return slot && le32_to_cpu(slot[1]) != BRK64_OPCODE_KPROBES_SS;
}

static void counted_init(struct counted *c, unsigned long addr, bool post)
{
	memset(c, 0, sizeof(*c));
	c->kp.addr = (kprobe_opcode_t *)addr;
	c->kp.pre_handler = counted_pre;
	if (post)
		c->kp.post_handler = counted_post;
	c->task = current;
}

/* ---- SIMD&FP literal loads ---- */
struct fp_case {
	const char *name;
	u64 (*fn)(u64 *hi);
	const unsigned long *site;
};

static const struct fp_case fp_cases[] = {
	{ "s0", kpt_fp_lit_s0, &kpt_site_fp_lit_s0 },
	{ "s1", kpt_fp_lit_s1, &kpt_site_fp_lit_s1 },
	{ "s7", kpt_fp_lit_s7, &kpt_site_fp_lit_s7 },
	{ "s8", kpt_fp_lit_s8, &kpt_site_fp_lit_s8 },
	{ "s16", kpt_fp_lit_s16, &kpt_site_fp_lit_s16 },
	{ "s31", kpt_fp_lit_s31, &kpt_site_fp_lit_s31 },
	{ "d0", kpt_fp_lit_d0, &kpt_site_fp_lit_d0 },
	{ "d1", kpt_fp_lit_d1, &kpt_site_fp_lit_d1 },
	{ "d7", kpt_fp_lit_d7, &kpt_site_fp_lit_d7 },
	{ "d8", kpt_fp_lit_d8, &kpt_site_fp_lit_d8 },
	{ "d16", kpt_fp_lit_d16, &kpt_site_fp_lit_d16 },
	{ "d31", kpt_fp_lit_d31, &kpt_site_fp_lit_d31 },
	{ "q0", kpt_fp_lit_q0, &kpt_site_fp_lit_q0 },
	{ "q1", kpt_fp_lit_q1, &kpt_site_fp_lit_q1 },
	{ "q7", kpt_fp_lit_q7, &kpt_site_fp_lit_q7 },
	{ "q8", kpt_fp_lit_q8, &kpt_site_fp_lit_q8 },
	{ "q16", kpt_fp_lit_q16, &kpt_site_fp_lit_q16 },
	{ "q31", kpt_fp_lit_q31, &kpt_site_fp_lit_q31 },
};

static u64 run_fp(const struct fp_case *c, u64 *hi)
{
	u64 lo;

	kernel_neon_begin();
	lo = c->fn(hi);
	kernel_neon_end();
	return lo;
}

static void test_fp_literal(struct kunit *test)
{
	/* What each size must load from the literal 0x0123...ef, 0xfedc...10 */
	static const u64 want_lo[] = { 0x89abcdef, 0x0123456789abcdef, 0x0123456789abcdef };
	static const u64 want_hi[] = { 0, 0, 0xfedcba9876543210 };
	struct counted c;
	int i;

	for (i = 0; i < ARRAY_SIZE(fp_cases); i++) {
		const struct fp_case *fc = &fp_cases[i];
		u64 lo0, hi0 = 1, lo1, hi1 = 1;

		lo0 = run_fp(fc, &hi0);
		KUNIT_EXPECT_EQ_MSG(test, lo0, want_lo[i / 6], "%s without a probe", fc->name);
		KUNIT_EXPECT_EQ_MSG(test, hi0, want_hi[i / 6], "%s without a probe", fc->name);

		counted_init(&c, *fc->site, false);
		KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
		lo1 = run_fp(fc, &hi1);
		unregister_kprobe(&c.kp);

		KUNIT_EXPECT_EQ_MSG(test, c.pre, 1, "%s", fc->name);
		KUNIT_EXPECT_EQ_MSG(test, lo1, lo0, "LDR %s (literal) under a probe", fc->name);
		KUNIT_EXPECT_EQ_MSG(test, hi1, hi0, "LDR %s (literal) under a probe", fc->name);
	}
}

/* ---- reads of PSTATE and of current ---- */
static void test_mrs_daif(struct kunit *test)
{
	unsigned long flags;
	u64 on0, off0, on1, off1;
	struct counted c;

	on0 = kpt_mrs_daif();
	local_irq_save(flags);
	off0 = kpt_mrs_daif();
	local_irq_restore(flags);

	counted_init(&c, kpt_site_mrs_daif, true);
	KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
	on1 = kpt_mrs_daif();
	local_irq_save(flags);
	off1 = kpt_mrs_daif();
	local_irq_restore(flags);
	unregister_kprobe(&c.kp);

	KUNIT_EXPECT_EQ(test, c.pre, 2);
	KUNIT_EXPECT_EQ(test, c.post, 2);
	KUNIT_EXPECT_FALSE(test, on0 & PSR_I_BIT);
	/* with pseudo-NMI, local_irq_save() masks by priority, not PSTATE.I */
	if (!system_uses_irq_prio_masking())
		KUNIT_EXPECT_TRUE(test, off0 & PSR_I_BIT);
	KUNIT_EXPECT_EQ(test, on1, on0);
	KUNIT_EXPECT_EQ(test, off1, off0);
}

static void test_mrs_nzcv(struct kunit *test)
{
	static const u64 pairs[][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 0, ~0ULL },
					{ 1ULL << 63, 1 } };
	struct counted c;
	u64 want[ARRAY_SIZE(pairs)];
	int i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		want[i] = kpt_mrs_nzcv(pairs[i][0], pairs[i][1]);
	counted_init(&c, kpt_site_mrs_nzcv, false);
	KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		KUNIT_EXPECT_EQ(test, kpt_mrs_nzcv(pairs[i][0], pairs[i][1]), want[i]);
	unregister_kprobe(&c.kp);
	KUNIT_EXPECT_EQ(test, c.pre, (int)ARRAY_SIZE(pairs));
}

static void test_mrs_sp_el0(struct kunit *test)
{
	struct counted c;
	u64 v;

	counted_init(&c, kpt_site_mrs_sp_el0, false);
	KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
	v = kpt_mrs_sp_el0();
	unregister_kprobe(&c.kp);
	KUNIT_EXPECT_EQ(test, c.pre, 1);
	KUNIT_EXPECT_EQ(test, v, (u64)current);
}

/* ---- exclusive windows ---- */
static void test_exclusive_window(struct kunit *test)
{
	const unsigned long ok[] = { kpt_site_ldar, kpt_site_after_ldar, kpt_site_stlr,
				     kpt_site_after_stxr, kpt_site_ldadd, kpt_site_cas,
				     kpt_site_after_cas };
	const unsigned long refused[] = { kpt_site_ldxr, kpt_site_in_window, kpt_site_stxr };
	struct counted c[ARRAY_SIZE(ok)];
	u64 v0 = 0, v1 = 0, r0, r1;
	struct kprobe kp;
	int i;

	r0 = kpt_atomics(&v0);
	KUNIT_EXPECT_EQ(test, r0, 100);

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		memset(&kp, 0, sizeof(kp));
		kp.addr = (kprobe_opcode_t *)refused[i];
		KUNIT_EXPECT_EQ_MSG(test, register_kprobe(&kp), -EINVAL, "%pS", kp.addr);
	}
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		counted_init(&c[i], ok[i], false);
		KUNIT_EXPECT_EQ_MSG(test, register_kprobe(&c[i].kp), 0, "%pS", (void *)ok[i]);
	}
	r1 = kpt_atomics(&v1);
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		unregister_kprobe(&c[i].kp);
		KUNIT_EXPECT_EQ_MSG(test, c[i].pre, 1, "%pS", (void *)ok[i]);
	}
	KUNIT_EXPECT_EQ(test, r1, r0);
	KUNIT_EXPECT_EQ(test, v1, v0);
}

/* ---- out of line, with and without a post-handler ---- */
static void test_xol(struct kunit *test)
{
	struct counted c;
	int post;

	for (post = 0; post <= 1; post++) {
		counted_init(&c, kpt_site_xol_add, post);
		KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
		KUNIT_EXPECT_EQ(test, kpt_xol_add(5, 7), 19);
		KUNIT_EXPECT_EQ(test, kpt_xol_add(~0ULL, 1), 1);
		unregister_kprobe(&c.kp);
		KUNIT_EXPECT_EQ(test, c.pre, 2);
		KUNIT_EXPECT_EQ(test, c.post, post ? 2 : 0);
	}
}

/*
 * ---- boosted slots and preemption ----
 * On a preemptible kernel a task may be preempted between a boosted
 * slot's instruction and its branch back -- even from a preempt-disabled
 * section, since the instruction may be the store of a preempt_enable() --
 * and with CONFIG_PREEMPT_COUNT an interrupt there may end an RCU grace
 * period.  QEMU's TCG cannot deliver an interrupt between those two
 * instructions (they are one translation block), so this tests the rule
 * that keeps such a task safe: with CONFIG_PREEMPT_COUNT, a boosted slot
 * does not go back to the slot cache before an RCU Tasks grace period,
 * whatever context hit it.
 */
static kprobe_opcode_t *hit_and_remove(struct kunit *test, bool irqs_off, bool preempt_off)
{
	kprobe_opcode_t *slot;
	unsigned long flags;
	struct counted c;

	counted_init(&c, kpt_site_xol_add, false);
	KUNIT_EXPECT_EQ(test, register_kprobe(&c.kp), 0);
	slot = c.kp.ainsn.xol;
	KUNIT_EXPECT_TRUE(test, boosted(&c.kp));
	if (irqs_off)
		local_irq_save(flags);
	if (preempt_off)
		preempt_disable();
	KUNIT_EXPECT_EQ(test, kpt_xol_add(5, 7), 19);
	if (preempt_off)
		preempt_enable();
	if (irqs_off)
		local_irq_restore(flags);
	unregister_kprobe(&c.kp);
	KUNIT_EXPECT_EQ(test, c.pre, 1);
	return slot;
}

/* The slot the next probe on a stepped load gets (and gives back at once). */
static kprobe_opcode_t *next_slot(struct kunit *test)
{
	kprobe_opcode_t *slot;
	struct counted c;

	counted_init(&c, kpt_site_load, false);
	KUNIT_EXPECT_EQ(test, register_kprobe(&c.kp), 0);
	slot = c.kp.ainsn.xol;
	unregister_kprobe(&c.kp);
	return slot;
}

static void test_boost_slot_lifetime(struct kunit *test)
{
	static const struct { const char *ctx; bool irqs_off, preempt_off; } cases[] = {
		{ "preemptible", false, false },
		{ "preemption disabled, IRQs on", false, true },
		{ "IRQs masked", true, false },
	};
	bool preemptible = IS_ENABLED(CONFIG_PREEMPT_COUNT);
	kprobe_opcode_t *slot;
	int i, n;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool kept = preemptible;

		arm64_kprobes_quarantine_drain_for_test();
		slot = hit_and_remove(test, cases[i].irqs_off, cases[i].preempt_off);
		if (kept)
			KUNIT_EXPECT_PTR_NE_MSG(test, next_slot(test), slot,
						"%s: boosted slot reused before RCU Tasks",
						cases[i].ctx);
		else
			KUNIT_EXPECT_PTR_EQ_MSG(test, next_slot(test), slot,
						"%s: slot not reused at once", cases[i].ctx);
		/*
		 * next_slot() slept (unregister waits for RCU), so the grace
		 * period may be over already: only "nothing in quarantine"
		 * is certain.
		 */
		n = arm64_kprobes_quarantine_drain_for_test();
		if (!kept)
			KUNIT_EXPECT_EQ_MSG(test, n, 0, "%s", cases[i].ctx);
		/* after the grace period the slot is back: nothing leaks */
		KUNIT_EXPECT_PTR_EQ_MSG(test, next_slot(test), slot, "%s: slot leaked",
					cases[i].ctx);
	}
}

/*
 * ---- a post-handler joins a boosted probe ----
 * The first probe has no post-handler, so its slot branches back by
 * itself; a second probe at the same address brings one, which must run
 * from then on -- while another CPU keeps running the probed code.
 */
static atomic_t join_bad;
static atomic_long_t join_calls;

static int join_runner(void *unused)
{
	u64 i = 0;

	while (!kthread_should_stop()) {
		if (kpt_xol_add(i, 3) != i + 6)
			atomic_inc(&join_bad);
		atomic_long_inc(&join_calls);
		i++;
		/*
		 * Sleep now and then: an RCU Tasks grace period waits for a
		 * voluntary context switch, which cond_resched() is not on a
		 * preempt=full kernel.
		 */
		if (!(i & 1023))
			usleep_range(10, 20);
	}
	return 0;
}

/* Wait until runners on other CPUs made @n more @calls; false if they are stuck. */
static bool calls_wait(atomic_long_t *calls, long n)
{
	long target = atomic_long_read(calls) + n;
	unsigned long deadline = jiffies + 30 * HZ;

	while (atomic_long_read(calls) < target) {
		if (time_after(jiffies, deadline))
			return false;
		usleep_range(100, 200);
	}
	return true;
}

static bool join_wait(long n)
{
	return calls_wait(&join_calls, n);
}

static void test_post_handler_joins(struct kunit *test)
{
	bool preempt_count = IS_ENABLED(CONFIG_PREEMPT_COUNT);
	struct counted first, second;
	struct task_struct *t;
	kprobe_opcode_t *old;
	int cpu, ret;

	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	KUNIT_ASSERT_LT_MSG(test, cpu, nr_cpu_ids, "needs a second CPU to run the probed code");
	counted_init(&first, kpt_site_xol_add, false);
	counted_init(&second, kpt_site_xol_add, true);
	atomic_set(&join_bad, 0);
	atomic_long_set(&join_calls, 0);
	arm64_kprobes_quarantine_drain_for_test();

	KUNIT_ASSERT_EQ(test, register_kprobe(&first.kp), 0);
	old = first.kp.ainsn.xol;
	KUNIT_EXPECT_TRUE(test, boosted(&first.kp));
	t = kthread_create(join_runner, NULL, "kpt_join");
	if (IS_ERR(t)) {
		unregister_kprobe(&first.kp);
		KUNIT_FAIL(test, "no thread: %ld", PTR_ERR(t));
		return;
	}
	kthread_bind(t, cpu);
	wake_up_process(t);
	/* the other CPU runs through the boosted slot before and after the change */
	KUNIT_EXPECT_TRUE(test, join_wait(1000));
	ret = register_kprobe(&second.kp);
	KUNIT_EXPECT_EQ(test, ret, 0);
	/*
	 * The old boosted slot waits for RCU (then RCU Tasks where a task can
	 * be left in it): it is not freed at once, and nothing waited for it
	 * in register_kprobe().  Then it is freed, while the runner goes on.
	 */
	if (!ret)
		KUNIT_EXPECT_GE(test, arm64_kprobes_quarantine_drain_for_test(), 1);
	KUNIT_EXPECT_TRUE(test, join_wait(1000));
	KUNIT_EXPECT_EQ(test, kpt_xol_add(5, 7), 19);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, second.pre, 1);
		KUNIT_EXPECT_EQ(test, second.post, 1);
		/* both probes hold the new slot, which ends with a step */
		KUNIT_EXPECT_PTR_EQ(test, first.kp.ainsn.xol, second.kp.ainsn.xol);
		KUNIT_EXPECT_PTR_NE(test, first.kp.ainsn.xol, old);
		KUNIT_EXPECT_FALSE(test, boosted(&second.kp));
		/* the post-handler goes: the slot keeps working */
		unregister_kprobe(&second.kp);
	}
	KUNIT_EXPECT_EQ(test, kpt_xol_add(1, 1), 3);
	kthread_stop(t);
	unregister_kprobe(&first.kp);
	KUNIT_EXPECT_EQ(test, first.pre, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&join_bad), 0);
	/* the old slot was freed, not leaked */
	KUNIT_EXPECT_PTR_EQ_MSG(test, next_slot(test), old, "old slot leaked (%s)",
				preempt_count ? "PREEMPT_COUNT" : "no PREEMPT_COUNT");
}

/* The same for a simulated instruction, which has no slot before or after. */
static void test_post_handler_joins_sim(struct kunit *test)
{
	struct counted first, second;
	int ret;

	counted_init(&first, kpt_site_nested, false);
	counted_init(&second, kpt_site_nested, true);
	KUNIT_ASSERT_EQ(test, register_kprobe(&first.kp), 0);
	KUNIT_EXPECT_TRUE(test, first.kp.ainsn.sim);
	KUNIT_EXPECT_NULL(test, first.kp.ainsn.xol);
	KUNIT_EXPECT_EQ(test, kpt_nested_target(1), 4);
	ret = register_kprobe(&second.kp);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, kpt_nested_target(2), 5);
		KUNIT_EXPECT_NULL(test, first.kp.ainsn.xol);
		KUNIT_EXPECT_NULL(test, second.kp.ainsn.xol);
		KUNIT_EXPECT_EQ(test, second.pre, 1);
		KUNIT_EXPECT_EQ(test, second.post, 1);
		unregister_kprobe(&second.kp);
	}
	unregister_kprobe(&first.kp);
	KUNIT_EXPECT_EQ(test, first.pre, 2);
}

/*
 * ---- kretprobes: the registers a return handler sees ----
 * The same as an exception at the return address would have saved: mode,
 * PAN, the interrupt mask (DAIF, and the priority mask with pseudo-NMI),
 * no syscall, orig_x0 = x0.
 */
static struct {
	int hits;
	u64 x0, orig_x0, pstate;
	int syscallno;
	bool irqs_on, user, masked;
} ret_seen;

static int ret_regs_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	ret_seen.hits++;
	ret_seen.x0 = regs->regs[0];
	ret_seen.orig_x0 = regs->orig_x0;
	ret_seen.pstate = regs->pstate;
	ret_seen.syscallno = regs->syscallno;
	ret_seen.irqs_on = interrupts_enabled(regs);
	ret_seen.user = user_mode(regs);
	/* handlers run masked, as in the BRK handler (rethook.c) */
	ret_seen.masked = irqs_disabled();
	return 0;
}

static void test_kretprobe_regs(struct kunit *test)
{
	struct kretprobe rp = {
		.kp.addr = (kprobe_opcode_t *)kpt_xol_add,
		.handler = ret_regs_handler,
		.maxactive = 4,
	};
	u64 mode = is_kernel_in_hyp_mode() ? PSR_MODE_EL2h : PSR_MODE_EL1h;
	u64 pan = system_uses_hw_pan() ? read_sysreg_s(SYS_PSTATE_PAN) & PSR_PAN_BIT : 0;
	unsigned long flags;
	int irqs_off;

	KUNIT_ASSERT_EQ(test, register_kretprobe(&rp), 0);
	for (irqs_off = 0; irqs_off <= 1; irqs_off++) {
		memset(&ret_seen, 0, sizeof(ret_seen));
		ret_seen.syscallno = 12345;
		if (irqs_off)
			local_irq_save(flags);
		KUNIT_EXPECT_EQ(test, kpt_xol_add(5, 7), 19);
		if (irqs_off)
			local_irq_restore(flags);
		KUNIT_EXPECT_EQ(test, ret_seen.hits, 1);
		KUNIT_EXPECT_EQ(test, ret_seen.x0, 19);
		KUNIT_EXPECT_EQ(test, ret_seen.orig_x0, 19);
		KUNIT_EXPECT_EQ(test, ret_seen.syscallno, NO_SYSCALL);
		KUNIT_EXPECT_EQ(test, ret_seen.pstate & PSR_MODE_MASK, mode);
		KUNIT_EXPECT_EQ(test, ret_seen.pstate & PSR_PAN_BIT, pan);
		KUNIT_EXPECT_EQ(test, ret_seen.irqs_on, !irqs_off);
		KUNIT_EXPECT_FALSE(test, ret_seen.user);
		KUNIT_EXPECT_TRUE(test, ret_seen.masked);
	}
	unregister_kretprobe(&rp);
}

/* ---- nesting: a probe hit inside a handler is counted as missed ---- */
static struct counted nest_outer, nest_inner;
static u64 nest_result;

static int nest_outer_pre(struct kprobe *kp, struct pt_regs *regs)
{
	counted_pre(kp, regs);
	nest_result += kpt_nested_target(10);
	return 0;
}

static void nest_outer_post(struct kprobe *kp, struct pt_regs *regs, unsigned long flags)
{
	counted_post(kp, regs, flags);
	nest_result += kpt_nested_target(100);
}

static void test_nested_handlers(struct kunit *test)
{
	counted_init(&nest_outer, kpt_site_xol_add, true);
	nest_outer.kp.pre_handler = nest_outer_pre;
	nest_outer.kp.post_handler = nest_outer_post;
	counted_init(&nest_inner, kpt_site_nested, true);
	nest_result = 0;

	KUNIT_ASSERT_EQ(test, register_kprobe(&nest_inner.kp), 0);
	KUNIT_ASSERT_EQ(test, register_kprobe(&nest_outer.kp), 0);
	KUNIT_EXPECT_EQ(test, kpt_xol_add(1, 1), 3);
	/* A hit from outside any handler still runs the handlers. */
	KUNIT_EXPECT_EQ(test, kpt_nested_target(1), 4);
	unregister_kprobe(&nest_outer.kp);
	unregister_kprobe(&nest_inner.kp);

	KUNIT_EXPECT_EQ(test, nest_outer.pre, 1);
	KUNIT_EXPECT_EQ(test, nest_outer.post, 1);
	KUNIT_EXPECT_EQ(test, nest_result, 13 + 103);
	KUNIT_EXPECT_EQ(test, nest_inner.pre, 1);
	KUNIT_EXPECT_EQ(test, nest_inner.post, 1);
	KUNIT_EXPECT_EQ(test, nest_inner.kp.nmissed, 2UL);
}

/*
 * Nesting inside a step: a watchpoint on the data the stepped load reads
 * fires while the step runs (IRQs masked, kprobe status HIT_SS), and the
 * perf handler it runs hits a second probe.
 */
static u64 watched_word = 0x5a5a5a5a12345678ULL;
static struct counted step_outer, step_inner;

static void test_nested_in_step(struct kunit *test)
{
	struct perf_event * __percpu *wp;
	struct perf_event_attr attr;
	u64 v;

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)&watched_word;
	attr.bp_len = HW_BREAKPOINT_LEN_8;
	attr.bp_type = HW_BREAKPOINT_R;

	counted_init(&step_outer, kpt_site_load, true);	/* post-handler: stepped */
	memset(&step_inner, 0, sizeof(step_inner));
	step_inner.kp.symbol_name = "perf_event_output_forward";
	step_inner.kp.pre_handler = counted_pre;
	step_inner.task = current;

	KUNIT_ASSERT_EQ(test, register_kprobe(&step_inner.kp), 0);
	KUNIT_ASSERT_EQ(test, register_kprobe(&step_outer.kp), 0);
	wp = register_wide_hw_breakpoint(&attr, NULL, NULL);
	if (IS_ERR((void __force *)wp)) {
		unregister_kprobe(&step_outer.kp);
		unregister_kprobe(&step_inner.kp);
		KUNIT_FAIL(test, "no watchpoint: %ld", PTR_ERR((void __force *)wp));
		return;
	}
	v = kpt_load(&watched_word);
	unregister_wide_hw_breakpoint(wp);
	unregister_kprobe(&step_outer.kp);
	unregister_kprobe(&step_inner.kp);

	KUNIT_EXPECT_EQ(test, v, watched_word);
	KUNIT_EXPECT_EQ(test, step_outer.pre, 1);
	KUNIT_EXPECT_EQ(test, step_outer.post, 1);
	/* The watchpoint's perf handler ran inside the step: missed, not run. */
	KUNIT_EXPECT_EQ(test, step_inner.pre, 0);
	KUNIT_EXPECT_EQ(test, step_inner.kp.nmissed, 1UL);
}

/*
 * Nesting deeper than the saved state goes: the instruction of the probe
 * hit there still runs (simulated or by its boosted slot), its handlers do
 * not, the hit counts as missed and the state of the probes it nested in
 * stays as it was.
 */
static struct counted deep_add, deep_sim, deep_load;
static u64 deep_word = 0x0123456789abcdefULL;
static u64 deep_results[3];

static void deep_calls(void *unused)
{
	deep_results[0] = kpt_xol_add(1, 2);
	deep_results[1] = kpt_nested_target(4);
	deep_results[2] = kpt_load(&deep_word);
}

static void test_nest_overflow(struct kunit *test)
{
	struct counted *probes[] = { &deep_add, &deep_sim, &deep_load };
	struct kprobe running = { .addr = (kprobe_opcode_t *)kpt_site_load };
	int i;

	counted_init(&deep_add, kpt_site_xol_add, false);
	counted_init(&deep_sim, kpt_site_nested, true);
	counted_init(&deep_load, kpt_site_load, false);
	for (i = 0; i < ARRAY_SIZE(probes); i++)
		KUNIT_ASSERT_EQ(test, register_kprobe(&probes[i]->kp), 0);
	/* the post-handler of deep_sim must not run either */
	KUNIT_EXPECT_TRUE(test, deep_sim.kp.ainsn.sim);
	KUNIT_EXPECT_TRUE(test, boosted(&deep_add.kp));
	KUNIT_EXPECT_TRUE(test, boosted(&deep_load.kp));

	KUNIT_EXPECT_TRUE_MSG(test, arm64_kprobes_at_max_nest_for_test(&running, deep_calls, NULL),
			      "the probe state changed under a hit with no room to save it");
	for (i = 0; i < ARRAY_SIZE(probes); i++)
		unregister_kprobe(&probes[i]->kp);

	KUNIT_EXPECT_EQ(test, deep_results[0], 5);
	KUNIT_EXPECT_EQ(test, deep_results[1], 7);
	KUNIT_EXPECT_EQ(test, deep_results[2], deep_word);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		KUNIT_EXPECT_EQ(test, probes[i]->pre, 0);
		KUNIT_EXPECT_EQ(test, probes[i]->post, 0);
		KUNIT_EXPECT_EQ(test, probes[i]->kp.nmissed, 1UL);
	}
}

/* ---- a stepped load that faults restarts at the probe ---- */
static void test_fault_restart(struct kunit *test)
{
	unsigned long uaddr;
	struct counted c;
	u64 v;

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mapping");

	/* Post-handler: the load is stepped, and its first access faults. */
	counted_init(&c, kpt_site_user_load, true);
	KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
	v = kpt_user_load((const u64 __user *)uaddr);
	unregister_kprobe(&c.kp);

	KUNIT_EXPECT_EQ(test, v, 0);
	/* Hit, faulted in the slot, restarted at the probe, hit again. */
	KUNIT_EXPECT_EQ(test, c.pre, 2);
	KUNIT_EXPECT_EQ(test, c.post, 1);

	/* Now the page is there: one hit. */
	counted_init(&c, kpt_site_user_load, true);
	KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
	v = kpt_user_load((const u64 __user *)uaddr);
	unregister_kprobe(&c.kp);
	KUNIT_EXPECT_EQ(test, v, 0);
	KUNIT_EXPECT_EQ(test, c.pre, 1);

	/*
	 * Without a post-handler too: the fault of an unprivileged load may
	 * sleep, and a task asleep in a boosted slot or a detour would be
	 * quiescent for RCU and RCU Tasks there.  It is stepped, never optimized, and
	 * its fault restarts at the probe.  A fresh page faults again.
	 */
	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "no user mapping");
	counted_init(&c, kpt_site_user_load, false);
	KUNIT_ASSERT_EQ(test, register_kprobe(&c.kp), 0);
	KUNIT_EXPECT_TRUE(test, c.kp.ainsn.xol && !boosted(&c.kp));
#ifdef CONFIG_OPTPROBES
	KUNIT_EXPECT_FALSE(test, arm64_optprobe_optimized_for_test(&c.kp));
#endif
	v = kpt_user_load((const u64 __user *)uaddr);
	unregister_kprobe(&c.kp);
	KUNIT_EXPECT_EQ(test, v, 0);
	KUNIT_EXPECT_EQ(test, c.pre, 2);
}

/* ---- a probe on every instruction of a function ---- */
#define EVERY_MAX	64

struct every_fn {
	const char *name;
	void *fn;
	u64 (*run)(struct every_fn *e);
	u64 arg;
	int refuse;	/* places the design refuses: the LDXR..STXR window */
	/*
	 * With kCFI, also the final RET when the next function starts right
	 * after it: that word may be the next function's type hash.
	 */
	int cfi_refuse;
};

static u64 every_atomics(struct every_fn *e)
{
	unsigned long flags;
	u64 v = 5, r;

	/* no interrupt between LDXR and STXR: the loop runs once */
	local_irq_save(flags);
	r = kpt_atomics(&v);
	local_irq_restore(flags);
	return r;
}

static u64 every_calls(struct every_fn *e)
{
	return kpt_calls(e->arg);
}

static u64 every_nzcv(struct every_fn *e)
{
	return kpt_mrs_nzcv(e->arg, 7);
}

static u64 every_xol_add(struct every_fn *e)
{
	return kpt_xol_add(e->arg, 9);
}

static u64 every_fp(struct every_fn *e)
{
	u64 hi, lo;

	kernel_neon_begin();
	lo = kpt_fp_lit_q8(&hi);
	kernel_neon_end();
	return lo ^ hi;
}

/*
 * Probe every instruction from the function's start to its first RET, in
 * code where each of them runs exactly once per call: the function must
 * return what it returns without probes, and each accepted probe must fire
 * once.  Only the places of an exclusive window may be refused (and with
 * kCFI the word before the next function).
 */
static void test_every_instruction(struct kunit *test)
{
	struct every_fn fns[] = {
		/* kpt_calls's first RET is not its last instruction */
		{ "kpt_calls", kpt_calls, every_calls, 1000, 0, 0 },
		{ "kpt_atomics", kpt_atomics, every_atomics, 0, 3, 1 },
		{ "kpt_mrs_nzcv", kpt_mrs_nzcv, every_nzcv, 3, 0, 1 },
		{ "kpt_xol_add", kpt_xol_add, every_xol_add, 11, 0, 1 },
		/* literal data follows kpt_fp_lit_q8's RET */
		{ "kpt_fp_lit_q8", kpt_fp_lit_q8, every_fp, 0, 0, 0 },
	};
	struct counted *c = kunit_kcalloc(test, EVERY_MAX, sizeof(*c), GFP_KERNEL);
	int k, f, i, n, ok, refused, opt, optimized;
	u64 want, got;
	__le32 *pc;

	KUNIT_ASSERT_NOT_NULL(test, c);
	/* every function twice: the second time, probes get optimized */
	for (k = 0; k < ARRAY_SIZE(fns) * (1 + IS_ENABLED(CONFIG_OPTPROBES)); k++) {
		f = k % ARRAY_SIZE(fns);
		opt = k >= ARRAY_SIZE(fns);
		arm64_optprobes_hold_for_test(!opt);
		want = fns[f].run(&fns[f]);
		pc = fns[f].fn;
		for (n = 0; n < EVERY_MAX; n++)
			if (le32_to_cpu(pc[n]) == 0xd65f03c0)	/* ret */
				break;
		KUNIT_ASSERT_LT(test, n, EVERY_MAX);
		n++;
		ok = 0;
		refused = 0;
		for (i = 0; i < n; i++) {
			counted_init(&c[i], (unsigned long)&pc[i], i & 1);
			if (register_kprobe(&c[i].kp)) {
				c[i].kp.addr = NULL;
				refused++;
			} else {
				ok++;
			}
		}
		optimized = 0;
		for (i = 0; opt && i < n; i++)
			if (c[i].kp.addr && arm64_optprobe_optimized_for_test(&c[i].kp))
				optimized++;
		got = fns[f].run(&fns[f]);
		for (i = 0; i < n; i++) {
			if (!c[i].kp.addr)
				continue;
			unregister_kprobe(&c[i].kp);
			KUNIT_EXPECT_EQ_MSG(test, c[i].pre, 1, "%s+%#x", fns[f].name, i * 4);
			KUNIT_EXPECT_EQ_MSG(test, c[i].post, (i & 1) ? 1 : 0, "%s+%#x",
					    fns[f].name, i * 4);
		}
		KUNIT_EXPECT_EQ_MSG(test, got, want, "%s under %d probes", fns[f].name, ok);
		KUNIT_EXPECT_EQ_MSG(test, refused, fns[f].refuse +
				    (IS_ENABLED(CONFIG_CFI_CLANG) ? fns[f].cfi_refuse : 0),
				    "%s", fns[f].name);
		kunit_info(test, "%s: %d instructions, %d probed (%d optimized), %d refused",
			   fns[f].name, n, ok, optimized, refused);
	}
}

/* ---- jump-optimized probes ---- */
#ifdef CONFIG_OPTPROBES
struct opt_seen {
	struct kprobe kp;
	struct task_struct *task;
	int hits;
	unsigned long pc, sp, pstate;
	u64 pan;		/* PSTATE.PAN in the handler */
	bool irqs_off;
	u64 set_x0;		/* if non-zero, the handler sets x0 to it */
	bool skip;		/* the handler moves the PC past the instruction */
	u64 (*call)(u64 a);	/* the handler calls it with 1 ... */
	u64 called;		/* ... and keeps the result */
};

static int opt_seen_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct opt_seen *s = container_of(kp, struct opt_seen, kp);

	if (current != s->task)
		return 0;
	s->hits++;
	s->pc = regs->pc;
	s->sp = regs->sp;
	s->pstate = regs->pstate;
	s->irqs_off = irqs_disabled();
	if (system_uses_hw_pan())
		s->pan = read_sysreg_s(SYS_PSTATE_PAN);
	if (s->call)
		s->called = s->call(1);
	if (s->set_x0)
		regs->regs[0] = s->set_x0;
	if (s->skip) {
		regs->pc += AARCH64_INSN_SIZE;
		return 1;
	}
	return 0;
}

static void opt_seen_init(struct opt_seen *s, unsigned long addr)
{
	memset(s, 0, sizeof(*s));
	s->kp.addr = (kprobe_opcode_t *)addr;
	s->kp.pre_handler = opt_seen_pre;
	s->task = current;
}

/*
 * Are these tests' probes in branch range of the detours (and can a
 * detour read PSTATE here)?  Then every optimizable probe here must be
 * optimized: the tests below check it.
 */
static bool opt_near(void)
{
	return arm64_optprobe_near_for_test((unsigned long)kpt_calls);
}

/*
 * Every instruction of kpt_calls, each alone under a probe that the
 * optimizer turns into a B to a detour (PC-relative ones relocated), run
 * on the paths where its branches are taken and where they are not.
 */
static void test_optimized(struct kunit *test)
{
	static const struct {
		const char *what;
		bool opt;
		int runs;	/* of the three calls below */
	} sites[] = {
		{ "paciasp", !IS_ENABLED(CONFIG_ARM64_BTI_KERNEL), 3 },
		{ "stp (out of line)", true, 3 },
		{ "mov x29, sp (simulated)", true, 3 },
		{ "bl", true, 3 },
		{ "cbz", true, 3 },
		{ "adr", true, 2 },
		{ "blr", false, 2 },
		{ "tbnz", true, 2 },
		{ "ldr (literal)", true, 1 },
		{ "add (out of line)", true, 1 },
		{ "ldp (out of line)", true, 3 },
		{ "autiasp", true, 3 },
		{ "ret", true, 3 },
	};
	unsigned long base = (unsigned long)kpt_calls;
	const u32 bti_mask = 0xffffff3f, bti = 0xd503241f;
	u32 mode = is_kernel_in_hyp_mode() ? PSR_MODE_EL2h : PSR_MODE_EL1h;
	bool near = opt_near();
	struct opt_seen s;
	int i;

	KUNIT_EXPECT_TRUE_MSG(test, near, "kpt_calls at %#lx: out of range of the detours", base);
	arm64_optprobes_hold_for_test(false);
	/*
	 * With CONFIG_ARM64_BTI, SYM_FUNC_START puts a BTI C first: a landing
	 * pad only if the kernel's text is guarded (CONFIG_ARM64_BTI_KERNEL).
	 */
	if ((le32_to_cpu(*(__le32 *)base) & bti_mask) == bti) {
		opt_seen_init(&s, base);
		KUNIT_ASSERT_EQ(test, register_kprobe(&s.kp), 0);
		KUNIT_EXPECT_EQ(test, arm64_optprobe_optimized_for_test(&s.kp),
				near && !IS_ENABLED(CONFIG_ARM64_BTI_KERNEL));
		KUNIT_EXPECT_EQ(test, kpt_calls(5), 111ULL);
		unregister_kprobe(&s.kp);
		KUNIT_EXPECT_EQ(test, s.hits, 1);
		base += AARCH64_INSN_SIZE;
	}
	for (i = 0; i < ARRAY_SIZE(sites); i++) {
		unsigned long addr = base + i * AARCH64_INSN_SIZE;

		opt_seen_init(&s, addr);
		KUNIT_ASSERT_EQ_MSG(test, register_kprobe(&s.kp), 0, "%s", sites[i].what);
		if (arm64_optprobe_optimized_for_test(&s.kp) != sites[i].opt)
			KUNIT_EXPECT_FALSE_MSG(test, near, "%s: %soptimized", sites[i].what,
					       sites[i].opt ? "not " : "");
		/* cbz and tbnz not taken, cbz taken, tbnz taken */
		KUNIT_EXPECT_EQ_MSG(test, kpt_calls(5), 111ULL, "%s", sites[i].what);
		KUNIT_EXPECT_EQ_MSG(test, kpt_calls(-3ULL), 0ULL, "%s", sites[i].what);
		KUNIT_EXPECT_EQ_MSG(test, kpt_calls(-100ULL), -94ULL, "%s", sites[i].what);
		unregister_kprobe(&s.kp);
		KUNIT_EXPECT_EQ_MSG(test, s.hits, sites[i].runs, "%s", sites[i].what);
		KUNIT_EXPECT_EQ_MSG(test, s.pc, addr, "%s", sites[i].what);
		KUNIT_EXPECT_TRUE_MSG(test, s.irqs_off, "%s", sites[i].what);
		KUNIT_EXPECT_EQ_MSG(test, s.pstate & (PSR_MODE_MASK | PSR_I_BIT | PSR_F_BIT),
				    (u64)mode, "%s", sites[i].what);
		KUNIT_EXPECT_EQ_MSG(test, s.kp.nmissed, 0UL, "%s", sites[i].what);
	}
}

/*
 * kpt_nested_target has no kCFI type (SYM_FUNC_START): the handler calls
 * it through this C function, which has one.
 */
static u64 call_nested_target(u64 a)
{
	return kpt_nested_target(a);
}

/*
 * A handler's changes to the registers and the PC are what the probed
 * code sees, optimized as unoptimized; a hit in a handler is a miss.
 */
static void test_optimized_changes(struct kunit *test)
{
	bool near = opt_near();
	struct opt_seen s, outer;

	arm64_optprobes_hold_for_test(false);
	opt_seen_init(&s, kpt_site_nested);	/* add x0, x0, #3 */
	KUNIT_ASSERT_EQ(test, register_kprobe(&s.kp), 0);
	KUNIT_EXPECT_TRUE(test, arm64_optprobe_optimized_for_test(&s.kp) || !near);
	KUNIT_EXPECT_EQ(test, kpt_nested_target(1), 4ULL);
	s.set_x0 = 10;
	KUNIT_EXPECT_EQ(test, kpt_nested_target(1), 13ULL);
	s.set_x0 = 0;
	s.skip = true;		/* leaves by the exception return */
	KUNIT_EXPECT_EQ(test, kpt_nested_target(1), 1ULL);
	s.skip = false;
	KUNIT_EXPECT_EQ(test, s.hits, 3);

	/* from a BRK probe's handler (kpt_xol_add), and from a detour's */
	opt_seen_init(&outer, kpt_site_xol_add);
	outer.call = call_nested_target;
	arm64_optprobes_hold_for_test(true);
	KUNIT_ASSERT_EQ(test, register_kprobe(&outer.kp), 0);
	arm64_optprobes_hold_for_test(false);
	KUNIT_EXPECT_EQ(test, kpt_xol_add(5, 7), 19ULL);
	KUNIT_EXPECT_EQ(test, outer.called, 4ULL);
	KUNIT_EXPECT_EQ(test, s.kp.nmissed, 1UL);
	unregister_kprobe(&outer.kp);

	opt_seen_init(&outer, kpt_site_xol_add);
	outer.call = call_nested_target;
	KUNIT_ASSERT_EQ(test, register_kprobe(&outer.kp), 0);
	KUNIT_EXPECT_TRUE(test, arm64_optprobe_optimized_for_test(&outer.kp) || !near);
	KUNIT_EXPECT_EQ(test, kpt_xol_add(5, 7), 19ULL);
	KUNIT_EXPECT_EQ(test, outer.called, 4ULL);
	KUNIT_EXPECT_EQ(test, s.kp.nmissed, 2UL);
	unregister_kprobe(&outer.kp);
	unregister_kprobe(&s.kp);
	KUNIT_EXPECT_EQ(test, s.hits, 3);
	KUNIT_EXPECT_EQ(test, outer.hits, 1);
}

/*
 * A probe where PAN is clear (inside a privileged user access window):
 * the handler runs with PAN set, as after an exception entry, and the
 * probed code goes on with PAN clear.
 */
static void test_optimized_pan(struct kunit *test)
{
	bool near = opt_near();
	struct opt_seen s;

	if (!system_uses_hw_pan()) {
		kunit_info(test, "no hardware PAN: PSTATE.PAN is always clear");
		return;
	}
	arm64_optprobes_hold_for_test(false);
	opt_seen_init(&s, kpt_site_pan_clear);	/* mov x1, x0 */
	KUNIT_ASSERT_EQ(test, register_kprobe(&s.kp), 0);
	KUNIT_EXPECT_TRUE(test, arm64_optprobe_optimized_for_test(&s.kp) || !near);
	KUNIT_EXPECT_EQ(test, kpt_pan_clear(), 0ULL);
	unregister_kprobe(&s.kp);
	KUNIT_EXPECT_EQ(test, s.hits, 1);
	KUNIT_EXPECT_EQ(test, s.pan, (u64)PSR_PAN_BIT);
	KUNIT_EXPECT_EQ(test, s.pstate & PSR_PAN_BIT, 0UL);
}
#endif

/* ---- places and instructions a probe must refuse ---- */
static int try_probe(unsigned long addr)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)addr };
	int ret = register_kprobe(&kp);

	if (!ret)
		unregister_kprobe(&kp);
	return ret;
}

static noinline int kpt_uaccess_fn(const int __user *p)
{
	int v;

	if (get_user(v, p))
		return -EFAULT;
	return v;
}

static void test_refused_instructions(struct kunit *test)
{
	const struct { const char *what; unsigned long addr; } cases[] = {
		{ "MSR DAIFSet", kpt_site_msr_daifset },
		{ "MSR TPIDR_EL1", kpt_site_msr_reg },
		{ "SVC", kpt_site_svc },
		{ "BRK", kpt_site_brk },
		{ "ERET", kpt_site_eret },
		{ "RETAA", kpt_site_retaa },
		{ "WFI", kpt_site_wfi },
		{ "MRS ESR_EL1", kpt_site_mrs_esr },
		{ "CPYFP", kpt_site_cpyfp },
		{ "LDXP", kpt_site_ldxp },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, try_probe(cases[i].addr), -EINVAL, "%s", cases[i].what);
}

static void test_refused_places(struct kunit *test)
{
	static int some_data;
	unsigned long fn = (unsigned long)kpt_uaccess_fn, a, extable = 0;
	int i;

	/* With kCFI: the type hash before a function called through a pointer. */
	if (IS_ENABLED(CONFIG_CFI_CLANG))
		KUNIT_EXPECT_EQ(test, try_probe((unsigned long)kpt_fp_lit_s0 - 4), -EINVAL);

	/* Misaligned, data, and an ftrace call site (the second instruction). */
	KUNIT_EXPECT_EQ(test, try_probe((unsigned long)kpt_xol_add + 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, try_probe((unsigned long)&some_data), -EINVAL);
	if (IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_ARGS))
		KUNIT_EXPECT_EQ(test, try_probe(ftrace_location(fn)), -EINVAL);

	/* An instruction with an exception-table entry (the get_user() load). */
	for (i = 0, a = fn; i < 64; i++, a += AARCH64_INSN_SIZE) {
		if (search_exception_tables(a)) {
			extable = a;
			break;
		}
	}
	KUNIT_ASSERT_NE_MSG(test, extable, 0, "no exception-table entry in %ps", (void *)fn);
	KUNIT_EXPECT_EQ(test, try_probe(extable), -EINVAL);
	KUNIT_EXPECT_EQ(test, kpt_uaccess_fn(NULL), -EFAULT);
}

static void test_blacklist(struct kunit *test)
{
	const struct { const char *what; unsigned long addr; } cases[] = {
		{ "entry text (vectors)", (unsigned long)__entry_text_start },
		{ "idmap text", (unsigned long)__idmap_text_start },
		{ "kprobes text", (unsigned long)kprobe_hit_handler },
		{ "kprobes text (step)", (unsigned long)kprobe_step_handler },
		{ "noinstr text", (unsigned long)el1h_64_sync_handler },
		{ "NOKPROBE_SYMBOL", (unsigned long)do_el1_brk64 },
#ifdef CONFIG_KEXEC_CORE
		{ "kexec relocation (MMU off)", (unsigned long)__relocate_new_kernel_start },
#endif
#ifdef CONFIG_UNMAP_KERNEL_AT_EL0
		{ "entry trampoline", (unsigned long)__entry_tramp_text_start },
#endif
		{ "irqentry text", (unsigned long)__irqentry_text_start },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (i == ARRAY_SIZE(cases) - 1 &&
		    (unsigned long)__irqentry_text_start == (unsigned long)__irqentry_text_end)
			break;	/* no function in .irqentry.text in this kernel */
		KUNIT_EXPECT_EQ_MSG(test, try_probe(cases[i].addr), -EINVAL, "%s at %pS",
				    cases[i].what, (void *)cases[i].addr);
	}
}

#ifdef CONFIG_OPTPROBES
/*
 * How much of the kernel's text (and of this module's, when the tests are
 * built as one) a probe would be optimized on, by instruction, with the
 * kernel and the module where this boot put them (KASLR).  make coverage
 * prints these lines.  Far fewer than nearly all would mean a class of
 * instructions lost on the way.
 */
/* @part of @all in tenths of a percent */
static unsigned long permille(unsigned long part, unsigned long all)
{
	return all ? part * 1000 / all : 0;
}

static void test_optimizable_sites(struct kunit *test)
{
	unsigned long probeable, opt, pm;

	opt = arm64_optprobe_count_for_test((unsigned long)_stext, (unsigned long)_etext,
					    &probeable);
	pm = permille(opt, probeable);
	kunit_info(test, "optimizable: vmlinux %lu of %lu probe-able words (%lu.%lu%%), KASLR offset %#lx",
		   opt, probeable, pm / 10, pm % 10, kaslr_offset());
	KUNIT_EXPECT_GT(test, probeable, 0UL);
	KUNIT_EXPECT_GE(test, opt * 100, probeable * 95);
	if (THIS_MODULE) {
		const struct module_memory *m = &THIS_MODULE->mem[MOD_TEXT];

		opt = arm64_optprobe_count_for_test((unsigned long)m->base,
						    (unsigned long)m->base + m->size, &probeable);
		pm = permille(opt, probeable);
		kunit_info(test, "optimizable: module %s %lu of %lu probe-able words (%lu.%lu%%), text at _stext%+ld MiB",
			   THIS_MODULE->name, opt, probeable, pm / 10, pm % 10,
			   ((long)m->base - (long)_stext) / SZ_1M);
		KUNIT_EXPECT_GT(test, probeable, 0UL);
		KUNIT_EXPECT_GE(test, opt * 100, probeable * 95);
	}
}

/*
 * ---- optimized probes under churn ----
 * Every other CPU calls kpt_nested_target() and kpt_xol_add() in a loop
 * and checks their results, while this one takes the probes on them
 * through every state, round after round: optimized, joined by another
 * probe, disabled and enabled, unoptimized at once by a probe with a
 * post-handler, reoptimized, unregistered, a probe on the next
 * instruction coming and going.  A sentinel probe stays on
 * kpt_nested_target's site all along: its hits must equal the calls made,
 * exactly, whatever state its site was in at each call.
 */
#define STRESS_ROUNDS	16

static atomic_long_t stress_calls, stress_hits, stress_others;
static atomic_t stress_bad;
/* the runners call kpt_cmodx_target() instead of kpt_nested_target() */
static bool stress_cmodx;

static int stress_sentinel_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&stress_hits);
	return 0;
}

static int stress_other_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&stress_others);
	return 0;
}

static void stress_post(struct kprobe *kp, struct pt_regs *regs, unsigned long flags)
{
}

static int stress_runner(void *unused)
{
	u64 i = 0;

	while (!kthread_should_stop()) {
		u64 r = READ_ONCE(stress_cmodx) ? kpt_cmodx_target(i) : kpt_nested_target(i);

		if (r != i + 3)
			atomic_inc(&stress_bad);
		atomic_long_inc(&stress_calls);
		if (kpt_xol_add(i, 3) != i + 6)
			atomic_inc(&stress_bad);
		/* a voluntary switch now and then, for RCU Tasks (as join_runner) */
		if (!(++i & 255))
			usleep_range(10, 20);
	}
	return 0;
}

static void stress_probe(struct kprobe *kp, unsigned long addr, bool post)
{
	memset(kp, 0, sizeof(*kp));
	kp->addr = (kprobe_opcode_t *)addr;
	kp->pre_handler = stress_other_pre;
	if (post)
		kp->post_handler = stress_post;
}

/*
 * The churn around @site, with a neighbour probe on the instruction at
 * @next_site (@next_refused if registering it must fail).
 */
static void stress_run(struct kunit *test, unsigned long site, unsigned long next_site,
		       bool next_refused)
{
	struct kprobe sentinel = {}, b, c, next, x;
	bool near = opt_near();
	struct task_struct **t;
	int cpu, r, n = 0;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU to run the probed code");
	t = kunit_kcalloc(test, nr_cpu_ids, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);

	atomic_long_set(&stress_calls, 0);
	atomic_long_set(&stress_hits, 0);
	atomic_long_set(&stress_others, 0);
	atomic_set(&stress_bad, 0);
	arm64_optprobes_hold_for_test(false);
	sentinel.addr = (kprobe_opcode_t *)site;
	sentinel.pre_handler = stress_sentinel_pre;
	KUNIT_ASSERT_EQ(test, register_kprobe(&sentinel), 0);
	KUNIT_EXPECT_EQ(test, arm64_optprobe_optimized_for_test(&sentinel), near);

	for_each_online_cpu(cpu) {
		if (cpu == raw_smp_processor_id())
			continue;
		t[cpu] = kthread_create(stress_runner, NULL, "kpt_stress/%d", cpu);
		if (IS_ERR(t[cpu])) {
			t[cpu] = NULL;
			continue;
		}
		kthread_bind(t[cpu], cpu);
		wake_up_process(t[cpu]);
		n++;
	}
	KUNIT_EXPECT_GE(test, n, 1);

	for (r = 0; r < STRESS_ROUNDS; r++) {
		/* a second probe joins the optimized one */
		stress_probe(&b, site, false);
		KUNIT_EXPECT_EQ(test, register_kprobe(&b), 0);
		KUNIT_EXPECT_EQ(test, arm64_optprobe_optimized_for_test(&sentinel), near);
		KUNIT_EXPECT_TRUE(test, calls_wait(&stress_calls, 100));
		/* a post-handler: unoptimized at once, while the runners go through */
		stress_probe(&c, site, true);
		KUNIT_EXPECT_EQ(test, register_kprobe(&c), 0);
		KUNIT_EXPECT_FALSE(test, arm64_optprobe_optimized_for_test(&sentinel));
		/* the next instruction too, while its neighbour is a BRK */
		stress_probe(&next, next_site, false);
		KUNIT_EXPECT_EQ(test, register_kprobe(&next), next_refused ? -EINVAL : 0);
		KUNIT_EXPECT_TRUE(test, calls_wait(&stress_calls, 100));
		unregister_kprobe(&c);
		/* reoptimized without the post-handler */
		KUNIT_EXPECT_EQ(test, arm64_optprobe_optimized_for_test(&sentinel), near);
		KUNIT_EXPECT_EQ(test, arm64_optprobe_optimized_for_test(&next),
				near && !next_refused);
		KUNIT_EXPECT_TRUE(test, calls_wait(&stress_calls, 100));
		if (r & 1) {
			unregister_kprobe(&b);
			unregister_kprobe(&next);
		} else {
			struct kprobe *list[] = { &next, &b };

			unregister_kprobes(list, ARRAY_SIZE(list));
		}

		/*
		 * kpt_xol_add's site, alone: optimized, disabled and enabled
		 * again (at once, while the unoptimization is queued, or once
		 * it is done), optimized again, then gone; or gone while still
		 * queued for optimization.
		 */
		stress_probe(&x, kpt_site_xol_add, false);
		KUNIT_EXPECT_EQ(test, register_kprobe(&x), 0);
		if (r & 1) {
			KUNIT_EXPECT_EQ(test, arm64_optprobe_optimized_for_test(&x), near);
			KUNIT_EXPECT_EQ(test, disable_kprobe(&x), 0);
			if (r & 2)
				arm64_optprobes_wait_for_test();
			KUNIT_EXPECT_EQ(test, enable_kprobe(&x), 0);
			KUNIT_EXPECT_EQ_MSG(test, arm64_optprobe_optimized_for_test(&x), near,
					    "enabled again %s", r & 2 ? "later" : "at once");
			KUNIT_EXPECT_TRUE(test, calls_wait(&stress_calls, 100));
		}
		unregister_kprobe(&x);
	}

	for_each_online_cpu(cpu)
		if (t[cpu])
			kthread_stop(t[cpu]);
	unregister_kprobe(&sentinel);
	kunit_info(test, "%d rounds, %d CPUs running: %ld calls, %ld sentinel hits, %ld other hits",
		   STRESS_ROUNDS, n, atomic_long_read(&stress_calls),
		   atomic_long_read(&stress_hits), atomic_long_read(&stress_others));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&stress_hits), atomic_long_read(&stress_calls));
	KUNIT_EXPECT_EQ(test, sentinel.nmissed, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&stress_bad), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&stress_others), 0L);
}

/*
 * kpt_nested_target's neighbour is its RET, which is changed under
 * stop_machine().  With kCFI the RET is refused: it is the word before
 * kpt_calls, which may be that function's type hash.
 */
static void test_optimized_stress(struct kunit *test)
{
	WRITE_ONCE(stress_cmodx, false);
	stress_run(test, kpt_site_nested, kpt_site_nested + AARCH64_INSN_SIZE,
		   IS_ENABLED(CONFIG_CFI_CLANG));
}

/*
 * The same churn with a NOP as the neighbour: every change of both words
 * is made without stop_machine() while the other CPUs run them, as the
 * architecture allows for B, BRK and NOP.  QEMU's multi-threaded TCG
 * (7.2) does not model this: a vCPU may keep running a translation of a
 * word changed while it was translating it (here a BRK that is a NOP
 * again: the hit finds no probe and returns to it, for ever).  This suite
 * runs where QEMU does model it, in make check's single-threaded TCG boot
 * (harness/check.sh); the other boots select the suites named *kprobes*.
 */
static void test_cmodx_neighbours(struct kunit *test)
{
	WRITE_ONCE(stress_cmodx, true);
	stress_run(test, kpt_site_cmodx, kpt_site_cmodx_nop, false);
	WRITE_ONCE(stress_cmodx, false);
}
#endif

static struct kunit_case arm64_kprobes_cases[] = {
	KUNIT_CASE(test_fp_literal),
	KUNIT_CASE(test_mrs_daif),
	KUNIT_CASE(test_mrs_nzcv),
	KUNIT_CASE(test_mrs_sp_el0),
	KUNIT_CASE(test_exclusive_window),
	KUNIT_CASE(test_xol),
	KUNIT_CASE(test_post_handler_joins),
	KUNIT_CASE(test_post_handler_joins_sim),
	KUNIT_CASE(test_boost_slot_lifetime),
	KUNIT_CASE(test_kretprobe_regs),
	KUNIT_CASE(test_nested_handlers),
	KUNIT_CASE(test_nested_in_step),
	KUNIT_CASE(test_nest_overflow),
	KUNIT_CASE(test_fault_restart),
	KUNIT_CASE(test_every_instruction),
#ifdef CONFIG_OPTPROBES
	KUNIT_CASE(test_optimized),
	KUNIT_CASE(test_optimized_changes),
	KUNIT_CASE(test_optimized_pan),
	KUNIT_CASE_SLOW(test_optimized_stress),
	KUNIT_CASE_SLOW(test_optimizable_sites),
#endif
	KUNIT_CASE(test_refused_instructions),
	KUNIT_CASE(test_refused_places),
	KUNIT_CASE(test_blacklist),
	{}
};

/*
 * The tests of the breakpoint path inspect slots and probe state right
 * after they register: keep their probes away from the optimizer, which
 * would otherwise take some of them over after a few jiffies.  The tests
 * of optimized probes let go.
 */
static int arm64_kprobes_test_init(struct kunit *test)
{
	arm64_optprobes_hold_for_test(true);
	return 0;
}

static void arm64_kprobes_test_exit(struct kunit *test)
{
	arm64_optprobes_hold_for_test(false);
}

static struct kunit_suite arm64_kprobes_suite = {
	.name = "arm64_kprobes",
	.init = arm64_kprobes_test_init,
	.exit = arm64_kprobes_test_exit,
	.test_cases = arm64_kprobes_cases,
};

#ifdef CONFIG_OPTPROBES
static struct kunit_case arm64_cmodx_cases[] = {
	KUNIT_CASE_SLOW(test_cmodx_neighbours),
	{}
};

static struct kunit_suite arm64_cmodx_suite = {
	.name = "arm64_cmodx",
	.init = arm64_kprobes_test_init,
	.exit = arm64_kprobes_test_exit,
	.test_cases = arm64_cmodx_cases,
};

kunit_test_suites(&arm64_kprobes_suite, &arm64_cmodx_suite);
#else
kunit_test_suite(arm64_kprobes_suite);
#endif

MODULE_DESCRIPTION("KUnit tests for the arm64 kprobes");
MODULE_LICENSE("GPL");
