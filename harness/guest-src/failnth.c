// SPDX-License-Identifier: GPL-2.0-only
/*
 * failnth: write SPEC to FILE with the Nth fault-injection point of this
 * thread failing (/proc/thread-self/fail-nth), for N = 1, 2, ... until the
 * write no longer reaches its Nth point, so that every allocation on the
 * path fails once.  After each step UNDO is written to UNDO_FILE (without
 * injection) when the write succeeded, and LEFT (if not "-") is looked for
 * in CHECK_FILE when it failed: a failed write must leave nothing behind.
 *
 * usage: failnth FILE SPEC UNDO_FILE UNDO CHECK_FILE LEFT MAX
 * ($FAILNTH_LOG, if set, names a file each step is appended to)
 * prints: "steps=<n> failed=<n> enomem=<n> other=<errno,...> tolerated=<n>
 *          left_behind=<n> completed=<0|1>"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 16];

static int put(const char *file, const char *s)
{
	int fd = open(file, O_WRONLY | O_APPEND);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, s, strlen(s));
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int contains(const char *file, const char *what)
{
	int fd = open(file, O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0)
		return 0;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return strstr(buf, what) != NULL;
}

int main(int argc, char **argv)
{
	int steps = 0, failed = 0, enomem = 0, tolerated = 0, left = 0, done = 0;
	char other[256] = "", num[32];
	const char *logf = getenv("FAILNTH_LOG");
	FILE *log = logf ? fopen(logf, "a") : NULL;
	int n, max, nth;

	if (argc != 8) {
		fprintf(stderr, "usage: failnth FILE SPEC UNDO_FILE UNDO CHECK_FILE LEFT MAX\n");
		return 2;
	}
	max = atoi(argv[7]);
	nth = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth < 0) {
		perror("fail-nth");
		return 2;
	}
	memset(buf, 0, sizeof(buf));	/* no page fault inside a step */
	for (n = 1; n <= max && !done; n++) {
		int fd = open(argv[1], O_WRONLY | O_APPEND), e = 0, injected;
		ssize_t r, k;

		if (fd < 0) {
			perror(argv[1]);
			return 2;
		}
		k = snprintf(num, sizeof(num), "%d", n);
		if (pwrite(nth, num, k, 0) != k) {
			perror("fail-nth write");
			return 2;
		}
		r = write(fd, argv[2], strlen(argv[2]));
		if (r < 0)
			e = errno;
		k = pread(nth, num, sizeof(num) - 1, 0);
		num[k > 0 ? k : 0] = '\0';
		injected = atoi(num) == 0;
		pwrite(nth, "0", 1, 0);
		close(fd);
		steps++;
		if (log)
			fprintf(log, "%s step %d: %s, injected %d\n", argv[2], n,
				r < 0 ? strerror(e) : "ok", injected);
		if (r >= 0) {
			if (injected)
				tolerated++;
			else
				done = 1;
			if (put(argv[3], argv[4]))
				fprintf(stderr, "step %d: undo failed\n", n);
			continue;
		}
		failed++;
		if (e == ENOMEM)
			enomem++;
		else if (strlen(other) < sizeof(other) - 16)
			snprintf(other + strlen(other), sizeof(other) - strlen(other),
				 "%s%d@%d", other[0] ? "," : "", e, n);
		if (strcmp(argv[6], "-") && contains(argv[5], argv[6])) {
			left++;
			put(argv[3], argv[4]);
		}
	}
	printf("steps=%d failed=%d enomem=%d other=%s tolerated=%d left_behind=%d completed=%d\n",
	       steps, failed, enomem, other[0] ? other : "none", tolerated, left, done);
	return 0;
}
