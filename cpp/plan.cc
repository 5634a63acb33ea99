// plan.cc: the plan walker.
#include "plan.h"

namespace tfl {

int Plan::add_slot(const TensorView& v) {
  if (v.ndim < 0 || v.ndim > kMaxDims) throw KernelError("[Plan] rank out of range");
  slots_.push_back(v);
  return int(slots_.size()) - 1;
}

void Plan::set_slot_data(int slot, void* data) { slots_.at(size_t(slot)).data = data; }

void Plan::add_step(const std::string& kernel, const std::string& node, const std::vector<int>& in,
                    const std::vector<int>& out, const Attrs& attrs) {
  Step s;
  s.fn = find_kernel(kernel);
  s.node = node;
  for (int i : in)
    if (i < 0 || i >= num_slots()) throw KernelError("[Plan] bad input slot for " + node);
  for (int i : out)
    if (i < 0 || i >= num_slots()) throw KernelError("[Plan] bad output slot for " + node);
  s.in = in;
  s.out = out;
  s.attrs = attrs;
  s.in_views.resize(in.size());
  s.out_views.resize(out.size());
  steps_.push_back(std::move(s));
}

void Plan::run() {
  for (Step& s : steps_) {
    for (size_t k = 0; k < s.in.size(); ++k) s.in_views[k] = slots_[size_t(s.in[k])];
    for (size_t k = 0; k < s.out.size(); ++k) s.out_views[k] = slots_[size_t(s.out[k])];
    try {
      s.fn(s.in_views.data(), int(s.in.size()), s.out_views.data(), int(s.out.size()), s.attrs);
    } catch (const KernelError& e) {
      throw KernelError(std::string(e.what()) + " (node '" + s.node + "')");
    }
  }
}

}  // namespace tfl
