// cpu.cc: the CPU-feature probe and the TFLITE_CORE_MAX_ISA cap (cpu.h).
#include "cpu.h"

#include <cstdlib>
#include <cstring>

#include "tensor.h"

#if TFL_CPU_X86 && defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tfl {
namespace cpu {
namespace {

#if TFL_CPU_X86
// Linux keeps the AMX tile state off until a process asks for it (arch_prctl
// ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA); until then the first tile instruction faults.
bool os_grants_amx() {
#if defined(__linux__) && defined(SYS_arch_prctl)
  constexpr long kReqXcompPerm = 0x1023, kXtileData = 18;
  return syscall(SYS_arch_prctl, kReqXcompPerm, kXtileData) == 0;
#else
  return false;
#endif
}

Features probe() {
  __builtin_cpu_init();
  Features f;
  f.sse42 = __builtin_cpu_supports("sse4.2") != 0;
  f.avx2_fma = __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
  f.avx512f = __builtin_cpu_supports("avx512f") != 0;
  f.avx512_bf16 = f.avx512f && __builtin_cpu_supports("avx512bf16") != 0;
  f.avx512bw = f.avx512f && f.avx2_fma && __builtin_cpu_supports("avx512bw") != 0 &&
               __builtin_cpu_supports("avx512vl") != 0;
  f.avx512_vnni = f.avx512bw && __builtin_cpu_supports("avx512vnni") != 0;
  f.f16c = f.avx2_fma && __builtin_cpu_supports("f16c") != 0;
  f.amx_bf16 = __builtin_cpu_supports("amx-tile") != 0 && __builtin_cpu_supports("amx-bf16") != 0 &&
               os_grants_amx();
  return f;
}
#else
Features probe() { return Features{}; }
#endif

Features capped(const Features& d, Isa cap) {
  Features f;
  if (cap >= Isa::kAvx2) {
    f.sse42 = d.sse42;
    f.avx2_fma = d.avx2_fma;
    f.f16c = d.f16c;
  }
  if (cap >= Isa::kAvx512) {
    f.avx512f = d.avx512f;
    f.avx512_bf16 = d.avx512_bf16;
    f.avx512bw = d.avx512bw;
    f.avx512_vnni = d.avx512_vnni;
    f.amx_bf16 = d.amx_bf16;
  }
  return f;
}

}  // namespace

Isa parse_max_isa(const char* value) {
  if (value == nullptr || *value == '\0' || std::strcmp(value, "avx512") == 0) return Isa::kAvx512;
  if (std::strcmp(value, "avx2") == 0) return Isa::kAvx2;
  if (std::strcmp(value, "baseline") == 0) return Isa::kBaseline;
  fail("cpu", "TFLITE_CORE_MAX_ISA must be baseline, avx2 or avx512 (or unset), got '", value, "'");
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kBaseline: return "baseline";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
  }
  return "?";
}

const Features& detected() {
  static const Features f = probe();
  return f;
}

Isa max_isa() {
  // A bad value throws here, and again on every later call (the static stays uninitialised).
  static const Isa cap = parse_max_isa(std::getenv("TFLITE_CORE_MAX_ISA"));
  return cap;
}

const Features& features() {
  static const Features f = capped(detected(), max_isa());
  return f;
}

}  // namespace cpu
}  // namespace tfl
