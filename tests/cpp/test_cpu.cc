// The CPU probe (cpu.h): its answers against the compiler's __builtin_cpu_supports, the
// TFLITE_CORE_MAX_ISA cap and its parsing, and the cap reaching the paths that dispatch on it.
// ctest also runs this binary (and the tests of those paths) under TFLITE_CORE_MAX_ISA=baseline
// and =avx2.
#include <cstdlib>
#include <cstring>
#include <string>

#include "cpu.h"
#include "crc32c.h"
#include "harness.h"
#include "lstm_cell.h"
#include "peak.h"

namespace cpu = tfl::cpu;

TEST_CASE(cpu_probe_agrees_with_builtin_cpu_supports) {
  const cpu::Features& d = cpu::detected();
#if TFL_CPU_X86
  __builtin_cpu_init();
  CHECK(d.sse42 == (__builtin_cpu_supports("sse4.2") != 0));
  CHECK(d.avx2_fma == (__builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0));
  CHECK(d.avx512f == (__builtin_cpu_supports("avx512f") != 0));
  CHECK(d.avx512_bf16 == (d.avx512f && __builtin_cpu_supports("avx512bf16") != 0));
  CHECK(d.avx512bw == (d.avx512f && d.avx2_fma && __builtin_cpu_supports("avx512bw") != 0));
  CHECK(d.avx512_vnni == (d.avx512bw && __builtin_cpu_supports("avx512vnni") != 0));
  // AMX also needs the OS's consent, so the probe may say no where the CPU says yes
  if (d.amx_bf16) CHECK(__builtin_cpu_supports("amx-bf16") != 0);
#else
  CHECK(!d.sse42 && !d.avx2_fma && !d.avx512f && !d.avx512_bf16 && !d.avx512bw && !d.avx512_vnni &&
        !d.amx_bf16);
#endif
  std::printf(
      "  detected: sse4.2 %d, avx2+fma %d, avx512f %d, avx512-vnni %d, avx512-bf16 %d, amx-bf16 "
      "%d\n",
      d.sse42, d.avx2_fma, d.avx512f, d.avx512_vnni, d.avx512_bf16, d.amx_bf16);
}

TEST_CASE(cpu_cap_is_the_environment_variable) {
  const cpu::Isa cap = cpu::max_isa();
  CHECK(cap == cpu::parse_max_isa(std::getenv("TFLITE_CORE_MAX_ISA")));
  const cpu::Features &d = cpu::detected(), &f = cpu::features();
  const bool v3 = cap >= cpu::Isa::kAvx2, v4 = cap >= cpu::Isa::kAvx512;
  CHECK(cpu::has_sse42() == (d.sse42 && v3));
  CHECK(cpu::has_avx2_fma() == (d.avx2_fma && v3));
  CHECK(cpu::has_avx512f() == (d.avx512f && v4));
  CHECK(cpu::has_avx512_bf16() == (d.avx512_bf16 && v4));
  CHECK(cpu::has_avx512bw() == (d.avx512bw && v4));
  CHECK(cpu::has_avx512_vnni() == (d.avx512_vnni && v4));
  CHECK(cpu::has_amx_bf16() == (d.amx_bf16 && v4));
  CHECK(&f == &cpu::features());  // cached
  std::printf("  TFLITE_CORE_MAX_ISA=%s: sse4.2 %d, avx2+fma %d, avx512f %d\n", cpu::isa_name(cap),
              f.sse42, f.avx2_fma, f.avx512f);
}

TEST_CASE(cpu_cap_values) {
  CHECK(cpu::parse_max_isa(nullptr) == cpu::Isa::kAvx512);
  CHECK(cpu::parse_max_isa("") == cpu::Isa::kAvx512);
  CHECK(cpu::parse_max_isa("avx512") == cpu::Isa::kAvx512);
  CHECK(cpu::parse_max_isa("avx2") == cpu::Isa::kAvx2);
  CHECK(cpu::parse_max_isa("baseline") == cpu::Isa::kBaseline);
  CHECK_THROWS(cpu::parse_max_isa("AVX2"));
  CHECK_THROWS(cpu::parse_max_isa("sse2"));
  try {
    cpu::parse_max_isa("avx3");
    CHECK(false);
  } catch (const tfl::KernelError& e) {
    CHECK(std::string(e.what()).find("TFLITE_CORE_MAX_ISA") != std::string::npos);
    CHECK(std::string(e.what()).find("'avx3'") != std::string::npos);
  }
  for (cpu::Isa i : {cpu::Isa::kBaseline, cpu::Isa::kAvx2, cpu::Isa::kAvx512})
    CHECK(cpu::parse_max_isa(cpu::isa_name(i)) == i);
}

TEST_CASE(cpu_cap_reaches_the_dispatching_paths) {
  // crc32c: the crc32 instruction only under the cap
  CHECK(std::strcmp(tfl::crc32c_backend(), cpu::has_sse42() ? "sse4.2" : "portable") == 0);
  // lstm_seq's packed recurrence (AVX2+FMA only) runs exactly when the probe allows it
  const int64_t h = 16, b = 2;
  std::vector<float> packed(4 * h * h, 0.1f), c0(b * h, 0.5f), h0(b * h, 0.25f), bias(4 * h);
  std::vector<float> c(b * h), hs(b * h), act(b * 4 * h), tc(b * h);
  CHECK(tfl::lstm_recurrence_packed(packed.data(), c0.data(), h0.data(), bias.data(), 1.0f,
                                    c.data(), hs.data(), act.data(), tc.data(), 1, b,
                                    h) == cpu::has_avx2_fma());
}

TEST_CASE(fma_peak_probe_follows_the_cap) {
  const tfl::FmaPeak p = tfl::measure_fma_peak(1, 0.02, 1);
  CHECK(p.threads == 1);
  CHECK(p.gflops > 0.1 && p.gflops < 1e5);
  const char* want = cpu::has_avx512f() ? "avx512" : cpu::has_avx2_fma() ? "avx2" : "baseline";
  CHECK(p.isa == want);
  CHECK_THROWS(tfl::measure_fma_peak(0, 0.1, 1));
  CHECK_THROWS(tfl::measure_fma_peak(1, 0.0, 1));
  CHECK_THROWS(tfl::measure_fma_peak(1, 100.0, 1));
  CHECK_THROWS(tfl::measure_fma_peak(1, 0.1, 0));
}
