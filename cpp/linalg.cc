// linalg.cc: the decompositions and solvers of tf.linalg over LAPACK (scipy-openblas32, lapack.h),
// batched over the leading dimensions (float32 and float64): Cholesky, determinants, inverses,
// solves (general, triangular with broadcast batches, least squares), QR, SVD, symmetric
// eigendecomposition, LU, the matrix square root and the matrix exponential. Row-major buffers
// are copied to column-major scratch per matrix; matrices of a batch run on OpenMP threads with
// OpenBLAS's pool at one thread, a single matrix on OpenBLAS's threads.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels.h"
#include "lapack.h"

namespace tfl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The geometry of a batch of [m, n] matrices: the batch size and the two dimensions.
struct Mats {
  int64_t batch, m, n;
};

Mats mats_of(const char* op, const TensorView& t, const char* what) {
  if (t.ndim < 2) fail(op, what, " must have rank >= 2, got shape ", t.shape_str());
  Mats g{1, t.dim(-2), t.dim(-1)};
  for (int d = 0; d < t.ndim - 2; ++d) g.batch *= t.shape[d];
  // LAPACK's integers are 32-bit: every element of a matrix must be addressable with them
  if (g.m * g.n >= (int64_t(1) << 31) ||
      std::max(g.m, g.n) * std::max(g.m, g.n) >= (int64_t(1) << 31))
    fail(op, what, " ", t.shape_str(), " is too large for 32-bit LAPACK");
  return g;
}

void check_square(const char* op, const Mats& g, const TensorView& t) {
  if (g.m != g.n) fail(op, "Input matrix must be square, got shape ", t.shape_str());
}

// out must be [batch dims of t..., tail...]
void check_out(const char* op, const TensorView& t, const TensorView& out,
               std::initializer_list<int64_t> tail, const char* what) {
  bool ok = out.ndim == t.ndim - 2 + int(tail.size());
  for (int d = 0; ok && d < t.ndim - 2; ++d) ok = out.shape[d] == t.shape[d];
  int k = t.ndim - 2;
  for (int64_t v : tail) ok = ok && out.shape[k++] == v;
  if (!ok) fail(op, what, " has the wrong shape ", out.shape_str(), " for input ", t.shape_str());
}

// Runs fn(b) for each matrix b of a batch: on OpenMP threads with OpenBLAS at one thread, or,
// for one matrix, on OpenBLAS's threads when it is large enough to share.
template <typename F>
void for_each_matrix(int64_t batch, int64_t n, F&& fn) {
  if (batch <= 0) return;
  if (batch == 1) {
    lapack::PoolScope pool(n >= 128 ? get_num_threads() : 1);
    fn(int64_t{0});
    return;
  }
  lapack::PoolScope pool(1);
  const int64_t work = std::max<int64_t>(1, n * n * n);
  parallel_for(batch, std::max<int64_t>(1, (int64_t(1) << 15) / work), [&](int64_t s, int64_t e) {
    for (int64_t b = s; b < e; ++b) fn(b);
  });
}

// dst (column-major [r, c], leading dimension r) = src (row-major [r, c]); and back.
template <typename S, typename D>
void to_colmajor(const S* src, int64_t r, int64_t c, D* dst) {
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) dst[j * r + i] = D(src[i * c + j]);
}
template <typename S, typename D>
void from_colmajor(const S* src, int64_t r, int64_t c, D* dst) {
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) dst[i * c + j] = D(src[j * r + i]);
}

template <typename T>
bool all_finite(const T* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) return false;
  return true;
}

// ---- Cholesky --------------------------------------------------------------------------------
void k_cholesky(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Cholesky";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = g.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      const T* a = x + b * n * n;
      T* l = y + b * n * n;
      // Row-major lower triangle = the column-major upper triangle of the same buffer: potrf
      // with 'U' gives U (column-major) = L (row-major).
      std::copy(a, a + n * n, l);
      int info = 0;
      if (n > 0) lapack::potrf('U', int(n), l, int(n), &info);
      // as TF 2.21: a matrix that is not positive definite gives NaN in the lower triangle
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
          if (j > i) l[i * n + j] = T(0);
          else if (info != 0) l[i * n + j] = T(kNaN);
    });
  });
}

// ---- determinants ----------------------------------------------------------------------------
// sign and log|det| of one n x n matrix from its LU factors (a is overwritten)
template <typename T>
void slogdet(T* a, int64_t n, std::vector<int>& piv, double* sign, double* logabs) {
  int info = 0;
  if (n > 0) lapack::getrf(int(n), int(n), a, int(n), piv.data(), &info);
  double s = 1.0, l = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = double(a[i * n + i]);
    if (piv[size_t(i)] != int(i + 1)) s = -s;
    if (d < 0) s = -s;
    if (d == 0) {
      *sign = 0.0;
      *logabs = -std::numeric_limits<double>::infinity();
      return;
    }
    l += std::log(std::fabs(d));
    if (std::isnan(d)) s = kNaN;
  }
  *sign = s;
  *logabs = l;
}

void k_matrix_determinant(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "MatrixDeterminant";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  check_out(op, in[0], out[0], {}, "output");
  const int64_t n = g.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      std::vector<T> a(x + b * n * n, x + (b + 1) * n * n);
      std::vector<int> piv(static_cast<size_t>(std::max<int64_t>(n, 1)));
      double s, l;
      slogdet(a.data(), n, piv, &s, &l);
      y[b] = T(s * std::exp(l));
    });
  });
}

void k_log_matrix_determinant(const TensorView* in, int nin, TensorView* out, int nout,
                              const Attrs&) {
  const char* op = "LogMatrixDeterminant";
  check_count(op, nin, 1, nout, 2);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  for (int k = 0; k < 2; ++k) {
    check_same_dtype(op, in[0], out[k]);
    check_out(op, in[0], out[k], {}, "output");
  }
  const int64_t n = g.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T *sign = out[0].ptr<T>(), *logabs = out[1].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      std::vector<T> a(x + b * n * n, x + (b + 1) * n * n);
      std::vector<int> piv(static_cast<size_t>(std::max<int64_t>(n, 1)));
      double s, l;
      slogdet(a.data(), n, piv, &s, &l);
      sign[b] = T(s);
      logabs[b] = T(l);
    });
  });
}

// ---- inverse and solves ----------------------------------------------------------------------
// The row-major inverse of a row-major n x n matrix in place (the column-major inverse of the
// transpose is the transpose of the inverse). False when it is singular.
template <typename T>
bool invert(T* a, int64_t n) {
  if (n == 0) return true;
  std::vector<int> piv(static_cast<size_t>(n));
  int info = 0;
  lapack::getrf(int(n), int(n), a, int(n), piv.data(), &info);
  if (info != 0) return false;
  T q = 0;
  lapack::getri(int(n), a, int(n), piv.data(), &q, -1, &info);
  std::vector<T> w(static_cast<size_t>(std::max<int64_t>(int64_t(q), n)));
  lapack::getri(int(n), a, int(n), piv.data(), w.data(), int(w.size()), &info);
  return info == 0;
}

void k_matrix_inverse(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& at) {
  const char* op = "MatrixInverse";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  check_same_shape(op, in[0], out[0]);
  const bool adjoint = at.i(0, op) != 0;
  const int64_t n = g.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      T* a = y + b * n * n;
      if (adjoint) from_colmajor(x + b * n * n, n, n, a);
      else std::copy(x + b * n * n, x + (b + 1) * n * n, a);
      if (!invert(a, n)) fail(op, "Input is not invertible.");
    });
  });
}

void k_matrix_solve(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& at) {
  const char* op = "MatrixSolve";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "matrix");
  check_square(op, g, in[0]);
  const Mats h = mats_of(op, in[1], "rhs");
  if (in[1].ndim != in[0].ndim || h.batch != g.batch || h.m != g.n)
    fail(op, "matrix ", in[0].shape_str(), " and rhs ", in[1].shape_str(), " do not match");
  check_same_shape(op, in[1], out[0]);
  const bool adjoint = at.i(0, op) != 0;
  const int64_t n = g.n, k = h.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T *x = in[0].ptr<T>(), *r = in[1].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      if (n == 0 || k == 0) return;
      std::vector<T> a(static_cast<size_t>(n * n)), rhs(static_cast<size_t>(n * k));
      to_colmajor(x + b * n * n, n, n, a.data());
      to_colmajor(r + b * n * k, n, k, rhs.data());
      std::vector<int> piv(static_cast<size_t>(n));
      int info = 0;
      lapack::getrf(int(n), int(n), a.data(), int(n), piv.data(), &info);
      if (info != 0) fail(op, "Input matrix is not invertible.");
      lapack::getrs(adjoint ? 'T' : 'N', int(n), int(k), a.data(), int(n), piv.data(), rhs.data(),
                    int(n), &info);
      from_colmajor(rhs.data(), n, k, y + b * n * k);
    });
  });
}

// The batch offsets of a and b (in matrices) for each output matrix, batch dimensions
// broadcast as numpy's (right-aligned, 1 stretches).
void broadcast_batches(const char* op, const TensorView& a, const TensorView& b,
                       const TensorView& out, std::vector<int64_t>& ia, std::vector<int64_t>& ib) {
  const int nd = out.ndim - 2;
  int64_t nb = 1;
  for (int d = 0; d < nd; ++d) nb *= out.shape[d];
  ia.assign(size_t(nb), 0);
  ib.assign(size_t(nb), 0);
  const int na = a.ndim - 2, nbd = b.ndim - 2;
  if (na > nd || nbd > nd) fail(op, "output ", out.shape_str(), " has too few batch dims");
  for (int d = 0; d < nd; ++d) {
    const int64_t o = out.shape[d];
    const int64_t da = d - (nd - na) >= 0 ? a.shape[d - (nd - na)] : 1;
    const int64_t db = d - (nd - nbd) >= 0 ? b.shape[d - (nd - nbd)] : 1;
    if ((da != o && da != 1) || (db != o && db != 1))
      fail(op, "batch dimensions of ", a.shape_str(), " and ", b.shape_str(),
           " do not broadcast to ", out.shape_str());
  }
  for (int64_t k = 0; k < nb; ++k) {
    int64_t rem = k, oa = 0, ob = 0, sa = 1, sb = 1;
    for (int d = nd - 1; d >= 0; --d) {
      const int64_t i = rem % out.shape[d];
      rem /= out.shape[d];
      const int ad = d - (nd - na), bd = d - (nd - nbd);
      if (ad >= 0) {
        if (a.shape[ad] != 1) oa += i * sa;
        sa *= a.shape[ad];
      }
      if (bd >= 0) {
        if (b.shape[bd] != 1) ob += i * sb;
        sb *= b.shape[bd];
      }
    }
    ia[size_t(k)] = oa;
    ib[size_t(k)] = ob;
  }
}

void k_matrix_triangular_solve(const TensorView* in, int nin, TensorView* out, int nout,
                               const Attrs& at) {
  const char* op = "MatrixTriangularSolve";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "matrix");
  check_square(op, g, in[0]);
  const Mats h = mats_of(op, in[1], "rhs");
  const Mats o = mats_of(op, out[0], "output");
  if (h.m != g.n || o.m != h.m || o.n != h.n)
    fail(op, "matrix ", in[0].shape_str(), ", rhs ", in[1].shape_str(), " and output ",
         out[0].shape_str(), " do not match");
  std::vector<int64_t> ia, ib;
  broadcast_batches(op, in[0], in[1], out[0], ia, ib);
  const bool lower = at.i(0, op) != 0, adjoint = at.i(1, op) != 0;
  const int64_t n = g.n, k = h.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T *x = in[0].ptr<T>(), *r = in[1].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(o.batch, n, [&](int64_t b) {
      if (n == 0 || k == 0) return;
      std::vector<T> a(static_cast<size_t>(n * n)), rhs(static_cast<size_t>(n * k));
      to_colmajor(x + ia[size_t(b)] * n * n, n, n, a.data());
      to_colmajor(r + ib[size_t(b)] * n * k, n, k, rhs.data());
      lapack::trsm('L', lower ? 'L' : 'U', adjoint ? 'T' : 'N', 'N', int(n), int(k), T(1), a.data(),
                   int(n), rhs.data(), int(n));
      from_colmajor(rhs.data(), n, k, y + b * n * k);
    });
  });
}

// MatrixSolveLs with fast=False: the minimum-norm least-squares solution (an SVD-based solver,
// as a complete orthogonal decomposition gives for full-rank and rank-deficient matrices).
void k_matrix_solve_ls(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "MatrixSolveLs";
  check_count(op, nin, 2, nout, 1);
  check_same_dtype(op, in[0], in[1]);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "matrix");
  const Mats h = mats_of(op, in[1], "rhs");
  if (in[1].ndim != in[0].ndim || h.batch != g.batch || h.m != g.m)
    fail(op, "matrix ", in[0].shape_str(), " and rhs ", in[1].shape_str(), " do not match");
  check_out(op, in[0], out[0], {g.n, h.n}, "output");
  const int64_t m = g.m, n = g.n, k = h.n, ld = std::max<int64_t>({m, n, 1});
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T *x = in[0].ptr<T>(), *r = in[1].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, std::max(m, n), [&](int64_t b) {
      T* yb = y + b * n * k;
      std::fill(yb, yb + n * k, T(0));
      if (m == 0 || n == 0 || k == 0) return;
      std::vector<T> a(static_cast<size_t>(m * n)), rhs(static_cast<size_t>(ld * k), T(0)),
          s(static_cast<size_t>(std::min(m, n)));
      to_colmajor(x + b * m * n, m, n, a.data());
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < k; ++j) rhs[size_t(j * ld + i)] = r[b * m * k + i * k + j];
      int rank = 0, info = 0, iq = 0;
      T q = 0;
      lapack::gelsd(int(m), int(n), int(k), a.data(), int(m), rhs.data(), int(ld), s.data(), T(-1),
                    &rank, &q, -1, &iq, &info);
      std::vector<T> w(static_cast<size_t>(q) + 1);
      std::vector<int> iw(static_cast<size_t>(std::max(iq, 1)));
      lapack::gelsd(int(m), int(n), int(k), a.data(), int(m), rhs.data(), int(ld), s.data(), T(-1),
                    &rank, w.data(), int(w.size()), iw.data(), &info);
      if (info != 0) fail(op, "the least-squares solver did not converge");
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < k; ++j) yb[i * k + j] = rhs[size_t(j * ld + i)];
    });
  });
}

// ---- QR, SVD, symmetric eigendecomposition, LU -----------------------------------------------
void k_qr(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& at) {
  const char* op = "Qr";
  check_count(op, nin, 1, nout, 2);
  const Mats g = mats_of(op, in[0], "input");
  const bool full = at.i(0, op) != 0;
  const int64_t m = g.m, n = g.n, p = std::min(m, n), qc = full ? m : p;
  check_same_dtype(op, in[0], out[0]);
  check_same_dtype(op, in[0], out[1]);
  check_out(op, in[0], out[0], {m, qc}, "q");
  check_out(op, in[0], out[1], {qc, n}, "r");
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T *qo = out[0].ptr<T>(), *ro = out[1].ptr<T>();
    for_each_matrix(g.batch, std::max(m, n), [&](int64_t b) {
      T *qb = qo + b * m * qc, *rb = ro + b * qc * n;
      std::fill(rb, rb + qc * n, T(0));
      if (m == 0) return;
      const int64_t cols = std::max(n, qc);
      std::vector<T> a(static_cast<size_t>(m * std::max<int64_t>(cols, 1)), T(0)),
          tau(static_cast<size_t>(p + 1));
      to_colmajor(x + b * m * n, m, n, a.data());
      int info = 0;
      T wq = 0;
      if (p > 0) {
        lapack::geqrf(int(m), int(n), a.data(), int(m), tau.data(), &wq, -1, &info);
        std::vector<T> w(static_cast<size_t>(std::max<int64_t>(int64_t(wq), 1)));
        lapack::geqrf(int(m), int(n), a.data(), int(m), tau.data(), w.data(), int(w.size()), &info);
      }
      for (int64_t i = 0; i < std::min(qc, m); ++i)
        for (int64_t j = i; j < n; ++j) rb[i * n + j] = a[size_t(j * m + i)];
      if (qc == 0) return;
      lapack::orgqr(int(m), int(qc), int(p), a.data(), int(m), tau.data(), &wq, -1, &info);
      std::vector<T> w(static_cast<size_t>(std::max<int64_t>(int64_t(wq), 1)));
      lapack::orgqr(int(m), int(qc), int(p), a.data(), int(m), tau.data(), w.data(), int(w.size()),
                    &info);
      from_colmajor(a.data(), m, qc, qb);
    });
  });
}

void k_svd(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& at) {
  const char* op = "Svd";
  check_count(op, nin, 1, nout, 3);
  const Mats g = mats_of(op, in[0], "input");
  const bool uv = at.i(0, op) != 0, full = at.i(1, op) != 0;
  const int64_t m = g.m, n = g.n, p = std::min(m, n);
  const int64_t uc = full ? m : p, vc = full ? n : p;
  for (int k = 0; k < 3; ++k) check_same_dtype(op, in[0], out[k]);
  check_out(op, in[0], out[0], {p}, "s");
  if (uv) {
    check_out(op, in[0], out[1], {m, uc}, "u");
    check_out(op, in[0], out[2], {n, vc}, "v");
  }
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T *so = out[0].ptr<T>(), *uo = out[1].ptr<T>(), *vo = out[2].ptr<T>();
    for_each_matrix(g.batch, std::max(m, n), [&](int64_t b) {
      T *sb = so + b * p, *ub = uv ? uo + b * m * uc : nullptr,
        *vb = uv ? vo + b * n * vc : nullptr;
      if (uv) {  // the columns a reduced SVD of an empty matrix leaves (full: identities)
        for (int64_t i = 0; i < m * uc; ++i) ub[i] = T((i / uc) == (i % uc));
        for (int64_t i = 0; i < n * vc; ++i) vb[i] = T((i / vc) == (i % vc));
      }
      if (p == 0) return;
      if (!all_finite(x + b * m * n, m * n)) {  // LAPACK may not return on NaN: NaN out, as TF
        std::fill(sb, sb + p, T(kNaN));
        if (uv) std::fill(ub, ub + m * uc, T(kNaN));
        if (uv) std::fill(vb, vb + n * vc, T(kNaN));
        return;
      }
      std::vector<T> a(static_cast<size_t>(m * n)), u(static_cast<size_t>(uv ? m * uc : 1)),
          vt(static_cast<size_t>(uv ? vc * n : 1));
      to_colmajor(x + b * m * n, m, n, a.data());
      const char job = uv ? (full ? 'A' : 'S') : 'N';
      std::vector<int> iw(static_cast<size_t>(8 * p));
      int info = 0;
      T wq = 0;
      lapack::gesdd(job, int(m), int(n), a.data(), int(m), sb, u.data(), int(m), vt.data(),
                    int(uv ? vc : 1), &wq, -1, iw.data(), &info);
      std::vector<T> w(static_cast<size_t>(std::max<int64_t>(int64_t(wq), 1)));
      lapack::gesdd(job, int(m), int(n), a.data(), int(m), sb, u.data(), int(m), vt.data(),
                    int(uv ? vc : 1), w.data(), int(w.size()), iw.data(), &info);
      if (info != 0) fail(op, "SVD did not converge");
      if (uv) {
        from_colmajor(u.data(), m, uc, ub);
        for (int64_t i = 0; i < n; ++i)  // v = vt^T: v[i, j] = vt[j, i] (vt column-major, ld vc)
          for (int64_t j = 0; j < vc; ++j) vb[i * vc + j] = vt[size_t(i * vc + j)];
      }
    });
  });
}

// Eigenvalues (ascending) and, with vectors, eigenvectors (columns of v) of the symmetric matrix
// whose lower triangle is row-major x.
template <typename T>
void eigh(const T* x, int64_t n, bool vectors, T* e, T* v) {
  if (n == 0) return;
  std::vector<T> a(static_cast<size_t>(n * n));
  to_colmajor(x, n, n, a.data());  // the lower triangle, as NumPy's eigh passes it
  int info = 0, iq = 0;
  T wq = 0;
  const char job = vectors ? 'V' : 'N';
  lapack::syevd(job, 'L', int(n), a.data(), int(n), e, &wq, -1, &iq, -1, &info);
  std::vector<T> w(static_cast<size_t>(std::max<int64_t>(int64_t(wq), 1)));
  std::vector<int> iw(static_cast<size_t>(std::max(iq, 1)));
  lapack::syevd(job, 'L', int(n), a.data(), int(n), e, w.data(), int(w.size()), iw.data(),
                int(iw.size()), &info);
  if (info != 0) fail("SelfAdjointEigV2", "the eigendecomposition did not converge");
  if (vectors) from_colmajor(a.data(), n, n, v);
}

void k_self_adjoint_eig(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& at) {
  const char* op = "SelfAdjointEigV2";
  check_count(op, nin, 1, nout, 2);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  const bool vectors = at.i(0, op) != 0;
  const int64_t n = g.n;
  check_same_dtype(op, in[0], out[0]);
  check_same_dtype(op, in[0], out[1]);
  check_out(op, in[0], out[0], {n}, "e");
  if (vectors) check_same_shape(op, in[0], out[1]);
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T *eo = out[0].ptr<T>(), *vo = out[1].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      const T* xb = x + b * n * n;
      if (!all_finite(xb, n * n)) {
        std::fill(eo + b * n, eo + (b + 1) * n, T(kNaN));
        if (vectors) std::fill(vo + b * n * n, vo + (b + 1) * n * n, T(kNaN));
        return;
      }
      eigh(xb, n, vectors, eo + b * n, vectors ? vo + b * n * n : nullptr);
    });
  });
}

void k_lu(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "Lu";
  check_count(op, nin, 1, nout, 2);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  check_index_dtype(op, out[1], "p");
  const int64_t n = g.n;
  check_out(op, in[0], out[1], {n}, "p");
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* lu = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      if (n == 0) return;
      std::vector<T> a(static_cast<size_t>(n * n));
      std::vector<int> piv(static_cast<size_t>(n));
      to_colmajor(x + b * n * n, n, n, a.data());
      int info = 0;  // info > 0 (a zero pivot) still leaves the factors, as TF's kernel
      lapack::getrf(int(n), int(n), a.data(), int(n), piv.data(), &info);
      from_colmajor(a.data(), n, n, lu + b * n * n);
      std::vector<int64_t> perm(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) perm[size_t(i)] = i;
      for (int64_t i = 0; i < n; ++i) std::swap(perm[size_t(i)], perm[size_t(piv[size_t(i)] - 1)]);
      for (int64_t i = 0; i < n; ++i) {
        if (out[1].dtype == DType::kInt32)
          out[1].ptr<int32_t>()[b * n + i] = int32_t(perm[size_t(i)]);
        else out[1].ptr<int64_t>()[b * n + i] = perm[size_t(i)];
      }
    });
  });
}

// ---- matrix functions ------------------------------------------------------------------------
// C = A @ B for row-major n x n (the column-major product of the transposes, in reverse order)
void mm(const double* a, const double* b, double* c, int64_t n) {
  lapack::dgemm(int(n), int(n), int(n), b, a, c);
}

// log|det| of an n x n matrix (a copy is factored); false when singular
bool logabsdet(const std::vector<double>& a, int64_t n, double* out) {
  std::vector<double> f(a);
  std::vector<int> piv(static_cast<size_t>(n));
  double s;
  slogdet(f.data(), n, piv, &s, out);
  return s != 0.0 && std::isfinite(*out);
}

// The principal square root of a row-major n x n matrix in double: symmetric matrices through
// their eigendecomposition (sqrt of each eigenvalue: NaN for negative ones), others by the
// scaled Denman-Beavers iteration (NaN where it does not converge).
void sqrtm(const double* x, int64_t n, double* y) {
  bool symmetric = true;
  for (int64_t i = 0; i < n && symmetric; ++i)
    for (int64_t j = 0; j < i; ++j)
      if (x[i * n + j] != x[j * n + i]) {
        symmetric = false;
        break;
      }
  if (symmetric) {
    std::vector<double> e(static_cast<size_t>(n)), v(static_cast<size_t>(n * n));
    eigh(x, n, true, e.data(), v.data());
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t k = 0; k < n; ++k)
          s += v[size_t(i * n + k)] * std::sqrt(e[size_t(k)]) * v[size_t(j * n + k)];
        y[i * n + j] = s;
      }
    return;
  }
  std::vector<double> Y(x, x + n * n), Z(static_cast<size_t>(n * n), 0.0), Yi, Zi;
  for (int64_t i = 0; i < n; ++i) Z[size_t(i * n + i)] = 1.0;
  bool scale = true, close = false, converged = false;
  for (int it = 0; it < 100 && !converged; ++it) {
    converged = close;  // one more step once close: quadratic convergence does the rest
    Yi = Y;
    Zi = Z;
    if (!invert(Yi.data(), n) || !invert(Zi.data(), n)) break;
    double gamma = 1.0;
    if (scale) {
      double ly, lz;
      if (!logabsdet(Y, n, &ly) || !logabsdet(Z, n, &lz)) break;
      gamma = std::exp(-(ly + lz) / (2.0 * double(n)));
    }
    double diff = 0, norm = 0;
    for (size_t k = 0; k < Y.size(); ++k) {
      const double y1 = 0.5 * (gamma * Y[k] + Zi[k] / gamma);
      Z[k] = 0.5 * (gamma * Z[k] + Yi[k] / gamma);
      diff += (y1 - Y[k]) * (y1 - Y[k]);
      norm += y1 * y1;
      Y[k] = y1;
    }
    if (diff <= 1e-2 * norm) scale = false;
    close = diff <= 1e-20 * norm;
  }
  if (!converged || !all_finite(Y.data(), n * n)) std::fill(Y.begin(), Y.end(), kNaN);
  std::copy(Y.begin(), Y.end(), y);
}

void k_matrix_square_root(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "MatrixSquareRoot";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = g.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      if (n == 0) return;
      std::vector<double> a(x + b * n * n, x + (b + 1) * n * n), r(static_cast<size_t>(n * n));
      if (all_finite(a.data(), n * n)) sqrtm(a.data(), n, r.data());
      else std::fill(r.begin(), r.end(), kNaN);
      std::copy(r.begin(), r.end(), y + b * n * n);
    });
  });
}

// exp of a row-major n x n matrix in double: scaling and squaring with the [13/13] Pade
// approximant (Higham 2005).
void expm(const double* x, int64_t n, double* y) {
  static const double c[] = {64764752532480000.0,
                             32382376266240000.0,
                             7771770303897600.0,
                             1187353796428800.0,
                             129060195264000.0,
                             10559470521600.0,
                             670442572800.0,
                             33522128640.0,
                             1323241920.0,
                             40840800.0,
                             960960.0,
                             16380.0,
                             182.0,
                             1.0};
  const size_t nn = size_t(n * n);
  double norm1 = 0;
  for (int64_t j = 0; j < n; ++j) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += std::fabs(x[i * n + j]);
    norm1 = std::max(norm1, s);
  }
  if (!std::isfinite(norm1)) {
    std::fill(y, y + nn, kNaN);
    return;
  }
  const int sq =
      norm1 > 5.371920351148152 ? int(std::ceil(std::log2(norm1 / 5.371920351148152))) : 0;
  const double scale = std::ldexp(1.0, -sq);
  std::vector<double> A(nn), A2(nn), A4(nn), A6(nn), T1(nn), U(nn), V(nn);
  for (size_t k = 0; k < nn; ++k) A[k] = x[k] * scale;
  mm(A.data(), A.data(), A2.data(), n);
  mm(A2.data(), A2.data(), A4.data(), n);
  mm(A4.data(), A2.data(), A6.data(), n);
  for (size_t k = 0; k < nn; ++k) T1[k] = c[13] * A6[k] + c[11] * A4[k] + c[9] * A2[k];
  mm(A6.data(), T1.data(), U.data(), n);
  for (size_t k = 0; k < nn; ++k) U[k] += c[7] * A6[k] + c[5] * A4[k] + c[3] * A2[k];
  for (int64_t i = 0; i < n; ++i) U[size_t(i * n + i)] += c[1];
  mm(A.data(), U.data(), T1.data(), n);  // T1 = U
  for (size_t k = 0; k < nn; ++k) U[k] = c[12] * A6[k] + c[10] * A4[k] + c[8] * A2[k];
  mm(A6.data(), U.data(), V.data(), n);
  for (size_t k = 0; k < nn; ++k) V[k] += c[6] * A6[k] + c[4] * A4[k] + c[2] * A2[k];
  for (int64_t i = 0; i < n; ++i) V[size_t(i * n + i)] += c[0];
  // (V - U) R = (V + U), column-major: the transposes
  std::vector<double> P(nn), Q(nn);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const size_t r = size_t(i * n + j), cm = size_t(j * n + i);
      P[cm] = V[r] - T1[r];
      Q[cm] = V[r] + T1[r];
    }
  std::vector<int> piv(static_cast<size_t>(n));
  int info = 0;
  lapack::getrf(int(n), int(n), P.data(), int(n), piv.data(), &info);
  if (info != 0) {
    std::fill(y, y + nn, kNaN);
    return;
  }
  lapack::getrs('N', int(n), int(n), P.data(), int(n), piv.data(), Q.data(), int(n), &info);
  from_colmajor(Q.data(), n, n, A.data());
  for (int s = 0; s < sq; ++s) {
    mm(A.data(), A.data(), A2.data(), n);
    std::swap(A, A2);
  }
  std::copy(A.begin(), A.end(), y);
}

void k_matrix_exponential(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "MatrixExponential";
  check_count(op, nin, 1, nout, 1);
  check_same_dtype(op, in[0], out[0]);
  const Mats g = mats_of(op, in[0], "input");
  check_square(op, g, in[0]);
  check_same_shape(op, in[0], out[0]);
  const int64_t n = g.n;
  TFL_FLOAT_CASES(in[0].dtype, op, {
    const T* x = in[0].ptr<T>();
    T* y = out[0].ptr<T>();
    for_each_matrix(g.batch, n, [&](int64_t b) {
      if (n == 0) return;
      std::vector<double> a(x + b * n * n, x + (b + 1) * n * n), r(static_cast<size_t>(n * n));
      expm(a.data(), n, r.data());
      std::copy(r.begin(), r.end(), y + b * n * n);
    });
  });
}

}  // namespace

void register_linalg(Registry& r) {
  r["cholesky"] = k_cholesky;
  r["matrix_determinant"] = k_matrix_determinant;
  r["log_matrix_determinant"] = k_log_matrix_determinant;
  r["matrix_inverse"] = k_matrix_inverse;
  r["matrix_solve"] = k_matrix_solve;
  r["matrix_triangular_solve"] = k_matrix_triangular_solve;
  r["matrix_solve_ls"] = k_matrix_solve_ls;
  r["qr"] = k_qr;
  r["svd"] = k_svd;
  r["self_adjoint_eig"] = k_self_adjoint_eig;
  r["lu"] = k_lu;
  r["matrix_square_root"] = k_matrix_square_root;
  r["matrix_exponential"] = k_matrix_exponential;
}

}  // namespace tfl
