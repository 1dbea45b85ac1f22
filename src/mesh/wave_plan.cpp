#include "mesh/wave_plan.hpp"

#include <algorithm>
#include <bitset>
#include <limits>
#include <queue>
#include <tuple>
#include <utility>

namespace meshsec::mesh {

namespace {

constexpr std::uint32_t unset = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t deepest_level = std::numeric_limits<std::uint16_t>::max();

// The reported links between live nodes as a compressed adjacency: symmetric (a link either
// end reports counts for both), no self-links, one entry per neighbour with the lower loss,
// neighbours in ascending index so a scan meets ties lowest index first.
class Adjacency {
 public:
  struct Entry {
    std::uint32_t peer;
    float loss;
    float parity_loss;
  };

  Adjacency(const WavePlanInput& input, const std::vector<bool>& alive) {
    const auto n = static_cast<std::uint32_t>(input.links.size());
    std::vector<std::pair<std::uint32_t, Entry>> edges;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!alive[i]) continue;
      for (const auto& l : input.links[i]) {
        if (l.peer >= n || l.peer == i || !alive[l.peer]) continue;
        const float parity_loss = l.parity_loss < 0 ? l.loss : std::max(l.loss, l.parity_loss);
        edges.push_back({i, {l.peer, l.loss, parity_loss}});
        edges.push_back({l.peer, {i, l.loss, parity_loss}});
      }
    }
    std::sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first, a.second.peer, a.second.loss) < std::tie(b.first, b.second.peer, b.second.loss);
    });
    offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
    for (std::size_t k = 0; k < edges.size(); ++k) {
      // Sorted by loss within a pair: the first entry is the least lossy.
      if (k > 0 && edges[k].first == edges[k - 1].first && edges[k].second.peer == edges[k - 1].second.peer) continue;
      entries_.push_back(edges[k].second);
      ++offsets_[edges[k].first + 1];
    }
    for (std::uint32_t i = 0; i < n; ++i) offsets_[i + 1] += offsets_[i];
  }

  struct Range {
    const Entry* first;
    const Entry* last;
    [[nodiscard]] const Entry* begin() const noexcept { return first; }
    [[nodiscard]] const Entry* end() const noexcept { return last; }
  };
  [[nodiscard]] Range of(std::uint32_t node) const noexcept {
    return {entries_.data() + offsets_[node], entries_.data() + offsets_[node + 1]};
  }

 private:
  std::vector<std::uint32_t> offsets_;
  std::vector<Entry> entries_;
};

// BFS levels over good links, then the BFS continued over any link for the nodes that
// only lossy links reach (a bucket per level, so each takes its lowest neighbour + 1).
std::vector<std::uint32_t> compute_levels(const Adjacency& adj, std::uint32_t n, float good) {
  std::vector<std::uint32_t> level(n, unset);
  std::vector<std::vector<std::uint32_t>> buckets;
  if (n == 0) return level;
  std::vector<std::uint32_t> queue{0};
  level[0] = 0;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const auto u = queue[head];
    if (level[u] >= deepest_level) continue;
    for (const auto& e : adj.of(u)) {
      if (e.loss > good || level[e.peer] != unset) continue;
      level[e.peer] = level[u] + 1;
      queue.push_back(e.peer);
    }
  }
  for (const auto u : queue) {
    if (buckets.size() <= level[u]) buckets.resize(level[u] + 1);
    buckets[level[u]].push_back(u);
  }
  for (std::size_t d = 0; d < buckets.size() && d < deepest_level; ++d) {
    for (std::size_t k = 0; k < buckets[d].size(); ++k) {
      const auto u = buckets[d][k];
      for (const auto& e : adj.of(u)) {
        if (level[e.peer] != unset) continue;
        level[e.peer] = static_cast<std::uint32_t>(d + 1);
        if (buckets.size() <= d + 1) buckets.resize(d + 2);
        buckets[d + 1].push_back(e.peer);
      }
    }
  }
  return level;
}

// Step 1: the relays, chosen level by level from the deepest up. A relay keeps its BFS
// level and must hear a relay one level up; any other node just needs some relay it hears
// (at any level). So for level d the targets are its relays plus the nodes no relay
// reaches yet, and a greedy set cover over the level d − 1 nodes serves them (good links
// first, then any). Relays chosen for level d also serve their neighbours one level up
// and on their own level, which is what keeps the set small: a connected dominating set
// whose depth is the mesh's. Lazy max-heap of (gain, lowest index).
std::vector<std::uint8_t> choose_relays(const Adjacency& adj, std::uint32_t n, const std::vector<std::uint32_t>& level,
                                        float good) {
  // Nodes that hear a node one level up over a good link: a relay that does not would
  // lose items on its way in and starve everything below it.
  std::vector<std::uint8_t> good_up(n, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (level[i] == unset) continue;
    if (i == 0) good_up[i] = 1;
    for (const auto& e : adj.of(i))
      if (e.loss <= good && level[e.peer] != unset && level[e.peer] + 1 == level[i]) good_up[i] = 1;
  }
  std::vector<std::uint8_t> relay(n, 0);
  if (n == 0 || level[0] == unset) return relay;
  relay[0] = 1;
  std::vector<std::vector<std::uint32_t>> by_level;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (level[i] == unset) continue;
    if (by_level.size() <= level[i]) by_level.resize(level[i] + 1);
    by_level[level[i]].push_back(i);
  }
  std::vector<std::uint8_t> served(n, 0);  // hears a relay over a good link
  std::vector<std::uint8_t> need(n, 0);    // a target of the level being covered
  auto take = [&](std::uint32_t c) {
    relay[c] = 1;
    for (const auto& e : adj.of(c))
      if (e.loss <= good) served[e.peer] = 1;
  };
  for (const auto& e : adj.of(0))
    if (e.loss <= good) served[e.peer] = 1;
  using Entry = std::pair<std::uint32_t, std::uint32_t>;  // (gain, node)
  auto worse = [](const Entry& a, const Entry& b) { return a.first != b.first ? a.first < b.first : a.second > b.second; };
  for (std::size_t d = by_level.size(); d-- > 1;) {
    std::size_t open = 0;
    for (const auto v : by_level[d]) {
      need[v] = relay[v] != 0 || served[v] == 0 ? 1 : 0;
      open += need[v];
    }
    auto gain = [&](std::uint32_t c, float max_loss) {
      std::uint32_t g = 0;
      for (const auto& e : adj.of(c))
        if (e.loss <= max_loss && need[e.peer] != 0 && level[e.peer] == d) ++g;
      return g;
    };
    for (const float max_loss : {good, std::numeric_limits<float>::infinity()}) {
      if (open == 0) break;
      std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> heap(worse);
      // Relays already on level d − 1 serve their targets at no cost.
      for (const auto c : by_level[d - 1]) {
        if (relay[c] != 0) {
          for (const auto& e : adj.of(c))
            if (e.loss <= max_loss && level[e.peer] == d && need[e.peer] != 0) {
              need[e.peer] = 0;
              --open;
            }
        } else if (const auto g = gain(c, max_loss); g > 0 && (good_up[c] != 0 || max_loss > good)) {
          heap.emplace(g, c);
        }
      }
      while (open > 0 && !heap.empty()) {
        const auto [stored, c] = heap.top();
        heap.pop();
        const auto g = gain(c, max_loss);
        if (g != stored) {
          if (g > 0) heap.emplace(g, c);
          continue;
        }
        take(c);
        for (const auto& e : adj.of(c))
          if (e.loss <= max_loss && level[e.peer] == d && need[e.peer] != 0) {
            need[e.peer] = 0;
            --open;
          }
      }
    }
    for (const auto v : by_level[d]) need[v] = 0;
  }
  return relay;
}

// Step 2: relay levels by BFS over the relays (good links first, then any), and every
// other node's upstream: the adjacent relay it hears well (good link) with the lowest
// level, then the lowest loss; level = its upstream's + 1.
void level_nodes(const Adjacency& adj, std::uint32_t n, const std::vector<std::uint8_t>& relay, float good,
                 std::vector<std::uint32_t>& level, std::vector<std::uint32_t>& upstream) {
  level.assign(n, unset);
  upstream.assign(n, wave_no_upstream);
  if (n == 0 || relay[0] == 0) return;
  level[0] = 0;
  for (const float max_loss : {good, std::numeric_limits<float>::infinity()}) {
    std::vector<std::uint32_t> queue;
    for (std::uint32_t r = 0; r < n; ++r)
      if (relay[r] != 0 && level[r] != unset) queue.push_back(r);
    std::stable_sort(queue.begin(), queue.end(), [&](auto a, auto b) { return level[a] < level[b]; });
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const auto u = queue[head];
      if (level[u] >= deepest_level - 1) continue;
      for (const auto& e : adj.of(u)) {
        if (relay[e.peer] == 0 || e.loss > max_loss || level[e.peer] != unset) continue;
        level[e.peer] = level[u] + 1;
        queue.push_back(e.peer);
      }
    }
  }
  for (std::uint32_t i = 1; i < n; ++i) {
    if (relay[i] != 0 && level[i] == unset) continue;
    // Relays: the BFS parent class (level − 1); others: any relay. The one heard best wins
    // (a relay's parity follows its lossiest listener, and a good link is a lower loss),
    // then the lowest level.
    std::uint32_t best = wave_no_upstream;
    float best_loss = 0;
    for (const auto& e : adj.of(i)) {
      if (relay[e.peer] == 0 || level[e.peer] == unset) continue;
      if (relay[i] != 0 && level[e.peer] + 1 != level[i]) continue;
      const bool better = best == wave_no_upstream || e.loss < best_loss ||
                          (e.loss == best_loss && level[e.peer] < level[best]);
      if (!better) continue;
      best = e.peer;
      best_loss = e.loss;
    }
    if (best == wave_no_upstream) continue;
    upstream[i] = best;
    if (relay[i] == 0) level[i] = level[best] + 1;
  }
}

// Step 3: DSATUR over the relays' conflict graph (CSR by relay position), highest
// saturation first, then most conflicts, then lowest index; a lazy heap since saturation
// only grows. With no free colour, the one the fewest coloured neighbours hold.
std::vector<std::uint8_t> colour_relays(const std::vector<std::uint32_t>& offsets,
                                        const std::vector<std::uint32_t>& neighbours, std::uint32_t colours) {
  const auto count = static_cast<std::uint32_t>(offsets.size() - 1);
  std::vector<std::uint8_t> colour(count, wave_no_channel);
  std::vector<std::bitset<256>> seen(count);
  std::vector<std::uint32_t> saturation(count, 0);
  using Entry = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;  // (saturation, degree, relay)
  auto worse = [](const Entry& a, const Entry& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) < std::get<0>(b);
    if (std::get<1>(a) != std::get<1>(b)) return std::get<1>(a) < std::get<1>(b);
    return std::get<2>(a) > std::get<2>(b);
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> heap(worse);
  auto degree = [&](std::uint32_t r) { return offsets[r + 1] - offsets[r]; };
  for (std::uint32_t r = 0; r < count; ++r) heap.emplace(0, degree(r), r);
  std::vector<std::uint32_t> used(colours, 0);
  while (!heap.empty()) {
    const auto [sat, deg, r] = heap.top();
    heap.pop();
    if (colour[r] != wave_no_channel || sat != saturation[r]) continue;
    std::fill(used.begin(), used.end(), 0);
    for (auto k = offsets[r]; k < offsets[r + 1]; ++k)
      if (const auto c = colour[neighbours[k]]; c != wave_no_channel) ++used[c];
    std::uint32_t best = 0;
    for (std::uint32_t c = 1; c < colours && used[best] != 0; ++c)
      if (used[c] < used[best]) best = c;
    const auto chosen = static_cast<std::uint8_t>(best);
    colour[r] = chosen;
    for (auto k = offsets[r]; k < offsets[r + 1]; ++k) {
      const auto v = neighbours[k];
      if (colour[v] != wave_no_channel || seen[v].test(chosen)) continue;
      seen[v].set(chosen);
      heap.emplace(++saturation[v], degree(v), v);
    }
  }
  return colour;
}

}  // namespace

WavePlan plan_wave(const WavePlanInput& input) {
  const auto n = static_cast<std::uint32_t>(input.links.size());
  WavePlan plan;
  plan.roles.resize(n);
  if (n == 0) return plan;
  std::vector<bool> alive(n, true);
  if (!input.alive.empty())
    for (std::uint32_t i = 0; i < n; ++i) alive[i] = i < input.alive.size() && input.alive[i];
  const Adjacency adj(input, alive);
  const float good = input.good_link_loss;

  // Steps 1 and 2: relays, levels, upstreams; a dead gateway reaches nobody.
  const std::vector<std::uint32_t> bfs_level = alive[0] ? compute_levels(adj, n, good) : std::vector<std::uint32_t>(n, unset);
  std::vector<std::uint8_t> relay = choose_relays(adj, n, bfs_level, good);
  std::vector<std::uint32_t> level;
  std::vector<std::uint32_t> upstream;
  level_nodes(adj, n, relay, good, level, upstream);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!alive[i]) continue;
    if (level[i] == unset || level[i] >= deepest_level) {
      level[i] = unset;
      relay[i] = 0;
      ++plan.unreachable;
    }
  }
  if (level[0] == unset) return plan;

  // Step 3: conflicts between relays of the same period parity — a listener of one hears
  // the other (any link: interference needs no good link) — then the colouring.
  std::vector<std::uint32_t> relays;
  std::vector<std::uint32_t> position(n, unset);
  for (std::uint32_t i = 0; i < n; ++i)
    if (relay[i] != 0) {
      position[i] = static_cast<std::uint32_t>(relays.size());
      relays.push_back(i);
    }
  auto same_parity = [&](std::uint32_t a, std::uint32_t b) { return ((level[a] ^ level[b]) & 1U) == 0; };
  std::vector<std::uint64_t> pairs;
  for (std::uint32_t r = 1; r < n; ++r) {
    const auto u = upstream[r];
    if (u == wave_no_upstream) continue;
    for (const auto& e : adj.of(r)) {
      const auto v = e.peer;
      if (relay[v] == 0 || v == u || !same_parity(u, v)) continue;
      const auto a = std::min(position[u], position[v]);
      const auto b = std::max(position[u], position[v]);
      pairs.push_back((std::uint64_t{a} << 32) | b);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::uint32_t> offsets(relays.size() + 1, 0);
  for (const auto p : pairs) {
    ++offsets[static_cast<std::uint32_t>(p >> 32) + 1];
    ++offsets[static_cast<std::uint32_t>(p & 0xFFFFFFFFu) + 1];
  }
  for (std::size_t k = 0; k < relays.size(); ++k) offsets[k + 1] += offsets[k];
  std::vector<std::uint32_t> neighbours(offsets.back());
  std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
  for (const auto p : pairs) {
    const auto a = static_cast<std::uint32_t>(p >> 32);
    const auto b = static_cast<std::uint32_t>(p & 0xFFFFFFFFu);
    neighbours[fill[a]++] = b;
    neighbours[fill[b]++] = a;
  }
  const std::uint32_t colours = std::max<std::uint32_t>(1, input.channels);
  const auto colour = colour_relays(offsets, neighbours, colours);

  // The roles and the plan's figures.
  std::bitset<256> channels_seen;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (level[i] == unset) continue;
    auto& role = plan.roles[i];
    role.in_plan = true;
    role.level = static_cast<std::uint16_t>(level[i]);
    role.relay = relay[i] != 0;
    if (role.relay) {
      role.tx_channel = colour[position[i]];
      channels_seen.set(role.tx_channel);
      ++plan.relays;
    }
    role.upstream = upstream[i];
    if (role.upstream != wave_no_upstream) {
      role.rx_channel = colour[position[role.upstream]];
      for (const auto& e : adj.of(i))
        if (e.peer == role.upstream)
          (relay[i] != 0 ? plan.roles[e.peer].worst_relay_listener_loss : plan.roles[e.peer].worst_leaf_listener_loss) =
              std::max(relay[i] != 0 ? plan.roles[e.peer].worst_relay_listener_loss
                                     : plan.roles[e.peer].worst_leaf_listener_loss,
                       e.parity_loss);
    }
    plan.max_level = std::max(plan.max_level, role.level);
  }
  plan.channels_used = static_cast<std::uint32_t>(channels_seen.count());
  for (std::uint32_t r = 1; r < n; ++r) {
    const auto u = upstream[r];
    if (u == wave_no_upstream) continue;
    for (const auto& e : adj.of(r)) {
      const auto v = e.peer;
      if (relay[v] == 0 || v == u || !same_parity(u, v) || colour[position[v]] != colour[position[u]]) continue;
      ++plan.conflicted_receivers;
      break;
    }
  }
  return plan;
}

}  // namespace meshsec::mesh
