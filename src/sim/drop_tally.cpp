#include "sim/drop_tally.hpp"

namespace meshsec::sim {
namespace {

const char* medium_name(MediumDrop r) noexcept {
  switch (r) {
    case MediumDrop::collision: return "collision";
    case MediumDrop::half_duplex: return "half_duplex";
    case MediumDrop::radio_loss: return "radio_loss";
    case MediumDrop::retuned: return "retuned";
    case MediumDrop::count_: break;
  }
  return "unknown";
}

}  // namespace

void DropTally::merge_into(std::map<std::string, std::uint64_t>& out) const {
  for (std::size_t i = 0; i < net_.size(); ++i)
    if (net_[i] != 0) out[std::string(net::to_string(static_cast<net::DropReason>(i)))] += net_[i];
  for (std::size_t i = 0; i < node_.size(); ++i)
    if (node_[i] != 0) out[std::string(node::to_string(static_cast<node::DropReason>(i)))] += node_[i];
  for (std::size_t w = 0; w < medium_.size(); ++w)
    for (std::size_t i = 0; i < medium_[w].size(); ++i)
      if (medium_[w][i] != 0)
        out[std::string(w == 0 ? "" : "wave_") + medium_name(static_cast<MediumDrop>(i))] += medium_[w][i];
}

}  // namespace meshsec::sim
