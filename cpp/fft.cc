// fft.cc: discrete Fourier transforms over the innermost axes (TF's FFT/IFFT/RFFT/IRFFT ops, 1 to
// 3 axes; Python moves other axes innermost first). Each 1-D transform is an iterative radix-2 FFT
// for power-of-two lengths and Bluestein's chirp-z algorithm (three power-of-two FFTs) otherwise,
// computed in double precision; inverse transforms are scaled by 1/n, as TF's.
#include <cmath>
#include <complex>
#include <vector>

#include "dtypes.h"
#include "kernels.h"

namespace tfl {

namespace {

using cd = std::complex<double>;

void radix2(std::vector<cd>& a, bool inverse) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const double ang = 2 * M_PI / double(len) * (inverse ? 1 : -1);
    const cd wl(std::cos(ang), std::sin(ang));
    for (size_t i = 0; i < n; i += len) {
      cd w(1);
      for (size_t k = 0; k < len / 2; ++k) {
        const cd u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= wl;
      }
    }
  }
}

// One length-n transform, reusing its chirp (Bluestein) between calls of the same length.
class Dft {
 public:
  Dft(size_t n, bool inverse) : n_(n), inverse_(inverse) {
    if (n_ < 2 || (n_ & (n_ - 1)) == 0) return;
    m_ = 1;
    while (m_ < 2 * n_ - 1) m_ <<= 1;
    chirp_.resize(n_);
    const double sign = inverse_ ? 1.0 : -1.0;
    for (size_t k = 0; k < n_; ++k) {
      const double kk = double((k * k) % (2 * n_));  // exact angle for large k
      chirp_[k] = std::polar(1.0, sign * M_PI * kk / double(n_));
    }
    kernel_.assign(m_, cd(0));
    kernel_[0] = std::conj(chirp_[0]);
    for (size_t k = 1; k < n_; ++k) kernel_[k] = kernel_[m_ - k] = std::conj(chirp_[k]);
    radix2(kernel_, false);
  }
  void run(std::vector<cd>& a) {
    if (n_ < 2) return;
    if (chirp_.empty()) {
      radix2(a, inverse_);
      return;
    }
    work_.assign(m_, cd(0));
    for (size_t k = 0; k < n_; ++k) work_[k] = a[k] * chirp_[k];
    radix2(work_, false);
    for (size_t k = 0; k < m_; ++k) work_[k] *= kernel_[k];
    radix2(work_, true);
    const double inv_m = 1.0 / double(m_);
    for (size_t k = 0; k < n_; ++k) a[k] = work_[k] * inv_m * chirp_[k];
  }

 private:
  size_t n_, m_ = 0;
  bool inverse_;
  std::vector<cd> chirp_, kernel_, work_;
};

// Transforms axis `axis` (of `shape`, innermost `rank` dims) of the complex buffer in place.
void transform_axis(std::vector<cd>& data, const std::vector<int64_t>& shape, int axis,
                    bool inverse) {
  const int64_t n = shape[size_t(axis)];
  if (n == 0 || data.empty()) return;
  int64_t inner = 1;
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t outer = int64_t(data.size()) / (n * inner);
  Dft dft(size_t(n), inverse);
  std::vector<cd> line(static_cast<size_t>(n));
  const double scale = inverse ? 1.0 / double(n) : 1.0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      cd* base = data.data() + o * n * inner + i;
      for (int64_t k = 0; k < n; ++k) line[size_t(k)] = base[k * inner];
      dft.run(line);
      for (int64_t k = 0; k < n; ++k) base[k * inner] = line[size_t(k)] * scale;
    }
}

std::vector<int64_t> dims(const TensorView& v) { return {v.shape, v.shape + v.ndim}; }

template <typename T>
std::vector<cd> load(const TensorView& v) {
  std::vector<cd> out(static_cast<size_t>(v.size()));
  const T* p = v.ptr<T>();
  for (size_t i = 0; i < out.size(); ++i) out[i] = cd(p[i]);
  return out;
}

std::vector<cd> load_any(const char* op, const TensorView& v) {
  switch (v.dtype) {
    case DType::kComplex64: return load<complex64_t>(v);
    case DType::kComplex128: return load<complex128_t>(v);
    case DType::kFloat32: return load<float>(v);
    case DType::kFloat64: return load<double>(v);
    default: fail(op, "unsupported dtype ", dtype_name(v.dtype));
  }
}

void store(const char* op, const std::vector<cd>& a, const TensorView& out) {
  if (int64_t(a.size()) != out.size()) fail(op, "output size mismatch");
  switch (out.dtype) {
    case DType::kComplex64:
      for (size_t i = 0; i < a.size(); ++i) out.ptr<complex64_t>()[i] = complex64_t(a[i]);
      break;
    case DType::kComplex128:
      for (size_t i = 0; i < a.size(); ++i) out.ptr<complex128_t>()[i] = a[i];
      break;
    case DType::kFloat32:
      for (size_t i = 0; i < a.size(); ++i) out.ptr<float>()[i] = float(a[i].real());
      break;
    case DType::kFloat64:
      for (size_t i = 0; i < a.size(); ++i) out.ptr<double>()[i] = a[i].real();
      break;
    default: fail(op, "unsupported output dtype ", dtype_name(out.dtype));
  }
}

int axes_of(const char* op, const TensorView& x, const Attrs& a) {
  const int64_t k = a.i(0, op);
  if (k < 1 || k > x.ndim) fail(op, "input must have rank at least ", k, ", got ", x.ndim);
  return int(k);
}

// x complex -> y complex; ints = [k innermost axes, inverse]
void k_fft(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = a.i(1, "FFT") ? "IFFT" : "FFT";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const int k = axes_of(op, in[0], a);
  if (in[0].dtype != DType::kComplex64 && in[0].dtype != DType::kComplex128)
    fail(op, "input must be complex64 or complex128, got ", dtype_name(in[0].dtype));
  check_same_dtype(op, in[0], out[0]);
  check_same_shape(op, in[0], out[0]);
  std::vector<cd> d = load_any(op, in[0]);
  const auto shape = dims(in[0]);
  for (int ax = in[0].ndim - k; ax < in[0].ndim; ++ax)
    transform_axis(d, shape, ax, a.i(1, op) != 0);
  store(op, d, out[0]);
}

// x real [..., n] -> y complex [..., n/2+1] (and the other k-1 innermost axes transformed)
void k_rfft(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "RFFT";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const int k = axes_of(op, in[0], a);
  const TensorView& x = in[0];
  if (x.dtype != DType::kFloat32 && x.dtype != DType::kFloat64)
    fail(op, "input must be float32 or float64, got ", dtype_name(x.dtype));
  const int nd = x.ndim;
  const int64_t n = x.shape[nd - 1], half = n / 2 + 1;
  if (out[0].ndim != nd || out[0].shape[nd - 1] != half) fail(op, "output shape mismatch");
  std::vector<cd> d = load_any(op, x);
  auto shape = dims(x);
  transform_axis(d, shape, nd - 1, false);
  std::vector<cd> kept(static_cast<size_t>(out[0].size()));
  const int64_t rows = n ? int64_t(d.size()) / n : 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < half; ++j) kept[size_t(r * half + j)] = d[size_t(r * n + j)];
  shape[size_t(nd - 1)] = half;
  for (int ax = nd - k; ax < nd - 1; ++ax) transform_axis(kept, shape, ax, false);
  store(op, kept, out[0]);
}

// x complex [..., m] -> y real [..., n] (n = the output's last dim; the first n/2+1 of m used,
// Hermitian symmetry supplies the rest); the other k-1 innermost axes inverse-transformed first
void k_irfft(const TensorView* in, int nin, TensorView* out, int nout, const Attrs& a) {
  const char* op = "IRFFT";
  check_count(op, size_t(nin), 1, size_t(nout), 1);
  const int k = axes_of(op, in[0], a);
  const TensorView& x = in[0];
  if (x.dtype != DType::kComplex64 && x.dtype != DType::kComplex128)
    fail(op, "input must be complex64 or complex128, got ", dtype_name(x.dtype));
  const int nd = x.ndim;
  const int64_t n = out[0].shape[nd - 1], half = n / 2 + 1, m = x.shape[nd - 1];
  if (out[0].ndim != nd || m != half) fail(op, "input's last dimension must be fft_length/2+1");
  std::vector<cd> d = load_any(op, x);
  auto shape = dims(x);
  for (int ax = nd - k; ax < nd - 1; ++ax) transform_axis(d, shape, ax, true);
  const int64_t rows = half ? int64_t(d.size()) / half : 0;
  std::vector<cd> full(static_cast<size_t>(rows * n));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t src = j < half ? j : n - j;
      const cd v = d[size_t(r * half + src)];
      full[size_t(r * n + j)] = j < half ? v : std::conj(v);
    }
  shape[size_t(nd - 1)] = n;
  transform_axis(full, shape, nd - 1, true);
  store(op, full, out[0]);
}

}  // namespace

void register_fft(Registry& r) {
  r["fft"] = k_fft;
  r["rfft"] = k_rfft;
  r["irfft"] = k_irfft;
}

}  // namespace tfl
