// The one definition of the SP 800-108 Label and Context of every key meshsec derives
// (docs/keys.md §Labels, byte by byte). Both are built from length-prefixed and fixed-width
// fields only, so each is prefix-free and no two different inputs encode alike.
//
//   Label   = 0x07 "meshsec" ‖ 0x01 (format) ‖ purpose code ‖ u8 n ‖ purpose name (n bytes)
//   Context = environment code ‖ u8 n ‖ customer id (n bytes) ‖ u32be subject id
//             ‖ u32be version ‖ u16be key bits
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "keys/derivation_input.hpp"
#include "keys/key_error.hpp"

namespace meshsec::keys {

inline constexpr std::uint8_t label_format_version = 0x01;
inline constexpr std::size_t max_label_size = 16;    // 1 + 7 + 1 + 1 + 1 + 5 ("cover", "chain")
inline constexpr std::size_t max_context_size = 76;  // 1 + 1 + 64 + 4 + 4 + 2

class DerivationLabel {
 public:
  [[nodiscard]] std::span<const std::uint8_t> label() const noexcept { return {label_.data(), label_size_}; }
  [[nodiscard]] std::span<const std::uint8_t> context() const noexcept { return {context_.data(), context_size_}; }
  // The size of the key this label derives (also encoded as the last Context field).
  [[nodiscard]] KeySize key_size() const noexcept { return key_size_; }
  [[nodiscard]] bool empty() const noexcept { return label_size_ == 0; }

 private:
  friend KeyError encode_derivation_label(const DerivationInput& input, DerivationLabel& out) noexcept;
  std::array<std::uint8_t, max_label_size> label_{};
  std::array<std::uint8_t, max_context_size> context_{};
  std::size_t label_size_ = 0;
  std::size_t context_size_ = 0;
  KeySize key_size_ = KeySize::bits256;
};

// Validates the input and encodes it. On error `out` is left empty.
// Errors: bad_customer_id, bad_environment, bad_purpose, bad_key_size (also a chain seed of
// any size but 128 bits), bad_subject, bad_version.
[[nodiscard]] KeyError validate_derivation_input(const DerivationInput& input) noexcept;
[[nodiscard]] KeyError encode_derivation_label(const DerivationInput& input, DerivationLabel& out) noexcept;

}  // namespace meshsec::keys
