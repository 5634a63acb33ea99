// lite/error.h: the error the C++ runtime throws, with TF's error class (its code names the
// tf.errors class a Python caller would see: DataLossError for a file that is no model,
// InvalidArgumentError for one whose contents disagree, NotFoundError for an op it lacks).
#pragma once

#include <stdexcept>
#include <string>

namespace tfl::lite {

enum class Code { kInvalidArgument, kDataLoss, kNotFound, kUnimplemented, kResourceExhausted };

inline const char* code_class(Code c) {
  switch (c) {
    case Code::kInvalidArgument: return "InvalidArgumentError";
    case Code::kDataLoss: return "DataLossError";
    case Code::kNotFound: return "NotFoundError";
    case Code::kUnimplemented: return "UnimplementedError";
    case Code::kResourceExhausted: return "ResourceExhaustedError";
  }
  return "Error";
}

struct Error : std::runtime_error {
  Code code;
  Error(Code c, const std::string& what) : std::runtime_error(what), code(c) {}
  const char* class_name() const { return code_class(code); }
};

}  // namespace tfl::lite
