// The back office's signature on the floods it originates (docs/dissemination.md,
// "Signed, because the network key is shared"): the same signer as the blobs', over a
// domain of its own for each kind of flood.
#include <array>
#include <stdexcept>
#include <vector>

#include "firmware/blob_signer.hpp"
#include "sim/simulator.hpp"

namespace meshsec::sim {
namespace {

template <std::size_t Size, typename Flood, typename Message>
void sign_flood(const KeyProvisioning& keys, Flood& flood, Message signed_message, const char* what) {
  std::array<std::uint8_t, Size> message{};
  firmware::SoftwareBlobSigner signer;
  if (signed_message(flood, message) != message.size() || signer.init(keys.blob_signing_seed()) != crypto::Status::ok ||
      signer.sign(message, flood.signature) != crypto::Status::ok)
    throw std::runtime_error(std::string("the back office could not sign the ") + what);
}

}  // namespace

void Simulator::sign_as_back_office(mesh::WaveAnnouncement& announcement) const {
  sign_flood<mesh::wave_announcement_signed_size>(*keys_, announcement, mesh::wave_announcement_signed_message,
                                                   "wave announcement");
}

void Simulator::sign_as_back_office(mesh::LinkSurvey& survey) const {
  sign_flood<mesh::link_survey_signed_size>(*keys_, survey, mesh::link_survey_signed_message, "link survey");
}

void Simulator::sign_as_back_office(mesh::CoverAnnouncement& list) const {
  sign_flood<mesh::cover_announcement_signed_size>(*keys_, list, mesh::cover_announcement_signed_message,
                                                    "list of revoked nodes");
}

void Simulator::sign_as_back_office(mesh::CoverKeyCommitment& commitment) const {
  sign_flood<mesh::cover_commitment_signed_size>(*keys_, commitment, mesh::cover_commitment_signed_message,
                                                  "commitment to the next network key");
}

void Simulator::sign_as_back_office(mesh::ChainCheckpoint& checkpoint) const {
  sign_flood<mesh::chain_checkpoint_signed_size>(*keys_, checkpoint, mesh::chain_checkpoint_signed_message,
                                                 "beacon chain checkpoint");
}

void Simulator::offer_chain_checkpoint() {
  if (!scenario_.mesh.chain_checkpoints || nodes_.empty()) return;
  auto& gateway = *nodes_[0]->mesh;
  const std::uint32_t round = gateway.gateway_checkpoint_due();
  if (round == 0) return;
  // The value is the gateway's own copy of the round, out on the air already. The back
  // office takes it from its gateway, which holds the chain's seed and could show any
  // value of it anyway; what the signature adds is that nodes need not hash their way to it.
  mesh::ChainCheckpoint checkpoint;
  checkpoint.network_id = sim_network_id;
  checkpoint.round = round;
  if (!gateway.gateway_chain_value(round, checkpoint.value)) return;
  sign_as_back_office(checkpoint);
  if (gateway.gateway_send_checkpoint(checkpoint)) ++report_.chain_checkpoints_sent;
}

std::vector<std::vector<std::uint8_t>> Simulator::signed_rekey_bodies(BackOffice::CoverRekeyFloods& floods) const {
  std::vector<std::vector<std::uint8_t>> bodies;
  for (auto& part : floods.parts) {
    sign_as_back_office(part);
    std::vector<std::uint8_t> body(mesh::cover_announcement_max_size);
    body.resize(mesh::encode_cover_announcement(part, body));
    if (body.empty()) throw std::runtime_error("cannot encode the list of revoked nodes");
    bodies.push_back(std::move(body));
  }
  sign_as_back_office(floods.commitment);
  std::vector<std::uint8_t> commitment(mesh::cover_commitment_flood_size);
  if (mesh::encode_cover_commitment(floods.commitment, commitment) != commitment.size())
    throw std::runtime_error("cannot encode the commitment to the next network key");
  bodies.push_back(std::move(commitment));
  bodies.insert(bodies.end(), floods.sealed_keys.begin(), floods.sealed_keys.end());
  return bodies;
}

}  // namespace meshsec::sim
