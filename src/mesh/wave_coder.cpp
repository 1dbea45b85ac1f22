#include "mesh/wave_coder.hpp"

#include <isa-l/erasure_code.h>

#include <algorithm>
#include <array>
#include <bit>

namespace meshsec::mesh {
namespace {

constexpr std::size_t max_n = wave_max_fragments;
using Matrix = std::array<unsigned char, max_n * max_n>;

bool valid(std::size_t k, std::size_t n, std::size_t buffer) noexcept {
  return k >= 1 && k < n && n <= max_n && buffer >= n * wave_fragment_size;
}

// Rows 0..k−1 are the identity (systematic), rows k..n−1 a Cauchy matrix: every k×k
// submatrix is invertible, which is what makes any k fragments enough.
void generator(std::size_t k, std::size_t n, Matrix& a) noexcept {
  gf_gen_cauchy1_matrix(a.data(), static_cast<int>(n), static_cast<int>(k));
}

}  // namespace

std::size_t wave_data_fragments(std::size_t size) noexcept {
  const std::size_t k = (size + wave_fragment_size - 1) / wave_fragment_size;
  return k >= max_n ? 0 : k;
}

bool wave_encode(std::size_t k, std::size_t n, std::span<std::uint8_t> fragments) noexcept {
  if (!valid(k, n, fragments.size())) return false;
  Matrix a{};
  generator(k, n, a);
  const std::size_t parity = n - k;
  std::array<unsigned char, 32 * max_n * max_n / 4> tables{};  // 32·k·(n−k) ≤ 32·16·16
  ec_init_tables(static_cast<int>(k), static_cast<int>(parity), &a[k * k], tables.data());
  std::array<unsigned char*, max_n> data{};
  std::array<unsigned char*, max_n> coding{};
  for (std::size_t i = 0; i < k; ++i) data[i] = fragments.data() + i * wave_fragment_size;
  for (std::size_t i = 0; i < parity; ++i) coding[i] = fragments.data() + (k + i) * wave_fragment_size;
  ec_encode_data(static_cast<int>(wave_fragment_size), static_cast<int>(k), static_cast<int>(parity), tables.data(),
                 data.data(), coding.data());
  return true;
}

bool wave_parity_fragment(std::size_t k, std::size_t number, std::span<const std::uint8_t> data,
                          std::span<std::uint8_t, wave_fragment_size> out) noexcept {
  if (k < 1 || number < k || number >= max_n || data.size() < k * wave_fragment_size) return false;
  Matrix a{};
  generator(k, number + 1, a);
  // One row of the Cauchy block: 32·k bytes of tables.
  std::array<unsigned char, 32 * max_n> tables{};
  ec_init_tables(static_cast<int>(k), 1, &a[number * k], tables.data());
  std::array<unsigned char*, max_n> sources{};
  for (std::size_t i = 0; i < k; ++i)
    sources[i] = const_cast<unsigned char*>(data.data() + i * wave_fragment_size);  // ISA-L only reads them
  std::array<unsigned char*, 1> target{out.data()};
  ec_encode_data(static_cast<int>(wave_fragment_size), static_cast<int>(k), 1, tables.data(), sources.data(),
                 target.data());
  return true;
}

bool wave_recover(std::size_t k, std::size_t n, std::uint32_t have, std::span<std::uint8_t> fragments) noexcept {
  if (!valid(k, n, fragments.size())) return false;
  const std::uint32_t all = n == 32 ? 0xFFFFFFFFU : (1U << n) - 1U;
  have &= all;
  if (static_cast<std::size_t>(std::popcount(have)) < k) return false;
  const std::uint32_t data_mask = (1U << k) - 1U;
  if ((have & data_mask) == data_mask) return true;  // nothing missing
  Matrix a{};
  generator(k, n, a);
  // Only the m missing data fragments are unknown. Take m present parity rows P: with B
  // the m×m block of the generator at (P, missing) and C the block at (P, present data),
  //   parity_P = B·d_missing ⊕ C·d_present,  so  d_missing = B⁻¹·parity_P ⊕ (B⁻¹·C)·d_present.
  // Inverting m×m (m ≤ n − k) instead of k×k is what keeps a rebuild cheap.
  std::array<std::size_t, max_n> missing{};
  std::array<std::size_t, max_n> present_data{};
  std::array<std::size_t, max_n> parity_rows{};
  std::size_t m = 0, p = 0, q = 0;
  for (std::size_t j = 0; j < k; ++j) {
    if ((have >> j & 1U) != 0) present_data[q++] = j;
    else missing[m++] = j;
  }
  for (std::size_t i = k; i < n && p < m; ++i)
    if ((have >> i & 1U) != 0) parity_rows[p++] = i;
  if (p < m) return false;
  Matrix b{};
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t c = 0; c < m; ++c) b[r * m + c] = a[parity_rows[r] * k + missing[c]];
  Matrix b_inverse{};
  if (gf_invert_matrix(b.data(), b_inverse.data(), static_cast<int>(m)) != 0) return false;
  // Decode rows over the sources (present data first, then the chosen parity).
  const std::size_t sources_count = q + m;
  Matrix decode{};
  for (std::size_t r = 0; r < m; ++r) {
    for (std::size_t c = 0; c < q; ++c) {
      unsigned char sum = 0;
      for (std::size_t t = 0; t < m; ++t)
        sum = static_cast<unsigned char>(sum ^ gf_mul(b_inverse[r * m + t], a[parity_rows[t] * k + present_data[c]]));
      decode[r * sources_count + c] = sum;
    }
    for (std::size_t t = 0; t < m; ++t) decode[r * sources_count + q + t] = b_inverse[r * m + t];
  }
  std::array<unsigned char*, max_n> sources{};
  std::array<unsigned char*, max_n> targets{};
  for (std::size_t c = 0; c < q; ++c) sources[c] = fragments.data() + present_data[c] * wave_fragment_size;
  for (std::size_t t = 0; t < m; ++t) sources[q + t] = fragments.data() + parity_rows[t] * wave_fragment_size;
  for (std::size_t r = 0; r < m; ++r) targets[r] = fragments.data() + missing[r] * wave_fragment_size;
  // 32·(q + m)·m = 32·k·m ≤ 32·k·(n − k) ≤ 8 KiB.
  std::array<unsigned char, 32 * max_n * max_n / 4> tables{};
  ec_init_tables(static_cast<int>(sources_count), static_cast<int>(m), decode.data(), tables.data());
  ec_encode_data(static_cast<int>(wave_fragment_size), static_cast<int>(sources_count), static_cast<int>(m),
                 tables.data(), sources.data(), targets.data());
  return true;
}

std::size_t wave_parity_for(std::size_t k, double loss, std::size_t max_parity, double target) noexcept {
  if (loss <= 0) return max_parity == 0 ? 0 : 1;
  for (std::size_t r = 1; r < max_parity; ++r) {
    const std::size_t n = k + r;
    // P(X > r), X ~ Binomial(n, loss), as 1 − P(X ≤ r) summed term by term.
    double term = 1;  // C(n, 0) (1 − loss)^n, built below without pow()
    for (std::size_t i = 0; i < n; ++i) term *= 1 - loss;
    double kept = term;
    for (std::size_t x = 1; x <= r; ++x) {
      term *= static_cast<double>(n - x + 1) / static_cast<double>(x) * loss / (1 - loss);
      kept += term;
    }
    if (1 - kept <= target) return r;
  }
  return max_parity;
}

std::size_t wave_parity_room(std::vector<std::size_t> needs, std::size_t max_room) {
  if (max_room == 0) return 0;
  if (needs.empty()) return 1;
  const auto middle = needs.begin() + static_cast<std::ptrdiff_t>(needs.size() / 2);
  std::nth_element(needs.begin(), middle, needs.end());
  return std::clamp<std::size_t>(*middle + 1, 1, max_room);
}

}  // namespace meshsec::mesh
