// SPDX-License-Identifier: Apache-2.0
// XEP-0198 bookkeeping: acknowledged stanzas are dropped, the rest are handed back on
// resumption, an h beyond what was sent is refused, and inbound counting
// starts only with <enabled/>.
#include <gtest/gtest.h>

#include "presentd/signaling/xmpp/stream_management.hpp"

namespace presentd::xmpp {
namespace {

TEST(StreamManagement, AcknowledgesAndResendsWhatIsLeft) {
  StreamManagement sm;
  sm.requested();
  sm.count_inbound();  // before <enabled/>: the server does not count these yet
  sm.enabled("resume-1");
  EXPECT_EQ(sm.inbound(), 0u);
  sm.count_inbound();
  sm.count_inbound();
  EXPECT_EQ(sm.inbound(), 2u);
  for (const char* s : {"<a1/>", "<a2/>", "<a3/>"}) sm.sent(s);
  EXPECT_TRUE(sm.acknowledged(1));
  EXPECT_EQ(sm.unacked(), 2u);
  EXPECT_FALSE(sm.acknowledged(7)) << "h beyond what was sent";
  sm.suspend();
  EXPECT_TRUE(sm.can_resume());
  EXPECT_FALSE(sm.active());
  const auto resend = sm.resumed(2);
  ASSERT_EQ(resend.size(), 1u);
  EXPECT_EQ(resend.front(), "<a3/>");
  EXPECT_TRUE(sm.active());
  EXPECT_EQ(sm.inbound(), 2u) << "inbound count survives the resumption";
  sm.reset();
  EXPECT_FALSE(sm.can_resume());
}

TEST(StreamManagement, KeepsABoundedQueue) {
  StreamManagement sm;
  sm.requested();
  for (std::size_t i = 0; i < StreamManagement::kMaxUnacked + 10; ++i) sm.sent("<x/>");
  EXPECT_EQ(sm.unacked(), StreamManagement::kMaxUnacked);
  EXPECT_TRUE(sm.acknowledged(StreamManagement::kMaxUnacked + 10));
  EXPECT_EQ(sm.unacked(), 0u);
}

}  // namespace
}  // namespace presentd::xmpp
