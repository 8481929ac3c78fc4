#include "layout/layout.h"

#include "layout/tree/tree_layout.h"

namespace baton::layout {

const Layout& Named(std::string_view name) {
  if (name == Marathon().name()) return Marathon();
  if (name == Tree().name()) return Tree();
  throw Error("unknown layout '" + std::string(name) + "': the known ones are marathon and tree",
              ErrorKind::kInvalidInput);
}

const Layout& OfEntry(std::string_view name) {
  return name.starts_with(kTreeEntryPrefix) ? Tree() : Marathon();
}

}  // namespace baton::layout
