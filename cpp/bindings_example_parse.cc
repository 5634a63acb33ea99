// bindings_example_parse.cc: _core.parse_examples, the parser behind tf.io.parse_example
// (example_parse.h). The records' bytes are read in place (the caller's object array keeps them
// alive) with the GIL released; the values come back as NumPy arrays, bytes values as an object
// array of bytes.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <vector>

#include "example_parse.h"
#include "tensor.h"

namespace py = pybind11;

namespace {

template <typename T>
py::array numbers(const std::vector<T>& v) {
  py::array_t<T> out(py::ssize_t(v.size()));
  if (!v.empty()) std::memcpy(out.mutable_data(), v.data(), v.size() * sizeof(T));
  return std::move(out);
}

py::array byte_strings(const std::vector<tfl::ByteSpan>& spans) {
  py::array out(py::dtype("O"), std::vector<py::ssize_t>{py::ssize_t(spans.size())});
  auto** data = static_cast<PyObject**>(out.mutable_data());
  for (size_t i = 0; i < spans.size(); ++i) {
    PyObject* b = PyBytes_FromStringAndSize(reinterpret_cast<const char*>(spans[i].data),
                                            py::ssize_t(spans[i].size));
    if (b == nullptr) throw py::error_already_set();
    Py_XDECREF(data[i]);
    data[i] = b;
  }
  return out;
}

py::array values_of(const tfl::ParsedFeature& f, tfl::FeatureKind kind) {
  if (kind == tfl::FeatureKind::kFloat) return numbers(f.floats);
  if (kind == tfl::FeatureKind::kInt64) return numbers(f.ints);
  return byte_strings(f.bytes);
}

// records: a C-contiguous 1-D object array of bytes. Per feature: its key, kind (1 bytes,
// 2 float, 3 int64), dense size (-1: sparse) and whether it is required. Returns (error, outputs):
// error None or (code, record, feature, kind found, count found); per feature (indices [nnz, 2],
// values, longest) if sparse, (values, missing rows) if dense.
py::tuple parse_examples(const py::array& records, const std::vector<std::string>& keys,
                         const std::vector<int>& kinds, const std::vector<int64_t>& dense_sizes,
                         const std::vector<bool>& required) {
  if (records.dtype().kind() != 'O' || records.ndim() != 1 ||
      !(records.flags() & py::array::c_style))
    throw tfl::KernelError("[ParseExampleV2] records must be a C-contiguous 1-D object array");
  const size_t n = size_t(records.shape(0)), k = keys.size();
  if (kinds.size() != k || dense_sizes.size() != k || required.size() != k)
    throw tfl::KernelError("[ParseExampleV2] one kind, dense size and flag per key");
  std::vector<tfl::FeatureSpec> specs(k);
  for (size_t j = 0; j < k; ++j) {
    if (kinds[j] < 1 || kinds[j] > 3) throw tfl::KernelError("[ParseExampleV2] bad kind");
    specs[j] = {keys[j], tfl::FeatureKind(kinds[j]), dense_sizes[j], bool(required[j])};
  }
  std::vector<tfl::ByteSpan> spans(n);
  auto* const* items = static_cast<PyObject* const*>(records.data());
  for (size_t i = 0; i < n; ++i) {
    if (items[i] == nullptr || !PyBytes_Check(items[i]))
      throw py::type_error("parse_examples: every record must be bytes");
    spans[i] = {reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(items[i])),
                size_t(PyBytes_GET_SIZE(items[i]))};
  }
  std::vector<tfl::ParsedFeature> out;
  tfl::ParseError error;
  bool ok;
  {
    py::gil_scoped_release nogil;
    ok = tfl::parse_examples(spans, specs, out, error);
  }
  if (!ok)
    return py::make_tuple(
        py::make_tuple(int(error.code), error.record, error.feature, int(error.found), error.count),
        py::none());
  py::list results;
  for (size_t j = 0; j < k; ++j) {
    const tfl::ParsedFeature& f = out[j];
    py::array values = values_of(f, specs[j].kind);
    if (specs[j].dense_size < 0) {
      py::array idx = numbers(f.indices);
      results.append(py::make_tuple(
          idx.reshape(std::vector<py::ssize_t>{py::ssize_t(f.indices.size() / 2), 2}), values,
          f.longest));
    } else {
      results.append(py::make_tuple(values, numbers(f.missing).attr("view")("bool")));
    }
  }
  return py::make_tuple(py::none(), results);
}

}  // namespace

void bind_example_parse(py::module_& m) {
  m.def("parse_examples", &parse_examples, py::arg("records"), py::arg("keys"), py::arg("kinds"),
        py::arg("dense_sizes"), py::arg("required"),
        "Parses serialized tf.train.Example records for the given features (ParseExampleV2).");
}
