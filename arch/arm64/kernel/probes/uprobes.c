// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 uprobes on the decode table shared with kprobes.
 *
 * A uprobe replaces a user instruction with BRK #UPROBES_BRK_IMM.  The
 * instruction is then simulated (branches, ADR/ADRP, literal loads, NOP,
 * MRS NZCV, moves and simple arithmetic: the same handlers as kprobes,
 * which read user memory for user registers), or executed in the uprobes
 * core's per-mm XOL area and completed with a hardware single step.  The
 * table's user rows refuse what a user slot cannot reproduce.
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/uprobes.h>

#include <linux/cacheflush.h>
#include <asm/mmu.h>

/*
 * No real fault has this ESR (its upper bits are RES0): while a step runs,
 * thread.fault_code holds it to tell "no fault during the step".  The
 * task's own value is saved and put back, because the signal frame's
 * esr_context reports thread.fault_code to user space.
 */
#define UPROBE_NO_FAULT	(~0UL)

void arch_uprobe_copy_ixol(struct page *page, unsigned long vaddr, void *src,
			   unsigned long len)
{
	void *kaddr = kmap_local_page(page);
	void *dst = kaddr + (vaddr & ~PAGE_MASK);

	memcpy(dst, src, len);
	/* The XOL page is mapped executable already: sync the I-cache. */
	sync_icache_aliases((unsigned long)dst, (unsigned long)dst + len);
	kunmap_local(kaddr);
}

/*
 * The instructions before a uprobe, read from the file (the page cache has
 * the original text; the probed mm may already hold other uprobes' BRKs).
 */
struct file_text {
	struct vm_area_struct *vma;
	struct page *page;
	pgoff_t index;
};

/* As the uprobes core reads the probed instruction (shmem has no read_folio). */
static struct page *read_text_page(struct file *file, pgoff_t index)
{
	struct address_space *mapping = file->f_mapping;

	if (mapping->a_ops->read_folio)
		return read_mapping_page(mapping, index, file);
	return shmem_read_mapping_page(mapping, index);
}

static int read_file_insn(void *ctx, unsigned long addr, u32 *insn)
{
	struct file_text *t = ctx;
	struct vm_area_struct *vma = t->vma;
	loff_t off = (loff_t)(addr - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	pgoff_t index = off >> PAGE_SHIFT;
	__le32 *p;

	if (!t->page || t->index != index) {
		if (t->page)
			put_page(t->page);
		t->page = read_text_page(vma->vm_file, index);
		if (IS_ERR(t->page)) {
			t->page = NULL;
			return -EFAULT;
		}
		t->index = index;
	}
	p = kmap_local_page(t->page);
	*insn = le32_to_cpu(p[(off & ~PAGE_MASK) / sizeof(*p)]);
	kunmap_local(p);
	return 0;
}

/*
 * Is @addr between a load-exclusive and its store-exclusive?  A uprobe's
 * BRK there clears the monitor on every iteration: the task would loop
 * forever.  Looked for within the mapping only.  Called by the uprobes
 * core with the mmap lock held.
 */
static bool uprobe_in_exclusive_window(struct mm_struct *mm, unsigned long addr)
{
	struct file_text t = { .vma = vma_lookup(mm, addr) };
	unsigned int n;
	bool ret;

	if (!t.vma || !t.vma->vm_file)
		return false;
	n = min_t(unsigned long, PROBE_EXCL_WINDOW_SCAN,
		  (addr - t.vma->vm_start) / AARCH64_INSN_SIZE);
	ret = arm64_probe_in_excl_window(read_file_insn, &t, addr, n, PROBE_FOR_USER);
	if (t.page)
		put_page(t.page);
	return ret;
}

int arch_uprobe_analyze_insn(struct arch_uprobe *auprobe, struct mm_struct *mm,
			     unsigned long addr)
{
	struct probe_insn_decode d;
	u32 insn;

	if (!IS_ALIGNED(addr, AARCH64_INSN_SIZE))
		return -EINVAL;
	/* AArch32 tasks are not supported. */
	if (mm->context.flags & MMCF_AARCH32)
		return -EOPNOTSUPP;

	insn = le32_to_cpu(auprobe->insn);
	switch (arm64_probe_decode(insn, PROBE_FOR_USER, &d)) {
	case PROBE_INSN_REJECT:
		return -EOPNOTSUPP;
	case PROBE_INSN_SIMULATE:
		auprobe->sim = d.sim;
		break;
	default:
		auprobe->sim = NULL;
		break;
	}
	if (uprobe_in_exclusive_window(mm, addr))
		return -EOPNOTSUPP;
	return 0;
}

int arch_uprobe_pre_xol(struct arch_uprobe *auprobe, struct pt_regs *regs)
{
	struct uprobe_task *utask = current->utask;

	if (is_compat_task())
		return -EINVAL;

	utask->autask.saved_fault_code = current->thread.fault_code;
	current->thread.fault_code = UPROBE_NO_FAULT;
	instruction_pointer_set(regs, utask->xol_vaddr);
	utask->autask.stepping_before = test_thread_flag(TIF_SINGLESTEP);
	user_enable_single_step(current);
	return 0;
}

static void end_step(struct uprobe_task *utask)
{
	if (!utask->autask.stepping_before)
		user_disable_single_step(current);
}

int arch_uprobe_post_xol(struct arch_uprobe *auprobe, struct pt_regs *regs)
{
	struct uprobe_task *utask = current->utask;

	current->thread.fault_code = utask->autask.saved_fault_code;
	instruction_pointer_set(regs, utask->vaddr + AARCH64_INSN_SIZE);
	end_step(utask);
	return 0;
}

bool arch_uprobe_xol_was_trapped(struct task_struct *t)
{
	/* A fault in the slot stored its ESR in fault_code. */
	return t->thread.fault_code != UPROBE_NO_FAULT;
}

void arch_uprobe_abort_xol(struct arch_uprobe *auprobe, struct pt_regs *regs)
{
	struct uprobe_task *utask = current->utask;

	/*
	 * A fault in the slot left its ESR there, for the signal it raised;
	 * otherwise (a non-fault signal stopped the step) the task's own.
	 */
	if (current->thread.fault_code == UPROBE_NO_FAULT)
		current->thread.fault_code = utask->autask.saved_fault_code;
	instruction_pointer_set(regs, utask->vaddr);
	end_step(utask);
}

/* A BRK leaves the PC at itself, not after it. */
unsigned long uprobe_get_swbp_addr(struct pt_regs *regs)
{
	return instruction_pointer(regs);
}

bool arch_uprobe_skip_sstep(struct arch_uprobe *auprobe, struct pt_regs *regs)
{
	if (!auprobe->sim)
		return false;
	auprobe->sim(le32_to_cpu(auprobe->insn), regs);
	return true;
}

bool arch_uretprobe_is_alive(struct return_instance *ret, enum rp_check ctx,
			     struct pt_regs *regs)
{
	/*
	 * At a call the stack is below the frame of a live instance; at a
	 * return, the returning frame's SP is the one recorded at entry.
	 */
	if (ctx == RP_CHECK_CALL)
		return regs->sp < ret->stack;
	return regs->sp <= ret->stack;
}

unsigned long arch_uretprobe_hijack_return_addr(unsigned long trampoline_vaddr,
						struct pt_regs *regs)
{
	unsigned long orig = procedure_link_pointer(regs);

	procedure_link_pointer_set(regs, trampoline_vaddr);
	return orig;
}

int arch_uprobe_exception_notify(struct notifier_block *self, unsigned long val, void *data)
{
	return NOTIFY_DONE;
}

/**
 * arm64_uprobe_brk_handler() - a user BRK #UPROBES_BRK_IMM was hit
 * @regs: user registers
 * @esr: the exception syndrome
 *
 * Return: DBG_HOOK_HANDLED when the uprobes core takes it over.
 */
int arm64_uprobe_brk_handler(struct pt_regs *regs, unsigned long esr)
{
	if (user_mode(regs) && uprobe_pre_sstep_notifier(regs))
		return DBG_HOOK_HANDLED;
	return DBG_HOOK_ERROR;
}

/**
 * arm64_uprobe_step_handler() - a user single step completed
 * @regs: user registers
 * @esr: the exception syndrome
 *
 * Return: DBG_HOOK_HANDLED when it ended the step of a uprobe's slot.
 */
int arm64_uprobe_step_handler(struct pt_regs *regs, unsigned long esr)
{
	struct uprobe_task *utask = current->utask;

	if (!user_mode(regs) || !utask || utask->state != UTASK_SSTEP)
		return DBG_HOOK_ERROR;
	if (instruction_pointer(regs) != utask->xol_vaddr + AARCH64_INSN_SIZE)
		return DBG_HOOK_ERROR;
	if (uprobe_post_sstep_notifier(regs))
		return DBG_HOOK_HANDLED;
	return DBG_HOOK_ERROR;
}
