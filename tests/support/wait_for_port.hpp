// SPDX-License-Identifier: Apache-2.0
#pragma once
// Waits until something accepts TCP connections on address:port (a server the test started is
// ready), trying every 50 ms. False when nothing listens within `timeout`.
#include <chrono>
#include <cstdint>
#include <string>

namespace presentd::test {

bool wait_for_tcp_listener(const std::string& address, std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace presentd::test
