/* PVMM_HOT: a function every guest exit that reaches pvmm runs (the vCPU
 * loop, the exit handlers' dispatch).  GCC's hot attribute puts these in
 * .text.hot, which the linker lays out together (-freorder-functions is on
 * at -Os), so an exit's code spans as few pages as it can.  Under the
 * emulated hosts an exit's userspace part costs as if each page it
 * touches had to be looked up again after the guest ran; grouping these
 * cut pvmm's own time per exit from 6.7-7.5 to 5.8-6.1 us there (README
 * "The hcall round trip's parts"). */
#ifndef PVMM_CPU_HOT_H
#define PVMM_CPU_HOT_H

#define PVMM_HOT __attribute__((hot))

#endif
