#include "layout/layout.h"

namespace baton::layout {

const Layout& Named(std::string_view name) {
  if (name == Marathon().name()) return Marathon();
  throw Error("unknown layout '" + std::string(name) + "': the known one is marathon",
              ErrorKind::kInvalidInput);
}

}  // namespace baton::layout
