// lite/npy.h: NumPy's .npy files (format versions 1-3, C order, little-endian), read into and
// written from a buffer with a TensorView's dtype and shape; for the runtime's command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor.h"

namespace tfl::lite {

struct NpyArray {
  DType dtype = DType::kFloat32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

// Error(kNotFound) when the file cannot be opened, Error(kDataLoss) when it is no .npy file or
// is shorter than its header says, Error(kUnimplemented) for Fortran order or a dtype the
// kernels lack.
NpyArray read_npy(const std::string& path);
void write_npy(const std::string& path, const TensorView& v);

}  // namespace tfl::lite
