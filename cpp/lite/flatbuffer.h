// lite/flatbuffer.h: bounds-checked reads of a flatbuffer (the format of .tflite files). A table
// starts with a signed offset back to its vtable, whose 16-bit entries give each field's offset
// in the table (0: absent, the schema's default applies); strings, vectors and sub-tables are
// reached through unsigned 32-bit offsets relative to where they are stored. Every read checks
// that it lies inside the buffer and throws Error(kDataLoss) naming the offset otherwise.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "lite/error.h"

namespace tfl::lite {

class Table;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(int64_t(size)) {}
  int64_t size() const { return size_; }
  const uint8_t* data() const { return data_; }

  template <typename T>
  T get(int64_t pos) const {
    check(pos, int64_t(sizeof(T)));
    T v;
    std::memcpy(&v, data_ + pos, sizeof(T));  // (little-endian hosts only: x86-64, arm64)
    return v;
  }
  void check(int64_t pos, int64_t len) const {
    if (pos < 0 || len < 0 || pos > size_ || len > size_ - pos)
      throw Error(Code::kDataLoss, "offset " + std::to_string(pos) + " (+" + std::to_string(len) +
                                       " bytes) is outside the model's " + std::to_string(size_) +
                                       " bytes");
  }
  inline Table table(int64_t pos) const;

 private:
  const uint8_t* data_;
  int64_t size_;
};

class Table {
 public:
  Table() = default;
  Table(const Reader* r, int64_t pos, int64_t vtable, int vsize)
      : r_(r), pos_(pos), vtable_(vtable), vsize_(vsize) {}
  bool valid() const { return r_ != nullptr; }

  // The position of field i, 0 when absent.
  int64_t field(int i) const {
    const int64_t at = 4 + 2 * int64_t(i);
    if (!r_ || at + 2 > vsize_) return 0;
    const uint16_t off = r_->get<uint16_t>(vtable_ + at);
    return off ? pos_ + off : 0;
  }
  template <typename T>
  T scalar(int i, T def) const {
    const int64_t p = field(i);
    return p ? r_->get<T>(p) : def;
  }
  Table table(int i) const {
    const int64_t t = target(i);
    return t ? r_->table(t) : Table();
  }
  // (start, count) of a vector of elem-byte elements; (0, 0) when absent.
  std::pair<int64_t, int64_t> vector(int i, int64_t elem) const {
    const int64_t t = target(i);
    if (!t) return {0, 0};
    const int64_t n = r_->get<uint32_t>(t);
    r_->check(t + 4, n * elem);
    return {t + 4, n};
  }
  std::string string(int i) const {
    auto [start, n] = vector(i, 1);
    return n ? std::string(reinterpret_cast<const char*>(r_->data() + start), size_t(n)) : "";
  }
  template <typename T>
  std::vector<T> numbers(int i) const {
    auto [start, n] = vector(i, int64_t(sizeof(T)));
    std::vector<T> v(static_cast<size_t>(n));
    if (n) std::memcpy(v.data(), r_->data() + start, size_t(n) * sizeof(T));
    return v;
  }
  std::vector<Table> tables(int i) const {
    auto [start, n] = vector(i, 4);
    std::vector<Table> v;
    v.reserve(size_t(n));
    for (int64_t k = 0; k < n; ++k) {
      const int64_t at = start + 4 * k;
      v.push_back(r_->table(at + r_->get<uint32_t>(at)));
    }
    return v;
  }

 private:
  int64_t target(int i) const {
    const int64_t p = field(i);
    return p ? p + r_->get<uint32_t>(p) : 0;
  }
  const Reader* r_ = nullptr;
  int64_t pos_ = 0, vtable_ = 0;
  int vsize_ = 0;
};

inline Table Reader::table(int64_t pos) const {
  const int64_t vtable = pos - get<int32_t>(pos);
  const int vsize = get<uint16_t>(vtable);
  if (vsize < 4 || vsize % 2)
    throw Error(Code::kDataLoss, "the table at offset " + std::to_string(pos) +
                                     " has a malformed vtable (" + std::to_string(vsize) +
                                     " bytes)");
  check(vtable, vsize);
  return Table(this, pos, vtable, vsize);
}

}  // namespace tfl::lite
