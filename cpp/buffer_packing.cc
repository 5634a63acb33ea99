// buffer_packing.cc: see buffer_packing.h.
#include "buffer_packing.h"

#include <algorithm>
#include <numeric>

#include "kernels.h"

namespace tfl {

namespace {

// For each slot, the buffer its bytes lie in (-1: none).
std::vector<int> owners(const Plan& plan, const std::vector<BufferRange>& buffers) {
  std::vector<int> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return buffers[size_t(a)].data < buffers[size_t(b)].data; });
  std::vector<int> owner(size_t(plan.num_slots()), -1);
  for (int s = 0; s < plan.num_slots(); ++s) {
    const TensorView& v = plan.slot(s);
    const char* p = static_cast<const char*>(v.data);
    if (!p) continue;
    const int64_t bytes = v.size() * dtype_size(v.dtype);
    auto it = std::upper_bound(order.begin(), order.end(), p,
                               [&](const char* q, int b) { return q < buffers[size_t(b)].data; });
    if (it == order.begin()) continue;
    const BufferRange& r = buffers[size_t(*(it - 1))];
    if (r.bytes > 0 && p + bytes <= r.data + r.bytes) owner[size_t(s)] = *(it - 1);
  }
  return owner;
}

}  // namespace

Packing pack_buffers(const Plan& plan, const std::vector<BufferRange>& buffers,
                     const std::vector<int>& live_to_end) {
  return pack_owned(plan, buffers, owners(plan, buffers), live_to_end);
}

void move_to_arena(Plan& plan, const std::vector<BufferRange>& buffers, const Packing& packing,
                   char* arena) {
  move_owned(plan, buffers, owners(plan, buffers), packing, arena);
}

Packing pack_owned(const Plan& plan, const std::vector<BufferRange>& buffers,
                   const std::vector<int>& owner, const std::vector<int>& live_to_end) {
  struct Use {
    int first = -1, last = -1;
    bool written_first = false;
  };
  std::vector<Use> use(buffers.size());
  for (int i = 0; i < plan.num_steps(); ++i) {
    const Step& st = plan.step(i);
    for (int pass = 0; pass < 2; ++pass)
      for (int s : pass == 0 ? st.in : st.out) {
        const int b = owner[size_t(s)];
        if (b < 0) continue;
        Use& u = use[size_t(b)];
        if (u.first < 0) u.first = i, u.written_first = true;
        if (u.first == i && pass == 0) u.written_first = false;  // read at its first step
        u.last = i;
      }
  }
  for (int s : live_to_end)
    if (s >= 0 && s < plan.num_slots() && owner[size_t(s)] >= 0)
      use[size_t(owner[size_t(s)])].last = plan.num_steps();
  Packing p;
  p.offsets.assign(buffers.size(), -1);
  std::vector<int> order;
  for (size_t b = 0; b < buffers.size(); ++b)
    if (use[b].written_first) order.push_back(int(b));
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return buffers[size_t(a)].bytes > buffers[size_t(b)].bytes;
  });
  std::vector<int> placed;
  for (int b : order) {
    const Use& u = use[size_t(b)];
    std::vector<std::pair<int64_t, int64_t>> busy;  // [offset, end) of overlapping lifetimes
    for (int o : placed) {
      const Use& w = use[size_t(o)];
      if (w.first <= u.last && u.first <= w.last)
        busy.push_back({p.offsets[size_t(o)], p.offsets[size_t(o)] + buffers[size_t(o)].bytes});
    }
    std::sort(busy.begin(), busy.end());
    int64_t at = 0;
    for (const auto& [lo, hi] : busy) {
      if (at + buffers[size_t(b)].bytes <= lo) break;
      at = std::max(at, (hi + 63) & ~int64_t(63));
    }
    p.offsets[size_t(b)] = at;
    p.arena = std::max(p.arena, at + buffers[size_t(b)].bytes);
    placed.push_back(b);
  }
  return p;
}

void move_owned(Plan& plan, const std::vector<BufferRange>& buffers, const std::vector<int>& owner,
                const Packing& packing, char* arena) {
  for (int s = 0; s < plan.num_slots(); ++s) {
    const int b = owner[size_t(s)];
    if (b < 0 || packing.offsets[size_t(b)] < 0) continue;
    const char* old = static_cast<const char*>(plan.slot(s).data);
    plan.set_slot_data(s, arena + packing.offsets[size_t(b)] + (old - buffers[size_t(b)].data));
  }
}

}  // namespace tfl
