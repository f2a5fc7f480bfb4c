// SPDX-License-Identifier: GPL-2.0-only
/*
 * kprobe_stress: the probe owner of the stress suite
 * (harness/guest/suite-stress.sh).  Built outside the tree, as the
 * benchmark module is, so that both IMPLs run the same code; it uses the
 * generic kprobes API only.
 *
 * debugfs kprobe_stress/:
 *   targets  (w)  lines "<hex address> <name>", appended; "clear" empties
 *   cmd      (w)  one command per write, done when the write returns:
 *                   register kprobe|kretprobe BATCH SECS
 *                       every target, BATCH at a time with
 *                       register_k(ret)probes() (a refused batch is retried
 *                       one by one), until SECS have passed (0: no limit);
 *                       ks_cal_fn() is always the first target
 *                   calibrate N   call ks_cal_fn() N times, check each result
 *                   stats         hits, nmissed, probes hit
 *                   unregister BATCH
 *                   symreg NAME   a kprobe and a kretprobe on NAME (a
 *                       module's function too); the write fails with
 *                       the registration's error and keeps nothing
 *                   symstat       their counts, and whether they are gone
 *                   symunreg      unregister them all
 *                   branchwait ADDR  wait until the word at ADDR (hex)
 *                       is a B: an optimized probe's jump is in place
 *                   churn SECS    one thread per CPU (bound to it) calls
 *                       ks_churn_fn()
 *                       while as many register, disable, enable and
 *                       unregister kprobes on its entry and three
 *                       instructions after it (the same and neighbouring
 *                       addresses); every probe's
 *                       hits are checked against the calls made while it
 *                       was armed
 *   status   (r)  "key=value" lines of the last command
 *   calls    (r)  ks_churn_fn() calls completed so far in a running "churn",
 *                 in all and on each CPU with a caller:
 *                 "<total> <cpu>:<calls> ..."
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define NAME_LEN	48
#define MAX_TARGETS	65536

struct sprobe {
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
	atomic_long_t hits;	/* pre_handler, or kretprobe return handler */
	atomic_long_t entries;	/* kretprobe entry_handler */
	int err;		/* registration: 0 registered, 1 not tried */
	char name[NAME_LEN];
};

static struct sprobe *sp;
static unsigned long *addrs;
static unsigned int ntargets;
static bool kret;		/* what the registered probes are */
static bool registered;
static char status[1024];
static DEFINE_MUTEX(lock);
static char partial[96];	/* a target line split across writes */
static unsigned int partial_len;

/* The calibrated target: every call is counted by the caller. */
static noinline u64 ks_cal_fn(u64 a)
{
	asm volatile("" : "+r" (a));
	return a * 7 + 3;
}

static int sp_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(kp, struct sprobe, kp)->hits);
	return 0;
}
NOKPROBE_SYMBOL(sp_pre);

static int sp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(get_kretprobe(ri), struct sprobe, rp)->entries);
	return 0;
}
NOKPROBE_SYMBOL(sp_entry);

static int sp_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(get_kretprobe(ri), struct sprobe, rp)->hits);
	return 0;
}
NOKPROBE_SYMBOL(sp_ret);

static void sp_init(struct sprobe *s, unsigned long addr)
{
	char name[NAME_LEN];

	memcpy(name, s->name, NAME_LEN);
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, NAME_LEN);
	s->err = 1;
	if (kret) {
		s->rp.kp.addr = (kprobe_opcode_t *)addr;
		s->rp.entry_handler = sp_entry;
		s->rp.handler = sp_ret;
	} else {
		s->kp.addr = (kprobe_opcode_t *)addr;
		s->kp.pre_handler = sp_pre;
	}
}

static bool past(unsigned long end)
{
	return (end && time_after(jiffies, end)) || fatal_signal_pending(current);
}

static unsigned long nmissed_of(struct sprobe *s)
{
	return kret ? s->rp.kp.nmissed : s->kp.nmissed;
}

static void do_unregister(unsigned int batch)
{
	void **list = kmalloc_array(batch, sizeof(void *), GFP_KERNEL);
	unsigned long t0 = jiffies;
	unsigned int i, n, done = 0;

	if (!list) {
		batch = 1;
		list = kmalloc(sizeof(void *), GFP_KERNEL);
		if (!list)
			return;
	}
	for (i = 0; i < ntargets; ) {
		for (n = 0; n < batch && i < ntargets; i++)
			if (!sp[i].err)
				list[n++] = kret ? (void *)&sp[i].rp : (void *)&sp[i].kp;
		if (kret)
			unregister_kretprobes((struct kretprobe **)list, n);
		else
			unregister_kprobes((struct kprobe **)list, n);
		done += n;
		cond_resched();
	}
	kfree(list);
	registered = false;
	scnprintf(status, sizeof(status), "unregistered=%u\nsecs=%u\n", done,
		  jiffies_to_msecs(jiffies - t0) / 1000);
}

static int do_register(bool want_kret, unsigned int batch, unsigned int secs)
{
	unsigned long t0 = jiffies, end = secs ? t0 + secs * HZ : 0;
	unsigned int i, j, n, accepted = 0, einval = 0, other = 0, tried = 0;
	char first_refused[160] = "";
	void **list;
	int ret;

	if (registered)
		return -EBUSY;
	if (!batch || batch > 4096)
		return -EINVAL;
	list = kmalloc_array(batch, sizeof(void *), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	kret = want_kret;
	for (i = 0; i < ntargets; i++)
		sp_init(&sp[i], addrs[i]);
	registered = true;
	for (i = 0; i < ntargets && !past(end); i += n) {
		n = min(batch, ntargets - i);
		for (j = 0; j < n; j++)
			list[j] = kret ? (void *)&sp[i + j].rp : (void *)&sp[i + j].kp;
		ret = kret ? register_kretprobes((struct kretprobe **)list, n) :
			     register_kprobes((struct kprobe **)list, n);
		if (!ret) {
			for (j = 0; j < n; j++)
				sp[i + j].err = 0;
		} else {
			/* all or nothing: find the refused ones one by one */
			for (j = i; j < i + n; j++) {
				sp_init(&sp[j], addrs[j]);
				sp[j].err = kret ? register_kretprobe(&sp[j].rp) :
						   register_kprobe(&sp[j].kp);
			}
		}
		for (j = i; j < i + n; j++) {
			if (!sp[j].err) {
				accepted++;
				continue;
			}
			if (sp[j].err == -EINVAL)
				einval++;
			else
				other++;
			if (strlen(first_refused) < 100)
				scnprintf(first_refused + strlen(first_refused),
					  sizeof(first_refused) - strlen(first_refused),
					  "%s%s:%d", first_refused[0] ? "," : "",
					  sp[j].name, sp[j].err);
		}
		tried += n;
		cond_resched();
	}
	kfree(list);
	/* the ones never tried (deadline) are not registered */
	for (j = tried; j < ntargets; j++)
		sp[j].err = 1;
	scnprintf(status, sizeof(status),
		  "candidates=%u\ntried=%u\naccepted=%u\nrefused_einval=%u\nrefused_other=%u\n"
		  "deadline_hit=%d\nsecs=%u\nfirst_refused=%s\n",
		  ntargets, tried, accepted, einval, other, tried < ntargets,
		  jiffies_to_msecs(jiffies - t0) / 1000, first_refused);
	return 0;
}

static void do_stats(void)
{
	unsigned long hits = 0, missed = 0, entries = 0, rpmissed = 0, hit = 0, worst = 0;
	unsigned int i, worst_i = 0;

	for (i = 0; i < ntargets; i++) {
		unsigned long h = atomic_long_read(&sp[i].hits);

		if (sp[i].err)
			continue;
		hits += h;
		hit += h > 0;
		missed += nmissed_of(&sp[i]);
		if (nmissed_of(&sp[i]) > worst) {
			worst = nmissed_of(&sp[i]);
			worst_i = i;
		}
		if (kret) {
			entries += atomic_long_read(&sp[i].entries);
			rpmissed += sp[i].rp.nmissed;
		}
	}
	scnprintf(status, sizeof(status),
		  "hits=%lu\nprobes_hit=%lu\nnmissed=%lu\nworst_missed=%s:%lu\nentries=%lu\n"
		  "rp_nmissed=%lu\n", hits, hit, missed, worst ? sp[worst_i].name : "-", worst,
		  entries, rpmissed);
}

/* ks_cal_fn() is target 0: its hits must be exactly the calls. */
static void do_calibrate(unsigned long n)
{
	unsigned long h0 = 0, e0 = 0, i, bad = 0;
	bool on = registered && ntargets && !sp[0].err;

	if (on) {
		h0 = atomic_long_read(&sp[0].hits);
		e0 = atomic_long_read(&sp[0].entries);
	}
	for (i = 0; i < n && !fatal_signal_pending(current); i++)
		if (ks_cal_fn(i) != i * 7 + 3)
			bad++;
	scnprintf(status, sizeof(status), "cal_calls=%lu\ncal_hits=%ld\ncal_entries=%ld\n"
		  "cal_bad=%lu\ncal_probed=%d\n", i,
		  on ? atomic_long_read(&sp[0].hits) - h0 : -1L,
		  on ? atomic_long_read(&sp[0].entries) - e0 : -1L, bad, on);
}

/* ---- symreg / symstat / symunreg: probes on a named function ---- */
#define NSYMS	4
struct symprobe {
	struct kprobe kp;
	struct kretprobe rp;
	atomic_long_t hits, entries, rets;
	char name[NAME_LEN];
};
static struct symprobe syms[NSYMS];
static unsigned int nsyms;

static int sym_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(kp, struct symprobe, kp)->hits);
	return 0;
}
NOKPROBE_SYMBOL(sym_pre);

static int sym_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(get_kretprobe(ri), struct symprobe, rp)->entries);
	return 0;
}
NOKPROBE_SYMBOL(sym_entry);

static int sym_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(get_kretprobe(ri), struct symprobe, rp)->rets);
	return 0;
}
NOKPROBE_SYMBOL(sym_ret);

static int do_symreg(const char *name)
{
	struct symprobe *s;
	int ret;

	if (nsyms >= NSYMS)
		return -ENOSPC;
	s = &syms[nsyms];
	memset(s, 0, sizeof(*s));
	strscpy(s->name, name, NAME_LEN);
	s->kp.symbol_name = s->name;
	s->kp.pre_handler = sym_pre;
	s->rp.kp.symbol_name = s->name;
	s->rp.entry_handler = sym_entry;
	s->rp.handler = sym_ret;
	s->rp.maxactive = 16;
	ret = register_kprobe(&s->kp);
	if (ret)
		return ret;
	ret = register_kretprobe(&s->rp);
	if (ret) {
		unregister_kprobe(&s->kp);
		return ret;
	}
	nsyms++;
	scnprintf(status, sizeof(status), "registered=%s\n", name);
	return 0;
}

static void do_symstat(void)
{
	unsigned int i;
	size_t n = 0;

	status[0] = '\0';
	for (i = 0; i < nsyms; i++) {
		struct symprobe *s = &syms[i];

		n += scnprintf(status + n, sizeof(status) - n,
			       "sym%u=%s hits=%ld entries=%ld rets=%ld gone=%d missed=%lu rp_missed=%d\n",
			       i, s->name, atomic_long_read(&s->hits),
			       atomic_long_read(&s->entries), atomic_long_read(&s->rets),
			       kprobe_gone(&s->kp) && kprobe_gone(&s->rp.kp),
			       s->kp.nmissed + s->rp.kp.nmissed, s->rp.nmissed);
	}
}

static void do_symunreg(void)
{
	unsigned int i;

	for (i = 0; i < nsyms; i++) {
		unregister_kprobe(&syms[i].kp);
		unregister_kretprobe(&syms[i].rp);
	}
	scnprintf(status, sizeof(status), "unregistered=%u\n", nsyms);
	nsyms = 0;
}

/* ---- churn ---- */
/*
 * The probed offsets: the entry, and three neighbouring instructions after
 * the two NOPs that -fpatchable-function-entry puts at the entry (+4 is
 * inside ftrace's call site, which the core refuses).
 */
static const unsigned int churn_offs[] = { 0, 8, 12, 16 };
static noinline u64 ks_churn_fn(u64 a)
{
	u64 b = a ^ 0x5a5a;

	asm volatile("" : "+r" (a), "+r" (b));
	a = a * 5 + (b >> 3);
	asm volatile("" : "+r" (a));
	return a + b;
}

static u64 churn_ref(u64 a)
{
	u64 b = a ^ 0x5a5a;

	return a * 5 + (b >> 3) + b;
}

struct churner {
	struct kprobe kp;
	atomic_long_t hits;
	unsigned long iters, armed, refused, bad, first_errno, first_off;
	char why[96];
};

static atomic_long_t churn_calls, churn_wrong;
/* calls completed on each CPU of churn_cpus: each caller is bound to one */
static atomic_long_t churn_cpu_calls[NR_CPUS];
static struct cpumask churn_cpus;
static bool churn_stop;
static unsigned int churn_ncallers;

static int churn_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&container_of(kp, struct churner, kp)->hits);
	return 0;
}
NOKPROBE_SYMBOL(churn_pre);

static int churn_caller(void *data)
{
	atomic_long_t *cpu_calls = data;
	u64 i = 0;

	while (!READ_ONCE(churn_stop) && !kthread_should_stop()) {
		if (ks_churn_fn(i) != churn_ref(i))
			atomic_long_inc(&churn_wrong);
		atomic_long_inc(cpu_calls);
		atomic_long_inc(&churn_calls);
		/*
		 * Between calls this thread is outside any probe: a quiescent
		 * state for RCU Tasks, which frees a probe's slot or detour on
		 * a preemptible kernel.  A thread that only ever gets
		 * preempted would hold every unregistration until it sleeps.
		 */
		if (!(++i & 63))
			cond_resched_tasks_rcu_qs();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static long calls(void)
{
	return atomic_long_read(&churn_calls);
}

/*
 * One armed period of one probe.  A caller counts a call when it returns,
 * and each caller has at most one call in flight: so a call that completed
 * after the probe was armed (a) and before it was disabled (d0) was hit,
 * except at most ncallers that had passed the probed instruction already;
 * and every hit belongs to a call that completed after c0, plus at most
 * ncallers still running at c1.
 */
static void churn_once(struct churner *c, unsigned long addr)
{
	long c0, a, d0, hd, hd2, e1, b, c1, lo, hi, h, nc = churn_ncallers;
	int ret;

	memset(&c->kp, 0, sizeof(c->kp));
	c->kp.addr = (kprobe_opcode_t *)addr;
	c->kp.pre_handler = churn_pre;
	atomic_long_set(&c->hits, 0);
	c0 = calls();
	ret = register_kprobe(&c->kp);
	if (ret) {
		c->refused++;
		if (!c->first_errno) {
			c->first_errno = -ret;
			c->first_off = addr - (unsigned long)ks_churn_fn;
		}
		pr_info_ratelimited("ks_churn_fn+%lu: register_kprobe: %d\n",
				    addr - (unsigned long)ks_churn_fn, ret);
		return;
	}
	a = calls();
	c->armed++;
	usleep_range(100, 1000);
	d0 = calls();
	disable_kprobe(&c->kp);
	hd = atomic_long_read(&c->hits);
	usleep_range(100, 1000);
	hd2 = atomic_long_read(&c->hits);
	enable_kprobe(&c->kp);
	e1 = calls();
	usleep_range(100, 1000);
	b = calls();
	unregister_kprobe(&c->kp);
	c1 = calls();
	h = atomic_long_read(&c->hits) + c->kp.nmissed;
	lo = (d0 - a) + (b - e1) - 2 * nc;
	hi = c1 - c0 + nc;
	if (h < lo || h > hi || hd2 - hd > nc) {
		if (!c->bad)
			scnprintf(c->why, sizeof(c->why),
				  "+%lu: hits %ld not in [%ld, %ld], %ld while disabled",
				  addr - (unsigned long)ks_churn_fn, h, lo, hi, hd2 - hd);
		c->bad++;
	}
}

static int churn_thread(void *data)
{
	struct churner *c = data;
	unsigned long k = get_random_u32();

	while (!READ_ONCE(churn_stop) && !kthread_should_stop()) {
		churn_once(c, (unsigned long)ks_churn_fn +
			   churn_offs[k++ % ARRAY_SIZE(churn_offs)]);
		c->iters++;
		cond_resched();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int do_churn(unsigned int secs)
{
	unsigned int n = num_online_cpus(), i, started = 0, cpu;
	struct task_struct **th;
	struct churner *ch;
	unsigned long iters = 0, armed = 0, refused = 0, bad = 0, errno1 = 0, off1 = 0;
	const char *why = "";
	long total;
	int ret = 0;

	if (!secs || secs > 600)
		return -EINVAL;
	ch = kcalloc(n, sizeof(*ch), GFP_KERNEL);
	th = kcalloc(2 * n, sizeof(*th), GFP_KERNEL);
	if (!ch || !th) {
		ret = -ENOMEM;
		goto out;
	}
	WRITE_ONCE(churn_stop, false);
	atomic_long_set(&churn_calls, 0);
	atomic_long_set(&churn_wrong, 0);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		atomic_long_set(&churn_cpu_calls[cpu], 0);
	/*
	 * The callers are bound, one per online CPU; the suite takes no CPU
	 * offline meanwhile (a caller moved off a dying CPU would break the
	 * one-call-in-flight-per-CPU bounds of the perf churners: reported
	 * by them, not made safe here).
	 */
	cpus_read_lock();
	cpumask_copy(&churn_cpus, cpu_online_mask);
	cpus_read_unlock();
	n = min(n, cpumask_weight(&churn_cpus));
	churn_ncallers = n;
	cpu = cpumask_first(&churn_cpus);
	for (i = 0; i < 2 * n; i++) {
		if (i < n) {
			th[i] = kthread_create(churn_caller, &churn_cpu_calls[cpu],
					       "ks_call/%u", cpu);
			if (!IS_ERR(th[i]))
				kthread_bind(th[i], cpu);
			cpu = cpumask_next(cpu, &churn_cpus);
		} else {
			th[i] = kthread_create(churn_thread, &ch[i - n], "ks_churn/%u", i - n);
		}
		if (IS_ERR(th[i])) {
			ret = PTR_ERR(th[i]);
			th[i] = NULL;
			break;
		}
		get_task_struct(th[i]);
		started++;
	}
	for (i = 0; i < started; i++)
		wake_up_process(th[i]);
	if (!ret)
		msleep_interruptible(secs * 1000);
	WRITE_ONCE(churn_stop, true);
	for (i = 0; i < started; i++) {
		kthread_stop(th[i]);
		put_task_struct(th[i]);
	}
	total = calls();
	for (i = 0; i < n; i++) {
		iters += ch[i].iters;
		armed += ch[i].armed;
		refused += ch[i].refused;
		if (!errno1) {
			errno1 = ch[i].first_errno;
			off1 = ch[i].first_off;
		}
		if (ch[i].bad && !bad)
			why = ch[i].why;
		bad += ch[i].bad;
	}
	scnprintf(status, sizeof(status),
		  "callers=%u\nchurners=%u\ncalls=%ld\nwrong=%ld\niterations=%lu\narmed=%lu\n"
		  "refused=%lu\nfirst_errno=%lu at +%lu\ninconsistent=%lu\nfirst_inconsistent=%s\n",
		  n, n, total, atomic_long_read(&churn_wrong), iters, armed, refused, errno1,
		  off1, bad, why);
out:
	kfree(th);
	kfree(ch);
	return ret;
}

/*
 * "branchwait ADDR": wait (at most 20 s) until the word at ADDR is a B, as
 * a jump-optimized probe's is once the optimizer has run (debugfs
 * kprobes/list says [OPTIMIZED] as soon as the probe is queued for it).
 */
static void do_branchwait(unsigned long addr)
{
	unsigned long end = jiffies + 20 * HZ;
	u32 w = 0;
	bool b;

	for (;;) {
		b = !copy_from_kernel_nofault(&w, (void *)addr, sizeof(w)) &&
		    (le32_to_cpu((__force __le32)w) & 0xfc000000) == 0x14000000;
		if (b || time_after(jiffies, end))
			break;
		msleep(50);
	}
	scnprintf(status, sizeof(status), "branch=%d\nword=%08x\n", b, w);
}

static ssize_t cmd_write(struct file *f, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[64], what[16], what2[NAME_LEN];
	unsigned int a = 0, b = 0;
	unsigned long n;
	int ret = 0;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&lock);
	if (sscanf(buf, "register %15s %u %u", what, &a, &b) == 3 &&
	    (!strcmp(what, "kprobe") || !strcmp(what, "kretprobe")))
		ret = do_register(!strcmp(what, "kretprobe"), a, b);
	else if (sscanf(buf, "unregister %u", &a) == 1 && a)
		do_unregister(a);
	else if (sscanf(buf, "calibrate %lu", &n) == 1)
		do_calibrate(n);
	else if (!strncmp(buf, "stats", 5))
		do_stats();
	else if (sscanf(buf, "symreg %47s", what2) == 1)
		ret = do_symreg(what2);
	else if (!strncmp(buf, "symstat", 7))
		do_symstat();
	else if (!strncmp(buf, "symunreg", 8))
		do_symunreg();
	else if (sscanf(buf, "churn %u", &a) == 1)
		ret = do_churn(a);
	else if (sscanf(buf, "branchwait %lx", &n) == 1)
		do_branchwait(n);
	else
		ret = -EINVAL;
	mutex_unlock(&lock);
	return ret ?: len;
}

static int add_target(const char *line)
{
	unsigned long addr;
	char name[NAME_LEN];

	if (sscanf(line, "%lx %47s", &addr, name) != 2)
		return -EINVAL;
	if (ntargets >= MAX_TARGETS)
		return -ENOSPC;
	addrs[ntargets] = addr;
	strscpy(sp[ntargets].name, name, NAME_LEN);
	ntargets++;
	return 0;
}

static ssize_t targets_write(struct file *f, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	char *buf, *p, *nl;
	int ret = 0;

	buf = kmalloc(len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ubuf, len)) {
		kfree(buf);
		return -EFAULT;
	}
	buf[len] = '\0';
	mutex_lock(&lock);
	if (registered) {
		ret = -EBUSY;
		goto out;
	}
	if (!strncmp(buf, "clear", 5)) {
		ntargets = 0;
		partial_len = 0;
		/* ks_cal_fn first, always */
		ret = add_target("0 ks_cal_fn");
		addrs[0] = (unsigned long)ks_cal_fn;
		goto out;
	}
	for (p = buf; *p && !ret; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl) {	/* keep the start of a line for the next write */
			if (partial_len + strlen(p) >= sizeof(partial))
				ret = -EINVAL;
			else
				partial_len += strscpy(partial + partial_len, p,
						       sizeof(partial) - partial_len);
			break;
		}
		*nl = '\0';
		if (partial_len) {
			if (partial_len + strlen(p) >= sizeof(partial)) {
				ret = -EINVAL;
				break;
			}
			strscpy(partial + partial_len, p, sizeof(partial) - partial_len);
			ret = add_target(partial);
			partial_len = 0;
		} else if (*p) {
			ret = add_target(p);
		}
	}
out:
	mutex_unlock(&lock);
	kfree(buf);
	return ret ?: len;
}

static ssize_t status_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	return simple_read_from_buffer(ubuf, len, ppos, status, strlen(status));
}

/*
 * "calls": the churn callers' completed calls so far, in all and on each
 * CPU with a caller ("<total> <cpu>:<calls> ..."), read without the lock while
 * "churn" runs, for churners outside the module (perfkp).
 */
static ssize_t calls_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	/* a long is at most 20 digits, a CPU number 4 */
	size_t size = 32 * (cpumask_weight(&churn_cpus) + 1);
	char *buf = kmalloc(size, GFP_KERNEL);
	int n, cpu;
	ssize_t ret;

	if (!buf)
		return -ENOMEM;
	n = scnprintf(buf, size, "%ld", calls());
	for_each_cpu(cpu, &churn_cpus)
		n += scnprintf(buf + n, size - n, " %d:%ld", cpu,
			       atomic_long_read(&churn_cpu_calls[cpu]));
	n += scnprintf(buf + n, size - n, "\n");
	ret = simple_read_from_buffer(ubuf, len, ppos, buf, n);
	kfree(buf);
	return ret;
}

static const struct file_operations cmd_fops = { .write = cmd_write };
static const struct file_operations calls_fops = { .read = calls_read };
static const struct file_operations targets_fops = { .write = targets_write };
static const struct file_operations status_fops = { .read = status_read };
static struct dentry *dir;

static int __init ks_init(void)
{
	sp = vzalloc(array_size(MAX_TARGETS, sizeof(*sp)));
	addrs = vzalloc(array_size(MAX_TARGETS, sizeof(*addrs)));
	if (!sp || !addrs) {
		vfree(sp);
		vfree(addrs);
		return -ENOMEM;
	}
	strscpy(sp[0].name, "ks_cal_fn", NAME_LEN);
	addrs[0] = (unsigned long)ks_cal_fn;
	ntargets = 1;
	dir = debugfs_create_dir("kprobe_stress", NULL);
	debugfs_create_file("cmd", 0200, dir, NULL, &cmd_fops);
	debugfs_create_file("targets", 0200, dir, NULL, &targets_fops);
	debugfs_create_file("status", 0400, dir, NULL, &status_fops);
	debugfs_create_file("calls", 0400, dir, NULL, &calls_fops);
	return 0;
}

static void __exit ks_exit(void)
{
	debugfs_remove_recursive(dir);
	mutex_lock(&lock);
	if (registered)
		do_unregister(256);
	do_symunreg();
	mutex_unlock(&lock);
	vfree(sp);
	vfree(addrs);
}

module_init(ks_init);
module_exit(ks_exit);
MODULE_DESCRIPTION("kprobes stress: probes on every function, for the stress suite");
MODULE_LICENSE("GPL");
