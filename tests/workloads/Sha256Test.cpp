// SHA-256 against the FIPS 180-2 (appendix B) test vectors and a split-update consistency check.
#include "voltsim/workloads/util/Sha256.hpp"

#include <gtest/gtest.h>

#include <string>

namespace voltsim::test {
namespace {

using workloads::Sha256;

std::string digestOf(const std::string& text)
{
    return Sha256::hexOf(text.data(), text.size());
}

TEST(Sha256Test, Fips180OneBlockMessage)
{
    EXPECT_EQ(digestOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, Fips180MultiBlockMessage)
{
    EXPECT_EQ(digestOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, Fips180MillionAs)
{
    Sha256 hash;
    const std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i)
        hash.update(chunk.data(), chunk.size());
    EXPECT_EQ(hash.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, EmptyMessage)
{
    EXPECT_EQ(digestOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, PaddingBoundaries)
{
    // 55 bytes is the longest message whose padding fits one block; 56 and 64 need a second one.
    // Each must equal the digest computed through byte-by-byte updates.
    for (std::size_t length : {55u, 56u, 63u, 64u, 65u, 119u, 120u}) {
        const std::string text(length, 'x');
        Sha256 split;
        for (char c : text)
            split.update(&c, 1);
        EXPECT_EQ(split.hexDigest(), digestOf(text)) << length;
    }
    // Known value for 56 bytes of 'a' (two-block padding).
    EXPECT_EQ(digestOf(std::string(56, 'a')),
              "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

} // namespace
} // namespace voltsim::test
