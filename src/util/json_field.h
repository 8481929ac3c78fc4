// Reading one field of JSON that someone else wrote (lock nodes, markers,
// credentials): a field of the wrong type is treated as absent, because
// json::value() would throw type_error past every caller that expects
// baton::Error.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

namespace baton::util {

// The field `key` of `j` as a T, or nullopt when `j` is not an object, has no
// such field, or holds something that is not a T.
template <class T>
std::optional<T> JsonField(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace baton::util
