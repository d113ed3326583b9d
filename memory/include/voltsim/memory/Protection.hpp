#pragma once
// Protection of the weight SRAM's codes (docs/accelerator.md, "Protection"): a layer between the
// bit cells and the reader. SECDED and parity store their check bits with the data, in the same
// faulty cells; MSB protection keeps the k most significant bits of every code in reliable cells.
// The decoders are the real ones: SECDED corrects every single error in a word, detects every
// double one, and miscorrects or misses some of three or more.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace voltsim::memory {

enum class ProtectionScheme {
    None,   ///< codes stored as they are
    Secded, ///< extended Hamming code per word of dataBits (64: (72,64), 32: (39,32))
    Parity, ///< one even-parity bit per word of dataBits; a word that fails the check reads as zeros
    Msb,    ///< the msbBits most significant bits of every code in reliable (never faulty) cells
};

/// A protection as named in the config (`weight_sram.protection`) and on the command line:
/// "none", "secded:64", "secded:32", "parity:N" (N = 1..64 data bits per parity bit) or "msb:K"
/// (K = 1..7 reliable bits per code).
struct ProtectionSpec {
    ProtectionScheme scheme = ProtectionScheme::None;
    unsigned dataBits = 0; ///< secded and parity: data bits per codeword
    unsigned msbBits = 0;  ///< msb: reliable bits per code

    /// InputError "<context>: ..." listing the valid forms for anything else.
    static ProtectionSpec parse(const std::string& text, const std::string& context);
    /// The form parse() reads, e.g. "secded:64".
    std::string name() const;
    /// Check bits per codeword: secded r + 1 (2^r >= dataBits + r + 1), parity 1, else 0.
    unsigned checkBits() const;
    /// True for the schemes that store codewords of dataBits + checkBits() bits.
    bool storesCodewords() const
    {
        return scheme == ProtectionScheme::Secded || scheme == ProtectionScheme::Parity;
    }
    /// Faulty cells per data bit: (dataBits + checkBits) / dataBits for codewords, else 1.
    double storedBitsPerDataBit() const;
    /// Two-input XOR gates one decode of a codeword switches (syndrome or parity tree, the overall
    /// parity, the correcting XORs; docs/energy.md, "Protection"); 0 without codewords.
    unsigned decoderGates() const;

    bool operator==(const ProtectionSpec& other) const
    {
        return scheme == other.scheme && dataBits == other.dataBits && msbBits == other.msbBits;
    }
};

/// What one decode did, summed over codewords.
struct ProtectionCounts {
    std::uint64_t words = 0;     ///< codewords decoded
    std::uint64_t corrected = 0; ///< secded: words whose single error was corrected (or miscorrected)
    std::uint64_t detected = 0;  ///< words flagged uncorrectable (secded: passed on as read; parity: zeroed)

    ProtectionCounts& operator+=(const ProtectionCounts& other);
};

/// The extended Hamming (SECDED) code over `dataBits` data bits in systematic form: check bit i
/// (i < r) is the parity of the data bits whose Hamming position (1-based, powers of two skipped,
/// data bit 0 at position 3) has bit i set; check bit r is the parity of the data and the r check
/// bits, so every codeword has even weight.
class SecdedCode {
  public:
    /// dataBits 1..64 (std::invalid_argument otherwise).
    explicit SecdedCode(unsigned dataBits);

    unsigned dataBits() const { return m_dataBits; }
    unsigned checkBits() const { return m_hammingBits + 1; }

    /// The check bits of `data` (bits >= dataBits ignored).
    std::uint32_t encode(std::uint64_t data) const;

    enum class Outcome { Clean, Corrected, Detected };
    struct Decoded {
        std::uint64_t data = 0;
        Outcome outcome = Outcome::Clean;
    };
    /// Odd overall parity: one error, at the syndrome's position (flipped back when it is a data
    /// bit; a check bit needs no repair; a syndrome past the last position is Detected). Even
    /// overall parity with a non-zero syndrome: Detected, `data` returned as read.
    Decoded decode(std::uint64_t data, std::uint32_t check) const;
    /// Two-input XORs of the syndrome: per Hamming check bit, its covered data bits and the stored bit.
    unsigned syndromeGates() const;

  private:
    unsigned m_dataBits;
    unsigned m_hammingBits;
    std::vector<std::uint64_t> m_coverage; ///< per Hamming check bit, the data bits it covers
    std::vector<int> m_dataBitAtPosition;  ///< Hamming position -> data bit, or -1
};

/// Stored bytes of `dataBytes` data bytes under `spec`: ceil(words x (dataBits + checkBits) / 8)
/// with words = ceil(dataBytes x 8 / dataBits) for codewords, else dataBytes.
std::uint64_t protectedBytes(const ProtectionSpec& spec, std::uint64_t dataBytes);

/// The stored bytes of `data`: codeword w holds data bits [w k, w k + k) (zero-padded past the end)
/// followed by its check bits, codewords back to back LSB first from bit 0. Schemes without
/// codewords return the data unchanged.
std::vector<std::uint8_t> protect(const ProtectionSpec& spec, const std::uint8_t* data,
                                  std::size_t dataBytes);

/// The inverse of protect() on `stored` (protectedBytes(dataBytes) bytes, as read): `dataBytes`
/// data bytes, the counts added to `counts`, and for parity the indices of the words that failed
/// their check appended to `failedWords` (their data is returned as read: the caller zeroes the
/// codes they hold).
std::vector<std::uint8_t> unprotect(const ProtectionSpec& spec, const std::uint8_t* stored,
                                    std::size_t dataBytes, ProtectionCounts& counts,
                                    std::vector<std::uint64_t>& failedWords);

} // namespace voltsim::memory
