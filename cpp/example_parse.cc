// example_parse.cc: see example_parse.h. Two passes: the first walks each record's framing and
// notes, per wanted feature, its kind, the spans of its list messages and how many values they
// hold (checking those lists); the second copies the values out in batch order.
#include "example_parse.h"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "tensor.h"

namespace tfl {
namespace {

constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

bool read_varint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const uint8_t b = *p++;
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;  // truncated, or more than 10 bytes
}

// A field's tag; false at a malformed one (field number 0 included).
bool read_tag(const uint8_t*& p, const uint8_t* end, uint32_t& field, int& wire) {
  uint64_t tag;
  if (!read_varint(p, end, tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
  field = uint32_t(tag >> 3);
  wire = int(tag & 7);
  return true;
}

bool read_span(const uint8_t*& p, const uint8_t* end, ByteSpan& s) {
  uint64_t n;
  if (!read_varint(p, end, n) || n > uint64_t(end - p)) return false;
  s = {p, size_t(n)};
  p += n;
  return true;
}

// Skips a field's payload (groups are not accepted: no message of an Example has one).
bool skip(int wire, const uint8_t*& p, const uint8_t* end) {
  uint64_t v;
  ByteSpan s;
  switch (wire) {
    case kVarint: return read_varint(p, end, v);
    case kFixed64:
      if (end - p < 8) return false;
      p += 8;
      return true;
    case kLengthDelimited: return read_span(p, end, s);
    case kFixed32:
      if (end - p < 4) return false;
      p += 4;
      return true;
    default: return false;
  }
}

// How many values a list message of `kind` holds; -1 if it is malformed.
int64_t count_values(FeatureKind kind, ByteSpan list) {
  const uint8_t* p = list.data;
  const uint8_t* end = p + list.size;
  int64_t n = 0;
  while (p < end) {
    uint32_t field = 0;
    int wire = 0;
    if (!read_tag(p, end, field, wire)) return -1;
    if (field == 1 && kind == FeatureKind::kFloat && wire == kLengthDelimited) {
      ByteSpan s;
      if (!read_span(p, end, s) || s.size % 4) return -1;
      n += int64_t(s.size / 4);
    } else if (field == 1 && kind == FeatureKind::kFloat && wire == kFixed32) {
      if (end - p < 4) return -1;
      p += 4;
      ++n;
    } else if (field == 1 && kind == FeatureKind::kInt64 && wire == kLengthDelimited) {
      ByteSpan s;
      if (!read_span(p, end, s)) return -1;
      for (const uint8_t *q = s.data, *e = s.data + s.size; q < e; ++n) {
        uint64_t v;
        if (!read_varint(q, e, v)) return -1;
      }
    } else if (field == 1 && kind == FeatureKind::kInt64 && wire == kVarint) {
      uint64_t v;
      if (!read_varint(p, end, v)) return -1;
      ++n;
    } else if (field == 1 && kind == FeatureKind::kBytes && wire == kLengthDelimited) {
      ByteSpan s;
      if (!read_span(p, end, s)) return -1;
      ++n;
    } else if (!skip(wire, p, end)) {
      return -1;
    }
  }
  return n;
}

// Appends a list message's values to `f`'s value vector of `kind` (already checked).
void append_values(FeatureKind kind, ByteSpan list, ParsedFeature& f) {
  const uint8_t* p = list.data;
  const uint8_t* end = p + list.size;
  while (p < end) {
    uint32_t field = 0;
    int wire = 0;
    read_tag(p, end, field, wire);
    ByteSpan s;
    uint64_t v;
    if (field == 1 && kind == FeatureKind::kFloat && wire == kLengthDelimited) {
      read_span(p, end, s);
      const size_t at = f.floats.size();
      f.floats.resize(at + s.size / 4);
      std::memcpy(f.floats.data() + at, s.data, s.size);
    } else if (field == 1 && kind == FeatureKind::kFloat && wire == kFixed32) {
      float x;
      std::memcpy(&x, p, 4);
      p += 4;
      f.floats.push_back(x);
    } else if (field == 1 && kind == FeatureKind::kInt64 && wire == kLengthDelimited) {
      read_span(p, end, s);
      for (const uint8_t *q = s.data, *e = s.data + s.size; q < e;) {
        read_varint(q, e, v);
        f.ints.push_back(int64_t(v));
      }
    } else if (field == 1 && kind == FeatureKind::kInt64 && wire == kVarint) {
      read_varint(p, end, v);
      f.ints.push_back(int64_t(v));
    } else if (field == 1 && kind == FeatureKind::kBytes && wire == kLengthDelimited) {
      read_span(p, end, s);
      f.bytes.push_back(s);
    } else {
      skip(wire, p, end);
    }
  }
}

// What one record holds for one wanted feature: its kind, its list messages (spans[first,
// first + n) of the pool) and their value count. `present`: the record has an entry of the key.
struct Slot {
  bool present = false;
  FeatureKind kind = FeatureKind::kNone;
  uint32_t first = 0, n = 0;
  int64_t count = 0;
};

class RecordParser {
 public:
  explicit RecordParser(const std::vector<FeatureSpec>& specs) {
    for (size_t i = 0; i < specs.size(); ++i) wanted_.emplace(specs[i].key, int(i));
  }

  // Fills `slots` (one per spec) from one record; false if it does not parse.
  bool parse(ByteSpan record, Slot* slots) {
    const uint8_t* p = record.data;
    const uint8_t* end = p + record.size;
    while (p < end) {
      uint32_t field = 0;
      int wire = 0;
      if (!read_tag(p, end, field, wire)) return false;
      ByteSpan features;
      if (field == 1 && wire == kLengthDelimited) {
        if (!read_span(p, end, features) || !parse_features(features, slots)) return false;
      } else if (!skip(wire, p, end)) {
        return false;
      }
    }
    return true;
  }

  std::vector<ByteSpan> pool;

 private:
  bool parse_features(ByteSpan features, Slot* slots) {
    const uint8_t* p = features.data;
    const uint8_t* end = p + features.size;
    while (p < end) {
      uint32_t field = 0;
      int wire = 0;
      if (!read_tag(p, end, field, wire)) return false;
      ByteSpan entry;
      if (field == 1 && wire == kLengthDelimited) {
        if (!read_span(p, end, entry) || !parse_entry(entry, slots)) return false;
      } else if (!skip(wire, p, end)) {
        return false;
      }
    }
    return true;
  }

  // One map entry: the last key, the Feature messages (merged in order).
  bool parse_entry(ByteSpan entry, Slot* slots) {
    const uint8_t* p = entry.data;
    const uint8_t* end = p + entry.size;
    std::string_view key;
    values_.clear();
    while (p < end) {
      uint32_t field = 0;
      int wire = 0;
      if (!read_tag(p, end, field, wire)) return false;
      ByteSpan s;
      if (wire == kLengthDelimited && (field == 1 || field == 2)) {
        if (!read_span(p, end, s)) return false;
        if (field == 1) {
          key = std::string_view(reinterpret_cast<const char*>(s.data), s.size);
        } else {
          values_.push_back(s);
        }
      } else if (!skip(wire, p, end)) {
        return false;
      }
    }
    const auto it = wanted_.find(key);
    if (it == wanted_.end()) return true;
    Slot& slot = slots[it->second];
    slot = Slot{};  // a later entry of a key replaces the earlier one
    slot.present = true;
    slot.first = uint32_t(pool.size());
    for (const ByteSpan& feature : values_) {
      const uint8_t* q = feature.data;
      const uint8_t* e = q + feature.size;
      while (q < e) {
        uint32_t field = 0;
        int wire = 0;
        if (!read_tag(q, e, field, wire)) return false;
        ByteSpan list;
        if (wire == kLengthDelimited && field >= 1 && field <= 3) {
          if (!read_span(q, e, list)) return false;
          const auto kind = FeatureKind(field);
          if (kind != slot.kind) {  // another kind of the oneof: it replaces the lists so far
            slot.kind = kind;
            slot.first = uint32_t(pool.size());
            slot.n = 0;
          }
          pool.push_back(list);
          ++slot.n;
        } else if (!skip(wire, q, e)) {
          return false;
        }
      }
    }
    slot.count = 0;
    for (uint32_t k = 0; k < slot.n; ++k) {
      const int64_t c = count_values(slot.kind, pool[slot.first + k]);
      if (c < 0) return false;
      slot.count += c;
    }
    return true;
  }

  std::unordered_map<std::string_view, int> wanted_;
  std::vector<ByteSpan> values_;
};

}  // namespace

bool parse_examples(const std::vector<ByteSpan>& records, const std::vector<FeatureSpec>& specs,
                    std::vector<ParsedFeature>& out, ParseError& error) {
  const size_t n = records.size(), k = specs.size();
  std::vector<Slot> slots(n * k);
  RecordParser parser(specs);
  for (size_t b = 0; b < n; ++b) {
    if (!parser.parse(records[b], &slots[b * k])) {
      error = {ParseErrorCode::kBadRecord, int64_t(b), -1, FeatureKind::kNone, 0};
      return false;
    }
  }
  out.assign(k, ParsedFeature{});
  for (size_t j = 0; j < k; ++j) {
    const FeatureSpec& spec = specs[j];
    ParsedFeature& f = out[j];
    const bool dense = spec.dense_size >= 0;
    if (dense) {
      const int64_t elem = spec.kind == FeatureKind::kBytes ? int64_t(sizeof(ByteSpan)) : 8;
      check_allocation("ParseExampleV2", checked_mul("ParseExampleV2", int64_t(n), spec.dense_size),
                       elem);
      f.missing.assign(n, 0);
    }
    for (size_t b = 0; b < n; ++b) {
      const Slot& s = slots[b * k + j];
      const bool has = s.present && s.kind != FeatureKind::kNone;
      if (has && s.kind != spec.kind) {
        error = {ParseErrorCode::kWrongKind, int64_t(b), int64_t(j), s.kind, s.count};
        return false;
      }
      if (!dense) {
        if (!has || s.count == 0) continue;
        for (int64_t i = 0; i < s.count; ++i) {
          f.indices.push_back(int64_t(b));
          f.indices.push_back(i);
        }
        f.longest = std::max(f.longest, s.count);
      } else if (!has) {
        if (spec.required) {
          error = {ParseErrorCode::kMissing, int64_t(b), int64_t(j), FeatureKind::kNone, 0};
          return false;
        }
        f.missing[b] = 1;
        if (spec.kind == FeatureKind::kFloat) f.floats.resize(f.floats.size() + spec.dense_size);
        if (spec.kind == FeatureKind::kInt64) f.ints.resize(f.ints.size() + spec.dense_size);
        if (spec.kind == FeatureKind::kBytes) f.bytes.resize(f.bytes.size() + spec.dense_size);
        continue;
      } else if (s.count != spec.dense_size) {
        error = {ParseErrorCode::kWrongCount, int64_t(b), int64_t(j), s.kind, s.count};
        return false;
      }
      for (uint32_t i = 0; i < s.n; ++i) append_values(s.kind, parser.pool[s.first + i], f);
    }
  }
  return true;
}

}  // namespace tfl
