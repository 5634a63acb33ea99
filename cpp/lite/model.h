// lite/model.h: a .tflite file read into plain structs (TFLite's schema.fbs: Model, SubGraph,
// Tensor, Operator, OperatorCode, Buffer), every offset checked (flatbuffer.h) and every index
// checked against what it refers to. An operator's options stay a Table into the file's bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lite/flatbuffer.h"

namespace tfl::lite {

// TFLite's TensorType codes used here.
enum TensorType : int {
  kTfFloat32 = 0,
  kTfFloat16 = 1,
  kTfInt32 = 2,
  kTfUInt8 = 3,
  kTfInt64 = 4,
  kTfString = 5,
  kTfBool = 6,
  kTfInt16 = 7,
  kTfInt8 = 9,
  kTfFloat64 = 10,
};

struct TensorInfo {
  std::string name;
  int type = 0;
  std::vector<int32_t> shape;
  uint32_t buffer = 0;
  bool quantized = false;  // has quantization scales
  std::vector<float> scales;        // one, or one per channel of quantized_dimension
  std::vector<int64_t> zero_points;
  bool is_variable = false;
};

struct OperatorInfo {
  int opcode = 0;  // builtin code
  std::string custom_code;
  int version = 1;
  std::vector<int32_t> inputs, outputs;  // -1: an optional input left out
  Table options;                         // invalid when absent
};

struct SubGraph {
  std::string name;
  std::vector<TensorInfo> tensors;
  std::vector<int32_t> inputs, outputs;
  std::vector<OperatorInfo> operators;
};

struct BufferRef {
  int64_t offset = 0, size = 0;  // into Model::bytes
};

// A model: the file's bytes and what was read from them. Not movable (its tables point at its
// reader): made by read_model, held by pointer.
class Model {
 public:
  explicit Model(std::vector<uint8_t> bytes);
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::vector<uint8_t>& bytes() const { return bytes_; }
  uint32_t version = 0;
  std::string description;
  std::vector<SubGraph> subgraphs;
  std::vector<BufferRef> buffers;

 private:
  std::vector<uint8_t> bytes_;
  Reader reader_;
  void read();
};

// The model of a .tflite file's bytes: Error(kDataLoss) when they are not one (too short, a
// wrong identifier, an offset outside the bytes), Error(kInvalidArgument) when an index inside
// points nowhere (a tensor, buffer or operator code).
std::unique_ptr<Model> read_model(std::vector<uint8_t> bytes);
// The same from a file: Error(kNotFound) when it cannot be opened.
std::unique_ptr<Model> read_model_file(const std::string& path);

// TFLite's name of a builtin operator code ("CONV_2D"), or "builtin code N".
std::string builtin_name(int code);
// TFLite's name of a tensor type ("FLOAT32").
std::string type_name(int type);

}  // namespace tfl::lite
