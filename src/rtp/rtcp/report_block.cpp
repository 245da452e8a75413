// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/report_block.hpp"

#include <algorithm>

#include "presentd/common/byte_writer.hpp"

namespace presentd::rtp::rtcp {

std::optional<ReportBlock> ReportBlock::read(ByteReader& reader) {
  const auto ssrc = reader.u32();
  const auto fraction = reader.u8();
  const auto lost = reader.u24();
  const auto highest = reader.u32();
  const auto jitter = reader.u32();
  const auto lsr = reader.u32();
  const auto dlsr = reader.u32();
  if (!dlsr) return std::nullopt;
  ReportBlock block;
  block.source_ssrc = *ssrc;
  block.fraction_lost = *fraction;
  // Sign-extend the 24-bit two's-complement value.
  block.cumulative_lost =
      (*lost & 0x800000) ? static_cast<std::int32_t>(*lost) - 0x1000000 : static_cast<std::int32_t>(*lost);
  block.extended_highest_sequence = *highest;
  block.jitter = *jitter;
  block.last_sr = *lsr;
  block.delay_since_last_sr = *dlsr;
  return block;
}

void ReportBlock::write(std::vector<std::uint8_t>& out) const {
  ByteWriter writer(out);
  writer.u32(source_ssrc);
  writer.u8(fraction_lost);
  const std::int32_t lost = std::clamp(cumulative_lost, kMinCumulativeLost, kMaxCumulativeLost);
  writer.u24(static_cast<std::uint32_t>(lost) & 0xFFFFFF);
  writer.u32(extended_highest_sequence);
  writer.u32(jitter);
  writer.u32(last_sr);
  writer.u32(delay_since_last_sr);
}

std::optional<std::vector<ReportBlock>> read_report_blocks(ByteReader& reader, std::size_t count) {
  // Check the size first so a forged count cannot make us reserve memory for nothing.
  if (reader.remaining() < count * kReportBlockSize) return std::nullopt;
  std::vector<ReportBlock> blocks;
  blocks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) blocks.push_back(*ReportBlock::read(reader));
  return blocks;
}

}  // namespace presentd::rtp::rtcp
