// Arbitrary bytes as a ZooKeeper reply to Baton's own read path: the first
// byte picks the decoder, the rest is the reply frame. Each reply is decoded
// or refused with baton::Error, never read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "baton/error.h"
#include "zk/wire/protocol.h"

namespace {

using namespace baton::zk::wire;

void Decode(uint8_t which, std::string_view body) {
  switch (which % 7) {
    case 0:
      DecodeConnectResponse(body);
      break;
    case 1:
      DecodeGetData(body);
      break;
    case 2:
      DecodeGetChildren2(body);
      break;
    case 3:
      DecodeExists(body);
      break;
    case 4:
      DecodeGetAcl(body);
      break;
    case 5:
      DecodeSync(body);
      break;
    default:
      // At most as many results as the ops a batch sends.
      if (DecodeMultiRead(body, 1000).size() > 1000) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    // As the session reads it: a length, then a header and the body.
    size_t length = FrameLength(input.substr(0, 4));
    if (length > input.size() - 4) return 0;  // the session would wait for more
    Reply reply = DecodeReply(std::string(input.substr(4, length)));
    Decode(data[0], reply.body());
  } catch (const baton::Error&) {
  }
  return 0;
}
