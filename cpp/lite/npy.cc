// lite/npy.cc: .npy files (npy.h).
#include "lite/npy.h"

#include <fstream>
#include <iterator>

#include "lite/error.h"

namespace tfl::lite {

namespace {

struct Descr {
  const char* text;
  DType dtype;
};
constexpr Descr kDescrs[] = {
    {"<f4", DType::kFloat32}, {"<f8", DType::kFloat64}, {"<i4", DType::kInt32},
    {"<i8", DType::kInt64},   {"|b1", DType::kBool},    {"|i1", DType::kInt8},
    {"|u1", DType::kUInt8},   {"<i2", DType::kInt16},   {"<f2", DType::kFloat16},
};

// The value after 'key': in the header's dict text.
std::string field(const std::string& header, const std::string& key, const std::string& path) {
  const size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    throw Error(Code::kDataLoss, "'" + path + "': the .npy header has no '" + key + "'");
  size_t p = header.find(':', k);
  if (p == std::string::npos) throw Error(Code::kDataLoss, "'" + path + "': bad .npy header");
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  size_t e = p;
  if (p < header.size() && header[p] == '(') {
    e = header.find(')', p);
    if (e == std::string::npos) throw Error(Code::kDataLoss, "'" + path + "': bad .npy shape");
    return header.substr(p + 1, e - p - 1);
  }
  while (e < header.size() && header[e] != ',' && header[e] != '}') ++e;
  return header.substr(p, e - p);
}

}  // namespace

NpyArray read_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(Code::kNotFound, "could not open '" + path + "'");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                                   std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    throw Error(Code::kDataLoss, "'" + path + "' is not a .npy file");
  const int major = bytes[6];
  size_t hlen, start;
  if (major == 1) {
    hlen = size_t(bytes[8]) | size_t(bytes[9]) << 8;
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(Code::kDataLoss, "'" + path + "' is truncated");
    hlen = size_t(bytes[8]) | size_t(bytes[9]) << 8 | size_t(bytes[10]) << 16 |
           size_t(bytes[11]) << 24;
    start = 12;
  } else {
    throw Error(Code::kDataLoss, "'" + path + "': .npy version " + std::to_string(major));
  }
  if (hlen > bytes.size() - start) throw Error(Code::kDataLoss, "'" + path + "' is truncated");
  const std::string header(bytes.begin() + long(start), bytes.begin() + long(start + hlen));
  NpyArray a;
  std::string descr = field(header, "descr", path);
  if (descr.size() >= 2) descr = descr.substr(1, descr.size() - 2);  // (quotes)
  bool known = false;
  for (const Descr& d : kDescrs)
    if (descr == d.text) a.dtype = d.dtype, known = true;
  if (!known) throw Error(Code::kUnimplemented, "'" + path + "': dtype '" + descr + "'");
  if (field(header, "fortran_order", path) != "False")
    throw Error(Code::kUnimplemented, "'" + path + "': Fortran order");
  const std::string dims = field(header, "shape", path);
  int64_t n = 1;
  size_t p = 0;
  while (p < dims.size()) {
    while (p < dims.size() && (dims[p] == ' ' || dims[p] == ',')) ++p;
    if (p >= dims.size()) break;
    size_t e = p;
    while (e < dims.size() && dims[e] >= '0' && dims[e] <= '9') ++e;
    if (e == p || e - p > 12) throw Error(Code::kDataLoss, "'" + path + "': bad shape");
    a.shape.push_back(std::stoll(dims.substr(p, e - p)));
    n = checked_mul("npy", n, a.shape.back());
    p = e;
  }
  if (a.shape.size() > size_t(kMaxDims))
    throw Error(Code::kInvalidArgument, "'" + path + "': rank over " + std::to_string(kMaxDims));
  const size_t nbytes = checked_bytes("npy", n, dtype_size(a.dtype));
  const size_t data_at = start + hlen;
  if (bytes.size() - data_at < nbytes)
    throw Error(Code::kDataLoss, "'" + path + "' holds " + std::to_string(bytes.size() - data_at) +
                                     " data bytes; its header says " + std::to_string(nbytes));
  a.data.assign(bytes.begin() + long(data_at), bytes.begin() + long(data_at + nbytes));
  return a;
}

void write_npy(const std::string& path, const TensorView& v) {
  const char* descr = nullptr;
  for (const Descr& d : kDescrs)
    if (d.dtype == v.dtype) descr = d.text;
  if (!descr)
    throw Error(Code::kUnimplemented, std::string("no .npy dtype for ") + dtype_name(v.dtype));
  std::string shape = "(";
  for (int i = 0; i < v.ndim; ++i)
    shape += std::to_string(v.shape[i]) + (v.ndim == 1 ? "," : i + 1 < v.ndim ? ", " : "");
  shape += ")";
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error(Code::kNotFound, "could not write '" + path + "'");
  const uint8_t pre[10] = {0x93,
                           'N',
                           'U',
                           'M',
                           'P',
                           'Y',
                           1,
                           0,
                           uint8_t(header.size() & 0xff),
                           uint8_t(header.size() >> 8)};
  f.write(reinterpret_cast<const char*>(pre), 10);
  f.write(header.data(), long(header.size()));
  f.write(static_cast<const char*>(v.data), long(v.size() * dtype_size(v.dtype)));
  if (!f) throw Error(Code::kDataLoss, "writing '" + path + "' failed");
}

}  // namespace tfl::lite
