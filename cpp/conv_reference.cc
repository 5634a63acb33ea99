// conv_reference.cc: the portable conv and pool backend, always compiled (float32 and float64).
// conv2d: im2col over blocks of output pixels + one single-threaded gemm per block (the blocks run
// in parallel); its input gradient gathers dy into columns the same way (no scatter, no races);
// its filter gradient sums per-chunk partial products in a fixed order. Depthwise convolution and
// pooling are direct loops. Every split of the work depends only on the shapes, never on the
// thread count, so results are the same with any number of threads.
#include <algorithm>
#include <limits>
#include <vector>

#include "blas.h"
#include "conv.h"

namespace tfl {
namespace {

// ---- gemm on the calling thread -----------------------------------------------------------------
// C[m,n] (ldc) = op(A) @ B (+ C when accumulate); A is [m,k] (lda) or, transposed, [k,m] (lda).
void gemm1(bool ta, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
           int64_t ldb, float* c, int64_t ldc, bool accumulate) {
  if (m == 0 || n == 0) return;
  // Its status goes unchecked, as ever: it runs inside parallel regions, where nothing may throw
  // (the shapes are checked before them).
  (void)blas::sgemm_serial(ta, false, m, n, k, 1.0f, a, lda, b, ldb, accumulate ? 1.0f : 0.0f, c,
                           ldc);
}

void gemm1(bool ta, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b,
           int64_t ldb, double* c, int64_t ldc, bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    double* ci = c + i * ldc;
    if (!accumulate) std::fill(ci, ci + n, 0.0);
    for (int64_t p = 0; p < k; ++p) {
      const double av = ta ? a[p * lda + i] : a[i * lda + p];
      const double* bp = b + p * ldb;
      for (int64_t j = 0; j < n; ++j) ci[j] += av * bp[j];
    }
  }
}

template <typename T>
std::vector<T>& scratch(int slot) {  // per-thread buffers, reused from call to call
  thread_local std::vector<T> bufs[3];
  return bufs[slot];
}

// This thread's scratch buffer `slot`, of at least rows * cols elements, the size checked before
// it is used (ResourceError beyond int64 or the memory limit; std::bad_alloc if still refused).
template <typename T>
T* scratch_ptr(int slot, int64_t rows, int64_t cols = 1) {
  const int64_t n = checked_mul("conv/pool work buffer", rows, cols);
  auto& v = scratch<T>(slot);
  // checked when it grows, and whenever it is large (whether a call fits the limit does not
  // depend on what this thread ran before; a few syscalls are nothing next to 1 MiB of work)
  if (int64_t(v.size()) < n || n > (int64_t(1) << 20) / int64_t(sizeof(T)))
    check_allocation("conv/pool work buffer", n, int64_t(sizeof(T)));
  if (int64_t(v.size()) < n) v.resize(size_t(n));
  return v.data();
}

// Rows of pixels per block: a column block of about 512 KiB (in L2), at least 16 rows.
int64_t block_rows(int64_t row_len) {
  const int64_t rows = (int64_t(1) << 17) / std::max<int64_t>(row_len, 1);
  return std::max<int64_t>(16, std::min<int64_t>(1024, rows));
}

// ---- conv2d -------------------------------------------------------------------------------------
// Columns of output pixels [p0, p1) (flattened over n, oh, ow): row (kh, kw, c), zeros in padding.
template <typename T>
void im2col(const ConvGeom& g, const T* x, int64_t p0, int64_t p1, T* col) {
  const int64_t C = g.c, KWC = g.kw * C, row = g.kh * KWC;
  for (int64_t p = p0; p < p1; ++p) {
    const int64_t n = p / (g.oh * g.ow), oh = p / g.ow % g.oh, ow = p % g.ow;
    T* cp = col + (p - p0) * row;
    for (int64_t kh = 0; kh < g.kh; ++kh) {
      const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
      T* ck = cp + kh * KWC;
      if (ih < 0 || ih >= g.h) {
        std::fill(ck, ck + KWC, T(0));
        continue;
      }
      const T* xr = x + (n * g.h + ih) * g.w * C;
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
        if (iw < 0 || iw >= g.w) std::fill(ck + kw * C, ck + (kw + 1) * C, T(0));
        else std::copy(xr + iw * C, xr + (iw + 1) * C, ck + kw * C);
      }
    }
  }
}

// A 1x1 convolution with unit strides and no padding reads x as the column matrix itself.
bool pointwise(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pb == 0 && g.pl == 0 &&
         g.pr == 0;
}

// Partial results of a reduction over blocks: the blocks are grouped into at most 32 chunks
// (fixed by the shapes), each chunk sums into its own buffer of `len` elements, and the buffers
// are added in order. Fewer chunks for large results: the buffers stay under ~2^24 elements.
struct Chunks {
  int64_t blocks, per_chunk, count;
  Chunks(int64_t nblocks, int64_t len)
      : blocks(nblocks),
        per_chunk(std::max<int64_t>(1, (nblocks + max_chunks(len) - 1) / max_chunks(len))),
        count((nblocks + per_chunk - 1) / per_chunk) {}
  static int64_t max_chunks(int64_t len) {
    const int64_t fit = (int64_t(1) << 24) / std::max<int64_t>(len, 1);
    return std::max<int64_t>(2, std::min<int64_t>(32, fit));
  }
};

template <typename T>
void sum_partials(const T* parts, int64_t count, int64_t len, T* out) {
  parallel_for(len, kCheapGrain / std::max<int64_t>(count, 1), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) out[i] = parts[i];
    for (int64_t c = 1; c < count; ++c) {
      const T* pc = parts + c * len;
      for (int64_t i = i0; i < i1; ++i) out[i] += pc[i];
    }
  });
}

}  // namespace

template <typename T>
void ref_conv2d(const ConvGeom& g, const T* x, const T* f, T* y) {
  const int64_t P = g.n * g.oh * g.ow, row = g.kh * g.kw * g.c, B = block_rows(row);
  const int64_t nblocks = (P + B - 1) / B;
  const bool direct = pointwise(g);
  blas::SerialScope serial;  // gemm1 runs on our threads
  parallel_for(nblocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t p0 = b * B, p1 = std::min(P, p0 + B);
      const T* col = x + p0 * g.c;
      if (!direct) {
        T* buf = scratch_ptr<T>(0, B, row);
        im2col(g, x, p0, p1, buf);
        col = buf;
      }
      gemm1(false, p1 - p0, g.oc, row, col, row, f, g.oc, y + p0 * g.oc, g.oc, false);
    }
  });
}

template <typename T>
void ref_conv2d_bwd_input(const ConvGeom& g, const T* f, const T* dy, T* dx) {
  // dx[q, c] = sum over (kh, kw, o) of dycol[q, (kh, kw, o)] * f[kh, kw, c, o], where dycol gathers
  // for input pixel q the dy of every output pixel whose window reads q at (kh, kw).
  const int64_t O = g.oc, C = g.c, KK = g.kh * g.kw, row = KK * O, Q = g.n * g.h * g.w;
  T* ft = scratch_ptr<T>(2, checked_mul("Conv2DBackpropInput", KK, O), C);  // ft[(kh, kw, o), c]
  for (int64_t k = 0; k < KK; ++k)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t o = 0; o < O; ++o) ft[(k * O + o) * C + c] = f[(k * C + c) * O + o];
  const int64_t B = block_rows(row), nblocks = (Q + B - 1) / B;
  blas::SerialScope serial;  // gemm1 runs on our threads
  parallel_for(nblocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t q0 = b * B, q1 = std::min(Q, q0 + B);
      T* col = scratch_ptr<T>(0, B, row);
      for (int64_t q = q0; q < q1; ++q) {
        const int64_t n = q / (g.h * g.w), ih = q / g.w % g.h, iw = q % g.w;
        T* cp = col + (q - q0) * row;
        for (int64_t kh = 0; kh < g.kh; ++kh) {
          const int64_t th = ih + g.pt - kh * g.dh;
          const int64_t oh = th / g.sh;
          const bool hok = th >= 0 && th % g.sh == 0 && oh < g.oh;
          for (int64_t kw = 0; kw < g.kw; ++kw) {
            T* ck = cp + (kh * g.kw + kw) * O;
            const int64_t tw = iw + g.pl - kw * g.dw;
            const int64_t ow = tw / g.sw;
            if (hok && tw >= 0 && tw % g.sw == 0 && ow < g.ow) {
              const T* src = dy + ((n * g.oh + oh) * g.ow + ow) * O;
              std::copy(src, src + O, ck);
            } else {
              std::fill(ck, ck + O, T(0));
            }
          }
        }
      }
      gemm1(false, q1 - q0, C, row, col, row, ft, C, dx + q0 * C, C, false);
    }
  });
}

template <typename T>
void ref_conv2d_bwd_filter(const ConvGeom& g, const T* x, const T* dy, T* df) {
  // df[(kh, kw, c), o] = sum over output pixels p of col[p, (kh, kw, c)] * dy[p, o]
  const int64_t P = g.n * g.oh * g.ow, row = g.kh * g.kw * g.c, len = row * g.oc;
  const int64_t B = block_rows(row);
  const Chunks ch((P + B - 1) / B, len);
  T* parts = scratch_ptr<T>(1, ch.count, len);
  const bool direct = pointwise(g);
  {
    blas::SerialScope serial;  // gemm1 runs on our threads
    parallel_for(ch.count, 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1; ++c) {
        T* part = parts + c * len;
        const int64_t bend = std::min(ch.blocks, (c + 1) * ch.per_chunk);
        for (int64_t b = c * ch.per_chunk; b < bend; ++b) {
          const int64_t p0 = b * B, p1 = std::min(P, p0 + B);
          const T* col = x + p0 * g.c;
          if (!direct) {
            T* buf = scratch_ptr<T>(0, B, row);
            im2col(g, x, p0, p1, buf);
            col = buf;
          }
          gemm1(true, row, g.oc, p1 - p0, col, row, dy + p0 * g.oc, g.oc, part, g.oc,
                b != c * ch.per_chunk);
        }
      }
    });
  }
  sum_partials(parts, ch.count, len, df);
}

// ---- depthwise ----------------------------------------------------------------------------------
template <typename T>
void ref_depthwise(const ConvGeom& g, const T* x, const T* f, T* y) {
  const int64_t C = g.c, M = g.mult, CM = C * M, rows = g.n * g.oh;
  const int64_t work = std::max<int64_t>(1, g.ow * CM * g.kh * g.kw);  // per output row
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / work);
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.oh, oh = r % g.oh;
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        T* yp = y + (r * g.ow + ow) * CM;
        std::fill(yp, yp + CM, T(0));
        for (int64_t kh = 0; kh < g.kh; ++kh) {
          const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
          if (ih < 0 || ih >= g.h) continue;
          for (int64_t kw = 0; kw < g.kw; ++kw) {
            const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
            if (iw < 0 || iw >= g.w) continue;
            const T* xp = x + ((n * g.h + ih) * g.w + iw) * C;
            const T* fp = f + (kh * g.kw + kw) * CM;
            if (M == 1) {
              for (int64_t c = 0; c < C; ++c) yp[c] += xp[c] * fp[c];
            } else {
              for (int64_t c = 0; c < C; ++c)
                for (int64_t m = 0; m < M; ++m) yp[c * M + m] += xp[c] * fp[c * M + m];
            }
          }
        }
      }
    }
  });
}

template <typename T>
void ref_depthwise_bwd_input(const ConvGeom& g, const T* f, const T* dy, T* dx) {
  const int64_t C = g.c, M = g.mult, CM = C * M, rows = g.n * g.h;
  const int64_t work = std::max<int64_t>(1, g.w * CM * g.kh * g.kw);  // per input row
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / work);
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.h, ih = r % g.h;
      for (int64_t iw = 0; iw < g.w; ++iw) {
        T* dxp = dx + (r * g.w + iw) * C;
        std::fill(dxp, dxp + C, T(0));
        for (int64_t kh = 0; kh < g.kh; ++kh) {
          const int64_t th = ih + g.pt - kh * g.dh;
          if (th < 0 || th % g.sh != 0 || th / g.sh >= g.oh) continue;
          const int64_t oh = th / g.sh;
          for (int64_t kw = 0; kw < g.kw; ++kw) {
            const int64_t tw = iw + g.pl - kw * g.dw;
            if (tw < 0 || tw % g.sw != 0 || tw / g.sw >= g.ow) continue;
            const int64_t ow = tw / g.sw;
            const T* dyp = dy + ((n * g.oh + oh) * g.ow + ow) * CM;
            const T* fp = f + (kh * g.kw + kw) * CM;
            if (M == 1) {
              for (int64_t c = 0; c < C; ++c) dxp[c] += dyp[c] * fp[c];
            } else {
              for (int64_t c = 0; c < C; ++c) {
                T s = 0;
                for (int64_t m = 0; m < M; ++m) s += dyp[c * M + m] * fp[c * M + m];
                dxp[c] += s;
              }
            }
          }
        }
      }
    }
  });
}

template <typename T>
void ref_depthwise_bwd_filter(const ConvGeom& g, const T* x, const T* dy, T* df) {
  const int64_t C = g.c, M = g.mult, CM = C * M, len = g.kh * g.kw * CM;
  const int64_t rows = g.n * g.oh;
  // blocks of output rows, grouped into a fixed number of chunks with their own partial sums
  const int64_t B = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, g.ow * len));
  const Chunks ch((rows + B - 1) / B, len);
  T* parts = scratch_ptr<T>(1, ch.count, len);
  parallel_for(ch.count, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      T* part = parts + c * len;
      std::fill(part, part + len, T(0));
      const int64_t r_end = std::min(rows, std::min(ch.blocks, (c + 1) * ch.per_chunk) * B);
      for (int64_t r = c * ch.per_chunk * B; r < r_end; ++r) {
        const int64_t n = r / g.oh, oh = r % g.oh;
        for (int64_t ow = 0; ow < g.ow; ++ow) {
          const T* dyp = dy + (r * g.ow + ow) * CM;
          for (int64_t kh = 0; kh < g.kh; ++kh) {
            const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
            if (ih < 0 || ih >= g.h) continue;
            for (int64_t kw = 0; kw < g.kw; ++kw) {
              const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
              if (iw < 0 || iw >= g.w) continue;
              const T* xp = x + ((n * g.h + ih) * g.w + iw) * C;
              T* pp = part + (kh * g.kw + kw) * CM;
              if (M == 1) {
                for (int64_t ci = 0; ci < C; ++ci) pp[ci] += xp[ci] * dyp[ci];
              } else {
                for (int64_t ci = 0; ci < C; ++ci)
                  for (int64_t m = 0; m < M; ++m) pp[ci * M + m] += xp[ci] * dyp[ci * M + m];
              }
            }
          }
        }
      }
    }
  });
  sum_partials(parts, ch.count, len, df);
}

// ---- pooling ------------------------------------------------------------------------------------
namespace {

// The window of output index o along one dim: [lo, hi) of valid input indices.
inline void window(int64_t o, int64_t s, int64_t pad, int64_t k, int64_t in, int64_t& lo,
                   int64_t& hi) {
  const int64_t start = o * s - pad;
  lo = std::max<int64_t>(start, 0);
  hi = std::min<int64_t>(start + k, in);
}

template <typename T, typename F>
void for_rows(const PoolGeom& g, int64_t work_per_row, F&& fn) {
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, work_per_row));
  parallel_for(g.n * g.oh, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) fn(r / g.oh, r % g.oh, r);
  });
}

// For output pixel (n, oh, ow): idx[c] = the input pixel (n, ih, iw) flattened, of the first
// maximum of channel c in the window (scan kh, then kw; strictly greater replaces).
template <typename T>
void first_max(const PoolGeom& g, const T* x, int64_t n, int64_t oh, int64_t ow, T* best,
               int64_t* idx) {
  int64_t h0, h1, w0, w1;
  window(oh, g.sh, g.pt, g.kh, g.h, h0, h1);
  window(ow, g.sw, g.pl, g.kw, g.w, w0, w1);
  const int64_t C = g.c;
  const int64_t first = (n * g.h + h0) * g.w + w0;
  std::copy(x + first * C, x + (first + 1) * C, best);
  std::fill(idx, idx + C, first);
  for (int64_t ih = h0; ih < h1; ++ih)
    for (int64_t iw = w0; iw < w1; ++iw) {
      const int64_t q = (n * g.h + ih) * g.w + iw;
      const T* xp = x + q * C;
      for (int64_t c = 0; c < C; ++c)
        if (xp[c] > best[c]) {
          best[c] = xp[c];
          idx[c] = q;
        }
    }
}

}  // namespace

template <typename T>
void ref_max_pool(const PoolGeom& g, const T* x, T* y) {
  for_rows<T>(g, g.ow * g.c * g.kh * g.kw, [&](int64_t n, int64_t oh, int64_t r) {
    int64_t h0, h1, w0, w1;
    window(oh, g.sh, g.pt, g.kh, g.h, h0, h1);
    for (int64_t ow = 0; ow < g.ow; ++ow) {
      window(ow, g.sw, g.pl, g.kw, g.w, w0, w1);
      T* yp = y + (r * g.ow + ow) * g.c;
      std::copy(x + ((n * g.h + h0) * g.w + w0) * g.c, x + ((n * g.h + h0) * g.w + w0 + 1) * g.c,
                yp);
      for (int64_t ih = h0; ih < h1; ++ih)
        for (int64_t iw = w0; iw < w1; ++iw) {
          const T* xp = x + ((n * g.h + ih) * g.w + iw) * g.c;
          for (int64_t c = 0; c < g.c; ++c) yp[c] = xp[c] > yp[c] ? xp[c] : yp[c];
        }
    }
  });
}

template <typename T>
void ref_avg_pool(const PoolGeom& g, const T* x, T* y) {
  for_rows<T>(g, g.ow * g.c * g.kh * g.kw, [&](int64_t n, int64_t oh, int64_t r) {
    int64_t h0, h1, w0, w1;
    window(oh, g.sh, g.pt, g.kh, g.h, h0, h1);
    for (int64_t ow = 0; ow < g.ow; ++ow) {
      window(ow, g.sw, g.pl, g.kw, g.w, w0, w1);
      T* yp = y + (r * g.ow + ow) * g.c;
      std::fill(yp, yp + g.c, T(0));
      for (int64_t ih = h0; ih < h1; ++ih)
        for (int64_t iw = w0; iw < w1; ++iw) {
          const T* xp = x + ((n * g.h + ih) * g.w + iw) * g.c;
          for (int64_t c = 0; c < g.c; ++c) yp[c] += xp[c];
        }
      const T inv_count = T(1) / T((h1 - h0) * (w1 - w0));
      for (int64_t c = 0; c < g.c; ++c) yp[c] *= inv_count;
    }
  });
}

template <typename T>
void ref_max_pool_grad(const PoolGeom& g, const T* x, const T* dy, T* dx) {
  // Windows overlap: each image is one unit of work, so no two threads add into one element.
  const int64_t C = g.c, img = g.h * g.w * C;
  const int64_t grain =
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, g.oh * g.ow * C * g.kh * g.kw));
  parallel_for(g.n, grain, [&](int64_t n0, int64_t n1) {
    T* best = scratch_ptr<T>(0, C);
    std::vector<int64_t> idx(static_cast<size_t>(C));
    for (int64_t n = n0; n < n1; ++n) {
      std::fill(dx + n * img, dx + (n + 1) * img, T(0));
      for (int64_t oh = 0; oh < g.oh; ++oh)
        for (int64_t ow = 0; ow < g.ow; ++ow) {
          first_max(g, x, n, oh, ow, best, idx.data());
          const T* dyp = dy + ((n * g.oh + oh) * g.ow + ow) * C;
          for (int64_t c = 0; c < C; ++c) dx[idx[size_t(c)] * C + c] += dyp[c];
        }
    }
  });
}

template <typename T>
void ref_max_pool_grad_grad(const PoolGeom& g, const T* x, const T* gx, T* y) {
  for_rows<T>(g, g.ow * g.c * g.kh * g.kw, [&](int64_t n, int64_t oh, int64_t r) {
    T* best = scratch_ptr<T>(0, g.c);
    std::vector<int64_t> idx(static_cast<size_t>(g.c));
    for (int64_t ow = 0; ow < g.ow; ++ow) {
      first_max(g, x, n, oh, ow, best, idx.data());
      T* yp = y + (r * g.ow + ow) * g.c;
      for (int64_t c = 0; c < g.c; ++c) yp[c] = gx[idx[size_t(c)] * g.c + c];
    }
  });
}

template <typename T>
void ref_avg_pool_grad(const PoolGeom& g, const T* dy, T* dx) {
  // Gathered per input pixel: dx[q] = sum over the windows w holding q of dy[w] / |w|.
  const int64_t C = g.c;
  const int64_t grain =
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(1, g.w * C * g.kh * g.kw));
  parallel_for(g.n * g.h, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / g.h, ih = r % g.h;
      // output rows whose window holds ih: oh * sh - pt <= ih <= oh * sh - pt + kh - 1
      const int64_t oh0 = std::max<int64_t>(0, (ih + g.pt - g.kh + g.sh) / g.sh);
      const int64_t oh1 = std::min<int64_t>(g.oh - 1, (ih + g.pt) / g.sh);
      for (int64_t iw = 0; iw < g.w; ++iw) {
        T* dxp = dx + (r * g.w + iw) * C;
        std::fill(dxp, dxp + C, T(0));
        const int64_t ow0 = std::max<int64_t>(0, (iw + g.pl - g.kw + g.sw) / g.sw);
        const int64_t ow1 = std::min<int64_t>(g.ow - 1, (iw + g.pl) / g.sw);
        for (int64_t oh = oh0; oh <= oh1; ++oh) {
          int64_t h0, h1;
          window(oh, g.sh, g.pt, g.kh, g.h, h0, h1);
          for (int64_t ow = ow0; ow <= ow1; ++ow) {
            int64_t w0, w1;
            window(ow, g.sw, g.pl, g.kw, g.w, w0, w1);
            const T inv_count = T(1) / T((h1 - h0) * (w1 - w0));
            const T* dyp = dy + ((n * g.oh + oh) * g.ow + ow) * C;
            for (int64_t c = 0; c < C; ++c) dxp[c] += dyp[c] * inv_count;
          }
        }
      }
    }
  });
}

#define TFL_INSTANTIATE(T)                                                            \
  template void ref_conv2d<T>(const ConvGeom&, const T*, const T*, T*);               \
  template void ref_conv2d_bwd_input<T>(const ConvGeom&, const T*, const T*, T*);     \
  template void ref_conv2d_bwd_filter<T>(const ConvGeom&, const T*, const T*, T*);    \
  template void ref_depthwise<T>(const ConvGeom&, const T*, const T*, T*);            \
  template void ref_depthwise_bwd_input<T>(const ConvGeom&, const T*, const T*, T*);  \
  template void ref_depthwise_bwd_filter<T>(const ConvGeom&, const T*, const T*, T*); \
  template void ref_max_pool<T>(const PoolGeom&, const T*, T*);                       \
  template void ref_avg_pool<T>(const PoolGeom&, const T*, T*);                       \
  template void ref_max_pool_grad<T>(const PoolGeom&, const T*, const T*, T*);        \
  template void ref_max_pool_grad_grad<T>(const PoolGeom&, const T*, const T*, T*);   \
  template void ref_avg_pool_grad<T>(const PoolGeom&, const T*, T*);
TFL_INSTANTIATE(float)
TFL_INSTANTIATE(double)
#undef TFL_INSTANTIATE

}  // namespace tfl
