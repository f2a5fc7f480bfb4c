// SPDX-License-Identifier: GPL-2.0-only
/*
 * ks_target: a module the stress suite (harness/guest/suite-stress.sh)
 * loads and unloads while probes in it are armed.
 *
 * debugfs ks_target/:
 *   cmd     (w)  "call N"   call kst_fn() N times, check every result
 *                "block"    the write sleeps in kst_block() until
 *                           "release" (or the module's unload) and then
 *                           succeeds: a kretprobe on kst_block() is
 *                           pending meanwhile
 *                "release"  wake every blocked writer
 *   status  (r)  "calls=<n> bad=<n> blocked=<n> released=<n>"
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(kst_wq);
static bool kst_released;
static atomic_t kst_blocked;
static atomic_long_t kst_calls, kst_bad, kst_woken;
static struct dentry *kst_dir;

static noinline u64 kst_fn(u64 a)
{
	asm volatile("" : "+r" (a));
	return a * 3 + 1;
}

static noinline int kst_block(void)
{
	int ret;

	atomic_inc(&kst_blocked);
	ret = wait_event_killable(kst_wq, READ_ONCE(kst_released));
	atomic_dec(&kst_blocked);
	if (!ret)
		atomic_long_inc(&kst_woken);
	return ret ?: 42;
}

static ssize_t kst_cmd_write(struct file *f, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	unsigned long n, i;
	char buf[32];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "call %lu", &n) == 1) {
		for (i = 0; i < n && !fatal_signal_pending(current); i++) {
			if (kst_fn(i) != i * 3 + 1)
				atomic_long_inc(&kst_bad);
			atomic_long_inc(&kst_calls);
		}
		return len;
	}
	if (!strncmp(buf, "block", 5)) {
		WRITE_ONCE(kst_released, false);
		return kst_block() == 42 ? len : -EINTR;
	}
	if (!strncmp(buf, "release", 7)) {
		WRITE_ONCE(kst_released, true);
		wake_up_all(&kst_wq);
		return len;
	}
	return -EINVAL;
}

static ssize_t kst_status_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[128];
	int n = scnprintf(buf, sizeof(buf), "calls=%ld bad=%ld blocked=%d released=%ld\n",
			  atomic_long_read(&kst_calls), atomic_long_read(&kst_bad),
			  atomic_read(&kst_blocked), atomic_long_read(&kst_woken));

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations kst_cmd_fops = { .write = kst_cmd_write };
static const struct file_operations kst_status_fops = { .read = kst_status_read };

static int __init kst_init(void)
{
	kst_dir = debugfs_create_dir("ks_target", NULL);
	debugfs_create_file("cmd", 0200, kst_dir, NULL, &kst_cmd_fops);
	debugfs_create_file("status", 0400, kst_dir, NULL, &kst_status_fops);
	return 0;
}

/*
 * A writer blocked in kst_block() is woken here and returns through its
 * pending kretprobe while the module is going: debugfs removal waits for
 * it to leave the module.
 */
static void __exit kst_exit(void)
{
	WRITE_ONCE(kst_released, true);
	wake_up_all(&kst_wq);
	debugfs_remove_recursive(kst_dir);
}

module_init(kst_init);
module_exit(kst_exit);
MODULE_DESCRIPTION("kprobes stress: a module unloaded under armed probes");
MODULE_LICENSE("GPL");
