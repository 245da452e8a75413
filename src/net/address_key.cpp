// SPDX-License-Identifier: Apache-2.0
#include "presentd/net/address_key.hpp"

#include <algorithm>

namespace presentd::net {

std::string address_key(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);  // the interface identifier: the host's to choose
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace presentd::net
