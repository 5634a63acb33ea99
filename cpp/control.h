// control.h: the control steps of a plan. If runs one of two branch plans; While runs a cond plan
// and a body plan until the cond is false (or a maximum count), inside one step: no Python call per
// iteration. The sub-plans' params are feed slots bound to the outer step's buffers each run; their
// results are fetch slots copied out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plan.h"

namespace tfl {

// A plan run by a control step: `params` are its feed slots, `results` its fetch slots.
struct SubPlan {
  Plan* plan = nullptr;
  std::vector<int> params, results;
};

// inputs: pred (bool scalar), then the params both branches take; outputs: the branch results.
class IfStep : public ControlStep {
 public:
  IfStep(std::string node, SubPlan then_branch, SubPlan else_branch);
  void run(Plan& outer, const std::vector<int>& in, const std::vector<int>& out) override;

 private:
  std::string node_;
  SubPlan branch_[2];  // else, then
  // per branch and result: whether a step of the branch writes the result's slot and the slot is
  // neither a param nor a dynamic slot nor returned twice (then it may be pointed at the outer
  // output buffer while the branch runs, instead of copied after it)
  std::vector<char> writable_[2];
};

// A growable buffer of rows (a While's accumulated stack), 64-byte aligned.
class RowStack {
 public:
  RowStack() = default;
  RowStack(const RowStack&) = delete;
  RowStack& operator=(const RowStack&) = delete;
  ~RowStack();
  // Makes room for `rows` rows of `row_bytes` bytes (keeping the first `keep` rows).
  void reserve(const char* op, int64_t rows, int64_t row_bytes, int64_t keep);
  char* data() const { return data_; }

 private:
  char* data_ = nullptr;
  int64_t capacity_ = 0;  // bytes
};

// What a While accumulates each iteration: a body param (the value the iteration starts from) or
// a body result (a value the body computed), one row per iteration, in iteration order.
struct Accumulate {
  bool from_param = true;
  int index = 0;
};

// inputs: K loop vars | C captured values | S sliced inputs (one row each iteration) | [max
// iterations]; the cond and body plans take params vars | captures | slices. The body's results
// are the K new vars, then E "extra" values written to row r of extra output e each iteration,
// then any values only accumulated.
// outputs: K final vars | int32 iteration count | E extra outputs (rows like sliced input
// extra_like[e]; zero where not written) | one stack per Accumulate (dynamic slots,
// [iterations, ...]).
// Row r of a sliced input or extra output at iteration it: it, or limit-1-it where reversed (a
// gradient loop walking its forward loop backwards; it then needs the max iterations input).
struct WhileConfig {
  int n_vars = 0, n_captures = 0, n_sliced = 0;
  bool has_max = false;
  std::vector<char> slice_reverse, extra_reverse, zero_init;
  std::vector<int> extra_like;
  std::vector<Accumulate> accumulate;
};

class WhileStep : public ControlStep {
 public:
  WhileStep(std::string node, SubPlan cond, SubPlan body, WhileConfig config);
  void run(Plan& outer, const std::vector<int>& in, const std::vector<int>& out) override;

 private:
  void bind(Plan& p, const SubPlan& sp, Plan& outer, const std::vector<int>& in,
            const std::vector<int>& out, int64_t it, int64_t limit);
  std::string node_;
  SubPlan cond_, body_;  // cond_.plan null: no cond (the loop runs `max iterations` times)
  WhileConfig c_;
  std::vector<std::unique_ptr<RowStack>> stacks_, extras_;  // extras_: for dynamic extra outputs
  std::vector<char> scratch_;
};

}  // namespace tfl
