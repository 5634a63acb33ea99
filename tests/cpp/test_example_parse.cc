// tf.train.Example records parsed from wire bytes written here field by field: packed and
// unpacked lists, protobuf's merge rules, the errors in TF's order, and malformed framing at every
// cut of a record (no read past its end: run under AddressSanitizer in CI).
#include <cstring>
#include <string>
#include <vector>

#include "example_parse.h"
#include "harness.h"

namespace {

using tfl::FeatureKind;
using tfl::ParseErrorCode;

std::string varint(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(char(v ? (b | 0x80) : b));
  } while (v);
  return out;
}
std::string field(int number, int wire, const std::string& payload) {
  std::string tag = varint(uint64_t(number) << 3 | uint64_t(wire));
  return wire == 2 ? tag + varint(payload.size()) + payload : tag + payload;
}
std::string f32(float x) {
  std::string s(4, '\0');
  std::memcpy(&s[0], &x, 4);
  return s;
}
std::string entry(const std::string& key, const std::string& feature) {
  return field(1, 2, field(1, 2, key) + field(2, 2, feature));
}
std::string example(const std::string& entries) { return field(1, 2, entries); }

bool parse(const std::vector<std::string>& records, const std::vector<tfl::FeatureSpec>& specs,
           std::vector<tfl::ParsedFeature>& out, tfl::ParseError& error) {
  std::vector<tfl::ByteSpan> spans;
  for (const auto& r : records)
    spans.push_back({reinterpret_cast<const uint8_t*>(r.data()), r.size()});
  return tfl::parse_examples(spans, specs, out, error);
}

}  // namespace

TEST_CASE(example_parse_packed_unpacked_and_merged) {
  // floats: packed [1, 2] then unpacked 3 in a second list of the same kind (merged)
  const std::string floats =
      field(2, 2, field(1, 2, f32(1) + f32(2))) + field(2, 2, field(1, 5, f32(3)));
  // int64s: unpacked -1, then a bytes_list (replaces), then an int64_list packed [7, 300]
  const std::string ints = field(3, 2, field(1, 0, varint(uint64_t(-1)))) +
                           field(1, 2, field(1, 2, "x")) +
                           field(3, 2, field(1, 2, varint(7) + varint(300)));
  const std::string r0 =
      example(entry("f", floats) + entry("i", ints) + entry("s", field(1, 2, field(1, 2, "ab"))));
  // r1: "f" twice (the later entry wins), an unknown field, "s" absent
  const std::string r1 = example(entry("f", floats) + field(9, 0, varint(5)) +
                                 entry("f", field(2, 2, field(1, 2, f32(4) + f32(5) + f32(6)))) +
                                 entry("i", field(3, 2, "")));
  std::vector<tfl::FeatureSpec> specs = {{"i", FeatureKind::kInt64, -1, false},
                                         {"f", FeatureKind::kFloat, 3, true},
                                         {"s", FeatureKind::kBytes, 1, false}};
  std::vector<tfl::ParsedFeature> out;
  tfl::ParseError error;
  const std::vector<std::string> records = {r0, r1};  // (the bytes values point into them)
  CHECK(parse(records, specs, out, error));
  CHECK(out[0].ints == (std::vector<int64_t>{7, 300}));
  CHECK(out[0].indices == (std::vector<int64_t>{0, 0, 0, 1}));
  CHECK(out[0].longest == 2);
  CHECK(out[1].floats == (std::vector<float>{1, 2, 3, 4, 5, 6}));
  CHECK(out[2].bytes.size() == 2 && out[2].bytes[0].size == 2);
  CHECK(std::memcmp(out[2].bytes[0].data, "ab", 2) == 0);
  CHECK(out[2].missing == (std::vector<uint8_t>{0, 1}));
}

TEST_CASE(example_parse_errors_in_tfs_order) {
  const std::string good = example(entry("f", field(2, 2, field(1, 2, f32(1)))));
  const std::string wrong_kind = example(entry("f", field(3, 2, field(1, 0, varint(1)))));
  const std::string empty = example("");
  std::vector<tfl::ParsedFeature> out;
  tfl::ParseError error;
  const tfl::FeatureSpec dense{"f", FeatureKind::kFloat, 1, true};
  CHECK(!parse({good, wrong_kind}, {dense}, out, error));
  CHECK(error.code == ParseErrorCode::kWrongKind && error.record == 1 &&
        error.found == FeatureKind::kInt64);
  CHECK(!parse({good, empty}, {dense}, out, error));
  CHECK(error.code == ParseErrorCode::kMissing && error.record == 1);
  CHECK(!parse({good}, {{"f", FeatureKind::kFloat, 2, true}}, out, error));
  CHECK(error.code == ParseErrorCode::kWrongCount && error.count == 1);
  // a record that does not parse comes first, even after a wrong kind
  CHECK(!parse({wrong_kind, good.substr(0, good.size() - 1)}, {dense}, out, error));
  CHECK(error.code == ParseErrorCode::kBadRecord && error.record == 1);
  // packed floats whose length is not a multiple of 4
  const std::string odd = example(entry("f", field(2, 2, field(1, 2, "abc"))));
  CHECK(!parse({odd}, {dense}, out, error));
  CHECK(error.code == ParseErrorCode::kBadRecord);
}

TEST_CASE(example_parse_every_cut_is_refused_or_read_within_bounds) {
  const std::string r =
      example(entry("f", field(2, 2, field(1, 2, f32(1) + f32(2)))) +
              entry("i", field(3, 2, field(1, 2, varint(1) + varint(uint64_t(1) << 62)))));
  const std::vector<tfl::FeatureSpec> specs = {{"i", FeatureKind::kInt64, -1, false},
                                               {"f", FeatureKind::kFloat, -1, false}};
  for (size_t cut = 0; cut < r.size(); ++cut) {
    // each cut in a buffer of its own, so that a read past its end is one past an allocation
    std::vector<uint8_t> copy(r.begin(), r.begin() + long(cut));
    std::vector<tfl::ByteSpan> spans = {{copy.data(), copy.size()}};
    std::vector<tfl::ParsedFeature> out;
    tfl::ParseError error;
    if (!tfl::parse_examples(spans, specs, out, error))
      CHECK(error.code == ParseErrorCode::kBadRecord);
  }
  std::vector<tfl::ParsedFeature> out;
  tfl::ParseError error;
  CHECK(parse({r}, specs, out, error));
  CHECK(out[0].ints == (std::vector<int64_t>{1, int64_t(1) << 62}));
}
