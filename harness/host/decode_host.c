// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host build of arch/arm64/kernel/probes/decode.c, the same table the
 * kernel uses, for the decoder cross-checks and 'make coverage'.
 *
 *   decode_host table             print the table
 *   decode_host classify [user]   read LE u32 words on stdin, print
 *                                 "<word> <action> <row>" per word
 *   decode_host random N SEED F   write N random words to file F (LE u32)
 *   decode_host index N SEED      the op0 index against a scan from row 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/probes.h>

/* The simulation handlers are only referenced by the table. */
#define STUB(fn) void fn(u32 insn, struct pt_regs *regs) { (void)insn; (void)regs; }
STUB(sim_b_imm) STUB(sim_b_cond) STUB(sim_cb) STUB(sim_tb) STUB(sim_b_reg)
STUB(sim_adr) STUB(sim_ldr_lit) STUB(sim_ldr_lit_fp) STUB(sim_nop)
STUB(sim_mrs_pstate) STUB(sim_logic_sreg) STUB(sim_addsub_imm) STUB(sim_movw)

static const char *act[] = { "reject", "simulate", "xol" };

/* xorshift64*: a fixed, printed seed gives the same words everywhere */
static uint64_t rng;
static uint32_t next32(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

int main(int argc, char **argv)
{
	unsigned int users = PROBE_FOR_KERNEL;
	unsigned int i;

	if (argc >= 2 && !strcmp(argv[1], "table")) {
		for (i = 0; i < arm64_probe_insn_table_size; i++) {
			const struct probe_insn_class *c = &arm64_probe_insn_table[i];

			printf("%3u %08x %08x %-8s %x %s | %s\n", i, c->mask, c->value,
			       act[c->action], c->users, c->name, c->why ? c->why : "");
		}
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "excl-group")) {
		/*
		 * every LDXR/STXR row is refused, and matches only words of
		 * PROBE_EXCL_GROUP
		 */
		int bad = 0, rows = 0;

		for (i = 0; i < arm64_probe_insn_table_size; i++) {
			const struct probe_insn_class *c = &arm64_probe_insn_table[i];

			if (!(c->flags & (PROBE_CLS_EXCL_LOAD | PROBE_CLS_EXCL_STORE)))
				continue;
			rows++;
			/* the kernel's window search does not look through BRKs */
			if (c->action != PROBE_INSN_REJECT) {
				printf("row %u (%s) is not refused\n", i, c->name);
				bad++;
			}
			if ((c->mask & PROBE_EXCL_GROUP_MASK) != PROBE_EXCL_GROUP_MASK ||
			    (c->value & PROBE_EXCL_GROUP_MASK) != PROBE_EXCL_GROUP_VALUE) {
				printf("row %u (%s) matches words outside the group\n", i, c->name);
				bad++;
			}
		}
		printf("%d exclusive rows, %d not refused or outside the group\n", rows, bad);
		return bad || !rows;
	}
	if (argc == 4 && !strcmp(argv[1], "index")) {
		/* the op0 index finds the same row as a scan from row 0 */
		unsigned long n = strtoul(argv[2], NULL, 0), bad = 0, k;

		rng = strtoull(argv[3], NULL, 0) | 1;
		for (k = 0; k < n + arm64_probe_insn_table_size; k++) {
			/* every row's own value too, then random words */
			uint32_t w = k < arm64_probe_insn_table_size ?
				     arm64_probe_insn_table[k].value : next32();
			unsigned int u;

			for (u = PROBE_FOR_KERNEL; u <= PROBE_FOR_USER; u <<= 1) {
				const struct probe_insn_class *c = arm64_probe_insn_table;

				while ((w & c->mask) != c->value || !(c->users & u))
					c++;
				if (arm64_probe_class(w, u) != c && bad++ < 10)
					printf("%08x: row %ld, a scan finds %ld\n", w,
					       (long)(arm64_probe_class(w, u) - arm64_probe_insn_table),
					       (long)(c - arm64_probe_insn_table));
			}
		}
		printf("%lu words, %lu differ\n", n + arm64_probe_insn_table_size, bad);
		return bad != 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "classify")) {
		uint32_t w;

		if (argc >= 3 && !strcmp(argv[2], "user"))
			users = PROBE_FOR_USER;
		while (fread(&w, sizeof(w), 1, stdin) == 1) {
			const struct probe_insn_class *c = arm64_probe_class(w, users);

			printf("%08x %s %ld\n", w, act[c->action],
			       (long)(c - arm64_probe_insn_table));
		}
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "random")) {
		unsigned long n = strtoul(argv[2], NULL, 0);
		FILE *f = fopen(argv[4], "wb");

		rng = strtoull(argv[3], NULL, 0) | 1;
		if (!f)
			return 1;
		for (i = 0; i < n; i++) {
			uint32_t w = next32();

			fwrite(&w, sizeof(w), 1, f);
		}
		return fclose(f) ? 1 : 0;
	}
	fprintf(stderr, "usage: %s table | excl-group | index N SEED | classify [user] | random N SEED FILE\n", argv[0]);
	return 2;
}
