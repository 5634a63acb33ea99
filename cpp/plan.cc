// plan.cc: the plan walker.
#include "plan.h"

#include <chrono>
#include <new>
#include <stdexcept>

namespace tfl {

int Plan::add_slot(const TensorView& v) {
  if (v.ndim < 0 || v.ndim > kMaxDims) throw KernelError("[Plan] rank out of range");
  slots_.push_back(v);
  dynamic_.push_back(0);
  return int(slots_.size()) - 1;
}

int Plan::add_dynamic_slot(const TensorView& v) {
  const int s = add_slot(v);
  dynamic_[size_t(s)] = 1;
  slots_[size_t(s)].data = nullptr;
  if (v.ndim > 0) slots_[size_t(s)].shape[0] = 0;
  return s;
}

bool Plan::is_dynamic(int slot) const { return dynamic_.at(size_t(slot)) != 0; }

void Plan::check_slots(const std::string& node, const std::vector<int>& in,
                       const std::vector<int>& out) const {
  for (int i : in)
    if (i < 0 || i >= num_slots()) throw KernelError("[Plan] bad input slot for " + node);
  for (int i : out)
    if (i < 0 || i >= num_slots()) throw KernelError("[Plan] bad output slot for " + node);
}

void Plan::set_slot_data(int slot, void* data) { slots_.at(size_t(slot)).data = data; }

void Plan::add_step(const std::string& kernel, const std::string& node, const std::vector<int>& in,
                    const std::vector<int>& out, const Attrs& attrs) {
  Step s;
  s.fn = find_kernel(kernel);
  s.kernel = kernel;
  s.node = node;
  check_slots(node, in, out);
  s.in = in;
  s.out = out;
  s.attrs = attrs;
  s.in_views.resize(in.size());
  s.out_views.resize(out.size());
  steps_.push_back(std::move(s));
}

void Plan::add_control_step(const std::string& kind, const std::string& node,
                            const std::vector<int>& in, const std::vector<int>& out,
                            std::shared_ptr<ControlStep> control) {
  if (!control) throw KernelError("[Plan] null control step for " + node);
  check_slots(node, in, out);
  Step s;
  s.kernel = kind;
  s.node = node;
  s.in = in;
  s.out = out;
  s.control = std::move(control);
  steps_.push_back(std::move(s));
}

void Plan::run_step(Step& s) {
  try {
    if (s.control) {
      s.control->run(*this, s.in, s.out);
      return;
    }
    for (size_t k = 0; k < s.in.size(); ++k) s.in_views[k] = slots_[size_t(s.in[k])];
    for (size_t k = 0; k < s.out.size(); ++k) s.out_views[k] = slots_[size_t(s.out[k])];
    s.fn(s.in_views.data(), int(s.in.size()), s.out_views.data(), int(s.out.size()), s.attrs);
  } catch (const InternalKernelError& e) {
    throw InternalKernelError(std::string(e.what()) + " (node '" + s.node + "')");
  } catch (const KernelError& e) {
    throw KernelError(std::string(e.what()) + " (node '" + s.node + "')");
  } catch (const ResourceError& e) {
    throw ResourceError(std::string(e.what()) + " (node '" + s.node + "')");
  } catch (const std::bad_alloc&) {  // a kernel's work buffer refused
    throw ResourceError("[" + s.kernel + "] OOM when allocating a work buffer (node '" + s.node +
                        "')");
  } catch (const std::length_error&) {  // a std::vector asked for more than max_size()
    throw ResourceError("[" + s.kernel +
                        "] OOM: work buffer size beyond the address space (node '" + s.node + "')");
  }
}

void Plan::run() {
  for (Step& s : steps_) run_step(s);
}

void Plan::run_traced(std::vector<int64_t>& start_ns, std::vector<int64_t>& end_ns) {
  using clock = std::chrono::steady_clock;
  start_ns.assign(steps_.size(), 0);
  end_ns.assign(steps_.size(), 0);
  const auto t0 = clock::now();
  for (size_t i = 0; i < steps_.size(); ++i) {
    start_ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - t0).count();
    run_step(steps_[i]);
    end_ns[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - t0).count();
  }
}

void Plan::profile(int iters, std::vector<double>& seconds) {
  seconds.assign(steps_.size(), 0.0);
  for (int it = 0; it < iters; ++it)
    for (size_t i = 0; i < steps_.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      run_step(steps_[i]);
      seconds[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
}

}  // namespace tfl
