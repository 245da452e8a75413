// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/rtcp_packet.hpp"

namespace presentd::rtp::rtcp {

std::optional<PacketView> parse_packet(std::span<const std::uint8_t> data) {
  ByteReader reader(data);
  const auto b0 = reader.u8();
  const auto type = reader.u8();
  const auto words = reader.u16();
  if (!words) return std::nullopt;
  if ((*b0 >> 6) != 2) return std::nullopt;
  const std::size_t size = (static_cast<std::size_t>(*words) + 1) * 4;
  if (size > data.size()) return std::nullopt;
  PacketView view;
  view.count = static_cast<std::uint8_t>(*b0 & 0x1F);
  view.type = *type;
  view.data = data.first(size);
  view.body = view.data.subspan(kHeaderSize);
  if ((*b0 & 0x20) != 0) {
    // The last byte counts the padding including itself; it may not eat into the header.
    const std::size_t padding = view.body.empty() ? 0 : view.body.back();
    if (padding == 0 || padding > view.body.size()) return std::nullopt;
    view.body = view.body.first(view.body.size() - padding);
  }
  return view;
}

std::optional<PacketView> CompoundReader::next() {
  if (error_ || rest_.empty()) return std::nullopt;
  auto view = parse_packet(rest_);
  if (!view) {
    error_ = true;
    return std::nullopt;
  }
  rest_ = rest_.subspan(view->data.size());
  return view;
}

std::size_t begin_packet(std::vector<std::uint8_t>& out, std::uint8_t count, std::uint8_t type) {
  ByteWriter writer(out);
  const std::size_t start = writer.size();
  writer.u8(static_cast<std::uint8_t>(0x80 | (count & 0x1F)));
  writer.u8(type);
  writer.u16(0);
  return start;
}

void finish_packet(std::vector<std::uint8_t>& out, std::size_t start, bool padding_bit) {
  ByteWriter writer(out);
  const std::size_t pad = (4 - (writer.size() - start) % 4) % 4;
  if (pad > 0 && padding_bit) {
    writer.zeros(pad - 1);
    writer.u8(static_cast<std::uint8_t>(pad));
    out.at(start) = static_cast<std::uint8_t>(out.at(start) | 0x20);
  } else {
    writer.zeros(pad);
  }
  writer.patch_u16(start + 2, static_cast<std::uint16_t>((writer.size() - start) / 4 - 1));
}

std::optional<FeedbackHeader> read_feedback_header(ByteReader& reader) {
  const auto sender = reader.u32();
  const auto media = reader.u32();
  if (!media) return std::nullopt;
  return FeedbackHeader{*sender, *media};
}

std::optional<FeedbackHeader> read_feedback_header_and_fci(ByteReader& reader, std::size_t entry_size) {
  const auto header = read_feedback_header(reader);
  if (!header || reader.empty() || reader.remaining() % entry_size != 0) return std::nullopt;
  return header;
}

}  // namespace presentd::rtp::rtcp
