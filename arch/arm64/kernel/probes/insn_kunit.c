// SPDX-License-Identifier: GPL-2.0-only
/*
 * Instruction-level tests of the arm64 kprobes: every simulated instruction
 * class, and a representative set of out-of-line ones, run twice from the
 * same register state -- once by the CPU, once under a kprobe -- and every
 * general-purpose register, SP, NZCV, the SIMD&FP registers, the memory
 * the instruction may touch and the place a branch lands must agree.
 *
 * The tested instruction sits at a fixed address X in kernel text
 * (kpt_diff_area_x27/x28 in kprobes_kunit_asm.S), between two sleds of
 * "add T, T, #1": a branch that lands in a sled counts its way to the
 * sled's exit, so T tells exactly where it landed.  Targets outside the
 * sleds are pages mapped at that very address for the case: a sled and an
 * exit for branches, random data for literal loads.  Entry and exit code
 * is generated for a few choices of the context register S and the
 * counter T, so that any instruction has a choice that it does not use.
 *
 * A kprobe is registered once at each X; for every encoding the test
 * writes the instruction at X for the native run, and the BRK plus
 * arm64_kprobe_retarget_for_test() for the probed run.  The *_optimized
 * tests do the same through a jump-optimized probe: its B to the detour
 * at X, and the detour rebuilt for each encoding
 * (arm64_optprobe_retarget_for_test()).
 */

#include <kunit/test.h>
#include <linux/cpufeature.h>
#include <linux/kprobes.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <linux/cacheflush.h>
#include <asm/debug-monitors.h>
#include <asm/insn.h>
#include <asm/neon.h>
#include <asm/patching.h>
#include <asm/probes.h>
#include <asm/sections.h>

#include "kprobes_kunit.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/*
 * Random encodings per class, and the seed of their sequences (class N
 * takes seed + N; both are printed in the log).  A KASAN kernel runs 2,000
 * per class by default: there the suite checks memory and locking on the
 * same paths, and at 10,000 it took two thirds of the boot.  Every other
 * kernel runs 10,000.  Other kernels of a test campaign may take other
 * seeds, to check other encodings: make check gives each flavour its own
 * and runs 10,000 in one of them (harness/check.sh).  At least 100.
 */
static unsigned int per_class = IS_ENABLED(CONFIG_KASAN) ? 2000 : 10000;
module_param(per_class, uint, 0444);
MODULE_PARM_DESC(per_class,
		 "random encodings per simulated class, at least 100 (10000; 2000 with KASAN)");

static ulong seed = 0x6b70726f62657321UL;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "seed of the random encodings and register states");

static unsigned long random_per_class(void)
{
	return max(per_class, 100U);
}

#define SP_GAP			0x800	/* test SP = caller's SP - SP_GAP */
#define STACK_HI		192	/* compared stack: [SP, SP + 192) */

/* The state a test instruction runs from and leaves. */
struct diff_ctx {
	u64 x_in[31];
	u64 nzcv_in;
	u64 sp_in;		/* set by the entry code */
	u64 x_out[31];
	u64 nzcv_out;
	u64 sp_out;
	u64 flag[4];		/* cleared by the exit that ran: A, B, F, far */
	u64 host[13];		/* x19-x30 and SP of the caller */
	u64 q_in[64] __aligned(16);
	u64 q_out[64] __aligned(16);
	u8 data[512] __aligned(16);	/* memory for loads and stores */
};

enum { EXIT_A, EXIT_B, EXIT_F, EXIT_FAR };

#define OFF(f)		offsetof(struct diff_ctx, f)

/* ---- A64 encodings the generated code uses ---- */
static u32 e_str_x(int rt, int rn, unsigned int off)	/* STR Xt, [Xn, #off] */
{
	return 0xf9000000 | ((off / 8) << 10) | (rn << 5) | rt;
}

static u32 e_ldr_x(int rt, int rn, unsigned int off)	/* LDR Xt, [Xn, #off] */
{
	return 0xf9400000 | ((off / 8) << 10) | (rn << 5) | rt;
}

static u32 e_str_q(int rt, int rn, unsigned int off)	/* STR Qt, [Xn, #off] */
{
	return 0x3d800000 | ((off / 16) << 10) | (rn << 5) | rt;
}

static u32 e_ldr_q(int rt, int rn, unsigned int off)	/* LDR Qt, [Xn, #off] */
{
	return 0x3dc00000 | ((off / 16) << 10) | (rn << 5) | rt;
}

static u32 e_mov_from_sp(int rd)	/* MOV Xd, SP */
{
	return 0x910003e0 | rd;
}

static u32 e_mov_to_sp(int rn)		/* MOV SP, Xn */
{
	return 0x9100001f | (rn << 5);
}

static u32 e_sub_imm(int rd, int rn, unsigned int imm)	/* SUB Xd, Xn, #imm */
{
	return 0xd1000000 | (imm << 10) | (rn << 5) | rd;
}

static u32 e_mov(int rd, int rm)	/* MOV Xd, Xm */
{
	return 0xaa0003e0 | (rm << 16) | rd;
}

static u32 e_msr_nzcv(int rt)
{
	return 0xd51b4200 | rt;
}

static u32 e_mrs_nzcv(int rt)
{
	return 0xd53b4200 | rt;
}

static u32 e_movz0(int rd)
{
	return 0xd2800000 | rd;
}

static u32 e_b(unsigned long from, unsigned long to)
{
	return 0x14000000 | (((to - from) >> 2) & 0x3ffffff);
}

static u32 e_add1(int rd)		/* ADD Xd, Xd, #1 */
{
	return 0x91000400 | (rd << 5) | rd;
}

#define E_RET		0xd65f03c0
#define E_BTI_C		0xd503245f
#define E_BTI_JC	0xd50324df

/* ---- generated code ---- */
static const int s_regs[] = { 26, 25, 24, 23, 22 };
static const int t_regs[] = { 27, 28 };
#define NS	ARRAY_SIZE(s_regs)
#define NT	ARRAY_SIZE(t_regs)

struct layout {
	int s, t;
	unsigned long entry, exit[3];	/* in kpt_diff_code */
};

struct diff_env {
	struct kunit *test;
	struct layout lay[NT][NS];
	unsigned long x[NT];		/* the tested address for each T */
	struct kprobe kp[NT];
	u32 tail[NS][160];		/* exit tail of each S, for far pages */
	unsigned int tail_len[NS];
	struct rnd_state rnd;
	unsigned int cur[NT];		/* which S the area's branches exit to */
	struct diff_ctx *ctx;
	unsigned long far_base;		/* the page mapped for this case, if any */
	unsigned long far_pages;
	unsigned long mismatches;
	bool has_hbc;
	bool opt;			/* through optimized probes */
	bool last_brk;			/* opt, but the last case ran through the BRK */
};

static int emit(u32 **p, u32 insn)
{
	*(*p)++ = insn;
	return 0;
}

/* The exit tail for S: store everything, return to the C caller. */
static unsigned int gen_tail(u32 *buf, int s)
{
	u32 *p = buf;
	int i;

	for (i = 0; i <= 30; i++)
		if (i != s)
			emit(&p, e_str_x(i, s, OFF(x_out) + 8 * i));
	emit(&p, e_mrs_nzcv(0));
	emit(&p, e_str_x(0, s, OFF(nzcv_out)));
	emit(&p, e_mov_from_sp(0));
	emit(&p, e_str_x(0, s, OFF(sp_out)));
	for (i = 0; i < 32; i++)
		emit(&p, e_str_q(i, s, OFF(q_out) + 16 * i));
	emit(&p, e_ldr_x(0, s, OFF(host) + 8 * 12));
	emit(&p, e_mov_to_sp(0));
	for (i = 19; i <= 30; i++)
		if (i != s)
			emit(&p, e_ldr_x(i, s, OFF(host) + 8 * (i - 19)));
	emit(&p, e_ldr_x(s, s, OFF(host) + 8 * (s - 19)));
	emit(&p, E_RET);
	return p - buf;
}

static int write_text(unsigned long addr, const u32 *words, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = aarch64_insn_patch_text_nosync((void *)(addr + 4 * i), words[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Entry and exits for every (T, S) pair, into kpt_diff_code. */
static int gen_code(struct diff_env *env)
{
	unsigned long pc = (unsigned long)kpt_diff_code;
	unsigned long end = pc + sizeof(kpt_diff_code);
	u32 buf[256], *p;
	int ti, si, i, k, ret;

	for (si = 0; si < NS; si++)
		env->tail_len[si] = gen_tail(env->tail[si], s_regs[si]);

	for (ti = 0; ti < NT; ti++) {
		for (si = 0; si < NS; si++) {
			struct layout *l = &env->lay[ti][si];
			int s = s_regs[si], t = t_regs[ti];

			l->s = s;
			l->t = t;
			/* entry: x0 = ctx */
			p = buf;
			l->entry = pc;
			emit(&p, E_BTI_C);
			for (i = 19; i <= 30; i++)
				emit(&p, e_str_x(i, 0, OFF(host) + 8 * (i - 19)));
			emit(&p, e_mov_from_sp(1));
			emit(&p, e_str_x(1, 0, OFF(host) + 8 * 12));
			emit(&p, e_sub_imm(1, 1, SP_GAP));
			emit(&p, e_mov_to_sp(1));
			emit(&p, e_str_x(1, 0, OFF(sp_in)));
			emit(&p, e_mov(s, 0));
			emit(&p, e_ldr_x(1, s, OFF(nzcv_in)));
			emit(&p, e_msr_nzcv(1));
			for (i = 0; i < 32; i++)
				emit(&p, e_ldr_q(i, s, OFF(q_in) + 16 * i));
			emit(&p, e_movz0(t));
			for (i = 0; i <= 30; i++)
				if (i != s && i != t)
					emit(&p, e_ldr_x(i, s, OFF(x_in) + 8 * i));
			emit(&p, e_b(pc + 4 * (p - buf), env->x[ti]));
			ret = write_text(pc, buf, p - buf);
			if (ret)
				return ret;
			pc += 4 * (p - buf);

			/* exits A, B, F: mark, then the tail */
			for (k = 0; k < 3; k++) {
				p = buf;
				l->exit[k] = pc;
				emit(&p, e_str_x(31, s, OFF(flag) + 8 * k));
				for (i = 0; i < env->tail_len[si]; i++)
					emit(&p, env->tail[si][i]);
				ret = write_text(pc, buf, p - buf);
				if (ret)
					return ret;
				pc += 4 * (p - buf);
			}
			if (pc >= end)
				return -ENOSPC;
		}
	}
	return 0;
}

/* Point the area of T at the exits of S. */
static int use_layout(struct diff_env *env, int ti, int si)
{
	struct layout *l = &env->lay[ti][si];
	unsigned long x = env->x[ti];
	unsigned long a_end = x - 4, f = x + 4, b_end = x + 8 + 4 * KPT_SLED;
	u32 w;
	int ret;

	if (env->cur[ti] == si)
		return 0;
	w = e_b(a_end, l->exit[EXIT_A]);
	ret = write_text(a_end, &w, 1);
	w = e_b(f, l->exit[EXIT_F]);
	ret = ret ?: write_text(f, &w, 1);
	w = e_b(b_end, l->exit[EXIT_B]);
	ret = ret ?: write_text(b_end, &w, 1);
	if (!ret)
		env->cur[ti] = si;
	return ret;
}

/* ---- pages mapped at a chosen address (far branch targets, literals) ---- */
static void unmap_far(struct diff_env *env)
{
	if (env->far_base) {
		vfree((void *)env->far_base);
		env->far_base = 0;
	}
}

/*
 * Map two pages at the page of @target: for a branch, a sled on the first
 * page and the exit on the second; for a literal load, random data.
 * Returns false if the address is taken (inside the kernel image, say).
 */
static bool map_far(struct diff_env *env, unsigned long target, int si, int t, bool code,
		    bool landing)
{
	unsigned long base = target & PAGE_MASK, i;
	void *p;
	u32 *w;

	/* taken is a normal outcome here: no warning and stack dump for it */
	p = __vmalloc_node_range(2 * PAGE_SIZE, PAGE_SIZE, base, base + 2 * PAGE_SIZE,
				 GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL,
				 VM_FLUSH_RESET_PERMS | VM_NO_GUARD,
				 NUMA_NO_NODE,
				 __builtin_return_address(0));
	if (!p)
		return false;
	if ((unsigned long)p != base) {
		vfree(p);
		return false;
	}
	env->far_base = base;
	env->far_pages++;
	w = p;
	if (code) {
		for (i = 0; i < PAGE_SIZE / 4; i++)
			w[i] = e_add1(t);
		w[i++] = e_str_x(31, s_regs[si], OFF(flag) + 8 * EXIT_FAR);
		memcpy(&w[i], env->tail[si], 4 * env->tail_len[si]);
		if (landing)
			w[(target - base) / 4] = E_BTI_JC;
		flush_icache_range(base, base + 2 * PAGE_SIZE);
		set_memory_rox(base, 2);
	} else {
		prandom_bytes_state(&env->rnd, p, 2 * PAGE_SIZE);
		set_memory_ro(base, 2);
	}
	return true;
}

/* ---- one case ---- */
struct diff_result {
	u64 x[31], nzcv, sp, q[64];
	u64 flag[4];
	u8 data[512];
	u8 stack[STACK_HI];
	u64 sp_in;
};

typedef void (*entry_fn)(struct diff_ctx *ctx);

static void snapshot(struct diff_result *r, const struct diff_ctx *c)
{
	memcpy(r->x, c->x_out, sizeof(r->x));
	r->nzcv = c->nzcv_out;
	r->sp = c->sp_out;
	memcpy(r->q, c->q_out, sizeof(r->q));
	memcpy(r->flag, c->flag, sizeof(r->flag));
	memcpy(r->data, c->data, sizeof(r->data));
	memcpy(r->stack, (void *)c->sp_in, sizeof(r->stack));
	r->sp_in = c->sp_in;
}

/*
 * Run the entry code once from @in.  The entry code is written at run time
 * (like a JIT's), so it has no kCFI type: the call is exempt from kCFI.
 * The test SP is SP_GAP below this function's; the stack above it is
 * seeded from @stack first (with IRQs off, or an interrupt could write
 * there before the run).  Below the test SP, the probe's own exception
 * frames go: that memory is not compared.
 */
static void __nocfi run_once(struct diff_env *env, struct layout *l,
			     const struct diff_ctx *in, const u8 *stack, bool irqs_off,
			     struct diff_result *out)
{
	struct diff_ctx *c = env->ctx;
	entry_fn fn = (entry_fn)l->entry;
	unsigned long flags = 0, sp;

	memcpy(c, in, sizeof(*c));
	memset(c->flag, 0xff, sizeof(c->flag));
	if (IS_ENABLED(CONFIG_SHADOW_CALL_STACK))
		asm volatile("mov %0, x18" : "=r" (c->x_in[18]));	/* see pick_layout() */
	kernel_neon_begin();
	if (irqs_off)
		local_irq_save(flags);
	sp = current_stack_pointer - SP_GAP;
	memcpy((void *)sp, stack, STACK_HI);
	fn(c);
	snapshot(out, c);
	if (c->sp_in != sp)	/* the seeded stack was not the test's */
		memset(out->stack, 0x5a, sizeof(out->stack));
	if (irqs_off)
		local_irq_restore(flags);
	kernel_neon_end();
	if (!irqs_off)
		memset(out->stack, 0, sizeof(out->stack));
}

struct diff_case {
	u32 insn;
	bool irqs_off;
	bool stepped;		/* run the probe with a post-handler */
	bool data_regs;		/* x1, x2 point into ctx->data */
	unsigned long target;	/* branch target or literal address, 0 if none */
	bool target_code;
	bool landing;		/* the target must be a BTI landing pad */
};

static void post_nop(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
}

static int regs_used(u32 insn)
{
	return BIT(insn & 31) | BIT((insn >> 5) & 31) | BIT((insn >> 10) & 31) |
	       BIT((insn >> 16) & 31);
}

static bool pick_layout(u32 insn, int *ti, int *si)
{
	int used = regs_used(insn), i, j;

	/*
	 * With the shadow call stack x18 is its pointer, kept valid at every
	 * instruction (kernel code is built with -ffixed-x18): an exception
	 * taken with another x18 -- the probe's own -- would push return
	 * addresses anywhere.  So x18 keeps its value (run_once()), and an
	 * encoding that may write it (Rd/Rt = x18), which kernel code never
	 * has, is not run.
	 */
	if (IS_ENABLED(CONFIG_SHADOW_CALL_STACK) && (insn & 31) == 18)
		return false;

	for (i = 0; i < NT; i++) {
		if (used & BIT(t_regs[i]))
			continue;
		for (j = 0; j < NS; j++) {
			if (!(used & BIT(s_regs[j]))) {
				*ti = i;
				*si = j;
				return true;
			}
		}
	}
	return false;
}

static void report_diff(struct diff_env *env, const char *cls, const struct diff_case *dc,
			const struct diff_ctx *in, const struct diff_result *a,
			const struct diff_result *b)
{
	struct kunit *test = env->test;
	int i;

	if (env->mismatches++ >= 20)
		return;
	kunit_err(test, "%s: %08x (%s) differs under a probe:", cls, dc->insn,
		  dc->stepped ? "with a post-handler" : "no post-handler");
	for (i = 0; i < 31; i++)
		if (a->x[i] != b->x[i])
			kunit_err(test, "  x%d: in %llx native %llx probed %llx", i, in->x_in[i],
				  a->x[i], b->x[i]);
	if (a->nzcv != b->nzcv)
		kunit_err(test, "  nzcv: in %llx native %llx probed %llx", in->nzcv_in, a->nzcv,
			  b->nzcv);
	if (a->sp != b->sp)
		kunit_err(test, "  sp: native %llx probed %llx", a->sp, b->sp);
	if (memcmp(a->flag, b->flag, sizeof(a->flag)))
		kunit_err(test, "  exit: native %llx/%llx/%llx/%llx probed %llx/%llx/%llx/%llx",
			  a->flag[0], a->flag[1], a->flag[2], a->flag[3],
			  b->flag[0], b->flag[1], b->flag[2], b->flag[3]);
	if (memcmp(a->q, b->q, sizeof(a->q)))
		kunit_err(test, "  SIMD&FP registers differ");
	if (memcmp(a->data, b->data, sizeof(a->data)))
		kunit_err(test, "  data memory differs");
	if (memcmp(a->stack, b->stack, sizeof(a->stack)))
		kunit_err(test, "  stack memory differs");
}

/*
 * Run one case natively and under the probe.  Returns 1 if it ran and
 * matched, 0 if it ran and differed, -EAGAIN if the case cannot be set up
 * (registers, target address taken, refused by the decode table).
 */
static int run_case(struct diff_env *env, const char *cls, const struct diff_case *dc,
		    struct diff_ctx *in, const u8 *stack)
{
	struct diff_result *a, *b;
	struct layout *l;
	struct kprobe *kp;
	int ti, si, ret, match;
	u32 brk = BRK64_OPCODE_KPROBES;

	if (!pick_layout(dc->insn, &ti, &si))
		return -EAGAIN;
	l = &env->lay[ti][si];
	kp = &env->kp[ti];
	if (use_layout(env, ti, si))
		return -EIO;
	if (dc->target == env->x[ti])
		return -EAGAIN;		/* a branch to itself */
	if (dc->target && (dc->target < env->x[ti] - 4 - 4 * KPT_SLED ||
			   dc->target >= env->x[ti] + 8 + 4 * KPT_SLED)) {
		/*
		 * Outside the sleds: map the target's pages, which must not
		 * be near the kernel image.  Literal loads from inside the
		 * image do not come here (see run_sim_class()).
		 */
		if (dc->target >= (unsigned long)_text - 2 * PAGE_SIZE &&
		    dc->target < (unsigned long)_end + PAGE_SIZE)
			return -EAGAIN;
		if (!map_far(env, dc->target, si, l->t, dc->target_code, dc->landing))
			return -EAGAIN;
	} else if (dc->landing) {
		return -EAGAIN;		/* no landing pad in the sleds */
	}
	if (env->opt) {
		/*
		 * An optimized probe has no post-handler.  An instruction no
		 * detour can run goes through the same probe's BRK, as a
		 * probe on it would (it would not be optimized).
		 */
		ret = arm64_optprobe_retarget_for_test(kp, dc->insn, &brk);
		env->last_brk = ret == -EOPNOTSUPP || ret == -ERANGE;
		if (ret && !env->last_brk) {
			unmap_far(env);
			return -EAGAIN;
		}
	} else {
		/* the slot is boosted only for a probe without a post-handler */
		kp->post_handler = dc->stepped ? post_nop : NULL;
		if (arm64_kprobe_retarget_for_test(kp, dc->insn)) {
			unmap_far(env);
			return -EAGAIN;
		}
	}

	a = kmalloc(sizeof(*a), GFP_KERNEL);
	b = kmalloc(sizeof(*b), GFP_KERNEL);
	if (!a || !b) {
		ret = -ENOMEM;
		goto out;
	}
	if (dc->data_regs) {
		in->x_in[1] = (u64)&env->ctx->data[256];
		in->x_in[2] = (u64)&env->ctx->data[128];
	}

	/* Both runs on one CPU: some reads (TPIDR_EL1, MPIDR) are per CPU. */
	migrate_disable();
	ret = write_text(env->x[ti], &dc->insn, 1);
	if (!ret)
		run_once(env, l, in, stack, dc->irqs_off, a);
	ret = ret ?: write_text(env->x[ti], &brk, 1);
	if (!ret)
		run_once(env, l, in, stack, dc->irqs_off, b);
	migrate_enable();
	if (ret)
		goto out;

	/* S holds the context pointer, not a result. */
	a->x[l->s] = 0;
	b->x[l->s] = 0;
	/*
	 * Memory below the final SP is free stack, where the probe's own
	 * exceptions put their frames: compare what is at or above it.
	 */
	if (a->sp > a->sp_in && a->sp == b->sp) {
		size_t dead = min_t(size_t, a->sp - a->sp_in, STACK_HI);

		memset(a->stack, 0, dead);
		memset(b->stack, 0, dead);
	}
	match = !memcmp(a->x, b->x, sizeof(a->x)) && a->nzcv == b->nzcv && a->sp == b->sp &&
		!memcmp(a->flag, b->flag, sizeof(a->flag)) && !memcmp(a->q, b->q, sizeof(a->q)) &&
		!memcmp(a->data, b->data, sizeof(a->data)) &&
		!memcmp(a->stack, b->stack, sizeof(a->stack));
	if (!match)
		report_diff(env, cls, dc, in, a, b);
	ret = match;
out:
	unmap_far(env);
	kfree(a);
	kfree(b);
	return ret;
}

/* ---- random state ---- */
static u64 rnd64(struct diff_env *env)
{
	return prandom_u32_state(&env->rnd) | (u64)prandom_u32_state(&env->rnd) << 32;
}

static void random_state(struct diff_env *env, struct diff_ctx *in, u8 *stack)
{
	int i;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < 31; i++) {
		u64 v = rnd64(env);

		/* small, zero and sign-boundary values now and then */
		switch (prandom_u32_state(&env->rnd) % 8) {
		case 0:
			v = 0;
			break;
		case 1:
			v &= 0xff;
			break;
		case 2:
			v |= BIT_ULL(63);
			break;
		case 3:
			v = (u32)v;
			break;
		}
		in->x_in[i] = v;
	}
	in->nzcv_in = (u64)(prandom_u32_state(&env->rnd) & 0xf) << 28;
	for (i = 0; i < 64; i++)
		in->q_in[i] = rnd64(env);
	prandom_bytes_state(&env->rnd, in->data, sizeof(in->data));
	prandom_bytes_state(&env->rnd, stack, STACK_HI);
}

/* ---- the classes ---- */
enum target_kind { T_NONE, T_IMM26, T_IMM19, T_IMM14, T_REG, T_LIT, T_LIT16 };

struct sim_class {
	const char *name;
	u32 mask, value;	/* fixed bits; the rest is random */
	enum target_kind kind;
	/*
	 * Never optimized, by design (opt_relocate()): BLR would have to
	 * branch with BR, which sets another BTYPE at the target, to leave
	 * x30 at the next instruction; a SIMD&FP literal load would need a
	 * general-purpose register to hold the address.
	 */
	bool no_detour;
};

static const struct sim_class sim_classes[] = {
	{ "B, BL", 0x7c000000, 0x14000000, T_IMM26 },
	{ "B.cond, BC.cond", 0xff000000, 0x54000000, T_IMM19 },
	{ "CBZ, CBNZ", 0x7e000000, 0x34000000, T_IMM19 },
	{ "TBZ, TBNZ", 0x7e000000, 0x36000000, T_IMM14 },
	{ "BR", 0xfffffc1f, 0xd61f0000, T_REG },
	{ "BLR", 0xfffffc1f, 0xd63f0000, T_REG, true },
	{ "RET", 0xfffffc1f, 0xd65f0000, T_REG },
	{ "ADR, ADRP", 0x1f000000, 0x10000000, T_NONE },
	{ "LDR (literal, W)", 0xff000000, 0x18000000, T_LIT },
	{ "LDR (literal, X)", 0xff000000, 0x58000000, T_LIT },
	{ "LDRSW (literal)", 0xff000000, 0x98000000, T_LIT },
	{ "PRFM (literal)", 0xff000000, 0xd8000000, T_LIT },
	{ "LDR (literal, S)", 0xff000000, 0x1c000000, T_LIT, true },
	{ "LDR (literal, D)", 0xff000000, 0x5c000000, T_LIT, true },
	{ "LDR (literal, Q)", 0xff000000, 0x9c000000, T_LIT16, true },
	{ "NOP, YIELD", 0xffffffdf, 0xd503201f, T_NONE },
	{ "MRS DAIF, NZCV", 0xffffffc0, 0xd53b4200, T_NONE },
	{ "logical (shifted register)", 0x1f000000, 0x0a000000, T_NONE },
	{ "MOV (register, 64-bit)", 0xffe0ffe0, 0xaa0003e0, T_NONE },
	{ "ADD/SUB (immediate)", 0x3f800000, 0x11000000, T_NONE },
	{ "MOVN/MOVZ/MOVK", 0x1f800000, 0x12800000, T_NONE },
};

static s64 field_offset(u32 insn, enum target_kind kind)
{
	switch (kind) {
	case T_IMM26:
		return sign_extend64((insn & 0x3ffffff) << 2, 27);
	case T_IMM19:
	case T_LIT:
	case T_LIT16:
		return sign_extend64(((insn >> 5) & 0x7ffff) << 2, 20);
	case T_IMM14:
		return sign_extend64(((insn >> 5) & 0x3fff) << 2, 15);
	default:
		return 0;
	}
}

static u32 set_offset(u32 insn, enum target_kind kind, s64 off)
{
	switch (kind) {
	case T_IMM26:
		return (insn & ~0x3ffffffU) | ((off >> 2) & 0x3ffffff);
	case T_IMM19:
	case T_LIT:
	case T_LIT16:
		return (insn & ~(0x7ffffU << 5)) | (((off >> 2) & 0x7ffff) << 5);
	case T_IMM14:
		return (insn & ~(0x3fffU << 5)) | (((off >> 2) & 0x3fff) << 5);
	default:
		return insn;
	}
}

/* An offset that lands in one of the sleds of X (in bytes from X). */
static s64 sled_offset(struct diff_env *env)
{
	u32 r = prandom_u32_state(&env->rnd) % (2 * KPT_SLED + 2);

	if (r <= KPT_SLED)
		return -4 * (s64)(r + 1);		/* sled A and its end */
	return 4 + 4 * (s64)(r - KPT_SLED);		/* X + 4 and sled B */
}

struct class_stats {
	unsigned long ran, matched, skipped;
	unsigned long brk;	/* optimized tests: ran through the BRK instead */
};

/* Enough cases: random_per_class() of them, through a detour where one can run them. */
static bool class_done(const struct diff_env *env, const struct sim_class *sc,
		       const struct class_stats *st)
{
	if (env->opt && !sc->no_detour)
		return st->ran - st->brk >= random_per_class();
	return st->ran >= random_per_class();
}

static void run_sim_class(struct diff_env *env, const struct sim_class *sc,
			  struct class_stats *st)
{
	struct diff_ctx *in = kmalloc(sizeof(*in), GFP_KERNEL);
	u8 *stack = kmalloc(STACK_HI, GFP_KERNEL);
	unsigned long tries = 0;
	struct diff_case dc;
	int ret, ti = 0, si;

	if (!in || !stack)
		goto out;
	while (!class_done(env, sc, st) && tries++ < 20 * random_per_class()) {
		u32 insn = sc->value | (prandom_u32_state(&env->rnd) & ~sc->mask);
		s64 off;

		/*
		 * Between cases this thread is in no slot or trampoline: let
		 * RCU Tasks (slot quarantine, ftrace) see it, which a
		 * preempt=full kernel would not until the class is done.
		 */
		cond_resched_tasks_rcu_qs();

		/* BC.cond is FEAT_HBC: the CPU must know it for the native run */
		if (sc->value == 0x54000000 && !env->has_hbc)
			insn &= ~BIT(4);

		/* SP as a destination: run out of line, and tested with care elsewhere */
		if (sc->value == 0x11000000 && (insn & 31) == 31) {
			st->skipped++;
			continue;
		}
		memset(&dc, 0, sizeof(dc));
		random_state(env, in, stack);
		/* targets are relative to the X the case will run at */
		if (!pick_layout(insn, &ti, &si)) {
			st->skipped++;
			continue;
		}
		switch (sc->kind) {
		case T_IMM26:
		case T_IMM19:
		case T_IMM14:
			/* half the cases land in a sled, half anywhere in range */
			if (prandom_u32_state(&env->rnd) & 1)
				insn = set_offset(insn, sc->kind, sled_offset(env));
			off = field_offset(insn, sc->kind);
			dc.target = env->x[ti] + off;
			dc.target_code = true;
			break;
		case T_REG: {
			int rn = (insn >> 5) & 31;

			if (rn == 31)	/* BR XZR: a branch to address 0 */
				continue;
			/* x18 keeps the shadow call stack (see pick_layout()) */
			if (IS_ENABLED(CONFIG_SHADOW_CALL_STACK) && rn == 18) {
				st->skipped++;
				continue;
			}
			/*
			 * With a BTI kernel the sleds are guarded text: BR and
			 * BLR (natively, and simulated, which sets BTYPE the
			 * same way) must land on a landing pad.  They go to a
			 * far page instead, with a BTI JC at the target; RET
			 * sets no BTYPE and lands anywhere.
			 */
			dc.landing = IS_ENABLED(CONFIG_ARM64_BTI_KERNEL) && !(insn & BIT(22));
			off = sled_offset(env);
			if (dc.landing || prandom_u32_state(&env->rnd) % 4 == 0)
				off = (s64)(rnd64(env) % SZ_256M) - SZ_128M;
			off &= ~3LL;
			dc.target = env->x[ti] + off;
			dc.target_code = true;
			in->x_in[rn] = dc.target;
			break;
		}
		case T_LIT:
		case T_LIT16:
			off = field_offset(insn, sc->kind);
			dc.target = env->x[ti] + off;
			break;
		default:
			break;
		}
		/*
		 * A literal that overlaps the probed instruction itself reads
		 * the BRK under a probe: any software breakpoint does that.
		 */
		if ((sc->kind == T_LIT || sc->kind == T_LIT16) &&
		    dc.target + 16 > env->x[ti] && dc.target < env->x[ti] + 4) {
			st->skipped++;
			continue;
		}
		/* A literal load of the kernel image reads what is there. */
		if ((sc->kind == T_LIT || sc->kind == T_LIT16) &&
		    dc.target >= (unsigned long)_text && dc.target + 16 <= (unsigned long)_end)
			dc.target = 0;
		dc.insn = insn;
		dc.irqs_off = sc->kind != T_NONE || (prandom_u32_state(&env->rnd) & 1);
		dc.stepped = prandom_u32_state(&env->rnd) & 1;
		ret = run_case(env, sc->name, &dc, in, stack);
		if (ret == -EAGAIN) {
			st->skipped++;
			continue;
		}
		if (ret < 0)
			break;
		st->ran++;
		st->matched += ret;
		st->brk += env->opt && env->last_brk;
	}
out:
	kfree(in);
	kfree(stack);
}

static struct diff_env *diff_setup(struct kunit *test, bool opt);
static void diff_teardown(struct diff_env *env);

/*
 * Out-of-line classes: fixed encodings (from GNU as), each from random
 * states, boosted and stepped.  x1 and x2 point into ctx->data, x7 is a
 * small index; SP-relative stores stay at or above the test SP.
 */
struct xol_case {
	u32 insn;
	const char *text;
};

static const struct xol_case xol_cases[] = {
	{ 0x8b040060, "add x0, x3, x4" },
	{ 0x2b070cc5, "adds w5, w6, w7, lsl #3" },
	{ 0xcb8a1528, "sub x8, x9, x10, asr #5" },
	{ 0xf1048d8b, "subs x11, x12, #0x123" },
	{ 0x9a0f01cd, "adc x13, x14, x15" },
	{ 0x7a050083, "sbcs w3, w4, w5" },
	{ 0x9b0824e6, "madd x6, x7, x8, x9" },
	{ 0x9acc096a, "udiv x10, x11, x12" },
	{ 0x1acf0dcd, "sdiv w13, w14, w15" },
	{ 0x9b457c83, "smulh x3, x4, x5" },
	{ 0x9a851083, "csel x3, x4, x5, ne" },
	{ 0x1a88a4e6, "csinc w6, w7, w8, ge" },
	{ 0xfa4a8125, "ccmp x9, x10, #0x5, hi" },
	{ 0xb3783d8b, "bfi x11, x12, #8, #16" },
	{ 0x530325cd, "ubfx w13, w14, #3, #7" },
	{ 0x93c53483, "extr x3, x4, x5, #13" },
	{ 0xdac01126, "clz x6, x9" },
	{ 0x5ac00128, "rbit w8, w9" },
	{ 0xdac00d6a, "rev x10, x11" },
	{ 0x9ace4dac, "crc32x w12, w13, x14" },
	{ 0x92089c83, "and x3, x4, #0xff00ff00ff00ff00" },
	{ 0xb1400483, "adds x3, x4, #0x1, lsl #12" },
	{ 0x910043e3, "add x3, sp, #0x10" },
	{ 0xd10083ff, "sub sp, sp, #0x20" },
	{ 0x9100c3ff, "add sp, sp, #0x30" },
	{ 0xf9400423, "ldr x3, [x1, #8]" },
	{ 0xf8408c23, "ldr x3, [x1, #8]!" },
	{ 0xf85f8423, "ldr x3, [x1], #-8" },
	{ 0xb85fd024, "ldur w4, [x1, #-3]" },
	{ 0x3943fc25, "ldrb w5, [x1, #255]" },
	{ 0x789fe046, "ldursh x6, [x2, #-2]" },
	{ 0xf8677823, "ldr x3, [x1, x7, lsl #3]" },
	{ 0xf9000823, "str x3, [x1, #16]" },
	{ 0xb81fcc24, "str w4, [x1, #-4]!" },
	{ 0xa9bf1023, "stp x3, x4, [x1, #-16]!" },
	{ 0xa8c11043, "ldp x3, x4, [x2], #16" },
	{ 0x69401023, "ldpsw x3, x4, [x1]" },
	{ 0xa9011be5, "stp x5, x6, [sp, #16]" },
	{ 0xa8c17bfd, "ldp x29, x30, [sp], #16" },
	{ 0xa9bf7bfd, "stp x29, x30, [sp, #-16]!" },
	{ 0xf8230024, "ldadd x3, x4, [x1]" },
	{ 0xb8e50046, "ldaddal w5, w6, [x2]" },
	{ 0xf8238024, "swp x3, x4, [x1]" },
	{ 0xc8a37c24, "cas x3, x4, [x1]" },
	{ 0x88e5fc46, "casal w5, w6, [x2]" },
	{ 0xf823003f, "stadd x3, [x1]" },
	{ 0xf8633024, "ldsetl x3, x4, [x1]" },
	{ 0x48247c28, "casp x4, x5, x8, x9, [x1]" },
	{ 0xc8dffc23, "ldar x3, [x1]" },
	{ 0xc89ffc24, "stlr x4, [x1]" },
	{ 0xf8bfc045, "ldapr x5, [x2]" },
	{ 0x08dffc23, "ldarb w3, [x1]" },
	{ 0x4ee28420, "add v0.2d, v1.2d, v2.2d" },
	{ 0x1e652883, "fadd d3, d4, d5" },
	{ 0x9e6700e6, "fmov d6, x7" },
	{ 0x4e181d28, "mov v8.d[1], x9" },
	{ 0x4c40702a, "ld1 {v10.16b}, [x1]" },
	{ 0x4c00702b, "st1 {v11.16b}, [x1]" },
	{ 0x3dc0082c, "ldr q12, [x1, #32]" },
	{ 0x3c9f0c2d, "str q13, [x1, #-16]!" },
	{ 0x1e3009ee, "fmul s14, s15, s16" },
	{ 0x4e284820, "aese v0.16b, v1.16b" },
	{ 0x4cdfac34, "ld1 {v20.2d, v21.2d}, [x1], #32" },
	{ 0xd503233f, "paciasp" },
	{ 0xd503237f, "pacibsp" },
	{ 0xd50320ff, "xpaclri" },
	{ 0xd503245f, "bti c" },
	{ 0xd5033bbf, "dmb ish" },
	{ 0xd5033f9f, "dsb sy" },
	{ 0xd5033fdf, "isb" },
	{ 0xd5033f5f, "clrex" },
	{ 0xd5384103, "mrs x3, sp_el0" },
	{ 0xd538d084, "mrs x4, tpidr_el1" },
	{ 0xd53b0025, "mrs x5, ctr_el0" },
	{ 0xd5380006, "mrs x6, midr_el1" },
	{ 0xd5384247, "mrs x7, currentel" },
	{ 0xd53b4408, "mrs x8, fpcr" },
};

#define XOL_STATES	16

/* PACIA X17, X16 (HINT #8): sign @v with key A and modifier @mod */
static u64 pac_sign(u64 v, u64 mod)
{
	register u64 x17 asm("x17") = v;
	register u64 x16 asm("x16") = mod;

	asm volatile("hint #8" : "+r" (x17) : "r" (x16));
	return x17;
}

static void xol_classes(struct kunit *test, bool opt)
{
	struct diff_env *env;
	struct diff_ctx *in;
	u8 *stack;
	unsigned long ran = 0, matched = 0, skipped = 0, brk = 0;
	/* on a BTI kernel, PACIASP, PACIBSP and BTI C are landing pads: never optimized */
	unsigned long pads = IS_ENABLED(CONFIG_ARM64_BTI_KERNEL) ? 3 * 2 * XOL_STATES : 0;
	struct diff_case dc;
	int i, k, ret;
	u64 sp;

	if (opt && !IS_ENABLED(CONFIG_OPTPROBES))
		kunit_skip(test, "no jump-optimized kprobes in this kernel");
	env = diff_setup(test, opt);
	KUNIT_ASSERT_NOT_NULL(test, env);
	in = kunit_kmalloc(test, sizeof(*in), GFP_KERNEL);
	stack = kunit_kmalloc(test, STACK_HI, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, stack);

	for (i = 0; i < ARRAY_SIZE(xol_cases); i++) {
		cond_resched_tasks_rcu_qs();
		for (k = 0; k < 2 * XOL_STATES; k++) {
			memset(&dc, 0, sizeof(dc));
			random_state(env, in, stack);
			in->x_in[7] &= 15;
			dc.insn = xol_cases[i].insn;
			dc.data_regs = true;
			dc.irqs_off = true;
			dc.stepped = k & 1;
			ret = run_case(env, xol_cases[i].text, &dc, in, stack);
			if (ret < 0) {
				skipped++;
				continue;
			}
			ran++;
			matched += ret;
			brk += opt && env->last_brk;
		}
	}

	/* AUTIASP needs a pointer signed with this SP (the test SP is fixed). */
	sp = env->ctx->sp_in;
	for (k = 0; k < 2 * XOL_STATES; k++) {
		memset(&dc, 0, sizeof(dc));
		random_state(env, in, stack);
		in->x_in[30] = pac_sign((u64)kpt_xol_add, sp);
		dc.insn = 0xd50323bf;	/* autiasp */
		dc.data_regs = true;
		dc.irqs_off = true;
		dc.stepped = k & 1;
		ret = run_case(env, "autiasp", &dc, in, stack);
		if (ret < 0) {
			skipped++;
			continue;
		}
		ran++;
		matched += ret;
		brk += opt && env->last_brk;
		KUNIT_EXPECT_EQ(test, env->ctx->x_out[30], (u64)kpt_xol_add);
	}

	kunit_info(test, "%zu out-of-line encodings + autiasp: ran %lu, matched %lu (skipped %lu)%s",
		   ARRAY_SIZE(xol_cases), ran, matched, skipped,
		   opt ? ", through optimized probes" : "");
	KUNIT_EXPECT_EQ(test, skipped, 0UL);
	KUNIT_EXPECT_EQ(test, matched, ran);
	if (opt)
		KUNIT_EXPECT_EQ_MSG(test, brk, pads, "cases that did not run in a detour");
	diff_teardown(env);
}

static void test_xol_classes(struct kunit *test)
{
	xol_classes(test, false);
}

static void test_xol_classes_optimized(struct kunit *test)
{
	xol_classes(test, true);
}

static struct diff_env *diff_setup(struct kunit *test, bool opt)
{
	struct diff_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	u32 xol = 0x8b000000;	/* add x0, x0, x0: run out of line */
	int ti, ret;

	if (!env)
		return NULL;
	env->test = test;
	env->ctx = kunit_kzalloc(test, sizeof(*env->ctx), GFP_KERNEL);
	if (!env->ctx)
		return NULL;
	env->x[0] = kpt_diff_x27;
	env->x[1] = kpt_diff_x28;
	prandom_seed_state(&env->rnd, seed);
	env->has_hbc = cpuid_feature_extract_unsigned_field(read_sysreg_s(SYS_ID_AA64ISAR2_EL1),
							    ID_AA64ISAR2_EL1_BC_SHIFT) >= 1;
	if (!env->has_hbc)
		kunit_info(test, "no FEAT_HBC: BC.cond is not run (it would be undefined here)");
	ret = gen_code(env);
	KUNIT_ASSERT_EQ(test, ret, 0);
	/*
	 * The BRK tests keep these probes out of the optimizer, whose
	 * detour would not follow the probed instruction otherwise; the
	 * optimized ones need both probes optimized, and rebuild the detour
	 * with each instruction.
	 */
	env->opt = opt;
	/* no optimized probe left at X by a test before, unregistered but not gone */
	arm64_optprobes_wait_for_test();
	arm64_optprobes_hold_for_test(!opt);
	for (ti = 0; ti < NT; ti++) {
		env->cur[ti] = NS;	/* no layout yet */
		ret = write_text(env->x[ti], &xol, 1);
		env->kp[ti].addr = (kprobe_opcode_t *)env->x[ti];
		ret = ret ?: register_kprobe(&env->kp[ti]);
		if (ret)
			break;
	}
	arm64_optprobes_hold_for_test(false);
	for (ti = 0; !ret && opt && ti < NT; ti++) {
		/* in QEMU's -cpu max, and with this module in range of the detours */
		KUNIT_EXPECT_TRUE_MSG(test, arm64_optprobe_near_for_test(env->x[ti]),
				      "X = %#lx: out of range of the detours, or PSTATE unreadable",
				      env->x[ti]);
		if (!arm64_optprobe_optimized_for_test(&env->kp[ti]))
			ret = -EBUSY;
	}
	/*
	 * The env is test-managed memory: leave no probe in it.  Unregistering
	 * one that never was registered only finds no probe at its address.
	 */
	if (ret)
		for (ti = 0; ti < NT; ti++)
			if (env->kp[ti].addr)
				unregister_kprobe(&env->kp[ti]);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "%s", ret == -EBUSY ? "probes not optimized" :
					       "registration");
	return env;
}

static void diff_teardown(struct diff_env *env)
{
	u32 xol = 0x8b000000, site;
	int ti;

	for (ti = 0; ti < NT; ti++) {
		/* what the disarm writes back must be what is there */
		if (env->opt) {
			/* and the B the core's unoptimization replaces */
			if (!arm64_optprobe_retarget_for_test(&env->kp[ti], xol, &site))
				write_text(env->x[ti], &site, 1);
		} else {
			arm64_kprobe_retarget_for_test(&env->kp[ti], xol);
		}
		unregister_kprobe(&env->kp[ti]);
	}
	/* the unoptimization is queued: done and gone before the next test */
	if (env->opt)
		arm64_optprobes_wait_for_test();
}

static void sim_class_desc(const struct sim_class *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sim_class, sim_classes, sim_class_desc);

/*
 * One class per parameter: each runs within KUnit's time limit for one
 * case, even on a debug kernel under emulation.  A class's encodings
 * come from the seed and the class's index, whatever ran before it.
 */
static void simulated_classes(struct kunit *test, bool opt)
{
	const struct sim_class *c = test->param_value;
	struct class_stats st = {};
	struct diff_env *env;

	if (opt && !IS_ENABLED(CONFIG_OPTPROBES))
		kunit_skip(test, "no jump-optimized kprobes in this kernel");
	env = diff_setup(test, opt);
	KUNIT_ASSERT_NOT_NULL(test, env);
	prandom_seed_state(&env->rnd, seed + (c - sim_classes));
	run_sim_class(env, c, &st);
	kunit_info(test, "%s: seed %#lx + %td, ran %lu, matched %lu (skipped %lu), far pages %lu",
		   c->name, seed, c - sim_classes, st.ran, st.matched, st.skipped,
		   env->far_pages);
	KUNIT_EXPECT_EQ(test, st.matched, st.ran);
	if (!opt) {
		KUNIT_EXPECT_EQ(test, st.ran, random_per_class());
	} else if (c->no_detour) {
		kunit_info(test, "%s: never optimized, all %lu through the BRK", c->name, st.brk);
		KUNIT_EXPECT_EQ(test, st.ran, random_per_class());
		KUNIT_EXPECT_EQ(test, st.brk, st.ran);
	} else {
		/* through the BRK: branch targets out of range of the detour, LDR XZR */
		kunit_info(test, "%s: %lu through a detour, %lu through the BRK",
			   c->name, st.ran - st.brk, st.brk);
		KUNIT_EXPECT_EQ(test, st.ran - st.brk, random_per_class());
	}
	diff_teardown(env);
}

static void test_simulated_classes(struct kunit *test)
{
	simulated_classes(test, false);
}

/* The same encodings, through a jump-optimized probe where one can run them. */
static void test_simulated_classes_optimized(struct kunit *test)
{
	simulated_classes(test, true);
}

static struct kunit_case insn_cases[] = {
	KUNIT_CASE_PARAM_ATTR(test_simulated_classes, sim_class_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(test_xol_classes),
	KUNIT_CASE_PARAM_ATTR(test_simulated_classes_optimized, sim_class_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(test_xol_classes_optimized),
	{}
};

static struct kunit_suite insn_suite = {
	.name = "arm64_kprobes_insn",
	.test_cases = insn_cases,
};

kunit_test_suite(insn_suite);
