// Errors of the PKCS#11 plumbing as values: the CK_RV a module returned, kept with the
// function that returned it so messages can name both ("C_Login: CKR_PIN_INCORRECT").
#pragma once
#include <p11-kit/pkcs11.h>

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "hsm/hsm_error.hpp"

namespace meshsec::hsm {

struct Pkcs11Error {
  CK_RV rv = CKR_GENERAL_ERROR;
  std::string operation;  // the C_* function or the plumbing step that failed

  [[nodiscard]] std::string message() const;
};

// "CKR_PIN_INCORRECT", or "CKR_0x..." for a code this table does not know.
[[nodiscard]] std::string ckr_name(CK_RV rv);

// The custody error a return code means (hsm_error.hpp lists the correspondence).
[[nodiscard]] HsmError to_hsm_error(CK_RV rv) noexcept;

// A value or a Pkcs11Error (host side; std::variant like hsm::Result).
template <class T>
class [[nodiscard]] Pkcs11Result {
 public:
  Pkcs11Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}        // NOLINT: implicit
  Pkcs11Result(Pkcs11Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const Pkcs11Error& error() const { return std::get<1>(state_); }
  [[nodiscard]] T& value() & { return std::get<0>(state_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(state_)); }

 private:
  std::variant<T, Pkcs11Error> state_;
};

}  // namespace meshsec::hsm
