// SPDX-License-Identifier: GPL-2.0-only
/*
 * The A64 decode table of the arm64 probes.
 *
 * Every A64 instruction a probe may replace falls into exactly one row of
 * the ordered table below: the first row whose (insn & mask) == value
 * decides.  Rows are grouped like the top level of the A64 encoding index
 * of the Arm Architecture Reference Manual (op0 = insn[28:25]):
 *
 *   00xx  reserved, SME, SVE, unallocated
 *   100x  data processing -- immediate
 *   101x  branches, exception generating and system instructions
 *   x1x0  loads and stores
 *   x101  data processing -- register
 *   x111  data processing -- scalar floating-point and Advanced SIMD
 *
 * and, inside a group, like the encoding classes of that group.  A row
 * says what a probe does with the instruction:
 *
 *   XOL       copy it to an execution slot and run it there: it does not
 *             depend on its own address and its effects are the same at
 *             any address;
 *   SIMULATE  apply its effect to the saved registers in the breakpoint
 *             handler: it reads the PC (branches, literal loads, ADR), it
 *             reads state that the slot would change (DAIF, NZCV), or it is
 *             so simple that emulating it saves the second exception;
 *   REJECT    refuse the probe, for the reason in the row.
 *
 * The table has no knowledge of kprobes or uprobes; both use it.  A row
 * applies to the users in its 'users' field, so that kernel and user
 * probes may differ where the architecture makes them differ.
 */

#include <linux/kernel.h>
#include <asm/probes.h>

#define ROW(m, v, act, who, fl, fn, nm, wy)				\
	{ .mask = (m), .value = (v), .action = (act), .users = (who),	\
	  .flags = (fl), .sim = (fn), .name = (nm), .why = (wy) }

#define XOL(m, v, nm)							\
	ROW(m, v, PROBE_INSN_XOL, PROBE_FOR_ALL, 0, NULL, nm, NULL)
#define XOL_K(m, v, nm)							\
	ROW(m, v, PROBE_INSN_XOL, PROBE_FOR_KERNEL, 0, NULL, nm, NULL)
#define XOL_FL(m, v, fl, nm)						\
	ROW(m, v, PROBE_INSN_XOL, PROBE_FOR_ALL, fl, NULL, nm, NULL)
#define SIM(m, v, fn, nm, wy)						\
	ROW(m, v, PROBE_INSN_SIMULATE, PROBE_FOR_ALL, 0, fn, nm, wy)
#define SIM_BR(m, v, fn, nm, wy)	SIM(m, v, fn, nm, wy)
#define REJ(m, v, nm, wy)						\
	ROW(m, v, PROBE_INSN_REJECT, PROBE_FOR_ALL, 0, NULL, nm, wy)
#define REJ_FL(m, v, fl, nm, wy)					\
	ROW(m, v, PROBE_INSN_REJECT, PROBE_FOR_ALL, fl, NULL, nm, wy)

/* MRS <Xt>, <sysreg> with Rt = 0; match with MRS_MASK to ignore Rt. */
#define MRS(op0, op1, crn, crm, op2)					\
	(0xd5200000 | ((op0) << 19) | ((op1) << 16) | ((crn) << 12) |	\
	 ((crm) << 8) | ((op2) << 5))
#define MRS_MASK	0xffffffe0
#define MRS_XOL(op0, op1, crn, crm, op2, nm)				\
	XOL_K(MRS_MASK, MRS(op0, op1, crn, crm, op2), "MRS " nm)
/* ... a register EL0 may read too */
#define MRS_XOL_ALL(op0, op1, crn, crm, op2, nm)			\
	XOL(MRS_MASK, MRS(op0, op1, crn, crm, op2), "MRS " nm)

/* HINT #imm: CRm:op2 = imm. */
#define HINT(imm)	(0xd503201f | ((imm) << 5))

/* SYS #op1, Cn, Cm, #op2, Xt with Rt = 0 */
#define SYS_ENC(op1, crn, crm, op2)					\
	(0xd5080000 | ((op1) << 16) | ((crn) << 12) | ((crm) << 8) | ((op2) << 5))
#define SYS_XOL(op1, crn, crm, op2, nm)					\
	XOL_K(0xffffffe0, SYS_ENC(op1, crn, crm, op2), nm)

static const char why_sp_write[] =
	"writes SP, which the EL1 exception return does not restore from the saved registers";

const struct probe_insn_class arm64_probe_insn_table[] = {
	/* ---- op0 = 00xx: reserved (UDF), SME, SVE, unallocated ---- */
	REJ(0x18000000, 0x00000000, "reserved, SME, SVE or unallocated (op0 = 00xx)",
	    "not kernel code the probes know how to step: SVE/SME state and UDF"),

	/* ---- op0 = 100x: data processing -- immediate ---- */
	SIM(0x1f000000, 0x10000000, sim_adr, "ADR, ADRP",
	    "PC-relative: the result depends on the address of the instruction"),
	ROW(0x3f80001f, 0x1100001f, PROBE_INSN_XOL, PROBE_FOR_ALL, 0, NULL,
	    "ADD/SUB (immediate) to SP", why_sp_write),
	SIM(0x3f800000, 0x11000000, sim_addsub_imm, "ADD/SUB (immediate)",
	    "plain arithmetic on the saved registers, saves the second exception"),
	REJ(0x7f800000, 0x32800000, "move wide (immediate), opc = 01",
	    "unallocated encoding"),
	REJ(0x9fc00000, 0x12c00000, "move wide (immediate), 32-bit with hw >= 2",
	    "unallocated encoding"),
	SIM(0x1f800000, 0x12800000, sim_movw, "MOVN, MOVZ, MOVK",
	    "plain register write, saves the second exception"),
	/*
	 * The rest of the group, subclass by subclass: what is not listed is
	 * unallocated in the version of the architecture the table knows, or
	 * newer -- FEAT_PAuth_LR put AUTIASPPC/AUTIBSPPC (which authenticate
	 * against the instruction's own address) into the extract encodings
	 * with op21 = 11 -- and is refused.
	 */
	XOL(0x1f800000, 0x11000000, "ADDS/SUBS (immediate)"),
	XOL(0xbfc0c000, 0x91800000, "ADDG/SUBG (MTE)"),
	XOL(0x7ff00000, 0x11c00000, "SMAX/UMAX/SMIN/UMIN (immediate, CSSC)"),
	REJ(0x9fc00000, 0x12400000, "logical (immediate), 32-bit with N = 1",
	    "unallocated encoding"),
	XOL(0x1f800000, 0x12000000, "logical (immediate)"),
	REJ(0x7f800000, 0x73000000, "bitfield, opc = 11", "unallocated encoding"),
	REJ(0x9fc00000, 0x13400000, "bitfield, 32-bit with N = 1",
	    "unallocated encoding"),
	REJ(0x9fc00000, 0x93000000, "bitfield, 64-bit with N = 0", "unallocated encoding"),
	XOL(0x1f800000, 0x13000000, "SBFM/BFM/UBFM (bitfield)"),
	REJ(0x9fc00000, 0x93800000, "extract, 64-bit with N = 0", "unallocated encoding"),
	REJ(0x9fc00000, 0x13c00000, "extract, 32-bit with N = 1", "unallocated encoding"),
	XOL(0x7fa00000, 0x13800000, "EXTR"),
	REJ(0x1c000000, 0x10000000, "other data processing (immediate)",
	    "unallocated, or newer (FEAT_PAuth_LR AUTIASPPC...): may depend on its own address"),

	/* ---- op0 = 101x: branches, exception generating, system ---- */
	SIM_BR(0xff000010, 0x54000000, sim_b_cond, "B.cond",
	       "PC-relative branch"),
	SIM_BR(0xff000010, 0x54000010, sim_b_cond, "BC.cond",
	       "PC-relative branch"),
	REJ(0xff000000, 0xd4000000,
	    "exception generating (SVC, HVC, SMC, BRK, HLT, DCPS, TCANCEL)",
	    "generates an exception: a different exception level or debug state"),

	/* Hints (HINT #imm, CRm:op2 = imm) */
	SIM(0xffffffff, HINT(0), sim_nop, "NOP", "does nothing: skipping it is exact"),
	SIM(0xffffffff, HINT(1), sim_nop, "YIELD",
	    "a scheduling hint with no architectural effect"),
	REJ(0xffffffff, HINT(2), "WFE",
	    "waits for an event: in a slot it would wait with interrupts masked"),
	REJ(0xffffffff, HINT(3), "WFI", "waits for an interrupt: in a slot interrupts are masked"),
	XOL(0xffffffff, HINT(4), "SEV"),
	XOL(0xffffffff, HINT(5), "SEVL"),
	XOL(0xffffffff, HINT(6), "DGH"),
	XOL(0xffffffff, HINT(7), "XPACLRI"),
	XOL(0xffffffff, HINT(8), "PACIA1716"),
	XOL(0xffffffff, HINT(10), "PACIB1716"),
	XOL(0xffffffff, HINT(12), "AUTIA1716"),
	XOL(0xffffffff, HINT(14), "AUTIB1716"),
	XOL(0xffffffff, HINT(16), "ESB"),
	XOL(0xffffffff, HINT(17), "PSB CSYNC"),
	XOL(0xffffffff, HINT(18), "TSB CSYNC"),
	XOL(0xffffffff, HINT(20), "CSDB"),
	XOL(0xffffffff, HINT(22), "CLRBHB"),
	/* PACIAZ, PACIASP, PACIBZ, PACIBSP, AUTIAZ, AUTIASP, AUTIBZ, AUTIBSP */
	XOL(0xffffff1f, HINT(24), "PACIxZ/PACIxSP/AUTIxZ/AUTIxSP"),
	/* BTI, BTI c, BTI j, BTI jc: the check happens in the (guarded) slot */
	XOL(0xffffff3f, HINT(32), "BTI"),
	REJ(0xfffff01f, HINT(0), "other hints",
	    "unallocated or newer hint: it may gain semantics a slot does not preserve"),

	/* Barriers */
	XOL(0xfffff0ff, 0xd503305f, "CLREX"),
	XOL(0xfffff0ff, 0xd503309f, "DSB"),
	XOL(0xfffff0ff, 0xd50330bf, "DMB"),
	XOL(0xfffff0ff, 0xd50330df, "ISB"),
	XOL(0xffffffff, 0xd50330ff, "SB"),
	XOL(0xfffff3ff, 0xd503323f, "DSB nXS"),

	/* PSTATE: MSR (immediate), CFINV, XAFLAG, AXFLAG */
	REJ(0xfff8f01f, 0xd500401f, "MSR (immediate) and flag manipulation",
	    "writes PSTATE"),

	/* SYS: data and instruction cache maintenance (CRn = 7) */
	SYS_XOL(0, 7, 1, 0, "IC IALLUIS"),
	SYS_XOL(0, 7, 5, 0, "IC IALLU"),
	SYS_XOL(3, 7, 5, 1, "IC IVAU"),
	SYS_XOL(0, 7, 6, 1, "DC IVAC"),
	SYS_XOL(0, 7, 6, 2, "DC ISW"),
	SYS_XOL(0, 7, 6, 3, "DC IGVAC"),
	SYS_XOL(0, 7, 6, 4, "DC IGSW"),
	SYS_XOL(0, 7, 6, 5, "DC IGDVAC"),
	SYS_XOL(0, 7, 6, 6, "DC IGDSW"),
	SYS_XOL(0, 7, 10, 2, "DC CSW"),
	SYS_XOL(0, 7, 10, 4, "DC CGSW"),
	SYS_XOL(0, 7, 10, 6, "DC CGDSW"),
	SYS_XOL(0, 7, 14, 2, "DC CISW"),
	SYS_XOL(0, 7, 14, 4, "DC CIGSW"),
	SYS_XOL(0, 7, 14, 6, "DC CIGDSW"),
	SYS_XOL(3, 7, 4, 1, "DC ZVA"),
	SYS_XOL(3, 7, 4, 3, "DC GVA"),
	SYS_XOL(3, 7, 4, 4, "DC GZVA"),
	SYS_XOL(3, 7, 10, 1, "DC CVAC"),
	SYS_XOL(3, 7, 10, 3, "DC CGVAC"),
	SYS_XOL(3, 7, 10, 5, "DC CGDVAC"),
	SYS_XOL(3, 7, 11, 1, "DC CVAU"),
	SYS_XOL(3, 7, 12, 1, "DC CVAP"),
	SYS_XOL(3, 7, 12, 3, "DC CGVAP"),
	SYS_XOL(3, 7, 12, 5, "DC CGDVAP"),
	SYS_XOL(3, 7, 13, 1, "DC CVADP"),
	SYS_XOL(3, 7, 13, 3, "DC CGVADP"),
	SYS_XOL(3, 7, 13, 5, "DC CGDVADP"),
	SYS_XOL(3, 7, 14, 1, "DC CIVAC"),
	SYS_XOL(3, 7, 14, 3, "DC CIGVAC"),
	SYS_XOL(3, 7, 14, 5, "DC CIGDVAC"),
	/* ... prediction restriction (FEAT_SPECRES) */
	SYS_XOL(3, 7, 3, 4, "CFP RCTX"),
	SYS_XOL(3, 7, 3, 5, "DVP RCTX"),
	SYS_XOL(3, 7, 3, 6, "COSP RCTX"),
	SYS_XOL(3, 7, 3, 7, "CPP RCTX"),
	/*
	 * ... EL1 TLB invalidation, CRn = 8 or 9 (nXS): CRm 1, 3, 7 (outer
	 * shareable, inner shareable, local) with op2 0-3, 5 or 7; CRm 2, 5,
	 * 6 (ranges) with op2 1, 3, 5 or 7.
	 */
	XOL_K(0xffffefe0 & ~(0x3 << 5), SYS_ENC(0, 8, 1, 0), "TLBI *E1OS (op2 0-3)"),
	XOL_K(0xffffefa0, SYS_ENC(0, 8, 1, 5), "TLBI VALE1OS, VAALE1OS"),
	XOL_K(0xffffefe0 & ~(0x3 << 5), SYS_ENC(0, 8, 3, 0), "TLBI *E1IS (op2 0-3)"),
	XOL_K(0xffffefa0, SYS_ENC(0, 8, 3, 5), "TLBI VALE1IS, VAALE1IS"),
	XOL_K(0xffffefe0 & ~(0x3 << 5), SYS_ENC(0, 8, 7, 0), "TLBI *E1 (op2 0-3)"),
	XOL_K(0xffffefa0, SYS_ENC(0, 8, 7, 5), "TLBI VALE1, VAALE1"),
	XOL_K(0xffffef20, SYS_ENC(0, 8, 2, 1), "TLBI RVA*E1IS"),
	XOL_K(0xffffef20, SYS_ENC(0, 8, 5, 1), "TLBI RVA*E1OS"),
	XOL_K(0xffffef20, SYS_ENC(0, 8, 6, 1), "TLBI RVA*E1"),
	REJ(0xfff80000, 0xd5080000, "other SYS (AT, GCS, BRB, TRCIT, ...)",
	    "system instruction whose effects a probe cannot vouch for"),
	REJ(0xfff80000, 0xd5280000, "SYSL", "system instruction with result"),
	REJ(0xfff00000, 0xd5100000, "MSR (register)", "writes a system register"),

	/* MRS: PSTATE views that the probe changes are simulated */
	ROW(MRS_MASK, MRS(3, 3, 4, 2, 1), PROBE_INSN_SIMULATE, PROBE_FOR_KERNEL, 0,
	    sim_mrs_pstate, "MRS DAIF",
	    "the slot runs with interrupts masked: read the interrupted DAIF"),
	SIM(MRS_MASK, MRS(3, 3, 4, 2, 0), sim_mrs_pstate, "MRS NZCV",
	    "read the interrupted flags from the saved PSTATE"),
	/* ... registers the probe's own exception overwrites are refused */
	REJ(MRS_MASK, MRS(3, 0, 4, 0, 0), "MRS SPSR_EL1", "overwritten by the probe's exception"),
	REJ(MRS_MASK, MRS(3, 0, 4, 0, 1), "MRS ELR_EL1", "overwritten by the probe's exception"),
	REJ(MRS_MASK, MRS(3, 0, 5, 2, 0), "MRS ESR_EL1", "overwritten by the probe's exception"),
	REJ(MRS_MASK, MRS(3, 0, 6, 0, 0), "MRS FAR_EL1", "overwritten by the probe's exception"),
	/* ... and reads known to be free of side effects run in the slot */
	MRS_XOL(3, 0, 4, 1, 0, "SP_EL0"),
	MRS_XOL(3, 0, 4, 2, 0, "SPSel"),
	MRS_XOL(3, 0, 4, 2, 2, "CurrentEL"),
	MRS_XOL(3, 0, 4, 2, 3, "PAN"),
	MRS_XOL(3, 0, 4, 2, 4, "UAO"),
	MRS_XOL_ALL(3, 3, 4, 2, 5, "DIT"),
	MRS_XOL_ALL(3, 3, 4, 2, 6, "SSBS"),
	MRS_XOL_ALL(3, 3, 4, 2, 7, "TCO"),
	MRS_XOL_ALL(3, 3, 4, 4, 0, "FPCR"),
	MRS_XOL_ALL(3, 3, 4, 4, 1, "FPSR"),
	MRS_XOL(3, 0, 13, 0, 1, "CONTEXTIDR_EL1"),
	MRS_XOL(3, 0, 13, 0, 4, "TPIDR_EL1"),
	MRS_XOL_ALL(3, 3, 13, 0, 2, "TPIDR_EL0"),
	MRS_XOL_ALL(3, 3, 13, 0, 3, "TPIDRRO_EL0"),
	MRS_XOL(3, 4, 13, 0, 2, "TPIDR_EL2"),
	XOL_K(0xfffff800, MRS(3, 0, 0, 0, 0), "MRS ID registers (MIDR, MPIDR, ID_*)"),
	XOL_K(0xffffff00, MRS(3, 1, 0, 0, 0), "MRS CCSIDR/CLIDR/AIDR"),
	MRS_XOL(3, 2, 0, 0, 0, "CSSELR_EL1"),
	MRS_XOL_ALL(3, 3, 0, 0, 1, "CTR_EL0"),
	MRS_XOL_ALL(3, 3, 0, 0, 7, "DCZID_EL0"),
	XOL(0xfffff000, MRS(3, 3, 14, 0, 0), "MRS generic timer (CNT*_EL0)"),
	MRS_XOL(3, 0, 14, 1, 0, "CNTKCTL_EL1"),
	MRS_XOL(3, 0, 1, 0, 0, "SCTLR_EL1"),
	MRS_XOL(3, 0, 1, 0, 2, "CPACR_EL1"),
	MRS_XOL(3, 0, 2, 0, 0, "TTBR0_EL1"),
	MRS_XOL(3, 0, 2, 0, 1, "TTBR1_EL1"),
	MRS_XOL(3, 0, 2, 0, 2, "TCR_EL1"),
	MRS_XOL(3, 0, 7, 4, 0, "PAR_EL1"),
	MRS_XOL(3, 0, 10, 2, 0, "MAIR_EL1"),
	MRS_XOL(3, 0, 12, 0, 0, "VBAR_EL1"),
	MRS_XOL(2, 0, 0, 2, 2, "MDSCR_EL1"),
	MRS_XOL_ALL(3, 3, 2, 4, 0, "RNDR"),
	MRS_XOL_ALL(3, 3, 2, 4, 1, "RNDRRS"),
	REJ(0xfff00000, 0xd5300000, "other MRS",
	    "reads a system register not known to be free of side effects"),
	REJ(0xffc00000, 0xd5000000, "other system instructions",
	    "unallocated or not known to be safe out of line"),

	/* Unconditional branch (register) */
	SIM_BR(0xfffffc1f, 0xd61f0000, sim_b_reg, "BR", "branch: the target is the next PC"),
	SIM_BR(0xfffffc1f, 0xd63f0000, sim_b_reg, "BLR", "branch: the target is the next PC"),
	SIM_BR(0xfffffc1f, 0xd65f0000, sim_b_reg, "RET", "branch: the target is the next PC"),
	REJ(0xfe000000, 0xd6000000,
	    "other branch (register): BRAA/BLRAA/RETAA..., ERET, DRPS",
	    "pointer-authenticated branch or exception return"),

	/* Branches (immediate) */
	SIM_BR(0x7c000000, 0x14000000, sim_b_imm, "B, BL", "PC-relative branch"),
	SIM_BR(0x7e000000, 0x34000000, sim_cb, "CBZ, CBNZ", "PC-relative branch"),
	SIM_BR(0x7e000000, 0x36000000, sim_tb, "TBZ, TBNZ", "PC-relative branch"),
	REJ(0x1c000000, 0x14000000,
	    "other branch/system encodings",
	    "unallocated, or a newer branch (CB<cc>, ...) the probes do not simulate"),

	/* ---- op0 = x1x0: loads and stores ---- */
	/* Load register (literal) */
	SIM(0xff000000, 0x18000000, sim_ldr_lit, "LDR (literal, 32-bit)", "PC-relative load"),
	SIM(0xff000000, 0x58000000, sim_ldr_lit, "LDR (literal, 64-bit)", "PC-relative load"),
	SIM(0xff000000, 0x98000000, sim_ldr_lit, "LDRSW (literal)", "PC-relative load"),
	SIM(0xff000000, 0xd8000000, sim_nop, "PRFM (literal)",
	    "a prefetch hint: no architectural effect to reproduce"),
	SIM(0xff000000, 0x1c000000, sim_ldr_lit_fp, "LDR (literal, SIMD&FP 32-bit)",
	    "PC-relative load"),
	SIM(0xff000000, 0x5c000000, sim_ldr_lit_fp, "LDR (literal, SIMD&FP 64-bit)",
	    "PC-relative load"),
	SIM(0xff000000, 0x9c000000, sim_ldr_lit_fp, "LDR (literal, SIMD&FP 128-bit)",
	    "PC-relative load"),
	REJ(0xff000000, 0xdc000000, "LDR (literal, SIMD&FP, opc = 11)", "unallocated encoding"),
	/* Memory copy and set (FEAT_MOPS) */
	REJ(0x3b200c00, 0x19000400, "CPY*/SET* (MOPS)",
	    "prologue/main/epilogue must run as one sequence and may be interrupted mid-way"),
	/* Load/store exclusive: a probe between LDXR and STXR clears the monitor */
	REJ_FL(0x3fe00000, 0x08400000, PROBE_CLS_EXCL_LOAD, "LDXR/LDAXR (register)",
	       "opens an exclusive window that the probe's exception would close"),
	REJ_FL(0x3fe00000, 0x08000000, PROBE_CLS_EXCL_STORE, "STXR/STLXR (register)",
	       "inside an exclusive window"),
	REJ_FL(0xbfe00000, 0x88600000, PROBE_CLS_EXCL_LOAD, "LDXP/LDAXP",
	       "opens an exclusive window that the probe's exception would close"),
	REJ_FL(0xbfe00000, 0x88200000, PROBE_CLS_EXCL_STORE, "STXP/STLXP",
	       "inside an exclusive window"),
	XOL(0xbfa00000, 0x08200000, "CASP (LSE)"),
	XOL(0x3fa00000, 0x08800000, "LDAR/STLR/LDLAR/STLLR (ordered, not exclusive)"),
	XOL(0x3fa00000, 0x08a00000, "CAS (LSE)"),
	/* RCpc forms with immediate offset or writeback */
	XOL(0x3f200c00, 0x19000000, "LDAPUR/STLUR (RCpc, unscaled)"),
	XOL(0x3f200c00, 0x19000800, "LDIAPP/STILP/LDAPR (RCpc3)"),
	/* Memory tagging */
	XOL(0xff200000, 0xd9200000, "STG/LDG/STZG/ST2G/STGM/LDGM (MTE)"),
	/* Pairs, all indexing modes */
	XOL(0x3a000000, 0x28000000, "LDP/STP/LDNP/STNP/LDPSW/STGP"),
	/* Unprivileged: user memory, a fault that may sleep */
	XOL_FL(0x3f200c00, 0x38000800, PROBE_CLS_STEP_ONLY, "LDTR/STTR (unprivileged)"),
	/* Single registers: all indexing modes, atomics, PAC loads, SIMD&FP */
	XOL(0x3a000000, 0x38000000,
	    "load/store register (all offsets), LSE atomics, LDRAA/LDRAB, LDAPR"),
	/* Advanced SIMD structures */
	XOL(0xbe000000, 0x0c000000, "LD1-4/ST1-4 (SIMD structures)"),
	REJ(0x0a000000, 0x08000000, "other load/store encodings", "unallocated encoding"),

	/* ---- op0 = x101: data processing -- register ---- */
	REJ(0x9f008000, 0x0a008000, "logical (shifted register), 32-bit with imm6 >= 32",
	    "unallocated encoding"),
	SIM(0x1f000000, 0x0a000000, sim_logic_sreg,
	    "AND/ORR/EOR/ANDS/BIC/ORN/EON/BICS (shifted register), MOV (register)",
	    "plain register arithmetic, saves the second exception"),
	/*
	 * The rest of the group, subclass by subclass (op1 = bit 28, op2 =
	 * bits 24:21); what is not listed is refused.  FEAT_PAuth_LR added
	 * PACIASPPC, PACNBIASPPC, AUTIASPPCR... to the 1-source class with
	 * opcode 1xxxxx: they sign or authenticate with the instruction's
	 * own address, which out of line is the slot's.
	 */
	REJ(0x1fe00000, 0x0bc00000, "ADD/SUB (shifted register), shift = 11",
	    "unallocated encoding"),
	REJ(0x9f208000, 0x0b008000, "ADD/SUB (shifted register), 32-bit with imm6 >= 32",
	    "unallocated encoding"),
	XOL(0x1f200000, 0x0b000000, "ADD/SUB (shifted register)"),
	REJ(0x1fe01800, 0x0b201800, "ADD/SUB (extended register), imm3 > 4",
	    "unallocated encoding"),
	REJ(0x1fe01c00, 0x0b201400, "ADD/SUB (extended register), imm3 > 4",
	    "unallocated encoding"),
	XOL(0x1fe00000, 0x0b200000, "ADD/SUB (extended register)"),
	XOL(0x1fe0fc00, 0x1a000000, "ADC/ADCS/SBC/SBCS"),
	XOL(0xffe07c10, 0xba000400, "RMIF (FlagM)"),
	XOL(0xffffbc1f, 0x3a00080d, "SETF8/SETF16 (FlagM)"),
	XOL(0x3fe00410, 0x3a400000, "CCMN/CCMP (register, immediate)"),
	XOL(0x3fe00800, 0x1a800000, "CSEL/CSINC/CSINV/CSNEG"),
	XOL(0xffe0fc00, 0xbac00000, "SUBPS (MTE)"),
	REJ(0x7fe00000, 0x3ac00000, "data processing (2 source), S = 1",
	    "unallocated encoding"),
	XOL(0x5fe08000, 0x1ac00000,
	    "data processing (2 source): DIV, shifts, CRC32, SUBP, IRG, GMI, PACGA, min/max"),
	XOL(0x7fff8000, 0x5ac00000,
	    "data processing (1 source): RBIT, REV*, CLZ, CLS, ABS, CNT, CTZ"),
	XOL(0xffffc000, 0xdac10000,
	    "PACIA/PACIB/PACDA/PACDB/AUTIA/AUTIB/AUTDA/AUTDB (and Z forms)"),
	XOL(0xfffff800, 0xdac14000, "XPACI/XPACD"),
	REJ(0x7fe00000, 0x1b600000, "data processing (3 source), op31 = 011",
	    "unallocated encoding"),
	REJ(0x7fe00000, 0x1b800000, "data processing (3 source), op31 = 100",
	    "unallocated encoding"),
	REJ(0x7fe00000, 0x1be00000, "data processing (3 source), op31 = 111",
	    "unallocated encoding"),
	REJ(0x7f608000, 0x1b408000, "SMULH/UMULH with o0 = 1", "unallocated encoding"),
	XOL(0x7f000000, 0x1b000000, "data processing (3 source): MADD, MSUB, SMULH..."),
	REJ(0x0e000000, 0x0a000000, "other data processing (register)",
	    "unallocated, or newer (FEAT_PAuth_LR PACIASPPC...): may depend on its own address"),

	/* ---- op0 = x111: scalar floating-point and Advanced SIMD ---- */
	XOL(0x0e000000, 0x0e000000, "SIMD&FP data processing"),

	/* The groups above cover every encoding; a safe default all the same. */
	REJ(0x00000000, 0x00000000, "unclassified", "not in the decode table"),
};

const unsigned int arm64_probe_insn_table_size = ARRAY_SIZE(arm64_probe_insn_table);

/* insn[28:25], the top level of the A64 encoding index */
#define OP0_SHIFT	25
#define OP0_MASK	(0xfU << OP0_SHIFT)

/*
 * Where to start looking for each op0: one more than the first row that
 * can match an instruction of that op0 (rows before it disagree with every
 * such instruction in insn[28:25]), or 0 until that is known.  Starting
 * at row 0 is always right, so a reader that sees 0 is only slower; the
 * value, once there, is the same whoever computed it.
 */
static u8 first_row_plus1[16];
static_assert(ARRAY_SIZE(arm64_probe_insn_table) < 255);

static unsigned int first_row(u32 op0)
{
	u32 bits = op0 << OP0_SHIFT;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(arm64_probe_insn_table) - 1; i++) {
		const struct probe_insn_class *c = &arm64_probe_insn_table[i];

		if (!((bits ^ c->value) & c->mask & OP0_MASK))
			break;
	}
	return i;
}

/**
 * arm64_probe_class() - find the decode table row for an instruction
 * @insn: the A64 instruction word
 * @users: PROBE_FOR_KERNEL or PROBE_FOR_USER
 *
 * Return: the first row that matches @insn and applies to @users.  The
 * table ends with a catch-all row, so this never returns NULL.
 */
const struct probe_insn_class *arm64_probe_class(u32 insn, unsigned int users)
{
	u32 op0 = (insn & OP0_MASK) >> OP0_SHIFT;
	unsigned int start = READ_ONCE(first_row_plus1[op0]);
	const struct probe_insn_class *c;

	if (!start) {
		start = first_row(op0) + 1;
		WRITE_ONCE(first_row_plus1[op0], start);
	}
	for (c = &arm64_probe_insn_table[start - 1]; ; c++) {
		if ((insn & c->mask) == c->value && (c->users & users))
			return c;
	}
}

/**
 * arm64_probe_decode() - decide how a probe handles an instruction
 * @insn: the A64 instruction word
 * @users: PROBE_FOR_KERNEL or PROBE_FOR_USER
 * @d: filled with the action, the simulation handler and the table row
 *
 * Return: the action, also stored in @d->action.
 */
enum probe_insn_action arm64_probe_decode(u32 insn, unsigned int users,
					  struct probe_insn_decode *d)
{
	const struct probe_insn_class *c = arm64_probe_class(insn, users);

	d->cls = c;
	d->action = c->action;
	d->sim = c->action == PROBE_INSN_SIMULATE ? c->sim : NULL;
	return d->action;
}

/**
 * arm64_probe_in_excl_window() - is a probe address between LDXR and STXR?
 * @read: reads the original instruction at an address; non-zero on failure
 * @ctx: passed to @read
 * @addr: the probe address
 * @n: how many instructions before @addr may be looked at
 * @users: PROBE_FOR_KERNEL or PROBE_FOR_USER
 *
 * A probe's exception clears the exclusive monitor, so a probe between a
 * load-exclusive and its store-exclusive would make the store fail forever.
 * Walks back from @addr: a store-exclusive first means no window, a
 * load-exclusive first means @addr is inside one.  Only the LDXR and STXR
 * families count: load-acquire, store-release and LSE atomics open none.
 *
 * Return: true inside a window, or when an instruction cannot be read.
 */
bool arm64_probe_in_excl_window(int (*read)(void *ctx, unsigned long addr, u32 *insn),
				void *ctx, unsigned long addr, unsigned int n,
				unsigned int users)
{
	const struct probe_insn_class *c;
	unsigned int i;
	u32 insn;

	for (i = 1; i <= n; i++) {
		if (read(ctx, addr - i * 4, &insn))
			return true;
		if ((insn & PROBE_EXCL_GROUP_MASK) != PROBE_EXCL_GROUP_VALUE)
			continue;
		c = arm64_probe_class(insn, users);
		if (c->flags & PROBE_CLS_EXCL_STORE)
			return false;
		if (c->flags & PROBE_CLS_EXCL_LOAD)
			return true;
	}
	return false;
}
