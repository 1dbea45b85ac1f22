// The attackers (docs/simulator.md §Attacks). Each is a radio station of its own; the
// insiders hold a real net::NetworkLayer provisioned with keys extracted from a stolen
// node. An attack "succeeds" when it achieves its goal anywhere in the mesh:
//   eavesdropper     a captured frame shows plaintext (reading or image marker)
//   replayer         a re-sent captured frame passes a node's network layer
//   forger           a frame built without the network key passes a network layer
//   bit_flipper      a captured frame with flipped bits (CRC recomputed) passes (a sync
//                    request, in the clear by design, is just another request)
//   stolen node      before revocation: a reading forged for another node is accepted by
//                    the back office, a forged commissioning record is applied, or a node
//                    follows a forged wave announcement or takes a forged link survey;
//                    after revocation: any of its frames passes a network layer, or it
//                    opens a rekey handed on after it asked for one (§7.5)
//   rogue injector   a forged blob header is accepted or a forged chunk stored anywhere
//   jammer           a damaged frame passes a node's CRC and MIC
#include <algorithm>
#include <limits>
#include <array>
#include <deque>
#include <stdexcept>
#include <cmath>
#include <numbers>

#include "net/frame_crypto.hpp"
#include "net/network_layer.hpp"
#include "node/nv_ram_store.hpp"
#include "sim/attacker.hpp"
#include "sim/simulator.hpp"
#include "wire/crc16.hpp"
#include "wire/net_frame.hpp"
#include "wire/net_token.hpp"

namespace meshsec::sim {



namespace {

bool contains(const std::vector<std::uint8_t>& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

void Simulator::place_attackers() {
  if (!scenario_.phases.attacks) return;
  SimRng arng = rng_.fork(0xA77AC);
  // The stolen node: a random node away from the gateway.
  stolen_station_ = static_cast<std::uint32_t>(1 + arng.below(node_count() - 1));
  auto add = [&](AttackKind kind, bool enabled, bool insider) {
    if (!enabled) return;
    auto a = std::make_unique<Attacker>();
    a->kind = kind;
    // Next to a random node (the stolen node's own place for the insiders).
    const std::uint32_t anchor = insider ? stolen_station_ : static_cast<std::uint32_t>(1 + arng.below(node_count() - 1));
    const auto& p = topology_.position(anchor);
    const double angle = arng.uniform() * 2 * std::numbers::pi;
    const double r = topology_.range() * 0.3;
    a->station = topology_.add_station({p.x + r * std::cos(angle), p.y + r * std::sin(angle)});
    if (insider) {
      keys::NodeKeySet set;
      const auto stolen_id = static_cast<node::NodeId>(stolen_station_ + 1);
      keys_->node_keys(stolen_id, 1, false, set);  // the keys extracted from the device
      net::NetConfig config;
      config.channel = 11;
      config.domain = 0x123;
      // The stolen node speaks as itself; the injector as a made-up address.
      a->address = kind == AttackKind::rogue_blob_injector ? static_cast<node::NodeId>(node_count() + 100) : stolen_id;
      config.address = a->address;
      a->net = std::make_unique<net::NetworkLayer>(config, a->nv);
      if (a->net->provision(1, set.key(keys::KeyPurpose::net), set.key(keys::KeyPurpose::enc)) != net::SetupError::ok)
        throw std::runtime_error("attacker provisioning failed");
      if (!a->sealer.init(set.key(keys::KeyPurpose::e2))) throw std::runtime_error("attacker sealer failed");
    }
    attackers_.push_back(std::move(a));
  };
  const auto& s = scenario_.attacks;
  add(AttackKind::eavesdropper, s.eavesdropper, false);
  add(AttackKind::replayer, s.replayer, false);
  add(AttackKind::forger, s.forger, false);
  add(AttackKind::bit_flipper, s.bit_flipper, false);
  add(AttackKind::stolen_node_before_revocation, s.stolen_node, true);
  add(AttackKind::rogue_blob_injector, s.rogue_injector, true);
  add(AttackKind::jammer, s.jammer, false);
  radio_.resize(topology_.station_count());
  duty_.resize(topology_.station_count());
  note_lane_listeners();
}

void Simulator::capture(std::uint32_t station, const Transmission& t) {
  for (auto& a : attackers_) {
    if (a->station != station) continue;
    if (a->kind != AttackKind::eavesdropper && a->kind != AttackKind::replayer && a->kind != AttackKind::bit_flipper &&
        a->kind != AttackKind::stolen_node_after_revocation)
      return;
    ++a->captured_total;
    if (a->kind == AttackKind::stolen_node_after_revocation) {
      wire::BoundedReader in(t.bytes);
      wire::NetHeader h;
      if (wire::read_net_header(in, h) == wire::WireError::ok && h.type == wire::NetFrameType::key_delivery &&
          h.dst == wire::NetLayout::broadcast && a->handed_on.size() < 256) {
        const auto body = in.rest();
        if (body.size() > wire::kCrc16Size)
          a->handed_on.emplace_back(body.begin(), body.end() - static_cast<std::ptrdiff_t>(wire::kCrc16Size));
      }
      return;
    }
    if (a->kind == AttackKind::eavesdropper) {
      // Learns nothing readable: look for any plaintext the mesh carries.
      if (contains(t.bytes, reading_marker) || contains(t.bytes, image_marker.substr(0, 12))) ++a->readable;
      return;
    }
    a->captured.push_back({t.bytes, now(), t.accepted_by});
    if (a->captured.size() > 256) a->captured.pop_front();
    return;
  }
}

bool Simulator::send_as_insider(Attacker& a, std::span<const std::uint8_t> mesh_message) {
  // Insiders keep their network layer on the mesh's time (they can hear it).
  a.net->tick(now_ / 1000);
  a.net->set_global_time(nodes_[0]->mesh->network().clock().now());
  std::array<std::uint8_t, 97> tokens{};
  wire::BoundedWriter w(tokens);
  (void)wire::write_token(w, mesh::mesh_token_type, mesh_message);
  std::array<std::uint8_t, 128> frame{};
  std::size_t len = 0;
  return a.net->send(wire::NetLayout::broadcast, w.written(), frame, len, 1) == net::SendError::ok &&
         start_transmission(a.station, std::span<const std::uint8_t>(frame).first(len), a.kind);
}

void Simulator::race_forged_sealed_keys(const std::vector<std::vector<std::uint8_t>>& genuine) {
  const auto stolen_id = static_cast<node::NodeId>(stolen_station_ + 1);
  keys::NodeKeySet extracted;
  keys_->node_keys(stolen_id, 1, false, extracted);
  auto& tally = attacks_[static_cast<std::size_t>(AttackKind::stolen_node_after_revocation)];
  const std::uint16_t net_id = nodes_[0]->mesh->network().net_id();
  for (auto& a : attackers_) {
    if (a->kind != AttackKind::stolen_node_before_revocation) continue;
    for (const auto& body : genuine) {
      mesh::CoverKeyView v;
      if (!mesh::parse_cover_key(body, v)) continue;
      // Sealed under a key it holds, around a key of its own: the check it cannot make.
      crypto::AesAead aead;
      const std::array<std::uint8_t, 16> own_key{0xA7, static_cast<std::uint8_t>(a->counter)};
      std::vector<std::uint8_t> forged(mesh::cover_key_max_size);
      if (mesh::init_cover_key(aead, extracted.cover_key(0)) != crypto::Status::ok) continue;
      forged.resize(mesh::seal_cover_key(aead, net_id, v.epoch, v.subset, own_key, forged));
      if (forged.empty()) continue;
      // A downlink flood in the gateway's name, which every node carries on.
      mesh::MeshHeader h;
      h.type = mesh::MessageType::downlink;
      h.origin = 1;
      h.seq = static_cast<std::uint16_t>(0xF000 + a->counter++);
      h.ttl = 200;
      h.hops = 200;
      h.parent = 0;
      mesh::AppBody app;
      app.destination = node::broadcast_id;
      app.length = static_cast<std::uint16_t>(forged.size());
      std::copy(forged.begin(), forged.end(), app.payload.begin());
      std::array<std::uint8_t, mesh::max_message_size> message{};
      const std::size_t len = mesh::encode_app(h, app, message);
      bool sent = false;
      for (int tries = 0; tries < 20 && !sent; ++tries) {
        sent = send_as_insider(*a, std::span<const std::uint8_t>(message).first(len));
        if (!sent) run_for(5'000);  // its radio is busy
      }
      if (!sent) continue;
      ++tally.attempts;
      forged_sealed_keys_.push_back(std::move(forged));
      run_for(60'000);  // it spreads before the next one goes out
    }
  }
}

std::uint32_t Simulator::nodes_keeping_forged_sealed_keys() const {
  std::vector<keys::SubtreeIndex> subsets;  // of each forged body, parsed once
  for (const auto& f : forged_sealed_keys_) {
    mesh::CoverKeyView v;
    subsets.push_back(mesh::parse_cover_key(f, v) ? v.subset : keys::no_subtree);
  }
  std::uint32_t n = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i) {
    const auto& bundle = nodes_[i]->mesh->rekey_bundle();
    bool keeps = false;
    for (std::size_t k = 0; k < forged_sealed_keys_.size() && !keeps; ++k) {
      const auto kept = bundle.sealed_key(subsets[k]);
      const auto& f = forged_sealed_keys_[k];
      keeps = !kept.empty() && std::equal(kept.begin(), kept.end(), f.begin(), f.end());
    }
    n += keeps ? 1U : 0U;
  }
  return n;
}

void Simulator::start_jam(std::uint32_t station, std::uint64_t duration_us) {
  // A burst of noise as long as `duration_us` (a transmission without content).
  const auto bytes = static_cast<std::size_t>(duration_us * scenario_.radio.bitrate_bps / 8 / 1'000'000);
  std::vector<std::uint8_t> noise(std::max<std::size_t>(bytes, 8), 0xA5);
  if (start_transmission(station, noise, AttackKind::jammer)) last_transmission_of(station).jam = true;
}

std::uint64_t Simulator::flood_numbers_reused() const {
  return sum_over_nodes([](const mesh::MeshNode& m) { return m.flood_numbers_reused(); });
}

void Simulator::phase_attacks(bool after_revocation) {
  if (attackers_.empty()) return;
  if (!after_revocation) fail_node(stolen_station_);  // the device is gone from the mesh
  for (auto& a : attackers_)
    if (a->kind == AttackKind::stolen_node_before_revocation && after_revocation)
      a->kind = AttackKind::stolen_node_after_revocation;
  const std::uint64_t readings_forged_before = back_office_->forged_accepted();
  forged_flood_starts_.clear();  // each phase counts the floods it forged
  const ReadingsCount readings_before = readings_count();
  const std::uint64_t reused_before = flood_numbers_reused();
  // Downlink frames carried meanwhile: the gateway's floods and what the insider's forged
  // ones in its name cost (docs/simulator.md §Attacks, "insider floods").
  struct FloodTally {
    std::uint64_t from_gateway = 0, carried = 0, forged = 0;
  };
  const auto flood_tally = [this] {
    FloodTally t;
    t.from_gateway = nodes_[0]->mesh->sent_of(mesh::MessageType::downlink);
    for (std::uint32_t i = 1; i < node_count(); ++i) t.carried += nodes_[i]->mesh->sent_of(mesh::MessageType::downlink);
    for (const auto& a : attackers_) t.forged += a->forged_floods;
    return t;
  };
  const FloodTally floods_before = flood_tally();
  const std::uint32_t windows_opened_before = nodes_[0]->mesh->windows_opened();
  const std::uint64_t not_carried_before = unchecked_floods_not_carried();
  // Legitimate traffic for the attackers to work on, and to show what still gets through.
  schedule_readings(attack_window, scenario_.phases.attack_s);
  attack_round(after_revocation);
  const auto span = static_cast<std::uint64_t>(scenario_.phases.attack_s * 1e6);
  const std::string name = after_revocation ? "attacks after revocation" : "attacks";
  for (std::uint64_t t = 0; t < span + 3'000'000; t += 1'000'000) {
    run_for(1'000'000);
    progress(name, static_cast<double>(t + 1'000'000) / static_cast<double>(span + 3'000'000));
  }
  add_readings_window(attack_window, readings_before);
  report_.unchecked_floods_not_carried_attacks += unchecked_floods_not_carried() - not_carried_before;
  // Outcomes that show at the receivers' ends rather than per frame.
  auto& stolen = attacks_[static_cast<std::size_t>(after_revocation ? AttackKind::stolen_node_after_revocation
                                                                    : AttackKind::stolen_node_before_revocation)];
  stolen.succeeded += back_office_->forged_accepted() - readings_forged_before;
  auto forged = [&](std::uint64_t start) {
    return std::find(forged_flood_starts_.begin(), forged_flood_starts_.end(), start) != forged_flood_starts_.end();
  };
  const FloodTally floods_after = flood_tally();
  if (!after_revocation) {
    const Misled misled = nodes_misled_through_stolen_node();
    stolen.succeeded += misled.by_more;
    stolen.note = std::to_string(misled.by_one) +
                  " nodes send through it by a way one hop shorter than it has (its genuine beacon copies repeated as "
                  "its own, which the chain cannot tell apart; two or more hops shorter would count as successes); " +
                  std::to_string(flood_numbers_reused() - reused_before) +
                  " messages taken as new under a number used before with other contents (its forgeries go under the "
                  "numbers the gateway and its victims use next); " +
                  std::to_string(floods_after.forged - floods_before.forged) + " forged downlinks in the gateway's name, " +
                  std::to_string(floods_after.from_gateway - floods_before.from_gateway) +
                  " downlink frames from the gateway and " + std::to_string(floods_after.carried - floods_before.carried) +
                  " carried by the nodes meanwhile (a records flood, which only the node it names can check, is "
                  "carried on only in a round the gateway opened for such floods; the gateway opened " +
                  std::to_string(nodes_[0]->mesh->windows_opened() - windows_opened_before) +
                  " in the window; a round opened by one of its forged tags would count as a success)";
  }
  for (std::uint32_t i = 1; i < node_count(); ++i) {
    if (nodes_[i]->mesh->params().group == 0xBEE) ++stolen.succeeded;
    const auto& m = *nodes_[i]->mesh;
    // A round opened for unchecked floods that the gateway never opened: a forged tag taken.
    if (m.window_round() > nodes_[0]->mesh->window_round()) ++stolen.succeeded;
    if (m.wave().following() && forged(m.wave().announcement().t0_us)) ++stolen.succeeded;
    if (forged(m.survey().t0_us)) ++stolen.succeeded;
  }
  if (after_revocation) {
    const std::size_t handed = stolen_learned_key(stolen);
    const std::uint32_t keeping = nodes_keeping_forged_sealed_keys();
    stolen.succeeded += keeping;
    stolen.note = std::to_string(unrevoked_acceptances_) +
                  " of the acceptances by nodes the key refresh had not reached (see revocation); " +
                  std::to_string(handed) + " rekey bodies handed on within its hearing tried with its 17 keys; " +
                  std::to_string(forged_sealed_keys_.size()) + " forged sealed keys raced ahead of the rekey, " +
                  std::to_string(keeping) + " nodes keep one to hand on";
  }
  for (auto& a : attackers_) {
    if (a->kind != AttackKind::eavesdropper) continue;
    auto& e = attacks_[static_cast<std::size_t>(AttackKind::eavesdropper)];
    e.attempts = a->captured_total;
    e.succeeded = a->readable;
    e.note = "frames captured; succeeded = frames showing plaintext";
  }
}

void Simulator::attack_round(bool after_revocation) {
  const auto span = static_cast<std::uint64_t>(scenario_.phases.attack_s * 1e6);
  const std::uint32_t attempts = scenario_.attacks.attempts;
  SimRng arng = rng_.fork(after_revocation ? 0xA2 : 0xA1);
  for (auto& holder : attackers_) {
    Attacker* a = holder.get();
    for (std::uint32_t k = 0; k < attempts; ++k) {
      const std::uint64_t at = now_ + 500'000 + arng.below(span);
      const std::uint64_t salt = arng.next();
      schedule_action(at, [this, a, salt, k] {
        SimRng r(salt);
        auto& tally = attacks_[static_cast<std::size_t>(a->kind)];
        auto send = [&](std::span<const std::uint8_t> frame) {
          if (frame.empty()) return;
          if (start_transmission(a->station, frame, a->kind)) ++tally.attempts;
        };
        auto insider_send = [&](std::span<const std::uint8_t> mesh_message) {
          if (send_as_insider(*a, mesh_message)) ++tally.attempts;
        };
        switch (a->kind) {
          case AttackKind::replayer: {
            if (a->captured.empty()) return;
            // Old frames (outside the window) and fresh ones (inside it) alike.
            const auto& f = k % 2 == 0 ? a->captured.front() : a->captured[r.below(a->captured.size())];
            if (start_transmission(a->station, f.bytes, a->kind)) {
              ++tally.attempts;
              auto& t = last_transmission_of(a->station);
              t.original_time = f.time;
              t.original_accepted_by = f.accepted_by;
            }
            return;
          }
          case AttackKind::bit_flipper: {
            if (a->captured.empty()) return;
            std::vector<std::uint8_t> f = a->captured.back().bytes;
            if (f.size() < 4) return;
            const std::size_t body = f.size() - wire::kCrc16Size;
            // Any byte but the TTL, which is outside the MIC by design (relays lower it;
            // the network layer bounds it by max_ttl).
            const std::size_t ttl_at = wire::net_ttl_offset(wire::peek_net_frame_type(f));
            std::size_t pos = r.below(body - 1);
            if (pos >= ttl_at) ++pos;
            f[pos] ^= static_cast<std::uint8_t>(1U << r.below(8));
            (void)wire::append_crc16(f, body);  // a careful attacker fixes the CRC
            send(f);
            return;
          }
          case AttackKind::forger: {
            // A frame sealed under a key the attacker made up, with plausible fields.
            crypto::AesAead aead;
            std::array<std::uint8_t, 16> key{};
            for (auto& b : key) b = static_cast<std::uint8_t>(r.next());
            if (aead.init(crypto::AeadMode::ccm, key, 8) != crypto::Status::ok) return;
            wire::NetHeader h;
            h.channel = 11;
            h.domain = 0x123;
            h.src = static_cast<std::uint16_t>(2 + r.below(node_count() - 1));
            h.dst = wire::NetLayout::broadcast;
            h.time = nodes_[0]->mesh->network().clock().now();
            h.seq = static_cast<std::uint8_t>(r.below(256));
            h.ttl = 1;
            h.key_index = 1;
            std::array<std::uint8_t, 40> body{};
            body[0] = mesh::mesh_token_type;
            body[1] = 38;
            for (std::size_t i = 2; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(r.next());
            std::array<std::uint8_t, 128> frame{};
            std::size_t len = 0;
            if (net::seal_frame(aead, h, h.time, body, frame, len) == net::BuildError::ok)
              send(std::span<const std::uint8_t>(frame).first(len));
            return;
          }
          case AttackKind::stolen_node_before_revocation:
          case AttackKind::stolen_node_after_revocation: {
            // Forge a reading for another node (sealed under the stolen node's key), a
            // commissioning record for another node, a wave announcement for the blob the
            // stolen node's own part names on a schedule of its own (followed, it would set
            // every relay sending the whole image again and hold the mesh's contention
            // traffic for the wave's span), or a link survey (taken, it would hold every
            // node probing for up to an hour); after revocation the frame itself should not
            // even pass the network layer.
            // Another node: the stolen node's own readings, sealed under its own key, are
            // genuine until its revocation (and not an attack).
            auto victim = static_cast<node::NodeId>(2 + r.below(node_count() - 2));
            if (victim >= stolen_station_ + 1) ++victim;
            if (a->kind == AttackKind::stolen_node_after_revocation && k % 5 == 4) {
              // Ask the neighbours for the key it was left out of (wire-format.md §7.5), in
              // its own name or another node's: the clear sync request names epoch 1.
              // What it hears handed on is tried with all its keys (stolen_learned_key).
              a->net->tick(now_ / 1000);
              std::array<std::uint8_t, 64> frame{};
              std::size_t len = 0;
              if (a->net->make_sync_request(frame, len) != net::SendError::ok) return;
              if (k % 2 == 0) {
                frame[3] = static_cast<std::uint8_t>(victim >> 8);  // src: a clear field
                frame[4] = static_cast<std::uint8_t>(victim);
                (void)wire::append_crc16(frame, len - wire::kCrc16Size);
              }
              send(std::span<const std::uint8_t>(frame).first(len));
              return;
            }
            if (a->kind == AttackKind::stolen_node_before_revocation && k % 6 >= 4) {
              // Beacons of its own (insider_beacons.cpp): a later round, or a genuine copy
              // passed off as a way to the gateway one hop long.
              if (k % 6 == 4 ? send_forged_beacon(*a, (k / 6) % 2 == 0) : send_poisoned_beacon(*a)) ++tally.attempts;
              return;
            }
            // Every forged message goes under a number its claimed origin uses next (numbers
            // are sequential, and it hears them all): were the duplicate cache keyed on the
            // number alone, the genuine message would then be dropped everywhere as a copy.
            mesh::MeshHeader h;
            h.origin = victim;
            h.seq = static_cast<std::uint16_t>(nodes_[victim - 1U]->mesh->last_seq() + 1U);
            h.ttl = 200;
            h.hops = 200;
            h.parent = 0;
            mesh::AppBody app;
            if (k % 4 >= 2) {
              h.type = mesh::MessageType::downlink;
              h.origin = 1;  // pretends to be the gateway
              h.seq = static_cast<std::uint16_t>(nodes_[0]->mesh->last_seq() + 1U + a->counter % 4U);
              // The last announcement or survey every node heard, moved to a start of the
              // attacker's choosing; it cannot sign, so it keeps the genuine signature.
              const std::uint64_t start = nodes_[0]->mesh->global_us() + 2'000'000 + 1'000ULL * a->counter++;
              forged_flood_starts_.push_back(start);
              std::size_t n = 0;
              if (k % 4 == 2) {
                mesh::WaveAnnouncement forged = nodes_[0]->mesh->wave().announcement();
                forged.t0_us = start;
                n = mesh::encode_wave_announcement(forged, app.payload);
              } else {
                mesh::LinkSurvey forged = nodes_[0]->mesh->survey();
                forged.survey = static_cast<std::uint16_t>(forged.survey + 1);
                forged.t0_us = start;
                n = mesh::encode_link_survey(forged, app.payload);
              }
              app.length = static_cast<std::uint16_t>(n);
            } else if (k % 4 == 0) {
              h.type = mesh::MessageType::uplink;
              h.flags = mesh::flag_retry;  // any closer node may carry it
              auto plain = BackOffice::reading_plaintext(victim, BackOffice::forged_seq_base + a->counter++);
              app.payload[0] = static_cast<std::uint8_t>(node::RecordKind::reading);
              const std::size_t n = a->sealer.seal(node::RecordKind::reading, node::RecordDirection::uplink, victim,
                                                   0x7FFFFFF0U + a->counter, plain, std::span<std::uint8_t>(app.payload).subspan(1));
              app.length = static_cast<std::uint16_t>(n + 1);
            } else {
              h.type = mesh::MessageType::downlink;
              h.origin = 1;  // pretends to be the gateway
              h.seq = static_cast<std::uint16_t>(nodes_[0]->mesh->last_seq() + 1U + a->counter % 4U);
              std::array<std::uint8_t, 8> params{0x00, 0x3C, 0x0B, 0xEE, 1, 4, 0, 0};
              app.payload[0] = static_cast<std::uint8_t>(mesh::DownlinkKind::records);
              app.payload[1] = static_cast<std::uint8_t>(node::RecordKind::commission);
              app.payload[2] = 1;
              app.payload[3] = static_cast<std::uint8_t>(node::record_overhead + params.size());
              const std::size_t n = a->sealer.seal(node::RecordKind::commission, node::RecordDirection::downlink, victim,
                                                   1000 + a->counter++, params, std::span<std::uint8_t>(app.payload).subspan(4));
              app.length = static_cast<std::uint16_t>(n + 4);
            }
            std::array<std::uint8_t, mesh::max_message_size> message{};
            const std::size_t len = mesh::encode_app(h, app, message);
            if (h.type == mesh::MessageType::downlink) ++a->forged_floods;
            insider_send(std::span<const std::uint8_t>(message).first(len));
            return;
          }
          case AttackKind::rogue_blob_injector: {
            // Alternately: fragments of a blob signed with the attacker's own key, and
            // forged chunks carrying the genuine blob's id.
            mesh::MeshHeader h;
            h.type = mesh::MessageType::fragment;
            h.origin = a->address;
            h.seq = static_cast<std::uint16_t>(a->counter++);
            h.hops = 1;
            h.flags = mesh::flag_blob_complete | mesh::flag_backbone;
            std::array<std::uint8_t, mesh::max_message_size> message{};
            std::size_t len = 0;
            if (k % 2 == 0) {
              static thread_local FirmwareRelease rogue;
              if (rogue.packets.empty()) rogue = build_rogue_release(scenario_.firmware, scenario_.seed);
              const std::uint8_t frag = static_cast<std::uint8_t>(k / 2 % 3);
              const std::size_t off = frag * mesh::fragment_data_size;
              const std::size_t n = std::min(mesh::fragment_data_size, rogue.signed_header.size() - off);
              len = mesh::encode_fragment(h, mesh::header_fragment_index, frag,
                                          std::span<const std::uint8_t>(rogue.signed_header).subspan(off, n), message);
            } else if (!release_.packets.empty()) {
              const auto index = static_cast<std::uint16_t>(r.below(release_.packets.size()));
              std::vector<std::uint8_t> forged = release_.packets[index];
              for (std::size_t i = 16; i < forged.size() && i < 48; ++i) forged[i] ^= 0x5A;  // altered ciphertext
              // One full forged chunk: all its fragments back to back.
              const std::size_t frags = (forged.size() + mesh::fragment_data_size - 1) / mesh::fragment_data_size;
              for (std::size_t f = 0; f < frags; ++f) {
                const std::size_t off = f * mesh::fragment_data_size;
                const std::size_t n = std::min(mesh::fragment_data_size, forged.size() - off);
                const std::size_t l = mesh::encode_fragment(h, index, static_cast<std::uint8_t>(f),
                                                            std::span<const std::uint8_t>(forged).subspan(off, n), message);
                // Queue the fragments one airtime apart.
                std::vector<std::uint8_t> copy(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(l));
                schedule_action(now_ + (f + 1) * 6'000, [this, a, copy] {
                  if (send_as_insider(*a, copy)) ++attacks_[static_cast<std::size_t>(a->kind)].attempts;
                });
              }
              return;
            }
            if (len > 0) insider_send(std::span<const std::uint8_t>(message).first(len));
            return;
          }
          case AttackKind::jammer: {
            // Bursts of 2–8 ms; over the window about jammer_duty of the time.
            const std::uint64_t burst = 2'000 + r.below(6'000);
            ++tally.attempts;
            start_jam(a->station, burst);
            return;
          }
          default: return;
        }
      });
    }
  }
}

std::size_t Simulator::stolen_learned_key(AttackResult& stolen) {
  const auto stolen_id = static_cast<node::NodeId>(stolen_station_ + 1);
  keys::NodeKeySet extracted;
  keys_->node_keys(stolen_id, 1, false, extracted);
  mesh::CoverRekey as_a_node;  // the node's own rule: its subset, if the list leaves it one
  if (!as_a_node.init(stolen_id, extracted)) return 0;
  const std::uint16_t net_id = nodes_[0]->mesh->network().net_id();
  std::size_t tried = 0;
  for (const auto& a : attackers_) {
    for (const auto& body : a->handed_on) {
      ++tried;
      mesh::CoverAnnouncement list;
      mesh::CoverKeyCommitment commitment;
      mesh::CoverKeyView sealed;
      if (mesh::parse_cover_announcement(body, net_id, list)) (void)as_a_node.take(list);
      if (mesh::parse_cover_commitment(body, net_id, commitment)) (void)as_a_node.take(commitment);
      if (!mesh::parse_cover_key(body, sealed)) continue;
      std::array<std::uint8_t, 32> key{};
      const auto out = std::span<std::uint8_t>(key).first(sealed.sealed_key.size());
      bool opened = as_a_node.open(net_id, sealed, out) == mesh::CoverOutcome::opened;
      // And the thief's way: every one of its 17 path keys on every sealed key.
      for (unsigned level = 0; level <= keys::cover_depth && !opened; ++level) {
        crypto::AesAead aead;
        opened = mesh::init_cover_key(aead, extracted.cover_key(level)) == crypto::Status::ok &&
                 mesh::open_cover_key(aead, net_id, sealed, out) == crypto::Status::ok;
      }
      crypto::secure_wipe(key.data(), key.size());
      if (opened) ++stolen.succeeded;
    }
  }
  return tried;
}

std::vector<std::uint32_t> Simulator::put_to_sleep_for_revocation() {
  // Leaves (no neighbour names them parent), as battery-powered sensors usually are: the
  // routes around them stand, and the broadcast's acknowledgements still come back.
  std::vector<std::uint32_t> live;
  for (std::uint32_t i = 1; i < node_count(); ++i)
    if (nodes_[i]->alive && !nodes_[i]->mesh->backbone()) live.push_back(i);
  const auto count = static_cast<std::size_t>(
      std::llround(scenario_.phases.rekey_asleep_fraction * static_cast<double>(live.size())));
  std::vector<std::uint32_t> asleep;
  SimRng pick = rng_.fork(0x51EE9);  // a stream of its own: how many it draws moves nothing else
  for (std::size_t k = 0; k < count && k < live.size(); ++k) {
    std::swap(live[k], live[k + pick.below(live.size() - k)]);
    asleep.push_back(live[k]);
    fail_node(live[k]);
  }
  return asleep;
}

void Simulator::catch_up_after_revocation(const std::vector<std::uint32_t>& asleep, std::uint32_t epoch) {
  // They wake holding the retired key only: every frame around them is under the new one.
  // Their neighbours hand the broadcast on (wire-format.md §7.5); nothing else is sent.
  report_.revocation_asleep = static_cast<std::uint32_t>(asleep.size());
  if (asleep.empty()) return;
  for (const auto s : asleep) wake_node(s);
  const auto hops = hops_over_alive();
  const auto start = now_;
  std::uint64_t last = start;
  auto holding = [&] {
    std::uint32_t n = 0;
    for (const auto s : asleep) n += nodes_[s]->mesh->network().keys().holds_epoch(epoch) ? 1U : 0U;
    return n;
  };
  std::uint32_t reachable = 0;
  for (const auto s : asleep) reachable += hops[s] != std::numeric_limits<std::uint32_t>::max() ? 1U : 0U;
  std::uint32_t held = 0;
  run_until(
      [&] {
        const auto h = holding();
        if (h > held) last = now_;
        held = h;
        return h >= reachable;
      },
      30'000'000, 100'000);
  report_.revocation_caught_up = held;
  report_.revocation_catch_up_seconds = static_cast<double>(last - start) / 1e6;
  std::uint32_t answers = 0;
  for (const auto& n : nodes_) answers += n->mesh->rekey_answers();
  report_.revocation_handed_on = answers;
}

void Simulator::phase_revocation() {
  report_.revocation_ran = true;
  const std::uint64_t frames_before = frames_sent();
  const std::uint64_t start = now_;
  const auto stolen_id = static_cast<node::NodeId>(stolen_station_ + 1);
  const auto asleep = put_to_sleep_for_revocation();
  back_office_->revoke(stolen_id);
  constexpr std::uint32_t epoch = revoked_epoch;
  crypto::SecretArray<16> key;
  keys_->network_key(static_cast<std::uint8_t>(epoch), key);
  auto& gateway = *nodes_[0]->mesh;
  // Key deliveries and the key switch are floods no relay can check: the gateway keeps
  // flood windows open through the revocation (some 100 s), so that they need not wait
  // for one (mesh/flood_window.hpp).
  gateway.expect_unchecked_floods(static_cast<std::uint32_t>(std::ceil(150.0 / scenario_.mesh.beacon_period_s)));
  if (gateway.gateway_stage_key(epoch, key.span()) != net::KeyChange::installed)
    throw std::runtime_error("gateway could not stage the new network key");
  // The list asks a sample of the nodes to acknowledge the key: as many as one gateway
  // hears within the acknowledgements' spread (some 20 uplinks a second), so every node in
  // a mesh of a few hundred, one in 25 at 10,000.
  const mesh::MeshConfig node_defaults;
  std::uint32_t audience = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i) audience += nodes_[i]->alive ? 1U : 0U;
  const auto hearable = static_cast<std::uint32_t>(scenario_.phases.max_readings_per_s *
                                                   static_cast<double>(node_defaults.key_ack_spread_us) / 1e6);
  const auto ack_one_in =
      static_cast<std::uint8_t>(std::clamp<std::uint32_t>((audience + hearable - 1) / std::max(hearable, 1U), 1, 255));
  // One broadcast for every node (docs/keys.md §Cover keys): the signed list of revoked
  // nodes and commitment to the new key, then the key sealed for each subset of the cover
  // of the rest. It goes out three times, a few seconds apart: a node that missed the list
  // on one pass, or its subset's key, has the next. The acknowledgements come in over the
  // nodes' spread.
  auto floods = back_office_->cover_rekey(epoch, key.span(), ack_one_in);
  const mesh::CoverAnnouncement& list = floods.parts.front();  // says who acknowledges
  auto pending = [&] {
    std::vector<node::NodeId> out;
    for (std::uint32_t i = 1; i < node_count(); ++i) {
      const auto id = static_cast<node::NodeId>(i + 1);
      if (nodes_[i]->alive && list.asks_ack_of(id) && back_office_->key_acked_epoch(id) < epoch) out.push_back(id);
    }
    return out;
  };
  report_.revocation_targets = static_cast<std::uint32_t>(pending().size());
  report_.revocation_ack_one_in = ack_one_in;
  report_.revocation_sealed_keys = static_cast<std::uint32_t>(floods.sealed_keys.size());
  const auto bodies = signed_rekey_bodies(floods);
  const std::uint64_t interval = 10 * airtime_us(128);
  const std::uint64_t broadcast_start = now_;
  for (int pass = 0; pass < 3; ++pass) {
    race_forged_sealed_keys(floods.sealed_keys);
    for (const auto& body : bodies) {
      while (!gateway.send_downlink(body)) run_for(interval);
      run_for(4 * interval);  // closer, the floods crowd the nodes' queues: 1–3 of 293 missed the key
    }
    run_for(3'000'000);
    progress("revocation", 0.2 * (pass + 1));
  }
  run_until([&] { return pending().empty(); }, node_defaults.key_ack_after_us + node_defaults.key_ack_spread_us + 10'000'000,
            250'000);
  report_.revocation_broadcast_seconds = static_cast<double>(now_ - broadcast_start) / 1e6;
  report_.revocation_broadcast_acked = report_.revocation_targets - static_cast<std::uint32_t>(pending().size());
  // What the back office cannot see and the simulator can: every live node but the
  // revoked one that holds the key.
  for (std::uint32_t i = 1; i < node_count(); ++i)
    report_.revocation_holding += nodes_[i]->alive && nodes_[i]->mesh->network().keys().holds_epoch(epoch) ? 1U : 0U;
  report_.revocation_audience = audience;
  // The asked nodes that did not acknowledge get a delivery of their own (their
  // acknowledgement may only have been lost: a node holding the key says so again). Above
  // per_node_limit nodes there are no routes (no joins), and a delivery flooded to one
  // node costs a whole flood of the mesh: they are left out, and the note below tells the
  // nodes that lack the key from those whose acknowledgement was lost.
  // Only to the asked nodes: the others were never to acknowledge, so their silence says
  // nothing (3,000 nodes, one in 8 asked: a delivery to every node without an
  // acknowledgement went to some 2,570 nodes, and the revocation took 1.6 million frames
  // and 302 s instead of 0.4 million and 75 s).
  if (node_count() <= per_node_limit) {
    auto settled = [&](node::NodeId id) { return !list.asks_ack_of(id) || back_office_->key_acked_epoch(id) >= epoch; };
    for (std::uint32_t i = 1; i < node_count(); ++i)
      report_.revocation_per_node += nodes_[i]->alive && !settled(static_cast<node::NodeId>(i + 1)) ? 1U : 0U;
    (void)send_per_node(
        "revocation", per_node_time_us(), 0, settled,
        [&](const std::vector<node::NodeId>& ids) { return back_office_->key_delivery_bodies(ids, epoch, key.span()); },
        SilentNodes::keep_flooding);
  }
  report_.revocation_acked = report_.revocation_targets - static_cast<std::uint32_t>(pending().size());
  // Switch: the gateway seals with the new key and floods the switch under it; then retire.
  // Each phase flood goes out a few times (repeats are harmless: "unchanged").
  (void)gateway.gateway_switch_key(epoch);
  for (int k = 0; k < 4; ++k) {
    while (!gateway.send_downlink(BackOffice::key_phase_body(epoch, 2))) run_for(interval);
    run_for(2'500'000);
  }
  (void)gateway.gateway_retire_key(epoch);
  for (int k = 0; k < 4; ++k) {
    while (!gateway.send_downlink(BackOffice::key_phase_body(epoch, 3))) run_for(interval);
    run_for(2'500'000);
  }
  gateway.close_flood_windows();
  catch_up_after_revocation(asleep, epoch);
  report_.revocation_frames = frames_sent() - frames_before;
  report_.revocation_seconds = static_cast<double>(now_ - start) / 1e6;
  report_.revocation_note = "node " + std::to_string(stolen_id) + " left out of network key epoch 2";
  // The back office knows only of the acknowledgements it asked for; the simulator can
  // also tell which live nodes lack the key, and whether failed nodes cut them off.
  const auto hops = hops_over_alive();
  std::size_t lacking = 0;
  std::size_t cut_off = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i) {
    if (!nodes_[i]->alive || nodes_[i]->mesh->network().keys().newest_epoch() >= epoch) continue;
    ++lacking;
    if (hops[i] == std::numeric_limits<std::uint32_t>::max()) ++cut_off;
  }
  // A node still holding the retired key would take the revoked node's frames.
  std::size_t still_old = 0;
  for (std::uint32_t i = 1; i < node_count(); ++i)
    still_old += nodes_[i]->alive && nodes_[i]->mesh->network().keys().holds_epoch(epoch - 1) ? 1U : 0U;
  const auto unacked = pending().size();
  report_.revocation_note += "; " + std::to_string(lacking) + " live nodes lack the key (" + std::to_string(cut_off) +
                             " cut off from the gateway by failed nodes); " + std::to_string(still_old) +
                             " still hold the retired key; " + std::to_string(unacked) + " asked nodes unacknowledged";
  progress("revocation", 1);
}

}  // namespace meshsec::sim
