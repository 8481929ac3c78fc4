#include "zk/wire/jute.h"

#include "baton/error.h"

namespace baton::zk::wire {

void Encoder::Int(int32_t value) {
  auto bits = static_cast<uint32_t>(value);
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<char>(bits >> shift));
}

void Encoder::Long(int64_t value) {
  auto bits = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<char>(bits >> shift));
}

void Encoder::Bool(bool value) { out_.push_back(value ? 1 : 0); }

void Encoder::Buffer(std::string_view bytes) {
  // ZooKeeper refuses anything near 2 GB long before; this only keeps the
  // length field honest.
  if (bytes.size() > INT32_MAX) throw Error("a ZooKeeper request field is over 2 GB");
  Int(static_cast<int32_t>(bytes.size()));
  out_.append(bytes);
}

void Encoder::NullBuffer() { Int(-1); }

const char* Decoder::Take(size_t count) {
  if (count > remaining()) Malformed("truncated");
  const char* at = in_.data() + pos_;
  pos_ += count;
  return at;
}

int32_t Decoder::Int() {
  const auto* at = reinterpret_cast<const unsigned char*>(Take(4));
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) bits = (bits << 8) | at[i];
  return static_cast<int32_t>(bits);
}

int64_t Decoder::Long() {
  const auto* at = reinterpret_cast<const unsigned char*>(Take(8));
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | at[i];
  return static_cast<int64_t>(bits);
}

// Any non-zero byte is true, as ZooKeeper's own reader takes it.
bool Decoder::Bool() { return *Take(1) != 0; }

std::string Decoder::Buffer() {
  int32_t length = Int();
  if (length == -1) return {};
  if (length < 0) Malformed("negative length");
  if (static_cast<size_t>(length) > remaining()) Malformed("length past the end");
  return std::string(Take(static_cast<size_t>(length)), static_cast<size_t>(length));
}

int32_t Decoder::VectorSize(int32_t max_count, size_t min_entry_bytes) {
  int32_t count = Int();
  if (count == -1) return 0;
  if (count < 0) Malformed("negative count");
  if (count > max_count) Malformed("too many entries");
  if (min_entry_bytes > 0 && static_cast<size_t>(count) > remaining() / min_entry_bytes) {
    Malformed("count past the end");
  }
  return count;
}

void Decoder::ExpectEnd() const {
  if (remaining() != 0) Malformed("trailing bytes");
}

void Decoder::Malformed(std::string_view why) const {
  throw Error("malformed " + std::string(what_) + " from ZooKeeper (" + std::string(why) +
                  " at byte " + std::to_string(pos_) + ")",
              ErrorKind::kUnavailable);
}

}  // namespace baton::zk::wire
