// bindings.cc: the pybind11 module tflite_core._core. NumPy buffers in and out, every array checked
// (dtype, C-contiguity, rank, writeability) before its pointer reaches a kernel; GIL released while
// kernels run.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>

#include "buffer_packing.h"
#include "control.h"
#include "crc32c.h"
#include "fpmath.h"
#include "kernels.h"
#include "peak.h"
#include "plan.h"
#include "summary.h"

namespace py = pybind11;
using tfl::DType;
using tfl::TensorView;

void bind_example_parse(py::module_& m);  // bindings_example_parse.cc
void bind_lite(py::module_& m);  // bindings_lite.cc

namespace {

DType dtype_of(const py::dtype& dt) {
  const char k = dt.kind();
  const auto sz = dt.itemsize();
  if (k == 'f' && sz == 4) return DType::kFloat32;
  if (k == 'f' && sz == 8) return DType::kFloat64;
  if (k == 'i' && sz == 4) return DType::kInt32;
  if (k == 'i' && sz == 8) return DType::kInt64;
  if (k == 'b' && sz == 1) return DType::kBool;
  if (k == 'i' && sz == 1) return DType::kInt8;
  if (k == 'i' && sz == 2) return DType::kInt16;
  if (k == 'u' && sz == 1) return DType::kUInt8;
  if (k == 'u' && sz == 2) return DType::kUInt16;
  if (k == 'u' && sz == 4) return DType::kUInt32;
  if (k == 'u' && sz == 8) return DType::kUInt64;
  if (k == 'f' && sz == 2) return DType::kFloat16;
  if (k == 'c' && sz == 8) return DType::kComplex64;
  if (k == 'c' && sz == 16) return DType::kComplex128;
  if (k == 'V' && sz == 2 && std::string(py::str(dt)) == "bfloat16") return DType::kBFloat16;
  throw tfl::KernelError("unsupported dtype " + std::string(py::str(dt)));
}

}  // namespace

// The NumPy dtype of a kernel dtype (also used by bindings_lite.cc).
py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::kFloat32: return py::dtype::of<float>();
    case DType::kFloat64: return py::dtype::of<double>();
    case DType::kInt32: return py::dtype::of<int32_t>();
    case DType::kInt64: return py::dtype::of<int64_t>();
    case DType::kBool: return py::dtype::of<bool>();
    case DType::kInt8: return py::dtype::of<int8_t>();
    case DType::kInt16: return py::dtype::of<int16_t>();
    case DType::kUInt8: return py::dtype::of<uint8_t>();
    case DType::kUInt16: return py::dtype::of<uint16_t>();
    case DType::kUInt32: return py::dtype::of<uint32_t>();
    case DType::kUInt64: return py::dtype::of<uint64_t>();
    case DType::kFloat16: return py::dtype::from_args(py::str("float16"));
    case DType::kBFloat16: {  // ml_dtypes' bfloat16, as TF's numpy bfloat16; kept for the process
      static py::dtype* bf16 =
          new py::dtype(py::dtype::from_args(py::module_::import("ml_dtypes").attr("bfloat16")));
      return *bf16;
    }
    case DType::kComplex64: return py::dtype::from_args(py::str("complex64"));
    case DType::kComplex128: return py::dtype::from_args(py::str("complex128"));
  }
  return py::dtype::of<float>();
}

namespace {

// A checked view of a NumPy array (C-contiguous, aligned, supported dtype, rank <= 8).
TensorView view_of(const py::array& a, bool writeable, const char* what) {
  if (!(a.flags() & py::array::c_style) || !(a.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_))
    throw tfl::KernelError(std::string(what) + " must be an aligned C-contiguous array");
  if (writeable && !a.writeable()) throw tfl::KernelError(std::string(what) + " is read-only");
  if (a.ndim() > tfl::kMaxDims) throw tfl::KernelError(std::string(what) + " has rank > 8");
  TensorView v;
  v.dtype = dtype_of(a.dtype());
  v.ndim = int(a.ndim());
  for (int i = 0; i < v.ndim; ++i) v.shape[i] = a.shape(i);
  v.data = const_cast<void*>(a.data());
  return v;
}

// A NumPy array over a view's memory (no copy): valid while the step that received it runs.
py::array array_over(const TensorView& v, bool writeable) {
  std::vector<py::ssize_t> shape(v.shape, v.shape + v.ndim);
  py::array a(numpy_dtype(v.dtype), shape, v.data, py::capsule(v.data, [](void*) {}));
  if (!writeable) a.attr("flags").attr("writeable") = false;
  return a;
}

// A plan step that calls a Python function fn(inputs, outputs) with the GIL taken (tf.Print's
// printing): NumPy arrays over the slots' memory, inputs read-only, valid during the call; fn
// writes the outputs in place. An exception fn raises passes through the plan unchanged.
class PyCallbackStep : public tfl::ControlStep {
 public:
  explicit PyCallbackStep(const py::function& fn) : fn_(std::make_shared<py::function>(fn)) {}
  void run(tfl::Plan& outer, const std::vector<int>& in, const std::vector<int>& out) override {
    py::gil_scoped_acquire gil;
    py::list ins, outs;
    for (int s : in) ins.append(array_over(outer.slot(s), false));
    for (int s : out) outs.append(array_over(outer.slot(s), true));
    (*fn_)(ins, outs);
  }

 private:
  std::shared_ptr<py::function> fn_;  // (a shared_ptr: copying it needs no GIL)
};

struct RunLock {
  std::mutex m;
};

// A plan plus the NumPy arrays that back its slots.
class PyPlan {
 public:
  // A slot backed by `a`, kept alive by the plan (constants, intermediates, variables).
  int add_buffer(const py::array& a) {
    const int s = plan_.add_slot(view_of(a, true, "plan buffer"));
    owned_.push_back(a);
    return s;
  }
  // Packs the plan's intermediate buffers into one arena the plan owns (buffer_packing.h):
  // groups[g] lists the slots of one tenancy of a buffer (a tensor's buffer and its views; the
  // first slot at the buffer's start), `live` the slots read after the run (fetches). Where a
  // slot outside the groups lies in one of their buffers, nothing is moved. Returns the arena's
  // bytes (0: nothing moved) and whether each group moved into it.
  std::pair<int64_t, std::vector<bool>> pack_groups(const std::vector<std::vector<int>>& groups,
                                                    const std::vector<int>& live) {
    std::vector<tfl::BufferRange> ranges;
    std::vector<int> owner(size_t(plan_.num_slots()), -1);
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].empty()) throw tfl::KernelError("[Plan] an empty buffer group");
      char* base = static_cast<char*>(plan_.slot(groups[g][0]).data);
      int64_t bytes = 0;
      for (int s : groups[g]) {
        const TensorView& v = plan_.slot(s);
        const char* d = static_cast<const char*>(v.data);
        if (d < base) throw tfl::KernelError("[Plan] a buffer group's slot before its start");
        bytes = std::max(bytes, int64_t(d - base) + v.size() * tfl::dtype_size(v.dtype));
        owner[size_t(s)] = int(g);
      }
      ranges.push_back({base, bytes});
    }
    auto inside = [&](const void* p, bool packed_only, const tfl::Packing* pk) {
      const char* d = static_cast<const char*>(p);
      for (size_t g = 0; g < ranges.size(); ++g)
        if (d >= ranges[g].data && d < ranges[g].data + ranges[g].bytes &&
            (!packed_only || pk->offsets[g] >= 0))
          return true;
      return false;
    };
    for (int s = 0; s < plan_.num_slots(); ++s)
      if (owner[size_t(s)] < 0 && plan_.slot(s).data && inside(plan_.slot(s).data, false, nullptr))
        return {0, std::vector<bool>(groups.size(), false)};
    const tfl::Packing p = tfl::pack_owned(plan_, ranges, owner, live);
    std::vector<bool> moved(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) moved[g] = p.offsets[g] >= 0;
    if (p.arena == 0) return {0, moved};
    py::array_t<uint8_t> arena(py::ssize_t(p.arena + 64));
    char* raw = reinterpret_cast<char*>(arena.mutable_data());
    char* base = raw + (64 - (reinterpret_cast<uintptr_t>(raw) & 63)) % 64;
    tfl::move_owned(plan_, ranges, owner, p, base);
    // the arrays whose memory no slot uses now: every group in them was packed
    std::vector<py::array> kept;
    for (auto& a : owned_) {
      bool unused = inside(a.data(), true, &p);
      for (size_t g = 0; g < ranges.size() && unused; ++g)
        if (p.offsets[g] < 0 && static_cast<const char*>(a.data()) <= ranges[g].data &&
            ranges[g].data < static_cast<const char*>(a.data()) + a.nbytes())
          unused = false;
      if (!unused) kept.push_back(a);
    }
    kept.push_back(arena);
    owned_ = std::move(kept);
    return {p.arena + 64, moved};
  }
  // A slot whose data comes from a feed at each run; dtype and shape are fixed here.
  int add_feed(const py::dtype& dt, const std::vector<int64_t>& shape) {
    TensorView v;
    v.dtype = dtype_of(dt);
    if (shape.size() > size_t(tfl::kMaxDims)) throw tfl::KernelError("feed rank > 8");
    v.ndim = int(shape.size());
    for (int i = 0; i < v.ndim; ++i) v.shape[i] = shape[size_t(i)];
    const int s = plan_.add_slot(v);
    feeds_.push_back(s);
    return s;
  }
  void add_step(const std::string& kernel, const std::string& node, const std::vector<int>& in,
                const std::vector<int>& out, const std::vector<int64_t>& ints,
                const std::vector<double>& floats) {
    tfl::Attrs a{ints, floats};
    plan_.add_step(kernel, node, in, out, a);
  }
  // A step that calls fn(inputs, outputs) with the GIL taken: NumPy arrays over the slots'
  // memory (inputs read-only), valid during the call; fn writes the outputs in place. An
  // exception fn raises ends the run and reaches the caller of run() unchanged.
  void add_callback(const std::string& node, const std::vector<int>& in,
                    const std::vector<int>& out, const py::function& fn) {
    plan_.add_control_step("callback", node, in, out, std::make_shared<PyCallbackStep>(fn));
  }
  void set_fetches(const std::vector<int>& slots) {
    for (int s : slots)
      if (s < 0 || s >= plan_.num_slots()) throw tfl::KernelError("[Plan] bad fetch slot");
    fetches_ = slots;
    fetch_dtypes_.clear();
    for (int s : slots) fetch_dtypes_.push_back(numpy_dtype(plan_.slot(s).dtype));
  }
  void set_lock(std::shared_ptr<RunLock> lock) { lock_ = std::move(lock); }

  // A slot a control step fills at run time (a While's accumulated stack): shape[0] is a
  // placeholder, the other dimensions are the rows'.
  int add_dynamic(const py::dtype& dt, const std::vector<int64_t>& shape) {
    TensorView v;
    v.dtype = dtype_of(dt);
    if (shape.empty() || shape.size() > size_t(tfl::kMaxDims))
      throw tfl::KernelError("dynamic slot rank out of range");
    v.ndim = int(shape.size());
    for (int i = 0; i < v.ndim; ++i) v.shape[i] = shape[size_t(i)];
    return plan_.add_dynamic_slot(v);
  }
  // This plan as a control step's sub-plan: its feeds are the params, its fetches the results.
  tfl::SubPlan as_sub() { return tfl::SubPlan{&plan_, feeds_, fetches_}; }

  void add_if(const std::string& node, const std::vector<int>& in, const std::vector<int>& out,
              py::object then_plan, py::object else_plan) {
    auto step = std::make_shared<tfl::IfStep>(node, then_plan.cast<PyPlan&>().as_sub(),
                                              else_plan.cast<PyPlan&>().as_sub());
    plan_.add_control_step("If", node, in, out, step);
    subplans_.push_back(std::move(then_plan));  // kept alive with this plan
    subplans_.push_back(std::move(else_plan));
  }

  void add_while(const std::string& node, const std::vector<int>& in, const std::vector<int>& out,
                 py::object cond_plan, py::object body_plan, int n_vars, int n_captures,
                 int n_sliced, bool has_max, const std::vector<bool>& slice_reverse,
                 const std::vector<bool>& extra_reverse, const std::vector<bool>& zero_init,
                 const std::vector<int>& extra_like, const std::vector<bool>& acc_from_param,
                 const std::vector<int>& acc_index) {
    tfl::WhileConfig c;
    c.n_vars = n_vars;
    c.n_captures = n_captures;
    c.n_sliced = n_sliced;
    c.has_max = has_max;
    c.slice_reverse.assign(slice_reverse.begin(), slice_reverse.end());
    c.extra_reverse.assign(extra_reverse.begin(), extra_reverse.end());
    c.zero_init.assign(zero_init.begin(), zero_init.end());
    c.extra_like = extra_like;
    if (acc_from_param.size() != acc_index.size())
      throw tfl::KernelError("[While] accumulate lists differ in length");
    for (size_t i = 0; i < acc_index.size(); ++i)
      c.accumulate.push_back(tfl::Accumulate{acc_from_param[i], acc_index[i]});
    tfl::SubPlan cond;
    if (!cond_plan.is_none()) cond = cond_plan.cast<PyPlan&>().as_sub();
    auto step = std::make_shared<tfl::WhileStep>(node, cond, body_plan.cast<PyPlan&>().as_sub(),
                                                 std::move(c));
    plan_.add_control_step("While", node, in, out, step);
    subplans_.push_back(std::move(cond_plan));
    subplans_.push_back(std::move(body_plan));
  }

  py::list run(const py::list& feeds) {
    bind_feeds(feeds);
    {
      py::gil_scoped_release nogil;
      if (lock_) {
        std::lock_guard<std::mutex> g(lock_->m);
        plan_.run();
      } else {
        plan_.run();
      }
    }
    return fetches();
  }
  // As run(), also timing each step: (fetches, [(node, kernel, start_ns, end_ns), ...]) with
  // times in nanoseconds since the run began.
  py::tuple run_traced(const py::list& feeds) {
    bind_feeds(feeds);
    std::vector<int64_t> start, end;
    {
      py::gil_scoped_release nogil;
      if (lock_) {
        std::lock_guard<std::mutex> g(lock_->m);
        plan_.run_traced(start, end);
      } else {
        plan_.run_traced(start, end);
      }
    }
    py::list steps;
    for (int i = 0; i < plan_.num_steps(); ++i)
      steps.append(py::make_tuple(plan_.step(i).node, plan_.step(i).kernel, start[size_t(i)],
                                  end[size_t(i)]));
    return py::make_tuple(fetches(), steps);
  }
  int num_steps() const { return plan_.num_steps(); }

  // (node, kernel) of every step, in order, without running anything.
  py::list steps() const {
    py::list out;
    for (int i = 0; i < plan_.num_steps(); ++i)
      out.append(py::make_tuple(plan_.step(i).node, plan_.step(i).kernel));
    return out;
  }

  // Runs the plan `iters` times with these feeds; returns (node, kernel, seconds per run) a step.
  py::list profile(const py::list& feeds, int iters) {
    run(feeds);  // checks and binds the feeds
    std::vector<double> secs;
    {
      py::gil_scoped_release nogil;
      if (lock_) {
        std::lock_guard<std::mutex> g(lock_->m);
        plan_.profile(iters, secs);
      } else {
        plan_.profile(iters, secs);
      }
    }
    py::list out;
    for (int i = 0; i < plan_.num_steps(); ++i)
      out.append(py::make_tuple(plan_.step(i).node, plan_.step(i).kernel,
                                secs[size_t(i)] / std::max(iters, 1)));
    return out;
  }

 private:
  void bind_feeds(const py::list& feeds) {
    if (py::len(feeds) != feeds_.size())
      throw tfl::KernelError("[Plan] expected " + std::to_string(feeds_.size()) + " feeds");
    for (size_t i = 0; i < feeds_.size(); ++i) {
      py::handle h = feeds[i];
      if (!py::isinstance<py::array>(h)) throw tfl::KernelError("[Plan] feed is not an ndarray");
      const auto a = py::reinterpret_borrow<py::array>(h);
      const TensorView v = view_of(a, false, "feed");
      const TensorView& want = plan_.slot(feeds_[i]);
      if (v.dtype != want.dtype || !tfl::same_shape(v, want))
        throw tfl::KernelError("[Plan] feed " + std::to_string(i) + " has dtype/shape " +
                               tfl::dtype_name(v.dtype) + v.shape_str() + ", plan expects " +
                               tfl::dtype_name(want.dtype) + want.shape_str());
      plan_.set_slot_data(feeds_[i], v.data);
    }
  }
  py::list fetches() const {
    py::list out(fetches_.size());
    for (size_t i = 0; i < fetches_.size(); ++i) {
      const TensorView& v = plan_.slot(fetches_[i]);
      std::vector<py::ssize_t> shape(v.shape, v.shape + v.ndim);
      py::array a(fetch_dtypes_[i], shape);
      const int64_t bytes = v.size() * tfl::dtype_size(v.dtype);
      if (bytes) std::memcpy(a.mutable_data(), v.data, size_t(bytes));
      out[i] = std::move(a);
    }
    return out;
  }

  tfl::Plan plan_;
  std::vector<py::array> owned_;
  std::vector<py::object> subplans_;  // the PyPlans of this plan's control steps
  std::vector<int> feeds_, fetches_;
  std::vector<py::dtype> fetch_dtypes_;
  std::shared_ptr<RunLock> lock_;
};

// One kernel call on NumPy arrays: outputs are caller-allocated and written in place. Called
// per op from Python (graph-time evaluation, the reference API, benchmarks), so its overhead is
// kept near NumPy's own per-call cost: views on the stack for up to 8 inputs and outputs, the
// attribute lists converted only when given, and the GIL kept for work too small to share.
void run_kernel(const py::str& name, const py::list& inputs, const py::list& outputs,
                const py::object& ints, const py::object& floats) {
  Py_ssize_t len = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(name.ptr(), &len);
  if (!utf8) throw py::error_already_set();
  const std::string kname(utf8, size_t(len));
  const tfl::KernelFn fn = tfl::find_kernel(kname);
  constexpr size_t kStack = 8;
  const size_t nin = inputs.size(), nout = outputs.size();
  TensorView stack_in[kStack], stack_out[kStack];
  std::vector<TensorView> heap_in(nin > kStack ? nin : 0), heap_out(nout > kStack ? nout : 0);
  TensorView* in = nin > kStack ? heap_in.data() : stack_in;
  TensorView* out = nout > kStack ? heap_out.data() : stack_out;
  int64_t bytes = 0;
  for (size_t i = 0; i < nin; ++i) {
    py::handle h = inputs[i];
    if (!py::isinstance<py::array>(h))
      throw tfl::KernelError("[" + kname + "] input is not an ndarray");
    in[i] = view_of(py::reinterpret_borrow<py::array>(h), false, "input");
    bytes += in[i].size() * tfl::dtype_size(in[i].dtype);
  }
  for (size_t i = 0; i < nout; ++i) {
    py::handle h = outputs[i];
    if (!py::isinstance<py::array>(h))
      throw tfl::KernelError("[" + kname + "] output is not an ndarray");
    out[i] = view_of(py::reinterpret_borrow<py::array>(h), true, "output");
    bytes += out[i].size() * tfl::dtype_size(out[i].dtype);
  }
  tfl::Attrs a;
  if (!ints.is_none()) a.ints = ints.cast<std::vector<int64_t>>();
  if (!floats.is_none()) a.floats = floats.cast<std::vector<double>>();
  auto call = [&] {
    try {
      fn(in, int(nin), out, int(nout), a);
    } catch (const std::bad_alloc&) {
      throw tfl::ResourceError("[" + kname + "] OOM when allocating a work buffer");
    } catch (const std::length_error&) {
      throw tfl::ResourceError("[" + kname + "] OOM: work buffer size beyond the address space");
    }
  };
  if (bytes < (int64_t(1) << 14)) {  // under a microsecond of work: as NumPy, keep the GIL
    call();
    return;
  }
  struct NoGil {  // (the bare C API: pybind11's release also does thread-state bookkeeping)
    PyThreadState* st = PyEval_SaveThread();
    ~NoGil() { PyEval_RestoreThread(st); }
  } nogil;
  call();
}

// run_kernel(name, inputs, outputs, ints=None, floats=None) as a bare METH_FASTCALL function:
// pybind11's dispatcher (its argument loaders and keyword matching) took about 0.15 us a call,
// a quarter of NumPy's whole per-call cost, and this is the entry the per-op callers use.
PyObject* run_kernel_fastcall(PyObject*, PyObject* const* args, Py_ssize_t nargs,
                              PyObject* kwnames) {
  static const char* const kNames[5] = {"name", "inputs", "outputs", "ints", "floats"};
  try {
    PyObject* argv[5] = {nullptr, nullptr, nullptr, Py_None, Py_None};
    if (nargs > 5)
      throw py::type_error("run_kernel() takes at most 5 arguments (" + std::to_string(nargs) +
                           " given)");
    for (Py_ssize_t i = 0; i < nargs; ++i) argv[i] = args[i];
    const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, k);
      int j = 0;
      while (j < 5 && PyUnicode_CompareWithASCIIString(key, kNames[j]) != 0) ++j;
      if (j == 5)
        throw py::type_error("run_kernel() got an unexpected keyword argument '" +
                             py::str(key).cast<std::string>() + "'");
      if (j < nargs)
        throw py::type_error(std::string("run_kernel() got multiple values for argument '") +
                             kNames[j] + "'");
      argv[j] = args[nargs + k];
    }
    for (int j = 0; j < 3; ++j)
      if (!argv[j])
        throw py::type_error(std::string("run_kernel() missing required argument '") + kNames[j] +
                             "'");
    if (!PyUnicode_Check(argv[0])) throw py::type_error("run_kernel(): name must be a str");
    if (!PyList_Check(argv[1]) || !PyList_Check(argv[2]))
      throw py::type_error("run_kernel(): inputs and outputs must be lists of ndarrays");
    run_kernel(py::reinterpret_borrow<py::str>(argv[0]), py::reinterpret_borrow<py::list>(argv[1]),
               py::reinterpret_borrow<py::list>(argv[2]),
               py::reinterpret_borrow<py::object>(argv[3]),
               py::reinterpret_borrow<py::object>(argv[4]));
  } catch (...) {
    py::detail::try_translate_exceptions();  // (sets the Python error as pybind11 would)
    return nullptr;
  }
  Py_RETURN_NONE;
}

PyMethodDef g_run_kernel_def = {
    "run_kernel", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&run_kernel_fastcall)),
    METH_FASTCALL | METH_KEYWORDS,
    "run_kernel(name, inputs, outputs, ints=None, floats=None)\n--\n\n"
    "Runs one kernel on NumPy arrays; outputs are written in place."};

// CRC-32C of any C-contiguous buffer (bytes, bytearray, memoryview, ndarray), GIL released.
uint32_t crc32c_of(const py::object& data, uint32_t crc) {
  Py_buffer view;
  if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
  std::unique_ptr<Py_buffer, void (*)(Py_buffer*)> release(&view, PyBuffer_Release);
  py::gil_scoped_release nogil;
  return tfl::crc32c_extend(crc, view.buf, size_t(view.len));
}

std::vector<std::string> kernel_names() {
  std::vector<std::string> names;
  for (const auto& kv : tfl::kernel_registry()) names.push_back(kv.first);
  return names;
}

// The serialized HistogramProto of a C-contiguous real-number array (summary.h), computed without
// the GIL; a NaN or infinity raises ValueError("Nan") or ValueError("Infinity"), the first one
// found deciding, as TF's HistogramSummary does.
std::string histogram_proto_of(const py::array& values) {
  if (!(values.flags() & py::array::c_style))
    throw py::value_error("histogram_proto: the values must be C-contiguous");
  const DType dt = dtype_of(values.dtype());
  const void* data = values.data();
  const int64_t n = int64_t(values.size());
  std::string out;
  tfl::HistogramStatus status;
  {
    py::gil_scoped_release nogil;
    status = tfl::histogram_proto(data, dt, n, &out);
  }
  if (status == tfl::HistogramStatus::kNan) throw py::value_error("Nan");
  if (status == tfl::HistogramStatus::kInfinity) throw py::value_error("Infinity");
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "tflite_core kernels and the plan executor";
  auto& kernel_error =
      py::register_exception<tfl::KernelError>(m, "KernelError", PyExc_RuntimeError);
  // Registered after its base, so that pybind11 tries its translator first.
  py::register_exception<tfl::InternalKernelError>(m, "InternalKernelError", kernel_error.ptr());
  // a size overflow or refused memory in a kernel (Python raises ResourceExhaustedError)
  py::register_exception<tfl::ResourceError>(m, "ResourceError", PyExc_MemoryError);

  py::class_<RunLock, std::shared_ptr<RunLock>>(m, "RunLock").def(py::init<>());

  py::class_<PyPlan>(m, "Plan")
      .def(py::init<>())
      .def("add_buffer", &PyPlan::add_buffer, py::arg("array"))
      .def("add_feed", &PyPlan::add_feed, py::arg("dtype"), py::arg("shape"))
      .def("pack_groups", &PyPlan::pack_groups, py::arg("groups"), py::arg("live"),
           "Packs the plan's intermediate buffers into one arena (groups: the slots of each "
           "tenancy of a buffer; live: slots read after the run); returns the arena's bytes and "
           "whether each group moved into it.")
      .def("add_step", &PyPlan::add_step, py::arg("kernel"), py::arg("node"), py::arg("inputs"),
           py::arg("outputs"), py::arg("ints") = std::vector<int64_t>{},
           py::arg("floats") = std::vector<double>{})
      .def("add_callback", &PyPlan::add_callback, py::arg("node"), py::arg("inputs"),
           py::arg("outputs"), py::arg("fn"))
      .def("set_fetches", &PyPlan::set_fetches)
      .def("set_lock", &PyPlan::set_lock)
      .def("add_dynamic", &PyPlan::add_dynamic, py::arg("dtype"), py::arg("shape"))
      .def("add_if", &PyPlan::add_if, py::arg("node"), py::arg("inputs"), py::arg("outputs"),
           py::arg("then_plan"), py::arg("else_plan"))
      .def("add_while", &PyPlan::add_while, py::arg("node"), py::arg("inputs"), py::arg("outputs"),
           py::arg("cond_plan"), py::arg("body_plan"), py::arg("n_vars"), py::arg("n_captures"),
           py::arg("n_sliced"), py::arg("has_max"), py::arg("slice_reverse"),
           py::arg("extra_reverse"), py::arg("zero_init"), py::arg("extra_like"),
           py::arg("acc_from_param"), py::arg("acc_index"))
      .def("run", &PyPlan::run)
      .def("run_traced", &PyPlan::run_traced, py::arg("feeds"))
      .def("profile", &PyPlan::profile, py::arg("feeds"), py::arg("iters") = 10)
      .def_property_readonly("num_steps", &PyPlan::num_steps)
      .def_property_readonly("steps", &PyPlan::steps);

  m.attr("run_kernel") = py::reinterpret_steal<py::object>(
      PyCFunction_NewEx(&g_run_kernel_def, nullptr, m.attr("__name__").ptr()));
  m.def("kernel_names", &kernel_names);
#if defined(__clang__)
  m.attr("compiler_version") = "Clang " __clang_version__;
#elif defined(__GNUC__)
  m.attr("compiler_version") = "GCC " __VERSION__;
#else
  m.attr("compiler_version") = "unknown";
#endif
  m.def("crc32c", &crc32c_of, py::arg("data"), py::arg("crc") = 0u,
        "CRC-32C of a contiguous buffer, continuing from `crc`.");
  m.def(
      "masked_crc32c", [](const py::object& data) { return tfl::crc32c_mask(crc32c_of(data, 0)); },
      py::arg("data"), "TensorFlow's masked CRC-32C of a contiguous buffer.");
  m.def("crc32c_mask", &tfl::crc32c_mask, py::arg("crc"));
  m.def("crc32c_unmask", &tfl::crc32c_unmask, py::arg("masked"));
  m.def("crc32c_backend", &tfl::crc32c_backend);
  bind_example_parse(m);
  bind_lite(m);
  m.def(
      "histogram_proto",
      [](const py::array& values) { return py::bytes(histogram_proto_of(values)); },
      py::arg("values"),
      "TF's HistogramProto (default buckets) of a real-number array, serialized; ValueError "
      "'Nan' or 'Infinity' for the first value that is not finite.");
  m.def(
      "histogram_summary",
      [](const py::bytes& tag, const py::array& values) {
        const std::string histo = histogram_proto_of(values);
        return py::bytes(tfl::histogram_summary(std::string(tag), histo));
      },
      py::arg("tag"), py::arg("values"),
      "A serialized Summary holding one value: `tag` (UTF-8 bytes) and the histogram of `values` "
      "(histogram_proto's).");
  m.def("histogram_bucket_limits", &tfl::histogram_bucket_limits,
        "TF's default histogram bucket limits, in order.");
  m.def("set_num_threads", &tfl::set_num_threads, "Sets the thread count of every kernel pool.");
  m.def("get_num_threads", &tfl::configured_threads, "The thread count set by set_num_threads.");
  m.def("effective_threads", &tfl::get_num_threads,
        "The threads kernels use now: the configured count, lowered while other processes keep "
        "cores busy.");
  m.def("free_cores", &tfl::free_cores, "Cores not used by other processes (last 100 ms).");
  m.def("after_fork_in_child", &tfl::after_fork_in_child);
  m.def("matmul_backend", &tfl::matmul_backend);
  m.def("set_conv_backend", &tfl::set_conv_backend, py::arg("name"),
        "Selects the float32 conv/pool backend: 'onednn' (where built) or 'reference'.");
  m.def("conv_backend", &tfl::conv_backend, "The conv/pool backend in use.");
  m.def("set_int8_conv_tile_bytes", &tfl::set_int8_conv_tile_bytes, py::arg("bytes"),
        "The int32 sums' tile of the int8 convolutions (tests); returns the previous size.");
  m.def("set_conv_direct", &tfl::set_conv_direct, py::arg("on"),
        "The float32 convolutions of our own (1x1, depthwise) on (True) or off, oneDNN's "
        "(tests); returns the previous setting.");
  m.def("conv_direct_calls", &tfl::conv_direct_calls,
        "How many float32 convolutions ran on our own kernels (a count).");
  m.def("set_int8_depthwise_direct", &tfl::set_int8_depthwise_direct, py::arg("on"),
        "The int8 depthwise convolutions' direct sums on (True) or off, oneDNN's (tests); "
        "returns the previous setting.");
  m.def("int8_conv_fallbacks", &tfl::int8_conv_fallbacks,
        "int8 convolutions that ran their own loop where oneDNN had no primitive (a count).");
  m.def("set_fpmath_mode", &tfl::set_fpmath_mode, py::arg("mode"),
        "Sets float32 matmul/conv maths: 'strict' or 'bf16' (fpmath.h).");
  m.def(
      "fma_peak",
      [](int threads, double seconds, int repeats) {
        tfl::FmaPeak p;
        {
          py::gil_scoped_release release;
          p = tfl::measure_fma_peak(threads, seconds, repeats);
        }
        return py::make_tuple(p.gflops, p.threads, p.isa);
      },
      py::arg("threads"), py::arg("seconds") = 0.2, py::arg("repeats") = 3,
      "(GFLOP/s, threads, isa): the float32 FMA peak of `threads` threads, measured (peak.h).");
  m.def("fpmath_mode", &tfl::fpmath_mode, "The float32 matmul/conv maths mode.");
  m.def("fpmath_bf16_unavailable", &tfl::fpmath_bf16_unavailable,
        "'' where bf16 maths is available, else why not.");
  m.def("new_constant_id", &tfl::new_constant_id,
        "A never-reused id for a constant filter (the fused conv kernels' last int).");
}
