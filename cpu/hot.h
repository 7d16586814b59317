/* PVMM_HOT: a function every guest exit that reaches pvmm runs (the vCPU
 * loop, the exit handlers' dispatch).  GCC's hot attribute puts these in
 * .text.hot, which the linker lays out together (-freorder-functions is on
 * at -Os), so an exit's code spans as few pages as it can.  That is what
 * an exit's userspace part costs under the emulated hosts, where the
 * switch between a guest and its host leaves the TLB empty: a refill per
 * page touched (README "Benchmarks", pvmm's own time per exit). */
#ifndef PVMM_CPU_HOT_H
#define PVMM_CPU_HOT_H

#define PVMM_HOT __attribute__((hot))

#endif
