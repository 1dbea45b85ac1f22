#include "hsm/pkcs11_module.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

namespace meshsec::hsm {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::weak_ptr<Pkcs11Module>>& registry() {
  static std::map<std::string, std::weak_ptr<Pkcs11Module>> r;
  return r;
}

// Token labels are 32 bytes, blank padded (PKCS#11 v2.40 §3.2 CK_TOKEN_INFO).
std::string trim_label(const unsigned char* label, std::size_t size) {
  std::string s(reinterpret_cast<const char*>(label), size);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

std::array<unsigned char, 32> pad_label(std::string_view label) {
  std::array<unsigned char, 32> out{};
  out.fill(' ');
  std::memcpy(out.data(), label.data(), std::min(label.size(), out.size()));
  return out;
}

unsigned char* pin_ptr(std::string_view pin) {
  // PKCS#11 takes PINs as non-const pointers but never writes through them.
  return reinterpret_cast<unsigned char*>(const_cast<char*>(pin.data()));
}

}  // namespace

std::string default_pkcs11_module() {
  if (const char* env = std::getenv("MESHSEC_PKCS11_MODULE"); env != nullptr && *env != '\0') return env;
  for (const char* candidate : {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so",
                                "/usr/lib64/pkcs11/libsofthsm2.so"}) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  return std::string(softhsm2_module_path);
}

Pkcs11Result<std::shared_ptr<Pkcs11Module>> Pkcs11Module::load(const std::string& path) {
  std::lock_guard lock(registry_mutex());
  if (auto it = registry().find(path); it != registry().end()) {
    if (auto alive = it->second.lock()) return alive;
  }
  std::shared_ptr<Pkcs11Module> module(new Pkcs11Module());
  module->path_ = path;
  module->library_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (module->library_ == nullptr) return Pkcs11Error{CKR_GENERAL_ERROR, "dlopen " + path};
  auto* get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(module->library_, "C_GetFunctionList"));
  if (get_list == nullptr) return Pkcs11Error{CKR_GENERAL_ERROR, "dlsym C_GetFunctionList in " + path};
  CK_FUNCTION_LIST* list = nullptr;
  if (CK_RV rv = get_list(&list); rv != CKR_OK || list == nullptr) return Pkcs11Error{rv, "C_GetFunctionList"};
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = list->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) return Pkcs11Error{rv, "C_Initialize"};
  module->functions_ = list;
  registry()[path] = module;
  return module;
}

Pkcs11Module::~Pkcs11Module() {
  if (functions_ != nullptr) functions_->C_Finalize(nullptr);
  // The library stays mapped: modules built on OpenSSL register exit handlers that must
  // still find their code when the process ends.
}

Pkcs11Result<std::vector<CK_SLOT_ID>> Pkcs11Module::slots() const {
  CK_ULONG count = 0;
  if (CK_RV rv = functions_->C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK)
    return Pkcs11Error{rv, "C_GetSlotList"};
  std::vector<CK_SLOT_ID> ids(count);
  if (CK_RV rv = functions_->C_GetSlotList(CK_TRUE, ids.data(), &count); rv != CKR_OK)
    return Pkcs11Error{rv, "C_GetSlotList"};
  ids.resize(count);
  return ids;
}

Pkcs11Result<CK_SLOT_ID> Pkcs11Module::find_token(std::string_view label) const {
  auto ids = slots();
  if (!ids) return ids.error();
  for (CK_SLOT_ID id : ids.value()) {
    CK_TOKEN_INFO info{};
    if (functions_->C_GetTokenInfo(id, &info) != CKR_OK) continue;
    if ((info.flags & CKF_TOKEN_INITIALIZED) == 0) continue;
    if (trim_label(info.label, sizeof info.label) == label) return id;
  }
  return Pkcs11Error{CKR_TOKEN_NOT_PRESENT, "find token \"" + std::string(label) + "\""};
}

std::vector<std::string> Pkcs11Module::token_labels() const {
  std::vector<std::string> out;
  auto ids = slots();
  if (!ids) return out;
  for (CK_SLOT_ID id : ids.value()) {
    CK_TOKEN_INFO info{};
    if (functions_->C_GetTokenInfo(id, &info) == CKR_OK && (info.flags & CKF_TOKEN_INITIALIZED) != 0)
      out.push_back(trim_label(info.label, sizeof info.label));
  }
  return out;
}

Pkcs11Result<CK_SLOT_ID> Pkcs11Module::init_token(std::string_view label, std::string_view so_pin,
                                                  std::string_view user_pin) const {
  auto ids = slots();
  if (!ids) return ids.error();
  CK_SLOT_ID free_slot = 0;
  bool found = false;
  for (CK_SLOT_ID id : ids.value()) {
    CK_TOKEN_INFO info{};
    if (functions_->C_GetTokenInfo(id, &info) == CKR_OK && (info.flags & CKF_TOKEN_INITIALIZED) == 0) {
      free_slot = id;
      found = true;
      break;
    }
  }
  if (!found) return Pkcs11Error{CKR_TOKEN_NOT_PRESENT, "init token: no slot with an uninitialised token"};
  auto padded = pad_label(label);
  if (CK_RV rv = functions_->C_InitToken(free_slot, pin_ptr(so_pin), so_pin.size(), padded.data()); rv != CKR_OK)
    return Pkcs11Error{rv, "C_InitToken"};
  auto slot = find_token(label);
  if (!slot) return slot.error();
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  if (CK_RV rv = functions_->C_OpenSession(slot.value(), CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
      rv != CKR_OK)
    return Pkcs11Error{rv, "C_OpenSession"};
  CK_RV rv = functions_->C_Login(session, CKU_SO, pin_ptr(so_pin), so_pin.size());
  if (rv == CKR_OK) {
    rv = functions_->C_InitPIN(session, pin_ptr(user_pin), user_pin.size());
    functions_->C_Logout(session);
    functions_->C_CloseSession(session);
    if (rv != CKR_OK) return Pkcs11Error{rv, "C_InitPIN"};
    return slot.value();
  }
  functions_->C_CloseSession(session);
  return Pkcs11Error{rv, "C_Login (SO)"};
}

Pkcs11Session::Pkcs11Session(Pkcs11Session&& other) noexcept
    : module_(std::move(other.module_)), handle_(other.handle_), logged_in_(other.logged_in_) {
  other.handle_ = CK_INVALID_HANDLE;
  other.logged_in_ = false;
}

Pkcs11Session& Pkcs11Session::operator=(Pkcs11Session&& other) noexcept {
  if (this != &other) {
    close();
    module_ = std::move(other.module_);
    handle_ = other.handle_;
    logged_in_ = other.logged_in_;
    other.handle_ = CK_INVALID_HANDLE;
    other.logged_in_ = false;
  }
  return *this;
}

Pkcs11Session::~Pkcs11Session() { close(); }

void Pkcs11Session::close() noexcept {
  if (module_ && handle_ != CK_INVALID_HANDLE) {
    if (logged_in_) module_->functions()->C_Logout(handle_);
    module_->functions()->C_CloseSession(handle_);
  }
  handle_ = CK_INVALID_HANDLE;
  logged_in_ = false;
}

Pkcs11Result<Pkcs11Session> Pkcs11Session::open(std::shared_ptr<Pkcs11Module> module, CK_SLOT_ID slot,
                                                CK_USER_TYPE user_type, std::string_view pin) {
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  if (CK_RV rv = module->functions()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &handle);
      rv != CKR_OK)
    return Pkcs11Error{rv, "C_OpenSession"};
  Pkcs11Session session(std::move(module), handle, false);
  if (!pin.empty()) {
    CK_RV rv = session.fn()->C_Login(handle, user_type, pin_ptr(pin), pin.size());
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return Pkcs11Error{rv, "C_Login"};
    // A second session of the same application shares the login state (PKCS#11 §5.1):
    // only the session that logged in logs out.
    session.logged_in_ = rv == CKR_OK;
  }
  return session;
}

}  // namespace meshsec::hsm
