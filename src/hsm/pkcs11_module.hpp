// A loaded PKCS#11 module: dlopen, C_GetFunctionList, C_Initialize (once per process and
// module path, shared by every store that uses it), C_Finalize when the last user goes.
// Also the slot-level steps: find a token by label, initialise a fresh one.
#pragma once
#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hsm/pkcs11_error.hpp"

namespace meshsec::hsm {

// Where SoftHSM2 lives on Debian; MESHSEC_PKCS11_MODULE overrides it.
inline constexpr std::string_view softhsm2_module_path = "/usr/lib/softhsm/libsofthsm2.so";

// MESHSEC_PKCS11_MODULE if set, else the first of the known SoftHSM2 locations that
// exists, else softhsm2_module_path.
[[nodiscard]] std::string default_pkcs11_module();

class Pkcs11Module {
 public:
  Pkcs11Module(const Pkcs11Module&) = delete;
  Pkcs11Module& operator=(const Pkcs11Module&) = delete;
  ~Pkcs11Module();

  // The module at `path`, loaded and initialised; a second call with the same path while
  // the first is alive returns the same instance (C_Initialize may run once per process).
  [[nodiscard]] static Pkcs11Result<std::shared_ptr<Pkcs11Module>> load(const std::string& path);

  [[nodiscard]] CK_FUNCTION_LIST* functions() const noexcept { return functions_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  // The slot whose initialised token carries `label` (CKR_TOKEN_NOT_PRESENT when none).
  [[nodiscard]] Pkcs11Result<CK_SLOT_ID> find_token(std::string_view label) const;
  // Initialises the first slot holding an uninitialised token (SoftHSM2 always offers one)
  // as `label` with the SO PIN, then sets the user PIN. Returns the slot of the new token
  // (SoftHSM2 moves a freshly initialised token to a new slot id, so it is looked up again).
  [[nodiscard]] Pkcs11Result<CK_SLOT_ID> init_token(std::string_view label, std::string_view so_pin,
                                                    std::string_view user_pin) const;
  // Labels of all initialised tokens (for messages).
  [[nodiscard]] std::vector<std::string> token_labels() const;

 private:
  Pkcs11Module() = default;
  [[nodiscard]] Pkcs11Result<std::vector<CK_SLOT_ID>> slots() const;

  void* library_ = nullptr;
  CK_FUNCTION_LIST* functions_ = nullptr;
  std::string path_;
};

// An open session on one slot; closes itself. Logging in is part of opening because every
// key operation of meshsec needs the user role.
class Pkcs11Session {
 public:
  Pkcs11Session(const Pkcs11Session&) = delete;
  Pkcs11Session& operator=(const Pkcs11Session&) = delete;
  Pkcs11Session(Pkcs11Session&& other) noexcept;
  Pkcs11Session& operator=(Pkcs11Session&& other) noexcept;
  ~Pkcs11Session();

  // Read-write session; logs in as user_type (CKU_USER or CKU_SO) when pin is non-empty.
  [[nodiscard]] static Pkcs11Result<Pkcs11Session> open(std::shared_ptr<Pkcs11Module> module, CK_SLOT_ID slot,
                                                        CK_USER_TYPE user_type, std::string_view pin);

  [[nodiscard]] CK_SESSION_HANDLE handle() const noexcept { return handle_; }
  [[nodiscard]] CK_FUNCTION_LIST* fn() const noexcept { return module_->functions(); }
  [[nodiscard]] const std::shared_ptr<Pkcs11Module>& module() const noexcept { return module_; }

 private:
  Pkcs11Session(std::shared_ptr<Pkcs11Module> module, CK_SESSION_HANDLE handle, bool logged_in) noexcept
      : module_(std::move(module)), handle_(handle), logged_in_(logged_in) {}
  void close() noexcept;

  std::shared_ptr<Pkcs11Module> module_;
  CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
  bool logged_in_ = false;
};

}  // namespace meshsec::hsm
