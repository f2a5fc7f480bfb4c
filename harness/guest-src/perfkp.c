// SPDX-License-Identifier: GPL-2.0-only
/*
 * perfkp: kprobes through the perf "kprobe" PMU
 * (/sys/bus/event_source/devices/kprobe), the path libbpf and every BPF
 * kprobe program take: perf_event_open() -> perf_kprobe_init() ->
 * create_local_trace_kprobe().  No perf tool is needed.
 *
 * SPEC is "[ret:]SYMBOL+OFFSET" (SYMBOL may be "module:symbol") or
 * "[ret:]0xADDRESS[+OFFSET]"; "ret:" makes it a kretprobe.
 *
 *   perfkp open SPEC
 *	open the event (pid -1, CPU 0), close it; prints "ok" or
 *	"errno=<name>"; exits 0 if it opened, 1 if not
 *   perfkp count SPEC N
 *	an event on this task only, enabled around N getppid() system
 *	calls; prints "count=<n>" (its hits) or "errno=<name>"
 *   perfkp churn SECS NCALLERS CALLS_FILE SPEC...
 *	until SECS have passed: open an event on every online CPU for the
 *	next SPEC (in turn, from a random start), enable them all, wait
 *	0.2-2 ms, disable them, read and close them.  CALLS_FILE counts the
 *	completed calls of NCALLERS threads that run the probed function
 *	without pause (each with at most one call in flight): a call that
 *	completed while every event was enabled was hit but at most
 *	NCALLERS, and every hit belongs to a call that completed after the
 *	events were enabled, or one of at most NCALLERS still running.
 *	Prints "cycles= opened= failed= first_errno= hits= bad= first_bad=".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PMU "/sys/bus/event_source/devices/kprobe"
#define MAX_CPUS 64

static int pmu_type = -1, ret_bit = -1;

static int read_int(const char *file, const char *fmt, int *v)
{
	FILE *f = fopen(file, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, fmt, v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static void pmu_init(void)
{
	if (read_int(PMU "/type", "%d", &pmu_type) ||
	    read_int(PMU "/format/retprobe", "config:%d", &ret_bit)) {
		printf("errno=ENODEV no usable %s\n", PMU);
		exit(2);
	}
}

struct spec {
	char func[256];		/* "" for an address */
	uint64_t addr_or_off;
	int ret;
};

static int parse(const char *s, struct spec *sp)
{
	const char *plus;

	memset(sp, 0, sizeof(*sp));
	if (!strncmp(s, "ret:", 4)) {
		sp->ret = 1;
		s += 4;
	}
	if (!strncmp(s, "0x", 2)) {
		char *end;

		sp->addr_or_off = strtoull(s, &end, 16);
		if (*end == '+')
			sp->addr_or_off += strtoull(end + 1, NULL, 0);
		return 0;
	}
	plus = strrchr(s, '+');
	if (!plus || (size_t)(plus - s) >= sizeof(sp->func))
		return -1;
	memcpy(sp->func, s, plus - s);
	sp->addr_or_off = strtoull(plus + 1, NULL, 0);
	return 0;
}

/* -> fd, or -errno */
static int open_event(const struct spec *sp, int pid, int cpu)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = pmu_type;
	a.config = sp->ret ? 1ULL << ret_bit : 0;
	a.disabled = 1;
	if (sp->func[0]) {
		a.kprobe_func = (uint64_t)(uintptr_t)sp->func;
		a.probe_offset = sp->addr_or_off;
	} else {
		a.kprobe_func = 0;
		a.kprobe_addr = sp->addr_or_off;
	}
	fd = syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static const char *ename(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "?";
}

static long long calls(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_churn(int argc, char **argv)
{
	double end = now() + atof(argv[2]);
	long long nc = atoll(argv[3]), c0, a, d0, c1, h, lo, hi;
	long long cycles = 0, opened = 0, failed = 0, hits = 0, bad = 0;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), nspec = argc - 5, i, k;
	int cfd = open(argv[4], O_RDONLY), fds[MAX_CPUS], err1 = 0;
	struct spec *sp = calloc(nspec, sizeof(*sp));
	char bad1[200] = "-";
	uint64_t v;

	if (cfd < 0 || nspec < 1 || !sp || ncpu > MAX_CPUS) {
		printf("usage error\n");
		return 2;
	}
	for (i = 0; i < nspec; i++)
		if (parse(argv[5 + i], &sp[i])) {
			printf("bad spec %s\n", argv[5 + i]);
			return 2;
		}
	/* the callers start with the module's churn command */
	while (calls(cfd) <= 0 && now() < end)
		usleep(10000);
	srand(getpid());
	for (k = rand(); now() < end; k++) {
		const struct spec *s = &sp[k % nspec];
		int n = 0, err = 0;

		cycles++;
		for (i = 0; i < ncpu; i++) {
			fds[n] = open_event(s, -1, i);
			if (fds[n] < 0) {
				err = -fds[n];
				break;
			}
			n++;
		}
		if (err) {
			failed++;
			if (!err1)
				err1 = err;
			while (n--)
				close(fds[n]);
			usleep(1000);
			continue;
		}
		opened++;
		c0 = calls(cfd);
		for (i = 0; i < n; i++)
			ioctl(fds[i], PERF_EVENT_IOC_ENABLE, 0);
		a = calls(cfd);
		usleep(200 + rand() % 1800);
		d0 = calls(cfd);
		for (i = 0; i < n; i++)
			ioctl(fds[i], PERF_EVENT_IOC_DISABLE, 0);
		c1 = calls(cfd);
		h = 0;
		for (i = 0; i < n; i++) {
			if (read(fds[i], &v, sizeof(v)) == sizeof(v))
				h += v;
			close(fds[i]);
		}
		hits += h;
		lo = d0 - a - nc;
		hi = c1 - c0 + nc;
		if (h < lo || h > hi) {
			if (!bad)
				snprintf(bad1, sizeof(bad1), "%s: %lld hits not in [%lld, %lld]",
					 argv[5 + k % nspec], h, lo, hi);
			bad++;
		}
	}
	printf("cycles=%lld opened=%lld failed=%lld first_errno=%s hits=%lld bad=%lld first_bad=%s\n",
	       cycles, opened, failed, err1 ? ename(err1) : "-", hits, bad, bad1);
	return 0;
}

int main(int argc, char **argv)
{
	struct spec sp;
	uint64_t v = 0;
	long n, i;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: see the head of perfkp.c\n");
		return 2;
	}
	pmu_init();
	if (!strcmp(argv[1], "churn") && argc >= 6)
		return do_churn(argc, argv);
	if (parse(argv[2], &sp)) {
		printf("bad spec %s\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "open")) {
		fd = open_event(&sp, -1, 0);
		if (fd < 0) {
			printf("errno=%s\n", ename(-fd));
			return 1;
		}
		close(fd);
		printf("ok\n");
		return 0;
	}
	if (!strcmp(argv[1], "count") && argc == 4) {
		n = atol(argv[3]);
		fd = open_event(&sp, 0, -1);
		if (fd < 0) {
			printf("errno=%s\n", ename(-fd));
			return 1;
		}
		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
		if (read(fd, &v, sizeof(v)) != sizeof(v)) {
			printf("errno=%s (read)\n", ename(errno));
			return 1;
		}
		close(fd);
		printf("count=%llu\n", (unsigned long long)v);
		return 0;
	}
	fprintf(stderr, "usage: see the head of perfkp.c\n");
	return 2;
}
