// registry.cc: the kernel table and the thread knob.
#include <omp.h>

#include "kernels.h"

#ifndef TFLITE_CORE_USE_ONEDNN
extern "C" void scipy_openblas_set_num_threads(int);  // scipy-openblas32's own thread pool
#endif

namespace tfl {

const std::unordered_map<std::string, KernelFn>& kernel_registry() {
  static const Registry table = [] {
    Registry r;
    register_elementwise(r);
    register_reduce(r);
    register_matmul(r);
    register_nn(r);
    register_array(r);
    register_random(r);
    register_optim(r);
    return r;
  }();
  return table;
}

KernelFn find_kernel(const std::string& name) {
  const auto& t = kernel_registry();
  auto it = t.find(name);
  if (it == t.end()) throw KernelError("[" + name + "] no such kernel");
  return it->second;
}

namespace {
int g_threads = 0;  // 0: not yet read from OpenMP
}

void set_num_threads(int n) {
  if (n < 1) n = 1;
  g_threads = n;
  omp_set_num_threads(n);
#ifndef TFLITE_CORE_USE_ONEDNN
  scipy_openblas_set_num_threads(n);  // one knob for every pool
#endif
}

int get_num_threads() {
  if (g_threads == 0) g_threads = omp_get_max_threads();
  return g_threads;
}

}  // namespace tfl
