#include "selftest/vector_outcome.hpp"

namespace meshsec::selftest {

VectorOutcome refusal_outcome(crypto::Status status, std::string_view operation) {
  switch (status) {
    case crypto::Status::ok: return VectorOutcome::failed(std::string(operation) + " accepted an invalid vector");
    case crypto::Status::backend_failure:
    case crypto::Status::not_initialised:
      return VectorOutcome::failed(std::string(operation) + " failed with " + std::string(crypto::to_string(status)) +
                                   " instead of refusing the input");
    default: return VectorOutcome::rejected();
  }
}

void record_outcome(FileResult& result, std::string_view vector_id, VectorOutcome outcome) {
  result.negatives_rejected += outcome.negatives_rejected;
  switch (outcome.kind) {
    case OutcomeKind::passed: ++result.valid_passed; return;
    case OutcomeKind::rejected: ++result.invalid_rejected; return;
    case OutcomeKind::excluded:
      ++result.excluded;
      result.note("excluded: " + outcome.detail);
      return;
    case OutcomeKind::not_applicable:
      ++result.not_applicable;
      result.note("not applicable: " + outcome.detail);
      return;
    case OutcomeKind::failed: break;
  }
  result.fail(std::string(vector_id) + ": " + outcome.detail);
}

}  // namespace meshsec::selftest
