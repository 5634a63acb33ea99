// elementwise_fused.cc: a chain of float32 elementwise ops as one pass over memory (the plan
// optimiser's elementwise fusion, python/tflite_core/client/elementwise_fusion.py).
//
// The step's inputs are the chain's leaf operands; each has the output's size, one element (a
// scalar), or the size of the output's trailing dimensions (a bias, repeated). Its program is
// a list of instructions (code, dst, a, b) over registers: 0..nin-1 are the inputs, then one
// register per instruction, written once, in order; the last instruction's register is the
// output. The output is computed in blocks of kBlock elements that stay in cache between the
// instructions. Every instruction applies the same per-element maths as the op's own kernel
// (elementwise_math.h), so the fused chain gives the bits its ops give one by one.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "elementwise_math.h"
#include "kernels.h"

namespace tfl {
namespace {

using namespace ew;  // NOLINT(build/namespaces): the maths shared with elementwise.cc

constexpr int64_t kBlock = 1024;
constexpr int64_t kLine = 16;  // floats in a 64-byte cache line
constexpr int64_t kMaxInstructions = 64;

// Instruction codes: a binary op's code is its Bin (kAdd .. kTanhGrad, elementwise_math.h), a
// unary op's kFirstUnary + its Un (kNeg .. kFloor).
constexpr int64_t kFirstUnary = 16;
constexpr int64_t kLastBinary = int64_t(Bin::kTanhGrad);
constexpr int64_t kEndCodes = kFirstUnary + int64_t(Un::kFloor) + 1;

struct Instr {
  int64_t code, dst, a, b;
};

// An operand within a block: a pointer and whether it is one value repeated.
struct Operand {
  const float* p;
  bool scalar;
};

template <Bin B>
__attribute__((always_inline)) inline void bin_block(Operand a, Operand b, float* o, int64_t m) {
  if (a.scalar && b.scalar) {
    const float v = apply_bin<B, float>(a.p[0], b.p[0]);
    for (int64_t k = 0; k < m; ++k) o[k] = v;
  } else if (b.scalar) {
    const float vb = b.p[0];
    for (int64_t k = 0; k < m; ++k) o[k] = apply_bin<B, float>(a.p[k], vb);
  } else if (a.scalar) {
    const float va = a.p[0];
    for (int64_t k = 0; k < m; ++k) o[k] = apply_bin<B, float>(va, b.p[k]);
  } else {
    for (int64_t k = 0; k < m; ++k) o[k] = apply_bin<B, float>(a.p[k], b.p[k]);
  }
}

template <Un U>
__attribute__((always_inline)) inline void un_block(Operand a, float* o, int64_t m) {
  if (a.scalar) {
    float v;
    if constexpr (has_fast_run<U>()) fast_run<U>(a.p, &v, 1);
    else v = apply_un<U, float>(a.p[0]);
    for (int64_t k = 0; k < m; ++k) o[k] = v;
  } else if constexpr (has_fast_run<U>()) {
    fast_run<U>(a.p, o, m);  // (the unary kernel's own run, vectorised where the CPU can)
  } else {
    for (int64_t k = 0; k < m; ++k) o[k] = apply_un<U, float>(a.p[k]);
  }
}

// TanhGrad's 1 - x * x would become a fused multiply-add under the AVX2+FMA target, which the
// TanhGrad kernel (a baseline loop) does not use: it runs from the baseline build everywhere.
__attribute__((noinline)) void tanh_grad_block(Operand a, Operand b, float* o, int64_t m) {
  bin_block<Bin::kTanhGrad>(a, b, o, m);
}

// One instruction over one block (inlined into the baseline and the AVX2+FMA builds below).
__attribute__((always_inline)) inline void apply(int64_t code, Operand a, Operand b, float* o,
                                                 int64_t m) {
  switch (code) {
    case int64_t(Bin::kAdd): return bin_block<Bin::kAdd>(a, b, o, m);
    case int64_t(Bin::kSub): return bin_block<Bin::kSub>(a, b, o, m);
    case int64_t(Bin::kMul): return bin_block<Bin::kMul>(a, b, o, m);
    case int64_t(Bin::kDiv): return bin_block<Bin::kDiv>(a, b, o, m);
    case int64_t(Bin::kMax): return bin_block<Bin::kMax>(a, b, o, m);
    case int64_t(Bin::kMin): return bin_block<Bin::kMin>(a, b, o, m);
    case int64_t(Bin::kPow): return bin_block<Bin::kPow>(a, b, o, m);
    case int64_t(Bin::kReluGrad): return bin_block<Bin::kReluGrad>(a, b, o, m);
    case int64_t(Bin::kSigmoidGrad): return bin_block<Bin::kSigmoidGrad>(a, b, o, m);
    case int64_t(Bin::kTanhGrad): return tanh_grad_block(a, b, o, m);
    case kFirstUnary + int64_t(Un::kNeg): return un_block<Un::kNeg>(a, o, m);
    case kFirstUnary + int64_t(Un::kAbs): return un_block<Un::kAbs>(a, o, m);
    case kFirstUnary + int64_t(Un::kRelu): return un_block<Un::kRelu>(a, o, m);
    case kFirstUnary + int64_t(Un::kSigmoid): return un_block<Un::kSigmoid>(a, o, m);
    case kFirstUnary + int64_t(Un::kTanh): return un_block<Un::kTanh>(a, o, m);
    case kFirstUnary + int64_t(Un::kExp): return un_block<Un::kExp>(a, o, m);
    case kFirstUnary + int64_t(Un::kLog): return un_block<Un::kLog>(a, o, m);
    case kFirstUnary + int64_t(Un::kSqrt): return un_block<Un::kSqrt>(a, o, m);
    case kFirstUnary + int64_t(Un::kSquare): return un_block<Un::kSquare>(a, o, m);
    case kFirstUnary + int64_t(Un::kRecip): return un_block<Un::kRecip>(a, o, m);
    case kFirstUnary + int64_t(Un::kSign): return un_block<Un::kSign>(a, o, m);
    case kFirstUnary + int64_t(Un::kFloor): return un_block<Un::kFloor>(a, o, m);
    default: return;  // (codes are checked before the run)
  }
}

// Every op above is one IEEE operation per element, or two in an order no contraction changes
// (SigmoidGrad: y * x * (1 - x)), or calls the same function as the op's kernel (libm, and
// fast_run's own dispatch for exp, sigmoid and tanh): both builds give the kernels' bits.
void apply_baseline(int64_t code, Operand a, Operand b, float* o, int64_t m) {
  apply(code, a, b, o, m);
}
TFL_TARGET_AVX2_FMA void apply_avx2(int64_t code, Operand a, Operand b, float* o, int64_t m) {
  apply(code, a, b, o, m);
}

bool valid_code(int64_t c) {
  return (c >= 0 && c <= kLastBinary) || (c >= kFirstUnary && c < kEndCodes);
}

// The program from the attributes, checked: [n, (code, dst, a, b) x n], into prog (room for
// kMaxInstructions); returns n.
int64_t read_program(const char* op, const Attrs& attrs, int nin, Instr* prog) {
  const auto& v = attrs.ints;
  if (v.empty() || v[0] < 1 || v[0] > kMaxInstructions || int64_t(v.size()) != 1 + 4 * v[0])
    fail(op, "bad program: expected 1 to ", kMaxInstructions, " instructions of 4 ints");
  for (int64_t i = 0; i < v[0]; ++i) {
    const Instr in{v[size_t(1 + 4 * i)], v[size_t(2 + 4 * i)], v[size_t(3 + 4 * i)],
                   v[size_t(4 + 4 * i)]};
    const int64_t defined = nin + i;  // registers written so far
    if (!valid_code(in.code)) fail(op, "instruction ", i, ": unknown code ", in.code);
    if (in.dst != defined) fail(op, "instruction ", i, " must write register ", defined);
    if (in.a < 0 || in.a >= defined || (in.code < kFirstUnary && (in.b < 0 || in.b >= defined)))
      fail(op, "instruction ", i, " reads a register not yet written");
    prog[i] = in;
  }
  return v[0];
}

void k_fused_elementwise(const TensorView* in, int nin, TensorView* out, int nout,
                         const Attrs& attrs) {
  const char* op = "FusedElementwise";
  if (nin < 1 || nout != 1)
    fail(op, "expects at least 1 input and 1 output, got ", nin, " and ", nout);
  Instr prog[kMaxInstructions];
  const int64_t nprog = read_program(op, attrs, nin, prog);
  if (out[0].dtype != DType::kFloat32) fail(op, "unsupported dtype ", dtype_name(out[0].dtype));
  const int64_t n = out[0].size();
  // each input: its size (n: contiguous, 1: a scalar, or a divisor of n: repeated rows)
  // (scratch kept from call to call: a loop body runs this kernel once an iteration)
  thread_local std::vector<int64_t> len_scratch;
  len_scratch.resize(size_t(nin));
  int64_t* const len = len_scratch.data();  // (the workers read this thread's scratch)
  for (int i = 0; i < nin; ++i) {
    if (in[i].dtype != DType::kFloat32)
      fail(op, "input ", i, " has dtype ", dtype_name(in[i].dtype), ", expected float32");
    const int64_t s = in[i].size();
    if (n > 0 && (s < 1 || n % s != 0))
      fail(op, "input ", i, " has ", s, " elements, which do not tile the output's ", n);
    len[size_t(i)] = s;
  }
  if (n == 0) return;
  const int nregs = nin + int(nprog);
  bool cheap = true;
  for (int64_t j = 0; j < nprog; ++j)
    cheap = cheap && !(prog[j].code == int64_t(Bin::kPow) ||
                       (prog[j].code >= kFirstUnary + int64_t(Un::kSigmoid) &&
                        prog[j].code <= kFirstUnary + int64_t(Un::kSqrt)));
  const int64_t grain = std::max<int64_t>(kBlock, (cheap ? kCheapGrain : kParallelGrain) / nprog);
  float* const o = out[0].ptr<float>();
  const bool avx2 = cpu::has_avx2_fma();
  parallel_for(n, grain, [&](int64_t begin, int64_t end) {
    // one block per register that is not read in place (instructions' results and repeated
    // rows), each starting on a 64-byte boundary: as long as this stretch needs (a block, or
    // less for a small tensor), in this thread's scratch, kept from call to call (a loop body
    // runs this kernel once an iteration: no allocation, no zeroing per call)
    const int64_t stride = std::min<int64_t>(kBlock, (end - begin + 2 * kLine - 1) / kLine * kLine);
    thread_local std::vector<float> storage;
    const size_t need = size_t(nregs) * size_t(stride) + kLine;
    if (storage.size() < need) storage.resize(need);
    float* const blocks = storage.data() + (kLine - (reinterpret_cast<uintptr_t>(storage.data()) &
                                                     (kLine * sizeof(float) - 1)) /
                                                        sizeof(float)) %
                                               kLine;
    thread_local std::vector<Operand> reg_scratch;
    reg_scratch.resize(size_t(nregs));
    Operand* const reg = reg_scratch.data();  // (one TLS lookup, not one per use)
    for (int64_t b0 = begin, m = 0; b0 < end; b0 += m) {
      // blocks of the output start on 64-byte boundaries (the first one is shorter): a vector
      // store that straddles two cache lines costs two (the kernels' own loops peel alike)
      const int64_t off = int64_t(reinterpret_cast<uintptr_t>(o + b0) & 63) / 4;
      m = std::min(off ? kLine - off : kBlock, end - b0);
      for (int i = 0; i < nin; ++i) {
        const float* x = in[i].ptr<float>();
        const int64_t s = len[size_t(i)];
        if (s == n) {
          reg[size_t(i)] = {x + b0, false};
        } else if (s == 1) {
          reg[size_t(i)] = {x, true};
        } else {  // a row of s values repeated: this block's stretch of it
          float* dst = blocks + size_t(i) * size_t(stride);
          int64_t r = b0 % s;
          for (int64_t k = 0; k < m; ++k) {
            dst[k] = x[r];
            if (++r == s) r = 0;
          }
          reg[size_t(i)] = {dst, false};
        }
      }
      for (int64_t j = 0; j < nprog; ++j) {
        const Instr& p = prog[j];
        const bool last = j + 1 == nprog;
        float* dst = last ? o + b0 : blocks + size_t(p.dst) * size_t(stride);
        const Operand b = p.code < kFirstUnary ? reg[size_t(p.b)] : Operand{nullptr, true};
        (avx2 ? apply_avx2 : apply_baseline)(p.code, reg[size_t(p.a)], b, dst, m);
        reg[size_t(p.dst)] = {dst, false};
      }
    }
  });
}

}  // namespace

void register_elementwise_fused(Registry& r) { r["fused_elementwise"] = k_fused_elementwise; }

}  // namespace tfl
