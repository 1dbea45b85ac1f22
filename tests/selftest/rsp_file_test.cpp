// The CAVP response-file reader: inherited values, sections, bare words, errors.
#include "selftest/rsp_file.hpp"

#include <gtest/gtest.h>

namespace meshsec::selftest {
namespace {

TEST(RspFile, RecordsInheritFileSectionAndStickyValues) {
  const auto records = parse_rsp(
      "# comment\nAlen = 32\n\n[Nlen = 7, Tlen = 4]\n\nKey = 00ff\n\nCount = 0\nNonce = 01\n\n"
      "Count = 1\nNonce = 02\nKey = aa\nFAIL\n\n[Nlen = 8]\nKey = bb\n\ncount = 2\nNonce = 03\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].number("Alen"), 32u);
  EXPECT_EQ(records[0].number("nlen"), 7u);
  EXPECT_EQ(records[0].text("Key"), "00ff");
  EXPECT_EQ(records[0].hex("Nonce"), (Bytes{0x01}));
  EXPECT_FALSE(records[0].has("FAIL"));
  EXPECT_EQ(records[1].text("Key"), "aa");  // the record's own field hides the section's
  EXPECT_TRUE(records[1].has("FAIL"));
  EXPECT_EQ(records[2].number("Nlen"), 8u);
  EXPECT_EQ(records[2].number("Tlen"), 4u);
  EXPECT_EQ(records[2].text("Key"), "bb");
  EXPECT_EQ(records[2].id(), "Count 2 (line 19)");
}

TEST(RspFile, RecordsRunAcrossBlankLines) {
  const auto records = parse_rsp("COUNT = 1\n\nHash = SHA-256\nIKM  = 0b0b\n\nOKM  = 3cb2\n\nCOUNT = 2\nIKM = 00\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].text("OKM"), "3cb2");
  EXPECT_FALSE(records[1].has("OKM"));
}

TEST(RspFile, ReportsBadLinesAndFields) {
  EXPECT_THROW((void)parse_rsp("[Alen = 0\nCount = 0\n"), VectorFileError);
  EXPECT_THROW((void)parse_rsp("Count = 0\n%%% ???\n"), VectorFileError);
  const auto records = parse_rsp("Count = 0\nKey = abc\nLen = 1x\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THROW((void)records[0].hex("Key"), VectorFileError);
  EXPECT_THROW((void)records[0].number("Len"), VectorFileError);
  EXPECT_THROW((void)records[0].text("Missing"), VectorFileError);
  try {
    (void)records[0].text("Tag");
  } catch (const VectorFileError& e) {
    EXPECT_STREQ(e.what(), "missing field 'Tag'");
  }
}

TEST(RspFile, HandlesCarriageReturnsAndEmptyValues) {
  const auto records = parse_rsp("Count = 0\r\nCT = \r\nPT =\r\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].hex("CT").empty());
  EXPECT_TRUE(records[0].hex("PT").empty());
}

}  // namespace
}  // namespace meshsec::selftest
