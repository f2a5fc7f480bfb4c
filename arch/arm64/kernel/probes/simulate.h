/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the arm64 instruction simulation that live in assembly.
 */
#ifndef __ARM64_PROBES_SIMULATE_H
#define __ARM64_PROBES_SIMULATE_H

#include <linux/types.h>

/*
 * Load the SIMD&FP register V<reg> from @addr: @size 0 loads S<reg> (32 bits),
 * 1 loads D<reg> (64 bits), 2 loads Q<reg> (128 bits); the rest of the
 * register is cleared, as the LDR (literal) being simulated would do.
 */
void arm64_probe_load_fp_literal(unsigned int reg, unsigned int size, const void *addr);

#endif /* __ARM64_PROBES_SIMULATE_H */
