// memory.cc: the memory limit the kernels' work buffers are checked against before allocating,
// as Python's client/buffers.py checks plan buffers: the machine's physical memory, lowered by
// the process's address-space limit (ulimit -v) and by TFLITE_CORE_MEMORY_LIMIT (bytes) when set.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "tensor.h"

namespace tfl {

int64_t memory_limit_bytes() {
  int64_t limit = std::numeric_limits<int64_t>::max();
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0 && int64_t(pages) <= limit / int64_t(page))
    limit = int64_t(pages) * int64_t(page);
  struct rlimit r;
  if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY && r.rlim_cur < uint64_t(limit))
    limit = int64_t(r.rlim_cur);
  if (const char* env = std::getenv("TFLITE_CORE_MEMORY_LIMIT")) {
    char* end = nullptr;
    const long long v = std::strtoll(env, &end, 10);
    if (end != env && v >= 0 && v < limit) limit = int64_t(v);
  }
  return limit;
}

void check_allocation(const char* op, int64_t count, int64_t elem_size) {
  const int64_t bytes = int64_t(checked_bytes(op, count, elem_size));
  const int64_t limit = memory_limit_bytes();
  if (bytes > limit)
    throw ResourceError(std::string("[") + op + "] OOM when allocating a work buffer of " +
                        std::to_string(bytes) + " bytes (beyond the memory limit of " +
                        std::to_string(limit) + " bytes)");
}

}  // namespace tfl
