// The Label/Context encoding: exact bytes, validation, and injectivity (different fields
// never encode alike, including cases where naive concatenation would collide).
#include "keys/derivation_label.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "keys/cover_tree.hpp"
#include "keys/key_id.hpp"
#include "wire/hex.hpp"

using namespace meshsec::keys;
using meshsec::wire::to_hex;

namespace {

DerivationInput base_input() {
  DerivationInput in;
  in.customer_id = "acme";
  in.environment = Environment::prod;
  in.purpose = KeyPurpose::enc;
  in.subject_id = 0x01020304;
  in.version = 7;
  in.key_size = KeySize::bits128;
  return in;
}

std::string encoded(const DerivationInput& in) {
  DerivationLabel l;
  EXPECT_EQ(encode_derivation_label(in, l), KeyError::ok);
  // Label and Context as the KDF sees them: Label ‖ 0x00 ‖ Context.
  return to_hex(l.label()) + "|" + to_hex(l.context());
}

}  // namespace

TEST(DerivationLabel, ExactBytes) {
  DerivationLabel l;
  ASSERT_EQ(encode_derivation_label(base_input(), l), KeyError::ok);
  EXPECT_EQ(to_hex(l.label()), "07" "6d657368736563" "01" "02" "03" "656e63");
  EXPECT_EQ(to_hex(l.context()), "02" "04" "61636d65" "01020304" "00000007" "0080");
  EXPECT_EQ(l.key_size(), KeySize::bits128);
}

TEST(DerivationLabel, CoverKeyExactBytes) {
  DerivationInput in = base_input();
  in.purpose = KeyPurpose::cover;
  in.subject_id = 7;         // the network
  in.version = 0x00011234;   // the leaf of node 0x1234
  DerivationLabel l;
  ASSERT_EQ(encode_derivation_label(in, l), KeyError::ok);
  EXPECT_EQ(to_hex(l.label()), "07" "6d657368736563" "01" "06" "05" "636f766572");
  EXPECT_EQ(to_hex(l.context()), "02" "04" "61636d65" "00000007" "00011234" "0080");
}

TEST(DerivationLabel, LongestInputFits) {
  DerivationInput in = base_input();
  const std::string id(max_customer_id_size, 'z');
  in.customer_id = id;
  in.purpose = KeyPurpose::cover;  // the longest purpose name
  in.version = 1;
  DerivationLabel l;
  ASSERT_EQ(encode_derivation_label(in, l), KeyError::ok);
  EXPECT_EQ(l.label().size(), max_label_size);
  EXPECT_EQ(l.context().size(), max_context_size);
}

TEST(DerivationLabel, RejectsInvalidInputAndLeavesOutputEmpty) {
  struct Case {
    const char* name;
    void (*mutate)(DerivationInput&);
    KeyError expected;
  };
  static const std::string too_long(65, 'a');
  const Case cases[] = {
      {"empty customer", [](DerivationInput& in) { in.customer_id = ""; }, KeyError::bad_customer_id},
      {"65-byte customer", [](DerivationInput& in) { in.customer_id = too_long; }, KeyError::bad_customer_id},
      {"slash in customer", [](DerivationInput& in) { in.customer_id = "acme/x"; }, KeyError::bad_customer_id},
      {"space in customer", [](DerivationInput& in) { in.customer_id = "ac me"; }, KeyError::bad_customer_id},
      {"NUL in customer", [](DerivationInput& in) { in.customer_id = std::string_view("ac\0me", 5); },
       KeyError::bad_customer_id},
      {"environment 0", [](DerivationInput& in) { in.environment = static_cast<Environment>(0); },
       KeyError::bad_environment},
      {"environment 3", [](DerivationInput& in) { in.environment = static_cast<Environment>(3); },
       KeyError::bad_environment},
      {"purpose 0", [](DerivationInput& in) { in.purpose = static_cast<KeyPurpose>(0); }, KeyError::bad_purpose},
      {"purpose 8", [](DerivationInput& in) { in.purpose = static_cast<KeyPurpose>(8); }, KeyError::bad_purpose},
      {"192 bits", [](DerivationInput& in) { in.key_size = static_cast<KeySize>(192); }, KeyError::bad_key_size},
      {"blob with subject",
       [](DerivationInput& in) {
         in.purpose = KeyPurpose::blob;
         in.subject_id = 1;
       },
       KeyError::bad_subject},
      {"network key index 256",
       [](DerivationInput& in) {
         in.purpose = KeyPurpose::net;
         in.version = 256;
       },
       KeyError::bad_version},
      {"cover key of no subtree",
       [](DerivationInput& in) {
         in.purpose = KeyPurpose::cover;
         in.version = 0;
       },
       KeyError::bad_version},
      {"cover key past the leaves",
       [](DerivationInput& in) {
         in.purpose = KeyPurpose::cover;
         in.version = max_subtree + 1;
       },
       KeyError::bad_version},
      {"chain seed of 256 bits",
       [](DerivationInput& in) {
         in.purpose = KeyPurpose::chain;
         in.key_size = KeySize::bits256;
       },
       KeyError::bad_key_size},
  };
  for (const Case& c : cases) {
    DerivationInput in = base_input();
    c.mutate(in);
    DerivationLabel l;
    ASSERT_EQ(encode_derivation_label(base_input(), l), KeyError::ok);
    EXPECT_EQ(encode_derivation_label(in, l), c.expected) << c.name;
    EXPECT_TRUE(l.empty()) << c.name;
    EXPECT_TRUE(l.context().empty()) << c.name;
    KeyId id{};
    id.fill(0xaa);
    EXPECT_EQ(compute_key_id(in, id), c.expected) << c.name;
    EXPECT_EQ(id, KeyId{}) << c.name;
  }
}

TEST(DerivationLabel, EveryFieldChangesTheEncodingAndTheKeyId) {
  // Pairs chosen so that a plain concatenation of the fields would collide: a longer
  // customer id absorbing the first byte of the subject id, an id that is the prefix of
  // another, subject and version swapping values, purpose names sharing a prefix.
  std::vector<DerivationInput> inputs;
  auto add = [&](auto mutate) {
    DerivationInput in = base_input();
    mutate(in);
    inputs.push_back(in);
  };
  add([](DerivationInput&) {});
  add([](DerivationInput& in) { in.customer_id = "acm"; });
  add([](DerivationInput& in) { in.customer_id = "acmee"; });
  add([](DerivationInput& in) {
    in.customer_id = "a";
    in.subject_id = 0x62000000;  // 'b'
  });
  add([](DerivationInput& in) {
    in.customer_id = "ab";
    in.subject_id = 0;
  });
  add([](DerivationInput& in) { in.customer_id = "ACME"; });
  add([](DerivationInput& in) { in.environment = Environment::dev; });
  for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::e2, KeyPurpose::net})
    add([p](DerivationInput& in) { in.purpose = p; });
  add([](DerivationInput& in) {
    in.purpose = KeyPurpose::blob;
    in.subject_id = 0;
  });
  add([](DerivationInput& in) { in.purpose = KeyPurpose::cover; });  // same subject and version as net
  add([](DerivationInput& in) { in.purpose = KeyPurpose::chain; });  // as long a name as cover
  add([](DerivationInput& in) { in.subject_id = 0x01020305; });
  add([](DerivationInput& in) { in.subject_id = 0x04030201; });
  add([](DerivationInput& in) {
    in.subject_id = 7;
    in.version = 0x01020304;  // subject and version swapped
  });
  add([](DerivationInput& in) { in.version = 8; });
  add([](DerivationInput& in) { in.version = 0x07000000; });
  add([](DerivationInput& in) { in.key_size = KeySize::bits256; });

  std::set<std::string> encodings;
  std::set<KeyId> ids;
  for (const auto& in : inputs) {
    encodings.insert(encoded(in));
    KeyId id{};
    ASSERT_EQ(compute_key_id(in, id), KeyError::ok);
    ids.insert(id);
  }
  EXPECT_EQ(encodings.size(), inputs.size());
  EXPECT_EQ(ids.size(), inputs.size());
}

TEST(DerivationLabel, NamesParseBack) {
  for (KeyPurpose p : {KeyPurpose::auth, KeyPurpose::enc, KeyPurpose::e2, KeyPurpose::net, KeyPurpose::blob,
                       KeyPurpose::cover, KeyPurpose::chain}) {
    KeyPurpose back{};
    ASSERT_TRUE(parse_purpose(to_string(p), back));
    EXPECT_EQ(back, p);
  }
  Environment e{};
  EXPECT_TRUE(parse_environment("dev", e) && e == Environment::dev);
  EXPECT_TRUE(parse_environment("prod", e) && e == Environment::prod);
  EXPECT_FALSE(parse_environment("production", e));
  KeyPurpose p{};
  EXPECT_FALSE(parse_purpose("Auth", p));
  EXPECT_FALSE(parse_purpose("", p));
}
