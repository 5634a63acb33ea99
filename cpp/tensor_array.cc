// tensor_array.cc: the row kernels of TensorArray, stored densely as [size, *element_shape].
// Rows are moved as bytes, so every dtype works. Where the output is the flow input's own buffer
// (the plan writes a loop variable in place), the copy is skipped.
#include <cstring>

#include "kernels.h"

namespace tfl {

namespace {

int64_t row_bytes(const TensorView& flow) {
  int64_t n = dtype_size(flow.dtype);
  for (int i = 1; i < flow.ndim; ++i) n *= flow.shape[i];
  return n;
}

void copy_flow(const char* op, const TensorView& flow, const TensorView& out) {
  check_same_dtype(op, flow, out);
  check_same_shape(op, flow, out);
  if (flow.data != out.data && flow.size())
    std::memcpy(out.data, flow.data, size_t(flow.size() * dtype_size(flow.dtype)));
}

int64_t index_of(const char* op, const TensorView& ix, int64_t k, int64_t rows, const char* verb) {
  int64_t i = 0;
  if (ix.dtype == DType::kInt32) i = ix.ptr<int32_t>()[k];
  else if (ix.dtype == DType::kInt64) i = ix.ptr<int64_t>()[k];
  else fail(op, "indices must be int32 or int64, got ", dtype_name(ix.dtype));
  if (i < 0 || i >= rows) fail(op, "Tried to ", verb, " index ", i, " but array size is: ", rows);
  return i;
}

void check_rank(const char* op, const TensorView& flow) {
  if (flow.ndim < 1) fail(op, "the TensorArray's flow must have rank >= 1");
}

// flow, index (scalar), value -> flow with row index = value
void k_ta_write(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "TensorArrayWrite";
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  check_rank(op, in[0]);
  copy_flow(op, in[0], out[0]);
  const int64_t rb = row_bytes(in[0]);
  if (in[2].dtype != in[0].dtype || in[2].size() * dtype_size(in[2].dtype) != rb)
    fail(op, "Could not write to TensorArray: value has dtype ", dtype_name(in[2].dtype),
         " and shape ", in[2].shape_str(), ", elements are ", dtype_name(in[0].dtype), " of ",
         rb / dtype_size(in[0].dtype), " values");
  if (in[1].size() != 1) fail(op, "index must be a scalar");
  const int64_t i = index_of(op, in[1], 0, in[0].shape[0], "write to");
  if (rb) std::memcpy(out[0].ptr<char>() + i * rb, in[2].data, size_t(rb));
}

// flow, index (scalar) -> row index
void k_ta_read(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "TensorArrayRead";
  check_count(op, size_t(nin), 2, size_t(nout), 1);
  check_rank(op, in[0]);
  const int64_t rb = row_bytes(in[0]);
  if (out[0].dtype != in[0].dtype || out[0].size() * dtype_size(out[0].dtype) != rb)
    fail(op, "output does not match the TensorArray's elements");
  if (in[1].size() != 1) fail(op, "index must be a scalar");
  const int64_t i = index_of(op, in[1], 0, in[0].shape[0], "read from");
  if (rb) std::memcpy(out[0].data, in[0].ptr<char>() + i * rb, size_t(rb));
}

// flow, indices [n], values [n, ...] -> flow with rows indices[k] = values[k]
void k_ta_scatter(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "TensorArrayScatter";
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  check_rank(op, in[0]);
  copy_flow(op, in[0], out[0]);
  const int64_t rb = row_bytes(in[0]);
  const int64_t n = in[1].size();
  if (in[2].dtype != in[0].dtype || in[2].ndim < 1 || in[2].shape[0] != n || row_bytes(in[2]) != rb)
    fail(op, "values of shape ", in[2].shape_str(), " do not match ", n,
         " indices and the TensorArray's elements");
  for (int64_t k = 0; k < n; ++k) {
    const int64_t i = index_of(op, in[1], k, in[0].shape[0], "write to");
    if (rb) std::memcpy(out[0].ptr<char>() + i * rb, in[2].ptr<char>() + k * rb, size_t(rb));
  }
}

// flow, indices (scalar or [n]) -> flow with those rows zero (the gradient of a write/scatter)
void k_ta_zero_rows(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "TensorArrayZeroRows";
  check_count(op, size_t(nin), 2, size_t(nout), 1);
  check_rank(op, in[0]);
  copy_flow(op, in[0], out[0]);
  const int64_t rb = row_bytes(in[0]);
  for (int64_t k = 0; k < in[1].size(); ++k) {
    const int64_t i = index_of(op, in[1], k, in[0].shape[0], "write to");
    if (rb) std::memset(out[0].ptr<char>() + i * rb, 0, size_t(rb));
  }
}

// flow, indices [n], values [n, ...] (float) -> flow with values added to rows (a read's gradient
// summed in place into a loop's carried gradient)
template <typename T>
void add_rows(const TensorView* in, TensorView* out, int64_t rb) {
  const int64_t per = rb / int64_t(sizeof(T));
  for (int64_t k = 0; k < in[1].size(); ++k) {
    const int64_t i = index_of("TensorArrayAddRows", in[1], k, in[0].shape[0], "write to");
    T* dst = out[0].ptr<T>() + i * per;
    const T* src = in[2].ptr<T>() + k * per;
    for (int64_t j = 0; j < per; ++j) dst[j] += src[j];
  }
}

void k_ta_add_rows(const TensorView* in, int nin, TensorView* out, int nout, const Attrs&) {
  const char* op = "TensorArrayAddRows";
  check_count(op, size_t(nin), 3, size_t(nout), 1);
  check_rank(op, in[0]);
  copy_flow(op, in[0], out[0]);
  const int64_t rb = row_bytes(in[0]);
  if (in[2].dtype != in[0].dtype || in[2].size() * dtype_size(in[2].dtype) != in[1].size() * rb)
    fail(op, "values do not match the indices and the TensorArray's elements");
  if (in[0].dtype == DType::kFloat32) add_rows<float>(in, out, rb);
  else if (in[0].dtype == DType::kFloat64) add_rows<double>(in, out, rb);
  else fail(op, "dtype ", dtype_name(in[0].dtype), " is not float32 or float64");
}

}  // namespace

void register_tensor_array(Registry& r) {
  r["ta_write"] = k_ta_write;
  r["ta_read"] = k_ta_read;
  r["ta_scatter"] = k_ta_scatter;
  r["ta_zero_rows"] = k_ta_zero_rows;
  r["ta_add_rows"] = k_ta_add_rows;
}

}  // namespace tfl
