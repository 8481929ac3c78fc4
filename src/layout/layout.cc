#include "layout/layout.h"

#include <spdlog/fmt/fmt.h>

#include "layout/tree/tree_layout.h"

namespace baton::layout {

const std::vector<const Layout*>& All() {
  static const std::vector<const Layout*> all = {&Marathon(), &Tree()};
  return all;
}

std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (const Layout* layout : All()) names.emplace_back(layout->name());
  return names;
}

const Layout& Named(std::string_view name) {
  for (const Layout* layout : All()) {
    if (layout->name() == name) return *layout;
  }
  throw Error("unknown layout '" + std::string(name) + "': the known ones are " +
                  fmt::format("{}", fmt::join(Names(), ", ")),
              ErrorKind::kInvalidInput);
}

const Layout& OfEntry(std::string_view name) {
  return name.starts_with(kTreeEntryPrefix) ? Tree() : Marathon();
}

}  // namespace baton::layout
