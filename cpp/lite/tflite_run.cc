// tflite_run: runs a .tflite model with the C++ runtime (no Python), on .npy inputs.
//
//   tflite_run MODEL [--input IN.npy]... [--output OUT.npy]... [--expect WANT.npy]...
//              [--atol 1e-5] [--rtol 1e-5] [--threads N] [--runs N] [--profile]
//
// Inputs left out are filled with a fixed pseudo-random pattern in [-1, 1). Prints each output's
// shape and (per row, for float outputs) the top value's index, then the latency: the median and
// the fastest of --runs invokes after one warm-up. --expect compares output i with WANT i to
// atol + rtol * |want|. Exit status: 0, 1 for an error (its TF class and message on stderr),
// 2 when an output differs from --expect, 64 for bad arguments. --profile then prints each
// kernel's share of an invoke and the slowest steps (the mean of --runs invokes).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "lite/interpreter.h"
#include "lite/npy.h"

namespace {

using tfl::lite::Error;

struct Args {
  std::string model;
  std::vector<std::string> inputs, outputs, expects;
  double atol = 1e-5, rtol = 1e-5;
  int threads = 0, runs = 10;
  bool profile = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr,
      "tflite_run: %s\nusage: tflite_run MODEL [--input IN.npy]... [--output OUT.npy]... "
      "[--expect WANT.npy]... [--atol A] [--rtol R] [--threads N] [--runs N] [--profile]\n",
      why);
  std::exit(64);
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage((k + " needs a value").c_str());
      return argv[++i];
    };
    auto number = [&](double lo) {
      const std::string v = value();
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end || !(d >= lo)) usage((k + ": bad value '" + v + "'").c_str());
      return d;
    };
    if (k == "--input") a.inputs.push_back(value());
    else if (k == "--output") a.outputs.push_back(value());
    else if (k == "--expect") a.expects.push_back(value());
    else if (k == "--atol") a.atol = number(0);
    else if (k == "--rtol") a.rtol = number(0);
    else if (k == "--threads") a.threads = int(number(1));
    else if (k == "--runs") a.runs = int(number(1));
    else if (k == "--profile") a.profile = true;
    else if (!k.empty() && k[0] == '-') usage(("unknown option " + k).c_str());
    else if (a.model.empty()) a.model = k;
    else usage("more than one model");
  }
  if (a.model.empty()) usage("no model");
  return a;
}

std::string shape_text(const tfl::TensorView& v) { return v.shape_str(); }

void fill_input(const tfl::TensorView& v, int index, const std::string& path) {
  const size_t bytes = size_t(v.size() * tfl::dtype_size(v.dtype));
  if (path.empty()) {
    if (v.dtype != tfl::DType::kFloat32) return;  // (zeros)
    float* p = v.ptr<float>();
    uint32_t s = 12345u + uint32_t(index);
    for (int64_t k = 0; k < v.size(); ++k) {
      s = s * 1664525u + 1013904223u;
      p[k] = float(s >> 8) / float(1 << 23) - 1.f;
    }
    return;
  }
  const tfl::lite::NpyArray a = tfl::lite::read_npy(path);
  const bool same = a.dtype == v.dtype &&
                    std::equal(a.shape.begin(), a.shape.end(), v.shape, v.shape + v.ndim) &&
                    int(a.shape.size()) == v.ndim;
  if (!same) {
    std::string s = "[";
    for (size_t i = 0; i < a.shape.size(); ++i) s += (i ? "," : "") + std::to_string(a.shape[i]);
    throw Error(tfl::lite::Code::kInvalidArgument, "input " + std::to_string(index) + " is " +
                                                       tfl::dtype_name(v.dtype) + " " +
                                                       shape_text(v) + "; '" + path + "' holds " +
                                                       tfl::dtype_name(a.dtype) + " " + s + "]");
  }
  std::memcpy(v.data, a.data.data(), bytes);
}

// Compares output v with the .npy at path: prints the largest difference; false if over tol.
bool compare(const tfl::TensorView& v, int index, const std::string& path, double atol,
             double rtol) {
  const tfl::lite::NpyArray want = tfl::lite::read_npy(path);
  if (want.dtype != v.dtype || int64_t(want.data.size()) != v.size() * tfl::dtype_size(v.dtype)) {
    std::printf("output %d: %s %s, but '%s' holds %s of %zu bytes\n", index,
                tfl::dtype_name(v.dtype), shape_text(v).c_str(), path.c_str(),
                tfl::dtype_name(want.dtype), want.data.size());
    return false;
  }
  if (v.dtype != tfl::DType::kFloat32) {
    const bool eq = std::memcmp(v.data, want.data.data(), want.data.size()) == 0;
    std::printf("output %d vs '%s': %s\n", index, path.c_str(), eq ? "equal" : "DIFFERENT");
    return eq;
  }
  const float* g = v.ptr<float>();
  const auto* w = reinterpret_cast<const float*>(want.data.data());
  double worst = 0, worst_excess = 0;
  int64_t bad = 0;
  for (int64_t k = 0; k < v.size(); ++k) {
    const double d = std::fabs(double(g[k]) - double(w[k]));
    const double tol = atol + rtol * std::fabs(double(w[k]));
    if (!(d <= tol)) ++bad, worst_excess = std::max(worst_excess, d - tol);
    if (d > worst || d != d) worst = d;
  }
  std::printf("output %d vs '%s': max |difference| %.3g, %lld of %lld over atol %.3g + rtol %.3g\n",
              index, path.c_str(), worst, (long long)bad, (long long)v.size(), atol, rtol);
  return bad == 0;
}

void describe(const tfl::TensorView& v, int index, const std::string& name) {
  std::printf("output %d '%s': %s %s", index, name.c_str(), tfl::dtype_name(v.dtype),
              shape_text(v).c_str());
  if (v.dtype == tfl::DType::kFloat32 && v.ndim >= 1 && v.dim(-1) > 1 && v.size() > 0) {
    const int64_t cols = v.dim(-1), rows = v.size() / cols;
    std::printf(", top-1 per row:");
    for (int64_t r = 0; r < std::min<int64_t>(rows, 8); ++r) {
      const float* p = v.ptr<float>() + r * cols;
      const int64_t best = std::max_element(p, p + cols) - p;
      std::printf(" %lld (%.4g)", (long long)best, double(p[best]));
    }
    if (rows > 8) std::printf(" ...");
  }
  std::printf("\n");
}

void print_profile(const std::vector<tfl::lite::Interpreter::StepTime>& steps) {
  double total = 0;
  std::vector<std::pair<std::string, double>> by_kernel;
  for (const auto& s : steps) {
    total += s.seconds;
    auto it = std::find_if(by_kernel.begin(), by_kernel.end(),
                           [&](const auto& k) { return k.first == s.kernel; });
    if (it == by_kernel.end()) by_kernel.push_back({s.kernel, s.seconds});
    else it->second += s.seconds;
  }
  std::sort(by_kernel.begin(), by_kernel.end(),
            [](const auto& x, const auto& y) { return x.second > y.second; });
  std::printf("profile: %.3f ms per invoke in %zu steps\n", total * 1e3, steps.size());
  for (const auto& [k, sec] : by_kernel)
    std::printf("  %-28s %8.3f ms %5.1f %%\n", k.c_str(), sec * 1e3, 100 * sec / total);
  // (the builtin operator each step runs: "operator 4 (CONV_2D)" -> CONV_2D)
  std::vector<std::pair<std::string, double>> by_type;
  for (const auto& s : steps) {
    const size_t open = s.op.rfind('(');
    const std::string type = open == std::string::npos ? s.op : s.op.substr(open + 1);
    const std::string name =
        type.empty() || type.back() != ')' ? type : type.substr(0, type.size() - 1);
    auto it = std::find_if(by_type.begin(), by_type.end(),
                           [&](const auto& k) { return k.first == name; });
    if (it == by_type.end()) by_type.push_back({name, s.seconds});
    else it->second += s.seconds;
  }
  std::sort(by_type.begin(), by_type.end(),
            [](const auto& x, const auto& y) { return x.second > y.second; });
  std::printf("by operator:\n");
  for (const auto& [k, sec] : by_type)
    std::printf("  %-28s %8.3f ms %5.1f %%\n", k.c_str(), sec * 1e3, 100 * sec / total);
  std::vector<size_t> order(steps.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return steps[x].seconds > steps[y].seconds; });
  std::printf("slowest steps:\n");
  for (size_t i = 0; i < std::min<size_t>(order.size(), 10); ++i) {
    const auto& s = steps[order[i]];
    std::printf("  %-28s %8.3f ms  %s\n", s.kernel.c_str(), s.seconds * 1e3, s.op.c_str());
  }
}

int run(const Args& a) {
  if (a.threads) tfl::lite::Interpreter::set_num_threads(a.threads);
  auto it = tfl::lite::Interpreter::from_file(a.model);
  std::printf("model '%s': %d inputs, %d outputs, %d kernel steps\n", a.model.c_str(),
              it->num_inputs(), it->num_outputs(), it->num_operators());
  if (int(a.inputs.size()) > it->num_inputs())
    throw Error(tfl::lite::Code::kInvalidArgument,
                std::to_string(a.inputs.size()) + " --input files for a model of " +
                    std::to_string(it->num_inputs()) + " inputs");
  for (int i = 0; i < it->num_inputs(); ++i) {
    const std::string path = size_t(i) < a.inputs.size() ? a.inputs[size_t(i)] : "";
    fill_input(it->input(i), i, path);
    std::printf("input %d '%s': %s %s <- %s\n", i, it->input_name(i).c_str(),
                tfl::dtype_name(it->input(i).dtype), shape_text(it->input(i)).c_str(),
                path.empty() ? "(pseudo-random values)" : path.c_str());
  }
  it->invoke();  // (the warm-up: oneDNN's primitives and reordered filters are made here)
  std::vector<double> ms;
  for (int r = 0; r < a.runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    it->invoke();
    const auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  for (int i = 0; i < it->num_outputs(); ++i) {
    describe(it->output(i), i, it->output_name(i));
    if (size_t(i) < a.outputs.size()) tfl::lite::write_npy(a.outputs[size_t(i)], it->output(i));
  }
  std::sort(ms.begin(), ms.end());
  std::printf("latency: %.3f ms median, %.3f ms fastest of %d invokes, %d threads\n",
              ms[ms.size() / 2], ms[0], a.runs, tfl::get_num_threads());
  if (a.profile) print_profile(it->profile(a.runs));
  bool ok = true;
  if (int(a.expects.size()) > it->num_outputs())
    throw Error(tfl::lite::Code::kInvalidArgument,
                std::to_string(a.expects.size()) + " --expect files for a model of " +
                    std::to_string(it->num_outputs()) + " outputs");
  for (size_t i = 0; i < a.expects.size(); ++i)
    ok = compare(it->output(int(i)), int(i), a.expects[i], a.atol, a.rtol) && ok;
  return ok ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  try {
    return run(a);
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", e.class_name(), e.what());
  } catch (const tfl::ResourceError& e) {
    std::fprintf(stderr, "ResourceExhaustedError: %s\n", e.what());
  } catch (const tfl::KernelError& e) {
    std::fprintf(stderr, "InvalidArgumentError: %s\n", e.what());
  }
  return 1;
}
