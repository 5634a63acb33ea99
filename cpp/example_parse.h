// example_parse.h: tf.train.Example records parsed straight from protobuf's wire format, for
// tf.io.parse_example (TF's ParseExampleV2) with FixedLenFeature and VarLenFeature.
//
// An Example is `features` (field 1) holding map entries (field 1) of a key (1) and a Feature
// (2), whose kind is bytes_list (1), float_list (2) or int64_list (3), each a repeated `value`
// (1; floats and int64s packed or not). Protobuf's merge rules hold: a later map entry of a key
// replaces an earlier one, a Feature's later kind replaces an earlier different one and merges
// with the same one, unknown fields are skipped. Only the wanted features' lists are decoded
// (and checked); the rest of a record is checked for framing only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tfl {

enum class FeatureKind : uint8_t { kNone = 0, kBytes = 1, kFloat = 2, kInt64 = 3 };

// One wanted feature: its key, the kind it must have, and for a dense (fixed-length) feature
// the number of values each record must give (-1: a sparse, variable-length feature) and
// whether a record may lack it (then its default fills the row: `missing` marks those rows).
struct FeatureSpec {
  std::string key;
  FeatureKind kind = FeatureKind::kFloat;
  int64_t dense_size = -1;
  bool required = false;
};

struct ByteSpan {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// A feature's values over the batch. Sparse: `indices` (batch, position) pairs, flattened;
// `longest` the most values of a record. Dense: n * dense_size values (rows of absent records
// left zero / empty, `missing` set).
struct ParsedFeature {
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<ByteSpan> bytes;  // pointing into the records
  std::vector<int64_t> indices;
  int64_t longest = 0;
  std::vector<uint8_t> missing;
};

// The first problem found, in TF's order: a record that does not parse, then per sparse feature
// (in order) a record whose kind differs, then per dense feature a record whose kind differs,
// whose count differs or that lacks a required feature.
enum class ParseErrorCode : int {
  kNone = 0,
  kBadRecord = 1,
  kWrongKind = 2,
  kWrongCount = 3,
  kMissing = 4,
};
struct ParseError {
  ParseErrorCode code = ParseErrorCode::kNone;
  int64_t record = -1;
  int64_t feature = -1;  // index into the specs
  FeatureKind found = FeatureKind::kNone;
  int64_t count = 0;
};

// Parses `records` for the features `specs` (sparse ones first, as TF orders its errors).
// Returns false and sets `error` on the first problem.
bool parse_examples(const std::vector<ByteSpan>& records, const std::vector<FeatureSpec>& specs,
                    std::vector<ParsedFeature>& out, ParseError& error);

}  // namespace tfl
