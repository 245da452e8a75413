// SPDX-License-Identifier: Apache-2.0
#pragma once
// VP9 RTP depacketizer (RFC 9628), flexible and non-flexible mode.
// Thread: event loop, one instance per video stream.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::rtp {

// RFC 9628 §4.2.1 scalability structure. Sizes and the picture group are kept as counts and
// resolutions; the receiver only needs the sizes (to size the renderer before decoding).
struct Vp9ScalabilityStructure {
  static constexpr std::size_t kMaxSpatialLayers = 8;
  struct Resolution {
    std::uint16_t width = 0;
    std::uint16_t height = 0;
  };
  std::uint8_t spatial_layers = 0;  // N_S + 1
  bool has_resolutions = false;     // Y
  std::array<Resolution, kMaxSpatialLayers> resolutions{};
  std::optional<std::uint8_t> pictures_in_group;  // G: N_G
};

// RFC 9628 §4.2 payload descriptor; payload_offset is where the VP9 frame data starts.
struct Vp9Descriptor {
  static constexpr std::size_t kMaxReferences = 3;
  bool inter_picture_predicted = false;     // P
  bool flexible_mode = false;               // F
  bool beginning_of_frame = false;          // B
  bool end_of_frame = false;                // E
  bool not_upswitch_reference = false;      // Z
  std::optional<std::uint16_t> picture_id;  // I: 7 or 15 bits, by picture_id_15bit
  bool picture_id_15bit = false;            // M
  std::optional<std::uint8_t> temporal_id;  // L: TID
  std::optional<std::uint8_t> spatial_id;   // L: SID
  bool switching_up_point = false;          // L: U
  bool inter_layer_dependency = false;      // L: D
  std::optional<std::uint8_t> tl0_pic_idx;  // L, non-flexible mode only
  std::uint8_t reference_count = 0;         // P and F: number of P_DIFF fields
  std::array<std::uint8_t, kMaxReferences> reference_diffs{};
  std::optional<Vp9ScalabilityStructure> scalability;  // V
  std::size_t payload_offset = 0;

  bool base_spatial_layer() const { return spatial_id.value_or(0) == 0; }
  bool starts_frame() const { return beginning_of_frame && base_spatial_layer(); }
  bool keyframe() const { return !inter_picture_predicted && starts_frame(); }
};

// nullopt when the descriptor is truncated, lists more than 3 references, or no VP9 data follows.
[[nodiscard]] std::optional<Vp9Descriptor> parse_vp9_descriptor(std::span<const std::uint8_t> payload);

class Vp9Depacketizer final : public Depacketizer {
public:
  // Stateless, so that inspect_payload() (depacketizer.hpp) can call it without an instance.
  [[nodiscard]] static std::optional<PayloadInfo> inspect_payload(std::span<const std::uint8_t> payload);
  std::optional<PayloadInfo> inspect(std::span<const std::uint8_t> payload) override {
    return inspect_payload(payload);
  }
  // Concatenates the layer frames of one picture; libvpx decodes consecutive frames in one buffer.
  std::optional<AssembledFrame> assemble(std::span<const std::span<const std::uint8_t>> payloads) override;
};

}  // namespace presentd::rtp
