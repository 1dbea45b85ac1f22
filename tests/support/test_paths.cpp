// Anchor so the support library always has an object file.
#include "support/test_paths.hpp"
