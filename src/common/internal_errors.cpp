// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/internal_errors.hpp"

#include <cxxabi.h>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <typeinfo>

#include "presentd/common/log.hpp"

namespace presentd {
namespace {
std::array<std::atomic<std::uint64_t>, kErrorSites.size()> g_counts{};

// The dynamic type of the exception being handled ("presentd::dtls::DtlsError"): it names the
// layer that threw when the message alone does not.
std::string exception_type_name() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return "unknown";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type->name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type->name());
}
}  // namespace

std::string_view to_string(ErrorSite site) {
  switch (site) {
    case ErrorSite::event_loop: return "event_loop";
    case ErrorSite::session: return "session";
    case ErrorSite::decoder: return "decoder";
    case ErrorSite::render: return "render";
    case ErrorSite::snapshot: return "snapshot";
  }
  return "unknown";
}

void report_current_exception(ErrorSite site, std::string_view tag, std::string_view running) noexcept {
  g_counts[static_cast<std::size_t>(site)].fetch_add(1, std::memory_order_relaxed);
  try {
    PD_LOG(error, tag) << "internal error in " << running << ", contained (" << to_string(site)
                       << "): " << exception_type_name() << ": " << current_exception_message();
  } catch (...) {  // logging itself failed (out of memory): the count above still tells
  }
}

std::string_view current_exception_message() noexcept {
  try {
    throw;
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

std::uint64_t internal_error_count(ErrorSite site) {
  return g_counts[static_cast<std::size_t>(site)].load(std::memory_order_relaxed);
}

}  // namespace presentd
