// matmul.cc: C = op(A) @ op(B) for 2-D float32/float64. float32 goes to oneDNN's dnnl_sgemm (or
// scipy-openblas32's sgemm when built with TFLITE_CORE_ONEDNN=OFF); tiny products and float64 use
// our loops (no library call overhead; float64 is for exactness tests, not speed).
#include <algorithm>
#include <cstring>
#include <vector>

#include "blas.h"
#include "kernels.h"

namespace tfl {
namespace {

// Loops for small or float64 products: C = alpha * op(A) op(B) + beta * C (beta 0: C is only
// written); leading dimensions as BLAS (row-major).
template <typename T>
void gemm_loops(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                const T* b, int64_t ldb, T* c, int64_t ldc, T alpha = T(1), T beta = T(0)) {
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n * k, 1));
  parallel_for(m, grain, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      T* ci = c + i * ldc;
      for (int64_t j = 0; j < n; ++j) ci[j] = beta == T(0) ? T(0) : beta * ci[j];
      for (int64_t p = 0; p < k; ++p) {
        const T av = alpha * (ta ? a[p * lda + i] : a[i * lda + p]);
        if (!tb) {
          const T* bp = b + p * ldb;
          for (int64_t j = 0; j < n; ++j) ci[j] += av * bp[j];
        } else {
          for (int64_t j = 0; j < n; ++j) ci[j] += av * b[j * ldb + p];
        }
      }
    }
  });
}

template <typename T>
void gemm_loops(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
                T alpha = T(1), T beta = T(0)) {
  gemm_loops(ta, tb, m, n, k, a, ta ? m : k, b, tb ? k : n, c, n, alpha, beta);
}

void sgemm(const char* op, bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a,
           const float* b, float* c, float alpha = 1.0f, float beta = 0.0f) {
  blas::sgemm(op, ta, tb, m, n, k, alpha, a, ta ? m : k, b, tb ? k : n, beta, c, n);
}

struct GemmShape {
  bool ta, tb;
  int64_t m, n, k;
};

// Checks C = op(A) @ op(B) (2-D, one dtype, matching dimensions) and returns its sizes.
GemmShape check_gemm(const char* op, const TensorView& A, const TensorView& B, const TensorView& C,
                     const Attrs& attrs) {
  check_same_dtype(op, A, B);
  check_same_dtype(op, A, C);
  if (A.ndim != 2 || B.ndim != 2 || C.ndim != 2)
    fail(op, "inputs must be 2-D, got ", A.shape_str(), " and ", B.shape_str());
  GemmShape g;
  g.ta = attrs.i(0, op) != 0;
  g.tb = attrs.i(1, op) != 0;
  g.m = g.ta ? A.shape[1] : A.shape[0];
  g.k = g.ta ? A.shape[0] : A.shape[1];
  const int64_t kb = g.tb ? B.shape[1] : B.shape[0];
  g.n = g.tb ? B.shape[0] : B.shape[1];
  if (g.k != kb)
    fail(op, "Dimensions must be equal, but are ", g.k, " and ", kb,
         " with input shapes: ", A.shape_str(), ", ", B.shape_str());
  if (C.shape[0] != g.m || C.shape[1] != g.n)
    fail(op, "output shape ", C.shape_str(), " should be [", g.m, ",", g.n, "]");
  return g;
}

// var -= alpha * op(A) @ op(B) in one pass (a gradient-descent step whose gradient is a matmul):
// in = [A, B, alpha (scalar)], out[0] = the variable.
void k_matmul_apply_gd(const TensorView* in, int nin, TensorView* out, int nout,
                       const Attrs& attrs) {
  const char* op = "MatMulApplyGradientDescent";
  check_count(op, nin, 3, nout, 1);
  const GemmShape g = check_gemm(op, in[0], in[1], out[0], attrs);
  check_same_dtype(op, in[2], out[0]);
  if (in[2].size() != 1) fail(op, "alpha must be a scalar, got ", in[2].shape_str());
  if (g.m == 0 || g.n == 0 || g.k == 0) return;
  if (out[0].dtype == DType::kFloat32) {
    const float alpha = in[2].ptr<float>()[0];
    sgemm(op, g.ta, g.tb, g.m, g.n, g.k, in[0].ptr<float>(), in[1].ptr<float>(),
          out[0].ptr<float>(), -alpha, 1.0f);
  } else if (out[0].dtype == DType::kFloat64) {
    const double alpha = in[2].ptr<double>()[0];
    gemm_loops(g.ta, g.tb, g.m, g.n, g.k, in[0].ptr<double>(), in[1].ptr<double>(),
               out[0].ptr<double>(), -alpha, 1.0);
  } else {
    fail(op, "unsupported dtype ", dtype_name(out[0].dtype));
  }
}

// C = op(A) @ op(B) for dense A, B, C of one dtype (leading dimensions from the sizes): float32
// by the library above a few thousand multiply-adds, the rest by our loops; k = 0 gives zeros.
void product(const char* op, bool ta, bool tb, int64_t m, int64_t n, int64_t k, const TensorView& A,
             const TensorView& B, TensorView& C) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::memset(C.data, 0, size_t(m * n * dtype_size(C.dtype)));
    return;
  }
  if (A.dtype == DType::kFloat32) {
    if (m * n * k <= 8192 ||
        !(m < (int64_t(1) << 31) && n < (int64_t(1) << 31) && k < (int64_t(1) << 31)))
      gemm_loops(ta, tb, m, n, k, A.ptr<float>(), B.ptr<float>(), C.ptr<float>());
    else sgemm(op, ta, tb, m, n, k, A.ptr<float>(), B.ptr<float>(), C.ptr<float>());
  } else if (A.dtype == DType::kFloat64) {
    gemm_loops(ta, tb, m, n, k, A.ptr<double>(), B.ptr<double>(), C.ptr<double>());
  } else if (A.dtype == DType::kInt32) {
    gemm_loops(ta, tb, m, n, k, A.ptr<int32_t>(), B.ptr<int32_t>(), C.ptr<int32_t>());
  } else if (A.dtype == DType::kInt64) {
    gemm_loops(ta, tb, m, n, k, A.ptr<int64_t>(), B.ptr<int64_t>(), C.ptr<int64_t>());
  } else {
    fail(op, "unsupported dtype ", dtype_name(A.dtype));
  }
}

void k_matmul(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& attrs) {
  const char* op = "MatMul";
  check_count(op, nin, 2, nout, 1);
  const GemmShape g = check_gemm(op, in[0], in[1], out[0], attrs);
  product(op, g.ta, g.tb, g.m, g.n, g.k, in[0], in[1], out[0]);
}

// LoopProductSum: C[m, n] = sum over t of P[t]^T @ Q[t] for stacks P [T, k, m] and Q [T, k, n] (a
// gradient loop's rows: a weight's gradient summed over the iterations) as one product over the
// T * k rows; no rows give zeros.
void k_loop_product_sum(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "LoopProductSum";
  check_count(op, nin, 2, nout, 1);
  const TensorView &P = in[0], &Q = in[1];
  check_same_dtype(op, P, Q);
  check_same_dtype(op, P, out[0]);
  if (P.dtype != DType::kFloat32 && P.dtype != DType::kFloat64)
    fail(op, "unsupported dtype ", dtype_name(P.dtype));
  if (P.ndim != 3 || Q.ndim != 3 || out[0].ndim != 2)
    fail(op, "stacks must be 3-D, got ", P.shape_str(), " and ", Q.shape_str());
  if (P.shape[0] != Q.shape[0] || P.shape[1] != Q.shape[1])
    fail(op, "stacks of different rows: ", P.shape_str(), " and ", Q.shape_str());
  const int64_t rows = P.shape[0] * P.shape[1], m = P.shape[2], n = Q.shape[2];
  if (out[0].shape[0] != m || out[0].shape[1] != n)
    fail(op, "output shape ", out[0].shape_str(), " should be [", m, ",", n, "]");
  product(op, true, false, m, n, rows, P, Q, out[0]);
}

// BatchMatMulV2: C[..., m, n] = op(A)[..., m, k] @ op(B)[..., k, n], the batch dimensions (all
// but the last two) broadcast as NumPy's; ints = [adj_x, adj_y]. Each product of the batch is one
// gemm (float32: the library's above a few thousand multiply-adds).
template <typename T>
void batch_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t batches,
                const int64_t* a_off, const int64_t* b_off, const T* a, const T* b, T* c) {
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  for (int64_t i = 0; i < batches; ++i) {
    T* ci = c + i * m * n;
    if (k == 0) {
      std::fill(ci, ci + m * n, T(0));
      continue;
    }
    gemm_loops(ta, tb, m, n, k, a + a_off[i], lda, b + b_off[i], ldb, ci, n);
  }
}

void batch_sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, int64_t batches,
                 const int64_t* a_off, const int64_t* b_off, const float* a, const float* b,
                 float* c) {
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  for (int64_t i = 0; i < batches; ++i)
    gemm(ta, tb, m, n, k, a + a_off[i], lda, b + b_off[i], ldb, c + i * m * n, n, 0.0f);
}

void k_batch_matmul(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& attrs) {
  const char* op = "BatchMatMulV2";
  check_count(op, nin, 2, nout, 1);
  const TensorView &A = in[0], &B = in[1];
  TensorView& C = out[0];
  check_same_dtype(op, A, B);
  check_same_dtype(op, A, C);
  if (A.ndim < 2 || B.ndim < 2 || C.ndim < 2)
    fail(op, "In[0] and In[1] must have rank >= 2, got ", A.shape_str(), " and ", B.shape_str());
  const bool ta = attrs.i(0, op) != 0, tb = attrs.i(1, op) != 0;
  const int64_t m = ta ? A.dim(-1) : A.dim(-2), k = ta ? A.dim(-2) : A.dim(-1);
  const int64_t kb = tb ? B.dim(-1) : B.dim(-2), n = tb ? B.dim(-2) : B.dim(-1);
  if (k != kb)
    fail(op, "Matrix size-incompatible: In[0]: ", A.shape_str(), ", In[1]: ", B.shape_str());
  // the batch dimensions, right-aligned and broadcast
  const int nb = C.ndim - 2;
  if (A.ndim - 2 > nb || B.ndim - 2 > nb) fail(op, "output rank ", C.ndim, " too small");
  int64_t batches = 1;
  for (int d = 0; d < nb; ++d) {
    const int da = d - (nb - (A.ndim - 2)), db = d - (nb - (B.ndim - 2));
    const int64_t sa = da >= 0 ? A.shape[da] : 1, sb = db >= 0 ? B.shape[db] : 1;
    const int64_t sc = C.shape[d];
    if ((sa != sc && sa != 1) || (sb != sc && sb != 1) || (sa != 1 && sb != 1 && sa != sb))
      fail(op, "In[0] and In[1] must have compatible batch dimensions: ", A.shape_str(), " vs. ",
           B.shape_str());
    batches *= sc;
  }
  if (C.dim(-2) != m || C.dim(-1) != n)
    fail(op, "output shape ", C.shape_str(), " should end in [", m, ",", n, "]");
  if (batches == 0 || m == 0 || n == 0) return;
  // each output batch's offsets into A and B (element units)
  std::vector<int64_t> a_off(size_t(batches), 0), b_off(size_t(batches), 0);
  const int64_t a_mat = A.dim(-1) * A.dim(-2), b_mat = B.dim(-1) * B.dim(-2);
  for (int64_t i = 0; i < batches; ++i) {
    int64_t q = i, sa = a_mat, sb = b_mat, oa = 0, ob = 0;
    for (int d = nb - 1; d >= 0; --d) {
      const int64_t idx = q % C.shape[d];
      q /= C.shape[d];
      const int da = d - (nb - (A.ndim - 2)), db = d - (nb - (B.ndim - 2));
      if (da >= 0) {
        if (A.shape[da] != 1) oa += idx * sa;
        sa *= A.shape[da];
      }
      if (db >= 0) {
        if (B.shape[db] != 1) ob += idx * sb;
        sb *= B.shape[db];
      }
    }
    a_off[size_t(i)] = oa;
    b_off[size_t(i)] = ob;
  }
  if (A.dtype == DType::kFloat32)
    batch_sgemm(ta, tb, m, n, k, batches, a_off.data(), b_off.data(), A.ptr<float>(),
                B.ptr<float>(), C.ptr<float>());
  else if (A.dtype == DType::kFloat64)
    batch_gemm(ta, tb, m, n, k, batches, a_off.data(), b_off.data(), A.ptr<double>(),
               B.ptr<double>(), C.ptr<double>());
  else if (A.dtype == DType::kInt32)
    batch_gemm(ta, tb, m, n, k, batches, a_off.data(), b_off.data(), A.ptr<int32_t>(),
               B.ptr<int32_t>(), C.ptr<int32_t>());
  else if (A.dtype == DType::kInt64)
    batch_gemm(ta, tb, m, n, k, batches, a_off.data(), b_off.data(), A.ptr<int64_t>(),
               B.ptr<int64_t>(), C.ptr<int64_t>());
  else fail(op, "unsupported dtype ", dtype_name(A.dtype));
}

}  // namespace

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
          const float* b, int64_t ldb, float* c, int64_t ldc, float beta) {
  if (m == 0 || n == 0) return;
  if (k == 0 || m * n * k <= 8192 || m >= (int64_t(1) << 31) || n >= (int64_t(1) << 31) ||
      k >= (int64_t(1) << 31))
    gemm_loops(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, 1.0f, beta);
  else blas::sgemm("MatMul", ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda,
          const double* b, int64_t ldb, double* c, int64_t ldc, double beta) {
  if (m == 0 || n == 0) return;
  gemm_loops(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, 1.0, beta);
}

const char* matmul_backend() { return blas::backend(); }

void register_matmul(Registry& r) {
  r["matmul"] = k_matmul;
  r["matmul_apply_gd"] = k_matmul_apply_gd;
  r["loop_product_sum"] = k_loop_product_sum;
  r["batch_matmul"] = k_batch_matmul;
}

}  // namespace tfl
