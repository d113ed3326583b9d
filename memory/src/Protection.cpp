#include "voltsim/memory/Protection.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <stdexcept>

namespace voltsim::memory {
namespace {

const char* const kValidProtections =
    "valid: none, secded:64, secded:32, parity:N with N = 1..64 data bits per parity bit, msb:K with K = "
    "1..7 reliable bits per code";

/// `count` (<= 64) bits of `bytes` from bit `first`, LSB first.
std::uint64_t readBits(const std::uint8_t* bytes, std::uint64_t first, unsigned count)
{
    std::uint64_t value = 0;
    unsigned done = 0;
    while (done < count) {
        const std::uint64_t bit = first + done;
        const unsigned offset = bit % 8;
        const unsigned take = std::min(8 - offset, count - done);
        const std::uint64_t chunk = (bytes[bit / 8] >> offset) & ((1u << take) - 1);
        value |= chunk << done;
        done += take;
    }
    return value;
}

/// ORs the low `count` (<= 64) bits of `value` into `bytes` from bit `first` (the bits must be 0).
void writeBits(std::uint8_t* bytes, std::uint64_t first, unsigned count, std::uint64_t value)
{
    unsigned done = 0;
    while (done < count) {
        const std::uint64_t bit = first + done;
        const unsigned offset = bit % 8;
        const unsigned take = std::min(8 - offset, count - done);
        const auto chunk = static_cast<unsigned>((value >> done) & ((1u << take) - 1));
        bytes[bit / 8] = static_cast<std::uint8_t>(bytes[bit / 8] | (chunk << offset));
        done += take;
    }
}

std::uint64_t lowMask(unsigned bits)
{
    return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}

unsigned parityOf(std::uint64_t bits)
{
    return static_cast<unsigned>(__builtin_popcountll(bits) & 1);
}

unsigned hammingBitsFor(unsigned dataBits)
{
    unsigned r = 1;
    while ((1u << r) < dataBits + r + 1)
        ++r;
    return r;
}

unsigned parseCount(const std::string& digits, unsigned low, unsigned high, const std::string& text,
                    const std::string& context)
{
    unsigned value = 0;
    bool ok = !digits.empty() && digits.size() <= 2;
    for (const char c : digits)
        ok = ok && c >= '0' && c <= '9';
    if (ok)
        value = static_cast<unsigned>(std::stoul(digits));
    if (!ok || value < low || value > high)
        throw InputError(context + ": \"" + text + "\" is not a protection (" + kValidProtections + ")");
    return value;
}

std::uint64_t codewordCount(const ProtectionSpec& spec, std::uint64_t dataBytes)
{
    return (dataBytes * 8 + spec.dataBits - 1) / spec.dataBits;
}

} // namespace

ProtectionSpec ProtectionSpec::parse(const std::string& text, const std::string& context)
{
    ProtectionSpec spec;
    if (text == "none")
        return spec;
    const std::size_t colon = text.find(':');
    const std::string scheme = text.substr(0, colon);
    const std::string count = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (scheme == "secded") {
        spec.scheme = ProtectionScheme::Secded;
        spec.dataBits = parseCount(count, 32, 64, text, context);
        if (spec.dataBits != 32 && spec.dataBits != 64)
            throw InputError(context + ": \"" + text + "\" is not a protection (" + kValidProtections + ")");
    } else if (scheme == "parity") {
        spec.scheme = ProtectionScheme::Parity;
        spec.dataBits = parseCount(count, 1, 64, text, context);
    } else if (scheme == "msb") {
        spec.scheme = ProtectionScheme::Msb;
        spec.msbBits = parseCount(count, 1, 7, text, context);
    } else {
        throw InputError(context + ": \"" + text + "\" is not a protection (" + kValidProtections + ")");
    }
    return spec;
}

std::string ProtectionSpec::name() const
{
    switch (scheme) {
    case ProtectionScheme::Secded:
        return "secded:" + std::to_string(dataBits);
    case ProtectionScheme::Parity:
        return "parity:" + std::to_string(dataBits);
    case ProtectionScheme::Msb:
        return "msb:" + std::to_string(msbBits);
    case ProtectionScheme::None:
        break;
    }
    return "none";
}

unsigned ProtectionSpec::checkBits() const
{
    if (scheme == ProtectionScheme::Secded)
        return hammingBitsFor(dataBits) + 1;
    return scheme == ProtectionScheme::Parity ? 1 : 0;
}

double ProtectionSpec::storedBitsPerDataBit() const
{
    if (!storesCodewords())
        return 1.0;
    return static_cast<double>(dataBits + checkBits()) / static_cast<double>(dataBits);
}

unsigned ProtectionSpec::decoderGates() const
{
    if (scheme == ProtectionScheme::Parity)
        return dataBits; // dataBits - 1 for the parity tree, 1 to compare with the stored bit
    if (scheme != ProtectionScheme::Secded)
        return 0;
    // Syndrome, overall parity over the n stored bits, one correcting XOR per data bit.
    return SecdedCode(dataBits).syndromeGates() + (dataBits + checkBits() - 1) + dataBits;
}

ProtectionCounts& ProtectionCounts::operator+=(const ProtectionCounts& other)
{
    words += other.words;
    corrected += other.corrected;
    detected += other.detected;
    return *this;
}

SecdedCode::SecdedCode(unsigned dataBits) : m_dataBits(dataBits), m_hammingBits(0)
{
    if (dataBits < 1 || dataBits > 64)
        throw std::invalid_argument("SECDED over " + std::to_string(dataBits) + " data bits (valid: 1..64)");
    m_hammingBits = hammingBitsFor(dataBits);
    m_coverage.assign(m_hammingBits, 0);
    m_dataBitAtPosition.assign(std::size_t{1} << m_hammingBits, -1);
    unsigned position = 1;
    for (unsigned bit = 0; bit < dataBits; ++bit) {
        ++position;
        while ((position & (position - 1)) == 0) // powers of two hold the check bits
            ++position;
        m_dataBitAtPosition[position] = static_cast<int>(bit);
        for (unsigned i = 0; i < m_hammingBits; ++i)
            if ((position >> i) & 1u)
                m_coverage[i] |= std::uint64_t{1} << bit;
    }
}

std::uint32_t SecdedCode::encode(std::uint64_t data) const
{
    data &= lowMask(m_dataBits);
    std::uint32_t check = 0;
    for (unsigned i = 0; i < m_hammingBits; ++i)
        check |= parityOf(data & m_coverage[i]) << i;
    const unsigned overall = parityOf(data) ^ parityOf(check);
    return check | (overall << m_hammingBits);
}

unsigned SecdedCode::syndromeGates() const
{
    unsigned gates = 0;
    for (const std::uint64_t covered : m_coverage) // the covered data bits and the stored check bit
        gates += static_cast<unsigned>(__builtin_popcountll(covered));
    return gates;
}

SecdedCode::Decoded SecdedCode::decode(std::uint64_t data, std::uint32_t check) const
{
    data &= lowMask(m_dataBits);
    const std::uint32_t hammingMask = (1u << m_hammingBits) - 1;
    const std::uint32_t syndrome = (encode(data) ^ check) & hammingMask;
    const unsigned overall = parityOf(data) ^ parityOf(check & ((hammingMask << 1) | 1u));
    Decoded decoded{data, Outcome::Clean};
    if (overall == 0) {
        decoded.outcome = syndrome == 0 ? Outcome::Clean : Outcome::Detected;
        return decoded;
    }
    decoded.outcome = Outcome::Corrected;
    if (syndrome == 0 || (syndrome & (syndrome - 1)) == 0)
        return decoded; // the overall parity bit or a Hamming check bit: the data is intact
    const int bit = m_dataBitAtPosition[syndrome];
    if (bit < 0)
        decoded.outcome = Outcome::Detected; // a position the shortened code does not have
    else
        decoded.data ^= std::uint64_t{1} << bit;
    return decoded;
}

std::uint64_t protectedBytes(const ProtectionSpec& spec, std::uint64_t dataBytes)
{
    if (!spec.storesCodewords())
        return dataBytes;
    const std::uint64_t codewordBits = spec.dataBits + spec.checkBits();
    return (codewordCount(spec, dataBytes) * codewordBits + 7) / 8;
}

std::vector<std::uint8_t> protect(const ProtectionSpec& spec, const std::uint8_t* data, std::size_t dataBytes)
{
    if (!spec.storesCodewords())
        return std::vector<std::uint8_t>(data, data + dataBytes);
    // Zero-padded copy: the last codeword's data bits past the end read as 0.
    std::vector<std::uint8_t> padded(data, data + dataBytes);
    padded.resize(dataBytes + 8, 0);
    std::vector<std::uint8_t> stored(static_cast<std::size_t>(protectedBytes(spec, dataBytes)), 0);
    const unsigned k = spec.dataBits;
    const unsigned n = k + spec.checkBits();
    const SecdedCode secded(spec.scheme == ProtectionScheme::Secded ? k : 1);
    for (std::uint64_t w = 0; w < codewordCount(spec, dataBytes); ++w) {
        const std::uint64_t word = readBits(padded.data(), w * k, k);
        const std::uint32_t check =
            spec.scheme == ProtectionScheme::Secded ? secded.encode(word) : parityOf(word);
        writeBits(stored.data(), w * n, k, word);
        writeBits(stored.data(), w * n + k, n - k, check);
    }
    return stored;
}

std::vector<std::uint8_t> unprotect(const ProtectionSpec& spec, const std::uint8_t* stored,
                                    std::size_t dataBytes, ProtectionCounts& counts,
                                    std::vector<std::uint64_t>& failedWords)
{
    if (!spec.storesCodewords())
        return std::vector<std::uint8_t>(stored, stored + dataBytes);
    const unsigned k = spec.dataBits;
    const unsigned n = k + spec.checkBits();
    const std::uint64_t words = codewordCount(spec, dataBytes);
    std::vector<std::uint8_t> data(static_cast<std::size_t>((words * k + 7) / 8) + 8, 0);
    const SecdedCode secded(spec.scheme == ProtectionScheme::Secded ? k : 1);
    for (std::uint64_t w = 0; w < words; ++w) {
        std::uint64_t word = readBits(stored, w * n, k);
        const auto check = static_cast<std::uint32_t>(readBits(stored, w * n + k, n - k));
        ++counts.words;
        if (spec.scheme == ProtectionScheme::Secded) {
            const SecdedCode::Decoded decoded = secded.decode(word, check);
            word = decoded.data;
            counts.corrected += decoded.outcome == SecdedCode::Outcome::Corrected;
            counts.detected += decoded.outcome == SecdedCode::Outcome::Detected;
        } else if (parityOf(word) != check) {
            ++counts.detected;
            failedWords.push_back(w);
        }
        writeBits(data.data(), w * k, k, word);
    }
    data.resize(dataBytes);
    return data;
}

} // namespace voltsim::memory
