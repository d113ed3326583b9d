#include "voltsim/memory/WeightLayout.hpp"

#include "voltsim/common/Error.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace voltsim::memory {
namespace {

/// Splits [linearAddress, linearAddress + bytes) into runs contiguous in one bank, calls
/// visit(location, bytesDoneBefore, runBytes) for each and counts the runs and the words they touch.
template <typename Visit>
WeightAccess forEachRun(const WeightLayout& layout, const ChipGeometry& geometry, std::uint64_t linearAddress,
                        std::size_t bytes, Visit&& visit)
{
    if (!layout.contains(linearAddress, bytes))
        throw std::out_of_range("weight memory access of " + std::to_string(bytes) + " bytes at " +
                                std::to_string(linearAddress) + " leaves the " +
                                std::to_string(layout.capacityBytes()) + "-byte weight memory");
    const std::uint64_t wordBytes = geometry.bank.wordBytes();
    WeightAccess access;
    std::size_t done = 0;
    while (done < bytes) {
        const auto run = static_cast<std::size_t>(
            std::min<std::uint64_t>(bytes - done, layout.contiguousBytes(linearAddress + done)));
        const BankLocation location = layout.locate(linearAddress + done);
        access.bitsFlipped += visit(location, done, run);
        ++access.bankAccesses;
        access.words += (location.offset + run - 1) / wordBytes - location.offset / wordBytes + 1;
        done += run;
    }
    return access;
}

} // namespace

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

std::uint8_t WeightLayout::usedBitsPerByte() const
{
    if (m_config.packing == Packing::Packed)
        return 0xff;
    unsigned maxBits = 1;
    for (const TensorPlacement& tensor : m_tensors)
        maxBits = std::max(maxBits, tensor.bits);
    return static_cast<std::uint8_t>((1u << maxBits) - 1);
}

std::vector<std::uint8_t> WeightLayout::encode(std::size_t index, const std::uint8_t* codes) const
{
    const TensorPlacement& tensor = m_tensors.at(index);
    for (std::size_t i = 0; i < tensor.count && tensor.bits < 8; ++i)
        if ((codes[i] >> tensor.bits) != 0)
            throw InputError("weight memory: tensor " + std::to_string(index) + " code " + std::to_string(i) +
                             " = " + std::to_string(codes[i]) + " does not fit " +
                             std::to_string(tensor.bits) + " bits");
    if (m_config.packing == Packing::Packed)
        return packCodes(codes, tensor.count, tensor.bits);
    return std::vector<std::uint8_t>(codes, codes + tensor.count);
}

std::vector<std::uint8_t> WeightLayout::decode(std::size_t index, const std::uint8_t* bytes) const
{
    const TensorPlacement& tensor = m_tensors.at(index);
    if (m_config.packing == Packing::Packed)
        return unpackCodes(bytes, tensor.count, tensor.bits);
    const auto mask = static_cast<std::uint8_t>((1u << tensor.bits) - 1);
    std::vector<std::uint8_t> codes(bytes, bytes + tensor.count);
    for (auto& code : codes)
        code &= mask;
    return codes;
}

const TensorPlacement& WeightLayout::addTensor(std::size_t count, unsigned bits)
{
    if (bits < 1 || bits > 8)
        throw InputError("weight layout: tensor " + std::to_string(m_tensors.size()) + " has " +
                         std::to_string(bits) + "-bit codes (valid: 1..8)");
    const std::uint64_t bytes = tensorBytes(count, bits);
    if (m_used + bytes > m_capacity)
        throw InputError("weight layout: weights need " + std::to_string(m_used + bytes) +
                         " bytes but the weight memory holds " + std::to_string(m_capacity));
    m_tensors.push_back({m_used, bytes, count, bits});
    m_used += bytes;
    return m_tensors.back();
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

WeightMemory::WeightMemory(SramChip& chip, const WeightLayoutConfig& config)
    : m_chip(chip), m_layout(chip.geometry(), config)
{
}

void WeightMemory::place(const std::vector<CodeTensorView>& tensors)
{
    for (const CodeTensorView& tensor : tensors)
        m_layout.addTensor(tensor.count, tensor.bits);
    if (m_layout.config().packing == Packing::BytePerCode)
        m_chip.setUsedBitsPerByte(m_layout.usedBitsPerByte());
}

void WeightMemory::load(const std::vector<CodeTensorView>& tensors)
{
    const std::size_t first = m_layout.tensors().size();
    place(tensors);
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const std::vector<std::uint8_t> bytes = m_layout.encode(first + t, tensors[t].codes);
        write(m_layout.tensors()[first + t].address, bytes.data(), bytes.size());
    }
}

WeightAccess WeightMemory::write(std::uint64_t linearAddress, const std::uint8_t* in, std::size_t bytes)
{
    return forEachRun(m_layout, m_chip.geometry(), linearAddress, bytes,
                      [&](const BankLocation& location, std::size_t done, std::size_t run) {
                          m_chip.bank(location.bank).write(location.offset, in + done, run);
                          return std::uint64_t{0};
                      });
}

WeightAccess WeightMemory::read(std::uint64_t linearAddress, std::uint8_t* out, std::size_t bytes)
{
    return forEachRun(m_layout, m_chip.geometry(), linearAddress, bytes,
                      [&](const BankLocation& location, std::size_t done, std::size_t run) {
                          return m_chip.bank(location.bank).read(location.offset, out + done, run);
                      });
}

std::vector<std::uint8_t> WeightMemory::readCodes(std::size_t index)
{
    const TensorPlacement& placement = m_layout.tensors().at(index);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(placement.bytes));
    read(placement.address, bytes.data(), bytes.size());
    return m_layout.decode(index, bytes.data());
}

} // namespace voltsim::memory
