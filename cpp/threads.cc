// threads.cc: one thread-count knob for OpenMP and oneDNN, and a thread count that follows the
// machine's load. When other processes keep cores busy, a 2-thread region waits at its barrier
// for a thread that cannot run (measured here: 20x to 600x slower); so a monitor samples the CPU
// time used outside this process every 100 ms and kernels use only the cores that are free.
// TFLITE_CORE_ADAPTIVE_THREADS=0 turns the monitor off.
#include <omp.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "tensor.h"

namespace tfl {
namespace {

std::atomic<int> g_configured{0};  // 0: not read from OpenMP yet
std::atomic<int> g_free_cores{1 << 20};
std::once_flag g_monitor_once;

// Busy seconds of the whole machine (all CPUs; steal counts: the VM could not run then).
bool machine_busy_seconds(double& busy) {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return false;
  unsigned long long v[8] = {0};
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                            &v[3], &v[4], &v[5], &v[6], &v[7]);
  std::fclose(f);
  if (n < 4) return false;
  const double hz = double(sysconf(_SC_CLK_TCK));
  // user nice system [idle iowait] irq softirq steal
  busy = double(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz;
  return true;
}

double own_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

void monitor() {
  const int ncpu = int(sysconf(_SC_NPROCESSORS_ONLN));
  double busy0 = 0, own0 = own_cpu_seconds();
  if (!machine_busy_seconds(busy0)) return;
  auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    double busy1 = 0;
    const double own1 = own_cpu_seconds();
    if (!machine_busy_seconds(busy1)) return;
    const auto t1 = std::chrono::steady_clock::now();
    const double wall = std::chrono::duration<double>(t1 - t0).count();
    const double outside = (busy1 - busy0 - (own1 - own0)) / wall;  // cores used by others
    const int current = g_free_cores.load(std::memory_order_relaxed);
    // Hysteresis: give a core up when others use most of one; take it back when it is idle.
    int free_cores = ncpu - int(outside + 0.4);
    if (free_cores > current && outside > double(ncpu - current) - 0.7) free_cores = current;
    g_free_cores.store(free_cores < 1 ? 1 : free_cores, std::memory_order_relaxed);
    busy0 = busy1;
    own0 = own1;
    t0 = t1;
  }
}

void start_monitor() {
  const char* e = std::getenv("TFLITE_CORE_ADAPTIVE_THREADS");
  if (e && std::strcmp(e, "0") == 0) return;
  std::thread(monitor).detach();
}

}  // namespace

void set_num_threads(int n) { g_configured.store(n < 1 ? 1 : n, std::memory_order_relaxed); }

int configured_threads() {
  int c = g_configured.load(std::memory_order_relaxed);
  if (c == 0) {
    c = omp_get_max_threads();
    g_configured.store(c, std::memory_order_relaxed);
  }
  return c;
}

int get_num_threads() {
  std::call_once(g_monitor_once, start_monitor);
  const int c = configured_threads();
  const int f = g_free_cores.load(std::memory_order_relaxed);
  return c < f ? c : f;
}

int free_cores() { return g_free_cores.load(std::memory_order_relaxed); }

void after_fork_in_child() {
  // The monitor thread does not survive fork, and libgomp's pool must not be reused:
  // the child runs single-threaded.
  g_configured.store(1, std::memory_order_relaxed);
}

}  // namespace tfl
