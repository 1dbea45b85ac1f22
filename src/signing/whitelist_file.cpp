#include "signing/whitelist_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>

#include "signing/whitelist_codec.hpp"

namespace meshsec::signing {
namespace {

bool write_all(int fd, std::span<const std::uint8_t> bytes) noexcept {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

SigningError save_whitelist_file(const std::filesystem::path& path, const Whitelist& list,
                                 HmacKey& storage_key) noexcept {
  std::array<std::uint8_t, whitelist_record_max> record{};
  std::size_t size = 0;
  if (const auto e = encode_whitelist(list, storage_key, record, size); e != SigningError::ok) return e;
  try {
    const std::filesystem::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return SigningError::backend_failure;
    const bool written = write_all(fd, std::span<const std::uint8_t>(record).first(size)) && ::fsync(fd) == 0;
    if (::close(fd) != 0 || !written || ::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return SigningError::backend_failure;
    }
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
    return SigningError::ok;
  } catch (...) {
    return SigningError::backend_failure;
  }
}

SigningError load_whitelist_file(const std::filesystem::path& path, HmacKey& storage_key, Whitelist& list) noexcept {
  std::array<std::uint8_t, whitelist_record_max + 1> record{};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SigningError::backend_failure;
  std::size_t size = 0;
  while (size < record.size()) {
    const ssize_t n = ::read(fd, record.data() + size, record.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return SigningError::backend_failure;
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  // One byte more than the largest record means the file is not ours.
  if (size > whitelist_record_max) return SigningError::corrupt_store;
  return decode_whitelist(std::span<const std::uint8_t>(record).first(size), storage_key, list);
}

}  // namespace meshsec::signing
