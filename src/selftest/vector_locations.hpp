// Where `meshsec selftest` finds the vector folders when no option names them.
#pragma once
#include <filesystem>

namespace meshsec::selftest {

// $MESHSEC_VECTORS, else the first folder `shared/vectors` found beside the program's own
// directory or one of its parents (so build/cli/meshsec inside a checkout finds
// ../shared/vectors next to the checkout). Empty when none is found.
[[nodiscard]] std::filesystem::path default_shared_vectors();

// $MESHSEC_CAVP_VECTORS, else Debian's python3-cryptography-vectors
// (/usr/lib/python3/dist-packages/cryptography_vectors).
[[nodiscard]] std::filesystem::path default_cryptography_vectors();

}  // namespace meshsec::selftest
