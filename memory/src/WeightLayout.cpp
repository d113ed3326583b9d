#include "voltsim/memory/WeightLayout.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <string>

namespace voltsim::memory {

WeightLayout::WeightLayout(const ChipGeometry& geometry, const WeightLayoutConfig& config)
    : m_geometry(geometry), m_config(config), m_capacity(geometry.bytes()),
      m_interleave(config.interleaveBytes == 0 ? geometry.bank.bytes() : config.interleaveBytes)
{
    if (m_geometry.bank.bytes() % m_interleave != 0)
        throw InputError("weight layout: interleave of " + std::to_string(m_interleave) +
                         " bytes does not divide the bank size of " + std::to_string(geometry.bank.bytes()) +
                         " bytes");
}

BankLocation WeightLayout::locate(std::uint64_t linearAddress) const
{
    const std::uint64_t physical = (m_config.startOffsetBytes + linearAddress) % m_capacity;
    const std::uint64_t chunk = physical / m_interleave;
    return {static_cast<std::uint32_t>(chunk % m_geometry.banks),
            (chunk / m_geometry.banks) * m_interleave + physical % m_interleave};
}

bool WeightLayout::contains(std::uint64_t linearAddress, std::uint64_t bytes) const
{
    return linearAddress <= m_capacity && bytes <= m_capacity - linearAddress;
}

std::uint64_t WeightLayout::contiguousBytes(std::uint64_t linearAddress) const
{
    const std::uint64_t physical = (m_config.startOffsetBytes + linearAddress) % m_capacity;
    return std::min(m_interleave - physical % m_interleave, m_capacity - physical);
}

std::uint64_t WeightLayout::tensorBytes(std::size_t count, unsigned bits) const
{
    const std::uint64_t dataBytes =
        m_config.packing == Packing::Packed ? (std::uint64_t{count} * bits + 7) / 8 : count;
    return protectedBytes(m_config.protection, dataBytes);
}

std::uint8_t WeightLayout::usedBitsPerByte(unsigned maxBits) const
{
    if (m_config.packing == Packing::Packed)
        return 0xff;
    return static_cast<std::uint8_t>((1u << std::clamp(maxBits, 1u, 8u)) - 1);
}

std::uint8_t WeightLayout::reliableBitsPerByte(unsigned bits) const
{
    const ProtectionSpec& protection = m_config.protection;
    if (protection.scheme != ProtectionScheme::Msb)
        return 0;
    // Packed codes of a width dividing 8 (checkProtection) sit at the same bits in every byte.
    const unsigned period = m_config.packing == Packing::Packed ? bits : 8;
    unsigned mask = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
        const unsigned codeBit = bit % period;
        if (codeBit < bits && codeBit + protection.msbBits >= bits)
            mask |= 1u << bit;
    }
    return static_cast<std::uint8_t>(mask);
}

namespace {

/// The one-line refusal of a protection that does not fit codes of `bits` bits
/// (WeightLayout::checkProtection).
void checkCodeWidth(const ProtectionSpec& protection, Packing packing, unsigned bits, unsigned firstBits,
                    const std::string& context)
{
    const std::string prefix = context + ": \"" + protection.name() + "\" ";
    if (protection.scheme == ProtectionScheme::Parity && protection.dataBits % bits != 0)
        throw InputError(prefix + "needs words of whole codes: " + std::to_string(protection.dataBits) +
                         " data bits are not a multiple of the " + std::to_string(bits) + "-bit codes");
    if (protection.scheme != ProtectionScheme::Msb)
        return;
    if (bits != firstBits)
        throw InputError(prefix + "needs every weight tensor at one bit width (" + std::to_string(firstBits) +
                         " and " + std::to_string(bits) + " bits)");
    if (packing == Packing::Packed && 8 % bits != 0)
        throw InputError(prefix + "needs the reliable bits at fixed columns: packed " + std::to_string(bits) +
                         "-bit codes straddle bytes, set packing to \"byte_per_code\"");
}

} // namespace

void WeightLayout::checkProtection(const std::vector<unsigned>& codeBits, const std::string& context) const
{
    const ProtectionSpec& protection = m_config.protection;
    if (protection.storesCodewords() && m_config.packing != Packing::Packed)
        throw InputError(context + ": \"" + protection.name() +
                         "\" stores codewords of packed codes: set packing to \"packed\"");
    for (const unsigned bits : codeBits)
        checkCodeWidth(protection, m_config.packing, bits, codeBits.front(), context);
}

std::vector<std::uint8_t> WeightLayout::encode(const std::uint8_t* codes, std::size_t count,
                                               unsigned bits) const
{
    if (bits < 1 || bits > 8)
        throw InputError("weight memory: " + std::to_string(bits) + "-bit codes (valid: 1..8)");
    for (std::size_t i = 0; i < count && bits < 8; ++i)
        if ((codes[i] >> bits) != 0)
            throw InputError("weight memory: code " + std::to_string(i) + " = " + std::to_string(codes[i]) +
                             " does not fit " + std::to_string(bits) + " bits");
    const std::vector<std::uint8_t> data = m_config.packing == Packing::Packed
                                               ? packCodes(codes, count, bits)
                                               : std::vector<std::uint8_t>(codes, codes + count);
    return protect(m_config.protection, data.data(), data.size());
}

std::vector<std::uint8_t> WeightLayout::decode(const std::uint8_t* bytes, std::size_t count, unsigned bits,
                                               std::uint8_t zeroCode, ProtectionCounts* counts) const
{
    const bool packed = m_config.packing == Packing::Packed;
    const std::uint64_t dataBytes = packed ? (std::uint64_t{count} * bits + 7) / 8 : count;
    ProtectionCounts decoded;
    std::vector<std::uint64_t> failedWords;
    const std::vector<std::uint8_t> data =
        unprotect(m_config.protection, bytes, static_cast<std::size_t>(dataBytes), decoded, failedWords);
    if (counts != nullptr)
        *counts += decoded;
    std::vector<std::uint8_t> codes;
    if (packed) {
        codes = unpackCodes(data.data(), count, bits);
    } else {
        const auto mask = static_cast<std::uint8_t>((1u << bits) - 1);
        codes.assign(data.begin(), data.end());
        for (auto& code : codes)
            code &= mask;
    }
    // Parity words hold whole codes (checkProtection): a failed word's codes read as zero weights.
    const std::uint64_t codesPerWord = m_config.protection.dataBits / (packed ? bits : 8);
    for (const std::uint64_t word : failedWords)
        for (std::uint64_t i = word * codesPerWord;
             i < std::min<std::uint64_t>((word + 1) * codesPerWord, count); ++i)
            codes[static_cast<std::size_t>(i)] = zeroCode;
    return codes;
}

std::vector<std::uint8_t> packCodes(const std::uint8_t* codes, std::size_t count, unsigned bits)
{
    std::vector<std::uint8_t> bytes((std::uint64_t{count} * bits + 7) / 8, 0);
    std::uint64_t bit = 0;
    for (std::size_t i = 0; i < count; ++i)
        for (unsigned b = 0; b < bits; ++b, ++bit)
            bytes[bit / 8] |= static_cast<std::uint8_t>(((codes[i] >> b) & 1u) << (bit % 8));
    return bytes;
}

std::vector<std::uint8_t> unpackCodes(const std::uint8_t* bytes, std::size_t count, unsigned bits)
{
    std::vector<std::uint8_t> codes(count, 0);
    std::uint64_t bit = 0;
    for (std::size_t i = 0; i < count; ++i)
        for (unsigned b = 0; b < bits; ++b, ++bit)
            codes[i] |= static_cast<std::uint8_t>(((bytes[bit / 8] >> (bit % 8)) & 1u) << b);
    return codes;
}

} // namespace voltsim::memory
