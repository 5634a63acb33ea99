// summary.cc: histogram summaries (summary.h). Compiled with -ffp-contract=off: sum_squares adds
// each v * v rounded to double, as NumPy's and TF's loops do.
#include "summary.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace tfl {
namespace {

// The positive limits 1e-12 * 1.1^k below 1e20 (TF's loop, the same double arithmetic), then
// DBL_MAX.
std::vector<double> positive_limits() {
  std::vector<double> pos;
  for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) pos.push_back(v);
  pos.push_back(DBL_MAX);
  return pos;
}

uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// upper(a) = the number of positive limits <= a (a >= 0), through a table on the top 16 bits of
// a's pattern (exponent and 4 mantissa bits): each such slice [lo, hi) spans a ratio of at most
// 1 + 1/16 < 1.1, so it holds at most one limit, and one comparison finishes the count.
struct Buckets {
  std::vector<double> pos;     // -1 (a sentinel), the positive limits, +inf (a sentinel)
  std::vector<double> limits;  // all of them, as histogram_bucket_limits() returns
  std::vector<uint16_t> table;
  uint64_t key_lo = 0, key_hi = 0;  // the table covers keys [key_lo, key_hi)
  int64_t n = 0;                    // number of positive limits

  Buckets() {
    const std::vector<double> p = positive_limits();
    n = int64_t(p.size());
    limits.reserve(size_t(2 * n + 1));
    for (int64_t i = n - 1; i >= 0; --i) limits.push_back(-p[size_t(i)]);
    limits.push_back(0.0);
    limits.insert(limits.end(), p.begin(), p.end());
    pos.push_back(-1.0);
    pos.insert(pos.end(), p.begin(), p.end());
    pos.push_back(INFINITY);
    key_lo = bits_of(0x1p-41) >> 48;  // below 2^-41 < 1e-12: no limit
    key_hi = bits_of(0x1p+67) >> 48;  // above 2^67 > 1e20: only DBL_MAX (binary search)
    table.resize(size_t(key_hi - key_lo));
    for (uint64_t k = key_lo; k < key_hi; ++k) {
      double lo;
      const uint64_t b = k << 48;
      std::memcpy(&lo, &b, sizeof lo);
      table[size_t(k - key_lo)] = uint16_t(slow_upper(lo));
    }
  }

  int64_t slow_upper(double a) const {
    return int64_t(std::upper_bound(pos.begin() + 1, pos.begin() + 1 + n, a) - (pos.begin() + 1));
  }

  int64_t upper(double a) const {
    const uint64_t key = bits_of(a) >> 48;
    if (key < key_lo) return 0;
    if (key >= key_hi) return slow_upper(a);
    const int64_t u = table[size_t(key - key_lo)];
    return u + (pos[size_t(u + 1)] <= a);
  }

  // Branch-free but for the table's range (signs mix in real data): v >= 0 (-0.0 too) counts in
  // bucket n + 1 + upper(v), at most 2n; v < 0 in n - (limits below |v|).
  int64_t bucket(double v) const {
    const double a = std::fabs(v);
    const int64_t u = upper(a);
    const int64_t at_or_above = std::min(n + 1 + u, 2 * n);
    const int64_t below = n - u + (pos[size_t(u)] == a);  // pos[u]: the largest limit <= a
    return v < 0 ? below : at_or_above;
  }
};

const Buckets& buckets() {
  static const Buckets b;
  return b;
}

void put_varint(std::string* s, uint64_t v) {
  while (v >= 0x80) {
    s->push_back(char(uint8_t(v) | 0x80));
    v >>= 7;
  }
  s->push_back(char(v));
}

void put_double_field(std::string* s, int field, double v) {  // proto3: zero bits left out
  const uint64_t b = bits_of(v);
  if (b == 0) return;
  s->push_back(char(field << 3 | 1));
  char raw[8];
  std::memcpy(raw, &b, 8);  // little-endian host (x86-64, aarch64)
  s->append(raw, 8);
}

void put_packed(std::string* s, int field, const std::vector<double>& v) {
  if (v.empty()) return;
  s->push_back(char(field << 3 | 2));
  put_varint(s, uint64_t(v.size()) * 8);
  s->append(reinterpret_cast<const char*>(v.data()), v.size() * 8);
}

struct Stats {
  double min = DBL_MAX, max = -DBL_MAX, sum = 0.0, sum_squares = 0.0;
};

template <typename T>
HistogramStatus accumulate(const T* x, int64_t n, int64_t* counts, Stats* st) {
  const Buckets& b = buckets();
  Stats s = *st;
  for (int64_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    if (!std::isfinite(v))
      return std::isnan(v) ? HistogramStatus::kNan : HistogramStatus::kInfinity;
    s.min = v < s.min ? v : s.min;  // the first of equal extremes (-0.0 == 0.0) stays
    s.max = v > s.max ? v : s.max;
    s.sum += v;
    s.sum_squares += v * v;
    ++counts[b.bucket(v)];
  }
  *st = s;
  return HistogramStatus::kOk;
}

}  // namespace

const std::vector<double>& histogram_bucket_limits() { return buckets().limits; }

int64_t histogram_bucket(double v) { return buckets().bucket(v); }

HistogramStatus histogram_proto(const void* data, DType dtype, int64_t n, std::string* out) {
  if (n < 0) throw KernelError("[histogram_proto] negative size " + std::to_string(n));
  const std::vector<double>& limits = buckets().limits;
  const size_t m = limits.size();
  std::vector<int64_t> counts(m, 0);
  Stats st;
  HistogramStatus status;
  switch (dtype) {
    case DType::kFloat32:
      status = accumulate(static_cast<const float*>(data), n, counts.data(), &st);
      break;
    case DType::kFloat64:
      status = accumulate(static_cast<const double*>(data), n, counts.data(), &st);
      break;
    case DType::kInt32:
      status = accumulate(static_cast<const int32_t*>(data), n, counts.data(), &st);
      break;
    case DType::kInt64:
      status = accumulate(static_cast<const int64_t*>(data), n, counts.data(), &st);
      break;
    case DType::kInt8:
      status = accumulate(static_cast<const int8_t*>(data), n, counts.data(), &st);
      break;
    case DType::kInt16:
      status = accumulate(static_cast<const int16_t*>(data), n, counts.data(), &st);
      break;
    case DType::kUInt8:
      status = accumulate(static_cast<const uint8_t*>(data), n, counts.data(), &st);
      break;
    case DType::kUInt16:
      status = accumulate(static_cast<const uint16_t*>(data), n, counts.data(), &st);
      break;
    case DType::kUInt32:
      status = accumulate(static_cast<const uint32_t*>(data), n, counts.data(), &st);
      break;
    case DType::kUInt64:
      status = accumulate(static_cast<const uint64_t*>(data), n, counts.data(), &st);
      break;
    default:
      throw KernelError(std::string("[histogram_proto] unsupported dtype ") + dtype_name(dtype));
  }
  if (status != HistogramStatus::kOk) return status;
  // a run of empty buckets -> its last one (TF's EncodeToProto without preserve_zero_buckets)
  std::vector<double> edge, count;
  for (size_t i = 0; i < m; ++i) {
    if (counts[i] > 0 || i + 1 == m || counts[i + 1] > 0) {
      edge.push_back(limits[i]);
      count.push_back(double(counts[i]));
    }
  }
  std::string s;
  s.reserve(64 + 16 * edge.size());
  put_double_field(&s, 1, st.min);
  put_double_field(&s, 2, st.max);
  put_double_field(&s, 3, double(n));
  put_double_field(&s, 4, 0.0 + st.sum);  // TF's sums start at +0.0: never -0.0
  put_double_field(&s, 5, 0.0 + st.sum_squares);
  put_packed(&s, 6, edge);
  put_packed(&s, 7, count);
  *out = std::move(s);
  return HistogramStatus::kOk;
}

std::string histogram_summary(std::string_view tag, std::string_view histo) {
  std::string value;
  value.reserve(tag.size() + histo.size() + 16);
  if (!tag.empty()) {
    value.push_back(char(1 << 3 | 2));
    put_varint(&value, tag.size());
    value.append(tag);
  }
  value.push_back(char(5 << 3 | 2));  // histo: a message field, written even when empty
  put_varint(&value, histo.size());
  value.append(histo);
  std::string s;
  s.reserve(value.size() + 8);
  s.push_back(char(1 << 3 | 2));
  put_varint(&s, value.size());
  s.append(value);
  return s;
}

}  // namespace tfl
