// Instruction sets the vectorised kernels are compiled for, and which one this process runs.
// The library itself targets x86-64-v2; src/kernels/isa/*.cpp are compiled once per set below, each
// into its own namespace (xjax::kernels::sse4, ::avx2, ::avx512), and export tables of entry points
// (kernels/tables.hpp). The active set is chosen once, on first use: the widest the CPU supports,
// capped by the environment variable XJAX_CPU_ISA.
#pragma once
#include <string>

namespace xjax::kernels {

enum class Isa : int { sse4, avx2, avx512 };
inline constexpr int num_isas = 3;

const char* isa_name(Isa isa);  // "sse4", "avx2", "avx512": as XJAX_CPU_ISA spells them
bool cpu_supports(Isa isa);

// The set kernels use now. The first call reads the CPU and XJAX_CPU_ISA and throws ValueError for
// an unknown name or a set the CPU lacks (later calls throw the same).
Isa active_isa();

// The set XJAX_CPU_ISA = cap selects on this CPU (empty or null: the widest it supports); throws
// ValueError for an unknown name or a set the CPU lacks.
Isa choose_isa(const char* cap);

// Switches the active set (tests compare the sets in one process); ValueError if the CPU lacks it.
void set_active_isa(Isa isa);

}  // namespace xjax::kernels
