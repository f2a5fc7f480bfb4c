/* SPDX-License-Identifier: GPL-2.0-only */
/* The code kprobe_bench.c probes, written in assembly in that file. */
#ifndef __KPROBE_BENCH_H
#define __KPROBE_BENCH_H

#include <linux/types.h>

u64 bench_fn(u64 a, const u64 *p);
u64 bench_leaf(u64 a);
u64 bench_kev_fn(u64 a, const u64 *p);
/* Labels in that code, declared as functions to take their address. */
void bench_site_entry(void);
void bench_site_xol(void);
void bench_site_bcond(void);
void bench_site_bl(void);
void bench_site_ret(void);
void bench_nops(void);
void bench_adds(void);
void bench_adds_end(void);

#endif /* __KPROBE_BENCH_H */
