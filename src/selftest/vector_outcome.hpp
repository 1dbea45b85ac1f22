// The outcome of one known-answer vector and how it is booked into a FileResult.
#pragma once
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/status.hpp"
#include "selftest/suite_registry.hpp"

namespace meshsec::selftest {

enum class OutcomeKind : unsigned char {
  passed,          // a valid (or accepted acceptable) vector gave the expected output
  rejected,        // an invalid (or refused acceptable) vector was refused
  excluded,        // outside a documented meshsec policy limit; detail is the note
  not_applicable,  // an algorithm meshsec does not offer; detail is the note
  failed,          // anything else; detail says what
};

struct VectorOutcome {
  OutcomeKind kind = OutcomeKind::failed;
  std::string detail;
  std::size_t negatives_rejected = 0;  // mutated copies of the vector that were refused

  [[nodiscard]] static VectorOutcome passed(std::size_t negatives = 0) {
    return {OutcomeKind::passed, {}, negatives};
  }
  [[nodiscard]] static VectorOutcome rejected() { return {OutcomeKind::rejected, {}, 0}; }
  [[nodiscard]] static VectorOutcome excluded(std::string note) {
    return {OutcomeKind::excluded, std::move(note), 0};
  }
  [[nodiscard]] static VectorOutcome not_applicable(std::string note) {
    return {OutcomeKind::not_applicable, std::move(note), 0};
  }
  [[nodiscard]] static VectorOutcome failed(std::string detail) {
    return {OutcomeKind::failed, std::move(detail), 0};
  }
};

// What a refusal of an invalid vector must look like: a reason the crypto layer gives for
// bad input (auth_failed, invalid_public_key, a length error, ...). ok is an acceptance;
// backend_failure or not_initialised mean the check itself went wrong, and count as failures.
[[nodiscard]] VectorOutcome refusal_outcome(crypto::Status status, std::string_view operation);

// Adds one vector's outcome to the file's counts; a failure detail is prefixed with the
// vector's id (e.g. "tcId 17", "Count 3 (line 120)").
void record_outcome(FileResult& result, std::string_view vector_id, VectorOutcome outcome);

// Runs one vector's check and books it. A malformed field (VectorFileError) or any other
// exception thrown while reading the vector becomes a failure of this vector alone, so the
// rest of the file still runs.
template <class Check>
void run_vector(FileResult& result, std::string_view vector_id, Check&& check) {
  VectorOutcome outcome;
  try {
    outcome = std::forward<Check>(check)();
  } catch (const std::exception& e) {
    outcome = VectorOutcome::failed(e.what());
  }
  record_outcome(result, vector_id, std::move(outcome));
}

}  // namespace meshsec::selftest
