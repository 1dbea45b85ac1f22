#include "mesh/disseminator.hpp"

#include <algorithm>
#include <bit>

#include <limits>

#include "mesh/wave_coder.hpp"
#include "wire/bounded_writer.hpp"

namespace meshsec::mesh {

static_assert(fragment_data_size == wave_fragment_size, "repair parity uses the wave's code");
namespace {

constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

bool newer_than(const firmware::BlobHeader& a, const firmware::BlobHeader& b) noexcept {
  return a.security_counter > b.security_counter ||
         (a.security_counter == b.security_counter && a.version > b.version);
}

std::uint8_t fragments_for(std::size_t size) noexcept {
  return static_cast<std::uint8_t>((size + fragment_data_size - 1) / fragment_data_size);
}

// What a stalled reassembly asks its sender for. Any `count` fragments rebuild the packet,
// so it asks for the lowest-numbered ones it lacks, data or parity, as many as its
// shortfall needs at the delivery this slot saw (fragments held over the highest number
// heard, at least a quarter), plus one. Asking for exactly the missing data fragments
// instead, over a link that loses 30 % of frames, left most gap fills short again.
std::uint32_t gap_fill_mask(std::uint32_t have, std::uint8_t count) noexcept {
  const auto held = static_cast<std::size_t>(std::popcount(have));
  if (held >= count) return 0;
  const std::size_t heard = have == 0 ? count : wave_max_fragments - static_cast<std::size_t>(std::countl_zero(have));
  const std::size_t shortfall = count - held;
  const std::size_t wanted = held * 4 < heard ? shortfall * 4 + 1 : (shortfall * heard + held - 1) / held + 1;
  std::uint32_t mask = 0;
  std::size_t chosen = 0;
  for (std::size_t number = 0; number < wave_max_fragments && chosen < wanted; ++number) {
    if ((have >> number & 1U) != 0) continue;
    mask |= 1U << number;
    ++chosen;
  }
  return mask;
}

}  // namespace

void Disseminator::init(const MeshConfig& config, const firmware::Ed25519PublicKey& verification_key,
                        node::ChunkStore& store, std::uint64_t seed) noexcept {
  config_ = config;
  verification_key_ = verification_key;
  policy_ = config.blob_policy;
  store_ = &store;
  rng_ ^= (seed + 1) * 0xD1B54A32D192ED03ULL;
  if (rng_ == 0) rng_ = 1;
}

std::uint32_t Disseminator::random_below(std::uint64_t bound) noexcept {
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  return bound == 0 ? 0 : static_cast<std::uint32_t>(rng_ % bound);
}

std::size_t Disseminator::packet_size(std::uint16_t index) const noexcept {
  if (index == header_fragment_index) return firmware::blob::signed_header_size;
  if (!header_ok_) return 0;
  const auto& h = verifier_.header();
  const std::size_t length = firmware::blob_chunk_length(h, index);
  if (length == 0) return 0;
  return firmware::chunk_packet_overhead + length + firmware::blob_tree_depth(h.chunk_count) * firmware::blob::digest_size;
}

HeaderOutcome Disseminator::on_header(std::span<const std::uint8_t> signed_header,
                                      const DisseminationView& view) noexcept {
  if (signed_header.size() != firmware::blob::signed_header_size) return HeaderOutcome::rejected;
  // A known header costs no signature check (public bytes: a plain compare is fine).
  if (header_ok_) {
    bool same = true;
    for (std::size_t i = 0; i < signed_header.size(); ++i) same = same && signed_header[i] == signed_header_[i];
    if (same) return HeaderOutcome::duplicate;
  }
  // Checked in a scratch verifier so a forged header cannot disturb the blob in progress.
  firmware::BlobVerifier candidate;
  if (candidate.begin(signed_header, verification_key_, policy_) != firmware::BlobError::ok)
    return HeaderOutcome::rejected;
  if (header_ok_ && !newer_than(candidate.header(), verifier_.header())) return HeaderOutcome::duplicate;
  verifier_ = candidate;
  header_ok_ = true;
  for (std::size_t i = 0; i < signed_header.size(); ++i) signed_header_[i] = signed_header[i];
  store_->clear();
  for (auto& r : reassembly_)
    if (r.index != header_fragment_index) r.used = false;
  outgoing_ = Outgoing{};
  service_ = Outgoing{};
  gap_fill_count_ = 0;
  push_size_ = 0;
  serve_.fill(0);
  serve_count_ = 0;
  activated_ = false;
  failed_requests_ = 0;
  last_progress_us_ = view.now_us;
  next_request_at_ = view.now_us;
  header_source_ = node::no_node;
  gateway_next_ = 0;
  gateway_next_at_ = view.now_us;
  // The backbone (and the gateway) passes the header on at once.
  header_pending_ = !wave_ && (view.backbone || view.gateway);
  reset_trickle(view.now_us);
  return HeaderOutcome::accepted;
}

ChunkOutcome Disseminator::on_chunk(std::span<const std::uint8_t> packet, const DisseminationView& view) noexcept {
  firmware::ChunkPacketView chunk;
  if (firmware::parse_chunk_packet(packet, chunk) != firmware::BlobError::ok) {
    ++chunks_rejected_;
    return ChunkOutcome::rejected;
  }
  if (!header_ok_ || chunk.blob_id != verifier_.header().blob_id) return ChunkOutcome::out_of_order;
  // Cheap pre-check, no state change: a chunk already held needs no hashing.
  if (verifier_.received().test(chunk.index)) return ChunkOutcome::duplicate;
  if (verifier_.accept_packet(chunk) != firmware::BlobError::ok) {
    ++chunks_rejected_;
    return ChunkOutcome::rejected;
  }
  // Verified: only now is it stored, and only now may it be forwarded.
  if (!store_->write(chunk.index, packet)) return ChunkOutcome::rejected;
  last_progress_us_ = view.now_us;
  failed_requests_ = 0;
  const bool pass_on = wave_ ? wave_relay_ && view.now_us >= quiet_until_us_ : view.backbone;
  if (pass_on && !view.gateway) push(chunk.index);
  if (verifier_.complete() && !activated_) {
    activated_ = true;
    activated_at_us_ = view.now_us;
    policy_.installed.version = verifier_.header().version;
    policy_.installed.security_counter = verifier_.header().security_counter;
    reset_trickle(view.now_us);
  }
  return ChunkOutcome::stored;
}

ChunkOutcome Disseminator::on_fragment(node::NodeId from, const FragmentView& fragment, const DisseminationView& view,
                                       HeaderOutcome& header_outcome) noexcept {
  header_outcome = HeaderOutcome::duplicate;
  const bool is_header = fragment.index == header_fragment_index;
  if (!is_header) {
    if (!header_ok_) return ChunkOutcome::out_of_order;
    if (fragment.index >= verifier_.header().chunk_count) return ChunkOutcome::rejected;
    if (verifier_.received().test(fragment.index)) return ChunkOutcome::duplicate;
  }
  const std::size_t size = packet_size(fragment.index);
  if (size == 0 || size > max_packet_size) return ChunkOutcome::rejected;
  const std::uint8_t count = fragments_for(size);
  const std::size_t offset = static_cast<std::size_t>(fragment.number) * fragment_data_size;
  // Data fragments fill the packet (the last one is short); parity fragments are whole.
  const std::size_t expected = fragment.number + 1 == count ? size - offset : fragment_data_size;
  if (fragment.number >= wave_max_fragments || fragment.data.size() != expected) return ChunkOutcome::rejected;
  Reassembly& slot = slot_for(fragment.index, count, static_cast<std::uint16_t>(size));
  slot.touched_us = view.now_us;
  slot.from = from;
  const std::uint32_t bit = 1U << fragment.number;
  if ((slot.have & bit) != 0) return ChunkOutcome::duplicate;
  auto& bytes = bytes_of(slot);
  for (std::size_t i = 0; i < expected; ++i) bytes[offset + i] = fragment.data[i];
  slot.have |= bit;
  // Data still flowing counts as progress: no repair request while a push streams in.
  if (!is_header) last_progress_us_ = view.now_us;
  return finish(slot, view, header_outcome);
}

Disseminator::Reassembly& Disseminator::slot_for(std::uint16_t index, std::uint8_t count, std::uint16_t size) noexcept {
  Reassembly* victim = &reassembly_[0];
  for (auto& r : reassembly_) {
    if (r.used && r.index == index) return r;
    if (!r.used) victim = &r;
    else if (victim->used && r.touched_us < victim->touched_us) victim = &r;
  }
  Reassembly& slot = *victim;
  slot = Reassembly{};
  slot.used = true;
  slot.index = index;
  slot.count = count;
  slot.size = size;
  // The code pads the last data fragment with zeros.
  std::fill(bytes_of(slot).begin(), bytes_of(slot).end(), std::uint8_t{0});
  return slot;
}

ChunkOutcome Disseminator::finish(Reassembly& slot, const DisseminationView& view, HeaderOutcome& header_outcome) noexcept {
  auto& bytes = bytes_of(slot);
  const std::uint32_t data_mask = (1U << slot.count) - 1U;  // count ≤ max_packet_fragments < 32
  if ((slot.have & data_mask) != data_mask) {
    // Any `count` fragments rebuild the packet; a forged one makes it fail verification.
    if (static_cast<std::size_t>(std::popcount(slot.have)) < slot.count) return ChunkOutcome::partial;
    if (!wave_recover(slot.count, wave_max_fragments, slot.have, bytes)) return ChunkOutcome::partial;
  }
  slot.used = false;
  const auto packet = std::span<const std::uint8_t>(bytes).first(slot.size);
  if (slot.index == header_fragment_index) {
    header_outcome = on_header(packet, view);
    return header_outcome == HeaderOutcome::rejected ? ChunkOutcome::rejected : ChunkOutcome::stored;
  }
  return on_chunk(packet, view);
}

ChunkOutcome Disseminator::adopt_fragments(std::uint16_t index, node::NodeId from, std::uint32_t have,
                                           std::span<const std::uint8_t> fragments, std::uint64_t heard_us,
                                           const DisseminationView& view) noexcept {
  if (index == header_fragment_index ? header_ok_
                                     : !header_ok_ || index >= verifier_.header().chunk_count || verifier_.received().test(index))
    return ChunkOutcome::duplicate;
  const std::size_t size = packet_size(index);
  if (size == 0 || size > max_packet_size || have == 0) return ChunkOutcome::rejected;
  const std::uint8_t count = fragments_for(size);
  Reassembly& slot = slot_for(index, count, static_cast<std::uint16_t>(size));
  auto& bytes = bytes_of(slot);
  for (std::size_t number = 0; number < wave_max_fragments; ++number) {
    const std::uint32_t bit = 1U << number;
    const std::size_t offset = number * fragment_data_size;
    if ((have & bit) == 0 || (slot.have & bit) != 0 || offset + fragment_data_size > fragments.size()) continue;
    // The wave pads the last data fragment with zeros, as the code does.
    std::copy_n(fragments.begin() + static_cast<std::ptrdiff_t>(offset), fragment_data_size,
                bytes.begin() + static_cast<std::ptrdiff_t>(offset));
    slot.have |= bit;
  }
  // As old as the last fragment heard: the gap fill is due once the sender fell silent.
  slot.touched_us = heard_us;
  slot.from = from;
  HeaderOutcome header_outcome = HeaderOutcome::duplicate;
  return finish(slot, view, header_outcome);
}

void Disseminator::follow_wave(std::uint64_t quiet_until_us, bool relay) noexcept {
  wave_ = true;
  wave_relay_ = relay;
  quiet_until_us_ = quiet_until_us;
  header_pending_ = false;
  push_size_ = 0;
  outgoing_ = Outgoing{};
  repair_jitter_us_ = random_below(config_.repair_idle_us / 4 + 1);
  if (next_request_at_ < quiet_until_us) next_request_at_ = quiet_until_us;
}

std::uint64_t Disseminator::gap_fill_due_us(const Reassembly& slot) const noexcept {
  // Once the sender fell silent; after a wave, not before the repair jitter, or every
  // listener of a relay would ask at once.
  const std::uint64_t due = slot.touched_us + gap_idle_us();
  return wave_ ? std::max(due, quiet_until_us_ + repair_jitter_us_) : due;
}

std::uint64_t Disseminator::repair_due_us() const noexcept {
  // After a wave, what is missing is asked for at once (with a little jitter so that
  // neighbours do not all ask together), not after an idle interval.
  if (wave_ && last_progress_us_ <= quiet_until_us_ + repair_jitter_us_) return quiet_until_us_ + repair_jitter_us_;
  return last_progress_us_ + config_.repair_idle_us;
}

void Disseminator::push(std::uint16_t index) noexcept {
  if (push_size_ == push_capacity) return;  // repair fills what the push drops
  push_ring_[(push_head_ + push_size_) % push_capacity] = index;
  ++push_size_;
}

void Disseminator::on_advert(node::NodeId from, const AdvertBody& advert, const DisseminationView& view) noexcept {
  if (header_ok_ && advert.blob_id == verifier_.header().blob_id) {
    ++trickle_heard_;
    return;
  }
  // A different blob: newer → fetch its header from the advertiser; older → tell them.
  if (!header_ok_ || advert.security_counter > verifier_.header().security_counter) {
    header_source_ = from;
  } else {
    reset_trickle(view.now_us);
  }
}

void Disseminator::on_complete_neighbour(node::NodeId from) noexcept {
  if (header_ok_ || config_.role == Role::gateway || header_source_ != node::no_node) return;
  header_source_ = from;
}

void Disseminator::on_request(const RequestBody& request, const DisseminationView& view) noexcept {
  if (request.target != view.self || !header_ok_) return;
  if (request.want_header == want_header_too) header_pending_ = true;
  if (request.blob_id != verifier_.header().blob_id) return;
  if (request.want_header == want_fragments) {
    // Gap fill: some fragments of one chunk we hold.
    if (!verifier_.received().test(request.base)) return;
    const auto mask = static_cast<std::uint32_t>(request.mask);
    for (std::size_t i = 0; i < gap_fill_count_; ++i)
      if (gap_fills_[i].index == request.base) {
        gap_fills_[i].mask |= mask;
        return;
      }
    if (gap_fill_count_ < gap_fills_.size()) gap_fills_[gap_fill_count_++] = {request.base, mask};
    return;
  }
  for (std::uint32_t i = 0; i < 64; ++i) {
    if ((request.mask >> i & 1U) == 0) continue;
    const std::uint32_t index = request.base + i;
    if (!verifier_.received().test(index)) continue;
    auto& word = serve_[index / 64];
    const std::uint64_t bit = std::uint64_t{1} << (index % 64);
    if ((word & bit) == 0) {
      word |= bit;
      ++serve_count_;
    }
  }
}

void Disseminator::reset_trickle(std::uint64_t now_us) noexcept {
  trickle_interval_ = config_.trickle_min_us;
  roll_trickle(now_us);
}

void Disseminator::roll_trickle(std::uint64_t now_us) noexcept {
  trickle_heard_ = 0;
  trickle_fired_ = false;
  trickle_end_at_ = now_us + trickle_interval_;
  trickle_fire_at_ = now_us + trickle_interval_ / 2 + random_below(trickle_interval_ / 2);
}

bool Disseminator::start_outgoing(Outgoing& o, std::uint16_t index, std::uint32_t mask) noexcept {
  const std::size_t size = packet_size(index);
  if (size == 0) return false;
  if (index != header_fragment_index && store_->read(index).size() != size) return false;
  o.active = true;
  o.paced = false;
  o.index = index;
  o.count = fragments_for(size);
  // Whole packets carry parity; a gap fill sends exactly the fragments asked for, data or
  // parity.
  if (mask == 0xFFFFFFFFU) {
    o.parity = static_cast<std::uint8_t>(repair_parity_for(o.count));
  } else {
    const auto top = static_cast<std::size_t>(wave_max_fragments - static_cast<std::size_t>(std::countl_zero(mask)));
    o.parity = static_cast<std::uint8_t>(top > o.count ? top - o.count : 0);
  }
  o.mask = mask;
  o.next = 0;
  const std::size_t total = std::size_t{o.count} + o.parity;
  while (o.next < total && (mask >> o.next & 1U) == 0) ++o.next;
  if (o.next >= total) o.active = false;
  return o.active;
}

std::uint64_t Disseminator::gap_idle_us() const noexcept {
  // Longer than a sender's gap between two fragments of one chunk under contention.
  return 4 * config_.push_interval_us;
}

std::size_t Disseminator::next_fragment(Outgoing& o, std::span<std::uint8_t> out) noexcept {
  const std::uint16_t index = o.index;
  const std::span<const std::uint8_t> packet =
      index == header_fragment_index ? std::span<const std::uint8_t>(signed_header_) : store_->read(index);
  const std::size_t offset = static_cast<std::size_t>(o.next) * fragment_data_size;
  const std::size_t total = std::size_t{o.count} + o.parity;
  if (packet.empty() || o.next >= total || (o.next < o.count && offset >= packet.size())) {
    o.active = false;
    return 0;
  }
  wire::BoundedWriter w(out);
  w.u16be(index);
  w.u8(o.next);
  if (o.next < o.count) {
    const std::size_t n = packet.size() - offset < fragment_data_size ? packet.size() - offset : fragment_data_size;
    w.bytes(packet.subspan(offset, n));
  } else {
    std::array<std::uint8_t, (max_packet_fragments)*fragment_data_size> data{};
    std::copy(packet.begin(), packet.end(), data.begin());
    std::array<std::uint8_t, wave_fragment_size> parity{};
    if (!wave_parity_fragment(o.count, o.next, data, parity)) {
      o.active = false;
      return 0;
    }
    w.bytes(parity);
  }
  ++o.next;
  while (o.next < total && (o.mask >> o.next & 1U) == 0) ++o.next;
  if (o.next >= total) o.active = false;
  if (index == header_fragment_index) ++sent_.header_frames;
  else ++sent_.data_frames;
  return w.ok() ? w.size() : 0;
}

std::size_t Disseminator::write_request(const RequestBody& request, std::span<std::uint8_t> out) noexcept {
  ++sent_.requests;
  return encode_request_body(request, out);
}

std::size_t Disseminator::next_message(const DisseminationView& view, MessageType& type,
                                       std::span<std::uint8_t> out) noexcept {
  const std::uint64_t now = view.now_us;
  if (wave_ && now < quiet_until_us_) return 0;
  // 1. A packet already started goes on (the gateway's push: one fragment per interval).
  if (outgoing_.active && (!outgoing_.paced || now >= gateway_next_at_)) {
    if (outgoing_.paced) gateway_next_at_ = now + config_.push_interval_us;
    type = MessageType::fragment;
    return next_fragment(outgoing_, out);
  }
  // 2. Gap fills, between paced pushes too: they complete chunks others nearly have.
  if (!service_.active && gap_fill_count_ > 0) {
    const GapFill fill = gap_fills_[--gap_fill_count_];
    if (start_outgoing(service_, fill.index, fill.mask)) ++sent_.gap_fills;
  }
  if (service_.active) {
    type = MessageType::fragment;
    return next_fragment(service_, out);
  }
  // 3. A new packet: the header, the gateway's next chunk, a chunk to pass on, a repair.
  if (!outgoing_.active) {
    if (header_ok_ && header_pending_) {
      header_pending_ = false;
      (void)start_outgoing(outgoing_, header_fragment_index);
    } else if (header_ok_ && view.gateway && !wave_ && gateway_next_ < verifier_.header().chunk_count) {
      if (start_outgoing(outgoing_, static_cast<std::uint16_t>(gateway_next_))) {
        outgoing_.paced = true;
        ++gateway_next_;
        ++sent_.push_chunks;
      }
    } else {
      while (push_size_ > 0 && !outgoing_.active) {
        const std::uint16_t index = push_ring_[push_head_];
        push_head_ = (push_head_ + 1) % push_capacity;
        --push_size_;
        if (start_outgoing(outgoing_, index)) ++sent_.push_chunks;
      }
      for (std::size_t w = 0; serve_count_ > 0 && !outgoing_.active && w < serve_.size(); ++w) {
        while (serve_[w] != 0 && !outgoing_.active) {
          std::size_t b = 0;
          while ((serve_[w] >> b & 1U) == 0) ++b;
          serve_[w] &= ~(std::uint64_t{1} << b);
          --serve_count_;
          if (start_outgoing(outgoing_, static_cast<std::uint16_t>(w * 64 + b))) ++sent_.repair_chunks;
        }
      }
    }
    if (outgoing_.active && (!outgoing_.paced || now >= gateway_next_at_)) {
      if (outgoing_.paced) gateway_next_at_ = now + config_.push_interval_us;
      type = MessageType::fragment;
      return next_fragment(outgoing_, out);
    }
  }
  if (outgoing_.active) return 0;  // the gateway's pace
  // Gap fill: a chunk stalled with fragments missing; ask the node we heard it from. After
  // a wave, not before the repair jitter: every listener of a relay would ask at once.
  for (auto& slot : reassembly_) {
    // A header's fragments do not stay after the last ask: a header from another sender
    // (a newer blob, or a forged one) must not mix with them, and it is fetched whole.
    if (slot.used && slot.index == header_fragment_index && slot.asks >= max_gap_asks &&
        now >= slot.touched_us + gap_idle_us())
      slot.used = false;
    if (!asking(slot) || now < gap_fill_due_us(slot)) continue;
    if (slot.index != header_fragment_index && !header_ok_) {
      slot.used = false;
      continue;
    }
    // A chunk's fragments stay after the last ask: a whole packet from repair tops them up.
    ++slot.asks;
    slot.touched_us = now;
    RequestBody request;
    request.target = slot.from;
    if (header_ok_) request.blob_id = verifier_.header().blob_id;
    request.want_header = slot.index == header_fragment_index ? want_header_too : want_fragments;
    request.base = slot.index;
    request.mask = gap_fill_mask(slot.have, slot.count);
    type = MessageType::request;
    return write_request(request, out);
  }
  // Request the header of a newer blob a neighbour advertised.
  if (header_source_ != node::no_node && now >= next_request_at_) {
    RequestBody request;
    request.target = header_source_;
    request.want_header = 1;
    if (header_ok_) request.blob_id = verifier_.header().blob_id;
    header_source_ = node::no_node;
    // Unanswered requests back off (the source may be busy with a wave, or the link lossy).
    const std::uint64_t wait = config_.repair_idle_us << std::min<std::uint32_t>(failed_requests_, max_request_backoff);
    next_request_at_ = now + wait + random_below(wait / 2);
    ++failed_requests_;
    type = MessageType::request;
    return write_request(request, out);
  }
  // Repair: missing chunks after a quiet spell.
  if (header_ok_ && !verifier_.complete() && !view.gateway && now >= next_request_at_ &&
      now >= repair_due_us() && view.neighbours != nullptr) {
    RequestBody request;
    request.blob_id = verifier_.header().blob_id;
    const std::size_t base = verifier_.received().first_missing();
    request.base = static_cast<std::uint16_t>(base);
    for (std::size_t i = 0; i < 64 && base + i < verifier_.received().count(); ++i)
      if (!verifier_.received().test(base + i)) request.mask |= std::uint64_t{1} << i;
    // Chunks a gap fill is completing are not asked for whole, unless its first ask went
    // unanswered (the sender may be busy, or out of reach).
    for (const auto& slot : reassembly_)
      if (asking(slot) && slot.asks <= 1 && slot.index != header_fragment_index && slot.index >= base &&
          slot.index - base < 64U)
        request.mask &= ~(std::uint64_t{1} << (slot.index - base));
    if (request.mask == 0) {
      next_request_at_ = now + config_.repair_idle_us;
    } else {
      request.target = view.neighbours->best_source(view.parent, present(), view.round, failed_requests_);
      // Requests that brought nothing back off: each sets another source serving, and where
      // several nodes repair at once, sources that do not hear each other collide at every
      // requester until none of them completes a chunk.
      const std::uint64_t wait = config_.repair_idle_us << std::min<std::uint32_t>(failed_requests_, max_request_backoff);
      next_request_at_ = now + wait + random_below(wait / 2);
      ++failed_requests_;  // progress resets it; otherwise the next request tries another source
      if (request.target != node::no_node) {
        type = MessageType::request;
        return write_request(request, out);
      }
    }
  }
  // Trickle advert (RFC 6206, k = 1).
  if (header_ok_) {
    if (now >= trickle_end_at_) {
      trickle_interval_ = trickle_interval_ * 2 > config_.trickle_max_us ? config_.trickle_max_us : trickle_interval_ * 2;
      roll_trickle(now);
    }
    if (!trickle_fired_ && now >= trickle_fire_at_) {
      trickle_fired_ = true;
      if (trickle_heard_ < 1) {
        wire::BoundedWriter w(out);
        w.bytes(verifier_.header().blob_id);
        w.u32be(verifier_.header().security_counter);
        w.u16be(verifier_.header().chunk_count);
        w.u16be(present());
        w.u16be(static_cast<std::uint16_t>(verifier_.received().first_missing()));
        type = MessageType::advert;
        ++sent_.adverts;
        return w.ok() ? w.size() : 0;
      }
    }
  }
  return 0;
}

std::uint64_t Disseminator::next_deadline() const noexcept {
  std::uint64_t t = never;
  auto at = [&t](std::uint64_t v) {
    if (v < t) t = v;
  };
  if (header_source_ != node::no_node) at(next_request_at_);
  for (const auto& slot : reassembly_)
    if (asking(slot)) at(gap_fill_due_us(slot));
  if (!header_ok_) return t;
  if (outgoing_.active) at(outgoing_.paced ? gateway_next_at_ : 0);
  if (gap_fill_count_ > 0 || service_.active) at(0);
  if (header_pending_ || push_size_ > 0 || serve_count_ > 0) at(0);
  if (config_.role == Role::gateway && !wave_ && gateway_next_ < verifier_.header().chunk_count && !outgoing_.active)
    at(0);
  if (!verifier_.complete() && config_.role != Role::gateway) {
    const std::uint64_t idle = repair_due_us();
    at(idle > next_request_at_ ? idle : next_request_at_);
  }
  at(trickle_fired_ ? trickle_end_at_ : trickle_fire_at_);
  if (wave_ && t < quiet_until_us_) t = quiet_until_us_;
  return t;
}

}  // namespace meshsec::mesh
