// Jute, the binary encoding of ZooKeeper's wire protocol: big-endian int32
// ("int") and int64 ("long"), a byte for a boolean, an int32 length before a
// buffer or a string (-1 for null), an int32 count before a vector (-1 for
// null). Records are their fields in order, with no tag or padding.
//
// The Decoder reads what a server sent: it never reads past its input and
// throws baton::Error (ErrorKind::kUnavailable: the server's answer cannot be
// used, the connection carrying it neither) on a truncated or malformed one.
//
// Thread safety: none needed; each object belongs to one caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace baton::zk::wire {

class Encoder {
 public:
  void Int(int32_t value);
  void Long(int64_t value);
  void Bool(bool value);
  // A buffer or a ustring (the same bytes on the wire).
  void Buffer(std::string_view bytes);
  void NullBuffer();
  void String(std::string_view text) { Buffer(text); }
  void VectorSize(int32_t count) { Int(count); }

  const std::string& bytes() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Decoder {
 public:
  // `what` names the record in error messages ("getData reply").
  Decoder(std::string_view in, std::string_view what) : in_(in), what_(what) {}

  int32_t Int();
  int64_t Long();
  bool Bool();
  // A buffer or ustring; null reads as empty. At most remaining() bytes.
  std::string Buffer();
  std::string String() { return Buffer(); }
  // A vector's count, null as 0. Refuses more than `max_count` entries, or
  // more than the rest of the input could hold at `min_entry_bytes` each, so
  // that a caller may reserve() what it returns.
  int32_t VectorSize(int32_t max_count, size_t min_entry_bytes);

  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  // Throws unless every byte was read.
  void ExpectEnd() const;
  // Throws baton::Error naming the record and the offset.
  [[noreturn]] void Malformed(std::string_view why) const;

 private:
  const char* Take(size_t count);

  std::string_view in_;
  std::string_view what_;
  size_t pos_ = 0;
};

}  // namespace baton::zk::wire
