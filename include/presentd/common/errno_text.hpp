// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <system_error>

namespace presentd {

// The text of an errno value. std::strerror may share one buffer between threads (clang-tidy's
// concurrency-mt-unsafe); the generic category's message builds its own string.
inline std::string errno_text(int error) { return std::generic_category().message(error); }

}  // namespace presentd
