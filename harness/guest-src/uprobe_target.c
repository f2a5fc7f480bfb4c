// SPDX-License-Identifier: GPL-2.0
/*
 * The program of the arm64 uprobe selftest: calls each function of
 * uprobe_target_asm.S once and prints the results.  With "wait" it first
 * waits for SIGUSR1, so that the test can enable its probes while the
 * program is mapped (a refused probe then fails to enable).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <ucontext.h>
#include <unistd.h>

unsigned long f_branch(unsigned long x);
unsigned long f_literal(void);
unsigned long f_calls(unsigned long x);
unsigned long f_sys(unsigned long x, unsigned long tp);
unsigned long f_memory(unsigned long *p);
unsigned long f_fault(unsigned long *p);
unsigned long f_sve(unsigned char *buf);

/*
 * A simulated LDR Q (literal) of a task with live SVE state must zero the
 * Z register above bit 127, as the CPU does: print the VL, the low 16 bytes
 * and how many bytes above them are not zero (0 on the CPU).
 */
static void sve_literal(void)
{
	unsigned char z[256];	/* the largest VL, 2048 bits */
	unsigned long vl, i, nz = 0;
	uint64_t lo, hi;

	if (!(getauxval(AT_HWCAP) & HWCAP_SVE)) {
		printf("f_sve unavailable\n");
		return;
	}
	memset(z, 0x55, sizeof(z));
	vl = f_sve(z);
	for (i = 16; i < vl && i < sizeof(z); i++)
		nz += z[i] != 0;
	memcpy(&lo, z, 8);
	memcpy(&hi, z + 8, 8);
	printf("f_sve vl %lu q %#llx:%#llx upper-nonzero %lu\n", vl,
	       (unsigned long long)hi, (unsigned long long)lo, nz);
}

/*
 * The ESR record of a signal frame (ESR_MAGIC in the kernel's uapi
 * sigcontext.h), or "none": a stepped uprobe must not change what a signal
 * handler sees, neither after the step nor for a fault of the step itself.
 */
#define ESR_MAGIC	0x45535201
static char esr_seen[32];
static sigjmp_buf fault_jmp;

static void find_esr(void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned char *p = (unsigned char *)uc->uc_mcontext.__reserved;
	unsigned char *end = p + sizeof(uc->uc_mcontext.__reserved);

	strcpy(esr_seen, "none");
	while (p + 8 <= end) {
		uint32_t magic = *(uint32_t *)p, size = *(uint32_t *)(p + 4);

		if (!magic || size < 8)
			break;
		if (magic == ESR_MAGIC) {
			snprintf(esr_seen, sizeof(esr_seen), "%#llx",
				 (unsigned long long)*(uint64_t *)(p + 8));
			break;
		}
		p += size;
	}
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	find_esr(uc);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	find_esr(uc);
	siglongjmp(fault_jmp, 1);
}

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	go = 1;
}

int main(int argc, char **argv)
{
	unsigned long mem[4] = { 1000, 0, 7, 0 };

	if (argc > 1 && !strcmp(argv[1], "wait")) {
		signal(SIGUSR1, on_usr1);
		printf("ready\n");
		fflush(stdout);
		while (!go)
			pause();
	}
	printf("f_branch %lu\n", f_branch(7));
	printf("f_literal %#lx\n", f_literal());
	printf("f_calls %lu\n", f_calls(10));
	printf("f_sys %#lx\n", f_sys(42, (unsigned long)__builtin_thread_pointer()));
	printf("f_memory %lu %lu %lu\n", f_memory(mem), mem[1], mem[2]);
	sve_literal();

	struct sigaction sa = { .sa_flags = SA_SIGINFO };

	sa.sa_sigaction = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("signal_esr %s\n", esr_seen);
	printf("f_fault %lu\n", f_fault(mem));
	sa.sa_sigaction = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(fault_jmp, 1))
		f_fault(NULL);
	printf("fault_esr %s\n", esr_seen);
	return 0;
}
