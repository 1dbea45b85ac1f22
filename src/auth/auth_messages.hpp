// Every message layout of ISO/IEC 9798-2 three-pass mutual authentication and the secure
// link, in one place (docs/auth.md §2, §4). All fixed size except link data.
//
//   token 1  B→A  type ‖ ver ‖ B (Text1)      ‖ R_B
//   token 2  A→B  type ‖ ver ‖ A (Text3) ‖ nonce ‖ e_K(R_A ‖ R_B ‖ B* ‖ Text2) ‖ tag
//   token 3  B→A  type ‖ ver ‖ B (Text5) ‖ nonce ‖ e_K(R_B ‖ R_A ‖ Text4)      ‖ tag
//   data     A→B  type ‖ seq ‖ chunk ‖ len ‖ e_Ks(payload) ‖ tag
//   ack      B→A  type ‖ seq ‖ e_Ks(next chunk ‖ status) ‖ tag
//
// e_K is AES-CCM (SP 800-38C): 13-byte nonce drawn from the CSPRNG by the sender and sent
// in clear, 16-byte tag, AAD = direction label ‖ clear header.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "auth/auth_error.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::auth {

inline constexpr std::size_t id_size = 8;
inline constexpr std::size_t random_size = 16;
inline constexpr std::size_t nonce_size = 13;
inline constexpr std::size_t tag_size = 16;
inline constexpr std::size_t image_id_size = 8;
inline constexpr std::uint8_t protocol_version = 1;

using EntityId = std::array<std::uint8_t, id_size>;
using Random = std::array<std::uint8_t, random_size>;
using Nonce = std::array<std::uint8_t, nonce_size>;
using ImageId = std::array<std::uint8_t, image_id_size>;

enum class MessageType : std::uint8_t {
  token1 = 0x91,
  token2 = 0x92,
  token3 = 0x93,
  link_data = 0x94,
  link_ack = 0x95,
};

// Text2: what A offers to send (enciphered, so B learns it only from an authentic A).
struct TransferOffer {
  ImageId image_id{};
  std::uint32_t image_size = 0;
  std::uint16_t chunk_size = 0;
};
// Text4: where B wants the transfer to start (its persisted progress for that image).
struct TransferResume {
  ImageId image_id{};
  std::uint32_t next_chunk = 0;
};

namespace layout {
inline constexpr std::size_t clear_header_size = 2 + id_size;  // type ‖ ver ‖ identifier
inline constexpr std::size_t token1_size = clear_header_size + random_size;
inline constexpr std::size_t offer_size = image_id_size + 4 + 2;
inline constexpr std::size_t resume_size = image_id_size + 4;
inline constexpr std::size_t token2_plain_size = 2 * random_size + id_size + offer_size;
inline constexpr std::size_t token3_plain_size = 2 * random_size + resume_size;
inline constexpr std::size_t sealed_header_size = clear_header_size + nonce_size;
inline constexpr std::size_t token2_size = sealed_header_size + token2_plain_size + tag_size;
inline constexpr std::size_t token3_size = sealed_header_size + token3_plain_size + tag_size;
inline constexpr std::size_t label_size = 16;
inline constexpr std::size_t token_aad_size = label_size + sealed_header_size;
// Direction labels (AAD): a token made for one direction never verifies in the other.
inline constexpr std::array<std::uint8_t, label_size> label_a_to_b = {'m', 'e', 's', 'h', 's', 'e', 'c', ' ',
                                                                       '9', '7', '9', '8', ' ', 'A', '>', 'B'};
inline constexpr std::array<std::uint8_t, label_size> label_b_to_a = {'m', 'e', 's', 'h', 's', 'e', 'c', ' ',
                                                                       '9', '7', '9', '8', ' ', 'B', '>', 'A'};

inline constexpr std::size_t max_link_payload = 512;
inline constexpr std::size_t data_header_size = 1 + 4 + 4 + 2;
inline constexpr std::size_t max_data_size = data_header_size + max_link_payload + tag_size;
inline constexpr std::size_t ack_header_size = 1 + 4;
inline constexpr std::size_t ack_plain_size = 4 + 1;
inline constexpr std::size_t ack_size = ack_header_size + ack_plain_size + tag_size;
inline constexpr std::size_t link_nonce_size = 13;
}  // namespace layout

struct Token1 {
  EntityId node_id{};
  Random r_b{};
};

// A parsed token 2 or 3 before decryption: views into the message.
struct SealedToken {
  MessageType type = MessageType::token2;
  EntityId sender{};
  Nonce nonce{};
  std::span<const std::uint8_t> clear_header;  // sealed_header_size bytes
  std::span<const std::uint8_t> ciphertext;
  std::span<const std::uint8_t> tag;
};

struct Token2Plain {
  Random r_a{};
  Random r_b{};
  EntityId b_star{};
  TransferOffer offer{};
};

struct Token3Plain {
  Random r_b{};
  Random r_a{};
  TransferResume resume{};
};

// Token 1. Errors: malformed.
[[nodiscard]] AuthError encode_token1(const Token1& t, std::span<std::uint8_t> out, std::size_t& written) noexcept;
[[nodiscard]] AuthError parse_token1(std::span<const std::uint8_t> bytes, Token1& out) noexcept;

// Tokens 2 and 3: clear part (type must be token2 or token3, exact size). Errors: malformed.
[[nodiscard]] AuthError parse_sealed_token(std::span<const std::uint8_t> bytes, MessageType expected,
                                           SealedToken& out) noexcept;
void encode_sealed_header(MessageType type, const EntityId& sender, const Nonce& nonce,
                          std::span<std::uint8_t, layout::sealed_header_size> out) noexcept;
void token_aad(std::span<const std::uint8_t, layout::label_size> label, std::span<const std::uint8_t> clear_header,
               std::span<std::uint8_t, layout::token_aad_size> out) noexcept;

// Plaintexts inside tokens 2 and 3. Errors: malformed.
void encode_token2_plain(const Token2Plain& p, std::span<std::uint8_t, layout::token2_plain_size> out) noexcept;
[[nodiscard]] AuthError parse_token2_plain(std::span<const std::uint8_t> bytes, Token2Plain& out) noexcept;
void encode_token3_plain(const Token3Plain& p, std::span<std::uint8_t, layout::token3_plain_size> out) noexcept;
[[nodiscard]] AuthError parse_token3_plain(std::span<const std::uint8_t> bytes, Token3Plain& out) noexcept;

// Link data and ack, clear parts.
struct LinkDataView {
  std::uint32_t seq = 0;
  std::uint32_t chunk_index = 0;
  std::span<const std::uint8_t> header;  // data_header_size bytes (the AAD)
  std::span<const std::uint8_t> ciphertext;
  std::span<const std::uint8_t> tag;
};
struct LinkAckView {
  std::uint32_t seq = 0;
  std::span<const std::uint8_t> header;  // ack_header_size bytes (the AAD)
  std::span<const std::uint8_t> ciphertext;
  std::span<const std::uint8_t> tag;
};
// Errors: malformed.
[[nodiscard]] AuthError parse_link_data(std::span<const std::uint8_t> bytes, LinkDataView& out) noexcept;
[[nodiscard]] AuthError parse_link_ack(std::span<const std::uint8_t> bytes, LinkAckView& out) noexcept;
void encode_link_data_header(std::uint32_t seq, std::uint32_t chunk_index, std::uint16_t length,
                             std::span<std::uint8_t, layout::data_header_size> out) noexcept;
void encode_link_ack_header(std::uint32_t seq, std::span<std::uint8_t, layout::ack_header_size> out) noexcept;
// Link nonce: direction byte ‖ 8 zero bytes ‖ seq (big-endian). Unique because the
// session key is fresh per run and seq never repeats within a direction.
void link_nonce(std::uint8_t direction, std::uint32_t seq, std::span<std::uint8_t, layout::link_nonce_size> out) noexcept;

}  // namespace meshsec::auth
