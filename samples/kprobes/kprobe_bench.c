// SPDX-License-Identifier: GPL-2.0-only
/*
 * kprobe_bench: what a probe hit costs, per kind of probed instruction.
 *
 * The probed code is in this module, written in assembly so that every
 * kernel measures the same instructions:
 *
 *   bench_fn:  mov x9, x30          <- "entry" (what ftrace leaves at +0)
 *              nop                  (the ftrace call site)
 *              paciasp
 *              stp x29, x30, [sp, #-16]!
 *              mov x29, sp
 *              ldr x2, [x1]         <- "xol" (out of line), "post" (+post_handler)
 *              cmp x0, x2
 *              b.ne 1f              <- "bcond"
 *           1: bl bench_leaf        <- "bl"
 *              ldp x29, x30, [sp], #16
 *              autiasp
 *              ret                  <- "ret"
 *
 * Writing "all N" to /sys/kernel/debug/kprobe_bench/run measures N calls
 * of bench_fn without a probe and with a probe on each site, and a
 * kretprobe, and prints "kprobe_bench: <scenario> <ns per call>" lines
 * (the probe cost is the difference to "baseline").  "lifecycle N" times
 * register + arm + disarm + unregister of N probes on NOPs and on ADDs;
 * "hold N"/"release 1" keep N out-of-line probes registered so that their
 * slot pages can be counted; "calls N" only runs the calls, for probes set
 * up from user space (kprobe_events) on bench_kev_fn.  "opt N" measures the
 * sites again once the kprobes optimizer has turned each probe into a jump
 * (where the kernel has jump-optimized kprobes); "all" and "lifecycle" are
 * meant to run with debug.kprobes-optimization=0, so that they measure
 * breakpoint probes whatever the optimizer's timing.  "optwait BASE OFF"
 * waits until the kernel text at BASE + OFF (hex) is a jump: the probes of
 * kprobe_events are optimized by then.
 *
 * With QEMU's -icount shift=0 a nanosecond is one guest instruction, so
 * the numbers are instruction counts and repeat exactly.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kprobe_bench.h"

asm("	.pushsection .text, \"ax\"\n"
"	.balign	16\n"
"	.globl	bench_fn\n"
"	.type	bench_fn, %function\n"
"bench_fn:\n"
"	.globl	bench_site_entry\n"
"bench_site_entry:\n"
"	mov	x9, x30\n"
"	nop\n"
"	hint	#25\n"			/* paciasp */
"	stp	x29, x30, [sp, #-16]!\n"
"	mov	x29, sp\n"
"	.globl	bench_site_xol\n"
"bench_site_xol:\n"
"	ldr	x2, [x1]\n"
"	cmp	x0, x2\n"
"	.globl	bench_site_bcond\n"
"bench_site_bcond:\n"
"	b.ne	1f\n"
"1:\n"
"	.globl	bench_site_bl\n"
"bench_site_bl:\n"
"	bl	bench_leaf\n"
"	ldp	x29, x30, [sp], #16\n"
"	hint	#29\n"			/* autiasp */
"	.globl	bench_site_ret\n"
"bench_site_ret:\n"
"	ret\n"
"	.size	bench_fn, . - bench_fn\n"
"	.globl	bench_leaf\n"
"	.type	bench_leaf, %function\n"
"bench_leaf:\n"
"	add	x0, x0, #1\n"
"	ret\n"
"	.size	bench_leaf, . - bench_leaf\n"
/* 1024 NOPs and 2048 ADDs (run out of line) for the register tests */
"	.globl	bench_nops\n"
"bench_nops:\n"
"	.rept	1024\n"
"	nop\n"
"	.endr\n"
"	.globl	bench_adds\n"
"bench_adds:\n"
"	.rept	2048\n"
"	add	x0, x0, x1, lsl #1\n"
"	.endr\n"
"	.globl	bench_adds_end\n"
"bench_adds_end:\n"
"	ret\n"
"	.popsection\n"
);

static u64 bench_word = 42;

/*
 * kprobe_events only probe functions that ftrace can trace: the
 * kprobe_events scenario uses this C function (its first instruction is
 * ftrace's "mov x9, x30", like bench_fn's).
 */
noinline u64 bench_kev_fn(u64 a, const u64 *p)
{
	return a + READ_ONCE(*p);
}

static unsigned long bench_hits;

static int bench_pre(struct kprobe *kp, struct pt_regs *regs)
{
	bench_hits++;
	return 0;
}

static void bench_post(struct kprobe *kp, struct pt_regs *regs, unsigned long flags)
{
}

static int bench_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	bench_hits++;
	return 0;
}

/* ns per call of bench_fn over n calls */
static u64 time_calls(unsigned long n)
{
	u64 t0, t1, sum = 0;
	unsigned long i;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		sum += bench_fn(i, &bench_word);
	t1 = ktime_get_ns();
	/* keep the loop */
	WRITE_ONCE(bench_word, READ_ONCE(bench_word) + (sum & 0));
	return div64_u64(t1 - t0, n);
}

/* ns per call of bench_kev_fn over n calls */
static u64 time_kev_calls(unsigned long n)
{
	u64 t0, t1, sum = 0;
	unsigned long i;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		sum += bench_kev_fn(i, &bench_word);
	t1 = ktime_get_ns();
	WRITE_ONCE(bench_word, READ_ONCE(bench_word) + (sum & 0));
	return div64_u64(t1 - t0, n);
}

static void report(const char *name, u64 ns, unsigned long hits, unsigned long n)
{
	pr_info("%s %llu ns/call hits=%lu/%lu\n", name, ns, hits, n);
}

/* Is the instruction at @site a B (an optimized probe's jump to its detour)? */
static bool site_jumps(const char *site)
{
	u32 insn = le32_to_cpu(READ_ONCE(*(const __le32 *)site));

	return (insn & 0xfc000000) == 0x14000000;
}

/*
 * With @opt, wait until the kprobes optimizer has replaced the probe's BRK
 * with a jump (it runs some jiffies after a probe is armed), for at most
 * 5 s; else the caller has turned optimization off (debug.kprobes-optimization).
 */
static int wait_optimized(const char *name, const char *site, bool opt)
{
	int i;

	for (i = 0; opt && !site_jumps(site); i++) {
		if (i == 250) {
			pr_info("%s error not optimized\n", name);
			return -ETIMEDOUT;
		}
		msleep(20);
	}
	return 0;
}

static int bench_kprobe(const char *name, const char *site, bool post, bool opt,
			unsigned long n)
{
	struct kprobe kp = {
		.addr = (kprobe_opcode_t *)site,
		.pre_handler = bench_pre,
		.post_handler = post ? bench_post : NULL,
	};
	int ret;
	u64 ns;

	ret = register_kprobe(&kp);
	if (ret) {
		pr_info("%s error %d\n", name, ret);
		return ret;
	}
	ret = wait_optimized(name, site, opt);
	if (ret) {
		unregister_kprobe(&kp);
		return ret;
	}
	bench_hits = 0;
	ns = time_calls(n);
	unregister_kprobe(&kp);
	report(name, ns, bench_hits, n);
	return 0;
}

static int bench_kretprobe(const char *name, bool opt, unsigned long n)
{
	struct kretprobe rp = {
		.kp.addr = (kprobe_opcode_t *)bench_fn,
		.handler = bench_ret,
		.maxactive = 4,
	};
	int ret;
	u64 ns;

	ret = register_kretprobe(&rp);
	if (ret) {
		pr_info("%s error %d\n", name, ret);
		return ret;
	}
	ret = wait_optimized(name, (const char *)bench_fn, opt);
	if (ret) {
		unregister_kretprobe(&rp);
		return ret;
	}
	bench_hits = 0;
	ns = time_calls(n);
	unregister_kretprobe(&rp);
	report(name, ns, bench_hits, n);
	return 0;
}

static struct kprobe *held[2];
static unsigned long nheld[2];

static struct kprobe *alloc_probes(const char *block, unsigned long n, struct kprobe ***listp)
{
	struct kprobe *kps, **list;
	unsigned long i;

	kps = kcalloc(n, sizeof(*kps), GFP_KERNEL);
	list = kcalloc(n, sizeof(*list), GFP_KERNEL);
	if (!kps || !list) {
		kfree(kps);
		kfree(list);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		kps[i].addr = (kprobe_opcode_t *)(block + 4 * i);
		kps[i].pre_handler = bench_pre;
		list[i] = &kps[i];
	}
	*listp = list;
	return kps;
}

/* register + arm, then disarm + unregister, of n probes on a block */
static int bench_lifecycle(const char *name, const char *block, unsigned long n)
{
	struct kprobe *kps, **list;
	unsigned long j;
	u64 t0, t1, t2;
	int ret;

	n = min(n, 1024UL);
	kps = alloc_probes(block, n, &list);
	if (!kps)
		return -ENOMEM;
	/*
	 * Start on a tick edge: unregistering waits for RCU grace periods,
	 * which end on ticks, so the time measured would otherwise depend on
	 * where in a tick the previous scenario happened to finish.
	 */
	j = jiffies;
	while (time_before_eq(jiffies, j))
		cpu_relax();
	t0 = ktime_get_ns();
	ret = register_kprobes(list, n);
	t1 = ktime_get_ns();
	if (!ret)
		unregister_kprobes(list, n);
	t2 = ktime_get_ns();
	if (ret)
		pr_info("%s error %d\n", name, ret);
	else
		pr_info("%s %lu probes: register+arm %llu ns, disarm+unregister %llu ns\n",
			name, n, t1 - t0, t2 - t1);
	kfree(list);
	kfree(kps);
	return ret;
}

/*
 * Keep n out-of-line probes registered so that their slot pages can be
 * counted; a second "hold" adds n more on the next ADDs (slot memory is
 * measured on the second batch, which cannot reuse partly used pages).
 */
static int bench_hold(unsigned long n)
{
	int k = held[0] ? 1 : 0;
	struct kprobe **list;
	int ret;

	if (held[1])
		return -EBUSY;
	n = min(n, 1024UL);
	held[k] = alloc_probes((const char *)bench_adds + k * 4096, n, &list);
	if (!held[k])
		return -ENOMEM;
	ret = register_kprobes(list, n);
	kfree(list);
	if (ret) {
		kfree(held[k]);
		held[k] = NULL;
		return ret;
	}
	nheld[k] = n;
	pr_info("holding %lu more probes\n", n);
	return 0;
}

static void bench_release(void)
{
	unsigned long i;
	int k;

	for (k = 0; k < 2; k++) {
		if (!held[k])
			continue;
		for (i = 0; i < nheld[k]; i++)
			unregister_kprobe(&held[k][i]);
		kfree(held[k]);
		held[k] = NULL;
		nheld[k] = 0;
	}
}

static void bench_all(unsigned long n)
{
	report("baseline", time_calls(n), 0, n);
	bench_kprobe("entry", (const char *)bench_site_entry, false, false, n);
	bench_kprobe("xol", (const char *)bench_site_xol, false, false, n);
	bench_kprobe("post", (const char *)bench_site_xol, true, false, n);
	bench_kprobe("bcond", (const char *)bench_site_bcond, false, false, n);
	bench_kprobe("bl", (const char *)bench_site_bl, false, false, n);
	bench_kprobe("ret", (const char *)bench_site_ret, false, false, n);
	bench_kretprobe("kretprobe", false, n);
}

/* The same sites, each measured once its probe is optimized. */
static void bench_opt(unsigned long n)
{
	bench_kprobe("opt-entry", (const char *)bench_site_entry, false, true, n);
	bench_kprobe("opt-xol", (const char *)bench_site_xol, false, true, n);
	bench_kprobe("opt-bcond", (const char *)bench_site_bcond, false, true, n);
	bench_kprobe("opt-bl", (const char *)bench_site_bl, false, true, n);
	bench_kprobe("opt-ret", (const char *)bench_site_ret, false, true, n);
	bench_kretprobe("opt-kretprobe", true, n);
}

static ssize_t run_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	char buf[64], what[16];
	unsigned long n, base, off;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	/* "optwait BASE OFF" (hex): wait until the probe at BASE + OFF is a jump */
	if (sscanf(buf, "optwait %lx %lx", &base, &off) == 2)
		return wait_optimized("optwait", (const char *)(base + off), true) ?: count;
	if (sscanf(buf, "%15s %lu", what, &n) != 2 || !n)
		return -EINVAL;

	if (!strcmp(what, "all")) {
		bench_all(n);
	} else if (!strcmp(what, "opt")) {
		bench_opt(n);
	} else if (!strcmp(what, "calls")) {
		report("calls", time_kev_calls(n), 0, n);
	} else if (!strcmp(what, "lifecycle")) {
		bench_lifecycle("lifecycle-nop", (const char *)bench_nops, n);
		bench_lifecycle("lifecycle-xol", (const char *)bench_adds, n);
	} else if (!strcmp(what, "hold")) {
		bench_hold(n);
	} else if (!strcmp(what, "release")) {
		bench_release();
	} else {
		return -EINVAL;
	}
	return count;
}

static const struct file_operations run_fops = {
	.write = run_write,
};

static struct dentry *bench_dir;

static int __init kprobe_bench_init(void)
{
	bench_dir = debugfs_create_dir("kprobe_bench", NULL);
	debugfs_create_file("run", 0200, bench_dir, NULL, &run_fops);
	return 0;
}

static void __exit kprobe_bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_release();
}

module_init(kprobe_bench_init);
module_exit(kprobe_bench_exit);
MODULE_DESCRIPTION("Cost of a kprobe hit per kind of probed instruction");
MODULE_LICENSE("GPL");
