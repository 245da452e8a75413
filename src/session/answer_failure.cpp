// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/answer_failure.hpp"

#include <chrono>

namespace presentd::session {

Refusal answer_refusal(const AnswerFailure& failure) {
  using Kind = AnswerFailure::Kind;
  const std::string reason = failure.message.empty() ? "cannot answer" : failure.message;
  switch (failure.kind) {
    case Kind::offer: return {Refusal::Kind::bad_offer, reason, failure.sdp_code};
    case Kind::no_network: return {Refusal::Kind::unavailable, reason, {}, std::chrono::seconds(5)};
    case Kind::ended:
      return {Refusal::Kind::unavailable,
              "the session ended before it was answered: " + reason,
              {},
              std::chrono::seconds(5)};
    case Kind::internal: return {Refusal::Kind::internal, reason};
  }
  return {Refusal::Kind::internal, reason};
}

}  // namespace presentd::session
