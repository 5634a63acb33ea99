// CRC-32C: published check values, TensorFlow's masking, and the hardware path against the
// portable one at every length and alignment.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "crc32c.h"
#include "harness.h"

namespace {
uint32_t crc_of(const std::vector<uint8_t>& v) { return tfl::crc32c_extend(0, v.data(), v.size()); }
}  // namespace

TEST_CASE(crc32c_check_values) {
  // The standard check value and the iSCSI test vectors of RFC 3720, B.4.
  const char* digits = "123456789";
  CHECK(tfl::crc32c_extend(0, digits, 9) == 0xE3069283u);
  CHECK(tfl::crc32c_extend_portable(0, digits, 9) == 0xE3069283u);
  CHECK(crc_of(std::vector<uint8_t>(32, 0x00)) == 0x8A9136AAu);
  CHECK(crc_of(std::vector<uint8_t>(32, 0xFF)) == 0x62A8AB43u);
  std::vector<uint8_t> up(32), down(32);
  for (int i = 0; i < 32; ++i) {
    up[size_t(i)] = uint8_t(i);
    down[size_t(i)] = uint8_t(31 - i);
  }
  CHECK(crc_of(up) == 0x46DD794Eu);
  CHECK(crc_of(down) == 0x113FDB5Cu);
  CHECK(tfl::crc32c_extend(0, digits, 0) == 0u);
}

TEST_CASE(crc32c_extend_composes) {
  const std::string s = "hello world, this is a longer string of bytes";
  const uint32_t whole = tfl::crc32c_extend(0, s.data(), s.size());
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    const uint32_t head = tfl::crc32c_extend(0, s.data(), cut);
    CHECK(tfl::crc32c_extend(head, s.data() + cut, s.size() - cut) == whole);
  }
}

TEST_CASE(crc32c_mask_roundtrip) {
  // TensorFlow's masked CRC of "foo" (tensorflow/core/lib/hash/crc32c_test.cc checks the round
  // trip and that masking changes the value, twice).
  const uint32_t c = tfl::crc32c_extend(0, "foo", 3);
  CHECK(tfl::crc32c_mask(c) != c);
  CHECK(tfl::crc32c_mask(tfl::crc32c_mask(c)) != c);
  CHECK(tfl::crc32c_unmask(tfl::crc32c_mask(c)) == c);
  CHECK(tfl::crc32c_unmask(tfl::crc32c_unmask(tfl::crc32c_mask(tfl::crc32c_mask(c)))) == c);
  CHECK(tfl::crc32c_mask(0) == tfl::kCrc32cMaskDelta);
}

TEST_CASE(crc32c_hardware_equals_portable) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(4096 + 16);
  for (auto& b : buf) b = uint8_t(rng());
  for (size_t off = 0; off < 16; ++off)
    for (size_t n : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), size_t(15), size_t(16),
                     size_t(17), size_t(63), size_t(1023), size_t(4096)})
      CHECK(tfl::crc32c_extend(0x1234u, buf.data() + off, n) ==
            tfl::crc32c_extend_portable(0x1234u, buf.data() + off, n));
  std::printf("  crc32c backend: %s\n", tfl::crc32c_backend());
}
