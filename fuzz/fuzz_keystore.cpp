// Keystore, application image and boot image parsers, and the whole boot chain on
// attacker-chosen bytes. Input: [selector] then bytes.
#include <cstddef>
#include <cstdint>

#include "firmware/boot_chain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace meshsec::firmware;
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      KeystoreView k;
      if (parse_keystore(input, k) == BlobError::ok && (k.key_count == 0 || k.key_count > boot::max_keystore_keys))
        __builtin_trap();
      break;
    }
    case 1: {
      AppImageView a;
      if (parse_app_image(input, a) == BlobError::ok &&
          a.header.size() + a.app.size() + a.signature.size() != input.size())
        __builtin_trap();
      break;
    }
    case 2: {
      BootImageView b;
      (void)parse_boot_image(input, b);
      break;
    }
    default: {
      DeviceBootState device;
      device.vendor_root.fill(0x42);
      device.lock = Environment::development;
      BootReport report;
      if (verify_boot_image(input, device, report) == BlobError::ok) __builtin_trap();  // nobody holds that key
      if (report.step_count > boot_step_count) __builtin_trap();
      break;
    }
  }
  return 0;
}
