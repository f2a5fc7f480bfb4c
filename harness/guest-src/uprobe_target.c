// SPDX-License-Identifier: GPL-2.0
/*
 * The program of the arm64 uprobe selftest: calls each function of
 * uprobe_target_asm.S once and prints the results.  With "wait" it first
 * waits for SIGUSR1, so that the test can enable its probes while the
 * program is mapped (a refused probe then fails to enable).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

unsigned long f_branch(unsigned long x);
unsigned long f_literal(void);
unsigned long f_calls(unsigned long x);
unsigned long f_sys(unsigned long x, unsigned long tp);
unsigned long f_memory(unsigned long *p);

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
	return 0;
}
