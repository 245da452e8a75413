// SPDX-License-Identifier: Apache-2.0
#pragma once
// Errors of the SDP parsers and the answer builder, and a small result type that carries either a
// value or such an error. The WHIP endpoint maps the error code onto an HTTP status (see
// http_status()) and sends the message as the plain-text reason, so messages name the line and
// what is wrong but never echo attacker-controlled text at length.
// Thread: none of its own; value types.
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace presentd::sdp {

enum class ErrorCode {
  too_large,          // the whole body exceeds kMaxSdpSize
  too_many_lines,     // more lines than kMaxSdpLines
  line_too_long,      // one line exceeds kMaxLineLength
  too_many_items,     // too many m-lines, candidates, codecs ... (each list is bounded)
  malformed_line,     // not "<letter>=<value>", or a bad v=/o=/m=/c=/b= line
  bad_attribute,      // an a= line we rely on (rtpmap, candidate, extmap ...) is malformed
  missing_field,      // something the offer must carry is absent (o=, m=, ice-ufrag, fingerprint)
  unsupported_offer,  // well formed, but asks for what we do not do (no rtcp-mux, recvonly, holdconn)
  no_common_codec,    // well formed, but no m-line offers a codec we decode (or forward)
  bad_config,         // the caller's configuration of a builder is unusable: our bug, not the offer's
};

struct Error {
  ErrorCode code = ErrorCode::malformed_line;
  std::size_t line = 0;  // 1-based; 0 when the error is not tied to one line
  std::string message;   // "line 12: a=rtpmap: payload type out of range"
};

// The HTTP status a WHIP endpoint answers with (RFC 9725 §4.2 leaves the choice to HTTP
// semantics): a body that is not valid SDP, or that lacks what ICE/DTLS need, is 400 Bad Request;
// a well-formed offer whose transport we cannot serve (no rtcp-mux, nothing sent to us, holdconn)
// is 422 Unprocessable Content (RFC 9110 §15.5.21: right content type, correct syntax, but the
// instructions cannot be processed). An offer without any codec we decode is 406 Not Acceptable:
// the issue and docs/protocol.md promise senders that status for "no common codec", as SIP's
// 488/606 do, and it lets a client tell "try another codec" from "fix your offer".
// Too large a body is 413 Content Too Large. A builder configured wrongly (bad_config) is the box's
// own fault: 500 Internal Server Error.
int http_status(ErrorCode code);

template <class T>
class [[nodiscard]] Result {
public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T* operator->() const { return &std::get<T>(state_); }
  const T& operator*() const& { return std::get<T>(state_); }
  const Error& error() const { return std::get<Error>(state_); }

private:
  std::variant<T, Error> state_;
};

// "line <n>: <what>" (or just <what> for line 0).
Error make_error(ErrorCode code, std::size_t line, const std::string& what);

}  // namespace presentd::sdp
