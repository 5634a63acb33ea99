// fpmath.cc: the float32 maths mode (fpmath.h).
#include "fpmath.h"

#include "blas.h"
#include "cpu.h"
#include "tensor.h"

namespace tfl {

std::atomic<int> g_fpmath{int(FpMath::kStrict)};

std::string fpmath_bf16_unavailable() {
  if (!cpu::has_avx512_bf16() && !cpu::has_amx_bf16()) {
    const bool capped = cpu::detected().avx512_bf16 || cpu::detected().amx_bf16;
    return capped ? std::string("TFLITE_CORE_MAX_ISA=") + cpu::isa_name(cpu::max_isa()) +
                        " rules out this CPU's AVX512-BF16/AMX-BF16 instructions"
                  : "this CPU has neither AVX512-BF16 nor AMX-BF16 instructions";
  }
  return blas::bf16_unavailable();
}

void set_fpmath_mode(const std::string& mode) {
  if (mode == "strict") {
    g_fpmath.store(int(FpMath::kStrict));
  } else if (mode == "bf16") {
    const std::string why = fpmath_bf16_unavailable();
    if (!why.empty()) fail("set_fpmath_mode", "bf16 maths is not available: ", why);
    g_fpmath.store(int(FpMath::kBf16));
  } else {
    fail("set_fpmath_mode", "mode must be 'strict' or 'bf16', got '", mode, "'");
  }
}

const char* fpmath_mode() { return fpmath_bf16() ? "bf16" : "strict"; }

}  // namespace tfl
