#pragma once
// SHA-256 (FIPS 180-4) for checking model package blobs. Small and dependency-free; verified against
// the FIPS 180-2 test vectors in tests/workloads/Sha256Test.cpp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace voltsim::workloads {

/// Incremental SHA-256: update() any number of times, then hexDigest() once.
class Sha256 {
  public:
    Sha256();

    /// Feeds `size` bytes starting at `data` (not owned; read during the call only).
    void update(const void* data, std::size_t size);

    /// Finishes the hash and returns the 64 lower-case hex digits. Call once; the object is spent.
    std::string hexDigest();

    /// One-shot convenience: the hex digest of `size` bytes at `data`.
    static std::string hexOf(const void* data, std::size_t size);

  private:
    void compressBlock(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state;
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_buffered = 0;
    std::uint64_t m_totalBytes = 0;
};

} // namespace voltsim::workloads
