// tensor.h: dtypes, a non-owning view of a contiguous buffer, input checks and parallel_for.
// Kernels are free functions on these views; C++ knows nothing about graphs.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace tfl {

// The first five are the original ones (their numbers are part of the plan format); the others
// follow in the order they were added. float16 and bfloat16 store 16 bits and compute in float32
// (dtypes.h); complex64/complex128 are std::complex<float/double>.
enum class DType : int32_t {
  kFloat32 = 0,
  kFloat64 = 1,
  kInt32 = 2,
  kInt64 = 3,
  kBool = 4,
  kInt8 = 5,
  kInt16 = 6,
  kUInt8 = 7,
  kUInt16 = 8,
  kUInt32 = 9,
  kUInt64 = 10,
  kFloat16 = 11,
  kBFloat16 = 12,
  kComplex64 = 13,
  kComplex128 = 14
};

inline int64_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat32: return 4;
    case DType::kFloat64: return 8;
    case DType::kInt32: return 4;
    case DType::kInt64: return 8;
    case DType::kBool: return 1;
    case DType::kInt8: return 1;
    case DType::kInt16: return 2;
    case DType::kUInt8: return 1;
    case DType::kUInt16: return 2;
    case DType::kUInt32: return 4;
    case DType::kUInt64: return 8;
    case DType::kFloat16: return 2;
    case DType::kBFloat16: return 2;
    case DType::kComplex64: return 8;
    case DType::kComplex128: return 16;
  }
  return 0;
}

inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kInt32: return "int32";
    case DType::kInt64: return "int64";
    case DType::kBool: return "bool";
    case DType::kInt8: return "int8";
    case DType::kInt16: return "int16";
    case DType::kUInt8: return "uint8";
    case DType::kUInt16: return "uint16";
    case DType::kUInt32: return "uint32";
    case DType::kUInt64: return "uint64";
    case DType::kFloat16: return "float16";
    case DType::kBFloat16: return "bfloat16";
    case DType::kComplex64: return "complex64";
    case DType::kComplex128: return "complex128";
  }
  return "?";
}

constexpr int kMaxDims = 8;

// A kernel error: the message starts with "[Op] ". Python maps it to InvalidArgumentError.
struct KernelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A kernel error TF reports as INTERNAL rather than INVALID_ARGUMENT (TruncateDiv/TruncateMod of
// integers by zero): Python maps it to InternalError.
struct InternalKernelError : KernelError {
  using KernelError::KernelError;
};

// A size the kernels cannot allocate: an element count or byte size computed from shapes that
// overflows int64, or memory the allocator refuses. The message starts with "[Op] "; the plan
// appends the node, and Python maps it to ResourceExhaustedError.
struct ResourceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Overflow-checked size arithmetic, for element counts and byte sizes computed before allocating:
// a product that does not fit int64 throws ResourceError instead of wrapping; a negative factor
// (a malformed shape) throws KernelError.
inline int64_t checked_mul(const char* op, int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0) throw KernelError(std::string("[") + op + "] negative size in a product");
  if (__builtin_mul_overflow(a, b, &r))
    throw ResourceError(std::string("[") + op + "] size overflows int64: " + std::to_string(a) +
                        " x " + std::to_string(b));
  return r;
}
inline int64_t checked_add(const char* op, int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0) throw KernelError(std::string("[") + op + "] negative size in a sum");
  if (__builtin_add_overflow(a, b, &r))
    throw ResourceError(std::string("[") + op + "] size overflows int64: " + std::to_string(a) +
                        " + " + std::to_string(b));
  return r;
}
// The number of elements of a shape, checked (every dimension >= 0, the product fits int64).
inline int64_t checked_num_elements(const char* op, const int64_t* shape, int ndim) {
  int64_t n = 1;
  for (int i = 0; i < ndim; ++i) {
    if (shape[i] < 0)
      throw KernelError(std::string("[") + op + "] negative dimension " + std::to_string(shape[i]));
    n = checked_mul(op, n, shape[i]);
  }
  return n;
}
// count elements of elem_size bytes, checked: the byte size fits int64 (and so size_t).
inline size_t checked_bytes(const char* op, int64_t count, int64_t elem_size) {
  return size_t(checked_mul(op, count, elem_size));
}

// The most bytes a kernel's work buffer may take (memory.cc): physical memory, lowered by
// RLIMIT_AS and by TFLITE_CORE_MEMORY_LIMIT, as Python's limit for plan buffers.
int64_t memory_limit_bytes();
// Checks a work buffer of count elements of elem_size bytes before it is allocated: ResourceError
// when the byte size overflows or exceeds memory_limit_bytes().
void check_allocation(const char* op, int64_t count, int64_t elem_size);

// Non-owning view of a C-contiguous buffer.
struct TensorView {
  void* data = nullptr;
  DType dtype = DType::kFloat32;
  int ndim = 0;
  int64_t shape[kMaxDims] = {0};

  int64_t size() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= shape[i];
    return n;
  }
  int64_t dim(int i) const { return shape[i < 0 ? i + ndim : i]; }
  template <typename T> T* ptr() const { return static_cast<T*>(data); }
  std::string shape_str() const {
    std::ostringstream s;
    s << "[";
    for (int i = 0; i < ndim; ++i) s << (i ? "," : "") << shape[i];
    s << "]";
    return s.str();
  }
};

inline bool same_shape(const TensorView& a, const TensorView& b) {
  if (a.ndim != b.ndim) return false;
  for (int i = 0; i < a.ndim; ++i)
    if (a.shape[i] != b.shape[i]) return false;
  return true;
}

template <typename E = KernelError, typename... Args>
[[noreturn]] void fail(const char* op, Args&&... args) {
  std::ostringstream s;
  s << "[" << op << "] ";
  (s << ... << args);
  throw E(s.str());
}

inline void check_dtype(const char* op, const TensorView& t, DType want, const char* what) {
  if (t.dtype != want) fail(op, what, " must be ", dtype_name(want), ", got ", dtype_name(t.dtype));
}
inline void check_same_dtype(const char* op, const TensorView& a, const TensorView& b) {
  if (a.dtype != b.dtype)
    fail(op, "dtype mismatch: ", dtype_name(a.dtype), " vs ", dtype_name(b.dtype));
}
inline void check_same_shape(const char* op, const TensorView& a, const TensorView& b) {
  if (!same_shape(a, b)) fail(op, "shape mismatch: ", a.shape_str(), " vs ", b.shape_str());
}
inline void check_count(const char* op, size_t nin, size_t want_in, size_t nout, size_t want_out) {
  if (nin != want_in || nout != want_out)
    fail(op, "expects ", want_in, " inputs and ", want_out, " outputs, got ", nin, " and ", nout);
}

// Per-step attributes: integers (axes, flags, permutations) and reals (learning rate, bounds).
struct Attrs {
  std::vector<int64_t> ints;
  std::vector<double> floats;
  int64_t i(size_t k, const char* op) const {
    if (k >= ints.size()) fail(op, "missing integer attribute ", k);
    return ints[k];
  }
  double f(size_t k, const char* op) const {
    if (k >= floats.size()) fail(op, "missing real attribute ", k);
    return floats[k];
  }
};

// Threads (threads.cc): one knob for OpenMP, oneDNN and OpenBLAS. get_num_threads() is the
// configured count, lowered while other processes keep cores busy.
void set_num_threads(int n);
int get_num_threads();
int configured_threads();
int free_cores();
void after_fork_in_child();

// Work below this many elements runs on one thread: waking a second one costs more.
// kParallelGrain is for work of a few ns per element (exp, tanh, softmax rows); kCheapGrain for
// memory-bound work under 1 ns per element (add, relu, copies, updates).
constexpr int64_t kParallelGrain = 1 << 15;
constexpr int64_t kCheapGrain = 1 << 17;

// Calls fn(begin, end) over [0, n) in fixed chunks. The chunking depends only on n and grain,
// never on the thread count, so reductions that combine chunk results in order are deterministic.
// An exception thrown by fn (std::bad_alloc from a scratch buffer, a KernelError) must not leave
// the OpenMP region (that would std::terminate the process): the first one is kept, the chunks
// not yet started are skipped, and it is rethrown after the region.
template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t chunks = n / grain + (n % grain != 0);
  const int nt = get_num_threads();  // 1 also while the other cores are busy
  if (chunks == 1 || nt == 1) {
    fn(int64_t{0}, n);
    return;
  }
  std::exception_ptr error;
  std::atomic<bool> failed{false};
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t c = 0; c < chunks; ++c) {
    if (failed.load(std::memory_order_relaxed)) continue;
    const int64_t b = c * grain;
    const int64_t e = n - b > grain ? b + grain : n;
    try {
      fn(b, e);
    } catch (...) {
#pragma omp critical(tfl_parallel_for_error)
      if (!error) error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  }
  if (error) std::rethrow_exception(error);
}

// Dispatch helpers over dtypes: one case a line, as a table (clang-format would unfold each).
// clang-format off
#define TFL_FLOAT_CASES(DT, OP, ...)                                          \
  switch (DT) {                                                               \
    case ::tfl::DType::kFloat32: { using T = float; __VA_ARGS__; break; }     \
    case ::tfl::DType::kFloat64: { using T = double; __VA_ARGS__; break; }    \
    default: ::tfl::fail(OP, "unsupported dtype ", ::tfl::dtype_name(DT));   \
  }

#define TFL_NUMERIC_CASES(DT, OP, ...)                                        \
  switch (DT) {                                                               \
    case ::tfl::DType::kFloat32: { using T = float; __VA_ARGS__; break; }     \
    case ::tfl::DType::kFloat64: { using T = double; __VA_ARGS__; break; }    \
    case ::tfl::DType::kInt32: { using T = int32_t; __VA_ARGS__; break; }     \
    case ::tfl::DType::kInt64: { using T = int64_t; __VA_ARGS__; break; }     \
    default: ::tfl::fail(OP, "unsupported dtype ", ::tfl::dtype_name(DT));   \
  }

#define TFL_ALL_CASES(DT, OP, ...)                                            \
  switch (DT) {                                                               \
    case ::tfl::DType::kFloat32: { using T = float; __VA_ARGS__; break; }     \
    case ::tfl::DType::kFloat64: { using T = double; __VA_ARGS__; break; }    \
    case ::tfl::DType::kInt32: { using T = int32_t; __VA_ARGS__; break; }     \
    case ::tfl::DType::kInt64: { using T = int64_t; __VA_ARGS__; break; }     \
    case ::tfl::DType::kBool: { using T = bool; __VA_ARGS__; break; }         \
    default: ::tfl::fail(OP, "unsupported dtype ", ::tfl::dtype_name(DT));   \
  }
// clang-format on

}  // namespace tfl
