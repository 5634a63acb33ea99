// buffer_packing.h: a plan's intermediate buffers packed into one arena. Buffers whose steps do
// not overlap share bytes, so that a network's activations stay in cache from one run to the
// next (EfficientNet-Lite0: 27.8 MB of activations in 6.0 MB). Used by the C++ runtime's lowering
// (lite/lower.cc, buffers found by address) and by the Session's plans (client/compiler.py
// through Plan.pack_groups in bindings.cc: each tenancy of a buffer that several tensors take in
// turn is its own entry, with its slots given).
#pragma once

#include <cstdint>
#include <vector>

#include "plan.h"

namespace tfl {

// A candidate buffer: [data, data + bytes); a slot belongs to it when the slot's bytes lie inside.
struct BufferRange {
  char* data;
  int64_t bytes;
};

// offsets[i]: buffer i's place in the arena, or -1 where it stays where it is: a buffer that no
// step touches, or one whose first step reads it (its contents come from before the run).
// Buffers of the slots in live_to_end (fetched after the run) are live through the last step.
// The largest go first, each at the lowest 64-byte aligned offset clear of the buffers alive at
// any of its steps.
struct Packing {
  std::vector<int64_t> offsets;
  int64_t arena = 0;  // bytes
};
Packing pack_buffers(const Plan& plan, const std::vector<BufferRange>& buffers,
                     const std::vector<int>& live_to_end);

// Points every slot inside a packed buffer at the same place in `arena` (64-byte aligned).
void move_to_arena(Plan& plan, const std::vector<BufferRange>& buffers, const Packing& packing,
                   char* arena);

// The same with the slots of each buffer given: owner[slot] is the buffer whose bytes the slot
// lies in (-1: none). Buffers may overlap in memory (one buffer's memory taken by several
// tensors in turn, each its own entry, their steps apart).
Packing pack_owned(const Plan& plan, const std::vector<BufferRange>& buffers,
                   const std::vector<int>& owner, const std::vector<int>& live_to_end);
void move_owned(Plan& plan, const std::vector<BufferRange>& buffers, const std::vector<int>& owner,
                const Packing& packing, char* arena);

}  // namespace tfl
