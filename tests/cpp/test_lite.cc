// The C++ runtime for .tflite models (cpp/lite/) on the files make_lite_models.py writes (their
// folder in TFL_LITE_MODELS): outputs equal to LiteRT's at 1 and 2 threads, and models cut short
// or with bytes changed at random that load and run or throw tfl::lite::Error, never anything
// else (under AddressSanitizer in CI: never a read outside the file).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "harness.h"
#include "lite/interpreter.h"
#include "lite/npy.h"

namespace {

std::string models_dir() {
  const char* d = std::getenv("TFL_LITE_MODELS");
  if (!d) {
    std::printf("  TFL_LITE_MODELS (the folder make_lite_models.py wrote) is not set\n");
    throw tfl_test::Failure{};
  }
  return d;
}

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  CHECK(f.good());
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

// Loads and runs `bytes` with pseudo-random inputs: true if it ran, false if it threw
// tfl::lite::Error (any other exception escapes: a test failure).
bool load_and_run(std::vector<uint8_t> bytes) {
  try {
    auto it = tfl::lite::Interpreter::from_buffer(std::move(bytes));
    for (int i = 0; i < it->num_inputs(); ++i) {
      const tfl::TensorView& v = it->input(i);
      if (v.dtype == tfl::DType::kFloat32)
        for (int64_t k = 0; k < v.size(); ++k) v.ptr<float>()[k] = float(k % 7) - 3.f;
    }
    it->invoke();
    return true;
  } catch (const tfl::lite::Error&) {
    return false;
  }
}

void check_against_litert(const std::string& name, int outputs) {
  const std::string dir = models_dir() + "/";
  for (int threads : {1, 2}) {
    tfl::lite::Interpreter::set_num_threads(threads);
    auto it = tfl::lite::Interpreter::from_file(dir + name + ".tflite");
    CHECK(it->num_inputs() == 1 && it->num_outputs() == outputs);
    const tfl::lite::NpyArray x = tfl::lite::read_npy(dir + name + "_in0.npy");
    CHECK(int64_t(x.data.size()) == it->input(0).size() * 4);
    std::memcpy(it->input(0).data, x.data.data(), x.data.size());
    for (int rep = 0; rep < 2; ++rep) {  // (a second invoke gives the same values)
      it->invoke();
      for (int o = 0; o < outputs; ++o) {
        const auto want = tfl::lite::read_npy(dir + name + "_litert" + std::to_string(o) + ".npy");
        const tfl::TensorView& got = it->output(o);
        CHECK(int64_t(want.data.size()) == got.size() * 4);
        const auto* w = reinterpret_cast<const float*>(want.data.data());
        for (int64_t k = 0; k < got.size(); ++k) CHECK_NEAR(got.ptr<float>()[k], w[k], 1e-5);
      }
    }
  }
}

}  // namespace

TEST_CASE(lite_tutorial_and_cnn_match_litert) {
  check_against_litert("tutorial", 1);
  check_against_litert("cnn_tf", 2);
  check_against_litert("cnn_tf_fp16", 2);
}

// The int8 digits CNN of TF's converter on 200 held-out digits: each probability within one step
// (1/256) of LiteRT's builtin int8 kernels, and the same top-1 for at least 99 %.
TEST_CASE(lite_int8_digits_match_litert) {
  const std::string dir = models_dir() + "/";
  auto it = tfl::lite::Interpreter::from_file(dir + "digits_int8_tf.tflite");
  const auto x = tfl::lite::read_npy(dir + "digits_int8_tf_all_in.npy");
  const auto want = tfl::lite::read_npy(dir + "digits_int8_tf_all_litert.npy");
  CHECK(x.shape.size() == 4 && x.shape[1] == 8 && want.shape.size() == 2 && want.shape[1] == 10);
  const int64_t n = x.shape[0], per = 64 * 4;
  CHECK(int64_t(x.data.size()) == n * per && it->input(0).size() * 4 == per);
  const auto* w = reinterpret_cast<const float*>(want.data.data());
  int64_t same_top = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(it->input(0).data, x.data.data() + i * per, size_t(per));
    it->invoke();
    const float* got = it->output(0).ptr<float>();
    for (int k = 0; k < 10; ++k) CHECK(std::fabs(got[k] - w[i * 10 + k]) <= 1.0f / 256 + 1e-6f);
    same_top += std::max_element(got, got + 10) - got ==
                std::max_element(w + i * 10, w + i * 10 + 10) - (w + i * 10);
  }
  std::printf("  %lld of %lld digits: the same top-1 as LiteRT\n", (long long)same_top,
              (long long)n);
  CHECK(same_top * 100 >= n * 99);
}

TEST_CASE(lite_errors_carry_tf_classes) {
  const std::string dir = models_dir() + "/";
  auto code_of = [&](const std::string& file) {
    try {
      tfl::lite::Interpreter::from_file(dir + file);
    } catch (const tfl::lite::Error& e) {
      return e.code;
    }
    throw tfl_test::Failure{};
  };
  CHECK(code_of("bad_truncated.tflite") == tfl::lite::Code::kDataLoss);
  CHECK(code_of("bad_identifier.tflite") == tfl::lite::Code::kDataLoss);
  CHECK(code_of("bad_vtable.tflite") == tfl::lite::Code::kDataLoss);
  CHECK(code_of("bad_buffer.tflite") == tfl::lite::Code::kInvalidArgument);
  CHECK(code_of("bad_op.tflite") == tfl::lite::Code::kNotFound);
  CHECK(code_of("no_such_model.tflite") == tfl::lite::Code::kNotFound);
  auto it = tfl::lite::Interpreter::from_file(dir + "tutorial.tflite");
  bool threw = false;
  try {
    it->input(1);
  } catch (const tfl::lite::Error& e) {
    threw = e.code == tfl::lite::Code::kInvalidArgument;
  }
  CHECK(threw);
}

TEST_CASE(lite_every_truncation_is_refused) {
  const auto good = file_bytes(models_dir() + "/cnn_tf.tflite");
  CHECK(load_and_run(good));
  for (size_t n = 0; n + 16 < good.size(); n += 7)
    CHECK(!load_and_run(std::vector<uint8_t>(good.begin(), good.begin() + long(n))));
}

// Mutations of `file`: 1 to 4 bytes set to 0, 0xff, a flipped bit or a random value.
void mutate_and_run(const std::string& file, int trials) {
  const auto good = file_bytes(models_dir() + "/" + file);
  std::mt19937 rng(20261206);
  int ran = 0, refused = 0;
  for (int trial = 0; trial < trials; ++trial) {
    auto bad = good;
    const int changes = 1 + int(rng() % 4);
    for (int c = 0; c < changes; ++c) {
      const size_t at = rng() % bad.size();
      const uint32_t kind = rng() % 4;
      bad[at] = kind == 0   ? 0
                : kind == 1 ? 0xff
                : kind == 2 ? uint8_t(bad[at] ^ (1u << (rng() % 8)))
                            : uint8_t(rng());
    }
    (load_and_run(std::move(bad)) ? ran : refused) += 1;
  }
  std::printf("  %s, %d mutated models: %d ran, %d refused\n", file.c_str(), trials, ran, refused);
  CHECK(ran > 0 && refused > 0);
}

// (small models, most of whose bytes are structure rather than weights: the float CNN and the
// int8 digits CNN; TFL_LITE_FUZZ_TRIALS=N for a longer run by hand: 250,000 of the CNN's ran
// clean under ASan + UBSan, after one found a dilation of 10^9 that oneDNN read outside with)
TEST_CASE(lite_mutated_models_load_or_throw) {
  const char* env = std::getenv("TFL_LITE_FUZZ_TRIALS");
  const int trials = env ? std::max(1, std::atoi(env)) : 10000;
  mutate_and_run("cnn_tf.tflite", trials);
  mutate_and_run("digits_int8_tf.tflite", trials);
}
