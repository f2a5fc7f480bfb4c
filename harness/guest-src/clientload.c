// SPDX-License-Identifier: GPL-2.0
/*
 * clientload N M FILE: the workload of the 'clients' suite, whose calls
 * are known exactly: N getppid() system calls, then M openat(AT_FDCWD,
 * FILE, O_RDONLY) each closed at once.  Prints what a probe's arguments
 * and return values must show:
 *   "ppid=P fd=F getppid=N opened=M"
 * (every getppid() returns P, every openat() returns F).  Built static,
 * so that no dynamic loader opens files of its own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n, m, i, ppid = -1, fd = -1;

	if (argc != 4) {
		fprintf(stderr, "usage: clientload N M FILE\n");
		return 2;
	}
	n = atol(argv[1]);
	m = atol(argv[2]);
	for (i = 0; i < n; i++) {
		long p = syscall(SYS_getppid);

		if (i && p != ppid) {
			fprintf(stderr, "clientload: getppid() changed\n");
			return 1;
		}
		ppid = p;
	}
	for (i = 0; i < m; i++) {
		long f = syscall(SYS_openat, AT_FDCWD, argv[3], O_RDONLY);

		if (f < 0) {
			perror(argv[3]);
			return 1;
		}
		if (i && f != fd) {
			fprintf(stderr, "clientload: openat() returned another fd\n");
			return 1;
		}
		fd = f;
		close(f);
	}
	printf("ppid=%ld fd=%ld getppid=%ld opened=%ld\n", ppid, fd, n, m);
	return 0;
}
