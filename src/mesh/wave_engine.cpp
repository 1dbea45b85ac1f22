#include "mesh/wave_engine.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace meshsec::mesh {
namespace {

constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

}  // namespace

void WaveEngine::assign(const WaveAssignment& assignment) noexcept {
  assignment_ = assignment;
  // Whether the node takes part is settled when the wave is announced: a part that comes
  // later does not join a wave already running (the node catches up by repair).
  if (started_ && assignment_.blob_id != announcement_.blob_id) planned_ = false;
}

bool WaveEngine::announce(const WaveAnnouncement& a) noexcept {
  if (started_ && a.blob_id == announcement_.blob_id && a.t0_us == announcement_.t0_us) return false;
  announcement_ = a;
  started_ = true;
  planned_ = assignment_.in_plan && assignment_.blob_id == a.blob_id;
  tx_item_ = 0;
  tx_number_ = 0;
  tx_built_ = false;
  rx_open_ = false;
  rx_have_ = 0;
  return true;
}

bool WaveEngine::plan_announcement(const Disseminator& d, std::uint64_t t0_us, std::uint8_t parity,
                                   std::uint16_t slot_us, std::uint16_t guard_us, WaveAnnouncement& out) noexcept {
  const firmware::BlobHeader* h = d.header();
  if (h == nullptr || h->chunk_count == 0 || parity == 0) return false;
  // Chunk 0 has the longest packet (full chunk, full Merkle path).
  const std::size_t k_max = std::max(wave_data_fragments(d.packet_size(0)),
                                     wave_data_fragments(firmware::blob::signed_header_size));
  if (k_max == 0 || k_max + parity > wave_max_fragments) return false;
  out.blob_id = h->blob_id;
  out.t0_us = t0_us;
  out.items = static_cast<std::uint16_t>(h->chunk_count + 1U);
  out.per_period = static_cast<std::uint8_t>(k_max + parity);
  out.slot_us = slot_us;
  out.guard_us = guard_us;
  return true;
}

std::uint64_t WaveEngine::period_us() const noexcept {
  return 2ULL * announcement_.guard_us + std::uint64_t{announcement_.per_period} * announcement_.slot_us;
}

std::uint64_t WaveEngine::end_us() const noexcept {
  if (!following()) return 0;
  // Last period: sending item items−1 (relay) or receiving it (everyone else).
  const std::uint64_t last_rx = 2ULL * (announcement_.items - 1U) + assignment_.level;  // one past the rx period
  const std::uint64_t last = assignment_.relay ? last_rx + 1 : last_rx;
  return announcement_.t0_us + last * period_us();
}

bool WaveEngine::busy_at(std::uint64_t global_us) const noexcept {
  if (!following() || global_us >= end_us()) return false;
  const std::uint64_t first_period = assignment_.level == 0 ? 0 : assignment_.level - 1U;
  const std::uint64_t start = announcement_.t0_us + first_period * period_us();
  return global_us + period_us() / 4 >= start;
}

std::uint64_t WaveEngine::slot_start_us(std::uint64_t period, std::uint8_t number) const noexcept {
  return announcement_.t0_us + period * period_us() + announcement_.guard_us +
         std::uint64_t{number} * announcement_.slot_us;
}

bool WaveEngine::holds(std::uint16_t item, const Disseminator& d) const noexcept {
  const firmware::BlobHeader* h = d.header();
  if (h == nullptr || h->blob_id != announcement_.blob_id) return false;
  return item == 0 || d.holds(static_cast<std::uint16_t>(item - 1U));
}

std::size_t WaveEngine::item_size(std::uint16_t item, const Disseminator& d) const noexcept {
  if (item == 0) return firmware::blob::signed_header_size;
  const firmware::BlobHeader* h = d.header();
  if (h == nullptr || h->blob_id != announcement_.blob_id) return 0;
  return d.packet_size(static_cast<std::uint16_t>(item - 1U));
}

std::uint8_t WaveEngine::channel_at(std::uint64_t global_us, const Disseminator& d) const noexcept {
  if (!following() || global_us < announcement_.t0_us || global_us >= end_us()) return control_channel;
  const std::uint64_t p = (global_us - announcement_.t0_us) / period_us();
  const std::uint64_t level = assignment_.level;
  if (assignment_.relay && p >= level && (p - level) % 2 == 0 && (p - level) / 2 < announcement_.items)
    return static_cast<std::uint8_t>(1U + assignment_.tx_channel);
  if (level >= 1 && p + 1 >= level && (p + 1 - level) % 2 == 0) {
    const std::uint64_t item = (p + 1 - level) / 2;
    if (item < announcement_.items && !holds(static_cast<std::uint16_t>(item), d))
      return static_cast<std::uint8_t>(1U + assignment_.rx_channel);
  }
  return control_channel;
}

std::uint64_t WaveEngine::channel_stable_until(std::uint64_t global_us) const noexcept {
  if (!following() || global_us >= end_us()) return never;
  if (global_us < announcement_.t0_us) return announcement_.t0_us;
  const std::uint64_t p = (global_us - announcement_.t0_us) / period_us();
  return std::min(end_us(), announcement_.t0_us + (p + 1) * period_us());
}

std::uint64_t WaveEngine::next_send_us() const noexcept {
  if (!following() || !assignment_.relay || tx_item_ >= announcement_.items) return never;
  return slot_start_us(2ULL * tx_item_ + assignment_.level, tx_number_);
}

std::size_t WaveEngine::send_count(std::uint16_t item, std::size_t k) const noexcept {
  const std::size_t n = announcement_.per_period;
  if (k == 0 || k >= n) return n;
  const std::size_t parity = item == 0 ? std::size_t{assignment_.parity} + 3 : assignment_.parity;
  return std::min(n, k + parity);
}

bool WaveEngine::build_tx(std::uint16_t item, const Disseminator& d, const node::ChunkStore& store) noexcept {
  if (tx_built_ && tx_built_item_ == item) return true;
  tx_built_ = false;
  const std::size_t size = item_size(item, d);
  const std::span<const std::uint8_t> packet =
      item == 0 ? d.signed_header() : store.read(static_cast<std::uint32_t>(item - 1U));
  const std::size_t k = wave_data_fragments(size);
  const std::size_t n = announcement_.per_period;
  if (size == 0 || packet.size() != size || k == 0 || k >= n) return false;
  std::fill(tx_.begin(), tx_.begin() + static_cast<std::ptrdiff_t>(k * wave_fragment_size), std::uint8_t{0});
  std::copy(packet.begin(), packet.end(), tx_.begin());
  if (!wave_encode(k, n, tx_)) return false;
  tx_built_ = true;
  tx_built_item_ = item;
  return true;
}

bool WaveEngine::take_fragment(std::uint64_t global_us, const Disseminator& d, const node::ChunkStore& store,
                               std::uint16_t& item, std::uint8_t& number,
                               std::span<std::uint8_t, wave_fragment_size> data) noexcept {
  const std::uint64_t due = next_send_us();
  if (due == never || global_us < due) return false;
  item = tx_item_;
  number = tx_number_;
  const std::size_t k = wave_data_fragments(item_size(item, d));
  // Fragments past this relay's parity share of the item are not sent at all.
  if (++tx_number_ >= std::max<std::size_t>(1, send_count(item, k))) {
    tx_number_ = 0;
    ++tx_item_;
  }
  // A slot we woke up for too late is left empty: sending into the next one would
  // collide with our own schedule.
  const bool late = global_us - due > announcement_.slot_us / 2U;
  if (late || !holds(item, d) || !build_tx(item, d, store)) {
    ++counters_.slots_skipped;
    return false;
  }
  std::copy_n(tx_.begin() + static_cast<std::ptrdiff_t>(std::size_t{number} * wave_fragment_size), wave_fragment_size,
              data.begin());
  if (item == 0) ++counters_.header_frames;
  else if (number < k) ++counters_.data_frames;
  else ++counters_.parity_frames;
  return true;
}

ChunkOutcome WaveEngine::on_fragment(node::NodeId sender, const WaveView& f, Disseminator& d,
                                     const DisseminationView& view, HeaderOutcome& header_outcome) noexcept {
  header_outcome = HeaderOutcome::duplicate;
  if (!following() || sender != assignment_.upstream || f.item >= announcement_.items ||
      f.number >= announcement_.per_period)
    return ChunkOutcome::out_of_order;
  if (holds(f.item, d)) return ChunkOutcome::duplicate;
  const std::size_t size = item_size(f.item, d);
  const std::size_t k = wave_data_fragments(size);
  const std::size_t n = announcement_.per_period;
  if (size == 0 || k == 0 || k >= n) return ChunkOutcome::out_of_order;
  if (!rx_open_ || rx_item_ != f.item) {
    hand_over_partial(d, view);
    rx_open_ = true;
    rx_item_ = f.item;
    rx_have_ = 0;
  }
  const std::uint32_t bit = 1U << f.number;
  if ((rx_have_ & bit) != 0) return ChunkOutcome::duplicate;
  std::copy(f.data.begin(), f.data.end(), rx_.begin() + static_cast<std::ptrdiff_t>(std::size_t{f.number} * wave_fragment_size));
  rx_have_ |= bit;
  rx_heard_us_ = view.now_us;
  if (static_cast<std::size_t>(std::popcount(rx_have_)) < k) return ChunkOutcome::partial;
  const bool rebuilt = (rx_have_ & ((1U << k) - 1U)) != (1U << k) - 1U;
  rx_open_ = false;
  if (!wave_recover(k, n, rx_have_, rx_)) return ChunkOutcome::rejected;
  const auto packet = std::span<const std::uint8_t>(rx_).first(size);
  ChunkOutcome outcome = ChunkOutcome::rejected;
  if (f.item == 0) {
    header_outcome = d.on_header(packet, view);
    outcome = header_outcome == HeaderOutcome::rejected ? ChunkOutcome::rejected : ChunkOutcome::stored;
  } else {
    outcome = d.on_chunk(packet, view);
  }
  if (outcome != ChunkOutcome::stored) {
    // A forged or damaged fragment spoilt the item (it failed verification, or no longer
    // even names this blob): it is dropped whole and the node fetches it by repair.
    ++counters_.items_rejected;
    outcome = ChunkOutcome::rejected;
  } else {
    ++counters_.items_received;
    if (rebuilt) ++counters_.items_rebuilt;
  }
  return outcome;
}

void WaveEngine::hand_over_partial(Disseminator& d, const DisseminationView& view) noexcept {
  if (!rx_open_) return;
  rx_open_ = false;
  if (rx_have_ == 0 || holds(rx_item_, d)) return;
  const auto index = rx_item_ == 0 ? header_fragment_index : static_cast<std::uint16_t>(rx_item_ - 1U);
  if (d.adopt_fragments(index, assignment_.upstream, rx_have_, rx_, rx_heard_us_, view) == ChunkOutcome::stored)
    ++counters_.items_received;
}

std::uint64_t WaveEngine::expected_end_us(node::NodeId sender, const WaveView& f, std::uint64_t flight_us) const noexcept {
  if (!following() || sender != assignment_.upstream || assignment_.level == 0 || f.item >= announcement_.items ||
      f.number >= announcement_.per_period)
    return 0;
  const std::uint64_t period = 2ULL * f.item + assignment_.level - 1U;
  return slot_start_us(period, f.number) + flight_us;
}

}  // namespace meshsec::mesh
