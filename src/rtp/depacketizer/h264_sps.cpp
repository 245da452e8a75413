// SPDX-License-Identifier: Apache-2.0
#include "rtp/depacketizer/h264_sps.hpp"

#include <algorithm>

namespace presentd::rtp {
namespace {

// Reads the RBSP bit by bit, skipping each emulation prevention byte (0x03 after two zero
// bytes, §7.4.1). Every read reports running out instead of reading past the end.
class RbspBits {
public:
  explicit RbspBits(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::optional<std::uint32_t> bit() {
    if (bit_in_byte_ == 0 && !next_byte()) return std::nullopt;
    --bit_in_byte_;
    return (current_ >> bit_in_byte_) & 1U;
  }

  std::optional<std::uint32_t> bits(int count) {
    std::uint32_t value = 0;
    for (int i = 0; i < count; ++i) {
      const auto b = bit();
      if (!b) return std::nullopt;
      value = (value << 1) | *b;
    }
    return value;
  }

  // ue(v), §9.1. More than 31 leading zeros cannot be a value any SPS field takes.
  std::optional<std::uint32_t> ue() {
    int leading_zeros = 0;
    for (;;) {
      const auto b = bit();
      if (!b) return std::nullopt;
      if (*b == 1) break;
      if (++leading_zeros > 31) return std::nullopt;
    }
    const auto rest = bits(leading_zeros);
    if (!rest) return std::nullopt;
    return static_cast<std::uint32_t>((std::uint64_t{1} << leading_zeros) - 1 + *rest);
  }

  // se(v), §9.1.1: only skipped here, so its value is not needed.
  bool skip_se() { return ue().has_value(); }

private:
  bool next_byte() {
    if (position_ >= bytes_.size()) return false;
    if (zeros_ >= 2 && bytes_[position_] == 0x03) {
      ++position_;
      zeros_ = 0;
      if (position_ >= bytes_.size()) return false;
    }
    current_ = bytes_[position_++];
    zeros_ = current_ == 0 ? zeros_ + 1 : 0;
    bit_in_byte_ = 8;
    return true;
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
  int zeros_ = 0;
  std::uint8_t current_ = 0;
  int bit_in_byte_ = 0;
};

// The profiles whose SPS carries chroma format, bit depths and scaling lists (§7.3.2.1.1).
bool has_chroma_fields(std::uint32_t profile_idc) {
  constexpr std::uint32_t kProfiles[] = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};
  return std::find(std::begin(kProfiles), std::end(kProfiles), profile_idc) != std::end(kProfiles);
}

// scaling_list() of §7.3.2.1.1.1: only walked past.
bool skip_scaling_list(RbspBits& in, int size) {
  int last_scale = 8;
  int next_scale = 8;
  for (int j = 0; j < size; ++j) {
    if (next_scale != 0) {
      const auto code = in.ue();
      if (!code) return false;
      // se(v) from its ue(v) code: 1 → 1, 2 → -1, 3 → 2 ...
      const long delta = (*code & 1U) ? static_cast<long>((*code + 1) / 2) : -static_cast<long>(*code / 2);
      next_scale = static_cast<int>(((last_scale + delta) % 256 + 256) % 256);
    }
    if (next_scale != 0) last_scale = next_scale;
  }
  return true;
}

}  // namespace

std::optional<PictureSize> h264_sps_picture_size(std::span<const std::uint8_t> sps) {
  RbspBits in(sps);
  const auto profile_idc = in.bits(8);
  if (!profile_idc || !in.bits(16) /* constraint flags, level_idc */ || !in.ue() /* seq_parameter_set_id */) {
    return std::nullopt;
  }
  std::uint32_t chroma_format_idc = 1;
  if (has_chroma_fields(*profile_idc)) {
    const auto chroma = in.ue();
    if (!chroma || *chroma > 3) return std::nullopt;
    chroma_format_idc = *chroma;
    if (chroma_format_idc == 3 && !in.bit()) return std::nullopt;  // separate_colour_plane_flag
    if (!in.ue() || !in.ue() || !in.bit()) return std::nullopt;    // bit depths, qpprime flag
    const auto scaling_matrix = in.bit();
    if (!scaling_matrix) return std::nullopt;
    if (*scaling_matrix) {
      const int lists = chroma_format_idc == 3 ? 12 : 8;
      for (int i = 0; i < lists; ++i) {
        const auto present = in.bit();
        if (!present) return std::nullopt;
        if (*present && !skip_scaling_list(in, i < 6 ? 16 : 64)) return std::nullopt;
      }
    }
  }
  if (!in.ue()) return std::nullopt;  // log2_max_frame_num_minus4
  const auto poc_type = in.ue();
  if (!poc_type || *poc_type > 2) return std::nullopt;
  if (*poc_type == 0) {
    if (!in.ue()) return std::nullopt;  // log2_max_pic_order_cnt_lsb_minus4
  } else if (*poc_type == 1) {
    if (!in.bit() || !in.skip_se() || !in.skip_se()) return std::nullopt;
    const auto cycle = in.ue();
    if (!cycle || *cycle > 255) return std::nullopt;
    for (std::uint32_t i = 0; i < *cycle; ++i) {
      if (!in.skip_se()) return std::nullopt;
    }
  }
  if (!in.ue() || !in.bit()) return std::nullopt;  // max_num_ref_frames, gaps flag
  const auto width_in_mbs_minus1 = in.ue();
  const auto height_in_map_units_minus1 = in.ue();
  const auto frame_mbs_only = in.bit();
  if (!width_in_mbs_minus1 || !height_in_map_units_minus1 || !frame_mbs_only) return std::nullopt;
  if (!*frame_mbs_only && !in.bit()) return std::nullopt;  // mb_adaptive_frame_field_flag
  if (!in.bit()) return std::nullopt;                      // direct_8x8_inference_flag
  const auto cropping = in.bit();
  if (!cropping) return std::nullopt;

  // In 64 bits: ue(v) values reach 2^32 - 2, so the products cannot overflow here.
  const std::uint64_t field_factor = 2 - *frame_mbs_only;
  std::uint64_t width = (std::uint64_t{*width_in_mbs_minus1} + 1) * 16;
  std::uint64_t height = (std::uint64_t{*height_in_map_units_minus1} + 1) * 16 * field_factor;
  if (*cropping) {
    // Table 6-1: crop units are chroma samples (4:2:0 halves both, 4:2:2 only the width).
    const std::uint64_t unit_x = (chroma_format_idc == 1 || chroma_format_idc == 2) ? 2 : 1;
    const std::uint64_t unit_y = (chroma_format_idc == 1 ? 2 : 1) * field_factor;
    const auto left = in.ue();
    const auto right = in.ue();
    const auto top = in.ue();
    const auto bottom = in.ue();
    if (!left || !right || !top || !bottom) return std::nullopt;
    const std::uint64_t crop_x = unit_x * (std::uint64_t{*left} + *right);
    const std::uint64_t crop_y = unit_y * (std::uint64_t{*top} + *bottom);
    if (crop_x >= width || crop_y >= height) return std::nullopt;
    width -= crop_x;
    height -= crop_y;
  }
  // Sizes beyond 32 bits are clamped: anything that large is refused by every cap anyway.
  constexpr std::uint64_t kMax = 0xFFFFFFFFULL;
  return PictureSize{static_cast<std::uint32_t>(std::min(width, kMax)),
                     static_cast<std::uint32_t>(std::min(height, kMax))};
}

}  // namespace presentd::rtp
