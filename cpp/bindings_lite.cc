// bindings_lite.cc: _core.LiteInterpreter, the C++ runtime for .tflite models (cpp/lite/) seen
// from Python: tf.lite.Interpreter runs quantized (int8) models on it. Inputs and outputs are
// NumPy arrays over the runtime's own buffers (no copy; each keeps the interpreter alive);
// invoke releases the GIL. A tfl::lite::Error becomes _core.LiteError(class name, message), which
// tflite_core.lite turns into the TF error class it names.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lite/interpreter.h"

namespace py = pybind11;

py::dtype numpy_dtype(tfl::DType t);  // bindings.cc

namespace {

class PyLiteInterpreter {
 public:
  explicit PyLiteInterpreter(const py::bytes& content) {
    const std::string_view s(content);
    std::vector<uint8_t> bytes(s.begin(), s.end());
    py::gil_scoped_release nogil;
    it_ = tfl::lite::Interpreter::from_buffer(std::move(bytes));
  }

  int num_inputs() const { return it_->num_inputs(); }
  int num_outputs() const { return it_->num_outputs(); }
  int num_operators() const { return it_->num_operators(); }

  void invoke() {
    py::gil_scoped_release nogil;
    std::lock_guard<std::mutex> lock(mu_);  // (one invoke at a time: they share the buffers)
    it_->invoke();
  }

  std::vector<std::tuple<std::string, std::string, double>> profile(int iters) {
    std::vector<tfl::lite::Interpreter::StepTime> steps;
    {
      py::gil_scoped_release nogil;
      std::lock_guard<std::mutex> lock(mu_);
      steps = it_->profile(iters);
    }
    std::vector<std::tuple<std::string, std::string, double>> r;
    for (const auto& s : steps) r.emplace_back(s.kernel, s.op, s.seconds);
    return r;
  }

  const tfl::lite::Interpreter& get() const { return *it_; }

 private:
  std::unique_ptr<tfl::lite::Interpreter> it_;
  std::mutex mu_;
};

// A NumPy array over a runtime buffer, keeping `owner` (the interpreter) alive.
py::array array_of(const tfl::TensorView& v, const py::object& owner) {
  std::vector<py::ssize_t> shape(v.shape, v.shape + v.ndim);
  return py::array(numpy_dtype(v.dtype), shape, v.data, owner);
}

}  // namespace

void bind_lite(py::module_& m) {
  static py::exception<tfl::lite::Error> lite_error(m, "LiteError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const tfl::lite::Error& e) {
      py::tuple args = py::make_tuple(e.class_name(), e.what());
      PyErr_SetObject(lite_error.ptr(), args.ptr());
    }
  });

  py::class_<PyLiteInterpreter>(m, "LiteInterpreter")
      .def(py::init<const py::bytes&>(), py::arg("content"),
           "Loads a .tflite model's bytes and lowers its first subgraph to a plan of kernels.")
      .def_property_readonly("num_inputs", &PyLiteInterpreter::num_inputs)
      .def_property_readonly("num_outputs", &PyLiteInterpreter::num_outputs)
      .def_property_readonly("num_operators", &PyLiteInterpreter::num_operators)
      .def(
          "input",
          [](py::object self, int i) {
            return array_of(self.cast<PyLiteInterpreter&>().get().input(i), self);
          },
          py::arg("i"), "Input i's buffer (write the input into it before invoke).")
      .def(
          "output",
          [](py::object self, int i) {
            return array_of(self.cast<PyLiteInterpreter&>().get().output(i), self);
          },
          py::arg("i"), "Output i's buffer (the last invoke's values).")
      .def("invoke", &PyLiteInterpreter::invoke)
      .def("profile", &PyLiteInterpreter::profile, py::arg("iters"),
           "Runs the model iters times: (kernel, operator, mean seconds) per step.");
}
