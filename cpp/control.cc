// control.cc: the If and While steps.
#include "control.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

namespace tfl {

namespace {

int64_t bytes_of(const TensorView& v) { return v.size() * dtype_size(v.dtype); }

// Copies a sub-plan's result into an outer buffer of the same dtype and shape.
void copy_result(const char* op, const std::string& node, const TensorView& from,
                 const TensorView& to, size_t k) {
  if (from.dtype != to.dtype || !same_shape(from, to))
    fail(op, "result ", k, " of '", node, "' is ", dtype_name(from.dtype), from.shape_str(),
         " where ", dtype_name(to.dtype), to.shape_str(), " was compiled");
  const int64_t n = bytes_of(to);
  if (n && from.data != to.data) std::memmove(to.data, from.data, size_t(n));
}

int64_t scalar_int(const TensorView& v, const char* op, const char* what) {
  if (v.size() != 1) fail(op, what, " must be a scalar, got shape ", v.shape_str());
  if (v.dtype == DType::kInt32) return *v.ptr<int32_t>();
  if (v.dtype == DType::kInt64) return *v.ptr<int64_t>();
  fail(op, what, " must be int32 or int64, got ", dtype_name(v.dtype));
}

bool scalar_bool(const TensorView& v, const char* op, const char* what) {
  if (v.dtype != DType::kBool || v.size() != 1)
    fail(op, what, " must be a bool scalar, got ", dtype_name(v.dtype), v.shape_str());
  return *v.ptr<bool>();
}

// The row view of `v` (a stack) at row r.
TensorView row_of(const TensorView& v, int64_t r) {
  TensorView s;
  s.dtype = v.dtype;
  s.ndim = v.ndim - 1;
  for (int i = 1; i < v.ndim; ++i) s.shape[i - 1] = v.shape[i];
  s.data = static_cast<char*>(v.data) + r * bytes_of(s);
  return s;
}

}  // namespace

// ---- If
// ------------------------------------------------------------------------------------------
IfStep::IfStep(std::string node, SubPlan then_branch, SubPlan else_branch)
    : node_(std::move(node)) {
  branch_[0] = std::move(else_branch);
  branch_[1] = std::move(then_branch);
  for (const SubPlan& b : branch_)
    if (!b.plan) throw KernelError("[If] '" + node_ + "' has a null branch plan");
  if (branch_[0].params.size() != branch_[1].params.size() ||
      branch_[0].results.size() != branch_[1].results.size())
    throw KernelError("[If] the branches of '" + node_ + "' differ in params or results");
  for (int k = 0; k < 2; ++k) {
    const SubPlan& b = branch_[k];
    std::vector<char> written(size_t(b.plan->num_slots()), 0);
    for (int i = 0; i < b.plan->num_steps(); ++i)
      for (int o : b.plan->step(i).out) written.at(size_t(o)) = 1;
    for (int p : b.params) written.at(size_t(p)) = 0;
    for (size_t r = 0; r < b.results.size(); ++r) {
      const int s = b.results[r];
      const bool twice = std::count(b.results.begin(), b.results.end(), s) > 1;
      writable_[k].push_back(written.at(size_t(s)) && !b.plan->is_dynamic(s) && !twice);
    }
  }
}

namespace {

// Points a branch's result slots at the If's outer output buffers while the branch runs (its
// kernels then write the results in place, no copy afterwards), and restores them after. Only
// a slot a step writes, whose bytes no other slot of the branch overlaps (no view of it is read
// elsewhere), of the outer buffer's dtype and shape; the others are copied as before.
class ResultAlias {
 public:
  ResultAlias(Plan& branch, const std::vector<int>& results, const std::vector<char>& writable,
              const Plan& outer, const std::vector<int>& out)
      : branch_(branch) {
    for (size_t r = 0; r < results.size(); ++r) {
      const int s = results[r];
      const TensorView &from = branch.slot(s), &to = outer.slot(out[r]);
      if (!writable[r] || !from.data || !to.data || from.data == to.data ||
          from.dtype != to.dtype || !same_shape(from, to) || bytes_of(from) == 0)
        continue;
      const char* lo = static_cast<const char*>(from.data);
      const char* hi = lo + bytes_of(from);
      bool shared = false;  // another slot views (part of) the buffer: keep it, copy after
      for (int t = 0; t < branch.num_slots() && !shared; ++t) {
        const TensorView& v = branch.slot(t);
        const char* a = static_cast<const char*>(v.data);
        shared = t != s && a && a < hi && lo < a + std::max<int64_t>(bytes_of(v), 1);
      }
      if (shared) continue;
      saved_.emplace_back(s, from.data);
      branch.set_slot_data(s, to.data);
    }
  }
  ~ResultAlias() {
    for (const auto& [s, data] : saved_) branch_.set_slot_data(s, data);
  }
  ResultAlias(const ResultAlias&) = delete;
  ResultAlias& operator=(const ResultAlias&) = delete;

 private:
  Plan& branch_;
  std::vector<std::pair<int, void*>> saved_;
};

}  // namespace

void IfStep::run(Plan& outer, const std::vector<int>& in, const std::vector<int>& out) {
  if (in.size() != branch_[1].params.size() + 1 || out.size() != branch_[1].results.size())
    fail("If", "'", node_, "' has ", in.size(), " inputs and ", out.size(), " outputs");
  const bool pred = scalar_bool(outer.slot(in[0]), "If", "the predicate");
  SubPlan& b = branch_[pred ? 1 : 0];
  for (size_t p = 0; p < b.params.size(); ++p)
    b.plan->set_slot_data(b.params[p], outer.slot(in[p + 1]).data);
  const ResultAlias alias(*b.plan, b.results, writable_[pred ? 1 : 0], outer, out);
  try {
    b.plan->run();
  } catch (const InternalKernelError& e) {
    throw InternalKernelError(std::string(e.what()) + " in the " + (pred ? "true" : "false") +
                              " branch of cond '" + node_ + "'");
  } catch (const KernelError& e) {
    throw KernelError(std::string(e.what()) + " in the " + (pred ? "true" : "false") +
                      " branch of cond '" + node_ + "'");
  }
  for (size_t r = 0; r < b.results.size(); ++r)
    copy_result("If", node_, b.plan->slot(b.results[r]), outer.slot(out[r]), r);
}

// ---- RowStack
// ------------------------------------------------------------------------------------
RowStack::~RowStack() { std::free(data_); }

void RowStack::reserve(const char* op, int64_t rows, int64_t row_bytes, int64_t keep) {
  const int64_t need = checked_mul(op, rows, row_bytes);
  if (need <= capacity_ && data_) return;
  int64_t cap = std::max<int64_t>(need, 64);
  if (capacity_ > 0 && cap < capacity_ * 2 && capacity_ <= std::numeric_limits<int64_t>::max() / 2)
    cap = capacity_ * 2;  // grow geometrically: a push per iteration costs amortised O(1)
  cap = (cap + 63) / 64 * 64;
  check_allocation(op, cap, 1);
  char* p = static_cast<char*>(std::aligned_alloc(64, size_t(cap)));
  if (!p) throw ResourceError(std::string("[") + op + "] OOM when growing a loop accumulator");
  const int64_t kept = std::min(checked_mul(op, keep, row_bytes), capacity_);
  if (data_ && kept > 0) std::memcpy(p, data_, size_t(kept));
  std::free(data_);
  data_ = p;
  capacity_ = cap;
}

// ---- While
// ---------------------------------------------------------------------------------------
WhileStep::WhileStep(std::string node, SubPlan cond, SubPlan body, WhileConfig config)
    : node_(std::move(node)), cond_(std::move(cond)), body_(std::move(body)),
      c_(std::move(config)) {
  const size_t n_params = size_t(c_.n_vars + c_.n_captures + c_.n_sliced);
  if (!body_.plan) throw KernelError("[While] '" + node_ + "' has no body plan");
  if (body_.params.size() != n_params || (cond_.plan && cond_.params.size() != n_params))
    throw KernelError("[While] '" + node_ + "': params do not match the loop's inputs");
  if (cond_.plan && cond_.results.size() != 1)
    throw KernelError("[While] '" + node_ + "': the cond plan must have one result");
  if (body_.results.size() < size_t(c_.n_vars) + c_.extra_like.size())
    throw KernelError("[While] '" + node_ + "': the body's results do not match its outputs");
  if (c_.slice_reverse.size() != size_t(c_.n_sliced) ||
      c_.extra_reverse.size() != c_.extra_like.size() || c_.zero_init.size() != size_t(c_.n_vars))
    throw KernelError("[While] '" + node_ + "': inconsistent configuration");
  if (!cond_.plan && !c_.has_max)
    throw KernelError("[While] '" + node_ + "' has neither a cond nor a maximum");
  for (const Accumulate& a : c_.accumulate) {
    const size_t n = a.from_param ? n_params : body_.results.size();
    if (a.index < 0 || size_t(a.index) >= n)
      throw KernelError("[While] '" + node_ + "': bad accumulate index");
    stacks_.push_back(std::make_unique<RowStack>());
  }
  for (size_t e = 0; e < c_.extra_like.size(); ++e) {
    if (c_.extra_like[e] < 0 || c_.extra_like[e] >= c_.n_sliced)
      throw KernelError("[While] '" + node_ + "': an extra output's rows are not a sliced input's");
    extras_.push_back(std::make_unique<RowStack>());
  }
}

void WhileStep::bind(Plan& p, const SubPlan& sp, Plan& outer, const std::vector<int>& in,
                     const std::vector<int>& out, int64_t it, int64_t limit) {
  const int K = c_.n_vars, C = c_.n_captures;
  for (int k = 0; k < K; ++k)
    p.set_slot_data(sp.params[size_t(k)], outer.slot(out[size_t(k)]).data);
  for (int c = 0; c < C; ++c)
    p.set_slot_data(sp.params[size_t(K + c)], outer.slot(in[size_t(K + c)]).data);
  for (int s = 0; s < c_.n_sliced; ++s) {
    const TensorView& v = outer.slot(in[size_t(K + C + s)]);
    const int64_t rows = v.ndim > 0 ? v.shape[0] : 0;
    const int64_t r = c_.slice_reverse[size_t(s)] ? limit - 1 - it : it;
    if (r < 0 || r >= rows)
      fail("While", "iteration ", it, " of '", node_, "' reads row ", r, " of sliced input ", s,
           ", which has ", rows, " rows");
    p.set_slot_data(sp.params[size_t(K + C + s)], row_of(v, r).data);
  }
}

void WhileStep::run(Plan& outer, const std::vector<int>& in, const std::vector<int>& out) {
  const int K = c_.n_vars, C = c_.n_captures, S = c_.n_sliced;
  const size_t n_in = size_t(K + C + S + (c_.has_max ? 1 : 0));
  const size_t n_acc = c_.accumulate.size(), n_extra = c_.extra_like.size();
  if (in.size() != n_in || out.size() != size_t(K) + 1 + n_acc + n_extra)
    fail("While", "'", node_, "' has ", in.size(), " inputs and ", out.size(), " outputs");
  int64_t limit = std::numeric_limits<int64_t>::max();
  if (c_.has_max)
    limit = std::max<int64_t>(0, scalar_int(outer.slot(in.back()), "While", "maximum_iterations"));
  for (int k = 0; k < K; ++k) {
    const TensorView& to = outer.slot(out[size_t(k)]);
    if (c_.zero_init[size_t(k)]) {
      if (bytes_of(to)) std::memset(to.data, 0, size_t(bytes_of(to)));
    } else {
      copy_result("While", node_, outer.slot(in[size_t(k)]), to, size_t(k));
    }
  }
  // the extra outputs start as zeros; dynamic ones take the rows of their `like` input
  std::vector<TensorView> extra(n_extra);
  for (size_t e = 0; e < n_extra; ++e) {
    const int slot = out[size_t(K) + 1 + e];
    TensorView v = outer.slot(slot);
    if (outer.is_dynamic(slot)) {
      const TensorView& like = outer.slot(in[size_t(K + C + c_.extra_like[e])]);
      v.shape[0] = like.ndim > 0 ? like.shape[0] : 0;
      extras_[e]->reserve("While", v.shape[0], bytes_of(row_of(v, 0)), 0);
      v.data = extras_[e]->data();
      outer.set_slot_view(slot, v);
    }
    if (bytes_of(v)) std::memset(v.data, 0, size_t(bytes_of(v)));
    extra[e] = v;
  }
  std::vector<int64_t> acc_row_bytes(n_acc);
  for (size_t a = 0; a < n_acc; ++a) {
    const Accumulate& ac = c_.accumulate[a];
    const TensorView& src = ac.from_param ? body_.plan->slot(body_.params[size_t(ac.index)])
                                          : body_.plan->slot(body_.results[size_t(ac.index)]);
    acc_row_bytes[a] = bytes_of(src);
    if (c_.has_max && limit < (int64_t(1) << 20))  // most loops with a maximum run to it
      stacks_[a]->reserve("While", std::max<int64_t>(limit, 1), acc_row_bytes[a], 0);
  }
  int64_t it = 0;
  try {
    for (; it < limit; ++it) {
      if (cond_.plan) {
        bind(*cond_.plan, cond_, outer, in, out, it, limit);
        cond_.plan->run();
        if (!scalar_bool(cond_.plan->slot(cond_.results[0]), "While", "the loop condition")) break;
      }
      bind(*body_.plan, body_, outer, in, out, it, limit);
      for (size_t a = 0; a < n_acc; ++a)
        if (c_.accumulate[a].from_param) {
          stacks_[a]->reserve("While", it + 1, acc_row_bytes[a], it);
          const TensorView& src = body_.plan->slot(body_.params[size_t(c_.accumulate[a].index)]);
          if (acc_row_bytes[a])
            std::memcpy(stacks_[a]->data() + it * acc_row_bytes[a], src.data,
                        size_t(acc_row_bytes[a]));
        }
      body_.plan->run();
      for (size_t a = 0; a < n_acc; ++a)
        if (!c_.accumulate[a].from_param) {
          stacks_[a]->reserve("While", it + 1, acc_row_bytes[a], it);
          const TensorView& src = body_.plan->slot(body_.results[size_t(c_.accumulate[a].index)]);
          if (acc_row_bytes[a])
            std::memcpy(stacks_[a]->data() + it * acc_row_bytes[a], src.data,
                        size_t(acc_row_bytes[a]));
        }
      for (size_t e = 0; e < n_extra; ++e) {
        const int64_t rows = extra[e].ndim > 0 ? extra[e].shape[0] : 0;
        const int64_t r = c_.extra_reverse[e] ? limit - 1 - it : it;
        if (r < 0 || r >= rows)
          fail("While", "iteration ", it, " of '", node_, "' writes row ", r, " of extra output ",
               e, ", which has ", rows, " rows");
        copy_result("While", node_, body_.plan->slot(body_.results[size_t(K) + e]),
                    row_of(extra[e], r), size_t(K) + e);
      }
      // the new loop vars; a result that is another var's buffer (a swap) goes through scratch
      bool crossed = false;
      for (int k = 0; k < K && !crossed; ++k)
        for (int j = 0; j < K; ++j)
          if (j != k &&
              body_.plan->slot(body_.results[size_t(k)]).data == outer.slot(out[size_t(j)]).data &&
              bytes_of(outer.slot(out[size_t(j)])))
            crossed = true;
      if (!crossed) {
        for (int k = 0; k < K; ++k)
          copy_result("While", node_, body_.plan->slot(body_.results[size_t(k)]),
                      outer.slot(out[size_t(k)]), size_t(k));
      } else {
        std::vector<int64_t> off(size_t(K) + 1, 0);
        for (int k = 0; k < K; ++k)
          off[size_t(k) + 1] = off[size_t(k)] + bytes_of(outer.slot(out[size_t(k)]));
        scratch_.resize(size_t(off[size_t(K)]));
        for (int k = 0; k < K; ++k) {
          const TensorView& from = body_.plan->slot(body_.results[size_t(k)]);
          const TensorView& to = outer.slot(out[size_t(k)]);
          if (from.dtype != to.dtype || !same_shape(from, to))
            copy_result("While", node_, from, to, size_t(k));  // throws the mismatch
          if (off[size_t(k) + 1] > off[size_t(k)])
            std::memcpy(scratch_.data() + off[size_t(k)], from.data,
                        size_t(off[size_t(k) + 1] - off[size_t(k)]));
        }
        for (int k = 0; k < K; ++k)
          if (off[size_t(k) + 1] > off[size_t(k)])
            std::memcpy(outer.slot(out[size_t(k)]).data, scratch_.data() + off[size_t(k)],
                        size_t(off[size_t(k) + 1] - off[size_t(k)]));
      }
    }
  } catch (const InternalKernelError& e) {
    throw InternalKernelError(std::string(e.what()) + " in iteration " + std::to_string(it) +
                              " of while loop '" + node_ + "'");
  } catch (const KernelError& e) {
    throw KernelError(std::string(e.what()) + " in iteration " + std::to_string(it) +
                      " of while loop '" + node_ + "'");
  }
  const TensorView& count = outer.slot(out[size_t(K)]);
  check_dtype("While", count, DType::kInt32, "the iteration count");
  if (it > std::numeric_limits<int32_t>::max())
    fail("While", "'", node_, "' ran over 2^31 iterations");
  *count.ptr<int32_t>() = int32_t(it);
  for (size_t a = 0; a < n_acc; ++a) {
    const int slot = out[size_t(K) + 1 + n_extra + a];
    TensorView v = outer.slot(slot);
    stacks_[a]->reserve("While", std::max<int64_t>(it, 1), acc_row_bytes[a], it);
    v.data = stacks_[a]->data();
    v.shape[0] = it;
    outer.set_slot_view(slot, v);
  }
}

}  // namespace tfl
