// lite/model.cc: reading a .tflite file (model.h).
#include "lite/model.h"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace tfl::lite {

namespace {

constexpr char kIdentifier[] = "TFL3";

[[noreturn]] void invalid(const std::string& what) { throw Error(Code::kInvalidArgument, what); }

struct Code3 {
  int code;
  std::string custom;
  int version;
};

}  // namespace

Model::Model(std::vector<uint8_t> bytes)
    : bytes_(std::move(bytes)), reader_(bytes_.data(), bytes_.size()) {
  if (bytes_.size() < 8)
    throw Error(Code::kDataLoss, "the model is not a valid flatbuffer (" +
                                     std::to_string(bytes_.size()) + " bytes)");
  if (std::memcmp(bytes_.data() + 4, kIdentifier, 4) != 0) {
    std::string got;
    for (int i = 4; i < 8; ++i) {
      const char c = char(bytes_[size_t(i)]);
      got += (c >= 32 && c < 127) ? c : '?';
    }
    throw Error(Code::kDataLoss,
                "the model's identifier is '" + got + "', should be '" + kIdentifier + "'");
  }
  read();
}

void Model::read() {
  const Table root = reader_.table(reader_.get<uint32_t>(0));
  version = root.scalar<uint32_t>(0, 0);
  description = root.string(3);
  std::vector<Code3> codes;
  for (const Table& t : root.tables(1)) {
    // builtin_code (int32, since schema 3a) or, in older files, deprecated_builtin_code (int8):
    // TFLite takes the larger of the two
    const int code = std::max(t.scalar<int32_t>(3, 0), int(t.scalar<int8_t>(0, 0)));
    codes.push_back({code, t.string(1), t.scalar<int32_t>(2, 1)});
  }
  for (const Table& b : root.tables(4)) {
    if (b.scalar<uint64_t>(1, 0) > 1)  // (data after the flatbuffer: models over 2 GB)
      invalid("buffers stored outside the flatbuffer (models over 2 GB) are not supported");
    auto [start, n] = b.vector(0, 1);
    buffers.push_back({start, n});
  }
  const auto tables = root.tables(2);
  if (tables.empty()) invalid("the model has no subgraph");
  for (const Table& g : tables) {
    SubGraph sg;
    sg.name = g.string(4);
    for (const Table& t : g.tables(0)) {
      TensorInfo ti;
      ti.shape = t.numbers<int32_t>(0);
      ti.type = t.scalar<int8_t>(1, 0);
      ti.buffer = t.scalar<uint32_t>(2, 0);
      ti.name = t.string(3);
      const Table q = t.table(4);
      if (q.valid()) {
        ti.scales = q.numbers<float>(2);
        ti.zero_points = q.numbers<int64_t>(3);
      }
      ti.quantized = !ti.scales.empty();
      ti.is_variable = t.scalar<uint8_t>(5, 0) != 0;
      if (ti.buffer >= std::max<size_t>(buffers.size(), 1))
        invalid("tensor '" + ti.name + "' refers to buffer " + std::to_string(ti.buffer) + " of " +
                std::to_string(buffers.size()));
      for (int32_t d : ti.shape)
        if (d < 0)
          invalid("tensor '" + ti.name + "' has a negative dimension " + std::to_string(d));
      sg.tensors.push_back(std::move(ti));
    }
    const int64_t nt = int64_t(sg.tensors.size());
    auto check_index = [&](int32_t i, bool optional, const std::string& where) {
      if (i >= nt || i < (optional ? -1 : 0))
        invalid(where + ": tensor index " + std::to_string(i) + " out of " + std::to_string(nt) +
                " tensors");
    };
    for (const Table& o : g.tables(3)) {
      OperatorInfo op;
      const uint32_t k = o.scalar<uint32_t>(0, 0);
      if (k >= codes.size())
        invalid("operator " + std::to_string(sg.operators.size()) + ": operator code index " +
                std::to_string(k) + " out of " + std::to_string(codes.size()) + " codes");
      op.opcode = codes[k].code;
      op.custom_code = codes[k].custom;
      op.version = codes[k].version;
      op.inputs = o.numbers<int32_t>(1);
      op.outputs = o.numbers<int32_t>(2);
      op.options = o.table(4);
      const std::string where =
          "operator " + std::to_string(sg.operators.size()) + " (" + builtin_name(op.opcode) + ")";
      for (int32_t i : op.inputs) check_index(i, true, where);
      for (int32_t i : op.outputs) check_index(i, true, where);
      sg.operators.push_back(std::move(op));
    }
    sg.inputs = g.numbers<int32_t>(1);
    sg.outputs = g.numbers<int32_t>(2);
    for (int32_t i : sg.inputs) check_index(i, false, "subgraph input");
    for (int32_t i : sg.outputs) check_index(i, false, "subgraph output");
    subgraphs.push_back(std::move(sg));
  }
}

std::unique_ptr<Model> read_model(std::vector<uint8_t> bytes) {
  return std::make_unique<Model>(std::move(bytes));
}

std::unique_ptr<Model> read_model_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(Code::kNotFound, "could not open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  try {
    return read_model(std::move(bytes));
  } catch (const Error& e) {
    throw Error(e.code, "'" + path + "': " + e.what());
  }
}

std::string builtin_name(int code) {
  static const std::pair<int, const char*> kNames[] = {
      {0, "ADD"},
      {1, "AVERAGE_POOL_2D"},
      {2, "CONCATENATION"},
      {3, "CONV_2D"},
      {4, "DEPTHWISE_CONV_2D"},
      {6, "DEQUANTIZE"},
      {9, "FULLY_CONNECTED"},
      {14, "LOGISTIC"},
      {16, "LSTM"},
      {17, "MAX_POOL_2D"},
      {18, "MUL"},
      {19, "RELU"},
      {20, "RELU_N1_TO_1"},
      {21, "RELU6"},
      {22, "RESHAPE"},
      {23, "RESIZE_BILINEAR"},
      {25, "SOFTMAX"},
      {28, "TANH"},
      {32, "CUSTOM"},
      {34, "PAD"},
      {36, "GATHER"},
      {39, "TRANSPOSE"},
      {40, "MEAN"},
      {41, "SUB"},
      {42, "DIV"},
      {43, "SQUEEZE"},
      {44, "UNIDIRECTIONAL_SEQUENCE_LSTM"},
      {45, "STRIDED_SLICE"},
      {47, "EXP"},
      {49, "SPLIT"},
      {50, "LOG_SOFTMAX"},
      {53, "CAST"},
      {55, "MAXIMUM"},
      {57, "MINIMUM"},
      {60, "PADV2"},
      {70, "EXPAND_DIMS"},
      {74, "SUM"},
      {114, "QUANTIZE"},
      {117, "HARD_SWISH"},
  };
  for (const auto& [c, n] : kNames)
    if (c == code) return n;
  return "builtin code " + std::to_string(code);
}

std::string type_name(int type) {
  static const char* kNames[] = {"FLOAT32", "FLOAT16", "INT32",     "UINT8", "INT64",  "STRING",
                                 "BOOL",    "INT16",   "COMPLEX64", "INT8",  "FLOAT64"};
  if (type >= 0 && type < int(sizeof(kNames) / sizeof(kNames[0]))) return kNames[type];
  return "type " + std::to_string(type);
}

}  // namespace tfl::lite
