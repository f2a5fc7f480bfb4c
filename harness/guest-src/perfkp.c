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
 *   perfkp churn SECS CALLS_FILE FIRST SPEC...
 *	CALLS_FILE is kprobe_stress's "calls": the completed calls of the
 *	threads that run the probed function without pause, one bound to
 *	each of some CPUs ("<total> <cpu>:<calls> ..."), each with at most
 *	one call in flight.  Once the counts change (the churn started)
 *	and until SECS have passed: open an event for the next SPEC on the
 *	next of those CPUs (each in turn, both from the FIRST-th), five times
 *	enable it, wait 5-25 ms, disable and read it; close it.  A call
 *	completed on the CPU while the event was enabled was hit, but at
 *	most one, and every hit belongs to a call completed on it after the
 *	event was enabled, or to the one still running: each window is
 *	checked on its own, and a failed ioctl(), read() or count is a bad
 *	window too.  A window in which more than one call completed tested
 *	the lower bound (under emulation a stop_machine() for another CPU's
 *	text change can swallow a whole window).
 *	Prints "spec SPEC opened= tested= hits=" for each SPEC, then
 *	"cycles= opened= failed= first_errno= hits= bad= first_bad=".
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
#define MAX_CPUS 256
#define WINDOWS 5	/* enable/disable windows per open */

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

/* kprobe_stress's "calls" file, "<total> <cpu>:<calls> ...", into buf */
static int calls_text(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* the churn callers' completed calls: in all (cpu < 0) or on one CPU */
static long long calls(int fd, int cpu)
{
	char buf[8192], key[16], *p;

	if (calls_text(fd, buf, sizeof(buf)))
		return -1;
	if (cpu < 0)
		return strtoll(buf, NULL, 10);
	snprintf(key, sizeof(key), " %d:", cpu);
	p = strstr(buf, key);
	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

/* the CPUs that have a caller -> how many */
static int caller_cpus(int fd, int *cpus)
{
	char buf[8192], *p;
	int nc = 0;

	if (calls_text(fd, buf, sizeof(buf)))
		return 0;
	for (p = strchr(buf, ' '); p && nc < MAX_CPUS; p = strchr(p + 1, ' '))
		cpus[nc++] = atoi(p + 1);
	return nc;
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
	long long c0, a, d0, c1, h, lo, hi, sum, prev;
	int ok;
	long long cycles = 0, opened = 0, failed = 0, hits = 0, bad = 0;
	int ncpu, nspec = argc - 5, i, w, fd, cpu, cpus[MAX_CPUS];
	unsigned int k = atoi(argv[4]), j;
	long long *sp_opened, *sp_hits, *sp_tested;
	int cfd = open(argv[3], O_RDONLY), err1 = 0;
	struct spec *sp = calloc(nspec > 0 ? nspec : 1, sizeof(*sp));
	char bad1[200] = "-";
	uint64_t v;

	sp_opened = calloc(nspec > 0 ? nspec : 1, sizeof(*sp_opened));
	sp_hits = calloc(nspec > 0 ? nspec : 1, sizeof(*sp_hits));
	sp_tested = calloc(nspec > 0 ? nspec : 1, sizeof(*sp_tested));
	if (cfd < 0 || nspec < 1 || !sp || !sp_opened || !sp_hits || !sp_tested) {
		printf("usage error\n");
		return 2;
	}
	for (i = 0; i < nspec; i++)
		if (parse(argv[5 + i], &sp[i])) {
			printf("bad spec %s\n", argv[5 + i]);
			return 2;
		}
	/*
	 * The callers start with the module's churn command, which zeroes
	 * the counts (a value left from an earlier churn is no start).
	 */
	c0 = calls(cfd, -1);
	while (calls(cfd, -1) == c0 && now() < end)
		usleep(10000);
	ncpu = caller_cpus(cfd, cpus);
	if (ncpu < 1) {
		printf("no caller CPUs in %s\n", argv[3]);
		return 2;
	}
	srand(getpid());
	for (j = 0; now() < end; j++) {
		const struct spec *s = &sp[(k + j) % nspec];

		/* each spec in turn, on each caller's CPU in turn */
		cpu = cpus[(k + j / nspec) % ncpu];
		cycles++;
		fd = open_event(s, -1, cpu);
		if (fd < 0) {
			failed++;
			if (!err1)
				err1 = -fd;
			usleep(1000);
			continue;
		}
		opened++;
		sp_opened[(k + j) % nspec]++;
		prev = 0;
		for (w = 0; w < WINDOWS; w++) {
			c0 = calls(cfd, cpu);
			ok = !ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
			a = calls(cfd, cpu);
			usleep(5000 + rand() % 20000);
			d0 = calls(cfd, cpu);
			ok &= !ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
			c1 = calls(cfd, cpu);
			ok &= read(fd, &v, sizeof(v)) == sizeof(v) &&
			      c0 >= 0 && a >= 0 && d0 >= 0 && c1 >= 0;
			sum = ok ? (long long)v : prev;
			h = sum - prev;
			prev = sum;
			hits += h;
			sp_hits[(k + j) % nspec] += h;
			/* one caller on the CPU: at most one call in flight */
			lo = d0 - a - 1;
			hi = c1 - c0 + 1;
			if (getenv("PERFKP_VERBOSE"))
				fprintf(stderr, "%s cpu %d window %d: %lld calls, %lld hits, [%lld, %lld]\n",
					argv[5 + (k + j) % nspec], cpu, w, d0 - a, h, lo, hi);
			/* a window in which calls completed tested the lower bound */
			if (ok && lo > 0)
				sp_tested[(k + j) % nspec]++;
			if (!ok || h < lo || h > hi) {
				if (!bad)
					snprintf(bad1, sizeof(bad1),
						 ok ? "%s on CPU %d: %lld hits not in [%lld, %lld]" :
						 "%s on CPU %d: ioctl, read or calls failed",
						 argv[5 + (k + j) % nspec], cpu, h, lo, hi);
				bad++;
			}
		}
		close(fd);
	}
	for (i = 0; i < nspec; i++)
		printf("spec %s opened=%lld tested=%lld hits=%lld\n", argv[5 + i],
		       sp_opened[i], sp_tested[i], sp_hits[i]);
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
