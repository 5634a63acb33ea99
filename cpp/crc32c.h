// crc32c.h: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord event files and
// checkpoint bundles store it. Hardware CRC32 instructions where the CPU has them (x86-64 SSE4.2),
// slicing-by-8 tables elsewhere; both give identical results.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tfl {

// The CRC-32C of data[0, n), continuing from `crc` (the CRC of what came before; 0 to start).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
// The same with the portable table-driven code (used where no instruction exists; tested against
// the hardware path).
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t n);

// TensorFlow's masking (storing a CRC of data that itself contains CRCs is error-prone):
// rotate right by 15 bits and add a constant.
constexpr uint32_t kCrc32cMaskDelta = 0xa282ead8u;
inline uint32_t crc32c_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrc32cMaskDelta; }
inline uint32_t crc32c_unmask(uint32_t masked) {
  const uint32_t rot = masked - kCrc32cMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// Which implementation crc32c_extend uses: "sse4.2" or "portable".
const char* crc32c_backend();

}  // namespace tfl
