// Small path helpers; silt paths are plain '/'-separated strings.
#pragma once

#include <string>
#include <string_view>

namespace silt {

// "a" + "b" -> "a/b" (no doubled '/').
std::string JoinPath(std::string_view dir, std::string_view name);
// "a/b/c" -> "a/b"; "c" -> "."; "/c" -> "/".
std::string DirName(std::string_view path);
// "a/b/c" -> "c".
std::string BaseName(std::string_view path);

}  // namespace silt
