// registry.cc: the kernel table.
#include "kernels.h"

namespace tfl {

const std::unordered_map<std::string, KernelFn>& kernel_registry() {
  static const Registry table = [] {
    Registry r;
    register_elementwise(r);
    register_elementwise_fused(r);
    register_reduce(r);
    register_matmul(r);
    register_nn(r);
    register_array(r);
    register_random(r);
    register_random_dist(r);
    register_candidate_sampling(r);
    register_optim(r);
    register_indexing(r);
    register_conv(r);
    register_pool(r);
    register_batch_norm(r);
    register_sparse(r);
    register_lstm(r);
    register_math(r);
    register_tensor_array(r);
    register_fake_quant(r);
    register_clock(r);
    register_logging(r);
    register_linalg(r);
    register_scatter(r);
    register_permute(r);
    register_partition(r);
    register_grid(r);
    register_bitwise(r);
    register_complex(r);
    register_sparse_tensor(r);
    register_fft(r);
    register_image_resize(r);
    register_quantized(r);
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

}  // namespace tfl
