// A value or an HsmError, returned by every custody operation (host side, so std::variant
// is fine). Reading value() of a failed result throws std::bad_variant_access: that is a
// programming error at the caller, never a custody decision.
#pragma once
#include <utility>
#include <variant>

#include "hsm/hsm_error.hpp"

namespace meshsec::hsm {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(HsmError error) : state_(std::in_place_index<1>, error) {}      // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  // The error; only meaningful when !ok().
  [[nodiscard]] HsmError error() const noexcept {
    return ok() ? HsmError::backend_failure : std::get<1>(state_);
  }
  [[nodiscard]] T& value() & { return std::get<0>(state_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(state_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(state_)); }

 private:
  std::variant<T, HsmError> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() noexcept = default;
  Result(HsmError error) noexcept : failed_(true), error_(error) {}  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] HsmError error() const noexcept { return failed_ ? error_ : HsmError::backend_failure; }

 private:
  bool failed_ = false;
  HsmError error_ = HsmError::backend_failure;
};

}  // namespace meshsec::hsm
