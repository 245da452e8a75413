// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/sdp_lines.hpp"

#include <sstream>

#include "presentd/sdp/text.hpp"

namespace presentd::sdp {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::too_large: return 413;
    case ErrorCode::unsupported_offer: return 422;
    case ErrorCode::no_common_codec: return 406;
    case ErrorCode::bad_config: return 500;
    case ErrorCode::too_many_lines:
    case ErrorCode::line_too_long:
    case ErrorCode::too_many_items:
    case ErrorCode::malformed_line:
    case ErrorCode::bad_attribute:
    case ErrorCode::missing_field: return 400;
  }
  return 400;
}

Error make_error(ErrorCode code, std::size_t line, const std::string& what) {
  if (line == 0) return Error{code, 0, what};
  std::ostringstream out;
  out << "line " << line << ": " << what;
  return Error{code, line, out.str()};
}

Result<std::vector<SdpLine>> split_sdp_lines(std::string_view body) {
  if (body.size() > kMaxSdpSize) {
    std::ostringstream what;
    what << "SDP body of " << body.size() << " bytes exceeds the limit of " << kMaxSdpSize;
    return make_error(ErrorCode::too_large, 0, what.str());
  }
  std::vector<SdpLine> lines;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view raw = body.substr(start, end - start);
    start = end + 1;
    ++number;
    if (number > kMaxSdpLines) return make_error(ErrorCode::too_many_lines, number, "too many lines");
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    if (raw.size() > kMaxLineLength) return make_error(ErrorCode::line_too_long, number, "line too long");
    raw = text::trim(raw);
    if (raw.empty()) continue;
    if (raw.size() < 2 || raw[1] != '=' || raw[0] < 'a' || raw[0] > 'z') {
      return make_error(ErrorCode::malformed_line, number, "not a <type>=<value> line");
    }
    for (const char c : raw) {
      // NUL and other controls have no place in SDP text (RFC 8866 §9: no CR/LF/NUL in values).
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        return make_error(ErrorCode::malformed_line, number, "control character in line");
      }
    }
    lines.push_back(SdpLine{number, raw[0], raw.substr(2)});
  }
  return lines;
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  // char may alias any object type, so viewing the bytes as chars is well defined.
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

AttributeView split_attribute(std::string_view attribute) {
  const auto colon = attribute.find(':');
  if (colon == std::string_view::npos) return {attribute, {}, false};
  return {attribute.substr(0, colon), attribute.substr(colon + 1), true};
}

}  // namespace presentd::sdp
