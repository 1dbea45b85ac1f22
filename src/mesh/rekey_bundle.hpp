// What a node keeps of the newest broadcast rekey so that it can hand it on to a neighbour
// that missed it (docs/wire-format.md §7.5): the signed list parts, the signed commitment
// and the sealed keys, as the bytes that came over the air. None of it is secret (every
// sealed key opens only under a subset's key, and everything else is signed); a neighbour
// checks all of it as it checks the flood. Another subset's sealed key is handed on only
// once this node checked it with the epoch's check key (rekey_message.hpp), which it has
// from the moment it opens its own: until then up to two copies are kept unchecked, and a
// forged one is dropped when the key comes (the genuine copy, if it was not one of them,
// comes with the next pass).
// Fixed sizes, no heap: this runs on the device (8 × 81 + 81 + 24 × 65 bytes, about 2.3 KiB).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "keys/cover_tree.hpp"
#include "mesh/rekey_message.hpp"

namespace meshsec::mesh {

class RekeyBundle {
 public:
  // A cover of more subsets than this is kept in part: a neighbour whose subset's key is
  // not here gets what is, and its own sealed key from another neighbour or the back office.
  static constexpr std::size_t max_sealed_keys = 24;
  // Until the check key comes, the first two different copies of a subset's key are kept:
  // one forged copy raced ahead of the broadcast leaves room for the genuine one.
  static constexpr std::size_t unchecked_copies = 2;

  // Each keeps one copy of an epoch's body; a newer epoch forgets the older one, an older
  // epoch is ignored. Bodies are the kind byte onwards, already parsed (and, for the list
  // and the commitment, verified) by the caller.
  void keep_part(std::uint32_t epoch, std::uint8_t part, std::uint8_t parts, std::span<const std::uint8_t> body) noexcept;
  void keep_commitment(std::uint32_t epoch, std::span<const std::uint8_t> body) noexcept;
  enum class Kept : std::uint8_t {
    checked,    // kept, or already held, checked: it may be handed on
    unchecked,  // kept as it came, until the check key comes
    ignored,    // another epoch, a second unchecked copy, or no room
    forged,     // its check fails under the epoch's check key: drop it, do not carry it on
  };
  // `body` as parsed into `v`. `opened`: the caller opened it under its own subset's key
  // and matched the commitment. A checked copy replaces an unchecked one (a racing forger
  // may have sent that first), and when every place is taken, takes an unchecked one's.
  Kept keep_sealed_key(std::span<const std::uint8_t> body, const CoverKeyView& v, bool opened = false) noexcept;
  // The node holds the next network key of `epoch`: from now on every sealed key is checked
  // as it comes, and the ones kept unchecked are checked now (a forged one is dropped).
  // False when the key is not of the epoch kept or newer, or the derivation fails.
  bool set_check_key(std::uint16_t net_id, std::uint32_t epoch, std::span<const std::uint8_t> key) noexcept;

  [[nodiscard]] std::uint32_t epoch() const noexcept { return epoch_; }
  // Every list part and the commitment of `epoch` are here.
  [[nodiscard]] bool whole(std::uint32_t epoch) const noexcept;
  [[nodiscard]] std::uint8_t parts() const noexcept { return parts_; }
  [[nodiscard]] std::span<const std::uint8_t> part(std::uint8_t p) const noexcept;
  [[nodiscard]] std::span<const std::uint8_t> commitment() const noexcept;
  // The checked sealed key for `subset`, empty when none is kept checked.
  [[nodiscard]] std::span<const std::uint8_t> sealed_key(keys::SubtreeIndex subset) const noexcept;
  // Sealed keys kept, checked or not.
  [[nodiscard]] std::size_t sealed_count() const noexcept { return sealed_count_; }

 private:
  template <std::size_t N>
  struct Body {
    std::uint8_t length = 0;
    std::array<std::uint8_t, N> bytes{};
    [[nodiscard]] std::span<const std::uint8_t> view() const noexcept { return std::span(bytes).first(length); }
    void keep(std::span<const std::uint8_t> b) noexcept;
  };
  // False for an epoch older than the one kept; a newer one starts over.
  bool adopt(std::uint32_t epoch) noexcept;
  [[nodiscard]] bool passes_check(std::span<const std::uint8_t> body) const noexcept;
  [[nodiscard]] bool is_second_copy(std::size_t i) const noexcept;  // an earlier place holds its subset
  void forget_sealed(std::size_t i) noexcept;

  std::uint32_t epoch_ = 0;
  std::uint8_t parts_ = 0;
  std::array<Body<cover_announcement_max_size>, cover_max_parts> parts_kept_{};
  Body<cover_commitment_flood_size> commitment_{};
  std::array<keys::SubtreeIndex, max_sealed_keys> subsets_{};
  std::array<Body<cover_key_max_size>, max_sealed_keys> sealed_{};
  std::array<bool, max_sealed_keys> checked_{};
  std::size_t sealed_count_ = 0;
  bool has_check_key_ = false;
  CoverCheckKey check_key_;
};

}  // namespace meshsec::mesh
