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
    return m_config.packing == Packing::Packed ? (std::uint64_t{count} * bits + 7) / 8 : count;
}

std::uint8_t WeightLayout::usedBitsPerByte(unsigned maxBits) const
{
    if (m_config.packing == Packing::Packed)
        return 0xff;
    return static_cast<std::uint8_t>((1u << std::clamp(maxBits, 1u, 8u)) - 1);
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
    if (m_config.packing == Packing::Packed)
        return packCodes(codes, count, bits);
    return std::vector<std::uint8_t>(codes, codes + count);
}

std::vector<std::uint8_t> WeightLayout::decode(const std::uint8_t* bytes, std::size_t count,
                                               unsigned bits) const
{
    if (m_config.packing == Packing::Packed)
        return unpackCodes(bytes, count, bits);
    const auto mask = static_cast<std::uint8_t>((1u << bits) - 1);
    std::vector<std::uint8_t> codes(bytes, bytes + count);
    for (auto& code : codes)
        code &= mask;
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
